//! Builds the application: database and migrations, first-run setup link, background
//! housekeeping, middleware and routes, bound to its port (port 0 in tests).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;
use chrono::TimeDelta;
use tokio::sync::{Notify, watch};

use crate::audit;
use crate::auth::password::Hasher;
use crate::auth::throttle;
use crate::bundle::keyring::{self, KeyRing, KeySecret};
use crate::config::{PublicUrl, Settings};
use crate::db::{self, DbPool, write_tx};
use crate::mail::{self, Mailer, worker::Worker};
use crate::models;
use crate::routes;
use crate::services::accounts::issue_setup_link;
use crate::web::error::render_error_pages;
use crate::web::gate::gate;
use crate::web::{AppState, FORM_LIMIT};

pub struct Application {
    server: Server,
    port: u16,
    pool: DbPool,
    setup_link: Option<String>,
    housekeeping: tokio::task::JoinHandle<()>,
    deadline_job: tokio::task::JoinHandle<()>,
    mail_worker: tokio::task::JoinHandle<()>,
    bundle_builder: tokio::task::JoinHandle<()>,
    stop_workers: watch::Sender<bool>,
}

/// On an empty database (no account at all), a fresh link to create the first administrator.
fn first_run_link(
    pool: &DbPool,
    settings: &Settings,
    public_url: &PublicUrl,
) -> anyhow::Result<Option<String>> {
    let mut conn = pool.get().context("no database connection")?;
    write_tx(&mut conn, |c| {
        if models::user::count(c)? > 0 {
            return Ok(None);
        }
        issue_setup_link(c, public_url, None, settings.setup_link_hours).map(Some)
    })
    .context("cannot create the setup link")
}

/// The office's keys, shared by every server through the database: the first start makes
/// the first key, importing the key file an older installation kept.
async fn office_keys(pool: &DbPool, settings: &Settings) -> anyhow::Result<KeyRing> {
    let secret = KeySecret::load_or_create(settings.key_secret.as_deref(), &settings.key_secret_file())?;
    let (pool, legacy, now) = (pool.clone(), settings.signing_key_file(), settings.now());
    web::block(move || {
        let mut conn = pool.get().context("no database connection")?;
        keyring::load_or_create(&mut conn, secret, &legacy, now)
    })
    .await?
}

/// The statistics' summaries, on the first start of an installation that had cases before.
fn build_statistics(pool: &DbPool, settings: &Settings) -> anyhow::Result<()> {
    let mut conn = pool.get().context("no database connection")?;
    let zone = settings.office_zone();
    if let Some(n) = write_tx(&mut conn, |c| models::stats::build_if_missing(c, zone))
        .context("cannot build the statistics")?
    {
        tracing::info!(cases = n, "built the statistics from the cases");
    }
    Ok(())
}

fn security_headers(public_url: &PublicUrl) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ));
    if public_url.is_https() {
        headers.add(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    } else {
        headers
    }
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().finish()
}

/// The deadline job (reminders, lapsed responses) every `deadline_poll_secs`. Each server
/// runs it; a reminder or a lapse is claimed by one of them in the database.
async fn deadlines(pool: DbPool, settings: Settings, public_url: PublicUrl, mail_wake: Arc<Notify>) {
    let mut every = tokio::time::interval(Duration::from_secs(settings.deadline_poll_secs.max(1)));
    loop {
        every.tick().await;
        let (pool, settings, public_url) = (pool.clone(), settings.clone(), public_url.clone());
        let swept = web::block(move || -> anyhow::Result<crate::workflow::SweepReport> {
            let mut conn = pool.get()?;
            let ctx = crate::workflow::Ctx {
                public_url: &public_url,
                settings: &settings,
                address: None,
            };
            Ok(crate::workflow::sweep(&mut conn, &ctx, ctx.settings.now())?)
        })
        .await;
        match swept {
            Ok(Ok(report)) => {
                if report.reminders + report.lapsed > 0 {
                    tracing::info!(
                        reminders = report.reminders,
                        lapsed = report.lapsed,
                        "deadline job"
                    );
                    mail_wake.notify_one();
                }
            }
            Ok(Err(e)) => tracing::warn!(error = ?e, "deadline job failed"),
            Err(e) => tracing::warn!(error = %e, "deadline job failed"),
        }
    }
}

