//! ipdesk's CSV layout, for rights typed up or exported from another system.
//!
//! The file is UTF-8 (a byte order mark is allowed) with a header line naming the columns:
//!
//! ```text
//! number,kind_of_right,title,applicants,owners,inventors,filing_date,publication_date,grant_date,status,ipc,cpc,abstract,citations
//! ```
//!
//! - Header names are matched case-insensitively, in any order; only `number` is required and
//!   columns with other names are ignored.
//! - `number`: the right's number in any form a person would type, with its country
//!   ("US 8,930,553 B2", "EP3404678", "KR 10-0031944"). It is kept whole as the number,
//!   without guessing a country or kind, because ipdesk's number parser reads such forms.
//! - `applicants`, `owners`, `inventors`, `ipc`, `cpc`, `citations`: several values separated
//!   by `;`. Classification symbols are brought to the "H04L 9/32" form; citations are numbers
//!   written like `number`.
//! - `filing_date`, `publication_date`, `grant_date`: `YYYY-MM-DD`.
//! - `kind_of_right`, `title`, `status`, `abstract`: free text.
//!
//! Empty cells are allowed. A row that cannot be read (a bad date, more cells than the header
//! has, no number) is reported with its reason and the following rows are still read.

use std::io::BufRead;

use chrono::NaiveDate;

use super::{Citation, DocRef, Format, RecordError, RightRecord, collapse, normalize_class, push_unique};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Number,
    KindOfRight,
    Title,
    Applicants,
    Owners,
    Inventors,
    FilingDate,
    PublicationDate,
    GrantDate,
    Status,
    Ipc,
    Cpc,
    Abstract,
    Citations,
}

impl Column {
    fn from_header(name: &str) -> Option<Column> {
        let name = name.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
        Some(match name.as_str() {
            "number" => Column::Number,
            "kind_of_right" => Column::KindOfRight,
            "title" => Column::Title,
            "applicants" => Column::Applicants,
            "owners" => Column::Owners,
            "inventors" => Column::Inventors,
            "filing_date" => Column::FilingDate,
            "publication_date" => Column::PublicationDate,
            "grant_date" => Column::GrantDate,
            "status" => Column::Status,
            "ipc" => Column::Ipc,
            "cpc" => Column::Cpc,
            "abstract" => Column::Abstract,
            "citations" => Column::Citations,
            _ => return None,
        })
    }
}

/// Whether the first line of `head` is a header with a `number` column.
pub(crate) fn is_header(head: &[u8]) -> bool {
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let first = reader.records().next().and_then(Result::ok);
    first.is_some_and(|header| {
        header
            .iter()
            .any(|h| Column::from_header(h) == Some(Column::Number))
    })
}

/// Rows of a CSV file, as records.
pub(crate) struct Rows<R: BufRead> {
    reader: ::csv::Reader<R>,
    /// Column of each header position, read with the first row.
    columns: Option<Vec<Option<Column>>>,
    index: usize,
    done: bool,
}

impl<R: BufRead> Rows<R> {
    pub fn new(source: R) -> Self {
        let reader = ::csv::ReaderBuilder::new().flexible(true).from_reader(source);
        Rows {
            reader,
            columns: None,
            index: 0,
            done: false,
        }
    }

    /// Reads the header; an error here concerns the whole file (index 0).
    fn columns(&mut self) -> Result<(), RecordError> {
        let whole_file = |reason: String| RecordError {
            index: 0,
            number: None,
            reason,
        };
        let headers = self
            .reader
            .headers()
            .map_err(|e| whole_file(format!("cannot read the header: {e}")))?;
        let columns: Vec<_> = headers.iter().map(Column::from_header).collect();
        if !columns.contains(&Some(Column::Number)) {
            return Err(whole_file("the header has no 'number' column".into()));
        }
        self.columns = Some(columns);
        Ok(())
    }
}

impl<R: BufRead> Iterator for Rows<R> {
    type Item = Result<RightRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.columns.is_none()
            && let Err(e) = self.columns()
        {
            self.done = true;
            return Some(Err(e));
        }
        let mut row = ::csv::StringRecord::new();
        let read = self.reader.read_record(&mut row);
        if matches!(read, Ok(false)) {
            self.done = true;
            return None;
        }
        self.index += 1;
        let index = self.index;
        if let Err(e) = read {
            // After an I/O error the source cannot be trusted; bad UTF-8 costs only its row.
            self.done = e.is_io_error();
            return Some(Err(RecordError {
                index,
                number: None,
                reason: e.to_string(),
            }));
        }
        let columns = self.columns.as_deref().unwrap_or_default();
        // A NUL or another control character is refused like any text sent to the desk
        // (PostgreSQL could not store a NUL): the row fails, the file goes on.
        if row
            .iter()
            .any(|cell| !cell.chars().all(crate::domain::text::allowed))
        {
            return Some(Err(RecordError {
                index,
                number: None,
                reason: "a cell holds a control character (such as NUL), which no field may".into(),
            }));
        }
        Some(record(columns, &row).map_err(|(number, reason)| RecordError {
            index,
            number,
            reason,
        }))
    }
}

