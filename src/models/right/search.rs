//! The registry search: by number, class or words, with counts capped where they get costly.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;
use crate::db::schema::rights;
use crate::domain::{ClassSymbol, PatentNumber, RightKind, RightSource};
use crate::models::id::RightId;

/// What the registry search looks for.
#[derive(Clone, Debug)]
pub enum Query {
    All,
    Number(PatentNumber),
    Class(ClassSymbol),
    /// Lower-cased words that must all appear in a title or a name.
    Words(Vec<String>),
}

pub struct Search {
    pub query: Query,
    /// Stubs are numbers cited in cases, some of them drafts: only the office lists them.
    pub include_stubs: bool,
    pub right_kind: Option<RightKind>,
    pub country: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Queryable, Selectable, QueryableByName, Debug, Clone)]
#[diesel(table_name = rights)]
pub struct RightListRow {
    pub id: RightId,
    pub docdb: String,
    pub display: String,
    pub kind_presumed: bool,
    pub right_kind: RightKind,
    pub title: String,
    pub applicants: String,
    pub owners: String,
    pub grant_date: Option<NaiveDate>,
    pub publication_date: Option<NaiveDate>,
    pub source: RightSource,
}

impl RightListRow {
    pub fn holder(&self) -> &str {
        let owners = self.owners.lines().next().unwrap_or("");
        if owners.is_empty() {
            self.applicants.lines().next().unwrap_or("")
        } else {
            owners
        }
    }

    pub fn is_stub(&self) -> bool {
        self.source == RightSource::Stub
    }
}

/// Searches count exactly only up to here; beyond, the page says "more than".
pub const COUNT_CAP: i64 = 1000;

/// The same for searches no index can answer (words of one or two letters, such as most
/// Korean words): each counted match costs a scan.
pub const SCAN_COUNT_CAP: i64 = 200;

pub struct Found {
    pub rows: Vec<RightListRow>,
    pub total: i64,
    pub more: bool,
}

/// The registry search, newest entries first. Every value is bound; the SQL differs per
/// backend only in how a text or prefix match is written.
pub fn search(conn: &mut DbConn, s: &Search) -> QueryResult<Found> {
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    let mut sql = SqlBuilder::default();
    match &s.query {
        Query::All => sql.from("rights"),
        Query::Number(n) => {
            sql.from("rights");
            // The number itself, or a registration that names it as an earlier publication.
            sql.and2(
                "rights.id IN (SELECT id FROM rights WHERE base = ? \
                 UNION SELECT right_id FROM right_publications WHERE base = ?)",
                n.base(),
            );
            // The publication typed comes before the number's other publications.
            sql.first("rights.docdb = ?", n.docdb());
        }
        Query::Class(symbol) => {
            let (column, value, exact) = match (symbol.main_group(), symbol.subgroup()) {
                (None, _) if symbol.subclass().len() == 4 => ("subclass", symbol.prefix(), true),
                (None, _) => ("subclass", symbol.prefix(), false),
                (Some(group), None) => ("main_group", group, true),
                (Some(_), Some(_)) if symbol.is_complete() => ("symbol", symbol.prefix(), true),
                (Some(_), Some(_)) => ("symbol", symbol.prefix(), false),
            };
            sql.from("rights");
            let test = match (exact, sqlite) {
                (true, _) => format!("right_classes.{column} = ?"),
                (false, true) => format!("right_classes.{column} GLOB ?"),
                (false, false) => format!("right_classes.{column} LIKE ?"),
            };
            let value = match (exact, sqlite) {
                (true, _) => value,
                (false, true) => format!("{value}*"),
                (false, false) => format!("{value}%"),
            };
            // A subclass (or a whole class) holds a good share of the registry: walking the
            // newest rights and probing each one's classes stops after a page. A main group
            // or a symbol holds few: those are read from the class index first.
            sql.walks = column == "subclass";
            let condition = if column == "subclass" {
                format!(
                    "EXISTS (SELECT 1 FROM right_classes WHERE right_classes.right_id = rights.id AND {test})"
                )
            } else {
                format!("rights.id IN (SELECT right_id FROM right_classes WHERE {test})")
            };
            sql.and(&condition, value);
        }
        Query::Words(words) => {
            let (long, short): (Vec<&String>, Vec<&String>) =
                words.iter().partition(|w| w.chars().count() >= 3);
            if sqlite && !long.is_empty() {
                // The trigram index answers words of three letters or more.
                let phrase = long
                    .iter()
                    .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                    .collect::<Vec<_>>()
                    .join(" ");
                sql.from("rights_search JOIN rights ON rights.id = rights_search.rowid");
                sql.order = "rights_search.rowid";
                sql.and("rights_search MATCH ?", phrase);
                for w in short {
                    sql.and(
                        "rights.search_text LIKE ? ESCAPE '\\'",
                        crate::db::contains_pattern(w),
                    );
                }
            } else {
                sql.from("rights");
                sql.walks = long.is_empty();
                for w in words {
                    sql.and(
                        "rights.search_text LIKE ? ESCAPE '\\'",
                        crate::db::contains_pattern(w),
                    );
                }
            }
        }
    }
    if !s.include_stubs {
        sql.and("rights.source <> ?", RightSource::Stub.as_str().to_string());
    }
    if let Some(kind) = s.right_kind {
        sql.and("rights.right_kind = ?", kind.as_str().to_string());
    }
    if let Some(country) = &s.country {
        sql.and("rights.country = ?", country.clone());
    }
    let rows = sql.rows(conn, s.offset, s.limit)?;
    // Words too short for the trigram index are looked for row by row: counted only so far.
    let cap = match &s.query {
        Query::Words(words) if words.iter().all(|w| w.chars().count() < 3) => SCAN_COUNT_CAP,
        _ => COUNT_CAP,
    }
    .max(s.offset + s.limit);
    let counted = sql.count(conn, cap + 1)?;
    Ok(Found {
        total: counted.min(cap).max(s.offset + rows.len() as i64),
        more: counted > cap,
        rows,
    })
}

