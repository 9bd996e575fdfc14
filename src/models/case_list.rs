//! The case list: what the viewer may see, filtered, searched, sorted and paged in SQL, with
//! each row's parties, officer and next deadline read in the same statement; and the same
//! list exported whole, a slice at a time.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Integer, Nullable, Text};

use crate::db::DbConn;
use crate::db::page::paged;
use crate::db::schema::{case_counts, cases, panel_members, parties};
use crate::domain::office_time::OfficeZone;
use crate::domain::{State, Track};
use crate::models::case::{CaseScope, scoped};
use crate::models::id::{CaseId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Oldest,
    Title,
    /// The next running deadline first; cases without one last.
    Deadline,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Newest, Sort::Oldest, Sort::Title, Sort::Deadline];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Oldest => "oldest",
            Sort::Title => "title",
            Sort::Deadline => "deadline",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Sort::Newest => "sort-newest",
            Sort::Oldest => "sort-oldest",
            Sort::Title => "sort-title",
            Sort::Deadline => "sort-deadline",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub state: Option<String>,
    pub kind: Option<String>,
    pub track: Option<String>,
    pub officer: Option<i64>,
    /// Words to find in number, title, description and party names.
    pub text: Option<String>,
    pub sort: Sort,
    pub page: i64,
}

pub const PAGE_SIZE: u16 = 25;

#[derive(Queryable, QueryableByName, Selectable, Debug, Clone)]
#[diesel(table_name = cases)]
pub struct CaseListRow {
    pub id: CaseId,
    pub draft_key: String,
    pub case_no: Option<String>,
    pub state: String,
    pub track: Track,
    pub kind: String,
    pub title: String,
    pub assigned_officer_id: Option<UserId>,
    pub filed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// The earliest running deadline's day (kept by the database's triggers).
    pub next_due_on: Option<NaiveDate>,
    /// The first complainant's name, read in the same statement (no query per row).
    #[diesel(
        select_expression = Subquery::COMPLAINANT,
        select_expression_type = Subquery<Nullable<Text>>,
        sql_type = Nullable<Text>
    )]
    pub complainant: Option<String>,
    #[diesel(
        select_expression = Subquery::RESPONDENT,
        select_expression_type = Subquery<Nullable<Text>>,
        sql_type = Nullable<Text>
    )]
    pub respondent: Option<String>,
    #[diesel(
        select_expression = Subquery::OFFICER,
        select_expression_type = Subquery<Nullable<Text>>,
        sql_type = Nullable<Text>
    )]
    pub officer: Option<String>,
    /// Office days from filing to closing, once closed.
    #[diesel(
        select_expression = Subquery::DAYS_OPEN,
        select_expression_type = Subquery<Nullable<Integer>>,
        sql_type = Nullable<Integer>
    )]
    pub days_open: Option<i32>,
}

impl CaseListRow {
    /// How old the case is in office days: from filing to closing, or to `today` while open.
    pub fn age(&self, zone: OfficeZone, today: NaiveDate) -> Option<i64> {
        let filed = self.filed_at?;
        Some(match self.days_open {
            Some(days) => i64::from(days),
            None => (today - zone.day_of(filed)).num_days(),
        })
    }

    /// Office days from `today` to the next running deadline (negative once overdue).
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.next_due_on.map(|due| (due - today).num_days())
    }

    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.days_left(today).is_some_and(|d| d < 0)
    }

    /// Where a keyset export continues after this row.
    fn cursor(&self) -> Cursor {
        Cursor {
            id: self.id,
            title: self.title.clone(),
            due: self.next_due_on.unwrap_or(NO_DEADLINE),
        }
    }
}

