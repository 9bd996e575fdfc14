//! Text as it may enter the program: UTF-8 without control characters, except the tab and
//! the line breaks multi-line fields are made of. A NUL above all: PostgreSQL cannot store
//! one, and nothing a person types contains one. Checked once, where a request is read.

use std::borrow::Cow;

/// Whether `c` may appear in text we are sent.
pub fn allowed(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// The text of `bytes`, if they are UTF-8 without refused characters.
pub fn clean(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok().filter(|s| s.chars().all(allowed))
}

/// Whether percent-encoded text (a path, a query string, a URL-encoded form) decodes to clean
/// text. Decoding it whole is enough: separators are ASCII, so a broken sequence in one field
/// stays broken next to the one after it.
pub fn decodes_clean(raw: &[u8]) -> bool {
    let decoded: Cow<'_, [u8]> = percent_encoding::percent_decode(raw).into();
    clean(&decoded).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_line_breaks_are_text_and_other_control_characters_are_not() {
        assert!(clean("첫 줄\r\n\t둘째 줄 — ok".as_bytes()).is_some());
        for bad in ["\0", "a\u{1}", "\u{1b}[2J", "\u{7f}", "\u{85}", "\u{9f}"] {
            assert!(clean(bad.as_bytes()).is_none(), "{bad:?}");
        }
        assert!(clean(b"\xc3\x28").is_none(), "broken UTF-8");
    }

    #[test]
    fn percent_encoded_text_is_judged_by_what_it_decodes_to() {
        assert!(decodes_clean(b"q=%ED%95%9C+a%09b%0D%0A&page=2"));
        assert!(decodes_clean(b"/cases/IPD-2026-00001"));
        assert!(decodes_clean(b"q=100%&x=%zz"), "a stray % is only a %");
        for bad in [
            &b"q=%00"[..],
            b"/cases/drafts/a%00b",
            b"q=%1B",
            b"q=%7f",
            b"q=%C3%28",
            b"q=%C3&r=%A9",
            b"q=\xff",
        ] {
            assert!(!decodes_clean(bad), "{}", String::from_utf8_lossy(bad));
        }
    }
}
