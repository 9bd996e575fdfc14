//! Sign-in throttling that stops guessing and spraying without locking out the innocent: the
//! people behind one office address, and an owner whose account a stranger keeps trying.

use ipdesk::domain::Role;
use reqwest::header::HeaderMap;

use crate::helpers::{STRONG_PASSWORD, TestApp, spawn_app_with};

/// A browser whose requests reach ipdesk from `address` (through the trusted proxy).
fn browser_at(address: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn sign_in(app: &TestApp, client: &reqwest::Client, email: &str, password: &str) -> u16 {
    app.login_as(client, email, password).await.status().as_u16()
}

async fn sign_out(app: &TestApp, client: &reqwest::Client) {
    assert_eq!(app.post_as(client, "/logout", &[]).await.status(), 303);
}

const OFFICE_NAT: &str = "198.51.100.7";
const STRANGER: &str = "203.0.113.9";

#[tokio::test]
async fn a_browser_that_signed_in_before_gets_through_an_address_under_attack() {
    let app = spawn_app_with(|s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        s.address_max_failures = 3;
    })
    .await;
    app.create_user(Role::Examiner, "kim@office.example", STRONG_PASSWORD)
        .await;
    app.create_user(Role::Legal, "lee@office.example", STRONG_PASSWORD)
        .await;
    let kims_browser = browser_at(OFFICE_NAT);
    assert_eq!(
        sign_in(&app, &kims_browser, "kim@office.example", STRONG_PASSWORD).await,
        303
    );
    sign_out(&app, &kims_browser).await;

    // Someone behind the same NAT sprays passwords at other accounts.
    let sprayer = browser_at(OFFICE_NAT);
    for i in 0..3 {
        assert_eq!(
            sign_in(&app, &sprayer, &format!("user{i}@office.example"), "Spring-2026!").await,
            422
        );
    }
    // The address is slowed down for browsers it does not know ...
    assert_eq!(
        sign_in(
            &app,
            &browser_at(OFFICE_NAT),
            "lee@office.example",
            STRONG_PASSWORD
        )
        .await,
        429
    );
    // ... but Kim's browser, which signed in to Kim's account before, is let through.
    assert_eq!(
        sign_in(&app, &kims_browser, "kim@office.example", STRONG_PASSWORD).await,
        303
    );
}

/// A stranger guesses at the owner's account from `from` until its hourly cap refuses even
/// the right password there.
async fn lock_out(app: &TestApp, from: &str) {
    let stranger = browser_at(from);
    for _ in 0..4 {
        assert_eq!(
            sign_in(app, &stranger, "owner@hanbit.example", "guess-guess-guess").await,
            422
        );
    }
    assert_eq!(
        sign_in(app, &stranger, "owner@hanbit.example", STRONG_PASSWORD).await,
        429
    );
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_and_a_reset_link_restores_a_new_browser() {
    let app = spawn_app_with(|s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        s.login_free_failures = 100;
        s.login_max_failures_per_hour = 4;
    })
    .await;
    app.create_user(Role::Complainant, "owner@hanbit.example", STRONG_PASSWORD)
        .await;
    let laptop = browser_at(OFFICE_NAT);
    assert_eq!(
        sign_in(&app, &laptop, "owner@hanbit.example", STRONG_PASSWORD).await,
        303
    );
    sign_out(&app, &laptop).await;

    // A stranger guesses until the account's hourly cap refuses even them, and a browser the
    // account never used.
    lock_out(&app, STRANGER).await;
    let phone = browser_at(OFFICE_NAT);
    assert_eq!(
        sign_in(&app, &phone, "owner@hanbit.example", STRONG_PASSWORD).await,
        429
    );

    // The owner's own laptop is not held by it.
    assert_eq!(
        sign_in(&app, &laptop, "owner@hanbit.example", STRONG_PASSWORD).await,
        303
    );
    sign_out(&app, &laptop).await;

    // Locked again from elsewhere, the new browser waits, until a reset link proves the owner.
    lock_out(&app, "192.0.2.44").await;
    assert_eq!(
        sign_in(&app, &phone, "owner@hanbit.example", STRONG_PASSWORD).await,
        429
    );
    let res = app
        .post_as(&phone, "/password-reset", &[("email", "owner@hanbit.example")])
        .await;
    assert_eq!(res.status(), 200);
    let rows = app
        .wait_for_notices("the reset link", |rows| {
            rows.iter()
                .any(|r| r.body_text.contains("/password-reset/confirm?token="))
        })
        .await;
    let body = &rows
        .iter()
        .find(|r| r.body_text.contains("/password-reset/confirm?token="))
        .unwrap()
        .body_text;
    let token = regex::Regex::new(r"/password-reset/confirm\?token=([A-Za-z0-9_-]+)")
        .unwrap()
        .captures(body)
        .unwrap()[1]
        .to_owned();
    let new_password = "violet-harbour-lantern-42";
    let res = app
        .post_as(
            &phone,
            "/password-reset/confirm",
            &[("token", token.as_str()), ("password", new_password)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        sign_in(&app, &phone, "owner@hanbit.example", new_password).await,
        303
    );
}

#[tokio::test]
async fn a_known_browser_that_keeps_failing_stops_being_known() {
    let app = spawn_app_with(|s| {
        s.trusted_proxy = Some("127.0.0.1".parse().unwrap());
        s.login_free_failures = 100;
        s.login_max_failures_per_hour = 3;
    })
    .await;
    app.create_user(Role::Complainant, "target@hanbit.example", STRONG_PASSWORD)
        .await;
    let stolen = browser_at(STRANGER);
    assert_eq!(
        sign_in(&app, &stolen, "target@hanbit.example", STRONG_PASSWORD).await,
        303
    );
    sign_out(&app, &stolen).await;

    // Its own three failures spend the token; the next three count against the account as
    // for any browser, and then even the right password waits.
    for _ in 0..6 {
        assert_eq!(
            sign_in(&app, &stolen, "target@hanbit.example", "guess-guess-guess").await,
            422
        );
    }
    assert_eq!(
        sign_in(&app, &stolen, "target@hanbit.example", STRONG_PASSWORD).await,
        429
    );
}
