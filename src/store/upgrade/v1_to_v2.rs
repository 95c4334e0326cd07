//! v1 → v2: stage history (stage_event), row versions for edit conflicts, the privacy rule and
//! append-only audit in the schema itself.
//!
//! v1 knew only each camera's current stage, so the history starts with one event per camera, dated at its last
//! change. A v1 camera that watched a private area beyond "surveyed" breaks the privacy rule: it comes over as
//! rejected, with the event and an audit entry saying so.

use rusqlite::Transaction;

use crate::store::Result;

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        r#"
        ALTER TABLE site RENAME TO site_v1;
        ALTER TABLE camera RENAME TO camera_v1;
        ALTER TABLE audit RENAME TO audit_v1;
        ALTER TABLE meta RENAME TO meta_v1;
        "#,
    )?;
    // The v2 tables, triggers and indexes, exactly as a fresh registry has them (meta too: its columns did not
    // change, but an upgraded file must carry the same schema text as a fresh one); triggers are made after the
    // copy so they do not fire on old rows.
    let schema = super::V2_SCHEMA_SQL;
    let (tables, triggers) = split_schema(schema);
    tx.execute_batch(tables)?;
    tx.execute_batch(
        r#"
        INSERT INTO meta (key, value) SELECT key, value FROM meta_v1;

        INSERT INTO site (id, name_en, name_hi, owner_category, priority, priority_radius_m, contact_person, phone,
            address, ward, police_station, lat_deg, lon_deg, notes, row_version, updated_by, updated_unix_s)
          SELECT id, name_en, name_hi, owner_category, priority, priority_radius_m, contact_person, phone,
            address, ward, police_station, lat_deg, lon_deg, notes, 1, updated_by, updated_unix_s FROM site_v1;

        -- Private-area cameras past 'surveyed' were illegal already; they come over as rejected.
        CREATE TEMP TABLE privacy_fix AS
          SELECT id, stage FROM camera_v1
          WHERE area_watched IN ('room', 'ward', 'classroom', 'cabin') AND stage NOT IN ('surveyed', 'rejected');

        INSERT INTO camera (id, site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, fov_deg, range_m, kind,
            nvr_host, nvr_channel, make, model, stream_url, snapshot_url, username, password_ct, password_key_id,
            stage, blocked_from, block_reason, row_version, updated_by, updated_unix_s)
          SELECT id, site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, fov_deg, range_m, kind,
            nvr_host, nvr_channel, make, model, stream_url, snapshot_url, username, password_ct, password_key_id,
            CASE WHEN id IN (SELECT id FROM privacy_fix) THEN 'rejected' ELSE stage END,
            NULL,
            CASE WHEN stage = 'blocked' AND id NOT IN (SELECT id FROM privacy_fix)
                 THEN coalesce(block_reason, 'other') END,
            1, updated_by, updated_unix_s FROM camera_v1;

        INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage, block_reason, note)
          SELECT id, updated_unix_s, updated_by, NULL, 'surveyed', NULL, '' FROM camera_v1;
        INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage, block_reason, note)
          SELECT c.id, c.updated_unix_s, 'upgrade to schema v2', 'surveyed', c.stage, c.block_reason,
            'stage carried over from schema v1, which kept no history'
          FROM camera c WHERE c.stage <> 'surveyed' AND c.id NOT IN (SELECT id FROM privacy_fix);
        INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage, block_reason, note)
          SELECT c.id, c.updated_unix_s, 'upgrade to schema v2', 'surveyed', 'rejected', NULL,
            'private area (' || c.area_watched || ') was at stage ' || p.stage || ' in schema v1; rejected by the privacy rule'
          FROM camera c JOIN privacy_fix p ON p.id = c.id;

        INSERT INTO audit (id, at_unix_s, by_user, action, entity, entity_id, before_json, after_json)
          SELECT id, at_unix_s, by_user, action, entity, entity_id, before_json, after_json FROM audit_v1;
        INSERT INTO audit (at_unix_s, by_user, action, entity, entity_id, before_json, after_json)
          SELECT CAST(strftime('%s', 'now') AS INTEGER), 'upgrade to schema v2', 'camera.stage', 'camera', p.id,
            json_object('stage', p.stage), json_object('stage', 'rejected', 'note', 'privacy rule')
          FROM privacy_fix p;

        DROP TABLE privacy_fix;
        DROP TABLE camera_v1;
        DROP TABLE site_v1;
        DROP TABLE audit_v1;
        DROP TABLE meta_v1;
        "#,
    )?;
    tx.execute_batch(triggers)?;
    Ok(())
}

/// Splits the schema into its tables-and-indexes part and its triggers part.
fn split_schema(schema: &str) -> (&str, &str) {
    let at = schema.find("CREATE TRIGGER").unwrap_or(schema.len());
    // Keep the comment lines that precede the first trigger with the triggers.
    let start = schema[..at].rfind("\n\n").map_or(at, |i| i + 1);
    (&schema[..start], &schema[start..])
}
