//! Home pages that say what to do (issue 17 §2) and the case page's next step and timeline
//! (§3): each role lands on its own work, every item links to where it is done.

use chrono::{NaiveDate, NaiveDateTime};
use ipdesk::domain::Role;

use crate::helpers::cases::{act, due_in, file_case};
use crate::helpers::evidence::case_with_both_sides;
use crate::helpers::{spawn_app, spawn_app_with};

/// The panel of the home page marked `data-panel="name"`, up to the next panel.
fn panel<'a>(page: &'a str, name: &str) -> &'a str {
    let start = page
        .find(&format!(r#"data-panel="{name}""#))
        .unwrap_or_else(|| panic!("the home page has a {name} panel"));
    let rest = &page[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    &rest[..end]
}

fn tally(panel: &str) -> i64 {
    let re = regex::Regex::new(r#"class="tally[^"]*">(\d+)<"#).unwrap();
    re.captures(panel).unwrap()[1].parse().unwrap()
}

#[tokio::test]
async fn a_complainant_sees_file_a_complaint_first_then_each_case_with_what_is_expected_and_by_when() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;

    let home = app.page(&complainant, "/").await;
    let file = home
        .find(r#"data-home="file""#)
        .expect("File a complaint is offered");
    assert!(
        file < home.find(r#"data-panel="my-cases""#).unwrap(),
        "filing comes first"
    );
    assert!(panel(&home, "my-cases").contains("You have no cases yet."));

    let case_no = file_case(&app, &complainant, "Separator coating taken").await;
    assert_eq!(
        act(&app, &examiner, &case_no, "start_review", &[]).await.status(),
        303
    );
    let due = due_in(10);
    let res = act(
        &app,
        &examiner,
        &case_no,
        "request_supplement",
        &[("text", "Please add the licence agreement."), ("due", &due)],
    )
    .await;
    assert_eq!(res.status(), 303);
    app.post_as(
        &examiner,
        &format!("/cases/{case_no}/notes"),
        &[
            ("visibility", "shared"),
            ("body", "We wrote to you about the licence."),
        ],
    )
    .await;

    let home = app.page(&complainant, "/").await;
    let mine = panel(&home, "my-cases");
    assert!(
        mine.contains(&format!(r#"href="/cases/{case_no}""#)),
        "the case links to its page"
    );
    assert!(mine.contains(r#"data-next="next-complainant-supply""#));
    assert!(mine.contains("Your turn:"), "it is the complainant's move");
    assert!(mine.contains(&format!("by {due} (10 days left)")), "{mine}");
    assert!(mine.contains(r#"data-unread="1""#), "the office's message is new");

    // Reading the case makes the message old news.
    let case_page = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert!(case_page.contains(r#"data-next-step="next-complainant-supply""#));
    let home = app.page(&complainant, "/").await;
    assert!(!panel(&home, "my-cases").contains("data-unread"));

    // A draft in progress is offered to resume.
    let pairs = crate::helpers::cases::complaint("Half-written complaint");
    let res = crate::helpers::cases::post_case(&app, &complainant, pairs, "save").await;
    assert_eq!(res.status(), 303);
    let home = app.page(&complainant, "/").await;
    let drafts = panel(&home, "drafts");
    assert!(drafts.contains("Half-written complaint") && drafts.contains("/cases/drafts/"));
}

#[tokio::test]
async fn a_respondent_sees_the_reply_that_is_due_and_by_when() {
    let app = spawn_app().await;
    let (_complainant, _examiner, respondent, case_no) = case_with_both_sides(&app).await;
    let home = app.page(&respondent, "/").await;
    assert!(
        !home.contains(r#"data-home="file""#),
        "respondents do not file here"
    );
    let mine = panel(&home, "my-cases");
    assert!(mine.contains(&case_no));
    assert!(mine.contains(r#"data-next="next-respondent-reply""#));
    assert!(
        mine.contains(&format!("by {} (15 days left)", due_in(15))),
        "{mine}"
    );
}

#[tokio::test]
async fn an_examiner_sees_their_queue_new_filings_deadlines_and_what_parties_sent() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, me) = app.signed_in(Role::Examiner).await;
    let waiting = file_case(&app, &complainant, "Waiting for intake").await;
    let mine = file_case(&app, &complainant, "Under my review").await;
    assert_eq!(
        act(&app, &examiner, &mine, "start_review", &[]).await.status(),
        303
    );

    let home = app.page(&examiner, "/").await;
    let intake = panel(&home, "intake");
    assert!(intake.contains(&waiting) && !intake.contains(&mine));
    assert_eq!(tally(intake), 1);
    assert!(intake.contains("/cases?state=filed&amp;sort=oldest"));
    let queue = panel(&home, "queue");
    assert!(queue.contains(&mine) && !queue.contains(&waiting));
    assert!(queue.contains("/cases?mine=1&amp;sort=deadline"));
    assert!(panel(&home, "overdue").contains("Nothing of yours is overdue."));
    assert!(panel(&home, "due-soon").contains(&format!("/deadlines?officer={}", me.id)));

    // The examiner reads the case, then the complainant writes: that is new.
    app.page(&examiner, &format!("/cases/{mine}")).await;
    let home = app.page(&examiner, "/").await;
    assert!(panel(&home, "activity").contains("Nothing new"));
    app.post_as(
        &complainant,
        &format!("/cases/{mine}/notes"),
        &[
            ("visibility", "shared"),
            ("body", "Here is more about the coating line."),
        ],
    )
    .await;
    let home = app.page(&examiner, "/").await;
    let activity = panel(&home, "activity");
    assert!(
        activity.contains(&mine) && activity.contains("wrote a message"),
        "{activity}"
    );
    app.page(&examiner, &format!("/cases/{mine}")).await;
    let home = app.page(&examiner, "/").await;
    assert!(
        panel(&home, "activity").contains("Nothing new"),
        "read, so no longer new"
    );
}

/// 01:00 KST on 3 December 2026 (16:00 UTC the day before).
fn one_in_the_morning_in_seoul() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 2)
        .unwrap()
        .and_hms_opt(16, 0, 0)
        .unwrap()
}

#[tokio::test]
async fn at_one_in_the_morning_in_seoul_a_deadline_due_the_day_before_is_overdue_on_the_home_page() {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(one_in_the_morning_in_seoul())).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &complainant, "Late reply").await;
    assert_eq!(
        act(&app, &examiner, &case_no, "start_review", &[]).await.status(),
        303
    );
    // Then moved to the 2nd: Seoul's yesterday, still "today" in UTC.
    let res = act(
        &app,
        &examiner,
        &case_no,
        "request_supplement",
        &[("text", "Licence, please."), ("due", "2026-12-10")],
    )
    .await;
    assert_eq!(res.status(), 303);
    app.with_db(|c| {
        use diesel::prelude::*;
        use ipdesk::db::schema::deadlines;
        diesel::update(deadlines::table.filter(deadlines::kind.eq("supplement")))
            .set(deadlines::due_on.eq(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()))
            .execute(c)
            .unwrap()
    })
    .await;
    let home = app.page(&examiner, "/").await;
    let overdue = panel(&home, "overdue");
    assert_eq!(tally(overdue), 1, "{overdue}");
    assert!(overdue.contains("1 day overdue"));
    let home = app.page(&complainant, "/").await;
    assert!(panel(&home, "my-cases").contains(r#"class="by overdue""#));
}

#[tokio::test]
async fn an_administrator_sees_failed_notices_the_audit_chain_and_accounts_awaiting_set_up() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in(Role::Admin).await;
    let res = app
        .post_as(
            &admin,
            "/admin/users",
            &[
                ("email", "new.examiner@office.example"),
                ("name", "New Examiner"),
                ("role", "examiner"),
            ],
        )
        .await;
    assert!(res.status().is_success() || res.status() == 303);

    let home = app.page(&admin, "/").await;
    let awaiting = panel(&home, "awaiting-setup");
    assert!(awaiting.contains("new.examiner@office.example"), "{awaiting}");
    assert!(panel(&home, "failed-notices").contains("/admin/outbox?status=failed"));

    let res = app.post_as(&admin, "/admin/audit/verify", &[]).await;
    assert_eq!(res.status(), 303);
    let home = app.page(&admin, "/").await;
    let chain = panel(&home, "audit-chain");
    assert!(chain.contains(r#"data-intact="true""#), "{chain}");
    assert!(chain.contains("last verified"));
}

#[tokio::test]
async fn the_case_timeline_tells_who_did_what_and_when_in_order() {
    let app = spawn_app().await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &complainant, "Timeline case").await;
    assert_eq!(
        act(&app, &examiner, &case_no, "start_review", &[]).await.status(),
        303
    );
    app.post_as(
        &complainant,
        &format!("/cases/{case_no}/notes"),
        &[
            ("visibility", "shared"),
            ("body", "A first message\nwith a second line"),
        ],
    )
    .await;
    let page = app.page(&examiner, &format!("/cases/{case_no}")).await;
    let start = page.find(r#"data-list="timeline""#).unwrap();
    let timeline = &page[start..];
    let review = timeline.find(r#"data-event="start_review""#).unwrap();
    let note = timeline.find(r#"data-moment="note""#).unwrap();
    assert!(review < note, "oldest first");
    assert!(timeline.contains("A first message…"));
    assert!(timeline.contains("KST"), "times in office time");
    assert!(page.contains(r#"data-next-step="next-officer-decide""#));
}
