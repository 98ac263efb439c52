-- Deleting personal data (a contact) erases its states from every event of that record: the
-- events are found by the record's id.
CREATE INDEX audit_events_record_idx ON audit_events (entity_id);
