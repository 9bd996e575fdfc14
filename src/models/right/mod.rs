//! The registry of cited rights: rights by DOCDB number, their classes and citations, the
//! cases that cite them, and the search over them.

mod cited;
mod search;
mod views;

pub use cited::*;
pub use search::*;
pub use views::*;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::db::schema::{right_citations, right_classes, right_publications, rights};
use crate::domain::{ClassSymbol, PatentNumber, RightKind, RightSource};
use crate::models::id::RightId;

/// A document the right cites, with the search report's category when the file gives one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub number: PatentNumber,
    pub category: Option<String>,
}

/// Everything known about a right, parsed: what the form and the importers write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RightData {
    pub number: PatentNumber,
    /// What the number denotes, unless the file or the office said otherwise.
    pub right_kind: RightKind,
    pub title: String,
    /// Titles in other languages, as `en: …`.
    pub other_titles: Vec<String>,
    pub applicants: Vec<String>,
    pub owners: Vec<String>,
    pub inventors: Vec<String>,
    pub application_no: Option<String>,
    pub filing_date: Option<NaiveDate>,
    pub publication_date: Option<NaiveDate>,
    pub grant_date: Option<NaiveDate>,
    pub status: Option<String>,
    pub abstract_text: Option<String>,
    /// Complete symbols (`H04L 9/32`), each once.
    pub ipc: Vec<ClassSymbol>,
    pub cpc: Vec<ClassSymbol>,
    pub citations: Vec<Cited>,
    /// Other publications of the same right (a registration's earlier publications).
    pub publications: Vec<PatentNumber>,
    pub source: RightSource,
}

impl RightData {
    /// A number someone cited before anything else was known about it.
    pub fn stub(number: PatentNumber) -> RightData {
        RightData {
            right_kind: number.right_kind(),
            number,
            title: String::new(),
            other_titles: Vec::new(),
            applicants: Vec::new(),
            owners: Vec::new(),
            inventors: Vec::new(),
            application_no: None,
            filing_date: None,
            publication_date: None,
            grant_date: None,
            status: None,
            abstract_text: None,
            ipc: Vec::new(),
            cpc: Vec::new(),
            citations: Vec::new(),
            publications: Vec::new(),
            source: RightSource::Stub,
        }
    }

    /// This data, with what it lacks taken from `old`: values it has win, empty ones are
    /// filled. A stub taken over keeps nothing of its own but the link.
    pub fn with_gaps_from(mut self, old: RightData) -> RightData {
        fn text(new: &mut String, old: String) {
            if new.is_empty() {
                *new = old;
            }
        }
        fn list<T>(new: &mut Vec<T>, old: Vec<T>) {
            if new.is_empty() {
                *new = old;
            }
        }
        fn value<T>(new: &mut Option<T>, old: Option<T>) {
            if new.is_none() {
                *new = old;
            }
        }
        text(&mut self.title, old.title);
        list(&mut self.other_titles, old.other_titles);
        list(&mut self.applicants, old.applicants);
        list(&mut self.owners, old.owners);
        list(&mut self.inventors, old.inventors);
        value(&mut self.application_no, old.application_no);
        value(&mut self.filing_date, old.filing_date);
        value(&mut self.publication_date, old.publication_date);
        value(&mut self.grant_date, old.grant_date);
        value(&mut self.status, old.status);
        value(&mut self.abstract_text, old.abstract_text);
        list(&mut self.ipc, old.ipc);
        list(&mut self.cpc, old.cpc);
        list(&mut self.citations, old.citations);
        list(&mut self.publications, old.publications);
        self
    }

    /// Lower-cased text the search looks in: titles and names.
    fn search_text(&self) -> String {
        let mut text = String::new();
        for part in std::iter::once(&self.title)
            .chain(&self.other_titles)
            .chain(&self.applicants)
            .chain(&self.owners)
            .chain(&self.inventors)
        {
            text.push_str(part);
            text.push('\n');
        }
        text.to_lowercase()
    }

