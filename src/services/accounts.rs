//! Accounts set up from one-time links: the first administrator on a new install, and
//! accounts created by an administrator or `ipdesk user add` without a password.

use chrono::TimeDelta;
use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::token;
use crate::config::PublicUrl;
use crate::db::{DbConn, write_tx};
use crate::domain::{Email, Lang, PersonName, Role};
use crate::models::id::SetupTokenId;
use crate::models::id::{SessionId, UserId};
use crate::models::setup_token::{self, SetupTokenRow};
use crate::models::user::{self, NewUser, User};
use crate::models::{self, email_token};
use crate::services::{Error, sessions};

/// Records a one-time setup link and returns it, built on the public base URL.
pub fn issue_setup_link(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    user: Option<UserId>,
    hours: u32,
) -> QueryResult<String> {
    let raw = token::generate();
    let expires = models::now() + TimeDelta::hours(i64::from(hours));
    setup_token::issue(conn, &token::hash(&raw), user, expires)?;
    Ok(public_url.with_token("/setup", &raw))
}

/// The setup link's token, if valid, and the (active) account it sets up: `None` for the
/// first administrator's.
pub fn setup_link(conn: &mut DbConn, raw: &str) -> QueryResult<Option<(SetupTokenRow, Option<User>)>> {
    let Some(row) = setup_token::find_valid(conn, &token::hash(raw), models::now())? else {
        return Ok(None);
    };
    let account = match row.user_id {
        Some(id) => match user::find_row(conn, id)?.to_user() {
            account if account.active => Some(account),
            _ => return Ok(None),
        },
        None => None,
    };
    Ok(Some((row, account)))
}

/// What a setup link sets up: a whole new administrator, or a password.
pub enum Target<'a> {
    /// A whole new administrator, on a new install.
    FirstAdmin { name: &'a PersonName, email: &'a Email },
    /// The password of an account created without one.
    Password(&'a User),
}

/// What following a setup link did.
pub enum SetupDone {
    /// The account set up, and the cookie value of the session it is signed in with.
    Done { user: UserId, cookie: String },
    /// The first administrator's address is taken; nothing changed.
    EmailTaken,
    /// The link was used or expired meanwhile; nothing changed.
    LinkUsed,
}

/// Uses the link once and creates the first administrator, or sets the account's password
/// (which confirms its address and ends its sessions); records it and signs the account in
/// (in place of `replacing`).
pub fn set_up(
    conn: &mut DbConn,
    link: SetupTokenId,
    what: Target<'_>,
    password_hash: &str,
    language: Option<Lang>,
    replacing: Option<SessionId>,
    address: Option<String>,
) -> Result<SetupDone, Error> {
    write_tx(conn, |c| {
        // Checked before anything is written: this answer commits nothing.
        if let Target::FirstAdmin { email, .. } = &what
            && user::email_taken(c, email)?
        {
            return Ok(SetupDone::EmailTaken);
        }
        if !setup_token::consume(c, link, models::now())? {
            return Ok(SetupDone::LinkUsed);
        }
        let (user, action) = match &what {
            Target::FirstAdmin { name, email } => {
                let new = NewUser {
                    email,
                    name,
                    role: Role::Admin,
                    password_hash: Some(password_hash),
                    language,
                    email_verified: true,
                };
                (user::insert(c, new)?, "account.first_admin_created")
            }
            Target::Password(account) => {
                user::set_password_hash(c, account.id, password_hash)?;
                user::mark_email_verified(c, account.id)?;
                models::session::delete_for_user(c, account.id, None)?;
                ((*account).clone(), "account.setup_completed")
            }
        };
        audit::record(
            c,
            Event {
                actor: &Actor::user(&user),
                action,
                object: Some(("user", user.id.0.to_string())),
                details: json!({"role": user.role.as_str()}),
                address,
            },
        )?;
        let cookie = sessions::begin(c, user.id, language, replacing)?.cookie;
        Ok(SetupDone::Done {
            user: user.id,
            cookie,
        })
    })
}

/// A one-time link to `path` for the account, its token kept hashed and valid for `valid_for`.
/// Returns the link and the event key its notice is queued under (one notice per token).
pub fn email_link(
    conn: &mut DbConn,
    public_url: &PublicUrl,
    user: UserId,
    purpose: email_token::Purpose,
    path: &str,
    valid_for: TimeDelta,
) -> QueryResult<(String, String)> {
    let raw = token::generate();
    let id = email_token::issue(conn, user, purpose, &token::hash(&raw), models::now() + valid_for)?;
    Ok((public_url.with_token(path, &raw), format!("email-token:{id}")))
}