/// Runs a statement of fixed SQL with text values bound, on the backend's own connection
/// (diesel's multi-backend connection takes no raw SQL); `$finish` binds the rest and runs it.
macro_rules! raw {
    ($conn:expr, $sql:expr, $values:expr, |$q:ident, $c:ident| $finish:expr) => {
        match $conn {
            DbConn::Sqlite($c) => {
                let mut $q = diesel::sql_query($sql).into_boxed::<diesel::sqlite::Sqlite>();
                for v in $values {
                    $q = $q.bind::<Text, _>(v.clone());
                }
                $finish
            }
            DbConn::Postgres($c) => {
                let mut $q = diesel::sql_query($sql).into_boxed::<diesel::pg::Pg>();
                for v in $values {
                    $q = $q.bind::<Text, _>(v.clone());
                }
                $finish
            }
        }
    };
}

/// Joins fixed SQL fragments; every value is a bound parameter, written `?` here and
/// numbered for PostgreSQL when the statement is built.
#[derive(Default)]
struct SqlBuilder {
    from: &'static str,
    conditions: Vec<String>,
    values: Vec<String>,
    /// Rows meeting this condition are listed first, with its value.
    first: Option<(&'static str, String)>,
    /// The id the newest-first order reads: the trigram index's own rowid when it drives
    /// the search, so that a common word stops after the page it needs.
    order: &'static str,
    /// The search walks the rights newest first, testing each (no index narrows it).
    walks: bool,
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl SqlBuilder {
    fn from(&mut self, from: &'static str) {
        self.from = from;
    }

    fn and(&mut self, condition: &str, value: String) {
        self.conditions.push(condition.to_string());
        self.values.push(value);
    }

    /// A condition using one value twice.
    fn and2(&mut self, condition: &str, value: String) {
        self.conditions.push(condition.to_string());
        self.values.push(value.clone());
        self.values.push(value);
    }

    fn first(&mut self, condition: &'static str, value: String) {
        self.first = Some((condition, value));
    }

    fn order_column(&self) -> &'static str {
        if self.order.is_empty() {
            "rights.id"
        } else {
            self.order
        }
    }

    fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    fn rows(&self, conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<Vec<RightListRow>> {
        let first = self
            .first
            .as_ref()
            .map(|(c, _)| format!("({c}) DESC, "))
            .unwrap_or_default();
        let sql = format!(
            "SELECT rights.id, rights.docdb, rights.display, rights.kind_presumed, rights.right_kind, rights.title, \
             rights.applicants, rights.owners, rights.grant_date, rights.publication_date, \
             rights.source FROM {}{} ORDER BY {first}{} DESC LIMIT {limit} OFFSET ?",
            self.from,
            self.where_clause(),
            if self.order.is_empty() {
                "rights.id"
            } else {
                self.order
            },
        );
        let sql = crate::db::sql::for_backend(&sql, conn).into_owned();
        // A raw statement runs on the backend's own connection.
        let values = self.values.iter().chain(self.first.iter().map(|(_, v)| v));
        raw!(conn, sql, values, |q, c| q.bind::<BigInt, _>(offset).load(c))
    }

    fn count(&self, conn: &mut DbConn, cap: i64) -> QueryResult<i64> {
        // A search that walks the rights (a subclass, words too short for an index) counts
        // in the page's order, newest first, where the page found its matches, so counting to
        // the cap stops as soon. So does SQLite always. PostgreSQL otherwise does better
        // choosing for itself (a bitmap over the trigram index), which an order would forbid.
        let order = match conn {
            DbConn::Postgres(_) if !self.walks => String::new(),
            _ => format!(" ORDER BY {} DESC", self.order_column()),
        };
        let sql = format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM {}{}{order} LIMIT {cap}) AS capped",
            self.from,
            self.where_clause(),
        );
        let sql = crate::db::sql::for_backend(&sql, conn).into_owned();
        raw!(conn, sql, self.values.iter(), |q, c| q
            .get_result::<Counted>(c)
            .map(|c| c.n))
    }
}

/// Whether any right is in the registry, for the demo and the benchmark.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    rights::table.count().get_result(conn)
}
