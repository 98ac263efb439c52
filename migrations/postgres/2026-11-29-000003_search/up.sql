-- The text each organization is found by, folded (lower case, no accents) by the service:
-- primary (name, acronym) weighs most, then secondary (legal name, service labels), then body
-- (descriptions). PostgreSQL indexes it as a weighted tsvector.
CREATE TABLE search_documents (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    primary_text TEXT NOT NULL,
    secondary_text TEXT NOT NULL,
    body_text TEXT NOT NULL,
    document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', primary_text), 'A')
        || setweight(to_tsvector('simple', secondary_text), 'B')
        || setweight(to_tsvector('simple', body_text), 'C')
    ) STORED
);
CREATE INDEX search_documents_document_idx ON search_documents USING GIN (document);

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
