//! The store in a local folder: `objects/ab/cd/<sha256>` and `bundles/<sha256>.zip` under a
//! folder nothing serves. A file arrives in `tmp` (same file system, so the final rename is
//! atomic), and is kept by fsync, a rename that never overwrites, and an fsync of the folders
//! that now name it.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Reading;
use crate::domain::Fingerprint;

#[derive(Clone, Debug)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// Opens the store at `root`, creating its folders (owner-only) if needed.
    pub fn open(root: &Path) -> io::Result<Folder> {
        let folder = Folder {
            root: root.to_path_buf(),
        };
        create_private_dir(&folder.root.join("tmp"))?;
        create_private_dir(&folder.root.join("objects"))?;
        create_private_dir(&folder.root.join("bundles"))?;
        Ok(folder)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// A temporary file beside the store's objects, removed when dropped unless kept.
    pub fn temp_file(&self) -> io::Result<tempfile::NamedTempFile> {
        tempfile::NamedTempFile::new_in(self.tmp_dir())
    }

    /// The bytes free in the folder files are written to.
    pub fn space(&self) -> io::Result<u64> {
        fs4::available_space(self.tmp_dir())
    }

    /// Keeps a received file under its fingerprint.
    pub fn keep(&self, file: tempfile::NamedTempFile, fingerprint: &Fingerprint) -> io::Result<()> {
        self.keep_as(file, &super::object_name(fingerprint))
    }

    /// Keeps a file under `name` (a path relative to the store, named by its content),
    /// durably. A file already there has the same content, so this copy is dropped.
    pub fn keep_as(&self, file: tempfile::NamedTempFile, name: &str) -> io::Result<()> {
        let target = self.root.join(name);
        if target.is_file() {
            return Ok(());
        }
        let folder = target.parent().expect("a stored file has a folder");
        self.create_folders(folder)?;
        file.as_file().sync_all()?;
        match file.persist_noclobber(&target) {
            Ok(_) => {}
            // Another upload of the same content won the race: it is the same file.
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Ok(()),
            Err(e) => return Err(e.error),
        }
        sync_dir(folder)
    }

    /// Creates `folder` and the folders above it up to the store's root, each made durable.
    fn create_folders(&self, folder: &Path) -> io::Result<()> {
        if folder.is_dir() {
            return Ok(());
        }
        let parent = folder.parent().expect("a stored file's folder has a parent");
        self.create_folders(parent)?;
        create_private_dir(folder)?;
        sync_dir(parent)
    }

    pub fn read(&self, name: &str) -> io::Result<Option<Reading>> {
        match File::open(self.root.join(name)) {
            Ok(file) => Ok(Some(Reading {
                size: file.metadata()?.len(),
                reader: Box::new(file),
            })),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every file under the store's folder `under`, as paths relative to the store.
    pub fn list(&self, under: &str) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        let mut folders = vec![self.root.join(under)];
        while let Some(folder) = folders.pop() {
            for entry in fs::read_dir(&folder)? {
                let entry = entry?;
                if entry.file_type()?.is_dir() {
                    folders.push(entry.path());
                } else if let Ok(name) = entry.path().strip_prefix(&self.root) {
                    names.push(name.to_string_lossy().into_owned());
                }
            }
        }
        Ok(names)
    }

    /// Deletes a stored file; one already gone is not an error.
    pub fn delete(&self, name: &str) -> io::Result<()> {
        let path = self.root.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            Err(_) => Ok(()),
            Ok(()) => sync_dir(path.parent().expect("a stored file has a folder")),
        }
    }

    /// Removes what interrupted uploads left in `tmp` (see [`sweep`]).
    pub fn sweep(&self, age: Duration) -> usize {
        sweep(&self.tmp_dir(), age)
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

pub(super) fn create_private_dir(path: &Path) -> io::Result<()> {
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
    use std::io::Read;

    use super::super::{Received, Store};
    use super::*;

    fn received(store: &Store, bytes: &[u8]) -> Received {
        let mut incoming = store.incoming().unwrap();
        for chunk in bytes.chunks(7) {
            incoming.write(chunk).unwrap();
        }
        incoming.finish().unwrap()
    }

    fn tmp_count(dir: &Path) -> usize {
        fs::read_dir(dir.join("tmp")).unwrap().count()
    }

    #[test]
    fn a_kept_file_is_named_by_its_hash_and_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::folder(dir.path()).unwrap();
        let r = received(&store, b"abc");
        assert_eq!(
            r.fingerprint.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!((r.size, r.head.as_slice()), (3, &b"abc"[..]));
        let fingerprint = r.fingerprint.clone();
        store.keep(r).unwrap();
        let path = dir
            .path()
            .join("objects/ba/78/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(fs::read(&path).unwrap(), b"abc");
        let mut reading = store.read(&fingerprint).unwrap().unwrap();
        let mut back = Vec::new();
        reading.reader.read_to_end(&mut back).unwrap();
        assert_eq!((reading.size, back.as_slice()), (3, &b"abc"[..]));
        assert_eq!(
            store.rehash(&fingerprint).unwrap(),
            Some((fingerprint.clone(), 3))
        );
        assert_eq!(store.objects().unwrap(), vec![fingerprint.as_str().to_owned()]);
        assert_eq!(tmp_count(dir.path()), 0);
    }

    #[test]
    fn the_same_content_twice_is_kept_once_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::folder(dir.path()).unwrap();
        store.keep(received(&store, b"same")).unwrap();
        store.keep(received(&store, b"same")).unwrap();
        assert_eq!(store.objects().unwrap().len(), 1);
        assert_eq!(tmp_count(dir.path()), 0);
    }

    #[test]
    fn a_dropped_upload_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::folder(dir.path()).unwrap();
        drop(received(&store, b"never kept"));
        assert_eq!(tmp_count(dir.path()), 0);
        assert!(store.objects().unwrap().is_empty());
    }

    #[test]
    fn only_old_leftovers_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::folder(dir.path()).unwrap();
        let old = dir.path().join("tmp").join("old");
        fs::write(&old, b"x").unwrap();
        let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        fs::write(dir.path().join("tmp").join("new"), b"y").unwrap();
        assert_eq!(store.sweep(Duration::from_secs(600)), 1);
        assert!(!old.exists());
        assert!(dir.path().join("tmp").join("new").exists());
    }

    #[test]
    fn the_head_keeps_only_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::folder(dir.path()).unwrap();
        let big = vec![7u8; super::super::HEAD_BYTES + 10];
        let r = received(&store, &big);
        assert_eq!(r.head.len(), super::super::HEAD_BYTES);
        assert_eq!(r.size, big.len() as u64);
    }
}
