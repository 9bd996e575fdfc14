//! What a right's page shows besides the right itself: its other publications, classes,
//! citations, and the rights and cases that cite it.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{case_rights, cases, right_citations, right_classes, right_publications, rights};
use crate::domain::{CitationRole, PatentNumber, State};
use crate::models::case::{CaseScope, scoped};
use crate::models::id::{CaseId, RightId};

/// The docdb numbers of a right's other publications, in the file's order.
pub fn publications_of(conn: &mut DbConn, id: RightId) -> QueryResult<Vec<String>> {
    right_publications::table
        .filter(right_publications::right_id.eq(id.0))
        .order(right_publications::position.asc())
        .select(right_publications::docdb)
        .load(conn)
}

/// Another publication of a right, and whether the registry holds it as a right of its own.
pub struct PublicationView {
    pub docdb: String,
    pub display: String,
    pub known: bool,
}

pub fn publication_views(conn: &mut DbConn, id: RightId) -> QueryResult<Vec<PublicationView>> {
    let docdbs = publications_of(conn, id)?;
    let known: Vec<String> = rights::table
        .filter(rights::docdb.eq_any(&docdbs))
        .select(rights::docdb)
        .load(conn)?;
    Ok(docdbs
        .into_iter()
        .map(|docdb| PublicationView {
            display: PatentNumber::from_docdb(&docdb).map_or_else(|_| docdb.clone(), |n| n.display()),
            known: known.contains(&docdb),
            docdb,
        })
        .collect())
}

pub struct ClassRow {
    pub scheme: String,
    pub symbol: String,
}

pub fn classes_of(conn: &mut DbConn, id: RightId) -> QueryResult<Vec<ClassRow>> {
    right_classes::table
        .filter(right_classes::right_id.eq(id.0))
        .order((right_classes::scheme.desc(), right_classes::symbol.asc()))
        .select((right_classes::scheme, right_classes::symbol))
        .load::<(String, String)>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|(scheme, symbol)| ClassRow { scheme, symbol })
                .collect()
        })
}

/// A document cited by a right, and the registry's record of it when there is one.
pub struct CitationView {
    pub display: String,
    pub docdb: String,
    pub category: Option<String>,
    /// The registry's right for that number (the exact publication if present).
    pub known: Option<String>,
}

pub fn citations_of(conn: &mut DbConn, id: RightId) -> QueryResult<Vec<CitationView>> {
    let cited: Vec<(String, String, String, Option<String>)> = right_citations::table
        .filter(right_citations::right_id.eq(id.0))
        .order(right_citations::position.asc())
        .select((
            right_citations::cited_display,
            right_citations::cited_docdb,
            right_citations::cited_base,
            right_citations::category,
        ))
        .load(conn)?;
    let bases: Vec<&String> = cited.iter().map(|(_, _, base, _)| base).collect();
    let known: Vec<(String, String)> = rights::table
        .filter(rights::base.eq_any(bases))
        .select((rights::base, rights::docdb))
        .load(conn)?;
    Ok(cited
        .into_iter()
        .map(|(display, docdb, base, category)| {
            let exact = known.iter().find(|(_, d)| *d == docdb);
            let any = known.iter().find(|(b, _)| *b == base);
            CitationView {
                known: exact.or(any).map(|(_, d)| d.clone()),
                display,
                docdb,
                category,
            }
        })
        .collect())
}

pub struct CitingRight {
    pub docdb: String,
    pub display: String,
    pub title: String,
}

/// The rights in the registry that cite this number, any publication of it.
pub fn cited_by(conn: &mut DbConn, base: &str, limit: i64) -> QueryResult<Vec<CitingRight>> {
    rights::table
        .filter(
            rights::id.eq_any(
                right_citations::table
                    .filter(right_citations::cited_base.eq(base))
                    .select(right_citations::right_id),
            ),
        )
        .order(rights::id.asc())
        .limit(limit)
        .select((rights::docdb, rights::display, rights::title))
        .load::<(String, String, String)>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|(docdb, display, title)| CitingRight {
                    docdb,
                    display,
                    title,
                })
                .collect()
        })
}

/// A case citing a right, as the right's page lists it.
pub struct CitingCase {
    pub case_no: Option<String>,
    pub draft_key: String,
    pub title: String,
    pub state: State,
    pub role: CitationRole,
    pub claims: String,
}

/// The cases citing a right that the viewer may see.
pub fn citing_cases(conn: &mut DbConn, scope: CaseScope, id: RightId) -> QueryResult<Vec<CitingCase>> {
    let visible: Vec<(CaseId, Option<String>, String, String, State)> = scoped(scope)
        .filter(
            cases::id.eq_any(
                case_rights::table
                    .filter(case_rights::right_id.eq(id.0))
                    .select(case_rights::case_id),
            ),
        )
        .order(cases::id.desc())
        .select((
            cases::id,
            cases::case_no,
            cases::draft_key,
            cases::title,
            cases::state,
        ))
        .load(conn)?;
    let ids: Vec<CaseId> = visible.iter().map(|v| v.0).collect();
    let links: Vec<(CaseId, CitationRole, String)> = case_rights::table
        .filter(case_rights::right_id.eq(id.0))
        .filter(case_rights::case_id.eq_any(ids))
        .order(case_rights::id.asc())
        .select((case_rights::case_id, case_rights::role, case_rights::claims))
        .load(conn)?;
    let mut out = Vec::new();
    for (case_id, case_no, draft_key, title, state) in visible {
        for (_, role, claims) in links.iter().filter(|l| l.0 == case_id) {
            out.push(CitingCase {
                case_no: case_no.clone(),
                draft_key: draft_key.clone(),
                title: title.clone(),
                state,
                role: *role,
                claims: claims.clone(),
            });
        }
    }
    Ok(out)
}
