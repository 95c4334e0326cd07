//! The weekly review: what the divisional commissioner's meeting reads for one week (Monday to Sunday, India
//! Standard Time) — integrated cameras in total, this week and last week, by owner category; new surveys; blocked
//! and unblocked this week; uptime of the integrated cameras as the desk's probes measured it.
//!
//! Every figure is counted from `stage_event` rows as they stood at the week's end (a camera's stage then is
//! its latest event up to that moment), never from the camera table's current stage or a counter, so a week
//! reads the same whenever the report is made. Read-only.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::model::{COMMON_AREAS_SQL, IST_OFFSET_S, IntegrationStage, OwnerCategory};
use crate::store::{HealthRun, StoreError, meta_value, uptime_pct};

const DAY_S: i64 = 86_400;
/// Expected seconds between probes of one camera, for uptime from runs (as the wall computes it).
const PROBE_INTERVAL_S: i64 = 60;

/// An ISO 8601 week (Monday first; week 1 holds the year's first Thursday), in India Standard Time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct IsoWeek {
    pub year: i32,
    pub week: u32,
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Monday (day number) of the week holding `day`.
fn monday_of(day: i64) -> i64 {
    // 1970-01-01 was a Thursday: (day + 3) mod 7 counts days since Monday.
    day - (day + 3).rem_euclid(7)
}

impl IsoWeek {
    /// The week holding this moment, in India.
    pub fn containing(unix_s: i64) -> Self {
        let day = (unix_s + IST_OFFSET_S).div_euclid(DAY_S);
        let thursday = monday_of(day) + 3;
        let (year, _, _) = civil_from_days(thursday);
        let jan1 = days_from_civil(year, 1, 1);
        Self {
            year: year as i32,
            week: ((thursday - jan1) / 7 + 1) as u32,
        }
    }

    /// "2026-W48" (also "2026-w48", "2026W48").
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let (y, w) = t.split_once(['W', 'w'])?;
        let year: i32 = y.trim_end_matches('-').parse().ok()?;
        let week: u32 = w.parse().ok()?;
        let candidate = Self { year, week };
        // Week 53 exists only in some years: the week after 52 must still be in this ISO year.
        ((1..=53).contains(&week)
            && (1900..=9999).contains(&year)
            && Self::containing(candidate.start_unix_s()) == candidate)
            .then_some(candidate)
    }

    /// Monday's day number.
    fn monday(self) -> i64 {
        let jan4 = days_from_civil(i64::from(self.year), 1, 4);
        monday_of(jan4) + 7 * (i64::from(self.week) - 1)
    }

    /// Monday 00:00 IST, unix seconds.
    pub fn start_unix_s(self) -> i64 {
        self.monday() * DAY_S - IST_OFFSET_S
    }

    /// The next Monday 00:00 IST (the week is [start, end)).
    pub fn end_unix_s(self) -> i64 {
        self.start_unix_s() + 7 * DAY_S
    }

    pub fn previous(self) -> Self {
        Self::containing(self.start_unix_s() - 1)
    }

    pub fn label(self) -> String {
        format!("{}-W{:02}", self.year, self.week)
    }

    /// Monday and Sunday as dates ("2026-11-23", "2026-11-29").
    pub fn dates(self) -> (String, String) {
        let fmt = |day: i64| {
            let (y, m, d) = civil_from_days(day);
            format!("{y:04}-{m:02}-{d:02}")
        };
        (fmt(self.monday()), fmt(self.monday() + 6))
    }
}

impl std::fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

/// One owner category's week.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryWeek {
    /// Cameras recorded by the week's end.
    pub cameras: u64,
    /// Integrated at the week's end.
    pub integrated_total: u64,
    /// Integrated at the week's end, having moved into 'integrated' during the week.
    pub integrated_this_week: u64,
    /// The same for the week before.
    pub integrated_last_week: u64,
}

