//! Reads the real office files in the shared fixtures folder and checks what comes out.
//!
//! The files are copies of the shared samples, kept in `tests/fixtures/patents`.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;

use chrono::NaiveDate;
use ipdesk::import::{Citation, DocRef, Format, RightRecord, read};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patents")
}

/// Detects the format from the file's head, as the import screen does, and reads every record.
fn load(name: &str) -> (Format, Vec<RightRecord>) {
    let path = fixtures().join(name);
    let open = || File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut head = Vec::new();
    open().take(8 * 1024).read_to_end(&mut head).unwrap();
    let format = Format::detect(&head).unwrap_or_else(|| panic!("{name}: format not detected"));
    let records = read(BufReader::new(open()), format)
        .map(|r| r.unwrap_or_else(|e| panic!("{name}: {e}")))
        .collect();
    (format, records)
}

fn date(text: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
}

fn doc(country: &str, number: &str, kind: &str, on: &str) -> DocRef {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    DocRef {
        country: some(country),
        number: number.into(),
        kind: some(kind),
        date: some(on).and_then(|d| date(&d)),
    }
}

fn titles(list: &[(&str, &str)]) -> Vec<(Option<String>, String)> {
    list.iter()
        .map(|(lang, t)| (Some(lang.to_string()), t.to_string()))
        .collect()
}

fn cited(country: &str, number: &str, kind: &str, on: &str, category: &str) -> Citation {
    Citation {
        doc: doc(country, number, kind, on),
        category: Some(category.into()),
    }
}

