//! Evidence bundles and their build jobs (DESIGN §6). A bundle's row is its job: requested,
//! claimed by one app server's builder under a lease that it renews with each progress
//! update, and finished or failed. A builder that dies leaves a lease that runs out; the job
//! is then claimed again, and the dead builder's late writes are refused because they name
//! an earlier attempt.

use super::exhibit::{self, ExhibitView, Viewer};
use crate::db::DbConn;
use crate::db::schema::{bundle_exhibits, bundles, cases, users};
use crate::domain::{Audience, BundleStatus, Lang};
use crate::models::id::{BundleId, CaseId, ExhibitId, UserId};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = bundles)]
pub struct BundleRow {
    pub id: BundleId,
    pub public_id: String,
    pub case_id: CaseId,
    pub audience: Audience,
    pub language: Lang,
    pub status: BundleStatus,
    pub requested_by: UserId,
    pub requested_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
    pub lease_until: Option<NaiveDateTime>,
    pub attempts: i32,
    pub files_total: i64,
    pub files_done: i64,
    pub bytes_total: i64,
    pub bytes_done: i64,
    pub file_name: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    pub error: Option<String>,
    /// What the bundle holds, as [`crate::bundle::build::content_key`] says; `None` for one
    /// queued without it.
    pub content_key: Option<String>,
    /// When its file was deleted, after the retention period.
    pub file_deleted_at: Option<NaiveDateTime>,
}

impl BundleRow {
    pub fn audience(&self) -> Audience {
        self.audience
    }

    pub fn status(&self) -> BundleStatus {
        self.status
    }

    pub fn language(&self) -> Lang {
        self.language
    }

    /// How far the build is, by bytes, in whole percent.
    pub fn percent(&self) -> i64 {
        if self.bytes_total > 0 {
            self.bytes_done * 100 / self.bytes_total
        } else {
            0
        }
    }

    /// Built, and its file still kept.
    pub fn downloadable(&self) -> bool {
        self.status() == BundleStatus::Done && self.file_deleted_at.is_none()
    }
}

/// The exhibits an audience's bundle holds.
pub fn viewer_for(audience: Audience) -> Viewer {
    match audience.sides() {
        None => Viewer::Inside,
        Some((complainant, respondent)) => Viewer::Sides {
            complainant,
            respondent,
        },
    }
}

/// The exhibits an audience's bundle of the case holds, as the builder reads them.
pub fn exhibits_for(conn: &mut DbConn, case: CaseId, audience: Audience) -> QueryResult<Vec<ExhibitView>> {
    exhibit::of_case(conn, case, viewer_for(audience))
}

