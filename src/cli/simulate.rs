//! `iccc-desk simulate`: answer like the registry's cameras on loopback until stopped, in one process or in
//! shards, with a line at the start and one a minute.

use std::path::Path;
use std::time::{Duration, Instant};

use super::CliError;
use super::args::SimulateArgs;
use super::output::say;
use crate::model::ist_datetime;
use crate::services::simulator::{
    ShardSet, SimError, SimOptions, SimReport, SimStats, Simulator, shards_for,
};
use crate::store::{OpenOptions, Store};

/// Runs the camera simulator until Ctrl-C, SIGTERM or the duration: one line at start, one a minute. When one
/// process may not open enough files for every camera's sockets (and the limit cannot be raised), it runs the
/// registry in several processes of itself, each serving a shard.
pub(super) fn run_simulate(db: &Path, key_dir: &Path, args: &SimulateArgs) -> Result<(), CliError> {
    let options = &SimOptions {
        seed: args.seed,
        fit_file_limit: args.fit_file_limit,
        shard: args.shard,
        background: args.background,
    };
    let duration = args.duration_s.map(Duration::from_secs);
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    if !db.exists() {
        return Err(CliError::BadInput(format!(
            "{}: no such file (write a demo registry first: iccc-desk demo --db {})",
            db.display(),
            db.display()
        )));
    }
    // Signals first, so a Ctrl-C during the start still closes every socket; a second Ctrl-C exits at once.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .map_err(|e| CliError::Failed(format!("cannot catch Ctrl-C: {e}")))?;
    }
    let store = Store::open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let sim_error = |e: SimError| match e {
        SimError::Store(e) => CliError::from_store(db, e),
        e @ (SimError::NothingToSimulate | SimError::NotLoopback { .. }) => {
            CliError::BadInput(format!("{}: {e}", db.display()))
        }
        e => CliError::Failed(e.to_string()),
    };
    let started = Simulator::start_with(&store, options);
    drop(store);
    if options.shard.is_some() {
        // A shard process: its parent reads the JSON lines.
        crate::services::simulator::serve_shard(started.map_err(sim_error)?, &stop);
        return Ok(());
    }
    let (report, stats): (SimReport, Box<dyn Fn() -> SimStats>) = match started {
        Ok(sim) => (sim.report(), Box::new(move || sim.stats())),
        Err(SimError::FileLimit {
            listeners, hard, ..
        }) if !options.fit_file_limit
            && let Some(n) = shards_for(listeners, hard) =>
        {
            let exe = std::env::current_exe()
                .map_err(|e| CliError::Failed(format!("cannot find this program: {e}")))?;
            let set = ShardSet::spawn(n, |i, n| {
                let mut c = std::process::Command::new(&exe);
                c.arg("simulate")
                    .arg("--db")
                    .arg(db)
                    .arg("--key-dir")
                    .arg(key_dir)
                    .arg("--seed")
                    .arg(options.seed.to_string())
                    .arg("--shard")
                    .arg(format!("{i}/{n}"));
                c
            })
            .map_err(sim_error)?;
            (set.report().clone(), Box::new(move || set.stats()))
        }
        Err(e) => return Err(sim_error(e)),
    };
    say_start(&report, key_dir);
    let began = Instant::now();
    let mut last = stats();
    let mut next_line = began + Duration::from_secs(60);
    while !stop.load(Ordering::SeqCst) && duration.is_none_or(|d| began.elapsed() < d) {
        std::thread::sleep(Duration::from_millis(100));
        if Instant::now() >= next_line {
            next_line += Duration::from_secs(60);
            let now = stats();
            say(&format!(
                "{} IST: {} requests in the last minute ({} RTSP, {} snapshot), {} SDPs and {} pictures sent, {} \
                 logins refused; {} connections open",
                ist_datetime(crate::store::now_unix_s()),
                now.requests() - last.requests(),
                now.rtsp_requests - last.rtsp_requests,
                now.snapshot_requests - last.snapshot_requests,
                now.descriptions - last.descriptions,
                now.snapshots - last.snapshots,
                now.logins_refused - last.logins_refused,
                now.open_connections,
            ));
            last = now;
        }
    }
    let total = stats();
    // Dropping the closure stops the simulator (or its processes).
    drop(stats);
    say(&format!(
        "Stopped after {:.0} s: {} requests served over {} connections",
        began.elapsed().as_secs_f64(),
        total.requests(),
        total.connections
    ));
    Ok(())
}

/// The start line, and a line for each kind of camera left unanswered and why.
fn say_start(report: &SimReport, key_dir: &Path) {
    say(&report.line());
    if let (n, Some(example)) = (report.skipped, &report.skipped_example)
        && n > 0
    {
        say(&format!(
            "Not simulated: {n} cameras whose address is not on 127.0.0.0/8 ({example})"
        ));
    }
    if report.over_file_limit > 0 {
        say(&format!(
            "Not simulated: {} cameras beyond the open-file limit; raise the hard limit to simulate them all",
            report.over_file_limit
        ));
    }
    if report.unbindable > 0 {
        say(&format!(
            "{} listening sockets on ports below 1024 (NVRs' port 554) need privileges and are left closed, so \
             their cameras look offline; run as root or lower net.ipv4.ip_unprivileged_port_start to answer there",
            report.unbindable
        ));
    }
    if report.passwords_unreadable > 0 {
        say(&format!(
            "{} cameras' passwords cannot be read with the keys in {}; those cameras keep passwords of their own, \
             so logins to them fail",
            report.passwords_unreadable,
            key_dir.display()
        ));
    }
}
