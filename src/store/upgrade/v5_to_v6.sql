-- The tables the v5 -> v6 step adds, frozen as they were at version 6 (a copy of import_schema.sql then).
-- Never edit: files of every older version must be upgraded to exactly what version 6 was; later changes
-- are later steps.

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
