DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address', 'reset', 'register', 'pair', 'device')),
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, subject)
);
DROP TABLE passkey_challenges;
DROP TABLE recovery_codes;
DROP TABLE passkeys;
DROP TABLE totp_secrets;
ALTER TABLE sessions DROP COLUMN factor_at;
ALTER TABLE sessions DROP COLUMN awaiting_factor;
