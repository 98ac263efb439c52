DROP TABLE imports;
ALTER TABLE audit_events DROP COLUMN import_id;
