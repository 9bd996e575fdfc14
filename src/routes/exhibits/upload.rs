//! Filing exhibits: one multipart request carrying one or more files, each with its title,
//! description, visibility, the filing it supports and, for a correction, the exhibit it
//! supersedes. Access is decided and the CSRF token (the form's first field) checked before
//! a byte is written; each file streams to the store's `tmp` while it is hashed, is checked
//! against the size limit and the allowed types, is kept durably, and only then is the
//! database row committed, with its custody entry, audit entry and service notices.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use actix_multipart::Field;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use super::open;
use crate::auth::policy;
use crate::domain::{Side, Visibility, clean_file_name, detect, text};
use crate::evidence::Received;
use crate::evidence::store::Incoming;
use crate::i18n;
use crate::models::exhibit::{self};
use crate::models::id::{EventId, ExhibitId};
use crate::models::workflow as store;
use crate::routes::cases::{Banner, page_again as refuse};
use crate::services;
use crate::services::exhibits::{Filed, Filing, Kept, UploadRefusal};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

const TITLE_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 5_000;
/// A text field longer than this is not a form anyone filled in.
const TEXT_FIELD_MAX: usize = 64 * 1024;
/// The upload is written in slices this large, each on the blocking pool.
const WRITE_SIZE: usize = 1024 * 1024;

/// What was typed for one exhibit of the form.
#[derive(Default, Clone, Debug)]
pub struct RowInput {
    pub title: String,
    pub description: String,
    pub visibility: String,
    pub supports: String,
    pub supersedes: String,
    pub side: String,
}

/// A refused upload: a message per row and field, what was typed, and a message for the
/// whole form. Files cannot be given back to a browser; the page asks for them again.
#[derive(Default, Clone, Debug)]
pub struct UploadErrors {
    pub rows: BTreeMap<usize, RowInput>,
    pub messages: Vec<(usize, &'static str, String)>,
    pub general: Option<String>,
}

impl UploadErrors {
    pub fn error(&self, row: usize, field: &str) -> Option<&str> {
        self.messages
            .iter()
            .find(|(r, f, _)| *r == row && *f == field)
            .map(|(_, _, m)| m.as_str())
    }

    pub fn typed(&self, row: usize, field: &str) -> &str {
        let Some(r) = self.rows.get(&row) else { return "" };
        match field {
            "title" => &r.title,
            "description" => &r.description,
            "visibility" => &r.visibility,
            "supports" => &r.supports,
            "supersedes" => &r.supersedes,
            "side" => &r.side,
            _ => "",
        }
    }
}

/// One file as it arrived.
enum FileState {
    Received(Received),
    TooLarge,
    /// The field was there but no file was chosen.
    Empty,
}

/// `title` → row 1, `title.3` → row 3.
fn split_name(name: &str) -> Option<(&str, usize)> {
    match name.split_once('.') {
        None => Some((name, 1)),
        Some((field, row)) => row.parse().ok().filter(|r| *r >= 1).map(|r| (field, r)),
    }
}

async fn read_text(part: &mut Field) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|e| AppError::BadForm(e.to_string()))?;
        if bytes.len() + chunk.len() > TEXT_FIELD_MAX {
            return Err(AppError::BadForm("a text field is too long".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    // Refused whole: files already received are dropped from `tmp` with the request.
    text::clean(&bytes)
        .map(str::to_owned)
        .ok_or_else(|| AppError::BadForm("a text field is not clean text".into()))
}

type Written = Pin<Box<dyn Future<Output = Result<(Incoming, Vec<u8>), AppError>>>>;

/// Hashes and writes a slice of the file on the blocking pool. The work starts at once, so
/// the next slice is read from the network while this one is written.
fn start_write(mut incoming: Incoming, mut buffer: Vec<u8>) -> Written {
    let job = web::block(move || {
        incoming.write(&buffer)?;
        buffer.clear();
        Ok::<_, std::io::Error>((incoming, buffer))
    });
    Box::pin(async move {
        job.await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("cannot write an upload")))
    })
}

