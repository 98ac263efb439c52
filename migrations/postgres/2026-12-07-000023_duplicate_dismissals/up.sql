-- Pairs a curator judged not to be duplicates: GET /v1/duplicates no longer lists them. The
-- first id is the smaller, so that a pair has one row whichever way it was named.
CREATE TABLE duplicate_dismissals (
    first_id TEXT NOT NULL REFERENCES organizations (id),
    second_id TEXT NOT NULL REFERENCES organizations (id),
    reason TEXT,
    dismissed_by TEXT NOT NULL,
    dismissed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
);
