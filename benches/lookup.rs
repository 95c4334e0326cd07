//! Figures for the incident lookup at a state's scale (run: `cargo bench --profile dev --bench lookup`;
//! `-- --cameras N --runs K` to change the sizes). Builds a synthetic registry in memory (no SQLite): by default
//! 200,000 cameras at 20,000 sites around Jhansi, clustered around 300 localities as a city's are, most with a
//! facing, angle and range, some without. Prints the R-tree's build time and the lookup's p50, p99 and max over
//! points dropped at random (half in busy localities, half anywhere), and how many cameras a lookup lists.
//! Speed is printed, never asserted; the issue asks under 50 ms at 200,000 cameras.

use std::sync::Arc;
use std::time::{Duration, Instant};

use iccc_desk::model::{AreaWatched, Camera, IntegrationStage, OwnerCategory, PasswordState, Site};
use iccc_desk::services::demo::SplitMix64;
use iccc_desk::services::lookup::{LookupIndex, LookupQuery, look_up};
use iccc_desk::store::{CameraRecord, RegistrySnapshot, SiteRecord};

/// 2026-12-06 21:40 IST.
const INCIDENT: i64 = 1_796_573_400;
const LAT: (f64, f64) = (25.30, 25.60);
const LON: (f64, f64) = (78.40, 78.75);
const M_PER_DEG: f64 = 111_195.0;
const SITES_PER_CAMERA: usize = 10;

struct Rng(SplitMix64);

impl Rng {
    fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn between(&mut self, (a, b): (f64, f64)) -> f64 {
        a + (b - a) * self.unit()
    }
    /// A point within `radius_m` of `centre`.
    fn near(&mut self, centre: (f64, f64), radius_m: f64) -> (f64, f64) {
        let r = radius_m * self.unit().sqrt() / M_PER_DEG;
        let a = self.unit() * std::f64::consts::TAU;
        (
            centre.0 + r * a.sin(),
            centre.1 + r * a.cos() / centre.0.to_radians().cos(),
        )
    }
}

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn registry(cameras: usize, rng: &mut Rng) -> (RegistrySnapshot, Vec<(f64, f64)>) {
    let localities: Vec<(f64, f64)> = (0..300)
        .map(|_| (rng.between(LAT), rng.between(LON)))
        .collect();
    let site_count = (cameras / SITES_PER_CAMERA).max(1);
    let sites: Vec<SiteRecord> = (0..site_count)
        .map(|i| {
            let (lat, lon) = rng.near(localities[i % localities.len()], 800.0);
            let mut site = Site::blank();
            site.name_en = format!("Site {i}");
            site.owner_category = OwnerCategory::Commercial;
            site.lat_deg = lat;
            site.lon_deg = lon;
            site.recorder_retention_days = [7, 15, 30][i % 3];
            SiteRecord {
                id: i as i64 + 1,
                site,
                row_version: 1,
                updated_by: Arc::from("bench"),
                updated_unix_s: 0,
            }
        })
        .collect();
    let cameras: Vec<CameraRecord> = (0..cameras)
        .map(|i| {
            let site = &sites[i / SITES_PER_CAMERA % sites.len()];
            let (lat, lon) = rng.near((site.site.lat_deg, site.site.lon_deg), 40.0);
            let mut c = Camera::blank_at(lat, lon);
            c.label = format!("Camera {i}");
            c.area_watched = AreaWatched::RoadFrontage;
            // One in five has no facing recorded, one in ten no range.
            c.bearing_deg = (i % 5 != 0).then(|| rng.between((0.0, 359.9)));
            c.fov_deg = Some(rng.between((40.0, 110.0)));
            c.range_m = (i % 10 != 0).then(|| rng.between((15.0, 80.0)));
            CameraRecord {
                id: i as i64 + 1,
                site_id: site.id,
                camera: c,
                stage: IntegrationStage::Integrated,
                blocked_from: None,
                block_reason: None,
                password: PasswordState::None,
                row_version: 1,
                updated_by: Arc::from("bench"),
                updated_unix_s: 0,
            }
        })
        .collect();
    let snapshot = RegistrySnapshot {
        is_demo: true,
        area: Default::default(),
        sites,
        cameras,
        passwords_to_reenter: 0,
    };
    (snapshot, localities)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let cameras = arg("--cameras", 200_000);
    let runs = arg("--runs", 2_000);
    let mut rng = Rng(SplitMix64::new(23));
    let (snapshot, localities) = registry(cameras, &mut rng);
    let started = Instant::now();
    let index = LookupIndex::build(&snapshot);
    let build = started.elapsed();
    let mut times = Vec::with_capacity(runs);
    let mut listed = Vec::with_capacity(runs);
    for i in 0..runs {
        let (lat_deg, lon_deg) = if i % 2 == 0 {
            rng.near(localities[i % localities.len()], 800.0)
        } else {
            (rng.between(LAT), rng.between(LON))
        };
        let query = LookupQuery {
            lat_deg,
            lon_deg,
            from_unix_s: INCIDENT,
            to_unix_s: INCIDENT,
            radius_m: None,
            now_unix_s: INCIDENT + 86_400,
        };
        let started = Instant::now();
        let rows = look_up(&snapshot, &index, &query);
        times.push(started.elapsed());
        listed.push(rows.len());
    }
    times.sort();
    listed.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!("incident lookup, {cameras} cameras, {runs} points");
    println!("  R-tree build: {:.1} ms", ms(build));
    println!(
        "  lookup: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (target < 50 ms)",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    println!(
        "  cameras listed: median {}, max {}",
        listed[listed.len() / 2],
        listed[listed.len() - 1]
    );
}
