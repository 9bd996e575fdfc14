//! The office's statistics (issue 18): `/stats` for its staff, with filters, every number as
//! counted and the rights cases cite; `/statistics` for everyone, a year at a time, with small
//! numbers hidden. Both are summed from the monthly summaries (`models::stats`), and each
//! figure downloads as CSV and JSON.

mod sheet;
mod sheets;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::{Map, Value as Json, json};

use crate::domain::stats::cell::Month;
use crate::domain::stats::fields::{FieldFilter, Industries, SECTIONS};
use crate::domain::stats::figures::{Figures, Filter, Period};
use crate::domain::{Kind, PartySize, Track};
use crate::models::stats;
use crate::web::AppState;
use crate::web::chart::Figure;
use crate::web::error::AppError;
use crate::web::page::{self as pages, FieldErrors, PageCtx};
use crate::web::session::CurrentUser;

use self::sheet::Sheet;
use self::sheets::Sheets;

/// How many rights and classes the "most cited" figures list.
const MOST_CITED: usize = 10;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StatsQuery {
    pub year: String,
    pub quarter: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub track: String,
    pub field: String,
    pub size: String,
}

impl StatsQuery {
    /// The filter it asks for, or what is wrong with it, field by field.
    fn parse(&self, industries: &Industries) -> Result<Filter, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut choice = |name: &str, value: &str, parsed: bool| {
            if !value.trim().is_empty() && !parsed {
                errors.add(name, "err-choose");
            }
        };
        let year: Option<i32> = self
            .year
            .trim()
            .parse()
            .ok()
            .filter(|y| (2000..=2999).contains(y));
        choice("year", &self.year, year.is_some());
        let quarter: Option<u32> = self.quarter.trim().parse().ok().filter(|q| (1..=4).contains(q));
        choice("quarter", &self.quarter, quarter.is_some());
        let kind = Kind::parse(self.kind.trim());
        choice("kind", &self.kind, kind.is_some());
        let track = Track::parse(self.track.trim());
        choice("track", &self.track, track.is_some());
        let field = FieldFilter::parse(&self.field, industries);
        choice("field", &self.field, field.is_some());
        let size = match self.size.trim() {
            "" => None,
            "none" => Some(None),
            s => PartySize::parse(s).map(Some),
        };
        choice("size", &self.size, size.is_some());
        let (from, to) = (Month::parse(&self.from), Month::parse(&self.to));
        for (name, text, month) in [("from", &self.from, from), ("to", &self.to, to)] {
            if !text.trim().is_empty() && month.is_none() {
                errors.add(name, "err-stats-month");
            }
        }
        let range = !self.from.trim().is_empty() || !self.to.trim().is_empty();
        if range && year.is_some() {
            errors.add("from", "err-stats-year-or-range");
        }
        if quarter.is_some() && year.is_none() && errors.get("quarter").is_none() {
            errors.add("quarter", "err-stats-quarter-needs-year");
        }
        let period = match (year, quarter, from, to) {
            (Some(y), Some(q), ..) => Period::Quarter(y, q),
            (Some(y), None, ..) => Period::Year(y),
            (None, _, Some(f), Some(t)) if f <= t => Period::Months(f, t),
            (None, _, Some(_), Some(_)) => {
                errors.add("to", "err-stats-range-order");
                Period::All
            }
            (None, _, Some(_), None) if range => {
                errors.add("to", "err-required");
                Period::All
            }
            (None, _, None, Some(_)) => {
                errors.add("from", "err-required");
                Period::All
            }
            _ => Period::All,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Filter {
            period,
            kind,
            track,
            field,
            size,
        })
    }

    /// The same filter in an address, for download links.
    fn query_string(&self) -> String {
        let pairs = [
            ("year", &self.year),
            ("quarter", &self.quarter),
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("track", &self.track),
            ("field", &self.field),
            ("size", &self.size),
        ];
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            if !v.trim().is_empty() {
                out.append_pair(k, v.trim());
            }
        }
        out.finish()
    }
}

/// What the page shows for a valid filter.
struct Shown {
    figures: Figures,
    cited: stats::MostCited,
    first: Option<Month>,
}

