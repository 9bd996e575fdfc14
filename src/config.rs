//! Settings: defaults that need no set-up, an optional TOML file, then `IPDESK_*` environment
//! variables (and `DATABASE_URL`), each overriding the one before.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveDateTime, SubsecRound, Utc};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::db::DatabaseUrl;
use crate::domain::Role;
use crate::domain::office_time::OfficeZone;

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_CONFIG_FILE: &str = "ipdesk.toml";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Folder for the SQLite database and everything else ipdesk keeps.
    pub data_dir: PathBuf,
    /// `sqlite://PATH`, a file path, or `postgres://…`; default `<data_dir>/ipdesk.db`.
    pub database_url: Option<String>,
    /// The address people use to reach ipdesk; every absolute link is built from it.
    /// Default `http://<bind>`.
    pub base_url: Option<String>,
    pub log_format: LogFormat,
    pub db_pool_size: u32,
    /// Sign out after this long without a request.
    pub session_idle_timeout_secs: u64,
    /// Sign out this long after signing in, whatever the activity.
    pub session_absolute_timeout_secs: u64,
    /// Failed sign-ins allowed on one account before each further try must wait.
    pub login_free_failures: u32,
    /// The first wait; it doubles with each further failure, up to the maximum.
    pub login_delay_base_secs: u64,
    pub login_delay_max_secs: u64,
    /// Hard cap on failed sign-ins per account per hour.
    pub login_max_failures_per_hour: u32,
    /// Failed sign-ins allowed from one address per window, whichever accounts they name.
    pub address_max_failures: u32,
    pub address_window_secs: u64,
    /// A reverse proxy whose `X-Forwarded-For` is believed; without it the peer address counts.
    pub trusted_proxy: Option<IpAddr>,
    /// Roles that must sign in with a second factor (an authenticator app or a passkey) as
    /// well as a password: `admin`, `examiner`, `legal`, `mediator`, `complainant`,
    /// `respondent`. Anyone else may add one if they wish.
    pub mfa_required_roles: Vec<String>,
    /// How long a setup link stays valid.
    pub setup_link_hours: u32,
    /// How many password hashes may run at once (each takes 19 MiB).
    pub password_hash_concurrency: usize,
    /// `smtp://[user:pass@]host[:port][?tls=required]` or `smtps://…`; without it, mail is
    /// written as `.eml` files under `<data_dir>/mail`.
    pub smtp_url: Option<String>,
    /// The sender of every notice; default `ipdesk <no-reply@<base_url host>>`.
    pub mail_from: Option<String>,
    /// How often the mail worker looks for due notices (it is also woken at once by new ones).
    pub mail_poll_millis: u64,
    /// The first wait after a temporary failure; it doubles per attempt, up to the maximum.
    pub mail_retry_base_secs: u64,
    pub mail_retry_max_secs: u64,
    /// Attempts before a notice is parked as failed.
    pub mail_max_attempts: i32,
    /// Workflow periods in calendar days (DESIGN §3).
    pub mediation_days: u32,
    pub supplement_days: u32,
    pub response_days: u32,
    pub acceptance_days: u32,
    pub compliance_days: u32,
    /// Deadline reminders go this many days before the due date, and on the day.
    pub reminder_days_before: u32,
    /// How long a respondent's invitation link stays valid.
    pub invitation_days: u32,
    /// How often the deadline job looks for reminders to send and responses that lapsed.
    pub deadline_poll_secs: u64,
    /// Where evidence files and built bundles are kept: a folder (default
    /// `<data_dir>/evidence`; never a served one), or `s3://bucket/prefix` in an S3-compatible
    /// store reached with the `s3_*` settings. Several app servers share one.
    pub evidence_store: Option<String>,
    /// The older name of a folder `evidence_store`, still read; `evidence_store` wins.
    pub evidence_dir: Option<PathBuf>,
    /// The S3-compatible service, `http(s)://host:port`; without it, Amazon S3.
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    /// Credentials for the bucket; without them, the usual `AWS_*` variables are read.
    pub s3_access_key: Option<String>,
    pub s3_secret_key: Option<String>,
    /// The office's grouping of IPC classes into the materials, parts and equipment
    /// industries for its statistics; default the one shipped (`src/domain/stats/industry_fields.toml`).
    pub industry_fields_file: Option<PathBuf>,
    /// The largest file one exhibit may be.
    pub exhibit_max_bytes: u64,
    /// How many exhibits one upload may carry.
    pub exhibit_max_files: usize,
    /// All of a case's exhibits together may not exceed this.
    pub case_evidence_max_bytes: u64,
    /// Where installations before the database held the office's keys kept the Ed25519 signing
    /// key (PKCS#8 PEM); default `<data_dir>/keys/office-ed25519.pem`. Only read on the first
    /// start with an empty key table: the key in it is imported as the first generation, so
    /// that bundles, cookies and calendar addresses made with it stay valid.
    pub signing_key_file: Option<PathBuf>,
    /// The secret the office's private keys are sealed with in the database: base64 of 32
    /// random bytes (`openssl rand -base64 32`). Every app server must have the same one.
    /// Without it, `<data_dir>/keys/secret` is made on first start and used, which serves a
    /// single server (or servers sharing that folder).
    pub key_secret: Option<String>,
    /// The office's name, written into every bundle as its Source-Organization.
    pub organization: String,
    /// How often the bundle builder looks for work it was not woken for (bundles requested
    /// on other servers, builds whose builder died).
    pub bundle_poll_secs: u64,
    /// Bundles one user may ask for in an hour, and bundles of one case in an hour, whoever
    /// asks. A request for content already bundled gets that bundle and counts for neither.
    pub bundle_requests_per_user_hour: u32,
    pub bundle_requests_per_case_hour: u32,
    /// A built bundle's file is deleted this many days after it was built; its row, hash and
    /// audit entries stay, and it can be built again.
    pub bundle_retention_days: u32,
    /// A bundle is built only if its folder keeps at least this much free beside it.
    pub bundle_min_free_bytes: u64,
    /// A build whose server stops reporting progress for this long (it died) is taken over
    /// by another server.
    pub bundle_lease_secs: u64,
    /// On SIGTERM, requests in flight (a large upload on a slow line) get this long to finish.
    pub shutdown_timeout_secs: u64,
    /// The office's time zone (an IANA name): times are shown in it, typed in it, and "today"
    /// and overdue are its days. Stored times stay UTC.
    pub office_timezone: String,
    /// For tests and demonstrations only: the instant (UTC) the office clock stands still at.
    pub clock_frozen_at: Option<NaiveDateTime>,
}

