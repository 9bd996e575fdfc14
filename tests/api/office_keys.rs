//! One office key for every app server, with rotation (issue 19 §2): the keys live in the
//! database, sealed; an administrator makes a new one; every key stays published with its
//! dates, and `ipdesk bundle verify` picks the one a bundle names, however old the bundle.

use std::io::Cursor;
use std::process::Command;
use std::sync::Barrier;

use diesel::prelude::*;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::{SigningKey, VerifyingKey};
use ipdesk::bundle::key::{fingerprint, parse_public, parse_public_keys};
use ipdesk::bundle::keyring::{self, KeySecret};
use ipdesk::bundle::verify::{Checked, declared_key, verify_with_keys};
use ipdesk::config::Settings;
use ipdesk::db::schema::{audit_log, office_keys};
use ipdesk::domain::Role;
use ipdesk::models::office_key::{self, OfficeKeyRow};
use ipdesk::startup::Application;

use crate::bundles::bundle;
use crate::calendar::feed_url;
use crate::helpers::{
    TestApp, bare_client, browser, case_with_evidence, location, spawn_app, spawn_app_with,
};

/// The fingerprint a bundle's bag-info.txt names.
fn named_key(zip: &[u8]) -> String {
    declared_key(Cursor::new(zip))
        .unwrap()
        .expect("the bundle names its key")
}

/// Checks a bundle with the key it names among `keys`: the fingerprint of the key it was
/// checked with.
fn checked_with(zip: &[u8], keys: &[VerifyingKey]) -> String {
    match verify_with_keys(Cursor::new(zip), keys).unwrap() {
        Checked::With { fingerprint, report } => {
            assert!(report.is_valid(), "{:?}", report.problems);
            fingerprint
        }
        no_key => panic!("{no_key}"),
    }
}

async fn keys_in_db(app: &TestApp) -> Vec<OfficeKeyRow> {
    app.with_db(|c| office_key::all(c).unwrap()).await
}

async fn current_pem(app: &TestApp) -> String {
    app.get("/office-key.pem").await.text().await.unwrap()
}

