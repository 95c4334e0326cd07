//! An operator fills the site form by keyboard alone: Enter in an open dropdown picks the entry (it does not
//! save the form), Esc closes the dropdown before it closes anything else, and the "Discard the changes?"
//! question is answered by keys. Ctrl+N opens "Add site" and Ctrl+Shift+N "Add camera" for the selected site
//! (never throwing typing away), and F1 lists every shortcut, in English and Hindi. Typing at ordinary speed
//! on a console that draws few frames a second (several keys in one frame) lands each key in the field that
//! has the focus at that key.

mod common;

use common::{Desk, Typed, press, type_burst, type_text, wait_until};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{AreaWatched, Camera, Site};
use iccc_desk::store::{Actor, PasswordEdit, Store};
use iccc_desk::ui::{DeskApp, OpenForm};

/// Ctrl on the desk's PCs (egui also sets its "command" flag for Ctrl off macOS).
const CTRL: Modifiers = Modifiers {
    ctrl: true,
    command: true,
    ..Modifiers::NONE
};
const CTRL_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..CTRL
};

fn chord(h: &mut Harness<'_, DeskApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run_ok();
}

/// A site with one camera, as the registry holds it.
fn seed_site(desk: &Desk, name: &str) {
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut s = Site::blank();
    s.name_en = name.into();
    let site = store.add_site(&actor, &s).unwrap();
    let mut c = Camera::blank_at(25.45, 78.57);
    c.label = "Main gate".into();
    c.area_watched = AreaWatched::Gate;
    store
        .add_camera(&actor, site.id, &c, &PasswordEdit::Keep)
        .unwrap();
}

/// Types the site's point (the form has none until one is typed) and leaves the keyboard in Longitude.
fn type_point(h: &mut Harness<'_, DeskApp>, latitude_label: &str) {
    h.get_by_label(latitude_label).focus();
    h.run_ok();
    type_text(h, "25.45");
    press(h, Key::Tab);
    type_text(h, "78.57");
}

fn form_kind(h: &Harness<'_, DeskApp>) -> &'static str {
    match h.state().form {
        Some(OpenForm::Site(_)) => "site",
        Some(OpenForm::Camera(_)) => "camera",
        Some(OpenForm::Stage(_)) => "stage",
        None => "none",
    }
}

#[test]
fn enter_in_an_open_dropdown_picks_the_entry_and_does_not_save() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Hotel Sita");
    h.get_by_label("Owner category").click();
    h.run_ok();
    h.get_by_label("Jail").focus();
    h.run_ok();
    press(&mut h, Key::Enter);
    assert!(h.state().form.is_some(), "the form stays open");
    assert_eq!(
        h.get_by_label("Owner category").value().as_deref(),
        Some("Jail"),
        "the highlighted entry is picked and shown in the closed dropdown"
    );
    assert!(h.query_by_label("Jail").is_none(), "the list closed");
    assert_eq!(desk.count("SELECT count(*) FROM site"), 0, "nothing saved");
}

#[test]
fn escape_closes_an_open_dropdown_before_the_form() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Hotel Sita");
    h.get_by_label("Owner category").click();
    h.run_ok();
    assert!(h.query_by_label("Jail").is_some(), "the dropdown is open");
    press(&mut h, Key::Escape);
    assert!(h.query_by_label("Jail").is_none(), "the dropdown closed");
    assert!(
        h.query_by_label("Discard the changes you typed?").is_none(),
        "Esc in the dropdown does not ask about the form"
    );
    assert!(h.state().form.is_some());
}

