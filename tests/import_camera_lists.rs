//! The operator imports camera lists as others hand them over, from the command line (`iccc-desk import`): a
//! council's CCTV register as CSV and as GeoJSON, an OpenStreetMap Overpass extract, and a police station's
//! spreadsheet-made CSV with Hindi headers and every kind of bad row. Each run reports what is added, updated,
//! skipped and refused (row, field, reason); a dry run writes nothing; the good rows land in one transaction with
//! one audit entry; passwords are stored encrypted and never echoed.
//!
//! Real public files from ../shared/data/cameras:
//! - `trafford_trafford_cctv_cameras.csv` / `.geojson`: Trafford Council CCTV register, traffordDataLab
//!   council_open_data, Open Government Licence v3.0.
//! - `switzerland_osm_surveillance_overpass.json`: © OpenStreetMap contributors, ODbL 1.0 (Overpass output
//!   from sarangof/Security_cameras_Geneva).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use rusqlite::Connection;
use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/cameras")
        .join(name)
}

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

    fn db(&self) -> PathBuf {
        self.path("registry.sqlite")
    }

    fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
            .arg("--db")
            .arg(self.db())
            .arg("--key-dir")
            .arg(self.path("keys"))
            .args(args)
            .env_remove("ICCC_DESK_KEY_DIR")
            .env("HOME", self.dir.path())
            .output()
            .expect("run iccc-desk")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: exit {:?}\n{}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).expect("JSON report")
    }

    fn sql(&self) -> Connection {
        Connection::open(self.db()).expect("open registry")
    }

    fn count(&self, sql: &str) -> i64 {
        self.sql().query_row(sql, [], |r| r.get(0)).expect(sql)
    }

    /// Makes the registry serve Trafford (UK) or Switzerland, where the real files' cameras are.
    fn serve(&self, city: &str, country: &str, city_box: &str, country_box: &str) {
        self.ok(&[
            "area",
            "--city",
            city,
            "--country",
            country,
            "--city-box",
            city_box,
            "--country-box",
            country_box,
        ]);
    }
}

fn trafford(dir: &Dir) {
    dir.serve(
        "Trafford",
        "the United Kingdom",
        "53.38,-2.48,53.48,-2.25",
        "49.8,-8.7,60.9,1.8",
    );
}

/// Each camera's (latitude, longitude) by its source id.
fn points_by_source(dir: &Dir) -> HashMap<String, (f64, f64)> {
    let conn = dir.sql();
    let mut stmt = conn
        .prepare(
            "SELECT s.source_ref, c.lat_deg, c.lon_deg FROM camera c
             JOIN camera_source s ON s.camera_id = c.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_trafford_register_imports_whole_and_its_geojson_finds_the_same_cameras() {
    let dir = Dir::new();
    trafford(&dir);
    let csv_path = data("trafford_trafford_cctv_cameras.csv");
    let csv_arg = csv_path.to_str().unwrap();

    // A dry run first: the counts, and nothing written.
    let dry = dir.json(&["import", csv_arg, "--dry-run"]);
    assert_eq!(dry["added"], 163, "{dry}");
    assert_eq!(dry["refused"], 0);
    assert_eq!(dry["committed"], false);
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 0);

    let report = dir.json(&["import", csv_arg]);
    assert_eq!(report["added"], 163);
    assert_eq!(report["refused"], 0);
    assert_eq!(report["refusals"].as_array().unwrap().len(), 0);
    assert_eq!(report["committed"], true);
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 163);
    // Longitude comes before latitude in this file, and a location has commas inside quotes.
    let points = points_by_source(&dir);
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        let (lon, lat): (f64, f64) = (record[4].parse().unwrap(), record[5].parse().unwrap());
        assert_eq!(
            points[&record[0].to_string()],
            (lat, lon),
            "camera {}",
            &record[0]
        );
        rows += 1;
    }
    assert_eq!(rows, 163);
    assert!(
        dir.count("SELECT count(*) FROM camera WHERE label LIKE '%, %'") > 0,
        "a quoted location with a comma stays one label"
    );
    // One audit entry for the import, naming the file.
    assert_eq!(
        dir.count(
            "SELECT count(*) FROM audit WHERE action = 'registry.import'
             AND after_json LIKE '%trafford_trafford_cctv_cameras.csv%'"
        ),
        1
    );

    // The same register as GeoJSON (ids as 1001.0): every camera is found again, nothing is added.
    let geojson = data("trafford_trafford_cctv_cameras.geojson");
    let again = dir.json(&["import", geojson.to_str().unwrap()]);
    assert_eq!(again["added"], 0, "{again}");
    assert_eq!(again["skipped"], 163);
    let skips = again["skips"].as_array().unwrap();
    assert_eq!(skips.len(), 163);
    assert!(
        skips[0]["reason"]
            .as_str()
            .unwrap()
            .contains("the same source id"),
        "{}",
        skips[0]
    );
    // Updating instead finds nothing different.
    let update = dir.json(&["import", geojson.to_str().unwrap(), "--update-duplicates"]);
    assert_eq!(update["unchanged"], 163);
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 163);
}

