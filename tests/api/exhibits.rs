//! Evidence (DESIGN §5) through the real HTTP surface: filing exhibits, who sees them,
//! downloads and their headers, corrections, fingerprint checks, the custody log, service on
//! the other side, and the integrity scrub.

use diesel::prelude::*;
use ipdesk::domain::Role;
use reqwest::multipart::{Form, Part};
use sha2::{Digest, Sha256};

use crate::helpers::{
    PDF, case_with_both_sides, case_with_respondent_named, csv_lines, custody_table, details_of, file, pdf,
    upload,
};
use crate::helpers::{TestApp, location, spawn_app, spawn_app_with};
use crate::helpers::{case_with_a_hidden_correction, exhibit_id};

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The exhibit numbers a page lists, in order.
fn listed(page: &str) -> Vec<i32> {
    regex::Regex::new(r#"<tr data-exhibit="(\d+)""#)
        .unwrap()
        .captures_iter(page)
        .map(|c| c[1].parse().unwrap())
        .collect()
}

/// Nothing was kept, and what arrived is gone from the store once the request is over
/// (a bucket's incoming objects are deleted just after the response).
async fn nothing_kept_or_left(app: &TestApp) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let clean = app.stored_objects().await.is_empty() && app.pending_uploads().await == 0;
        if clean || std::time::Instant::now() > deadline {
            return clean;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn exhibit_count(app: &TestApp) -> i64 {
    app.with_db(|c| {
        ipdesk::db::schema::exhibits::table
            .count()
            .get_result::<i64>(c)
            .unwrap()
    })
    .await
}

#[tokio::test]
async fn a_complainant_files_five_exhibits_and_the_respondent_sees_the_four_meant_for_both_sides() {
    let app = spawn_app().await;
    let (complainant, examiner, respondent, case_no) = case_with_both_sides(&app).await;

    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[
            file("Supply contract", "parties", "contract.pdf", &pdf(1)),
            file("Design drawings", "parties", "drawings.pdf", &pdf(2)),
            file("Lab notebook", "parties", "notebook.pdf", &pdf(3)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/cases/{case_no}#exhibits"));
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[
            file(
                "Former employee's e-mail",
                "parties",
                "mail.txt",
                "퇴사자 메일 원문\n".as_bytes(),
            ),
            file("Originality certificate", "office", "certificate.pdf", &pdf(5)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);

    let own = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert_eq!(
        listed(&own),
        vec![1001, 1002, 1003, 1004, 1005],
        "the filer sees all it filed"
    );
    let other = app.page(&respondent, &format!("/cases/{case_no}")).await;
    assert_eq!(listed(&other), vec![1001, 1002, 1003, 1004]);
    assert!(other.contains("4 exhibits") && !other.contains("Originality certificate"));
    let office = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert_eq!(listed(&office), vec![1001, 1002, 1003, 1004, 1005]);

    // The hidden exhibit does not exist for the respondent, by any route.
    for path in [
        format!("/cases/{case_no}/exhibits/1005"),
        format!("/cases/{case_no}/exhibits/1005/custody"),
        format!("/cases/{case_no}/exhibits/1005/custody.csv"),
    ] {
        assert_eq!(app.get_as(&respondent, &path).await.status(), 404, "{path}");
    }
    let hidden = app
        .page(
            &respondent,
            &format!("/cases/{case_no}/fingerprint?sha256={}", sha256(&pdf(5))),
        )
        .await;
    assert!(hidden.contains(r#"data-fingerprint="none""#));
    let csv = app
        .get_as(&respondent, &format!("/cases/{case_no}/custody.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains(",1005,") && csv.contains(",1004,"));

    // Service: the respondent is told of the four it may see, and only of those.
    let notices = app.notices().await;
    let served: Vec<_> = notices
        .iter()
        .filter(|n| n.kind.as_str() == "exhibit_filed")
        .collect();
    assert_eq!(served.len(), 2, "one notice per upload");
    assert!(served.iter().all(|n| n.recipient == "legal@megacorp.example"));
    assert!(
        served
            .iter()
            .any(|n| n.body_text.contains("1001 Supply contract"))
    );
    assert!(served.iter().all(|n| !n.body_text.contains("1005")));

    // The examiner downloads one: the bytes as filed, with safe headers, in the custody log.
    let res = app
        .get_as(&examiner, &format!("/cases/{case_no}/exhibits/1002"))
        .await;
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''1002%20%2D%20Design%20drawings.pdf"),
        "{disposition}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "sandbox; default-src 'none'");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["cross-origin-resource-policy"], "same-origin");
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf(2).as_slice());
    let custody = app
        .page(&examiner, &format!("/cases/{case_no}/exhibits/1002/custody"))
        .await;
    assert!(custody.contains(r#"data-custody="uploaded""#));
    assert!(custody.contains(r#"data-custody="downloaded""#));
    assert!(custody.contains(&sha256(&pdf(2))));
    let csv = app
        .get_as(&examiner, &format!("/cases/{case_no}/exhibits/1002/custody.csv"))
        .await;
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "case,exhibit,event,at,actor,actor_role,address,details");
    assert!(lines[1].contains(",1002,uploaded,") && lines[2].contains(",1002,downloaded,"));
    assert!(lines[2].contains(",examiner,127.0.0.1,"), "{}", lines[2]);
    assert!(
        app.audit_actions()
            .await
            .contains(&"exhibit.downloaded".to_owned())
    );

    // A party sees the log without the office's addresses.
    let theirs = app
        .get_as(
            &respondent,
            &format!("/cases/{case_no}/exhibits/1002/custody.csv"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(theirs.contains(",downloaded,") && !theirs.contains("127.0.0.1"));
}

#[tokio::test]
async fn each_side_numbers_its_own_exhibits_and_own_side_evidence_stays_on_its_side() {
    let app = spawn_app().await;
    let (complainant, examiner, respondent, case_no) = case_with_both_sides(&app).await;
    let res = upload(
        &app,
        &respondent,
        &case_no,
        &[file("Our own prior design", "own_side", "prior.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = upload(
        &app,
        &examiner,
        &case_no,
        &[file("Site inspection", "parties", "site.pdf", &pdf(2))],
    )
    .await;
    assert_eq!(res.status(), 303);
    // A paper filing by the complainant, logged by the office for them, supporting the
    // complaint itself.
    let no = case_no.clone();
    let filing: i64 = app
        .with_db(move |c| {
            use ipdesk::db::schema::{case_events, cases};
            case_events::table
                .inner_join(cases::table)
                .filter(cases::case_no.eq(no))
                .order(case_events::id.asc())
                .select(case_events::id)
                .first(c)
                .unwrap()
        })
        .await;
    let res = upload(
        &app,
        &examiner,
        &case_no,
        &[file("Posted letter", "parties", "letter.pdf", &pdf(3))
            .with("side", "complainant")
            .with("supports", &filing.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let letter = app
        .page(&respondent, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(
        letter.contains("data-supports"),
        "the filing it supports is named"
    );
    // A history entry of another case is not a filing of this one.
    let res = upload(
        &app,
        &examiner,
        &case_no,
        &[file("Stray", "parties", "s.pdf", &pdf(4)).with("supports", "999999")],
    )
    .await;
    assert_eq!(res.status(), 422);

    assert_eq!(
        listed(&app.page(&respondent, &format!("/cases/{case_no}")).await),
        vec![1001, 2001, 3001]
    );
    assert_eq!(
        listed(&app.page(&complainant, &format!("/cases/{case_no}")).await),
        vec![1001, 3001]
    );
    assert_eq!(
        app.get_as(&complainant, &format!("/cases/{case_no}/exhibits/2001"))
            .await
            .status(),
        404
    );
    // The office's exhibit was served on both sides; the respondent's own-side one on nobody.
    let notices = app.notices().await;
    let served: Vec<_> = notices
        .iter()
        .filter(|n| n.kind.as_str() == "exhibit_filed")
        .collect();
    assert!(served.iter().all(|n| !n.body_text.contains("2001")));
    assert!(
        served
            .iter()
            .any(|n| n.body_text.contains("3001 Site inspection") && n.recipient == "legal@megacorp.example")
    );
    assert!(
        served
            .iter()
            .any(|n| n.body_text.contains("3001 Site inspection") && n.recipient != "legal@megacorp.example")
    );
    // A mediator may not file evidence.
    let (mediator, _) = app.signed_in(Role::Mediator).await;
    let res = upload(
        &app,
        &mediator,
        &case_no,
        &[file("x", "parties", "x.pdf", &pdf(9))],
    )
    .await;
    assert_eq!(res.status(), 404, "the mediator is not on this case's panel");
}

#[tokio::test]
async fn concurrent_uploads_get_consecutive_numbers_without_gaps() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Concurrent evidence").await;
    let uploads = (0..8).map(|i| {
        let (app, client, case_no) = (&app, &complainant, &case_no);
        async move {
            upload(
                app,
                client,
                case_no,
                &[file(&format!("Exhibit {i}"), "parties", "e.pdf", &pdf(i))],
            )
            .await
            .status()
        }
    });
    let statuses = futures_util::future::join_all(uploads).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    let page = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert_eq!(listed(&page), (1001..=1008).collect::<Vec<_>>());
}

#[tokio::test]
async fn nothing_is_written_before_the_token_and_access_are_checked() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Forged upload").await;
    // No token: refused before the file part is read.
    let form = Form::new()
        .text("title", "forged")
        .text("visibility", "parties")
        .part("file", Part::bytes(pdf(1)).file_name("a.pdf"));
    let res = complainant
        .post(app.url(&format!("/cases/{case_no}/exhibits")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Another session's token.
    let (other, _) = app.signed_in(Role::Complainant).await;
    let token = app.csrf(&other).await;
    let form = Form::new()
        .text("csrf_token", token)
        .text("title", "forged")
        .text("visibility", "parties")
        .part("file", Part::bytes(pdf(2)).file_name("a.pdf"));
    let res = complainant
        .post(app.url(&format!("/cases/{case_no}/exhibits")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Someone who cannot see the case.
    let res = upload(
        &app,
        &other,
        &case_no,
        &[file("Mine", "parties", "a.pdf", &pdf(3))],
    )
    .await;
    assert_eq!(res.status(), 404);
    assert!(nothing_kept_or_left(&app).await, "nothing reached the store");
    assert_eq!(exhibit_count(&app).await, 0);
}

#[tokio::test]
async fn files_that_are_too_large_or_not_evidence_are_refused_with_the_reason_and_leave_nothing() {
    let app = spawn_app_with(|s| s.exhibit_max_bytes = 4096).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Refused evidence").await;

    let mut big = PDF.to_vec();
    big.resize(4097, b' ');
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Too big", "parties", "big.pdf", &big)],
    )
    .await;
    assert_eq!(res.status(), 413);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("larger than 4 KiB"),
        "the limit is named next to the file"
    );
    assert!(page.contains(r#"value="Too big""#), "the title typed is kept");

    let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    // An ELF header, padded to the length of a real one.
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0".to_vec();
    elf.resize(64, 0);
    for (name, bytes, reason) in [
        ("invoice.pdf", &html[..], "is a web page"),
        ("logo.svg", &svg[..], "is a web page"),
        ("tool.pdf", elf.as_slice(), "is a program"),
        ("setup.exe", b"MZ\x90\0\x03\0\0\0\x04\0\0\0", "is a program"),
    ] {
        let res = upload(
            &app,
            &complainant,
            &case_no,
            &[file("Refused", "parties", name, bytes)],
        )
        .await;
        assert_eq!(res.status(), 422, "{name}");
        let page = res.text().await.unwrap();
        assert!(page.contains(reason), "{name}: the reason is given");
    }
    // A title is needed, and so is a file.
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("", "parties", "a.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Give the exhibit a title."));

    assert_eq!(exhibit_count(&app).await, 0);
    assert!(
        nothing_kept_or_left(&app).await,
        "nothing was kept or left behind"
    );
}

#[tokio::test]
async fn the_clients_file_name_is_metadata_only_and_downloads_never_render() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Names").await;
    let text = "Meeting notes: the drawings were copied in March.\n".as_bytes();
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[
            file("계약서 사본", "parties", "../../etc/passwd", &pdf(1)),
            file("Notes", "parties", "a\u{202E}gpj.exe", text),
            file("Con", "parties", "con", &pdf(2)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let names: Vec<(String, String, String)> = app
        .with_db(|c| {
            use ipdesk::db::schema::exhibits::dsl::*;
            exhibits
                .order(number.asc())
                .select((file_name, sha256, content_type))
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(names[0].0, "passwd");
    assert_eq!(names[1].0, "agpj.exe");
    assert_eq!(names[1].2, "text/plain; charset=utf-8");
    assert_eq!(names[2].0, "con");
    // On disk, only names the server made: the content's own hash.
    let stored = app.stored_objects().await;
    assert_eq!(stored.len(), 3);
    for (_, hash, _) in &names {
        assert!(stored.contains(hash));
    }
    // A guess at the storage path is not served.
    let guess = format!(
        "/evidence/objects/{}/{}/{}",
        &names[0].1[..2],
        &names[0].1[2..4],
        names[0].1
    );
    assert_eq!(app.get_as(&complainant, &guess).await.status(), 404);

    // Text is served as bytes to save, named after the exhibit with the detected type's
    // extension, never the client's `.exe`.
    let res = app
        .get_as(&complainant, &format!("/cases/{case_no}/exhibits/1002"))
        .await;
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.contains(r#"filename="1002 - Notes.txt""#),
        "{disposition}"
    );
    let res = app
        .get_as(&complainant, &format!("/cases/{case_no}/exhibits/1001"))
        .await;
    let disposition = res.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition
            .contains("filename*=UTF-8''1001%20%2D%20%EA%B3%84%EC%95%BD%EC%84%9C%20%EC%82%AC%EB%B3%B8.pdf"),
        "{disposition}"
    );
}

#[tokio::test]
async fn a_corrected_exhibit_supersedes_the_old_one_and_both_stay() {
    let app = spawn_app().await;
    let (complainant, examiner, respondent, case_no) = case_with_both_sides(&app).await;
    assert_eq!(
        upload(
            &app,
            &complainant,
            &case_no,
            &[file("Contract", "parties", "c.pdf", &pdf(1))]
        )
        .await
        .status(),
        303
    );
    let old_id = exhibit_id(&app, 1001).await;
    // The other side may not correct it.
    let res = upload(
        &app,
        &respondent,
        &case_no,
        &[file("Not yours", "parties", "c.pdf", &pdf(2)).with("supersedes", &old_id.to_string())],
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Contract, signed copy", "parties", "c2.pdf", &pdf(3))
            .with("supersedes", &old_id.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&respondent, &format!("/cases/{case_no}")).await;
    assert_eq!(listed(&page), vec![1001, 1002]);
    assert!(page.contains(r#"<tr data-exhibit="1001" data-visibility="parties" data-superseded"#));
    assert!(page.contains("Superseded by 1002") && page.contains("Corrects 1001"));
    // Both files stay, and the old one's log says what happened.
    assert_eq!(
        app.get_as(&respondent, &format!("/cases/{case_no}/exhibits/1001"))
            .await
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        pdf(1).as_slice()
    );
    let log = app
        .page(&examiner, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(log.contains(r#"data-custody="superseded""#));
    // A corrected exhibit cannot be corrected again.
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Again", "parties", "c3.pdf", &pdf(4)).with("supersedes", &old_id.to_string())],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(exhibit_count(&app).await, 2);

    // The office corrects 1002 with a copy only it may see: to the respondent, 1002 stays
    // as it was, since showing it superseded would tell of a hidden exhibit.
    let current_id = exhibit_id(&app, 1002).await;
    let res = upload(
        &app,
        &examiner,
        &case_no,
        &[file("Certified copy", "office", "c4.pdf", &pdf(5)).with("supersedes", &current_id.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let theirs = app.page(&respondent, &format!("/cases/{case_no}")).await;
    assert_eq!(listed(&theirs), vec![1001, 1002]);
    assert!(theirs.contains(r#"<tr data-exhibit="1002" data-visibility="parties">"#));
    let office = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(office.contains("Superseded by 3001"));
}

#[tokio::test]
async fn staff_change_visibility_on_the_record_and_the_other_side_is_then_served() {
    let app = spawn_app().await;
    let (complainant, examiner, respondent, case_no) = case_with_both_sides(&app).await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Trade secret", "own_side", "s.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        listed(&app.page(&respondent, &format!("/cases/{case_no}")).await),
        Vec::<i32>::new()
    );
    assert!(
        !app.notices()
            .await
            .iter()
            .any(|n| n.kind.as_str() == "exhibit_filed")
    );
    // A party may not change it.
    let res = app
        .post_as(
            &complainant,
            &format!("/cases/{case_no}/exhibits/1001/visibility"),
            &[("visibility", "parties")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .post_as(
            &examiner,
            &format!("/cases/{case_no}/exhibits/1001/visibility"),
            &[("visibility", "parties")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        listed(&app.page(&respondent, &format!("/cases/{case_no}")).await),
        vec![1001]
    );
    let log = app
        .page(&examiner, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(log.contains(r#"data-custody="visibility_changed""#));
    let served = app.notices().await;
    assert!(
        served
            .iter()
            .any(|n| n.kind.as_str() == "exhibit_filed" && n.recipient == "legal@megacorp.example")
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"exhibit.visibility_changed".to_owned())
    );
}

#[tokio::test]
async fn a_fingerprint_finds_its_exhibit_and_a_local_file_is_checked_without_being_kept() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Fingerprints").await;
    assert_eq!(
        upload(
            &app,
            &complainant,
            &case_no,
            &[file("Source code", "parties", "src.pdf", &pdf(1))]
        )
        .await
        .status(),
        303
    );
    // As printed on a certificate: upper case, in pairs separated by colons.
    let hash = sha256(&pdf(1));
    let printed: Vec<String> = hash
        .as_bytes()
        .chunks(2)
        .map(|p| String::from_utf8_lossy(p).to_uppercase())
        .collect();
    let page = app
        .page(
            &complainant,
            &format!("/cases/{case_no}/fingerprint?sha256={}", printed.join(":")),
        )
        .await;
    assert!(page.contains(r#"data-fingerprint="match""#) && page.contains(r#"data-exhibit="1001""#));
    let res = app
        .get_as(
            &complainant,
            &format!("/cases/{case_no}/fingerprint?sha256=abc123"),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("64 hexadecimal digits"));
    let page = app
        .page(
            &complainant,
            &format!("/cases/{case_no}/fingerprint?sha256={}", sha256(b"other")),
        )
        .await;
    assert!(page.contains(r#"data-fingerprint="none""#));

    // Where it can, the browser hashes the file itself and the file never leaves it.
    let page = app
        .page(&complainant, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    let script = regex::Regex::new(r#"<script src="(/static/fingerprint\.js\?v=[0-9a-f]+)" defer>"#)
        .unwrap()
        .captures(&page)
        .expect("the exhibit page loads the checking script")[1]
        .to_owned();
    let res = app.get_as(&complainant, &script).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(res.text().await.unwrap().contains("crypto.subtle.digest"));
    assert!(
        page.contains("data-browser-check") && page.contains(&format!("<code data-sha256>{hash}</code>"))
    );

    let objects_before = app.stored_objects().await.len();
    for (bytes, verdict) in [(pdf(1), "match"), (pdf(2), "mismatch")] {
        let token = app.csrf(&complainant).await;
        let form = Form::new()
            .text("csrf_token", token)
            .part("file", Part::bytes(bytes.clone()).file_name("local.pdf"));
        let res = complainant
            .post(app.url(&format!("/cases/{case_no}/exhibits/1001/check")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page = res.text().await.unwrap();
        assert!(page.contains(&format!(r#"data-check="{verdict}""#)), "{verdict}");
        assert!(page.contains(&sha256(&bytes)));
    }
    assert_eq!(
        app.stored_objects().await.len(),
        objects_before,
        "the checked file was not kept"
    );
    assert_eq!(exhibit_count(&app).await, 1);
}

#[tokio::test]
async fn the_scrub_finds_a_tampered_file_and_a_missing_one() {
    let app = crate::helpers::spawn_app_on_folder(|_| {}).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Scrubbed").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[
            file("One", "parties", "1.pdf", &pdf(1)),
            file("Two", "parties", "2.pdf", &pdf(2)),
            file("Three", "parties", "3.pdf", &pdf(3)),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let store = app.store();
    let scrub = |store: ipdesk::evidence::Store| {
        app.with_db(move |c| ipdesk::evidence::scrub::scrub(c, &store, |_| {}).unwrap())
    };
    let clean = scrub(store.clone()).await;
    assert!(clean.is_clean());
    assert_eq!((clean.files, clean.exhibits), (3, 3));

    let fingerprint = |n| ipdesk::domain::Fingerprint::parse(&sha256(&pdf(n))).unwrap();
    let path_of = |n| {
        app.evidence_folder()
            .join(ipdesk::evidence::store::object_name(&fingerprint(n)))
    };
    let tampered = path_of(2);
    let mut bytes = std::fs::read(&tampered).unwrap();
    bytes[20] ^= 1;
    std::fs::write(&tampered, bytes).unwrap();
    std::fs::remove_file(path_of(3)).unwrap();
    let report = scrub(store).await;
    assert!(!report.is_clean());
    let said: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said.iter()
            .any(|p| p.starts_with("ALTERED") && p.contains(&format!("{case_no} #1002")))
    );
    assert!(
        said.iter()
            .any(|p| p.starts_with("MISSING") && p.contains(&format!("{case_no} #1003")))
    );

    // The operator's command says the same, and fails.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ipdesk"))
        .args(["evidence", "scrub"])
        .env("DATABASE_URL", app.settings.database_url.clone().unwrap())
        .env("IPDESK_DATA_DIR", &app.settings.data_dir)
        .env("IPDESK_LOG_FORMAT", "json")
        .current_dir(app.settings.data_dir.parent().unwrap())
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(
        printed.contains(&format!("ALTERED  {}", sha256(&pdf(2)))),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("MISSING  {}", sha256(&pdf(3)))),
        "{printed}"
    );
    assert!(
        printed.contains("The evidence store is DAMAGED: 3 files"),
        "{printed}"
    );
    assert!(
        app.audit_actions()
            .await
            .contains(&"evidence.scrubbed".to_owned())
    );
}

#[tokio::test]
async fn the_database_refuses_to_change_an_exhibit_or_its_custody_log() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Append only").await;
    assert_eq!(
        upload(
            &app,
            &complainant,
            &case_no,
            &[file("One", "parties", "1.pdf", &pdf(1))]
        )
        .await
        .status(),
        303
    );
    let refused = app
        .with_db(|c| {
            use ipdesk::db::schema::{custody_events, exhibits};
            [
                diesel::update(exhibits::table)
                    .set(exhibits::sha256.eq("0".repeat(64)))
                    .execute(c)
                    .is_err(),
                diesel::update(exhibits::table)
                    .set(exhibits::title.eq("changed"))
                    .execute(c)
                    .is_err(),
                diesel::delete(exhibits::table).execute(c).is_err(),
                diesel::update(custody_events::table)
                    .set(custody_events::actor_name.eq("x"))
                    .execute(c)
                    .is_err(),
                diesel::delete(custody_events::table).execute(c).is_err(),
            ]
        })
        .await;
    assert_eq!(refused, [true; 5]);
}

#[tokio::test]
async fn uploads_left_by_a_crash_are_swept_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let stale = tmp.join("interrupted");
    std::fs::write(&stale, b"half an upload").unwrap();
    let yesterday = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(yesterday)
        .unwrap();
    let arriving = tmp.join("arriving");
    std::fs::write(&arriving, b"another server's upload, still arriving").unwrap();
    let evidence = dir.path().display().to_string();
    let _app = crate::helpers::spawn_app_on_folder(move |s| s.evidence_store = Some(evidence)).await;
    assert!(!stale.exists());
    assert!(arriving.exists());
}

#[tokio::test]
async fn a_file_larger_than_one_write_is_kept_whole_and_in_order() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Large exhibit").await;
    // Several slices of the writer, each different, and a last one that is not full.
    let mut big = PDF.to_vec();
    let mut n: u32 = 0;
    while big.len() < 3 * 1024 * 1024 + 12_345 {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        big.extend_from_slice(&n.to_le_bytes());
    }
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Firmware dump", "parties", "dump.pdf", &big)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let got = app
        .get_as(&complainant, &format!("/cases/{case_no}/exhibits/1001"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(got.len(), big.len());
    assert_eq!(sha256(&got), sha256(&big));
    let page = app
        .page(&complainant, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(page.contains(&sha256(&big)));
}

#[tokio::test]
async fn demo_evidence_is_filed_like_any_upload_and_passes_the_scrub() {
    let app = spawn_app().await;
    let store = app.store();
    let seeded = store.clone();
    let settings = app.settings.clone();
    let added = app
        .with_db(move |c| {
            ipdesk::demo::seed(c, &settings, 60, false).unwrap();
            ipdesk::demo::seed_evidence(c, &seeded, 5).unwrap()
        })
        .await;
    assert!(added > 0 && added % 4 == 0, "{added}");
    let case_no: String = app
        .with_db(|c| {
            use ipdesk::db::schema::{cases, exhibits};
            exhibits::table
                .inner_join(cases::table)
                .select(cases::case_no.assume_not_null())
                .first(c)
                .unwrap()
        })
        .await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert_eq!(listed(&page), vec![1001, 1002, 1003, 1004]);
    let res = app
        .get_as(&examiner, &format!("/cases/{case_no}/exhibits/1001"))
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
    let report = app
        .with_db(move |c| ipdesk::evidence::scrub::scrub(c, &store, |_| {}).unwrap())
        .await;
    assert!(report.is_clean() && report.exhibits == added && report.unreferenced.is_empty());
}

#[tokio::test]
async fn a_correction_the_respondent_may_not_see_leaves_no_trace_in_its_custody_log() {
    let app = spawn_app().await;
    let (complainant, examiner, respondent, case_no) = case_with_a_hidden_correction(&app).await;
    // And the other way round: 1003, hidden from the respondent, corrected by 1006, which it
    // sees.
    let notebook = exhibit_id(&app, 1003).await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Lab notebook, extract", "parties", "extract.pdf", &pdf(6))
            .with("supersedes", &notebook.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);

    // To the respondent, 1001 is current everywhere, and 1006 corrects nothing it knows of.
    let page = app
        .page(&respondent, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(page.contains("<dd data-status>Current</dd>"), "{page}");
    let table = custody_table(&page);
    assert!(table.contains(r#"data-custody="uploaded""#));
    assert!(!table.contains(r#"data-custody="superseded""#), "{table}");
    assert!(!table.contains("Superseded"), "{table}");
    for path in [
        format!("/cases/{case_no}/exhibits/1001/custody.csv"),
        format!("/cases/{case_no}/custody.csv"),
    ] {
        let res = app.get_as(&respondent, &path).await;
        assert_eq!(res.status(), 200);
        let lines = csv_lines(&res.text().await.unwrap());
        assert!(!lines.is_empty(), "{path}");
        assert!(
            lines.iter().all(|l| l[2] != "superseded" && l[1] != "1005"),
            "{path}: {lines:?}"
        );
        for l in &lines {
            let details: serde_json::Value = serde_json::from_str(&l[7]).unwrap();
            assert!(details.get("by").is_none(), "{path}: {l:?}");
        }
    }
    let all = csv_lines(
        &app.get_as(&respondent, &format!("/cases/{case_no}/custody.csv"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let uploaded = details_of(&all, 1006, "uploaded");
    assert_eq!(uploaded.len(), 1);
    assert_eq!(
        uploaded[0]["supersedes"],
        serde_json::Value::Null,
        "{:?}",
        uploaded[0]
    );

    // The office sees it all.
    let page = app
        .page(&examiner, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(custody_table(&page).contains(r#"data-custody="superseded""#));
    let office = csv_lines(
        &app.get_as(&examiner, &format!("/cases/{case_no}/custody.csv"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(details_of(&office, 1001, "superseded")[0]["by"], 1005);
    assert_eq!(details_of(&office, 1003, "superseded")[0]["by"], 1006);
    assert_eq!(details_of(&office, 1006, "uploaded")[0]["supersedes"], notebook);

    // The complainant, who may see 1005, sees the correction too.
    let page = app
        .page(&complainant, &format!("/cases/{case_no}/exhibits/1001/custody"))
        .await;
    assert!(page.contains("Superseded by 1005"));
    assert!(custody_table(&page).contains(r#"data-custody="superseded""#));
    let own = csv_lines(
        &app.get_as(
            &complainant,
            &format!("/cases/{case_no}/exhibits/1001/custody.csv"),
        )
        .await
        .text()
        .await
        .unwrap(),
    );
    assert_eq!(details_of(&own, 1001, "superseded")[0]["by"], 1005);
}

#[tokio::test]
async fn a_name_that_is_a_spreadsheet_formula_reaches_the_custody_csv_as_text() {
    let app = spawn_app().await;
    let evil = r#"=HYPERLINK("http://evil.example","x")"#;
    let (_complainant, examiner, respondent, case_no) = case_with_respondent_named(&app, evil).await;
    let res = upload(
        &app,
        &respondent,
        &case_no,
        &[file("Our design", "parties", "ours.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    for path in [
        format!("/cases/{case_no}/exhibits/2001/custody.csv"),
        format!("/cases/{case_no}/custody.csv"),
    ] {
        let text = app.get_as(&examiner, &path).await.text().await.unwrap();
        let lines = csv_lines(&text);
        let uploaded = lines.iter().find(|l| l[2] == "uploaded").expect("the upload");
        assert_eq!(uploaded[4], format!("'{evil}"), "{path}");
        for cell in lines.iter().flatten() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{path}: {cell:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_control_character_in_an_exhibits_text_is_refused_and_no_file_is_left_behind() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Separator coating copied").await;
    // The bad title before its file, and after a first file has arrived.
    let res = upload(
        &app,
        &examiner,
        &case_no,
        &[file("Supply\0contract", "parties", "contract.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("The request could not be understood")
    );
    let token = app.csrf(&examiner).await;
    let form = Form::new()
        .text("csrf_token", token)
        .text("title", "Supply contract")
        .text("visibility", "parties")
        .part("file", Part::bytes(pdf(2)).file_name("contract.pdf"))
        .text("title.2", "Drawings")
        .text("description.2", "Sheet 1\x1b[2J")
        .part("file.2", Part::bytes(pdf(3)).file_name("drawings.pdf"));
    let res = examiner
        .post(app.url(&format!("/cases/{case_no}/exhibits")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(exhibit_count(&app).await, 0);
    assert!(
        nothing_kept_or_left(&app).await,
        "nothing was kept, nothing waits"
    );
    // Line breaks in a description are fine.
    let res = upload(
        &app,
        &examiner,
        &case_no,
        &[file("Supply contract", "parties", "contract.pdf", &pdf(4))
            .with("description", "Signed 2024.\r\n\tPage 2 missing.")],
    )
    .await;
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn a_local_file_larger_than_an_exhibit_may_be_is_not_checked_and_the_limit_is_named() {
    let app = spawn_app_with(|s| s.exhibit_max_bytes = 4096).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Checked too large").await;
    let res = upload(
        &app,
        &complainant,
        &case_no,
        &[file("Contract", "parties", "c.pdf", &pdf(1))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let check = |bytes: Vec<u8>| async {
        let form = Form::new()
            .text("csrf_token", app.csrf(&complainant).await)
            .part("file", Part::bytes(bytes).file_name("local.pdf"));
        complainant
            .post(app.url(&format!("/cases/{case_no}/exhibits/1001/check")))
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    // Just past the limit (read to its end and dropped), and far past it (refused by its
    // declared length).
    for size in [4097, 200_000] {
        let mut big = pdf(1);
        big.resize(size, b' ');
        let res = check(big).await;
        assert_eq!(res.status(), 413, "{size}");
        let page = res.text().await.unwrap();
        assert!(
            page.contains(r#"<p class="field-error" id="check-file-error">The file is larger than 4 KiB"#),
            "the limit is named next to the field: {size}"
        );
        assert!(!page.contains("data-check="), "nothing was checked");
    }
    let res = check(pdf(1)).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains(r#"data-check="match""#));
    let checked = app
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "exhibit.file_checked")
        .count();
    assert_eq!(checked, 1, "only the file within the limit was checked");
}
