use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::helpers::{TestDb, spawn_app};

#[tokio::test]
async fn health_reports_ok_when_the_database_answers() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/json");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok", "db": "ok"}));
}

#[tokio::test]
async fn health_answers_503_when_the_database_is_down() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);

    match &*app.db {
        TestDb::Sqlite(path) => {
            // Move everything into the main file, then destroy its header: the file is no
            // longer a database, as after a failed disk.
            let mut c = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
            c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
            drop(c);
            use std::io::{Seek, Write};
            let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
            f.seek(std::io::SeekFrom::Start(0)).unwrap();
            f.write_all(&[0xAB; 100]).unwrap();
            f.sync_all().unwrap();
        }
        TestDb::Postgres { admin_url, name } => {
            let mut admin = PgConnection::establish(admin_url).unwrap();
            admin
                .batch_execute(&format!(
                    "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; \
                     SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
                ))
                .unwrap();
        }
    }

    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_ne!(body["db"], "ok");
}

#[tokio::test]
async fn the_suite_runs_on_the_database_it_was_asked_for() {
    let app = spawn_app().await;
    let want_postgres = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    assert_eq!(app.db.is_postgres(), want_postgres);
    let on_postgres = app
        .with_db(|c| matches!(c, ipdesk::db::DbConn::Postgres(_)))
        .await;
    assert_eq!(
        on_postgres, want_postgres,
        "the pool talks to the backend the URL names"
    );
}
