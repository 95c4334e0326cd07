//! The desk's own prober: sweeps the configured and integrated cameras on a schedule on background threads,
//! stores what it finds, and tells the UI (by channel, then a repaint) which cameras changed, with their
//! thumbnails. Start, pause and "probe now" come from the UI as commands.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::prober::{ProbeSchedule, SweepOptions, is_due, sweep_on};
use super::result_batch::{ResultBatcher, Written};
use crate::model::{CameraId, Clock};
use crate::store::{HealthRecord, Observation, OpenOptions, Store, StoreError};

/// How the monitor runs.
#[derive(Debug, Clone, Copy)]
pub struct MonitorOptions {
    /// Seconds between probes of a working camera.
    pub interval_s: i64,
    pub sweep: SweepOptions,
}

/// The desk's prober starts at most this many probes a minute: a full sweep of the default demo (2,500 cameras)
/// fits in the 60 s interval, and a 200,000-camera registry (156,000 to probe) is swept in about 11 minutes.
/// Its threads run at a lower priority than the window, so a sweep never takes the CPU from a frame.
pub const DESK_MAX_PROBES_PER_MIN: u32 = 15_000;

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
    /// Leave these cameras (sorted) out of the scheduled sweeps: nobody answers for them (demo cameras the
    /// simulator could not cover), so a probe would only record them as offline.
    Skip(Arc<Vec<CameraId>>),
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
    /// A sweep under way: cameras probed so far of those due, and the rate so far (sent with each batch).
    Progress {
        probed: usize,
        due: usize,
        probes_per_min: f64,
    },
    Failed(MonitorError),
    /// The prober stopped (an error, or a defect that panicked) and starts again after a pause; the wall shows
    /// this until a sweep completes again.
    Restarting {
        error: MonitorError,
        /// Restarts since the desk opened.
        restarts: u32,
        retry_in_s: u64,
    },
    /// Results could not be written because another program holds the registry's write lock (a long import);
    /// they are kept and written on a later attempt.
    Held {
        results: usize,
    },
}

/// Why the prober stopped; the UI says it in the desk's language
/// ([`crate::services::error_words::error_text`]).
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A defect that panicked, with the panic's text.
    #[error("internal error: {0}")]
    Panicked(String),
    /// The system refused the prober's thread.
    #[error("cannot start the prober: {0}")]
    Thread(std::io::Error),
}

/// The UI's handle on the monitor thread.
pub struct HealthMonitor {
    commands: Sender<MonitorCommand>,
    events: Receiver<MonitorEvent>,
    shared: Arc<Shared>,
}

// Results go to the registry and the UI in the batches of [`ResultBatcher`] (shared with `iccc-desk probe`).
/// The camera list is read again this often, and whenever the registry changed.
const TARGETS_REFRESH: Duration = Duration::from_secs(600);

/// What the UI thread and the monitor thread share.
struct Shared {
    running: AtomicBool,
    /// Cameras asked for by "probe now", in order.
    urgent: Mutex<VecDeque<CameraId>>,
    /// Cameras left out of the scheduled sweeps (sorted).
    skip: Mutex<Arc<Vec<CameraId>>>,
}

impl Shared {
    fn pop_urgent(&self) -> Option<CameraId> {
        // A poisoned lock only means a panic elsewhere; the queue itself is intact.
        self.urgent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }

    fn urgent_is_empty(&self) -> bool {
        self.urgent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }
}

