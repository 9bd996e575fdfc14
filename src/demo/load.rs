//! Writing demo cases with their histories: the rows the workflow would have written, in
//! bulk (many rows per statement, many cases per transaction), with ids given here so that
//! rows can point at each other without reading them back. Deadlines go in with ordinary
//! inserts, so the database's triggers keep each case's `next_due_on` as they always do.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::history::{Detail, History, Session};
use crate::db::DbConn;
use crate::db::schema::{
    case_closures, case_events, case_notes, case_reads, cases, deadlines, invitations, mediation_sessions,
    panel_members, parties, proposal_answers, proposals,
};
use crate::domain::workflow::Action;
use crate::domain::{NoteVisibility, Side};

/// Bound values per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535).
pub(super) const MAX_BINDS: usize = 30_000;

#[derive(Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
pub struct CaseRow {
    pub id: i64,
    pub draft_key: String,
    pub case_no: Option<String>,
    pub filing_year: Option<i32>,
    pub filing_seq: Option<i32>,
    pub state: &'static str,
    pub track: &'static str,
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub ipc_class: Option<&'static str>,
    pub damages_amount: Option<i64>,
    pub damages_currency: Option<&'static str>,
    pub remedy: String,
    pub origin: &'static str,
    pub origin_reference: Option<String>,
    pub complainant_user_id: Option<i64>,
    pub created_by: i64,
    pub assigned_officer_id: Option<i64>,
    pub search_text: String,
    pub version: i32,
    pub filed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
const CASE_COLUMNS: usize = 24;

#[derive(Insertable)]
#[diesel(table_name = parties, treat_none_as_default_value = false)]
pub struct PartyRow {
    pub id: i64,
    pub case_id: i64,
    pub side: &'static str,
    pub position: i32,
    pub party_kind: &'static str,
    pub name: String,
    pub registration_no: Option<String>,
    pub size: Option<&'static str>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub counsel_name: Option<&'static str>,
    pub counsel_firm: Option<&'static str>,
    pub user_id: Option<i64>,
    pub country: Option<&'static str>,
}
const PARTY_COLUMNS: usize = 14;

#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
struct EventRow {
    id: i64,
    case_id: i64,
    action: &'static str,
    from_state: &'static str,
    to_state: &'static str,
    actor_id: Option<i64>,
    actor_as: &'static str,
    details: String,
    at: NaiveDateTime,
}
const EVENT_COLUMNS: usize = 9;

#[derive(Insertable)]
#[diesel(table_name = deadlines, treat_none_as_default_value = false)]
struct DeadlineRow {
    id: i64,
    case_id: i64,
    kind: &'static str,
    due_on: NaiveDate,
    status: &'static str,
    paused_on: Option<NaiveDate>,
    opened_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
    reminded_before: bool,
    reminded_on_day: bool,
    paused_days: i32,
}
const DEADLINE_COLUMNS: usize = 11;

#[derive(Insertable)]
#[diesel(table_name = panel_members)]
struct PanelRow {
    case_id: i64,
    mediator_id: i64,
    assigned_at: NaiveDateTime,
}
const PANEL_COLUMNS: usize = 3;

#[derive(Insertable)]
#[diesel(table_name = mediation_sessions, treat_none_as_default_value = false)]
struct SessionRow {
    id: i64,
    case_id: i64,
    held_at: NaiveDateTime,
    place: &'static str,
    held: bool,
    complainant_attended: Option<bool>,
    respondent_attended: Option<bool>,
    minutes: Option<&'static str>,
    recorded_by: i64,
    created_at: NaiveDateTime,
}
const SESSION_COLUMNS: usize = 10;

#[derive(Insertable)]
#[diesel(table_name = proposals)]
struct ProposalRow {
    id: i64,
    case_id: i64,
    body: &'static str,
    issued_by: i64,
    issued_at: NaiveDateTime,
}
const PROPOSAL_COLUMNS: usize = 5;

#[derive(Insertable)]
#[diesel(table_name = proposal_answers)]
struct AnswerRow {
    proposal_id: i64,
    party_id: i64,
    accepted: bool,
    answered_by: i64,
    at: NaiveDateTime,
}
const ANSWER_COLUMNS: usize = 5;

#[derive(Insertable)]
#[diesel(table_name = invitations, treat_none_as_default_value = false)]
struct InvitationRow {
    id: i64,
    case_id: i64,
    party_id: i64,
    email: String,
    token_hash: String,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
    used_by: Option<i64>,
}
const INVITATION_COLUMNS: usize = 9;

#[derive(Insertable)]
#[diesel(table_name = case_notes)]
struct NoteRow {
    id: i64,
    case_id: i64,
    author_id: i64,
    visibility: &'static str,
    body: &'static str,
    created_at: NaiveDateTime,
}
const NOTE_COLUMNS: usize = 6;

#[derive(Insertable)]
#[diesel(table_name = case_closures, treat_none_as_default_value = false)]
struct ClosureRow {
    case_id: i64,
    outcome: &'static str,
    closed_at: NaiveDateTime,
    days_open: i32,
    sessions: i32,
    respondent_appeared: bool,
    respondent_size: Option<&'static str>,
    kind: &'static str,
    track: &'static str,
    origin: &'static str,
}
const CLOSURE_COLUMNS: usize = 10;

#[derive(Insertable)]
#[diesel(table_name = case_reads)]
struct ReadRow {
    user_id: i64,
    case_id: i64,
    seen_at: NaiveDateTime,
}
const READ_COLUMNS: usize = 3;

/// The next free id of each table the demo writes with ids of its own.
pub struct Ids {
    pub case: i64,
    pub party: i64,
    event: i64,
    deadline: i64,
    session: i64,
    proposal: i64,
    invitation: i64,
    note: i64,
}

macro_rules! next_id {
    ($conn:expr, $table:ident) => {
        $table::table
            .select(diesel::dsl::max($table::id))
            .first::<Option<i64>>($conn)?
            .unwrap_or(0)
            + 1
    };
}

impl Ids {
    pub fn after_existing(conn: &mut DbConn) -> QueryResult<Ids> {
        Ok(Ids {
            case: next_id!(conn, cases),
            party: next_id!(conn, parties),
            event: next_id!(conn, case_events),
            deadline: next_id!(conn, deadlines),
            session: next_id!(conn, mediation_sessions),
            proposal: next_id!(conn, proposals),
            invitation: next_id!(conn, invitations),
            note: next_id!(conn, case_notes),
        })
    }

