//! The statistics' summary rows (issue 18). Each filed case's contribution is kept beside it
//! (`stats_facts`), and `refresh` — called in the transaction of every change that can move a
//! figure — takes the old contribution back from the monthly sums (`stats_months`) and adds the
//! new one. `rebuild` recomputes everything from the cases, for an installation upgraded to
//! statistics and for the demo's bulk load.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    case_closures, case_events, case_rights, cases, parties, right_classes, rights, stats_facts, stats_months,
};
use crate::domain::office_time::OfficeZone;
use crate::domain::stats::cell::{CaseFacts, Cell, Closure, Counts, Dims, EVERY_FIELD, Month, summary_rows};
use crate::domain::stats::fields::field_of;
use crate::domain::stats::figures::Filter;
use crate::domain::{Currency, Kind, PartySize, State, Track};
use crate::models::id::CaseId;

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug)]
#[diesel(table_name = stats_months)]
struct MonthRow {
    month: i32,
    kind: String,
    track: String,
    size: String,
    field: String,
    filed: i64,
    foreign_respondent: i64,
    country_unknown: i64,
    claimed_krw: i64,
    closed: i64,
    sessions: i64,
    with_sessions: i64,
    appeared: i64,
    claims: String,
    outcomes: String,
    days: String,
    states: String,
    fields: String,
    rights: String,
}

fn corrupt(what: &str, value: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(format!("unknown {what} `{value}` in the statistics").into())
}

impl MonthRow {
    fn new(month: Month, dims: &Dims, cell: &Cell) -> MonthRow {
        MonthRow {
            month: month.number(),
            kind: dims.kind.as_str().to_owned(),
            track: dims.track.as_str().to_owned(),
            size: dims.size.map_or("", PartySize::as_str).to_owned(),
            field: dims.field.clone(),
            filed: cell.filed,
            foreign_respondent: cell.foreign_respondent,
            country_unknown: cell.country_unknown,
            claimed_krw: cell.claimed_krw,
            closed: cell.closed,
            sessions: cell.sessions,
            with_sessions: cell.with_sessions,
            appeared: cell.appeared,
            claims: cell.claims.to_string(),
            outcomes: cell.outcomes.to_string(),
            days: cell.days.to_string(),
            states: cell.states.to_string(),
            fields: cell.fields.to_string(),
            rights: cell.rights.to_string(),
        }
    }

    fn parse(self) -> QueryResult<(Month, Dims, Cell)> {
        let counts = |s: &str| Counts::parse(s).ok_or_else(|| corrupt("count", s));
        let month =
            Month::from_number(self.month).ok_or_else(|| corrupt("month", &self.month.to_string()))?;
        let dims = Dims {
            kind: Kind::parse(&self.kind).ok_or_else(|| corrupt("kind", &self.kind))?,
            track: Track::parse(&self.track).ok_or_else(|| corrupt("track", &self.track))?,
            size: match self.size.as_str() {
                "" => None,
                s => Some(PartySize::parse(s).ok_or_else(|| corrupt("size", s))?),
            },
            field: self.field,
        };
        let cell = Cell {
            filed: self.filed,
            foreign_respondent: self.foreign_respondent,
            country_unknown: self.country_unknown,
            claimed_krw: self.claimed_krw,
            claims: counts(&self.claims)?,
            closed: self.closed,
            sessions: self.sessions,
            with_sessions: self.with_sessions,
            appeared: self.appeared,
            outcomes: counts(&self.outcomes)?,
            days: counts(&self.days)?,
            states: counts(&self.states)?,
            fields: counts(&self.fields)?,
            rights: counts(&self.rights)?,
        };
        Ok((month, dims, cell))
    }
}

/// A case's contribution as stored beside it.
#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug)]
#[diesel(table_name = stats_facts)]
struct FactRow {
    case_id: CaseId,
    filed_month: i32,
    kind: String,
    track: String,
    size: String,
    field: String,
    cells: String,
}

impl FactRow {
    fn new(case: CaseId, facts: &CaseFacts, cells: &[(Month, Cell)]) -> FactRow {
        let d = &facts.dims;
        FactRow {
            case_id: case,
            filed_month: Month::of(facts.filed_on).number(),
            kind: d.kind.as_str().to_owned(),
            track: d.track.as_str().to_owned(),
            size: d.size.map_or("", PartySize::as_str).to_owned(),
            field: d.field.clone(),
            cells: serde_json::to_string(cells).unwrap_or_default(),
        }
    }

