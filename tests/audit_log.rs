//! A supervisor reads the audit log: actions and changed fields in words from the chosen language, not raw keys.

mod common;

use common::{Desk, type_text, wait_until};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{Camera, IntegrationStage, Site, StageChange};
use iccc_desk::store::{Actor, PasswordEdit, Store};

#[test]
fn audit_log_reads_in_words_in_the_chosen_language() {
    let desk = Desk::new();
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let actor = Actor {
            user: "meena".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let site = store.add_site(&actor, &site).unwrap();
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = "Main gate".into();
        let cam = store
            .add_camera(&actor, site.id, &c, &PasswordEdit::Set("s3cret-pw".into()))
            .unwrap();
        let change = StageChange {
            to: IntegrationStage::OwnerContacted,
            reason: None,
            note: String::new(),
        };
        store
            .change_stage(&actor, cam.id, cam.row_version, &change)
            .unwrap();
    }
    let mut h = desk.harness();
    h.get_by_label("Audit log").click();
    wait_until(&mut h, "the audit log loads", |app| app.audit.is_some());
    h.get_by_label_contains("Stage: Surveyed » Owner contacted");
    h.get_by_label_contains("Stage changed");
    assert!(h.query_by_label_contains("camera.stage").is_none());
    assert!(h.query_by_label_contains("owner_contacted").is_none());
    assert!(h.query_by_label_contains("s3cret-pw").is_none());

    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label_contains("चरण: सर्वेक्षित » स्वामी से संपर्क");
}

/// 2026-11-20 and 2026-11-25, 00:00 UTC (05:30 IST): two days a week apart in the log.
const NOV_20: i64 = 1_795_132_800;
const NOV_25: i64 = 1_795_564_800;

/// A registry with entries by two people on two days: meena adds a site on the 20th, ravi adds a camera and
/// moves its stage on the 25th. Returns the camera's id.
fn two_people_two_days(desk: &Desk) -> i64 {
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let meena = Actor {
        user: "meena".into(),
        now_unix_s: NOV_20,
    };
    let ravi = Actor {
        user: "ravi".into(),
        now_unix_s: NOV_25,
    };
    let mut site = Site::blank();
    site.name_en = "Hotel Raj Palace".into();
    let site = store.add_site(&meena, &site).unwrap();
    let mut c = Camera::blank_at(25.45, 78.57);
    c.label = "Main gate".into();
    let cam = store
        .add_camera(&ravi, site.id, &c, &PasswordEdit::Keep)
        .unwrap();
    let change = StageChange {
        to: IntegrationStage::OwnerContacted,
        reason: None,
        note: String::new(),
    };
    store
        .change_stage(&ravi, cam.id, cam.row_version, &change)
        .unwrap();
    cam.id
}

/// The audit screen, loaded.
fn open_audit(desk: &Desk) -> egui_kittest::Harness<'static, iccc_desk::ui::DeskApp> {
    let mut h = desk.harness();
    h.get_by_label("Audit log").click();
    wait_until(&mut h, "the audit log loads", |app| app.audit.is_some());
    h
}

/// Rows shown by each person (the Who column's cells).
fn rows_by(h: &egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>, who: &str) -> usize {
    h.query_all_by_label(who).count()
}

#[test]
fn who_filter_narrows_the_rows_shown() {
    let desk = Desk::new();
    two_people_two_days(&desk);
    let mut h = open_audit(&desk);
    assert_eq!((rows_by(&h, "meena"), rows_by(&h, "ravi")), (1, 2));
    h.get_by_role_and_label(Role::TextInput, "Who").click();
    h.run_ok();
    type_text(&mut h, "rav");
    assert_eq!((rows_by(&h, "meena"), rows_by(&h, "ravi")), (0, 2));
    h.get_by_label_contains("2 of 3 entries");
}

#[test]
fn what_filter_narrows_the_rows_shown() {
    let desk = Desk::new();
    two_people_two_days(&desk);
    let mut h = open_audit(&desk);
    h.get_by_role_and_label(Role::ComboBox, "Action").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Site added").click();
    h.run_ok();
    assert_eq!((rows_by(&h, "meena"), rows_by(&h, "ravi")), (1, 0));
    h.get_by_label_contains("1 of 3 entries");
}

#[test]
fn date_range_filter_narrows_the_rows_shown() {
    let desk = Desk::new();
    two_people_two_days(&desk);
    let mut h = open_audit(&desk);
    h.get_by_role_and_label(Role::TextInput, "From").click();
    h.run_ok();
    type_text(&mut h, "2026-11-21");
    assert_eq!((rows_by(&h, "meena"), rows_by(&h, "ravi")), (0, 2));
    // From the 19th to the 20th (the whole of the 20th, IST): only meena's day.
    h.get_by_role_and_label(Role::TextInput, "From").click();
    h.run_ok();
    press_select_all_and_type(&mut h, "2026-11-19");
    h.get_by_role_and_label(Role::TextInput, "To").click();
    h.run_ok();
    type_text(&mut h, "2026-11-20");
    assert_eq!((rows_by(&h, "meena"), rows_by(&h, "ravi")), (1, 0));
    // A date that is not a date narrows nothing and says how to write one.
    h.get_by_role_and_label(Role::TextInput, "To").click();
    h.run_ok();
    press_select_all_and_type(&mut h, "20th Nov");
    h.get_by_label_contains("year-month-day");
    assert_eq!((rows_by(&h, "meena"), rows_by(&h, "ravi")), (1, 2));
}

/// Replaces the focused field's text.
fn press_select_all_and_type(
    h: &mut egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>,
    text: &str,
) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_ok();
    type_text(h, text);
}

#[test]
fn a_change_made_through_the_desk_appears_without_reopening() {
    let desk = Desk::new();
    let camera_id = two_people_two_days(&desk);
    let mut h = open_audit(&desk);
    assert!(h.query_by_label_contains("Follow-up noted").is_none());
    h.state().send(
        iccc_desk::services::registry_worker::DeskCommand::AddFollowUp {
            camera_id,
            note: "owner will call back Monday".into(),
        },
    );
    wait_until(&mut h, "the new entry shows", |app| {
        app.audit.as_ref().is_some_and(|a| a.len() == 4)
    });
    h.get_by_label_contains("Follow-up noted");
    h.get_by_label_contains("owner will call back Monday");
}

#[test]
fn export_writes_the_entries_shown_as_csv_in_words() {
    let desk = Desk::new();
    two_people_two_days(&desk);
    let mut h = open_audit(&desk);
    h.get_by_role_and_label(Role::TextInput, "Who").click();
    h.run_ok();
    type_text(&mut h, "ravi");
    let path = desk.dir.path().join("audit.csv");
    h.state_mut().exports.bypass_dialog = Some(path.clone());
    h.get_by_label("Export…").click();
    h.run_ok();
    h.get_by_label("Audit log (entries shown) as CSV (Excel)")
        .click();
    wait_until(&mut h, "the export is written", |app| {
        app.exports.last.is_some()
    });
    let outcome = h.state().exports.last.clone().unwrap();
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0], "When (IST),Who,Action,Record,Change");
    assert!(
        lines[1].starts_with(
            "2026-11-25 05:30,ravi,Stage changed,Camera 'Main gate' at Hotel Raj Palace,"
        ),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("Stage: Surveyed » Owner contacted"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("2026-11-25 05:30,ravi,Camera added,"),
        "{}",
        lines[2]
    );
    assert!(
        !text.contains("meena") && !text.contains("camera.") && !text.contains("_"),
        "{text}"
    );
}
