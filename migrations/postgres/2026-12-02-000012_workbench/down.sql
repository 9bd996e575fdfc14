DROP TABLE audit_checks;
DROP TABLE case_reads;
DROP TRIGGER cases_next_due_update ON deadlines;
DROP TRIGGER cases_next_due_insert_delete ON deadlines;
DROP FUNCTION cases_next_due_keep();
DROP INDEX cases_next_due;
ALTER TABLE cases DROP COLUMN next_due_on;
