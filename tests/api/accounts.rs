use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use ipdesk::domain::Role;
use ipdesk::models::user;

use crate::helpers::{STRONG_PASSWORD, browser, location, spawn_app, spawn_app_with};

async fn stored_hash(app: &crate::helpers::TestApp, email: &str) -> Option<String> {
    let email = email.to_owned();
    app.with_db(move |c| {
        user::find_row_by_email(c, &email)
            .unwrap()
            .and_then(|r| r.password_hash)
    })
    .await
}

#[tokio::test]
async fn a_complainant_registers_and_is_signed_in() {
    let app = spawn_app().await;
    let res = app
        .register_as(
            &app.client,
            "Kim Minji",
            "Minji@Hanbit-Tech.example",
            STRONG_PASSWORD,
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/");

    let home = app.page(&app.client, "/").await;
    assert!(home.contains("Welcome, Kim Minji"), "{home}");
    assert!(home.contains("Complainant"));
    assert!(home.contains("Your account has been created"));

    let row = app
        .with_db(|c| {
            user::find_row_by_email(c, "minji@hanbit-tech.example")
                .unwrap()
                .unwrap()
        })
        .await;
    assert_eq!(row.role, Role::Complainant);
    let hash = row.password_hash.unwrap();
    let parsed = PasswordHash::new(&hash).unwrap();
    assert_eq!(parsed.algorithm.as_str(), "argon2id");
    let params = Params::try_from(&parsed).unwrap();
    assert!(params.m_cost() >= 19456 && params.t_cost() >= 2 && params.p_cost() == 1);
    assert!(!hash.contains(STRONG_PASSWORD));
}

#[tokio::test]
async fn registering_an_address_twice_is_refused_next_to_the_field_keeping_what_was_typed() {
    let app = spawn_app().await;
    app.register_as(&browser(), "First Owner", "owner@example.org", STRONG_PASSWORD)
        .await;
    let res = app
        .register_as(
            &app.client,
            "Second Person",
            "OWNER@example.org",
            "another-quiet-harbour-77",
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="email-error""#), "{html}");
    assert!(html.contains("already exists"));
    assert!(html.contains(r#"value="Second Person""#));
    assert!(html.contains(r#"value="OWNER@example.org""#));
    let count = app.with_db(|c| user::count(c).unwrap()).await;
    assert_eq!(count, 1);
}

#[tokio::test]
async fn each_bad_field_gets_its_own_message_and_nothing_is_saved() {
    let app = spawn_app().await;
    let res = app
        .register_as(&app.client, "  ", "not-an-address", "password123")
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"id="name-error""#));
    assert!(html.contains(r#"id="email-error""#));
    assert!(html.contains(r#"id="password-error""#));
    assert!(html.contains("too easy to guess"));
    assert!(html.contains(r#"value="not-an-address""#));
    assert_eq!(app.with_db(|c| user::count(c).unwrap()).await, 0);
}

#[tokio::test]
async fn password_length_rules_count_characters_and_never_truncate() {
    let app = spawn_app().await;
    let cases: [(String, Option<&str>); 5] = [
        ("Zq8!vT2".into(), Some("at least 8 characters")),
        ("Zq8!vT2#".into(), None),
        (
            "Mountain rivers carve patient canyons through the granite of time".into(),
            None,
        ),
        (
            "Seven quiet lanterns drift above the harbour while an old ferryman counts \
             copper coins and hums a song his grandmother taught him"
                .into(),
            None,
        ),
        (
            format!("{}x", "q8Z!mUr2".repeat(32)),
            Some("at most 256 characters"),
        ),
    ];
    for (i, (password, refusal)) in cases.iter().enumerate() {
        let email = format!("len{i}@example.org");
        let client = browser();
        let res = app.register_as(&client, "Length Test", &email, password).await;
        match refusal {
            Some(message) => {
                assert_eq!(res.status(), 422, "length {}", password.chars().count());
                assert!(res.text().await.unwrap().contains(message));
            }
            None => {
                assert_eq!(res.status(), 303, "length {}", password.chars().count());
                // The whole password is needed: a prefix does not sign in.
                let prefix: String = password.chars().take(password.chars().count() - 1).collect();
                assert_eq!(app.login_as(&browser(), &email, &prefix).await.status(), 422);
                assert_eq!(app.login_as(&browser(), &email, password).await.status(), 303);
            }
        }
    }
}

#[tokio::test]
async fn a_korean_and_emoji_password_round_trips() {
    let app = spawn_app().await;
    let password = "특허🔒도둑은 반드시 잡힌다 🐯";
    assert_eq!(
        app.register_as(&browser(), "홍길동", "hong@example.kr", password)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.login_as(&browser(), "hong@example.kr", password)
            .await
            .status(),
        303
    );
    assert_eq!(
        app.login_as(&browser(), "hong@example.kr", "특허🔒도둑은 반드시 잡힌다")
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn a_complainant_signs_out_and_in_again() {
    let app = spawn_app().await;
    app.register_as(&app.client, "Park Jisoo", "jisoo@example.org", STRONG_PASSWORD)
        .await;
    let token = app.csrf(&app.client).await;
    let res = app
        .client
        .post(app.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        app.page(&app.client, "/")
            .await
            .contains("Register to file a complaint")
    );

    let res = app
        .login_as(&app.client, " Jisoo@Example.org ", STRONG_PASSWORD)
        .await;
    assert_eq!(res.status(), 303);
    let home = app.page(&app.client, "/").await;
    assert!(home.contains("Welcome, Park Jisoo"));
    assert!(home.contains("You are signed in"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    app.create_user(Role::Examiner, "examiner@office.example", STRONG_PASSWORD)
        .await;
    let scrub = |html: String| {
        regex::Regex::new(r#"value="[^"]*""#)
            .unwrap()
            .replace_all(&html, "")
            .into_owned()
    };

    let client = browser();
    let wrong = app
        .login_as(&client, "examiner@office.example", "not-the-password-1")
        .await;
    let wrong_status = wrong.status();
    let wrong_body = scrub(wrong.text().await.unwrap());
    let unknown = app
        .login_as(&client, "nobody@office.example", "not-the-password-1")
        .await;
    assert_eq!(wrong_status, unknown.status());
    assert_eq!(wrong_body, scrub(unknown.text().await.unwrap()));
    assert!(wrong_body.contains("The e-mail address or password is incorrect."));
}

#[tokio::test]
async fn sign_in_returns_to_the_page_that_asked_for_it_and_only_to_this_site() {
    let app = spawn_app().await;
    app.create_user(Role::Legal, "legal@office.example", STRONG_PASSWORD)
        .await;
    let res = app.get("/account/password").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login?next=%2Faccount%2Fpassword");
    let login = app.page(&app.client, "/login?next=%2Faccount%2Fpassword").await;
    assert!(login.contains(r#"name="next" value="/account/password""#));
    let res = app
        .post(
            "/login",
            &[
                ("email", "legal@office.example"),
                ("password", STRONG_PASSWORD),
                ("next", "/account/password"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/account/password");

    let other = browser();
    let res = app
        .post_as(
            &other,
            "/login",
            &[
                ("email", "legal@office.example"),
                ("password", STRONG_PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/");
}

#[tokio::test]
async fn repeated_failures_on_one_account_make_it_wait_even_with_the_right_password() {
    let app = spawn_app_with(|s| {
        s.login_free_failures = 3;
        s.login_delay_base_secs = 1;
    })
    .await;
    app.create_user(Role::Complainant, "target@example.org", STRONG_PASSWORD)
        .await;
    for _ in 0..3 {
        assert_eq!(
            app.login_as(&browser(), "target@example.org", "guess-guess-guess")
                .await
                .status(),
            422
        );
    }
    let res = app
        .login_as(&browser(), "target@example.org", STRONG_PASSWORD)
        .await;
    assert_eq!(res.status(), 429);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Too many failed sign-in attempts. Please wait 1 second and")
    );

    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    assert_eq!(
        app.login_as(&browser(), "target@example.org", STRONG_PASSWORD)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn the_hourly_cap_refuses_even_the_right_password() {
    let app = spawn_app_with(|s| {
        s.login_free_failures = 100;
        s.login_max_failures_per_hour = 4;
    })
    .await;
    app.create_user(Role::Complainant, "capped@example.org", STRONG_PASSWORD)
        .await;
    for _ in 0..4 {
        app.login_as(&browser(), "capped@example.org", "guess-guess-guess")
            .await;
    }
    let res = app
        .login_as(&browser(), "capped@example.org", STRONG_PASSWORD)
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.text().await.unwrap().contains("minutes"));
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_slowed_down() {
    let app = spawn_app_with(|s| s.address_max_failures = 3).await;
    app.create_user(Role::Complainant, "real@example.org", STRONG_PASSWORD)
        .await;
    for i in 0..3 {
        let res = app
            .login_as(&browser(), &format!("spray{i}@example.org"), "summer-2026-spray")
            .await;
        assert_eq!(res.status(), 422);
    }
    let res = app
        .login_as(&browser(), "real@example.org", STRONG_PASSWORD)
        .await;
    assert_eq!(res.status(), 429);
}

#[tokio::test]
async fn an_old_weaker_hash_is_upgraded_at_sign_in() {
    let app = spawn_app().await;
    let user = app
        .create_user(Role::Mediator, "old@panel.example", "placeholder-never-used")
        .await;
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(8192, 1, 1, None).unwrap(),
    )
    .hash_password(
        STRONG_PASSWORD.as_bytes(),
        &SaltString::generate(&mut argon2::password_hash::rand_core::OsRng),
    )
    .unwrap()
    .to_string();
    app.with_db(move |c| user::set_password_hash(c, user.id, &weak).unwrap())
        .await;

    assert_eq!(
        app.login_as(&app.client, "old@panel.example", STRONG_PASSWORD)
            .await
            .status(),
        303
    );
    let stored = stored_hash(&app, "old@panel.example").await.unwrap();
    let params = Params::try_from(&PasswordHash::new(&stored).unwrap()).unwrap();
    assert_eq!((params.m_cost(), params.t_cost(), params.p_cost()), (19456, 2, 1));
    assert_eq!(
        app.login_as(&browser(), "old@panel.example", STRONG_PASSWORD)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn no_column_holds_a_password_in_the_clear() {
    let app = spawn_app().await;
    app.register_as(&app.client, "Clear Text", "clear@example.org", STRONG_PASSWORD)
        .await;
    let rows = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::users::dsl::*;
            users
                .select((email, name, role, password_hash))
                .load::<(String, String, String, Option<String>)>(c)
                .unwrap()
        })
        .await;
    for (e, n, r, h) in rows {
        for value in [e, n, r, h.unwrap_or_default()] {
            assert!(!value.contains(STRONG_PASSWORD));
        }
    }
}
