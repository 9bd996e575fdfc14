//! The audit log (DESIGN §8): every change is an event, appended inside the transaction that
//! makes the change, chained by hash. The database refuses UPDATE and DELETE on the table.

pub mod action;
pub mod chain;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use self::chain::{GENESIS, Sealed};
use crate::db::DbConn;
use crate::db::schema::audit_log;
use crate::models::id::{AuditId, UserId};
use crate::models::user::User;

/// How the log names actors that are not accounts.
const SYSTEM: &str = "system";
const ANONYMOUS: &str = "anonymous";

/// Who acted: an account, or the system itself.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<UserId>,
    pub label: String,
}

impl Actor {
    pub fn user(user: &User) -> Self {
        Self {
            id: Some(user.id),
            label: user.email.clone(),
        }
    }

    pub fn system() -> Self {
        Self {
            id: None,
            label: SYSTEM.to_owned(),
        }
    }

    /// Someone not signed in (a failed sign-in, a reset request).
    pub fn anonymous() -> Self {
        Self {
            id: None,
            label: ANONYMOUS.to_owned(),
        }
    }
}

/// One event, before it is sealed into the chain.
pub struct Event<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub object: Option<(&'a str, String)>,
    pub details: serde_json::Value,
    pub address: Option<String>,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: AuditId,
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub details: String,
    pub address: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    /// The translation key naming the actor when it is not an account (its label is then a
    /// word, not an address).
    pub fn actor_label_key(&self) -> Option<&'static str> {
        match (self.actor_id, self.actor.as_str()) {
            (None, SYSTEM) => Some("actor-system"),
            (None, ANONYMOUS) => Some("actor-anonymous"),
            _ => None,
        }
    }

    fn sealed(&self) -> Sealed<'_> {
        Sealed {
            seq: self.seq,
            occurred_at: self.occurred_at,
            actor_id: self.actor_id.map(|u| u.0),
            actor: &self.actor,
            action: &self.action,
            object_type: self.object_type.as_deref(),
            object_id: self.object_id.as_deref(),
            details: &self.details,
            address: self.address.as_deref(),
            prev_hash: &self.prev_hash,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewAuditRow<'a> {
    seq: i64,
    occurred_at: NaiveDateTime,
    actor_id: Option<UserId>,
    actor: &'a str,
    action: &'a str,
    object_type: Option<&'a str>,
    object_id: Option<&'a str>,
    details: &'a str,
    address: Option<&'a str>,
    prev_hash: &'a str,
    hash: &'a str,
}

