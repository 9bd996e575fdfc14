//! A notice's own link (`/n/{token}`): opening it is the recipient's proof of notice.

use diesel::QueryResult;

use crate::db::DbConn;
use crate::models::case::{self};
use crate::models::id::CaseId;
use crate::models::{self, outbox};

/// Records the first opening of the notice link with this token hash, and returns the number
/// of the case it leads to (`None` for an unknown link, or a case without a number).
pub fn open(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<String>> {
    let Some(case_id) = outbox::opened(conn, token_hash, models::now())? else {
        return Ok(None);
    };
    Ok(case::find_by_id(conn, CaseId(case_id))?.and_then(|c| c.case_no))
}
