//! The second factor (issue 20): the office's policy holds staff at setting one up, signing in
//! asks for it after the password, recovery codes work once, sensitive actions ask for it
//! again after 15 minutes, and an administrator's reset is audited and mailed. Codes are
//! computed here from the secret the enrollment page shows, as a person's app computes them.

use ipdesk::auth::second_factor::{Totp, step_at};
use ipdesk::config::Settings;
use ipdesk::domain::{NoticeKind, Role};
use ipdesk::models::user::User;
use ipdesk::routes::{ROUTES, Verb};

use crate::helpers::{STRONG_PASSWORD, TestApp, browser, location, spawn_app_with};

/// An office with the default policy: administrators, examiners, legal officers and
/// mediators must have a second factor.
async fn office_with_policy() -> TestApp {
    spawn_app_with(|s| s.mfa_required_roles = Settings::default().mfa_required_roles).await
}

fn now_step() -> u64 {
    step_at(chrono::Utc::now().timestamp() as u64)
}

fn capture(html: &str, pattern: &str) -> String {
    regex::Regex::new(pattern)
        .unwrap()
        .captures(html)
        .unwrap_or_else(|| panic!("{pattern} in {html}"))[1]
        .to_owned()
}

/// Sets up an authenticator app through the pages, as a person does: its secret read off the
/// page, the code computed from it. Returns the app and the recovery codes shown once.
async fn enroll_totp(app: &TestApp, client: &reqwest::Client) -> (Totp, Vec<String>) {
    let res = app.post_as(client, "/account/security/totp", &[]).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        page.contains(r#"<img class="qr" src="data:image/svg+xml;base64,"#),
        "a QR code"
    );
    let secret = capture(&page, r"data-totp-secret>([A-Z2-7 ]+)<").replace(' ', "");
    let bytes = totp_rs::Secret::Encoded(secret).to_bytes().unwrap();
    let totp = Totp::new(bytes, "test", "test");
    let res = app
        .post_as(
            client,
            "/account/security/totp/confirm",
            &[("code", &totp.code_at(now_step()))],
        )
        .await;
    assert_eq!(res.status(), 200, "the recovery codes are shown");
    let page = res.text().await.unwrap();
    let codes: Vec<String> = regex::Regex::new(r"<li><code>([0-9a-z-]+)</code></li>")
        .unwrap()
        .captures_iter(&page)
        .map(|c| c[1].to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes");
    (totp, codes)
}

/// An account of `role` with an authenticator app, and a browser signed in with it.
async fn with_totp(app: &TestApp, role: Role) -> (reqwest::Client, User, Totp, Vec<String>) {
    let email = format!("{role}-{}@ipo.example", uuid::Uuid::new_v4().simple());
    let user = app.create_user(role, &email, STRONG_PASSWORD).await;
    let client = browser();
    assert_eq!(app.login_as(&client, &email, STRONG_PASSWORD).await.status(), 303);
    let (totp, codes) = enroll_totp(app, &client).await;
    (client, user, totp, codes)
}

/// Signs in with the password; the second step's page comes next.
async fn password_only(app: &TestApp, email: &str) -> reqwest::Client {
    let client = browser();
    let res = app.login_as(&client, email, STRONG_PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login/second-factor?next=%2F");
    client
}

async fn give_code(app: &TestApp, client: &reqwest::Client, code: &str) -> reqwest::Response {
    app.post_as(
        client,
        "/login/second-factor",
        &[("factor_code", code), ("factor_next", "/cases")],
    )
    .await
}

/// Makes the account's sessions have given their second factor 16 minutes ago.
async fn factor_given_long_ago(app: &TestApp, user: &User) {
    factor_given_minutes_ago(app, user, 16).await;
}

async fn factor_given_minutes_ago(app: &TestApp, user: &User, minutes: i64) {
    let id = user.id.0;
    app.with_db(move |c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::sessions;
        let then = ipdesk::models::now() - chrono::TimeDelta::minutes(minutes);
        diesel::update(sessions::table.filter(sessions::user_id.eq(id)))
            .set(sessions::factor_at.eq(then))
            .execute(c)
            .unwrap();
    })
    .await;
}

async fn security_notices(app: &TestApp, to: &str) -> Vec<String> {
    app.notices()
        .await
        .into_iter()
        .filter(|n| n.kind == NoticeKind::SecurityChanged && n.recipient == to)
        .map(|n| n.body_text)
        .collect()
}

#[tokio::test]
async fn an_examiner_must_set_up_a_second_factor_before_working() {
    let app = office_with_policy().await;
    let (client, examiner) = app.signed_in(Role::Examiner).await;

    for path in ["/cases", "/deadlines", "/rights", "/account"] {
        let res = app.get_as(&client, path).await;
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(location(&res), "/account/security", "{path} leads to the set-up");
    }
    let res = app.post_as(&client, "/cases", &[("title", "x")]).await;
    assert_eq!(location(&res), "/account/security", "nor can they post");
    assert_eq!(app.count_cases().await, 0);
    let page = app.page(&client, "/account/security").await;
    assert!(page.contains("data-held"), "the page says why");

    // A wrong code does not set it up.
    app.post_as(&client, "/account/security/totp", &[]).await;
    let res = app
        .post_as(&client, "/account/security/totp/confirm", &[("code", "000000")])
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("does not match"));
    assert_eq!(app.get_as(&client, "/cases").await.status(), 303, "still held");

    enroll_totp(&app, &client).await;
    assert_eq!(app.get_as(&client, "/cases").await.status(), 200, "working now");
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"mfa.totp_added".to_owned()), "{actions:?}");
    assert!(actions.contains(&"mfa.recovery_codes_made".to_owned()));
    let mails = security_notices(&app, &examiner.email).await;
    assert_eq!(mails.len(), 1, "one mail for the app set up");
    assert!(mails[0].contains("authenticator app was set up"), "{}", mails[0]);

    // A complainant is not held, and may set one up if they wish.
    let (party, _) = app.signed_in(Role::Complainant).await;
    assert_eq!(app.get_as(&party, "/cases").await.status(), 200);
    enroll_totp(&app, &party).await;
}

