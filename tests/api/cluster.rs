//! Three app servers — real `ipdesk serve` processes, each with a data folder of its own — on
//! one PostgreSQL database and one SeaweedFS bucket behave as one desk: filings, uploads,
//! downloads, workflow actions and bundles spread across them; one server is killed with
//! SIGKILL in the middle of an upload and another in the middle of a bundle build. Afterwards
//! nothing committed is lost, no notice went out twice, the interrupted bundle was finished by
//! another server, a session started on one server works on the others, and `ipdesk audit
//! verify` and `ipdesk evidence scrub` pass.
//!
//! It needs PostgreSQL (`TEST_DATABASE_URL`) and an S3 store (`TEST_S3_ENDPOINT`): CI's
//! PostgreSQL run has both. On SQLite it does nothing (several servers share PostgreSQL).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use diesel::prelude::*;
use futures_util::StreamExt;
use ipdesk::domain::Role;
use reqwest::multipart::{Form, Part};
use sha2::{Digest, Sha256};

use crate::helpers::evidence::{file, pdf, upload};
use crate::helpers::{TestApp, TestBucket, act, browser, file_case, location};
use crate::smtp::free_port;

/// One app server: its process, port and data folder.
struct Node {
    name: &'static str,
    child: Option<Child>,
    port: u16,
    data_dir: PathBuf,
    log: PathBuf,
    app: TestApp,
}

/// What every server of the desk is given alike (the README's list).
struct Shared {
    env: Vec<(String, String)>,
    root: PathBuf,
}

impl Shared {
    fn new(desk: &TestApp, bucket: &TestBucket, root: &Path) -> Shared {
        let secret = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>());
        let store = format!("s3://{}/cluster-{}", bucket.bucket, uuid::Uuid::new_v4().simple());
        let env = [
            ("DATABASE_URL", desk.settings.database_url.clone().unwrap()),
            ("IPDESK_BASE_URL", crate::helpers::BASE_URL.to_owned()),
            ("IPDESK_EVIDENCE_STORE", store),
            ("IPDESK_S3_ENDPOINT", bucket.endpoint.clone()),
            ("IPDESK_S3_REGION", "us-east-1".to_owned()),
            ("IPDESK_S3_ACCESS_KEY", bucket.access_key.clone()),
            ("IPDESK_S3_SECRET_KEY", bucket.secret_key.clone()),
            ("IPDESK_KEY_SECRET", secret),
            ("IPDESK_LOG_FORMAT", "json".to_owned()),
            // Staff sign in with a password alone here, as in the other HTTP tests.
            ("IPDESK_MFA_REQUIRED_ROLES", "[]".to_owned()),
            ("IPDESK_DB_POOL_SIZE", "4".to_owned()),
            ("IPDESK_MAIL_POLL_MILLIS", "200".to_owned()),
            ("IPDESK_BUNDLE_POLL_SECS", "1".to_owned()),
            ("IPDESK_BUNDLE_LEASE_SECS", "3".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Shared {
            env,
            root: root.to_path_buf(),
        }
    }

    /// An `ipdesk` command with the desk's settings and a data folder of its own.
    fn command(&self, data_dir: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ipdesk"));
        cmd.env_remove("DATABASE_URL")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("IPDESK_DATA_DIR", data_dir)
            .current_dir(&self.root);
        cmd
    }
}

impl Node {
    /// Starts a server and waits until it answers.
    async fn start(name: &'static str, shared: &Shared, desk: &TestApp) -> Node {
        let port = free_port();
        let data_dir = shared.root.join(name);
        std::fs::create_dir_all(&data_dir).unwrap();
        let mut node = Node {
            name,
            child: None,
            port,
            log: shared.root.join(format!("{name}.log")),
            app: desk.through(format!("http://127.0.0.1:{port}")),
            data_dir,
        };
        node.restart(shared).await;
        node
    }

