//! The map's offline base layer: tiles of the MBTiles file the user chose, loaded and decoded by the tile
//! loader's thread, uploaded as textures here, drawn under the cameras. Past the file's deepest zoom a tile is
//! cut from its ancestor (over-zoom); while a tile loads, its nearest loaded ancestor stands in. A bad file
//! gets its message on the map and the map goes on without a base layer.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, Pos2, Rect, TextureHandle};

use super::map::MapView;
use crate::i18n::I18n;
use crate::model::geo::{TileId, tiles_covering};
use crate::services::map::mbtiles::{MbTilesError, MbTilesInfo, source_for};
use crate::services::map::tiles::{TileEvent, TileLoader};

/// Tile textures kept (256×256, 256 KB each): a full-HD screen of tiles and their parents, twice over.
const MAX_TILE_TEXTURES: usize = 160;

/// The base layer of one MBTiles file.
pub struct BaseMap {
    pub path: PathBuf,
    loader: TileLoader,
    pub info: Option<MbTilesInfo>,
    pub error: Option<MbTilesError>,
    textures: HashMap<TileId, (TextureHandle, u64)>,
    /// Tiles the file does not have or that did not decode: never asked again.
    absent: HashSet<TileId>,
    /// Tiles that could not be drawn, with the last reason (shown as a count).
    pub failed: usize,
    pub last_failure: Option<crate::services::map::tiles::TileError>,
    frame: u64,
}

impl BaseMap {
    pub fn open(path: PathBuf, ctx: &egui::Context) -> Self {
        let wake = ctx.clone();
        Self {
            loader: TileLoader::open(path.clone(), Arc::new(move || wake.request_repaint())),
            path,
            info: None,
            error: None,
            textures: HashMap::new(),
            absent: HashSet::new(),
            failed: 0,
            last_failure: None,
            frame: 0,
        }
    }

    /// Tiles loaded (for tests).
    pub fn loaded(&self) -> usize {
        self.textures.len()
    }

    /// Takes what the loader finished.
    fn poll(&mut self, ctx: &egui::Context) {
        for event in self.loader.poll() {
            match event {
                TileEvent::Opened(Ok(info)) => self.info = Some(info),
                TileEvent::Opened(Err(e)) => self.error = Some(e),
                TileEvent::Loaded(tile) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [tile.width_px, tile.height_px],
                        &tile.rgba,
                    );
                    let id = tile.tile;
                    let name = format!("base-{}-{}-{}", id.z, id.x, id.y);
                    let texture = ctx.load_texture(name, image, egui::TextureOptions::LINEAR);
                    self.textures.insert(id, (texture, self.frame));
                }
                TileEvent::Missing(tile) => {
                    self.absent.insert(tile);
                }
                TileEvent::Failed { tile, error } => {
                    self.absent.insert(tile);
                    self.failed += 1;
                    self.last_failure = Some(error);
                }
            }
        }
        if self.textures.len() > MAX_TILE_TEXTURES {
            let mut by_use: Vec<(u64, TileId)> =
                self.textures.iter().map(|(t, (_, f))| (*f, *t)).collect();
            by_use.sort_unstable();
            for (_, t) in by_use
                .into_iter()
                .take(self.textures.len() - MAX_TILE_TEXTURES)
            {
                self.textures.remove(&t);
            }
        }
    }

    /// The nearest loaded tile at or above `source` (itself first), with its level.
    fn loaded_ancestor(&mut self, source: TileId) -> Option<(TileId, TextureHandle)> {
        (0..=source.z).rev().find_map(|z| {
            let a = source.ancestor(z);
            let frame = self.frame;
            self.textures.get_mut(&a).map(|(tex, used)| {
                *used = frame;
                (a, tex.clone())
            })
        })
    }

    /// Draws the tiles under the view and asks the loader for the missing ones, centre first.
    pub fn draw(
        &mut self,
        ctx: &egui::Context,
        painter: &egui::Painter,
        view: &MapView,
        rect: Rect,
    ) {
        self.frame += 1;
        self.poll(ctx);
        let Some(info) = self.info.clone() else {
            return;
        };
        let (min, max) = view.visible(rect);
        let z = view.zoom.round().clamp(0.0, 30.0) as u8;
        let mut tiles = tiles_covering(min, max, z);
        let centre = view.centre;
        let side = f64::from(TileId::side(z));
        tiles.sort_by(|a, b| {
            let d = |t: &TileId| {
                let o = t.world_origin();
                let (cx, cy) = (o.x + 0.5 / side - centre.x, o.y + 0.5 / side - centre.y);
                cx * cx + cy * cy
            };
            d(a).total_cmp(&d(b))
        });
        let mut wanted: Vec<TileId> = Vec::new();
        for tile in tiles {
            let Some(source) = source_for(tile, &info) else {
                continue;
            };
            if !self.textures.contains_key(&source)
                && !self.absent.contains(&source)
                && !wanted.contains(&source)
            {
                wanted.push(source);
            }
            let Some((drawn, texture)) = self.loaded_ancestor(source) else {
                continue;
            };
            let (left, top, size) = tile.within(drawn);
            let uv = Rect::from_min_size(
                Pos2::new(left as f32, top as f32),
                egui::vec2(size as f32, size as f32),
            );
            let origin = tile.world_origin();
            let far = crate::model::geo::WorldPoint {
                x: origin.x + 1.0 / side,
                y: origin.y + 1.0 / side,
            };
            let screen =
                Rect::from_min_max(view.to_screen(rect, origin), view.to_screen(rect, far));
            painter.image(texture.id(), screen, uv, Color32::WHITE);
        }
        self.loader.want(wanted);
    }

    /// The file's attribution, if it has one.
    pub fn attribution(&self) -> Option<&str> {
        self.info.as_ref()?.attribution.as_deref()
    }

    /// What to say about the base layer on the map, if anything is wrong.
    pub fn problem(&self, i18n: &I18n) -> Option<String> {
        if let Some(e) = &self.error {
            let args: Vec<(&str, String)> = e.i18n_args();
            return Some(i18n.tr_args(e.i18n_key(), &args));
        }
        (self.failed > 0).then(|| {
            i18n.tr_args(
                "map-base-tiles-failed",
                &[
                    ("count", self.failed.to_string()),
                    (
                        "reason",
                        self.last_failure
                            .as_ref()
                            .map(|e| e.message(i18n))
                            .unwrap_or_default(),
                    ),
                ],
            )
        })
    }
}
