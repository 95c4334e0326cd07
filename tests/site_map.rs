//! A supervisor opens the site map on the Jhansi demo registry: every camera is on it (clustered with counts),
//! a search flies to a site, a click on a camera selects it on the wall too, a selection made on the wall
//! centres the map, a box drawn with shift-drag goes to the wall; an operator fixes a camera's position and
//! facing by picking them on the map. A click on a camera opens a popup (name, site, health, stage) whose "Open
//! details" button goes to the registry's details; flying to a camera goes to street zoom and labels it, and
//! labels never overlap; the legend names every symbol the map draws.

mod common;

use common::{Desk, wait_until};
use egui::{Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::geo;
use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::store::Store;
use iccc_desk::ui::DeskApp;

const NOW: i64 = 1_795_564_800;

fn demo_desk() -> Desk {
    let desk = Desk::new();
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    generate(
        &mut store,
        &DemoOptions {
            cameras: 3_200,
            seed: 7,
            now_unix_s: NOW,
            user: "setup".into(),
        },
        &|_| true,
    )
    .unwrap();
    desk
}

fn open_map(h: &mut Harness<'_, DeskApp>, cameras: usize) {
    h.get_by_label("Site map").click();
    h.run_ok();
    wait_until(h, "the map places the cameras", |app| {
        app.map.cameras() == cameras && !app.map.is_building()
    });
}

fn click_at(h: &mut Harness<'_, DeskApp>, pos: Pos2) {
    h.event(egui::Event::PointerMoved(pos));
    h.run_ok();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run_ok();
}

/// Clicks a camera where the map draws it; a cluster under the pointer zooms in first, as it does for a person.
fn click_camera(h: &mut Harness<'_, DeskApp>, camera_id: i64) {
    for _ in 0..6 {
        let pos = {
            let app = h.state();
            let index = app.index().unwrap();
            let at = index.camera_position(camera_id).unwrap();
            app.map.screen_pos_of(at).expect("the camera is on the map")
        };
        click_at(h, pos);
        if h.state().selection.camera == Some(camera_id) {
            return;
        }
    }
    panic!("clicking where camera {camera_id} is drawn did not select it");
}

#[test]
fn the_map_shows_the_registry_and_a_click_selects_the_camera_on_the_wall() {
    let desk = demo_desk();
    let (camera_id, label, site_name): (i64, String, String) = desk
        .sql()
        .query_row(
            "SELECT c.id, c.label, s.name_en FROM camera c JOIN site s ON s.id = c.site_id
             WHERE c.stage = 'integrated' AND s.priority = 'none' ORDER BY c.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let mut h = desk.harness_without_simulator();
    open_map(&mut h, 3_200);
    // The whole city, in words for a screen reader: every camera is placed.
    h.get_by_label_contains("Site map, 3,200 cameras");
    h.get_by_label("Legend");

    // Find the site and fly there.
    h.get_by_label("Find on the map").focus();
    h.run_ok();
    common::type_text(&mut h, &site_name);
    wait_until(&mut h, "the search answers", |app| {
        app.map.search_results() > 0
    });
    let link = format!("{site_name} · ");
    h.get_all_by_label_contains(&link)
        .next()
        .expect("the site is in the results")
        .click();
    h.run_ok();
    assert!(h.state().map.view.zoom >= 16.0);

    click_camera(&mut h, camera_id);
    assert_eq!(h.state().selection.camera, Some(camera_id));

    // The wall's details show the same camera.
    h.get_by_label("Camera wall").click();
    h.run_ok();
    wait_until(&mut h, "the details load", |app| app.wall.runs.is_some());
    assert!(h.get_all_by_label(&label).count() >= 1);
    h.get_all_by_label_contains(&site_name)
        .next()
        .expect("the site is named in the details");
}

#[test]
fn a_camera_chosen_on_the_wall_is_centred_on_the_map() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    h.get_by_label("Camera wall").click();
    h.run_ok();
    let first = h.state().wall_camera_ids()[0];
    let (lat, lon, label) = {
        let index = h.state().index().unwrap();
        let c = index.camera(first).unwrap();
        (c.camera.lat_deg, c.camera.lon_deg, c.camera.label.clone())
    };
    h.get_all_by_label_contains(&format!("{label} — "))
        .next()
        .expect("the first tile")
        .click();
    h.run_ok();
    assert_eq!(h.state().selection.camera, Some(first));
    open_map(&mut h, 3_200);
    let view = h.state().map.view;
    let want = geo::to_world(lat, lon);
    assert!(
        (view.centre.x - want.x).abs() < 1e-9 && (view.centre.y - want.y).abs() < 1e-9,
        "the map looks at the camera"
    );
    assert!(view.zoom >= 17.0, "street zoom: {}", view.zoom);
    assert!(
        h.state()
            .map
            .labels_drawn()
            .iter()
            .any(|l| l.camera == Some(first)),
        "the camera chosen on the wall is labelled on the map"
    );
}

/// Stops the prober, so the markers' and the popup's health stay as they are while a test reads them.
fn hold_health(h: &mut Harness<'_, DeskApp>) {
    if let Some(monitor) = &h.state().monitor {
        monitor.send(iccc_desk::services::health::monitor::MonitorCommand::SetRunning(false));
    }
}

#[test]
fn a_click_on_a_camera_shows_a_popup_whose_button_opens_its_details() {
    let desk = demo_desk();
    let (camera_id, label, site_name): (i64, String, String) = desk
        .sql()
        .query_row(
            "SELECT c.id, c.label, s.name_en FROM camera c JOIN site s ON s.id = c.site_id
             WHERE c.stage = 'integrated' AND s.priority = 'none' ORDER BY c.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let mut h = desk.harness_without_simulator();
    hold_health(&mut h);
    open_map(&mut h, 3_200);
    click_camera(&mut h, camera_id);
    assert_eq!(
        h.state().screen,
        iccc_desk::ui::Screen::Map,
        "still on the map"
    );

    // The popup says, in words from the catalogue, what the camera is and how it is.
    let health = {
        let app = h.state();
        let state = app.index().unwrap().health_state(camera_id);
        app.i18n.tr(&state.i18n_key())
    };
    h.get_by_label(&format!("Camera {label}"));
    h.get_by_label_contains(&format!("Site: {site_name} · "));
    h.get_by_label(&format!("Health: {health}"));
    h.get_by_label("Stage: Integrated");

    h.get_by_label("Open details").click();
    h.run_ok();
    assert_eq!(h.state().screen, iccc_desk::ui::Screen::Registry);
    assert_eq!(h.state().selection.camera, Some(camera_id));
    // The registry's details panel shows this camera.
    h.get_by_label("Edit camera");
    h.get_by_label("Change stage");
    assert!(h.get_all_by_label(&label).count() >= 1);
}

#[test]
fn flying_to_a_camera_goes_to_street_zoom_and_labels_it_without_overlaps() {
    let desk = demo_desk();
    // A camera where the most cameras stand together: the hardest street to label.
    let (camera_id, label, stream_url): (i64, String, String) = desk
        .sql()
        .query_row(
            "SELECT c.id, c.label, c.stream_url FROM camera c JOIN site s ON s.id = c.site_id
             WHERE s.priority = 'none'
             ORDER BY (SELECT count(*) FROM camera o JOIN site t ON t.id = o.site_id
                       WHERE abs(t.lat_deg - s.lat_deg) < 0.002 AND abs(t.lon_deg - s.lon_deg) < 0.002) DESC,
                      c.id
             LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let mut h = desk.harness_without_simulator();
    hold_health(&mut h);
    open_map(&mut h, 3_200);
    // Found by its stream address: its label ("Entrance") is shared by many.
    h.get_by_label("Find on the map").focus();
    h.run_ok();
    common::type_text(&mut h, &stream_url);
    wait_until(&mut h, "the search answers", |app| {
        app.map.search_results() > 0
    });
    h.get_all_by_label_contains(&format!("{label} — "))
        .next()
        .expect("the camera is in the results")
        .click();
    h.run_ok();
    let app = h.state();
    let chosen = app.selection.camera.expect("a camera is selected");
    assert_eq!(chosen, camera_id);
    assert!(
        app.map.view.zoom >= 17.0,
        "street zoom: {}",
        app.map.view.zoom
    );
    let labels = app.map.labels_drawn();
    assert!(
        labels.iter().any(|l| l.camera == Some(chosen)),
        "the camera flown to is labelled: {labels:?}"
    );
    assert!(
        labels.len() > 3,
        "a busy street has more labels: {labels:?}"
    );
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(
                !a.rect.intersects(b.rect),
                "{:?} overlaps {:?}",
                a.text,
                b.text
            );
        }
    }
}

#[test]
fn the_legend_names_every_symbol_the_map_draws() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    open_map(&mut h, 3_200);
    wait_until(&mut h, "the demo wards load", |app| {
        app.map.areas.count(iccc_desk::model::BoundaryKind::Ward) == 60
    });
    for text in [
        "Legend",
        // Camera markers, by state.
        "Offline",
        "Password refused",
        "Stream error",
        "Integration blocked",
        "Not probed yet",
        "Being integrated",
        "Online",
        "Rejected",
        "Several cameras: the ring shows the worst",
        "Selected camera",
        "Field of view (street zoom)",
        "Site (street zoom)",
        // Priority places and the ground they need watched.
        "Black spot",
        "Toll plaza",
        "Jail",
        "Public place",
        "Ground a priority place needs watched",
        // Boundary layers.
        "Wards (60)",
        "Police-station areas (0)",
    ] {
        h.get_by_label(text);
    }
}

