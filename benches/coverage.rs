//! Figures for the coverage of priority places at a big city's scale (run: `cargo bench --profile dev --bench
//! coverage`; `-- --cameras N --places M --runs K` to change the sizes). Builds a synthetic registry in memory
//! (no SQLite): by default 200,000 cameras and 10,000 priority places around Jhansi, cameras clustered around the
//! places and around localities, and 200 ward polygons tiling the area. Prints the indexed computation's p50 and
//! max over several runs, the all-pairs reference once, whether they agree, and the ratio. Speed is printed,
//! never asserted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use iccc_desk::model::{
    AreaWatched, BoundaryArea, BoundaryKind, Camera, CameraKind, GapReason, HealthState,
    IntegrationStage, OwnerCategory, PasswordState, Priority, Site,
};
use iccc_desk::services::demo::SplitMix64;
use iccc_desk::services::review::coverage::{CoverageInput, compute, naive};
use iccc_desk::store::{CameraRecord, HealthBrief, RegistrySnapshot, SiteRecord};

/// 2026-11-25 05:30 IST.
const NOW: i64 = 1_795_564_800;
const DAY: i64 = 86_400;
/// The synthetic city: about 33 km × 35 km around Jhansi (a big city's extent).
const LAT: (f64, f64) = (25.30, 25.60);
const LON: (f64, f64) = (78.40, 78.75);
const M_PER_DEG: f64 = 111_195.0;

struct Rng(SplitMix64);

impl Rng {
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// A point about `spread_m` (standard deviation, Box–Muller) around `(lat, lon)`.
    fn near(&mut self, (lat, lon): (f64, f64), spread_m: f64) -> (f64, f64) {
        let r = (-2.0 * (1.0 - self.unit()).ln()).sqrt() * spread_m;
        let a = std::f64::consts::TAU * self.unit();
        (
            lat + r * a.cos() / M_PER_DEG,
            lon + r * a.sin() / (M_PER_DEG * lat.to_radians().cos()),
        )
    }
    fn anywhere(&mut self) -> (f64, f64) {
        (
            LAT.0 + (LAT.1 - LAT.0) * self.unit(),
            LON.0 + (LON.1 - LON.0) * self.unit(),
        )
    }
}

fn site(id: i64, name: String, category: OwnerCategory, at: (f64, f64)) -> SiteRecord {
    let mut site = Site::blank();
    site.name_en = name;
    site.owner_category = category;
    site.contact_person = format!("Contact {id}");
    site.phone = format!("+9198{id:08}");
    (site.lat_deg, site.lon_deg) = at;
    SiteRecord {
        id,
        site,
        row_version: 1,
        updated_by: "bench".into(),
        updated_unix_s: NOW,
    }
}

