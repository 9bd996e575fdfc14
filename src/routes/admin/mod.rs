//! Administration: accounts.

pub mod audit;
pub mod outbox;
pub mod users;
