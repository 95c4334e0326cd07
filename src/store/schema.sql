-- iccc-desk registry schema (PRAGMA user_version = 9 with health_schema.sql, which v2_to_v3 adds,
-- boundary_schema.sql, which v3_to_v4 adds, follow_up_schema.sql, which v4_to_v5 adds, and import_schema.sql,
-- which v5_to_v6 adds; v6_to_v7 makes the stage history append-only and adds the area 'not_yet_known'; and
-- review_cache_schema.sql, which v7_to_v8 adds; and history_guard_schema.sql, which v8_to_v9 adds).
-- A fresh registry is made from this file; older files are brought here by store/upgrade/.
-- Times are unix seconds (UTC). Angles are degrees. Distances are metres.

-- Facts about the registry file itself.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,  -- 'registry_uuid' (names this registry's password key), 'is_demo' ('1' for demo data), 'created_unix_s'
  value TEXT NOT NULL    -- the value, as text
) STRICT;

-- A place with an owner: an office, a hotel, a toll plaza, a black spot.
CREATE TABLE site (
  id INTEGER PRIMARY KEY,                 -- row id
  name_en TEXT NOT NULL CHECK (length(trim(name_en)) > 0),  -- name in English (Latin script)
  name_hi TEXT NOT NULL DEFAULT '',       -- name in Hindi (Devanagari); may be empty
  owner_category TEXT NOT NULL CHECK (owner_category IN ('government_office', 'hotel', 'coaching_school',
    'hospital_clinic', 'industrial_unit', 'commercial', 'public_place', 'toll_plaza', 'jail', 'police')),  -- who owns it
  priority TEXT NOT NULL DEFAULT 'none' CHECK (priority IN ('none', 'black_spot', 'toll_plaza', 'jail',
    'public_place')),                     -- why the administration wants it watched; 'none' for an ordinary site
  priority_radius_m REAL,                 -- radius of the priority place that must be watched, metres; NULL = default for its kind
  contact_person TEXT NOT NULL DEFAULT '',  -- owner or contact person the ICCC calls
  phone TEXT NOT NULL DEFAULT '',         -- normalised Indian number '+91XXXXXXXXXX', or ''
  address TEXT NOT NULL DEFAULT '',       -- postal address
  ward TEXT NOT NULL DEFAULT '',          -- municipal ward name
  police_station TEXT NOT NULL DEFAULT '',  -- police station (thana) whose area it lies in
  lat_deg REAL NOT NULL CHECK (lat_deg BETWEEN -90 AND 90),    -- latitude, degrees north (WGS84)
  lon_deg REAL NOT NULL CHECK (lon_deg BETWEEN -180 AND 180),  -- longitude, degrees east (WGS84)
  notes TEXT NOT NULL DEFAULT '',         -- free notes
  row_version INTEGER NOT NULL DEFAULT 1, -- bumped by every update; an edit must name the version it started from
  updated_by TEXT NOT NULL,               -- desk user who made the last change
  updated_unix_s INTEGER NOT NULL         -- when the last change was made, unix seconds
, recorder_retention_days INTEGER NOT NULL DEFAULT 30  -- days the site's recorder
  -- (NVR/DVR) keeps footage before overwriting it (since version 10)
  CHECK (recorder_retention_days BETWEEN 1 AND 3650)) STRICT;
-- (The last column is written as ALTER TABLE ADD COLUMN leaves it in an upgraded v9 file, so both compare equal.)
CREATE INDEX site_owner_category ON site (owner_category);

-- A camera at a site. Its stage is kept in step with stage_event by triggers.
CREATE TABLE camera (
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
) STRICT;
CREATE INDEX camera_site ON camera (site_id);
CREATE UNIQUE INDEX camera_stream_url ON camera (stream_url) WHERE stream_url IS NOT NULL;
CREATE UNIQUE INDEX camera_nvr_channel ON camera (lower(nvr_host), nvr_channel) WHERE kind = 'analogue';