#[test]
fn the_swiss_osm_extract_imports_every_node_with_directions_and_operators() {
    let dir = Dir::new();
    dir.serve(
        "Zürich",
        "Switzerland",
        "47.32,8.44,47.44,8.63",
        "45.8,5.9,47.9,10.5",
    );
    let path = data("switzerland_osm_surveillance_overpass.json");
    let report = dir.json(&["import", path.to_str().unwrap()]);
    assert_eq!(report["format"], "overpass");
    assert_eq!(report["rows"], 2144);
    assert_eq!(report["added"], 2144, "{}", report["refusals"]);
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 2144);

    let nodes: Vec<Value> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let conn = dir.sql();
    let camera_of = |id: i64| -> (Option<f64>, Option<f64>, i64) {
        conn.query_row(
            "SELECT c.bearing_deg, c.fov_deg, c.site_id FROM camera c
             JOIN camera_source s ON s.camera_id = c.id WHERE s.source_ref = ?1",
            [format!("node/{id}")],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap_or_else(|e| panic!("node {id}: {e}"))
    };
    let mut checked = 0;
    for node in &nodes {
        let id = node["id"].as_i64().unwrap();
        let Some(direction) = node["tags"]["camera:direction"].as_str() else {
            continue;
        };
        let (bearing, fov, _) = camera_of(id);
        let expected = match direction {
            "190-100" => Some((325.0, Some(270.0))),
            "90;160;270" => Some((90.0, None)),
            "180, 270" => Some((180.0, None)),
            "south" => Some((180.0, None)),
            "north" => Some((0.0, None)),
            "NW" => Some((315.0, None)),
            "E" => Some((90.0, None)),
            "SW" => Some((225.0, None)),
            "-140" => Some((220.0, None)),
            _ => None,
        };
        match expected {
            Some((b, f)) => {
                assert_eq!(bearing, Some(b), "node {id} {direction}");
                if f.is_some() {
                    assert_eq!(fov, f, "node {id} {direction}");
                }
                checked += 1;
            }
            None => {
                let deg: f64 = direction.parse().unwrap();
                assert_eq!(
                    bearing,
                    Some(deg.rem_euclid(360.0)),
                    "node {id} {direction}"
                );
            }
        }
    }
    assert!(checked >= 9, "every written form met: {checked}");
    // The notes say what was taken from several directions and a range.
    let notes = report["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n["field"] == "direction"
                && n["reason"].as_str().unwrap().contains("90;160;270"))
    );
    // Operators are kept on the sites.
    let with_operator = nodes
        .iter()
        .filter(|n| n["tags"]["operator"].is_string())
        .count() as i64;
    assert_eq!(with_operator, 195);
    assert_eq!(
        dir.count("SELECT count(*) FROM site WHERE notes LIKE 'Operator: %'"),
        with_operator
    );
}

