//! Counters of failed sign-ins, kept in the database so every app server sees the same ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_throttle;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Failed sign-ins naming one account.
    Account,
    /// Failed sign-ins from one client address.
    Address,
    /// Password-reset requests from one client address.
    Reset,
    /// Registration attempts from one client address.
    Register,
    /// Failed sign-ins naming one account from one client address.
    Pair,
    /// Failed sign-ins from a browser that signed in to the account before (its token).
    Device,
    /// Passkey sign-ins begun from one client address (each keeps a ceremony's state).
    Passkey,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
            Scope::Reset => "reset",
            Scope::Register => "register",
            Scope::Pair => "pair",
            Scope::Device => "device",
            Scope::Passkey => "passkey",
        }
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = login_throttle)]
pub struct ThrottleRow {
    pub scope: String,
    pub subject: String,
    pub failures: i32,
    pub window_start: NaiveDateTime,
    pub last_failure_at: NaiveDateTime,
}

/// The counter, locked for the rest of the transaction on PostgreSQL (SQLite's write
/// transaction already holds the only write lock).
pub fn get(conn: &mut DbConn, scope: Scope, subject: &str) -> QueryResult<Option<ThrottleRow>> {
    let key = (scope.as_str(), subject);
    match conn {
        DbConn::Postgres(c) => login_throttle::table
            .find(key)
            .select(ThrottleRow::as_select())
            .for_update()
            .first(c)
            .optional(),
        DbConn::Sqlite(c) => login_throttle::table
            .find(key)
            .select(ThrottleRow::as_select())
            .first(c)
            .optional(),
    }
}

pub fn put(conn: &mut DbConn, row: &ThrottleRow) -> QueryResult<()> {
    let updated = diesel::update(login_throttle::table.find((&row.scope, &row.subject)))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttle::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn new_row(
    scope: Scope,
    subject: &str,
    failures: i32,
    window_start: NaiveDateTime,
    last: NaiveDateTime,
) -> ThrottleRow {
    ThrottleRow {
        scope: scope.as_str().to_owned(),
        subject: subject.to_owned(),
        failures,
        window_start,
        last_failure_at: last,
    }
}

pub fn clear(conn: &mut DbConn, scope: Scope, subject: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find((scope.as_str(), subject)))
        .execute(conn)
        .map(drop)
}

/// Forgets counters whose window ended before `before`.
pub fn delete_stale(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_throttle::table.filter(login_throttle::last_failure_at.lt(before))).execute(conn)
}
