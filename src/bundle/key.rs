//! The office's Ed25519 key, which signs every bundle. It is made on first start and kept as
//! a PKCS#8 PEM file that only the server's user can read; its public half is published on
//! the site, and its fingerprint is written into each bundle's bag-info.txt.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Reads the key at `path`, or makes one there if there is none. Two servers starting at
/// once end with the same key: the file is created exclusively, and the loser reads the
/// winner's.
pub fn load_or_create(path: &Path) -> anyhow::Result<SigningKey> {
    if let Some(key) = read(path)? {
        return Ok(key);
    }
    let folder = path.parent().context("the key file has no folder")?;
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("cannot encode the office key: {e}"))?;
    // Written whole under a name of its own, then linked into place: a server starting at
    // the same moment never reads half a key, and whoever links first wins.
    let partial = folder.join(format!(".office-key-{}", uuid::Uuid::new_v4().simple()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    file.write_all(pem.as_bytes())?;
    file.sync_all()?;
    let linked = fs::hard_link(&partial, path);
    fs::remove_file(&partial)?;
    match linked {
        Ok(()) => {
            fs::File::open(folder)?.sync_all()?;
            tracing::info!(file = %path.display(), "made the office's signing key");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read(path)?.context("the office key file appeared but cannot be read")
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot create {}", path.display()))),
    }
}

fn read(path: &Path) -> anyhow::Result<Option<SigningKey>> {
    match fs::read_to_string(path) {
        Ok(pem) => SigningKey::from_pkcs8_pem(&pem)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("the office key {} cannot be read: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
    }
}

/// The public key as SPKI PEM, as published on the site.
pub fn public_pem(key: &VerifyingKey) -> String {
    key.to_public_key_pem(LineEnding::LF)
        .expect("an Ed25519 public key always encodes")
}

/// Hex SHA-256 of the raw public key: short enough to compare by eye, written into every
/// bundle and shown on the site.
pub fn fingerprint(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// A public key as people pass it around: SPKI PEM, 64 hex digits, base64 of the raw 32
/// bytes, or the private key's PEM (its public half is used).
pub fn parse_public(text: &str) -> anyhow::Result<VerifyingKey> {
    let text = text.trim();
    if text.contains("BEGIN PUBLIC KEY") {
        return VerifyingKey::from_public_key_pem(text)
            .map_err(|e| anyhow::anyhow!("not an Ed25519 public key: {e}"));
    }
    if text.contains("BEGIN PRIVATE KEY") {
        return SigningKey::from_pkcs8_pem(text)
            .map(|k| k.verifying_key())
            .map_err(|e| anyhow::anyhow!("not an Ed25519 private key: {e}"));
    }
    let raw = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
        hex::decode(text)?
    } else {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .context("the key is neither PEM, hexadecimal nor base64")?
    };
    let Ok(bytes) = <[u8; 32]>::try_from(raw.as_slice()) else {
        bail!("an Ed25519 public key has 32 bytes, this one {}", raw.len());
    };
    VerifyingKey::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("not an Ed25519 public key: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("office.pem");
        let made = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(made.to_bytes(), again.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn servers_starting_at_once_end_with_one_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("office.pem");
        let keys: Vec<[u8; 32]> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| load_or_create(&path).unwrap().to_bytes()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(keys.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(
            fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1,
            "no partial key left"
        );
    }

    #[test]
    fn a_public_key_is_read_in_every_form_it_is_passed_around_in() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = key.verifying_key();
        let pem = public_pem(&public);
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(parse_public(&pem).unwrap(), public);
        assert_eq!(parse_public(&hex::encode(public.as_bytes())).unwrap(), public);
        let b64 = base64::engine::general_purpose::STANDARD.encode(public.as_bytes());
        assert_eq!(parse_public(&b64).unwrap(), public);
        let private = key.to_pkcs8_pem(LineEnding::LF).unwrap();
        assert_eq!(parse_public(&private).unwrap(), public);
        assert!(parse_public("not a key").is_err());
        assert_eq!(fingerprint(&public).len(), 64);
    }
}