impl HealthMonitor {
    pub fn start(
        db: PathBuf,
        key_dir: PathBuf,
        options: MonitorOptions,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Self {
        Self::start_with_clock(db, key_dir, options, Clock::system(), wake)
    }

    /// [`HealthMonitor::start`] on `clock`: the schedule, the batches and the waits between sweeps follow it.
    pub fn start_with_clock(
        db: PathBuf,
        key_dir: PathBuf,
        options: MonitorOptions,
        clock: Clock,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Self {
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (ev_tx, ev_rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            running: AtomicBool::new(true),
            urgent: Mutex::default(),
            skip: Mutex::default(),
        });
        let thread_shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("health-monitor".into())
            .spawn(move || {
                // The sweep's workers start from this thread and inherit its priority.
                crate::services::background::lower_this_thread_priority();
                let out = |e: MonitorEvent| {
                    let _ = ev_tx.send(e);
                    wake();
                };
                supervise(
                    || {
                        run(
                            &db,
                            &key_dir,
                            options,
                            &clock,
                            &cmd_rx,
                            &thread_shared,
                            &out,
                        )
                    },
                    &out,
                    |pause| match clock.recv_timeout(&cmd_rx, pause) {
                        Err(RecvTimeoutError::Disconnected) => false,
                        // A command during the pause (the operator pressed something): start again now.
                        Ok(_) | Err(RecvTimeoutError::Timeout) => true,
                    },
                );
            });
        if let Err(e) = spawned {
            let (tx, rx) = mpsc::channel();
            tracing::error!("cannot start the prober: {e}");
            let _ = tx.send(MonitorEvent::Failed(MonitorError::Thread(e)));
            return Self {
                commands: cmd_tx,
                events: rx,
                shared,
            };
        }
        Self {
            commands: cmd_tx,
            events: ev_rx,
            shared,
        }
    }

    pub fn send(&self, command: MonitorCommand) {
        match &command {
            MonitorCommand::SetRunning(on) => self.shared.running.store(*on, Ordering::Relaxed),
            MonitorCommand::ProbeNow(ids) => self
                .shared
                .urgent
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(ids),
            MonitorCommand::Skip(ids) => {
                *self.shared.skip.lock().unwrap_or_else(|e| e.into_inner()) = ids.clone();
            }
        }
        // Wakes the monitor if it waits between sweeps.
        let _ = self.commands.send(command);
    }

    pub fn is_running(&self) -> bool {
        self.shared.running.load(Ordering::Relaxed)
    }

    pub fn try_recv(&self) -> Option<MonitorEvent> {
        self.events.try_recv().ok()
    }
}

impl Drop for HealthMonitor {
    fn drop(&mut self) {
        // Stops scheduling; a sweep in progress ends at its next probe.
        self.shared.running.store(false, Ordering::Relaxed);
    }
}

/// Longest pause before the prober starts again after stopping.
const MAX_RESTART_PAUSE: Duration = Duration::from_secs(60);

/// Runs the prober's loop and starts it again whenever it stops with an error or a panic, saying so each time
/// (the prober is the desk's only source of fresh health; a silent death would leave the wall stale).
/// `pause` waits before a restart and answers false when the desk went away. Returns when `body` ends cleanly.
pub fn supervise(
    mut body: impl FnMut() -> Result<(), MonitorError>,
    out: &dyn Fn(MonitorEvent),
    mut pause: impl FnMut(Duration) -> bool,
) {
    let mut restarts = 0u32;
    loop {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(&mut body));
        let error = match outcome {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e,
            Err(payload) => MonitorError::Panicked(super::prober::panic_text(payload.as_ref())),
        };
        restarts = restarts.saturating_add(1);
        // 1, 2, 4 … 60 s: a lasting fault (registry gone) is not retried in a busy loop.
        let retry =
            Duration::from_secs(1u64 << restarts.saturating_sub(1).min(6)).min(MAX_RESTART_PAUSE);
        tracing::warn!(
            restarts,
            retry_in_s = retry.as_secs(),
            "prober stopped, restarting: {error}"
        );
        out(MonitorEvent::Restarting {
            error,
            restarts,
            retry_in_s: retry.as_secs(),
        });
        if !pause(retry) {
            return;
        }
    }
}

