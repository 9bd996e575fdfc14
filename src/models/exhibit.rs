//! Exhibits and their custody log (DESIGN §5). Every read takes the viewer and applies the
//! exhibit's visibility in the query itself, so a party never learns that a hidden exhibit
//! exists: not from a list, a count, a download or a fingerprint check.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

use super::case::CaseId;
use super::user::{User, UserId};
use crate::db::schema::{cases, custody_events, exhibits, users};
use crate::db::{DbConn, MultiBackend};
use crate::domain::{CustodyAction, ExhibitNumber, Fingerprint, Side, Visibility};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExhibitId(pub i64);

/// Who looks at a case's exhibits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// Office staff and the case's panel: every exhibit.
    Inside,
    /// A party: exhibits for both sides, their own side's, and what they filed themselves.
    Party {
        user: UserId,
        complainant: bool,
        respondent: bool,
    },
    /// A bundle's audience: what both sides may see, and the given sides' own exhibits.
    Sides { complainant: bool, respondent: bool },
}

/// The sides named, as stored: whose `own_side` exhibits a party or an audience sees.
fn sides(complainant: bool, respondent: bool) -> Vec<&'static str> {
    [
        complainant.then_some(Side::Complainant.as_str()),
        respondent.then_some(Side::Respondent.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

type Boxed = exhibits::BoxedQuery<'static, MultiBackend>;

/// The case's exhibits this viewer may see.
fn visible(case: CaseId, viewer: Viewer) -> Boxed {
    let q = exhibits::table.filter(exhibits::case_id.eq(case.0)).into_boxed();
    match viewer {
        Viewer::Inside => q,
        Viewer::Party {
            user,
            complainant,
            respondent,
        } => q.filter(
            exhibits::visibility
                .eq(Visibility::Parties.as_str())
                .or(exhibits::visibility
                    .eq(Visibility::OwnSide.as_str())
                    .and(exhibits::side.eq_any(sides(complainant, respondent))))
                // Whoever filed an exhibit knows it exists, whatever its visibility.
                .or(exhibits::uploaded_by.eq(user.0)),
        ),
        Viewer::Sides {
            complainant,
            respondent,
        } => q.filter(
            exhibits::visibility
                .eq(Visibility::Parties.as_str())
                .or(exhibits::visibility
                    .eq(Visibility::OwnSide.as_str())
                    .and(exhibits::side.eq_any(sides(complainant, respondent)))),
        ),
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = exhibits)]
pub struct ExhibitRow {
    pub id: i64,
    pub case_id: i64,
    pub number: i32,
    pub side: String,
    pub title: String,
    pub description: String,
    pub visibility: String,
    pub file_name: String,
    pub content_type: String,
    pub extension: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: i64,
    pub uploaded_at: NaiveDateTime,
    pub supports_event_id: Option<i64>,
    pub supersedes_id: Option<i64>,
    pub superseded_by_id: Option<i64>,
}

impl ExhibitRow {
    pub fn visibility(&self) -> Visibility {
        Visibility::parse(&self.visibility).unwrap_or(Visibility::Office)
    }

    pub fn side(&self) -> Side {
        Side::parse(&self.side).unwrap_or(Side::Office)
    }

    pub fn fingerprint(&self) -> Option<Fingerprint> {
        Fingerprint::parse(&self.sha256).ok()
    }

    pub fn is_current(&self) -> bool {
        self.superseded_by_id.is_none()
    }
}

/// An exhibit as lists show it: with who filed it.
#[derive(Debug, Clone)]
pub struct ExhibitView {
    pub row: ExhibitRow,
    pub uploader: String,
    pub uploader_role: String,
}

/// The case's exhibits the viewer may see, by number.
pub fn of_case(conn: &mut DbConn, case: CaseId, viewer: Viewer) -> QueryResult<Vec<ExhibitView>> {
    let rows: Vec<(ExhibitRow, String, String)> = visible(case, viewer)
        .inner_join(users::table.on(users::id.eq(exhibits::uploaded_by)))
        .order(exhibits::number.asc())
        .select((ExhibitRow::as_select(), users::name, users::role))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, uploader, uploader_role)| ExhibitView {
            row,
            uploader,
            uploader_role,
        })
        .collect())
}

/// One exhibit by number, if the viewer may see it.
pub fn find(
    conn: &mut DbConn,
    case: CaseId,
    number: ExhibitNumber,
    viewer: Viewer,
) -> QueryResult<Option<ExhibitView>> {
    let row: Option<(ExhibitRow, String, String)> = visible(case, viewer)
        .filter(exhibits::number.eq(number.get()))
        .inner_join(users::table.on(users::id.eq(exhibits::uploaded_by)))
        .select((ExhibitRow::as_select(), users::name, users::role))
        .first(conn)
        .optional()?;
    Ok(row.map(|(row, uploader, uploader_role)| ExhibitView {
        row,
        uploader,
        uploader_role,
    }))
}

