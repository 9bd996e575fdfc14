//! The store in an S3-compatible bucket, through `object_store`.
//!
//! A file streams into a multipart upload under `incoming/<uuid>` while it is hashed, in parts
//! of [`PART`] bytes with at most [`IN_FLIGHT`] on the wire, so memory stays bounded. Once the
//! upload is complete and the hash known, the object is copied to its name on the condition
//! that nothing is there (`If-None-Match: *`), and the incoming object is deleted. A failed or
//! dropped upload is aborted (its parts deleted); one cut short by a crash is invisible until
//! the bucket's lifecycle rule removes its parts, and an incoming object whose copy never
//! happened is swept after an hour.
//!
//! The network I/O runs on a small runtime of the store's own ([`wait`]), so the blocking
//! callers (the blocking pool, the workers, the command line) can wait on it from any thread.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder, S3CopyIfNotExists};
use object_store::path::Path as Key;
use object_store::{ClientOptions, MultipartUpload, ObjectStore, ObjectStoreExt, PutPayload};

use super::{Location, Reading, S3Access};
use crate::domain::Fingerprint;

/// The size of each part of a multipart upload (S3 wants at least 5 MiB but for the last).
pub const PART: usize = 8 * 1024 * 1024;
/// Parts of one upload on the wire at once.
const IN_FLIGHT: usize = 2;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ipdesk-store")
            .enable_all()
            .build()
            .expect("the object store's runtime starts")
    })
}

/// Runs `work` on the store's runtime and waits for it. Only for threads that may block
/// (never an async worker).
pub fn wait<T: Send + 'static>(work: impl Future<Output = T> + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime().spawn(async move {
        let _ = tx.send(work.await);
    });
    rx.recv().expect("the object store's runtime stopped")
}

/// Cleans up after something dropped: in the background where the caller may be an async
/// worker (which must not block), at once where there is no runtime (the command line, which
/// might otherwise exit before the clean-up ran).
fn clean_up(work: impl Future<Output = ()> + Send + 'static) {
    if tokio::runtime::Handle::try_current().is_ok() {
        runtime().spawn(work);
    } else {
        wait(work);
    }
}

fn io_error(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e),
        e => io::Error::other(e),
    }
}

#[derive(Clone)]
pub struct Bucket {
    s3: Arc<AmazonS3>,
    bucket: String,
    prefix: String,
    /// A local folder for bundles being built.
    scratch: PathBuf,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bucket({})", self.location())
    }
}

impl Bucket {
    /// Connects to the bucket and checks that it answers.
    pub fn open(bucket: &str, prefix: &str, access: &S3Access, scratch: &Path) -> anyhow::Result<Bucket> {
        // Credentials and region may also come from the usual AWS_* variables.
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_copy_if_not_exists(S3CopyIfNotExists::Header("If-None-Match".into(), "*".into()))
            // A download to a slow reader may take long; a store that stops answering does not.
            .with_client_options(
                ClientOptions::new()
                    .with_timeout_disabled()
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_read_timeout(Duration::from_secs(60)),
            );
        if let Some(region) = &access.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &access.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let (Some(key), Some(secret)) = (&access.access_key, &access.secret_key) {
            builder = builder.with_access_key_id(key).with_secret_access_key(secret);
        }
        let store = Bucket {
            s3: Arc::new(builder.build()?),
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            scratch: scratch.to_path_buf(),
        };
        super::folder::create_private_dir(scratch)?;
        // A name nothing has: "not found" proves the bucket answers and lets us in.
        let probe = store.key("objects/.probe");
        let s3 = store.s3.clone();
        match wait(async move { s3.head(&probe).await }) {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(store),
            Err(e) => Err(anyhow::Error::new(e).context("the bucket does not answer")),
        }
    }

    pub fn location(&self) -> Location {
        Location::Bucket {
            bucket: self.bucket.clone(),
            prefix: self.prefix.clone(),
        }
    }

    fn key(&self, name: &str) -> Key {
        if self.prefix.is_empty() {
            Key::from(name)
        } else {
            Key::from(format!("{}/{name}", self.prefix))
        }
    }

