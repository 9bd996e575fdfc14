//! Second factors (issue 20): setting up an authenticator app or a passkey, recovery codes,
//! giving the factor after the password (or a passkey alone), asking for it again before a
//! sensitive action (step-up), and an administrator's reset. Every factor added, removed or
//! reset is audited and mailed to the account, in the transaction that changed it.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::passkey::Relying;
use crate::auth::second_factor::{self as rules, Totp, Typed};
use crate::auth::throttle::{self, Policy, Scope, Subjects};
use crate::bundle::keyring::KeySecret;
use crate::config::PublicUrl;
use crate::db::{DbConn, write_tx};
use crate::domain::Lang;
use crate::mail::{self, Notice, Recipient};
use crate::models;
use crate::models::id::{PasskeyId, SessionId, UserId};
use crate::models::second_factor::{self as store, NewPasskey};
use crate::models::user::{self, User};
use crate::services::{Error, sessions};

/// How long a passkey ceremony may take between its options and the browser's answer.
const CEREMONY: TimeDelta = TimeDelta::minutes(5);

/// What the use cases need besides the connection.
pub struct Env<'a> {
    /// Seals authenticator-app secrets.
    pub secret: &'a KeySecret,
    pub public_url: &'a PublicUrl,
    pub throttle: &'a Policy,
    /// The name people's authenticator apps show the account under.
    pub issuer: &'a str,
    pub address: Option<String>,
}

/// How someone gave their second factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    Totp,
    /// A recovery code; this many are left.
    Recovery {
        left: i64,
    },
    Passkey {
        name: String,
    },
}

impl Method {
    fn code(&self) -> &'static str {
        match self {
            Method::Totp => "totp",
            Method::Recovery { .. } => "recovery_code",
            Method::Passkey { .. } => "passkey",
        }
    }
}

/// The answer to a typed code or a passkey.
#[derive(Debug)]
pub enum Verdict<T> {
    Accepted(T, Method),
    /// Not a code of this account (or not a code at all).
    Wrong,
    /// The authenticator app's code of a time step already used: it works once.
    Replayed,
    /// Too many wrong codes: the next try must wait this long.
    Wait(Duration),
}

fn label(user: UserId) -> String {
    format!("totp:{user}")
}

fn totp_for(env: &Env<'_>, user: &User, sealed: &str) -> Result<Totp, Error> {
    let secret = env.secret.open_bytes(sealed, &label(user.id)).ok_or_else(|| {
        anyhow::anyhow!(
            "the authenticator secret of user {} does not open with this key secret",
            user.id
        )
    })?;
    Ok(Totp::new(secret, env.issuer, &user.email))
}

/// Wrong codes count against the account (named apart from its sign-ins) and the address.
fn subjects_for(user: UserId, address: Option<&str>) -> Subjects {
    let ip = address.and_then(|a| a.parse::<std::net::IpAddr>().ok());
    Subjects::new(&format!("second-factor:{user}"), ip)
}

fn record(
    c: &mut DbConn,
    env: &Env<'_>,
    actor: &Actor,
    action: &str,
    object: UserId,
    details: serde_json::Value,
) -> Result<(), Error> {
    audit::record(
        c,
        Event {
            actor,
            action,
            object: Some(("user", object.to_string())),
            details,
            address: env.address.clone(),
        },
    )?;
    Ok(())
}

/// Tells the account's owner what changed, by mail, in the caller's transaction.
fn notify(c: &mut DbConn, env: &Env<'_>, owner: &User, change: &str, detail: &str) -> Result<(), Error> {
    let event = format!("security:{}:{}", owner.id, uuid::Uuid::new_v4());
    let to = Recipient::account(owner);
    mail::queue(
        c,
        env.public_url,
        &event,
        &to,
        &Notice::SecurityChanged { change, detail },
    )?;
    Ok(())
}

// ---- Setting up an authenticator app ----

pub enum TotpStart {
    /// The account has a confirmed app already; it must be removed first.
    AlreadySet,
    Started(Totp),
}

