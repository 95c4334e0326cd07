//! An operator opens the camera wall: the desk's own prober checks the cameras against a real RTSP server and a
//! dead address, the tiles say "Online" and "Offline" in words, a ward filter narrows the wall, a click opens
//! the camera's details — and no password shows anywhere on screen.

mod common;

use common::real_servers::{Auth, RtspCamera, SnapshotServer, closed_port, test_jpeg};
use common::{Desk, wait_until};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use iccc_desk::model::{HealthState, ManualClock, Site};
use iccc_desk::store::{Actor, Store};

const PASS: &str = "Wall#Pass-2026";
/// Longest real wait for the desk's threads to finish what a clock step started (a stuck test, not a speed check).
const SETTLE: Duration = Duration::from_secs(30);

#[test]
fn wall_shows_measured_health_filters_by_ward_and_hides_passwords() {
    let camera = RtspCamera::start(Auth::Digest, "admin", PASS);
    let snapshots = SnapshotServer::start("admin", PASS, &test_jpeg(640, 360));
    let desk = Desk::new();
    let (good, dead) = {
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut a = Site::blank();
        a.name_en = "Hotel Raj Palace".into();
        a.ward = "Ward 12 Civil Lines".into();
        let a = store.add_site(&actor, &a).unwrap();
        let mut b = Site::blank();
        b.name_en = "Apex Coaching Centre".into();
        b.ward = "Ward 3 Sipri Bazar".into();
        let b = store.add_site(&actor, &b).unwrap();
        let good = common::add_integrated_camera(
            &mut store,
            a.id,
            "Main gate",
            camera.url(),
            snapshots.hikvision_url(),
            PASS,
        );
        let dead = common::add_integrated_camera(
            &mut store,
            b.id,
            "Entrance",
            format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
            String::new(),
            PASS,
        );
        (good, dead)
    };

    let mut h = desk.harness();
    h.get_by_label("Camera wall").click();
    h.run_ok();
    wait_until(&mut h, "both cameras are probed", |app| {
        app.index().is_some_and(|i| {
            i.health_state(good) != HealthState::NotProbed
                && i.health_state(dead) != HealthState::NotProbed
        })
    });
    let index = h.state().index().unwrap();
    assert_eq!(index.health_state(good), HealthState::Online);
    assert_eq!(index.health_state(dead), HealthState::Offline);
    // Status in words on the tiles (problems first: the offline one leads).
    h.get_by_label("Online");
    h.get_by_label("Offline");
    assert_eq!(h.state().wall_camera_ids(), vec![dead, good]);

    // One ward only.
    h.get_by_role_and_label(Role::ComboBox, "Ward").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Ward 12 Civil Lines")
        .click();
    h.run_ok();
    assert_eq!(h.state().wall_camera_ids(), vec![good]);
    assert!(h.query_by_label("Offline").is_none());

    // Details of the camera, with what the probe measured.
    h.get_by_label_contains("Main gate — Hotel Raj Palace")
        .click();
    h.run_ok();
    wait_until(&mut h, "the details load", |app| app.wall.runs.is_some());
    h.get_by_label("H264 640×360");
    h.get_by_label(&camera.url());
    h.get_by_label_contains("Uptime: 100.0 %");

    // No password anywhere on screen: not in labels, values or hover texts.
    for node in h.root().children_recursive() {
        let node = node.accesskit_node();
        for text in [node.label(), node.value(), node.description()]
            .into_iter()
            .flatten()
        {
            assert!(!text.contains(PASS), "password on screen: {text}");
        }
    }
}

