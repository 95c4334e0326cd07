//! The in-memory registry the screens read every frame: the snapshot plus precomputed search text, distinct
//! filter values, and the current filtered + sorted row order. Pure data work, no egui, so it is unit-tested and
//! benchmarked on its own; all of it stays well under a frame at 200,000 cameras when a filter is typed.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, OnceLock, mpsc};

use crate::model::geo::{self, WorldPoint};
use crate::model::{CameraId, HealthState, IntegrationStage, OwnerCategory, SiteId};
use crate::services::map::boundaries::natural_cmp;
use crate::services::map::map_index::{MapPin, PinState};
use crate::store::{CameraRecord, HealthBrief, RegistrySnapshot, SiteRecord};

/// A search hit: a position in `snapshot.sites` or `snapshot.cameras`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Site(u32),
    Camera(u32),
}

/// How the wall orders its tiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WallOrder {
    /// Offline, auth failed, stream error, not probed, online; then by name.
    #[default]
    ProblemsFirst,
    Name,
    /// Longest unseen first.
    LastSeen,
}

/// Which rows the table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableMode {
    #[default]
    Cameras,
    Sites,
}

/// Sortable columns (shared by both modes where they make sense).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    #[default]
    Site,
    Camera,
    Category,
    Ward,
    PoliceStation,
    Stage,
    Area,
    Priority,
    Cameras,
    Integrated,
    Updated,
}

/// The filters of the table; empty / `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub text: String,
    pub category: Option<OwnerCategory>,
    pub ward: Option<String>,
    pub police_station: Option<String>,
    pub stage: Option<IntegrationStage>,
    /// Health as the desk's probes saw it (`NotProbed` for cameras without a probe yet).
    pub health: Option<HealthState>,
    /// Only these cameras (e.g. a box drawn on the map), sorted; `None` = all.
    pub only: Option<Arc<Vec<CameraId>>>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Per-site figures derived from its cameras.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SiteCounts {
    pub cameras: u32,
    pub integrated: u32,
}

/// Snapshot + indexes for the registry table.
#[derive(Debug, Default)]
pub struct RegistryIndex {
    pub snapshot: Arc<RegistrySnapshot>,
    site_pos: HashMap<SiteId, usize>,
    camera_pos: HashMap<CameraId, usize>,
    site_counts: Vec<SiteCounts>,
    /// What filtering reads; shared with the filter thread.
    search: Arc<SearchData>,
    /// Lowercased English site names, compared when sorting.
    site_sort_name: TextColumn,
    pub wards: Vec<String>,
    pub police_stations: Vec<String>,
    /// Rows shown, in order: indexes into `snapshot.cameras` or `snapshot.sites` depending on `mode`.
    pub rows: Vec<u32>,
    pub mode: TableMode,
    pub sort: SortColumn,
    pub ascending: bool,
    /// The filters `rows` was built for.
    applied: Filters,
    /// All rows in sort order, so a filter change never re-sorts.
    sorted_all: Vec<u32>,
    /// Filtering in progress, if any.
    job: Option<FilterJob>,
    /// Moves on whenever a site or camera changes (views built from the index, like the map, rebuild then).
    revision: u64,
}

/// Below this many rows a filter runs at once on the caller's thread (well under a millisecond); above it, on
/// a thread of its own, so typing in the search box never waits for a scan of the registry.
const SYNC_FILTER_ROWS: usize = 20_000;

/// Many short strings in one buffer: one allocation for a whole column instead of one per row (at 200,000 rows
/// the per-string headers and allocator overhead cost more than the text).
#[derive(Debug, Clone, Default)]
struct TextColumn {
    text: String,
    /// (start, length) of each row in `text`.
    spans: Vec<(u32, u32)>,
}

impl TextColumn {
    /// Room for `rows` rows of `bytes` bytes in all, so building a column never doubles its buffer.
    fn with_capacity(rows: usize, bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(rows),
        }
    }

    /// A row made of `parts` lowercased, joined by U+001F so a search can never match across two fields.
    fn lowered(parts: &[&str]) -> String {
        let mut out = String::new();
        for (n, part) in parts.iter().enumerate() {
            if n > 0 {
                out.push('\u{1f}');
            }
            out.extend(part.chars().flat_map(char::to_lowercase));
        }
        out
    }

    fn push_lowered(&mut self, parts: &[&str]) {
        let start = self.text.len();
        for (n, part) in parts.iter().enumerate() {
            if n > 0 {
                self.text.push('\u{1f}');
            }
            self.text.extend(part.chars().flat_map(char::to_lowercase));
        }
        self.spans
            .push((start as u32, (self.text.len() - start) as u32));
    }

    fn get(&self, i: usize) -> &str {
        let (start, len) = self.spans[i];
        &self.text[start as usize..(start + len) as usize]
    }

    /// Replaces one row: the new text goes at the end; the buffer is compacted when half of it is stale.
    fn set(&mut self, i: usize, value: &str) {
        let start = self.text.len();
        self.text.push_str(value);
        self.spans[i] = (start as u32, value.len() as u32);
        let live: usize = self.spans.iter().map(|&(_, len)| len as usize).sum();
        if live * 2 < self.text.len() {
            let mut compact = Self::default();
            for row in 0..self.spans.len() {
                let text = self.get(row);
                let start = compact.text.len();
                compact.text.push_str(text);
                compact.spans.push((start as u32, text.len() as u32));
            }
            *self = compact;
        }
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    /// Gives back the room left over from growing (up to half of the buffer).
    fn shrunk(mut self) -> Self {
        self.text.shrink_to_fit();
        self.spans.shrink_to_fit();
        self
    }
}

impl FromIterator<String> for TextColumn {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut column = Self::default();
        for row in iter {
            let start = column.text.len();
            column.text.push_str(&row);
            column.spans.push((start as u32, row.len() as u32));
        }
        column.shrunk()
    }
}

