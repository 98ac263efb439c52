-- Invitations (valid 72 h) and password resets (valid 1 h): one-time tokens, stored as
-- digests only, spent by the first valid use.
CREATE TABLE one_time_tokens (
    id TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT,
    organization_id TEXT,
    user_id TEXT REFERENCES users (id),
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX one_time_tokens_email_idx ON one_time_tokens (purpose, email);
