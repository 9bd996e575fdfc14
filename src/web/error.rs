//! One error type for handlers. Users get a plain page in their language with a correlation
//! id; the log gets the cause chain under the same id.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use askama::Template;

use crate::web::page::PageCtx;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    SignInRequired,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("malformed form: {0}")]
    BadForm(String),
    /// The request itself was refused (too large, unreadable), with actix's status.
    #[error("bad request: {message}")]
    Request { status: StatusCode, message: String },
    #[error("database error")]
    Database(#[source] diesel::result::Error),
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl crate::db::MaybeConflict for AppError {
    fn is_unique_violation(&self) -> bool {
        matches!(self, AppError::Database(e) if e.is_unique_violation())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            e => AppError::Database(e),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(e.into())
    }
}

impl From<actix_web::Error> for AppError {
    fn from(e: actix_web::Error) -> Self {
        AppError::Request {
            status: e.as_response_error().status_code(),
            message: e.to_string(),
        }
    }
}

impl From<crate::services::Error> for AppError {
    fn from(e: crate::services::Error) -> Self {
        match e {
            crate::services::Error::NotFound => AppError::NotFound,
            crate::services::Error::Database(e) => AppError::Database(e),
            crate::services::Error::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<crate::mail::QueueError> for AppError {
    fn from(e: crate::mail::QueueError) -> Self {
        crate::services::Error::from(e).into()
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("the blocking thread pool failed: {e}"))
    }
}

/// What the error page should say, carried from the error to the page renderer.
#[derive(Clone, Debug, Default)]
pub struct ErrorDetail {
    pub message_key: Option<&'static str>,
    pub correlation_id: Option<String>,
}

fn new_correlation_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_uppercase()
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::SignInRequired => StatusCode::SEE_OTHER,
            AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadForm(_) => StatusCode::BAD_REQUEST,
            AppError::Request { status, .. } => *status,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) | AppError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let AppError::SignInRequired = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        let mut detail = ErrorDetail::default();
        match self {
            AppError::Csrf => {
                tracing::warn!(event = "csrf.token", "form refused: CSRF token missing or wrong");
                detail.message_key = Some("err-page-csrf");
            }
            AppError::BadForm(why) => tracing::info!(reason = ?why, "malformed form"),
            AppError::Request { message, .. } => tracing::info!(reason = ?message, "bad request"),
            AppError::Unavailable(e) | AppError::Internal(e) => {
                let id = new_correlation_id();
                tracing::error!(correlation_id = %id, error = ?e, "request failed");
                detail.correlation_id = Some(id);
            }
            AppError::Database(e) => {
                let id = new_correlation_id();
                tracing::error!(correlation_id = %id, error = ?e, "request failed: database");
                detail.correlation_id = Some(id);
            }
            AppError::NotFound | AppError::SignInRequired => {}
        }
        let mut res = HttpResponse::new(status);
        res.extensions_mut().insert(detail);
        res
    }
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    status: u16,
    title: String,
    message: String,
    correlation_id: Option<&'a str>,
}

fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "err-title-400",
        403 => "err-title-403",
        404 => "err-title-404",
        405 => "err-title-405",
        413 => "err-title-413",
        422 => "err-title-422",
        429 => "err-title-429",
        503 => "err-title-503",
        s if s >= 500 => "err-title-500",
        _ => "err-title-400",
    }
}

fn message_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "err-page-403",
        404 => "err-page-404",
        405 => "err-page-405",
        413 => "err-page-413",
        422 => "err-page-422",
        429 => "err-page-429",
        503 => "err-page-503",
        s if s >= 500 => "err-page-500",
        _ => "err-page-400",
    }
}

/// The error page for `status`, in the language of the request.
pub fn error_page(req: &HttpRequest, status: StatusCode, detail: &ErrorDetail) -> HttpResponse {
    let ctx = PageCtx::from_request(req);
    let page = ErrorPage {
        ctx: &ctx,
        status: status.as_u16(),
        title: ctx.t(title_key(status)),
        message: ctx.t(detail.message_key.unwrap_or_else(|| message_key(status))),
        correlation_id: detail.correlation_id.as_deref(),
    };
    match page.render() {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, "rendering the error page failed");
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(status.canonical_reason().unwrap_or("Error"))
        }
    }
}

/// Turns every bare or plain-text error response (ours, or actix's own for bad requests,
/// oversized bodies, wrong methods) into the error page.
pub fn render_error_pages<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Pages and JSON answers are already what the client should see.
    let has_own_body = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| !v.as_bytes().starts_with(b"text/plain"));
    let status = res.status();
    if has_own_body || !(status.is_client_error() || status.is_server_error()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let detail = res
        .response()
        .extensions()
        .get::<ErrorDetail>()
        .cloned()
        .unwrap_or_default();
    let (req, original) = res.into_parts();
    let mut page = error_page(&req, status, &detail);
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = original.headers().get(&name) {
            page.headers_mut().insert(name, v.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, page).map_into_right_body(),
    ))
}
