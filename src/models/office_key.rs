//! The office's signing keys, one row per generation (issue 19). The newest generation is the
//! current key; each earlier one is closed at the moment the next took over. The private half
//! is stored sealed: sealing and unsealing are `bundle::keyring`'s.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::office_keys;
use crate::models::id::{OfficeKeyId, UserId};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = office_keys)]
pub struct OfficeKeyRow {
    pub id: OfficeKeyId,
    pub generation: i32,
    pub fingerprint: String,
    /// The raw public key, hex.
    pub public_key: String,
    pub sealed_private_key: String,
    pub valid_from: NaiveDateTime,
    /// `None` while the key is current.
    pub valid_until: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
}

impl OfficeKeyRow {
    pub fn is_current(&self) -> bool {
        self.valid_until.is_none()
    }
}

#[derive(Insertable, Debug)]
#[diesel(table_name = office_keys)]
pub struct NewOfficeKey<'a> {
    pub generation: i32,
    pub fingerprint: &'a str,
    pub public_key: &'a str,
    pub sealed_private_key: &'a str,
    pub valid_from: NaiveDateTime,
    pub created_by: Option<UserId>,
}

/// The first generation: the root the cookie and calendar keys are derived from.
pub fn first(conn: &mut DbConn) -> QueryResult<Option<OfficeKeyRow>> {
    office_keys::table
        .filter(office_keys::generation.eq(1))
        .select(OfficeKeyRow::as_select())
        .first(conn)
        .optional()
}

/// The key bundles are signed with now: the newest generation.
pub fn current(conn: &mut DbConn) -> QueryResult<Option<OfficeKeyRow>> {
    office_keys::table
        .order(office_keys::generation.desc())
        .select(OfficeKeyRow::as_select())
        .first(conn)
        .optional()
}

/// Every key, the current one first.
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<OfficeKeyRow>> {
    office_keys::table
        .order(office_keys::generation.desc())
        .select(OfficeKeyRow::as_select())
        .load(conn)
}

/// Adds a key. A generation or fingerprint already there is a unique violation: the caller
/// lost a race and reads what the winner wrote.
pub fn insert(conn: &mut DbConn, new: &NewOfficeKey<'_>) -> QueryResult<OfficeKeyRow> {
    diesel::insert_into(office_keys::table)
        .values(new)
        .execute(conn)?;
    // RETURNING is not portable across the two backends through one connection type.
    office_keys::table
        .filter(office_keys::generation.eq(new.generation))
        .select(OfficeKeyRow::as_select())
        .first(conn)
}

/// Ends a key's validity at `until`, when the next generation takes over.
pub fn close(conn: &mut DbConn, id: OfficeKeyId, until: NaiveDateTime) -> QueryResult<()> {
    diesel::update(office_keys::table.filter(office_keys::id.eq(id.0)))
        .set(office_keys::valid_until.eq(until))
        .execute(conn)
        .map(drop)
}
