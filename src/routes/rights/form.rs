//! Staff add a right by hand, or correct one (a stub completed, an import's mistake fixed).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::{ClassSymbol, Lang, PatentNumber, RightKind, RightSource};
use crate::i18n;
use crate::models::right::{self, Cited, RightData, RightRow};
use crate::models::user::User;
use crate::services::rights::{self, Saved};
use crate::web::AppState;
use crate::web::address::client_address;
use crate::web::csrf::CsrfForm;
use crate::web::error::AppError;
use crate::web::flash::{self, Flash};
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

const TEXT_MAX: usize = 2_000;
const ABSTRACT_MAX: usize = 20_000;

/// Room for every field at its longest, in Korean, percent-encoded (up to 9 bytes a
/// character).
pub fn payload_limit() -> web::PayloadConfig {
    web::PayloadConfig::new((ABSTRACT_MAX + 12 * TEXT_MAX) * 9 + 64 * 1024)
}

/// The form as typed: lists one item per line.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct RightForm {
    pub number: String,
    /// Empty: what the number denotes.
    pub right_kind: String,
    pub title: String,
    pub other_titles: String,
    pub applicants: String,
    pub owners: String,
    pub inventors: String,
    pub application_no: String,
    pub filing_date: String,
    pub publication_date: String,
    pub grant_date: String,
    pub status: String,
    pub ipc: String,
    pub cpc: String,
    pub abstract_text: String,
    pub citations: String,
}

impl RightForm {
    fn of(d: &RightData) -> RightForm {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let symbols =
            |list: &[ClassSymbol]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("\n");
        RightForm {
            number: d.number.display(),
            right_kind: d.right_kind.as_str().to_string(),
            title: d.title.clone(),
            other_titles: d.other_titles.join("\n"),
            applicants: d.applicants.join("\n"),
            owners: d.owners.join("\n"),
            inventors: d.inventors.join("\n"),
            application_no: d.application_no.clone().unwrap_or_default(),
            filing_date: date(d.filing_date),
            publication_date: date(d.publication_date),
            grant_date: date(d.grant_date),
            status: d.status.clone().unwrap_or_default(),
            ipc: symbols(&d.ipc),
            cpc: symbols(&d.cpc),
            abstract_text: d.abstract_text.clone().unwrap_or_default(),
            citations: d
                .citations
                .iter()
                .map(|c| c.number.display())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// Messages per field, in the reader's language.
type Errors = Vec<(&'static str, String)>;

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// Reads the form into a right, or says, field by field, what is wrong.
fn parse(lang: Lang, f: &RightForm) -> Result<RightData, Errors> {
    let mut errors: Errors = Vec::new();
    let number = PatentNumber::parse(&f.number)
        .map_err(|e| errors.push(("number", i18n::text_with(lang, e.key(), &e.args()))))
        .ok();
    let title = f.title.trim().to_string();
    if title.is_empty() {
        errors.push(("title", i18n::text(lang, "err-required")));
    }
    for (field, value) in [
        ("title", &f.title),
        ("other_titles", &f.other_titles),
        ("applicants", &f.applicants),
        ("owners", &f.owners),
        ("inventors", &f.inventors),
        ("application_no", &f.application_no),
        ("status", &f.status),
    ] {
        if value.chars().count() > TEXT_MAX {
            errors.push((field, i18n::text(lang, "err-too-long")));
        }
    }
    if f.abstract_text.chars().count() > ABSTRACT_MAX {
        errors.push(("abstract_text", i18n::text(lang, "err-too-long")));
    }
    let mut date = |field: &'static str, text: &str| -> Option<NaiveDate> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.push((field, i18n::text(lang, "err-date"))))
            .ok()
    };
    let filing_date = date("filing_date", &f.filing_date);
    let publication_date = date("publication_date", &f.publication_date);
    let grant_date = date("grant_date", &f.grant_date);
    let mut symbols = |field: &'static str, text: &str| -> Vec<ClassSymbol> {
        let mut out: Vec<ClassSymbol> = Vec::new();
        for line in lines(&text.replace(';', "\n")) {
            match ClassSymbol::parse(&line).filter(ClassSymbol::is_complete) {
                Some(s) if !out.contains(&s) => out.push(s),
                Some(_) => {}
                None => {
                    errors.push((
                        field,
                        i18n::text_with(lang, "right-class-invalid", &[("symbol", line)]),
                    ));
                    break;
                }
            }
        }
        out
    };
    let ipc = symbols("ipc", &f.ipc);
    let cpc = symbols("cpc", &f.cpc);
    let mut citations = Vec::new();
    for line in lines(&f.citations) {
        match PatentNumber::parse(&line) {
            Ok(number) => citations.push(Cited {
                number,
                category: None,
            }),
            Err(e) => {
                let reason = i18n::text_with(lang, e.key(), &e.args());
                let args = [("number", line), ("reason", reason)];
                errors.push((
                    "citations",
                    i18n::text_with(lang, "right-citation-invalid", &args),
                ));
                break;
            }
        }
    }
    let right_kind = RightKind::parse(&f.right_kind);
    if right_kind.is_none() && !f.right_kind.is_empty() {
        errors.push(("right_kind", i18n::text(lang, "err-choose")));
    }
    match number {
        Some(number) if errors.is_empty() => Ok(RightData {
            right_kind: right_kind.unwrap_or(number.right_kind()),
            number,
            title,
            other_titles: lines(&f.other_titles),
            applicants: lines(&f.applicants),
            owners: lines(&f.owners),
            inventors: lines(&f.inventors),
            application_no: optional(&f.application_no),
            filing_date,
            publication_date,
            grant_date,
            status: optional(&f.status),
            abstract_text: optional(&f.abstract_text),
            ipc,
            cpc,
            citations,
            publications: Vec::new(),
            source: RightSource::Manual,
        }),
        _ => Err(errors),
    }
}

#[derive(Template)]
#[template(path = "rights/form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    form: &'a RightForm,
    errors: &'a Errors,
    /// The right being corrected, by its current number; none when adding.
    editing: Option<&'a RightRow>,
}

impl FormPage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn kinds(&self) -> &'static [RightKind] {
        RightKind::ALL
    }

    /// One-line fields: (name, label key, value, hint key or "").
    fn inputs(&self) -> Vec<(&'static str, &'static str, &str, &'static str)> {
        let f = self.form;
        vec![
            ("number", "right-number", &f.number, "right-number-hint"),
            ("title", "right-title", &f.title, ""),
            ("application_no", "right-application-no", &f.application_no, ""),
            ("filing_date", "right-filing-date", &f.filing_date, "date-hint"),
            (
                "publication_date",
                "right-publication-date",
                &f.publication_date,
                "date-hint",
            ),
            ("grant_date", "right-grant-date", &f.grant_date, "date-hint"),
            ("status", "right-status", &f.status, ""),
        ]
    }

    /// Fields of several lines, lists one item per line.
    fn areas(&self) -> Vec<(&'static str, &'static str, &str, &'static str)> {
        let f = self.form;
        vec![
            (
                "other_titles",
                "right-other-titles",
                &f.other_titles,
                "one-per-line",
            ),
            ("applicants", "right-applicants", &f.applicants, "one-per-line"),
            ("owners", "right-owners", &f.owners, "one-per-line"),
            ("inventors", "right-inventors", &f.inventors, "one-per-line"),
            ("ipc", "right-ipc", &f.ipc, "right-class-hint"),
            ("cpc", "right-cpc", &f.cpc, "right-class-hint"),
            (
                "citations",
                "right-section-cites",
                &f.citations,
                "right-citations-hint",
            ),
            ("abstract_text", "right-abstract", &f.abstract_text, ""),
        ]
    }

    fn action(&self) -> String {
        match self.editing {
            Some(r) => format!("/rights/{}/edit", r.docdb),
            None => "/rights".to_string(),
        }
    }
}

