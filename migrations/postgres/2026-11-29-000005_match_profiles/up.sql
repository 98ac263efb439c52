-- What matching reads of each published firm, one row each, written by the service in the
-- transaction that changes the firm or its records (src/domain/matching/profile.rs). `records`
-- is compact JSON; `terms` are space-separated words under a GIN index, so that a narrow need
-- intersects term lists. Profiles of firms published before this migration are written when
-- the service next starts.
CREATE TABLE match_profiles (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    verified_at TIMESTAMP,
    records TEXT NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX match_profiles_name_idx ON match_profiles (name, organization_id);
CREATE INDEX match_profiles_verified_idx ON match_profiles (verified_at);
CREATE INDEX match_profiles_terms_idx ON match_profiles USING gin (string_to_array(terms, ' '));
