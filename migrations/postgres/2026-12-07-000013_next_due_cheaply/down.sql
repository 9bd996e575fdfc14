CREATE OR REPLACE FUNCTION cases_next_due_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c BIGINT := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = c AND status = 'open')
        WHERE id = c;
    RETURN NULL;
END
$$;
DROP INDEX deadlines_case_open;