#[tokio::test]
async fn the_policy_names_its_roles() {
    let app = spawn_app_with(|s| s.mfa_required_roles = vec!["complainant".into()]).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    assert_eq!(app.get_as(&examiner, "/cases").await.status(), 200);
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    assert_eq!(
        location(&app.get_as(&complainant, "/cases").await),
        "/account/security"
    );

    let bad = Settings {
        mfa_required_roles: vec!["janitor".into()],
        ..Settings::default()
    };
    let error = bad.validate().unwrap_err().to_string();
    assert!(error.contains("janitor"), "{error}");
}

#[tokio::test]
async fn signing_in_asks_for_the_code_after_the_password_and_a_code_works_once() {
    let app = office_with_policy().await;
    let (_, examiner, totp, _) = with_totp(&app, Role::Examiner).await;

    let client = password_only(&app, &examiner.email).await;
    // Nothing of the desk yet: the session is not signed in.
    let res = app.get_as(&client, "/cases").await;
    assert!(location(&res).starts_with("/login?next="), "{}", location(&res));
    let res = app.get_as(&client, "/login").await;
    assert!(location(&res).starts_with("/login/second-factor"));
    let page = app.page(&client, "/login/second-factor").await;
    assert!(page.contains(r#"name="factor_code""#));
    assert!(!page.contains("data-passkey"), "no passkey to offer");

    let res = give_code(&app, &client, "123456").await;
    assert_eq!(res.status(), 422, "a wrong code");
    assert!(res.text().await.unwrap().contains("not right"));
    let res = give_code(&app, &client, &totp.code_at(now_step() - 3)).await;
    assert_eq!(res.status(), 422, "a code from a minute and a half ago");
    let res = give_code(&app, &client, "").await;
    assert_eq!(res.status(), 422, "no code");

    // The next step's code (one step ahead is allowed for clock drift): the one enrollment
    // used is spent.
    let code = totp.code_at(now_step() + 1);
    let res = give_code(&app, &client, &code).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/cases");
    assert_eq!(app.get_as(&client, "/cases").await.status(), 200);

    // The same code again, in another browser: refused as used.
    let other = password_only(&app, &examiner.email).await;
    let res = give_code(&app, &other, &code).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.unwrap().contains("used already"),
        "a replay is told apart"
    );
    assert_eq!(app.get_as(&other, "/cases").await.status(), 303);
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"login.second_factor".to_owned()));
    // Two wrong codes and the replay; an empty form is not a try.
    assert_eq!(
        actions.iter().filter(|a| *a == "mfa.failure").count(),
        3,
        "{actions:?}"
    );

    // Cancel: the waiting session ends.
    let res = app.post_as(&other, "/logout", &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&app.get_as(&other, "/login/second-factor").await),
        "/login"
    );
}