/// Starts setting up an authenticator app: a new secret, sealed and kept unconfirmed.
pub fn start_totp(conn: &mut DbConn, env: &Env<'_>, user: &User) -> Result<TotpStart, Error> {
    write_tx(conn, |c| {
        if store::totp_of(c, user.id)?.is_some_and(|t| t.confirmed_at.is_some()) {
            return Ok(TotpStart::AlreadySet);
        }
        let secret = rules::new_totp_secret();
        let sealed = env.secret.seal_bytes(&secret, &label(user.id));
        store::put_unconfirmed_totp(c, user.id, &sealed, models::now())?;
        Ok(TotpStart::Started(Totp::new(secret, env.issuer, &user.email)))
    })
}

/// The app being set up, to show again (after a wrong code, say).
pub fn pending_totp(conn: &mut DbConn, env: &Env<'_>, user: &User) -> Result<Option<Totp>, Error> {
    match store::totp_of(conn, user.id)? {
        Some(row) if row.confirmed_at.is_none() => Ok(Some(totp_for(env, user, &row.sealed_secret)?)),
        _ => Ok(None),
    }
}

pub enum Confirmed {
    /// The app is the account's factor now. New recovery codes, to show once, when the
    /// account had none left.
    Done {
        recovery_codes: Option<Vec<String>>,
    },
    /// No app is being set up (it was confirmed in another tab, or never started).
    NotStarted,
    Refused(Verdict<()>),
}

/// Confirms the app being set up with a code from it. The session counts as having given its
/// second factor just now.
pub fn confirm_totp(
    conn: &mut DbConn,
    env: &Env<'_>,
    user: &User,
    session: SessionId,
    code: &str,
) -> Result<Confirmed, Error> {
    let now = models::now();
    let subjects = subjects_for(user.id, env.address.as_deref());
    write_tx(conn, |c| {
        if let Some(wait) = throttle::wait(c, env.throttle, &subjects, now)? {
            return Ok(Confirmed::Refused(Verdict::Wait(wait)));
        }
        let Some(row) = store::totp_of(c, user.id)?.filter(|r| r.confirmed_at.is_none()) else {
            return Ok(Confirmed::NotStarted);
        };
        let totp = totp_for(env, user, &row.sealed_secret)?;
        let step = match Typed::parse(code) {
            Some(Typed::Totp(code)) => totp.step_of(&code, unix(now), 0),
            _ => None,
        };
        let Some(step) = step else {
            throttle::record_failure(c, env.throttle, &subjects, now)?;
            return Ok(Confirmed::Refused(Verdict::Wrong));
        };
        store::confirm_totp(c, user.id, step as i64, now)?;
        throttle::record_success(c, &subjects)?;
        models::session::set_factor_at(c, session, now)?;
        record(c, env, &Actor::user(user), "mfa.totp_added", user.id, json!({}))?;
        notify(c, env, user, "mail-security-totp-added", "")?;
        let recovery_codes = first_recovery_codes(c, env, user, now)?;
        Ok(Confirmed::Done { recovery_codes })
    })
}

/// Removes the account's authenticator app.
pub fn remove_totp(conn: &mut DbConn, env: &Env<'_>, user: &User) -> Result<bool, Error> {
    write_tx(conn, |c| {
        let confirmed = store::totp_of(c, user.id)?.is_some_and(|t| t.confirmed_at.is_some());
        store::delete_totp(c, user.id)?;
        if confirmed {
            record(c, env, &Actor::user(user), "mfa.totp_removed", user.id, json!({}))?;
            notify(c, env, user, "mail-security-totp-removed", "")?;
        }
        Ok(confirmed)
    })
}

// ---- Recovery codes ----

