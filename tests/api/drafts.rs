//! Long forms survive the idle timeout (issue 17 §6): the complaint form is kept as a draft
//! while it is typed, the page knows when the session ends and can extend it, and someone
//! signed out by the timeout signs in again straight back onto their draft.

use std::time::Duration;

use ipdesk::domain::Role;
use serde_json::Value;

use crate::helpers::{
    STRONG_PASSWORD, TestApp, browser, complaint, csrf_from, location, spawn_app, spawn_app_with,
};

const AUTOSAVE: &str = "/cases/drafts/autosave";

/// A new complaint form as the browser has it: its draft key and the session's CSRF token.
async fn new_form(app: &TestApp, client: &reqwest::Client) -> (String, String) {
    let page = app.page(client, "/cases/new").await;
    let key = regex::Regex::new(r#"name="draft_key" value="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .map(|c| c[1].to_owned())
        .expect("the form carries a draft key");
    (key, csrf_from(&page))
}

/// What the script sends: the whole form, with its key and token, and no button.
async fn autosave(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    csrf: Option<&str>,
    fields: &[(String, String)],
) -> reqwest::Response {
    let mut pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.push(("draft_key", key));
    if let Some(token) = csrf {
        pairs.push(("csrf_token", token));
    }
    client
        .post(app.url(AUTOSAVE))
        .header("accept", "application/json")
        .form(&pairs)
        .send()
        .await
        .unwrap()
}

fn fields(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

async fn answer(res: reqwest::Response) -> Value {
    assert_eq!(res.status(), 200, "the autosave is answered");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_complaint_being_typed_is_saved_as_one_draft_that_each_save_updates() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Complainant).await;
    let (key, csrf) = new_form(&app, &client).await;

    // A few seconds into typing: the title and a first line.
    let first = fields(&[
        ("title", "압력 센서 설계 도용"),
        ("description", "첫 문단."),
        ("track", "mediation"),
        ("origin", "self_filed"),
    ]);
    let saved = answer(autosave(&app, &client, &key, Some(&csrf), &first).await).await;
    let draft = format!("/cases/drafts/{key}");
    assert_eq!(saved["draft"], draft.as_str());
    assert_eq!(saved["draft_key"], key.as_str());
    assert_eq!(saved["not_kept"], serde_json::json!([]));
    assert_eq!(app.count_cases().await, 1, "the first save makes the draft");

    // Later, the whole form, with a second respondent and a description over several lines.
    let mut all = complaint("Pressure sensor design taken");
    let description = "First paragraph.\r\n\r\n둘째 문단: 회로도가 유출되었습니다.";
    all.retain(|(k, _)| k != "description");
    all.extend(fields(&[
        ("description", description),
        ("r1_kind", "person"),
        ("r1_name", "Choi Former-Engineer"),
        ("r1_email", "choi@daehan.example"),
    ]));
    for _ in 0..3 {
        answer(autosave(&app, &client, &key, Some(&csrf), &all).await).await;
    }
    assert_eq!(
        app.count_cases().await,
        1,
        "the same draft is updated, never a new one"
    );

    let page = app.page(&client, &draft).await;
    for (field, value) in &all {
        assert!(page.contains(value.as_str()), "{field} is kept: {value}");
    }
    // Nothing was filed.
    assert!(!page.contains("IPD-"), "still a draft");
}

#[tokio::test]
async fn an_autosave_without_the_sessions_csrf_token_is_refused_and_saves_nothing() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Complainant).await;
    let (key, _) = new_form(&app, &client).await;
    let (_, others_token) = new_form(&app, &app.signed_in(Role::Complainant).await.0).await;
    let typed = fields(&[
        ("title", "Taken"),
        ("track", "mediation"),
        ("origin", "self_filed"),
    ]);
    for token in [None, Some("not-the-token"), Some(others_token.as_str())] {
        let res = autosave(&app, &client, &key, token, &typed).await;
        assert_eq!(res.status(), 403, "{token:?}");
    }
    assert_eq!(app.count_cases().await, 0);
}

#[tokio::test]
async fn a_field_not_valid_yet_is_kept_blank_and_named_and_the_rest_is_saved() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Complainant).await;
    let (key, csrf) = new_form(&app, &client).await;
    // The e-mail address is half typed when the save comes.
    let typed = fields(&[
        ("title", "Separator coating copied"),
        ("track", "mediation"),
        ("origin", "self_filed"),
        ("c_kind", "organisation"),
        ("c_name", "Hanbit Tech"),
        ("c_email", "legal@hanbit"),
        ("remedy", "Stop using the process."),
    ]);
    let saved = answer(autosave(&app, &client, &key, Some(&csrf), &typed).await).await;
    let not_kept = saved["not_kept"].as_array().unwrap();
    assert_eq!(not_kept.len(), 1, "{not_kept:?}");
    assert_eq!(not_kept[0]["field"], "c_email");
    assert!(
        not_kept[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Complainant: "),
        "{not_kept:?}"
    );
    let page = app.page(&client, &format!("/cases/drafts/{key}")).await;
    for kept in [
        "Separator coating copied",
        "Hanbit Tech",
        "Stop using the process.",
    ] {
        assert!(page.contains(kept), "{kept}");
    }
    assert!(!page.contains("legal@hanbit"));

    // Typed to the end, it is kept too.
    let mut done = typed.clone();
    done.retain(|(k, _)| k != "c_email");
    done.push(("c_email".into(), "legal@hanbit.example".into()));
    let saved = answer(autosave(&app, &client, &key, Some(&csrf), &done).await).await;
    assert_eq!(saved["not_kept"], serde_json::json!([]));
    assert!(
        app.page(&client, &format!("/cases/drafts/{key}"))
            .await
            .contains("legal@hanbit.example")
    );
}

