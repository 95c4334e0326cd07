//! The operator drops a police station's camera list on the desk: the import screen opens with its columns, the
//! field each was matched to and the first rows (no password shown); "Check the rows" says what will be added,
//! skipped and refused and why; "Import 4 cameras" writes them (audited) and the registry shows them; the report
//! is saved as CSV; the mapping is saved as a profile and read back; importing the same list again adds nothing.
//! The native file dialogs are replaced by a path (`ImportState::bypass_dialog`); dropping a file is a real
//! egui drop event.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::Desk;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

/// A file dropped on the window, as the windowing layer hands it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

const LIST: &str = "क्रमांक;स्थल;कैमरा;श्रेणी;क्षेत्र;दिशा;अक्षांश;देशांतर;password;stream_url\n\
PS-1;Hotel Raj Palace;Main gate;hotel;gate;N;25.4486;78.5697;;rtsp://127.0.0.9:554/1\n\
PS-2;Hotel Raj Palace;Room 101;hotel;room;;25.4487;78.5698;;\n\
PS-3;City Hospital;Entrance;अस्पताल;entrance;up;25.4500;78.5700;Shown-Never-51;rtsp://admin:In-Url-52@127.0.0.9:554/2\n\
PS-4;Swapped Shop;Front;shop;road;;78.5697;25.4486;;\n\
PS-5;Grouped;Front;shop;road;;25.448.123;78.5697;;\n\
PS-6;Zero;Front;shop;road;;0;0;;\n\
PS-7;Mercator;Front;shop;road;;2930000;8746000;;\n\
PS-8;Hotel Raj Palace;Main gate again;hotel;gate;;25.4486;78.5697;;rtsp://127.0.0.9:554/1\n\
PS-9;सिटी कोचिंग;Main gate;coaching;gate;SW;25.4520;78.5800;;rtsp://127.0.0.9:554/3\n";

#[test]
fn the_operator_drops_a_list_checks_it_and_imports_the_good_rows() {
    let desk = Desk::new();
    let list = desk.dir.path().join("police-list.csv");
    std::fs::write(&list, LIST).unwrap();
    let mut h = desk.harness_without_simulator();

    // Dropped on the window: the import screen opens on it.
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(list.clone())));
    h.run_ok();
    assert_eq!(h.state().screen, iccc_desk::ui::Screen::Import);
    common::wait_until(&mut h, "the file is read", |app| app.import.table.is_some());
    h.get_by_label("9 rows, 10 columns (CSV)");
    // Headers in Hindi, matched to the registry's fields.
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "अक्षांश");
    let mapping = h.state().import.settings.clone().unwrap().mapping;
    assert_eq!(
        mapping[6],
        Some(iccc_desk::model::import::ImportField::Latitude)
    );
    assert_eq!(
        mapping[7],
        Some(iccc_desk::model::import::ImportField::Longitude)
    );
    assert_eq!(
        mapping[8],
        Some(iccc_desk::model::import::ImportField::Password)
    );
    assert_eq!(
        h.get_all_by_label("Hotel Raj Palace").count(),
        2,
        "two of the first rows"
    );
    // The password column and the address's password never show.
    for secret in ["Shown-Never-51", "In-Url-52"] {
        assert!(
            h.query_by_label_contains(secret).is_none(),
            "{secret} on screen"
        );
    }

    h.get_by_label("Check the rows").click();
    h.run_ok();
    common::wait_until(&mut h, "the rows are checked", |app| {
        app.import.checked.is_some()
    });
    let report = &h.state().import.checked.as_ref().unwrap().report;
    assert_eq!(
        (
            report.added,
            report.refused,
            report.skipped,
            report.rejected_private
        ),
        (4, 4, 1, 1)
    );
    h.get_by_label_contains("look swapped");
    h.get_by_label_contains("Same camera as row 2");
    assert_eq!(
        desk.count("SELECT count(*) FROM camera"),
        0,
        "a check writes nothing"
    );

    // The report as CSV.
    let report_path = desk.dir.path().join("report.csv");
    h.state_mut().import.bypass_dialog = Some(report_path.clone());
    h.get_by_label("Save report as CSV…").click();
    h.run_ok();
    common::wait_until(&mut h, "the report is written", |app| {
        app.import.report_saved.is_some()
    });
    assert!(h.state().import.report_saved.as_ref().unwrap().is_ok());
    let body = std::fs::read_to_string(&report_path).unwrap();
    assert!(body.contains("thousands grouping"), "{body}");
    assert!(!body.contains("Shown-Never-51") && !body.contains("In-Url-52"));

    // Save the mapping as a profile.
    h.get_by_label("Save as").click();
    h.run_ok();
    common::type_text(&mut h, "Police station list");
    h.get_by_label("Save mapping as profile").click();
    h.run_ok();
    common::wait_until(&mut h, "the profile is saved", |app| {
        app.import
            .profiles
            .as_ref()
            .is_some_and(|p| p.iter().any(|p| p.name == "Police station list"))
    });

    // Write it.
    h.get_by_label("Import 4 cameras").click();
    h.run_ok();
    common::wait_until(&mut h, "the import is written", |app| {
        app.import.outcome.is_some() && app.index().is_some_and(|i| i.snapshot.cameras.len() == 4)
    });
    assert!(h.state().import.outcome.as_ref().unwrap().is_ok());
    // On the screen and in the status bar.
    assert_eq!(
        h.get_all_by_label("Imported: 4 cameras added, 0 updated, 3 new sites.")
            .count(),
        2
    );
    assert_eq!(desk.count("SELECT count(*) FROM camera"), 4);
    assert_eq!(
        desk.count("SELECT count(*) FROM camera WHERE label = 'Room 101' AND stage = 'rejected'"),
        1
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'registry.import'"),
        1
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'import.profile'"),
        1
    );
    // A second click cannot write it twice: the button went with the check.
    assert!(h.query_by_label("Import 4 cameras").is_none());

    // The same list again, through "Choose file…": everything is found in the registry.
    h.state_mut().import.bypass_dialog = Some(list.clone());
    h.get_by_label("Choose file…").click();
    h.run_ok();
    common::wait_until(&mut h, "the file is read again", |app| {
        app.import.table.is_some()
    });
    h.get_by_label("Check the rows").click();
    h.run_ok();
    common::wait_until(&mut h, "checked again", |app| app.import.checked.is_some());
    let report = &h.state().import.checked.as_ref().unwrap().report;
    assert_eq!((report.added, report.skipped), (0, 5));
    assert!(
        h.query_by_label("Import 0 cameras")
            .is_some_and(|b| b.accesskit_node().is_disabled())
    );
}