    /// A name relative to the store, from a key in the bucket.
    fn name_of(&self, key: &Key) -> String {
        let key = key.as_ref();
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            key.strip_prefix(&self.prefix)
                .map(|k| k.trim_start_matches('/'))
                .unwrap_or(key)
                .to_owned()
        }
    }

    pub fn temp_file(&self) -> io::Result<tempfile::NamedTempFile> {
        tempfile::NamedTempFile::new_in(&self.scratch)
    }

    pub fn space(&self) -> io::Result<u64> {
        fs4::available_space(&self.scratch)
    }

    /// Starts a multipart upload under a temporary name.
    pub fn upload(&self) -> io::Result<Upload> {
        self.upload_to(self.key(&format!("incoming/{}", uuid::Uuid::new_v4())))
    }

    /// Starts a multipart upload under `key`: nothing is visible there until it completes.
    fn upload_to(&self, key: Key) -> io::Result<Upload> {
        let (s3, at) = (self.s3.clone(), key.clone());
        let upload = wait(async move { s3.put_multipart(&at).await }).map_err(io_error)?;
        Ok(Upload {
            bucket: self.clone(),
            key,
            upload: Some(upload),
            buffer: Vec::new(),
            parts: VecDeque::new(),
            sent: 0,
        })
    }

    /// Keeps a completed upload under its fingerprint.
    pub fn keep(&self, staged: Staged, fingerprint: &Fingerprint, size: u64) -> io::Result<()> {
        self.keep_as(staged, &super::object_name(fingerprint), size)
    }

    /// Copies a completed upload to `name` (named by its content) unless something is there,
    /// then deletes the upload. What is already there must have the same size.
    pub fn keep_as(&self, mut staged: Staged, name: &str, size: u64) -> io::Result<()> {
        let (s3, from, to) = (self.s3.clone(), staged.key.clone(), self.key(name));
        wait(async move {
            match s3.head(&to).await {
                Ok(meta) if meta.size == size => return Ok(()),
                Ok(meta) => {
                    return Err(io::Error::other(format!(
                        "the store holds {to} with {} bytes, not {size}: run `ipdesk evidence scrub`",
                        meta.size
                    )));
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(io_error(e)),
            }
            match s3.copy_if_not_exists(&from, &to).await {
                // Another upload of the same content was kept first: it is the same file.
                Ok(()) | Err(object_store::Error::AlreadyExists { .. }) => Ok(()),
                Err(e) => Err(io_error(e)),
            }
        })?;
        staged.delete_now();
        Ok(())
    }

    /// Uploads a local file to `name` (named by its content), in parts; nothing is visible
    /// until the upload is complete. A file already there has the same content.
    pub fn put_file(&self, path: &Path, name: &str) -> io::Result<()> {
        let key = self.key(name);
        let (s3, at) = (self.s3.clone(), key.clone());
        match wait(async move { s3.head(&at).await }) {
            Ok(_) => return Ok(()),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(io_error(e)),
        }
        let mut upload = self.upload_to(key)?;
        let mut file = std::fs::File::open(path)?;
        let mut slice = vec![0; 1024 * 1024];
        loop {
            let n = file.read(&mut slice)?;
            if n == 0 {
                break;
            }
            upload.write(&slice[..n])?;
        }
        // Completed under its final name: nothing to copy, nothing to delete.
        upload.complete()
    }

    /// Reads a stored object as a stream; `None` when it is missing.
    pub fn read(&self, name: &str) -> io::Result<Option<Reading>> {
        let (s3, key) = (self.s3.clone(), self.key(name));
        match wait(async move { s3.get(&key).await }) {
            Ok(got) => Ok(Some(Reading {
                size: got.meta.size,
                reader: Box::new(StreamReader {
                    stream: Some(got.into_stream()),
                    pending: VecDeque::new(),
                }),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io_error(e)),
        }
    }

    /// Every object under the store's `under`, as names relative to the store.
    pub fn list(&self, under: &str) -> io::Result<Vec<String>> {
        Ok(self
            .list_meta(under)?
            .into_iter()
            .map(|m| self.name_of(&m.location))
            .collect())
    }

    fn list_meta(&self, under: &str) -> io::Result<Vec<object_store::ObjectMeta>> {
        let (s3, key) = (self.s3.clone(), self.key(under));
        wait(async move { s3.list(Some(&key)).try_collect::<Vec<_>>().await }).map_err(io_error)
    }

    pub fn delete(&self, name: &str) -> io::Result<()> {
        let (s3, key) = (self.s3.clone(), self.key(name));
        match wait(async move { s3.delete(&key).await }) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(io_error(e)),
        }
    }

    /// Deletes incoming objects at least `age` old: uploads completed whose copy never
    /// happened (a server died between the two). Also empties the local scratch folder.
    pub fn sweep(&self, age: Duration) -> usize {
        let mut removed = super::folder::sweep(&self.scratch, age);
        let old = chrono::Utc::now() - chrono::TimeDelta::from_std(age).unwrap_or_default();
        match self.list_meta("incoming") {
            Ok(metas) => {
                for meta in metas.into_iter().filter(|m| m.last_modified <= old) {
                    let name = self.name_of(&meta.location);
                    match self.delete(&name) {
                        Ok(()) => removed += 1,
                        Err(e) => tracing::warn!(object = %name, error = %e,
                            "cannot remove an interrupted upload"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot list interrupted uploads"),
        }
        removed
    }
}

/// A multipart upload in progress. Dropped before it completes, it is aborted.
pub struct Upload {
    bucket: Bucket,
    key: Key,
    upload: Option<Box<dyn MultipartUpload>>,
    buffer: Vec<u8>,
    parts: VecDeque<tokio::task::JoinHandle<object_store::Result<()>>>,
    sent: usize,
}

impl Upload {
    /// Fills parts of exactly [`PART`] bytes, each allocated once at that size (a growing
    /// buffer would double its capacity), and sends each as it fills.
    pub fn write(&mut self, mut chunk: &[u8]) -> io::Result<()> {
        while !chunk.is_empty() {
            if self.buffer.capacity() == 0 {
                self.buffer = Vec::with_capacity(PART);
            }
            let take = (PART - self.buffer.len()).min(chunk.len());
            self.buffer.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.buffer.len() == PART {
                let part = std::mem::take(&mut self.buffer);
                self.send(part)?;
            }
        }
        Ok(())
    }

    /// Puts a part on the wire, first waiting for room.
    fn send(&mut self, part: Vec<u8>) -> io::Result<()> {
        while self.parts.len() >= IN_FLIGHT {
            let oldest = self.parts.pop_front().expect("a part is in flight");
            wait(oldest).map_err(io::Error::other)?.map_err(io_error)?;
        }
        let upload = self.upload.as_mut().expect("the upload is open");
        let put = upload.put_part(PutPayload::from(part));
        self.parts.push_back(runtime().spawn(put));
        self.sent += 1;
        Ok(())
    }

    /// Sends what is left and completes the upload under its name.
    fn complete(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() || self.sent == 0 {
            let last = std::mem::take(&mut self.buffer);
            self.send(last)?;
        }
        while let Some(part) = self.parts.pop_front() {
            wait(part).map_err(io::Error::other)?.map_err(io_error)?;
        }
        let mut upload = self.upload.take().expect("the upload is open");
        let completed = wait(async move {
            let result = upload.complete().await;
            result.map_err(|e| (e, upload))
        });
        match completed {
            Ok(_) => Ok(()),
            Err((e, upload)) => {
                // Aborted when dropped below.
                self.upload = Some(upload);
                Err(io_error(e))
            }
        }
    }

    /// The whole file is uploaded: it is an object under its temporary name.
    pub fn finish(mut self) -> io::Result<Staged> {
        self.complete()?;
        Ok(Staged {
            bucket: self.bucket.clone(),
            key: self.key.clone(),
            deleted: false,
        })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        let Some(mut upload) = self.upload.take() else {
            return;
        };
        let parts = std::mem::take(&mut self.parts);
        let key = self.key.clone();
        clean_up(async move {
            // Parts still on the wire would outlive an abort sent before them.
            for part in parts {
                let _ = part.await;
            }
            match upload.abort().await {
                Ok(()) => tracing::info!(object = %key, "an unfinished upload was aborted"),
                Err(e) => {
                    tracing::warn!(object = %key, error = %e, "an unfinished upload could not be aborted")
                }
            }
        });
    }
}

/// A completed upload under its temporary name, not yet kept: deleted when dropped.
pub struct Staged {
    bucket: Bucket,
    key: Key,
    deleted: bool,
}

impl Staged {
    fn delete_now(&mut self) {
        let (s3, key) = (self.bucket.s3.clone(), self.key.clone());
        if let Err(e) = wait(async move { s3.delete(&key).await }) {
            // The sweep removes it later.
            tracing::warn!(object = %self.key, error = %e, "cannot delete an incoming object");
        }
        self.deleted = true;
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.deleted {
            return;
        }
        let (s3, key) = (self.bucket.s3.clone(), self.key.clone());
        clean_up(async move {
            if let Err(e) = s3.delete(&key).await {
                tracing::warn!(object = %key, error = %e, "cannot delete an incoming object");
            }
        });
    }
}

/// An object's bytes as a blocking reader: each read waits for as many of the stream's
/// chunks as fill the caller's buffer.
struct StreamReader {
    stream: Option<BoxStream<'static, object_store::Result<Bytes>>>,
    pending: VecDeque<Bytes>,
}

impl Read for StreamReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pending.is_empty() {
            let Some(mut stream) = self.stream.take() else {
                return Ok(0);
            };
            let want = buf.len();
            let (stream, got) = wait(async move {
                let mut got = Vec::new();
                let mut n = 0;
                while n < want {
                    match stream.next().await {
                        Some(Ok(chunk)) => {
                            n += chunk.len();
                            got.push(chunk);
                        }
                        Some(Err(e)) => return (None, Err(e)),
                        None => return (None, Ok(got)),
                    }
                }
                (Some(stream), Ok(got))
            });
            self.stream = stream;
            self.pending.extend(got.map_err(io_error)?);
        }
        let mut n = 0;
        while n < buf.len() {
            let Some(front) = self.pending.front_mut() else {
                break;
            };
            let take = front.len().min(buf.len() - n);
            buf[n..n + take].copy_from_slice(&front[..take]);
            let _ = front.split_to(take);
            if front.is_empty() {
                self.pending.pop_front();
            }
            n += take;
        }
        Ok(n)
    }
}
