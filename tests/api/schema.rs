//! Schema parity (issue 16): the SQLite and PostgreSQL migration trees build the same schema,
//! and every migration can be reverted and run again.
//!
//! Each database is read back from its own catalogue into one shape: tables, columns (typed
//! with diesel's names, because `src/db/schema.rs` is the one schema both must serve), primary
//! keys, foreign keys, indexes and CHECK constraints. Triggers and their functions are not
//! compared: the two trees write them in different languages.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use diesel::backend::Backend;
use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::sql_types::{Bool, Integer, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{PgConnection, QueryableByName, RunQueryDsl, SqliteConnection, sql_query};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use ipdesk::db::{DatabaseUrl, DbConn};

use ipdesk::domain::Role;

use crate::helpers::cases::{act, file_case};
use crate::helpers::spawn_app;

// The folders src/db embeds and runs at start-up; the tests need them to revert migrations.
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Not the application's: diesel's record of applied migrations, which each backend's
/// harness makes in its own way.
const NOT_APP_TABLES: &[&str] = &["__diesel_schema_migrations"];

/// Differences made on purpose, worded exactly as `differences` words them. Each must still
/// occur: an entry that matches nothing fails the test, so the list cannot outlive its reason.
const DELIBERATE: &[&str] = &[
    // Substring search on SQLite: FTS5 trigram tables kept by triggers (their shadow tables
    // belong to them and are not listed) …
    "table cases_search (virtual table using fts5): only in SQLite",
    "table rights_search (virtual table using fts5): only in SQLite",
    // … and on PostgreSQL a trigram GIN index on the same column.
    "cases: index (search_text gin_trgm_ops) using gin: only in PostgreSQL",
    "rights: index (search_text gin_trgm_ops) using gin: only in PostgreSQL",
    // Prefix searches: PostgreSQL's LIKE uses an index only with the pattern operators under
    // any collation; SQLite's GLOB uses the plain index on the column.
    "cases: index (case_no text_pattern_ops): only in PostgreSQL",
    "right_classes: index (symbol text_pattern_ops): only in PostgreSQL",
];

#[tokio::test]
async fn the_two_migration_trees_define_the_same_schema() {
    // One folder per backend with the same names (diesel.toml): a migration missing from one
    // tree is the first difference.
    assert_eq!(
        migration_names::<Sqlite>(&SQLITE_MIGRATIONS),
        migration_names::<Pg>(&POSTGRES_MIGRATIONS),
        "both trees hold the same migrations"
    );

    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        // Only the PostgreSQL run has both databases, so the schemas are compared there. The
        // SQLite run (CI's first, made with TEST_DATABASE_URL unset) may stop here only because
        // CI always makes the PostgreSQL run too: should .ci/run stop doing so, this fails
        // rather than leave the trees unchecked.
        let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
        assert!(
            ci.lines()
                .any(|l| l.trim_start().starts_with("TEST_DATABASE_URL=") && l.contains("cargo test")),
            "CI no longer runs the suite on PostgreSQL, so nothing compares the two migration trees"
        );
        eprintln!("schema parity is compared in the PostgreSQL run (TEST_DATABASE_URL)");
        return;
    }

    let app = spawn_app().await; // a fresh PostgreSQL database, migrated at start-up
    let postgres = app.with_db(introspect).await;
    let sqlite = tokio::task::spawn_blocking(|| {
        let dir = tempfile::tempdir().unwrap();
        let pool = ipdesk::db::connect(&DatabaseUrl::Sqlite(dir.path().join("parity.db")), 1).unwrap();
        introspect(&mut pool.get().unwrap())
    })
    .await
    .unwrap();
    assert!(sqlite.tables.contains_key("users") && postgres.tables.contains_key("users"));

    let found = differences(&sqlite, &postgres, ("SQLite", "PostgreSQL"));
    let unexplained: Vec<&String> = found
        .iter()
        .filter(|d| !DELIBERATE.contains(&d.as_str()))
        .collect();
    let stale: Vec<&&str> = DELIBERATE
        .iter()
        .filter(|e| !found.iter().any(|d| d == **e))
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "the SQLite and PostgreSQL migration trees differ:\n{}\n\
         allow-list entries that no longer occur (remove them):\n{}\n\
         Make the trees agree, or add a difference made on purpose to DELIBERATE with its reason.",
        lines(&unexplained),
        lines(&stale),
    );
}

