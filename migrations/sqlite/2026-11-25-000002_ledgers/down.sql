DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_log;
DROP TABLE outbox;
DROP TABLE email_tokens;
ALTER TABLE users DROP COLUMN email_verified_at;
