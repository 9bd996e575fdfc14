//! EPO OPS `ops:world-patent-data`: bibliographic exchange documents and patent families.
//!
//! Every `exchange-document` is a record. In a family file every `ops:family-member` is a
//! record: with the member's bibliographic data when the response includes it (an
//! `exchange-document` inside the member), otherwise just its publication and application
//! numbers and dates, so that the family's members can at least be linked.

use super::xml::{self, Node, Spec};
use super::{Citation, DocRef, Format, RightRecord, normalize_class, push_unique};

pub(crate) static SPEC: Spec = Spec {
    records: &["exchange-document", "family-member"],
    skip: &["description", "claims"],
    convert: record,
};

fn record(node: &Node) -> Result<RightRecord, String> {
    if node.name == "family-member" {
        family_member(node)
    } else {
        exchange_document(node, None)
    }
}

fn family_member(member: &Node) -> Result<RightRecord, String> {
    let publication = member.at("publication-reference").and_then(reference);
    let application = member.at("application-reference").and_then(reference);
    let mut r = match member.at("exchange-document") {
        Some(doc) => exchange_document(doc, publication.clone())?,
        None => RightRecord::new(
            Format::OpsExchange,
            publication.clone().ok_or("no publication number")?,
        ),
    };
    // The member's own references carry dates that the embedded document may lack.
    if let Some(publication) = publication
        && r.publication.date.is_none()
    {
        r.publication.date = publication.date;
    }
    r.publication_date = r.publication_date.or(r.publication.date);
    if r.application.is_none() {
        r.application = application;
    }
    r.filing_date = r
        .filing_date
        .or_else(|| r.application.as_ref().and_then(|a| a.date));
    Ok(r)
}

/// `member_publication`: the family member's own reference, for a document that prints none.
fn exchange_document(doc: &Node, member_publication: Option<DocRef>) -> Result<RightRecord, String> {
    let biblio = doc.at("bibliographic-data");
    let printed = biblio
        .and_then(|b| b.at("publication-reference"))
        .and_then(reference);
    let publication = match doc.attr("doc-number").filter(|n| !n.trim().is_empty()) {
        Some(number) => DocRef {
            country: doc.attr("country").map(str::to_owned),
            number: number.trim().to_owned(),
            kind: doc.attr("kind").map(str::to_owned),
            date: printed.and_then(|p| p.date),
        },
        None => printed.or(member_publication).ok_or("no publication number")?,
    };
    let mut r = RightRecord::new(Format::OpsExchange, publication);
    r.publication_date = r.publication.date;
    r.abstract_text = abstract_text(doc);
    let Some(biblio) = biblio else { return Ok(r) };

    r.application = biblio.at("application-reference").and_then(reference);
    r.filing_date = r.application.as_ref().and_then(|a| a.date);
    for title in biblio.all("invention-title") {
        r.titles
            .push((title.attr("lang").map(str::to_ascii_lowercase), title.text()));
    }
    r.applicants = names(biblio.all("parties/applicants/applicant"), "applicant-name/name");
    r.inventors = names(biblio.all("parties/inventors/inventor"), "inventor-name/name");

    // IPCR when present; the older classification-ipc only for documents without it.
    let mut ipc = biblio.all("classifications-ipcr/classification-ipcr/text");
    if ipc.is_empty() {
        ipc = biblio.all("classification-ipc/text");
    }
    for symbol in ipc.into_iter().filter_map(|t| normalize_class(&t.text())) {
        push_unique(&mut r.ipc, symbol);
    }
    for class in biblio.all("patent-classifications/patent-classification") {
        let scheme = class
            .at("classification-scheme")
            .and_then(|s| s.attr("scheme"))
            .unwrap_or("");
        if scheme.starts_with("CPC")
            && let Some(symbol) = xml::class_from_parts(class)
        {
            push_unique(&mut r.cpc, symbol);
        }
    }
    for citation in biblio.all("references-cited/citation") {
        let Some(doc) = citation.at("patcit").and_then(preferred_id) else {
            continue;
        };
        let cited_by = citation
            .attr("cited-by")
            .filter(|c| *c != "unknown")
            .map(|c| format!("cited by {c}"));
        r.citations.push(Citation {
            doc,
            category: citation.text_at("category").or(cited_by),
        });
    }
    Ok(r)
}

/// A publication/application reference: the docdb id for country/number/kind, with the date
/// taken from whichever id prints one (OPS often dates only the epodoc id).
fn reference(node: &Node) -> Option<DocRef> {
    let mut id = preferred_id(node)?;
    if id.date.is_none() {
        id.date = node
            .all("document-id")
            .into_iter()
            .filter_map(xml::document_id)
            .find_map(|d| d.date);
    }
    Some(id)
}

