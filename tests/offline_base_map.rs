//! An operator points the site map at an offline base map (an MBTiles file) and sees its tiles, or, for a file
//! the desk cannot draw, a message saying what is wrong with that file; the file itself is never changed.
//!
//! Shared fixtures (see shared/data/README.md): `node-mbtiles_plain_1.mbtiles` and `node-mbtiles_corrupt.mbtiles`
//! from mapbox/node-mbtiles `test/fixtures/`, BSD-style licence. Every other file here is built by the test.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use iccc_desk::i18n::{I18n, Lang};
use iccc_desk::model::geo::TileId;
use iccc_desk::services::map::mbtiles::{MbTiles, MbTilesError, TileFormat, source_for};
use iccc_desk::services::map::tiles::{TileEvent, TileLoader};
use rusqlite::{Connection, params};

const PLAIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/mbtiles/node-mbtiles_plain_1.mbtiles"
);
const CORRUPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/mbtiles/node-mbtiles_corrupt.mbtiles"
);

/// Collects the loader's events until `done` says enough, waiting for its wakes; fails (instead of hanging)
/// after ten seconds.
fn events_until(
    loader: &TileLoader,
    woken: &mpsc::Receiver<()>,
    done: impl Fn(&[TileEvent]) -> bool,
) -> Vec<TileEvent> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut events = loader.poll();
    while !done(&events) {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            woken.recv_timeout(left).is_ok(),
            "the loader did not answer: {events:?}"
        );
        events.extend(loader.poll());
    }
    events
}

/// The loader's wake callback, and the channel where each wake arrives.
fn wake_channel() -> (Arc<dyn Fn() + Send + Sync>, mpsc::Receiver<()>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let wake = move || {
        let _ = tx.lock().unwrap_or_else(|e| e.into_inner()).send(());
    };
    (Arc::new(wake), rx)
}

fn picture(format: image::ImageFormat) -> Vec<u8> {
    let tile = image::RgbImage::from_fn(256, 256, |x, y| image::Rgb([x as u8, y as u8, 140]));
    let mut bytes = Vec::new();
    tile.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
    bytes
}

/// One stored tile: zoom, column, TMS row, bytes.
type Row = (u8, u32, u32, Vec<u8>);

/// An MBTiles file with a plain `tiles` TABLE (and a `metadata` table when `metadata` is given).
fn build(dir: &Path, name: &str, metadata: Option<&[(&str, &str)]>, tiles: &[Row]) -> PathBuf {
    let path = dir.join(name);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
    )
    .unwrap();
    if let Some(metadata) = metadata {
        conn.execute_batch("CREATE TABLE metadata (name TEXT, value TEXT);")
            .unwrap();
        for (key, value) in metadata {
            conn.execute("INSERT INTO metadata VALUES (?1, ?2)", params![key, value])
                .unwrap();
        }
    }
    for (z, x, row, data) in tiles {
        conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            params![z, x, row, data],
        )
        .unwrap();
    }
    path
}

/// An SQLite file made by running `sql`.
fn database(dir: &Path, name: &str, sql: &str) -> PathBuf {
    let path = dir.join(name);
    Connection::open(&path).unwrap().execute_batch(sql).unwrap();
    path
}

/// The error `MbTiles::open` gives, checked to be the same one the loader reports and to name the file.
fn open_error(path: &Path) -> MbTilesError {
    let error = MbTiles::open(path).expect_err("the file must be refused");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(error.to_string().contains(&name), "{error}");
    for lang in Lang::ALL {
        let text = I18n::new(lang).tr_args(error.i18n_key(), &error.i18n_args());
        assert!(text.contains(&name), "{lang:?}: {text}");
    }
    let (wake, woken) = wake_channel();
    let loader = TileLoader::open(path.to_path_buf(), wake);
    loader.want(vec![TileId { z: 0, x: 0, y: 0 }]);
    let events = events_until(&loader, &woken, |events| !events.is_empty());
    match &events[..] {
        [TileEvent::Opened(Err(from_loader))] => {
            assert_eq!(from_loader.i18n_key(), error.i18n_key())
        }
        other => panic!("{}: {other:?}", path.display()),
    }
    error
}

