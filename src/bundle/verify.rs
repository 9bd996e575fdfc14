//! `ipdesk bundle verify`: checks a bundle ZIP offline, without unpacking it. Every payload
//! file is hashed once (SHA-256 and SHA-512 together) and compared with both manifests;
//! files missing from the archive or from a manifest, extra files, the tag manifests, the
//! Payload-Oxum and the signature over `tagmanifest-sha512.txt` are all checked, and every
//! problem is reported, not just the first.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{Read, Seek};

use anyhow::Context;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256, Sha512};

use super::bag::decode_path;
use super::key;

/// More entries than any bundle holds: an archive like that is not ours.
const MAX_ENTRIES: usize = 1_000_000;

#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    NotABag(String),
    MissingFile(String),
    AlteredFile { path: String, algorithm: &'static str },
    ExtraFile(String),
    OxumMismatch { declared: String, found: String },
    MissingSignature,
    BadSignature,
    WrongKey { declared: String, used: String },
    MalformedManifest { file: String, line: usize },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotABag(why) => write!(f, "not a BagIt bag: {why}"),
            Problem::MissingFile(path) => write!(f, "missing: {path} is listed but not in the bundle"),
            Problem::AlteredFile { path, algorithm } => {
                write!(f, "altered: {path} ({algorithm} differs from the manifest)")
            }
            Problem::ExtraFile(path) => write!(f, "extra file not in the manifests: {path}"),
            Problem::OxumMismatch { declared, found } => {
                write!(f, "Payload-Oxum says {declared} but the payload is {found}")
            }
            Problem::MissingSignature => write!(f, "signature.ed25519 is missing"),
            Problem::BadSignature => write!(
                f,
                "bad signature: signature.ed25519 does not verify tagmanifest-sha512.txt against the office key"
            ),
            Problem::WrongKey { declared, used } => write!(
                f,
                "bag-info.txt names the office key {declared}, but it was checked against {used}"
            ),
            Problem::MalformedManifest { file, line } => write!(f, "{file} line {line} is malformed"),
        }
    }
}

pub struct Report {
    pub root: String,
    pub payload_files: u64,
    pub payload_bytes: u64,
    pub bag_info: Vec<(String, String)>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// One file's digests as found in the archive.
struct Found {
    sha256: String,
    sha512: String,
    size: u64,
}

pub fn verify<R: Read + Seek>(zip: R, key: &VerifyingKey) -> anyhow::Result<Report> {
    let mut archive = zip::ZipArchive::new(zip).context("the bundle is not a ZIP archive")?;
    let mut report = Report {
        root: String::new(),
        payload_files: 0,
        payload_bytes: 0,
        bag_info: Vec::new(),
        problems: Vec::new(),
    };
    if archive.len() > MAX_ENTRIES {
        report
            .problems
            .push(Problem::NotABag("far too many entries".into()));
        return Ok(report);
    }
    // Every file, hashed once, by its path under the bag's root; tag files kept whole.
    let mut files: BTreeMap<String, Found> = BTreeMap::new();
    let mut tags: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut roots = BTreeSet::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_owned();
        if entry.enclosed_name().is_none() || name.split('/').any(|p| p == "..") {
            report
                .problems
                .push(Problem::NotABag(format!("unsafe entry name {name}")));
            continue;
        }
        let Some((root, path)) = name.split_once('/') else {
            report
                .problems
                .push(Problem::NotABag(format!("{name} is outside the bag's folder")));
            continue;
        };
        roots.insert(root.to_owned());
        let (mut sha256, mut sha512) = (Sha256::new(), Sha512::new());
        let mut whole = Vec::new();
        let keep = !path.starts_with("data/");
        let mut slice = vec![0; 1024 * 1024];
        let mut size = 0u64;
        loop {
            let n = entry.read(&mut slice)?;
            if n == 0 {
                break;
            }
            sha256.update(&slice[..n]);
            sha512.update(&slice[..n]);
            size += n as u64;
            if keep && whole.len() < 64 * 1024 * 1024 {
                whole.extend_from_slice(&slice[..n]);
            }
        }
        if keep {
            tags.insert(path.to_owned(), whole);
        }
        files.insert(
            path.to_owned(),
            Found {
                sha256: hex::encode(sha256.finalize()),
                sha512: hex::encode(sha512.finalize()),
                size,
            },
        );
    }
    if roots.len() != 1 {
        report.problems.push(Problem::NotABag(
            "the archive must hold exactly one bag folder".into(),
        ));
    }
    report.root = roots.into_iter().next().unwrap_or_default();

