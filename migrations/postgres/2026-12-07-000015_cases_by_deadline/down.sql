DROP INDEX cases_officer_next_due;
DROP INDEX cases_state_next_due;
