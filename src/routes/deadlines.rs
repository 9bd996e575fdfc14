//! `/deadlines`: every running deadline across cases, earliest (so overdue) first,
//! optionally for one officer's cases.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::Role;
use crate::domain::workflow::DeadlineStatus;
use crate::models::id::UserId;
use crate::models::user::{self, User};
use crate::models::workflow::{self as store, DueView};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

/// The report shows this many at most; it is meant to be worked through, not archived.
const LIMIT: i64 = 500;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeadlineQuery {
    pub officer: String,
}

#[derive(Template)]
#[template(path = "deadlines.html")]
struct DeadlinesPage<'a> {
    ctx: &'a PageCtx,
    rows: &'a [DueView],
    officers: &'a [User],
    officer: Option<i64>,
    today: chrono::NaiveDate,
}

impl DeadlinesPage<'_> {
    fn overdue(&self, d: &DueView) -> bool {
        d.status == DeadlineStatus::Open && d.due_on < self.today
    }

    fn is_chosen(&self, u: &User) -> bool {
        self.officer == Some(u.id.0)
    }
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    _current: CurrentUser,
    query: web::Query<DeadlineQuery>,
) -> Result<HttpResponse, AppError> {
    let officer = query.officer.parse::<i64>().ok();
    let (rows, officers) = state
        .db(move |c| {
            Ok((
                store::running(c, officer.map(UserId), LIMIT)?,
                user::active_with_roles(c, &[Role::Examiner, Role::Legal])?,
            ))
        })
        .await?;
    page::ok(&DeadlinesPage {
        ctx: &ctx,
        rows: &rows,
        officers: &officers,
        officer,
        today: state.settings.today(),
    })
}
