//! The layering in ARCHITECTURE.md, kept true by reading the sources: a module below the web
//! layer that reaches up into it (or into HTTP at all) fails here, with the file and line.

use std::path::{Path, PathBuf};

/// The web layer and the composition root, which only the top may use.
const WEB: &[&str] = &[
    "crate::web",
    "crate::routes",
    "crate::startup",
    "crate::cli",
    "actix_web",
    "actix_multipart",
    "actix_files",
];

/// Everything below the web layer, as paths under `src/`.
const BELOW_WEB: &[&str] = &[
    "services",
    "workflow.rs",
    "mail",
    "bundle",
    "audit",
    "import",
    "evidence",
    "auth",
    "models",
    "db",
    "domain",
    "i18n.rs",
    "config.rs",
    "telemetry.rs",
    "demo",
];

/// The repository layer and below never call up into use cases or their side effects.
const ABOVE_MODELS: &[&str] = &[
    "crate::services",
    "crate::workflow",
    "crate::mail",
    "crate::audit",
    "crate::import",
];

fn rust_files(under: &Path) -> Vec<PathBuf> {
    if under.is_file() {
        return vec![under.to_owned()];
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(under).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// Every use of a forbidden path in the code (not in comments) of the modules given.
fn uses(modules: &[&str], forbidden: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for module in modules {
        for file in rust_files(&src.join(module)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for path in forbidden {
                    let at_word = code.match_indices(path).any(|(i, _)| {
                        let after = code[i + path.len()..].chars().next();
                        let before = code[..i].chars().next_back();
                        !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
                            && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    });
                    if at_word {
                        let shown = file.strip_prefix(&src).unwrap().display();
                        found.push(format!("src/{shown}:{}: {path}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn nothing_below_the_web_layer_imports_it_or_http() {
    let found = uses(BELOW_WEB, WEB);
    assert!(
        found.is_empty(),
        "reaches up into the web layer:\n{}",
        found.join("\n")
    );
}

#[test]
fn repositories_and_the_domain_do_not_call_up_into_use_cases() {
    let found = uses(&["models", "db", "domain"], ABOVE_MODELS);
    assert!(found.is_empty(), "calls up into use cases:\n{}", found.join("\n"));
}

#[test]
fn the_domain_is_pure() {
    let found = uses(
        &["domain"],
        &[
            "crate::models",
            "crate::db",
            "crate::config",
            "diesel",
            "std::fs",
            "tokio",
        ],
    );
    assert!(
        found.is_empty(),
        "the domain touches storage or I/O:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_what_it_looks_for() {
    // The scan itself must be able to fail: the web layer does import actix_web.
    assert!(!uses(&["web"], &["actix_web"]).is_empty());
    assert!(uses(&["web"], &["actix_webx"]).is_empty(), "whole words only");
}
