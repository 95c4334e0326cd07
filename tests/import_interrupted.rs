//! A 200,000-row import killed part-way (kill -9, as a power cut or a crashed desk would) leaves the registry
//! exactly as it was and readable: the import writes in one transaction, so SQLite rolls it back on the next open.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};

use rusqlite::Connection;

const ROWS: usize = 200_000;

/// A 200,000-camera list inside Jhansi: id, name, latitude, longitude.
fn write_big_list(path: &Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "camera_id,name,lat,lon").unwrap();
    for i in 0..ROWS {
        let lat = 25.40 + (i % 1000) as f64 * 0.0001;
        let lon = 78.51 + (i / 1000) as f64 * 0.0005;
        writeln!(out, "BIG-{i},Camera {i},{lat:.6},{lon:.6}").unwrap();
    }
}

/// What must not change: the counts of every table that an import writes, the newest audit entry, and the
/// content of the cameras already there.
fn fingerprint(db: &Path) -> Vec<i64> {
    let conn = Connection::open(db).unwrap();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    vec![
        one("SELECT count(*) FROM site"),
        one("SELECT count(*) FROM camera"),
        one("SELECT count(*) FROM stage_event"),
        one("SELECT count(*) FROM camera_source"),
        one("SELECT coalesce(max(id), 0) FROM audit"),
        one("SELECT coalesce(sum(row_version), 0) FROM camera"),
    ]
}

#[test]
fn a_killed_import_leaves_the_registry_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite");
    let keys = dir.path().join("keys");
    let exe = env!("CARGO_BIN_EXE_iccc-desk");
    let demo = Command::new(exe)
        .args(["demo", "--cameras", "500", "--db"])
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let list = dir.path().join("big.csv");
    write_big_list(&list);
    let before = fingerprint(&db);

    let mut child = Command::new(exe)
        .arg("import")
        .arg(&list)
        .arg("--progress")
        .arg("--db")
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill it once the writing is well under way (a third of the rows written inside the transaction).
    let stderr = child.stderr.take().unwrap();
    let mut killed_at = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if let Some(percent) = line
            .strip_prefix("importing: ")
            .and_then(|p| p.trim_end_matches(" %").parse::<f32>().ok())
            && percent >= 30.0
        {
            child.kill().unwrap();
            killed_at = Some(percent);
            break;
        }
    }
    let status = child.wait().unwrap();
    let percent = killed_at.expect("the import reported its progress before it finished");
    assert!(percent < 100.0, "killed before the commit: {percent} %");
    assert!(!status.success(), "the import was killed");

    // The registry reads, is intact, and holds exactly what it held.
    let conn = Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    assert_eq!(fingerprint(&db), before);
    assert_eq!(
        Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM camera WHERE label LIKE 'Camera %'",
                [],
                |r| r.get::<_, i64>(0)
            )
            .unwrap(),
        0
    );
    // And the desk's store opens it and takes the import again, whole.
    let again = Command::new(exe)
        .arg("import")
        .arg(&list)
        .arg("--json")
        .arg("--db")
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(report["added"], ROWS);
    assert_eq!(fingerprint(&db)[1], before[1] + ROWS as i64);
}
