//! Giving the second factor: the sign-in's second step (after the password), a passkey alone
//! in place of both, the options a passkey ceremony starts with, and the step-up before a
//! sensitive action.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::models::user::User;
use crate::services::second_factor::{self as factor, Answer, Method, PasskeySignIn, Verdict};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx, local_path};
use crate::web::session::{self, CurrentUser, RequestCtx};
use crate::web::step_up::{self, FactorPage, Posted, Step};

/// The account whose password was right in this session and whose second factor is to come.
pub fn awaiting(req: &HttpRequest) -> Option<User> {
    RequestCtx::of(req)?.session?.awaiting
}

/// The second step's address, going on to `next`.
pub fn second_step(next: &str) -> String {
    format!(
        "/login/second-factor?next={}",
        form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

async fn has_passkeys(state: &AppState, user: crate::models::id::UserId) -> Result<bool, AppError> {
    if state.passkeys.is_none() {
        return Ok(false);
    }
    let factors = state
        .db(move |c| Ok(crate::models::second_factor::factors_of(c, user)?))
        .await?;
    Ok(factors.passkeys > 0)
}

fn second_step_page(
    ctx: &PageCtx,
    status: StatusCode,
    next: &str,
    passkeys: bool,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    page::render(
        status,
        &FactorPage {
            ctx,
            action: "/login/second-factor",
            step_up: false,
            next,
            carried: &[],
            replay: false,
            passkeys,
            error,
        },
    )
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = local_path(&query.next);
    if ctx.user.is_some() {
        return Ok(page::see_other(next));
    }
    let Some(user) = awaiting(&req) else {
        return Ok(page::see_other("/login"));
    };
    let passkeys = has_passkeys(&state, user.id).await?;
    second_step_page(&ctx, StatusCode::OK, next, passkeys, None)
}

/// What a refused code or passkey says.
fn refusal<T>(ctx: &PageCtx, verdict: &Verdict<T>) -> (StatusCode, String) {
    match verdict {
        Verdict::Wait(wait) => (StatusCode::TOO_MANY_REQUESTS, super::wait_message(ctx, *wait)),
        Verdict::Replayed => (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-factor-replayed")),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-factor-wrong")),
    }
}

/// Where someone goes once signed in: a recovery code's user to their security page, which
/// says how many codes are left.
fn after_sign_in(req: &HttpRequest, method: &Method, next: &str) -> HttpResponse {
    match method {
        Method::Recovery { .. } => {
            flash::set(req, Flash::RecoveryCodeUsed);
            page::see_other("/account/security")
        }
        _ => {
            flash::set(req, Flash::SignedIn);
            page::see_other(next)
        }
    }
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let posted = Posted::split(pairs);
    let next = local_path(&posted.next).to_owned();
    if ctx.user.is_some() {
        return Ok(page::see_other(&next));
    }
    let Some(user) = awaiting(&req) else {
        return Ok(page::see_other("/login"));
    };
    let Some(pending) = RequestCtx::of(&req).and_then(|r| r.session_id()) else {
        return Ok(page::see_other("/login"));
    };
    let language = RequestCtx::of(&req)
        .and_then(|r| r.session)
        .and_then(|s| s.language);
    let passkeys = has_passkeys(&state, user.id).await?;
    if posted.passkey().is_none() && posted.code.trim().is_empty() {
        let error = Some(ctx.t("err-factor-missing"));
        return second_step_page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &next, passkeys, error);
    }
    let (relying, who) = (state.passkeys.clone(), user.clone());
    let verdict = super::second_factor(&state, &req, move |c, env| match (posted.passkey(), relying) {
        (Some((ceremony, answer)), Some(relying)) => {
            let answer = Answer {
                ceremony,
                credential: &answer,
            };
            factor::sign_in_with_passkey(c, env, &relying, pending, &who, language, answer)
        }
        (Some(_), None) => Ok(Verdict::Wrong),
        (None, _) => factor::sign_in_with_code(c, env, pending, &who, language, &posted.code),
    })
    .await?;
    match verdict {
        Verdict::Accepted(cookie, method) => {
            tracing::info!(event = "login.success", user = user.id.0, method = ?method, "signed in with the second factor");
            session::set_cookie(&req, cookie);
            Ok(after_sign_in(&req, &method, &next))
        }
        refused => {
            tracing::warn!(
                event = "login.second_factor_refused",
                user = user.id.0,
                "second factor refused"
            );
            let (status, error) = refusal(&ctx, &refused);
            second_step_page(&ctx, status, &next, passkeys, Some(error))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OptionsForm {
    purpose: String,
}

/// A passkey ceremony's options, as JSON, for the page's script: `check` asks for one of the
/// account's passkeys (the sign-in's second step, a step-up), `sign-in` for any passkey of this
/// office (signing in with it alone).
pub async fn options(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<OptionsForm>,
) -> Result<HttpResponse, AppError> {
    let Some(relying) = state.passkeys.clone() else {
        return Err(AppError::NotFound);
    };
    let ctx = RequestCtx::of(&req);
    let account = ctx
        .as_ref()
        .and_then(|c| c.user().map(|u| u.id))
        .or_else(|| awaiting(&req).map(|u| u.id));
    let ceremony = match (form.purpose.as_str(), account) {
        ("check", Some(user)) => {
            state
                .db(move |c| Ok(factor::start_passkey_check(c, &relying, user)?))
                .await?
        }
        ("sign-in", _) => {
            let address =
                client_address(&req, state.settings.trusted_proxy).unwrap_or_else(|| "unknown".into());
            let started = state
                .db(move |c| Ok(factor::start_passkey_sign_in(c, &relying, &address)?))
                .await?;
            if started.is_none() {
                tracing::warn!(
                    event = "passkey.throttled",
                    "passkey sign-ins refused: too many from one address"
                );
                return Ok(HttpResponse::TooManyRequests().finish());
            }
            started
        }
        _ => None,
    };
    let Some(ceremony) = ceremony else {
        return Err(AppError::NotFound);
    };
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .json(serde_json::json!({"id": ceremony.id, "options": ceremony.options})))
}

/// Signing in with a passkey alone, from the sign-in page.
pub async fn passkey_sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let posted = Posted::split(pairs);
    let next = local_path(&posted.next).to_owned();
    let request = RequestCtx::of(&req);
    let replacing = request.as_ref().and_then(RequestCtx::session_id);
    let language = request.and_then(|r| r.session).and_then(|s| s.language);
    let outcome = match (posted.passkey(), state.passkeys.clone()) {
        (Some((ceremony, answer)), Some(relying)) => {
            let ceremony = ceremony.to_owned();
            super::second_factor(&state, &req, move |c, env| {
                let answer = Answer {
                    ceremony: &ceremony,
                    credential: &answer,
                };
                factor::finish_passkey_sign_in(c, env, &relying, answer, language, replacing)
            })
            .await?
        }
        _ => PasskeySignIn::Refused,
    };
    match outcome {
        PasskeySignIn::SignedIn { user, cookie } => {
            tracing::info!(
                event = "login.success",
                user = user.0,
                method = "passkey",
                "signed in with a passkey"
            );
            session::set_cookie(&req, cookie);
            flash::set(&req, Flash::SignedIn);
            Ok(page::see_other(&next))
        }
        PasskeySignIn::Refused => {
            tracing::warn!(
                event = "login.failure",
                method = "passkey",
                "passkey sign-in refused"
            );
            super::login::refused_page(&ctx, &next, ctx.t("err-passkey-sign-in"))
        }
    }
}

/// The step-up page asked for by address (a sensitive page was opened).
pub async fn step_up_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    current: CurrentUser,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let passkeys = has_passkeys(&state, current.user.id).await?;
    let step = Step {
        next: local_path(&query.next),
        carried: None,
        passkeys,
    };
    Ok(step_up::render(&req, StatusCode::OK, &step, None))
}