/// The review meeting's numbers for one week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyReport {
    /// "2026-W48".
    pub week: String,
    /// Monday and Sunday of the week (IST dates).
    pub starts: String,
    pub ends: String,
    pub cameras: u64,
    pub integrated_total: u64,
    pub integrated_this_week: u64,
    pub integrated_last_week: u64,
    /// Per owner category (code → figures); every category is listed.
    pub by_category: BTreeMap<String, CategoryWeek>,
    /// Cameras first recorded (surveyed) during the week.
    pub new_surveys: u64,
    /// Cameras that went to 'blocked' during the week.
    pub blocked_this_week: u64,
    /// Cameras that left 'blocked' during the week.
    pub resolved_this_week: u64,
    /// Blocked at the week's end.
    pub blocked_now: u64,
    /// Mean uptime over the week of the cameras integrated at its end that the desk probed; `None` when none was.
    pub uptime_pct_integrated: Option<f64>,
    /// Integrated cameras with probe results in the week (what the uptime is the mean of).
    pub cameras_probed: u64,
    /// Priority places without a working integrated camera (filled in by the coverage computation when run).
    pub gaps: Option<u64>,
    pub is_demo: bool,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Each camera's latest event before `?1` (its stage at that moment), with the time of that event.
const STAGE_AT: &str = "WITH latest AS (
    SELECT camera_id, to_stage, at_unix_s,
           row_number() OVER (PARTITION BY camera_id ORDER BY at_unix_s DESC, id DESC) AS rn
    FROM stage_event WHERE at_unix_s < ?1
  )";

/// Per category: cameras, integrated, integrated with the move in [?2, ?1).
fn category_counts(
    conn: &Connection,
    end: i64,
    start: i64,
) -> Result<BTreeMap<String, (u64, u64, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{STAGE_AT}
         SELECT s.owner_category, count(*),
                sum(l.to_stage = 'integrated' AND c.area_watched IN {COMMON_AREAS_SQL}),
                sum(l.to_stage = 'integrated' AND c.area_watched IN {COMMON_AREAS_SQL} AND l.at_unix_s >= ?2)
         FROM latest l JOIN camera c ON c.id = l.camera_id JOIN site s ON s.id = c.site_id
         WHERE l.rn = 1
         GROUP BY s.owner_category"
    ))?;
    let mut rows = stmt.query([end, start])?;
    let mut out = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let category: String = r.get(0)?;
        out.insert(
            category,
            (
                count(r.get(1)?),
                count(r.get::<_, Option<i64>>(2)?.unwrap_or(0)),
                count(r.get::<_, Option<i64>>(3)?.unwrap_or(0)),
            ),
        );
    }
    Ok(out)
}

/// [`weekly`] with the coverage gaps as they stand at `now_unix_s` (coverage needs today's health, so it is the
/// present count whichever week is asked for).
pub fn weekly_with_gaps(
    conn: &Connection,
    week: IsoWeek,
    now_unix_s: i64,
) -> Result<WeeklyReport, StoreError> {
    Ok(weekly_with_coverage(conn, week, now_unix_s)?.0)
}

/// [`weekly_with_gaps`], and the coverage report the gaps were counted from (the printable report lists them).
pub fn weekly_with_coverage(
    conn: &Connection,
    week: IsoWeek,
    now_unix_s: i64,
) -> Result<(WeeklyReport, crate::model::CoverageReport), StoreError> {
    let mut report = weekly(conn, week)?;
    let coverage = crate::services::coverage::report_from_conn(
        conn,
        now_unix_s,
        crate::model::coverage::DEFAULT_WINDOW_S,
    )?;
    report.gaps = Some(coverage.gaps.len() as u64);
    Ok((report, coverage))
}

