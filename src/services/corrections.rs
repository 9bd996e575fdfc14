//! Corrections by staff of a filed case's data, recorded field by field in its history.

use std::collections::BTreeMap;

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, write_tx};
use crate::domain::case::format_amount;
use crate::domain::office_time::OfficeZone;
use crate::models::case::{self, CaseFields, PartyFields};
use crate::models::id::CaseId;
use crate::models::user::User;
use crate::services::Error;

/// A correction: the case as its editor saw it, and as they sent it back.
pub struct Correction {
    pub case: CaseId,
    /// The case's number as the editor's request named it.
    pub case_no: String,
    /// The version the editor saw; a case changed since is not overwritten.
    pub version: i32,
    pub before: (CaseFields, Vec<PartyFields>),
    pub after: (CaseFields, Vec<PartyFields>),
}

/// What a correction came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Corrected {
    /// Saved, or nothing differed.
    Saved,
    /// Someone changed the case since the editor loaded it; nothing was written.
    Stale,
}

/// Field by field, as the history shows it.
fn described(f: &CaseFields, parties: &[PartyFields]) -> Vec<(String, Option<String>)> {
    let mut out = vec![
        ("track".to_owned(), Some(f.track.as_str().to_owned())),
        ("kind".to_owned(), Some(f.kind.clone())),
        ("title".to_owned(), Some(f.title.clone())),
        ("description".to_owned(), Some(f.description.clone())),
        ("ipc_class".to_owned(), f.ipc_class.clone()),
        (
            "damages".to_owned(),
            f.damages_amount.map(|a| {
                format!(
                    "{} {}",
                    format_amount(a),
                    f.damages_currency.as_deref().unwrap_or("")
                )
            }),
        ),
        ("remedy".to_owned(), Some(f.remedy.clone())),
        ("origin".to_owned(), Some(f.origin.as_str().to_owned())),
        ("origin_reference".to_owned(), f.origin_reference.clone()),
    ];
    for p in parties {
        let summary = [
            Some(p.name.as_str()),
            p.registration_no.as_deref(),
            p.size.as_deref(),
            p.country.as_deref(),
            p.address.as_deref(),
            p.email.as_deref(),
            p.phone.as_deref(),
            p.counsel_name.as_deref(),
            p.counsel_firm.as_deref(),
            p.counsel_email.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
        out.push((
            format!("{} {}", p.side, p.position + 1),
            Some(format!("{} ({})", summary, p.party_kind)),
        ));
    }
    out
}

/// Field by field, old → new, in the order the history shows them.
fn changes(correction: &Correction) -> Vec<(String, Option<String>, Option<String>)> {
    let (fields, parties) = &correction.before;
    let before: BTreeMap<String, Option<String>> = described(fields, parties).into_iter().collect();
    let (fields, parties) = &correction.after;
    let after: BTreeMap<String, Option<String>> = described(fields, parties).into_iter().collect();
    before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)))
        .filter_map(|k| {
            let (old, new) = (before.get(k).cloned().flatten(), after.get(k).cloned().flatten());
            (old != new).then(|| (k.clone(), old, new))
        })
        .collect()
}

/// Staff correct a filed case's data: the case and its parties are saved only if nobody
/// changed them since the editor loaded them, each changed field is recorded old → new in
/// the case's history, and the audit entry names the fields.
pub fn correct(
    conn: &mut DbConn,
    actor: &User,
    correction: &Correction,
    zone: OfficeZone,
    address: Option<String>,
) -> Result<Corrected, Error> {
    let changed = changes(correction);
    let (id, number) = (correction.case, correction.case_no.as_str());
    let (fields, parties) = &correction.after;
    write_tx(conn, |c| {
        if changed.is_empty() {
            return Ok(Corrected::Saved);
        }
        if !case::update(c, id, Some(number), fields, parties, correction.version)? {
            return Ok(Corrected::Stale);
        }
        for (field, old, new) in &changed {
            case::record_change(c, id, actor.id, field, old.as_deref(), new.as_deref())?;
        }
        crate::models::stats::refresh(c, id, zone)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(actor),
                action: "case.corrected",
                object: Some(("case", number.to_owned())),
                details: json!({"fields": changed.iter().map(|(f, _, _)| f).collect::<Vec<_>>()}),
                address,
            },
        )?;
        Ok(Corrected::Saved)
    })
}
