-- Match profiles now date each capacity figure (stale after 18 months): the service writes
-- every profile again at start.
INSERT INTO pending_backfills (name) VALUES ('match_profiles');
