//! Loading a file into the registry: records are read one at a time, normalized into the
//! domain's numbers and class symbols, and upserted by DOCDB number in batches. A record
//! that cannot be read or normalized is reported and skipped; a record is written whole
//! (the right, its classes and its citations) or not at all.

use std::io::{BufRead, BufReader, Read};

use sha2::{Digest, Sha256};

use super::{DocRef, Format, RecordError, RightRecord, read};
use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, write_tx, write_tx_retrying};
use crate::domain::{ClassSymbol, NumberError, PatentNumber, RightKind, RightSource};
use crate::models::right::{self, Cited, RightData, Upserted};

/// Records written per transaction: large enough that commits do not dominate, small
/// enough that a failed batch is cheap to redo one record at a time.
const BATCH: usize = 500;

/// Why one record was not imported.
#[derive(Debug, Clone)]
pub enum Reason {
    /// The file itself: broken XML, a bad CSV cell (the reader's own words).
    Unreadable(String),
    /// The record's number cannot be read.
    Number(NumberError),
    /// The database refused the record (its reason is in the log).
    Refused,
}

#[derive(Debug, Clone)]
pub struct Failure {
    /// 1-based position of the record in the file; 0 for the file as a whole.
    pub index: usize,
    pub number: Option<String>,
    pub reason: Reason,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record {}", self.index)?;
        if let Some(n) = &self.number {
            write!(f, " ({n})")?;
        }
        match &self.reason {
            Reason::Unreadable(why) => write!(f, ": {why}"),
            Reason::Number(e) => write!(f, ": {e}"),
            Reason::Refused => f.write_str(": the database refused it (see the log)"),
        }
    }
}

/// Failures listed one by one; beyond these they are only counted.
pub const FAILURES_KEPT: usize = 1000;

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub created: u64,
    pub updated: u64,
    /// Already in the registry exactly as the file has it.
    pub unchanged: u64,
    /// Records repeating a number a few records before, merged into that record.
    pub repeated: u64,
    pub failed: u64,
    /// The first `FAILURES_KEPT` failures, with their reasons.
    pub failures: Vec<Failure>,
    /// Cited documents whose numbers could not be read; the record is imported without them.
    pub citations_skipped: u64,
    pub bytes: u64,
    /// SHA-256 of the whole file, recorded in the audit log.
    pub sha256: String,
}

impl Summary {
    pub fn records(&self) -> u64 {
        self.created + self.updated + self.unchanged + self.repeated + self.failed
    }

    fn fail(&mut self, failure: Failure) {
        self.failed += 1;
        if self.failures.len() < FAILURES_KEPT {
            self.failures.push(failure);
        }
    }
}

/// How far an import has got, for a progress bar.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub records: u64,
    pub bytes: u64,
}

/// Counts and hashes what the reader hands on.
struct Tally<R> {
    inner: R,
    bytes: std::sync::Arc<std::sync::atomic::AtomicU64>,
    hash: Sha256,
}

impl<R: Read> Read for Tally<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Imports one file. `name` is what the audit log calls it; `progress` is told after each
/// batch. Only a database that cannot be reached stops the import; bad records don't.
pub fn run<R: Read>(
    conn: &mut DbConn,
    input: R,
    format: Format,
    name: &str,
    actor: &Actor,
    mut progress: impl FnMut(Progress),
) -> anyhow::Result<Summary> {
    let bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tally = Tally {
        inner: input,
        bytes: bytes.clone(),
        hash: Sha256::new(),
    };
    let mut summary = Summary::default();
    {
        let reader = BufReader::with_capacity(256 * 1024, &mut tally);
        let mut batch: Vec<(usize, RightData)> = Vec::with_capacity(BATCH);
        let mut index = 0;
        for record in read(reader, format) {
            index += 1;
            match record
                .map_err(unreadable)
                .and_then(|r| normalize(&r, &mut summary))
            {
                Ok(data) => batch.push((index, data)),
                Err(mut failure) => {
                    if failure.index == 0 && !matches!(failure.reason, Reason::Unreadable(_)) {
                        failure.index = index;
                    }
                    summary.fail(failure);
                }
            }
            if batch.len() == BATCH {
                write_batch(conn, &mut batch, &mut summary, (name, format, actor))?;
                progress(Progress {
                    records: summary.records(),
                    bytes: bytes.load(std::sync::atomic::Ordering::Relaxed),
                });
            }
        }
        write_batch(conn, &mut batch, &mut summary, (name, format, actor))?;
    }
    // What the reader left unread (a trailing part after the last record) still belongs
    // to the file whose fingerprint is recorded.
    std::io::copy(&mut tally, &mut std::io::sink())?;
    summary.bytes = bytes.load(std::sync::atomic::Ordering::Relaxed);
    summary.sha256 = hex::encode(tally.hash.finalize());
    progress(Progress {
        records: summary.records(),
        bytes: summary.bytes,
    });
    write_tx(conn, |c| {
        audit::record(
            c,
            Event {
                actor,
                action: "rights.imported",
                object: Some(("file", name.to_string())),
                details: serde_json::json!({
                    "format": format.as_str(),
                    "sha256": summary.sha256,
                    "bytes": summary.bytes,
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "repeated": summary.repeated,
                    "failed": summary.failed,
                }),
                address: None,
            },
        )
    })?;
    Ok(summary)
}

