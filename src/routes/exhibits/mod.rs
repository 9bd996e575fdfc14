//! Evidence on a case (DESIGN §5): the exhibits list on the case page, uploads, downloads
//! with safe headers, an exhibit's own page with its custody log (and its CSV), visibility
//! changes by staff, and the fingerprint checks. Every read goes through the viewer's
//! visibility in the query: a hidden exhibit answers exactly like one that does not exist.

pub mod check;
pub mod upload;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::policy;
use crate::auth::policy::case_scope;
use crate::domain::office_time::OfficeZone;
use crate::domain::workflow::Part;
use crate::domain::{CaseNumber, ExhibitNumber, Side, Visibility, human_size};
use crate::models::case::{self, CaseRow};
use crate::models::exhibit::{self, CustodyRow, ExhibitView, Viewer};
use crate::models::id::{EventId, ExhibitId};
use crate::models::user::User;
use crate::models::workflow as store;
use crate::services;
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

/// A case as the evidence routes see it: scoped to the viewer, with what they are to it.
pub struct Opened {
    pub case: CaseRow,
    pub case_no: CaseNumber,
    pub viewer: Viewer,
    pub part: Part,
}

/// The case by number, if the viewer may see it; missing and hidden look the same.
pub async fn open(state: &AppState, user: &User, raw: &str) -> Result<Opened, AppError> {
    let case_no = CaseNumber::parse(raw).ok_or(AppError::NotFound)?;
    let (scope, me, staff) = (case_scope(user), user.id, policy::is_officer(user));
    let number = case_no;
    let (case, part) = state
        .db(move |c| {
            let case = case::find_by_number(c, scope, &number)?.ok_or(AppError::NotFound)?;
            let part = if staff {
                Part::default()
            } else {
                store::part_of(c, case.id, me)?
            };
            Ok((case, part))
        })
        .await?;
    Ok(Opened {
        viewer: policy::viewer_of(user, part),
        case,
        case_no,
        part,
    })
}

/// The exhibits section of the case page.
pub struct ExhibitsPanel<'a> {
    pub list: &'a [ExhibitView],
    pub can_upload: bool,
    /// Staff choose the side an exhibit is filed for (a paper filing by a party).
    pub staff: bool,
    pub base: String,
    /// The history entries a new exhibit may support: (event id, label).
    pub filings: Vec<(EventId, String)>,
    /// The exhibits this viewer may correct: (id, number, title).
    pub supersedable: Vec<(ExhibitId, i32, String)>,
    pub refused: Option<&'a upload::UploadErrors>,
    pub rows: usize,
    pub max_bytes: u64,
}

impl ExhibitsPanel<'_> {
    pub fn current_count(&self) -> usize {
        self.list
            .iter()
            .filter(|e| self.superseded_by(e).is_none())
            .count()
    }

    /// The number of the exhibit that corrected this one, if the viewer sees it. A
    /// correction the viewer may not see is not shown either: it would tell them that a
    /// hidden exhibit exists.
    pub fn superseded_by(&self, e: &ExhibitView) -> Option<i32> {
        let id = e.row.superseded_by_id?;
        self.list.iter().find(|o| o.row.id == id).map(|o| o.row.number)
    }

    pub fn supersedes(&self, e: &ExhibitView) -> Option<i32> {
        let id = e.row.supersedes_id?;
        self.list.iter().find(|o| o.row.id == id).map(|o| o.row.number)
    }

    pub fn error(&self, row: usize, field: &str) -> Option<&str> {
        self.refused?.error(row, field)
    }

    pub fn general_error(&self) -> Option<&str> {
        self.refused?.general.as_deref()
    }

    pub fn typed(&self, row: usize, field: &str) -> &str {
        self.refused.map_or("", |r| r.typed(row, field))
    }

    pub fn chosen(&self, row: usize, field: &str, value: &str, default: bool) -> bool {
        match self.refused {
            Some(r) if r.typed(row, field).is_empty() => default,
            Some(r) => r.typed(row, field) == value,
            None => default,
        }
    }

    pub fn row_numbers(&self) -> std::ops::RangeInclusive<usize> {
        1..=self.rows
    }

    /// The name a row's field has in the form: the first row plain, the others `name.N`.
    pub fn field(&self, row: &usize, name: &str) -> String {
        if *row == 1 {
            name.to_owned()
        } else {
            format!("{name}.{row}")
        }
    }

    pub fn sides(&self) -> &'static [Side] {
        Side::ALL
    }

    pub fn visibilities(&self) -> &'static [Visibility] {
        Visibility::ALL
    }

    pub fn size(&self, e: &ExhibitView) -> String {
        human_size(u64::try_from(e.row.size).unwrap_or(0))
    }

    /// Enough of the fingerprint to tell exhibits apart in a list.
    pub fn short_hash<'b>(&self, e: &'b ExhibitView) -> &'b str {
        e.row.sha256.get(..16).unwrap_or(&e.row.sha256)
    }

    pub fn max_size(&self) -> String {
        human_size(self.max_bytes)
    }
}

