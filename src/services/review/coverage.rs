//! Coverage of priority places over the whole registry: which black spots, toll plazas, the jail and priority
//! public places have a working integrated camera on them, why the others do not, which cameras could close each
//! gap, and the same per ward. The rule itself ("reaches", "sees", "covered") lives in [`crate::model::coverage`];
//! this module applies it fast enough to recompute 200,000 cameras × 10,000 places in well under a frame budget
//! of the worker, and keeps a plain all-pairs version ([`naive`]) as the reference the fast one must equal.
//!
//! **The index.** Cameras go into two rstar R-trees on a local equirectangular projection in metres (east, north
//! of the data's centre): one of each usable camera's *reach box* (its position ± its range), queried with the
//! place's box (centre ± radius), and one of the points of cameras not yet integrated, walked nearest first for
//! candidates. A projection in metres keeps the trees' boxes and nearest-neighbour order meaningful on the
//! ground (in raw degrees a degree of longitude is 10 % shorter than one of latitude at Jhansi, and the nearest
//! in degrees is not the nearest in metres). The projection only *filters*: its worst scale error over the
//! data's latitude span is added as a margin, and the decision is always the model's great-circle rule, so the
//! indexed report equals the all-pairs one exactly (the tests and the benchmark check it).
//!
//! **Off the UI thread.** [`CoverageWorker`] owns a thread that recomputes when handed a new registry snapshot or
//! health list, drops requests that were overtaken by newer ones, and calls a notify hook (the desk passes
//! `ctx.request_repaint`) when a report is ready.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::model::coverage::{
    CANDIDATE_RADIUS_M, MAX_CANDIDATES, PlaceTally, Sight, camera_range_m, is_online_within,
    is_usable, place_radius_m, sight,
};
use crate::model::geo::{EARTH_RADIUS_M, distance_m};
use crate::model::{
    BoundaryArea, CameraId, Candidate, CoverageGap, CoverageReport, GapReason, Priority, SiteId,
    WardCoverage,
};
use crate::store::{HealthBrief, RegistrySnapshot};

/// Everything one coverage computation reads.
#[derive(Debug, Clone, Copy)]
pub struct CoverageInput<'a> {
    pub registry: &'a RegistrySnapshot,
    /// Latest health per camera; a camera without an entry has not been probed (not online).
    pub health: &'a [HealthBrief],
    /// Ward polygons from the map's ward layer (may be empty).
    pub wards: &'a [BoundaryArea],
    /// The moment the report is for, unix seconds (a clock tests can set).
    pub now_unix_s: i64,
    /// A camera online at a probe this many seconds before `now_unix_s` still counts as working.
    pub window_s: i64,
}

/// The coverage report, computed with the spatial index (and several threads when the machine has them).
pub fn compute(input: &CoverageInput<'_>) -> CoverageReport {
    let prep = Prepared::new(input);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let index = Index::build(&prep);
    let places = parallel_map(&prep.places, threads, |p| index.place(&prep, p));
    let ward_tree = crate::services::map::boundaries::AreaTree::build(input.wards);
    let cameras = parallel_ward_counts(&prep, threads, |lat, lon, out| {
        ward_tree.areas_at(input.wards, lat, lon, out)
    });
    prep.finish(&places, cameras, |lat, lon, out| {
        ward_tree.areas_at(input.wards, lat, lon, out)
    })
}

/// The same report by the straightforward all-pairs scan: every place against every camera, every point against
/// every ward. The reference for [`compute`] in tests and in the benchmark; too slow for a big registry.
pub fn naive(input: &CoverageInput<'_>) -> CoverageReport {
    let prep = Prepared::new(input);
    let cameras = &input.registry.cameras;
    // Latitudes in one array and a latitude test before the trigonometry: a great circle is never shorter than
    // its difference in latitude, so the test only skips pairs the rule would refuse anyway. Without it the
    // reference would take minutes on the benchmark's 2 × 10⁹ pairs, and it is still a scan of every pair.
    let lats: Vec<f64> = cameras.iter().map(|c| c.camera.lat_deg).collect();
    let max_range_m = cameras
        .iter()
        .zip(&prep.cameras)
        .filter(|(_, f)| f.is_usable)
        .map(|(c, _)| camera_range_m(&c.camera))
        .fold(0.0, f64::max);
    let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
    let places: Vec<PlaceOutcome> = prep
        .places
        .iter()
        .map(|place| {
            let at = (place.lat_deg, place.lon_deg);
            let farthest_m = (max_range_m + place.radius_m).max(CANDIDATE_RADIUS_M) + SLACK_M;
            let mut tally = PlaceTally::default();
            let mut candidates = Vec::new();
            for (i, cam) in prep.cameras.iter().enumerate() {
                // A NaN latitude is not near: `sight` refuses it too.
                let near = (lats[i] - at.0).abs() * m_per_deg_lat <= farthest_m;
                if !cam.is_usable || !near {
                    continue;
                }
                let camera = &cameras[i].camera;
                tally.add(
                    sight(camera, at, place.radius_m),
                    cam.is_integrated,
                    cam.is_online,
                );
                if cam.is_candidate {
                    let d = distance_m((camera.lat_deg, camera.lon_deg), at);
                    // Broken coordinates are nowhere, as in `sight`.
                    let finite = [camera.lat_deg, camera.lon_deg, at.0, at.1]
                        .iter()
                        .all(|v| v.is_finite());
                    if finite && d <= CANDIDATE_RADIUS_M {
                        candidates.push((d, cam.id, i));
                    }
                }
            }
            candidates.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            candidates.truncate(MAX_CANDIDATES);
            outcome(tally, candidates)
        })
        .collect();
    let wards_at = |lat: f64, lon: f64, out: &mut Vec<usize>| {
        out.clear();
        out.extend(
            input
                .wards
                .iter()
                .enumerate()
                .filter(|(_, w)| w.contains(lat, lon))
                .map(|(k, _)| k),
        );
    };
    let cameras = ward_counts(&prep, 0..prep.cameras.len(), &wards_at);
    prep.finish(&places, cameras, wards_at)
}