fn unreadable(e: RecordError) -> Failure {
    Failure {
        index: e.index,
        number: e.number,
        reason: Reason::Unreadable(e.reason),
    }
}

/// The file a batch comes from, as its audit entry names it.
type Origin<'a> = (&'a str, Format, &'a Actor);

/// Whether the database refused this one record (a constraint), rather than failed.
fn refused(e: &diesel::result::Error) -> bool {
    use diesel::result::DatabaseErrorKind::*;
    matches!(
        e,
        diesel::result::Error::DatabaseError(
            UniqueViolation | ForeignKeyViolation | NotNullViolation | CheckViolation,
            _
        )
    )
}

/// Writes a batch in one transaction with its audit entry, so that an import cut short
/// leaves whole batches, each on the record. Records repeating a number within the batch
/// are merged first. Should the database refuse a record, the batch is rolled back and
/// written again one record per transaction, so that only the refused record is lost; any
/// other database failure stops the import.
fn write_batch(
    conn: &mut DbConn,
    batch: &mut Vec<(usize, RightData)>,
    summary: &mut Summary,
    (name, format, actor): Origin<'_>,
) -> anyhow::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut unique: Vec<(usize, RightData)> = Vec::with_capacity(batch.len());
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, data) in batch.drain(..) {
        match seen.entry(data.number.docdb()) {
            std::collections::hash_map::Entry::Occupied(at) => {
                let slot = &mut unique[*at.get()];
                let earlier = std::mem::replace(&mut slot.1, RightData::stub(data.number.clone()));
                *slot = (index, data.with_gaps_from(earlier));
                summary.repeated += 1;
            }
            std::collections::hash_map::Entry::Vacant(at) => {
                at.insert(unique.len());
                unique.push((index, data));
            }
        }
    }
    let now = crate::models::now();
    let audited = |c: &mut DbConn, done: &[Upserted]| {
        let n = |f: fn(&Upserted) -> bool| done.iter().filter(|u| f(u)).count();
        audit::record(
            c,
            Event {
                actor,
                action: "rights.import_batch",
                object: Some(("file", name.to_string())),
                details: serde_json::json!({
                    "format": format.as_str(),
                    "records": [unique.first().map(|u| u.0), unique.last().map(|u| u.0)],
                    "created": n(|u| matches!(u, Upserted::Created(_))),
                    "updated": n(|u| matches!(u, Upserted::Updated(_))),
                    "unchanged": n(|u| matches!(u, Upserted::Unchanged(_))),
                }),
                address: None,
            },
        )
    };
    let whole = write_tx(conn, |c| {
        let done = unique
            .iter()
            .map(|(_, d)| right::upsert(c, d, now))
            .collect::<diesel::QueryResult<Vec<_>>>()?;
        audited(c, &done)?;
        Ok::<_, diesel::result::Error>(done)
    });
    match whole {
        Ok(done) => done.into_iter().for_each(|u| count(summary, u)),
        Err(e) if refused(&e) => {
            tracing::warn!(error = %e, file = name, "a batch was refused; importing it record by record");
            for (index, data) in &unique {
                match write_tx_retrying(conn, |c| {
                    let u = right::upsert(c, data, now)?;
                    audited(c, &[u])?;
                    Ok::<_, diesel::result::Error>(u)
                }) {
                    Ok(u) => count(summary, u),
                    Err(e) if refused(&e) => {
                        tracing::warn!(error = %e, record = index, file = name, "record refused");
                        summary.fail(Failure {
                            index: *index,
                            number: Some(data.number.display()),
                            reason: Reason::Refused,
                        });
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

fn count(summary: &mut Summary, u: Upserted) {
    match u {
        Upserted::Created(_) => summary.created += 1,
        Upserted::Updated(_) => summary.updated += 1,
        Upserted::Unchanged(_) => summary.unchanged += 1,
    }
}

/// A document reference read into a number: with its country when the file gives one,
/// else as a person would have typed it.
fn number_of(doc: &DocRef, default_country: Option<&str>) -> Result<PatentNumber, NumberError> {
    match (doc.country.as_deref(), default_country) {
        (Some(country), _) => PatentNumber::from_parts(country, &doc.number, doc.kind.as_deref()),
        (None, None) => PatentNumber::parse(&doc.number),
        (None, Some(country)) => PatentNumber::parse(&doc.number)
            .or_else(|_| PatentNumber::from_parts(country, &doc.number, doc.kind.as_deref())),
    }
}

/// The record in the registry's terms.
fn normalize(r: &RightRecord, summary: &mut Summary) -> Result<RightData, Failure> {
    let number = number_of(&r.publication, None).map_err(|e| Failure {
        index: 0,
        number: Some(
            [
                r.publication.country.as_deref(),
                Some(&r.publication.number),
                r.publication.kind.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        ),
        reason: Reason::Number(e),
    })?;
    let country = number.country().to_string();
    // The title in the office's own language first, then English, then whatever is first.
    let own = match country.as_str() {
        "KR" => "ko",
        "JP" => "ja",
        "CN" => "zh",
        "DE" => "de",
        _ => "en",
    };
    let pick = r
        .titles
        .iter()
        .position(|(l, _)| l.as_deref() == Some(own))
        .or_else(|| r.titles.iter().position(|(l, _)| l.as_deref() == Some("en")))
        .unwrap_or(0);
    let title = r.titles.get(pick).map(|(_, t)| t.clone()).unwrap_or_default();
    let other_titles = r
        .titles
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != pick)
        .map(|(_, (lang, t))| match lang {
            Some(l) => format!("{l}: {t}"),
            None => t.clone(),
        })
        .collect();
    let classes = |list: &[String]| -> Vec<ClassSymbol> {
        let mut out: Vec<ClassSymbol> = Vec::new();
        for symbol in list.iter().filter_map(|s| ClassSymbol::parse(s)) {
            if symbol.is_complete() && !out.contains(&symbol) {
                out.push(symbol);
            }
        }
        out
    };
    let mut citations = Vec::new();
    for c in &r.citations {
        // A citation without a country is to the citing office's own documents.
        match number_of(&c.doc, Some(&country)) {
            Ok(n) => citations.push(Cited {
                number: n,
                category: c.category.clone(),
            }),
            Err(_) => summary.citations_skipped += 1,
        }
    }
    let source = match r.format {
        Format::UsptoGrant => RightSource::Uspto,
        Format::OpsExchange => RightSource::Ops,
        Format::EpDocument => RightSource::Ep,
        Format::Kipris => RightSource::Kipris,
        Format::Csv => RightSource::Csv,
    };
    let right_kind = r
        .kind_of_right
        .as_deref()
        .and_then(kind_named)
        .unwrap_or(number.right_kind());
    // Other publications the file names: unreadable ones are simply not kept.
    let publications = r
        .other_publications
        .iter()
        .filter_map(|doc| number_of(doc, Some(&country)).ok())
        .filter(|p| p.docdb() != number.docdb())
        .collect();
    Ok(RightData {
        publications,
        right_kind,
        title,
        other_titles,
        applicants: r.applicants.clone(),
        owners: r.owners.clone(),
        inventors: r.inventors.clone(),
        application_no: r.application.as_ref().map(|a| {
            [a.country.as_deref(), Some(a.number.as_str())]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        }),
        filing_date: r.filing_date,
        publication_date: r.publication_date,
        grant_date: r.grant_date,
        status: r.status.clone(),
        abstract_text: r.abstract_text.clone(),
        ipc: classes(&r.ipc),
        cpc: classes(&r.cpc),
        citations,
        source,
        number,
    })
}

/// The kind of right a file names: our own names, and the USPTO's application types (a
/// "utility" application is a patent for an invention, not a utility model).
fn kind_named(name: &str) -> Option<RightKind> {
    let name = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    RightKind::parse(&name).or(match name.as_str() {
        "utility" | "plant" | "reissue" | "invention" => Some(RightKind::Patent),
        _ => None,
    })
}

/// Sniffs a file's format from its beginning, for callers that hold a reader.
pub fn detect<R: BufRead>(reader: &mut R) -> std::io::Result<Option<Format>> {
    let head = reader.fill_buf()?;
    Ok(Format::detect(head))
}
