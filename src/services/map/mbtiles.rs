//! The offline base map: raster tiles read from an MBTiles file (one SQLite database of map pictures), so the
//! site map shows streets in a control room that has no internet.
//!
//! The file belongs to the user and is often the only copy: it is opened read-only and `immutable`, so SQLite
//! takes no locks and never creates `-wal`/`-shm`/journal files beside it, even for a WAL-mode file or in a
//! read-only folder. (The price: a file being rewritten while the desk reads it may read as damaged.)
//!
//! Real files are untidy: `tiles` is often a view over deduplicated images, and `format`, `bounds`, `minzoom` and
//! `maxzoom` are optional in the metadata, so they fall back to the data. Every way a file can be unusable has its
//! own [`MbTilesError`] naming the file, and a progress handler cuts off any query that runs past a deadline, so a
//! damaged or enormous file never freezes the map.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension as _, params};

use crate::model::geo::{self, TileId};

/// The deepest zoom level the desk reads (tile numbers still fit `u32` rows and columns).
pub const MAX_ZOOM: u8 = 30;
/// A stored tile larger than this is refused unread: map tiles are tens of kilobytes, and a huge blob would only
/// take the desk's memory.
pub const MAX_TILE_BYTES: u64 = 8 * 1024 * 1024;
/// Time allowed for all of [`MbTiles::open`]'s queries (a count over millions of tiles takes a few seconds).
pub const OPEN_DEADLINE: Duration = Duration::from_secs(20);
/// Time allowed for reading one tile.
pub const TILE_DEADLINE: Duration = Duration::from_secs(5);
/// How long a query waits on a lock (none are expected: the file is opened `immutable`).
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// The first 16 bytes of every SQLite 3 database.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// SQLite virtual-machine steps between two looks at the deadline.
const PROGRESS_STEPS: i32 = 4_096;

/// The picture format of a file's raster tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileFormat {
    Png,
    Jpeg,
    Webp,
}

impl TileFormat {
    /// The format's usual name, as MBTiles metadata spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::Webp => "webp",
        }
    }
}

/// What a base map file holds, read once when it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct MbTilesInfo {
    pub path: PathBuf,
    pub name: Option<String>,
    pub format: TileFormat,
    pub min_zoom: u8,
    pub max_zoom: u8,
    /// west, south, east, north in degrees
    pub bounds_deg: Option<(f64, f64, f64, f64)>,
    pub attribution: Option<String>,
    pub tile_count: u64,
}

/// Why a base map file (or one of its tiles) cannot be shown. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum MbTilesError {
    /// Nothing at that path.
    #[error("the base map file {path} was not found")]
    Missing { path: PathBuf },
    /// The path is a folder (or another non-file).
    #[error("{path} is a folder, not a base map file (.mbtiles)")]
    NotAFile { path: PathBuf },
    /// The operating system refused to read the file (permissions, a disk error).
    #[error("the base map file {path} cannot be read: {detail}")]
    Unreadable { path: PathBuf, detail: String },
    /// Not an SQLite database at all (a text file, an encrypted or truncated file).
    #[error("{path} is not an MBTiles base map (not an SQLite database)")]
    NotSqlite { path: PathBuf },
    /// An SQLite database whose pages are damaged.
    #[error("the base map file {path} is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    /// An SQLite database without a single table.
    #[error("{path} is an empty database: it holds no map tiles")]
    Empty { path: PathBuf },
    /// An SQLite database of something else: no `tiles` table or view.
    #[error("{path} is an SQLite database but not an MBTiles base map: it has no 'tiles' table")]
    NoTilesTable { path: PathBuf },
    /// `tiles` exists but lacks the MBTiles columns (or is a view over missing tables).
    #[error("the 'tiles' table of {path} is not in MBTiles form: {detail}")]
    BadTilesTable { path: PathBuf, detail: String },
    /// A well-formed `tiles` table with no tiles in it.
    #[error("the base map file {path} has no tiles")]
    NoTiles { path: PathBuf },
    /// Vector tiles (`pbf`, gzip- or zlib-packed protobuf): map data for a style renderer, not pictures.
    #[error(
        "{path} holds vector tiles (map data, not pictures); the desk draws raster tiles (PNG, JPEG or WebP): \
         export the base map as raster MBTiles"
    )]
    VectorTiles { path: PathBuf },
    /// Pictures in a format the desk does not decode (GIF, TIFF, …, or an unknown `format` in the metadata).
    #[error("the tiles in {path} are {format} pictures; the desk draws PNG, JPEG or WebP tiles")]
    UnsupportedFormat { path: PathBuf, format: String },
    /// The stored tiles are not pictures at all.
    #[error("the tiles in {path} are not pictures (neither PNG, JPEG nor WebP)")]
    NotImages { path: PathBuf },
    /// A query ran past its deadline (a huge file without its index, or a damaged one).
    #[error(
        "the base map file {path} took more than {seconds} s to answer; it may be too large or missing its index"
    )]
    TooSlow { path: PathBuf, seconds: u64 },
    /// One stored tile is larger than [`MAX_TILE_BYTES`]; it was not read.
    #[error("tile {} of {path} is {size_bytes} bytes, more than the {max_bytes} a map tile may have", tile_name(*.tile))]
    TileTooBig {
        path: PathBuf,
        tile: TileId,
        size_bytes: u64,
        max_bytes: u64,
    },
    /// Any other SQLite failure.
    #[error("the base map file {path} could not be read: {detail}")]
    Database { path: PathBuf, detail: String },
}

/// "z/x/y", the way tile servers write a tile in their URLs.
fn tile_name(tile: TileId) -> String {
    format!("{}/{}/{}", tile.z, tile.x, tile.y)
}

