//! Stage histories: each demo camera's moves over the past twelve weeks, at office hours, with blocks and
//! their reasons, so the weekly review's figures look like the programme's.

use super::*;

/// A desk time in [lo, hi]: a working day (not Sunday) between 10:00 and 18:30 India time where one fits.
pub(super) fn office_time(rng: &mut SplitMix64, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    for _ in 0..8 {
        let t = rng.between(lo, hi);
        let day = (t + IST_OFFSET_S).div_euclid(DAY_S);
        // 1970-01-01 was a Thursday: (day + 4) % 7 == 0 is a Sunday.
        if (day + 4).rem_euclid(7) == 0 {
            continue;
        }
        let candidate = day * DAY_S - IST_OFFSET_S + rng.between(10 * 3600, 18 * 3600 + 1800);
        if (lo..=hi).contains(&candidate) {
            return candidate;
        }
    }
    rng.between(lo, hi)
}

pub(super) fn plain(to: IntegrationStage) -> StageChange {
    StageChange {
        to,
        reason: None,
        note: String::new(),
    }
}

/// A block from `from`, with a reason that fits the stage and (usually) a note; `Other` always has one.
pub(super) fn block(rng: &mut SplitMix64, from: IntegrationStage) -> (StageChange, BlockReason) {
    use BlockReason as R;
    use IntegrationStage as S;
    // (reason, how often, notes to choose from)
    let reasons: &[(BlockReason, f64, &[&str])] = match from {
        S::Surveyed => &[
            (
                R::OwnerNotReachable,
                0.8,
                &[
                    "Phone switched off on three calls",
                    "Owner out of station; caretaker cannot decide",
                    "",
                ],
            ),
            (
                R::Other,
                0.2,
                &[
                    "Premises locked; owner in Delhi till next month",
                    "Ownership disputed in court",
                ],
            ),
        ],
        S::OwnerContacted => &[
            (
                R::ConsentRefused,
                0.55,
                &[
                    "Owner wants a written request from the SSP first",
                    "Owner worried about customers' privacy",
                    "Society committee to decide at its next meeting",
                    "",
                ],
            ),
            (
                R::OwnerNotReachable,
                0.35,
                &["Owner stopped answering after the first visit", ""],
            ),
            (
                R::Other,
                0.1,
                &["Owner asks who pays for the uplink; referred to the Nagar Nigam"],
            ),
        ],
        S::ConsentGiven => &[
            (
                R::NoUplink,
                0.3,
                &[
                    "No broadband at the site; 4G router proposed",
                    "Dynamic IP only; ISP asked for a static IP",
                    "",
                ],
            ),
            (
                R::NvrNotCompatible,
                0.25,
                &[
                    "Old DVR without RTSP; owner to replace it",
                    "DVR firmware gives no sub-stream",
                    "",
                ],
            ),
            (
                R::PasswordUnknown,
                0.2,
                &[
                    "Installer left; NVR password not known",
                    "Owner forgot the admin password; reset needs the installer",
                ],
            ),
            (
                R::Bandwidth,
                0.15,
                &["Uplink of 2 Mbps shared with the billing system", ""],
            ),
            (
                R::Other,
                0.1,
                &[
                    "Building under renovation; cameras taken down",
                    "Camera faces a neighbour's house; owner to re-aim it",
                ],
            ),
        ],
        _ => &[
            (
                R::Bandwidth,
                0.3,
                &["Stream drops every evening at peak hours", ""],
            ),
            (
                R::NoUplink,
                0.2,
                &["Static IP expired; renewal pending with the ISP"],
            ),
            (
                R::PasswordUnknown,
                0.2,
                &["Owner changed the password after configuration"],
            ),
            (
                R::NvrNotCompatible,
                0.2,
                &["Stream is H.265+; the VMS needs H.264", ""],
            ),
            (
                R::Other,
                0.1,
                &[
                    "Camera damaged in a storm; owner to replace it",
                    "Power cut at night; no UPS at the site",
                ],
            ),
        ],
    };
    let weights: Vec<f64> = reasons.iter().map(|r| r.1).collect();
    let (reason, _, notes) = reasons[rng.weighted(&weights)];
    let note = rng.pick(notes).to_string();
    (
        StageChange {
            to: S::Blocked,
            reason: Some(reason),
            note,
        },
        reason,
    )
}

