//! The police ask, the day after a chain snatching at a crossing at 21:40, which cameras could have seen it: an
//! operator runs `iccc-desk lookup --at LAT,LON --time T` on a hand-made registry whose answers are known —
//! cameras placed at known distances and facings, one offline since before the incident, one never probed, one
//! beyond its range, one facing away, one whose facing is not recorded, one whose recorder has already
//! overwritten the footage — and gets them in order, with owner, stage, health then and footage.

use std::process::{Command, Output};

use iccc_desk::model::geo::destination;
use iccc_desk::model::{
    AreaWatched, Camera, Clock, Finding, HealthState, IntegrationStage, ManualClock, OwnerCategory,
    Site, StageChange,
};
use iccc_desk::store::{Actor, Observation, OpenOptions, PasswordEdit, Store};
use serde_json::Value;

/// The crossing (Sadar Bazar, Jhansi).
const POINT: (f64, f64) = (25.4486, 78.5697);
/// 2026-12-06 00:00 IST.
const DAY: i64 = 1_796_495_400;

fn at(h: i64, m: i64) -> i64 {
    DAY + h * 3600 + m * 60
}

struct Registry {
    dir: tempfile::TempDir,
}

impl Registry {
    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("registry.sqlite")
    }
    fn keys(&self) -> std::path::PathBuf {
        self.dir.path().join("keys")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
            .arg("--db")
            .arg(self.db())
            .arg("--key-dir")
            .arg(self.keys())
            .args(args)
            .env_remove("ICCC_DESK_KEY_DIR")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.dir.path().join("xdg-data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .output()
            .expect("run iccc-desk")
    }
}

fn actor() -> Actor {
    Actor {
        user: "control-room".into(),
        now_unix_s: at(9, 0) - 30 * 86_400,
    }
}

fn site(store: &mut Store, name: &str, contact: &str, phone: &str, retention_days: u32) -> i64 {
    let mut s = Site::blank();
    s.name_en = name.into();
    s.owner_category = OwnerCategory::Commercial;
    s.contact_person = contact.into();
    s.phone = phone.into();
    s.lat_deg = POINT.0;
    s.lon_deg = POINT.1;
    s.recorder_retention_days = retention_days;
    store.add_site(&actor(), &s).expect("add site").id
}

/// A camera `distance_m` from the crossing towards `from_deg`, facing `facing_deg`.
#[allow(clippy::too_many_arguments)]
fn camera(
    store: &mut Store,
    site_id: i64,
    label: &str,
    n: u8,
    (from_deg, distance_m): (f64, f64),
    facing_deg: Option<f64>,
    fov_deg: f64,
    range_m: f64,
    integrated: bool,
) -> i64 {
    let (lat, lon) = destination(POINT, from_deg, distance_m);
    let mut c = Camera::blank_at(lat, lon);
    c.label = label.into();
    c.area_watched = AreaWatched::RoadFrontage;
    c.bearing_deg = facing_deg;
    c.fov_deg = Some(fov_deg);
    c.range_m = Some(range_m);
    c.stream_url = format!("rtsp://127.0.0.{n}:554/Streaming/Channels/101");
    let rec = store
        .add_camera(&actor(), site_id, &c, &PasswordEdit::Keep)
        .expect("add camera");
    if integrated {
        let mut version = rec.row_version;
        for to in [
            IntegrationStage::OwnerContacted,
            IntegrationStage::ConsentGiven,
            IntegrationStage::Configured,
            IntegrationStage::Integrated,
        ] {
            let change = StageChange {
                to,
                reason: None,
                note: String::new(),
            };
            version = store
                .change_stage(&actor(), rec.id, version, &change)
                .expect("stage")
                .row_version;
        }
    }
    rec.id
}

