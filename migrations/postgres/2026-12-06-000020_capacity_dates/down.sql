DELETE FROM pending_backfills WHERE name = 'match_profiles';