    match tags
        .get("bagit.txt")
        .map(|b| String::from_utf8_lossy(b).into_owned())
    {
        None => report
            .problems
            .push(Problem::NotABag("bagit.txt is missing".into())),
        Some(text) => {
            let declared = labels(&text);
            let version = declared
                .iter()
                .find(|(k, _)| k == "BagIt-Version")
                .map(|(_, v)| v.as_str());
            let encoding = declared
                .iter()
                .find(|(k, _)| k == "Tag-File-Character-Encoding")
                .map(|(_, v)| v.as_str());
            if version != Some("1.0") || encoding != Some("UTF-8") {
                report.problems.push(Problem::NotABag(
                    "bagit.txt does not declare BagIt 1.0 in UTF-8".into(),
                ));
            }
        }
    }

    // The payload: each file in both manifests, with matching digests.
    let payload: BTreeSet<&String> = files.keys().filter(|p| p.starts_with("data/")).collect();
    for (manifest, algorithm) in [
        ("manifest-sha256.txt", "sha256"),
        ("manifest-sha512.txt", "sha512"),
    ] {
        let Some(text) = tags.get(manifest) else {
            report
                .problems
                .push(Problem::NotABag(format!("{manifest} is missing")));
            continue;
        };
        let listed = entries(manifest, text, &mut report.problems);
        check(&listed, &files, algorithm, &mut report.problems);
        for path in &payload {
            if !listed.contains_key(*path) {
                report.problems.push(Problem::ExtraFile((*path).clone()));
            }
        }
    }
    report.payload_files = payload.len() as u64;
    report.payload_bytes = payload.iter().map(|p| files[*p].size).sum();

    for (manifest, algorithm) in [
        ("tagmanifest-sha256.txt", "sha256"),
        ("tagmanifest-sha512.txt", "sha512"),
    ] {
        match tags.get(manifest) {
            None => report
                .problems
                .push(Problem::NotABag(format!("{manifest} is missing"))),
            Some(text) => {
                let listed = entries(manifest, text, &mut report.problems);
                check(&listed, &files, algorithm, &mut report.problems);
                // A tag file nothing lists is signed by nobody: someone put it there.
                for name in tags.keys() {
                    let ours = name.starts_with("tagmanifest-") || name == "signature.ed25519";
                    let problem = Problem::ExtraFile(name.clone());
                    if !ours && !listed.contains_key(name) && !report.problems.contains(&problem) {
                        report.problems.push(problem);
                    }
                }
            }
        }
    }

    report.bag_info = tags
        .get("bag-info.txt")
        .map(|b| labels(&String::from_utf8_lossy(b)))
        .unwrap_or_default();
    let found = format!("{}.{}", report.payload_bytes, report.payload_files);
    match report.bag_info.iter().find(|(k, _)| k == "Payload-Oxum") {
        Some((_, declared)) if *declared != found => report.problems.push(Problem::OxumMismatch {
            declared: declared.clone(),
            found,
        }),
        Some(_) => {}
        None => report
            .problems
            .push(Problem::NotABag("bag-info.txt has no Payload-Oxum".into())),
    }

    let used = key::fingerprint(key);
    if let Some((_, declared)) = report
        .bag_info
        .iter()
        .find(|(k, _)| k == "Office-Key-Fingerprint")
        && *declared != used
    {
        report.problems.push(Problem::WrongKey {
            declared: declared.clone(),
            used: used.clone(),
        });
    }
    match (tags.get("signature.ed25519"), tags.get("tagmanifest-sha512.txt")) {
        (None, _) => report.problems.push(Problem::MissingSignature),
        (Some(_), None) => {}
        (Some(signature), Some(signed)) => {
            let valid = <[u8; 64]>::try_from(signature.as_slice())
                .ok()
                .map(|bytes| Signature::from_bytes(&bytes))
                .is_some_and(|s| key.verify_strict(signed, &s).is_ok());
            if !valid {
                report.problems.push(Problem::BadSignature);
            }
        }
    }
    Ok(report)
}

/// The fingerprint of the key a bundle says it is signed with: `Office-Key-Fingerprint` in
/// its bag-info.txt, if it has one.
pub fn declared_key<R: Read + Seek>(zip: R) -> anyhow::Result<Option<String>> {
    let mut archive = zip::ZipArchive::new(zip).context("the bundle is not a ZIP archive")?;
    let Some(name) = archive
        .file_names()
        .find(|n| n.split_once('/').is_some_and(|(_, path)| path == "bag-info.txt"))
        .map(str::to_owned)
    else {
        return Ok(None);
    };
    let mut text = String::new();
    archive
        .by_name(&name)?
        .take(1024 * 1024)
        .read_to_string(&mut text)
        .context("bag-info.txt is not UTF-8 text")?;
    Ok(labels(&text)
        .into_iter()
        .find(|(k, _)| k == "Office-Key-Fingerprint")
        .map(|(_, v)| v))
}

