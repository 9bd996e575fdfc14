//! Cited rights beyond their numbers: how a case cites one, where its data came from, and
//! IPC/CPC class symbols.

named_values!(
    /// Why a case cites a right.
    CitationRole, "right-role" {
        Asserted => "asserted",
        RespondentRight => "respondent_right",
        PriorArt => "prior_art",
        Other => "other",
    }
);

named_values!(
    /// Where a right's data came from.
    RightSource, "right-source" {
        Manual => "manual",
        Stub => "stub",
        Uspto => "uspto",
        Ops => "ops",
        Ep => "ep",
        Kipris => "kipris",
        Csv => "csv",
    }
);

/// An IPC or CPC symbol, or the beginning of one, as people type and files print it:
/// `H04L 9/32`, `h04l9/32`, `B28B   1/    29`, `H04L`, `H04L 9`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassSymbol {
    /// Section, class and subclass: `H04L` (or only `H`, `H04`).
    subclass: String,
    /// Main group and subgroup, when given: `(9, Some("32"))`.
    group: Option<(u32, Option<String>)>,
}

impl ClassSymbol {
    pub fn parse(input: &str) -> Option<ClassSymbol> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let bytes = compact.as_bytes();
        let section = *bytes.first()?;
        if !(b'A'..=b'H').contains(&section) && section != b'Y' {
            return None;
        }
        let mut end = 1;
        while end < bytes.len().min(3) && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end == 2 {
            return None;
        }
        if end == 3 && bytes.get(3).is_some_and(u8::is_ascii_uppercase) {
            end = 4;
        }
        let subclass = compact[..end].to_string();
        let rest = &compact[end..];
        if rest.is_empty() {
            return Some(ClassSymbol {
                subclass,
                group: None,
            });
        }
        if end != 4 {
            return None;
        }
        let (main, sub) = match rest.split_once('/') {
            Some((m, s)) => (m, Some(s)),
            None => (rest, None),
        };
        let digits = |s: &str| !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(main) || sub.is_some_and(|s| !s.is_empty() && !digits(s)) {
            return None;
        }
        let main: u32 = main.parse().ok()?;
        let sub = sub.filter(|s| !s.is_empty()).map(str::to_string);
        Some(ClassSymbol {
            subclass,
            group: Some((main, sub)),
        })
    }

    /// A whole symbol down to its subgroup, as stored. Subgroups have at least two digits
    /// (`/00`, `/02`, `/32`), so `H04L 9/3` is only the beginning of some.
    pub fn is_complete(&self) -> bool {
        self.subclass.len() == 4 && matches!(&self.group, Some((_, Some(sub))) if sub.len() >= 2)
    }

    /// Section, class and subclass, or as much of them as was given: `H04L`.
    pub fn subclass(&self) -> &str {
        &self.subclass
    }

    /// The main group as stored beside each symbol: `H04L 9`.
    pub fn main_group(&self) -> Option<String> {
        self.group
            .as_ref()
            .map(|(main, _)| format!("{} {main}", self.subclass))
    }

    /// Down to the subgroup (possibly only its first digits: `H04L 9/3`).
    pub fn subgroup(&self) -> Option<&str> {
        self.group.as_ref().and_then(|(_, sub)| sub.as_deref())
    }

    /// The stored spelling of every symbol this one is the beginning of: `H04L`,
    /// `H04L 9/`, `H04L 9/32`.
    pub fn prefix(&self) -> String {
        match &self.group {
            None => self.subclass.clone(),
            Some((main, None)) => format!("{} {main}/", self.subclass),
            Some((main, Some(sub))) => format!("{} {main}/{sub}", self.subclass),
        }
    }
}

impl std::fmt::Display for ClassSymbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.prefix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_read_in_any_spacing_into_the_stored_form() {
        for (input, stored) in [
            ("H04L 9/32", "H04L 9/32"),
            ("h04l9/32", "H04L 9/32"),
            ("B28B   1/    29", "B28B 1/29"),
            ("G06F 16/2455", "G06F 16/2455"),
            ("Y02E 10/50", "Y02E 10/50"),
            ("H04L 09/32", "H04L 9/32"),
        ] {
            let s = ClassSymbol::parse(input).unwrap();
            assert!(s.is_complete(), "{input}");
            assert_eq!(s.to_string(), stored, "{input}");
        }
    }

    #[test]
    fn beginnings_are_prefixes_of_stored_symbols() {
        assert_eq!(ClassSymbol::parse("H").unwrap().prefix(), "H");
        assert_eq!(ClassSymbol::parse("H04").unwrap().prefix(), "H04");
        assert_eq!(ClassSymbol::parse("h04l").unwrap().prefix(), "H04L");
        assert_eq!(ClassSymbol::parse("H04L 9").unwrap().prefix(), "H04L 9/");
        assert_eq!(ClassSymbol::parse("H04L9/").unwrap().prefix(), "H04L 9/");
        assert!(!ClassSymbol::parse("H04L").unwrap().is_complete());
        let partial = ClassSymbol::parse("H04L 9/3").unwrap();
        assert!(!partial.is_complete());
        assert_eq!(partial.prefix(), "H04L 9/3");
    }

    #[test]
    fn words_are_not_symbols() {
        for input in [
            "", "sensor", "Z01B", "H0", "H04L 9/x", "HELLO", "센서", "H04 9/32",
        ] {
            assert_eq!(ClassSymbol::parse(input), None, "{input}");
        }
    }
}
