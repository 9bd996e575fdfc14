//! Technology fields: IPC sections and classes, and the office's grouping of IPC classes into
//! the materials, parts and equipment industries (`industry_fields.toml` beside this file, which the
//! office may replace).

use serde::Deserialize;

use crate::domain::Lang;

/// The eight IPC sections.
pub const SECTIONS: [char; 8] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/// The grouping shipped with ipdesk.
pub const SHIPPED: &str = include_str!("industry_fields.toml");

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Industry {
    pub key: String,
    pub ko: String,
    pub en: String,
    /// IPC classes (`C08`) and subclasses (`H01L`).
    pub ipc: Vec<String>,
}

impl Industry {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ko => &self.ko,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Industries(Vec<Industry>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IndustriesError {
    #[error("not a grouping of IPC classes: {0}")]
    Syntax(String),
    #[error("industry {0:?}: {1:?} is not an IPC class (C08) or subclass (H01L)")]
    NotAClass(String, String),
    #[error("{0:?} is named twice")]
    Twice(String),
    #[error("industry key {0:?} must be lowercase letters, digits and -")]
    Key(String),
}

impl Industries {
    pub fn parse(toml_text: &str) -> Result<Industries, IndustriesError> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            industry: Vec<Entry>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Entry {
            key: String,
            ko: String,
            en: String,
            ipc: Vec<String>,
        }
        let file: File =
            toml::from_str(toml_text).map_err(|e| IndustriesError::Syntax(e.message().to_owned()))?;
        let mut seen: Vec<String> = Vec::new();
        let mut industries = Vec::new();
        for e in file.industry {
            let key_ok = !e.key.is_empty()
                && e.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !key_ok {
                return Err(IndustriesError::Key(e.key));
            }
            if seen.contains(&e.key) {
                return Err(IndustriesError::Twice(e.key));
            }
            seen.push(e.key.clone());
            let mut ipc = Vec::new();
            for class in e.ipc {
                let c = class.trim().to_ascii_uppercase();
                if !is_class_or_subclass(&c) {
                    return Err(IndustriesError::NotAClass(e.key, class));
                }
                if seen.contains(&c) {
                    return Err(IndustriesError::Twice(c));
                }
                seen.push(c.clone());
                ipc.push(c);
            }
            industries.push(Industry {
                key: e.key,
                ko: e.ko,
                en: e.en,
                ipc,
            });
        }
        Ok(Industries(industries))
    }

    pub fn shipped() -> Industries {
        Industries::parse(SHIPPED).expect("the shipped grouping reads")
    }

    pub fn all(&self) -> &[Industry] {
        &self.0
    }

    pub fn find(&self, key: &str) -> Option<&Industry> {
        self.0.iter().find(|i| i.key == key)
    }

    /// The industry a technology field (`H01L`, `C08K`, …) belongs to: the one naming its
    /// subclass, else the one naming its class.
    pub fn of(&self, field: &str) -> Option<&Industry> {
        let named = |prefix: &str| self.0.iter().find(|i| i.ipc.iter().any(|c| c == prefix));
        field
            .get(..4)
            .filter(|s| s.len() == 4)
            .and_then(named)
            .or_else(|| field.get(..3).filter(|s| s.len() == 3).and_then(named))
    }
}

fn is_class_or_subclass(c: &str) -> bool {
    let b = c.as_bytes();
    (b.len() == 3 || b.len() == 4)
        && (b'A'..=b'H').contains(&b[0])
        && b[1].is_ascii_digit()
        && b[2].is_ascii_digit()
        && b.get(3).is_none_or(u8::is_ascii_uppercase)
}

/// Which technology fields a filter keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldFilter {
    /// An IPC section, class or subclass: `H`, `H01`, `H01L`.
    Ipc(String),
    Industry(String),
    /// Cases that name no technology field.
    None,
}

impl FieldFilter {
    /// `H`, `H01`, `H01L`, `industry:<key>` or `none`.
    pub fn parse(s: &str, industries: &Industries) -> Option<FieldFilter> {
        let s = s.trim();
        if s == "none" {
            return Some(FieldFilter::None);
        }
        if let Some(key) = s.strip_prefix("industry:") {
            return industries
                .find(key)
                .map(|_| FieldFilter::Industry(key.to_owned()));
        }
        let c = s.to_ascii_uppercase();
        let b = c.as_bytes();
        let ok = match b.len() {
            1 => SECTIONS.contains(&(b[0] as char)),
            3 | 4 => is_class_or_subclass(&c),
            _ => false,
        };
        ok.then_some(FieldFilter::Ipc(c))
    }

