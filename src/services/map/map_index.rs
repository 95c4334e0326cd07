//! Where the cameras are on the map, indexed for drawing and clicking at 200,000 cameras: an R-tree (rstar) for
//! hit-testing, box selection and street-level views, and a pyramid of grid clusters for the zoomed-out views —
//! each cell of a zoom level holds the cameras under 64 screen pixels of it, with a count per state so the map
//! can draw the worst state as a ring. Cells nest (a cell of zoom z is four cells of zoom z+1), so the pyramid is
//! built from the finest level upwards in one pass. Pure data work, no egui.

use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use crate::model::geo::WorldPoint;
use crate::model::{HealthState, IntegrationStage};

/// Cameras are clustered up to this zoom (cells of about 35 m in Jhansi); above it each camera is drawn on its
/// own: a screen then spans a few hundred metres, a few hundred cameras even in the densest market.
pub const MAX_CLUSTER_ZOOM: u8 = 18;
/// A cluster cell is a quarter of a 256-pixel tile: 64 screen pixels at its zoom.
const CELLS_PER_TILE_LOG2: u8 = 2;

/// What a camera's marker says, worst first (a cluster's ring takes its worst member's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PinState {
    Offline,
    AuthFailed,
    StreamError,
    /// Blocked in the integration (a stage, not a probe result).
    Blocked,
    /// Configured or integrated, not probed yet.
    NotProbed,
    /// Still being surveyed, contacted or consented.
    InProgress,
    Online,
    /// Rejected (private area or owner refused): shown faint.
    Rejected,
}

impl PinState {
    pub const ALL: [PinState; 8] = [
        Self::Offline,
        Self::AuthFailed,
        Self::StreamError,
        Self::Blocked,
        Self::NotProbed,
        Self::InProgress,
        Self::Online,
        Self::Rejected,
    ];

    /// A camera's marker state from its stage and (for configured or integrated cameras) its probed health.
    pub fn of(stage: IntegrationStage, health: HealthState) -> Self {
        match stage {
            IntegrationStage::Configured | IntegrationStage::Integrated => match health {
                HealthState::Online => Self::Online,
                HealthState::Offline => Self::Offline,
                HealthState::AuthFailed => Self::AuthFailed,
                HealthState::StreamError => Self::StreamError,
                HealthState::NotProbed => Self::NotProbed,
            },
            IntegrationStage::Blocked => Self::Blocked,
            IntegrationStage::Rejected => Self::Rejected,
            _ => Self::InProgress,
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    pub fn i18n_key(self) -> &'static str {
        match self {
            Self::Offline => "map-pin-offline",
            Self::AuthFailed => "map-pin-auth-failed",
            Self::StreamError => "map-pin-stream-error",
            Self::Blocked => "map-pin-blocked",
            Self::NotProbed => "map-pin-not-probed",
            Self::InProgress => "map-pin-in-progress",
            Self::Online => "map-pin-online",
            Self::Rejected => "map-pin-rejected",
        }
    }
}

/// One camera on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapPin {
    pub world: WorldPoint,
    /// Position of the camera in the registry snapshot.
    pub camera_pos: u32,
    pub state: PinState,
}

/// Cameras under one cell of a zoom level.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub cx: u32,
    pub cy: u32,
    pub count: u32,
    /// Mean position of the members (where the cluster is drawn).
    pub centre: WorldPoint,
    /// Members per state, in [`PinState::ALL`] order.
    pub by_state: [u32; 8],
    /// One member (the one to select when the cell holds a single camera).
    pub first_pin: u32,
    sum_x: f64,
    sum_y: f64,
}

impl Cluster {
    /// The worst state among the members.
    pub fn worst(&self) -> PinState {
        worst_of(&self.by_state)
    }
}

/// The worst state with a member, from counts per state in [`PinState::ALL`] order.
fn worst_of(by_state: &[u32; 8]) -> PinState {
    PinState::ALL
        .into_iter()
        .find(|s| by_state[s.index()] > 0)
        .unwrap_or(PinState::Online)
}

/// What the map draws for the cameras in a view: clusters, and cameras on their own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CameraMark {
    /// Several cameras under one cell, drawn at the members' mean with their count and the worst state's ring.
    Cluster {
        centre: WorldPoint,
        count: u32,
        worst: PinState,
    },
    /// One camera: alone in its cell, past the cluster zoom, or the selected camera (always on its own).
    Pin { pin: MapPin, selected: bool },
}

type PinPoint = GeomWithData<[f64; 2], u32>;