#[test]
fn every_bad_row_is_refused_with_its_row_field_and_reason() {
    let dir = Dir::new();
    // A police station's list, saved from Excel: BOM, semicolons, Hindi headers, decimal points.
    let text = "\u{feff}क्रमांक;स्थल;कैमरा;श्रेणी;क्षेत्र;दिशा;अक्षांश;देशांतर;password;stream_url\n\
        1;Hotel Raj Palace;Main gate;hotel;gate;N;25.4486;78.5697;;rtsp://127.0.0.9:554/1\n\
        2;Hotel Raj Palace;Room 101;hotel;room;;25.4487;78.5698;;\n\
        3;City Hospital;Entrance;अस्पताल;entrance;up;25.4500;78.5700;Pa55-hidden-99;rtsp://admin:Pa55-in-url-77@127.0.0.9:554/2\n\
        4;Swapped Shop;Front;shop;road;;78.5697;25.4486;;\n\
        5;Grouped;Front;shop;road;;25.448.123;78.5697;;\n\
        6;Zero;Front;shop;road;;0;0;;\n\
        7;Mercator;Front;shop;road;;2930000;8746000;;\n\
        8;Hotel Raj Palace;Main gate again;hotel;gate;;25.4486;78.5697;;rtsp://127.0.0.9:554/1\n";
    let file = dir.path("police-list.csv");
    std::fs::write(&file, text).unwrap();
    let file_arg = file.to_str().unwrap();
    let report = dir.json(&["import", file_arg]);
    // Rows 2-4 and row 9 of the file are added or skipped; rows 5-8 are refused.
    assert_eq!(report["added"], 3, "{report:#}");
    assert_eq!(report["refused"], 4);
    assert_eq!(report["skipped"], 1);
    assert_eq!(report["rejected_private"], 1);
    let refusals = report["refusals"].as_array().unwrap();
    let reason = |row: i64| -> String {
        refusals
            .iter()
            .find(|r| r["row"] == row)
            .map(|r| format!("{} {}", r["field"], r["reason"]))
            .unwrap_or_else(|| panic!("row {row} refused: {refusals:#?}"))
    };
    assert!(reason(5).contains("swapped"), "{}", reason(5));
    assert!(reason(6).contains("thousands grouping"));
    assert!(reason(7).contains("(0, 0)"));
    assert!(reason(8).contains("EPSG:3857"), "{}", reason(8));
    // "up" is refused for the direction only: the camera is imported without a facing.
    assert!(reason(4).starts_with("\"direction\""), "{}", reason(4));
    assert!(
        report["skips"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("row 2"),
        "{}",
        report["skips"][0]
    );
    // The room camera is recorded and rejected at once: it can never be integrated.
    assert_eq!(
        dir.count("SELECT count(*) FROM camera WHERE label = 'Room 101' AND stage = 'rejected'"),
        1
    );
    // Two Hotel Raj Palace cameras share one site.
    assert_eq!(
        dir.count("SELECT count(*) FROM site WHERE name_en = 'Hotel Raj Palace'"),
        1
    );
    assert_eq!(
        dir.count("SELECT count(*) FROM site WHERE owner_category = 'hospital_clinic'"),
        1
    );
    // Passwords (a column, and one inside an address) are sealed, never in the file or the report.
    assert_eq!(
        dir.count("SELECT count(*) FROM camera WHERE password_ct IS NOT NULL"),
        1
    );
    assert_eq!(
        dir.count("SELECT count(*) FROM camera WHERE stream_url LIKE '%@%'"),
        0
    );
    let report_text = report.to_string();
    let registry_bytes = String::from_utf8_lossy(&std::fs::read(dir.db()).unwrap()).into_owned();
    let wal = std::fs::read(dir.path("registry.sqlite-wal")).unwrap_or_default();
    let wal_text = String::from_utf8_lossy(&wal);
    for secret in ["Pa55-hidden-99", "Pa55-in-url-77"] {
        assert!(!report_text.contains(secret));
        assert!(!registry_bytes.contains(secret));
        assert!(!wal_text.contains(secret));
    }

    // The CSV report lists every refusal, skip and note with its row.
    let csv_report = dir.path("report.csv");
    dir.ok(&[
        "import",
        file_arg,
        "--dry-run",
        "--report",
        csv_report.to_str().unwrap(),
    ]);
    let body = std::fs::read_to_string(&csv_report).unwrap();
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| &r[0] == "5" && &r[1] == "refused"));
}

