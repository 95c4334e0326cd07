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
