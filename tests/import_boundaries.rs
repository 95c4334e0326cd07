//! An operator imports a city's ward layer from a GeoJSON file: previews it, picks the name and code properties
//! and imports it into the registry; a layer in Web Mercator or UTM metres that declares its CRS is reprojected
//! (and the preview says so); a file in metres without a declared CRS or a file of points is refused with a
//! clear message and the registry stays as it was; a second import replaces the layer; a demo registry comes
//! with its sixty wards, each site inside the ward it names.
//!
//! Test data (read-only, see `shared/data/README.md`):
//! - `datameet_Lucknow_wards.geojson`: 112 ward polygons of Lucknow, from DataMeet Municipal Spatial Data
//!   (datameet/Municipal_Spatial_Data, `Lucknow/`), CC BY 4.0 as DataMeet publishes it. Credit: "DataMeet
//!   Municipal Spatial Data".
//! - `UP_district_hq.geojson`: 75 district headquarters of Uttar Pradesh as points, from
//!   datta07/INDIAN-SHAPEFILES (MIT licence).

use std::collections::HashMap;
use std::path::PathBuf;

use iccc_desk::i18n::{I18n, Lang};
use iccc_desk::model::geo::distance_m;
use iccc_desk::model::projection::{self, UtmZone};
use iccc_desk::model::{BoundaryArea, BoundaryKind};
use iccc_desk::services::demo::{self, DemoOptions};
use iccc_desk::services::map::boundaries::{self, BoundaryError};
use iccc_desk::store::{Actor, OpenOptions, Store};
use serde_json::Value;
use tempfile::TempDir;

const LUCKNOW_WARDS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/geo/datameet_Lucknow_wards.geojson"
);
const UP_DISTRICT_HQ: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/geo/UP_district_hq.geojson"
);
const LUCKNOW_FILE_NAME: &str = "datameet_Lucknow_wards.geojson";
const T0: i64 = 1_764_000_000;

fn actor(seconds_later: i64) -> Actor {
    Actor {
        user: "gis.operator".into(),
        now_unix_s: T0 + seconds_later,
    }
}

struct Registry {
    _dir: TempDir,
    path: PathBuf,
    options: OpenOptions,
}

impl Registry {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("registry.sqlite");
        let options = OpenOptions {
            key_dir: dir.path().join("keys"),
        };
        Self {
            _dir: dir,
            path,
            options,
        }
    }

    fn open(&self) -> Store {
        Store::open(&self.path, &self.options).expect("open registry")
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the user does: preview the file, take the guessed properties, read the areas, import them.
fn import_file(
    store: &mut Store,
    actor: &Actor,
    kind: BoundaryKind,
    file_name: &str,
    text: &str,
) -> Result<usize, BoundaryError> {
    let preview = boundaries::preview(text)?;
    let name = preview.guessed_name.expect("a name property is guessed");
    let areas = boundaries::read_areas(text, kind, &name, preview.guessed_code.as_deref())?;
    Ok(store
        .import_boundaries(actor, kind, file_name, &areas)
        .expect("import"))
}

/// Every row of the tables an import touches, as text.
fn boundary_and_audit_rows(store: &Store) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT kind, name, code, rings_json, source_name, imported_unix_s, imported_by FROM boundary ORDER BY id",
        "SELECT at_unix_s, by_user, action, entity, entity_id, before_json, after_json FROM audit ORDER BY id",
    ] {
        let mut stmt = store.conn_for_tests().prepare(sql).unwrap();
        let n = stmt.column_count();
        let found = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|cols| cols.join("|"))
            })
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap();
        rows.extend(found);
    }
    rows
}

fn json(text: Option<&str>) -> Value {
    serde_json::from_str(text.expect("json text")).expect("valid json")
}

