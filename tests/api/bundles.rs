//! Evidence bundles (DESIGN §6) through the real HTTP surface: requested for an audience,
//! built in the background, downloaded, and checked offline by `ipdesk bundle verify` and by
//! the reference BagIt validator.

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use ipdesk::domain::Role;
use sha2::{Digest, Sha256};

use crate::helpers::case_with_a_hidden_correction;
use crate::helpers::{STRONG_PASSWORD, TestApp, browser, location, spawn_app};
use crate::helpers::{case_with_evidence, queue_directly};
use crate::helpers::{file, pdf, upload};

/// Requests a bundle and waits for it: the request's answer and the bundle's bytes.
pub(crate) async fn bundle(
    app: &TestApp,
    client: &reqwest::Client,
    case_no: &str,
    audience: &str,
) -> (String, Vec<u8>) {
    let res = app
        .post_as(
            client,
            &format!("/cases/{case_no}/bundles"),
            &[("audience", audience)],
        )
        .await;
    assert_eq!(res.status(), 303, "the bundle is requested");
    let page = location(&res);
    assert!(page.starts_with(&format!("/cases/{case_no}/bundles/")));
    (page.clone(), wait_for(app, client, &page).await)
}

/// Follows the bundle's page until it is ready, then downloads the bundle from its button.
async fn wait_for(app: &TestApp, client: &reqwest::Client, page: &str) -> Vec<u8> {
    let started = Instant::now();
    loop {
        let res = app.get_as(client, page).await;
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = res.text().await.unwrap();
        assert!(
            !html.contains(r#"data-bundle-status="failed""#),
            "the build failed"
        );
        if html.contains(r#"data-bundle-status="done""#) {
            let download = format!("{page}/download");
            assert!(
                html.contains(&format!(r#"href="{download}" data-download"#)),
                "{html}"
            );
            let res = app.get_as(client, &download).await;
            assert_eq!(res.status(), 200);
            assert_eq!(res.headers()["content-type"], "application/zip");
            let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
            assert!(disposition.starts_with("attachment"), "{disposition}");
            assert_eq!(res.headers()["x-content-type-options"], "nosniff");
            return res.bytes().await.unwrap().to_vec();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the bundle is built in time"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The office key as published, parsed.
async fn office_key(app: &TestApp) -> ed25519_dalek::VerifyingKey {
    let pem = app.get("/office-key.pem").await.text().await.unwrap();
    ipdesk::bundle::key::parse_public(&pem).unwrap()
}

fn names_in(zip: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    archive.file_names().map(str::to_owned).collect()
}

pub(crate) fn read_entry(zip: &[u8], suffix: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let name = archive
        .file_names()
        .find(|n| n.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in the bundle"))
        .to_owned();
    let mut out = Vec::new();
    archive.by_name(&name).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// The same ZIP with the entries ending in `suffix` transformed.
fn rewrite(zip: &[u8], suffix: &str, change: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name.ends_with(suffix) {
            change(&mut bytes);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn verify(zip: &[u8], key: &ed25519_dalek::VerifyingKey) -> ipdesk::bundle::verify::Report {
    ipdesk::bundle::verify::verify(std::io::Cursor::new(zip.to_vec()), key).unwrap()
}

/// Unpacks a bundle into `dir` (test data we made ourselves).
fn unpack(zip: &[u8], dir: &Path) -> std::path::PathBuf {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    archive.extract(dir).unwrap();
    let root = std::fs::read_dir(dir).unwrap().next().unwrap().unwrap().path();
    assert!(root.is_dir());
    root
}

/// The reference validator (the Library of Congress' bagit-python). CI installs it; a
/// developer without it is told, and only outside CI is the check skipped.
fn bagit_validator() -> Option<std::process::Command> {
    let found = std::process::Command::new("python3")
        .args(["-c", "import bagit"])
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("CI").is_err(),
            "CI must install the reference BagIt validator (pip install bagit)"
        );
        eprintln!("bagit-python is not installed: the reference validator's check is skipped");
        return None;
    }
    let mut cmd = std::process::Command::new("python3");
    cmd.args(["-m", "bagit", "--validate"]);
    Some(cmd)
}

#[tokio::test]
async fn an_examiner_bundles_a_case_for_the_parties_and_a_mediator_downloads_and_verifies_it() {
    let app = spawn_app().await;
    let (_complainant, examiner, respondent, case_no) = case_with_evidence(&app).await;
    // A mediator on the case's panel.
    let mediator = app
        .create_user(Role::Mediator, "park@panel.example", STRONG_PASSWORD)
        .await;
    let no = case_no.clone();
    app.with_db(move |c| {
        use ipdesk::db::schema::{cases, panel_members};
        let case_id: i64 = cases::table
            .filter(cases::case_no.eq(no))
            .select(cases::id)
            .first(c)
            .unwrap();
        diesel::insert_into(panel_members::table)
            .values((
                panel_members::case_id.eq(case_id),
                panel_members::mediator_id.eq(mediator.id.0),
                panel_members::assigned_at.eq(ipdesk::models::now()),
            ))
            .execute(c)
            .unwrap();
    })
    .await;
    let panel = browser();
    assert_eq!(
        app.login_as(&panel, "park@panel.example", STRONG_PASSWORD)
            .await
            .status(),
        303
    );

    let (page, built) = bundle(&app, &examiner, &case_no, "parties").await;
    let downloaded = wait_for(&app, &panel, &page).await;
    assert_eq!(downloaded, built, "the same bundle for everyone who may have it");

    // The layout of DESIGN §6, with what both sides may see and nothing else.
    let names = names_in(&downloaded);
    let root = names[0].split('/').next().unwrap().to_owned();
    assert!(root.starts_with(&format!("{case_no}_parties_")), "{root}");
    for tag in [
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sha512.txt",
        "signature.ed25519",
        "data/index.html",
        "data/case.json",
        "data/custody-log.csv",
    ] {
        assert!(
            names.contains(&format!("{root}/{tag}")),
            "{tag} is in the bundle: {names:?}"
        );
    }
    let exhibits: Vec<&String> = names.iter().filter(|n| n.contains("/data/exhibits/")).collect();
    assert_eq!(exhibits.len(), 4, "{exhibits:?}");
    assert!(names.contains(&format!("{root}/data/exhibits/1001 - Supply contract.pdf")));
    assert!(names.contains(&format!("{root}/data/exhibits/2001 - Our design.pdf")));
    assert!(
        !names
            .iter()
            .any(|n| n.contains("Lab notebook") || n.contains("Originality"))
    );
    assert_eq!(
        read_entry(&downloaded, "/data/exhibits/1001 - Supply contract.pdf"),
        pdf(1),
        "the exhibit as filed"
    );
    let info = String::from_utf8(read_entry(&downloaded, "/bag-info.txt")).unwrap();
    assert!(info.contains(&format!("External-Identifier: {case_no}")));
    assert!(info.contains("Audience: parties"));
    assert!(info.contains("Payload-Oxum: "));
    let key = office_key(&app).await;
    let fingerprint = ipdesk::bundle::key::fingerprint(&key);
    assert!(info.contains(&format!("Office-Key-Fingerprint: {fingerprint}")));
    assert!(app.page(&browser(), "/office-key").await.contains(&fingerprint));
    let case: serde_json::Value =
        serde_json::from_slice(&read_entry(&downloaded, "/data/case.json")).unwrap();
    assert_eq!(case["case"]["number"], case_no.as_str());
    assert_eq!(case["exhibits"].as_array().unwrap().len(), 4);
    assert_eq!(case["exhibits"][0]["sha256"], hex::encode(Sha256::digest(pdf(1))));
    let index = String::from_utf8(read_entry(&downloaded, "/data/index.html")).unwrap();
    assert!(index.contains("Supply contract") && !index.contains("Lab notebook"));
    let custody = String::from_utf8(read_entry(&downloaded, "/data/custody-log.csv")).unwrap();
    assert!(custody.contains(",1001,uploaded,") && !custody.contains("127.0.0.1"));

    // Valid for `ipdesk bundle verify`, for the reference validator, and for the record.
    let report = verify(&downloaded, &key);
    assert!(report.is_valid(), "{:?}", report.problems);
    let sha = hex::encode(Sha256::digest(&downloaded));
    let case_page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(case_page.contains(&format!("<code data-bundle-sha256>{sha}</code>")));
    let actions = app.audit_actions().await;
    for action in ["bundle.requested", "bundle.built", "bundle.downloaded"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
    let custody = app
        .page(&respondent, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(custody.contains(r#"data-custody="bundled""#));
    assert!(custody.matches(r#"data-custody="downloaded""#).count() >= 2);

    let dir = tempfile::tempdir().unwrap();
    let unpacked = unpack(&downloaded, dir.path());
    if let Some(mut validator) = bagit_validator() {
        let out = validator.arg(&unpacked).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // One byte of one exhibit flipped: both refuse it, naming the file.
        let exhibit = unpacked.join("data/exhibits/1001 - Supply contract.pdf");
        let mut bytes = std::fs::read(&exhibit).unwrap();
        bytes[3] ^= 1;
        std::fs::write(&exhibit, bytes).unwrap();
        let out = bagit_validator().unwrap().arg(&unpacked).output().unwrap();
        assert!(!out.status.success());
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(said.contains("1001 - Supply contract.pdf"), "{said}");
    }
}

#[tokio::test]
async fn a_flipped_byte_a_changed_signature_or_bag_info_is_named_by_ipdesk_bundle_verify() {
    let app = spawn_app().await;
    let (_complainant, examiner, _respondent, case_no) = case_with_evidence(&app).await;
    let (_, built) = bundle(&app, &examiner, &case_no, "office").await;
    let key = office_key(&app).await;
    assert!(verify(&built, &key).is_valid());
    assert_eq!(
        names_in(&built)
            .iter()
            .filter(|n| n.contains("/data/exhibits/"))
            .count(),
        6,
        "the office's bundle holds everything"
    );

    let flipped = rewrite(&built, "/data/exhibits/1001 - Supply contract.pdf", |b| b[5] ^= 1);
    let report = verify(&flipped, &key);
    assert!(!report.is_valid());
    let said: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(
        said.iter().any(|p| p.contains("1001 - Supply contract.pdf")),
        "{said:?}"
    );

    let forged = rewrite(&built, "/signature.ed25519", |b| b[0] ^= 1);
    let report = verify(&forged, &key);
    assert!(
        report
            .problems
            .contains(&ipdesk::bundle::verify::Problem::BadSignature),
        "{:?}",
        report.problems
    );

    let renamed = rewrite(&built, "/bag-info.txt", |b| {
        *b = String::from_utf8(b.clone())
            .unwrap()
            .replace("Audience: office", "Audience: parties")
            .into_bytes()
    });
    assert!(!verify(&renamed, &key).is_valid());

    // The command an operator or a court runs, with the key as published.
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("office-key.pem");
    std::fs::write(&pem, ipdesk::bundle::key::public_pem(&key)).unwrap();
    for (name, bytes, valid) in [
        ("good.zip", &built, true),
        ("flipped.zip", &flipped, false),
        ("forged.zip", &forged, false),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ipdesk"))
            .args(["bundle", "verify", "--key"])
            .arg(&pem)
            .arg(&path)
            .env("IPDESK_DATA_DIR", dir.path())
            .env("IPDESK_LOG_FORMAT", "json")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.success(), valid, "{name}: {printed}");
        if !valid {
            assert!(printed.contains("INVALID"), "{printed}");
        }
    }
}

#[tokio::test]
async fn a_party_bundles_only_its_own_sides_view_and_never_sees_the_offices() {
    let app = spawn_app().await;
    let (complainant, examiner, respondent, case_no) = case_with_evidence(&app).await;
    // The complainant may ask for its own side's bundle, not the other side's.
    let res = app
        .post_as(
            &complainant,
            &format!("/cases/{case_no}/bundles"),
            &[("audience", "respondent")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let (_, own) = bundle(&app, &complainant, &case_no, "complainant").await;
    let names = names_in(&own);
    assert!(
        names.iter().any(|n| n.contains("1003 - Lab notebook.pdf")),
        "its own side's"
    );
    assert!(
        !names.iter().any(|n| n.contains("Originality")),
        "never the office's"
    );
    assert!(verify(&own, &office_key(&app).await).is_valid());
    // The office's bundle is not there for the parties.
    let (office_page, _) = bundle(&app, &examiner, &case_no, "office").await;
    assert_eq!(app.get_as(&respondent, &office_page).await.status(), 404);
    assert_eq!(app.get_as(&complainant, &office_page).await.status(), 404);
    let their_view = app.page(&respondent, &format!("/cases/{case_no}")).await;
    assert!(!their_view.contains(&office_page));
}

#[tokio::test]
async fn a_build_whose_builder_died_is_taken_over_and_the_dead_builders_writes_are_refused() {
    use chrono::TimeDelta;
    use ipdesk::models::bundle as jobs;
    // The app's own builder looks at the queue only when woken, so the claims here are ours.
    let app = crate::helpers::spawn_app_with(|s| s.bundle_poll_secs = 3600).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Lease").await;
    queue_directly(
        &app,
        &case_no,
        ipdesk::domain::Audience::Office,
        ipdesk::domain::Lang::En,
    )
    .await;
    let (first, within, second, late, current) = app
        .with_db(move |c| {
            let now = ipdesk::models::now();
            let lease = TimeDelta::seconds(60);
            let first = jobs::claim(c, now, lease)
                .unwrap()
                .expect("the queued job is claimed");
            let within = jobs::claim(c, now + TimeDelta::seconds(30), lease).unwrap();
            let second = jobs::claim(c, now + TimeDelta::seconds(61), lease)
                .unwrap()
                .expect("taken over once the lease ran out");
            let late = jobs::progress(c, &first, (1, 1), (2, 2), now + TimeDelta::seconds(200)).unwrap();
            let current = jobs::progress(c, &second, (1, 1), (2, 2), now + TimeDelta::seconds(200)).unwrap();
            (first.attempt, within.is_none(), second.attempt, late, current)
        })
        .await;
    assert!(within, "nobody takes a job while its lease runs");
    assert_eq!(second, first + 1);
    assert!(!late, "the dead builder's late progress is refused");
    assert!(current);
}

#[tokio::test]
async fn a_bundle_being_built_shows_its_progress_and_refreshes_it_without_a_meta_refresh() {
    use chrono::TimeDelta;
    use ipdesk::models::bundle as jobs;
    // Not woken by these jobs, the app's builder leaves them to us.
    let app = crate::helpers::spawn_app_with(|s| s.bundle_poll_secs = 3600).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Progress").await;
    let id = queue_directly(
        &app,
        &case_no,
        ipdesk::domain::Audience::Parties,
        ipdesk::domain::Lang::Ko,
    )
    .await;
    let page = format!("/cases/{case_no}/bundles/{id}");
    let queued = app.page(&examiner, &page).await;
    assert!(queued.contains(r#"data-bundle-status="queued""#));
    // axe rates a timed meta refresh critical: a script refreshes the progress in place, and a
    // link does it without scripts.
    assert!(!queued.contains("http-equiv"));
    assert!(queued.contains("/static/bundle.js?v="));
    assert!(queued.contains(&format!(r#"href="{page}" data-bundle-refresh"#)));
    // The party sees the parties' bundle being made too.
    assert!(
        app.page(&complainant, &page)
            .await
            .contains(r#"data-bundle-status="queued""#)
    );

    app.with_db(|c| {
        let now = ipdesk::models::now();
        let claim = jobs::claim(c, now, TimeDelta::seconds(60)).unwrap().unwrap();
        assert!(
            jobs::progress(
                c,
                &claim,
                (1, 3_000_000),
                (3, 12_000_000),
                now + TimeDelta::seconds(60)
            )
            .unwrap()
        );
    })
    .await;
    let building = app.page(&examiner, &page).await;
    assert!(building.contains(r#"data-bundle-status="building""#));
    assert!(
        building.contains(r#"<progress max="100" value="25""#),
        "a quarter of the bytes"
    );
    assert!(building.contains("1 / 3"), "files done of all");
    // The case page lists it with its progress.
    let case_page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(case_page.contains(&format!(r#"data-bundle="{id}" data-bundle-status="building""#)));
}

#[tokio::test]
async fn a_bundle_queued_elsewhere_or_before_a_restart_is_built_without_a_wake_up() {
    let app = crate::helpers::spawn_app_with(|s| s.bundle_poll_secs = 1).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Queued elsewhere").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Contract", "parties", "c.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    // Written straight into the queue, as another server (or this one before it stopped)
    // would have left it: nobody wakes this server's builder.
    let id = queue_directly(
        &app,
        &case_no,
        ipdesk::domain::Audience::Complainant,
        ipdesk::domain::Lang::En,
    )
    .await;
    let bytes = wait_for(&app, &complainant, &format!("/cases/{case_no}/bundles/{id}")).await;
    assert!(verify(&bytes, &office_key(&app).await).is_valid());
}

#[tokio::test]
async fn a_bundle_that_cannot_be_built_says_so_and_tells_the_office_why() {
    let app = crate::helpers::spawn_app_on_folder(|_| {}).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Lost file").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Contract", "parties", "c.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    // The stored file disappears (a disk fault): the build fails rather than hand out less.
    let fingerprint = ipdesk::domain::Fingerprint::parse(&hex::encode(Sha256::digest(pdf(1)))).unwrap();
    std::fs::remove_file(
        app.evidence_folder()
            .join(ipdesk::evidence::store::object_name(&fingerprint)),
    )
    .unwrap();
    let res = app
        .post_as(
            &examiner,
            &format!("/cases/{case_no}/bundles"),
            &[("audience", "parties")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = location(&res);
    let started = Instant::now();
    let office = loop {
        let html = app.page(&examiner, &page).await;
        if html.contains(r#"data-bundle-status="failed""#) {
            break html;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the build ends");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(office.contains("data-bundle-error") && !office.contains("http-equiv=\"refresh\""));
    let party = app.page(&complainant, &page).await;
    assert!(party.contains("could not be built") && !party.contains("data-bundle-error"));
}

#[tokio::test]
async fn a_korean_readers_bundle_reads_in_korean_and_marks_a_corrected_exhibit() {
    let app = crate::helpers::spawn_app_with(|s| s.bundle_poll_secs = 1).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Corrected").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("계약서", "parties", "c.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let old = app
        .with_db(|c| {
            use ipdesk::db::schema::exhibits::dsl::*;
            exhibits.select(id).first::<i64>(c).unwrap()
        })
        .await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("계약서 (서명본)", "parties", "c2.pdf", &pdf(2)).with("supersedes", &old.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let id = queue_directly(
        &app,
        &case_no,
        ipdesk::domain::Audience::Complainant,
        ipdesk::domain::Lang::Ko,
    )
    .await;
    let bytes = wait_for(&app, &complainant, &format!("/cases/{case_no}/bundles/{id}")).await;
    let index = String::from_utf8(read_entry(&bytes, "/data/index.html")).unwrap();
    assert!(index.contains(r#"<html lang="ko">"#) && index.contains("증거 묶음"));
    assert!(
        index.contains("1002번으로 대체됨"),
        "the corrected exhibit is marked"
    );
    let case: serde_json::Value = serde_json::from_slice(&read_entry(&bytes, "/data/case.json")).unwrap();
    assert_eq!(case["exhibits"][0]["superseded_by"], 1002);
    assert_eq!(case["exhibits"][1]["supersedes"], 1001);
}

#[tokio::test]
async fn a_ready_bundle_shows_its_size_and_hash_and_only_a_real_download_is_logged() {
    let app = spawn_app().await;
    let (complainant, _, _, case_no) = case_with_evidence(&app).await;
    let (page, _) = bundle(&app, &complainant, &case_no, "complainant").await;
    let downloads = || async {
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "bundle.downloaded")
            .count()
    };
    assert_eq!(downloads().await, 1, "the one download made by the helper");

    // Looking at the ready page again and again is not a download.
    let ready = app.page(&complainant, &page).await;
    let ready = app.page(&complainant, &page).await + &ready;
    assert!(ready.contains(r#"data-bundle-status="done""#));
    assert!(ready.contains("data-bundle-sha256>"), "the hash is shown");
    assert!(ready.contains("data-bundle-size>"), "the size is shown");
    assert!(!ready.contains("bundle.js"), "a ready page refreshes nothing");
    // Nor is a HEAD, which sends the headers of the file and not a byte of it.
    let head = complainant
        .head(app.url(&format!("{page}/download")))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-type"], "application/zip");
    assert!(head.bytes().await.unwrap().is_empty());
    assert_eq!(downloads().await, 1, "neither the page nor a HEAD is a download");

    // A second real download is one more entry.
    let res = app.get_as(&complainant, &format!("{page}/download")).await;
    assert_eq!(res.status(), 200);
    assert!(!res.bytes().await.unwrap().is_empty());
    assert_eq!(downloads().await, 2);
}

#[tokio::test]
async fn a_respondents_bundle_and_custody_logs_never_tell_of_a_hidden_correction_or_the_offices_bundle() {
    let app = spawn_app().await;
    let (complainant, examiner, respondent, case_no) = case_with_a_hidden_correction(&app).await;
    // The office bundles everything and downloads it: 1001's log has its id, twice.
    let (office_page, _) = bundle(&app, &examiner, &case_no, "office").await;
    let office_id = office_page.rsplit('/').next().unwrap().to_owned();

    // The respondent's bundle holds what the respondent may see, and its log only that.
    let (own_page, own) = bundle(&app, &respondent, &case_no, "respondent").await;
    let own_id = own_page.rsplit('/').next().unwrap().to_owned();
    let log = String::from_utf8(read_entry(&own, "/data/custody-log.csv")).unwrap();
    let lines = crate::helpers::csv_lines(&log);
    assert!(lines.iter().any(|l| l[1] == "1001"), "{log}");
    assert!(
        lines.iter().all(|l| l[2] == "uploaded" && l[1] != "1005"),
        "only the uploads it may see: {log}"
    );
    assert!(!log.contains(&office_id) && !log.contains("office"), "{log}");
    let index = String::from_utf8(read_entry(&own, "/data/index.html")).unwrap();
    let custody = &index[index.find("Chain of custody").unwrap()..];
    assert!(custody.contains("Filed"), "{custody}");
    for hidden in ["Superseded", "Put in a bundle", "Downloaded", office_id.as_str()] {
        assert!(!custody.contains(hidden), "{hidden}: {custody}");
    }
    assert!(!index.contains("Superseded by 1005"));

    // Nor do the respondent's own views: the page and both CSVs.
    let page = app
        .page(&respondent, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(page.contains("<dd data-status>Current</dd>"));
    let table = crate::helpers::custody_table(&page);
    assert!(!table.contains(r#"data-custody="superseded""#), "{table}");
    assert!(
        table.contains(r#"data-custody="bundled""#),
        "its own bundle: {table}"
    );
    assert!(!table.contains("Test examiner"), "the office's download: {table}");
    for path in [
        format!("/cases/{case_no}/exhibits/1001/custody.csv"),
        format!("/cases/{case_no}/custody.csv"),
    ] {
        let csv = app.get_as(&respondent, &path).await.text().await.unwrap();
        let lines = crate::helpers::csv_lines(&csv);
        assert!(
            lines.iter().all(|l| l[2] != "superseded" && l[1] != "1005"),
            "{csv}"
        );
        assert!(
            !csv.contains(&office_id) && !csv.contains("office"),
            "{path}: {csv}"
        );
        assert!(csv.contains(&own_id), "its own bundle: {csv}");
    }

    // The office sees every entry, with both bundles.
    let csv = app
        .get_as(&examiner, &format!("/cases/{case_no}/exhibits/1001/custody.csv"))
        .await
        .text()
        .await
        .unwrap();
    let lines = crate::helpers::csv_lines(&csv);
    assert_eq!(
        crate::helpers::details_of(&lines, 1001, "superseded")[0]["by"],
        1005
    );
    let bundled = crate::helpers::details_of(&lines, 1001, "bundled");
    assert!(
        bundled
            .iter()
            .any(|d| d["bundle"] == office_id.as_str() && d["audience"] == "office")
    );
    assert!(bundled.iter().any(|d| d["bundle"] == own_id.as_str()));
    // The complainant sees its correction, and neither the office's bundle nor the
    // respondent's.
    let csv = app
        .get_as(
            &complainant,
            &format!("/cases/{case_no}/exhibits/1001/custody.csv"),
        )
        .await
        .text()
        .await
        .unwrap();
    let lines = crate::helpers::csv_lines(&csv);
    assert_eq!(
        crate::helpers::details_of(&lines, 1001, "superseded")[0]["by"],
        1005
    );
    assert!(!csv.contains(&office_id) && !csv.contains(&own_id), "{csv}");
}

/// How many bundles the database holds.
async fn bundle_rows(app: &TestApp) -> i64 {
    app.with_db(|c| {
        use ipdesk::db::schema::bundles;
        bundles::table.count().get_result(c).unwrap()
    })
    .await
}

async fn ask(app: &TestApp, client: &reqwest::Client, case_no: &str, audience: &str) -> reqwest::Response {
    app.post_as(
        client,
        &format!("/cases/{case_no}/bundles"),
        &[("audience", audience)],
    )
    .await
}

#[tokio::test]
async fn asking_again_for_unchanged_content_gives_the_same_bundle_and_new_evidence_a_new_one() {
    let app = spawn_app().await;
    let (complainant, examiner, _respondent, case_no) = case_with_evidence(&app).await;
    // Twice at once: the second gets the bundle being made.
    let first = location(&ask(&app, &examiner, &case_no, "parties").await);
    let again = ask(&app, &examiner, &case_no, "parties").await;
    assert_eq!(again.status(), 303);
    assert_eq!(location(&again), first);
    let built = wait_for(&app, &examiner, &first).await;
    // Once it is built, anyone who asks for the same content gets it too.
    let res = ask(&app, &complainant, &case_no, "complainant").await;
    assert_eq!(res.status(), 303);
    assert_ne!(location(&res), first, "another audience is another bundle");
    let res = ask(&app, &examiner, &case_no, "parties").await;
    assert_eq!(location(&res), first);
    assert_eq!(bundle_rows(&app).await, 2);
    assert!(app.audit_actions().await.contains(&"bundle.reused".to_owned()));

    // The offline index allows no script and nothing from elsewhere.
    let index = String::from_utf8(read_entry(&built, "/data/index.html")).unwrap();
    assert!(index.contains(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;"#
    ));

    // New evidence for both sides: a new bundle.
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Invoice", "parties", "invoice.pdf", &pdf(9))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let (newer, bytes) = bundle(&app, &examiner, &case_no, "parties").await;
    assert_ne!(newer, first);
    assert!(names_in(&bytes).iter().any(|n| n.ends_with("1006 - Invoice.pdf")));
    assert_eq!(
        bundle_rows(&app).await,
        3,
        "the complainant's, and two for the parties"
    );
}

#[tokio::test]
async fn a_user_over_the_hourly_limit_is_told_how_long_to_wait_and_nothing_is_queued() {
    let app = crate::helpers::spawn_app_with(|s| s.bundle_requests_per_user_hour = 2).await;
    let (_complainant, examiner, _respondent, case_no) = case_with_evidence(&app).await;
    for audience in ["office", "parties"] {
        assert_eq!(ask(&app, &examiner, &case_no, audience).await.status(), 303);
    }
    let res = ask(&app, &examiner, &case_no, "complainant").await;
    assert_eq!(res.status(), 429);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("You have requested 2 bundles in the last hour")
            && page.contains("You can request another in 60 minutes"),
        "{page}"
    );
    assert!(page.contains(&format!(r#"href="/cases/{case_no}#bundles""#)));
    assert_eq!(bundle_rows(&app).await, 2, "nothing was queued");
    // Content already bundled is still given: it costs nothing.
    assert_eq!(ask(&app, &examiner, &case_no, "office").await.status(), 303);
    assert_eq!(bundle_rows(&app).await, 2);
}

#[tokio::test]
async fn requests_at_the_same_moment_are_counted_one_after_the_other() {
    let app = crate::helpers::spawn_app_with(|s| s.bundle_requests_per_user_hour = 2).await;
    let (_complainant, examiner, _respondent, case_no) = case_with_evidence(&app).await;
    let token = app.csrf(&examiner).await;
    let at_once = |audiences: Vec<&'static str>| {
        let requests = audiences.into_iter().map(|audience| {
            examiner
                .post(app.url(&format!("/cases/{case_no}/bundles")))
                .form(&[("audience", audience), ("csrf_token", token.as_str())])
                .send()
        });
        futures_util::future::join_all(requests)
    };
    // The same content six times at once: one bundle, given to all six.
    let answers = at_once(vec!["parties"; 6]).await;
    let places: std::collections::HashSet<String> =
        answers.iter().map(|r| location(r.as_ref().unwrap())).collect();
    assert_eq!(places.len(), 1, "{places:?}");
    assert_eq!(bundle_rows(&app).await, 1);
    // Three other audiences at once with room for one more: one queued, two refused.
    let answers = at_once(vec!["office", "complainant", "respondent"]).await;
    let mut statuses: Vec<u16> = answers
        .iter()
        .map(|r| r.as_ref().unwrap().status().as_u16())
        .collect();
    statuses.sort();
    assert_eq!(statuses, [303, 429, 429]);
    assert_eq!(bundle_rows(&app).await, 2);
}

#[tokio::test]
async fn a_case_over_its_hourly_limit_refuses_more_bundles_in_the_readers_language() {
    let app = crate::helpers::spawn_app_with(|s| s.bundle_requests_per_case_hour = 2).await;
    let (complainant, examiner, respondent, case_no) = case_with_evidence(&app).await;
    assert_eq!(ask(&app, &examiner, &case_no, "office").await.status(), 303);
    assert_eq!(
        ask(&app, &complainant, &case_no, "complainant").await.status(),
        303
    );
    let res = ask(&app, &respondent, &case_no, "respondent").await;
    assert_eq!(res.status(), 429);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("2 bundles of this case were requested in the last hour"),
        "{page}"
    );
    assert_eq!(bundle_rows(&app).await, 2);
    // In Korean for a Korean reader.
    let korean = crate::helpers::korean_browser();
    let email = "kim@office.example";
    app.create_user(Role::Examiner, email, STRONG_PASSWORD).await;
    assert_eq!(app.login_as(&korean, email, STRONG_PASSWORD).await.status(), 303);
    let res = ask(&app, &korean, &case_no, "parties").await;
    assert_eq!(res.status(), 429);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("이 사건에 요청할 수 있는 최대 개수인 2개")
    );
    assert_eq!(bundle_rows(&app).await, 2);
}

#[tokio::test]
async fn a_bundle_past_its_retention_loses_its_file_but_not_its_record_and_can_be_built_again() {
    let app = crate::helpers::spawn_app_with(|s| s.bundle_poll_secs = 1).await;
    let (complainant, examiner, _, case_no) = case_with_evidence(&app).await;
    let (page, _) = bundle(&app, &complainant, &case_no, "complainant").await;
    let id: uuid::Uuid = page.rsplit('/').next().unwrap().parse().unwrap();
    let public = id.to_string();
    let kept = {
        let public = public.clone();
        app.with_db(move |c| {
            use ipdesk::db::schema::bundles;
            bundles::table
                .filter(bundles::public_id.eq(&public))
                .select(bundles::sha256)
                .first::<Option<String>>(c)
                .unwrap()
        })
        .await
    };
    let file = ipdesk::evidence::BundleFile::of(&public, kept.as_deref()).unwrap();
    let store = app.store();
    let is_kept = |store: ipdesk::evidence::Store, file: ipdesk::evidence::BundleFile| async move {
        tokio::task::spawn_blocking(move || store.read_bundle(&file).unwrap().is_some())
            .await
            .unwrap()
    };
    assert!(is_kept(store.clone(), file.clone()).await);
    // Built 31 days ago: the builder's next look deletes its file.
    let sha = app
        .with_db(move |c| {
            use ipdesk::db::schema::bundles;
            let row = bundles::table.filter(bundles::public_id.eq(&public));
            diesel::update(row)
                .set(bundles::finished_at.eq(ipdesk::models::now() - chrono::TimeDelta::days(31)))
                .execute(c)
                .unwrap();
            row.select(bundles::sha256)
                .first::<Option<String>>(c)
                .unwrap()
                .unwrap()
        })
        .await;
    let started = Instant::now();
    let shown = loop {
        let html = app.page(&complainant, &page).await;
        if html.contains("data-bundle-file-deleted") {
            break html;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the file is deleted");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(!is_kept(store, file).await);
    assert!(
        shown.contains("was deleted 30 days after it was built"),
        "{shown}"
    );
    assert!(shown.contains(&sha), "the hash stays");
    assert!(
        shown.contains("<strong>File deleted</strong>"),
        "not shown as ready"
    );
    assert!(!shown.contains("data-download"));
    assert!(shown.contains(r#"<input type="hidden" name="audience" value="complainant">"#));
    let res = app.get_as(&complainant, &format!("{page}/download")).await;
    assert_eq!(res.status(), 410);
    assert!(res.text().await.unwrap().contains("data-bundle-file-deleted"));
    let case_page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(case_page.contains(&format!(r#"data-bundle="{id}" data-bundle-status="done""#)));
    assert!(case_page.contains("<span data-bundle-file-deleted>File deleted</span>"));
    let actions = app.audit_actions().await;
    for action in ["bundle.requested", "bundle.built", "bundle.file_deleted"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
    assert_eq!(bundle_rows(&app).await, 1, "the row stays");

    // Asked for again, it is built again.
    let (again, bytes) = bundle(&app, &complainant, &case_no, "complainant").await;
    assert_ne!(again, page);
    assert!(verify(&bytes, &office_key(&app).await).is_valid());
}

#[tokio::test]
async fn a_bundle_that_would_fill_the_disk_is_refused_and_the_office_is_told_both_figures() {
    let app = crate::helpers::spawn_app_with(|s| s.bundle_min_free_bytes = u64::MAX / 2).await;
    let (complainant, examiner, _, case_no) = case_with_evidence(&app).await;
    let page = location(&ask(&app, &examiner, &case_no, "parties").await);
    let started = Instant::now();
    let office = loop {
        let html = app.page(&examiner, &page).await;
        if html.contains(r#"data-bundle-status="failed""#) {
            break html;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the build ends");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        office.contains("data-bundle-error>not enough free disk space: ")
            && office.contains(" free, the bundle needs ")
            && office.contains(" must stay free"),
        "{office}"
    );
    let party = app.page(&complainant, &page).await;
    assert!(party.contains("could not be built") && !party.contains("data-bundle-error"));
    let store = app.store();
    let kept = tokio::task::spawn_blocking(move || store.bundles().unwrap())
        .await
        .unwrap();
    assert!(kept.is_empty(), "nothing was written: {kept:?}");
    assert!(crate::helpers::logs().contains("a bundle was refused for lack of disk space"));
}
