//! The evidence store in an S3-compatible bucket (issue 19), against the real SeaweedFS named
//! by TEST_S3_ENDPOINT, on either database: a file of several parts streamed in and out and
//! kept once under its hash, an object already in the bucket never overwritten, a refused
//! upload that leaves no object and no unfinished parts, and an installation's folder moved
//! into a bucket by `ipdesk evidence migrate`, resumably.
//!
//! Without TEST_S3_ENDPOINT these tests are skipped, except in CI, where that is a failure.

use std::future::Future;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use base64::Engine;
use diesel::prelude::*;
use futures_util::TryStreamExt;
use ipdesk::domain::{Fingerprint, Role};
use ipdesk::evidence::store::bucket::PART;
use ipdesk::evidence::store::{S3Access, object_name};
use ipdesk::evidence::{BundleFile, Location, Store};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::helpers::{
    self, PDF, TestApp, TestBucket, case_with_evidence, file, file_case, pdf, spawn_app_on_folder,
    spawn_app_with, upload,
};

/// The bucket to test against, or `None` when there is none here (a failure in CI, which
/// must not pass by skipping).
fn bucket_or_skip(test: &str) -> Option<TestBucket> {
    let bucket = helpers::s3_bucket();
    if bucket.is_none() {
        if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
            panic!("{test}: the object store tests must run in CI, but TEST_S3_ENDPOINT is not set");
        }
        eprintln!("{test}: skipped, TEST_S3_ENDPOINT names no S3-compatible store");
    }
    bucket
}