/// A fixed SQL fragment about the case in the outer query, as an expression: a per-row
/// subquery or a computed sort key. Written by hand rather than with `dsl::sql`, which would
/// keep the whole list statement out of the prepared-statement cache.
#[derive(Debug, Clone, Copy)]
pub struct Subquery<ST>(&'static str, std::marker::PhantomData<ST>);

impl Subquery<Nullable<Text>> {
    const COMPLAINANT: Self = Subquery(
        "(SELECT p.name FROM parties p WHERE p.case_id = cases.id \
         AND p.side = 'complainant' AND p.position = 0)",
        std::marker::PhantomData,
    );
    const RESPONDENT: Self = Subquery(
        "(SELECT p.name FROM parties p WHERE p.case_id = cases.id \
         AND p.side = 'respondent' AND p.position = 0)",
        std::marker::PhantomData,
    );
    const OFFICER: Self = Subquery(
        "(SELECT u.name FROM users u WHERE u.id = cases.assigned_officer_id)",
        std::marker::PhantomData,
    );
}

impl Subquery<Nullable<Integer>> {
    const DAYS_OPEN: Self = Subquery(
        "(SELECT cc.days_open FROM case_closures cc WHERE cc.case_id = cases.id)",
        std::marker::PhantomData,
    );
}

impl Subquery<Date> {
    /// The deadline sort key, as indexed (`cases_next_due`): no deadline sorts last.
    const DUE_KEY: Self = Subquery(
        "COALESCE(cases.next_due_on, '9999-12-31')",
        std::marker::PhantomData,
    );
}

/// Where cases without a running deadline sort, as `Subquery::DUE_KEY` writes it.
const NO_DEADLINE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => panic!("9999-12-31 is a day"),
};

impl<ST: diesel::sql_types::SqlType + diesel::expression::TypedExpressionType> diesel::Expression
    for Subquery<ST>
{
    type SqlType = ST;
}

impl<ST, DB: diesel::backend::Backend> diesel::query_builder::QueryFragment<DB> for Subquery<ST> {
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.0);
        Ok(())
    }
}

impl<ST> diesel::query_builder::QueryId for Subquery<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> diesel::AppearsOnTable<cases::table> for Subquery<ST> where Subquery<ST>: diesel::Expression {}
impl<ST> diesel::SelectableExpression<cases::table> for Subquery<ST> where Subquery<ST>: diesel::Expression {}
impl<ST, G> diesel::expression::ValidGrouping<G> for Subquery<ST> {
    type IsAggregate = diesel::expression::is_aggregate::Never;
}

/// `IPD-2025-0001`, `ipd-2025`: a case number or its beginning, in the stored spelling.
fn case_number_prefix(text: &str) -> Option<String> {
    let upper = text.trim().to_uppercase();
    let rest = upper.strip_prefix("IPD-")?;
    let (year, seq) = rest.split_once('-').unwrap_or((rest, ""));
    let digits = |s: &str, max: usize| s.len() <= max && s.chars().all(|c| c.is_ascii_digit());
    let ok = digits(year, 4) && digits(seq, 6) && (seq.is_empty() || year.len() == 4);
    ok.then_some(upper)
}

/// The search condition outside SQLite's trigram path: a case-number prefix, or a substring
/// of the search text (PostgreSQL's trigram index; short text on SQLite is scanned).
fn text_condition(
    conn: &DbConn,
    text: &str,
) -> Box<dyn BoxableExpression<cases::table, crate::db::MultiBackend, SqlType = Bool>> {
    let needle = text.to_lowercase();
    match (conn, case_number_prefix(text)) {
        // A case number, or its beginning: the number's own index answers it.
        (DbConn::Sqlite(_), Some(prefix)) => {
            Box::new(diesel::dsl::sql::<Bool>("cases.case_no GLOB ").bind::<Text, _>(format!("{prefix}*")))
        }
        (DbConn::Postgres(_), Some(prefix)) => {
            Box::new(diesel::dsl::sql::<Bool>("cases.case_no LIKE ").bind::<Text, _>(format!("{prefix}%")))
        }
        _ => Box::new(
            cases::search_text
                .like(crate::db::contains_pattern(&needle))
                .escape('\\'),
        ),
    }
}

/// What the office's list counts, per (state, kind, track): the filed cases from the kept
/// counts and the viewer's own drafts, a few hundred rows at most, read in one statement and
/// summed as each view needs.
struct KeptCounts(Vec<(String, String, String, i64)>);

impl KeptCounts {
    fn load(conn: &mut DbConn, me: UserId) -> QueryResult<KeptCounts> {
        let filed = case_counts::table
            .filter(case_counts::state.ne(State::Draft.as_str()))
            .select((
                case_counts::state,
                case_counts::kind,
                case_counts::track,
                case_counts::n,
            ));
        let own_drafts = cases::table
            .filter(cases::created_by.eq(me.0))
            .filter(cases::state.eq(State::Draft.as_str()))
            .group_by((cases::state, cases::kind, cases::track))
            .select((cases::state, cases::kind, cases::track, diesel::dsl::count_star()));
        // diesel's multi-backend has no UNION; each backend runs the same query itself.
        let both = filed.union_all(own_drafts);
        match conn {
            DbConn::Postgres(c) => both.load(c),
            DbConn::Sqlite(c) => both.load(c),
        }
        .map(KeptCounts)
    }

