DROP TABLE custody_events;
DROP TABLE exhibit_counters;
DROP TABLE exhibits;
