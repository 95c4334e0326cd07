//! A fast writer for loading many sites and cameras at once (the demo registry, up to 200,000 cameras).
//!
//! Everything goes into ONE transaction with cached prepared statements, so a load is all-or-nothing: dropping
//! the writer without [`BulkWriter::finish`] (a cancelled load, an error) rolls every row back. The schema's
//! triggers still do their work: a camera is inserted at 'surveyed' and the trigger writes its first stage
//! event; each later move is an `INSERT INTO stage_event` that starts from the camera's current stage, and the
//! trigger moves the camera. The rules of the model (common areas only, legal moves, reasons and notes) are
//! checked on every row, as [`Store::add_camera`] and [`Store::change_stage`] check them.
//!
//! Instead of one audit entry per row, the whole load leaves one entry whose `after_json` the caller writes
//! (counts, seed), and the registry's `is_demo` mark.

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::registry::{
    camera_json, insert_camera_row, insert_site_row, normalised_camera, normalised_site,
    read_camera, update_camera_row,
};
use super::{Actor, PasswordEdit, Result, SecretBox, Store, StoreError, append_audit};
use crate::model::{
    BlockReason, BoundaryArea, BoundaryKind, Camera, CameraId, Field, FieldError, IntegrationStage,
    Problem, ServiceArea, Site, SiteId, StageChange, StagePosition, validate_camera_in,
    validate_site_in,
};

/// SQLite page cache for a load, in KiB (negative `cache_size` means KiB): large enough that the indexes of a
/// 200,000-camera registry stay in memory while it is written.
const BULK_CACHE_KIB: i64 = 128 * 1024;

const INSERT_EVENT: &str =
    "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage,
    block_reason, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// The camera row ends as `change_stage` would leave it: version bumped once per move, last mover and time.
const TOUCH_CAMERA: &str =
    "UPDATE camera SET row_version = ?1, updated_by = ?2, updated_unix_s = ?3 WHERE id = ?4";

/// The connection's temporary store in memory for the length of a load. Each insert that fires a trigger
/// keeps a statement journal (the pages it touches, to undo that one statement); on SQLite's default
/// temporary store that journal spills to a temporary file and every insert wrote its pages there, a sixth of
/// an import's time. In memory it holds only the one statement's pages and is emptied after each.
struct TempStoreInMemory<'a>(&'a Connection);

impl<'a> TempStoreInMemory<'a> {
    /// Set before the transaction begins: SQLite picks the journal's place when a transaction starts.
    fn set(conn: &'a Connection) -> Result<Self> {
        conn.pragma_update(None, "temp_store", "memory")?;
        Ok(Self(conn))
    }
}

impl Drop for TempStoreInMemory<'_> {
    fn drop(&mut self) {
        // Back to files for the connection's later sorts (an export's ORDER BY over every camera); a failure
        // leaves only a setting of this connection, never the file, changed.
        let _ = self.0.pragma_update(None, "temp_store", "default");
    }
}

/// One move of a camera after it was recorded (surveyed).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkStageEvent {
    /// When it moved, unix seconds; not before the previous event.
    pub at_unix_s: i64,
    /// Desk user who moved it.
    pub by_user: String,
    pub change: StageChange,
}

/// Rows written so far by a [`BulkWriter`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BulkCounts {
    pub sites: u64,
    pub cameras: u64,
    /// Stage events, the automatic first 'surveyed' event of each camera included.
    pub stage_events: u64,
    /// Cameras updated (imports).
    pub updated: u64,
}

/// Writes many rows in one transaction; see the module documentation.
pub struct BulkWriter<'a> {
    tx: Transaction<'a>,
    /// Dropped after `tx` (fields drop in order): puts the connection's temporary store back once the load
    /// has committed or rolled back.
    _temp_store: TempStoreInMemory<'a>,
    secrets: &'a SecretBox,
    actor: Actor,
    /// Where the registry's points must lie, read once at the start.
    area: ServiceArea,
    counts: BulkCounts,
}