impl MbTilesError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            Self::Missing { path }
            | Self::NotAFile { path }
            | Self::Unreadable { path, .. }
            | Self::NotSqlite { path }
            | Self::Corrupt { path, .. }
            | Self::Empty { path }
            | Self::NoTilesTable { path }
            | Self::BadTilesTable { path, .. }
            | Self::NoTiles { path }
            | Self::VectorTiles { path }
            | Self::UnsupportedFormat { path, .. }
            | Self::NotImages { path }
            | Self::TooSlow { path, .. }
            | Self::TileTooBig { path, .. }
            | Self::Database { path, .. } => path,
        }
    }

    /// Fluent key of the message shown on the map, and its arguments.
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "map-tiles-error-missing",
            Self::NotAFile { .. } => "map-tiles-error-not-a-file",
            Self::Unreadable { .. } => "map-tiles-error-unreadable",
            Self::NotSqlite { .. } => "map-tiles-error-not-sqlite",
            Self::Corrupt { .. } => "map-tiles-error-corrupt",
            Self::Empty { .. } => "map-tiles-error-empty",
            Self::NoTilesTable { .. } => "map-tiles-error-no-tiles-table",
            Self::BadTilesTable { .. } => "map-tiles-error-bad-tiles-table",
            Self::NoTiles { .. } => "map-tiles-error-no-tiles",
            Self::VectorTiles { .. } => "map-tiles-error-vector",
            Self::UnsupportedFormat { .. } => "map-tiles-error-unsupported-format",
            Self::NotImages { .. } => "map-tiles-error-not-images",
            Self::TooSlow { .. } => "map-tiles-error-too-slow",
            Self::TileTooBig { .. } => "map-tiles-error-tile-too-big",
            Self::Database { .. } => "map-tiles-error-database",
        }
    }

    /// Named values [`Self::i18n_key`]'s message refers to; `path` is always there.
    pub fn i18n_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("path", self.path().display().to_string())];
        match self {
            Self::Unreadable { detail, .. }
            | Self::Corrupt { detail, .. }
            | Self::BadTilesTable { detail, .. }
            | Self::Database { detail, .. } => args.push(("detail", detail.clone())),
            Self::UnsupportedFormat { format, .. } => args.push(("format", format.clone())),
            Self::TooSlow { seconds, .. } => args.push(("seconds", seconds.to_string())),
            Self::TileTooBig {
                tile,
                size_bytes,
                max_bytes,
                ..
            } => {
                args.push(("tile", tile_name(*tile)));
                args.push(("size", size_bytes.to_string()));
                args.push(("max", max_bytes.to_string()));
            }
            Self::Missing { .. }
            | Self::NotAFile { .. }
            | Self::NotSqlite { .. }
            | Self::Empty { .. }
            | Self::NoTilesTable { .. }
            | Self::NoTiles { .. }
            | Self::VectorTiles { .. }
            | Self::NotImages { .. } => {}
        }
        args
    }
}

/// An open base map file: a read-only SQLite connection and what the file holds.
pub struct MbTiles {
    conn: Connection,
    info: MbTilesInfo,
    /// Milliseconds after `clock_start` at which the running query is cut off; `u64::MAX` when none runs.
    deadline_ms: Arc<AtomicU64>,
    clock_start: Instant,
}

impl std::fmt::Debug for MbTiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MbTiles").field("info", &self.info).finish()
    }
}

