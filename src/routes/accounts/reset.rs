//! Password reset (SECURITY §1.8): the same answer whether or not the account exists; a
//! 256-bit single-use token, stored hashed, valid for 30 minutes; the token leaves the address
//! bar on the form's page; success ends every session and sends a notice.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::throttle::{self, Subjects};
use crate::auth::token;
use crate::db::{DbConn, write_tx};
use crate::domain::NewPassword;
use crate::mail::{self, Notice, Recipient};
use crate::models::email_token::{self, Purpose};
use crate::models::user::{self, User, UserId};
use crate::models::{self};
use crate::web::AppState;
use crate::web::address::{client_address, client_ip};
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session;

pub const LINK_MINUTES: u32 = 30;
/// One request per account per minute; more are answered the same and do nothing.
const REQUEST_AFTER_SECS: i64 = 60;
/// Requests one address may make per window.
const ADDRESS_MAX: u32 = 10;
const ADDRESS_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Template)]
#[template(path = "accounts/reset_request.html")]
struct RequestPage<'a> {
    ctx: &'a PageCtx,
    email: &'a str,
    sent: bool,
}

#[derive(Template)]
#[template(path = "accounts/reset_confirm.html")]
struct ConfirmPage<'a> {
    ctx: &'a PageCtx,
    token: &'a str,
    valid: bool,
    errors: FieldErrors,
}

