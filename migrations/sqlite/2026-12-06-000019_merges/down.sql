DROP INDEX organizations_merged_into_idx;
ALTER TABLE organizations DROP COLUMN merged_into;
