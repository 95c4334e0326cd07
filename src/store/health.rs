//! The health the desk measured: latest state per camera, history runs, thumbnails, and the list of cameras to
//! probe (with their passwords decrypted, for the prober only).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;

use super::{Result, Store};
use crate::model::{
    CameraId, Credentials, Finding, HealthState, ProbeTarget, ProbeTargets, nvr_channel_url,
};

/// Runs that ended longer ago than this are pruned. The weekly review's previous week began at most 14 days ago
/// and its uptime must read the same on every visit, so a day more than two weeks is kept.
pub const HEALTH_HISTORY_S: i64 = 15 * 24 * 3600;
/// Longest silence between two probes that still extends one run: the prober comes back to every camera well
/// within it (its back-off stops at 16 intervals), so a longer gap means nobody was watching (the desk was shut).
pub const RUN_GAP_S: i64 = 3600;

/// The latest health of one camera (without its thumbnail, which is read on demand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthRecord {
    pub camera_id: CameraId,
    pub state: HealthState,
    pub since_unix_s: i64,
    pub last_probe_unix_s: i64,
    pub last_online_unix_s: Option<i64>,
    pub latency_ms: u32,
    pub codec: Option<String>,
    pub width_px: Option<u32>,
    pub height_px: Option<u32>,
    pub error: Option<String>,
    pub failures_in_row: u32,
    pub thumbnail_unix_s: Option<i64>,
}

/// The part of a camera's health that every screen needs for every camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthBrief {
    pub camera_id: CameraId,
    pub state: HealthState,
    pub last_online_unix_s: Option<i64>,
}

impl From<&HealthRecord> for HealthBrief {
    fn from(h: &HealthRecord) -> Self {
        Self {
            camera_id: h.camera_id,
            state: h.state,
            last_online_unix_s: h.last_online_unix_s,
        }
    }
}

// The runs are model data now (the lookup words health at a moment from them); kept importable from here.
pub use crate::model::HealthRun;

/// One probe's result, to be stored.
#[derive(Debug, Clone)]
pub struct Observation {
    pub camera_id: CameraId,
    pub at_unix_s: i64,
    pub finding: Finding,
}

fn state_from(code: &str) -> rusqlite::Result<HealthState> {
    HealthState::from_code(code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("unknown health state {code:?}").into(),
        )
    })
}

/// What a probe needs of a camera, as the store reads it.
const TARGET_COLUMNS: &str = "id, kind, nvr_host, nvr_channel, stream_url, snapshot_url, username, password_ct, password_key_id";
/// Cameras the prober looks after.
// Common areas only: a private camera in a file written with the CHECKs off is never probed nor pictured.
const TARGET_STAGES: &str = "stage IN ('configured', 'integrated')
    AND area_watched IN ('entrance', 'lobby', 'parking', 'gate', 'road_frontage', 'corridor')";

