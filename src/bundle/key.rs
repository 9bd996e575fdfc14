//! The office's Ed25519 keys in the forms people pass them around in: the public key as SPKI
//! PEM (published on the site), its fingerprint (written into each bundle's bag-info.txt), and
//! the key file installations kept before the keys moved into the database (`keyring`).

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The key in a PKCS#8 PEM key file (`signing_key_file`, where an installation kept its key
/// before the database held it), with the file's modification time as the moment it has been
/// valid since; `None` if there is no file.
pub fn read_file(path: &Path) -> anyhow::Result<Option<(SigningKey, NaiveDateTime)>> {
    let pem = match fs::read_to_string(path) {
        Ok(pem) => pem,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
    };
    let key = SigningKey::from_pkcs8_pem(&pem)
        .map_err(|e| anyhow::anyhow!("the office key {} cannot be read: {e}", path.display()))?;
    let modified = fs::metadata(path)
        .and_then(|m| m.modified())
        .with_context(|| format!("cannot read the time of {}", path.display()))?;
    let modified = DateTime::<Utc>::from(modified).naive_utc().trunc_subsecs(6);
    Ok(Some((key, modified)))
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

/// Every key in a text that may hold several, as `/office-keys.pem` does: each PEM block in it
/// (lines outside the blocks, such as its `#` comments, are passed over), or else the one key
/// the text is, in any form [`parse_public`] reads.
pub fn parse_public_keys(text: &str) -> anyhow::Result<Vec<VerifyingKey>> {
    let mut keys = Vec::new();
    let mut block: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN ") {
            block = Some(String::new());
        }
        if let Some(pem) = &mut block {
            pem.push_str(line);
            pem.push('\n');
            if line.starts_with("-----END ") {
                keys.push(parse_public(pem).with_context(|| format!("key {} in the file", keys.len() + 1))?);
                block = None;
            }
        }
    }
    if block.is_some() {
        bail!("a PEM block in the file is not closed");
    }
    if keys.is_empty() {
        keys.push(parse_public(text)?);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::pkcs8::EncodePrivateKey;

    use super::*;

    #[test]
    fn a_key_file_is_read_with_its_time_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("office.pem");
        assert!(read_file(&path).unwrap().is_none());
        let key = SigningKey::from_bytes(&[5; 32]);
        fs::write(&path, key.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes()).unwrap();
        let when = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(when)
            .unwrap();
        let (read, modified) = read_file(&path).unwrap().unwrap();
        assert_eq!(read.to_bytes(), key.to_bytes());
        assert_eq!(modified.and_utc().timestamp(), 1_700_000_000);
        fs::write(&path, "not a key").unwrap();
        assert!(read_file(&path).is_err());
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
        assert_eq!(parse_public_keys(&b64).unwrap(), vec![public]);
    }

    #[test]
    fn a_file_of_several_keys_gives_each_and_passes_over_its_comments() {
        let (a, b) = (
            SigningKey::from_bytes(&[1; 32]).verifying_key(),
            SigningKey::from_bytes(&[2; 32]).verifying_key(),
        );
        let file = format!(
            "# Office key 2, current\n{}\n# Office key 1\n{}",
            public_pem(&b),
            public_pem(&a)
        );
        assert_eq!(parse_public_keys(&file).unwrap(), vec![b, a]);
        let cut = &file[..file.len() - 20];
        assert!(parse_public_keys(cut).is_err());
    }
}
