//! What the workflow keeps: the case history, deadlines, the panel, sessions, proposals and
//! their answers, respondent invitations, and the figures fixed at closure.

use super::user::{User, UserRow};
use crate::db::DbConn;
use crate::db::page::paged;
use crate::db::schema::{
    case_closures, case_events, cases, deadlines, invitations, mediation_sessions, panel_members, parties,
    proposal_answers, proposals, users,
};
use crate::domain::State;
use crate::domain::office_time::OfficeZone;
use crate::domain::workflow::{Action, DeadlineKind, DeadlineStatus, Part, Who};
use crate::models::id::{
    CaseId, DeadlineId, EventId, InvitationId, MediationSessionId, PartyId, ProposalId, UserId,
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

// ---- The case itself ----

/// Takes the case for one action if it is still at `version`, moving the version on; `false`
/// if someone else acted first.
pub fn claim(conn: &mut DbConn, id: CaseId, version: i32) -> QueryResult<bool> {
    let n = diesel::update(cases::table.find(id.0).filter(cases::version.eq(version)))
        .set(cases::version.eq(cases::version + 1))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn set_state(conn: &mut DbConn, id: CaseId, to: State, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(cases::table.find(id.0))
        .set((cases::state.eq(to.as_str()), cases::updated_at.eq(now)))
        .execute(conn)
        .map(drop)
}

pub fn set_track(conn: &mut DbConn, id: CaseId, track: &str) -> QueryResult<()> {
    diesel::update(cases::table.find(id.0))
        .set(cases::track.eq(track))
        .execute(conn)
        .map(drop)
}

/// What `user` is to the case: its complainant, one of its respondents, on its panel.
pub fn part_of(conn: &mut DbConn, id: CaseId, user: UserId) -> QueryResult<Part> {
    let complainant = diesel::select(diesel::dsl::exists(
        cases::table
            .find(id.0)
            .filter(cases::complainant_user_id.eq(user.0)),
    ))
    .get_result(conn)?;
    let respondent = diesel::select(diesel::dsl::exists(
        parties::table
            .filter(parties::case_id.eq(id.0))
            .filter(parties::side.eq("respondent"))
            .filter(parties::user_id.eq(user.0)),
    ))
    .get_result(conn)?;
    let on_panel = diesel::select(diesel::dsl::exists(
        panel_members::table
            .filter(panel_members::case_id.eq(id.0))
            .filter(panel_members::mediator_id.eq(user.0)),
    ))
    .get_result(conn)?;
    Ok(Part {
        complainant,
        respondent,
        on_panel,
    })
}

// ---- History ----

pub struct NewEvent<'a> {
    pub case: CaseId,
    pub action: Action,
    pub from: State,
    pub to: State,
    pub actor: Option<UserId>,
    pub who: Who,
    pub details: &'a serde_json::Value,
    pub at: NaiveDateTime,
}

pub fn record_event(conn: &mut DbConn, e: NewEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(e.case.0),
            case_events::action.eq(e.action.as_str()),
            case_events::from_state.eq(e.from.as_str()),
            case_events::to_state.eq(e.to.as_str()),
            case_events::actor_id.eq(e.actor.map(|u| u.0)),
            case_events::actor_as.eq(e.who.as_str()),
            case_events::details.eq(e.details.to_string()),
            case_events::at.eq(e.at),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Queryable, Debug, Clone)]
pub struct EventView {
    pub id: EventId,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor_as: String,
    pub details: String,
    pub at: NaiveDateTime,
    pub actor_name: Option<String>,
}

pub fn events_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<EventView>> {
    case_events::table
        .left_join(users::table.on(users::id.nullable().eq(case_events::actor_id)))
        .filter(case_events::case_id.eq(id.0))
        .order(case_events::id.asc())
        .select((
            case_events::id,
            case_events::action,
            case_events::from_state,
            case_events::to_state,
            case_events::actor_as,
            case_events::details,
            case_events::at,
            users::name.nullable(),
        ))
        .load(conn)
}

