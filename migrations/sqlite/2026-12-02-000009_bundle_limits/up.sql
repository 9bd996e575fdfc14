-- Bundle limits (issue 15): a request whose content has not changed gets the bundle already
-- made, found by its content key; a bundle's file is deleted after the retention period, and
-- the row (with its hash) stays to say so.
ALTER TABLE bundles ADD COLUMN content_key TEXT;
ALTER TABLE bundles ADD COLUMN file_deleted_at TIMESTAMP;
CREATE INDEX bundles_content ON bundles (case_id, content_key);
-- Counting a requester's bundles of the last hour.
CREATE INDEX bundles_requester ON bundles (requested_by, requested_at);