#[test]
fn the_shared_base_map_opens_and_its_tiles_arrive_decoded() {
    let mbtiles = MbTiles::open(Path::new(PLAIN)).unwrap();
    let info = mbtiles.info();
    assert_eq!(info.tile_count, 285);
    assert_eq!((info.min_zoom, info.max_zoom), (0, 4));
    // The metadata has no `format`: the first tile's bytes say PNG.
    assert_eq!(info.format, TileFormat::Png);
    let (west, south, east, north) = info.bounds_deg.unwrap();
    assert!((west + 180.0).abs() < 1e-6 && (east - 180.0).abs() < 1e-6);
    assert!((south + 70.0).abs() < 1e-6 && (north - 85.0).abs() < 1e-6);

    // Zoomed in to 6 over Jhansi, the map draws part of the zoom-4 tile that holds it.
    let jhansi_at_6 = TileId { z: 6, x: 45, y: 27 };
    let over_zoomed = source_for(jhansi_at_6, info).unwrap();
    assert_eq!(over_zoomed, TileId { z: 4, x: 11, y: 6 });

    let (wake, woken) = wake_channel();
    let loader = TileLoader::open(PathBuf::from(PLAIN), wake);
    let wanted = vec![
        over_zoomed,
        TileId { z: 0, x: 0, y: 0 },
        TileId { z: 1, x: 0, y: 0 },
        TileId { z: 1, x: 1, y: 1 },
        TileId { z: 3, x: 5, y: 3 },
    ];
    loader.want(wanted.clone());
    let events = events_until(&loader, &woken, |events| events.len() == 1 + wanted.len());
    let TileEvent::Opened(Ok(opened)) = &events[0] else {
        panic!("{:?}", events[0]);
    };
    assert_eq!(opened, info);
    let mut delivered = Vec::new();
    for event in &events[1..] {
        let TileEvent::Loaded(tile) = event else {
            panic!("{event:?}");
        };
        assert_eq!(
            (tile.width_px, tile.height_px, tile.rgba.len()),
            (256, 256, 256 * 256 * 4)
        );
        delivered.push(tile.tile);
    }
    assert_eq!(delivered, wanted, "most important first");
}

#[test]
fn files_from_other_tools_open_with_what_they_have() {
    let dir = tempfile::tempdir().unwrap();
    // A plain tiles TABLE of JPEG tiles, the way gdal or MOBAC write aerial imagery.
    let jpeg = build(
        dir.path(),
        "jhansi_aerial.mbtiles",
        Some(&[
            ("name", "Jhansi aerial"),
            ("format", "jpg"),
            ("minzoom", "12"),
            ("maxzoom", "12"),
            ("bounds", "78.45,25.35,78.70,25.55"),
        ]),
        &[(12, 2941, 2347, picture(image::ImageFormat::Jpeg))],
    );
    let info = MbTiles::open(&jpeg).unwrap().info().clone();
    assert_eq!(info.format, TileFormat::Jpeg);
    assert_eq!((info.min_zoom, info.max_zoom, info.tile_count), (12, 12, 1));
    let (wake, woken) = wake_channel();
    let loader = TileLoader::open(jpeg, wake);
    let jhansi = TileId {
        z: 12,
        x: 2941,
        y: 1748,
    };
    loader.want(vec![
        jhansi,
        TileId {
            z: 12,
            x: 2942,
            y: 1748,
        },
    ]);
    let events = events_until(&loader, &woken, |events| events.len() == 3);
    assert!(
        matches!(&events[1], TileEvent::Loaded(t) if t.tile == jhansi && t.width_px == 256),
        "{:?}",
        events[1]
    );
    assert!(
        matches!(events[2], TileEvent::Missing(_)),
        "{:?}",
        events[2]
    );

    // No metadata table at all: zooms from the tiles, format from their bytes, no bounds.
    let bare = build(
        dir.path(),
        "bare.mbtiles",
        None,
        &[
            (3, 5, 4, picture(image::ImageFormat::WebP)),
            (5, 22, 18, picture(image::ImageFormat::WebP)),
        ],
    );
    let info = MbTiles::open(&bare).unwrap().info().clone();
    assert_eq!(info.format, TileFormat::Webp);
    assert_eq!((info.min_zoom, info.max_zoom, info.tile_count), (3, 5, 2));
    assert_eq!(
        (info.name, info.bounds_deg, info.attribution),
        (None, None, None)
    );
    let (wake, woken) = wake_channel();
    let loader = TileLoader::open(bare, wake);
    loader.want(vec![TileId { z: 3, x: 5, y: 3 }]);
    let events = events_until(&loader, &woken, |events| events.len() == 2);
    assert!(matches!(events[1], TileEvent::Loaded(_)), "{:?}", events[1]);
}

