//! The registry of cited rights (DESIGN §4): search by number, class or words; one right's
//! page with its bibliographic data, citations and the cases citing it; staff entry and
//! correction; and the administrator's bulk import.

pub mod form;
pub mod import;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::policy::{Permission, allows, case_scope};
use crate::domain::{ClassSymbol, NumberError, PatentNumber, RightKind};
use crate::i18n;
use crate::models::right::{
    self, CitationView, CitingCase, CitingRight, ClassRow, Found, PublicationView, Query, RightListRow,
    RightRow, Search,
};
use crate::web::AppState;
use crate::web::error::AppError;
use crate::web::page::{self, PageCtx};
use crate::web::session::CurrentUser;

const PAGE_SIZE: i64 = 20;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
    pub kind: String,
    pub country: String,
    pub page: String,
}

/// How the search box was read, so the page can say so.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ReadAs {
    Nothing,
    Number,
    Class,
    Words,
}

/// The search box read the one way that fits: a patent number in any accepted form, an
/// IPC/CPC symbol or its beginning, or else words to find in titles and names. When words
/// contain digits, why they were not a number is kept to explain an empty result.
fn interpret(q: &str) -> (Query, ReadAs, Option<NumberError>) {
    let q = q.trim();
    if q.is_empty() {
        return (Query::All, ReadAs::Nothing, None);
    }
    let number_error = match PatentNumber::parse(q) {
        Ok(n) => return (Query::Number(n), ReadAs::Number, None),
        Err(e) => e,
    };
    if let Some(symbol) = ClassSymbol::parse(q) {
        return (Query::Class(symbol), ReadAs::Class, None);
    }
    let words = q.to_lowercase().split_whitespace().map(str::to_string).collect();
    let looked_like_number = q.chars().any(|c| c.is_ascii_digit());
    (
        Query::Words(words),
        ReadAs::Words,
        looked_like_number.then_some(number_error),
    )
}

#[derive(Template)]
#[template(path = "rights/list.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    query: &'a SearchQuery,
    found: &'a Found,
    read_as: ReadAs,
    /// Why the search text, which has digits, is not a number (shown when nothing matched).
    number_error: Option<String>,
    /// The number searched for, as the registry writes it.
    number: Option<String>,
    kinds: &'static [RightKind],
    page: i64,
    pages: i64,
    staff: bool,
    admin: bool,
}

impl ListPage<'_> {
    fn page_href(&self, page: i64) -> String {
        let pairs = [
            ("q", self.query.q.as_str()),
            ("kind", &self.query.kind),
            ("country", &self.query.country),
        ];
        let mut url = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            url.append_pair(k, v);
        }
        if page > 0 {
            url.append_pair("page", &(page + 1).to_string());
        }
        format!("/rights?{}", url.finish())
    }

    fn date_of(&self, r: &RightListRow) -> String {
        r.grant_date
            .or(r.publication_date)
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
}

pub async fn search(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (q, read_as, number_error) = interpret(&query.q);
    let number = match &q {
        Query::Number(n) => Some(n.display()),
        _ => None,
    };
    // Beyond the counted matches there is nothing to page to.
    let last_page = right::COUNT_CAP / PAGE_SIZE;
    let page = query.page.parse::<i64>().unwrap_or(1).clamp(1, last_page) - 1;
    let staff = allows(current.user.role, Permission::EditRights);
    let search = Search {
        query: q,
        include_stubs: staff,
        right_kind: RightKind::parse(&query.kind),
        country: Some(query.country.trim().to_ascii_uppercase())
            .filter(|c| c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase())),
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
    };
    let found = state.db(move |c| Ok(right::search(c, &search)?)).await?;
    let pages = ((found.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let user = &current.user;
    page::ok(&ListPage {
        ctx: &ctx,
        query: &query,
        number_error: number_error
            .filter(|_| found.rows.is_empty())
            .map(|e| i18n::text_with(ctx.lang, e.key(), &e.args())),
        found: &found,
        read_as,
        number,
        kinds: RightKind::ALL,
        page,
        pages,
        staff,
        admin: allows(user.role, Permission::ImportRights),
    })
}

#[derive(Template)]
#[template(path = "rights/show.html")]
struct ShowPage<'a> {
    ctx: &'a PageCtx,
    right: &'a RightRow,
    classes: &'a [ClassRow],
    citations: &'a [CitationView],
    cited_by: &'a [CitingRight],
    cases: &'a [CitingCase],
    publications: &'a [PublicationView],
    staff: bool,
}

impl ShowPage<'_> {
    fn ipc(&self) -> Vec<&str> {
        self.of_scheme("ipc")
    }

    fn cpc(&self) -> Vec<&str> {
        self.of_scheme("cpc")
    }

    fn of_scheme(&self, scheme: &str) -> Vec<&str> {
        self.classes
            .iter()
            .filter(|c| c.scheme == scheme)
            .map(|c| c.symbol.as_str())
            .collect()
    }

    fn case_href(&self, c: &CitingCase) -> String {
        match &c.case_no {
            Some(no) => format!("/cases/{no}"),
            None => format!("/cases/drafts/{}", c.draft_key),
        }
    }
}

/// How many citing rights a page lists; a landmark patent can be cited thousands of times.
const CITED_BY_LIMIT: i64 = 200;

pub async fn show(
    state: web::Data<AppState>,
    ctx: PageCtx,
    current: CurrentUser,
    docdb: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let docdb = docdb.into_inner();
    let scope = case_scope(&current.user);
    let loaded = state
        .db(move |c| {
            let Some(right) = right::find(c, &docdb)? else {
                return Ok(None);
            };
            let id = right.id;
            Ok(Some((
                (right::classes_of(c, id)?, right::publication_views(c, id)?),
                right::citations_of(c, id)?,
                right::cited_by(c, &right.base, CITED_BY_LIMIT)?,
                right::citing_cases(c, scope, id)?,
                right,
            )))
        })
        .await?;
    let ((classes, publications), citations, cited_by, cases, right) = loaded.ok_or(AppError::NotFound)?;
    let staff = allows(current.user.role, Permission::EditRights);
    // A stub is a number someone cited, perhaps in a draft: outside the office, only those
    // who see a case citing it learn that it was cited.
    if right.is_stub() && !staff && cases.is_empty() {
        return Err(AppError::NotFound);
    }
    page::ok(&ShowPage {
        ctx: &ctx,
        right: &right,
        classes: &classes,
        citations: &citations,
        cited_by: &cited_by,
        cases: &cases,
        publications: &publications,
        staff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_box_reads_numbers_classes_and_words() {
        assert!(matches!(interpret("US 8,930,553 B2").1, ReadAs::Number));
        assert!(matches!(interpret("KR 10-1503659").1, ReadAs::Number));
        assert!(matches!(interpret("H04L 9/32").1, ReadAs::Class));
        assert!(matches!(interpret("G06F").1, ReadAs::Class));
        let (q, read_as, error) = interpret("Rotary Sensor");
        assert!(read_as == ReadAs::Words && error.is_none());
        assert!(matches!(q, Query::Words(w) if w == ["rotary", "sensor"]));
        assert!(matches!(interpret("  ").1, ReadAs::Nothing));
        // Digits that are not a number keep the reason, to explain an empty result.
        assert!(interpret("XX 123").2.is_some());
    }
}
