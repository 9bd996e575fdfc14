-- What parties did lately, newest first, across the office (an officer's home page): by time,
-- not by walking every case of an officer who may hold thousands. And an officer's open
-- cases counted from the index alone.
CREATE INDEX case_events_at ON case_events (at);
CREATE INDEX case_notes_at ON case_notes (created_at);
CREATE INDEX exhibits_uploaded_at ON exhibits (uploaded_at);
CREATE INDEX cases_officer_state ON cases (assigned_officer_id, state);