/// What was found for one place: `None` when covered, else the reason and (distance, camera id, camera position)
/// of the candidates, nearest first.
type PlaceOutcome = Option<(GapReason, Vec<(f64, CameraId, usize)>)>;

fn outcome(tally: PlaceTally, candidates: Vec<(f64, CameraId, usize)>) -> PlaceOutcome {
    tally.gap_reason().map(|reason| (reason, candidates))
}

/// Per-camera facts, in the registry's camera order.
struct CameraFacts {
    id: CameraId,
    /// Common area and not rejected: may count or be proposed.
    is_usable: bool,
    is_integrated: bool,
    /// Online within the window (whatever the stage).
    is_online: bool,
    /// Usable, not integrated, with a known site: may be proposed to close a gap.
    is_candidate: bool,
    /// Position of its site in `registry.sites`.
    site_pos: Option<usize>,
}

/// A priority place.
struct Place {
    site_pos: usize,
    lat_deg: f64,
    lon_deg: f64,
    radius_m: f64,
}

/// What both computations share: the facts that need no geometry.
struct Prepared<'a> {
    input: &'a CoverageInput<'a>,
    cameras: Vec<CameraFacts>,
    places: Vec<Place>,
}

impl<'a> Prepared<'a> {
    fn new(input: &'a CoverageInput<'a>) -> Self {
        let registry = input.registry;
        // Sorted lookups rather than hash maps: no hashing of 200,000 keys, and a duplicate health row resolves
        // the same way every time (online if any row says so).
        let mut online: Vec<(CameraId, bool)> = input
            .health
            .iter()
            .map(|h| {
                (
                    h.camera_id,
                    is_online_within(
                        h.state,
                        h.last_online_unix_s,
                        input.now_unix_s,
                        input.window_s,
                    ),
                )
            })
            .collect();
        online.sort_unstable();
        let mut sites: Vec<(SiteId, usize)> = registry
            .sites
            .iter()
            .enumerate()
            .map(|(k, s)| (s.id, k))
            .collect();
        sites.sort_unstable();
        let cameras = registry
            .cameras
            .iter()
            .map(|c| {
                let after = online.partition_point(|(id, _)| *id <= c.id);
                let is_online = after > 0 && online[after - 1] == (c.id, true);
                let site_pos = sites
                    .binary_search_by_key(&c.site_id, |(id, _)| *id)
                    .ok()
                    .map(|k| sites[k].1);
                let is_usable = is_usable(&c.camera, c.stage);
                let is_integrated = c.is_integrated();
                CameraFacts {
                    id: c.id,
                    is_usable,
                    is_integrated,
                    is_online,
                    is_candidate: is_usable && !is_integrated && site_pos.is_some(),
                    site_pos,
                }
            })
            .collect();
        let places = registry
            .sites
            .iter()
            .enumerate()
            .filter(|(_, s)| s.site.priority != Priority::None)
            .map(|(site_pos, s)| Place {
                site_pos,
                lat_deg: s.site.lat_deg,
                lon_deg: s.site.lon_deg,
                radius_m: place_radius_m(s.site.priority, s.site.priority_radius_m),
            })
            .collect();
        Self {
            input,
            cameras,
            places,
        }
    }