/// The docdb document-id (country, number and kind apart), else the first one printed.
fn preferred_id(node: &Node) -> Option<DocRef> {
    let ids = node.all("document-id");
    let docdb = ids.iter().find(|id| id.attr("document-id-type") == Some("docdb"));
    docdb
        .into_iter()
        .chain(ids.iter())
        .find_map(|id| xml::document_id(id))
}

/// Party names in the office's "original" spelling when given (the epodoc form is upper-cased
/// and drops co-applicants), else epodoc; trailing separators trimmed and case-insensitive
/// duplicates dropped, since OPS repeats names in several spellings.
fn names(parties: Vec<&Node>, path: &str) -> Vec<String> {
    let has_original = parties.iter().any(|p| p.attr("data-format") == Some("original"));
    let mut out: Vec<String> = Vec::new();
    for party in parties {
        if has_original && party.attr("data-format") != Some("original") {
            continue;
        }
        let Some(name) = party.text_at(path) else { continue };
        let name = name.trim_end_matches([',', ' ']).to_owned();
        if !name.is_empty() && !out.iter().any(|n| n.to_lowercase() == name.to_lowercase()) {
            out.push(name);
        }
    }
    out
}

/// The English abstract when there are several languages, else the first one.
fn abstract_text(doc: &Node) -> Option<String> {
    let abstracts = doc.all("abstract");
    let english = abstracts.iter().find(|a| a.attr("lang") == Some("en"));
    english.or(abstracts.first()).and_then(|a| a.paragraphs())
}

#[cfg(test)]
mod tests {
    use crate::import::{Format, read};

    #[test]
    fn several_exchange_documents_and_a_bare_member() {
        let xml = r#"<ops:world-patent-data xmlns="http://www.epo.org/exchange" xmlns:ops="http://ops.epo.org">
          <ops:biblio-search><ops:search-result><exchange-documents>
            <exchange-document country="EP" doc-number="1000001" kind="A1">
              <bibliographic-data><invention-title lang="en">One</invention-title></bibliographic-data>
            </exchange-document>
            <exchange-document country="EP" doc-number="" kind="A1" status="not found"/>
            <exchange-document country="EP" doc-number="1000002" kind="B1"/>
          </exchange-documents></ops:search-result></ops:biblio-search></ops:world-patent-data>"#;
        let records: Vec<_> = read(xml.as_bytes(), Format::OpsExchange).collect();
        assert_eq!(records.len(), 3);
        assert_eq!(
            records[0].as_ref().unwrap().titles,
            vec![(Some("en".into()), "One".into())]
        );
        let missing = records[1].as_ref().unwrap_err();
        assert_eq!(
            (missing.index, missing.reason.as_str()),
            (2, "no publication number")
        );
        assert_eq!(
            records[2].as_ref().unwrap().publication.kind.as_deref(),
            Some("B1")
        );
    }

    #[test]
    fn family_member_with_biblio() {
        let xml = r#"<ops:world-patent-data xmlns:ops="http://ops.epo.org"><ops:patent-family>
          <ops:family-member family-id="1">
            <publication-reference><document-id document-id-type="docdb"><country>EP</country>
              <doc-number>1000000</doc-number><kind>B1</kind><date>20030212</date></document-id></publication-reference>
            <application-reference><document-id document-id-type="docdb"><country>EP</country>
              <doc-number>99203729</doc-number><date>19991108</date></document-id></application-reference>
            <exchange-document><bibliographic-data>
              <invention-title lang="EN">Bricks</invention-title>
              <parties><applicants><applicant data-format="epodoc"><applicant-name><name>BOER [NL]</name>
              </applicant-name></applicant></applicants></parties>
            </bibliographic-data></exchange-document>
          </ops:family-member></ops:patent-family></ops:world-patent-data>"#;
        let records: Vec<_> = read(xml.as_bytes(), Format::OpsExchange).collect();
        assert_eq!(records.len(), 1);
        let r = records[0].as_ref().unwrap();
        assert_eq!(
            (r.publication.number.as_str(), r.publication.kind.as_deref()),
            ("1000000", Some("B1"))
        );
        assert_eq!(r.titles, vec![(Some("en".into()), "Bricks".into())]);
        assert_eq!(r.applicants, vec!["BOER [NL]"]);
        assert_eq!(r.filing_date, chrono::NaiveDate::from_ymd_opt(1999, 11, 8));
    }
}
