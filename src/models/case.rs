//! Cases and their parties, notes and corrections. Every read that returns a case takes the
//! viewer's scope and applies it in the query itself.

use crate::db::DbConn;
use crate::db::schema::{case_changes, case_notes, case_rights, cases, panel_members, parties, users};
use crate::domain::{CaseNumber, NoteVisibility, Origin, Role, State, Track};
use crate::models::id::{CaseId, CitationId, NoteId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer};

/// Which cases someone may see, decided from their role (auth::policy) and applied in SQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseScope {
    /// The office: every filed case, and the drafts it started itself. A complainant's
    /// draft is theirs alone until they submit it.
    Office(UserId),
    OwnedBy(UserId),
    /// A respondent: the filed cases where their account is tied to a respondent party.
    RespondentIn(UserId),
    /// A mediator: the cases whose panel they sit on.
    PanelOf(UserId),
    Nothing,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: CaseId,
    pub draft_key: String,
    pub case_no: Option<String>,
    pub state: State,
    pub track: Track,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub ipc_class: Option<String>,
    pub damages_amount: Option<i64>,
    pub damages_currency: Option<String>,
    pub remedy: String,
    pub origin: Origin,
    pub origin_reference: Option<String>,
    pub complainant_user_id: Option<UserId>,
    pub created_by: UserId,
    pub assigned_officer_id: Option<UserId>,
    pub version: i32,
    pub filed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl CaseRow {
    pub fn state(&self) -> State {
        self.state
    }

    /// What the case form edits, as stored.
    pub fn fields(&self) -> CaseFields {
        CaseFields {
            track: self.track,
            kind: self.kind.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            ipc_class: self.ipc_class.clone(),
            damages_amount: self.damages_amount,
            damages_currency: self.damages_currency.clone(),
            remedy: self.remedy.clone(),
            origin: self.origin,
            origin_reference: self.origin_reference.clone(),
        }
    }
}

/// What a case form edits. A draft may leave any of it empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFields {
    pub track: Track,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub ipc_class: Option<String>,
    pub damages_amount: Option<i64>,
    pub damages_currency: Option<String>,
    pub remedy: String,
    pub origin: Origin,
    pub origin_reference: Option<String>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone, Default, PartialEq, Eq)]
#[diesel(table_name = parties, treat_none_as_null = true)]
pub struct PartyFields {
    pub side: String,
    pub position: i32,
    pub party_kind: String,
    pub name: String,
    pub registration_no: Option<String>,
    pub size: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub counsel_name: Option<String>,
    pub counsel_firm: Option<String>,
    pub counsel_email: Option<String>,
    pub country: Option<String>,
}

/// Lower-cased text the search looks in: number, title, description, party names.
fn search_text(case_no: Option<&str>, f: &CaseFields, parties: &[PartyFields]) -> String {
    let mut text = String::new();
    for part in [case_no.unwrap_or(""), &f.title, &f.description] {
        text.push_str(part);
        text.push('\n');
    }
    for p in parties {
        text.push_str(&p.name);
        text.push('\n');
        if let Some(reg) = &p.registration_no {
            text.push_str(reg);
            text.push('\n');
        }
    }
    text.to_lowercase()
}

