use std::fmt;

/// A password someone chose, checked against the office's policy (SECURITY A3, A4):
/// 8 to 256 characters, any characters at all, no composition rules, and not guessable —
/// judged offline by zxcvbn, whose dictionaries hold the commonly breached passwords.
/// It is never truncated, and its `Debug` never shows it.
#[derive(Clone)]
pub struct NewPassword(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("too easy to guess")]
    TooGuessable,
}

impl PasswordError {
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordError::TooShort => "err-password-too-short",
            PasswordError::TooLong => "err-password-too-long",
            PasswordError::TooGuessable => "err-password-guessable",
        }
    }
}

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 256;
    /// zxcvbn looks only this far: its matching is costly on long input, and a password this
    /// long that starts unguessably stays so.
    const STRENGTH_PREFIX: usize = 64;

    /// `context` holds what an attacker would try first: the person's name and e-mail.
    pub fn parse(raw: &str, context: &[&str]) -> Result<NewPassword, PasswordError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        let prefix: String = raw.chars().take(Self::STRENGTH_PREFIX).collect();
        // Whole inputs and their parts: "minji.kim@example.kr" also gives "minji" and "kim".
        let mut words: Vec<&str> = context.to_vec();
        words.extend(
            context
                .iter()
                .flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric()))
                .filter(|w| w.chars().count() >= 3),
        );
        let estimate = zxcvbn::zxcvbn(&prefix, &words);
        // Score 2: more than a million guesses, out of reach of a throttled online attack and
        // far from every listed common or leaked password.
        if (estimate.score() as u8) < 2 || built_from(raw, &words) {
            return Err(PasswordError::TooGuessable);
        }
        Ok(NewPassword(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Whether the password's letters are nothing but the given words ("minji.kim2026" for
/// Minji Kim): the first thing anyone who knows the person would try.
fn built_from(raw: &str, words: &[&str]) -> bool {
    let mut letters: String = raw
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if letters.is_empty() {
        return false;
    }
    let mut words: Vec<String> = words
        .iter()
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() >= 3)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    for w in &words {
        letters = letters.replace(w.as_str(), "");
    }
    letters.chars().count() < 3
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_checked_in_characters_not_bytes() {
        assert_eq!(
            NewPassword::parse("Tq7#xZ!", &[]).unwrap_err(),
            PasswordError::TooShort
        );
        assert!(NewPassword::parse("vivid-otter-42-lantern", &[]).is_ok());
        let long64 = "correct horse battery staple, 벚꽃 피는 사월의 서울역 ".repeat(2);
        assert!(long64.chars().count() >= 64);
        assert_eq!(NewPassword::parse(&long64, &[]).unwrap().expose(), long64);
        let at_max: String = "q8Z!mUr2".repeat(32);
        assert_eq!(at_max.chars().count(), 256);
        assert!(NewPassword::parse(&at_max, &[]).is_ok());
        assert_eq!(
            NewPassword::parse(&format!("{at_max}x"), &[]).unwrap_err(),
            PasswordError::TooLong
        );
    }

    #[test]
    fn non_ascii_and_emoji_passwords_are_kept_whole() {
        let pw = "특허🔒도둑은-잡힌다-2026🐯";
        assert_eq!(NewPassword::parse(pw, &[]).unwrap().expose(), pw);
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in [
            "password123",
            "password",
            "12345678",
            "qwertyuiop",
            "iloveyou1",
            "Passw0rd!",
        ] {
            assert_eq!(
                NewPassword::parse(weak, &[]).unwrap_err(),
                PasswordError::TooGuessable,
                "{weak}"
            );
        }
        assert_eq!(
            NewPassword::parse("minji.kim2026", &["Minji Kim", "minji.kim@example.kr"]).unwrap_err(),
            PasswordError::TooGuessable
        );
    }

    #[test]
    fn debug_never_shows_the_password() {
        let pw = NewPassword::parse("vivid-otter-42-lantern", &[]).unwrap();
        assert!(!format!("{pw:?}").contains("otter"));
    }
}
