-- The tables the v3 -> v4 step adds, frozen as they were at version 4 (a copy of boundary_schema.sql then).
-- Never edit: files of every older version must be upgraded to exactly what version 4 was; later changes
-- are later steps.

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