fn record(
    columns: &[Option<Column>],
    row: &::csv::StringRecord,
) -> Result<RightRecord, (Option<String>, String)> {
    let cell = |wanted: Column| {
        let at = columns.iter().position(|c| *c == Some(wanted))?;
        row.get(at).map(str::trim).filter(|v| !v.is_empty())
    };
    let number = cell(Column::Number).map(collapse);
    let mut problems = Vec::new();
    if row.len() > columns.len() && row.iter().skip(columns.len()).any(|v| !v.trim().is_empty()) {
        problems.push(format!(
            "the row has {} cells but the header only {}",
            row.len(),
            columns.len()
        ));
    }
    let Some(number_text) = number.clone() else {
        problems.insert(0, "no publication number".into());
        return Err((None, problems.join("; ")));
    };
    let mut date = |column: Column, name: &str| {
        let value = cell(column)?;
        let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .ok()
            .filter(|_| value.len() == 10);
        if parsed.is_none() {
            problems.push(format!("{name}: '{value}' is not a date (YYYY-MM-DD)"));
        }
        parsed
    };
    let filing_date = date(Column::FilingDate, "filing_date");
    let publication_date = date(Column::PublicationDate, "publication_date");
    let grant_date = date(Column::GrantDate, "grant_date");
    if !problems.is_empty() {
        return Err((number, problems.join("; ")));
    }

    let list = |column: Column| -> Vec<String> {
        cell(column).map_or_else(Vec::new, |v| {
            v.split(';').map(collapse).filter(|v| !v.is_empty()).collect()
        })
    };
    let publication = DocRef {
        number: number_text,
        ..DocRef::default()
    };
    let mut r = RightRecord::new(Format::Csv, publication);
    r.publication.date = publication_date;
    r.kind_of_right = cell(Column::KindOfRight).map(collapse);
    r.titles.extend(cell(Column::Title).map(|t| (None, collapse(t))));
    r.applicants = list(Column::Applicants);
    r.owners = list(Column::Owners);
    r.inventors = list(Column::Inventors);
    r.filing_date = filing_date;
    r.publication_date = publication_date;
    r.grant_date = grant_date;
    r.status = cell(Column::Status).map(collapse);
    for (column, target) in [(Column::Ipc, &mut r.ipc), (Column::Cpc, &mut r.cpc)] {
        for symbol in list(column).iter().filter_map(|s| normalize_class(s)) {
            push_unique(target, symbol);
        }
    }
    r.abstract_text = cell(Column::Abstract).map(collapse);
    r.citations = list(Column::Citations)
        .into_iter()
        .map(|number| Citation {
            doc: DocRef {
                number,
                ..DocRef::default()
            },
            category: None,
        })
        .collect();
    Ok(r)
}

#[cfg(test)]
mod tests {
    use crate::import::{Format, RecordError, read};
    use chrono::NaiveDate;

    #[test]
    fn a_row_with_a_control_character_fails_alone() {
        let file = "number,title\nUS 8930553 B2,Bat\u{0}tery\nUS 8926509 B2,Fine\n";
        let records: Vec<_> = read(file.as_bytes(), Format::Csv).collect();
        assert_eq!(records.len(), 2);
        let refused = records[0].as_ref().unwrap_err();
        assert_eq!(refused.index, 1);
        assert!(refused.reason.contains("control character"), "{}", refused.reason);
        assert_eq!(records[1].as_ref().unwrap().titles, vec![(None, "Fine".into())]);
    }

    #[test]
    fn good_and_bad_rows() {
        let file = "\u{feff}Number,TITLE,applicants,filing_date,ipc,citations,unknown\n\
            \"US 8,930,553 B2\",\"Managing  SIP\",\"IBM; Other Corp \",2012-10-09,H04L9/32;G06F 15/16,US 7844851 B2;WO 03/015838\n\
            EP 1,x,,2020-13-01,,\n\
            ,no number,,,,\n\
            KR 10-0031944,\"multi\nline\",,,,,ignored\n\
            JP 1,x,,2020-01-01,,,,extra\n";
        let records: Vec<_> = read(file.as_bytes(), Format::Csv).collect();
        assert_eq!(records.len(), 5);
        let first = records[0].as_ref().unwrap();
        assert_eq!(first.publication.number, "US 8,930,553 B2");
        assert_eq!(first.publication.country, None);
        assert_eq!(first.titles, vec![(None, "Managing SIP".into())]);
        assert_eq!(first.applicants, vec!["IBM", "Other Corp"]);
        assert_eq!(first.filing_date, NaiveDate::from_ymd_opt(2012, 10, 9));
        assert_eq!(first.ipc, vec!["H04L 9/32", "G06F 15/16"]);
        assert_eq!(first.citations[1].doc.number, "WO 03/015838");
        let err = |i: usize| records[i].as_ref().unwrap_err().clone();
        assert_eq!(
            err(1),
            RecordError {
                index: 2,
                number: Some("EP 1".into()),
                reason: "filing_date: '2020-13-01' is not a date (YYYY-MM-DD)".into()
            }
        );
        assert_eq!(
            (err(2).index, err(2).reason),
            (3, "no publication number".to_string())
        );
        assert_eq!(
            records[3].as_ref().unwrap().titles,
            vec![(None, "multi line".into())]
        );
        assert_eq!(err(4).reason, "the row has 8 cells but the header only 7");
    }

    #[test]
    fn header_without_number_fails_once() {
        let records: Vec<_> = read("title,owners\nx,y\n".as_bytes(), Format::Csv).collect();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].as_ref().unwrap_err().index, 0);
    }

    #[test]
    fn header_only_file_is_empty() {
        assert_eq!(read("number,title\n".as_bytes(), Format::Csv).count(), 0);
    }
}
