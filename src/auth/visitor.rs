//! Visitors who have not signed in keep what little state they have — the CSRF token of their
//! forms and their language — in a signed cookie rather than a database row, so anonymous
//! traffic (crawlers, scanners, a sign-in page refreshed all day) writes nothing and the
//! database grows only with people who sign in.
//!
//! The cookie is `v1.<nonce>.<lang>.<mac>`, HMAC-SHA256 under a key derived from the office
//! key. The CSRF token is a second MAC of the nonce: only the server can compute it, and a
//! cookie of one visitor gives no token for another's. Changing the language keeps the nonce,
//! so forms open in other tabs stay valid.

use rand::RngCore;

use super::token::MacKey;
use crate::domain::Lang;

#[derive(Clone)]
pub struct VisitorKey(MacKey);

/// A visitor's state, as read from a cookie whose signature held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visitor {
    nonce: String,
    pub language: Option<Lang>,
}

impl Visitor {
    /// A visitor seen for the first time.
    pub fn new(language: Option<Lang>) -> Visitor {
        let mut nonce = [0u8; 16];
        rand::rng().fill_bytes(&mut nonce);
        Visitor {
            nonce: hex::encode(nonce),
            language,
        }
    }

    pub fn with_language(self, language: Lang) -> Visitor {
        Visitor {
            language: Some(language),
            ..self
        }
    }
}

impl VisitorKey {
    pub fn derive(office: &ed25519_dalek::SigningKey) -> Self {
        VisitorKey(MacKey::derive(office, "ipdesk visitor cookie v1"))
    }

    pub fn cookie_value(&self, v: &Visitor) -> String {
        let lang = v.language.map_or("-", Lang::code);
        let body = format!("v1.{}.{lang}", v.nonce);
        let mac = self.0.sign(&body);
        format!("{body}.{mac}")
    }

    /// The visitor a cookie describes, if it is one of ours and intact.
    pub fn read(&self, value: &str) -> Option<Visitor> {
        let (body, mac) = value.rsplit_once('.')?;
        if !self.0.verify(body, mac) {
            return None;
        }
        let mut parts = body.split('.');
        let (Some("v1"), Some(nonce), Some(lang), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Visitor {
            nonce: nonce.to_owned(),
            language: Lang::parse(lang),
        })
    }

    /// The token the visitor's forms carry.
    pub fn csrf_token(&self, v: &Visitor) -> String {
        self.0.sign(&format!("csrf.{}", v.nonce))
    }

    /// Whether a cookie value has the visitor form at all (signed or not), as opposed to a
    /// signed-in session's random token, which never contains a dot.
    pub fn looks_like_visitor(value: &str) -> bool {
        value.starts_with("v1.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> VisitorKey {
        VisitorKey::derive(&ed25519_dalek::SigningKey::from_bytes(&[seed; 32]))
    }

    #[test]
    fn a_cookie_reads_back_as_the_same_visitor() {
        let k = key(7);
        let v = Visitor::new(Some(Lang::En));
        assert_eq!(k.read(&k.cookie_value(&v)), Some(v.clone()));
        let plain = Visitor::new(None);
        assert_eq!(k.read(&k.cookie_value(&plain)), Some(plain));
    }

    #[test]
    fn a_changed_or_foreign_cookie_is_nobody() {
        let k = key(7);
        let v = Visitor::new(Some(Lang::Ko));
        let value = k.cookie_value(&v);
        assert_eq!(k.read(&value.replacen(".ko.", ".en.", 1)), None);
        assert_eq!(key(8).read(&value), None, "another office's key");
        assert_eq!(k.read("v1.abc"), None);
        assert_eq!(k.read(""), None);
        assert_eq!(k.read("not-a-visitor"), None);
    }

    #[test]
    fn the_csrf_token_survives_a_language_change_but_belongs_to_one_visitor() {
        let k = key(7);
        let v = Visitor::new(None);
        let token = k.csrf_token(&v);
        assert_eq!(k.csrf_token(&v.clone().with_language(Lang::En)), token);
        assert_ne!(k.csrf_token(&Visitor::new(None)), token);
        assert_ne!(key(8).csrf_token(&v), token);
        assert!(
            !k.cookie_value(&v).contains(&token),
            "the cookie does not carry the token"
        );
    }
}