impl std::fmt::Debug for BulkWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkWriter")
            .field("actor", &self.actor)
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Starts a bulk load; `actor` signs the one audit entry [`BulkWriter::finish`] writes.
    pub fn bulk(&mut self, actor: &Actor) -> Result<BulkWriter<'_>> {
        let Store { conn, secrets, .. } = self;
        let conn: &Connection = conn;
        // A connection setting, not a change to the file; it helps the indexes of a big load stay in memory.
        conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
        conn.set_prepared_statement_cache_capacity(16);
        let temp_store = TempStoreInMemory::set(conn)?;
        // `new_unchecked` only because the writer also holds the connection to reset the temporary store; the
        // store's `&mut self` borrow keeps any other use of the connection out meanwhile.
        let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        // History written before the load is sealed first, so the load's links follow on.
        super::history_seal::extend(&tx, secrets.seal_key())?;
        let area = super::service_area(&tx)?;
        Ok(BulkWriter {
            tx,
            _temp_store: temp_store,
            secrets,
            actor: actor.clone(),
            area,
            counts: BulkCounts::default(),
        })
    }
}

impl BulkWriter<'_> {
    /// The load's transaction (for the writers of other modules of the store).
    pub(super) fn tx(&self) -> &rusqlite::Transaction<'_> {
        &self.tx
    }

    /// Rows written so far.
    pub fn counts(&self) -> BulkCounts {
        self.counts
    }

    /// Adds a site (checked like [`Store::add_site`]), recorded by `by_user` at `at_unix_s`.
    pub fn add_site(&mut self, site: &Site, by_user: &str, at_unix_s: i64) -> Result<SiteId> {
        let errors = validate_site_in(site, &self.area);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let id = insert_site_row(&self.tx, &normalised_site(site), by_user, at_unix_s)?;
        self.counts.sites += 1;
        Ok(id)
    }

    /// Adds a camera, recorded (surveyed) by `by_user` at `surveyed_unix_s`, then moves it through `later`.
    ///
    /// Each move is checked against the stage rules before it is written; the password, if any, is sealed with
    /// the registry's key. Duplicate stream URLs and NVR channels are refused by the schema's unique indexes.
    pub fn add_camera(
        &mut self,
        site_id: SiteId,
        camera: &Camera,
        password: Option<&str>,
        by_user: &str,
        surveyed_unix_s: i64,
        later: &[BulkStageEvent],
    ) -> Result<CameraId> {
        let errors = validate_camera_in(camera, &self.area);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        // Every move is checked before anything is written, so a refused camera leaves no row behind.
        let mut position = StagePosition {
            stage: IntegrationStage::Surveyed,
            blocked_from: None,
            area_watched: camera.area_watched,
            has_stream: super::records::has_stream(camera),
        };
        let mut moves = Vec::with_capacity(later.len());
        let mut last_at = surveyed_unix_s;
        for event in later {
            position.check(&event.change)?;
            if event.at_unix_s < last_at {
                return Err(StoreError::Invalid(vec![FieldError::new(
                    Field::Stage,
                    Problem::OutOfRange {
                        min: last_at as f64,
                        max: f64::MAX,
                    },
                )]));
            }
            moves.push(position.stage);
            position.blocked_from =
                (event.change.to == IntegrationStage::Blocked).then_some(position.stage);
            position.stage = event.change.to;
            last_at = event.at_unix_s;
        }
        let id = insert_camera_row(
            &self.tx,
            site_id,
            &normalised_camera(camera),
            (None, None),
            by_user,
            surveyed_unix_s,
        )?;
        // Sealed once the camera has its id, which the ciphertext is bound to.
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            self.tx.prepare_cached(SET_PASSWORD)?.execute(params![
                self.secrets.seal(p, id),
                self.secrets.key_id(),
                id
            ])?;
        }
        self.counts.cameras += 1;
        self.counts.stage_events += 1;
        if later.is_empty() {
            return Ok(id);
        }

        let mut stmt = self.tx.prepare_cached(INSERT_EVENT)?;
        for (event, from) in later.iter().zip(moves) {
            let reason = match event.change.to {
                IntegrationStage::Blocked => event.change.reason.map(BlockReason::code),
                _ => None,
            };
            stmt.execute(params![
                id,
                event.at_unix_s,
                event.by_user,
                from.code(),
                event.change.to.code(),
                reason,
                event.change.note.trim(),
            ])?;
            self.counts.stage_events += 1;
        }
        drop(stmt);
        let last_by = later.last().map_or(by_user, |e| e.by_user.as_str());
        let version = 1 + later.len() as i64;
        self.tx
            .prepare_cached(TOUCH_CAMERA)?
            .execute(params![version, last_by, last_at, id])?;
        Ok(id)
    }

    /// Writes `camera`'s fields over camera `id` (checked like [`Store::update_camera`]; the stage is never
    /// changed), with the password when `password` is given, and its own audit entry with the values before
    /// and after (never the password).
    pub fn update_camera(
        &mut self,
        id: CameraId,
        camera: &Camera,
        password: Option<&str>,
    ) -> Result<()> {
        let c = normalised_camera(camera);
        let errors = validate_camera_in(&c, &self.area);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let before = read_camera(&self.tx, id, Some(self.secrets.key_id()))?;
        if let Some(problem) = c.area_watched.refusal_at(before.stage, before.blocked_from) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                Field::AreaWatched,
                problem,
            )]));
        }
        update_camera_row(&self.tx, id, &c, &self.actor, None)?;
        let edit = match password.filter(|p| !p.is_empty()) {
            Some(p) => {
                let sealed = self.secrets.seal(p, id);
                self.tx.prepare_cached(SET_PASSWORD)?.execute(params![
                    sealed,
                    self.secrets.key_id(),
                    id
                ])?;
                PasswordEdit::Set(String::new())
            }
            // The stored password was given for the old address; sent to a new host it would leak to
            // whoever runs that host, so it is dropped and must be typed again.
            None if crate::model::credential_host_change(&before.camera, &c).is_some() => {
                self.tx.prepare_cached(SET_PASSWORD)?.execute(params![
                    None::<Vec<u8>>,
                    None::<String>,
                    id
                ])?;
                PasswordEdit::Clear
            }
            None => PasswordEdit::Keep,
        };
        append_audit(
            &self.tx,
            &self.actor,
            "camera.edit",
            "camera",
            Some(id),
            Some(&camera_json(
                before.site_id,
                &before.camera,
                &PasswordEdit::Keep,
            )),
            Some(&super::registry::camera_json_dropping(
                before.site_id,
                &c,
                &edit,
                matches!(edit, PasswordEdit::Clear),
            )),
        )?;
        self.counts.updated += 1;
        Ok(())
    }

    /// Replaces the area layer of `kind` with `areas` inside the load's transaction (the demo's wards), so a
    /// cancelled load leaves no layer behind either. Returns the number of areas written.
    pub fn add_boundaries(
        &mut self,
        kind: BoundaryKind,
        source_name: &str,
        areas: &[BoundaryArea],
    ) -> Result<usize> {
        super::boundary::replace_layer(
            &self.tx,
            kind,
            source_name,
            areas,
            &self.actor.user,
            self.actor.now_unix_s,
        )?;
        Ok(areas.len())
    }

    /// Writes the one audit entry of the load (`action`, e.g. `registry.demo`, with `after_json`), marks the
    /// registry as demo data when `is_demo`, and commits everything.
    pub fn finish(
        self,
        action: &str,
        after_json: &serde_json::Value,
        is_demo: bool,
    ) -> Result<BulkCounts> {
        if is_demo {
            self.tx.execute(
                "INSERT INTO meta (key, value) VALUES ('is_demo', '1')
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [],
            )?;
        }
        append_audit(
            &self.tx,
            &self.actor,
            action,
            "registry",
            None,
            None,
            Some(after_json),
        )?;
        // The load's history is sealed with it (at 200,000 cameras, a second the next open would spend).
        super::history_seal::extend(&self.tx, self.secrets.seal_key())?;
        self.tx.commit()?;
        Ok(self.counts)
    }
}

