//! Changing a password (with the current one) and resetting a forgotten one (SECURITY §1.8):
//! a 256-bit single-use token, stored hashed, valid for 30 minutes; either way every session
//! of the account ends and its owner is told.

use std::time::Duration;

use chrono::TimeDelta;
use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::throttle::{self, Policy, Scope, Subjects};
use crate::config::PublicUrl;
use crate::db::{DbConn, write_tx};
use crate::domain::Lang;
use crate::mail::{self, Notice, Recipient};
use crate::models::email_token::{self, Purpose};
use crate::models::id::{EmailTokenId, UserId};
use crate::models::user::{self, User};
use crate::models::{self};
use crate::services::{Error, sessions};

pub const LINK_MINUTES: u32 = 30;
/// One request per account per minute; more are answered the same and do nothing.
const REQUEST_AFTER_SECS: i64 = 60;
/// Requests one address may make per window.
const ADDRESS_MAX: u32 = 10;
const ADDRESS_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Whether the current password may be checked now.
pub enum ChangeGate {
    /// Too many wrong passwords: the next try must wait this long.
    Wait(Duration),
    /// The account's stored hash, to check the current password against.
    Open(Option<String>),
}

/// Before a change: how long the account must wait after wrong current passwords (they are
/// throttled like sign-ins), and its stored hash.
pub fn before_change(
    conn: &mut DbConn,
    policy: &Policy,
    subjects: &Subjects,
    user: UserId,
) -> QueryResult<ChangeGate> {
    let wait = throttle::wait(conn, policy, subjects, models::now())?;
    let row = user::find_row(conn, user)?;
    Ok(match wait {
        Some(wait) => ChangeGate::Wait(wait),
        None => ChangeGate::Open(row.password_hash),
    })
}

/// A wrong current password: counted like a failed sign-in, and recorded.
pub fn refuse_change(
    conn: &mut DbConn,
    policy: &Policy,
    subjects: &Subjects,
    user: &User,
) -> QueryResult<()> {
    let actor = Actor::user(user);
    write_tx(conn, |c| {
        throttle::record_failure(c, policy, subjects, models::now())?;
        audit::record(
            c,
            Event {
                actor: &actor,
                action: "password.change_refused",
                object: actor.id.map(|u| ("user", u.to_string())),
                details: json!({"reason": "wrong current password"}),
                address: Some(subjects.address.clone()),
            },
        )
    })
}

/// Stores the new password's hash, ends every session of the account and tells its owner,
/// clears its sign-in failures, records it, and starts a new session for the one who changed
/// it, signed in as the old one was (its second factor's time, `factor_at`, carried over).
/// Returns that session's cookie value.
pub fn change(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    user: &User,
    hash: &str,
    subjects: &Subjects,
    language: Option<Lang>,
    factor_at: Option<chrono::NaiveDateTime>,
) -> Result<String, Error> {
    write_tx(conn, |c| {
        user::set_password_hash(c, user.id, hash)?;
        let event = format!("password-changed:{}", uuid::Uuid::new_v4());
        password_changed(c, public_url, user, &event)?;
        throttle::record_success(c, subjects)?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(user),
                action: "password.changed",
                object: Some(("user", user.id.0.to_string())),
                details: json!({}),
                address: Some(subjects.address.clone()),
            },
        )?;
        Ok(sessions::begin_with_factor(
            c, user.id, language, None, factor_at,
        )?)
    })
}

/// What a reset request did; the one asking is answered the same whatever it was.
#[derive(Debug, PartialEq, Eq)]
pub enum ResetRequested {
    /// A link was mailed (queued).
    Queued,
    /// The address asking has made too many requests.
    Throttled,
    /// No active account has the address, or it was sent a link a moment ago.
    NotSent,
}

/// Mails a reset link if an active account has the address and was not sent one a moment
/// ago, and records it; requests are counted per address asking.
pub fn request_reset(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    email: &str,
    subjects: &Subjects,
    address: Option<String>,
) -> Result<ResetRequested, Error> {
    write_tx(conn, |c| {
        let now = models::now();
        if !throttle::allow_request(
            c,
            Scope::Reset,
            &subjects.address,
            ADDRESS_MAX,
            ADDRESS_WINDOW,
            now,
        )? {
            return Ok(ResetRequested::Throttled);
        }
        let Some(row) = user::find_row_by_email(c, email)?.filter(|r| r.active) else {
            return Ok(ResetRequested::NotSent);
        };
        let owner = row.to_user();
        let last = email_token::last_issued(c, owner.id, Purpose::Reset)?;
        if last.is_some_and(|at| now - at < TimeDelta::seconds(REQUEST_AFTER_SECS)) {
            return Ok(ResetRequested::NotSent);
        }
        send_reset_link(c, public_url, &owner)?;
        audit::record(
            c,
            Event {
                actor: &Actor::anonymous(),
                action: "password.reset_requested",
                object: Some(("user", owner.id.0.to_string())),
                details: json!({}),
                address,
            },
        )?;
        Ok(ResetRequested::Queued)
    })
}

fn send_reset_link(c: &mut DbConn, public_url: &PublicUrl, owner: &User) -> Result<(), Error> {
    let valid_for = TimeDelta::minutes(i64::from(LINK_MINUTES));
    let (link, event) = super::accounts::email_link(
        c,
        public_url,
        owner.id,
        Purpose::Reset,
        "/password-reset/confirm",
        valid_for,
    )?;
    let notice = Notice::PasswordReset {
        link: &link,
        minutes: LINK_MINUTES,
    };
    mail::queue(c, public_url, &event, &Recipient::account(owner), &notice)?;
    Ok(())
}

/// A valid reset link's token id and the account it resets.
pub fn reset_link(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<(EmailTokenId, User)>> {
    let Some(row) = email_token::find_valid(conn, Purpose::Reset, token_hash, models::now())? else {
        return Ok(None);
    };
    Ok(Some((row.id, user::find_row(conn, row.user_id)?.to_user())))
}

/// What completing a reset did.
#[derive(Debug, PartialEq, Eq)]
pub enum Reset {
    Done,
    /// The link was used or expired meanwhile; nothing changed.
    LinkUsed,
}

/// Uses the link once: stores the new password's hash, forgets the failures that strangers
/// built up against the account (the link proves the owner), ends every session, retires the
/// other links, tells the owner, and records it.
pub fn complete_reset(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    token_id: EmailTokenId,
    owner: &User,
    new_hash: &str,
    subjects: &Subjects,
    address: Option<String>,
) -> Result<Reset, Error> {
    write_tx(conn, |c| {
        if !email_token::consume(c, token_id, models::now())? {
            return Ok(Reset::LinkUsed);
        }
        user::set_password_hash(c, owner.id, new_hash)?;
        throttle::record_success(c, subjects)?;
        password_changed(c, public_url, owner, &format!("password-reset:{token_id}"))?;
        audit::record(
            c,
            Event {
                actor: &Actor::user(owner),
                action: "password.reset_completed",
                object: Some(("user", owner.id.0.to_string())),
                details: json!({}),
                address,
            },
        )?;
        Ok(Reset::Done)
    })
}

/// Ends every session of the account, retires every other link, and tells the owner, in the
/// caller's transaction.
fn password_changed(c: &mut DbConn, public_url: &PublicUrl, owner: &User, event: &str) -> Result<(), Error> {
    let now = models::now();
    email_token::retire(c, owner.id, Purpose::Reset, now)?;
    models::session::delete_for_user(c, owner.id, None)?;
    let to = Recipient::account(owner);
    mail::queue(c, public_url, event, &to, &Notice::PasswordChanged)?;
    Ok(())
}
