//! The office's signing keys as every app server shares them (issue 19). They live in the
//! database, one row per generation, each private key sealed with ChaCha20-Poly1305 under the
//! installation's key secret; the newest generation signs bundles. Every server reads the
//! current key when it signs, so a rotation on one server holds on all of them at once.
//!
//! The first generation is the root the cookie and calendar keys are derived from: it never
//! changes, so a rotation signs nobody out and breaks no calendar address.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use chrono::NaiveDateTime;
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::key;
use crate::db::{DbConn, write_tx_retrying};
use crate::models::id::UserId;
use crate::models::office_key::{self, NewOfficeKey, OfficeKeyRow};

const NONCE_LEN: usize = 12;

/// The secret the private keys are sealed with. Every app server needs the same one: the
/// `key_secret` setting, or the secret file a single server makes for itself.
#[derive(Clone)]
pub struct KeySecret([u8; 32]);

impl fmt::Debug for KeySecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeySecret(…)")
    }
}

impl KeySecret {
    pub fn from_bytes(bytes: [u8; 32]) -> KeySecret {
        KeySecret(bytes)
    }

    /// The `key_secret` setting if there is one, else the secret in `file`, made there (only
    /// the server's user can read it) if there is none. Two servers sharing the folder and
    /// starting at once end with the same secret: the file is linked into place exclusively,
    /// and the loser reads the winner's.
    pub fn load_or_create(setting: Option<&str>, file: &Path) -> anyhow::Result<KeySecret> {
        if let Some(text) = setting {
            return crate::config::decode_key_secret(text).map(KeySecret);
        }
        if let Some(secret) = read_secret(file)? {
            return Ok(secret);
        }
        let folder = file.parent().context("the key secret file has no folder")?;
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let secret = KeySecret(rand::random());
        let text = base64::engine::general_purpose::STANDARD.encode(secret.0);
        // Written whole under a name of its own, then linked into place: a server starting at
        // the same moment never reads half a secret, and whoever links first wins.
        let partial = folder.join(format!(".secret-{}", uuid::Uuid::new_v4().simple()));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out = options
            .open(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        out.write_all(format!("{text}\n").as_bytes())?;
        out.sync_all()?;
        let linked = fs::hard_link(&partial, file);
        fs::remove_file(&partial)?;
        match linked {
            Ok(()) => {
                fs::File::open(folder)?.sync_all()?;
                tracing::info!(file = %file.display(), "made the secret the office's keys are sealed with");
                Ok(secret)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                read_secret(file)?.context("the key secret file appeared but cannot be read")
            }
            Err(e) => Err(anyhow::Error::new(e).context(format!("cannot create {}", file.display()))),
        }
    }

    /// `key` sealed for its row: hex of the nonce, then the ciphertext with its tag. The
    /// fingerprint is the associated data, so a sealed key moved to another row does not open.
    fn seal(&self, key: &SigningKey, fingerprint: &str) -> String {
        self.seal_bytes(key.as_bytes(), fingerprint)
    }

    /// Any secret sealed under this one (an authenticator app's secret, say), bound to `label`
    /// (the associated data), so that it opens only where it was sealed for.
    pub fn seal_bytes(&self, secret: &[u8], label: &str) -> String {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: label.as_bytes(),
                },
            )
            .expect("sealing a short secret cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        hex::encode(out)
    }

    /// What `seal_bytes` sealed for `label`; none if it was sealed under another secret or for
    /// another label, or altered.
    pub fn open_bytes(&self, sealed: &str, label: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        self.cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: label.as_bytes(),
                },
            )
            .ok()
    }

    /// The row's private key, if it was sealed with this secret for this row and not altered,
    /// and if it is the key the row's fingerprint names.
    pub fn unseal(&self, row: &OfficeKeyRow) -> anyhow::Result<SigningKey> {
        let refused = || {
            anyhow::anyhow!(
                "the office key of generation {} ({}) cannot be opened with this server's key \
                 secret: it was sealed with another one, or altered. Set key_secret \
                 (IPDESK_KEY_SECRET) to the same value on every server",
                row.generation,
                row.fingerprint
            )
        };
        let opened = self
            .open_bytes(&row.sealed_private_key, &row.fingerprint)
            .ok_or_else(refused)?;
        let secret = <[u8; 32]>::try_from(opened.as_slice()).map_err(|_| refused())?;
        let key = SigningKey::from_bytes(&secret);
        if key::fingerprint(&key.verifying_key()) != row.fingerprint {
            bail!(
                "the office key of generation {} opens but is not the key its fingerprint {} names",
                row.generation,
                row.fingerprint
            );
        }
        Ok(key)
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(&self.0.into())
    }
}