#[test]
fn lucknow_wards_import_and_read_back_sorted_by_name_with_an_audit_entry() {
    let text = read(LUCKNOW_WARDS);
    let preview = boundaries::preview(&text).unwrap();
    assert_eq!(preview.features, 112);
    assert_eq!(
        preview.property_names,
        ["Ward Name", "Ward Num", "Zone", "id"]
    );
    assert_eq!(preview.guessed_name.as_deref(), Some("Ward Name"));
    assert_eq!(preview.guessed_code.as_deref(), Some("Ward Num"));
    assert_eq!(preview.sample.len(), boundaries::SAMPLE_FEATURES);
    assert_eq!(preview.sample[0]["Ward Name"], "Sarojni Nagar Part 1");
    assert_eq!(preview.sample[0]["Ward Num"], "4");

    let areas =
        boundaries::read_areas(&text, BoundaryKind::Ward, "Ward Name", Some("Ward Num")).unwrap();
    assert_eq!(areas.len(), 112);
    let registry = Registry::new();
    let mut store = registry.open();
    let written = store
        .import_boundaries(&actor(0), BoundaryKind::Ward, LUCKNOW_FILE_NAME, &areas)
        .unwrap();
    assert_eq!(written, 112);
    drop(store);

    // Read back from the file on disk, sorted by name, each as it was in the file.
    let store = registry.open();
    let back = store.boundaries(BoundaryKind::Ward).unwrap();
    assert_eq!(back.len(), 112);
    let mut expected = areas.clone();
    expected.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(back, expected);
    assert_eq!(back[0].name, "Acharya Narendra Dev");
    let airport = back.iter().find(|a| a.name == "Airport").unwrap();
    assert_eq!(airport.code, "0");
    assert!(
        store
            .boundaries(BoundaryKind::PoliceStation)
            .unwrap()
            .is_empty()
    );
    let layer = store.boundary_layer(BoundaryKind::Ward).unwrap().unwrap();
    assert_eq!(
        (
            layer.areas,
            layer.source_name.as_str(),
            layer.imported_by.as_str(),
            layer.imported_unix_s
        ),
        (112, LUCKNOW_FILE_NAME, "gis.operator", T0)
    );

    // The geometry is usable: a city of a few hundred km², names placed inside their wards, and a point in
    // the old city (Hazratganj, near the GPO) in exactly one ward.
    let km2: f64 = back.iter().map(BoundaryArea::area_km2).sum();
    assert!((150.0..1_000.0).contains(&km2), "{km2} km²");
    for ward in &back {
        let (lat, lon) = ward.label_point();
        assert!(ward.contains(lat, lon), "{}: label outside", ward.name);
        let (min_lat, min_lon, max_lat, max_lon) = ward.bbox();
        assert!(
            min_lat > 26.6 && max_lat < 27.1 && min_lon > 80.7 && max_lon < 81.2,
            "{}",
            ward.name
        );
    }
    let holders = back.iter().filter(|w| w.contains(26.8467, 80.9462)).count();
    assert_eq!(holders, 1);

    // One audit entry: who, when, what.
    let audit = store.audit_entries(None, 10).unwrap();
    assert_eq!(audit.len(), 1, "{audit:#?}");
    let entry = &audit[0];
    assert_eq!(
        (
            entry.action.as_str(),
            entry.by_user.as_str(),
            entry.at_unix_s,
            entry.entity.as_str()
        ),
        ("boundary.import", "gis.operator", T0, "registry")
    );
    assert_eq!(entry.before_json, None, "there was no layer before");
    let after = json(entry.after_json.as_deref());
    assert_eq!(after["kind"], "ward");
    assert_eq!(after["file"], LUCKNOW_FILE_NAME);
    assert_eq!(after["count"], 112);
}

/// Every position of a GeoJSON value through `project` ((lat, lon) → (x, y)), as a GIS tool writes a layer in
/// projected metres.
fn project(value: &mut Value, project_point: &dyn Fn(f64, f64) -> (f64, f64)) {
    match value {
        Value::Array(items) if items.len() >= 2 && items.iter().all(Value::is_number) => {
            let lon = items[0].as_f64().unwrap();
            let lat = items[1].as_f64().unwrap();
            let (x, y) = project_point(lat, lon);
            *value = serde_json::json!([x, y]);
        }
        Value::Array(items) => items.iter_mut().for_each(|v| project(v, project_point)),
        Value::Object(members) => members
            .iter_mut()
            .filter(|(k, _)| {
                k.as_str() == "features" || k.as_str() == "geometry" || k.as_str() == "coordinates"
            })
            .for_each(|(_, v)| project(v, project_point)),
        _ => {}
    }
}

/// The same file as a GIS tool would write it in Web Mercator (EPSG:3857) metres.
fn to_web_mercator(value: &mut Value) {
    project(value, &projection::wgs84_to_web_mercator);
}