/// Probes written as the prober would, each at the manual clock's time when it is set there.
fn probe(store: &mut Store, clock: &ManualClock, camera_id: i64, when: &[(i64, HealthState)]) {
    for &(t, state) in when {
        clock.set_unix_s(t);
        let observation = Observation {
            camera_id,
            at_unix_s: Clock::Manual(clock.clone()).now_unix_s(),
            finding: Finding {
                state,
                ..Finding::default()
            },
        };
        store.record_observations(&[observation]).expect("probe");
    }
}

struct Ids {
    shop: i64,
    gate: i64,
    parking: i64,
    lobby: i64,
}

/// The hand-made registry and its week of probes.
fn registry() -> (Registry, Ids) {
    let r = Registry {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    let mut store = Store::open(&r.db(), &OpenOptions { key_dir: r.keys() }).expect("open");
    let jeweller = site(
        &mut store,
        "Sadar Bazar Jewellers",
        "Ramesh Soni",
        "+919839012345",
        30,
    );
    let hotel = site(
        &mut store,
        "Hotel Raj Palace",
        "Sunita Verma",
        "+919876543210",
        7,
    );
    // Sees it, 20 m south of the crossing facing north; integrated; online at 21:38 and 21:43.
    let shop = camera(
        &mut store,
        jeweller,
        "Shop front",
        1,
        (180.0, 20.0),
        Some(0.0),
        60.0,
        40.0,
        true,
    );
    // Sees it, 32 m north, 12° off its axis; offline since 19:02.
    let gate = camera(
        &mut store,
        jeweller,
        "Gate",
        2,
        (0.0, 32.0),
        Some(192.0),
        60.0,
        50.0,
        false,
    );
    // Sees it, 15 m east; never probed; its recorder keeps 7 days (already overwritten 10 days on).
    let parking = camera(
        &mut store,
        hotel,
        "Parking",
        3,
        (90.0, 15.0),
        Some(270.0),
        90.0,
        30.0,
        false,
    );
    // Facing not recorded, 10 m west, within range: may see it.
    let lobby = camera(
        &mut store,
        hotel,
        "Lobby door",
        4,
        (270.0, 10.0),
        None,
        60.0,
        30.0,
        false,
    );
    // Beyond its range: 60 m north, facing the crossing with a 40 m range.
    camera(
        &mut store,
        jeweller,
        "Road",
        5,
        (0.0, 60.0),
        Some(180.0),
        60.0,
        40.0,
        true,
    );
    // Facing away: 10 m north, facing north.
    camera(
        &mut store,
        jeweller,
        "Back lane",
        6,
        (0.0, 10.0),
        Some(0.0),
        60.0,
        40.0,
        false,
    );
    let clock = ManualClock::starting_at(at(18, 0));
    use HealthState::{Offline, Online};
    probe(
        &mut store,
        &clock,
        shop,
        &[
            (at(21, 18), Offline),
            (at(21, 38), Online),
            (at(21, 43), Online),
        ],
    );
    probe(
        &mut store,
        &clock,
        gate,
        &[
            (at(18, 40), Online),
            (at(19, 2), Offline),
            (at(20, 2), Offline),
            (at(21, 42), Offline),
        ],
    );
    probe(
        &mut store,
        &clock,
        lobby,
        &[(at(21, 20), Online), (at(22, 0), Online)],
    );
    drop(store);
    (
        r,
        Ids {
            shop,
            gate,
            parking,
            lobby,
        },
    )
}

fn ok(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn json_of(output: &Output) -> Value {
    serde_json::from_str(&ok(output)).expect("JSON")
}

fn field<'a>(camera: &'a Value, name: &str) -> &'a str {
    camera[name].as_str().unwrap_or_default()
}

const AT: &str = "25.4486,78.5697";

