-- Evidence (DESIGN §5): exhibits, their per-side numbering, and each exhibit's custody log.
-- The files themselves live in the content-addressed store; a row names its file by SHA-256.

CREATE TABLE exhibits (
    id BIGSERIAL PRIMARY KEY,
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
CREATE FUNCTION exhibits_originals_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'exhibits are never deleted';
    END IF;
    IF (NEW.case_id, NEW.number, NEW.side, NEW.title, NEW.description, NEW.file_name,
        NEW.content_type, NEW.extension, NEW.size, NEW.sha256, NEW.uploaded_by, NEW.uploaded_at,
        NEW.supports_event_id, NEW.supersedes_id)
       IS DISTINCT FROM
       (OLD.case_id, OLD.number, OLD.side, OLD.title, OLD.description, OLD.file_name,
        OLD.content_type, OLD.extension, OLD.size, OLD.sha256, OLD.uploaded_by, OLD.uploaded_at,
        OLD.supports_event_id, OLD.supersedes_id) THEN
        RAISE EXCEPTION 'exhibits are never modified';
    END IF;
    IF OLD.superseded_by_id IS NOT NULL
       AND NEW.superseded_by_id IS DISTINCT FROM OLD.superseded_by_id THEN
        RAISE EXCEPTION 'an exhibit is superseded once';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER exhibits_originals_kept BEFORE UPDATE OR DELETE ON exhibits
    FOR EACH ROW EXECUTE FUNCTION exhibits_originals_kept();

CREATE TABLE custody_events (
    id BIGSERIAL PRIMARY KEY,
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

CREATE FUNCTION custody_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the custody log is append-only';
END
$$;
CREATE TRIGGER custody_events_no_change BEFORE UPDATE OR DELETE ON custody_events
    FOR EACH ROW EXECUTE FUNCTION custody_events_append_only();
CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
    FOR EACH STATEMENT EXECUTE FUNCTION custody_events_append_only();
