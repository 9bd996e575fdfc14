//! The rights registry's benchmark: bulk import of USPTO grant files (throughput, and peak
//! memory at two file sizes, which must not grow with the file), then registry search over a
//! large registry through HTTP.
//!
//!     cargo run --release --example rights_bench                   # SQLite in a temporary folder
//!     cargo run --release --example rights_bench -- --postgres postgres://postgres@127.0.0.1/postgres
//!     cargo run --release --example rights_bench -- --grants 100000 --rights 1000000 --searches 100
//!
//! The synthetic file repeats the real grant in tests/fixtures/patents (about 40 KB of full
//! text each, like the USPTO's weekly files), each copy with its own number, title and class.
//! Each import runs in a child process so that its peak resident memory is its own.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::{Connection, PgConnection, RunQueryDsl, connection::SimpleConnection};
use ipdesk::config::Settings;
use ipdesk::domain::{Email, PersonName, Role};
use ipdesk::models::user::{self, NewUser};
use ipdesk::startup::Application;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    grants: u64,
    rights: u64,
    searches: usize,
    postgres: Option<String>,
    /// An existing database to use (and keep) instead of a temporary one.
    database: Option<String>,
    import: bool,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        grants: 100_000,
        rights: 1_000_000,
        searches: 100,
        postgres: None,
        database: None,
        import: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().context("a value is missing");
        match flag.as_str() {
            "--grants" => a.grants = value()?.parse()?,
            "--rights" => a.rights = value()?.parse()?,
            "--searches" => a.searches = value()?.parse()?,
            "--postgres" => a.postgres = Some(value()?),
            "--database" => a.database = Some(value()?),
            "--no-import" => a.import = false,
            other => bail!("unknown option {other}"),
        }
    }
    Ok(a)
}

/// Peak resident memory of this process so far, from the kernel.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The child: imports one file into the database and prints what it measured.
fn import_child(file: &str, database: &str) -> anyhow::Result<()> {
    let pool = ipdesk::db::connect(&ipdesk::db::DatabaseUrl::parse(database)?, 1)?;
    let mut conn = pool.get()?;
    let started = Instant::now();
    let reader = std::io::BufReader::new(std::fs::File::open(file)?);
    let summary = ipdesk::import::run::run(
        &mut conn,
        reader,
        ipdesk::import::Format::UsptoGrant,
        file,
        &ipdesk::audit::Actor::system(),
        |_| {},
    )?;
    println!(
        "{} {} {} {} {} {:.3} {}",
        summary.records(),
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.failures.len(),
        started.elapsed().as_secs_f64(),
        peak_rss_kib()
    );
    Ok(())
}

