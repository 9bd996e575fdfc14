//! The reading path shared by the XML formats: a streaming pass over quick-xml events that
//! cuts out one record element at a time (`exchange-document`, `item`, …) as a small tree, which
//! the format modules then query by path. Only one record's tree exists at a time, and subtrees
//! that no record field needs (description, claims, drawings) are skipped without being built.

use std::io::BufRead;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::{DocRef, RecordError, RightRecord, class_symbol, collapse, parse_date};

/// What a format needs from the shared reader.
pub(crate) struct Spec {
    /// Local names (namespace prefix stripped) of the elements that each hold one record.
    pub records: &'static [&'static str],
    /// Local names of subtrees inside a record that are not read.
    pub skip: &'static [&'static str],
    /// Turns one record tree into a record; the error is the reason shown to the user.
    pub convert: fn(&Node) -> Result<RightRecord, String>,
}

/// An element with its attributes and content, names without namespace prefix.
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Child>,
}

#[derive(Debug)]
enum Child {
    Element(Node),
    Text(String),
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements in document order.
    pub fn elements(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(n) => Some(n),
            Child::Text(_) => None,
        })
    }

    /// All elements reached by following `path` ("a/b/c") through child elements.
    pub fn all<'a>(&'a self, path: &str) -> Vec<&'a Node> {
        let mut current = vec![self];
        for step in path.split('/') {
            current = current
                .into_iter()
                .flat_map(|n| n.elements().filter(|c| c.name == step))
                .collect();
        }
        current
    }

    /// The first element at `path`.
    pub fn at(&self, path: &str) -> Option<&Node> {
        self.all(path).into_iter().next()
    }

    /// Collapsed text of the first element at `path`, if it has any.
    pub fn text_at(&self, path: &str) -> Option<String> {
        self.at(path).map(Node::text).filter(|t| !t.is_empty())
    }

    /// All descendants named `name`, depth first.
    pub fn descendants<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        for child in self.elements() {
            if child.name == name {
                out.push(child);
            }
            child.descendants(name, out);
        }
    }

    /// All text inside the element, whitespace collapsed. Inline markup (`<b>`, `<sub>`) adds
    /// no space, so "H<sub>2</sub>O" stays "H2O".
    pub fn text(&self) -> String {
        let mut raw = String::new();
        self.raw_text(&mut raw);
        collapse(&raw)
    }

    fn raw_text(&self, out: &mut String) {
        for child in &self.children {
            match child {
                Child::Text(t) => out.push_str(t),
                Child::Element(n) => n.raw_text(out),
            }
        }
    }

    /// Text split into its `<p>` paragraphs joined by a blank line (abstracts); the whole text
    /// when there are no paragraphs.
    pub fn paragraphs(&self) -> Option<String> {
        let mut ps = Vec::new();
        self.descendants("p", &mut ps);
        let text = if ps.is_empty() {
            self.text()
        } else {
            ps.iter()
                .map(|p| p.text())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        (!text.is_empty()).then_some(text)
    }

    fn push_text(&mut self, text: &str) {
        match self.children.last_mut() {
            Some(Child::Text(t)) => t.push_str(text),
            _ => self.children.push(Child::Text(text.to_owned())),
        }
    }
}

/// A record element that could not be read to its end.
pub(crate) struct Broken {
    /// What had been read of the record, to recover its number for the error report.
    pub partial: Option<Node>,
    pub reason: String,
}

/// Cuts record trees out of an XML stream.
pub(crate) struct Subtrees<R> {
    reader: Reader<R>,
    buf: Vec<u8>,
    spec: &'static Spec,
    done: bool,
}

impl<R: BufRead> Subtrees<R> {
    pub fn new(source: R, spec: &'static Spec) -> Self {
        Subtrees {
            reader: Reader::from_reader(source),
            buf: Vec::new(),
            spec,
            done: false,
        }
    }

    fn next_tree(&mut self) -> Result<Option<Node>, Broken> {
        let mut open: Vec<Node> = Vec::new();
        // Depth inside a skipped subtree; 0 when not skipping.
        let mut skipping = 0usize;
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => {
                    let position = self.reader.error_position();
                    return Err(broken(
                        open,
                        format!("broken XML at byte {position} of the document: {e}"),
                    ));
                }
            };
            if skipping > 0 {
                match event {
                    Event::Start(_) => skipping += 1,
                    Event::End(_) => skipping -= 1,
                    Event::Eof => return Err(ends_inside(open)),
                    _ => {}
                }
                continue;
            }
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(start) | Event::Empty(start) if open.is_empty() => {
                    let name = local_name(&start);
                    if self.spec.records.contains(&name.as_str()) {
                        let node = element(&self.reader, &start, name);
                        if empty {
                            return Ok(Some(node));
                        }
                        open.push(node);
                    }
                }
                Event::Start(start) => {
                    let name = local_name(&start);
                    if self.spec.skip.contains(&name.as_str()) {
                        skipping = 1;
                    } else {
                        open.push(element(&self.reader, &start, name));
                    }
                }
                Event::Empty(start) => {
                    let name = local_name(&start);
                    let node = element(&self.reader, &start, name);
                    attach(&mut open, node);
                }
                Event::End(_) => {
                    if let Some(node) = open.pop() {
                        if open.is_empty() {
                            return Ok(Some(node));
                        }
                        attach(&mut open, node);
                    }
                }
                Event::Text(text) => {
                    if let Some(top) = open.last_mut() {
                        top.push_text(&String::from_utf8_lossy(&text));
                    }
                }
                Event::CData(data) => {
                    if let Some(top) = open.last_mut() {
                        top.push_text(&String::from_utf8_lossy(&data));
                    }
                }
                Event::GeneralRef(reference) => {
                    if let Some(top) = open.last_mut() {
                        top.push_text(&resolve_reference(&reference));
                    }
                }
                Event::Eof if open.is_empty() => return Ok(None),
                Event::Eof => return Err(ends_inside(open)),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }
}