/// One camera row of [`TARGET_COLUMNS`] as a probe target; `None` without an address to probe.
fn target_from_row(
    r: &rusqlite::Row<'_>,
    secrets: &super::SecretBox,
) -> Result<Option<ProbeTarget>> {
    let camera_id: CameraId = r.get(0)?;
    let kind: String = r.get(1)?;
    let nvr: Option<(String, u16)> = match (
        kind.as_str(),
        r.get::<_, Option<String>>(2)?,
        r.get::<_, Option<u16>>(3)?,
    ) {
        ("analogue", Some(host), Some(channel)) => Some((host, channel)),
        _ => None,
    };
    let stream: Option<String> = r.get(4)?;
    let snapshot: Option<String> = r.get(5)?;
    let stream_url = stream
        .as_deref()
        .and_then(|u| url::Url::parse(u.trim()).ok())
        .or_else(|| nvr.as_ref().and_then(|(h, c)| nvr_channel_url(h, *c)));
    let snapshot_url = snapshot
        .as_deref()
        .and_then(|u| url::Url::parse(u.trim()).ok());
    if stream_url.is_none() && snapshot_url.is_none() {
        return Ok(None);
    }
    let username: String = r.get(6)?;
    let sealed: Option<Vec<u8>> = r.get(7)?;
    let key_id: Option<String> = r.get(8)?;
    // One password that does not open (sealed for another camera, or damaged) is that camera's finding,
    // never the end of the whole list.
    let mut password_unreadable = false;
    let password = match (sealed, key_id) {
        (Some(ct), Some(key_id)) if key_id == secrets.key_id() => {
            match secrets.open(&ct, camera_id) {
                Ok(password) => Some(password),
                Err(_) => {
                    password_unreadable = true;
                    None
                }
            }
        }
        _ => None,
    };
    let credentials = match password {
        Some(password) => Some(Credentials { username, password }),
        None if !username.is_empty() => Some(Credentials {
            username,
            password: String::new(),
        }),
        None => None,
    };
    Ok(Some(ProbeTarget {
        camera_id,
        stream_url,
        snapshot_url,
        credentials,
        password_unreadable,
    }))
}

/// The probe targets a page at a time, in camera id order ([`Store::target_pages`]).
pub struct TargetPages {
    conn: Connection,
    secrets: super::SecretBox,
    /// The last camera read (with an address or not): the next page starts after it.
    after_id: CameraId,
    page_size: usize,
}

impl TargetPages {
    /// The next up to `page_size` targets, after those of the pages before; empty at the end. A camera that
    /// becomes a target meanwhile is read when its id comes, one that stops being one is left out.
    pub fn next_page(&mut self) -> Result<ProbeTargets> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TARGET_COLUMNS} FROM camera WHERE id > ?1 AND {TARGET_STAGES} ORDER BY id LIMIT ?2"
        ))?;
        let limit = i64::try_from(self.page_size).unwrap_or(i64::MAX);
        let mut targets = ProbeTargets::default();
        // A page of cameras without an address is no end: read on until a target or the last camera.
        loop {
            let mut rows = stmt.query(params![self.after_id, limit])?;
            let mut read = 0usize;
            while let Some(r) = rows.next()? {
                read += 1;
                self.after_id = r.get(0)?;
                if let Some(target) = target_from_row(r, &self.secrets)? {
                    targets.push(&target);
                }
            }
            if !targets.is_empty() || read < self.page_size {
                return Ok(targets);
            }
        }
    }
}

