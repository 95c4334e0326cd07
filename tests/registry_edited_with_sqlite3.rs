//! An administrator edits the registry file with the sqlite3 tool (foreign keys off, as it defaults): every verb
//! and conflict clause on every table that carries history (camera, site, stage events, audit, health, follow-up
//! notes, source ids, the registry's marks and the history's seal) is either refused by the file itself, or the
//! file is refused unchanged by the desk and by the reports when next opened. A guard dropped, used and put back
//! is found by the history's seal: on open for the newest rows and their count, by `iccc-desk verify` anywhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use iccc_desk::model::{AreaWatched, Camera, CameraKind, IntegrationStage, Site, StageChange};
use iccc_desk::store::{
    Actor, OpenOptions, PasswordEdit, ReportReader, Store, StoreError, VerifyReport,
};
use rusqlite::Connection;

const T0: i64 = 1_795_564_800;

fn actor(seconds: i64) -> Actor {
    Actor {
        user: "setup".into(),
        now_unix_s: T0 + seconds,
    }
}

fn site(name: &str) -> Site {
    let mut site = Site::blank();
    site.name_en = name.into();
    site
}

fn camera(label: &str, area: AreaWatched, kind: CameraKind, stream_url: &str) -> Camera {
    let mut c = Camera::blank_at(25.45, 78.57);
    c.label = label.into();
    c.area_watched = area;
    c.kind = kind;
    c.stream_url = stream_url.into();
    c
}

/// A registry with history in every table: two sites with cameras and one without; camera 1 integrated,
/// camera 2 talked to, cameras 3 and 4 analogue on one NVR; a follow-up note, source ids and health (as an
/// import and the prober write them); sealed.
struct Registry {
    dir: tempfile::TempDir,
    base: PathBuf,
    options: OpenOptions,
}