    /// The report from each place's outcome (in `places` order) and the per-ward camera counts.
    fn finish(
        &self,
        outcomes: &[PlaceOutcome],
        ward_cameras: Vec<[usize; 3]>,
        wards_at: impl Fn(f64, f64, &mut Vec<usize>),
    ) -> CoverageReport {
        let registry = self.input.registry;
        let mut ward_places = vec![[0usize; 2]; self.input.wards.len()];
        let mut found = Vec::new();
        let mut gaps = Vec::new();
        for (place, outcome) in self.places.iter().zip(outcomes) {
            wards_at(place.lat_deg, place.lon_deg, &mut found);
            for &k in &found {
                ward_places[k][0] += 1;
                ward_places[k][1] += usize::from(outcome.is_some());
            }
            let Some((reason, candidates)) = outcome else {
                continue;
            };
            let site = &registry.sites[place.site_pos];
            gaps.push(CoverageGap {
                site_id: site.id,
                name_en: site.site.name_en.clone(),
                name_hi: site.site.name_hi.clone(),
                priority: site.site.priority,
                lat_deg: place.lat_deg,
                lon_deg: place.lon_deg,
                radius_m: place.radius_m,
                reason: *reason,
                candidates: candidates
                    .iter()
                    .filter_map(|&(distance_m, _, pos)| self.candidate(pos, distance_m))
                    .collect(),
            });
        }
        gaps.sort_by(|a, b| {
            (a.priority, &a.name_en, a.site_id).cmp(&(b.priority, &b.name_en, b.site_id))
        });
        let mut wards: Vec<WardCoverage> = self
            .input
            .wards
            .iter()
            .zip(ward_cameras)
            .zip(ward_places)
            .map(|((w, [cameras, integrated, online]), [places, gaps])| {
                let area_km2 = w.area_km2();
                WardCoverage {
                    name: w.name.clone(),
                    code: w.code.clone(),
                    cameras,
                    integrated,
                    online,
                    priority_places: places,
                    gaps,
                    area_km2,
                    cameras_per_km2: if area_km2 > 0.0 {
                        cameras as f64 / area_km2
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        wards.sort_by(|a, b| (&a.name, &a.code).cmp(&(&b.name, &b.code)));
        CoverageReport {
            places: self.places.len(),
            covered: outcomes.iter().filter(|o| o.is_none()).count(),
            gaps,
            wards,
            computed_for_unix_s: self.input.now_unix_s,
        }
    }

    fn candidate(&self, camera_pos: usize, distance_m: f64) -> Option<Candidate> {
        let record = &self.input.registry.cameras[camera_pos];
        let site = &self.input.registry.sites[self.cameras[camera_pos].site_pos?];
        Some(Candidate {
            camera_id: record.id,
            camera_label: record.camera.label.clone(),
            site_id: site.id,
            site_name_en: site.site.name_en.clone(),
            site_name_hi: site.site.name_hi.clone(),
            owner_category: site.site.owner_category,
            contact_person: site.site.contact_person.clone(),
            phone: site.site.phone.clone(),
            distance_m,
            // The counted stage, as in the figures (privacy rule applied again).
            stage: record.counted_stage(),
        })
    }
}

/// Per ward: [cameras, integrated, integrated and online] over the cameras in `range`.
fn ward_counts(
    prep: &Prepared<'_>,
    range: std::ops::Range<usize>,
    wards_at: &impl Fn(f64, f64, &mut Vec<usize>),
) -> Vec<[usize; 3]> {
    let mut counts = vec![[0usize; 3]; prep.input.wards.len()];
    let mut found = Vec::new();
    for i in range {
        let (record, facts) = (&prep.input.registry.cameras[i], &prep.cameras[i]);
        wards_at(record.camera.lat_deg, record.camera.lon_deg, &mut found);
        for &k in &found {
            counts[k][0] += 1;
            counts[k][1] += usize::from(facts.is_integrated);
            counts[k][2] += usize::from(facts.is_integrated && facts.is_online);
        }
    }
    counts
}

fn parallel_ward_counts(
    prep: &Prepared<'_>,
    threads: usize,
    wards_at: impl Fn(f64, f64, &mut Vec<usize>) + Sync,
) -> Vec<[usize; 3]> {
    let n = prep.cameras.len();
    let chunk = n.div_ceil(threads.max(1)).max(1);
    let parts: Vec<Vec<[usize; 3]>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                let wards_at = &wards_at;
                s.spawn(move || ward_counts(prep, start..(start + chunk).min(n), wards_at))
            })
            .collect();
        handles.into_iter().map(join).collect()
    });
    let mut total = vec![[0usize; 3]; prep.input.wards.len()];
    for part in parts {
        for (t, p) in total.iter_mut().zip(part) {
            for k in 0..3 {
                t[k] += p[k];
            }
        }
    }
    total
}

/// `f` over `items` on up to `threads` threads, results in the items' order.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                let f = &f;
                s.spawn(move || part.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles.into_iter().flat_map(join).collect()
    })
}

