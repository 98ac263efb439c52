DROP TABLE match_profiles;
