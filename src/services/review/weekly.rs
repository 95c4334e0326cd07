//! The weekly review: what the divisional commissioner's meeting reads for one week (Monday to Sunday, India
//! Standard Time) — integrated cameras in total, this week and last week, by owner category; new surveys; blocked
//! and unblocked this week; uptime of the integrated cameras as the desk's probes measured it.
//!
//! Every figure is counted from `stage_event` rows as they stood at the week's end (a camera's stage then is
//! its latest event up to that moment), never from the camera table's current stage or a counter, so a week
//! reads the same whenever the report is made. Read-only.
//!
//! The headline figures ([`compute`]: integrated now and in the last seven days, every stage, every owner
//! category, blocked by reason) are counted the same way, as of one moment rather than a week's end.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::{BlockReason, IST_OFFSET_S, IntegrationStage, OwnerCategory};
use crate::store::{HealthRun, ReportReader, StoreError, uptime_pct};

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

/// One week's end as the stage history tells it (each camera at its latest event before the week's end).
#[derive(Debug, Default)]
struct WeekEnd {
    /// Per category code: cameras, integrated, integrated having moved there during the week.
    by_category: BTreeMap<String, (u64, u64, u64)>,
    /// Cameras blocked at the week's end.
    blocked: u64,
    /// Cameras integrated at the week's end, watching a common area, ascending (filled for `ids_of` only).
    integrated_ids: Vec<i64>,
}

/// The ends of `weeks` in one pass over the stage history (a few weeks of charts would otherwise read the whole
/// history once each); the integrated cameras are listed for the week at `ids_of`.
fn week_ends(
    db: &ReportReader<'_>,
    weeks: &[IsoWeek],
    ids_of: Option<usize>,
) -> Result<Vec<WeekEnd>, StoreError> {
    let bounds: Vec<(i64, i64)> = weeks
        .iter()
        .map(|w| (w.start_unix_s(), w.end_unix_s()))
        .collect();
    let mut ends: Vec<WeekEnd> = weeks.iter().map(|_| WeekEnd::default()).collect();
    let integrated = IntegrationStage::Integrated.code();
    let blocked = IntegrationStage::Blocked.code();
    let mut camera: Vec<crate::store::ReviewMove> = Vec::new();
    let mut count_camera = |events: &mut Vec<crate::store::ReviewMove>| {
        // In time order, ties by id: the latest event before a moment is the camera's stage then.
        events.sort_by_key(|e| (e.at_unix_s, e.id));
        for (i, ((start, end), week_end)) in bounds.iter().zip(ends.iter_mut()).enumerate() {
            let Some(latest) = events.iter().rev().find(|e| e.at_unix_s < *end) else {
                continue;
            };
            let f = week_end
                .by_category
                .entry(latest.owner_category.clone())
                .or_default();
            f.0 += 1;
            if latest.to_stage == integrated && latest.is_common_area {
                f.1 += 1;
                if latest.at_unix_s >= *start {
                    f.2 += 1;
                }
                if ids_of == Some(i) {
                    week_end.integrated_ids.push(latest.camera_id);
                }
            }
            if latest.to_stage == blocked {
                week_end.blocked += 1;
            }
        }
        events.clear();
    };
    let before = bounds.iter().map(|b| b.1).max().unwrap_or(i64::MIN);
    db.for_each_review_move(before, |e| {
        if camera.last().is_some_and(|c| c.camera_id != e.camera_id) {
            count_camera(&mut camera);
        }
        camera.push(e);
    })?;
    count_camera(&mut camera);
    Ok(ends)
}

/// [`weekly`] with the coverage gaps as they stand at `now_unix_s` (coverage needs today's health, so it is the
/// present count whichever week is asked for).
pub fn weekly_with_gaps(
    db: &ReportReader<'_>,
    week: IsoWeek,
    now_unix_s: i64,
) -> Result<WeeklyReport, StoreError> {
    Ok(weekly_with_coverage(db, week, now_unix_s)?.0)
}

