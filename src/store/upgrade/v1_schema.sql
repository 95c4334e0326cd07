-- iccc-desk registry schema, version 1 (frozen: the first cut, kept so the upgrade to v2 can be tested).
-- v1 kept only each camera's current stage (no history) and had no row versions.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE site (
  id INTEGER PRIMARY KEY,
  name_en TEXT NOT NULL,
  name_hi TEXT NOT NULL DEFAULT '',
  owner_category TEXT NOT NULL,
  priority TEXT NOT NULL DEFAULT 'none',
  priority_radius_m REAL,
  contact_person TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  ward TEXT NOT NULL DEFAULT '',
  police_station TEXT NOT NULL DEFAULT '',
  lat_deg REAL NOT NULL,
  lon_deg REAL NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  updated_by TEXT NOT NULL,
  updated_unix_s INTEGER NOT NULL
) STRICT;
CREATE TABLE camera (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES site (id),
  label TEXT NOT NULL,
  area_watched TEXT NOT NULL,
  lat_deg REAL NOT NULL,
  lon_deg REAL NOT NULL,
  bearing_deg REAL,
  fov_deg REAL,
  range_m REAL,
  kind TEXT NOT NULL,
  nvr_host TEXT,
  nvr_channel INTEGER,
  make TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  stream_url TEXT,
  snapshot_url TEXT,
  username TEXT NOT NULL DEFAULT '',
  password_ct BLOB,
  password_key_id TEXT,
  stage TEXT NOT NULL DEFAULT 'surveyed',
  block_reason TEXT,
  updated_by TEXT NOT NULL,
  updated_unix_s INTEGER NOT NULL
) STRICT;
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at_unix_s INTEGER NOT NULL,
  by_user TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id INTEGER,
  before_json TEXT,
  after_json TEXT
) STRICT;
