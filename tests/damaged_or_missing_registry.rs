//! A user points the command line at a damaged registry, at one whose safeguards were dropped with raw SQL, or
//! at a registry that does not exist: every subcommand refuses with exit code 2 and one line naming the file,
//! nothing is written, and no registry is made where none was.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use egui_kittest::kittest::Queryable as _;

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, db: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
            .arg("--db")
            .arg(db)
            .arg("--key-dir")
            .arg(self.path("keys"))
            .args(args)
            .env_remove("ICCC_DESK_KEY_DIR")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .output()
            .expect("run iccc-desk")
    }

    /// A small camera list to import.
    fn camera_list(&self) -> PathBuf {
        let csv = self.path("cameras.csv");
        std::fs::write(
            &csv,
            "site,camera,latitude,longitude,area watched\nRailway Station,Gate 2,25.4486,78.5696,gate\n",
        )
        .unwrap();
        csv
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Exit code 2, and stderr is one line that names `db`.
fn assert_refused(output: &Output, db: &Path, what: &str) -> String {
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{what}: exit code\nstdout: {}\nstderr: {stderr}",
        text(&output.stdout)
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{what}: {stderr}");
    assert!(
        stderr.contains(&db.display().to_string()),
        "{what}: the line names the file: {stderr}"
    );
    stderr
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn demo_registry(dir: &Dir) -> PathBuf {
    let db = dir.path("desk.sqlite");
    let out = dir.run(&db, &["demo", "--cameras", "1000"]);
    assert!(out.status.success(), "demo: {}", text(&out.stderr));
    assert!(
        !sibling(&db, "-wal").exists(),
        "the demo's WAL was folded in"
    );
    db
}

#[test]
fn a_damaged_registry_is_refused_by_every_subcommand_and_never_written() {
    let dir = Dir::new();
    let db = demo_registry(&dir);
    // 64 KB of garbage in the middle of the file, as a bad disk or a stray copy would leave it.
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 256 * 1024, "{} bytes", bytes.len());
    let middle = bytes.len() / 2 / 4096 * 4096;
    for (i, b) in bytes[middle..middle + 64 * 1024].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&db, &bytes).unwrap();
    let csv = dir.camera_list();
    let csv = csv.to_str().unwrap();
    let out_csv = dir.path("sites.csv");
    let out_csv = out_csv.to_str().unwrap();

    for args in [
        vec!["area"],
        vec!["area", "--city", "Gwalior"],
        vec!["import", csv],
        vec!["import", "--dry-run", csv],
        vec!["probe", "--once"],
        vec!["simulate", "--duration-s", "1"],
        vec!["stats"],
        vec!["export", "sites", "--format", "csv", "-o", out_csv],
    ] {
        let out = dir.run(&db, &args);
        let line = assert_refused(&out, &db, &args.join(" "));
        assert!(line.contains("damaged"), "{args:?}: {line}");
        assert_eq!(
            std::fs::read(&db).unwrap(),
            bytes,
            "{args:?} left the damaged file as it was"
        );
    }
}

#[test]
fn a_registry_whose_guards_were_dropped_is_refused_before_any_write() {
    let dir = Dir::new();
    let db = demo_registry(&dir);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = dir.run(&db, &["area", "--city", "Gwalior"]);
    let line = assert_refused(&out, &db, "area --city");
    assert!(line.contains("audit_no_delete"), "{line}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

/// Read-only commands compare the safeguards too: figures from a file whose guard was dropped would be
/// figures the guards no longer vouch for.
#[test]
fn reports_refuse_a_registry_whose_guards_were_dropped() {
    let dir = Dir::new();
    let db = demo_registry(&dir);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("DROP TRIGGER stage_event_no_update;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out_csv = dir.path("cameras.csv");
    let out_csv = out_csv.to_str().unwrap();
    for args in [
        vec!["stats"],
        vec!["report", "weekly"],
        vec!["export", "cameras", "--format", "csv", "-o", out_csv],
    ] {
        let out = dir.run(&db, &args);
        let line = assert_refused(&out, &db, &args.join(" "));
        assert!(line.contains("stage_event_no_update"), "{args:?}: {line}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?}");
    }
    assert!(!Path::new(out_csv).exists(), "no export was written");
}

/// A row orphaned with foreign keys off (the sqlite3 tool's default) is refused by every command in one line
/// naming the table and the row, exit code 2, and the file is left as it was.
#[test]
fn a_registry_with_orphaned_history_is_refused_by_every_command() {
    let dir = Dir::new();
    let db = demo_registry(&dir);
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (999999, 1, 'x', 'called');",
        )
        .unwrap();
    }
    let orphan: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT max(id) FROM follow_up", [], |r| r.get(0))
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let csv = dir.camera_list();
    let csv = csv.to_str().unwrap();
    let out_csv = dir.path("sites.csv");
    let out_csv = out_csv.to_str().unwrap();
    for args in [
        vec!["area"],
        vec!["area", "--city", "Gwalior"],
        vec!["import", csv],
        vec!["import", "--dry-run", csv],
        vec!["probe", "--once"],
        vec!["stats"],
        vec!["report", "weekly"],
        vec!["export", "sites", "--format", "csv", "-o", out_csv],
        vec!["verify"],
    ] {
        let out = dir.run(&db, &args);
        let line = assert_refused(&out, &db, &args.join(" "));
        assert!(
            line.contains(&format!("row {orphan} of follow_up")),
            "{args:?}: {line}"
        );
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?}");
    }
}

