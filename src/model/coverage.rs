//! Coverage of priority places: when a camera "sees" a black spot, toll plaza, jail or priority public place, why
//! a place is a gap, and the report the supervisor reads (gaps with cameras that could close them, per-ward
//! figures).
//!
//! The rule every computation shares (the indexed one and the all-pairs reference in `services::review::coverage`):
//!
//! * A camera **reaches** a place when the great-circle distance from the camera to the place's centre is at most
//!   the camera's range plus the place's radius. A camera without a usable range counts
//!   [`DEFAULT_CAMERA_RANGE_M`]; a place without a radius takes its priority's default radius.
//! * A camera **sees** a place when it reaches it and, where both its facing direction and its field-of-view
//!   angle are known, the bearing from the camera to the place's centre lies within the field of view. A camera
//!   standing inside the place (distance at most the radius) sees it whichever way it faces. A camera whose
//!   direction or angle is unknown is taken to see all around, within its range.
//! * Private-area cameras (rooms, wards, classrooms, cabins) never count, and neither do rejected cameras: they
//!   can never be integrated, so they neither cover a place nor are proposed to close a gap.
//! * A place is **covered** when at least one integrated camera that was online within the window sees it.

use serde::Serialize;

use super::geo::{bearing_deg, distance_m, within_fov};
use super::{Camera, CameraId, HealthState, IntegrationStage, OwnerCategory, Priority, SiteId};

/// Range a camera is taken to have when the survey did not record one, metres: a typical fixed bullet or dome
/// camera recognises a person at about this distance.
pub const DEFAULT_CAMERA_RANGE_M: f64 = 30.0;
/// Cameras not yet integrated within this distance of a gap's centre are proposed to close it, metres: a short
/// walk for the survey team, and about as far as an owner's camera could still be re-aimed at the spot.
pub const CANDIDATE_RADIUS_M: f64 = 500.0;
/// Candidates listed per gap, nearest first.
pub const MAX_CANDIDATES: usize = 5;
/// Default "online within" window: a camera that answered a probe in the last 24 hours still counts.
pub const DEFAULT_WINDOW_S: i64 = 24 * 3600;

/// Why a priority place is not covered, from the closest to covered to the farthest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapReason {
    /// No usable camera (integrated or not) reaches the place: a camera must be installed or found.
    NoCameraNear,
    /// Cameras reach the place but none is integrated: integrate one of the candidates.
    NearButNotIntegrated,
    /// An integrated camera sees the place but none was online within the window: get it working again.
    IntegratedButOffline,
    /// Integrated cameras reach the place but all face elsewhere: re-aim one.
    PointedAway,
}

impl GapReason {
    pub const ALL: [GapReason; 4] = [
        Self::NoCameraNear,
        Self::NearButNotIntegrated,
        Self::IntegratedButOffline,
        Self::PointedAway,
    ];

    /// Stable code used in exports.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoCameraNear => "no_camera_near",
            Self::NearButNotIntegrated => "near_but_not_integrated",
            Self::IntegratedButOffline => "integrated_but_offline",
            Self::PointedAway => "pointed_away",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Key of the reason's text in the i18n catalogue.
    pub fn i18n_key(self) -> String {
        format!("coverage-gap-{}", self.code().replace('_', "-"))
    }
}

/// A camera not yet integrated near a gap: integrating it is cheaper than installing a new one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub camera_id: CameraId,
    pub camera_label: String,
    pub site_id: SiteId,
    pub site_name_en: String,
    pub site_name_hi: String,
    pub owner_category: OwnerCategory,
    /// Owner or contact person the ICCC calls.
    pub contact_person: String,
    pub phone: String,
    /// From the camera to the place's centre, metres.
    pub distance_m: f64,
    pub stage: IntegrationStage,
}

/// A priority place without a working camera on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageGap {
    pub site_id: SiteId,
    pub name_en: String,
    pub name_hi: String,
    pub priority: Priority,
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// Radius that must be watched, metres (the site's own, or the priority's default).
    pub radius_m: f64,
    pub reason: GapReason,
    /// Nearest usable cameras not yet integrated within [`CANDIDATE_RADIUS_M`], nearest first (ties by camera
    /// id), at most [`MAX_CANDIDATES`].
    pub candidates: Vec<Candidate>,
}

/// The figures of one ward.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WardCoverage {
    pub name: String,
    pub code: String,
    /// Cameras of the registry standing in the ward, whatever their stage or area.
    pub cameras: usize,
    /// Of those, integrated.
    pub integrated: usize,
    /// Of the integrated, online within the window.
    pub online: usize,
    /// Priority places whose centre lies in the ward.
    pub priority_places: usize,
    /// Of those, not covered.
    pub gaps: usize,
    pub area_km2: f64,
    /// `cameras / area_km2`; 0 for a ward without area.
    pub cameras_per_km2: f64,
}