impl MbTiles {
    /// Opens a base map file read-only and reads what it holds; the file is never changed.
    pub fn open(path: &Path) -> Result<MbTiles, MbTilesError> {
        check_file(path)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(immutable_uri(path), flags)
            .map_err(|e| sql_error(path, e, OPEN_DEADLINE))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| sql_error(path, e, OPEN_DEADLINE))?;
        let deadline_ms = Arc::new(AtomicU64::new(u64::MAX));
        let clock_start = Instant::now();
        let handler_deadline = Arc::clone(&deadline_ms);
        conn.progress_handler(
            PROGRESS_STEPS,
            Some(move || {
                clock_start.elapsed().as_millis() as u64 > handler_deadline.load(Ordering::Relaxed)
            }),
        )
        .map_err(|e| sql_error(path, e, OPEN_DEADLINE))?;
        let mut mbtiles = MbTiles {
            conn,
            info: MbTilesInfo {
                path: path.to_path_buf(),
                name: None,
                format: TileFormat::Png,
                min_zoom: 0,
                max_zoom: 0,
                bounds_deg: None,
                attribution: None,
                tile_count: 0,
            },
            deadline_ms,
            clock_start,
        };
        mbtiles.arm(OPEN_DEADLINE);
        let info = mbtiles.read_info();
        mbtiles.disarm();
        mbtiles.info = info?;
        Ok(mbtiles)
    }

    /// What the file holds.
    pub fn info(&self) -> &MbTilesInfo {
        &self.info
    }

    /// The stored image bytes of one tile (XYZ numbering in, TMS row flip inside), None when the file has none.
    pub fn tile(&self, tile: TileId) -> Result<Option<Vec<u8>>, MbTilesError> {
        if !is_on_the_map(tile) {
            return Ok(None);
        }
        self.arm(TILE_DEADLINE);
        let found = self.read_tile(tile);
        self.disarm();
        let path = &self.info.path;
        let Some(stored) = found.map_err(|e| sql_error(path, e, TILE_DEADLINE))? else {
            return Ok(None);
        };
        match stored {
            // A row whose data is NULL: nothing to draw, as with no row.
            StoredTile {
                size_bytes: None, ..
            } => Ok(None),
            StoredTile {
                size_bytes: Some(size_bytes),
                data: None,
            } => Err(MbTilesError::TileTooBig {
                path: path.clone(),
                tile,
                size_bytes,
                max_bytes: MAX_TILE_BYTES,
            }),
            StoredTile { data, .. } => Ok(data),
        }
    }

    /// The tile's row, if the file has one.
    fn read_tile(&self, tile: TileId) -> rusqlite::Result<Option<StoredTile>> {
        // length() of a blob does not load it, so an oversized tile is never copied out of the file.
        let mut statement = self.conn.prepare_cached(
            "SELECT length(tile_data), CASE WHEN length(tile_data) <= ?4 THEN tile_data END
             FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3 LIMIT 1",
        )?;
        statement
            .query_row(
                params![tile.z, tile.x, tile.tms_row(), MAX_TILE_BYTES as i64],
                |row| {
                    let size_bytes = row.get::<_, Option<i64>>(0)?.map(|n| n.max(0) as u64);
                    let data = match row.get_ref(1)? {
                        ValueRef::Null => None,
                        ValueRef::Blob(bytes) | ValueRef::Text(bytes) => Some(bytes.to_vec()),
                        // A number is no picture; its text lets the decoder say so.
                        ValueRef::Integer(n) => Some(n.to_string().into_bytes()),
                        ValueRef::Real(x) => Some(x.to_string().into_bytes()),
                    };
                    Ok(StoredTile { size_bytes, data })
                },
            )
            .optional()
    }

    fn arm(&self, allowed: Duration) {
        let at = self.clock_start.elapsed() + allowed;
        self.deadline_ms
            .store(at.as_millis() as u64, Ordering::Relaxed);
    }

    fn disarm(&self) {
        self.deadline_ms.store(u64::MAX, Ordering::Relaxed);
    }

    /// Reads the metadata, falling back to the tiles themselves for what it lacks.
    fn read_info(&self) -> Result<MbTilesInfo, MbTilesError> {
        let path = &self.info.path;
        let fail = |e| sql_error(path, e, OPEN_DEADLINE);
        let names = self.table_names().map_err(fail)?;
        if names.is_empty() {
            return Err(MbTilesError::Empty { path: path.clone() });
        }
        if !names.iter().any(|n| n.eq_ignore_ascii_case("tiles")) {
            return Err(MbTilesError::NoTilesTable { path: path.clone() });
        }
        if let Err(e) = self
            .conn
            .prepare("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0")
        {
            return Err(match sql_error(path, e, OPEN_DEADLINE) {
                MbTilesError::Database { path, detail } => {
                    MbTilesError::BadTilesTable { path, detail }
                }
                other => other,
            });
        }
        let metadata = if names.iter().any(|n| n.eq_ignore_ascii_case("metadata")) {
            self.metadata().map_err(fail)?
        } else {
            Metadata::default()
        };
        let listed_format = match metadata.format.as_deref() {
            None => None,
            Some(text) => Some(parse_format(text).map_err(|found| match found {
                Sniffed::Vector => MbTilesError::VectorTiles { path: path.clone() },
                _ => MbTilesError::UnsupportedFormat {
                    path: path.clone(),
                    format: text.trim().to_string(),
                },
            })?),
        };
        let tile_count: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM tiles", [], |row| row.get(0))
            .map_err(fail)?;
        let Some(first_bytes) = self.first_tile_bytes().map_err(fail)? else {
            return Err(MbTilesError::NoTiles { path: path.clone() });
        };
        // The bytes are checked even when the metadata names a format: a vector file mislabelled `png` must
        // say so now, not fail tile by tile on the map.
        let format = match sniff(&first_bytes) {
            Sniffed::Raster(sniffed) => listed_format.unwrap_or(sniffed),
            Sniffed::Vector => return Err(MbTilesError::VectorTiles { path: path.clone() }),
            Sniffed::OtherPicture(name) => {
                return Err(MbTilesError::UnsupportedFormat {
                    path: path.clone(),
                    format: name.to_string(),
                });
            }
            Sniffed::Unknown => return Err(MbTilesError::NotImages { path: path.clone() }),
        };
        let listed_zooms = match (metadata.min_zoom, metadata.max_zoom) {
            (Some(min), Some(max)) if min <= max => Some((min, max)),
            _ => None,
        };
        let (min_zoom, max_zoom) = match listed_zooms {
            Some(zooms) => zooms,
            None => {
                let from_data = (
                    self.zoom_in_data(false).map_err(fail)?,
                    self.zoom_in_data(true).map_err(fail)?,
                );
                let (Some(data_min), Some(data_max)) = from_data else {
                    return Err(MbTilesError::NoTiles { path: path.clone() });
                };
                // One listed end is still trusted when it agrees with the data's other end.
                let min = metadata
                    .min_zoom
                    .filter(|&z| z <= data_max)
                    .unwrap_or(data_min);
                let max = metadata.max_zoom.filter(|&z| z >= min).unwrap_or(data_max);
                (min, max.max(min))
            }
        };
        Ok(MbTilesInfo {
            path: path.clone(),
            name: metadata.name,
            format,
            min_zoom,
            max_zoom,
            bounds_deg: metadata.bounds_deg,
            attribution: metadata.attribution,
            tile_count: tile_count.max(0) as u64,
        })
    }

    /// Names of the database's tables and views.
    fn table_names(&self) -> rusqlite::Result<Vec<String>> {
        let mut statement = self.conn.prepare(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name LIMIT 10000",
        )?;
        statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect()
    }

    /// The metadata rows the desk uses; a malformed metadata table counts as none.
    fn metadata(&self) -> rusqlite::Result<Metadata> {
        let mut statement = match self.conn.prepare(
            "SELECT name, value FROM metadata
             WHERE lower(trim(name)) IN ('name', 'format', 'bounds', 'minzoom', 'maxzoom', 'attribution')
             LIMIT 100",
        ) {
            Ok(statement) => statement,
            Err(e) if is_damage(&e) => return Err(e),
            // No `name`/`value` columns: the metadata is optional, so the data is used instead.
            Err(_) => return Ok(Metadata::default()),
        };
        let mut rows = statement.query([])?;
        let mut metadata = Metadata::default();
        while let Some(row) = rows.next()? {
            let (Some(name), Some(value)) = (as_text(row.get_ref(0)?), as_text(row.get_ref(1)?))
            else {
                continue;
            };
            let value = value.trim().to_string();
            if value.is_empty() {
                continue;
            }
            match name.trim().to_ascii_lowercase().as_str() {
                "name" => metadata.name = Some(value),
                "format" => metadata.format = Some(value),
                "bounds" => metadata.bounds_deg = parse_bounds(&value),
                "minzoom" => metadata.min_zoom = parse_zoom(&value),
                "maxzoom" => metadata.max_zoom = parse_zoom(&value),
                "attribution" => metadata.attribution = Some(value),
                _ => {}
            }
        }
        Ok(metadata)
    }

    /// The first bytes of the first stored tile with data; None when no tile has any.
    fn first_tile_bytes(&self) -> rusqlite::Result<Option<Vec<u8>>> {
        self.conn
            .query_row(
                "SELECT substr(CAST(tile_data AS BLOB), 1, 16) FROM tiles
                 WHERE tile_data IS NOT NULL LIMIT 1",
                [],
                |row| row.get::<_, Option<Vec<u8>>>(0),
            )
            .optional()
            .map(Option::flatten)
    }

    /// The lowest or highest zoom level among the tiles; the MBTiles index makes it one lookup.
    fn zoom_in_data(&self, highest: bool) -> rusqlite::Result<Option<u8>> {
        let order = if highest { "DESC" } else { "ASC" };
        let sql = format!(
            "SELECT zoom_level FROM tiles WHERE zoom_level BETWEEN 0 AND {MAX_ZOOM}
             ORDER BY zoom_level {order} LIMIT 1"
        );
        let zoom: Option<i64> = self.conn.query_row(&sql, [], |row| row.get(0)).optional()?;
        Ok(zoom.and_then(|z| u8::try_from(z).ok()))
    }
}

