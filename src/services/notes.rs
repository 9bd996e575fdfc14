//! Notes on a case: internal notes among staff and the panel, and messages the parties read.

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, write_tx};
use crate::domain::NoteVisibility;
use crate::models::case::{self};
use crate::models::id::CaseId;
use crate::models::user::User;
use crate::services::Error;

/// Adds a note (internal) or a message (shared with the parties) to a case by `author`,
/// with its audit entry. Who may write which is the caller's to decide.
pub fn add(
    conn: &mut DbConn,
    author: &User,
    case: CaseId,
    case_no: &str,
    visibility: NoteVisibility,
    body: &str,
    address: Option<String>,
) -> Result<(), Error> {
    write_tx(conn, |c| {
        case::add_note(c, case, author.id, visibility, body)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(author),
                action: if visibility == NoteVisibility::Internal {
                    "case.internal_note"
                } else {
                    "case.message"
                },
                object: Some(("case", case_no.to_owned())),
                details: json!({}),
                address,
            },
        )?;
        Ok(())
    })
}
