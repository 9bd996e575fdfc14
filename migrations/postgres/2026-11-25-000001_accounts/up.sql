-- Accounts, server-side sessions, login throttling and one-time setup links.
-- Timestamps are UTC, written by the application.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role TEXT NOT NULL CHECK (role IN ('complainant', 'respondent', 'examiner', 'legal', 'mediator', 'admin')),
    password_hash TEXT,
    language TEXT CHECK (language IN ('en', 'ko')),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    language TEXT CHECK (language IN ('en', 'ko')),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_last_seen_at ON sessions (last_seen_at);

CREATE TABLE login_throttle (
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address', 'reset', 'register')),
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, subject)
);

CREATE TABLE setup_tokens (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