/// Coverage of all priority places at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    /// Priority places in the registry.
    pub places: usize,
    /// Of those, covered.
    pub covered: usize,
    /// The uncovered places, by priority kind, then English name, then site id.
    pub gaps: Vec<CoverageGap>,
    /// One entry per ward given, by name, then code.
    pub wards: Vec<WardCoverage>,
    /// The "now" the online window was measured from, unix seconds.
    pub computed_for_unix_s: i64,
}

/// What one camera does for one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sight {
    /// Farther than its range plus the place's radius.
    OutOfReach,
    /// Within reach, but the place is outside its field of view.
    PointedAway,
    /// Within reach and in view.
    Sees,
}

/// The range a camera counts with, metres: its own when usable, else [`DEFAULT_CAMERA_RANGE_M`].
pub fn camera_range_m(camera: &Camera) -> f64 {
    match camera.range_m {
        Some(r) if r.is_finite() && r > 0.0 => r,
        _ => DEFAULT_CAMERA_RANGE_M,
    }
}

/// The radius a priority place needs watched, metres: the site's own when usable, else the priority's default
/// (0 for a site that is no priority place).
pub fn place_radius_m(priority: Priority, radius_m: Option<f64>) -> f64 {
    match radius_m {
        Some(r) if r.is_finite() && r >= 0.0 => r,
        _ => priority.default_radius_m().unwrap_or(0.0),
    }
}

/// Whether a camera may ever count for coverage or be proposed: common area and not rejected.
pub fn is_usable(camera: &Camera, stage: IntegrationStage) -> bool {
    camera.area_watched.is_common() && stage != IntegrationStage::Rejected
}

/// Whether a camera counts as working: online at its last probe, or online at some probe within `window_s`
/// before `now_unix_s`.
pub fn is_online_within(
    state: HealthState,
    last_online_unix_s: Option<i64>,
    now_unix_s: i64,
    window_s: i64,
) -> bool {
    state == HealthState::Online
        || last_online_unix_s.is_some_and(|t| t >= now_unix_s.saturating_sub(window_s))
}

/// What `camera` does for a place centred at `place` (lat, lon degrees) with `radius_m` (see the module's rule).
pub fn sight(camera: &Camera, place: (f64, f64), radius_m: f64) -> Sight {
    let at = (camera.lat_deg, camera.lon_deg);
    // A broken coordinate is nowhere (the haversine would put it at the antipode instead).
    if ![at.0, at.1, place.0, place.1].iter().all(|v| v.is_finite()) {
        return Sight::OutOfReach;
    }
    let reach_m = camera_range_m(camera) + radius_m;
    let d = distance_m(at, place);
    // A NaN reach (a NaN radius handed in) reaches nothing.
    if d > reach_m || reach_m.is_nan() {
        return Sight::OutOfReach;
    }
    if d <= radius_m {
        // Standing inside the place: it sees part of it whichever way it faces.
        return Sight::Sees;
    }
    match (camera.bearing_deg, camera.fov_deg) {
        (Some(facing), Some(fov)) if facing.is_finite() && fov.is_finite() && fov < 360.0 => {
            if within_fov(facing, fov, bearing_deg(at, place)) {
                Sight::Sees
            } else {
                Sight::PointedAway
            }
        }
        _ => Sight::Sees,
    }
}

/// What the cameras around one place add up to, folded one camera at a time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlaceTally {
    /// An integrated camera online within the window sees it.
    pub covered: bool,
    /// An integrated camera sees it (online or not).
    pub integrated_sees: bool,
    /// An integrated camera reaches it (whichever way it faces).
    pub integrated_reaches: bool,
    /// A usable camera not integrated reaches it.
    pub other_reaches: bool,
}

impl PlaceTally {
    /// Adds one usable camera (see [`is_usable`]) and what it does for the place.
    pub fn add(&mut self, sight: Sight, is_integrated: bool, is_online: bool) {
        if sight == Sight::OutOfReach {
            return;
        }
        if is_integrated {
            self.integrated_reaches = true;
            if sight == Sight::Sees {
                self.integrated_sees = true;
                self.covered |= is_online;
            }
        } else {
            self.other_reaches = true;
        }
    }

