//! A user writes the demo registry from the command line (`iccc-desk demo`), reads the review figures
//! (`iccc-desk stats`, as a table and as JSON), and gets one clear line and exit code 2 for a bad registry file.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// 2026-11-25 05:30 IST: the fixed "now" of the runs whose figures are recounted.
const NOW: i64 = 1_795_564_800;
const WEEK_S: i64 = 7 * 86_400;

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

    fn keys(&self) -> PathBuf {
        self.path("keys")
    }

    /// Runs iccc-desk on `db` with this directory's keys; HOME points here so no real user file is touched.
    fn run(&self, db: &Path, args: &[&str]) -> Output {
        run_as(None, self, db, args)
    }
}

fn run_as(prefix: Option<&[&str]>, dir: &Dir, db: &Path, args: &[&str]) -> Output {
    let exe = env!("CARGO_BIN_EXE_iccc-desk");
    let mut command = match prefix {
        Some(prefix) => {
            // Another user may not be able to reach the build folder (e.g. under /root): run a copy from the
            // temp dir, which it can.
            let copy = dir.path("iccc-desk-copy");
            if !copy.exists() {
                std::fs::copy(exe, &copy).expect("copy the binary for another user");
                std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            let mut c = Command::new(prefix[0]);
            c.args(&prefix[1..]).arg(&copy);
            c
        }
        None => Command::new(exe),
    };
    command
        .arg("--db")
        .arg(db)
        .arg("--key-dir")
        .arg(dir.keys())
        .args(args)
        .env_remove("ICCC_DESK_KEY_DIR")
        .env("HOME", dir.dir.path())
        .env("XDG_DATA_HOME", dir.path("xdg-data"))
        .env("XDG_CONFIG_HOME", dir.path("xdg-config"));
    command.output().expect("run iccc-desk")
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

fn stats_json(dir: &Dir, db: &Path, now: Option<i64>) -> Value {
    let mut args = vec!["stats".to_string(), "--json".to_string()];
    if let Some(now) = now {
        args.push(format!("--now-unix-s={now}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = ok(&dir.run(db, &args));
    serde_json::from_str(&out).expect("stats --json prints JSON")
}

fn int(v: &Value, key: &str) -> i64 {
    v[key].as_i64().unwrap_or_else(|| panic!("{key} in {v}"))
}

fn within(value: i64, target: i64, tolerance: i64, what: &str) {
    assert!(
        (value - target).abs() <= tolerance,
        "{what}: {value}, expected {target} ± {tolerance}"
    );
}

/// Stage → cameras, category → (cameras, integrated), and cameras integrated in the last 7 days.
type Recount = (BTreeMap<String, i64>, BTreeMap<String, (i64, i64)>, i64);

/// Stage counts, per-category counts and this week's integrations, recounted in Rust from the raw
/// stage_event rows (not with the SQL the command uses).
fn recount(conn: &rusqlite::Connection, now: i64) -> Recount {
    let mut per_camera: BTreeMap<i64, (String, i64)> = BTreeMap::new();
    let mut last_integrated: BTreeMap<i64, i64> = BTreeMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT camera_id, to_stage, at_unix_s, id FROM stage_event ORDER BY camera_id, id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (camera, stage, at) = row.unwrap();
        if stage == "integrated" {
            let t = last_integrated.entry(camera).or_insert(at);
            *t = (*t).max(at);
        }
        per_camera.insert(camera, (stage, at));
    }
    let category: BTreeMap<i64, String> = conn
        .prepare("SELECT c.id, s.owner_category FROM camera c JOIN site s ON s.id = c.site_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut by_stage = BTreeMap::new();
    let mut by_category: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut this_week = 0;
    for (camera, (stage, _)) in &per_camera {
        *by_stage.entry(stage.clone()).or_insert(0) += 1;
        let figures = by_category
            .entry(category[camera].clone())
            .or_insert((0, 0));
        figures.0 += 1;
        if stage == "integrated" {
            figures.1 += 1;
            let t = last_integrated[camera];
            if t > now - WEEK_S && t <= now {
                this_week += 1;
            }
        }
    }
    (by_stage, by_category, this_week)
}

#[test]
fn default_demo_shows_jhansi_figures_and_stats_match_the_history() {
    let dir = Dir::new();
    let db = dir.path("registry.sqlite");
    let out = ok(&dir.run(&db, &["demo", &format!("--now-unix-s={NOW}")]));
    assert_eq!(out.lines().count(), 1, "one-line summary: {out}");
    assert!(
        out.contains("3,200 cameras") && out.contains(" s."),
        "{out}"
    );

    let stats = stats_json(&dir, &db, Some(NOW));
    within(int(&stats, "cameras"), 3_200, 160, "cameras");
    within(int(&stats, "integrated_total"), 2_378, 40, "integrated");
    within(
        int(&stats, "integrated_last_7_days"),
        748,
        30,
        "integrated in the last 7 days",
    );
    assert!(int(&stats, "sites") > 0);
    assert_eq!(stats["is_demo"], Value::Bool(true));

    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };

    // Every owner category; the police's black spots, toll plazas and the jail as priority places.
    for category in [
        "government_office",
        "hotel",
        "coaching_school",
        "hospital_clinic",
        "industrial_unit",
        "commercial",
        "public_place",
        "toll_plaza",
        "jail",
        "police",
    ] {
        let n = q(&format!(
            "SELECT count(*) FROM site WHERE owner_category = '{category}'"
        ));
        assert!(n > 0, "no {category} site");
        assert!(
            stats["by_category"][category]["cameras"].as_i64().unwrap() > 0,
            "{category}"
        );
    }
    assert!(q("SELECT count(*) FROM site WHERE priority = 'black_spot'") >= 38);
    assert!(
        q(
            "SELECT count(*) FROM site WHERE priority = 'toll_plaza' AND owner_category = 'toll_plaza'"
        ) >= 2
    );
    assert_eq!(
        q("SELECT count(*) FROM site WHERE priority = 'jail' AND owner_category = 'jail'"),
        1
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM site WHERE notes NOT LIKE 'DEMO DATA — invented for demonstration%'"
        ),
        0
    );
    assert!(
        q("SELECT count(*) FROM site WHERE name_hi GLOB '*[क-ह]*'") > 1_000,
        "Hindi names"
    );

    // Every stream and snapshot URL (and NVR) on the loopback network.
    let mut stmt = conn
        .prepare("SELECT stream_url, snapshot_url, nvr_host FROM camera")
        .unwrap();
    let rows: Vec<(Option<String>, Option<String>, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut urls = 0;
    for (stream, snapshot, nvr) in &rows {
        for u in [stream, snapshot].into_iter().flatten() {
            let url = url::Url::parse(u).unwrap_or_else(|e| panic!("{u}: {e}"));
            let host: Ipv4Addr = url
                .host_str()
                .and_then(|h| h.parse().ok())
                .unwrap_or_else(|| panic!("{u}: host is not an IPv4 address"));
            assert!(host.is_loopback(), "{u}");
            urls += 1;
        }
        if let Some(nvr) = nvr {
            assert!(
                nvr.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback()),
                "{nvr}"
            );
        }
    }
    assert!(urls > 3_000, "{urls} URLs");

    // Blocked cameras say why ('other' always in words); rejected cameras are the private-area ones.
    assert!(q("SELECT count(*) FROM camera WHERE stage = 'blocked'") >= 100);
    assert_eq!(
        q("SELECT count(*) FROM camera WHERE stage = 'blocked' AND block_reason IS NULL"),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM camera c WHERE stage = 'blocked' AND NOT EXISTS (
             SELECT 1 FROM stage_event e WHERE e.camera_id = c.id AND e.to_stage = 'blocked'
               AND e.block_reason = c.block_reason
               AND e.id = (SELECT max(id) FROM stage_event WHERE camera_id = c.id))"
        ),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM stage_event WHERE to_stage = 'blocked' AND block_reason = 'other' AND trim(note) = ''"
        ),
        0
    );
    assert!(q("SELECT count(*) FROM camera WHERE stage = 'rejected'") > 0);
    assert_eq!(
        q(
            "SELECT count(*) FROM camera WHERE stage = 'rejected' AND area_watched NOT IN ('room', 'ward', 'classroom', 'cabin')"
        ),
        0
    );

    // The figures equal a recount of the stage history.
    let (by_stage, by_category, this_week) = recount(&conn, NOW);
    assert_eq!(int(&stats, "cameras"), q("SELECT count(*) FROM camera"));
    assert_eq!(int(&stats, "sites"), q("SELECT count(*) FROM site"));
    for (stage, n) in stats["by_stage"].as_object().unwrap() {
        assert_eq!(
            n.as_i64().unwrap(),
            by_stage.get(stage).copied().unwrap_or(0),
            "{stage}"
        );
    }
    assert_eq!(by_stage.values().sum::<i64>(), int(&stats, "cameras"));
    for (category, figures) in stats["by_category"].as_object().unwrap() {
        let (cameras, integrated) = by_category.get(category).copied().unwrap_or((0, 0));
        assert_eq!(figures["cameras"].as_i64().unwrap(), cameras, "{category}");
        assert_eq!(
            figures["integrated"].as_i64().unwrap(),
            integrated,
            "{category}"
        );
    }
    assert_eq!(int(&stats, "integrated_total"), by_stage["integrated"]);
    assert_eq!(int(&stats, "integrated_last_7_days"), this_week);

    // The table names stages and categories in words, and says it is demo data.
    let table = ok(&dir.run(&db, &["stats", &format!("--now-unix-s={NOW}")]));
    for words in [
        "(demo registry)",
        "Integrated: 2,378",
        "Coaching institute / school",
        "Owner contacted",
        "Toll plaza",
    ] {
        assert!(table.contains(words), "{words:?} missing in:\n{table}");
    }
}

#[test]
fn a_big_demo_runs_and_counts_this_week_from_the_clock() {
    let dir = Dir::new();
    let db = dir.path("big.sqlite");
    ok(&dir.run(&db, &["demo", "--cameras", "20000", "--seed", "7"]));
    let stats = stats_json(&dir, &db, None);
    assert_eq!(int(&stats, "cameras"), 20_000);
    within(
        int(&stats, "integrated_total"),
        20_000 * 2_378 / 3_200,
        40,
        "integrated",
    );
    within(
        int(&stats, "integrated_last_7_days"),
        20_000 * 748 / 3_200,
        30,
        "this week",
    );
    within(int(&stats, "sites"), 8_000, 400, "sites");
}

#[test]
fn a_demo_from_the_command_line_has_a_week_of_probes_so_its_figures_look_like_a_working_city() {
    let dir = Dir::new();
    let db = dir.path("registry.sqlite");
    let now = format!("--now-unix-s={NOW}");
    ok(&dir.run(&db, &["demo", &now]));
    let report: Value =
        serde_json::from_str(&ok(&dir.run(&db, &["report", "weekly", "--json", &now])))
            .expect("weekly JSON");
    // Probed for the week: the integrated cameras' uptime is there, and most of them are working.
    let uptime = report["uptime_pct_integrated"].as_f64().expect("an uptime");
    assert!((80.0..99.0).contains(&uptime), "uptime {uptime}");
    assert!(
        int(&report, "cameras_probed") > 2_000,
        "{}",
        report["cameras_probed"]
    );
    // Gaps are the places without a working camera, not every place the demo has (51).
    let gaps = int(&report, "gaps");
    assert!(gaps < 20, "{gaps} gaps");

    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    // Only the cameras the prober looks after have health, every one of them has, and nothing is probed after now.
    assert_eq!(
        q(
            "SELECT count(*) FROM camera_health h JOIN camera c ON c.id = h.camera_id
           WHERE c.stage NOT IN ('configured', 'integrated')"
        ),
        0
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM camera c LEFT JOIN camera_health h ON h.camera_id = c.id
           WHERE c.stage = 'integrated' AND h.camera_id IS NULL"
        ),
        0
    );
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM health_run WHERE to_unix_s > {NOW} OR from_unix_s < {NOW} - 8 * 86400"
        )),
        0
    );
    // A few cameras are down now, as in any city.
    let down = q("SELECT count(*) FROM camera_health WHERE state <> 'online'");
    let all = q("SELECT count(*) FROM camera_health");
    assert!(down > 0 && down * 5 < all, "{down} of {all} down");
}