#[test]
fn shift_drag_selects_a_box_of_cameras_for_the_wall() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    open_map(&mut h, 3_200);
    let canvas = h.state().map.canvas.unwrap();
    // A box around the middle of the city.
    let from = canvas.center() - egui::vec2(120.0, 90.0);
    let to = canvas.center() + egui::vec2(120.0, 90.0);
    h.event(egui::Event::ModifiersChanged(Modifiers::SHIFT));
    h.event(egui::Event::PointerMoved(from));
    h.event(egui::Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::SHIFT,
    });
    h.step();
    for k in 1..=10 {
        let p = from + (to - from) * (k as f32 / 10.0);
        h.event(egui::Event::PointerMoved(p));
        h.step();
    }
    h.event(egui::Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::SHIFT,
    });
    h.run_ok();
    h.event(egui::Event::ModifiersChanged(Modifiers::NONE));
    let selected = h.state().map.box_selection.clone();
    assert!(!selected.is_empty(), "cameras in the box");
    assert!(selected.len() < 3_200, "not the whole city");
    // Exactly the cameras drawn inside the box.
    {
        let app = h.state();
        let index = app.index().unwrap();
        let (a, b) = (
            app.map.view.to_world(canvas, from),
            app.map.view.to_world(canvas, to),
        );
        let inside: Vec<i64> = index
            .snapshot
            .cameras
            .iter()
            .filter(|c| {
                let w = geo::to_world(c.camera.lat_deg, c.camera.lon_deg);
                (a.x..=b.x).contains(&w.x) && (a.y..=b.y).contains(&w.y)
            })
            .map(|c| c.id)
            .collect();
        let mut inside = inside;
        inside.sort_unstable();
        assert_eq!(selected, inside);
    }
    h.get_by_label_contains("cameras selected");
    h.get_by_label("Show on the wall").click();
    h.run_ok();
    wait_until(&mut h, "the wall shows the box", |app| {
        !app.wall_camera_ids().is_empty()
    });
    let on_wall = h.state().wall_camera_ids();
    assert!(on_wall.iter().all(|id| selected.binary_search(id).is_ok()));
    h.get_by_label_contains("Map selection:");
}

