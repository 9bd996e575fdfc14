//! Random tokens (sessions, CSRF, setup links), the one-way form the database keeps, and the
//! keys that sign the stateless tokens held in cookies.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

/// 256 bits from the operating system's CSPRNG, URL-safe (43 characters).
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random number generator failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores instead of the token: a leaked table cannot be replayed.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares secrets in time independent of where they differ.
pub fn equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// An HMAC-SHA256 key for one kind of signed cookie, derived from the office's signing key
/// under the kind's own label: every app server has it without another secret to distribute,
/// and a token of one kind is never valid as another.
#[derive(Clone)]
pub struct MacKey([u8; 32]);

impl MacKey {
    pub fn derive(office: &ed25519_dalek::SigningKey, label: &str) -> Self {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update(b"\0");
        h.update(office.to_bytes());
        MacKey(h.finalize().into())
    }

    /// The MAC of `body`, in hex.
    pub fn sign(&self, body: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length works");
        mac.update(body.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Whether `mac` is the MAC of `body`, compared in constant time.
    pub fn verify(&self, body: &str, mac: &str) -> bool {
        equal(&self.sign(body), mac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_are_long_url_safe_and_unique() {
        let tokens: HashSet<String> = (0..10_000).map(|_| generate()).collect();
        assert_eq!(tokens.len(), 10_000);
        for t in tokens.iter().take(100) {
            assert_eq!(t.len(), 43);
            assert!(
                t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
        }
    }

    #[test]
    fn hashes_are_stable_and_do_not_contain_the_token() {
        let t = generate();
        assert_eq!(hash(&t), hash(&t));
        assert_ne!(hash(&t), t);
        assert_eq!(hash(&t).len(), 64);
    }

    #[test]
    fn equality_is_exact() {
        assert!(equal("abc", "abc"));
        assert!(!equal("abc", "abd"));
        assert!(!equal("abc", "abcd"));
        assert!(!equal("", "a"));
    }
}
