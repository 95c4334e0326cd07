//! Reads and writes of sites and cameras, each write in one transaction with its audit entry.

use rusqlite::{Connection, OptionalExtension as _, Row, params};
use serde_json::json;

use super::{
    Actor, AuditEntry, CameraRecord, PasswordEdit, RegistrySnapshot, Result, SecretBox, SiteRecord,
    StageEventRecord, Store, StoreError, append_audit, meta_value,
};
use crate::model::{
    AreaWatched, BlockReason, Camera, CameraId, CameraKind, Field, FieldError, IntegrationStage,
    OwnerCategory, PasswordState, Priority, Problem, Site, SiteId, StageChange, normalise_phone,
    validate_camera_in, validate_site_in,
};

/// A camera's `password_ct` and `password_key_id` as written.
type PasswordColumns = (Option<Vec<u8>>, Option<String>);

pub(super) const SITE_COLUMNS: &str = "id, name_en, name_hi, owner_category, priority, priority_radius_m, contact_person, \
     phone, address, ward, police_station, lat_deg, lon_deg, notes, row_version, updated_by, updated_unix_s, \
     recorder_retention_days";

pub(super) const CAMERA_COLUMNS: &str = "id, site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, fov_deg, range_m, \
     kind, nvr_host, nvr_channel, make, model, stream_url, snapshot_url, username, password_key_id, \
     stage, blocked_from, block_reason, row_version, updated_by, updated_unix_s";

fn bad_code(column: usize, code: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown code {code:?}").into(),
    )
}

pub(super) fn site_from_row(r: &Row<'_>) -> rusqlite::Result<SiteRecord> {
    let category: String = r.get(3)?;
    let priority: String = r.get(4)?;
    Ok(SiteRecord {
        id: r.get(0)?,
        site: Site {
            name_en: r.get(1)?,
            name_hi: r.get(2)?,
            owner_category: OwnerCategory::from_code(&category)
                .ok_or_else(|| bad_code(3, &category))?,
            priority: Priority::from_code(&priority).ok_or_else(|| bad_code(4, &priority))?,
            priority_radius_m: r.get(5)?,
            contact_person: r.get(6)?,
            phone: r.get(7)?,
            address: r.get(8)?,
            ward: r.get(9)?,
            police_station: r.get(10)?,
            lat_deg: r.get(11)?,
            lon_deg: r.get(12)?,
            notes: r.get(13)?,
            recorder_retention_days: r.get(17)?,
        },
        row_version: r.get(14)?,
        updated_by: r.get::<_, String>(15)?.into(),
        updated_unix_s: r.get(16)?,
    })
}

fn stage_from(column: usize, code: &str) -> rusqlite::Result<IntegrationStage> {
    IntegrationStage::from_code(code).ok_or_else(|| bad_code(column, code))
}

/// `current_key_id`: the key this machine holds; `None` on a read-only look without keys, where a stored
/// password counts as stored (nobody is asked to re-enter it from there).
pub(super) fn camera_from_row(
    r: &Row<'_>,
    current_key_id: Option<&str>,
) -> rusqlite::Result<CameraRecord> {
    let area: String = r.get(3)?;
    let kind: String = r.get(9)?;
    let kind = match kind.as_str() {
        "ip" => CameraKind::Ip,
        "analogue" => CameraKind::Analogue {
            nvr_host: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            channel: r.get::<_, Option<u16>>(11)?.unwrap_or(0),
        },
        other => return Err(bad_code(9, other)),
    };
    let key_id: Option<String> = r.get(17)?;
    let password = match key_id {
        None => PasswordState::None,
        Some(id) if current_key_id.is_none_or(|k| k == id) => PasswordState::Stored,
        Some(_) => PasswordState::MustReenter,
    };
    let stage: String = r.get(18)?;
    let blocked_from: Option<String> = r.get(19)?;
    let block_reason: Option<String> = r.get(20)?;
    Ok(CameraRecord {
        id: r.get(0)?,
        site_id: r.get(1)?,
        camera: Camera {
            label: r.get(2)?,
            area_watched: AreaWatched::from_code(&area).ok_or_else(|| bad_code(3, &area))?,
            lat_deg: r.get(4)?,
            lon_deg: r.get(5)?,
            bearing_deg: r.get(6)?,
            fov_deg: r.get(7)?,
            range_m: r.get(8)?,
            kind,
            make: r.get(12)?,
            model: r.get(13)?,
            stream_url: r.get::<_, Option<String>>(14)?.unwrap_or_default(),
            snapshot_url: r.get::<_, Option<String>>(15)?.unwrap_or_default(),
            username: r.get(16)?,
        },
        stage: stage_from(18, &stage)?,
        blocked_from: blocked_from.map(|s| stage_from(19, &s)).transpose()?,
        block_reason: block_reason
            .map(|s| BlockReason::from_code(&s).ok_or_else(|| bad_code(20, &s)))
            .transpose()?,
        password,
        row_version: r.get(21)?,
        updated_by: r.get::<_, String>(22)?.into(),
        updated_unix_s: r.get(23)?,
    })
}

