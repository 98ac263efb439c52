-- A key may end on a set day; and every key is made for an organization (a portal) or for
-- its creator, so that deactivating the creator revokes it. Keys made for neither before
-- this change become their creator's.
ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMP;
UPDATE api_keys SET user_id = created_by WHERE user_id IS NULL AND organization_id IS NULL;