/// The labels of the filings an exhibit can support: the case's history entries (the
/// complaint, supplements, replies, session records, proposals …).
pub fn filings(events: &[store::EventView], ctx: &PageCtx) -> Vec<(EventId, String)> {
    events
        .iter()
        .map(|e| (e.id, filing_label(ctx.lang, ctx.zone, e)))
        .collect()
}

/// A history entry as an exhibit's "supports" choice: what happened, on which office day.
fn filing_label(lang: crate::domain::Lang, zone: OfficeZone, e: &store::EventView) -> String {
    format!(
        "{} ({})",
        crate::i18n::label(lang, "action", &e.action),
        zone.day_of(e.at)
    )
}

#[derive(Deserialize)]
pub struct ExhibitPath {
    case_no: String,
    number: String,
}

/// The case and one of its exhibits, if the viewer may see both.
async fn open_exhibit(
    state: &AppState,
    user: &User,
    path: &ExhibitPath,
) -> Result<(Opened, ExhibitView), AppError> {
    let opened = open(state, user, &path.case_no).await?;
    let number = ExhibitNumber::parse(&path.number).ok_or(AppError::NotFound)?;
    let (id, viewer) = (opened.case.id, opened.viewer);
    let found = state
        .db(move |c| Ok(exhibit::find(c, id, number, viewer)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((opened, found))
}

/// The name a download is saved under, `1003 - Title.pdf`: the title made safe for a file
/// name, and the extension of the type found in the file, never the client's own.
fn download_name(e: &exhibit::ExhibitRow) -> String {
    let title = crate::domain::clean_file_name(&e.title.replace(['/', '\\'], "-"));
    let title: String = title.chars().take(100).collect();
    format!("{} - {title}.{}", e.number, e.extension)
}

/// RFC 6266: an ASCII fallback for old clients, and the UTF-8 name for the rest.
fn attachment(name: &str) -> ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}

/// How much of a file is read per step of a download.
const READ_SIZE: usize = 256 * 1024;

/// The exhibit's file, streamed as an attachment that no browser renders or sniffs. The
/// download is in the custody log and the audit log before the first byte leaves.
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<ExhibitPath>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let (opened, e) = open_exhibit(&state, &user, &path).await?;
    let fingerprint = e.row.fingerprint().ok_or(AppError::NotFound)?;
    let size = u64::try_from(e.row.size).unwrap_or(0);
    let content_type = crate::domain::download_type(&e.row.content_type);
    // A `HEAD` sends no bytes: it is not a download and enters no log.
    if req.method() == actix_web::http::Method::HEAD {
        return Ok(attachment_head(size, content_type, &download_name(&e.row)));
    }
    let reading = {
        let store = state.evidence.clone();
        let fingerprint = fingerprint.clone();
        web::block(move || store.read(&fingerprint))
            .await
            .map_err(|err| AppError::Internal(err.into()))?
    };
    // The database names a file the store does not have, or one of another size: the
    // scrub's business, and never a reason to hand out something else.
    let reading = match reading {
        Ok(Some(r)) if i64::try_from(r.size).ok() == Some(e.row.size) => r,
        Ok(Some(r)) => {
            tracing::error!(case = %opened.case_no, exhibit = e.row.number, size = r.size, expected = e.row.size,
                "an exhibit's stored file has the wrong size; run `ipdesk evidence scrub`");
            return Err(AppError::Internal(anyhow::anyhow!(
                "an exhibit's stored file has the wrong size"
            )));
        }
        Ok(None) => {
            tracing::error!(case = %opened.case_no, exhibit = e.row.number,
                "an exhibit's file is missing from the store; run `ipdesk evidence scrub`");
            return Err(AppError::Internal(anyhow::anyhow!(
                "an exhibit's file is missing"
            )));
        }
        Err(err) => {
            tracing::error!(case = %opened.case_no, exhibit = e.row.number, error = %err,
                "an exhibit's file cannot be opened; run `ipdesk evidence scrub`");
            return Err(AppError::Internal(
                anyhow::Error::new(err).context("cannot open an exhibit"),
            ));
        }
    };
    let address = client_address(&req, state.settings.trusted_proxy);
    let (by, row, case_no) = (user.clone(), e.row.clone(), opened.case_no);
    state
        .db(move |c| {
            Ok(services::exhibits::record_download(
                c, &by, &case_no, &row, address,
            )?)
        })
        .await?;
    Ok(attachment_response(
        reading.reader,
        size,
        content_type,
        &download_name(&e.row),
    ))
}

