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
) STRICT;
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
-- Health the desk measured itself by probing cameras (schema version 3). Not registry edits: no audit entries.
-- Times are unix seconds (UTC).

-- The latest health of each probed camera, one row per camera.
CREATE TABLE camera_health (
  camera_id INTEGER PRIMARY KEY REFERENCES camera (id) ON DELETE CASCADE,  -- the camera
  state TEXT NOT NULL CHECK (state IN ('online', 'offline', 'auth_failed', 'stream_error')),  -- last probe's finding
  since_unix_s INTEGER NOT NULL,          -- when the camera entered this state (first probe that found it)
  last_probe_unix_s INTEGER NOT NULL,     -- when it was last probed
  last_online_unix_s INTEGER,             -- last probe that found it online ("last seen"); NULL = never
  latency_ms INTEGER NOT NULL,            -- how long the last probe took, milliseconds
  codec TEXT,                             -- video codec of the stream (from the SDP), e.g. 'H264'
  width_px INTEGER,                       -- picture width, pixels
  height_px INTEGER,                      -- picture height, pixels
  error TEXT,                             -- why it is not online (never a credential)
  failures_in_row INTEGER NOT NULL DEFAULT 0,  -- probes in a row that did not find it online (for back-off)
  thumbnail_jpeg BLOB,                    -- small JPEG of the last good snapshot (at most 320x180)
  thumbnail_unix_s INTEGER                -- when that snapshot was taken
) STRICT;

-- Health history as runs: a probe finding the same state as the camera's last run extends it, a change starts a
-- new run. Uptime over 24 h and 7 d is computed from these; runs older than 8 days are pruned.
CREATE TABLE health_run (
  id INTEGER PRIMARY KEY,                 -- order of the runs
  camera_id INTEGER NOT NULL REFERENCES camera (id) ON DELETE CASCADE,  -- the camera
  state TEXT NOT NULL CHECK (state IN ('online', 'offline', 'auth_failed', 'stream_error')),  -- the state probed
  from_unix_s INTEGER NOT NULL,           -- first probe of the run
  to_unix_s INTEGER NOT NULL,             -- last probe of the run
  probes INTEGER NOT NULL                 -- probes in the run
) STRICT;
CREATE INDEX health_run_camera ON health_run (camera_id, to_unix_s);
-- Ward and police-station areas for the site map (schema version 4). Each kind is one layer, imported from one
-- GeoJSON file (or written by the demo); an import replaces the whole layer of its kind, with one audit entry.

-- One area of a layer: a ward or a police station's jurisdiction.
CREATE TABLE boundary (
  id INTEGER PRIMARY KEY,                 -- row id
  kind TEXT NOT NULL CHECK (kind IN ('ward', 'police_station')),  -- the layer it belongs to
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),  -- the area's name, as the file gave it (e.g. 'Ward 12 Sipri Bazar')
  code TEXT NOT NULL DEFAULT '',          -- its number or code, as text; '' when the file had none
  rings_json TEXT NOT NULL CHECK (json_valid(rings_json)),  -- geometry as GeoJSON MultiPolygon coordinates:
    -- polygons → rings (outer ring first, then holes) → [longitude, latitude] in degrees WGS84 (GeoJSON order,
    -- unlike the (lat, lon) the model uses), e.g. [[[[78.56,25.44],[78.57,25.44],[78.57,25.45],[78.56,25.44]]]]
  source_name TEXT NOT NULL,              -- name of the file the layer was imported from (no folder)
  imported_unix_s INTEGER NOT NULL,       -- when the layer was imported, unix seconds
  imported_by TEXT NOT NULL               -- desk user who imported it
) STRICT;
CREATE INDEX boundary_kind_name ON boundary (kind, name);
-- Follow-up notes (schema version 5): what a supervisor wrote down after chasing an owner about a camera, by phone
-- or in a meeting, without moving its stage. Each note also writes an audit entry ('camera.follow_up').

-- One note about one camera. Notes are history like stage events: the desk only ever adds them.
CREATE TABLE follow_up (
  id INTEGER PRIMARY KEY,                 -- order of the notes
  camera_id INTEGER NOT NULL REFERENCES camera (id) ON DELETE CASCADE,  -- the camera the note is about
  at_unix_s INTEGER NOT NULL,             -- when it was written, unix seconds
  by_user TEXT NOT NULL,                  -- desk user who wrote it
  note TEXT NOT NULL CHECK (length(trim(note)) > 0)  -- what was said (trimmed; at most 2,000 characters)
) STRICT;
-- The blocked list looks up each blocked camera's newest note.
CREATE INDEX follow_up_camera ON follow_up (camera_id, id);
-- Bulk import (schema version 6): where imported cameras came from, and the column mappings saved for next time.

