//! `iccc-desk probe`: sweep the configured and integrated cameras without the window and store their health,
//! once or on a schedule, printing a line per camera and a summary per sweep.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::CliError;
use super::args::ProbeArgs;
use super::output::{say, terminal_text};
use crate::i18n::{I18n, Lang};
use crate::model::{CameraId, HealthState, ProbeTargets};
use crate::services::health::probe::{ProbeOptions, finding_text};
use crate::services::health::prober::{SweepOptions, SweepReport, due_targets, sweep};
use crate::services::health::result_batch::{HELD_RETRY, ResultBatcher, Written};
use crate::store::{OpenOptions, RegistrySnapshot, Store};

/// How `probe` runs.
struct ProbeRun {
    once: bool,
    json: bool,
    sweep: SweepOptions,
    interval_s: i64,
}

/// One camera's line in the probe report.
#[derive(serde::Serialize)]
struct ProbeLine {
    camera_id: i64,
    camera: String,
    site: String,
    state: String,
    latency_ms: u32,
    codec: Option<String>,
    width_px: Option<u32>,
    height_px: Option<u32>,
    error: Option<String>,
}

/// Cameras not online written to the log per sweep (the rest are counted in the sweep's summary line), so a
/// city-wide outage cannot fill the disk.
const LOGGED_PROBLEMS_PER_SWEEP: usize = 100;

/// `probe --once` tries this many times (each waiting the store's busy timeout) before giving up on a busy
/// registry.
const PROBE_ONCE_WRITE_TRIES: u32 = 6;

/// Probes once or until stopped, as the arguments say.
pub(super) fn run_probe(db: &Path, key_dir: &Path, args: &ProbeArgs) -> Result<(), CliError> {
    probe_loop(
        db,
        key_dir,
        &ProbeRun {
            once: args.once,
            json: args.json,
            sweep: SweepOptions {
                concurrency: usize::from(args.concurrency),
                probe: ProbeOptions {
                    timeout: std::time::Duration::from_millis(args.timeout_ms),
                },
                max_per_min: args.max_per_min,
            },
            interval_s: args.interval_s as i64,
        },
    )
}