impl<R: BufRead> Iterator for Subtrees<R> {
    type Item = Result<Node, Broken>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = self.next_tree();
        // After broken XML there is no reliable point to resume within the same document.
        self.done = !matches!(result, Ok(Some(_)));
        result.transpose()
    }
}

/// Records of a one-document XML file (OPS, EP, KIPRIS).
pub(crate) struct Records<R> {
    trees: Subtrees<R>,
    index: usize,
}

impl<R: BufRead> Records<R> {
    pub fn new(source: R, spec: &'static Spec) -> Self {
        Records {
            trees: Subtrees::new(source, spec),
            index: 0,
        }
    }
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<RightRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        let tree = self.trees.next()?;
        self.index += 1;
        Some(to_record(self.trees.spec, self.index, tree))
    }
}

/// Converts a record tree, or reports why it could not be read.
pub(crate) fn to_record(
    spec: &Spec,
    index: usize,
    tree: Result<Node, Broken>,
) -> Result<RightRecord, RecordError> {
    match tree {
        Ok(node) => (spec.convert)(&node).map_err(|reason| RecordError {
            index,
            number: None,
            reason,
        }),
        Err(Broken { partial, reason }) => {
            let number = partial
                .and_then(|n| (spec.convert)(&n).ok())
                .map(|r| r.publication.number);
            Err(RecordError {
                index,
                number,
                reason,
            })
        }
    }
}

/// Reads a WIPO ST.36 style `<document-id>` (country, doc-number, kind, date), which USPTO, OPS
/// and EP files share; `None` without a doc-number.
pub(crate) fn document_id(id: &Node) -> Option<DocRef> {
    Some(DocRef {
        number: id.text_at("doc-number")?,
        country: id.text_at("country"),
        kind: id.text_at("kind"),
        date: id.text_at("date").as_deref().and_then(parse_date),
    })
}

/// Builds "A61B 5/0205" from section/class/subclass/main-group/subgroup child elements
/// (USPTO classification-ipcr/-cpc, OPS patent-classification).
pub(crate) fn class_from_parts(node: &Node) -> Option<String> {
    let subclass = format!(
        "{}{}{}",
        node.text_at("section")?,
        node.text_at("class")?,
        node.text_at("subclass")?
    );
    Some(class_symbol(
        &subclass,
        &node.text_at("main-group")?,
        &node.text_at("subgroup")?,
    ))
}

/// Name of the root element of a (possibly truncated) XML head, for format detection. Falls
/// back to the DOCTYPE name when the head ends before the root element.
pub(crate) fn root_name(head: &[u8]) -> Option<String> {
    let mut reader = Reader::from_reader(head);
    let mut buf = Vec::new();
    let mut doctype = None;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => return Some(local_name(&e)),
            Ok(Event::DocType(d)) => {
                doctype = String::from_utf8_lossy(&d)
                    .split_whitespace()
                    .next()
                    .map(str::to_owned);
            }
            Ok(Event::Eof) | Err(_) => return doctype,
            Ok(_) => {}
        }
    }
}

fn local_name(start: &BytesStart) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

fn element<R>(reader: &Reader<R>, start: &BytesStart, name: String) -> Node {
    let attrs = start
        .attributes()
        .with_checks(false)
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            // An unknown entity in a value must not lose the value: keep it undecoded then.
            let value = a
                .decode_and_unescape_value_with(reader.decoder(), named_entity)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (key, value)
        })
        .collect();
    Node {
        name,
        attrs,
        children: Vec::new(),
    }
}

fn attach(open: &mut [Node], node: Node) {
    if let Some(parent) = open.last_mut() {
        parent.children.push(Child::Element(node));
    }
}

/// Folds the still-open elements into the record's root so its number can still be read.
fn broken(mut open: Vec<Node>, reason: String) -> Broken {
    while open.len() > 1 {
        let node = open.pop().expect("len > 1");
        attach(&mut open, node);
    }
    Broken {
        partial: open.pop(),
        reason,
    }
}

fn ends_inside(open: Vec<Node>) -> Broken {
    let reason = format!(
        "file ends inside <{}>",
        open.first().map_or("", |n| n.name.as_str())
    );
    broken(open, reason)
}

