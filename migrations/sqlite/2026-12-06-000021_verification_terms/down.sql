ALTER TABLE match_profiles RENAME COLUMN verified_until TO verified_at;
DROP INDEX organizations_verified_until_idx;
ALTER TABLE organizations DROP COLUMN verification_lapsed_by;
ALTER TABLE organizations DROP COLUMN verified_until;
ALTER TABLE organizations DROP COLUMN verification_note;
ALTER TABLE organizations DROP COLUMN verification_method;
