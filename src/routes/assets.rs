//! Static files compiled into the binary, under a URL that changes with their content so
//! browsers may keep them for a year.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../../static/app.css"),
    },
    // Checks a local file against an exhibit in the browser, so the file never leaves it.
    Asset {
        name: "fingerprint.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/fingerprint.js"),
    },
    // Refreshes a bundle's progress in place while it is built.
    Asset {
        name: "bundle.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/bundle.js"),
    },
    // Warns before a signed-in session ends and keeps the complaint form as a draft.
    Asset {
        name: "session.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/session.js"),
    },
    // Creates and uses passkeys (WebAuthn), posting the browser's answer with its form.
    Asset {
        name: "passkeys.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../static/passkeys.js"),
    },
];

/// Each asset's content version, in the order of `ASSETS`.
static VERSIONS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| hex::encode(&Sha256::digest(a.body.as_bytes())[..6]))
        .collect()
});
static HREFS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .zip(VERSIONS.iter())
        .map(|(a, v)| format!("/static/{}?v={v}", a.name))
        .collect()
});

fn href(name: &str) -> &'static str {
    let i = ASSETS
        .iter()
        .position(|a| a.name == name)
        .expect("a listed asset");
    &HREFS[i]
}

pub fn stylesheet_href() -> &'static str {
    href("app.css")
}

pub fn fingerprint_script_href() -> &'static str {
    href("fingerprint.js")
}

pub fn bundle_script_href() -> &'static str {
    href("bundle.js")
}

pub fn session_script_href() -> &'static str {
    href("session.js")
}

pub fn passkey_script_href() -> &'static str {
    href("passkeys.js")
}

pub async fn serve(req: HttpRequest, file: web::Path<String>) -> HttpResponse {
    let Some(i) = ASSETS.iter().position(|a| a.name == file.as_str()) else {
        return HttpResponse::NotFound().finish();
    };
    let (asset, version) = (&ASSETS[i], &VERSIONS[i]);
    let etag = format!("\"{version}\"");
    let versioned = req.query_string() == format!("v={version}");
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
        .content_type(asset.content_type)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(asset.body)
}