    /// Why the place is a gap, or `None` when it is covered. The order says what to do first: a camera already
    /// integrated and seeing it needs only to work again; one integrated nearby needs only re-aiming; a camera
    /// nearby needs integrating; otherwise one must be installed.
    pub fn gap_reason(&self) -> Option<GapReason> {
        if self.covered {
            None
        } else if self.integrated_sees {
            Some(GapReason::IntegratedButOffline)
        } else if self.integrated_reaches {
            Some(GapReason::PointedAway)
        } else if self.other_reaches {
            Some(GapReason::NearButNotIntegrated)
        } else {
            Some(GapReason::NoCameraNear)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::geo::destination;

    const SPOT: (f64, f64) = (25.4486, 78.5697);

    /// A camera `d` metres from the spot on bearing `from_deg` (from the spot), facing `facing`.
    fn camera(from_deg: f64, d: f64, facing: Option<f64>, fov: Option<f64>) -> Camera {
        let (lat, lon) = destination(SPOT, from_deg, d);
        let mut c = Camera::blank_at(lat, lon);
        c.bearing_deg = facing;
        c.fov_deg = fov;
        c.range_m = Some(40.0);
        c
    }

    #[test]
    fn reasons_have_codes_and_keys() {
        for r in GapReason::ALL {
            assert_eq!(GapReason::from_code(r.code()), Some(r));
        }
        assert_eq!(
            GapReason::NearButNotIntegrated.i18n_key(),
            "coverage-gap-near-but-not-integrated"
        );
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Hi] {
            let i18n = crate::i18n::I18n::new(lang);
            for r in GapReason::ALL {
                assert_ne!(i18n.tr(&r.i18n_key()), r.i18n_key(), "{lang:?}");
            }
        }
    }

    #[test]
    fn a_camera_sees_what_is_in_range_and_in_view() {
        // 60 m south of the spot, facing north: 60 ≤ 40 + 50.
        assert_eq!(
            sight(&camera(180.0, 60.0, Some(0.0), Some(60.0)), SPOT, 50.0),
            Sight::Sees
        );
        // The same camera facing south: the spot is behind it.
        assert_eq!(
            sight(&camera(180.0, 60.0, Some(180.0), Some(60.0)), SPOT, 50.0),
            Sight::PointedAway
        );
        // Too far: 100 > 40 + 50.
        assert_eq!(
            sight(&camera(180.0, 100.0, Some(0.0), Some(60.0)), SPOT, 50.0),
            Sight::OutOfReach
        );
        // Direction unknown: sees all around within its range.
        assert_eq!(
            sight(&camera(180.0, 60.0, None, Some(60.0)), SPOT, 50.0),
            Sight::Sees
        );
        // Inside the place, facing away: still sees part of it.
        assert_eq!(
            sight(&camera(180.0, 30.0, Some(180.0), Some(60.0)), SPOT, 50.0),
            Sight::Sees
        );
        // Range unknown: the default 30 m; 60 > 30 + 20.
        let mut c = camera(180.0, 60.0, Some(0.0), Some(60.0));
        c.range_m = None;
        assert_eq!(sight(&c, SPOT, 20.0), Sight::OutOfReach);
        assert_eq!(sight(&c, SPOT, 30.0), Sight::Sees);
        // A broken coordinate is never in reach.
        c.lat_deg = f64::NAN;
        assert_eq!(sight(&c, SPOT, 1e9), Sight::OutOfReach);
    }

    #[test]
    fn tally_orders_reasons_from_closest_to_covered() {
        let mut t = PlaceTally::default();
        assert_eq!(t.gap_reason(), Some(GapReason::NoCameraNear));
        t.add(Sight::OutOfReach, true, true);
        assert_eq!(t.gap_reason(), Some(GapReason::NoCameraNear));
        t.add(Sight::Sees, false, true);
        assert_eq!(t.gap_reason(), Some(GapReason::NearButNotIntegrated));
        t.add(Sight::PointedAway, true, true);
        assert_eq!(t.gap_reason(), Some(GapReason::PointedAway));
        t.add(Sight::Sees, true, false);
        assert_eq!(t.gap_reason(), Some(GapReason::IntegratedButOffline));
        t.add(Sight::Sees, true, true);
        assert_eq!(t.gap_reason(), None);
    }

    #[test]
    fn online_within_the_window() {
        let now = 1_000_000;
        assert!(is_online_within(HealthState::Online, None, now, 3600));
        assert!(is_online_within(
            HealthState::Offline,
            Some(now - 3600),
            now,
            3600
        ));
        assert!(!is_online_within(
            HealthState::Offline,
            Some(now - 3601),
            now,
            3600
        ));
        assert!(!is_online_within(HealthState::NotProbed, None, now, 3600));
    }

    #[test]
    fn radii_and_ranges_fall_back_to_defaults() {
        assert_eq!(place_radius_m(Priority::Jail, None), 150.0);
        assert_eq!(place_radius_m(Priority::Jail, Some(f64::NAN)), 150.0);
        assert_eq!(place_radius_m(Priority::BlackSpot, Some(35.0)), 35.0);
        let mut c = Camera::blank_at(SPOT.0, SPOT.1);
        c.range_m = Some(-5.0);
        assert_eq!(camera_range_m(&c), DEFAULT_CAMERA_RANGE_M);
    }
}