/// [`weekly_with_gaps`], and the coverage report the gaps were counted from (the printable report lists them).
pub fn weekly_with_coverage(
    db: &ReportReader<'_>,
    week: IsoWeek,
    now_unix_s: i64,
) -> Result<(WeeklyReport, crate::model::CoverageReport), StoreError> {
    let mut report = weekly(db, week)?;
    let coverage = crate::services::review::coverage::report_from_conn(
        db,
        now_unix_s,
        crate::model::coverage::DEFAULT_WINDOW_S,
    )?;
    report.gaps = Some(coverage.gaps.len() as u64);
    Ok((report, coverage))
}

/// The week's numbers, from the stage history and the probe runs of a registry opened read-only.
pub fn weekly(db: &ReportReader<'_>, week: IsoWeek) -> Result<WeeklyReport, StoreError> {
    let (start, end) = (week.start_unix_s(), week.end_unix_s());
    let mut ends = week_ends(db, &[week.previous(), week], Some(1))?.into_iter();
    let (Some(before), Some(this)) = (ends.next(), ends.next()) else {
        return Err(StoreError::Corrupt {
            detail: "week ends not counted".into(),
        });
    };
    let mut by_category: BTreeMap<String, CategoryWeek> = OwnerCategory::ALL
        .iter()
        .map(|c| (c.code().to_string(), CategoryWeek::default()))
        .collect();
    for (category, (cameras, integrated, moved)) in &this.by_category {
        let f = by_category.entry(category.clone()).or_default();
        f.cameras = *cameras;
        f.integrated_total = *integrated;
        f.integrated_this_week = *moved;
    }
    for (category, (_, _, moved)) in &before.by_category {
        by_category
            .entry(category.clone())
            .or_default()
            .integrated_last_week = *moved;
    }
    let sum = |f: fn(&CategoryWeek) -> u64| by_category.values().map(f).sum::<u64>();
    let events = db.week_events(start, end)?;
    let (new_surveys, blocked_this_week, resolved_this_week) = (
        count(events.new_surveys),
        count(events.blocked),
        count(events.resolved),
    );
    let (uptime_pct_integrated, cameras_probed) = uptime(db, start, end, &this.integrated_ids)?;
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
        blocked_now: this.blocked,
        uptime_pct_integrated,
        cameras_probed,
        gaps: None,
        is_demo: db.is_demo()?,
    })
}