    /// How many cases match filters on state, kind and track only.
    fn total(&self, f: &Filter) -> i64 {
        let matches = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        self.0
            .iter()
            .filter(|(s, k, t, _)| matches(&f.state, s) && matches(&f.kind, k) && matches(&f.track, t))
            .map(|(_, _, _, n)| n)
            .sum()
    }

    fn by_state(&self) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for (state, _, _, n) in &self.0 {
            match out.iter_mut().find(|(s, _)| s == state) {
                Some((_, total)) => *total += n,
                None => out.push((state.clone(), *n)),
            }
        }
        out
    }
}

/// Text searches count exactly only up to here; beyond, the list says "more than".
pub const COUNT_CAP: i64 = 1000;

pub struct Listed {
    pub rows: Vec<CaseListRow>,
    pub total: i64,
    /// There are more than `total` matches (a text search counts only up to `COUNT_CAP`).
    pub more: bool,
    /// How many of the viewer's cases are in each state, whatever the filters.
    pub by_state: Vec<(String, i64)>,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A text search on SQLite, driven from the trigram index so that a common word stops
/// after the page it needs instead of materialising every match. Only fixed SQL fragments
/// are joined; every value is bound.
fn search_sqlite(
    c: &mut diesel::SqliteConnection,
    scope: CaseScope,
    f: &Filter,
    needle: &str,
) -> QueryResult<Listed> {
    use diesel::sqlite::Sqlite;
    let mut conditions = String::from("cases_search MATCH ?");
    let mut texts: Vec<String> = vec![format!("\"{}\"", needle.replace('"', "\"\""))];
    match scope {
        CaseScope::Office(_) => {
            conditions.push_str(" AND (cases.state <> 'draft' OR cases.created_by = ?)");
        }
        CaseScope::OwnedBy(_) => {
            conditions.push_str(" AND cases.complainant_user_id = ?");
        }
        CaseScope::RespondentIn(_) => {
            conditions.push_str(
                " AND cases.state <> 'draft' AND cases.id IN \
                 (SELECT case_id FROM parties WHERE user_id = ? AND side = 'respondent')",
            );
        }
        CaseScope::PanelOf(_) => {
            conditions.push_str(" AND cases.id IN (SELECT case_id FROM panel_members WHERE mediator_id = ?)");
        }
        CaseScope::Nothing => {
            return Ok(Listed {
                rows: Vec::new(),
                total: 0,
                more: false,
                by_state: Vec::new(),
            });
        }
    }
    for (column, value) in [
        ("cases.state", &f.state),
        ("cases.kind", &f.kind),
        ("cases.track", &f.track),
    ] {
        if let Some(v) = value {
            conditions.push_str(" AND ");
            conditions.push_str(column);
            conditions.push_str(" = ?");
            texts.push(v.clone());
        }
    }
    if f.officer.is_some() {
        conditions.push_str(" AND cases.assigned_officer_id = ?");
    }
    let order = match f.sort {
        Sort::Newest => "cases_search.rowid DESC",
        Sort::Oldest => "cases_search.rowid ASC",
        Sort::Title => "cases.title ASC, cases.id ASC",
        Sort::Deadline => "COALESCE(cases.next_due_on, '9999-12-31') ASC, cases.id ASC",
    };
    let from = "FROM cases_search JOIN cases ON cases.id = cases_search.rowid WHERE ";
    let bind_all = |sql: String| {
        let mut q = diesel::sql_query(sql).into_boxed::<Sqlite>();
        let mut texts = texts.iter();
        // The MATCH text first, then the scope's number, then the text filters, then the officer.
        q = q.bind::<Text, _>(texts.next().cloned().unwrap_or_default());
        if let CaseScope::Office(u)
        | CaseScope::OwnedBy(u)
        | CaseScope::RespondentIn(u)
        | CaseScope::PanelOf(u) = scope
        {
            q = q.bind::<diesel::sql_types::BigInt, _>(u.0);
        }
        for t in texts {
            q = q.bind::<Text, _>(t.clone());
        }
        if let Some(o) = f.officer {
            q = q.bind::<diesel::sql_types::BigInt, _>(o);
        }
        q
    };
    let count_sql = [
        "SELECT COUNT(*) AS n FROM (SELECT 1 ",
        from,
        &conditions,
        " LIMIT ?)",
    ]
    .concat();
    let counted = bind_all(count_sql)
        .bind::<diesel::sql_types::BigInt, _>(COUNT_CAP + 1)
        .get_result::<Counted>(c)?
        .n;
    let rows_sql = [
        "SELECT cases.id, cases.draft_key, cases.case_no, cases.state, cases.track, cases.kind, cases.title, \
         cases.assigned_officer_id, cases.filed_at, cases.created_at, cases.next_due_on, ",
        Subquery::COMPLAINANT.0,
        " AS complainant, ",
        Subquery::RESPONDENT.0,
        " AS respondent, ",
        Subquery::OFFICER.0,
        " AS officer, ",
        Subquery::DAYS_OPEN.0,
        " AS days_open ",
        from,
        &conditions,
        " ORDER BY ",
        order,
        " LIMIT ? OFFSET ?",
    ]
    .concat();
    let rows = bind_all(rows_sql)
        .bind::<diesel::sql_types::BigInt, _>(i64::from(PAGE_SIZE))
        .bind::<diesel::sql_types::BigInt, _>(crate::db::page::offset(f.page, i64::from(PAGE_SIZE)))
        .load::<CaseListRow>(c)?;
    Ok(Listed {
        rows,
        total: counted.min(COUNT_CAP),
        more: counted > COUNT_CAP,
        by_state: Vec::new(),
    })
}

pub fn list(conn: &mut DbConn, scope: CaseScope, f: &Filter) -> QueryResult<Listed> {
    let kept = match scope {
        CaseScope::Office(me) => Some(KeptCounts::load(conn, me)?),
        _ => None,
    };
    let by_state = match (&kept, scope) {
        (Some(k), _) => k.by_state(),
        (None, CaseScope::OwnedBy(u)) => cases::table
            .filter(cases::complainant_user_id.eq(u.0))
            .group_by(cases::state)
            .select((cases::state, diesel::dsl::count_star()))
            .load(conn)?,
        (None, CaseScope::RespondentIn(u)) => cases::table
            .filter(cases::state.ne(State::Draft.as_str()))
            .filter(
                cases::id.eq_any(
                    parties::table
                        .filter(parties::user_id.eq(u.0))
                        .filter(parties::side.eq("respondent"))
                        .select(parties::case_id),
                ),
            )
            .group_by(cases::state)
            .select((cases::state, diesel::dsl::count_star()))
            .load(conn)?,
        (None, CaseScope::PanelOf(u)) => cases::table
            .filter(
                cases::id.eq_any(
                    panel_members::table
                        .filter(panel_members::mediator_id.eq(u.0))
                        .select(panel_members::case_id),
                ),
            )
            .group_by(cases::state)
            .select((cases::state, diesel::dsl::count_star()))
            .load(conn)?,
        (None, _) => Vec::new(),
    };
    let text = f
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    if let (DbConn::Sqlite(c), Some(needle)) = (&mut *conn, &text)
        && needle.chars().count() >= 3
        && case_number_prefix(needle).is_none()
    {
        return search_sqlite(c, scope, f, needle).map(|l| Listed { by_state, ..l });
    }
    let build = |conn: &DbConn| filtered(conn, scope, f);
    let (total, more) = if text.is_some() {
        // Counting every match of a common word costs more than the page itself.
        let n = build(conn)
            .select(cases::id)
            .limit(COUNT_CAP + 1)
            .load::<i64>(conn)?
            .len() as i64;
        (n.min(COUNT_CAP), n > COUNT_CAP)
    } else if let (Some(kept), None) = (&kept, f.officer) {
        (kept.total(f), false)
    } else {
        (build(conn).count().get_result(conn)?, false)
    };
    // With a search on PostgreSQL, `id + 0` keeps the planner on the trigram index instead of
    // walking the primary key backwards through every row that does not match.
    let searching_pg = text.is_some() && matches!(conn, DbConn::Postgres(_));
    let by_id = || diesel::dsl::sql::<diesel::sql_types::BigInt>("cases.id + 0");
    let ordered = match f.sort {
        Sort::Newest if searching_pg => build(conn).order(by_id().desc()),
        Sort::Oldest if searching_pg => build(conn).order(by_id().asc()),
        Sort::Newest => build(conn).order(cases::id.desc()),
        Sort::Oldest => build(conn).order(cases::id.asc()),
        Sort::Title => build(conn).order((cases::title.asc(), cases::id.asc())),
        Sort::Deadline => build(conn).order((Subquery::DUE_KEY.asc(), cases::id.asc())),
    };
    let rows = paged(ordered.select(CaseListRow::as_select()), PAGE_SIZE, f.page).load(conn)?;
    Ok(Listed {
        rows,
        total,
        more,
        by_state,
    })
}

/// The viewer's cases that pass the filters, unordered.
fn filtered(
    conn: &DbConn,
    scope: CaseScope,
    f: &Filter,
) -> cases::BoxedQuery<'static, crate::db::MultiBackend> {
    let mut q = scoped(scope);
    if let Some(s) = &f.state {
        q = q.filter(cases::state.eq(s.clone()));
    }
    if let Some(k) = &f.kind {
        q = q.filter(cases::kind.eq(k.clone()));
    }
    if let Some(t) = &f.track {
        q = q.filter(cases::track.eq(t.clone()));
    }
    if let Some(o) = f.officer {
        q = q.filter(cases::assigned_officer_id.eq(o));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
        q = q.filter(text_condition(conn, text.trim()));
    }
    q
}

