-- Keeping a case's next_due_on cheaply. The triggers ask for the soonest open deadline of one
-- case, from an index on the case and status; and they rewrite the case only when its next
-- due date changes, not for every deadline that leaves it as it was (a deadline met, a
-- deadline due later than the next): each rewrite of a case is a new row version, with new
-- entries in every index on cases.
CREATE INDEX deadlines_case_open ON deadlines (case_id, status, due_on);
CREATE OR REPLACE FUNCTION cases_next_due_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c BIGINT := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
    next_due DATE;
BEGIN
    SELECT MIN(due_on) INTO next_due FROM deadlines WHERE case_id = c AND status = 'open';
    UPDATE cases SET next_due_on = next_due WHERE id = c AND next_due_on IS DISTINCT FROM next_due;
    RETURN NULL;
END
$$;
