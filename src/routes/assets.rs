//! Static files compiled into the binary, under a URL that changes with their content so
//! browsers may keep them for a year.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

const STYLESHEET: &str = include_str!("../../static/app.css");

static STYLESHEET_VERSION: LazyLock<String> =
    LazyLock::new(|| hex::encode(&Sha256::digest(STYLESHEET.as_bytes())[..6]));
static STYLESHEET_HREF: LazyLock<String> =
    LazyLock::new(|| format!("/static/app.css?v={}", *STYLESHEET_VERSION));

pub fn stylesheet_href() -> &'static str {
    &STYLESHEET_HREF
}

pub async fn serve(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    if file.as_str() != "app.css" {
        return HttpResponse::NotFound().finish();
    }
    let etag = format!("\"{}\"", *STYLESHEET_VERSION);
    let versioned = req.query_string() == format!("v={}", *STYLESHEET_VERSION);
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish();
    }
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(STYLESHEET)
}