#[test]
fn every_fixture_is_detected_and_reads_cleanly() {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap_or_else(|e| panic!("{}: {e} (set IPDESK_FIXTURES)", fixtures().display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "fixtures missing: {names:?}");
    for name in names {
        let (format, records) = load(&name);
        let expected = match name.split('_').next().unwrap() {
            "uspto" => Format::UsptoGrant,
            "kipris" => Format::Kipris,
            "epo" if name.starts_with("epo_ops_") => Format::OpsExchange,
            "epo" => Format::EpDocument,
            _ if name.ends_with(".csv") => Format::Csv,
            _ => panic!("{name}: no expected format for this file name"),
        };
        assert_eq!(format, expected, "{name}");
        assert!(!records.is_empty(), "{name}: no records");
        assert!(records.iter().all(|r| r.format == format), "{name}");
    }
}

#[test]
fn uspto_us08930553() {
    let (format, records) = load("uspto_grant_v45_US08930553.xml");
    assert_eq!((format.as_str(), records.len()), ("uspto", 1));
    let r = &records[0];
    assert_eq!(r.publication, doc("US", "08930553", "B2", "2015-01-06"));
    assert_eq!(r.application, Some(doc("US", "13648029", "", "2012-10-09")));
    assert_eq!(r.kind_of_right.as_deref(), Some("utility"));
    assert_eq!(
        r.titles,
        titles(&[(
            "en",
            "Managing mid-dialog session initiation protocol (SIP) messages"
        )])
    );
    assert_eq!(r.applicants, vec!["International Business Machines Corporation"]);
    assert_eq!(r.owners, vec!["International Business Machines Corporation"]);
    assert_eq!(r.inventors, vec!["Nitzan Nissim", "Brian Pulito", "Asaf Zinger"]);
    assert_eq!(r.filing_date, date("2012-10-09"));
    assert_eq!(r.publication_date, date("2015-01-06"));
    assert_eq!(r.grant_date, date("2015-01-06"));
    assert_eq!(r.status, None);
    assert_eq!(r.ipc, vec!["G06F 15/16"]);
    assert!(r.cpc.is_empty());
    let abstract_text = r.abstract_text.as_deref().unwrap();
    assert!(
        abstract_text.starts_with("Processing mid-dialog SIP messages by receiving a mid-dialog SIP message")
    );
    assert!(abstract_text.ends_with("in the context of the new SIP session."));
    // 21 us-citations, of which 5 are non-patent literature.
    assert_eq!(r.citations.len(), 16);
    assert_eq!(
        r.citations[0],
        cited("US", "7844851", "B2", "2010-11-01", "cited by applicant")
    );
    assert!(
        r.citations
            .contains(&cited("US", "8078737", "B2", "2011-12-01", "cited by applicant"))
    );
    assert!(r.citations.contains(&cited(
        "US",
        "2007/0220302",
        "A1",
        "2007-09-01",
        "cited by examiner"
    )));
    assert_eq!(
        r.citations[15],
        cited("US", "2014/0101322", "A1", "2014-04-01", "cited by applicant")
    );
}

#[test]
fn uspto_us08926509_with_cpc() {
    let (_, records) = load("uspto_grant_v45_US08926509_with_cpc.xml");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.publication, doc("US", "08926509", "B2", "2015-01-06"));
    assert_eq!(r.application, Some(doc("US", "12134151", "", "2008-06-05")));
    assert_eq!(
        r.titles,
        titles(&[("en", "Wireless physiological sensor patches and systems")])
    );
    let people = [
        "Surendar Magar",
        "Venkateswara Rao Sattiraju",
        "Ali Niknejad",
        "Louis Yun",
        "James C. Beck",
    ];
    assert_eq!(r.applicants, people);
    assert_eq!(r.inventors, people);
    assert_eq!(r.owners, vec!["Hmicro, Inc."]);
    assert_eq!(r.filing_date, date("2008-06-05"));
    assert_eq!(r.grant_date, date("2015-01-06"));
    assert_eq!(
        r.ipc,
        [
            "A61B 5/00",
            "A61B 5/0205",
            "A61B 5/0404",
            "A61B 5/11",
            "H04L 29/08",
            "G06F 19/00",
            "H04W 88/00",
            "H04W 52/00",
            "H04W 84/00",
            "A61B 5/021",
            "A61B 5/024",
            "A61B 5/0476",
            "A61B 5/0488",
            "A61B 5/145",
        ]
    );
    // Main CPC first, then further CPC, then symbols only found in combination sets.
    assert_eq!(
        r.cpc,
        [
            "A61B 5/0205",
            "A61B 5/0024",
            "A61B 5/0404",
            "A61B 5/1112",
            "A61B 5/6833",
            "G06F 19/3418",
            "H04L 67/125",
            "H04L 67/04",
            "A61B 5/021",
            "A61B 5/02438",
            "A61B 5/0476",
            "A61B 5/0488",
            "A61B 5/14532",
            "A61B 5/7232",
            "A61B 2560/0209",
            "H04W 84/18",
            "H04W 88/08",
            "H04W 52/0235",
            "H04W 52/0274",
        ]
    );
    assert!(
        r.abstract_text
            .as_deref()
            .unwrap()
            .starts_with("The present invention provides methods, devices")
    );
    assert_eq!(r.citations.len(), 130);
    assert_eq!(
        r.citations[0],
        cited("US", "4313443", "A", "1982-02-01", "cited by applicant")
    );
    assert!(
        r.citations
            .contains(&cited("US", "D460971", "S", "2002-07-01", "cited by applicant"))
    );
    assert!(r.citations.contains(&cited(
        "WO",
        "WO 03/015838",
        "A2",
        "2003-02-01",
        "cited by applicant"
    )));
    assert!(r.citations.contains(&cited(
        "WO",
        "WO 03/015838",
        "A3",
        "2004-04-01",
        "cited by applicant"
    )));
}

#[test]
fn ep_b1_publication() {
    let (format, records) = load("epo_ep-patent-document_v1-5_EP3404678B1.xml");
    assert_eq!((format.as_str(), records.len()), ("ep", 1));
    let r = &records[0];
    assert_eq!(r.publication, doc("EP", "3404678", "B1", "2021-06-30"));
    assert_eq!(r.application, Some(doc("EP", "17171508.9", "", "2017-05-17")));
    assert_eq!(
        r.titles,
        titles(&[
            (
                "de",
                "HOCHSPANNUNGSANORDNUNG UND VERFAHREN ZUM BETREIBEN DER HOCHSPANNUNGSANORDNUNG"
            ),
            (
                "en",
                "HIGH VOLTAGE ASSEMBLY AND METHOD TO OPERATE THE HIGH VOLTAGE ASSEMBLY"
            ),
            (
                "fr",
                "ENSEMBLE À HAUTE TENSION ET PROCÉDÉ DE FONCTIONNEMENT DE L'ENSEMBLE À HAUTE TENSION"
            ),
        ])
    );
    // A B1 names proprietors (B730), not applicants (B710).
    assert!(r.applicants.is_empty());
    assert_eq!(r.owners, vec!["General Electric Technology GmbH"]);
    assert_eq!(r.inventors, vec!["HARTHUM, Jörg", "STIRL, Tobias"]);
    assert_eq!(r.filing_date, date("2017-05-17"));
    assert_eq!(r.publication_date, date("2021-06-30"));
    assert_eq!(r.grant_date, date("2021-06-30"));
    assert_eq!(r.ipc, vec!["H01F 27/14", "H01F 27/40"]);
    assert!(r.cpc.is_empty());
    assert_eq!(r.abstract_text, None);
    let uncategorized = |country: &str, number: &str, kind: &str| Citation {
        doc: doc(country, number, kind, ""),
        category: None,
    };
    assert_eq!(
        r.citations,
        vec![
            uncategorized("EP", "3 109 871", "A1"),
            uncategorized("FR", "84 247", "E"),
            uncategorized("GB", "693 448", "A"),
            uncategorized("US", "2008 197 955", "A1"),
        ]
    );
}