/// One row of `tiles`: the data's size (None when NULL) and the data itself unless it is over the limit.
#[derive(Debug)]
struct StoredTile {
    size_bytes: Option<u64>,
    data: Option<Vec<u8>>,
}

/// The metadata values the desk uses, each when present and well-formed.
#[derive(Debug, Default)]
struct Metadata {
    name: Option<String>,
    format: Option<String>,
    bounds_deg: Option<(f64, f64, f64, f64)>,
    min_zoom: Option<u8>,
    max_zoom: Option<u8>,
    attribution: Option<String>,
}

/// Text of a metadata cell, whatever type the writing tool stored it as.
fn as_text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

fn parse_zoom(text: &str) -> Option<u8> {
    // Some writers store "4.0".
    let zoom = text.parse::<f64>().ok()?;
    (zoom.fract() == 0.0 && (0.0..=f64::from(MAX_ZOOM)).contains(&zoom)).then_some(zoom as u8)
}

/// "west,south,east,north" in degrees; None unless all four are numbers on the globe with south below north.
/// West may exceed east: the area then crosses the 180° meridian.
fn parse_bounds(text: &str) -> Option<(f64, f64, f64, f64)> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|part| part.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    let [west, south, east, north] = numbers[..] else {
        return None;
    };
    let on_globe = |lon: f64| (-180.0..=180.0).contains(&lon);
    let sane = on_globe(west)
        && on_globe(east)
        && west != east
        && (-90.0..=90.0).contains(&south)
        && (-90.0..=90.0).contains(&north)
        && south < north;
    sane.then_some((west, south, east, north))
}

/// What a tile's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    Raster(TileFormat),
    /// Protobuf, or gzip/zlib (vector tiles are stored packed).
    Vector,
    /// A picture format the desk does not decode.
    OtherPicture(&'static str),
    Unknown,
}

