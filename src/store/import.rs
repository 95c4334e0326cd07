//! What bulk import keeps in the registry: each imported camera's id in its source (so the next import of the
//! same list finds it), and the column mappings saved as named profiles.

use std::collections::HashMap;

use rusqlite::{OptionalExtension as _, params};
use serde_json::json;

use super::bulk::BulkWriter;
use super::{Actor, Result, Store, StoreError, append_audit};
use crate::model::CameraId;
use crate::model::import::ImportProfile;

/// The registry's revision as an import's check sees it: the newest audit entry that can change what an import
/// does (sites, cameras, imports, the demo, the service area). Notes, boundary layers and saved profiles do not
/// count, so saving the mapping after the check does not make the check stale.
pub fn import_revision(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(id), 0) FROM audit
         WHERE action NOT IN ('import.profile', 'camera.follow_up', 'boundary.import')",
        [],
        |r| r.get(0),
    )?)
}

/// The source id of every camera that came from an import, on any connection.
pub fn source_refs(conn: &rusqlite::Connection) -> Result<HashMap<CameraId, String>> {
    let mut stmt = conn.prepare("SELECT camera_id, source_ref FROM camera_source")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The source id of every camera that came from an import.
    pub fn source_refs(&self) -> Result<HashMap<CameraId, String>> {
        source_refs(&self.conn)
    }

    /// The saved profile of this name (names compare without regard to case).
    pub fn import_profile(&self, name: &str) -> Result<Option<ImportProfile>> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT profile_json FROM import_profile WHERE lower(name) = lower(?1)",
                [name.trim()],
                |r| r.get(0),
            )
            .optional()?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| StoreError::Corrupt {
                detail: format!("import profile {name:?}: {e}"),
            })
        })
        .transpose()
    }

    /// Every saved profile, by name.
    pub fn import_profiles(&self) -> Result<Vec<ImportProfile>> {
        let mut stmt = self
            .conn
            .prepare("SELECT profile_json FROM import_profile ORDER BY lower(name)")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for text in rows {
            // A profile this build cannot read is left out rather than hiding all the others.
            if let Ok(p) = serde_json::from_str(&text?) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Saves (or replaces) a profile, audited as `import.profile`.
    pub fn save_import_profile(&mut self, actor: &Actor, profile: &ImportProfile) -> Result<()> {
        let name = profile.name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(StoreError::Invalid(vec![crate::model::FieldError::new(
                crate::model::Field::NameEn,
                crate::model::Problem::Required,
            )]));
        }
        let text = serde_json::to_string(profile).map_err(|e| StoreError::Corrupt {
            detail: e.to_string(),
        })?;
        let before = self.import_profile(name)?;
        let tx = self.write_tx()?;
        tx.execute(
            "DELETE FROM import_profile WHERE lower(name) = lower(?1)",
            [name],
        )?;
        tx.execute(
            "INSERT INTO import_profile (name, profile_json, updated_by, updated_unix_s)
             VALUES (?1, ?2, ?3, ?4)",
            params![name, text, actor.user, actor.now_unix_s],
        )?;
        append_audit(
            &tx,
            actor,
            "import.profile",
            "registry",
            None,
            before.map(|b| json!(b)).as_ref(),
            Some(&json!(profile)),
        )?;
        tx.commit()?;
        Ok(())
    }
}

impl BulkWriter<'_> {
    /// [`import_revision`] inside the load's transaction.
    pub fn import_revision(&self) -> Result<i64> {
        import_revision(self.tx())
    }

    /// Records (or replaces) the source id of a camera written in this load.
    pub fn set_source_ref(&mut self, camera_id: CameraId, source_ref: &str) -> Result<()> {
        let normal = crate::model::import::normal_source_id(source_ref);
        if normal.is_empty() {
            return Ok(());
        }
        self.tx()
            .prepare_cached(
                "INSERT INTO camera_source (camera_id, source_ref) VALUES (?1, ?2)
                 ON CONFLICT (camera_id) DO UPDATE SET source_ref = excluded.source_ref",
            )?
            .execute(params![camera_id, normal])?;
        Ok(())
    }
}
