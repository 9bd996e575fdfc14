-- Cases, their parties, notes and corrections, and the per-year filing counter.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    draft_key TEXT NOT NULL UNIQUE,
    case_no TEXT UNIQUE,
    filing_year INTEGER,
    filing_seq INTEGER,
    state TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('mediation', 'investigation')),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    ipc_class TEXT,
    damages_amount BIGINT,
    damages_currency TEXT,
    remedy TEXT NOT NULL,
    origin TEXT NOT NULL,
    origin_reference TEXT,
    complainant_user_id BIGINT REFERENCES users (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    assigned_officer_id BIGINT REFERENCES users (id),
    search_text TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    filed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (filing_year, filing_seq),
    CHECK ((state = 'draft') = (case_no IS NULL))
);
-- Lists show the newest first, by id (ids are given in the order cases are created), so
-- each filter's index ends in id.
CREATE INDEX cases_complainant ON cases (complainant_user_id, id);
CREATE INDEX cases_state ON cases (state, id);
CREATE INDEX cases_kind ON cases (kind, id);
CREATE INDEX cases_track ON cases (track, id);
CREATE INDEX cases_officer ON cases (assigned_officer_id, id);
CREATE INDEX cases_track_kind ON cases (track, kind, id);
CREATE INDEX cases_title ON cases (title, id);
CREATE INDEX cases_created_by ON cases (created_by, state);

-- How many cases there are per state, kind and track, kept by the database itself, so the
-- list's counts need not count 100,000 rows on every page view.
CREATE TABLE case_counts (
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    track TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (state, kind, track)
);
CREATE TRIGGER case_counts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_counts (state, kind, track, n) VALUES (new.state, new.kind, new.track, 1)
        ON CONFLICT (state, kind, track) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER case_counts_delete AFTER DELETE ON cases BEGIN
    UPDATE case_counts SET n = n - 1 WHERE state = old.state AND kind = old.kind AND track = old.track;
END;
CREATE TRIGGER case_counts_update AFTER UPDATE OF state, kind, track ON cases BEGIN
    UPDATE case_counts SET n = n - 1 WHERE state = old.state AND kind = old.kind AND track = old.track;
    INSERT INTO case_counts (state, kind, track, n) VALUES (new.state, new.kind, new.track, 1)
        ON CONFLICT (state, kind, track) DO UPDATE SET n = n + 1;
END;

-- Substring search over case number, title, party names and description (trigrams, so
-- Korean words and parts of names are found too).
CREATE VIRTUAL TABLE cases_search USING fts5 (search_text, content = 'cases', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_search (cases_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER cases_search_update AFTER UPDATE OF search_text ON cases BEGIN
    INSERT INTO cases_search (cases_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO cases_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TABLE filing_counters (
    year INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE parties (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('complainant', 'respondent')),
    position INTEGER NOT NULL,
    party_kind TEXT NOT NULL CHECK (party_kind IN ('person', 'organisation')),
    name TEXT NOT NULL,
    registration_no TEXT,
    size TEXT,
    address TEXT,
    email TEXT,
    phone TEXT,
    counsel_name TEXT,
    counsel_firm TEXT,
    counsel_email TEXT,
    UNIQUE (case_id, side, position)
);

CREATE TABLE case_notes (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    visibility TEXT NOT NULL CHECK (visibility IN ('internal', 'shared')),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

CREATE TABLE case_changes (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES users (id),
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX case_changes_case ON case_changes (case_id, changed_at);
