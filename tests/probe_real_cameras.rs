//! The desk probes real camera-like servers on 127.0.0.1 — GStreamer's RTSP server with Digest or Basic auth,
//! Apache serving JPEG snapshots behind Digest auth on the Hikvision and Dahua paths, and servers that misbehave —
//! and records what a supervisor would want to know: online with codec and size, auth failed, offline, or a
//! stream error, each with a reason that never shows the password.

mod common;

use std::time::{Duration, Instant};

use common::real_servers::{
    Auth, BadMode, BadServer, CannedServer, LighttpdSnapshotServer, RtspCamera, SnapshotServer,
    closed_port, jpeg_answerer, rtsp_answerer, test_jpeg,
};
use iccc_desk::model::ProbeTarget;
use iccc_desk::model::{Credentials, HealthState, ManualClock};
use iccc_desk::services::health::probe::{
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
        password_unreadable: false,
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
    use iccc_desk::services::health::monitor::{
        HealthMonitor, MonitorCommand, MonitorEvent, MonitorOptions,
    };
    use iccc_desk::services::health::prober::SweepOptions;
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
    let (wake, woken) = wake_channel();
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
        wake,
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
                Some(_) => {}
                // The monitor wakes the UI after each event.
                None => {
                    let _ = woken.recv_timeout(deadline.saturating_duration_since(Instant::now()));
                }
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

const LOOPBACK_V4: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
const LOOPBACK_V6: std::net::IpAddr = std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);

