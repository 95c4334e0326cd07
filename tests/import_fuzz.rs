//! Fuzzing the importer: whatever bytes a file holds, the CSV, GeoJSON and Overpass readers answer with rows or
//! a clear error and never panic; and whatever rows a list holds, an import writes exactly the rows its dry run
//! said it would add — all of them, or (when the registry refuses one while writing) none.

use iccc_desk::i18n::{I18n, Lang};
use iccc_desk::services::exchange::import::commit::{CommitError, commit};
use iccc_desk::services::exchange::import::dry_run;
use iccc_desk::services::exchange::import::plan::{ImportSettings, RowAction};
use iccc_desk::services::exchange::import::read::{SourceFormat, read};
use iccc_desk::store::{Actor, OpenOptions, Store};
use proptest::prelude::*;

fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(
        &dir.path().join("r.sqlite"),
        &OpenOptions {
            key_dir: dir.path().join("keys"),
        },
    )
    .unwrap()
}

fn actor() -> Actor {
    Actor {
        user: "fuzz".into(),
        now_unix_s: 1_795_564_800,
    }
}

fn cameras(store: &Store) -> i64 {
    store
        .conn_for_tests()
        .query_row("SELECT count(*) FROM camera", [], |r| r.get(0))
        .unwrap()
}

/// A cell as people type them: good and bad numbers, words, quotes, separators, Hindi, line breaks.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (25.39f64..25.51).prop_map(|v| format!("{v:.5}")),
        (78.50f64..78.65).prop_map(|v| format!("{v:.5}")),
        Just(String::new()),
        Just("0".to_string()),
        Just("25.448.123".to_string()),
        Just("2930000".to_string()),
        Just("N".to_string()),
        Just("90;160;270".to_string()),
        Just("190-100".to_string()),
        Just("room".to_string()),
        Just("होटल \"राज\", झाँसी".to_string()),
        Just("line\nbreak".to_string()),
        Just("=cmd|' /C calc'!A0".to_string()),
        Just("rtsp://u:p@127.0.0.7:554/x".to_string()),
        "[a-zA-Z0-9 ,;\"'-]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        for format in [SourceFormat::Csv, SourceFormat::GeoJson, SourceFormat::Overpass] {
            let _ = read(&bytes, format, None);
        }
    }

    #[test]
    fn readers_never_panic_on_near_json(
        parts in proptest::collection::vec(prop_oneof![
            Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("\"type\""),
            Just("\"FeatureCollection\""), Just("\"features\""), Just("\"Feature\""), Just("\"geometry\""),
            Just("\"Point\""), Just("\"coordinates\""), Just("\"properties\""), Just("null"), Just("1e999"),
            Just("-0"), Just("78.5"), Just("\"elements\""), Just("\"node\""), Just("\"lat\""), Just("\"lon\""),
            Just("\"tags\""), Just("\"id\""),
        ], 0..60)
    ) {
        let text: String = parts.concat();
        for format in [SourceFormat::GeoJson, SourceFormat::Overpass, SourceFormat::Csv] {
            let _ = read(text.as_bytes(), format, None);
        }
    }
}

proptest! {
    // Each case writes a registry file: fewer cases, still every kind of cell in many mixes.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn an_import_writes_exactly_what_its_dry_run_adds(
        rows in proptest::collection::vec(proptest::collection::vec(cell(), 6), 1..40)
    ) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["camera_id", "name", "lat", "lon", "direction", "area"]).unwrap();
        for (i, row) in rows.iter().enumerate() {
            let mut row = row.clone();
            // Half the rows get an id, so duplicates by id happen too.
            row[0] = if i % 2 == 0 { format!("{}", i % 7) } else { row[0].clone() };
            writer.write_record(&row).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        let table = read(&bytes, SourceFormat::Csv, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = store(&dir);
        let i18n = I18n::new(Lang::En);
        let settings = ImportSettings::guessed(&table.headers);
        let checked = dry_run(&store, &table, &settings, &i18n).unwrap();
        let counts = checked.plan.counts;
        prop_assert_eq!(
            counts.added + counts.updated + counts.unchanged + counts.skipped + counts.refused,
            table.rows.len()
        );
        if counts.added > 0 {
            commit(&mut store, &actor(), &checked.plan, "fuzz.csv", checked.revision, &mut |_| true)
                .unwrap();
        }
        prop_assert_eq!(cameras(&store), counts.added as i64);
        let rejected: i64 = store
            .conn_for_tests()
            .query_row("SELECT count(*) FROM camera WHERE stage = 'rejected'", [], |r| r.get(0))
            .unwrap();
        prop_assert_eq!(rejected, counts.rejected_private as i64);
    }

    #[test]
    fn a_row_refused_while_writing_leaves_nothing_behind(
        n in 2usize..30,
        bad in any::<prop::sample::Index>(),
    ) {
        let mut text = String::from("name,lat,lon,stream_url\n");
        for i in 0..n {
            text.push_str(&format!(
                "Cam {i},{:.5},78.56,rtsp://127.0.0.8:554/{i}\n",
                25.40 + i as f64 * 0.001
            ));
        }
        let table = read(text.as_bytes(), SourceFormat::Csv, None).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = store(&dir);
        let i18n = I18n::new(Lang::En);
        let settings = ImportSettings::guessed(&table.headers);
        let mut checked = dry_run(&store, &table, &settings, &i18n).unwrap();
        prop_assert_eq!(checked.plan.counts.added, n);
        // Another desk takes one row's stream address after the check: the registry's unique index refuses that
        // row while the import writes (here simulated by giving a later row the first row's address).
        let k = 1 + bad.index(n - 1);
        let first_url = checked.plan.rows[0].camera.as_ref().unwrap().stream_url.clone();
        let row = &mut checked.plan.rows[k];
        prop_assert_eq!(&row.action, &RowAction::Add);
        if let Some(c) = row.camera.as_mut() {
            c.stream_url = first_url;
        }
        let result = commit(&mut store, &actor(), &checked.plan, "fuzz.csv", checked.revision, &mut |_| true);
        let is_row_error = matches!(result, Err(CommitError::Row { row, .. }) if row == checked.plan.rows[k].row);
        prop_assert!(is_row_error, "{:?}", result.err());
        prop_assert_eq!(cameras(&store), 0);
        let sites: i64 = store.conn_for_tests().query_row("SELECT count(*) FROM site", [], |r| r.get(0)).unwrap();
        prop_assert_eq!(sites, 0);
        let audit: i64 = store.conn_for_tests().query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
        prop_assert_eq!(audit, 0);
    }
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let mut text = String::from("name,lat,lon\n");
    for i in 0..5_000 {
        text.push_str(&format!(
            "Cam {i},{:.5},78.56\n",
            25.40 + i as f64 * 0.00001
        ));
    }
    let table = read(text.as_bytes(), SourceFormat::Csv, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&dir);
    let settings = ImportSettings::guessed(&table.headers);
    let checked = dry_run(&store, &table, &settings, &I18n::new(Lang::En)).unwrap();
    assert_eq!(checked.plan.counts.added, 5_000);
    // The operator presses "Cancel" once the writing is under way.
    let mut calls = 0;
    let result = commit(
        &mut store,
        &actor(),
        &checked.plan,
        "list.csv",
        checked.revision,
        &mut |fraction| {
            calls += 1;
            fraction < 0.5
        },
    );
    assert!(matches!(result, Err(CommitError::Cancelled)), "{result:?}");
    assert!(calls >= 2, "cancelled part-way, not before the start");
    assert_eq!(cameras(&store), 0);
    let audit: i64 = store
        .conn_for_tests()
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audit, 0);
}
