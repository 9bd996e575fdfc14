//! Readers for the bibliographic files that offices hand out: USPTO grant XML, EPO OPS
//! exchange/family XML, EP publication XML, KIPRIS Plus search results and our own CSV.
//!
//! Every reader streams: [`read`] returns an iterator that holds at most one record in memory,
//! so multi-gigabyte weekly files import in constant memory. A record that cannot be read becomes
//! a [`RecordError`] and the iterator carries on with the next one where the format allows it.
//!
//! Values are kept as the file prints them (numbers are not normalized, names are not
//! reordered beyond "first last"); only whitespace is collapsed, dates are parsed and
//! classification symbols are brought to the "H04L 9/32" form.

mod csv;
mod ep;
mod kipris;
mod ops;
pub mod run;
mod uspto;
mod xml;

use std::io::BufRead;

use chrono::NaiveDate;

/// Which office format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// USPTO grant full text (us-patent-grant v4.x), possibly many documents concatenated.
    UsptoGrant,
    /// EPO OPS `world-patent-data`: exchange documents (biblio) or a patent family.
    OpsExchange,
    /// EP publication server XML (`ep-patent-document`, SDOBI tags).
    EpDocument,
    /// KIPRIS Plus search response (`<response><body><items><item>`).
    Kipris,
    /// ipdesk's own CSV layout, see the `csv` module documentation.
    Csv,
}

impl Format {
    /// Sniffs the format from the first few KiB of a file (a UTF-8 byte order mark is allowed).
    ///
    /// XML files are told apart by their root element: `us-patent-grant`, `ep-patent-document`,
    /// `world-patent-data` / `exchange-documents` / `patent-family` (OPS) and `response`
    /// (KIPRIS). Anything else is CSV when its first line is a header with a `number` column.
    pub fn detect(head: &[u8]) -> Option<Format> {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let start = head.iter().position(|b| !b.is_ascii_whitespace())?;
        if head[start] == b'<' {
            return match xml::root_name(head)?.as_str() {
                "us-patent-grant" => Some(Format::UsptoGrant),
                "ep-patent-document" => Some(Format::EpDocument),
                "world-patent-data" | "exchange-documents" | "exchange-document" | "patent-family" => {
                    Some(Format::OpsExchange)
                }
                "response" => Some(Format::Kipris),
                _ => None,
            };
        }
        csv::is_header(head).then_some(Format::Csv)
    }

    /// Short stable name: "uspto", "ops", "ep", "kipris" or "csv".
    pub fn as_str(self) -> &'static str {
        match self {
            Format::UsptoGrant => "uspto",
            Format::OpsExchange => "ops",
            Format::EpDocument => "ep",
            Format::Kipris => "kipris",
            Format::Csv => "csv",
        }
    }
}

/// One document-id as the file prints it: raw, not normalized (the caller normalizes with its
/// own number parser).
///
/// Dates: USPTO prints citation dates with day `00` ("20101100" = November 2010); such a date
/// is read as the first of the month rather than dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocRef {
    pub country: Option<String>,
    pub number: String,
    pub kind: Option<String>,
    pub date: Option<NaiveDate>,
}

/// A patent document cited by (or against) a right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub doc: DocRef,
    /// As printed: USPTO "cited by examiner" / "cited by applicant", search-report categories
    /// "X", "Y", "A" (OPS; falls back to "cited by …" from the `cited-by` attribute).
    pub category: Option<String>,
}

