-- The mediation clock as a bar (issue 17 §3): the days a deadline stood still in earlier
-- pauses. Resuming moves the due date by them and adds them here, so the case page can show
-- elapsed, paused and remaining time.
ALTER TABLE deadlines ADD COLUMN paused_days INTEGER NOT NULL DEFAULT 0;
