use std::fmt;

/// An e-mail address as the office keeps it: trimmed, lower-cased, plausible.
/// Deliverability is proved by a verification mail, not by a pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("empty")]
    Empty,
    #[error("too long")]
    TooLong,
    #[error("not an e-mail address")]
    Invalid,
}

impl EmailError {
    pub fn message_key(self) -> &'static str {
        match self {
            EmailError::Empty => "err-email-empty",
            EmailError::TooLong => "err-email-too-long",
            EmailError::Invalid => "err-email-invalid",
        }
    }
}

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let bad_char = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c);
        let label_ok = |l: &str| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if local.is_empty()
            || local.len() > 64
            || local.chars().any(|c| bad_char(c) || c == '@')
            || local.starts_with('.')
            || local.ends_with('.')
            || local.contains("..")
            || !domain.contains('.')
            || !domain.split('.').all(label_ok)
        {
            return Err(EmailError::Invalid);
        }
        Ok(Email(s.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after `@`, used for conflict checks and for showing where mail goes.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_people_type_are_accepted_and_normalised() {
        assert_eq!(
            Email::parse("  Kim.Minji@Example.CO.KR ").unwrap().as_str(),
            "kim.minji@example.co.kr"
        );
        assert_eq!(
            Email::parse("a+tag@sub.example.org").unwrap().domain(),
            "sub.example.org"
        );
        assert!(Email::parse("홍길동@회사.한국").is_ok());
    }

    #[test]
    fn things_that_are_not_addresses_are_refused() {
        for bad in [
            "",
            "plain",
            "@example.org",
            "a@",
            "a@localhost",
            "a b@example.org",
            "a@exa mple.org",
            "a@-x.org",
            "a..b@example.org",
            "a@example..org",
            "x\r\nBcc: evil@example.org",
            "<a@example.org>",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Email::parse(&format!("{}@example.org", "a".repeat(250))),
            Err(EmailError::TooLong)
        );
    }
}
