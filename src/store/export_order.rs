//! Sites and cameras one at a time, in the order the exports write them, so an export of 500,000 cameras holds
//! one row in memory rather than the whole registry (about 2 KB a camera as a snapshot and a table of cells).
//!
//! The order is the one the exports have always had: sites by English name ignoring case (Unicode lower case,
//! as Rust's `to_lowercase`, not SQLite's ASCII-only `lower`), then Hindi name, then id; each site's cameras by
//! label ignoring case, then id; cameras of an unknown site (none in a consistent registry) last. SQLite sorts,
//! spilling to its temporary files past a few MB, so the sort is bounded too.

use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;

use super::registry::{CAMERA_COLUMNS, SITE_COLUMNS, camera_from_row, site_from_row};
use super::{CameraRecord, ReportReader, Result, SiteRecord, StoreError};
use crate::model::COMMON_AREAS_SQL;

/// A site's cameras, as the sites export counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SiteCameraCounts {
    pub cameras: i64,
    /// Counted as integrated: integrated and watching a common area ([`crate::model::counted_stage`]).
    pub integrated: i64,
}

/// The SQL function that lower-cases text as Rust does (`ORDER BY export_lower(name_en)`).
const LOWER_FN: &str = "export_lower";

fn register_lower(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        LOWER_FN,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|s| s.to_lowercase())),
    )?;
    Ok(())
}

/// Runs `f` in one read transaction (the caller's when one is open), so every row comes from one state of the file.
fn in_one_read<E: From<StoreError>>(
    conn: &Connection,
    f: impl FnOnce() -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let tx = if conn.is_autocommit() {
        Some(
            conn.unchecked_transaction()
                .map_err(|e| E::from(e.into()))?,
        )
    } else {
        None
    };
    f()?;
    if let Some(tx) = tx {
        tx.finish().map_err(|e| E::from(e.into()))?;
    }
    Ok(())
}

fn sites_in_order_sql(extra_columns: &str) -> String {
    format!(
        "SELECT {SITE_COLUMNS}{extra_columns} FROM site
         ORDER BY {LOWER_FN}(name_en), name_hi COLLATE BINARY, id"
    )
}

impl ReportReader<'_> {
    /// Each site in export order with its camera counts, handed to `f` one at a time; `f`'s error stops the
    /// reading and is returned.
    pub fn for_each_site_in_export_order<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(&SiteRecord, SiteCameraCounts) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let conn = self.conn();
        register_lower(conn).map_err(E::from)?;
        in_one_read(conn, || {
            let sql = sites_in_order_sql(&format!(
                ", (SELECT count(*) FROM camera c WHERE c.site_id = site.id),
                   (SELECT count(*) FROM camera c WHERE c.site_id = site.id AND c.stage = 'integrated'
                      AND c.area_watched IN {COMMON_AREAS_SQL})"
            ));
            let mut stmt = conn.prepare(&sql).map_err(|e| E::from(e.into()))?;
            let mut rows = stmt.query([]).map_err(|e| E::from(e.into()))?;
            while let Some(r) = rows.next().map_err(|e| E::from(e.into()))? {
                // The counts follow the site's own columns, however many the schema has.
                let counts_at = SITE_COLUMNS.split(',').count();
                let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<_> {
                    Ok((
                        site_from_row(r)?,
                        SiteCameraCounts {
                            cameras: r.get(counts_at)?,
                            integrated: r.get(counts_at + 1)?,
                        },
                    ))
                };
                let (site, counts) = read(r).map_err(|e| E::from(e.into()))?;
                f(&site, counts)?;
            }
            Ok(())
        })
    }

    /// Each camera in export order with its site (`None` for an unknown site) and its latest health state code
    /// (`None` when never probed), handed to `f` one at a time; `f`'s error stops the reading and is returned.
    /// Passwords stay sealed (read as on a look without keys).
    pub fn for_each_camera_in_export_order<E: From<StoreError>>(
        &self,
        mut f: impl FnMut(
            &CameraRecord,
            Option<&SiteRecord>,
            Option<&str>,
        ) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let conn = self.conn();
        register_lower(conn).map_err(E::from)?;
        let health = "(SELECT h.state FROM camera_health h WHERE h.camera_id = camera.id)";
        let camera_order = format!("ORDER BY {LOWER_FN}(label), id");
        // The health code follows the camera's columns.
        let health_at = CAMERA_COLUMNS.split(',').count();
        in_one_read(conn, || {
            let sql_err = |e: rusqlite::Error| E::from(e.into());
            let mut cameras_of = conn
                .prepare(&format!(
                    "SELECT {CAMERA_COLUMNS}, {health} FROM camera WHERE site_id = ?1 {camera_order}"
                ))
                .map_err(sql_err)?;
            let mut send = |rows: &mut rusqlite::Rows<'_>,
                            site: Option<&SiteRecord>|
             -> std::result::Result<(), E> {
                while let Some(r) = rows.next().map_err(sql_err)? {
                    let camera = camera_from_row(r, None).map_err(sql_err)?;
                    let state: Option<String> = r.get(health_at).map_err(sql_err)?;
                    f(&camera, site, state.as_deref())?;
                }
                Ok(())
            };
            let mut sites = conn.prepare(&sites_in_order_sql("")).map_err(sql_err)?;
            let mut site_rows = sites.query([]).map_err(sql_err)?;
            while let Some(r) = site_rows.next().map_err(sql_err)? {
                let site = site_from_row(r).map_err(sql_err)?;
                send(
                    &mut cameras_of.query([site.id]).map_err(sql_err)?,
                    Some(&site),
                )?;
            }
            let mut orphans = conn
                .prepare(&format!(
                    "SELECT {CAMERA_COLUMNS}, {health} FROM camera
                     WHERE site_id NOT IN (SELECT id FROM site) {camera_order}"
                ))
                .map_err(sql_err)?;
            send(&mut orphans.query([]).map_err(sql_err)?, None)
        })
    }
}
