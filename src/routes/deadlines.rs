//! `/deadlines`: every running deadline across cases, earliest (so overdue) first, with how
//! many office days are left; filtered by officer, kind, or overdue only, a page at a time.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::page;
use crate::domain::Role;
use crate::domain::workflow::{DeadlineKind, DeadlineStatus};
use crate::models::id::UserId;
use crate::models::user::{self, User};
use crate::models::workflow::{self as store, DUE_PAGE_SIZE, DueFilter, DueView};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{self as pages, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeadlineQuery {
    pub officer: String,
    pub kind: String,
    /// `1`: only deadlines already overdue.
    pub overdue: String,
    pub page: Option<i64>,
}

#[derive(Template)]
#[template(path = "deadlines.html")]
struct DeadlinesPage<'a> {
    ctx: &'a PageCtx,
    rows: &'a [DueView],
    officers: &'a [User],
    kinds: &'static [DeadlineKind],
    filter: &'a DueFilter,
    today: chrono::NaiveDate,
    total: i64,
    page: i64,
    pages: i64,
}

impl DeadlinesPage<'_> {
    fn overdue(&self, d: &DueView) -> bool {
        d.status == DeadlineStatus::Open && d.due_on < self.today
    }

    /// Office days from today to the due date (negative once overdue).
    fn days(&self, d: &DueView) -> i64 {
        (d.due_on - self.today).num_days()
    }

    fn days_left(&self, d: &DueView) -> String {
        self.ctx.days_left(d.due_on, self.today)
    }

    fn is_chosen(&self, u: &User) -> bool {
        self.filter.officer == Some(u.id)
    }

    fn is_kind(&self, k: &DeadlineKind) -> bool {
        self.filter.kind == Some(*k)
    }

    fn only_overdue(&self) -> bool {
        self.filter.overdue_on.is_some()
    }

    /// The same report on another page.
    fn page_href(&self, page: i64) -> String {
        let officer = self.filter.officer.map(|o| o.to_string()).unwrap_or_default();
        let kind = self.filter.kind.map_or("", |k| k.as_str());
        let overdue = if self.only_overdue() { "1" } else { "" };
        format!(
            "/deadlines?officer={officer}&kind={kind}&overdue={overdue}&page={}",
            page + 1
        )
    }
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    _current: CurrentUser,
    query: web::Query<DeadlineQuery>,
) -> Result<HttpResponse, AppError> {
    let today = state.settings.today();
    // An unknown value in the address is no filter, as a fresh form would send.
    let filter = DueFilter {
        officer: query.officer.parse().ok().map(UserId),
        kind: DeadlineKind::parse(&query.kind),
        overdue_on: (query.overdue == "1").then_some(today),
        page: page::from_number(query.page),
        ..Default::default()
    };
    let wanted = filter.clone();
    let ((rows, total), officers) = state
        .db(move |c| {
            Ok((
                store::running(c, &wanted)?,
                user::active_with_roles(c, &[Role::Examiner, Role::Legal])?,
            ))
        })
        .await?;
    let size = i64::from(DUE_PAGE_SIZE);
    pages::ok(&DeadlinesPage {
        ctx: &ctx,
        rows: &rows,
        officers: &officers,
        kinds: DeadlineKind::ALL,
        filter: &filter,
        today,
        total,
        page: filter.page,
        pages: ((total + size - 1) / size).max(1),
    })
}