    /// A fingerprint of the data (not of where it came from): the same data imported again,
    /// from any file, is recognised as unchanged.
    fn hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |s: &str| {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        };
        field(&self.number.docdb());
        field(if self.number.kind_presumed() {
            "presumed"
        } else {
            "given"
        });
        field(&self.title);
        for list in [
            &self.other_titles,
            &self.applicants,
            &self.owners,
            &self.inventors,
        ] {
            field(&list.len().to_string());
            list.iter().for_each(|s| field(s));
        }
        field(self.application_no.as_deref().unwrap_or("\0"));
        for d in [self.filing_date, self.publication_date, self.grant_date] {
            field(&d.map(|d| d.to_string()).unwrap_or_default());
        }
        field(self.status.as_deref().unwrap_or("\0"));
        field(self.abstract_text.as_deref().unwrap_or("\0"));
        for list in [&self.ipc, &self.cpc] {
            field(&list.len().to_string());
            list.iter().for_each(|s| field(&s.to_string()));
        }
        field(&self.citations.len().to_string());
        for c in &self.citations {
            field(&c.number.docdb());
            field(c.category.as_deref().unwrap_or("\0"));
        }
        field(&self.publications.len().to_string());
        self.publications.iter().for_each(|p| field(&p.docdb()));
        hex::encode(h.finalize())
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = rights)]
pub struct RightRow {
    pub id: RightId,
    pub docdb: String,
    pub base: String,
    pub country: String,
    pub kind_code: Option<String>,
    pub kind_presumed: bool,
    pub right_kind: RightKind,
    pub display: String,
    pub title: String,
    pub other_titles: String,
    pub applicants: String,
    pub owners: String,
    pub inventors: String,
    pub application_no: Option<String>,
    pub filing_date: Option<NaiveDate>,
    pub publication_date: Option<NaiveDate>,
    pub grant_date: Option<NaiveDate>,
    pub status: Option<String>,
    pub abstract_text: Option<String>,
    pub source: RightSource,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl RightRow {
    pub fn is_stub(&self) -> bool {
        self.source == RightSource::Stub
    }

    fn lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.is_empty()).collect()
    }

    pub fn applicant_list(&self) -> Vec<&str> {
        Self::lines(&self.applicants)
    }

    pub fn owner_list(&self) -> Vec<&str> {
        Self::lines(&self.owners)
    }

    pub fn inventor_list(&self) -> Vec<&str> {
        Self::lines(&self.inventors)
    }

    pub fn other_title_list(&self) -> Vec<&str> {
        Self::lines(&self.other_titles)
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = rights, treat_none_as_null = true)]
struct RightChange<'a> {
    docdb: String,
    base: String,
    country: &'a str,
    kind_code: Option<&'a str>,
    kind_presumed: bool,
    right_kind: &'a str,
    display: String,
    title: &'a str,
    other_titles: String,
    applicants: String,
    owners: String,
    inventors: String,
    application_no: Option<&'a str>,
    filing_date: Option<NaiveDate>,
    publication_date: Option<NaiveDate>,
    grant_date: Option<NaiveDate>,
    status: Option<&'a str>,
    abstract_text: Option<&'a str>,
    source: &'a str,
    search_text: String,
    data_hash: String,
    updated_at: NaiveDateTime,
}

impl<'a> RightChange<'a> {
    fn of(d: &'a RightData, now: NaiveDateTime) -> RightChange<'a> {
        RightChange {
            docdb: d.number.docdb(),
            base: d.number.base(),
            country: d.number.country(),
            kind_code: d.number.kind(),
            kind_presumed: d.number.kind_presumed(),
            right_kind: d.right_kind.as_str(),
            display: d.number.display(),
            title: &d.title,
            other_titles: d.other_titles.join("\n"),
            applicants: d.applicants.join("\n"),
            owners: d.owners.join("\n"),
            inventors: d.inventors.join("\n"),
            application_no: d.application_no.as_deref(),
            filing_date: d.filing_date,
            publication_date: d.publication_date,
            grant_date: d.grant_date,
            status: d.status.as_deref(),
            abstract_text: d.abstract_text.as_deref(),
            source: d.source.as_str(),
            search_text: d.search_text(),
            data_hash: d.hash(),
            updated_at: now,
        }
    }
}

/// What an upsert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upserted {
    Created(RightId),
    Updated(RightId),
    /// The registry already held exactly this data.
    Unchanged(RightId),
}

