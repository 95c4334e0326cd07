//! An operator fills the site form by keyboard alone: Enter in an open dropdown picks the entry (it does not
//! save the form), Esc closes the dropdown before it closes anything else, and the "Discard the changes?"
//! question is answered by keys.

mod common;

use common::{Desk, press, type_text};
use egui::Key;
use egui_kittest::kittest::Queryable as _;

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
    assert!(
        h.query_all_by_label("Jail").count() >= 1,
        "the highlighted entry is picked and shown in the closed dropdown"
    );
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
