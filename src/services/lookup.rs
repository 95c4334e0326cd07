//! Incident lookup over the registry: the cameras that could have seen a point, ranked, with their owner, stage,
//! health at the time and what became of their footage (issue 23). An R-tree of the cameras' positions (rstar,
//! as the map uses) picks the candidates near the point, so a lookup at 200,000 cameras tests only a handful of
//! cones (`benches/lookup.rs`); the cone test, the order and the words are `model::lookup`'s.
//!
//! Private-area cameras (rooms, wards, classrooms, cabins) are never listed: they watch no public place, and the
//! programme never puts them forward. Cameras at every other stage are: an owner's recorder keeps footage whether
//! or not the ICCC sees the camera yet.

use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};
use serde::Serialize;

use crate::model::coverage::camera_range_m;
use crate::model::health_at::{HealthAt, health_at};
use crate::model::lookup::{ConeCheck, Footage, by_rank, check_view, footage_fate};
use crate::model::{CameraId, HealthRun, IntegrationStage, OwnerCategory, SiteId};
use crate::store::RegistrySnapshot;

/// Metres in a degree of latitude (the mean Earth radius's), for the candidate box.
const M_PER_DEG_LAT: f64 = 111_195.0;
/// The candidate box is this much wider than the longest range, so rounding in the box never drops a camera.
const BOX_MARGIN: f64 = 1.01;
/// No camera is searched for farther than this, metres, whatever range a typo gave it (the cone test still
/// uses the camera's own range).
pub const MAX_SEARCH_RADIUS_M: f64 = 5_000.0;

type Point = GeomWithData<[f64; 2], u32>;

/// The cameras' positions (longitude, latitude in degrees), by their place in the snapshot.
pub struct LookupIndex {
    tree: RTree<Point>,
    /// The longest range of an indexed camera, metres (at most [`MAX_SEARCH_RADIUS_M`]).
    max_range_m: f64,
}

impl LookupIndex {
    /// Indexes the snapshot's cameras that the lookup may list (common or not-yet-known areas, a position).
    pub fn build(snapshot: &RegistrySnapshot) -> Self {
        let mut max_range_m: f64 = 0.0;
        let points: Vec<Point> = snapshot
            .cameras
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !c.camera.area_watched.is_private()
                    && c.camera.lat_deg.is_finite()
                    && c.camera.lon_deg.is_finite()
            })
            .map(|(i, c)| {
                max_range_m = max_range_m.max(camera_range_m(&c.camera));
                Point::new([c.camera.lon_deg, c.camera.lat_deg], i as u32)
            })
            .collect();
        Self {
            tree: RTree::bulk_load(points),
            max_range_m: max_range_m.min(MAX_SEARCH_RADIUS_M),
        }
    }

    /// Places in the snapshot of the cameras within `radius_m` of `point` (a box a little larger: the cone test
    /// measures exactly).
    pub fn candidates(&self, point: (f64, f64), radius_m: f64) -> Vec<u32> {
        if !(point.0.is_finite() && point.1.is_finite() && radius_m.is_finite()) {
            return Vec::new();
        }
        let dlat = radius_m * BOX_MARGIN / M_PER_DEG_LAT;
        // Towards the poles a metre spans more longitude; at the pole itself, all of it.
        let cos = point.0.to_radians().cos().max(1e-9);
        let dlon = (dlat / cos).min(360.0);
        let envelope = AABB::from_corners(
            [point.1 - dlon, point.0 - dlat],
            [point.1 + dlon, point.0 + dlat],
        );
        self.tree
            .locate_in_envelope(envelope)
            .map(|p| p.data)
            .collect()
    }

    /// The longest range of an indexed camera, metres.
    pub fn max_range_m(&self) -> f64 {
        self.max_range_m
    }
}

/// What is asked: a point, a moment or a window, and how far to look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LookupQuery {
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// The incident's window, unix seconds (equal for a moment).
    pub from_unix_s: i64,
    pub to_unix_s: i64,
    /// Only cameras this close, metres; `None`: every camera whose own range reaches the point.
    pub radius_m: Option<f64>,
    /// When the lookup is made (for "footage already overwritten").
    pub now_unix_s: i64,
}

