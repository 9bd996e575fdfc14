//! The workflow of DESIGN §3 through the real HTTP surface: stories from filing to outcomes.

use chrono::TimeDelta;
use ipdesk::config::Settings;
use ipdesk::domain::Role;
use ipdesk::domain::workflow::{Action, RULES, Who};

use crate::helpers::{STRONG_PASSWORD, TestApp, browser, location, spawn_app};
use crate::helpers::{act, due_in, invitation_link};

async fn state_of(app: &TestApp, case_no: &str) -> String {
    let no = case_no.to_owned();
    app.with_db(move |c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::cases::dsl;
        dsl::cases
            .filter(dsl::case_no.eq(no))
            .select(dsl::state)
            .first::<String>(c)
            .unwrap()
    })
    .await
}

#[test]
fn the_case_page_offers_each_role_only_what_the_table_allows() {
    // Every (state, action, who): the table either allows it or refuses it, and the system
    // is never offered anything but the lapse.
    for rule in RULES {
        for state in ipdesk::domain::State::ALL {
            for who in Who::ALL {
                let allowed = rule.check(*state, Some(who)).is_ok();
                assert_eq!(allowed, rule.from.contains(state) && rule.by.contains(&who));
            }
        }
    }
    assert!(Action::ResponseLapsed.rule().by == [Who::System]);
}

