//! One-time setup links: the first administrator's (no account yet) and those for accounts
//! created without a password. Only the token's SHA-256 is stored.

use crate::db::DbConn;
use crate::db::schema::setup_tokens;
use crate::models::id::{SetupTokenId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = setup_tokens)]
pub struct SetupTokenRow {
    pub id: SetupTokenId,
    pub token_hash: String,
    pub user_id: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = setup_tokens)]
struct NewSetupToken<'a> {
    token_hash: &'a str,
    user_id: Option<UserId>,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// Records a new link. Any older unused link for the same account (or the older bootstrap
/// link) stops working, so only the newest one printed is valid.
pub fn issue(
    conn: &mut DbConn,
    token_hash: &str,
    user: Option<UserId>,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    let now = super::now();
    let unused = setup_tokens::table.filter(setup_tokens::used_at.is_null());
    match user {
        Some(u) => diesel::update(unused.filter(setup_tokens::user_id.eq(u.0)))
            .set(setup_tokens::expires_at.eq(now))
            .execute(conn)?,
        None => diesel::update(unused.filter(setup_tokens::user_id.is_null()))
            .set(setup_tokens::expires_at.eq(now))
            .execute(conn)?,
    };
    diesel::insert_into(setup_tokens::table)
        .values(NewSetupToken {
            token_hash,
            user_id: user,
            created_at: now,
            expires_at,
        })
        .execute(conn)
        .map(drop)
}

/// The link if it is unused and unexpired.
pub fn find_valid(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<SetupTokenRow>> {
    setup_tokens::table
        .filter(setup_tokens::token_hash.eq(token_hash))
        .filter(setup_tokens::used_at.is_null())
        .filter(setup_tokens::expires_at.gt(now))
        .select(SetupTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the link used; `false` if someone else used it first (or it expired meanwhile).
pub fn consume(conn: &mut DbConn, id: SetupTokenId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        setup_tokens::table
            .find(id)
            .filter(setup_tokens::used_at.is_null())
            .filter(setup_tokens::expires_at.gt(now)),
    )
    .set(setup_tokens::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}
