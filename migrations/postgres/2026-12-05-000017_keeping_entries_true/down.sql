ALTER TABLE match_profiles DROP COLUMN is_sample;
DROP TABLE organization_reviews;