const SET_PASSWORD: &str = "UPDATE camera SET password_ct = ?1, password_key_id = ?2 WHERE id = ?3";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AreaWatched, OwnerCategory};
    use crate::store::OpenOptions;

    fn open(dir: &std::path::Path) -> Store {
        Store::open(
            &dir.join("r.sqlite"),
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap()
    }

    fn camera(label: &str, area: AreaWatched, url: &str) -> Camera {
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = label.into();
        c.area_watched = area;
        c.stream_url = url.into();
        c.username = "admin".into();
        c
    }

    fn to(stage: IntegrationStage, at: i64) -> BulkStageEvent {
        BulkStageEvent {
            at_unix_s: at,
            by_user: "desk.asha".into(),
            change: StageChange {
                to: stage,
                reason: None,
                note: String::new(),
            },
        }
    }

    #[test]
    fn loads_history_and_rolls_back_when_dropped() {
        use IntegrationStage as S;
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let actor = Actor {
            user: "tester".into(),
            now_unix_s: 1_000,
        };
        {
            let mut bulk = store.bulk(&actor).unwrap();
            let mut site = Site::blank();
            site.name_en = "Dropped".into();
            bulk.add_site(&site, "tester", 10).unwrap();
            // Dropped without finish: nothing stays.
        }
        let n: i64 = store
            .conn_for_tests()
            .query_row("SELECT count(*) FROM site", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);

        let mut bulk = store.bulk(&actor).unwrap();
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        site.owner_category = OwnerCategory::Hotel;
        let site_id = bulk.add_site(&site, "tester", 10).unwrap();
        let path = [
            to(S::OwnerContacted, 200),
            to(S::ConsentGiven, 300),
            to(S::Configured, 400),
            to(S::Integrated, 500),
        ];
        let gate = camera(
            "Main gate",
            AreaWatched::Gate,
            "rtsp://127.0.0.2:8554/Streaming/Channels/101",
        );
        let id = bulk
            .add_camera(site_id, &gate, Some("Demo@123"), "tester", 100, &path)
            .unwrap();
        let room = camera("Room 101", AreaWatched::Room, "");
        // A private-area camera cannot be integrated, even in bulk.
        let refused = bulk.add_camera(site_id, &room, None, "tester", 100, &path[..1]);
        assert!(matches!(refused, Err(StoreError::Stage(_))), "{refused:?}");
        let mut rejected = to(S::Rejected, 150);
        rejected.change.note = "watches guest rooms".into();
        bulk.add_camera(site_id, &room, None, "tester", 100, &[rejected])
            .unwrap();
        let counts = bulk
            .finish("registry.demo", &serde_json::json!({"cameras": 2}), true)
            .unwrap();
        assert_eq!(counts.cameras, 2);
        assert_eq!(counts.stage_events, 5 + 2);
        assert!(store.is_demo().unwrap());
        let record = store.camera(id).unwrap();
        assert_eq!(record.stage, S::Integrated);
        assert_eq!(record.row_version, 5);
        assert_eq!(record.updated_unix_s, 500);
        assert_eq!(
            store.camera_password(id).unwrap().as_deref(),
            Some("Demo@123")
        );
        let history = store.camera_history(id).unwrap();
        let times: Vec<i64> = history.iter().map(|e| e.at_unix_s).collect();
        assert_eq!(times, vec![100, 200, 300, 400, 500]);
        let audit = store.audit_entries(None, 10).unwrap();
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0].action, "registry.demo");
    }
}
