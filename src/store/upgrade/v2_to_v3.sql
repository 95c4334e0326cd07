-- The tables the v2 -> v3 step adds, frozen as they were at version 3 (a copy of health_schema.sql then).
-- Never edit: files of every older version must be upgraded to exactly what version 3 was; later changes
-- are later steps.

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