#[tokio::test]
async fn a_case_goes_from_filing_through_mediation_to_settlement() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let (legal, _) = app.signed_in(Role::Legal).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Separator coating taken").await;
    assert_eq!(state_of(&app, &case_no).await, "filed");

    // A complainant may not start the review: refused, nothing changed.
    let res = act(&app, &complainant, &case_no, "start_review", &[]).await;
    assert_eq!(res.status(), 403);
    assert_eq!(state_of(&app, &case_no).await, "filed");

    assert_eq!(
        act(&app, &examiner, &case_no, "start_review", &[]).await.status(),
        303
    );
    let due = due_in(14);
    let res = act(
        &app,
        &examiner,
        &case_no,
        "request_supplement",
        &[("text", "The contract with the former employee."), ("due", &due)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(state_of(&app, &case_no).await, "awaiting_supplement");
    let page = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert!(
        page.contains(r#"data-action="supply""#),
        "the complainant is offered to supply"
    );
    // An empty supplement is refused next to the field.
    let res = act(&app, &complainant, &case_no, "supply", &[("text", "  ")]).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        act(
            &app,
            &complainant,
            &case_no,
            "supply",
            &[("text", "Contract attached.")]
        )
        .await
        .status(),
        303
    );
    assert_eq!(state_of(&app, &case_no).await, "intake_review");

    let due = due_in(15);
    let res = act(
        &app,
        &examiner,
        &case_no,
        "notify_respondent",
        &[("email", "legal@megacorp.example"), ("due", &due)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(state_of(&app, &case_no).await, "respondent_notified");

    // The respondent joins through the single-use link in the invitation.
    let link = invitation_link(&app).await;
    let respondent = browser();
    let page = app.page(&respondent, &link).await;
    assert!(page.contains(&case_no));
    let res = app
        .post_as(
            &respondent,
            &link,
            &[("name", "Megacorp Legal Team"), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/cases/{case_no}"));
    // The link cannot be used twice.
    let again = app
        .post_as(
            &browser(),
            &link,
            &[("name", "Someone Else"), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), 410);
    // Proof of notice: the invitation shows as opened on the case, for staff.
    let staff_view = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(staff_view.contains(r#"data-notice="respondent_invitation""#));
    assert!(staff_view.contains(r#"data-opened="true""#));

    assert_eq!(
        act(&app, &respondent, &case_no, "respondent_agrees", &[])
            .await
            .status(),
        303
    );
    assert_eq!(state_of(&app, &case_no).await, "panel_assignment");

    // A mediator linked to the respondent by e-mail domain is refused, with the reason.
    let conflicted = app
        .create_user(Role::Mediator, "kim@megacorp.example", STRONG_PASSWORD)
        .await;
    let res = act(
        &app,
        &legal,
        &case_no,
        "assign_panel",
        &[("mediator", &conflicted.id.0.to_string())],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("megacorp.example"), "the conflict names the link");
    assert_eq!(state_of(&app, &case_no).await, "panel_assignment");

    let (mediator, m) = app.signed_in(Role::Mediator).await;
    assert_eq!(
        act(
            &app,
            &legal,
            &case_no,
            "assign_panel",
            &[("mediator", &m.id.0.to_string())]
        )
        .await
        .status(),
        303
    );
    assert_eq!(state_of(&app, &case_no).await, "in_mediation");
    // The mediator now sees the case; another mediator still does not.
    assert_eq!(
        app.get_as(&mediator, &format!("/cases/{case_no}")).await.status(),
        200
    );
    let (other_mediator, _) = app.signed_in(Role::Mediator).await;
    assert_eq!(
        app.get_as(&other_mediator, &format!("/cases/{case_no}"))
            .await
            .status(),
        404
    );

    let res = act(
        &app,
        &mediator,
        &case_no,
        "schedule_session",
        &[
            ("session_at", "2026-12-10T14:00"),
            ("place", "Seoul mediation room 3"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let res = act(
        &app,
        &mediator,
        &case_no,
        "record_session",
        &[
            ("session_at", "2026-12-10T14:00"),
            ("place", "Seoul mediation room 3"),
            ("complainant_attended", "1"),
            ("respondent_attended", "1"),
            ("text", "Both sides heard."),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    // The session scheduled is the one recorded: one session, held, not two.
    let number = case_no.clone();
    let sessions: Vec<(bool, Option<String>)> = app
        .with_db(move |c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::{cases, mediation_sessions};
            mediation_sessions::table
                .inner_join(cases::table)
                .filter(cases::case_no.eq(&number))
                .select((mediation_sessions::held, mediation_sessions::minutes))
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(sessions, [(true, Some("Both sides heard.".to_owned()))]);
    let due = due_in(14);
    let res = act(
        &app,
        &mediator,
        &case_no,
        "issue_proposal",
        &[("text", "Licence at 3% royalty."), ("due", &due)],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(state_of(&app, &case_no).await, "proposal_issued");

    assert_eq!(
        act(&app, &complainant, &case_no, "accept_proposal", &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        state_of(&app, &case_no).await,
        "proposal_issued",
        "one side is not enough"
    );
    assert_eq!(
        act(&app, &respondent, &case_no, "accept_proposal", &[])
            .await
            .status(),
        303
    );
    assert_eq!(state_of(&app, &case_no).await, "settled");

    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-closure="settled""#));
    assert!(page.contains(r#"data-event="accept_proposal""#));
    // Every step was notified.
    let kinds: Vec<String> = app
        .notices()
        .await
        .into_iter()
        .map(|n| n.kind.as_str().to_owned())
        .collect();
    assert!(
        kinds.iter().filter(|k| *k == "case_update").count() >= 8,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn two_officers_acting_at_once_one_wins_the_other_sees_the_case_as_it_is() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (first, _) = app.signed_in(Role::Examiner).await;
    let (second, _) = app.signed_in(Role::Legal).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Race").await;
    // Both loaded the page at version 1 (filed); the first starts the review.
    assert_eq!(
        act(&app, &first, &case_no, "start_review", &[]).await.status(),
        303
    );
    let stale = app
        .post_as(
            &second,
            &format!("/cases/{case_no}/actions/start_review"),
            &[("version", "2")],
        )
        .await;
    assert_eq!(stale.status(), 409);
    assert!(stale.text().await.unwrap().contains("intake_review"));
}

#[tokio::test]
async fn a_silent_respondent_is_reminded_then_the_case_is_deemed_not_settled_by_the_system() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Silence").await;
    act(&app, &examiner, &case_no, "start_review", &[]).await;
    let due = due_in(15);
    let res = act(
        &app,
        &examiner,
        &case_no,
        "notify_respondent",
        &[("email", "legal@megacorp.example"), ("due", &due)],
    )
    .await;
    assert_eq!(res.status(), 303);

    let sweep = |days: i64| {
        move |c: &mut ipdesk::db::DbConn| {
            let settings = Settings::default();
            let url = ipdesk::config::PublicUrl::parse("http://ipdesk.test").unwrap();
            let ctx = ipdesk::workflow::Ctx {
                public_url: &url,
                settings: &settings,
                address: None,
            };
            let now = chrono::Utc::now().naive_utc() + TimeDelta::days(days);
            ipdesk::workflow::sweep(c, &ctx, now).unwrap()
        }
    };
    // Three days before: reminded once, however often the job runs (several servers).
    let report = app.with_db(sweep(12)).await;
    assert!(report.reminders >= 1);
    assert_eq!(report.lapsed, 0);
    assert_eq!(app.with_db(sweep(12)).await.reminders, 0);
    // On the day: reminded again; still waiting.
    assert!(app.with_db(sweep(15)).await.reminders >= 1);
    assert_eq!(state_of(&app, &case_no).await, "respondent_notified");
    // The day after: the system acts.
    let report = app.with_db(sweep(16)).await;
    assert_eq!(report.lapsed, 1);
    assert_eq!(state_of(&app, &case_no).await, "deemed_not_settled");
    let deadlines = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::deadlines::dsl::*;
            deadlines
                .order(id)
                .select((kind, status))
                .load::<(String, String)>(c)
                .unwrap()
        })
        .await;
    assert!(
        deadlines.contains(&("response".into(), "lapsed".into())),
        "the unanswered deadline is recorded as lapsed: {deadlines:?}"
    );
    assert!(deadlines.contains(&("mediation".into(), "cancelled".into())));
    assert_eq!(app.with_db(sweep(17)).await.lapsed, 0, "idempotent");
    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-event="response_lapsed""#));
    assert!(page.contains(r#"data-closure="deemed_not_settled""#));
    // The cross-case report lists running deadlines (the lapsed one no longer runs).
    let report = app.page(&examiner, "/deadlines").await;
    assert!(!report.contains(&format!(r#"<a href="/cases/{case_no}">"#)));
    let kinds: Vec<String> = app
        .notices()
        .await
        .into_iter()
        .map(|n| n.kind.as_str().to_owned())
        .collect();
    assert!(kinds.iter().any(|k| k == "deadline_reminder"));
}

#[tokio::test]
async fn a_theft_report_is_investigated_and_referred_out_in_korean() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "설계 도면 유출").await;
    let legal = crate::helpers::korean_browser();
    let officer = app
        .create_user(Role::Legal, "legal-ko@ipo.example", STRONG_PASSWORD)
        .await;
    assert_eq!(
        app.login_as(&legal, &officer.email, STRONG_PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(
        act(&app, &legal, &case_no, "start_review", &[]).await.status(),
        303
    );
    let page = app.page(&legal, &format!("/cases/{case_no}")).await;
    assert!(
        page.contains("조사 개시"),
        "the legal officer's actions are offered in Korean"
    );
    assert_eq!(
        act(&app, &legal, &case_no, "start_investigation", &[])
            .await
            .status(),
        303
    );
    assert_eq!(state_of(&app, &case_no).await, "under_investigation");
    // The mediation clock stops when the case leaves mediation.
    let page = app.page(&legal, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-deadline="mediation" data-status="cancelled""#));
    // A referral without its receiving body is refused next to the field, in Korean.
    let res = act(&app, &legal, &case_no, "refer_out", &[("text", "형사 절차 필요")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("선택"));
    let res = act(
        &app,
        &legal,
        &case_no,
        "refer_out",
        &[("body", "technology_police"), ("text", "형사 절차 필요")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(state_of(&app, &case_no).await, "referred_out");
    let page = app.page(&legal, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-closure="referred_out""#));
    // The complainant was told, in a notice about the case.
    let told = app.notices().await.into_iter().any(|n| {
        n.kind.as_str() == "case_update"
            && n.subject.contains(&case_no)
            && n.body_text.contains("형사 절차 필요")
    });
    assert!(told);
}

#[tokio::test]
async fn a_notice_shows_when_it_was_opened_and_a_failed_one_shows_as_failed() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Proof of notice").await;
    let notices = app.notices().await;
    let receipt = notices
        .iter()
        .find(|n| n.kind.as_str() == "filing_receipt")
        .unwrap();
    let link = regex::Regex::new(r"/n/[A-Za-z0-9_-]+")
        .unwrap()
        .find(&receipt.body_text)
        .expect("the receipt carries its own link")
        .as_str()
        .to_owned();
    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(!page.contains(r#"data-opened="true""#), "nothing opened yet");
    // The complainant follows the link in the mail: it leads to the case and is recorded.
    let res = app.get_as(&complainant, &link).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/cases/{case_no}"));
    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-opened="true""#));
    // The case's notices are the office's view: a party does not see them.
    let theirs = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert!(!theirs.contains("data-notice="));
}

#[tokio::test]
async fn a_notice_the_mail_server_refused_shows_as_failed_on_the_case() {
    let sink = crate::smtp::SmtpSink::start(0);
    sink.reject_all(true);
    let app = crate::mail::with_smtp(&sink).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = crate::helpers::file_case(&app, &complainant, "Bounced receipt").await;
    app.wait_for_notices("the refusal", |rows| {
        rows.iter()
            .any(|r| r.kind.as_str() == "filing_receipt" && r.status.as_str() == "failed")
    })
    .await;
    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-notice="filing_receipt" data-status="failed""#));
    assert!(page.contains("550"), "the server's reason is shown");
}

#[tokio::test]
async fn two_different_actions_at_the_same_moment_exactly_one_is_applied() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let (legal, _) = app.signed_in(Role::Legal).await;
    let version_field = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap();
    for round in 0..5 {
        let case_no = crate::helpers::file_case(&app, &complainant, &format!("Race {round}")).await;
        assert_eq!(
            act(&app, &examiner, &case_no, "start_review", &[]).await.status(),
            303
        );
        let due = due_in(14);
        // Both officers saw the same page, at the same version, and act at once.
        let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
        let version = version_field.captures(&page).unwrap()[1].to_owned();
        let (supplement, reject) = (
            format!("/cases/{case_no}/actions/request_supplement"),
            format!("/cases/{case_no}/actions/reject"),
        );
        let supplement_form = [
            ("text", "Missing contract."),
            ("due", due.as_str()),
            ("version", version.as_str()),
        ];
        let reject_form = [("text", "Out of scope."), ("version", version.as_str())];
        let (a, b) = tokio::join!(
            app.post_as(&examiner, &supplement, &supplement_form),
            app.post_as(&legal, &reject, &reject_form),
        );
        let (sa, sb) = (a.status().as_u16(), b.status().as_u16());
        let mut statuses = [sa, sb];
        statuses.sort();
        assert_eq!(
            statuses,
            [303, 409],
            "one wins, the other is told the case changed"
        );
        let state = state_of(&app, &case_no).await;
        let winner = if a.status() == 303 {
            "awaiting_supplement"
        } else {
            "rejected"
        };
        assert_eq!(state, winner);
        let no = case_no.clone();
        let events: i64 = app
            .with_db(move |c| {
                use diesel::prelude::*;
                use ipdesk::db::schema::{case_events, cases};
                case_events::table
                    .inner_join(cases::table)
                    .filter(cases::case_no.eq(no))
                    .count()
                    .get_result(c)
                    .unwrap()
            })
            .await;
        assert_eq!(events, 2, "start_review and the winner only");
    }
}