/// Where the store is: a folder, or a bucket and a prefix inside it (`s3://bucket/prefix`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreLocation {
    Folder(PathBuf),
    Bucket { bucket: String, prefix: String },
}

impl StoreLocation {
    /// A folder path, or `s3://bucket` with an optional `/prefix`.
    pub fn parse(text: &str) -> anyhow::Result<StoreLocation> {
        let text = text.trim();
        if text.is_empty() {
            bail!("the evidence store is empty: give a folder or s3://bucket/prefix");
        }
        let Some(rest) = text.strip_prefix("s3://") else {
            if text.contains("://") {
                bail!("the evidence store `{text}` is neither a folder nor s3://bucket/prefix");
            }
            return Ok(StoreLocation::Folder(PathBuf::from(text)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            bail!("`{bucket}` is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)");
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|p| p == "." || p == "..") {
            bail!("the prefix `{prefix}` may not contain . or .. parts");
        }
        Ok(StoreLocation::Bucket {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

impl std::fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Folder(path) => write!(f, "{}", path.display()),
            StoreLocation::Bucket { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            StoreLocation::Bucket { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// How to reach an S3-compatible service: the same on every app server.
#[derive(Clone, Default)]
pub struct S3Access {
    /// `http(s)://host:port`; without it, Amazon S3 itself.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
}

impl std::fmt::Debug for S3Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Access")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "…"))
            .finish()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            base_url: None,
            log_format: LogFormat::Text,
            db_pool_size: 10,
            session_idle_timeout_secs: 30 * 60,
            session_absolute_timeout_secs: 8 * 60 * 60,
            login_free_failures: 5,
            login_delay_base_secs: 2,
            login_delay_max_secs: 15 * 60,
            login_max_failures_per_hour: 100,
            address_max_failures: 50,
            address_window_secs: 15 * 60,
            trusted_proxy: None,
            mfa_required_roles: ["admin", "examiner", "legal", "mediator"]
                .map(String::from)
                .to_vec(),
            setup_link_hours: 24,
            password_hash_concurrency: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            smtp_url: None,
            mail_from: None,
            mail_poll_millis: 5000,
            mail_retry_base_secs: 30,
            mail_retry_max_secs: 3600,
            mail_max_attempts: 20,
            mediation_days: 90,
            supplement_days: 14,
            response_days: 15,
            acceptance_days: 14,
            compliance_days: 30,
            reminder_days_before: 3,
            invitation_days: 30,
            deadline_poll_secs: 60,
            evidence_store: None,
            evidence_dir: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key: None,
            s3_secret_key: None,
            industry_fields_file: None,
            exhibit_max_bytes: 200 * 1024 * 1024,
            exhibit_max_files: 10,
            case_evidence_max_bytes: 20 * 1024 * 1024 * 1024,
            signing_key_file: None,
            key_secret: None,
            organization: "Industrial Property Dispute Mediation Committee".to_owned(),
            bundle_poll_secs: 5,
            bundle_requests_per_user_hour: 10,
            bundle_requests_per_case_hour: 30,
            bundle_retention_days: 30,
            office_timezone: OfficeZone::SEOUL.name().to_owned(),
            clock_frozen_at: None,
            bundle_min_free_bytes: 1024 * 1024 * 1024,
            bundle_lease_secs: 120,
            shutdown_timeout_secs: 300,
        }
    }
}

impl Settings {
    /// Defaults, then the config file (the given one must exist; the default one may not),
    /// then the environment.
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) => {
                if !path.is_file() {
                    bail!("the config file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None => figment = figment.merge(Toml::file(DEFAULT_CONFIG_FILE)),
        }
        let settings: Settings = figment
            .merge(Env::raw().only(&["DATABASE_URL", "SMTP_URL"]))
            .merge(Env::prefixed("IPDESK_").ignore(&["CONFIG"]))
            .extract()
            .context("invalid settings")?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what the types cannot, so a bad value stops start-up with a clear message.
    pub fn validate(&self) -> anyhow::Result<()> {
        self.database()?;
        self.public_url()?;
        if self.db_pool_size == 0 || self.password_hash_concurrency == 0 {
            bail!("db_pool_size and password_hash_concurrency must be at least 1");
        }
        if self.session_idle_timeout_secs == 0 || self.session_absolute_timeout_secs == 0 {
            bail!("session time-outs must be positive");
        }
        self.mfa_roles()?;
        if self.mail_max_attempts < 1 {
            bail!("mail_max_attempts must be at least 1");
        }
        self.mail_sender()?;
        if self.exhibit_max_bytes == 0 || self.exhibit_max_files == 0 {
            bail!("exhibit_max_bytes and exhibit_max_files must be at least 1");
        }
        self.evidence_store()?;
        if let Some(secret) = &self.key_secret {
            decode_key_secret(secret)?;
        }
        if OfficeZone::parse(&self.office_timezone).is_none() {
            bail!(
                "office_timezone `{}` is not an IANA time zone name such as Asia/Seoul",
                self.office_timezone
            );
        }
        Ok(())
    }

    /// The office's time zone (checked at start-up).
    pub fn office_zone(&self) -> OfficeZone {
        OfficeZone::parse(&self.office_timezone).unwrap_or_default()
    }

    /// The office clock: the current instant in UTC, at the precision both databases keep.
    pub fn now(&self) -> NaiveDateTime {
        self.clock_frozen_at
            .unwrap_or_else(|| Utc::now().naive_utc().trunc_subsecs(6))
    }

    /// Today, as an office day.
    pub fn today(&self) -> NaiveDate {
        self.office_zone().day_of(self.now())
    }

    /// The `From` of every notice.
    pub fn mail_sender(&self) -> anyhow::Result<lettre::message::Mailbox> {
        let raw = match &self.mail_from {
            Some(raw) => raw.clone(),
            None => {
                let url = self.public_url()?;
                let host = url.url().host_str().unwrap_or("localhost");
                // A bare IP address is not a mail domain.
                let host = if host.parse::<IpAddr>().is_ok() || !host.contains('.') {
                    "ipdesk.invalid"
                } else {
                    host
                };
                format!("ipdesk <no-reply@{host}>")
            }
        };
        raw.parse()
            .with_context(|| format!("invalid mail_from `{raw}` (use `Name <address@domain>`)"))
    }

    /// The industries the statistics group technology fields by.
    pub fn industries(&self) -> anyhow::Result<crate::domain::stats::fields::Industries> {
        use crate::domain::stats::fields::Industries;
        let Some(file) = &self.industry_fields_file else {
            return Ok(Industries::shipped());
        };
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read industry_fields_file {}", file.display()))?;
        Industries::parse(&text).with_context(|| format!("industry_fields_file {}", file.display()))
    }

    /// Where evidence and bundles are kept (checked at start-up).
    pub fn evidence_store(&self) -> anyhow::Result<StoreLocation> {
        match (&self.evidence_store, &self.evidence_dir) {
            (Some(raw), _) => StoreLocation::parse(raw).context("invalid evidence_store"),
            (None, Some(folder)) => Ok(StoreLocation::Folder(folder.clone())),
            (None, None) => Ok(StoreLocation::Folder(self.data_dir.join("evidence"))),
        }
    }

    /// How to reach the bucket of an `s3://` evidence store.
    pub fn s3_access(&self) -> S3Access {
        S3Access {
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key: self.s3_access_key.clone(),
            secret_key: self.s3_secret_key.clone(),
        }
    }

    /// A local folder for files being built before they are kept (bundles).
    pub fn scratch_dir(&self) -> PathBuf {
        self.data_dir.join("tmp")
    }

    pub fn signing_key_file(&self) -> PathBuf {
        self.signing_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("keys").join("office-ed25519.pem"))
    }

    /// The sealing secret made on first start when `key_secret` is not set.
    pub fn key_secret_file(&self) -> PathBuf {
        self.data_dir.join("keys").join("secret")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn database(&self) -> anyhow::Result<DatabaseUrl> {
        match &self.database_url {
            Some(raw) => DatabaseUrl::parse(raw).context("invalid DATABASE_URL"),
            None => Ok(DatabaseUrl::Sqlite(self.data_dir.join("ipdesk.db"))),
        }
    }

    /// The public base URL, without a trailing slash in its path.
    pub fn public_url(&self) -> anyhow::Result<PublicUrl> {
        let raw = match &self.base_url {
            Some(raw) => raw.clone(),
            None => format!("http://{}", self.bind),
        };
        PublicUrl::parse(&raw)
    }

    /// The roles held to a second factor (checked at start-up).
    pub fn mfa_roles(&self) -> anyhow::Result<Vec<Role>> {
        self.mfa_required_roles
            .iter()
            .map(|name| {
                Role::parse(name.trim()).with_context(|| {
                    format!("mfa_required_roles: `{name}` is not a role (admin, examiner, legal, mediator, complainant, respondent)")
                })
            })
            .collect()
    }

    pub fn session_idle_timeout(&self) -> Duration {
        Duration::from_secs(self.session_idle_timeout_secs)
    }

    pub fn session_absolute_timeout(&self) -> Duration {
        Duration::from_secs(self.session_absolute_timeout_secs)
    }
}

/// The 32 bytes of a `key_secret` (base64, surrounding white space ignored).
pub fn decode_key_secret(text: &str) -> anyhow::Result<[u8; 32]> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .context("key_secret is not base64")?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        anyhow::anyhow!(
            "key_secret must be base64 of 32 bytes, this one has {}",
            bytes.len()
        )
    })
}

/// The address people reach ipdesk at. Every link in mail, on the console and in a page that
/// names a whole address is built on it, never on a request's Host header.
#[derive(Clone, Debug)]
pub struct PublicUrl(Url);

impl PublicUrl {
    pub fn parse(raw: &str) -> anyhow::Result<PublicUrl> {
        let url = Url::parse(raw).with_context(|| format!("invalid base_url `{raw}`"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            bail!("base_url must be an http:// or https:// address, not `{raw}`");
        }
        Ok(PublicUrl(url))
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    /// `<public URL><path>`.
    pub fn page(&self, path: &str) -> String {
        self.page_url(path).to_string()
    }

    /// `<public URL><path>?token=…`, for one-time links.
    pub fn with_token(&self, path: &str, token: &str) -> String {
        let mut url = self.page_url(path);
        url.query_pairs_mut().append_pair("token", token);
        url.to_string()
    }

    fn page_url(&self, path: &str) -> Url {
        let mut url = self.0.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base}{path}"));
        url.set_query(None);
        url
    }
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_location_is_a_folder_or_a_bucket_with_a_prefix() {
        assert_eq!(
            StoreLocation::parse("data/evidence").unwrap(),
            StoreLocation::Folder("data/evidence".into())
        );
        assert_eq!(
            StoreLocation::parse("s3://office-evidence/seoul/").unwrap(),
            StoreLocation::Bucket {
                bucket: "office-evidence".into(),
                prefix: "seoul".into()
            }
        );
        assert_eq!(
            StoreLocation::parse("s3://evidence").unwrap().to_string(),
            "s3://evidence"
        );
        for bad in ["", "s3://", "s3://Ab", "s3://ok-bucket/../x", "gs://bucket"] {
            assert!(StoreLocation::parse(bad).is_err(), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn defaults_need_no_set_up() {
        let s = Settings::default();
        s.validate().unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            s.database().unwrap(),
            DatabaseUrl::Sqlite("data/ipdesk.db".into())
        );
        assert_eq!(s.public_url().unwrap().as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn a_base_url_that_is_not_http_is_refused() {
        let s = Settings {
            base_url: Some("ftp://example.org".into()),
            ..Settings::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own test API
    fn file_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("office.toml", "bind = \"0.0.0.0:9000\"\nsetup_link_hours = 2\n")?;
            jail.set_env("IPDESK_SETUP_LINK_HOURS", "5");
            jail.set_env("DATABASE_URL", "postgres://u@h/db");
            let s = Settings::load(Some(Path::new("office.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(s.bind.to_string(), "0.0.0.0:9000");
            assert_eq!(s.setup_link_hours, 5);
            assert_eq!(s.database().unwrap().backend_name(), "postgres");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own test API
    fn the_second_factors_roles_are_a_list_in_the_file_and_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "office.toml",
                "mfa_required_roles = [\"admin\", \"complainant\"]\n",
            )?;
            let s = Settings::load(Some(Path::new("office.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(s.mfa_roles().unwrap(), vec![Role::Admin, Role::Complainant]);
            jail.set_env("IPDESK_MFA_REQUIRED_ROLES", "[]");
            let s = Settings::load(Some(Path::new("office.toml"))).map_err(|e| e.to_string())?;
            assert!(s.mfa_roles().unwrap().is_empty(), "none");
            assert_eq!(
                Settings::default().mfa_roles().unwrap().len(),
                4,
                "staff by default"
            );
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's own test API
    fn an_older_evidence_dir_setting_still_names_the_store_and_a_bucket_comes_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("office.toml", "evidence_dir = \"/srv/evidence\"\n")?;
            let s = Settings::load(Some(Path::new("office.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(
                s.evidence_store().unwrap(),
                StoreLocation::Folder("/srv/evidence".into())
            );
            jail.set_env("IPDESK_EVIDENCE_STORE", "s3://office-evidence/seoul");
            jail.set_env("IPDESK_S3_ENDPOINT", "http://127.0.0.1:8333");
            jail.set_env("IPDESK_S3_SECRET_KEY", "very-secret");
            let s = Settings::load(Some(Path::new("office.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(
                s.evidence_store().unwrap().to_string(),
                "s3://office-evidence/seoul"
            );
            let access = s.s3_access();
            assert_eq!(access.endpoint.as_deref(), Some("http://127.0.0.1:8333"));
            assert!(
                !format!("{access:?}").contains("very-secret"),
                "the secret is not printed"
            );
            Ok(())
        });
    }
}