impl Upserted {
    pub fn id(self) -> RightId {
        match self {
            Upserted::Created(id) | Upserted::Updated(id) | Upserted::Unchanged(id) => id,
        }
    }
}

/// Writes a right by its number. A row already there is completed and corrected: the
/// record's values win, except over a right staff entered or corrected by hand, and what the
/// record lacks is kept (an OPS family list has numbers, no titles). A stub (a number cited
/// before anything was known of it, its kind unknown or only presumed) is taken over by the
/// first record for that number, so the cases citing it keep their link. The caller holds
/// the transaction.
pub fn upsert(conn: &mut DbConn, data: &RightData, now: NaiveDateTime) -> QueryResult<Upserted> {
    let change = RightChange::of(data, now);
    let existing: Option<(i64, String)> = rights::table
        .filter(rights::docdb.eq(&change.docdb))
        .select((rights::id, rights::data_hash))
        .first(conn)
        .optional()?;
    let existing = match existing {
        Some(found) => Some(found),
        None => {
            let stubs: Vec<(i64, String)> = rights::table
                .filter(rights::base.eq(&change.base))
                .filter(rights::source.eq(RightSource::Stub.as_str()))
                .filter(rights::kind_code.is_null().or(rights::kind_presumed.eq(true)))
                .select((rights::id, rights::data_hash))
                .limit(2)
                .load(conn)?;
            // Two stubs of one number would leave the choice to chance: keep them apart.
            match <[_; 1]>::try_from(stubs) {
                Ok([one]) => Some(one),
                Err(_) => None,
            }
        }
    };
    match existing {
        Some((id, hash)) if hash == change.data_hash => Ok(Upserted::Unchanged(RightId(id))),
        Some((id, hash)) => {
            let row = find_by_id(conn, RightId(id))?.ok_or(diesel::result::Error::NotFound)?;
            let merged = match data_of(conn, &row)? {
                Some(old) => merge(data, &row, old),
                None => data.clone(),
            };
            let change = RightChange::of(&merged, now);
            if change.data_hash == hash {
                return Ok(Upserted::Unchanged(RightId(id)));
            }
            rewrite(conn, RightId(id), &change, &merged)?;
            Ok(Upserted::Updated(RightId(id)))
        }
        None => {
            let id = diesel::insert_into(rights::table)
                .values((&change, rights::created_at.eq(now)))
                .returning(rights::id)
                .get_result(conn)?;
            write_classes(conn, RightId(id), data)?;
            write_citations(conn, RightId(id), data)?;
            write_publications(conn, RightId(id), data)?;
            Ok(Upserted::Created(RightId(id)))
        }
    }
}

/// Adds rights known to be new (demo data, benchmarks) in few statements: no lookup, no
/// merge. The caller holds the transaction.
pub fn insert_new(conn: &mut DbConn, batch: &[RightData], now: NaiveDateTime) -> QueryResult<()> {
    // About 24 values a row: a slice stays under PostgreSQL's bound-value limit.
    for slice in batch.chunks(1000) {
        let rows: Vec<_> = slice
            .iter()
            .map(|d| (RightChange::of(d, now), rights::created_at.eq(now)))
            .collect();
        // SQLite has no DEFAULT in multi-row VALUES (an unknown date is one); row by row it
        // is in-process and as fast.
        let ids: Vec<i64> = match conn {
            DbConn::Sqlite(c) => rows
                .into_iter()
                .map(|row| {
                    diesel::insert_into(rights::table)
                        .values(row)
                        .returning(rights::id)
                        .get_result(c)
                })
                .collect::<QueryResult<_>>()?,
            DbConn::Postgres(c) => diesel::insert_into(rights::table)
                .values(rows)
                .returning(rights::id)
                .get_results(c)?,
        };
        for (id, data) in ids.into_iter().zip(slice) {
            write_classes(conn, RightId(id), data)?;
            write_citations(conn, RightId(id), data)?;
            write_publications(conn, RightId(id), data)?;
        }
    }
    Ok(())
}

