//! The case list: what the viewer may see, newest first, filtered, searched, sorted and paged
//! on the server, with counts.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::policy::{Permission, allows, case_scope};
use crate::domain::{Kind, Role, State, Track};
use crate::models::case::{self, CaseListRow, Filter, PAGE_SIZE, Sort};
use crate::models::user::{self, User};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

#[derive(Deserialize, Default, Clone)]
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
    sorts: [Sort; 3],
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
    let page = crate::db::page::from_number(query.page);
    let filter = Filter {
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
        page,
    };
    let (rows, (total, more), counts, officers) = state
        .db(move |c| {
            let case::Listed {
                rows,
                total,
                more,
                by_state: counts,
            } = case::list(c, scope, &filter)?;
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
    };
    page::ok(&list)
}
