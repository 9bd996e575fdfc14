//! The whole transition table through the real HTTP surface: every (state, action, who) either
//! works with the table's effect or is refused with nothing changed.

use diesel::prelude::*;
use ipdesk::db::DbConn;
use ipdesk::db::schema::{
    case_events, cases, deadlines, invitations, mediation_sessions, outbox, panel_members, parties,
    proposal_answers, proposals,
};
use ipdesk::domain::workflow::{Action, RULES, Refusal, Who};
use ipdesk::domain::{Role, State};
use ipdesk::models::id::CaseId;
use ipdesk::models::workflow as store;

use crate::helpers::{TestApp, csrf_from, spawn_app};

/// Everything an action could change, for one case.
#[derive(Debug, PartialEq)]
struct Snapshot {
    state: String,
    version: i32,
    officer: Option<i64>,
    counts: [i64; 8],
}

fn snapshot(c: &mut DbConn, id: i64) -> Snapshot {
    let (state, version, officer): (String, i32, Option<i64>) = cases::table
        .find(id)
        .select((cases::state, cases::version, cases::assigned_officer_id))
        .first(c)
        .unwrap();
    let n = |q: Result<i64, diesel::result::Error>| q.unwrap();
    let counts = [
        n(case_events::table
            .filter(case_events::case_id.eq(id))
            .count()
            .get_result(c)),
        n(deadlines::table
            .filter(deadlines::case_id.eq(id))
            .filter(deadlines::status.eq("open"))
            .count()
            .get_result(c)),
        n(outbox::table.filter(outbox::case_id.eq(id)).count().get_result(c)),
        n(panel_members::table
            .filter(panel_members::case_id.eq(id))
            .count()
            .get_result(c)),
        n(mediation_sessions::table
            .filter(mediation_sessions::case_id.eq(id))
            .count()
            .get_result(c)),
        n(proposals::table
            .filter(proposals::case_id.eq(id))
            .count()
            .get_result(c)),
        n(proposal_answers::table.count().get_result(c)),
        n(invitations::table
            .filter(invitations::case_id.eq(id))
            .count()
            .get_result(c)),
    ];
    Snapshot {
        state,
        version,
        officer,
        counts,
    }
}

struct Actor {
    who: Option<Who>,
    label: &'static str,
    client: reqwest::Client,
    token: String,
    id: i64,
}

/// A filed case put straight into `state`, with a joined respondent, a panel of one, a
/// proposal and a running mediation clock, so that every action has what it needs. Returns
/// its id, number and complainant party.
async fn case_in(
    app: &TestApp,
    owner: &reqwest::Client,
    state: State,
    respondent: i64,
    mediator: i64,
) -> (i64, String, i64) {
    let case_no = crate::helpers::file_case(app, owner, "Table case").await;
    let no = case_no.clone();
    let id = app
        .with_db(move |c| {
            let id: i64 = cases::table
                .filter(cases::case_no.eq(&no))
                .select(cases::id)
                .first(c)
                .unwrap();
            diesel::update(cases::table.find(id))
                .set(cases::state.eq(state.as_str()))
                .execute(c)
                .unwrap();
            diesel::update(
                parties::table
                    .filter(parties::case_id.eq(id))
                    .filter(parties::side.eq("respondent")),
            )
            .set(parties::user_id.eq(respondent))
            .execute(c)
            .unwrap();
            let now = ipdesk::models::now();
            store::set_panel(c, CaseId(id), &[ipdesk::models::id::UserId(mediator)], now).unwrap();
            store::issue_proposal(
                c,
                CaseId(id),
                "Licence at 3%.",
                ipdesk::models::id::UserId(mediator),
                now,
            )
            .unwrap();
            let party: i64 = parties::table
                .filter(parties::case_id.eq(id))
                .filter(parties::side.eq("complainant"))
                .select(parties::id)
                .first(c)
                .unwrap();
            (id, party)
        })
        .await;
    (id.0, case_no, id.1)
}