/// The week's numbers, from the stage history and the probe runs of a registry opened read-only.
pub fn weekly(conn: &Connection, week: IsoWeek) -> Result<WeeklyReport, StoreError> {
    let (start, end) = (week.start_unix_s(), week.end_unix_s());
    let last = week.previous();
    let this = category_counts(conn, end, start)?;
    let before = category_counts(conn, last.end_unix_s(), last.start_unix_s())?;
    let mut by_category: BTreeMap<String, CategoryWeek> = OwnerCategory::ALL
        .iter()
        .map(|c| (c.code().to_string(), CategoryWeek::default()))
        .collect();
    for (category, (cameras, integrated, moved)) in &this {
        let f = by_category.entry(category.clone()).or_default();
        f.cameras = *cameras;
        f.integrated_total = *integrated;
        f.integrated_this_week = *moved;
    }
    for (category, (_, _, moved)) in &before {
        by_category
            .entry(category.clone())
            .or_default()
            .integrated_last_week = *moved;
    }
    let sum = |f: fn(&CategoryWeek) -> u64| by_category.values().map(f).sum::<u64>();
    let events = |sql: &str| -> Result<u64, StoreError> {
        Ok(count(conn.query_row(sql, [start, end], |r| r.get(0))?))
    };
    let new_surveys = events(
        "SELECT count(DISTINCT camera_id) FROM stage_event
         WHERE from_stage IS NULL AND at_unix_s >= ?1 AND at_unix_s < ?2",
    )?;
    let blocked_this_week = events(
        "SELECT count(DISTINCT camera_id) FROM stage_event
         WHERE to_stage = 'blocked' AND at_unix_s >= ?1 AND at_unix_s < ?2",
    )?;
    let resolved_this_week = events(
        "SELECT count(DISTINCT camera_id) FROM stage_event
         WHERE from_stage = 'blocked' AND to_stage <> 'blocked' AND at_unix_s >= ?1 AND at_unix_s < ?2",
    )?;
    let blocked_now: i64 = conn.query_row(
        &format!(
            "{STAGE_AT} SELECT count(*) FROM latest WHERE rn = 1 AND to_stage = '{}'",
            IntegrationStage::Blocked.code()
        ),
        [end],
        |r| r.get(0),
    )?;
    let (uptime_pct_integrated, cameras_probed) = uptime(conn, start, end)?;
    Ok(WeeklyReport {
        week: week.label(),
        starts: week.dates().0,
        ends: week.dates().1,
        cameras: sum(|f| f.cameras),
        integrated_total: sum(|f| f.integrated_total),
        integrated_this_week: sum(|f| f.integrated_this_week),
        integrated_last_week: sum(|f| f.integrated_last_week),
        by_category,
        new_surveys,
        blocked_this_week,
        resolved_this_week,
        blocked_now: count(blocked_now),
        uptime_pct_integrated,
        cameras_probed,
        gaps: None,
        is_demo: meta_value(conn, "is_demo")?.as_deref() == Some("1"),
    })
}

/// Mean of the per-camera uptime over [start, end) of the cameras integrated at `end` that were probed then.
fn uptime(conn: &Connection, start: i64, end: i64) -> Result<(Option<f64>, u64), StoreError> {
    let mut stmt = conn.prepare(&format!(
        "{STAGE_AT}
         SELECT r.camera_id, r.state, r.from_unix_s, r.to_unix_s, r.probes
         FROM health_run r
         JOIN latest l ON l.camera_id = r.camera_id AND l.rn = 1 AND l.to_stage = 'integrated'
         JOIN camera c ON c.id = r.camera_id AND c.area_watched IN {COMMON_AREAS_SQL}
         WHERE r.to_unix_s >= ?2 AND r.from_unix_s < ?1
         ORDER BY r.camera_id, r.from_unix_s"
    ))?;
    let mut rows = stmt.query([end, start])?;
    let mut total = 0.0;
    let mut cameras = 0u64;
    let mut current: Option<i64> = None;
    let mut runs: Vec<HealthRun> = Vec::new();
    let mut finish = |runs: &mut Vec<HealthRun>| {
        if let Some(pct) = uptime_pct(runs, end, end - start, PROBE_INTERVAL_S) {
            total += pct;
            cameras += 1;
        }
        runs.clear();
    };
    while let Some(r) = rows.next()? {
        let camera: i64 = r.get(0)?;
        if current.is_some_and(|c| c != camera) {
            finish(&mut runs);
        }
        current = Some(camera);
        let state: String = r.get(1)?;
        let Some(state) = crate::model::HealthState::from_code(&state) else {
            continue;
        };
        runs.push(HealthRun {
            state,
            from_unix_s: r.get(2)?,
            to_unix_s: r.get(3)?,
            probes: r.get(4)?,
        });
    }
    finish(&mut runs);
    Ok(((cameras > 0).then(|| total / cameras as f64), cameras))
}

