//! An operator moves a camera through the integration stages, blocks it with a reason and unblocks it; then
//! tries to integrate a camera that watches a hotel room and is refused, by the form and by the registry file.

mod common;

use common::{Desk, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{AreaWatched, Camera, Site};
use iccc_desk::store::{Actor, PasswordEdit, Store};

fn actor() -> Actor {
    Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    }
}

/// A hotel with a gate camera and a room camera, written through the store as another desk would.
fn hotel(desk: &Desk) -> (i64, i64) {
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut site = Site::blank();
    site.name_en = "Hotel Raj Palace".into();
    site.name_hi = "होटल राज पैलेस".into();
    let site = store.add_site(&actor(), &site).unwrap();
    let mut gate = Camera::blank_at(25.4486, 78.5697);
    gate.label = "Main gate".into();
    gate.area_watched = AreaWatched::Gate;
    gate.stream_url = "rtsp://127.0.0.1:8554/Streaming/Channels/101".into();
    let gate = store
        .add_camera(&actor(), site.id, &gate, &PasswordEdit::Keep)
        .unwrap();
    let mut room = Camera::blank_at(25.4486, 78.5697);
    room.label = "Room 204".into();
    room.area_watched = AreaWatched::Room;
    room.stream_url = "rtsp://127.0.0.1:8554/Streaming/Channels/201".into();
    let room = store
        .add_camera(&actor(), site.id, &room, &PasswordEdit::Keep)
        .unwrap();
    (gate.id, room.id)
}

