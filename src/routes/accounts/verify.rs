//! Confirming the e-mail address a complainant registered with. Until then they can sign in
//! but not file. The link opens a page whose button confirms: a mail scanner that fetches
//! links changes nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::token;
use crate::db::{DbConn, write_tx};
use crate::mail::{self, Notice, Recipient};
use crate::models::email_token::{self, Purpose};
use crate::models::user::{self, User, UserId};
use crate::models::{self};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

pub const LINK_HOURS: u32 = 48;
/// Resending sooner than this does nothing: the last mail is probably on its way.
const RESEND_AFTER_SECS: i64 = 60;

/// Issues a verification token and queues its mail, in the caller's transaction.
pub fn send_link(c: &mut DbConn, state: &AppState, user: &User) -> Result<(), AppError> {
    let raw = token::generate();
    let expires = models::now() + TimeDelta::hours(i64::from(LINK_HOURS));
    let id = email_token::issue(c, user.id, Purpose::Verify, &token::hash(&raw), expires)?;
    let link = state.link("/verify-email", &raw);
    let to = Recipient {
        email: &user.email,
        name: &user.name,
        lang: user.language.unwrap_or_default(),
    };
    let notice = Notice::VerifyEmail {
        link: &link,
        hours: LINK_HOURS,
    };
    mail::queue(c, &state.public_url, &format!("email-token:{id}"), &to, &notice)?;
    Ok(())
}

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
        .db(move |c| {
            write_tx(c, |c| {
                let now = models::now();
                let Some(row) = email_token::find_valid(c, Purpose::Verify, &hash, now)? else {
                    return Ok(None);
                };
                if !email_token::consume(c, row.id, now)? {
                    return Ok(None);
                }
                let owner = user::find_row(c, UserId(row.user_id))?.to_user();
                user::mark_email_verified(c, owner.id)?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&owner),
                        action: "account.email_verified",
                        object: Some(("user", owner.id.0.to_string())),
                        details: json!({}),
                        address,
                    },
                )?;
                Ok::<_, AppError>(Some(owner.id))
            })
        })
        .await?;
    match verified {
        Some(id) => {
            tracing::info!(
                event = "account.email_verified",
                user = id.0,
                "e-mail address verified"
            );
            flash::set(&req, Flash::EmailVerified);
            Ok(page::see_other("/"))
        }
        None => page::render(
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
    let app = state.clone();
    let sent = state
        .db(move |c| {
            write_tx(c, |c| {
                let last = email_token::last_issued(c, user.id, Purpose::Verify)?;
                if last.is_some_and(|at| models::now() - at < TimeDelta::seconds(RESEND_AFTER_SECS)) {
                    return Ok(false);
                }
                send_link(c, &app, &user)?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&user),
                        action: "account.verification_resent",
                        object: Some(("user", user.id.0.to_string())),
                        details: json!({}),
                        address,
                    },
                )?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if sent {
        state.mail_queued();
    }
    flash::set(
        &req,
        if sent {
            Flash::VerificationSent
        } else {
            Flash::VerificationRecentlySent
        },
    );
    Ok(page::see_other("/"))
}
