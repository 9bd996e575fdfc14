//! Complainants register themselves, and confirm the e-mail address they registered with.
//! Until then they can sign in but not file. The confirmation link is single-use and only the
//! newest one works.

use std::time::Duration;

use chrono::TimeDelta;
use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::throttle::{self, Scope};
use crate::config::PublicUrl;
use crate::db::{DbConn, MaybeConflict, write_tx};
use crate::domain::{Email, Lang, PersonName, Role};
use crate::mail::{self, Notice, Recipient};
use crate::models::email_token::{self, Purpose};
use crate::models::id::{SessionId, UserId};
use crate::models::user::{self, NewUser, User};
use crate::models::{self};
use crate::services::{Error, sessions};

pub const LINK_HOURS: u32 = 48;
/// Resending sooner than this does nothing: the last mail is probably on its way.
const RESEND_AFTER_SECS: i64 = 60;
/// Registrations one address may attempt per hour.
const REGISTRATIONS_PER_HOUR: u32 = 20;
const HOUR: Duration = Duration::from_secs(60 * 60);

/// Whether a registration may go ahead.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    Open,
    /// The address asking has tried too many registrations.
    Throttled,
    EmailTaken,
}

/// Counts the attempt against the address asking (registration must not become a fast way to
/// learn which addresses have accounts), then whether the e-mail address is taken.
pub fn admit(conn: &mut DbConn, asking: &str, email: &Email) -> QueryResult<Admission> {
    let allowed = write_tx(conn, |c| {
        throttle::allow_request(
            c,
            Scope::Register,
            asking,
            REGISTRATIONS_PER_HOUR,
            HOUR,
            models::now(),
        )
    })?;
    if !allowed {
        return Ok(Admission::Throttled);
    }
    Ok(match user::email_taken(conn, email)? {
        true => Admission::EmailTaken,
        false => Admission::Open,
    })
}

/// A complainant's account, as the registration form gave it.
pub struct NewComplainant<'a> {
    pub name: &'a PersonName,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub language: Option<Lang>,
}

/// What a registration did.
pub enum Registered {
    /// The account, and the cookie value of the session it is signed in with.
    Done { user: User, cookie: String },
    /// Someone registered the same address a moment ago; nothing changed.
    EmailTaken,
}

/// Creates the complainant's account, records it, queues the mail with the link that
/// confirms the address, and signs them in (in place of `replacing`), all in one transaction.
pub fn register(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    new: NewComplainant<'_>,
    replacing: Option<SessionId>,
    address: Option<String>,
) -> Result<Registered, Error> {
    let result = write_tx(conn, |c| {
        let row = NewUser {
            email: new.email,
            name: new.name,
            role: Role::Complainant,
            password_hash: Some(new.password_hash),
            language: new.language,
            email_verified: false,
        };
        let user = user::insert(c, row)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(&user),
                action: "account.registered",
                object: Some(("user", user.id.0.to_string())),
                details: json!({"role": user.role.as_str()}),
                address,
            },
        )?;
        send_verification_link(c, public_url, &user)?;
        let cookie = sessions::begin(c, user.id, new.language, replacing)?.cookie;
        Ok::<_, Error>(Registered::Done { user, cookie })
    });
    match result {
        Err(e) if e.is_unique_violation() => Ok(Registered::EmailTaken),
        done => done,
    }
}

/// Issues a verification token and queues its mail, in the caller's transaction.
fn send_verification_link(c: &mut DbConn, public_url: &PublicUrl, user: &User) -> Result<(), Error> {
    let valid_for = TimeDelta::hours(i64::from(LINK_HOURS));
    let (link, event) = super::accounts::email_link(
        c,
        public_url,
        user.id,
        Purpose::Verify,
        "/verify-email",
        valid_for,
    )?;
    let notice = Notice::VerifyEmail {
        link: &link,
        hours: LINK_HOURS,
    };
    mail::queue(c, public_url, &event, &Recipient::account(user), &notice)?;
    Ok(())
}

/// What following a confirmation link did.
#[derive(Debug, PartialEq, Eq)]
pub enum Confirmed {
    Done(UserId),
    /// The link is unknown, used or expired; nothing changed.
    InvalidLink,
}

/// Uses the link once, marks the account's address confirmed, and records it.
pub fn confirm_email(
    conn: &mut DbConn,
    token_hash: &str,
    address: Option<String>,
) -> Result<Confirmed, Error> {
    write_tx(conn, |c| {
        let now = models::now();
        let Some(row) = email_token::find_valid(c, Purpose::Verify, token_hash, now)? else {
            return Ok(Confirmed::InvalidLink);
        };
        if !email_token::consume(c, row.id, now)? {
            return Ok(Confirmed::InvalidLink);
        }
        let owner = user::find_row(c, row.user_id)?.to_user();
        user::mark_email_verified(c, owner.id)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(&owner),
                action: "account.email_verified",
                object: Some(("user", owner.id.0.to_string())),
                details: json!({}),
                address,
            },
        )?;
        Ok(Confirmed::Done(owner.id))
    })
}

/// What asking for another confirmation link did.
#[derive(Debug, PartialEq, Eq)]
pub enum Resent {
    Sent,
    /// A link went out a moment ago and is probably on its way; nothing was sent.
    TooSoon,
}

/// Sends a fresh confirmation link (the older one stops working) unless one went out a
/// moment ago, and records it.
pub fn resend_verification(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    user: &User,
    address: Option<String>,
) -> Result<Resent, Error> {
    write_tx(conn, |c| {
        let last = email_token::last_issued(c, user.id, Purpose::Verify)?;
        if last.is_some_and(|at| models::now() - at < TimeDelta::seconds(RESEND_AFTER_SECS)) {
            return Ok(Resent::TooSoon);
        }
        send_verification_link(c, public_url, user)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(user),
                action: "account.verification_resent",
                object: Some(("user", user.id.0.to_string())),
                details: json!({}),
                address,
            },
        )?;
        Ok(Resent::Sent)
    })
}