#[tokio::test]
async fn every_migration_runs_down_and_up_again() {
    let app = spawn_app().await; // migrated to the newest schema at start-up
    app.with_db(|conn| {
        let names = match conn {
            DbConn::Sqlite(_) => migration_names::<Sqlite>(&SQLITE_MIGRATIONS),
            DbConn::Postgres(_) => migration_names::<Pg>(&POSTGRES_MIGRATIONS),
        };
        assert_eq!(applied_count(conn), names.len(), "the app ran every migration");

        // Down, newest first, noting the schema at each level: `levels[k]` is the schema with
        // the first k migrations applied.
        let mut levels = vec![introspect(conn)];
        for name in names.iter().rev() {
            step(conn, name, Step::Down);
            levels.push(introspect(conn));
        }
        levels.reverse();

        assert_eq!(applied_count(conn), 0, "every migration is recorded as reverted");
        assert!(
            levels[0].tables.is_empty() && leftovers(conn).is_empty(),
            "reverting every migration leaves nothing of the application behind: {:?} {:?}",
            levels[0].tables.keys().collect::<Vec<_>>(),
            leftovers(conn),
        );

        // Up again, oldest first: at each level the schema must be the one seen there on the
        // way down, or this migration's up, or a later one's down, does not mirror the other.
        for (k, name) in names.iter().enumerate() {
            step(conn, name, Step::Up);
            let coming_up = introspect(conn);
            let found = differences(
                &levels[k + 1],
                &coming_up,
                ("the schema going down", "the schema coming up"),
            );
            assert!(
                found.is_empty(),
                "with the migrations up to {name} applied, the schema differs on the way up from \
                 the way down ({name}'s up.sql or a later down.sql is not the mirror of the other):\n{}",
                lines(&found)
            );
        }
        assert_eq!(
            applied_count(conn),
            names.len(),
            "every migration is recorded as applied"
        );
    })
    .await;
}

#[tokio::test]
async fn rebuilding_the_sqlite_tables_for_parity_keeps_every_row() {
    // The parity migration rebuilds five SQLite tables (and is a no-op on PostgreSQL): their
    // rows must come through it, both ways, and a signed-in person must stay signed in.
    const REBUILT: &str = "2026-12-02-000010_sqlite_parity";
    const TABLES: [&str; 5] = [
        "sessions",
        "setup_tokens",
        "email_tokens",
        "case_closures",
        "filing_counters",
    ];
    let app = spawn_app().await;
    let (complainant, user) = app.signed_in(Role::Complainant).await;
    let case_no = file_case(&app, &complainant, "Withdrawn before the rebuild").await;
    assert_eq!(
        act(&app, &complainant, &case_no, "withdraw", &[]).await.status(),
        303
    );
    // A reset link asked for (an e-mail token); the first administrator's set-up link was
    // made at start-up (a set-up token).
    let res = app
        .post("/password-reset", &[("email", user.email.as_str())])
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );

    let dump = |conn: &mut DbConn| -> Vec<String> {
        TABLES
            .iter()
            .map(|t| {
                #[derive(QueryableByName)]
                struct Row {
                    #[diesel(sql_type = Text)]
                    row: String,
                }
                let sql = match *t {
                    "sessions" => "SELECT token_hash || ' ' || coalesce(CAST(user_id AS TEXT), '-') AS row FROM sessions",
                    "setup_tokens" => "SELECT token_hash || ' ' || coalesce(CAST(user_id AS TEXT), '-') AS row FROM setup_tokens",
                    "email_tokens" => "SELECT token_hash || ' ' || CAST(user_id AS TEXT) || ' ' || purpose AS row FROM email_tokens",
                    "case_closures" => "SELECT CAST(case_id AS TEXT) || ' ' || outcome AS row FROM case_closures",
                    _ => "SELECT CAST(year AS TEXT) || ' ' || CAST(last_seq AS TEXT) AS row FROM filing_counters",
                };
                let mut rows: Vec<String> = sql_query(sql)
                    .load::<Row>(conn)
                    .unwrap()
                    .into_iter()
                    .map(|r| r.row)
                    .collect();
                rows.sort();
                assert!(!rows.is_empty(), "the story left a row in {t}");
                format!("{t}: {}", rows.join(", "))
            })
            .collect()
    };
    let before = app.with_db(dump).await;
    // The rebuild ran on the schema of its day: the migrations after it are taken back first
    // (newest first) and run again after it.
    app.with_db(|conn| {
        let names = match conn {
            DbConn::Sqlite(_) => migration_names::<Sqlite>(&SQLITE_MIGRATIONS),
            DbConn::Postgres(_) => migration_names::<Pg>(&POSTGRES_MIGRATIONS),
        };
        let later: Vec<&String> = names.iter().filter(|n| n.as_str() > REBUILT).collect();
        for name in later.iter().rev() {
            step(conn, name, Step::Down);
        }
        step(conn, REBUILT, Step::Down);
        step(conn, REBUILT, Step::Up);
        for name in &later {
            step(conn, name, Step::Up);
        }
    })
    .await;
    assert_eq!(app.with_db(dump).await, before, "every row came through");

    let home = app.get_as(&complainant, "/cases").await;
    assert_eq!(home.status(), 200, "the session outlived the rebuild");
    let next = file_case(&app, &complainant, "Filed after the rebuild").await;
    assert_ne!(next, case_no, "the filing counter went on counting");
}

// ---- the schema's shape --------------------------------------------------------------------

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, Table>,
}