    /// Starts (again) on the same port and data folder; the log continues.
    async fn restart(&mut self, shared: &Shared) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = shared
            .command(&self.data_dir)
            .arg("serve")
            .env("IPDESK_BIND", format!("127.0.0.1:{}", self.port))
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        self.child = Some(child);
        let started = Instant::now();
        let client = browser();
        loop {
            let health = client
                .get(format!("http://127.0.0.1:{}/healthz", self.port))
                .send()
                .await;
            if health.is_ok_and(|r| r.status() == 200) {
                return;
            }
            let exited = self.child.as_mut().unwrap().try_wait().unwrap();
            assert!(
                exited.is_none() && started.elapsed() < Duration::from_secs(60),
                "{} did not start: {}",
                self.name,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown, nothing finished, nothing flushed.
    fn kill(&mut self) {
        let mut child = self.child.take().expect("the server runs");
        child.kill().unwrap();
        child.wait().unwrap();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A PDF of about `mib` MiB whose content depends on `seed`.
fn large_pdf(seed: u64, mib: usize) -> Vec<u8> {
    let mut bytes = pdf(seed as usize);
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    bytes.reserve(mib * 1024 * 1024);
    while bytes.len() < mib * 1024 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes
}

/// The exhibit's bytes as one server hands them out.
async fn download(node: &Node, client: &reqwest::Client, case_no: &str, number: i32) -> Vec<u8> {
    let res = node
        .app
        .get_as(client, &format!("/cases/{case_no}/exhibits/{number}"))
        .await;
    assert_eq!(res.status(), 200, "{} serves {case_no} #{number}", node.name);
    res.bytes().await.unwrap().to_vec()
}

/// Asks for a bundle through one server; returns its page.
async fn ask_bundle(node: &Node, client: &reqwest::Client, case_no: &str, audience: &str) -> String {
    let res = node
        .app
        .post_as(
            client,
            &format!("/cases/{case_no}/bundles"),
            &[("audience", audience)],
        )
        .await;
    assert_eq!(res.status(), 303);
    location(&res)
}

/// Waits until the bundle is built, then downloads it through `node`.
async fn built_bundle(node: &Node, client: &reqwest::Client, page: &str, within: Duration) -> Vec<u8> {
    let started = Instant::now();
    loop {
        let html = node.app.page(client, page).await;
        assert!(
            !html.contains(r#"data-bundle-status="failed""#),
            "the build failed: {html}"
        );
        if html.contains(r#"data-bundle-status="done""#) {
            let res = node.app.get_as(client, &format!("{page}/download")).await;
            assert_eq!(res.status(), 200);
            return res.bytes().await.unwrap().to_vec();
        }
        assert!(started.elapsed() < within, "the bundle {page} is built in time");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Every office key the desk publishes, by fingerprint.
async fn office_keys(node: &Node) -> Vec<ed25519_dalek::VerifyingKey> {
    let pem = node.app.get("/office-keys.pem").await.text().await.unwrap();
    pem.split("-----END PUBLIC KEY-----")
        .filter_map(|block| {
            let start = block.find("-----BEGIN PUBLIC KEY-----")?;
            ipdesk::bundle::key::parse_public(&format!("{}-----END PUBLIC KEY-----", &block[start..])).ok()
        })
        .collect()
}

fn verifies(zip: &[u8], keys: &[ed25519_dalek::VerifyingKey]) -> bool {
    keys.iter().any(|key| {
        ipdesk::bundle::verify::verify(Cursor::new(zip), key)
            .unwrap()
            .is_valid()
    })
}

/// The Message-IDs of every mail the servers sent, with how often each went out.
fn sent_mail(nodes: &[&Node]) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for node in nodes {
        let Ok(entries) = std::fs::read_dir(node.data_dir.join("mail")) else {
            continue;
        };
        for entry in entries.flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("Message-ID: "))
                .unwrap_or_else(|| panic!("{} has a Message-ID", entry.path().display()))
                .trim()
                .to_owned();
            *seen.entry(id).or_insert(0) += 1;
        }
    }
    seen
}

#[tokio::test]
async fn three_servers_on_one_database_and_one_bucket_are_one_desk_even_when_two_are_killed() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        eprintln!("several app servers share PostgreSQL: this runs in the PostgreSQL run");
        return;
    }
    let Some(bucket) = crate::helpers::s3_bucket() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the three-server test against SeaweedFS: set TEST_S3_ENDPOINT"
        );
        eprintln!("skipped: no S3 store (TEST_S3_ENDPOINT)");
        return;
    };
    // The large files are made first: a test thread busy for seconds between two requests
    // would find its pooled connections closed by the servers' keep-alive time-out.
    let big = large_pdf(7, 40);
    let big_hash = sha256(&big);
    let evidence: Vec<Vec<u8>> = (0..4).map(|n| large_pdf(20 + n, 25)).collect();
    let desk = TestApp::database_only(|_| {});
    let root = tempfile::tempdir().unwrap();
    let shared = Shared::new(&desk, &bucket, root.path());
    // The first server makes the schema and the office key; the other two join it.
    let mut a = Node::start("a", &shared, &desk).await;
    let (b, c) = tokio::join!(Node::start("b", &shared, &desk), Node::start("c", &shared, &desk));
    let (mut b, mut c) = (b, c);

