//! Evidence bundles on a case (DESIGN §6): requesting one for an audience, its page (progress
//! while it is built in the background, then its size and hash), and its download; and the page publishing the
//! office's public key, with which anyone can check a bundle's signature offline.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::auth::address::client_address;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::CurrentUser;
use crate::bundle::key;
use crate::db::write_tx;
use crate::domain::workflow::Part;
use crate::domain::{Audience, BundleStatus, CustodyAction, human_size};
use crate::error::AppError;
use crate::models::bundle::{self, BundleRow};
use crate::models::case::CaseId;
use crate::models::exhibit::{self, Custody};
use crate::models::user::User;
use crate::models::{self};
use crate::routes::cases::{Banner, is_staff, page_again};
use crate::routes::exhibits::{self, Opened};
use crate::routes::page::{self, PageCtx};
use crate::startup::AppState;

/// The audiences whose bundles this viewer may have: the office and the panel all of them, a
/// party its own side's and the parties' one.
pub fn visible_audiences(user: &User, part: Part) -> Vec<Audience> {
    if is_staff(user) || part.on_panel {
        return Audience::ALL.to_vec();
    }
    let sides = (part.complainant, part.respondent);
    Audience::ALL
        .iter()
        .copied()
        .filter(|a| a.within(sides))
        .collect()
}

/// The audiences this viewer may ask a bundle for: staff any, a party its own side's.
pub fn requestable_audiences(user: &User, part: Part) -> Vec<Audience> {
    if is_staff(user) {
        return Audience::ALL.to_vec();
    }
    [
        part.complainant.then_some(Audience::Complainant),
        part.respondent.then_some(Audience::Respondent),
    ]
    .into_iter()
    .flatten()
    .collect()
}

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
    let user = current.user;
    let opened = exhibits::open(&state, &user, &path).await?;
    let allowed = requestable_audiences(&user, opened.part);
    let Some(audience) = Audience::parse(&form.audience).filter(|a| allowed.contains(a)) else {
        let status = if allowed.is_empty() {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return page_again(&state, &ctx, &user, &path, Banner::BundleRefused, status).await;
    };
    let address = client_address(&req, state.settings.trusted_proxy);
    let (case, by, lang) = (CaseId(opened.case.id), user.clone(), ctx.lang);
    let case_no = opened.case_no.to_string();
    let row = state
        .db(move |c| {
            write_tx(c, |c| {
                let row = bundle::request(c, case, audience, lang, by.id, models::now())?;
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&by),
                        action: "bundle.requested",
                        object: Some(("bundle", row.public_id.clone())),
                        details: json!({ "case": case_no, "audience": audience.as_str() }),
                        address,
                    },
                )?;
                Ok::<_, AppError>(row)
            })
        })
        .await?;
    state.bundle_wake.notify_one();
    Ok(page::see_other(&format!(
        "/cases/{}/bundles/{}",
        opened.case_no, row.public_id
    )))
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
    let case = CaseId(opened.case.id);
    let found = state
        .db(move |c| Ok(bundle::find(c, case, &id.to_string())?))
        .await?
        .filter(|b| visible_audiences(user, opened.part).contains(&b.audience()))
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
    let case_no = opened.case_no.to_string();
    page::ok(&BundlePage {
        ctx: &ctx,
        case_no: &case_no,
        done: human_size(b.bytes_done as u64),
        total: human_size(b.bytes_total as u64),
        size: human_size(b.size.unwrap_or(0) as u64),
        staff: is_staff(&user),
        b: &b,
    })
}

/// `GET /cases/{case_no}/bundles/{id}/download`: the bundle itself, as an attachment. Each
/// download is audited and enters the custody log of every exhibit in the bundle; a `HEAD`
/// sends no bytes and records nothing.
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    path: web::Path<BundlePath>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let (opened, b) = open_bundle(&state, &user, &path).await?;
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
    let id: uuid::Uuid = b.public_id.parse().map_err(|_| AppError::NotFound)?;
    let file = {
        let path = state.evidence.bundle_path(&id);
        web::block(move || std::fs::File::open(path))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("cannot open a built bundle")))?
    };
    let address = client_address(&req, state.settings.trusted_proxy);
    let (by, row) = (user.clone(), b.clone());
    state
        .db(move |c| {
            write_tx(c, |c| {
                let now = models::now();
                for e in bundle::exhibits_of(c, row.id)? {
                    exhibit::record(
                        c,
                        &Custody {
                            exhibit: e,
                            action: CustodyAction::Downloaded,
                            actor: Some(&by),
                            address: address.as_deref(),
                            details: json!({ "bundle": row.public_id, "sha256": row.sha256 }),
                        },
                        now,
                    )?;
                }
                audit::record(
                    c,
                    Event {
                        actor: &Actor::user(&by),
                        action: "bundle.downloaded",
                        object: Some(("bundle", row.public_id.clone())),
                        details: json!({
                            "audience": row.audience,
                            "sha256": row.sha256,
                            "size": row.size,
                        }),
                        address: address.clone(),
                    },
                )?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(exhibits::attachment_response(
        file,
        size,
        "application/zip",
        &name,
    ))
}

#[derive(Template)]
#[template(path = "bundles/office_key.html")]
struct OfficeKeyPage<'a> {
    ctx: &'a PageCtx,
    pem: &'a str,
    fingerprint: &'a str,
    raw_hex: &'a str,
}

/// The office's public key, published so that bundles can be checked by anyone, offline.
pub async fn office_key(state: web::Data<AppState>, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    let public = state.signing_key.verifying_key();
    page::ok(&OfficeKeyPage {
        ctx: &ctx,
        pem: &key::public_pem(&public),
        fingerprint: &key::fingerprint(&public),
        raw_hex: &hex::encode(public.as_bytes()),
    })
}

pub async fn office_key_pem(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/x-pem-file")
        .insert_header(header::ContentDisposition::attachment("office-key.pem"))
        .body(key::public_pem(&state.signing_key.verifying_key()))
}
