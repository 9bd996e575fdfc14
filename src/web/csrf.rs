//! Cross-site request forgery: a synchronizer token bound to the session in every POST form,
//! plus a check of where the request came from.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use url::Url;

use super::session::RequestCtx;
use crate::auth::token;
use crate::domain::text;
use crate::web::error::AppError;

pub const FIELD: &str = "csrf_token";

/// A URL-encoded form whose `csrf_token` matched the session's; anything else is refused
/// with 403 before the handler runs, and a field that is not clean text (`domain::text`) with
/// 400. Unknown fields are ignored, so a form can never set more than its struct names.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        let expected = RequestCtx::of(req)
            .and_then(|ctx| ctx.session)
            .map(|s| s.csrf_token);
        Box::pin(async move {
            let body = body.await.map_err(AppError::from)?;
            let sent = form_urlencoded::parse(&body)
                .find(|(k, _)| k == FIELD)
                .map(|(_, v)| v.into_owned());
            match (expected, sent) {
                (Some(expected), Some(sent)) if token::equal(&expected, &sent) => {}
                _ => return Err(AppError::Csrf),
            }
            // Text first enters here: a field with a control character or broken UTF-8
            // refuses the whole form before the handler, or the database, sees any of it.
            if !text::decodes_clean(&body) {
                return Err(AppError::BadForm("a field is not clean text".into()));
            }
            serde_urlencoded::from_bytes(&body)
                .map(CsrfForm)
                .map_err(|e| AppError::BadForm(e.to_string()))
        })
    }
}

/// Opens a multipart upload whose first part is `csrf_token` and matches the session's;
/// anything else is refused with 403 before a byte of any file is read. A request that is
/// not multipart at all is refused the same way, for its missing token. Returns the parts
/// that follow the token.
pub async fn multipart(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<actix_multipart::Multipart, AppError> {
    use futures_util::StreamExt;
    let expected = RequestCtx::of(req)
        .and_then(|ctx| ctx.session)
        .map(|s| s.csrf_token);
    let mut parts = actix_multipart::Multipart::new(req.headers(), payload);
    let Some(Ok(mut first)) = parts.next().await else {
        return Err(AppError::Csrf);
    };
    if first.name() != Some(FIELD) {
        return Err(AppError::Csrf);
    }
    let mut sent = Vec::new();
    while let Some(chunk) = first.next().await {
        let chunk = chunk.map_err(|_| AppError::Csrf)?;
        // A token is short; anything longer is not one.
        if sent.len() + chunk.len() > 256 {
            return Err(AppError::Csrf);
        }
        sent.extend_from_slice(&chunk);
    }
    let sent = String::from_utf8_lossy(&sent);
    match expected {
        Some(expected) if token::equal(&expected, &sent) => Ok(parts),
        _ => Err(AppError::Csrf),
    }
}

/// Refuses unsafe requests a browser marks cross-site, or whose `Origin` is not ours.
/// Returns the offending origin, if any, for the error page.
///
/// A browser's own `Sec-Fetch-Site: same-origin` is believed before `Origin`: pages whose
/// address carries a one-time token keep it out of referrers, and a browser may then send
/// `Origin: null` for their forms, which are nonetheless our own.
pub fn foreign_origin(req: &actix_web::dev::ServiceRequest, ours: &Url) -> Option<String> {
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    if fetch_site.is_some_and(|v| v.eq_ignore_ascii_case(b"same-origin")) {
        return None;
    }
    if fetch_site.is_some_and(|v| v.eq_ignore_ascii_case(b"cross-site")) {
        return Some(
            headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("cross-site")
                .to_owned(),
        );
    }
    let origin = headers.get(header::ORIGIN)?.to_str().unwrap_or("?");
    let same = Url::parse(origin).is_ok_and(|o| o.origin() == ours.origin());
    (!same).then(|| origin.to_owned())
}