/// How many times each thing occurs: an index made twice on one side is a difference too.
type Bag<T> = BTreeMap<T, usize>;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Table {
    /// `table`, `view`, `virtual table using fts5` …
    kind: String,
    columns: BTreeMap<String, Column>,
    primary_key: Vec<String>,
    foreign_keys: Bag<ForeignKey>,
    /// Unique constraints and indexes of either kind, but not the primary key's.
    indexes: Bag<Index>,
    checks: Bag<Check>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    /// diesel's name for the type: `BigInt`, `Integer`, `Text`, `Bool`, `Timestamp` …
    sql_type: String,
    nullable: bool,
    default: Option<String>,
    /// Given by the database when an insert leaves it out (SQLite's rowid, a PostgreSQL
    /// sequence or identity).
    generated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
    on_update: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Index {
    unique: bool,
    /// Column names, each followed by its operator class when that is not the default.
    columns: Vec<String>,
    method: String,
    partial: bool,
}

/// PostgreSQL rewrites a CHECK's text (`BETWEEN` into two comparisons, `IN` into `= ANY
/// (ARRAY[…])`), so a check is compared by the columns it reads and the literals it names.
#[derive(Debug, Default, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Check {
    columns: BTreeSet<String>,
    literals: Vec<String>,
}

impl fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "foreign key ({}) REFERENCES {} ({})",
            self.columns.join(", "),
            self.table,
            self.references.join(", ")
        )?;
        for (event, action) in [("DELETE", &self.on_delete), ("UPDATE", &self.on_update)] {
            if action != "NO ACTION" {
                write!(f, " ON {event} {action}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unique = if self.unique { "unique " } else { "" };
        write!(f, "{unique}index ({})", self.columns.join(", "))?;
        if self.method != "btree" {
            write!(f, " using {}", self.method)?;
        }
        if self.partial {
            write!(f, " (partial)")?;
        }
        Ok(())
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        write!(f, "check on ({})", columns.join(", "))?;
        if !self.literals.is_empty() {
            write!(f, " naming {}", self.literals.join(", "))?;
        }
        Ok(())
    }
}

// ---- comparing -----------------------------------------------------------------------------

/// Every difference between two schemas, one line each, in a stable order.
fn differences(a: &Schema, b: &Schema, names: (&str, &str)) -> Vec<String> {
    let (a_name, b_name) = names;
    let mut out = Vec::new();
    let all: BTreeSet<&String> = a.tables.keys().chain(b.tables.keys()).collect();
    for name in all {
        match (a.tables.get(name), b.tables.get(name)) {
            (Some(t), None) => out.push(format!("table {name} ({}): only in {a_name}", t.kind)),
            (None, Some(t)) => out.push(format!("table {name} ({}): only in {b_name}", t.kind)),
            (Some(x), Some(y)) => table_differences(name, x, y, names, &mut out),
            (None, None) => unreachable!(),
        }
    }
    out
}

fn table_differences(name: &str, x: &Table, y: &Table, names: (&str, &str), out: &mut Vec<String>) {
    let (a_name, b_name) = names;
    if x.kind != y.kind {
        out.push(format!(
            "table {name}: {} in {a_name}, {} in {b_name}",
            x.kind, y.kind
        ));
    }
    let all: BTreeSet<&String> = x.columns.keys().chain(y.columns.keys()).collect();
    for column in all {
        let (p, q) = match (x.columns.get(column), y.columns.get(column)) {
            (Some(p), Some(q)) => (p, q),
            (Some(_), None) => {
                out.push(format!("{name}.{column}: only in {a_name}"));
                continue;
            }
            (None, _) => {
                out.push(format!("{name}.{column}: only in {b_name}"));
                continue;
            }
        };
        let mut differ = |what: String, there: String, here: String| {
            if there != here {
                out.push(format!(
                    "{name}.{column}: {what}{there} in {a_name}, {here} in {b_name}"
                ));
            }
        };
        differ("type ".into(), p.sql_type.clone(), q.sql_type.clone());
        let null = |c: &Column| if c.nullable { "nullable" } else { "NOT NULL" }.to_owned();
        differ(String::new(), null(p), null(q));
        let default = |c: &Column| c.default.clone().unwrap_or_else(|| "none".into());
        differ("default ".into(), default(p), default(q));
        let generated = |c: &Column| if c.generated { "generated" } else { "not generated" }.to_owned();
        differ(String::new(), generated(p), generated(q));
    }
    if x.primary_key != y.primary_key {
        out.push(format!(
            "{name}: primary key ({}) in {a_name}, ({}) in {b_name}",
            x.primary_key.join(", "),
            y.primary_key.join(", ")
        ));
    }
    bag_differences(name, &x.foreign_keys, &y.foreign_keys, names, out);
    bag_differences(name, &x.indexes, &y.indexes, names, out);
    bag_differences(name, &x.checks, &y.checks, names, out);
}

fn bag_differences<T: Ord + fmt::Display>(
    table: &str,
    a: &Bag<T>,
    b: &Bag<T>,
    (a_name, b_name): (&str, &str),
    out: &mut Vec<String>,
) {
    let all: BTreeSet<&T> = a.keys().chain(b.keys()).collect();
    for item in all {
        match (
            a.get(item).copied().unwrap_or(0),
            b.get(item).copied().unwrap_or(0),
        ) {
            (m, n) if m == n => {}
            (_, 0) => out.push(format!("{table}: {item}: only in {a_name}")),
            (0, _) => out.push(format!("{table}: {item}: only in {b_name}")),
            (m, n) => out.push(format!("{table}: {item}: {m} in {a_name}, {n} in {b_name}")),
        }
    }
}

fn lines<T: fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "  (none)".into();
    }
    items
        .iter()
        .map(|i| format!("  {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- migrations ----------------------------------------------------------------------------

fn migration_names<DB: Backend>(source: &EmbeddedMigrations) -> Vec<String>
where
    EmbeddedMigrations: MigrationSource<DB>,
{
    let mut names: Vec<String> = MigrationSource::<DB>::migrations(source)
        .unwrap()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    names.sort();
    names
}

#[derive(Clone, Copy)]
enum Step {
    Up,
    Down,
}

/// Runs or reverts one migration of the connection's own tree, as diesel's harness does (in a
/// transaction, recorded in its table).
fn step(conn: &mut DbConn, name: &str, step: Step) {
    let done = match conn {
        DbConn::Sqlite(c) => step_with::<Sqlite>(c, &SQLITE_MIGRATIONS, name, step),
        DbConn::Postgres(c) => step_with::<Pg>(c, &POSTGRES_MIGRATIONS, name, step),
    };
    if let Err(e) = done {
        let doing = match step {
            Step::Up => "running",
            Step::Down => "reverting",
        };
        panic!("{doing} {name} failed: {e}");
    }
}

fn step_with<DB: Backend>(
    conn: &mut impl MigrationHarness<DB>,
    source: &EmbeddedMigrations,
    name: &str,
    step: Step,
) -> diesel::migration::Result<()>
where
    EmbeddedMigrations: MigrationSource<DB>,
{
    let migrations = MigrationSource::<DB>::migrations(source)?;
    let migration = migrations.iter().find(|m| m.name().to_string() == name).unwrap();
    match step {
        Step::Up => conn.run_migration(migration.as_ref())?,
        Step::Down => conn.revert_migration(migration.as_ref())?,
    };
    Ok(())
}

fn applied_count(conn: &mut DbConn) -> usize {
    match conn {
        DbConn::Sqlite(c) => MigrationHarness::<Sqlite>::applied_migrations(c).unwrap().len(),
        DbConn::Postgres(c) => MigrationHarness::<Pg>::applied_migrations(c).unwrap().len(),
    }
}

/// Whatever of the application's is left in the database besides the tables: indexes,
/// triggers, sequences, functions, types. (The pg_trgm extension stays: an extension may be
/// shared, so migrations only ever create it if it is missing.)
fn leftovers(conn: &mut DbConn) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Leftover {
        #[diesel(sql_type = Text)]
        object: String,
    }
    let query = match conn {
        DbConn::Sqlite(_) => {
            r"SELECT type || ' ' || name AS object FROM sqlite_schema
              WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND tbl_name <> '__diesel_schema_migrations'"
        }
        DbConn::Postgres(_) => {
            r"SELECT c.relkind::text || ' ' || c.relname::text AS object
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = current_schema() AND c.relkind NOT IN ('c', 't')
                AND c.relname NOT LIKE '\_\_diesel\_schema\_migrations%'
                AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
              UNION ALL
              SELECT 'function ' || p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = current_schema()
                AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
              UNION ALL
              SELECT 'type ' || t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname = current_schema() AND t.typtype IN ('d', 'e', 'm', 'r')
                AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')"
        }
    };
    sql_query(query)
        .load::<Leftover>(conn)
        .unwrap()
        .into_iter()
        .map(|l| l.object)
        .collect()
}

// ---- reading a schema back -----------------------------------------------------------------

fn introspect(conn: &mut DbConn) -> Schema {
    match conn {
        DbConn::Sqlite(c) => sqlite_schema(c),
        DbConn::Postgres(c) => postgres_schema(c),
    }
}

/// The main schema's own tables and views, as rows `t` of `pragma_table_list`, to which each
/// per-table pragma below is joined.
const SQLITE_TABLES: &str =
    r"t.schema = 'main' AND t.type IN ('table', 'view') AND t.name NOT LIKE 'sqlite\_%' ESCAPE '\'";

fn sqlite_schema(conn: &mut SqliteConnection) -> Schema {
    #[derive(QueryableByName)]
    struct TableRow {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(sql_type = Bool)]
        without_rowid: bool,
        #[diesel(sql_type = Text)]
        sql: String,
    }
    #[derive(QueryableByName)]
    struct ColumnRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        declared: String,
        #[diesel(sql_type = Bool)]
        not_null: bool,
        #[diesel(sql_type = Nullable<Text>)]
        default_value: Option<String>,
        /// Position in the primary key from 1, or 0.
        #[diesel(sql_type = Integer)]
        pk: i32,
    }
    #[derive(QueryableByName)]
    struct IndexRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        index_name: String,
        #[diesel(sql_type = Bool)]
        is_unique: bool,
        /// `c` for CREATE INDEX, `u` for a UNIQUE constraint, `pk` for the primary key.
        #[diesel(sql_type = Text)]
        origin: String,
        #[diesel(sql_type = Bool)]
        partial: bool,
        /// None for an expression.
        #[diesel(sql_type = Nullable<Text>)]
        column_name: Option<String>,
    }
    #[derive(QueryableByName)]
    struct ForeignKeyRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Integer)]
        id: i32,
        #[diesel(sql_type = Text)]
        target: String,
        #[diesel(sql_type = Text)]
        from_column: String,
        /// None when the key names no column: then it is the target's primary key.
        #[diesel(sql_type = Nullable<Text>)]
        to_column: Option<String>,
        #[diesel(sql_type = Text)]
        on_update: String,
        #[diesel(sql_type = Text)]
        on_delete: String,
    }

    let mut schema = Schema::default();
    let mut create_sql = BTreeMap::new();
    let tables: Vec<TableRow> = sql_query(
        r"SELECT t.name AS name, t.type AS kind, t.wr AS without_rowid, coalesce(m.sql, '') AS sql
          FROM pragma_table_list AS t LEFT JOIN sqlite_schema AS m ON m.name = t.name
          WHERE t.schema = 'main' AND t.name NOT LIKE 'sqlite\_%' ESCAPE '\'",
    )
    .load(conn)
    .unwrap();
    let mut without_rowid_tables = BTreeSet::new();
    for t in tables {
        // A virtual table's shadow tables are its storage, made and dropped with it.
        if t.kind == "shadow" || NOT_APP_TABLES.contains(&t.name.as_str()) {
            continue;
        }
        let kind = match t.kind.as_str() {
            "virtual" => format!("virtual table using {}", virtual_module(&t.sql)),
            other => other.to_owned(),
        };
        if t.without_rowid {
            without_rowid_tables.insert(t.name.clone());
        }
        create_sql.insert(t.name.clone(), t.sql);
        schema.tables.insert(
            t.name,
            Table {
                kind,
                ..Table::default()
            },
        );
    }

    let columns: Vec<ColumnRow> = sql_query(format!(
        r#"SELECT t.name AS table_name, c.name AS name, c.type AS declared, c."notnull" AS not_null,
                  c.dflt_value AS default_value, c.pk AS pk
           FROM pragma_table_list AS t, pragma_table_info(t.name) AS c
           WHERE {SQLITE_TABLES}"#
    ))
    .load(conn)
    .unwrap();
    let mut primary_keys: BTreeMap<String, Vec<(i32, String)>> = BTreeMap::new();
    for c in &columns {
        if c.pk > 0 {
            primary_keys
                .entry(c.table_name.clone())
                .or_default()
                .push((c.pk, c.name.clone()));
        }
    }
    for c in columns {
        let Some(table) = schema.tables.get_mut(&c.table_name) else {
            continue;
        };
        let key = primary_keys.get(&c.table_name).map_or(0, Vec::len);
        let without_rowid = without_rowid_tables.contains(&c.table_name);
        // `INTEGER PRIMARY KEY` names the 64-bit rowid, which SQLite fills in when an insert
        // leaves it out.
        let rowid = c.pk > 0 && key == 1 && !without_rowid && c.declared.eq_ignore_ascii_case("INTEGER");
        let sql_type = if rowid {
            "BigInt".to_owned()
        } else {
            sqlite_type(&c.declared)
        };
        let column = Column {
            default: normalised_default(c.default_value.as_deref(), &sql_type),
            sql_type,
            nullable: !(c.not_null || rowid || (without_rowid && c.pk > 0)),
            generated: rowid,
        };
        table.columns.insert(c.name, column);
    }
    for (name, mut key) in primary_keys {
        if let Some(table) = schema.tables.get_mut(&name) {
            key.sort();
            table.primary_key = key.into_iter().map(|(_, c)| c).collect();
        }
    }

    let index_rows: Vec<IndexRow> = sql_query(format!(
        r#"SELECT t.name AS table_name, i.name AS index_name, i."unique" AS is_unique,
                  i.origin AS origin, i.partial AS partial, c.name AS column_name
           FROM pragma_table_list AS t, pragma_index_list(t.name) AS i, pragma_index_info(i.name) AS c
           WHERE {SQLITE_TABLES}
           ORDER BY t.name, i.name, c.seqno"#
    ))
    .load(conn)
    .unwrap();
    let mut indexes: BTreeMap<(String, String), Index> = BTreeMap::new();
    for row in index_rows {
        if row.origin == "pk" {
            continue;
        }
        let index = indexes
            .entry((row.table_name, row.index_name))
            .or_insert_with(|| Index {
                unique: row.is_unique,
                columns: Vec::new(),
                method: "btree".into(),
                partial: row.partial,
            });
        index
            .columns
            .push(row.column_name.unwrap_or_else(|| "<expression>".into()));
    }
    for ((table, _), index) in indexes {
        if let Some(table) = schema.tables.get_mut(&table) {
            *table.indexes.entry(index).or_default() += 1;
        }
    }

    let key_rows: Vec<ForeignKeyRow> = sql_query(format!(
        r#"SELECT t.name AS table_name, f.id AS id, f."table" AS target, f."from" AS from_column,
                  f."to" AS to_column, f.on_update AS on_update, f.on_delete AS on_delete
           FROM pragma_table_list AS t, pragma_foreign_key_list(t.name) AS f
           WHERE {SQLITE_TABLES}
           ORDER BY t.name, f.id, f.seq"#
    ))
    .load(conn)
    .unwrap();
    let mut keys: BTreeMap<(String, i32), ForeignKey> = BTreeMap::new();
    for row in key_rows {
        let target_key = schema.tables.get(&row.target).map(|t| t.primary_key.clone());
        let key = keys
            .entry((row.table_name, row.id))
            .or_insert_with(|| ForeignKey {
                columns: Vec::new(),
                table: row.target.clone(),
                references: Vec::new(),
                on_delete: row.on_delete,
                on_update: row.on_update,
            });
        key.columns.push(row.from_column);
        match row.to_column {
            Some(to) => key.references.push(to),
            None => key.references = target_key.unwrap_or_default(),
        }
    }
    for ((table, _), key) in keys {
        if let Some(table) = schema.tables.get_mut(&table) {
            *table.foreign_keys.entry(key).or_default() += 1;
        }
    }

    // SQLite keeps no catalogue of CHECK constraints: they are read from the CREATE TABLE.
    for (name, sql) in create_sql {
        let table = schema.tables.get_mut(&name).unwrap();
        for clause in check_clauses(&sql) {
            *table.checks.entry(check_of(&clause, &table.columns)).or_default() += 1;
        }
    }
    schema
}