/// A 0-byte `--db` (a mistyped name, a file `touch` made) is not a registry: every command but `demo` refuses it
/// unchanged, and no password key is made for it.
#[test]
fn an_empty_file_is_not_taken_for_a_registry() {
    let dir = Dir::new();
    let db = dir.path("empty.sqlite");
    std::fs::write(&db, b"").unwrap();
    let csv = dir.camera_list();
    let csv = csv.to_str().unwrap();
    let out_csv = dir.path("sites.csv");
    let out_csv = out_csv.to_str().unwrap();
    let keys = dir.path("keys");
    let no_key = || {
        std::fs::read_dir(&keys).map_or(true, |entries| {
            entries
                .flatten()
                .all(|e| !e.file_name().to_string_lossy().ends_with(".key"))
        })
    };
    for args in [
        vec!["import", "--dry-run", csv],
        vec!["import", csv],
        vec!["area"],
        vec!["area", "--city", "Gwalior"],
        vec!["probe", "--once"],
        vec!["simulate", "--duration-s", "1"],
        vec!["stats"],
        vec!["report", "weekly"],
        vec!["export", "sites", "--format", "csv", "-o", out_csv],
    ] {
        let out = dir.run(&db, &args);
        let line = assert_refused(&out, &db, &args.join(" "));
        assert!(line.contains("empty"), "{args:?}: {line}");
        assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "{args:?}");
        for suffix in ["-wal", "-shm", "-journal"] {
            assert!(!sibling(&db, suffix).exists(), "{args:?} made {suffix}");
        }
        assert!(no_key(), "{args:?} made a password key");
    }
    // `demo` makes a registry of it, as it would of a missing file.
    let out = dir.run(&db, &["demo", "--cameras", "100"]);
    assert!(out.status.success(), "demo: {}", text(&out.stderr));
    let out = dir.run(&db, &["area"]);
    assert!(out.status.success(), "area: {}", text(&out.stderr));
}

/// A `--db` that names a named pipe, a device or a folder is refused at once by every command (a pipe used to
/// hang each of them for ever, waiting for a writer).
#[cfg(unix)]
#[test]
fn a_db_that_is_not_a_plain_file_is_refused_at_once() {
    let dir = Dir::new();
    let fifo = dir.path("fifo.sqlite");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let folder = dir.path("folder.sqlite");
    std::fs::create_dir(&folder).unwrap();
    let csv = dir.camera_list();
    let csv = csv.to_str().unwrap();
    for db in [fifo, folder] {
        for args in [
            vec!["stats"],
            vec!["area"],
            vec!["demo", "--cameras", "100"],
            vec!["import", "--dry-run", csv],
            vec!["probe", "--once"],
        ] {
            // Through `timeout`, so a command that still hangs fails here instead of stopping the suite.
            let out = Command::new("timeout")
                .arg("60")
                .arg(env!("CARGO_BIN_EXE_iccc-desk"))
                .arg("--db")
                .arg(&db)
                .arg("--key-dir")
                .arg(dir.path("keys"))
                .args(&args)
                .env("HOME", dir.dir.path())
                .env("XDG_DATA_HOME", dir.path("xdg-data"))
                .env("XDG_CONFIG_HOME", dir.path("xdg-config"))
                .output()
                .unwrap();
            let line = assert_refused(&out, &db, &args.join(" "));
            assert!(line.contains("not a plain file"), "{args:?}: {line}");
        }
    }
}

