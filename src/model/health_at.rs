//! Was the camera working at the time of an incident? Worded from the stored health history (runs of probes that
//! found the same state: `health_run`), so nobody chases a dead camera: "online at 21:38 and 21:43", "offline
//! since 19:02", "not probed then".
//!
//! A run says every probe from its first to its last found one state. The probes nearest the moment (or the
//! window) on either side are the evidence; a probe more than [`PROBE_EVIDENCE_S`] from it says nothing of it,
//! unless its run spans the moment. The history keeps 15 days (`store::HEALTH_HISTORY_S`): an older incident is
//! "not probed then".

use serde::Serialize;

use super::{HealthRun, HealthState};
use crate::i18n::I18n;

/// A probe this far from the moment (or the window) still speaks for it, seconds: about three of the desk's
/// sweeps, so a probe missed or backed off does not leave a gap.
pub const PROBE_EVIDENCE_S: i64 = 3600;

/// A camera's health at a moment or in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HealthAt {
    /// Every probe around it found the camera online; the nearest before and after (equal when only one).
    Online { first_unix_s: i64, last_unix_s: i64 },
    /// No probe around it found it online: `state` since `since_unix_s` (the first probe of that spell).
    NotOnline {
        state: HealthState,
        since_unix_s: i64,
    },
    /// The probes around it disagree: the nearest before found one thing, the next that differs another.
    Changed {
        before_state: HealthState,
        before_unix_s: i64,
        after_state: HealthState,
        after_unix_s: i64,
    },
    /// No probe near it.
    NotProbed,
}

/// The camera's health from `from_unix_s` to `to_unix_s` (equal for a moment), from its runs oldest first.
pub fn health_at(runs: &[HealthRun], from_unix_s: i64, to_unix_s: i64) -> HealthAt {
    let (a, b) = (from_unix_s.min(to_unix_s), from_unix_s.max(to_unix_s));
    let near: Vec<usize> = (0..runs.len())
        .filter(|&i| {
            runs[i].to_unix_s >= a.saturating_sub(PROBE_EVIDENCE_S)
                && runs[i].from_unix_s <= b.saturating_add(PROBE_EVIDENCE_S)
        })
        .collect();
    let (Some(&first), Some(&last)) = (near.first(), near.last()) else {
        return HealthAt::NotProbed;
    };
    // The probes known by time: each run's first and last, in order.
    let probes: Vec<(i64, HealthState)> = near
        .iter()
        .flat_map(|&i| {
            let r = runs[i];
            [(r.from_unix_s, r.state), (r.to_unix_s, r.state)]
        })
        .collect();
    let before = probes
        .iter()
        .rev()
        .find(|p| p.0 <= a)
        .or(probes.first())
        .copied()
        .unwrap_or((a, runs[first].state));
    let after = probes
        .iter()
        .find(|p| p.0 >= b)
        .or(probes.last())
        .copied()
        .unwrap_or((b, runs[last].state));
    // What the probes from `before` to `after` found (all of them, the window's included).
    let between: Vec<(i64, HealthState)> = probes
        .iter()
        .filter(|p| p.0 >= before.0 && p.0 <= after.0)
        .copied()
        .collect();
    if between.iter().all(|p| p.1 == HealthState::Online) {
        return HealthAt::Online {
            first_unix_s: before.0,
            last_unix_s: after.0,
        };
    }
    if between.iter().all(|p| p.1 != HealthState::Online) {
        // The spell began at the first of the unbroken not-online runs that lead up to the evidence.
        let mut start = near
            .iter()
            .copied()
            .find(|&i| runs[i].to_unix_s >= before.0)
            .unwrap_or(first);
        while start > 0 && runs[start - 1].state != HealthState::Online {
            start -= 1;
        }
        return HealthAt::NotOnline {
            state: after.1,
            since_unix_s: runs[start].from_unix_s,
        };
    }
    let changed = between
        .iter()
        .find(|p| p.1 != before.1)
        .copied()
        .unwrap_or(after);
    HealthAt::Changed {
        before_state: before.1,
        before_unix_s: before.0,
        after_state: changed.1,
        after_unix_s: changed.0,
    }
}

/// "21:38" when `unix_s` falls on the same day (IST) as `day_of_unix_s`, else "2026-12-06 21:38".
fn time_words(unix_s: i64, day_of_unix_s: i64) -> String {
    let text = super::ist_datetime(unix_s);
    let same_day = super::ist_datetime(day_of_unix_s).get(..10) == text.get(..10);
    match text.get(11..) {
        Some(hm) if same_day => hm.to_string(),
        _ => text,
    }
}

