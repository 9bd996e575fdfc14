//! Demo data that looks like a living office (issue 17 §7): seeded at a fixed "now", every
//! role's demo account lands on a home page with real work on it, case pages tell several
//! years of histories, and every history is one the workflow table could have written.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use ipdesk::db::schema::{case_closures, case_events, cases, deadlines, parties};
use ipdesk::demo::Report;
use ipdesk::domain::workflow::{Action, Who};
use ipdesk::domain::{Role, State};

use crate::helpers::{TestApp, browser, spawn_app_with};

/// Noon in Seoul on Wednesday 2 December 2026.
fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 2)
        .unwrap()
        .and_hms_opt(3, 0, 0)
        .unwrap()
}

async fn seeded(cases: usize) -> (TestApp, Report) {
    let app = spawn_app_with(|s| s.clock_frozen_at = Some(now())).await;
    let settings = app.settings.clone();
    let report = app
        .with_db(move |c| ipdesk::demo::seed(c, &settings, cases, false).unwrap())
        .await;
    (app, report)
}

/// The first demo account of the role: the one with the most to do.
fn first(report: &Report, role: Role) -> &str {
    report
        .accounts
        .iter()
        .find(|(r, _)| *r == role)
        .map(|(_, email)| email.as_str())
        .unwrap_or_else(|| panic!("a demo {role}"))
}

async fn signed_in_as(app: &TestApp, report: &Report, role: Role) -> reqwest::Client {
    let client = browser();
    let res = app.login_as(&client, first(report, role), &report.password).await;
    assert_eq!(res.status(), 303, "the demo {role} signs in");
    client
}