/// A worker's result; a panic in it is a bug in this module, passed on as such.
fn join<R>(handle: std::thread::ScopedJoinHandle<'_, R>) -> R {
    match handle.join() {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Equirectangular projection around the data's centre, metres east and north, with how much it may shrink a
/// distance anywhere in the data's latitude span. Longitudes are taken as they come: a registry straddling the
/// antimeridian (none in India) would only make the queries larger, never wrong, as long as pairs do not straddle
/// it themselves.
#[derive(Debug, Clone, Copy)]
struct LocalProjection {
    lat0_deg: f64,
    lon0_deg: f64,
    m_per_deg_lat: f64,
    m_per_deg_lon: f64,
    /// Every pair of points of the data with ground distance `d` is at most `d * inflate + SLACK_M` apart in the
    /// projection; so a query of that size misses nothing.
    inflate: f64,
}

/// Absolute margin of every index query, metres (rounding, and the sphere's curvature over a query's size).
const SLACK_M: f64 = 1.0;

impl LocalProjection {
    fn around(points: impl Iterator<Item = (f64, f64)>) -> Self {
        let (mut lat_lo, mut lat_hi, mut lon_lo, mut lon_hi) =
            (90.0f64, -90.0f64, 180.0f64, -180.0f64);
        for (lat, lon) in points.filter(|(a, b)| a.is_finite() && b.is_finite()) {
            lat_lo = lat_lo.min(lat.clamp(-89.0, 89.0));
            lat_hi = lat_hi.max(lat.clamp(-89.0, 89.0));
            lon_lo = lon_lo.min(lon);
            lon_hi = lon_hi.max(lon);
        }
        if lat_lo > lat_hi {
            (lat_lo, lat_hi, lon_lo, lon_hi) = (0.0, 0.0, 0.0, 0.0);
        }
        let lat0_deg = (lat_lo + lat_hi) / 2.0;
        let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let c0 = lat0_deg.to_radians().cos();
        // A pair's east-west distance scales with the cosine of a latitude between them; the projection uses the
        // centre's. The farthest-from-equator latitude of the span shrinks it most.
        let c_min = lat_lo.abs().max(lat_hi.abs()).to_radians().cos();
        let shrink = (c_min / c0).clamp(1e-3, 1.0);
        Self {
            lat0_deg,
            lon0_deg: (lon_lo + lon_hi) / 2.0,
            m_per_deg_lat,
            m_per_deg_lon: m_per_deg_lat * c0,
            // 0.1 % more for the sphere against the plane over a query's size.
            inflate: 1.001 / shrink,
        }
    }

    fn project(&self, lat_deg: f64, lon_deg: f64) -> [f64; 2] {
        [
            (lon_deg - self.lon0_deg) * self.m_per_deg_lon,
            (lat_deg - self.lat0_deg) * self.m_per_deg_lat,
        ]
    }

    /// Half-size in the projection of a query for ground distance `d_m`, capped so a silly range stays finite.
    fn query_m(&self, d_m: f64) -> f64 {
        (d_m * self.inflate + SLACK_M).min(1e8)
    }

    /// The least ground distance of a pair `projected_m` apart in the projection.
    fn ground_lower_bound_m(&self, projected_m: f64) -> f64 {
        (projected_m - SLACK_M) / self.inflate
    }
}

type ReachBox = GeomWithData<Rectangle<[f64; 2]>, u32>;
type CandidatePoint = GeomWithData<[f64; 2], u32>;

/// The cameras, indexed for the places' questions.
struct Index {
    projection: LocalProjection,
    /// Usable cameras' reach boxes.
    reach: RTree<ReachBox>,
    /// Cameras that may be proposed, as points.
    candidates: RTree<CandidatePoint>,
}

impl Index {
    fn build(prep: &Prepared<'_>) -> Self {
        let registry = prep.input.registry;
        let projection = LocalProjection::around(
            registry
                .cameras
                .iter()
                .map(|c| (c.camera.lat_deg, c.camera.lon_deg))
                .chain(prep.places.iter().map(|p| (p.lat_deg, p.lon_deg))),
        );
        let finite = |i: usize| {
            let c = &registry.cameras[i].camera;
            c.lat_deg.is_finite() && c.lon_deg.is_finite()
        };
        // The two trees are independent: built side by side.
        let (reach, candidates) = std::thread::scope(|s| {
            let reach = s.spawn(|| {
                let boxes: Vec<ReachBox> = (0..prep.cameras.len())
                    .filter(|&i| prep.cameras[i].is_usable && finite(i))
                    .map(|i| {
                        let c = &registry.cameras[i].camera;
                        let [x, y] = projection.project(c.lat_deg, c.lon_deg);
                        let h = projection.query_m(camera_range_m(c));
                        GeomWithData::new(
                            Rectangle::from_corners([x - h, y - h], [x + h, y + h]),
                            i as u32,
                        )
                    })
                    .collect();
                RTree::bulk_load(boxes)
            });
            let points: Vec<CandidatePoint> = (0..prep.cameras.len())
                .filter(|&i| prep.cameras[i].is_candidate && finite(i))
                .map(|i| {
                    let c = &registry.cameras[i].camera;
                    GeomWithData::new(projection.project(c.lat_deg, c.lon_deg), i as u32)
                })
                .collect();
            let candidates = RTree::bulk_load(points);
            (join(reach), candidates)
        });
        Self {
            projection,
            reach,
            candidates,
        }
    }

    fn place(&self, prep: &Prepared<'_>, place: &Place) -> PlaceOutcome {
        let registry = prep.input.registry;
        let at = (place.lat_deg, place.lon_deg);
        let mut tally = PlaceTally::default();
        if !(at.0.is_finite() && at.1.is_finite()) {
            return outcome(tally, Vec::new());
        }
        let [x, y] = self.projection.project(at.0, at.1);
        // Boxes of (camera ± range) meeting (place ± radius): every camera whose range plus the radius may reach.
        let h = self.projection.query_m(place.radius_m);
        let query = AABB::from_corners([x - h, y - h], [x + h, y + h]);
        for item in self.reach.locate_in_envelope_intersecting(query) {
            let i = item.data as usize;
            let facts = &prep.cameras[i];
            let s = sight(&registry.cameras[i].camera, at, place.radius_m);
            if s != Sight::OutOfReach {
                tally.add(s, facts.is_integrated, facts.is_online);
            }
            if tally.covered {
                // Covered: neither a reason nor candidates are needed.
                return None;
            }
        }
        // Nearest first in the projection; stop once even the projection's shrink cannot bring the next camera
        // nearer than the farthest one kept (or the search radius).
        let mut best: Vec<(f64, CameraId, usize)> = Vec::with_capacity(MAX_CANDIDATES + 1);
        for (item, d2) in self
            .candidates
            .nearest_neighbor_iter_with_distance_2([x, y])
        {
            let bound = if best.len() == MAX_CANDIDATES {
                best[MAX_CANDIDATES - 1].0
            } else {
                CANDIDATE_RADIUS_M
            };
            if self.projection.ground_lower_bound_m(d2.sqrt()) > bound {
                break;
            }
            let i = item.data as usize;
            let c = &registry.cameras[i].camera;
            let d = distance_m((c.lat_deg, c.lon_deg), at);
            if d <= CANDIDATE_RADIUS_M {
                let entry = (d, prep.cameras[i].id, i);
                let k = best.partition_point(|b| b.0.total_cmp(&d).then(b.1.cmp(&entry.1)).is_lt());
                best.insert(k, entry);
                best.truncate(MAX_CANDIDATES);
            }
        }
        outcome(tally, best)
    }
}

/// The coverage report now of a registry opened read-only (the CLI, exports, the printable report): its
/// snapshot, the cameras' latest health and the ward layer.
pub fn report_from_conn(
    db: &crate::store::ReportReader<'_>,
    now_unix_s: i64,
    window_s: i64,
) -> Result<CoverageReport, crate::store::StoreError> {
    let registry = db.snapshot()?;
    let health = db.health_briefs()?;
    let wards = db.boundaries(crate::model::BoundaryKind::Ward)?;
    Ok(compute(&CoverageInput {
        registry: &registry,
        health: &health,
        wards: &wards,
        now_unix_s,
        window_s,
    }))
}

/// One recomputation's inputs, owned, for the worker thread.
#[derive(Debug, Clone)]
pub struct CoverageJob {
    pub registry: Arc<RegistrySnapshot>,
    pub health: Arc<Vec<HealthBrief>>,
    pub wards: Arc<Vec<BoundaryArea>>,
    pub now_unix_s: i64,
    pub window_s: i64,
}

impl CoverageJob {
    pub fn input(&self) -> CoverageInput<'_> {
        CoverageInput {
            registry: &self.registry,
            health: &self.health,
            wards: &self.wards,
            now_unix_s: self.now_unix_s,
            window_s: self.window_s,
        }
    }

    /// Same registry, health and wards (the very same snapshots) and the same clock: no need to recompute.
    fn same_as(&self, other: &CoverageJob) -> bool {
        Arc::ptr_eq(&self.registry, &other.registry)
            && Arc::ptr_eq(&self.health, &other.health)
            && Arc::ptr_eq(&self.wards, &other.wards)
            && self.now_unix_s == other.now_unix_s
            && self.window_s == other.window_s
    }
}

/// Recomputes coverage on its own thread whenever the desk hands it a changed registry or health.
pub struct CoverageWorker {
    jobs: Option<Sender<(u64, CoverageJob)>>,
    reports: Receiver<(u64, CoverageReport)>,
    thread: Option<std::thread::JoinHandle<()>>,
    last_job: Option<CoverageJob>,
    generation: u64,
}

impl CoverageWorker {
    /// Starts the thread; `notify` is called after each report (the desk passes `ctx.request_repaint`).
    pub fn spawn(notify: impl Fn() + Send + 'static) -> std::io::Result<Self> {
        let (jobs, job_rx) = channel::<(u64, CoverageJob)>();
        let (report_tx, reports) = channel();
        let thread = std::thread::Builder::new()
            .name("coverage".into())
            .spawn(move || {
                while let Ok(mut job) = job_rx.recv() {
                    // Only the newest request matters: skip those overtaken while waiting.
                    loop {
                        match job_rx.try_recv() {
                            Ok(newer) => job = newer,
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Disconnected) => return,
                        }
                    }
                    let report = compute(&job.1.input());
                    if report_tx.send((job.0, report)).is_err() {
                        return;
                    }
                    notify();
                }
            })?;
        Ok(Self {
            jobs: Some(jobs),
            reports,
            thread: Some(thread),
            last_job: None,
            generation: 0,
        })
    }

    /// Asks for a recomputation; does nothing when the inputs are the very ones last asked for.
    pub fn request(&mut self, job: CoverageJob) {
        if self
            .last_job
            .as_ref()
            .is_some_and(|last| last.same_as(&job))
        {
            return;
        }
        self.generation += 1;
        if let Some(jobs) = &self.jobs {
            // A send fails only when the thread is gone; `poll` then stays empty, which is all there is to say.
            let _ = jobs.send((self.generation, job.clone()));
        }
        self.last_job = Some(job);
    }

    /// The report of the newest request, once ready; reports of overtaken requests are dropped.
    pub fn poll(&mut self) -> Option<CoverageReport> {
        let mut newest = None;
        while let Ok((generation, report)) = self.reports.try_recv() {
            if generation == self.generation {
                newest = Some(report);
            }
        }
        newest
    }
}

