//! Evidence bundles (DESIGN §6): the BagIt writer, the office key that signs bundles, the
//! verifier anyone can run offline, and the builder that makes them in the background.

pub mod bag;
pub mod build;
pub mod key;
pub mod verify;