/// The bucket reached directly, past ipdesk: what an operator (or an intruder) with the keys
/// can do to it.
fn raw(bucket: &TestBucket) -> AmazonS3 {
    AmazonS3Builder::new()
        .with_endpoint(&bucket.endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_bucket_name(&bucket.bucket)
        .with_access_key_id(&bucket.access_key)
        .with_secret_access_key(&bucket.secret_key)
        .build()
        .expect("a client of the test bucket")
}

/// The prefix of the bucket a store at `location` keeps its files under.
fn prefix_of(location: &Location) -> String {
    match location {
        Location::Bucket { prefix, .. } => prefix.clone(),
        Location::Folder(path) => panic!("this test needs a bucket, not the folder {}", path.display()),
    }
}

/// The app's prefix of the bucket.
fn app_prefix(app: &TestApp) -> String {
    prefix_of(&app.settings.evidence_store().unwrap())
}

/// The key in the bucket of a store's name (`objects/ab/cd/…`) under `prefix`.
fn key(prefix: &str, name: &str) -> Key {
    Key::from(format!("{prefix}/{name}"))
}

/// Every key in the bucket under `prefix`, sorted.
async fn keys_under(s3: &AmazonS3, prefix: &str) -> Vec<String> {
    let mut keys: Vec<String> = s3
        .list(Some(&Key::from(prefix)))
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
        .expect("the bucket lists its keys");
    keys.sort();
    keys
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn fingerprint(bytes: &[u8]) -> Fingerprint {
    Fingerprint::parse(&sha256(bytes)).unwrap()
}

/// A PDF of `size` bytes whose body is random, so no run shares another's hash.
fn large_pdf(size: usize) -> Vec<u8> {
    let mut bytes = PDF.to_vec();
    let start = bytes.len();
    bytes.resize(size, 0);
    rand::rng().fill_bytes(&mut bytes[start..]);
    bytes
}

/// Whether `check` holds within ten seconds: what a dropped upload leaves behind is removed
/// in the background.
async fn within_ten_seconds<F: Future<Output = bool>>(mut check: impl FnMut() -> F) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if check().await {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The exhibits that name this hash.
async fn exhibits_naming(app: &TestApp, sha: String) -> i64 {
    app.with_db(move |c| {
        use ipdesk::db::schema::exhibits;
        exhibits::table
            .filter(exhibits::sha256.eq(sha))
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await
}

async fn download(app: &TestApp, client: &reqwest::Client, case_no: &str, exhibit: i32) -> Vec<u8> {
    let res = app
        .get_as(client, &format!("/cases/{case_no}/exhibits/{exhibit}"))
        .await;
    assert_eq!(res.status(), 200, "exhibit {exhibit} of {case_no} downloads");
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn a_file_of_several_parts_streams_into_the_bucket_and_back_and_is_kept_once() {
    let Some(bucket) = bucket_or_skip("a_file_of_several_parts_streams_into_the_bucket") else {
        return;
    };
    // Two whole parts and a short last one.
    let filed = large_pdf(2 * PART + PART / 2 + 12_345);
    let size = filed.len() as u64;
    let app = spawn_app_with(|s| {
        bucket.configure(s);
        s.exhibit_max_bytes = s.exhibit_max_bytes.max(2 * size);
    })
    .await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = file_case(&app, &complainant, "Cathode slurry recipe copied").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Batch records", "parties", "batch-records.pdf", &filed)],
    )
    .await;
    assert_eq!(res.status(), 303, "the upload is accepted");

    let back = download(&app, &complainant, &case_no, 1001).await;
    assert_eq!(back.len(), filed.len());
    assert_eq!(
        sha256(&back),
        sha256(&filed),
        "the download is the file, byte for byte"
    );

    // Kept once under its hash, with nothing left under incoming.
    assert_eq!(app.stored_objects().await, vec![sha256(&filed)]);
    assert!(
        within_ten_seconds(|| async { app.pending_uploads().await == 0 }).await,
        "an upload is left under incoming"
    );
    let s3 = raw(&bucket);
    let prefix = app_prefix(&app);
    let name = key(&prefix, &object_name(&fingerprint(&filed)));
    assert_eq!(keys_under(&s3, &prefix).await, vec![name.to_string()]);
    assert_eq!(s3.head(&name).await.unwrap().size, size);

    // The same content filed again, on another case: a second exhibit, still one object.
    let other = file_case(&app, &complainant, "The same recipe at a second plant").await;
    let res = upload(
        &app,
        &complainant,
        &other,
        &[file("Batch records again", "parties", "again.pdf", &filed)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(exhibits_naming(&app, sha256(&filed)).await, 2);
    assert_eq!(app.stored_objects().await, vec![sha256(&filed)], "deduplicated");
    assert!(
        within_ten_seconds(|| async { keys_under(&s3, &prefix).await == vec![name.to_string()] }).await,
        "the second upload left something beside the one object: {:?}",
        keys_under(&s3, &prefix).await
    );
    assert_eq!(
        sha256(&download(&app, &complainant, &other, 1001).await),
        sha256(&filed)
    );
}

#[tokio::test]
async fn an_object_already_in_the_bucket_is_never_overwritten_and_the_scrub_says_so() {
    let Some(bucket) = bucket_or_skip("an_object_already_in_the_bucket_is_never_overwritten") else {
        return;
    };
    let app = spawn_app_with(|s| bucket.configure(s)).await;
    let s3 = raw(&bucket);
    let prefix = app_prefix(&app);
    let genuine = pdf(1);
    let mut planted = genuine.clone();
    let middle = planted.len() / 2;
    planted[middle] ^= 0x20;
    assert_eq!(planted.len(), genuine.len());
    assert_ne!(planted, genuine);
    let genuine_key = key(&prefix, &object_name(&fingerprint(&genuine)));
    s3.put(&genuine_key, PutPayload::from(planted.clone()))
        .await
        .unwrap();

    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = file_case(&app, &complainant, "Forged test report").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[
            file("Test report", "parties", "report.pdf", &genuine),
            file("Cover letter", "parties", "letter.pdf", &pdf(2)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303, "the upload is accepted");
    assert_eq!(exhibits_naming(&app, sha256(&genuine)).await, 1);
    let held = s3.get(&genuine_key).await.unwrap().bytes().await.unwrap();
    assert_eq!(
        held.as_ref(),
        planted.as_slice(),
        "what was there is not overwritten"
    );
    assert!(within_ten_seconds(|| async { app.pending_uploads().await == 0 }).await);

    // One object goes missing too.
    s3.delete(&key(&prefix, &object_name(&fingerprint(&pdf(2)))))
        .await
        .unwrap();
    let store = app.store();
    let report = app
        .with_db(move |c| ipdesk::evidence::scrub::scrub(c, &store, |_| {}).unwrap())
        .await;
    assert_eq!((report.files, report.exhibits), (2, 2));
    let said: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    let size = genuine.len() as i64;
    assert!(
        report
            .problems
            .contains(&ipdesk::evidence::scrub::Problem::Altered {
                sha256: sha256(&genuine),
                found: sha256(&planted),
                size,
                found_size: planted.len() as u64,
                exhibits: vec![format!("{case_no} #1001")],
            }),
        "{said:?}"
    );
    assert!(
        report
            .problems
            .contains(&ipdesk::evidence::scrub::Problem::Missing {
                sha256: sha256(&pdf(2)),
                exhibits: vec![format!("{case_no} #1002")],
            }),
        "{said:?}"
    );
    assert!(said.iter().any(|p| p.starts_with("ALTERED")) && said.iter().any(|p| p.starts_with("MISSING")));
}

/// The keys of the unfinished multipart uploads under `prefix`, as SeaweedFS's filer (at
/// TEST_S3_FILER) keeps them: a folder per upload under `/buckets/<bucket>/.uploads/`, its key
/// in the entry's `Extended.key`.
async fn unfinished_uploads(bucket: &TestBucket, prefix: &str) -> Vec<String> {
    let filer = std::env::var("TEST_S3_FILER")
        .ok()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "http://127.0.0.1:18888".to_owned());
    let folder = format!(
        "{}/buckets/{}/.uploads/",
        filer.trim_end_matches('/'),
        bucket.bucket
    );
    let cannot = |why: String| -> ! {
        panic!("cannot read SeaweedFS's unfinished uploads at {folder} (set TEST_S3_FILER): {why}")
    };
    let client = reqwest::Client::new();
    let mut keys = Vec::new();
    let mut after = String::new();
    loop {
        let res = client
            .get(&folder)
            .query(&[("limit", "1000"), ("lastFileName", after.as_str())])
            .header("accept", "application/json")
            .send()
            .await
            .unwrap_or_else(|e| cannot(e.to_string()));
        if !res.status().is_success() {
            cannot(format!("the filer answers {}", res.status()));
        }
        let listing: serde_json::Value = res.json().await.unwrap_or_else(|e| cannot(e.to_string()));
        let entries = match &listing["Entries"] {
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Array(entries) => entries.clone(),
            _ => cannot(format!("not a folder listing: {listing}")),
        };
        for entry in &entries {
            let upload_key = entry["Extended"]["key"]
                .as_str()
                .and_then(|k| base64::engine::general_purpose::STANDARD.decode(k).ok())
                .and_then(|k| String::from_utf8(k).ok())
                .unwrap_or_else(|| cannot(format!("an upload without its key: {entry}")));
            if upload_key.starts_with(&format!("{prefix}/")) {
                keys.push(upload_key);
            }
        }
        if listing["ShouldDisplayLoadMore"] != true {
            return keys;
        }
        after = listing["LastFileName"].as_str().unwrap_or_default().to_owned();
    }
}

#[tokio::test]
async fn a_refused_upload_leaves_no_object_and_no_unfinished_parts() {
    let Some(bucket) = bucket_or_skip("a_refused_upload_leaves_no_object_and_no_unfinished_parts") else {
        return;
    };
    // Past the first part: a part is on the wire when the file turns out too large.
    let limit = PART + PART / 8;
    // Made before the app starts: filling it while a connection is idle would let the server
    // close that connection under the client.
    let scan = large_pdf(limit + PART / 2);
    let app = spawn_app_with(|s| {
        bucket.configure(s);
        s.exhibit_max_bytes = limit as u64;
    })
    .await;
    let prefix = app_prefix(&app);
    let s3 = raw(&bucket);

    // The filer's listing does show an unfinished upload of this prefix while there is one.
    let probe = key(&prefix, "incoming/probe");
    let mut started = s3.put_multipart(&probe).await.unwrap();
    assert_eq!(
        unfinished_uploads(&bucket, &prefix).await,
        vec![probe.to_string()],
        "the filer lists an unfinished upload"
    );
    started.abort().await.unwrap();
    assert!(
        within_ten_seconds(|| async { unfinished_uploads(&bucket, &prefix).await.is_empty() }).await,
        "an aborted upload is still listed"
    );

    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = file_case(&app, &complainant, "An oversized scan").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Scan", "parties", "scan.pdf", &scan)],
    )
    .await;
    assert_eq!(res.status(), 413, "the file is refused");
    assert_eq!(app.count_cases().await, 1);
    assert!(
        within_ten_seconds(|| async {
            app.stored_objects().await.is_empty()
                && app.pending_uploads().await == 0
                && unfinished_uploads(&bucket, &prefix).await.is_empty()
        })
        .await,
        "left behind: objects {:?}, {} under incoming, unfinished uploads {:?}",
        app.stored_objects().await,
        app.pending_uploads().await,
        unfinished_uploads(&bucket, &prefix).await
    );
    assert_eq!(keys_under(&s3, &prefix).await, Vec::<String>::new());
}

/// Runs `ipdesk` on the app's database and data folder, with the bucket's endpoint, region
/// and keys as an operator would give them; `store` is the evidence store it is set to.
async fn ipdesk(
    app: &TestApp,
    bucket: &TestBucket,
    args: &[&str],
    store: Option<&str>,
) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ipdesk"));
    command
        .args(args)
        .env("DATABASE_URL", app.settings.database_url.clone().unwrap())
        .env("IPDESK_DATA_DIR", &app.settings.data_dir)
        .env("IPDESK_LOG_FORMAT", "json")
        .env("IPDESK_S3_ENDPOINT", &bucket.endpoint)
        .env("IPDESK_S3_REGION", "us-east-1")
        .env("IPDESK_S3_ACCESS_KEY", &bucket.access_key)
        .env("IPDESK_S3_SECRET_KEY", &bucket.secret_key)
        .env_remove("IPDESK_EVIDENCE_STORE")
        .current_dir(app.settings.data_dir.parent().unwrap());
    if let Some(store) = store {
        command.env("IPDESK_EVIDENCE_STORE", store);
    }
    let out: Output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), printed)
}

/// A stored file's bytes, read whole (the test's files are small).
fn read_all(reading: Option<ipdesk::evidence::store::Reading>, what: &str) -> Vec<u8> {
    let mut reading = reading.unwrap_or_else(|| panic!("{what} is not in the store"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut reading.reader, &mut bytes).unwrap();
    assert_eq!(
        bytes.len() as u64,
        reading.size,
        "{what} reads as long as it says"
    );
    bytes
}

#[tokio::test]
async fn an_installations_folder_moves_into_the_bucket_resumably_and_every_copy_checks_out() {
    let Some(bucket) = bucket_or_skip("an_installations_folder_moves_into_the_bucket") else {
        return;
    };
    let app = spawn_app_on_folder(|_| {}).await;
    let (complainant, _, _, case_no) = case_with_evidence(&app).await;
    let (page, bundle_bytes) = crate::bundles::bundle(&app, &complainant, &case_no, "complainant").await;
    let bundle_id = page.rsplit('/').next().unwrap().to_owned();
    let files: Vec<(String, i64)> = app
        .with_db(|c| {
            use ipdesk::db::schema::exhibits;
            exhibits::table
                .select((exhibits::sha256, exhibits::size))
                .distinct()
                .order(exhibits::sha256.asc())
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(files.len(), 6, "six files behind the case's exhibits");
    let bundle_sha = {
        let id = bundle_id.clone();
        app.with_db(move |c| {
            use ipdesk::db::schema::bundles;
            bundles::table
                .filter(bundles::public_id.eq(id))
                .select(bundles::sha256)
                .first::<Option<String>>(c)
                .unwrap()
                .expect("a built bundle has its hash")
        })
        .await
    };
    assert_eq!(bundle_sha, sha256(&bundle_bytes));
    let all_bytes: i64 = files.iter().map(|(_, size)| size).sum::<i64>() + bundle_bytes.len() as i64;

    let prefix = format!("test-migrated-{}", uuid::Uuid::new_v4().simple());
    let target = format!("s3://{}/{prefix}", bucket.bucket);
    let args = ["evidence", "migrate", "--to", target.as_str()];
    let migrate = || ipdesk(&app, &bucket, &args, None);
    let (code, printed) = migrate().await;
    assert_eq!(code, Some(0), "{printed}");
    assert!(
        printed.contains(&format!(
            "Copied 7 files ({all_bytes} bytes) to {target}; 0 were there already"
        )),
        "{printed}"
    );

    // Run again: everything is there and checks out, nothing is copied.
    let (code, printed) = migrate().await;
    assert_eq!(code, Some(0), "{printed}");
    assert!(
        printed.contains(&format!(
            "Copied 0 files (0 bytes) to {target}; 7 were there already"
        )),
        "{printed}"
    );

    // An interrupted run, as if one file never arrived: only that one is copied.
    let (lost_sha, lost_size) = files[2].clone();
    let s3 = raw(&bucket);
    let lost = Fingerprint::parse(&lost_sha).unwrap();
    s3.delete(&key(&prefix, &object_name(&lost))).await.unwrap();
    let (code, printed) = migrate().await;
    assert_eq!(code, Some(0), "{printed}");
    assert!(
        printed.contains(&format!(
            "Copied 1 files ({lost_size} bytes) to {target}; 6 were there already"
        )),
        "{printed}"
    );

    // The installation, set to the bucket, scrubs clean.
    let (code, printed) = ipdesk(&app, &bucket, &["evidence", "scrub"], Some(&target)).await;
    assert_eq!(code, Some(0), "{printed}");
    assert!(
        printed.contains("The evidence store is intact: 6 files"),
        "{printed}"
    );

    // Every copy is the file it was, and the bundle reads back as it was downloaded.
    let folder = app.store();
    let access = S3Access {
        endpoint: Some(bucket.endpoint.clone()),
        region: Some("us-east-1".into()),
        access_key: Some(bucket.access_key.clone()),
        secret_key: Some(bucket.secret_key.clone()),
    };
    let scratch = tempfile::tempdir().unwrap();
    let location = Location::parse(&target).unwrap();
    let bundle = BundleFile::of(&bundle_id, Some(&bundle_sha)).unwrap();
    let shas: Vec<String> = files.iter().map(|(sha, _)| sha.clone()).collect();
    let stored = tokio::task::spawn_blocking(move || {
        let bucket = Store::open(&location, &access, scratch.path()).unwrap();
        for sha in &shas {
            let f = Fingerprint::parse(sha).unwrap();
            let copied = read_all(bucket.read(&f).unwrap(), sha);
            assert_eq!(sha256(&copied), *sha, "the copy of {sha} hashes to its name");
            assert_eq!(copied, read_all(folder.read(&f).unwrap(), sha), "{sha}");
        }
        assert_eq!(bucket.objects().unwrap(), shas);
        read_all(bucket.read_bundle(&bundle).unwrap(), "the bundle")
    })
    .await
    .unwrap();
    assert_eq!(
        sha256(&stored),
        sha256(&bundle_bytes),
        "the bundle's copy is the bundle"
    );

    // Each run is on the record, the last with the one file it copied.
    let migrations: Vec<serde_json::Value> = app
        .with_db(|c| {
            use ipdesk::db::schema::audit_log;
            audit_log::table
                .filter(audit_log::action.eq("evidence.migrated"))
                .order(audit_log::seq.asc())
                .select(audit_log::details)
                .load::<String>(c)
                .unwrap()
        })
        .await
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(migrations.len(), 3, "{migrations:?}");
    let last = &migrations[2];
    assert_eq!(last["to"], target.as_str());
    assert_eq!(last["from"], app.evidence_folder().display().to_string());
    assert_eq!(
        (last["copied"].as_u64(), last["skipped"].as_u64()),
        (Some(1), Some(6))
    );
    assert_eq!(last["missing"], serde_json::json!([]));
}
