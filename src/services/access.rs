//! A refused access, recorded: who asked for what they may not see, and from where.

use diesel::QueryResult;
use serde_json::Value;

use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, write_tx};

pub fn record_refusal(
    conn: &mut DbConn,
    actor: &Actor,
    details: Value,
    address: Option<String>,
) -> QueryResult<()> {
    write_tx(conn, |c| {
        audit::record(
            c,
            Event {
                actor,
                action: "access.denied",
                object: None,
                details,
                address,
            },
        )
    })
}
