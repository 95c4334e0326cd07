//! The supervisor prints the weekly review for the divisional commissioner: `iccc-desk report weekly --format
//! html -o FILE` writes one self-contained HTML file, in English or in Hindi, whose numbers are the `--json`
//! report's; a file that cannot be written says why and leaves nothing behind; on the review screen "Printable
//! report" writes the shown week's file (no viewer is started in tests).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// 2026-11-25 05:30 IST: the fixed "now" of the demo registry (in 2026-W48).
const NOW: i64 = 1_795_564_800;

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    /// A directory holding the default demo registry, written at [`NOW`].
    fn with_demo() -> Self {
        let dir = Self {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        ok(&dir.run(&["demo", &format!("--now-unix-s={NOW}")]));
        dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs iccc-desk on this directory's registry; HOME points here so no real user file is touched.
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
            .arg("--db")
            .arg(self.path("registry.sqlite"))
            .arg("--key-dir")
            .arg(self.path("keys"))
            .args(args)
            .env_remove("ICCC_DESK_KEY_DIR")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("XDG_CACHE_HOME", self.path("xdg-cache"))
            .output()
            .expect("run iccc-desk")
    }

    /// `report weekly --format html -o TARGET` with more arguments, at [`NOW`].
    fn html(&self, target: &Path, more: &[&str]) -> Output {
        let now = format!("--now-unix-s={NOW}");
        let mut args = vec![
            "report",
            "weekly",
            "--format",
            "html",
            "-o",
            target.to_str().expect("a UTF-8 path"),
            &now,
        ];
        args.extend_from_slice(more);
        self.run(&args)
    }

    /// Names of the files directly in the directory, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// The value shown on the headline tile of `figure` (its name in the JSON report).
fn figure(html: &str, figure: &str) -> String {
    let marker = format!("data-figure=\"{figure}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {figure} tile"));
    let rest = &html[at..];
    let start = rest.find("<div class=\"value\">").expect("value") + "<div class=\"value\">".len();
    let end = start + rest[start..].find("</div>").expect("end of value");
    rest[start..end].to_string()
}

fn grouped(json: &Value, key: &str) -> String {
    let n = json[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {json}"));
    iccc_desk::i18n::indian_grouping(i64::try_from(n).expect("count"))
}

#[test]
fn the_cli_writes_the_report_in_english_and_hindi_with_the_json_numbers() {
    let dir = Dir::with_demo();
    let now = format!("--now-unix-s={NOW}");
    let json_out = ok(&dir.run(&["report", "weekly", "--json", &now]));
    let json: Value = serde_json::from_str(&json_out).expect("JSON");
    // --json stays what it was, and is --format json.
    assert_eq!(
        ok(&dir.run(&["report", "weekly", "--format", "json", &now])),
        json_out
    );
    assert_eq!(json["week"], "2026-W48");
    assert_eq!(json["integrated_total"], 2_378);
    let gaps = json["gaps"].as_u64().expect("gaps counted");

    for (lang, title) in [
        ("en", "Weekly review 2026-W48"),
        ("hi", "साप्ताहिक समीक्षा 2026-W48"),
    ] {
        let target = dir.path(&format!("weekly-{lang}.html"));
        let out = ok(&dir.html(&target, &["--lang", lang]));
        let size = std::fs::metadata(&target).expect("written").len();
        assert_eq!(
            out,
            format!(
                "Wrote the weekly report for 2026-W48 to {} (HTML, {})\n",
                target.display(),
                iccc_desk::services::exchange::export::size_text(size)
            )
        );
        assert!(size > 300_000, "the font is embedded: {size} bytes");
        let html = std::fs::read_to_string(&target).expect("UTF-8 HTML");
        assert!(
            html.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{lang}\">")),
            "{}",
            &html[..80]
        );
        assert!(html.contains(title), "{lang}: title");
        for forbidden in ["http://", "https://", "<script"] {
            assert!(!html.contains(forbidden), "{lang}: {forbidden}");
        }
        // The same numbers as --json.
        for key in [
            "integrated_total",
            "integrated_this_week",
            "new_surveys",
            "blocked_this_week",
            "resolved_this_week",
            "blocked_now",
            "gaps",
        ] {
            assert_eq!(figure(&html, key), grouped(&json, key), "{lang}: {key}");
        }
        assert_eq!(figure(&html, "integrated_total"), "2,378");
        assert_eq!(
            html.matches("<td class=\"no\">").count() as u64,
            gaps,
            "{lang}: one row per gap"
        );
        assert_eq!(html.matches("class=\"bar-week\"").count(), 12);
        assert!(html.contains("data-week=\"2026-W48\""));
        assert!(html.contains("class=\"demo\""), "the demo is marked");
        let registry = dir.path("registry.sqlite").display().to_string();
        assert!(
            html.contains(&registry),
            "{lang}: the footer names the registry"
        );
    }
    let hindi = std::fs::read_to_string(dir.path("weekly-hi.html")).expect("read");
    assert!(hindi.contains("कुल एकीकृत") && hindi.contains("डेमो डेटा"));
    assert!(!hindi.contains("Integrated in total"));

    // HTML needs a file; -o is for HTML only; two formats at once are refused.
    let out = dir.run(&["report", "weekly", "--format", "html", &now]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("-o FILE"),
        "{}",
        text(&out.stderr)
    );
    let out = dir.run(&["report", "weekly", "-o", "x.html", &now]);
    assert_eq!(out.status.code(), Some(2));
    let out = dir.run(&["report", "weekly", "--json", "--format", "html", &now]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path("x.html").exists());
}

