//! Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser
//! in which an account signed in before carries a signed token naming that account. A sign-in
//! from it is throttled on its own counter, not on the address's or the account's, so a
//! stranger guessing a password, or spraying passwords from behind the same office NAT, cannot
//! lock the owner out; and a token that fails too often stops counting as known.
//!
//! Tokens are stateless — `v1.<account>.<issued>.<nonce>.<mac>`, HMAC-SHA256 under a key
//! derived from the office key that every app server shares — and a cookie holds a few, the
//! newest for each account first.

use crate::models::id::UserId;
use chrono::NaiveDateTime;
use rand::RngCore;

use super::token::MacKey;

/// How long a browser stays known without signing in again.
pub const LIFETIME_DAYS: i64 = 180;
/// Tokens one cookie keeps (several people may share a browser).
const MAX_TOKENS: usize = 5;

/// The key device tokens are signed with.
#[derive(Clone)]
pub struct DeviceKey(MacKey);

impl DeviceKey {
    pub fn derive(office: &ed25519_dalek::SigningKey) -> Self {
        DeviceKey(MacKey::derive(office, "ipdesk device cookie v1"))
    }

    /// A new token naming the account.
    pub fn issue(&self, user: UserId, now: NaiveDateTime) -> String {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let body = format!(
            "v1.{}.{}.{}",
            user.0,
            now.and_utc().timestamp(),
            hex::encode(nonce)
        );
        let mac = self.0.sign(&body);
        format!("{body}.{mac}")
    }

    /// The account a token names, if it is ours, intact and not too old.
    pub fn account_of(&self, token: &str, now: NaiveDateTime) -> Option<UserId> {
        let (body, mac) = token.rsplit_once('.')?;
        if !self.0.verify(body, mac) {
            return None;
        }
        let mut parts = body.split('.');
        let (Some("v1"), Some(user), Some(issued), Some(_nonce), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let issued = issued.parse::<i64>().ok()?;
        let age = now.and_utc().timestamp() - issued;
        (0..=LIFETIME_DAYS * 24 * 3600).contains(&age).then_some(())?;
        user.parse().ok().map(UserId)
    }

    /// The cookie's token for this account, if the browser has one.
    pub fn token_for(&self, cookie: Option<&str>, user: UserId, now: NaiveDateTime) -> Option<String> {
        tokens(cookie)
            .find(|t| self.account_of(t, now) == Some(user))
            .map(str::to_owned)
    }

    /// The cookie with a fresh token for this account first, its old one and any expired or
    /// foreign ones dropped, at most a few kept.
    pub fn cookie_with(&self, cookie: Option<&str>, user: UserId, now: NaiveDateTime) -> String {
        let fresh = self.issue(user, now);
        let kept = tokens(cookie).filter(|t| self.account_of(t, now).is_some_and(|owner| owner != user));
        std::iter::once(fresh.as_str())
            .chain(kept)
            .take(MAX_TOKENS)
            .collect::<Vec<_>>()
            .join("~")
    }
}

fn tokens(cookie: Option<&str>) -> impl Iterator<Item = &str> {
    cookie
        .unwrap_or("")
        .split('~')
        .filter(|t| !t.is_empty())
        .take(MAX_TOKENS * 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DeviceKey {
        DeviceKey::derive(&ed25519_dalek::SigningKey::from_bytes(&[7; 32]))
    }

    fn now() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_token_names_its_account_until_it_expires() {
        let k = key();
        let t = k.issue(UserId(42), now());
        assert_eq!(k.account_of(&t, now()), Some(UserId(42)));
        let later = now() + chrono::TimeDelta::days(LIFETIME_DAYS + 1);
        assert_eq!(k.account_of(&t, later), None, "expired");
    }

    #[test]
    fn a_changed_or_foreign_token_names_nobody() {
        let k = key();
        let t = k.issue(UserId(42), now());
        let forged = t.replacen("v1.42.", "v1.43.", 1);
        assert_eq!(k.account_of(&forged, now()), None);
        let other = DeviceKey::derive(&ed25519_dalek::SigningKey::from_bytes(&[8; 32]));
        assert_eq!(other.account_of(&t, now()), None, "another office's key");
        assert_eq!(k.account_of("v1.42", now()), None);
        assert_eq!(k.account_of("", now()), None);
    }

    #[test]
    fn a_cookie_keeps_one_token_per_account_newest_first() {
        let k = key();
        let c = k.cookie_with(None, UserId(1), now());
        let c = k.cookie_with(Some(&c), UserId(2), now());
        let c = k.cookie_with(Some(&c), UserId(1), now());
        let all: Vec<&str> = c.split('~').collect();
        assert_eq!(all.len(), 2);
        assert_eq!(k.account_of(all[0], now()), Some(UserId(1)));
        assert!(k.token_for(Some(&c), UserId(2), now()).is_some());
        assert!(k.token_for(Some(&c), UserId(3), now()).is_none());
        let mut c = c;
        for i in 10..20 {
            c = k.cookie_with(Some(&c), UserId(i), now());
        }
        assert_eq!(c.split('~').count(), MAX_TOKENS);
    }
}