#[test]
fn the_discard_question_is_answered_by_keyboard() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Hotel Sita");
    press(&mut h, Key::Escape);
    h.get_by_label("Discard the changes you typed?");
    // Esc again means "keep editing".
    press(&mut h, Key::Escape);
    assert!(h.query_by_label("Discard the changes you typed?").is_none());
    assert!(h.state().form.is_some(), "the form stays with its text");
    // The safe answer has the focus: Enter keeps editing.
    press(&mut h, Key::Escape);
    h.get_by_label("Discard the changes you typed?");
    press(&mut h, Key::Enter);
    assert!(h.query_by_label("Discard the changes you typed?").is_none());
    assert!(h.state().form.is_some());
    assert_eq!(
        desk.count("SELECT count(*) FROM site"),
        0,
        "Enter did not save"
    );
    // D discards.
    press(&mut h, Key::Escape);
    press(&mut h, Key::D);
    assert!(h.state().form.is_none(), "D discards the typing");
    assert_eq!(desk.count("SELECT count(*) FROM site"), 0);
}

#[test]
fn ctrl_n_opens_add_site_even_from_the_search_field() {
    let desk = Desk::new();
    seed_site(&desk, "Hotel Raj Palace");
    let mut h = desk.harness();
    h.get_by_label("Search").click();
    h.run_ok();
    type_text(&mut h, "Raj");
    chord(&mut h, CTRL, Key::N);
    assert_eq!(form_kind(&h), "site", "Ctrl+N opens the Add site form");
    h.get_by_label("New site");
    assert_eq!(
        h.state().filters.text,
        "Raj",
        "the search text is untouched (no stray N typed)"
    );
}

#[test]
fn ctrl_shift_n_adds_a_camera_to_the_selected_site_or_says_what_to_do() {
    let desk = Desk::new();
    seed_site(&desk, "Hotel Raj Palace");
    let mut h = desk.harness();
    chord(&mut h, CTRL_SHIFT, Key::N);
    assert_eq!(form_kind(&h), "none", "no site selected: no form");
    // The status bar says why nothing opened and what to do.
    h.get_by_label(
        "No site is selected. Select a site in the table or on the map, then press Ctrl+Shift+N again.",
    );

    h.get_by_label("Sites").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Hotel Raj Palace")
        .click();
    h.run_ok();
    assert!(h.state().selection.site.is_some());
    let named_before = h.query_all_by_label("Hotel Raj Palace").count();
    chord(&mut h, CTRL_SHIFT, Key::N);
    assert_eq!(form_kind(&h), "camera", "Ctrl+Shift+N opens Add camera");
    h.get_by_label("New camera");
    assert!(
        h.query_all_by_label("Hotel Raj Palace").count() > named_before,
        "the form names the site the camera is added to"
    );
}

#[test]
fn a_shortcut_asks_before_throwing_typing_away() {
    let desk = Desk::new();
    seed_site(&desk, "Hotel Raj Palace");
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Hotel Sita");
    chord(&mut h, CTRL, Key::N);
    h.get_by_label("Discard the changes you typed?");
    // Esc: keep editing; the typing is still there.
    press(&mut h, Key::Escape);
    assert!(h.query_by_label("Discard the changes you typed?").is_none());
    assert!(h.state().has_unsaved_edits(), "the typed name is kept");
    // Asked again, D discards and the new form opens empty.
    chord(&mut h, CTRL, Key::N);
    h.get_by_label("Discard the changes you typed?");
    press(&mut h, Key::D);
    assert_eq!(form_kind(&h), "site", "a fresh Add site form");
    assert!(!h.state().has_unsaved_edits(), "the new form is empty");
    assert_eq!(desk.count("SELECT count(*) FROM site"), 1, "nothing saved");
}

#[test]
fn f1_lists_every_shortcut_and_esc_closes_it_in_english_and_hindi() {
    let desk = Desk::new();
    let mut h = desk.harness();
    press(&mut h, Key::F1);
    h.get_by_label("Keyboard shortcuts");
    for keys in [
        "F1",
        "Ctrl+N",
        "Ctrl+Shift+N",
        "PageUp / PageDown",
        "Home / End",
    ] {
        h.get_by_label(keys);
    }
    h.get_by_label("Add a camera to the selected site");
    press(&mut h, Key::Escape);
    assert!(
        h.query_by_label("Add a camera to the selected site")
            .is_none(),
        "Esc closes the list"
    );

    // The same list from the navigation, in Hindi.
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label("कीबोर्ड शॉर्टकट (F1)").click();
    h.run_ok();
    h.get_by_label("चुने हुए स्थल में कैमरा जोड़ें");
    press(&mut h, Key::Escape);
    assert!(h.query_by_label("चुने हुए स्थल में कैमरा जोड़ें").is_none());
}