/// Keyboard on the wall: arrows move between tiles, Enter fills the wall with one, Esc returns; the layout
/// switch changes how many tiles a row holds.
#[test]
fn wall_keyboard_and_layouts() {
    let desk = Desk::new();
    let ids: Vec<i64> = {
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut s = Site::blank();
        s.name_en = "District Jail Jhansi".into();
        let s = store.add_site(&actor, &s).unwrap();
        let port = closed_port();
        (1..=5)
            .map(|i| {
                common::add_integrated_camera(
                    &mut store,
                    s.id,
                    &format!("Gate {i}"),
                    format!("rtsp://127.0.0.1:{port}/Streaming/Channels/{i}01"),
                    String::new(),
                    PASS,
                )
            })
            .collect()
    };
    let mut h = desk.harness();
    h.get_by_label("Camera wall").click();
    h.run_ok();
    // Order by name so the walk is predictable.
    h.get_by_role_and_label(Role::ComboBox, "Order").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Name").click();
    h.run_ok();
    assert_eq!(h.state().wall_camera_ids(), ids);

    h.get_by_label("2×2").click();
    h.run_ok();
    common::press(&mut h, egui::Key::ArrowRight); // first tile
    assert_eq!(h.state().selection.camera, Some(ids[0]));
    common::press(&mut h, egui::Key::ArrowRight);
    assert_eq!(h.state().selection.camera, Some(ids[1]));
    common::press(&mut h, egui::Key::ArrowDown); // one row down in a 2-wide grid
    assert_eq!(h.state().selection.camera, Some(ids[3]));
    common::press(&mut h, egui::Key::Enter);
    assert_eq!(h.state().wall.maximized, Some(ids[3]));
    common::press(&mut h, egui::Key::Escape);
    assert_eq!(h.state().wall.maximized, None);
    h.get_by_label("List").click();
    h.run_ok();
    common::press(&mut h, egui::Key::ArrowDown);
    assert_eq!(h.state().selection.camera, Some(ids[4]));
}

/// Another prober (a second desk, or `iccc-desk probe` on the server) writes health into the registry every
/// second: that is not a registry change, so the desk does not re-read 200,000 rows for it; a real registry
/// change by another desk is still picked up.
#[test]
fn health_written_elsewhere_never_reloads_the_registry() {
    use iccc_desk::model::{Finding, HealthState as H};
    use iccc_desk::store::Observation;
    let desk = Desk::new();
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut other = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut s = Site::blank();
    s.name_en = "Gwalior Road Toll Plaza".into();
    let s = other.add_site(&actor, &s).unwrap();
    let camera = common::add_integrated_camera(
        &mut other,
        s.id,
        "Lane 1",
        format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
        String::new(),
        PASS,
    );
    let manual = ManualClock::starting_at(1_795_564_900);
    let mut h = desk.harness_with_clock(manual.clock());
    let opened = h.state().index().unwrap().snapshot.clone();
    let revision = other.registry_revision().unwrap();
    // The registry worker, and the prober, wait on the desk's clock.
    assert!(manual.wait_for_waiters(2, SETTLE));
    for round in 0..3 {
        other
            .record_observations(&[Observation {
                camera_id: camera,
                at_unix_s: 1_795_564_900 + round,
                finding: Finding {
                    state: H::Offline,
                    error: Some("connection refused".into()),
                    ..Finding::default()
                },
            }])
            .unwrap();
        // The desk looks for other desks' changes every 2 s (of its clock).
        manual.advance(Duration::from_millis(2_500));
        assert!(
            manual.settle(SETTLE),
            "the desk's threads are still at work"
        );
        h.step();
    }
    assert_eq!(
        other.registry_revision().unwrap(),
        revision,
        "health is not a registry change"
    );
    assert!(
        std::sync::Arc::ptr_eq(&opened, &h.state().index().unwrap().snapshot),
        "the registry was reloaded for health results"
    );

    // A site added by another desk is a registry change: the desk reloads and shows it.
    let mut s = Site::blank();
    s.name_en = "Orchha Gate Black Spot".into();
    other.add_site(&actor, &s).unwrap();
    assert!(other.registry_revision().unwrap() > revision);
    manual.advance(Duration::from_millis(2_500));
    wait_until(&mut h, "the other desk's site appears", |app| {
        app.index().is_some_and(|i| {
            i.snapshot
                .sites
                .iter()
                .any(|s| s.site.name_en == "Orchha Gate Black Spot")
        })
    });
}

