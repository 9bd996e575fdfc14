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

/// Starts a signed-in session with a fresh token and CSRF token, ending `replacing` (so an id
/// known before signing in is worthless after it), in the caller's transaction. Returns the
/// cookie value.
pub fn begin(
    conn: &mut DbConn,
    user: UserId,
    language: Option<Lang>,
    replacing: Option<SessionId>,
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
        },
    )?;
    Ok(cookie)
}

/// Signs out: ends the session's row, so its cookie is worthless even if it was copied, and
/// records it.
pub fn sign_out(
    conn: &mut DbConn,
    session: SessionId,
    user: &User,
    address: Option<String>,
) -> QueryResult<()> {
    let actor = Actor::user(user);
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
