//! A week of health history for the demo registry, so its figures look like a working city from the first
//! minute: without it, uptime is blank and every black spot, toll plaza and the jail reads as a coverage gap
//! until the desk has probed for a while.
//!
//! The history is what the desk's prober would have found, probing every configured and integrated camera every
//! [`PROBE_EVERY_S`] since it was configured (at most the last 7 days), against the camera simulator the desk
//! starts for a demo registry ([`simulator::probed_state_at`] with the desk's seed): the week on record and the
//! probes after it tell the same story.

use super::*;
use crate::model::{CameraId, Finding, HealthState};
use crate::store::{BulkWriter, HealthRun};

/// How often the recorded week was probed, seconds (a sweep every 20 minutes).
pub(super) const PROBE_EVERY_S: i64 = 20 * 60;
/// The week of history ends this long before "now": the desk's first sweep comes next.
const LAST_PROBE_BEFORE_NOW_S: i64 = 5 * 60;

/// Writes the camera's week of probes when it ends configured or integrated and watches a common area (the
/// cameras the prober looks after); `configured_unix_s` is when it moved to 'configured'.
pub(super) fn write_health_week(
    writer: &mut BulkWriter<'_>,
    camera_id: CameraId,
    configured_unix_s: i64,
    now_unix_s: i64,
) -> Result<(), StoreError> {
    let (runs, latest) = health_week(camera_id, configured_unix_s, now_unix_s);
    writer.add_health_history(camera_id, &runs, &latest)
}

/// The runs of a camera probed every [`PROBE_EVERY_S`] from when it was configured (or a week ago) until just
/// before `now_unix_s`, and the last probe's finding.
pub(super) fn health_week(
    camera_id: CameraId,
    configured_unix_s: i64,
    now_unix_s: i64,
) -> (Vec<HealthRun>, Finding) {
    let seed = simulator::DESK_SEED;
    let last_probe = now_unix_s - LAST_PROBE_BEFORE_NOW_S;
    // Sweeps reach each camera at its own minute of the 20: probe times are that minute of every 20.
    let phase_s = camera_id.rem_euclid(20) * 60;
    let first = (now_unix_s - WEEK_S).max(configured_unix_s + 60);
    let mut t = first + (phase_s - first).rem_euclid(PROBE_EVERY_S);
    let mut runs: Vec<HealthRun> = Vec::new();
    let mut last_t = None;
    while t <= last_probe {
        let state = simulator::probed_state_at(seed, camera_id, t);
        match runs.last_mut() {
            Some(run) if run.state == state => {
                run.to_unix_s = t;
                run.probes += 1;
            }
            _ => runs.push(HealthRun {
                state,
                from_unix_s: t,
                to_unix_s: t,
                probes: 1,
            }),
        }
        last_t = Some(t);
        t += PROBE_EVERY_S;
    }
    let latest = match (runs.last(), last_t) {
        (Some(run), Some(at)) => Finding {
            state: run.state,
            latency_ms: simulator::probe_latency_ms(seed, camera_id, at),
            codec: (run.state == HealthState::Online).then(|| "H264".to_string()),
            ..Default::default()
        },
        _ => Finding::default(),
    };
    (runs, latest)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_564_800;

    #[test]
    fn a_week_of_probes_every_twenty_minutes_ends_just_before_now() {
        let (runs, latest) = health_week(41, NOW - 30 * DAY_S, NOW);
        let first = runs.first().unwrap();
        let last = runs.last().unwrap();
        assert!(first.from_unix_s >= NOW - WEEK_S, "{first:?}");
        assert!(
            first.from_unix_s < NOW - WEEK_S + PROBE_EVERY_S,
            "{first:?}"
        );
        assert!(last.to_unix_s <= NOW - LAST_PROBE_BEFORE_NOW_S);
        assert!(last.to_unix_s > NOW - LAST_PROBE_BEFORE_NOW_S - PROBE_EVERY_S);
        let probes: i64 = runs.iter().map(|r| i64::from(r.probes)).sum();
        assert!((WEEK_S / PROBE_EVERY_S - 1..=WEEK_S / PROBE_EVERY_S).contains(&probes));
        assert_eq!(latest.state, last.state);
        // Runs follow each other and alternate states.
        for w in runs.windows(2) {
            assert!(w[0].to_unix_s < w[1].from_unix_s);
            assert_ne!(w[0].state, w[1].state);
        }
        // Every probe agrees with the simulator at that moment.
        for run in &runs {
            let mut t = run.from_unix_s;
            while t <= run.to_unix_s {
                assert_eq!(
                    simulator::probed_state_at(simulator::DESK_SEED, 41, t),
                    run.state
                );
                t += PROBE_EVERY_S;
            }
        }
    }

    #[test]
    fn a_camera_configured_yesterday_has_a_day_of_history() {
        let (runs, _) = health_week(7, NOW - DAY_S, NOW);
        let probes: i64 = runs.iter().map(|r| i64::from(r.probes)).sum();
        assert!(runs[0].from_unix_s > NOW - DAY_S);
        assert!((DAY_S / PROBE_EVERY_S - 1..=DAY_S / PROBE_EVERY_S).contains(&probes));
        // Configured a minute ago: nothing probed yet.
        let (runs, latest) = health_week(7, NOW - 60, NOW);
        assert!(runs.is_empty());
        assert_eq!(latest.state, HealthState::NotProbed);
    }

    #[test]
    fn most_cameras_are_online_most_of_the_week() {
        let mut online = 0i64;
        let mut observed = 0i64;
        for id in 1..=2_000 {
            let (runs, _) = health_week(id, NOW - 30 * DAY_S, NOW);
            for r in &runs {
                observed += i64::from(r.probes);
                if r.state == HealthState::Online {
                    online += i64::from(r.probes);
                }
            }
        }
        let pct = 100.0 * online as f64 / observed as f64;
        // The simulator's mix: 86 % healthy, 3 % slow (answering within a probe), half of the 2 % flaky.
        assert!((85.0..95.0).contains(&pct), "{pct}");
    }
}
