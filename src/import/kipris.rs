//! KIPRIS Plus search responses (getWordSearch and friends): `<response><body><items><item>`
//! with camelCase fields, 13-digit numbers, dates "YYYY/MM/DD HH:MM:SS" (other endpoints print
//! YYYYMMDD or YYYY.MM.DD) and multi-valued fields separated by " | ".

use super::xml::{Node, Spec};
use super::{DocRef, Format, RightRecord, normalize_class, parse_date, push_unique};

pub(crate) static SPEC: Spec = Spec {
    records: &["item"],
    skip: &[],
    convert: record,
};

const KR: &str = "KR";

fn record(item: &Node) -> Result<RightRecord, String> {
    let field = |name: &str| item.text_at(name);
    let doc = |number: &str, date: &str| {
        field(number).map(|number| DocRef {
            country: Some(KR.into()),
            number,
            kind: None,
            date: field(date).as_deref().and_then(parse_date),
        })
    };
    // The register number identifies the granted right; the earlier publications stay along.
    let mut numbers = [
        doc("registerNumber", "registerDate"),
        doc("publicationNumber", "publicationDate"),
        doc("openNumber", "openDate"),
    ]
    .into_iter()
    .flatten();
    let mut r = RightRecord::new(Format::Kipris, numbers.next().ok_or("no publication number")?);
    r.other_publications = numbers.collect();
    r.application = doc("applicationNumber", "applicationDate");
    r.filing_date = r.application.as_ref().and_then(|a| a.date);
    let dated = |name: &str| field(name).as_deref().and_then(parse_date);
    r.publication_date = dated("publicationDate").or_else(|| dated("openDate"));
    r.grant_date = dated("registerDate");
    r.status = field("registerStatus");
    r.titles
        .extend(field("inventionTitle").map(|t| (Some("ko".into()), t)));
    r.applicants = split(field("applicantName"));
    r.inventors = split(field("inventorName"));
    for symbol in split(field("ipcNumber"))
        .iter()
        .filter_map(|s| normalize_class(s))
    {
        push_unique(&mut r.ipc, symbol);
    }
    r.abstract_text = field("astrtCont");
    Ok(r)
}

fn split(value: Option<String>) -> Vec<String> {
    let Some(value) = value else { return Vec::new() };
    value
        .split('|')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::import::{Format, read};
    use chrono::NaiveDate;

    #[test]
    fn open_number_only_and_compact_dates() {
        let xml = "<response><body><items><item><openNumber>1020200012345</openNumber>\
            <openDate>20200102</openDate><applicationDate>2019.05.06</applicationDate>\
            <applicationNumber>1020190052345</applicationNumber><applicantName>가 | 나</applicantName>\
            </item><item><inventionTitle>번호 없음</inventionTitle></item></items></body></response>";
        let records: Vec<_> = read(xml.as_bytes(), Format::Kipris).collect();
        let first = records[0].as_ref().unwrap();
        assert_eq!(first.publication.number, "1020200012345");
        assert_eq!(first.publication_date, NaiveDate::from_ymd_opt(2020, 1, 2));
        assert_eq!(first.filing_date, NaiveDate::from_ymd_opt(2019, 5, 6));
        assert_eq!(first.applicants, vec!["가", "나"]);
        assert!(first.other_publications.is_empty());
        assert_eq!(records[1].as_ref().unwrap_err().reason, "no publication number");
    }
}