fn render(
    ctx: &PageCtx,
    form: &RightForm,
    errors: &Errors,
    editing: Option<&RightRow>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    page::render(
        status,
        &FormPage {
            ctx,
            form,
            errors,
            editing,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    pub number: String,
}

pub async fn new_form(
    ctx: PageCtx,
    _current: CurrentUser,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let form = RightForm {
        number: query.into_inner().number,
        ..RightForm::default()
    };
    render(&ctx, &form, &Vec::new(), None, StatusCode::OK)
}

pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: PageCtx,
    _current: CurrentUser,
    docdb: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let docdb = docdb.into_inner();
    let (row, data) = state
        .db(move |c| {
            let row = right::find(c, &docdb)?.ok_or(AppError::NotFound)?;
            let data = right::data_of(c, &row)?.ok_or(AppError::NotFound)?;
            Ok((row, data))
        })
        .await?;
    render(
        &ctx,
        &RightForm::of(&data),
        &Vec::new(),
        Some(&row),
        StatusCode::OK,
    )
}

/// Adds a right, or corrects the one at `editing` (`services::rights::save`).
async fn save(
    req: &HttpRequest,
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    editing: Option<RightRow>,
    form: RightForm,
) -> Result<HttpResponse, AppError> {
    let data = match parse(ctx.lang, &form) {
        Ok(d) => d,
        Err(errors) => {
            return render(
                ctx,
                &form,
                &errors,
                editing.as_ref(),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let address = client_address(req, state.settings.trusted_proxy);
    let (by, row) = (user.clone(), editing.clone());
    let saved = state
        .db(move |c| Ok(rights::save(c, &by, row.as_ref(), data, address)?))
        .await?;
    match saved {
        Saved::Done(docdb) => {
            flash::set(req, Flash::RightSaved);
            Ok(page::see_other(&format!("/rights/{docdb}")))
        }
        Saved::Taken(display) => {
            let errors = vec![(
                "number",
                i18n::text_with(ctx.lang, "right-number-taken", &[("number", display)]),
            )];
            render(
                ctx,
                &form,
                &errors,
                editing.as_ref(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<RightForm>,
) -> Result<HttpResponse, AppError> {
    save(&req, &state, &ctx, &current.user, None, form).await
}

pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    docdb: web::Path<String>,
    CsrfForm(form): CsrfForm<RightForm>,
) -> Result<HttpResponse, AppError> {
    let docdb = docdb.into_inner();
    let row = state
        .db(move |c| Ok(right::find(c, &docdb)?))
        .await?
        .ok_or(AppError::NotFound)?;
    save(&req, &state, &ctx, &current.user, Some(row), form).await
}
