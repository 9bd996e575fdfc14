use std::fmt;

/// A person's or organisation's name as shown to others: trimmed, 1–200 characters, no
/// control or bidirectional-override characters (they could disguise what a reader sees).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PersonNameError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    #[error("contains control characters")]
    ControlCharacters,
}

impl PersonNameError {
    pub fn message_key(self) -> &'static str {
        match self {
            PersonNameError::Empty => "err-name-empty",
            PersonNameError::TooLong => "err-name-too-long",
            PersonNameError::ControlCharacters => "err-name-control",
        }
    }
}

pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

impl PersonName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<PersonName, PersonNameError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(PersonNameError::Empty);
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(PersonNameError::TooLong);
        }
        if s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
            return Err(PersonNameError::ControlCharacters);
        }
        Ok(PersonName(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script_are_kept_as_typed() {
        assert_eq!(
            PersonName::parse("  (주)한빛테크 ").unwrap().as_str(),
            "(주)한빛테크"
        );
        assert_eq!(
            PersonName::parse("O'Brien & Söhne GmbH").unwrap().as_str(),
            "O'Brien & Söhne GmbH"
        );
    }

    #[test]
    fn empty_long_and_disguising_names_are_refused() {
        assert_eq!(PersonName::parse(" "), Err(PersonNameError::Empty));
        assert_eq!(
            PersonName::parse(&"가".repeat(201)),
            Err(PersonNameError::TooLong)
        );
        assert_eq!(
            PersonName::parse("Kim\nAdmin"),
            Err(PersonNameError::ControlCharacters)
        );
        assert_eq!(
            PersonName::parse("abc\u{202E}fdp.exe"),
            Err(PersonNameError::ControlCharacters)
        );
    }
}
