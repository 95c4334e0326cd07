//! Figures for the registry desk at scale (run: `cargo bench --bench registry`; `-- --cameras N` to change the
//! size). Prints: demo generation rate, registry open time (file → snapshot → index), and the frame time of the
//! registry table while a filter is typed, at 200,000 cameras by default. Speed is measured here, never asserted
//! in tests.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::services::registry_index::RegistryIndex;
use iccc_desk::store::{OpenOptions, Store};
use iccc_desk::ui::DeskApp;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--wall") {
        let db = std::path::PathBuf::from(&args[i + 1]);
        let keys = std::path::PathBuf::from(&args[i + 2]);
        wall_figures(db, keys);
        return;
    }
    if args.iter().any(|a| a == "--live") {
        live_figures();
        return;
    }
    let cameras = args
        .iter()
        .position(|a| a == "--cameras")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000usize);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.sqlite");
    let keys = dir.path().join("keys");
    let options = OpenOptions {
        key_dir: keys.clone(),
    };

    // 1. Demo generation.
    let mut store = Store::open(&db, &options).expect("new registry");
    let started = Instant::now();
    let summary = generate(
        &mut store,
        &DemoOptions {
            cameras,
            seed: 7,
            now_unix_s: 1_795_564_800,
            user: "bench".into(),
        },
        &|_| true,
    )
    .expect("demo registry");
    let generation = started.elapsed();
    drop(store);
    println!(
        "demo generation: {cameras} cameras in {:.2} s = {:.0} cameras/s ({summary:?})",
        generation.as_secs_f64(),
        cameras as f64 / generation.as_secs_f64()
    );

    // 2. Open: file → snapshot → index, as the desk's worker and first frame do it.
    let mut opens = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let store = Store::open(&db, &options).expect("open");
        let snapshot = store.load_snapshot().expect("snapshot");
        let t_load = started.elapsed();
        let index = RegistryIndex::new(std::sync::Arc::new(snapshot));
        let total = started.elapsed();
        opens.push((t_load, total, index.snapshot.cameras.len()));
    }
    for (load, total, n) in &opens {
        println!(
            "registry open: {:.0} ms to read {n} cameras, {:.0} ms with the index built",
            ms(*load),
            ms(*total)
        );
    }

    // 3. Frame time of the registry screen while a filter is typed, then cleared, then scrolled.
    let app = DeskApp::new(db.clone(), keys, None).without_demo_simulator();
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness.state().index().is_none() {
        assert!(Instant::now() < deadline, "the registry did not open");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.step();
    wait_for_sweep(&mut harness);
    harness.get_by_label("Search").focus();
    harness.step();
    let mut frames = Vec::new();
    // Time from a keystroke until the table shows the matching rows (spread over several frames).
    let mut filter_latency = Vec::new();
    let mut frame = |h: &mut Harness<'_, DeskApp>| {
        let started = Instant::now();
        h.step();
        frames.push(started.elapsed());
    };
    let settle = |h: &mut Harness<'_, DeskApp>,
                  frame: &mut dyn FnMut(&mut Harness<'_, DeskApp>)| {
        let started = Instant::now();
        frame(h);
        while h.state().index().is_some_and(|i| i.is_filtering()) {
            frame(h);
        }
        started.elapsed()
    };
    for _ in 0..3 {
        for ch in "hotel raj".chars() {
            harness.event(egui::Event::Text(ch.to_string()));
            filter_latency.push(settle(&mut harness, &mut frame));
        }
        for _ in 0.."hotel raj".len() {
            harness.key_press(egui::Key::Backspace);
            filter_latency.push(settle(&mut harness, &mut frame));
        }
        // Scroll the table (the pointer over its rows).
        harness.hover_at(egui::pos2(600.0, 500.0));
        for _ in 0..20 {
            harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Line,
                delta: egui::vec2(0.0, -10.0),
                modifiers: Default::default(),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
            frame(&mut harness);
        }
    }
    filter_latency.sort();
    println!(
        "filter latency (keystroke to rows shown, {} keystrokes): p50 {:.0} ms, max {:.0} ms",
        filter_latency.len(),
        ms(percentile(&filter_latency, 0.5)),
        ms(*filter_latency.last().unwrap_or(&Duration::ZERO)),
    );
    frames.sort();
    println!(
        "registry table frame ({cameras} cameras, typing a filter and scrolling while the desk's prober sweeps, {} frames, CPU side incl. kittest's accessibility tree): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        frames.len(),
        ms(percentile(&frames, 0.5)),
        ms(percentile(&frames, 0.99)),
        ms(*frames.last().unwrap_or(&Duration::ZERO)),
    );

    // 4. The camera wall, in a fresh process so its memory figure is the desk's own (not the generator's).
    drop(harness);
    let status = std::process::Command::new(std::env::current_exe().expect("own path"))
        .arg("--wall")
        .arg(&db)
        .arg(dir.path().join("keys"))
        .status()
        .expect("run the wall measurement");
    assert!(status.success(), "the wall measurement failed");

    // 5. The live demo: the desk's prober sweeps the simulated demo cameras while the wall redraws at 60 Hz.
    let status = std::process::Command::new(std::env::current_exe().expect("own path"))
        .arg("--live")
        .status()
        .expect("run the live measurement");
    assert!(status.success(), "the live measurement failed");
}

