-- The tables the v4 -> v5 step adds, frozen as they were at version 5 (a copy of follow_up_schema.sql then).
-- Never edit: files of every older version must be upgraded to exactly what version 5 was; later changes
-- are later steps.

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
