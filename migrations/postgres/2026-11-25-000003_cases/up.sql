-- Cases, their parties, notes and corrections, and the per-year filing counter.
CREATE TABLE cases (
    id BIGSERIAL PRIMARY KEY,
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
-- Case-number prefixes (`IPD-2025-00…`) whatever the database's collation.
CREATE INDEX cases_case_no_pattern ON cases (case_no text_pattern_ops);

-- How many cases there are per state, kind and track, kept by the database itself, so the
-- list's counts need not count 100,000 rows on every page view.
CREATE TABLE case_counts (
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    track TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (state, kind, track)
);
CREATE FUNCTION case_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE case_counts SET n = n - 1 WHERE state = OLD.state AND kind = OLD.kind AND track = OLD.track;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO case_counts (state, kind, track, n) VALUES (NEW.state, NEW.kind, NEW.track, 1)
            ON CONFLICT (state, kind, track) DO UPDATE SET n = case_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_counts_insert_delete AFTER INSERT OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION case_counts_keep();
CREATE TRIGGER case_counts_update AFTER UPDATE OF state, kind, track ON cases
    FOR EACH ROW EXECUTE FUNCTION case_counts_keep();

-- Substring search over case number, title, party names and description: a trigram index,
-- so Korean words and parts of names are found too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX cases_search_trgm ON cases USING gin (search_text gin_trgm_ops);

CREATE TABLE filing_counters (
    year INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE parties (
    id BIGSERIAL PRIMARY KEY,
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
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users (id),
    visibility TEXT NOT NULL CHECK (visibility IN ('internal', 'shared')),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, created_at);

CREATE TABLE case_changes (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL REFERENCES users (id),
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX case_changes_case ON case_changes (case_id, changed_at);
