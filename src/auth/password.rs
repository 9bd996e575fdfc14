//! Password hashing: Argon2id at the OWASP parameters, off the async workers, and bounded in
//! how many run at once (each needs 19 MiB).

use std::sync::Arc;

use anyhow::Context;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

pub fn argon2() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("the Argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// `true` when the stored hash was made with weaker settings than today's.
pub fn needs_rehash(stored: &PasswordHash<'_>) -> bool {
    let Ok(params) = Params::try_from(stored) else {
        return true;
    };
    stored.algorithm.as_str() != "argon2id"
        || params.m_cost() < MEMORY_KIB
        || params.t_cost() < ITERATIONS
        || params.p_cost() < PARALLELISM
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Valid { needs_rehash: bool },
    Invalid,
}

fn verify_now(password: &str, stored: &str) -> Verification {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verification::Invalid;
    };
    // Verify with the parameters the hash was made with, whatever they were.
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Verification::Valid {
            needs_rehash: needs_rehash(&parsed),
        },
        Err(_) => Verification::Invalid,
    }
}

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Verified against when there is no account, so the answer takes as long either way.
    dummy: Arc<str>,
}

impl Hasher {
    pub fn new(concurrency: usize) -> anyhow::Result<Self> {
        let dummy = hash_now(&crate::auth::token::generate())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrency)),
            dummy: dummy.into(),
        })
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await.context("the hasher is shut down")?;
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .context("the hashing thread failed")?
    }

    /// Verifies against `stored`, or against a dummy hash when there is none.
    pub async fn verify(&self, password: String, stored: Option<String>) -> anyhow::Result<Verification> {
        let _permit = self.permits.acquire().await.context("the hasher is shut down")?;
        let dummy = self.dummy.clone();
        tokio::task::spawn_blocking(move || match stored {
            Some(stored) => verify_now(&password, &stored),
            None => {
                let _ = verify_now(&password, &dummy);
                Verification::Invalid
            }
        })
        .await
        .context("the hashing thread failed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_hashes_are_argon2id_at_the_owasp_floor() {
        let stored = hash_now("vivid-otter-42-lantern").unwrap();
        let parsed = PasswordHash::new(&stored).unwrap();
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        let params = Params::try_from(&parsed).unwrap();
        assert!(params.m_cost() >= 19456 && params.t_cost() >= 2 && params.p_cost() == 1);
        assert!(!stored.contains("otter"));
    }

    #[test]
    fn the_right_password_verifies_and_a_wrong_one_does_not() {
        let stored = hash_now("특허🔒도둑은-잡힌다").unwrap();
        assert_eq!(
            verify_now("특허🔒도둑은-잡힌다", &stored),
            Verification::Valid { needs_rehash: false }
        );
        assert_eq!(verify_now("특허🔒도둑은-잡힌다 ", &stored), Verification::Invalid);
        assert_eq!(verify_now("x", "not a hash"), Verification::Invalid);
    }

    #[test]
    fn weaker_old_hashes_ask_to_be_rehashed() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut OsRng);
        let stored = weak
            .hash_password(b"old-password-kept", &salt)
            .unwrap()
            .to_string();
        assert_eq!(
            verify_now("old-password-kept", &stored),
            Verification::Valid { needs_rehash: true }
        );
    }
}
