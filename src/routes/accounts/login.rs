use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::password::Verification;
use crate::auth::throttle::{self, Subjects};
use crate::db::write_tx;
use crate::models::{self, user::UserId};
use crate::web::AppState;
use crate::web::address::{client_address, client_ip};
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx, local_path};
use crate::web::session::{self, CurrentUser, RequestCtx};

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage<'a> {
    ctx: &'a PageCtx,
    email: &'a str,
    next: &'a str,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

pub async fn form(ctx: PageCtx, query: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(page::see_other(local_path(&query.next)));
    }
    page::ok(&LoginPage {
        ctx: &ctx,
        email: "",
        next: local_path(&query.next),
        error: None,
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
            },
        )
    };

    if email.is_empty() || form.password.is_empty() {
        return page(StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-login-missing"));
    }

    // The account is looked up first: whether this browser is known depends on it.
    let (wait, row, subjects) = {
        let (key, cookie) = (state.device_key.clone(), device_cookie.clone());
        state
            .db(move |c| {
                let now = models::now();
                let row = models::user::find_row_by_email(c, &email)?;
                let known = row
                    .as_ref()
                    .and_then(|r| key.token_for(cookie.as_deref(), UserId(r.id), now));
                let subjects = match known {
                    Some(token) => subjects.with_device(&token),
                    None => subjects,
                };
                let wait = throttle::wait(c, &policy, &subjects, now)?;
                Ok((wait, row.filter(|_| wait.is_none()), subjects))
            })
            .await?
    };
    if let Some(wait) = wait {
        tracing::warn!(event = "login.throttled", address = %subjects.address, "sign-in refused: too many failures");
        return page(StatusCode::TOO_MANY_REQUESTS, super::wait_message(&ctx, wait));
    }

    let row = row.filter(|r| r.active);
    let stored = row.as_ref().and_then(|r| r.password_hash.clone());
    let verdict = state.hasher.verify(form.password.clone(), stored).await?;
    let (row, needs_rehash) = match (row, verdict) {
        (Some(row), Verification::Valid { needs_rehash }) => (row, needs_rehash),
        (row, _) => {
            let user = row.map(|r| r.id);
            tracing::warn!(event = "login.failure", user, address = %subjects.address, "sign-in failed");
            state
                .db(move |c| {
                    write_tx(c, |c| {
                        throttle::record_failure(c, &policy, &subjects, models::now())?;
                        audit::record(
                            c,
                            Event {
                                actor: &Actor::anonymous(),
                                action: "login.failure",
                                object: user.map(|id| ("user", id.to_string())),
                                details: json!({}),
                                address: Some(subjects.address.clone()),
                            },
                        )?;
                        Ok(())
                    })
                })
                .await?;
            return page(StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-login-failed"));
        }
    };

    let rehashed = match needs_rehash {
        true => Some(state.hasher.hash(form.password).await?),
        false => None,
    };
    let user = UserId(row.id);
    let request = RequestCtx::of(&req);
    let replacing = request.as_ref().and_then(RequestCtx::session_id);
    let language = request.and_then(|r| r.session).and_then(|s| s.language);
    let cookie = state
        .db(move |c| {
            write_tx(c, |c| {
                throttle::record_success(c, &subjects)?;
                if let Some(hash) = &rehashed {
                    models::user::set_password_hash(c, user, hash)?;
                }
                audit::record(
                    c,
                    Event {
                        actor: &Actor {
                            id: Some(user.0),
                            label: row.email.clone(),
                        },
                        action: "login.success",
                        object: Some(("user", user.0.to_string())),
                        details: json!({"rehashed": rehashed.is_some()}),
                        address: Some(subjects.address.clone()),
                    },
                )?;
                Ok(session::begin(c, user, language, replacing)?)
            })
        })
        .await?;
    tracing::info!(event = "login.success", user = user.0, "signed in");
    session::set_cookie(&req, cookie);
    flash::set(&req, Flash::SignedIn);
    let mut res = page::see_other(next);
    let known = state
        .device_key
        .cookie_with(device_cookie.as_deref(), user, models::now());
    let _ = res.add_cookie(&session::device_cookie(state.secure_cookies(), known));
    Ok(res)
}

/// Ends the session on the server, so the cookie is worthless even if it was copied.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = current.session;
    let actor = Actor::user(&current.user);
    let address = client_address(&req, state.settings.trusted_proxy);
    state
        .db(move |c| {
            write_tx(c, |c| {
                models::session::delete(c, id)?;
                audit::record(
                    c,
                    Event {
                        actor: &actor,
                        action: "logout",
                        object: actor.id.map(|u| ("user", u.to_string())),
                        details: json!({}),
                        address,
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    tracing::info!(event = "logout", user = current.user.id.0, "signed out");
    session::clear_cookie(&req);
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/"))
        .insert_header(("Clear-Site-Data", "\"cache\", \"storage\""))
        .finish())
}