    fn take(next: &mut i64) -> i64 {
        *next += 1;
        *next - 1
    }
}

/// Rows for some cases, written together.
#[derive(Default)]
pub struct Batch {
    cases: Vec<CaseRow>,
    parties: Vec<PartyRow>,
    events: Vec<EventRow>,
    deadlines: Vec<DeadlineRow>,
    panels: Vec<PanelRow>,
    sessions: Vec<SessionRow>,
    proposals: Vec<ProposalRow>,
    answers: Vec<AnswerRow>,
    invitations: Vec<InvitationRow>,
    notes: Vec<NoteRow>,
    closures: Vec<ClosureRow>,
    reads: Vec<ReadRow>,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// A draft: a case row and its parties, no history.
    pub fn add_draft(&mut self, case: CaseRow, parties: Vec<PartyRow>) {
        self.cases.push(case);
        self.parties.extend(parties);
    }

    /// A filed case with its complainant and respondent (in that order) and its history;
    /// `token_hash` is what the respondent's invitation link is kept as.
    pub fn add_case(
        &mut self,
        ids: &mut Ids,
        mut case: CaseRow,
        [complainant, mut respondent]: [PartyRow; 2],
        h: &History,
        token_hash: String,
    ) {
        let case_id = case.id;
        case.state = h.state.as_str();
        case.track = h.track.as_str();
        case.assigned_officer_id = h.officer.map(|u| u.0);
        // Filing made it version 2; every action moves it on by one.
        case.version = 2 + h.steps.len() as i32;
        case.updated_at = h.updated_at().unwrap_or(case.updated_at);
        respondent.user_id = h.respondent().map(|u| u.0);
        let proposal_id = h.proposal.as_ref().map(|p| {
            let id = Ids::take(&mut ids.proposal);
            self.proposals.push(ProposalRow {
                id,
                case_id,
                body: p.body,
                issued_by: p.by.0,
                issued_at: p.at,
            });
            id
        });
        let party_of = |side: Side| match side {
            Side::Respondent => respondent.id,
            _ => complainant.id,
        };
        for step in &h.steps {
            let mut details = match &step.detail {
                Detail::None | Detail::Text(_) => json!({}),
                Detail::Officer(u) => json!({ "officer": u.0 }),
                Detail::Notified { due } => json!({ "email": respondent.email, "due": due }),
                Detail::Panel => json!({ "mediators": h.panel.iter().map(|m| m.0).collect::<Vec<_>>() }),
                Detail::Session(i) => {
                    let s = &h.sessions[*i];
                    // Scheduling and recording name the same session; only the record has
                    // its attendance.
                    let record = s.record.filter(|_| step.action == Action::RecordSession);
                    json!({
                        "at": s.held_at, "place": s.place,
                        "complainant_attended": record.map(|r| r.0),
                        "respondent_attended": record.map(|r| r.1),
                    })
                }
                Detail::Answer { side, .. } => json!({ "party": party_of(*side), "proposal": proposal_id }),
                Detail::ReferOut { body, .. } => json!({ "body": body.as_str() }),
                Detail::Close { outcome, .. } => json!({ "outcome": outcome.as_str() }),
                Detail::Extend { days, .. } => json!({ "days": days }),
            };
            let text = match &step.detail {
                Detail::Text(t) | Detail::ReferOut { text: t, .. } | Detail::Extend { text: t, .. } => {
                    Some(*t)
                }
                Detail::Answer { text, .. } | Detail::Close { text, .. } => *text,
                Detail::Session(i) if step.action == Action::RecordSession => {
                    h.sessions[*i].record.map(|r| r.2)
                }
                _ => None,
            };
            if let Some(text) = text {
                details["text"] = json!(text);
            }
            self.events.push(EventRow {
                id: Ids::take(&mut ids.event),
                case_id,
                action: step.action.as_str(),
                from_state: step.from.as_str(),
                to_state: step.to.as_str(),
                actor_id: step.actor.map(|u| u.0),
                actor_as: step.who.as_str(),
                details: details.to_string(),
                at: step.at,
            });
        }
        for d in &h.deadlines {
            self.deadlines.push(DeadlineRow {
                id: Ids::take(&mut ids.deadline),
                case_id,
                kind: d.kind.as_str(),
                due_on: d.due_on,
                status: d.status.as_str(),
                paused_on: d.paused_on,
                opened_at: d.opened_at,
                closed_at: d.closed_at,
                reminded_before: d.reminded_before,
                reminded_on_day: d.reminded_on_day,
                paused_days: d.paused_days,
            });
        }
        if let Some(at) = h.panel_at {
            self.panels.extend(h.panel.iter().map(|m| PanelRow {
                case_id,
                mediator_id: m.0,
                assigned_at: at,
            }));
        }
        // A session scheduled and then recorded is one row, held, as `workflow::act` keeps it:
        // the record takes the scheduled row's place (and its time of scheduling).
        let scheduled_of = |held: &Session| {
            h.sessions
                .iter()
                .find(|s| s.record.is_none() && s.held_at == held.held_at)
        };
        for s in &h.sessions {
            let recorded_later = s.record.is_none()
                && h.sessions
                    .iter()
                    .any(|r| r.record.is_some() && r.held_at == s.held_at);
            if recorded_later {
                continue;
            }
            let created_at = match s.record {
                Some(_) => scheduled_of(s).map_or(s.created_at, |first| first.created_at),
                None => s.created_at,
            };
            self.sessions.push(SessionRow {
                id: Ids::take(&mut ids.session),
                case_id,
                held_at: s.held_at,
                place: s.place,
                held: s.record.is_some(),
                complainant_attended: s.record.map(|r| r.0),
                respondent_attended: s.record.map(|r| r.1),
                minutes: s.record.map(|r| r.2),
                recorded_by: s.by.0,
                created_at,
            });
        }
        if let Some(proposal_id) = proposal_id {
            self.answers.extend(h.answers.iter().map(|a| AnswerRow {
                proposal_id,
                party_id: party_of(a.side),
                accepted: a.accepted,
                answered_by: a.by.0,
                at: a.at,
            }));
        }
        if let Some(inv) = &h.invitation {
            self.invitations.push(InvitationRow {
                id: Ids::take(&mut ids.invitation),
                case_id,
                party_id: respondent.id,
                email: respondent.email.clone().unwrap_or_default(),
                token_hash,
                created_at: inv.created_at,
                expires_at: inv.expires_at,
                used_at: inv.used.map(|(at, _)| at),
                used_by: inv.used.map(|(_, u)| u.0),
            });
        }
        self.notes.extend(h.notes.iter().map(|n| NoteRow {
            id: Ids::take(&mut ids.note),
            case_id,
            author_id: n.author.0,
            visibility: if n.shared {
                NoteVisibility::Shared.as_str()
            } else {
                NoteVisibility::Internal.as_str()
            },
            body: n.body,
            created_at: n.at,
        }));
        if let Some(c) = &h.closure {
            self.closures.push(ClosureRow {
                case_id,
                outcome: c.outcome.as_str(),
                closed_at: c.closed_at,
                days_open: c.days_open,
                sessions: c.sessions,
                respondent_appeared: c.respondent_appeared,
                respondent_size: respondent.size,
                kind: case.kind,
                track: c.track.as_str(),
                origin: case.origin,
            });
        }
        self.reads.extend(h.reads.iter().map(|(u, at)| ReadRow {
            user_id: u.0,
            case_id,
            seen_at: *at,
        }));
        self.cases.push(case);
        self.parties.push(complainant);
        self.parties.push(respondent);
    }

