//! Calendar feeds: whose feed runs at which generation, and what goes in it — the sessions and
//! running deadlines of the cases that are the person's own work.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{calendar_feeds, cases, deadlines, mediation_sessions, panel_members, parties};
use crate::domain::workflow::{DeadlineKind, DeadlineStatus};
use crate::domain::{Role, State};
use crate::models::id::UserId;

#[derive(Queryable, Selectable, Debug, Clone, Copy)]
#[diesel(table_name = calendar_feeds)]
pub struct FeedRow {
    pub generation: i32,
    pub active: bool,
    pub renewed_at: NaiveDateTime,
}

pub fn feed_of(conn: &mut DbConn, user: UserId) -> QueryResult<Option<FeedRow>> {
    calendar_feeds::table
        .find(user.0)
        .select(FeedRow::as_select())
        .first(conn)
        .optional()
}

/// Starts the feed at its next generation (the first, or one past every earlier URL).
pub fn renew(conn: &mut DbConn, user: UserId, now: NaiveDateTime) -> QueryResult<i32> {
    match feed_of(conn, user)? {
        Some(feed) => {
            let generation = feed.generation + 1;
            diesel::update(calendar_feeds::table.find(user.0))
                .set((
                    calendar_feeds::generation.eq(generation),
                    calendar_feeds::active.eq(true),
                    calendar_feeds::renewed_at.eq(now),
                ))
                .execute(conn)?;
            Ok(generation)
        }
        None => {
            diesel::insert_into(calendar_feeds::table)
                .values((
                    calendar_feeds::user_id.eq(user.0),
                    calendar_feeds::generation.eq(1),
                    calendar_feeds::active.eq(true),
                    calendar_feeds::renewed_at.eq(now),
                ))
                .execute(conn)?;
            Ok(1)
        }
    }
}

/// Stops the feed, keeping its generation so that no earlier URL works again.
pub fn stop(conn: &mut DbConn, user: UserId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(calendar_feeds::table.find(user.0).filter(calendar_feeds::active))
        .set((
            calendar_feeds::active.eq(false),
            calendar_feeds::renewed_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

/// A session in someone's calendar.
#[derive(Queryable, Debug, Clone)]
pub struct SessionEntry {
    pub id: i64,
    pub case_no: Option<String>,
    pub title: String,
    pub at: NaiveDateTime,
    pub place: String,
}

/// A running deadline in someone's calendar.
#[derive(Queryable, Debug, Clone)]
pub struct DueEntry {
    pub id: i64,
    pub case_no: Option<String>,
    pub title: String,
    pub kind: DeadlineKind,
    pub on: NaiveDate,
}

/// Keeps, of a query joined to `cases`, the cases that are someone's own work: an officer's
/// assigned cases, a mediator's panels, a complainant's and a respondent's own cases. Written
/// into the statement (not as a list of ids read first: an officer may hold more cases than a
/// statement may bind values).
macro_rules! own_cases {
    ($query:expr, $user:expr, $role:expr) => {{
        let q = $query.filter(cases::state.ne(State::Draft.as_str()));
        match $role {
            Role::Examiner | Role::Legal | Role::Admin => q.filter(cases::assigned_officer_id.eq($user.0)),
            Role::Mediator => q.filter(
                cases::id.eq_any(
                    panel_members::table
                        .filter(panel_members::mediator_id.eq($user.0))
                        .select(panel_members::case_id),
                ),
            ),
            Role::Complainant => q.filter(cases::complainant_user_id.eq($user.0)),
            Role::Respondent => q.filter(
                cases::id.eq_any(
                    parties::table
                        .filter(parties::user_id.eq($user.0))
                        .filter(parties::side.eq("respondent"))
                        .select(parties::case_id),
                ),
            ),
        }
    }};
}

/// Sessions from `since` on, and every deadline still running, of the person's cases.
pub fn entries(
    conn: &mut DbConn,
    user: UserId,
    role: Role,
    since: NaiveDateTime,
) -> QueryResult<(Vec<SessionEntry>, Vec<DueEntry>)> {
    let sessions = own_cases!(
        mediation_sessions::table
            .inner_join(cases::table)
            .filter(mediation_sessions::held_at.ge(since))
            .into_boxed(),
        user,
        role
    )
    .order(mediation_sessions::held_at.asc())
    .select((
        mediation_sessions::id,
        cases::case_no,
        cases::title,
        mediation_sessions::held_at,
        mediation_sessions::place,
    ))
    .load(conn)?;
    let dues = own_cases!(
        deadlines::table
            .inner_join(cases::table)
            .filter(deadlines::status.eq(DeadlineStatus::Open.as_str()))
            .into_boxed(),
        user,
        role
    )
    .order(deadlines::due_on.asc())
    .select((
        deadlines::id,
        cases::case_no,
        cases::title,
        deadlines::kind,
        deadlines::due_on,
    ))
    .load(conn)?;
    Ok((sessions, dues))
}