pub async fn step_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let posted = Posted::split(pairs);
    let passkeys = has_passkeys(&state, current.user.id).await?;
    let (session, user) = (current.session, current.user.clone());
    let verdict = if posted.passkey().is_none() && posted.code.trim().is_empty() {
        None
    } else {
        let (relying, code) = (state.passkeys.clone(), posted.code.clone());
        let passkey = posted.passkey().map(|(c, a)| (c.to_owned(), a));
        Some(
            super::second_factor(&state, &req, move |c, env| match (passkey, relying) {
                (Some((ceremony, answer)), Some(relying)) => {
                    let answer = Answer {
                        ceremony: &ceremony,
                        credential: &answer,
                    };
                    factor::step_up_with_passkey(c, env, &relying, session, &user, answer)
                }
                (Some(_), None) => Ok(Verdict::Wrong),
                (None, _) => factor::step_up_with_code(c, env, session, &user, &code),
            })
            .await?,
        )
    };
    let error = match &verdict {
        Some(Verdict::Accepted((), method)) => {
            tracing::info!(event = "mfa.step_up", user = current.user.id.0, method = ?method, "second factor given again");
            if matches!(method, Method::Recovery { .. }) {
                flash::set(&req, Flash::RecoveryCodeUsed);
            }
            return Ok(step_up::proceed(&posted.next, posted.replay));
        }
        Some(refused) => refusal(&ctx, refused),
        None => (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-factor-missing")),
    };
    tracing::warn!(
        event = "mfa.step_up_refused",
        user = current.user.id.0,
        "step-up refused"
    );
    let step = Step {
        next: local_path(&posted.next),
        carried: posted.replay.then_some(posted.carried.as_slice()),
        passkeys,
    };
    Ok(step_up::render(&req, error.0, &step, Some(error.1)))
}
