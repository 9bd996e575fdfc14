//! The account's sign-in security: its authenticator app, its passkeys and its recovery codes
//! (issue 20). Someone the policy holds to a second factor lands here until they set one up.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use base64::Engine;
use serde::Deserialize;

use crate::auth::second_factor::Totp;
use crate::models::id::PasskeyId;
use crate::models::second_factor::{self as store, Factors, PasskeyRow};
use crate::models::user::User;
use crate::services::second_factor::{self as factor, Answer, Confirmed, PasskeyAdded, TotpStart, Verdict};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::{CurrentUser, RequestCtx};

/// The longest name a passkey may have.
const NAME_MAX: usize = 60;

#[derive(Template)]
#[template(path = "accounts/security.html")]
struct SecurityPage<'a> {
    ctx: &'a PageCtx,
    factors: Factors,
    passkeys: &'a [PasskeyRow],
    /// The policy holds this account to a second factor it has not set up.
    held: bool,
    /// Passkeys can be made here (the office's address is a domain name).
    passkeys_on: bool,
    /// A passkey name refused, with the name typed.
    name_error: Option<String>,
    name: &'a str,
}

#[derive(Template)]
#[template(path = "accounts/totp_setup.html")]
struct TotpSetupPage<'a> {
    ctx: &'a PageCtx,
    /// The QR code as an SVG image's data address.
    qr: String,
    secret: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/recovery_codes.html")]
struct RecoveryCodesPage<'a> {
    ctx: &'a PageCtx,
    codes: &'a [String],
}

fn held(req: &HttpRequest) -> bool {
    RequestCtx::of(req)
        .and_then(|r| r.session)
        .is_some_and(|s| s.held)
}

async fn security_page(
    req: &HttpRequest,
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    status: StatusCode,
    name: &str,
    name_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let id = user.id;
    let (factors, passkeys) = state
        .db(move |c| Ok((store::factors_of(c, id)?, store::passkeys_of(c, id)?)))
        .await?;
    page::render(
        status,
        &SecurityPage {
            ctx,
            factors,
            passkeys: &passkeys,
            held: held(req) && !factors.any(),
            passkeys_on: state.passkeys.is_some(),
            name_error,
            name,
        },
    )
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    security_page(&req, &state, &ctx, &current.user, StatusCode::OK, "", None).await
}

fn qr_image(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

fn totp_page(
    ctx: &PageCtx,
    totp: &Totp,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    page::render(
        status,
        &TotpSetupPage {
            ctx,
            qr: qr_image(&totp.url())?,
            secret: totp.secret_text(),
            error,
        },
    )
}

/// Starts setting up an authenticator app: its QR code and secret, and a field for its code.
pub async fn start_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let user = current.user.clone();
    let started = super::second_factor(&state, &req, move |c, env| factor::start_totp(c, env, &user)).await?;
    match started {
        TotpStart::Started(totp) => totp_page(&ctx, &totp, StatusCode::OK, None),
        TotpStart::AlreadySet => Ok(page::see_other("/account/security")),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn confirm_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let (user, session) = (current.user.clone(), current.session);
    let code = form.code.clone();
    let outcome = super::second_factor(&state, &req, move |c, env| {
        factor::confirm_totp(c, env, &user, session, &code)
    })
    .await?;
    let error = match outcome {
        Confirmed::Done { recovery_codes } => {
            tracing::info!(
                event = "mfa.totp_added",
                user = current.user.id.0,
                "authenticator app set up"
            );
            flash::set(&req, Flash::TotpAdded);
            return codes_or_back(&ctx, recovery_codes);
        }
        Confirmed::NotStarted => return Ok(page::see_other("/account/security")),
        Confirmed::Refused(Verdict::Wait(wait)) => {
            (StatusCode::TOO_MANY_REQUESTS, super::wait_message(&ctx, wait))
        }
        Confirmed::Refused(_) if form.code.trim().is_empty() => {
            (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-factor-missing"))
        }
        Confirmed::Refused(_) => (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("err-totp-setup-wrong")),
    };
    let user = current.user.clone();
    let pending =
        super::second_factor(&state, &req, move |c, env| factor::pending_totp(c, env, &user)).await?;
    match pending {
        Some(totp) => totp_page(&ctx, &totp, error.0, Some(error.1)),
        None => Ok(page::see_other("/account/security")),
    }
}

/// New recovery codes are shown once; otherwise back to the security page.
fn codes_or_back(ctx: &PageCtx, codes: Option<Vec<String>>) -> Result<HttpResponse, AppError> {
    match codes {
        Some(codes) => page::ok(&RecoveryCodesPage { ctx, codes: &codes }),
        None => Ok(page::see_other("/account/security")),
    }
}

pub async fn remove_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let user = current.user.clone();
    let removed =
        super::second_factor(&state, &req, move |c, env| factor::remove_totp(c, env, &user)).await?;
    if removed {
        tracing::info!(
            event = "mfa.totp_removed",
            user = current.user.id.0,
            "authenticator app removed"
        );
        flash::set(&req, Flash::TotpRemoved);
    }
    Ok(page::see_other("/account/security"))
}

pub async fn renew_codes(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let user = current.user.clone();
    let codes = super::second_factor(&state, &req, move |c, env| {
        factor::renew_recovery_codes(c, env, &user)
    })
    .await?;
    let Some(codes) = codes else {
        return Ok(page::see_other("/account/security"));
    };
    tracing::info!(
        event = "mfa.recovery_codes_made",
        user = current.user.id.0,
        "new recovery codes"
    );
    page::ok(&RecoveryCodesPage {
        ctx: &ctx,
        codes: &codes,
    })
}

/// A registration's options, as JSON, for the page's script.
pub async fn passkey_options(
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let Some(relying) = state.passkeys.clone() else {
        return Err(AppError::NotFound);
    };
    let user = current.user.clone();
    let ceremony = state
        .db(move |c| Ok(factor::start_passkey_registration(c, &relying, &user)?))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"id": ceremony.id, "options": ceremony.options})))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasskeyForm {
    passkey_name: String,
    passkey_ceremony: String,
    passkey_credential: String,
}

