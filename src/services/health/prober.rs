//! Sweeps: probe many cameras at once with a bounded number of worker threads, each probe with its own
//! deadline, and hand every result back as it comes (to the store in batches, to the UI by channel).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::probe::{ProbeOptions, probe_camera};
use crate::model::{CameraId, Clock, Finding, HealthState, ProbeTarget, ProbeTargets};
use crate::store::Observation;

/// How a sweep runs.
#[derive(Debug, Clone, Copy)]
pub struct SweepOptions {
    /// Probes in flight at once (each is one thread blocked on a socket with a deadline).
    pub concurrency: usize,
    pub probe: ProbeOptions,
    /// Most probes started per minute (0 = no limit). The desk caps its prober so that a sweep over a huge
    /// registry — or thousands of cameras that refuse at once — never takes the CPU from the window.
    pub max_per_min: u32,
}

impl Default for SweepOptions {
    fn default() -> Self {
        Self {
            concurrency: 32,
            probe: ProbeOptions::default(),
            max_per_min: 0,
        }
    }
}

/// Spaces probe starts evenly: each worker takes the next start time, then sleeps until it. Real time, not the
/// sweep's clock: the pace protects the computer's CPU and network, which a test's clock does not slow down.
struct Pacer {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    fn new(max_per_min: u32) -> Option<Self> {
        (max_per_min > 0).then(|| Self {
            gap: Duration::from_secs(60) / max_per_min,
            next: Mutex::new(Instant::now()),
        })
    }

    fn wait_turn(&self, cancel: &AtomicBool) {
        let start = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let start = (*next).max(now);
            *next = start + self.gap;
            start
        };
        // Sleep in short steps so a cancel is seen quickly.
        while !cancel.load(Ordering::Relaxed) {
            let now = Instant::now();
            if now >= start {
                break;
            }
            std::thread::sleep((start - now).min(Duration::from_millis(100)));
        }
    }
}

/// What a sweep did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SweepReport {
    pub probed: usize,
    pub by_state: BTreeMap<String, usize>,
    pub duration_ms: u128,
    /// Sweep rate, probes per minute.
    pub probes_per_min: f64,
    /// True when the sweep was stopped before every camera was probed.
    pub cancelled: bool,
}

/// Probes every target once; `on_result` sees each observation as soon as it is made (on the calling thread).
/// Targets are taken one at a time from the iterator, so a big list is never copied into a queue.
pub fn sweep<T>(
    targets: T,
    options: &SweepOptions,
    cancel: &AtomicBool,
    on_result: impl FnMut(Observation),
) -> SweepReport
where
    T: IntoIterator<Item = ProbeTarget>,
    T::IntoIter: Send,
{
    sweep_on(targets, options, &Clock::system(), cancel, on_result)
}

/// [`sweep`] stamping each result with `clock`'s time (the desk's prober on a test's clock).
pub fn sweep_on<T>(
    targets: T,
    options: &SweepOptions,
    clock: &Clock,
    cancel: &AtomicBool,
    on_result: impl FnMut(Observation),
) -> SweepReport
where
    T: IntoIterator<Item = ProbeTarget>,
    T::IntoIter: Send,
{
    sweep_with(targets, options, clock, cancel, &probe_camera, on_result)
}

/// The text of a caught panic.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Runs one probe; a panic in it (a defect met on some camera's bytes) becomes that camera's stream error
/// instead of taking the sweep, the CLI or the desk's prober down with it.
fn probe_guarded(
    probe: &(dyn Fn(&ProbeTarget, &ProbeOptions) -> Finding + Sync),
    target: &ProbeTarget,
    options: &ProbeOptions,
) -> Finding {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| probe(target, options)))
        .unwrap_or_else(|payload| Finding {
            state: HealthState::StreamError,
            error: Some(format!(
                "the prober failed on this camera's answer (internal error: {}); the sweep went on",
                panic_text(payload.as_ref())
            )),
            ..Default::default()
        })
}

/// [`sweep`] with the probe given (tests give one that misbehaves).
pub fn sweep_with<T>(
    targets: T,
    options: &SweepOptions,
    clock: &Clock,
    cancel: &AtomicBool,
    probe: &(dyn Fn(&ProbeTarget, &ProbeOptions) -> Finding + Sync),
    mut on_result: impl FnMut(Observation),
) -> SweepReport
where
    T: IntoIterator<Item = ProbeTarget>,
    T::IntoIter: Send,
{
    let started = Instant::now();
    let queue = Mutex::new(targets.into_iter());
    let pacer = Pacer::new(options.max_per_min);
    let workers = options.concurrency.max(1);
    let (tx, rx) = mpsc::channel::<Observation>();
    let mut report = SweepReport::default();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let queue = &queue;
            let pacer = pacer.as_ref();
            scope.spawn(move || {
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    // A poisoned lock only means another worker panicked; the queue itself is intact.
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some(target) = next else { return };
                    if let Some(pacer) = pacer {
                        pacer.wait_turn(cancel);
                        if cancel.load(Ordering::Relaxed) {
                            return;
                        }
                    }
                    let finding = probe_guarded(probe, &target, &options.probe);
                    let observation = Observation {
                        camera_id: target.camera_id,
                        at_unix_s: clock.now_unix_s(),
                        finding,
                    };
                    if tx.send(observation).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        for observation in rx {
            report.probed += 1;
            *report
                .by_state
                .entry(observation.finding.state.code().to_string())
                .or_default() += 1;
            on_result(observation);
        }
    });
    report.cancelled = cancel.load(Ordering::Relaxed);
    let elapsed = started.elapsed();
    report.duration_ms = elapsed.as_millis();
    report.probes_per_min = if elapsed > Duration::ZERO {
        report.probed as f64 * 60.0 / elapsed.as_secs_f64()
    } else {
        0.0
    };
    report
}