    fn contribution(&self) -> QueryResult<Vec<((Month, Dims), Cell)>> {
        let dims = MonthRow {
            month: self.filed_month,
            kind: self.kind.clone(),
            track: self.track.clone(),
            size: self.size.clone(),
            field: self.field.clone(),
            filed: 0,
            foreign_respondent: 0,
            country_unknown: 0,
            claimed_krw: 0,
            closed: 0,
            sessions: 0,
            with_sessions: 0,
            appeared: 0,
            claims: String::new(),
            outcomes: String::new(),
            days: String::new(),
            states: String::new(),
            fields: String::new(),
            rights: String::new(),
        }
        .parse()?
        .1;
        let cells: Vec<(Month, Cell)> = serde_json::from_str(&self.cells)
            .map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
        Ok(summary_rows(&dims, &cells)
            .into_iter()
            .map(|(m, d, c)| ((m, d), c))
            .collect())
    }
}

/// Brings the case's contribution to the figures up to date with the case as it now stands.
/// Call it inside the transaction that changed the case.
pub fn refresh(conn: &mut DbConn, case: CaseId, zone: OfficeZone) -> QueryResult<()> {
    let facts = facts_of(conn, (case, case), zone)?.remove(&case);
    let old: Option<FactRow> = stats_facts::table
        .find(case)
        .select(FactRow::as_select())
        .first(conn)
        .optional()?;
    let mut delta: BTreeMap<(Month, DimsKey), (Dims, Cell)> = BTreeMap::new();
    let mut put = |month: Month, dims: &Dims, cell: &Cell, sign: i64| {
        let entry = delta
            .entry((month, DimsKey::of(dims)))
            .or_insert_with(|| (dims.clone(), Cell::default()));
        entry.1.add(cell, sign);
    };
    if let Some(old) = &old {
        for ((m, d), c) in old.contribution()? {
            put(m, &d, &c, -1);
        }
    }
    let new_cells = facts.as_ref().map(CaseFacts::cells).unwrap_or_default();
    if let Some(f) = &facts {
        for (m, d, c) in summary_rows(&f.dims, &new_cells) {
            put(m, &d, &c, 1);
        }
    }
    // In key order, so that two transactions lock shared rows in the same order.
    for ((month, _), (dims, cell)) in delta {
        if !cell.is_empty() {
            add(conn, month, &dims, &cell)?;
        }
    }
    match (facts, old) {
        (Some(f), _) => {
            let row = FactRow::new(case, &f, &new_cells);
            match conn {
                DbConn::Sqlite(c) => diesel::insert_into(stats_facts::table)
                    .values(&row)
                    .on_conflict(stats_facts::case_id)
                    .do_update()
                    .set(&row)
                    .execute(c),
                DbConn::Postgres(c) => diesel::insert_into(stats_facts::table)
                    .values(&row)
                    .on_conflict(stats_facts::case_id)
                    .do_update()
                    .set(&row)
                    .execute(c),
            }?;
        }
        (None, Some(_)) => {
            diesel::delete(stats_facts::table.find(case)).execute(conn)?;
        }
        (None, None) => {}
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct DimsKey(&'static str, &'static str, &'static str, String);

impl DimsKey {
    fn of(d: &Dims) -> DimsKey {
        let (k, t, s, f) = d.sort_key();
        DimsKey(k, t, s, f.to_owned())
    }
}

/// Adds `cell` (which may be negative) to one monthly row, creating or emptying it.
fn add(conn: &mut DbConn, month: Month, dims: &Dims, cell: &Cell) -> QueryResult<()> {
    let zero = MonthRow::new(month, dims, &Cell::default());
    let key = stats_months::table.find((
        zero.month,
        zero.kind.clone(),
        zero.track.clone(),
        zero.size.clone(),
        zero.field.clone(),
    ));
    // Make sure the row exists, then hold it (PostgreSQL) while it is read and written back:
    // two cases counting in one cell at once must both count.
    let current: MonthRow = match conn {
        DbConn::Postgres(c) => {
            diesel::insert_into(stats_months::table)
                .values(&zero)
                .on_conflict_do_nothing()
                .execute(c)?;
            key.clone().select(MonthRow::as_select()).for_update().first(c)?
        }
        DbConn::Sqlite(c) => {
            diesel::insert_into(stats_months::table)
                .values(&zero)
                .on_conflict_do_nothing()
                .execute(c)?;
            key.clone().select(MonthRow::as_select()).first(c)?
        }
    };
    let (_, _, mut sum) = current.parse()?;
    sum.add(cell, 1);
    if sum.is_empty() {
        diesel::delete(key.clone()).execute(conn)?;
        return Ok(());
    }
    diesel::update(stats_months::table.find((zero.month, zero.kind, zero.track, zero.size, zero.field)))
        .set(&MonthRow::new(month, dims, &sum))
        .execute(conn)?;
    Ok(())
}

macro_rules! insert_all {
    ($conn:expr, $table:ident, $rows:expr) => {
        for chunk in $rows.chunks(INSERT_CHUNK) {
            match &mut *$conn {
                DbConn::Sqlite(c) => diesel::insert_into($table::table).values(chunk).execute(c)?,
                DbConn::Postgres(c) => diesel::insert_into($table::table).values(chunk).execute(c)?,
            };
        }
    };
}

/// Recomputes every summary from the cases themselves, in one transaction of the caller's (on
/// PostgreSQL the statistics pages wait for it).
/// Reads the cases in slices, so a million take memory for one slice and the sums.
pub fn rebuild(conn: &mut DbConn, zone: OfficeZone) -> QueryResult<usize> {
    match conn {
        // A recount of a million cases is maintenance, longer than a request may take.
        DbConn::Postgres(c) => {
            diesel::sql_query("SET LOCAL statement_timeout = 0").execute(c)?;
            diesel::sql_query("TRUNCATE stats_months, stats_facts").execute(c)?;
        }
        DbConn::Sqlite(c) => {
            diesel::delete(stats_months::table).execute(c)?;
            diesel::delete(stats_facts::table).execute(c)?;
        }
    }
    let mut sums: HashMap<(Month, DimsKey), (Dims, Cell)> = HashMap::new();
    let mut after = 0i64;
    let mut counted = 0;
    loop {
        let ids: Vec<CaseId> = cases::table
            .filter(cases::id.gt(after))
            .filter(cases::filed_at.is_not_null())
            .order(cases::id.asc())
            .limit(SLICE)
            .select(cases::id)
            .load(conn)?;
        let Some(last) = ids.last() else { break };
        after = last.0;
        let facts = facts_of(conn, (ids[0], *last), zone)?;
        let mut rows = Vec::with_capacity(facts.len());
        for id in &ids {
            let Some(f) = facts.get(id) else { continue };
            let cells = f.cells();
            for (m, d, c) in summary_rows(&f.dims, &cells) {
                sums.entry((m, DimsKey::of(&d)))
                    .or_insert_with(|| (d, Cell::default()))
                    .1
                    .add(&c, 1);
            }
            rows.push(FactRow::new(*id, f, &cells));
        }
        counted += rows.len();
        insert_all!(conn, stats_facts, rows);
    }
    let mut months: Vec<MonthRow> = sums
        .into_iter()
        .filter(|(_, (_, c))| !c.is_empty())
        .map(|((m, _), (d, c))| MonthRow::new(m, &d, &c))
        .collect();
    months.sort_by(|a, b| {
        (a.month, &a.kind, &a.track, &a.size, &a.field).cmp(&(b.month, &b.kind, &b.track, &b.size, &b.field))
    });
    insert_all!(conn, stats_months, months);
    Ok(counted)
}

const SLICE: i64 = 5_000;
/// Rows per INSERT: under SQLite's 32,766 bound parameters with 18 columns.
const INSERT_CHUNK: usize = 1_000;

/// Builds the summaries if they were never built: an installation upgraded to statistics has
/// filed cases and no facts yet. Several app servers starting at once build them once.
pub fn build_if_missing(conn: &mut DbConn, zone: OfficeZone) -> QueryResult<Option<usize>> {
    if let DbConn::Postgres(c) = conn {
        diesel::sql_query("LOCK TABLE stats_facts IN SHARE ROW EXCLUSIVE MODE").execute(c)?;
    }
    if !needs_rebuild(conn)? {
        return Ok(None);
    }
    rebuild(conn, zone).map(Some)
}

fn needs_rebuild(conn: &mut DbConn) -> QueryResult<bool> {
    let any_fact: Option<CaseId> = stats_facts::table
        .select(stats_facts::case_id)
        .first(conn)
        .optional()?;
    if any_fact.is_some() {
        return Ok(false);
    }
    let any_filed: Option<CaseId> = cases::table
        .filter(cases::filed_at.is_not_null())
        .select(cases::id)
        .first(conn)
        .optional()?;
    Ok(any_filed.is_some())
}

type CaseCols = (
    CaseId,
    Option<NaiveDateTime>,
    Kind,
    Track,
    Option<String>,
    Option<i64>,
    Option<String>,
);

/// What the figures count of each filed case with an id from `lo` to `hi`, read in a few
/// statements.
fn facts_of(
    conn: &mut DbConn,
    (lo, hi): (CaseId, CaseId),
    zone: OfficeZone,
) -> QueryResult<HashMap<CaseId, CaseFacts>> {
    let rows: Vec<CaseCols> = cases::table
        .filter(cases::id.between(lo, hi))
        .filter(cases::filed_at.is_not_null())
        .select((
            cases::id,
            cases::filed_at,
            cases::kind,
            cases::track,
            cases::ipc_class,
            cases::damages_amount,
            cases::damages_currency,
        ))
        .load(conn)?;
    let party_rows: Vec<(CaseId, String, Option<String>, Option<String>)> = parties::table
        .filter(parties::case_id.between(lo, hi))
        .order((parties::case_id, parties::side, parties::position))
        .select((parties::case_id, parties::side, parties::size, parties::country))
        .load(conn)?;
    let event_rows: Vec<(CaseId, NaiveDateTime, State, State)> = case_events::table
        .filter(case_events::case_id.between(lo, hi))
        .order((case_events::case_id, case_events::id))
        .select((
            case_events::case_id,
            case_events::at,
            case_events::from_state,
            case_events::to_state,
        ))
        .load(conn)?;
    let closure_rows: Vec<(CaseId, String, NaiveDateTime, i32, i32, bool)> = case_closures::table
        .filter(case_closures::case_id.between(lo, hi))
        .select((
            case_closures::case_id,
            case_closures::outcome,
            case_closures::closed_at,
            case_closures::days_open,
            case_closures::sessions,
            case_closures::respondent_appeared,
        ))
        .load(conn)?;
    let mut facts: HashMap<CaseId, CaseFacts> = HashMap::with_capacity(rows.len());
    for (id, filed_at, kind, track, ipc, amount, currency) in rows {
        let Some(filed_at) = filed_at else { continue };
        let claim = match (amount, currency.as_deref().and_then(Currency::parse)) {
            (Some(a), Some(c)) if a > 0 => Some((a, c)),
            _ => None,
        };
        facts.insert(
            id,
            CaseFacts {
                filed_on: zone.day_of(filed_at),
                dims: Dims {
                    kind,
                    track,
                    size: None,
                    field: field_of(ipc.as_deref()),
                },
                respondent_countries: Vec::new(),
                claim,
                moves: Vec::new(),
                closure: None,
                cited: Vec::new(),
            },
        );
    }
    for (id, side, size, country) in party_rows {
        let Some(f) = facts.get_mut(&id) else { continue };
        if side == "complainant" {
            // The first complainant speaks for the case.
            if f.dims.size.is_none() {
                f.dims.size = size.as_deref().and_then(PartySize::parse);
            }
        } else {
            f.respondent_countries.push(country);
        }
    }
    for (id, at, from, to) in event_rows {
        if from == to {
            continue;
        }
        if let Some(f) = facts.get_mut(&id) {
            f.moves.push((zone.day_of(at), from, to));
        }
    }
    let citation_rows: Vec<(CaseId, i64)> = case_rights::table
        .filter(case_rights::case_id.between(lo, hi))
        .order((case_rights::case_id, case_rights::right_id))
        .select((case_rights::case_id, case_rights::right_id))
        .load(conn)?;
    for (id, right) in citation_rows {
        if let Some(f) = facts.get_mut(&id)
            && f.cited.last() != Some(&right)
        {
            f.cited.push(right);
        }
    }
    for (id, outcome, closed_at, days_open, sessions, appeared) in closure_rows {
        let Some(f) = facts.get_mut(&id) else { continue };
        let outcome = State::parse(&outcome).ok_or_else(|| corrupt("outcome", &outcome))?;
        f.closure = Some(Closure {
            on: zone.day_of(closed_at),
            outcome,
            days_open,
            sessions,
            respondent_appeared: appeared,
        });
    }
    Ok(facts)
}

/// Every monthly row up to `to` that the filter's kind, track and size keep: the rows of every
/// field together without a field filter, else the rows per field (which the caller keeps or
/// not, knowing the office's industries).
pub fn months(conn: &mut DbConn, filter: &Filter, to: Month) -> QueryResult<Vec<(Month, Dims, Cell)>> {
    let mut q = stats_months::table
        .filter(stats_months::month.le(to.number()))
        .select(MonthRow::as_select())
        .into_boxed();
    q = match filter.field {
        None => q.filter(stats_months::field.eq(EVERY_FIELD)),
        Some(_) => q.filter(stats_months::field.ne(EVERY_FIELD)),
    };
    if let Some(k) = filter.kind {
        q = q.filter(stats_months::kind.eq(k.as_str()));
    }
    if let Some(t) = filter.track {
        q = q.filter(stats_months::track.eq(t.as_str()));
    }
    if let Some(s) = filter.size {
        q = q.filter(stats_months::size.eq(s.map_or("", PartySize::as_str)));
    }
    q.load(conn)?.into_iter().map(MonthRow::parse).collect()
}

/// The first month anything was filed in.
pub fn first_month(conn: &mut DbConn) -> QueryResult<Option<Month>> {
    let m: Option<i32> = stats_months::table
        .select(diesel::dsl::min(stats_months::month))
        .first(conn)?;
    Ok(m.and_then(Month::from_number))
}

/// A right the selected cases cite, and by how many of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitedRight {
    pub docdb: String,
    pub display: String,
    pub title: String,
    pub cases: i64,
}

/// The most-cited rights, and the IPC subclasses of what is cited, each with how many cases
/// or citations.
pub type MostCited = (Vec<CitedRight>, Vec<(String, i64)>);

/// The first `limit` of `cited` (right ids with how many cases cite them, most first) with
/// their numbers and titles, and the IPC subclasses of all of them by citations.
pub fn most_cited(conn: &mut DbConn, cited: &[(i64, i64)], limit: usize) -> QueryResult<MostCited> {
    let top = &cited[..cited.len().min(limit)];
    let ids: Vec<i64> = top.iter().map(|(id, _)| *id).collect();
    let described: HashMap<i64, (String, String, String)> = rights::table
        .filter(rights::id.eq_any(&ids))
        .select((rights::id, (rights::docdb, rights::display, rights::title)))
        .load::<(i64, (String, String, String))>(conn)?
        .into_iter()
        .collect();
    let rights_cited = top
        .iter()
        .filter_map(|(id, cases)| {
            let (docdb, display, title) = described.get(id)?.clone();
            Some(CitedRight {
                docdb,
                display,
                title,
                cases: *cases,
            })
        })
        .collect();
    let mut by_class: HashMap<String, i64> = HashMap::new();
    // Under SQLite's limit on bound values per statement.
    for chunk in cited.chunks(10_000) {
        let counts: HashMap<i64, i64> = chunk.iter().copied().collect();
        let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
        let classes: Vec<(i64, String)> = right_classes::table
            .filter(right_classes::right_id.eq_any(&ids))
            .filter(right_classes::scheme.eq("ipc"))
            .select((right_classes::right_id, right_classes::subclass))
            .distinct()
            .load(conn)?;
        for (id, subclass) in classes {
            *by_class.entry(subclass).or_default() += counts.get(&id).copied().unwrap_or(0);
        }
    }
    let mut classes: Vec<(String, i64)> = by_class.into_iter().collect();
    classes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    classes.truncate(limit);
    Ok((rights_cited, classes))
}
