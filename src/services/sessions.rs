//! Signed-in sessions: starting one (inside the use case that signs someone in), signing out,
//! and the language a session and its account read pages in.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::token;
use crate::db::{DbConn, write_tx};
use crate::domain::Lang;
use crate::models;
use crate::models::id::{SessionId, UserId};
use crate::models::session::NewSession;
use crate::models::user::User;

/// Starts a session with a fresh token and CSRF token for someone whose password (or set-up
/// link, or reset link) was right, ending `replacing` (so an id known before signing in is
/// worthless after it), in the caller's transaction. An account with a second factor is not
/// signed in yet: its session awaits the factor.
pub fn begin(
    conn: &mut DbConn,
    user: UserId,
    language: Option<Lang>,
    replacing: Option<SessionId>,
) -> QueryResult<Begun> {
    let awaiting_factor = models::second_factor::has_factor(conn, user)?;
    let cookie = start(conn, user, language, replacing, awaiting_factor, None)?;
    Ok(Begun {
        cookie,
        awaiting_factor,
    })
}

/// A session started by a right password, set-up link or reset link.
pub struct Begun {
    pub cookie: String,
    /// The account has a second factor, still to be given: the session is not signed in yet.
    pub awaiting_factor: bool,
}

/// Starts a signed-in session, whatever factors the account has, in place of `replacing`:
/// for someone who has just given their second factor (`factor_at` now; after the password,
/// or a passkey alone), or who changed their password in a signed-in session (its `factor_at`
/// carried over).
pub fn begin_with_factor(
    conn: &mut DbConn,
    user: UserId,
    language: Option<Lang>,
    replacing: Option<SessionId>,
    factor_at: Option<NaiveDateTime>,
) -> QueryResult<String> {
    start(conn, user, language, replacing, false, factor_at)
}

fn start(
    conn: &mut DbConn,
    user: UserId,
    language: Option<Lang>,
    replacing: Option<SessionId>,
    awaiting_factor: bool,
    factor_at: Option<NaiveDateTime>,
) -> QueryResult<String> {
    if let Some(old) = replacing {
        models::session::delete(conn, old)?;
    }
    let cookie = token::generate();
    models::session::insert(
        conn,
        NewSession {
            token_hash: &token::hash(&cookie),
            csrf_token: &token::generate(),
            user_id: user,
            language,
            awaiting_factor,
            factor_at,
        },
    )?;
    Ok(cookie)
}

/// Signs out: ends the session's row, so its cookie is worthless even if it was copied, and
/// records it.
pub fn sign_out(
    conn: &mut DbConn,
    session: SessionId,
    user: Option<&User>,
    address: Option<String>,
) -> QueryResult<()> {
    let actor = user.map(Actor::user).unwrap_or_else(Actor::anonymous);
    write_tx(conn, |c| {
        models::session::delete(c, session)?;
        audit::record(
            c,
            Event {
                actor: &actor,
                action: "logout",
                object: actor.id.map(|u| ("user", u.to_string())),
                details: json!({}),
                address,
            },
        )
    })
}

/// Keeps a signed-in session alive from `now`: someone chose to stay signed in. (Any request
/// does as much, as the gate records it; this does not wait for the gate's next record.)
pub fn extend(conn: &mut DbConn, session: SessionId, now: NaiveDateTime) -> QueryResult<()> {
    write_tx(conn, |c| models::session::touch(c, session, now))
}

/// Remembers the language chosen on a signed-in session and on its account.
pub fn choose_language(
    conn: &mut DbConn,
    session: SessionId,
    user: Option<UserId>,
    lang: Lang,
) -> QueryResult<()> {
    write_tx(conn, |c| {
        models::session::set_language(c, session, lang)?;
        if let Some(u) = user {
            models::user::set_language(c, u, lang)?;
        }
        Ok(())
    })
}
