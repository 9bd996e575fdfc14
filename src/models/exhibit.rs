//! Exhibits and their custody log (DESIGN §5). Every read takes the viewer and applies the
//! exhibit's visibility in the query itself, so a party never learns that a hidden exhibit
//! exists: not from a list, a count, a download or a fingerprint check.

use super::user::User;
use crate::db::schema::{bundles, cases, custody_events, exhibits, users};
use crate::db::{DbConn, MultiBackend};
use crate::domain::{Audience, CustodyAction, ExhibitNumber, Fingerprint, Role, Side, Visibility};
use crate::models::id::{CaseId, CustodyId, EventId, ExhibitId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};

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

impl Viewer {
    /// Whether the viewer may know of a bundle made for `audience`: the office and the panel
    /// of every one, a party of its own side's and the parties' one, a bundle's audience of
    /// the parties' one and its own sides'.
    pub fn sees_bundles_for(self, audience: Audience) -> bool {
        match self {
            Viewer::Inside => true,
            Viewer::Party {
                complainant,
                respondent,
                ..
            } => audience.within((complainant, respondent)),
            Viewer::Sides {
                complainant,
                respondent,
            } => audience == Audience::Parties || audience.within((complainant, respondent)),
        }
    }
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
    pub id: ExhibitId,
    pub case_id: CaseId,
    pub number: i32,
    pub side: Side,
    pub title: String,
    pub description: String,
    pub visibility: Visibility,
    pub file_name: String,
    pub content_type: String,
    pub extension: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: UserId,
    pub uploaded_at: NaiveDateTime,
    pub supports_event_id: Option<EventId>,
    pub supersedes_id: Option<ExhibitId>,
    pub superseded_by_id: Option<ExhibitId>,
}

impl ExhibitRow {
    pub fn visibility(&self) -> Visibility {
        self.visibility
    }