/// Character references are decoded; named ones from the usual DTD entity sets are too, and an
/// unknown one is kept as `&name;` because files declare entities in DTDs we do not read.
fn resolve_reference(reference: &BytesRef) -> String {
    let name = String::from_utf8_lossy(reference);
    if reference.is_char_ref()
        && let Ok(Some(c)) = reference.resolve_char_ref()
    {
        return c.to_string();
    }
    named_entity(&name).map_or_else(|| format!("&{name};"), str::to_owned)
}

/// The predefined XML entities plus the ISO/HTML ones that patent DTDs (USPTO, EPO) use most.
fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "mdash" => "—",
        "ndash" => "–",
        "minus" => "−",
        "hellip" => "…",
        "bull" => "•",
        "middot" => "·",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "micro" => "µ",
        "para" => "¶",
        "sect" => "§",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "prime" => "′",
        "Prime" => "″",
        "le" => "≤",
        "ge" => "≥",
        "ne" => "≠",
        "asymp" => "≈",
        "infin" => "∞",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "sup2" => "²",
        "sup3" => "³",
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "Delta" => "Δ",
        "epsi" | "epsilon" => "ε",
        "theta" => "θ",
        "lambda" => "λ",
        "mu" => "μ",
        "pi" => "π",
        "sigma" => "σ",
        "Sigma" => "Σ",
        "tau" => "τ",
        "phi" => "φ",
        "omega" => "ω",
        "Omega" => "Ω",
        "agrave" => "à",
        "aacute" => "á",
        "acirc" => "â",
        "auml" => "ä",
        "Auml" => "Ä",
        "aring" => "å",
        "ccedil" => "ç",
        "egrave" => "è",
        "eacute" => "é",
        "Eacute" => "É",
        "ecirc" => "ê",
        "iacute" => "í",
        "ntilde" => "ñ",
        "oacute" => "ó",
        "ouml" => "ö",
        "Ouml" => "Ö",
        "oslash" => "ø",
        "uacute" => "ú",
        "uuml" => "ü",
        "Uuml" => "Ü",
        "szlig" => "ß",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Format;

    fn convert(node: &Node) -> Result<RightRecord, String> {
        let number = node.text_at("no").ok_or("no publication number")?;
        let mut record = RightRecord::new(
            Format::OpsExchange,
            DocRef {
                number,
                ..DocRef::default()
            },
        );
        record.abstract_text = node.at("abstract").and_then(Node::paragraphs);
        record.titles = node
            .all("title")
            .iter()
            .map(|t| (t.attr("lang").map(str::to_owned), t.text()))
            .collect();
        Ok(record)
    }

    static SPEC: Spec = Spec {
        records: &["rec"],
        skip: &["claims"],
        convert,
    };

    fn read(xml: &str) -> Vec<Result<RightRecord, RecordError>> {
        Records::new(xml.as_bytes(), &SPEC).collect()
    }

    #[test]
    fn cuts_records_and_decodes_text() {
        let xml = r#"<?xml version="1.0"?><x:root xmlns:x="u"><x:rec><no>1</no>
            <title lang="en">A &amp; B &lsquo;C&rsquo; &#x2019;<![CDATA[<d>]]> H<sub>2</sub>O</title>
            <claims><claim>never read <deep/></claim></claims>
            <abstract><p>one
               two</p><p>three</p></abstract></x:rec><x:rec><no>2</no></x:rec></x:root>"#;
        let records = read(xml);
        assert_eq!(records.len(), 2);
        let first = records[0].as_ref().unwrap();
        assert_eq!(
            first.titles,
            vec![(Some("en".into()), "A & B ‘C’ ’<d> H2O".into())]
        );
        assert_eq!(first.abstract_text.as_deref(), Some("one two\n\nthree"));
        assert_eq!(records[1].as_ref().unwrap().publication.number, "2");
    }

    #[test]
    fn keeps_unknown_entities() {
        let records = read(r#"<rec><no>1</no><title lang="a&foo;b">x &unknown; y</title></rec>"#);
        let titles = &records[0].as_ref().unwrap().titles;
        assert_eq!(titles, &vec![(Some("a&foo;b".into()), "x &unknown; y".into())]);
    }

    #[test]
    fn broken_xml_reports_the_number_and_stops() {
        let records = read("<root><rec><no>7</no><title>x</oops></rec><rec><no>8</no></rec></root>");
        assert_eq!(records.len(), 1);
        let err = records[0].as_ref().unwrap_err();
        assert_eq!((err.index, err.number.as_deref()), (1, Some("7")));
        assert!(err.reason.starts_with("broken XML"), "{}", err.reason);
    }

    #[test]
    fn truncated_file_is_an_error() {
        let records = read("<root><rec><no>7</no><title>x");
        let err = records[0].as_ref().unwrap_err();
        assert_eq!(err.reason, "file ends inside <rec>");
        assert_eq!(err.number.as_deref(), Some("7"));
    }

    #[test]
    fn missing_number_is_an_error() {
        let records = read("<root><rec><title>x</title></rec></root>");
        assert_eq!(records[0].as_ref().unwrap_err().reason, "no publication number");
    }
}