/// A stored file as an attachment that no browser renders or sniffs, streamed in slices read
/// on the blocking pool.
pub fn attachment_response(
    file: Box<dyn std::io::Read + Send>,
    size: u64,
    content_type: &str,
    name: &str,
) -> HttpResponse {
    let body = futures_util::stream::try_unfold(Some(file), |file| async move {
        let Some(mut file) = file else {
            return Ok(None);
        };
        let (file, chunk) = web::block(move || {
            let mut chunk = vec![0; READ_SIZE];
            let n = file.read(&mut chunk)?;
            chunk.truncate(n);
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await
        .map_err(std::io::Error::other)??;
        if chunk.is_empty() {
            Ok(None)
        } else {
            Ok::<_, std::io::Error>(Some((web::Bytes::from(chunk), Some(file))))
        }
    });
    attachment_headers(content_type, name)
        .no_chunking(size)
        .streaming(body)
}

/// What a download would send, without its bytes (for `HEAD`, which is not a download).
pub fn attachment_head(size: u64, content_type: &str, name: &str) -> HttpResponse {
    attachment_headers(content_type, name)
        .insert_header((header::CONTENT_LENGTH, size))
        .finish()
}

fn attachment_headers(content_type: &str, name: &str) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::Ok();
    res.content_type(content_type.to_owned())
        .insert_header(attachment(name))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("Cross-Origin-Resource-Policy", "same-origin"));
    res
}

/// One exhibit's page: what was filed, by whom and when, its fingerprint, the exhibits it
/// corrects or that corrected it, its custody log, and the checks.
#[derive(Template)]
#[template(path = "exhibits/show.html")]
struct ExhibitPage<'a> {
    ctx: &'a PageCtx,
    case_no: &'a str,
    e: &'a ExhibitView,
    /// As the viewer may see it ([`CustodyRow::as_seen_by`]).
    custody: &'a [CustodyRow],
    staff: bool,
    supersedes: Option<i32>,
    superseded_by: Option<i32>,
    supports: Option<String>,
    said: Said,
}

/// What the exhibit page says after a form on it was sent.
#[derive(Default)]
pub struct Said {
    pub check: Option<check::Outcome>,
    pub check_error: Option<String>,
    pub visibility_error: Option<String>,
}

impl ExhibitPage<'_> {
    fn size(&self) -> String {
        human_size(u64::try_from(self.e.row.size).unwrap_or(0))
    }

    fn visibilities(&self) -> &'static [Visibility] {
        Visibility::ALL
    }
}

struct Shown {
    custody: Vec<CustodyRow>,
    /// The filing the exhibit supports, as the history names it.
    supports: Option<String>,
    supersedes: Option<i32>,
    superseded_by: Option<i32>,
}

/// The custody log and the neighbours' numbers, as far as the viewer may see them.
async fn shown(state: &AppState, ctx: &PageCtx, opened: &Opened, e: &ExhibitView) -> Result<Shown, AppError> {
    let (case, viewer, row) = (opened.case.id, opened.viewer, e.row.clone());
    let (lang, zone) = (ctx.lang, ctx.zone);
    state
        .db(move |c| {
            let list = exhibit::of_case(c, case, viewer)?;
            let supports = match row.supports_event_id {
                Some(id) => store::events_of(c, case)?
                    .into_iter()
                    .find(|e| e.id == id)
                    .map(|e| filing_label(lang, zone, &e)),
                None => None,
            };
            let number_of = |id: Option<ExhibitId>| {
                id.and_then(|id| list.iter().find(|o| o.row.id == id).map(|o| o.row.number))
            };
            Ok(Shown {
                supports,
                supersedes: number_of(row.supersedes_id),
                superseded_by: number_of(row.superseded_by_id),
                custody: exhibit::custody_seen_by(c, case, viewer, &[row.id])?,
            })
        })
        .await
}

