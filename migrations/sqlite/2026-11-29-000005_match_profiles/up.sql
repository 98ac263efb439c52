-- What matching reads of each published firm, one row each, written by the service in the
-- transaction that changes the firm or its records (src/domain/matching/profile.rs). `records`
-- is compact JSON; `terms` are words that FTS5 indexes, so that a narrow need intersects term
-- lists. The integer key keeps the index's rowids stable across VACUUM. Profiles of firms
-- published before this migration are written when the service next starts.
CREATE TABLE match_profiles (
    id INTEGER PRIMARY KEY,
    organization_id TEXT NOT NULL UNIQUE REFERENCES organizations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    verified_at TIMESTAMP,
    records TEXT NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX match_profiles_name_idx ON match_profiles (name, organization_id);
CREATE INDEX match_profiles_verified_idx ON match_profiles (verified_at);

-- Terms hold codes: ':', '.', '_' and '-' are part of a word. No positions are kept: queries
-- only ask which profiles hold which words.
CREATE VIRTUAL TABLE match_terms USING fts5 (
    terms,
    content = 'match_profiles',
    content_rowid = 'id',
    tokenize = "unicode61 tokenchars ':._-'",
    detail = none
);

CREATE TRIGGER match_profiles_inserted AFTER INSERT ON match_profiles BEGIN
    INSERT INTO match_terms (rowid, terms) VALUES (new.id, new.terms);
END;

CREATE TRIGGER match_profiles_deleted AFTER DELETE ON match_profiles BEGIN
    INSERT INTO match_terms (match_terms, rowid, terms) VALUES ('delete', old.id, old.terms);
END;

CREATE TRIGGER match_profiles_updated AFTER UPDATE ON match_profiles BEGIN
    INSERT INTO match_terms (match_terms, rowid, terms) VALUES ('delete', old.id, old.terms);
    INSERT INTO match_terms (rowid, terms) VALUES (new.id, new.terms);
END;
