//! Follow-up notes: supervisors chase the owners of blocked cameras by phone and write down what was said,
//! without moving the stage. Each note is written with its audit entry in one transaction, so it moves the
//! registry revision like any other change and other desks reload.

use rusqlite::{OptionalExtension as _, params};
use serde_json::json;

use super::{Actor, FollowUpRecord, Result, Store, StoreError, append_audit};
use crate::model::{CameraId, check_follow_up_note};

impl Store {
    /// Records a follow-up note about a camera. The note is trimmed; an empty one or one over
    /// [`crate::model::FOLLOW_UP_NOTE_MAX_CHARS`] characters is refused as a field problem, an unknown camera as
    /// not found, and nothing is written then.
    pub fn add_follow_up(
        &mut self,
        actor: &Actor,
        camera_id: CameraId,
        note: &str,
    ) -> Result<FollowUpRecord> {
        let note = check_follow_up_note(note).map_err(|e| StoreError::Invalid(vec![e]))?;
        let tx = self.write_tx()?;
        // Asked inside the write transaction: another desk cannot remove the camera between check and insert.
        let known: Option<i64> = tx
            .query_row("SELECT 1 FROM camera WHERE id = ?1", [camera_id], |r| {
                r.get(0)
            })
            .optional()?;
        if known.is_none() {
            return Err(StoreError::NotFound {
                entity: "camera",
                id: camera_id,
            });
        }
        tx.execute(
            "INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (?1, ?2, ?3, ?4)",
            params![camera_id, actor.now_unix_s, actor.user, note],
        )?;
        let id = tx.last_insert_rowid();
        append_audit(
            &tx,
            actor,
            "camera.follow_up",
            "camera",
            Some(camera_id),
            None,
            Some(&json!({"follow_up_id": id, "note": note})),
        )?;
        tx.commit()?;
        Ok(FollowUpRecord {
            id,
            camera_id,
            at_unix_s: actor.now_unix_s,
            by_user: actor.user.clone(),
            note,
        })
    }

    /// The follow-up notes of one camera, oldest first.
    pub fn follow_ups(&self, camera_id: CameraId) -> Result<Vec<FollowUpRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, camera_id, at_unix_s, by_user, note FROM follow_up WHERE camera_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([camera_id], |r| {
                Ok(FollowUpRecord {
                    id: r.get(0)?,
                    camera_id: r.get(1)?,
                    at_unix_s: r.get(2)?,
                    by_user: r.get(3)?,
                    note: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AreaWatched, Camera, Field, FieldError, Problem, Site};
    use crate::store::OpenOptions;

    fn actor(t: i64) -> Actor {
        Actor {
            user: "supervisor.jhs".into(),
            now_unix_s: t,
        }
    }

    fn store_with_camera(dir: &std::path::Path) -> (Store, CameraId) {
        let mut store = Store::open(
            &dir.join("r.sqlite"),
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap();
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let site = store.add_site(&actor(1_000), &site).unwrap();
        let mut cam = Camera::blank_at(25.45, 78.57);
        cam.label = "Main gate".into();
        cam.area_watched = AreaWatched::Gate;
        let cam = store
            .add_camera(
                &actor(1_000),
                site.id,
                &cam,
                &crate::store::PasswordEdit::Keep,
            )
            .unwrap();
        (store, cam.id)
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store
            .conn_for_tests()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_follow_up_is_stored_trimmed_with_its_audit_entry_and_moves_the_revision() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, camera) = store_with_camera(dir.path());
        let revision = store.registry_revision().unwrap();
        let stage_before = store.camera(camera).unwrap();

        let saved = store
            .add_follow_up(
                &actor(5_000),
                camera,
                "  मालिक ने कहा सोमवार को राउटर लगेगा \n",
            )
            .unwrap();
        assert_eq!(saved.note, "मालिक ने कहा सोमवार को राउटर लगेगा");
        assert_eq!(
            (saved.camera_id, saved.at_unix_s, saved.by_user.as_str()),
            (camera, 5_000, "supervisor.jhs")
        );
        assert_eq!(store.follow_ups(camera).unwrap(), vec![saved.clone()]);

        let audit = store.audit_entries(Some(("camera", camera)), 1).unwrap();
        let entry = &audit[0];
        assert_eq!(entry.action, "camera.follow_up");
        assert_eq!(
            (entry.at_unix_s, entry.by_user.as_str()),
            (5_000, "supervisor.jhs")
        );
        assert_eq!(entry.before_json, None);
        let after: serde_json::Value =
            serde_json::from_str(entry.after_json.as_deref().unwrap()).unwrap();
        assert_eq!(after["note"], "मालिक ने कहा सोमवार को राउटर लगेगा");
        assert_eq!(after["follow_up_id"], saved.id);
        // The audit id is the registry revision: other desks notice the note.
        assert_eq!(store.registry_revision().unwrap(), entry.id);
        assert!(entry.id > revision);
        // The stage and the row are untouched: a note is not an edit of the camera.
        assert_eq!(store.camera(camera).unwrap(), stage_before);
    }

    #[test]
    fn blank_long_and_orphan_notes_are_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, camera) = store_with_camera(dir.path());
        let audit_before = count(&store, "SELECT count(*) FROM audit");

        for blank in ["", "   \n\t "] {
            match store.add_follow_up(&actor(5_000), camera, blank) {
                Err(StoreError::Invalid(errors)) => assert_eq!(
                    errors,
                    vec![FieldError::new(Field::FollowUpNote, Problem::Required)]
                ),
                other => panic!("blank note {blank:?}: {other:?}"),
            }
        }
        let long = "x".repeat(2_001);
        match store.add_follow_up(&actor(5_000), camera, &long) {
            Err(e @ StoreError::Invalid(_)) => {
                let text = e.to_string();
                assert!(
                    text.contains("Follow-up note") && text.contains("2,000"),
                    "a clear field message: {text}"
                );
            }
            other => panic!("long note: {other:?}"),
        }
        // Exactly the limit is fine once the surrounding spaces are trimmed.
        let at_limit = format!("  {}  ", "x".repeat(2_000));
        store
            .add_follow_up(&actor(5_000), camera, &at_limit)
            .unwrap();

        match store.add_follow_up(&actor(5_000), camera + 99, "called") {
            Err(StoreError::NotFound { entity, id }) => {
                assert_eq!((entity, id), ("camera", camera + 99))
            }
            other => panic!("unknown camera: {other:?}"),
        }
        assert_eq!(count(&store, "SELECT count(*) FROM follow_up"), 1);
        assert_eq!(
            count(&store, "SELECT count(*) FROM audit"),
            audit_before + 1
        );
        // The schema refuses a blank note written past the store.
        assert!(
            store
                .conn_for_tests()
                .execute(
                    "INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (?1, 1, 'x', '  ')",
                    [camera],
                )
                .is_err()
        );
    }
}
