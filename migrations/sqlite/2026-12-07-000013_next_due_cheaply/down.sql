DROP TRIGGER cases_next_due_insert;
DROP TRIGGER cases_next_due_update;
DROP TRIGGER cases_next_due_delete;
CREATE TRIGGER cases_next_due_insert AFTER INSERT ON deadlines BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = new.case_id AND status = 'open')
        WHERE id = new.case_id;
END;
CREATE TRIGGER cases_next_due_update AFTER UPDATE OF due_on, status ON deadlines BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = new.case_id AND status = 'open')
        WHERE id = new.case_id;
END;
CREATE TRIGGER cases_next_due_delete AFTER DELETE ON deadlines BEGIN
    UPDATE cases SET next_due_on =
        (SELECT MIN(due_on) FROM deadlines WHERE case_id = old.case_id AND status = 'open')
        WHERE id = old.case_id;
END;
DROP INDEX deadlines_case_open;