-- The source's own id of an imported camera (the owner's camera number, an OpenStreetMap node), so importing the
-- same list again finds the camera instead of adding it twice. Only imported cameras have one.
CREATE TABLE camera_source (
  camera_id INTEGER PRIMARY KEY REFERENCES camera (id) ON DELETE CASCADE,  -- the camera
  source_ref TEXT NOT NULL CHECK (length(trim(source_ref)) > 0)  -- its id in the source, as compared (trimmed, lower-case, 1001.0 as 1001)
) STRICT;
CREATE INDEX camera_source_ref ON camera_source (source_ref);

-- A named column mapping ("Police station list", "OSM export") with the import's defaults, as JSON.
CREATE TABLE import_profile (
  name TEXT PRIMARY KEY CHECK (length(trim(name)) > 0),  -- what the operator called it
  profile_json TEXT NOT NULL,             -- header -> field, duplicate policy, default category and area
  updated_by TEXT NOT NULL,               -- desk user who saved it last
  updated_unix_s INTEGER NOT NULL         -- when, unix seconds
) STRICT;
-- The weekly review's cache (schema version 8): the figures as last counted, so the review shows them at once
-- while they are counted again. Only a cache: nothing else reads it, and emptying it loses nothing. Staleness
-- is a comparison of the registry marks below with the file's (no trigger writes here).
CREATE TABLE review_cache (
  week TEXT NOT NULL CHECK (length(week) BETWEEN 7 AND 10),  -- ISO week shown, e.g. '2026-W48'
  chart_weeks INTEGER NOT NULL CHECK (chart_weeks BETWEEN 1 AND 520),  -- weeks in the charts, ending with `week`
  figures_json TEXT NOT NULL,             -- the week's figures and chart series, JSON (services/weekly.rs)
  computed_unix_s INTEGER NOT NULL,       -- when they were counted, unix seconds
  stage_event_max_id INTEGER NOT NULL,    -- newest stage event then (the history is append-only)
  audit_max_id INTEGER NOT NULL,          -- newest audit entry then (every site or camera change writes one)
  cameras INTEGER NOT NULL,               -- cameras in the registry then
  sites INTEGER NOT NULL,                 -- sites in the registry then
  PRIMARY KEY (week, chart_weeks)
) STRICT;
-- Guards against edits outside the desk (schema version 9). The sqlite3 tool runs with foreign keys off, and a
-- REPLACE conflict deletes the row it collides with without firing delete triggers; so a camera or a site keeps
-- its id, no update replaces a camera, a site with cameras is never deleted, a camera moves only to a site that
-- exists, the rows of history keep their camera, follow-up notes are append-only, and the password-binding
-- mark stays.
CREATE TRIGGER camera_keeps_id BEFORE UPDATE OF id ON camera
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'a camera keeps its id: its history, health and notes refer to it');
END;
CREATE TRIGGER camera_no_replace_on_update BEFORE UPDATE OF stream_url, kind, nvr_host, nvr_channel ON camera
WHEN EXISTS (SELECT 1 FROM camera WHERE stream_url = NEW.stream_url AND id <> NEW.id)
  OR (NEW.kind = 'analogue' AND EXISTS (SELECT 1 FROM camera WHERE kind = 'analogue' AND id <> NEW.id
    AND lower(nvr_host) = lower(NEW.nvr_host) AND nvr_channel = NEW.nvr_channel))
BEGIN
  SELECT RAISE(ABORT, 'a camera is never replaced: another camera has this stream URL or NVR channel');
END;
CREATE TRIGGER camera_moves_to_a_site BEFORE UPDATE OF site_id ON camera
WHEN NOT EXISTS (SELECT 1 FROM site WHERE id = NEW.site_id)
BEGIN
  SELECT RAISE(ABORT, 'a camera hangs at a site that exists');
END;
CREATE TRIGGER site_keeps_id BEFORE UPDATE OF id ON site
WHEN NEW.id IS NOT OLD.id
BEGIN
  SELECT RAISE(ABORT, 'a site keeps its id: its cameras refer to it');
