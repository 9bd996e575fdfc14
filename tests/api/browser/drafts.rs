//! A long complaint in a real browser, with a short idle timeout: typed into the form, it is
//! saved as a draft without a click; before the session ends the page warns and staying
//! signed in keeps it; left alone, the page signs out onto the sign-in form, which leads back
//! to the draft with everything typed.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use ipdesk::domain::Role;
use serde_json::Value;

use super::{Browser, Lang, Width, spawn_app_for_browser_with};
use crate::helpers::STRONG_PASSWORD;

/// Long enough for each step to be looked at; the warning shows for its last half.
const IDLE_SECS: u64 = 30;
const WARNING_SECS: u64 = IDLE_SECS / 2;

/// Runs `script` until it returns something other than null or false.
async fn wait_for(b: &Browser, script: &str, what: &str, within: Duration) -> Value {
    let started = Instant::now();
    loop {
        if let Ok(v) = b.client.execute(script, vec![]).await
            && !v.is_null()
            && v != Value::Bool(false)
        {
            return v;
        }
        assert!(started.elapsed() < within, "waited for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The autosave status, once it says the draft was saved.
async fn saved_status(b: &Browser) -> String {
    let script = "const s = document.querySelector('[data-autosave-status]');
                  const t = s ? s.textContent : '';
                  return t && t !== s.dataset.failed ? t : null;";
    let text = wait_for(b, script, "the draft to be saved", Duration::from_secs(20)).await;
    text.as_str().unwrap().to_owned()
}

/// The draft's title and description as stored.
async fn stored(app: &crate::helpers::TestApp, key: &str) -> (String, String) {
    let key = key.to_owned();
    app.with_db(move |c| {
        use ipdesk::db::schema::cases;
        cases::table
            .filter(cases::draft_key.eq(key))
            .filter(cases::case_no.is_null())
            .select((cases::title, cases::description))
            .first(c)
            .unwrap()
    })
    .await
}

async fn scroll_to(b: &Browser, css: &str) {
    b.client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![Value::from(css)],
        )
        .await
        .unwrap();
}

async fn a_long_complaint_survives_the_idle_timeout(lang: Lang, width: Width) {
    let app = spawn_app_for_browser_with(|s| s.session_idle_timeout_secs = IDLE_SECS).await;
    let Some(mut b) = Browser::open(&app, "drafts", lang, width).await else {
        return;
    };
    let (title, description, more, saved_word) = match lang {
        Lang::Ko => (
            "압력 센서 설계 도용",
            "당사가 개발한 압력 센서의 회로 설계를 퇴사한 연구원이 유출하였습니다.",
            " 피신청인은 이를 그대로 사용한 제품을 판매하고 있습니다.",
            "임시 저장했습니다",
        ),
        Lang::En => (
            "Pressure sensor design taken",
            "A former engineer took the circuit design of our pressure sensor.",
            " The respondent now sells a product built on it.",
            "Draft saved at",
        ),
    };
    let email = format!("long-form-{}@hanbit.example", lang.code());
    app.create_user(Role::Complainant, &email, STRONG_PASSWORD).await;
    b.goto("/login", "sign-in").await;
    b.fill("#email", &email).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action^='/login'] button[type=submit]", "signed-in")
        .await;

    // Typing is enough: a few seconds after the last key the form is a draft, and its address.
    b.goto("/cases/new", "complaint-form").await;
    b.select("#kind", "trade_secret").await;
    b.fill("#title", title).await;
    b.fill("#description", description).await;
    let first = saved_status(&b).await;
    assert!(first.contains(saved_word), "the status says so: {first}");
    let key = b
        .find("input[name=draft_key]")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    let draft = format!("/cases/drafts/{key}");
    assert_eq!(b.path().await, draft, "the address is now the draft's");
    assert_eq!(
        stored(&app, &key).await,
        (title.to_owned(), description.to_owned())
    );
    scroll_to(&b, "[data-autosave-status]").await;
    b.check("draft-saved").await;

    // Nothing more happens: the warning, in the page's language, with a way to stay.
    let warning = wait_for(
        &b,
        "const r = document.querySelector('[data-session-warning][role=alert]');
         return r && r.querySelector('button') ? r.textContent.trim() : null;",
        "the idle warning",
        Duration::from_secs(IDLE_SECS),
    )
    .await;
    assert!(!warning.as_str().unwrap().contains("{time}"), "{warning}");
    b.check("idle-warning").await;
    let clicked = Instant::now();
    b.find("[data-session-warning] button")
        .await
        .click()
        .await
        .unwrap();
    wait_for(
        &b,
        "const r = document.querySelector('[data-session-warning]');
         return r.textContent.trim() !== '' && !r.querySelector('button');",
        "the warning to say the session is kept",
        Duration::from_secs(10),
    )
    .await;
    let focused = b
        .client
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "description", "the focus goes back where it was");
    b.check("idle-kept").await;

    // Past where the session would have ended: still signed in, and typing still saves.
    let past = Duration::from_secs(WARNING_SECS + 3).saturating_sub(clicked.elapsed());
    tokio::time::sleep(past).await;
    assert_eq!(b.path().await, draft, "still on the draft");
    // Within the same minute the status would read the same: the next save writes it anew.
    b.client
        .execute(
            "document.querySelector('[data-autosave-status]').textContent = '';",
            vec![],
        )
        .await
        .unwrap();
    b.find("#description").await.send_keys(more).await.unwrap();
    let second = saved_status(&b).await;
    assert!(second.contains(saved_word), "{second}");
    let typed = format!("{description}{more}");
    assert_eq!(stored(&app, &key).await.1, typed, "the same draft, updated");

    // Left alone to the end: signed out, onto the sign-in form that leads back to the draft.
    let next = format!(
        "/login?next={}",
        form_urlencoded::byte_serialize(draft.as_bytes()).collect::<String>()
    );
    let started = Instant::now();
    while b.path().await != next {
        assert!(
            started.elapsed() < Duration::from_secs(IDLE_SECS + 15),
            "signed out at the end, onto {next}: on {}",
            b.path().await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    b.check("signed-out").await;
    assert!(b.has(".flash-warning").await, "the page says why");
    b.fill("#email", &email).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action^='/login'] button[type=submit]", "back-on-the-draft")
        .await;
    assert_eq!(b.path().await, draft, "back on the draft");
    assert_eq!(
        b.find("#description")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(typed.as_str()),
        "with everything typed"
    );
    assert_eq!(app.count_cases().await, 1, "one draft all along");
    b.finish().await;
}

#[tokio::test]
async fn a_long_complaint_survives_the_idle_timeout_in_korean_on_a_phone() {
    a_long_complaint_survives_the_idle_timeout(Lang::Ko, Width::Phone).await;
}

#[tokio::test]
async fn a_long_complaint_survives_the_idle_timeout_in_korean_on_a_desktop() {
    a_long_complaint_survives_the_idle_timeout(Lang::Ko, Width::Desktop).await;
}

#[tokio::test]
async fn a_long_complaint_survives_the_idle_timeout_in_english_on_a_phone() {
    a_long_complaint_survives_the_idle_timeout(Lang::En, Width::Phone).await;
}

#[tokio::test]
async fn a_long_complaint_survives_the_idle_timeout_in_english_on_a_desktop() {
    a_long_complaint_survives_the_idle_timeout(Lang::En, Width::Desktop).await;
}
