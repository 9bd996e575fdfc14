//! Staying signed in: before the idle timeout ends a session, the page's script offers to
//! extend it, and asks here.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::models;
use crate::services::sessions;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::page;
use crate::web::session::{self, CurrentUser, SessionEnds};

/// `POST /session/extend`: records the session as active now and answers how many seconds
/// it has left, which the absolute limit may cut short.
pub async fn extend(
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let now = models::now();
    let id = current.session;
    state.db(move |c| Ok(sessions::extend(c, id, now)?)).await?;
    let ends = SessionEnds {
        idle: session::after(now, state.settings.session_idle_timeout()),
        ..current.ends
    };
    Ok(HttpResponse::Ok().json(json!({ "session_left_secs": ends.seconds_left(now) })))
}
