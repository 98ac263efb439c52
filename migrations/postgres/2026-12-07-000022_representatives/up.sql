-- Firms' representatives: a fifth role, bound to one organization by users.organization_id.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'curator', 'agency', 'partner', 'representative'));
CREATE INDEX users_organization_idx ON users (organization_id);

-- What a firm's representative proposes for its organization: a merge patch of its fields or
-- of one record, a new record, or a record's removal, against the version it read. Nothing
-- changes until a curator approves; approval applies it only if that version still holds.
CREATE TABLE change_proposals (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    target TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('update', 'create', 'remove')),
    record_id TEXT,
    base_version INTEGER,
    changes TEXT,
    comment TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    proposed_by TEXT NOT NULL,
    proposed_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    decision_comment TEXT,
    applied_record_id TEXT
);
CREATE INDEX change_proposals_organization_idx ON change_proposals (organization_id, proposed_at);
CREATE INDEX change_proposals_status_idx ON change_proposals (status, proposed_at, id);

-- A person's claim to represent an organization, with their evidence; a curator's approval
-- binds their account to it. One pending claim per person and organization.
CREATE TABLE organization_claims (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    evidence TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'withdrawn')),
    created_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    decision_comment TEXT
);
CREATE UNIQUE INDEX organization_claims_pending_idx
    ON organization_claims (organization_id, user_id) WHERE status = 'pending';
CREATE INDEX organization_claims_status_idx ON organization_claims (status, created_at, id);
