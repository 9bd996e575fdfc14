//! Administration: accounts, the audit log, the outbox and the office's signing keys.

pub mod audit;
pub mod office_keys;
pub mod outbox;
pub mod users;