/// Tells a tile's format from its magic bytes.
fn sniff(bytes: &[u8]) -> Sniffed {
    match bytes {
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Sniffed::Raster(TileFormat::Png),
        [0xFF, 0xD8, 0xFF, ..] => Sniffed::Raster(TileFormat::Jpeg),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Sniffed::Raster(TileFormat::Webp),
        [0x1F, 0x8B, ..] => Sniffed::Vector,
        // zlib with the flag bytes its compression levels write (the checksum rule alone lets "x " through).
        [0x78, 0x01 | 0x5E | 0x9C | 0xDA, ..] => Sniffed::Vector,
        // A Mapbox Vector Tile opens with field 3 (`layers`), length-delimited.
        [0x1A, ..] => Sniffed::Vector,
        [b'G', b'I', b'F', b'8', ..] => Sniffed::OtherPicture("GIF"),
        [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => {
            Sniffed::OtherPicture("TIFF")
        }
        _ => Sniffed::Unknown,
    }
}

/// The metadata `format` as a raster format, or what else it names.
fn parse_format(text: &str) -> Result<TileFormat, Sniffed> {
    match text.trim().to_ascii_lowercase().as_str() {
        "png" => Ok(TileFormat::Png),
        "jpg" | "jpeg" => Ok(TileFormat::Jpeg),
        "webp" => Ok(TileFormat::Webp),
        "pbf" | "mvt" => Err(Sniffed::Vector),
        _ => Err(Sniffed::Unknown),
    }
}

/// Which stored tile to draw for a wanted tile: itself, or its ancestor at max_zoom when zoomed in past the
/// file (over-zoom); None when below min_zoom or outside bounds.
pub fn source_for(tile: TileId, info: &MbTilesInfo) -> Option<TileId> {
    if !is_on_the_map(tile) || tile.z < info.min_zoom {
        return None;
    }
    if let Some(bounds) = info.bounds_deg
        && !overlaps(tile, bounds)
    {
        return None;
    }
    Some(tile.ancestor(tile.z.min(info.max_zoom)))
}

/// Whether the tile's square shares some area with the bounds (a shared edge alone does not count).
fn overlaps(tile: TileId, (west, south, east, north): (f64, f64, f64, f64)) -> bool {
    let side = f64::from(TileId::side(tile.z));
    let (x0, x1) = (f64::from(tile.x) / side, f64::from(tile.x + 1) / side);
    let (y0, y1) = (f64::from(tile.y) / side, f64::from(tile.y + 1) / side);
    let top_left = geo::to_world(north, west);
    let bottom_right = geo::to_world(south, east);
    if !(y0 < bottom_right.y && y1 > top_left.y) {
        return false;
    }
    let spans = |a: f64, b: f64| x0 < b && x1 > a;
    if west <= east {
        spans(top_left.x, bottom_right.x)
    } else {
        // Across the 180° meridian: from west to the edge, and from the other edge to east.
        spans(top_left.x, 1.0) || spans(0.0, bottom_right.x)
    }
}

/// Whether the tile number exists at its zoom (the UI may compute wrapped or out-of-range ones).
fn is_on_the_map(tile: TileId) -> bool {
    let side = TileId::side(tile.z);
    tile.z <= MAX_ZOOM && tile.x < side && tile.y < side
}

/// Checks the path before SQLite sees it: SQLite treats a missing or empty path as a new empty database and a
/// text file as "not a database" without naming which, so the plain file checks come first.
fn check_file(path: &Path) -> Result<(), MbTilesError> {
    let owned = || path.to_path_buf();
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => MbTilesError::Missing { path: owned() },
        _ => MbTilesError::Unreadable {
            path: owned(),
            detail: e.to_string(),
        },
    })?;
    if !metadata.is_file() {
        return Err(MbTilesError::NotAFile { path: owned() });
    }
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(SQLITE_HEADER.len() as u64)
                .read_to_end(&mut header)
        })
        .map_err(|e| MbTilesError::Unreadable {
            path: owned(),
            detail: e.to_string(),
        })?;
    if header.is_empty() {
        // A zero-byte file is what SQLite writes for a database that was never given a table.
        return Err(MbTilesError::Empty { path: owned() });
    }
    if header != SQLITE_HEADER {
        return Err(MbTilesError::NotSqlite { path: owned() });
    }
    Ok(())
}

/// `file:` URI that opens the path read-only and `immutable` (no locks, no journal or WAL files created).
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for &byte in path.as_os_str().as_encoded_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            // '?', '#' and '%' in a file name would otherwise end or garble the path.
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    uri
}

/// Whether the error says the file itself is bad rather than the query.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(
            ErrorCode::DatabaseCorrupt
                | ErrorCode::NotADatabase
                | ErrorCode::SystemIoFailure
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::OperationInterrupted
        )
    )
}