END;
CREATE TRIGGER site_no_delete_with_cameras BEFORE DELETE ON site
WHEN EXISTS (SELECT 1 FROM camera WHERE site_id = OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'a site with cameras cannot be deleted');
END;
CREATE TRIGGER site_no_replace BEFORE INSERT ON site
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM site WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'a site is never replaced: another site has this id');
END;
CREATE TRIGGER follow_up_no_update BEFORE UPDATE ON follow_up
BEGIN
  SELECT RAISE(ABORT, 'follow-up notes are history: they cannot be changed');
END;
CREATE TRIGGER follow_up_no_delete BEFORE DELETE ON follow_up
BEGIN
  SELECT RAISE(ABORT, 'follow-up notes are history: they cannot be deleted');
END;
CREATE TRIGGER follow_up_no_replace BEFORE INSERT ON follow_up
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM follow_up WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'follow-up notes are history: they cannot be replaced');
END;
CREATE TRIGGER health_run_keeps_camera BEFORE UPDATE OF id, camera_id ON health_run
WHEN NEW.id IS NOT OLD.id OR NEW.camera_id IS NOT OLD.camera_id
BEGIN
  SELECT RAISE(ABORT, 'a health run keeps its id and its camera');
END;
CREATE TRIGGER camera_health_keeps_camera BEFORE UPDATE OF camera_id ON camera_health
WHEN NEW.camera_id IS NOT OLD.camera_id
BEGIN
  SELECT RAISE(ABORT, 'a camera''s health keeps its camera');
END;
CREATE TRIGGER camera_source_keeps_camera BEFORE UPDATE OF camera_id ON camera_source
WHEN NEW.camera_id IS NOT OLD.camera_id
BEGIN
  SELECT RAISE(ABORT, 'a source id keeps its camera');
END;
-- Once the desk has sealed every password bound to its camera, it opens no unbound one (store/secret.rs).
-- Nor does a changed seal key id switch the history's seal off unseen (store/history_seal.rs).
CREATE TRIGGER meta_marks_kept BEFORE DELETE ON meta
WHEN OLD.key IN ('passwords_bound', 'history_seal_key_id')
BEGIN
  SELECT RAISE(ABORT, 'the registry''s marks cannot be removed');
END;
CREATE TRIGGER meta_marks_unchanged BEFORE UPDATE ON meta
WHEN OLD.key IN ('passwords_bound', 'history_seal_key_id') OR NEW.key IN ('passwords_bound', 'history_seal_key_id')
BEGIN
  SELECT RAISE(ABORT, 'the registry''s marks cannot be changed');
END;
CREATE TRIGGER meta_marks_not_replaced BEFORE INSERT ON meta
WHEN NEW.key IN ('passwords_bound', 'history_seal_key_id') AND EXISTS (SELECT 1 FROM meta WHERE key = NEW.key)
BEGIN
  SELECT RAISE(ABORT, 'the registry''s marks cannot be replaced');
END;

-- The history's seal: a chain of keyed hashes (HMAC-SHA256, keyed from the registry's password key, which is
-- kept outside this file) over the stage events and the audit entries in id order, one link per row, so a row
-- changed or removed after it was sealed is found even with its triggers dropped and put back
-- (store/history_seal.rs). The id of the key is the meta row 'history_seal_key_id'.
CREATE TABLE history_seal (
  history TEXT NOT NULL CHECK (history IN ('stage_event', 'audit')),  -- the table the sealed row is in
  row_id INTEGER NOT NULL,                -- the sealed row's id
  link BLOB NOT NULL CHECK (length(link) = 16),  -- HMAC-SHA256(key, previous row's link ‖ the row), first 16 bytes
  PRIMARY KEY (history, row_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER history_seal_no_update BEFORE UPDATE ON history_seal
BEGIN
  SELECT RAISE(ABORT, 'the history''s seal cannot be changed');
END;
CREATE TRIGGER history_seal_no_delete BEFORE DELETE ON history_seal
BEGIN
  SELECT RAISE(ABORT, 'the history''s seal cannot be removed');
END;
CREATE TRIGGER history_seal_no_replace BEFORE INSERT ON history_seal
WHEN EXISTS (SELECT 1 FROM history_seal WHERE history = NEW.history AND row_id = NEW.row_id)
BEGIN
  SELECT RAISE(ABORT, 'the history''s seal cannot be replaced');
END;