async fn render_exhibit(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    opened: &Opened,
    e: &ExhibitView,
    said: Said,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let shown = shown(state, ctx, opened, e).await?;
    let case_no = opened.case_no.to_string();
    page::render(
        status,
        &ExhibitPage {
            ctx,
            case_no: &case_no,
            e,
            custody: &shown.custody,
            staff: policy::is_officer(user),
            supersedes: shown.supersedes,
            superseded_by: shown.superseded_by,
            supports: shown.supports,
            said,
        },
    )
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<ExhibitPath>,
) -> Result<HttpResponse, AppError> {
    let (opened, e) = open_exhibit(&state, &current.user, &path).await?;
    render_exhibit(
        &state,
        &ctx,
        &current.user,
        &opened,
        &e,
        Said::default(),
        StatusCode::OK,
    )
    .await
}

/// The custody log, as its reader may see it, as a CSV attachment.
fn custody_export(
    rows: &[CustodyRow],
    numbers: &[(ExhibitId, i32)],
    opened: &Opened,
    name: &str,
    zone: OfficeZone,
) -> Result<HttpResponse, AppError> {
    let body = crate::evidence::custody_csv(rows, numbers, &opened.case_no.to_string(), zone)
        .map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(name))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

pub async fn custody_csv_one(
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<ExhibitPath>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let (opened, e) = open_exhibit(&state, &user, &path).await?;
    let (case, viewer, id) = (opened.case.id, opened.viewer, e.row.id);
    let rows = state
        .db(move |c| Ok(exhibit::custody_seen_by(c, case, viewer, &[id])?))
        .await?;
    let name = format!("{} {} custody.csv", opened.case_no, e.row.number);
    custody_export(
        &rows,
        &[(e.row.id, e.row.number)],
        &opened,
        &name,
        state.settings.office_zone(),
    )
}

#[derive(Deserialize)]
pub struct CasePath {
    case_no: String,
}

pub async fn custody_csv_case(
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<CasePath>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let opened = open(&state, &user, &path.case_no).await?;
    let (case, viewer) = (opened.case.id, opened.viewer);
    let (numbers, rows) = state
        .db(move |c| {
            let list = exhibit::of_case(c, case, viewer)?;
            let ids: Vec<ExhibitId> = list.iter().map(|e| e.row.id).collect();
            let numbers: Vec<(ExhibitId, i32)> = list.iter().map(|e| (e.row.id, e.row.number)).collect();
            Ok((numbers, exhibit::custody_seen_by(c, case, viewer, &ids)?))
        })
        .await?;
    let name = format!("{} custody.csv", opened.case_no);
    custody_export(&rows, &numbers, &opened, &name, state.settings.office_zone())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisibilityForm {
    visibility: String,
}

/// Staff change who may see an exhibit; recorded in its custody log and the audit log, and
/// served on a side that may now see it for the first time.
pub async fn set_visibility(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<ExhibitPath>,
    CsrfForm(form): CsrfForm<VisibilityForm>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let (opened, e) = open_exhibit(&state, &user, &path).await?;
    let Some(to) = Visibility::parse(&form.visibility) else {
        let message = ctx.t("err-choose");
        return render_exhibit(
            &state,
            &ctx,
            &user,
            &opened,
            &e,
            Said {
                visibility_error: Some(message),
                ..Said::default()
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let address = client_address(&req, state.settings.trusted_proxy);
    let (by, row, case, case_no) = (user.clone(), e.row.clone(), opened.case.clone(), opened.case_no);
    let app = state.clone();
    let changed = state
        .db(move |c| {
            let ctx = crate::workflow::Ctx {
                public_url: &app.public_url,
                settings: &app.settings,
                address,
            };
            Ok(services::exhibits::set_visibility(
                c, &ctx, &by, &case, &case_no, &row, to,
            )?)
        })
        .await?;
    if changed {
        state.mail_queued();
    }
    flash::set(&req, Flash::VisibilityChanged);
    Ok(page::see_other(&format!(
        "/cases/{}/exhibits/{}/custody",
        opened.case_no, e.row.number
    )))
}
