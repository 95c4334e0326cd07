//! v6 → v7: the stage history becomes append-only like the audit log, and a camera's area may be "not yet known".
//!
//! New triggers refuse deleting or replacing a stage event, deleting (or cascading from) a camera with history,
//! replacing a camera through INSERT OR REPLACE, and inserting an event that breaks the legal moves or comes
//! before the camera's last event. The camera table's CHECKs take the area 'not_yet_known'.
//!
//! The CHECKs only get more permissive (a new area value, and a new allowance for it in the privacy rule), so no
//! existing row can break them: the table's text is rewritten in `sqlite_master` (SQLite's documented procedure
//! for such changes, <https://sqlite.org/lang_altertable.html#otheralter>) instead of rebuilding the camera table
//! and every table that refers to it. The SQL is frozen here, as this step wrote it; `schema.sql` carries the
//! same text for a fresh file.

use rusqlite::Transaction;

use crate::store::{Result, StoreError};

/// The camera table as version 7 has it (without the closing semicolon, as `sqlite_master` keeps it).
const CAMERA_TABLE_V7: &str = r#"CREATE TABLE camera (
  id INTEGER PRIMARY KEY,                 -- row id
  site_id INTEGER NOT NULL REFERENCES site (id) ON DELETE RESTRICT,  -- the site it hangs at
  label TEXT NOT NULL CHECK (length(trim(label)) > 0),  -- name, e.g. 'Main gate'
  area_watched TEXT NOT NULL CHECK (area_watched IN ('entrance', 'lobby', 'parking', 'gate', 'road_frontage',
    'corridor', 'room', 'ward', 'classroom', 'cabin', 'not_yet_known')),  -- what it watches; 'room' to 'cabin'
    -- are private areas; 'not_yet_known' until a person says (since version 7), treated as possibly private
  lat_deg REAL NOT NULL CHECK (lat_deg BETWEEN -90 AND 90),    -- latitude, degrees north (WGS84)
  lon_deg REAL NOT NULL CHECK (lon_deg BETWEEN -180 AND 180),  -- longitude, degrees east (WGS84)
  bearing_deg REAL CHECK (bearing_deg >= 0 AND bearing_deg < 360),  -- facing direction, degrees clockwise from north; NULL = unknown
  fov_deg REAL CHECK (fov_deg > 0 AND fov_deg <= 360),  -- horizontal field-of-view angle, degrees; NULL = unknown
  range_m REAL CHECK (range_m > 0),       -- useful viewing distance, metres; NULL = unknown
  kind TEXT NOT NULL CHECK (kind IN ('ip', 'analogue')),  -- 'ip' camera, or 'analogue' behind the owner's NVR/DVR
  nvr_host TEXT,                          -- host or IP address of the NVR/DVR ('analogue' only)
  nvr_channel INTEGER CHECK (nvr_channel BETWEEN 1 AND 256),  -- channel on that NVR/DVR ('analogue' only)
  make TEXT NOT NULL DEFAULT '',          -- manufacturer, e.g. 'Hikvision'
  model TEXT NOT NULL DEFAULT '',         -- model number
  stream_url TEXT,                        -- rtsp:// URL without credentials; NULL = not known yet
  snapshot_url TEXT,                      -- http(s):// JPEG snapshot URL without credentials; NULL = none
  username TEXT NOT NULL DEFAULT '',      -- login name on the camera/NVR
  password_ct BLOB,                       -- password: 12-byte nonce then ChaCha20-Poly1305 ciphertext; NULL = none
  password_key_id TEXT,                   -- id of the key (kept outside this file) that encrypted password_ct
  stage TEXT NOT NULL DEFAULT 'surveyed' CHECK (stage IN ('surveyed', 'owner_contacted', 'consent_given',
    'configured', 'integrated', 'blocked', 'rejected')),  -- integration stage; always the latest stage_event's
  blocked_from TEXT,                      -- stage the camera was blocked from (when stage = 'blocked')
  block_reason TEXT CHECK (block_reason IN ('owner_not_reachable', 'consent_refused', 'no_uplink',
    'nvr_not_compatible', 'bandwidth', 'password_unknown', 'other')),  -- why it is blocked (when stage = 'blocked')
  row_version INTEGER NOT NULL DEFAULT 1, -- bumped by every update; an edit must name the version it started from
  updated_by TEXT NOT NULL,               -- desk user who made the last change
  updated_unix_s INTEGER NOT NULL,        -- when the last change was made, unix seconds
  -- Privacy rule of the programme: a camera that watches a private area is never taken beyond 'surveyed'; one
  -- whose area is not yet known goes no further than the talks with its owner (never configured or integrated).
  CONSTRAINT private_area_never_integrated CHECK (area_watched IN ('entrance', 'lobby', 'parking', 'gate', 'road_frontage', 'corridor')
    OR stage IN ('surveyed', 'rejected')
    OR (area_watched = 'not_yet_known' AND (stage IN ('owner_contacted', 'consent_given')
      OR (stage = 'blocked' AND coalesce(blocked_from, 'surveyed') IN ('surveyed', 'owner_contacted', 'consent_given'))))),
  CONSTRAINT analogue_has_nvr_channel CHECK ((kind = 'analogue') = (nvr_host IS NOT NULL AND nvr_channel IS NOT NULL)),
  CONSTRAINT blocked_has_reason CHECK ((stage = 'blocked') = (block_reason IS NOT NULL))
) STRICT"#;

