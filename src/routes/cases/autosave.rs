//! The complaint form kept as a draft while it is typed: the page's script posts the form a
//! few seconds after the last change and before the session ends, and is answered with a
//! little JSON instead of a page. Without the script, the form's own buttons do the same.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::form::CaseInput;
use crate::models;
use crate::services::filing::{self, Saved};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::page::{FieldErrors, PageCtx};
use crate::web::session::CurrentUser;

/// `POST /cases/drafts/autosave`: saves the form as its draft (made by the first save, found
/// by the form's draft key after that) and answers where the draft is, how long the session
/// has left, and which fields were not valid yet and so were kept blank.
pub async fn autosave(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    if super::must_verify(&user) {
        return Ok(HttpResponse::Forbidden().finish());
    }
    let mut input = CaseInput::from_pairs(&pairs);
    if uuid::Uuid::parse_str(&input.draft_key).is_err() {
        input.draft_key = uuid::Uuid::new_v4().to_string();
    }
    // A field still being typed does not hold the rest back.
    let (not_kept, (fields, parties)) = match input.parse(false) {
        Ok(parsed) => (FieldErrors::default(), parsed),
        Err(errors) => match input.keeping_valid(&errors).parse(false) {
            Ok(parsed) => (errors, parsed),
            Err(errors) => {
                return Ok(
                    HttpResponse::UnprocessableEntity().json(json!({ "not_kept": refused(&ctx, &errors) }))
                );
            }
        },
    };
    let form = filing::Form {
        draft_key: input.draft_key.clone(),
        fields,
        parties,
        file: false,
        keep_new: true,
    };
    let saved = super::save_form(&req, &state, &user, ctx.lang, form).await?;
    // Filed meanwhile (in another tab): a case is changed through corrections only.
    let filed = |no: &str| HttpResponse::Conflict().json(json!({ "case": format!("/cases/{no}") }));
    Ok(match saved {
        Saved::Draft => HttpResponse::Ok().json(json!({
            "draft_key": input.draft_key,
            "draft": format!("/cases/drafts/{}", input.draft_key),
            "session_left_secs": current.ends.seconds_left(models::now()),
            "not_kept": refused(&ctx, &not_kept),
        })),
        Saved::AlreadyFiled(no) => filed(&no),
        Saved::Filed(no) => filed(&no.to_string()),
        Saved::NotKept => HttpResponse::NoContent().finish(),
    })
}

/// The refused fields with their messages, as the error summary words them.
fn refused(ctx: &PageCtx, errors: &FieldErrors) -> Vec<serde_json::Value> {
    errors
        .fields()
        .into_iter()
        .map(|(field, key)| {
            let place = ctx.error_place(field);
            let message = match place.is_empty() {
                true => ctx.t(key),
                false => format!("{place}: {}", ctx.t(key)),
            };
            json!({ "field": field, "message": message })
        })
        .collect()
}
