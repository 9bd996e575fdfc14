//! Each role's desk in Chromium (issue 17): the home pages that say what to do, the case list
//! with its officer, deadline and age columns, the deadlines list, a case's timeline, next step
//! and mediation clock, and the calendar on the account page — each checked with axe, for
//! overflow on a phone, and photographed.

use chrono::TimeDelta;
use diesel::prelude::*;
use ipdesk::domain::Role;

use super::{Browser, Lang, Width, spawn_app_for_browser};
use crate::helpers::{
    STRONG_PASSWORD, TestApp, act, browser, due_in, file_case, invitation_link, korean_browser,
};

struct Titles {
    mediated: &'static str,
    waiting: &'static str,
    late: &'static str,
    respondent: &'static str,
    note: &'static str,
    place: &'static str,
}

const KOREAN: Titles = Titles {
    mediated: "배터리 분리막 코팅 기술 유출",
    waiting: "센서 보정 알고리즘 무단 사용",
    late: "금형 설계 도면 도용",
    respondent: "대한전자 법무팀",
    note: "답변서 초안을 다음 주에 제출하겠습니다.",
    place: "서울 조정실 3",
};

const ENGLISH: Titles = Titles {
    mediated: "Battery separator coating know-how taken",
    waiting: "Sensor calibration algorithm used without licence",
    late: "Mould design drawings copied",
    respondent: "Daehan Electronics legal team",
    note: "We will file our draft reply next week.",
    place: "Seoul mediation room 3",
};

/// The office at work: a case in mediation with a session coming, one waiting for intake,
/// and one whose supplement is overdue. Returns each role's e-mail and the cases.
struct Office {
    examiner: String,
    mediator: String,
    complainant: String,
    respondent: String,
    admin: String,
    mediated: String,
    late: String,
}