/// Sweeps until stopped (or once): results go to the registry in the desk prober's batches
/// ([`ResultBatcher`]), and are held while another program holds the write lock.
fn probe_loop(db: &Path, key_dir: &Path, run: &ProbeRun) -> Result<(), CliError> {
    let english = I18n::new(Lang::En);
    // Probing writes health into an existing registry; it never makes one.
    let mut store = Store::open_existing(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let cancel = AtomicBool::new(false);
    // Results not yet written (the registry was busy), kept across sweeps.
    let mut batch = ResultBatcher::default();
    loop {
        let snapshot = store
            .load_snapshot()
            .map_err(|e| CliError::from_store(db, e))?;
        let targets = store
            .probe_targets()
            .map_err(|e| CliError::from_store(db, e))?;
        if targets.is_empty() && run.once {
            if run.json {
                say(
                    &serde_json::json!({"cameras": [], "summary": SweepReport::default()})
                        .to_string(),
                );
            } else {
                say(&english.tr("cli-probe-nothing"));
            }
            return Ok(());
        }
        let due = due_now(db, &store, &targets, &batch, run)?;
        let names = camera_names(&snapshot, &targets);
        drop(snapshot);
        let mut lines = Vec::new();
        let mut write_error = None;
        let mut logged = 0;
        batch.begin_sweep();
        let report = sweep(
            due.iter().map(|&i| targets.get(i)),
            &run.sweep,
            &cancel,
            |observation| {
                let line = probe_line(&names, &observation);
                if line.state != HealthState::Online.code() && logged < LOGGED_PROBLEMS_PER_SWEEP {
                    logged += 1;
                    // The finding's reason never holds the password (the probe leaves it out).
                    tracing::info!(
                        "camera {} {}: {}",
                        line.camera_id,
                        line.state,
                        line.error.as_deref().unwrap_or("")
                    );
                }
                if !run.json {
                    say(&probe_line_text(&english, &line));
                }
                lines.push(line);
                if write_error.is_some() {
                    return;
                }
                // A busy registry holds the batch (said after the sweep); any other failure stops the sweep.
                if let Err(e) = batch.add(&mut store, observation) {
                    write_error = Some(e);
                    cancel.store(true, Ordering::Relaxed);
                }
            },
        );
        if let Some(e) = write_error {
            return Err(CliError::from_store(db, e));
        }
        write_after_sweep(&english, db, &mut store, &mut batch, run.once)?;
        lines.sort_by_key(|l| l.camera_id);
        if run.json {
            let text =
                serde_json::to_string(&serde_json::json!({"cameras": lines, "summary": report}))
                    .map_err(|e| {
                        CliError::Failed(
                            english.tr_args("cli-error-json-results", &[("detail", e.to_string())]),
                        )
                    })?;
            say(&text);
        } else if report.probed > 0 || run.once {
            say(&probe_summary_text(&english, &report));
        }
        if report.probed > 0 {
            tracing::info!("{}", probe_summary_text(&english, &report));
        }
        if run.once {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
    }
}

/// Positions in `targets` of the cameras to probe in this sweep: all of them with --once, else those due.
fn due_now(
    db: &Path,
    store: &Store,
    targets: &ProbeTargets,
    batch: &ResultBatcher,
    run: &ProbeRun,
) -> Result<Vec<usize>, CliError> {
    if run.once {
        return Ok((0..targets.len()).collect());
    }
    let mut schedule = store
        .probe_schedule()
        .map_err(|e| CliError::from_store(db, e))?;
    // Cameras whose results are held were just probed: not due again yet.
    for o in batch.pending() {
        let failures = u32::from(o.finding.state != HealthState::Online);
        schedule.insert(o.camera_id, (failures, o.at_unix_s));
    }
    Ok(due_targets(
        targets,
        &schedule,
        crate::store::now_unix_s(),
        run.interval_s,
    ))
}

/// Each target camera's label and site name, for the report's lines.
fn camera_names(
    snapshot: &RegistrySnapshot,
    targets: &ProbeTargets,
) -> HashMap<CameraId, (String, String)> {
    let site_names: HashMap<i64, String> = snapshot
        .sites
        .iter()
        .map(|s| (s.id, s.site.display_name()))
        .collect();
    snapshot
        .cameras
        .iter()
        .filter(|c| targets.position(c.id).is_some())
        .map(|c| {
            let site = site_names.get(&c.site_id).cloned().unwrap_or_default();
            (c.id, (c.camera.label.clone(), site))
        })
        .collect()
}

/// One camera's line in the report.
fn probe_line(
    names: &HashMap<CameraId, (String, String)>,
    observation: &crate::store::Observation,
) -> ProbeLine {
    let (camera, site) = names
        .get(&observation.camera_id)
        .cloned()
        .unwrap_or_default();
    let f = &observation.finding;
    ProbeLine {
        camera_id: observation.camera_id,
        camera,
        site,
        state: f.state.code().to_string(),
        latency_ms: f.latency_ms,
        codec: f.codec.clone(),
        width_px: f.width_px,
        height_px: f.height_px,
        error: f.error.clone(),
    }
}

/// Writes what the sweep left waiting. A busy registry (a long import holds its write lock) keeps the results
/// for a later try; a one-shot probe waits for it a while, a continuous one goes on with its next sweep.
fn write_after_sweep(
    english: &I18n,
    db: &Path,
    store: &mut Store,
    batch: &mut ResultBatcher,
    once: bool,
) -> Result<(), CliError> {
    let mut tries_left = if once { PROBE_ONCE_WRITE_TRIES } else { 1 };
    loop {
        match batch.write(store) {
            Ok(Written::Stored(_)) => return Ok(()),
            Ok(Written::Held(results)) => {
                tries_left -= 1;
                let key = if tries_left > 0 || !once {
                    "cli-probe-held"
                } else {
                    "cli-probe-held-last"
                };
                let text = english.tr_args(key, &[("results", results.to_string())]);
                super::output::progress_note(&format!("{text}\n"));
                if tries_left == 0 {
                    if once {
                        return Err(CliError::from_store(db, crate::store::StoreError::Busy));
                    }
                    return Ok(());
                }
                std::thread::sleep(HELD_RETRY);
            }
            Err(e) => return Err(CliError::from_store(db, e)),
        }
    }
}

fn probe_line_text(english: &I18n, line: &ProbeLine) -> String {
    let state = crate::model::HealthState::from_code(&line.state)
        .map(|s| english.tr(&s.i18n_key()))
        .unwrap_or_else(|| line.state.clone());
    let mut detail = Vec::new();
    // A camera's words (codec, reason) are escaped where they are read; the terminal gets them escaped again.
    if let Some(codec) = &line.codec {
        detail.push(terminal_text(codec).into_owned());
    }
    if let (Some(w), Some(h)) = (line.width_px, line.height_px) {
        detail.push(format!("{w}×{h}"));
    }
    detail.push(format!("{} ms", line.latency_ms));
    if let Some(e) = &line.error {
        detail.push(terminal_text(&finding_text(e, english)).into_owned());
    }
    english.tr_args(
        "cli-probe-line",
        &[
            ("id", line.camera_id.to_string()),
            ("camera", terminal_text(&line.camera).into_owned()),
            ("site", terminal_text(&line.site).into_owned()),
            ("state", state),
            ("detail", detail.join(", ")),
        ],
    )
}

fn probe_summary_text(english: &I18n, report: &SweepReport) -> String {
    let counts: Vec<String> = crate::services::health::prober::state_order()
        .iter()
        .filter_map(|s| {
            let n = report.by_state.get(s.code())?;
            Some(format!("{n} {}", english.tr(&s.i18n_key()).to_lowercase()))
        })
        .collect();
    english.tr_args(
        "cli-probe-summary",
        &[
            ("probed", report.probed.to_string()),
            (
                "seconds",
                format!("{:.1}", report.duration_ms as f64 / 1000.0),
            ),
            ("rate", format!("{:.0}", report.probes_per_min)),
            ("counts", counts.join(", ")),
        ],
    )
}