/// The panel of the home page marked `data-panel="name"`, up to the next panel.
fn panel<'a>(page: &'a str, name: &str) -> &'a str {
    let start = page
        .find(&format!(r#"data-panel="{name}""#))
        .unwrap_or_else(|| panic!("the home page has a {name} panel"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

fn tally(panel: &str) -> i64 {
    let re = regex::Regex::new(r#"class="tally[^"]*">(\d+)<"#).unwrap();
    re.captures(panel).unwrap()[1].parse().unwrap()
}

#[tokio::test]
async fn the_demo_accounts_are_reported_by_role_and_every_role_has_one() {
    let (_app, report) = seeded(20).await;
    for role in [
        Role::Admin,
        Role::Examiner,
        Role::Legal,
        Role::Mediator,
        Role::Complainant,
        Role::Respondent,
    ] {
        assert!(first(&report, role).ends_with("@demo.ipdesk.example"), "{role}");
    }
    let roles: Vec<Role> = report.accounts.iter().map(|(r, _)| *r).collect();
    let mut grouped = roles.clone();
    grouped.dedup();
    let mut distinct = grouped.clone();
    distinct.sort_by_key(|r| r.as_str());
    distinct.dedup();
    assert_eq!(grouped.len(), distinct.len(), "listed role by role: {roles:?}");
}

#[tokio::test]
async fn the_demo_officer_finds_a_queue_with_overdue_and_this_weeks_deadlines() {
    let (app, report) = seeded(200).await;
    let officer = signed_in_as(&app, &report, Role::Examiner).await;
    let home = app.page(&officer, "/").await;
    assert!(tally(panel(&home, "queue")) >= 5, "{}", panel(&home, "queue"));
    let overdue = panel(&home, "overdue");
    assert!(tally(overdue) > 0, "{overdue}");
    assert!(overdue.contains("overdue"));
    let soon = panel(&home, "due-soon");
    assert!(tally(soon) > 0, "{soon}");
    assert!(tally(panel(&home, "intake")) > 0, "new filings wait for review");
    let activity = panel(&home, "activity");
    assert!(tally(activity) > 0, "parties wrote or acted lately: {activity}");
}

#[tokio::test]
async fn the_demo_mediator_has_panels_upcoming_sessions_and_proposals_awaiting_answers() {
    let (app, report) = seeded(200).await;
    let mediator = signed_in_as(&app, &report, Role::Mediator).await;
    let home = app.page(&mediator, "/").await;
    assert!(tally(panel(&home, "panels")) > 0);
    let sessions = panel(&home, "sessions");
    assert!(tally(sessions) > 0, "{sessions}");
    assert!(sessions.contains("KST"), "session times in office time");
    let proposals = panel(&home, "proposals");
    assert!(tally(proposals) > 0, "{proposals}");
    assert!(proposals.contains("/2"), "answers counted per party: {proposals}");
}

#[tokio::test]
async fn demo_parties_see_their_cases_with_what_is_expected_of_them_next() {
    let (app, report) = seeded(200).await;
    let complainant = signed_in_as(&app, &report, Role::Complainant).await;
    let home = app.page(&complainant, "/").await;
    let mine = panel(&home, "my-cases");
    assert!(tally(mine) >= 5, "{mine}");
    assert!(mine.contains("data-next=\"next-"), "{mine}");
    assert!(
        mine.contains(r#"class="yours""#),
        "something is the complainant's to do: {mine}"
    );
    assert!(tally(panel(&home, "drafts")) > 0, "a complaint half-written");

    let respondent = signed_in_as(&app, &report, Role::Respondent).await;
    let home = app.page(&respondent, "/").await;
    let mine = panel(&home, "my-cases");
    assert!(tally(mine) > 0, "the respondent joined cases: {mine}");
    assert!(mine.contains("data-next=\"next-"));
}

/// (case id, state, events as (action, from, to, as whom, when)).
type Histories = Vec<(i64, String, Vec<(String, String, String, String, NaiveDateTime)>)>;

async fn histories(app: &TestApp) -> Histories {
    app.with_db(|c| {
        let states: Vec<(i64, String)> = cases::table
            .filter(cases::state.ne("draft"))
            .order(cases::id)
            .select((cases::id, cases::state))
            .load(c)
            .unwrap();
        let mut events: BTreeMap<i64, Vec<_>> = BTreeMap::new();
        let rows: Vec<(i64, String, String, String, String, NaiveDateTime)> = case_events::table
            .order((case_events::case_id, case_events::id))
            .select((
                case_events::case_id,
                case_events::action,
                case_events::from_state,
                case_events::to_state,
                case_events::actor_as,
                case_events::at,
            ))
            .load(c)
            .unwrap();
        for (case, action, from, to, who, at) in rows {
            events.entry(case).or_default().push((action, from, to, who, at));
        }
        states
            .into_iter()
            .map(|(id, state)| (id, state, events.remove(&id).unwrap_or_default()))
            .collect()
    })
    .await
}

#[tokio::test]
async fn every_demo_history_is_one_the_workflow_table_allows_in_time_order() {
    let (app, _) = seeded(200).await;
    let all = histories(&app).await;
    assert_eq!(all.len(), 200);
    for (id, state, events) in &all {
        let mut at = State::Filed;
        let mut last: Option<NaiveDateTime> = None;
        for (action, from, to, who, when) in events {
            let action = Action::parse(action).unwrap();
            let who = Who::ALL.iter().copied().find(|w| w.as_str() == who).unwrap();
            let (from, to) = (State::parse(from).unwrap(), State::parse(to).unwrap());
            assert_eq!(from, at, "case {id}: {events:?}");
            assert_eq!(
                action.rule().check(from, Some(who)),
                Ok(()),
                "case {id}: {events:?}"
            );
            assert!(
                to == action.rule().target(from, true) || to == action.rule().target(from, false),
                "case {id}: {events:?}"
            );
            assert!(
                last.is_none_or(|l| l <= *when) && *when <= now(),
                "case {id}: {events:?}"
            );
            (at, last) = (to, Some(*when));
        }
        assert_eq!(at.as_str(), state, "case {id} is where its history leaves it");
    }
    // Histories of some length, and of every kind of ending.
    let long = all.iter().filter(|(_, _, e)| e.len() >= 5).count();
    assert!(long >= 40, "{long} cases with five events or more");
    for ending in [
        "settled",
        "not_settled",
        "deemed_not_settled",
        "withdrawn",
        "closed",
    ] {
        assert!(all.iter().any(|(_, s, _)| s == ending), "no case is {ending}");
    }
    let open = all
        .iter()
        .filter(|(_, s, _)| !State::parse(s).unwrap().is_terminal())
        .count();
    assert!(open >= 30, "plenty of work still open: {open}");

    // A session scheduled and then recorded is one session, as the workflow keeps it.
    let sessions: Vec<(i64, NaiveDateTime, bool)> = app
        .with_db(|c| {
            use diesel::prelude::*;
            use ipdesk::db::schema::mediation_sessions as s;
            s::table
                .select((s::case_id, s::held_at, s::held))
                .load(c)
                .unwrap()
        })
        .await;
    assert!(
        sessions.iter().any(|(_, _, held)| *held),
        "some sessions were held"
    );
    let mut seen = std::collections::HashSet::new();
    for (case, at, _) in &sessions {
        assert!(seen.insert((case, at)), "case {case} has two sessions at {at}");
    }
}

#[tokio::test]
async fn demo_filings_span_several_years_and_closed_cases_keep_their_outcome() {
    let (app, _) = seeded(200).await;
    let (filed, closures, terminal, next_due) = app
        .with_db(|c| {
            let filed: Vec<NaiveDateTime> = cases::table
                .filter(cases::state.ne("draft"))
                .select(cases::filed_at.assume_not_null())
                .load(c)
                .unwrap();
            let closures: Vec<(String, String)> = case_closures::table
                .inner_join(cases::table.on(cases::id.eq(case_closures::case_id)))
                .select((case_closures::outcome, cases::state))
                .load(c)
                .unwrap();
            let terminal: i64 = cases::table
                .filter(
                    cases::state.eq_any(
                        State::ALL
                            .iter()
                            .filter(|s| s.is_terminal())
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>(),
                    ),
                )
                .count()
                .get_result(c)
                .unwrap();
            // What the triggers keep, against the deadlines themselves.
            let next_due: Vec<(Option<NaiveDate>, Option<NaiveDate>)> = cases::table
                .select((
                    cases::next_due_on,
                    deadlines::table
                        .filter(deadlines::case_id.eq(cases::id))
                        .filter(deadlines::status.eq("open"))
                        .select(diesel::dsl::min(deadlines::due_on))
                        .single_value(),
                ))
                .load(c)
                .unwrap();
            (filed, closures, terminal, next_due)
        })
        .await;
    let years: std::collections::BTreeSet<i32> = filed.iter().map(|f| f.year()).collect();
    assert!(years.len() >= 4, "filings from {years:?}");
    assert!(filed.iter().all(|f| *f <= now()));
    assert_eq!(
        closures.len() as i64,
        terminal,
        "every ended case has its closure"
    );
    assert!(closures.iter().all(|(outcome, state)| outcome == state));
    assert!(next_due.iter().all(|(kept, actual)| kept == actual));
    assert!(next_due.iter().any(|(kept, _)| kept.is_some()));
}

#[tokio::test]
async fn a_demo_case_page_tells_its_history_in_order_with_its_clock_and_sessions() {
    let (app, report) = seeded(200).await;
    let all = histories(&app).await;
    let (id, _, events) = all
        .iter()
        .filter(|(_, s, _)| s == "in_mediation")
        .max_by_key(|(_, _, e)| e.len())
        .expect("a case in mediation");
    assert!(events.len() >= 5, "{events:?}");
    let case_id = *id;
    let (case_no, respondents): (String, i64) = app
        .with_db(move |c| {
            let no = cases::table
                .find(case_id)
                .select(cases::case_no.assume_not_null())
                .first(c)
                .unwrap();
            let n = parties::table
                .filter(parties::case_id.eq(case_id))
                .filter(parties::side.eq("respondent"))
                .count()
                .get_result(c)
                .unwrap();
            (no, n)
        })
        .await;
    assert_eq!(respondents, 1);
    let officer = signed_in_as(&app, &report, Role::Legal).await;
    let page = app.page(&officer, &format!("/cases/{case_no}")).await;
    assert!(page.contains(r#"data-state="in_mediation""#));
    let timeline = &page[page.find(r#"data-list="timeline""#).unwrap()..];
    let shown: Vec<&str> = regex::Regex::new(r#"data-event="([a-z_]+)""#)
        .unwrap()
        .captures_iter(timeline)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    let recorded: Vec<&str> = events.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(shown, recorded, "the timeline shows the history in order");
    assert!(page.contains("data-clock"), "the mediation clock runs");
    assert!(page.contains(r#"data-list="sessions""#));
}
