DROP TABLE setup_tokens;
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE users;