/// The cameras of the map, indexed.
#[derive(Default)]
pub struct MapIndex {
    pins: Vec<MapPin>,
    tree: RTree<PinPoint>,
    /// Per zoom 0..=MAX_CLUSTER_ZOOM, cells sorted by (cy, cx).
    levels: Vec<Vec<Cluster>>,
    /// Pin of each camera position (`u32::MAX` when the camera is not on the map).
    pin_of_camera: Vec<u32>,
}

fn cells_per_side_log2(zoom: u8) -> u32 {
    u32::from(zoom + CELLS_PER_TILE_LOG2)
}

fn cell_of(p: WorldPoint, zoom: u8) -> (u32, u32) {
    let n = f64::from(1u32 << cells_per_side_log2(zoom));
    let clamp = |v: f64| (v * n).floor().clamp(0.0, n - 1.0) as u32;
    (clamp(p.x), clamp(p.y))
}

impl MapIndex {
    /// Indexes `pins`; `cameras` is the number of cameras in the snapshot (for the per-camera lookup).
    pub fn build(pins: Vec<MapPin>, cameras: usize) -> Self {
        let mut pin_of_camera = vec![u32::MAX; cameras];
        for (i, p) in pins.iter().enumerate() {
            if let Some(slot) = pin_of_camera.get_mut(p.camera_pos as usize) {
                *slot = i as u32;
            }
        }
        let tree = RTree::bulk_load(
            pins.iter()
                .enumerate()
                .map(|(i, p)| PinPoint::new([p.world.x, p.world.y], i as u32))
                .collect(),
        );
        // The finest level from the pins (sorted by cell), then each coarser level from the one below.
        let mut finest: Vec<(u32, u32, u32)> = pins
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (cx, cy) = cell_of(p.world, MAX_CLUSTER_ZOOM);
                (cy, cx, i as u32)
            })
            .collect();
        finest.sort_unstable();
        let mut level: Vec<Cluster> = Vec::new();
        for (cy, cx, i) in finest {
            let p = &pins[i as usize];
            match level.last_mut() {
                Some(c) if c.cx == cx && c.cy == cy => c.add(p),
                _ => level.push(Cluster::of(cx, cy, i, p)),
            }
        }
        let mut levels = vec![level];
        for _ in 0..MAX_CLUSTER_ZOOM {
            let finer = levels.last().map(Vec::as_slice).unwrap_or(&[]);
            let mut merged: Vec<Cluster> = finer
                .iter()
                .map(|c| Cluster {
                    cx: c.cx >> 1,
                    cy: c.cy >> 1,
                    ..c.clone()
                })
                .collect();
            merged.sort_unstable_by_key(|c| (c.cy, c.cx));
            let mut coarser: Vec<Cluster> = Vec::with_capacity(merged.len() / 2 + 1);
            for c in merged {
                match coarser.last_mut() {
                    Some(last) if last.cx == c.cx && last.cy == c.cy => last.merge(&c),
                    _ => coarser.push(c),
                }
            }
            levels.push(coarser);
        }
        levels.reverse();
        for level in &mut levels {
            for c in level.iter_mut() {
                c.centre = WorldPoint {
                    x: c.sum_x / f64::from(c.count),
                    y: c.sum_y / f64::from(c.count),
                };
            }
            level.shrink_to_fit();
        }
        Self {
            pins,
            tree,
            levels,
            pin_of_camera,
        }
    }

    pub fn len(&self) -> usize {
        self.pins.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pins.is_empty()
    }

    pub fn pin(&self, i: u32) -> Option<&MapPin> {
        self.pins.get(i as usize)
    }

    /// The pin of a camera (by its position in the snapshot), if it is on the map.
    pub fn pin_of_camera(&self, camera_pos: u32) -> Option<&MapPin> {
        let i = *self.pin_of_camera.get(camera_pos as usize)?;
        self.pins.get(i as usize)
    }

    /// The clusters of zoom level `zoom` (at most [`MAX_CLUSTER_ZOOM`]) whose cells meet the world rectangle.
    pub fn clusters_in(&self, zoom: u8, min: WorldPoint, max: WorldPoint) -> Vec<&Cluster> {
        let zoom = zoom.min(MAX_CLUSTER_ZOOM);
        let Some(level) = self.levels.get(usize::from(zoom)) else {
            return Vec::new();
        };
        let (x0, y0) = cell_of(min, zoom);
        let (x1, y1) = cell_of(max, zoom);
        let start = level.partition_point(|c| c.cy < y0);
        level[start..]
            .iter()
            .take_while(|c| c.cy <= y1)
            .filter(|c| c.cx >= x0 && c.cx <= x1)
            .collect()
    }

    /// What to draw at zoom level `zoom` in the world rectangle. The selected camera (by its position in the
    /// snapshot) is taken out of its cluster, which counts one fewer, and comes last, to be drawn on top with its
    /// name: flying to a camera among thousands never leaves it hidden in a number.
    pub fn marks_in(
        &self,
        zoom: u8,
        min: WorldPoint,
        max: WorldPoint,
        selected: Option<u32>,
    ) -> Vec<CameraMark> {
        let selected = selected.and_then(|pos| self.pin_of_camera(pos)).copied();
        let is_selected = |p: &MapPin| selected.is_some_and(|s| s.camera_pos == p.camera_pos);
        let mut marks: Vec<CameraMark> = Vec::new();
        if zoom > MAX_CLUSTER_ZOOM {
            marks.extend(
                self.pins_in(min, max)
                    .filter(|p| !is_selected(p))
                    .map(|&pin| CameraMark::Pin {
                        pin,
                        selected: false,
                    }),
            );
        } else {
            let home = selected.map(|s| cell_of(s.world, zoom));
            for c in self.clusters_in(zoom, min, max) {
                let mut by_state = c.by_state;
                let mut count = c.count;
                if let Some(s) = selected
                    && home == Some((c.cx, c.cy))
                {
                    by_state[s.state.index()] = by_state[s.state.index()].saturating_sub(1);
                    count = count.saturating_sub(1);
                }
                match count {
                    0 => {}
                    1 => {
                        if let Some(&pin) = self.lone_member(c, zoom, |p| !is_selected(p)) {
                            marks.push(CameraMark::Pin {
                                pin,
                                selected: false,
                            });
                        }
                    }
                    _ => marks.push(CameraMark::Cluster {
                        centre: c.centre,
                        count,
                        worst: worst_of(&by_state),
                    }),
                }
            }
        }
        if let Some(pin) = selected {
            let w = pin.world;
            if (min.x..=max.x).contains(&w.x) && (min.y..=max.y).contains(&w.y) {
                marks.push(CameraMark::Pin {
                    pin,
                    selected: true,
                });
            }
        }
        marks
    }

    /// The member of a cell that `wanted` accepts (a cell of one, or of two with the selected camera out).
    fn lone_member(
        &self,
        c: &Cluster,
        zoom: u8,
        wanted: impl Fn(&MapPin) -> bool,
    ) -> Option<&MapPin> {
        if let Some(first) = self.pin(c.first_pin).filter(|p| wanted(p)) {
            return Some(first);
        }
        let side = 1.0 / f64::from(1u32 << cells_per_side_log2(zoom));
        let min = WorldPoint {
            x: f64::from(c.cx) * side,
            y: f64::from(c.cy) * side,
        };
        let max = WorldPoint {
            x: min.x + side,
            y: min.y + side,
        };
        self.pins_in(min, max)
            .find(|p| wanted(p) && cell_of(p.world, zoom) == (c.cx, c.cy))
    }

    /// Every pin in the world rectangle (for street-level views and box selection).
    pub fn pins_in(&self, min: WorldPoint, max: WorldPoint) -> impl Iterator<Item = &MapPin> {
        let envelope = AABB::from_corners([min.x, min.y], [max.x, max.y]);
        self.tree
            .locate_in_envelope(envelope)
            .filter_map(|p| self.pins.get(p.data as usize))
    }

    /// The pin nearest `at` within `max_distance` (world units), for a click.
    pub fn nearest(&self, at: WorldPoint, max_distance: f64) -> Option<&MapPin> {
        let nearest = self
            .tree
            .nearest_neighbor_iter_with_distance_2([at.x, at.y])
            .next()?;
        (nearest.1 <= max_distance * max_distance)
            .then(|| self.pins.get(nearest.0.data as usize))
            .flatten()
    }

    /// A camera's state changed (a probe result or a stage change): the pin and every cluster above it follow.
    /// Returns false when the camera is not on the map.
    pub fn update_state(&mut self, camera_pos: u32, state: PinState) -> bool {
        let Some(&i) = self.pin_of_camera.get(camera_pos as usize) else {
            return false;
        };
        let Some(pin) = self.pins.get_mut(i as usize) else {
            return false;
        };
        let before = pin.state;
        if before == state {
            return true;
        }
        pin.state = state;
        let world = pin.world;
        for (zoom, level) in self.levels.iter_mut().enumerate() {
            let (cx, cy) = cell_of(world, zoom as u8);
            if let Ok(at) = level.binary_search_by_key(&(cy, cx), |c| (c.cy, c.cx)) {
                let c = &mut level[at];
                c.by_state[before.index()] = c.by_state[before.index()].saturating_sub(1);
                c.by_state[state.index()] += 1;
            }
        }
        true
    }
}

