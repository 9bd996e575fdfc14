use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::audit::Actor;
use crate::models::office_key::{self, OfficeKeyRow};
use crate::services;
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, FieldErrors, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "admin/office_keys.html")]
struct OfficeKeysPage<'a> {
    ctx: &'a PageCtx,
    keys: &'a [OfficeKeyRow],
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RotateForm {
    confirm: String,
}

async fn keys_page(state: &AppState, ctx: &PageCtx, errors: FieldErrors) -> Result<HttpResponse, AppError> {
    let invalid = !errors.is_empty();
    let keys = state.db(|c| Ok(office_key::all(c)?)).await?;
    let page = OfficeKeysPage {
        ctx,
        keys: &keys,
        errors,
    };
    if invalid {
        page::invalid(&page)
    } else {
        page::ok(&page)
    }
}

/// Every key the office has signed with, and the form that makes a new one.
pub async fn list(state: web::Data<AppState>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    keys_page(&state, &ctx, FieldErrors::default()).await
}

/// Makes a new key, which every server signs bundles with from then on. The form must say so
/// (the box ticked): a stray post rotates nothing.
pub async fn rotate(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<RotateForm>,
) -> Result<HttpResponse, AppError> {
    if form.confirm != "yes" {
        return keys_page(
            &state,
            &ctx,
            FieldErrors::one("confirm", "err-office-key-confirm"),
        )
        .await;
    }
    let keys = state.keys.clone();
    let actor = Actor::user(&current.user);
    let address = client_address(&req, state.settings.trusted_proxy);
    let now = state.settings.now();
    let rotated = state
        .db(move |c| Ok(services::office_keys::rotate(c, &keys, &actor, address, now)?))
        .await?;
    tracing::info!(
        event = "admin.office_key.rotated",
        by = current.user.id.0,
        generation = rotated.generation,
        fingerprint = %rotated.fingerprint,
        previous = %rotated.previous_fingerprint,
        "office key rotated"
    );
    flash::set(&req, Flash::OfficeKeyRotated);
    Ok(page::see_other("/admin/office-keys"))
}
