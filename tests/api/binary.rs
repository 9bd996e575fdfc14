//! The real `ipdesk` binary, as a newcomer and an operator run it.

use std::io::{BufRead, BufReader, Write};

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{STRONG_PASSWORD, TestDb, browser};

fn ipdesk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ipdesk"));
    cmd.env_remove("DATABASE_URL").env("IPDESK_LOG_FORMAT", "json");
    cmd
}

/// A free port, for a server that is not ours to bind.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The test's database for the binary: a file in `dir`, or a fresh PostgreSQL database.
fn database(dir: &std::path::Path) -> (TestDb, String) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            let name = format!("ipdesk_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
            admin
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .unwrap();
            let mut url = url::Url::parse(&admin_url).unwrap();
            url.set_path(&name);
            (TestDb::Postgres { admin_url, name }, url.to_string())
        }
        _ => {
            let path = dir.join("office.db");
            (
                TestDb::Sqlite(path.clone()),
                format!("sqlite://{}", path.display()),
            )
        }
    }
}

#[tokio::test]
async fn serve_prints_a_setup_link_on_first_start_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, url) = database(dir.path());
    let port = free_port();
    let mut child = ipdesk()
        .arg("serve")
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .env("IPDESK_BIND", format!("127.0.0.1:{port}"))
        .env("IPDESK_DATA_DIR", dir.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (found, link) = std::sync::mpsc::channel();
    // Keep reading to the end, as a terminal would.
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if line.trim().starts_with("http://") {
                let _ = found.send(line.trim().to_owned());
            }
        }
    });
    let link = tokio::task::spawn_blocking(move || link.recv_timeout(Duration::from_secs(60)))
        .await
        .unwrap()
        .expect("the console shows the setup link");
    assert!(
        link.starts_with(&format!("http://127.0.0.1:{port}/setup?token=")),
        "{link}"
    );

    let client = browser();
    let page = client.get(&link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Create the first administrator")
    );
    let health = client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    let stderr = child.stderr.take().unwrap();
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "ipdesk did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
    let mut logs = String::new();
    std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut logs).unwrap();
    assert!(logs.contains("ipdesk stopped"), "{logs}");
    assert!(
        logs.contains("mail worker stopped"),
        "the mail worker stops cleanly too"
    );
    let token = link.split("token=").nth(1).unwrap();
    assert!(!logs.contains(token), "the setup token never reaches the log");
}

#[test]
fn an_unknown_or_unreachable_database_is_a_clear_start_up_error() {
    let out = ipdesk()
        .arg("migrate")
        .env("DATABASE_URL", "mysql://root@127.0.0.1/x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsupported database URL scheme `mysql:`"), "{err}");

    let out = ipdesk()
        .arg("migrate")
        .env(
            "DATABASE_URL",
            "postgres://nobody:hunter2@127.0.0.1:1/ipdesk?connect_timeout=2",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot open the database postgres://nobody:***@127.0.0.1:1/ipdesk"),
        "{err}"
    );
    assert!(!err.contains("hunter2"));
}

#[test]
fn user_add_creates_an_account_with_a_password_from_stdin_or_a_setup_link() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, url) = database(dir.path());
    let mut child = ipdesk()
        .args([
            "user",
            "add",
            "--email",
            "Examiner@IPO.example",
            "--name",
            "Jung Examiner",
            "--role",
            "examiner",
            "--password-stdin",
        ])
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{STRONG_PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Created the examiner account examiner@ipo.example")
    );

    let out = ipdesk()
        .args([
            "user",
            "add",
            "--email",
            "legal@ipo.example",
            "--name",
            "Han Legal",
            "--role",
            "legal",
        ])
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .env("IPDESK_BASE_URL", "https://desk.ipo.example")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("https://desk.ipo.example/setup?token="),
        "{stdout}"
    );

    let out = ipdesk()
        .args([
            "user",
            "add",
            "--email",
            "examiner@ipo.example",
            "--name",
            "Twice",
            "--role",
            "examiner",
        ])
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));

    let out = ipdesk()
        .args([
            "user",
            "add",
            "--email",
            "x@ipo.example",
            "--name",
            "X",
            "--role",
            "root",
        ])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role `root`"));
}

#[test]
fn every_command_explains_itself() {
    let out = ipdesk().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for word in ["serve", "migrate", "user", "DATABASE_URL", "IPDESK_"] {
        assert!(help.contains(word), "--help mentions {word}");
    }
    let out = ipdesk().args(["user", "add", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for word in ["--email", "--name", "--role", "--password-stdin"] {
        assert!(help.contains(word), "user add --help mentions {word}");
    }
}