-- Every stage change of every camera; progress figures are computed from these, never from a counter.
CREATE TABLE stage_event (
  id INTEGER PRIMARY KEY,                 -- order of the events
  camera_id INTEGER NOT NULL REFERENCES camera (id) ON DELETE CASCADE,  -- the camera that moved
  at_unix_s INTEGER NOT NULL,             -- when it moved, unix seconds
  by_user TEXT NOT NULL,                  -- desk user who moved it
  from_stage TEXT,                        -- stage before; NULL for the first event (when the camera was recorded)
  to_stage TEXT NOT NULL,                 -- stage after
  block_reason TEXT,                      -- reason when to_stage = 'blocked'
  note TEXT NOT NULL DEFAULT ''           -- what the user wrote about the change
) STRICT;
CREATE INDEX stage_event_camera ON stage_event (camera_id, id);
CREATE INDEX stage_event_time ON stage_event (at_unix_s);

-- Who changed what and when. Append-only: the triggers below refuse UPDATE and DELETE.
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,                 -- order of the entries
  at_unix_s INTEGER NOT NULL,             -- when, unix seconds
  by_user TEXT NOT NULL,                  -- desk user (the OS user until roles exist)
  action TEXT NOT NULL,                   -- e.g. 'site.add', 'camera.edit', 'camera.stage', 'registry.demo'
  entity TEXT NOT NULL,                   -- 'site', 'camera' or 'registry'
  entity_id INTEGER,                      -- row id of the site or camera; NULL for the registry
  before_json TEXT,                       -- values before the change (never a password); NULL for an addition
  after_json TEXT                         -- values after the change (never a password)
) STRICT;
CREATE INDEX audit_entity ON audit (entity, entity_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
END;
-- INSERT OR REPLACE deletes the old row without firing delete triggers, so refuse a reused id at insert.
CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be replaced');
END;

-- A camera enters the registry as surveyed, and that first event is written with it.
CREATE TRIGGER camera_starts_surveyed BEFORE INSERT ON camera
WHEN NEW.stage <> 'surveyed'
BEGIN
  SELECT RAISE(ABORT, 'a new camera starts at stage surveyed; later stages are stage events');
END;
CREATE TRIGGER camera_first_event AFTER INSERT ON camera
BEGIN
  INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
  VALUES (NEW.id, NEW.updated_unix_s, NEW.updated_by, NULL, 'surveyed');
END;

-- A stage event starts from the camera's current stage.
CREATE TRIGGER stage_event_from_current BEFORE INSERT ON stage_event
WHEN NEW.from_stage IS NOT NULL
  AND NEW.from_stage IS NOT (SELECT stage FROM camera WHERE id = NEW.camera_id)
BEGIN
  SELECT RAISE(ABORT, 'a stage event must start from the camera''s current stage');
END;

-- Only a camera's first event has no from-stage, and it records the camera as surveyed: an event without a
-- from-stage moves no camera, so it must not be able to say "integrated" to the figures (privacy rule).
CREATE TRIGGER stage_event_first_is_surveyed BEFORE INSERT ON stage_event
WHEN NEW.from_stage IS NULL
  AND (NEW.to_stage IS NOT 'surveyed' OR EXISTS (SELECT 1 FROM stage_event WHERE camera_id = NEW.camera_id))
BEGIN
  SELECT RAISE(ABORT, 'only a camera''s first stage event has no from-stage, and it goes to surveyed');
END;

-- The weekly figures are counted from the events: once written, an event is not rewritten.
CREATE TRIGGER stage_event_no_update BEFORE UPDATE ON stage_event
BEGIN
  SELECT RAISE(ABORT, 'stage events are history: they cannot be changed');
END;

-- A stage event moves the camera; the camera's CHECKs (privacy rule) then refuse an illegal move.
CREATE TRIGGER stage_event_moves_camera AFTER INSERT ON stage_event
WHEN NEW.from_stage IS NOT NULL
BEGIN
  UPDATE camera SET
    stage = NEW.to_stage,
    block_reason = NEW.block_reason,
    blocked_from = CASE WHEN NEW.to_stage = 'blocked' THEN NEW.from_stage ELSE NULL END
  WHERE id = NEW.camera_id;
END;

-- The camera's stage changes only through a stage event, so figures from events never disagree with it.
CREATE TRIGGER camera_stage_from_events BEFORE UPDATE OF stage ON camera
WHEN NEW.stage IS NOT (SELECT to_stage FROM stage_event WHERE camera_id = NEW.id ORDER BY id DESC LIMIT 1)
BEGIN
  SELECT RAISE(ABORT, 'a camera''s stage changes only through a stage_event row');
END;

-- Stage history is append-only like the audit log (schema version 7): an event is never deleted or replaced,
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
