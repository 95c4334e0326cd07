//! The desk's own prober: sweeps the configured and integrated cameras on a schedule on background threads,
//! stores what it finds, and tells the UI (by channel, then a repaint) which cameras changed, with their
//! thumbnails. Start, pause and "probe now" come from the UI as commands.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::prober::{SweepOptions, is_due, sweep};
use crate::model::{CameraId, ProbeTarget};
use crate::store::{HealthRecord, Observation, OpenOptions, Store};

/// How the monitor runs.
#[derive(Debug, Clone, Copy)]
pub struct MonitorOptions {
    /// Seconds between probes of a working camera.
    pub interval_s: i64,
    pub sweep: SweepOptions,
}

/// The desk's prober starts at most this many probes a minute: a full sweep of the default demo (2,500 cameras)
/// fits in the 60 s interval, and a 200,000-camera registry is swept in about 17 minutes without taking the
/// CPU from the window.
pub const DESK_MAX_PROBES_PER_MIN: u32 = 12_000;

impl Default for MonitorOptions {
    fn default() -> Self {
        Self {
            interval_s: 60,
            sweep: SweepOptions {
                max_per_min: DESK_MAX_PROBES_PER_MIN,
                ..SweepOptions::default()
            },
        }
    }
}

/// What the UI asks of the monitor.
#[derive(Debug)]
pub enum MonitorCommand {
    /// Start or pause the scheduled sweeps.
    SetRunning(bool),
    /// Probe these cameras at once, whatever their schedule.
    ProbeNow(Vec<CameraId>),
}

/// One camera's new health, with the thumbnail when the probe brought one.
#[derive(Debug, Clone)]
pub struct HealthUpdate {
    pub record: HealthRecord,
    pub thumbnail_jpeg: Option<Arc<Vec<u8>>>,
}

/// What the monitor reports.
#[derive(Debug)]
pub enum MonitorEvent {
    Updated(Vec<HealthUpdate>),
    /// Sweep rate over the last sweep, probes per minute, and cameras in the schedule.
    Rate {
        probes_per_min: f64,
        cameras: usize,
    },
    Failed(String),
}

/// The UI's handle on the monitor thread.
pub struct HealthMonitor {
    commands: Sender<MonitorCommand>,
    events: Receiver<MonitorEvent>,
    running: Arc<AtomicBool>,
}

/// Results go to the registry and the UI in batches of this many.
const BATCH: usize = 100;
/// The camera list (and passwords) is read again this often, and whenever the registry changed.
const TARGETS_REFRESH: Duration = Duration::from_secs(600);

/// What the schedule needs to know of each camera: failures in a row and the last probe.
type Schedule = HashMap<CameraId, (u32, i64)>;

impl HealthMonitor {
    pub fn start(
        db: PathBuf,
        key_dir: PathBuf,
        options: MonitorOptions,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Self {
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (ev_tx, ev_rx) = mpsc::channel();
        let running = Arc::new(AtomicBool::new(true));
        let thread_running = running.clone();
        let spawned = std::thread::Builder::new()
            .name("health-monitor".into())
            .spawn(move || {
                let out = |e: MonitorEvent| {
                    let _ = ev_tx.send(e);
                    wake();
                };
                if let Err(e) = run(&db, &key_dir, options, &cmd_rx, &thread_running, &out) {
                    out(MonitorEvent::Failed(e));
                }
            });
        if let Err(e) = spawned {
            let (tx, rx) = mpsc::channel();
            let _ = tx.send(MonitorEvent::Failed(format!(
                "cannot start the prober: {e}"
            )));
            return Self {
                commands: cmd_tx,
                events: rx,
                running,
            };
        }
        Self {
            commands: cmd_tx,
            events: ev_rx,
            running,
        }
    }

    pub fn send(&self, command: MonitorCommand) {
        if let MonitorCommand::SetRunning(on) = command {
            self.running.store(on, Ordering::Relaxed);
        }
        let _ = self.commands.send(command);
    }

    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }

    pub fn try_recv(&self) -> Option<MonitorEvent> {
        self.events.try_recv().ok()
    }
}

impl Drop for HealthMonitor {
    fn drop(&mut self) {
        // Stops scheduling; a sweep in progress ends at its next probe.
        self.running.store(false, Ordering::Relaxed);
    }
}

