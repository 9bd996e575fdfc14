//! The office's signing key rotated: from now on bundles are signed with a new key, and the
//! old one stays published with the dates it was valid, so that what it signed still verifies.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::bundle::keyring::KeyRing;
use crate::db::{DbConn, write_tx_retrying};
use crate::models::office_key;
use crate::services::Error;

/// The key that took over, and the one it replaced.
#[derive(Debug, Clone)]
pub struct Rotated {
    pub generation: i32,
    pub fingerprint: String,
    pub previous_fingerprint: String,
}

/// Closes the current key's validity at `now` and makes the next generation, valid from `now`,
/// with its audit entry, in one transaction. Two rotations at once on PostgreSQL cannot both
/// make the same generation: the loser's insert fails on the unique generation, and it is
/// run again on top of the winner's key.
pub fn rotate(
    conn: &mut DbConn,
    keys: &KeyRing,
    actor: &Actor,
    address: Option<String>,
    now: NaiveDateTime,
) -> Result<Rotated, Error> {
    let made = keys.make();
    write_tx_retrying(conn, |c| {
        let current = office_key::current(c)?.ok_or(Error::NotFound)?;
        office_key::close(c, current.id, now)?;
        let row = office_key::insert(c, &made.row(current.generation + 1, now, actor.id))?;
        audit::record(
            c,
            Event {
                actor,
                action: "office_key.rotated",
                object: Some(("office_key", row.fingerprint.clone())),
                details: json!({
                    "generation": row.generation,
                    "fingerprint": row.fingerprint,
                    "previous_generation": current.generation,
                    "previous_fingerprint": current.fingerprint,
                }),
                address: address.clone(),
            },
        )?;
        Ok(Rotated {
            generation: row.generation,
            fingerprint: row.fingerprint,
            previous_fingerprint: current.fingerprint,
        })
    })
}
