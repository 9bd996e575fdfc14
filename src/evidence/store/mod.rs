//! The content-addressed store of evidence files and built bundles (SECURITY §3.2), in a local
//! folder ([`folder`]) or an S3-compatible bucket ([`bucket`]), behind one API.
//!
//! Both keep the same names: `objects/ab/cd/<sha256>` for evidence, `bundles/<sha256>.zip` for
//! bundles. A file is received while it is hashed and counted (to a temporary file, or into a
//! multipart upload), then kept under its hash: written once, never overwritten, and durable
//! before the call returns. Only then may a database row point at it. What is dropped before
//! it is kept leaves nothing visible.
//!
//! The API is blocking: it is called from the blocking pool, the background workers and the
//! command line. The bucket's network I/O runs on a runtime of its own ([`bucket::wait`]).

pub mod bucket;
pub mod folder;

use std::io::{self, Read};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};

pub use crate::config::{S3Access, StoreLocation as Location};
use sha2::{Digest, Sha256};

use crate::domain::Fingerprint;

/// How much of a file's start is kept for content-type detection.
pub const HEAD_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Folder(folder::Folder),
    Bucket(bucket::Bucket),
}

/// A built bundle's file: kept under its SHA-256 (so two builders of one bundle never write
/// over each other); an installation's older bundles were kept under their id.
#[derive(Clone, Debug)]
pub struct BundleFile {
    pub id: uuid::Uuid,
    pub sha256: Fingerprint,
}

impl BundleFile {
    /// A bundle's file from its row's id and hash; `None` if it was never built.
    pub fn of(public_id: &str, sha256: Option<&str>) -> Option<BundleFile> {
        Some(BundleFile {
            id: public_id.parse().ok()?,
            sha256: Fingerprint::parse(sha256?).ok()?,
        })
    }
}

/// A file being received, hashed and counted as it comes.
pub struct Incoming {
    sink: Sink,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

enum Sink {
    Folder(tempfile::NamedTempFile),
    Bucket(bucket::Upload),
}

/// A file received whole, not yet kept: dropped, it leaves nothing behind.
pub struct Received {
    staged: Staged,
    pub fingerprint: Fingerprint,
    pub size: u64,
    /// The file's first bytes, for content-type detection.
    pub head: Vec<u8>,
}

enum Staged {
    Folder(tempfile::NamedTempFile),
    Bucket(bucket::Staged),
}

/// A stored file being read: its size, and its bytes as they come.
pub struct Reading {
    pub size: u64,
    pub reader: Box<dyn Read + Send>,
}

impl Store {
    /// Opens the store at `location`; `scratch` is a local folder for files being built (a
    /// bundle is written there before it is kept). A folder is created if needed; a bucket
    /// must exist and answer.
    pub fn open(location: &Location, s3: &S3Access, scratch: &Path) -> anyhow::Result<Store> {
        let backend = match location {
            Location::Folder(path) => Backend::Folder(
                folder::Folder::open(path)
                    .with_context(|| format!("cannot open the evidence store {}", path.display()))?,
            ),
            Location::Bucket { bucket, prefix } => Backend::Bucket(
                bucket::Bucket::open(bucket, prefix, s3, scratch)
                    .with_context(|| format!("cannot open the evidence store {location}"))?,
            ),
        };
        Ok(Store { backend })
    }

    /// A folder store, as tests and the default set-up use.
    pub fn folder(path: &Path) -> io::Result<Store> {
        Ok(Store {
            backend: Backend::Folder(folder::Folder::open(path)?),
        })
    }

    pub fn location(&self) -> Location {
        match &self.backend {
            Backend::Folder(f) => Location::Folder(f.root().to_path_buf()),
            Backend::Bucket(b) => b.location(),
        }
    }

    /// Starts receiving a file.
    pub fn incoming(&self) -> io::Result<Incoming> {
        let sink = match &self.backend {
            Backend::Folder(f) => Sink::Folder(f.temp_file()?),
            Backend::Bucket(b) => Sink::Bucket(b.upload()?),
        };
        Ok(Incoming {
            sink,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
        })
    }