fn empty_to_null(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty()).then_some(t)
}

/// The site as stored: trimmed text, phone normalised.
pub(super) fn normalised_site(site: &Site) -> Site {
    let mut s = site.clone();
    for text in [
        &mut s.name_en,
        &mut s.name_hi,
        &mut s.contact_person,
        &mut s.address,
        &mut s.ward,
        &mut s.police_station,
        &mut s.notes,
    ] {
        *text = text.trim().to_string();
    }
    s.phone = normalise_phone(&s.phone).unwrap_or_default();
    s
}

pub(super) fn normalised_camera(camera: &Camera) -> Camera {
    let mut c = camera.clone();
    for text in [
        &mut c.label,
        &mut c.make,
        &mut c.model,
        &mut c.stream_url,
        &mut c.snapshot_url,
        &mut c.username,
    ] {
        *text = text.trim().to_string();
    }
    if let CameraKind::Analogue { nvr_host, .. } = &mut c.kind {
        *nvr_host = nvr_host.trim().to_string();
    }
    c
}

fn site_json(site: &Site) -> serde_json::Value {
    serde_json::to_value(site).unwrap_or_default()
}

/// The camera's values for the audit log: the password never, only whether it changed.
pub(super) fn camera_json(
    site_id: SiteId,
    camera: &Camera,
    password: &PasswordEdit,
) -> serde_json::Value {
    let mut v = serde_json::to_value(camera).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert("site_id".into(), json!(site_id));
        let note = match password {
            PasswordEdit::Keep => None,
            PasswordEdit::Set(_) => Some("set"),
            PasswordEdit::Clear => Some("cleared"),
        };
        if let Some(note) = note {
            map.insert("password".into(), json!(note));
        }
    }
    v
}

/// [`camera_json`], saying when the stored password was dropped because an address moved to a new host.
pub(super) fn camera_json_dropping(
    site_id: SiteId,
    camera: &Camera,
    password: &PasswordEdit,
    dropped_for_new_host: bool,
) -> serde_json::Value {
    let mut v = camera_json(site_id, camera, password);
    if dropped_for_new_host && let Some(map) = v.as_object_mut() {
        map.insert("password".into(), json!(PASSWORD_DROPPED_NEW_HOST));
    }
    v
}

/// The audit's word for a stored password dropped because the camera's address moved to a new host.
pub const PASSWORD_DROPPED_NEW_HOST: &str = "dropped_new_host";

fn camera_name(conn: &Connection, id: CameraId) -> Result<String> {
    Ok(conn.query_row(
        "SELECT camera.label || ' at ' || site.name_en || ' (camera ' || camera.id || ')'
         FROM camera JOIN site ON site.id = camera.site_id WHERE camera.id = ?1",
        [id],
        |r| r.get(0),
    )?)
}

