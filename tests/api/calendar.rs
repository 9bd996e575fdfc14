//! Calendars (issue 17 §5): each person's sessions and deadlines as an iCalendar feed at a
//! secret address they can renew, and the invitation a scheduled session's notice carries.
//! Everything is read back with `ical`, an iCalendar parser that is not the one writing it.

use ical::parser::ical::component::{IcalCalendar, IcalEvent};
use ipdesk::domain::Role;

use crate::helpers::cases::act;
use crate::helpers::evidence::case_with_both_sides;
use crate::helpers::{TestApp, bare_client};

/// A filed case in mediation before the returned mediator: (complainant, mediator, case).
async fn in_mediation(app: &TestApp) -> (reqwest::Client, reqwest::Client, String) {
    let (complainant, _examiner, respondent, case_no) = case_with_both_sides(app).await;
    assert_eq!(
        act(app, &respondent, &case_no, "respondent_agrees", &[])
            .await
            .status(),
        303
    );
    let (legal, _) = app.signed_in(Role::Legal).await;
    let (mediator, m) = app.signed_in(Role::Mediator).await;
    let res = act(
        app,
        &legal,
        &case_no,
        "assign_panel",
        &[("mediator", &m.id.0.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    (complainant, mediator, case_no)
}

fn parse(text: &str) -> IcalCalendar {
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("RFC 5545 as a parser reads it: {e}\n{text}"));
    assert!(calendars.next().is_none(), "just one");
    calendar
}

/// A property's value, and its parameters as `NAME=value` strings.
fn property(event: &IcalEvent, name: &str) -> Option<(String, Vec<String>)> {
    event.properties.iter().find(|p| p.name == name).map(|p| {
        let params = p
            .params
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={}", v.join(",")))
            .collect();
        (p.value.clone().unwrap_or_default(), params)
    })
}

fn value(event: &IcalEvent, name: &str) -> String {
    property(event, name)
        .unwrap_or_else(|| panic!("the event has {name}"))
        .0
}

fn event_with<'a>(calendar: &'a IcalCalendar, uid_prefix: &str) -> Vec<&'a IcalEvent> {
    calendar
        .events
        .iter()
        .filter(|e| value(e, "UID").starts_with(uid_prefix))
        .collect()
}