/// Ten new recovery codes in place of the account's old ones, recorded; returned to be shown
/// once.
fn make_recovery_codes(
    c: &mut DbConn,
    env: &Env<'_>,
    user: &User,
    now: NaiveDateTime,
) -> Result<Vec<String>, Error> {
    let codes: Vec<String> = (0..rules::RECOVERY_CODES)
        .map(|_| rules::new_recovery_code())
        .collect();
    let hashes: Vec<String> = codes
        .iter()
        .filter_map(|code| match Typed::parse(code) {
            Some(Typed::Recovery(canonical)) => Some(rules::recovery_hash(&canonical)),
            _ => None,
        })
        .collect();
    store::replace_recovery_codes(c, user.id, &hashes, now)?;
    let details = json!({"count": codes.len()});
    record(
        c,
        env,
        &Actor::user(user),
        "mfa.recovery_codes_made",
        user.id,
        details,
    )?;
    Ok(codes)
}

/// With an account's first factor come its recovery codes (unless it has some left).
fn first_recovery_codes(
    c: &mut DbConn,
    env: &Env<'_>,
    user: &User,
    now: NaiveDateTime,
) -> Result<Option<Vec<String>>, Error> {
    if store::recovery_left(c, user.id)? > 0 {
        return Ok(None);
    }
    make_recovery_codes(c, env, user, now).map(Some)
}

/// New recovery codes in place of the old ones, which stop working; none for an account
/// without a second factor (there is nothing to recover).
pub fn renew_recovery_codes(
    conn: &mut DbConn,
    env: &Env<'_>,
    user: &User,
) -> Result<Option<Vec<String>>, Error> {
    write_tx(conn, |c| {
        if !store::factors_of(c, user.id)?.any() {
            return Ok(None);
        }
        let codes = make_recovery_codes(c, env, user, models::now())?;
        notify(c, env, user, "mail-security-recovery-renewed", "")?;
        Ok(Some(codes))
    })
}

// ---- Giving the factor: a typed code ----

fn unix(at: NaiveDateTime) -> u64 {
    u64::try_from(at.and_utc().timestamp()).unwrap_or(0)
}

/// Checks a typed code (the app's, or a recovery code) in the caller's transaction: counts a
/// wrong one against the account, uses up a right one.
fn check_code(
    c: &mut DbConn,
    env: &Env<'_>,
    user: &User,
    typed: &str,
    now: NaiveDateTime,
) -> Result<Verdict<()>, Error> {
    let subjects = subjects_for(user.id, env.address.as_deref());
    if let Some(wait) = throttle::wait(c, env.throttle, &subjects, now)? {
        return Ok(Verdict::Wait(wait));
    }
    let verdict = match Typed::parse(typed) {
        Some(Typed::Totp(code)) => match store::totp_of(c, user.id)?.filter(|t| t.confirmed_at.is_some()) {
            Some(row) => {
                let totp = totp_for(env, user, &row.sealed_secret)?;
                let last = u64::try_from(row.last_step).unwrap_or(0);
                match totp.step_of(&code, unix(now), last) {
                    Some(step) if store::use_totp_step(c, user.id, step as i64)? => {
                        Verdict::Accepted((), Method::Totp)
                    }
                    Some(_) => Verdict::Replayed,
                    // The code of a step already used is a replay, not a guess.
                    None if totp.step_of(&code, unix(now), 0).is_some() => Verdict::Replayed,
                    None => Verdict::Wrong,
                }
            }
            None => Verdict::Wrong,
        },
        Some(Typed::Recovery(canonical)) => {
            if store::use_recovery_code(c, user.id, &rules::recovery_hash(&canonical), now)? {
                let left = store::recovery_left(c, user.id)?;
                notify(c, env, user, "mail-security-recovery-used", &left.to_string())?;
                Verdict::Accepted((), Method::Recovery { left })
            } else {
                Verdict::Wrong
            }
        }
        None => Verdict::Wrong,
    };
    match &verdict {
        Verdict::Accepted(..) => throttle::record_success(c, &subjects)?,
        _ => {
            throttle::record_failure(c, env.throttle, &subjects, now)?;
            let reason = if matches!(verdict, Verdict::Replayed) {
                "replayed"
            } else {
                "wrong"
            };
            record(
                c,
                env,
                &Actor::user(user),
                "mfa.failure",
                user.id,
                json!({"reason": reason}),
            )?;
        }
    }
    Ok(verdict)
}

