//! `ipdesk evidence migrate --to <store>`: every evidence file the exhibits name and every
//! kept bundle, copied from the installation's store into another, each read back from the
//! new store and checked against its SHA-256. Files are named by their hash, so a file found
//! in the new store that hashes right is skipped: an interrupted run is resumed by running it
//! again.

use std::collections::BTreeSet;

use anyhow::Context;

use super::store::{BundleFile, Store, bundle_name, object_name};
use crate::db::DbConn;
use crate::domain::Fingerprint;
use crate::models::{bundle, exhibit};

#[derive(Debug, Default)]
pub struct Report {
    pub copied: u64,
    pub copied_bytes: u64,
    pub skipped: u64,
    /// Files the database names that the old store does not have.
    pub missing: Vec<String>,
}

/// How far the copy is, after each file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Done {
    pub files: u64,
    pub copied: u64,
    pub skipped: u64,
}

/// Copies what `from` holds for this installation into `to`.
pub fn migrate(
    conn: &mut DbConn,
    from: &Store,
    to: &Store,
    mut progress: impl FnMut(Done),
) -> anyhow::Result<Report> {
    let objects: BTreeSet<String> = exhibit::all_stored(conn)
        .context("cannot read the exhibits")?
        .into_iter()
        .map(|s| s.sha256)
        .collect();
    let bundles: Vec<BundleFile> = bundle::kept_files(conn)
        .context("cannot read the bundles")?
        .into_iter()
        .filter_map(|(id, sha256)| BundleFile::of(&id, sha256.as_deref()))
        .collect();
    let mut report = Report::default();
    let mut done = Done::default();
    let mut copy = |name: String, sha256: &Fingerprint, reading: Option<super::store::Reading>| {
        let outcome = match reading {
            None => {
                report.missing.push(name);
                Ok(())
            }
            Some(mut r) => to
                .copy_in(&name, sha256, &mut r.reader)
                .with_context(|| format!("cannot copy {name}"))
                .map(|copied| {
                    if copied {
                        report.copied += 1;
                        report.copied_bytes += r.size;
                        done.copied += 1;
                    } else {
                        report.skipped += 1;
                        done.skipped += 1;
                    }
                }),
        };
        done.files += 1;
        progress(done);
        outcome
    };
    for sha256 in &objects {
        let fingerprint = Fingerprint::parse(sha256)
            .map_err(|_| anyhow::anyhow!("the database holds a malformed SHA-256 `{sha256}`"))?;
        let reading = from
            .read(&fingerprint)
            .with_context(|| format!("cannot read {sha256} from the old store"))?;
        copy(object_name(&fingerprint), &fingerprint, reading)?;
    }
    for file in &bundles {
        let reading = from
            .read_bundle(file)
            .with_context(|| format!("cannot read the bundle {} from the old store", file.id))?;
        copy(bundle_name(&file.sha256), &file.sha256, reading)?;
    }
    Ok(report)
}
