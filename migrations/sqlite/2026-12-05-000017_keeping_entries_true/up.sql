-- The review thread of each organization: submissions, decisions and comments, each with its
-- author and the version it speaks of. The queue and the four-eyes rule read who submitted.
CREATE TABLE organization_reviews (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    comment TEXT,
    version INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organization_reviews_thread_idx ON organization_reviews (organization_id, created_at, id);
CREATE INDEX organization_reviews_kind_idx ON organization_reviews (kind, organization_id, created_at);
-- Submissions made before the thread existed, from the audit trail, so that the queue and the
-- four-eyes rule know who asked.
INSERT INTO organization_reviews (id, organization_id, kind, comment, version, author_id, author_kind, created_at)
SELECT 'audit-' || e.position, e.entity_id, 'submitted', NULL, o.version, e.actor_id, e.actor_kind, e.occurred_at
  FROM audit_events e JOIN organizations o ON o.id = e.entity_id
 WHERE e.entity_kind = 'organization' AND e.action = 'submitted';

-- Demonstration firms leave rankings unless a request asks for them: the profile says which.
ALTER TABLE match_profiles ADD COLUMN is_sample BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE match_profiles SET is_sample = TRUE
 WHERE organization_id IN (SELECT id FROM organizations WHERE is_sample);