/// The registry is damaged under a running desk (another program drops the health table): the prober stops, the
/// wall says so in words, and the prober is started again by itself (and says so again while the damage lasts)
/// instead of dying silently with the wall's health frozen.
#[test]
fn a_prober_that_stops_is_shown_on_the_wall_and_started_again() {
    use iccc_desk::services::health::monitor::MonitorCommand;
    let desk = Desk::new();
    let dead = {
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let site = store.add_site(&actor, &site).unwrap();
        common::add_integrated_camera(
            &mut store,
            site.id,
            "Entrance",
            format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
            String::new(),
            PASS,
        )
    };
    let mut h = desk.harness();
    h.get_by_label("Camera wall").click();
    h.run_ok();
    wait_until(&mut h, "the camera is probed", |app| {
        app.index()
            .is_some_and(|i| i.health_state(dead) != HealthState::NotProbed)
    });
    assert!(h.state().wall.prober_trouble.is_none());

    desk.sql()
        .execute_batch("DROP TABLE camera_health")
        .expect("drop the health table");
    if let Some(monitor) = &h.state().monitor {
        monitor.send(MonitorCommand::ProbeNow(vec![dead]));
    }
    wait_until(&mut h, "the wall says the prober stopped", |app| {
        app.wall.prober_trouble.is_some()
    });
    // On the wall's toolbar and in the status bar.
    assert!(h.query_all_by_label_contains("Prober stopped").count() >= 1);
    // Started again: the second start meets the same damage and says so (restart 2).
    wait_until(&mut h, "the prober is started again", |app| {
        app.wall
            .prober_trouble
            .as_deref()
            .is_some_and(|t| t.contains("restart 2"))
    });
    assert!(h.query_all_by_label_contains("restart 2").count() >= 1);
}

/// Health changes while the operator works the wall: the tiles stay where they are under the pointer (a
/// double-click must open the camera the operator aimed at), a button says how many changed, and a click on it
/// applies the new order.
#[test]
fn wall_order_holds_under_the_pointer_until_the_operator_refreshes_it() {
    use iccc_desk::model::HealthState as H;
    use iccc_desk::store::HealthBrief;
    let desk = Desk::new();
    let ids: Vec<i64> = {
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut s = Site::blank();
        s.name_en = "Jhansi Railway Station".into();
        let s = store.add_site(&actor, &s).unwrap();
        let port = closed_port();
        (1..=3)
            .map(|i| {
                common::add_integrated_camera(
                    &mut store,
                    s.id,
                    &format!("Platform {i}"),
                    format!("rtsp://127.0.0.1:{port}/Streaming/Channels/{i}01"),
                    String::new(),
                    PASS,
                )
            })
            .collect()
    };
    let manual = ManualClock::starting_at(1_795_564_900);
    let mut h = desk.harness_with_clock(manual.clock());
    // Health comes from this test only, so the order is known.
    h.state_mut().monitor = None;
    let health = |id: i64, state: H| HealthBrief {
        camera_id: id,
        state,
        last_online_unix_s: None,
    };
    h.state_mut()
        .apply_health(ids.iter().map(|&id| health(id, H::Online)).collect());
    h.get_by_label("Camera wall").click();
    h.run_ok();
    assert_eq!(h.state().wall_camera_ids(), ids);

    // The pointer rests on the last tile; that camera goes offline (problems first would move it to the front).
    h.get_by_label_contains("Platform 3 — Jhansi Railway Station")
        .hover();
    h.run_ok();
    h.state_mut().apply_health(vec![health(ids[2], H::Offline)]);
    // Longer than the wall's wait between re-orders.
    h.step();
    manual.advance(Duration::from_millis(2_500));
    h.run_ok();
    assert_eq!(
        h.state().wall_camera_ids(),
        ids,
        "tiles moved under the pointer"
    );
    h.get_by_role_and_label(Role::Button, "1 changed — refresh order")
        .click();
    h.run_ok();
    assert_eq!(
        h.state().wall_camera_ids(),
        vec![ids[2], ids[0], ids[1]],
        "the new order applies"
    );
    assert!(h.query_by_label_contains("refresh order").is_none());

    // A selected tile holds the order too, with the pointer away from the wall.
    h.get_by_label_contains("Platform 2 — Jhansi Railway Station")
        .click();
    h.run_ok();
    h.get_by_label("Camera wall").hover();
    h.run_ok();
    h.state_mut().apply_health(vec![health(ids[1], H::Offline)]);
    h.step();
    manual.advance(Duration::from_millis(2_500));
    h.run_ok();
    assert_eq!(h.state().wall_camera_ids(), vec![ids[2], ids[0], ids[1]]);
    h.get_by_role_and_label(Role::Button, "1 changed — refresh order");
}

