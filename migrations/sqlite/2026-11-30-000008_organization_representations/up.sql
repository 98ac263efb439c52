-- Each organization as the API writes it, rewritten by the service in the transaction that
-- changes the organization or its records (src/db/representations.rs), so that a change-feed
-- page sends stored text instead of building each record from its columns. `staff` is NULL
-- when staff see what partners see. Rows of an older `format`, and organizations without one,
-- are written when the service next starts.
CREATE TABLE organization_representations (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    format INTEGER NOT NULL,
    partner TEXT NOT NULL,
    staff TEXT
);
