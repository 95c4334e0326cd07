//! An operator moves a camera's snapshot to another host in the camera form: the form says the stored password
//! is not sent to the new host, the registry file keeps no password for it, and the audit entry says it was
//! dropped. A change of path on the same host keeps the password.

mod common;

use common::{Desk, press, type_text, wait_until};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{AreaWatched, Camera, Site};
use iccc_desk::store::{Actor, PasswordEdit, Store};

const PASS: &str = "Gate#Pass-2026";

/// A site with one camera whose password is stored; returns the camera's id.
fn seed(desk: &Desk) -> i64 {
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut s = Site::blank();
    s.name_en = "Hotel Raj Palace".into();
    let site = store.add_site(&actor, &s).unwrap();
    let mut c = Camera::blank_at(25.45, 78.57);
    c.label = "Main gate".into();
    c.area_watched = AreaWatched::Gate;
    c.username = "admin".into();
    c.stream_url = "rtsp://127.0.0.9:554/Streaming/Channels/101".into();
    c.snapshot_url = "http://127.0.0.9/snap.jpg".into();
    store
        .add_camera(&actor, site.id, &c, &PasswordEdit::Set(PASS.into()))
        .unwrap()
        .id
}

fn has_password(desk: &Desk, id: i64) -> bool {
    desk.count(&format!(
        "SELECT count(*) FROM camera WHERE id = {id} AND password_ct IS NOT NULL"
    )) == 1
}

/// Opens the edit form of the selected camera and types `text` over the snapshot address.
fn edit_snapshot(h: &mut egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>, text: &str) {
    h.get_by_label("Edit camera").click();
    h.run_ok();
    h.get_by_role_and_label(Role::TextInput, "Snapshot URL (http://)")
        .focus();
    h.run_ok();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    type_text(h, text);
}

const NOTE: &str =
    "The stored password is not sent to a new host (http://127.0.0.77:8080): type it again.";

#[test]
fn a_new_snapshot_host_drops_the_stored_password_and_says_so() {
    let desk = Desk::new();
    let id = seed(&desk);
    let mut h = desk.harness();
    h.get_by_label_contains("Main gate").click();
    h.run_ok();
    // Same host, another path: nothing to say, the password stays.
    edit_snapshot(&mut h, "http://127.0.0.9/ISAPI/picture");
    assert!(
        h.query_by_label_contains("not sent to a new host")
            .is_none()
    );
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    assert!(has_password(&desk, id), "same host: the password stays");

    // Another host and port: said beside the password field before saving.
    edit_snapshot(&mut h, "http://127.0.0.77:8080/snap.jpg");
    h.get_by_label(NOTE);
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    assert!(
        !has_password(&desk, id),
        "the password is not kept for the new host"
    );
    let (url, after): (String, String) = desk
        .sql()
        .query_row(
            "SELECT c.snapshot_url, a.after_json FROM camera c, audit a
             WHERE c.id = ?1 AND a.action = 'camera.edit' AND a.entity_id = c.id
             ORDER BY a.id DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(url, "http://127.0.0.77:8080/snap.jpg");
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after["password"], "dropped_new_host", "{after}");
    assert!(!after.to_string().contains(PASS));
    // The form now says none is stored; nothing more to say.
    edit_snapshot(&mut h, "http://127.0.0.78/snap.jpg");
    assert!(
        h.query_by_label_contains("not sent to a new host")
            .is_none()
    );
    press(&mut h, Key::Escape);
}

#[test]
fn a_new_host_with_a_new_password_typed_keeps_that_password() {
    let desk = Desk::new();
    let id = seed(&desk);
    let mut h = desk.harness();
    h.get_by_label_contains("Main gate").click();
    h.run_ok();
    edit_snapshot(&mut h, "http://127.0.0.77:8080/snap.jpg");
    h.get_by_label(NOTE);
    h.get_by_role_and_label(Role::PasswordInput, "Password")
        .focus();
    h.run_ok();
    type_text(&mut h, "New#Pass-2027");
    assert!(
        h.query_by_label_contains("not sent to a new host")
            .is_none(),
        "a password typed for the new host is what will be sent"
    );
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    assert!(has_password(&desk, id));
    let after: String = desk
        .sql()
        .query_row(
            "SELECT after_json FROM audit WHERE action = 'camera.edit' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(after.contains("\"password\":\"set\""), "{after}");
}
