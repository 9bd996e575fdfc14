-- Evidence (DESIGN §5): exhibits, their per-side numbering, and each exhibit's custody log.
-- The files themselves live in the content-addressed store; a row names its file by SHA-256.

CREATE TABLE exhibits (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE RESTRICT,
    number INTEGER NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('complainant', 'respondent', 'office')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('parties', 'own_side', 'office')),
    -- The client's name for the file, cleaned: metadata only, never a path.
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    -- The extension of the detected type: downloads are named with it, never with the
    -- client's own (a text file named `x.bat` must not become runnable).
    extension TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    -- The history entry of the filing it supports (the complaint, a supplement, a reply …).
    supports_event_id BIGINT REFERENCES case_events (id),
    supersedes_id BIGINT REFERENCES exhibits (id),
    superseded_by_id BIGINT REFERENCES exhibits (id),
    UNIQUE (case_id, number)
);
CREATE INDEX exhibits_sha256 ON exhibits (sha256);

-- How many numbers each side of a case has been given: taken inside the upload's
-- transaction, so a rollback gives the number back.
CREATE TABLE exhibit_counters (
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    side TEXT NOT NULL,
    issued INTEGER NOT NULL,
    PRIMARY KEY (case_id, side)
);

-- Originals are never modified: only visibility and the superseding link may change, and
-- the link only once.
CREATE TRIGGER exhibits_originals_kept BEFORE UPDATE OF
    case_id, number, side, title, description, file_name, content_type, extension, size, sha256,
    uploaded_by, uploaded_at, supports_event_id, supersedes_id ON exhibits
BEGIN
    SELECT RAISE(ABORT, 'exhibits are never modified');
END;
CREATE TRIGGER exhibits_superseded_once BEFORE UPDATE OF superseded_by_id ON exhibits
    WHEN OLD.superseded_by_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an exhibit is superseded once');
END;
CREATE TRIGGER exhibits_no_delete BEFORE DELETE ON exhibits
BEGIN
    SELECT RAISE(ABORT, 'exhibits are never deleted');
END;

CREATE TABLE custody_events (
    id INTEGER PRIMARY KEY,
    exhibit_id BIGINT NOT NULL REFERENCES exhibits (id),
    action TEXT NOT NULL CHECK (action IN
        ('uploaded', 'downloaded', 'visibility_changed', 'superseded', 'bundled')),
    -- NULL when the system acted; the name and role are kept as they were then.
    actor_id BIGINT REFERENCES users (id),
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    address TEXT,
    details TEXT NOT NULL
);
CREATE INDEX custody_events_exhibit ON custody_events (exhibit_id, id);

CREATE TRIGGER custody_events_no_update BEFORE UPDATE ON custody_events
BEGIN
    SELECT RAISE(ABORT, 'the custody log is append-only');
END;
CREATE TRIGGER custody_events_no_delete BEFORE DELETE ON custody_events
BEGIN
    SELECT RAISE(ABORT, 'the custody log is append-only');
END;