// ---- Deadlines ----

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = deadlines)]
pub struct DeadlineRow {
    pub id: DeadlineId,
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub status: DeadlineStatus,
    pub paused_on: Option<NaiveDate>,
    pub opened_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub reminded_before: bool,
    pub reminded_on_day: bool,
    /// Days it stood still in pauses that have ended.
    pub paused_days: i32,
}

pub fn open_deadline(
    conn: &mut DbConn,
    id: CaseId,
    kind: DeadlineKind,
    due_on: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(deadlines::table)
        .values((
            deadlines::case_id.eq(id.0),
            deadlines::kind.eq(kind.as_str()),
            deadlines::due_on.eq(due_on),
            deadlines::status.eq(DeadlineStatus::Open.as_str()),
            deadlines::opened_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Closes the case's open (or paused) deadlines of these kinds with `status`.
pub fn close_deadlines(
    conn: &mut DbConn,
    id: CaseId,
    kinds: &[DeadlineKind],
    status: DeadlineStatus,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    diesel::update(
        deadlines::table
            .filter(deadlines::case_id.eq(id.0))
            .filter(deadlines::kind.eq_any(kinds))
            .filter(
                deadlines::status.eq_any([DeadlineStatus::Open.as_str(), DeadlineStatus::Paused.as_str()]),
            ),
    )
    .set((
        deadlines::status.eq(status.as_str()),
        deadlines::closed_at.eq(now),
    ))
    .execute(conn)
}

/// Every deadline still running on the case is cancelled (the case has ended).
pub fn cancel_all(conn: &mut DbConn, id: CaseId, now: NaiveDateTime) -> QueryResult<usize> {
    close_deadlines(conn, id, DeadlineKind::ALL, DeadlineStatus::Cancelled, now)
}

pub fn pause_clock(conn: &mut DbConn, id: CaseId, today: NaiveDate) -> QueryResult<()> {
    diesel::update(
        deadlines::table
            .filter(deadlines::case_id.eq(id.0))
            .filter(deadlines::kind.eq(DeadlineKind::Mediation.as_str()))
            .filter(deadlines::status.eq(DeadlineStatus::Open.as_str())),
    )
    .set((
        deadlines::status.eq(DeadlineStatus::Paused.as_str()),
        deadlines::paused_on.eq(today),
    ))
    .execute(conn)
    .map(drop)
}

/// Restarts the clock, moving its due date by the days it stood still.
pub fn resume_clock(conn: &mut DbConn, id: CaseId, today: NaiveDate) -> QueryResult<()> {
    let paused: Vec<DeadlineRow> = deadlines::table
        .filter(deadlines::case_id.eq(id.0))
        .filter(deadlines::kind.eq(DeadlineKind::Mediation.as_str()))
        .filter(deadlines::status.eq(DeadlineStatus::Paused.as_str()))
        .select(DeadlineRow::as_select())
        .load(conn)?;
    for d in paused {
        let stood = (today - d.paused_on.unwrap_or(today)).max(chrono::TimeDelta::zero());
        diesel::update(deadlines::table.find(d.id))
            .set((
                deadlines::status.eq(DeadlineStatus::Open.as_str()),
                deadlines::paused_on.eq(None::<NaiveDate>),
                deadlines::due_on.eq(d.due_on + stood),
                deadlines::paused_days.eq(deadlines::paused_days + stood.num_days() as i32),
                deadlines::reminded_before.eq(false),
                deadlines::reminded_on_day.eq(false),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Adds days to the running (or paused) mediation clock; `false` if there is none.
pub fn extend_clock(conn: &mut DbConn, id: CaseId, days: i64) -> QueryResult<bool> {
    let clock: Option<DeadlineRow> = deadlines::table
        .filter(deadlines::case_id.eq(id.0))
        .filter(deadlines::kind.eq(DeadlineKind::Mediation.as_str()))
        .filter(deadlines::status.eq_any([DeadlineStatus::Open.as_str(), DeadlineStatus::Paused.as_str()]))
        .select(DeadlineRow::as_select())
        .first(conn)
        .optional()?;
    let Some(d) = clock else { return Ok(false) };
    diesel::update(deadlines::table.find(d.id))
        .set((
            deadlines::due_on.eq(d.due_on + chrono::TimeDelta::days(days)),
            deadlines::reminded_before.eq(false),
            deadlines::reminded_on_day.eq(false),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn deadlines_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<DeadlineRow>> {
    deadlines::table
        .filter(deadlines::case_id.eq(id.0))
        .order((deadlines::due_on.asc(), deadlines::id.asc()))
        .select(DeadlineRow::as_select())
        .load(conn)
}

/// A running deadline on the cross-case report.
#[derive(Queryable, Debug, Clone)]
pub struct DueView {
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub status: DeadlineStatus,
    pub case_no: Option<String>,
    pub title: String,
    pub state: State,
    pub officer: Option<String>,
}

/// What the cross-case deadline report shows.
#[derive(Clone, Debug, Default)]
pub struct DueFilter {
    pub officer: Option<UserId>,
    pub kind: Option<DeadlineKind>,
    /// Only running deadlines due before this (office) day: those overdue on it.
    pub overdue_on: Option<NaiveDate>,
    /// Only deadlines due on or after this day …
    pub due_from: Option<NaiveDate>,
    /// … and on or before this one.
    pub due_by: Option<NaiveDate>,
    /// From 0.
    pub page: i64,
}

pub const DUE_PAGE_SIZE: u16 = 50;

/// Open and paused deadlines across cases, earliest (so overdue) first: one page of those the
/// filter lets through, and how many it lets through.
pub fn running(conn: &mut DbConn, f: &DueFilter) -> QueryResult<(Vec<DueView>, i64)> {
    let build = || {
        let mut q = deadlines::table
            .inner_join(
                cases::table.left_join(users::table.on(users::id.nullable().eq(cases::assigned_officer_id))),
            )
            .filter(
                deadlines::status.eq_any([DeadlineStatus::Open.as_str(), DeadlineStatus::Paused.as_str()]),
            )
            .into_boxed();
        if let Some(o) = f.officer {
            q = q.filter(cases::assigned_officer_id.eq(o));
        }
        if let Some(k) = f.kind {
            q = q.filter(deadlines::kind.eq(k.as_str()));
        }
        if let Some(day) = f.overdue_on {
            // A paused deadline is not running out.
            q = q
                .filter(deadlines::status.eq(DeadlineStatus::Open.as_str()))
                .filter(deadlines::due_on.lt(day));
        }
        if let Some(day) = f.due_from {
            q = q.filter(deadlines::due_on.ge(day));
        }
        if let Some(day) = f.due_by {
            q = q.filter(deadlines::due_on.le(day));
        }
        q
    };
    let total = build().count().get_result(conn)?;
    let ordered = build()
        .order((deadlines::due_on.asc(), deadlines::id.asc()))
        .select((
            deadlines::kind,
            deadlines::due_on,
            deadlines::status,
            cases::case_no,
            cases::title,
            cases::state,
            users::name.nullable(),
        ));
    let rows = paged(ordered, DUE_PAGE_SIZE, f.page).load(conn)?;
    Ok((rows, total))
}

/// Open deadlines due on or before `until` that have not had this reminder yet.
pub fn needing_reminder(conn: &mut DbConn, until: NaiveDate, on_day: bool) -> QueryResult<Vec<DeadlineRow>> {
    let q = deadlines::table
        .filter(deadlines::status.eq(DeadlineStatus::Open.as_str()))
        .filter(deadlines::due_on.le(until))
        .into_boxed();
    let q = if on_day {
        q.filter(deadlines::reminded_on_day.eq(false))
    } else {
        q.filter(deadlines::reminded_before.eq(false))
    };
    q.order(deadlines::id.asc())
        .limit(500)
        .select(DeadlineRow::as_select())
        .load(conn)
}

/// Marks a reminder sent; `false` if another server marked it first.
pub fn mark_reminded(conn: &mut DbConn, id: DeadlineId, on_day: bool) -> QueryResult<bool> {
    let row = deadlines::table.find(id);
    let n = if on_day {
        diesel::update(row.filter(deadlines::reminded_on_day.eq(false)))
            .set(deadlines::reminded_on_day.eq(true))
            .execute(conn)?
    } else {
        diesel::update(row.filter(deadlines::reminded_before.eq(false)))
            .set(deadlines::reminded_before.eq(true))
            .execute(conn)?
    };
    Ok(n == 1)
}

/// Cases whose respondent's deadline has passed (due before `today`) while still waiting.
pub fn lapsed_responses(conn: &mut DbConn, today: NaiveDate) -> QueryResult<Vec<CaseId>> {
    deadlines::table
        .inner_join(cases::table)
        .filter(deadlines::kind.eq(DeadlineKind::Response.as_str()))
        .filter(deadlines::status.eq(DeadlineStatus::Open.as_str()))
        .filter(deadlines::due_on.lt(today))
        .filter(cases::state.eq(State::RespondentNotified.as_str()))
        .select(cases::id)
        .limit(500)
        .load(conn)
}

// ---- The panel ----

pub fn set_panel(conn: &mut DbConn, id: CaseId, mediators: &[UserId], now: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(panel_members::table.filter(panel_members::case_id.eq(id.0))).execute(conn)?;
    for m in mediators {
        diesel::insert_into(panel_members::table)
            .values((
                panel_members::case_id.eq(id.0),
                panel_members::mediator_id.eq(m.0),
                panel_members::assigned_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn panel_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<User>> {
    let rows: Vec<UserRow> = panel_members::table
        .inner_join(users::table)
        .filter(panel_members::case_id.eq(id.0))
        .order(users::name.asc())
        .select(UserRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(UserRow::to_user).collect())
}

/// A mediator's affiliation, for the conflict check.
#[derive(Queryable, Debug, Clone)]
pub struct Affiliation {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub organisation: Option<String>,
    pub registration_no: Option<String>,
}

/// The affiliations of those of `ids` who are active mediators on the roster.
pub fn mediator_affiliations(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<Affiliation>> {
    users::table
        .filter(users::id.eq_any(ids))
        .filter(users::role.eq(crate::domain::Role::Mediator.as_str()))
        .filter(users::active.eq(true))
        .select((
            users::id,
            users::name,
            users::email,
            users::organisation,
            users::registration_no,
        ))
        .load(conn)
}

// ---- Sessions ----

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = mediation_sessions)]
pub struct SessionRow {
    pub id: MediationSessionId,
    pub held_at: NaiveDateTime,
    pub place: String,
    pub held: bool,
    pub complainant_attended: Option<bool>,
    pub respondent_attended: Option<bool>,
    pub minutes: Option<String>,
}

pub struct NewSession<'a> {
    pub at: NaiveDateTime,
    pub place: &'a str,
    /// Attendance and minutes, once it has taken place.
    pub record: Option<(bool, bool, &'a str)>,
}

pub fn add_session(
    conn: &mut DbConn,
    id: CaseId,
    s: NewSession<'_>,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Recording a session that was scheduled for about then: it is that session, now held,
    // not a second one (which calendars would show twice).
    if let Some((complainant, respondent, minutes)) = s.record {
        let window = chrono::TimeDelta::hours(12);
        let scheduled: Option<(i64, NaiveDateTime)> = mediation_sessions::table
            .filter(mediation_sessions::case_id.eq(id.0))
            .filter(diesel::dsl::not(mediation_sessions::held))
            .filter(mediation_sessions::held_at.between(s.at - window, s.at + window))
            .select((mediation_sessions::id, mediation_sessions::held_at))
            .load::<(i64, NaiveDateTime)>(conn)?
            .into_iter()
            .min_by_key(|(_, at)| (*at - s.at).abs());
        if let Some((session, _)) = scheduled {
            return diesel::update(mediation_sessions::table.find(session))
                .set((
                    mediation_sessions::held_at.eq(s.at),
                    mediation_sessions::place.eq(s.place),
                    mediation_sessions::held.eq(true),
                    mediation_sessions::complainant_attended.eq(Some(complainant)),
                    mediation_sessions::respondent_attended.eq(Some(respondent)),
                    mediation_sessions::minutes.eq(Some(minutes)),
                    mediation_sessions::recorded_by.eq(by.0),
                ))
                .execute(conn)
                .map(drop);
        }
    }
    diesel::insert_into(mediation_sessions::table)
        .values((
            mediation_sessions::case_id.eq(id.0),
            mediation_sessions::held_at.eq(s.at),
            mediation_sessions::place.eq(s.place),
            mediation_sessions::held.eq(s.record.is_some()),
            mediation_sessions::complainant_attended.eq(s.record.map(|r| r.0)),
            mediation_sessions::respondent_attended.eq(s.record.map(|r| r.1)),
            mediation_sessions::minutes.eq(s.record.map(|r| r.2)),
            mediation_sessions::recorded_by.eq(by.0),
            mediation_sessions::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn sessions_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<SessionRow>> {
    mediation_sessions::table
        .filter(mediation_sessions::case_id.eq(id.0))
        .order((mediation_sessions::held_at.asc(), mediation_sessions::id.asc()))
        .select(SessionRow::as_select())
        .load(conn)
}

// ---- Proposals ----

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = proposals)]
pub struct ProposalRow {
    pub id: ProposalId,
    pub body: String,
    pub issued_at: NaiveDateTime,
}

pub fn issue_proposal(
    conn: &mut DbConn,
    id: CaseId,
    body: &str,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(proposals::table)
        .values((
            proposals::case_id.eq(id.0),
            proposals::body.eq(body),
            proposals::issued_by.eq(by.0),
            proposals::issued_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

pub fn current_proposal(conn: &mut DbConn, id: CaseId) -> QueryResult<Option<ProposalRow>> {
    proposals::table
        .filter(proposals::case_id.eq(id.0))
        .order(proposals::id.desc())
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()
}

/// Records a party's answer; a party answers once.
pub fn answer(
    conn: &mut DbConn,
    proposal: ProposalId,
    party: PartyId,
    accepted: bool,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let done: bool = diesel::select(diesel::dsl::exists(
        proposal_answers::table
            .filter(proposal_answers::proposal_id.eq(proposal))
            .filter(proposal_answers::party_id.eq(party)),
    ))
    .get_result(conn)?;
    if done {
        return Ok(false);
    }
    diesel::insert_into(proposal_answers::table)
        .values((
            proposal_answers::proposal_id.eq(proposal),
            proposal_answers::party_id.eq(party),
            proposal_answers::accepted.eq(accepted),
            proposal_answers::answered_by.eq(by.0),
            proposal_answers::at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// (party id, accepted) for every answer given to the proposal.
pub fn answers_of(conn: &mut DbConn, proposal: ProposalId) -> QueryResult<Vec<(PartyId, bool)>> {
    proposal_answers::table
        .filter(proposal_answers::proposal_id.eq(proposal))
        .select((proposal_answers::party_id, proposal_answers::accepted))
        .load(conn)
}

/// A party as the workflow addresses it.
#[derive(Queryable, Debug, Clone)]
pub struct PartyRef {
    pub id: PartyId,
    pub side: String,
    pub name: String,
    pub email: Option<String>,
    /// The account tied to the party (a respondent who joined).
    pub user_id: Option<UserId>,
    /// An invitation was sent to this party.
    pub invited: bool,
}

pub fn party_refs(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<PartyRef>> {
    parties::table
        .filter(parties::case_id.eq(id.0))
        .order((parties::side.asc(), parties::position.asc()))
        .select((
            parties::id,
            parties::side,
            parties::name,
            parties::email,
            parties::user_id,
            diesel::dsl::exists(invitations::table.filter(invitations::party_id.eq(parties::id))),
        ))
        .load(conn)
}

// ---- Invitations ----

pub fn invite(
    conn: &mut DbConn,
    id: CaseId,
    party: PartyId,
    email: &str,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(parties::table.find(party))
        .set(parties::email.eq(email))
        .execute(conn)?;
    diesel::insert_into(invitations::table)
        .values((
            invitations::case_id.eq(id.0),
            invitations::party_id.eq(party),
            invitations::email.eq(email),
            invitations::token_hash.eq(token_hash),
            invitations::created_at.eq(now),
            invitations::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: InvitationId,
    pub case_id: CaseId,
    pub party_id: PartyId,
    pub email: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn invitation_by_token(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// Uses the invitation once: ties the party to the account. `false` if it was used already.
pub fn accept_invitation(
    conn: &mut DbConn,
    invitation: &InvitationRow,
    user: UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        invitations::table
            .find(invitation.id)
            .filter(invitations::used_at.is_null()),
    )
    .set((invitations::used_at.eq(now), invitations::used_by.eq(user.0)))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    diesel::update(parties::table.find(invitation.party_id))
        .set(parties::user_id.eq(user.0))
        .execute(conn)?;
    Ok(true)
}

// ---- Closure ----

pub fn record_closure(
    conn: &mut DbConn,
    id: CaseId,
    outcome: State,
    now: NaiveDateTime,
    zone: OfficeZone,
) -> QueryResult<()> {
    let (filed_at, kind, track, origin): (Option<NaiveDateTime>, String, String, String) = cases::table
        .find(id.0)
        .select((cases::filed_at, cases::kind, cases::track, cases::origin))
        .first(conn)?;
    let sessions: Vec<SessionRow> = sessions_of(conn, id)?;
    let held = sessions.iter().filter(|s| s.held).count() as i32;
    let appeared = sessions.iter().any(|s| s.respondent_attended == Some(true));
    let respondent_size: Option<String> = parties::table
        .filter(parties::case_id.eq(id.0))
        .filter(parties::side.eq("respondent"))
        .order(parties::position.asc())
        .select(parties::size)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten();
    // Office days: a case filed at 23:00 and closed at 01:00 the next morning (KST) was open
    // one day, whatever the UTC dates say.
    let days_open = filed_at.map_or(0, |f| (zone.day_of(now) - zone.day_of(f)).num_days()) as i32;
    diesel::insert_into(case_closures::table)
        .values((
            case_closures::case_id.eq(id.0),
            case_closures::outcome.eq(outcome.as_str()),
            case_closures::closed_at.eq(now),
            case_closures::days_open.eq(days_open),
            case_closures::sessions.eq(held),
            case_closures::respondent_appeared.eq(appeared),
            case_closures::respondent_size.eq(respondent_size),
            case_closures::kind.eq(kind),
            case_closures::track.eq(track),
            case_closures::origin.eq(origin),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = case_closures)]
pub struct ClosureRow {
    pub outcome: String,
    pub closed_at: NaiveDateTime,
    pub days_open: i32,
    pub sessions: i32,
    pub respondent_appeared: bool,
    pub respondent_size: Option<String>,
    pub kind: String,
    pub track: String,
    pub origin: String,
}

pub fn closure_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Option<ClosureRow>> {
    case_closures::table
        .find(id.0)
        .select(ClosureRow::as_select())
        .first(conn)
        .optional()
}
