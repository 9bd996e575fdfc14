//! `ipdesk evidence scrub`: every stored file hashed again and compared with the database.
//! It finds bit rot and tampering (a file whose content no longer matches its name), files
//! that went missing, and files no exhibit names (an upload interrupted between keeping its
//! file and committing its row, which is safe to leave and reported for the record).

use std::collections::BTreeMap;
use std::fmt;

use anyhow::Context;

use super::Store;
use crate::db::DbConn;
use crate::domain::Fingerprint;
use crate::models::exhibit;

#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    /// No file where the exhibits' fingerprint says it is.
    Missing { sha256: String, exhibits: Vec<String> },
    /// The file is there but its content is not what was filed.
    Altered {
        sha256: String,
        found: String,
        size: i64,
        found_size: u64,
        exhibits: Vec<String>,
    },
}

#[derive(Debug, Default)]
pub struct Report {
    /// Distinct files checked, and the exhibits that name them.
    pub files: usize,
    pub exhibits: usize,
    pub bytes: u64,
    pub problems: Vec<Problem>,
    /// Files in the store that no exhibit names.
    pub unreferenced: Vec<String>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing { sha256, exhibits } => {
                write!(f, "MISSING  {sha256}  (exhibits {})", exhibits.join(", "))
            }
            Problem::Altered {
                sha256,
                found,
                size,
                found_size,
                exhibits,
            } => write!(
                f,
                "ALTERED  {sha256}  now hashes to {found} ({found_size} bytes, filed as {size}) \
                 (exhibits {})",
                exhibits.join(", ")
            ),
        }
    }
}

/// Hashes every file the database names and compares. `progress` is told each file's size
/// as it is done.
pub fn scrub(conn: &mut DbConn, store: &Store, mut progress: impl FnMut(u64)) -> anyhow::Result<Report> {
    let stored = exhibit::all_stored(conn).context("cannot read the exhibits")?;
    let mut by_file: BTreeMap<String, (i64, Vec<String>)> = BTreeMap::new();
    for s in &stored {
        let label = format!("{} #{}", s.case_no.as_deref().unwrap_or("draft"), s.number);
        by_file
            .entry(s.sha256.clone())
            .or_insert_with(|| (s.size, Vec::new()))
            .1
            .push(label);
    }
    let mut report = Report {
        files: by_file.len(),
        exhibits: stored.len(),
        ..Report::default()
    };
    for (sha256, (size, exhibits)) in &by_file {
        let fingerprint = Fingerprint::parse(sha256)
            .map_err(|_| anyhow::anyhow!("the database holds a malformed SHA-256 `{sha256}`"))?;
        let found = store
            .rehash(&fingerprint)
            .with_context(|| format!("cannot read the stored file {sha256}"))?;
        match found {
            None => report.problems.push(Problem::Missing {
                sha256: sha256.clone(),
                exhibits: exhibits.clone(),
            }),
            Some((found, found_size)) => {
                report.bytes += found_size;
                progress(found_size);
                if found != fingerprint || i64::try_from(found_size).ok() != Some(*size) {
                    report.problems.push(Problem::Altered {
                        sha256: sha256.clone(),
                        found: found.as_str().to_owned(),
                        size: *size,
                        found_size,
                        exhibits: exhibits.clone(),
                    });
                }
            }
        }
    }
    report.unreferenced = store
        .objects()
        .context("cannot list the evidence store")?
        .into_iter()
        .filter(|name| !by_file.contains_key(name))
        .collect();
    Ok(report)
}
