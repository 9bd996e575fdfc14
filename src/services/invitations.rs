//! The respondent's invitation (DESIGN §3, §7): the single-use link ties the case's respondent
//! party to the account of the address it was sent to — a new one, or the respondent's
//! existing one once they sign in.

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, MaybeConflict, write_tx, write_tx_retrying};
use crate::domain::{Email, Lang, PersonName, Role};
use crate::models::case::{self};
use crate::models::id::{SessionId, UserId};
use crate::models::user::{self, NewUser, Takeover, User};
use crate::models::workflow::{self as store, InvitationRow};
use crate::models::{self, outbox};
use crate::services::{Error, sessions};

/// What the invitation lets the visitor do, given who holds its address and who is signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Used or expired: why.
    Closed(&'static str),
    /// No account owns the address: the respondent creates one. An unconfirmed account with
    /// the address owns nothing — whoever made it never proved the address — and is taken over.
    NewAccount,
    /// A respondent's account owns the address: they sign in with it first.
    SignIn,
    /// That respondent is signed in: one button adds the case to their account.
    AddCase(UserId),
    /// Another account is signed in (its address): sign out first.
    SignedInAs(String),
    /// A complainant's or the office's account owns the address (or one the office stopped):
    /// the office sorts it out.
    OtherKind,
}

fn closed_reason(inv: &InvitationRow) -> Option<&'static str> {
    if inv.used_at.is_some() {
        Some("invitation-used")
    } else if inv.expires_at < models::now() {
        Some("invitation-expired")
    } else {
        None
    }
}

/// The invitation's standing for `visitor` (the signed-in account, if any), given the account
/// that holds its address.
pub fn standing(inv: &InvitationRow, holder: Option<&User>, visitor: Option<&User>) -> Standing {
    if let Some(reason) = closed_reason(inv) {
        return Standing::Closed(reason);
    }
    if let Some(v) = visitor
        && holder.is_none_or(|h| h.id != v.id)
    {
        return Standing::SignedInAs(v.email.clone());
    }
    match holder {
        None => Standing::NewAccount,
        Some(h) if unclaimed(h) => Standing::NewAccount,
        Some(h) if h.email_verified && h.active && h.role == Role::Respondent => match visitor {
            Some(_) => Standing::AddCase(h.id),
            None => Standing::SignIn,
        },
        Some(_) => Standing::OtherKind,
    }
}

/// An unconfirmed account of a kind anyone can make for themselves: it owns nothing, not even
/// its address. An office account awaiting its setup link was vouched for by the office;
/// turning it into a respondent's is the office's call, so it is not unclaimed.
fn unclaimed(account: &User) -> bool {
    !account.email_verified && account.active && matches!(account.role, Role::Complainant | Role::Respondent)
}

/// The account that holds the invitation's address, if any (addresses are kept as parsed).
fn holder_of(c: &mut DbConn, inv: &InvitationRow) -> Result<Option<User>, Error> {
    let email = Email::parse(&inv.email).map_or_else(|_| inv.email.clone(), |e| e.as_str().to_owned());
    Ok(user::find_row_by_email(c, &email)?.map(|r| r.to_user()))
}

/// An invitation as its page shows it.
pub struct Opened {
    pub invitation: InvitationRow,
    pub case_no: String,
    pub title: String,
    /// The respondent party's name as the complaint gave it.
    pub party_name: String,
    pub holder: Option<User>,
}

/// Opens the invitation with this token hash, recording the first opening as the respondent's
/// proof of notice. `NotFound` if there is no such invitation.
pub fn open(conn: &mut DbConn, token_hash: &str) -> Result<Opened, Error> {
    let invitation = store::invitation_by_token(conn, token_hash)?.ok_or(Error::NotFound)?;
    outbox::opened(conn, token_hash, models::now())?;
    let case = case::find_by_id(conn, invitation.case_id)?.ok_or(Error::NotFound)?;
    let party_name = store::party_refs(conn, case.id)?
        .into_iter()
        .find(|p| p.id == invitation.party_id)
        .map(|p| p.name)
        .unwrap_or_default();
    let holder = holder_of(conn, &invitation)?;
    Ok(Opened {
        invitation,
        case_no: case.case_no.unwrap_or_default(),
        title: case.title,
        party_name,
        holder,
    })
}

/// What a join did.
#[derive(Debug)]
pub enum Joined {
    /// The party is tied to the account; a new session's cookie if one was started.
    Done(Option<String>),
    /// Refused, with the reason's key; nothing changed.
    Refused(&'static str),
    /// The invitation or the account changed since the page was read; nothing changed.
    Changed,
    /// Another join used the invitation in the last moment; nothing changed.
    UsedMeanwhile,
}

/// Why a join's transaction was rolled back.
enum Abort {
    UsedMeanwhile,
    Failed(Error),
}

impl From<Error> for Abort {
    fn from(e: Error) -> Self {
        Abort::Failed(e)
    }
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Failed(e.into())
    }
}