fn postgres_schema(conn: &mut PgConnection) -> Schema {
    #[derive(QueryableByName)]
    struct TableRow {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        kind: String,
    }
    #[derive(QueryableByName)]
    struct ColumnRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        data_type: String,
        #[diesel(sql_type = Bool)]
        nullable: bool,
        #[diesel(sql_type = Nullable<Text>)]
        default_value: Option<String>,
        #[diesel(sql_type = Bool)]
        identity: bool,
    }
    #[derive(QueryableByName)]
    struct IndexRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Bool)]
        is_unique: bool,
        #[diesel(sql_type = Bool)]
        is_primary: bool,
        #[diesel(sql_type = Bool)]
        partial: bool,
        #[diesel(sql_type = Text)]
        method: String,
        /// Comma-separated, each with its operator class when that is not the default.
        #[diesel(sql_type = Text)]
        columns: String,
    }
    #[derive(QueryableByName)]
    struct ForeignKeyRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        columns: String,
        #[diesel(sql_type = Text)]
        target: String,
        #[diesel(sql_type = Text)]
        target_columns: String,
        #[diesel(sql_type = Text)]
        on_update: String,
        #[diesel(sql_type = Text)]
        on_delete: String,
    }
    #[derive(QueryableByName)]
    struct CheckRow {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        definition: String,
    }

    let mut schema = Schema::default();
    let tables: Vec<TableRow> = sql_query(
        r"SELECT c.relname::text AS name,
                 CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                                WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
    )
    .load(conn)
    .unwrap();
    for t in tables {
        if !NOT_APP_TABLES.contains(&t.name.as_str()) {
            schema.tables.insert(
                t.name,
                Table {
                    kind: t.kind,
                    ..Table::default()
                },
            );
        }
    }

    let columns: Vec<ColumnRow> = sql_query(
        r"SELECT c.relname::text AS table_name, a.attname::text AS name,
                 format_type(a.atttypid, NULL) AS data_type, NOT a.attnotnull AS nullable,
                 pg_get_expr(d.adbin, d.adrelid) AS default_value, a.attidentity <> '' AS identity
          FROM pg_attribute a
          JOIN pg_class c ON c.oid = a.attrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .load(conn)
    .unwrap();
    for c in columns {
        let Some(table) = schema.tables.get_mut(&c.table_name) else {
            continue;
        };
        let sql_type = postgres_type(&c.data_type);
        // BIGSERIAL is a column whose default takes the next value of its own sequence.
        let sequence = c
            .default_value
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        let column = Column {
            default: if sequence {
                None
            } else {
                normalised_default(c.default_value.as_deref(), &sql_type)
            },
            sql_type,
            nullable: c.nullable,
            generated: sequence || c.identity,
        };
        table.columns.insert(c.name, column);
    }

    let indexes: Vec<IndexRow> = sql_query(
        r"SELECT t.relname::text AS table_name, x.indisunique AS is_unique,
                 x.indisprimary AS is_primary, x.indpred IS NOT NULL AS partial,
                 am.amname::text AS method,
                 array_to_string(ARRAY(
                     SELECT coalesce(a.attname::text, '<expression>')
                            || CASE WHEN oc.opcdefault THEN '' ELSE ' ' || oc.opcname::text END
                     FROM unnest(x.indkey::int2[], x.indclass::oid[])
                          WITH ORDINALITY AS k(attnum, opclass, ord)
                     LEFT JOIN pg_attribute a
                            ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
                     JOIN pg_opclass oc ON oc.oid = k.opclass
                     ORDER BY k.ord), ',') AS columns
          FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid
          JOIN pg_class t ON t.oid = x.indrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
          JOIN pg_am am ON am.oid = i.relam
          WHERE n.nspname = current_schema()",
    )
    .load(conn)
    .unwrap();
    for row in indexes {
        let Some(table) = schema.tables.get_mut(&row.table_name) else {
            continue;
        };
        let columns: Vec<String> = row.columns.split(',').map(str::to_owned).collect();
        if row.is_primary {
            table.primary_key = columns;
            continue;
        }
        let index = Index {
            unique: row.is_unique,
            columns,
            method: row.method,
            partial: row.partial,
        };
        *table.indexes.entry(index).or_default() += 1;
    }

    // The columns of a constraint, in the constraint's order.
    let columns_of = |key: &str, table: &str| {
        format!(
            "array_to_string(ARRAY(SELECT a.attname::text FROM unnest(c.{key}) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.{table} AND a.attnum = k.attnum ORDER BY k.ord), ',')"
        )
    };
    let keys: Vec<ForeignKeyRow> = sql_query(format!(
        r"SELECT t.relname::text AS table_name, {} AS columns, r.relname::text AS target,
                 {} AS target_columns,
                 CASE c.confupdtype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                     WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_update,
                 CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
                     WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_class r ON r.oid = c.confrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE c.contype = 'f' AND n.nspname = current_schema()",
        columns_of("conkey", "conrelid"),
        columns_of("confkey", "confrelid"),
    ))
    .load(conn)
    .unwrap();
    for row in keys {
        let Some(table) = schema.tables.get_mut(&row.table_name) else {
            continue;
        };
        let key = ForeignKey {
            columns: row.columns.split(',').map(str::to_owned).collect(),
            table: row.target,
            references: row.target_columns.split(',').map(str::to_owned).collect(),
            on_delete: row.on_delete,
            on_update: row.on_update,
        };
        *table.foreign_keys.entry(key).or_default() += 1;
    }

    let checks: Vec<CheckRow> = sql_query(
        r"SELECT t.relname::text AS table_name, pg_get_constraintdef(c.oid) AS definition
          FROM pg_constraint c
          JOIN pg_class t ON t.oid = c.conrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE c.contype = 'c' AND n.nspname = current_schema()",
    )
    .load(conn)
    .unwrap();
    for row in checks {
        let Some(table) = schema.tables.get_mut(&row.table_name) else {
            continue;
        };
        let check = check_of(&tokens(&row.definition), &table.columns);
        *table.checks.entry(check).or_default() += 1;
    }
    schema
}