impl Drop for CoverageWorker {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop after its current computation.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::geo::destination;
    use crate::model::{
        AreaWatched, BoundaryKind, Camera, HealthState, IntegrationStage, OwnerCategory, Site,
    };
    use crate::store::{CameraRecord, SiteRecord};

    const NOW: i64 = 1_795_564_800;
    const DAY: i64 = 86_400;
    const SPOT: (f64, f64) = (25.4486, 78.5697);

    /// A registry under construction: one black spot (radius 50 m) at `SPOT`, site 1.
    struct Registry {
        snapshot: RegistrySnapshot,
        health: Vec<HealthBrief>,
    }

    impl Registry {
        fn new() -> Self {
            let mut r = Self {
                snapshot: RegistrySnapshot::default(),
                health: Vec::new(),
            };
            let mut spot = Site::blank();
            spot.name_en = "Elite Chauraha black spot".into();
            spot.owner_category = OwnerCategory::PublicPlace;
            spot.priority = Priority::BlackSpot;
            spot.priority_radius_m = Some(50.0);
            (spot.lat_deg, spot.lon_deg) = SPOT;
            r.site(spot);
            r
        }

        fn site(&mut self, site: Site) -> SiteId {
            let id = self.snapshot.sites.len() as SiteId + 1;
            self.snapshot.sites.push(SiteRecord {
                id,
                site,
                row_version: 1,
                updated_by: "test".into(),
                updated_unix_s: NOW,
            });
            id
        }