/// One camera that could have seen the point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LookupRow {
    pub camera_id: CameraId,
    pub camera_label: String,
    pub site_id: SiteId,
    pub site_name_en: String,
    pub site_name_hi: String,
    pub owner_category: OwnerCategory,
    /// Owner or contact person the police call.
    pub contact_person: String,
    pub phone: String,
    /// Integrated cameras can be viewed at the ICCC now; others need the owner.
    pub stage: IntegrationStage,
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// Facing, angle of view and range as recorded (for drawing the cone).
    pub bearing_deg: Option<f64>,
    pub fov_deg: Option<f64>,
    pub check: ConeCheck,
    pub health: HealthAt,
    pub recorder_retention_days: u32,
    pub footage: Footage,
}

/// The cameras that see the point, then those that may (facing not recorded), each nearest first. Health is
/// "not probed" until [`with_health`] fills it from the stored history.
pub fn look_up(
    snapshot: &RegistrySnapshot,
    index: &LookupIndex,
    query: &LookupQuery,
) -> Vec<LookupRow> {
    let point = (query.lat_deg, query.lon_deg);
    let search_m = match query.radius_m {
        Some(r) if r.is_finite() && r >= 0.0 => r.min(index.max_range_m()),
        _ => index.max_range_m(),
    };
    let mut hits: Vec<(u32, ConeCheck)> = index
        .candidates(point, search_m)
        .into_iter()
        .filter_map(|pos| {
            let record = snapshot.cameras.get(pos as usize)?;
            let check = check_view(&record.camera, point);
            let within_radius = query
                .radius_m
                .is_none_or(|r| check.distance_m <= r + crate::model::lookup::RANGE_EDGE_SLACK_M);
            (check.view.is_listed() && within_radius).then_some((pos, check))
        })
        .collect();
    hits.sort_by(|a, b| {
        let id = |pos: u32| snapshot.cameras.get(pos as usize).map_or(0, |c| c.id);
        by_rank((&a.1, id(a.0)), (&b.1, id(b.0)))
    });
    hits.into_iter()
        .filter_map(|(pos, check)| row(snapshot, pos, check, query))
        .collect()
}

fn row(
    snapshot: &RegistrySnapshot,
    pos: u32,
    check: ConeCheck,
    query: &LookupQuery,
) -> Option<LookupRow> {
    let record = snapshot.cameras.get(pos as usize)?;
    // Sites are sorted by id (the snapshot reads them so).
    let site = snapshot
        .sites
        .binary_search_by_key(&record.site_id, |s| s.id)
        .ok()
        .and_then(|i| snapshot.sites.get(i))?;
    let days = site.site.recorder_retention_days;
    let c = &record.camera;
    Some(LookupRow {
        camera_id: record.id,
        camera_label: c.label.clone(),
        site_id: site.id,
        site_name_en: site.site.name_en.clone(),
        site_name_hi: site.site.name_hi.clone(),
        owner_category: site.site.owner_category,
        contact_person: site.site.contact_person.clone(),
        phone: site.site.phone.clone(),
        stage: record.stage,
        lat_deg: c.lat_deg,
        lon_deg: c.lon_deg,
        bearing_deg: c.bearing_deg,
        fov_deg: c.fov_deg,
        check,
        health: HealthAt::NotProbed,
        recorder_retention_days: days,
        footage: footage_fate(
            query.from_unix_s.min(query.to_unix_s),
            days,
            query.now_unix_s,
        ),
    })
}

