DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE outbox;
DROP TABLE email_tokens;
ALTER TABLE users DROP COLUMN email_verified_at;
