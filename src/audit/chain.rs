//! The hash chain, pure: each entry's hash covers its fields and the hash before it, so
//! changing, removing or reordering any entry breaks every link after it.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an entry's hash covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed<'a> {
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: Option<&'a str>,
    pub object_id: Option<&'a str>,
    pub details: &'a str,
    pub address: Option<&'a str>,
    pub prev_hash: &'a str,
}

impl Sealed<'_> {
    /// SHA-256 over a JSON array of the fields: unambiguous, whatever the text holds.
    pub fn hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.actor_id,
            self.actor,
            self.action,
            self.object_type,
            self.object_id,
            self.details,
            self.address,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(details: &'a str, prev: &'a str) -> Sealed<'a> {
        Sealed {
            seq: 1,
            occurred_at: chrono::DateTime::from_timestamp(1_800_000_000, 123_456_000)
                .unwrap()
                .naive_utc(),
            actor_id: Some(7),
            actor: "kim@example.org",
            action: "login.success",
            object_type: Some("user"),
            object_id: Some("7"),
            details,
            address: Some("127.0.0.1"),
            prev_hash: prev,
        }
    }

    #[test]
    fn every_field_and_the_previous_hash_change_the_hash() {
        let base = entry("{}", GENESIS).hash();
        assert_eq!(base.len(), 64);
        assert_eq!(base, entry("{}", GENESIS).hash(), "stable");
        assert_ne!(base, entry("{\"x\":1}", GENESIS).hash());
        assert_ne!(base, entry("{}", &"1".repeat(64)).hash());
        assert_ne!(
            base,
            Sealed {
                seq: 2,
                ..entry("{}", GENESIS)
            }
            .hash()
        );
        assert_ne!(
            base,
            Sealed {
                actor_id: None,
                ..entry("{}", GENESIS)
            }
            .hash()
        );
        assert_ne!(
            base,
            Sealed {
                object_id: Some("8"),
                ..entry("{}", GENESIS)
            }
            .hash()
        );
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let a = Sealed {
            actor: "ab",
            action: "c",
            ..entry("{}", GENESIS)
        };
        let b = Sealed {
            actor: "a",
            action: "bc",
            ..entry("{}", GENESIS)
        };
        assert_ne!(a.hash(), b.hash());
    }
}