impl Store {
    /// Cameras the prober looks after: configured or integrated, with a stream (or NVR channel) or a snapshot
    /// address. Passwords are decrypted here and go to the prober only.
    pub fn probe_targets(&self) -> Result<ProbeTargets> {
        // Only the columns a probe needs, straight from SQL: at 200,000 cameras a whole snapshot here would double
        // the desk's memory every time the list is refreshed.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {TARGET_COLUMNS} FROM camera WHERE {TARGET_STAGES} ORDER BY id"
        ))?;
        // Sized first, so the list is built without growing (at 200,000 cameras a doubled buffer is tens of MB).
        let (cameras, bytes): (i64, i64) = self.conn.query_row(
            &format!(
                "SELECT count(*), coalesce(sum(length(coalesce(stream_url, '')) + length(coalesce(snapshot_url, ''))
                     + length(username) + 64), 0)
                 FROM camera WHERE {TARGET_STAGES}"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut rows = stmt.query([])?;
        let mut targets = ProbeTargets::with_capacity(
            usize::try_from(cameras).unwrap_or(0),
            usize::try_from(bytes).unwrap_or(0),
        );
        while let Some(r) = rows.next()? {
            if let Some(target) = self.target_from_row(r)? {
                targets.push(&target);
            }
        }
        targets.shrink_to_fit();
        Ok(targets)
    }

    /// Ids of the cameras the prober looks after, in id order; [`Self::probe_target`] reads each when its turn
    /// comes, so a desk keeps no URL or password of 200,000 cameras in memory between probes.
    pub fn probe_target_ids(&self) -> Result<Vec<CameraId>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id FROM camera WHERE {TARGET_STAGES} ORDER BY id"
        ))?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<CameraId>>>()?;
        Ok(ids)
    }

    /// One camera as the prober needs it; `None` when it is gone, no longer configured or integrated, or has no
    /// address to probe.
    pub fn probe_target(&self, camera_id: CameraId) -> Result<Option<ProbeTarget>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {TARGET_COLUMNS} FROM camera WHERE id = ?1 AND {TARGET_STAGES}"
        ))?;
        let mut rows = stmt.query([camera_id])?;
        match rows.next()? {
            Some(r) => self.target_from_row(r),
            None => Ok(None),
        }
    }

    fn target_from_row(&self, r: &rusqlite::Row<'_>) -> Result<Option<ProbeTarget>> {
        target_from_row(r, &self.secrets)
    }

    /// The probe targets read a page at a time ([`TargetPages`]), for a sweep that must not hold 500,000
    /// cameras' addresses and passwords at once. The pages are read on a connection of their own (this store's
    /// writes the results meanwhile), read-only: the file was checked when this store opened it.
    pub fn target_pages(&self, page_size: usize) -> Result<TargetPages> {
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        Ok(TargetPages {
            conn,
            secrets: self.secrets.clone(),
            after_id: CameraId::MIN,
            page_size: page_size.max(1),
        })
    }

    /// A camera's label and its site's name as people read it (English · Hindi); `None` when it is gone.
    pub fn camera_and_site_name(&self, camera_id: CameraId) -> Result<Option<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.label, s.name_en, s.name_hi FROM camera c LEFT JOIN site s ON s.id = c.site_id
             WHERE c.id = ?1",
        )?;
        let names = stmt
            .query_row([camera_id], |r| {
                let site = crate::model::Site {
                    name_en: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    name_hi: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    ..crate::model::Site::blank()
                };
                Ok((r.get(0)?, site.display_name()))
            })
            .optional()?;
        Ok(names)
    }
    /// Stores a batch of probe results in one transaction: latest state, runs, thumbnails; prunes old runs.
    pub fn record_observations(&mut self, observations: &[Observation]) -> Result<()> {
        let tx = self.write_tx()?;
        {
            let mut last_run = tx.prepare_cached(
                "SELECT id, state, to_unix_s FROM health_run WHERE camera_id = ?1 ORDER BY id DESC LIMIT 1",
            )?;
            let mut extend = tx.prepare_cached(
                "UPDATE health_run SET to_unix_s = max(to_unix_s, ?1), probes = probes + 1 WHERE id = ?2",
            )?;
            let mut start = tx.prepare_cached(
                "INSERT INTO health_run (camera_id, state, from_unix_s, to_unix_s, probes) VALUES (?1, ?2, ?3, ?3, 1)",
            )?;
            let mut upsert = tx.prepare_cached(
                "INSERT INTO camera_health (camera_id, state, since_unix_s, last_probe_unix_s, last_online_unix_s,
                   latency_ms, codec, width_px, height_px, error, failures_in_row, thumbnail_jpeg, thumbnail_unix_s)
                 VALUES (?1, ?2, ?3, ?3, CASE WHEN ?2 = 'online' THEN ?3 END, ?4, ?5, ?6, ?7, ?8,
                   CASE WHEN ?2 = 'online' THEN 0 ELSE 1 END, ?9, CASE WHEN ?9 IS NOT NULL THEN ?3 END)
                 ON CONFLICT (camera_id) DO UPDATE SET
                   since_unix_s = CASE WHEN state = excluded.state THEN since_unix_s ELSE excluded.since_unix_s END,
                   state = excluded.state,
                   last_probe_unix_s = excluded.last_probe_unix_s,
                   last_online_unix_s = coalesce(excluded.last_online_unix_s, last_online_unix_s),
                   latency_ms = excluded.latency_ms,
                   codec = coalesce(excluded.codec, codec),
                   width_px = coalesce(excluded.width_px, width_px),
                   height_px = coalesce(excluded.height_px, height_px),
                   error = excluded.error,
                   failures_in_row = CASE WHEN excluded.state = 'online' THEN 0 ELSE failures_in_row + 1 END,
                   thumbnail_jpeg = coalesce(excluded.thumbnail_jpeg, thumbnail_jpeg),
                   thumbnail_unix_s = coalesce(excluded.thumbnail_unix_s, thumbnail_unix_s)",
            )?;
            for o in observations {
                let f = &o.finding;
                if f.state == HealthState::NotProbed {
                    continue;
                }
                let state = f.state.code();
                let last: Option<(i64, String, i64)> = last_run
                    .query_row([o.camera_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                match last {
                    // A camera nobody probed for a while (the desk was closed) is not known to have kept its
                    // state meanwhile: the same state after such a gap starts a new run.
                    Some((id, s, to)) if s == state && o.at_unix_s - to <= RUN_GAP_S => {
                        extend.execute(params![o.at_unix_s, id])?;
                    }
                    _ => {
                        start.execute(params![o.camera_id, state, o.at_unix_s])?;
                    }
                }
                upsert.execute(params![
                    o.camera_id,
                    state,
                    o.at_unix_s,
                    f.latency_ms,
                    f.codec,
                    f.width_px,
                    f.height_px,
                    f.error,
                    f.thumbnail_jpeg,
                ])?;
            }
            if let Some(newest) = observations.iter().map(|o| o.at_unix_s).max() {
                tx.execute(
                    "DELETE FROM health_run WHERE to_unix_s < ?1",
                    [newest - HEALTH_HISTORY_S],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The latest health of every probed camera.
    pub fn health(&self) -> Result<HashMap<CameraId, HealthRecord>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {HEALTH_COLUMNS} FROM camera_health"))?;
        let rows = stmt.query_map([], health_from_row)?;
        let mut out = HashMap::new();
        for row in rows {
            let row = row?;
            out.insert(row.camera_id, row);
        }
        Ok(out)
    }

    /// For each probed camera, failures in a row and the last probe time: all the scheduler needs, without the
    /// text columns of [`Self::health`].
    pub fn probe_schedule(&self) -> Result<HashMap<CameraId, (u32, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT camera_id, failures_in_row, last_probe_unix_s FROM camera_health")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
    }

    /// For each probed camera, its state and when a probe last found it online: what the wall and the filters
    /// keep for every camera (the rest of a camera's health is read when it is opened).
    pub fn health_states(&self) -> Result<Vec<HealthBrief>> {
        health_briefs(&self.conn)
    }

    /// The latest health of some cameras (those just probed).
    pub fn health_of(&self, ids: &[CameraId]) -> Result<Vec<HealthRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {HEALTH_COLUMNS} FROM camera_health WHERE camera_id = ?1"
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(r) = stmt.query_row([id], health_from_row).optional()? {
                out.push(r);
            }
        }
        Ok(out)
    }
}

const HEALTH_COLUMNS: &str = "camera_id, state, since_unix_s, last_probe_unix_s, last_online_unix_s, latency_ms, \
    codec, width_px, height_px, error, failures_in_row, thumbnail_unix_s";

fn health_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HealthRecord> {
    let state: String = r.get(1)?;
    Ok(HealthRecord {
        camera_id: r.get(0)?,
        state: state_from(&state)?,
        since_unix_s: r.get(2)?,
        last_probe_unix_s: r.get(3)?,
        last_online_unix_s: r.get(4)?,
        latency_ms: r.get(5)?,
        codec: r.get(6)?,
        width_px: r.get(7)?,
        height_px: r.get(8)?,
        error: r.get(9)?,
        failures_in_row: r.get(10)?,
        thumbnail_unix_s: r.get(11)?,
    })
}

impl Store {
    /// The last good snapshot's thumbnail (JPEG), if any.
    pub fn thumbnail(&self, camera_id: CameraId) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT thumbnail_jpeg FROM camera_health WHERE camera_id = ?1",
                [camera_id],
                |r| r.get::<_, Option<Vec<u8>>>(0),
            )
            .optional()?
            .flatten())
    }

    /// Health runs of one camera that end at or after `since_unix_s`, oldest first.
    pub fn health_runs(&self, camera_id: CameraId, since_unix_s: i64) -> Result<Vec<HealthRun>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT state, from_unix_s, to_unix_s, probes FROM health_run
             WHERE camera_id = ?1 AND to_unix_s >= ?2 ORDER BY id",
        )?;
        let rows = stmt
            .query_map(params![camera_id, since_unix_s], run_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

/// One row of `SELECT state, from_unix_s, to_unix_s, probes FROM health_run`.
fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HealthRun> {
    let state: String = r.get(0)?;
    Ok(HealthRun {
        state: state_from(&state)?,
        from_unix_s: r.get(1)?,
        to_unix_s: r.get(2)?,
        probes: r.get(3)?,
    })
}

/// The health runs of each of `camera_ids` that began at or before `until_unix_s`, oldest first: what the lookup
/// words a camera's health at an incident from ([`crate::model::health_at::health_at`]). A camera without runs
/// is left out. Works on any connection (the CLI reads through a read-only one).
pub fn health_runs_until(
    conn: &Connection,
    camera_ids: &[CameraId],
    until_unix_s: i64,
) -> Result<HashMap<CameraId, Vec<HealthRun>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT state, from_unix_s, to_unix_s, probes FROM health_run
         WHERE camera_id = ?1 AND from_unix_s <= ?2 ORDER BY id",
    )?;
    let mut out = HashMap::new();
    for &id in camera_ids {
        let runs = stmt
            .query_map(params![id, until_unix_s], run_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if !runs.is_empty() {
            out.insert(id, runs);
        }
    }
    Ok(out)
}

