//! The demo registry: an invented but believable Jhansi, for practice, screenshots and load tests.
//!
//! Sites of every owner category cluster around real localities of the city (names in English and Devanagari),
//! with the police's black spots, the toll plazas on NH-44 and NH-27 and the district jail; each camera carries a
//! stage history over the past twelve weeks, so the weekly review's figures look like the ones the programme
//! reported (2,378 integrated, about 748 in the last week, for the default 3,200 cameras). Owners, people, phone
//! numbers, addresses and passwords are invented, every site's notes say so, and every stream or snapshot URL
//! points at a loopback address (127.x.y.z), so a probe of the demo registry never reaches a real device.
//!
//! The output depends only on [`DemoOptions`]: the same seed and the same `now_unix_s` write the same rows (the
//! sealed passwords aside, whose nonces are random). The random numbers come from the small [`SplitMix64`]
//! below rather than from a crate, so the demo registry never changes with a dependency's version.
//!
//! The registry also gets a ward layer for the site map: sixty Jhansi-shaped ward polygons ([`demo_wards`]), and
//! each site's ward is the polygon its point lies in, so per-ward counts on the map are true.
//!
//! Everything is written through [`crate::store::BulkWriter`] in one transaction: a cancelled or failed run
//! leaves the registry as empty as it was.

mod addresses;
mod cameras;
mod health;
mod history;
mod jhansi;
mod plan;
mod rng;
pub mod simulator;
mod wards;

pub use addresses::{ip_camera_host, nvr_host};
pub use rng::SplitMix64;
pub use wards::{DEMO_WARDS_SOURCE, demo_wards};
// Each section reads the others' items through `use super::*`.
use {addresses::*, cameras::*, health::*, history::*, jhansi::*, plan::*, wards::*};

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::LazyLock;

use serde_json::json;

use crate::model::{
    AreaWatched, BlockReason, BoundaryArea, BoundaryKind, CITY_LAT_DEG, CITY_LON_DEG, Camera,
    CameraKind, IST_OFFSET_S, IntegrationStage, OwnerCategory, Priority, Site, StageChange,
};
use crate::store::{Actor, BulkStageEvent, Store, StoreError};

/// Cameras in the default demo registry (Jhansi's size).
pub const DEFAULT_CAMERAS: usize = 3_200;
/// Fewest cameras a demo registry takes (the fixed priority places need some).
pub const MIN_CAMERAS: usize = 100;
/// Most cameras a demo registry takes (a state's registry, for the benches).
pub const MAX_CAMERAS: usize = 500_000;
/// Every demo site's notes begin with this.
pub const DEMO_NOTE: &str = "DEMO DATA — invented for demonstration";

const DAY_S: i64 = 86_400;
const WEEK_S: i64 = 7 * DAY_S;
/// Stage histories lie within the last twelve weeks.
const HISTORY_S: i64 = 84 * DAY_S;

// The programme's figures at the default size; other sizes scale them.
const REF_CAMERAS: f64 = 3_200.0;
const REF_INTEGRATED: f64 = 2_378.0;
const REF_INTEGRATED_WEEK: f64 = 748.0;
const REF_BLOCKED: f64 = 205.0;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Cameras to write, [`MIN_CAMERAS`]..=[`MAX_CAMERAS`]; sites, blocked and integrated cameras scale with it.
    pub cameras: usize,
    pub seed: u64,
    /// The "now" the stage histories end at, unix seconds.
    pub now_unix_s: i64,
    /// Desk user who signs the load's audit entry.
    pub user: String,
}