#[test]
fn every_bad_file_gets_its_own_error_and_nothing_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let png = picture(image::ImageFormat::Png);
    let gzip = vec![0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03];

    let pbf = build(
        dir,
        "streets_pbf.mbtiles",
        Some(&[("format", "pbf")]),
        &[(0, 0, 0, png.clone())],
    );
    assert!(matches!(open_error(&pbf), MbTilesError::VectorTiles { .. }));
    let packed = build(dir, "streets_gzip.mbtiles", None, &[(0, 0, 0, gzip)]);
    let error = open_error(&packed);
    assert!(
        matches!(error, MbTilesError::VectorTiles { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("vector tiles"), "{error}");

    let text = build(
        dir,
        "text_tiles.mbtiles",
        Some(&[("name", "not pictures")]),
        &[(0, 0, 0, b"tile not found".to_vec())],
    );
    assert!(matches!(open_error(&text), MbTilesError::NotImages { .. }));
    let gif = build(
        dir,
        "gif_tiles.mbtiles",
        None,
        &[(0, 0, 0, b"GIF89a\x01\x00".to_vec())],
    );
    assert!(matches!(
        open_error(&gif),
        MbTilesError::UnsupportedFormat { format, .. } if format == "GIF"
    ));

    // An empty database: a file SQLite never wrote a page to, and one with a header but no tables.
    let never_written = database(dir, "never_written.mbtiles", "");
    assert_eq!(std::fs::metadata(&never_written).unwrap().len(), 0);
    assert!(matches!(
        open_error(&never_written),
        MbTilesError::Empty { .. }
    ));
    let no_tables = database(dir, "no_tables.mbtiles", "PRAGMA user_version = 7;");
    assert!(matches!(open_error(&no_tables), MbTilesError::Empty { .. }));

    let registry = database(
        dir,
        "registry.mbtiles",
        "CREATE TABLE sites (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE metadata (name TEXT, value TEXT);",
    );
    assert!(matches!(
        open_error(&registry),
        MbTilesError::NoTilesTable { .. }
    ));
    let odd_columns = database(
        dir,
        "odd_columns.mbtiles",
        "CREATE TABLE tiles (z, x, y, png);",
    );
    assert!(matches!(
        open_error(&odd_columns),
        MbTilesError::BadTilesTable { .. }
    ));
    let broken_view = database(
        dir,
        "broken_view.mbtiles",
        "CREATE TABLE map (zoom_level, tile_column, tile_row, tile_id);
         CREATE VIEW tiles AS SELECT zoom_level, tile_column, tile_row, tile_data
             FROM map JOIN images USING (tile_id);",
    );
    assert!(matches!(
        open_error(&broken_view),
        MbTilesError::BadTilesTable { .. }
    ));
    let no_tiles = build(dir, "no_tiles.mbtiles", Some(&[("format", "png")]), &[]);
    assert!(matches!(
        open_error(&no_tiles),
        MbTilesError::NoTiles { .. }
    ));

    let notes = dir.join("notes.mbtiles");
    std::fs::write(&notes, "Jhansi base map: ask the GIS cell for the file.\n").unwrap();
    assert!(matches!(open_error(&notes), MbTilesError::NotSqlite { .. }));

    let error = open_error(Path::new(CORRUPT));
    assert!(matches!(error, MbTilesError::Corrupt { .. }), "{error:?}");

    let missing = dir.join("missing.mbtiles");
    assert!(matches!(open_error(&missing), MbTilesError::Missing { .. }));
    let folder = dir.join("folder.mbtiles");
    std::fs::create_dir(&folder).unwrap();
    assert!(matches!(open_error(&folder), MbTilesError::NotAFile { .. }));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let locked = build(dir, "locked.mbtiles", None, &[(0, 0, 0, png)]);
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads the file anyway; the check only means something for an ordinary user.
        if std::fs::File::open(&locked).is_err() {
            assert!(matches!(
                open_error(&locked),
                MbTilesError::Unreadable { .. }
            ));
        }
    }
}