/// Reads and sums everything a filter asks for, on the blocking pool.
async fn load(state: &web::Data<AppState>, filter: Filter, with_cited: bool) -> Result<Shown, AppError> {
    let now = Month::of(state.settings.today());
    let industries = state.industries.clone();
    state
        .db(move |c| {
            let first = stats::first_month(c)?;
            let (_, to) = filter.period.bounds(first.unwrap_or(now), now);
            let rows = stats::months(c, &filter, to)?;
            let figures = Figures::sum(&rows, &filter, &industries, now);
            let cited = if with_cited {
                stats::most_cited(c, &figures.cited, MOST_CITED)?
            } else {
                Default::default()
            };
            Ok(Shown {
                figures,
                cited,
                first,
            })
        })
        .await
}

/// An option of a select box.
pub struct Choice {
    pub value: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "stats/page.html")]
struct StatsPage<'a> {
    ctx: &'a PageCtx,
    query: &'a StatsQuery,
    errors: FieldErrors,
    years: Vec<i32>,
    kinds: Vec<Choice>,
    tracks: Vec<Choice>,
    fields: Vec<Choice>,
    sizes: Vec<Choice>,
    period: String,
    summary: Vec<sheets::KeyItem>,
    figures: Vec<Figure>,
}

impl StatsPage<'_> {
    fn query_string(&self) -> String {
        self.query.query_string()
    }

    fn selected(&self, name: &str, value: &str) -> bool {
        let current = match name {
            "year" => &self.query.year,
            "quarter" => &self.query.quarter,
            "kind" => &self.query.kind,
            "track" => &self.query.track,
            "field" => &self.query.field,
            _ => &self.query.size,
        };
        current.trim() == value
    }
}

fn choices(ctx: &PageCtx, industries: &Industries) -> (Vec<Choice>, Vec<Choice>, Vec<Choice>, Vec<Choice>) {
    let c = |value: &str, name: String| Choice {
        value: value.to_owned(),
        name,
    };
    let kinds = Kind::ALL
        .iter()
        .map(|k| c(k.as_str(), ctx.t(k.label_key())))
        .collect();
    let tracks = Track::ALL
        .iter()
        .map(|t| c(t.as_str(), ctx.t(t.label_key())))
        .collect();
    let mut fields: Vec<Choice> = SECTIONS
        .iter()
        .map(|s| {
            c(
                &s.to_string(),
                format!("{s} · {}", ctx.t(&format!("ipc-section-{s}"))),
            )
        })
        .collect();
    fields.extend(industries.all().iter().map(|i| {
        c(
            &format!("industry:{}", i.key),
            ctx.t1("stats-industry-choice", "name", i.name(ctx.lang)),
        )
    }));
    fields.push(c("none", ctx.t("stats-no-field")));
    let mut sizes: Vec<Choice> = PartySize::ALL
        .iter()
        .map(|s| c(s.as_str(), ctx.t(s.label_key())))
        .collect();
    sizes.push(c("none", ctx.t("stats-not-given")));
    (kinds, tracks, fields, sizes)
}

fn years(first: Option<Month>, now: Month) -> Vec<i32> {
    let first = first.map_or(now.year(), Month::year);
    (first..=now.year()).rev().collect()
}

fn period_text(ctx: &PageCtx, f: &Figures) -> String {
    match (f.from, f.to) {
        (Some(from), Some(to)) => ctx.t1("stats-period-shown", "period", format!("{from} – {to}")),
        _ => String::new(),
    }
}

/// `GET /stats`
pub async fn page(
    state: web::Data<AppState>,
    ctx: PageCtx,
    _current: CurrentUser,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let now = Month::of(state.settings.today());
    let (kinds, tracks, fields, sizes) = choices(&ctx, &state.industries);
    let (errors, shown) = match query.parse(&state.industries) {
        Ok(filter) => (FieldErrors::default(), Some(load(&state, filter, true).await?)),
        Err(errors) => (errors, None),
    };
    let first = match &shown {
        Some(s) => s.first,
        None => state.db(|c| Ok(stats::first_month(c)?)).await?,
    };
    let (summary, figures, period) = match &shown {
        Some(s) => {
            let Sheets { sheets, summary } = sheets::staff(&s.figures, &s.cited, &state.industries, &ctx);
            let q = query.query_string();
            let href = |file: &str| {
                if q.is_empty() {
                    format!("/stats/{file}")
                } else {
                    format!("/stats/{file}?{q}")
                }
            };
            let figures = sheets.iter().map(|s| s.figure(ctx.lang, href, None)).collect();
            (summary.items, figures, period_text(&ctx, &s.figures))
        }
        None => (Vec::new(), Vec::new(), String::new()),
    };
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    pages::render(
        status,
        &StatsPage {
            ctx: &ctx,
            query: &query,
            errors,
            years: years(first, now),
            kinds,
            tracks,
            fields,
            sizes,
            period,
            summary,
            figures,
        },
    )
}

