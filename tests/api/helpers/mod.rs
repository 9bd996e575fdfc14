//! A real ipdesk on a random port with its own fresh database (a temporary SQLite file, or a
//! new PostgreSQL database when TEST_DATABASE_URL is set), driven over HTTP.

pub mod cases;
pub mod evidence;

pub use cases::{
    act, complaint, due_in, file_case, file_case_with, invitation_link, invite, office, post_case,
};
pub use evidence::{
    PDF, case_with_a_hidden_correction, case_with_both_sides, case_with_evidence, case_with_respondent_named,
    csv_lines, custody_table, details_of, exhibit_id, file, pdf, queue_directly, upload,
};

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, Once};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use ipdesk::config::{LogFormat, Settings};
use ipdesk::db::{DbConn, DbPool};
use ipdesk::domain::{Email, PersonName, Role};
use ipdesk::models::user::{self, NewUser, User};
use ipdesk::startup::Application;
use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::redirect::Policy;

pub const BASE_URL: &str = "http://ipdesk.test";
pub const STRONG_PASSWORD: &str = "amber-walrus-sings-at-dawn";

/// Everything every test app logged, to prove what never reaches the log.
pub static LOGS: LazyLock<Arc<Mutex<Vec<u8>>>> = LazyLock::new(Default::default);

struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        // `TEST_LOG=1` shows the apps' logs while a test runs (with --nocapture).
        if std::env::var_os("TEST_LOG").is_some() {
            eprint!("{}", String::from_utf8_lossy(buf));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| ipdesk::telemetry::init(LogFormat::Json, || LogWriter));
}

/// The test's own database, removed when the test ends.
pub enum TestDb {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    fn create(dir: &std::path::Path) -> (TestDb, String) {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("ipdesk_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL is reachable");
                admin
                    .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                    .expect("create the test database");
                let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                (TestDb::Postgres { admin_url, name }, url.to_string())
            }
            _ => {
                let path = dir.join("ipdesk.db");
                (TestDb::Sqlite(path.clone()), path.to_string_lossy().into_owned())
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub pool: DbPool,
    pub setup_link: Option<String>,
    pub settings: Settings,
    /// A browser: keeps cookies, does not follow redirects.
    pub client: reqwest::Client,
    pub db: Arc<TestDb>,
    /// Holds the SQLite file and data folder until the test ends.
    _dir: Arc<tempfile::TempDir>,
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A client that keeps no cookies: every cookie is sent by hand.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// An app whose evidence is in a local folder whatever the run's store: for tests of the
/// folder store itself.
pub async fn spawn_app_on_folder(configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|s| {
        s.evidence_store = None;
        configure(s);
    })
    .await
}

pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let (db, database_url) = TestDb::create(dir.path());
    let mut settings = Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().join("data"),
        database_url: Some(database_url),
        base_url: Some(BASE_URL.to_owned()),
        log_format: LogFormat::Json,
        db_pool_size: 4,
        password_hash_concurrency: 2,
        mail_poll_millis: 200,
        mail_retry_base_secs: 1,
        // Staff sign in with a password alone here; the second factor's policy, and every
        // route's step-up, are tested with the office's default (tests/api/second_factor.rs).
        mfa_required_roles: Vec::new(),
        ..Settings::default()
    };
    if let Some(s3) = test_bucket() {
        s3.configure(&mut settings);
    }
    configure(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .expect("the application starts");
    let port = app.port();
    let pool = app.pool().clone();
    let setup_link = app.setup_link().map(str::to_owned);
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        pool,
        setup_link,
        settings,
        client: browser(),
        db: Arc::new(db),
        _dir: Arc::new(dir),
    }
}

/// The S3-compatible store the tests use when `TEST_EVIDENCE_STORE=s3` (CI's PostgreSQL
/// run, against SeaweedFS): every test app gets a prefix of its own in one bucket.
pub struct TestBucket {
    pub endpoint: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
}

