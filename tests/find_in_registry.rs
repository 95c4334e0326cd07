//! An operator finds sites and cameras in the registry: types part of a Hindi or English name, narrows by owner
//! category and ward, sorts by a column, and walks the rows with the arrow keys to read each one's details.

mod common;

use common::{Desk, press, type_text};
use egui::Key;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{AreaWatched, Camera, OwnerCategory, Site};
use iccc_desk::services::registry_index::TableMode;
use iccc_desk::store::{Actor, PasswordEdit, Store};

fn seed(desk: &Desk) {
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let sites = [
        (
            "Hotel Raj Palace",
            "होटल राज पैलेस",
            OwnerCategory::Hotel,
            "Ward 12 Civil Lines",
        ),
        (
            "Hotel Sita",
            "होटल सीता",
            OwnerCategory::Hotel,
            "Ward 3 Sipri Bazar",
        ),
        (
            "Apex Coaching Centre",
            "एपेक्स कोचिंग सेंटर",
            OwnerCategory::CoachingSchool,
            "Ward 12 Civil Lines",
        ),
        (
            "City Hospital",
            "सिटी अस्पताल",
            OwnerCategory::HospitalClinic,
            "Ward 3 Sipri Bazar",
        ),
    ];
    for (i, (en, hi, cat, ward)) in sites.into_iter().enumerate() {
        let mut s = Site::blank();
        s.name_en = en.into();
        s.name_hi = hi.into();
        s.owner_category = cat;
        s.ward = ward.into();
        let site = store.add_site(&actor, &s).unwrap();
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = format!("Gate {}", i + 1);
        c.area_watched = AreaWatched::Gate;
        store
            .add_camera(&actor, site.id, &c, &PasswordEdit::Keep)
            .unwrap();
    }
}

fn shown(h: &egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>) -> usize {
    h.state().index().map_or(0, |i| i.rows.len())
}

#[test]
fn search_filter_sort_and_walk_with_arrows() {
    let desk = Desk::new();
    seed(&desk);
    let mut h = desk.harness();
    h.get_by_label("Showing 4 of 4");

    // Part of a Hindi name finds the site's camera.
    h.get_by_label("Search").click();
    h.run_ok();
    type_text(&mut h, "सीता");
    assert_eq!(shown(&h), 1);
    h.get_by_label("Showing 1 of 4");
    h.get_by_label("Gate 2");

    // Clear the search; narrow by category instead.
    h.get_by_label("Clear filters").click();
    h.run_ok();
    assert_eq!(shown(&h), 4);
    h.get_by_role_and_label(Role::ComboBox, "Category").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Hotel").click();
    h.run_ok();
    assert_eq!(shown(&h), 2);
    h.get_by_role_and_label(Role::ComboBox, "Ward").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "Ward 12 Civil Lines")
        .click();
    h.run_ok();
    assert_eq!(shown(&h), 1);
    h.get_by_label("Clear filters").click();
    h.run_ok();

    // Sites view: sorted by name, A first; a click on the sorted column reverses it.
    h.get_by_label("Sites").click();
    h.run_ok();
    assert_eq!(h.state().index().unwrap().mode, TableMode::Sites);
    h.get_by_label("Site ⏶").click();
    h.run_ok();
    let first = |h: &egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>| {
        let index = h.state().index().unwrap();
        index.snapshot.sites[index.rows[0] as usize]
            .site
            .name_en
            .clone()
    };
    assert_eq!(first(&h), "Hotel Sita");
    h.get_by_label("Site ⏷").click();
    h.run_ok();
    assert_eq!(first(&h), "Apex Coaching Centre");

    // Arrow keys walk the rows; the details follow.
    press(&mut h, Key::ArrowDown);
    assert_eq!(
        h.state().selection.site,
        h.state()
            .index()
            .unwrap()
            .snapshot
            .sites
            .iter()
            .find(|s| s.site.name_en == "Apex Coaching Centre")
            .map(|s| s.id)
    );
    h.get_by_label("एपेक्स कोचिंग सेंटर");
    press(&mut h, Key::ArrowDown);
    h.get_by_label("सिटी अस्पताल");
    press(&mut h, Key::ArrowUp);
    h.get_by_label("एपेक्स कोचिंग सेंटर");
}
