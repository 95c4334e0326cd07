//! The base map's tile loader: one thread opens the MBTiles file, reads the tiles the map view wants and decodes
//! them into RGBA pixels, so the UI only uploads finished pictures (a PNG decode is about a millisecond, and a
//! pan brings dozens of tiles into view at once).
//!
//! The view says what it needs with [`TileLoader::want`], which replaces the previous list: while the user pans,
//! tiles that went off screen before their turn are never read.

use std::collections::{HashSet, VecDeque};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::model::geo::TileId;
use crate::services::map::mbtiles::{MbTiles, MbTilesError, MbTilesInfo};

/// Widest or tallest tile picture decoded (retina tiles are 512 px; 2048 allows 4× and stays at 16 MiB RGBA).
pub const MAX_TILE_SIDE_PX: u32 = 2_048;
/// Memory the decoder may take for one tile.
const MAX_DECODE_ALLOC_BYTES: u64 = 64 * 1024 * 1024;

/// A tile decoded and ready to upload.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedTile {
    pub tile: TileId,
    pub width_px: usize,
    pub height_px: usize,
    /// Unpremultiplied RGBA, row by row.
    pub rgba: Vec<u8>,
}

/// What the loader has to say, in the order it happened.
#[derive(Debug)]
pub enum TileEvent {
    /// The file opened (what it holds), or why it cannot be used; always the first event.
    Opened(Result<MbTilesInfo, MbTilesError>),
    Loaded(DecodedTile),
    /// The file has no such tile.
    Missing(TileId),
    /// The tile is there but is not a picture that decodes, or could not be read.
    Failed {
        tile: TileId,
        error: TileError,
    },
}

/// Why a tile is not drawn; said in the desk's language by [`TileError::message`].
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    #[error(transparent)]
    Read(#[from] super::mbtiles::MbTilesError),
    #[error("tile {}/{}/{} cannot be read: {source}", .tile.z, .tile.x, .tile.y)]
    Unreadable {
        tile: TileId,
        source: std::io::Error,
    },
    #[error("tile {}/{}/{} is not a PNG, JPEG or WebP picture", .tile.z, .tile.x, .tile.y)]
    NotAPicture { tile: TileId },
    #[error("tile {}/{}/{} is not a picture that decodes: {source}", .tile.z, .tile.x, .tile.y)]
    Undecodable {
        tile: TileId,
        source: image::ImageError,
    },
    #[error(
        "tile {}/{}/{} is {width_px}×{height_px} pixels, more than the {MAX_TILE_SIDE_PX}×{MAX_TILE_SIDE_PX} a map tile may have",
        .tile.z, .tile.x, .tile.y
    )]
    TooLarge {
        tile: TileId,
        width_px: u32,
        height_px: u32,
    },
}

impl TileError {
    /// The error in `i18n`'s language (the decoder's English detail only in English).
    pub fn message(&self, i18n: &crate::i18n::I18n) -> String {
        let name = |t: &TileId| format!("{}/{}/{}", t.z, t.x, t.y);
        match self {
            Self::Read(e) => i18n.tr_args(e.i18n_key(), &e.i18n_args()),
            Self::Unreadable { tile, source } => i18n.tr_args(
                "map-tile-error-unreadable",
                &[("tile", name(tile)), ("detail", source.to_string())],
            ),
            Self::NotAPicture { tile } => {
                i18n.tr_args("map-tile-error-not-a-picture", &[("tile", name(tile))])
            }
            Self::Undecodable { tile, source } => i18n.tr_args(
                "map-tile-error-undecodable",
                &[("tile", name(tile)), ("detail", source.to_string())],
            ),
            Self::TooLarge {
                tile,
                width_px,
                height_px,
            } => i18n.tr_args(
                "map-tile-error-too-large",
                &[
                    ("tile", name(tile)),
                    ("width", width_px.to_string()),
                    ("height", height_px.to_string()),
                    ("max", MAX_TILE_SIDE_PX.to_string()),
                ],
            ),
        }
    }
}

/// The tiles still to load, shared by the UI and the loader thread.
#[derive(Debug, Default)]
struct Wishes {
    tiles: VecDeque<TileId>,
    is_stopping: bool,
}

#[derive(Debug, Default)]
struct Shared {
    wishes: Mutex<Wishes>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Wishes> {
        // A panic elsewhere while holding the lock leaves a plain list behind; it is still usable.
        self.wishes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The map view's handle on the loader thread. Dropping it stops the thread (after the tile it is on).
pub struct TileLoader {
    shared: Arc<Shared>,
    events: Receiver<TileEvent>,
}

impl std::fmt::Debug for TileLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TileLoader").finish_non_exhaustive()
    }
}

