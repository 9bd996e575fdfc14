//! The mediation clock on the case page (issue 17 §3): a bar of the days run, paused and
//! left, drawn on the server, with the same in words.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ipdesk::db::schema::{cases, deadlines};
use ipdesk::domain::Role;

use crate::helpers::cases::{act, file_case};
use crate::helpers::{TestApp, spawn_app_with};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// 10:00 KST on 11 December 2026.
fn morning_of_the_11th() -> NaiveDateTime {
    date(2026, 12, 11).and_hms_opt(1, 0, 0).unwrap()
}

/// Sets the case's mediation clock as if it had started on 1 December (KST) for 90 days.
async fn started_on_the_1st(app: &TestApp, case_no: &str) {
    let number = case_no.to_owned();
    app.with_db(move |c| {
        let id: i64 = cases::table
            .filter(cases::case_no.eq(number))
            .select(cases::id)
            .first(c)
            .unwrap();
        diesel::update(
            deadlines::table
                .filter(deadlines::case_id.eq(id))
                .filter(deadlines::kind.eq("mediation")),
        )
        .set((
            // 00:30 KST on 1 December is still 30 November in UTC.
            deadlines::opened_at.eq(date(2026, 11, 30).and_hms_opt(15, 30, 0).unwrap()),
            deadlines::due_on.eq(date(2027, 3, 1)),
        ))
        .execute(c)
        .unwrap();
    })
    .await;
}

fn clock(page: &str) -> (String, String, String) {
    let re = regex::Regex::new(r#"data-clock data-running="(\d+)" data-paused="(\d+)" data-left="(\d+)""#)
        .unwrap();
    let c = re
        .captures(page)
        .expect("the case page shows the mediation clock");
    (c[1].to_owned(), c[2].to_owned(), c[3].to_owned())
}

#[tokio::test]
async fn the_mediation_clock_shows_days_run_paused_and_left_as_a_bar_and_in_words() {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(morning_of_the_11th())).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &complainant, "On the clock").await;
    started_on_the_1st(&app, &case_no).await;
    let path = format!("/cases/{case_no}");

    let page = app.page(&examiner, &path).await;
    assert_eq!(
        clock(&page),
        ("10".into(), "0".into(), "80".into()),
        "ten office days run"
    );
    assert!(page.contains(
        r#"<svg class="clock-bar" width="100%" height="28" role="img" aria-labelledby="clock-h clock-text""#
    ));
    assert!(
        page.contains(r#"<rect class="run" x="0" y="0" width="11.11%""#),
        "10 of 90 days"
    );
    assert!(page.contains("Day 10 of 90: 10 days running, 0 days paused, 80 days left."));

    // Asking for a supplement stops the clock; say it stopped four days ago.
    assert_eq!(
        act(&app, &examiner, &case_no, "start_review", &[]).await.status(),
        303
    );
    let asked = [("text", "Please send the design files."), ("due", "2026-12-25")];
    assert_eq!(
        act(&app, &examiner, &case_no, "request_supplement", &asked)
            .await
            .status(),
        303
    );
    app.with_db(|c| {
        diesel::update(deadlines::table.filter(deadlines::kind.eq("mediation")))
            .set(deadlines::paused_on.eq(date(2026, 12, 7)))
            .execute(c)
            .unwrap();
    })
    .await;
    let page = app.page(&complainant, &path).await;
    assert_eq!(
        clock(&page),
        ("6".into(), "4".into(), "84".into()),
        "stood still since the 7th"
    );
    assert!(page.contains("The clock is paused."));

    // The supplement restarts it: the four days are added to the period, not taken from it.
    let supplied = [("text", "Attached.")];
    assert_eq!(
        act(&app, &complainant, &case_no, "supply", &supplied)
            .await
            .status(),
        303
    );
    let page = app.page(&examiner, &path).await;
    assert_eq!(clock(&page), ("6".into(), "4".into(), "84".into()));
    assert!(page.contains("Day 10 of 94: 6 days running, 4 days paused, 84 days left."));
    assert!(!page.contains("The clock is paused."));

    let korean = crate::helpers::korean_browser();
    let officer = app
        .create_user(
            Role::Legal,
            "officer@ipdesk.test",
            crate::helpers::STRONG_PASSWORD,
        )
        .await;
    assert_eq!(
        app.login_as(&korean, &officer.email, crate::helpers::STRONG_PASSWORD)
            .await
            .status(),
        303
    );
    let page = app.page(&korean, &path).await;
    assert!(page.contains("전체 94일 중 10일째: 진행 6일, 정지 4일, 남은 기간 84일."));
}
