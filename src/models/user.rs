use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::email_token::{self, Purpose};
use crate::db::DbConn;
use crate::db::schema::{cases, parties, setup_tokens, users};
use crate::domain::{Email, Lang, PersonName, Role};
use crate::models::id::UserId;

/// An account as the rest of the application sees it. The password hash stays in the row.
#[derive(Clone, Debug)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub language: Option<Lang>,
    pub active: bool,
    pub has_password: bool,
    pub email_verified: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub language: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub email_verified_at: Option<NaiveDateTime>,
}

impl UserRow {
    pub fn to_user(&self) -> User {
        User {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role,
            language: self.language.as_deref().and_then(Lang::parse),
            active: self.active,
            has_password: self.password_hash.is_some(),
            email_verified: self.email_verified_at.is_some(),
            created_at: self.created_at,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUserRow<'a> {
    email: &'a str,
    name: &'a str,
    role: &'a str,
    password_hash: Option<&'a str>,
    language: Option<&'a str>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    email_verified_at: Option<NaiveDateTime>,
}

pub struct NewUser<'a> {
    pub email: &'a Email,
    pub name: &'a PersonName,
    pub role: Role,
    pub password_hash: Option<&'a str>,
    pub language: Option<Lang>,
    /// Set when the address is already proven (or vouched for by an administrator).
    pub email_verified: bool,
}

/// Inserts the account; a taken e-mail address comes back as a unique violation.
pub fn insert(conn: &mut DbConn, new: NewUser<'_>) -> QueryResult<User> {
    let now = super::now();
    diesel::insert_into(users::table)
        .values(NewUserRow {
            email: new.email.as_str(),
            name: new.name.as_str(),
            role: new.role.as_str(),
            password_hash: new.password_hash,
            language: new.language.map(Lang::code),
            active: true,
            created_at: now,
            updated_at: now,
            email_verified_at: new.email_verified.then_some(now),
        })
        .execute(conn)?;
    // RETURNING is not portable across the two backends through one connection type.
    users::table
        .filter(users::email.eq(new.email.as_str()))
        .select(UserRow::as_select())
        .first(conn)
        .map(|row| row.to_user())
}

pub fn find_row_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_row(conn: &mut DbConn, id: UserId) -> QueryResult<UserRow> {
    users::table.find(id.0).select(UserRow::as_select()).first(conn)
}

pub fn find(conn: &mut DbConn, id: UserId) -> QueryResult<Option<User>> {
    users::table
        .find(id.0)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
        .map(|r| r.map(|r| r.to_user()))
}

pub fn find_many(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<User>> {
    let rows: Vec<UserRow> = users::table
        .filter(users::id.eq_any(ids))
        .select(UserRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(UserRow::to_user).collect())
}

/// Whether the account stands anywhere in a case: a complaint it owns or drafted, or a
/// party tied to it. Such an account is never handed to someone else.
pub fn holds_cases(conn: &mut DbConn, id: UserId) -> QueryResult<bool> {
    let owns = diesel::select(diesel::dsl::exists(
        cases::table.filter(cases::complainant_user_id.eq(id.0).or(cases::created_by.eq(id.0))),
    ))
    .get_result(conn)?;
    if owns {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        parties::table.filter(parties::user_id.eq(id.0)),
    ))
    .get_result(conn)
}

/// Who takes over an unconfirmed account, and as what.
pub struct Takeover<'a> {
    pub name: &'a PersonName,
    pub role: Role,
    pub password_hash: &'a str,
    pub language: Option<Lang>,
}

/// Hands an unconfirmed account to the person who proved the address by other means: the
/// row becomes theirs (confirmed), and every way its maker had in — sessions, e-mail links,
/// setup links — ends. `false` if the account was confirmed meanwhile (nothing changed).
pub fn take_over_unconfirmed(conn: &mut DbConn, id: UserId, to: Takeover<'_>) -> QueryResult<bool> {
    let now = super::now();
    let changed = diesel::update(users::table.find(id.0).filter(users::email_verified_at.is_null()))
        .set((
            users::name.eq(to.name.as_str()),
            users::role.eq(to.role.as_str()),
            users::password_hash.eq(to.password_hash),
            users::language.eq(to.language.map(Lang::code)),
            users::organisation.eq(None::<String>),
            users::registration_no.eq(None::<String>),
            users::email_verified_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    super::session::delete_for_user(conn, id, None)?;
    email_token::retire(conn, id, Purpose::Verify, now)?;
    email_token::retire(conn, id, Purpose::Reset, now)?;
    diesel::update(
        setup_tokens::table
            .filter(setup_tokens::user_id.eq(id.0))
            .filter(setup_tokens::used_at.is_null()),
    )
    .set(setup_tokens::expires_at.eq(now))
    .execute(conn)?;
    Ok(true)
}

pub fn email_taken(conn: &mut DbConn, email: &Email) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::email.eq(email.as_str())),
    ))
    .get_result(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// Everyone, staff first then by name: the administration list.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<User>> {
    let rows: Vec<UserRow> = users::table
        .select(UserRow::as_select())
        .order((users::name.asc(), users::id.asc()))
        .load(conn)?;
    let mut list: Vec<User> = rows.iter().map(UserRow::to_user).collect();
    list.sort_by_key(|u| !u.role.is_office_account());
    Ok(list)
}

pub fn set_password_hash(conn: &mut DbConn, id: UserId, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id.0))
        .set((users::password_hash.eq(hash), users::updated_at.eq(super::now())))
        .execute(conn)
        .map(drop)
}

pub fn set_active(conn: &mut DbConn, id: UserId, active: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id.0))
        .set((users::active.eq(active), users::updated_at.eq(super::now())))
        .execute(conn)
}

pub fn set_language(conn: &mut DbConn, id: UserId, lang: Lang) -> QueryResult<()> {
    diesel::update(users::table.find(id.0))
        .set(users::language.eq(lang.code()))
        .execute(conn)
        .map(drop)
}

pub fn mark_email_verified(conn: &mut DbConn, id: UserId) -> QueryResult<()> {
    let now = super::now();
    diesel::update(users::table.find(id.0).filter(users::email_verified_at.is_null()))
        .set((users::email_verified_at.eq(now), users::updated_at.eq(now)))
        .execute(conn)
        .map(drop)
}

/// Active accounts of the given roles (for example, everyone on intake duty).
pub fn active_with_roles(conn: &mut DbConn, roles: &[Role]) -> QueryResult<Vec<User>> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let rows: Vec<UserRow> = users::table
        .filter(users::role.eq_any(names))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select(UserRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(UserRow::to_user).collect())
}
