//! Evidence files (DESIGN §5): the content-addressed store they are kept in, and the scrub
//! that proves the store still holds what the database says it does.

pub mod scrub;
pub mod store;

pub use store::{Received, Store};

use crate::models::exhibit::CustodyRow;

/// The custody log as CSV, one event per line, for the exhibits named in `numbers` (id,
/// number). `address` decides which source addresses the reader may see.
pub fn custody_csv(
    rows: &[CustodyRow],
    numbers: &[(i64, i32)],
    case_no: &str,
    address: impl Fn(&CustodyRow) -> String,
) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "case",
        "exhibit",
        "event",
        "at_utc",
        "actor",
        "actor_role",
        "address",
        "details",
    ])?;
    for r in rows {
        let number = numbers
            .iter()
            .find(|(id, _)| *id == r.exhibit_id)
            .map(|(_, n)| n.to_string())
            .unwrap_or_default();
        out.write_record([
            case_no,
            &number,
            &r.action,
            &r.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            &r.actor_name,
            &r.actor_role,
            &address(r),
            &r.details,
        ])?;
    }
    Ok(out.into_inner().map_err(|e| e.into_error())?)
}
