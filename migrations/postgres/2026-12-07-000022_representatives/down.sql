DROP TABLE organization_claims;
DROP TABLE change_proposals;
DROP INDEX users_organization_idx;
DELETE FROM users WHERE role = 'representative';
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'curator', 'agency', 'partner'));