async fn an_office_at_work(app: &TestApp, lang: Lang, words: &Titles) -> Office {
    let (complainant, c) = app.signed_in(Role::Complainant).await;
    let (examiner, e) = app.signed_in(Role::Examiner).await;
    let (legal, _) = app.signed_in(Role::Legal).await;
    let (mediator, m) = app.signed_in(Role::Mediator).await;
    let (_, admin) = app.signed_in(Role::Admin).await;

    let mediated = file_case(app, &complainant, words.mediated).await;
    assert_eq!(
        act(app, &examiner, &mediated, "start_review", &[]).await.status(),
        303
    );
    let respondent_email = "legal@daehan.example";
    let res = act(
        app,
        &examiner,
        &mediated,
        "notify_respondent",
        &[("email", respondent_email), ("due", &due_in(15))],
    )
    .await;
    assert_eq!(res.status(), 303);
    // The respondent joins from a browser in the story's language, which their account keeps.
    let respondent = match lang {
        Lang::Ko => korean_browser(),
        Lang::En => browser(),
    };
    let link = invitation_link(app).await;
    let res = app
        .post_as(
            &respondent,
            &link,
            &[("name", words.respondent), ("password", STRONG_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        act(app, &respondent, &mediated, "respondent_agrees", &[])
            .await
            .status(),
        303
    );
    let res = act(
        app,
        &legal,
        &mediated,
        "assign_panel",
        &[("mediator", &m.id.0.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let session_at = format!("{}T14:00", due_in(5));
    let res = act(
        app,
        &mediator,
        &mediated,
        "schedule_session",
        &[("session_at", &session_at), ("place", words.place)],
    )
    .await;
    assert_eq!(res.status(), 303);
    app.post_as(
        &respondent,
        &format!("/cases/{mediated}/notes"),
        &[("visibility", "shared"), ("body", words.note)],
    )
    .await;

    file_case(app, &complainant, words.waiting).await;

    let late = file_case(app, &complainant, words.late).await;
    assert_eq!(
        act(app, &examiner, &late, "start_review", &[]).await.status(),
        303
    );
    let res = act(
        app,
        &examiner,
        &late,
        "request_supplement",
        &[("text", "Licence agreement, please."), ("due", &due_in(10))],
    )
    .await;
    assert_eq!(res.status(), 303);
    let late_no = late.clone();
    app.with_db(move |c| {
        use ipdesk::db::schema::{cases, deadlines};
        let id: i64 = cases::table
            .filter(cases::case_no.eq(&late_no))
            .select(cases::id)
            .first(c)
            .unwrap();
        let today = ipdesk::domain::office_time::OfficeZone::SEOUL.day_of(ipdesk::models::now());
        diesel::update(deadlines::table.filter(deadlines::case_id.eq(id)))
            .set(deadlines::due_on.eq(today - TimeDelta::days(2)))
            .execute(c)
            .unwrap();
    })
    .await;

    Office {
        examiner: e.email,
        mediator: m.email,
        complainant: c.email,
        respondent: respondent_email.to_owned(),
        admin: admin.email,
        mediated,
        late,
    }
}

async fn sign_in(b: &mut Browser, email: &str, step: &str) {
    b.goto("/login", &format!("{step}-sign-in")).await;
    b.fill("#email", email).await;
    b.fill("#password", STRONG_PASSWORD).await;
    b.submit("form[action^='/login'] button[type=submit]", step).await;
}

async fn each_roles_desk(lang: Lang, width: Width) {
    let app = spawn_app_for_browser().await;
    let Some(mut b) = Browser::open(&app, "desks", lang, width).await else {
        return;
    };
    let words = match lang {
        Lang::Ko => &KOREAN,
        Lang::En => &ENGLISH,
    };
    let office = an_office_at_work(&app, lang, words).await;

    sign_in(&mut b, &office.examiner, "examiner-home").await;
    for panel in ["queue", "intake", "overdue", "activity"] {
        assert!(
            b.has(&format!("[data-panel={panel}]")).await,
            "the examiner's {panel}"
        );
    }
    assert!(
        b.has(&format!("[data-panel=overdue] a[href='/cases/{}']", office.late))
            .await,
        "the overdue supplement links to its case"
    );
    b.goto("/cases?sort=deadline", "case-list-by-deadline").await;
    assert!(b.has(&format!("tr.overdue[data-case='{}']", office.late)).await);
    b.goto("/deadlines", "deadlines").await;
    b.goto(&format!("/cases/{}", office.late), "case-overdue-supplement")
        .await;
    assert!(b.has("[data-next-step]").await && b.has("[data-list=timeline]").await);
    b.goto("/account", "account").await;
    b.submit("#calendar form button[type=submit]", "calendar-on")
        .await;
    assert!(b.has("[data-calendar-url]").await, "the feed's address is shown");
    b.sign_out("examiner-out").await;

    sign_in(&mut b, &office.mediator, "mediator-home").await;
    assert!(b.has("[data-panel=sessions]").await);
    b.goto(&format!("/cases/{}", office.mediated), "case-in-mediation")
        .await;
    assert!(b.has("[data-list=timeline]").await);
    b.sign_out("mediator-out").await;

    sign_in(&mut b, &office.complainant, "complainant-home").await;
    assert!(b.has("[data-home=file]").await, "filing comes first");
    b.sign_out("complainant-out").await;

    sign_in(&mut b, &office.respondent, "respondent-home").await;
    assert!(
        b.has(&format!(
            "[data-panel=my-cases] a[href='/cases/{}']",
            office.mediated
        ))
        .await
    );
    b.sign_out("respondent-out").await;

    sign_in(&mut b, &office.admin, "admin-home").await;
    b.finish().await;
}

#[tokio::test]
async fn each_roles_desk_in_korean_on_a_phone() {
    each_roles_desk(Lang::Ko, Width::Phone).await;
}

#[tokio::test]
async fn each_roles_desk_in_korean_on_a_desktop() {
    each_roles_desk(Lang::Ko, Width::Desktop).await;
}

#[tokio::test]
async fn each_roles_desk_in_english_on_a_phone() {
    each_roles_desk(Lang::En, Width::Phone).await;
}

#[tokio::test]
async fn each_roles_desk_in_english_on_a_desktop() {
    each_roles_desk(Lang::En, Width::Desktop).await;
}
