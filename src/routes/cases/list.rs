//! The case list: what the viewer may see, newest first, filtered, searched, sorted and paged
//! on the server, with counts; and for staff, the same list whole as CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::auth::policy::{Permission, allows, case_scope};
use crate::domain::Lang;
use crate::domain::csv_cell;
use crate::domain::{Kind, Role, State, Track};
use crate::i18n;
use crate::models::case_list::{self, CaseListRow, Cursor, Filter, PAGE_SIZE, Sort};
use crate::models::user::{self, User};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub state: String,
    pub kind: String,
    pub track: String,
    pub mine: String,
    pub officer: String,
    pub sort: String,
    pub page: Option<i64>,
}

pub struct Row<'a> {
    pub case: &'a CaseListRow,
    pub complainant: &'a str,
    pub respondent: &'a str,
    pub officer: &'a str,
    /// Office days to the next running deadline, negative once overdue.
    pub days_left: Option<i64>,
    /// Office days since filing (to closing, once closed).
    pub age: Option<i64>,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    rows: Vec<Row<'a>>,
    query: &'a ListQuery,
    total: i64,
    /// More matches than `total` (a text search counts only so far).
    more: bool,
    page: i64,
    pages: i64,
    counts: &'a [(String, i64)],
    /// Officers to filter by (staff only).
    officers: &'a [User],
    staff: bool,
    can_file: bool,
    states: &'static [State],
    kinds: &'static [Kind],
    tracks: &'static [Track],
    sorts: [Sort; 4],
    today: chrono::NaiveDate,
}

impl ListPage<'_> {
    /// This search with one parameter changed (or another page).
    fn href(&self, key: &str, value: &str) -> String {
        let q = self.query;
        let page = q.page.unwrap_or(1).to_string();
        let mut pairs = vec![
            ("q", q.q.as_str()),
            ("state", q.state.as_str()),
            ("kind", q.kind.as_str()),
            ("track", q.track.as_str()),
            ("mine", q.mine.as_str()),
            ("officer", q.officer.as_str()),
            ("sort", q.sort.as_str()),
            ("page", page.as_str()),
        ];
        for pair in pairs.iter_mut() {
            if pair.0 == key {
                pair.1 = value;
            } else if pair.0 == "page" {
                pair.1 = "1";
            }
        }
        let pairs: Vec<_> = pairs
            .into_iter()
            .filter(|(k, v)| !(v.is_empty() || (*k == "page" && *v == "1")))
            .collect();
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            "/cases".to_owned()
        } else {
            format!("/cases?{query}")
        }
    }

    fn page_href(&self, page: i64) -> String {
        self.href("page", &(page + 1).to_string())
    }

    /// The same list as CSV.
    fn csv_href(&self) -> String {
        self.href("page", "").replacen("/cases", "/cases.csv", 1)
    }

    fn overdue(&self, r: &Row) -> bool {
        r.case.is_overdue(self.today)
    }

    /// "3 days left", "1 day overdue".
    fn left(&self, due: &chrono::NaiveDate) -> String {
        self.ctx.days_left(*due, self.today)
    }

    /// A stored time's office day.
    fn day(&self, at: &chrono::NaiveDateTime) -> chrono::NaiveDate {
        self.ctx.zone.day_of(*at)
    }

    fn count_of(&self, state: &State) -> i64 {
        self.counts
            .iter()
            .find(|(s, _)| s == state.as_str())
            .map_or(0, |(_, n)| *n)
    }
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let user = current.user;
    let scope = case_scope(&user);
    let staff = allows(user.role, Permission::EditCase);
    let filter = filter_of(&query, &user, staff);
    let page = filter.page;
    let today = state.settings.today();
    let (rows, (total, more), counts, officers) = state
        .db(move |c| {
            let case_list::Listed {
                rows,
                total,
                more,
                by_state: counts,
            } = case_list::list(c, scope, &filter)?;
            let officers = if staff {
                user::active_with_roles(c, &[Role::Examiner, Role::Legal])?
            } else {
                Vec::new()
            };
            Ok((rows, (total, more), counts, officers))
        })
        .await?;
    let view: Vec<Row<'_>> = rows
        .iter()
        .map(|r| Row {
            case: r,
            complainant: r.complainant.as_deref().unwrap_or_default(),
            respondent: r.respondent.as_deref().unwrap_or_default(),
            officer: r.officer.as_deref().unwrap_or_default(),
            days_left: r.days_left(today),
            age: r.age(ctx.zone, today),
        })
        .collect();
    let size = i64::from(PAGE_SIZE);
    let pages = ((total + size - 1) / size).max(1);
    let list = ListPage {
        ctx: &ctx,
        rows: view,
        query: &query,
        total,
        more,
        page,
        pages,
        counts: &counts,
        officers: &officers,
        staff,
        can_file: allows(user.role, Permission::FileCase),
        states: State::ALL,
        kinds: Kind::ALL,
        tracks: Track::ALL,
        sorts: Sort::ALL,
        today,
    };
    page::ok(&list)
}