/// A city's published list with UTM zone 17N metres in `X`/`Y` beside degrees in `Latitude`/`Longitude`; two
/// rows have no projected point (`X` = `Y` = 0).
const TORONTO_LIST: &str = "ID,Street,Cross street,X,Y,Latitude,Longitude\n\
TO-1,Yonge St,Dundas St,630402.7,4834636.9,43.6561,-79.3802\n\
TO-2,Bay St,Queen St W,630166.1,4834232.4,43.6525,-79.3832\n\
TO-3,King St W,Spadina Ave,0,0,43.6456,-79.3950\n\
TO-4,Bloor St W,Avenue Rd,0,0,43.6697,-79.3942\n\
TO-5,Front St W,University Ave,630003.4,4833562.0,43.6455,-79.3849\n";

#[test]
fn a_list_with_x_y_metres_beside_latitude_longitude_maps_the_degrees_and_imports_every_row() {
    use egui::accesskit::Role;
    use iccc_desk::model::{LatLonBox, ServiceArea};
    let desk = Desk::new();
    // A registry serving Toronto (near 79° W), as `iccc-desk area` sets it.
    {
        let mut store = iccc_desk::store::Store::open(&desk.db, &desk.open_options()).unwrap();
        let area = ServiceArea {
            city: "Toronto".into(),
            country: "Canada".into(),
            city_box: LatLonBox::parse("43.58,-79.64,43.86,-79.11").unwrap(),
            country_box: LatLonBox::parse("41.6,-141.1,83.2,-52.6").unwrap(),
        };
        let actor = iccc_desk::store::Actor {
            user: "test".into(),
            now_unix_s: 1_780_000_000,
        };
        store.set_service_area(&actor, &area).unwrap();
    }
    let list = desk.dir.path().join("toronto-cameras.csv");
    std::fs::write(&list, TORONTO_LIST).unwrap();
    let mut h = desk.harness_without_simulator();
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(list.clone())));
    h.run_ok();
    common::wait_until(&mut h, "the file is read", |app| app.import.table.is_some());

    // The mapping shows Latitude and Longitude read from their own columns, X and Y not imported.
    let shown = |h: &egui_kittest::Harness<'_, iccc_desk::ui::DeskApp>, header: &str| {
        h.get_by_role_and_label(Role::ComboBox, header)
            .accesskit_node()
            .value()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(shown(&h, "Latitude"), "Latitude");
    assert_eq!(shown(&h, "Longitude"), "Longitude");
    assert_eq!(shown(&h, "X"), "— not imported —");
    assert_eq!(shown(&h, "Y"), "— not imported —");
    use iccc_desk::model::import::ImportField;
    let mapping = h.state().import.settings.clone().unwrap().mapping;
    assert_eq!(
        (mapping[3], mapping[4], mapping[5], mapping[6]),
        (
            None,
            None,
            Some(ImportField::Latitude),
            Some(ImportField::Longitude)
        )
    );

    h.get_by_label("Check the rows").click();
    h.run_ok();
    common::wait_until(&mut h, "the rows are checked", |app| {
        app.import.checked.is_some()
    });
    let report = &h.state().import.checked.as_ref().unwrap().report;
    assert_eq!(
        (report.added, report.refused),
        (5, 0),
        "{:?}",
        report.refusals
    );
    // The screen says which columns were read and why X/Y were passed over.
    h.get_by_label_contains("Points are read from the columns Latitude");
    h.get_by_label_contains("EPSG:32617");

    h.get_by_label("Import 5 cameras").click();
    h.run_ok();
    common::wait_until(&mut h, "the import is written", |app| {
        app.import.outcome.is_some() && app.index().is_some_and(|i| i.snapshot.cameras.len() == 5)
    });
    // The rows whose X/Y are 0 are placed by their degrees.
    assert_eq!(
        desk.count("SELECT count(*) FROM camera WHERE lat_deg = 43.6697 AND lon_deg = -79.3942"),
        1
    );
}