impl TileLoader {
    /// Opens the file on the loader's own thread; the first event is `Opened`. `wake` is called after events.
    pub fn open(path: PathBuf, wake: Arc<dyn Fn() + Send + Sync>) -> TileLoader {
        let shared = Arc::new(Shared::default());
        let (outbox, events) = mpsc::channel();
        let thread_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new().name("map-tiles".into()).spawn({
            let path = path.clone();
            let outbox = outbox.clone();
            let wake = Arc::clone(&wake);
            move || run(&path, &thread_shared, &outbox, wake.as_ref())
        });
        if let Err(e) = spawned {
            // No thread (the system is out of them): the map still gets its one event, saying why.
            let error = MbTilesError::Unreadable {
                path,
                detail: format!("the tile loader thread did not start: {e}"),
            };
            let _ = outbox.send(TileEvent::Opened(Err(error)));
            wake();
        }
        TileLoader { shared, events }
    }

    /// The tiles the view needs now, most important first; replaces the previous wish list, so tiles that
    /// scrolled away are never loaded. Tiles already delivered are not asked again by the UI.
    pub fn want(&self, tiles: Vec<TileId>) {
        let mut seen = HashSet::with_capacity(tiles.len());
        let tiles = tiles.into_iter().filter(|t| seen.insert(*t)).collect();
        self.shared.lock().tiles = tiles;
        self.shared.changed.notify_one();
    }

    /// Events since the last call (never blocks).
    pub fn poll(&self) -> Vec<TileEvent> {
        self.events.try_iter().collect()
    }
}

impl Drop for TileLoader {
    fn drop(&mut self) {
        // Not joined: the thread may be inside a slow read, and the UI must not wait for it.
        let mut wishes = self.shared.lock();
        wishes.is_stopping = true;
        wishes.tiles.clear();
        drop(wishes);
        self.shared.changed.notify_one();
    }
}

/// The loader thread: open, then load wished-for tiles until the handle is dropped.
fn run(path: &Path, shared: &Shared, outbox: &Sender<TileEvent>, wake: &(dyn Fn() + Send + Sync)) {
    let opened = MbTiles::open(path);
    let (mbtiles, first) = match opened {
        Ok(mbtiles) => {
            let info = mbtiles.info().clone();
            (Some(mbtiles), TileEvent::Opened(Ok(info)))
        }
        Err(e) => (None, TileEvent::Opened(Err(e))),
    };
    if outbox.send(first).is_err() {
        return;
    }
    wake();
    let Some(mbtiles) = mbtiles else {
        return;
    };
    while let Some(tile) = next_wish(shared) {
        let event = load(&mbtiles, tile);
        if outbox.send(event).is_err() {
            return;
        }
        wake();
    }
}

