-- A verification says how it was made and on what evidence, and lapses: on its last day in
-- force (365 days after it by default), or the day before a change to what it vouched for
-- (name, registry identifiers, capacity), which `verification_lapsed_by` names.
ALTER TABLE organizations ADD COLUMN verification_method TEXT;
ALTER TABLE organizations ADD COLUMN verification_note TEXT;
ALTER TABLE organizations ADD COLUMN verified_until DATE;
ALTER TABLE organizations ADD COLUMN verification_lapsed_by TEXT;
UPDATE organizations SET verified_until = date(verified_at, '+365 days') WHERE verified_at IS NOT NULL;
CREATE INDEX organizations_verified_until_idx ON organizations (verified_until);

-- Matching ranks by whether a verification is in force: profiles keep its last day.
ALTER TABLE match_profiles RENAME COLUMN verified_at TO verified_until;
UPDATE match_profiles SET verified_until = (
    SELECT datetime(o.verified_until) FROM organizations o WHERE o.id = match_profiles.organization_id
);