fn read_secret(file: &Path) -> anyhow::Result<Option<KeySecret>> {
    match fs::read_to_string(file) {
        Ok(text) => crate::config::decode_key_secret(&text)
            .map(|bytes| Some(KeySecret(bytes)))
            .with_context(|| format!("the key secret file {}", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot read {}", file.display()))),
    }
}

/// A key ready to be stored: its public forms and its private half sealed.
pub struct Sealed {
    pub fingerprint: String,
    pub public_key: String,
    pub sealed_private_key: String,
}

impl Sealed {
    /// The row for this key as generation `generation`, valid from `valid_from`.
    pub fn row(
        &self,
        generation: i32,
        valid_from: NaiveDateTime,
        created_by: Option<UserId>,
    ) -> NewOfficeKey<'_> {
        NewOfficeKey {
            generation,
            fingerprint: &self.fingerprint,
            public_key: &self.public_key,
            sealed_private_key: &self.sealed_private_key,
            valid_from,
            created_by,
        }
    }
}

/// The office's keys as an app server holds them: the root in memory, the current key read
/// from the database when a bundle is signed. Cheap to clone.
#[derive(Clone)]
pub struct KeyRing {
    secret: KeySecret,
    root: Arc<SigningKey>,
}

impl KeyRing {
    /// A ring over a root key already read; the current key is read from the database.
    pub fn new(secret: KeySecret, root: SigningKey) -> KeyRing {
        KeyRing {
            secret,
            root: Arc::new(root),
        }
    }

    /// The installation's key secret, which seals other secrets too.
    pub fn secret(&self) -> &KeySecret {
        &self.secret
    }

    /// The first generation's key, which the cookie and calendar keys are derived from.
    pub fn root(&self) -> &SigningKey {
        &self.root
    }

    /// The key that signs bundles now, whichever server made it.
    pub fn current(&self, conn: &mut DbConn) -> anyhow::Result<SigningKey> {
        let row = office_key::current(conn)?.context("the office has no signing key")?;
        self.secret.unseal(&row)
    }

    /// A new key, sealed with this ring's secret.
    pub fn make(&self) -> Sealed {
        sealed(&self.secret, &SigningKey::from_bytes(&rand::random()))
    }
}

fn sealed(secret: &KeySecret, key: &SigningKey) -> Sealed {
    let public = key.verifying_key();
    let fingerprint = key::fingerprint(&public);
    Sealed {
        sealed_private_key: secret.seal(key, &fingerprint),
        public_key: hex::encode(public.as_bytes()),
        fingerprint,
    }
}

/// The office's keys at start-up. On an empty key table the first generation is made: the key
/// in `legacy_file` if the installation kept one there (valid since the file was written), or
/// a new one. Two servers starting at once on an empty table end with one key: only one can
/// insert generation 1, and the other reads it. Every key must open with `secret`, or the
/// server does not start.
pub fn load_or_create(
    conn: &mut DbConn,
    secret: KeySecret,
    legacy_file: &Path,
    now: NaiveDateTime,
) -> anyhow::Result<KeyRing> {
    let root = match office_key::first(conn)? {
        Some(row) => row,
        None => first_key(conn, &secret, legacy_file, now)?,
    };
    let keys = office_key::all(conn)?;
    for row in &keys {
        secret.unseal(row)?;
    }
    if let Some(current) = keys.first() {
        tracing::info!(generation = current.generation, fingerprint = %current.fingerprint,
            keys = keys.len(), "the office's signing key");
    }
    let root = secret.unseal(&root)?;
    Ok(KeyRing::new(secret, root))
}

/// Stores generation 1, or reads it if another server stored it first.
fn first_key(
    conn: &mut DbConn,
    secret: &KeySecret,
    legacy_file: &Path,
    now: NaiveDateTime,
) -> anyhow::Result<OfficeKeyRow> {
    let legacy = key::read_file(legacy_file)?;
    let (key, valid_from) = match &legacy {
        Some((key, modified)) => (key.clone(), *modified),
        None => (SigningKey::from_bytes(&rand::random()), now),
    };
    let made = sealed(secret, &key);
    let row = write_tx_retrying(conn, |c| match office_key::first(c)? {
        Some(theirs) => Ok(theirs),
        None => office_key::insert(c, &made.row(1, valid_from, None)),
    })
    .context("cannot store the office's first key")?;
    match (row.fingerprint == made.fingerprint, legacy.is_some()) {
        (true, true) => tracing::info!(file = %legacy_file.display(), fingerprint = %row.fingerprint,
            "imported the office's signing key from its old key file"),
        (true, false) => tracing::info!(fingerprint = %row.fingerprint, "made the office's signing key"),
        // Each server had made its own key file, and another's became the office's.
        (false, true) => tracing::warn!(file = %legacy_file.display(), fingerprint = %made.fingerprint,
            "this server's old key file holds another key than the office's; bundles signed with it verify only with that file's key"),
        (false, false) => {}
    }
    Ok(row)
}

/// A stored key's public half.
pub fn public_of(row: &OfficeKeyRow) -> anyhow::Result<VerifyingKey> {
    key::parse_public(&row.public_key)
        .with_context(|| format!("the office key of generation {}", row.generation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::id::OfficeKeyId;

    fn row_of(secret: &KeySecret, key: &SigningKey) -> OfficeKeyRow {
        let made = sealed(secret, key);
        OfficeKeyRow {
            id: OfficeKeyId(1),
            generation: 1,
            fingerprint: made.fingerprint,
            public_key: made.public_key,
            sealed_private_key: made.sealed_private_key,
            valid_from: chrono::DateTime::from_timestamp(0, 0).unwrap().naive_utc(),
            valid_until: None,
            created_by: None,
        }
    }

    #[test]
    fn a_sealed_key_opens_with_its_secret_only() {
        let secret = KeySecret::from_bytes([1; 32]);
        let key = SigningKey::from_bytes(&[9; 32]);
        let row = row_of(&secret, &key);
        assert!(!row.sealed_private_key.contains(&hex::encode(key.as_bytes())));
        assert_eq!(secret.unseal(&row).unwrap().to_bytes(), key.to_bytes());
        assert_eq!(public_of(&row).unwrap(), key.verifying_key());

        let other = KeySecret::from_bytes([2; 32]);
        let refused = other.unseal(&row).unwrap_err().to_string();
        assert!(refused.contains("sealed with another one"), "{refused}");
        assert!(refused.contains("key_secret"), "{refused}");
    }

    #[test]
    fn a_tampered_or_moved_sealed_key_is_refused() {
        let secret = KeySecret::from_bytes([1; 32]);
        let row = row_of(&secret, &SigningKey::from_bytes(&[9; 32]));
        let mut bytes = hex::decode(&row.sealed_private_key).unwrap();
        bytes[NONCE_LEN + 3] ^= 1;
        let tampered = OfficeKeyRow {
            sealed_private_key: hex::encode(bytes),
            ..row.clone()
        };
        assert!(secret.unseal(&tampered).is_err());
        let cut = OfficeKeyRow {
            sealed_private_key: row.sealed_private_key[..20].to_owned(),
            ..row.clone()
        };
        assert!(secret.unseal(&cut).is_err());
        // Another row's sealed key, under this row's fingerprint: the associated data differs.
        let elsewhere = row_of(&secret, &SigningKey::from_bytes(&[8; 32]));
        let swapped = OfficeKeyRow {
            sealed_private_key: elsewhere.sealed_private_key,
            ..row
        };
        assert!(secret.unseal(&swapped).is_err());
    }

    #[test]
    fn the_secret_comes_from_the_setting_or_a_file_made_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys").join("secret");
        let given = base64::engine::general_purpose::STANDARD.encode([4u8; 32]);
        assert_eq!(KeySecret::load_or_create(Some(&given), &file).unwrap().0, [4; 32]);
        assert!(!file.exists(), "a secret set needs no file");
        assert!(KeySecret::load_or_create(Some("c2hvcnQ="), &file).is_err());

        let secrets: Vec<[u8; 32]> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| KeySecret::load_or_create(None, &file).unwrap().0))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            secrets.windows(2).all(|w| w[0] == w[1]),
            "servers starting at once share one"
        );
        assert_eq!(KeySecret::load_or_create(None, &file).unwrap().0, secrets[0]);
        assert_eq!(
            fs::read_dir(dir.path().join("keys")).unwrap().count(),
            1,
            "no partial file left"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
