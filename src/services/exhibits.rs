//! Evidence on a case (DESIGN §5): recording uploaded exhibits, changing who may see one, and
//! what is kept of a download and of a fingerprint check. The files themselves are the
//! evidence store's; these record them.

use std::collections::BTreeMap;

use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::policy;
use crate::db::{DbConn, write_tx};
use crate::domain::workflow::Part;
use crate::domain::{CaseNumber, CustodyAction, Fingerprint, Side, Visibility};
use crate::models::case::{self, CaseRow};
use crate::models::exhibit::{self, AddError, Custody, ExhibitRow, NewExhibit, Viewer};
use crate::models::id::{CaseId, EventId, ExhibitId};
use crate::models::user::User;
use crate::models::workflow as store;
use crate::models::{self};
use crate::services::Error;
use crate::workflow::{self, Ctx};

/// What is recorded of one exhibit besides its file, as the form said it.
pub struct Filing {
    pub title: String,
    pub description: String,
    pub visibility: Visibility,
    pub side: Side,
    pub file_name: String,
    pub content_type: &'static str,
    pub extension: &'static str,
    pub supports: Option<EventId>,
    /// The exhibit corrected: its id and number.
    pub supersedes: Option<(ExhibitId, i32)>,
}

/// One exhibit to record: its filing, and its file as the store kept it.
pub struct Kept {
    pub filing: Filing,
    pub fingerprint: Fingerprint,
    pub size: u64,
}

/// How recording an upload ended.
#[derive(Debug)]
pub enum Filed {
    /// The exhibits were recorded under these numbers.
    Recorded(Vec<i32>),
    /// The case closed, or the party left it, while the files were arriving.
    NotAllowed,
    /// Nothing was recorded, for a reason about the whole upload.
    Refused(UploadRefusal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    /// The case's evidence would grow past `case_evidence_max_bytes`.
    CaseFull,
    /// A side has used all of its numbers.
    SideFull,
    /// The exhibit to correct was corrected meanwhile.
    AlreadySuperseded,
}

/// Why the transaction stopped: it rolls back whatever it had done.
enum Stop {
    Refused(Filed),
    Failed(Error),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Failed(e.into())
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e)
    }
}

/// Records files already kept in the store as exhibits of the case, each with its custody
/// entry and audit entry, and serves them on the sides that may see them: one transaction.
/// Whether `by` may upload is decided again inside it, since the case may have moved on
/// while the files arrived; a refusal records none of them.
pub fn record_upload(
    conn: &mut DbConn,
    ctx: &Ctx<'_>,
    case_id: CaseId,
    by: &User,
    part: Part,
    kept: &[Kept],
) -> Result<Filed, Error> {
    match write_tx(conn, |c| record_kept(c, ctx, case_id, by, part, kept)) {
        Ok(numbers) => Ok(Filed::Recorded(numbers)),
        Err(Stop::Refused(filed)) => Ok(filed),
        Err(Stop::Failed(e)) => Err(e),
    }
}

fn record_kept(
    c: &mut DbConn,
    ctx: &Ctx<'_>,
    case_id: CaseId,
    by: &User,
    part: Part,
    kept: &[Kept],
) -> Result<Vec<i32>, Stop> {
    // Decided again inside the transaction: the case may have moved on.
    let case = case::find_by_id(c, case_id)?.ok_or(Error::NotFound)?;
    let part = if policy::is_officer(by) {
        part
    } else {
        store::part_of(c, case_id, by.id)?
    };
    if !policy::may_upload(by, case.state(), part) {
        return Err(Stop::Refused(Filed::NotAllowed));
    }
    let refused = |why| Stop::Refused(Filed::Refused(why));
    let max_case_bytes = ctx.settings.case_evidence_max_bytes;
    let total: u64 = kept.iter().map(|k| k.size).sum();
    if u64::try_from(exhibit::case_bytes(c, case_id)?).unwrap_or(0) + total > max_case_bytes {
        return Err(refused(UploadRefusal::CaseFull));
    }
    let case_no = case.case_no.clone().unwrap_or_default();
    let now = models::now();
    let mut numbers = Vec::new();
    let mut serve = BTreeMap::<(bool, bool), Vec<String>>::new();
    for Kept {
        filing: meta,
        fingerprint,
        size,
    } in kept
    {
        let new = NewExhibit {
            case: case_id,
            side: meta.side,
            title: &meta.title,
            description: &meta.description,
            visibility: meta.visibility,
            file_name: &meta.file_name,
            content_type: meta.content_type,
            extension: meta.extension,
            size: *size,
            fingerprint,
            by,
            supports: meta.supports,
            supersedes: meta.supersedes.map(|s| s.0),
        };
        let row = exhibit::add(c, &new, now, ctx.address.as_deref()).map_err(|e| match e {
            AddError::Db(e) => Stop::from(e),
            AddError::SideFull => refused(UploadRefusal::SideFull),
            AddError::AlreadySuperseded => refused(UploadRefusal::AlreadySuperseded),
        })?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "exhibit.uploaded",
                object: Some(("exhibit", format!("{case_no}/{}", row.number))),
                details: json!({
                    "sha256": row.sha256,
                    "size": row.size,
                    "content_type": row.content_type,
                    "visibility": row.visibility,
                    "side": row.side,
                    "supersedes": meta.supersedes.map(|s| s.1),
                }),
                address: ctx.address.clone(),
            },
        )?;
        let who = policy::served_on(meta.side, meta.visibility);
        if who != (false, false) {
            serve
                .entry(who)
                .or_default()
                .push(format!("{} {}", row.number, row.title));
        }
        numbers.push(row.number);
    }
    let first = numbers.first().copied().unwrap_or_default();
    for (who, listing) in serve {
        let event = format!("exhibit:{case_no}:{first}");
        workflow::serve_exhibits(c, ctx, &case, who, &event, &listing.join("\n"))?;
    }
    Ok(numbers)
}