/// The Lucknow wards in `crs`'s metres (by the model's forward formulas), with the legacy `crs` member saying so.
fn lucknow_in(crs: &str, project_point: &dyn Fn(f64, f64) -> (f64, f64)) -> String {
    let mut value: Value = serde_json::from_str(&read(LUCKNOW_WARDS)).unwrap();
    project(&mut value, project_point);
    value["crs"] = serde_json::json!({"type": "name", "properties": {"name": crs}});
    value.to_string()
}

#[test]
fn lucknow_wards_in_web_mercator_or_utm_with_a_declared_crs_import_as_the_same_wards() {
    let degrees_text = read(LUCKNOW_WARDS);
    let degrees = boundaries::read_areas(
        &degrees_text,
        BoundaryKind::Ward,
        "Ward Name",
        Some("Ward Num"),
    )
    .unwrap();
    // Lucknow (80.9° E) lies in UTM zone 44N, like Jhansi.
    let zone_44n = UtmZone::from_epsg(32_644).unwrap();
    let cases = [
        (
            lucknow_in("EPSG:3857", &projection::wgs84_to_web_mercator),
            "lucknow_3857.geojson",
            "Web Mercator (EPSG:3857)",
            "वेब मर्केटर (EPSG:3857)",
        ),
        (
            lucknow_in("urn:ogc:def:crs:EPSG::32644", &|lat, lon| {
                projection::wgs84_to_utm(zone_44n, lat, lon)
            }),
            "lucknow_32644.geojson",
            "UTM zone 44N (EPSG:32644)",
            "UTM ज़ोन 44N (EPSG:32644)",
        ),
    ];
    let mut worst_m: f64 = 0.0;
    for (text, file_name, english_note, hindi_note) in cases {
        // Written in metres: without its crs member the same file is refused.
        let mut bare: Value = serde_json::from_str(&text).unwrap();
        bare.as_object_mut().unwrap().remove("crs");
        assert!(
            boundaries::preview(&bare.to_string()).is_err(),
            "{file_name}"
        );
        // The preview says where the degrees came from, in both languages.
        let preview = boundaries::preview(&text).unwrap();
        assert_eq!(preview.features, 112);
        let reprojection = preview.reprojected_from.clone().expect("reprojected");
        let english =
            I18n::new(Lang::En).tr_args(reprojection.note_key(), &reprojection.note_args());
        assert!(
            english.contains(&format!("Reprojected from {english_note}")),
            "{english}"
        );
        let hindi = I18n::new(Lang::Hi).tr_args(reprojection.note_key(), &reprojection.note_args());
        assert!(hindi.contains(hindi_note), "{hindi}");

        // Imported into a registry on disk and read back: the same wards, every vertex within half a metre.
        let registry = Registry::new();
        let mut store = registry.open();
        let written =
            import_file(&mut store, &actor(0), BoundaryKind::Ward, file_name, &text).unwrap();
        assert_eq!(written, 112);
        drop(store);
        let back = registry.open().boundaries(BoundaryKind::Ward).unwrap();
        let mut expected = degrees.clone();
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(back.len(), expected.len());
        for (got, want) in back.iter().zip(&expected) {
            assert_eq!((&got.name, &got.code), (&want.name, &want.code));
            let got_points: Vec<_> = got.polygons.iter().flatten().flatten().collect();
            let want_points: Vec<_> = want.polygons.iter().flatten().flatten().collect();
            assert_eq!(got_points.len(), want_points.len(), "{}", got.name);
            for (a, b) in got_points.iter().zip(&want_points) {
                let gap_m = distance_m(**a, **b);
                worst_m = worst_m.max(gap_m);
                assert!(gap_m < 0.5, "{file_name} {}: {a:?} vs {b:?}", got.name);
            }
        }
        // The usual answers hold: Hazratganj (near the GPO) is in exactly one ward.
        assert_eq!(
            back.iter().filter(|w| w.contains(26.8467, 80.9462)).count(),
            1
        );
    }
    assert!(worst_m < 0.01, "worst vertex {worst_m} m");
}