/// One week of the review's charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekPoint {
    pub week: IsoWeek,
    /// Integrated at the week's end (the cumulative line).
    pub integrated_total: u64,
    /// Integrated during the week, per owner category (the stacked bars).
    pub integrated_by_category: BTreeMap<String, u64>,
}

/// The `weeks` weeks ending with `last`, oldest first: the review's two charts. One pass over the stage history
/// for all the weeks (a camera's stage at each week's end is its latest event before it).
pub fn series(
    conn: &Connection,
    last: IsoWeek,
    weeks: usize,
) -> Result<Vec<WeekPoint>, StoreError> {
    let mut list = vec![last];
    while list.len() < weeks.max(1) {
        let before = list[list.len() - 1].previous();
        list.push(before);
    }
    list.reverse();
    let mut points: Vec<WeekPoint> = list
        .iter()
        .map(|&week| WeekPoint {
            week,
            integrated_total: 0,
            integrated_by_category: BTreeMap::new(),
        })
        .collect();
    let bounds: Vec<(i64, i64)> = list
        .iter()
        .map(|w| (w.start_unix_s(), w.end_unix_s()))
        .collect();
    let mut camera: Vec<crate::store::ReviewMove> = Vec::new();
    let mut count_camera = |events: &mut Vec<crate::store::ReviewMove>| {
        // Latest first by time, then id, as the per-week query orders them.
        events.sort_by_key(|e| (e.at_unix_s, e.id));
        for ((start, end), point) in bounds.iter().zip(points.iter_mut()) {
            let Some(latest) = events.iter().rev().find(|e| e.at_unix_s < *end) else {
                continue;
            };
            let moved = point
                .integrated_by_category
                .entry(latest.owner_category.clone())
                .or_insert(0);
            if latest.to_stage == IntegrationStage::Integrated.code() && latest.is_common_area {
                point.integrated_total += 1;
                if latest.at_unix_s >= *start {
                    *moved += 1;
                }
            }
        }
        events.clear();
    };
    crate::store::for_each_review_move(conn, last.end_unix_s(), |e| {
        if camera.last().is_some_and(|c| c.camera_id != e.camera_id) {
            count_camera(&mut camera);
        }
        camera.push(e);
    })?;
    count_camera(&mut camera);
    Ok(points)
}

/// Weeks in the review's charts (the screen asks for this many, and the desk reads their cache at start).
pub const REVIEW_CHART_WEEKS: usize = 12;
/// Figures of a week not yet over are counted again when older than this, even if no stage moved: uptime
/// changes with every probe.
pub const LIVE_WEEK_MAX_AGE_S: i64 = 15 * 60;

/// What the review screen shows for one week: the numbers and the charts' series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewFigures {
    pub report: WeeklyReport,
    pub series: Vec<WeekPoint>,
}

/// Figures from the review cache.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedFigures {
    pub figures: ReviewFigures,
    pub computed_unix_s: i64,
    /// Counted from the registry as it stands (and, for a week not yet over, lately): no need to count again.
    pub is_current: bool,
}