/// `GET /stats/{figure}.csv` and `.json`: one figure of `/stats` with the same filter.
pub async fn download(
    state: web::Data<AppState>,
    ctx: PageCtx,
    _current: CurrentUser,
    file: web::Path<String>,
    query: web::Query<StatsQuery>,
) -> Result<HttpResponse, AppError> {
    let (id, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let filter = query.parse(&state.industries).map_err(|_| AppError::NotFound)?;
    let shown = load(&state, filter, id.starts_with("cited-")).await?;
    let Sheets { sheets, summary } = sheets::staff(&shown.figures, &shown.cited, &state.industries, &ctx);
    let mut about = Map::new();
    about.insert("period".into(), period_json(&shown.figures));
    about.insert("filter".into(), json!(query.query_string()));
    if id == "summary" {
        return respond(ext, &summary_sheet(&ctx, summary.items), about, "summary");
    }
    let sheet = sheets.iter().find(|s| s.id == id).ok_or(AppError::NotFound)?;
    respond(ext, sheet, about, id)
}

fn period_json(f: &Figures) -> Json {
    json!({"from": f.from.map(|m| m.to_string()), "to": f.to.map(|m| m.to_string())})
}

/// The key figures as a sheet, for their download: rates as fractions, amounts in won.
fn summary_sheet(ctx: &PageCtx, items: Vec<sheets::KeyItem>) -> Sheet {
    Sheet {
        id: "summary",
        title: ctx.t("stats-summary"),
        description: String::new(),
        category_label: ctx.t("stats-summary-category"),
        value_label: ctx.t("stats-summary-value"),
        categories: items
            .iter()
            .map(|i| (i.key.trim_start_matches("stats-sum-").to_owned(), ctx.t(i.key)))
            .collect(),
        series: vec![(
            "value".to_owned(),
            ctx.t("stats-summary-value"),
            items.iter().map(|i| i.value).collect(),
        )],
        shape: crate::web::chart::Shape::Bars,
        format: crate::web::chart::Format::Count,
    }
}

/// A download, named.
fn attachment(content_type: &str, file_name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(body)
}

fn respond(ext: &str, sheet: &Sheet, about: Map<String, Json>, name: &str) -> Result<HttpResponse, AppError> {
    match ext {
        "csv" => Ok(attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            sheet.csv(),
        )),
        "json" => Ok(attachment(
            "application/json",
            &format!("{name}.json"),
            sheet.json(about).to_string(),
        )),
        _ => Err(AppError::NotFound),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublicQuery {
    pub year: String,
}

#[derive(Template)]
#[template(path = "stats/public.html")]
struct PublicPage<'a> {
    ctx: &'a PageCtx,
    year: i32,
    years: Vec<i32>,
    summary: Vec<sheets::KeyItem>,
    figures: Vec<Figure>,
    dataset_csv: String,
    dataset_json: String,
}

impl PublicPage<'_> {
    fn columns(&self) -> [&'static str; 6] {
        DATASET_COLUMNS
    }

    fn column_key(&self, column: &str) -> String {
        format!("stats-column-{}", column.replace('_', "-"))
    }
}

/// The figures of one year as published: the last full year unless another is asked for.
async fn published(
    state: &web::Data<AppState>,
    ctx: &PageCtx,
    year: i32,
) -> Result<(Sheets, Figures), AppError> {
    let filter = Filter {
        period: Period::Year(year),
        ..Filter::everything()
    };
    let shown = load(state, filter, false).await?;
    let sheets =
        sheets::public(&shown.figures, &state.industries, ctx).map_err(|e| AppError::Internal(e.into()))?;
    Ok((sheets, shown.figures))
}

fn chosen_year(text: &str, years: &[i32], now: Month) -> Option<i32> {
    match text.trim() {
        "" => Some(
            years
                .iter()
                .copied()
                .find(|y| *y < now.year())
                .unwrap_or(now.year()),
        ),
        t => t.parse().ok().filter(|y| years.contains(y)),
    }
}