        /// A hotel site `d` metres from the spot on bearing `from_deg`.
        fn hotel(&mut self, name: &str, from_deg: f64, d: f64) -> SiteId {
            let mut s = Site::blank();
            s.name_en = name.into();
            s.contact_person = format!("{name} manager");
            s.phone = "+919800000000".into();
            (s.lat_deg, s.lon_deg) = destination(SPOT, from_deg, d);
            self.site(s)
        }

        /// A camera of `site`, `d` metres from the spot on bearing `from_deg`, facing `facing` (60° view, 40 m).
        fn camera(
            &mut self,
            site_id: SiteId,
            from_deg: f64,
            d: f64,
            facing: f64,
            stage: IntegrationStage,
        ) -> CameraId {
            let (lat, lon) = destination(SPOT, from_deg, d);
            let mut camera = Camera::blank_at(lat, lon);
            camera.label = format!("Gate {}", self.snapshot.cameras.len() + 1);
            camera.area_watched = AreaWatched::Gate;
            camera.bearing_deg = Some(facing);
            camera.fov_deg = Some(60.0);
            camera.range_m = Some(40.0);
            let id = self.snapshot.cameras.len() as CameraId + 1;
            self.snapshot.cameras.push(CameraRecord {
                id,
                site_id,
                camera,
                stage,
                blocked_from: None,
                block_reason: None,
                password: crate::model::PasswordState::None,
                row_version: 1,
                updated_by: "test".into(),
                updated_unix_s: NOW,
            });
            id
        }

        fn online(&mut self, id: CameraId, last_online_unix_s: i64) {
            self.health.push(HealthBrief {
                camera_id: id,
                state: if last_online_unix_s == NOW {
                    HealthState::Online
                } else {
                    HealthState::Offline
                },
                last_online_unix_s: Some(last_online_unix_s),
            });
        }

        /// The indexed report, checked against the all-pairs one.
        fn report(&self, wards: &[BoundaryArea]) -> CoverageReport {
            let input = CoverageInput {
                registry: &self.snapshot,
                health: &self.health,
                wards,
                now_unix_s: NOW,
                window_s: DAY,
            };
            let report = compute(&input);
            assert_eq!(report, naive(&input));
            report
        }

        fn reason(&self) -> Option<GapReason> {
            let report = self.report(&[]);
            assert_eq!(report.places, 1);
            assert_eq!(report.covered + report.gaps.len(), 1);
            report.gaps.first().map(|g| g.reason)
        }
    }

    use IntegrationStage::{Integrated, Rejected, Surveyed};

    #[test]
    fn a_camera_behind_the_spot_is_pointed_away() {
        let mut r = Registry::new();
        let hotel = r.hotel("Hotel Raj", 180.0, 70.0);
        // 70 m south of the spot, facing south: its back is to the spot.
        let cam = r.camera(hotel, 180.0, 70.0, 180.0, Integrated);
        r.online(cam, NOW);
        assert_eq!(r.reason(), Some(GapReason::PointedAway));
        // Turned round, it covers the spot.
        r.snapshot.cameras[0].camera.bearing_deg = Some(10.0);
        assert_eq!(r.reason(), None);
    }

    #[test]
    fn out_of_range_is_no_camera_near_unless_an_unintegrated_camera_reaches() {
        let mut r = Registry::new();
        let hotel = r.hotel("Hotel Raj", 90.0, 95.0);
        // 95 m > 40 m range + 50 m radius, facing the spot, integrated and online.
        let cam = r.camera(hotel, 90.0, 95.0, 270.0, Integrated);
        r.online(cam, NOW);
        assert_eq!(r.reason(), Some(GapReason::NoCameraNear));
        // A camera not integrated within reach (facing away even): near, but not integrated.
        let shop = r.hotel("Sharma Sweets", 0.0, 60.0);
        r.camera(shop, 0.0, 60.0, 0.0, Surveyed);
        let report = r.report(&[]);
        assert_eq!(report.gaps[0].reason, GapReason::NearButNotIntegrated);
        let ids: Vec<_> = report.gaps[0]
            .candidates
            .iter()
            .map(|c| c.camera_id)
            .collect();
        assert_eq!(ids, vec![2], "the integrated camera is no candidate");
        let c = &report.gaps[0].candidates[0];
        assert_eq!(c.site_name_en, "Sharma Sweets");
        assert_eq!(c.contact_person, "Sharma Sweets manager");
        assert_eq!(c.stage, Surveyed);
        assert!((c.distance_m - 60.0).abs() < 0.01, "{}", c.distance_m);
    }

