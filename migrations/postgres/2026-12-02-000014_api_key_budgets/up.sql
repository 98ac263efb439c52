-- A key may have its own request budget instead of the configured default.
ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN rate_limit_burst INTEGER;
