//! The supervisor exports from the desk: on the review screen the coverage gaps as CSV and the week's numbers as
//! XLSX, on the registry screen the cameras as GeoJSON — "Export…", a list and a format, then the file. The
//! native save dialog is replaced by a path here (`ExportState::bypass_dialog`); everything after it (the
//! export thread, the outcome line, the status bar) is what a user runs. The files are read back with a CSV
//! parser, an XLSX reader and a GeoJSON parser. A folder that does not exist gives a clear message and no file.
//! The review screen also shows coverage by ward, sortable by its columns.

mod common;

use calamine::{Data, DataType as _, Reader as _};
use common::Desk;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::store::Store;
use iccc_desk::ui::DeskApp;
use iccc_desk::ui::review::WardSort;

fn demo_desk() -> Desk {
    let desk = Desk::new();
    let mut store = Store::open(&desk.db, &desk.open_options()).expect("open");
    generate(
        &mut store,
        &DemoOptions {
            cameras: 3_200,
            seed: 1,
            now_unix_s: iccc_desk::store::now_unix_s(),
            user: "setup".into(),
        },
        &|_| true,
    )
    .expect("demo registry");
    desk
}

/// Opens "Export…" and clicks the item for `list` in `format`, writing to `path`; waits for the outcome.
fn export_from_menu(
    h: &mut egui_kittest::Harness<'_, DeskApp>,
    item: &str,
    path: &std::path::Path,
) {
    h.state_mut().exports.bypass_dialog = Some(path.to_path_buf());
    h.state_mut().exports.last = None;
    h.get_by_label("Export…").click();
    h.run_ok();
    h.get_by_label(item).click();
    h.run_ok();
    common::wait_until(h, "the export is written", |app| app.exports.last.is_some());
}

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = std::fs::read(path).expect("read CSV");
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("UTF-8 byte-order mark, for Excel");
    let mut reader = csv::Reader::from_reader(body);
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let records = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .expect("records");
    (header, records)
}

#[test]
fn the_supervisor_exports_gaps_weekly_numbers_and_cameras_from_the_desk() {
    let desk = demo_desk();
    let out = tempfile::tempdir().expect("temp dir");
    let mut h = desk.harness_without_simulator();
    h.get_by_label("Weekly review").click();
    h.run_ok();
    common::wait_until(&mut h, "the week's numbers and coverage", |app| {
        app.review.report.is_some() && app.review.coverage.is_some()
    });
    let coverage = h.state().review.coverage.clone().expect("coverage");
    let report = h.state().review.report.clone().expect("report");

    // Coverage gaps as CSV: the rows of the screen's list, in its order, Hindi intact.
    let gaps_csv = out.path().join("gaps.csv");
    export_from_menu(&mut h, "Coverage gaps as CSV (Excel)", &gaps_csv);
    let outcome = h.state().exports.last.clone().expect("outcome");
    let written = outcome.result.expect("written");
    assert_eq!(written.rows, coverage.gaps.len());
    let (header, records) = read_csv(&gaps_csv);
    assert_eq!(records.len(), coverage.gaps.len());
    let place_hi = header
        .iter()
        .position(|c| c == "Place (Hindi)")
        .expect("Hindi column");
    for (record, gap) in records.iter().zip(&coverage.gaps) {
        assert_eq!(&record[place_hi], gap.name_hi);
    }
    let message = format!(
        "Wrote {} coverage gaps to {}",
        coverage.gaps.len(),
        gaps_csv.display()
    );
    assert!(
        h.get_all_by_label_contains(&message).count() >= 1,
        "{message}"
    );

    // The week's numbers as XLSX: the total row equals the screen's numbers.
    let weekly_xlsx = out.path().join("week.xlsx");
    export_from_menu(
        &mut h,
        &format!("Week {} numbers as XLSX (Excel)", report.week),
        &weekly_xlsx,
    );
    assert!(h.state().exports.last.as_ref().unwrap().result.is_ok());
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&weekly_xlsx).expect("XLSX");
    let range = book.worksheet_range("Weekly review").expect("sheet");
    let all = range
        .rows()
        .find(|r| r.get(1) == Some(&Data::String("All categories".into())))
        .expect("the row of all categories");
    assert_eq!(all[3].as_f64(), Some(report.integrated_total as f64));
    assert_eq!(all[4].as_f64(), Some(report.integrated_this_week as f64));
    // The week's numbers have no GeoJSON form, so the menu offers none.
    h.get_by_label("Export…").click();
    h.run_ok();
    assert!(
        h.query_by_label(&format!("Week {} numbers as GeoJSON (GIS)", report.week))
            .is_none()
    );
    h.get_by_label("Coverage gaps as GeoJSON (GIS)");
    h.key_press(egui::Key::Escape);
    h.run_ok();

    // A folder that does not exist: the message says so beside the button, and nothing is written.
    let nowhere = out.path().join("no-such-folder/gaps.xlsx");
    export_from_menu(&mut h, "Coverage gaps as XLSX (Excel)", &nowhere);
    let err = h
        .state()
        .exports
        .last
        .clone()
        .unwrap()
        .result
        .expect_err("refused")
        .message(&h.state().i18n);
    assert!(err.contains("does not exist"), "{err}");
    assert!(h.get_all_by_label_contains("does not exist").count() >= 1);
    assert!(!out.path().join("no-such-folder").exists());

    // The cameras as GeoJSON from the registry screen: one point per camera.
    h.get_by_label("Sites and cameras").click();
    h.run_ok();
    let cameras_geojson = out.path().join("cameras.geojson");
    export_from_menu(&mut h, "Cameras as GeoJSON (GIS)", &cameras_geojson);
    assert!(h.state().exports.last.as_ref().unwrap().result.is_ok());
    let body = std::fs::read_to_string(&cameras_geojson).expect("GeoJSON");
    let geojson::GeoJson::FeatureCollection(fc) = body.parse().expect("valid GeoJSON") else {
        panic!("not a FeatureCollection");
    };
    assert_eq!(
        fc.features.len() as i64,
        desk.count("SELECT count(*) FROM camera")
    );

    // The blocked list from the Blocked screen: one row per blocked camera. (The registry screen has a "Blocked"
    // stage filter too; the review screen has only the navigation's.)
    h.get_by_label("Weekly review").click();
    h.run_ok();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Blocked")
        .click();
    h.run_ok();
    assert_eq!(h.state().screen, iccc_desk::ui::Screen::Blocked);
    common::wait_until(&mut h, "the blocked list", |app| app.blocked.list.is_some());
    let blocked_csv = out.path().join("blocked.csv");
    export_from_menu(&mut h, "Blocked cameras as CSV (Excel)", &blocked_csv);
    assert!(h.state().exports.last.as_ref().unwrap().result.is_ok());
    let (_, records) = read_csv(&blocked_csv);
    assert_eq!(
        records.len() as i64,
        desk.count("SELECT count(*) FROM camera WHERE stage = 'blocked'")
    );
}