/// A passkey's name: trimmed, not empty, not too long.
fn passkey_name(ctx: &PageCtx, typed: &str) -> Result<String, String> {
    let name = typed.trim();
    if name.is_empty() {
        return Err(ctx.t("err-passkey-name-missing"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(ctx.t1("err-passkey-name-long", "max", NAME_MAX));
    }
    Ok(name.to_owned())
}

pub async fn add_passkey(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<PasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let name = match passkey_name(&ctx, &form.passkey_name) {
        Ok(name) => name,
        Err(error) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return security_page(
                &req,
                &state,
                &ctx,
                &current.user,
                status,
                &form.passkey_name,
                Some(error),
            )
            .await;
        }
    };
    let Some(relying) = state.passkeys.clone() else {
        return Err(AppError::NotFound);
    };
    let (user, session) = (current.user.clone(), current.session);
    let answer: serde_json::Value = serde_json::from_str(&form.passkey_credential).unwrap_or_default();
    let (ceremony, name2) = (form.passkey_ceremony.clone(), name.clone());
    let added = super::second_factor(&state, &req, move |c, env| {
        factor::finish_passkey_registration(
            c,
            env,
            &relying,
            &user,
            session,
            &name2,
            Answer {
                ceremony: &ceremony,
                credential: &answer,
            },
        )
    })
    .await?;
    match added {
        PasskeyAdded::Done { recovery_codes } => {
            tracing::info!(
                event = "mfa.passkey_added",
                user = current.user.id.0,
                "passkey added"
            );
            flash::set(&req, Flash::PasskeyAdded);
            codes_or_back(&ctx, recovery_codes)
        }
        PasskeyAdded::Refused => {
            let error = Some(ctx.t("err-passkey-refused"));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            security_page(&req, &state, &ctx, &current.user, status, &name, error).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RenameForm {
    name: String,
}

pub async fn rename_passkey(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<RenameForm>,
) -> Result<HttpResponse, AppError> {
    let name = match passkey_name(&ctx, &form.name) {
        Ok(name) => name,
        Err(error) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return security_page(&req, &state, &ctx, &current.user, status, "", Some(error)).await;
        }
    };
    let (user, id) = (current.user.clone(), PasskeyId(id.into_inner()));
    let renamed = super::second_factor(&state, &req, move |c, env| {
        factor::rename_passkey(c, env, &user, id, &name)
    })
    .await?;
    if !renamed {
        return Err(AppError::NotFound);
    }
    flash::set(&req, Flash::PasskeyRenamed);
    Ok(page::see_other("/account/security"))
}

pub async fn remove_passkey(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let (user, id) = (current.user.clone(), PasskeyId(id.into_inner()));
    let removed = super::second_factor(&state, &req, move |c, env| {
        factor::remove_passkey(c, env, &user, id)
    })
    .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    tracing::info!(
        event = "mfa.passkey_removed",
        user = current.user.id.0,
        "passkey removed"
    );
    flash::set(&req, Flash::PasskeyRemoved);
    Ok(page::see_other("/account/security"))
}
