//! Fingerprint checks (DESIGN §5), which add nothing to the case. A SHA-256 (from a
//! trade-secret originality certificate, say) is looked up among the exhibits the viewer may
//! see; a local file is checked against one exhibit by hashing it as it streams in, and the
//! file itself is never written anywhere.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use futures_util::StreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{CasePath, ExhibitPath, Said, open, open_exhibit, render_exhibit};
use crate::domain::Fingerprint;
use crate::i18n;
use crate::models::exhibit::ExhibitRow;
use crate::services;
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

/// What a check of a local file against an exhibit found.
pub struct Outcome {
    pub matches: bool,
    pub file_sha256: String,
    pub size: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FingerprintQuery {
    sha256: String,
}

#[derive(Template)]
#[template(path = "exhibits/fingerprint.html")]
struct FingerprintPage<'a> {
    ctx: &'a PageCtx,
    case_no: &'a str,
    typed: &'a str,
    error: Option<String>,
    /// `None` before anything was asked.
    found: Option<(Fingerprint, Vec<ExhibitRow>)>,
}

/// `GET /cases/{case_no}/fingerprint?sha256=…`: which exhibits the viewer may see have this
/// fingerprint. A hidden exhibit is never a match.
pub async fn fingerprint(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<CasePath>,
    query: web::Query<FingerprintQuery>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let opened = open(&state, &user, &path.case_no).await?;
    let case_no = opened.case_no.to_string();
    let typed = query.sha256.trim();
    let mut page = FingerprintPage {
        ctx: &ctx,
        case_no: &case_no,
        typed,
        error: None,
        found: None,
    };
    if typed.is_empty() {
        return page::ok(&page);
    }
    let fingerprint = match Fingerprint::parse(typed) {
        Ok(f) => f,
        Err(e) => {
            page.error = Some(i18n::text(ctx.lang, e.key()));
            return page::render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let (case, viewer, wanted) = (opened.case.id, opened.viewer, fingerprint.clone());
    let address = client_address(&req, state.settings.trusted_proxy);
    let (by, case_no) = (user.clone(), opened.case_no);
    let matches = state
        .db(move |c| {
            Ok(services::exhibits::check_fingerprint(
                c, &by, case, &case_no, viewer, &wanted, address,
            )?)
        })
        .await?;
    page.found = Some((fingerprint, matches));
    page::ok(&page)
}

/// Room in a check's form beside its file: the token, the boundaries and part headers.
const FORM_OVERHEAD: u64 = 64 * 1024;

/// `POST /cases/{case_no}/exhibits/{number}/check`: a local file checked against one
/// exhibit. The file is hashed as it arrives and dropped; nothing of it is kept but its
/// fingerprint in the audit log. A file larger than an exhibit may be is not hashed: the
/// rest of the form is read (so the browser gets the answer) only as far as it could reach.
pub async fn check_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<ExhibitPath>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let (opened, e) = open_exhibit(&state, &user, &path).await?;
    let limit = state.settings.exhibit_max_bytes;
    let most = limit.saturating_add(FORM_OVERHEAD);
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        i18n::text_with(
            ctx.lang,
            "exhibit-too-large",
            &[("max", crate::domain::human_size(limit))],
        )
    };
    let refused = |message: String, status: StatusCode| {
        let said = Said {
            check_error: Some(message),
            ..Said::default()
        };
        render_exhibit(&state, &ctx, &user, &opened, &e, said, status)
    };
    if declared.is_some_and(|n| n > most) {
        let mut res = refused(too_large(), StatusCode::PAYLOAD_TOO_LARGE).await?;
        // The body is left unread: the connection cannot carry another request.
        res.head_mut()
            .set_connection_type(actix_web::http::ConnectionType::Close);
        return Ok(res);
    }
    let mut parts = csrf::multipart(&req, payload).await?;
    let mut hashed: Option<(Fingerprint, u64)> = None;
    let (mut read, mut over) = (0u64, false);
    'parts: while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| AppError::BadForm(e.to_string()))?;
        let is_file = part.name() == Some("file");
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| AppError::BadForm(e.to_string()))?;
            read += chunk.len() as u64;
            if read > most {
                // A body without a length stops here, past anything the form could carry.
                over = true;
                break 'parts;
            }
            if !is_file {
                continue;
            }
            size += chunk.len() as u64;
            over |= size > limit;
            if !over {
                // Small pieces: hashing them here costs less than a hop to the pool.
                hasher.update(&chunk);
            }
        }
        if is_file && !over {
            hashed = Some((Fingerprint::from_digest(hasher.finalize().into()), size));
        }
    }
    if over {
        let mut res = refused(too_large(), StatusCode::PAYLOAD_TOO_LARGE).await?;
        if read > most {
            res.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
        }
        return Ok(res);
    }
    let Some((fingerprint, size)) = hashed.filter(|(_, size)| *size > 0) else {
        let message = ctx.t("exhibit-choose-file");
        return render_exhibit(
            &state,
            &ctx,
            &user,
            &opened,
            &e,
            Said {
                check_error: Some(message),
                ..Said::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let address = client_address(&req, state.settings.trusted_proxy);
    let (by, row, case_no, file) = (user.clone(), e.row.clone(), opened.case_no, fingerprint.clone());
    let matches = state
        .db(move |c| {
            Ok(services::exhibits::check_file(
                c, &by, &case_no, &row, &file, size, address,
            )?)
        })
        .await?;
    let outcome = Outcome {
        matches,
        file_sha256: fingerprint.as_str().to_owned(),
        size,
    };
    let said = Said {
        check: Some(outcome),
        ..Said::default()
    };
    render_exhibit(&state, &ctx, &user, &opened, &e, said, StatusCode::OK).await
}