/// Waits for the next tile to load; None once the handle is dropped.
fn next_wish(shared: &Shared) -> Option<TileId> {
    let mut wishes = shared.lock();
    loop {
        if wishes.is_stopping {
            return None;
        }
        if let Some(tile) = wishes.tiles.pop_front() {
            return Some(tile);
        }
        wishes = shared
            .changed
            .wait(wishes)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
}

/// Reads and decodes one tile.
fn load(mbtiles: &MbTiles, tile: TileId) -> TileEvent {
    match mbtiles.tile(tile) {
        Ok(None) => TileEvent::Missing(tile),
        Ok(Some(bytes)) => match decode(tile, &bytes) {
            Ok(decoded) => TileEvent::Loaded(decoded),
            Err(error) => TileEvent::Failed { tile, error },
        },
        Err(e) => TileEvent::Failed {
            tile,
            error: e.into(),
        },
    }
}

/// Decodes a PNG, JPEG or WebP tile, refusing oversized pictures before their pixels are allocated.
pub fn decode(tile: TileId, bytes: &[u8]) -> Result<DecodedTile, TileError> {
    let guessed = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|source| TileError::Unreadable { tile, source })?;
    let Some(format) = guessed.format() else {
        return Err(TileError::NotAPicture { tile });
    };
    // The header alone gives the size: a 20000×20000 picture is refused before 1.6 GB is asked for.
    let (width_px, height_px) = guessed
        .into_dimensions()
        .map_err(|source| TileError::Undecodable { tile, source })?;
    if width_px > MAX_TILE_SIDE_PX || height_px > MAX_TILE_SIDE_PX {
        return Err(TileError::TooLarge {
            tile,
            width_px,
            height_px,
        });
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_TILE_SIDE_PX);
    limits.max_image_height = Some(MAX_TILE_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    reader.limits(limits);
    let picture = reader
        .decode()
        .map_err(|source| TileError::Undecodable { tile, source })?;
    let rgba = picture.into_rgba8();
    Ok(DecodedTile {
        tile,
        width_px: rgba.width() as usize,
        height_px: rgba.height() as usize,
        rgba: rgba.into_raw(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::*;

    // node-mbtiles_plain_1.mbtiles: mapbox/node-mbtiles test fixture, BSD-style licence (see shared/data/README.md).
    const PLAIN: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/mbtiles/node-mbtiles_plain_1.mbtiles"
    );
    const TILE: TileId = TileId { z: 3, x: 5, y: 2 };

    fn encoded(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([x as u8 * 8, y as u8 * 8, 90])
        });
        let mut bytes = Vec::new();
        picture
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    /// A wake that says so on a channel.
    fn wake_channel() -> (Arc<dyn Fn() + Send + Sync>, mpsc::Receiver<()>) {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        (
            Arc::new(move || {
                let _ = tx.lock().unwrap().send(());
            }),
            rx,
        )
    }

    /// Collects events until `done` says enough, waiting for the loader's wakes; fails after a few seconds.
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
                "no answer from the loader: {events:?}"
            );
            events.extend(loader.poll());
        }
        events
    }

    #[test]
    fn png_jpeg_and_webp_tiles_decode_to_rgba() {
        for format in [
            image::ImageFormat::Png,
            image::ImageFormat::Jpeg,
            image::ImageFormat::WebP,
        ] {
            let decoded = decode(TILE, &encoded(format, 32, 16)).unwrap();
            assert_eq!(
                (
                    decoded.tile,
                    decoded.width_px,
                    decoded.height_px,
                    decoded.rgba.len()
                ),
                (TILE, 32, 16, 32 * 16 * 4),
                "{format:?}"
            );
        }
    }

    #[test]
    fn a_huge_picture_is_refused_from_its_header() {
        // A real JPEG whose frame header claims 20000×20000: decoding it would ask for 1.6 GB.
        let mut jpeg = encoded(image::ImageFormat::Jpeg, 16, 16);
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        // Marker, length (2), precision (1), then height and width.
        jpeg[sof + 5..sof + 9].copy_from_slice(&[0x4E, 0x20, 0x4E, 0x20]);
        let error = decode(TILE, &jpeg).unwrap_err().to_string();
        assert!(error.contains("20000×20000"), "{error}");
        assert!(error.contains("3/5/2"), "{error}");
    }

    #[test]
    fn bytes_that_are_no_picture_say_so() {
        let error = decode(TILE, b"<html>404 Not Found</html>")
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a PNG, JPEG or WebP"), "{error}");
        let mut broken = encoded(image::ImageFormat::Png, 32, 32);
        broken.truncate(60);
        let error = decode(TILE, &broken).unwrap_err().to_string();
        assert!(error.contains("not a picture that decodes"), "{error}");
    }

    /// A new wish list replaces the old one: tiles wished for while the loader was busy, then dropped from the
    /// list, are never read.
    #[test]
    fn a_new_wish_list_replaces_the_old_one() {
        // The loader waits in `wake` after opening until the test lets it go.
        let (gate, held) = mpsc::channel::<()>();
        let held = Mutex::new(held);
        let (wake, woken) = wake_channel();
        let loader = TileLoader::open(
            PathBuf::from(PLAIN),
            Arc::new(move || {
                wake();
                let _ = held.lock().unwrap().recv();
            }),
        );
        let opened = events_until(&loader, &woken, |events| !events.is_empty());
        assert!(
            matches!(&opened[..], [TileEvent::Opened(Ok(_))]),
            "{opened:?}"
        );
        let scrolled_away = vec![TileId { z: 2, x: 0, y: 0 }, TileId { z: 2, x: 1, y: 0 }];
        loader.want(scrolled_away);
        let in_view = vec![
            TileId { z: 1, x: 1, y: 0 },
            TileId { z: 0, x: 0, y: 0 },
            TileId { z: 1, x: 1, y: 0 },
            TileId { z: 4, x: 0, y: 15 },
        ];
        loader.want(in_view);
        drop(gate);
        let events = events_until(&loader, &woken, |events| events.len() == 3);
        // One more wish: its tile is the next event (a second load of the duplicate would come first).
        let sentinel = TileId { z: 1, x: 0, y: 0 };
        loader.want(vec![sentinel]);
        let after = events_until(&loader, &woken, |events| !events.is_empty());
        assert!(
            matches!(&after[..], [TileEvent::Loaded(DecodedTile { tile, .. }) | TileEvent::Missing(tile)] if *tile == sentinel),
            "the duplicate is loaded once: {after:?}"
        );
        let answered: Vec<(TileId, &str)> = events
            .iter()
            .map(|e| match e {
                TileEvent::Loaded(d) => {
                    assert_eq!(
                        (d.width_px, d.height_px, d.rgba.len()),
                        (256, 256, 256 * 256 * 4)
                    );
                    (d.tile, "loaded")
                }
                TileEvent::Missing(tile) => (*tile, "missing"),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            answered,
            vec![
                (TileId { z: 1, x: 1, y: 0 }, "loaded"),
                (TileId { z: 0, x: 0, y: 0 }, "loaded"),
                // South of the file's 70° S bound.
                (TileId { z: 4, x: 0, y: 15 }, "missing"),
            ]
        );
    }

    #[test]
    fn dropping_the_loader_ends_its_thread() {
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&wakes);
        let (tx, woken) = mpsc::channel();
        let tx = Mutex::new(tx);
        // The thread holds the only reference to `wake`: the channel closes when the thread lets it go.
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
            let _ = tx.lock().unwrap().send(());
        });
        let loader = TileLoader::open(PathBuf::from(PLAIN), wake);
        events_until(&loader, &woken, |events| !events.is_empty());
        assert!(wakes.load(Ordering::Relaxed) >= 1);
        drop(loader);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match woken.recv_timeout(left) {
                Ok(()) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    panic!("the loader thread is still running")
                }
            }
        }
    }
}