/// Mean of the per-camera uptime over [start, end) of `integrated` (ascending camera ids: the cameras integrated
/// at `end`) that were probed then.
fn uptime(
    db: &ReportReader<'_>,
    start: i64,
    end: i64,
    integrated: &[i64],
) -> Result<(Option<f64>, u64), StoreError> {
    let mut total = 0.0;
    let mut cameras = 0u64;
    let mut current: Option<i64> = None;
    let mut runs: Vec<HealthRun> = Vec::new();
    let mut finish = |runs: &mut Vec<HealthRun>| {
        if !runs.is_empty()
            && let Some(pct) = uptime_pct(runs, end, end - start, PROBE_INTERVAL_S)
        {
            total += pct;
            cameras += 1;
        }
        runs.clear();
    };
    db.for_each_health_run_between(start, end, |camera, state, from, to, probes| {
        if integrated.binary_search(&camera).is_err() {
            return;
        }
        if current.is_some_and(|c| c != camera) {
            finish(&mut runs);
        }
        current = Some(camera);
        let Some(state) = crate::model::HealthState::from_code(state) else {
            return;
        };
        runs.push(HealthRun {
            state,
            from_unix_s: from,
            to_unix_s: to,
            probes,
        });
    })?;
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

/// The `weeks` weeks ending with `last`, oldest first: the review's two charts.
pub fn series(
    db: &ReportReader<'_>,
    last: IsoWeek,
    weeks: usize,
) -> Result<Vec<WeekPoint>, StoreError> {
    let mut list = vec![last];
    while list.len() < weeks.max(1) {
        let before = list[list.len() - 1].previous();
        list.push(before);
    }
    list.reverse();
    let ends = week_ends(db, &list, None)?;
    Ok(list
        .into_iter()
        .zip(ends)
        .map(|(week, end)| WeekPoint {
            week,
            integrated_total: end.by_category.values().map(|c| c.1).sum(),
            integrated_by_category: end.by_category.into_iter().map(|(k, c)| (k, c.2)).collect(),
        })
        .collect())
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
    db: &ReportReader<'_>,
    week: IsoWeek,
    weeks: usize,
    now_unix_s: i64,
) -> Result<Option<CachedFigures>, StoreError> {
    let Some(cached) = db.review_cache(&week.label(), weeks as i64)? else {
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
    let mark = db.mark()?;
    // Counted after the week ended (and not in the future, which only a wrong clock or a forged row gives), or
    // lately.
    let age_s = now_unix_s.saturating_sub(cached.computed_unix_s);
    let settled = age_s >= -60
        && (cached.computed_unix_s >= week.end_unix_s() || age_s < LIVE_WEEK_MAX_AGE_S);
    Ok(Some(CachedFigures {
        figures,
        computed_unix_s: cached.computed_unix_s,
        is_current: cached.mark == mark && settled,
    }))
}

/// Counts `week`'s figures (and `weeks` weeks of charts) in one read transaction, with the registry's mark
/// they were counted at.
pub fn count_figures(
    db: &ReportReader<'_>,
    week: IsoWeek,
    weeks: usize,
) -> Result<(ReviewFigures, crate::store::RegistryMark), StoreError> {
    // One snapshot of the file: the mark says exactly what the figures were counted from.
    db.in_one_snapshot(|db| {
        let mark = db.mark()?;
        let report = weekly(db, week)?;
        let series = series(db, week, weeks)?;
        Ok((ReviewFigures { report, series }, mark))
    })
}

/// Stores counted figures in the review cache.
pub fn cache_figures(
    cache: &crate::store::ReviewCacheWriter<'_>,
    week: IsoWeek,
    weeks: usize,
    figures: &ReviewFigures,
    mark: crate::store::RegistryMark,
    computed_unix_s: i64,
) -> Result<(), StoreError> {
    let figures_json = serde_json::to_string(figures).map_err(|e| StoreError::Corrupt {
        detail: e.to_string(),
    })?;
    cache.write(
        &week.label(),
        weeks as i64,
        &crate::store::CachedReview {
            figures_json,
            computed_unix_s,
            mark,
        },
    )
}

// ---------------------------------------------------------------------------------------------------------------
// The headline figures of the review meeting (one moment rather than a week)

/// Length of the review week, seconds.
pub const WEEK_S: i64 = 7 * 86_400;

/// Cameras of one owner category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CategoryStats {
    pub cameras: u64,
    pub integrated: u64,
}

/// The review meeting's figures at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// The moment the figures are for, unix seconds.
    pub now_unix_s: i64,
    pub cameras: u64,
    pub sites: u64,
    /// Cameras at each stage (code → count); every stage is listed, zeros included.
    pub by_stage: BTreeMap<String, u64>,
    /// Cameras and integrated cameras of each owner category (code → figures); every category is listed.
    pub by_category: BTreeMap<String, CategoryStats>,
    /// Blocked cameras by reason (code → count); every reason is listed.
    pub blocked_by_reason: BTreeMap<String, u64>,
    pub integrated_total: u64,
    /// Cameras now integrated whose latest move into 'integrated' lies in (now − 7 days, now].
    pub integrated_last_7_days: u64,
    /// True for a demo registry (invented data).
    pub is_demo: bool,
}

/// Opens a registry for reading the figures ([`ReportReader::open`]: nothing is ever written), and says
/// precisely why a SQLite file that is no registry was refused (damaged, or another program's tables).
pub fn open_read_only(path: &Path) -> Result<ReportReader<'static>, StoreError> {
    ReportReader::open(path)
}

/// [`open_read_only`] for a command that has the key folder: the seal is checked with the key, and a file
/// unchanged since it last passed the full check skips it.
pub fn open_read_only_with(
    path: &Path,
    key_dir: &Path,
) -> Result<ReportReader<'static>, StoreError> {
    ReportReader::open_with(path, Some(key_dir))
}

