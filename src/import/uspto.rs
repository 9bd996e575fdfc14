//! USPTO grant full text (`us-patent-grant` v4.x). The weekly files are many complete XML
//! documents concatenated, each with its own `<?xml …?>` and DOCTYPE, so the byte stream is
//! first cut at those declarations and each document is parsed on its own: a broken document
//! then costs one record, not the rest of the week.

use std::io::{self, BufRead};

use super::xml::{self, Broken, Node, Spec, Subtrees};
use super::{Citation, Format, RecordError, RightRecord, push_unique};

pub(crate) static SPEC: Spec = Spec {
    records: &["us-patent-grant"],
    skip: &["description", "claims", "drawings"],
    convert: record,
};

const DECLARATION: &[u8] = b"<?xml";
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Records of a (possibly concatenated) USPTO grant file.
pub(crate) struct Documents<R> {
    source: R,
    /// The current document so far; after a cut it starts with the next document's declaration.
    pending: Vec<u8>,
    index: usize,
    eof: bool,
}

impl<R: BufRead> Documents<R> {
    pub fn new(source: R) -> Self {
        Documents {
            source,
            pending: Vec::new(),
            index: 0,
            eof: false,
        }
    }

    /// The bytes of the next document. Each line is searched once, so the cost stays linear in
    /// the file size however many documents it holds.
    fn next_document(&mut self) -> io::Result<Option<Vec<u8>>> {
        // Position 0 of `pending` is the current document's own declaration.
        let mut search_from = 1;
        loop {
            if let Some(at) = cut_point(&self.pending, search_from) {
                let next = self.pending.split_off(at);
                return Ok(Some(std::mem::replace(&mut self.pending, next)));
            }
            // Re-search the last few bytes: a declaration cut off at the end needs its next byte.
            search_from = self.pending.len().saturating_sub(DECLARATION.len()).max(1);
            if self.eof || self.source.read_until(b'\n', &mut self.pending)? == 0 {
                self.eof = true;
                let doc = std::mem::take(&mut self.pending);
                return Ok(has_content(&doc).then_some(doc));
            }
            if self.index == 0 && self.pending.starts_with(BOM) {
                self.pending.drain(..BOM.len());
            }
        }
    }
}

impl<R: BufRead> Iterator for Documents<R> {
    type Item = Result<RightRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        let doc = match self.next_document() {
            Ok(doc) => doc?,
            Err(e) => {
                // A failing source cannot be trusted to resume: report once and stop.
                self.eof = true;
                self.pending.clear();
                self.index += 1;
                let reason = format!("cannot read the file: {e}");
                return Some(Err(RecordError {
                    index: self.index,
                    number: None,
                    reason,
                }));
            }
        };
        self.index += 1;
        let tree = Subtrees::new(doc.as_slice(), &SPEC).next().unwrap_or_else(|| {
            Err(Broken {
                partial: None,
                reason: "no <us-patent-grant> element".into(),
            })
        });
        Some(xml::to_record(&SPEC, self.index, tree))
    }
}

/// Where the next document starts: an `<?xml` declaration at or after `from` with something
/// other than whitespace before it.
fn cut_point(buf: &[u8], from: usize) -> Option<usize> {
    let mut start = from;
    while start + DECLARATION.len() < buf.len() {
        let at = start
            + buf[start..]
                .windows(DECLARATION.len())
                .position(|w| w == DECLARATION)?;
        // `<?xml-stylesheet` is a processing instruction, not a declaration.
        let is_declaration = buf
            .get(at + DECLARATION.len())
            .is_some_and(u8::is_ascii_whitespace);
        if is_declaration && has_content(&buf[..at]) {
            return Some(at);
        }
        start = at + 1;
    }
    None
}

fn has_content(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| !b.is_ascii_whitespace())
}

fn record(root: &Node) -> Result<RightRecord, String> {
    let no_number = || "no publication number".to_owned();
    let biblio = root.at("us-bibliographic-data-grant").ok_or_else(no_number)?;
    let publication = biblio
        .at("publication-reference/document-id")
        .and_then(xml::document_id)
        .ok_or_else(no_number)?;
    let mut r = RightRecord::new(Format::UsptoGrant, publication);
    r.publication_date = r.publication.date;
    // A grant file is the grant itself, published on its issue date.
    r.grant_date = r.publication.date;
    r.application = biblio
        .at("application-reference/document-id")
        .and_then(xml::document_id);
    r.filing_date = r.application.as_ref().and_then(|a| a.date);
    r.kind_of_right = biblio
        .at("application-reference")
        .and_then(|a| a.attr("appl-type"))
        .map(str::to_owned);

    let document_lang = root.attr("lang");
    for title in biblio.all("invention-title") {
        let lang = title.attr("lang").or(document_lang).map(str::to_ascii_lowercase);
        r.titles.push((lang, title.text()));
    }
    // v4.2+ keep parties in us-parties; earlier v4.x in parties.
    for parties in ["us-parties", "parties"] {
        for book in biblio.all(&format!("{parties}/us-applicants/us-applicant/addressbook")) {
            r.applicants.extend(party_name(book));
        }
        for book in biblio.all(&format!("{parties}/applicants/applicant/addressbook")) {
            r.applicants.extend(party_name(book));
        }
        for book in biblio.all(&format!("{parties}/inventors/inventor/addressbook")) {
            r.inventors.extend(party_name(book));
        }
    }
    for assignee in biblio.all("assignees/assignee") {
        r.owners.extend(
            assignee
                .at("addressbook")
                .map_or_else(|| party_name(assignee), party_name),
        );
    }

    for symbol in biblio
        .all("classifications-ipcr/classification-ipcr")
        .into_iter()
        .filter_map(xml::class_from_parts)
    {
        push_unique(&mut r.ipc, symbol);
    }
    let mut cpcs = Vec::new();
    if let Some(cpc) = biblio.at("classifications-cpc") {
        // Includes the members of combination sets, which name symbols found nowhere else.
        cpc.descendants("classification-cpc", &mut cpcs);
    }
    for symbol in cpcs.into_iter().filter_map(xml::class_from_parts) {
        push_unique(&mut r.cpc, symbol);
    }

    r.abstract_text = root.at("abstract").and_then(Node::paragraphs);
    for list in ["us-references-cited/us-citation", "references-cited/citation"] {
        for citation in biblio.all(list) {
            // Non-patent literature (nplcit) has no document-id and is left out.
            if let Some(doc) = citation.at("patcit/document-id").and_then(xml::document_id) {
                r.citations.push(Citation {
                    doc,
                    category: citation.text_at("category"),
                });
            }
        }
    }
    Ok(r)
}

