//! The administrator's bulk import: a file from a patent office (or our CSV) uploaded, kept
//! on disk while it is read, imported like `ipdesk rights import`, and summarised.

use std::io::Write;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use anyhow::Context;
use askama::Template;
use futures_util::StreamExt;

use crate::audit::Actor;
use crate::i18n;
use crate::import::Format;
use crate::import::run::{self, Reason, Summary};
use crate::web::AppState;
use crate::web::csrf;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

/// The largest upload taken through the browser; larger files go through the command line.
const UPLOAD_MAX: u64 = 512 * 1024 * 1024;

/// Failures listed on the page; the count covers them all.
const SHOWN_FAILURES: usize = 200;

#[derive(Template)]
#[template(path = "rights/import.html")]
struct ImportPage<'a> {
    ctx: &'a PageCtx,
    /// Why the upload was refused before anything was imported.
    error: Option<String>,
    summary: Option<&'a Summary>,
    file_name: &'a str,
    format: Option<Format>,
    failures: Vec<(usize, String, String)>,
}

impl ImportPage<'_> {
    fn failed(&self) -> u64 {
        self.summary.map_or(0, |s| s.failed)
    }

    fn failures_first(&self) -> String {
        let args = [
            ("shown", self.failures.len().to_string()),
            ("count", self.failed().to_string()),
        ];
        i18n::text_with(self.ctx.lang, "import-failures-first", &args)
    }
}

/// The upload is written in slices this large, each on the blocking pool.
const WRITE_SIZE: usize = 1024 * 1024;

async fn write_off_thread(
    mut file: tempfile::NamedTempFile,
    mut buffer: Vec<u8>,
) -> Result<(tempfile::NamedTempFile, Vec<u8>), AppError> {
    web::block(move || {
        file.write_all(&buffer)?;
        buffer.clear();
        Ok::<_, std::io::Error>((file, buffer))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .context("cannot write the upload")
    .map_err(AppError::Internal)
}

pub async fn form(ctx: PageCtx, _current: CurrentUser) -> Result<HttpResponse, AppError> {
    page::ok(&ImportPage {
        ctx: &ctx,
        error: None,
        summary: None,
        file_name: "",
        format: None,
        failures: Vec::new(),
    })
}

fn refused(ctx: &PageCtx, key: &str, status: StatusCode) -> Result<HttpResponse, AppError> {
    page::render(
        status,
        &ImportPage {
            ctx,
            error: Some(ctx.t(key)),
            summary: None,
            file_name: "",
            format: None,
            failures: Vec::new(),
        },
    )
}

/// The upload: the CSRF token must come first and match before a byte of the file is
/// read; the file streams to a temporary file in the data folder, never into memory.
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let mut parts = csrf::multipart(&req, payload).await?;
    let mut upload: Option<(tempfile::NamedTempFile, String)> = None;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| AppError::BadForm(e.to_string()))?;
        if part.name() != Some("file") {
            continue;
        }
        let file_name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(crate::domain::clean_file_name)
            .unwrap_or_default();
        let folder = state.settings.data_dir.join("tmp");
        let mut file = web::block(move || {
            std::fs::create_dir_all(&folder)?;
            tempfile::NamedTempFile::new_in(&folder)
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .context("cannot create a temporary file for the upload")
        .map_err(AppError::Internal)?;
        let mut written = 0u64;
        let mut buffer = Vec::with_capacity(WRITE_SIZE);
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| AppError::BadForm(e.to_string()))?;
            written += chunk.len() as u64;
            if written > UPLOAD_MAX {
                return refused(&ctx, "import-too-large", StatusCode::PAYLOAD_TOO_LARGE);
            }
            buffer.extend_from_slice(&chunk);
            if buffer.len() >= WRITE_SIZE {
                (file, buffer) = write_off_thread(file, buffer).await?;
            }
        }
        (file, _) = write_off_thread(file, buffer).await?;
        upload = Some((file, file_name));
    }
    let Some((file, file_name)) = upload else {
        return refused(&ctx, "import-no-file", StatusCode::UNPROCESSABLE_ENTITY);
    };
    let pool = state.pool.clone();
    let actor = Actor::user(&current.user);
    let name = file_name.clone();
    let outcome = web::block(move || -> anyhow::Result<Option<(Format, Summary)>> {
        let mut reader = std::io::BufReader::new(file.reopen()?);
        let Some(format) = run::detect(&mut reader)? else {
            return Ok(None);
        };
        let mut conn = pool.get()?;
        let summary = run::run(&mut conn, reader, format, &name, &actor, |_| {})?;
        Ok(Some((format, summary)))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(AppError::Internal)?;
    let Some((format, summary)) = outcome else {
        return refused(&ctx, "import-unknown-format", StatusCode::UNPROCESSABLE_ENTITY);
    };
    let failures = summary
        .failures
        .iter()
        .take(SHOWN_FAILURES)
        .map(|f| {
            let reason = match &f.reason {
                Reason::Number(e) => i18n::text_with(ctx.lang, e.key(), &e.args()),
                Reason::Unreadable(why) => why.clone(),
                Reason::Refused => ctx.t("import-refused"),
            };
            (f.index, f.number.clone().unwrap_or_default(), reason)
        })
        .collect();
    page::ok(&ImportPage {
        ctx: &ctx,
        error: None,
        summary: Some(&summary),
        file_name: &file_name,
        format: Some(format),
        failures,
    })
}
