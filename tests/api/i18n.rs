use std::collections::BTreeSet;
use std::path::Path;

use fluent_syntax::ast::Entry;
use ipdesk::audit;
use ipdesk::domain::{NoticeKind, Role};
use ipdesk::web::flash::Flash;

use crate::helpers::{STRONG_PASSWORD, browser, korean_browser, spawn_app};

fn keys_of(lang: &str) -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang)
        .join("main.ftl");
    let source = std::fs::read_to_string(&path).unwrap();
    let resource =
        fluent_syntax::parser::parse(source).unwrap_or_else(|(_, errors)| panic!("{lang}: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// Every key the code and templates ask for: `t("…")`/`t1("…")` calls in templates and the
/// message-key literals in the source, plus the keys built from lists.
fn keys_used() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let call = regex::Regex::new(r#"\bt1?\("([a-z0-9-]+)""#).unwrap();
    let literal = regex::Regex::new(r#""((?:err|flash|role|nav|home|field)-[a-z0-9-]+)""#).unwrap();
    let mut used = BTreeSet::new();
    let mut stack = vec![root.join("templates"), root.join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let is_rust = path.extension().is_some_and(|e| e == "rs");
            for re in if is_rust {
                vec![&call, &literal]
            } else {
                vec![&call]
            } {
                used.extend(re.captures_iter(&text).map(|c| c[1].to_owned()));
            }
        }
    }
    used.extend(Role::ALL.iter().map(|r| r.label_key().to_owned()));
    used.extend(Flash::ALL.iter().map(|f| f.key().to_owned()));
    used.extend(NoticeKind::ALL.iter().map(|k| k.label_key().to_owned()));
    used.extend(audit::action::all_codes().filter_map(|c| audit::action::label_key(&c)));
    used.extend(
        audit::action::OBJECTS
            .iter()
            .filter_map(|o| audit::action::object_label_key(o)),
    );
    used
}

#[test]
fn korean_and_english_have_exactly_the_same_keys() {
    let (en, ko) = (keys_of("en"), keys_of("ko"));
    let only_en: Vec<_> = en.difference(&ko).collect();
    let only_ko: Vec<_> = ko.difference(&en).collect();
    assert!(only_en.is_empty(), "missing in Korean: {only_en:?}");
    assert!(only_ko.is_empty(), "missing in English: {only_ko:?}");
}

#[test]
fn every_key_the_application_uses_exists_in_both_languages() {
    let used = keys_used();
    assert!(used.len() > 50, "the scan found the keys ({})", used.len());
    for lang in ["en", "ko"] {
        let have = keys_of(lang);
        let missing: Vec<_> = used.difference(&have).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
    }
}

#[tokio::test]
async fn the_browsers_language_decides_when_nobody_chose() {
    let app = spawn_app().await;
    let res = browser()
        .get(app.url("/login"))
        .header("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ko">"#));
    assert!(html.contains("로그인"));
    assert!(html.contains("이메일 주소"));
    let html = app.page(&browser(), "/login").await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("E-mail address"));
}

#[tokio::test]
async fn the_switcher_changes_the_language_and_returns_to_the_same_page() {
    let app = spawn_app().await;
    let res = app
        .post("/language", &[("lang", "ko"), ("next", "/register")])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(crate::helpers::location(&res), "/register");
    let html = app.page(&app.client, "/register").await;
    assert!(html.contains("신청인 회원가입"), "{html}");
    // Error messages follow the language too.
    let res = app.register_as(&app.client, "", "nope", "short").await;
    let html = res.text().await.unwrap();
    assert!(html.contains("이름을 입력하세요."));
    assert!(html.contains("비밀번호는 8자 이상이어야 합니다."));
    let res = app
        .post("/language", &[("lang", "en"), ("next", "https://evil.example")])
        .await;
    assert_eq!(crate::helpers::location(&res), "/");
    assert!(app.page(&app.client, "/").await.contains(r#"<html lang="en">"#));
}

#[tokio::test]
async fn a_signed_in_persons_choice_follows_them_to_other_browsers() {
    let app = spawn_app().await;
    let (client, user) = app.signed_in(Role::Mediator).await;
    app.post_as(&client, "/language", &[("lang", "ko"), ("next", "/account")])
        .await;
    let other = browser();
    app.login_as(&other, &user.email, STRONG_PASSWORD).await;
    let res = other
        .get(app.url("/account"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("내 계정"));
    assert!(html.contains("조정위원"));
}

#[tokio::test]
async fn error_pages_speak_the_visitors_language() {
    let app = spawn_app().await;
    let res = browser()
        .get(app.url("/nowhere"))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("페이지를 찾을 수 없음"));
}

#[tokio::test]
async fn error_pages_carry_the_language_switch_for_a_session() {
    let app = spawn_app().await;
    let client = korean_browser();
    // Any page starts a session; the 404 page afterwards knows it.
    app.page(&client, "/login").await;
    let res = client.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<html lang="ko">"#), "{html}");
    assert!(html.contains("페이지를 찾을 수 없음"), "{html}");
    assert!(html.contains(r#"<form class="language""#), "{html}");

    let (client, _) = app.signed_in(Role::Complainant).await;
    app.post_as(&client, "/language", &[("lang", "ko"), ("next", "/")])
        .await;
    // Unknown, hidden, forbidden.
    for path in ["/nowhere", "/cases/999999", "/admin/audit"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"<form class="language""#), "{path}: {html}");
        assert!(html.contains("페이지를 찾을 수 없음"), "{path}: {html}");
    }
    // A page that only answers a form: 405, saying which methods it takes.
    let res = client.get(app.url("/logout")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"<form class="language""#), "{html}");
    assert!(html.contains(r#"<html lang="ko">"#), "{html}");
    // A form without its token, and one the server cannot read.
    let token = app.csrf(&client).await;
    for (fields, status, title) in [
        (vec![("lang", "en")], 403, "허용되지 않음"),
        (
            vec![("csrf_token", token.as_str()), ("lang", "en"), ("lang", "ko")],
            400,
            "잘못된 요청",
        ),
    ] {
        let res = client
            .post(app.url("/language"))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), status);
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"<form class="language""#), "{status}: {html}");
        assert!(html.contains(title), "{status}: {html}");
    }
}
