use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::password::Verification;
use crate::auth::throttle::Subjects;
use crate::models::{self};
use crate::services::sessions;
use crate::services::sign_in::{self, Gate};
use crate::web::AppState;
use crate::web::address::{client_address, client_ip};
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx, local_path};
use crate::web::session::{self, RequestCtx};

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage<'a> {
    ctx: &'a PageCtx,
    email: &'a str,
    next: &'a str,
    error: Option<String>,
    /// Passkeys may sign in alone (the office's address is a domain name).
    passkeys: bool,
}

/// The sign-in page again, with why the last try was refused.
pub fn refused_page(ctx: &PageCtx, next: &str, error: String) -> Result<HttpResponse, AppError> {
    page::render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &LoginPage {
            ctx,
            email: "",
            next,
            error: Some(error),
            passkeys: true,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(page::see_other(local_path(&query.next)));
    }
    if super::factor::awaiting(&req).is_some() {
        return Ok(page::see_other(&super::factor::second_step(local_path(
            &query.next,
        ))));
    }
    page::ok(&LoginPage {
        ctx: &ctx,
        email: "",
        next: local_path(&query.next),
        error: None,
        passkeys: state.passkeys.is_some(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: String,
}

/// Unknown e-mail, wrong password, deactivated account: one answer, in the same time.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    mut ctx: PageCtx,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    // Switching language on a refused sign-in keeps where it was going.
    ctx.here = format!(
        "/login?next={}",
        form_urlencoded::byte_serialize(local_path(&form.next).as_bytes()).collect::<String>()
    );
    let email = form.email.trim().to_lowercase();
    let subjects = Subjects::new(&email, client_ip(&req, state.settings.trusted_proxy));
    let device_cookie = req
        .cookie(session::device_cookie_name(state.secure_cookies()))
        .map(|c| c.value().to_owned());
    let policy = state.throttle;
    let next = local_path(&form.next);
    let page = |status, error| {
        page::render(
            status,
            &LoginPage {
                ctx: &ctx,
                email: form.email.trim(),
                next,
                error: Some(error),
                passkeys: state.passkeys.is_some(),
            },
        )
    };

    if email.is_empty() || form.password.is_empty() {
        return page(StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-login-missing"));
    }

    let attempt = {
        let (key, cookie) = (state.device_key.clone(), device_cookie.clone());
        state
            .db(move |c| {
                sign_in::look_up(c, &policy, &key, cookie.as_deref(), &email, subjects).map_err(Into::into)
            })
            .await?
    };
    let subjects = attempt.subjects;
    let row = match attempt.gate {
        Gate::Open(row) => row,
        Gate::Wait(wait) => {
            tracing::warn!(event = "login.throttled", address = %subjects.address, "sign-in refused: too many failures");
            return page(StatusCode::TOO_MANY_REQUESTS, super::wait_message(&ctx, wait));
        }
    };

    let row = row.filter(|r| r.active);
    let stored = row.as_ref().and_then(|r| r.password_hash.clone());
    let verdict = state.hasher.verify(form.password.clone(), stored).await?;
    let (row, needs_rehash) = match (row, verdict) {
        (Some(row), Verification::Valid { needs_rehash }) => (row, needs_rehash),
        (row, _) => {
            let user = row.map(|r| r.id);
            tracing::warn!(event = "login.failure", user = user.map(|u| u.0), address = %subjects.address, "sign-in failed");
            state
                .db(move |c| sign_in::fail(c, &policy, &subjects, user).map_err(Into::into))
                .await?;
            return page(StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-login-failed"));
        }
    };

    let rehashed = match needs_rehash {
        true => Some(state.hasher.hash(form.password).await?),
        false => None,
    };
    let user = row.id;
    let request = RequestCtx::of(&req);
    let replacing = request.as_ref().and_then(RequestCtx::session_id);
    let language = request.and_then(|r| r.session).and_then(|s| s.language);
    let begun = state
        .db(move |c| {
            sign_in::succeed(c, &subjects, &row, rehashed.as_deref(), language, replacing).map_err(Into::into)
        })
        .await?;
    session::set_cookie(&req, begun.cookie);
    let mut res = if begun.awaiting_factor {
        tracing::info!(
            event = "login.password",
            user = user.0,
            "password right; second factor next"
        );
        page::see_other(&super::factor::second_step(next))
    } else {
        tracing::info!(event = "login.success", user = user.0, "signed in");
        flash::set(&req, Flash::SignedIn);
        page::see_other(next)
    };
    let known = state
        .device_key
        .cookie_with(device_cookie.as_deref(), user, models::now());
    let _ = res.add_cookie(&session::device_cookie(state.secure_cookies(), known));
    Ok(res)
}

/// Ends the session on the server, so the cookie is worthless even if it was copied: a
/// signed-in one, or one whose second factor was still to come (its "cancel").
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let request = RequestCtx::of(&req);
    let Some(id) = request.as_ref().and_then(RequestCtx::session_id) else {
        return Ok(page::see_other("/"));
    };
    let session = request.and_then(|r| r.session);
    let user = session
        .as_ref()
        .and_then(|s| s.user.clone().or_else(|| s.awaiting.clone()));
    let address = client_address(&req, state.settings.trusted_proxy);
    let who = user.as_ref().map(|u| u.id.0);
    state
        .db(move |c| sessions::sign_out(c, id, user.as_ref(), address).map_err(Into::into))
        .await?;
    tracing::info!(event = "logout", user = who, "signed out");
    session::clear_cookie(&req);
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .insert_header(("Clear-Site-Data", "\"cache\", \"storage\""))
        .finish())
}
