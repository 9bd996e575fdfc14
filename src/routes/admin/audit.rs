use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::audit::{self, AuditRow, PAGE_SIZE, Search};
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage<'a> {
    ctx: &'a PageCtx,
    rows: &'a [AuditRow],
    actions: &'a [String],
    query: &'a AuditQuery,
    total: i64,
    page: i64,
    pages: i64,
}

impl AuditPage<'_> {
    /// An action's name in the reader's language; a code this release does not know, as is.
    fn action_name(&self, code: &str) -> String {
        audit::action::label_key(code).map_or_else(|| code.to_owned(), |key| self.ctx.t(&key))
    }

    fn object_name(&self, kind: &str) -> String {
        audit::action::object_label_key(kind).map_or_else(|| kind.to_owned(), |key| self.ctx.t(&key))
    }

    /// The account's e-mail address, or the system or an anonymous visitor by name.
    fn actor_name(&self, row: &AuditRow) -> String {
        row.actor_label_key()
            .map_or_else(|| row.actor.clone(), |key| self.ctx.t(key))
    }

    /// The same search on another page.
    fn page_href(&self, page: i64) -> String {
        let query = serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("action", self.query.action.as_str()),
        ])
        .unwrap_or_default();
        format!("/admin/audit?{query}&page={}", page + 1)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    q: String,
    action: String,
    /// 1-based, as people count.
    page: Option<i64>,
}

/// Newest first, searchable by text and filterable by action.
pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let page = crate::db::page::from_number(query.page);
    let search = Search {
        text: query.q.trim().to_owned(),
        action: query.action.clone(),
        page,
    };
    let (rows, total, actions) = state
        .db(move |c| {
            let (rows, total) = audit::search(c, &search)?;
            Ok((rows, total, audit::actions(c)?))
        })
        .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    page::ok(&AuditPage {
        ctx: &ctx,
        rows: &rows,
        actions: &actions,
        query: &query,
        total,
        page,
        pages,
    })
}

/// Verifies the chain now and keeps the verdict; the page says whether it held.
pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let by = current.user.id;
    let now = state.settings.now();
    let verdict = state.db(move |c| Ok(audit::check(c, Some(by), now)?)).await?;
    let said = match verdict {
        audit::Verdict::Intact { .. } => Flash::AuditIntact,
        audit::Verdict::Broken { .. } => Flash::AuditBroken,
    };
    flash::set(&req, said);
    Ok(page::see_other("/admin/audit"))
}
