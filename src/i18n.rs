//! Every user-visible string goes through here: Fluent files in `locales/<lang>/`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::LanguageIdentifier;

use crate::domain::Lang;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Plain text: no Unicode isolation marks around arguments in e-mail and titles.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().expect("valid"));
static KO: LazyLock<LanguageIdentifier> = LazyLock::new(|| "ko".parse().expect("valid"));

fn langid(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::En => &EN,
        Lang::Ko => &KO,
    }
}

/// The text for `key`, if there is one: for names built from stored values, where a value
/// this release does not know is shown as itself.
pub fn lookup(lang: Lang, key: &str) -> Option<String> {
    LOCALES.try_lookup(langid(lang), key)
}

/// The text for `key`; a missing key is logged and shown as itself (a test keeps both
/// languages complete, so this only happens during development).
pub fn text(lang: Lang, key: &str) -> String {
    lookup(lang, key).unwrap_or_else(|| {
        tracing::warn!(key, lang = lang.code(), "missing translation");
        key.to_owned()
    })
}

/// The name of a stored value: `label(lang, "state", "filed")` reads the `state-filed` text,
/// as every named value's `label_key` spells it. An empty value (a field not filled in) reads
/// "—"; one this release does not know, as itself.
pub fn label(lang: Lang, prefix: &str, value: &str) -> String {
    if value.is_empty() {
        return "—".to_owned();
    }
    let key = format!("{prefix}-{value}");
    lookup(lang, &key).unwrap_or_else(|| {
        tracing::warn!(key, lang = lang.code(), "stored value without a name");
        value.to_owned()
    })
}

/// A count as a number, so that plural variants (`[one]`) select on it; anything else, a case
/// number with its leading zeros included, as the text it is.
fn argument(v: &str) -> FluentValue<'static> {
    match v.parse::<i64>() {
        Ok(n) if n.to_string() == v => FluentValue::from(n),
        _ => FluentValue::from(v.to_owned()),
    }
}

pub fn text_with(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), argument(v)))
        .collect();
    LOCALES
        .try_lookup_with_args(langid(lang), key, &args)
        .unwrap_or_else(|| {
            tracing::warn!(key, lang = lang.code(), "missing translation");
            key.to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_one_reads_in_the_singular_and_a_case_number_keeps_its_zeros() {
        let one = text_with(Lang::En, "err-login-wait-minutes", &[("minutes", "1".into())]);
        assert!(one.contains("wait 1 minute and"), "{one}");
        let five = text_with(Lang::En, "err-login-wait-minutes", &[("minutes", "5".into())]);
        assert!(five.contains("wait 5 minutes and"), "{five}");
        assert_eq!(argument("00042"), FluentValue::from("00042".to_owned()));
        assert_eq!(
            argument("IPD-2026-00001"),
            FluentValue::from("IPD-2026-00001".to_owned())
        );
        assert_eq!(argument("42"), FluentValue::from(42));
    }
}
