//! Evidence files (DESIGN §5): the content-addressed store they are kept in, and the scrub
//! that proves the store still holds what the database says it does.

pub mod migrate;
pub mod scrub;
pub mod store;

pub use store::{BundleFile, Location, Received, Store};

use crate::domain::csv_cell;
use crate::domain::office_time::OfficeZone;
use crate::models::exhibit::CustodyRow;
use crate::models::id::ExhibitId;

/// The custody log as CSV, one event per line, for the exhibits named in `numbers` (id,
/// number). The rows are as their reader may see them ([`CustodyRow::as_seen_by`]).
pub fn custody_csv(
    rows: &[CustodyRow],
    numbers: &[(ExhibitId, i32)],
    case_no: &str,
    zone: OfficeZone,
) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    write_cells(
        &mut out,
        [
            "case",
            "exhibit",
            "event",
            "at",
            "actor",
            "actor_role",
            "address",
            "details",
        ],
    )?;
    for r in rows {
        let number = numbers
            .iter()
            .find(|(id, _)| *id == r.exhibit_id)
            .map(|(_, n)| n.to_string())
            .unwrap_or_default();
        write_cells(
            &mut out,
            [
                case_no,
                &number,
                r.action.as_str(),
                &zone.iso_precise(r.at),
                &r.actor_name,
                &r.actor_role,
                r.address.as_deref().unwrap_or(""),
                &r.details,
            ],
        )?;
    }
    Ok(out.into_inner().map_err(|e| e.into_error())?)
}

/// One line, each cell as text to a spreadsheet ([`csv_cell`]).
fn write_cells<const N: usize>(out: &mut csv::Writer<Vec<u8>>, cells: [&str; N]) -> csv::Result<()> {
    let cells = cells.map(csv_cell);
    out.write_record(cells.iter().map(|c| c.as_bytes()))
}
