DROP TABLE pending_backfills;
DROP TABLE duplicate_keys;