/// Queues a bundle; its builder is woken by the caller after the commit.
pub fn request(
    conn: &mut DbConn,
    case: CaseId,
    audience: Audience,
    language: Lang,
    by: UserId,
    content_key: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<BundleRow> {
    let public_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(bundles::table)
        .values((
            bundles::public_id.eq(&public_id),
            bundles::case_id.eq(case.0),
            bundles::audience.eq(audience.as_str()),
            bundles::language.eq(language.code()),
            bundles::status.eq(BundleStatus::Queued.as_str()),
            bundles::requested_by.eq(by.0),
            bundles::requested_at.eq(now),
            bundles::content_key.eq(content_key),
        ))
        .execute(conn)?;
    bundles::table
        .filter(bundles::public_id.eq(public_id))
        .select(BundleRow::as_select())
        .first(conn)
}

/// The case's newest bundle with this content that is waiting, being built, or built with
/// its file kept: a request for the same content gets it.
pub fn reusable(conn: &mut DbConn, case: CaseId, content_key: &str) -> QueryResult<Option<BundleRow>> {
    bundles::table
        .filter(bundles::case_id.eq(case.0))
        .filter(bundles::content_key.eq(content_key.to_owned()))
        .filter(
            bundles::status
                .eq_any([BundleStatus::Queued.as_str(), BundleStatus::Building.as_str()])
                .or(bundles::status
                    .eq(BundleStatus::Done.as_str())
                    .and(bundles::file_deleted_at.is_null())),
        )
        .order(bundles::id.desc())
        .select(BundleRow::as_select())
        .first(conn)
        .optional()
}

/// Whose requests a limit counts.
#[derive(Clone, Copy)]
pub enum Requester {
    User(UserId),
    Case(CaseId),
}

/// Holds the requester's and the case's rows until the transaction ends, so that two requests
/// at once are counted against the limits (and for reuse) one after the other. SQLite's write
/// transactions are serial already.
pub fn lock_requesters(conn: &mut DbConn, user: UserId, case: CaseId) -> QueryResult<()> {
    // Always the user first, then the case: two requests never wait for each other in turn.
    match conn {
        DbConn::Postgres(c) => {
            users::table
                .find(user.0)
                .select(users::id)
                .for_update()
                .load::<i64>(c)?;
            cases::table
                .find(case.0)
                .select(cases::id)
                .for_update()
                .load::<i64>(c)?;
        }
        DbConn::Sqlite(_) => {}
    }
    Ok(())
}

/// How many bundles were requested since then (by the user, or of the case), and when the
/// first of them was.
pub fn requested_since(
    conn: &mut DbConn,
    by: Requester,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let recent = bundles::table
        .filter(bundles::requested_at.gt(since))
        .into_boxed();
    let recent = match by {
        Requester::User(user) => recent.filter(bundles::requested_by.eq(user.0)),
        Requester::Case(case) => recent.filter(bundles::case_id.eq(case.0)),
    };
    recent
        .select((diesel::dsl::count_star(), diesel::dsl::min(bundles::requested_at)))
        .first(conn)
}

/// Built bundles finished before then whose files are still kept, a hundred at a time.
pub fn expired(conn: &mut DbConn, finished_before: NaiveDateTime) -> QueryResult<Vec<BundleRow>> {
    bundles::table
        .filter(bundles::status.eq(BundleStatus::Done.as_str()))
        .filter(bundles::file_deleted_at.is_null())
        .filter(bundles::finished_at.lt(finished_before))
        .order(bundles::id.asc())
        .limit(100)
        .select(BundleRow::as_select())
        .load(conn)
}

/// Every built bundle whose file is kept: (public id, SHA-256), oldest first.
pub fn kept_files(conn: &mut DbConn) -> QueryResult<Vec<(String, Option<String>)>> {
    bundles::table
        .filter(bundles::status.eq(BundleStatus::Done.as_str()))
        .filter(bundles::file_deleted_at.is_null())
        .order(bundles::id.asc())
        .select((bundles::public_id, bundles::sha256))
        .load(conn)
}

/// Records that the bundle's file was deleted; `false` if another server did first.
pub fn mark_file_deleted(conn: &mut DbConn, id: BundleId, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(bundles::table.find(id).filter(bundles::file_deleted_at.is_null()))
        .set(bundles::file_deleted_at.eq(now))
        .execute(conn)?;
    Ok(n == 1)
}

/// A bundle of the case by its public id, whoever asks: the caller decides access by its
/// audience.
pub fn find(conn: &mut DbConn, case: CaseId, public_id: &str) -> QueryResult<Option<BundleRow>> {
    bundles::table
        .filter(bundles::case_id.eq(case.0))
        .filter(bundles::public_id.eq(public_id.to_owned()))
        .select(BundleRow::as_select())
        .first(conn)
        .optional()
}

/// The case's bundles for these audiences, newest first, with who asked for each.
pub fn of_case(
    conn: &mut DbConn,
    case: CaseId,
    audiences: &[Audience],
) -> QueryResult<Vec<(BundleRow, String)>> {
    let names: Vec<&str> = audiences.iter().map(|a| a.as_str()).collect();
    bundles::table
        .inner_join(users::table.on(users::id.eq(bundles::requested_by)))
        .filter(bundles::case_id.eq(case.0))
        .filter(bundles::audience.eq_any(names))
        .order(bundles::id.desc())
        .select((BundleRow::as_select(), users::name))
        .load(conn)
}

/// A claimed job: the row and the attempt that holds it.
pub struct Claim {
    pub bundle: BundleRow,
    pub attempt: i32,
}

/// Takes the oldest job that is queued, or whose builder's lease ran out. Two servers may
/// pick the same row; the guarded update lets exactly one of them have it.
pub fn claim(conn: &mut DbConn, now: NaiveDateTime, lease: TimeDelta) -> QueryResult<Option<Claim>> {
    let claimable = bundles::status
        .eq(BundleStatus::Queued.as_str())
        .or(bundles::status
            .eq(BundleStatus::Building.as_str())
            .and(bundles::lease_until.lt(now)));
    let Some(row) = bundles::table
        .filter(claimable)
        .order(bundles::id.asc())
        .select(BundleRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let attempt = row.attempts + 1;
    let taken = diesel::update(
        bundles::table
            .find(row.id)
            .filter(bundles::attempts.eq(row.attempts))
            .filter(claimable),
    )
    .set((
        bundles::status.eq(BundleStatus::Building.as_str()),
        bundles::attempts.eq(attempt),
        bundles::lease_until.eq(now + lease),
        bundles::started_at.eq(row.started_at.unwrap_or(now)),
        bundles::files_done.eq(0),
        bundles::bytes_done.eq(0),
    ))
    .execute(conn)?;
    if taken == 0 {
        return Ok(None);
    }
    Ok(Some(Claim {
        bundle: find_by_id(conn, row.id)?,
        attempt,
    }))
}

fn find_by_id(conn: &mut DbConn, id: BundleId) -> QueryResult<BundleRow> {
    bundles::table.find(id).select(BundleRow::as_select()).first(conn)
}

/// The job, if this attempt still holds it.
macro_rules! held {
    ($claim:expr) => {
        bundles::table
            .filter(bundles::id.eq($claim.bundle.id))
            .filter(bundles::attempts.eq($claim.attempt))
            .filter(bundles::status.eq(BundleStatus::Building.as_str()))
    };
}

/// How far the build is, renewing the lease; `false` if the job is no longer this attempt's.
pub fn progress(
    conn: &mut DbConn,
    claim: &Claim,
    done: (i64, i64),
    total: (i64, i64),
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(held!(claim))
        .set((
            bundles::files_done.eq(done.0),
            bundles::bytes_done.eq(done.1),
            bundles::files_total.eq(total.0),
            bundles::bytes_total.eq(total.1),
            bundles::lease_until.eq(lease_until),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// What a finished build produced.
pub struct Built<'a> {
    pub file_name: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub exhibits: &'a [ExhibitId],
}

/// Marks the job done and records which exhibits the bundle holds; `false` if the job is no
/// longer this attempt's. Call inside the transaction that also writes the custody and
/// audit entries.
pub fn finish(conn: &mut DbConn, claim: &Claim, built: &Built<'_>, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(held!(claim))
        .set((
            bundles::status.eq(BundleStatus::Done.as_str()),
            bundles::finished_at.eq(now),
            bundles::lease_until.eq(None::<NaiveDateTime>),
            bundles::file_name.eq(built.file_name),
            bundles::size.eq(built.size),
            bundles::sha256.eq(built.sha256),
            bundles::files_done.eq(bundles::files_total),
            bundles::bytes_done.eq(bundles::bytes_total),
        ))
        .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    // One row at a time: diesel's multi-backend connection has no multi-row insert on SQLite.
    for e in built.exhibits {
        diesel::insert_into(bundle_exhibits::table)
            .values((
                bundle_exhibits::bundle_id.eq(claim.bundle.id),
                bundle_exhibits::exhibit_id.eq(e.0),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// Marks the job failed with the reason (for the office and the log, not for the page).
pub fn fail(conn: &mut DbConn, claim: &Claim, error: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(held!(claim))
        .set((
            bundles::status.eq(BundleStatus::Failed.as_str()),
            bundles::finished_at.eq(now),
            bundles::lease_until.eq(None::<NaiveDateTime>),
            bundles::error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// The exhibits a built bundle holds.
pub fn exhibits_of(conn: &mut DbConn, bundle: BundleId) -> QueryResult<Vec<ExhibitId>> {
    bundle_exhibits::table
        .filter(bundle_exhibits::bundle_id.eq(bundle))
        .select(bundle_exhibits::exhibit_id)
        .load(conn)
}
