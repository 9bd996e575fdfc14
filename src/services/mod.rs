//! The use cases that change state, below the web layer: each is one transaction (its rows,
//! history, audit entry, deadlines and notices together) and returns its own outcome, which
//! the web layer, the command line or a background job turns into what its caller sees.

pub mod accounts;
mod error;

pub use error::Error;
