//! What each role's home page lists (issue 17 §2), read in a handful of bounded statements:
//! an officer's queue and the office's new filings, a mediator's panels, sessions and
//! proposals, a party's cases with what is expected of them, an administrator's loose ends.
//! And when each user last opened each case, which is what "new since I last looked" means.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::dsl::{count_star, exists, not};
use diesel::prelude::*;
use diesel::sql_types::Date;

use super::id::{CaseId, UserId};
use super::outbox::OutboxRow;
use super::workflow::{self as store, DueFilter, DueView};
use crate::db::DbConn;
use crate::db::schema::{
    audit_checks, case_events, case_notes, case_reads, cases, deadlines, exhibits, mediation_sessions,
    outbox, panel_members, parties, proposal_answers, proposals, users,
};
use crate::domain::workflow::{DeadlineKind, DeadlineStatus};
use crate::domain::{NoteVisibility, NoticeStatus, Role, State};

/// How many items each panel of a home page shows; each says how many there are in all.
pub const SHOWN: i64 = 8;

/// Party activity older than this is not "new" even if the case was never opened.
const ACTIVITY_DAYS: i64 = 30;

/// Records that `user` has just read the case: what came before is no longer new to them.
pub fn mark_read(conn: &mut DbConn, user: UserId, case: CaseId, now: NaiveDateTime) -> QueryResult<()> {
    let row = (
        case_reads::user_id.eq(user),
        case_reads::case_id.eq(case),
        case_reads::seen_at.eq(now),
    );
    let target = (case_reads::user_id, case_reads::case_id);
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(case_reads::table)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(case_reads::seen_at.eq(now))
            .execute(c),
        DbConn::Postgres(c) => diesel::insert_into(case_reads::table)
            .values(row)
            .on_conflict(target)
            .do_update()
            .set(case_reads::seen_at.eq(now))
            .execute(c),
    }
    .map(drop)
}

/// When `user` last opened the case, if ever.
pub fn seen_at(conn: &mut DbConn, user: UserId, case: CaseId) -> QueryResult<Option<NaiveDateTime>> {
    case_reads::table
        .find((user, case))
        .select(case_reads::seen_at)
        .first(conn)
        .optional()
}

/// A case as a home page lists it.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cases)]
pub struct CaseItem {
    pub id: CaseId,
    pub case_no: Option<String>,
    pub title: String,
    pub state: State,
    pub next_due_on: Option<NaiveDate>,
    pub filed_at: Option<NaiveDateTime>,
}

/// Some of a list, and how long the whole list is.
#[derive(Debug, Clone, Default)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
}

fn terminal() -> Vec<&'static str> {
    State::ALL
        .iter()
        .filter(|s| s.is_terminal())
        .map(|s| s.as_str())
        .collect()
}

/// Soonest next deadline first, cases without one last (the `cases_next_due` index).
fn by_next_due() -> diesel::expression::SqlLiteral<Date> {
    diesel::dsl::sql::<Date>("COALESCE(cases.next_due_on, '9999-12-31')")
}

// ---- Examiners and legal officers ----