/// Fills each row's health at the query's time from its camera's runs (`runs_of`, e.g. the store's
/// `health_runs_until`); a camera without runs stays "not probed then".
pub fn with_health(
    rows: &mut [LookupRow],
    query: &LookupQuery,
    runs_of: &std::collections::HashMap<CameraId, Vec<HealthRun>>,
) {
    for row in rows {
        row.health = runs_of
            .get(&row.camera_id)
            .map_or(HealthAt::NotProbed, |runs| {
                health_at(runs, query.from_unix_s, query.to_unix_s)
            });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::geo::destination;
    use crate::model::{AreaWatched, Camera, PasswordState, Site};
    use crate::store::{CameraRecord, SiteRecord};

    const POINT: (f64, f64) = (25.4486, 78.5697);

    fn camera(id: i64, from_deg: f64, d_m: f64, facing: Option<f64>) -> CameraRecord {
        let (lat, lon) = destination(POINT, from_deg, d_m);
        let mut c = Camera::blank_at(lat, lon);
        c.label = format!("camera {id}");
        c.bearing_deg = facing;
        c.fov_deg = Some(60.0);
        c.range_m = Some(40.0);
        CameraRecord {
            id,
            site_id: 1,
            camera: c,
            stage: IntegrationStage::Integrated,
            blocked_from: None,
            block_reason: None,
            password: PasswordState::None,
            row_version: 1,
            updated_by: Arc::from("test"),
            updated_unix_s: 0,
        }
    }

    fn snapshot(cameras: Vec<CameraRecord>) -> RegistrySnapshot {
        let mut site = Site::blank();
        site.name_en = "Sadar Bazar".into();
        site.recorder_retention_days = 7;
        RegistrySnapshot {
            is_demo: false,
            area: Default::default(),
            sites: vec![SiteRecord {
                id: 1,
                site,
                row_version: 1,
                updated_by: Arc::from("test"),
                updated_unix_s: 0,
            }],
            cameras,
            passwords_to_reenter: 0,
        }
    }

    fn query(radius_m: Option<f64>) -> LookupQuery {
        LookupQuery {
            lat_deg: POINT.0,
            lon_deg: POINT.1,
            from_unix_s: 1_796_000_000,
            to_unix_s: 1_796_000_000,
            radius_m,
            now_unix_s: 1_796_000_000 + 86_400,
        }
    }

    #[test]
    fn sees_first_then_may_see_nearest_first_and_the_rest_left_out() {
        let mut private = camera(6, 0.0, 5.0, Some(180.0));
        private.camera.area_watched = AreaWatched::Room;
        let snap = snapshot(vec![
            camera(1, 0.0, 30.0, Some(180.0)), // sees, 30 m
            camera(2, 90.0, 10.0, None),       // may see, 10 m
            camera(3, 180.0, 20.0, Some(0.0)), // sees, 20 m
            camera(4, 0.0, 20.0, Some(0.0)),   // faces away
            camera(5, 0.0, 45.0, Some(180.0)), // beyond its 40 m
            private,
        ]);
        let index = LookupIndex::build(&snap);
        let rows = look_up(&snap, &index, &query(None));
        let ids: Vec<_> = rows.iter().map(|r| r.camera_id).collect();
        assert_eq!(ids, [3, 1, 2]);
        assert_eq!(rows[0].recorder_retention_days, 7);
        assert!(matches!(rows[0].footage, Footage::Kept { .. }));
        // A radius of 25 m leaves the camera 30 m away out.
        let ids: Vec<_> = look_up(&snap, &index, &query(Some(25.0)))
            .iter()
            .map(|r| r.camera_id)
            .collect();
        assert_eq!(ids, [3, 2]);
    }

    #[test]
    fn the_index_finds_the_same_cameras_as_testing_all_of_them() {
        let cams: Vec<CameraRecord> = (0..400)
            .map(|i| {
                let mut c = camera(
                    i,
                    f64::from(i as i32 * 37 % 360),
                    f64::from(i as i32 % 90),
                    Some(f64::from(i as i32 * 53 % 360)),
                );
                c.camera.range_m = Some(f64::from(10 + i as i32 % 60));
                c
            })
            .collect();
        let snap = snapshot(cams);
        let index = LookupIndex::build(&snap);
        let rows = look_up(&snap, &index, &query(None));
        let mut all: Vec<(ConeCheck, i64)> = snap
            .cameras
            .iter()
            .map(|c| (check_view(&c.camera, POINT), c.id))
            .filter(|(ch, _)| ch.view.is_listed())
            .collect();
        all.sort_by(|a, b| by_rank((&a.0, a.1), (&b.0, b.1)));
        let want: Vec<i64> = all.iter().map(|(_, id)| *id).collect();
        let got: Vec<i64> = rows.iter().map(|r| r.camera_id).collect();
        assert!(!want.is_empty());
        assert_eq!(got, want);
    }
}
