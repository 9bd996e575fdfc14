use ipdesk::domain::Role;
use ipdesk::models::user;
use ipdesk::startup::Application;

use crate::helpers::{BASE_URL, STRONG_PASSWORD, browser, location, spawn_app};

#[tokio::test]
async fn a_fresh_install_has_no_account_and_offers_a_setup_link() {
    let app = spawn_app().await;
    assert_eq!(app.with_db(|c| user::count(c).unwrap()).await, 0);
    let link = app
        .setup_link
        .as_deref()
        .expect("a setup link on an empty database");
    assert!(
        link.starts_with(&format!("{BASE_URL}/setup?token=")),
        "built on the public URL: {link}"
    );
    for (email, password) in [
        ("admin", "admin"),
        ("admin@localhost", "admin"),
        ("admin@example.org", "password"),
    ] {
        assert_eq!(app.login_as(&browser(), email, password).await.status(), 422);
    }
}

#[tokio::test]
async fn the_setup_link_creates_the_first_administrator_once_only() {
    let app = spawn_app().await;
    let path = app.setup_path();
    let page = app.page(&app.client, &path).await;
    assert!(page.contains("Create the first administrator"));

    let token = path.split("token=").nth(1).unwrap().to_owned();
    let res = app
        .post(
            "/setup",
            &[
                ("token", &token),
                ("name", "Lee Seoyeon"),
                ("email", "admin@ipo.example"),
                ("password", "weak"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "a bad password keeps the link usable");
    assert!(res.text().await.unwrap().contains(r#"value="Lee Seoyeon""#));

    let res = app
        .post(
            "/setup",
            &[
                ("token", &token),
                ("name", "Lee Seoyeon"),
                ("email", "admin@ipo.example"),
                ("password", STRONG_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/");
    assert_eq!(
        app.get("/admin/users").await.status(),
        200,
        "signed in as the administrator"
    );

    let again = browser();
    let res = app.get_as(&again, &path).await;
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("already been used"));
    let res = app
        .post_as(
            &again,
            "/setup",
            &[
                ("token", &token),
                ("name", "Mallory"),
                ("email", "mallory@example.org"),
                ("password", STRONG_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.with_db(|c| user::count(c).unwrap()).await, 1);
}

#[tokio::test]
async fn a_restart_with_accounts_prints_no_link() {
    let app = spawn_app().await;
    app.create_user(Role::Admin, "admin@ipo.example", STRONG_PASSWORD)
        .await;
    let mut settings = app.settings.clone();
    settings.bind = "127.0.0.1:0".parse().unwrap();
    let again = Application::build(settings).await.unwrap();
    assert!(again.setup_link().is_none());
}

#[tokio::test]
async fn an_administrator_adds_an_examiner_who_sets_a_password_and_signs_in() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let res = app
        .post_as(
            &admin,
            "/admin/users",
            &[
                ("name", "Choi Examiner"),
                ("email", "bad address"),
                ("role", "examiner"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="email-error""#) && html.contains(r#"value="Choi Examiner""#));

    let res = app
        .post_as(
            &admin,
            "/admin/users",
            &[
                ("name", "Choi Examiner"),
                ("email", "choi@ipo.example"),
                ("role", "complainant"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "parties do not get office accounts");

    let res = app
        .post_as(
            &admin,
            "/admin/users",
            &[
                ("name", "Choi Examiner"),
                ("email", "choi@ipo.example"),
                ("role", "examiner"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let link = regex::Regex::new(r#"value="(http://ipdesk\.test/setup\?token=[A-Za-z0-9_-]+)""#)
        .unwrap()
        .captures(&html)
        .expect("the link is shown")[1]
        .to_owned();
    let listed = app.page(&admin, "/admin/users").await;
    assert!(listed.contains("choi@ipo.example") && listed.contains("Awaiting set-up"));

    let examiner = browser();
    let path = link.trim_start_matches(BASE_URL).to_owned();
    let page = app.page(&examiner, &path).await;
    assert!(page.contains("Choose a password for choi@ipo.example"));
    let token = path.split("token=").nth(1).unwrap();
    let res = app
        .post_as(
            &examiner,
            "/setup",
            &[("token", token), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303);
    let home = app.page(&examiner, "/").await;
    assert!(home.contains("Welcome, Choi Examiner") && home.contains("Examiner"));
    assert_eq!(app.get_as(&examiner, "/admin/users").await.status(), 404);
    assert_eq!(
        app.login_as(&browser(), "choi@ipo.example", STRONG_PASSWORD)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn an_administrator_cannot_deactivate_themselves() {
    let app = spawn_app().await;
    let (admin, me) = app.signed_in(Role::Admin).await;
    let res = app
        .post_as(&admin, &format!("/admin/users/{}/deactivate", me.id.0), &[])
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.get_as(&admin, "/admin/users").await.status(), 200);
}