/// What a record makes of the right already in the registry.
fn merge(data: &RightData, row: &RightRow, old: RightData) -> RightData {
    if row.source == RightSource::Manual && data.source != RightSource::Manual {
        // Staff's hand wins over any file; the file only fills what they left empty.
        return old.with_gaps_from(data.clone());
    }
    let mut merged = data.clone().with_gaps_from(old.clone());
    // A kind the registry was given is not demoted to a presumed one (KIPRIS gives none).
    if row.docdb == merged.number.docdb() && merged.number.kind_presumed() && !row.kind_presumed {
        merged.number = old.number;
    }
    merged
}

/// Replaces what the registry holds for one right, its number included (a stub completed
/// by hand). The caller has checked that the number is not another right's.
pub fn replace(conn: &mut DbConn, id: RightId, data: &RightData, now: NaiveDateTime) -> QueryResult<()> {
    rewrite(conn, id, &RightChange::of(data, now), data)
}

fn rewrite(conn: &mut DbConn, id: RightId, change: &RightChange<'_>, data: &RightData) -> QueryResult<()> {
    diesel::update(rights::table.find(id.0))
        .set(change)
        .execute(conn)?;
    diesel::delete(right_classes::table.filter(right_classes::right_id.eq(id.0))).execute(conn)?;
    diesel::delete(right_citations::table.filter(right_citations::right_id.eq(id.0))).execute(conn)?;
    diesel::delete(right_publications::table.filter(right_publications::right_id.eq(id.0))).execute(conn)?;
    write_classes(conn, id, data)?;
    write_citations(conn, id, data)?;
    write_publications(conn, id, data)
}

/// Everything the registry holds about one right, as its edit form shows it.
pub fn data_of(conn: &mut DbConn, row: &RightRow) -> QueryResult<Option<RightData>> {
    let id = row.id;
    let Ok(number) = PatentNumber::from_docdb(&row.docdb) else {
        return Ok(None);
    };
    let classes = classes_of(conn, id)?;
    let symbols = |scheme: &str| {
        classes
            .iter()
            .filter(|c| c.scheme == scheme)
            .filter_map(|c| ClassSymbol::parse(&c.symbol))
            .collect()
    };
    let cited: Vec<(String, Option<String>)> = right_citations::table
        .filter(right_citations::right_id.eq(id.0))
        .order(right_citations::position.asc())
        .select((right_citations::cited_docdb, right_citations::category))
        .load(conn)?;
    let publications = publications_of(conn, id)?
        .iter()
        .filter_map(|docdb| PatentNumber::from_docdb(docdb).ok())
        .collect();
    let lines = |text: &str| RightRow::lines(text).into_iter().map(str::to_string).collect();
    Ok(Some(RightData {
        publications,
        right_kind: row.right_kind,
        title: row.title.clone(),
        other_titles: lines(&row.other_titles),
        applicants: lines(&row.applicants),
        owners: lines(&row.owners),
        inventors: lines(&row.inventors),
        application_no: row.application_no.clone(),
        filing_date: row.filing_date,
        publication_date: row.publication_date,
        grant_date: row.grant_date,
        status: row.status.clone(),
        abstract_text: row.abstract_text.clone(),
        ipc: symbols("ipc"),
        cpc: symbols("cpc"),
        citations: cited
            .into_iter()
            .filter_map(|(docdb, category)| {
                PatentNumber::from_docdb(&docdb)
                    .ok()
                    .map(|number| Cited { number, category })
            })
            .collect(),
        source: row.source,
        number,
    }))
}

fn write_classes(conn: &mut DbConn, id: RightId, data: &RightData) -> QueryResult<()> {
    let mut seen: Vec<(&str, String)> = Vec::new();
    let mut rows = Vec::new();
    for (scheme, list) in [("ipc", &data.ipc), ("cpc", &data.cpc)] {
        for symbol in list {
            let stored = symbol.to_string();
            if seen.contains(&(scheme, stored.clone())) {
                continue;
            }
            seen.push((scheme, stored.clone()));
            rows.push((
                right_classes::right_id.eq(id.0),
                right_classes::scheme.eq(scheme),
                right_classes::symbol.eq(stored),
                right_classes::subclass.eq(symbol.subclass().to_string()),
                right_classes::main_group.eq(symbol.main_group().unwrap_or_default()),
            ));
        }
    }
    insert_all(conn, right_classes::table, rows)
}

