-- The agency's desk: requests found by deadline, owner, date and text; shortlists in the
-- agency's order with contacts the firms agreed to share; outcomes dated and valued.
ALTER TABLE buyer_requests ADD COLUMN deadline DATE;
-- When the request reached a final status; the series count closings by it.
ALTER TABLE buyer_requests ADD COLUMN closed_at TIMESTAMP;
-- The buyer's name and the notes, folded; NULL until the server writes it at start.
ALTER TABLE buyer_requests ADD COLUMN search_text TEXT;
UPDATE buyer_requests SET closed_at = COALESCE(
    (SELECT MIN(e.occurred_at) FROM audit_events e
      WHERE e.entity_kind = 'buyer_request' AND e.entity_id = buyer_requests.id
        AND e.action IN ('closed_won', 'closed_lost', 'cancelled')),
    updated_at)
WHERE status IN ('closed_won', 'closed_lost', 'cancelled');
CREATE INDEX buyer_requests_updated_idx ON buyer_requests (updated_at, id);
CREATE INDEX buyer_requests_deadline_idx ON buyer_requests (deadline, id);
CREATE INDEX buyer_requests_closed_idx ON buyer_requests (closed_at);
CREATE INDEX buyer_request_services_code_idx ON buyer_request_services (service_code, request_id);

-- The first introduction survives later moves to won or lost.
ALTER TABLE buyer_matches ADD COLUMN introduced_at TIMESTAMP;
ALTER TABLE buyer_matches ADD COLUMN shortlist_position INTEGER;
ALTER TABLE buyer_matches ADD COLUMN contract_value BIGINT;
ALTER TABLE buyer_matches ADD COLUMN contract_currency TEXT;
ALTER TABLE buyer_matches ADD COLUMN contract_months INTEGER;
UPDATE buyer_matches SET introduced_at = (
    SELECT MIN(e.occurred_at) FROM audit_events e
     WHERE e.entity_kind = 'buyer_match' AND e.buyer_request_id = buyer_matches.request_id
       AND e.entity_id = buyer_matches.organization_id AND e.action = 'introduced');
CREATE INDEX buyer_matches_introduced_idx ON buyer_matches (introduced_at);
CREATE INDEX buyer_matches_status_changed_idx ON buyer_matches (status_changed_at);

-- A contact person leaves the directory with a shortlist only when the firm agreed.
ALTER TABLE contacts ADD COLUMN shareable BOOLEAN NOT NULL DEFAULT FALSE;

-- The directory's series count organizations' events by action and time.
CREATE INDEX audit_events_action_time_idx ON audit_events (entity_kind, action, occurred_at);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at);