/// A bundle checked against the one of several keys it names.
pub enum Checked {
    /// Checked with the key of this fingerprint: the one bag-info.txt names (or the only key
    /// given, if it names none).
    With { fingerprint: String, report: Report },
    /// No key given has the fingerprint bag-info.txt names; or it names none, and there was
    /// more than one to choose from.
    NoKey { declared: Option<String> },
}

impl fmt::Display for Checked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Checked::With { fingerprint, .. } => write!(f, "checked with the office key {fingerprint}"),
            Checked::NoKey {
                declared: Some(declared),
            } => write!(
                f,
                "none of the keys has the fingerprint {declared} that bag-info.txt names: \
                 the bundle was not signed with any of them"
            ),
            Checked::NoKey { declared: None } => write!(
                f,
                "bag-info.txt names no office key (no Office-Key-Fingerprint), so the key to \
                 check it with cannot be chosen: give that one key"
            ),
        }
    }
}

/// Checks a bundle with the key, among `keys`, whose fingerprint its bag-info.txt names: a
/// bundle signed years ago is checked with the key of its day.
pub fn verify_with_keys<R: Read + Seek>(mut zip: R, keys: &[VerifyingKey]) -> anyhow::Result<Checked> {
    let declared = declared_key(&mut zip)?;
    zip.rewind()?;
    let key = match &declared {
        Some(declared) => keys.iter().find(|k| key::fingerprint(k) == *declared),
        None if keys.len() == 1 => keys.first(),
        None => None,
    };
    Ok(match key {
        Some(key) => Checked::With {
            fingerprint: key::fingerprint(key),
            report: verify(zip, key)?,
        },
        None => Checked::NoKey { declared },
    })
}

/// `Label: value` lines (continuation lines, which start with whitespace, join the value).
fn labels(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    out
}

/// A manifest's lines: path (decoded) → checksum.
fn entries(file: &str, text: &[u8], problems: &mut Vec<Problem>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (i, line) in String::from_utf8_lossy(text).lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        match line.split_once(char::is_whitespace) {
            Some((checksum, path)) if !path.trim_start().is_empty() => {
                out.insert(decode_path(path.trim_start()), checksum.to_ascii_lowercase());
            }
            _ => problems.push(Problem::MalformedManifest {
                file: file.to_owned(),
                line: i + 1,
            }),
        }
    }
    out
}

