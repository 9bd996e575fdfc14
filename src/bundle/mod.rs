//! Evidence bundles (DESIGN §6): the BagIt writer, the office keys that sign bundles, the
//! verifier anyone can run offline, and the builder that makes them in the background.

pub mod bag;
pub mod build;
pub mod key;
pub mod keyring;
pub mod verify;
