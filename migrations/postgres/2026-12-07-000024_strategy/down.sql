DELETE FROM pending_backfills WHERE name = 'strategy_record';
DROP TABLE strategy_links;
DROP TABLE strategy_entries;
