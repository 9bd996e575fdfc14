DROP TABLE audit_checks;
DROP TABLE case_reads;
DROP TRIGGER cases_next_due_delete;
DROP TRIGGER cases_next_due_update;
DROP TRIGGER cases_next_due_insert;
DROP INDEX cases_next_due;
ALTER TABLE cases DROP COLUMN next_due_on;