fn check(
    listed: &BTreeMap<String, String>,
    files: &BTreeMap<String, Found>,
    algorithm: &'static str,
    problems: &mut Vec<Problem>,
) {
    for (path, checksum) in listed {
        match files.get(path) {
            None => {
                let missing = Problem::MissingFile(path.clone());
                if !problems.contains(&missing) {
                    problems.push(missing);
                }
            }
            Some(found) => {
                let actual = if algorithm == "sha256" {
                    &found.sha256
                } else {
                    &found.sha512
                };
                if actual != checksum {
                    problems.push(Problem::AlteredFile {
                        path: path.clone(),
                        algorithm,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use ed25519_dalek::SigningKey;

    use super::*;
    use crate::bundle::bag::{self, BagInfo, Entry, Source};

    fn built(key: &SigningKey) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let exhibit = dir.path().join("exhibit");
        std::fs::write(&exhibit, vec![42u8; 3 * 1024 * 1024 + 7]).unwrap();
        let entries = vec![
            Entry {
                path: "index.html".into(),
                size: 6,
                source: Source::Bytes(b"<html>".to_vec()),
            },
            Entry {
                path: "exhibits/1001 - 계약서 100%.pdf".into(),
                size: 3 * 1024 * 1024 + 7,
                source: Source::Open(Box::new(move || {
                    Ok(Box::new(std::fs::File::open(&exhibit)?) as Box<dyn std::io::Read>)
                })),
            },
        ];
        let info = BagInfo {
            source_organization: "Office".into(),
            bagging_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
                .unwrap()
                .and_hms_opt(10, 15, 0)
                .unwrap(),
            external_identifier: "IPD-2026-00042".into(),
            extra: vec![(
                "Office-Key-Fingerprint".into(),
                key::fingerprint(&key.verifying_key()),
            )],
        };
        let mut out = Cursor::new(Vec::new());
        let mut calls = 0;
        bag::write(&mut out, "IPD-2026-00042_office_x", &entries, &info, key, |_| {
            calls += 1;
            Ok(())
        })
        .unwrap();
        assert!(calls >= 4, "progress is told as the writing goes");
        out.into_inner()
    }

    fn rewrite(zip: &[u8], suffix: &str, change: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
        let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().to_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            if name.ends_with(suffix) {
                change(&mut bytes);
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&bytes).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_bag_written_verifies_and_each_tampering_is_named() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let public = key.verifying_key();
        let zip = built(&key);
        let report = verify(Cursor::new(&zip), &public).unwrap();
        assert!(report.is_valid(), "{:?}", report.problems);
        assert_eq!(
            (report.payload_files, report.payload_bytes),
            (2, 6 + 3 * 1024 * 1024 + 7)
        );
        assert!(
            report
                .bag_info
                .iter()
                .any(|(k, v)| k == "External-Identifier" && v == "IPD-2026-00042")
        );

        let flipped = rewrite(&zip, "100%.pdf", |b| b[1000] ^= 1);
        let problems = verify(Cursor::new(&flipped), &public).unwrap().problems;
        let path = "data/exhibits/1001 - 계약서 100%.pdf".to_owned();
        assert_eq!(
            problems,
            vec![
                Problem::AlteredFile {
                    path: path.clone(),
                    algorithm: "sha256"
                },
                Problem::AlteredFile {
                    path,
                    algorithm: "sha512"
                },
            ]
        );

        let info = rewrite(&zip, "bag-info.txt", |b| b.extend_from_slice(b"Note: added\n"));
        let problems = verify(Cursor::new(&info), &public).unwrap().problems;
        assert!(problems.contains(&Problem::AlteredFile {
            path: "bag-info.txt".into(),
            algorithm: "sha512"
        }));

        let extra = {
            let mut z = zip::ZipWriter::new_append(Cursor::new(zip.clone())).unwrap();
            z.start_file(
                "IPD-2026-00042_office_x/data/extra.txt",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            z.write_all(b"slipped in").unwrap();
            z.finish().unwrap().into_inner()
        };
        let problems = verify(Cursor::new(&extra), &public).unwrap().problems;
        assert!(problems.contains(&Problem::ExtraFile("data/extra.txt".into())));
        assert!(problems.iter().any(|p| matches!(p, Problem::OxumMismatch { .. })));

        let planted = {
            let mut z = zip::ZipWriter::new_append(Cursor::new(zip.clone())).unwrap();
            z.start_file(
                "IPD-2026-00042_office_x/README.txt",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            z.write_all(b"trust me").unwrap();
            z.finish().unwrap().into_inner()
        };
        let problems = verify(Cursor::new(&planted), &public).unwrap().problems;
        assert_eq!(problems, vec![Problem::ExtraFile("README.txt".into())]);

        let other = SigningKey::from_bytes(&[4; 32]);
        let problems = verify(Cursor::new(&zip), &other.verifying_key())
            .unwrap()
            .problems;
        assert!(problems.contains(&Problem::BadSignature));
        assert!(problems.iter().any(|p| matches!(p, Problem::WrongKey { .. })));
    }

    #[test]
    fn the_key_is_picked_by_the_fingerprint_the_bundle_names() {
        let (old, new) = (SigningKey::from_bytes(&[3; 32]), SigningKey::from_bytes(&[4; 32]));
        let zip = built(&old);
        let named = key::fingerprint(&old.verifying_key());
        assert_eq!(declared_key(Cursor::new(&zip)).unwrap(), Some(named.clone()));
        let keys = [new.verifying_key(), old.verifying_key()];
        match verify_with_keys(Cursor::new(&zip), &keys).unwrap() {
            Checked::With { fingerprint, report } => {
                assert_eq!(fingerprint, named);
                assert!(report.is_valid(), "{:?}", report.problems);
            }
            other => panic!("{other}"),
        }
        let checked = verify_with_keys(Cursor::new(&zip), &[new.verifying_key()]).unwrap();
        assert!(
            matches!(&checked, Checked::NoKey { declared: Some(d) } if *d == named),
            "{checked}"
        );
        assert!(checked.to_string().contains(&named));

        // A bag-info.txt naming no key: the one key given is used, several cannot be chosen from.
        let unnamed = rewrite(&zip, "bag-info.txt", |b| {
            let text = String::from_utf8(b.clone()).unwrap();
            *b = text
                .lines()
                .filter(|l| !l.starts_with("Office-Key-Fingerprint"))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
                .into_bytes();
        });
        assert_eq!(declared_key(Cursor::new(&unnamed)).unwrap(), None);
        assert!(matches!(
            verify_with_keys(Cursor::new(&unnamed), &[old.verifying_key()]).unwrap(),
            Checked::With { .. }
        ));
        assert!(matches!(
            verify_with_keys(Cursor::new(&unnamed), &keys).unwrap(),
            Checked::NoKey { declared: None }
        ));
    }
}