#[test]
fn a_dry_run_writes_nothing_and_an_unreadable_file_is_the_only_failure() {
    let dir = Dir::new();
    dir.ok(&["area", "--city", "Jhansi"]);
    let audit_before = dir.count("SELECT count(*) FROM audit");
    let file = dir.path("list.csv");
    std::fs::write(&file, "name,lat,lon\nGate,25.4486,78.5697\nBad,x,y\n").unwrap();
    let out = dir.run(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(out.status.success(), "refused rows are not a failure");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 added") && text.contains("1 refused"),
        "{text}"
    );
    assert!(text.contains("row 3: latitude:"), "{text}");
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 0);
    assert_eq!(dir.count("SELECT count(*) FROM audit"), audit_before);

    for (name, bytes, says) in [
        ("missing.csv", None, "cannot read"),
        (
            "broken.xlsx",
            Some(b"PK\x03\x04 not a zip".as_slice()),
            "spreadsheet",
        ),
        (
            "not-points.geojson",
            Some(br#"{"type":"Feature"}"#.as_slice()),
            "FeatureCollection",
        ),
        ("empty.csv", Some(b"".as_slice()), "empty"),
    ] {
        let path = dir.path(name);
        if let Some(bytes) = bytes {
            std::fs::write(&path, bytes).unwrap();
        }
        let out = dir.run(&["import", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{name}: {err}");
    }
}

#[test]
fn a_mapping_saved_as_a_profile_reads_the_next_file_in_another_order() {
    let dir = Dir::new();
    let first = dir.path("first.csv");
    std::fs::write(&first, "x,y,naam\n78.5697,25.4486,Gate A\n").unwrap();
    // "x" and "y" would be guessed as longitude and latitude anyway; map them by hand to prove --map works.
    let report = dir.json(&[
        "import",
        first.to_str().unwrap(),
        "--map",
        "x=longitude",
        "--map",
        "y=latitude",
        "--map",
        "naam=label",
        "--save-profile",
        "Police list",
    ]);
    assert_eq!(report["added"], 1, "{report}");
    let second = dir.path("second.csv");
    std::fs::write(&second, "naam,extra,Y,X\nGate B,?,25.4490,78.5700\n").unwrap();
    let report = dir.json(&[
        "import",
        second.to_str().unwrap(),
        "--profile",
        "police list",
    ]);
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(
        dir.count("SELECT count(*) FROM camera WHERE label = 'Gate B' AND lat_deg = 25.449"),
        1
    );
    assert_eq!(
        dir.count("SELECT count(*) FROM audit WHERE action = 'import.profile'"),
        1
    );
    let out = dir.run(&["import", second.to_str().unwrap(), "--profile", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_excel_sheet_with_hindi_headers_imports_past_its_cover_sheet() {
    let dir = Dir::new();
    let path = dir.path("thana-list.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Prepared by Sipri Bazar thana")
        .unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Cameras").unwrap();
    for (c, h) in ["क्रमांक", "स्थल", "कैमरा", "अक्षांश", "देशांतर", "दिशा"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 101.0).unwrap();
    sheet.write_string(1, 1, "होटल सीता").unwrap();
    sheet.write_string(1, 2, "Main gate").unwrap();
    sheet.write_number(1, 3, 25.4512).unwrap();
    sheet.write_number(1, 4, 78.5731).unwrap();
    sheet.write_string(1, 5, "NE").unwrap();
    book.save(&path).unwrap();

    // The first sheet is only a note: the first sheet with rows is read.
    // A dry run looks into an existing registry; it never makes one.
    dir.ok(&["area", "--city", "Jhansi"]);
    let dry = dir.json(&["import", path.to_str().unwrap(), "--dry-run"]);
    assert_eq!(dry["added"], 1, "{dry}");
    assert_eq!(dry["file_notes"][0], "sheet Cameras");
    // A sheet named that is not there is the file's problem: exit code 2.
    let out = dir.run(&["import", path.to_str().unwrap(), "--sheet", "Kameras"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no sheet named \"Kameras\""));
    let report = dir.json(&["import", path.to_str().unwrap(), "--sheet", "cameras"]);
    assert_eq!(report["format"], "spreadsheet");
    assert_eq!(report["added"], 1, "{report}");
    assert_eq!(
        dir.count(
            "SELECT count(*) FROM camera c JOIN site s ON s.id = c.site_id
             WHERE s.name_en = 'होटल सीता' AND c.bearing_deg = 45 AND c.lat_deg = 25.4512"
        ),
        1
    );
    assert_eq!(
        dir.count("SELECT count(*) FROM camera_source WHERE source_ref = '101'"),
        1
    );
}

#[test]
fn an_unknown_or_private_sounding_area_is_never_taken_for_a_public_place() {
    let dir = Dir::new();
    let csv = dir.path("police-list.csv");
    std::fs::write(
        &csv,
        "site,camera,latitude,longitude,stream,area watched\n\
         Hotel Raj Palace,Cam 1,25.4486,78.5696,rtsp://127.40.0.1/1,Room 101\n\
         Hotel Raj Palace,Cam 2,25.4487,78.5697,rtsp://127.40.0.2/1,Toilet block\n\
         Hotel Raj Palace,Cam 3,25.4488,78.5698,rtsp://127.40.0.3/1,\n\
         Hotel Raj Palace,Cam 4,25.4489,78.5699,rtsp://127.40.0.4/1,Main gate\n\
         Hotel Raj Palace,Cam 5,25.4490,78.5700,rtsp://127.40.0.5/1,कमरा 2\n\
         Hotel Raj Palace,Cam 6,25.4491,78.5701,rtsp://127.40.0.6/1,xyz\n\
         Hotel Raj Palace,Cam 7,25.4492,78.5702,rtsp://127.40.0.7/1,changing room\n",
    )
    .unwrap();
    let report = dir.json(&["import", csv.to_str().unwrap()]);
    assert_eq!(report["added"], 7, "{report:#}");
    let conn = dir.sql();
    let mut stmt = conn
        .prepare("SELECT label, area_watched, stage FROM camera ORDER BY label")
        .unwrap();
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = [
        ("Cam 1", "room", "rejected"),
        ("Cam 2", "room", "rejected"),
        ("Cam 3", "not_yet_known", "surveyed"),
        ("Cam 4", "gate", "surveyed"),
        ("Cam 5", "room", "rejected"),
        ("Cam 6", "not_yet_known", "surveyed"),
        ("Cam 7", "room", "rejected"),
    ];
    assert_eq!(
        rows,
        expected.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())),
    );
    drop(stmt);
    drop(conn);

    // A camera whose area is not yet known goes as far as the owner's consent, and no further, until a person
    // sets what it watches.
    use iccc_desk::model::{AreaWatched, IntegrationStage as S, StageChange, StageError};
    use iccc_desk::store::{Actor, OpenOptions, PasswordEdit, Store, StoreError};
    let mut store = Store::open(
        &dir.db(),
        &OpenOptions {
            key_dir: dir.path("keys"),
        },
    )
    .unwrap();
    let actor = Actor {
        user: "operator".into(),
        now_unix_s: iccc_desk::store::now_unix_s() + 60,
    };
    let snapshot = store.load_snapshot().unwrap();
    let cam3 = snapshot
        .cameras
        .iter()
        .find(|c| c.camera.label == "Cam 3")
        .unwrap()
        .clone();
    let to = |stage| StageChange {
        to: stage,
        reason: None,
        note: String::new(),
    };
    let mut version = cam3.row_version;
    for stage in [S::OwnerContacted, S::ConsentGiven] {
        version = store
            .change_stage(&actor, cam3.id, version, &to(stage))
            .unwrap()
            .row_version;
    }
    let err = store
        .change_stage(&actor, cam3.id, version, &to(S::Configured))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Stage(StageError::AreaNotKnown(S::Configured))
        ),
        "{err:?}"
    );
    let mut known = cam3.camera.clone();
    known.area_watched = AreaWatched::Lobby;
    version = store
        .update_camera(&actor, cam3.id, version, &known, &PasswordEdit::Keep)
        .unwrap()
        .row_version;
    store
        .change_stage(&actor, cam3.id, version, &to(S::Configured))
        .unwrap();
    drop(store);

    // A later list that does not recognise Cam 4's area never erases the gate a person set.
    let again = dir.path("police-list-2.csv");
    std::fs::write(
        &again,
        "site,camera,latitude,longitude,stream,area watched\n\
         Hotel Raj Palace,Cam 4,25.4489,78.5699,rtsp://127.40.0.4/1,???\n",
    )
    .unwrap();
    dir.ok(&["import", again.to_str().unwrap(), "--update-duplicates"]);
    assert_eq!(
        dir.count("SELECT count(*) FROM camera WHERE label = 'Cam 4' AND area_watched = 'gate'"),
        1
    );
}

#[test]
fn an_update_that_moves_a_camera_to_another_host_drops_its_stored_password() {
    let dir = Dir::new();
    let first = dir.path("first.csv");
    std::fs::write(
        &first,
        "camera_id,site,camera,lat,lon,password,stream_url,snapshot_url\n\
         C-1,Hotel Raj Palace,Main gate,25.4486,78.5697,Old-Host-Pass-31,rtsp://127.0.0.9:554/1,http://127.0.0.9/snap.jpg\n\
         C-2,Hotel Raj Palace,Back gate,25.4487,78.5698,Same-Host-Pass-32,rtsp://127.0.0.9:554/2,\n",
    )
    .unwrap();
    let report = dir.json(&["import", first.to_str().unwrap()]);
    assert_eq!(report["added"], 2, "{report:#}");
    assert_eq!(
        dir.count("SELECT count(*) FROM camera WHERE password_ct IS NOT NULL"),
        2
    );
    // The same source ids, no password: C-1's snapshot now points at another host, C-2 only changes path.
    let second = dir.path("second.csv");
    std::fs::write(
        &second,
        "camera_id,site,camera,lat,lon,stream_url,snapshot_url\n\
         C-1,Hotel Raj Palace,Main gate,25.4486,78.5697,rtsp://127.0.0.9:554/1,http://127.0.0.77:8080/snap.jpg\n\
         C-2,Hotel Raj Palace,Back gate,25.4487,78.5698,rtsp://127.0.0.9:554/2b,\n",
    )
    .unwrap();
    let update = dir.json(&["import", second.to_str().unwrap(), "--update-duplicates"]);
    assert_eq!(update["updated"], 2, "{update:#}");
    let note = update["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["row"] == 2)
        .unwrap_or_else(|| panic!("a note for row 2: {update:#}"));
    assert_eq!(note["field"], "snapshot_url", "{note}");
    let reason = note["reason"].as_str().unwrap().to_lowercase();
    assert!(
        reason.contains("credential dropped because the host changed from http://127.0.0.9:80")
            && reason.contains("to http://127.0.0.77:8080"),
        "{reason}"
    );
    assert!(
        !update.to_string().contains("Pass-3"),
        "no password in the report"
    );
    assert_eq!(
        update["notes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["row"] == 3)
            .count(),
        0,
        "same host: the password stays"
    );
    // In the registry file: the moved camera has no sealed password, the other keeps its own.
    let sealed = |label: &str| -> Option<Vec<u8>> {
        dir.sql()
            .query_row(
                "SELECT password_ct FROM camera WHERE label = ?1",
                [label],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(sealed("Main gate"), None);
    assert!(sealed("Back gate").is_some());
}

#[test]
fn a_device_or_named_pipe_is_refused_before_it_is_read() {
    let dir = Dir::new();
    let fifo = dir.path("cameras.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for path in [fifo.to_str().unwrap(), "/dev/zero"] {
        let out = dir.run(&["import", path, "--dry-run"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(
            err.contains(path) && err.contains("not a plain file"),
            "{path}: {err}"
        );
    }
}

#[test]
fn control_characters_from_a_file_reach_the_terminal_escaped() {
    let dir = Dir::new();
    let file = dir.path("hostile.csv");
    // A latitude that clears the screen, rings the bell and rewrites the line; a direction with a CR.
    std::fs::write(
        &file,
        "site,camera,lat,lon,direction\n\
         Gate,Main,\u{1b}[2J\u{7}25.44,78.56,\n\
         Gate,Back,25.4486,78.5697,\"N\rrow 9: all fine\u{9b}\"\n",
    )
    .unwrap();
    // A dry run looks into an existing registry; it never makes one.
    dir.ok(&["area", "--city", "Jhansi"]);
    let out = dir.run(&["import", file.to_str().unwrap(), "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for c in ['\u{1b}', '\u{7}', '\r', '\u{9b}'] {
        assert!(
            !stdout.contains(c),
            "{c:?} reached the terminal: {stdout:?}"
        );
    }
    assert!(stdout.contains("\\u001b[2J\\u0007"), "{stdout}");
    assert!(stdout.contains("\\u000drow 9"), "{stdout}");
}

#[test]
fn an_import_with_progress_completes_when_stderr_is_closed_or_broken() {
    let dir = Dir::new();
    let file = dir.path("list.csv");
    let mut text = String::from("site,camera,lat,lon\n");
    for i in 0..50 {
        text.push_str(&format!("Site {i},Gate,25.44{i:02},78.56{i:02}\n"));
    }
    std::fs::write(&file, text).unwrap();
    let command = |shell: &str| {
        let mut c = std::process::Command::new("sh");
        c.arg("-c")
            .arg(shell)
            .arg(env!("CARGO_BIN_EXE_iccc-desk"))
            .arg("--db")
            .arg(dir.db())
            .arg("--key-dir")
            .arg(dir.path("keys"))
            .args(["import", file.to_str().unwrap(), "--progress"])
            .env_remove("ICCC_DESK_KEY_DIR")
            .env("HOME", dir.dir.path());
        c
    };
    // stderr a pipe whose reader has gone: every progress write fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = command("exec \"$0\" \"$@\"")
        .stderr(writer)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 50);
    // stderr closed (`2>&-`): nothing written where the registry could be.
    std::fs::write(&file, "site,camera,lat,lon\nOther,Gate,25.4600,78.5800\n").unwrap();
    let out = command("exec \"$0\" \"$@\" 2>&-").output().unwrap();
    assert!(out.status.success(), "exit {:?}", out.status.code());
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 51);
    let check: String = dir
        .sql()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

/// A city's published camera list as many governments publish it: UTM zone 17N metres in `X`/`Y` beside WGS 84
/// degrees in `Latitude`/`Longitude`; some rows have no projected point (`X` = `Y` = 0) but their degrees.
const TORONTO_LIST: &str = "ID,Street,Cross street,X,Y,Latitude,Longitude\n\
    TO-1,Yonge St,Dundas St,630402.7,4834636.9,43.6561,-79.3802\n\
    TO-2,Bay St,Queen St W,630166.1,4834232.4,43.6525,-79.3832\n\
    TO-3,King St W,Spadina Ave,0,0,43.6456,-79.3950\n\
    TO-4,Bloor St W,Avenue Rd,0,0,43.6697,-79.3942\n\
    TO-5,Front St W,University Ave,630003.4,4833562.0,43.6455,-79.3849\n";

/// Makes the registry serve Toronto (near 79° W, UTM zone 17N).
fn toronto(dir: &Dir) {
    dir.serve(
        "Toronto",
        "Canada",
        "43.58,-79.64,43.86,-79.11",
        "41.6,-141.1,83.2,-52.6",
    );
}

#[test]
fn a_list_with_projected_x_y_beside_latitude_longitude_imports_from_the_degrees() {
    let dir = Dir::new();
    toronto(&dir);
    let file = dir.path("toronto-cameras.csv");
    std::fs::write(&file, TORONTO_LIST).unwrap();
    let report = dir.json(&["import", file.to_str().unwrap()]);
    assert_eq!(report["added"], 5, "{report:#}");
    assert_eq!(report["refused"], 0, "{report:#}");
    let points = points_by_source(&dir);
    // The rows whose X/Y are 0 come from their degrees too.
    // Source ids are stored as compared: lower-case.
    assert_eq!(points["to-3"], (43.6456, -79.3950));
    assert_eq!(points["to-1"], (43.6561, -79.3802));
    // The file notes say which columns gave the point, and why X/Y were passed over.
    let notes: Vec<&str> = report["file_notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Latitude") && n.contains("Longitude") && n.contains("read from")),
        "{notes:?}"
    );
    let passed = notes
        .iter()
        .find(|n| n.contains("Passed over") && n.contains("X") && n.contains("Y"))
        .unwrap_or_else(|| panic!("{notes:?}"));
    assert!(
        passed.contains("zone 17N") && passed.contains("EPSG:32617"),
        "{passed}"
    );
}

#[test]
fn x_y_mapped_by_hand_win_and_their_metres_name_the_service_areas_zone() {
    let dir = Dir::new();
    toronto(&dir);
    let file = dir.path("toronto-cameras.csv");
    std::fs::write(&file, TORONTO_LIST).unwrap();
    // The operator's own mapping is obeyed, even where the guess would have chosen better.
    let report = dir.json(&[
        "import",
        file.to_str().unwrap(),
        "--dry-run",
        "--map",
        "X=longitude",
        "--map",
        "Y=latitude",
    ]);
    assert_eq!(report["added"], 0, "{report:#}");
    assert_eq!(report["refused"], 5, "{report:#}");
    let refusals = report["refusals"].as_array().unwrap();
    let reason = |row: i64| -> String {
        refusals
            .iter()
            .find(|r| r["row"] == row)
            .and_then(|r| r["reason"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    // Toronto's zone, not Jhansi's.
    assert!(
        reason(2).contains("zone 17N") && reason(2).contains("EPSG:32617"),
        "{}",
        reason(2)
    );
    assert!(!reason(2).contains("44N"), "{}", reason(2));
    assert!(reason(4).contains("(0, 0)"), "{}", reason(4));

    // A list with only X/Y metres: refused with the same zone.
    let only_xy = dir.path("only-xy.csv");
    std::fs::write(&only_xy, "ID,X,Y\nTO-9,630402.7,4834636.9\n").unwrap();
    let report = dir.json(&["import", only_xy.to_str().unwrap(), "--dry-run"]);
    assert_eq!(report["refused"], 1, "{report:#}");
    let why = report["refusals"][0]["reason"].as_str().unwrap();
    assert!(why.contains("EPSG:32617"), "{why}");
}

#[test]
fn the_services_choose_latitude_longitude_over_projected_x_y() {
    use iccc_desk::i18n::{I18n, Lang};
    use iccc_desk::model::{LatLonBox, ServiceArea};
    use iccc_desk::services::exchange::import::{self, plan::RowAction};
    use iccc_desk::store::{Actor, OpenOptions, Store};

    let dir = Dir::new();
    let mut store = Store::open(
        &dir.db(),
        &OpenOptions {
            key_dir: dir.path("keys"),
        },
    )
    .unwrap();
    let actor = Actor {
        user: "test".into(),
        now_unix_s: 1_780_000_000,
    };
    let area = ServiceArea {
        city: "Toronto".into(),
        country: "Canada".into(),
        city_box: LatLonBox::parse("43.58,-79.64,43.86,-79.11").unwrap(),
        country_box: LatLonBox::parse("41.6,-141.1,83.2,-52.6").unwrap(),
    };
    store.set_service_area(&actor, &area).unwrap();
    let file = dir.path("toronto-cameras.csv");
    std::fs::write(&file, TORONTO_LIST).unwrap();
    let table = import::read_file(&file, None, None).unwrap();
    let settings = import::plan::guess_settings(&table, &store.service_area().unwrap());
    let lat = settings
        .column(iccc_desk::model::import::ImportField::Latitude)
        .map(|c| table.headers[c].as_str());
    let lon = settings
        .column(iccc_desk::model::import::ImportField::Longitude)
        .map(|c| table.headers[c].as_str());
    assert_eq!((lat, lon), (Some("Latitude"), Some("Longitude")));
    let checked = import::dry_run(&store, &table, &settings, &I18n::new(Lang::En)).unwrap();
    assert!(
        checked.plan.rows.iter().all(|r| r.action == RowAction::Add),
        "{:?}",
        checked.plan.refusals
    );
    let written = import::commit::commit(
        &mut store,
        &actor,
        &checked.plan,
        "toronto-cameras.csv",
        checked.revision,
        &mut |_| true,
    )
    .unwrap();
    assert_eq!(written.cameras_added, 5);
    assert_eq!(
        dir.count("SELECT count(*) FROM camera WHERE lat_deg = 43.6697 AND lon_deg = -79.3942"),
        1
    );
}

#[test]
fn rows_possibly_listed_twice_are_named_and_skipped_when_asked() {
    // A thana's geotagging drive: one pole under two ids (2 m apart, one name with a typo), one pole number on two
    // rows 1 m apart under different names, and two cameras of one pole that are really two ("cam 1", "cam 2").
    let dir = Dir::new();
    let first = dir.path("sipri_bazar.csv");
    std::fs::write(
        &first,
        "Camera ID,Camera Name,Pole No,Latitude,Longitude,Area\n\
         SB-1,Sipri Bazar Chauraha,P-101,25.452000,78.560000,road outside\n\
         SB-2,Sipri Bazaar Chauraha,P-102,25.452018,78.560000,road outside\n\
         SB-3,Bus stand gate,P-103,25.452500,78.561000,gate\n\
         SB-4,Tempo stand,P-103,25.452509,78.561000,road outside\n\
         SB-5,Elite Pole 17 cam 1,P-104,25.453000,78.562000,road outside\n\
         SB-6,Elite Pole 17 cam 2,P-104b,25.453000,78.562000,road outside\n",
    )
    .unwrap();
    // Kept (the default): all six are added, the two are named.
    let kept = Dir::new();
    let dry = kept.json(&["import", first.to_str().unwrap()]);
    assert_eq!(dry["added"], 6, "{dry:#}");
    assert_eq!(kept.count("SELECT count(*) FROM camera"), 6);
    assert_eq!(dry["possible_duplicates"], 2, "{dry:#}");
    let notes: Vec<(i64, String)> = dry["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["reason"].as_str().unwrap().starts_with("Possibly"))
        .map(|n| {
            (
                n["row"].as_i64().unwrap(),
                n["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert_eq!(notes[0].0, 3);
    assert!(
        notes[0].1.contains("row 2") && notes[0].1.contains("2 m away"),
        "{notes:?}"
    );
    assert_eq!(notes[1].0, 5);
    assert!(
        notes[1].1.contains("row 4") && notes[1].1.contains("Pole No"),
        "{notes:?}"
    );

    // The same file with --skip-near-duplicates: the two are left out, with the same words.
    let out = dir.json(&["import", first.to_str().unwrap(), "--skip-near-duplicates"]);
    assert_eq!(
        (out["added"].as_i64(), out["skipped"].as_i64()),
        (Some(4), Some(2)),
        "{out:#}"
    );
    let skipped: Vec<i64> = out["skips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["row"].as_i64().unwrap())
        .collect();
    assert_eq!(skipped, vec![3, 5]);
    assert_eq!(dir.count("SELECT count(*) FROM camera"), 4);

    // Next week's list names the same pole again under a new id, 3 m off: the registry camera is named.
    let second = dir.path("sipri_bazar_week2.csv");
    std::fs::write(
        &second,
        "Camera ID,Camera Name,Latitude,Longitude,Area\n\
         SB-101,SIPRI BAZAR CHAURAHA,25.451973,78.560000,road outside\n",
    )
    .unwrap();
    let id: i64 = dir
        .sql()
        .query_row(
            "SELECT id FROM camera WHERE label = 'Sipri Bazar Chauraha'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let text = dir.ok(&["import", second.to_str().unwrap(), "--dry-run"]);
    assert!(
        text.contains(&format!(
            "registry camera {id} (Sipri Bazar Chauraha): 3 m away"
        )) && text.contains("1 possibly listed twice"),
        "{text}"
    );
}