#[test]
fn rows_possibly_listed_twice_are_named_and_the_operator_leaves_them_out() {
    let desk = Desk::new();
    let list = desk.dir.path().join("sipri-bazar.csv");
    std::fs::write(
        &list,
        "Camera ID,Camera Name,Pole No,Latitude,Longitude,Area\n\
         SB-1,Sipri Bazar Chauraha,P-101,25.452000,78.560000,road outside\n\
         SB-2,Sipri Bazaar Chauraha,P-102,25.452018,78.560000,road outside\n\
         SB-3,Bus stand gate,P-103,25.452500,78.561000,gate\n\
         SB-4,Tempo stand,P-103,25.452509,78.561000,road outside\n",
    )
    .unwrap();
    let mut h = desk.harness_without_simulator();
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(list.clone())));
    h.run_ok();
    common::wait_until(&mut h, "the file is read", |app| app.import.table.is_some());

    h.get_by_label("Check the rows").click();
    h.run_ok();
    common::wait_until(&mut h, "the rows are checked", |app| {
        app.import.checked.is_some()
    });
    let report = &h.state().import.checked.as_ref().unwrap().report;
    assert_eq!((report.added, report.possible_duplicates), (4, 2));
    h.get_by_label("Possibly listed twice");
    h.get_by_label_contains("Possibly the same camera as row 2: 2 m away");
    h.get_by_label_contains("Possibly the same camera as row 4: 1 m away, the same Pole No");

    // Leave them out: the check is made again, and the two are skipped with the same words.
    h.get_by_label("Skip rows possibly listed twice").click();
    h.run_ok();
    assert!(
        h.state().import.checked.is_none(),
        "a changed option needs a new check"
    );
    h.get_by_label("Check the rows").click();
    h.run_ok();
    common::wait_until(&mut h, "the rows are checked again", |app| {
        app.import.checked.is_some()
    });
    let report = &h.state().import.checked.as_ref().unwrap().report;
    assert_eq!((report.added, report.skipped), (2, 2));
    h.get_by_label("Import 2 cameras").click();
    h.run_ok();
    common::wait_until(&mut h, "the import is written", |app| {
        app.import.outcome.is_some() && app.index().is_some_and(|i| i.snapshot.cameras.len() == 2)
    });
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM camera WHERE label IN ('Sipri Bazar Chauraha', 'Bus stand gate')"
        ),
        2
    );
}
