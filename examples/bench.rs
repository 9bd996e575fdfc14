//! The case-desk benchmark: seeds N cases (default 100,000) into a fresh database, starts
//! ipdesk, signs in as an examiner and measures the case list (default view, a filter, text
//! searches) and the case page under concurrent load. Prints median, p90 and p99 latency and
//! throughput per scenario.
//!
//!     cargo run --release --example bench                      # SQLite in a temporary folder
//!     cargo run --release --example bench -- --postgres postgres://postgres@127.0.0.1/postgres
//!     cargo run --release --example bench -- --cases 20000 --clients 32 --requests 3000
//!     cargo run --release --example bench -- --stats --cases 1000000 --rights 20000
//!
//! `--stats` measures the statistics pages instead (issue 18): `/stats` without a filter and
//! with two, one figure's download, and the public `/statistics`, each alone and under load.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use ipdesk::config::Settings;
use ipdesk::domain::{Email, PersonName, Role};
use ipdesk::models::user::{self, NewUser};
use ipdesk::startup::Application;

/// The same allocator as the `ipdesk` binary, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    cases: usize,
    clients: usize,
    requests: usize,
    postgres: Option<String>,
    /// Measure the statistics instead of the case list.
    stats: bool,
    /// Rights in the registry, which the demo's cases cite.
    rights: u64,
}

fn args() -> anyhow::Result<Args> {
    let mut a = Args {
        cases: 100_000,
        clients: 32,
        requests: 2000,
        postgres: None,
        stats: false,
        rights: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--cases" => a.cases = value()?.parse()?,
            "--clients" => a.clients = value()?.parse()?,
            "--requests" => a.requests = value()?.parse()?,
            "--postgres" => a.postgres = Some(value()?),
            "--rights" => a.rights = value()?.parse()?,
            "--stats" => a.stats = true,
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(a)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn run(
    client: &reqwest::Client,
    base: &str,
    paths: &[String],
    clients: usize,
    requests: usize,
) -> anyhow::Result<(Vec<Duration>, Duration)> {
    // Warm up caches and connections first.
    for path in paths.iter().cycle().take(50) {
        client.get(format!("{base}{path}")).send().await?.bytes().await?;
    }
    let next = Arc::new(AtomicUsize::new(0));
    let paths = Arc::new(paths.to_vec());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, next, paths, base) = (client.clone(), next.clone(), paths.clone(), base.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests {
                    break;
                }
                let path = &paths[n % paths.len()];
                let t = Instant::now();
                let res = client.get(format!("{base}{path}")).send().await?;
                let status = res.status();
                res.bytes().await?;
                if !status.is_success() {
                    bail!("{path} answered {status}");
                }
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    let elapsed = started.elapsed();
    all.sort();
    Ok((all, elapsed))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args()?;
    let dir = tempfile::tempdir()?;
    let (database_url, drop_db) = match &a.postgres {
        Some(admin) => {
            let name = format!("ipdesk_bench_{}", uuid::Uuid::new_v4().simple());
            PgConnection::establish(admin)?.batch_execute(&format!("CREATE DATABASE \"{name}\""))?;
            let mut url = url::Url::parse(admin)?;
            url.set_path(&name);
            (url.to_string(), Some((admin.clone(), name)))
        }
        None => (dir.path().join("bench.db").to_string_lossy().into_owned(), None),
    };
    let settings = Settings {
        bind: "127.0.0.1:0".parse()?,
        data_dir: dir.path().join("data"),
        database_url: Some(database_url.clone()),
        base_url: Some("http://127.0.0.1".into()),
        ..Settings::default()
    };
    let seed_settings = settings.clone();
    let app = Application::build(settings).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool().clone();
    tokio::spawn(app.run_until_stopped());

    let started = Instant::now();
    let (cases, rights) = (a.cases, a.rights);
    let (case_nos, password) =
        tokio::task::spawn_blocking(move || -> anyhow::Result<(Vec<String>, String)> {
            let mut conn = pool.get()?;
            let report = ipdesk::demo::seed(&mut conn, &seed_settings, cases, false)?;
            if rights > 0 {
                ipdesk::demo::seed_rights(&mut conn, rights, |_| {})?;
                ipdesk::demo::seed_citations(&mut conn, &seed_settings, &report)?;
            }
            let password = "bench-examiner-lantern-42".to_owned();
            let hash = ipdesk::auth::password::hash_now(&password)?;
            user::insert(
                &mut conn,
                NewUser {
                    email: &Email::parse("bench@ipo.example").unwrap(),
                    name: &PersonName::parse("Bench Examiner").unwrap(),
                    role: Role::Examiner,
                    password_hash: Some(&hash),
                    language: None,
                    email_verified: true,
                },
            )?;
            use ipdesk::db::schema::cases::dsl;
            let all: Vec<Option<String>> = dsl::cases
                .select(dsl::case_no)
                .filter(dsl::id.le(50_000))
                .order(dsl::id)
                .load(&mut conn)?;
            let step = (all.len() / 997).max(1);
            Ok((all.into_iter().flatten().step_by(step).collect(), password))
        })
        .await??;
    let backend = if a.postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "{backend}: seeded {} cases in {:.1} s",
        a.cases,
        started.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = client.get(format!("{base}/login")).send().await?.text().await?;
    let token = regex::Regex::new(r#"name="csrf_token" value="([^"]+)""#)?
        .captures(&login)
        .context("csrf")?[1]
        .to_owned();
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("email", "bench@ipo.example"),
            ("password", password.as_str()),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    if res.status() != 303 {
        bail!("sign-in failed: {}", res.status());
    }

    let list_scenarios: Vec<(&str, Vec<String>)> = vec![
        ("case list, default view", vec!["/cases".into()]),
        (
            "case list, state filter",
            vec!["/cases?state=in_mediation".into()],
        ),
        (
            "case list, kind + track, page 3",
            vec!["/cases?kind=trade_secret&track=mediation&page=3".into()],
        ),
        (
            "text search, party name",
            vec![
                "/cases?q=megacorp".into(),
                "/cases?q=한빛테크".into(),
                "/cases?q=northgate".into(),
            ],
        ),
        ("text search, case number", vec!["/cases?q=IPD-2025-0001".into()]),
        ("case list, by next deadline", vec!["/cases?sort=deadline".into()]),
        (
            "case list, state + next deadline",
            vec!["/cases?state=in_mediation&sort=deadline".into()],
        ),
        (
            "case page",
            case_nos.iter().map(|n| format!("/cases/{n}")).collect(),
        ),
    ];
    let this_year = chrono::Utc::now().format("%Y").to_string();
    let stats_scenarios: Vec<(&str, Vec<String>)> = vec![
        ("/stats, no filter", vec!["/stats".into()]),
        (
            "/stats, kind + field",
            vec!["/stats?kind=patent&field=industry:semiconductors".into()],
        ),
        (
            "/stats, year + size",
            vec![format!("/stats?year={this_year}&size=sme")],
        ),
        (
            "/stats figure download (JSON)",
            vec!["/stats/filed-by-month.json".into()],
        ),
        ("/statistics (public, a year)", vec!["/statistics".into()]),
    ];
    let scenarios = if a.stats { stats_scenarios } else { list_scenarios };
    println!(
        "{} concurrent clients, {} requests per scenario, 2 cores shared by server and load\n",
        a.clients, a.requests
    );
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>10}",
        "scenario", "median", "p90", "p99", "req/s"
    );
    for (name, paths) in &scenarios {
        let (times, elapsed) = run(&client, &base, paths, a.clients, a.requests).await?;
        println!(
            "{:<34} {:>7.1}ms {:>7.1}ms {:>7.1}ms {:>10.0}",
            name,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.9)),
            ms(percentile(&times, 0.99)),
            times.len() as f64 / elapsed.as_secs_f64()
        );
    }
    println!("\nOne client at a time (latency without queueing):");
    for (name, paths) in &scenarios {
        let (times, _) = run(&client, &base, paths, 1, 200).await?;
        println!(
            "{:<34} {:>7.1}ms median {:>7.1}ms p99",
            name,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        );
    }
    if !a.stats {
        export(&client, &base).await?;
    }
    if let Some((admin, name)) = drop_db {
        PgConnection::establish(&admin)?
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))?;
    }
    Ok(())
}

