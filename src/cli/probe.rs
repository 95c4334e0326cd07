//! `iccc-desk probe`: sweep the configured and integrated cameras without the window and store their health,
//! once or on a schedule, printing a line per camera and a summary per sweep.

use std::path::Path;

use super::CliError;
use super::args::ProbeArgs;
use super::output::{say, terminal_text};
use crate::i18n::{I18n, Lang};
use crate::services::probe::ProbeOptions;
use crate::services::prober::{SweepOptions, SweepReport, due_targets, sweep};
use crate::store::{OpenOptions, Store};

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

/// Results are written to the registry in batches of this many.
const PROBE_BATCH: usize = 200;
/// After the registry was found busy, the next write is tried this much later.
const PROBE_HELD_RETRY: std::time::Duration = std::time::Duration::from_secs(5);
/// `probe --once` tries this many times (each waiting the store's busy timeout) before giving up on a busy
/// registry.
const PROBE_ONCE_WRITE_TRIES: u32 = 6;
/// Most results held while the registry is busy; past this the oldest are dropped (their cameras are probed
/// again anyway).
const PROBE_MAX_HELD: usize = 100_000;

/// Writes the held results. False when the registry is busy: they stay held (the newest `PROBE_MAX_HELD`).
fn write_held(
    store: &mut Store,
    held: &mut Vec<crate::store::Observation>,
) -> Result<bool, crate::store::StoreError> {
    if held.is_empty() {
        return Ok(true);
    }
    match store.record_observations(held) {
        Ok(()) => {
            held.clear();
            Ok(true)
        }
        Err(crate::store::StoreError::Busy) => {
            let excess = held.len().saturating_sub(PROBE_MAX_HELD);
            held.drain(..excess);
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

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
    let cancel = std::sync::atomic::AtomicBool::new(false);
    // Results not yet written (the registry was busy), kept across sweeps.
    let mut held: Vec<crate::store::Observation> = Vec::new();
    let mut held_retry_at: Option<std::time::Instant> = None;
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
        let due: Vec<usize> = if run.once {
            (0..targets.len()).collect()
        } else {
            let mut schedule = store
                .probe_schedule()
                .map_err(|e| CliError::from_store(db, e))?;
            // Cameras whose results are held were just probed: not due again yet.
            for o in &held {
                let failures = u32::from(o.finding.state != crate::model::HealthState::Online);
                schedule.insert(o.camera_id, (failures, o.at_unix_s));
            }
            due_targets(
                &targets,
                &schedule,
                crate::store::now_unix_s(),
                run.interval_s,
            )
        };
        let site_names: std::collections::HashMap<i64, String> = snapshot
            .sites
            .iter()
            .map(|s| (s.id, s.site.display_name()))
            .collect();
        let names: std::collections::HashMap<i64, (String, String)> = snapshot
            .cameras
            .iter()
            .filter(|c| targets.position(c.id).is_some())
            .map(|c| {
                let site = site_names.get(&c.site_id).cloned().unwrap_or_default();
                (c.id, (c.camera.label.clone(), site))
            })
            .collect();
        drop(snapshot);
        let mut lines = Vec::new();
        let mut write_error = None;
        let report = sweep(
            due.iter().map(|&i| targets.get(i)),
            &run.sweep,
            &cancel,
            |observation| {
                let (camera, site) = names
                    .get(&observation.camera_id)
                    .cloned()
                    .unwrap_or_default();
                let f = &observation.finding;
                let line = ProbeLine {
                    camera_id: observation.camera_id,
                    camera,
                    site,
                    state: f.state.code().to_string(),
                    latency_ms: f.latency_ms,
                    codec: f.codec.clone(),
                    width_px: f.width_px,
                    height_px: f.height_px,
                    error: f.error.clone(),
                };
                if !run.json {
                    say(&probe_line_text(&english, &line));
                }
                lines.push(line);
                held.push(observation);
                if held.len() >= PROBE_BATCH
                    && write_error.is_none()
                    && held_retry_at.is_none_or(|t| std::time::Instant::now() >= t)
                {
                    match write_held(&mut store, &mut held) {
                        Ok(true) => held_retry_at = None,
                        Ok(false) => {
                            held_retry_at = Some(std::time::Instant::now() + PROBE_HELD_RETRY);
                        }
                        Err(e) => write_error = Some(e),
                    }
                }
            },
        );
        if let Some(e) = write_error {
            return Err(CliError::from_store(db, e));
        }
        // A busy registry (a long import holds its write lock) keeps the results for a later try; a one-shot
        // probe waits for it a while, a continuous one goes on with its next sweep.
        let mut tries_left = if run.once { PROBE_ONCE_WRITE_TRIES } else { 1 };
        loop {
            match write_held(&mut store, &mut held) {
                Ok(true) => break,
                Ok(false) => {
                    tries_left -= 1;
                    eprintln!(
                        "iccc-desk: the registry is busy (another program is writing to it); {} results held{}",
                        held.len(),
                        if tries_left > 0 || !run.once {
                            ", written on the next try"
                        } else {
                            ""
                        }
                    );
                    if tries_left == 0 {
                        if run.once {
                            return Err(CliError::from_store(db, crate::store::StoreError::Busy));
                        }
                        break;
                    }
                    std::thread::sleep(PROBE_HELD_RETRY);
                }
                Err(e) => return Err(CliError::from_store(db, e)),
            }
        }
        lines.sort_by_key(|l| l.camera_id);
        if run.json {
            let text =
                serde_json::to_string(&serde_json::json!({"cameras": lines, "summary": report}))
                    .map_err(|e| {
                        CliError::Failed(format!("cannot write the results as JSON: {e}"))
                    })?;
            say(&text);
        } else if report.probed > 0 || run.once {
            say(&probe_summary_text(&english, &report));
        }
        if run.once {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
    }
}

fn probe_line_text(english: &I18n, line: &ProbeLine) -> String {
    let state = crate::model::HealthState::from_code(&line.state)
        .map(|s| english.tr(&s.i18n_key()))
        .unwrap_or_else(|| line.state.clone());
    let mut detail = Vec::new();
    if let Some(codec) = &line.codec {
        detail.push(codec.clone());
    }
    if let (Some(w), Some(h)) = (line.width_px, line.height_px) {
        detail.push(format!("{w}×{h}"));
    }
    detail.push(format!("{} ms", line.latency_ms));
    if let Some(e) = &line.error {
        detail.push(e.clone());
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
    let counts: Vec<String> = crate::services::prober::state_order()
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