/// Streams one file part into the store's `tmp`, hashing as it goes, one slice being written
/// while the next arrives. Past the limit the rest is read and dropped, so the browser gets
/// the page that says why.
async fn receive(state: &AppState, part: &mut Field, remaining: &mut u64) -> Result<FileState, AppError> {
    let limit = state.settings.exhibit_max_bytes;
    let store = state.evidence.clone();
    let incoming = web::block(move || store.incoming())
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("cannot start an upload")))?;
    // The file goes to the writer and comes back with an emptied buffer to fill again.
    let mut writing: Option<Written> = Some(Box::pin(std::future::ready(Ok((incoming, Vec::new())))));
    let mut buffer = Vec::with_capacity(WRITE_SIZE);
    let mut seen = 0u64;
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|e| AppError::BadForm(e.to_string()))?;
        seen += chunk.len() as u64;
        // A body without a length is read only as far as the form could ever reach.
        *remaining = remaining.checked_sub(chunk.len() as u64).ok_or_else(too_long)?;
        if seen > limit {
            // The temporary file is removed when the writer drops it.
            writing = None;
            buffer = Vec::new();
            continue;
        }
        buffer.extend_from_slice(&chunk);
        if buffer.len() >= WRITE_SIZE
            && let Some(previous) = writing.take()
        {
            let (incoming, mut spare) = previous.await?;
            spare.reserve(WRITE_SIZE);
            writing = Some(start_write(incoming, std::mem::replace(&mut buffer, spare)));
        }
    }
    let Some(previous) = writing else {
        return Ok(FileState::TooLarge);
    };
    if seen == 0 {
        return Ok(FileState::Empty);
    }
    let (incoming, _) = previous.await?;
    let (incoming, _) = start_write(incoming, buffer).await?;
    let received = web::block(move || incoming.finish())
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("cannot finish an upload")))?;
    Ok(FileState::Received(received))
}

fn too_long() -> AppError {
    AppError::Request {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: "the upload is larger than its form could be".into(),
    }
}

/// Everything the request carried, read.
#[derive(Default)]
struct Sent {
    rows: BTreeMap<usize, RowInput>,
    files: BTreeMap<usize, (FileState, String)>,
}

/// Reads the request: the CSRF token must come first and match before any file is written.
async fn read_request(
    req: &HttpRequest,
    state: &AppState,
    payload: web::Payload,
    mut remaining: u64,
) -> Result<Sent, AppError> {
    let mut parts = csrf::multipart(req, payload).await?;
    let mut sent = Sent::default();
    let max_rows = state.settings.exhibit_max_files;
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| AppError::BadForm(e.to_string()))?;
        let name = part.name().unwrap_or_default().to_owned();
        let Some((field, row)) = split_name(&name) else {
            continue;
        };
        if row > max_rows {
            continue;
        }
        if field == "file" {
            let file_name = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(clean_file_name)
                .unwrap_or_default();
            let file = receive(state, &mut part, &mut remaining).await?;
            sent.files.insert(row, (file, file_name));
            continue;
        }
        let value = read_text(&mut part).await?;
        remaining = remaining.checked_sub(value.len() as u64).ok_or_else(too_long)?;
        let input = sent.rows.entry(row).or_default();
        match field {
            "title" => input.title = value,
            "description" => input.description = value,
            "visibility" => input.visibility = value,
            "supports" => input.supports = value,
            "supersedes" => input.supersedes = value,
            "side" => input.side = value,
            _ => {}
        }
    }
    Ok(sent)
}

/// What the upload may refer to, read from the database before the form is judged.
struct Known {
    filings: Vec<EventId>,
    /// Exhibits this uploader may supersede: (id, number).
    supersedable: Vec<(ExhibitId, i32)>,
    case_bytes: i64,
}

/// The limits an upload is judged by.
struct Limits {
    file: u64,
    case: u64,
}