    /// Keeps a received file under its fingerprint, durably. A file already stored under that
    /// name has the same content, so the copy just received is dropped (deduplication).
    pub fn keep(&self, received: Received) -> io::Result<()> {
        match (&self.backend, received.staged) {
            (Backend::Folder(f), Staged::Folder(file)) => f.keep(file, &received.fingerprint),
            (Backend::Bucket(b), Staged::Bucket(staged)) => {
                b.keep(staged, &received.fingerprint, received.size)
            }
            _ => Err(io::Error::other(
                "a file received by one store was kept in another",
            )),
        }
    }

    /// Reads a stored object; `None` when it is missing.
    pub fn read(&self, fingerprint: &Fingerprint) -> io::Result<Option<Reading>> {
        match &self.backend {
            Backend::Folder(f) => f.read(&object_name(fingerprint)),
            Backend::Bucket(b) => b.read(&object_name(fingerprint)),
        }
    }

    /// Hashes a stored object again, reading it as a stream; `None` when it is missing.
    pub fn rehash(&self, fingerprint: &Fingerprint) -> io::Result<Option<(Fingerprint, u64)>> {
        match self.read(fingerprint)? {
            None => Ok(None),
            Some(mut r) => hash_reader(&mut r.reader).map(Some),
        }
    }

    /// Every object in the store, by the hash it is kept under.
    pub fn objects(&self) -> io::Result<Vec<String>> {
        let mut names: Vec<String> = match &self.backend {
            Backend::Folder(f) => f.list("objects")?,
            Backend::Bucket(b) => b.list("objects")?,
        }
        .into_iter()
        .filter_map(|name| name.rsplit('/').next().map(str::to_owned))
        .filter(|name| Fingerprint::parse(name).is_ok())
        .collect();
        names.sort();
        Ok(names)
    }

    /// Every bundle file in the store, by name.
    pub fn bundles(&self) -> io::Result<Vec<String>> {
        let mut names = match &self.backend {
            Backend::Folder(f) => f.list("bundles")?,
            Backend::Bucket(b) => b.list("bundles")?,
        };
        names.sort();
        Ok(names)
    }

    /// A local temporary file for something being built; removed when dropped.
    pub fn temp_file(&self) -> io::Result<tempfile::NamedTempFile> {
        match &self.backend {
            Backend::Folder(f) => f.temp_file(),
            Backend::Bucket(b) => b.temp_file(),
        }
    }

    /// The bytes free for a bundle being built (in the local folder it is written to).
    pub fn bundle_space(&self) -> io::Result<u64> {
        match &self.backend {
            Backend::Folder(f) => f.space(),
            Backend::Bucket(b) => b.space(),
        }
    }

    /// Keeps a finished bundle (its SHA-256 already computed) durably; never over another.
    pub fn keep_bundle(&self, file: tempfile::NamedTempFile, sha256: &Fingerprint) -> io::Result<()> {
        let name = bundle_name(sha256);
        match &self.backend {
            Backend::Folder(f) => f.keep_as(file, &name),
            Backend::Bucket(b) => b.put_file(file.path(), &name),
        }
    }

    /// Reads a kept bundle; `None` when it is gone.
    pub fn read_bundle(&self, bundle: &BundleFile) -> io::Result<Option<Reading>> {
        match &self.backend {
            Backend::Folder(f) => match f.read(&bundle_name(&bundle.sha256))? {
                Some(r) => Ok(Some(r)),
                None => f.read(&legacy_bundle_name(&bundle.id)),
            },
            Backend::Bucket(b) => b.read(&bundle_name(&bundle.sha256)),
        }
    }

    /// Deletes a kept bundle's file; one already gone is not an error.
    pub fn delete_bundle(&self, bundle: &BundleFile) -> io::Result<()> {
        match &self.backend {
            Backend::Folder(f) => {
                f.delete(&bundle_name(&bundle.sha256))?;
                f.delete(&legacy_bundle_name(&bundle.id))
            }
            Backend::Bucket(b) => b.delete(&bundle_name(&bundle.sha256)),
        }
    }