/// A big registry's wall is worked out on a thread (6–10 s at 200,000 cameras): until its first answer the wall
/// says it is loading, in the desk's language, never that no camera matches.
#[test]
fn the_wall_says_loading_until_its_first_answer() {
    let desk = Desk::new();
    {
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut s = Site::blank();
        s.name_en = "District Jail Jhansi".into();
        let s = store.add_site(&actor, &s).unwrap();
        common::add_integrated_camera(
            &mut store,
            s.id,
            "Main gate",
            format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
            String::new(),
            PASS,
        );
    }
    let mut h = desk.harness_without_simulator();
    wait_until(&mut h, "the registry opens", |app| app.index().is_some());
    // The answer is held back, as a 200,000-camera registry's is by the time it takes.
    let held = h.state_mut().wall.hold_answers();
    h.get_by_label("Camera wall").click();
    h.run_ok();
    assert!(h.get_all_by_label("Loading…").count() >= 1);
    assert!(
        h.query_by_label_contains("No configured or integrated camera")
            .is_none()
    );
    assert!(h.query_by_label("0 on the wall").is_none());
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    assert!(h.get_all_by_label("लोड हो रहा है…").count() >= 1);
    h.get_by_label("English").click();
    h.run_ok();

    held.release();
    wait_until(&mut h, "the wall answers", |app| {
        app.wall.shown_rows().len() == 1
    });
    h.get_by_label("1 on the wall");
    assert!(h.query_by_label("Loading…").is_none());
}

/// "Offline cameras of one ward" in two actions: the Offline chip, then the ward from its chooser, which lists
/// wards in natural order (Ward 2 before Ward 10) and finds one by typing.
#[test]
fn offline_cameras_of_one_ward_in_two_actions() {
    use common::{press, type_text};
    use egui::Key;
    use iccc_desk::model::HealthState as H;
    use iccc_desk::store::HealthBrief;
    let desk = Desk::new();
    let wards = ["Ward 1", "Ward 10", "Ward 11", "Ward 2"];
    // Per ward: an online camera and an offline one.
    let ids: Vec<(i64, i64)> = {
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let port = closed_port();
        wards
            .iter()
            .enumerate()
            .map(|(i, ward)| {
                let mut s = Site::blank();
                s.name_en = format!("Site {i}");
                s.ward = ward.to_string();
                let s = store.add_site(&actor, &s).unwrap();
                let mut camera = |n: usize| {
                    common::add_integrated_camera(
                        &mut store,
                        s.id,
                        &format!("Cam {i}.{n}"),
                        format!("rtsp://127.0.0.1:{port}/Streaming/Channels/{i}0{n}"),
                        String::new(),
                        PASS,
                    )
                };
                (camera(1), camera(2))
            })
            .collect()
    };
    let manual = ManualClock::starting_at(1_795_564_900);
    let mut h = desk.harness_with_clock(manual.clock());
    h.state_mut().monitor = None;
    let health = |id: i64, state: H| HealthBrief {
        camera_id: id,
        state,
        last_online_unix_s: None,
    };
    h.state_mut().apply_health(
        ids.iter()
            .flat_map(|&(online, offline)| [health(online, H::Online), health(offline, H::Offline)])
            .collect(),
    );
    h.get_by_label("Camera wall").click();
    h.run_ok();
    assert_eq!(h.state().wall_camera_ids().len(), 8);

    // Action 1: the Offline chip.
    h.get_by_label("Offline only").click();
    h.run_ok();
    assert_eq!(h.state().wall_camera_ids().len(), 4);

    // Action 2: the ward, by typing in its chooser. The list is in natural order.
    h.get_by_role_and_label(Role::ComboBox, "Ward").click();
    h.run_ok();
    let y = |label: &str| h.get_by_role_and_label(Role::Button, label).rect().min.y;
    assert!(y("Ward 1") < y("Ward 2"));
    assert!(y("Ward 2") < y("Ward 10"));
    assert!(y("Ward 10") < y("Ward 11"));
    type_text(&mut h, "10");
    press(&mut h, Key::Enter);
    assert_eq!(h.state().filters.ward.as_deref(), Some("Ward 10"));
    assert_eq!(h.state().wall_camera_ids(), vec![ids[1].1]);
    assert!(
        h.query_by_role_and_label(Role::Button, "Ward 11").is_none(),
        "the list closed"
    );
}