/// One right as read from a file, before normalization.
#[derive(Debug, Clone, PartialEq)]
pub struct RightRecord {
    pub format: Format,
    /// The document's own number (grant / publication). KIPRIS: the register number when
    /// present, else the publication number, else the open (laid-open) number.
    pub publication: DocRef,
    pub application: Option<DocRef>,
    /// Other publications of the same right that the record prints but that are not
    /// `publication` (KIPRIS open and publication numbers).
    pub other_publications: Vec<DocRef>,
    /// Kind of right when the file says it: USPTO `appl-type` ("utility", "design", …) or the
    /// CSV `kind_of_right` column.
    pub kind_of_right: Option<String>,
    /// (language, title), whitespace collapsed.
    pub titles: Vec<(Option<String>, String)>,
    /// Names as printed: organisation names as is, personal names as "First Last".
    pub applicants: Vec<String>,
    pub inventors: Vec<String>,
    /// Assignees (USPTO) or proprietors (EP B documents); empty elsewhere.
    pub owners: Vec<String>,
    pub filing_date: Option<NaiveDate>,
    /// Date of the document in `publication` (KIPRIS: the examined publication date, else the
    /// laid-open date, since the register number has no publication date of its own).
    pub publication_date: Option<NaiveDate>,
    /// USPTO grants: the issue date; EP B documents: B450; KIPRIS: registerDate.
    pub grant_date: Option<NaiveDate>,
    /// Legal status as printed, e.g. KIPRIS registerStatus "소멸".
    pub status: Option<String>,
    /// IPC symbols as "H04L 9/32", in file order, without duplicates.
    pub ipc: Vec<String>,
    /// CPC symbols as "H04L 9/3247", in file order, without duplicates.
    pub cpc: Vec<String>,
    /// Paragraphs with collapsed whitespace, joined by a blank line.
    pub abstract_text: Option<String>,
    /// Patent citations only; non-patent literature is left out.
    pub citations: Vec<Citation>,
}

impl RightRecord {
    fn new(format: Format, publication: DocRef) -> Self {
        RightRecord {
            format,
            publication,
            application: None,
            other_publications: Vec::new(),
            kind_of_right: None,
            titles: Vec::new(),
            applicants: Vec::new(),
            inventors: Vec::new(),
            owners: Vec::new(),
            filing_date: None,
            publication_date: None,
            grant_date: None,
            status: None,
            ipc: Vec::new(),
            cpc: Vec::new(),
            abstract_text: None,
            citations: Vec::new(),
        }
    }
}

/// A record that could not be read; the reader carries on with the next one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record {index}{}: {reason}", number.as_ref().map(|n| format!(" ({n})")).unwrap_or_default())]
pub struct RecordError {
    /// 1-based record number in the file (CSV: data row, header not counted); 0 when the file
    /// as a whole is unusable (e.g. a CSV header without a `number` column).
    pub index: usize,
    /// The document number if it was read.
    pub number: Option<String>,
    pub reason: String,
}

/// Streams records from `reader`; memory is bounded by the largest single record, never by the
/// file size.
///
/// In the XML formats other than USPTO (one XML document per file), broken XML ends the stream
/// after one error, because there is no reliable place to resume; USPTO files are split into
/// their documents first, so a broken document costs only itself.
pub fn read<R: BufRead>(reader: R, format: Format) -> Records<R> {
    let source = match format {
        Format::UsptoGrant => Source::Uspto(uspto::Documents::new(reader)),
        Format::OpsExchange => Source::Xml(xml::Records::new(reader, &ops::SPEC)),
        Format::EpDocument => Source::Xml(xml::Records::new(reader, &ep::SPEC)),
        Format::Kipris => Source::Xml(xml::Records::new(reader, &kipris::SPEC)),
        Format::Csv => Source::Csv(csv::Rows::new(reader)),
    };
    Records(source)
}

/// Iterator returned by [`read`].
pub struct Records<R: BufRead>(Source<R>);

enum Source<R: BufRead> {
    Uspto(uspto::Documents<R>),
    Xml(xml::Records<R>),
    Csv(csv::Rows<R>),
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<RightRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Source::Uspto(docs) => docs.next(),
            Source::Xml(records) => records.next(),
            Source::Csv(rows) => rows.next(),
        }
    }
}

/// Collapses runs of whitespace (including newlines inside titles) to one space and trims.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the dates offices print: YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD, optionally
/// followed by a time ("1985/12/30 00:00:00"). Day 00 means "some day in that month" (USPTO
/// citations) and is read as the 1st.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let date = text.split_whitespace().next()?.as_bytes();
    let digits: Vec<u8> = match date {
        [_, _, _, _, sep, _, _, sep2, _, _] if sep == sep2 && matches!(sep, b'-' | b'/' | b'.') => {
            [&date[..4], &date[5..7], &date[8..]].concat()
        }
        _ => date.to_vec(),
    };
    if digits.len() != 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let digits = std::str::from_utf8(&digits).ok()?;
    let (y, m, d) = (
        digits[..4].parse().ok()?,
        digits[4..6].parse().ok()?,
        digits[6..].parse().ok()?,
    );
    NaiveDate::from_ymd_opt(y, m, if d == 0 { 1 } else { d })
}