/// diesel's name for a SQLite declared type: SQLite keeps the name as written, and it is what
/// tells `INTEGER` (diesel's Integer) from `BIGINT` (BigInt).
fn sqlite_type(declared: &str) -> String {
    let base = declared
        .split('(')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    let name = match base.as_str() {
        "BIGINT" | "INT8" => "BigInt",
        "INTEGER" | "INT" | "INT4" | "MEDIUMINT" => "Integer",
        "SMALLINT" | "INT2" => "SmallInt",
        "TEXT" | "VARCHAR" | "CHAR" | "CHARACTER" | "CHARACTER VARYING" | "CLOB" => "Text",
        "BOOLEAN" | "BOOL" => "Bool",
        "TIMESTAMP" | "DATETIME" => "Timestamp",
        "TIMESTAMPTZ" => "Timestamptz",
        "DATE" => "Date",
        "TIME" => "Time",
        "BLOB" | "BINARY" | "BYTEA" => "Binary",
        "REAL" | "FLOAT" | "FLOAT4" => "Float",
        "DOUBLE" | "DOUBLE PRECISION" | "FLOAT8" => "Double",
        "NUMERIC" | "DECIMAL" => "Numeric",
        _ => return format!("unmapped SQLite type {declared:?}"),
    };
    name.to_owned()
}

