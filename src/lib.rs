//! iccc-desk: the camera-integration desk of a Safe City Integrated Command and Control Centre.
//!
//! Layers, dependencies pointing one way: [`model`] ← [`store`] ← [`services`] ← [`ui`]. Nothing below `ui`
//! imports egui. [`i18n`] is the one string catalogue every layer speaks through; [`logging`] starts the log
//! every layer writes to through `tracing`; [`private_folder`] the folders only this account reads (log, keys).

pub mod cli;
pub mod i18n;
pub mod logging;
pub mod model;
pub mod private_folder;
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

    /// A screen's background work goes through `ui/task.rs` (named, cancellable, a panic or a refused thread
    /// becomes an error, the window is woken); no other UI file starts a thread of its own.
    #[test]
    fn ui_threads_start_only_in_the_task_helper() {
        let mut files = Vec::new();
        rust_files(&src().join("ui"), &mut files);
        let mut found = Vec::new();
        for path in &files {
            if path.ends_with("ui/task.rs") {
                continue;
            }
            let code = code_of(path);
            // `std::thread` also catches `use std::thread::{Builder, spawn}` followed by a bare `spawn(`.
            for word in [
                "std::thread",
                "thread::Builder",
                "thread::spawn",
                "thread::scope",
            ] {
                if code.contains(word) {
                    found.push(format!("{}: {word}", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "UI threads started outside ui/task.rs: {found:#?}"
        );
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

    /// The registry lives in SQLite or on a PostgreSQL server: only the store knows which. Services, the CLI and
    /// the UI hold store types and store errors, never an engine's connection or error codes (an MBTiles file
    /// is a tile archive, not the registry: its reader keeps its own SQLite connection).
    #[test]
    fn only_the_store_names_the_registry_engine() {
        let mut files = Vec::new();
        for layer in ["services", "cli", "ui"] {
            rust_files(&src().join(layer), &mut files);
        }
        let mut found = Vec::new();
        for path in &files {
            if path.ends_with("services/map/mbtiles.rs") {
                continue;
            }
            let code = code_of(path);
            for word in ["rusqlite", "postgres::", "tokio_postgres"] {
                if code.contains(word) {
                    found.push(format!("{}: {word}", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "the registry's engine named outside the store: {found:#?}"
        );
    }

    /// The longest a function may be, in lines from its `fn` line to its closing brace.
    const MAX_FUNCTION_LINES: usize = 150;
    /// The name of the function a line declares (`pub(crate) async fn name(`), if it declares one.
    fn declared_fn(line: &str) -> Option<&str> {
        let mut rest = line.trim_start();
        if rest.starts_with("//") {
            return None;
        }
        loop {
            let word_end = rest.find([' ', '(']).unwrap_or(rest.len());
            let word = &rest[..word_end];
            if word == "fn" {
                let name = rest[word_end..].trim_start();
                let end = name
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(name.len());
                return (end > 0).then(|| &name[..end]);
            }
            let qualifier = matches!(word, "pub" | "const" | "async" | "unsafe" | "extern")
                || word.starts_with("pub(")
                || word.starts_with('"');
            if !qualifier {
                return None;
            }
            rest = rest[word.len()..].trim_start();
            // `pub(crate)` and `pub(in path)`: skip to the closing parenthesis.
            if word == "pub" && rest.starts_with('(') {
                rest = rest[rest.find(')')? + 1..].trim_start();
            }
        }
    }

    /// Every function of `code` (formatted by rustfmt) with its length in lines, `fn` line to closing brace.
    /// A body closes at the first line that is its `fn` line's indent followed by `}`; a function without a
    /// body (a trait's declaration) ends at its `;`.
    fn function_lengths(code: &str) -> Vec<(String, usize)> {
        let lines: Vec<&str> = code.lines().collect();
        let mut out = Vec::new();
        for (start, line) in lines.iter().enumerate() {
            let Some(name) = declared_fn(line) else {
                continue;
            };
            let indent = &line[..line.len() - line.trim_start().len()];
            let Some(open) = (start..lines.len()).find(|&i| {
                let t = lines[i].trim_end();
                t.ends_with('{') || t.ends_with(';') || t.ends_with('}')
            }) else {
                continue;
            };
            let opening = lines[open].trim_end();
            if opening.ends_with(';') {
                continue;
            }
            let end = if opening.ends_with('}') {
                open
            } else {
                let close = format!("{indent}}}");
                (open + 1..lines.len())
                    .find(|&i| lines[i].trim_end() == close)
                    .unwrap_or(lines.len() - 1)
            };
            out.push((name.to_string(), end - start + 1));
        }
        out
    }

    #[test]
    fn no_function_is_longer_than_150_lines() {
        let mut files = Vec::new();
        rust_files(&src(), &mut files);
        files.sort();
        let mut too_long = Vec::new();
        for path in &files {
            let relative = path.strip_prefix(src()).expect("under src");
            let relative = relative.to_string_lossy().replace('\\', "/");
            for (name, lines) in function_lengths(&code_of(path)) {
                if lines <= MAX_FUNCTION_LINES {
                    continue;
                }
                too_long.push(format!("{relative}::{name} ({lines} lines)"));
            }
        }
        assert!(
            too_long.is_empty(),
            "functions longer than {MAX_FUNCTION_LINES} lines (split them along their steps): {too_long:#?}"
        );
    }

    #[test]
    fn the_length_scanner_measures_fn_line_to_closing_brace() {
        let code = "pub(crate) async fn a(\n    x: u8,\n) -> u8 {\n    x\n}\n\
                    trait T {\n    fn b(&self);\n    fn c(&self) {}\n}\n\
                    // fn not_code() {\nimpl S {\n    pub fn d() {\n        let s = \"}\";\n    }\n}\n";
        assert_eq!(
            function_lengths(code),
            vec![
                ("a".to_string(), 5),
                ("c".to_string(), 1),
                ("d".to_string(), 3)
            ]
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