    pub fn side(&self) -> Side {
        self.side
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
    pub uploader_role: Role,
}

/// The case's exhibits the viewer may see, by number.
pub fn of_case(conn: &mut DbConn, case: CaseId, viewer: Viewer) -> QueryResult<Vec<ExhibitView>> {
    let rows: Vec<(ExhibitRow, String, Role)> = visible(case, viewer)
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
    let row: Option<(ExhibitRow, String, Role)> = visible(case, viewer)
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
    pub supports: Option<EventId>,
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
    const UPSERT: &str = "INSERT INTO exhibit_counters (case_id, side, issued) VALUES (?, ?, 1) \
         ON CONFLICT (case_id, side) DO UPDATE SET issued = exhibit_counters.issued + 1 \
         RETURNING issued";
    let sql = crate::db::sql::for_backend(UPSERT, conn).into_owned();
    let issued = match conn {
        DbConn::Postgres(c) => diesel::sql_query(sql)
            .bind::<BigInt, _>(case.0)
            .bind::<diesel::sql_types::Text, _>(side.as_str())
            .get_result::<Issued>(c)?,
        DbConn::Sqlite(c) => diesel::sql_query(sql)
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
            exhibit: row.id,
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
    pub id: CustodyId,
    pub exhibit_id: ExhibitId,
    pub action: CustodyAction,
    pub actor_id: Option<UserId>,
    pub actor_name: String,
    pub actor_role: String,
    pub at: NaiveDateTime,
    pub address: Option<String>,
    pub details: String,
}

impl CustodyRow {
    /// The entry as this viewer may read it, or `None` if they may not see it at all: the one
    /// rule for every custody log a reader gets (an exhibit's page, both CSVs, a bundle's log
    /// and index). Nothing in what the viewer sees refers to something they may not see:
    /// - an entry of an exhibit the viewer may not see is not shown;
    /// - `superseded` by an exhibit the viewer may not see is not shown: to them the exhibit
    ///   is current, as its status says;
    /// - an entry naming a bundle (`bundled`, `downloaded` from a bundle) whose audience the
    ///   viewer may not see is not shown, so neither its id nor its audience reaches them;
    /// - `uploaded` as the correction of an exhibit the viewer may not see corrects nothing;
    /// - a party sees the source addresses of its own actions only, a bundle's audience none.
    ///
    /// The office and the panel see every entry whole.
    pub fn as_seen_by(&self, sight: &Sight) -> Option<CustodyRow> {
        if !sight.sees_exhibit(self.exhibit_id) {
            return None;
        }
        let reader = match sight.viewer {
            Viewer::Inside => return Some(self.clone()),
            Viewer::Party { user, .. } => Some(user),
            Viewer::Sides { .. } => None,
        };
        // Details that cannot be read cannot be shown to refer to nothing hidden.
        let mut details: serde_json::Value = serde_json::from_str(&self.details).ok()?;
        if let Some(bundle) = details.get("bundle")
            && !bundle.as_str().is_some_and(|b| sight.sees_bundle(b))
        {
            return None;
        }
        // Every action is named, so that a new one has to say what it refers to.
        match self.action {
            CustodyAction::Superseded => {
                let by = details.get("by").and_then(serde_json::Value::as_i64)?;
                if !sight.sees_number(by) {
                    return None;
                }
            }
            CustodyAction::Uploaded => {
                if let Some(old) = details.get("supersedes").and_then(serde_json::Value::as_i64)
                    && !sight.sees_exhibit(ExhibitId(old))
                {
                    details["supersedes"] = serde_json::Value::Null;
                }
            }
            CustodyAction::Downloaded | CustodyAction::Bundled | CustodyAction::VisibilityChanged => {}
        }
        let own = reader.is_some_and(|r| self.actor_id == Some(r));
        Some(CustodyRow {
            address: self.address.clone().filter(|_| own),
            details: details.to_string(),
            ..self.clone()
        })
    }
}

/// What a viewer may see of a case, against which each custody entry is read.
pub struct Sight {
    viewer: Viewer,
    /// The exhibits the viewer may see: (id, number).
    exhibits: Vec<(ExhibitId, i32)>,
    /// The case's bundles: (public id, audience as stored).
    bundles: Vec<(String, String)>,
}

impl Sight {
    pub fn load(conn: &mut DbConn, case: CaseId, viewer: Viewer) -> QueryResult<Sight> {
        Ok(Sight {
            viewer,
            exhibits: visible(case, viewer)
                .select((exhibits::id, exhibits::number))
                .load(conn)?,
            bundles: bundles::table
                .filter(bundles::case_id.eq(case.0))
                .select((bundles::public_id, bundles::audience))
                .load(conn)?,
        })
    }

    fn sees_exhibit(&self, id: ExhibitId) -> bool {
        self.exhibits.iter().any(|(e, _)| *e == id)
    }

    fn sees_number(&self, number: i64) -> bool {
        self.exhibits.iter().any(|(_, n)| i64::from(*n) == number)
    }

    /// A bundle unknown, or of an unknown audience, is not seen.
    fn sees_bundle(&self, public_id: &str) -> bool {
        self.bundles
            .iter()
            .find(|(id, _)| id == public_id)
            .and_then(|(_, audience)| Audience::parse(audience))
            .is_some_and(|a| self.viewer.sees_bundles_for(a))
    }
}

/// The custody log of the given exhibits as the viewer may read it, oldest first: each entry
/// through [`CustodyRow::as_seen_by`].
pub fn custody_seen_by(
    conn: &mut DbConn,
    case: CaseId,
    viewer: Viewer,
    ids: &[ExhibitId],
) -> QueryResult<Vec<CustodyRow>> {
    let sight = Sight::load(conn, case, viewer)?;
    Ok(custody_of(conn, ids)?
        .iter()
        .filter_map(|r| r.as_seen_by(&sight))
        .collect())
}

/// The custody log of the given exhibits, whole, oldest first.
fn custody_of(conn: &mut DbConn, ids: &[ExhibitId]) -> QueryResult<Vec<CustodyRow>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(exhibit: i64, action: &str, actor: Option<i64>, details: serde_json::Value) -> CustodyRow {
        CustodyRow {
            id: CustodyId(1),
            exhibit_id: ExhibitId(exhibit),
            action: CustodyAction::parse(action).unwrap(),
            actor_id: actor.map(UserId),
            actor_name: "someone".to_owned(),
            actor_role: "complainant".to_owned(),
            at: chrono::DateTime::UNIX_EPOCH.naive_utc(),
            address: Some("192.0.2.7".to_owned()),
            details: details.to_string(),
        }
    }

    /// Exhibits 1 (1001) and 2 (1002) in sight; 5 (1005) is not. One bundle per audience.
    fn sight(viewer: Viewer) -> Sight {
        Sight {
            viewer,
            exhibits: vec![(ExhibitId(1), 1001), (ExhibitId(2), 1002)],
            bundles: ["office", "parties", "complainant", "respondent"]
                .map(|a| (format!("b-{a}"), a.to_owned()))
                .to_vec(),
        }
    }

    const RESPONDENT: Viewer = Viewer::Party {
        user: UserId(20),
        complainant: false,
        respondent: true,
    };

    fn seen(viewer: Viewer, row: &CustodyRow) -> Option<serde_json::Value> {
        row.as_seen_by(&sight(viewer))
            .map(|r| serde_json::from_str(&r.details).unwrap())
    }

    #[test]
    fn a_correction_the_viewer_may_not_see_is_not_in_its_log() {
        let hidden = entry(1, "superseded", Some(10), serde_json::json!({ "by": 1005 }));
        let shown = entry(1, "superseded", Some(10), serde_json::json!({ "by": 1002 }));
        assert_eq!(seen(RESPONDENT, &hidden), None);
        assert_eq!(seen(RESPONDENT, &shown), Some(serde_json::json!({ "by": 1002 })));
        assert!(seen(Viewer::Inside, &hidden).is_some(), "the office sees it");
        // An upload correcting an exhibit out of sight corrects nothing, to this viewer.
        let upload = entry(
            2,
            "uploaded",
            Some(10),
            serde_json::json!({ "supersedes": 5, "size": 3 }),
        );
        assert_eq!(
            seen(RESPONDENT, &upload),
            Some(serde_json::json!({ "supersedes": null, "size": 3 }))
        );
        assert_eq!(seen(Viewer::Inside, &upload).unwrap()["supersedes"], 5);
        // Nor is anything of an exhibit out of sight.
        assert_eq!(
            seen(RESPONDENT, &entry(5, "uploaded", Some(20), serde_json::json!({}))),
            None
        );
    }

    #[test]
    fn a_bundle_is_named_only_to_whom_its_audience_is_visible() {
        let visible = |viewer: Viewer| -> Vec<&str> {
            ["office", "parties", "complainant", "respondent"]
                .into_iter()
                .filter(|a| {
                    let bundled = entry(
                        1,
                        "bundled",
                        None,
                        serde_json::json!({ "bundle": format!("b-{a}"), "audience": a }),
                    );
                    let downloaded = entry(
                        1,
                        "downloaded",
                        Some(10),
                        serde_json::json!({ "bundle": format!("b-{a}") }),
                    );
                    let (b, d) = (seen(viewer, &bundled), seen(viewer, &downloaded));
                    assert_eq!(b.is_some(), d.is_some(), "{a}");
                    b.is_some()
                })
                .collect()
        };
        assert_eq!(
            visible(Viewer::Inside),
            ["office", "parties", "complainant", "respondent"]
        );
        assert_eq!(visible(RESPONDENT), ["parties", "respondent"]);
        let respondents_bundle = Viewer::Sides {
            complainant: false,
            respondent: true,
        };
        assert_eq!(visible(respondents_bundle), ["parties", "respondent"]);
        let parties_bundle = Viewer::Sides {
            complainant: false,
            respondent: false,
        };
        assert_eq!(visible(parties_bundle), ["parties"]);
        // A bundle not of the case is not shown either.
        let unknown = entry(1, "bundled", None, serde_json::json!({ "bundle": "elsewhere" }));
        assert_eq!(seen(RESPONDENT, &unknown), None);
    }

    #[test]
    fn a_party_sees_the_address_of_its_own_actions_and_a_bundle_none() {
        let theirs = entry(1, "downloaded", Some(10), serde_json::json!({}));
        let mine = entry(1, "downloaded", Some(20), serde_json::json!({}));
        let address = |viewer: Viewer, row: &CustodyRow| row.as_seen_by(&sight(viewer)).unwrap().address;
        assert_eq!(address(RESPONDENT, &theirs), None);
        assert_eq!(address(RESPONDENT, &mine).as_deref(), Some("192.0.2.7"));
        assert_eq!(address(Viewer::Inside, &theirs).as_deref(), Some("192.0.2.7"));
        let bundle = Viewer::Sides {
            complainant: false,
            respondent: true,
        };
        assert_eq!(address(bundle, &mine), None);
    }
}