    #[test]
    fn pointing_at_it_but_offline_beyond_the_window() {
        let mut r = Registry::new();
        let hotel = r.hotel("Hotel Raj", 180.0, 70.0);
        let cam = r.camera(hotel, 180.0, 70.0, 0.0, Integrated);
        assert_eq!(
            r.reason(),
            Some(GapReason::IntegratedButOffline),
            "never probed"
        );
        r.online(cam, NOW - DAY - 1);
        assert_eq!(r.reason(), Some(GapReason::IntegratedButOffline));
        // Offline now, but online 23 hours ago: still within the window.
        r.health.clear();
        r.online(cam, NOW - 23 * 3600);
        assert_eq!(r.reason(), None);
        // Online, but not integrated: does not cover.
        r.snapshot.cameras[0].stage = IntegrationStage::Configured;
        assert_eq!(r.reason(), Some(GapReason::NearButNotIntegrated));
    }

    #[test]
    fn private_area_and_rejected_cameras_never_cover_nor_are_proposed() {
        let mut r = Registry::new();
        let hotel = r.hotel("Hotel Raj", 180.0, 20.0);
        let cam = r.camera(hotel, 180.0, 20.0, 0.0, Integrated);
        r.online(cam, NOW);
        r.snapshot.cameras[0].camera.area_watched = AreaWatched::Room;
        let report = r.report(&[]);
        assert_eq!(report.gaps[0].reason, GapReason::NoCameraNear);
        assert!(report.gaps[0].candidates.is_empty());
        // Not integrated, private: no candidate either.
        r.snapshot.cameras[0].stage = Surveyed;
        assert!(r.report(&[]).gaps[0].candidates.is_empty());
        // Common area but rejected (owner refused): neither.
        r.snapshot.cameras[0].camera.area_watched = AreaWatched::Gate;
        r.snapshot.cameras[0].stage = Rejected;
        let report = r.report(&[]);
        assert_eq!(report.gaps[0].reason, GapReason::NoCameraNear);
        assert!(report.gaps[0].candidates.is_empty());
    }

    #[test]
    fn candidates_nearest_first_within_the_search_radius_at_most_five() {
        let mut r = Registry::new();
        // Eight cameras not integrated at various distances, one beyond 500 m.
        let distances = [450.0, 120.0, 60.0, 300.0, 510.0, 200.0, 90.0, 250.0];
        for (k, d) in distances.into_iter().enumerate() {
            let site = r.hotel(&format!("Owner {k}"), 45.0 * k as f64, d);
            let stage = if k == 1 {
                IntegrationStage::Blocked
            } else {
                Surveyed
            };
            r.camera(site, 45.0 * k as f64, d, 0.0, stage);
        }
        let report = r.report(&[]);
        let gap = &report.gaps[0];
        let got: Vec<_> = gap
            .candidates
            .iter()
            .map(|c| (c.distance_m.round() as i64, c.site_name_en.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (60, "Owner 2"),
                (90, "Owner 6"),
                (120, "Owner 1"),
                (200, "Owner 5"),
                (250, "Owner 7"),
            ]
        );
        assert_eq!(gap.candidates[2].stage, IntegrationStage::Blocked);
    }

