-- Back to the declarations before the rebuild (see up.sql).
CREATE TABLE sessions_new (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    language TEXT CHECK (language IN ('en', 'ko')),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
INSERT INTO sessions_new (id, token_hash, user_id, csrf_token, language, created_at, last_seen_at)
    SELECT id, token_hash, user_id, csrf_token, language, created_at, last_seen_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_last_seen_at ON sessions (last_seen_at);

CREATE TABLE setup_tokens_new (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO setup_tokens_new (id, token_hash, user_id, created_at, expires_at, used_at)
    SELECT id, token_hash, user_id, created_at, expires_at, used_at FROM setup_tokens;
DROP TABLE setup_tokens;
ALTER TABLE setup_tokens_new RENAME TO setup_tokens;

CREATE TABLE email_tokens_new (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO email_tokens_new (id, token_hash, user_id, purpose, created_at, expires_at, used_at)
    SELECT id, token_hash, user_id, purpose, created_at, expires_at, used_at FROM email_tokens;
DROP TABLE email_tokens;
ALTER TABLE email_tokens_new RENAME TO email_tokens;
CREATE INDEX email_tokens_user_purpose ON email_tokens (user_id, purpose);

CREATE TABLE case_closures_new (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    days_open INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    respondent_appeared BOOLEAN NOT NULL,
    respondent_size TEXT,
    kind TEXT NOT NULL,
    track TEXT NOT NULL,
    origin TEXT NOT NULL
);
INSERT INTO case_closures_new
    SELECT case_id, outcome, closed_at, days_open, sessions, respondent_appeared, respondent_size,
           kind, track, origin
    FROM case_closures;
DROP TABLE case_closures;
ALTER TABLE case_closures_new RENAME TO case_closures;

CREATE TABLE filing_counters_new (
    year INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);
INSERT INTO filing_counters_new (year, last_seq) SELECT year, last_seq FROM filing_counters;
DROP TABLE filing_counters;
ALTER TABLE filing_counters_new RENAME TO filing_counters;
