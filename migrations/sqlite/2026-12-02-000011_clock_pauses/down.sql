ALTER TABLE deadlines DROP COLUMN paused_days;