/// The list as CSV, a part of it and then all of it, three times: how long each takes, how much it sends,
/// and how far the process's resident memory rises while it streams (sampled every 5 ms;
/// server and client share this process, so the rise is both of theirs). Flat memory means the
/// rise does not grow with the rows.
async fn export(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    println!();
    // The whole list three times: a rise that is warm-up (the pool's connections, the
    // allocator's arenas) shows once; one that grows with the rows would show every time.
    for (what, path) in [
        ("/cases.csv?state=in_mediation", "/cases.csv?state=in_mediation"),
        ("/cases.csv, every case", "/cases.csv"),
        ("/cases.csv, every case, again", "/cases.csv"),
        ("/cases.csv, every case, a third time", "/cases.csv"),
    ] {
        let before = memory_kib("VmRSS")?;
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sampler = {
            let (peak, done) = (peak.clone(), done.clone());
            tokio::spawn(async move {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Ok(now) = memory_kib("VmRSS") {
                        peak.fetch_max(now, std::sync::atomic::Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        };
        let started = Instant::now();
        let mut res = client.get(format!("{base}{path}")).send().await?;
        if res.status() != 200 {
            bail!("export failed: {}", res.status());
        }
        let (mut bytes, mut lines) = (0usize, 0usize);
        while let Some(chunk) = res.chunk().await? {
            bytes += chunk.len();
            lines += chunk.iter().filter(|b| **b == b'\n').count();
        }
        let took = started.elapsed();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        sampler.await?;
        let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
        println!(
            "{what}: {} rows, {:.1} MB in {:.2} s; resident memory {:.1} MB before, at most {:.1} MB \
             while streaming (+{:.1} MB)",
            lines.saturating_sub(1),
            bytes as f64 / 1e6,
            took.as_secs_f64(),
            before as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(before) as f64 / 1024.0
        );
    }
    Ok(())
}

/// A figure from `/proc/self/status`, in KiB.
fn memory_kib(field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("{field} in /proc/self/status"))
}
