//! The account page: who you are, your password, and your calendar feed.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::models::calendar::{self, FeedRow};
use crate::models::user::User;
use crate::services;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage<'a> {
    ctx: &'a PageCtx,
    user: &'a User,
    /// The calendar feed's address, while it runs.
    feed_url: Option<String>,
    /// The feed was stopped (renewing starts it at a new address).
    feed_stopped: bool,
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let id = user.id;
    let feed: Option<FeedRow> = state.db(move |c| Ok(calendar::feed_of(c, id)?)).await?;
    let feed_url = feed.filter(|f| f.active).map(|f| {
        let secret = state.calendar_key.secret(user.id, f.generation);
        state.public_url.page(&format!("/calendar/{secret}.ics"))
    });
    page::ok(&AccountPage {
        ctx: &ctx,
        user: &user,
        feed_stopped: feed.is_some_and(|f| !f.active),
        feed_url,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CalendarForm {
    /// `renew` (or start) or `stop`.
    pub feed: String,
}

/// Starts or renews the calendar feed (every earlier address stops working), or stops it.
pub async fn calendar(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<CalendarForm>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let stop = match form.feed.as_str() {
        "renew" => false,
        "stop" => true,
        _ => return Err(AppError::BadForm("feed must be renew or stop".into())),
    };
    state
        .db(move |c| {
            if stop {
                services::calendar::stop(c, &user)?;
            } else {
                services::calendar::renew(c, &user)?;
            }
            Ok(())
        })
        .await?;
    flash::set(
        &req,
        if stop {
            Flash::CalendarStopped
        } else {
            Flash::CalendarRenewed
        },
    );
    Ok(page::see_other("/account#calendar"))
}