    #[test]
    fn ward_counts_and_cameras_per_square_km() {
        let mut r = Registry::new();
        // A second priority place 3 km north, covered.
        let mut toll = Site::blank();
        toll.name_en = "Toll plaza".into();
        toll.priority = Priority::TollPlaza;
        (toll.lat_deg, toll.lon_deg) = destination(SPOT, 0.0, 3_000.0);
        let toll_id = r.site(toll.clone());
        let cam = r.camera(toll_id, 0.0, 3_000.0, 0.0, Integrated);
        r.online(cam, NOW);
        let other = r.camera(toll_id, 0.0, 3_010.0, 0.0, Integrated);
        r.online(other, NOW - 2 * DAY);
        r.camera(toll_id, 0.0, 3_020.0, 0.0, Surveyed);
        // A 2 km × 2 km ward around the spot, and one around the toll plaza.
        let square = |centre: (f64, f64), name: &str| {
            let sw = destination(destination(centre, 180.0, 1_000.0), 270.0, 1_000.0);
            let nw = destination(sw, 0.0, 2_000.0);
            let ne = destination(nw, 90.0, 2_000.0);
            let se = destination(sw, 90.0, 2_000.0);
            BoundaryArea {
                kind: BoundaryKind::Ward,
                name: name.into(),
                code: name.len().to_string(),
                polygons: vec![vec![vec![sw, se, ne, nw, sw]]],
            }
        };
        let wards = vec![
            square((toll.lat_deg, toll.lon_deg), "Ward B"),
            square(SPOT, "Ward A"),
        ];
        let report = r.report(&wards);
        assert_eq!((report.places, report.covered), (2, 1));
        let names: Vec<_> = report.wards.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, vec!["Ward A", "Ward B"], "sorted by name");
        let (a, b) = (&report.wards[0], &report.wards[1]);
        assert_eq!(
            (a.cameras, a.integrated, a.online, a.priority_places, a.gaps),
            (0, 0, 0, 1, 1)
        );
        assert_eq!(
            (b.cameras, b.integrated, b.online, b.priority_places, b.gaps),
            (3, 2, 1, 1, 0)
        );
        assert!((b.area_km2 - 4.0).abs() < 0.05, "{}", b.area_km2);
        assert!((b.cameras_per_km2 - 0.75).abs() < 0.01);
        assert_eq!(a.cameras_per_km2, 0.0);
    }

    #[test]
    fn gaps_sorted_by_priority_then_name() {
        let mut r = Registry::new();
        for (name, priority) in [
            ("Zoo gate", Priority::PublicPlace),
            ("Alpha black spot", Priority::BlackSpot),
            ("Jail", Priority::Jail),
        ] {
            let mut s = Site::blank();
            s.name_en = name.into();
            s.priority = priority;
            r.site(s);
        }
        let report = r.report(&[]);
        let names: Vec<_> = report.gaps.iter().map(|g| g.name_en.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "Alpha black spot",
                "Elite Chauraha black spot",
                "Jail",
                "Zoo gate"
            ]
        );
        assert_eq!(report.gaps[2].radius_m, 150.0, "the jail's default radius");
    }

    #[test]
    fn indexed_equals_all_pairs_on_random_registries_near_and_far() {
        // Dense clusters (ties and near-misses at the range's edge) in a registry spread over most of India's
        // latitudes, where the projection's scale error is largest; odd cameras: huge ranges, 360° views, broken
        // coordinates, and health rows listed twice.
        let mut rng = crate::services::demo::SplitMix64::new(11);
        let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        for (lat_span, lon_span) in [(0.02, 0.02), (25.0, 20.0)] {
            let mut r = Registry::new();
            r.snapshot.sites.clear();
            let mut centres = Vec::new();
            for k in 0..200 {
                let at = (10.0 + lat_span * unit(), 72.0 + lon_span * unit());
                let mut s = Site::blank();
                s.name_en = format!("Place {k}");
                s.priority = Priority::ALL[1 + (unit() * 4.0) as usize % 4];
                s.priority_radius_m = (unit() < 0.7).then(|| (unit() * 150.0).round());
                (s.lat_deg, s.lon_deg) = at;
                r.site(s);
                centres.push(at);
            }
            for k in 0..2_000 {
                let centre = centres[(unit() * centres.len() as f64) as usize % centres.len()];
                let site = r.hotel(&format!("Owner {k}"), 0.0, 0.0);
                let stage = IntegrationStage::ALL[(unit() * 7.0) as usize % 7];
                let id = r.camera(site, unit() * 360.0, unit() * 700.0, 0.0, stage);
                let cam = &mut r.snapshot.cameras[id as usize - 1].camera;
                let (lat, lon) =
                    destination(centre, unit() * 360.0, (unit() * 40.0).round() * 10.0);
                (cam.lat_deg, cam.lon_deg) = (lat, lon);
                cam.bearing_deg = (unit() < 0.8).then(|| (unit() * 360.0).floor());
                cam.fov_deg = (unit() < 0.8).then(|| [60.0, 90.0, 360.0][k % 3]);
                cam.range_m = match k % 50 {
                    0 => Some(5_000.0),
                    1 => Some(f64::INFINITY),
                    _ => (unit() < 0.7).then(|| (unit() * 8.0).round() * 10.0),
                };
                if k % 97 == 0 {
                    cam.lat_deg = f64::NAN;
                }
                if k % 10 == 0 {
                    cam.area_watched = AreaWatched::Cabin;
                }
                if unit() < 0.5 {
                    r.online(id, NOW - (unit() * 2.0 * DAY as f64) as i64);
                    r.health.push(HealthBrief {
                        camera_id: id,
                        state: HealthState::NotProbed,
                        last_online_unix_s: None,
                    });
                }
            }
            // `report` asserts the two computations agree.
            let report = r.report(&[]);
            assert_eq!(report.places, 200);
            assert!(report.covered > 0 || lat_span > 1.0);
            assert!(report.gaps.iter().any(|g| !g.candidates.is_empty()));
        }
    }

    #[test]
    fn the_worker_recomputes_off_the_calling_thread() {
        let mut r = Registry::new();
        let hotel = r.hotel("Hotel Raj", 180.0, 70.0);
        let cam = r.camera(hotel, 180.0, 70.0, 0.0, Integrated);
        r.online(cam, NOW);
        let (tx, rx) = channel();
        let mut worker = CoverageWorker::spawn(move || {
            let _ = tx.send(());
        })
        .unwrap();
        let job = CoverageJob {
            registry: Arc::new(r.snapshot.clone()),
            health: Arc::new(r.health.clone()),
            wards: Arc::new(Vec::new()),
            now_unix_s: NOW,
            window_s: DAY,
        };
        worker.request(job.clone());
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        let report = worker.poll().unwrap();
        assert_eq!(report.covered, 1);
        // Health changes: the camera went offline two days ago.
        let job = CoverageJob {
            health: Arc::new(vec![HealthBrief {
                camera_id: cam,
                state: HealthState::Offline,
                last_online_unix_s: Some(NOW - 2 * DAY),
            }]),
            ..job
        };
        worker.request(job.clone());
        worker.request(job);
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        let report = worker.poll().unwrap();
        assert_eq!(report.gaps[0].reason, GapReason::IntegratedButOffline);
        assert!(worker.poll().is_none());
    }
}
