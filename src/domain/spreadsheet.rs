//! Text bound for spreadsheets, which run some of what they open.

use std::borrow::Cow;

/// A cell of a CSV export as a spreadsheet should show it: as text. A cell beginning with
/// `=`, `+`, `-` or `@`, a tab or a carriage return would be taken for a formula ("CSV
/// injection", OWASP), so it gets a leading `'`, which makes it text. Every CSV the program
/// writes puts each cell through this.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_run_is_made_text() {
        for (cell, shown) in [
            (
                r#"=HYPERLINK("http://evil.example","x")"#,
                r#"'=HYPERLINK("http://evil.example","x")"#,
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
        ] {
            assert_eq!(csv_cell(cell), shown, "{cell:?}");
        }
    }

    #[test]
    fn any_other_cell_is_kept_as_it_is() {
        for cell in [
            "",
            "Megacorp Legal Team",
            "김민수",
            "a=b",
            " =1+1",
            "'quoted",
            r#"{"by":1005}"#,
            "2026-11-25T10:15:00.000000Z",
            "IPD-2026-00042",
        ] {
            assert!(
                matches!(csv_cell(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }
}
