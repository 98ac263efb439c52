DROP TABLE match_terms;
DROP TABLE match_profiles;
