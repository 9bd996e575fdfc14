//! The respondent's invitation (issue 14 §3): it lets whoever holds the address join the case —
//! with a new account, or by signing in to the respondent account they already have — and
//! nobody else, whether they got to the address first or are merely signed in.

use diesel::prelude::*;
use ipdesk::db::schema::{audit_log, cases, parties, users};
use ipdesk::domain::Role;

use crate::helpers::file_case;
use crate::helpers::{STRONG_PASSWORD, TestApp, browser, korean_browser, location, spawn_app};
use crate::helpers::{invite, office};

pub(crate) const RESPONDENT: &str = "legal@megacorp.example";

/// The account tied to the case's respondent party, if any.
async fn respondent_account(app: &TestApp, case_no: &str) -> Option<i64> {
    let no = case_no.to_owned();
    app.with_db(move |c| {
        parties::table
            .inner_join(cases::table)
            .filter(cases::case_no.eq(no))
            .filter(parties::side.eq("respondent"))
            .select(parties::user_id)
            .first::<Option<i64>>(c)
            .unwrap()
    })
    .await
}

async fn account_count(app: &TestApp) -> i64 {
    app.with_db(|c| users::table.count().get_result::<i64>(c).unwrap())
        .await
}

/// The details of every `case.respondent_joined` audit entry, oldest first.
async fn joins_audited(app: &TestApp) -> Vec<serde_json::Value> {
    app.with_db(|c| {
        audit_log::table
            .filter(audit_log::action.eq("case.respondent_joined"))
            .order(audit_log::seq.asc())
            .select(audit_log::details)
            .load::<String>(c)
            .unwrap()
    })
    .await
    .iter()
    .map(|d| serde_json::from_str(d).unwrap())
    .collect()
}

async fn join_with_new_account(app: &TestApp, client: &reqwest::Client, link: &str) -> reqwest::Response {
    app.post_as(
        client,
        link,
        &[("name", "Megacorp Legal Team"), ("password", STRONG_PASSWORD)],
    )
    .await
}

#[tokio::test]
async fn an_unconfirmed_account_with_the_respondents_address_neither_blocks_nor_captures_the_invitation() {
    let app = spawn_app().await;
    let office = office(&app).await;
    // Someone registers the respondent's address first and never confirms it.
    let squatter = browser();
    let squatters_password = "quiet-heron-borrows-keys";
    let res = app
        .register_as(&squatter, "Not Megacorp", RESPONDENT, squatters_password)
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.get_as(&squatter, "/account").await.status(), 200);
    let verification = app
        .notices()
        .await
        .into_iter()
        .find(|n| n.recipient == RESPONDENT && n.body_text.contains("/verify-email?token="))
        .expect("a verification mail was queued");
    let verify_path = regex::Regex::new(r"/verify-email\?token=[A-Za-z0-9_-]+")
        .unwrap()
        .find(&verification.body_text)
        .unwrap()
        .as_str()
        .to_owned();
    let accounts = account_count(&app).await;

    let (case_no, link) = invite(&app, &office, "Separator coating taken", RESPONDENT).await;
    let respondent = browser();
    let page = app.page(&respondent, &link).await;
    assert!(
        page.contains(r#"name="password""#),
        "the respondent is offered an account"
    );
    assert!(!page.contains("already exists"));
    let res = join_with_new_account(&app, &respondent, &link).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/cases/{case_no}"));
    assert_eq!(
        app.get_as(&respondent, &format!("/cases/{case_no}"))
            .await
            .status(),
        200
    );

    // The unconfirmed account became the respondent's: no second account, and whoever made
    // it has lost it — its session, its password and its confirmation link.
    assert_eq!(account_count(&app).await, accounts);
    assert_ne!(app.get_as(&squatter, "/account").await.status(), 200);
    assert_eq!(
        app.get_as(&squatter, &format!("/cases/{case_no}")).await.status(),
        303,
        "the old session is gone"
    );
    let res = app.login_as(&browser(), RESPONDENT, squatters_password).await;
    assert_eq!(res.status(), 422, "the old password no longer signs in");
    assert_eq!(app.get_as(&browser(), &verify_path).await.status(), 404);
    let again = browser();
    assert_eq!(
        app.login_as(&again, RESPONDENT, STRONG_PASSWORD).await.status(),
        303
    );
    assert_eq!(
        app.get_as(&again, &format!("/cases/{case_no}")).await.status(),
        200
    );
    let account = app.page(&again, "/account").await;
    assert!(account.contains("Megacorp Legal Team"));
    assert!(!account.contains("Not Megacorp"));

    let joins = joins_audited(&app).await;
    assert_eq!(joins.len(), 1);
    assert_eq!(joins[0]["took_over_unconfirmed_account"], true);
}

