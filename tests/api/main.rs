//! The whole HTTP surface, on SQLite (default) or PostgreSQL (TEST_DATABASE_URL).

mod access;
mod accounts;
mod architecture;
mod audit;
mod binary;
mod browser;
mod bundles;
mod cases;
mod csrf;
mod exhibits;
mod fuzz;
mod headers;
mod health;
mod helpers;
mod i18n;
mod import_files;
mod mail;
mod portal;
mod rights;
mod schema;
mod sessions;
mod setup;
mod smtp;
mod throttle;
mod transitions;
mod workflow;
