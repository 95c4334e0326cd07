//! The weekly review's cache: the figures as last counted (JSON the services layer writes and reads), with the
//! registry marks they were counted at, so the review screen opens on figures at once and counts again only
//! when the registry moved.
//!
//! Staleness is a comparison, not a trigger: the stage history and the audit log are append-only, so their
//! newest ids move with every stage event and every site or camera change made through the desk; the camera and
//! site counts catch rows added or deleted by other means. Each mark is an index lookup or an index count, a few
//! milliseconds at 200,000 cameras, and writing the registry costs nothing more.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension as _, params};

use super::{BUSY_TIMEOUT, Result, StoreError};

/// Cached figures longer than this are not read (the review's JSON is a few kilobytes; the file is hostile).
const FIGURES_MAX_BYTES: i64 = 4 * 1024 * 1024;
/// Rows kept: the newest counted weeks (a supervisor paging back through a year leaves at most this many).
const ROWS_KEPT: i64 = 60;

/// Where the registry stood when figures were counted; figures are current while the file's mark is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegistryMark {
    pub stage_event_max_id: i64,
    pub audit_max_id: i64,
    pub cameras: i64,
    pub sites: i64,
}

/// One cached week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedReview {
    pub figures_json: String,
    pub computed_unix_s: i64,
    pub mark: RegistryMark,
}

/// The registry's mark now.
pub fn registry_mark(conn: &Connection) -> Result<RegistryMark> {
    Ok(conn.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM stage_event), (SELECT coalesce(max(id), 0) FROM audit),
                (SELECT count(*) FROM camera), (SELECT count(*) FROM site)",
        [],
        |r| {
            Ok(RegistryMark {
                stage_event_max_id: r.get(0)?,
                audit_max_id: r.get(1)?,
                cameras: r.get(2)?,
                sites: r.get(3)?,
            })
        },
    )?)
}

/// The cached figures of `week` with `chart_weeks` weeks of charts, if any (too long a text is left unread).
pub fn read_review_cache(
    conn: &Connection,
    week: &str,
    chart_weeks: i64,
) -> Result<Option<CachedReview>> {
    Ok(conn
        .query_row(
            "SELECT figures_json, computed_unix_s, stage_event_max_id, audit_max_id, cameras, sites
             FROM review_cache
             WHERE week = ?1 AND chart_weeks = ?2 AND length(CAST(figures_json AS BLOB)) <= ?3",
            params![week, chart_weeks, FIGURES_MAX_BYTES],
            |r| {
                Ok(CachedReview {
                    figures_json: r.get(0)?,
                    computed_unix_s: r.get(1)?,
                    mark: RegistryMark {
                        stage_event_max_id: r.get(2)?,
                        audit_max_id: r.get(3)?,
                        cameras: r.get(4)?,
                        sites: r.get(5)?,
                    },
                })
            },
        )
        .optional()?)
}

/// Stores (or replaces) the figures of `week`, and forgets the oldest counted weeks beyond [`ROWS_KEPT`].
pub fn write_review_cache(
    conn: &Connection,
    week: &str,
    chart_weeks: i64,
    cached: &CachedReview,
) -> Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO review_cache (week, chart_weeks, figures_json, computed_unix_s, stage_event_max_id,
           audit_max_id, cameras, sites)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (week, chart_weeks) DO UPDATE SET figures_json = excluded.figures_json,
           computed_unix_s = excluded.computed_unix_s, stage_event_max_id = excluded.stage_event_max_id,
           audit_max_id = excluded.audit_max_id, cameras = excluded.cameras, sites = excluded.sites",
        params![
            week,
            chart_weeks,
            cached.figures_json,
            cached.computed_unix_s,
            cached.mark.stage_event_max_id,
            cached.mark.audit_max_id,
            cached.mark.cameras,
            cached.mark.sites,
        ],
    )?;
    tx.execute(
        "DELETE FROM review_cache WHERE rowid NOT IN
           (SELECT rowid FROM review_cache ORDER BY computed_unix_s DESC LIMIT ?1)",
        [ROWS_KEPT],
    )?;
    tx.commit()?;
    Ok(())
}

/// One stage event as the review's charts count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewMove {
    pub camera_id: i64,
    pub id: i64,
    pub at_unix_s: i64,
    /// The stage's code, e.g. 'integrated' (checked by the caller: the file is hostile).
    pub to_stage: String,
    /// The camera watches a common area (only those count as integrated).
    pub is_common_area: bool,
    /// The code of the camera's site's owner category.
    pub owner_category: String,
}

/// Calls `f` with every stage event before `before_unix_s` of a camera at a site, camera by camera (each
/// camera's events in id order): one pass over the history, for figures of many weeks at once.
pub fn for_each_review_move(
    conn: &Connection,
    before_unix_s: i64,
    mut f: impl FnMut(ReviewMove),
) -> Result<()> {
    let mut stmt = conn.prepare(&format!(
        "SELECT e.camera_id, e.id, e.at_unix_s, e.to_stage, c.area_watched IN {}, s.owner_category
         FROM stage_event e JOIN camera c ON c.id = e.camera_id JOIN site s ON s.id = c.site_id
         WHERE e.at_unix_s < ?1
         ORDER BY e.camera_id, e.id",
        crate::model::COMMON_AREAS_SQL
    ))?;
    let mut rows = stmt.query([before_unix_s])?;
    while let Some(r) = rows.next()? {
        f(ReviewMove {
            camera_id: r.get(0)?,
            id: r.get(1)?,
            at_unix_s: r.get(2)?,
            to_stage: r.get(3)?,
            is_common_area: r.get(4)?,
            owner_category: r.get(5)?,
        });
    }
    Ok(())
}

