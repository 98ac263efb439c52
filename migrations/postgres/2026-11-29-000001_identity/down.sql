DROP TABLE signing_keys;
DROP TABLE login_throttle;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE users;
