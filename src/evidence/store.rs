//! The content-addressed store of evidence files (SECURITY §3.2): `objects/ab/cd/<sha256>`
//! under a folder nothing serves. A file arrives in `tmp` (same file system, so the final
//! rename is atomic), hashed and counted as it streams, and is kept by fsync, a rename that
//! never overwrites, and an fsync of the folders that now name it. Only then may a database
//! row point at it.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::domain::Fingerprint;

/// How much of a file's start is kept for content-type detection.
pub const HEAD_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

/// A file being received: written to `tmp`, hashed and counted as it comes.
pub struct Incoming {
    file: tempfile::NamedTempFile,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

/// A file received whole, still in `tmp`: removed when dropped unless kept.
pub struct Received {
    file: tempfile::NamedTempFile,
    pub fingerprint: Fingerprint,
    pub size: u64,
    /// The file's first bytes, for content-type detection.
    pub head: Vec<u8>,
}

impl Store {
    /// Opens the store at `root`, creating its folders (owner-only) if needed.
    pub fn open(root: &Path) -> io::Result<Store> {
        let store = Store {
            root: root.to_path_buf(),
        };
        create_private_dir(&store.tmp_dir())?;
        create_private_dir(&store.objects_dir())?;
        create_private_dir(&store.bundles_dir())?;
        Ok(store)
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    fn objects_dir(&self) -> PathBuf {
        self.root.join("objects")
    }

    fn bundles_dir(&self) -> PathBuf {
        self.root.join("bundles")
    }

    /// Where a built bundle is kept, by its public id (a UUID, never client text).
    pub fn bundle_path(&self, public_id: &uuid::Uuid) -> PathBuf {
        self.bundles_dir().join(format!("{public_id}.zip"))
    }

    /// A temporary file beside the store's objects, removed when dropped unless kept.
    pub fn temp_file(&self) -> io::Result<tempfile::NamedTempFile> {
        tempfile::NamedTempFile::new_in(self.tmp_dir())
    }

    /// Keeps a finished bundle durably under its id: fsync, a rename that never overwrites,
    /// an fsync of the folder.
    pub fn keep_bundle(&self, file: tempfile::NamedTempFile, public_id: &uuid::Uuid) -> io::Result<PathBuf> {
        let target = self.bundle_path(public_id);
        file.as_file().sync_all()?;
        file.persist_noclobber(&target).map_err(|e| e.error)?;
        sync_dir(&self.bundles_dir())?;
        Ok(target)
    }

    /// The bytes free for a bundle: in the folder it is written to, then kept in.
    pub fn bundle_space(&self) -> io::Result<u64> {
        fs4::available_space(self.tmp_dir())
    }

    /// Deletes a kept bundle's file; one already gone is not an error.
    pub fn delete_bundle(&self, public_id: &uuid::Uuid) -> io::Result<()> {
        match std::fs::remove_file(self.bundle_path(public_id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => sync_dir(&self.bundles_dir()),
        }
    }

    /// Where the object with this fingerprint lives.
    pub fn path_of(&self, fingerprint: &Fingerprint) -> PathBuf {
        let hex = fingerprint.as_str();
        self.objects_dir().join(&hex[0..2]).join(&hex[2..4]).join(hex)
    }

    /// Starts receiving a file.
    pub fn incoming(&self) -> io::Result<Incoming> {
        Ok(Incoming {
            file: tempfile::NamedTempFile::new_in(self.tmp_dir())?,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
        })
    }

    /// Keeps a received file under its fingerprint, durably. A file already stored under that
    /// name has the same content, so the copy just received is dropped (deduplication).
    pub fn keep(&self, received: Received) -> io::Result<PathBuf> {
        let target = self.path_of(&received.fingerprint);
        if target.is_file() {
            return Ok(target);
        }
        let folder = target.parent().expect("an object path has a folder");
        if !folder.is_dir() {
            let parent = folder.parent().expect("an object folder has a parent");
            create_private_dir(folder)?;
            sync_dir(parent)?;
            sync_dir(&self.objects_dir())?;
        }
        received.file.as_file().sync_all()?;
        match received.file.persist_noclobber(&target) {
            Ok(_) => {}
            // Another upload of the same content won the race: it is the same file.
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Ok(target),
            Err(e) => return Err(e.error),
        }
        sync_dir(folder)?;
        Ok(target)
    }

    pub fn open_object(&self, fingerprint: &Fingerprint) -> io::Result<File> {
        File::open(self.path_of(fingerprint))
    }

    /// Hashes a stored object again; `None` when it is missing.
    pub fn rehash(&self, fingerprint: &Fingerprint) -> io::Result<Option<(Fingerprint, u64)>> {
        let mut file = match self.open_object(fingerprint) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        hash_reader(&mut file).map(Some)
    }

    /// Every object in the store, by the name it is kept under.
    pub fn objects(&self) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for a in fs::read_dir(self.objects_dir())? {
            let a = a?;
            if !a.file_type()?.is_dir() {
                continue;
            }
            for b in fs::read_dir(a.path())? {
                let b = b?;
                if !b.file_type()?.is_dir() {
                    continue;
                }
                for object in fs::read_dir(b.path())? {
                    names.push(object?.file_name().to_string_lossy().into_owned());
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// Removes what interrupted uploads left in `tmp` (see [`sweep`]).
    pub fn sweep(&self, age: Duration) -> usize {
        sweep(&self.tmp_dir(), age)
    }
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
        self.file.write_all(chunk)
    }

    pub fn finish(mut self) -> io::Result<Received> {
        self.file.flush()?;
        Ok(Received {
            file: self.file,
            fingerprint: Fingerprint::from_digest(self.hasher.finalize().into()),
            size: self.size,
            head: self.head,
        })
    }
}

/// Removes the files in an upload folder that are at least `age` old: what interrupted
/// uploads left. Another server sharing the folder may be receiving a file now, so younger
/// files stay.
pub fn sweep(folder: &Path, age: Duration) -> usize {
    let Ok(entries) = fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|a| a >= age));
        if !old {
            continue;
        }
        match fs::remove_file(entry.path()) {
            Ok(()) => removed += 1,
            Err(e) => tracing::warn!(file = %entry.path().display(), error = %e,
                "cannot remove an interrupted upload"),
        }
    }
    removed
}

/// SHA-256 and length of everything `reader` yields.
pub fn hash_reader(reader: &mut impl Read) -> io::Result<(Fingerprint, u64)> {
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

fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Makes a folder's entries durable: without it a renamed file's name can be lost to a
/// power failure.
fn sync_dir(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(store: &Store, bytes: &[u8]) -> Received {
        let mut incoming = store.incoming().unwrap();
        for chunk in bytes.chunks(7) {
            incoming.write(chunk).unwrap();
        }
        incoming.finish().unwrap()
    }

    #[test]
    fn a_kept_file_is_named_by_its_hash_and_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let r = received(&store, b"abc");
        assert_eq!(
            r.fingerprint.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!((r.size, r.head.as_slice()), (3, &b"abc"[..]));
        let fingerprint = r.fingerprint.clone();
        let path = store.keep(r).unwrap();
        assert!(
            path.ends_with("objects/ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(fs::read(&path).unwrap(), b"abc");
        assert_eq!(
            store.rehash(&fingerprint).unwrap(),
            Some((fingerprint.clone(), 3))
        );
        assert_eq!(store.objects().unwrap(), vec![fingerprint.as_str().to_owned()]);
        assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn the_same_content_twice_is_kept_once_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let first = store.keep(received(&store, b"same")).unwrap();
        let second = store.keep(received(&store, b"same")).unwrap();
        assert_eq!(first, second);
        assert_eq!(store.objects().unwrap().len(), 1);
        assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    }

    #[test]
    fn a_dropped_upload_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        drop(received(&store, b"never kept"));
        assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
        assert!(store.objects().unwrap().is_empty());
    }

    #[test]
    fn only_old_leftovers_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let old = store.tmp_dir().join("old");
        fs::write(&old, b"x").unwrap();
        let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        fs::write(store.tmp_dir().join("new"), b"y").unwrap();
        assert_eq!(store.sweep(Duration::from_secs(600)), 1);
        assert!(!old.exists());
        assert!(store.tmp_dir().join("new").exists());
    }

    #[test]
    fn the_head_keeps_only_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let big = vec![7u8; HEAD_BYTES + 10];
        let r = received(&store, &big);
        assert_eq!(r.head.len(), HEAD_BYTES);
        assert_eq!(r.size, big.len() as u64);
    }
}
