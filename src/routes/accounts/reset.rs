//! Password reset (SECURITY §1.8): the same answer whether or not the account exists; a
//! 256-bit single-use token, stored hashed, valid for 30 minutes; the token leaves the address
//! bar on the form's page; success ends every session and sends a notice.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::throttle::Subjects;
use crate::auth::token;
use crate::domain::NewPassword;
use crate::models::email_token::{self, Purpose};
use crate::models::{self};
use crate::services::passwords::{self, Reset, ResetRequested};
use crate::web::AppState;
use crate::web::address::{client_address, client_ip};
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session;

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
    let public_url = state.public_url.clone();
    let requested = state
        .db(move |c| passwords::request_reset(c, &public_url, &email, &subjects, address).map_err(Into::into))
        .await?;
    match requested {
        ResetRequested::Queued => state.mail_queued(),
        ResetRequested::Throttled => tracing::warn!(
            event = "password.reset.throttled",
            "reset requests from one address refused"
        ),
        ResetRequested::NotSent => {}
    }
    page::ok(&RequestPage {
        ctx: &ctx,
        email: form.email.trim(),
        sent: true,
    })
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
    let owner = state
        .db(move |c| passwords::reset_link(c, &hash).map_err(Into::into))
        .await?;
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
    let public_url = state.public_url.clone();
    let reset = state
        .db(move |c| {
            passwords::complete_reset(c, &public_url, token_id, &owner, &new_hash, &subjects, address)
                .map_err(Into::into)
        })
        .await?;
    if reset == Reset::LinkUsed {
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
