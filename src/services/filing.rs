//! Filing a complaint: saving the form as a draft, filing it (its number, clock, notices and
//! audit entry together), and throwing a draft away.

use chrono::Datelike;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::policy::case_scope;
use crate::config::{PublicUrl, Settings};
use crate::db::{DbConn, write_tx, write_tx_retrying};
use crate::domain::{CaseNumber, Lang, Role};
use crate::mail::{self, Notice, Recipient};
use crate::models::case::{self, CaseFields, PartyFields};
use crate::models::id::CaseId;
use crate::models::user::{self, User};
use crate::services::Error;

/// The complaint form as parsed, and what its author asked for.
pub struct Form {
    /// The draft's key, which the form carries from its first save.
    pub draft_key: String,
    pub fields: CaseFields,
    pub parties: Vec<PartyFields>,
    /// File it now: the author asked to, and the form is complete.
    pub file: bool,
    /// Make a draft of it even when it has none yet.
    pub keep_new: bool,
}

/// What saving the form came to.
#[derive(Debug)]
pub enum Saved {
    Draft,
    /// A refused new form with nothing worth keeping (no title): no draft was made.
    NotKept,
    Filed(CaseNumber),
    /// The form was filed already (a second click, a refresh): nothing more happened.
    AlreadyFiled(String),
}

/// Saves the complaint form as a draft, or files it: the case, its parties, its number, the
/// mediation clock, the filing notices and the audit entry commit together. A key that
/// names someone else's case is not found, and nothing is written. `lang` is the language
/// the form was filled in, for notices to those without one of their own.
pub fn save(
    conn: &mut DbConn,
    settings: &Settings,
    public_url: &PublicUrl,
    author: &User,
    lang: Lang,
    form: &Form,
    address: Option<String>,
) -> Result<Saved, Error> {
    let scope = case_scope(author);
    // Staff file paper complaints on someone's behalf: the case is then nobody's account's.
    let owner = (author.role == Role::Complainant).then_some(author.id);
    let Form {
        draft_key: key,
        fields,
        parties,
        file: file_now,
        keep_new,
    } = form;
    // Two first saves of one new draft (a double click) may both find nothing on
    // PostgreSQL; run again, the second finds the first's draft.
    write_tx_retrying(conn, |c| {
        let id = match case::find_draft(c, scope, key)? {
            Some(row) if row.case_no.is_some() => {
                return Ok(Saved::AlreadyFiled(row.case_no.unwrap_or_default()));
            }
            Some(row) => {
                case::update(c, row.id, None, fields, parties, row.version)?;
                row.id
            }
            // Someone else's key, of a draft or of a case filed from one.
            None if case::draft_key_taken(c, key)? => return Err(Error::NotFound),
            // A draft is made when someone saves one, or when a refused filing has a title
            // to find it by; an empty form leaves no nameless row behind.
            None if !keep_new => return Ok(Saved::NotKept),
            None => case::create_draft(c, key, owner, author.id, fields, parties)?,
        };
        if !file_now {
            return Ok(Saved::Draft);
        }
        let now = settings.now();
        let year = settings.office_zone().day_of(now).year();
        let Some(number) = case::file(c, id, now, year, fields, parties)? else {
            return Ok(Saved::Draft);
        };
        crate::workflow::on_filed(c, settings, id, fields.track, now)?;
        crate::models::stats::refresh(c, id, settings.office_zone())?;
        notify_filing(c, public_url, author, lang, id, number, fields, parties)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(author),
                action: "case.filed",
                object: Some(("case", number.to_string())),
                details: json!({"kind": fields.kind, "track": fields.track, "on_behalf": owner.is_none()}),
                address: address.clone(),
            },
        )?;
        Ok(Saved::Filed(number))
    })
}

/// The filing receipt to the complainant and a new-case notice to everyone on intake, each
/// with its own link so the case shows when it was opened (proof of notice).
#[allow(clippy::too_many_arguments)]
fn notify_filing(
    c: &mut DbConn,
    public_url: &PublicUrl,
    author: &User,
    lang: Lang,
    id: CaseId,
    number: CaseNumber,
    fields: &CaseFields,
    parties: &[PartyFields],
) -> Result<(), Error> {
    let case_no = number.to_string();
    let complainant = parties.iter().find(|p| p.side == "complainant");
    let event = format!("case-filed:{case_no}");
    let send = |c: &mut DbConn, to: Recipient<'_>, notice: &Notice<'_>| {
        let link = mail::tracked_link(public_url, id);
        mail::queue_tracked(
            c,
            public_url,
            &event,
            &to,
            &notice.with_link(&link.url),
            &link,
            None,
        )
    };
    let receipt = Notice::FilingReceipt {
        case_no: &case_no,
        title: &fields.title,
        link: "",
    };
    if author.role == Role::Complainant {
        let to = Recipient {
            email: &author.email,
            name: &author.name,
            lang: author.language.unwrap_or(lang),
        };
        send(c, to, &receipt)?;
    } else if let Some(p) = complainant
        && let Some(email) = &p.email
    {
        let to = Recipient {
            email,
            name: &p.name,
            lang,
        };
        send(c, to, &receipt)?;
    }
    let notice = Notice::NewCase {
        case_no: &case_no,
        title: &fields.title,
        complainant: complainant.map_or("", |p| p.name.as_str()),
        link: "",
    };
    for staff in user::active_with_roles(c, &[Role::Examiner, Role::Legal])? {
        let to = Recipient::account(&staff);
        send(c, to, &notice)?;
    }
    Ok(())
}

/// What became of a draft someone threw away.
#[derive(Debug)]
pub enum DraftDeleted {
    Deleted,
    /// Filed meanwhile, under this number: a case is never deleted.
    Filed(String),
}

/// Throws away a draft that was never filed, if `user` may open it; its parties and
/// citations go with it, and the audit log keeps its title.
pub fn delete_draft(
    conn: &mut DbConn,
    user: &User,
    key: &str,
    address: Option<String>,
) -> Result<DraftDeleted, Error> {
    let scope = case_scope(user);
    let deleted = write_tx(conn, |c| {
        let Some(row) = case::find_draft(c, scope, key)? else {
            return Ok(None);
        };
        if let Some(no) = row.case_no {
            return Ok(Some(DraftDeleted::Filed(no)));
        }
        if !case::delete_draft(c, row.id)? {
            return Ok(None);
        }
        audit::record(
            c,
            Event {
                actor: &Actor::user(user),
                action: "case.draft_deleted",
                object: Some(("draft", row.draft_key.clone())),
                details: json!({ "title": row.title }),
                address,
            },
        )?;
        Ok::<_, Error>(Some(DraftDeleted::Deleted))
    })?;
    deleted.ok_or(Error::NotFound)
}