impl MaybeConflict for Abort {
    fn is_unique_violation(&self) -> bool {
        matches!(self, Abort::Failed(e) if e.is_unique_violation())
    }
}

fn outcome(result: Result<Joined, Abort>) -> Result<Joined, Error> {
    match result {
        Ok(joined) => Ok(joined),
        Err(Abort::UsedMeanwhile) => Ok(Joined::UsedMeanwhile),
        Err(Abort::Failed(e)) => Err(e),
    }
}

/// Inside the write transaction: what the invitation allows now. The invitation and the
/// account are read again, so a race decides before anything is written.
fn standing_now(
    c: &mut DbConn,
    token_hash: &str,
    visitor: Option<&User>,
) -> Result<(InvitationRow, Option<User>, Standing), Error> {
    let invitation = store::invitation_by_token(c, token_hash)?.ok_or(Error::NotFound)?;
    let holder = holder_of(c, &invitation)?;
    let now = standing(&invitation, holder.as_ref(), visitor);
    Ok((invitation, holder, now))
}

/// Ties the party to the account (the invitation is used once) and records who joined how.
fn accept(
    c: &mut DbConn,
    invitation: &InvitationRow,
    user: &User,
    case_no: &str,
    details: serde_json::Value,
    address: Option<String>,
) -> Result<(), Abort> {
    // `standing_now` found it unused in this transaction; this is the last word on a race.
    if !store::accept_invitation(c, invitation, user.id, models::now())? {
        return Err(Abort::UsedMeanwhile);
    }
    audit::record(
        c,
        Event {
            actor: &Actor::user(user),
            action: "case.respondent_joined",
            object: Some(("case", case_no.to_owned())),
            details,
            address,
        },
    )?;
    Ok(())
}

/// The respondent's new account, as the invitation's form gave it.
pub struct NewRespondent<'a> {
    pub name: &'a PersonName,
    /// The invitation's address.
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub language: Option<Lang>,
}

/// Creates the respondent's account — or takes over an unconfirmed one with the address —
/// ties it to the party and signs them in (in place of `replacing`), if the invitation still
/// stands for a new account.
pub fn join_with_new_account(
    conn: &mut DbConn,
    token_hash: &str,
    visitor: Option<&User>,
    new: NewRespondent<'_>,
    case_no: &str,
    replacing: Option<SessionId>,
    address: Option<String>,
) -> Result<Joined, Error> {
    // Retried once if another join inserted the same address first: the second run finds
    // that account and answers accordingly.
    outcome(write_tx_retrying(conn, |c| {
        let (invitation, holder, now) = standing_now(c, token_hash, visitor)?;
        if now != Standing::NewAccount {
            return Ok(Joined::Changed);
        }
        let (user, took_over) = match holder {
            None => {
                let row = NewUser {
                    email: new.email,
                    name: new.name,
                    role: Role::Respondent,
                    password_hash: Some(new.password_hash),
                    language: new.language,
                    // The link came to this address: it is verified.
                    email_verified: true,
                };
                (user::insert(c, row)?, false)
            }
            Some(squatter) => {
                // Handing over an account that holds case files would hand over the files;
                // the office decides (unreachable through the forms, which let no unconfirmed
                // account draft, but the data allows it).
                if user::holds_cases(c, squatter.id)? {
                    return Ok(Joined::Refused("invitation-address-holds-cases"));
                }
                let to = Takeover {
                    name: new.name,
                    role: Role::Respondent,
                    password_hash: new.password_hash,
                    language: new.language,
                };
                if !user::take_over_unconfirmed(c, squatter.id, to)? {
                    return Ok(Joined::Changed);
                }
                (user::find(c, squatter.id)?.ok_or(Error::NotFound)?, true)
            }
        };
        let details = match took_over {
            true => json!({"party": invitation.party_id, "took_over_unconfirmed_account": true}),
            false => json!({"party": invitation.party_id}),
        };
        accept(c, &invitation, &user, case_no, details, address.clone())?;
        let cookie = sessions::begin(c, user.id, new.language, replacing)?.cookie;
        Ok(Joined::Done(Some(cookie)))
    }))
}

/// The signed-in respondent `user` adds the case to their account — no new account, no
/// password — if the invitation still stands for that.
pub fn add_case(
    conn: &mut DbConn,
    token_hash: &str,
    visitor: Option<&User>,
    user: UserId,
    case_no: &str,
    address: Option<String>,
) -> Result<Joined, Error> {
    outcome(write_tx(conn, |c| {
        let (invitation, holder, now) = standing_now(c, token_hash, visitor)?;
        let Some(account) = holder.filter(|_| now == Standing::AddCase(user)) else {
            return Ok(Joined::Changed);
        };
        let details = json!({"party": invitation.party_id, "existing_account": true});
        accept(c, &invitation, &account, case_no, details, address)?;
        Ok(Joined::Done(None))
    }))
}