fn write_publications(conn: &mut DbConn, id: RightId, data: &RightData) -> QueryResult<()> {
    let rows: Vec<_> = data
        .publications
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                right_publications::right_id.eq(id.0),
                right_publications::position.eq(i as i32 + 1),
                right_publications::docdb.eq(p.docdb()),
                right_publications::base.eq(p.base()),
            )
        })
        .collect();
    insert_all(conn, right_publications::table, rows)
}

fn write_citations(conn: &mut DbConn, id: RightId, data: &RightData) -> QueryResult<()> {
    let rows: Vec<_> = data
        .citations
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                right_citations::right_id.eq(id.0),
                right_citations::position.eq(i as i32 + 1),
                right_citations::cited_docdb.eq(c.number.docdb()),
                right_citations::cited_base.eq(c.number.base()),
                right_citations::cited_display.eq(c.number.display()),
                right_citations::category.eq(c.category.clone()),
            )
        })
        .collect();
    insert_all(conn, right_citations::table, rows)
}

/// Many rows in few statements: diesel's multi-backend connection has no multi-row INSERT,
/// so each backend runs it itself, in slices small enough for SQLite's bound-value limit.
fn insert_all<T, R>(conn: &mut DbConn, table: T, rows: Vec<R>) -> QueryResult<()>
where
    T: diesel::Table + Copy,
    R: Clone,
    Vec<R>: Insertable<T>,
    diesel::query_builder::InsertStatement<T, <Vec<R> as Insertable<T>>::Values>:
        diesel::query_dsl::methods::ExecuteDsl<diesel::SqliteConnection>
            + diesel::query_dsl::methods::ExecuteDsl<diesel::PgConnection>,
{
    for chunk in rows.chunks(100) {
        let statement = diesel::insert_into(table).values(chunk.to_vec());
        match conn {
            DbConn::Sqlite(c) => diesel::RunQueryDsl::execute(statement, c)?,
            DbConn::Postgres(c) => diesel::RunQueryDsl::execute(statement, c)?,
        };
    }
    Ok(())
}

pub fn find(conn: &mut DbConn, docdb: &str) -> QueryResult<Option<RightRow>> {
    rights::table
        .filter(rights::docdb.eq(docdb))
        .select(RightRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id(conn: &mut DbConn, id: RightId) -> QueryResult<Option<RightRow>> {
    rights::table
        .find(id.0)
        .select(RightRow::as_select())
        .first(conn)
        .optional()
}

/// The rights a typed number denotes: every publication of that number, the exact kind
/// first. A number typed without its kind (or with a presumed one) finds all of them.
pub fn by_number(conn: &mut DbConn, number: &PatentNumber) -> QueryResult<Vec<RightRow>> {
    let mut found: Vec<RightRow> = rights::table
        .filter(rights::base.eq(number.base()))
        .order(rights::id.asc())
        .select(RightRow::as_select())
        .load(conn)?;
    let exact = number.docdb();
    found.sort_by_key(|r| r.docdb != exact);
    Ok(found)
}

/// The one right a case link should point at: the exact publication if known, else the
/// only publication of that number, else a new stub. `None` when the number is ambiguous
/// (several publications, none of them the one typed).
pub fn resolve_or_stub(
    conn: &mut DbConn,
    number: &PatentNumber,
    now: NaiveDateTime,
) -> QueryResult<Result<RightId, Vec<RightRow>>> {
    let found = by_number(conn, number)?;
    let given_kind = number.kind().is_some() && !number.kind_presumed();
    match found.as_slice() {
        [] => upsert(conn, &RightData::stub(number.clone()), now).map(|u| Ok(u.id())),
        [first, ..] if first.docdb == number.docdb() => Ok(Ok(first.id)),
        [only] if !given_kind => Ok(Ok(only.id)),
        _ if given_kind => upsert(conn, &RightData::stub(number.clone()), now).map(|u| Ok(u.id())),
        _ => Ok(Err(found)),
    }
}
