//! The second factor in Chromium (issue 20): an examiner held at setting one up registers a
//! passkey with the browser's virtual authenticator, signs in with it alone and as the second
//! step after the password, is asked for it again before a sensitive action, removes it, and
//! sets up an authenticator app from the page's QR code and secret instead.

use ipdesk::auth::second_factor::{Totp, step_at};
use ipdesk::config::Settings;
use ipdesk::domain::Role;

use super::{Browser, Lang, Width, spawn_app_for_browser_with};
use crate::helpers::STRONG_PASSWORD;

async fn the_second_factor(lang: Lang, width: Width) {
    // WebAuthn needs a domain name: the office is reached as localhost.
    let app = spawn_app_for_browser_with(|s| {
        s.base_url = Some(format!("http://localhost:{}", s.bind.port()));
        s.mfa_required_roles = Settings::default().mfa_required_roles;
    })
    .await;
    let Some(mut b) = Browser::open(&app, "second-factor", lang, width).await else {
        return;
    };
    b.app_url = app.settings.base_url.clone().unwrap();
    let authenticator = b.add_virtual_authenticator().await;
    let email = "passkey-examiner@office.example";
    let examiner = app.create_user(Role::Examiner, email, STRONG_PASSWORD).await;

    // Password only: held at setting up a second factor.
    b.goto("/login", "sign-in").await;
    b.fill("#email", email).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action='/login'] button[type=submit]", "signed-in")
        .await;
    b.goto("/cases", "held").await;
    assert_eq!(b.path().await, "/account/security");
    assert!(b.has("[data-held]").await, "the page says why");

    // A passkey, registered with the browser's authenticator.
    b.fill("#passkey_name", "업무용 노트북").await;
    b.submit("button[data-passkey=register]", "passkey-added").await;
    assert!(
        b.has("[data-recovery-codes]").await,
        "the recovery codes come with the first factor"
    );
    let codes = b.text().await;
    assert_eq!(
        regex::Regex::new(r"[0-9a-z]{4}(-[0-9a-z]{4}){5}")
            .unwrap()
            .find_iter(&codes)
            .count(),
        10
    );
    assert_eq!(b.authenticator_credentials(&authenticator).await.len(), 1);
    b.goto("/account/security", "security-with-passkey").await;
    assert!(b.has("[data-passkey-row='업무용 노트북']").await);
    b.goto("/cases", "working").await;
    assert_eq!(b.path().await, "/cases");

    // Signing in with the passkey alone.
    b.sign_out("signed-out").await;
    b.goto("/login", "sign-in-again").await;
    b.submit("button[data-passkey=sign-in]", "signed-in-with-passkey")
        .await;
    b.goto("/cases", "cases-after-passkey").await;
    assert_eq!(b.path().await, "/cases", "signed in");

    // The password, then the passkey as the second step.
    b.sign_out("signed-out-again").await;
    b.goto("/login", "sign-in-password").await;
    b.fill("#email", email).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action='/login'] button[type=submit]", "second-step")
        .await;
    assert!(b.path().await.starts_with("/login/second-factor"));
    b.submit("button[data-passkey=check]", "second-step-passkey")
        .await;
    b.goto("/cases", "cases-after-second-step").await;
    assert_eq!(b.path().await, "/cases");

    // The security page open, sixteen minutes pass: removing the passkey asks for it again,
    // then goes ahead with the removal.
    b.goto("/account/security", "security").await;
    let id = examiner.id.0;
    app.with_db(move |c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::sessions;
        diesel::update(sessions::table.filter(sessions::user_id.eq(id)))
            .set(sessions::factor_at.eq(ipdesk::models::now() - chrono::TimeDelta::minutes(16)))
            .execute(c)
            .unwrap();
    })
    .await;
    b.submit("form[action$='/remove'] button", "step-up").await;
    assert!(b.has("form[action='/step-up']").await, "asked again");
    b.submit("button[data-passkey=check]", "passkey-removed").await;
    assert_eq!(b.path().await, "/account/security");
    assert!(!b.has("[data-passkey-row]").await, "removed");
    assert!(b.has("[data-held]").await, "without a factor, held again");

    // An authenticator app instead, from the QR code's secret.
    b.submit("form[action='/account/security/totp'] button", "totp-setup")
        .await;
    let secret = b
        .find("[data-totp-secret]")
        .await
        .text()
        .await
        .unwrap()
        .replace(' ', "");
    let totp = Totp::new(totp_rs::Secret::Encoded(secret).to_bytes().unwrap(), "t", "t");
    b.fill("#code", "000000").await;
    b.submit(
        "form[action='/account/security/totp/confirm'] button",
        "totp-wrong",
    )
    .await;
    assert!(b.has("[aria-invalid=true]").await, "the field says it was wrong");
    let now = step_at(chrono::Utc::now().timestamp() as u64);
    b.fill("#code", &totp.code_at(now)).await;
    b.submit(
        "form[action='/account/security/totp/confirm'] button",
        "totp-added",
    )
    .await;
    b.goto("/account/security", "security-with-totp").await;
    assert!(b.has("[data-totp=on]").await);
    b.goto("/cases", "working-again").await;
    assert_eq!(b.path().await, "/cases");

    b.finish().await;
}

#[tokio::test]
async fn the_second_factor_in_korean_on_a_phone() {
    the_second_factor(Lang::Ko, Width::Phone).await;
}

#[tokio::test]
async fn the_second_factor_in_english_on_a_desktop() {
    the_second_factor(Lang::En, Width::Desktop).await;
}

#[tokio::test]
async fn the_second_factor_in_korean_on_a_desktop() {
    the_second_factor(Lang::Ko, Width::Desktop).await;
}

#[tokio::test]
async fn the_second_factor_in_english_on_a_phone() {
    the_second_factor(Lang::En, Width::Phone).await;
}