/// Duplicate stream URL or NVR channel against the other cameras of the registry.
fn duplicate_errors(
    conn: &Connection,
    camera: &Camera,
    own_id: Option<CameraId>,
) -> Result<Vec<FieldError>> {
    let mut errors = Vec::new();
    let own = own_id.unwrap_or(-1);
    if let Some(url) = empty_to_null(&camera.stream_url) {
        let other: Option<CameraId> = conn
            .query_row(
                "SELECT id FROM camera WHERE stream_url = ?1 AND id <> ?2",
                params![url, own],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = other {
            errors.push(FieldError::new(
                Field::StreamUrl,
                Problem::DuplicateStreamUrl {
                    camera: camera_name(conn, other)?,
                },
            ));
        }
    }
    if let CameraKind::Analogue { nvr_host, channel } = &camera.kind {
        let other: Option<CameraId> = conn
            .query_row(
                "SELECT id FROM camera WHERE kind = 'analogue' AND lower(nvr_host) = lower(?1)
                 AND nvr_channel = ?2 AND id <> ?3",
                params![nvr_host.trim(), channel, own],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = other {
            errors.push(FieldError::new(
                Field::NvrChannel,
                Problem::DuplicateNvrChannel {
                    camera: camera_name(conn, other)?,
                },
            ));
        }
    }
    Ok(errors)
}

fn conflict_or_missing(conn: &Connection, table: &'static str, id: i64) -> StoreError {
    let sql = format!("SELECT updated_by, updated_unix_s FROM {table} WHERE id = ?1");
    match conn
        .query_row(&sql, [id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()
    {
        Ok(Some((by_user, at_unix_s))) => StoreError::Conflict {
            entity: table,
            id,
            by_user,
            at_unix_s,
        },
        Ok(None) => StoreError::NotFound { entity: table, id },
        Err(e) => e.into(),
    }
}

/// Inserts a checked, normalised site row; shared by [`Store::add_site`] and the bulk writer.
pub(super) fn insert_site_row(
    conn: &Connection,
    s: &Site,
    by_user: &str,
    at_unix_s: i64,
) -> Result<SiteId> {
    conn.prepare_cached(
        "INSERT INTO site (name_en, name_hi, owner_category, priority, priority_radius_m, contact_person,
           phone, address, ward, police_station, lat_deg, lon_deg, notes, updated_by, updated_unix_s,
           recorder_retention_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        s.name_en,
        s.name_hi,
        s.owner_category.code(),
        s.priority.code(),
        s.priority_radius_m,
        s.contact_person,
        s.phone,
        s.address,
        s.ward,
        s.police_station,
        s.lat_deg,
        s.lon_deg,
        s.notes,
        by_user,
        at_unix_s,
        s.recorder_retention_days
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Inserts a checked, normalised camera row at stage "surveyed" (the schema writes its first stage event);
/// shared by [`Store::add_camera`] and the bulk writer. `sealed` is the encrypted password and its key id.
/// Writes a camera's fields over row `id` (version bumped; the stage and password untouched). With
/// `expected_version`, only if the row is still at that version. Returns the rows changed (0 or 1).
pub(super) fn update_camera_row(
    conn: &Connection,
    id: CameraId,
    c: &Camera,
    actor: &Actor,
    expected_version: Option<i64>,
) -> Result<usize> {
    let (nvr_host, nvr_channel) = match &c.kind {
        CameraKind::Ip => (None, None),
        CameraKind::Analogue { nvr_host, channel } => (Some(nvr_host.as_str()), Some(*channel)),
    };
    Ok(conn.prepare_cached(
        "UPDATE camera SET label = ?1, area_watched = ?2, lat_deg = ?3, lon_deg = ?4, bearing_deg = ?5,
           fov_deg = ?6, range_m = ?7, kind = ?8, nvr_host = ?9, nvr_channel = ?10, make = ?11, model = ?12,
           stream_url = ?13, snapshot_url = ?14, username = ?15, updated_by = ?16, updated_unix_s = ?17,
           row_version = row_version + 1
         WHERE id = ?18 AND (?19 IS NULL OR row_version = ?19)",
    )?
    .execute(params![
        c.label,
        c.area_watched.code(),
        c.lat_deg,
        c.lon_deg,
        c.bearing_deg,
        c.fov_deg,
        c.range_m,
        c.kind.code(),
        nvr_host,
        nvr_channel,
        c.make,
        c.model,
        empty_to_null(&c.stream_url),
        empty_to_null(&c.snapshot_url),
        c.username,
        actor.user,
        actor.now_unix_s,
        id,
        expected_version
    ])?)
}

/// One camera, on any connection (a bulk writer's transaction included).
pub(super) fn read_camera(
    conn: &Connection,
    id: CameraId,
    current_key_id: Option<&str>,
) -> Result<CameraRecord> {
    conn.prepare_cached(&format!(
        "SELECT {CAMERA_COLUMNS} FROM camera WHERE id = ?1"
    ))?
    .query_row([id], |r| camera_from_row(r, current_key_id))
    .optional()?
    .ok_or(StoreError::NotFound {
        entity: "camera",
        id,
    })
}

pub(super) fn insert_camera_row(
    conn: &Connection,
    site_id: SiteId,
    c: &Camera,
    sealed: (Option<&[u8]>, Option<&str>),
    by_user: &str,
    at_unix_s: i64,
) -> Result<CameraId> {
    let (nvr_host, nvr_channel) = match &c.kind {
        CameraKind::Ip => (None, None),
        CameraKind::Analogue { nvr_host, channel } => (Some(nvr_host.as_str()), Some(*channel)),
    };
    conn.prepare_cached(
        "INSERT INTO camera (site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, fov_deg, range_m, kind,
           nvr_host, nvr_channel, make, model, stream_url, snapshot_url, username, password_ct, password_key_id,
           updated_by, updated_unix_s)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        site_id,
        c.label,
        c.area_watched.code(),
        c.lat_deg,
        c.lon_deg,
        c.bearing_deg,
        c.fov_deg,
        c.range_m,
        c.kind.code(),
        nvr_host,
        nvr_channel,
        c.make,
        c.model,
        empty_to_null(&c.stream_url),
        empty_to_null(&c.snapshot_url),
        c.username,
        sealed.0,
        sealed.1,
        by_user,
        at_unix_s
    ])?;
    Ok(conn.last_insert_rowid())
}

impl Store {
    /// Reads every site and camera into memory.
    pub fn load_snapshot(&self) -> Result<RegistrySnapshot> {
        read_snapshot(&self.conn, Some(self.secrets.key_id()))
    }

    pub fn site(&self, id: SiteId) -> Result<SiteRecord> {
        self.conn
            .query_row(
                &format!("SELECT {SITE_COLUMNS} FROM site WHERE id = ?1"),
                [id],
                site_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound { entity: "site", id })
    }

    pub fn camera(&self, id: CameraId) -> Result<CameraRecord> {
        read_camera(&self.conn, id, Some(self.secrets.key_id()))
    }

    /// Calls `visit` with every camera in snapshot order (site, then camera id), one row at a time, in one read
    /// transaction: a reader that keeps a little of each camera (the demo simulator) never holds the registry.
    pub fn for_each_camera(&self, mut visit: impl FnMut(&CameraRecord)) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let mut stmt = tx.prepare(&format!(
            "SELECT {CAMERA_COLUMNS} FROM camera ORDER BY site_id, id"
        ))?;
        let key_id = self.secrets.key_id();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            visit(&camera_from_row(row, Some(key_id))?);
        }
        drop(rows);
        drop(stmt);
        tx.finish()?;
        Ok(())
    }

    /// Adds a site.
    pub fn add_site(&mut self, actor: &Actor, site: &Site) -> Result<SiteRecord> {
        let errors = validate_site_in(site, &self.service_area()?);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let s = normalised_site(site);
        let tx = self.write_tx()?;
        let id = insert_site_row(&tx, &s, &actor.user, actor.now_unix_s)?;
        append_audit(
            &tx,
            actor,
            "site.add",
            "site",
            Some(id),
            None,
            Some(&site_json(&s)),
        )?;
        tx.commit()?;
        self.site(id)
    }

    /// Saves an edited site; refused when the row changed since `expected_version` was read.
    pub fn update_site(
        &mut self,
        actor: &Actor,
        id: SiteId,
        expected_version: i64,
        site: &Site,
    ) -> Result<SiteRecord> {
        let errors = validate_site_in(site, &self.service_area()?);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let s = normalised_site(site);
        let before = self.site(id)?;
        let tx = self.write_tx()?;
        let changed = tx.execute(
            "UPDATE site SET name_en = ?1, name_hi = ?2, owner_category = ?3, priority = ?4, priority_radius_m = ?5,
               contact_person = ?6, phone = ?7, address = ?8, ward = ?9, police_station = ?10, lat_deg = ?11,
               lon_deg = ?12, notes = ?13, updated_by = ?14, updated_unix_s = ?15, row_version = row_version + 1,
               recorder_retention_days = ?18
             WHERE id = ?16 AND row_version = ?17",
            params![
                s.name_en,
                s.name_hi,
                s.owner_category.code(),
                s.priority.code(),
                s.priority_radius_m,
                s.contact_person,
                s.phone,
                s.address,
                s.ward,
                s.police_station,
                s.lat_deg,
                s.lon_deg,
                s.notes,
                actor.user,
                actor.now_unix_s,
                id,
                expected_version,
                s.recorder_retention_days
            ],
        )?;
        if changed == 0 {
            return Err(conflict_or_missing(&tx, "site", id));
        }
        append_audit(
            &tx,
            actor,
            "site.edit",
            "site",
            Some(id),
            Some(&site_json(&before.site)),
            Some(&site_json(&s)),
        )?;
        tx.commit()?;
        self.site(id)
    }

    /// The password columns for `edit` of camera `id` (`None`: leave them). A kept password sealed before
    /// values were bound to their camera is sealed again with the binding.
    fn seal_password(&self, id: CameraId, edit: &PasswordEdit) -> Result<Option<PasswordColumns>> {
        Ok(match edit {
            PasswordEdit::Keep => self.reseal_unbound(id)?,
            PasswordEdit::Clear => Some((None, None)),
            PasswordEdit::Set(p) if p.is_empty() => Some((None, None)),
            PasswordEdit::Set(p) => Some((
                Some(self.secrets.seal(p, id)),
                Some(self.secrets.key_id().to_string()),
            )),
        })
    }

    /// Seals again, bound to their cameras, all passwords this key sealed before binding (format 1), in one
    /// transaction with one audit entry; returns how many. Values that do not open are left for the user to
    /// type again, as before.
    pub(crate) fn reseal_unbound_passwords(&mut self, actor: &Actor) -> Result<usize> {
        let secrets = self.secrets.clone();
        let key_id = secrets.key_id().to_string();
        let tx = self.write_tx()?;
        let found: Vec<(CameraId, Vec<u8>)> = {
            let mut stmt = tx.prepare(
                "SELECT id, password_ct FROM camera
                 WHERE password_ct IS NOT NULL AND password_key_id = ?1 AND substr(password_ct, 1, ?2) IS NOT ?3",
            )?;
            let rows = stmt.query_map(
                params![
                    key_id,
                    SecretBox::BOUND_PREFIX_LEN,
                    crate::store::secret::BOUND_PREFIX
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut resealed = Vec::new();
        for (id, ct) in found {
            if SecretBox::is_bound(&ct) {
                continue;
            }
            if let Ok(password) = secrets.open(&ct, id) {
                tx.execute(
                    "UPDATE camera SET password_ct = ?1 WHERE id = ?2",
                    params![secrets.seal(&password, id), id],
                )?;
                resealed.push(id);
            }
        }
        if !resealed.is_empty() {
            append_audit(
                &tx,
                actor,
                "registry.passwords_rebound",
                "registry",
                None,
                None,
                Some(&json!({
                    "note": "camera passwords re-sealed bound to their cameras",
                    "cameras": resealed,
                })),
            )?;
        }
        // Recorded once: from now on an unbound value opens for no camera.
        tx.execute(
            "INSERT INTO meta (key, value) SELECT ?1, ?2
             WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = ?1)",
            params![super::PASSWORDS_BOUND_KEY, actor.now_unix_s.to_string()],
        )?;
        tx.commit()?;
        self.secrets.refuse_unbound();
        Ok(resealed.len())
    }

    /// Camera `id`'s stored password sealed again bound to the camera, when it was sealed (with this key)
    /// before binding; `None` when there is nothing to do.
    fn reseal_unbound(&self, id: CameraId) -> Result<Option<PasswordColumns>> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT password_ct, password_key_id FROM camera WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((Some(ct), Some(key_id))) = row else {
            return Ok(None);
        };
        if key_id != self.secrets.key_id() || SecretBox::is_bound(&ct) {
            return Ok(None);
        }
        // A value that does not open is left for the user to type again, as before.
        Ok(self.secrets.open(&ct, id).ok().map(|p| {
            (
                Some(self.secrets.seal(&p, id)),
                Some(self.secrets.key_id().to_string()),
            )
        }))
    }

    fn check_camera(&self, camera: &Camera, own_id: Option<CameraId>) -> Result<()> {
        let mut errors = validate_camera_in(camera, &self.service_area()?);
        errors.extend(duplicate_errors(&self.conn, camera, own_id)?);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(errors))
        }
    }

    /// Adds a camera at a site; it starts at stage "surveyed".
    pub fn add_camera(
        &mut self,
        actor: &Actor,
        site_id: SiteId,
        camera: &Camera,
        password: &PasswordEdit,
    ) -> Result<CameraRecord> {
        let c = normalised_camera(camera);
        self.check_camera(&c, None)?;
        self.site(site_id)?;
        // The transaction borrows the store; the sealing inside it needs the key too.
        let secrets = self.secrets.clone();
        let tx = self.write_tx()?;
        let id = insert_camera_row(
            &tx,
            site_id,
            &c,
            (None, None),
            &actor.user,
            actor.now_unix_s,
        )?;
        // Sealed once the camera has its id, which the ciphertext is bound to.
        if let PasswordEdit::Set(p) = password
            && !p.is_empty()
        {
            tx.execute(
                "UPDATE camera SET password_ct = ?1, password_key_id = ?2 WHERE id = ?3",
                params![secrets.seal(p, id), secrets.key_id(), id],
            )?;
        }
        append_audit(
            &tx,
            actor,
            "camera.add",
            "camera",
            Some(id),
            None,
            Some(&camera_json(site_id, &c, password)),
        )?;
        tx.commit()?;
        self.camera(id)
    }

    /// Saves an edited camera; refused when the row changed since `expected_version` was read.
    pub fn update_camera(
        &mut self,
        actor: &Actor,
        id: CameraId,
        expected_version: i64,
        camera: &Camera,
        password: &PasswordEdit,
    ) -> Result<CameraRecord> {
        let c = normalised_camera(camera);
        self.check_camera(&c, Some(id))?;
        let before = self.camera(id)?;
        if let Some(problem) = c.area_watched.refusal_at(before.stage, before.blocked_from) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                Field::AreaWatched,
                problem,
            )]));
        }
        // A stored password was given for the old address: sent to a new host (host, scheme or port) it would
        // reach whoever runs that host, so unless a new one is typed it is dropped (the import's rule too).
        let dropped = matches!(password, PasswordEdit::Keep)
            && before.password != PasswordState::None
            && crate::model::credential_host_change(&before.camera, &c).is_some();
        let sealed = if dropped {
            Some((None, None))
        } else {
            self.seal_password(id, password)?
        };
        let tx = self.write_tx()?;
        let changed = update_camera_row(&tx, id, &c, actor, Some(expected_version))?;
        if changed == 0 {
            return Err(conflict_or_missing(&tx, "camera", id));
        }
        if let Some((ct, key_id)) = sealed {
            tx.execute(
                "UPDATE camera SET password_ct = ?1, password_key_id = ?2 WHERE id = ?3",
                params![ct, key_id, id],
            )?;
        }
        append_audit(
            &tx,
            actor,
            "camera.edit",
            "camera",
            Some(id),
            Some(&camera_json(
                before.site_id,
                &before.camera,
                &PasswordEdit::Keep,
            )),
            Some(&camera_json_dropping(before.site_id, &c, password, dropped)),
        )?;
        tx.commit()?;
        self.camera(id)
    }

    /// Moves a camera to another stage, recording the stage event and the audit entry.
    pub fn change_stage(
        &mut self,
        actor: &Actor,
        id: CameraId,
        expected_version: i64,
        change: &StageChange,
    ) -> Result<CameraRecord> {
        let before = self.camera(id)?;
        if before.row_version != expected_version {
            return Err(conflict_or_missing(&self.conn, "camera", id));
        }
        before.stage_position().check(change)?;
        let tx = self.write_tx()?;
        // History reads in time order (the schema refuses a back-dated event): a desk whose clock is behind
        // another's dates its move at the camera's last move instead; its audit entry keeps the desk's own time.
        let last_unix_s: Option<i64> = tx.query_row(
            "SELECT max(at_unix_s) FROM stage_event WHERE camera_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let at_unix_s = last_unix_s.map_or(actor.now_unix_s, |t| t.max(actor.now_unix_s));
        let bumped = tx.execute(
            "UPDATE camera SET row_version = row_version + 1, updated_by = ?1, updated_unix_s = ?2
             WHERE id = ?3 AND row_version = ?4",
            params![actor.user, actor.now_unix_s, id, expected_version],
        )?;
        if bumped == 0 {
            return Err(conflict_or_missing(&tx, "camera", id));
        }
        let reason = if change.to == IntegrationStage::Blocked {
            change.reason.map(BlockReason::code)
        } else {
            None
        };
        tx.execute(
            "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage, block_reason, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                at_unix_s,
                actor.user,
                before.stage.code(),
                change.to.code(),
                reason,
                change.note.trim()
            ],
        )?;
        append_audit(
            &tx,
            actor,
            "camera.stage",
            "camera",
            Some(id),
            Some(&json!({"stage": before.stage.code()})),
            Some(
                &json!({"stage": change.to.code(), "block_reason": reason, "note": change.note.trim()}),
            ),
        )?;
        tx.commit()?;
        self.camera(id)
    }

    /// The stage history of one camera, oldest first.
    pub fn camera_history(&self, id: CameraId) -> Result<Vec<StageEventRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, camera_id, at_unix_s, by_user, from_stage, to_stage, block_reason, note
             FROM stage_event WHERE camera_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                let from: Option<String> = r.get(4)?;
                let to: String = r.get(5)?;
                let reason: Option<String> = r.get(6)?;
                Ok(StageEventRecord {
                    id: r.get(0)?,
                    camera_id: r.get(1)?,
                    at_unix_s: r.get(2)?,
                    by_user: r.get(3)?,
                    from_stage: from.map(|s| stage_from(4, &s)).transpose()?,
                    to_stage: stage_from(5, &to)?,
                    block_reason: reason.and_then(|s| BlockReason::from_code(&s)),
                    note: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The newest audit entries, newest first; optionally only those of one site or camera.
    pub fn audit_entries(
        &self,
        entity: Option<(&str, i64)>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        let (sql, filter) = match entity {
            Some((e, id)) => (
                "SELECT id, at_unix_s, by_user, action, entity, entity_id, before_json, after_json FROM audit
                 WHERE entity = ?1 AND entity_id = ?2 ORDER BY id DESC LIMIT ?3",
                Some((e, id)),
            ),
            None => (
                "SELECT id, at_unix_s, by_user, action, entity, entity_id, before_json, after_json FROM audit
                 ORDER BY id DESC LIMIT ?3",
                None,
            ),
        };
        let mut stmt = self.conn.prepare(sql)?;
        let map = |r: &Row<'_>| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at_unix_s: r.get(1)?,
                by_user: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                before_json: r.get(6)?,
                after_json: r.get(7)?,
            })
        };
        let limit = limit as i64;
        let rows = match filter {
            Some((e, id)) => stmt.query_map(params![e, id, limit], map)?,
            None => stmt.query_map(params![None::<String>, None::<i64>, limit], map)?,
        }
        .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Decrypts a camera's password for a probe; `None` when none is stored or it must be re-entered.
    pub fn camera_password(&self, id: CameraId) -> Result<Option<String>> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT password_ct, password_key_id FROM camera WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row {
            None => Err(StoreError::NotFound {
                entity: "camera",
                id,
            }),
            Some((Some(ct), Some(key_id))) if key_id == self.secrets.key_id() => {
                Ok(Some(self.secrets.open(&ct, id)?))
            }
            Some(_) => Ok(None),
        }
    }

    /// Marks the registry as demo data (or not).
    pub fn set_demo(&mut self, actor: &Actor, is_demo: bool) -> Result<()> {
        let tx = self.write_tx()?;
        let before = meta_value(&tx, "is_demo")?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('is_demo', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [if is_demo { "1" } else { "0" }],
        )?;
        append_audit(
            &tx,
            actor,
            "registry.demo_flag",
            "registry",
            None,
            Some(&json!({"is_demo": before})),
            Some(&json!({"is_demo": is_demo})),
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Reads every site and camera into memory from any connection to a registry, a read-only one included
/// (exports, reports); `current_key_id` as in [`Store::load_snapshot`]'s password states, `None` without keys.
/// The newest `limit` audit entries of the registry on `conn` (read-only is enough), newest first.
pub fn read_audit(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT id, at_unix_s, by_user, action, entity, entity_id, before_json, after_json FROM audit
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at_unix_s: r.get(1)?,
                by_user: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                before_json: r.get(6)?,
                after_json: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn read_snapshot(conn: &Connection, current_key_id: Option<&str>) -> Result<RegistrySnapshot> {
    let mut sites_stmt = conn.prepare(&format!("SELECT {SITE_COLUMNS} FROM site ORDER BY id"))?;
    // Sized from a count first: a Vec grown by doubling would hold up to a third more than the rows (tens of
    // MB at 200,000 cameras). The read happens in one transaction so the count and the rows agree: the caller's
    // when one is open (coverage reads the snapshot, health and wards in one; SQLite cannot nest BEGIN), else ours.
    let tx = if conn.is_autocommit() {
        Some(conn.unchecked_transaction()?)
    } else {
        None
    };
    let count = |table: &str| -> Result<usize> {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    };
    // One copy of each user name for all the rows they changed.
    let mut users: std::collections::HashSet<std::sync::Arc<str>> =
        std::collections::HashSet::new();
    let mut shared = |name: std::sync::Arc<str>| match users.get(&name) {
        Some(known) => known.clone(),
        None => {
            users.insert(name.clone());
            name
        }
    };
    let mut sites = Vec::with_capacity(count("site")?);
    for row in sites_stmt.query_map([], site_from_row)? {
        let mut row = row?;
        row.updated_by = shared(row.updated_by);
        sites.push(row);
    }
    let mut cam_stmt = conn.prepare(&format!(
        "SELECT {CAMERA_COLUMNS} FROM camera ORDER BY site_id, id"
    ))?;
    let mut cameras = Vec::with_capacity(count("camera")?);
    for row in cam_stmt.query_map([], |r| camera_from_row(r, current_key_id))? {
        let mut row = row?;
        row.updated_by = shared(row.updated_by);
        cameras.push(row);
    }
    if let Some(tx) = tx {
        tx.finish()?;
    }
    let passwords_to_reenter = cameras
        .iter()
        .filter(|c| c.password == PasswordState::MustReenter)
        .count();
    Ok(RegistrySnapshot {
        is_demo: meta_value(conn, "is_demo")?.as_deref() == Some("1"),
        area: super::service_area(conn)?,
        sites,
        cameras,
        passwords_to_reenter,
    })
}
