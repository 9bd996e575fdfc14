//! Evidence bundles (DESIGN §6): asking for one, which reuses a bundle of the same content,
//! refuses past the hourly limits or queues a new one for the builder; and recording a
//! download.

use chrono::TimeDelta;
use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::bundle::build;
use crate::config::Settings;
use crate::db::{DbConn, write_tx};
use crate::domain::{Audience, CaseNumber, CustodyAction, Lang};
use crate::models::bundle::{self, BundleRow, Requester};
use crate::models::exhibit::{self, Custody};
use crate::models::id::CaseId;
use crate::models::user::User;
use crate::models::{self};
use crate::services::Error;

/// What a request for a bundle came to.
pub enum Asked {
    /// A new bundle, queued: the builder is to be woken after the commit.
    Queued(BundleRow),
    /// The bundle already made (or being made) of the same content.
    Given(BundleRow),
    /// Over a limit: whose, the limit, and the minutes until a request counts again.
    Limited(Requester, u32, i64),
}

/// `by` asks for the case's bundle for `audience` in `lang`: the bundle of the same content
/// if there is one, else a new one queued unless the requester or the case reached its
/// hourly limit; audited unless refused. One transaction, holding the requester's and the
/// case's rows so that requests at once are counted one after the other.
#[allow(clippy::too_many_arguments)]
pub fn request(
    conn: &mut DbConn,
    settings: &Settings,
    by: &User,
    case: CaseId,
    case_no: &CaseNumber,
    audience: Audience,
    lang: Lang,
    address: Option<String>,
) -> Result<Asked, Error> {
    let limits = [
        (Requester::User(by.id), settings.bundle_requests_per_user_hour),
        (Requester::Case(case), settings.bundle_requests_per_case_hour),
    ];
    write_tx(conn, |c| {
        bundle::lock_requesters(c, by.id, case)?;
        let now = models::now();
        let key = build::content_key(c, case, audience, lang)?;
        let asked = match bundle::reusable(c, case, &key)? {
            Some(row) => Asked::Given(row),
            None => {
                for (who, max) in limits {
                    let (count, first) = bundle::requested_since(c, who, now - TimeDelta::hours(1))?;
                    if count >= i64::from(max) {
                        // A place frees up an hour after the oldest request that counts.
                        let free_at = first.unwrap_or(now) + TimeDelta::hours(1);
                        let minutes = ((free_at - now).num_seconds() + 59) / 60;
                        return Ok(Asked::Limited(who, max, minutes.max(1)));
                    }
                }
                Asked::Queued(bundle::request(c, case, audience, lang, by.id, Some(&key), now)?)
            }
        };
        let (action, row) = match &asked {
            Asked::Given(row) => ("bundle.reused", row),
            Asked::Queued(row) => ("bundle.requested", row),
            Asked::Limited(..) => return Ok(asked),
        };
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action,
                object: Some(("bundle", row.public_id.clone())),
                details: json!({ "case": case_no.to_string(), "audience": audience.as_str() }),
                address,
            },
        )?;
        Ok(asked)
    })
}

/// Records a download of a built bundle: in the custody log of every exhibit it holds and in
/// the audit log, before the first byte leaves.
pub fn record_download(
    conn: &mut DbConn,
    by: &User,
    row: &BundleRow,
    address: Option<String>,
) -> QueryResult<()> {
    write_tx(conn, |c| {
        let now = models::now();
        for e in bundle::exhibits_of(c, row.id)? {
            exhibit::record(
                c,
                &Custody {
                    exhibit: e,
                    action: CustodyAction::Downloaded,
                    actor: Some(by),
                    address: address.as_deref(),
                    details: json!({ "bundle": row.public_id, "sha256": row.sha256 }),
                },
                now,
            )?;
        }
        audit::record(
            c,
            Event {
                actor: &Actor::user(by),
                action: "bundle.downloaded",
                object: Some(("bundle", row.public_id.clone())),
                details: json!({
                    "audience": row.audience,
                    "sha256": row.sha256,
                    "size": row.size,
                }),
                address,
            },
        )
    })
}
