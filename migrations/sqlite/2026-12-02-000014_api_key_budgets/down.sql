ALTER TABLE api_keys DROP COLUMN rate_limit_burst;
ALTER TABLE api_keys DROP COLUMN rate_limit_per_minute;
