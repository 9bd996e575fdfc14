//! Tokens sent by e-mail: address verification and password reset. Only the SHA-256 of a
//! token is stored; each is single-use and short-lived.

use crate::db::DbConn;
use crate::db::schema::email_tokens;
use crate::models::id::{EmailTokenId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Verify,
    Reset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Verify => "verify",
            Purpose::Reset => "reset",
        }
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = email_tokens)]
pub struct EmailTokenRow {
    pub id: EmailTokenId,
    pub token_hash: String,
    pub user_id: UserId,
    pub purpose: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = email_tokens)]
struct NewEmailToken<'a> {
    token_hash: &'a str,
    user_id: UserId,
    purpose: &'a str,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// Records a new token and retires the account's older unused ones of the same purpose:
/// only the newest link works. Returns the new row's id.
pub fn issue(
    conn: &mut DbConn,
    user: UserId,
    purpose: Purpose,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<i64> {
    let now = super::now();
    retire(conn, user, purpose, now)?;
    diesel::insert_into(email_tokens::table)
        .values(NewEmailToken {
            token_hash,
            user_id: user,
            purpose: purpose.as_str(),
            created_at: now,
            expires_at,
        })
        .execute(conn)?;
    email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .select(email_tokens::id)
        .first(conn)
}

/// Ends every unused token of the purpose (a newer one was issued, or the password changed).
pub fn retire(conn: &mut DbConn, user: UserId, purpose: Purpose, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user.0))
            .filter(email_tokens::purpose.eq(purpose.as_str()))
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(now)),
    )
    .set(email_tokens::expires_at.eq(now))
    .execute(conn)
    .map(drop)
}

pub fn find_valid(
    conn: &mut DbConn,
    purpose: Purpose,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<EmailTokenRow>> {
    email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now))
        .select(EmailTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the token used; `false` if it was used or expired meanwhile.
pub fn consume(conn: &mut DbConn, id: EmailTokenId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        email_tokens::table
            .find(id)
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(now)),
    )
    .set(email_tokens::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

/// When the account's latest token of this purpose was issued, to space out resends.
pub fn last_issued(conn: &mut DbConn, user: UserId, purpose: Purpose) -> QueryResult<Option<NaiveDateTime>> {
    email_tokens::table
        .filter(email_tokens::user_id.eq(user.0))
        .filter(email_tokens::purpose.eq(purpose.as_str()))
        .select(diesel::dsl::max(email_tokens::created_at))
        .first(conn)
}
