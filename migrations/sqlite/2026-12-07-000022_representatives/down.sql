PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE IF EXISTS organization_claims;
DROP TABLE IF EXISTS change_proposals;
DROP INDEX IF EXISTS users_organization_idx;
CREATE TABLE users_old (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'curator', 'agency', 'partner')),
    organization_id TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    token_generation INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO users_old SELECT id, email, password_hash, role, organization_id, active, token_generation, created_at, updated_at
    FROM users WHERE role <> 'representative';
DROP TABLE users;
ALTER TABLE users_old RENAME TO users;
COMMIT;
PRAGMA foreign_keys = ON;
