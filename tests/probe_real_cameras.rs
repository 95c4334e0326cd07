//! The desk probes real camera-like servers on 127.0.0.1 — GStreamer's RTSP server with Digest or Basic auth,
//! Apache serving JPEG snapshots behind Digest auth on the Hikvision and Dahua paths, and servers that misbehave —
//! and records what a supervisor would want to know: online with codec and size, auth failed, offline, or a
//! stream error, each with a reason that never shows the password.

mod common;

use std::time::{Duration, Instant};

use common::real_servers::{
    Auth, BadMode, BadServer, RtspCamera, SnapshotServer, closed_port, test_jpeg,
};
use iccc_desk::model::ProbeTarget;
use iccc_desk::model::{Credentials, HealthState};
use iccc_desk::services::probe::{
    Deadline, ProbeOptions, probe_camera, probe_rtsp, probe_snapshot,
};
use url::Url;

const USER: &str = "admin";
const PASS: &str = "Cam#Pass-2026";

fn creds(password: &str) -> Credentials {
    Credentials {
        username: USER.into(),
        password: password.into(),
    }
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("test URL")
}

fn rtsp(camera_url: &str, password: Option<&str>) -> iccc_desk::model::Finding {
    let c = password.map(creds);
    probe_rtsp(
        &url(camera_url),
        c.as_ref(),
        &Deadline::after(Duration::from_secs(5)),
    )
}

fn no_secret(finding: &iccc_desk::model::Finding) {
    let text = format!("{finding:?}");
    assert!(!text.contains(PASS), "the password leaked: {text}");
    assert!(
        !text.contains("wrong-password"),
        "the password leaked: {text}"
    );
}

#[test]
fn rtsp_digest_camera_online_auth_failed_and_offline() {
    let camera = RtspCamera::start(Auth::Digest, USER, PASS);
    let f = rtsp(&camera.url(), Some(PASS));
    assert_eq!(f.state, HealthState::Online, "{f:?}");
    assert_eq!(f.codec.as_deref(), Some("H264"));
    assert_eq!((f.width_px, f.height_px), (Some(640), Some(360)));
    assert!(f.error.is_none());
    no_secret(&f);

    let f = rtsp(&camera.url(), Some("wrong-password"));
    assert_eq!(f.state, HealthState::AuthFailed, "{f:?}");
    assert!(
        f.error.as_deref().unwrap_or_default().contains("Digest"),
        "{f:?}"
    );
    no_secret(&f);

    let f = rtsp(&camera.url(), None);
    assert_eq!(f.state, HealthState::AuthFailed, "{f:?}");
    assert!(
        f.error
            .as_deref()
            .unwrap_or_default()
            .contains("none is stored")
    );

    let f = rtsp(
        &format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
        Some(PASS),
    );
    assert_eq!(f.state, HealthState::Offline, "{f:?}");
    assert!(
        f.error
            .as_deref()
            .unwrap_or_default()
            .contains("cannot connect"),
        "{f:?}"
    );
}

#[test]
fn rtsp_basic_camera_online() {
    let camera = RtspCamera::start(Auth::Basic, USER, PASS);
    let f = rtsp(&camera.url(), Some(PASS));
    assert_eq!(f.state, HealthState::Online, "{f:?}");
    assert_eq!((f.width_px, f.height_px), (Some(640), Some(360)));
    let f = rtsp(&camera.url(), Some("wrong-password"));
    assert_eq!(f.state, HealthState::AuthFailed, "{f:?}");
    assert!(
        f.error.as_deref().unwrap_or_default().contains("Basic"),
        "{f:?}"
    );
}

#[test]
fn camera_stopped_mid_run_goes_offline_then_online_again() {
    let mut camera = RtspCamera::start(Auth::Digest, USER, PASS);
    assert_eq!(rtsp(&camera.url(), Some(PASS)).state, HealthState::Online);
    camera.stop();
    let f = rtsp(&camera.url(), Some(PASS));
    assert_eq!(f.state, HealthState::Offline, "{f:?}");
    camera.restart();
    assert_eq!(rtsp(&camera.url(), Some(PASS)).state, HealthState::Online);
}