/// The exhibits of the case, visible to the viewer, whose file has this fingerprint.
pub fn matching(
    conn: &mut DbConn,
    case: CaseId,
    viewer: Viewer,
    fingerprint: &Fingerprint,
) -> QueryResult<Vec<ExhibitRow>> {
    visible(case, viewer)
        .filter(exhibits::sha256.eq(fingerprint.as_str().to_owned()))
        .order(exhibits::number.asc())
        .select(ExhibitRow::as_select())
        .load(conn)
}

/// How many bytes the case's exhibits hold together, all of them: for the case's quota.
pub fn case_bytes(conn: &mut DbConn, case: CaseId) -> QueryResult<i64> {
    exhibits::table
        .filter(exhibits::case_id.eq(case.0))
        .select(diesel::dsl::sql::<BigInt>(
            "COALESCE(CAST(SUM(size) AS BIGINT), 0)",
        ))
        .get_result(conn)
}

/// An exhibit to record, its file already kept in the store.
pub struct NewExhibit<'a> {
    pub case: CaseId,
    pub side: Side,
    pub title: &'a str,
    pub description: &'a str,
    pub visibility: Visibility,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub extension: &'a str,
    pub size: u64,
    pub fingerprint: &'a Fingerprint,
    pub by: &'a User,
    pub supports: Option<i64>,
    /// The exhibit this one corrects; it must be current.
    pub supersedes: Option<ExhibitId>,
}

#[derive(Debug)]
pub enum AddError {
    /// The side has used all 999 of its numbers.
    SideFull,
    /// The exhibit to correct was corrected meanwhile.
    AlreadySuperseded,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for AddError {
    fn from(e: diesel::result::Error) -> Self {
        AddError::Db(e)
    }
}

#[derive(QueryableByName)]
struct Issued {
    #[diesel(sql_type = Integer)]
    issued: i32,
}

/// The next number for a side of a case: gap-free, because the counter is taken inside the
/// upload's transaction (a rollback gives it back), and safe under concurrent uploads (the
/// upsert locks the counter row on PostgreSQL; SQLite has one writer).
fn next_number(conn: &mut DbConn, case: CaseId, side: Side) -> Result<ExhibitNumber, AddError> {
    const UPSERT: &str = "INSERT INTO exhibit_counters (case_id, side, issued) VALUES ($1, $2, 1) \
         ON CONFLICT (case_id, side) DO UPDATE SET issued = exhibit_counters.issued + 1 \
         RETURNING issued";
    let issued = match conn {
        DbConn::Postgres(c) => diesel::sql_query(UPSERT)
            .bind::<BigInt, _>(case.0)
            .bind::<diesel::sql_types::Text, _>(side.as_str())
            .get_result::<Issued>(c)?,
        DbConn::Sqlite(c) => diesel::sql_query(UPSERT.replace("$1", "?").replace("$2", "?"))
            .bind::<BigInt, _>(case.0)
            .bind::<diesel::sql_types::Text, _>(side.as_str())
            .get_result::<Issued>(c)?,
    };
    ExhibitNumber::nth(side, issued.issued - 1).ok_or(AddError::SideFull)
}

/// Records an exhibit, its number and its custody entries ("uploaded", and "superseded" on
/// the exhibit it corrects). Call inside the upload's transaction.
pub fn add(
    conn: &mut DbConn,
    new: &NewExhibit<'_>,
    now: NaiveDateTime,
    address: Option<&str>,
) -> Result<ExhibitRow, AddError> {
    let number = next_number(conn, new.case, new.side)?;
    let id: i64 = diesel::insert_into(exhibits::table)
        .values((
            exhibits::case_id.eq(new.case.0),
            exhibits::number.eq(number.get()),
            exhibits::side.eq(new.side.as_str()),
            exhibits::title.eq(new.title),
            exhibits::description.eq(new.description),
            exhibits::visibility.eq(new.visibility.as_str()),
            exhibits::file_name.eq(new.file_name),
            exhibits::content_type.eq(new.content_type),
            exhibits::extension.eq(new.extension),
            exhibits::size.eq(i64::try_from(new.size).unwrap_or(i64::MAX)),
            exhibits::sha256.eq(new.fingerprint.as_str()),
            exhibits::uploaded_by.eq(new.by.id.0),
            exhibits::uploaded_at.eq(now),
            exhibits::supports_event_id.eq(new.supports),
            exhibits::supersedes_id.eq(new.supersedes.map(|e| e.0)),
        ))
        .returning(exhibits::id)
        .get_result(conn)?;
    let row: ExhibitRow = exhibits::table
        .find(id)
        .select(ExhibitRow::as_select())
        .first(conn)?;
    record(
        conn,
        &Custody {
            exhibit: ExhibitId(row.id),
            action: CustodyAction::Uploaded,
            actor: Some(new.by),
            address,
            details: serde_json::json!({
                "sha256": row.sha256,
                "size": row.size,
                "file_name": row.file_name,
                "content_type": row.content_type,
                "visibility": row.visibility,
                "supersedes": new.supersedes.map(|e| e.0),
            }),
        },
        now,
    )?;
    if let Some(old) = new.supersedes {
        let marked = diesel::update(
            exhibits::table
                .find(old.0)
                .filter(exhibits::case_id.eq(new.case.0))
                .filter(exhibits::superseded_by_id.is_null()),
        )
        .set(exhibits::superseded_by_id.eq(row.id))
        .execute(conn)?;
        if marked == 0 {
            return Err(AddError::AlreadySuperseded);
        }
        record(
            conn,
            &Custody {
                exhibit: old,
                action: CustodyAction::Superseded,
                actor: Some(new.by),
                address,
                details: serde_json::json!({ "by": row.number }),
            },
            now,
        )?;
    }
    Ok(row)
}

/// Changes who may see an exhibit; `false` if it already had that visibility.
pub fn set_visibility(conn: &mut DbConn, id: ExhibitId, to: Visibility) -> QueryResult<bool> {
    let changed = diesel::update(
        exhibits::table
            .find(id.0)
            .filter(exhibits::visibility.ne(to.as_str())),
    )
    .set(exhibits::visibility.eq(to.as_str()))
    .execute(conn)?;
    Ok(changed == 1)
}

/// One entry of an exhibit's custody log.
pub struct Custody<'a> {
    pub exhibit: ExhibitId,
    pub action: CustodyAction,
    /// `None` when the system acted.
    pub actor: Option<&'a User>,
    pub address: Option<&'a str>,
    pub details: serde_json::Value,
}