#[test]
fn ops_exchange_ep1000000a1() {
    let (format, records) = load("epo_ops_exchange_biblio_EP1000000A1.xml");
    assert_eq!((format.as_str(), records.len()), ("ops", 1));
    let r = &records[0];
    assert_eq!(r.publication, doc("EP", "1000000", "A1", "2000-05-17"));
    // The docdb id has no date; the epodoc id of the same application has.
    assert_eq!(r.application, Some(doc("EP", "99203729", "A", "1999-11-08")));
    assert_eq!(
        r.titles,
        titles(&[
            (
                "de",
                "Vorrichtung zur Herstellung von Steinformlingen für die Ziegelindustrie"
            ),
            (
                "fr",
                "Dispositif pour la fabrication de briques crues utilisées dans l'industrie manufacturière des briques"
            ),
            (
                "en",
                "Apparatus for manufacturing green bricks for the brick manufacturing industry"
            ),
        ])
    );
    assert_eq!(r.applicants, vec!["BEHEERMAATSCHAPPIJ DE BOER NIJMEGEN B.V"]);
    assert_eq!(r.inventors, vec!["KOSMAN, WILHELMUS JACOBUS MARIA"]);
    assert!(r.owners.is_empty());
    assert_eq!(r.filing_date, date("1999-11-08"));
    assert_eq!(r.publication_date, date("2000-05-17"));
    assert_eq!(r.grant_date, None);
    assert_eq!(r.ipc, vec!["B28B 1/29", "B28B 5/02", "B28B 7/00", "H02P 6/08"]);
    assert_eq!(r.cpc, vec!["B28B 1/29", "B28B 5/022", "B28B 7/0064"]);
    let abstract_text = r.abstract_text.as_deref().unwrap();
    assert!(
        abstract_text.starts_with("The invention relates to an apparatus (1) for manufacturing green bricks")
    );
    assert!(abstract_text.ends_with("at least one side of the green bricks. <IMAGE>"));
    assert_eq!(
        r.citations,
        vec![
            cited("DE", "3546191", "A1", "1987-07-02", "A"),
            cited("EP", "0680812", "A1", "1995-11-08", "A"),
            cited("NL", "9400663", "A", "1995-12-01", "A"),
        ]
    );
}

#[test]
fn ops_exchange_au2013290010a1() {
    let (_, records) = load("epo_ops_exchange_biblio_AU2013290010A1_cpc.xml");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.publication, doc("AU", "2013290010", "A1", "2015-02-05"));
    assert_eq!(r.application, Some(doc("AU", "2013290010", "A", "2013-07-12")));
    assert_eq!(r.titles, titles(&[("en", "Novel fuel composition")]));
    // "original" names, trailing separators trimmed, case-insensitive repeats dropped.
    assert_eq!(
        r.applicants,
        vec!["PRIMUS GREEN ENERGY INC", "BLUESCAPE CLEAN FUELS, LLC"]
    );
    assert_eq!(
        r.inventors,
        vec!["FANG, HOWARD L", "QIN, MEIFANG", "BEN-REUVEN, MOSHE"]
    );
    assert_eq!(r.ipc, vec!["C10L 1/00"]);
    assert_eq!(
        r.cpc,
        [
            "C07C 1/047",
            "C10L 1/04",
            "C10G 2300/1022",
            "C10G 2400/30",
            "C10L 2200/00",
            "C10L 2200/04"
        ]
    );
    assert!(
        r.abstract_text
            .as_deref()
            .unwrap()
            .starts_with("This invention relates to fuel compositions")
    );
    assert!(r.citations.is_empty());
}

