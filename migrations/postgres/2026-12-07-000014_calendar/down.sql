ALTER TABLE outbox DROP COLUMN calendar;
DROP TABLE calendar_feeds;
