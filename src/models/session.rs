//! Server-side sessions. The browser holds a random token; the database holds only its
//! SHA-256, so a leaked table cannot be replayed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::user::UserRow;
use crate::db::DbConn;
use crate::db::schema::{sessions, users};
use crate::domain::Lang;
use crate::models::id::{SessionId, UserId};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: SessionId,
    pub token_hash: String,
    pub user_id: Option<UserId>,
    pub csrf_token: String,
    pub language: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    /// The password was right; the second factor is still to come.
    pub awaiting_factor: bool,
    /// When the second factor was last given in this session.
    pub factor_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
struct NewSessionRow<'a> {
    token_hash: &'a str,
    user_id: Option<UserId>,
    csrf_token: &'a str,
    language: Option<&'a str>,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    awaiting_factor: bool,
    factor_at: Option<NaiveDateTime>,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub csrf_token: &'a str,
    pub user_id: UserId,
    pub language: Option<Lang>,
    pub awaiting_factor: bool,
    pub factor_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, new: NewSession<'_>) -> QueryResult<()> {
    let now = super::now();
    diesel::insert_into(sessions::table)
        .values(NewSessionRow {
            token_hash: new.token_hash,
            user_id: Some(new.user_id),
            csrf_token: new.csrf_token,
            language: new.language.map(Lang::code),
            created_at: now,
            last_seen_at: now,
            awaiting_factor: new.awaiting_factor,
            factor_at: new.factor_at,
        })
        .execute(conn)
        .map(drop)
}

/// The session for a token hash, with its account if it is signed in.
pub fn find_with_user(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<(SessionRow, Option<UserRow>)>> {
    sessions::table
        .left_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((SessionRow::as_select(), Option::<UserRow>::as_select()))
        .first(conn)
        .optional()
}

pub fn touch(conn: &mut DbConn, id: SessionId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id.0))
        .set(sessions::last_seen_at.eq(at))
        .execute(conn)
        .map(drop)
}

pub fn set_language(conn: &mut DbConn, id: SessionId, lang: Lang) -> QueryResult<()> {
    diesel::update(sessions::table.find(id.0))
        .set(sessions::language.eq(lang.code()))
        .execute(conn)
        .map(drop)
}

/// Records that the second factor was given in the session just now (step-up).
pub fn set_factor_at(conn: &mut DbConn, id: SessionId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(id.0))
        .set(sessions::factor_at.eq(at))
        .execute(conn)
        .map(drop)
}

pub fn delete(conn: &mut DbConn, id: SessionId) -> QueryResult<()> {
    diesel::delete(sessions::table.find(id.0)).execute(conn).map(drop)
}

/// Ends every session of the account, but for `keep` (the one acting, if any).
pub fn delete_for_user(conn: &mut DbConn, user: UserId, keep: Option<SessionId>) -> QueryResult<usize> {
    let theirs = sessions::table.filter(sessions::user_id.eq(user.0));
    match keep {
        Some(keep) => diesel::delete(theirs.filter(sessions::id.ne(keep.0))).execute(conn),
        None => diesel::delete(theirs).execute(conn),
    }
}

/// Removes sessions idle since `idle_before`, or signed in since before `started_before`.
pub fn delete_expired(
    conn: &mut DbConn,
    idle_before: NaiveDateTime,
    started_before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::last_seen_at
                .lt(idle_before)
                .or(sessions::created_at.lt(started_before)),
        ),
    )
    .execute(conn)
}
