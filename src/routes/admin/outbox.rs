use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::NoticeStatus;
use crate::models::id::OutboxId;
use crate::models::outbox::{self, OutboxRow, PAGE_SIZE};
use crate::services;
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage<'a> {
    ctx: &'a PageCtx,
    rows: &'a [OutboxRow],
    status: Option<NoticeStatus>,
    statuses: &'static [NoticeStatus],
    total: i64,
    page: i64,
    pages: i64,
}

impl OutboxPage<'_> {
    fn is_current(&self, status: &NoticeStatus) -> bool {
        self.status == Some(*status)
    }

    fn page_href(&self, page: i64) -> String {
        let status = self.status.map_or("", |s| s.as_str());
        format!("/admin/outbox?status={status}&page={}", page + 1)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OutboxQuery {
    status: String,
    page: Option<i64>,
}

/// Every notice's fate: pending, being sent, sent, or failed with its last error.
pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let status = NoticeStatus::parse(&query.status);
    let page = crate::db::page::from_number(query.page);
    let (rows, total) = state.db(move |c| Ok(outbox::list(c, status, page)?)).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    page::ok(&OutboxPage {
        ctx: &ctx,
        rows: &rows,
        status,
        statuses: NoticeStatus::ALL,
        total,
        page,
        pages,
    })
}

/// Sends a failed notice again (with the same Message-ID).
pub async fn retry(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<i64>,
    _: CsrfForm<page::NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = OutboxId(id.into_inner());
    let admin = current.user;
    let address = client_address(&req, state.settings.trusted_proxy);
    state
        .db(move |c| Ok(services::outbox::retry_notice(c, &admin, id, address)?))
        .await?;
    state.mail_queued();
    flash::set(&req, Flash::NoticeRequeued);
    Ok(page::see_other("/admin/outbox?status=failed"))
}
