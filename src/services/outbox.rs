//! The outbox, by hand: an administrator sends a failed notice again.

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, write_tx};
use crate::models::id::OutboxId;
use crate::models::outbox;
use crate::models::user::User;
use crate::models::{self};
use crate::services::Error;

/// Puts a failed notice back in the queue (it keeps its Message-ID), with an audit entry
/// naming its kind and the error it failed with. A notice that is not failed is not found.
pub fn retry_notice(
    conn: &mut DbConn,
    admin: &User,
    id: OutboxId,
    address: Option<String>,
) -> Result<(), Error> {
    write_tx(conn, |c| {
        let row = outbox::find(c, id)?;
        if !outbox::retry(c, id, models::now())? {
            return Err(Error::NotFound);
        }
        audit::record(
            c,
            Event {
                actor: &Actor::user(admin),
                action: "admin.notice_retried",
                object: Some(("notice", id.to_string())),
                details: json!({"kind": row.kind, "last_error": row.last_error}),
                address,
            },
        )?;
        Ok(())
    })
}