/// The second step of signing in: the code given in the session that awaits it. On success
/// the session is replaced by a signed-in one; returns its cookie value.
pub fn sign_in_with_code(
    conn: &mut DbConn,
    env: &Env<'_>,
    pending: SessionId,
    user: &User,
    language: Option<Lang>,
    typed: &str,
) -> Result<Verdict<String>, Error> {
    let now = models::now();
    write_tx(conn, |c| {
        Ok(match check_code(c, env, user, typed, now)? {
            Verdict::Accepted((), method) => {
                let cookie = signed_in(c, env, user, &method, language, Some(pending), now)?;
                Verdict::Accepted(cookie, method)
            }
            Verdict::Wrong => Verdict::Wrong,
            Verdict::Replayed => Verdict::Replayed,
            Verdict::Wait(w) => Verdict::Wait(w),
        })
    })
}

/// Asking again before a sensitive action: the code given in a signed-in session.
pub fn step_up_with_code(
    conn: &mut DbConn,
    env: &Env<'_>,
    session: SessionId,
    user: &User,
    typed: &str,
) -> Result<Verdict<()>, Error> {
    let now = models::now();
    write_tx(conn, |c| {
        let verdict = check_code(c, env, user, typed, now)?;
        if let Verdict::Accepted((), method) = &verdict {
            stepped_up(c, env, session, user, method, now)?;
        }
        Ok(verdict)
    })
}

fn signed_in(
    c: &mut DbConn,
    env: &Env<'_>,
    user: &User,
    method: &Method,
    language: Option<Lang>,
    replacing: Option<SessionId>,
    now: NaiveDateTime,
) -> Result<String, Error> {
    record(
        c,
        env,
        &Actor::user(user),
        "login.second_factor",
        user.id,
        json!({"method": method.code()}),
    )?;
    Ok(sessions::begin_with_factor(
        c,
        user.id,
        language,
        replacing,
        Some(now),
    )?)
}

fn stepped_up(
    c: &mut DbConn,
    env: &Env<'_>,
    session: SessionId,
    user: &User,
    method: &Method,
    now: NaiveDateTime,
) -> Result<(), Error> {
    models::session::set_factor_at(c, session, now)?;
    record(
        c,
        env,
        &Actor::user(user),
        "mfa.step_up",
        user.id,
        json!({"method": method.code()}),
    )
}

// ---- Passkeys ----

/// What a passkey ceremony is for; kept with its state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Register,
    /// The second step of signing in, or a step-up: one of the account's passkeys.
    Check,
    /// Signing in with a passkey alone: any passkey of this office.
    SignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Check => "check",
            Purpose::SignIn => "sign_in",
        }
    }
}

/// What the browser answered a ceremony with: the ceremony's id and its credential (JSON).
#[derive(Clone, Copy)]
pub struct Answer<'a> {
    pub ceremony: &'a str,
    pub credential: &'a serde_json::Value,
}

/// A ceremony begun: its id (the browser sends it back) and the browser's options.
pub struct Ceremony {
    pub id: String,
    pub options: serde_json::Value,
}

fn keep_ceremony(
    c: &mut DbConn,
    purpose: Purpose,
    user: Option<UserId>,
    options: serde_json::Value,
    state: &str,
) -> Result<Ceremony, Error> {
    let now = models::now();
    store::delete_stale_challenges(c, now - CEREMONY)?;
    let id = crate::auth::token::generate();
    store::insert_challenge(c, &id, purpose.as_str(), user, state, now)?;
    Ok(Ceremony { id, options })
}

/// Takes the ceremony back: only once, only in time, only for its purpose and account.
fn take_ceremony(
    c: &mut DbConn,
    id: &str,
    purpose: Purpose,
    user: Option<UserId>,
) -> Result<Option<String>, Error> {
    let row = store::take_challenge(c, id, models::now() - CEREMONY)?;
    Ok(row
        .filter(|r| r.purpose == purpose.as_str() && r.user_id == user)
        .map(|r| r.state))
}