/// Writes `count` grants as one concatenated file, numbered from `first`.
fn write_grants(path: &Path, first: u64, count: u64) -> anyhow::Result<u64> {
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patents/uspto_grant_v45_US08930553.xml"),
    )?;
    let words = [
        "sensor", "battery", "wireless", "display", "session", "protocol", "robot", "encoder", "vehicle",
        "membrane", "catalyst", "antenna", "memory", "circuit", "optical",
    ];
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    for i in 0..count {
        let n = first + i;
        let title = format!(
            "{} {} {} method and apparatus",
            words[(n % 15) as usize],
            words[(n / 15 % 15) as usize],
            words[(n / 225 % 15) as usize]
        );
        let doc = template
            .replacen(
                "<doc-number>08930553</doc-number>",
                &format!("<doc-number>{n:08}</doc-number>"),
                1,
            )
            .replacen(
                "Managing mid-dialog session initiation protocol (SIP) messages",
                &title,
                1,
            )
            .replacen(
                "<subgroup>16</subgroup>",
                &format!("<subgroup>{}</subgroup>", n % 90),
                1,
            );
        out.write_all(doc.as_bytes())?;
        if !doc.ends_with('\n') {
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn import(file: &Path, database: &str) -> anyhow::Result<(u64, u64, u64, f64, u64)> {
    let out = Command::new(std::env::current_exe()?)
        .args(["--import-child", &file.to_string_lossy(), database])
        .output()?;
    if !out.status.success() {
        bail!("the import failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8(out.stdout)?;
    let f: Vec<&str> = text.split_whitespace().collect();
    let [records, created, _updated, unchanged, failed, seconds, rss] = f.as_slice() else {
        bail!("unexpected child output: {text}");
    };
    if failed.parse::<u64>()? > 0 {
        bail!("{failed} records failed");
    }
    Ok((
        records.parse()?,
        created.parse()?,
        unchanged.parse()?,
        seconds.parse()?,
        rss.parse()?,
    ))
}

fn import_files(a: &Args, dir: &Path, database_url: &str, backend: &str) -> anyhow::Result<()> {
    println!("== Bulk import of USPTO grant files ({backend}) ==");
    println!(
        "file                 size      records  created  unchanged  seconds  records/s   MB/s  peak RSS"
    );
    let small = a.grants / 10;
    let files = [("small", 1, small), ("large", 10_000_000, a.grants)];
    let mut first_file = None;
    for (label, first, count) in files {
        let path = dir.join(format!("{label}.xml"));
        let size = write_grants(&path, first, count)?;
        let (records, created, unchanged, seconds, rss) = import(&path, database_url)?;
        println!(
            "{label:<6} {count:>7} grants {:>6.0} MB {records:>8} {created:>8} {unchanged:>10} {seconds:>8.1} {:>10.0} {:>6.1} {:>6.1} MiB",
            size as f64 / 1e6,
            records as f64 / seconds,
            size as f64 / 1e6 / seconds,
            rss as f64 / 1024.0
        );
        if first_file.is_none() {
            first_file = Some((path, count));
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    if let Some((path, count)) = first_file {
        let size = std::fs::metadata(&path)?.len();
        let (records, created, unchanged, seconds, rss) = import(&path, database_url)?;
        println!(
            "again  {count:>7} grants {:>6.0} MB {records:>8} {created:>8} {unchanged:>10} {seconds:>8.1} {:>10.0} {:>6.1} {:>6.1} MiB",
            size as f64 / 1e6,
            records as f64 / seconds,
            size as f64 / 1e6 / seconds,
            rss as f64 / 1024.0
        );
        std::fs::remove_file(&path)?;
    }

    Ok(())
}

/// Numbers of seeded rights to look for, as a person would type them: a US grant with its
/// kind, a KR registration without (so every publication of it), an EP one spaced out.
fn sample_numbers(conn: &mut ipdesk::db::DbConn) -> anyhow::Result<Vec<String>> {
    use diesel::prelude::*;
    use ipdesk::db::schema::rights::dsl;
    let mut out = Vec::new();
    for (country, strip_kind) in [("US", false), ("KR", true), ("EP", false)] {
        let display: String = dsl::rights
            .filter(dsl::country.eq(country))
            .order(dsl::id.desc())
            .offset(5_000)
            .select(dsl::display)
            .first(conn)?;
        out.push(if strip_kind {
            display
                .rsplit_once(' ')
                .map_or(display.clone(), |(n, _)| n.to_owned())
        } else {
            display
        });
    }
    Ok(out)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let raw: Vec<String> = std::env::args().collect();
    if raw.get(1).map(String::as_str) == Some("--import-child") {
        return import_child(&raw[2], &raw[3]);
    }
    let a = args()?;
    let dir = tempfile::tempdir()?;
    let (database_url, drop_db) = match (&a.database, &a.postgres) {
        (Some(url), _) => (url.clone(), None),
        (None, Some(admin)) => {
            let name = format!("ipdesk_bench_{}", uuid::Uuid::new_v4().simple());
            PgConnection::establish(admin)?.batch_execute(&format!("CREATE DATABASE \"{name}\""))?;
            let mut url = url::Url::parse(admin)?;
            url.set_path(&name);
            (url.to_string(), Some((admin.clone(), name)))
        }
        (None, None) => (dir.path().join("bench.db").to_string_lossy().into_owned(), None),
    };
    let settings = Settings {
        bind: "127.0.0.1:0".parse()?,
        data_dir: dir.path().join("data"),
        database_url: Some(database_url.clone()),
        base_url: Some("http://127.0.0.1".into()),
        ..Settings::default()
    };
    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    let backend = if database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };

    if a.import {
        import_files(&a, dir.path(), &database_url, backend)?;
    }
    let have = {
        let pool = pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
            let mut conn = pool.get()?;
            Ok(ipdesk::models::right::count(&mut conn)?)
        })
        .await??
    };

    let have = have as u64;
    let top_up = a.rights.saturating_sub(have);
    let started = Instant::now();
    {
        let pool = pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            ipdesk::demo::seed_rights(&mut conn, top_up, |done| {
                if done % 100_000 == 0 {
                    eprintln!("  … {done} rights seeded");
                }
            })?;
            let password = "bench-examiner-lantern-42";
            let hash = ipdesk::auth::password::hash_now(password)?;
            let email = Email::parse("bench@ipo.example").unwrap();
            if user::email_taken(&mut conn, &email)? {
                return Ok(());
            }
            user::insert(
                &mut conn,
                NewUser {
                    email: &email,
                    name: &PersonName::parse("Bench Examiner").unwrap(),
                    role: Role::Complainant,
                    password_hash: Some(&hash),
                    language: None,
                    email_verified: true,
                },
            )?;
            Ok(())
        })
        .await??;
    }
    println!(
        "\nSeeded {top_up} more rights ({} in all) in {:.0} s.",
        have + top_up,
        started.elapsed().as_secs_f64()
    );
    let numbers = {
        let pool = pool.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
            let mut conn = pool.get()?;
            sample_numbers(&mut conn)
        })
        .await??
    };
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let login = client.get(format!("{base}/login")).send().await?.text().await?;
    let token = regex::Regex::new(r#"name="csrf_token" value="([^"]+)""#)?
        .captures(&login)
        .context("no CSRF token on the sign-in page")?[1]
        .to_owned();
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", "bench@ipo.example"),
            ("password", "bench-examiner-lantern-42"),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    if !res.status().is_success() && !res.status().is_redirection() {
        bail!("cannot sign in: {}", res.status());
    }

    println!(
        "\n== Registry search over {} rights, one client ({backend}) ==",
        have + top_up
    );
    println!(
        "{:<44} {:>8} {:>9} {:>9} {:>9}",
        "query", "found", "median", "p99", "max"
    );
    let queries: &[(&str, &str)] = &[
        ("number as printed, US", &numbers[0]),
        ("number without its kind, KR", &numbers[1]),
        ("number, EP with spaces", &numbers[2]),
        ("class, subclass", "H04L"),
        ("class, main group", "G06F 16"),
        ("class, full symbol", "H01M 10/05"),
        ("word, common", "sensor"),
        ("two words", "wireless antenna"),
        ("word, rare", "catalyst membrane polymer"),
        ("owner", "Bluewave Sensors"),
        ("Korean word (two syllables)", "센서"),
        ("Korean words", "배터리 분리막"),
        ("imported title words", "session protocol"),
    ];
    let total = regex::Regex::new(r#"data-total="(\d+)""#)?;
    for (label, q) in queries {
        let url = format!("{base}/rights?q={}", urlencode(q));
        let mut found = String::new();
        for _ in 0..3 {
            let body = client.get(&url).send().await?.text().await?;
            found = total.captures(&body).map(|c| c[1].to_owned()).unwrap_or_default();
        }
        let mut times = Vec::with_capacity(a.searches);
        for _ in 0..a.searches {
            let t = Instant::now();
            let res = client.get(&url).send().await?;
            let status = res.status();
            res.bytes().await?;
            if !status.is_success() {
                bail!("{q} answered {status}");
            }
            times.push(t.elapsed());
        }
        times.sort();
        let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!(
            "{:<44} {:>8} {:>6.1} ms {:>6.1} ms {:>6.1} ms",
            format!("{label}: {q}"),
            found,
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO))
        );
    }

    if let Some((admin, name)) = drop_db {
        drop(pool);
        let mut c = PgConnection::establish(&admin)?;
        diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)")).execute(&mut c)?;
    }
    Ok(())
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