// ---- The whole list, exported ----

/// Where an export left off: the last row's sort keys.
#[derive(Clone, Debug)]
pub struct Cursor {
    id: CaseId,
    title: String,
    due: NaiveDate,
}

/// The next `n` rows of the filtered list in its order, after `after` (from the start when
/// `None`). Each slice continues from the last row's keys rather than an offset, so the whole
/// export reads every row once however long the list is.
pub fn export_slice(
    conn: &mut DbConn,
    scope: CaseScope,
    f: &Filter,
    after: Option<&Cursor>,
    n: i64,
) -> QueryResult<(Vec<CaseListRow>, Option<Cursor>)> {
    let mut q = filtered(conn, scope, f);
    if let Some(a) = after {
        let (id, title, due) = (a.id.0, a.title.clone(), a.due);
        q = match f.sort {
            Sort::Newest => q.filter(cases::id.lt(id)),
            Sort::Oldest => q.filter(cases::id.gt(id)),
            Sort::Title => q.filter(
                cases::title
                    .gt(title.clone())
                    .or(cases::title.eq(title).and(cases::id.gt(id))),
            ),
            Sort::Deadline => q.filter(
                Subquery::DUE_KEY
                    .gt(due)
                    .or(Subquery::DUE_KEY.eq(due).and(cases::id.gt(id))),
            ),
        };
    }
    let q = match f.sort {
        Sort::Newest => q.order(cases::id.desc()),
        Sort::Oldest => q.order(cases::id.asc()),
        Sort::Title => q.order((cases::title.asc(), cases::id.asc())),
        Sort::Deadline => q.order((Subquery::DUE_KEY.asc(), cases::id.asc())),
    };
    let rows: Vec<CaseListRow> = q.select(CaseListRow::as_select()).limit(n).load(conn)?;
    let next = if rows.len() as i64 == n {
        rows.last().map(CaseListRow::cursor)
    } else {
        None
    };
    Ok((rows, next))
}

#[cfg(test)]
mod tests {
    use super::case_number_prefix;

    #[test]
    fn case_number_beginnings_are_recognised() {
        assert_eq!(
            case_number_prefix("ipd-2025-0001").as_deref(),
            Some("IPD-2025-0001")
        );
        assert_eq!(case_number_prefix("IPD-").as_deref(), Some("IPD-"));
        assert_eq!(case_number_prefix("IPD-20").as_deref(), Some("IPD-20"));
        for not in [
            "ipd",
            "IPD-20x",
            "IPD-2025-1234567",
            "IPD-25-0001",
            "samsung",
            "00005",
        ] {
            assert_eq!(case_number_prefix(not), None, "{not}");
        }
    }
}