/// Valid inputs for every action at once; each action reads what it needs.
fn form(officer: i64, mediator: i64, party: i64) -> Vec<(String, String)> {
    let due = crate::helpers::cases::due_in(20);
    [
        ("text", "Because.".to_owned()),
        ("due", due),
        ("email", "legal@megacorp.example".to_owned()),
        ("mediator", mediator.to_string()),
        ("session_at", "2026-12-10T14:00".to_owned()),
        ("place", "Room 3".to_owned()),
        ("complainant_attended", "1".to_owned()),
        ("body", "prosecutor".to_owned()),
        ("outcome", "complied".to_owned()),
        ("days", "30".to_owned()),
        ("officer", officer.to_string()),
        ("party", party.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[tokio::test]
async fn every_state_action_and_role_either_works_as_the_table_says_or_changes_nothing() {
    let app = spawn_app().await;
    let mut actors = Vec::new();
    let roles = [
        (Role::Complainant, Some(Who::Complainant), "complainant"),
        (Role::Respondent, Some(Who::Respondent), "respondent"),
        (Role::Examiner, Some(Who::Examiner), "examiner"),
        (Role::Legal, Some(Who::Legal), "legal"),
        (Role::Admin, Some(Who::Admin), "admin"),
        (Role::Mediator, Some(Who::Panel), "panel mediator"),
        (Role::Mediator, None, "another mediator"),
        (Role::Complainant, None, "another complainant"),
    ];
    for (role, who, label) in roles {
        let (client, user) = app.signed_in(role).await;
        let token = csrf_from(&app.page(&client, "/").await);
        actors.push(Actor {
            who,
            label,
            client,
            token,
            id: user.id.0,
        });
    }
    let id_of = |label: &str| actors.iter().find(|a| a.label == label).unwrap().id;
    let (owner, respondent, examiner, mediator) = (
        actors[0].client.clone(),
        id_of("respondent"),
        id_of("examiner"),
        id_of("panel mediator"),
    );
    let mut checked = 0;
    for state in State::ALL.iter().filter(|s| **s != State::Draft) {
        let (mut id, mut case_no, mut party) = case_in(&app, &owner, *state, respondent, mediator).await;
        for rule in RULES.iter().filter(|r| r.action != Action::ResponseLapsed) {
            for actor in &actors {
                let before = app.with_db(move |c| snapshot(c, id)).await;
                let mut fields = form(examiner, mediator, party);
                fields.push(("version".into(), before.version.to_string()));
                fields.push(("csrf_token".into(), actor.token.clone()));
                let res = actor
                    .client
                    .post(app.url(&format!("/cases/{case_no}/actions/{}", rule.action.as_str())))
                    .form(&fields)
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let after = app.with_db(move |c| snapshot(c, id)).await;
                let what = format!(
                    "{} from {} by {}",
                    rule.action.as_str(),
                    state.as_str(),
                    actor.label
                );
                match rule.check(*state, actor.who) {
                    Ok(()) => {
                        assert_eq!(status, 303, "{what} works");
                        let expected = rule.target(*state, false);
                        assert_eq!(
                            after.state,
                            expected.as_str(),
                            "{what} leads where the table says"
                        );
                        assert_eq!(after.version, before.version + 1, "{what} moves the version");
                        assert_eq!(after.counts[0], before.counts[0] + 1, "{what} is in the history");
                        if let Some(kind) = rule.opens {
                            let open: i64 = app
                                .with_db(move |c| {
                                    deadlines::table
                                        .filter(deadlines::case_id.eq(id))
                                        .filter(deadlines::kind.eq(kind.as_str()))
                                        .filter(deadlines::status.eq("open"))
                                        .count()
                                        .get_result(c)
                                        .unwrap()
                                })
                                .await;
                            assert_eq!(open, 1, "{what} opens its {kind:?} deadline");
                        }
                        if expected.is_terminal() {
                            assert_eq!(after.counts[1], 0, "{what} ends every deadline");
                        }
                        // The next check needs the case as it was.
                        (id, case_no, party) = case_in(&app, &owner, *state, respondent, mediator).await;
                    }
                    Err(refusal) => {
                        let hidden = actor.who.is_none();
                        let want = match (hidden, refusal) {
                            (true, _) => 404,
                            (false, Refusal::NotNow) => 409,
                            (false, Refusal::NotYours) => 403,
                        };
                        assert_eq!(status, want, "{what} is refused");
                        assert_eq!(after, before, "{what} changes nothing");
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(
        checked,
        (State::ALL.len() - 1) * (RULES.len() - 1) * actors.len(),
        "every triple was tried"
    );
}
