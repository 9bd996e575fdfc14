use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::password::Verification;
use crate::auth::throttle::Subjects;
use crate::domain::NewPassword;
use crate::services::passwords::{self, ChangeGate};
use crate::web::AppState;
use crate::web::address::client_ip;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::{self, CurrentUser};

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage<'a> {
    ctx: &'a PageCtx,
    errors: FieldErrors,
    notice: Option<String>,
}

pub async fn form(ctx: PageCtx, _: CurrentUser) -> Result<HttpResponse, AppError> {
    page::ok(&PasswordPage {
        ctx: &ctx,
        errors: FieldErrors::default(),
        notice: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// Needs the current password; ends every other session of the account and renews this one.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let subjects = Subjects::new(&user.email, client_ip(&req, state.settings.trusted_proxy));
    let policy = state.throttle;
    let gate = {
        let subjects = subjects.clone();
        let id = user.id;
        state
            .db(move |c| passwords::before_change(c, &policy, &subjects, id).map_err(Into::into))
            .await?
    };
    let stored = match gate {
        ChangeGate::Open(stored) => stored,
        ChangeGate::Wait(wait) => {
            let notice = Some(super::wait_message(&ctx, wait));
            return page::render(
                StatusCode::TOO_MANY_REQUESTS,
                &PasswordPage {
                    ctx: &ctx,
                    errors: FieldErrors::default(),
                    notice,
                },
            );
        }
    };
    let mut errors = FieldErrors::default();
    let verdict = state.hasher.verify(form.current_password, stored).await?;
    if verdict == Verification::Invalid {
        let (subjects, account) = (subjects.clone(), user.clone());
        state
            .db(move |c| passwords::refuse_change(c, &policy, &subjects, &account).map_err(Into::into))
            .await?;
        tracing::warn!(
            event = "password.change.failure",
            user = user.id.0,
            "wrong current password"
        );
        errors.add("current_password", "err-current-password");
    }
    let new = NewPassword::parse(&form.new_password, &[&user.name, &user.email])
        .map_err(|e| errors.add("new_password", e.message_key()))
        .ok();
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return page::invalid(&PasswordPage {
            ctx: &ctx,
            errors,
            notice: None,
        });
    };

    let hash = state.hasher.hash(new.expose().to_owned()).await?;
    let id = user.id;
    let language = Some(ctx.lang);
    let public_url = state.public_url.clone();
    let factor_at = current.factor_at;
    let cookie = state
        .db(move |c| {
            passwords::change(c, &public_url, &user, &hash, &subjects, language, factor_at)
                .map_err(Into::into)
        })
        .await?;
    state.mail_queued();
    tracing::info!(
        event = "password.changed",
        user = id.0,
        "password changed; other sessions ended"
    );
    session::set_cookie(&req, cookie);
    flash::set(&req, Flash::PasswordChanged);
    Ok(page::see_other("/account"))
}
