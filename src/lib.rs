//! iccc-desk: the camera-integration desk of a Safe City Integrated Command and Control Centre.
//!
//! Layers, dependencies pointing one way: [`model`] ← [`store`] ← [`services`] ← [`ui`]. Nothing below `ui`
//! imports egui. [`i18n`] is the one string catalogue every layer speaks through; [`logging`] starts the log
//! every layer writes to through `tracing`.

pub mod cli;
pub mod i18n;
pub mod logging;
pub mod model;
pub mod services;
pub mod store;
pub mod ui;

/// The layers as the source says them: the registry's SQL lives in `store`, and the UI never opens the registry
/// (it asks the worker or a services thread). Scans the source with `std::fs`; test modules are not scanned.
#[cfg(test)]
mod architecture_tests {
    use std::path::{Path, PathBuf};

    /// Words that only SQL puts in a string literal.
    const SQL_WORDS: &[&str] = &[
        "SELECT ",
        "INSERT INTO",
        "DELETE FROM",
        "CREATE TABLE",
        "CREATE INDEX",
        "PRAGMA ",
        "UPDATE ",
    ];
    /// Ways of opening the registry, or of reading it without the worker.
    const REGISTRY_OPENERS: &[&str] = &[
        "rusqlite",
        "Store::open",
        "Connection::open",
        "open_read_only",
        "ReportReader",
        "export_file(",
        "dry_run_on(",
    ];

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source folder") {
            let path = entry.expect("source entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The file's code before its unit tests (`#[cfg(test)]` followed by a `mod`).
    fn code_of(path: &Path) -> String {
        let text = std::fs::read_to_string(path).expect("source file");
        let lines: Vec<&str> = text.lines().collect();
        let end = (0..lines.len())
            .find(|&i| {
                lines[i].trim() == "#[cfg(test)]"
                    && lines
                        .get(i + 1)
                        .is_some_and(|l| l.trim_start().starts_with("mod "))
            })
            .unwrap_or(lines.len());
        lines[..end].join("\n")
    }

    /// The string literals of `code` (plain and raw), roughly: enough for SQL, which is never in a char literal.
    fn string_literals(code: &str) -> Vec<String> {
        let chars: Vec<char> = code.chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '/' && chars.get(i + 1) == Some(&'/') {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            } else if c == '\'' {
                // A char literal ('"', '\'') or a lifetime: skip it so its quote opens no string.
                if chars.get(i + 1) == Some(&'\\') {
                    i += 4;
                } else if chars.get(i + 2) == Some(&'\'') {
                    i += 3;
                } else {
                    i += 1;
                }
            } else if c == 'r' && matches!(chars.get(i + 1), Some('"' | '#')) {
                let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
                let open = i + 1 + hashes;
                if chars.get(open) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let rest: String = chars[open + 1..].iter().collect();
                let len = rest.find(&close).unwrap_or(rest.len());
                out.push(rest[..len].to_string());
                i = open + 1 + rest[..len].chars().count() + close.chars().count();
            } else if c == '"' {
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(c) = chars.get(i) {
                        s.push(*c);
                    }
                    i += 1;
                }
                out.push(s);
                i += 1;
            } else {
                i += 1;
            }
        }
        out
    }

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    #[test]
    fn the_ui_never_opens_the_registry() {
        let mut files = Vec::new();
        rust_files(&src().join("ui"), &mut files);
        let mut found = Vec::new();
        for path in &files {
            let code = code_of(path);
            for word in REGISTRY_OPENERS {
                if code.contains(word) {
                    found.push(format!("{}: {word}", path.display()));
                }
            }
        }
        assert!(found.is_empty(), "the UI opens the registry: {found:#?}");
    }

    #[test]
    fn registry_sql_lives_in_the_store() {
        let mut files = Vec::new();
        for layer in ["services", "ui", "model"] {
            rust_files(&src().join(layer), &mut files);
        }
        let mut found = Vec::new();
        for path in &files {
            // An MBTiles file is a tile archive, not the registry: its reader speaks SQL to it.
            if path.ends_with("services/map/mbtiles.rs") {
                continue;
            }
            let code = code_of(path);
            for literal in string_literals(&code) {
                if SQL_WORDS.iter().any(|w| literal.contains(w)) {
                    found.push(format!("{}: {literal:?}", path.display()));
                }
            }
            if code.contains("conn_for_tests") {
                found.push(format!("{}: conn_for_tests", path.display()));
            }
        }
        assert!(
            found.is_empty(),
            "registry SQL outside the store: {found:#?}"
        );
    }

    #[test]
    fn the_scanner_sees_sql_in_plain_and_raw_literals_only() {
        let code = r##"let a = '"'; f("SELECT x FROM t"); g(r#"INSERT INTO "q""#); // "DELETE FROM c"
        h("select in words");"##;
        assert_eq!(
            string_literals(code),
            vec![
                "SELECT x FROM t".to_string(),
                "INSERT INTO \"q\"".to_string(),
                "select in words".to_string(),
            ]
        );
    }
}
