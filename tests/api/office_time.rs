//! Office time (issue 17 §1): the office is in Seoul, so "today" and overdue are Korean days,
//! and times are shown in KST with the zone marked.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ipdesk::db::schema::{cases, deadlines};

use crate::helpers::cases::{act, file_case, office};
use crate::helpers::spawn_app_with;

/// 01:00 KST on 2 December 2026 is still 1 December in UTC.
fn one_in_the_morning_in_seoul() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(16, 0, 0)
        .unwrap()
}

#[tokio::test]
async fn at_one_in_the_morning_in_seoul_today_and_overdue_are_korean_days() {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(one_in_the_morning_in_seoul())).await;
    let office = office(&app).await;
    let (complainant, examiner) = &office;
    let case_no = file_case(&app, complainant, "A deadline across midnight").await;
    assert_eq!(
        act(&app, examiner, &case_no, "start_review", &[]).await.status(),
        303
    );

    // The respondent's reply is due 15 days from today, and today is 2 December in Seoul.
    let page = app.page(examiner, &format!("/cases/{case_no}")).await;
    assert!(
        page.contains(r#"name="due" required value="2026-12-17""#),
        "the default due date counts from the office day (2 December), not the UTC day"
    );
    // A due date must lie after today: 2 December is today in Seoul (though tomorrow in UTC).
    for (due, status, why) in [
        ("2026-12-02", 422, "today is not in the future"),
        ("2026-12-03", 303, "tomorrow is"),
    ] {
        let fields = [("email", "legal@megacorp.example"), ("due", due)];
        let res = act(&app, examiner, &case_no, "notify_respondent", &fields).await;
        assert_eq!(res.status(), status, "{why}");
    }
    let page = app.page(examiner, &format!("/cases/{case_no}")).await;
    assert!(
        !page.contains(r#"class="overdue""#),
        "a deadline due tomorrow is not overdue"
    );

    // Due yesterday in Seoul, which is still today in UTC: overdue from 00:00 KST.
    let number = case_no.clone();
    app.with_db(move |c| {
        let case_id: i64 = cases::table
            .filter(cases::case_no.eq(number))
            .select(cases::id)
            .first(c)
            .unwrap();
        diesel::update(deadlines::table.filter(deadlines::case_id.eq(case_id)))
            .set(deadlines::due_on.eq(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()))
            .execute(c)
            .unwrap();
    })
    .await;
    let page = app.page(examiner, &format!("/cases/{case_no}")).await;
    assert!(
        page.contains(r#"class="overdue""#),
        "due on 1 December is overdue on 2 December"
    );
    let list = app.page(examiner, "/deadlines").await;
    assert!(list.contains(&case_no), "the deadline is listed");
    assert!(
        list.contains("overdue"),
        "and marked overdue in the cross-case list"
    );
}

#[tokio::test]
async fn times_are_shown_in_korea_time_with_the_zone_marked() {
    let app = spawn_app_with(|_| {}).await;
    let (complainant, examiner) = &office(&app).await;
    let case_no = file_case(&app, complainant, "Shown in KST").await;
    let number = case_no.clone();
    let filed_at: NaiveDateTime = app
        .with_db(move |c| {
            cases::table
                .filter(cases::case_no.eq(number))
                .select(cases::filed_at.assume_not_null())
                .first(c)
                .unwrap()
        })
        .await;
    let kst = filed_at + chrono::TimeDelta::hours(9);
    let page = app.page(examiner, &format!("/cases/{case_no}")).await;
    assert!(
        page.contains(&format!("{} KST", kst.format("%Y-%m-%d %H:%M"))),
        "the filing time is shown in KST"
    );
    assert!(
        page.contains(&format!(
            r#"datetime="{}+09:00""#,
            kst.format("%Y-%m-%dT%H:%M:%S")
        )),
        "and marked up with its offset"
    );
    assert!(!page.contains(" UTC"), "no time on the page is in UTC");
}

#[tokio::test]
async fn a_case_filed_late_at_night_and_withdrawn_after_midnight_was_open_one_office_day() {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(one_in_the_morning_in_seoul())).await;
    let (complainant, _) = office(&app).await;
    let case_no = file_case(&app, &complainant, "Withdrawn after midnight").await;
    // Filed at 23:00 KST on 1 December (14:00 UTC): the same UTC day as the withdrawal.
    let number = case_no.clone();
    app.with_db(move |c| {
        diesel::update(cases::table.filter(cases::case_no.eq(number)))
            .set(
                cases::filed_at.eq(NaiveDate::from_ymd_opt(2026, 12, 1)
                    .unwrap()
                    .and_hms_opt(14, 0, 0)),
            )
            .execute(c)
            .unwrap();
    })
    .await;
    assert_eq!(
        act(&app, &complainant, &case_no, "withdraw", &[]).await.status(),
        303
    );
    let days_open: i32 = app
        .with_db(|c| {
            ipdesk::db::schema::case_closures::table
                .select(ipdesk::db::schema::case_closures::days_open)
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!(days_open, 1, "1 December to 2 December in Seoul");
}

#[tokio::test]
async fn a_complaint_filed_on_new_years_morning_in_seoul_takes_the_new_years_number() {
    // 08:00 KST on 1 January 2027: still 31 December 2026 in UTC.
    let new_years_morning = NaiveDate::from_ymd_opt(2026, 12, 31)
        .unwrap()
        .and_hms_opt(23, 0, 0)
        .unwrap();
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(new_years_morning)).await;
    let (complainant, _) = app.signed_in(ipdesk::domain::Role::Complainant).await;
    let case_no = file_case(&app, &complainant, "Filed on New Year's morning").await;
    assert_eq!(case_no, "IPD-2027-00001");
    let page = app.page(&complainant, &format!("/cases/{case_no}")).await;
    assert!(page.contains("2027-01-01 08:00 KST"), "filed, in office time");
}
