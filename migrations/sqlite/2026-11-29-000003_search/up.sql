-- The text each organization is found by, folded (lower case, no accents) by the service:
-- primary (name, acronym) weighs most, then secondary (legal name, service labels), then body
-- (descriptions). SQLite indexes it with FTS5, kept in step by the triggers below.
CREATE TABLE search_documents (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    primary_text TEXT NOT NULL,
    secondary_text TEXT NOT NULL,
    body_text TEXT NOT NULL
);

CREATE VIRTUAL TABLE search_fts USING fts5 (
    primary_text,
    secondary_text,
    body_text,
    content = 'search_documents',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

CREATE TRIGGER search_documents_inserted AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts (rowid, primary_text, secondary_text, body_text)
    VALUES (new.rowid, new.primary_text, new.secondary_text, new.body_text);
END;

CREATE TRIGGER search_documents_deleted AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, primary_text, secondary_text, body_text)
    VALUES ('delete', old.rowid, old.primary_text, old.secondary_text, old.body_text);
END;

CREATE TRIGGER search_documents_updated AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts (search_fts, rowid, primary_text, secondary_text, body_text)
    VALUES ('delete', old.rowid, old.primary_text, old.secondary_text, old.body_text);
    INSERT INTO search_fts (rowid, primary_text, secondary_text, body_text)
    VALUES (new.rowid, new.primary_text, new.secondary_text, new.body_text);
END;

-- Keyset pagination by each sort order, with the id as tie-break.
CREATE INDEX organizations_name_idx ON organizations (name, id);
CREATE INDEX organizations_created_idx ON organizations (created_at, id);
CREATE INDEX organizations_updated_idx ON organizations (updated_at, id);
CREATE INDEX organizations_country_idx ON organizations (country);
CREATE INDEX capabilities_seats_idx ON capabilities (capacity_seats);
CREATE INDEX capabilities_fte_idx ON capabilities (capacity_fte);
CREATE INDEX capability_languages_capability_idx ON capability_languages (language, capability_id);
CREATE INDEX market_presences_organization_idx ON market_presences (organization_id);
CREATE INDEX audit_events_entity_idx ON audit_events (entity_kind, position);
