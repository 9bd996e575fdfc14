//! The use cases that change state, below the web layer: each is one transaction (its rows,
//! history, audit entry, deadlines and notices together) and returns its own outcome, which
//! the web layer, the command line or a background job turns into what its caller sees.

pub mod accounts;
pub mod bundles;
mod error;
pub mod exhibits;
pub mod invitations;
pub mod notice_links;
pub mod passwords;
pub mod registration;
pub mod sessions;
pub mod sign_in;
pub mod users;

pub use error::Error;
