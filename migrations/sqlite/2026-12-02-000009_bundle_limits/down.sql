DROP INDEX bundles_requester;
DROP INDEX bundles_content;
ALTER TABLE bundles DROP COLUMN file_deleted_at;
ALTER TABLE bundles DROP COLUMN content_key;