#[test]
fn a_layer_in_metres_without_a_declared_crs_is_refused_naming_the_missing_crs() {
    let mut value: Value = serde_json::from_str(&read(LUCKNOW_WARDS)).unwrap();
    let zone_44n = UtmZone::from_epsg(32_644).unwrap();
    project(&mut value, &|lat, lon| {
        projection::wgs84_to_utm(zone_44n, lat, lon)
    });
    let utm = value.to_string();
    let registry = Registry::new();
    let mut store = registry.open();
    let err = import_file(
        &mut store,
        &actor(0),
        BoundaryKind::Ward,
        "lucknow_utm.geojson",
        &utm,
    )
    .unwrap_err();
    assert!(
        matches!(err, BoundaryError::Utm { feature: 1, .. }),
        "{err:?}"
    );
    let english = I18n::new(Lang::En).tr_args(err.i18n_key(), &err.i18n_args());
    assert!(
        english.contains("does not declare its coordinate system"),
        "{english}"
    );
    let hindi = I18n::new(Lang::Hi).tr_args(err.i18n_key(), &err.i18n_args());
    assert!(hindi.contains("“crs”"), "{hindi}");
    assert!(store.boundaries(BoundaryKind::Ward).unwrap().is_empty());
    // A declared system the desk cannot convert is named.
    let mut value: Value = serde_json::from_str(&utm).unwrap();
    value["crs"] = serde_json::json!({"type": "name", "properties": {"name": "EPSG:24378"}});
    let err = boundaries::preview(&value.to_string()).unwrap_err();
    assert_eq!(
        err,
        BoundaryError::DeclaredOther {
            crs: "EPSG:24378".into()
        }
    );
    let english = I18n::new(Lang::En).tr_args(err.i18n_key(), &err.i18n_args());
    assert!(english.contains("EPSG:24378"), "{english}");
}

#[test]
fn a_web_mercator_copy_is_refused_by_name_and_nothing_is_written() {
    let mut value: Value = serde_json::from_str(&read(LUCKNOW_WARDS)).unwrap();
    to_web_mercator(&mut value);
    let mercator = value.to_string();
    assert!(mercator.contains("9004"), "x near 9.0 million metres");

    let registry = Registry::new();
    let mut store = registry.open();
    // A layer is already there: a refused file must leave it as it is.
    import_file(
        &mut store,
        &actor(0),
        BoundaryKind::Ward,
        LUCKNOW_FILE_NAME,
        &read(LUCKNOW_WARDS),
    )
    .unwrap();
    let rows_before = boundary_and_audit_rows(&store);
    let revision_before = store.registry_revision().unwrap();

    let err = import_file(
        &mut store,
        &actor(60),
        BoundaryKind::Ward,
        "lucknow_3857.geojson",
        &mercator,
    )
    .unwrap_err();
    assert!(
        matches!(err, BoundaryError::WebMercator { feature: 1, .. }),
        "{err:?}"
    );
    let english = I18n::new(Lang::En).tr_args(err.i18n_key(), &err.i18n_args());
    assert!(
        english.contains("Web Mercator (EPSG:3857)") && english.contains("WGS 84 (EPSG:4326)"),
        "{english}"
    );
    let hindi = I18n::new(Lang::Hi).tr_args(err.i18n_key(), &err.i18n_args());
    assert!(hindi.contains("वेब मर्केटर (EPSG:3857)"), "{hindi}");
    // Reading the areas directly with the right property names refuses it just the same.
    assert_eq!(
        boundaries::read_areas(&mercator, BoundaryKind::Ward, "Ward Name", Some("Ward Num"))
            .unwrap_err(),
        err
    );

    assert_eq!(boundary_and_audit_rows(&store), rows_before);
    assert_eq!(store.registry_revision().unwrap(), revision_before);
    drop(store);
    assert_eq!(boundary_and_audit_rows(&registry.open()), rows_before);
}

#[test]
fn district_headquarters_points_are_refused_as_points() {
    // The file declares EPSG:4326, which is fine; its features are points, which are not areas.
    let text = read(UP_DISTRICT_HQ);
    let err = boundaries::preview(&text).unwrap_err();
    assert_eq!(
        err,
        BoundaryError::NotAnArea {
            feature: 1,
            geometry: "Point".into()
        }
    );
    assert_eq!(
        boundaries::read_areas(&text, BoundaryKind::PoliceStation, "DIST_HQ", None).unwrap_err(),
        err
    );
    let english = I18n::new(Lang::En).tr_args(err.i18n_key(), &err.i18n_args());
    assert!(
        english.contains("Feature 1 is a Point, not an area"),
        "{english}"
    );
}

