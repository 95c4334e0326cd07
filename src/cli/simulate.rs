//! `iccc-desk simulate`: answer like the registry's cameras on loopback until stopped, in one process or in
//! shards, with a line at the start and one a minute.

use std::path::Path;
use std::time::{Duration, Instant};

use super::CliError;
use super::args::SimulateArgs;
use super::output::say;
use crate::i18n::{I18n, Lang};
use crate::model::ist_datetime;
use crate::services::demo::simulator::{
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
        ..Default::default()
    };
    let duration = args.duration_s.map(Duration::from_secs);
    let english = I18n::new(Lang::En);
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    if !db.exists() {
        return Err(CliError::BadInput(english.tr_args(
            "cli-sim-no-registry",
            &[("path", db.display().to_string())],
        )));
    }
    // Signals first, so a Ctrl-C during the start still closes every socket; a second Ctrl-C exits at once.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .map_err(|e| {
                CliError::Failed(
                    crate::i18n::I18n::new(crate::i18n::Lang::En)
                        .tr_args("cli-error-ctrl-c", &[("detail", e.to_string())]),
                )
            })?;
    }
    // Simulating only reads the cameras of an existing (demo) registry; it never makes one.
    let store = Store::open_existing(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let sim_error = |e: SimError| match e {
        SimError::Store(e) => CliError::from_store(db, e),
        e @ (SimError::NothingToSimulate | SimError::NotLoopback { .. }) => {
            CliError::BadInput(crate::i18n::I18n::new(crate::i18n::Lang::En).tr_args(
                "cli-error-in-file",
                &[("path", db.display().to_string()), ("error", e.to_string())],
            ))
        }
        e => CliError::Failed(e.to_string()),
    };
    let started = Simulator::start_with(&store, options);
    drop(store);
    if options.shard.is_some() {
        // A shard process: its parent reads the JSON lines.
        crate::services::demo::simulator::serve_shard(started.map_err(sim_error)?, &stop);
        return Ok(());
    }
    let (report, stats): (SimReport, Box<dyn Fn() -> SimStats>) = match started {
        Ok(sim) => (sim.report(), Box::new(move || sim.stats())),
        Err(SimError::FileLimit {
            listeners, hard, ..
        }) if !options.fit_file_limit
            && let Some(n) = shards_for(listeners, hard) =>
        {
            let exe = std::env::current_exe().map_err(|e| {
                CliError::Failed(
                    crate::i18n::I18n::new(crate::i18n::Lang::En)
                        .tr_args("cli-error-no-program", &[("detail", e.to_string())]),
                )
            })?;
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
    say_start(&report, key_dir, &english);
    let began = Instant::now();
    let mut last = stats();
    let mut next_line = began + Duration::from_secs(60);
    while !stop.load(Ordering::SeqCst) && duration.is_none_or(|d| began.elapsed() < d) {
        std::thread::sleep(Duration::from_millis(100));
        if Instant::now() >= next_line {
            next_line += Duration::from_secs(60);
            let now = stats();
            say(&english.tr_args(
                "cli-sim-minute",
                &[
                    ("time", ist_datetime(crate::store::now_unix_s())),
                    ("requests", (now.requests() - last.requests()).to_string()),
                    ("rtsp", (now.rtsp_requests - last.rtsp_requests).to_string()),
                    (
                        "snapshot",
                        (now.snapshot_requests - last.snapshot_requests).to_string(),
                    ),
                    ("sdps", (now.descriptions - last.descriptions).to_string()),
                    ("pictures", (now.snapshots - last.snapshots).to_string()),
                    (
                        "refused",
                        (now.logins_refused - last.logins_refused).to_string(),
                    ),
                    ("open", now.open_connections.to_string()),
                ],
            ));
            last = now;
        }
    }
    let total = stats();
    // Dropping the closure stops the simulator (or its processes).
    drop(stats);
    say(&english.tr_args(
        "cli-sim-stopped",
        &[
            ("seconds", format!("{:.0}", began.elapsed().as_secs_f64())),
            ("requests", total.requests().to_string()),
            ("connections", total.connections.to_string()),
        ],
    ));
    Ok(())
}

/// The start line, and a line for each kind of camera left unanswered and why.
fn say_start(report: &SimReport, key_dir: &Path, english: &I18n) {
    say(&report.line(english));
    let count = |key: &str, n: usize, more: &[(&str, String)]| {
        let mut args = vec![("count", n.to_string())];
        args.extend(more.iter().cloned());
        say(&english.tr_args(key, &args));
    };
    if let (n, Some(example)) = (report.skipped, &report.skipped_example)
        && n > 0
    {
        count("cli-sim-not-loopback", n, &[("example", example.clone())]);
    }
    if report.over_file_limit > 0 {
        count("cli-sim-over-file-limit", report.over_file_limit, &[]);
    }
    if report.unbindable > 0 {
        count("cli-sim-unbindable", report.unbindable, &[]);
    }
    if report.passwords_unreadable > 0 {
        count(
            "cli-sim-passwords-unreadable",
            report.passwords_unreadable,
            &[("dir", key_dir.display().to_string())],
        );
    }
}
