//! The registry as the reports read it: figures, the weekly review, exports and the import check. Every query
//! the services need for them lives here, behind [`ReportReader`], a handle that can only read; the services
//! keep the counting and the wording, the store keeps the SQL.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{
    CachedReview, HealthBrief, RegistryMark, RegistrySnapshot, Result, ReviewMove, Store,
    StoreError,
};
use crate::model::{BoundaryArea, BoundaryKind, COMMON_AREAS_SQL, CameraId};

/// Each camera's latest stage event.
const LATEST: &str = "WITH latest AS (
    SELECT camera_id, max(id) AS event_id FROM stage_event GROUP BY camera_id
  )";

/// The connection a reader reads through: its own read-only one, or a borrowed one (the worker's store, a read
/// transaction).
enum Handle<'c> {
    Owned(Connection),
    Borrowed(&'c Connection),
}

/// A read-only view of a registry: only the reads the reports need, nothing that writes.
pub struct ReportReader<'c> {
    handle: Handle<'c>,
}

/// Cameras at one counted stage of one owner category, by their latest event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageCount {
    pub owner_category: String,
    /// The latest event's stage, except that a configured or integrated camera watching no common area counts
    /// as surveyed.
    pub counted_stage: String,
    pub cameras: i64,
}

/// Distinct cameras with stage events of each kind in one time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WeekEvents {
    pub new_surveys: i64,
    pub blocked: i64,
    pub resolved: i64,
}

/// A note as read: text, by whom, when (each may be missing).
pub type NoteRow = (Option<String>, Option<String>, Option<i64>);

/// A blocked camera's block time and newest notes, as the blocked list reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedRow {
    pub camera_id: CameraId,
    /// When its latest move into 'blocked' happened; `None` for a file upgraded from v1 without one.
    pub blocked_at_unix_s: Option<i64>,
    /// The newest stage event with a note.
    pub stage_note: NoteRow,
    /// The newest follow-up note.
    pub follow_up: NoteRow,
}

impl ReportReader<'static> {
    /// Opens a registry for reading only ([`Store::open_read_only`]: nothing is ever written), and says
    /// precisely why a SQLite file that is no registry was refused (damaged, or another program's tables).
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, None)
    }

    /// [`Self::open`] with the key folder: the history's seal is checked with the key, and a file exactly as it
    /// was when it last passed the full check skips it ([`Store::open_read_only_with`]).
    pub fn open_with(path: &Path, key_dir: Option<&Path>) -> Result<Self> {
        match Store::open_read_only_with(path, key_dir) {
            Ok((conn, _)) => Ok(Self {
                handle: Handle::Owned(conn),
            }),
            Err(StoreError::NotARegistry { path, detail }) => {
                let detail = why_not_a_registry(&path).unwrap_or(detail);
                Err(StoreError::NotARegistry { path, detail })
            }
            Err(e) => Err(e),
        }
    }
}

/// A closer look, read-only, at a SQLite file without a registry schema version.
fn why_not_a_registry(path: &Path) -> Option<String> {
    // Never a named pipe (SQLite's open would wait for a writer for ever) or an empty file: the refusal says why.
    if !std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.len() > 0) {
        return None;
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    let tables = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE name IN ('site', 'camera')) FROM sqlite_master
         WHERE type = 'table'",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    );
    match tables {
        Err(e) => Some(e.to_string()),
        Ok((all, 0)) if all > 0 => {
            Some("it is a SQLite database, but holds other tables and no registry schema".into())
        }
        Ok(_) => None,
    }
}

impl Store {
    /// The reports' reads on this registry's connection (the worker's cache and blocked list).
    pub fn reports(&self) -> ReportReader<'_> {
        ReportReader::on(&self.conn)
    }
}

impl<'c> ReportReader<'c> {
    /// Reads through a connection the caller holds (a transaction, or a test's plain connection to a file
    /// the open checks would refuse); only the reads below are offered on it.
    pub fn on(conn: &'c Connection) -> Self {
        Self {
            handle: Handle::Borrowed(conn),
        }
    }

