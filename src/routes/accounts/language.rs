use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::domain::Lang;
use crate::services::sessions;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::page::{self, local_path};
use crate::web::session::{self, Holder, RequestCtx};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LanguageForm {
    lang: String,
    next: String,
}

/// Remembers the choice on the account and its session when signed in, and in a visitor's
/// cookie otherwise.
pub async fn switch(
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let next = local_path(&form.next).to_owned();
    let (Some(lang), Some(ctx)) = (Lang::parse(&form.lang), RequestCtx::of(&req)) else {
        return Ok(page::see_other(&next));
    };
    let user = ctx.user().map(|u| u.id);
    let session = match ctx.session.map(|s| s.holder) {
        Some(Holder::Stored(id)) => id,
        Some(Holder::Visitor(v)) => {
            session::set_cookie(&req, state.visitor_key.cookie_value(&v.with_language(lang)));
            return Ok(page::see_other(&next));
        }
        None => return Ok(page::see_other(&next)),
    };
    state
        .db(move |c| sessions::choose_language(c, session, user, lang).map_err(Into::into))
        .await?;
    Ok(page::see_other(&next))
}
