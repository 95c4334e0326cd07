//! `iccc-desk probe`: sweep the configured and integrated cameras without the window and store their health,
//! once or on a schedule, printing a line per camera and a summary per sweep.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::CliError;
use super::args::ProbeArgs;
use super::output::{say, say_part, terminal_text};
use crate::i18n::{I18n, Lang};
use crate::model::{CameraId, HealthState, ProbeTarget, ProbeTargets};
use crate::services::health::probe::{ProbeOptions, finding_text};
use crate::services::health::prober::{ProbeSchedule, SweepOptions, SweepReport, is_due, sweep};
use crate::services::health::result_batch::{HELD_RETRY, ResultBatcher, Written};
use crate::store::{OpenOptions, Store, StoreError, TargetPages};

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

/// Probe targets read from the registry this many at a time: a sweep holds one page of addresses and passwords
/// (about 100 KB), not every camera's (at 500,000 cameras that, with their names, took hundreds of MB).
const TARGET_PAGE: usize = 1_000;

/// Sweeps until stopped (or once): targets are read a page at a time as the workers take them, results go to
/// the registry in the desk prober's batches ([`ResultBatcher`]), and are held while another program holds the
/// write lock.
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
        let mut pages = store
            .target_pages(TARGET_PAGE)
            .map_err(|e| CliError::from_store(db, e))?;
        let first = pages.next_page().map_err(|e| CliError::from_store(db, e))?;
        if first.is_empty() && run.once {
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
        let schedule = due_schedule(db, &store, &batch, run)?;
        let targets = SweepTargets::new(pages, first, schedule);
        let (in_flight, read_error) = (targets.in_flight.clone(), targets.read_error.clone());
        let mut json = run.json.then(JsonLines::start);
        let mut write_error = None;
        let mut logged = 0;
        batch.begin_sweep();
        let report = sweep(targets, &run.sweep, &cancel, |observation| {
            let names = store
                .camera_and_site_name(observation.camera_id)
                .ok()
                .flatten()
                .unwrap_or_default();
            let line = probe_line(names, &observation);
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
            let lowest_in_flight = {
                let mut in_flight = lock(&in_flight);
                in_flight.remove(&line.camera_id);
                in_flight.first().copied()
            };
            match &mut json {
                Some(json) => json.add(line, lowest_in_flight),
                None => say(&probe_line_text(&english, &line)),
            }
            if write_error.is_some() {
                return;
            }
            // A busy registry holds the batch (said after the sweep); any other failure stops the sweep.
            if let Err(e) = batch.add(&mut store, observation) {
                write_error = Some(e);
                cancel.store(true, Ordering::Relaxed);
            }
        });
        // The JSON document is closed whatever happened next; an error still ends the command with its code.
        if let Some(json) = json {
            json.finish(&report);
        }
        if let Some(e) = write_error.or_else(|| lock(&read_error).take()) {
            return Err(CliError::from_store(db, e));
        }
        write_after_sweep(&english, db, &mut store, &mut batch, run.once)?;
        if !run.json && (report.probed > 0 || run.once) {
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

/// A lock whose poisoning (a panicked worker) leaves the data intact.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// When cameras are due: the schedule, now and the interval; `None` with --once (every camera is).
type DueRule = Option<(ProbeSchedule, i64, i64)>;

fn due_schedule(
    db: &Path,
    store: &Store,
    batch: &ResultBatcher,
    run: &ProbeRun,
) -> Result<DueRule, CliError> {
    if run.once {
        return Ok(None);
    }
    let mut schedule = store
        .probe_schedule()
        .map_err(|e| CliError::from_store(db, e))?;
    // Cameras whose results are held were just probed: not due again yet.
    for o in batch.pending() {
        let failures = u32::from(o.finding.state != HealthState::Online);
        schedule.insert(o.camera_id, (failures, o.at_unix_s));
    }
    Ok(Some((schedule, crate::store::now_unix_s(), run.interval_s)))
}

/// The due targets of one sweep, read a page at a time as the workers take them, in camera id order.
struct SweepTargets {
    pages: TargetPages,
    page: ProbeTargets,
    next_in_page: usize,
    due: DueRule,
    /// Cameras handed out whose result has not come back: the JSON report writes a line once every lower id
    /// has come back, so its lines stay in id order without holding the sweep's lines.
    in_flight: Arc<Mutex<BTreeSet<CameraId>>>,
    /// Why the pages stopped early (the sweep then ends as if the list ended; the command fails after it).
    read_error: Arc<Mutex<Option<StoreError>>>,
}

impl SweepTargets {
    fn new(pages: TargetPages, first: ProbeTargets, due: DueRule) -> Self {
        Self {
            pages,
            page: first,
            next_in_page: 0,
            due,
            in_flight: Arc::default(),
            read_error: Arc::default(),
        }
    }
}

impl Iterator for SweepTargets {
    type Item = ProbeTarget;

    fn next(&mut self) -> Option<ProbeTarget> {
        loop {
            if self.next_in_page >= self.page.len() {
                match self.pages.next_page() {
                    Ok(page) if page.is_empty() => return None,
                    Ok(page) => {
                        self.page = page;
                        self.next_in_page = 0;
                    }
                    Err(e) => {
                        *lock(&self.read_error) = Some(e);
                        return None;
                    }
                }
            }
            let i = self.next_in_page;
            self.next_in_page += 1;
            let camera_id = self.page.camera_id(i);
            if let Some((schedule, now_unix_s, interval_s)) = &self.due {
                let (failures, last) = schedule.get(&camera_id).copied().unzip();
                if !is_due(failures.unwrap_or(0), last, *now_unix_s, *interval_s) {
                    continue;
                }
            }
            lock(&self.in_flight).insert(camera_id);
            return Some(self.page.get(i));
        }
    }
}

/// The `--json` report of one sweep, written as it goes: `{"cameras":[…],"summary":{…}}` with the lines in
/// camera id order, as one line (the same text as one JSON value of the whole sweep).
struct JsonLines {
    /// Lines that came back before a lower camera id did.
    waiting: BTreeMap<CameraId, ProbeLine>,
    written: usize,
}

impl JsonLines {
    fn start() -> Self {
        say_part("{\"cameras\":[");
        Self {
            waiting: BTreeMap::new(),
            written: 0,
        }
    }

    /// Takes a line; writes every waiting line below `lowest_in_flight` (all of them when `None`).
    fn add(&mut self, line: ProbeLine, lowest_in_flight: Option<CameraId>) {
        self.waiting.insert(line.camera_id, line);
        while let Some(entry) = self.waiting.first_entry() {
            if lowest_in_flight.is_some_and(|lowest| *entry.key() > lowest) {
                break;
            }
            let line = entry.remove();
            self.write(&line);
        }
    }

    fn write(&mut self, line: &ProbeLine) {
        // Through a JSON value, as the whole-sweep document wrote it (its keys in that order).
        let text = serde_json::to_value(line).map_or_else(|_| "null".into(), |v| v.to_string());
        if self.written > 0 {
            say_part(",");
        }
        say_part(&text);
        self.written += 1;
    }

    fn finish(mut self, report: &SweepReport) {
        for line in std::mem::take(&mut self.waiting).into_values() {
            self.write(&line);
        }
        let summary =
            serde_json::to_value(report).map_or_else(|_| "null".into(), |v| v.to_string());
        say(&format!("],\"summary\":{summary}}}"));
    }
}

/// One camera's line in the report; `names`: its label and site name.
fn probe_line(names: (String, String), observation: &crate::store::Observation) -> ProbeLine {
    let (camera, site) = names;
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