impl TestBucket {
    /// Points the settings at a fresh prefix of the bucket.
    pub fn configure(&self, settings: &mut Settings) {
        settings.evidence_store = Some(format!(
            "s3://{}/test-{}",
            self.bucket,
            uuid::Uuid::new_v4().simple()
        ));
        settings.s3_endpoint = Some(self.endpoint.clone());
        settings.s3_region = Some("us-east-1".into());
        settings.s3_access_key = Some(self.access_key.clone());
        settings.s3_secret_key = Some(self.secret_key.clone());
    }
}

/// The bucket named by `TEST_S3_ENDPOINT` (with `TEST_S3_BUCKET`, `TEST_S3_ACCESS_KEY`,
/// `TEST_S3_SECRET_KEY`), if any.
pub fn s3_bucket() -> Option<TestBucket> {
    let endpoint = std::env::var("TEST_S3_ENDPOINT").ok().filter(|e| !e.is_empty())?;
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    Some(TestBucket {
        endpoint,
        bucket: var("TEST_S3_BUCKET", "ipdesk-test"),
        access_key: var("TEST_S3_ACCESS_KEY", "ipdesk"),
        secret_key: var("TEST_S3_SECRET_KEY", "ipdesk-secret"),
    })
}

/// The bucket every test app keeps its evidence in, when `TEST_EVIDENCE_STORE=s3`.
fn test_bucket() -> Option<TestBucket> {
    if std::env::var("TEST_EVIDENCE_STORE").as_deref() != Ok("s3") {
        return None;
    }
    Some(s3_bucket().expect("TEST_EVIDENCE_STORE=s3 needs TEST_S3_ENDPOINT"))
}

pub fn csrf_from(html: &str) -> String {
    let re = regex::Regex::new(r#"name="csrf_token" value="([^"]+)""#).unwrap();
    re.captures(html)
        .map(|c| c[1].to_owned())
        .expect("the page has a CSRF token")
}

/// The value of the named cookie set by a response.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(SET_COOKIE).iter().find_map(|v| {
        let v = v.to_str().ok()?;
        let (pair, _) = v.split_once(';').unwrap_or((v, ""));
        let (n, value) = pair.split_once('=')?;
        (n == name).then(|| value.to_owned())
    })
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

impl TestApp {
    /// The same desk reached through another app server (one of several on this database).
    pub fn through(&self, address: String) -> TestApp {
        TestApp {
            address,
            pool: self.pool.clone(),
            setup_link: None,
            settings: self.settings.clone(),
            client: browser(),
            db: self.db.clone(),
            _dir: self._dir.clone(),
        }
    }

    /// A desk whose app servers run elsewhere (other processes), on a database made for the
    /// test: the handle the other servers are reached [`through`](TestApp::through).
    pub fn database_only(settings: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (db, database_url) = TestDb::create(dir.path());
        let mut s = Settings {
            data_dir: dir.path().join("data"),
            database_url: Some(database_url),
            base_url: Some(BASE_URL.to_owned()),
            ..Settings::default()
        };
        settings(&mut s);
        let pool = ipdesk::db::connect(&s.database().unwrap(), 2).unwrap();
        TestApp {
            address: String::new(),
            pool,
            setup_link: None,
            settings: s,
            client: browser(),
            db: Arc::new(db),
            _dir: Arc::new(dir),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_as(&self.client, path).await
    }

    pub async fn get_as(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn page(&self, client: &reqwest::Client, path: &str) -> String {
        let res = self.get_as(client, path).await;
        res.text().await.unwrap()
    }

    /// The CSRF token of this client's session (starting one if needed).
    pub async fn csrf(&self, client: &reqwest::Client) -> String {
        csrf_from(&self.page(client, "/").await)
    }

    /// Posts a form the way a browser does: with the session's CSRF token.
    pub async fn post_as(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.csrf(client).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        client.post(self.url(path)).form(&all).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_as(&self.client, path, fields).await
    }

    pub async fn login_as(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        self.post_as(client, "/login", &[("email", email), ("password", password)])
            .await
    }

    pub async fn register_as(
        &self,
        client: &reqwest::Client,
        name: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        self.post_as(
            client,
            "/register",
            &[("name", name), ("email", email), ("password", password)],
        )
        .await
    }

    /// Runs database work the way the application does, off the async threads.
    /// The app's evidence store, opened as the app opened it.
    pub fn store(&self) -> ipdesk::evidence::Store {
        ipdesk::evidence::Store::open(
            &self.settings.evidence_store().unwrap(),
            &self.settings.s3_access(),
            &self.settings.scratch_dir(),
        )
        .unwrap()
    }

    /// The hashes the evidence store holds.
    pub async fn stored_objects(&self) -> Vec<String> {
        let store = self.store();
        tokio::task::spawn_blocking(move || store.objects().unwrap())
            .await
            .unwrap()
    }

    /// Uploads that arrived but were not kept, still in the store (none, once the request
    /// that carried them is over).
    pub async fn pending_uploads(&self) -> usize {
        let store = self.store();
        tokio::task::spawn_blocking(move || store.pending().unwrap())
            .await
            .unwrap()
    }

    /// The app's evidence folder; the test is about the folder store.
    pub fn evidence_folder(&self) -> std::path::PathBuf {
        match self.settings.evidence_store().unwrap() {
            ipdesk::evidence::Location::Folder(path) => path,
            other => panic!("this test needs a folder store, not {other}"),
        }
    }

    pub async fn with_db<T: Send + 'static>(&self, f: impl FnOnce(&mut DbConn) -> T + Send + 'static) -> T {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || f(&mut pool.get().unwrap()))
            .await
            .unwrap()
    }