impl Store {
    /// [`health_runs_until`] on this registry.
    pub fn health_runs_until(
        &self,
        camera_ids: &[CameraId],
        until_unix_s: i64,
    ) -> Result<HashMap<CameraId, Vec<HealthRun>>> {
        health_runs_until(&self.conn, camera_ids, until_unix_s)
    }
}

impl super::BulkWriter<'_> {
    /// Writes a camera's health history as the prober would have left it: `runs` oldest first (each a state and
    /// the first and last probe that found it), and the latest probe's `latest` finding (its state is the last
    /// run's). For a generated registry (the demo's week of probing); a camera without runs is left unprobed.
    pub fn add_health_history(
        &mut self,
        camera_id: CameraId,
        runs: &[HealthRun],
        latest: &Finding,
    ) -> Result<()> {
        let Some(last) = runs.last() else {
            return Ok(());
        };
        let tx = self.tx();
        let mut insert_run = tx.prepare_cached(
            "INSERT INTO health_run (camera_id, state, from_unix_s, to_unix_s, probes) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for run in runs {
            insert_run.execute(params![
                camera_id,
                run.state.code(),
                run.from_unix_s,
                run.to_unix_s,
                run.probes
            ])?;
        }
        let last_online = runs
            .iter()
            .rev()
            .find(|r| r.state == HealthState::Online)
            .map(|r| r.to_unix_s);
        let failures_in_row = if last.state == HealthState::Online {
            0
        } else {
            last.probes
        };
        tx.prepare_cached(
            "INSERT INTO camera_health (camera_id, state, since_unix_s, last_probe_unix_s, last_online_unix_s,
               latency_ms, codec, width_px, height_px, error, failures_in_row)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            camera_id,
            last.state.code(),
            last.from_unix_s,
            last.to_unix_s,
            last_online,
            latest.latency_ms,
            latest.codec,
            latest.width_px,
            latest.height_px,
            latest.error,
            failures_in_row,
        ])?;
        Ok(())
    }
}