/// Something a party filed, wrote or did on a case.
#[derive(Debug, Clone)]
pub struct Activity {
    pub case_no: Option<String>,
    pub title: String,
    pub what: Did,
    pub who: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Did {
    Wrote,
    Filed(String),
    /// A workflow action, by its stored name.
    Took(String),
}

pub struct OfficerDesk {
    /// Open cases assigned to the officer, by next deadline.
    pub queue: Listing<CaseItem>,
    /// Filed cases nobody has started reviewing, oldest first.
    pub intake: Listing<CaseItem>,
    /// The officer's running deadlines due from today to a week on.
    pub due_soon: Listing<DueView>,
    pub overdue: Listing<DueView>,
    /// What parties did on the officer's cases since the officer last opened them.
    pub activity: Vec<Activity>,
}

pub fn officer_desk(
    conn: &mut DbConn,
    me: UserId,
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<OfficerDesk> {
    let mine = || {
        cases::table
            .filter(cases::assigned_officer_id.eq(me))
            .filter(cases::state.ne(State::Draft.as_str()))
            .filter(cases::state.ne_all(terminal()))
    };
    let queue = Listing {
        items: mine()
            .order((by_next_due().asc(), cases::id.asc()))
            .limit(SHOWN)
            .select(CaseItem::as_select())
            .load(conn)?,
        total: mine().count().get_result(conn)?,
    };
    let filed = || cases::table.filter(cases::state.eq(State::Filed.as_str()));
    let intake = Listing {
        items: filed()
            .order(cases::id.asc())
            .limit(SHOWN)
            .select(CaseItem::as_select())
            .load(conn)?,
        total: filed().count().get_result(conn)?,
    };
    let due = |filter: DueFilter, conn: &mut DbConn| {
        store::running(conn, &filter).map(|(mut items, total)| {
            items.truncate(SHOWN as usize);
            Listing { items, total }
        })
    };
    let overdue = due(
        DueFilter {
            officer: Some(me),
            overdue_on: Some(today),
            ..Default::default()
        },
        conn,
    )?;
    let due_soon = due(
        DueFilter {
            officer: Some(me),
            due_from: Some(today),
            due_by: Some(today + TimeDelta::days(7)),
            ..Default::default()
        },
        conn,
    )?;
    Ok(OfficerDesk {
        queue,
        intake,
        due_soon,
        overdue,
        activity: party_activity(conn, me, now)?,
    })
}

/// A party's action as the activity list reads it: case number, title, who, action, when.
type Took = (Option<String>, String, Option<String>, String, NaiveDateTime);

/// Notes, exhibits and actions by parties on the officer's open cases, newer than the
/// officer's last look at each case (and than a month), newest first.
///
/// "The officer's" is written `assigned_officer_id + 0`, which hides the column's indexes, so
/// that the database does not start from the officer's cases: an officer may hold thousands,
/// while a month's activity across the office, walked newest first from its time index, is
/// short and stops at the first few of theirs.
fn party_activity(conn: &mut DbConn, me: UserId, now: NaiveDateTime) -> QueryResult<Vec<Activity>> {
    let since = now - TimeDelta::days(ACTIVITY_DAYS);
    let parties_roles = [Role::Complainant.as_str(), Role::Respondent.as_str()];
    let read = || case_reads::table.on(case_reads::case_id.eq(cases::id).and(case_reads::user_id.eq(me)));
    let notes: Vec<(Option<String>, String, String, NaiveDateTime)> = case_notes::table
        .inner_join(cases::table)
        .inner_join(users::table.on(users::id.eq(case_notes::author_id)))
        .left_join(read())
        .filter((cases::assigned_officer_id + 0_i64).eq(me.0))
        .filter(users::role.eq_any(parties_roles))
        .filter(case_notes::created_at.gt(since))
        .filter(
            case_reads::seen_at.is_null().or(case_reads::seen_at
                .nullable()
                .lt(case_notes::created_at.nullable())),
        )
        .order(case_notes::created_at.desc())
        .limit(SHOWN)
        .select((cases::case_no, cases::title, users::name, case_notes::created_at))
        .load(conn)?;
    let filed: Vec<(Option<String>, String, String, String, NaiveDateTime)> = exhibits::table
        .inner_join(cases::table)
        .inner_join(users::table.on(users::id.eq(exhibits::uploaded_by)))
        .left_join(read())
        .filter((cases::assigned_officer_id + 0_i64).eq(me.0))
        .filter(users::role.eq_any(parties_roles))
        .filter(exhibits::uploaded_at.gt(since))
        .filter(
            case_reads::seen_at.is_null().or(case_reads::seen_at
                .nullable()
                .lt(exhibits::uploaded_at.nullable())),
        )
        .order(exhibits::uploaded_at.desc())
        .limit(SHOWN)
        .select((
            cases::case_no,
            cases::title,
            users::name,
            exhibits::title,
            exhibits::uploaded_at,
        ))
        .load(conn)?;
    let took: Vec<Took> = case_events::table
        .inner_join(cases::table)
        .left_join(users::table.on(users::id.nullable().eq(case_events::actor_id)))
        .left_join(read())
        .filter((cases::assigned_officer_id + 0_i64).eq(me.0))
        .filter(case_events::actor_as.eq_any(parties_roles))
        .filter(case_events::at.gt(since))
        .filter(
            case_reads::seen_at
                .is_null()
                .or(case_reads::seen_at.nullable().lt(case_events::at.nullable())),
        )
        .order(case_events::at.desc())
        .limit(SHOWN)
        .select((
            cases::case_no,
            cases::title,
            users::name.nullable(),
            case_events::action,
            case_events::at,
        ))
        .load(conn)?;
    let mut all: Vec<Activity> = notes
        .into_iter()
        .map(|(case_no, title, who, at)| Activity {
            case_no,
            title,
            what: Did::Wrote,
            who,
            at,
        })
        .chain(
            filed
                .into_iter()
                .map(|(case_no, title, who, exhibit, at)| Activity {
                    case_no,
                    title,
                    what: Did::Filed(exhibit),
                    who,
                    at,
                }),
        )
        .chain(
            took.into_iter()
                .map(|(case_no, title, who, action, at)| Activity {
                    case_no,
                    title,
                    what: Did::Took(action),
                    who: who.unwrap_or_default(),
                    at,
                }),
        )
        .collect();
    all.sort_by_key(|a| std::cmp::Reverse(a.at));
    all.truncate(SHOWN as usize);
    Ok(all)
}

// ---- Mediators ----

#[derive(Queryable, Debug, Clone)]
pub struct UpcomingSession {
    pub case_no: Option<String>,
    pub title: String,
    pub held_at: NaiveDateTime,
    pub place: String,
}

/// A proposal the parties have not all answered.
#[derive(Debug, Clone)]
pub struct Awaiting {
    pub case: CaseItem,
    pub answered: i64,
    pub parties: i64,
}

pub struct MediatorDesk {
    pub panels: Listing<CaseItem>,
    pub sessions: Vec<UpcomingSession>,
    pub proposals: Vec<Awaiting>,
}

pub fn mediator_desk(conn: &mut DbConn, me: UserId, now: NaiveDateTime) -> QueryResult<MediatorDesk> {
    let on_my_panels = || {
        panel_members::table
            .filter(panel_members::mediator_id.eq(me))
            .select(panel_members::case_id)
    };
    let panels = || {
        cases::table
            .filter(cases::id.eq_any(on_my_panels()))
            .filter(cases::state.ne_all(terminal()))
    };
    let listed = Listing {
        items: panels()
            .order((by_next_due().asc(), cases::id.asc()))
            .limit(SHOWN)
            .select(CaseItem::as_select())
            .load(conn)?,
        total: panels().count().get_result(conn)?,
    };
    let sessions = mediation_sessions::table
        .inner_join(cases::table)
        .filter(mediation_sessions::case_id.eq_any(on_my_panels()))
        .filter(not(mediation_sessions::held))
        .filter(mediation_sessions::held_at.ge(now))
        .filter(cases::state.eq(State::InMediation.as_str()))
        .order(mediation_sessions::held_at.asc())
        .limit(SHOWN)
        .select((
            cases::case_no,
            cases::title,
            mediation_sessions::held_at,
            mediation_sessions::place,
        ))
        .load(conn)?;
    let waiting: Vec<CaseItem> = panels()
        .filter(cases::state.eq(State::ProposalIssued.as_str()))
        .order((by_next_due().asc(), cases::id.asc()))
        .limit(SHOWN)
        .select(CaseItem::as_select())
        .load(conn)?;
    let mut proposals = Vec::with_capacity(waiting.len());
    for case in waiting {
        let answered = match store::current_proposal(conn, case.id)? {
            Some(p) => store::answers_of(conn, p.id)?.len() as i64,
            None => 0,
        };
        let parties = store::party_refs(conn, case.id)?.len() as i64;
        proposals.push(Awaiting {
            case,
            answered,
            parties,
        });
    }
    Ok(MediatorDesk {
        panels: listed,
        sessions,
        proposals,
    })
}

// ---- Complainants and respondents ----

/// One of a party's cases, with what decides their next step.
#[derive(Debug, Clone)]
pub struct PartyCase {
    pub case: CaseItem,
    pub open: Vec<(DeadlineKind, NaiveDate)>,
    pub session: Option<NaiveDateTime>,
    /// The party has answered the current proposal.
    pub answered: bool,
    /// Shared notes by others since the party last opened the case.
    pub unread: i64,
}

#[derive(Queryable, Debug, Clone)]
pub struct Draft {
    pub draft_key: String,
    pub title: String,
    pub updated_at: NaiveDateTime,
}

pub struct PartyDesk {
    pub drafts: Vec<Draft>,
    pub cases: Listing<PartyCase>,
}

pub fn party_desk(conn: &mut DbConn, me: UserId, role: Role, now: NaiveDateTime) -> QueryResult<PartyDesk> {
    let drafts = if role == Role::Complainant {
        cases::table
            .filter(cases::created_by.eq(me))
            .filter(cases::state.eq(State::Draft.as_str()))
            .order(cases::updated_at.desc())
            .limit(SHOWN)
            .select((cases::draft_key, cases::title, cases::updated_at))
            .load(conn)?
    } else {
        Vec::new()
    };
    let mine = || {
        let q = cases::table
            .filter(cases::state.ne(State::Draft.as_str()))
            .into_boxed();
        if role == Role::Complainant {
            q.filter(cases::complainant_user_id.eq(me))
        } else {
            q.filter(
                cases::id.eq_any(
                    parties::table
                        .filter(parties::user_id.eq(me))
                        .filter(parties::side.eq("respondent"))
                        .select(parties::case_id),
                ),
            )
        }
    };
    let total = mine().count().get_result(conn)?;
    let listed: Vec<CaseItem> = mine()
        .order((by_next_due().asc(), cases::id.desc()))
        .limit(SHOWN * 2)
        .select(CaseItem::as_select())
        .load(conn)?;
    let ids: Vec<CaseId> = listed.iter().map(|c| c.id).collect();
    let open: Vec<(CaseId, DeadlineKind, NaiveDate)> = deadlines::table
        .filter(deadlines::case_id.eq_any(&ids))
        .filter(deadlines::status.eq(DeadlineStatus::Open.as_str()))
        .select((deadlines::case_id, deadlines::kind, deadlines::due_on))
        .load(conn)?;
    let sessions: Vec<(CaseId, Option<NaiveDateTime>)> = mediation_sessions::table
        .filter(mediation_sessions::case_id.eq_any(&ids))
        .filter(not(mediation_sessions::held))
        .filter(mediation_sessions::held_at.ge(now))
        .group_by(mediation_sessions::case_id)
        .select((
            mediation_sessions::case_id,
            diesel::dsl::min(mediation_sessions::held_at),
        ))
        .load(conn)?;
    let unread: Vec<(CaseId, i64)> = case_notes::table
        .left_join(
            case_reads::table.on(case_reads::case_id
                .eq(case_notes::case_id)
                .and(case_reads::user_id.eq(me))),
        )
        .filter(case_notes::case_id.eq_any(&ids))
        .filter(case_notes::visibility.eq(NoteVisibility::Shared.as_str()))
        .filter(case_notes::author_id.ne(me))
        .filter(
            case_reads::seen_at.is_null().or(case_reads::seen_at
                .nullable()
                .lt(case_notes::created_at.nullable())),
        )
        .group_by(case_notes::case_id)
        .select((case_notes::case_id, count_star()))
        .load(conn)?;
    let mut items = Vec::with_capacity(listed.len());
    for case in listed {
        let answered = case.state == State::ProposalIssued && answered_latest(conn, case.id, me, role)?;
        items.push(PartyCase {
            open: open
                .iter()
                .filter(|(c, _, _)| *c == case.id)
                .map(|(_, k, d)| (*k, *d))
                .collect(),
            session: sessions.iter().find(|(c, _)| *c == case.id).and_then(|(_, s)| *s),
            unread: unread.iter().find(|(c, _)| *c == case.id).map_or(0, |(_, n)| *n),
            answered,
            case,
        });
    }
    Ok(PartyDesk {
        drafts,
        cases: Listing { items, total },
    })
}

/// Whether `me`'s side has answered the case's latest proposal: the complainant answers for
/// the complainant's side, a respondent for the party they joined as.
fn answered_latest(conn: &mut DbConn, case: CaseId, me: UserId, role: Role) -> QueryResult<bool> {
    let latest = proposals::table
        .filter(proposals::case_id.eq(case))
        .select(diesel::dsl::max(proposals::id))
        .single_value();
    let answers = proposal_answers::table
        .inner_join(parties::table.on(parties::id.eq(proposal_answers::party_id)))
        .filter(proposal_answers::proposal_id.nullable().eq(latest));
    if role == Role::Complainant {
        diesel::select(exists(answers.filter(parties::side.eq("complainant")))).get_result(conn)
    } else {
        diesel::select(exists(answers.filter(parties::user_id.eq(me)))).get_result(conn)
    }
}

// ---- Administrators ----

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = audit_checks)]
pub struct AuditCheck {
    pub checked_at: NaiveDateTime,
    pub entries: i64,
    pub intact: bool,
    pub broken_seq: Option<i64>,
}

