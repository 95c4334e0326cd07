//! The weekly review's figures: how many cameras are integrated, how many this week, where each stage stands,
//! which owner categories lag.
//!
//! Every figure is counted by SQL ([`crate::store::ReportReader`]) from `stage_event` rows: a camera's current stage is its latest event
//! (highest id), and "integrated in the last 7 days" is a camera that is integrated now and whose latest move
//! into 'integrated' lies in (now − 7 days, now]. The camera table's `stage` column is never read, so the
//! figures cannot drift from the history they summarise. The reader is read-only:
//! computing figures never writes.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::model::{BlockReason, IntegrationStage, OwnerCategory};
use crate::store::{ReportReader, StoreError};

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

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
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