pub async fn request_form(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    page::ok(&RequestPage {
        ctx: &ctx,
        email: "",
        sent: false,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    email: String,
}

/// Issues and mails a link if the account exists and is active; answers the same either way.
pub async fn request(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let email = form.email.trim().to_lowercase();
    let ip = client_ip(&req, state.settings.trusted_proxy);
    let subjects = Subjects::new(&email, ip);
    let address = ip.map(|a| a.to_string());
    let app = state.clone();
    let queued = state
        .db(move |c| {
            write_tx(c, |c| {
                let now = models::now();
                if !throttle::allow_request(
                    c,
                    throttle::Scope::Reset,
                    &subjects.address,
                    ADDRESS_MAX,
                    ADDRESS_WINDOW,
                    now,
                )? {
                    tracing::warn!(
                        event = "password.reset.throttled",
                        "reset requests from one address refused"
                    );
                    return Ok(false);
                }
                let Some(row) = user::find_row_by_email(c, &email)?.filter(|r| r.active) else {
                    return Ok(false);
                };
                let owner = row.to_user();
                let last = email_token::last_issued(c, owner.id, Purpose::Reset)?;
                if last.is_some_and(|at| now - at < TimeDelta::seconds(REQUEST_AFTER_SECS)) {
                    return Ok(false);
                }
                send_link(c, &app, &owner)?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::anonymous(),
                        action: "password.reset_requested",
                        object: Some(("user", owner.id.0.to_string())),
                        details: json!({}),
                        address,
                    },
                )?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if queued {
        state.mail_queued();
    }
    page::ok(&RequestPage {
        ctx: &ctx,
        email: form.email.trim(),
        sent: true,
    })
}

fn send_link(c: &mut DbConn, state: &AppState, owner: &User) -> Result<(), AppError> {
    let raw = token::generate();
    let expires = models::now() + TimeDelta::minutes(i64::from(LINK_MINUTES));
    let id = email_token::issue(c, owner.id, Purpose::Reset, &token::hash(&raw), expires)?;
    let link = state.link("/password-reset/confirm", &raw);
    let to = Recipient {
        email: &owner.email,
        name: &owner.name,
        lang: owner.language.unwrap_or_default(),
    };
    let notice = Notice::PasswordReset {
        link: &link,
        minutes: LINK_MINUTES,
    };
    mail::queue(c, &state.public_url, &format!("email-token:{id}"), &to, &notice)?;
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

pub async fn confirm_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let raw = query.into_inner().token;
    let hash = token::hash(&raw);
    let valid = state
        .db(move |c| Ok(email_token::find_valid(c, Purpose::Reset, &hash, models::now())?.is_some()))
        .await?;
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let page = ConfirmPage {
        ctx: &ctx,
        token: &raw,
        valid,
        errors: FieldErrors::default(),
    };
    page::render(status, &page).map(page::origin_only_referrer)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    token: String,
    password: String,
}

/// Ends every session of the account, retires every other link, and tells the owner.
pub fn password_changed(c: &mut DbConn, state: &AppState, owner: &User, event: &str) -> Result<(), AppError> {
    let now = models::now();
    email_token::retire(c, owner.id, Purpose::Reset, now)?;
    models::session::delete_for_user(c, owner.id, None)?;
    let to = Recipient {
        email: &owner.email,
        name: &owner.name,
        lang: owner.language.unwrap_or_default(),
    };
    mail::queue(c, &state.public_url, event, &to, &Notice::PasswordChanged)?;
    Ok(())
}

pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    mut ctx: PageCtx,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    ctx.here = format!(
        "/password-reset/confirm?token={}",
        form_urlencoded::byte_serialize(form.token.as_bytes()).collect::<String>()
    );
    let hash = token::hash(&form.token);
    let owner = {
        let hash = hash.clone();
        state
            .db(move |c| {
                let Some(row) = email_token::find_valid(c, Purpose::Reset, &hash, models::now())? else {
                    return Ok(None);
                };
                Ok(Some((row.id, user::find_row(c, UserId(row.user_id))?.to_user())))
            })
            .await?
    };
    let invalid = |errors| {
        let page = ConfirmPage {
            ctx: &ctx,
            token: &form.token,
            valid: false,
            errors,
        };
        page::render(StatusCode::NOT_FOUND, &page).map(page::origin_only_referrer)
    };
    let Some((token_id, owner)) = owner else {
        return invalid(FieldErrors::default());
    };
    let password = match NewPassword::parse(&form.password, &[&owner.name, &owner.email]) {
        Ok(p) => p,
        Err(e) => {
            let errors = FieldErrors::one("password", e.message_key());
            let page = ConfirmPage {
                ctx: &ctx,
                token: &form.token,
                valid: true,
                errors,
            };
            return page::invalid(&page).map(page::origin_only_referrer);
        }
    };
    let new_hash = state.hasher.hash(password.expose().to_owned()).await?;
    let address = client_address(&req, state.settings.trusted_proxy);
    let subjects = Subjects::new(&owner.email, client_ip(&req, state.settings.trusted_proxy));
    let owner_id = owner.id;
    let app = state.clone();
    let done = state
        .db(move |c| {
            write_tx(c, |c| {
                if !email_token::consume(c, token_id, models::now())? {
                    return Ok(false);
                }
                user::set_password_hash(c, owner.id, &new_hash)?;
                // The link proves the owner: what strangers' failures built up is forgotten.
                throttle::record_success(c, &subjects)?;
                password_changed(c, &app, &owner, &format!("password-reset:{token_id}"))?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&owner),
                        action: "password.reset_completed",
                        object: Some(("user", owner.id.0.to_string())),
                        details: json!({}),
                        address,
                    },
                )?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if !done {
        return invalid(FieldErrors::default());
    }
    state.mail_queued();
    tracing::info!(
        event = "password.reset_completed",
        "password reset; every session ended"
    );
    flash::set(&req, Flash::PasswordReset);
    // A reset link always restores access: this browser is now known for the account, so
    // neither the account's cap nor its address's failures stand between the owner and it.
    let cookie_name = session::device_cookie_name(state.secure_cookies());
    let known = state.device_key.cookie_with(
        req.cookie(cookie_name).as_ref().map(|c| c.value()),
        owner_id,
        models::now(),
    );
    let mut res = page::see_other("/login");
    let _ = res.add_cookie(&session::device_cookie(state.secure_cookies(), known));
    Ok(res)
}