/// Calls `f` with every health run overlapping [`from_unix_s`, `to_unix_s`), camera by camera, each camera's runs
/// in time order: (camera id, state code, run start, run end, probes).
pub fn for_each_health_run_between(
    conn: &Connection,
    from_unix_s: i64,
    to_unix_s: i64,
    mut f: impl FnMut(i64, &str, i64, i64, u32),
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT camera_id, state, from_unix_s, to_unix_s, probes FROM health_run
         WHERE to_unix_s >= ?1 AND from_unix_s < ?2
         ORDER BY camera_id, from_unix_s",
    )?;
    let mut rows = stmt.query([from_unix_s, to_unix_s])?;
    while let Some(r) = rows.next()? {
        let state: String = r.get(1)?;
        f(r.get(0)?, &state, r.get(2)?, r.get(3)?, r.get(4)?);
    }
    Ok(())
}

/// A handle that writes only the review's cache: the services hold this, never the connection under it, so
/// they need not know which engine keeps the registry.
pub struct ReviewCacheWriter<'c> {
    handle: WriterHandle<'c>,
}

enum WriterHandle<'c> {
    Owned(Connection),
    Borrowed(&'c Connection),
}

impl<'c> ReviewCacheWriter<'c> {
    /// Writes through a connection the caller holds (a store's, or a test's on a plain file).
    pub fn on(conn: &'c Connection) -> Self {
        Self {
            handle: WriterHandle::Borrowed(conn),
        }
    }

    /// Stores (or replaces) the figures of `week`, as [`write_review_cache`].
    pub fn write(&self, week: &str, chart_weeks: i64, cached: &CachedReview) -> Result<()> {
        let conn = match &self.handle {
            WriterHandle::Owned(conn) => conn,
            WriterHandle::Borrowed(conn) => conn,
        };
        write_review_cache(conn, week, chart_weeks, cached)
    }
}

/// A connection that writes only the review's cache, for the review reader (whose own connection is
/// read-only). The file must be a registry of this build's schema already: nothing is created or upgraded.
pub fn open_review_cache_writer(path: &Path) -> Result<ReviewCacheWriter<'static>> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version != super::SCHEMA_VERSION {
        return Err(StoreError::NotARegistry {
            path: path.to_path_buf(),
            detail: format!("schema version {version}, not {}", super::SCHEMA_VERSION),
        });
    }
    Ok(ReviewCacheWriter {
        handle: WriterHandle::Owned(conn),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(super::super::SCHEMA_SQL).unwrap();
        conn
    }

    fn cached(at: i64, mark: RegistryMark) -> CachedReview {
        CachedReview {
            figures_json: format!("{{\"at\":{at}}}"),
            computed_unix_s: at,
            mark,
        }
    }

    #[test]
    fn the_mark_moves_with_stage_events_audit_cameras_and_sites() {
        let conn = fresh();
        let empty = registry_mark(&conn).unwrap();
        assert_eq!(empty, RegistryMark::default());
        conn.execute_batch(
            "INSERT INTO site (name_en, owner_category, lat_deg, lon_deg, updated_by, updated_unix_s)
               VALUES ('Hotel', 'hotel', 25.45, 78.58, 'x', 1);",
        )
        .unwrap();
        let with_site = registry_mark(&conn).unwrap();
        assert_eq!(with_site.sites, 1);
        conn.execute_batch(
            "INSERT INTO camera (site_id, label, area_watched, lat_deg, lon_deg, kind, stream_url, updated_by,
               updated_unix_s) VALUES (1, 'Gate', 'gate', 25.45, 78.58, 'ip', 'rtsp://127.0.0.1/1', 'x', 1);
             INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
               VALUES (1, 2, 'x', 'surveyed', 'owner_contacted');
             INSERT INTO audit (at_unix_s, by_user, action, entity, entity_id)
               VALUES (2, 'x', 'camera.edit', 'camera', 1);",
        )
        .unwrap();
        let now = registry_mark(&conn).unwrap();
        // A new camera's first event ('surveyed') is written by the schema, then the move.
        assert_eq!(
            now,
            RegistryMark {
                stage_event_max_id: 2,
                audit_max_id: 1,
                cameras: 1,
                sites: 1
            }
        );
    }

    #[test]
    fn a_week_is_replaced_and_old_weeks_are_forgotten() {
        let conn = fresh();
        assert_eq!(read_review_cache(&conn, "2026-W48", 12).unwrap(), None);
        let mark = RegistryMark {
            stage_event_max_id: 5,
            ..Default::default()
        };
        write_review_cache(&conn, "2026-W48", 12, &cached(100, mark)).unwrap();
        write_review_cache(&conn, "2026-W48", 12, &cached(200, mark)).unwrap();
        let got = read_review_cache(&conn, "2026-W48", 12).unwrap().unwrap();
        assert_eq!(got, cached(200, mark));
        assert_eq!(read_review_cache(&conn, "2026-W48", 4).unwrap(), None);
        for i in 0..ROWS_KEPT + 5 {
            let week = format!("2025-W{:02}", i % 52 + 1);
            write_review_cache(&conn, &week, 1 + i / 52, &cached(300 + i, mark)).unwrap();
        }
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM review_cache", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, ROWS_KEPT);
        assert_eq!(read_review_cache(&conn, "2026-W48", 12).unwrap(), None);
    }

    #[test]
    fn an_oversized_text_is_left_unread() {
        let conn = fresh();
        conn.execute(
            "INSERT INTO review_cache VALUES ('2026-W48', 12, ?1, 1, 0, 0, 0, 0)",
            [" ".repeat(FIGURES_MAX_BYTES as usize + 1)],
        )
        .unwrap();
        assert_eq!(read_review_cache(&conn, "2026-W48", 12).unwrap(), None);
    }
}
