use diesel::connection::SimpleConnection;
use ipdesk::domain::Role;

use crate::helpers::{browser, spawn_app, spawn_app_with};

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = res.headers();
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: CSP"))
        .to_str()
        .unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{what}: CSP lacks {directive}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["x-frame-options"], "DENY", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/login",
        "/register",
        "/healthz",
        "/static/app.css",
        "/no/such/page",
        "/setup?token=nope",
    ] {
        let res = app.get(path).await;
        assert_security_headers(&res, path);
    }
    let (client, _) = app.signed_in(Role::Admin).await;
    for path in ["/account", "/account/password", "/admin/users"] {
        let res = app.get_as(&client, path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert_security_headers(&res, path);
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = app
        .post_as(&client, "/language", &[("lang", "ko"), ("next", "/")])
        .await;
    assert_security_headers(&res, "POST /language");
}

#[tokio::test]
async fn pages_forbid_caching_and_assets_allow_it() {
    let app = spawn_app().await;
    assert_eq!(app.get("/login").await.headers()["cache-control"], "no-store");
    let home = app.page(&browser(), "/").await;
    let href = regex::Regex::new(r#"href="(/static/app\.css\?v=[0-9a-f]+)""#)
        .unwrap()
        .captures(&home)
        .unwrap()[1]
        .to_owned();
    let res = app.get(&href).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/css; charset=utf-8");
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(app.get("/static/../Cargo.toml").await.status(), 404);
    assert_eq!(app.get("/static/secret.txt").await.status(), 404);
}

#[tokio::test]
async fn over_https_transport_security_is_required() {
    let app = spawn_app_with(|s| s.base_url = Some("https://desk.ipo.example".into())).await;
    let res = app.get("/").await;
    let hsts = res.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.contains("max-age=63072000") && hsts.contains("includeSubDomains"));
}

#[tokio::test]
async fn the_setup_page_keeps_its_token_out_of_referrers_but_not_its_origin() {
    let app = spawn_app().await;
    let res = app.get(&app.setup_path()).await;
    assert_eq!(res.status(), 200);
    // `no-referrer` would make Chrome post the page's own form with `Origin: null`.
    assert_eq!(res.headers()["referrer-policy"], "strict-origin");
}

#[tokio::test]
async fn a_server_error_shows_a_reference_and_no_internals() {
    let app = spawn_app().await;
    let (client, _) = app.signed_in(ipdesk::domain::Role::Examiner).await;
    let postgres = app.db.is_postgres();
    app.with_db(move |c| {
        let sql = if postgres {
            "DROP TABLE sessions CASCADE"
        } else {
            "DROP TABLE sessions"
        };
        c.batch_execute(sql).unwrap()
    })
    .await;
    // A signed-in page needs its session row, and the table is gone.
    let res = app.get_as(&client, "/").await;
    assert_eq!(res.status(), 500);
    assert_security_headers(&res, "500");
    let html = res.text().await.unwrap();
    assert!(html.contains("Something went wrong"));
    let reference = regex::Regex::new(r#"class="correlation-id">([0-9A-F]{12})<"#)
        .unwrap()
        .captures(&html)
        .expect("a reference")[1]
        .to_owned();
    for internal in [
        "diesel",
        "sqlite",
        "SQLITE",
        "postgres",
        "sessions",
        "panicked",
        "no such table",
        "relation \"",
        "does not exist",
    ] {
        assert!(!html.contains(internal), "the page leaks {internal}");
    }
    assert!(
        crate::helpers::logs().contains(&reference),
        "the log has the same reference"
    );
}

#[tokio::test]
async fn trace_and_unknown_methods_are_not_served() {
    let app = spawn_app().await;
    let res = app
        .client
        .request(reqwest::Method::TRACE, app.url("/"))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error());
    assert!(!res.text().await.unwrap().contains("TRACE / HTTP"));
}

#[tokio::test]
async fn a_scanners_put_delete_or_propfind_is_answered_405_with_allow_and_logged_calmly() {
    let app = spawn_app().await;
    for method in ["PUT", "DELETE", "PROPFIND", "PATCH"] {
        let res = app
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                app.url("/login"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{method}");
        assert_eq!(res.headers()["allow"], "GET, HEAD, POST", "{method}");
    }
    let res = app
        .client
        .request(reqwest::Method::DELETE, app.url("/cases"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let logs = crate::helpers::logs();
    assert!(
        logs.lines().any(|l| l.contains("\"level\":\"INFO\"")
            && l.contains("PROPFIND")
            && l.contains("method not allowed")),
        "it is logged, as what it is"
    );
    assert!(
        !logs
            .lines()
            .any(|l| l.contains("\"level\":\"ERROR\"") && l.contains("PROPFIND")),
        "a method we do not take is not logged as our error"
    );
}