#[test]
fn snapshots_with_digest_on_hikvision_and_dahua_paths() {
    let server = SnapshotServer::start(USER, PASS, &test_jpeg(640, 360));
    for snapshot in [server.hikvision_url(), server.dahua_url()] {
        let deadline = Deadline::after(Duration::from_secs(5));
        let f = probe_snapshot(&url(&snapshot), Some(&creds(PASS)), &deadline);
        assert_eq!(f.state, HealthState::Online, "{snapshot}: {f:?}");
        assert_eq!((f.width_px, f.height_px), (Some(640), Some(360)));
        let thumb =
            image::load_from_memory(f.thumbnail_jpeg.as_deref().expect("a thumbnail")).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 180));

        let f = probe_snapshot(
            &url(&snapshot),
            Some(&creds("wrong-password")),
            &Deadline::after(Duration::from_secs(5)),
        );
        assert_eq!(f.state, HealthState::AuthFailed, "{f:?}");
        no_secret(&f);
    }
}

#[test]
fn a_camera_with_stream_and_snapshot_gets_state_and_thumbnail() {
    let camera = RtspCamera::start(Auth::Digest, USER, PASS);
    let server = SnapshotServer::start(USER, PASS, &test_jpeg(1280, 720));
    let target = ProbeTarget {
        camera_id: 7,
        stream_url: Some(url(&camera.url())),
        snapshot_url: Some(url(&server.hikvision_url())),
        credentials: Some(creds(PASS)),
    };
    let f = probe_camera(&target, &ProbeOptions::default());
    assert_eq!(f.state, HealthState::Online, "{f:?}");
    assert_eq!(
        (f.width_px, f.height_px),
        (Some(640), Some(360)),
        "size from the stream"
    );
    assert!(f.thumbnail_jpeg.is_some());
}

/// Every bad answer ends its probe with a clear status, within the deadline (plus a little), never a hang.
#[test]
fn misbehaving_servers_end_the_probe_with_a_clear_status() {
    let limit = Duration::from_millis(1500);
    let cases = [
        (
            BadMode::Garbage,
            true,
            HealthState::StreamError,
            "not a RTSP answer",
        ),
        (
            BadMode::Garbage,
            false,
            HealthState::StreamError,
            "not a HTTP answer",
        ),
        (
            BadMode::HugeBody,
            false,
            HealthState::StreamError,
            "larger than",
        ),
        (
            BadMode::SlowTrickle,
            true,
            HealthState::StreamError,
            "stalled",
        ),
        (
            BadMode::SlowTrickle,
            false,
            HealthState::StreamError,
            "stalled",
        ),
        (
            BadMode::TruncatedJpeg,
            false,
            HealthState::StreamError,
            "cut short",
        ),
        (
            BadMode::RtspNoVideo,
            true,
            HealthState::StreamError,
            "no video track",
        ),
        (BadMode::Silent, true, HealthState::Offline, "no answer"),
    ];
    for (mode, is_rtsp, want, words) in cases {
        let server = BadServer::start(mode);
        let started = Instant::now();
        let deadline = Deadline::after(limit);
        let f = if is_rtsp {
            probe_rtsp(&url(&server.rtsp_url()), Some(&creds(PASS)), &deadline)
        } else {
            probe_snapshot(&url(&server.http_url()), Some(&creds(PASS)), &deadline)
        };
        let took = started.elapsed();
        assert_eq!(f.state, want, "{mode:?} (rtsp: {is_rtsp}): {f:?}");
        let error = f.error.clone().unwrap_or_default();
        assert!(error.contains(words), "{mode:?}: {error}");
        // A hang guard, not a speed figure: the probe must give up on its own.
        assert!(took < limit * 4, "{mode:?} took {took:?}");
        no_secret(&f);
    }
}