/// The cached figures of `week`, if the cache holds sound ones for it; whether they are current is judged by
/// the registry's mark now and the clock `now_unix_s`. Unreadable or mismatched JSON counts as no cache.
pub fn cached_figures(
    conn: &Connection,
    week: IsoWeek,
    weeks: usize,
    now_unix_s: i64,
) -> Result<Option<CachedFigures>, StoreError> {
    let Some(cached) = crate::store::read_review_cache(conn, &week.label(), weeks as i64)? else {
        return Ok(None);
    };
    let Ok(figures) = serde_json::from_str::<ReviewFigures>(&cached.figures_json) else {
        return Ok(None);
    };
    // Hostile bytes: the figures must be of the week and length asked for.
    if figures.report.week != week.label()
        || figures.series.len() != weeks.max(1)
        || figures.series.last().map(|p| p.week) != Some(week)
    {
        return Ok(None);
    }
    let mark = crate::store::registry_mark(conn)?;
    let settled = cached.computed_unix_s >= week.end_unix_s()
        || (now_unix_s - cached.computed_unix_s).abs() < LIVE_WEEK_MAX_AGE_S;
    Ok(Some(CachedFigures {
        figures,
        computed_unix_s: cached.computed_unix_s,
        is_current: cached.mark == mark && settled,
    }))
}

/// Counts `week`'s figures (and `weeks` weeks of charts) in one read transaction, with the registry's mark
/// they were counted at.
pub fn count_figures(
    conn: &Connection,
    week: IsoWeek,
    weeks: usize,
) -> Result<(ReviewFigures, crate::store::RegistryMark), StoreError> {
    // One snapshot of the file: the mark says exactly what the figures were counted from.
    let tx = conn.unchecked_transaction()?;
    let mark = crate::store::registry_mark(&tx)?;
    let report = weekly(&tx, week)?;
    let series = series(&tx, week, weeks)?;
    tx.finish()?;
    Ok((ReviewFigures { report, series }, mark))
}

/// Stores counted figures in the review cache (`conn` may write).
pub fn cache_figures(
    conn: &Connection,
    week: IsoWeek,
    weeks: usize,
    figures: &ReviewFigures,
    mark: crate::store::RegistryMark,
    computed_unix_s: i64,
) -> Result<(), StoreError> {
    let figures_json = serde_json::to_string(figures).map_err(|e| StoreError::Corrupt {
        detail: e.to_string(),
    })?;
    crate::store::write_review_cache(
        conn,
        &week.label(),
        weeks as i64,
        &crate::store::CachedReview {
            figures_json,
            computed_unix_s,
            mark,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_in_india() {
        // Wednesday 2026-11-25 noon IST is in 2026-W48 (Monday 23 to Sunday 29 November).
        let wed = 1_795_588_200; // 2026-11-25 06:30 UTC = 12:00 IST
        let w = IsoWeek::containing(wed);
        assert_eq!(w.label(), "2026-W48");
        assert_eq!(w.dates(), ("2026-11-23".into(), "2026-11-29".into()));
        // The week starts at Monday 00:00 IST = Sunday 18:30 UTC.
        assert_eq!(w.start_unix_s() % DAY_S, DAY_S - IST_OFFSET_S);
        assert_eq!(IsoWeek::containing(w.start_unix_s()), w);
        assert_eq!(
            IsoWeek::containing(w.start_unix_s() - 1).label(),
            "2026-W47"
        );
        assert_eq!(IsoWeek::containing(w.end_unix_s() - 1), w);
        // Year edges: 2021-01-03 (Sunday) belongs to 2020-W53; 2024-12-30 (Monday) to 2025-W01.
        let day = |y, m, d| days_from_civil(y, m, d) * DAY_S - IST_OFFSET_S + 3_600;
        assert_eq!(IsoWeek::containing(day(2021, 1, 3)).label(), "2020-W53");
        assert_eq!(IsoWeek::containing(day(2024, 12, 30)).label(), "2025-W01");
        assert_eq!(IsoWeek::parse("2026-W48"), Some(w));
        assert_eq!(IsoWeek::parse("2026w48"), Some(w));
        assert_eq!(
            IsoWeek::parse("2020-W53").map(|w| w.label()).as_deref(),
            Some("2020-W53")
        );
        assert!(IsoWeek::parse("2021-W53").is_none(), "2021 has 52 weeks");
        assert!(IsoWeek::parse("2026-W00").is_none());
        assert!(IsoWeek::parse("last week").is_none());
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
        assert_eq!(w.previous().next_check(), w);
    }

    impl IsoWeek {
        fn next_check(self) -> Self {
            Self::containing(self.end_unix_s())
        }
    }
}