#[test]
fn the_cameras_that_could_have_seen_it_in_order_with_health_and_footage() {
    let (r, ids) = registry();
    let ten_days_on = (at(21, 40) + 10 * 86_400).to_string();
    let answer = json_of(&r.run(&[
        "lookup",
        "--at",
        AT,
        "--time",
        "2026-12-06 21:40",
        "--json",
        "--now-unix-s",
        &ten_days_on,
    ]));
    assert_eq!(answer["from_ist"], "2026-12-06 21:40");
    let cameras = answer["cameras"].as_array().expect("cameras");
    let order: Vec<i64> = cameras
        .iter()
        .map(|c| c["camera_id"].as_i64().unwrap())
        .collect();
    // Those that see it nearest first (15, 20, 32 m), then the one that may (10 m); the rest left out.
    assert_eq!(order, [ids.parking, ids.shop, ids.gate, ids.lobby]);
    let (parking, shop, gate, lobby) = (&cameras[0], &cameras[1], &cameras[2], &cameras[3]);

    assert_eq!(field(shop, "reason"), "20 m, 0° off its axis");
    assert_eq!(field(shop, "health_text"), "online at 21:38 and 21:43");
    assert_eq!(field(shop, "stage"), "integrated");
    assert_eq!(field(shop, "contact_person"), "Ramesh Soni");
    assert_eq!(field(shop, "phone"), "+919839012345");
    assert_eq!(
        field(shop, "footage_text"),
        "footage kept until 2027-01-05 21:40 (30 days on the recorder)"
    );

    assert_eq!(field(gate, "reason"), "32 m, 12° off its axis");
    assert_eq!(field(gate, "health_text"), "Offline since 19:02");
    assert_eq!(gate["health"]["kind"], "not_online");

    assert_eq!(field(parking, "health_text"), "not probed then");
    assert_eq!(parking["footage"]["kind"], "overwritten");
    assert_eq!(
        field(parking, "footage_text"),
        "footage already overwritten on 2026-12-13 21:40 (7 days on the recorder)"
    );
    assert_eq!(parking["check"]["view"], "sees");

    assert_eq!(lobby["check"]["view"], "may_see");
    assert_eq!(field(lobby, "reason"), "10 m, direction not recorded");
    assert_eq!(field(lobby, "health_text"), "online at 21:20 and 22:00");
    assert_eq!(field(lobby, "site_name_en"), "Hotel Raj Palace");

    // Within 25 m only: the gate (32 m) is left out.
    let near = json_of(&r.run(&[
        "lookup",
        "--at",
        AT,
        "--time",
        "2026-12-06T21:40",
        "--radius-m",
        "25",
        "--json",
        "--now-unix-s",
        &ten_days_on,
    ]));
    let order: Vec<i64> = near["cameras"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["camera_id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [ids.parking, ids.shop, ids.lobby]);
}

#[test]
fn a_window_and_the_lines_a_person_reads() {
    let (r, ids) = registry();
    let now = (at(23, 0)).to_string();
    // 21:15–21:45: the shop front was offline at 21:18, then online: the change is said.
    let answer = json_of(&r.run(&[
        "lookup",
        "--at",
        AT,
        "--from",
        "2026-12-06 21:15",
        "--to",
        "2026-12-06 21:45",
        "--json",
        "--now-unix-s",
        &now,
    ]));
    let shop = answer["cameras"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["camera_id"].as_i64() == Some(ids.shop))
        .expect("the shop front");
    assert_eq!(
        field(shop, "health_text"),
        "Offline at 21:18, Online at 21:38"
    );

    let lines = ok(&r.run(&[
        "lookup",
        "--at",
        AT,
        "--time",
        "2026-12-06 21:40",
        "--now-unix-s",
        &now,
    ]));
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(
        lines[0],
        "Cameras that could have seen 25.448600, 78.569700 at 2026-12-06 21:40 (IST): 4"
    );
    assert!(
        lines[2].starts_with(&format!("2. camera {} Shop front at Sadar Bazar Jewellers (Ramesh Soni +919839012345): 20 m, 0° off its axis; Integrated; online at 21:38 and 21:43; footage kept until", ids.shop)),
        "{}",
        lines[2]
    );
    // In Hindi too, with no catalogue key left showing.
    let hindi = ok(&r.run(&[
        "lookup",
        "--at",
        AT,
        "--time",
        "2026-12-06 21:40",
        "--lang",
        "hi",
        "--now-unix-s",
        &now,
    ]));
    assert!(
        hindi.contains("धुरी") && !hindi.contains("lookup-"),
        "{hindi}"
    );
}

#[test]
fn a_time_or_a_point_not_understood_is_refused_in_one_line() {
    let (r, _) = registry();
    for (args, says) in [
        (
            vec!["lookup", "--at", AT, "--time", "06/12/2026 21:40"],
            "is not a local time in India",
        ),
        (
            vec!["lookup", "--at", "25.4486", "--time", "2026-12-06 21:40"],
            "--at needs LAT,LON",
        ),
        (
            vec![
                "lookup",
                "--at",
                AT,
                "--from",
                "2026-12-06 22:00",
                "--to",
                "2026-12-06 21:00",
            ],
            "the window ends before it starts",
        ),
    ] {
        let out = r.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says) && stderr.lines().count() == 1,
            "{args:?}: {stderr}"
        );
    }
}

