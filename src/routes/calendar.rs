//! `GET /calendar/<secret>.ics`: a person's sessions and running deadlines as an iCalendar
//! feed. Calendar apps fetch it without a session; the signed secret in the URL is the only
//! credential, and a renewed or stopped feed answers 404 like any unknown address.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::TimeDelta;

use crate::calendar::{Due, Session, Writer};
use crate::models::calendar;
use crate::models::user;
use crate::web::AppState;
use crate::web::error::AppError;

/// How far back a feed keeps sessions already held.
const PAST_DAYS: i64 = 90;

pub async fn feed(state: web::Data<AppState>, secret: web::Path<String>) -> Result<HttpResponse, AppError> {
    let secret = state.calendar_key.read(&secret).ok_or(AppError::NotFound)?;
    let since = state.settings.now() - TimeDelta::days(PAST_DAYS);
    let found = state
        .db(move |c| {
            let current = calendar::feed_of(c, secret.user)?
                .is_some_and(|f| f.active && f.generation == secret.generation);
            let Some(owner) = user::find(c, secret.user)?.filter(|u| current && u.active) else {
                return Ok(None);
            };
            let entries = calendar::entries(c, owner.id, owner.role, since)?;
            Ok(Some((owner, entries)))
        })
        .await?;
    let (owner, (sessions, dues)) = found.ok_or(AppError::NotFound)?;
    let zone = state.settings.office_zone();
    let writer = Writer {
        lang: owner.language.unwrap_or_default(),
        public_url: &state.public_url,
        zone: zone.name(),
    };
    let sessions: Vec<Session<'_>> = sessions
        .iter()
        .map(|s| Session {
            id: s.id,
            case_no: s.case_no.as_deref().unwrap_or_default(),
            title: &s.title,
            at: s.at,
            place: &s.place,
        })
        .collect();
    let dues: Vec<Due<'_>> = dues
        .iter()
        .map(|d| Due {
            id: d.id,
            case_no: d.case_no.as_deref().unwrap_or_default(),
            title: &d.title,
            kind: d.kind,
            on: d.on,
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        // Calendar apps poll; a few minutes old is fine, and no shared cache may keep it.
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .body(writer.feed(&owner.name, &sessions, &dues)))
}