#[tokio::test]
async fn wrong_codes_are_throttled_and_even_the_right_one_then_waits() {
    let app = office_with_policy().await;
    let (_, examiner, totp, _) = with_totp(&app, Role::Examiner).await;
    let client = password_only(&app, &examiner.email).await;
    for _ in 0..app.settings.login_free_failures {
        assert_eq!(give_code(&app, &client, "000000").await.status(), 422);
    }
    let res = give_code(&app, &client, "000000").await;
    assert_eq!(res.status(), 429, "the next try must wait");
    let res = give_code(&app, &client, &totp.code_at(now_step() + 1)).await;
    assert_eq!(res.status(), 429, "the right code waits too");
    assert!(res.text().await.unwrap().contains("second"));
}

#[tokio::test]
async fn each_recovery_code_works_once_and_says_how_many_are_left() {
    let app = office_with_policy().await;
    let (_, examiner, _, codes) = with_totp(&app, Role::Examiner).await;
    // Stored hashed: no code appears in the database.
    let stored: Vec<String> = app
        .with_db(|c| {
            use diesel::prelude::*;
            ipdesk::db::schema::recovery_codes::table
                .select(ipdesk::db::schema::recovery_codes::code_hash)
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(stored.len(), 10);
    assert!(
        stored
            .iter()
            .all(|h| codes.iter().all(|c| !h.contains(&c.replace('-', ""))))
    );

    let client = password_only(&app, &examiner.email).await;
    // Typed as read off paper: upper case, without the dashes.
    let typed = codes[0].replace('-', " ").to_uppercase();
    let res = give_code(&app, &client, &typed).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        "/account/security",
        "the account's page says how many are left"
    );
    let page = app.page(&client, "/account/security").await;
    assert!(page.contains(r#"data-recovery-left="9""#), "nine left");
    assert!(page.contains("recovery code"), "the flash says a code was used");
    let mails = security_notices(&app, &examiner.email).await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("recovery code was used") && m.contains("(9)")),
        "{mails:?}"
    );

    let other = password_only(&app, &examiner.email).await;
    assert_eq!(
        give_code(&app, &other, &codes[0]).await.status(),
        422,
        "used once"
    );
    assert_eq!(
        give_code(&app, &other, &codes[1]).await.status(),
        303,
        "another works"
    );
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_and_need_the_factor_again() {
    let app = office_with_policy().await;
    let (client, examiner, totp, old) = with_totp(&app, Role::Examiner).await;
    factor_given_long_ago(&app, &examiner).await;
    let res = app
        .post_as(&client, "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(res.status(), 403, "asked again first");
    let res = app
        .post_as(
            &client,
            "/step-up",
            &[
                ("factor_code", &totp.code_at(now_step() + 1)),
                ("factor_next", "/account/security/recovery-codes"),
                ("factor_replay", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 307);
    let res = app
        .post_as(&client, "/account/security/recovery-codes", &[])
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(!old.iter().any(|c| page.contains(c.as_str())));
    let other = password_only(&app, &examiner.email).await;
    assert_eq!(
        give_code(&app, &other, &old[2]).await.status(),
        422,
        "the old codes stopped"
    );
}

/// What a sensitive route answers when the session's factor is stale: a page asked for is
/// sent to the step-up page; a form posted is answered with it, carrying its fields.
#[tokio::test]
async fn every_sensitive_route_asks_for_the_second_factor_again_after_fifteen_minutes() {
    let app = office_with_policy().await;
    let (client, admin, _, _) = with_totp(&app, Role::Admin).await;
    let target = app
        .create_user(Role::Mediator, "target@ipo.example", STRONG_PASSWORD)
        .await;
    factor_given_long_ago(&app, &admin).await;
    let sensitive: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.factor == ipdesk::auth::policy::Factor::Fresh)
        .collect();
    assert!(sensitive.len() >= 10, "{sensitive:?}");
    for route in sensitive {
        let path = route
            .path
            .replace("{id}", &target.id.to_string())
            .replace("{case_no}", "IPD-2026-00001")
            .replace("{number}", "1001");
        match route.verb {
            Verb::Get => {
                let res = app.get_as(&client, &path).await;
                assert_eq!(res.status(), 303, "GET {path}");
                assert!(location(&res).starts_with("/step-up?next="), "GET {path}");
            }
            Verb::Post => {
                let res = app.post_as(&client, &path, &[("kept", "typed")]).await;
                assert_eq!(res.status(), 403, "POST {path}");
                let page = res.text().await.unwrap();
                assert!(page.contains(r#"action="/step-up""#), "POST {path}");
                assert!(
                    page.contains(r#"name="kept" value="typed""#),
                    "POST {path} keeps what was typed"
                );
                assert!(
                    page.contains(&format!(r#"name="factor_next" value="{path}""#)),
                    "POST {path}"
                );
            }
        }
    }
    let actions = app.audit_actions().await;
    assert!(
        !actions.contains(&"admin.user_deactivated".to_owned()),
        "nothing was done"
    );
}

#[tokio::test]
async fn a_step_up_goes_on_with_the_action_it_interrupted() {
    let app = office_with_policy().await;
    let (client, admin, totp, _) = with_totp(&app, Role::Admin).await;
    let target = app
        .create_user(Role::Mediator, "target@ipo.example", STRONG_PASSWORD)
        .await;

    // Within 15 minutes of the factor: no question.
    let res = app.get_as(&client, "/admin/users").await;
    assert_eq!(res.status(), 200);

    factor_given_long_ago(&app, &admin).await;
    let res = app.get_as(&client, "/admin/office-keys").await;
    assert_eq!(location(&res), "/step-up?next=%2Fadmin%2Foffice-keys");
    let page = app.page(&client, "/step-up?next=%2Fadmin%2Foffice-keys").await;
    assert!(page.contains("15 minutes"));
    let res = app
        .post_as(
            &client,
            "/step-up",
            &[("factor_code", "999999"), ("factor_next", "/admin/office-keys")],
        )
        .await;
    assert_eq!(res.status(), 422, "a wrong code");

    let deactivate = format!("/admin/users/{}/deactivate", target.id);
    let res = app.post_as(&client, &deactivate, &[]).await;
    assert_eq!(res.status(), 403);
    let res = app
        .post_as(
            &client,
            "/step-up",
            &[
                ("factor_code", &totp.code_at(now_step() + 1)),
                ("factor_next", &deactivate),
                ("factor_replay", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), 307, "the browser posts the form again");
    assert_eq!(location(&res), deactivate);
    // What the browser does with a 307: the same form to the same address.
    let res = app.post_as(&client, &deactivate, &[]).await;
    assert_eq!(res.status(), 303);
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"mfa.step_up".to_owned()));
    assert!(actions.contains(&"admin.user_deactivated".to_owned()));
    // And the pages open for the next 15 minutes.
    assert_eq!(app.get_as(&client, "/admin/office-keys").await.status(), 200);
}

#[tokio::test]
async fn an_exhibits_visibility_and_an_office_bundle_ask_again_but_a_parties_bundle_does_not() {
    // The policy holds no role here (the case's own examiner works without a factor); the
    // examiner asking has one, and a step-up asks for it.
    let app = crate::helpers::spawn_app().await;
    let (_, _, _, case_no) = crate::helpers::evidence::case_with_evidence(&app).await;
    let (examiner, user, _, _) = with_totp(&app, Role::Examiner).await;
    factor_given_long_ago(&app, &user).await;

    let visibility = format!("/cases/{case_no}/exhibits/1001/visibility");
    let res = app
        .post_as(&examiner, &visibility, &[("visibility", "office")])
        .await;
    assert_eq!(res.status(), 403, "visibility");
    let bundles = format!("/cases/{case_no}/bundles");
    let res = app.post_as(&examiner, &bundles, &[("audience", "office")]).await;
    assert_eq!(res.status(), 403, "an office bundle");
    let page = res.text().await.unwrap();
    assert!(page.contains(r#"name="audience" value="office""#), "carried");
    assert!(page.contains(&format!(r#"name="factor_next" value="{bundles}""#)));
    let res = app.post_as(&examiner, &bundles, &[("audience", "parties")]).await;
    assert_eq!(res.status(), 303, "a parties' bundle is not sensitive");
}

#[tokio::test]
async fn an_administrators_reset_is_audited_mailed_and_leads_to_setting_up_again() {
    let app = office_with_policy().await;
    let (examiner_client, examiner, _, _) = with_totp(&app, Role::Examiner).await;
    let (admin, _, _, _) = with_totp(&app, Role::Admin).await;
    let reset = format!("/admin/users/{}/reset-factors", examiner.id);
    let page = app.page(&admin, "/admin/users").await;
    assert!(page.contains(&reset), "offered for an account with a factor");
    let res = app.post_as(&admin, &reset, &[]).await;
    assert_eq!(res.status(), 303);
    let page = app.page(&admin, "/admin/users").await;
    assert!(!page.contains(&reset), "not for one without");
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"mfa.reset".to_owned()), "{actions:?}");
    assert_eq!(actions.iter().filter(|a| *a == "mfa.reset").count(), 1);
    // Again: nothing is left to remove, nothing is done.
    assert_eq!(app.post_as(&admin, &reset, &[]).await.status(), 303);
    assert_eq!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "mfa.reset")
            .count(),
        1
    );
    let mails = security_notices(&app, &examiner.email).await;
    assert!(
        mails.iter().any(|m| m.contains("administrator removed")),
        "{mails:?}"
    );
    // Signed out everywhere; the password alone now signs in, to the set-up.
    assert_eq!(app.get_as(&examiner_client, "/cases").await.status(), 303);
    let client = browser();
    let res = app.login_as(&client, &examiner.email, STRONG_PASSWORD).await;
    assert_eq!(location(&res), "/");
    assert_eq!(
        location(&app.get_as(&client, "/cases").await),
        "/account/security"
    );
}

#[tokio::test]
async fn every_factor_added_or_removed_is_audited_and_mailed() {
    let app = office_with_policy().await;
    let (client, user, _, _) = with_totp(&app, Role::Complainant).await;
    let res = app.post_as(&client, "/account/security/totp/remove", &[]).await;
    assert_eq!(res.status(), 303, "the factor was given just now");
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"mfa.totp_removed".to_owned()));
    let mails = security_notices(&app, &user.email).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails.iter().any(|m| m.contains("was removed")));
}

#[tokio::test]
async fn a_passkey_ceremony_is_used_once_and_a_forged_answer_is_refused() {
    let app = office_with_policy().await;
    let (client, _) = app.signed_in(Role::Complainant).await;
    let token = app.csrf(&client).await;
    let res = client
        .post(app.url("/account/security/passkeys/options"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let options: serde_json::Value = res.json().await.unwrap();
    let ceremony = options["id"].as_str().unwrap().to_owned();
    let pk = &options["options"]["publicKey"];
    assert_eq!(pk["rp"]["id"], "ipdesk.test");
    assert_eq!(pk["authenticatorSelection"]["residentKey"], "required");
    assert!(pk["challenge"].as_str().is_some_and(|c| c.len() >= 43));

    let forged = serde_json::json!({"id": "AAAA", "rawId": "AAAA", "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "oA"}, "extensions": {}});
    let res = app
        .post_as(
            &client,
            "/account/security/passkeys",
            &[
                ("passkey_name", "Forged"),
                ("passkey_ceremony", &ceremony),
                ("passkey_credential", &forged.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("could not be added"));
    let count = app
        .with_db(|c| {
            use diesel::prelude::*;
            ipdesk::db::schema::passkeys::table
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
    assert_eq!(count, 0);
    let left = app
        .with_db(|c| {
            use diesel::prelude::*;
            ipdesk::db::schema::passkey_challenges::table
                .count()
                .get_result::<i64>(c)
                .unwrap()
        })
        .await;
    assert_eq!(left, 0, "the ceremony was used up");

    // Signing in with a passkey alone: a forged answer signs nobody in.
    let visitor = browser();
    let token = app.csrf(&visitor).await;
    let res = visitor
        .post(app.url("/passkeys/options"))
        .form(&[("csrf_token", token.as_str()), ("purpose", "sign-in")])
        .send()
        .await
        .unwrap();
    let options: serde_json::Value = res.json().await.unwrap();
    assert!(
        options["options"]["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(|a| a.is_empty())
    );
    let res = app
        .post_as(
            &visitor,
            "/login/passkey",
            &[
                ("passkey_ceremony", options["id"].as_str().unwrap()),
                ("passkey_credential", &forged.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(app.get_as(&visitor, "/cases").await.status(), 303);
}

#[tokio::test]
async fn the_command_line_resets_a_second_factor_when_no_administrator_can() {
    let app = office_with_policy().await;
    let (_, admin, _, _) = with_totp(&app, Role::Admin).await;
    let (done, said) =
        crate::office_keys::ipdesk(&app, &["user", "reset-second-factor", "--email", &admin.email]);
    assert!(done, "{said}");
    assert!(said.contains(&admin.email), "{said}");
    let factors = app
        .with_db(move |c| ipdesk::models::second_factor::factors_of(c, admin.id).unwrap())
        .await;
    assert!(!factors.any() && factors.recovery_left == 0);
    assert!(app.audit_actions().await.contains(&"mfa.reset".to_owned()));
    let (done, said) = crate::office_keys::ipdesk(
        &app,
        &["user", "reset-second-factor", "--email", "nobody@ipo.example"],
    );
    assert!(!done, "an unknown address: {said}");
}

#[tokio::test]
async fn passkey_sign_ins_begun_from_one_address_are_limited() {
    let app = crate::helpers::spawn_app().await;
    let visitor = browser();
    let token = app.csrf(&visitor).await;
    let mut statuses = Vec::new();
    for _ in 0..61 {
        let res = visitor
            .post(app.url("/passkeys/options"))
            .form(&[("csrf_token", token.as_str()), ("purpose", "sign-in")])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses[..60].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(statuses[60], 429, "the 61st in a quarter of an hour");
}

#[tokio::test]
async fn the_authenticator_secret_is_sealed_in_the_database() {
    let app = crate::helpers::spawn_app().await;
    let (client, user) = app.signed_in(Role::Complainant).await;
    let page = app
        .post_as(&client, "/account/security/totp", &[])
        .await
        .text()
        .await
        .unwrap();
    let secret = capture(&page, r"data-totp-secret>([A-Z2-7 ]+)<").replace(' ', "");
    let bytes = totp_rs::Secret::Encoded(secret.clone()).to_bytes().unwrap();
    let id = user.id.0;
    let sealed: String = app
        .with_db(move |c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::totp_secrets;
            totp_secrets::table
                .filter(totp_secrets::user_id.eq(id))
                .select(totp_secrets::sealed_secret)
                .first(c)
                .unwrap()
        })
        .await;
    assert!(
        !sealed.contains(&hex::encode(&bytes)) && !sealed.contains(&secret),
        "{sealed}"
    );
    assert!(
        sealed.len() > 2 * (12 + 20),
        "a nonce, the ciphertext and its tag"
    );
}

/// A passkey as the database keeps it, put there directly (a real one is made in the browser
/// suite, by Chromium's virtual authenticator).
async fn stored_passkey(app: &TestApp, user: &User, name: &str) -> i64 {
    let (id, name) = (user.id, name.to_owned());
    app.with_db(move |c| {
        ipdesk::models::second_factor::insert_passkey(
            c,
            ipdesk::models::second_factor::NewPasskey {
                user: id,
                name: &name,
                credential_id: &uuid::Uuid::new_v4().to_string(),
                user_handle: &uuid::Uuid::new_v4().to_string(),
                credential: "{}",
            },
            ipdesk::models::now(),
        )
        .unwrap()
        .0
    })
    .await
}

#[tokio::test]
async fn a_passkey_is_renamed_and_removed_and_only_its_owner_can() {
    let app = crate::helpers::spawn_app().await;
    let (client, user) = app.signed_in(Role::Complainant).await;
    let id = stored_passkey(&app, &user, "Phone").await;
    let (stranger, _) = app.signed_in(Role::Complainant).await;

    let rename = format!("/account/security/passkeys/{id}/rename");
    assert_eq!(
        app.post_as(&stranger, &rename, &[("name", "Mine now")])
            .await
            .status(),
        404
    );
    let long = "긴".repeat(61);
    let res = app.post_as(&client, &rename, &[("name", &long)]).await;
    assert_eq!(res.status(), 422, "too long a name");
    assert_eq!(
        app.post_as(&client, &rename, &[("name", "업무용 휴대전화")])
            .await
            .status(),
        303
    );
    // The security page of an account with a factor asks for it first, like a sensitive page.
    let res = app.get_as(&client, "/account/security").await;
    assert_eq!(location(&res), "/step-up?next=%2Faccount%2Fsecurity");
    factor_given_minutes_ago(&app, &user, 1).await;
    let page = app.page(&client, "/account/security").await;
    assert!(page.contains(r#"data-passkey-row="업무용 휴대전화""#), "renamed");

    let remove = format!("/account/security/passkeys/{id}/remove");
    assert_eq!(app.post_as(&stranger, &remove, &[]).await.status(), 404);
    factor_given_long_ago(&app, &user).await;
    let res = app.post_as(&client, &remove, &[]).await;
    assert_eq!(res.status(), 403, "asked for the factor first");
    factor_given_minutes_ago(&app, &user, 1).await;
    assert_eq!(app.post_as(&client, &remove, &[]).await.status(), 303);
    assert!(
        !app.page(&client, "/account/security")
            .await
            .contains("data-passkey-row")
    );
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"mfa.passkey_renamed".to_owned()));
    assert!(actions.contains(&"mfa.passkey_removed".to_owned()));
    let mails = security_notices(&app, &user.email).await;
    assert!(
        mails
            .iter()
            .any(|m| m.contains("passkey was removed") && m.contains("업무용 휴대전화")),
        "{mails:?}"
    );
}
