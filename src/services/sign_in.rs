//! Signing in with an e-mail address and a password. The password itself is checked between
//! the look-up and the outcome, off the async workers, by the caller.

use std::time::Duration;

use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::device::DeviceKey;
use crate::auth::throttle::{self, Policy, Subjects};
use crate::db::{DbConn, write_tx};
use crate::domain::Lang;
use crate::models::id::{SessionId, UserId};
use crate::models::user::UserRow;
use crate::models::{self, user};
use crate::services::sessions::{self, Begun};

/// A sign-in attempt before its password is checked.
pub struct Attempt {
    /// What a failure is counted against, with the browser's device token for the account
    /// when it has one.
    pub subjects: Subjects,
    pub gate: Gate,
}

pub enum Gate {
    /// Too many failures: the next try must wait this long.
    Wait(Duration),
    /// The password may be checked against the account with the address, if there is one
    /// (deactivated ones included: the caller fails them like a wrong password).
    Open(Option<UserRow>),
}

/// Looks the account up first, since whether this browser is known (its device cookie holds a
/// token for the account) decides which failures it waits for; then how long it must wait.
pub fn look_up(
    conn: &mut DbConn,
    policy: &Policy,
    device_key: &DeviceKey,
    device_cookie: Option<&str>,
    email: &str,
    subjects: Subjects,
) -> QueryResult<Attempt> {
    let now = models::now();
    let row = user::find_row_by_email(conn, email)?;
    let known = row
        .as_ref()
        .and_then(|r| device_key.token_for(device_cookie, r.id, now));
    let subjects = match known {
        Some(token) => subjects.with_device(&token),
        None => subjects,
    };
    let gate = match throttle::wait(conn, policy, &subjects, now)? {
        Some(wait) => Gate::Wait(wait),
        None => Gate::Open(row),
    };
    Ok(Attempt { subjects, gate })
}

/// A failed sign-in (unknown address, wrong password, deactivated account): counts it against
/// the attempt's subjects and records it, naming the account when there is one.
pub fn fail(
    conn: &mut DbConn,
    policy: &Policy,
    subjects: &Subjects,
    user: Option<UserId>,
) -> QueryResult<()> {
    write_tx(conn, |c| {
        throttle::record_failure(c, policy, subjects, models::now())?;
        audit::record(
            c,
            Event {
                actor: &Actor::anonymous(),
                action: "login.failure",
                object: user.map(|id| ("user", id.to_string())),
                details: json!({}),
                address: Some(subjects.address.clone()),
            },
        )
    })
}

/// A right password: clears the account's failures, stores the password's new hash when the
/// old one was weaker, records it, and starts a session in place of `replacing` — signed in,
/// or awaiting the second factor if the account has one.
pub fn succeed(
    conn: &mut DbConn,
    subjects: &Subjects,
    account: &UserRow,
    rehashed: Option<&str>,
    language: Option<Lang>,
    replacing: Option<SessionId>,
) -> QueryResult<Begun> {
    let user = account.id;
    write_tx(conn, |c| {
        throttle::record_success(c, subjects)?;
        if let Some(hash) = rehashed {
            user::set_password_hash(c, user, hash)?;
        }
        audit::record(
            c,
            Event {
                actor: &Actor {
                    id: Some(user),
                    label: account.email.clone(),
                },
                action: "login.success",
                object: Some(("user", user.0.to_string())),
                details: json!({"rehashed": rehashed.is_some()}),
                address: Some(subjects.address.clone()),
            },
        )?;
        sessions::begin(c, user, language, replacing)
    })
}
