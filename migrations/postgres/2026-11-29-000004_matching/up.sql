-- A foreign buyer's need, recorded by the export promotion agency. What the buyer asks for
-- (services, languages, certifications, capacity, markets, start date) is kept as one JSON
-- document: it is read and written whole, and matched in the application.
CREATE TABLE buyer_requests (
    id TEXT PRIMARY KEY NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users (id),
    buyer_name TEXT NOT NULL,
    buyer_country TEXT NOT NULL REFERENCES countries (code),
    buyer_sector TEXT,
    criteria TEXT NOT NULL,
    notes TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'shortlisting', 'closed_won', 'closed_lost', 'cancelled')),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX buyer_requests_created_idx ON buyer_requests (created_at, id);

-- The wanted services again, one row each, so that statistics can group by service.
CREATE TABLE buyer_request_services (
    request_id TEXT NOT NULL REFERENCES buyer_requests (id) ON DELETE CASCADE,
    service_code TEXT NOT NULL REFERENCES taxonomy_terms (code),
    PRIMARY KEY (request_id, service_code)
);

-- A firm proposed for a request, with the evaluation it had when saved and where the
-- introduction stands. Organizations are archived, never deleted, so the reference holds.
CREATE TABLE buyer_matches (
    request_id TEXT NOT NULL REFERENCES buyer_requests (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'shortlisted', 'introduced', 'declined', 'won', 'lost')),
    note TEXT,
    score DOUBLE PRECISION NOT NULL,
    evaluation TEXT NOT NULL,
    status_changed_by TEXT NOT NULL,
    status_changed_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (request_id, organization_id)
);

-- The trail of a request and its matches, apart from the directory's (and its change feed).
ALTER TABLE audit_events ADD COLUMN buyer_request_id TEXT;
CREATE INDEX audit_events_buyer_request_idx ON audit_events (buyer_request_id, position);

-- Matching reads candidates by how recently they were verified; most never are, so the bands
-- of verified firms are small or empty and found through this index.
CREATE INDEX organizations_verified_idx ON organizations (verified_at);

-- Candidates for a match: the firms offering a service, with what the hard constraints read
-- of each capability, so that matching never leaves the index. It supersedes the index on the
-- service alone.
CREATE INDEX capabilities_service_organization_idx
    ON capabilities (service_code, organization_id, capacity_seats, capacity_fte, id);
DROP INDEX capabilities_service_idx;

-- Whether a firm holds a valid certificate of a scheme, answered from the index alone. It
-- supersedes the index on the organization alone.
CREATE INDEX certifications_holder_idx ON certifications (organization_id, scheme, valid_until, valid_from);
DROP INDEX certifications_organization_idx;
