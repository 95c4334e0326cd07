//! A supervisor runs one headless probe sweep (`iccc-desk probe --once --json`) over a registry with more cameras
//! than the prober reads at a time: every configured and integrated camera is probed exactly once across the
//! pages, stored once, and listed once in camera id order.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

fn desk(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iccc-desk"));
    c.arg("--db")
        .arg(dir.join("registry.sqlite"))
        .arg("--key-dir")
        .arg(dir.join("keys"))
        .env_remove("ICCC_DESK_KEY_DIR")
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("xdg-data"))
        .env("XDG_CONFIG_HOME", dir.join("xdg-config"));
    c
}

/// Probes stored per camera (the runs' probe counts).
fn probes_per_camera(db: &Path) -> HashMap<i64, i64> {
    let conn = rusqlite::Connection::open(db).expect("open the registry");
    let mut stmt = conn
        .prepare("SELECT camera_id, sum(probes) FROM health_run GROUP BY camera_id")
        .expect("query");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("read")
}

#[test]
fn one_sweep_probes_every_camera_once_across_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.sqlite");
    // The default demo: about 2,400 cameras to probe, more than two pages of targets. Its addresses are on
    // loopback and nothing answers there (no simulator runs with the command), so each probe ends at once.
    let made = desk(dir.path()).arg("demo").output().expect("run demo");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let before = probes_per_camera(&db);

    let output = desk(dir.path())
        .args([
            "probe",
            "--once",
            "--json",
            "--timeout-ms",
            "2000",
            "--concurrency",
            "64",
        ])
        .output()
        .expect("run probe");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "one JSON document: {stdout}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).expect("JSON");
    let listed: Vec<i64> = report["cameras"]
        .as_array()
        .expect("cameras")
        .iter()
        .map(|c| c["camera_id"].as_i64().expect("id"))
        .collect();
    assert!(listed.len() > 2_000, "{}", listed.len());
    assert!(
        listed.windows(2).all(|w| w[0] < w[1]),
        "each camera once, in id order"
    );
    assert_eq!(report["summary"]["probed"], listed.len());
    assert!(
        report["cameras"][0]["site"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "lines carry the site's name"
    );

    // Stored: one more probe for each listed camera, none for any other.
    let after = probes_per_camera(&db);
    let mut probed: Vec<i64> = after
        .iter()
        .filter(|(id, n)| **n != before.get(id).copied().unwrap_or(0))
        .map(|(id, n)| {
            assert_eq!(*n - before.get(id).copied().unwrap_or(0), 1, "camera {id}");
            *id
        })
        .collect();
    probed.sort_unstable();
    assert_eq!(probed, listed);

    // Exactly the cameras the prober looks after.
    let conn = rusqlite::Connection::open(&db).expect("open");
    let targets: i64 = conn
        .query_row(
            "SELECT count(*) FROM camera WHERE stage IN ('configured', 'integrated')
               AND area_watched IN ('entrance', 'lobby', 'parking', 'gate', 'road_frontage', 'corridor')
               AND (coalesce(stream_url, '') <> '' OR coalesce(snapshot_url, '') <> '' OR nvr_host IS NOT NULL)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(listed.len() as i64, targets);
}