/// The headless prober, as the ICCC server would run it: one sweep over a registry whose cameras point at the
/// real servers, results stored, JSON printed, passwords nowhere in the output.
#[test]
fn probe_command_sweeps_the_registry_and_stores_health() {
    use iccc_desk::model::Site;
    use iccc_desk::store::{Actor, OpenOptions, Store};

    let camera = RtspCamera::start(Auth::Digest, USER, PASS);
    let server = SnapshotServer::start(USER, PASS, &test_jpeg(640, 360));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite");
    let keys = dir.path().join("keys");
    let actor = Actor {
        user: "test".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut store = Store::open(
        &db,
        &OpenOptions {
            key_dir: keys.clone(),
        },
    )
    .unwrap();
    let mut site = Site::blank();
    site.name_en = "Hotel Raj Palace".into();
    let site = store.add_site(&actor, &site).unwrap();
    let mut add = |label: &str, stream: String, snapshot: String, password: &str| {
        common::add_integrated_camera(&mut store, site.id, label, stream, snapshot, password)
    };
    let good = add("Main gate", camera.url(), server.hikvision_url(), PASS);
    let wrong = add(
        "Lobby",
        format!("{}?second", camera.url()),
        server.dahua_url(),
        "wrong-password",
    );
    let dead = add(
        "Parking",
        format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
        String::new(),
        PASS,
    );
    drop(store);

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .args(["probe", "--once", "--json", "--timeout-ms", "3000", "--db"])
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        !stdout.contains(PASS) && !stderr.contains(PASS),
        "password in the output"
    );
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let state_of = |id: i64| {
        report["cameras"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["camera_id"] == id)
            .map(|c| c["state"].as_str().unwrap().to_string())
    };
    assert_eq!(state_of(good).as_deref(), Some("online"));
    assert_eq!(state_of(wrong).as_deref(), Some("auth_failed"));
    assert_eq!(state_of(dead).as_deref(), Some("offline"));
    assert_eq!(report["summary"]["probed"], 3);

    // Stored: latest health with codec and size, a run per camera, the thumbnail of the good one.
    let store = Store::open(&db, &OpenOptions { key_dir: keys }).unwrap();
    let health = store.health().unwrap();
    let h = &health[&good];
    assert_eq!(h.state, HealthState::Online);
    assert_eq!(
        (h.codec.as_deref(), h.width_px, h.height_px),
        (Some("H264"), Some(640), Some(360))
    );
    assert!(h.last_online_unix_s.is_some());
    assert!(store.thumbnail(good).unwrap().is_some());
    assert_eq!(health[&wrong].state, HealthState::AuthFailed);
    assert_eq!(health[&dead].state, HealthState::Offline);
    assert_eq!(health[&dead].failures_in_row, 1);
    assert_eq!(store.health_runs(good, 0).unwrap().len(), 1);
}

/// "Probe now" on one camera is answered within seconds even while a long scheduled sweep is under way: the
/// asked-for camera goes before the rest of the schedule.
#[test]
fn probe_now_goes_before_a_long_sweep() {
    use iccc_desk::model::Site;
    use iccc_desk::services::monitor::{
        HealthMonitor, MonitorCommand, MonitorEvent, MonitorOptions,
    };
    use iccc_desk::services::prober::SweepOptions;
    use iccc_desk::store::{Actor, OpenOptions, Store};

    let camera = RtspCamera::start(Auth::Digest, USER, PASS);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite");
    let options = OpenOptions {
        key_dir: dir.path().join("keys"),
    };
    let good = {
        let mut store = Store::open(&db, &options).unwrap();
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = Site::blank();
        site.name_en = "Jhansi Railway Station".into();
        let site = store.add_site(&actor, &site).unwrap();
        let dead_port = closed_port();
        for i in 0..40 {
            common::add_integrated_camera(
                &mut store,
                site.id,
                &format!("Platform {i}"),
                format!("rtsp://127.0.0.1:{dead_port}/Streaming/Channels/{i}01"),
                String::new(),
                PASS,
            );
        }
        // Added last, so the schedule reaches it last.
        common::add_integrated_camera(
            &mut store,
            site.id,
            "Main entrance",
            camera.url(),
            String::new(),
            PASS,
        )
    };
    // One probe a second: the scheduled sweep of 41 cameras takes 40 s.
    let monitor = HealthMonitor::start(
        db,
        options.key_dir,
        MonitorOptions {
            interval_s: 600,
            sweep: SweepOptions {
                concurrency: 2,
                max_per_min: 60,
                ..SweepOptions::default()
            },
        },
        std::sync::Arc::new(|| {}),
    );
    let next_update = |deadline: Instant| -> Vec<(i64, HealthState)> {
        while Instant::now() < deadline {
            match monitor.try_recv() {
                Some(MonitorEvent::Updated(updates)) => {
                    return updates
                        .iter()
                        .map(|u| (u.record.camera_id, u.record.state))
                        .collect();
                }
                Some(MonitorEvent::Failed(e)) => panic!("the monitor failed: {e}"),
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        Vec::new()
    };
    // Let the scheduled sweep get going (the first dead cameras report), then ask.
    let started = next_update(Instant::now() + Duration::from_secs(20));
    assert!(
        !started.is_empty() && started.iter().all(|(id, _)| *id != good),
        "{started:?}"
    );
    let asked = Instant::now();
    monitor.send(MonitorCommand::ProbeNow(vec![good]));
    let deadline = asked + Duration::from_secs(20);
    let mut found = None;
    while found.is_none() && Instant::now() < deadline {
        found = next_update(deadline)
            .into_iter()
            .find(|(id, _)| *id == good)
            .map(|(_, state)| state);
    }
    assert_eq!(
        found,
        Some(HealthState::Online),
        "probe now was not answered in 20 s"
    );
}
