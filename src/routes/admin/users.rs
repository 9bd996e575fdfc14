use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::{Email, PersonName, Role};
use crate::models::id::UserId;
use crate::models::user::{self, User};
use crate::services::users::{self, Created, NewOfficeAccount};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage<'a> {
    ctx: &'a PageCtx,
    users: &'a [User],
    me: UserId,
    /// The accounts with a second factor, which an administrator may reset.
    with_factor: &'a [UserId],
    form: &'a NewStaffForm,
    errors: FieldErrors,
    roles: [Role; 4],
}

impl UsersPage<'_> {
    fn has_factor(&self, user: &User) -> bool {
        self.with_factor.contains(&user.id)
    }
}

#[derive(Template)]
#[template(path = "admin/user_created.html")]
struct CreatedPage<'a> {
    ctx: &'a PageCtx,
    user: &'a User,
    link: &'a str,
    hours: u32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewStaffForm {
    name: String,
    email: String,
    role: String,
}

async fn users_page(
    state: &AppState,
    ctx: &PageCtx,
    me: UserId,
    form: &NewStaffForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let invalid = !errors.is_empty();
    let (users, with_factor) = state
        .db(|c| {
            Ok((
                user::list(c)?,
                crate::models::second_factor::users_with_factor(c)?,
            ))
        })
        .await?;
    let page = UsersPage {
        ctx,
        users: &users,
        me,
        with_factor: &with_factor,
        form,
        errors,
        roles: Role::OFFICE_ACCOUNTS,
    };
    if invalid {
        page::invalid(&page)
    } else {
        page::ok(&page)
    }
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let form = NewStaffForm {
        role: Role::Examiner.as_str().to_owned(),
        ..NewStaffForm::default()
    };
    users_page(&state, &ctx, current.user.id, &form, FieldErrors::default()).await
}

/// Creates an office account without a password, and shows the one-time link with which
/// its owner sets one.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<NewStaffForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    let name = PersonName::parse(&form.name)
        .map_err(|e| errors.add("name", e.message_key()))
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.add("email", e.message_key()))
        .ok();
    let role = Role::parse(&form.role).filter(|r| r.is_office_account());
    if role.is_none() {
        errors.add("role", "err-role-invalid");
    }
    let (Some(name), Some(email), Some(role)) = (name, email, role) else {
        return users_page(&state, &ctx, current.user.id, &form, errors).await;
    };
    let hours = state.settings.setup_link_hours;
    let public_url = state.public_url.clone();
    let admin = current.user.clone();
    let address = client_address(&req, state.settings.trusted_proxy);
    let language = ctx.lang;
    let created = state
        .db(move |c| {
            let new = NewOfficeAccount {
                name: &name,
                email: &email,
                role,
            };
            users::create_office_account(c, &public_url, &admin, new, hours, language, address)
                .map_err(Into::into)
        })
        .await?;
    state.mail_queued();
    let Created::Done { user, link } = created else {
        errors.add("email", "err-email-taken");
        return users_page(&state, &ctx, current.user.id, &form, errors).await;
    };
    tracing::info!(event = "admin.user.created", by = current.user.id.0, user = user.id.0, role = %user.role, "office account created");
    page::ok(&CreatedPage {
        ctx: &ctx,
        user: &user,
        link: &link,
        hours,
    })
}

async fn set_active(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    active: bool,
) -> Result<HttpResponse, AppError> {
    let id = UserId(id.into_inner());
    if id == current.user.id {
        // An administrator cannot lock themselves out; another administrator can.
        return Err(AppError::NotFound);
    }
    let admin = current.user.clone();
    let address = client_address(&req, state.settings.trusted_proxy);
    state
        .db(move |c| users::set_active(c, &admin, id, active, address).map_err(Into::into))
        .await?;
    tracing::info!(
        event = "admin.user.active",
        by = current.user.id.0,
        user = id.0,
        active,
        "account status changed"
    );
    flash::set(
        &req,
        if active {
            Flash::UserActivated
        } else {
            Flash::UserDeactivated
        },
    );
    Ok(page::see_other("/admin/users"))
}

/// Deactivating ends every session of the account at once.
pub async fn deactivate(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    set_active(req, state, current, id, false).await
}

pub async fn activate(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    set_active(req, state, current, id, true).await
}

/// Removes another account's second factors and recovery codes (they lost their phone and
/// their codes) and signs it out everywhere; the owner is mailed and sets one up again.
pub async fn reset_factors(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let target = UserId(id.into_inner());
    if target == current.user.id {
        return Err(AppError::NotFound);
    }
    let admin = current.user.clone();
    let reset = crate::routes::accounts::second_factor(&state, &req, move |c, env| {
        crate::services::second_factor::reset(c, env, &crate::audit::Actor::user(&admin), target)
    })
    .await?;
    match reset {
        None => return Err(AppError::NotFound),
        Some(false) => return Ok(page::see_other("/admin/users")),
        Some(true) => {}
    }
    tracing::info!(
        event = "mfa.reset",
        user = current.user.id.0,
        target = target.0,
        "second factors reset"
    );
    flash::set(&req, Flash::FactorsReset);
    Ok(page::see_other("/admin/users"))
}
