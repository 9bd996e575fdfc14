//! One-time setup links: the first administrator on a new install, and accounts created by
//! an administrator or `ipdesk user add` without a password.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::register::{Validated, validate};
use crate::domain::NewPassword;
use crate::models::user::User;
use crate::services::accounts::{self, SetupDone, Target};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::{self, RequestCtx};

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

fn invalid_link(ctx: &PageCtx) -> Result<HttpResponse, AppError> {
    page::render(StatusCode::NOT_FOUND, &InvalidLinkPage { ctx }).map(page::origin_only_referrer)
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
        state
            .db(move |c| accounts::setup_link(c, &raw).map_err(Into::into))
            .await?
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
    page::ok(&page).map(page::origin_only_referrer)
}

/// What the form asked for: a whole new administrator, or a password for an existing account.
enum Setup {
    NewAdmin(Validated),
    Password(User, NewPassword),
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    mut ctx: PageCtx,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    // Switching language on a refused form comes back to the link, not to a bare /setup.
    ctx.here = format!(
        "/setup?token={}",
        form_urlencoded::byte_serialize(form.token.as_bytes()).collect::<String>()
    );
    let found = {
        let raw = form.token.clone();
        state
            .db(move |c| accounts::setup_link(c, &raw).map_err(Into::into))
            .await?
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
        page::invalid(&page).map(page::origin_only_referrer)
    };

    let setup = match &account {
        Some(a) => match NewPassword::parse(&form.password, &[&a.name, &a.email]) {
            Ok(password) => Setup::Password(a.clone(), password),
            Err(e) => return refuse(FieldErrors::one("password", e.message_key())),
        },
        None => match validate(&form.name, &form.email, &form.password) {
            Ok(valid) => Setup::NewAdmin(valid),
            Err(errors) => return refuse(errors),
        },
    };
    let password = match &setup {
        Setup::NewAdmin(valid) => valid.password.expose().to_owned(),
        Setup::Password(_, password) => password.expose().to_owned(),
    };
    let hash = state.hasher.hash(password).await?;
    let replacing = RequestCtx::of(&req).and_then(|r| r.session_id());
    let language = Some(ctx.lang);
    let address = client_address(&req, state.settings.trusted_proxy);
    let done = state
        .db(move |c| {
            let what = match &setup {
                Setup::NewAdmin(valid) => Target::FirstAdmin {
                    name: &valid.name,
                    email: &valid.email,
                },
                Setup::Password(account, _) => Target::Password(account),
            };
            accounts::set_up(c, link.id, what, &hash, language, replacing, address).map_err(Into::into)
        })
        .await?;
    let (user, cookie) = match done {
        SetupDone::Done { user, cookie } => (user, cookie),
        SetupDone::EmailTaken => return refuse(FieldErrors::one("email", "err-email-taken")),
        SetupDone::LinkUsed => return invalid_link(&ctx),
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