#[tokio::test]
async fn a_filed_complaint_or_someone_elses_draft_is_not_changed_by_an_autosave() {
    let app = spawn_app().await;
    let (mina, _) = app.signed_in(Role::Complainant).await;
    let (other, _) = app.signed_in(Role::Complainant).await;
    let (key, csrf) = new_form(&app, &mina).await;
    let typed = fields(&[
        ("title", "Mina's draft"),
        ("track", "mediation"),
        ("origin", "self_filed"),
    ]);
    answer(autosave(&app, &mina, &key, Some(&csrf), &typed).await).await;

    // Another complainant, with the same key: not found, and the draft is as it was.
    let (_, others_csrf) = new_form(&app, &other).await;
    let hijack = fields(&[
        ("title", "Overwritten"),
        ("track", "mediation"),
        ("origin", "self_filed"),
    ]);
    let res = autosave(&app, &other, &key, Some(&others_csrf), &hijack).await;
    assert_eq!(res.status(), 404);
    let page = app.page(&mina, &format!("/cases/drafts/{key}")).await;
    assert!(
        page.contains("Mina&#x27;s draft") || page.contains("Mina&#39;s draft"),
        "{page}"
    );

    // Filed in another tab: a late autosave changes nothing and says where the case is.
    let res = crate::helpers::post_case(
        &app,
        &mina,
        [
            complaint("Filed from the other tab"),
            fields(&[("draft_key", key.as_str())]),
        ]
        .concat(),
        "submit",
    )
    .await;
    assert_eq!(res.status(), 303);
    let case = location(&res);
    let res = autosave(&app, &mina, &key, Some(&csrf), &hijack).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["case"], case.as_str());
    let page = app.page(&mina, &case).await;
    assert!(page.contains("Filed from the other tab"));
    assert!(!page.contains("Overwritten"));
}

