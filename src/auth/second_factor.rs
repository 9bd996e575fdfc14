//! Second factors without storage: authenticator-app codes (RFC 6238: SHA-1, six digits,
//! 30-second steps, one step of clock drift either way), recovery codes, and what a typed code
//! is. The use cases (`services::second_factor`) keep the secrets and the steps used.

use std::time::Duration;

use rand::TryRngCore;
use totp_rs::{Algorithm, TOTP};

use super::token;

/// How long a step-up lasts: a sensitive action asks for the second factor again when it was
/// last given longer ago than this.
pub const STEP_UP_WINDOW: Duration = Duration::from_secs(15 * 60);

/// How many recovery codes an account gets.
pub const RECOVERY_CODES: usize = 10;

const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;

/// A new random authenticator-app secret.
pub fn new_totp_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random number generator failed");
    bytes
}

/// An account's authenticator app, as its secret describes it.
pub struct Totp(TOTP);

impl Totp {
    /// `issuer` and `account` label the entry in the person's app.
    pub fn new(secret: Vec<u8>, issuer: &str, account: &str) -> Totp {
        // The app shows "issuer (account)"; a colon would end the issuer early in the URL.
        let issuer = issuer.replace(':', " ");
        Totp(TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECS,
            secret,
            Some(issuer),
            account.to_owned(),
        ))
    }

    /// The secret as people type it into an app by hand (base32, in groups of four).
    pub fn secret_text(&self) -> String {
        let b32 = self.0.get_secret_base32();
        b32.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `otpauth://` address the QR code carries.
    pub fn url(&self) -> String {
        self.0.get_url()
    }

    /// The code for the time step `step`.
    pub fn code_at(&self, step: u64) -> String {
        self.0.generate(step * STEP_SECS)
    }

    /// The time step a code belongs to, if it is the code of the step at `unix_secs` or of one
    /// step either side (clocks drift) — and later than `last_used`, since a code works once.
    pub fn step_of(&self, code: &str, unix_secs: u64, last_used: u64) -> Option<u64> {
        let now = unix_secs / STEP_SECS;
        [now, now.saturating_sub(1), now + 1]
            .into_iter()
            .filter(|&step| step > last_used)
            .find(|&step| token::equal(&self.code_at(step), code))
    }
}

/// The time step `unix_secs` falls in.
pub fn step_at(unix_secs: u64) -> u64 {
    unix_secs / STEP_SECS
}

/// What someone typed into the second-factor field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    /// Six digits from an authenticator app.
    Totp(String),
    /// A recovery code, as its canonical form (lowercase, no separators).
    Recovery(String),
}

impl Typed {
    /// Spaces and dashes are ignored; six digits are an app's code, 24 letters and digits of
    /// the recovery alphabet a recovery code.
    pub fn parse(input: &str) -> Option<Typed> {
        let clean: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .map(|c| match c {
                'o' => '0',
                'i' | 'l' => '1',
                c => c,
            })
            .collect();
        if clean.len() == DIGITS && clean.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Typed::Totp(clean));
        }
        let recovery = clean.len() == RECOVERY_LEN && clean.bytes().all(|b| RECOVERY_ALPHABET.contains(&b));
        recovery.then_some(Typed::Recovery(clean))
    }
}

/// Crockford's base32: digits and letters without i, l, o and u, five bits each. Read off
/// paper, an o is taken for 0 and an i or l for 1.
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_LEN: usize = 24;

/// A new recovery code: 24 characters (120 bits), shown in groups of four.
pub fn new_recovery_code() -> String {
    let mut bytes = [0u8; RECOVERY_LEN];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random number generator failed");
    let code: String = bytes
        .iter()
        .map(|b| RECOVERY_ALPHABET[usize::from(b & 31)] as char)
        .collect();
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// What the database keeps of a recovery code. SHA-256 suffices: each code carries 120 random
/// bits, beyond any guessing (ASVS 6.5.2).
pub fn recovery_hash(canonical: &str) -> String {
    token::hash(&format!("recovery:{canonical}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret and its eight-digit codes, cut to six digits.
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let totp = Totp::new(b"12345678901234567890".to_vec(), "ipdesk", "a@example.org");
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(totp.code_at(step_at(time)), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_never_twice() {
        let totp = Totp::new(new_totp_secret(), "ipdesk", "a@example.org");
        let now = 1_800_000_000;
        let step = step_at(now);
        let code = totp.code_at(step);
        assert_eq!(totp.step_of(&code, now, 0), Some(step));
        assert_eq!(totp.step_of(&code, now + 30, 0), Some(step), "a step late");
        assert_eq!(totp.step_of(&code, now - 30, 0), Some(step), "a step early");
        assert_eq!(totp.step_of(&code, now + 60, 0), None, "two steps late");
        assert_eq!(totp.step_of(&code, now, step), None, "its step was used");
        let earlier = totp.code_at(step - 1);
        assert_eq!(
            totp.step_of(&earlier, now, step),
            None,
            "an earlier step after a later one"
        );
    }

    #[test]
    fn typed_codes_are_told_apart() {
        assert_eq!(Typed::parse(" 123 456 "), Some(Typed::Totp("123456".into())));
        let code = new_recovery_code();
        assert_eq!(code.len(), 29);
        let canonical = code.replace('-', "");
        assert_eq!(
            Typed::parse(&code.to_uppercase()),
            Some(Typed::Recovery(canonical))
        );
        assert_eq!(
            Typed::parse("OIL2-3456-7890-abcd-efgh-jkmn"),
            Some(Typed::Recovery("011234567890abcdefghjkmn".into())),
            "letters misread for digits"
        );
        assert_eq!(Typed::parse("12345"), None);
        assert_eq!(Typed::parse("hello"), None);
    }

    #[test]
    fn recovery_codes_differ() {
        let codes: std::collections::HashSet<_> = (0..100).map(|_| new_recovery_code()).collect();
        assert_eq!(codes.len(), 100);
    }

    #[test]
    fn the_secret_is_shown_in_groups_and_the_url_names_the_account() {
        let totp = Totp::new(vec![0; 20], "Office: Seoul", "kim@example.org");
        assert_eq!(totp.secret_text(), "AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA");
        let url = totp.url();
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(url.contains("kim%40example.org"), "{url}");
        assert!(url.contains("secret=AAAAAAAA"), "{url}");
    }
}