/// The error for a failed query on the file at `path`; `allowed` is the deadline the query had.
fn sql_error(path: &Path, e: rusqlite::Error, allowed: Duration) -> MbTilesError {
    let path = path.to_path_buf();
    let detail = e.to_string();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => MbTilesError::NotSqlite { path },
        Some(ErrorCode::DatabaseCorrupt) => MbTilesError::Corrupt { path, detail },
        Some(ErrorCode::OperationInterrupted) => MbTilesError::TooSlow {
            path,
            seconds: allowed.as_secs(),
        },
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::SystemIoFailure) => {
            MbTilesError::Unreadable { path, detail }
        }
        _ => MbTilesError::Database { path, detail },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::io::Cursor;

    use super::*;
    use crate::i18n::{EN_FTL, HI_FTL, I18n, Lang, message_ids};

    // node-mbtiles_plain_1.mbtiles: mapbox/node-mbtiles test fixture, BSD-style licence (see shared/data/README.md).
    const PLAIN: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/mbtiles/node-mbtiles_plain_1.mbtiles"
    );

    fn plain() -> MbTiles {
        MbTiles::open(Path::new(PLAIN)).unwrap()
    }

    /// The same file read directly, with the row given as stored (TMS).
    fn raw_tile(z: u8, x: u32, tms_row: u32) -> Option<Vec<u8>> {
        let conn = Connection::open_with_flags(
            immutable_uri(Path::new(PLAIN)),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )
        .unwrap();
        conn.query_row(
            "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
            params![z, x, tms_row],
            |row| row.get(0),
        )
        .optional()
        .unwrap()
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([x as u8, y as u8, 120, 255])
        });
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
            .unwrap();
        bytes
    }

    /// A tiles TABLE with the given metadata and (z, x, tms_row, data) rows, in a fresh temp dir.
    fn build(
        metadata: &[(&str, rusqlite::types::Value)],
        tiles: &[(u8, u32, u32, Vec<u8>)],
    ) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("built.mbtiles");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE metadata (name TEXT, value TEXT);
             CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
             CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);",
        )
        .unwrap();
        for (name, value) in metadata {
            conn.execute("INSERT INTO metadata VALUES (?1, ?2)", params![name, value])
                .unwrap();
        }
        for (z, x, row, data) in tiles {
            conn.execute(
                "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)",
                params![z, x, row, data],
            )
            .unwrap();
        }
        (dir, path)
    }

    #[test]
    fn rows_are_flipped_from_xyz_to_tms_at_every_zoom() {
        let mbtiles = plain();
        for z in 0..=4u8 {
            let side = 1u32 << z;
            for y in 0..side {
                for x in 0..side {
                    let tile = TileId { z, x, y };
                    // The flip written out by hand, not through `tms_row`, so the test checks it.
                    let stored = raw_tile(z, x, side - 1 - y);
                    assert_eq!(mbtiles.tile(tile).unwrap(), stored, "{tile:?}");
                }
            }
        }
        // At zoom 1 the flip matters: the north-west tile is stored in row 1, and row 0 holds something else.
        let north_west = mbtiles.tile(TileId { z: 1, x: 0, y: 0 }).unwrap().unwrap();
        assert_eq!(Some(north_west.clone()), raw_tile(1, 0, 1));
        assert_ne!(Some(north_west), raw_tile(1, 0, 0));
        // The file covers 70° S to 85° N: zoom 4's southernmost row is not in it.
        assert_eq!(mbtiles.tile(TileId { z: 4, x: 3, y: 15 }).unwrap(), None);
    }

    /// Each zoom-1 tile, shrunk to half, looks like its quadrant of the zoom-0 tile and not like the others.
    #[test]
    fn zoom_one_tiles_are_the_right_quadrants_of_the_world() {
        let mbtiles = plain();
        let decode = |tile| {
            let bytes = mbtiles.tile(tile).unwrap().unwrap();
            image::load_from_memory(&bytes).unwrap().into_rgba8()
        };
        let world = decode(TileId { z: 0, x: 0, y: 0 });
        let half = world.width() / 2;
        let quadrants: Vec<image::RgbaImage> = [(0, 0), (1, 0), (0, 1), (1, 1)]
            .iter()
            .map(|&(qx, qy)| {
                image::imageops::crop_imm(&world, qx * half, qy * half, half, half).to_image()
            })
            .collect();
        let difference = |a: &image::RgbaImage, b: &image::RgbaImage| -> u64 {
            a.as_raw()
                .iter()
                .zip(b.as_raw())
                .map(|(p, q)| u64::from(p.abs_diff(*q)))
                .sum()
        };
        for (expected, (x, y)) in [(0, 0), (1, 0), (0, 1), (1, 1)].into_iter().enumerate() {
            let shrunk = image::imageops::resize(
                &decode(TileId { z: 1, x, y }),
                half,
                half,
                image::imageops::FilterType::Triangle,
            );
            let differences: Vec<u64> = quadrants.iter().map(|q| difference(&shrunk, q)).collect();
            let closest = (0..4).min_by_key(|&i| differences[i]).unwrap();
            assert_eq!(closest, expected, "tile 1/{x}/{y}: {differences:?}");
        }
    }

    #[test]
    fn missing_metadata_falls_back_to_the_tiles() {
        let info = plain().info().clone();
        assert_eq!(info.name.as_deref(), Some("plain_1"));
        // No `format`, `minzoom` or `maxzoom` in this file's metadata.
        assert_eq!(info.format, TileFormat::Png);
        assert_eq!((info.min_zoom, info.max_zoom), (0, 4));
        assert_eq!(info.tile_count, 285);
        assert_eq!(info.attribution, None);
        let (west, south, east, north) = info.bounds_deg.unwrap();
        assert!((west + 180.0).abs() < 1e-6 && (east - 180.0).abs() < 1e-6);
        assert!((south + 70.0).abs() < 1e-6 && (north - 85.0).abs() < 1e-6);
    }

    #[test]
    fn metadata_is_used_when_present_and_ignored_when_malformed() {
        use rusqlite::types::Value;
        let tiles: Vec<_> = (1..=5u8).map(|z| (z, 0, 0, png(8, 8))).collect();
        let (_dir, path) = build(
            &[
                ("name", Value::Text("Jhansi city".into())),
                ("format", Value::Text(" PNG ".into())),
                ("minzoom", Value::Integer(2)),
                ("maxzoom", Value::Text("3.0".into())),
                ("bounds", Value::Text("78.4, 25.3, 78.7, 25.6".into())),
                (
                    "attribution",
                    Value::Text("© OpenStreetMap contributors".into()),
                ),
            ],
            &tiles,
        );
        let info = MbTiles::open(&path).unwrap().info().clone();
        assert_eq!(info.name.as_deref(), Some("Jhansi city"));
        assert_eq!((info.min_zoom, info.max_zoom), (2, 3));
        assert_eq!(info.bounds_deg, Some((78.4, 25.3, 78.7, 25.6)));
        assert_eq!(
            info.attribution.as_deref(),
            Some("© OpenStreetMap contributors")
        );
        assert_eq!(info.tile_count, 5);

        let (_dir, path) = build(
            &[
                ("minzoom", Value::Text("two".into())),
                ("maxzoom", Value::Integer(99)),
                ("bounds", Value::Text("78.7,25.6,78.4".into())),
                ("name", Value::Null),
                ("attribution", Value::Text("  ".into())),
            ],
            &tiles,
        );
        let info = MbTiles::open(&path).unwrap().info().clone();
        assert_eq!((info.min_zoom, info.max_zoom), (1, 5));
        assert_eq!(
            (info.bounds_deg, info.name, info.attribution),
            (None, None, None)
        );

        // Listed the wrong way round: the data decides.
        let (_dir, path) = build(
            &[
                ("minzoom", Value::Integer(4)),
                ("maxzoom", Value::Integer(2)),
            ],
            &tiles,
        );
        let info = MbTiles::open(&path).unwrap().info().clone();
        assert_eq!((info.min_zoom, info.max_zoom), (4, 5));
    }

    #[test]
    fn bounds_must_be_four_numbers_on_the_globe() {
        assert_eq!(
            parse_bounds("-180,-85,180,85"),
            Some((-180.0, -85.0, 180.0, 85.0))
        );
        assert_eq!(
            parse_bounds("170,-10,-170,10"),
            Some((170.0, -10.0, -170.0, 10.0))
        );
        for bad in [
            "",
            "1,2,3",
            "1,2,3,4,5",
            "a,b,c,d",
            "0,10,1,5",
            "0,0,0,1",
            "-190,0,10,1",
            "0,-91,1,1",
        ] {
            assert_eq!(parse_bounds(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_are_told_from_their_first_bytes() {
        assert_eq!(sniff(&png(2, 2)), Sniffed::Raster(TileFormat::Png));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Sniffed::Raster(TileFormat::Jpeg)
        );
        assert_eq!(
            sniff(b"RIFF\x24\0\0\0WEBPVP8L"),
            Sniffed::Raster(TileFormat::Webp)
        );
        assert_eq!(sniff(&[0x1F, 0x8B, 0x08, 0x00]), Sniffed::Vector);
        assert_eq!(sniff(&[0x78, 0x9C, 0x01]), Sniffed::Vector);
        assert_eq!(sniff(&[0x78, 0xDA, 0x01]), Sniffed::Vector);
        assert_eq!(sniff(&[0x1A, 0x2C, 0x78, 0x02]), Sniffed::Vector);
        assert_eq!(sniff(b"GIF89a\x01\0"), Sniffed::OtherPicture("GIF"));
        assert_eq!(sniff(b"II*\0\x08\0"), Sniffed::OtherPicture("TIFF"));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), Sniffed::Unknown);
        assert_eq!(sniff(b"x marks the spot"), Sniffed::Unknown);
        assert_eq!(sniff(b""), Sniffed::Unknown);
        assert_eq!(parse_format("JPEG"), Ok(TileFormat::Jpeg));
        assert_eq!(parse_format("pbf"), Err(Sniffed::Vector));
        assert_eq!(parse_format("svg"), Err(Sniffed::Unknown));
    }

    fn jhansi_info(bounds_deg: Option<(f64, f64, f64, f64)>) -> MbTilesInfo {
        MbTilesInfo {
            path: PathBuf::from("jhansi.mbtiles"),
            name: None,
            format: TileFormat::Png,
            min_zoom: 10,
            max_zoom: 14,
            bounds_deg,
            attribution: None,
            tile_count: 1,
        }
    }

    #[test]
    fn source_for_over_zooms_to_the_deepest_stored_tile() {
        let info = jhansi_info(Some((78.45, 25.35, 78.70, 25.55)));
        // Jhansi at zoom 12 is tile 2941/1748; at 16 it is 16 times further in.
        let at_12 = TileId {
            z: 12,
            x: 2941,
            y: 1748,
        };
        assert_eq!(source_for(at_12, &info), Some(at_12));
        let at_16 = TileId {
            z: 16,
            x: 2941 * 16 + 5,
            y: 1748 * 16 + 9,
        };
        let stored = source_for(at_16, &info).unwrap();
        assert_eq!(stored, at_16.ancestor(14));
        assert_eq!(stored.z, 14);
        // Below the file's first zoom there is nothing to draw.
        assert_eq!(source_for(at_12.ancestor(9), &info), None);
        assert_eq!(
            source_for(at_12.ancestor(10), &info),
            Some(at_12.ancestor(10))
        );
        // Lucknow is outside Jhansi's file; with no bounds every tile may be in it.
        let lucknow = TileId {
            z: 12,
            x: 2969,
            y: 1730,
        };
        assert_eq!(source_for(lucknow, &info), None);
        assert_eq!(source_for(lucknow, &jhansi_info(None)), Some(lucknow));
        // A tile number past the edge of its zoom never reaches the file.
        assert_eq!(
            source_for(
                TileId {
                    z: 12,
                    x: 4096,
                    y: 1748
                },
                &info
            ),
            None
        );
        assert_eq!(
            source_for(TileId { z: 31, x: 0, y: 0 }, &jhansi_info(None)),
            None
        );
    }

    #[test]
    fn source_for_respects_bounds_edges_and_the_antimeridian() {
        let mut info = jhansi_info(Some((0.0, 0.0, 90.0, 45.0)));
        (info.min_zoom, info.max_zoom) = (0, 4);
        // Zoom 2: x 2 spans 0°..90° E, y 1 spans 0°..66.5° N.
        assert!(source_for(TileId { z: 2, x: 2, y: 1 }, &info).is_some());
        // Neighbours that only share an edge with the bounds are out.
        assert_eq!(source_for(TileId { z: 2, x: 1, y: 1 }, &info), None);
        assert_eq!(source_for(TileId { z: 2, x: 3, y: 1 }, &info), None);
        assert_eq!(source_for(TileId { z: 2, x: 2, y: 2 }, &info), None);
        // 170° E to 170° W (over the date line): both edge columns are in, the middle is not.
        info.bounds_deg = Some((170.0, -10.0, -170.0, 10.0));
        assert!(source_for(TileId { z: 2, x: 0, y: 1 }, &info).is_some());
        assert!(source_for(TileId { z: 2, x: 3, y: 2 }, &info).is_some());
        assert_eq!(source_for(TileId { z: 2, x: 1, y: 1 }, &info), None);
    }

    #[test]
    fn a_tile_over_the_size_limit_is_refused_without_reading_it() {
        let (_dir, path) = build(&[], &[(0, 0, 0, png(4, 4))]);
        let conn = Connection::open(&path).unwrap();
        // zeroblob: a huge tile without building it in memory here either.
        conn.execute(
            "INSERT INTO tiles VALUES (1, 0, 0, zeroblob(?1))",
            params![MAX_TILE_BYTES as i64 + 1],
        )
        .unwrap();
        drop(conn);
        let mbtiles = MbTiles::open(&path).unwrap();
        let error = mbtiles.tile(TileId { z: 1, x: 0, y: 1 }).unwrap_err();
        assert!(
            matches!(error, MbTilesError::TileTooBig { size_bytes, .. } if size_bytes == MAX_TILE_BYTES + 1),
            "{error:?}"
        );
        assert!(error.to_string().contains("built.mbtiles"), "{error}");
        assert!(mbtiles.tile(TileId { z: 0, x: 0, y: 0 }).unwrap().is_some());
    }

    #[test]
    fn a_query_past_its_deadline_is_cut_off() {
        let mbtiles = plain();
        mbtiles.arm(Duration::ZERO);
        let endless = mbtiles.conn.query_row(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
            [],
            |row| row.get::<_, i64>(0),
        );
        mbtiles.disarm();
        let error = sql_error(Path::new(PLAIN), endless.unwrap_err(), TILE_DEADLINE);
        assert!(
            matches!(error, MbTilesError::TooSlow { seconds: 5, .. }),
            "{error:?}"
        );
        // Disarmed, the next read runs normally.
        assert!(mbtiles.tile(TileId { z: 0, x: 0, y: 0 }).unwrap().is_some());
    }

    #[test]
    fn uri_escapes_what_would_end_the_path() {
        assert_eq!(
            immutable_uri(Path::new("/maps/Jhansi city #2?.mbtiles")),
            "file:/maps/Jhansi%20city%20%232%3F.mbtiles?mode=ro&immutable=1"
        );
    }

    /// One of each error; the match below stops compiling when a variant is added and not listed here.
    fn every_error() -> Vec<MbTilesError> {
        let path = || PathBuf::from("/maps/jhansi.mbtiles");
        let detail = || "disk I/O error".to_string();
        let all = vec![
            MbTilesError::Missing { path: path() },
            MbTilesError::NotAFile { path: path() },
            MbTilesError::Unreadable {
                path: path(),
                detail: detail(),
            },
            MbTilesError::NotSqlite { path: path() },
            MbTilesError::Corrupt {
                path: path(),
                detail: detail(),
            },
            MbTilesError::Empty { path: path() },
            MbTilesError::NoTilesTable { path: path() },
            MbTilesError::BadTilesTable {
                path: path(),
                detail: detail(),
            },
            MbTilesError::NoTiles { path: path() },
            MbTilesError::VectorTiles { path: path() },
            MbTilesError::UnsupportedFormat {
                path: path(),
                format: "GIF".into(),
            },
            MbTilesError::NotImages { path: path() },
            MbTilesError::TooSlow {
                path: path(),
                seconds: 20,
            },
            MbTilesError::TileTooBig {
                path: path(),
                tile: TileId {
                    z: 14,
                    x: 11_766,
                    y: 6_993,
                },
                size_bytes: 52_428_800,
                max_bytes: MAX_TILE_BYTES,
            },
            MbTilesError::Database {
                path: path(),
                detail: detail(),
            },
        ];
        let listed: BTreeSet<usize> = all
            .iter()
            .map(|e| match e {
                MbTilesError::Missing { .. } => 0,
                MbTilesError::NotAFile { .. } => 1,
                MbTilesError::Unreadable { .. } => 2,
                MbTilesError::NotSqlite { .. } => 3,
                MbTilesError::Corrupt { .. } => 4,
                MbTilesError::Empty { .. } => 5,
                MbTilesError::NoTilesTable { .. } => 6,
                MbTilesError::BadTilesTable { .. } => 7,
                MbTilesError::NoTiles { .. } => 8,
                MbTilesError::VectorTiles { .. } => 9,
                MbTilesError::UnsupportedFormat { .. } => 10,
                MbTilesError::NotImages { .. } => 11,
                MbTilesError::TooSlow { .. } => 12,
                MbTilesError::TileTooBig { .. } => 13,
                MbTilesError::Database { .. } => 14,
            })
            .collect();
        assert_eq!(listed.len(), all.len(), "every variant once");
        all
    }

    #[test]
    fn every_error_has_a_message_in_both_languages_that_names_the_file() {
        let en_ids: BTreeSet<String> = message_ids(EN_FTL).into_iter().collect();
        let hi_ids: BTreeSet<String> = message_ids(HI_FTL).into_iter().collect();
        for lang in Lang::ALL {
            let i18n = I18n::new(lang);
            for error in every_error() {
                let key = error.i18n_key();
                assert!(key.starts_with("map-tiles-error-"), "{key}");
                assert!(
                    en_ids.contains(key) && hi_ids.contains(key),
                    "{key} missing"
                );
                let text = i18n.tr_args(key, &error.i18n_args());
                assert!(
                    text.contains("/maps/jhansi.mbtiles"),
                    "{lang:?} {key}: {text}"
                );
                // An argument the message names but the error does not give shows as "{$name}".
                assert!(
                    !text.contains('{') && !text.contains('}'),
                    "{lang:?} {key}: {text}"
                );
                assert!(
                    error.to_string().contains("/maps/jhansi.mbtiles"),
                    "{error}"
                );
            }
        }
        let big = &every_error()[13];
        let text = I18n::new(Lang::En).tr_args(big.i18n_key(), &big.i18n_args());
        assert!(
            text.contains("14/11766/6993") && text.contains("5,24,28,800"),
            "{text}"
        );
    }
}