/// A registry of `cameras` cameras and `places` priority places, with health for the probed ones.
fn registry(cameras: usize, places: usize, seed: u64) -> (RegistrySnapshot, Vec<HealthBrief>) {
    let mut rng = Rng(SplitMix64::new(seed));
    let mut snapshot = RegistrySnapshot::default();
    let localities: Vec<(f64, f64)> = (0..400).map(|_| rng.anywhere()).collect();
    // Priority places, mostly black spots along roads of the localities.
    let mut place_at = Vec::with_capacity(places);
    for k in 0..places {
        let id = snapshot.sites.len() as i64 + 1;
        let locality = rng.pick(&localities);
        let at = rng.near(locality, 1_200.0);
        let priority = match rng.below(100) {
            0..=79 => Priority::BlackSpot,
            80..=84 => Priority::TollPlaza,
            85 => Priority::Jail,
            _ => Priority::PublicPlace,
        };
        let mut record = site(id, format!("Place {k}"), OwnerCategory::PublicPlace, at);
        record.site.priority = priority;
        record.site.priority_radius_m = rng
            .chance(0.8)
            .then(|| rng.pick(&[25.0, 30.0, 40.0, 50.0, 75.0, 100.0, 150.0]));
        snapshot.sites.push(record);
        place_at.push(at);
    }
    // Owners' sites: half beside a priority place (the hotel at the junction), half in the localities.
    let owner_sites = cameras / 4;
    let categories = [
        OwnerCategory::Hotel,
        OwnerCategory::CoachingSchool,
        OwnerCategory::HospitalClinic,
        OwnerCategory::Commercial,
        OwnerCategory::Commercial,
        OwnerCategory::IndustrialUnit,
        OwnerCategory::GovernmentOffice,
    ];
    for k in 0..owner_sites {
        let id = snapshot.sites.len() as i64 + 1;
        let at = if rng.chance(0.5) && !place_at.is_empty() {
            let place = rng.pick(&place_at);
            rng.near(place, 120.0)
        } else {
            let locality = rng.pick(&localities);
            rng.near(locality, 600.0)
        };
        let category = rng.pick(&categories);
        snapshot
            .sites
            .push(site(id, format!("Owner {k}"), category, at));
    }
    // Cameras: each on an owner's site (or a place's own pole), within 30 m of it.
    let mut health = Vec::new();
    let first_owner = places;
    for k in 0..cameras {
        let site_pos = if places > 0 && rng.chance(0.05) {
            rng.below(places)
        } else {
            first_owner
                + rng
                    .below(owner_sites.max(1))
                    .min(snapshot.sites.len() - 1 - first_owner)
        };
        let s = &snapshot.sites[site_pos];
        let (lat, lon) = rng.near((s.site.lat_deg, s.site.lon_deg), 15.0);
        let mut camera = Camera::blank_at(lat, lon);
        camera.label = format!("Camera {k}");
        camera.area_watched = if rng.chance(0.1) {
            rng.pick(&[
                AreaWatched::Room,
                AreaWatched::Classroom,
                AreaWatched::Cabin,
            ])
        } else {
            rng.pick(&[
                AreaWatched::Gate,
                AreaWatched::Entrance,
                AreaWatched::RoadFrontage,
                AreaWatched::Parking,
                AreaWatched::Lobby,
            ])
        };
        camera.bearing_deg = rng.chance(0.85).then(|| rng.below(360) as f64);
        camera.fov_deg = rng
            .chance(0.8)
            .then(|| rng.pick(&[60.0, 75.0, 82.0, 90.0, 100.0, 110.0]));
        camera.range_m = rng
            .chance(0.75)
            .then(|| rng.pick(&[10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 80.0]));
        camera.kind = CameraKind::Ip;
        let stage = if !camera.area_watched.is_common() {
            IntegrationStage::Rejected
        } else {
            match rng.below(100) {
                0..=44 => IntegrationStage::Integrated,
                45..=54 => IntegrationStage::Configured,
                55..=74 => IntegrationStage::Surveyed,
                75..=84 => IntegrationStage::OwnerContacted,
                85..=89 => IntegrationStage::ConsentGiven,
                90..=96 => IntegrationStage::Blocked,
                _ => IntegrationStage::Rejected,
            }
        };
        let id = k as i64 + 1;
        if matches!(
            stage,
            IntegrationStage::Integrated | IntegrationStage::Configured
        ) {
            let (state, last_online) = match rng.below(100) {
                0..=74 => (HealthState::Online, Some(NOW - 60)),
                75..=84 => (
                    HealthState::Offline,
                    Some(NOW - rng.below(DAY as usize) as i64),
                ),
                85..=94 => (HealthState::Offline, Some(NOW - 3 * DAY)),
                _ => (HealthState::NotProbed, None),
            };
            health.push(HealthBrief {
                camera_id: id,
                state,
                last_online_unix_s: last_online,
            });
        }
        snapshot.cameras.push(CameraRecord {
            id,
            site_id: snapshot.sites[site_pos].id,
            camera,
            stage,
            blocked_from: None,
            block_reason: None,
            password: PasswordState::None,
            row_version: 1,
            updated_by: "bench".into(),
            updated_unix_s: NOW,
        });
    }
    snapshot.cameras.sort_by_key(|c| (c.site_id, c.id));
    (snapshot, health)
}