/// The command line on the server, on this installation's database and data folder: whether
/// it succeeded, and what it said.
pub fn ipdesk(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ipdesk"))
        .args(args)
        .env("DATABASE_URL", app.settings.database_url.as_deref().unwrap())
        .env("IPDESK_DATA_DIR", &app.settings.data_dir)
        .env("IPDESK_LOG_FORMAT", "json")
        .current_dir(&app.settings.data_dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The details of each `office_key.rotated` entry, with who did it.
async fn rotations(app: &TestApp) -> Vec<(String, Option<i64>, serde_json::Value)> {
    app.with_db(|c| {
        audit_log::table
            .filter(audit_log::action.eq("office_key.rotated"))
            .order(audit_log::seq.asc())
            .select((audit_log::actor, audit_log::actor_id, audit_log::details))
            .load::<(String, Option<i64>, String)>(c)
            .unwrap()
            .into_iter()
            .map(|(actor, id, details)| (actor, id, serde_json::from_str(&details).unwrap()))
            .collect()
    })
    .await
}

#[tokio::test]
async fn bundles_signed_before_and_after_an_administrator_makes_a_new_key_both_verify() {
    let app = spawn_app().await;
    let (_complainant, examiner, _respondent, case_no) = case_with_evidence(&app).await;
    // What the first key's derived keys sign: a calendar address and a visitor's language.
    assert_eq!(
        app.post_as(&examiner, "/account/calendar", &[("feed", "renew")])
            .await
            .status(),
        303
    );
    let feed = feed_url(&app, &examiner).await.expect("the feed's address");
    let feed_path = format!("/calendar/{}", feed.rsplit_once("/calendar/").unwrap().1);
    let visitor = browser();
    let res = app
        .post_as(&visitor, "/language", &[("lang", "ko"), ("next", "/")])
        .await;
    assert_eq!(res.status(), 303);

    let (_, old_bundle) = bundle(&app, &examiner, &case_no, "office").await;
    let old_fingerprint = named_key(&old_bundle);
    assert_eq!(
        fingerprint(&parse_public(&current_pem(&app).await).unwrap()),
        old_fingerprint
    );

    // The administrator's page lists the one key; the form does nothing unless confirmed.
    let (admin, admin_user) = app.signed_in(Role::Admin).await;
    let page = app.page(&admin, "/admin/office-keys").await;
    assert!(page.contains(r#"data-office-key="1" data-current"#), "{page}");
    assert!(page.contains(&old_fingerprint));
    assert!(page.contains(r#"href="/admin/office-keys""#), "in the navigation");
    let res = app.post_as(&admin, "/admin/office-keys", &[]).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Tick the box to confirm that bundles will be signed with the new key.")
    );
    assert_eq!(keys_in_db(&app).await.len(), 1, "nothing rotated");

    let res = app
        .post_as(&admin, "/admin/office-keys", &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/office-keys");
    let page = app.page(&admin, "/admin/office-keys").await;
    assert!(
        page.contains("A new office key was made. Every bundle is signed with it from now on."),
        "{page}"
    );
    assert!(page.contains(r#"data-office-key="2" data-current"#), "{page}");
    assert!(page.contains(r#"data-office-key="1">"#), "{page}");
    let keys = keys_in_db(&app).await;
    assert_eq!(keys.len(), 2);
    let new_fingerprint = keys[0].fingerprint.clone();
    assert_ne!(new_fingerprint, old_fingerprint);
    assert_eq!(keys[0].created_by, Some(admin_user.id));
    assert_eq!(
        keys[1].valid_until,
        Some(keys[0].valid_from),
        "one took over from the other"
    );

    // The audit entry names both keys and the administrator.
    let rotated = rotations(&app).await;
    assert_eq!(rotated.len(), 1);
    let (actor, actor_id, details) = &rotated[0];
    assert_eq!(
        (actor.as_str(), *actor_id),
        (admin_user.email.as_str(), Some(admin_user.id.0))
    );
    assert_eq!(details["previous_fingerprint"], old_fingerprint.as_str());
    assert_eq!(details["fingerprint"], new_fingerprint.as_str());
    assert_eq!(details["generation"], 2);

    // A bundle built now is signed with the new key.
    let (_, new_bundle) = bundle(&app, &examiner, &case_no, "parties").await;
    assert_eq!(named_key(&new_bundle), new_fingerprint);
    assert_eq!(
        fingerprint(&parse_public(&current_pem(&app).await).unwrap()),
        new_fingerprint
    );

    // Both verify, each with the key it names: from every key as published …
    let all = app.get("/office-keys.pem").await.text().await.unwrap();
    assert!(
        all.starts_with(&format!(
            "# Office key 2: SHA-256 fingerprint {new_fingerprint}, valid from "
        )),
        "{all}"
    );
    assert!(all.contains(&format!(
        "# Office key 1: SHA-256 fingerprint {old_fingerprint}, valid from "
    )));
    assert!(all.contains(", current\n-----BEGIN PUBLIC KEY-----"));
    assert_eq!(all.matches(" until ").count(), 1, "{all}");
    let published = parse_public_keys(&all).unwrap();
    assert_eq!(published.len(), 2);
    assert_eq!(checked_with(&old_bundle, &published), old_fingerprint);
    assert_eq!(checked_with(&new_bundle, &published), new_fingerprint);
    // … and from the installation's database.
    let stored: Vec<VerifyingKey> = keys.iter().map(|k| keyring::public_of(k).unwrap()).collect();
    assert_eq!(checked_with(&old_bundle, &stored), old_fingerprint);
    assert_eq!(checked_with(&new_bundle, &stored), new_fingerprint);

    // The command an operator runs: with the published file, and with no key at all (the
    // installation's keys); with only the current key, the old bundle's key is missing.
    let dir = tempfile::tempdir().unwrap();
    let (old_zip, new_zip) = (dir.path().join("old.zip"), dir.path().join("new.zip"));
    std::fs::write(&old_zip, &old_bundle).unwrap();
    std::fs::write(&new_zip, &new_bundle).unwrap();
    let all_file = dir.path().join("office-keys.pem");
    std::fs::write(&all_file, &all).unwrap();
    let current_file = dir.path().join("office-key.pem");
    std::fs::write(&current_file, current_pem(&app).await).unwrap();
    for zip in [&old_zip, &new_zip] {
        let zip = zip.to_str().unwrap();
        let (valid, said) = ipdesk(
            &app,
            &["bundle", "verify", "--key", all_file.to_str().unwrap(), zip],
        );
        assert!(valid && said.contains("VALID"), "{said}");
        let (valid, said) = ipdesk(&app, &["bundle", "verify", zip]);
        assert!(valid && said.contains("VALID"), "{said}");
    }
    let (valid, said) = ipdesk(
        &app,
        &[
            "bundle",
            "verify",
            "--key",
            current_file.to_str().unwrap(),
            old_zip.to_str().unwrap(),
        ],
    );
    assert!(!valid, "{said}");
    assert!(
        said.contains(&format!(
            "none of the keys has the fingerprint {old_fingerprint} that bag-info.txt names"
        )),
        "{said}"
    );

    // The public page shows both, the current one first, each with its dates.
    let public = app.page(&browser(), "/office-key").await;
    let (new_at, old_at) = (
        public.find(&new_fingerprint).unwrap(),
        public.find(&old_fingerprint).unwrap(),
    );
    assert!(new_at < old_at, "the current key first");
    assert_eq!(public.matches("data-valid-from").count(), 2);
    assert_eq!(public.matches("data-valid-until").count(), 1);
    assert_eq!(public.matches("data-key-pem").count(), 2);
    assert!(public.contains(r#"data-office-key="2" data-current"#));

    // Nothing signed with the first key's derived keys broke: the examiner is still signed
    // in, the calendar address still works, the visitor still reads Korean.
    assert_eq!(app.get_as(&examiner, "/cases").await.status(), 200);
    let res = bare_client().get(app.url(&feed_path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(app.page(&visitor, "/").await.contains(r#"<html lang="ko">"#));
}

#[tokio::test]
async fn only_an_administrator_can_make_a_new_key() {
    let app = spawn_app().await;
    for role in [Role::Examiner, Role::Legal, Role::Complainant, Role::Mediator] {
        let (client, _) = app.signed_in(role).await;
        assert_eq!(app.get_as(&client, "/admin/office-keys").await.status(), 404);
        let res = app
            .post_as(&client, "/admin/office-keys", &[("confirm", "yes")])
            .await;
        assert_eq!(res.status(), 404, "{role}");
        assert!(!app.page(&client, "/").await.contains("/admin/office-keys"));
    }
    let res = app
        .post_as(&browser(), "/admin/office-keys", &[("confirm", "yes")])
        .await;
    assert!(location(&res).starts_with("/login"));
    assert_eq!(keys_in_db(&app).await.len(), 1);
    assert!(rotations(&app).await.is_empty());
}

#[tokio::test]
async fn servers_starting_at_once_on_an_empty_key_table_end_with_one_key() {
    let app = spawn_app().await;
    app.with_db(|c| diesel::delete(office_keys::table).execute(c).unwrap())
        .await;
    let url = app.settings.database().unwrap();
    let secret = KeySecret::load_or_create(None, &app.settings.key_secret_file()).unwrap();
    let no_file = app.settings.data_dir.join("no-key-file.pem");
    let roots = tokio::task::spawn_blocking(move || {
        let pool = ipdesk::db::connect(&url, 6).unwrap();
        let start = Barrier::new(6);
        std::thread::scope(|s| {
            let servers: Vec<_> = (0..6)
                .map(|_| {
                    s.spawn(|| {
                        let mut conn = pool.get().unwrap();
                        start.wait();
                        keyring::load_or_create(&mut conn, secret.clone(), &no_file, ipdesk::models::now())
                            .unwrap()
                            .root()
                            .to_bytes()
                    })
                })
                .collect();
            servers.into_iter().map(|s| s.join().unwrap()).collect::<Vec<_>>()
        })
    })
    .await
    .unwrap();
    assert!(
        roots.windows(2).all(|w| w[0] == w[1]),
        "every server has the same key"
    );
    let keys = keys_in_db(&app).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].generation, 1);
    assert_eq!(
        keys[0].fingerprint,
        fingerprint(&SigningKey::from_bytes(&roots[0]).verifying_key())
    );
}

#[tokio::test]
async fn a_second_server_with_the_same_key_secret_signs_with_the_same_key_and_another_secret_is_refused() {
    let app = spawn_app().await;
    let secret = std::fs::read_to_string(app.settings.key_secret_file()).unwrap();
    // Another server on the same database, with no folder shared with the first.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        data_dir: elsewhere.path().join("data"),
        key_secret: Some(secret.trim().to_owned()),
        ..app.settings.clone()
    };
    let second = Application::build(settings.clone()).await.unwrap();
    let second_url = format!("http://127.0.0.1:{}/office-key.pem", second.port());
    tokio::spawn(second.run_until_stopped());
    let second_pem = || async {
        bare_client()
            .get(&second_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let first = current_pem(&app).await;
    assert_eq!(second_pem().await, first);

    // Rotated on the first server, the second publishes (and signs with) the new key at once.
    let (admin, _) = app.signed_in(Role::Admin).await;
    let res = app
        .post_as(&admin, "/admin/office-keys", &[("confirm", "yes")])
        .await;
    assert_eq!(res.status(), 303);
    let rotated = current_pem(&app).await;
    assert_ne!(rotated, first);
    assert_eq!(second_pem().await, rotated);

    // A server given another secret cannot open the keys, and says what to do.
    settings.key_secret = Some(base64_of([9; 32]));
    let refused = match Application::build(settings).await {
        Ok(_) => panic!("a server with another key secret started"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        refused.contains("sealed with another one") && refused.contains("to the same value on every server"),
        "{refused}"
    );
}

fn base64_of(bytes: [u8; 32]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn an_installation_that_kept_its_key_in_a_file_keeps_it_and_its_calendar_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("office-ed25519.pem");
    let legacy = SigningKey::from_bytes(&[42; 32]);
    std::fs::write(&file, legacy.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes()).unwrap();
    let written = chrono::NaiveDate::from_ymd_opt(2026, 1, 15)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(written.and_utc().into())
        .unwrap();
    let path = file.clone();
    let app = spawn_app_with(move |s| s.signing_key_file = Some(path)).await;

    let published = parse_public(&current_pem(&app).await).unwrap();
    assert_eq!(published, legacy.verifying_key(), "the key the office always had");
    let keys = keys_in_db(&app).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].generation, 1);
    assert_eq!(keys[0].valid_from, written, "valid since the file was written");
    assert_eq!(keys[0].created_by, None);
    assert!(
        !keys[0]
            .sealed_private_key
            .contains(&hex::encode(legacy.to_bytes())),
        "the private key is not stored in the clear"
    );
    let page = app.page(&browser(), "/office-key").await;
    assert!(page.contains(&fingerprint(&legacy.verifying_key())));

    // A calendar address is signed under the key derived from the file's key, as before.
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    app.post_as(&examiner, "/account/calendar", &[("feed", "renew")])
        .await;
    let feed = feed_url(&app, &examiner).await.unwrap();
    let secret = feed.rsplit('/').next().unwrap().trim_end_matches(".ics");
    assert!(
        ipdesk::auth::calendar::FeedKey::derive(&legacy)
            .read(secret)
            .is_some()
    );
}

#[tokio::test]
async fn ipdesk_key_rotate_makes_a_new_key_recorded_as_the_systems_doing() {
    let app = spawn_app().await;
    let before = current_pem(&app).await;
    let (done, said) = ipdesk(&app, &["key", "rotate"]);
    assert!(done, "{said}");
    assert!(said.contains("Made office key 2"), "{said}");
    let after = current_pem(&app).await;
    assert_ne!(after, before);
    let keys = keys_in_db(&app).await;
    assert_eq!(keys.len(), 2);
    assert_eq!(fingerprint(&parse_public(&after).unwrap()), keys[0].fingerprint);
    let rotated = rotations(&app).await;
    assert_eq!(rotated.len(), 1);
    assert_eq!((rotated[0].0.as_str(), rotated[0].1), ("system", None));
    assert_eq!(rotated[0].2["previous_fingerprint"], keys[1].fingerprint.as_str());
}