    // A session started on one server works on the others (one cookie jar, three ports).
    let (examiner, _) = a.app.signed_in(Role::Examiner).await;
    let (complainant, _) = b.app.signed_in(Role::Complainant).await;
    for node in [&a, &b, &c] {
        let page = node.app.page(&examiner, "/cases").await;
        assert!(
            page.contains("/logout"),
            "{} knows the examiner's session",
            node.name
        );
        let page = node.app.page(&complainant, "/cases").await;
        assert!(
            page.contains("/logout"),
            "{} knows the complainant's session",
            node.name
        );
    }

    // Load across the three: each case filed on one server, its evidence filed on the next,
    // downloaded and acted on through the third, a bundle asked for on any.
    let nodes = [&a, &b, &c];
    let mut committed: Vec<(String, i32, String)> = Vec::new();
    let stories = (0..6).map(|i| {
        let (filer, uploader, reader) = (nodes[i % 3], nodes[(i + 1) % 3], nodes[(i + 2) % 3]);
        let (examiner, complainant) = (&examiner, &complainant);
        async move {
            let case_no = file_case(&filer.app, complainant, &format!("Cluster case {i}")).await;
            let bytes = pdf(100 + i);
            let res = upload(
                &uploader.app,
                complainant,
                &case_no,
                &[file("Supply contract", "parties", "contract.pdf", &bytes)],
            )
            .await;
            assert_eq!(res.status(), 303, "{} files the exhibit", uploader.name);
            assert_eq!(download(reader, examiner, &case_no, 1001).await, bytes);
            let res = act(&reader.app, examiner, &case_no, "start_review", &[]).await;
            assert_eq!(res.status(), 303, "{} carries out the action", reader.name);
            (case_no, 1001, sha256(&bytes))
        }
    });
    committed.extend(futures_util::future::join_all(stories).await);
    let keys = office_keys(&c).await;
    assert_eq!(keys.len(), 1, "one office key for every server");
    let pages = futures_util::future::join_all(
        committed
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, (case_no, _, _))| ask_bundle(nodes[i], &examiner, case_no, "parties")),
    )
    .await;
    for (i, page) in pages.iter().enumerate() {
        let zip = built_bundle(nodes[(i + 1) % 3], &examiner, page, Duration::from_secs(60)).await;
        assert!(
            verifies(&zip, &keys),
            "a bundle built anywhere verifies with the one key"
        );
    }

    // B is killed in the middle of an upload: 40 MiB streamed slowly, SIGKILL after 20.
    let (big_case, _, _) = committed[3].clone();
    let token = b.app.csrf(&complainant).await;
    let (sent_tx, mut sent_rx) = tokio::sync::watch::channel(0usize);
    let chunks: Vec<Vec<u8>> = big.chunks(1024 * 1024).map(<[u8]>::to_vec).collect();
    let body = futures_util::stream::iter(chunks.into_iter().enumerate()).then(move |(n, chunk)| {
        let sent_tx = sent_tx.clone();
        async move {
            sent_tx.send_replace(n + 1);
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<_, std::io::Error>(chunk)
        }
    });
    let form = Form::new()
        .text("csrf_token", token)
        .text("title", "Design drawings")
        .text("visibility", "parties")
        .part(
            "file",
            Part::stream_with_length(reqwest::Body::wrap_stream(body), big.len() as u64)
                .file_name("drawings.pdf"),
        );
    let request = complainant
        .post(b.app.url(&format!("/cases/{big_case}/exhibits")))
        .multipart(form)
        .send();
    let interrupted = tokio::spawn(request);
    sent_rx.wait_for(|n| *n >= 20).await.unwrap();
    b.kill();
    assert!(interrupted.await.unwrap().is_err(), "the upload was cut off");

    // C (or whoever builds it) is killed in the middle of a bundle build of 100 MiB of evidence.
    let (bundle_case, _, _) = committed[4].clone();
    let res = upload(
        &a.app,
        &complainant,
        &bundle_case,
        &evidence
            .iter()
            .enumerate()
            .map(|(n, bytes)| file(&format!("Log {n}"), "parties", "log.pdf", bytes))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(res.status(), 303);
    for (n, bytes) in evidence.iter().enumerate() {
        committed.push((bundle_case.clone(), 1002 + n as i32, sha256(bytes)));
    }
    let page = ask_bundle(&c, &examiner, &bundle_case, "office").await;
    let id = page.rsplit('/').next().unwrap().to_owned();
    let started = Instant::now();
    let builder = loop {
        let building = [&a, &c]
            .into_iter()
            .find(|n| {
                n.log()
                    .lines()
                    .any(|l| l.contains("a bundle build started") && l.contains(&id))
            })
            .map(|n| n.name);
        let progress: i64 = {
            let id = id.clone();
            desk.with_db(move |conn| {
                use ipdesk::db::schema::bundles;
                bundles::table
                    .filter(bundles::public_id.eq(id))
                    .select(bundles::bytes_done)
                    .first(conn)
                    .unwrap()
            })
            .await
        };
        if let Some(name) = building.filter(|_| progress > 0) {
            break name;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the build starts");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let survivor = if builder == "c" {
        c.kill();
        &a
    } else {
        a.kill();
        &c
    };
    let zip = built_bundle(survivor, &examiner, &page, Duration::from_secs(120)).await;
    assert!(verifies(&zip, &keys));
    assert!(
        survivor
            .log()
            .lines()
            .any(|l| l.contains("bundle built") && l.contains(&id)),
        "the interrupted bundle was finished by {}",
        survivor.name
    );
    // B comes back (it sweeps what its death left) and serves like the others.
    b.restart(&shared).await;
    let (a_alive, c_alive) = (builder != "a", builder != "c");

    // Nothing committed was lost: every case and every exhibit, through the living servers.
    let living: Vec<&Node> = [(&a, a_alive), (&b, true), (&c, c_alive)]
        .into_iter()
        .filter(|(_, alive)| *alive)
        .map(|(n, _)| n)
        .collect();
    for (i, (case_no, number, hash)) in committed.iter().enumerate() {
        let node = living[i % living.len()];
        assert_eq!(
            sha256(&download(node, &examiner, case_no, *number).await),
            *hash,
            "{case_no} #{number} through {}",
            node.name
        );
    }
    let kept: Vec<String> = desk
        .with_db(|conn| {
            use ipdesk::db::schema::exhibits;
            exhibits::table.select(exhibits::sha256).load(conn).unwrap()
        })
        .await;
    assert_eq!(kept.len(), committed.len(), "the cut-off upload left no exhibit");
    assert!(!kept.contains(&big_hash));
    let store = desk_store(&shared);
    let objects = tokio::task::spawn_blocking(move || store.objects().unwrap())
        .await
        .unwrap();
    assert!(!objects.contains(&big_hash), "nor an object under its hash");

    // No notice went out twice: every sent notice's Message-ID is in exactly one mail.
    let started = Instant::now();
    loop {
        let notices = desk.notices().await;
        if notices
            .iter()
            .all(|n| n.status == ipdesk::domain::NoticeStatus::Sent)
        {
            let sent = sent_mail(&[&a, &b, &c]);
            for n in &notices {
                assert_eq!(sent.get(&n.message_id), Some(&1), "{} sent once", n.message_id);
            }
            assert_eq!(sent.len(), notices.len(), "no mail that is not a notice");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the notices go out");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The operator's checks pass on the whole desk.
    for check in [&["audit", "verify"][..], &["evidence", "scrub"][..]] {
        let out = shared
            .command(&root.path().join("operator"))
            .args(check)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ipdesk {check:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The desk's store, opened as the servers open it.
fn desk_store(shared: &Shared) -> ipdesk::evidence::Store {
    let var = |name: &str| shared.env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    ipdesk::evidence::Store::open(
        &ipdesk::evidence::Location::parse(&var("IPDESK_EVIDENCE_STORE").unwrap()).unwrap(),
        &ipdesk::evidence::store::S3Access {
            endpoint: var("IPDESK_S3_ENDPOINT"),
            region: var("IPDESK_S3_REGION"),
            access_key: var("IPDESK_S3_ACCESS_KEY"),
            secret_key: var("IPDESK_S3_SECRET_KEY"),
        },
        &shared.root.join("scratch"),
    )
    .unwrap()
}
