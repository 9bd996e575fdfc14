//! The registry of rights by hand: staff add a right, or correct one (a stub completed, an
//! import's mistake fixed).

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, write_tx};
use crate::models::right::{self, RightData, RightRow};
use crate::models::user::User;
use crate::models::{self};
use crate::services::Error;

/// What saving a right came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    /// Saved under this DOCDB number.
    Done(String),
    /// Another right already has the number, displayed so.
    Taken(String),
}

/// Adds a right typed in by `by`, or corrects `editing` with it; one transaction with its
/// audit entry. A correction keeps what the form does not show: the search reports'
/// categories of the rights it cites, and the other publications a file named.
pub fn save(
    conn: &mut DbConn,
    by: &User,
    editing: Option<&RightRow>,
    mut data: RightData,
    address: Option<String>,
) -> Result<Saved, Error> {
    let id = editing.map(|r| r.id);
    let before = editing.map(|r| r.docdb.clone());
    write_tx(conn, |c| {
        let docdb = data.number.docdb();
        if let Some(other) = right::find(c, &docdb)?
            && Some(other.id) != id
        {
            return Ok(Saved::Taken(other.display));
        }
        if let Some(row) = editing
            && let Some(old) = right::data_of(c, row)?
        {
            data.publications = old.publications.clone();
            for cited in data.citations.iter_mut() {
                cited.category = old
                    .citations
                    .iter()
                    .find(|o| o.number.docdb() == cited.number.docdb())
                    .and_then(|o| o.category.clone());
            }
        }
        let now = models::now();
        let id = match id {
            Some(id) => {
                right::replace(c, id, &data, now)?;
                id
            }
            None => right::upsert(c, &data, now)?.id(),
        };
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: if before.is_some() {
                    "right.corrected"
                } else {
                    "right.added"
                },
                object: Some(("right", docdb.clone())),
                details: json!({ "id": id.0, "was": before }),
                address,
            },
        )?;
        Ok(Saved::Done(docdb))
    })
}
