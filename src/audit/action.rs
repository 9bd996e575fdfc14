//! The actions the audit log records, and their names in the reader's language. The log stores
//! the code (administrators search by it); pages show the name, and a code this release does
//! not know (written by an older or newer one) as itself.

use crate::domain::workflow::Action as Step;

/// Every action recorded outside the workflow. Workflow steps are recorded as `case.<step>`
/// and named like the step's button.
pub const RECORDED: &[&str] = &[
    "access.denied",
    "account.email_verified",
    "account.first_admin_created",
    "account.registered",
    "account.setup_completed",
    "account.verification_resent",
    "admin.notice_retried",
    "admin.user_activated",
    "admin.user_created",
    "admin.user_deactivated",
    "bundle.built",
    "bundle.downloaded",
    "bundle.file_deleted",
    "bundle.requested",
    "bundle.reused",
    "case.corrected",
    "case.draft_deleted",
    "case.filed",
    "case.internal_note",
    "case.message",
    "case.respondent_joined",
    "case.right_cited",
    "case.right_uncited",
    "cli.user_created",
    "evidence.scrubbed",
    "evidence.migrated",
    "exhibit.downloaded",
    "exhibit.file_checked",
    "exhibit.fingerprint_checked",
    "exhibit.uploaded",
    "exhibit.visibility_changed",
    "login.failure",
    "login.passkey",
    "login.second_factor",
    "login.success",
    "logout",
    "mfa.failure",
    "mfa.passkey_added",
    "mfa.passkey_removed",
    "mfa.passkey_renamed",
    "mfa.recovery_codes_made",
    "mfa.reset",
    "mfa.step_up",
    "mfa.totp_added",
    "mfa.totp_removed",
    "office_key.rotated",
    "password.change_refused",
    "password.changed",
    "password.reset_completed",
    "password.reset_requested",
    "right.added",
    "right.corrected",
    "rights.import_batch",
    "rights.imported",
];

/// The kinds of object an entry names (its `object_type`).
pub const OBJECTS: &[&str] = &[
    "bundle",
    "case",
    "draft",
    "exhibit",
    "file",
    "notice",
    "office_key",
    "right",
    "user",
];

/// The translation key of an action's name, or `None` for a code this release does not know.
pub fn label_key(code: &str) -> Option<String> {
    if let Some(step) = code.strip_prefix("case.").and_then(Step::parse) {
        return Some(step.label_key().to_owned());
    }
    RECORDED
        .contains(&code)
        .then(|| format!("audit-event-{}", code.replace('.', "-")))
}

/// The translation key of an object kind's name, or `None` for one this release does not know.
pub fn object_label_key(kind: &str) -> Option<String> {
    OBJECTS.contains(&kind).then(|| format!("audit-object-{kind}"))
}

/// Every code the application records, workflow steps included.
pub fn all_codes() -> impl Iterator<Item = String> {
    RECORDED
        .iter()
        .map(|&c| c.to_owned())
        .chain(Step::ALL.iter().map(|s| format!("case.{}", s.as_str())))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    #[test]
    fn every_code_has_a_key_and_an_unknown_one_has_none() {
        for code in all_codes() {
            assert!(label_key(&code).is_some(), "{code}");
        }
        assert_eq!(label_key("case.filed").as_deref(), Some("audit-event-case-filed"));
        assert_eq!(label_key("case.withdraw").as_deref(), Some("action-withdraw"));
        assert_eq!(label_key("test.concurrent"), None);
        assert_eq!(label_key(""), None);
    }

    #[test]
    fn recorded_codes_and_workflow_steps_do_not_overlap() {
        let codes: Vec<String> = all_codes().collect();
        let unique: BTreeSet<&String> = codes.iter().collect();
        assert_eq!(codes.len(), unique.len());
    }

    /// The audit codes written in the source files that record: string literals shaped like a
    /// code whose area is one the log uses (tracing event names and file names share the
    /// shape but are not recorded); and the object kinds the source names.
    #[test]
    fn every_code_and_object_kind_the_source_records_is_listed() {
        const NOT_CODES: &[&str] = &["case.json"];
        let areas: BTreeSet<&str> = RECORDED
            .iter()
            .filter_map(|c| c.split_once('.'))
            .map(|(a, _)| a)
            .collect();
        let literal = regex::Regex::new(r#""([a-z]+)\.([a-z_]+)""#).unwrap();
        let object = regex::Regex::new(r#"object: Some\(\("([a-z_]+)""#).unwrap();
        let mut all = String::new();
        let known: BTreeSet<String> = all_codes().collect();
        let mut unknown = Vec::new();
        let mut found = 0;
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("audit/action.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                if !text.contains("audit::record(") {
                    continue;
                }
                all.push_str(&text);
                for line in text.lines().filter(|l| !l.contains("event =")) {
                    for c in literal.captures_iter(line) {
                        let code = format!("{}.{}", &c[1], &c[2]);
                        if !areas.contains(&c[1]) || NOT_CODES.contains(&code.as_str()) {
                            continue;
                        }
                        found += 1;
                        if !known.contains(&code) {
                            unknown.push(format!("{}: {code}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(found > 30, "the scan found the codes ({found})");
        assert!(
            unknown.is_empty(),
            "recorded but not listed in RECORDED: {unknown:?}"
        );
        let objects: BTreeSet<String> = object.captures_iter(&all).map(|c| c[1].to_owned()).collect();
        assert!(
            objects.len() >= OBJECTS.len(),
            "the scan found the object kinds ({objects:?})"
        );
        for kind in objects {
            assert!(
                object_label_key(&kind).is_some(),
                "object kind {kind} not listed in OBJECTS"
            );
        }
    }
}
