//! The cross-case deadline report (issue 17 §4): days left in office days, overdue marked,
//! filters by kind, officer and overdue only, and pages.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use ipdesk::db::schema::{cases, deadlines};
use ipdesk::domain::Role;
use ipdesk::domain::workflow::DeadlineKind;
use ipdesk::models::id::CaseId;
use ipdesk::models::workflow as store;

use crate::helpers::cases::{act, file_case};
use crate::helpers::{TestApp, spawn_app_with};

/// 10:00 KST on 2 December 2026.
fn morning_in_seoul() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 2)
        .unwrap()
        .and_hms_opt(1, 0, 0)
        .unwrap()
}

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap() + TimeDelta::days(offset)
}

async fn case_id(app: &TestApp, case_no: &str) -> CaseId {
    let number = case_no.to_owned();
    app.with_db(move |c| {
        cases::table
            .filter(cases::case_no.eq(number))
            .select(cases::id)
            .first(c)
            .unwrap()
    })
    .await
}

/// Gives the case one more running deadline of `kind`, due `offset` office days from today.
async fn deadline(app: &TestApp, case: CaseId, kind: DeadlineKind, offset: i64) {
    app.with_db(move |c| store::open_deadline(c, case, kind, day(offset), morning_in_seoul()).unwrap())
        .await;
}

fn rows(page: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(
        r#"<tr data-deadline="(\w+)"[^>]*>\s*<td[^>]*>.*?</td>\s*<td [^>]*data-days-left="(-?\d+)""#,
    )
    .unwrap();
    re.captures_iter(page)
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .collect()
}

#[tokio::test]
async fn an_officer_sees_days_left_and_narrows_the_report_to_what_is_overdue_or_theirs() {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(morning_in_seoul())).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, me) = app.signed_in(Role::Examiner).await;
    let (colleague, _) = app.signed_in(Role::Examiner).await;
    let mine = file_case(&app, &complainant, "Mine").await;
    let theirs = file_case(&app, &complainant, "Theirs").await;
    assert_eq!(
        act(&app, &examiner, &mine, "start_review", &[]).await.status(),
        303
    );
    assert_eq!(
        act(&app, &colleague, &theirs, "start_review", &[]).await.status(),
        303
    );
    // Filing on the mediation track started each case's mediation clock; drop those so the
    // report holds only the deadlines made here.
    app.with_db(|c| diesel::delete(deadlines::table).execute(c).unwrap())
        .await;
    let (mine_id, theirs_id) = (case_id(&app, &mine).await, case_id(&app, &theirs).await);
    deadline(&app, mine_id, DeadlineKind::Response, -2).await;
    deadline(&app, mine_id, DeadlineKind::Supplement, 0).await;
    deadline(&app, theirs_id, DeadlineKind::Response, 5).await;

    let page = app.page(&examiner, "/deadlines").await;
    assert_eq!(
        rows(&page),
        [
            ("response".into(), "-2".into()),
            ("supplement".into(), "0".into()),
            ("response".into(), "5".into())
        ],
        "earliest first, days counted in office days"
    );
    assert!(page.contains("2 days overdue") && page.contains("due today") && page.contains("5 days left"));
    assert_eq!(
        page.matches(r#"class="overdue""#).count(),
        1,
        "only the past one is marked overdue"
    );
    assert!(page.contains(r#"data-total="3""#));

    let overdue = app.page(&examiner, "/deadlines?overdue=1").await;
    assert_eq!(rows(&overdue), [("response".into(), "-2".into())], "overdue only");
    let responses = app.page(&examiner, "/deadlines?kind=response").await;
    assert_eq!(rows(&responses).len(), 2, "one kind");
    let own = app
        .page(&examiner, &format!("/deadlines?officer={}", me.id))
        .await;
    assert_eq!(rows(&own).len(), 2, "the officer's own cases");
    assert!(!own.contains(&format!(r#"href="/cases/{theirs}""#)));
    let both = app
        .page(
            &examiner,
            &format!("/deadlines?officer={}&kind=response&overdue=1", me.id),
        )
        .await;
    assert_eq!(
        rows(&both),
        [("response".into(), "-2".into())],
        "the filters together"
    );
    // What the address cannot mean is no filter, as a fresh form would send.
    let odd = app
        .page(&examiner, "/deadlines?kind=holiday&officer=x&overdue=yes")
        .await;
    assert_eq!(rows(&odd).len(), 3);

    // Korean, the office's first language.
    let korean = crate::helpers::korean_browser();
    let email = me.email.clone();
    assert_eq!(
        app.login_as(&korean, &email, crate::helpers::STRONG_PASSWORD)
            .await
            .status(),
        303
    );
    let page = app.page(&korean, "/deadlines").await;
    assert!(page.contains("2일 지남") && page.contains("오늘 마감") && page.contains("5일 남음"));
}

#[tokio::test]
async fn a_long_report_comes_a_page_at_a_time_and_keeps_its_filters() {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(morning_in_seoul())).await;
    let (complainant, _) = app.signed_in(Role::Complainant).await;
    let (examiner, _) = app.signed_in(Role::Examiner).await;
    let case_no = file_case(&app, &complainant, "Many deadlines").await;
    let id = case_id(&app, &case_no).await;
    app.with_db(|c| diesel::delete(deadlines::table).execute(c).unwrap())
        .await;
    for offset in 0..60 {
        deadline(&app, id, DeadlineKind::Supplement, offset).await;
    }
    let first = app.page(&examiner, "/deadlines?kind=supplement").await;
    assert_eq!(rows(&first).len(), 50);
    assert_eq!(rows(&first)[0].1, "0");
    assert!(first.contains(r#"data-total="60""#));
    let next = regex::Regex::new(r#"<a href="([^"]+)" rel="next">"#).unwrap();
    let href = next.captures(&first).expect("a link to the next page")[1].replace("&#38;", "&");
    assert!(
        href.contains("kind=supplement"),
        "the next page keeps the filter: {href}"
    );
    let second = app.page(&examiner, &href).await;
    assert_eq!(rows(&second).len(), 10);
    assert_eq!(rows(&second)[0].1, "50");
    assert!(!next.is_match(&second), "the last page has no next");
}
