-- The lists by next deadline within one state (a filtered case list) and within one officer's
-- cases (my queue, the officer's home page): the index walks them in order instead of
-- sorting every case of the state or the officer.
CREATE INDEX cases_state_next_due ON cases (state, COALESCE(next_due_on, '9999-12-31'), id);
CREATE INDEX cases_officer_next_due ON cases (assigned_officer_id, COALESCE(next_due_on, '9999-12-31'), id);