/// Starts registering a new passkey for the account.
pub fn start_passkey_registration(
    conn: &mut DbConn,
    relying: &Relying,
    user: &User,
) -> Result<Ceremony, Error> {
    write_tx(conn, |c| {
        let existing = store::passkeys_of(c, user.id)?;
        let handle = existing
            .first()
            .and_then(|p| uuid::Uuid::parse_str(&p.user_handle).ok())
            .unwrap_or_else(uuid::Uuid::new_v4);
        let stored: Vec<String> = existing.into_iter().map(|p| p.credential).collect();
        let (options, state) = relying.start_registration(handle, &user.email, &user.name, &stored)?;
        // The account's WebAuthn user id goes with the state, to be kept with the passkey.
        let kept = json!({"handle": handle.to_string(), "state": state}).to_string();
        keep_ceremony(c, Purpose::Register, Some(user.id), options, &kept)
    })
}

pub enum PasskeyAdded {
    Done {
        recovery_codes: Option<Vec<String>>,
    },
    /// The ceremony expired or was used, or the browser's answer does not check out.
    Refused,
}

/// Finishes registering: checks the browser's answer and keeps the passkey under `name`. The
/// session counts as having given its second factor just now.
pub fn finish_passkey_registration(
    conn: &mut DbConn,
    env: &Env<'_>,
    relying: &Relying,
    user: &User,
    session: SessionId,
    name: &str,
    answer: Answer<'_>,
) -> Result<PasskeyAdded, Error> {
    let now = models::now();
    write_tx(conn, |c| {
        let Some(kept) = take_ceremony(c, answer.ceremony, Purpose::Register, Some(user.id))? else {
            return Ok(PasskeyAdded::Refused);
        };
        let kept: serde_json::Value = serde_json::from_str(&kept).map_err(anyhow::Error::from)?;
        let (Some(handle), Some(state)) = (kept["handle"].as_str(), kept["state"].as_str()) else {
            return Err(anyhow::anyhow!("a passkey registration's kept state lacks its parts").into());
        };
        let registered = match relying.finish_registration(state, answer.credential) {
            Ok(r) => r,
            Err(refused) => {
                tracing::warn!(user = user.id.0, reason = %refused.0, "passkey registration refused");
                return Ok(PasskeyAdded::Refused);
            }
        };
        if store::passkey_by_credential(c, &registered.credential_id)?.is_some() {
            return Ok(PasskeyAdded::Refused);
        }
        store::insert_passkey(
            c,
            NewPasskey {
                user: user.id,
                name,
                credential_id: &registered.credential_id,
                user_handle: handle,
                credential: &registered.credential,
            },
            now,
        )?;
        models::session::set_factor_at(c, session, now)?;
        record(
            c,
            env,
            &Actor::user(user),
            "mfa.passkey_added",
            user.id,
            json!({"name": name}),
        )?;
        notify(c, env, user, "mail-security-passkey-added", name)?;
        let recovery_codes = first_recovery_codes(c, env, user, now)?;
        Ok(PasskeyAdded::Done { recovery_codes })
    })
}

pub fn rename_passkey(
    conn: &mut DbConn,
    env: &Env<'_>,
    user: &User,
    id: PasskeyId,
    name: &str,
) -> Result<bool, Error> {
    write_tx(conn, |c| {
        let renamed = store::rename_passkey(c, user.id, id, name)?;
        if renamed {
            record(
                c,
                env,
                &Actor::user(user),
                "mfa.passkey_renamed",
                user.id,
                json!({"passkey": id, "name": name}),
            )?;
        }
        Ok(renamed)
    })
}

pub fn remove_passkey(conn: &mut DbConn, env: &Env<'_>, user: &User, id: PasskeyId) -> Result<bool, Error> {
    write_tx(conn, |c| {
        let Some(row) = store::delete_passkey(c, user.id, id)? else {
            return Ok(false);
        };
        record(
            c,
            env,
            &Actor::user(user),
            "mfa.passkey_removed",
            user.id,
            json!({"passkey": id, "name": row.name}),
        )?;
        notify(c, env, user, "mail-security-passkey-removed", &row.name)?;
        Ok(true)
    })
}