#[test]
fn esc_closes_the_shortcut_list_and_not_the_form_beneath() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Hotel Sita");
    press(&mut h, Key::F1);
    h.get_by_label("Add a camera to the selected site");
    press(&mut h, Key::Escape);
    assert!(
        h.query_by_label("Add a camera to the selected site")
            .is_none()
    );
    assert!(
        h.query_by_label("Discard the changes you typed?").is_none(),
        "that Esc was the list's, not the form's"
    );
    assert_eq!(form_kind(&h), "site");
    assert!(h.state().has_unsaved_edits(), "the typing is still there");
}

#[test]
fn a_burst_of_typing_with_tabs_fills_each_site_field_in_one_frame() {
    use Typed::{Key as K, Text as T};
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    // Everything below arrives in one frame, as at a console drawing a few frames a second.
    type_burst(
        &mut h,
        &[
            T("Hotel Sita"),
            K(Key::Tab),
            T("होटल सीता"),
            K(Key::Tab), // owner category
            K(Key::Tab), // priority
            K(Key::Tab),
            T("Ramesh Gupta"),
            K(Key::Tab),
            T("+91 98390 12345"),
            K(Key::Tab),
            T("Civil Lines, Jhansi"),
            K(Key::Tab),
            T("Ward 12"),
            K(Key::Tab),
            T("Nawabad"),
            K(Key::Tab),
            T("25.45"),
            K(Key::Tab),
            T("78.57"),
            K(Key::Enter),
        ],
    );
    wait_until(&mut h, "the site is saved", |app| app.form.is_none());
    let row: (String, String, String, String, String, String, String) = desk
        .sql()
        .query_row(
            "SELECT name_en, name_hi, contact_person, phone, address, ward, police_station FROM site",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "Hotel Sita".into(),
            "होटल सीता".into(),
            "Ramesh Gupta".into(),
            "+919839012345".into(),
            "Civil Lines, Jhansi".into(),
            "Ward 12".into(),
            "Nawabad".into()
        )
    );
}

#[test]
fn a_burst_of_typing_with_tabs_and_shift_tab_fills_each_camera_field_in_one_frame() {
    use Typed::{Key as K, ShiftKey as SK, Text as T};
    let desk = Desk::new();
    seed_site(&desk, "Hotel Raj Palace");
    let mut h = desk.harness();
    h.get_by_label("Sites").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Hotel Raj Palace")
        .click();
    h.run_ok();
    chord(&mut h, CTRL_SHIFT, Key::N);
    assert_eq!(form_kind(&h), "camera");
    type_burst(&mut h, &[T("Back gate")]);
    h.get_by_label("Make").focus();
    h.run_ok();
    type_burst(
        &mut h,
        &[
            T("Hikvision"),
            K(Key::Tab),
            T("DS-2CD1023"),
            K(Key::Tab),
            T("rtsp://127.0.0.1:8554/Streaming/Channels/201"),
            K(Key::Tab),
            T("http://127.0.0.1:8080/snap.jpg"),
            K(Key::Tab),
            T("admin"),
            // Back to the snapshot field and on again: Shift+Tab is exact too.
            SK(Key::Tab),
            T("?ch=2"),
            K(Key::Tab),
            K(Key::Tab),
            T("Gate#Pass-2026"),
            K(Key::Enter),
        ],
    );
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    let row: (String, String, String, String, String, bool) = desk
        .sql()
        .query_row(
            "SELECT make, model, stream_url, snapshot_url, username, password_ct IS NOT NULL
             FROM camera WHERE label = 'Back gate'",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "Hikvision".into(),
            "DS-2CD1023".into(),
            "rtsp://127.0.0.1:8554/Streaming/Channels/201".into(),
            "http://127.0.0.1:8080/snap.jpg?ch=2".into(),
            "admin".into(),
            true
        )
    );
}