/// Whether a camera is due for a probe: cameras that keep failing are probed less often (1×, 2×, 4×, up to 16×
/// the interval), so a dead site does not eat the sweep; a camera never probed is always due.
pub fn is_due(
    failures_in_row: u32,
    last_probe_unix_s: Option<i64>,
    now_unix_s: i64,
    interval_s: i64,
) -> bool {
    let Some(last) = last_probe_unix_s else {
        return true;
    };
    let factor = 1i64 << failures_in_row.saturating_sub(1).min(4);
    now_unix_s - last >= interval_s * factor
}

/// When each camera was last probed and how many probes in a row failed (cameras never probed are absent).
pub type ProbeSchedule = std::collections::HashMap<CameraId, (u32, i64)>;

/// Positions in `targets` of the cameras that are due, given the schedule.
pub fn due_targets(
    targets: &ProbeTargets,
    schedule: &ProbeSchedule,
    now_unix_s: i64,
    interval_s: i64,
) -> Vec<usize> {
    (0..targets.len())
        .filter(|&i| {
            let (failures, last) = schedule.get(&targets.camera_id(i)).copied().unzip();
            is_due(failures.unwrap_or(0), last, now_unix_s, interval_s)
        })
        .collect()
}

/// Counts by state as the report shows them, problems first.
pub fn state_order() -> [HealthState; 4] {
    [
        HealthState::Offline,
        HealthState::AuthFailed,
        HealthState::StreamError,
        HealthState::Online,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_up_to_sixteen_intervals() {
        assert!(is_due(0, None, 100, 60));
        assert!(!is_due(0, Some(50), 100, 60));
        assert!(is_due(1, Some(40), 100, 60));
        assert!(!is_due(2, Some(0), 100, 60), "2 failures wait 120 s");
        assert!(is_due(2, Some(0), 120, 60));
        assert!(!is_due(9, Some(0), 959, 60), "capped at 16 × 60 s");
        assert!(is_due(9, Some(0), 960, 60));
    }

    #[test]
    fn the_pacer_spaces_probe_starts() {
        let pacer = Pacer::new(60_000).unwrap();
        assert_eq!(pacer.gap, Duration::from_millis(1));
        let cancel = AtomicBool::new(false);
        let started = Instant::now();
        for _ in 0..20 {
            pacer.wait_turn(&cancel);
        }
        // 20 turns 1 ms apart: the last starts no sooner than 19 ms after the first.
        assert!(started.elapsed() >= Duration::from_millis(19));
        assert!(Pacer::new(0).is_none());
    }

    #[test]
    fn sweep_probes_every_target_within_concurrency() {
        // Closed ports: every probe ends at once as offline.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let targets: Vec<ProbeTarget> = (0..40)
            .map(|i| ProbeTarget {
                camera_id: i,
                stream_url: url::Url::parse(&format!("rtsp://127.0.0.1:{closed}/cam{i}")).ok(),
                snapshot_url: None,
                credentials: None,
                password_unreadable: false,
            })
            .collect();
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        let options = SweepOptions {
            concurrency: 4,
            ..Default::default()
        };
        let report = sweep(targets, &options, &cancel, |o| seen.push(o.camera_id));
        seen.sort();
        assert_eq!(seen, (0..40).collect::<Vec<_>>());
        assert_eq!(report.probed, 40);
        assert_eq!(report.by_state.get("offline"), Some(&40));
        assert!(!report.cancelled);
    }

    #[test]
    fn a_probe_that_panics_is_one_camera_s_error_not_the_sweep_s_end() {
        let targets: Vec<ProbeTarget> = (0..10)
            .map(|i| ProbeTarget {
                camera_id: i,
                stream_url: None,
                snapshot_url: None,
                credentials: None,
                password_unreadable: false,
            })
            .collect();
        let probe = |t: &ProbeTarget, _: &ProbeOptions| {
            if t.camera_id == 3 {
                panic!("slice index out of range");
            }
            Finding {
                state: HealthState::Online,
                ..Default::default()
            }
        };
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        let options = SweepOptions {
            concurrency: 3,
            ..Default::default()
        };
        let report = sweep_with(targets, &options, &Clock::system(), &cancel, &probe, |o| {
            seen.push(o)
        });
        assert_eq!(report.probed, 10);
        let broken = seen.iter().find(|o| o.camera_id == 3).unwrap();
        assert_eq!(broken.finding.state, HealthState::StreamError);
        assert!(
            broken
                .finding
                .error
                .as_deref()
                .unwrap()
                .contains("internal error: slice index out of range"),
            "{broken:?}"
        );
        assert_eq!(report.by_state.get("online"), Some(&9));
    }
}
