-- Workbenches (issue 17 §2, §4).

-- The case's next running deadline, kept by the database from its deadlines, so the case list
-- can show it and sort by it (soonest first, cases without one last) from an index.
ALTER TABLE cases ADD COLUMN next_due_on DATE;
UPDATE cases SET next_due_on =
    (SELECT MIN(d.due_on) FROM deadlines d WHERE d.case_id = cases.id AND d.status = 'open');
CREATE INDEX cases_next_due ON cases (COALESCE(next_due_on, '9999-12-31'), id);
CREATE FUNCTION cases_next_due_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c BIGINT := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = c AND status = 'open')
        WHERE id = c;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_next_due_insert_delete AFTER INSERT OR DELETE ON deadlines
    FOR EACH ROW EXECUTE FUNCTION cases_next_due_keep();
CREATE TRIGGER cases_next_due_update AFTER UPDATE OF due_on, status ON deadlines
    FOR EACH ROW EXECUTE FUNCTION cases_next_due_keep();

-- When each user last opened each case: what parties filed or wrote since then is new to them.
CREATE TABLE case_reads (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
CREATE INDEX case_reads_case ON case_reads (case_id);

-- Each verification of the audit chain, so the administrator sees when it last held.
CREATE TABLE audit_checks (
    id BIGSERIAL PRIMARY KEY,
    checked_at TIMESTAMP NOT NULL,
    entries BIGINT NOT NULL,
    intact BOOLEAN NOT NULL,
    broken_seq BIGINT,
    reason TEXT,
    checked_by BIGINT REFERENCES users (id)
);