#[tokio::test]
async fn signed_in_pages_carry_the_session_time_and_script_and_signed_out_pages_do_not() {
    let app = spawn_app_with(|s| s.session_idle_timeout_secs = 900).await;
    let (client, _) = app.signed_in(Role::Examiner).await;
    let script =
        regex::Regex::new(r#"<script src="(/static/session\.js\?v=[0-9a-f]+)" defer></script>"#).unwrap();
    let left = regex::Regex::new(r#"data-session-left-secs="(\d+)""#).unwrap();
    for path in ["/", "/cases", "/account", "/cases/new"] {
        let page = app.page(&client, path).await;
        assert!(page.contains(r#"data-idle-timeout-secs="900""#), "{path}");
        assert!(script.is_match(&page), "{path}: the script is linked");
        let secs: i64 = left.captures(&page).expect("the time left")[1].parse().unwrap();
        assert!((840..=900).contains(&secs), "{path}: {secs} seconds left");
        assert!(page.contains(&format!(r#"data-return-to="{path}""#)), "{path}");
        assert!(
            page.contains("data-session-warning"),
            "{path}: the warning's region"
        );
        assert!(page.contains("Stay signed in"), "{path}: the warning's button");
    }
    // A page answering a form cannot be opened again: nothing to come back to.
    let res = app.post_as(&client, "/cases", &[("title", "")]).await;
    let page = res.text().await.unwrap();
    assert!(page.contains("data-session-left-secs"));
    assert!(!page.contains("data-return-to"));
    // An address that would lead off the site, once signed in again, leads home instead.
    let page = app.page(&client, "//evil.example/cases").await;
    assert!(page.contains(r#"data-return-to="/""#), "{page}");

    let visitor = browser();
    for path in ["/", "/login", "/register", "/password-reset"] {
        let page = app.page(&visitor, path).await;
        assert!(!page.contains("data-idle-timeout-secs"), "{path}");
        assert!(!page.contains("session.js"), "{path}");
        assert!(!page.contains("data-session-warning"), "{path}");
    }

    let home = app.page(&client, "/").await;
    let res = app.get(&script.captures(&home).unwrap()[1]).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(res.text().await.unwrap().contains("data-autosave"));
}

#[tokio::test]
async fn only_a_new_complaint_or_a_draft_is_autosaved_not_a_filed_cases_correction() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let new = app.page(&complainant, "/cases/new").await;
    assert!(new.contains(r#"data-autosave="/cases/drafts/autosave""#));
    assert!(new.contains(r#"role="status" aria-live="polite" data-autosave-status"#));
    assert!(!new.contains("data-draft="), "no draft yet");
    let (key, csrf) = new_form(&app, &complainant).await;
    answer(
        autosave(
            &app,
            &complainant,
            &key,
            Some(&csrf),
            &fields(&[
                ("title", "Half"),
                ("track", "mediation"),
                ("origin", "self_filed"),
            ]),
        )
        .await,
    )
    .await;
    let draft = app.page(&complainant, &format!("/cases/drafts/{key}")).await;
    assert!(draft.contains(&format!(r#"data-draft="/cases/drafts/{key}""#)));

    let case_no = crate::helpers::file_case(&app, &complainant, "Filed whole").await;
    let edit = app.page(&examiner, &format!("/cases/{case_no}/edit")).await;
    assert!(edit.contains("<form"), "the correction form");
    assert!(!edit.contains("data-autosave"));
}

#[tokio::test]
async fn staying_signed_in_extends_the_session() {
    let app = spawn_app_with(|s| s.session_idle_timeout_secs = 3).await;
    let (client, _) = app.signed_in(Role::Complainant).await;
    let csrf = csrf_from(&app.page(&client, "/account").await);
    let stay = |token: &'static str| {
        let (client, url) = (client.clone(), app.url("/session/extend"));
        let token = if token.is_empty() {
            csrf.clone()
        } else {
            token.to_owned()
        };
        async move {
            client
                .post(url)
                .form(&[("csrf_token", token)])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(stay("not-the-token").await.status(), 403);
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(2000)).await;
        let res = stay("").await;
        assert_eq!(res.status(), 200, "still signed in");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["session_left_secs"], 3, "the whole idle time again");
    }
    // Six seconds after signing in, twice the idle time: still signed in.
    assert_eq!(app.get_as(&client, "/account").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(4100)).await;
    let res = stay("").await;
    assert_eq!(res.status(), 303, "once ended, staying is no longer possible");
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn staying_signed_in_does_not_pass_the_absolute_limit() {
    let app = spawn_app_with(|s| {
        s.session_idle_timeout_secs = 600;
        s.session_absolute_timeout_secs = 5;
    })
    .await;
    let (client, _) = app.signed_in(Role::Legal).await;
    let page = app.page(&client, "/account").await;
    assert!(
        page.contains(r#"data-session-limit-secs="5""#) || page.contains(r#"data-session-limit-secs="4""#)
    );
    let res = app.post_as(&client, "/session/extend", &[]).await;
    let body: Value = res.json().await.unwrap();
    let left = body["session_left_secs"].as_i64().unwrap();
    assert!((3..=5).contains(&left), "{left} seconds left, not the idle time");
}

#[tokio::test]
async fn signed_out_by_the_idle_timeout_someone_signs_in_again_onto_their_draft() {
    let app = spawn_app_with(|s| s.session_idle_timeout_secs = 2).await;
    let email = "mina@hanbit.example";
    app.create_user(Role::Complainant, email, STRONG_PASSWORD).await;
    let client = browser();
    assert_eq!(app.login_as(&client, email, STRONG_PASSWORD).await.status(), 303);
    let (key, csrf) = new_form(&app, &client).await;
    let typed = fields(&[
        ("title", "Pressure sensor design taken"),
        ("description", "A former engineer took the circuit design."),
        ("track", "mediation"),
        ("origin", "self_filed"),
    ]);
    answer(autosave(&app, &client, &key, Some(&csrf), &typed).await).await;

    tokio::time::sleep(Duration::from_millis(3100)).await;
    // The session has ended: an autosave now is sent to sign in, and changes nothing.
    let late = fields(&[
        ("title", "Typed after the end"),
        ("track", "mediation"),
        ("origin", "self_filed"),
    ]);
    let res = autosave(&app, &client, &key, Some(&csrf), &late).await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with("/login"));
    // The script then opens the draft, which asks to sign in first and to come back after.
    let draft = format!("/cases/drafts/{key}");
    let res = app.get_as(&client, &draft).await;
    assert_eq!(res.status(), 303);
    let login = location(&res);
    assert_eq!(login, format!("/login?next=%2Fcases%2Fdrafts%2F{key}"));
    let form = app.page(&client, &login).await;
    assert!(
        form.contains(&format!(r#"value="{draft}""#)),
        "the form keeps where to go"
    );
    assert!(form.contains("Your session has ended"), "and says why");
    // Someone who was not signed in is only asked to.
    let stranger = browser();
    let res = app.get_as(&stranger, &draft).await;
    let form = app.page(&stranger, &location(&res)).await;
    assert!(form.contains("Please sign in to continue."));

    let res = app
        .post_as(
            &client,
            "/login",
            &[("email", email), ("password", STRONG_PASSWORD), ("next", &draft)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), draft, "signed in, back on the draft");
    let page = app.page(&client, &draft).await;
    assert!(page.contains("Pressure sensor design taken"));
    assert!(page.contains("A former engineer took the circuit design."));
    assert!(!page.contains("Typed after the end"));
    assert_eq!(app.count_cases().await, 1);
    // Their home page offers the draft too.
    assert!(app.page(&client, "/").await.contains(&draft));
}
