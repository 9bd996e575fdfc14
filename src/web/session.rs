//! Sessions: what the gate loads for each request, and how handlers start and end them. A
//! signed-in session is a database row; a visitor who has not signed in has only a signed
//! cookie (`visitor`), so anonymous traffic writes nothing.

use std::time::Duration;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::auth::token;
use crate::auth::visitor::{Visitor, VisitorKey};
use crate::db::DbConn;
use crate::domain::{Lang, Role};
use crate::models;
use crate::models::id::SessionId;
use crate::models::user::User;
use crate::web::error::AppError;
use crate::web::flash::Flash;

/// Plain name for http (local use); the `__Host-` prefix, which demands Secure, for https.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-ipdesk_session"
    } else {
        "ipdesk_session"
    }
}

pub fn session_cookie(secure: bool, value: String) -> Cookie<'static> {
    private_cookie(cookie_name(secure), secure, value).finish()
}

/// The device cookie (`crate::auth::device`): a browser in which an account signed in before.
pub fn device_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-ipdesk_device"
    } else {
        "ipdesk_device"
    }
}

pub fn device_cookie(secure: bool, value: String) -> Cookie<'static> {
    private_cookie(device_cookie_name(secure), secure, value)
        .max_age(actix_web::cookie::time::Duration::days(
            crate::auth::device::LIFETIME_DAYS,
        ))
        .finish()
}

/// A cookie only this site's pages send and no script reads.
fn private_cookie(
    name: &'static str,
    secure: bool,
    value: String,
) -> actix_web::cookie::CookieBuilder<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
}

/// Where a session's state lives.
#[derive(Clone)]
pub enum Holder {
    /// A signed-in session's row.
    Stored(SessionId),
    /// A visitor's signed cookie.
    Visitor(Visitor),
}

/// A session as the current request sees it.
#[derive(Clone)]
pub struct SessionState {
    pub holder: Holder,
    pub csrf_token: String,
    pub language: Option<Lang>,
    pub user: Option<User>,
    /// When a signed-in session ends unless another request comes; none for a visitor.
    pub ends: Option<SessionEnds>,
    /// The account whose password was right and whose second factor is still to come (such a
    /// session is not signed in: `user` is none).
    pub awaiting: Option<User>,
    /// When the second factor was last given in this session.
    pub factor_at: Option<NaiveDateTime>,
    /// The policy holds the account to a second factor it has not set up: it may only set one
    /// up (and sign out) until it does.
    pub held: bool,
}

/// When a signed-in session ends: its idle limit, counted from the last request recorded,
/// and its absolute limit, counted from signing in, whichever comes first.
#[derive(Clone, Copy, Debug)]
pub struct SessionEnds {
    pub idle: NaiveDateTime,
    pub absolute: NaiveDateTime,
}

impl SessionEnds {
    pub fn first(self) -> NaiveDateTime {
        self.idle.min(self.absolute)
    }

    /// The whole seconds left at `now` (none once it has ended).
    pub fn seconds_left(self, now: NaiveDateTime) -> i64 {
        (self.first() - now).num_seconds().max(0)
    }

    /// The seconds left before the absolute limit, which no request extends.
    pub fn seconds_to_limit(self, now: NaiveDateTime) -> i64 {
        (self.absolute - now).num_seconds().max(0)
    }
}

/// `at` plus `d`, or the end of time for a limit too large to count.
pub fn after(at: NaiveDateTime, d: Duration) -> NaiveDateTime {
    chrono::TimeDelta::from_std(d)
        .ok()
        .and_then(|d| at.checked_add_signed(d))
        .unwrap_or(NaiveDateTime::MAX)
}

/// What the gate learned about the request, for handlers and pages.
#[derive(Clone)]
pub struct RequestCtx {
    pub request_id: String,
    pub lang: Lang,
    pub session: Option<SessionState>,
    pub flash: Option<Flash>,
    /// Failed notices, counted for administrators only (shown on their navigation).
    pub failed_notices: i64,
}

impl RequestCtx {
    pub fn of(req: &HttpRequest) -> Option<RequestCtx> {
        req.extensions().get::<RequestCtx>().cloned()
    }

    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().and_then(|s| s.user.as_ref())
    }

    /// The signed-in session's row, which signing in again replaces.
    pub fn session_id(&self) -> Option<SessionId> {
        match self.session.as_ref()?.holder {
            Holder::Stored(id) => Some(id),
            Holder::Visitor(_) => None,
        }
    }
}

