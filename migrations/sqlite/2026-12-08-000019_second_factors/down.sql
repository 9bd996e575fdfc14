DROP TABLE passkey_challenges;
DROP TABLE recovery_codes;
DROP TABLE passkeys;
DROP TABLE totp_secrets;
ALTER TABLE sessions DROP COLUMN factor_at;
ALTER TABLE sessions DROP COLUMN awaiting_factor;
