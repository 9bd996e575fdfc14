//! Rights a case cites (DESIGN §4): linking a right to a case, and taking the link back. A
//! number not yet in the registry becomes a stub right that an import or a member of staff
//! completes later.

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::policy;
use crate::db::{DbConn, write_tx, write_tx_retrying};
use crate::domain::office_time::OfficeZone;
use crate::domain::{CitationRole, Claims, PatentNumber};
use crate::models::case::{self};
use crate::models::id::{CaseId, CitationId};
use crate::models::right::{self, NewLink, RightRow};
use crate::models::user::User;
use crate::models::{self};
use crate::services::Error;

/// A citation as its form asks for it, read.
pub struct Citation {
    pub number: PatentNumber,
    pub role: CitationRole,
    pub claims: Claims,
    pub note: String,
}

/// What citing came to.
#[derive(Debug)]
pub enum Cited {
    Done,
    /// The number names several publications: the one meant must be chosen.
    Ambiguous(Vec<RightRow>),
    /// The case cites this right in this role already.
    AlreadyCited,
    /// The case moved on meanwhile (a supplement supplied): the citation is no longer open.
    NotAllowed,
}

/// Whether `user` may change the case's citations, decided on the case as it is now.
fn may_cite_now(c: &mut DbConn, user: &User, id: CaseId) -> Result<bool, Error> {
    let current = case::find_by_id(c, id)?.ok_or(Error::NotFound)?;
    Ok(policy::may_cite(
        user,
        current.state(),
        current.complainant_user_id,
    ))
}

/// Links a right to a case for `by`, found by its number or made a stub when the registry
/// does not know it, with an audit entry on the case (`object`: its number, or a draft's
/// key). Whether `by` may cite is decided again inside the transaction.
pub fn cite(
    conn: &mut DbConn,
    by: &User,
    case: CaseId,
    object: &str,
    citation: &Citation,
    zone: OfficeZone,
    address: Option<String>,
) -> Result<Cited, Error> {
    let Citation {
        number,
        role,
        claims,
        note,
    } = citation;
    write_tx_retrying(conn, |c| {
        // Decided again inside the transaction: the case may have moved on.
        if !may_cite_now(c, by, case)? {
            return Ok(Cited::NotAllowed);
        }
        let now = models::now();
        let right = match right::resolve_or_stub(c, number, now)? {
            Ok(id) => id,
            Err(several) => return Ok(Cited::Ambiguous(several)),
        };
        let link = NewLink {
            case,
            right,
            role: *role,
            claims,
            note,
            by: by.id,
        };
        if !right::link(c, link, now)? {
            return Ok(Cited::AlreadyCited);
        }
        crate::models::stats::refresh(c, case, zone)?;
        let linked = right::find_by_id(c, right)?.ok_or(Error::NotFound)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "case.right_cited",
                object: Some(("case", object.to_owned())),
                details: json!({
                    "right": linked.docdb,
                    "role": role.as_str(),
                    "claims": claims.to_string(),
                    "stub": linked.is_stub(),
                }),
                address: address.clone(),
            },
        )?;
        Ok(Cited::Done)
    })
}

/// What taking a citation back came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Uncited {
    Done,
    /// `by` may not change the case's citations (any more).
    NotAllowed,
}

/// Takes a citation off a case, with an audit entry. A party takes back only what it cited
/// itself, never the office's links; a link it may not take back is not found.
pub fn uncite(
    conn: &mut DbConn,
    by: &User,
    case: CaseId,
    object: &str,
    link: CitationId,
    zone: OfficeZone,
    address: Option<String>,
) -> Result<Uncited, Error> {
    let only_own = (!policy::is_officer(by)).then_some(by.id);
    write_tx(conn, |c| {
        if !may_cite_now(c, by, case)? {
            return Ok(Uncited::NotAllowed);
        }
        let docdb = right::unlink(c, case, link, only_own)?.ok_or(Error::NotFound)?;
        crate::models::stats::refresh(c, case, zone)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "case.right_uncited",
                object: Some(("case", object.to_owned())),
                details: json!({ "right": docdb }),
                address,
            },
        )?;
        Ok(Uncited::Done)
    })
}
