DROP TABLE stats_months;
DROP TABLE stats_facts;
ALTER TABLE parties DROP COLUMN country;