/// The triggers version 7 adds.
const TRIGGERS_V7: &str = r#"-- Stage history is append-only like the audit log (schema version 7): an event is never deleted or replaced,
-- a camera with history is never deleted (nor its history by cascade), and each event follows the rules of
-- model/stage.rs and comes after the camera's last one.
CREATE TRIGGER stage_event_no_delete BEFORE DELETE ON stage_event
BEGIN
  SELECT RAISE(ABORT, 'stage events are history: they cannot be deleted');
END;
-- INSERT OR REPLACE deletes the old row without firing delete triggers, so refuse a reused id at insert.
CREATE TRIGGER stage_event_no_replace BEFORE INSERT ON stage_event
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM stage_event WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'stage events are history: they cannot be replaced');
END;
CREATE TRIGGER stage_event_in_time_order BEFORE INSERT ON stage_event
WHEN NEW.at_unix_s < (SELECT max(at_unix_s) FROM stage_event WHERE camera_id = NEW.camera_id)
BEGIN
  SELECT RAISE(ABORT, 'a stage event cannot be dated before the camera''s last event');
END;
-- One step along the path; a block from a stage on the path, back to it or one beyond; rejection only for a
-- private area and a restart only for a common one; a stream before configured or integrated; an area not yet
-- known goes no further than the talks with the owner.
CREATE TRIGGER stage_event_legal_move BEFORE INSERT ON stage_event
WHEN NEW.from_stage IS NOT NULL AND NOT coalesce((
  SELECT CASE
    WHEN NEW.to_stage = NEW.from_stage THEN 0
    WHEN c.area_watched IN ('room', 'ward', 'classroom', 'cabin') THEN NEW.to_stage = 'rejected'
    WHEN NEW.to_stage = 'rejected' THEN 0
    WHEN c.area_watched = 'not_yet_known' AND (NEW.from_stage = 'rejected'
      OR NEW.to_stage IN ('configured', 'integrated')
      OR (NEW.to_stage = 'blocked' AND NEW.from_stage NOT IN ('surveyed', 'owner_contacted', 'consent_given'))) THEN 0
    WHEN NEW.to_stage IN ('configured', 'integrated') AND c.stream_url IS NULL AND c.kind <> 'analogue' THEN 0
    WHEN NEW.from_stage = 'rejected' THEN NEW.to_stage = 'surveyed'
    WHEN NEW.from_stage = 'blocked' THEN NEW.to_stage IN (coalesce(c.blocked_from, 'surveyed'),
      CASE coalesce(c.blocked_from, 'surveyed') WHEN 'surveyed' THEN 'owner_contacted'
        WHEN 'owner_contacted' THEN 'consent_given' WHEN 'consent_given' THEN 'configured'
        WHEN 'configured' THEN 'integrated' END)
    WHEN NEW.to_stage = 'blocked' THEN NEW.block_reason IS NOT NULL
      AND NEW.from_stage IN ('surveyed', 'owner_contacted', 'consent_given', 'configured', 'integrated')
    ELSE NEW.to_stage IS CASE NEW.from_stage WHEN 'surveyed' THEN 'owner_contacted'
      WHEN 'owner_contacted' THEN 'consent_given' WHEN 'consent_given' THEN 'configured'
      WHEN 'configured' THEN 'integrated' END
  END
  FROM camera c WHERE c.id = NEW.camera_id), 0)
BEGIN
  SELECT RAISE(ABORT, 'a stage event must be a legal move (model/stage.rs rules)');
END;
CREATE TRIGGER camera_no_delete BEFORE DELETE ON camera
WHEN EXISTS (SELECT 1 FROM stage_event WHERE camera_id = OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'a camera with stage history cannot be deleted: its history would be lost');
END;
-- INSERT OR REPLACE would delete the camera it collides with (same id, stream URL or NVR channel) without its
-- delete trigger: refuse the collision at insert.
CREATE TRIGGER camera_no_replace BEFORE INSERT ON camera
WHEN (NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM camera WHERE id = NEW.id))
  OR EXISTS (SELECT 1 FROM camera WHERE stream_url = NEW.stream_url)
  OR (NEW.kind = 'analogue' AND EXISTS (SELECT 1 FROM camera WHERE kind = 'analogue'
    AND lower(nvr_host) = lower(NEW.nvr_host) AND nvr_channel = NEW.nvr_channel))
BEGIN
  SELECT RAISE(ABORT, 'a camera is never replaced: another camera has this id, stream URL or NVR channel');
END;
"#;

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    // A camera already beyond what the privacy rule allows (a file written with the CHECKs switched off) is not
    // carried into a schema that promises otherwise.
    let broken: i64 = tx.query_row(
        "SELECT count(*) FROM camera WHERE NOT (area_watched IN ('entrance', 'lobby', 'parking', 'gate',
           'road_frontage', 'corridor') OR stage IN ('surveyed', 'rejected'))",
        [],
        |r| r.get(0),
    )?;
    if broken > 0 {
        return Err(StoreError::Corrupt {
            detail: format!(
                "{broken} camera(s) watching a private area stand beyond 'surveyed'; the file was not upgraded"
            ),
        });
    }
    let schema_version: i64 = tx.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
    tx.pragma_update(None, "writable_schema", true)?;
    let changed = tx.execute(
        "UPDATE sqlite_master SET sql = ?1 WHERE type = 'table' AND name = 'camera'",
        [CAMERA_TABLE_V7],
    );
    // Bumping the schema cookie makes every other connection read the new text; RESET makes this one read it.
    let bumped = tx.pragma_update(None, "schema_version", schema_version + 1);
    tx.execute_batch("PRAGMA writable_schema = RESET")?;
    if changed? != 1 {
        return Err(StoreError::Corrupt {
            detail: "the camera table is missing".into(),
        });
    }
    bumped?;
    tx.execute_batch(TRIGGERS_V7)?;
    Ok(())
}