/// Everything a filter looks at, per row, in a form a thread can own: no references into the snapshot.
#[derive(Debug, Default, Clone)]
struct SearchData {
    /// Lowercased text each camera row is searched by: its own fields (a camera also matches through its site's
    /// text, which is kept once per site). The text columns sit behind their own `Arc`s so that updating health
    /// while a filter thread reads never copies them.
    camera_text: Arc<TextColumn>,
    camera_stage: Vec<IntegrationStage>,
    camera_health: Vec<HealthState>,
    /// Camera positions in label order, made when first asked for (on a worker thread, not when opening).
    name_order: OnceLock<Arc<Vec<u32>>>,
    /// Last probe that found the camera online, unix seconds; `i64::MIN` when never.
    camera_last_online: Vec<i64>,
    /// Position in `snapshot.sites` of each camera's site.
    camera_site_pos: Vec<Option<u32>>,
    /// Each camera's place on the map (Web Mercator world square).
    camera_world: Arc<Vec<WorldPoint>>,
    site_text: Arc<TextColumn>,
    site_category: Vec<OwnerCategory>,
    /// Index into `wards` / `police_stations`, `u32::MAX` when empty.
    site_ward: Vec<u32>,
    site_station: Vec<u32>,
    /// One bit per stage (its position in `IntegrationStage::ALL`) present among the site's cameras.
    site_stages: Vec<u8>,
}

fn stage_bit(stage: IntegrationStage) -> u8 {
    let i = IntegrationStage::ALL
        .iter()
        .position(|s| *s == stage)
        .unwrap_or(0);
    1 << i
}

/// Filters turned into what [`SearchData`] holds.
#[derive(Debug, Clone)]
struct Query {
    needle: String,
    category: Option<OwnerCategory>,
    ward: Option<u32>,
    station: Option<u32>,
    stage: Option<IntegrationStage>,
    health: Option<HealthState>,
    /// Cameras allowed, by position (`None` = all).
    only: Option<Arc<Vec<bool>>>,
}

/// Whether each site's text holds the search text, worked out once per site and query (sites have several
/// cameras each).
struct SiteTextHits<'a> {
    needle: &'a str,
    /// 0 = not looked at yet, 1 = no, 2 = yes.
    hits: Vec<u8>,
}

impl<'a> SiteTextHits<'a> {
    fn new(q: &'a Query, sites: usize) -> Self {
        Self {
            needle: &q.needle,
            hits: if q.needle.is_empty() {
                Vec::new()
            } else {
                vec![0; sites]
            },
        }
    }

    fn hit(&mut self, text: &TextColumn, p: usize) -> bool {
        if self.hits[p] == 0 {
            self.hits[p] = if text.get(p).contains(self.needle) {
                2
            } else {
                1
            };
        }
        self.hits[p] == 2
    }
}

impl SearchData {
    fn site_matches(&self, p: usize, q: &Query) -> bool {
        q.category.is_none_or(|c| self.site_category[p] == c)
            && q.ward.is_none_or(|w| self.site_ward[p] == w)
            && q.station.is_none_or(|s| self.site_station[p] == s)
    }

    fn matches(&self, mode: TableMode, i: usize, q: &Query, hits: &mut SiteTextHits<'_>) -> bool {
        match mode {
            TableMode::Cameras => {
                let Some(p) = self.camera_site_pos[i].map(|p| p as usize) else {
                    return false;
                };
                q.stage.is_none_or(|st| self.camera_stage[i] == st)
                    && q.health.is_none_or(|h| self.camera_health[i] == h)
                    && q.only
                        .as_ref()
                        .is_none_or(|only| only.get(i).copied().unwrap_or(false))
                    && self.site_matches(p, q)
                    && (q.needle.is_empty()
                        || hits.hit(&self.site_text, p)
                        || self.camera_text.get(i).contains(&q.needle))
            }
            TableMode::Sites => {
                // Health belongs to cameras: a site matches when the filter asks nothing of it.
                q.health.is_none()
                    && q.only.is_none()
                    && self.site_matches(i, q)
                    && q.stage
                        .is_none_or(|st| self.site_stages[i] & stage_bit(st) != 0)
                    && (q.needle.is_empty() || hits.hit(&self.site_text, i))
            }
        }
    }

    fn filter(&self, mode: TableMode, source: &[u32], q: &Query, cancel: &AtomicBool) -> Vec<u32> {
        let mut found = Vec::new();
        let mut hits = SiteTextHits::new(q, self.site_text.len());
        for chunk in source.chunks(8_192) {
            if cancel.load(AtomicOrdering::Relaxed) {
                break;
            }
            found.extend(
                chunk
                    .iter()
                    .copied()
                    .filter(|&i| self.matches(mode, i as usize, q, &mut hits)),
            );
        }
        found
    }

    /// A camera's lowercased label: the first field of its search text (no second copy of 200,000 labels).
    fn label(&self, i: usize) -> &str {
        let text = self.camera_text.get(i);
        text.split('\u{1f}').next().unwrap_or(text)
    }

    /// Camera positions ordered by label (case-insensitive), then position.
    fn name_order(&self) -> Arc<Vec<u32>> {
        self.name_order
            .get_or_init(|| {
                let mut order: Vec<u32> = (0..self.camera_text.len() as u32).collect();
                order.sort_unstable_by(|&a, &b| {
                    self.label(a as usize)
                        .cmp(self.label(b as usize))
                        .then(a.cmp(&b))
                });
                Arc::new(order)
            })
            .clone()
    }
}

/// A filter running on its own thread.
#[derive(Debug)]
struct FilterJob {
    filters: Filters,
    rows: mpsc::Receiver<Vec<u32>>,
    cancel: Arc<AtomicBool>,
}

impl Drop for FilterJob {
    fn drop(&mut self) {
        // A newer request replaced this one: let its thread stop early.
        self.cancel.store(true, AtomicOrdering::Relaxed);
    }
}

/// Revisions are unique across indexes, so a view keyed by one never mistakes a reloaded registry for the old.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, AtomicOrdering::Relaxed)
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// The label and other text a camera row is searched by (besides its site's). The label comes first: the name
/// order reads it from there.
fn camera_text_parts(c: &CameraRecord) -> [&str; 4] {
    [
        &c.camera.label,
        &c.camera.make,
        &c.camera.model,
        &c.camera.stream_url,
    ]
}