/// Computes the figures as of `now_unix_s`.
pub fn compute(db: &ReportReader<'_>, now_unix_s: i64) -> Result<Stats, StoreError> {
    let cameras = db.camera_count()?;
    let sites = db.site_count()?;

    let mut by_stage: BTreeMap<String, u64> = IntegrationStage::ALL
        .iter()
        .map(|s| (s.code().to_string(), 0))
        .collect();
    let mut by_category: BTreeMap<String, CategoryStats> = OwnerCategory::ALL
        .iter()
        .map(|c| (c.code().to_string(), CategoryStats::default()))
        .collect();
    for row in db.latest_stage_counts()? {
        let n = count(row.cameras);
        *by_stage.entry(row.counted_stage.clone()).or_default() += n;
        let figures = by_category.entry(row.owner_category).or_default();
        figures.cameras += n;
        if row.counted_stage == IntegrationStage::Integrated.code() {
            figures.integrated += n;
        }
    }

    let mut blocked_by_reason: BTreeMap<String, u64> = BlockReason::ALL
        .iter()
        .map(|r| (r.code().to_string(), 0))
        .collect();
    for (reason, n) in db.blocked_now_by_reason()? {
        *blocked_by_reason.entry(reason).or_default() += count(n);
    }

    let this_week = db.integrated_between(now_unix_s - WEEK_S, now_unix_s)?;

    let integrated_total = by_stage
        .get(IntegrationStage::Integrated.code())
        .copied()
        .unwrap_or(0);
    Ok(Stats {
        now_unix_s,
        cameras: count(cameras),
        sites: count(sites),
        by_stage,
        by_category,
        blocked_by_reason,
        integrated_total,
        integrated_last_7_days: count(this_week),
        is_demo: db.is_demo()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ReviewCacheWriter;
    use rusqlite::Connection;

    /// The cached figures of an empty week, counted at `at` on `conn`'s registry as it stands.
    fn cache_at(conn: &Connection, week: IsoWeek, at: i64) -> ReviewFigures {
        let (figures, mark) = count_figures(&ReportReader::on(conn), week, 3).unwrap();
        cache_figures(&ReviewCacheWriter::on(conn), week, 3, &figures, mark, at).unwrap();
        figures
    }

    #[test]
    fn uptime_is_the_mean_over_the_cameras_integrated_at_the_weeks_end() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::store::SCHEMA_SQL).unwrap();
        let week = IsoWeek::containing(1_795_588_200);
        let (start, end) = (week.start_unix_s(), week.end_unix_s());
        // Camera 1 integrated before the week; camera 2 only in talks. Both were probed during the week.
        conn.execute_batch(&format!(
            "INSERT INTO site (name_en, owner_category, lat_deg, lon_deg, updated_by, updated_unix_s)
               VALUES ('Hotel', 'hotel', 25.45, 78.58, 'x', 1);
             INSERT INTO camera (site_id, label, area_watched, lat_deg, lon_deg, kind, stream_url, updated_by,
               updated_unix_s) VALUES (1, 'Gate', 'gate', 25.45, 78.58, 'ip', 'rtsp://127.0.0.1/1', 'x', 1),
               (1, 'Lobby', 'lobby', 25.45, 78.58, 'ip', 'rtsp://127.0.0.1/2', 'x', 1);
             INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage) VALUES
               (1, 2, 'x', 'surveyed', 'owner_contacted'), (1, 3, 'x', 'owner_contacted', 'consent_given'),
               (1, 4, 'x', 'consent_given', 'configured'), (1, 5, 'x', 'configured', 'integrated'),
               (2, 2, 'x', 'surveyed', 'owner_contacted');
             INSERT INTO health_run (camera_id, state, from_unix_s, to_unix_s, probes) VALUES
               (1, 'online', {a}, {b}, 100), (1, 'offline', {b}, {c}, 50), (2, 'online', {a}, {c}, 150);",
            a = start + 60,
            b = start + 6_060,
            c = start + 9_060,
        ))
        .unwrap();
        let r = weekly(&ReportReader::on(&conn), week).unwrap();
        assert_eq!((r.integrated_total, r.cameras_probed), (1, 1));
        let runs = [
            HealthRun {
                state: crate::model::HealthState::Online,
                from_unix_s: start + 60,
                to_unix_s: start + 6_060,
                probes: 100,
            },
            HealthRun {
                state: crate::model::HealthState::Offline,
                from_unix_s: start + 6_060,
                to_unix_s: start + 9_060,
                probes: 50,
            },
        ];
        assert_eq!(
            r.uptime_pct_integrated,
            uptime_pct(&runs, end, end - start, PROBE_INTERVAL_S)
        );
        assert!(r.uptime_pct_integrated.is_some());
    }

    #[test]
    fn cached_figures_are_current_until_the_registry_or_the_clock_moves() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::store::SCHEMA_SQL).unwrap();
        let week = IsoWeek::containing(1_795_588_200);
        let t = week.start_unix_s() + 3_600;
        assert_eq!(
            cached_figures(&ReportReader::on(&conn), week, 3, t).unwrap(),
            None
        );
        let figures = cache_at(&conn, week, t);
        let got = cached_figures(&ReportReader::on(&conn), week, 3, t + 60)
            .unwrap()
            .unwrap();
        assert_eq!((&got.figures, got.is_current), (&figures, true));
        // The week is not over: after 15 minutes its uptime may have moved.
        let old = cached_figures(
            &ReportReader::on(&conn),
            week,
            3,
            t + LIVE_WEEK_MAX_AGE_S + 1,
        )
        .unwrap();
        assert!(!old.unwrap().is_current);
        // A clock or row from the future is never current.
        assert!(
            !cached_figures(&ReportReader::on(&conn), week, 3, t - 3_600)
                .unwrap()
                .unwrap()
                .is_current
        );
        // Counted after the week ended: current however old, until the registry moves.
        cache_at(&conn, week, week.end_unix_s() + 10);
        let later = week.end_unix_s() + 30 * 86_400;
        assert!(
            cached_figures(&ReportReader::on(&conn), week, 3, later)
                .unwrap()
                .unwrap()
                .is_current
        );
        conn.execute_batch(
            "INSERT INTO site (name_en, owner_category, lat_deg, lon_deg, updated_by, updated_unix_s)
               VALUES ('Hotel', 'hotel', 25.45, 78.58, 'x', 1);",
        )
        .unwrap();
        let moved = cached_figures(&ReportReader::on(&conn), week, 3, later)
            .unwrap()
            .unwrap();
        assert!(!moved.is_current, "a new site makes the figures stale");
        // Other weeks, other chart lengths and hostile text are no cache.
        assert_eq!(
            cached_figures(&ReportReader::on(&conn), week.previous(), 3, later).unwrap(),
            None
        );
        assert_eq!(
            cached_figures(&ReportReader::on(&conn), week, 4, later).unwrap(),
            None
        );
        conn.execute(
            "UPDATE review_cache SET figures_json = '{\"report\": 1}'",
            [],
        )
        .unwrap();
        assert_eq!(
            cached_figures(&ReportReader::on(&conn), week, 3, later).unwrap(),
            None
        );
        conn.execute(
            "UPDATE review_cache SET week = '2026-W47', figures_json = ?1",
            [serde_json::to_string(&figures).unwrap()],
        )
        .unwrap();
        assert_eq!(
            cached_figures(&ReportReader::on(&conn), week.previous(), 3, later).unwrap(),
            None,
            "figures of another week under this week's name"
        );
    }

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