#[test]
fn a_report_that_cannot_be_written_says_why_and_leaves_nothing() {
    let dir = Dir::with_demo();
    let before = dir.files();

    // Tests run as root, where chmod does not stop a write; a regular file standing where the folder should
    // be stops anyone.
    let plain = dir.path("plain-file");
    std::fs::write(&plain, "not a folder").expect("write");
    let target = plain.join("weekly.html");
    let out = dir.html(&target, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("is not a folder") && err.contains(&target.display().to_string()),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // /proc takes no new files, not even from root: a read-only folder.
    let target = Path::new("/proc/iccc-desk-weekly-report-test.html");
    let out = dir.html(target, &["--lang", "hi"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("read-only or not writable"),
        "{}",
        text(&out.stderr)
    );
    assert!(!target.exists());

    // A missing folder is named, not made.
    let target = dir.path("no-such-folder/weekly.html");
    let out = dir.html(&target, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path("no-such-folder").exists());

    // Nothing was left behind, not even a temporary file (SQLite's -wal and -shm files of the reads aside).
    let ours = |files: Vec<String>| -> Vec<String> {
        files
            .into_iter()
            .filter(|f| !f.starts_with("registry.sqlite-"))
            .collect()
    };
    let mut expected = ours(before);
    expected.push("plain-file".into());
    expected.sort();
    assert_eq!(ours(dir.files()), expected);
}

/// The review screen's "Printable report" writes the shown week's report in the desk's language.
#[test]
fn printable_report_on_the_review_screen_writes_the_file() {
    use egui_kittest::kittest::Queryable as _;
    use iccc_desk::services::demo::{DemoOptions, generate};
    use iccc_desk::services::review::weekly::IsoWeek;

    let desk = common::Desk::new();
    let now = iccc_desk::store::now_unix_s();
    {
        let mut store =
            iccc_desk::store::Store::open(&desk.db, &desk.open_options()).expect("open");
        generate(
            &mut store,
            &DemoOptions {
                cameras: 1_000,
                seed: 1,
                now_unix_s: now,
                user: "setup".into(),
            },
            &|_| true,
        )
        .expect("demo");
    }
    let folder = desk.dir.path().join("reports");
    let mut h = desk.harness_without_simulator();
    h.state_mut().printable.folder = Some(folder.clone());
    h.state_mut().printable.open_viewer = false;
    h.get_by_label("Weekly review").click();
    h.run_ok();
    let week = IsoWeek::containing(now);
    common::wait_until(&mut h, "the week's numbers arrive", |app| {
        app.review
            .report
            .as_ref()
            .is_some_and(|r| r.week == week.label())
    });

    h.get_by_label("Printable report").click();
    h.run_ok();
    let english = folder.join(format!("weekly-{}-en.html", week.label()));
    common::wait_until(&mut h, "the report is written", |app| {
        app.printable.last_written.as_deref() == Some(english.as_path())
    });
    let html = std::fs::read_to_string(&english).expect("the report");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains(&format!("Weekly review {}", week.label())));
    let integrated = h
        .state()
        .review
        .report
        .as_ref()
        .map(|r| r.integrated_total)
        .expect("report");
    assert_eq!(
        figure(&html, "integrated_total"),
        iccc_desk::i18n::indian_grouping(integrated as i64)
    );
    let status = h.state().status.clone().expect("a status line");
    assert!(!status.1, "{}", status.0);
    assert!(
        status.0.contains(&english.display().to_string()),
        "{}",
        status.0
    );

    // In Hindi, the Hindi report.
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label("छापने योग्य रिपोर्ट").click();
    h.run_ok();
    let hindi = folder.join(format!("weekly-{}-hi.html", week.label()));
    common::wait_until(&mut h, "the Hindi report is written", |app| {
        app.printable.last_written.as_deref() == Some(hindi.as_path())
    });
    let html = std::fs::read_to_string(&hindi).expect("the Hindi report");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"hi\">"));
    assert!(html.contains("साप्ताहिक समीक्षा"));
}