/// The text a site row (and each of its cameras) is searched by.
fn site_text_parts(s: &SiteRecord) -> [&str; 7] {
    [
        &s.site.name_en,
        &s.site.name_hi,
        &s.site.contact_person,
        &s.site.ward,
        &s.site.police_station,
        &s.site.address,
        &s.site.phone,
    ]
}

impl RegistryIndex {
    pub fn new(snapshot: Arc<RegistrySnapshot>) -> Self {
        Self::with_health(snapshot, Vec::new())
    }

    /// An index that also knows the cameras' health (as the store last recorded it).
    pub fn with_health(snapshot: Arc<RegistrySnapshot>, health: Vec<HealthBrief>) -> Self {
        let mut index = Self {
            snapshot,
            ascending: true,
            ..Default::default()
        };
        index.rebuild();
        index.update_health(health);
        index
    }

    /// Takes new health (from the prober); returns the cameras whose state changed, with the old state.
    pub fn update_health(
        &mut self,
        records: impl IntoIterator<Item = HealthBrief>,
    ) -> Vec<(CameraId, HealthState, HealthState)> {
        let mut changed = Vec::new();
        let mut positions = Vec::new();
        for record in records {
            let Some(&i) = self.camera_pos.get(&record.camera_id) else {
                continue;
            };
            let before = self.search.camera_health[i];
            if before != record.state {
                changed.push((record.camera_id, before, record.state));
            }
            positions.push((
                i,
                record.state,
                record.last_online_unix_s.unwrap_or(i64::MIN),
            ));
        }
        if !positions.is_empty() {
            // Copies the search data only if a filter thread still reads it.
            let search = Arc::make_mut(&mut self.search);
            for (i, state, last_online) in positions {
                search.camera_health[i] = state;
                search.camera_last_online[i] = last_online;
            }
            // A health filter may now match other cameras.
            if !changed.is_empty() && self.applied.health.is_some() {
                self.invalidate_rows();
            }
        }
        changed
    }

    pub fn health_state(&self, camera_id: CameraId) -> HealthState {
        self.camera_pos
            .get(&camera_id)
            .map_or(HealthState::NotProbed, |&i| self.search.camera_health[i])
    }

    /// When a probe last found the camera online.
    pub fn last_online_unix_s(&self, camera_id: CameraId) -> Option<i64> {
        self.camera_pos
            .get(&camera_id)
            .map(|&i| self.search.camera_last_online[i])
            .filter(|&t| t != i64::MIN)
    }

    /// The cameras the wall shows, as positions in `snapshot.cameras`: configured or integrated ones matching the
    /// filters, in the wall's order.
    pub fn wall_rows(&self, filters: &Filters, order: WallOrder) -> Vec<u32> {
        self.wall_rows_task(filters, order)()
    }