/// The default demo registry (3,200 cameras) with its simulator answering on loopback, as a newcomer opens it:
/// the wall 6×6 redrawn at 60 Hz while the desk's prober sweeps. Prints the sweep rate the desk reports and the
/// frame times (CPU side).
fn live_figures() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("live.sqlite");
    let keys = dir.path().join("keys");
    {
        let mut store = Store::open(
            &db,
            &OpenOptions {
                key_dir: keys.clone(),
            },
        )
        .expect("new registry");
        generate(
            &mut store,
            &DemoOptions {
                cameras: 3_200,
                seed: 7,
                now_unix_s: iccc_desk::store::now_unix_s(),
                user: "bench".into(),
            },
            &|_| true,
        )
        .expect("demo registry");
    }
    let app = DeskApp::new(db, keys, None);
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    let deadline = Instant::now() + Duration::from_secs(60);
    while harness.state().index().is_none() {
        assert!(Instant::now() < deadline, "the registry did not open");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.get_by_label("Camera wall").click();
    harness.step();
    harness.get_by_label("6×6").click();
    harness.step();
    let cameras = harness.state().wall_camera_ids().len();
    let tick = Duration::from_micros(16_667);
    let started = Instant::now();
    let mut frames = Vec::new();
    let mut next = Instant::now();
    // Until the first full sweep reports its rate (the desk paces itself at 12,000 probes a minute), at most 90 s.
    while harness.state().wall.probes_per_min.is_none()
        && started.elapsed() < Duration::from_secs(90)
    {
        let t = Instant::now();
        harness.step();
        frames.push(t.elapsed());
        next += tick;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let rate = harness.state().wall.probes_per_min;
    frames.sort();
    let over_16 = frames
        .iter()
        .filter(|f| **f > Duration::from_millis(16))
        .count();
    println!(
        "live demo ({cameras} cameras on the wall, simulator on loopback, wall 6×6 at 60 Hz for {:.0} s): sweep rate {} probes/min; frames: {}, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {over_16} over 16 ms",
        started.elapsed().as_secs_f64(),
        rate.map_or_else(|| "not reported".to_string(), |r| format!("{r:.0}")),
        frames.len(),
        ms(percentile(&frames, 0.5)),
        ms(percentile(&frames, 0.99)),
        ms(*frames.last().unwrap_or(&Duration::ZERO)),
    );
}

/// Opens the desk on an existing registry, shows the wall 6×6 with 1,000 thumbnails cached, scrolls, and prints
/// frame times and the resident memory.
fn wall_figures(db: std::path::PathBuf, keys: std::path::PathBuf) {
    let app = DeskApp::new(db, keys, None).without_demo_simulator();
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness.state().index().is_none() {
        assert!(Instant::now() < deadline, "the registry did not open");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    let cameras = harness
        .state()
        .index()
        .map_or(0, |i| i.snapshot.cameras.len());
    // A thousand different thumbnails with some texture (noise over gradients; about 15 KB each, where the
    // simulator's street scenes are 9 KB), so the
    // cache holds what a real wall holds rather than one shared picture.
    let thumbs: Vec<std::sync::Arc<Vec<u8>>> = (0..1_000u32)
        .map(|n| {
            let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ u64::from(n);
            let img = image::RgbImage::from_fn(320, 180, |x, y| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let noise = (seed >> 61) as u8 * 5;
                image::Rgb([
                    ((x + n) % 128) as u8 + noise,
                    ((y * 2 + n) % 128) as u8 + noise,
                    (((x ^ y) + n) % 128) as u8 + noise,
                ])
            });
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 75)
                .encode_image(&img)
                .expect("thumbnail");
            std::sync::Arc::new(out)
        })
        .collect();
    let thumb_kb =
        thumbs.iter().map(|t| t.len()).sum::<usize>() as f64 / 1024.0 / thumbs.len() as f64;
    harness.get_by_label("Camera wall").click();
    harness.step();
    harness.get_by_label("6×6").click();
    harness.step();
    let wall_ids = harness.state().wall_camera_ids();
    for (&id, jpeg) in wall_ids.iter().zip(thumbs) {
        harness.state_mut().wall.thumbs.insert_jpeg(id, jpeg);
    }
    // Let the first screenful decode and the prober get into its sweep, then measure while it sweeps.
    wait_for_sweep(&mut harness);
    harness.hover_at(egui::pos2(500.0, 400.0));
    let mut wall_frames = Vec::new();
    let version_before = harness.state().wall.health_version;
    for i in 0..1_200 {
        if i % 3 == 0 {
            harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Line,
                delta: egui::vec2(0.0, if (i / 300) % 2 == 0 { -3.0 } else { 3.0 }),
                modifiers: Default::default(),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
        }
        let started = Instant::now();
        harness.step();
        wall_frames.push(started.elapsed());
    }
    let health_batches = harness.state().wall.health_version - version_before;
    wall_frames.sort();
    println!(
        "camera wall frame ({cameras} cameras, {} on the wall, 6×6 tiles with thumbnails, scrolling, {} frames, the prober sweeping: {health_batches} health batches arrived meanwhile): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        wall_ids.len(),
        wall_frames.len(),
        ms(percentile(&wall_frames, 0.5)),
        ms(percentile(&wall_frames, 0.99)),
        ms(*wall_frames.last().unwrap_or(&Duration::ZERO)),
    );
    println!(
        "memory: {:.0} MB resident (peak {:.0} MB; {:.0} MB of it the program's own data, {:.0} MB mapped files: code and libraries) with {cameras} cameras, the prober running and 1,000 different thumbnails cached ({thumb_kb:.1} KB each)",
        status_mb("VmRSS:"),
        status_mb("VmHWM:"),
        status_mb("RssAnon:"),
        status_mb("RssFile:"),
    );
    map_figures(&mut harness, cameras);
}

