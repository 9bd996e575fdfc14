use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{Email, NewPassword, PersonName};
use crate::services::registration::{self, Admission, NewComplainant, Registered};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::{self, RequestCtx};

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
    let asking = address.clone().unwrap_or_else(|| "unknown".to_owned());
    let admission = state
        .db(move |c| registration::admit(c, &asking, &email).map_err(Into::into))
        .await?;
    match admission {
        Admission::Open => {}
        Admission::Throttled => {
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
        Admission::EmailTaken => return refuse(FieldErrors::one("email", "err-email-taken")),
    }
    let hash = state.hasher.hash(valid.password.expose().to_owned()).await?;
    let replacing = RequestCtx::of(&req).and_then(|r| r.session_id());
    let language = Some(ctx.lang);
    let public_url = state.public_url.clone();
    let registered = state
        .db(move |c| {
            let new = NewComplainant {
                name: &valid.name,
                email: &valid.email,
                password_hash: &hash,
                language,
            };
            registration::register(c, &public_url, new, replacing, address).map_err(Into::into)
        })
        .await?;
    let Registered::Done { user, cookie } = registered else {
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