    /// The same work as [`Self::wall_rows`], packed to run on another thread (it owns what it reads).
    pub fn wall_rows_task(
        &self,
        filters: &Filters,
        order: WallOrder,
    ) -> impl FnOnce() -> Vec<u32> + Send + 'static {
        let query = self.query(filters);
        let search = self.search.clone();
        move || {
            let Some(query) = query else {
                return Vec::new();
            };
            let mut hits = SiteTextHits::new(&query, search.site_text.len());
            let mut on_wall = |i: u32| {
                matches!(
                    search.camera_stage[i as usize],
                    IntegrationStage::Configured | IntegrationStage::Integrated
                ) && search.matches(TableMode::Cameras, i as usize, &query, &mut hits)
            };
            // Name orders come from the label order made once, so a health change re-orders the wall in one
            // pass without comparing a string.
            match order {
                WallOrder::ProblemsFirst => {
                    let mut by_rank: [Vec<u32>; 5] = Default::default();
                    for &i in search.name_order().iter() {
                        if on_wall(i) {
                            let rank = search.camera_health[i as usize].problem_rank();
                            by_rank[usize::from(rank).min(4)].push(i);
                        }
                    }
                    by_rank.concat()
                }
                WallOrder::Name => search
                    .name_order()
                    .iter()
                    .copied()
                    .filter(|&i| on_wall(i))
                    .collect(),
                // Longest unseen first: never seen, then the oldest sighting.
                WallOrder::LastSeen => {
                    let mut rows: Vec<u32> = (0..search.camera_stage.len() as u32)
                        .filter(|&i| on_wall(i))
                        .collect();
                    rows.sort_by_key(|&i| (search.camera_last_online[i as usize], i));
                    rows
                }
            }
        }
    }

    /// The map's pins: every camera matching the filters (any stage), with its marker state; packed to run on
    /// another thread like [`Self::wall_rows_task`].
    pub fn map_pins_task(
        &self,
        filters: &Filters,
    ) -> impl FnOnce() -> Vec<MapPin> + Send + 'static {
        let query = self.query(filters);
        let search = self.search.clone();
        move || {
            let Some(query) = query else {
                return Vec::new();
            };
            let mut hits = SiteTextHits::new(&query, search.site_text.len());
            (0..search.camera_stage.len())
                .filter(|&i| search.matches(TableMode::Cameras, i, &query, &mut hits))
                .map(|i| MapPin {
                    world: search.camera_world[i],
                    camera_pos: i as u32,
                    state: PinState::of(search.camera_stage[i], search.camera_health[i]),
                })
                .collect()
        }
    }

    /// Sites, then cameras, whose own text holds `text` (English or Hindi, any case), at most `limit` of each
    /// kind, in registry order; packed to run on another thread.
    pub fn find_task(
        &self,
        text: &str,
        limit: usize,
    ) -> impl FnOnce() -> Vec<Found> + Send + 'static {
        let needle = lower(text.trim());
        let search = self.search.clone();
        move || {
            if needle.is_empty() {
                return Vec::new();
            }
            let sites = (0..search.site_text.len())
                .filter(|&p| search.site_text.get(p).contains(&needle))
                .take(limit)
                .map(|p| Found::Site(p as u32));
            let cameras = (0..search.camera_text.len())
                .filter(|&i| search.camera_text.get(i).contains(&needle))
                .take(limit)
                .map(|i| Found::Camera(i as u32));
            sites.chain(cameras).collect()
        }
    }

    /// The health of every probed camera, as the coverage computation takes it.
    pub fn health_briefs(&self) -> Vec<HealthBrief> {
        let search = &self.search;
        self.snapshot
            .cameras
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                search.camera_health[*i] != HealthState::NotProbed
                    || search.camera_last_online[*i] != i64::MIN
            })
            .map(|(i, c)| HealthBrief {
                camera_id: c.id,
                state: search.camera_health[i],
                last_online_unix_s: Some(search.camera_last_online[i]).filter(|&t| t != i64::MIN),
            })
            .collect()
    }

    /// Moves on with every change of a site or camera in this index.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// A camera's marker state now (stage and probed health).
    pub fn pin_state(&self, camera_pos: u32) -> PinState {
        let i = camera_pos as usize;
        PinState::of(
            self.search
                .camera_stage
                .get(i)
                .copied()
                .unwrap_or(IntegrationStage::Surveyed),
            self.search
                .camera_health
                .get(i)
                .copied()
                .unwrap_or(HealthState::NotProbed),
        )
    }

    /// Position of a camera in the snapshot.
    pub fn camera_position(&self, camera_id: CameraId) -> Option<u32> {
        self.camera_pos.get(&camera_id).map(|&i| i as u32)
    }

    /// Cameras in the registry (the wall computes its rows on a thread above [`SYNC_FILTER_ROWS`]).
    pub fn is_large(&self) -> bool {
        self.snapshot.cameras.len() > SYNC_FILTER_ROWS
    }

    /// Recomputes everything derived from the snapshot (after a load or a saved row).
    fn rebuild(&mut self) {
        self.revision = next_revision();
        // Health is not in the snapshot: carry it over by camera id (positions move when a camera is added).
        let old_health: HashMap<CameraId, (HealthState, i64)> = self
            .camera_pos
            .iter()
            .filter_map(|(&id, &i)| {
                let state = *self.search.camera_health.get(i)?;
                let seen = *self.search.camera_last_online.get(i)?;
                (state != HealthState::NotProbed || seen != i64::MIN).then_some((id, (state, seen)))
            })
            .collect();
        let snap = &self.snapshot;
        self.site_pos = snap
            .sites
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();
        self.camera_pos = snap
            .cameras
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let mut counts = vec![SiteCounts::default(); snap.sites.len()];
        for c in &snap.cameras {
            if let Some(&i) = self.site_pos.get(&c.site_id) {
                counts[i].cameras += 1;
                if c.is_integrated() {
                    counts[i].integrated += 1;
                }
            }
        }
        self.site_counts = counts;
        self.site_sort_name = snap.sites.iter().map(|s| lower(&s.site.name_en)).collect();
        // Natural order ("Ward 2" before "Ward 10"), as the boundary layers and the form's chooser list them.
        let names = |of: fn(&SiteRecord) -> &str| -> Vec<String> {
            let set: BTreeSet<&str> = snap.sites.iter().map(of).collect();
            let mut list: Vec<String> = set
                .into_iter()
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect();
            list.sort_by(|a, b| natural_cmp(a, b));
            list
        };
        self.wards = names(|s| s.site.ward.as_str());
        self.police_stations = names(|s| s.site.police_station.as_str());
        let position_in = |list: &[String], value: &str| {
            list.binary_search_by(|v| natural_cmp(v, value))
                .map_or(u32::MAX, |p| p as u32)
        };
        let bytes = |parts: &[&str]| parts.iter().map(|p| p.len() + 1).sum::<usize>();
        let mut site_text = TextColumn::with_capacity(
            snap.sites.len(),
            snap.sites.iter().map(|s| bytes(&site_text_parts(s))).sum(),
        );
        for s in &snap.sites {
            site_text.push_lowered(&site_text_parts(s));
        }
        let site_text = site_text.shrunk();
        let camera_site_pos: Vec<Option<u32>> = snap
            .cameras
            .iter()
            .map(|c| self.site_pos.get(&c.site_id).map(|&p| p as u32))
            .collect();
        let mut site_stages = vec![0u8; snap.sites.len()];
        for (c, p) in snap.cameras.iter().zip(&camera_site_pos) {
            if let Some(p) = p {
                site_stages[*p as usize] |= stage_bit(c.counted_stage());
            }
        }
        self.search = Arc::new(SearchData {
            camera_text: Arc::new({
                let mut text = TextColumn::with_capacity(
                    snap.cameras.len(),
                    snap.cameras
                        .iter()
                        .map(|c| bytes(&camera_text_parts(c)))
                        .sum(),
                );
                for c in &snap.cameras {
                    text.push_lowered(&camera_text_parts(c));
                }
                text.shrunk()
            }),
            camera_stage: snap.cameras.iter().map(|c| c.counted_stage()).collect(),
            name_order: OnceLock::new(),
            camera_last_online: snap
                .cameras
                .iter()
                .map(|c| old_health.get(&c.id).map_or(i64::MIN, |h| h.1))
                .collect(),
            camera_health: snap
                .cameras
                .iter()
                .map(|c| {
                    old_health
                        .get(&c.id)
                        .map_or(HealthState::NotProbed, |h| h.0)
                })
                .collect(),
            camera_site_pos,
            camera_world: Arc::new(
                snap.cameras
                    .iter()
                    .map(|c| geo::to_world(c.camera.lat_deg, c.camera.lon_deg))
                    .collect(),
            ),
            site_category: snap.sites.iter().map(|s| s.site.owner_category).collect(),
            site_ward: snap
                .sites
                .iter()
                .map(|s| position_in(&self.wards, &s.site.ward))
                .collect(),
            site_station: snap
                .sites
                .iter()
                .map(|s| position_in(&self.police_stations, &s.site.police_station))
                .collect(),
            site_stages,
            site_text: Arc::new(site_text),
        });
        self.resort();
    }

    pub fn site(&self, id: SiteId) -> Option<&SiteRecord> {
        self.site_pos.get(&id).map(|&i| &self.snapshot.sites[i])
    }

    pub fn camera(&self, id: CameraId) -> Option<&CameraRecord> {
        self.camera_pos.get(&id).map(|&i| &self.snapshot.cameras[i])
    }

    pub fn site_counts(&self, id: SiteId) -> SiteCounts {
        self.site_pos
            .get(&id)
            .map(|&i| self.site_counts[i])
            .unwrap_or_default()
    }

    /// Cameras of one site, in id order.
    pub fn cameras_of(&self, site_id: SiteId) -> impl Iterator<Item = &CameraRecord> {
        // Cameras are sorted by site id: find the run with a binary search.
        let cams = &self.snapshot.cameras;
        let start = cams.partition_point(|c| c.site_id < site_id);
        cams[start..]
            .iter()
            .take_while(move |c| c.site_id == site_id)
    }

    pub fn integrated_count(&self) -> usize {
        self.site_counts.iter().map(|c| c.integrated as usize).sum()
    }

    /// Takes over the row kind and order of a previous index (after a reload).
    pub fn set_order(&mut self, mode: TableMode, sort: SortColumn, ascending: bool) {
        if (self.mode, self.sort, self.ascending) != (mode, sort, ascending) {
            self.mode = mode;
            self.sort = sort;
            self.ascending = ascending;
            self.resort();
        }
    }

    /// Switches between camera and site rows.
    pub fn set_mode(&mut self, mode: TableMode, filters: &Filters) {
        if self.mode != mode {
            self.mode = mode;
            if self.mode == TableMode::Sites
                && matches!(
                    self.sort,
                    SortColumn::Camera | SortColumn::Stage | SortColumn::Area
                )
            {
                self.sort = SortColumn::Site;
            }
            self.resort();
            // The old rows index the other kind of record: show none until the new ones are found.
            self.rows.clear();
            self.request(filters);
        }
    }

    /// Sorts by a column; clicking the same column again flips the direction.
    pub fn sort_by(&mut self, column: SortColumn, filters: &Filters) {
        if self.sort == column {
            self.ascending = !self.ascending;
        } else {
            self.sort = column;
            self.ascending = true;
        }
        self.resort();
        self.request(filters);
    }

    /// Rank of every site (by position) under `column`, names and ids breaking ties.
    fn site_ranks(&self, column: SortColumn) -> Vec<u32> {
        let sites = &self.snapshot.sites;
        let mut order: Vec<u32> = (0..sites.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            let (sa, sb) = (&sites[a].site, &sites[b].site);
            let primary = match column {
                SortColumn::Category => sa.owner_category.cmp(&sb.owner_category),
                SortColumn::Ward => sa.ward.cmp(&sb.ward),
                SortColumn::PoliceStation => sa.police_station.cmp(&sb.police_station),
                SortColumn::Priority => sa.priority.cmp(&sb.priority),
                SortColumn::Cameras => self.site_counts[a]
                    .cameras
                    .cmp(&self.site_counts[b].cameras),
                SortColumn::Integrated => self.site_counts[a]
                    .integrated
                    .cmp(&self.site_counts[b].integrated),
                SortColumn::Updated => sites[a].updated_unix_s.cmp(&sites[b].updated_unix_s),
                _ => Ordering::Equal,
            };
            primary
                .then_with(|| self.site_sort_name.get(a).cmp(self.site_sort_name.get(b)))
                .then(sites[a].id.cmp(&sites[b].id))
        });
        let mut ranks = vec![0u32; sites.len()];
        for (rank, &pos) in order.iter().enumerate() {
            ranks[pos as usize] = rank as u32;
        }
        ranks
    }

    /// Orders all rows by the current column. Strings are compared once per site (as ranks), never per camera
    /// pair, so a sort of 200,000 cameras stays a fraction of a second.
    fn resort(&mut self) {
        let snap = self.snapshot.clone();
        let column = self.sort;
        let site_column = match column {
            SortColumn::Camera | SortColumn::Stage | SortColumn::Area => SortColumn::Site,
            SortColumn::Updated if self.mode == TableMode::Cameras => SortColumn::Site,
            other => other,
        };
        let ranks = self.site_ranks(site_column);
        let mut order: Vec<u32> = match self.mode {
            TableMode::Cameras => (0..snap.cameras.len() as u32).collect(),
            TableMode::Sites => (0..snap.sites.len() as u32).collect(),
        };
        match self.mode {
            TableMode::Cameras => {
                let site_pos = &self.search.camera_site_pos;
                let site_rank = |c: usize| site_pos[c].map_or(u32::MAX, |p| ranks[p as usize]);
                let name_rank = if column == SortColumn::Camera {
                    let mut name_rank = vec![0u32; snap.cameras.len()];
                    for (rank, &i) in self.search.name_order().iter().enumerate() {
                        name_rank[i as usize] = rank as u32;
                    }
                    name_rank
                } else {
                    Vec::new()
                };
                order.sort_unstable_by(|&a, &b| {
                    let (a, b) = (a as usize, b as usize);
                    let (ca, cb) = (&snap.cameras[a], &snap.cameras[b]);
                    let primary = match column {
                        SortColumn::Camera => name_rank[a].cmp(&name_rank[b]),
                        SortColumn::Stage => ca.stage.cmp(&cb.stage),
                        SortColumn::Area => ca.camera.area_watched.cmp(&cb.camera.area_watched),
                        SortColumn::Updated => ca.updated_unix_s.cmp(&cb.updated_unix_s),
                        _ => Ordering::Equal,
                    };
                    primary
                        .then_with(|| site_rank(a).cmp(&site_rank(b)))
                        .then(ca.id.cmp(&cb.id))
                });
            }
            TableMode::Sites => order.sort_unstable_by_key(|&p| ranks[p as usize]),
        }
        if !self.ascending {
            order.reverse();
        }
        self.sorted_all = order;
        self.invalidate_rows();
    }

    /// Makes the next request rebuild `rows` from `sorted_all`, whatever the filters.
    fn invalidate_rows(&mut self) {
        self.job = None;
        self.applied = Filters {
            text: "\u{0}".into(),
            ..Default::default()
        };
    }

    /// Asks for the rows of these filters. A large registry is filtered on a thread of its own and the table
    /// keeps showing the previous rows until [`Self::poll`] picks the new ones up; asking again for the filters
    /// shown or being worked on does nothing.
    pub fn request(&mut self, filters: &Filters) {
        let target = self.job.as_ref().map_or(&self.applied, |j| &j.filters);
        if filters == target {
            return;
        }
        self.job = None;
        let Some(query) = self.query(filters) else {
            // A ward or police station no site has (any more): nothing matches.
            self.rows.clear();
            self.applied = filters.clone();
            return;
        };
        // When only the search text grew, only the rows shown now can still match.
        let narrowing = filters.category == self.applied.category
            && filters.ward == self.applied.ward
            && filters.police_station == self.applied.police_station
            && filters.stage == self.applied.stage
            && filters.health == self.applied.health
            && filters.only == self.applied.only
            && query.needle.contains(&lower(self.applied.text.trim()));
        let source = if narrowing {
            self.rows.clone()
        } else {
            self.sorted_all.clone()
        };
        let cancel = Arc::new(AtomicBool::new(false));
        if source.len() <= SYNC_FILTER_ROWS {
            self.rows = self.search.filter(self.mode, &source, &query, &cancel);
            self.applied = filters.clone();
            return;
        }
        let (tx, rx) = mpsc::channel();
        let (search, mode, thread_cancel) = (self.search.clone(), self.mode, cancel.clone());
        let spawned = std::thread::Builder::new()
            .name("registry-filter".into())
            .spawn(move || {
                let found = search.filter(mode, &source, &query, &thread_cancel);
                let _ = tx.send(found);
            });
        match spawned {
            Ok(_) => {
                self.job = Some(FilterJob {
                    filters: filters.clone(),
                    rows: rx,
                    cancel,
                })
            }
            Err(_) => {
                // No thread to be had: filter here rather than show stale rows.
                if let Some(query) = self.query(filters) {
                    self.rows = self
                        .search
                        .filter(self.mode, &self.sorted_all, &query, &cancel);
                }
                self.applied = filters.clone();
            }
        }
    }

    fn query(&self, filters: &Filters) -> Option<Query> {
        let position = |list: &[String], value: &Option<String>| match value {
            None => Some(None),
            Some(v) => list
                .binary_search_by(|w| natural_cmp(w, v))
                .ok()
                .map(|p| Some(p as u32)),
        };
        Some(Query {
            needle: lower(filters.text.trim()),
            category: filters.category,
            ward: position(&self.wards, &filters.ward)?,
            station: position(&self.police_stations, &filters.police_station)?,
            stage: filters.stage,
            health: filters.health,
            only: filters.only.as_ref().map(|ids| {
                let mut allowed = vec![false; self.snapshot.cameras.len()];
                for id in ids.iter() {
                    if let Some(&i) = self.camera_pos.get(id) {
                        allowed[i] = true;
                    }
                }
                Arc::new(allowed)
            }),
        })
    }

    /// True while a filter is still running (the rows shown are the previous ones).
    pub fn is_filtering(&self) -> bool {
        self.job.is_some()
    }

    /// Takes the result of a finished filter; true when the rows are up to date.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.job else {
            return true;
        };
        match job.rows.try_recv() {
            Ok(rows) => {
                self.rows = rows;
                if let Some(job) = self.job.take() {
                    self.applied = job.filters.clone();
                }
                true
            }
            Err(mpsc::TryRecvError::Empty) => false,
            Err(mpsc::TryRecvError::Disconnected) => {
                // The thread is gone without an answer; ask again next frame.
                self.job = None;
                self.invalidate_rows();
                false
            }
        }
    }

    /// Brings the rows up to date for these filters, waiting for the filter thread if there is one.
    pub fn apply(&mut self, filters: &Filters) {
        self.request(filters);
        if let Some(job) = &self.job {
            let rows = job.rows.recv();
            if let (Ok(rows), Some(job)) = (rows, self.job.take()) {
                self.rows = rows;
                self.applied = job.filters.clone();
            }
        }
    }

    /// Puts a saved site into the snapshot (added or replaced) and refreshes the indexes.
    pub fn upsert_site(&mut self, record: SiteRecord, filters: &Filters) {
        let snap = Arc::make_mut(&mut self.snapshot);
        match snap.sites.iter().position(|s| s.id == record.id) {
            Some(i) => snap.sites[i] = record,
            None => snap.sites.push(record),
        }
        self.rebuild();
        self.apply(filters);
    }

    /// Puts a saved camera into the snapshot (added or replaced) and refreshes the indexes.
    pub fn upsert_camera(&mut self, record: CameraRecord, filters: &Filters) {
        // The usual case, an edit or a stage change of a camera that stays at its site, touches one row of
        // each index instead of rebuilding them for the whole registry.
        if let Some(&i) = self.camera_pos.get(&record.id)
            && self.snapshot.cameras[i].site_id == record.site_id
        {
            self.revision = next_revision();
            let was_integrated = self.snapshot.cameras[i].is_integrated();
            let is_integrated = record.is_integrated();
            let site_pos = self.search.camera_site_pos[i];
            if let Some(p) = site_pos {
                let counts = &mut self.site_counts[p as usize];
                counts.integrated =
                    counts.integrated + u32::from(is_integrated) - u32::from(was_integrated);
            }
            let site_id = record.site_id;
            Arc::make_mut(&mut self.snapshot).cameras[i] = record;
            // Copies the search data only if a filter thread still reads it.
            self.job = None;
            let stages = self
                .cameras_of(site_id)
                .fold(0u8, |m, c| m | stage_bit(c.counted_stage()));
            let record = &self.snapshot.cameras[i];
            let search = Arc::make_mut(&mut self.search);
            let label_changed = search.label(i) != lower(&record.camera.label);
            Arc::make_mut(&mut search.camera_text)
                .set(i, &TextColumn::lowered(&camera_text_parts(record)));
            if label_changed {
                search.name_order = OnceLock::new();
            }
            search.camera_stage[i] = record.counted_stage();
            let world = geo::to_world(record.camera.lat_deg, record.camera.lon_deg);
            if search.camera_world.get(i) != Some(&world) {
                Arc::make_mut(&mut search.camera_world)[i] = world;
            }
            if let Some(p) = site_pos {
                search.site_stages[p as usize] = stages;
            }
            // Orders by site fields do not change when a camera does; the others are sorted again.
            let order_changed = self.mode == TableMode::Sites
                || matches!(
                    self.sort,
                    SortColumn::Camera | SortColumn::Stage | SortColumn::Area | SortColumn::Updated
                );
            if order_changed {
                self.resort();
            } else {
                // Same order; the camera may now match the filters or not.
                self.invalidate_rows();
            }
            self.request(filters);
            return;
        }
        let snap = Arc::make_mut(&mut self.snapshot);
        match snap.cameras.iter().position(|c| c.id == record.id) {
            Some(i) => snap.cameras[i] = record,
            None => {
                let at = snap
                    .cameras
                    .partition_point(|c| (c.site_id, c.id) < (record.site_id, record.id));
                snap.cameras.insert(at, record);
            }
        }
        self.rebuild();
        self.apply(filters);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AreaWatched, Camera, PasswordState, Site};

    fn site(id: SiteId, en: &str, hi: &str, cat: OwnerCategory, ward: &str) -> SiteRecord {
        let mut s = Site::blank();
        s.name_en = en.into();
        s.name_hi = hi.into();
        s.owner_category = cat;
        s.ward = ward.into();
        SiteRecord {
            id,
            site: s,
            row_version: 1,
            updated_by: "t".into(),
            updated_unix_s: id,
        }
    }

    fn camera(id: CameraId, site_id: SiteId, label: &str, stage: IntegrationStage) -> CameraRecord {
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = label.into();
        c.area_watched = AreaWatched::Gate;
        CameraRecord {
            id,
            site_id,
            camera: c,
            stage,
            blocked_from: None,
            block_reason: None,
            password: PasswordState::None,
            row_version: 1,
            updated_by: "t".into(),
            updated_unix_s: id,
        }
    }

    fn sample() -> RegistryIndex {
        use IntegrationStage as S;
        RegistryIndex::new(Arc::new(RegistrySnapshot {
            is_demo: false,
            area: Default::default(),
            sites: vec![
                site(
                    1,
                    "Hotel Raj Palace",
                    "होटल राज पैलेस",
                    OwnerCategory::Hotel,
                    "Ward 3",
                ),
                site(
                    2,
                    "City Hospital",
                    "सिटी अस्पताल",
                    OwnerCategory::HospitalClinic,
                    "Ward 7",
                ),
                site(
                    3,
                    "Apex Coaching",
                    "",
                    OwnerCategory::CoachingSchool,
                    "Ward 3",
                ),
            ],
            cameras: vec![
                camera(10, 1, "Main gate", S::Integrated),
                camera(11, 1, "Lobby", S::Surveyed),
                camera(20, 2, "Parking", S::Integrated),
                camera(30, 3, "Entrance", S::Blocked),
            ],
            passwords_to_reenter: 0,
        }))
    }

    fn labels(index: &RegistryIndex) -> Vec<String> {
        index
            .rows
            .iter()
            .map(|&i| match index.mode {
                TableMode::Cameras => index.snapshot.cameras[i as usize].camera.label.clone(),
                TableMode::Sites => index.snapshot.sites[i as usize].site.name_en.clone(),
            })
            .collect()
    }

    #[test]
    fn text_filter_matches_english_and_hindi_site_names() {
        let mut index = sample();
        let mut f = Filters::default();
        index.apply(&f);
        assert_eq!(index.rows.len(), 4);
        f.text = "राज".into();
        index.apply(&f);
        assert_eq!(labels(&index), vec!["Main gate", "Lobby"]);
        f.text = "LOBBY".into();
        index.apply(&f);
        assert_eq!(labels(&index), vec!["Lobby"]);
        // Narrowing then widening again gives the full list back.
        f.text = "lob".into();
        index.apply(&f);
        assert_eq!(labels(&index), vec!["Lobby"]);
        f.text.clear();
        index.apply(&f);
        assert_eq!(index.rows.len(), 4);
    }

    #[test]
    fn text_columns_replace_rows_and_compact() {
        let mut column: TextColumn = ["gate", "lobby", "parking"]
            .into_iter()
            .map(String::from)
            .collect();
        for round in 0..50 {
            column.set(1, &format!("lobby {round}"));
        }
        assert_eq!(
            (column.get(0), column.get(1), column.get(2)),
            ("gate", "lobby 49", "parking")
        );
        // Stale text never takes more than the live rows.
        assert!(
            column.text.len() <= 2 * (4 + 8 + 7) + 8,
            "{}",
            column.text.len()
        );
        assert_eq!(
            TextColumn::lowered(&["Hotel RAJ", "राज"]),
            "hotel raj\u{1f}राज"
        );
        // A search never matches across two fields.
        assert!(!TextColumn::lowered(&["Main", "gate"]).contains("main gate"));
    }

    #[test]
    fn category_ward_and_stage_filters() {
        let mut index = sample();
        let f = Filters {
            ward: Some("Ward 3".into()),
            ..Default::default()
        };
        index.apply(&f);
        assert_eq!(labels(&index), vec!["Entrance", "Main gate", "Lobby"]);
        let f = Filters {
            stage: Some(IntegrationStage::Integrated),
            ..Default::default()
        };
        index.apply(&f);
        assert_eq!(labels(&index), vec!["Parking", "Main gate"]);
        let f = Filters {
            category: Some(OwnerCategory::Hotel),
            ..Default::default()
        };
        index.set_mode(TableMode::Sites, &f);
        index.apply(&f);
        assert_eq!(labels(&index), vec!["Hotel Raj Palace"]);
        assert_eq!(index.wards, vec!["Ward 3", "Ward 7"]);
    }

    #[test]
    fn sorting_flips_and_keeps_filter() {
        let mut index = sample();
        let f = Filters::default();
        index.apply(&f);
        index.sort_by(SortColumn::Camera, &f);
        index.apply(&f);
        assert_eq!(
            labels(&index),
            vec!["Entrance", "Lobby", "Main gate", "Parking"]
        );
        index.sort_by(SortColumn::Camera, &f);
        index.apply(&f);
        assert_eq!(
            labels(&index),
            vec!["Parking", "Main gate", "Lobby", "Entrance"]
        );
        index.set_mode(TableMode::Sites, &f);
        index.sort_by(SortColumn::Integrated, &f);
        index.apply(&f);
        assert_eq!(
            labels(&index),
            vec!["Apex Coaching", "City Hospital", "Hotel Raj Palace"]
        );
    }

    #[test]
    fn large_registries_filter_on_a_thread_and_keep_old_rows_meanwhile() {
        use IntegrationStage as S;
        let n = (SYNC_FILTER_ROWS * 2 + 2) as i64;
        let sites = vec![site(
            1,
            "Hotel Raj Palace",
            "",
            OwnerCategory::Hotel,
            "Ward 3",
        )];
        let cameras = (0..n)
            .map(|i| {
                let stage = if i % 2 == 0 {
                    S::Integrated
                } else {
                    S::Surveyed
                };
                camera(i, 1, &format!("Camera {i}"), stage)
            })
            .collect();
        let mut index = RegistryIndex::new(Arc::new(RegistrySnapshot {
            is_demo: false,
            area: Default::default(),
            sites,
            cameras,
            passwords_to_reenter: 0,
        }));
        index.apply(&Filters::default());
        assert_eq!(index.rows.len(), n as usize);
        let integrated = Filters {
            stage: Some(S::Integrated),
            ..Default::default()
        };
        index.request(&integrated);
        assert!(index.is_filtering());
        // The previous rows stay on screen until the thread answers.
        assert_eq!(index.rows.len(), n as usize);
        // Waits for the filter thread's answer, then hands it to `poll` as if it had just come.
        let job = index.job.as_mut().expect("a filter job");
        let (tx, rx) = mpsc::channel();
        let answer = std::mem::replace(&mut job.rows, rx)
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the filter thread answers");
        tx.send(answer).unwrap();
        assert!(index.poll());
        assert_eq!(index.rows.len(), n as usize / 2);
        // Asking again for the same filters is free.
        index.request(&integrated);
        assert!(!index.is_filtering());

        // A newer request replaces a running one: only the newest filters end up on screen.
        let text = Filters {
            text: "camera 4000".into(),
            ..Default::default()
        };
        index.request(&Filters::default());
        index.request(&text);
        index.apply(&text);
        let labels = labels(&index);
        assert!(
            labels.iter().all(|l| l.starts_with("Camera 4000")),
            "{labels:?}"
        );
        assert_eq!(labels.len(), 3, "Camera 4000, 40000 and 40001");
    }

    #[test]
    fn small_registries_filter_at_once() {
        let mut index = sample();
        index.request(&Filters {
            text: "lobby".into(),
            ..Default::default()
        });
        assert!(!index.is_filtering());
        assert_eq!(labels(&index), vec!["Lobby"]);
        // A ward no site has matches nothing (and says so at once).
        index.request(&Filters {
            ward: Some("Ward 99".into()),
            ..Default::default()
        });
        assert!(index.rows.is_empty());
    }

    #[test]
    fn upsert_adds_and_replaces_rows() {
        let mut index = sample();
        let f = Filters::default();
        index.apply(&f);
        index.upsert_camera(
            camera(12, 1, "Road frontage", IntegrationStage::Surveyed),
            &f,
        );
        assert_eq!(index.cameras_of(1).count(), 3);
        assert_eq!(index.rows.len(), 5);
        let mut changed = index.camera(12).unwrap().clone();
        changed.stage = IntegrationStage::OwnerContacted;
        index.upsert_camera(changed, &f);
        index.apply(&f);
        assert_eq!(
            index.camera(12).unwrap().stage,
            IntegrationStage::OwnerContacted
        );
        assert_eq!(
            index.site_counts(1),
            SiteCounts {
                cameras: 3,
                integrated: 1
            }
        );
        index.upsert_site(site(4, "New Site", "", OwnerCategory::Police, "Ward 1"), &f);
        assert!(index.site(4).is_some());
        assert_eq!(index.wards, vec!["Ward 1", "Ward 3", "Ward 7"]);
    }

    #[test]
    fn wards_are_listed_in_natural_order_and_each_filters_its_own_sites() {
        let mut index = sample();
        let f = Filters::default();
        for (id, ward) in [(21, "Ward 10"), (22, "Ward 2"), (23, "Ward 11")] {
            index.upsert_site(site(id, "Site", "", OwnerCategory::Hotel, ward), &f);
        }
        assert_eq!(
            index.wards,
            vec!["Ward 2", "Ward 3", "Ward 7", "Ward 10", "Ward 11"]
        );
        index.set_mode(TableMode::Sites, &f);
        for ward in ["Ward 2", "Ward 10", "Ward 11", "Ward 3"] {
            let f = Filters {
                ward: Some(ward.into()),
                ..Default::default()
            };
            index.apply(&f);
            let wards: Vec<String> = index
                .rows
                .iter()
                .map(|&i| index.snapshot.sites[i as usize].site.ward.clone())
                .collect();
            assert!(!wards.is_empty(), "{ward} finds its sites");
            assert!(wards.iter().all(|w| w == ward), "{ward}: {wards:?}");
        }
    }
}