#[test]
fn pick_a_cameras_position_and_facing_on_the_map() {
    use iccc_desk::model::Site;
    use iccc_desk::store::Actor;
    let desk = Desk::new();
    let camera = {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut s = Site::blank();
        s.name_en = "Elite Chauraha Traffic Booth".into();
        s.lat_deg = 25.4540;
        s.lon_deg = 78.5830;
        let s = store
            .add_site(
                &Actor {
                    user: "setup".into(),
                    now_unix_s: NOW,
                },
                &s,
            )
            .unwrap();
        common::add_integrated_camera(
            &mut store,
            s.id,
            "Crossing north",
            "rtsp://127.0.0.1:8554/Streaming/Channels/101".into(),
            String::new(),
            "Pick#Pass-2026",
        )
    };
    let mut h = desk.harness();
    h.get_all_by_label_contains("Crossing north")
        .next()
        .expect("the camera's row")
        .click();
    h.run_ok();
    h.get_by_label("Edit camera").click();
    h.run_ok();
    // The button sits below the coordinates, further down the form than the window shows at first.
    h.get_by_label("Pick on map").scroll_to_me();
    h.run_ok();
    h.get_by_label("Pick on map").click();
    h.run_ok();
    wait_until(&mut h, "the map opens for the pick", |app| {
        app.map.canvas.is_some() && !app.map.is_building()
    });
    h.get_by_label("Click where the camera is.");
    // Fly to the crossing and click 40 m east of the booth.
    h.state_mut().map.view.fly_to(25.4540, 78.5830, 18.0);
    h.run_ok();
    let (lat, lon) = geo::destination((25.4540, 78.5830), 90.0, 40.0);
    let spot = h.state().map.screen_pos_of_point(lat, lon).unwrap();
    click_at(&mut h, spot);
    h.get_by_label("Drag the handle to where the camera looks.");
    // Drag the facing handle round to the north-west.
    let toward = geo::destination((lat, lon), 315.0, 25.0);
    let target = h
        .state()
        .map
        .screen_pos_of_point(toward.0, toward.1)
        .unwrap();
    let handle = {
        let pick = h.state().map.pick.unwrap();
        let iccc_desk::ui::map::Pick::Bearing {
            bearing_deg,
            range_m,
            ..
        } = pick
        else {
            panic!("not picking the facing: {pick:?}")
        };
        let (hl, hn) = geo::destination((lat, lon), bearing_deg, range_m);
        h.state().map.screen_pos_of_point(hl, hn).unwrap()
    };
    h.event(egui::Event::PointerMoved(handle));
    h.drag_at(handle);
    h.step();
    for k in 1..=8 {
        h.event(egui::Event::PointerMoved(
            handle + (target - handle) * (k as f32 / 8.0),
        ));
        h.step();
    }
    h.drop_at(target);
    h.run_ok();
    h.get_by_label("Facing 315°");
    h.get_by_label("Done").click();
    h.run_ok();
    // Back in the form with the position and facing filled; save.
    common::press(&mut h, egui::Key::Enter);
    wait_until(&mut h, "the camera is saved", |app| app.form.is_none());
    let (db_lat, db_lon, bearing): (f64, f64, f64) = desk
        .sql()
        .query_row(
            "SELECT lat_deg, lon_deg, bearing_deg FROM camera WHERE id = ?1",
            [camera],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(
        geo::distance_m((db_lat, db_lon), (lat, lon)) < 1.0,
        "placed where clicked"
    );
    assert_eq!(bearing, 315.0);
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'camera.edit'"),
        1
    );
}