#[tokio::test]
async fn a_respondent_with_an_account_adds_a_second_case_by_signing_in() {
    let app = spawn_app().await;
    let office = office(&app).await;
    let (first, link) = invite(&app, &office, "Separator coating taken", RESPONDENT).await;
    let res = join_with_new_account(&app, &browser(), &link).await;
    assert_eq!(res.status(), 303);
    let account = respondent_account(&app, &first)
        .await
        .expect("joined the first case");
    let accounts = account_count(&app).await;

    let (second, link) = invite(&app, &office, "Electrolyte formula taken", RESPONDENT).await;
    // Opened signed out: sign in, no new account.
    let respondent = browser();
    let page = app.page(&respondent, &link).await;
    assert!(page.contains("An account already exists for legal@megacorp.example"));
    assert!(page.contains(&format!(r#"href="/login?next={link}""#)));
    assert!(!page.contains(r#"name="password""#));
    // Nor can a new account be forced through.
    let res = join_with_new_account(&app, &respondent, &link).await;
    assert_eq!(res.status(), 403);
    assert_eq!(respondent_account(&app, &second).await, None);

    // The sign-in comes back to the invitation, which offers one button.
    let res = app
        .post_as(
            &respondent,
            "/login",
            &[
                ("email", RESPONDENT),
                ("password", STRONG_PASSWORD),
                ("next", &link),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), link);
    let page = app.page(&respondent, &link).await;
    assert!(page.contains("Add this case to my account"));
    assert!(!page.contains(r#"name="password""#));
    let res = app.post_as(&respondent, &link, &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/cases/{second}"));

    assert_eq!(respondent_account(&app, &second).await, Some(account));
    assert_eq!(account_count(&app).await, accounts, "no second account");
    for case_no in [&first, &second] {
        assert_eq!(
            app.get_as(&respondent, &format!("/cases/{case_no}"))
                .await
                .status(),
            200
        );
    }
    let joins = joins_audited(&app).await;
    assert_eq!(joins.len(), 2);
    assert_eq!(joins[1]["existing_account"], true);
    // Used once.
    assert_eq!(app.post_as(&respondent, &link, &[]).await.status(), 410);
}

#[tokio::test]
async fn an_invitation_opened_by_another_signed_in_account_changes_nothing() {
    let app = spawn_app().await;
    let office = office(&app).await;
    let (case_no, link) = invite(&app, &office, "Separator coating taken", RESPONDENT).await;
    let (other, someone) = app.signed_in(Role::Respondent).await;

    let page = app.page(&other, &link).await;
    assert!(page.contains(&format!(
        "This invitation is for {RESPONDENT}, but you are signed in as {}",
        someone.email
    )));
    assert!(page.contains(r#"class="flash flash-warning""#));
    assert!(!page.contains(r#"name="password""#));
    let res = app.post_as(&other, &link, &[]).await;
    assert_eq!(res.status(), 403);
    let res = join_with_new_account(&app, &other, &link).await;
    assert_eq!(res.status(), 403);
    assert_eq!(respondent_account(&app, &case_no).await, None);
    assert_eq!(
        app.get_as(&other, &format!("/cases/{case_no}")).await.status(),
        404
    );

    // The invitation still works for its addressee.
    let res = join_with_new_account(&app, &browser(), &link).await;
    assert_eq!(res.status(), 303);
    assert!(respondent_account(&app, &case_no).await.is_some());
}

#[tokio::test]
async fn a_confirmed_complainant_account_with_the_address_is_told_to_contact_the_office() {
    let app = spawn_app().await;
    let office = office(&app).await;
    let holder = app
        .create_user(Role::Complainant, RESPONDENT, STRONG_PASSWORD)
        .await;
    let (case_no, link) = invite(&app, &office, "Separator coating taken", RESPONDENT).await;

    let visitor = korean_browser();
    let page = app.page(&visitor, &link).await;
    assert!(page.contains("사무국에 문의해 주세요"), "{page}");
    assert!(!page.contains(r#"name="password""#));
    let page = app.page(&browser(), &link).await;
    assert!(page.contains("belongs to another kind of ipdesk account"));
    assert!(page.contains("Please contact the office"));
    let res = join_with_new_account(&app, &visitor, &link).await;
    assert_eq!(res.status(), 403);

    // Signed in as that complainant, nothing changes either.
    let complainant = browser();
    assert_eq!(
        app.login_as(&complainant, RESPONDENT, STRONG_PASSWORD)
            .await
            .status(),
        303
    );
    assert!(
        app.page(&complainant, &link)
            .await
            .contains("Please contact the office")
    );
    assert_eq!(app.post_as(&complainant, &link, &[]).await.status(), 403);
    assert_eq!(respondent_account(&app, &case_no).await, None);
    let still = app
        .with_db(move |c| ipdesk::models::user::find(c, holder.id).unwrap().unwrap())
        .await;
    assert_eq!(still.role, Role::Complainant);
    assert!(joins_audited(&app).await.is_empty());
}

#[tokio::test]
async fn an_unconfirmed_account_that_holds_case_files_is_not_handed_over() {
    let app = spawn_app().await;
    let office = office(&app).await;
    // An account with the address that filed a case, and (by whatever way) is unconfirmed.
    let (owner, holder) = app.signed_in(Role::Complainant).await;
    let own_case = file_case(&app, &owner, "Our own complaint").await;
    let id = holder.id.0;
    app.with_db(move |c| {
        diesel::update(users::table.find(id))
            .set((
                users::email.eq(RESPONDENT),
                users::email_verified_at.eq(None::<chrono::NaiveDateTime>),
            ))
            .execute(c)
            .unwrap()
    })
    .await;
    let (case_no, link) = invite(&app, &office, "Separator coating taken", RESPONDENT).await;

    let respondent = browser();
    let res = join_with_new_account(&app, &respondent, &link).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("already holds case files"));
    assert!(page.contains(r#"class="field-error""#));
    assert_eq!(respondent_account(&app, &case_no).await, None);
    // The account, its session and its case are untouched.
    assert_eq!(
        app.get_as(&owner, &format!("/cases/{own_case}")).await.status(),
        200
    );
    assert!(joins_audited(&app).await.is_empty());
}