/// Starts asking for one of the account's passkeys; none when it has none.
pub fn start_passkey_check(
    conn: &mut DbConn,
    relying: &Relying,
    user: UserId,
) -> Result<Option<Ceremony>, Error> {
    write_tx(conn, |c| {
        let stored: Vec<String> = store::passkeys_of(c, user)?
            .into_iter()
            .map(|p| p.credential)
            .collect();
        if stored.is_empty() {
            return Ok(None);
        }
        let (options, state) = relying.start_authentication(&stored)?;
        keep_ceremony(c, Purpose::Check, Some(user), options, &state).map(Some)
    })
}

/// Checks a passkey's answer against the account's passkeys, in the caller's transaction.
fn check_passkey(
    c: &mut DbConn,
    env: &Env<'_>,
    relying: &Relying,
    user: &User,
    answer: Answer<'_>,
    now: NaiveDateTime,
) -> Result<Verdict<()>, Error> {
    let subjects = subjects_for(user.id, env.address.as_deref());
    if let Some(wait) = throttle::wait(c, env.throttle, &subjects, now)? {
        return Ok(Verdict::Wait(wait));
    }
    let passkeys = store::passkeys_of(c, user.id)?;
    let stored: Vec<String> = passkeys.iter().map(|p| p.credential.clone()).collect();
    let checked = take_ceremony(c, answer.ceremony, Purpose::Check, Some(user.id))?
        .ok_or_else(|| "the ceremony expired or was used".to_owned())
        .and_then(|state| {
            relying
                .finish_authentication(&state, answer.credential, &stored)
                .map_err(|r| r.0)
        });
    match checked {
        Ok(asserted) => {
            let Some(row) = passkeys
                .iter()
                .find(|p| p.credential_id == asserted.credential_id)
            else {
                return Ok(Verdict::Wrong);
            };
            store::touch_passkey(c, row.id, asserted.updated.as_deref(), now)?;
            throttle::record_success(c, &subjects)?;
            Ok(Verdict::Accepted(
                (),
                Method::Passkey {
                    name: row.name.clone(),
                },
            ))
        }
        Err(reason) => {
            tracing::warn!(user = user.id.0, %reason, "passkey refused");
            throttle::record_failure(c, env.throttle, &subjects, now)?;
            record(
                c,
                env,
                &Actor::user(user),
                "mfa.failure",
                user.id,
                json!({"reason": "passkey"}),
            )?;
            Ok(Verdict::Wrong)
        }
    }
}

/// The second step of signing in, with a passkey.
pub fn sign_in_with_passkey(
    conn: &mut DbConn,
    env: &Env<'_>,
    relying: &Relying,
    pending: SessionId,
    user: &User,
    language: Option<Lang>,
    answer: Answer<'_>,
) -> Result<Verdict<String>, Error> {
    let now = models::now();
    write_tx(conn, |c| {
        Ok(match check_passkey(c, env, relying, user, answer, now)? {
            Verdict::Accepted((), method) => {
                let cookie = signed_in(c, env, user, &method, language, Some(pending), now)?;
                Verdict::Accepted(cookie, method)
            }
            Verdict::Wrong | Verdict::Replayed => Verdict::Wrong,
            Verdict::Wait(w) => Verdict::Wait(w),
        })
    })
}

/// A step-up with a passkey.
pub fn step_up_with_passkey(
    conn: &mut DbConn,
    env: &Env<'_>,
    relying: &Relying,
    session: SessionId,
    user: &User,
    answer: Answer<'_>,
) -> Result<Verdict<()>, Error> {
    let now = models::now();
    write_tx(conn, |c| {
        let verdict = check_passkey(c, env, relying, user, answer, now)?;
        if let Verdict::Accepted((), method) = &verdict {
            stepped_up(c, env, session, user, method, now)?;
        }
        Ok(verdict)
    })
}

