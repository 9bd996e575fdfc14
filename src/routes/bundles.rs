//! Evidence bundles on a case (DESIGN §6): requesting one for an audience, its page (progress
//! while it is built in the background, then its size and hash), and its download; and the pages publishing the
//! office's public keys, with which anyone can check a bundle's signature offline. A request
//! for content already bundled gets that bundle; requests are limited per user and per case.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::policy;
use crate::bundle::{key, keyring};
use crate::domain::{Audience, BundleStatus, human_size};
use crate::i18n;
use crate::models::bundle::{self, BundleRow, Requester};
use crate::models::office_key::{self, OfficeKeyRow};
use crate::models::user::User;
use crate::routes::cases::{Banner, page_again};
use crate::routes::exhibits::{self, Opened};
use crate::services;
use crate::services::bundles::Asked;
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

/// The bundles section of the case page.
pub struct BundlesPanel<'a> {
    pub list: &'a [(BundleRow, String)],
    pub requestable: Vec<Audience>,
    pub base: String,
}

impl BundlesPanel<'_> {
    pub fn size(&self, b: &BundleRow) -> String {
        human_size(b.size.unwrap_or(0) as u64)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RequestForm {
    audience: String,
}

pub async fn request(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let (user, factor_at) = (current.user, current.factor_at);
    let opened = exhibits::open(&state, &user, &path).await?;
    let allowed = policy::requestable_audiences(&user, opened.part);
    let Some(audience) = Audience::parse(&form.audience).filter(|a| allowed.contains(a)) else {
        let status = if allowed.is_empty() {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return page_again(&state, &ctx, &user, &path, Banner::BundleRefused, status).await;
    };
    // The office's bundle holds every exhibit, hidden ones too: the second factor again.
    if audience == Audience::Office {
        let carried = [("audience".to_owned(), form.audience.clone())];
        let asked = crate::web::step_up::ask_if_stale(&req, &state, user.id, factor_at, &carried).await?;
        if let Some(page) = asked {
            return Ok(page);
        }
    }
    let address = client_address(&req, state.settings.trusted_proxy);
    let (case, case_no, by, lang) = (opened.case.id, opened.case_no, user.clone(), ctx.lang);
    let app = state.clone();
    let asked = state
        .db(move |c| {
            Ok(services::bundles::request(
                c,
                &app.settings,
                &by,
                case,
                &case_no,
                audience,
                lang,
                address,
            )?)
        })
        .await?;
    let row = match asked {
        Asked::Queued(row) => {
            state.bundle_wake.notify_one();
            row
        }
        Asked::Given(row) => row,
        Asked::Limited(who, max, minutes) => {
            let key = match who {
                Requester::User(_) => "bundle-limit-user",
                Requester::Case(_) => "bundle-limit-case",
            };
            let message = i18n::text_with(
                ctx.lang,
                key,
                &[("max", max.to_string()), ("minutes", minutes.to_string())],
            );
            let case_no = opened.case_no.to_string();
            return page::render(
                StatusCode::TOO_MANY_REQUESTS,
                &LimitedPage {
                    ctx: &ctx,
                    case_no: &case_no,
                    message: &message,
                },
            );
        }
    };
    Ok(page::see_other(&format!(
        "/cases/{}/bundles/{}",
        opened.case_no, row.public_id
    )))
}

/// Too many bundles asked for: how long to wait, and where the bundles already made are.
#[derive(Template)]
#[template(path = "bundles/limited.html")]
struct LimitedPage<'a> {
    ctx: &'a PageCtx,
    case_no: &'a str,
    message: &'a str,
}

#[derive(Deserialize)]
pub struct BundlePath {
    case_no: String,
    id: String,
}

#[derive(Template)]
#[template(path = "bundles/show.html")]
struct BundlePage<'a> {
    ctx: &'a PageCtx,
    case_no: &'a str,
    b: &'a BundleRow,
    done: String,
    total: String,
    size: String,
    /// Staff read why a build failed; the parties are told to ask again.
    staff: bool,
    /// After how many days a bundle's file is deleted.
    retention_days: u32,
    /// Whether the viewer may ask for this audience's bundle again, once its file is deleted.
    may_request: bool,
}

impl BundlePage<'_> {
    fn in_progress(&self) -> bool {
        matches!(self.b.status(), BundleStatus::Queued | BundleStatus::Building)
    }
}

/// The bundle, if the viewer may have its audience's view; missing and hidden look alike.
async fn open_bundle(
    state: &AppState,
    user: &User,
    path: &BundlePath,
) -> Result<(Opened, BundleRow), AppError> {
    let opened = exhibits::open(state, user, &path.case_no).await?;
    let id: uuid::Uuid = path.id.parse().map_err(|_| AppError::NotFound)?;
    let case = opened.case.id;
    let found = state
        .db(move |c| Ok(bundle::find(c, case, &id.to_string())?))
        .await?
        .filter(|b| policy::visible_audiences(user, opened.part).contains(&b.audience()))
        .ok_or(AppError::NotFound)?;
    Ok((opened, found))
}

