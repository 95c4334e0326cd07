//! An operator adds sites in Lucknow, whose ward layer is imported: the form suggests the ward the map puts the
//! site's point in and one click accepts it, an empty ward is filled from the map, and a ward chosen from the
//! layer that disagrees with the map is warned about but still saved. With no police-station layer imported, the
//! police station stays free text.
//!
//! Test data (read-only, see `shared/data/README.md`): `datameet_Lucknow_wards.geojson`, 112 ward polygons of
//! Lucknow from DataMeet Municipal Spatial Data (datameet/Municipal_Spatial_Data, `Lucknow/`), CC BY 4.0 as
//! DataMeet publishes it. Credit: "DataMeet Municipal Spatial Data".

mod common;

use common::{Desk, press, type_text, wait_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::BoundaryKind;
use iccc_desk::services::map::boundaries;
use iccc_desk::store::{Actor, Store};
use iccc_desk::ui::DeskApp;

const LUCKNOW_WARDS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/geo/datameet_Lucknow_wards.geojson"
);
/// Hazratganj, near the GPO: in Ram Tirath ward (number 65) and no other.
const HAZRATGANJ: (&str, &str) = ("26.8467", "80.9462");
const MAP_WARD: &str = "Ram Tirath";

/// A registry with Lucknow's ward layer imported, as the GIS operator would have done.
fn lucknow_desk() -> Desk {
    let desk = Desk::new();
    let text = std::fs::read_to_string(LUCKNOW_WARDS).expect("the Lucknow ward file");
    let areas =
        boundaries::read_areas(&text, BoundaryKind::Ward, "Ward Name", Some("Ward Num")).unwrap();
    let holders: Vec<&str> = areas
        .iter()
        .filter(|a| a.contains(26.8467, 80.9462))
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(holders, [MAP_WARD], "the file's own answer");
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let actor = Actor {
        user: "gis.operator".into(),
        now_unix_s: 1_795_564_800,
    };
    store
        .import_boundaries(
            &actor,
            BoundaryKind::Ward,
            "datameet_Lucknow_wards.geojson",
            &areas,
        )
        .unwrap();
    desk
}

/// Focuses a text field of the form by its label and types over what it holds.
fn type_into(h: &mut Harness<'_, DeskApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    type_text(h, text);
}

fn ward_of(desk: &Desk, name: &str) -> (String, String) {
    desk.sql()
        .query_row(
            "SELECT ward, police_station FROM site WHERE name_en = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn save(h: &mut Harness<'_, DeskApp>) {
    press(h, egui::Key::Enter);
    wait_until(h, "the site is saved", |app| app.form.is_none());
}

#[test]
fn the_ward_comes_from_the_map_and_a_disagreeing_one_is_warned_about() {
    let desk = lucknow_desk();
    let mut h = desk.harness();

    // A ward typed from memory, wrong; the point then falls in another ward.
    h.get_by_label("Add site").click();
    h.run_ok();
    // The form asks for the layers, read in the background; it is filled once they are in, as an operator
    // would see it. (Were they to arrive mid-typing, the warning appearing under the Ward field moves the
    // fields below it, and a click already on its way to Longitude could land on "Suggested".)
    wait_until(&mut h, "the ward layer is read", |app| {
        app.map.areas.count(BoundaryKind::Ward) == 112
    });
    type_text(&mut h, "Hotel Clarks Avadh");
    type_into(&mut h, "Ward", "Airport");
    type_into(&mut h, "Police station", "Hazratganj");
    type_into(&mut h, "Latitude", HAZRATGANJ.0);
    type_into(&mut h, "Longitude", HAZRATGANJ.1);
    h.get_by_label(&format!(
        "The map puts this point in {MAP_WARD}, not Airport."
    ));
    // One click takes the map's ward; the warning goes.
    h.get_by_label(&format!("Suggested: {MAP_WARD}")).click();
    h.run_ok();
    assert!(
        h.query_by_label_contains("The map puts this point in")
            .is_none()
    );
    save(&mut h);
    assert_eq!(
        ward_of(&desk, "Hotel Clarks Avadh"),
        (MAP_WARD.to_string(), "Hazratganj".to_string()),
        "the accepted ward, and the police station as typed (no layer for it)"
    );

    // A ward left empty is filled from the map.
    h.get_by_label("Add site").click();
    h.run_ok();
    type_text(&mut h, "Lucknow GPO");
    type_into(&mut h, "Latitude", HAZRATGANJ.0);
    type_into(&mut h, "Longitude", HAZRATGANJ.1);
    h.run_ok();
    assert!(
        h.query_by_label_contains("The map puts this point in")
            .is_none()
    );
    save(&mut h);
    assert_eq!(ward_of(&desk, "Lucknow GPO").0, MAP_WARD);

    // A ward chosen from the layer (in natural order, the first is Acharya Narendra Dev) that the map disagrees
    // with: warned about, and saved all the same.
    h.get_by_label("Edit site").click();
    h.run_ok();
    h.get_by_label("Choose a ward").click();
    h.run_ok();
    h.get_by_label("Acharya Narendra Dev").click();
    h.run_ok();
    h.get_by_label(&format!(
        "The map puts this point in {MAP_WARD}, not Acharya Narendra Dev."
    ));
    save(&mut h);
    assert_eq!(ward_of(&desk, "Lucknow GPO").0, "Acharya Narendra Dev");
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'site.edit'"),
        1
    );
}

