//! Figures for the weekly review at scale (run: `cargo bench --bench review`; `-- --cameras N` to change the
//! size). Builds a demo registry of 200,000 cameras by default and prints: the full count of a week's figures
//! (what the review reader does in the background), the review cache's read with its staleness check, and on
//! the desk itself the time from clicking "Weekly review" to the first frame with figures, with a warm cache
//! and after a stage change made the cache stale (target: under 1 s to first figures). Speed is measured here,
//! never asserted in tests.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::services::review::weekly::{
    IsoWeek, REVIEW_CHART_WEEKS, cache_figures, cached_figures, count_figures,
};
use iccc_desk::store::{Actor, OpenOptions, Store};
use iccc_desk::ui::DeskApp;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Steps the desk until `done`, at most `limit`; the time it took.
fn step_until(
    harness: &mut Harness<'_, DeskApp>,
    limit: Duration,
    done: impl Fn(&DeskApp) -> bool,
) -> Duration {
    let started = Instant::now();
    loop {
        harness.step();
        if done(harness.state()) {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "gave up after {limit:?}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
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
    // The demo's history runs up to now, so this week (the one the review opens on) has moves in it.
    let now = iccc_desk::store::now_unix_s();
    let week = IsoWeek::containing(now);
    let mut store = Store::open(&db, &options).expect("new registry");
    let started = Instant::now();
    generate(
        &mut store,
        &DemoOptions {
            cameras,
            seed: 7,
            now_unix_s: now,
            user: "bench".into(),
        },
        &|_| true,
    )
    .expect("demo registry");
    println!(
        "demo registry: {cameras} cameras in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    drop(store);

    // 1. The full count, as the review reader does it (its read-only connection first runs SQLite's check).
    let started = Instant::now();
    let conn = iccc_desk::services::review::weekly::open_read_only(&db).expect("read-only");
    let t_check = started.elapsed();
    let mut counts = Vec::new();
    let mut counted = None;
    for _ in 0..3 {
        let started = Instant::now();
        counted = Some(count_figures(&conn, week, REVIEW_CHART_WEEKS).expect("count"));
        counts.push(started.elapsed());
    }
    drop(conn);
    let (figures, mark) = counted.expect("counted");
    println!(
        "full count of {} with {REVIEW_CHART_WEEKS} weeks of charts: {} ms (read-only open with check: {:.0} ms); {} integrated",
        week.label(),
        counts
            .iter()
            .map(|d| format!("{:.0}", ms(*d)))
            .collect::<Vec<_>>()
            .join(" / "),
        ms(t_check),
        figures.report.integrated_total
    );

    // 2. The cache: write once, then read with the staleness check, as the registry worker does.
    let store = Store::open(&db, &options).expect("open");
    let started = Instant::now();
    cache_figures(
        &iccc_desk::store::ReviewCacheWriter::on(store.conn_for_tests()),
        week,
        REVIEW_CHART_WEEKS,
        &figures,
        mark,
        iccc_desk::store::now_unix_s(),
    )
    .expect("cache write");
    let t_write = started.elapsed();
    let mut reads = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let cached = cached_figures(
            &store.reports(),
            week,
            REVIEW_CHART_WEEKS,
            iccc_desk::store::now_unix_s(),
        )
        .expect("cache read")
        .expect("cached");
        reads.push(started.elapsed());
        assert!(cached.is_current);
    }
    println!(
        "review cache: write {:.1} ms; read with staleness check {} ms",
        ms(t_write),
        reads
            .iter()
            .map(|d| format!("{:.1}", ms(*d)))
            .collect::<Vec<_>>()
            .join(" / ")
    );
    drop(store);

    // 3. The desk: launch, open the review, first frame with figures (warm cache).
    let launched = Instant::now();
    let app = DeskApp::new(db.clone(), keys.clone(), None).without_demo_simulator();
    let mut harness = Harness::builder()
        .with_size([1600.0, 1000.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    let t_open = step_until(&mut harness, Duration::from_secs(120), |app| {
        app.index().is_some()
    });
    let t_launch = launched.elapsed();
    harness.get_by_label("Weekly review").click();
    let t_first = step_until(&mut harness, Duration::from_secs(60), |app| {
        app.review
            .report
            .as_ref()
            .is_some_and(|r| r.week == week.label())
    });
    println!(
        "desk, warm cache: registry open {:.0} ms (launch {:.0} ms); click 'Weekly review' to first figures {:.1} ms",
        ms(t_open),
        ms(t_launch),
        ms(t_first)
    );

    // 4. A stage change makes the cache stale: the old figures stay on screen at once, the new ones follow.
    {
        let mut writer = Store::open(&db, &options).expect("open");
        let snapshot = writer.load_snapshot().expect("snapshot");
        let camera = snapshot
            .cameras
            .iter()
            .find(|c| c.stage == iccc_desk::model::IntegrationStage::OwnerContacted)
            .expect("a camera in talks");
        let change = iccc_desk::model::StageChange {
            to: iccc_desk::model::IntegrationStage::ConsentGiven,
            reason: None,
            note: String::new(),
        };
        writer
            .change_stage(
                &Actor {
                    user: "bench".into(),
                    now_unix_s: iccc_desk::store::now_unix_s(),
                },
                camera.id,
                camera.row_version,
                &change,
            )
            .expect("stage change");
    }
    let started = Instant::now();
    step_until(&mut harness, Duration::from_secs(30), |app| {
        app.review.is_updating
    });
    let t_noticed = started.elapsed();
    let shown = harness.state().review.report.is_some();
    let t_recount = step_until(&mut harness, Duration::from_secs(300), |app| {
        !app.review.is_updating
    });
    println!(
        "desk, stale cache: change noticed after {:.0} ms (the worker looks every 2 s) with the old figures still shown: {shown}; recounted figures after {:.0} ms more",
        ms(t_noticed),
        ms(t_recount)
    );
}
