DROP TABLE case_counts;
DROP TABLE case_changes;
DROP TABLE case_notes;
DROP TABLE parties;
DROP TABLE filing_counters;
DROP TABLE cases;
DROP FUNCTION case_counts_keep();
