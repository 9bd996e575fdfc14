//! The secret in a person's calendar feed URL: `<user>-<generation>-<mac>`, signed under a
//! key derived from the office key. Nothing secret is stored, so the account page can always
//! show the URL; renewing the feed moves its generation on, which revokes every earlier URL.

use super::token::MacKey;
use crate::models::id::UserId;

#[derive(Clone)]
pub struct FeedKey(MacKey);

/// A feed URL's secret whose signature held: whose feed, and which generation of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeedSecret {
    pub user: UserId,
    pub generation: i32,
}

/// Hex digits of the MAC kept in the URL: 128 bits.
const MAC_LEN: usize = 32;

impl FeedKey {
    pub fn derive(office: &ed25519_dalek::SigningKey) -> Self {
        FeedKey(MacKey::derive(office, "ipdesk calendar feed v1"))
    }

    pub fn secret(&self, user: UserId, generation: i32) -> String {
        let body = format!("{}-{generation}", user.0);
        let mac = self.0.sign(&body);
        format!("{body}-{}", &mac[..MAC_LEN])
    }

    /// What a URL's secret names, if it is one of ours and intact.
    pub fn read(&self, secret: &str) -> Option<FeedSecret> {
        let (body, mac) = secret.rsplit_once('-')?;
        let (user, generation) = body.split_once('-')?;
        let user = UserId(user.parse().ok()?);
        let generation = generation.parse().ok()?;
        let expected = self.0.sign(body);
        super::token::equal(&expected[..MAC_LEN], mac).then_some(FeedSecret { user, generation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> FeedKey {
        FeedKey::derive(&ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }

    #[test]
    fn a_secret_reads_back_as_its_user_and_generation() {
        let secret = key(1).secret(UserId(42), 3);
        assert_eq!(
            key(1).read(&secret),
            Some(FeedSecret {
                user: UserId(42),
                generation: 3
            })
        );
    }

    #[test]
    fn a_changed_or_foreign_secret_reads_as_nothing() {
        let secret = key(1).secret(UserId(42), 3);
        assert_eq!(key(2).read(&secret), None, "another office's key");
        let other_user = secret.replacen("42-", "43-", 1);
        assert_eq!(key(1).read(&other_user), None);
        let other_generation = secret.replacen("-3-", "-4-", 1);
        assert_eq!(key(1).read(&other_generation), None);
        for junk in ["", "42", "42-3", "42-3-", "x-3-00", "42-3-zz"] {
            assert_eq!(key(1).read(junk), None, "{junk:?}");
        }
    }
}
