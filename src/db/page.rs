//! One page of a list query, with the page size written into the SQL rather than bound.
//!
//! PostgreSQL keeps one plan for a prepared statement only when its estimate does not depend
//! on the values; a bound `LIMIT` looks like "perhaps a tenth of the table" to the planner, so
//! every request would be planned afresh. A literal page size, and no `OFFSET` on the first
//! page, lets the busiest lists run from one cached plan.

use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::BigInt;
use diesel::{QueryResult, RunQueryDsl};

use super::MultiBackend;

pub struct Paged<Q> {
    query: Q,
    size: u16,
    offset: i64,
}

/// The last page (from 0) any list is read at. No list comes near it; past it a page number
/// from an address is only a number, which must not overflow the offset it is multiplied into
/// (wrapped, it is a negative `OFFSET`, which PostgreSQL refuses) or the "next page" link.
pub const LAST_PAGE: i64 = 1_000_000;

/// The page (from 0) a list shows for the page number of its address (from 1, as people
/// count; none is the first), kept within `LAST_PAGE`.
pub fn from_number(number: Option<i64>) -> i64 {
    number.unwrap_or(1).clamp(1, LAST_PAGE + 1) - 1
}

/// How many rows come before page `page` (from 0) of `size` rows, within `LAST_PAGE`.
pub fn offset(page: i64, size: i64) -> i64 {
    page.clamp(0, LAST_PAGE).saturating_mul(size.max(0))
}

/// Page `page` (from 0) of `size` rows. `size` should be a constant: each distinct value is
/// a distinct statement.
pub fn paged<Q>(query: Q, size: u16, page: i64) -> Paged<Q> {
    Paged {
        query,
        size,
        offset: offset(page, i64::from(size)),
    }
}

impl<Q: Query> Query for Paged<Q> {
    type SqlType = Q::SqlType;
}

impl<Q> QueryId for Paged<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, C> RunQueryDsl<C> for Paged<Q> {}

impl<Q: QueryFragment<MultiBackend>> QueryFragment<MultiBackend> for Paged<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(&format!(" LIMIT {}", self.size));
        if self.offset > 0 {
            out.push_sql(" OFFSET ");
            out.push_bind_param::<BigInt, _>(&self.offset)?;
        }
        Ok(())
    }
}