/// diesel's name for a PostgreSQL type as `format_type` writes it.
fn postgres_type(formatted: &str) -> String {
    let name = match formatted {
        "bigint" => "BigInt",
        "integer" => "Integer",
        "smallint" => "SmallInt",
        "text" | "character varying" | "character" => "Text",
        "boolean" => "Bool",
        "timestamp without time zone" => "Timestamp",
        "timestamp with time zone" => "Timestamptz",
        "date" => "Date",
        "time without time zone" => "Time",
        "bytea" => "Binary",
        "real" => "Float",
        "double precision" => "Double",
        "numeric" => "Numeric",
        _ => return format!("unmapped PostgreSQL type {formatted:?}"),
    };
    name.to_owned()
}

/// A column default in words both backends share: no PostgreSQL casts (`'x'::text`), keywords
/// in lower case, and a boolean's 1 and 0 as true and false.
fn normalised_default(raw: Option<&str>, sql_type: &str) -> Option<String> {
    let mut text = raw?.trim();
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')'))
        && !inner.contains(['(', ')'])
    {
        text = inner.trim();
    }
    if let Some(cast) = text.rfind("::")
        && !text[cast..].contains('\'')
    {
        text = &text[..cast];
    }
    let text = if text.contains('\'') {
        text.to_owned()
    } else {
        text.to_ascii_lowercase()
    };
    Some(match (sql_type, text.as_str()) {
        ("Bool", "1") => "true".to_owned(),
        ("Bool", "0") => "false".to_owned(),
        _ => text,
    })
}

