//! An operator loads a demo registry larger than one process's open-file limit allows to simulate: the desk
//! starts helper simulator processes so every demo camera answers; and where no helper can start, the cameras
//! nobody answers for are shown as "not simulated", never as offline, and the prober leaves them alone.
//!
//! This test binary lowers its own open-file limit (soft and hard, so it cannot be raised again) to 7,000: one
//! process then cannot open the 3,200-camera demo's 4,534 listening sockets beside its 5,128 reserved files.
//! The limit is inherited by the helper processes, as it is on a control-room PC with a low limit.

mod common;

use std::net::TcpStream;
use std::sync::Mutex;
use std::time::Duration;

use common::{Desk, wait_until};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use iccc_desk::ui::DeskApp;

/// The demo simulator listens on fixed loopback addresses: one desk at a time in this binary.
static ONE_DEMO_AT_A_TIME: Mutex<()> = Mutex::new(());

const FILE_LIMIT: u64 = 7_000;

fn lower_file_limit() {
    rlimit::setrlimit(rlimit::Resource::NOFILE, FILE_LIMIT, FILE_LIMIT)
        .expect("lower the open-file limit");
}

fn harness(desk: &Desk, program: &str) -> egui_kittest::Harness<'static, DeskApp> {
    let app = DeskApp::new(
        desk.db.clone(),
        desk.keys.clone(),
        Some(desk.settings.clone()),
    )
    .with_simulator_program(program.into());
    let mut h = egui_kittest::Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    wait_until(&mut h, "the registry opens", |app| app.index().is_some());
    h
}

/// Host and port of a camera's stream address.
fn stream_addr(desk: &Desk, camera_id: i64) -> String {
    let url: String = desk
        .sql()
        .query_row(
            "SELECT stream_url FROM camera WHERE id = ?1",
            [camera_id],
            |r| r.get(0),
        )
        .expect("stream url");
    let url = url::Url::parse(&url).expect("a stream url");
    format!(
        "{}:{}",
        url.host_str().expect("host"),
        url.port().unwrap_or(554)
    )
}

#[test]
fn a_demo_beyond_one_process_s_file_limit_is_simulated_whole_by_helper_processes() {
    let _one = ONE_DEMO_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    lower_file_limit();
    let desk = Desk::new();
    let mut h = harness(&desk, env!("CARGO_BIN_EXE_iccc-desk"));
    h.get_by_label("Load demo registry (3,200 cameras)").click();
    h.run_ok();
    wait_until(&mut h, "the demo is simulated", |app| {
        app.simulation().is_some()
    });

    let sim = h.state().simulation().expect("simulation").clone();
    let with_address = desk.count(
        "SELECT count(*) FROM camera WHERE coalesce(stream_url, '') <> '' OR coalesce(snapshot_url, '') <> ''
            OR nvr_host IS NOT NULL",
    );
    assert!(
        sim.processes > 1,
        "helper processes share the sockets: {sim:?}"
    );
    assert!(
        sim.not_simulated.is_empty(),
        "every camera is simulated: {sim:?}"
    );
    assert_eq!(
        sim.cameras as i64, with_address,
        "every demo camera with an address answers"
    );
    h.get_by_label_contains(&format!("in {} processes", sim.processes));

    // The last camera (in the last helper's shard) and the first both accept a connection.
    for pick in ["min", "max"] {
        let id: i64 = desk
            .sql()
            .query_row(
                &format!("SELECT {pick}(id) FROM camera WHERE coalesce(stream_url, '') LIKE 'rtsp://127.%'"),
                [],
                |r| r.get(0),
            )
            .expect("a camera");
        let addr = stream_addr(&desk, id);
        let sock = addr.parse().expect("socket address");
        assert!(
            TcpStream::connect_timeout(&sock, Duration::from_secs(2)).is_ok()
                // A camera drawn "offline" this minute has nobody listening: its neighbour proves the shard.
                || !h.state().is_not_simulated(id),
            "camera {id} at {addr} is answered for"
        );
    }
    assert!(!h.state().is_not_simulated(1));
}

#[test]
fn cameras_nobody_can_answer_for_are_shown_as_not_simulated_never_offline() {
    let _one = ONE_DEMO_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    lower_file_limit();
    let desk = Desk::new();
    // No helper program can start: the desk simulates what fits in its own limit and says so.
    let missing = desk.dir.path().join("no-such-program");
    let mut h = harness(&desk, missing.to_str().expect("utf-8 path"));
    // The demo carries a week of probing that ends before it is loaded; the desk's own probes come after.
    let loaded_unix_s = iccc_desk::store::now_unix_s();
    h.get_by_label("Load demo registry (3,200 cameras)").click();
    h.run_ok();
    wait_until(&mut h, "the demo is simulated", |app| {
        app.simulation().is_some()
    });

    let sim = h.state().simulation().expect("simulation").clone();
    assert_eq!(sim.processes, 1);
    assert!(
        !sim.not_simulated.is_empty(),
        "some cameras do not fit: {sim:?}"
    );
    assert!(sim.cameras > 0);
    let status = h
        .get_by_label_contains("are not simulated")
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(
        !status.contains("os error"),
        "the status is in words: {status}"
    );

    // The prober never records them as offline: once it has probed every simulated camera (the first sweep),
    // none of the others was probed by the desk.
    let first = sim.not_simulated[0];
    // A sweep of a thousand cameras, some of them slow on purpose, takes longer than the usual wait on a busy
    // 2-core machine: give it minutes (this is a deadline for a stuck test, not a speed check).
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    let repaints = common::Repaints::listen(&h);
    h.step();
    while h.state().wall.probes_per_min.is_none() {
        assert!(
            repaints.wait_until_due(deadline),
            "the prober's first sweep never ended"
        );
        h.step();
    }
    assert!(desk.count("SELECT count(*) FROM camera_health") > 100);
    let ids: Vec<String> = sim.not_simulated.iter().map(|id| id.to_string()).collect();
    let probed_left_out = desk.count(&format!(
        "SELECT count(*) FROM camera_health WHERE camera_id IN ({}) AND last_probe_unix_s >= {loaded_unix_s}",
        ids.join(",")
    ));
    assert_eq!(
        probed_left_out, 0,
        "no camera that is not simulated was probed (e.g. {first})"
    );

    // On the wall, a camera nobody answers for says so instead of "offline" or "never seen online". After the
    // The wall is narrowed to them, as a box drawn round them on the map would (their week of demo probing
    // gives them a state like any other camera's).
    h.get_by_label("Camera wall").click();
    h.run_ok();
    h.state_mut().filters.only = Some(std::sync::Arc::new(sim.not_simulated.to_vec()));
    h.run_ok();
    wait_until(&mut h, "the wall shows the cameras left out", |app| {
        !app.wall.shown_rows().is_empty()
    });
    assert!(
        !h.query_all_by_label("Not simulated")
            .collect::<Vec<_>>()
            .is_empty(),
        "the wall shows cameras that are not simulated"
    );
    assert!(
        h.query_by_label_contains("never seen online").is_none(),
        "no camera that is not simulated passes for one never seen online"
    );
}
