//! The database: one connection type over SQLite and PostgreSQL, the pool, migrations and
//! write transactions. The backend is chosen from the URL, never by trying one after another.

pub mod page;
pub mod schema;
pub mod sql;
mod types;
mod url;

use std::time::Duration;

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, QueryResult};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

pub use self::url::{DatabaseUrl, DatabaseUrlError};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<ConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<ConnectionManager>;

/// Opens connections for the backend named by the URL and prepares each one for server use.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }

    fn establish(&self) -> Result<DbConn, diesel::r2d2::Error> {
        use diesel::r2d2::Error;
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(Error::ConnectionError)?;
                // Each pragma on its own: WAL so readers never wait for the writer, FULL so
                // a commit survives power loss, and a busy timeout so writers queue.
                for pragma in [
                    "PRAGMA busy_timeout = 5000",
                    "PRAGMA journal_mode = WAL",
                    "PRAGMA synchronous = FULL",
                    "PRAGMA foreign_keys = ON",
                ] {
                    conn.batch_execute(pragma).map_err(Error::QueryError)?;
                }
                Ok(DbConn::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url).map_err(Error::ConnectionError)?;
                conn.batch_execute(
                    "SET TIME ZONE 'UTC'; SET statement_timeout = '30s'; \
                     SET idle_in_transaction_session_timeout = '60s';",
                )
                .map_err(Error::QueryError)?;
                Ok(DbConn::Postgres(conn))
            }
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        self.establish()
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Connects once (so an unreachable database is a clear start-up error, not a pool time-out),
/// runs the pending migrations on that connection, then builds the pool.
pub fn connect(url: &DatabaseUrl, pool_size: u32) -> anyhow::Result<DbPool> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create the folder {}", parent.display()))?;
    }
    let manager = ConnectionManager::new(url.clone());
    let mut first = manager
        .establish()
        .with_context(|| format!("cannot open the database {url}"))?;
    run_migrations(&mut first).with_context(|| format!("cannot migrate the database {url}"))?;
    drop(first);
    r2d2::Pool::builder()
        .max_size(pool_size)
        .connection_timeout(Duration::from_secs(5))
        // No ping on every checkout (a round trip per request): a connection that broke is
        // noticed by its failed query and replaced (`has_broken`), and old ones are recycled.
        .test_on_check_out(false)
        .max_lifetime(Some(Duration::from_secs(30 * 60)))
        .idle_timeout(Some(Duration::from_secs(10 * 60)))
        .build(manager)
        .with_context(|| format!("cannot open a pool of connections to {url}"))
}

pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| anyhow::anyhow!(e))
}

/// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite, so the write lock is taken up
/// front and a concurrent writer waits (busy timeout) instead of failing half-way.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            <DbConn as Connection>::TransactionManager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            <DbConn as Connection>::TransactionManager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// Errors that may mean a concurrent transaction inserted the same unique row first.
pub trait MaybeConflict {
    fn is_unique_violation(&self) -> bool;
}

impl MaybeConflict for diesel::result::Error {
    fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
        )
    }
}

/// `write_tx` for work that reads, then inserts a row unless it exists. SQLite's write lock
/// makes such transactions take turns; on PostgreSQL two can both find nothing and both
/// insert, and the second fails on the unique key. Run again, it finds the row.
pub fn write_tx_retrying<T, E, F>(conn: &mut DbConn, mut f: F) -> Result<T, E>
where
    F: FnMut(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error> + MaybeConflict,
{
    match write_tx(conn, &mut f) {
        Err(e) if e.is_unique_violation() => write_tx(conn, f),
        done => done,
    }
}

/// The health check's read. On SQLite it opens a connection of its own: a pooled one keeps
/// pages in its cache and may go on answering from them after the file broke underneath it.
pub fn healthy(pool: &DbPool, url: &DatabaseUrl) -> anyhow::Result<()> {
    match url {
        DatabaseUrl::Sqlite(_) => {
            let mut conn = ConnectionManager::new(url.clone()).establish()?;
            check(&mut conn)?;
        }
        DatabaseUrl::Postgres(_) => {
            let mut conn = pool.get_timeout(Duration::from_secs(2))?;
            check(&mut conn)?;
        }
    }
    Ok(())
}

/// A read that proves the schema is there, for the health check.
pub fn check(conn: &mut DbConn) -> QueryResult<()> {
    use diesel::prelude::*;
    schema::users::table
        .select(diesel::dsl::count_star())
        .first::<i64>(conn)
        .map(|_| ())
}

/// `%text%` for `LIKE … ESCAPE '\\'`: the text's own `%`, `_` and backslash match only
/// themselves.
pub fn contains_pattern(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    )
}