#[test]
fn a_dropdown_closes_on_enter_and_on_tab_and_typing_finds_an_entry() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Hotel Sita");
    h.get_by_label("Owner category").click();
    h.run_ok();
    assert!(h.query_by_label("Hospital / clinic").is_some(), "open");
    // Typing moves to the first entry starting so; Enter picks it and closes the list.
    type_text(&mut h, "ja");
    press(&mut h, Key::Enter);
    assert!(
        h.query_by_label("Hospital / clinic").is_none(),
        "Enter closed the list"
    );
    assert_eq!(desk.count("SELECT count(*) FROM site"), 0, "nothing saved");

    // Tab in an open list closes it and moves on from the chooser (to Priority, then the contact person):
    // nothing typed lands in a field hidden behind the list.
    h.get_by_label("Owner category").click();
    h.run_ok();
    assert!(
        h.query_by_label("Hospital / clinic").is_some(),
        "open again"
    );
    press(&mut h, Key::Tab);
    assert!(
        h.query_by_label("Hospital / clinic").is_none(),
        "Tab closed the list"
    );
    press(&mut h, Key::Tab);
    type_text(&mut h, "Ramesh Gupta");
    type_point(&mut h, "Latitude");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the site is saved", |app| app.form.is_none());
    let (category, contact, name): (String, String, String) = desk
        .sql()
        .query_row(
            "SELECT owner_category, contact_person, name_en FROM site",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (category.as_str(), contact.as_str(), name.as_str()),
        ("jail", "Ramesh Gupta", "Hotel Sita")
    );
}

#[test]
fn typing_finds_an_entry_in_hindi_and_the_list_closes_before_the_form_saves() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    chord(&mut h, CTRL, Key::N);
    assert_eq!(form_kind(&h), "site");
    type_text(&mut h, "Hotel Sita");
    h.get_by_label("स्वामी श्रेणी").click();
    h.run_ok();
    assert!(h.query_by_label("अस्पताल / क्लिनिक").is_some(), "open");
    type_text(&mut h, "जे");
    press(&mut h, Key::Enter);
    assert!(h.query_by_label("अस्पताल / क्लिनिक").is_none(), "closed");
    type_point(&mut h, "अक्षांश");
    // The list is closed, so Enter saves the form.
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the site is saved", |app| app.form.is_none());
    assert_eq!(
        desk.count("SELECT count(*) FROM site WHERE owner_category = 'jail'"),
        1
    );
}

#[test]
fn tab_out_of_the_open_area_list_lands_in_the_next_camera_field() {
    use Typed::{Key as K, Text as T};
    let desk = Desk::new();
    seed_site(&desk, "Hotel Raj Palace");
    let mut h = desk.harness();
    h.get_by_label("Sites").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Hotel Raj Palace")
        .click();
    h.run_ok();
    chord(&mut h, CTRL_SHIFT, Key::N);
    type_text(&mut h, "Back gate");
    h.get_by_label("Area watched").click();
    h.run_ok();
    assert!(h.query_by_label("Corridor").is_some(), "open");
    type_text(&mut h, "pa");
    press(&mut h, Key::Enter);
    assert!(h.query_by_label("Corridor").is_none(), "Enter closed it");
    h.get_by_label("Area watched").click();
    h.run_ok();
    // Tab closes the list and goes on to Latitude; then Longitude, Bearing, Field of view, Range.
    type_burst(
        &mut h,
        &[
            K(Key::Tab),
            K(Key::Tab),
            K(Key::Tab),
            T("90"),
            K(Key::Tab),
            T("60"),
            K(Key::Tab),
            T("25"),
        ],
    );
    assert!(h.query_by_label("Corridor").is_none(), "Tab closed it");
    h.get_by_label("Stream URL (rtsp://)").focus();
    h.run_ok();
    type_text(&mut h, "rtsp://127.0.0.1:8554/Streaming/Channels/301");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    let row: (String, f64, f64, f64, String) = desk
        .sql()
        .query_row(
            "SELECT area_watched, bearing_deg, fov_deg, range_m, stream_url FROM camera
             WHERE label = 'Back gate'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "parking".into(),
            90.0,
            60.0,
            25.0,
            "rtsp://127.0.0.1:8554/Streaming/Channels/301".into()
        )
    );
}

