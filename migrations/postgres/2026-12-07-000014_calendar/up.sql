-- Each person's calendar feed: the URL is signed with the feed's generation, so renewing it
-- (a new generation) revokes every earlier URL. Stopping it keeps the generation, so an old
-- URL never comes back.
CREATE TABLE calendar_feeds (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    active BOOLEAN NOT NULL,
    renewed_at TIMESTAMP NOT NULL
);

-- The iCalendar invitation a notice carries (a session scheduled), as an attachment.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
