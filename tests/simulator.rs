//! The camera simulator answers the desk's prober like real cameras: a 200-camera demo registry, simulated
//! in-process and swept with the prober, comes back as the simulator's own per-camera plan says (online with H.264
//! and the SDP's picture size and a decodable snapshot thumbnail, offline, auth failed, stream error); a wrong
//! password is refused, snapshots change with the time, and nothing answers once it is stopped.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use iccc_desk::model::{Credentials, HealthState, ManualClock};
use iccc_desk::services::demo::simulator::{Behaviour, CameraPlan, SimOptions, Simulator};
use iccc_desk::services::demo::{self, DemoOptions};
use iccc_desk::services::health::probe::{Deadline, ProbeOptions, probe_camera, probe_snapshot};
use iccc_desk::services::health::prober::{SweepOptions, sweep};
use iccc_desk::store::{OpenOptions, Store};

/// The demo's addresses are fixed: one simulator at a time in this binary.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn demo_store(dir: &Path, cameras: usize) -> Store {
    let mut store = Store::open(
        &dir.join("registry.sqlite"),
        &OpenOptions {
            key_dir: dir.join("keys"),
        },
    )
    .expect("open a new registry");
    demo::generate(
        &mut store,
        &DemoOptions {
            cameras,
            seed: 1,
            now_unix_s: 1_795_564_800,
            user: "tester".into(),
        },
        &|_| true,
    )
    .expect("write the demo registry");
    store
}