impl Registry {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = dir.path().join("base.sqlite");
        let options = OpenOptions {
            key_dir: dir.path().join("keys"),
        };
        let mut store = Store::open(&base, &options).expect("new registry");
        let hotel = store
            .add_site(&actor(0), &site("Hotel Raj Palace"))
            .unwrap()
            .id;
        let school = store
            .add_site(&actor(1), &site("Coaching Centre"))
            .unwrap()
            .id;
        store.add_site(&actor(2), &site("Empty plot")).unwrap();
        let add = |store: &mut Store, site_id, c: &Camera| {
            store
                .add_camera(&actor(3), site_id, c, &PasswordEdit::Keep)
                .unwrap()
        };
        let gate = add(
            &mut store,
            hotel,
            &camera(
                "Gate",
                AreaWatched::Gate,
                CameraKind::Ip,
                "rtsp://127.0.0.1:8554/1",
            ),
        );
        let lobby = add(
            &mut store,
            hotel,
            &camera(
                "Lobby",
                AreaWatched::Lobby,
                CameraKind::Ip,
                "rtsp://127.0.0.1:8554/2",
            ),
        );
        let nvr = |channel| CameraKind::Analogue {
            nvr_host: "127.0.0.2".into(),
            channel,
        };
        add(
            &mut store,
            school,
            &camera("Front", AreaWatched::Entrance, nvr(1), ""),
        );
        add(
            &mut store,
            school,
            &camera("Back", AreaWatched::Parking, nvr(2), ""),
        );
        let mut version = gate.row_version;
        for (i, to) in [
            IntegrationStage::OwnerContacted,
            IntegrationStage::ConsentGiven,
            IntegrationStage::Configured,
            IntegrationStage::Integrated,
        ]
        .into_iter()
        .enumerate()
        {
            let change = StageChange {
                to,
                reason: None,
                note: String::new(),
            };
            version = store
                .change_stage(&actor(10 + i as i64), gate.id, version, &change)
                .unwrap()
                .row_version;
        }
        let change = StageChange {
            to: IntegrationStage::OwnerContacted,
            reason: None,
            note: "called the manager".into(),
        };
        store
            .change_stage(&actor(20), lobby.id, lobby.row_version, &change)
            .unwrap();
        store
            .add_follow_up(&actor(30), lobby.id, "asked again for consent")
            .unwrap();
        store
            .conn_for_tests()
            .execute_batch(
                "INSERT INTO camera_health (camera_id, state, since_unix_s, last_probe_unix_s, latency_ms)
                   VALUES (1, 'online', 1, 2, 5), (2, 'offline', 1, 2, 5);
                 INSERT INTO health_run (camera_id, state, from_unix_s, to_unix_s, probes)
                   VALUES (1, 'online', 1, 2, 2), (2, 'offline', 1, 2, 2);
                 INSERT INTO camera_source (camera_id, source_ref) VALUES (1, 'cam-1'), (2, 'cam-2');",
            )
            .unwrap();
        store.seal_history().unwrap();
        drop(store);
        assert!(!sibling(&base, "-wal").exists(), "the WAL was folded in");
        Self { dir, base, options }
    }

    /// A copy of the registry to edit.
    fn copy(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::copy(&self.base, &path).unwrap();
        path
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Runs `sql` on `db` as the sqlite3 tool would: a plain connection, foreign keys off.
fn sqlite3(db: &Path, sql: &str) -> rusqlite::Result<()> {
    let conn = Connection::open(db)?;
    conn.pragma_update(None, "foreign_keys", false)?;
    conn.execute_batch(sql)
}

/// Runs `sql` between dropping the triggers `guards` and putting them back exactly as they were.
fn around_guards(db: &Path, guards: &[&str], sql: &str) {
    let conn = Connection::open(db).unwrap();
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    let mut texts = Vec::new();
    for guard in guards {
        let text: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = ?1",
                [guard],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute_batch(&format!("DROP TRIGGER {guard}"))
            .unwrap();
        texts.push(text);
    }
    conn.execute_batch(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    for text in texts {
        conn.execute_batch(&text).unwrap();
    }
}

/// The desk and the reports both refuse `db`, naming what was changed, and leave it as it was.
fn refused_on_open(db: &Path, options: &OpenOptions, what: &str) -> String {
    let before = std::fs::read(db).unwrap();
    let err = Store::open(db, options).expect_err(what);
    assert!(
        matches!(
            err,
            StoreError::HistoryChanged { .. } | StoreError::GuardsChanged { .. }
        ),
        "{what}: {err}"
    );
    assert_eq!(
        std::fs::read(db).unwrap(),
        before,
        "{what}: the file is unchanged"
    );
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(!sibling(db, suffix).exists(), "{what}: {suffix} was made");
    }
    let read = ReportReader::open(db).err();
    assert!(
        matches!(
            read,
            Some(StoreError::HistoryChanged { .. } | StoreError::GuardsChanged { .. })
        ),
        "{what}: the reports refuse it too: {read:?}"
    );
    err.to_string()
}

/// Where an edit must be stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// The file's own triggers refuse the statement.
    ByFile,
    /// The statement goes through (nothing in SQL can stop it with foreign keys off); the next open refuses the
    /// file, naming the table.
    OnOpen(&'static str),
}

/// Every way the sqlite3 tool can remove, move or orphan a row of history.
const EDITS: &[(&str, Stop)] = &[
    // camera
    (
        "UPDATE OR REPLACE camera SET stream_url = 'rtsp://127.0.0.1:8554/2' WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "UPDATE OR REPLACE camera SET nvr_channel = 1 WHERE id = 4",
        Stop::ByFile,
    ),
    (
        "UPDATE OR REPLACE camera SET nvr_host = '127.0.0.2', nvr_channel = 2 WHERE id = 3",
        Stop::ByFile,
    ),
    ("UPDATE camera SET id = 99 WHERE id = 1", Stop::ByFile),
    (
        "UPDATE OR REPLACE camera SET id = 2 WHERE id = 1",
        Stop::ByFile,
    ),
    ("UPDATE camera SET site_id = 999 WHERE id = 1", Stop::ByFile),
    ("DELETE FROM camera WHERE id = 1", Stop::ByFile),
    (
        "REPLACE INTO camera SELECT * FROM camera WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "INSERT OR REPLACE INTO camera SELECT * FROM camera WHERE id = 2",
        Stop::ByFile,
    ),
    (
        "INSERT INTO camera SELECT * FROM camera WHERE id = 1 ON CONFLICT (id) DO UPDATE SET label = 'x'",
        Stop::ByFile,
    ),
    // site
    ("DELETE FROM site WHERE id = 1", Stop::ByFile),
    ("UPDATE site SET id = 99 WHERE id = 1", Stop::ByFile),
    (
        "UPDATE OR REPLACE site SET id = 2 WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "REPLACE INTO site SELECT * FROM site WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "INSERT INTO site SELECT * FROM site WHERE id = 2 ON CONFLICT (id) DO UPDATE SET name_en = 'x'",
        Stop::ByFile,
    ),
    // stage events
    ("DELETE FROM stage_event WHERE id = 1", Stop::ByFile),
    (
        "UPDATE stage_event SET note = 'x' WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "UPDATE OR REPLACE stage_event SET id = 2 WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "REPLACE INTO stage_event SELECT * FROM stage_event WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "INSERT INTO stage_event SELECT * FROM stage_event WHERE id = 1 ON CONFLICT (id) DO UPDATE SET note = 'x'",
        Stop::ByFile,
    ),
    (
        "INSERT INTO stage_event (camera_id, at_unix_s, by_user, to_stage) VALUES (999, 1, 'x', 'surveyed')",
        Stop::OnOpen("stage_event"),
    ),
    // audit
    ("DELETE FROM audit WHERE id = 1", Stop::ByFile),
    ("UPDATE audit SET by_user = 'x' WHERE id = 1", Stop::ByFile),
    (
        "UPDATE OR REPLACE audit SET id = 2 WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "REPLACE INTO audit SELECT * FROM audit WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "INSERT INTO audit SELECT * FROM audit WHERE id = 1 ON CONFLICT (id) DO UPDATE SET by_user = 'x'",
        Stop::ByFile,
    ),
    // follow-up notes
    ("DELETE FROM follow_up", Stop::ByFile),
    ("UPDATE follow_up SET note = 'x'", Stop::ByFile),
    ("UPDATE follow_up SET camera_id = 999", Stop::ByFile),
    (
        "REPLACE INTO follow_up SELECT * FROM follow_up",
        Stop::ByFile,
    ),
    (
        "INSERT INTO follow_up SELECT * FROM follow_up WHERE true ON CONFLICT (id) DO UPDATE SET note = 'x'",
        Stop::ByFile,
    ),
    (
        "INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (999, 1, 'x', 'x')",
        Stop::OnOpen("follow_up"),
    ),
    // health
    ("UPDATE health_run SET camera_id = 999", Stop::ByFile),
    (
        "UPDATE health_run SET camera_id = 2 WHERE camera_id = 1",
        Stop::ByFile,
    ),
    (
        "UPDATE OR REPLACE health_run SET id = 2 WHERE id = 1",
        Stop::ByFile,
    ),
    (
        "INSERT INTO health_run (camera_id, state, from_unix_s, to_unix_s, probes) VALUES (999, 'online', 1, 2, 1)",
        Stop::OnOpen("health_run"),
    ),
    (
        "UPDATE camera_health SET camera_id = 999 WHERE camera_id = 1",
        Stop::ByFile,
    ),
    (
        "UPDATE OR REPLACE camera_health SET camera_id = 2 WHERE camera_id = 1",
        Stop::ByFile,
    ),
    (
        "INSERT INTO camera_health (camera_id, state, since_unix_s, last_probe_unix_s, latency_ms) VALUES (999, 'online', 1, 2, 5)",
        Stop::OnOpen("camera_health"),
    ),
    // source ids
    (
        "UPDATE camera_source SET camera_id = 999 WHERE camera_id = 1",
        Stop::ByFile,
    ),
    (
        "UPDATE OR REPLACE camera_source SET camera_id = 2 WHERE camera_id = 1",
        Stop::ByFile,
    ),
    (
        "INSERT INTO camera_source (camera_id, source_ref) VALUES (999, 'x')",
        Stop::OnOpen("camera_source"),
    ),
    // the registry's marks and the history's seal
    (
        "DELETE FROM meta WHERE key = 'passwords_bound'",
        Stop::ByFile,
    ),
    (
        "UPDATE meta SET value = 'x' WHERE key = 'history_seal_key_id'",
        Stop::ByFile,
    ),
    (
        "REPLACE INTO meta (key, value) VALUES ('history_seal_key_id', 'x')",
        Stop::ByFile,
    ),
    ("DELETE FROM history_seal", Stop::ByFile),
    ("UPDATE history_seal SET link = zeroblob(16)", Stop::ByFile),
    (
        "REPLACE INTO history_seal SELECT * FROM history_seal",
        Stop::ByFile,
    ),
];

#[test]
fn every_edit_that_loses_or_orphans_history_is_refused_by_the_file_or_on_open() {
    let registry = Registry::new();
    let mut failures = Vec::new();
    for (i, &(sql, stop)) in EDITS.iter().enumerate() {
        let db = registry.copy(&format!("edit-{i}.sqlite"));
        let before = std::fs::read(&db).unwrap();
        let result = sqlite3(&db, sql);
        match (stop, result) {
            (Stop::ByFile, Err(_)) => {
                if std::fs::read(&db).unwrap() != before {
                    failures.push(format!("{sql}: refused, but the file changed"));
                }
            }
            (Stop::ByFile, Ok(())) => failures.push(format!("{sql}: the file let it through")),
            (Stop::OnOpen(table), Ok(())) => {
                let line = refused_on_open(&db, &registry.options, sql);
                if !line.contains(table) || !line.contains(&db.display().to_string()) {
                    failures.push(format!(
                        "{sql}: the refusal names neither {table} nor the file: {line}"
                    ));
                }
            }
            (Stop::OnOpen(_), Err(e)) => failures.push(format!("{sql}: refused by the file ({e})")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_harmless_edit_still_opens() {
    let registry = Registry::new();
    let db = registry.copy("notes.sqlite");
    sqlite3(&db, "UPDATE site SET notes = 'gate faces the bazaar' WHERE id = 1; DELETE FROM site WHERE id = 3")
        .unwrap();
    Store::open(&db, &registry.options).expect("opens");
    ReportReader::open(&db).expect("reports open");
}

/// A guard dropped, used and put back: the schema is as the desk wrote it, and only the seal tells.
#[test]
fn history_changed_around_a_dropped_guard_is_found_by_the_seal() {
    let registry = Registry::new();
    let options = &registry.options;
    let verify = |db: &Path| Store::verify_history_of(db, &options.key_dir).unwrap();

    // Untouched: every sealed row checks.
    let intact = verify(&registry.base);
    assert!(
        intact.broken.is_none() && intact.cannot_check.is_none(),
        "{intact:?}"
    );
    assert!(intact.rows_checked > 10, "{intact:?}");

    // The newest audit entry removed: the count of sealed rows no longer adds up, on every open.
    let db = registry.copy("audit-deleted.sqlite");
    around_guards(
        &db,
        &["audit_no_delete"],
        "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
    );
    let line = refused_on_open(&db, options, "newest audit entry deleted");
    assert!(line.contains("audit"), "{line}");
    let newest: i64 = Connection::open(&registry.base)
        .unwrap()
        .query_row("SELECT max(id) FROM audit", [], |r| r.get(0))
        .unwrap();
    let report = verify(&db);
    let broken = report.broken.expect("verify finds it");
    assert_eq!((broken.table, broken.id), ("audit", newest), "{broken:?}");

    // The newest stage event changed: the open checks the newest sealed row against its link.
    let db = registry.copy("event-changed.sqlite");
    around_guards(
        &db,
        &["stage_event_no_update"],
        "UPDATE stage_event SET by_user = 'someone else' WHERE id = (SELECT max(id) FROM stage_event)",
    );
    let before = std::fs::read(&db).unwrap();
    let line = Store::open(&db, options)
        .expect_err("newest stage event changed")
        .to_string();
    assert!(
        line.contains("stage_event") && line.contains("differs from its seal"),
        "{line}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // The read-only commands check it with the key before they count.
    let line = Store::check_history_seal(&db, &options.key_dir)
        .unwrap_err()
        .to_string();
    assert!(line.contains("differs from its seal"), "{line}");
    // `stats` says it in one line, exit code 2.
    let out = run(registry.dir.path(), &db, &["stats"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("differs from its seal"), "{stderr}");

    // An older stage event changed: `verify` walks the whole chain and names it.
    let db = registry.copy("old-event-changed.sqlite");
    around_guards(
        &db,
        &["stage_event_no_update"],
        "UPDATE stage_event SET to_stage = 'integrated' WHERE id = 2",
    );
    let report: VerifyReport = verify(&db);
    let broken = report.broken.expect("verify finds it");
    assert_eq!((broken.table, broken.id), ("stage_event", 2), "{broken:?}");
    assert!(broken.what.contains("differs from its seal"), "{broken:?}");

    // An older audit entry removed together with its seal: the next row's link no longer follows.
    let db = registry.copy("audit-and-seal-deleted.sqlite");
    around_guards(
        &db,
        &["audit_no_delete", "history_seal_no_delete"],
        "DELETE FROM audit WHERE id = 2; DELETE FROM history_seal WHERE history = 'audit' AND row_id = 2;",
    );
    let report = verify(&db);
    let broken = report.broken.expect("verify finds it");
    assert_eq!((broken.table, broken.id), ("audit", 3), "{broken:?}");
}

/// Without the key that sealed the history, its links cannot be checked: the desk says so and still opens the
/// file (a lost key is not a tampered file); the rows are still counted.
#[test]
fn without_the_key_the_seal_cannot_be_checked_and_the_file_still_opens() {
    let registry = Registry::new();
    let db = registry.copy("no-key.sqlite");
    let elsewhere = registry.dir.path().join("other-keys");
    let report = Store::verify_history_of(&db, &elsewhere).unwrap();
    assert!(report.cannot_check.is_some(), "{report:?}");
    assert!(!elsewhere.exists(), "verify makes no key");
    ReportReader::open(&db).expect("the reports open it");
    // A row removed is still found by its count, key or no key.
    around_guards(
        &db,
        &["audit_no_delete"],
        "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)",
    );
    assert!(matches!(
        ReportReader::open(&db).err(),
        Some(StoreError::HistoryChanged { .. })
    ));
}

fn run(dir: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .arg("--db")
        .arg(db)
        .arg("--key-dir")
        .arg(dir.join("keys"))
        .args(args)
        .env_remove("ICCC_DESK_KEY_DIR")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"))
        .output()
        .expect("run iccc-desk")
}

/// `iccc-desk verify` says in one line that the history is intact, or names the row that breaks it (exit 2).
#[test]
fn verify_names_the_first_broken_row() {
    let registry = Registry::new();
    let dir = registry.dir.path();
    let out = run(dir, &registry.base, &["verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("rows checked"), "{stdout}");

    let db = registry.copy("verify.sqlite");
    around_guards(
        &db,
        &["audit_no_update"],
        "UPDATE audit SET by_user = 'nobody' WHERE id = 3",
    );
    let out = run(dir, &db, &["verify"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("audit 3 differs from its seal"), "{stderr}");
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
}