fn run(
    db: &std::path::Path,
    key_dir: &std::path::Path,
    options: MonitorOptions,
    clock: &Clock,
    commands: &Receiver<MonitorCommand>,
    shared: &Shared,
    out: &dyn Fn(MonitorEvent),
) -> Result<(), MonitorError> {
    let mut store = Store::open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )?;
    // A second connection reads each camera when its turn comes (the first one writes the results meanwhile).
    let reader = Mutex::new(Store::open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )?);
    let mut targets = Targets::new();
    // Kept in memory and updated from our own results, so scheduling never re-reads every camera's health.
    let mut schedule: ProbeSchedule = store.probe_schedule()?;
    // Results not yet written (the registry was busy); kept across sweeps.
    let mut batch = ResultBatcher::with_clock(super::result_batch::MAX_HELD, clock.clone());
    loop {
        match clock.recv_timeout(commands, Duration::from_secs(1)) {
            Ok(
                MonitorCommand::SetRunning(_)
                | MonitorCommand::ProbeNow(_)
                | MonitorCommand::Skip(_),
            ) => {}
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        // Held results are tried again between sweeps too (each try may wait the store's busy timeout).
        if !batch.is_empty() && batch.may_try() {
            let written = batch.write(&mut store)?;
            deliver(&store, written, &mut schedule, out)?;
        }
        targets.refresh(&store, clock)?;
        let running = &shared.running;
        let due = if running.load(Ordering::Relaxed) {
            due_cameras(&targets.ids, &schedule, shared, options.interval_s, clock)
        } else {
            Vec::new()
        };
        if due.is_empty() && shared.urgent_is_empty() {
            continue;
        }
        let due_count = due.len();
        let sweep_started = Instant::now();
        let mut probed = 0usize;
        let mut due = due.into_iter();
        let reader = &reader;
        // A camera that changed or went since the list was read is skipped; a read error skips one camera.
        let read = move |id: CameraId| {
            reader
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .probe_target(id)
                .ok()
                .flatten()
        };
        // Workers take targets one at a time: "probe now" goes before the schedule, even in the middle of a
        // sweep; a pause lets the probes in flight finish and starts no more.
        let next = std::iter::from_fn(move || {
            while let Some(id) = shared.pop_urgent() {
                if let Some(target) = read(id) {
                    return Some(target);
                }
            }
            while running.load(Ordering::Relaxed) {
                let target = read(due.next()?);
                if target.is_some() {
                    return target;
                }
            }
            None
        });
        let cancel = AtomicBool::new(false);
        let mut failure = None;
        batch.begin_sweep();
        let report = sweep_on(next, &options.sweep, clock, &cancel, |o| {
            probed += 1;
            if failure.is_some() {
                return;
            }
            let delivered = match batch.add(&mut store, o) {
                Ok(Some(written)) => deliver(&store, written, &mut schedule, out),
                Ok(None) => Ok(()),
                Err(e) => Err(e.into()),
            };
            if let Err(e) = delivered {
                failure = Some(e);
                cancel.store(true, Ordering::Relaxed);
                return;
            }
            if batch.is_empty() {
                let minutes = sweep_started.elapsed().as_secs_f64() / 60.0;
                out(MonitorEvent::Progress {
                    probed,
                    due: due_count.max(probed),
                    probes_per_min: if minutes > 0.0 {
                        probed as f64 / minutes
                    } else {
                        0.0
                    },
                });
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        end_sweep(
            &mut store,
            &mut batch,
            &mut schedule,
            report.probes_per_min,
            targets.ids.len(),
            out,
        )?;
    }
}

/// The cameras to probe and when they were read.
struct Targets {
    ids: Vec<CameraId>,
    loaded_at: Option<Instant>,
    seen_version: i64,
    seen_revision: i64,
}

impl Targets {
    fn new() -> Self {
        Self {
            ids: Vec::new(),
            loaded_at: None,
            seen_version: -1,
            seen_revision: -1,
        }
    }

    /// Reads the cameras again when the registry changed (not when another prober wrote health), and every
    /// [`TARGETS_REFRESH`] anyway.
    fn refresh(&mut self, store: &Store, clock: &Clock) -> Result<(), StoreError> {
        let version = store.data_version().unwrap_or(self.seen_version);
        if version != self.seen_version {
            self.seen_version = version;
            let revision = store.registry_revision().unwrap_or(self.seen_revision);
            if revision != self.seen_revision {
                self.seen_revision = revision;
                self.loaded_at = None;
            }
        }
        if self
            .loaded_at
            .is_none_or(|t| clock.since(t) >= TARGETS_REFRESH)
        {
            self.ids = store.probe_target_ids()?;
            self.loaded_at = Some(clock.now());
        }
        Ok(())
    }
}

/// The cameras whose probe is due now, those the desk said to skip left out.
fn due_cameras(
    ids: &[CameraId],
    schedule: &ProbeSchedule,
    shared: &Shared,
    interval_s: i64,
    clock: &Clock,
) -> Vec<CameraId> {
    let now = clock.now_unix_s();
    let skip = shared
        .skip
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    ids.iter()
        .copied()
        .filter(|id| skip.binary_search(id).is_err())
        .filter(|id| {
            let (failures, last) = schedule.get(id).copied().unzip();
            is_due(failures.unwrap_or(0), last, now, interval_s)
        })
        .collect()
}

/// Writes what the sweep left in the batch and tells the UI the sweep's rate. Results held by a busy registry
/// stay in the batch and go with a later write; the schedule skips them meanwhile, so the cameras are not
/// probed again for nothing.
fn end_sweep(
    store: &mut Store,
    batch: &mut ResultBatcher,
    schedule: &mut ProbeSchedule,
    probes_per_min: f64,
    cameras: usize,
    out: &dyn Fn(MonitorEvent),
) -> Result<(), MonitorError> {
    let held = match batch.write(store)? {
        Written::Stored(stored) => {
            updated(store, stored, schedule, out)?;
            None
        }
        Written::Held(results) => Some(results),
    };
    out(MonitorEvent::Rate {
        probes_per_min,
        cameras,
    });
    // After the sweep's figures, so the wall keeps saying that results are held.
    if let Some(results) = held {
        out(MonitorEvent::Held { results });
        for o in batch.pending() {
            let failures = u32::from(o.finding.state != crate::model::HealthState::Online);
            schedule.insert(o.camera_id, (failures, o.at_unix_s));
        }
    }
    Ok(())
}

/// Tells the UI what a write did: the cameras' new health, or that results are held.
fn deliver(
    store: &Store,
    written: Written,
    schedule: &mut ProbeSchedule,
    out: &dyn Fn(MonitorEvent),
) -> Result<(), MonitorError> {
    match written {
        Written::Stored(stored) => updated(store, stored, schedule, out),
        Written::Held(results) => {
            out(MonitorEvent::Held { results });
            Ok(())
        }
    }
}

/// Sends the stored cameras' new health (with their thumbnails) to the UI and notes it in the schedule.
fn updated(
    store: &Store,
    stored: Vec<Observation>,
    schedule: &mut ProbeSchedule,
    out: &dyn Fn(MonitorEvent),
) -> Result<(), MonitorError> {
    if stored.is_empty() {
        return Ok(());
    }
    let ids: Vec<CameraId> = stored.iter().map(|o| o.camera_id).collect();
    let mut thumbs: HashMap<CameraId, Arc<Vec<u8>>> = HashMap::new();
    for o in stored {
        if let Some(t) = o.finding.thumbnail_jpeg {
            thumbs.insert(o.camera_id, Arc::new(t));
        }
    }
    let records = store.health_of(&ids)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};

    #[test]
    fn a_prober_that_panics_or_fails_is_reported_and_started_again() {
        let runs = Cell::new(0);
        let events = RefCell::new(Vec::new());
        let pauses = RefCell::new(Vec::new());
        supervise(
            || {
                runs.set(runs.get() + 1);
                match runs.get() {
                    1 => panic!("attempt to add with overflow"),
                    2 => Err(StoreError::Busy.into()),
                    _ => Ok(()),
                }
            },
            &|e| events.borrow_mut().push(e),
            |d| {
                pauses.borrow_mut().push(d);
                true
            },
        );
        assert_eq!(runs.get(), 3, "started again after each stop");
        let texts: Vec<(String, u32)> = events
            .borrow()
            .iter()
            .filter_map(|e| match e {
                MonitorEvent::Restarting {
                    error, restarts, ..
                } => Some((error.to_string(), *restarts)),
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                (
                    "internal error: attempt to add with overflow".to_string(),
                    1
                ),
                (StoreError::Busy.to_string(), 2),
            ]
        );
        assert_eq!(
            *pauses.borrow(),
            vec![Duration::from_secs(1), Duration::from_secs(2)]
        );
    }

    #[test]
    fn a_desk_that_went_away_ends_the_supervision() {
        let runs = Cell::new(0);
        supervise(
            || {
                runs.set(runs.get() + 1);
                Err(MonitorError::Panicked("fails every time".into()))
            },
            &|_| {},
            |_| false,
        );
        assert_eq!(runs.get(), 1);
    }
}