/// Everything in a folder: names, sizes, a digest of the contents and modification times.
fn snapshot(dir: &Path) -> Vec<(String, usize, u64, std::time::SystemTime)> {
    use std::hash::{DefaultHasher, Hash as _, Hasher as _};
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            let bytes = std::fs::read(&path).unwrap();
            let mut digest = DefaultHasher::new();
            bytes.hash(&mut digest);
            (name, bytes.len(), digest.finish(), modified)
        })
        .collect();
    files.sort();
    files
}

/// Opens, reads every tile of zoom 0 to 2 directly and through the loader, and closes again.
fn use_the_map(path: &Path) {
    let mbtiles = MbTiles::open(path).unwrap();
    let tiles: Vec<TileId> = (0..=2u8)
        .flat_map(|z| {
            let side = 1u32 << z;
            (0..side).flat_map(move |y| (0..side).map(move |x| TileId { z, x, y }))
        })
        .collect();
    for &tile in &tiles {
        mbtiles.tile(tile).unwrap();
    }
    let (wake, woken) = wake_channel();
    let loader = TileLoader::open(path.to_path_buf(), wake);
    loader.want(tiles.clone());
    events_until(&loader, &woken, |events| events.len() == 1 + tiles.len());
}

#[test]
fn the_users_file_is_left_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    // A copy in a folder the desk may write to, so a stray -wal, -shm or -journal file would show.
    let copy = dir.path().join("jhansi_base.mbtiles");
    std::fs::copy(PLAIN, &copy).unwrap();
    let before = snapshot(dir.path());
    use_the_map(&copy);
    assert_eq!(snapshot(dir.path()), before);

    // A WAL-mode file: opened read-only without `immutable`, SQLite would create a -shm file beside it.
    let wal_dir = tempfile::tempdir().unwrap();
    let wal = wal_dir.path().join("wal_mode.mbtiles");
    let conn = Connection::open(&wal).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    conn.execute_batch(
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
    )
    .unwrap();
    let png = picture(image::ImageFormat::Png);
    for (z, x, row) in [(0, 0, 0), (1, 0, 0), (1, 1, 1), (2, 3, 2)] {
        conn.execute(
            "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
            params![z, x, row, png],
        )
        .unwrap();
    }
    drop(conn);
    let before = snapshot(wal_dir.path());
    assert_eq!(before.len(), 1, "SQLite removes its WAL files on close");
    use_the_map(&wal);
    assert_eq!(snapshot(wal_dir.path()), before);

    // The shared fixtures sit in a read-only folder: they open and are refused there just the same.
    let shared = Path::new(PLAIN).parent().unwrap();
    let before = snapshot(shared);
    use_the_map(Path::new(PLAIN));
    let _ = MbTiles::open(Path::new(CORRUPT));
    assert_eq!(snapshot(shared), before);
}
