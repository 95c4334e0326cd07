//! The password key file of a registry is lost (a new workstation, a restore without the key): the desk says
//! which camera passwords must be typed in again, everything else is intact, and re-entering one fixes it.

mod common;

use common::{Desk, type_text, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{AreaWatched, Camera, Site};
use iccc_desk::store::{Actor, PasswordEdit, SecretBox, Store};

#[test]
fn lost_key_asks_for_passwords_again_and_keeps_everything_else() {
    let desk = Desk::new();
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let (camera_id, uuid) = {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let site = store.add_site(&actor, &site).unwrap();
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = "Main gate".into();
        c.area_watched = AreaWatched::Gate;
        c.username = "admin".into();
        let c = store
            .add_camera(&actor, site.id, &c, &PasswordEdit::Set("Old#Pass-1".into()))
            .unwrap();
        (c.id, store.registry_uuid().to_string())
    };
    std::fs::remove_file(SecretBox::key_path(&desk.keys, &uuid)).unwrap();

    let mut h = desk.harness();
    h.get_by_label_contains("One camera password must be re-entered");
    h.get_by_label_contains("Main gate").click();
    h.run_ok();
    h.get_by_label("must be re-entered (key lost)");
    // Nothing else was lost.
    h.get_by_label("admin");

    h.get_by_label("Edit camera").click();
    h.run_ok();
    h.get_by_role_and_label(Role::PasswordInput, "Password")
        .focus();
    h.run_ok();
    type_text(&mut h, "New#Pass-2");
    h.get_by_label("Save").click();
    h.run_ok();
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    h.get_by_label("stored (encrypted)");

    let store = Store::open(&desk.db, &desk.open_options()).unwrap();
    assert_eq!(
        store.camera_password(camera_id).unwrap().as_deref(),
        Some("New#Pass-2")
    );
    let audit: String = desk
        .sql()
        .query_row(
            "SELECT after_json FROM audit WHERE action = 'camera.edit'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(audit.contains("\"password\":\"set\""), "{audit}");
    assert!(!audit.contains("New#Pass-2"));
}
