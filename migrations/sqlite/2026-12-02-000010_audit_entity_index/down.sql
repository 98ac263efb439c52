DROP INDEX audit_events_record_idx;
