//! Figures for the demo camera simulator (run: `cargo bench --profile dev --bench simulator`; `-- --largest` for
//! the start-up at 200,000 cameras, which writes that registry first). Prints, for the default demo (3,200
//! cameras): the simulator's start-up time, the files it opens and two sweeps of the prober at concurrency 64
//! (probes per minute and states found); with `--largest`, the start-up, the open files, a sweep of the first
//! 2,000 cameras and the time to stop. Printed, never asserted (these were `#[ignore]`d tests before).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use iccc_desk::services::demo::simulator::{SimOptions, Simulator};
use iccc_desk::services::demo::{self, DemoOptions};
use iccc_desk::services::health::probe::ProbeOptions;
use iccc_desk::services::health::prober::{SweepOptions, sweep};
use iccc_desk::store::{OpenOptions, Store};

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
            user: "bench".into(),
        },
        &|_| true,
    )
    .expect("write the demo registry");
    store
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// The sweep rate over the default demo at concurrency 64, and the start-up time and open files.
fn sweep_rate_over_the_default_demo() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = demo_store(dir.path(), demo::DEFAULT_CAMERAS);
    let fds_before = open_fds();
    let sim = Simulator::start(&store, 1).expect("the simulator starts");
    println!("{}", sim.summary());
    println!(
        "start-up {:.2} s, {} fds open for it, open-file limit {}",
        sim.started_in().as_secs_f64(),
        open_fds() - fds_before,
        sim.file_limit()
    );
    let targets = store.probe_targets().expect("probe targets");
    let options = SweepOptions {
        concurrency: 64,
        probe: ProbeOptions::default(),
        max_per_min: 0,
    };
    for round in 1..=2 {
        let report = sweep(targets.iter(), &options, &AtomicBool::new(false), |_| {});
        println!(
            "sweep {round}: {} cameras in {:.1} s = {:.0} probes/min; {:?}",
            report.probed,
            report.duration_ms as f64 / 1000.0,
            report.probes_per_min,
            report.by_state
        );
    }
    println!("{:?}", sim.stats());
    let stopping = Instant::now();
    sim.stop();
    println!(
        "stopped in {:.0} ms",
        stopping.elapsed().as_secs_f64() * 1000.0
    );
}

/// Start-up at the largest registry (200,000 cameras).
fn largest_registry_starts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let store = demo_store(dir.path(), 200_000);
    println!("demo written in {:.1} s", t.elapsed().as_secs_f64());
    let fds_before = open_fds();
    let sim = match Simulator::start(&store, 1) {
        Ok(sim) => sim,
        Err(e) => {
            // A machine whose hard limit cannot be raised: the cameras that fit.
            println!("{e}");
            Simulator::start_with(
                &store,
                &SimOptions {
                    seed: 1,
                    fit_file_limit: true,
                    ..Default::default()
                },
            )
            .expect("the simulator starts with the cameras that fit")
        }
    };
    println!("{}", sim.summary());
    println!(
        "start-up {:.2} s, {} fds open for it, open-file limit {}, {} cameras over it",
        sim.started_in().as_secs_f64(),
        open_fds() - fds_before,
        sim.file_limit(),
        sim.over_file_limit()
    );
    let all = store.probe_targets().expect("probe targets");
    let targets: Vec<_> = all.iter().take(2_000).collect();
    let report = sweep(
        targets,
        &SweepOptions {
            concurrency: 64,
            probe: ProbeOptions::default(),
            max_per_min: 0,
        },
        &AtomicBool::new(false),
        |_| {},
    );
    println!(
        "first 2,000 cameras: {:.0} probes/min; {:?}",
        report.probes_per_min, report.by_state
    );
    let t = Instant::now();
    sim.stop();
    println!("stopped in {:.2} s", t.elapsed().as_secs_f64());
}

fn main() {
    // The demo's addresses are fixed: the two figures run one after the other, never at once.
    if std::env::args().any(|a| a == "--largest") {
        largest_registry_starts();
    } else {
        sweep_rate_over_the_default_demo();
    }
}
