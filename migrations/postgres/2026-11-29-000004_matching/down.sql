CREATE INDEX capabilities_service_idx ON capabilities (service_code);
DROP INDEX capabilities_service_organization_idx;
DROP INDEX audit_events_buyer_request_idx;
ALTER TABLE audit_events DROP COLUMN buyer_request_id;
DROP TABLE buyer_matches;
DROP TABLE buyer_request_services;
DROP TABLE buyer_requests;
