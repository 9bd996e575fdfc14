use actix_web::{App, HttpResponse, test as actix_test, web};
use ipdesk::auth::password::Hasher;
use ipdesk::auth::throttle;
use ipdesk::domain::Role;
use ipdesk::routes::{ROUTES, Verb};
use ipdesk::web::AppState;
use ipdesk::web::gate::gate;

use crate::helpers::{STRONG_PASSWORD, browser, location, spawn_app};

/// Who asks: nobody, or a signed-in account of each role.
const WHO: [Option<Role>; 7] = [
    None,
    Some(Role::Complainant),
    Some(Role::Respondent),
    Some(Role::Examiner),
    Some(Role::Legal),
    Some(Role::Mediator),
    Some(Role::Admin),
];

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Outcome {
    Page(u16),
    /// Redirected to sign in.
    SignIn,
    /// Redirected elsewhere (already signed in, or done).
    Redirect,
    Hidden,
}

fn expected_get(path: &str, who: Option<Role>) -> Outcome {
    use Outcome::*;
    match (path, who) {
        ("/" | "/healthz" | "/static/{file}", _) => Page(200),
        ("/login" | "/register", None) => Page(200),
        ("/login" | "/register", Some(_)) => Redirect,
        // Without a valid token, the setup page explains the link cannot be used.
        ("/setup", _) => Page(404),
        ("/account" | "/account/password" | "/admin/users", None) => SignIn,
        ("/account" | "/account/password", Some(_)) => Page(200),
        ("/admin/users", Some(Role::Admin)) => Page(200),
        ("/admin/users", Some(_)) => Hidden,
        // Without a valid token, the link pages say the link cannot be used.
        ("/verify-email" | "/password-reset/confirm", _) => Page(404),
        ("/password-reset", _) => Page(200),
        // Nobody's password awaits a second factor here: back to sign in, or on.
        ("/login/second-factor", None) => SignIn,
        ("/login/second-factor", Some(_)) => Redirect,
        ("/step-up" | "/account/security", None) => SignIn,
        ("/step-up" | "/account/security", Some(_)) => Page(200),
        ("/cases", None) => SignIn,
        ("/cases", Some(_)) => Page(200),
        ("/cases/new" | "/cases/drafts/{key}" | "/cases/{case_no}" | "/cases/{case_no}/edit", None) => SignIn,
        ("/cases/new", Some(Role::Complainant | Role::Examiner | Role::Legal)) => Page(200),
        // A draft key nobody holds: not found, for those who may file at all.
        ("/cases/drafts/{key}", Some(Role::Complainant | Role::Examiner | Role::Legal)) => Page(404),
        ("/cases/new" | "/cases/drafts/{key}", Some(_)) => Hidden,
        // Another complainant's case: staff see it, nobody else does.
        ("/cases/{case_no}" | "/cases/{case_no}/edit", Some(Role::Examiner | Role::Legal | Role::Admin)) => {
            Page(200)
        }
        ("/cases/{case_no}" | "/cases/{case_no}/edit", Some(_)) => Hidden,
        // A secret that is not one of ours: nothing here, whoever asks.
        ("/calendar/{secret}.ics", _) => Page(404),
        ("/cases.csv", None) => SignIn,
        ("/cases.csv", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(200),
        ("/cases.csv", Some(_)) => Hidden,
        ("/deadlines", None) => SignIn,
        ("/deadlines", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(200),
        ("/deadlines", Some(_)) => Hidden,
        ("/stats" | "/stats/{file}", None) => SignIn,
        ("/stats", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(200),
        // No figure has this name.
        ("/stats/{file}", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(404),
        ("/stats" | "/stats/{file}", Some(_)) => Hidden,
        ("/statistics", _) => Page(200),
        ("/statistics/{file}", _) => Page(404),
        // A token nobody was sent.
        ("/n/{token}" | "/invitations/{token}", _) => Page(404),
        ("/admin/audit" | "/admin/outbox" | "/admin/office-keys", None) => SignIn,
        ("/admin/audit" | "/admin/outbox" | "/admin/office-keys", Some(Role::Admin)) => Page(200),
        ("/admin/audit" | "/admin/outbox" | "/admin/office-keys", Some(_)) => Hidden,
        ("/rights" | "/rights/new" | "/rights/{docdb}" | "/rights/{docdb}/edit", None) => SignIn,
        ("/rights", Some(_)) => Page(200),
        ("/rights/new", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(200),
        // A number the registry does not hold.
        ("/rights/{docdb}", Some(_)) => Page(404),
        ("/rights/{docdb}/edit", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(404),
        ("/rights/new" | "/rights/{docdb}/edit", Some(_)) => Hidden,
        ("/admin/rights/import", None) => SignIn,
        ("/admin/rights/import", Some(Role::Admin)) => Page(200),
        ("/admin/rights/import", Some(_)) => Hidden,
        (
            "/cases/{case_no}/exhibits/{number}"
            | "/cases/{case_no}/exhibits/{number}/custody"
            | "/cases/{case_no}/exhibits/{number}/custody.csv"
            | "/cases/{case_no}/custody.csv"
            | "/cases/{case_no}/fingerprint",
            None,
        ) => SignIn,
        // Another complainant's case: staff see it and its (empty) evidence; the exhibit
        // named does not exist; the rest do not see the case.
        (
            "/cases/{case_no}/custody.csv" | "/cases/{case_no}/fingerprint",
            Some(Role::Examiner | Role::Legal | Role::Admin),
        ) => Page(200),
        (
            "/cases/{case_no}/exhibits/{number}"
            | "/cases/{case_no}/exhibits/{number}/custody"
            | "/cases/{case_no}/exhibits/{number}/custody.csv",
            Some(Role::Examiner | Role::Legal | Role::Admin),
        ) => Page(404),
        (
            "/cases/{case_no}/exhibits/{number}"
            | "/cases/{case_no}/exhibits/{number}/custody"
            | "/cases/{case_no}/exhibits/{number}/custody.csv"
            | "/cases/{case_no}/custody.csv"
            | "/cases/{case_no}/fingerprint",
            Some(_),
        ) => Hidden,
        ("/office-key" | "/office-key.pem" | "/office-keys.pem", _) => Page(200),
        ("/cases/{case_no}/bundles/{id}" | "/cases/{case_no}/bundles/{id}/download", None) => SignIn,
        // No bundle has this id.
        (
            "/cases/{case_no}/bundles/{id}" | "/cases/{case_no}/bundles/{id}/download",
            Some(Role::Examiner | Role::Legal | Role::Admin),
        ) => Page(404),
        ("/cases/{case_no}/bundles/{id}" | "/cases/{case_no}/bundles/{id}/download", Some(_)) => Hidden,
        (other, _) => panic!("no expectation written for GET {other}: add one"),
    }
}

fn expected_post(path: &str, who: Option<Role>) -> Outcome {
    use Outcome::*;
    match (path, who) {
        ("/language", _) => Redirect,
        // Empty forms: re-rendered with messages.
        ("/login" | "/register", _) => Page(422),
        ("/setup", _) => Page(404),
        ("/logout", _) => Redirect,
        ("/account/calendar", None) => SignIn,
        // The form names neither renew nor stop.
        ("/account/calendar", Some(_)) => Page(400),
        ("/session/extend", None) => SignIn,
        // Answers how long the session now has, to the page's script.
        ("/session/extend", Some(_)) => Page(200),
        ("/account/password", None) => SignIn,
        ("/account/password", Some(_)) => Page(422),
        (
            "/admin/users"
            | "/admin/users/{id}/deactivate"
            | "/admin/users/{id}/activate"
            | "/admin/users/{id}/reset-factors",
            None,
        ) => SignIn,
        ("/admin/users", Some(Role::Admin)) => Page(422),
        (
            "/admin/users/{id}/deactivate" | "/admin/users/{id}/activate" | "/admin/users/{id}/reset-factors",
            Some(Role::Admin),
        ) => Redirect,
        (
            "/admin/users"
            | "/admin/users/{id}/deactivate"
            | "/admin/users/{id}/activate"
            | "/admin/users/{id}/reset-factors",
            Some(_),
        ) => Hidden,
        // No session awaits a second factor: back to sign in (or on, when signed in).
        ("/login/second-factor", None) => SignIn,
        ("/login/second-factor", Some(_)) => Redirect,
        // No passkey answered: the sign-in page says so.
        ("/login/passkey", _) => Page(422),
        // No purpose named: no ceremony.
        ("/passkeys/options", _) => Page(404),
        (
            "/step-up"
            | "/account/security/totp"
            | "/account/security/totp/confirm"
            | "/account/security/totp/remove"
            | "/account/security/passkeys/options"
            | "/account/security/passkeys"
            | "/account/security/passkeys/{id}/rename"
            | "/account/security/passkeys/{id}/remove"
            | "/account/security/recovery-codes",
            None,
        ) => SignIn,
        // No code given.
        ("/step-up", Some(_)) => Page(422),
        // The app's QR code and secret, to confirm with a code.
        ("/account/security/totp", Some(_)) => Page(200),
        // Nothing being set up, nothing to remove, no factor to make codes for: back.
        (
            "/account/security/totp/confirm"
            | "/account/security/totp/remove"
            | "/account/security/recovery-codes",
            Some(_),
        ) => Redirect,
        // A registration's options, for the page's script.
        ("/account/security/passkeys/options", Some(_)) => Page(200),
        // No name given.
        ("/account/security/passkeys" | "/account/security/passkeys/{id}/rename", Some(_)) => Page(422),
        // No passkey has this id.
        ("/account/security/passkeys/{id}/remove", Some(_)) => Page(404),
        ("/cases", None) => SignIn,
        // An empty form is shown again: with no title, there is no draft to keep.
        ("/cases", Some(Role::Complainant | Role::Examiner | Role::Legal)) => Page(200),
        ("/cases", Some(_)) => Hidden,
        ("/cases/drafts/autosave", None) => SignIn,
        // What the script sends is kept, an empty form too: it was typed into and emptied.
        ("/cases/drafts/autosave", Some(Role::Complainant | Role::Examiner | Role::Legal)) => Page(200),
        ("/cases/drafts/autosave", Some(_)) => Hidden,
        ("/cases/{case_no}/edit" | "/cases/{case_no}/notes", None) => SignIn,
        // Empty forms: refused with messages, for staff; the case is hidden from the rest.
        (
            "/cases/{case_no}/edit" | "/cases/{case_no}/notes",
            Some(Role::Examiner | Role::Legal | Role::Admin),
        ) => Page(422),
        ("/cases/{case_no}/edit" | "/cases/{case_no}/notes", Some(_)) => Hidden,
        ("/cases/{case_no}/actions/{action}", None) => SignIn,
        // `reject` without its reason: refused next to the field, for those who see the case.
        ("/cases/{case_no}/actions/{action}", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(422),
        ("/cases/{case_no}/actions/{action}", Some(_)) => Hidden,
        ("/invitations/{token}", _) => Page(404),
        ("/verify-email" | "/password-reset/confirm", _) => Page(404),
        ("/verify-email/resend", None) => SignIn,
        ("/verify-email/resend", Some(_)) => Redirect,
        // The same answer whether or not the address has an account.
        ("/password-reset", _) => Page(200),
        ("/admin/audit/verify", None) => SignIn,
        // The chain is verified (and the verification kept), then back to the audit log.
        ("/admin/audit/verify", Some(Role::Admin)) => Redirect,
        ("/admin/audit/verify", Some(_)) => Hidden,
        ("/admin/outbox/{id}/retry", None) => SignIn,
        // The id names no notice: not found, for the administrator too.
        ("/admin/outbox/{id}/retry", Some(Role::Admin)) => Page(404),
        ("/admin/outbox/{id}/retry", Some(_)) => Hidden,
        ("/admin/office-keys", None) => SignIn,
        // Without the box ticked nothing is rotated: the form comes back with its message.
        ("/admin/office-keys", Some(Role::Admin)) => Page(422),
        ("/admin/office-keys", Some(_)) => Hidden,
        (
            "/cases/{case_no}/rights"
            | "/cases/{case_no}/rights/{link}/remove"
            | "/cases/drafts/{key}/delete"
            | "/cases/drafts/{key}/rights"
            | "/cases/drafts/{key}/rights/{link}/remove",
            None,
        ) => SignIn,
        // Another complainant's case: staff are told what the empty form lacks; the link
        // named is not there; the rest do not see the case.
        ("/cases/{case_no}/rights", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(422),
        ("/cases/{case_no}/rights/{link}/remove", Some(Role::Examiner | Role::Legal | Role::Admin)) => {
            Page(404)
        }
        ("/cases/{case_no}/rights" | "/cases/{case_no}/rights/{link}/remove", Some(_)) => Hidden,
        // A draft key nobody holds, for those who may file at all.
        (
            "/cases/drafts/{key}/delete"
            | "/cases/drafts/{key}/rights"
            | "/cases/drafts/{key}/rights/{link}/remove",
            Some(Role::Complainant | Role::Examiner | Role::Legal),
        ) => Page(404),
        (
            "/cases/drafts/{key}/delete"
            | "/cases/drafts/{key}/rights"
            | "/cases/drafts/{key}/rights/{link}/remove",
            Some(_),
        ) => Hidden,
        ("/rights" | "/rights/{docdb}/edit", None) => SignIn,
        ("/rights", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(422),
        ("/rights/{docdb}/edit", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(404),
        ("/rights" | "/rights/{docdb}/edit", Some(_)) => Hidden,
        ("/admin/rights/import", None) => SignIn,
        // Not a multipart upload, so no token where the upload carries it.
        ("/admin/rights/import", Some(Role::Admin)) => Page(403),
        ("/admin/rights/import", Some(_)) => Hidden,
        (
            "/cases/{case_no}/exhibits"
            | "/cases/{case_no}/exhibits/{number}/visibility"
            | "/cases/{case_no}/exhibits/{number}/check",
            None,
        ) => SignIn,
        // Staff may add evidence to any filed case: not a multipart upload, so no token
        // where the upload carries it.
        ("/cases/{case_no}/exhibits", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(403),
        // The exhibit named does not exist.
        (
            "/cases/{case_no}/exhibits/{number}/visibility" | "/cases/{case_no}/exhibits/{number}/check",
            Some(Role::Examiner | Role::Legal | Role::Admin),
        ) => Page(404),
        (
            "/cases/{case_no}/exhibits"
            | "/cases/{case_no}/exhibits/{number}/visibility"
            | "/cases/{case_no}/exhibits/{number}/check",
            Some(_),
        ) => Hidden,
        ("/cases/{case_no}/bundles", None) => SignIn,
        // No audience chosen: refused with the reason, for staff.
        ("/cases/{case_no}/bundles", Some(Role::Examiner | Role::Legal | Role::Admin)) => Page(422),
        ("/cases/{case_no}/bundles", Some(_)) => Hidden,
        (other, _) => panic!("no expectation written for POST {other}: add one"),
    }
}

fn outcome(res: &reqwest::Response) -> Outcome {
    match res.status().as_u16() {
        303 if location(res).starts_with("/login") => Outcome::SignIn,
        303 => Outcome::Redirect,
        404 => Outcome::Hidden,
        s => Outcome::Page(s),
    }
}

#[tokio::test]
async fn every_role_gets_exactly_what_it_should_on_every_route() {
    let app = spawn_app().await;
    let target = app
        .create_user(Role::Mediator, "target@panel.example", STRONG_PASSWORD)
        .await;
    // Another complainant's case.
    let (owner, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &owner, "Matrix case").await;
    for who in WHO {
        for route in ROUTES {
            // A fresh browser for each request: posts (logout, deactivate) must not leak
            // into the next check.
            let client = match who {
                Some(role) => app.signed_in(role).await.0,
                None => browser(),
            };
            let path = route
                .path
                .replace("{file}", "app.css")
                .replace("{id}", &target.id.0.to_string())
                .replace("{case_no}", &case_no)
                .replace("{key}", &uuid::Uuid::new_v4().to_string())
                .replace("{action}", "reject")
                .replace("{token}", "no-such-token")
                .replace("{secret}", "1-1-00000000000000000000000000000000")
                .replace("{docdb}", "US8930553B2")
                .replace("{link}", "999999")
                .replace("{number}", "1001");
            let (got, want) = match route.verb {
                Verb::Get => {
                    let res = app.get_as(&client, &path).await;
                    let want = expected_get(route.path, who);
                    // Hidden and missing look the same: the 404 page.
                    (
                        if res.status() == 404 && want == Outcome::Page(404) {
                            Outcome::Page(404)
                        } else {
                            outcome(&res)
                        },
                        want,
                    )
                }
                Verb::Post => {
                    let res = app.post_as(&client, &path, &[]).await;
                    let want = expected_post(route.path, who);
                    (
                        if res.status() == 404 && want == Outcome::Page(404) {
                            Outcome::Page(404)
                        } else {
                            outcome(&res)
                        },
                        want,
                    )
                }
            };
            assert_eq!(got, want, "{:?} {} as {:?}", route.verb, route.path, who);
        }
    }
}

#[tokio::test]
async fn what_a_user_may_not_see_looks_exactly_like_what_does_not_exist() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let hidden = app.get_as(&complainant, "/admin/users").await;
    assert_eq!(hidden.status(), 404);
    let hidden = hidden.text().await.unwrap();
    let missing = app
        .get_as(&complainant, "/admin/nothing-here")
        .await
        .text()
        .await
        .unwrap();
    // Each page names its own address, and the session's clock moves between the two.
    let scrub = |html: &str| {
        regex::Regex::new(r#"(value|data-return-to|data-session-(left|limit)-secs)="[^"]*""#)
            .unwrap()
            .replace_all(html, "")
            .into_owned()
    };
    assert_eq!(scrub(&hidden), scrub(&missing));
    assert!(missing.contains("There is nothing at this address"));
}

#[tokio::test]
async fn a_route_without_an_access_rule_is_refused() {
    let app = spawn_app().await;
    let state = web::Data::new(AppState {
        throttle: throttle::Policy::from_settings(&app.settings),
        settings: app.settings.clone(),
        public_url: app.settings.public_url().unwrap(),
        pool: app.pool.clone(),
        hasher: Hasher::new(1).unwrap(),
        mail_wake: Default::default(),
        evidence: app.store(),
        keys: ipdesk::bundle::keyring::KeyRing::new(
            ipdesk::bundle::keyring::KeySecret::from_bytes([2; 32]),
            ed25519_dalek::SigningKey::from_bytes(&[1; 32]),
        ),
        bundle_wake: Default::default(),
        device_key: ipdesk::auth::device::DeviceKey::derive(&ed25519_dalek::SigningKey::from_bytes(&[1; 32])),
        visitor_key: ipdesk::auth::visitor::VisitorKey::derive(&ed25519_dalek::SigningKey::from_bytes(
            &[1; 32],
        )),
        calendar_key: ipdesk::auth::calendar::FeedKey::derive(&ed25519_dalek::SigningKey::from_bytes(
            &[1; 32],
        )),
        industries: std::sync::Arc::new(ipdesk::domain::stats::fields::Industries::shipped()),
        passkeys: None,
        mfa_roles: Vec::new(),
    });
    let service = actix_test::init_service(
        App::new()
            .app_data(state)
            .wrap(actix_web::middleware::from_fn(gate))
            .route(
                "/forgotten",
                web::get().to(|| async { HttpResponse::Ok().body("secret") }),
            )
            .route("/", web::get().to(|| async { HttpResponse::Ok().body("home") })),
    )
    .await;
    let res = actix_test::call_service(
        &service,
        actix_test::TestRequest::get().uri("/forgotten").to_request(),
    )
    .await;
    assert_eq!(res.status(), 404);
    let body = actix_test::read_body(res).await;
    assert!(!String::from_utf8_lossy(&body).contains("secret"));
    let res = actix_test::call_service(&service, actix_test::TestRequest::get().uri("/").to_request()).await;
    assert_eq!(res.status(), 200, "a listed route in the same app still works");
}

#[tokio::test]
async fn a_complainant_cannot_create_staff_by_posting_directly() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let res = app
        .post_as(
            &complainant,
            "/admin/users",
            &[
                ("name", "Mallory"),
                ("email", "mallory@example.org"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    let exists = app
        .with_db(|c| ipdesk::models::user::find_row_by_email(c, "mallory@example.org").unwrap())
        .await;
    assert!(exists.is_none());
}

#[tokio::test]
async fn registration_ignores_fields_it_does_not_name() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/register",
            &[
                ("name", "Sneaky"),
                ("email", "sneaky@example.org"),
                ("password", STRONG_PASSWORD),
                ("role", "admin"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let row = app
        .with_db(|c| {
            ipdesk::models::user::find_row_by_email(c, "sneaky@example.org")
                .unwrap()
                .unwrap()
        })
        .await;
    assert_eq!(row.role, Role::Complainant);
}
