//! The rights a case cites: the links, made and removed by the case's parties and the office.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{case_rights, rights, users};
use crate::domain::{CitationRole, Claims, RightSource};
use crate::models::id::{CaseId, CitationId, RightId, UserId};

/// A right as a case cites it.
pub struct CaseRightView {
    pub link_id: CitationId,
    pub docdb: String,
    pub display: String,
    pub kind_presumed: bool,
    pub title: String,
    pub stub: bool,
    pub role: CitationRole,
    pub claims: String,
    pub note: String,
    pub linked_by_id: UserId,
    pub linked_by: String,
    pub linked_at: NaiveDateTime,
}

pub fn of_case(conn: &mut DbConn, case: CaseId) -> QueryResult<Vec<CaseRightView>> {
    case_rights::table
        .inner_join(rights::table)
        .inner_join(users::table.on(users::id.eq(case_rights::linked_by)))
        .filter(case_rights::case_id.eq(case.0))
        .order(case_rights::id.asc())
        .select((
            case_rights::id,
            rights::docdb,
            rights::display,
            rights::kind_presumed,
            rights::title,
            rights::source,
            case_rights::role,
            case_rights::claims,
            case_rights::note,
            case_rights::linked_by,
            users::name,
            case_rights::linked_at,
        ))
        .load::<(
            CitationId,
            String,
            String,
            bool,
            String,
            RightSource,
            CitationRole,
            String,
            String,
            UserId,
            String,
            NaiveDateTime,
        )>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(
                    |(
                        link_id,
                        docdb,
                        display,
                        kind_presumed,
                        title,
                        source,
                        role,
                        claims,
                        note,
                        linked_by_id,
                        linked_by,
                        linked_at,
                    )| {
                        CaseRightView {
                            link_id,
                            docdb,
                            display,
                            kind_presumed,
                            title,
                            stub: source == RightSource::Stub,
                            role,
                            claims,
                            note,
                            linked_by_id,
                            linked_by,
                            linked_at,
                        }
                    },
                )
                .collect()
        })
}

pub struct NewLink<'a> {
    pub case: CaseId,
    pub right: RightId,
    pub role: CitationRole,
    pub claims: &'a Claims,
    pub note: &'a str,
    pub by: UserId,
}

/// Links a right to a case; `false` when the case already cites it in that role.
pub fn link(conn: &mut DbConn, l: NewLink<'_>, now: NaiveDateTime) -> QueryResult<bool> {
    let taken = case_rights::table
        .filter(case_rights::case_id.eq(l.case.0))
        .filter(case_rights::right_id.eq(l.right.0))
        .filter(case_rights::role.eq(l.role.as_str()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if taken {
        return Ok(false);
    }
    diesel::insert_into(case_rights::table)
        .values((
            case_rights::case_id.eq(l.case.0),
            case_rights::right_id.eq(l.right.0),
            case_rights::role.eq(l.role.as_str()),
            case_rights::claims.eq(l.claims.to_string()),
            case_rights::note.eq(l.note),
            case_rights::linked_by.eq(l.by.0),
            case_rights::linked_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Removes a case's link (only one `by` made, when given); the docdb of the right it
/// pointed to, if it was there. A stub no case cites any more goes with it: a number typed
/// into a draft and taken back leaves nothing behind.
pub fn unlink(
    conn: &mut DbConn,
    case: CaseId,
    link_id: CitationId,
    by: Option<UserId>,
) -> QueryResult<Option<String>> {
    let mut link = case_rights::table
        .inner_join(rights::table)
        .filter(case_rights::id.eq(link_id))
        .filter(case_rights::case_id.eq(case.0))
        .select((rights::id, rights::docdb, rights::source))
        .into_boxed();
    if let Some(by) = by {
        link = link.filter(case_rights::linked_by.eq(by.0));
    }
    let Some((right_id, docdb, source)) = link.first::<(i64, String, String)>(conn).optional()? else {
        return Ok(None);
    };
    diesel::delete(case_rights::table.filter(case_rights::id.eq(link_id))).execute(conn)?;
    let still_cited = case_rights::table
        .filter(case_rights::right_id.eq(right_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if source == RightSource::Stub.as_str() && !still_cited {
        diesel::delete(rights::table.find(right_id)).execute(conn)?;
    }
    Ok(Some(docdb))
}