// ---- CHECK constraints ---------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A keyword or identifier, in lower case.
    Word(String),
    /// A string literal with its quotes, or a number.
    Literal(String),
    Open,
    Close,
    Other,
}

/// Just enough of an SQL tokenizer for CHECK clauses: comments are dropped, and a word in a
/// string literal is not a column.
fn tokens(sql: &str) -> Vec<Token> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let take_while = |mut j: usize, keep: &dyn Fn(char) -> bool| {
        while j < chars.len() && keep(chars[j]) {
            j += 1;
        }
        j
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '-' && next == Some('-') {
            i = take_while(i, &|ch| ch != '\n');
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            let mut literal = String::from("'");
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' && chars.get(i + 1) == Some(&'\'') {
                    literal.push_str("''");
                    i += 2;
                } else if chars[i] == '\'' {
                    i += 1;
                    break;
                } else {
                    literal.push(chars[i]);
                    i += 1;
                }
            }
            literal.push('\'');
            out.push(Token::Literal(literal));
        } else if matches!(c, '"' | '`') {
            // (Not `[…]`: PostgreSQL writes `ARRAY['en'::text, …]`.)
            let end = take_while(i + 1, &|ch| ch != c);
            out.push(Token::Word(chars[i + 1..end].iter().collect()));
            i = end + 1;
        } else if c.is_ascii_digit() {
            let end = take_while(i, &|ch| ch.is_ascii_digit() || ch == '.');
            out.push(Token::Literal(chars[i..end].iter().collect()));
            i = end;
        } else if c.is_alphabetic() || c == '_' {
            let end = take_while(i, &|ch| ch.is_alphanumeric() || ch == '_' || ch == '$');
            out.push(Token::Word(
                chars[i..end].iter().collect::<String>().to_lowercase(),
            ));
            i = end;
        } else {
            if !c.is_whitespace() {
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Other,
                });
            }
            i += 1;
        }
    }
    out
}