#[test]
fn a_sweep_of_the_simulated_demo_matches_the_plan() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path(), 200);
    // Seed 36 gives this registry's targets 4 offline, 4 wrong-password, 4 stream-error, 5 flaky and 4 slow
    // cameras (before the minute's re-draws).
    // Behaviours are re-drawn each minute: the simulator's clock stands half a minute in, and moves only when
    // this test moves it.
    let manual = ManualClock::starting_at(1_795_564_830);
    let sim = Simulator::start_with(
        &store,
        &SimOptions {
            seed: 36,
            clock: manual.clock(),
            ..Default::default()
        },
    )
    .expect("the simulator starts");
    assert!(sim.cameras() >= 150, "{} cameras", sim.cameras());
    assert_eq!(sim.skipped().0, 0);
    println!("{}", sim.summary());

    let targets = store.probe_targets().unwrap();
    assert!(targets.len() >= 100, "{} targets", targets.len());
    let before = manual.now_unix_s();
    let options = SweepOptions {
        concurrency: 32,
        probe: ProbeOptions {
            timeout: Duration::from_secs(3),
        },
        max_per_min: 0,
    };
    let mut found = Vec::new();
    let report = sweep(targets.iter(), &options, &AtomicBool::new(false), |o| {
        found.push(o)
    });
    let after = manual.now_unix_s();
    println!(
        "swept {} cameras in {} ms: {:?}",
        report.probed, report.duration_ms, report.by_state
    );
    assert_eq!(report.probed, targets.len());

    let by_id: HashMap<i64, _> = targets.iter().map(|t| (t.camera_id, t)).collect();
    let same = |a: &CameraPlan, b: &CameraPlan| a.acts == b.acts && a.listening == b.listening;
    let mut checked = 0;
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    let mut planned: BTreeMap<&str, usize> = BTreeMap::new();
    let mut thumbnails = 0;
    for o in &found {
        let plan = sim
            .plan_at(o.camera_id, before)
            .expect("every target is simulated");
        if !same(&plan, &sim.plan_at(o.camera_id, after).unwrap()) {
            continue; // it changed during the sweep
        }
        checked += 1;
        let f = &o.finding;
        *states.entry(f.state.code()).or_default() += 1;
        *planned.entry(plan.acts.name()).or_default() += 1;
        assert!(
            plan.expected_states().contains(&f.state),
            "camera {} ({}) planned {:?}, found {:?}: {:?}",
            o.camera_id,
            plan.label,
            plan,
            f.state,
            f.error
        );
        if f.state == HealthState::Online {
            assert_eq!(f.codec.as_deref(), Some("H264"), "camera {}", o.camera_id);
            assert_eq!(
                (f.width_px, f.height_px),
                (Some(plan.width_px), Some(plan.height_px)),
                "camera {}: the SDP's size",
                o.camera_id
            );
        }
        if plan.acts == Behaviour::Healthy
            && f.state == HealthState::Online
            && by_id[&o.camera_id].snapshot_url.is_some()
        {
            let thumb = f
                .thumbnail_jpeg
                .as_ref()
                .unwrap_or_else(|| panic!("camera {}: no thumbnail: {:?}", o.camera_id, f.error));
            let picture = image::load_from_memory(thumb).expect("the thumbnail decodes");
            assert_eq!((picture.width(), picture.height()), (320, 180));
            thumbnails += 1;
        }
    }
    println!("checked {checked}: found {states:?}, planned {planned:?}, {thumbnails} thumbnails");
    assert_eq!(
        checked,
        found.len(),
        "the simulator's minute stood still during the sweep: every camera is checked"
    );
    let count = |s: &str| states.get(s).copied().unwrap_or(0);
    assert!(
        count("online") * 100 >= checked * 70,
        "most cameras are online: {states:?}"
    );
    // The mix shows: with this seed some cameras are down, refuse logins and send broken streams.
    assert!(count("offline") >= 1, "{states:?}");
    assert!(count("auth_failed") >= 1, "{states:?}");
    assert!(count("stream_error") >= 1, "{states:?}");
    assert!(thumbnails >= 20, "{thumbnails} thumbnails");
    let stats = sim.stats();
    assert!(stats.descriptions as usize >= count("online"), "{stats:?}");
    assert!(stats.logins_refused > 0 && stats.snapshots > 0, "{stats:?}");

    // A wrong password given by the desk is refused; snapshots show the time, so they change.
    let now = manual.now_unix_s();
    let healthy = targets
        .iter()
        .filter(|t| t.snapshot_url.is_some())
        .find(|t| {
            let p = sim.plan_at(t.camera_id, now).unwrap();
            p.acts == Behaviour::Healthy && p.password_known && p.listening
        })
        .expect("a healthy camera with a snapshot");
    let mut wrong = healthy.clone();
    wrong.credentials = Some(Credentials {
        username: healthy.credentials.as_ref().unwrap().username.clone(),
        password: "not-the-password".into(),
    });
    let f = probe_camera(&wrong, &ProbeOptions::default());
    assert_eq!(f.state, HealthState::AuthFailed, "{:?}", f.error);
    let snap = |t: &iccc_desk::model::ProbeTarget| {
        probe_snapshot(
            t.snapshot_url.as_ref().unwrap(),
            t.credentials.as_ref(),
            &Deadline::after(Duration::from_secs(3)),
        )
    };
    let first = snap(&healthy);
    assert_eq!(first.state, HealthState::Online, "{:?}", first.error);
    manual.advance(Duration::from_secs(1));
    let second = snap(&healthy);
    assert_ne!(
        first.thumbnail_jpeg, second.thumbnail_jpeg,
        "the picture shows the time"
    );
    assert_eq!(
        snap(&wrong).state,
        HealthState::AuthFailed,
        "snapshots need the password too"
    );

    // Stopped: `stop` returns once every thread has ended, and nothing listens any more (how fast it stops is
    // measured by `benches/simulator.rs`, not asserted here).
    sim.stop();
    let f = probe_camera(&healthy, &ProbeOptions::default());
    assert_eq!(f.state, HealthState::Offline, "{:?}", f.error);
}

#[test]
fn a_registry_too_big_for_one_process_runs_in_shard_processes() {
    use std::io::BufRead as _;
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path(), 200);
    let targets = store.probe_targets().unwrap();
    drop(store);
    // An open-file limit that leaves room for about half of the ~300 sockets in one process.
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 5428 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_iccc-desk"))
        .args(["simulate", "--seed", "36", "--duration-s", "10", "--db"])
        .arg(dir.path().join("registry.sqlite"))
        .arg("--key-dir")
        .arg(dir.path().join("keys"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("Simulating "), "{first}");
    assert!(first.contains(" in 2 processes"), "{first}");
    let report = sweep(
        targets.iter(),
        &SweepOptions {
            concurrency: 32,
            probe: ProbeOptions::default(),
            max_per_min: 0,
        },
        &AtomicBool::new(false),
        |_| {},
    );
    let online = report.by_state.get("online").copied().unwrap_or(0);
    assert!(online * 10 >= report.probed * 7, "{:?}", report.by_state);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(child.wait().unwrap().success());
    let last = rest.last().expect("a closing line");
    assert!(last.starts_with("Stopped after"), "{rest:?}");
}