#[cfg(test)]
mod headline_tests {
    use super::*;
    use crate::model::{AreaWatched, Camera, Site, StageChange};
    use crate::services::demo::{DemoOptions, generate};
    use crate::store::{Actor, OpenOptions, PasswordEdit, Store};

    const NOW: i64 = 1_795_564_800;

    fn open(dir: &std::path::Path) -> Store {
        Store::open(
            &dir.join("r.sqlite"),
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap()
    }

    fn at(now_unix_s: i64) -> Actor {
        Actor {
            user: "op.test".into(),
            now_unix_s,
        }
    }

    fn to(stage: IntegrationStage) -> StageChange {
        StageChange {
            to: stage,
            reason: None,
            note: String::new(),
        }
    }

    #[test]
    fn week_boundary_and_current_stage_come_from_events() {
        use IntegrationStage as S;
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let site_id = store.add_site(&at(NOW - 30 * 86_400), &site).unwrap().id;
        // Cameras integrated at: exactly a week ago (out), a second later (in), now (in), after now (out),
        // and one integrated this week but blocked since (out: not integrated now).
        let moments = [NOW - WEEK_S, NOW - WEEK_S + 1, NOW, NOW + 60, NOW - 3_600];
        for (i, moment) in moments.into_iter().enumerate() {
            let mut camera = Camera::blank_at(25.45, 78.57);
            camera.label = format!("Gate {i}");
            camera.area_watched = AreaWatched::Gate;
            camera.stream_url = format!("rtsp://127.0.9.{}:8554/Streaming/Channels/101", i + 1);
            let mut record = store
                .add_camera(
                    &at(NOW - 20 * 86_400),
                    site_id,
                    &camera,
                    &PasswordEdit::Keep,
                )
                .unwrap();
            for stage in [S::OwnerContacted, S::ConsentGiven, S::Configured] {
                record = store
                    .change_stage(
                        &at(NOW - 10 * 86_400),
                        record.id,
                        record.row_version,
                        &to(stage),
                    )
                    .unwrap();
            }
            record = store
                .change_stage(
                    &at(moment),
                    record.id,
                    record.row_version,
                    &to(S::Integrated),
                )
                .unwrap();
            if i == 4 {
                let mut blocked = to(S::Blocked);
                blocked.reason = Some(BlockReason::Bandwidth);
                store
                    .change_stage(&at(NOW - 60), record.id, record.row_version, &blocked)
                    .unwrap();
            }
        }
        let stats = compute(&store.reports(), NOW).unwrap();
        assert_eq!(stats.cameras, 5);
        assert_eq!(stats.sites, 1);
        assert_eq!(stats.integrated_total, 4);
        assert_eq!(stats.integrated_last_7_days, 2);
        assert_eq!(stats.by_stage["blocked"], 1);
        assert_eq!(stats.by_stage["surveyed"], 0);
        assert_eq!(stats.blocked_by_reason["bandwidth"], 1);
        assert_eq!(
            stats.by_category["hotel"],
            CategoryStats {
                cameras: 5,
                integrated: 4
            }
        );
        assert_eq!(stats.by_category["jail"], CategoryStats::default());
        assert!(!stats.is_demo);
    }

    /// The figures of a demo registry against a count made in Rust from the raw event rows.
    #[test]
    fn figures_match_a_recount_of_the_events() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let options = DemoOptions {
            cameras: 600,
            seed: 5,
            now_unix_s: NOW,
            user: "tester".into(),
        };
        generate(&mut store, &options, &|_| true).unwrap();
        let path = store.path().to_path_buf();
        drop(store);
        let conn = Store::open_read_only(&path).unwrap();
        let stats = compute(&ReportReader::on(&conn), NOW).unwrap();

        // camera id → (category, latest stage, latest time it moved into 'integrated')
        let mut latest: BTreeMap<i64, (String, String, Option<i64>)> = BTreeMap::new();
        let mut stmt = conn
            .prepare(
                "SELECT e.camera_id, s.owner_category, e.to_stage, e.at_unix_s FROM stage_event e
                 JOIN camera c ON c.id = e.camera_id JOIN site s ON s.id = c.site_id ORDER BY e.id",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .unwrap();
        for row in rows {
            let (id, category, stage, t) = row.unwrap();
            let entry = latest.entry(id).or_insert((category, String::new(), None));
            if stage == "integrated" {
                entry.2 = Some(entry.2.map_or(t, |old: i64| old.max(t)));
            }
            entry.1 = stage;
        }
        let mut by_stage: BTreeMap<String, u64> = BTreeMap::new();
        let mut integrated_by_category: BTreeMap<String, u64> = BTreeMap::new();
        let mut this_week = 0;
        for (category, stage, t_int) in latest.values() {
            *by_stage.entry(stage.clone()).or_default() += 1;
            if stage == "integrated" {
                *integrated_by_category.entry(category.clone()).or_default() += 1;
                if t_int.is_some_and(|t| t > NOW - WEEK_S && t <= NOW) {
                    this_week += 1;
                }
            }
        }
        assert_eq!(stats.cameras, latest.len() as u64);
        for (stage, n) in &stats.by_stage {
            assert_eq!(by_stage.get(stage).copied().unwrap_or(0), *n, "{stage}");
        }
        for (category, figures) in &stats.by_category {
            assert_eq!(
                integrated_by_category.get(category).copied().unwrap_or(0),
                figures.integrated,
                "{category}"
            );
        }
        assert_eq!(stats.integrated_last_7_days, this_week);
        assert_eq!(stats.integrated_total, by_stage["integrated"]);
        assert!(stats.is_demo);
    }
}
