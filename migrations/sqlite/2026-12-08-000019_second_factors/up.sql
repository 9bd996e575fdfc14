-- A second factor for every account that wants one, and for office staff by policy (issue 20).

-- A session whose password was right but whose second factor is still to come is not signed
-- in; factor_at is when the second factor was last given in it (step-up asks again after 15
-- minutes).
ALTER TABLE sessions ADD COLUMN awaiting_factor BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN factor_at TIMESTAMP;

-- One authenticator app per account (RFC 6238). The secret is sealed with ChaCha20-Poly1305
-- under the installation's key secret. Until confirmed_at is set it is an enrollment in
-- progress, not a factor. last_step is the last time step a code was accepted for: that step
-- and every earlier one are refused, so a code works once.
CREATE TABLE totp_secrets (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users (id),
    sealed_secret TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

-- WebAuthn credentials. credential is webauthn-rs's Passkey as JSON (the public key and the
-- signature counter); credential_id is its id, base64url, for finding it when a passkey signs
-- in alone. user_handle is the account's WebAuthn user id, the same for all its passkeys.
CREATE TABLE passkeys (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    credential_id TEXT NOT NULL UNIQUE,
    user_handle TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- Ten one-time codes per account, stored as SHA-256 (each carries 120 random bits).
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL UNIQUE,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A WebAuthn ceremony under way: the state webauthn-rs needs to check the browser's answer,
-- kept here (not in a server's memory) so that any app server can finish it. Used once.
CREATE TABLE passkey_challenges (
    id TEXT NOT NULL PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Sign-in counters gain a scope: passkey sign-ins begun from one address (`passkey`). The
-- counters are transient, so the table is made again, empty, as in 000008.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address', 'reset', 'register', 'pair', 'device', 'passkey')),
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, subject)
);