pub fn create_draft(
    conn: &mut DbConn,
    draft_key: &str,
    owner: Option<UserId>,
    created_by: UserId,
    f: &CaseFields,
    parties_: &[PartyFields],
) -> QueryResult<CaseId> {
    let now = super::now();
    diesel::insert_into(cases::table)
        .values((
            cases::draft_key.eq(draft_key),
            cases::state.eq(State::Draft.as_str()),
            cases::track.eq(f.track.as_str()),
            cases::kind.eq(&f.kind),
            cases::title.eq(&f.title),
            cases::description.eq(&f.description),
            cases::ipc_class.eq(&f.ipc_class),
            cases::damages_amount.eq(f.damages_amount),
            cases::damages_currency.eq(&f.damages_currency),
            cases::remedy.eq(&f.remedy),
            cases::origin.eq(f.origin.as_str()),
            cases::origin_reference.eq(&f.origin_reference),
            cases::complainant_user_id.eq(owner.map(|u| u.0)),
            cases::created_by.eq(created_by.0),
            cases::search_text.eq(search_text(None, f, parties_)),
            cases::created_at.eq(now),
            cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    let id = cases::table
        .filter(cases::draft_key.eq(draft_key))
        .select(cases::id)
        .first(conn)?;
    replace_parties(conn, CaseId(id), parties_)?;
    Ok(CaseId(id))
}

/// Makes the case's parties those of `list`, changing each party in place (matched by side
/// and position) so that what hangs off a party (a respondent's account, answers to a
/// proposal) stays with it.
fn replace_parties(conn: &mut DbConn, id: CaseId, list: &[PartyFields]) -> QueryResult<()> {
    let existing: Vec<(i64, String, i32)> = parties::table
        .filter(parties::case_id.eq(id.0))
        .select((parties::id, parties::side, parties::position))
        .load(conn)?;
    for (party_id, side, position) in &existing {
        if !list.iter().any(|p| &p.side == side && p.position == *position) {
            diesel::delete(parties::table.find(party_id)).execute(conn)?;
        }
    }
    for p in list {
        match existing
            .iter()
            .find(|(_, side, position)| *side == p.side && *position == p.position)
        {
            Some((party_id, _, _)) => {
                diesel::update(parties::table.find(party_id))
                    .set(p)
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(parties::table)
                    .values((parties::case_id.eq(id.0), p))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Saves the form into the case (its parties replaced), bumping the version, if it is still
/// at `expected_version`; `false` if someone changed it since.
pub fn update(
    conn: &mut DbConn,
    id: CaseId,
    case_no: Option<&str>,
    f: &CaseFields,
    list: &[PartyFields],
    expected_version: i32,
) -> QueryResult<bool> {
    let updated = diesel::update(
        cases::table
            .find(id.0)
            .filter(cases::version.eq(expected_version)),
    )
    .set((
        cases::track.eq(f.track.as_str()),
        cases::kind.eq(&f.kind),
        cases::title.eq(&f.title),
        cases::description.eq(&f.description),
        cases::ipc_class.eq(&f.ipc_class),
        cases::damages_amount.eq(f.damages_amount),
        cases::damages_currency.eq(&f.damages_currency),
        cases::remedy.eq(&f.remedy),
        cases::origin.eq(f.origin.as_str()),
        cases::origin_reference.eq(&f.origin_reference),
        cases::search_text.eq(search_text(case_no, f, list)),
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(false);
    }
    replace_parties(conn, id, list)?;
    Ok(true)
}

#[derive(QueryableByName)]
struct Seq {
    #[diesel(sql_type = Integer)]
    last_seq: i32,
}

/// The next number of the year: gap-free, because the counter row is taken inside the
/// filing transaction (a rollback gives the number back), and safe under concurrent filings
/// (the upsert locks the year's row on PostgreSQL; SQLite has one writer).
fn next_number(conn: &mut DbConn, year: i32) -> QueryResult<CaseNumber> {
    const UPSERT: &str = "INSERT INTO filing_counters (year, last_seq) VALUES (?, 1) \
         ON CONFLICT (year) DO UPDATE SET last_seq = filing_counters.last_seq + 1 RETURNING last_seq";
    let sql = crate::db::sql::for_backend(UPSERT, conn).into_owned();
    let seq = match conn {
        DbConn::Postgres(c) => diesel::sql_query(sql)
            .bind::<Integer, _>(year)
            .get_result::<Seq>(c)?,
        DbConn::Sqlite(c) => diesel::sql_query(sql)
            .bind::<Integer, _>(year)
            .get_result::<Seq>(c)?,
    };
    Ok(CaseNumber {
        year,
        seq: seq.last_seq,
    })
}

/// Files a draft: number, filing time, state. `None` if it was no longer a draft (a second
/// submission of the same form).
/// Files a draft under the next number of `year` (the office's year at `now`: a complaint
/// filed on 1 January at 08:00 in Seoul is the new year's, though it is still 31 December in
/// UTC).
pub fn file(
    conn: &mut DbConn,
    id: CaseId,
    now: NaiveDateTime,
    year: i32,
    f: &CaseFields,
    list: &[PartyFields],
) -> QueryResult<Option<CaseNumber>> {
    let still_draft: bool = diesel::select(diesel::dsl::exists(
        cases::table
            .find(id.0)
            .filter(cases::state.eq(State::Draft.as_str())),
    ))
    .get_result(conn)?;
    if !still_draft {
        return Ok(None);
    }
    let number = next_number(conn, year)?;
    let case_no = number.to_string();
    let filed = diesel::update(
        cases::table
            .find(id.0)
            .filter(cases::state.eq(State::Draft.as_str())),
    )
    .set((
        cases::state.eq(State::Filed.as_str()),
        cases::case_no.eq(&case_no),
        cases::filing_year.eq(number.year),
        cases::filing_seq.eq(number.seq),
        cases::filed_at.eq(now),
        cases::search_text.eq(search_text(Some(&case_no), f, list)),
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok((filed == 1).then_some(number))
}

pub(super) fn scoped(scope: CaseScope) -> cases::BoxedQuery<'static, crate::db::MultiBackend> {
    let q = cases::table.into_boxed();
    match scope {
        CaseScope::Office(me) => q.filter(
            cases::state
                .ne(State::Draft.as_str())
                .or(cases::created_by.eq(me.0)),
        ),
        CaseScope::OwnedBy(u) => q.filter(cases::complainant_user_id.eq(u.0)),
        CaseScope::RespondentIn(u) => q.filter(cases::state.ne(State::Draft.as_str())).filter(
            cases::id.eq_any(
                parties::table
                    .filter(parties::user_id.eq(u.0))
                    .filter(parties::side.eq("respondent"))
                    .select(parties::case_id),
            ),
        ),
        CaseScope::PanelOf(u) => q.filter(
            cases::id.eq_any(
                panel_members::table
                    .filter(panel_members::mediator_id.eq(u.0))
                    .select(panel_members::case_id),
            ),
        ),
        CaseScope::Nothing => q.filter(diesel::dsl::sql::<Bool>("1 = 0")),
    }
}

/// A case by id, whoever asks: for the workflow, after access was decided.
pub fn find_by_id(conn: &mut DbConn, id: CaseId) -> QueryResult<Option<CaseRow>> {
    cases::table
        .find(id.0)
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// A filed case by number, if the viewer may see it.
pub fn find_by_number(
    conn: &mut DbConn,
    scope: CaseScope,
    case_no: &CaseNumber,
) -> QueryResult<Option<CaseRow>> {
    scoped(scope)
        .filter(cases::case_no.eq(case_no.to_string()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// A draft by its key, if the viewer may see it.
pub fn find_draft(conn: &mut DbConn, scope: CaseScope, key: &str) -> QueryResult<Option<CaseRow>> {
    scoped(scope)
        .filter(cases::draft_key.eq(key.to_owned()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Whether any case, draft or filed, whoever's, holds this key: a key that is not the
/// viewer's must not be taken for a new one.
pub fn draft_key_taken(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
    cases::table
        .filter(cases::draft_key.eq(key))
        .select(cases::id)
        .first::<i64>(conn)
        .optional()
        .map(|found| found.is_some())
}

/// Deletes a draft that was never filed, with its parties and citations (a stub it alone
/// cited goes with it). `false` if it is not such a draft (any more).
pub fn delete_draft(conn: &mut DbConn, id: CaseId) -> QueryResult<bool> {
    let links: Vec<CitationId> = case_rights::table
        .filter(case_rights::case_id.eq(id.0))
        .select(case_rights::id)
        .load(conn)?;
    for link in links {
        super::right::unlink(conn, id, link, None)?;
    }
    let deleted = diesel::delete(
        cases::table
            .find(id.0)
            .filter(cases::state.eq(State::Draft.as_str()))
            .filter(cases::case_no.is_null()),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

pub fn parties_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<PartyFields>> {
    parties::table
        .filter(parties::case_id.eq(id.0))
        .order((parties::side.asc(), parties::position.asc()))
        .select(PartyFields::as_select())
        .load(conn)
}

/// Records one corrected field: who, when, old → new.
pub fn record_change(
    conn: &mut DbConn,
    id: CaseId,
    actor: UserId,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(case_changes::table)
        .values((
            case_changes::case_id.eq(id.0),
            case_changes::actor_id.eq(actor.0),
            case_changes::field.eq(field),
            case_changes::old_value.eq(old),
            case_changes::new_value.eq(new),
            case_changes::changed_at.eq(super::now()),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Queryable, Debug, Clone)]
pub struct ChangeView {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub changed_at: NaiveDateTime,
    pub actor: String,
}

pub fn changes_of(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<ChangeView>> {
    case_changes::table
        .inner_join(users::table.on(users::id.eq(case_changes::actor_id)))
        .filter(case_changes::case_id.eq(id.0))
        .order(case_changes::id.desc())
        .select((
            case_changes::field,
            case_changes::old_value,
            case_changes::new_value,
            case_changes::changed_at,
            users::name,
        ))
        .load(conn)
}

pub fn add_note(
    conn: &mut DbConn,
    id: CaseId,
    author: UserId,
    visibility: NoteVisibility,
    body: &str,
) -> QueryResult<()> {
    diesel::insert_into(case_notes::table)
        .values((
            case_notes::case_id.eq(id.0),
            case_notes::author_id.eq(author.0),
            case_notes::visibility.eq(visibility.as_str()),
            case_notes::body.eq(body),
            case_notes::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Queryable, Debug, Clone)]
pub struct NoteView {
    pub id: NoteId,
    pub visibility: NoteVisibility,
    pub body: String,
    pub created_at: NaiveDateTime,
    pub author: String,
    pub author_role: Role,
}

/// The notes the viewer may read: internal ones only for the office and panel.
pub fn notes_of(conn: &mut DbConn, id: CaseId, include_internal: bool) -> QueryResult<Vec<NoteView>> {
    let mut q = case_notes::table
        .inner_join(users::table)
        .filter(case_notes::case_id.eq(id.0))
        .into_boxed();
    if !include_internal {
        q = q.filter(case_notes::visibility.eq(NoteVisibility::Shared.as_str()));
    }
    q.order(case_notes::id.asc())
        .select((
            case_notes::id,
            case_notes::visibility,
            case_notes::body,
            case_notes::created_at,
            users::name,
            users::role,
        ))
        .load(conn)
}

pub fn set_officer(conn: &mut DbConn, id: CaseId, officer: UserId) -> QueryResult<()> {
    diesel::update(cases::table.find(id.0))
        .set(cases::assigned_officer_id.eq(officer.0))
        .execute(conn)
        .map(drop)
}

pub fn user_name(conn: &mut DbConn, id: UserId) -> QueryResult<Option<String>> {
    users::table.find(id).select(users::name).first(conn).optional()
}