/// `GET /cases/{case_no}/bundles/{id}`: the bundle's page. While it is built, its progress,
/// which a small script refreshes in place (a link does it without scripts); once done, its
/// size and SHA-256 with a download button.
pub async fn show(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<BundlePath>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let (opened, b) = open_bundle(&state, &user, &path).await?;
    render_bundle(&state, &ctx, &user, &opened, &b, StatusCode::OK)
}

fn render_bundle(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    opened: &Opened,
    b: &BundleRow,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let case_no = opened.case_no.to_string();
    page::render(
        status,
        &BundlePage {
            ctx,
            case_no: &case_no,
            done: human_size(b.bytes_done as u64),
            total: human_size(b.bytes_total as u64),
            size: human_size(b.size.unwrap_or(0) as u64),
            staff: policy::is_officer(user),
            retention_days: state.settings.bundle_retention_days,
            may_request: policy::requestable_audiences(user, opened.part).contains(&b.audience()),
            b,
        },
    )
}

/// `GET /cases/{case_no}/bundles/{id}/download`: the bundle itself, as an attachment. Each
/// download is audited and enters the custody log of every exhibit in the bundle; a `HEAD`
/// sends no bytes and records nothing. A bundle whose file was deleted is gone (410), with
/// its page saying so.
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    path: web::Path<BundlePath>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let (opened, b) = open_bundle(&state, &user, &path).await?;
    if b.file_deleted_at.is_some() {
        return render_bundle(&state, &ctx, &user, &opened, &b, StatusCode::GONE);
    }
    if b.status() != BundleStatus::Done {
        return Ok(page::see_other(&format!(
            "/cases/{}/bundles/{}",
            opened.case_no, b.public_id
        )));
    }
    let size = b.size.unwrap_or(0) as u64;
    let name = b
        .file_name
        .clone()
        .unwrap_or_else(|| format!("{}.zip", b.public_id));
    if req.method() == actix_web::http::Method::HEAD {
        return Ok(exhibits::attachment_head(size, "application/zip", &name));
    }
    let file = crate::evidence::BundleFile::of(&b.public_id, b.sha256.as_deref())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a built bundle has no id or SHA-256")))?;
    let reading = {
        let store = state.evidence.clone();
        web::block(move || store.read_bundle(&file))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("cannot open a built bundle")))?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a built bundle's file is missing")))?
    };
    let address = client_address(&req, state.settings.trusted_proxy);
    let (by, row) = (user.clone(), b.clone());
    state
        .db(move |c| Ok(services::bundles::record_download(c, &by, &row, address)?))
        .await?;
    Ok(exhibits::attachment_response(
        reading.reader,
        size,
        "application/zip",
        &name,
    ))
}

/// One of the office's keys as the site publishes it.
pub struct PublishedKey {
    pub row: OfficeKeyRow,
    pub pem: String,
}

/// Every key the office has signed with, the current one first.
async fn published(state: &AppState) -> Result<Vec<PublishedKey>, AppError> {
    let rows = state.db(|c| Ok(office_key::all(c)?)).await?;
    rows.into_iter()
        .map(|row| {
            let pem = key::public_pem(&keyring::public_of(&row)?);
            Ok(PublishedKey { row, pem })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "bundles/office_key.html")]
struct OfficeKeyPage<'a> {
    ctx: &'a PageCtx,
    keys: &'a [PublishedKey],
}

/// The office's public keys, each with the dates it signed bundles in, published so that
/// bundles can be checked by anyone, offline, however old they are.
pub async fn office_key(state: web::Data<AppState>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let keys = published(&state).await?;
    page::ok(&OfficeKeyPage {
        ctx: &ctx,
        keys: &keys,
    })
}

/// The current key.
pub async fn office_key_pem(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let keys = published(&state).await?;
    let current = keys.first().ok_or(AppError::NotFound)?;
    Ok(pem_file("office-key.pem", current.pem.clone()))
}

/// Every key, each after a comment line naming its fingerprint and validity: what
/// `ipdesk bundle verify --key` needs to check any bundle the office ever signed.
pub async fn office_keys_pem(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let utc = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut body = String::new();
    for k in published(&state).await? {
        let r = &k.row;
        let until = match r.valid_until {
            Some(until) => format!("until {}", utc(until)),
            None => "current".to_owned(),
        };
        body.push_str(&format!(
            "# Office key {}: SHA-256 fingerprint {}, valid from {}, {until}\n{}",
            r.generation,
            r.fingerprint,
            utc(r.valid_from),
            k.pem
        ));
    }
    Ok(pem_file("office-keys.pem", body))
}

fn pem_file(name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/x-pem-file")
        .insert_header(header::ContentDisposition::attachment(name))
        .body(body)
}
