//! The outbox: every notice is a row written in the transaction of the event that causes it;
//! the mail worker claims due rows, sends them and records the outcome.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::outbox;
use crate::domain::{NoticeKind, NoticeStatus};
use crate::models::id::{CaseId, OutboxId};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub event_key: String,
    pub recipient: String,
    pub kind: NoticeKind,
    pub recipient_name: String,
    pub language: String,
    pub message_id: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: NoticeStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// An iCalendar invitation sent along as an attachment (a session scheduled).
    pub calendar: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxRow<'a> {
    pub event_key: &'a str,
    pub recipient: &'a str,
    pub kind: &'a str,
    pub recipient_name: &'a str,
    pub language: &'a str,
    pub message_id: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub status: &'a str,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The case the notice is about, and the hash of the token in its link (proof of notice).
    pub case_id: Option<CaseId>,
    pub link_token_hash: Option<&'a str>,
    pub calendar: Option<&'a str>,
}

/// Queues the notice unless the same (event, recipient, kind) is already queued: re-running
/// the logic that caused it never queues twice. Returns whether a row was added.
pub fn insert(conn: &mut DbConn, row: &NewOutboxRow<'_>) -> QueryResult<bool> {
    let statement = diesel::insert_into(outbox::table)
        .values(row)
        .on_conflict_do_nothing();
    let added = match conn {
        DbConn::Postgres(c) => statement.execute(c)?,
        DbConn::Sqlite(c) => statement.execute(c)?,
    };
    Ok(added == 1)
}

/// Claims up to `limit` due rows for sending until `lock_until`: pending rows whose time has
/// come, and rows left `sending` by a worker that died. On PostgreSQL rows another worker
/// holds are skipped, so several app servers can send side by side.
pub fn claim(
    conn: &mut DbConn,
    now: NaiveDateTime,
    lock_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let due = outbox::status
        .eq(NoticeStatus::Pending.as_str())
        .and(outbox::next_attempt_at.le(now))
        .or(outbox::status
            .eq(NoticeStatus::Sending.as_str())
            .and(outbox::locked_until.lt(now)));
    let ids: Vec<i64> = match conn {
        DbConn::Postgres(c) => outbox::table
            .filter(due)
            .order(outbox::id.asc())
            .limit(limit)
            .select(outbox::id)
            .for_update()
            .skip_locked()
            .load(c)?,
        DbConn::Sqlite(c) => outbox::table
            .filter(due)
            .order(outbox::id.asc())
            .limit(limit)
            .select(outbox::id)
            .load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set((
            outbox::status.eq(NoticeStatus::Sending.as_str()),
            outbox::locked_until.eq(lock_until),
            outbox::updated_at.eq(now),
        ))
        .execute(conn)?;
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::id.asc())
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Only a row this worker still holds is updated.
fn held(
    id: OutboxId,
) -> diesel::dsl::Filter<
    diesel::dsl::Find<outbox::table, OutboxId>,
    diesel::dsl::Eq<outbox::status, &'static str>,
> {
    outbox::table
        .find(id)
        .filter(outbox::status.eq(NoticeStatus::Sending.as_str()))
}

pub fn mark_sent(conn: &mut DbConn, id: OutboxId, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(held(id))
        .set((
            outbox::status.eq(NoticeStatus::Sent.as_str()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(now),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
            outbox::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// A temporary failure: try again at `next`.
pub fn mark_retry(
    conn: &mut DbConn,
    id: OutboxId,
    error: &str,
    next: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(held(id))
        .set((
            outbox::status.eq(NoticeStatus::Pending.as_str()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(next),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
            outbox::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// A permanent failure, or retries exhausted: parked for an administrator.
pub fn mark_failed(conn: &mut DbConn, id: OutboxId, error: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(held(id))
        .set((
            outbox::status.eq(NoticeStatus::Failed.as_str()),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
            outbox::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Hands claimed rows back unsent (the worker is stopping).
pub fn release(conn: &mut DbConn, ids: &[OutboxId], now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::status.eq(NoticeStatus::Sending.as_str())),
    )
    .set((
        outbox::status.eq(NoticeStatus::Pending.as_str()),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::updated_at.eq(now),
    ))
    .execute(conn)
    .map(drop)
}

/// An administrator sends a failed notice again; `false` if it was not failed.
pub fn retry(conn: &mut DbConn, id: OutboxId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(NoticeStatus::Failed.as_str())),
    )
    .set((
        outbox::status.eq(NoticeStatus::Pending.as_str()),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
        outbox::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn count_failed(conn: &mut DbConn) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::status.eq(NoticeStatus::Failed.as_str()))
        .count()
        .get_result(conn)
}

pub const PAGE_SIZE: i64 = 50;

/// Newest first, optionally of one status.
pub fn list(
    conn: &mut DbConn,
    status: Option<NoticeStatus>,
    page: i64,
) -> QueryResult<(Vec<OutboxRow>, i64)> {
    let filtered = || {
        let mut q = outbox::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(outbox::status.eq(s.as_str()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(outbox::id.desc())
        .offset(crate::db::page::offset(page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .select(OutboxRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

pub fn find(conn: &mut DbConn, id: OutboxId) -> QueryResult<OutboxRow> {
    outbox::table.find(id).select(OutboxRow::as_select()).first(conn)
}

/// Records the first opening of a notice's link; returns the case it belongs to.
pub fn opened(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> QueryResult<Option<i64>> {
    let row: Option<(i64, Option<i64>, Option<NaiveDateTime>)> = outbox::table
        .filter(outbox::link_token_hash.eq(token_hash))
        .select((outbox::id, outbox::case_id, outbox::opened_at))
        .first(conn)
        .optional()?;
    let Some((id, case_id, opened_at)) = row else {
        return Ok(None);
    };
    if opened_at.is_none() {
        diesel::update(outbox::table.find(id).filter(outbox::opened_at.is_null()))
            .set(outbox::opened_at.eq(now))
            .execute(conn)?;
    }
    Ok(case_id)
}

/// A notice about a case, as its page shows it: to whom, what, sent when, opened when.
#[derive(Queryable, Debug, Clone)]
pub struct NoticeView {
    pub recipient: String,
    pub recipient_name: String,
    pub kind: NoticeKind,
    pub subject: String,
    pub status: NoticeStatus,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub opened_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

pub fn of_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<NoticeView>> {
    outbox::table
        .filter(outbox::case_id.eq(case_id))
        .order(outbox::id.asc())
        .select((
            outbox::recipient,
            outbox::recipient_name,
            outbox::kind,
            outbox::subject,
            outbox::status,
            outbox::created_at,
            outbox::sent_at,
            outbox::opened_at,
            outbox::last_error,
        ))
        .load(conn)
}