    pub(super) fn conn(&self) -> &Connection {
        match &self.handle {
            Handle::Owned(conn) => conn,
            Handle::Borrowed(conn) => conn,
        }
    }

    /// Runs `f` on one snapshot of the file (one read transaction), so every figure it counts agrees.
    pub fn in_one_snapshot<T>(&self, f: impl FnOnce(&ReportReader<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn().unchecked_transaction()?;
        let out = f(&ReportReader::on(&tx))?;
        tx.finish()?;
        Ok(out)
    }

    pub fn camera_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM camera", [], |r| r.get(0))?)
    }

    pub fn site_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM site", [], |r| r.get(0))?)
    }

    /// True for a demo registry (invented data).
    pub fn is_demo(&self) -> Result<bool> {
        Ok(super::meta_value(self.conn(), "is_demo")?.as_deref() == Some("1"))
    }

    /// Cameras by owner category and counted stage, each camera at its latest stage event (the camera table's
    /// `stage` column is not read).
    pub fn latest_stage_counts(&self) -> Result<Vec<StageCount>> {
        let mut stmt = self.conn().prepare(&format!(
            "{LATEST}
             SELECT s.owner_category,
                    CASE WHEN e.to_stage IN ('configured', 'integrated') AND c.area_watched NOT IN {COMMON_AREAS_SQL}
                         THEN 'surveyed' ELSE e.to_stage END AS counted,
                    count(*)
             FROM latest
             JOIN stage_event e ON e.id = latest.event_id
             JOIN camera c ON c.id = latest.camera_id
             JOIN site s ON s.id = c.site_id
             GROUP BY s.owner_category, counted"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(StageCount {
                owner_category: r.get(0)?,
                counted_stage: r.get(1)?,
                cameras: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Cameras whose latest event blocked them, by block reason code ('' when none was given).
    pub fn blocked_now_by_reason(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn().prepare(&format!(
            "{LATEST}
             SELECT coalesce(e.block_reason, ''), count(*)
             FROM latest JOIN stage_event e ON e.id = latest.event_id
             WHERE e.to_stage = 'blocked'
             GROUP BY 1"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Cameras integrated now, watching a common area, whose latest move into 'integrated' lies in
    /// (`after_unix_s`, `until_unix_s`].
    pub fn integrated_between(&self, after_unix_s: i64, until_unix_s: i64) -> Result<i64> {
        Ok(self.conn().query_row(
            &format!(
                "{LATEST}
                 SELECT count(*)
                 FROM latest JOIN stage_event e ON e.id = latest.event_id
                 JOIN camera c ON c.id = latest.camera_id
                 WHERE e.to_stage = 'integrated' AND c.area_watched IN {COMMON_AREAS_SQL}
                   AND (SELECT max(x.at_unix_s) FROM stage_event x
                        WHERE x.camera_id = latest.camera_id AND x.to_stage = 'integrated')
                       BETWEEN ?1 + 1 AND ?2"
            ),
            [after_unix_s, until_unix_s],
            |r| r.get(0),
        )?)
    }

    /// Distinct cameras newly surveyed, blocked and unblocked in [`start_unix_s`, `end_unix_s`).
    pub fn week_events(&self, start_unix_s: i64, end_unix_s: i64) -> Result<WeekEvents> {
        let events = |sql: &str| -> Result<i64> {
            Ok(self
                .conn()
                .query_row(sql, [start_unix_s, end_unix_s], |r| r.get(0))?)
        };
        Ok(WeekEvents {
            new_surveys: events(
                "SELECT count(DISTINCT camera_id) FROM stage_event
                 WHERE from_stage IS NULL AND at_unix_s >= ?1 AND at_unix_s < ?2",
            )?,
            blocked: events(
                "SELECT count(DISTINCT camera_id) FROM stage_event
                 WHERE to_stage = 'blocked' AND at_unix_s >= ?1 AND at_unix_s < ?2",
            )?,
            resolved: events(
                "SELECT count(DISTINCT camera_id) FROM stage_event
                 WHERE from_stage = 'blocked' AND to_stage <> 'blocked' AND at_unix_s >= ?1 AND at_unix_s < ?2",
            )?,
        })
    }

    /// [`super::for_each_review_move`] on this registry.
    pub fn for_each_review_move(
        &self,
        before_unix_s: i64,
        f: impl FnMut(ReviewMove),
    ) -> Result<()> {
        super::for_each_review_move(self.conn(), before_unix_s, f)
    }

    /// [`super::for_each_health_run_between`] on this registry.
    pub fn for_each_health_run_between(
        &self,
        from_unix_s: i64,
        to_unix_s: i64,
        f: impl FnMut(i64, &str, i64, i64, u32),
    ) -> Result<()> {
        super::for_each_health_run_between(self.conn(), from_unix_s, to_unix_s, f)
    }

    /// [`super::health_runs_until`] on this registry.
    pub fn health_runs_until(
        &self,
        camera_ids: &[CameraId],
        until_unix_s: i64,
    ) -> Result<HashMap<CameraId, Vec<super::HealthRun>>> {
        super::health_runs_until(self.conn(), camera_ids, until_unix_s)
    }

    /// The review cache's row for `week` and `chart_weeks`, if any.
    pub fn review_cache(&self, week: &str, chart_weeks: i64) -> Result<Option<CachedReview>> {
        super::read_review_cache(self.conn(), week, chart_weeks)
    }

    /// The registry's mark now.
    pub fn mark(&self) -> Result<RegistryMark> {
        super::registry_mark(self.conn())
    }

    /// Every site and camera (passwords stay sealed).
    pub fn snapshot(&self) -> Result<RegistrySnapshot> {
        super::read_snapshot(self.conn(), None)
    }

    /// Every probed camera's latest health.
    pub fn health_briefs(&self) -> Result<Vec<HealthBrief>> {
        super::health_briefs(self.conn())
    }

    /// The latest health state code of each probed camera.
    pub fn health_state_codes(&self) -> Result<Vec<(CameraId, String)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT camera_id, state FROM camera_health")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn boundaries(&self, kind: BoundaryKind) -> Result<Vec<BoundaryArea>> {
        super::read_boundaries(self.conn(), kind)
    }

    /// The newest `limit` audit entries.
    pub fn audit(&self, limit: usize) -> Result<Vec<super::AuditEntry>> {
        super::read_audit(self.conn(), limit)
    }

    /// [`super::import_revision`] on this registry.
    pub fn import_revision(&self) -> Result<i64> {
        super::import_revision(self.conn())
    }

    /// Each imported camera's source id.
    pub fn source_refs(&self) -> Result<HashMap<CameraId, String>> {
        super::source_refs(self.conn())
    }

    /// Every blocked camera (by the camera table's stage) with its block time and newest notes. One pass over
    /// the cameras and, per blocked camera only, look-ups on the `(camera_id, id)` indexes of `stage_event` and
    /// `follow_up`: fast at 200,000 cameras.
    pub fn blocked_rows(&self) -> Result<Vec<BlockedRow>> {
        // Newest by time, then by id within a table. A camera has a handful of events and notes, so ordering
        // them by time after the index look-up costs nothing.
        let mut stmt = self.conn().prepare(
            "SELECT c.id,
               (SELECT e.at_unix_s FROM stage_event e
                WHERE e.camera_id = c.id AND e.to_stage = 'blocked' ORDER BY e.id DESC LIMIT 1),
               n.note, n.by_user, n.at_unix_s, f.note, f.by_user, f.at_unix_s
             FROM camera c
             LEFT JOIN stage_event n ON n.id = (SELECT x.id FROM stage_event x
               WHERE x.camera_id = c.id AND x.note <> '' ORDER BY x.at_unix_s DESC, x.id DESC LIMIT 1)
             LEFT JOIN follow_up f ON f.id = (SELECT y.id FROM follow_up y
               WHERE y.camera_id = c.id ORDER BY y.at_unix_s DESC, y.id DESC LIMIT 1)
             WHERE c.stage = 'blocked'",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(BlockedRow {
                camera_id: r.get(0)?,
                blocked_at_unix_s: r.get(1)?,
                stage_note: (r.get(2)?, r.get(3)?, r.get(4)?),
                follow_up: (r.get(5)?, r.get(6)?, r.get(7)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