/// The base map: the real node-mbtiles test file (mapbox/node-mbtiles `test/fixtures/plain_1.mbtiles`,
/// BSD-style licence) draws its tiles under the cameras; the damaged one from the same fixtures is named on the
/// map in words, and the cameras stay.
#[test]
fn a_base_map_draws_under_the_cameras_and_a_damaged_one_is_named() {
    let plain = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/mbtiles/node-mbtiles_plain_1.mbtiles"
    );
    let corrupt = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/mbtiles/node-mbtiles_corrupt.mbtiles"
    );
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    open_map(&mut h, 3_200);
    h.get_by_label("No base map: the map draws on a plain background.");
    h.state_mut().set_base_map(plain.into());
    wait_until(&mut h, "base map tiles are drawn", |app| {
        app.map.base.as_ref().is_some_and(|b| b.loaded() > 0)
    });
    h.get_by_label("Base map: node-mbtiles_plain_1.mbtiles");
    assert!(h.query_by_label_contains("damaged").is_none());
    // Remembered for the next session.
    let settings = std::fs::read_to_string(&desk.settings).unwrap();
    assert!(
        settings.contains("node-mbtiles_plain_1.mbtiles"),
        "{settings}"
    );

    h.state_mut().set_base_map(corrupt.into());
    wait_until(&mut h, "the damaged file is refused", |app| {
        app.map.base.as_ref().is_some_and(|b| b.error.is_some())
    });
    // The message names the file and what is wrong with it.
    h.get_by_label_contains("node-mbtiles_corrupt.mbtiles is damaged");
    // The map still serves without its base layer.
    h.get_by_label_contains("Site map, 3,200 cameras");
}