/// The feed address the account page shows.
pub(crate) async fn feed_url(app: &TestApp, client: &reqwest::Client) -> Option<String> {
    let page = app.page(client, "/account").await;
    regex::Regex::new(r#"value="(http[^"]+/calendar/[^"]+\.ics)" aria-describedby"#)
        .unwrap()
        .captures(&page)
        .map(|c| c[1].to_owned())
}

/// What a calendar app fetching `url` (no cookies) gets: the status, and the body.
async fn fetch(app: &TestApp, url: &str) -> (u16, String) {
    let path = url
        .split_once("/calendar/")
        .map(|(_, p)| format!("/calendar/{p}"))
        .unwrap();
    let res = bare_client().get(app.url(&path)).send().await.unwrap();
    let status = res.status().as_u16();
    if status == 200 {
        assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
        assert!(
            res.headers().get("set-cookie").is_none(),
            "a feed starts no session"
        );
    }
    (status, res.text().await.unwrap())
}

#[tokio::test]
async fn a_mediators_feed_has_their_sessions_and_deadlines_and_a_renewed_address_revokes_the_old_one() {
    let app = crate::helpers::spawn_app().await;
    let (complainant, mediator, case_no) = in_mediation(&app).await;
    // Typed in office time: 14:00 in Seoul is 05:00 UTC.
    let res = act(
        &app,
        &mediator,
        &case_no,
        "schedule_session",
        &[
            ("session_at", "2026-12-20T14:00"),
            ("place", "Seoul mediation room 3"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);

    assert_eq!(feed_url(&app, &mediator).await, None, "no feed until asked for");
    let res = app
        .post_as(&mediator, "/account/calendar", &[("feed", "renew")])
        .await;
    assert_eq!(res.status(), 303);
    let first = feed_url(&app, &mediator)
        .await
        .expect("the account page shows the address");
    assert!(
        first.starts_with("http"),
        "an absolute address to paste into a calendar app"
    );

    let (status, body) = fetch(&app, &first).await;
    assert_eq!(status, 200);
    let calendar = parse(&body);
    let method = calendar.properties.iter().find(|p| p.name == "METHOD").unwrap();
    assert_eq!(method.value.as_deref(), Some("PUBLISH"));
    let sessions = event_with(&calendar, "session-");
    assert_eq!(sessions.len(), 1, "{body}");
    let session = sessions[0];
    assert_eq!(value(session, "DTSTART"), "20261220T050000Z");
    assert_eq!(value(session, "DTEND"), "20261220T060000Z");
    assert_eq!(value(session, "LOCATION"), "Seoul mediation room 3");
    assert!(value(session, "SUMMARY").contains(&case_no));
    assert!(value(session, "URL").ends_with(&format!("/cases/{case_no}")));
    // The mediation period runs: an all-day event on its office day.
    let dues = event_with(&calendar, "deadline-");
    assert_eq!(dues.len(), 1, "{body}");
    let (start, params) = property(dues[0], "DTSTART").unwrap();
    assert!(params.contains(&"VALUE=DATE".to_owned()), "{params:?}");
    assert_eq!(start.len(), 8, "a date: {start}");
    let (end, _) = property(dues[0], "DTEND").unwrap();
    assert!(end > start, "the day after: an all-day event is one whole day");

    // The complainant has the same session in their own feed, under the same UID.
    app.post_as(&complainant, "/account/calendar", &[("feed", "renew")])
        .await;
    let theirs = feed_url(&app, &complainant).await.unwrap();
    assert_ne!(theirs, first, "each person has their own address");
    let theirs = parse(&fetch(&app, &theirs).await.1);
    assert_eq!(
        value(event_with(&theirs, "session-")[0], "UID"),
        value(session, "UID")
    );

    // Renewing revokes the old address.
    app.post_as(&mediator, "/account/calendar", &[("feed", "renew")])
        .await;
    let second = feed_url(&app, &mediator).await.unwrap();
    assert_ne!(second, first);
    assert_eq!(fetch(&app, &first).await.0, 404, "the old address is dead");
    assert_eq!(fetch(&app, &second).await.0, 200);
    // Turning it off kills the current one; turning it on again never revives an old one.
    app.post_as(&mediator, "/account/calendar", &[("feed", "stop")])
        .await;
    assert_eq!(feed_url(&app, &mediator).await, None);
    assert!(
        app.page(&mediator, "/account")
            .await
            .contains("Your calendar is off")
    );
    assert_eq!(fetch(&app, &second).await.0, 404);
    app.post_as(&mediator, "/account/calendar", &[("feed", "renew")])
        .await;
    let third = feed_url(&app, &mediator).await.unwrap();
    assert_eq!(fetch(&app, &third).await.0, 200);
    for old in [&first, &second] {
        assert_eq!(fetch(&app, old).await.0, 404);
    }
    // A forged address: another person's number with this one's signature.
    let forged = regex::Regex::new(r"/calendar/(\d+)-")
        .unwrap()
        .replace(&third, "/calendar/1-")
        .into_owned();
    assert_eq!(fetch(&app, &forged).await.0, 404);

    let audit = app.audit_actions().await;
    assert_eq!(
        audit.iter().filter(|a| *a == "calendar.renewed").count(),
        4,
        "{audit:?}"
    );
    assert!(audit.iter().any(|a| a == "calendar.stopped"));
}

#[tokio::test]
async fn the_notice_that_schedules_a_session_carries_it_as_a_calendar_invitation() {
    let app = crate::helpers::spawn_app().await;
    let (_complainant, mediator, case_no) = in_mediation(&app).await;
    let res = act(
        &app,
        &mediator,
        &case_no,
        "schedule_session",
        &[("session_at", "2026-12-21T10:30"), ("place", "서울 조정실 2")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let rows = app
        .wait_for_notices("the session's notices sent", |rows| {
            rows.iter().any(|r| r.calendar.is_some()) && rows.iter().all(|r| r.status.as_str() == "sent")
        })
        .await;
    let invited: Vec<_> = rows.iter().filter(|r| r.calendar.is_some()).collect();
    assert_eq!(invited.len(), 3, "the complainant, the respondent and the panel");
    for row in &invited {
        let calendar = parse(row.calendar.as_deref().unwrap());
        assert_eq!(calendar.events.len(), 1);
        let event = &calendar.events[0];
        assert_eq!(value(event, "DTSTART"), "20261221T013000Z", "10:30 in Seoul");
        assert_eq!(value(event, "LOCATION"), "서울 조정실 2");
        assert!(value(event, "UID").starts_with("session-"));
    }
    // Only the scheduling notices: nothing earlier in the case carries one.
    assert!(rows.iter().filter(|r| r.calendar.is_none()).count() >= 3);

    // The mail itself: the text, and the invitation as a text/calendar attachment.
    let dir = app.settings.data_dir.join("mail");
    let mut found = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let mail = mailparse::parse_mail(&raw).unwrap();
        let Some(part) = mail.subparts.iter().find(|p| p.ctype.mimetype == "text/calendar") else {
            continue;
        };
        found += 1;
        assert_eq!(mail.ctype.mimetype, "multipart/mixed");
        assert!(
            mail.subparts
                .iter()
                .any(|p| p.ctype.mimetype == "multipart/alternative"),
            "the notice's text and HTML come first"
        );
        assert_eq!(
            part.ctype.params.get("method").map(String::as_str),
            Some("PUBLISH")
        );
        let disposition = part.get_content_disposition();
        assert_eq!(
            disposition.params.get("filename").map(String::as_str),
            Some("invitation.ics")
        );
        let calendar = parse(&part.get_body().unwrap());
        assert_eq!(value(&calendar.events[0], "LOCATION"), "서울 조정실 2");
    }
    assert_eq!(found, 3);
}
