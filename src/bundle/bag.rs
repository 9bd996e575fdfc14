//! Writes a bundle: one BagIt 1.0 bag (RFC 8493) in a ZIP, streamed. Each payload file is
//! read once, in slices, while its SHA-256 and SHA-512 are computed and it is written into
//! the archive, so memory does not grow with the bundle. The tag files follow: `bagit.txt`,
//! `bag-info.txt`, both payload manifests, both tag manifests, and `signature.ed25519`, the
//! raw Ed25519 signature over `tagmanifest-sha512.txt` (which therefore cannot list it).

use std::io::{self, Read, Seek, Write};

use chrono::{Datelike, NaiveDateTime, Timelike};
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256, Sha512};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// How much of a payload file is read at a time.
const SLICE: usize = 1024 * 1024;

pub enum Source {
    Bytes(Vec<u8>),
    /// Opened when its turn comes: a stored evidence file, read as a stream.
    Open(Opener),
}

pub type Opener = Box<dyn Fn() -> io::Result<Box<dyn Read>>>;

/// One payload file: its path under `data/`, where its bytes come from, and its expected
/// size (for progress; the manifests and the Oxum count what was actually written).
pub struct Entry {
    pub path: String,
    pub source: Source,
    pub size: u64,
}

pub struct BagInfo {
    pub source_organization: String,
    /// UTC.
    pub bagging_date: NaiveDateTime,
    pub external_identifier: String,
    /// Further `Label: value` lines, in order.
    pub extra: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// What was written: the payload's count and size.
pub struct Written {
    pub payload_files: u64,
    pub payload_bytes: u64,
}

/// Writes the bag under the folder `root` as a ZIP into `out`. `progress` is told after
/// each slice; an error from it stops the writing (the caller's claim on the job was lost).
pub fn write<W: Write + Seek>(
    out: W,
    root: &str,
    entries: &[Entry],
    info: &BagInfo,
    key: &SigningKey,
    mut progress: impl FnMut(Progress) -> io::Result<()>,
) -> io::Result<Written> {
    let mut zip = zip::ZipWriter::new(out);
    let modified = zip_time(info.bagging_date);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(modified);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(modified);
    let mut state = Progress {
        files_total: entries.len() as u64,
        bytes_total: entries.iter().map(|e| e.size).sum(),
        ..Progress::default()
    };
    let mut digests = Vec::with_capacity(entries.len());
    for entry in entries {
        let path = format!("data/{}", entry.path);
        let (options, mut reader): (_, Box<dyn Read>) = match &entry.source {
            Source::Bytes(bytes) => (deflated, Box::new(bytes.as_slice())),
            Source::Open(open) => (stored.large_file(entry.size >= u64::from(u32::MAX)), open()?),
        };
        zip.start_file(format!("{root}/{path}"), options)?;
        let (mut sha256, mut sha512) = (Sha256::new(), Sha512::new());
        let mut slice = vec![0; SLICE];
        loop {
            let n = reader.read(&mut slice)?;
            if n == 0 {
                break;
            }
            sha256.update(&slice[..n]);
            sha512.update(&slice[..n]);
            zip.write_all(&slice[..n])?;
            state.bytes_done += n as u64;
            progress(state)?;
        }
        state.files_done += 1;
        progress(state)?;
        digests.push((
            path,
            hex::encode(sha256.finalize()),
            hex::encode(sha512.finalize()),
        ));
    }
    let payload_bytes = state.bytes_done;
    let payload_files = entries.len() as u64;

    let mut tags: Vec<(&str, Vec<u8>)> = vec![
        (
            "bagit.txt",
            b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".to_vec(),
        ),
        (
            "bag-info.txt",
            bag_info(info, payload_bytes, payload_files).into_bytes(),
        ),
        (
            "manifest-sha256.txt",
            manifest(digests.iter().map(|d| (&d.1, &d.0))),
        ),
        (
            "manifest-sha512.txt",
            manifest(digests.iter().map(|d| (&d.2, &d.0))),
        ),
    ];
    let listed: Vec<(String, String, String)> = tags
        .iter()
        .map(|(name, bytes)| {
            (
                (*name).to_owned(),
                hex::encode(Sha256::digest(bytes)),
                hex::encode(Sha512::digest(bytes)),
            )
        })
        .collect();
    let tag_sha512 = manifest(listed.iter().map(|d| (&d.2, &d.0)));
    let signature = key.sign(&tag_sha512).to_bytes().to_vec();
    tags.push((
        "tagmanifest-sha256.txt",
        manifest(listed.iter().map(|d| (&d.1, &d.0))),
    ));
    tags.push(("tagmanifest-sha512.txt", tag_sha512));
    tags.push(("signature.ed25519", signature));
    for (name, bytes) in tags {
        zip.start_file(format!("{root}/{name}"), deflated)?;
        zip.write_all(&bytes)?;
    }
    zip.finish()?;
    Ok(Written {
        payload_files,
        payload_bytes,
    })
}

fn zip_time(t: NaiveDateTime) -> zip::DateTime {
    zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

/// `<checksum>  <path>` per line, the path percent-encoded where RFC 8493 says (CR, LF, %).
fn manifest<'a>(lines: impl Iterator<Item = (&'a String, &'a String)>) -> Vec<u8> {
    let mut out = String::new();
    for (checksum, path) in lines {
        out.push_str(checksum);
        out.push_str("  ");
        out.push_str(&encode_path(path));
        out.push('\n');
    }
    out.into_bytes()
}

pub fn encode_path(path: &str) -> String {
    path.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

pub fn decode_path(path: &str) -> String {
    path.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
}

fn bag_info(info: &BagInfo, bytes: u64, files: u64) -> String {
    let one_line = |v: &str| v.replace(['\r', '\n'], " ");
    let mut lines = vec![
        (
            "Source-Organization".to_owned(),
            one_line(&info.source_organization),
        ),
        (
            "Bagging-Date".to_owned(),
            info.bagging_date.format("%Y-%m-%d").to_string(),
        ),
        (
            "External-Identifier".to_owned(),
            one_line(&info.external_identifier),
        ),
        ("Payload-Oxum".to_owned(), format!("{bytes}.{files}")),
        ("Bag-Size".to_owned(), human_size(bytes)),
    ];
    lines.extend(info.extra.iter().map(|(k, v)| (one_line(k), one_line(v))));
    lines.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
}

/// The Bag-Size label's value: decimal units, as RFC 8493's examples write them ("260 GB").
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// An exhibit's file name in the bag, `NNNN - <title>.<ext>`: the title made safe on every
/// system the bundle may be unpacked on. A `%` becomes a full-width `％`: RFC 8493 has it
/// percent-encoded in manifests, which the reference validator does not decode.
pub fn exhibit_file_name(number: i32, title: &str, extension: &str) -> String {
    let cleaned: String = crate::domain::clean_file_name(title)
        .chars()
        .map(|c| match c {
            '%' => '％',
            c if r#"/\:*?"<>|"#.contains(c) => '_',
            c => c,
        })
        .take(100)
        .collect();
    // 100 Korean characters are 300 bytes; file systems allow 255 for a name.
    let mut cleaned = cleaned.as_str();
    while cleaned.len() > 180 {
        let mut cut = cleaned.len() - 1;
        while !cleaned.is_char_boundary(cut) {
            cut -= 1;
        }
        cleaned = &cleaned[..cut];
    }
    let cleaned = cleaned.trim_end_matches(['.', ' ']).trim();
    let title = if cleaned.is_empty() { "exhibit" } else { cleaned };
    format!("{number} - {title}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exhibit_names_are_safe_on_every_system() {
        assert_eq!(exhibit_file_name(1001, "Contract", "pdf"), "1001 - Contract.pdf");
        let long = exhibit_file_name(1006, &"가".repeat(150), "pdf");
        assert!(long.len() <= 200 && long.ends_with("가.pdf"), "{}", long.len());
        assert_eq!(exhibit_file_name(1002, "a/b: c?", "pdf"), "1002 - b_ c_.pdf");
        assert_eq!(
            exhibit_file_name(1003, "계약서 100%", "hwp"),
            "1003 - 계약서 100％.hwp"
        );
        assert_eq!(exhibit_file_name(1004, " ... ", "txt"), "1004 - exhibit.txt");
        assert_eq!(exhibit_file_name(1005, "x\u{202E}gpj", "exe"), "1005 - xgpj.exe");
    }

    #[test]
    fn paths_are_percent_encoded_only_where_the_rfc_says() {
        let odd = "data/100% a\nb\r.pdf";
        assert_eq!(encode_path(odd), "data/100%25 a%0Ab%0D.pdf");
        assert_eq!(decode_path(&encode_path(odd)), odd);
    }

    #[test]
    fn sizes_read_like_the_rfcs_examples() {
        assert_eq!(human_size(999), "999 bytes");
        assert_eq!(human_size(1_500_000), "1.5 MB");
        assert_eq!(human_size(1_073_741_824), "1.1 GB");
    }
}
