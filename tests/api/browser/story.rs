//! The desk's whole life in one browser: set-up, an invited colleague, a complainant who
//! registers and files, intake, the respondent's invitation, an evidence bundle, a password
//! reset and the language switch.

use std::time::{Duration, Instant};

use super::{Browser, Lang, Width, spawn_app_for_browser};
use crate::helpers::{STRONG_PASSWORD, TestApp};

/// The path of the newest link in a notice to `recipient` that leads to `prefix`.
async fn mailed_link(app: &TestApp, recipient: &str, prefix: &str) -> String {
    let base = app.settings.base_url.clone().unwrap();
    let pattern = regex::Regex::new(&format!(
        "{}({}[^\\s\"<>]*)",
        regex::escape(&base),
        regex::escape(prefix)
    ))
    .unwrap();
    let recipient = recipient.to_owned();
    let rows = app
        .wait_for_notices(&format!("a link to {prefix} for {recipient}"), |rows| {
            rows.iter()
                .any(|r| r.recipient == recipient && pattern.is_match(&r.body_text))
        })
        .await;
    let row = rows
        .iter()
        .find(|r| r.recipient == recipient && pattern.is_match(&r.body_text))
        .unwrap();
    pattern.captures(&row.body_text).unwrap()[1].to_owned()
}

struct Words {
    admin: &'static str,
    examiner: &'static str,
    complainant: &'static str,
    company: &'static str,
    respondent_company: &'static str,
    respondent: &'static str,
    title: &'static str,
    description: &'static str,
    remedy: &'static str,
    exhibit: &'static str,
}

const KOREAN: Words = Words {
    admin: "김관리",
    examiner: "박심사",
    complainant: "이민지",
    company: "(주)한빛센서",
    respondent_company: "대한전자 주식회사",
    respondent: "최대응",
    title: "압력 센서 설계 도용",
    description: "당사가 개발한 압력 센서의 회로 설계를 퇴사한 연구원이 유출하였고, 피신청인이 이를 그대로 사용한 제품을 판매하고 있습니다.",
    remedy: "제품 판매 중지와 손해배상",
    exhibit: "회로도 원본",
};

const ENGLISH: Words = Words {
    admin: "Alex Admin",
    examiner: "Erin Examiner",
    complainant: "Mina Lee",
    company: "Hanbit Sensors Ltd",
    respondent_company: "Daehan Electronics Corp",
    respondent: "Ryan Respondent",
    title: "Pressure sensor design taken",
    description: "A former engineer took the circuit design of our pressure sensor and the respondent now sells a product built on it.",
    remedy: "Stop selling the product and compensate the damage.",
    exhibit: "Original circuit diagram",
};

async fn sign_in(b: &mut Browser, email: &str, password: &str, step: &str) {
    b.goto("/login", &format!("{step}-form")).await;
    b.fill("#email", email).await;
    b.fill("#password", password).await;
    b.submit("form[action^='/login'] button[type=submit]", step).await;
}

/// Opens an action on the case page and submits it.
async fn act(b: &mut Browser, action: &str, fill: &[(&str, &str)], step: &str) {
    b.find(&format!("details[data-action='{action}'] summary"))
        .await
        .click()
        .await
        .unwrap();
    for (field, value) in fill {
        b.fill(&format!("#{action}-{field}"), value).await;
    }
    b.check(&format!("{step}-open")).await;
    b.submit(
        &format!("details[data-action='{action}'] button[type=submit]"),
        step,
    )
    .await;
}