/// Brings an IPC/CPC symbol printed as text to the "H04L 9/32" form: "B28B   1/    29   A I"
/// (IPCR padding plus flags), "H01F  27/14  20060101AFI…", "B28B5/02". Text that does not look
/// like a symbol is kept collapsed rather than lost.
fn normalize_class(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = (|| {
        let b = text.as_bytes();
        let subclass = text.get(..4)?;
        let ok = b[0].is_ascii_alphabetic()
            && b[1].is_ascii_digit()
            && b[2].is_ascii_digit()
            && b[3].is_ascii_alphabetic();
        if !ok {
            return None;
        }
        let (main, rest) = text[4..].trim_start().split_once('/')?;
        let main = main.trim();
        let rest = rest.trim_start();
        let sub_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let sub = &rest[..sub_len];
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(main) && digits(sub)).then(|| class_symbol(subclass, main, sub))
    })();
    Some(parsed.unwrap_or_else(|| collapse(text)))
}

/// "H04L" + "9" + "32" → "H04L 9/32".
fn class_symbol(subclass: &str, main_group: &str, subgroup: &str) -> String {
    format!(
        "{} {}/{}",
        subclass.to_ascii_uppercase(),
        main_group.trim(),
        subgroup.trim()
    )
}

/// Appends `value` unless it is already there: classification lists repeat symbols
/// (e.g. once per generating office in OPS).
fn push_unique(list: &mut Vec<String>, value: String) {
    if !list.contains(&value) {
        list.push(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        let uspto =
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE us-patent-grant SYSTEM \"x.dtd\" [ ]>\n<us-patent-grant>";
        assert_eq!(Format::detect(uspto), Some(Format::UsptoGrant));
        let ops =
            b"<?xml version=\"1.0\"?><?xml-stylesheet href=\"x\"?>\n<ops:world-patent-data xmlns:ops=\"o\">";
        assert_eq!(Format::detect(ops), Some(Format::OpsExchange));
        let ep = b"<?xml version=\"1.0\"?>\n<!DOCTYPE ep-patent-document PUBLIC \"x\" \"y\">\n<!-- c -->\n<ep-patent-document id=\"x\">";
        assert_eq!(Format::detect(ep), Some(Format::EpDocument));
        let kipris = "<?xml version=\"1.0\"?>\n<!-- 설명 -->\n<response>\n<header>";
        assert_eq!(Format::detect(kipris.as_bytes()), Some(Format::Kipris));
        assert_eq!(
            Format::detect(b"\xEF\xBB\xBFNumber,Title\nUS 1,x\n"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::detect(b"\xEF\xBB\xBF<us-patent-grant>"),
            Some(Format::UsptoGrant)
        );
        assert_eq!(Format::detect(b"\"title\",\"number\"\r\n"), Some(Format::Csv));
        assert_eq!(Format::detect(b"title,owner\n"), None);
        assert_eq!(Format::detect(b"<html><body>"), None);
        assert_eq!(Format::detect(b""), None);
        assert_eq!(Format::Kipris.as_str(), "kipris");
    }

    #[test]
    fn parses_office_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("20150106"), d(2015, 1, 6));
        assert_eq!(parse_date("1985/12/30 00:00:00"), d(1985, 12, 30));
        assert_eq!(parse_date("2014.10.30"), d(2014, 10, 30));
        assert_eq!(parse_date("2014-10-30"), d(2014, 10, 30));
        assert_eq!(parse_date("20101100"), d(2010, 11, 1));
        assert_eq!(parse_date("2020-13-01"), None);
        assert_eq!(parse_date("2020-1-011"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn normalizes_class_symbols() {
        let n = |s| normalize_class(s).unwrap();
        assert_eq!(
            n("B28B   1/    29            A I                    "),
            "B28B 1/29"
        );
        assert_eq!(
            n("H01F  27/14        20060101AFI20171122BHEP        "),
            "H01F 27/14"
        );
        assert_eq!(n("B28B5/02"), "B28B 5/02");
        assert_eq!(n("G01D 5/00"), "G01D 5/00");
        assert_eq!(n("  odd   text "), "odd text");
        assert_eq!(normalize_class("  "), None);
    }
}