/// [`Store::health_states`] on any connection, e.g. a read-only one (exports, reports).
pub fn health_briefs(conn: &Connection) -> Result<Vec<HealthBrief>> {
    let mut stmt =
        conn.prepare("SELECT camera_id, state, last_online_unix_s FROM camera_health")?;
    let rows = stmt.query_map([], |r| {
        let state: String = r.get(1)?;
        Ok(HealthBrief {
            camera_id: r.get(0)?,
            state: state_from(&state)?,
            last_online_unix_s: r.get(2)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Share of the observed time in `[now - window, now]` that the camera was online, percent; `None` when it was
/// not probed in the window. A run lasts from its first probe until the next run starts (or, for the newest,
/// until its last probe plus one `probe_interval_s`), so a camera down for an hour between two sweeps counts as
/// down for that hour.
pub fn uptime_pct(
    runs: &[HealthRun],
    now_unix_s: i64,
    window_s: i64,
    probe_interval_s: i64,
) -> Option<f64> {
    let start = now_unix_s - window_s;
    let mut online = 0i64;
    let mut observed = 0i64;
    for (i, run) in runs.iter().enumerate() {
        let end = match runs.get(i + 1) {
            Some(next) => next
                .from_unix_s
                .min(run.to_unix_s + probe_interval_s)
                .max(run.to_unix_s),
            None => run.to_unix_s + probe_interval_s,
        }
        .min(now_unix_s);
        let from = run.from_unix_s.max(start);
        // A run probed this very second still counts (as one second), so a fresh camera shows an uptime.
        let end = if end <= from && run.to_unix_s >= start && run.from_unix_s <= now_unix_s {
            from + 1
        } else {
            end
        };
        if end <= from {
            continue;
        }
        observed += end - from;
        if run.state == HealthState::Online {
            online += end - from;
        }
    }
    (observed > 0).then(|| 100.0 * online as f64 / observed as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use HealthState::*;

    fn run(state: HealthState, from: i64, to: i64) -> HealthRun {
        HealthRun {
            state,
            from_unix_s: from,
            to_unix_s: to,
            probes: 1,
        }
    }

    #[test]
    fn uptime_counts_online_share_of_observed_time() {
        // Online 0..3600 (probed every 60 s), offline from 3600 to 5400, online again to 7200.
        let runs = [
            run(Online, 0, 3540),
            run(Offline, 3600, 5340),
            run(Online, 5400, 7140),
        ];
        let pct = uptime_pct(&runs, 7200, 7200, 60).unwrap();
        assert!((pct - 75.0).abs() < 0.01, "{pct}");
        // Only the last half hour: all online.
        assert_eq!(uptime_pct(&runs, 7200, 1800, 60), Some(100.0));
        // A camera probed just now has an uptime already.
        assert_eq!(
            uptime_pct(&[run(Online, 500, 500)], 500, 600, 60),
            Some(100.0)
        );
        // Nothing observed in the window.
        assert_eq!(uptime_pct(&runs, 100_000, 600, 60), None);
        assert_eq!(uptime_pct(&[], 7200, 7200, 60), None);
    }

    #[test]
    fn gaps_between_sweeps_are_not_counted_as_online() {
        // Probed online, then the desk was closed for a day, then offline.
        let runs = [run(Online, 0, 600), run(Offline, 86_400, 90_000)];
        let pct = uptime_pct(&runs, 90_000, 90_000, 60).unwrap();
        // Online counts 660 s (600 s of probes and one interval), offline 3,600 s up to now; the closed day
        // counts for nothing.
        assert!((pct - 100.0 * 660.0 / 4260.0).abs() < 0.01, "{pct}");
    }
}