fn run(
    db: &std::path::Path,
    key_dir: &std::path::Path,
    options: MonitorOptions,
    commands: &Receiver<MonitorCommand>,
    running: &AtomicBool,
    out: &dyn Fn(MonitorEvent),
) -> Result<(), String> {
    let mut store = Store::open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| e.to_string())?;
    let mut targets: Vec<ProbeTarget> = Vec::new();
    let mut loaded_at: Option<Instant> = None;
    let mut seen_version = -1;
    let mut urgent: HashSet<CameraId> = HashSet::new();
    // Kept in memory and updated from our own results, so scheduling never re-reads every camera's health.
    let mut schedule: Schedule = store
        .health()
        .map_err(|e| e.to_string())?
        .into_values()
        .map(|h| (h.camera_id, (h.failures_in_row, h.last_probe_unix_s)))
        .collect();
    loop {
        match commands.recv_timeout(Duration::from_secs(1)) {
            Ok(MonitorCommand::SetRunning(_)) => {}
            Ok(MonitorCommand::ProbeNow(ids)) => urgent.extend(ids),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        let version = store.data_version().unwrap_or(seen_version);
        if loaded_at.is_none_or(|t| t.elapsed() >= TARGETS_REFRESH) || version != seen_version {
            targets = store.probe_targets().map_err(|e| e.to_string())?;
            loaded_at = Some(Instant::now());
            seen_version = version;
        }
        let now = crate::store::now_unix_s();
        let mut batch_targets: Vec<ProbeTarget> = if urgent.is_empty() {
            Vec::new()
        } else {
            targets
                .iter()
                .filter(|t| urgent.contains(&t.camera_id))
                .cloned()
                .collect()
        };
        urgent.clear();
        if running.load(Ordering::Relaxed) {
            let already: HashSet<CameraId> = batch_targets.iter().map(|t| t.camera_id).collect();
            let due = targets.iter().filter(|t| {
                let (failures, last) = schedule.get(&t.camera_id).copied().unzip();
                !already.contains(&t.camera_id)
                    && is_due(failures.unwrap_or(0), last, now, options.interval_s)
            });
            batch_targets.extend(due.cloned());
        }
        if batch_targets.is_empty() {
            continue;
        }
        let cancel = AtomicBool::new(false);
        let mut pending: Vec<Observation> = Vec::with_capacity(BATCH);
        let mut failure = None;
        let cameras = targets.len();
        let report = sweep(batch_targets, &options.sweep, &cancel, |o| {
            pending.push(o);
            if pending.len() >= BATCH
                && let Err(e) = flush(&mut store, &mut pending, &mut schedule, out)
            {
                failure = Some(e);
                cancel.store(true, Ordering::Relaxed);
            }
            if !running.load(Ordering::Relaxed) && urgent.is_empty() {
                // Paused mid-sweep: finish what is in flight, start no more.
                cancel.store(true, Ordering::Relaxed);
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        flush(&mut store, &mut pending, &mut schedule, out)?;
        out(MonitorEvent::Rate {
            probes_per_min: report.probes_per_min,
            cameras,
        });
    }
}

/// Stores a batch and sends the cameras' new health to the UI.
fn flush(
    store: &mut Store,
    pending: &mut Vec<Observation>,
    schedule: &mut Schedule,
    out: &dyn Fn(MonitorEvent),
) -> Result<(), String> {
    if pending.is_empty() {
        return Ok(());
    }
    store
        .record_observations(pending)
        .map_err(|e| e.to_string())?;
    let ids: Vec<CameraId> = pending.iter().map(|o| o.camera_id).collect();
    let mut thumbs: HashMap<CameraId, Arc<Vec<u8>>> = HashMap::new();
    for o in pending.drain(..) {
        if let Some(t) = o.finding.thumbnail_jpeg {
            thumbs.insert(o.camera_id, Arc::new(t));
        }
    }
    let records = store.health_of(&ids).map_err(|e| e.to_string())?;
    for r in &records {
        schedule.insert(r.camera_id, (r.failures_in_row, r.last_probe_unix_s));
    }
    let updates = records
        .into_iter()
        .map(|record| HealthUpdate {
            thumbnail_jpeg: thumbs.remove(&record.camera_id),
            record,
        })
        .collect();
    out(MonitorEvent::Updated(updates));
    Ok(())
}