/// Reads each row of the form into an exhibit to record, or says what is wrong with it.
fn judge(
    lang: crate::domain::Lang,
    staff: bool,
    own_side: Side,
    known: &Known,
    sent: Sent,
    limits: &Limits,
) -> Result<Vec<(Filing, Received)>, (UploadErrors, StatusCode)> {
    let mut errors = UploadErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    let mut files = sent.files;
    let mut ready = Vec::new();
    let rows: std::collections::BTreeSet<usize> = sent.rows.keys().chain(files.keys()).copied().collect();
    let mut total: u64 = 0;
    for row in rows {
        let input = sent.rows.get(&row).cloned().unwrap_or_default();
        let file = files.remove(&row);
        let has_file = matches!(file, Some((FileState::Received(_) | FileState::TooLarge, _)));
        // A row left blank is not an exhibit.
        if !has_file && input.title.trim().is_empty() && input.description.trim().is_empty() {
            continue;
        }
        let mut fail = |field: &'static str, message: String| errors.messages.push((row, field, message));
        let title = input.title.trim().to_owned();
        if title.is_empty() {
            fail("title", i18n::text(lang, "exhibit-title-required"));
        } else if title.chars().count() > TITLE_MAX {
            fail("title", i18n::text(lang, "err-too-long"));
        }
        let description = input.description.trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX {
            fail("description", i18n::text(lang, "err-too-long"));
        }
        let visibility = Visibility::parse(&input.visibility);
        if visibility.is_none() {
            fail("visibility", i18n::text(lang, "err-choose"));
        }
        // Staff may file for a party (evidence that came on paper); a party for its side.
        let side = match (staff, input.side.as_str()) {
            (true, raw) if !raw.is_empty() => Side::parse(raw),
            _ => Some(own_side),
        };
        if side.is_none() {
            fail("side", i18n::text(lang, "err-choose"));
        }
        let supports = match input.supports.trim() {
            "" => None,
            raw => {
                let id = raw
                    .parse()
                    .ok()
                    .map(EventId)
                    .filter(|id| known.filings.contains(id));
                if id.is_none() {
                    fail("supports", i18n::text(lang, "err-choose"));
                }
                id
            }
        };
        let supersedes = match input.supersedes.trim() {
            "" => None,
            raw => {
                let found = raw
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| known.supersedable.iter().find(|(i, _)| *i == ExhibitId(id)))
                    .map(|(id, number)| (*id, *number));
                if found.is_none() {
                    fail("supersedes", i18n::text(lang, "exhibit-cannot-supersede"));
                }
                found
            }
        };
        let (received, file_name) = match file {
            Some((FileState::Received(r), name)) => (Some(r), name),
            Some((FileState::TooLarge, _)) => {
                status = StatusCode::PAYLOAD_TOO_LARGE;
                let max = [("max", super::human_size(limits.file))];
                fail("file", i18n::text_with(lang, "exhibit-too-large", &max));
                (None, String::new())
            }
            _ => {
                fail("file", i18n::text(lang, "exhibit-choose-file"));
                (None, String::new())
            }
        };
        let detected = received.as_ref().and_then(|r| match detect(&r.head, &file_name) {
            Ok(d) => Some(d),
            Err(refusal) => {
                fail("file", i18n::text(lang, refusal.key()));
                None
            }
        });
        errors.rows.insert(row, input);
        if let (Some(received), Some(detected), Some(visibility), Some(side)) =
            (received, detected, visibility, side)
        {
            total += received.size;
            let file_name = if file_name.is_empty() {
                format!("exhibit.{}", detected.extension)
            } else {
                file_name
            };
            let filing = Filing {
                title,
                description,
                visibility,
                side,
                file_name,
                content_type: detected.mime,
                extension: detected.extension,
                supports,
                supersedes,
            };
            ready.push((filing, received));
        }
    }
    if errors.rows.is_empty() {
        errors
            .messages
            .push((1, "file", i18n::text(lang, "exhibit-choose-file")));
    }
    let case_bytes = u64::try_from(known.case_bytes).unwrap_or(0);
    if errors.messages.is_empty() && case_bytes + total > limits.case {
        status = StatusCode::PAYLOAD_TOO_LARGE;
        errors.general = Some(case_full(lang, limits.case));
    }
    if errors.messages.is_empty() && errors.general.is_none() {
        Ok(ready)
    } else {
        Err((errors, status))
    }
}

fn case_full(lang: crate::domain::Lang, max: u64) -> String {
    i18n::text_with(lang, "exhibit-case-full", &[("max", super::human_size(max))])
}

pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let opened = open(&state, &user, &path).await?;
    if !policy::may_upload(&user, opened.case.state(), opened.part) {
        return refuse(
            &state,
            &ctx,
            &user,
            &path,
            Banner::ExhibitRefused,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let settings = &state.settings;
    let limits = Limits {
        file: settings.exhibit_max_bytes,
        case: settings.case_evidence_max_bytes,
    };
    // Refused before the body is read: more than the form could ever carry.
    let most = (limits.file + TEXT_FIELD_MAX as u64 * 8).saturating_mul(settings.exhibit_max_files as u64);
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > most) {
        let errors = UploadErrors {
            general: Some(i18n::text_with(
                ctx.lang,
                "exhibit-too-large",
                &[("max", super::human_size(limits.file))],
            )),
            ..UploadErrors::default()
        };
        let banner = Banner::ExhibitErrors(errors);
        return refuse(&state, &ctx, &user, &path, banner, StatusCode::PAYLOAD_TOO_LARGE).await;
    }
    let sent = read_request(&req, &state, payload, most).await?;
    let own_side = policy::filing_side(&user, opened.part).unwrap_or(Side::Office);
    let (case_id, part, by) = (opened.case.id, opened.part, user.clone());
    let known = state
        .db(move |c| {
            let list = exhibit::of_case(c, case_id, policy::viewer_of(&by, part))?;
            Ok(Known {
                filings: store::events_of(c, case_id)?.iter().map(|e| e.id).collect(),
                supersedable: list
                    .iter()
                    .filter(|e| policy::may_supersede(&by, part, e.row.side(), e.row.is_current()))
                    .map(|e| (e.row.id, e.row.number))
                    .collect(),
                case_bytes: exhibit::case_bytes(c, case_id)?,
            })
        })
        .await?;
    let staff = policy::is_officer(&user);
    let ready = match judge(ctx.lang, staff, own_side, &known, sent, &limits) {
        Ok(ready) => ready,
        Err((errors, status)) => {
            return refuse(&state, &ctx, &user, &path, Banner::ExhibitErrors(errors), status).await;
        }
    };
    // The files are kept durably first; a crash before the commit below leaves only files
    // that no exhibit names, which the scrub reports and which are harmless.
    let store = state.evidence.clone();
    let kept = web::block(move || {
        ready
            .into_iter()
            .map(|(filing, received)| {
                let (fingerprint, size) = (received.fingerprint.clone(), received.size);
                store.keep(received).map(|()| Kept {
                    filing,
                    fingerprint,
                    size,
                })
            })
            .collect::<std::io::Result<Vec<_>>>()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("cannot keep an exhibit's file")))?;

    let address = client_address(&req, state.settings.trusted_proxy);
    let (by, app) = (user.clone(), state.clone());
    let filed = state
        .db(move |c| {
            let ctx = crate::workflow::Ctx {
                public_url: &app.public_url,
                settings: &app.settings,
                address,
            };
            Ok(services::exhibits::record_upload(
                c, &ctx, case_id, &by, part, &kept,
            )?)
        })
        .await?;
    let why = match filed {
        Filed::Recorded(numbers) => {
            state.mail_queued();
            tracing::info!(case = %opened.case_no, ?numbers, "exhibits filed");
            flash::set(&req, Flash::ExhibitsFiled);
            return Ok(page::see_other(&format!("/cases/{}#exhibits", opened.case_no)));
        }
        Filed::NotAllowed => {
            return refuse(
                &state,
                &ctx,
                &user,
                &path,
                Banner::ExhibitRefused,
                StatusCode::FORBIDDEN,
            )
            .await;
        }
        Filed::Refused(why) => why,
    };
    let message = match why {
        UploadRefusal::CaseFull => case_full(ctx.lang, state.settings.case_evidence_max_bytes),
        UploadRefusal::SideFull => ctx.t("exhibit-side-full"),
        UploadRefusal::AlreadySuperseded => ctx.t("exhibit-already-superseded"),
    };
    let errors = UploadErrors {
        general: Some(message),
        ..UploadErrors::default()
    };
    refuse(
        &state,
        &ctx,
        &user,
        &path,
        Banner::ExhibitErrors(errors),
        StatusCode::CONFLICT,
    )
    .await
}
