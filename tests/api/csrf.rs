use ipdesk::domain::Role;
use ipdesk::routes::{ROUTES, Verb};

use crate::helpers::{STRONG_PASSWORD, browser, spawn_app};

#[tokio::test]
async fn a_form_without_its_token_is_refused_with_an_explanation() {
    let app = spawn_app().await;
    app.create_user(Role::Examiner, "ex@office.example", STRONG_PASSWORD)
        .await;
    app.csrf(&app.client).await;
    let res = app
        .client
        .post(app.url("/login"))
        .form(&[("email", "ex@office.example"), ("password", STRONG_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("This form has expired or did not come from this site"),
        "{html}"
    );
}

#[tokio::test]
async fn another_sessions_token_or_a_wrong_one_is_refused() {
    let app = spawn_app().await;
    app.create_user(Role::Examiner, "ex@office.example", STRONG_PASSWORD)
        .await;
    let attacker = browser();
    let stolen = app.csrf(&attacker).await;
    app.csrf(&app.client).await;
    for token in [stolen.as_str(), "", "x", &"A".repeat(43)] {
        let res = app
            .client
            .post(app.url("/login"))
            .form(&[
                ("email", "ex@office.example"),
                ("password", STRONG_PASSWORD),
                ("csrf_token", token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "token {token:?}");
    }
}

#[tokio::test]
async fn a_token_sent_only_as_a_cookie_is_refused() {
    let app = spawn_app().await;
    let client = crate::helpers::bare_client();
    let res = client.get(app.url("/login")).send().await.unwrap();
    let session = crate::helpers::set_cookie(res.headers(), "ipdesk_session").unwrap();
    let token = crate::helpers::csrf_from(&res.text().await.unwrap());
    let res = client
        .post(app.url("/login"))
        .header("cookie", format!("ipdesk_session={session}; csrf_token={token}"))
        .form(&[("email", "a@example.org"), ("password", "whatever-it-is")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A refused body may be partly unread; the connection is not offered for reuse.
    assert_eq!(res.headers()["connection"], "close");
}

#[tokio::test]
async fn cross_site_posts_are_refused_by_origin_and_fetch_metadata() {
    let app = spawn_app().await;
    let token = app.csrf(&app.client).await;
    let form = [
        ("email", "a@example.org"),
        ("password", "whatever-it-is"),
        ("csrf_token", token.as_str()),
    ];
    let post = |header: (&'static str, &'static str)| {
        app.client
            .post(app.url("/login"))
            .header(header.0, header.1)
            .form(&form)
            .send()
    };
    let res = post(("origin", "https://evil.example")).await.unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.text().await.unwrap().contains("came from another site"));
    assert_eq!(
        post(("sec-fetch-site", "cross-site")).await.unwrap().status(),
        403
    );
    assert_eq!(post(("origin", "null")).await.unwrap().status(), 403);
    // From the configured public origin, the same form goes through (and fails on the password).
    assert_eq!(
        post(("origin", crate::helpers::BASE_URL)).await.unwrap().status(),
        422
    );
    assert_eq!(
        post(("sec-fetch-site", "same-origin")).await.unwrap().status(),
        422
    );
    // A page that hides its referrer makes Chrome send `Origin: null` with its own forms;
    // the browser's fetch metadata still says where the form came from.
    let res = app
        .client
        .post(app.url("/login"))
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn every_post_route_refuses_a_missing_token_even_for_staff() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let other = app
        .create_user(Role::Examiner, "victim@office.example", STRONG_PASSWORD)
        .await;
    let case_no = crate::helpers::file_case(&app, &examiner, "Token test").await;
    let exhibit = crate::helpers::upload(
        &app,
        &examiner,
        &case_no,
        &[crate::helpers::file(
            "Contract",
            "parties",
            "contract.pdf",
            crate::helpers::PDF,
        )],
    )
    .await;
    assert_eq!(exhibit.status(), 303);
    app.csrf(&admin).await;
    app.csrf(&examiner).await;
    let posts: Vec<_> = ROUTES.iter().filter(|r| r.verb == Verb::Post).collect();
    assert!(posts.len() >= 8);
    for route in posts {
        let path = route
            .path
            .replace("{id}", &other.id.0.to_string())
            .replace("{case_no}", &case_no)
            .replace("{link}", "1")
            .replace("{docdb}", "US8930553B2")
            .replace("{number}", "3001");
        let mut refused = 0;
        // Each route is tried by the administrator and an examiner: whoever may use it
        // must still be refused without the token; whoever may not is told nothing exists.
        for client in [&admin, &examiner] {
            let res = client
                .post(app.url(&path))
                .form(&[
                    ("name", "x"),
                    ("email", "x@example.org"),
                    ("role", "admin"),
                    ("lang", "ko"),
                    ("title", "forged"),
                    ("body", "forged"),
                    ("action", "submit"),
                ])
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            assert!(
                status == 403 || status == 404,
                "POST {path} without a token gave {status}"
            );
            refused += usize::from(status == 403);
        }
        assert!(
            refused >= 1,
            "POST {path}: nobody who may use it was refused for the missing token"
        );
    }
    // And nothing happened: the victim is still active, no account was added, the case
    // has no note.
    assert_eq!(
        app.login_as(&browser(), "victim@office.example", STRONG_PASSWORD)
            .await
            .status(),
        303
    );
    let notes = app
        .with_db(|c| {
            use diesel::prelude::*;
            ipdesk::db::schema::case_notes::table
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
    assert_eq!(notes, 0);
    // (the administrator, the examiner and the victim)
    assert_eq!(app.with_db(|c| ipdesk::models::user::count(c).unwrap()).await, 3);
}