pub fn record(conn: &mut DbConn, entry: &Custody<'_>, now: NaiveDateTime) -> QueryResult<()> {
    let (id, name, role) = match entry.actor {
        Some(u) => (Some(u.id.0), u.name.as_str(), u.role.as_str()),
        None => (None, "ipdesk", "system"),
    };
    diesel::insert_into(custody_events::table)
        .values((
            custody_events::exhibit_id.eq(entry.exhibit.0),
            custody_events::action.eq(entry.action.as_str()),
            custody_events::actor_id.eq(id),
            custody_events::actor_name.eq(name),
            custody_events::actor_role.eq(role),
            custody_events::at.eq(now),
            custody_events::address.eq(entry.address),
            custody_events::details.eq(entry.details.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = custody_events)]
pub struct CustodyRow {
    pub id: i64,
    pub exhibit_id: i64,
    pub action: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub at: NaiveDateTime,
    pub address: Option<String>,
    pub details: String,
}

impl CustodyRow {
    /// The source address as a reader may see it: the office sees every address (`all`), a
    /// party only those of its own actions.
    pub fn address_for(&self, all: bool, reader: Option<UserId>) -> &str {
        let own = reader.is_some_and(|r| self.actor_id == Some(r.0));
        if all || own {
            self.address.as_deref().unwrap_or("")
        } else {
            ""
        }
    }
}

/// The custody log of the given exhibits, oldest first.
pub fn custody_of(conn: &mut DbConn, ids: &[ExhibitId]) -> QueryResult<Vec<CustodyRow>> {
    custody_events::table
        .filter(custody_events::exhibit_id.eq_any(ids.iter().map(|e| e.0).collect::<Vec<_>>()))
        .order(custody_events::id.asc())
        .select(CustodyRow::as_select())
        .load(conn)
}

/// An exhibit as the integrity scrub sees it.
pub struct Stored {
    pub case_no: Option<String>,
    pub number: i32,
    pub sha256: String,
    pub size: i64,
}

/// Every exhibit of every case, for the scrub.
pub fn all_stored(conn: &mut DbConn) -> QueryResult<Vec<Stored>> {
    let rows: Vec<(Option<String>, i32, String, i64)> = exhibits::table
        .inner_join(cases::table)
        .order((exhibits::sha256.asc(), exhibits::id.asc()))
        .select((cases::case_no, exhibits::number, exhibits::sha256, exhibits::size))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(case_no, number, sha256, size)| Stored {
            case_no,
            number,
            sha256,
            size,
        })
        .collect())
}