pub(super) fn unblock(
    rng: &mut SplitMix64,
    back_to: IntegrationStage,
    reason: BlockReason,
) -> StageChange {
    let note = match reason {
        BlockReason::OwnerNotReachable => "Cleared: owner called back",
        BlockReason::ConsentRefused => "Cleared: owner agreed after the category meeting",
        BlockReason::NoUplink => "Cleared: ISP gave a static IP",
        BlockReason::NvrNotCompatible => "Cleared: NVR firmware updated",
        BlockReason::Bandwidth => "Cleared: uplink upgraded",
        BlockReason::PasswordUnknown => "Cleared: installer reset the password",
        BlockReason::Other => *rng.pick(&["Cleared: problem solved on a site visit", "Cleared"]),
    };
    StageChange {
        to: back_to,
        reason: None,
        note: note.to_string(),
    }
}

pub(super) fn rejection(area: AreaWatched) -> StageChange {
    let what = match area {
        AreaWatched::Room => "guest rooms",
        AreaWatched::Ward => "a hospital ward",
        AreaWatched::Classroom => "a classroom",
        _ => "a private cabin",
    };
    StageChange {
        to: IntegrationStage::Rejected,
        reason: None,
        note: format!("Watches {what} (private area): recorded, never to be integrated"),
    }
}

pub(super) const PATH: [IntegrationStage; 4] = [
    IntegrationStage::OwnerContacted,
    IntegrationStage::ConsentGiven,
    IntegrationStage::Configured,
    IntegrationStage::Integrated,
];

/// The moves after 'surveyed' that reach `stage` (one of the path's stages), maybe with a block cleared on the way.
pub(super) fn moves_to(
    rng: &mut SplitMix64,
    stage: IntegrationStage,
    detour: f64,
) -> Vec<StageChange> {
    let steps = PATH.iter().position(|&s| s == stage).map_or(0, |i| i + 1);
    let mut moves: Vec<StageChange> = PATH[..steps].iter().map(|&s| plain(s)).collect();
    // A block that cleared, at one of the stages before the last (never right after 'surveyed': that is
    // the moment owners are first called, where most blocks start and many stay).
    let places = steps.saturating_sub(1);
    if places > 0 && rng.chance(detour) {
        let at = rng.below(places);
        let (b, reason) = block(rng, PATH[at]);
        let back = unblock(rng, PATH[at], reason);
        moves.insert(at + 1, back);
        moves.insert(at + 1, b);
    }
    moves
}

/// When a camera was surveyed and its later moves, all within (now − 12 weeks, now].
pub(super) fn history(
    rng: &mut SplitMix64,
    outcome: Outcome,
    area: AreaWatched,
    now: i64,
) -> (i64, Vec<(StageChange, i64)>) {
    use IntegrationStage as S;
    let start = now - HISTORY_S + 3_600;
    let end = now - 60;
    let week_ago = now - WEEK_S;
    let timed = |rng: &mut SplitMix64, moves: Vec<StageChange>, t0: i64, last: Option<i64>| {
        let free = moves.len() - usize::from(last.is_some());
        let until = last.unwrap_or(end);
        let mut times: Vec<i64> = (0..free).map(|_| office_time(rng, t0, until)).collect();
        times.extend(last);
        times.sort_unstable();
        moves.into_iter().zip(times).collect::<Vec<_>>()
    };
    match outcome {
        Outcome::Integrated { this_week } => {
            let t_int = if this_week {
                office_time(rng, week_ago + 60, end)
            } else {
                // More cameras each week as the programme gathered pace.
                let back = (71.0 * DAY_S as f64 * rng.unit().powf(1.6)) as i64;
                let target = week_ago - 60 - back;
                let lo = (start + 2 * DAY_S).max(target - DAY_S / 2);
                let hi = (week_ago - 60).min(target + DAY_S / 2);
                office_time(rng, lo, hi)
            };
            let t0 = office_time(
                rng,
                start.max(t_int - 45 * DAY_S),
                (t_int - 2 * DAY_S).max(start),
            );
            let moves = moves_to(rng, S::Integrated, 0.10);
            (t0, timed(rng, moves, t0, Some(t_int)))
        }
        Outcome::Blocked => {
            let from = [
                S::Surveyed,
                S::OwnerContacted,
                S::ConsentGiven,
                S::Configured,
            ][rng.weighted(&[0.15, 0.30, 0.35, 0.20])];
            let t0 = office_time(rng, start, end - DAY_S);
            let mut moves = moves_to(rng, from, 0.05);
            moves.push(block(rng, from).0);
            (t0, timed(rng, moves, t0, None))
        }
        Outcome::InProgress(stage) => {
            let t0 = office_time(rng, start, end - 3_600);
            let moves = moves_to(rng, stage, 0.10);
            (t0, timed(rng, moves, t0, None))
        }
        Outcome::Rejected => {
            let t0 = office_time(rng, start, end - DAY_S);
            let t = office_time(rng, t0, (t0 + 5 * DAY_S).min(end));
            (t0, vec![(rejection(area), t)])
        }
    }
}