/// Types `text` into the field labelled `label` one key at a time, a frame each, as a person does: the form
/// sees every half-typed value on the way.
fn type_slowly(h: &mut Harness<'_, DeskApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_ok();
    for c in text.chars() {
        type_text(h, &c.to_string());
    }
}

#[test]
fn a_new_site_has_no_point_and_its_ward_follows_the_whole_point_until_the_operator_picks_one() {
    let desk = lucknow_desk();
    // A second point on Hazratganj's longitude, a little north, in another ward (found from the file itself).
    let text = std::fs::read_to_string(LUCKNOW_WARDS).expect("the Lucknow ward file");
    let areas =
        boundaries::read_areas(&text, BoundaryKind::Ward, "Ward Name", Some("Ward Num")).unwrap();
    let lon: f64 = HAZRATGANJ.1.parse().unwrap();
    let (north, north_ward) = (1..300)
        .map(|k| format!("26.{:04}", 8467 + 10 * k))
        .find_map(|lat| {
            let at: f64 = lat.parse().ok()?;
            let ward = areas.iter().find(|a| a.contains(at, lon))?;
            (ward.name != MAP_WARD).then(|| (lat, ward.name.clone()))
        })
        .expect("another ward north of Hazratganj");
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    wait_until(&mut h, "the ward layer is read", |app| {
        app.map.areas.count(BoundaryKind::Ward) == 112
    });
    type_text(&mut h, "Kapoorthala Complex");
    // No point is filled in for the operator, so no ward is suggested, and a site without one is not saved.
    assert!(h.query_by_label_contains("Suggested:").is_none());
    press(&mut h, egui::Key::Enter);
    h.get_by_label("Not saved: correct the fields marked in red.");
    assert_eq!(desk.count("SELECT count(*) FROM site"), 0);
    // The longitude alone names no ward; the whole point does, typed key by key.
    type_slowly(&mut h, "Longitude", HAZRATGANJ.1);
    assert!(h.query_by_label_contains("Suggested:").is_none());
    type_slowly(&mut h, "Latitude", HAZRATGANJ.0);
    assert!(
        h.query_by_label_contains("The map puts this point in")
            .is_none()
    );
    assert!(h.query_by_label_contains("Suggested:").is_none());
    // The operator moves the point north, retyping the latitude: the ward the form filled follows it.
    type_slowly(&mut h, "Latitude", &north);
    assert!(
        h.query_by_label_contains("The map puts this point in")
            .is_none(),
        "the ward follows the point"
    );
    save(&mut h);
    assert_eq!(ward_of(&desk, "Kapoorthala Complex").0, north_ward);

    // A ward the operator picks stays where the point goes (the map's disagreement is a warning).
    h.get_by_label("Edit site").click();
    h.run_ok();
    h.get_by_label("Choose a ward").click();
    h.run_ok();
    h.get_by_label("Acharya Narendra Dev").click();
    h.run_ok();
    type_slowly(&mut h, "Latitude", HAZRATGANJ.0);
    h.get_by_label(&format!(
        "The map puts this point in {MAP_WARD}, not Acharya Narendra Dev."
    ));
    save(&mut h);
    assert_eq!(
        ward_of(&desk, "Kapoorthala Complex").0,
        "Acharya Narendra Dev"
    );
}