/// Staff change who may see an exhibit: the change enters its custody log and the audit log,
/// and the exhibit is served on a side that may now see it for the first time. Returns
/// whether anything changed (it was not already so).
pub fn set_visibility(
    conn: &mut DbConn,
    ctx: &Ctx<'_>,
    by: &User,
    case: &CaseRow,
    case_no: &CaseNumber,
    row: &ExhibitRow,
    to: Visibility,
) -> Result<bool, Error> {
    let from = row.visibility();
    write_tx(conn, |c| {
        if !exhibit::set_visibility(c, row.id, to)? {
            return Ok(false);
        }
        let now = models::now();
        let details = json!({ "from": from.as_str(), "to": to.as_str() });
        exhibit::record(
            c,
            &Custody {
                exhibit: row.id,
                action: CustodyAction::VisibilityChanged,
                actor: Some(by),
                address: ctx.address.as_deref(),
                details: details.clone(),
            },
            now,
        )?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "exhibit.visibility_changed",
                object: Some(("exhibit", format!("{case_no}/{}", row.number))),
                details,
                address: ctx.address.clone(),
            },
        )?;
        let before = policy::served_on(row.side(), from);
        let after = policy::served_on(row.side(), to);
        let newly = (after.0 && !before.0, after.1 && !before.1);
        if newly.0 || newly.1 {
            let event = format!(
                "exhibit:{case_no}:{}:visible:{}",
                row.number,
                now.and_utc().timestamp()
            );
            let listing = format!("{} {}", row.number, row.title);
            workflow::serve_exhibits(c, ctx, case, newly, &event, &listing)?;
        }
        Ok(true)
    })
}

/// Records a download of an exhibit's file in its custody log and the audit log, before the
/// first byte leaves.
pub fn record_download(
    conn: &mut DbConn,
    by: &User,
    case_no: &CaseNumber,
    row: &ExhibitRow,
    address: Option<String>,
) -> QueryResult<()> {
    write_tx(conn, |c| {
        let now = models::now();
        exhibit::record(
            c,
            &Custody {
                exhibit: row.id,
                action: CustodyAction::Downloaded,
                actor: Some(by),
                address: address.as_deref(),
                details: json!({ "sha256": row.sha256, "size": row.size }),
            },
            now,
        )?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "exhibit.downloaded",
                object: Some(("exhibit", format!("{case_no}/{}", row.number))),
                details: json!({ "sha256": row.sha256, "size": row.size }),
                address,
            },
        )
    })
}

/// Looks a fingerprint up among the case's exhibits the viewer may see, and keeps in the audit
/// log who looked for which: a certificate's hash is evidence too. Returns the matches.
pub fn check_fingerprint(
    conn: &mut DbConn,
    by: &User,
    case: CaseId,
    case_no: &CaseNumber,
    viewer: Viewer,
    wanted: &Fingerprint,
    address: Option<String>,
) -> QueryResult<Vec<ExhibitRow>> {
    let found = exhibit::matching(conn, case, viewer, wanted)?;
    write_tx(conn, |c| {
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "exhibit.fingerprint_checked",
                object: Some(("case", case_no.to_string())),
                details: json!({
                    "sha256": wanted.as_str(),
                    "matches": found.iter().map(|e| e.number).collect::<Vec<_>>(),
                }),
                address,
            },
        )
    })?;
    Ok(found)
}

/// Checks a local file's fingerprint (the file itself was never kept) against an exhibit,
/// and keeps the check in the audit log. Returns whether they match.
pub fn check_file(
    conn: &mut DbConn,
    by: &User,
    case_no: &CaseNumber,
    row: &ExhibitRow,
    file: &Fingerprint,
    size: u64,
    address: Option<String>,
) -> QueryResult<bool> {
    let matches = file.as_str() == row.sha256;
    write_tx(conn, |c| {
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "exhibit.file_checked",
                object: Some(("exhibit", format!("{case_no}/{}", row.number))),
                details: json!({ "sha256": file.as_str(), "size": size, "matches": matches }),
                address,
            },
        )
    })?;
    Ok(matches)
}