/// What the query asks for, as the viewer may ask it: only staff filter by officer.
fn filter_of(query: &ListQuery, user: &User, staff: bool) -> Filter {
    Filter {
        state: State::parse(&query.state).map(|s| s.as_str().to_owned()),
        kind: Kind::parse(&query.kind).map(|k| k.as_str().to_owned()),
        track: Track::parse(&query.track).map(|t| t.as_str().to_owned()),
        officer: match (staff, query.mine == "1", query.officer.parse::<i64>()) {
            (true, true, _) => Some(user.id.0),
            (true, false, Ok(id)) => Some(id),
            _ => None,
        },
        text: Some(query.q.trim().to_owned()).filter(|q| !q.is_empty()),
        sort: Sort::parse(&query.sort).unwrap_or_default(),
        page: crate::db::page::from_number(query.page),
    }
}

/// Rows read per slice of an export: enough to keep the database busy, few enough that a
/// hundred thousand cases stream in flat memory.
const EXPORT_SLICE: i64 = 500;

/// Where an export stands between slices.
enum Export {
    Header,
    After(Option<Cursor>),
    Done,
}

/// `GET /cases.csv`: every case of the filtered list, in its order, as CSV for a spreadsheet
/// (UTF-8 with a byte-order mark, so Excel reads Hangul; times in ISO 8601 with the office's
/// offset). Streamed a slice at a time, each read on the blocking pool.
pub async fn export(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let user = current.user;
    let filter = filter_of(&query, &user, true);
    let scope = case_scope(&user);
    let (lang, zone, today) = (ctx.lang, ctx.zone, state.settings.today());
    tracing::info!(
        event = "cases.exported",
        user = user.id.0,
        query = %serde_urlencoded::to_string(&*query).unwrap_or_default(),
        "case list exported"
    );
    let body = futures_util::stream::try_unfold(Export::Header, move |step| {
        let (state, filter) = (state.clone(), filter.clone());
        async move {
            let after = match step {
                Export::Done => return Ok(None),
                Export::Header => {
                    let mut bytes = "\u{feff}".as_bytes().to_vec();
                    bytes.extend(csv_lines(&[header(lang)])?);
                    return Ok(Some((web::Bytes::from(bytes), Export::After(None))));
                }
                Export::After(after) => after,
            };
            let (rows, next) = state
                .db(move |c| {
                    Ok(case_list::export_slice(
                        c,
                        scope,
                        &filter,
                        after.as_ref(),
                        EXPORT_SLICE,
                    )?)
                })
                .await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let lines: Vec<[String; 12]> = rows.iter().map(|r| record(r, lang, zone, today)).collect();
            let next = next.map_or(Export::Done, |c| Export::After(Some(c)));
            Ok::<_, AppError>(Some((web::Bytes::from(csv_lines(&lines)?), next)))
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(header::ContentDisposition::attachment(format!(
            "cases-{}.csv",
            today.format("%Y%m%d")
        )))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

fn header(lang: Lang) -> [String; 12] {
    [
        "case-number",
        "case-field-title",
        "cases-state",
        "case-field-kind",
        "case-field-track",
        "case-section-complainant",
        "case-respondent",
        "case-officer",
        "case-filed-at",
        "cases-next-deadline",
        "deadline-left",
        "cases-age",
    ]
    .map(|key| i18n::text(lang, key))
}

/// One case as a CSV line, in the reader's language.
fn record(
    r: &CaseListRow,
    lang: Lang,
    zone: crate::domain::office_time::OfficeZone,
    today: chrono::NaiveDate,
) -> [String; 12] {
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    [
        r.case_no
            .clone()
            .unwrap_or_else(|| i18n::text(lang, "case-draft")),
        r.title.clone(),
        i18n::label(lang, "state", &r.state),
        if r.kind.is_empty() {
            String::new()
        } else {
            i18n::label(lang, "kind", &r.kind)
        },
        i18n::text(lang, r.track.label_key()),
        r.complainant.clone().unwrap_or_default(),
        r.respondent.clone().unwrap_or_default(),
        r.officer.clone().unwrap_or_default(),
        r.filed_at.map(|at| zone.iso(at)).unwrap_or_default(),
        r.next_due_on.map(|d| d.to_string()).unwrap_or_default(),
        number(r.days_left(today)),
        number(r.age(zone, today)),
    ]
}

/// Lines of CSV, each cell as text to a spreadsheet ([`csv_cell`]).
fn csv_lines(lines: &[[String; 12]]) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for line in lines {
        let cells: Vec<_> = line.iter().map(|cell| csv_cell(cell)).collect();
        out.write_record(cells.iter().map(|cell| cell.as_bytes()))
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(e.into_error().into()))
}