/// What a demo run wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    pub sites: u64,
    pub cameras: u64,
    /// Stage events, each camera's first 'surveyed' event included.
    pub stage_events: u64,
    pub black_spots: usize,
    pub toll_plazas: usize,
    pub jails: usize,
    /// Cameras now integrated.
    pub integrated: usize,
    /// Of those, moved into 'integrated' within the last 7 days.
    pub integrated_last_7_days: usize,
    pub blocked: usize,
    /// Private-area cameras, recorded and rejected.
    pub rejected: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The demo registry is only written into an empty registry, never mixed with real rows.
    #[error(
        "{path} already holds {sites} site(s): the demo registry is written only into an empty registry file"
    )]
    NotEmpty { path: PathBuf, sites: i64 },
    /// The progress callback asked to stop; nothing was written.
    #[error("the demo registry was cancelled; nothing was written")]
    Cancelled,
    #[error("a demo registry has {min} to {max} cameras, not {cameras}")]
    Size {
        cameras: usize,
        min: usize,
        max: usize,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/// Writes the demo registry into an empty `store`; see the module documentation.
///
/// `progress` is called about a hundred times with the fraction done (0..=1); when it returns false the load
/// stops, everything written so far is rolled back, and the result is [`DemoError::Cancelled`].
pub fn generate(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &dyn Fn(f32) -> bool,
) -> Result<DemoSummary, DemoError> {
    if !(MIN_CAMERAS..=MAX_CAMERAS).contains(&opts.cameras) {
        return Err(DemoError::Size {
            cameras: opts.cameras,
            min: MIN_CAMERAS,
            max: MAX_CAMERAS,
        });
    }
    let sites = store.reports().site_count()?;
    if sites > 0 {
        return Err(DemoError::NotEmpty {
            path: store.path().to_path_buf(),
            sites,
        });
    }
    let plan = plan(opts);
    let mut rng = SplitMix64::new(opts.seed).fork(4);
    let actor = Actor {
        user: opts.user.clone(),
        now_unix_s: opts.now_unix_s,
    };
    let now = opts.now_unix_s;
    let start = now - HISTORY_S + 3_600;
    let mut hosts = Hosts {
        ip_cameras: 0,
        nvrs: 0,
    };
    let total = plan
        .sites
        .iter()
        .map(|s| s.cameras.len())
        .sum::<usize>()
        .max(1);
    let mut written = 0usize;
    let mut reported = 0usize;

    let mut writer = store.bulk(&actor)?;
    // The ward layer goes in the same transaction: a cancelled demo leaves no wards behind either.
    let wards = writer.add_boundaries(BoundaryKind::Ward, DEMO_WARDS_SOURCE, demo_wards())?;
    for site in &plan.sites {
        let operator = *rng.pick(OPERATORS);
        let histories: Vec<_> = site
            .cameras
            .iter()
            .map(|c| history(&mut rng, c.outcome, c.area, now))
            .collect();
        let first_survey = histories.iter().map(|h| h.0).min();
        let site_t = match first_survey {
            Some(t0) => office_time(&mut rng, start.max(t0 - 5 * DAY_S), t0),
            None => office_time(&mut rng, start, now - DAY_S),
        };
        let site_id = writer.add_site(&site.site, operator, site_t)?;

        let nvr = site.cameras.iter().any(|c| c.is_analogue).then(|| {
            let host = nvr_host(hosts.nvrs);
            hosts.nvrs += 1;
            host
        });
        let mut channel = 0u16;
        for (plan_camera, (t0, moves)) in site.cameras.iter().zip(histories) {
            if plan_camera.is_analogue {
                channel += 1;
            }
            let needs_stream = moves.iter().any(|(m, _)| m.to.needs_stream());
            let password_known = moves
                .last()
                .is_none_or(|(m, _)| m.reason != Some(BlockReason::PasswordUnknown));
            let (camera, password) = camera_row(
                &mut rng,
                site,
                plan_camera,
                nvr.as_deref(),
                channel,
                needs_stream,
                password_known,
                &mut hosts,
            );
            // One operator usually follows a camera through; now and then a colleague steps in.
            let later: Vec<BulkStageEvent> = moves
                .into_iter()
                .map(|(change, at_unix_s)| BulkStageEvent {
                    at_unix_s,
                    by_user: if rng.chance(0.8) {
                        operator
                    } else {
                        *rng.pick(OPERATORS)
                    }
                    .to_string(),
                    change,
                })
                .collect();
            let camera_id =
                writer.add_camera(site_id, &camera, password.as_deref(), operator, t0, &later)?;
            if let Some(configured_unix_s) = probed_since(&camera, &later) {
                write_health_week(&mut writer, camera_id, configured_unix_s, now)?;
            }
            written += 1;
        }
        let percent = written * 100 / total;
        if percent > reported {
            reported = percent;
            if !progress(percent as f32 / 100.0) {
                drop(writer);
                return Err(DemoError::Cancelled);
            }
        }
    }
    let counts = writer.finish(
        "registry.demo",
        &json!({
            "cameras": counts_cameras(&plan),
            "sites": plan.sites.len(),
            "wards": wards,
            "seed": opts.seed,
            "now_unix_s": opts.now_unix_s,
        }),
        true,
    )?;
    Ok(DemoSummary {
        sites: counts.sites,
        cameras: counts.cameras,
        stage_events: counts.stage_events,
        black_spots: plan.black_spots,
        toll_plazas: plan.toll_plazas,
        jails: plan.jails,
        integrated: plan.integrated,
        integrated_last_7_days: plan.integrated_this_week,
        blocked: plan.blocked,
        rejected: plan.rejected,
    })
}

/// When the prober began to look after a camera that ends configured or integrated on a common area: its move
/// into 'configured'. `None` for the others.
fn probed_since(camera: &Camera, later: &[BulkStageEvent]) -> Option<i64> {
    let last = later.last()?;
    let probed = matches!(
        last.change.to,
        IntegrationStage::Configured | IntegrationStage::Integrated
    ) && camera.area_watched.is_common();
    if !probed {
        return None;
    }
    let configured = later
        .iter()
        .find(|e| e.change.to == IntegrationStage::Configured);
    Some(configured.map_or(last.at_unix_s, |e| e.at_unix_s))
}

fn counts_cameras(plan: &Plan) -> usize {
    plan.sites.iter().map(|s| s.cameras.len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenOptions;

    /// 2026-11-25 05:30 IST.
    const NOW: i64 = 1_795_564_800;
    /// Seeds the ward checks run over (150 were checked once; 20 keep the test quick).
    const SEEDS_UNDER_TEST: std::ops::RangeInclusive<u64> = 1..=20;

    fn open(dir: &std::path::Path) -> Store {
        Store::open(
            &dir.join("demo.sqlite"),
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap()
    }

    fn options(cameras: usize, seed: u64) -> DemoOptions {
        DemoOptions {
            cameras,
            seed,
            now_unix_s: NOW,
            user: "tester".into(),
        }
    }

    fn dump(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(format!("{:?}", r.get_ref(i)?));
            }
            Ok(row.join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn splitmix64_is_pinned() {
        // If these change, every demo registry changes: keep the generator as it is.
        let mut rng = SplitMix64::new(1_234_567);
        let got: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(
            got,
            vec![
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423
            ]
        );
    }

    #[test]
    fn same_seed_and_time_write_the_same_rows() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let (mut sa, mut sb, mut sc) = (open(a.path()), open(b.path()), open(c.path()));
        generate(&mut sa, &options(400, 9), &|_| true).unwrap();
        generate(&mut sb, &options(400, 9), &|_| true).unwrap();
        generate(&mut sc, &options(400, 10), &|_| true).unwrap();
        // The sealed password differs (random nonce, per-registry key); everything else is the same.
        let camera_columns = "SELECT id, site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, fov_deg,
            range_m, kind, nvr_host, nvr_channel, make, model, stream_url, snapshot_url, username,
            password_ct IS NOT NULL, stage, blocked_from, block_reason, row_version, updated_by, updated_unix_s
            FROM camera ORDER BY id";
        for sql in [
            "SELECT * FROM site ORDER BY id",
            camera_columns,
            "SELECT * FROM stage_event ORDER BY id",
        ] {
            let rows_a = dump(sa.conn_for_tests(), sql);
            assert!(!rows_a.is_empty());
            assert_eq!(rows_a, dump(sb.conn_for_tests(), sql), "{sql}");
            assert_ne!(
                rows_a,
                dump(sc.conn_for_tests(), sql),
                "another seed, another registry: {sql}"
            );
        }
    }

    #[test]
    fn default_size_shows_the_programme_figures() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let calls = std::cell::Cell::new(0);
        let summary = generate(&mut store, &options(DEFAULT_CAMERAS, 1), &|_| {
            calls.set(calls.get() + 1);
            true
        })
        .unwrap();
        assert!(
            (90..=100).contains(&calls.get()),
            "{} progress calls",
            calls.get()
        );
        assert_eq!(summary.cameras, 3_200);
        assert_eq!(summary.integrated, 2_378);
        assert_eq!(summary.integrated_last_7_days, 748);
        assert!((150..=260).contains(&summary.blocked), "{summary:?}");
        assert!(
            (32..=160).contains(&summary.rejected),
            "a few % private: {summary:?}"
        );
        assert!((1_150..=1_400).contains(&summary.sites), "{summary:?}");
        assert_eq!(summary.black_spots, 40);
        assert_eq!(summary.toll_plazas, 4);
        assert_eq!(summary.jails, 1);
        assert!(store.is_demo().unwrap());

        let conn = store.conn_for_tests();
        let q = |sql: &str| count(conn, sql);
        assert_eq!(
            q("SELECT count(*) FROM camera WHERE stage = 'integrated'"),
            2_378
        );
        assert_eq!(
            q(&format!(
                "SELECT count(*) FROM camera c WHERE stage = 'integrated' AND
                   (SELECT max(at_unix_s) FROM stage_event e WHERE e.camera_id = c.id AND to_stage = 'integrated')
                   > {}",
                NOW - WEEK_S
            )),
            748
        );
        for stage in ["surveyed", "owner_contacted", "consent_given", "configured"] {
            let n = q(&format!(
                "SELECT count(*) FROM camera WHERE stage = '{stage}'"
            ));
            assert!((60..=250).contains(&n), "{stage}: {n}");
        }
        // Every owner category, every event inside the last twelve weeks and in order.
        assert_eq!(q("SELECT count(DISTINCT owner_category) FROM site"), 10);
        assert_eq!(q("SELECT count(DISTINCT ward) FROM site"), 60);
        assert_eq!(
            q(&format!(
                "SELECT count(*) FROM stage_event WHERE at_unix_s <= {} OR at_unix_s > {NOW}",
                NOW - HISTORY_S
            )),
            0
        );
        assert_eq!(
            q("SELECT count(*) FROM stage_event a JOIN stage_event b
               ON a.camera_id = b.camera_id AND a.id < b.id AND a.at_unix_s > b.at_unix_s"),
            0
        );
        assert_eq!(
            q(
                "SELECT count(*) FROM site WHERE notes NOT LIKE 'DEMO DATA — invented for demonstration%'"
            ),
            0
        );
        assert_eq!(
            q(
                "SELECT count(*) FROM site WHERE lat_deg NOT BETWEEN 25.39 AND 25.51 OR lon_deg NOT BETWEEN 78.50 AND 78.65"
            ),
            0
        );
        assert_eq!(
            q("SELECT count(*) FROM site WHERE priority = 'black_spot'
               AND (owner_category NOT IN ('public_place', 'police') OR priority_radius_m NOT BETWEEN 30 AND 80)"),
            0
        );
        // Blocks: reasons of several kinds, 'other' always explained; some cleared on the way.
        assert!(q("SELECT count(DISTINCT block_reason) FROM camera WHERE stage = 'blocked'") >= 6);
        assert_eq!(
            q("SELECT count(*) FROM stage_event WHERE block_reason = 'other' AND trim(note) = ''"),
            0
        );
        assert!(
            q("SELECT count(DISTINCT camera_id) FROM stage_event WHERE from_stage = 'blocked'")
                > 100
        );
        // Rejections are private areas, with a note; no private area went further.
        assert_eq!(
            q("SELECT count(*) FROM camera WHERE stage = 'rejected'
               AND area_watched IN ('entrance', 'lobby', 'parking', 'gate', 'road_frontage', 'corridor')"),
            0
        );
        assert_eq!(
            q("SELECT count(*) FROM stage_event WHERE to_stage = 'rejected' AND note = ''"),
            0
        );
        assert!(q("SELECT count(DISTINCT by_user) FROM stage_event") >= 5);

        // The ward layer: sixty areas, and every site lies in the one its ward names.
        let wards = store.boundaries(BoundaryKind::Ward).unwrap();
        assert_eq!(wards.len(), 60);
        assert!(
            wards.windows(2).all(|w| w[0].name < w[1].name),
            "sorted by name"
        );
        let by_name: std::collections::HashMap<&str, &BoundaryArea> =
            wards.iter().map(|w| (w.name.as_str(), w)).collect();
        let sites: Vec<(String, f64, f64)> = store
            .conn_for_tests()
            .prepare("SELECT ward, lat_deg, lon_deg FROM site ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut per_ward: std::collections::HashMap<&str, usize> = Default::default();
        for (ward, lat, lon) in &sites {
            let Some(area) = by_name.get(ward.as_str()) else {
                panic!("{ward}: no such ward area");
            };
            assert!(
                area.contains(*lat, *lon),
                "{ward} does not hold {lat}, {lon}"
            );
            *per_ward.entry(ward).or_default() += 1;
        }
        assert_eq!(per_ward.len(), 60);
        let layer = store.boundary_layer(BoundaryKind::Ward).unwrap().unwrap();
        assert_eq!(
            (
                layer.areas,
                layer.source_name.as_str(),
                layer.imported_by.as_str()
            ),
            (60, DEMO_WARDS_SOURCE, "tester")
        );
    }

    #[test]
    fn every_planned_site_lies_in_exactly_one_ward_the_one_it_names() {
        for seed in SEEDS_UNDER_TEST {
            for cameras in [MIN_CAMERAS, DEFAULT_CAMERAS, 20_000] {
                for plan in plan(&options(cameras, seed)).sites {
                    let site = &plan.site;
                    let holders: Vec<&str> = demo_wards()
                        .iter()
                        .filter(|w| w.contains(site.lat_deg, site.lon_deg))
                        .map(|w| w.name.as_str())
                        .collect();
                    assert_eq!(
                        holders,
                        [site.ward.as_str()],
                        "seed {seed}: {}",
                        site.name_en
                    );
                }
            }
        }
    }

    #[test]
    fn demo_wards_tile_the_city_and_hold_every_place_a_site_can_be() {
        let wards = demo_wards();
        assert_eq!(wards.len(), 60);
        let mut names = HashSet::new();
        let mut codes: Vec<usize> = Vec::new();
        for (k, w) in wards.iter().enumerate() {
            let (locality, which) = (k / 2, k % 2);
            assert_eq!(w.name, ward_name(locality, which));
            assert!(names.insert(w.name.clone()), "{} twice", w.name);
            codes.push(w.code.parse().unwrap());
            assert_eq!(w.kind, BoundaryKind::Ward);
            assert!(w.area_km2() > 0.01, "{}: {} km²", w.name, w.area_km2());
            let (lat, lon) = w.label_point();
            assert!(w.contains(lat, lon), "{}: label outside", w.name);
            // A locality's centre is in its first ward (the split line passes just east or north of it).
            if which == 0 {
                let l = &LOCALITIES[locality];
                assert!(w.contains(l.lat, l.lon), "{}", w.name);
            }
        }
        codes.sort_unstable();
        assert_eq!(codes, (1..=60).collect::<Vec<_>>());
        // The wards tile the outline: their areas add up to the outline's, and each place is in exactly one.
        // Plane (shoelace) areas add up, also where one ward's corner sits on a neighbour's edge.
        let shoelace = |ring: &[(f64, f64)]| {
            let n = ring.len();
            (0..n)
                .map(|i| {
                    // About the city centre, so the products stay small.
                    let (a, b) = (ring[i], ring[(i + 1) % n]);
                    let (a, b) = ((a.0 - 25.45, a.1 - 78.57), (b.0 - 25.45, b.1 - 78.57));
                    a.0 * b.1 - b.0 * a.1
                })
                .sum::<f64>()
                .abs()
                / 2.0
        };
        let total: f64 = wards.iter().map(|w| shoelace(&w.polygons[0][0])).sum();
        let outline: Vec<(f64, f64)> = city_outline()
            .into_iter()
            .map(|(x, y)| (y, x / LON_SCALE))
            .collect();
        let city = shoelace(&outline);
        assert!((total - city).abs() < city * 1e-9, "{total} vs {city}");
        let km2: f64 = wards.iter().map(BoundaryArea::area_km2).sum();
        assert!(
            (60.0..200.0).contains(&km2),
            "a city-sized outline: {km2} km²"
        );
        let corners = possible_site_corners();
        assert!(corners.len() > 100);
        for (x, y) in corners {
            let (lat, lon) = (y, x / LON_SCALE);
            let holders = wards.iter().filter(|w| w.contains(lat, lon)).count();
            assert_eq!(holders, 1, "{lat}, {lon}");
        }
        // Points just off the city are in none.
        for (lat, lon) in [
            (25.38, 78.57),
            (25.52, 78.57),
            (25.45, 78.49),
            (25.45, 78.66),
        ] {
            assert!(wards.iter().all(|w| !w.contains(lat, lon)), "{lat}, {lon}");
        }
    }

    #[test]
    fn urls_are_loopback_and_unique() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        generate(&mut store, &options(1_500, 3), &|_| true).unwrap();
        let urls: Vec<(Option<String>, Option<String>, Option<String>)> = store
            .conn_for_tests()
            .prepare("SELECT stream_url, snapshot_url, nvr_host FROM camera")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut streams = 0;
        for (stream, snapshot, nvr) in &urls {
            for text in [stream, snapshot].into_iter().flatten() {
                let url = url::Url::parse(text).unwrap();
                // rtsp:// is not a "special" scheme to the URL standard: its host stays text until parsed.
                let Some(Ok(ip)) = url.host_str().map(str::parse::<std::net::Ipv4Addr>) else {
                    panic!("{text}: not an IPv4 host");
                };
                assert!(ip.is_loopback() && ip.octets()[2] != 0, "{text}");
                assert!(url.username().is_empty() && url.password().is_none());
            }
            if let Some(host) = nvr {
                let ip: std::net::Ipv4Addr = host.parse().unwrap();
                assert!(ip.is_loopback());
            }
            streams += usize::from(stream.is_some());
        }
        assert!(streams > urls.len() / 2);
        // Host numbering stays distinct and on loopback far beyond 200,000 cameras.
        let mut seen = HashSet::new();
        for k in 0..MAX_CAMERAS + 1_000 {
            for host in [ip_camera_host(k), nvr_host(k)] {
                let ip: std::net::Ipv4Addr = host.parse().unwrap();
                assert!(ip.is_loopback(), "{host}");
                assert!(seen.insert(ip), "{host} twice");
            }
        }
    }

    #[test]
    fn cancelling_leaves_the_registry_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = open(dir.path());
        let calls = std::cell::Cell::new(0);
        let result = generate(&mut store, &options(800, 1), &|_| {
            calls.set(calls.get() + 1);
            calls.get() < 10
        });
        assert!(matches!(result, Err(DemoError::Cancelled)), "{result:?}");
        assert_eq!(calls.get(), 10);
        for table in ["site", "camera", "stage_event", "audit", "boundary"] {
            assert_eq!(
                count(
                    store.conn_for_tests(),
                    &format!("SELECT count(*) FROM {table}")
                ),
                0,
                "{table}"
            );
        }
        assert!(!store.is_demo().unwrap());
        // The same store takes a full run afterwards, and refuses a second one.
        generate(&mut store, &options(MIN_CAMERAS, 1), &|_| true).unwrap();
        let again = generate(&mut store, &options(MIN_CAMERAS, 1), &|_| true);
        assert!(
            matches!(again, Err(DemoError::NotEmpty { .. })),
            "{again:?}"
        );
        let too_big = generate(&mut store, &options(MAX_CAMERAS + 1, 1), &|_| true);
        assert!(
            matches!(too_big, Err(DemoError::Size { .. })),
            "{too_big:?}"
        );
    }
}
