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
