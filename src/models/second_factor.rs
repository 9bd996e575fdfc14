//! An account's second factors: its authenticator app's secret (sealed), its passkeys, its
//! recovery codes, and the WebAuthn ceremonies under way.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{passkey_challenges, passkeys, recovery_codes, totp_secrets};
use crate::models::id::{PasskeyId, UserId};

/// What second factors an account has set up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Factors {
    /// A confirmed authenticator app.
    pub totp: bool,
    pub passkeys: i64,
    /// Recovery codes not yet used.
    pub recovery_left: i64,
}

impl Factors {
    /// Whether the account has a second factor. Recovery codes alone are not one: they are
    /// for when the factor is lost.
    pub fn any(self) -> bool {
        self.totp || self.passkeys > 0
    }
}

pub fn factors_of(conn: &mut DbConn, user: UserId) -> QueryResult<Factors> {
    let totp = totp_secrets::table
        .filter(totp_secrets::user_id.eq(user.0))
        .filter(totp_secrets::confirmed_at.is_not_null())
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let passkeys = passkeys::table
        .filter(passkeys::user_id.eq(user.0))
        .count()
        .get_result(conn)?;
    let recovery_left = recovery_left(conn, user)?;
    Ok(Factors {
        totp,
        passkeys,
        recovery_left,
    })
}

/// Whether the account has a second factor, in one statement (the gate asks on every request
/// of an account the policy holds to one).
pub fn has_factor(conn: &mut DbConn, user: UserId) -> QueryResult<bool> {
    let totp = totp_secrets::table
        .filter(totp_secrets::user_id.eq(user.0))
        .filter(totp_secrets::confirmed_at.is_not_null())
        .select(totp_secrets::id);
    let passkey = passkeys::table
        .filter(passkeys::user_id.eq(user.0))
        .select(passkeys::id);
    diesel::select(diesel::dsl::exists(totp).or(diesel::dsl::exists(passkey))).get_result(conn)
}

/// The accounts with a second factor (a confirmed app or a passkey).
pub fn users_with_factor(conn: &mut DbConn) -> QueryResult<Vec<UserId>> {
    let mut ids: Vec<UserId> = totp_secrets::table
        .filter(totp_secrets::confirmed_at.is_not_null())
        .select(totp_secrets::user_id)
        .load::<i64>(conn)?
        .into_iter()
        .chain(passkeys::table.select(passkeys::user_id).load::<i64>(conn)?)
        .map(UserId)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

// ---- The authenticator app ----

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = totp_secrets)]
pub struct TotpRow {
    pub user_id: UserId,
    pub sealed_secret: String,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_step: i64,
}

pub fn totp_of(conn: &mut DbConn, user: UserId) -> QueryResult<Option<TotpRow>> {
    totp_secrets::table
        .filter(totp_secrets::user_id.eq(user.0))
        .select(TotpRow::as_select())
        .first(conn)
        .optional()
}