impl Cluster {
    fn of(cx: u32, cy: u32, first_pin: u32, p: &MapPin) -> Self {
        let mut by_state = [0; 8];
        by_state[p.state.index()] = 1;
        Self {
            cx,
            cy,
            count: 1,
            centre: p.world,
            by_state,
            first_pin,
            sum_x: p.world.x,
            sum_y: p.world.y,
        }
    }

    fn add(&mut self, p: &MapPin) {
        self.count += 1;
        self.by_state[p.state.index()] += 1;
        self.sum_x += p.world.x;
        self.sum_y += p.world.y;
    }

    fn merge(&mut self, other: &Cluster) {
        self.count += other.count;
        for (a, b) in self.by_state.iter_mut().zip(other.by_state) {
            *a += b;
        }
        self.sum_x += other.sum_x;
        self.sum_y += other.sum_y;
        self.first_pin = self.first_pin.min(other.first_pin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::geo::to_world;

    fn pin(lat: f64, lon: f64, camera_pos: u32, state: PinState) -> MapPin {
        MapPin {
            world: to_world(lat, lon),
            camera_pos,
            state,
        }
    }

    /// Two groups of cameras 5 km apart in Jhansi, and one far away in Lucknow.
    fn sample() -> MapIndex {
        let mut pins = Vec::new();
        for i in 0..10 {
            let d = f64::from(i) * 0.0002;
            pins.push(pin(25.4580 + d, 78.5750, i, PinState::Online));
        }
        pins.push(pin(25.4580, 78.5752, 10, PinState::Offline));
        for i in 0..5 {
            pins.push(pin(
                25.4400 + f64::from(i) * 0.0001,
                78.6200,
                11 + i,
                PinState::InProgress,
            ));
        }
        pins.push(pin(26.8467, 80.9462, 16, PinState::Online));
        MapIndex::build(pins, 20)
    }

    fn whole_world() -> (WorldPoint, WorldPoint) {
        (WorldPoint { x: 0.0, y: 0.0 }, WorldPoint { x: 1.0, y: 1.0 })
    }

    #[test]
    fn clusters_merge_as_the_map_zooms_out_and_keep_every_camera() {
        let index = sample();
        let (min, max) = whole_world();
        for zoom in 0..=MAX_CLUSTER_ZOOM {
            let clusters = index.clusters_in(zoom, min, max);
            let total: u32 = clusters.iter().map(|c| c.count).sum();
            assert_eq!(total, 17, "zoom {zoom}");
        }
        // The whole world at zoom 0 is 4×4 cells: India's cameras share one cell.
        assert_eq!(index.clusters_in(0, min, max).len(), 1);
        // At city zoom the two Jhansi groups and Lucknow are apart.
        let city = index.clusters_in(12, min, max);
        assert_eq!(city.len(), 3, "{city:?}");
        let fort = city.iter().find(|c| c.count == 11).unwrap();
        assert_eq!(
            fort.worst(),
            PinState::Offline,
            "the ring shows the worst member"
        );
        assert_eq!(fort.by_state[PinState::Online as usize], 10);
        // The centre is the members' mean: inside the group.
        let (lat, lon) = crate::model::geo::to_lat_lon(fort.centre);
        assert!((25.458..25.460).contains(&lat) && (78.5749..78.5753).contains(&lon));
    }

    #[test]
    fn a_view_sees_only_its_cells_and_pins() {
        let index = sample();
        let a = to_world(25.47, 78.56);
        let b = to_world(25.45, 78.59);
        let (min, max) = (
            WorldPoint {
                x: a.x.min(b.x),
                y: a.y.min(b.y),
            },
            WorldPoint {
                x: a.x.max(b.x),
                y: a.y.max(b.y),
            },
        );
        let seen: u32 = index
            .clusters_in(14, min, max)
            .iter()
            .map(|c| c.count)
            .sum();
        assert_eq!(seen, 11, "only the fort group");
        assert_eq!(index.pins_in(min, max).count(), 11);
    }

    #[test]
    fn clicks_hit_the_nearest_camera_within_reach() {
        let index = sample();
        let near_lucknow = to_world(26.8468, 80.9463);
        let hit = index.nearest(near_lucknow, 1e-6).map(|p| p.camera_pos);
        assert_eq!(hit, Some(16));
        let nowhere = to_world(20.0, 75.0);
        assert!(index.nearest(nowhere, 1e-6).is_none());
    }

    #[test]
    fn state_changes_reach_every_level() {
        let mut index = sample();
        let (min, max) = whole_world();
        assert!(index.update_state(10, PinState::Online));
        for zoom in 0..=MAX_CLUSTER_ZOOM {
            let worst = index
                .clusters_in(zoom, min, max)
                .iter()
                .map(|c| c.worst())
                .min()
                .unwrap();
            assert_eq!(worst, PinState::InProgress, "zoom {zoom}");
        }
        assert_eq!(index.pin_of_camera(10).unwrap().state, PinState::Online);
        assert!(!index.update_state(19, PinState::Offline), "not on the map");
    }

    #[test]
    fn the_selected_camera_is_drawn_on_its_own_whatever_the_clustering() {
        let index = sample();
        let (min, max) = whole_world();
        let pins = |marks: &[CameraMark]| -> Vec<(u32, bool)> {
            marks
                .iter()
                .filter_map(|m| match m {
                    CameraMark::Pin { pin, selected } => Some((pin.camera_pos, *selected)),
                    CameraMark::Cluster { .. } => None,
                })
                .collect()
        };
        let counts = |marks: &[CameraMark]| -> Vec<(u32, PinState)> {
            marks
                .iter()
                .filter_map(|m| match m {
                    CameraMark::Cluster { count, worst, .. } => Some((*count, *worst)),
                    CameraMark::Pin { .. } => None,
                })
                .collect()
        };
        // City zoom: the fort group (10 online and 1 offline) is one cluster, nothing on its own.
        let city = index.marks_in(12, min, max, None);
        assert!(counts(&city).contains(&(11, PinState::Offline)), "{city:?}");
        assert!(pins(&city).iter().all(|&(_, s)| !s));
        // The offline camera selected: out of its cluster (10, all online now), on its own, last.
        let city = index.marks_in(12, min, max, Some(10));
        assert!(counts(&city).contains(&(10, PinState::Online)), "{city:?}");
        assert_eq!(
            city.last(),
            Some(&CameraMark::Pin {
                pin: *index.pin_of_camera(10).unwrap(),
                selected: true
            })
        );
        let total: u32 = counts(&city).iter().map(|c| c.0).sum::<u32>() + pins(&city).len() as u32;
        assert_eq!(total, 17, "every camera drawn once");
        // At every zoom, clustered or not, it is drawn on its own exactly once, and nothing is lost.
        for zoom in 0..=MAX_CLUSTER_ZOOM + 1 {
            let marks = index.marks_in(zoom, min, max, Some(3));
            assert_eq!(
                pins(&marks).iter().filter(|p| p.1).collect::<Vec<_>>(),
                [&(3, true)],
                "zoom {zoom}"
            );
            let total: u32 =
                counts(&marks).iter().map(|c| c.0).sum::<u32>() + pins(&marks).len() as u32;
            assert_eq!(total, 17, "zoom {zoom}");
            assert!(
                counts(&marks).iter().all(|c| c.0 >= 2),
                "zoom {zoom}: {marks:?}"
            );
        }
        // A cell of two with one selected: the other is drawn as a camera too, not as a cluster of one.
        let two = MapIndex::build(
            vec![
                pin(25.4580, 78.5750, 0, PinState::Online),
                pin(25.4580, 78.5751, 1, PinState::Offline),
            ],
            2,
        );
        for selected in [0, 1] {
            let marks = two.marks_in(12, min, max, Some(selected));
            assert_eq!(pins(&marks), [(1 - selected, false), (selected, true)]);
        }
        // Out of view, the selected camera is not drawn.
        let lucknow = to_world(26.8467, 80.9462);
        let near = (
            WorldPoint {
                x: lucknow.x - 1e-4,
                y: lucknow.y - 1e-4,
            },
            WorldPoint {
                x: lucknow.x + 1e-4,
                y: lucknow.y + 1e-4,
            },
        );
        assert!(
            pins(&index.marks_in(15, near.0, near.1, Some(10)))
                .iter()
                .all(|p| !p.1)
        );
    }

    #[test]
    fn pin_states_follow_stage_then_health() {
        use HealthState as H;
        use IntegrationStage as S;
        assert_eq!(PinState::of(S::Integrated, H::Offline), PinState::Offline);
        assert_eq!(
            PinState::of(S::Configured, H::NotProbed),
            PinState::NotProbed
        );
        assert_eq!(PinState::of(S::Surveyed, H::Online), PinState::InProgress);
        assert_eq!(PinState::of(S::Blocked, H::NotProbed), PinState::Blocked);
        assert_eq!(PinState::of(S::Rejected, H::NotProbed), PinState::Rejected);
        assert!(PinState::Offline < PinState::Online);
    }
}
