//! The whole HTTP surface, on SQLite (default) or PostgreSQL (TEST_DATABASE_URL).

mod access;
mod accounts;
mod binary;
mod csrf;
mod headers;
mod health;
mod helpers;
mod i18n;
mod sessions;
mod setup;