#[test]
fn ops_exchange_jp2005533465a() {
    let (_, records) = load("epo_ops_exchange_biblio_JP2005533465A.xml");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.publication, doc("JP", "2005533465", "A", "2005-11-04"));
    assert_eq!(r.application, Some(doc("JP", "2005505120", "A", "2003-07-11")));
    // OPS has no title or parties for this one; the record is still complete otherwise.
    assert!(r.titles.is_empty() && r.applicants.is_empty() && r.inventors.is_empty());
    assert_eq!(
        r.ipc,
        [
            "G06T 9/00",
            "H03M 7/30",
            "H04B 1/66",
            "H04N 7/26",
            "H04N 7/36",
            "H04N 7/46",
            "H04N 7/50",
            "H04N 19/94"
        ]
    );
    assert_eq!(r.cpc.len(), 17);
    assert_eq!(r.cpc[..3], ["G06T 9/005", "H04N 19/13", "H04N 19/132"]);
    assert_eq!(r.cpc.last().map(String::as_str), Some("H04N 19/44"));
    assert_eq!(r.abstract_text, None);
    let uncategorized = |number: &str, on: &str| Citation {
        doc: doc("JP", number, "A", on),
        category: None,
    };
    assert_eq!(
        r.citations,
        vec![
            uncategorized("2004088737", "2004-03-18"),
            uncategorized("2004048632", "2004-02-12")
        ]
    );
}

#[test]
fn ops_family_ep1000000() {
    let (format, records) = load("epo_ops_family_EP1000000.xml");
    assert_eq!(format, Format::OpsExchange);
    let members: Vec<_> = records.iter().map(|r| r.publication.clone()).collect();
    assert_eq!(
        members,
        vec![
            doc("EP", "1000000", "A1", "2000-05-17"),
            doc("EP", "1000000", "B1", "2003-02-12"),
            doc("AT", "232441", "T", "2003-02-15"),
            doc("DE", "69905327", "D1", "2003-03-20"),
            doc("NL", "1010536", "C2", "2000-05-15"),
            doc("US", "6093011", "A", "2000-07-25"),
        ]
    );
    let us = &records[5];
    assert_eq!(us.application, Some(doc("US", "20685698", "A", "1998-12-08")));
    assert_eq!(us.filing_date, date("1998-12-08"));
    assert_eq!(us.publication_date, date("2000-07-25"));
    // This family response carries numbers only.
    assert!(
        records
            .iter()
            .all(|r| r.titles.is_empty() && r.applicants.is_empty())
    );
}

#[test]
fn kipris_word_search() {
    let (format, records) = load("kipris_plus_getWordSearch_official_sample.xml");
    assert_eq!((format.as_str(), records.len()), ("kipris", 2));
    let first = &records[0];
    assert_eq!(first.publication, doc("KR", "1000319440000", "", "1990-02-28"));
    assert_eq!(
        first.other_publications,
        vec![
            doc("KR", "1019890002319", "", "1989-06-30"),
            doc("KR", "1019870006388", "", "1987-07-11")
        ]
    );
    assert_eq!(
        first.application,
        Some(doc("KR", "1019850010013", "", "1985-12-30"))
    );
    assert_eq!(
        first.titles,
        titles(&[(
            "ko",
            "회전체의센서와센서의엔코더(SENSOR AND SENSOR ENCODER FOR ROTATOR)"
        )])
    );
    assert_eq!(first.applicants, vec!["이두수"]);
    assert_eq!(first.status.as_deref(), Some("소멸"));
    assert_eq!(first.filing_date, date("1985-12-30"));
    assert_eq!(first.publication_date, date("1989-06-30"));
    assert_eq!(first.grant_date, date("1990-02-28"));
    assert_eq!(first.ipc, vec!["G01D 5/00"]);
    assert_eq!(first.abstract_text.as_deref(), Some("내용 없음."));

    let second = &records[1];
    assert_eq!(second.publication, doc("KR", "1000470810000", "", "1991-12-19"));
    assert_eq!(
        second.other_publications,
        vec![doc("KR", "1019900004564", "", "1990-04-12")]
    );
    assert_eq!(
        second.application,
        Some(doc("KR", "1019880012313", "", "1988-09-23"))
    );
    assert_eq!(second.titles, titles(&[("ko", "자동차도난방지시스템")]));
    assert_eq!(second.applicants, vec!["스나미사다가쓰"]);
    assert_eq!(second.status.as_deref(), Some("소멸"));
    assert_eq!(second.publication_date, date("1990-04-12"));
    assert_eq!(second.ipc, vec!["B60R 25/00", "B60R 25/01"]);
}
