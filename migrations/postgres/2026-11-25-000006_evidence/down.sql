DROP TABLE custody_events;
DROP FUNCTION custody_events_append_only();
DROP TABLE exhibit_counters;
DROP TABLE exhibits;
DROP FUNCTION exhibits_originals_kept();