/// Removes timed-out sessions and old failure counters every few minutes, and verifies the
/// audit chain once a day.
async fn housekeeping(pool: DbPool, settings: Settings) {
    let mut every = tokio::time::interval(Duration::from_secs(300));
    loop {
        every.tick().await;
        let pool = pool.clone();
        let (idle, absolute) = (
            settings.session_idle_timeout(),
            settings.session_absolute_timeout(),
        );
        let stale = Duration::from_secs(settings.address_window_secs).max(throttle::ACCOUNT_WINDOW);
        let swept = web::block(move || -> anyhow::Result<(usize, usize)> {
            let mut conn = pool.get()?;
            let now = models::now();
            let span = |d: Duration| TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX);
            let sessions =
                models::session::delete_expired(&mut conn, now - span(idle), now - span(absolute))?;
            let counters = models::throttle::delete_stale(&mut conn, now - span(stale))?;
            let checked = audit::last_checked_at(&mut conn)?;
            if checked.is_none_or(|at| now - at > TimeDelta::days(1))
                && let audit::Verdict::Broken { seq, reason, .. } = audit::check(&mut conn, None, now)?
            {
                tracing::error!(seq, reason, "the audit chain is broken");
            }
            Ok((sessions, counters))
        })
        .await;
        match swept {
            Ok(Ok((sessions, counters))) => tracing::debug!(sessions, counters, "housekeeping"),
            Ok(Err(e)) => tracing::warn!(error = ?e, "housekeeping failed"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}

/// How old a file in an upload folder must be to count as left by an interrupted upload
/// rather than one still arriving at another server sharing the folder.
const STALE_UPLOAD: Duration = Duration::from_secs(6 * 3600);

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        settings.validate()?;
        let public_url = settings.public_url()?;
        let database = settings.database()?;
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("cannot create the data folder {}", settings.data_dir.display()))?;
        // Imports are received in `<data_dir>/tmp` (and bundles built there when the store
        // is a bucket), evidence in the store's own `tmp` or its bucket's `incoming`.
        crate::evidence::store::folder::sweep(&settings.scratch_dir(), STALE_UPLOAD);
        let evidence = {
            let (location, access, scratch) = (
                settings.evidence_store()?,
                settings.s3_access(),
                settings.scratch_dir(),
            );
            web::block(move || crate::evidence::Store::open(&location, &access, &scratch)).await??
        };
        let swept = {
            let evidence = evidence.clone();
            web::block(move || evidence.sweep(STALE_UPLOAD)).await?
        };
        if swept > 0 {
            tracing::info!(files = swept, "removed interrupted evidence uploads");
        }
        let pool = {
            let size = settings.db_pool_size;
            web::block(move || db::connect(&database, size)).await??
        };
        let keys = office_keys(&pool, &settings).await?;
        let setup_link = first_run_link(&pool, &settings, &public_url)?;
        build_statistics(&pool, &settings)?;
        let industries = Arc::new(settings.industries()?);
        let hasher = Hasher::new(settings.password_hash_concurrency)?;
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();

        let mailer = Mailer::new(
            settings.smtp_url.as_deref(),
            settings.mail_sender()?,
            settings.mail_dir(),
        )?;
        tracing::info!(transport = %mailer.describe(), "mail");
        let mail_wake = Arc::new(Notify::new());
        let (stop_workers, stopped) = watch::channel(false);
        let worker = Worker {
            pool: pool.clone(),
            mailer: Arc::new(mailer),
            policy: mail::worker::Policy::from_settings(&settings),
            wake: mail_wake.clone(),
        };
        let mail_worker = tokio::spawn(worker.run(stopped));
        let housekeeping = tokio::spawn(housekeeping(pool.clone(), settings.clone()));
        let deadline_job = tokio::spawn(deadlines(
            pool.clone(),
            settings.clone(),
            public_url.clone(),
            mail_wake.clone(),
        ));
        let shutdown_timeout = settings.shutdown_timeout_secs;
        let bundle_wake = Arc::new(Notify::new());
        let builder = crate::bundle::build::Builder {
            pool: pool.clone(),
            store: evidence.clone(),
            keys: keys.clone(),
            organization: settings.organization.clone(),
            zone: settings.office_zone(),
            poll: Duration::from_secs(settings.bundle_poll_secs.max(1)),
            retention_days: settings.bundle_retention_days,
            min_free_bytes: settings.bundle_min_free_bytes,
            lease: chrono::TimeDelta::seconds(settings.bundle_lease_secs.max(1) as i64),
        };
        let bundle_builder = tokio::spawn(builder.run(bundle_wake.clone(), stop_workers.subscribe()));
        let passkeys = crate::auth::passkey::Relying::new(public_url.url(), &settings.organization);
        let mfa_roles = settings.mfa_roles()?;
        let state = web::Data::new(AppState {
            industries,
            passkeys,
            mfa_roles,
            throttle: throttle::Policy::from_settings(&settings),
            settings,
            public_url: public_url.clone(),
            pool: pool.clone(),
            hasher,
            mail_wake,
            evidence,
            device_key: crate::auth::device::DeviceKey::derive(keys.root()),
            visitor_key: crate::auth::visitor::VisitorKey::derive(keys.root()),
            calendar_key: crate::auth::calendar::FeedKey::derive(keys.root()),
            keys,
            bundle_wake,
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(FORM_LIMIT))
                .app_data(web::FormConfig::default().limit(FORM_LIMIT))
                .wrap(ErrorHandlers::new().default_handler(render_error_pages))
                .wrap(from_fn(gate))
                .wrap(security_headers(&public_url))
                .configure(routes::configure)
                .default_service(web::to(not_found))
        })
        .listen(listener)?
        // Long enough for an exhibit upload in flight to finish; SIGTERM waits this long at most.
        .shutdown_timeout(shutdown_timeout)
        .run();
        Ok(Application {
            server,
            port,
            pool,
            setup_link,
            housekeeping,
            deadline_job,
            mail_worker,
            bundle_builder,
            stop_workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// The link printed on first start, if the database had no account.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    /// Serves until SIGTERM (graceful: in-flight requests finish) or SIGINT.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.housekeeping.abort();
        self.deadline_job.abort();
        let _ = self.stop_workers.send(true);
        if tokio::time::timeout(Duration::from_secs(30), self.mail_worker)
            .await
            .is_err()
        {
            tracing::warn!("the mail worker did not stop in time; unsent notices stay queued");
        }
        if tokio::time::timeout(Duration::from_secs(30), self.bundle_builder)
            .await
            .is_err()
        {
            tracing::warn!("a bundle was still being built; its job is taken up again after its lease");
        }
        result
    }
}