/// The desk shut for two days: a camera found online before and online again after was not seen in between, so
/// the history has two runs and a lookup in the gap says it was not probed then (not "online").
#[test]
fn a_camera_not_probed_while_the_desk_was_shut_is_not_called_online_for_the_gap() {
    use HealthState::Online;
    let (r, mut store, shop) = one_camera_registry();
    let clock = ManualClock::starting_at(0);
    probe(
        &mut store,
        &clock,
        shop,
        &[(at(9, 0) - 2 * 86_400, Online), (at(9, 0), Online)],
    );
    let runs = store
        .health_runs_until(&[shop], at(9, 0))
        .expect("runs")
        .remove(&shop)
        .expect("the camera's runs");
    assert_eq!(runs.len(), 2, "{runs:?}");
    drop(store);
    let later = (at(9, 0) + 86_400).to_string();
    let json = json_of(&r.run(&[
        "lookup",
        "--at",
        AT,
        "--time",
        "2026-12-05 12:00",
        "--json",
        "--now-unix-s",
        &later,
    ]));
    let text = json.to_string();
    assert!(!text.to_lowercase().contains("online at"), "{text}");
    assert!(text.to_lowercase().contains("not probed"), "{text}");
}

/// The weekly review's previous week began up to 14 days ago: health runs that old are kept, so last week's
/// uptime reads the same before and after the prober's next batch (and a lookup ten days back has its evidence).
#[test]
fn health_runs_from_ten_days_ago_are_kept_when_new_probes_are_written() {
    use HealthState::{Offline, Online};
    let (_registry, mut store, shop) = one_camera_registry();
    let clock = ManualClock::starting_at(0);
    probe(
        &mut store,
        &clock,
        shop,
        &[(at(9, 0) - 10 * 86_400, Online), (at(9, 0), Offline)],
    );
    let runs = store
        .health_runs_until(&[shop], at(9, 0))
        .expect("runs")
        .remove(&shop)
        .expect("the camera's runs");
    assert_eq!(runs.len(), 2, "{runs:?}");
}

/// A registry of one site with one integrated camera 20 m south of the point, facing it, not yet probed.
fn one_camera_registry() -> (Registry, Store, i64) {
    let r = Registry {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    let mut store = Store::open(&r.db(), &OpenOptions { key_dir: r.keys() }).expect("open");
    let jeweller = site(
        &mut store,
        "Sadar Bazar Jewellers",
        "Ramesh Soni",
        "+919839012345",
        30,
    );
    let shop = camera(
        &mut store,
        jeweller,
        "Shop front",
        1,
        (180.0, 20.0),
        Some(0.0),
        60.0,
        40.0,
        true,
    );
    (r, store, shop)
}
