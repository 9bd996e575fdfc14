//! The command line: `serve`, `migrate`, `user add`, `rights import`, `evidence scrub`,
//! `audit verify`, `bundle verify`, `key rotate`, `demo seed`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::audit;
use crate::auth::password;
use crate::config::Settings;
use crate::db::{self, write_tx};
use crate::domain::{Email, NewPassword, PersonName, Role};
use crate::models::user::{self, NewUser};
use crate::services::accounts::issue_setup_link;
use crate::startup::Application;
use crate::telemetry;

#[derive(Debug, Parser)]
#[command(
    name = "ipdesk",
    version,
    about = "The case desk of an intellectual-property office",
    long_about = "The case desk of an intellectual-property office: infringement and \
technology-theft complaints, cited patents, mediation and investigation with deadlines, \
evidence with a chain of custody.\n\n\
Settings come from defaults, then an optional TOML file (--config, or ipdesk.toml in the \
current folder), then environment variables: IPDESK_<SETTING> for any setting (for example \
IPDESK_BIND=0.0.0.0:8080, IPDESK_BASE_URL=https://desk.example.org, IPDESK_DATA_DIR=/srv/ipdesk, \
IPDESK_LOG_FORMAT=json) and DATABASE_URL (a file path or sqlite://PATH for SQLite, the default \
being data/ipdesk.db; postgres://… for PostgreSQL)."
)]
pub struct Cli {
    /// TOML settings file; without it, ipdesk.toml in the current folder is read if present.
    #[arg(long, short, global = true, env = "IPDESK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the web application until SIGTERM or Ctrl-C.
    ///
    /// On an empty database it prints a one-time link to create the first administrator.
    Serve,
    /// Apply pending database migrations and exit (serve also does this at start).
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Demo data for trying ipdesk out and for benchmarks.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The registry of cited rights.
    #[command(subcommand)]
    Rights(RightsCommand),
    /// The evidence store.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Evidence bundles.
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// The office's signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// The office's statistics.
    #[command(subcommand)]
    Stats(StatsCommand),
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Recompute the statistics' monthly summaries from the cases. They are kept up to date
    /// as cases change; this is for after a restore from an older backup, or to check them.
    Rebuild,
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Check an evidence bundle offline: that it is a complete and valid BagIt 1.0 bag
    /// (every payload file against both manifests, no file missing or extra, the tag
    /// manifests, the Payload-Oxum) and that its signature verifies against the office key
    /// whose fingerprint its bag-info.txt names. Prints each problem found and exits 1 if
    /// there is any, or if no key at hand has that fingerprint.
    Verify {
        /// The bundle (a .zip as downloaded).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The office's public keys: a PEM file holding one or several (such as
        /// office-keys.pem, which the site publishes with every key the office has used), or
        /// one key itself (PEM, hex or base64). Without it, every key in this installation's
        /// database is a candidate.
        #[arg(long, value_name = "KEY")]
        key: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a new office signing key: every server signs bundles with it from now on. The
    /// current key's validity ends now; it stays published at /office-key with its dates, so
    /// the bundles it signed still verify. Recorded in the audit log as done by the system.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Hash every stored evidence file again and compare it with what was filed. Reports
    /// each file that is missing or whose content changed (with the exhibits that name it),
    /// and files no exhibit names; exits 1 if any file is missing or changed.
    Scrub,
    /// Copy this installation's evidence files and built bundles into another store (a
    /// folder, or s3://bucket/prefix reached with the s3_* settings), each read back and
    /// checked against its SHA-256. What is already there and checks out is skipped, so an
    /// interrupted run is resumed by running it again. The old store is left as it was; set
    /// evidence_store to the new one on every server afterwards.
    Migrate {
        /// The store to copy to.
        #[arg(long, value_name = "STORE")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum RightsCommand {
    /// Load bibliographic files into the registry: USPTO grant XML (weekly files of many
    /// documents included), EPO OPS exchange or family XML, EP publication XML, KIPRIS Plus
    /// XML, or ipdesk CSV (header: number,kind_of_right,title,applicants,owners,inventors,
    /// filing_date,publication_date,grant_date,status,ipc,cpc,abstract,citations; lists
    /// separated by ';', dates YYYY-MM-DD). The format is recognised from each file's
    /// beginning. Rights are matched by their DOCDB number, so importing a file again changes
    /// nothing. A record that cannot be read is reported and the rest are imported; each
    /// record is written whole or not at all. Exits 1 if any record failed.
    Import {
        /// The files, in order.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// List every failed record (by default the first 20 per file).
        #[arg(long)]
        all_failures: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Fill the database with demo accounts (one password, printed) and realistic cases in
    /// Korean and English, of every kind and track, with exhibits in the newest twenty cases
    /// that have a complainant account. Refuses a database that already has
    /// accounts or cases unless --force.
    Seed {
        /// How many cases to create.
        #[arg(long, default_value_t = 200)]
        cases: usize,
        /// How many rights to add to the registry (synthetic KR, US, EP, JP and CN numbers);
        /// about three cases in ten cite some of them.
        #[arg(long, default_value_t = 1000)]
        rights: u64,
        /// Add the demo data even though the database is not empty.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain from the first entry; name the first broken link and exit 1 if
    /// any entry was altered, removed or reordered.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin, prints a one-time link with which its
    /// owner sets a password.
    Add {
        /// The account's e-mail address (also its sign-in name).
        #[arg(long)]
        email: String,
        /// The person's full name as shown to others.
        #[arg(long)]
        name: String,
        /// complainant, respondent, examiner, legal, mediator or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Read the password from the first line of standard input instead.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove an account's second factors and recovery codes (its owner lost them) and end
    /// its sessions; the owner is mailed and sets one up again at the next sign-in. For when
    /// no administrator can sign in to do it on the Accounts page.
    ResetSecondFactor {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role `{s}`; use one of {}", names.join(", "))
    })
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref())?;
    telemetry::init(settings.log_format, std::io::stderr);
    match cli.command {
        Command::Serve => serve(settings),
        Command::Migrate => {
            let url = settings.database()?;
            db::connect(&url, 1)?;
            println!("The database {url} is up to date.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(DemoCommand::Seed { cases, rights, force }) => {
            let pool = db::connect(&settings.database()?, 1)?;
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let report = crate::demo::seed(&mut conn, &settings, cases, force)?;
            println!(
                "Created {} demo accounts and {} cases with their histories in {:.1} s.",
                report.accounts.len(),
                report.cases,
                started.elapsed().as_secs_f64()
            );
            let store = open_store(&settings)?;
            let exhibits = crate::demo::seed_evidence(&mut conn, &store, 20)?;
            println!("Filed {exhibits} demo exhibits in the newest cases.");
            let started = std::time::Instant::now();
            crate::demo::seed_rights(&mut conn, rights, |_| {})?;
            println!(
                "Added {rights} rights to the registry in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
            let started = std::time::Instant::now();
            let cited = crate::demo::seed_citations(&mut conn, &settings, &report)?;
            println!(
                "Cited {cited} of them in the demo cases in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
            print_accounts(&report.accounts);
            println!("Every demo account has the password: {}", report.password);
            Ok(ExitCode::SUCCESS)
        }
        Command::Rights(RightsCommand::Import { files, all_failures }) => {
            import_rights(&settings, &files, all_failures)
        }
        Command::Evidence(EvidenceCommand::Scrub) => scrub_evidence(&settings),
        Command::Evidence(EvidenceCommand::Migrate { to }) => migrate_evidence(&settings, &to),
        Command::Stats(StatsCommand::Rebuild) => {
            let pool = db::connect(&settings.database()?, 1)?;
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let zone = settings.office_zone();
            let n = db::write_tx(&mut conn, |c| crate::models::stats::rebuild(c, zone))?;
            println!(
                "Counted {n} filed cases in the statistics in {:.1} s.",
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bundle(BundleCommand::Verify { file, key }) => {
            verify_bundle(&settings, &file, key.as_deref())
        }
        Command::Key(KeyCommand::Rotate) => rotate_key(&settings),
        Command::Audit(AuditCommand::Verify) => {
            let pool = db::connect(&settings.database()?, 1)?;
            let mut conn = pool.get()?;
            let verdict =
                audit::check(&mut conn, None, settings.now()).context("cannot read the audit log")?;
            match verdict {
                audit::Verdict::Intact { entries, last_hash } => {
                    println!("The audit log is intact: {entries} entries, last hash {last_hash}.");
                    Ok(ExitCode::SUCCESS)
                }
                audit::Verdict::Broken { seq, id, reason } => {
                    println!("The audit log is BROKEN at entry {seq} (row id {id}): {reason}.");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            password_stdin,
        }) => add_user(&settings, &email, &name, role, password_stdin),
        Command::User(UserCommand::ResetSecondFactor { email }) => reset_second_factor(&settings, &email),
    }
}

fn reset_second_factor(settings: &Settings, email: &str) -> anyhow::Result<ExitCode> {
    use crate::bundle::keyring::KeySecret;
    let pool = db::connect(&settings.database()?, 1)?;
    let mut conn = pool.get()?;
    let Some(account) = user::find_row_by_email(&mut conn, &email.trim().to_lowercase())? else {
        bail!("no account has the e-mail address {email}");
    };
    let secret = KeySecret::load_or_create(settings.key_secret.as_deref(), &settings.key_secret_file())?;
    let public_url = settings.public_url()?;
    let throttle = crate::auth::throttle::Policy::from_settings(settings);
    let env = crate::services::second_factor::Env {
        secret: &secret,
        public_url: &public_url,
        throttle: &throttle,
        issuer: &settings.organization,
        address: None,
    };
    let reset = crate::services::second_factor::reset(&mut conn, &env, &audit::Actor::system(), account.id)
        .context("cannot reset the second factor")?;
    match reset {
        Some(true) => println!(
            "Removed the second factors and recovery codes of {} and ended its sessions; its owner is mailed.",
            account.email
        ),
        _ => println!("{} has no second factor; nothing was changed.", account.email),
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo accounts' addresses under their role, roles in the order they were made.
fn print_accounts(accounts: &[(Role, String)]) {
    println!("Demo accounts (the first of each role has the most to do):");
    let mut roles: Vec<Role> = Vec::new();
    for (role, _) in accounts {
        if !roles.contains(role) {
            roles.push(*role);
        }
    }
    for role in roles {
        println!("  {role}:");
        for (_, email) in accounts.iter().filter(|(r, _)| *r == role) {
            println!("    {email}");
        }
    }
}

fn verify_bundle(settings: &Settings, file: &std::path::Path, key: Option<&str>) -> anyhow::Result<ExitCode> {
    use crate::bundle::{key as office_key, keyring, verify};
    let keys = match key {
        Some(given) => {
            let text = if std::path::Path::new(given).is_file() {
                std::fs::read_to_string(given).with_context(|| format!("cannot read the key file {given}"))?
            } else {
                given.to_owned()
            };
            office_key::parse_public_keys(&text)?
        }
        None => {
            let pool = db::connect(&settings.database()?, 1)?;
            let mut conn = pool.get()?;
            let rows = crate::models::office_key::all(&mut conn)?;
            if rows.is_empty() {
                bail!(
                    "this installation has no office key yet; give the office's public keys with --key \
                     (office-keys.pem as the site publishes it)"
                );
            }
            rows.iter()
                .map(keyring::public_of)
                .collect::<anyhow::Result<Vec<_>>>()?
        }
    };
    let zip = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let (fingerprint, report) = match verify::verify_with_keys(std::io::BufReader::new(zip), &keys)? {
        verify::Checked::With { fingerprint, report } => (fingerprint, report),
        no_key @ verify::Checked::NoKey { .. } => {
            println!("{}: {no_key}.", file.display());
            println!(
                "INVALID: no key to check the signature with ({} keys at hand).",
                keys.len()
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    println!(
        "{}: bag {}, {} payload files, {} bytes; office key {}",
        file.display(),
        report.root,
        report.payload_files,
        report.payload_bytes,
        fingerprint
    );
    for problem in &report.problems {
        println!("  {problem}");
    }
    if report.is_valid() {
        println!("VALID: complete, every hash matches, the signature verifies.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("INVALID: {} problems.", report.problems.len());
        Ok(ExitCode::FAILURE)
    }
}

/// The installation's evidence store, as its settings name it.
fn open_store(settings: &Settings) -> anyhow::Result<crate::evidence::Store> {
    crate::evidence::Store::open(
        &settings.evidence_store()?,
        &settings.s3_access(),
        &settings.scratch_dir(),
    )
}

fn migrate_evidence(settings: &Settings, to: &str) -> anyhow::Result<ExitCode> {
    let pool = db::connect(&settings.database()?, 1)?;
    let mut conn = pool.get()?;
    let from = open_store(settings)?;
    let target = crate::evidence::Location::parse(to)?;
    if target == from.location() {
        anyhow::bail!("{to} is the store this installation already uses");
    }
    let to = crate::evidence::Store::open(&target, &settings.s3_access(), &settings.scratch_dir())?;
    let bar = indicatif::ProgressBar::no_length();
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{spinner} {pos} files ({msg})",
    )?);
    let report = crate::evidence::migrate::migrate(&mut conn, &from, &to, |done| {
        bar.set_position(done.files);
        bar.set_message(format!("{} copied, {} already there", done.copied, done.skipped));
    })?;
    bar.finish_and_clear();
    println!(
        "Copied {} files ({} bytes) to {target}; {} were there already and check out. Every file was read back and matches its SHA-256.",
        report.copied, report.copied_bytes, report.skipped
    );
    for missing in &report.missing {
        println!("MISSING in the old store: {missing}");
    }
    write_tx(&mut conn, |c| {
        audit::record(
            c,
            audit::Event {
                actor: &audit::Actor::system(),
                action: "evidence.migrated",
                object: None,
                details: serde_json::json!({
                    "from": from.location().to_string(),
                    "to": target.to_string(),
                    "copied": report.copied,
                    "copied_bytes": report.copied_bytes,
                    "skipped": report.skipped,
                    "missing": report.missing,
                }),
                address: None,
            },
        )
    })?;
    if report.missing.is_empty() {
        println!("Now set evidence_store = \"{target}\" on every server and restart them.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} files are missing from the old store and were not copied: run `ipdesk evidence scrub`.",
            report.missing.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

fn rotate_key(settings: &Settings) -> anyhow::Result<ExitCode> {
    use crate::bundle::keyring::{self, KeySecret};
    let pool = db::connect(&settings.database()?, 1)?;
    let mut conn = pool.get()?;
    let secret = KeySecret::load_or_create(settings.key_secret.as_deref(), &settings.key_secret_file())?;
    let keys = keyring::load_or_create(&mut conn, secret, &settings.signing_key_file(), settings.now())?;
    let rotated =
        crate::services::office_keys::rotate(&mut conn, &keys, &audit::Actor::system(), None, settings.now())
            .context("cannot make a new office key")?;
    println!(
        "Made office key {} ({}); every server signs bundles with it from now on.",
        rotated.generation, rotated.fingerprint
    );
    println!(
        "The previous key ({}) stays published at /office-key, so what it signed still verifies.",
        rotated.previous_fingerprint
    );
    Ok(ExitCode::SUCCESS)
}

fn scrub_evidence(settings: &Settings) -> anyhow::Result<ExitCode> {
    let pool = db::connect(&settings.database()?, 1)?;
    let mut conn = pool.get()?;
    let store = open_store(settings)?;
    let bar = indicatif::ProgressBar::no_length();
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{spinner} {binary_bytes} hashed ({binary_bytes_per_sec})",
    )?);
    let report = crate::evidence::scrub::scrub(&mut conn, &store, |n| bar.inc(n))?;
    bar.finish_and_clear();
    for problem in &report.problems {
        println!("{problem}");
    }
    for name in &report.unreferenced {
        println!("UNREFERENCED  {name}  (no exhibit names this file; an interrupted upload)");
    }
    let verdict = if report.is_clean() { "intact" } else { "DAMAGED" };
    println!(
        "The evidence store is {verdict}: {} files ({} bytes) behind {} exhibits checked, \
         {} missing or altered, {} unreferenced.",
        report.files,
        report.bytes,
        report.exhibits,
        report.problems.len(),
        report.unreferenced.len()
    );
    write_tx(&mut conn, |c| {
        audit::record(
            c,
            audit::Event {
                actor: &audit::Actor::system(),
                action: "evidence.scrubbed",
                object: None,
                details: serde_json::json!({
                    "files": report.files,
                    "exhibits": report.exhibits,
                    "bytes": report.bytes,
                    "problems": report.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
                    "unreferenced": report.unreferenced.len(),
                }),
                address: None,
            },
        )
    })?;
    Ok(if report.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let database = settings.database()?;
        let app = Application::build(settings.clone()).await?;
        tracing::info!(database = %database, port = app.port(), "ipdesk started");
        // A closed console must not stop the server: write errors are ignored.
        let mut console = std::io::stdout().lock();
        let _ = writeln!(console, "ipdesk is listening on {} (database {database}).", settings.public_url()?);
        if let Some(link) = app.setup_link() {
            let _ = writeln!(
                console,
                "\nNo account exists yet. Create the first administrator here (the link works once):\n\n    {link}\n"
            );
        }
        let _ = console.flush();
        drop(console);
        app.run_until_stopped().await.context("the server failed")?;
        tracing::info!("ipdesk stopped");
        Ok(ExitCode::SUCCESS)
    })
}

fn import_rights(settings: &Settings, files: &[PathBuf], all_failures: bool) -> anyhow::Result<ExitCode> {
    use crate::import::run;
    let pool = db::connect(&settings.database()?, 1)?;
    let mut conn = pool.get()?;
    let mut failed = false;
    for path in files {
        let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut reader = std::io::BufReader::with_capacity(256 * 1024, file);
        let Some(format) = run::detect(&mut reader)? else {
            println!(
                "{}: not a file ipdesk can import (USPTO, EPO OPS, EP, KIPRIS XML or ipdesk CSV).",
                path.display()
            );
            failed = true;
            continue;
        };
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({eta})",
            )?
            .progress_chars("=> "),
        );
        let started = std::time::Instant::now();
        let name = path.display().to_string();
        let summary = run::run(&mut conn, reader, format, &name, &audit::Actor::system(), |p| {
            bar.set_message(format!("{} records", p.records));
            bar.set_position(p.bytes);
        })?;
        bar.finish_and_clear();
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{name} ({}): {} records in {seconds:.1} s — {} created, {} updated, {} unchanged, {} failed.",
            format.as_str(),
            summary.records(),
            summary.created,
            summary.updated,
            summary.unchanged,
            summary.failed,
        );
        if summary.repeated > 0 {
            println!(
                "  {} records repeated a number just before and were merged into it.",
                summary.repeated
            );
        }
        if summary.citations_skipped > 0 {
            println!(
                "  {} cited numbers could not be read and were left out.",
                summary.citations_skipped
            );
        }
        let shown = if all_failures { usize::MAX } else { 20 };
        for f in summary.failures.iter().take(shown) {
            println!("  failed: {f}");
        }
        if summary.failures.len() > shown {
            println!(
                "  … and {} more (--all-failures lists them).",
                summary.failures.len() - shown
            );
        }
        failed |= !summary.failures.is_empty();
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn add_user(
    settings: &Settings,
    email: &str,
    name: &str,
    role: Role,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let name = PersonName::parse(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let hash = if password_stdin {
        if std::io::stdin().is_terminal() {
            eprint!("Password: ");
        }
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password")?;
        let typed = line.strip_suffix('\n').unwrap_or(&line);
        let typed = typed.strip_suffix('\r').unwrap_or(typed);
        let password = NewPassword::parse(typed, &[name.as_str(), email.as_str()]).map_err(|e| {
            anyhow::anyhow!("the password is {e}: use 8 to 256 characters that are hard to guess")
        })?;
        Some(password::hash_now(password.expose())?)
    } else {
        None
    };
    let public_url = settings.public_url()?;
    let pool = db::connect(&settings.database()?, 1)?;
    let mut conn = pool.get()?;
    let link = write_tx(&mut conn, |c| {
        if user::email_taken(c, &email)? {
            bail!("an account with the e-mail address {email} already exists");
        }
        let new = NewUser {
            email: &email,
            name: &name,
            role,
            password_hash: hash.as_deref(),
            language: None,
            email_verified: hash.is_some(),
        };
        let created = user::insert(c, new)?;
        audit::record(
            c,
            audit::Event {
                actor: &audit::Actor::system(),
                action: "cli.user_created",
                object: Some(("user", created.id.0.to_string())),
                details: serde_json::json!({"role": role.as_str(), "email": created.email}),
                address: None,
            },
        )?;
        match hash {
            Some(_) => Ok(None),
            None => Ok(Some(issue_setup_link(
                c,
                &public_url,
                Some(created.id),
                settings.setup_link_hours,
            )?)),
        }
    })?;
    println!("Created the {role} account {email}.");
    if let Some(link) = link {
        println!(
            "Its owner sets a password with this one-time link (valid {} hours):",
            settings.setup_link_hours
        );
        println!();
        println!("    {link}");
    }
    Ok(ExitCode::SUCCESS)
}
