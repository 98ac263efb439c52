-- Firms' representatives: a fifth role, bound to one organization by users.organization_id.
-- SQLite cannot alter a CHECK: the table is rebuilt (its documented twelve-step procedure),
-- with foreign keys off so that the sessions, keys and tokens pointing at users survive.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE IF EXISTS users_new;
CREATE TABLE users_new (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'curator', 'agency', 'partner', 'representative')),
    organization_id TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    -- Access tokens carry the generation they were issued under; raising it (password change,
    -- deactivation) makes every earlier token fail at its next use.
    token_generation INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO users_new (id, email, password_hash, role, organization_id, active, token_generation, created_at, updated_at)
    SELECT id, email, password_hash, role, organization_id, active, token_generation, created_at, updated_at FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX IF NOT EXISTS users_organization_idx ON users (organization_id);

-- What a firm's representative proposes for its organization: a merge patch of its fields or
-- of one record, a new record, or a record's removal, against the version it read. Nothing
-- changes until a curator approves; approval applies it only if that version still holds.
CREATE TABLE IF NOT EXISTS change_proposals (
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
CREATE INDEX IF NOT EXISTS change_proposals_organization_idx ON change_proposals (organization_id, proposed_at);
CREATE INDEX IF NOT EXISTS change_proposals_status_idx ON change_proposals (status, proposed_at, id);

-- A person's claim to represent an organization, with their evidence; a curator's approval
-- binds their account to it. One pending claim per person and organization.
CREATE TABLE IF NOT EXISTS organization_claims (
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
CREATE UNIQUE INDEX IF NOT EXISTS organization_claims_pending_idx
    ON organization_claims (organization_id, user_id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS organization_claims_status_idx ON organization_claims (status, created_at, id);
COMMIT;
PRAGMA foreign_keys = ON;