fn stage_of(desk: &Desk, id: i64) -> String {
    desk.sql()
        .query_row("SELECT stage FROM camera WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

fn open_stage_form(h: &mut egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>, camera_label: &str) {
    // The camera's row in the table (it is also named in the details panel once selected).
    h.get_all_by_label_contains(camera_label)
        .next()
        .expect("the camera is listed")
        .click();
    h.run_ok();
    h.get_by_label("Change stage").click();
    h.run_ok();
}

fn choose_and_save(
    h: &mut egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>,
    stage: &str,
    expect_saved: bool,
) {
    h.get_by_label(stage).click();
    h.run_ok();
    h.get_by_label("Save").click();
    h.run_ok();
    if expect_saved {
        wait_until(h, "the stage change is saved", |app| app.form.is_none());
    }
}

#[test]
fn walk_block_and_unblock_a_gate_camera() {
    let desk = Desk::new();
    let (gate, _) = hotel(&desk);
    let mut h = desk.harness();
    for (stage, code) in [
        ("Owner contacted", "owner_contacted"),
        ("Consent given", "consent_given"),
        ("Configured", "configured"),
        ("Integrated", "integrated"),
    ] {
        open_stage_form(&mut h, "Main gate");
        choose_and_save(&mut h, stage, true);
        assert_eq!(stage_of(&desk, gate), code);
    }

    // Block with a reason picked from the fixed list.
    open_stage_form(&mut h, "Main gate");
    h.get_by_role_and_label(egui::accesskit::Role::RadioButton, "Blocked")
        .click();
    h.run_ok();
    h.get_by_label("Save").click();
    h.run_ok();
    h.get_by_label("Choose a reason to block the camera.");
    assert_eq!(stage_of(&desk, gate), "integrated");
    h.get_by_label("Reason").click();
    h.run_ok();
    h.get_by_label("No uplink / static IP").click();
    h.run_ok();
    h.get_by_label("Save").click();
    wait_until(&mut h, "the block is saved", |app| app.form.is_none());
    assert_eq!(stage_of(&desk, gate), "blocked");
    let reason: String = desk
        .sql()
        .query_row(
            "SELECT block_reason FROM camera WHERE id = ?1",
            [gate],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "no_uplink");

    // And back to where it was blocked from.
    open_stage_form(&mut h, "Main gate");
    choose_and_save(&mut h, "Integrated", true);
    assert_eq!(stage_of(&desk, gate), "integrated");

    // Every move is an event with who and when, and an audit entry.
    assert_eq!(
        desk.count(&format!(
            "SELECT count(*) FROM stage_event WHERE camera_id = {gate}"
        )),
        7
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'camera.stage'"),
        6
    );
    let blank_users = desk.count("SELECT count(*) FROM stage_event WHERE by_user = ''");
    assert_eq!(blank_users, 0);
    // The history in the details panel shows the moves (it is read on the worker: wait for it).
    wait_until(&mut h, "the history shows all seven moves", |app| {
        app.history
            .as_ref()
            .is_some_and(|hist| hist.camera_id == gate && hist.events.len() == 7)
    });
    h.get_by_label_contains("Blocked » Integrated");
}

#[test]
fn a_room_camera_can_never_be_integrated() {
    let desk = Desk::new();
    let (_, room) = hotel(&desk);
    let mut h = desk.harness();
    open_stage_form(&mut h, "Room 204");
    h.get_by_label("This camera watches a private area: it can only be rejected.");

    // Choosing Integrated says why not, and Save does not write.
    choose_and_save(&mut h, "Integrated", false);
    h.get_by_label(
        "This camera watches a private area: it can only be rejected, never integrated.",
    );
    assert_eq!(stage_of(&desk, room), "surveyed");
    choose_and_save(&mut h, "Owner contacted", false);
    assert_eq!(stage_of(&desk, room), "surveyed");
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'camera.stage'"),
        0
    );

    // Rejecting is allowed, and recorded.
    choose_and_save(&mut h, "Rejected", true);
    assert_eq!(stage_of(&desk, room), "rejected");

    // Even plain SQL cannot integrate it: the schema refuses.
    let sql = desk.sql();
    let err = sql
        .execute(
            "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage) VALUES (?1, 2000000000, 'x', 'rejected', 'integrated')",
            [room],
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("legal move")
            || err.to_string().contains("private_area_never_integrated"),
        "{err}"
    );
    assert_eq!(stage_of(&desk, room), "rejected");
}

#[test]
fn a_camera_whose_area_is_not_yet_known_waits_for_a_person_to_set_it() {
    let desk = Desk::new();
    let (gate, _) = hotel(&desk);
    // An imported camera nobody described, taken as far as the owner's consent.
    let unknown = {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let site = store.camera(gate).unwrap().site_id;
        let mut cam = Camera::blank_at(25.4487, 78.5698);
        cam.label = "Imported 7".into();
        cam.area_watched = AreaWatched::NotYetKnown;
        cam.stream_url = "rtsp://127.0.0.1:8554/Streaming/Channels/301".into();
        let cam = store
            .add_camera(&actor(), site, &cam, &PasswordEdit::Keep)
            .unwrap();
        let mut version = cam.row_version;
        for stage in [
            iccc_desk::model::IntegrationStage::OwnerContacted,
            iccc_desk::model::IntegrationStage::ConsentGiven,
        ] {
            version = store
                .change_stage(
                    &actor(),
                    cam.id,
                    version,
                    &iccc_desk::model::StageChange {
                        to: stage,
                        reason: None,
                        note: String::new(),
                    },
                )
                .unwrap()
                .row_version;
        }
        cam.id
    };
    let mut h = desk.harness();
    open_stage_form(&mut h, "Imported 7");
    let why = "What this camera watches is not yet known: set the area in the camera form first. Until then it \
               can only be taken up with the owner, never configured, integrated or rejected.";
    h.get_by_label(why);
    // Integrating (or configuring) is refused with the reason, and nothing is written.
    choose_and_save(&mut h, "Integrated", false);
    assert!(
        h.get_all_by_label(why).count() >= 2,
        "the reason is shown by the choice"
    );
    choose_and_save(&mut h, "Configured", false);
    assert_eq!(stage_of(&desk, unknown), "consent_given");
    h.get_by_label("Cancel").click();
    h.run_ok();
    wait_until(&mut h, "the stage form is closed", |app| app.form.is_none());

    // The camera form offers "not yet known" (it is what the camera has now); a person sets the real area.
    h.get_by_label("Edit camera").click();
    h.run_ok();
    h.get_by_label(
        "Not yet known: until you set what it watches, this camera can be taken up with its owner but never \
         configured or integrated.",
    );
    let not_yet_known = "Not yet known (set before integrating)";
    h.get_by_role_and_label(Role::ComboBox, "Area watched")
        .click();
    h.run_ok();
    // Its list offers "not yet known" beside the real areas.
    assert!(
        h.query_all_by_label(not_yet_known).count() >= 2,
        "the open list offers it"
    );
    // The open list is drawn last, above the table (whose Main gate row also says Gate).
    h.get_all_by_label("Gate")
        .last()
        .expect("Gate in the list")
        .click();
    h.run_ok();
    h.get_by_label("Save").click();
    h.run_ok();
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    let area: String = desk
        .sql()
        .query_row(
            "SELECT area_watched FROM camera WHERE id = ?1",
            [unknown],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(area, "gate");

    // Now it may be configured.
    open_stage_form(&mut h, "Imported 7");
    choose_and_save(&mut h, "Configured", true);
    assert_eq!(stage_of(&desk, unknown), "configured");
}