/// The CHECK clauses of a CREATE TABLE statement, each as its tokens from its opening
/// parenthesis to the matching one.
fn check_clauses(create_table: &str) -> Vec<Vec<Token>> {
    let tokens = tokens(create_table);
    let mut clauses = Vec::new();
    let mut i = 0;
    while i + 1 < tokens.len() {
        if tokens[i] == Token::Word("check".into()) && tokens[i + 1] == Token::Open {
            let mut depth = 0;
            let mut end = i + 1;
            for (j, token) in tokens.iter().enumerate().skip(i + 1) {
                match token {
                    Token::Open => depth += 1,
                    Token::Close => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = j;
                    break;
                }
            }
            clauses.push(tokens[i + 1..=end].to_vec());
            i = end;
        }
        i += 1;
    }
    clauses
}

fn check_of(tokens: &[Token], columns: &BTreeMap<String, Column>) -> Check {
    let mut check = Check::default();
    for token in tokens {
        match token {
            Token::Word(w) if columns.contains_key(w) => {
                check.columns.insert(w.clone());
            }
            Token::Literal(l) => check.literals.push(l.clone()),
            _ => {}
        }
    }
    check.literals.sort();
    check
}

/// The module of `CREATE VIRTUAL TABLE … USING fts5 (…)`.
fn virtual_module(create: &str) -> String {
    let tokens = tokens(create);
    let using = tokens.iter().position(|t| *t == Token::Word("using".into()));
    match using.and_then(|i| tokens.get(i + 1)) {
        Some(Token::Word(module)) => module.clone(),
        _ => "an unknown module".into(),
    }
}