/// Pushes `events` and runs exactly ONE frame, as a console drawing a few frames a second takes them (kittest's
/// `run` would give the desk spare frames in between, which hides what the chooser's first frame loses).
fn one_frame(h: &mut Harness<'_, DeskApp>, events: Vec<egui::Event>) {
    h.input_mut().events.extend(events);
    h.step();
}

fn key_events(key: Key) -> Vec<egui::Event> {
    [true, false]
        .map(|pressed| egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: Modifiers::NONE,
        })
        .to_vec()
}

/// Space (as the window sends it: the key and its text), in one frame.
fn space_events() -> Vec<egui::Event> {
    let mut events = key_events(Key::Space);
    events.insert(1, egui::Event::Text(" ".into()));
    events
}

/// Opens "Add site" with a name typed and the keyboard on the owner category chooser, its list closed.
fn site_form_on_the_owner_category(desk: &Desk) -> Harness<'static, DeskApp> {
    let mut h = desk.harness();
    chord(&mut h, CTRL, Key::N);
    type_text(&mut h, "Hotel Sita");
    press(&mut h, Key::Tab);
    press(&mut h, Key::Tab);
    assert!(
        h.get_by_label("Owner category").is_focused(),
        "Tab from the name lands on the owner category"
    );
    h
}

/// Enter (one frame) picks; the list is closed and the chooser shows the pick; the next Enter saves.
fn enter_picks_coaching_and_saves(desk: &Desk, mut h: Harness<'static, DeskApp>) {
    one_frame(&mut h, key_events(Key::Enter));
    h.run_ok();
    assert!(h.query_by_label("Hospital / clinic").is_none(), "closed");
    assert_eq!(
        h.get_by_label("Owner category").value().as_deref(),
        Some("Coaching institute / school"),
        "typing found the entry and Enter picked it"
    );
    assert_eq!(desk.count("SELECT count(*) FROM site"), 0, "nothing saved");
    type_point(&mut h, "Latitude");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the site is saved", |app| app.form.is_none());
    assert_eq!(
        desk.count("SELECT count(*) FROM site WHERE owner_category = 'coaching_school'"),
        1
    );
}

#[test]
fn typing_in_the_frame_that_opens_the_list_finds_the_entry_and_enter_picks_it() {
    let desk = Desk::new();
    let mut h = site_form_on_the_owner_category(&desk);
    let mut events = space_events();
    events.push(egui::Event::Text("co".into()));
    one_frame(&mut h, events);
    enter_picks_coaching_and_saves(&desk, h);
}

#[test]
fn typing_in_the_frame_after_the_list_opens_finds_the_entry_and_enter_picks_it() {
    let desk = Desk::new();
    let mut h = site_form_on_the_owner_category(&desk);
    one_frame(&mut h, space_events());
    one_frame(&mut h, vec![egui::Event::Text("co".into())]);
    enter_picks_coaching_and_saves(&desk, h);
}

#[test]
fn typing_one_key_a_frame_after_the_list_opens_finds_the_entry_and_enter_picks_it() {
    let desk = Desk::new();
    let mut h = site_form_on_the_owner_category(&desk);
    one_frame(&mut h, space_events());
    one_frame(&mut h, vec![egui::Event::Text("c".into())]);
    one_frame(&mut h, vec![egui::Event::Text("o".into())]);
    enter_picks_coaching_and_saves(&desk, h);
}
