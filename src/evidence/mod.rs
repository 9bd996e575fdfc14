//! Evidence files (DESIGN §5): the content-addressed store they are kept in, and the scrub
//! that proves the store still holds what the database says it does.

pub mod scrub;
pub mod store;

pub use store::{Received, Store};
