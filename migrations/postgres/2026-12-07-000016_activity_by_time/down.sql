DROP INDEX cases_officer_state;
DROP INDEX exhibits_uploaded_at;
DROP INDEX case_notes_at;
DROP INDEX case_events_at;