/// Starts an enrollment: a new unconfirmed secret in place of any earlier unconfirmed one. A
/// confirmed secret is left alone (the caller refuses to start while one exists).
pub fn put_unconfirmed_totp(
    conn: &mut DbConn,
    user: UserId,
    sealed: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        totp_secrets::table
            .filter(totp_secrets::user_id.eq(user.0))
            .filter(totp_secrets::confirmed_at.is_null()),
    )
    .execute(conn)?;
    diesel::insert_into(totp_secrets::table)
        .values((
            totp_secrets::user_id.eq(user.0),
            totp_secrets::sealed_secret.eq(sealed),
            totp_secrets::last_step.eq(0_i64),
            totp_secrets::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn confirm_totp(conn: &mut DbConn, user: UserId, step: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(totp_secrets::table.filter(totp_secrets::user_id.eq(user.0)))
        .set((
            totp_secrets::confirmed_at.eq(now),
            totp_secrets::last_step.eq(step),
        ))
        .execute(conn)
        .map(drop)
}

/// Records that a code of time step `step` was accepted, if no code of that step or a later
/// one was accepted before. Returns whether it was recorded: `false` means a replay (or a
/// race with another server accepting the same code), which the caller refuses.
pub fn use_totp_step(conn: &mut DbConn, user: UserId, step: i64) -> QueryResult<bool> {
    diesel::update(
        totp_secrets::table
            .filter(totp_secrets::user_id.eq(user.0))
            .filter(totp_secrets::confirmed_at.is_not_null())
            .filter(totp_secrets::last_step.lt(step)),
    )
    .set(totp_secrets::last_step.eq(step))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn delete_totp(conn: &mut DbConn, user: UserId) -> QueryResult<usize> {
    diesel::delete(totp_secrets::table.filter(totp_secrets::user_id.eq(user.0))).execute(conn)
}

// ---- Passkeys ----

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = passkeys)]
pub struct PasskeyRow {
    pub id: PasskeyId,
    pub user_id: UserId,
    pub name: String,
    pub credential_id: String,
    pub user_handle: String,
    pub credential: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

pub struct NewPasskey<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub credential_id: &'a str,
    pub user_handle: &'a str,
    pub credential: &'a str,
}

pub fn passkeys_of(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<PasskeyRow>> {
    passkeys::table
        .filter(passkeys::user_id.eq(user.0))
        .order(passkeys::id)
        .select(PasskeyRow::as_select())
        .load(conn)
}

pub fn passkey_by_credential(conn: &mut DbConn, credential_id: &str) -> QueryResult<Option<PasskeyRow>> {
    passkeys::table
        .filter(passkeys::credential_id.eq(credential_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_passkey(conn: &mut DbConn, new: NewPasskey<'_>, now: NaiveDateTime) -> QueryResult<PasskeyId> {
    diesel::insert_into(passkeys::table)
        .values((
            passkeys::user_id.eq(new.user.0),
            passkeys::name.eq(new.name),
            passkeys::credential_id.eq(new.credential_id),
            passkeys::user_handle.eq(new.user_handle),
            passkeys::credential.eq(new.credential),
            passkeys::created_at.eq(now),
        ))
        .returning(passkeys::id)
        .get_result(conn)
        .map(PasskeyId)
}

/// The passkey's stored credential after a sign-in (its counter moves) and when it was used.
pub fn touch_passkey(
    conn: &mut DbConn,
    id: PasskeyId,
    credential: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let row = passkeys::table.find(id.0);
    match credential {
        Some(c) => diesel::update(row)
            .set((passkeys::credential.eq(c), passkeys::last_used_at.eq(now)))
            .execute(conn),
        None => diesel::update(row)
            .set(passkeys::last_used_at.eq(now))
            .execute(conn),
    }
    .map(drop)
}

/// Renames one of the account's passkeys; `false` when it has none by that id.
pub fn rename_passkey(conn: &mut DbConn, user: UserId, id: PasskeyId, name: &str) -> QueryResult<bool> {
    diesel::update(
        passkeys::table
            .filter(passkeys::id.eq(id.0))
            .filter(passkeys::user_id.eq(user.0)),
    )
    .set(passkeys::name.eq(name))
    .execute(conn)
    .map(|n| n == 1)
}

/// Removes one of the account's passkeys, returning it; none when it has none by that id.
pub fn delete_passkey(conn: &mut DbConn, user: UserId, id: PasskeyId) -> QueryResult<Option<PasskeyRow>> {
    let row = passkeys::table
        .filter(passkeys::id.eq(id.0))
        .filter(passkeys::user_id.eq(user.0))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()?;
    if row.is_some() {
        diesel::delete(passkeys::table.find(id.0)).execute(conn)?;
    }
    Ok(row)
}

pub fn delete_passkeys(conn: &mut DbConn, user: UserId) -> QueryResult<usize> {
    diesel::delete(passkeys::table.filter(passkeys::user_id.eq(user.0))).execute(conn)
}

// ---- Recovery codes ----

/// Replaces the account's recovery codes with these (their hashes).
pub fn replace_recovery_codes(
    conn: &mut DbConn,
    user: UserId,
    hashes: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    delete_recovery_codes(conn, user)?;
    for hash in hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::user_id.eq(user.0),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks the account's unused code with this hash used; `false` when there is none (wrong,
/// used already, or another account's).
pub fn use_recovery_code(
    conn: &mut DbConn,
    user: UserId,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user.0))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn recovery_left(conn: &mut DbConn, user: UserId) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user.0))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

pub fn delete_recovery_codes(conn: &mut DbConn, user: UserId) -> QueryResult<usize> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user.0))).execute(conn)
}

// ---- WebAuthn ceremonies ----

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = passkey_challenges)]
pub struct ChallengeRow {
    pub id: String,
    pub purpose: String,
    pub user_id: Option<UserId>,
    pub state: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_challenge(
    conn: &mut DbConn,
    id: &str,
    purpose: &str,
    user: Option<UserId>,
    state: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(passkey_challenges::table)
        .values((
            passkey_challenges::id.eq(id),
            passkey_challenges::purpose.eq(purpose),
            passkey_challenges::user_id.eq(user.map(|u| u.0)),
            passkey_challenges::state.eq(state),
            passkey_challenges::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Takes the ceremony out (it is used once, whatever its outcome), if it was started since
/// `since`.
pub fn take_challenge(
    conn: &mut DbConn,
    id: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<ChallengeRow>> {
    let row = passkey_challenges::table
        .find(id)
        .select(ChallengeRow::as_select())
        .first(conn)
        .optional()?;
    if row.is_some() {
        diesel::delete(passkey_challenges::table.find(id)).execute(conn)?;
    }
    Ok(row.filter(|r| r.created_at >= since))
}

/// Removes ceremonies started before `before` (abandoned ones).
pub fn delete_stale_challenges(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(passkey_challenges::table.filter(passkey_challenges::created_at.lt(before))).execute(conn)
}