    /// Writes the batch (in the caller's transaction) and empties it.
    pub fn write(&mut self, conn: &mut DbConn) -> QueryResult<()> {
        macro_rules! insert_all {
            ($rows:expr, $table:ident, $columns:expr) => {
                for chunk in $rows.chunks((MAX_BINDS / $columns).max(1)) {
                    match &mut *conn {
                        DbConn::Sqlite(c) => diesel::insert_into($table::table)
                            .values(chunk)
                            .execute(c)?,
                        DbConn::Postgres(c) => diesel::insert_into($table::table)
                            .values(chunk)
                            .execute(c)?,
                    };
                }
                $rows.clear();
            };
        }
        insert_all!(self.cases, cases, CASE_COLUMNS);
        insert_all!(self.parties, parties, PARTY_COLUMNS);
        insert_all!(self.events, case_events, EVENT_COLUMNS);
        insert_all!(self.deadlines, deadlines, DEADLINE_COLUMNS);
        insert_all!(self.panels, panel_members, PANEL_COLUMNS);
        insert_all!(self.sessions, mediation_sessions, SESSION_COLUMNS);
        insert_all!(self.proposals, proposals, PROPOSAL_COLUMNS);
        insert_all!(self.answers, proposal_answers, ANSWER_COLUMNS);
        insert_all!(self.invitations, invitations, INVITATION_COLUMNS);
        insert_all!(self.notes, case_notes, NOTE_COLUMNS);
        insert_all!(self.closures, case_closures, CLOSURE_COLUMNS);
        insert_all!(self.reads, case_reads, READ_COLUMNS);
        Ok(())
    }
}

/// After writing with ids of its own: PostgreSQL's sequences move past them, and the tables
/// are vacuumed and analysed as autovacuum soon would, so the first page views measure the
/// steady state rather than setting hint bits on every fresh row.
pub fn settle(conn: &mut DbConn) -> QueryResult<()> {
    let DbConn::Postgres(pg) = conn else {
        return Ok(());
    };
    for table in [
        "cases",
        "parties",
        "case_events",
        "deadlines",
        "mediation_sessions",
        "proposals",
        "invitations",
        "case_notes",
    ] {
        diesel::sql_query(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        ))
        .execute(pg)?;
    }
    // Maintenance after a bulk load, not a request: a million cases take longer than the
    // connections' statement timeout.
    diesel::sql_query("SET statement_timeout = 0").execute(pg)?;
    diesel::sql_query(
        "VACUUM ANALYZE cases, parties, case_counts, case_events, deadlines, panel_members, \
         mediation_sessions, proposals, proposal_answers, invitations, case_notes, case_closures, \
         case_reads",
    )
    .execute(pg)?;
    diesel::sql_query("RESET statement_timeout").execute(pg)?;
    Ok(())
}