impl HealthAt {
    /// In words for the lookup's list; times of day when on the incident's day (`at_unix_s`), else with the date.
    pub fn words(&self, at_unix_s: i64, i18n: &I18n) -> String {
        let t = |s: i64| time_words(s, at_unix_s);
        match *self {
            Self::Online {
                first_unix_s,
                last_unix_s,
            } if first_unix_s == last_unix_s => {
                i18n.tr_args("lookup-health-online-once", &[("at", t(first_unix_s))])
            }
            Self::Online {
                first_unix_s,
                last_unix_s,
            } => i18n.tr_args(
                "lookup-health-online",
                &[("first", t(first_unix_s)), ("last", t(last_unix_s))],
            ),
            Self::NotOnline {
                state,
                since_unix_s,
            } => i18n.tr_args(
                "lookup-health-since",
                &[
                    ("state", i18n.tr(&state.i18n_key())),
                    ("since", t(since_unix_s)),
                ],
            ),
            Self::Changed {
                before_state,
                before_unix_s,
                after_state,
                after_unix_s,
            } => i18n.tr_args(
                "lookup-health-changed",
                &[
                    ("before", i18n.tr(&before_state.i18n_key())),
                    ("before_at", t(before_unix_s)),
                    ("after", i18n.tr(&after_state.i18n_key())),
                    ("after_at", t(after_unix_s)),
                ],
            ),
            Self::NotProbed => i18n.tr("lookup-health-not-probed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use HealthState::*;

    /// 2026-12-06 00:00 IST.
    const DAY: i64 = 1_796_495_400;

    fn at(h: i64, m: i64) -> i64 {
        DAY + h * 3600 + m * 60
    }

    fn run(state: HealthState, from: i64, to: i64) -> HealthRun {
        HealthRun {
            state,
            from_unix_s: from,
            to_unix_s: to,
            probes: 1,
        }
    }

    fn en(h: HealthAt, t: i64) -> String {
        h.words(t, &I18n::new(Lang::En))
    }

    #[test]
    fn a_day_in_ist_starts_where_the_tests_think() {
        assert_eq!(crate::model::ist_datetime(at(21, 40)), "2026-12-06 21:40");
    }

    #[test]
    fn online_between_two_probes() {
        let runs = [
            run(Offline, at(18, 0), at(19, 0)),
            run(Online, at(19, 20), at(21, 38)),
            run(Online, at(21, 43), at(23, 0)),
        ];
        // Two online runs side by side (as a restart of the prober leaves them).
        let h = health_at(&runs, at(21, 40), at(21, 40));
        assert_eq!(
            h,
            HealthAt::Online {
                first_unix_s: at(21, 38),
                last_unix_s: at(21, 43)
            }
        );
        assert_eq!(en(h, at(21, 40)), "online at 21:38 and 21:43");
    }

    #[test]
    fn offline_since_the_spell_began() {
        let runs = [
            run(Online, at(10, 0), at(18, 40)),
            run(Offline, at(19, 2), at(20, 0)),
            run(StreamError, at(20, 20), at(23, 0)),
        ];
        let h = health_at(&runs, at(21, 40), at(21, 40));
        assert_eq!(
            h,
            HealthAt::NotOnline {
                state: StreamError,
                since_unix_s: at(19, 2)
            }
        );
        assert_eq!(en(h, at(21, 40)), "Stream error since 19:02");
        let runs = [
            run(Online, at(10, 0), at(18, 40)),
            run(Offline, at(19, 2), at(23, 0)),
        ];
        assert_eq!(
            en(health_at(&runs, at(21, 40), at(21, 40)), at(21, 40)),
            "Offline since 19:02"
        );
    }

    #[test]
    fn not_probed_then_when_no_probe_is_near() {
        let runs = [
            run(Online, at(10, 0), at(12, 0)),
            run(Online, at(23, 50), at(23, 59)),
        ];
        let h = health_at(&runs, at(21, 40), at(21, 40));
        assert_eq!(h, HealthAt::NotProbed);
        assert_eq!(en(h, at(21, 40)), "not probed then");
        assert_eq!(health_at(&[], at(21, 40), at(21, 40)), HealthAt::NotProbed);
    }

    #[test]
    fn a_change_around_the_moment_or_in_the_window() {
        let runs = [
            run(Online, at(20, 0), at(21, 30)),
            run(Offline, at(21, 50), at(23, 0)),
        ];
        let h = health_at(&runs, at(21, 40), at(21, 40));
        assert_eq!(
            h,
            HealthAt::Changed {
                before_state: Online,
                before_unix_s: at(21, 30),
                after_state: Offline,
                after_unix_s: at(21, 50)
            }
        );
        assert_eq!(en(h, at(21, 40)), "Online at 21:30, Offline at 21:50");
        // A window with an offline spell in the middle is not "online".
        let runs = [
            run(Online, at(20, 0), at(21, 0)),
            run(Offline, at(21, 20), at(21, 20)),
            run(Online, at(21, 40), at(23, 0)),
        ];
        let h = health_at(&runs, at(21, 10), at(21, 50));
        assert!(
            matches!(h, HealthAt::Changed { after_state: Offline, after_unix_s, .. } if after_unix_s == at(21, 20)),
            "{h:?}"
        );
    }

    #[test]
    fn one_probe_after_or_another_day() {
        let runs = [run(Online, at(22, 10), at(22, 10))];
        let h = health_at(&runs, at(21, 40), at(21, 40));
        assert_eq!(en(h, at(21, 40)), "online at 22:10");
        // The evidence on another day carries its date.
        let runs = [run(Online, at(23, 0), at(24, 30))];
        assert_eq!(
            en(health_at(&runs, at(23, 50), at(23, 50)), at(23, 50)),
            "online at 23:00 and 2026-12-07 00:30"
        );
        let hi = health_at(&runs, at(23, 50), at(23, 50)).words(at(23, 50), &I18n::new(Lang::Hi));
        assert!(hi.contains("23:00") && !hi.contains("lookup-"), "{hi}");
    }
}
