use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::verify;
use crate::audit::{self, Actor, Event};
use crate::auth::throttle::{self, Scope};
use crate::db::write_tx;
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::models;
use crate::models::user::{self, NewUser};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::{self, RequestCtx};

/// Registrations one address may attempt per hour.
const REGISTRATIONS_PER_HOUR: u32 = 20;
const HOUR: Duration = Duration::from_secs(60 * 60);

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage<'a> {
    ctx: &'a PageCtx,
    form: &'a RegisterForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    pub name: String,
    pub email: String,
    pub password: String,
}

pub async fn form(ctx: PageCtx) -> Result<HttpResponse, AppError> {
    if ctx.user.is_some() {
        return Ok(page::see_other("/"));
    }
    page::ok(&RegisterPage {
        ctx: &ctx,
        form: &RegisterForm::default(),
        errors: FieldErrors::default(),
    })
}

/// The fields of a new account, parsed; on failure the keys of what is wrong.
pub struct Validated {
    pub name: PersonName,
    pub email: Email,
    pub password: NewPassword,
}

pub fn validate(name: &str, email: &str, password: &str) -> Result<Validated, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(name)
        .map_err(|e| errors.add("name", e.message_key()))
        .ok();
    let email = Email::parse(email)
        .map_err(|e| errors.add("email", e.message_key()))
        .ok();
    let context = [
        name.as_ref().map_or("", |n| n.as_str()),
        email.as_ref().map_or("", |e| e.as_str()),
    ];
    let password = NewPassword::parse(password, &context)
        .map_err(|e| errors.add("password", e.message_key()))
        .ok();
    match (name, email, password) {
        (Some(name), Some(email), Some(password)) => Ok(Validated {
            name,
            email,
            password,
        }),
        _ => Err(errors),
    }
}

/// Complainants register themselves and are signed in at once; the verification mail is
/// queued in the same transaction as the account.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    let refuse = |errors| {
        page::invalid(&RegisterPage {
            ctx: &ctx,
            form: &form,
            errors,
        })
    };
    let valid = match validate(&form.name, &form.email, &form.password) {
        Ok(v) => v,
        Err(errors) => return refuse(errors),
    };
    let email = valid.email.clone();
    let address = client_address(&req, state.settings.trusted_proxy);
    let subject = address.clone().unwrap_or_else(|| "unknown".to_owned());
    let (allowed, taken) = state
        .db(move |c| {
            // Attempts per address are limited: registration must not become a fast way
            // to learn which addresses have accounts.
            let allowed = write_tx(c, |c| {
                throttle::allow_request(
                    c,
                    Scope::Register,
                    &subject,
                    REGISTRATIONS_PER_HOUR,
                    HOUR,
                    models::now(),
                )
            })?;
            Ok((allowed, allowed && user::email_taken(c, &email)?))
        })
        .await?;
    if !allowed {
        let errors = FieldErrors::one("form", "err-register-throttled");
        return page::render(
            StatusCode::TOO_MANY_REQUESTS,
            &RegisterPage {
                ctx: &ctx,
                form: &form,
                errors,
            },
        );
    }
    if taken {
        return refuse(FieldErrors::one("email", "err-email-taken"));
    }
    let hash = state.hasher.hash(valid.password.expose().to_owned()).await?;
    let replacing = RequestCtx::of(&req).and_then(|r| r.session_id());
    let language = Some(ctx.lang);
    let app = state.clone();
    let created = state
        .db(move |c| {
            let result = write_tx(c, |c| {
                let new = NewUser {
                    email: &valid.email,
                    name: &valid.name,
                    role: Role::Complainant,
                    password_hash: Some(&hash),
                    language,
                    email_verified: false,
                };
                let user = user::insert(c, new)?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&user),
                        action: "account.registered",
                        object: Some(("user", user.id.0.to_string())),
                        details: json!({"role": user.role.as_str()}),
                        address,
                    },
                )?;
                verify::send_link(c, &app, &user)?;
                let cookie = session::begin(c, user.id, language, replacing)?;
                Ok::<_, AppError>((user, cookie))
            });
            match result {
                Ok(done) => Ok(Some(done)),
                // Someone registered the same address a moment ago.
                Err(AppError::Database(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ))) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .await?;
    let Some((user, cookie)) = created else {
        return refuse(FieldErrors::one("email", "err-email-taken"));
    };
    state.mail_queued();
    tracing::info!(
        event = "account.registered",
        user = user.id.0,
        "complainant registered"
    );
    session::set_cookie(&req, cookie);
    flash::set(&req, Flash::Registered);
    Ok(page::see_other("/"))
}
