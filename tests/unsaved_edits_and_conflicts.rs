//! Two desks work on the same registry file: an edit saved over a site another desk changed meanwhile is
//! refused with the other user's name, and the operator's typing is never thrown away without asking.

mod common;

use common::{Desk, press, type_text, wait_until};
use egui::Key;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::Site;
use iccc_desk::store::{Actor, Store};

fn seed(desk: &Desk) -> i64 {
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut site = Site::blank();
    site.name_en = "District Hospital".into();
    site.owner_category = iccc_desk::model::OwnerCategory::HospitalClinic;
    store
        .add_site(
            &Actor {
                user: "setup".into(),
                now_unix_s: 1_795_564_800,
            },
            &site,
        )
        .unwrap()
        .id
}

#[test]
fn edit_over_another_desks_change_is_refused_naming_them() {
    let desk = Desk::new();
    let id = seed(&desk);
    let mut h = desk.harness();
    h.get_by_label("Sites").click();
    h.run_ok();
    h.get_by_label("District Hospital").click();
    h.run_ok();
    h.get_by_label("Edit site").click();
    h.run_ok();

    // Meanwhile another desk renames the site.
    let mut other = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut changed = other.site(id).unwrap();
    changed.site.contact_person = "Dr. Meena Verma".into();
    other
        .update_site(
            &Actor {
                user: "desk-b".into(),
                now_unix_s: 1_795_565_000,
            },
            id,
            changed.row_version,
            &changed.site,
        )
        .unwrap();

    h.get_by_label("Owner / contact person").focus();
    h.run_ok();
    type_text(&mut h, "Dr. R. K. Singh");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the save is refused", |app| {
        matches!(&app.form, Some(iccc_desk::ui::OpenForm::Site(_))) && !app.form_is_saving()
    });
    h.get_by_label_contains("desk-b changed this record");
    let contact: String = desk
        .sql()
        .query_row("SELECT contact_person FROM site WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        contact, "Dr. Meena Verma",
        "the other desk's change is kept"
    );
}

#[test]
fn escape_with_unsaved_typing_asks_before_discarding() {
    let desk = Desk::new();
    seed(&desk);
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Hotel Sita");
    press(&mut h, Key::Escape);
    h.get_by_label("Discard the changes you typed?");
    h.get_by_label("Keep editing").click();
    h.run_ok();
    assert!(h.state().form.is_some(), "the form stays with its text");
    press(&mut h, Key::Escape);
    h.get_by_label("Discard").click();
    h.run_ok();
    assert!(h.state().form.is_none());
    assert_eq!(desk.count("SELECT count(*) FROM site"), 1);

    // An untouched form closes on Escape at once.
    h.get_by_label("Add site").click();
    h.run_ok();
    press(&mut h, Key::Escape);
    assert!(h.state().form.is_none());
}

#[test]
fn another_desks_new_site_shows_even_when_this_desk_saves_right_after() {
    use iccc_desk::model::ManualClock;
    use std::time::Duration;
    let desk = Desk::new();
    let id = seed(&desk);
    // The desk's clock stands still, so its 2 s look for other desks' changes happens only when the test says.
    let manual = ManualClock::starting_at(1_795_564_900);
    let mut h = desk.harness_with_clock(manual.clock());
    assert!(manual.wait_for_waiters(1, Duration::from_secs(10)));

    // Another desk adds a site ...
    let mut other = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut added = Site::blank();
    added.name_en = "Jhansi Railway Station".into();
    added.owner_category = iccc_desk::model::OwnerCategory::PublicPlace;
    let actor = Actor {
        user: "desk-b".into(),
        now_unix_s: 1_795_565_000,
    };
    other.add_site(&actor, &added).unwrap();
    // ... and before this desk looks, its operator saves an edit of their own.
    h.get_by_label("Sites").click();
    h.run_ok();
    h.get_by_label("District Hospital").click();
    h.run_ok();
    h.get_by_label("Edit site").click();
    h.run_ok();
    h.get_by_label("Owner / contact person").focus();
    h.run_ok();
    type_text(&mut h, "Dr. R. K. Singh");
    press(&mut h, Key::Enter);
    wait_until(&mut h, "the edit is saved", |app| {
        app.form.is_none()
            && app
                .index()
                .and_then(|i| i.site(id))
                .is_some_and(|s| s.site.contact_person == "Dr. R. K. Singh")
    });

    manual.advance(Duration::from_secs(3));
    assert!(manual.settle(Duration::from_secs(10)));
    wait_until(&mut h, "the other desk's site is shown", |app| {
        app.index().is_some_and(|i| {
            i.snapshot
                .sites
                .iter()
                .any(|s| s.site.name_en == "Jhansi Railway Station")
        })
    });
}
