-- The organization an archived duplicate was merged into: its id and slug answer 301 there,
-- and the change feed names it.
ALTER TABLE organizations ADD COLUMN merged_into TEXT REFERENCES organizations (id);
CREATE INDEX organizations_merged_into_idx ON organizations (merged_into);
