use std::time::Duration;

use ipdesk::domain::Role;

use crate::helpers::{
    STRONG_PASSWORD, bare_client, browser, location, set_cookie, spawn_app, spawn_app_with,
};

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_the_old_one_is_worthless() {
    let app = spawn_app().await;
    app.create_user(Role::Examiner, "ex@office.example", STRONG_PASSWORD)
        .await;
    let client = bare_client();

    let res = client.get(app.url("/login")).send().await.unwrap();
    let before = set_cookie(res.headers(), "ipdesk_session").expect("a pre-login session");
    let token = crate::helpers::csrf_from(&res.text().await.unwrap());
    let res = client
        .post(app.url("/login"))
        .header("cookie", format!("ipdesk_session={before}"))
        .form(&[
            ("email", "ex@office.example"),
            ("password", STRONG_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let after = set_cookie(res.headers(), "ipdesk_session").expect("a new session at login");
    assert_ne!(before, after);
    assert_eq!(after.len(), 43);

    let with = |cookie: String| {
        client
            .get(app.url("/account"))
            .header("cookie", format!("ipdesk_session={cookie}"))
            .send()
    };
    assert_eq!(with(after).await.unwrap().status(), 200);
    let old = with(before).await.unwrap();
    assert_eq!(old.status(), 303, "the pre-login id gives no access");
    assert!(location(&old).starts_with("/login"));
}

#[tokio::test]
async fn after_signing_out_a_copied_cookie_no_longer_works() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Legal).await;
    let res = app.get_as(&client, "/account").await;
    assert_eq!(res.status(), 200);
    // The cookie as an attacker would have copied it.
    let token = app.csrf(&client).await;
    let res = client
        .post(app.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["clear-site-data"], "\"cache\", \"storage\"");
    let removal = res.headers().get_all("set-cookie").iter().any(|v| {
        let v = v.to_str().unwrap();
        v.starts_with("ipdesk_session=;") && v.contains("Max-Age=0")
    });
    assert!(removal, "logout removes the cookie");

    let copied = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::sessions::dsl::*;
            sessions
                .filter(user_id.is_not_null())
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
    assert_eq!(copied, 0, "the session row is gone");
}

#[tokio::test]
async fn a_replayed_cookie_after_logout_is_refused() {
    let app = spawn_app().await;
    app.create_user(Role::Admin, "admin@office.example", STRONG_PASSWORD)
        .await;
    let client = bare_client();
    let res = client.get(app.url("/login")).send().await.unwrap();
    let pre = set_cookie(res.headers(), "ipdesk_session").unwrap();
    let token = crate::helpers::csrf_from(&res.text().await.unwrap());
    let res = client
        .post(app.url("/login"))
        .header("cookie", format!("ipdesk_session={pre}"))
        .form(&[
            ("email", "admin@office.example"),
            ("password", STRONG_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    let cookie = format!(
        "ipdesk_session={}",
        set_cookie(res.headers(), "ipdesk_session").unwrap()
    );
    let page = client
        .get(app.url("/account"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let token = crate::helpers::csrf_from(&page.text().await.unwrap());
    let res = client
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let replay = client
        .get(app.url("/admin/users"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 303);
    assert!(location(&replay).starts_with("/login"));
}

#[tokio::test]
async fn an_idle_session_times_out() {
    let app = spawn_app_with(|s| s.session_idle_timeout_secs = 2).await;
    let (client, _) = app.signed_in(Role::Examiner).await;
    assert_eq!(app.get_as(&client, "/account").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        app.get_as(&client, "/account").await.status(),
        200,
        "activity keeps it alive"
    );
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let res = app.get_as(&client, "/account").await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_limit_whatever_the_activity() {
    let app = spawn_app_with(|s| {
        s.session_idle_timeout_secs = 60;
        s.session_absolute_timeout_secs = 3;
    })
    .await;
    let (client, _) = app.signed_in(Role::Legal).await;
    for _ in 0..2 {
        assert_eq!(app.get_as(&client, "/account").await.status(), 200);
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(app.get_as(&client, "/account").await.status(), 303);
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let (laptop, user) = app.signed_in(Role::Complainant).await;
    let phone = browser();
    assert_eq!(
        app.login_as(&phone, &user.email, STRONG_PASSWORD).await.status(),
        303
    );

    let new_password = "copper-kettle-whistles-twice";
    let res = app
        .post_as(
            &laptop,
            "/account/password",
            &[
                ("current_password", "wrong-current-pass"),
                ("new_password", new_password),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("The current password is incorrect.")
    );
    assert_eq!(
        app.get_as(&phone, "/account").await.status(),
        200,
        "nothing changed yet"
    );

    let res = app
        .post_as(
            &laptop,
            "/account/password",
            &[
                ("current_password", STRONG_PASSWORD),
                ("new_password", new_password),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/account");
    assert!(
        app.page(&laptop, "/account")
            .await
            .contains("Your password has been changed")
    );
    let res = app.get_as(&phone, "/account").await;
    assert_eq!(res.status(), 303, "the other session is over");

    assert_eq!(
        app.login_as(&browser(), &user.email, STRONG_PASSWORD)
            .await
            .status(),
        422
    );
    assert_eq!(
        app.login_as(&browser(), &user.email, new_password).await.status(),
        303
    );
}

#[tokio::test]
async fn a_weak_new_password_is_refused() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(Role::Complainant).await;
    let res = app
        .post_as(
            &client,
            "/account/password",
            &[
                ("current_password", STRONG_PASSWORD),
                ("new_password", "password123"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains(r#"id="new_password-error""#));
}

#[tokio::test]
async fn deactivating_an_account_ends_its_live_session_at_once() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let (examiner, who) = app.signed_in(Role::Examiner).await;
    assert_eq!(app.get_as(&examiner, "/account").await.status(), 200);

    let res = app
        .post_as(&admin, &format!("/admin/users/{}/deactivate", who.id.0), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        app.page(&admin, "/admin/users")
            .await
            .contains("deactivated and signed out everywhere")
    );

    let res = app.get_as(&examiner, "/account").await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.login_as(&browser(), &who.email, STRONG_PASSWORD)
            .await
            .status(),
        422
    );

    let res = app
        .post_as(&admin, &format!("/admin/users/{}/activate", who.id.0), &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        app.login_as(&browser(), &who.email, STRONG_PASSWORD)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn session_cookies_are_http_only_same_site_and_host_only() {
    let app = spawn_app().await;
    let res = app.get("/login").await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("ipdesk_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain"));
    assert!(
        !cookie.contains("Max-Age"),
        "a browser-session cookie; the server enforces the lifetime"
    );
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed() {
    let app = spawn_app_with(|s| s.base_url = Some("https://desk.ipo.example".into())).await;
    let res = app.get("/login").await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-ipdesk_session="), "{cookie}");
    assert!(cookie.contains("Secure"));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain"));
}

#[tokio::test]
async fn logs_never_hold_passwords_tokens_or_session_ids() {
    let app = spawn_app().await;
    let password = "velvet-ostrich-juggles-9";
    let res = app
        .register_as(&app.client, "Log Watcher", "watcher@example.org", password)
        .await;
    let session = set_cookie(res.headers(), "ipdesk_session").unwrap();
    let csrf = app.csrf(&app.client).await;
    app.login_as(&browser(), "watcher@example.org", "wrong-password-logged?")
        .await;
    app.get(&app.setup_path()).await;
    let setup_token = app.setup_path().split("token=").nth(1).unwrap().to_owned();
    let logs = crate::helpers::logs();
    assert!(logs.contains("login.failure"), "failures are logged");
    for secret in [
        password,
        "wrong-password-logged?",
        session.as_str(),
        csrf.as_str(),
        setup_token.as_str(),
    ] {
        assert!(!logs.contains(secret), "the log holds a secret");
    }
}

/// Rows in the tables anonymous traffic could plausibly grow.
async fn anonymous_footprint(app: &crate::helpers::TestApp) -> (i64, i64, i64) {
    app.with_db(|c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::{audit_log, login_throttle, sessions};
        (
            sessions::table.count().get_result(c).unwrap(),
            audit_log::table.count().get_result(c).unwrap(),
            login_throttle::table.count().get_result(c).unwrap(),
        )
    })
    .await
}

#[tokio::test]
async fn cookieless_visits_write_nothing_to_the_database() {
    let app = spawn_app().await;
    let before = anonymous_footprint(&app).await;
    let client = bare_client();
    let mut cookies = std::collections::HashSet::new();
    for i in 0..300 {
        let path = ["/login", "/register", "/", "/password-reset"][i % 4];
        let res = client.get(app.url(path)).send().await.unwrap();
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "{path}: {}",
            res.status()
        );
        if let Some(c) = set_cookie(res.headers(), "ipdesk_session") {
            cookies.insert(c);
        }
    }
    assert!(
        cookies.len() >= 200,
        "each new visitor still gets a cookie for the forms"
    );
    assert_eq!(anonymous_footprint(&app).await, before, "no row for a visitor");
}

#[tokio::test]
async fn a_visitor_chooses_a_language_and_signs_in_without_a_row_until_then() {
    let app = spawn_app().await;
    let user = app
        .create_user(Role::Examiner, "visitor@office.example", STRONG_PASSWORD)
        .await;
    let client = browser();
    let res = app
        .post_as(&client, "/language", &[("lang", "ko"), ("next", "/login")])
        .await;
    assert_eq!(res.status(), 303);
    let html = app.page(&client, "/login").await;
    assert!(html.contains(r#"<html lang="ko">"#), "{html}");
    assert_eq!(
        anonymous_footprint(&app).await.0,
        0,
        "the choice is in the cookie"
    );

    assert_eq!(
        app.login_as(&client, &user.email, STRONG_PASSWORD).await.status(),
        303
    );
    let html = app.page(&client, "/account").await;
    assert!(
        html.contains(r#"<html lang="ko">"#),
        "the choice went into the session"
    );
    assert_eq!(
        anonymous_footprint(&app).await.0,
        1,
        "one row, for the signed-in session"
    );
}

#[tokio::test]
async fn a_forged_or_foreign_visitor_cookie_is_nobody() {
    let app = spawn_app().await;
    app.create_user(Role::Examiner, "forge@office.example", STRONG_PASSWORD)
        .await;
    let client = bare_client();
    let res = client.get(app.url("/login")).send().await.unwrap();
    let cookie = set_cookie(res.headers(), "ipdesk_session").unwrap();
    let token = crate::helpers::csrf_from(&res.text().await.unwrap());
    assert!(cookie.starts_with("v1."), "{cookie}");
    assert!(
        !cookie.contains(&token),
        "the cookie does not carry the form token"
    );

    let login = |cookie: String| {
        client
            .post(app.url("/login"))
            .header("cookie", format!("ipdesk_session={cookie}"))
            .form(&[
                ("email", "forge@office.example"),
                ("password", STRONG_PASSWORD),
                ("csrf_token", token.as_str()),
            ])
            .send()
    };
    // The language part changed, the signature kept: refused as if there were no cookie.
    let (body, mac) = cookie.rsplit_once('.').unwrap();
    let forged = format!("{}en.{mac}", body.strip_suffix('-').unwrap());
    assert_eq!(login(forged).await.unwrap().status(), 403);
    // Another office's visitor cookie, from an app with another key.
    let other = spawn_app().await;
    let res = client.get(other.url("/login")).send().await.unwrap();
    let foreign = set_cookie(res.headers(), "ipdesk_session").unwrap();
    assert_eq!(login(foreign).await.unwrap().status(), 403);
    // The genuine one works.
    assert_eq!(login(cookie).await.unwrap().status(), 303);
}