/// Passkey sign-ins one address may begin in `SIGN_INS_WINDOW`: each keeps a row until it is
/// used or stale, and anyone may ask.
const SIGN_INS_PER_ADDRESS: u32 = 60;
const SIGN_INS_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Starts signing in with a passkey alone; none when the address asked too often.
pub fn start_passkey_sign_in(
    conn: &mut DbConn,
    relying: &Relying,
    address: &str,
) -> Result<Option<Ceremony>, Error> {
    write_tx(conn, |c| {
        let now = models::now();
        let allowed = throttle::allow_request(
            c,
            Scope::Passkey,
            address,
            SIGN_INS_PER_ADDRESS,
            SIGN_INS_WINDOW,
            now,
        )?;
        if !allowed {
            return Ok(None);
        }
        let (options, state) = relying.start_discoverable()?;
        keep_ceremony(c, Purpose::SignIn, None, options, &state).map(Some)
    })
}

pub enum PasskeySignIn {
    SignedIn { user: UserId, cookie: String },
    Refused,
}

/// Signs in with a passkey alone: the passkey names its account, and proves both factors
/// (something held, unlocked by something known or a fingerprint: user verification is
/// required).
pub fn finish_passkey_sign_in(
    conn: &mut DbConn,
    env: &Env<'_>,
    relying: &Relying,
    answer: Answer<'_>,
    language: Option<Lang>,
    replacing: Option<SessionId>,
) -> Result<PasskeySignIn, Error> {
    let now = models::now();
    write_tx(conn, |c| {
        let state = take_ceremony(c, answer.ceremony, Purpose::SignIn, None)?;
        let found = match Relying::credential_of(answer.credential) {
            Some(id) => store::passkey_by_credential(c, &id)?,
            None => None,
        };
        let (Some(state), Some(row)) = (state, found) else {
            return Ok(PasskeySignIn::Refused);
        };
        let account = user::find(c, row.user_id)?.filter(|u| u.active);
        let checked = relying.finish_discoverable(&state, answer.credential, &row.credential);
        let (Some(account), Ok(asserted)) = (account, checked) else {
            tracing::warn!(user = row.user_id.0, "passkey sign-in refused");
            record(
                c,
                env,
                &Actor::anonymous(),
                "login.failure",
                row.user_id,
                json!({"method": "passkey"}),
            )?;
            return Ok(PasskeySignIn::Refused);
        };
        store::touch_passkey(c, row.id, asserted.updated.as_deref(), now)?;
        record(
            c,
            env,
            &Actor::user(&account),
            "login.passkey",
            account.id,
            json!({"passkey": row.id, "name": row.name}),
        )?;
        let cookie = sessions::begin_with_factor(c, account.id, language, replacing, Some(now))?;
        Ok(PasskeySignIn::SignedIn {
            user: account.id,
            cookie,
        })
    })
}

// ---- An administrator's reset ----

/// Removes every second factor and recovery code of `target` and ends its sessions; the next
/// sign-in leads its owner to set one up again (if the policy asks for one). Audited, and the
/// owner is mailed. `None` when the account does not exist, `Some(false)` when it had nothing
/// to remove (nothing is done).
pub fn reset(conn: &mut DbConn, env: &Env<'_>, by: &Actor, target: UserId) -> Result<Option<bool>, Error> {
    write_tx(conn, |c| {
        let Some(owner) = user::find(c, target)? else {
            return Ok(None);
        };
        let had = store::factors_of(c, target)?;
        if !had.any() && had.recovery_left == 0 {
            return Ok(Some(false));
        }
        let totp = store::delete_totp(c, target)?;
        let passkeys = store::delete_passkeys(c, target)?;
        let codes = store::delete_recovery_codes(c, target)?;
        models::session::delete_for_user(c, target, None)?;
        record(
            c,
            env,
            by,
            "mfa.reset",
            target,
            json!({"totp": totp > 0, "passkeys": passkeys, "recovery_codes": codes}),
        )?;
        notify(c, env, &owner, "mail-security-reset", "")?;
        Ok(Some(true))
    })
}