/// Runs `args` on a copy of a bad file: exit code 2, one line on stderr naming the file, bytes unchanged.
fn refuses(dir: &Dir, db: &Path, args: &[&str], why: &str) -> String {
    refuses_as(None, dir, db, args, why)
}

fn refuses_as(prefix: Option<&[&str]>, dir: &Dir, db: &Path, args: &[&str], why: &str) -> String {
    let before = std::fs::read(db).ok();
    let output = run_as(prefix, dir, db, args);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?} on {why}: stderr {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(&db.display().to_string()),
        "names the file: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read(db).ok(),
        before,
        "{args:?} changed the {why} file"
    );
    stderr
}

#[test]
fn bad_registry_files_are_refused_unchanged() {
    let dir = Dir::new();

    let not_sqlite = dir.path("notes.txt");
    std::fs::write(&not_sqlite, "Ward 12 Sipri Bazar: 14 cameras\n").unwrap();
    for args in [&["demo"][..], &["stats"]] {
        let e = refuses(&dir, &not_sqlite, args, "text");
        assert!(e.contains("not an iccc-desk registry"), "{e}");
    }

    let corrupt = dir.path("corrupt.sqlite");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/mbtiles/node-mbtiles_corrupt.mbtiles"
        ),
        &corrupt,
    )
    .unwrap();
    for args in [&["demo"][..], &["stats"], &["stats", "--json"]] {
        let e = refuses(&dir, &corrupt, args, "corrupt");
        assert!(e.contains("malformed"), "{e}");
    }

    let tiles = dir.path("tiles.mbtiles");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/mbtiles/node-mbtiles_plain_1.mbtiles"
        ),
        &tiles,
    )
    .unwrap();
    for args in [&["demo"][..], &["stats"]] {
        let e = refuses(&dir, &tiles, args, "other SQLite");
        assert!(
            e.contains("not an iccc-desk registry") && e.contains("other tables"),
            "{e}"
        );
    }

    let newer = dir.path("newer.sqlite");
    {
        let conn = rusqlite::Connection::open(&newer).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    for args in [&["demo"][..], &["stats"]] {
        let e = refuses(&dir, &newer, args, "newer");
        assert!(e.contains("newer"), "{e}");
    }

    let missing = dir.path("missing.sqlite");
    refuses(&dir, &missing, &["stats"], "missing");
    assert!(!missing.exists(), "stats must not create a registry");

    // A registry that already holds sites takes no demo data.
    let full = dir.path("full.sqlite");
    ok(&dir.run(&full, &["demo", "--cameras", "100"]));
    let e = refuses(&dir, &full, &["demo"], "non-empty");
    assert!(e.contains("already holds"), "{e}");
    // A bad size is clap's usage error (also exit code 2) and writes nothing.
    let fresh = dir.path("fresh.sqlite");
    let output = dir.run(&fresh, &["demo", "--cameras", "500001"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!fresh.exists());
}

#[test]
fn a_read_only_registry_is_refused_for_the_demo_and_read_for_stats() {
    let dir = Dir::new();
    let empty = dir.path("read-only.sqlite");
    drop(
        iccc_desk::store::Store::open(
            &empty,
            &iccc_desk::store::OpenOptions {
                key_dir: dir.keys(),
            },
        )
        .unwrap(),
    );
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o444)).unwrap();
    // root writes to read-only files anyway: run as "nobody" then, with a directory it can use.
    let writable_anyway = std::fs::OpenOptions::new().write(true).open(&empty).is_ok();
    let nobody: &[&str] = &[
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ];
    let prefix = if writable_anyway {
        if Command::new("setpriv").arg("--version").output().is_err() {
            eprintln!("skipped: running as root and setpriv is missing");
            return;
        }
        std::fs::set_permissions(dir.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        Some(nobody)
    } else {
        None
    };
    let e = refuses_as(prefix, &dir, &empty, &["demo"], "read-only");
    assert!(e.contains("read-only"), "{e}");
    // Reading needs no write access to the file.
    let before = std::fs::read(&empty).unwrap();
    let output = run_as(prefix, &dir, &empty, &["stats", "--json"]);
    let stats: Value = serde_json::from_str(&ok(&output)).unwrap();
    assert_eq!(int(&stats, "cameras"), 0);
    assert_eq!(std::fs::read(&empty).unwrap(), before);
}