/// Serialises appends across transactions and app servers until the caller's transaction
/// ends. SQLite's write transaction (BEGIN IMMEDIATE) already holds the only write lock.
fn lock_chain(conn: &mut DbConn) -> QueryResult<()> {
    // Any constant the application uses for nothing else.
    const CHAIN_LOCK: i64 = 0x1a0d_1710;
    match conn {
        DbConn::Postgres(c) => diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(CHAIN_LOCK)
            .execute(c)
            .map(drop),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Appends an event. Call it inside the write transaction of the change it records, so the
/// change and its record commit together or not at all.
pub fn record(conn: &mut DbConn, event: Event<'_>) -> QueryResult<()> {
    lock_chain(conn)?;
    let last: Option<(i64, String)> = audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first(conn)
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let details = event.details.to_string();
    let (object_type, object_id) = match &event.object {
        Some((kind, id)) => (Some(*kind), Some(id.as_str())),
        None => (None, None),
    };
    let sealed = Sealed {
        seq,
        occurred_at: crate::models::now(),
        actor_id: event.actor.id.map(|u| u.0),
        actor: &event.actor.label,
        action: event.action,
        object_type,
        object_id,
        details: &details,
        address: event.address.as_deref(),
        prev_hash: &prev_hash,
    };
    let hash = sealed.hash();
    diesel::insert_into(audit_log::table)
        .values(NewAuditRow {
            seq,
            occurred_at: sealed.occurred_at,
            actor_id: event.actor.id,
            actor: sealed.actor,
            action: sealed.action,
            object_type,
            object_id,
            details: &details,
            address: sealed.address,
            prev_hash: &prev_hash,
            hash: &hash,
        })
        .execute(conn)
        .map(drop)
}

/// What `verify` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact { entries: i64, last_hash: String },
    Broken { seq: i64, id: AuditId, reason: String },
}

/// Walks the chain from the first entry and names the first broken link.
pub fn verify(conn: &mut DbConn) -> QueryResult<Verdict> {
    const BATCH: i64 = 1000;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS.to_owned();
    loop {
        let rows: Vec<AuditRow> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(BATCH)
            .select(AuditRow::as_select())
            .load(conn)?;
        if rows.is_empty() {
            return Ok(Verdict::Intact {
                entries: expected_seq - 1,
                last_hash: prev_hash,
            });
        }
        for row in rows {
            let broken = |reason: String| {
                Ok(Verdict::Broken {
                    seq: row.seq,
                    id: row.id,
                    reason,
                })
            };
            if row.seq != expected_seq {
                return broken(format!(
                    "entry {expected_seq} is missing (the next one is {})",
                    row.seq
                ));
            }
            if row.prev_hash != prev_hash {
                return broken("its link to the previous entry does not match".to_owned());
            }
            if row.sealed().hash() != row.hash {
                return broken("its contents do not match its hash: it was altered".to_owned());
            }
            prev_hash = row.hash;
            expected_seq += 1;
        }
    }
}

/// Verifies the chain and keeps the verdict, so the administrators' home page can say when
/// the chain last held. `by` is who asked (none for the command line and the daily check).
pub fn check(conn: &mut DbConn, by: Option<UserId>, now: NaiveDateTime) -> QueryResult<Verdict> {
    use crate::db::schema::audit_checks;
    let verdict = verify(conn)?;
    let (entries, intact, broken_seq, reason) = match &verdict {
        Verdict::Intact { entries, .. } => (*entries, true, None, None),
        Verdict::Broken { seq, reason, .. } => (seq - 1, false, Some(*seq), Some(reason.as_str())),
    };
    diesel::insert_into(audit_checks::table)
        .values((
            audit_checks::checked_at.eq(now),
            audit_checks::entries.eq(entries),
            audit_checks::intact.eq(intact),
            audit_checks::broken_seq.eq(broken_seq),
            audit_checks::reason.eq(reason),
            audit_checks::checked_by.eq(by),
        ))
        .execute(conn)?;
    Ok(verdict)
}

/// When the chain was last verified, if ever.
pub fn last_checked_at(conn: &mut DbConn) -> QueryResult<Option<NaiveDateTime>> {
    use crate::db::schema::audit_checks;
    audit_checks::table
        .select(diesel::dsl::max(audit_checks::checked_at))
        .first(conn)
}

#[derive(Default)]
pub struct Search {
    pub text: String,
    pub action: String,
    pub page: i64,
}

pub const PAGE_SIZE: i64 = 50;

/// Newest first; `text` matches actor, action, object and details.
pub fn search(conn: &mut DbConn, s: &Search) -> QueryResult<(Vec<AuditRow>, i64)> {
    let filtered = || {
        let mut q = audit_log::table.into_boxed();
        if !s.action.is_empty() {
            q = q.filter(audit_log::action.eq(s.action.clone()));
        }
        if !s.text.is_empty() {
            let pattern = crate::db::contains_pattern(&s.text);
            q = q.filter(
                audit_log::actor
                    .like(pattern.clone())
                    .escape('\\')
                    .or(audit_log::action.like(pattern.clone()).escape('\\'))
                    .or(audit_log::object_id.like(pattern.clone()).escape('\\'))
                    .or(audit_log::details.like(pattern).escape('\\')),
            );
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order(audit_log::seq.desc())
        .offset(crate::db::page::offset(s.page, PAGE_SIZE))
        .limit(PAGE_SIZE)
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The actions recorded so far, for the filter.
pub fn actions(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    audit_log::table
        .select(audit_log::action)
        .distinct()
        .order(audit_log::action.asc())
        .load(conn)
}