/// "Organisation" as printed, or "First Last" for a person.
fn party_name(book: &Node) -> Option<String> {
    if let Some(org) = book.text_at("orgname") {
        return Some(org);
    }
    let name = [book.text_at("first-name"), book.text_at("last-name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        book.text_at("name")
    } else {
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{Format, read};

    fn grant(number: &str, extra: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v45-2014-04-03.dtd" [ ]>
<us-patent-grant lang="EN" dtd-version="v4.5 2014-04-03">
<us-bibliographic-data-grant>
<publication-reference><document-id><country>US</country><doc-number>{number}</doc-number><kind>B2</kind><date>20150106</date></document-id></publication-reference>
<application-reference appl-type="utility"><document-id><country>US</country><doc-number>13648029</doc-number><date>20121009</date></document-id></application-reference>
<invention-title id="d2e53">Title of {number}{extra}</invention-title>
</us-bibliographic-data-grant>
<claims><claim><claim-text>A claim &lsquo;never&rsquo; read.</claim-text></claim></claims>
</us-patent-grant>
"#
        )
    }

    fn numbers(file: &str) -> Vec<Result<String, (usize, Option<String>)>> {
        read(file.as_bytes(), Format::UsptoGrant)
            .map(|r| r.map(|r| r.publication.number).map_err(|e| (e.index, e.number)))
            .collect()
    }

    #[test]
    fn broken_document_costs_only_itself() {
        let broken = grant("08000002", "").replace("</invention-title>", "</invention-titel>");
        let file = grant("08000001", "") + &broken + &grant("08000003", "");
        assert_eq!(
            numbers(&file),
            vec![
                Ok("08000001".into()),
                Err((2, Some("08000002".into()))),
                Ok("08000003".into())
            ]
        );
    }

    #[test]
    fn missing_number_and_truncated_last_document() {
        let no_number = grant("", "");
        let truncated = &grant("08000009", "")[..600];
        let file = format!("\u{feff}{}{no_number}{truncated}", grant("08000001", ""));
        let records: Vec<_> = read(file.as_bytes(), Format::UsptoGrant).collect();
        assert_eq!(records[0].as_ref().unwrap().publication.number, "08000001");
        let missing = records[1].as_ref().unwrap_err();
        assert_eq!(
            (missing.index, missing.reason.as_str()),
            (2, "no publication number")
        );
        let cut = records[2].as_ref().unwrap_err();
        assert_eq!((cut.index, cut.number.as_deref()), (3, Some("08000009")));
        assert_eq!(records.len(), 3);
    }

    #[test]
    fn entities_from_the_dtd() {
        let file = grant(
            "08000001",
            " &lsquo;x&rsquo; &mdash; &#x2019;&#8217; &amp; &frobnicate; end",
        );
        let record = read(file.as_bytes(), Format::UsptoGrant).next().unwrap().unwrap();
        assert_eq!(
            record.titles,
            vec![(
                Some("en".into()),
                "Title of 08000001 ‘x’ — ’’ & &frobnicate; end".into()
            )]
        );
        assert_eq!(record.kind_of_right.as_deref(), Some("utility"));
    }

    #[test]
    fn declarations_on_one_line_and_stylesheet_pis() {
        let one_line = format!(
            "{}{}",
            grant("08000001", "").replace('\n', " "),
            grant("08000002", "").replace("<?xml version", "<?xml-stylesheet href=\"a\"?><?xml version")
        );
        assert_eq!(
            numbers(&one_line),
            vec![Ok("08000001".into()), Ok("08000002".into())]
        );
        assert!(numbers(" \n ").is_empty());
    }

    #[test]
    fn many_concatenated_documents_stream_in_linear_time() {
        const COUNT: usize = 2_000;
        let file: String = (0..COUNT)
            .map(|i| grant(&format!("{:08}", 9_000_000 + i), ""))
            .collect();
        let started = std::time::Instant::now();
        let mut seen = 0;
        for (i, record) in read(file.as_bytes(), Format::UsptoGrant).enumerate() {
            assert_eq!(
                record.unwrap().publication.number,
                format!("{:08}", 9_000_000 + i)
            );
            seen += 1;
        }
        assert_eq!(seen, COUNT);
        // Linear reading takes well under a second even unoptimised; rescanning the growing
        // input per document would take minutes. The bound leaves room for a loaded machine.
        assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
    }
}