    pub fn as_param(&self) -> String {
        match self {
            FieldFilter::Ipc(c) => c.clone(),
            FieldFilter::Industry(k) => format!("industry:{k}"),
            FieldFilter::None => "none".into(),
        }
    }

    pub fn keeps(&self, field: &str, industries: &Industries) -> bool {
        match self {
            FieldFilter::Ipc(prefix) => field.starts_with(prefix.as_str()),
            FieldFilter::Industry(key) => industries.of(field).is_some_and(|i| &i.key == key),
            FieldFilter::None => field.is_empty(),
        }
    }
}

/// A case's technology field as counted: its IPC subclass, or as much of it as was typed;
/// empty when nothing readable was.
pub fn field_of(ipc_class: Option<&str>) -> String {
    ipc_class
        .and_then(crate::domain::right::ClassSymbol::parse)
        .map(|s| s.subclass().to_owned())
        .filter(|s| s.as_bytes().first().is_some_and(|b| (b'A'..=b'H').contains(b)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_grouping_reads_and_places_fields() {
        let ind = Industries::shipped();
        assert_eq!(ind.all().len(), 6);
        assert_eq!(ind.of("H01L").map(|i| i.key.as_str()), Some("semiconductors"));
        assert_eq!(ind.of("H01M").map(|i| i.key.as_str()), Some("electrical"));
        // Named by its class.
        assert_eq!(ind.of("C08K").map(|i| i.key.as_str()), Some("chemicals"));
        assert_eq!(ind.of("B60W").map(|i| i.key.as_str()), Some("automotive"));
        assert_eq!(ind.of("A61K"), None);
        assert_eq!(ind.of("H01"), None);
        assert_eq!(ind.of(""), None);
        assert_eq!(ind.find("displays").map(|i| i.name(Lang::Ko)), Some("디스플레이"));
    }

    #[test]
    fn a_grouping_that_names_a_class_twice_or_not_a_class_is_refused() {
        let twice = "[[industry]]\nkey='a'\nko='가'\nen='A'\nipc=['H01L']\n[[industry]]\nkey='b'\nko='나'\nen='B'\nipc=['h01l']\n";
        assert_eq!(
            Industries::parse(twice),
            Err(IndustriesError::Twice("H01L".into()))
        );
        let bad = "[[industry]]\nkey='a'\nko='가'\nen='A'\nipc=['H01L 21/02']\n";
        assert!(matches!(
            Industries::parse(bad),
            Err(IndustriesError::NotAClass(..))
        ));
        assert!(matches!(
            Industries::parse("[[industry]]\nkey='A B'\nko=''\nen=''\nipc=[]"),
            Err(IndustriesError::Key(_))
        ));
        assert!(matches!(
            Industries::parse("industry = 3"),
            Err(IndustriesError::Syntax(_))
        ));
    }

    #[test]
    fn filters_keep_sections_classes_industries_and_unnamed_fields() {
        let ind = Industries::shipped();
        let f = |s: &str| FieldFilter::parse(s, &ind).unwrap();
        assert!(f("h").keeps("H01L", &ind));
        assert!(f("H01").keeps("H01L", &ind));
        assert!(!f("H01L").keeps("H01M", &ind));
        assert!(f("industry:semiconductors").keeps("H01L", &ind));
        assert!(!f("industry:semiconductors").keeps("H01M", &ind));
        assert!(f("none").keeps("", &ind));
        assert!(!f("none").keeps("H01L", &ind));
        assert_eq!(FieldFilter::parse("industry:nope", &ind), None);
        assert_eq!(FieldFilter::parse("Z", &ind), None);
        assert_eq!(FieldFilter::parse("H0", &ind), None);
        assert_eq!(f("industry:displays").as_param(), "industry:displays");
    }

    #[test]
    fn a_case_field_is_its_subclass() {
        assert_eq!(field_of(Some("H01M 50/40")), "H01M");
        assert_eq!(field_of(Some("c08")), "C08");
        assert_eq!(field_of(Some("battery")), "");
        assert_eq!(field_of(Some("Y02E 10/50")), "");
        assert_eq!(field_of(None), "");
    }
}