/// `rows × cols` wards tiling the area, each edge cut in four so a ward is a 16-point polygon like a real one.
fn wards(rows: usize, cols: usize) -> Vec<BoundaryArea> {
    let mut out = Vec::new();
    let lat = |r: f64| LAT.0 + (LAT.1 - LAT.0) * r / rows as f64;
    let lon = |c: f64| LON.0 + (LON.1 - LON.0) * c / cols as f64;
    for r in 0..rows {
        for c in 0..cols {
            let (r, c) = (r as f64, c as f64);
            let mut ring = Vec::new();
            for k in 0..4 {
                ring.push((lat(r), lon(c + k as f64 / 4.0)));
            }
            for k in 0..4 {
                ring.push((lat(r + k as f64 / 4.0), lon(c + 1.0)));
            }
            for k in 0..4 {
                ring.push((lat(r + 1.0), lon(c + 1.0 - k as f64 / 4.0)));
            }
            for k in 0..4 {
                ring.push((lat(r + 1.0 - k as f64 / 4.0), lon(c)));
            }
            ring.push(ring[0]);
            out.push(BoundaryArea {
                kind: BoundaryKind::Ward,
                name: format!("Ward {}", out.len() + 1),
                code: (out.len() + 1).to_string(),
                polygons: vec![vec![ring]],
            });
        }
    }
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let cameras = arg(&args, "--cameras", 200_000);
    let places = arg(&args, "--places", 10_000);
    let runs = arg(&args, "--runs", 7).max(1);

    let started = Instant::now();
    let (snapshot, health) = registry(cameras, places, 42);
    let wards = wards(10, 20);
    let snapshot = Arc::new(snapshot);
    println!(
        "synthetic registry: {} cameras, {} sites, {} priority places, {} health rows, {} wards in {:.0} ms",
        snapshot.cameras.len(),
        snapshot.sites.len(),
        places,
        health.len(),
        wards.len(),
        ms(started.elapsed())
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let input = CoverageInput {
        registry: &snapshot,
        health: &health,
        wards: &wards,
        now_unix_s: NOW,
        window_s: DAY,
    };

    let mut times = Vec::new();
    let mut report = None;
    for _ in 0..runs {
        let started = Instant::now();
        let r = compute(&input);
        times.push(started.elapsed());
        report = Some(r);
    }
    times.sort();
    let p50 = times[times.len() / 2];
    let max = times[times.len() - 1];
    let Some(report) = report else {
        return;
    };
    println!(
        "indexed (rstar, {threads} threads): p50 {:.1} ms, max {:.1} ms over {runs} runs",
        ms(p50),
        ms(max)
    );
    let by_reason: Vec<String> = GapReason::ALL
        .iter()
        .map(|r| {
            let n = report.gaps.iter().filter(|g| g.reason == *r).count();
            format!("{} {n}", r.code())
        })
        .collect();
    let with_candidates = report
        .gaps
        .iter()
        .filter(|g| !g.candidates.is_empty())
        .count();
    println!(
        "report: {} places, {} covered, {} gaps ({}), {with_candidates} gaps with candidates",
        report.places,
        report.covered,
        report.gaps.len(),
        by_reason.join(", ")
    );

    let started = Instant::now();
    let reference = naive(&input);
    let naive_time = started.elapsed();
    println!(
        "naive all-pairs scan (1 thread): {:.0} ms; agrees with the indexed report: {}",
        ms(naive_time),
        reference == report
    );
    println!(
        "ratio naive / indexed p50: {:.0}×",
        naive_time.as_secs_f64() / p50.as_secs_f64()
    );
}
