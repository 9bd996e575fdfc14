//! EP publication server XML (`ep-patent-document`): the bibliographic data sits in the SDOBI
//! block under INID-style tags (B110 number, B130 kind, B140 date, B210/B220 application,
//! B510EP IPC, B540 titles, B711 applicants, B721 inventors, B731 proprietors, B561 citations).

use super::xml::{Node, Spec};
use super::{Citation, DocRef, Format, RightRecord, collapse, normalize_class, parse_date, push_unique};

pub(crate) static SPEC: Spec = Spec {
    records: &["ep-patent-document"],
    // The reference list repeats the description's citations; B560 is the official list.
    skip: &[
        "description",
        "claims",
        "drawings",
        "ep-reference-list",
        "search-report-data",
    ],
    convert: record,
};

fn record(root: &Node) -> Result<RightRecord, String> {
    let sdobi = root.at("SDOBI");
    let at = |path: &str| sdobi.and_then(|s| s.text_at(path));
    let date_at = |path: &str| at(path).as_deref().and_then(parse_date);
    let attr = |name: &str| {
        root.attr(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    };

    let number = at("B100/B110")
        .or_else(|| attr("doc-number"))
        .ok_or("no publication number")?;
    let country = at("B100/B190").or_else(|| attr("country"));
    let publication = DocRef {
        country: country.clone(),
        number,
        kind: at("B100/B130").or_else(|| attr("kind")),
        date: date_at("B100/B140/date").or_else(|| attr("date-publ").as_deref().and_then(parse_date)),
    };
    let mut r = RightRecord::new(Format::EpDocument, publication);
    r.publication_date = r.publication.date;
    if r.publication.kind.as_deref().is_some_and(|k| k.starts_with('B')) {
        r.grant_date = date_at("B400/B450/date");
    }
    r.filing_date = date_at("B200/B220/date");
    r.application = at("B200/B210").map(|number| DocRef {
        country,
        number,
        kind: None,
        date: r.filing_date,
    });
    r.abstract_text = root.at("abstract").and_then(Node::paragraphs);
    let Some(sdobi) = sdobi else { return Ok(r) };

    // B540 lists titles as alternating B541 (language) and B542 (title) siblings.
    let mut lang = None;
    for tag in sdobi.all("B500/B540").into_iter().flat_map(Node::elements) {
        match tag.name.as_str() {
            "B541" => lang = Some(tag.text().to_ascii_lowercase()),
            "B542" => r.titles.push((lang.take(), tag.text())),
            _ => {}
        }
    }
    let names = |path: &str| {
        sdobi
            .all(path)
            .into_iter()
            .filter_map(|p| p.text_at("snm"))
            .collect()
    };
    r.applicants = names("B700/B710/B711");
    r.inventors = names("B700/B720/B721");
    r.owners = names("B700/B730/B731");

    // B510EP (IPCR text) in current documents; B511/B512 in older ones.
    let ipc = [
        "B500/B510EP/classification-ipcr/text",
        "B500/B510/B511",
        "B500/B510/B512",
    ];
    for text in ipc.into_iter().flat_map(|path| sdobi.all(path)) {
        if let Some(symbol) = normalize_class(&text.text()) {
            push_unique(&mut r.ipc, symbol);
        }
    }
    for cited in sdobi.all("B500/B560/B561") {
        let text = cited.text();
        if !text.is_empty() {
            r.citations.push(Citation {
                doc: cited_document(&text),
                category: None,
            });
        }
    }
    Ok(r)
}

/// B561 prints citations as "EP-A1- 3 109 871" (country, kind, number as printed); text in
/// another shape is kept whole as the number.
fn cited_document(text: &str) -> DocRef {
    let mut parts = text.splitn(3, '-');
    if let (Some(country), Some(kind), Some(number)) = (parts.next(), parts.next(), parts.next()) {
        let country = country.trim();
        let kind = kind.trim();
        let number = collapse(number);
        let is_country = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
        let is_kind = (1..=2).contains(&kind.len()) && kind.bytes().all(|b| b.is_ascii_alphanumeric());
        if is_country && is_kind && !number.is_empty() {
            return DocRef {
                country: Some(country.into()),
                number,
                kind: Some(kind.into()),
                date: None,
            };
        }
    }
    DocRef {
        number: text.to_owned(),
        ..DocRef::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_b561_citations() {
        let doc = cited_document("US-A1- 2008 197 955");
        assert_eq!(
            (doc.country.as_deref(), doc.kind.as_deref(), doc.number.as_str()),
            (Some("US"), Some("A1"), "2008 197 955")
        );
        assert_eq!(cited_document("WO-A1-2016/123456").number, "2016/123456");
        assert_eq!(cited_document("see annex").number, "see annex");
    }
}