async fn the_desk_in_a_browser(lang: Lang, width: Width) {
    let app = spawn_app_for_browser().await;
    let Some(mut b) = Browser::open(&app, "desk", lang, width).await else {
        return;
    };
    let w = match lang {
        Lang::Ko => &KOREAN,
        Lang::En => &ENGLISH,
    };
    let tag = format!("{}-{:?}", lang.code(), width).to_lowercase();
    let admin_email = format!("admin-{tag}@office.example");
    let examiner_email = format!("examiner-{tag}@office.example");
    let complainant_email = format!("mina-{tag}@hanbit.example");
    let respondent_email = format!("legal-{tag}@daehan.example");

    // First start: the console's one-time link makes the first administrator.
    b.goto(app.setup_link.as_deref().unwrap(), "setup").await;
    b.fill("#name", w.admin).await;
    b.fill("#email", &admin_email).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action='/setup'] button[type=submit]", "setup-done")
        .await;
    assert!(b.text().await.contains(w.admin), "the administrator is signed in");

    // The administrator invites an examiner, who chooses a password through the link.
    b.goto("/admin/users", "admin-users").await;
    b.fill("#name", w.examiner).await;
    b.fill("#email", &examiner_email).await;
    b.select("#role", "examiner").await;
    b.submit(
        "form[action='/admin/users'] button[type=submit]",
        "examiner-invited",
    )
    .await;
    b.goto("/admin/audit", "admin-audit").await;
    b.goto("/admin/outbox", "admin-outbox").await;
    // A new office key, which every later bundle is signed with: not without the box ticked.
    b.goto("/admin/office-keys", "admin-office-keys").await;
    b.submit(
        "form[data-form=rotate-key] button[type=submit]",
        "office-key-unconfirmed",
    )
    .await;
    assert!(b.has("#confirm-error").await, "the box must be ticked");
    b.find("#confirm").await.click().await.unwrap();
    b.submit(
        "form[data-form=rotate-key] button[type=submit]",
        "office-key-rotated",
    )
    .await;
    assert!(
        b.has("tr[data-office-key='2'][data-current]").await,
        "the new key is current"
    );
    b.sign_out("admin-signed-out").await;
    let link = mailed_link(&app, &examiner_email, "/setup?token=").await;
    b.goto(&link, "examiner-setup").await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action='/setup'] button[type=submit]", "examiner-ready")
        .await;
    assert!(b.text().await.contains(w.examiner), "the examiner is signed in");
    b.sign_out("examiner-signed-out").await;

    // A complainant registers and confirms the address.
    b.goto("/register", "register").await;
    b.fill("#name", w.complainant).await;
    b.fill("#email", &complainant_email).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action='/register'] button[type=submit]", "registered")
        .await;
    let link = mailed_link(&app, &complainant_email, "/verify-email?token=").await;
    b.goto(&link, "verify-email").await;
    b.submit("form[action='/verify-email'] button[type=submit]", "verified")
        .await;

    // Files a complaint with a mistake: the form comes back with everything typed.
    b.goto("/cases/new", "complaint-form").await;
    b.select("#kind", "trade_secret").await;
    b.fill("#title", w.title).await;
    b.fill("#remedy", w.remedy).await;
    b.fill("#damages_amount", "120,000,000").await;
    b.select("#c_kind", "organisation").await;
    b.fill("#c_name", w.company).await;
    b.fill("#c_email", "mina@hanbit").await; // no domain: refused
    b.select("#r0_kind", "organisation").await;
    b.fill("#r0_name", w.respondent_company).await;
    b.fill("#r0_email", &respondent_email).await;
    b.submit("button[name=action][value=submit]", "complaint-refused")
        .await;
    assert!(
        b.has("#c_email[aria-invalid=true]").await,
        "the e-mail field is marked"
    );
    assert_eq!(
        b.find("#title").await.prop("value").await.unwrap().as_deref(),
        Some(w.title),
        "the title is kept"
    );
    // The summary of errors has the focus and leads to each field.
    let focused = b
        .client
        .execute(
            "return document.activeElement.closest('.error-summary') !== null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        focused,
        serde_json::json!(true),
        "the error summary takes the focus"
    );
    b.find(".error-summary a[href='#c_email']")
        .await
        .click()
        .await
        .unwrap();
    b.fill("#c_email", &complainant_email).await;
    b.submit("button[name=action][value=submit]", "complaint-incomplete")
        .await;
    assert!(
        b.has("#description[aria-invalid=true]").await,
        "the description is missing"
    );
    b.submit("button[name=action][value=save]", "draft-saved").await;

    // Comes back to the draft from the list, corrects it and submits.
    b.goto("/cases", "my-cases").await;
    b.submit("main a[href^='/cases/drafts/']", "draft-again").await;
    b.fill("#description", w.description).await;
    b.submit("button[name=action][value=submit]", "complaint-filed")
        .await;
    let case_path = b.path().await;
    assert!(
        case_path.starts_with("/cases/IPD-"),
        "filed as a numbered case: {case_path}"
    );
    let case_no = case_path.trim_start_matches("/cases/").to_owned();

    // Uploads an exhibit.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("circuit.pdf");
    std::fs::write(&file, b"%PDF-1.4\n% circuit diagram\n%%EOF\n").unwrap();
    b.fill("#ex-title", w.exhibit).await;
    b.find("#ex-file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.submit("form[data-form=upload] button[type=submit]", "exhibit-filed")
        .await;
    assert!(b.text().await.contains("1001"), "the exhibit is numbered 1001");
    b.goto(&format!("{case_path}/exhibits/1001"), "exhibit").await;
    b.goto(&format!("{case_path}/exhibits/1001/custody"), "exhibit-custody")
        .await;
    b.sign_out("complainant-signed-out").await;

    // The examiner takes the case through intake and notifies the respondent.
    sign_in(&mut b, &examiner_email, STRONG_PASSWORD, "examiner-signed-in").await;
    b.goto("/cases", "staff-cases").await;
    b.goto(&case_path, "case-for-examiner").await;
    act(&mut b, "start_review", &[], "review-started").await;
    act(&mut b, "notify_respondent", &[], "respondent-notified").await;
    b.goto("/deadlines", "deadlines").await;
    // A case that does not exist: a plain page in the reader's language, with the switch.
    b.goto("/cases/IPD-2099-99999", "not-found").await;
    assert!(
        b.has("form.language button").await,
        "the error page has the language switch"
    );
    b.goto("/rights", "rights").await;
    b.goto("/office-key", "office-key").await;
    b.sign_out("examiner-done").await;

    // The respondent joins through the invitation.
    let link = mailed_link(&app, &respondent_email, "/invitations/").await;
    b.goto(&link, "invitation").await;
    b.fill("#name", w.respondent).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit(
        "form[action^='/invitations/'] button[type=submit]",
        "respondent-joined",
    )
    .await;
    assert_eq!(b.path().await, case_path, "the respondent lands on the case");

    // A bundle for both sides: its progress, then a ready page, then the file, verified.
    b.submit("form[data-form=bundle] button[type=submit]", "bundle-requested")
        .await;
    let started = Instant::now();
    while !b.has("a[data-download]").await {
        assert!(started.elapsed() < Duration::from_secs(60), "the bundle is built");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    b.check("bundle-ready").await;
    assert!(
        !b.has("meta[http-equiv=refresh]").await,
        "a ready page does not refresh"
    );
    b.find("a[data-download]").await.click().await.unwrap();
    let zip = wait_for_download(&b).await;
    let pem = app.get("/office-key.pem").await.text().await.unwrap();
    let key = ipdesk::bundle::key::parse_public(&pem).unwrap();
    let report = ipdesk::bundle::verify::verify(std::io::Cursor::new(&zip), &key).unwrap();
    assert!(report.is_valid(), "the downloaded bundle verifies");
    let archive = zip::ZipArchive::new(std::io::Cursor::new(&zip)).unwrap();
    assert!(
        archive
            .file_names()
            .any(|n| n.contains("/data/") && n.contains("1001")),
        "the exhibit is in it"
    );
    b.sign_out("respondent-done").await;

    // The complainant forgot the password.
    b.goto("/password-reset", "reset-request").await;
    b.fill("#email", &complainant_email).await;
    b.submit("form[action='/password-reset'] button[type=submit]", "reset-sent")
        .await;
    let link = mailed_link(&app, &complainant_email, "/password-reset/confirm?token=").await;
    b.goto(&link, "reset-confirm").await;
    let new_password = "violet-harbour-lantern-42";
    b.fill("#password", new_password).await;
    b.submit(
        "form[action='/password-reset/confirm'] button[type=submit]",
        "reset-done",
    )
    .await;
    sign_in(&mut b, &complainant_email, new_password, "signed-in-again").await;
    b.goto(&case_path, "case-for-complainant").await;
    assert!(b.text().await.contains(&case_no));

    // The language switch, both ways.
    let other = lang.other();
    b.submit(
        &format!("form.language button[value={}]", other.code()),
        "language-switched",
    )
    .await;
    let html_lang = b.find("html").await.attr("lang").await.unwrap();
    assert_eq!(
        html_lang.as_deref(),
        Some(other.code()),
        "the page is now in the other language"
    );
    b.submit(
        &format!("form.language button[value={}]", lang.code()),
        "language-switched-back",
    )
    .await;

    b.finish().await;
}

async fn wait_for_download(b: &Browser) -> Vec<u8> {
    let started = Instant::now();
    loop {
        let done = std::fs::read_dir(b.download_dir())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "zip"));
        if let Some(path) = done {
            return std::fs::read(path).unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the bundle downloads"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The bundle page follows a build it did not start: the progress shown first is replaced by
/// the ready part (size, hash, download) in place, without reloading the page.
#[tokio::test]
async fn a_bundle_page_follows_the_build_in_place() {
    // The builder is not woken by this job; it finds it on its next look, a few seconds on.
    let port_app = super::spawn_app_for_browser_with(|s| s.bundle_poll_secs = 5).await;
    let app = &port_app;
    let Some(mut b) = Browser::open(app, "bundle-progress", Lang::Ko, Width::Phone).await else {
        return;
    };
    let email = "progress@hanbit.example";
    app.create_user(ipdesk::domain::Role::Complainant, email, STRONG_PASSWORD)
        .await;
    let client = crate::helpers::browser();
    assert_eq!(app.login_as(&client, email, STRONG_PASSWORD).await.status(), 303);
    let case_no = crate::helpers::file_case(app, &client, "진행 상황").await;

    sign_in(&mut b, email, STRONG_PASSWORD, "signed-in").await;
    let id = crate::helpers::queue_directly(
        app,
        &case_no,
        ipdesk::domain::Audience::Complainant,
        ipdesk::domain::Lang::Ko,
    )
    .await;
    b.goto(&format!("/cases/{case_no}/bundles/{id}"), "bundle-queued")
        .await;
    assert!(
        b.has("[data-bundle-refresh]").await,
        "the page says it is being made"
    );
    assert!(!b.has("meta[http-equiv=refresh]").await);
    let marker = b
        .client
        .execute("window.__stay = 'same page'; return window.__stay;", vec![])
        .await
        .unwrap();
    let started = Instant::now();
    while !b.has("a[data-download]").await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the ready part arrives"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let still = b.client.execute("return window.__stay;", vec![]).await.unwrap();
    assert_eq!(still, marker, "the page was not reloaded");
    b.check("bundle-ready-in-place").await;
    b.finish().await;
}

#[tokio::test]
async fn the_desk_in_korean_on_a_desktop() {
    the_desk_in_a_browser(Lang::Ko, Width::Desktop).await;
}

#[tokio::test]
async fn the_desk_in_korean_on_a_phone() {
    the_desk_in_a_browser(Lang::Ko, Width::Phone).await;
}

#[tokio::test]
async fn the_desk_in_english_on_a_desktop() {
    the_desk_in_a_browser(Lang::En, Width::Desktop).await;
}

#[tokio::test]
async fn the_desk_in_english_on_a_phone() {
    the_desk_in_a_browser(Lang::En, Width::Phone).await;
}
