-- What happened to credentials, for administrators: logins, refusals, password and role
-- changes, keys. Ids are UUIDv7, so their order is the order of events. Nothing secret is
-- stored: no password, no token, only who, from where, and the kind of outcome.
CREATE TABLE security_events (
    id TEXT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT,
    email TEXT,
    address TEXT NOT NULL,
    actor_id TEXT,
    detail TEXT
);
CREATE INDEX security_events_kind_idx ON security_events (kind, id);
CREATE INDEX security_events_user_idx ON security_events (user_id, id);
CREATE INDEX security_events_address_idx ON security_events (address, id);