/// Ward boundaries from a GeoJSON file: the real Lucknow ward layer (DataMeet Municipal Spatial Data,
/// datameet/Municipal_Spatial_Data, CC BY 4.0) is previewed, its name and code properties picked, and imported;
/// a file in Web Mercator metres is refused with the reason on screen and nothing changes, unless it declares
/// its CRS, when the preview says it was reprojected.
#[test]
fn ward_boundaries_are_imported_from_geojson_and_projected_files_refused() {
    let lucknow = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/geo/datameet_Lucknow_wards.geojson"
    );
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    open_map(&mut h, 3_200);
    // The demo's own wards are on the map out of the box.
    wait_until(&mut h, "the demo wards load", |app| {
        app.map.areas.count(iccc_desk::model::BoundaryKind::Ward) == 60
    });
    h.get_by_label("Wards (60)");

    let ctx = h.ctx.clone();
    h.state_mut().map.areas.open_file(lucknow.into(), &ctx);
    wait_until(&mut h, "the file is previewed", |app| {
        app.map.areas.import.is_some()
    });
    h.get_by_label("datameet_Lucknow_wards.geojson: 112 areas");
    // The name and code properties are guessed from their names; the sample shows the names.
    {
        let dialog = h.state().map.areas.import.as_ref().unwrap();
        assert_eq!(dialog.name_property, "Ward Name");
        assert_eq!(dialog.code_property.as_deref(), Some("Ward Num"));
    }
    h.get_by_label("Import").click();
    h.run_ok();
    wait_until(&mut h, "the wards are imported", |app| {
        app.map.areas.import.is_none()
            && app.map.areas.count(iccc_desk::model::BoundaryKind::Ward) == 112
    });
    assert_eq!(
        desk.count("SELECT count(*) FROM boundary WHERE kind = 'ward'"),
        112
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'boundary.import'"),
        1
    );

    // Web Mercator metres (what a GIS export often gives) are refused, naming the system.
    let dir = tempfile::tempdir().unwrap();
    let mercator = dir.path().join("jhansi_wards_3857.geojson");
    std::fs::write(
        &mercator,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Ward 1"},
        "geometry":{"type":"Polygon","coordinates":[[[8746000,2930000],[8747000,2930000],[8747000,2931000],
        [8746000,2931000],[8746000,2930000]]]}}]}"#,
    )
    .unwrap();
    h.state_mut().map.areas.open_file(mercator.clone(), &ctx);
    wait_until(&mut h, "the file is looked at", |app| {
        app.map.areas.import.is_some()
    });
    h.get_by_label_contains("Web Mercator (EPSG:3857)");
    h.get_by_label("Cancel").click();
    h.run_ok();
    // The same layer declaring its CRS is reprojected, and the dialog says from what.
    let declared = dir.path().join("jhansi_wards_3857_declared.geojson");
    let text = std::fs::read_to_string(&mercator).unwrap().replacen(
        r#"{"type":"FeatureCollection","#,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"#,
        1,
    );
    std::fs::write(&declared, text).unwrap();
    h.state_mut().map.areas.open_file(declared, &ctx);
    wait_until(&mut h, "the declared file is previewed", |app| {
        app.map.areas.import.is_some()
    });
    h.get_by_label("jhansi_wards_3857_declared.geojson: one area");
    h.get_by_label_contains("Reprojected from Web Mercator (EPSG:3857)");
    h.get_by_label("Cancel").click();
    h.run_ok();
    // A layer over 128 MB (sparse here: nothing is written) is refused on its size before it is read, naming
    // the file and the limit.
    let huge = dir.path().join("india_villages.geojson");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(129 * 1024 * 1024)
        .unwrap();
    h.state_mut().map.areas.open_file(huge, &ctx);
    wait_until(&mut h, "the large file is looked at", |app| {
        app.map.areas.import.is_some()
    });
    h.get_by_label_contains(
        "india_villages.geojson is 129 MB or more; the desk reads files of this kind up to 128 MB",
    );
    h.get_by_label("Cancel").click();
    h.run_ok();
    assert_eq!(
        desk.count("SELECT count(*) FROM boundary WHERE kind = 'ward'"),
        112,
        "nothing changed"
    );
}

/// A picture of the map screen (the demo registry over the real node-mbtiles base map at city zoom, wards and
/// clusters), rendered with wgpu and compared with `tests/snapshots/site_map_city.png`; `UPDATE_SNAPSHOTS=1`
/// writes a new one after a deliberate change.
#[test]
fn the_map_screen_looks_as_it_should() {
    let plain = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/mbtiles/node-mbtiles_plain_1.mbtiles"
    );
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    // No probe results may change the markers while the picture is taken.
    if let Some(monitor) = &h.state().monitor {
        monitor.send(iccc_desk::services::health::monitor::MonitorCommand::SetRunning(false));
    }
    open_map(&mut h, 3_200);
    h.state_mut().set_base_map(plain.into());
    wait_until(&mut h, "the base map and the wards are drawn", |app| {
        app.map.base.as_ref().is_some_and(|b| b.loaded() > 0)
            && app.map.areas.count(iccc_desk::model::BoundaryKind::Ward) == 60
    });
    // Nothing that moves: no pointer over the map, no health (the prober has no cameras to reach here).
    h.remove_cursor();
    h.run_ok();
    // The status bar says how long the registry took to open: it differs from run to run.
    let canvas = h.state().map.canvas.unwrap();
    h.mask(egui::Rect::from_min_max(
        egui::pos2(0.0, canvas.max.y),
        egui::pos2(1400.0, 900.0),
    ));
    h.snapshot("site_map_city");
}
