//! An operator adds a hotel and its gate camera with the keyboard, meets a field error on the way, and finds
//! both in the registry file with an audit entry for each change and the camera password encrypted.

mod common;

use common::{Desk, file_bytes, press, type_text, wait_until};
use egui::Key;
use egui_kittest::kittest::Queryable as _;

#[test]
fn add_hotel_and_gate_camera_by_keyboard() {
    let desk = Desk::new();
    let mut h = desk.harness();

    // An empty registry offers to add the first site.
    h.get_by_label("This registry is empty");
    h.get_by_label("Add site").click();
    h.run_ok();
    h.get_by_label("New site");

    // Focus starts in the first field; Tab walks the form in order.
    type_text(&mut h, "Hotel Raj Palace");
    press(&mut h, Key::Tab);
    type_text(&mut h, "होटल राज पैलेस");
    press(&mut h, Key::Tab); // owner category (Hotel is the default)
    press(&mut h, Key::Tab); // priority
    press(&mut h, Key::Tab);
    type_text(&mut h, "Ramesh Gupta");
    press(&mut h, Key::Tab);
    type_text(&mut h, "12345"); // not a phone number
    press(&mut h, Key::Tab);
    type_text(&mut h, "Civil Lines, Jhansi");
    press(&mut h, Key::Tab);
    type_text(&mut h, "Ward 12 Civil Lines");
    press(&mut h, Key::Tab);
    type_text(&mut h, "Nawabad");
    // A new site has no point until one is typed.
    press(&mut h, Key::Tab);
    type_text(&mut h, "25.4486");
    press(&mut h, Key::Tab);
    type_text(&mut h, "78.5697");

    // Enter saves: refused, with the reason beside the phone field, and nothing written.
    press(&mut h, Key::Enter);
    h.get_by_label("Not an Indian phone number (10 digits, optionally with +91 or 0, or an STD code and number).");
    h.get_by_label("Not saved: correct the fields marked in red.");
    assert_eq!(desk.count("SELECT count(*) FROM site"), 0);

    // Fix the phone: select the field's text and type over it.
    h.get_by_label("Phone").focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    type_text(&mut h, "+91 98390 12345");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the site is saved", |app| app.form.is_none());

    let (name_en, name_hi, category, phone, ward, station, by): (String, String, String, String, String, String, String) = desk
        .sql()
        .query_row(
            "SELECT name_en, name_hi, owner_category, phone, ward, police_station, updated_by FROM site",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    assert_eq!(name_en, "Hotel Raj Palace");
    assert_eq!(name_hi, "होटल राज पैलेस");
    assert_eq!(category, "hotel");
    assert_eq!(phone, "+919839012345", "phone stored normalised");
    assert_eq!(ward, "Ward 12 Civil Lines");
    assert_eq!(station, "Nawabad");
    assert!(!by.is_empty());
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'site.add'"),
        1
    );

    // The new site is selected; add its gate camera.
    h.get_by_label("Add camera").click();
    h.run_ok();
    type_text(&mut h, "Main gate");
    // Area watched: "Not yet known" until someone who looked says (as an import does); the coordinates come
    // from the site.
    h.get_by_label("Stream URL (rtsp://)").focus();
    h.run_ok();
    type_text(&mut h, "http://127.0.0.1:8554/Streaming/Channels/101");
    h.get_by_label("Username").focus();
    h.run_ok();
    type_text(&mut h, "admin");
    press(&mut h, Key::Tab);
    type_text(&mut h, "Gate#Pass-2026");
    press(&mut h, Key::Enter);
    // Wrong scheme is named beside the field.
    h.get_by_label("Must start with rtsp://, not http://.");
    assert_eq!(desk.count("SELECT count(*) FROM camera"), 0);

    h.get_by_label("Stream URL (rtsp://)").focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    type_text(&mut h, "rtsp://127.0.0.1:8554/Streaming/Channels/101");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());

    let (label, area, url, stage, user): (String, String, String, String, String) = desk
        .sql()
        .query_row(
            "SELECT label, area_watched, stream_url, stage, username FROM camera",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (
            label.as_str(),
            area.as_str(),
            url.as_str(),
            stage.as_str(),
            user.as_str()
        ),
        (
            "Main gate",
            "not_yet_known",
            "rtsp://127.0.0.1:8554/Streaming/Channels/101",
            "surveyed",
            "admin"
        )
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'camera.add'"),
        1
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM stage_event"),
        1,
        "the first 'surveyed' event"
    );

    // The password is encrypted: its bytes are nowhere in the registry files, and never on screen.
    drop(desk.sql().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)"));
    for suffix in ["", "-wal"] {
        let mut path = desk.db.clone().into_os_string();
        path.push(suffix);
        let bytes = file_bytes(std::path::Path::new(&path));
        assert!(
            !bytes.windows(14).any(|w| w == b"Gate#Pass-2026"),
            "password in plain text in registry{suffix}"
        );
    }
    assert!(h.query_by_label_contains("Gate#Pass-2026").is_none());
    h.get_by_label("stored (encrypted)");
}

/// The owner says the recorder keeps 7 days: the operator types it last in the site form; words and out-of-range
/// numbers are refused beside the field, and the site is stored with 7 days (a new site's default is 30).
#[test]
fn the_days_the_recorder_keeps_footage_are_typed_in_the_site_form() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Shivaji Jewellers");
    h.get_by_label("Latitude").focus();
    h.run_ok();
    type_text(&mut h, "25.4486");
    press(&mut h, Key::Tab);
    type_text(&mut h, "78.5697");
    // The field is last in the form and offers 30.
    h.get_by_label("Recorder keeps footage (days)").focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    type_text(&mut h, "a week");
    press(&mut h, Key::Enter);
    h.get_by_label("\"a week\" is not a number.");
    h.get_by_label("Recorder keeps footage (days)").focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    type_text(&mut h, "0");
    press(&mut h, Key::Enter);
    h.get_by_label("Must be between 1 and 3,650.");
    assert_eq!(desk.count("SELECT count(*) FROM site"), 0);
    h.get_by_label("Recorder keeps footage (days)").focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    type_text(&mut h, "7");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the site is saved", |app| app.form.is_none());
    assert_eq!(
        desk.count("SELECT recorder_retention_days FROM site WHERE name_en = 'Shivaji Jewellers'"),
        7
    );
}