/// Snapshot answers whose chunk sizes do not add up (sizes near the top of the address range, sizes that
/// disagree with the data): each is one camera's stream error, and the headless prober ends normally instead of
/// panicking (exit 101).
#[test]
fn hostile_chunked_snapshots_are_a_stream_error_not_a_crash() {
    let bodies: [&[u8]; 4] = [
        b"3\r\nabc\r\nfffffffffffffffe\r\nxy\r\n0\r\n\r\n",
        b"ffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        b"10\r\nabc\r\n0\r\n\r\n",
        b"2\r\nabcdef\r\n0\r\n\r\n",
    ];
    let servers: Vec<CannedServer> = bodies
        .iter()
        .map(|body| {
            let mut answer =
                b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
            answer.extend_from_slice(body);
            CannedServer::start(LOOPBACK_V4, std::sync::Arc::new(move |_: &str| Some(answer.clone())))
        })
        .collect();
    for server in &servers {
        let f = probe_snapshot(
            &url(&server.url("http", "/snap.jpg")),
            None,
            &Deadline::after(Duration::from_secs(5)),
        );
        assert_eq!(f.state, HealthState::StreamError, "{f:?}");
        let error = f.error.unwrap_or_default();
        assert!(
            error.contains("chunk") || error.contains("larger than"),
            "{error}"
        );
    }

    // The same cameras in a registry, probed by `iccc-desk probe --once`.
    use iccc_desk::model::Site;
    use iccc_desk::store::{Actor, OpenOptions, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite");
    let keys = dir.path().join("keys");
    let mut store = Store::open(
        &db,
        &OpenOptions {
            key_dir: keys.clone(),
        },
    )
    .unwrap();
    let actor = Actor {
        user: "test".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut site = Site::blank();
    site.name_en = "Hotel Raj Palace".into();
    let site = store.add_site(&actor, &site).unwrap();
    // A working stream, so the snapshot is asked for too.
    let stream = CannedServer::start(
        LOOPBACK_V4,
        rtsp_answerer("v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"),
    );
    for (i, server) in servers.iter().enumerate() {
        common::add_integrated_camera(
            &mut store,
            site.id,
            &format!("Gate {i}"),
            stream.url("rtsp", &format!("/Streaming/Channels/{i}01")),
            server.url("http", "/snap.jpg"),
            PASS,
        );
    }
    drop(store);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .args(["probe", "--once", "--json", "--timeout-ms", "3000", "--db"])
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    let report: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim()).unwrap();
    let cameras = report["cameras"].as_array().unwrap();
    assert_eq!(cameras.len(), 4, "{report}");
    for c in cameras {
        let error = c["error"].as_str().unwrap_or_default();
        assert!(error.starts_with("snapshot:"), "{c}");
    }
}

/// A silent server (accepts, never answers) on every step of a probe: the probe of a camera gives up at its
/// deadline, not later. A property of the deadline, not a speed figure: 1,000 ms allowed 5% (1,050 ms).
#[test]
fn silent_servers_end_each_probe_within_its_deadline() {
    let limit = Duration::from_millis(1000);
    let allowed = Duration::from_millis(1050);
    let silent = CannedServer::start(LOOPBACK_V4, std::sync::Arc::new(|_: &str| None));
    // OPTIONS answered, DESCRIBE never.
    let half = CannedServer::start(
        LOOPBACK_V4,
        std::sync::Arc::new(|head: &str| {
            head.starts_with("OPTIONS").then(|| {
                format!(
                    "RTSP/1.0 200 OK\r\nCSeq: {}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n",
                    common::real_servers::cseq_of(head)
                )
                .into_bytes()
            })
        }),
    );
    let trickle = BadServer::start(BadMode::SlowTrickle);
    let cases = [
        (
            "silent RTSP",
            Some(silent.url("rtsp", RTSP_PATH_FOR_TESTS)),
            None,
        ),
        (
            "silent snapshot",
            None,
            Some(silent.url("http", "/snap.jpg")),
        ),
        (
            "silent DESCRIBE",
            Some(half.url("rtsp", RTSP_PATH_FOR_TESTS)),
            None,
        ),
        // A trickling stream (a stream error, so the snapshot is tried too) then a silent snapshot: one
        // deadline for the whole camera.
        (
            "trickle, then silent snapshot",
            Some(trickle.rtsp_url()),
            Some(silent.url("http", "/snap.jpg")),
        ),
        (
            "silent, by host name",
            Some(format!(
                "rtsp://localhost:{}{RTSP_PATH_FOR_TESTS}",
                silent.addr().port()
            )),
            None,
        ),
    ];
    for (what, stream, snapshot) in cases {
        let target = ProbeTarget {
            camera_id: 1,
            stream_url: stream.as_deref().map(url),
            snapshot_url: snapshot.as_deref().map(url),
            credentials: Some(creds(PASS)),
            password_unreadable: false,
        };
        let started = Instant::now();
        let f = probe_camera(&target, &ProbeOptions { timeout: limit });
        let took = started.elapsed();
        println!(
            "{what}: {} ms for a {} ms deadline",
            took.as_millis(),
            limit.as_millis()
        );
        assert_ne!(f.state, HealthState::Online, "{what}: {f:?}");
        assert!(
            took <= allowed,
            "{what}: the probe took {} ms for a {} ms deadline: {f:?}",
            took.as_millis(),
            limit.as_millis()
        );
    }
}

const RTSP_PATH_FOR_TESTS: &str = "/Streaming/Channels/101";

/// lighttpd's Digest (mod_auth), a second snapshot server vendor beside Apache, on the Hikvision and Dahua paths.
#[test]
fn lighttpd_snapshots_with_digest() {
    let server = LighttpdSnapshotServer::start_on("127.0.0.1", USER, PASS, &test_jpeg(800, 450));
    for snapshot_url in [server.hikvision_url(), server.dahua_url()] {
        let deadline = || Deadline::after(Duration::from_secs(5));
        let f = probe_snapshot(&url(&snapshot_url), Some(&creds(PASS)), &deadline());
        assert_eq!(f.state, HealthState::Online, "{snapshot_url}: {f:?}");
        assert_eq!((f.width_px, f.height_px), (Some(800), Some(450)));
        assert!(f.thumbnail_jpeg.is_some());
        let f = probe_snapshot(
            &url(&snapshot_url),
            Some(&creds("wrong-password")),
            &deadline(),
        );
        assert_eq!(f.state, HealthState::AuthFailed, "{f:?}");
        no_secret(&f);
        let f = probe_snapshot(&url(&snapshot_url), None, &deadline());
        assert_eq!(f.state, HealthState::AuthFailed, "{f:?}");
    }
}

/// Cameras on IPv6 (`[::1]`): a real GStreamer RTSP server and a snapshot server, both on ::1, are online.
#[test]
fn ipv6_cameras_are_probed() {
    let Ok(snapshots) = CannedServer::try_start(LOOPBACK_V6, jpeg_answerer(test_jpeg(320, 240)))
    else {
        println!("skipped: this machine has no IPv6 loopback (cannot bind [::1])");
        return;
    };
    let snapshot_url = snapshots.url("http", "/snap.jpg");
    assert!(snapshot_url.starts_with("http://[::1]:"), "{snapshot_url}");
    let f = probe_snapshot(
        &url(&snapshot_url),
        None,
        &Deadline::after(Duration::from_secs(5)),
    );
    assert_eq!(f.state, HealthState::Online, "{f:?}");
    assert_eq!((f.width_px, f.height_px), (Some(320), Some(240)));

    let camera = RtspCamera::start_with(Auth::Digest, USER, PASS, "h264", "::1");
    assert!(
        camera.url().starts_with("rtsp://[::1]:"),
        "{}",
        camera.url()
    );
    let target = ProbeTarget {
        camera_id: 1,
        stream_url: Some(url(&camera.url())),
        snapshot_url: Some(url(&snapshot_url)),
        credentials: Some(creds(PASS)),
        password_unreadable: false,
    };
    let f = probe_camera(&target, &ProbeOptions::default());
    assert_eq!(f.state, HealthState::Online, "{f:?}");
    assert_eq!((f.width_px, f.height_px), (Some(640), Some(360)));
    assert!(f.thumbnail_jpeg.is_some() && f.error.is_none(), "{f:?}");
}

/// Other vendors' descriptions: live555 and VLC leave out `a=rtpmap` for static payload types (26 JPEG, 32 MPV,
/// 33 MP2T, 34 H263); GStreamer's H.265 stream gives its picture size in `sprop-sps`; its MPEG-TS stream uses
/// payload type 33.
#[test]
fn static_payload_types_and_h265_sizes_from_real_descriptions() {
    // Recorded from live555's testOnDemandRTSPServer ("mjpeg" and "mpeg2TransportStreamTest") and shaped the same
    // for MPV and H263: no rtpmap for static types.
    const LIVE555_JPEG: &str = "v=0\r\no=- 1733136000000000 1 IN IP4 127.0.0.1\r\ns=Session streamed by \"testOnDemandRTSPServer\"\r\ni=mjpeg\r\nt=0 0\r\na=tool:LIVE555 Streaming Media v2023.11.30\r\na=type:broadcast\r\na=control:*\r\na=range:npt=now-\r\na=x-qt-text-nam:Session streamed by \"testOnDemandRTSPServer\"\r\na=x-qt-text-inf:mjpeg\r\nm=video 0 RTP/AVP 26\r\nc=IN IP4 0.0.0.0\r\nb=AS:500\r\na=control:track1\r\n";
    const LIVE555_MP2T: &str = "v=0\r\no=- 1733136000000000 1 IN IP4 127.0.0.1\r\ns=Session streamed by \"testOnDemandRTSPServer\"\r\ni=mpeg2TransportStreamTest\r\nt=0 0\r\na=tool:LIVE555 Streaming Media v2023.11.30\r\na=type:broadcast\r\na=control:*\r\na=range:npt=0-\r\nm=video 0 RTP/AVP 33\r\nc=IN IP4 0.0.0.0\r\nb=AS:5000\r\na=control:track1\r\n";
    const VLC_MPV: &str = "v=0\r\no=- 15823466270412457556 15823466270412457556 IN IP4 127.0.0.1\r\ns=Unnamed\r\ni=N/A\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=tool:vlc 3.0.18\r\na=recvonly\r\na=type:broadcast\r\na=charset:UTF-8\r\na=control:rtsp://127.0.0.1/cam\r\nm=audio 0 RTP/AVP 14\r\nb=RR:0\r\na=control:rtsp://127.0.0.1/cam/trackID=0\r\nm=video 0 RTP/AVP 32\r\nb=RR:0\r\na=control:rtsp://127.0.0.1/cam/trackID=1\r\n";
    const H263: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=H263\r\nt=0 0\r\nm=video 0 RTP/AVP 34\r\nc=IN IP4 0.0.0.0\r\na=control:track1\r\n";
    for (sdp, codec) in [
        (LIVE555_JPEG, "JPEG"),
        (LIVE555_MP2T, "MP2T"),
        (VLC_MPV, "MPV"),
        (H263, "H263"),
    ] {
        let server = CannedServer::start(LOOPBACK_V4, rtsp_answerer(sdp));
        let f = rtsp(&server.url("rtsp", RTSP_PATH_FOR_TESTS), None);
        assert_eq!(f.state, HealthState::Online, "{codec}: {f:?}");
        assert_eq!(f.codec.as_deref(), Some(codec));
    }

    let h265 = RtspCamera::start_with(Auth::Digest, USER, PASS, "h265", "127.0.0.1");
    let f = rtsp(&h265.url(), Some(PASS));
    assert_eq!(f.state, HealthState::Online, "{f:?}");
    assert_eq!(f.codec.as_deref(), Some("H265"));
    assert_eq!((f.width_px, f.height_px), (Some(640), Some(360)));

    let mp2t = RtspCamera::start_with(Auth::Basic, USER, PASS, "mp2t", "127.0.0.1");
    let f = rtsp(&mp2t.url(), Some(PASS));
    assert_eq!(f.state, HealthState::Online, "{f:?}");
    assert_eq!(f.codec.as_deref(), Some("MP2T"));
}

/// `rtsps://` (RTSP over TLS): refused by name, with nothing sent — not "offline", and no plain RTSP to the
/// camera's TLS port.
#[test]
fn rtsps_streams_are_refused_by_name_and_nothing_is_sent() {
    // A server that would answer plain RTSP, counting what it is asked.
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let answer = rtsp_answerer("v=0\r\nm=video 0 RTP/AVP 26\r\n");
    let counter = asked.clone();
    let listener = CannedServer::start(
        LOOPBACK_V4,
        std::sync::Arc::new(move |head: &str| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            answer(head)
        }),
    );
    let f = rtsp(&listener.url("rtsps", RTSP_PATH_FOR_TESTS), Some(PASS));
    assert_eq!(f.state, HealthState::StreamError, "{f:?}");
    let error = f.error.unwrap_or_default();
    assert!(
        error.contains("rtsps (RTSP over TLS) is not supported"),
        "{error}"
    );
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 0);
    // Nor does the registry take one: the form and the import say why.
    let mut camera = iccc_desk::model::Camera::blank_at(25.45, 78.57);
    camera.label = "Gate".into();
    camera.stream_url = "rtsps://127.0.0.1:322/Streaming/Channels/101".into();
    let errors = iccc_desk::model::validate_camera(&camera);
    let i18n = iccc_desk::i18n::I18n::new(iccc_desk::i18n::Lang::En);
    let texts: Vec<String> = errors
        .iter()
        .map(|e| {
            i18n.tr_args(
                e.problem.i18n_key(),
                &e.problem
                    .args()
                    .iter()
                    .map(|(k, v)| (*k, v.clone()))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("rtsps:// (RTSP over TLS) is not supported")),
        "{texts:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    // An existing registry (a dry run does not create one).
    drop(
        iccc_desk::store::Store::open(
            &dir.path().join("registry.sqlite"),
            &iccc_desk::store::OpenOptions {
                key_dir: dir.path().join("keys"),
            },
        )
        .unwrap(),
    );
    let list = dir.path().join("cameras.csv");
    std::fs::write(
        &list,
        "site,category,camera,area,stream_url,lat,lon\nHotel Raj,hotel,Gate,gate,rtsps://127.0.0.5:322/1,25.4486,78.5697\n",
    )
    .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .arg("import")
        .arg(&list)
        .arg("--dry-run")
        .arg("--db")
        .arg(dir.path().join("registry.sqlite"))
        .arg("--key-dir")
        .arg(dir.path().join("keys"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains("row 2: stream_url: rtsps:// (RTSP over TLS) is not supported"),
        "{said}"
    );
}

/// A continuous `probe` while another program holds the registry's write lock (a long import): the results are
/// held and written once the lock goes, with a message, and the prober does not quit.
#[test]
fn continuous_probe_holds_results_while_the_registry_is_busy() {
    use iccc_desk::model::Site;
    use iccc_desk::store::{Actor, OpenOptions, Store};
    use std::io::{BufRead as _, BufReader};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite");
    let keys = dir.path().join("keys");
    let dead = {
        let mut store = Store::open(
            &db,
            &OpenOptions {
                key_dir: keys.clone(),
            },
        )
        .unwrap();
        let actor = Actor {
            user: "test".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let site = store.add_site(&actor, &site).unwrap();
        common::add_integrated_camera(
            &mut store,
            site.id,
            "Parking",
            format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
            String::new(),
            PASS,
        )
    };
    // The "long import": a second connection holding a write transaction.
    let importer = rusqlite::Connection::open(&db).unwrap();
    importer.execute_batch("BEGIN IMMEDIATE").unwrap();

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .args([
            "probe",
            "--interval-s",
            "3600",
            "--timeout-ms",
            "1000",
            "--db",
        ])
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(60));
    let held = first.as_deref().unwrap_or_default().to_string();
    assert!(
        held.contains("registry is busy") && held.contains("held"),
        "expected a 'held' message, got {first:?}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "the prober quit on a busy registry"
    );
    importer.execute_batch("COMMIT").unwrap();

    // The held result is written on a later try (within a minute), by the same process.
    let reader = Store::open(&db, &OpenOptions { key_dir: keys }).unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    let mut written = false;
    while !written && Instant::now() < until {
        written = reader.health().unwrap().contains_key(&dead);
        if !written {
            // Kept: `iccc-desk probe` is another process on the computer's clock (it tries again after 5 s);
            // nothing but its registry file says when it wrote.
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(written, "the held result never reached the registry");
    assert!(still_running, "the prober quit");
    assert_eq!(reader.health().unwrap()[&dead].state, HealthState::Offline);
}

/// A slow (paced) `probe --once` writes its results as the sweep goes, in the desk prober's batches (full, or
/// half a second old), rather than only at the end: a long sweep shows progress in the registry and loses
/// little if it is stopped.
#[test]
fn a_paced_probe_writes_its_results_as_it_goes_like_the_desk() {
    use iccc_desk::model::Site;
    use iccc_desk::store::{Actor, OpenOptions, Store};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite");
    let keys = dir.path().join("keys");
    {
        let mut store = Store::open(
            &db,
            &OpenOptions {
                key_dir: keys.clone(),
            },
        )
        .unwrap();
        let actor = Actor {
            user: "test".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = Site::blank();
        site.name_en = "Jhansi Fort".into();
        let site = store.add_site(&actor, &site).unwrap();
        for label in ["Gate", "Rampart", "Museum"] {
            common::add_integrated_camera(
                &mut store,
                site.id,
                label,
                format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
                String::new(),
                PASS,
            );
        }
    }
    // 20 probes a minute: the three start 3 s apart, and each refused connection answers at once.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .args([
            "probe",
            "--once",
            "--max-per-min",
            "20",
            "--timeout-ms",
            "1000",
            "--db",
        ])
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let reader = Store::open(&db, &OpenOptions { key_dir: keys }).unwrap();
    let mut seen_during_sweep = 0;
    while child.try_wait().unwrap().is_none() {
        let stored = reader.health().unwrap().len();
        if stored < 3 {
            seen_during_sweep = seen_during_sweep.max(stored);
        }
        // Kept: the paced sweep is another process on the computer's clock; its registry file is all there
        // is to watch.
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(reader.health().unwrap().len(), 3, "every result stored");
    assert!(
        seen_during_sweep > 0,
        "no result reached the registry before the sweep ended"
    );
}

/// The desk's prober while a long import holds the registry's write lock: it says the results are held, does not
/// stop, and writes them once the lock goes.
#[test]
fn desk_prober_holds_results_while_the_registry_is_busy() {
    use iccc_desk::model::Site;
    use iccc_desk::services::health::monitor::{HealthMonitor, MonitorEvent, MonitorOptions};
    use iccc_desk::store::{Actor, OpenOptions, Store};

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.sqlite");
    let options = OpenOptions {
        key_dir: dir.path().join("keys"),
    };
    let dead = {
        let mut store = Store::open(&db, &options).unwrap();
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = Site::blank();
        site.name_en = "Jhansi Railway Station".into();
        let site = store.add_site(&actor, &site).unwrap();
        common::add_integrated_camera(
            &mut store,
            site.id,
            "Platform 1",
            format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
            String::new(),
            PASS,
        )
    };
    let importer = rusqlite::Connection::open(&db).unwrap();
    importer.execute_batch("BEGIN IMMEDIATE").unwrap();
    // The prober's waits (between sweeps, before a retry) follow this clock, moved on by the test.
    let manual = ManualClock::starting_at(1_795_564_900);
    let (wake, woken) = wake_channel();
    let monitor = HealthMonitor::start_with_clock(
        db,
        options.key_dir,
        MonitorOptions::default(),
        manual.clock(),
        wake,
    );
    let mut events = Vec::new();
    let take_events = |events: &mut Vec<String>| -> Vec<MonitorEvent> {
        let taken: Vec<MonitorEvent> = std::iter::from_fn(|| monitor.try_recv()).collect();
        events.extend(taken.iter().map(|e| format!("{e:?}")));
        assert!(
            !taken
                .iter()
                .any(|e| matches!(e, MonitorEvent::Failed(_) | MonitorEvent::Restarting { .. })),
            "the prober stopped: {events:?}"
        );
        taken
    };
    let settle = Duration::from_secs(60);
    assert!(
        manual.wait_for_waiters(1, settle),
        "the prober waits for its first sweep"
    );
    manual.advance(Duration::from_secs(1));
    // The sweep's write waits out the store's busy timeout before the prober reports the result held.
    let until = Instant::now() + settle;
    while !events
        .iter()
        .any(|e: &String| e.starts_with("Held { results: 1 }"))
    {
        assert!(
            Instant::now() < until,
            "no 'held' report within 60 s: {events:?}"
        );
        let _ = woken.recv_timeout(until.saturating_duration_since(Instant::now()));
        take_events(&mut events);
    }
    importer.execute_batch("COMMIT").unwrap();
    let is_written = |e: &MonitorEvent| matches!(e, MonitorEvent::Updated(u) if u.iter().any(|u| u.record.camera_id == dead && u.record.state == HealthState::Offline));

    // The lock has gone, but a busy registry is tried again only 5 s (of the prober's clock) later.
    manual.advance(Duration::from_millis(4_999));
    assert!(manual.settle(settle));
    assert!(
        !take_events(&mut events).iter().any(is_written),
        "written before 5 s: {events:?}"
    );
    manual.advance(Duration::from_millis(1_001));
    assert!(manual.settle(settle));
    assert!(
        take_events(&mut events).iter().any(is_written),
        "the held result was not written 5 s later: {events:?}"
    );
}

/// A wake callback for a service, and the channel where each wake arrives (a test waits on it instead of
/// polling).
fn wake_channel() -> (
    std::sync::Arc<dyn Fn() + Send + Sync>,
    std::sync::mpsc::Receiver<()>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let wake = move || {
        let _ = tx.lock().unwrap_or_else(|e| e.into_inner()).send(());
    };
    (std::sync::Arc::new(wake), rx)
}