#[test]
fn looking_at_a_missing_registry_creates_nothing() {
    let dir = Dir::new();
    let db = dir.path("no-such-registry.sqlite");
    let csv = dir.camera_list();
    let csv = csv.to_str().unwrap();
    for args in [
        vec!["import", "--dry-run", csv],
        vec!["area"],
        vec!["probe", "--once"],
    ] {
        let out = dir.run(&db, &args);
        let line = assert_refused(&out, &db, &args.join(" "));
        assert!(line.contains("no such registry file"), "{args:?}: {line}");
        for suffix in ["", "-wal", "-shm", "-journal"] {
            assert!(
                !sibling(&db, suffix).exists(),
                "{args:?} made {}",
                sibling(&db, suffix).display()
            );
        }
    }
}

#[test]
fn the_desk_says_in_one_line_which_file_it_refused_and_writes_nothing() {
    let desk = common::Desk::new();
    {
        let mut store =
            iccc_desk::store::Store::open(&desk.db, &desk.open_options()).expect("a new registry");
        let mut site = iccc_desk::model::Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let actor = iccc_desk::store::Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        store.add_site(&actor, &site).unwrap();
    }
    desk.sql()
        .execute_batch("DROP TRIGGER stage_event_no_update;")
        .unwrap();
    let before = std::fs::read(&desk.db).unwrap();
    let mut h = egui_kittest::Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(
            |ui, app: &mut iccc_desk::ui::DeskApp| app.ui(ui),
            iccc_desk::ui::DeskApp::new(
                desk.db.clone(),
                desk.keys.clone(),
                Some(desk.settings.clone()),
            ),
        );
    let shown = desk.db.display().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let repaints = common::Repaints::listen(&h);
    h.step();
    while h.query_by_label_contains("safeguards").is_none() {
        assert!(
            repaints.wait_until_due(deadline),
            "timed out waiting for the refusal"
        );
        h.step();
    }
    h.run_ok();
    h.get_by_label("The registry could not be opened");
    // One line: the file, what was changed, and that nothing was written.
    h.get_by_label_contains(&format!(
        "{shown}: the registry's safeguards were changed outside the desk (trigger stage_event_no_update is \
         missing); nothing was written to it"
    ));
    assert!(h.state().index().is_none());
    assert_eq!(
        std::fs::read(&desk.db).unwrap(),
        before,
        "nothing was written"
    );
}

#[test]
fn the_desk_refuses_a_private_camera_made_integrated_with_the_checks_off() {
    let desk = common::Desk::new();
    let gate = {
        let mut store =
            iccc_desk::store::Store::open(&desk.db, &desk.open_options()).expect("a new registry");
        let mut site = iccc_desk::model::Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let actor = iccc_desk::store::Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let site = store.add_site(&actor, &site).unwrap();
        common::add_integrated_camera(
            &mut store,
            site.id,
            "Main gate",
            "rtsp://127.0.0.1:8554/Streaming/Channels/101".into(),
            String::new(),
            "",
        )
    };
    {
        let conn = desk.sql();
        conn.execute_batch("PRAGMA ignore_check_constraints = ON;")
            .unwrap();
        conn.execute(
            "UPDATE camera SET area_watched = 'room' WHERE id = ?1",
            [gate],
        )
        .unwrap();
    }
    let before = std::fs::read(&desk.db).unwrap();
    let mut h = egui_kittest::Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(
            |ui, app: &mut iccc_desk::ui::DeskApp| app.ui(ui),
            iccc_desk::ui::DeskApp::new(
                desk.db.clone(),
                desk.keys.clone(),
                Some(desk.settings.clone()),
            )
            .without_demo_simulator(),
        );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let repaints = common::Repaints::listen(&h);
    h.step();
    // Said on the screen, and perhaps by the prober in the status bar before the refusal came: any one will do.
    while h.query_all_by_label_contains("is damaged").next().is_none() {
        assert!(
            repaints.wait_until_due(deadline),
            "timed out waiting for the refusal"
        );
        h.step();
    }
    h.run_ok();
    let line = format!(
        "{} is damaged (SQLite's integrity check: CHECK constraint failed in camera)",
        desk.db.display()
    );
    assert!(h.query_all_by_label_contains(&line).count() >= 1, "{line}");
    assert_eq!(
        std::fs::read(&desk.db).unwrap(),
        before,
        "nothing was written"
    );
}
