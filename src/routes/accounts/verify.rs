//! Confirming the e-mail address a complainant registered with. Until then they can sign in
//! but not file. The link opens a page whose button confirms: a mail scanner that fetches
//! links changes nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::token;
use crate::models::email_token::{self, Purpose};
use crate::models::{self};
use crate::services::registration::{self, Confirmed, Resent};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "accounts/verify.html")]
struct VerifyPage<'a> {
    ctx: &'a PageCtx,
    token: &'a str,
    valid: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    token: String,
}

pub async fn form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let raw = query.into_inner().token;
    let hash = token::hash(&raw);
    let valid = state
        .db(move |c| Ok(email_token::find_valid(c, Purpose::Verify, &hash, models::now())?.is_some()))
        .await?;
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    page::render(
        status,
        &VerifyPage {
            ctx: &ctx,
            token: &raw,
            valid,
        },
    )
}

pub async fn confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let hash = token::hash(&form.token);
    let address = client_address(&req, state.settings.trusted_proxy);
    let verified = state
        .db(move |c| registration::confirm_email(c, &hash, address).map_err(Into::into))
        .await?;
    match verified {
        Confirmed::Done(id) => {
            tracing::info!(
                event = "account.email_verified",
                user = id.0,
                "e-mail address verified"
            );
            flash::set(&req, Flash::EmailVerified);
            Ok(page::see_other("/"))
        }
        Confirmed::InvalidLink => page::render(
            StatusCode::NOT_FOUND,
            &VerifyPage {
                ctx: &ctx,
                token: "",
                valid: false,
            },
        ),
    }
}

/// Sends a fresh link (the older one stops working).
pub async fn resend(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    if user.email_verified {
        return Ok(page::see_other("/"));
    }
    let address = client_address(&req, state.settings.trusted_proxy);
    let public_url = state.public_url.clone();
    let resent = state
        .db(move |c| registration::resend_verification(c, &public_url, &user, address).map_err(Into::into))
        .await?;
    let message = match resent {
        Resent::Sent => {
            state.mail_queued();
            Flash::VerificationSent
        }
        Resent::TooSoon => Flash::VerificationRecentlySent,
    };
    flash::set(&req, message);
    Ok(page::see_other("/"))
}