    /// Copies a file into the store under `name` unless it is there already with this hash,
    /// then reads it back and checks the hash (`ipdesk evidence migrate`). Returns whether
    /// it was copied.
    pub fn copy_in(&self, name: &str, expected: &Fingerprint, from: &mut dyn Read) -> anyhow::Result<bool> {
        if self.check(name, expected)? {
            return Ok(false);
        }
        let mut incoming = self.incoming()?;
        let mut buffer = vec![0; 1024 * 1024];
        loop {
            let n = from.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            incoming.write(&buffer[..n])?;
        }
        let received = incoming.finish()?;
        if received.fingerprint != *expected {
            bail!(
                "{name} read from the old store hashes to {}, not {}: run `ipdesk evidence scrub` there",
                received.fingerprint.as_str(),
                expected.as_str()
            );
        }
        match (&self.backend, received.staged) {
            (Backend::Folder(f), Staged::Folder(file)) => f.keep_as(file, name)?,
            (Backend::Bucket(b), Staged::Bucket(staged)) => b.keep_as(staged, name, received.size)?,
            _ => bail!("a file received by one store was kept in another"),
        }
        if !self.check(name, expected)? {
            bail!("{name} does not read back with its SHA-256 {}", expected.as_str());
        }
        Ok(true)
    }

    /// Whether `name` is stored and hashes to `expected`.
    fn check(&self, name: &str, expected: &Fingerprint) -> io::Result<bool> {
        let reading = match &self.backend {
            Backend::Folder(f) => f.read(name)?,
            Backend::Bucket(b) => b.read(name)?,
        };
        match reading {
            None => Ok(false),
            Some(mut r) => Ok(hash_reader(&mut r.reader)?.0 == *expected),
        }
    }

    /// Uploads received but not kept, still in the store: files in the folder's `tmp`, or
    /// completed uploads under the bucket's `incoming`.
    pub fn pending(&self) -> io::Result<usize> {
        match &self.backend {
            Backend::Folder(f) => Ok(f.list("tmp")?.len()),
            Backend::Bucket(b) => Ok(b.list("incoming")?.len()),
        }
    }

    /// Removes what interrupted uploads left behind, at least `age` old (another server may
    /// be receiving a file now, so younger ones stay).
    pub fn sweep(&self, age: Duration) -> usize {
        match &self.backend {
            Backend::Folder(f) => f.sweep(age),
            Backend::Bucket(b) => b.sweep(age),
        }
    }
}

/// Where the object with this fingerprint is kept, relative to the store.
pub fn object_name(fingerprint: &Fingerprint) -> String {
    let hex = fingerprint.as_str();
    format!("objects/{}/{}/{hex}", &hex[0..2], &hex[2..4])
}

/// Where a bundle is kept, relative to the store.
pub fn bundle_name(sha256: &Fingerprint) -> String {
    format!("bundles/{}.zip", sha256.as_str())
}

/// Where bundles built before they were kept by hash are.
fn legacy_bundle_name(id: &uuid::Uuid) -> String {
    format!("bundles/{id}.zip")
}

impl Incoming {
    /// Takes the next piece of the file.
    pub fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        match &mut self.sink {
            Sink::Folder(file) => io::Write::write_all(file, chunk),
            Sink::Bucket(upload) => upload.write(chunk),
        }
    }

    /// The whole file has arrived: it is staged (a temporary file, or a completed upload
    /// under a temporary name), not yet kept.
    pub fn finish(self) -> io::Result<Received> {
        let staged = match self.sink {
            Sink::Folder(mut file) => {
                io::Write::flush(&mut file)?;
                Staged::Folder(file)
            }
            Sink::Bucket(upload) => Staged::Bucket(upload.finish()?),
        };
        Ok(Received {
            staged,
            fingerprint: Fingerprint::from_digest(self.hasher.finalize().into()),
            size: self.size,
            head: self.head,
        })
    }
}

/// SHA-256 and length of everything `reader` yields.
pub fn hash_reader(reader: &mut (impl Read + ?Sized)) -> io::Result<(Fingerprint, u64)> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1024 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((Fingerprint::from_digest(hasher.finalize().into()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fan_out_by_the_hash() {
        let f = Fingerprint::parse(&"ab".repeat(32)).unwrap();
        assert_eq!(object_name(&f), format!("objects/ab/ab/{}", "ab".repeat(32)));
        assert_eq!(bundle_name(&f), format!("bundles/{}.zip", "ab".repeat(32)));
    }
}
