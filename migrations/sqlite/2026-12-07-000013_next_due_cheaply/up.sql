-- Keeping a case's next_due_on cheaply. The triggers ask for the soonest open deadline of one
-- case: without an index on the case and status, SQLite walked every open deadline of every
-- case in due order to find it, on every deadline written. And they rewrite the case only
-- when its next due date changes, not for every deadline that leaves it as it was (a deadline
-- met, a deadline due later than the next).
CREATE INDEX deadlines_case_open ON deadlines (case_id, status, due_on);
DROP TRIGGER cases_next_due_insert;
DROP TRIGGER cases_next_due_update;
DROP TRIGGER cases_next_due_delete;
CREATE TRIGGER cases_next_due_insert AFTER INSERT ON deadlines BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = new.case_id AND status = 'open')
        WHERE id = new.case_id AND next_due_on IS NOT
            (SELECT MIN(due_on) FROM deadlines WHERE case_id = new.case_id AND status = 'open');
END;
CREATE TRIGGER cases_next_due_update AFTER UPDATE OF due_on, status ON deadlines BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = new.case_id AND status = 'open')
        WHERE id = new.case_id AND next_due_on IS NOT
            (SELECT MIN(due_on) FROM deadlines WHERE case_id = new.case_id AND status = 'open');
END;
CREATE TRIGGER cases_next_due_delete AFTER DELETE ON deadlines BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = old.case_id AND status = 'open')
        WHERE id = old.case_id AND next_due_on IS NOT
            (SELECT MIN(due_on) FROM deadlines WHERE case_id = old.case_id AND status = 'open');
END;
