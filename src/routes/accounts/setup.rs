//! One-time setup links: the first administrator on a new install, and accounts created by
//! an administrator or `ipdesk user add` without a password.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::register::validate;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::{self, RequestCtx};
use crate::auth::token;
use crate::db::{DbConn, write_tx};
use crate::domain::{NewPassword, Role};
use crate::error::AppError;
use crate::models::setup_token::{self, SetupTokenRow};
use crate::models::user::{self, NewUser, User, UserId};
use crate::models::{self};
use crate::routes::flash::{self, Flash};
use crate::routes::page::{self, FieldErrors, PageCtx};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage<'a> {
    ctx: &'a PageCtx,
    token: &'a str,
    /// The account being set up; `None` for the first administrator.
    account: Option<&'a User>,
    form: &'a SetupForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "accounts/setup_invalid.html")]
struct InvalidLinkPage<'a> {
    ctx: &'a PageCtx,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SetupForm {
    token: String,
    name: String,
    email: String,
    password: String,
}

/// The link's token, if valid, and the account it sets up.
fn find(c: &mut DbConn, raw: &str) -> Result<Option<(SetupTokenRow, Option<User>)>, AppError> {
    let Some(row) = setup_token::find_valid(c, &token::hash(raw), models::now())? else {
        return Ok(None);
    };
    let account = match row.user_id {
        Some(id) => Some(user::find_row(c, UserId(id))?.to_user()),
        None => None,
    };
    Ok(Some((row, account)))
}

/// The token is in the address: never send it on to another site.
fn no_referrer(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

fn invalid_link(ctx: &PageCtx) -> Result<HttpResponse, AppError> {
    page::render(StatusCode::NOT_FOUND, &InvalidLinkPage { ctx }).map(no_referrer)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

pub async fn form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let raw = query.into_inner().token;
    let found = {
        let raw = raw.clone();
        state.db(move |c| find(c, &raw)).await?
    };
    let Some((_, account)) = found else {
        return invalid_link(&ctx);
    };
    let form = SetupForm {
        token: raw,
        ..SetupForm::default()
    };
    let page = SetupPage {
        ctx: &ctx,
        token: &form.token,
        account: account.as_ref(),
        form: &form,
        errors: FieldErrors::default(),
    };
    page::ok(&page).map(no_referrer)
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let found = {
        let raw = form.token.clone();
        state.db(move |c| find(c, &raw)).await?
    };
    let Some((link, account)) = found else {
        return invalid_link(&ctx);
    };
    let refuse = |errors| {
        let page = SetupPage {
            ctx: &ctx,
            token: &form.token,
            account: account.as_ref(),
            form: &form,
            errors,
        };
        page::invalid(&page).map(no_referrer)
    };

    // A new administrator gives name, e-mail and password; an existing account only a password.
    let new_admin = match &account {
        Some(a) => match NewPassword::parse(&form.password, &[&a.name, &a.email]) {
            Ok(password) => Err(password),
            Err(e) => {
                let mut errors = FieldErrors::default();
                errors.add("password", e.message_key());
                return refuse(errors);
            }
        },
        None => match validate(&form.name, &form.email, &form.password) {
            Ok(valid) => Ok(valid),
            Err(errors) => return refuse(errors),
        },
    };
    let password = match &new_admin {
        Ok(valid) => valid.password.expose().to_owned(),
        Err(password) => password.expose().to_owned(),
    };
    if let Ok(valid) = &new_admin {
        let email = valid.email.clone();
        if state.db(move |c| Ok(user::email_taken(c, &email)?)).await? {
            let mut errors = FieldErrors::default();
            errors.add("email", "err-email-taken");
            return refuse(errors);
        }
    }
    let hash = state.hasher.hash(password).await?;
    let replacing = RequestCtx::of(&req).and_then(|r| r.session_id());
    let language = Some(ctx.lang);
    let account_id = account.as_ref().map(|a| a.id);
    let done = state
        .db(move |c| {
            write_tx(c, |c| {
                if !setup_token::consume(c, link.id, models::now())? {
                    return Ok(None);
                }
                let user = match (&new_admin, account_id) {
                    (Ok(valid), _) => {
                        let new = NewUser {
                            email: &valid.email,
                            name: &valid.name,
                            role: Role::Admin,
                            password_hash: Some(&hash),
                            language,
                        };
                        user::insert(c, new)?.id
                    }
                    (Err(_), Some(id)) => {
                        user::set_password_hash(c, id, &hash)?;
                        models::session::delete_for_user(c, id, None)?;
                        id
                    }
                    (Err(_), None) => unreachable!("a password-only form always has an account"),
                };
                Ok(Some((
                    user,
                    session::begin(c, Some(user), language, replacing)?,
                )))
            })
        })
        .await?;
    let Some((user, cookie)) = done else {
        return invalid_link(&ctx);
    };
    tracing::info!(
        event = "account.setup",
        user = user.0,
        "account set up from a one-time link"
    );
    session::set_cookie(&req, cookie);
    flash::set(&req, Flash::SetupComplete);
    Ok(page::see_other("/"))
}
