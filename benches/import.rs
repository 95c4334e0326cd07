//! Figures for bulk import (run: `cargo bench --profile dev --bench import`; `-- --rows N` to change the size).
//!
//! Writes a CSV of 200,000 cameras at 100,000 Jhansi sites (two cameras per site; id, site, category, camera,
//! area, direction, latitude, longitude, loopback stream address, phone, ward), then in the same run:
//! 1. imports it as the desk does — read, dry run (every rule, duplicates against the registry), commit in one
//!    transaction with its audit entry — into a fresh registry;
//! 2. inserts the same rows, already parsed in memory, into another fresh registry of the same schema with plain
//!    prepared statements in one transaction (a site row, a camera row, the schema's stage-event trigger);
//!
//! and prints rows per second of each and their ratio (the goal: the import at least half the plain rate).
//! Speed is printed, never asserted.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use iccc_desk::i18n::{I18n, Lang};
use iccc_desk::services::exchange::import::plan::ImportSettings;
use iccc_desk::services::exchange::import::{commit::commit, dry_run, read_file};
use iccc_desk::store::{Actor, OpenOptions, Store};

const CATEGORIES: [&str; 6] = [
    "hotel",
    "coaching_school",
    "hospital_clinic",
    "commercial",
    "government_office",
    "industrial_unit",
];
const AREAS: [&str; 5] = ["entrance", "gate", "parking", "lobby", "road_frontage"];

struct Row {
    id: String,
    site: String,
    category: &'static str,
    camera: String,
    area: &'static str,
    bearing_deg: f64,
    lat_deg: f64,
    lon_deg: f64,
    stream_url: String,
    phone: String,
    ward: String,
}

fn rows(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| {
            let site = i / 2;
            Row {
                id: format!("JHS-{i:06}"),
                site: format!("Premises {site}"),
                category: CATEGORIES[site % CATEGORIES.len()],
                camera: if i % 2 == 0 { "Main gate" } else { "Parking" }.to_string(),
                area: AREAS[i % AREAS.len()],
                bearing_deg: (i * 37 % 360) as f64,
                lat_deg: 25.40 + (site % 500) as f64 * 0.0002 + (i % 2) as f64 * 0.00001,
                lon_deg: 78.51 + (site / 500) as f64 * 0.0006,
                stream_url: format!(
                    "rtsp://127.{}.{}.{}:554/ch1",
                    (i >> 16) & 0xff,
                    (i >> 8) & 0xff,
                    i & 0xff
                ),
                phone: format!("+9198{:08}", site),
                ward: format!("Ward {}", site % 60 + 1),
            }
        })
        .collect()
}

fn write_csv(rows: &[Row], path: &Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        out,
        "camera_id,site,category,camera,area,direction,lat,lon,stream_url,phone,ward"
    )
    .unwrap();
    for r in rows {
        writeln!(
            out,
            "{},{},{},{},{},{},{:.6},{:.6},{},{},{}",
            r.id,
            r.site,
            r.category,
            r.camera,
            r.area,
            r.bearing_deg,
            r.lat_deg,
            r.lon_deg,
            r.stream_url,
            r.phone,
            r.ward
        )
        .unwrap();
    }
}

fn fresh(dir: &Path, name: &str) -> Store {
    Store::open(
        &dir.join(name),
        &OpenOptions {
            key_dir: dir.join("keys"),
        },
    )
    .unwrap()
}

/// The baseline: the same rows, parsed already, straight into the schema with prepared statements.
fn plain_insert(store: &mut Store, rows: &[Row]) -> f64 {
    let started = Instant::now();
    let conn = store.conn_for_tests();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    {
        let mut site_stmt = conn
            .prepare(
                "INSERT INTO site (name_en, owner_category, phone, ward, lat_deg, lon_deg, updated_by,
                   updated_unix_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'bench', 0)",
            )
            .unwrap();
        let mut camera_stmt = conn
            .prepare(
                "INSERT INTO camera (site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, kind,
                   stream_url, updated_by, updated_unix_s)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'ip', ?7, 'bench', 0)",
            )
            .unwrap();
        let mut site_id = 0;
        for (i, r) in rows.iter().enumerate() {
            if i % 2 == 0 {
                site_stmt
                    .execute(rusqlite::params![
                        r.site, r.category, r.phone, r.ward, r.lat_deg, r.lon_deg
                    ])
                    .unwrap();
                site_id = conn.last_insert_rowid();
            }
            camera_stmt
                .execute(rusqlite::params![
                    site_id,
                    r.camera,
                    r.area,
                    r.lat_deg,
                    r.lon_deg,
                    r.bearing_deg,
                    r.stream_url
                ])
                .unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    started.elapsed().as_secs_f64()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000usize);
    let dir = tempfile::tempdir().unwrap();
    let data = rows(n);
    let csv = dir.path().join("cameras.csv");
    write_csv(&data, &csv);
    let size_mb = std::fs::metadata(&csv).unwrap().len() as f64 / 1e6;
    println!("import benchmark: {n} rows, {size_mb:.1} MB CSV, two cameras per site");

    // 1. The desk's import.
    let mut store = fresh(dir.path(), "import.sqlite");
    let i18n = I18n::new(Lang::En);
    let started = Instant::now();
    let table = read_file(&csv, None, None).unwrap();
    let read_s = started.elapsed().as_secs_f64();
    let settings = ImportSettings::guessed(&table.headers);
    let t = Instant::now();
    let checked = dry_run(&store, &table, &settings, &i18n).unwrap();
    let plan_s = t.elapsed().as_secs_f64();
    assert_eq!(
        checked.plan.counts.added,
        n,
        "{:?}",
        checked.plan.refusals.first()
    );
    let actor = Actor {
        user: "bench".into(),
        now_unix_s: 1_795_564_800,
    };
    let t = Instant::now();
    let written = commit(
        &mut store,
        &actor,
        &checked.plan,
        "cameras.csv",
        checked.revision,
        &mut |_| true,
    )
    .unwrap();
    let commit_s = t.elapsed().as_secs_f64();
    let import_s = started.elapsed().as_secs_f64();
    drop(checked);
    drop(table);
    println!(
        "import (read {read_s:.2} s, dry run {plan_s:.2} s, write {commit_s:.2} s): {import_s:.2} s, {:.0} rows/s — {} sites, {} cameras",
        n as f64 / import_s,
        written.sites,
        written.cameras_added
    );

    // 2. The plain insert of the same rows.
    let mut plain = fresh(dir.path(), "plain.sqlite");
    let plain_s = plain_insert(&mut plain, &data);
    println!(
        "plain prepared-statement insert of the same rows: {plain_s:.2} s, {:.0} rows/s",
        n as f64 / plain_s
    );
    println!(
        "import rate / plain rate: {:.0} % (goal: at least 50 %)",
        100.0 * plain_s / import_s
    );
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory of the benchmark process: {mb:.0} MB");
    }
}