#[test]
fn a_second_import_replaces_the_layer_and_leaves_the_other_kind_alone() {
    let text = read(LUCKNOW_WARDS);
    let registry = Registry::new();
    let mut store = registry.open();
    import_file(
        &mut store,
        &actor(0),
        BoundaryKind::Ward,
        LUCKNOW_FILE_NAME,
        &text,
    )
    .unwrap();

    // A police-station layer from the first ten areas (standing in for a thana file).
    let mut value: Value = serde_json::from_str(&text).unwrap();
    let features = value["features"].as_array_mut().unwrap();
    features.truncate(10);
    let ten = value.to_string();
    import_file(
        &mut store,
        &actor(10),
        BoundaryKind::PoliceStation,
        "thanas.geojson",
        &ten,
    )
    .unwrap();

    // The corrected ward file has only ten wards: it replaces all 112.
    assert_eq!(
        import_file(
            &mut store,
            &actor(20),
            BoundaryKind::Ward,
            "wards_v2.geojson",
            &ten
        )
        .unwrap(),
        10
    );
    let wards = store.boundaries(BoundaryKind::Ward).unwrap();
    assert_eq!(wards.len(), 10);
    assert!(wards.windows(2).all(|w| w[0].name <= w[1].name));
    let layer = store.boundary_layer(BoundaryKind::Ward).unwrap().unwrap();
    assert_eq!(
        (layer.source_name.as_str(), layer.imported_unix_s),
        ("wards_v2.geojson", T0 + 20)
    );
    let thanas = store.boundaries(BoundaryKind::PoliceStation).unwrap();
    assert_eq!(thanas.len(), 10);
    assert!(thanas.iter().all(|t| t.kind == BoundaryKind::PoliceStation));
    let rows: i64 = store
        .conn_for_tests()
        .query_row("SELECT count(*) FROM boundary", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 20, "no stale rows");

    // The audit says what was replaced.
    let audit = store.audit_entries(None, 10).unwrap();
    assert_eq!(audit.len(), 3);
    let last = audit
        .iter()
        .find(|e| e.at_unix_s == T0 + 20)
        .expect("the re-import's entry");
    let before = json(last.before_json.as_deref());
    let after = json(last.after_json.as_deref());
    assert_eq!(
        (
            before["kind"].as_str(),
            before["file"].as_str(),
            before["count"].as_i64()
        ),
        (Some("ward"), Some(LUCKNOW_FILE_NAME), Some(112))
    );
    assert_eq!(
        (after["file"].as_str(), after["count"].as_i64()),
        (Some("wards_v2.geojson"), Some(10))
    );
}

#[test]
fn a_demo_registry_has_sixty_wards_and_every_site_lies_in_the_ward_it_names() {
    let registry = Registry::new();
    let mut store = registry.open();
    demo::generate(
        &mut store,
        &DemoOptions {
            cameras: demo::DEFAULT_CAMERAS,
            seed: 1,
            now_unix_s: 1_795_564_800,
            user: "demo.user".into(),
        },
        &|_| true,
    )
    .unwrap();
    drop(store);

    let store = registry.open();
    let wards = store.boundaries(BoundaryKind::Ward).unwrap();
    assert_eq!(wards.len(), 60);
    let by_name: HashMap<&str, &BoundaryArea> =
        wards.iter().map(|w| (w.name.as_str(), w)).collect();
    assert_eq!(by_name.len(), 60, "names are distinct");
    let sites: Vec<(String, String, f64, f64)> = store
        .conn_for_tests()
        .prepare("SELECT name_en, ward, lat_deg, lon_deg FROM site ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(sites.len(), 1_280);
    let mut per_ward: HashMap<&str, usize> = HashMap::new();
    for (name, ward, lat, lon) in &sites {
        let area = by_name
            .get(ward.as_str())
            .unwrap_or_else(|| panic!("{name}: ward {ward} has no area"));
        assert!(
            area.contains(*lat, *lon),
            "{name} ({lat}, {lon}) is not inside {ward}"
        );
        *per_ward.entry(ward).or_default() += 1;
    }
    assert_eq!(per_ward.len(), 60, "every ward has sites");
    // Jhansi-sized: the wards cover a city of about a hundred km² around the city centre.
    let km2: f64 = wards.iter().map(BoundaryArea::area_km2).sum();
    assert!((60.0..200.0).contains(&km2), "{km2} km²");
    assert_eq!(
        wards
            .iter()
            .filter(|w| w.contains(25.4486, 78.5697))
            .count(),
        1,
        "the city centre is in one ward"
    );
}