#[derive(Queryable, Debug, Clone)]
pub struct AwaitingSetUp {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub created_at: NaiveDateTime,
}

pub struct AdminDesk {
    pub failed: Listing<OutboxRow>,
    pub last_check: Option<AuditCheck>,
    /// Office accounts whose holder has not chosen a password yet.
    pub awaiting: Listing<AwaitingSetUp>,
}

pub fn admin_desk(conn: &mut DbConn) -> QueryResult<AdminDesk> {
    let failed = || outbox::table.filter(outbox::status.eq(NoticeStatus::Failed.as_str()));
    let failed = Listing {
        items: failed()
            .order(outbox::id.desc())
            .limit(SHOWN)
            .select(OutboxRow::as_select())
            .load(conn)?,
        total: failed().count().get_result(conn)?,
    };
    let last_check = audit_checks::table
        .order(audit_checks::id.desc())
        .select(AuditCheck::as_select())
        .first(conn)
        .optional()?;
    let awaiting = || {
        users::table
            .filter(users::password_hash.is_null())
            .filter(users::active)
    };
    let awaiting = Listing {
        items: awaiting()
            .order(users::created_at.asc())
            .limit(SHOWN)
            .select((users::name, users::email, users::role, users::created_at))
            .load(conn)?,
        total: awaiting().count().get_result(conn)?,
    };
    Ok(AdminDesk {
        failed,
        last_check,
        awaiting,
    })
}