#[test]
fn the_review_screen_shows_coverage_by_ward() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    // A tall window, so the ward table below the charts and the gaps is on screen.
    h.set_size(egui::vec2(1400.0, 2000.0));
    h.get_by_label("Weekly review").click();
    h.run_ok();
    common::wait_until(&mut h, "the week's numbers and coverage by ward", |app| {
        app.review.report.is_some()
            && app
                .review
                .coverage
                .as_ref()
                .is_some_and(|c| !c.wards.is_empty())
    });
    let coverage = h.state().review.coverage.clone().unwrap();
    // The demo's 60 wards hold every camera and every priority place.
    assert_eq!(coverage.wards.len(), 60);
    let cameras: usize = coverage.wards.iter().map(|w| w.cameras).sum();
    assert_eq!(cameras as i64, desk.count("SELECT count(*) FROM camera"));
    let places: usize = coverage.wards.iter().map(|w| w.priority_places).sum();
    assert_eq!(places, coverage.places);
    let gaps: usize = coverage.wards.iter().map(|w| w.gaps).sum();
    assert_eq!(gaps, coverage.gaps.len());
    h.get_by_label("Coverage by ward");

    // Most gaps first; a click on "Ward" sorts by name, on "Cameras" by cameras.
    assert_eq!(h.state().review.ward_sort, WardSort::Gaps);
    let most_gaps = iccc_desk::ui::review::sorted_wards(&coverage.wards, WardSort::Gaps)[0];
    h.get_all_by_label(&most_gaps.name)
        .next()
        .expect("the ward with most gaps is on screen");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Ward")
        .click();
    h.run_ok();
    assert_eq!(h.state().review.ward_sort, WardSort::Name);
    let first = iccc_desk::ui::review::sorted_wards(&coverage.wards, WardSort::Name)[0];
    h.get_all_by_label(&first.name)
        .next()
        .expect("the first ward by name is on screen");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Cameras")
        .click();
    h.run_ok();
    assert_eq!(h.state().review.ward_sort, WardSort::Cameras);
}