    /// An account made directly in the database, with a password.
    pub async fn create_user(&self, role: Role, email: &str, password: &str) -> User {
        let hash = ipdesk::auth::password::hash_now(password).unwrap();
        let (email, name) = (
            Email::parse(email).unwrap(),
            PersonName::parse(&format!("Test {role}")).unwrap(),
        );
        self.with_db(move |c| {
            user::insert(
                c,
                NewUser {
                    email: &email,
                    name: &name,
                    role,
                    password_hash: Some(&hash),
                    language: None,
                    email_verified: true,
                },
            )
            .unwrap()
        })
        .await
    }

    /// A new browser signed in as a new account of the role.
    pub async fn signed_in(&self, role: Role) -> (reqwest::Client, User) {
        let email = format!("{}-{}@example.org", role, uuid::Uuid::new_v4().simple());
        let user = self.create_user(role, &email, STRONG_PASSWORD).await;
        let client = browser();
        let res = self.login_as(&client, &email, STRONG_PASSWORD).await;
        assert_eq!(res.status(), 303, "{role} signs in");
        (client, user)
    }

    /// The path and query of the setup link (the link itself names the public base URL).
    pub fn setup_path(&self) -> String {
        let link = self.setup_link.as_deref().expect("a setup link was printed");
        let url = url::Url::parse(link).unwrap();
        format!("{}?{}", url.path(), url.query().unwrap())
    }
}

impl TestApp {
    /// Every queued notice, newest first.
    pub async fn notices(&self) -> Vec<ipdesk::models::outbox::OutboxRow> {
        self.with_db(|c| ipdesk::models::outbox::list(c, None, 0).unwrap().0)
            .await
    }

    /// Waits until the notices satisfy `done` (or fails the test after a while).
    pub async fn wait_for_notices(
        &self,
        what: &str,
        done: impl Fn(&[ipdesk::models::outbox::OutboxRow]) -> bool,
    ) -> Vec<ipdesk::models::outbox::OutboxRow> {
        let started = std::time::Instant::now();
        loop {
            let rows = self.notices().await;
            if done(&rows) {
                return rows;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "waited for {what}: {rows:#?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// How many cases the database holds (drafts included).
    pub async fn count_cases(&self) -> i64 {
        self.with_db(|c| {
            use diesel::prelude::*;
            ipdesk::db::schema::cases::table
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await
    }

    /// The audit actions recorded so far, oldest first.
    pub async fn audit_actions(&self) -> Vec<String> {
        self.with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::audit_log::dsl::*;
            audit_log
                .order(seq.asc())
                .select(action)
                .load::<String>(c)
                .unwrap()
        })
        .await
    }
}

/// A browser whose language is Korean.
pub fn korean_browser() -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("accept-language", "ko-KR,ko;q=0.9".parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}