/// A cookie change a handler asks the gate to make on the way out.
#[derive(Clone)]
pub enum CookieChange {
    Set(String),
    Clear,
}

pub fn set_cookie(req: &HttpRequest, token: String) {
    req.extensions_mut().insert(CookieChange::Set(token));
}

pub fn clear_cookie(req: &HttpRequest) {
    req.extensions_mut().insert(CookieChange::Clear);
}

#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Timeouts {
    /// Recording every request would write on every page view; a fraction of the idle
    /// time is precise enough.
    fn touch_interval(self) -> Duration {
        (self.idle / 4).min(Duration::from_secs(60))
    }
}

fn older_than(at: NaiveDateTime, now: NaiveDateTime, limit: Duration) -> bool {
    (now - at).to_std().is_ok_and(|age| age > limit)
}

/// The state of a visitor who has not signed in, from their signed cookie.
pub fn visitor(key: &VisitorKey, v: Visitor) -> SessionState {
    SessionState {
        csrf_token: key.csrf_token(&v),
        language: v.language,
        user: None,
        holder: Holder::Visitor(v),
        ends: None,
        awaiting: None,
        factor_at: None,
        held: false,
    }
}

/// How long someone has to give their second factor after the password.
const AWAITING_LIMIT: Duration = Duration::from_secs(10 * 60);

/// Loads the signed-in session for a cookie value, ending it if it has timed out or its
/// account is gone or deactivated. (A row without an account is from before visitors kept
/// their state in a cookie, and is ended too.) An account whose role is in `mfa_roles` and
/// that has no second factor is held at setting one up.
pub fn load(
    conn: &mut DbConn,
    cookie: &str,
    now: NaiveDateTime,
    t: Timeouts,
    mfa_roles: &[Role],
) -> QueryResult<Option<SessionState>> {
    let Some((row, user_row)) = models::session::find_with_user(conn, &token::hash(cookie))? else {
        return Ok(None);
    };
    let id = row.id;
    let expired = older_than(row.last_seen_at, now, t.idle)
        || older_than(row.created_at, now, t.absolute)
        || (row.awaiting_factor && older_than(row.created_at, now, AWAITING_LIMIT))
        || !user_row.as_ref().is_some_and(|u| u.active);
    if expired {
        models::session::delete(conn, id)?;
        return Ok(None);
    }
    let last_seen = if older_than(row.last_seen_at, now, t.touch_interval()) {
        models::session::touch(conn, id, now)?;
        now
    } else {
        row.last_seen_at
    };
    let account = user_row.map(|u| u.to_user());
    let held = match &account {
        Some(u) if !row.awaiting_factor && mfa_roles.contains(&u.role) => {
            !models::second_factor::has_factor(conn, u.id)?
        }
        _ => false,
    };
    let (user, awaiting) = match row.awaiting_factor {
        true => (None, account),
        false => (account, None),
    };
    Ok(Some(SessionState {
        holder: Holder::Stored(id),
        csrf_token: row.csrf_token,
        language: row.language.as_deref().and_then(Lang::parse),
        user,
        ends: Some(SessionEnds {
            idle: after(last_seen, t.idle),
            absolute: after(row.created_at, t.absolute),
        }),
        awaiting,
        factor_at: row.factor_at,
        held,
    }))
}

/// The signed-in account; without one the request is sent to sign in.
pub struct CurrentUser {
    pub user: User,
    pub session: SessionId,
    pub ends: SessionEnds,
    /// When the second factor was last given in this session.
    pub factor_at: Option<NaiveDateTime>,
}

/// Whether a second factor given at `at` still covers a sensitive action at `now`.
pub fn fresh_factor(at: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    at.is_some_and(|at| !older_than(at, now, crate::auth::second_factor::STEP_UP_WINDOW))
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = RequestCtx::of(req).and_then(|ctx| {
            let session = ctx.session_id()?;
            let state = ctx.session?;
            Some(CurrentUser {
                user: state.user?,
                session,
                ends: state.ends?,
                factor_at: state.factor_at,
            })
        });
        std::future::ready(found.ok_or(AppError::SignInRequired))
    }
}