/// The site map on the same desk: clustering rebuild time, then frame times while the view pans across the
/// city and zooms from city view (13) to street view (18) and back, the prober still sweeping.
fn map_figures(harness: &mut Harness<'_, DeskApp>, cameras: usize) {
    harness.get_by_label("Site map").click();
    harness.step();
    let deadline = Instant::now() + Duration::from_secs(120);
    while harness.state().map.cameras() != cameras || harness.state().map.is_building() {
        assert!(
            Instant::now() < deadline,
            "the map did not place the cameras"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    let first_build = harness.state().map.rebuild_ms.unwrap_or(0.0);
    // A registry change (a filter here: the same work) rebuilds the clusters on their thread.
    let mut rebuilds = vec![first_build];
    for category in [
        Some(iccc_desk::model::OwnerCategory::Hotel),
        None,
        Some(iccc_desk::model::OwnerCategory::HospitalClinic),
        None,
    ] {
        harness.state_mut().filters.category = category;
        harness.step();
        while harness.state().map.is_building() {
            harness.step();
            std::thread::sleep(Duration::from_millis(2));
        }
        rebuilds.push(harness.state().map.rebuild_ms.unwrap_or(0.0));
    }
    let canvas = harness.state().map.canvas.expect("the map is drawn");
    let centre = canvas.center();
    harness.hover_at(centre);
    let mut frames = Vec::new();
    let zoom_from = harness.state().map.view.zoom;
    let mut zoom_reached = zoom_from;
    let wheel = |h: &mut Harness<'_, DeskApp>, lines: f32| {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Line,
            delta: egui::vec2(0.0, lines),
            modifiers: Default::default(),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
    };
    for round in 0..2 {
        // Zoom in from the whole city to street level in small steps, panning as a person does, and back.
        let steps = 100;
        for i in 0..steps * 2 {
            if i % 2 == 0 {
                wheel(harness, if i < steps { 1.0 } else { -1.0 });
            } else {
                let dir = if (i / 10 + round) % 2 == 0 { 1.0 } else { -1.0 };
                harness.drag_at(centre);
                harness.event(egui::Event::PointerMoved(
                    centre + egui::vec2(12.0 * dir, 8.0),
                ));
                harness.drop_at(centre + egui::vec2(12.0 * dir, 8.0));
                harness.hover_at(centre);
            }
            let started = Instant::now();
            harness.step();
            frames.push(started.elapsed());
            zoom_reached = zoom_reached.max(harness.state().map.view.zoom);
        }
    }
    frames.sort();
    rebuilds.sort_by(f64::total_cmp);
    println!(
        "site map ({cameras} cameras): clustering rebuild {:.0} ms median ({:.0}–{:.0} ms, on its own thread); frame while panning and zooming city view to street view and back ({} frames, the prober sweeping): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (zoom {zoom_from:.1} to {zoom_reached:.1})",
        rebuilds[rebuilds.len() / 2],
        rebuilds[0],
        rebuilds[rebuilds.len() - 1],
        frames.len(),
        ms(percentile(&frames, 0.5)),
        ms(percentile(&frames, 0.99)),
        ms(*frames.last().unwrap_or(&Duration::ZERO)),
    );
}

/// Steps the desk until its prober has delivered a few batches of health (it is sweeping), at most a minute.
fn wait_for_sweep(harness: &mut Harness<'_, DeskApp>) {
    let until = Instant::now() + Duration::from_secs(60);
    let mut updates_seen = 0;
    while Instant::now() < until && updates_seen < 3 {
        let before = harness.state().wall.health_version;
        harness.step();
        if harness.state().wall.health_version != before {
            updates_seen += 1;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A size from /proc/self/status, in MB.
fn status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(field)).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
            })
        })
        .unwrap_or(0) as f64
        / 1024.0
}