/// `GET /statistics`: the anonymised figures of a year, for anyone.
pub async fn public(
    state: web::Data<AppState>,
    ctx: PageCtx,
    query: web::Query<PublicQuery>,
) -> Result<HttpResponse, AppError> {
    let now = Month::of(state.settings.today());
    let years = years(state.db(|c| Ok(stats::first_month(c)?)).await?, now);
    let year = chosen_year(&query.year, &years, now).ok_or(AppError::NotFound)?;
    let (Sheets { sheets, summary }, _) = published(&state, &ctx, year).await?;
    let note = Some(ctx.t("stats-suppressed-note"));
    let figures = sheets
        .iter()
        .map(|s| {
            s.figure(
                ctx.lang,
                |file| format!("/statistics/{year}-{file}"),
                note.clone(),
            )
        })
        .collect();
    pages::ok(&PublicPage {
        ctx: &ctx,
        year,
        years,
        summary: summary.items,
        figures,
        dataset_csv: format!("/statistics/{year}.csv"),
        dataset_json: format!("/statistics/{year}.json"),
    })
}

/// `GET /statistics/{year}.csv|json` (the whole year's dataset, one row per number) and
/// `GET /statistics/{year}-{figure}.csv|json`.
pub async fn public_download(
    state: web::Data<AppState>,
    ctx: PageCtx,
    file: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let now = Month::of(state.settings.today());
    let (stem, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let (year, id) = match stem.split_once('-') {
        Some((y, id)) => (y, Some(id)),
        None => (stem, None),
    };
    let years = years(state.db(|c| Ok(stats::first_month(c)?)).await?, now);
    let year = chosen_year(year, &years, now)
        .filter(|_| !year.is_empty())
        .ok_or(AppError::NotFound)?;
    let (Sheets { sheets, .. }, figures) = published(&state, &ctx, year).await?;
    let mut about = Map::new();
    about.insert("year".into(), json!(year));
    about.insert("period".into(), period_json(&figures));
    about.insert("suppression".into(), json!(ctx.t("stats-suppressed-note")));
    if let Some(id) = id {
        let sheet = sheets.iter().find(|s| s.id == id).ok_or(AppError::NotFound)?;
        return respond(ext, sheet, about, &format!("{year}-{id}"));
    }
    let name = format!("ipdesk-statistics-{year}");
    match ext {
        "csv" => Ok(attachment(
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
            dataset_csv(&sheets),
        )),
        "json" => {
            about.insert("columns".into(), dataset_columns(&ctx));
            about.insert(
                "figures".into(),
                Json::Array(sheets.iter().map(|s| s.json(Map::new())).collect()),
            );
            Ok(attachment(
                "application/json",
                &format!("{name}.json"),
                Json::Object(about).to_string(),
            ))
        }
        _ => Err(AppError::NotFound),
    }
}

/// The dataset's columns, described (the CSV's header, in the JSON and on the page).
pub const DATASET_COLUMNS: [&str; 6] = [
    "figure",
    "category_code",
    "category",
    "series_code",
    "series",
    "value",
];

fn dataset_columns(ctx: &PageCtx) -> Json {
    Json::Array(
        DATASET_COLUMNS
            .iter()
            .map(
                |c| json!({"key": c, "description": ctx.t(&format!("stats-column-{}", c.replace('_', "-")))}),
            )
            .collect(),
    )
}

/// One row per published number: which figure, which category, which series, and the number
/// ("<5" where hidden).
fn dataset_csv(sheets: &[Sheet]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&DATASET_COLUMNS.join(","));
    out.push_str("\r\n");
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for s in sheets {
        for (i, (code, name)) in s.categories.iter().enumerate() {
            for (scode, sname, values) in &s.series {
                let value = match values.get(i) {
                    Some(crate::web::chart::Value::Number(n)) => format!("{n}"),
                    Some(crate::web::chart::Value::Suppressed) => "<5".to_owned(),
                    _ => String::new(),
                };
                let cells =
                    [s.id, code, name, scode, sname, &value].map(|c| crate::domain::csv_cell(c).into_owned());
                let _ = w.write_record(&cells);
            }
        }
    }
    out.push_str(&String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default());
    out
}
