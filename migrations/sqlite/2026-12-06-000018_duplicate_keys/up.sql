-- The keys two entries for one organization would share (website domain, phone, public email,
-- folded name, name blocks), computed by the service; a create or an import looks its keys up
-- here instead of comparing every organization. Archived organizations have none.
CREATE TABLE duplicate_keys (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (organization_id, kind, value)
);
CREATE INDEX duplicate_keys_value_idx ON duplicate_keys (kind, value, organization_id);

-- Derived data a migration cannot compute in SQL (folding names needs the service's rules):
-- the service fills it at start and removes the row once every organization has its keys.
CREATE TABLE pending_backfills (
    name TEXT PRIMARY KEY
);
INSERT INTO pending_backfills (name) VALUES ('duplicate_keys');
