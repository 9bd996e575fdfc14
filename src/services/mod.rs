//! The use cases that change state, below the web layer: each is one transaction (its rows,
//! history, audit entry, deadlines and notices together) and returns its own outcome, which
//! the web layer, the command line or a background job turns into what its caller sees.

pub mod access;
pub mod accounts;
pub mod bundles;
pub mod calendar;
pub mod citations;
pub mod corrections;
mod error;
pub mod exhibits;
pub mod filing;
pub mod invitations;
pub mod notes;
pub mod notice_links;
pub mod office_keys;
pub mod outbox;
pub mod passwords;
pub mod registration;
pub mod rights;
pub mod second_factor;
pub mod sessions;
pub mod sign_in;
pub mod users;

pub use error::Error;
