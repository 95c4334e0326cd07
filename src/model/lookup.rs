//! Incident lookup: could a camera have seen a point? The view-cone test (position, facing, angle of view,
//! range), the order the police read the answer in (those that see it, then those that may, nearest first), why in
//! words ("32 m, 12° off its axis"), and how long the site's recorder keeps the footage.
//!
//! Distances are great-circle (haversine, [`distance_m`]) and directions the initial great-circle bearing
//! ([`bearing_deg`]), not a local equirectangular approximation: the latter's east–west scale (cos latitude) goes
//! wrong towards the poles, and the exact formula costs nothing here, since the R-tree leaves only the cameras
//! near the point to test.

use std::cmp::Ordering;

use serde::Serialize;

use super::coverage::{DEFAULT_CAMERA_RANGE_M, camera_range_m};
use super::geo::{bearing_deg, distance_m};
use super::{Camera, CameraId};
use crate::i18n::I18n;

/// Slack on the range edge, metres: a point put exactly at the range (by `geo::destination`) reads back a hair
/// farther in floating point; a millimetre is far below any survey's precision.
pub const RANGE_EDGE_SLACK_M: f64 = 0.001;
/// Slack on the cone's edge, degrees, for the same reason.
pub const CONE_EDGE_SLACK_DEG: f64 = 1e-6;
/// Closer than this the camera stands on the point, metres: the direction to it means nothing, and it is seen
/// whichever way the camera faces.
pub const ON_THE_POINT_M: f64 = 0.5;

/// What one camera does for the point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// The point lies in its cone: within range and within its angle of view (edges included).
    Sees,
    /// Within range, but its facing direction (or its angle of view) is not recorded: it may see the point.
    MaySee,
    /// Within range, facing elsewhere.
    FacesAway,
    /// Farther than its range (or a coordinate is not a number).
    OutOfRange,
}

impl View {
    /// Whether the lookup lists the camera.
    pub fn is_listed(self) -> bool {
        matches!(self, Self::Sees | Self::MaySee)
    }
}

/// The cone test of one camera against one point, with what the reason is worded from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConeCheck {
    pub view: View,
    /// From the camera to the point, metres (infinite for a broken coordinate).
    pub distance_m: f64,
    /// Angle between the camera's axis and the direction to the point, degrees 0–180; `None` when the facing is
    /// not recorded or the camera stands on the point.
    pub off_axis_deg: Option<f64>,
    /// Half the angle of view, degrees, where recorded.
    pub half_fov_deg: Option<f64>,
    /// The range the test used, metres.
    pub range_m: f64,
    /// No range recorded: [`DEFAULT_CAMERA_RANGE_M`] was taken.
    pub range_assumed: bool,
}

/// Angle between a camera facing `facing_deg` and the direction `bearing_deg`, degrees 0–180, whichever way
/// round north it is (facing 350°, bearing 5°: 15°).
pub fn off_axis_deg(facing_deg: f64, bearing_deg: f64) -> f64 {
    let d = (bearing_deg - facing_deg).rem_euclid(360.0);
    if d > 180.0 { 360.0 - d } else { d }
}

/// Whether `camera` could see `point` (latitude, longitude in degrees). A camera without a range takes
/// [`DEFAULT_CAMERA_RANGE_M`]; without a facing direction or angle it "may see" whatever is in range.
pub fn check_view(camera: &Camera, point: (f64, f64)) -> ConeCheck {
    let range_m = camera_range_m(camera);
    let at = (camera.lat_deg, camera.lon_deg);
    let facing = camera.bearing_deg.filter(|b| b.is_finite());
    let fov = camera.fov_deg.filter(|f| f.is_finite() && *f > 0.0);
    let mut check = ConeCheck {
        view: View::OutOfRange,
        distance_m: f64::INFINITY,
        off_axis_deg: None,
        half_fov_deg: fov.map(|f| f.min(360.0) / 2.0),
        range_m,
        range_assumed: !camera.range_m.is_some_and(|r| r.is_finite() && r > 0.0),
    };
    // A broken coordinate is nowhere (the haversine would put it somewhere instead).
    if ![at.0, at.1, point.0, point.1].iter().all(|v| v.is_finite()) {
        return check;
    }
    let d = distance_m(at, point);
    check.distance_m = d;
    if d > range_m + RANGE_EDGE_SLACK_M {
        return check;
    }
    if d < ON_THE_POINT_M {
        check.view = View::Sees;
        return check;
    }
    let Some(facing) = facing else {
        check.view = View::MaySee;
        return check;
    };
    let off = off_axis_deg(facing, bearing_deg(at, point));
    check.off_axis_deg = Some(off);
    check.view = match check.half_fov_deg {
        None => View::MaySee,
        Some(half) if off <= half + CONE_EDGE_SLACK_DEG => View::Sees,
        Some(_) => View::FacesAway,
    };
    check
}

/// The lookup's order: cameras that see the point, then those that may, each nearest first (ties by camera id).
pub fn by_rank(a: (&ConeCheck, CameraId), b: (&ConeCheck, CameraId)) -> Ordering {
    a.0.view
        .cmp(&b.0.view)
        .then(a.0.distance_m.total_cmp(&b.0.distance_m))
        .then(a.1.cmp(&b.1))
}

fn whole(v: f64) -> String {
    format!("{:.0}", v.max(0.0))
}

impl ConeCheck {
    /// Why the camera is (or is not) listed, in words: "32 m, 12° off its axis".
    pub fn reason(&self, i18n: &I18n) -> String {
        let distance = whole(self.distance_m);
        let off = self.off_axis_deg.map(whole).unwrap_or_default();
        let (key, args): (&str, Vec<(&str, String)>) = match self.view {
            View::Sees if self.distance_m < ON_THE_POINT_M => {
                ("lookup-reason-on-the-point", vec![])
            }
            View::Sees if self.half_fov_deg.is_some_and(|h| h >= 180.0) => {
                ("lookup-reason-all-around", vec![("distance", distance)])
            }
            View::Sees => (
                "lookup-reason-sees",
                vec![("distance", distance), ("off", off)],
            ),
            View::MaySee if self.off_axis_deg.is_some() => (
                "lookup-reason-angle-unknown",
                vec![("distance", distance), ("off", off)],
            ),
            View::MaySee => (
                "lookup-reason-direction-unknown",
                vec![("distance", distance)],
            ),
            View::FacesAway => (
                "lookup-reason-faces-away",
                vec![
                    ("distance", distance),
                    ("off", off),
                    ("half", self.half_fov_deg.map(whole).unwrap_or_default()),
                ],
            ),
            View::OutOfRange => (
                "lookup-reason-out-of-range",
                vec![("distance", distance), ("range", whole(self.range_m))],
            ),
        };
        let text = i18n.tr_args(key, &args);
        if self.range_assumed && self.view != View::OutOfRange {
            let note = i18n.tr_args(
                "lookup-reason-range-assumed",
                &[("range", whole(DEFAULT_CAMERA_RANGE_M))],
            );
            format!("{text} {note}")
        } else {
            text
        }
    }
}

/// Seconds in a day, for the recorder's retention.
const DAY_S: i64 = 86_400;

/// What became of the footage of a moment on a recorder that keeps `retention_days` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Footage {
    /// Still on the recorder; overwritten from `overwritten_unix_s`.
    Kept { overwritten_unix_s: i64 },
    /// Already overwritten, since `overwritten_unix_s`.
    Overwritten { overwritten_unix_s: i64 },
}

/// The fate of the footage from `footage_unix_s` (a window's start: the oldest is overwritten first) on a
/// recorder keeping `retention_days` days, seen at `now_unix_s`.
pub fn footage_fate(footage_unix_s: i64, retention_days: u32, now_unix_s: i64) -> Footage {
    let overwritten_unix_s =
        footage_unix_s.saturating_add(i64::from(retention_days).saturating_mul(DAY_S));
    if now_unix_s >= overwritten_unix_s {
        Footage::Overwritten { overwritten_unix_s }
    } else {
        Footage::Kept { overwritten_unix_s }
    }
}

impl Footage {
    /// "kept until 2027-01-06 21:40 (30 days on the recorder)", or "already overwritten on …".
    pub fn words(&self, retention_days: u32, i18n: &I18n) -> String {
        let (key, at) = match *self {
            Self::Kept { overwritten_unix_s } => ("lookup-footage-kept", overwritten_unix_s),
            Self::Overwritten { overwritten_unix_s } => ("lookup-footage-gone", overwritten_unix_s),
        };
        i18n.tr_args(
            key,
            &[
                ("date", super::ist_datetime(at)),
                ("days", retention_days.to_string()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::i18n::Lang;
    use crate::model::geo::destination;

    const CROSSING: (f64, f64) = (25.4486, 78.5697);

    /// A camera `distance_m` from the crossing, standing towards `from_deg` of it, facing `facing_deg`.
    fn camera_near(
        from_deg: f64,
        distance_m: f64,
        facing_deg: Option<f64>,
        fov_deg: Option<f64>,
        range_m: Option<f64>,
    ) -> Camera {
        let (lat, lon) = destination(CROSSING, from_deg, distance_m);
        let mut c = Camera::blank_at(lat, lon);
        c.bearing_deg = facing_deg;
        c.fov_deg = fov_deg;
        c.range_m = range_m;
        c
    }

    #[test]
    fn a_cone_across_north_covers_five_degrees() {
        // Facing 350°, 40° wide: 330° to 10°. The point lies due 5° from the camera.
        let c = camera_near(185.0, 20.0, Some(350.0), Some(40.0), Some(50.0));
        let check = check_view(&c, CROSSING);
        assert_eq!(check.view, View::Sees);
        assert!(
            (check.off_axis_deg.unwrap() - 15.0).abs() < 0.01,
            "{check:?}"
        );
        // 15° past the cone's edge on the other side is not seen.
        let c = camera_near(145.0, 20.0, Some(350.0), Some(40.0), Some(50.0));
        assert_eq!(check_view(&c, CROSSING).view, View::FacesAway);
        assert_eq!(off_axis_deg(350.0, 5.0), 15.0);
        assert_eq!(off_axis_deg(5.0, 350.0), 15.0);
        assert_eq!(off_axis_deg(0.0, 180.0), 180.0);
    }

    #[test]
    fn the_range_edge_and_the_cone_edge_are_inside() {
        // Exactly at the range, straight ahead.
        let c = camera_near(0.0, 30.0, Some(180.0), Some(60.0), Some(30.0));
        assert_eq!(check_view(&c, CROSSING).view, View::Sees);
        let c = camera_near(0.0, 30.5, Some(180.0), Some(60.0), Some(30.0));
        assert_eq!(check_view(&c, CROSSING).view, View::OutOfRange);
        // The point 30° off the axis of a 60° cone: on its edge, seen; 31° is not.
        let c = camera_near(0.0, 10.0, Some(150.0), Some(60.0), Some(30.0));
        assert_eq!(check_view(&c, CROSSING).view, View::Sees);
        let c = camera_near(0.0, 10.0, Some(149.0), Some(60.0), Some(30.0));
        assert_eq!(check_view(&c, CROSSING).view, View::FacesAway);
    }

    #[test]
    fn an_unknown_direction_may_see_within_range_only() {
        let c = camera_near(90.0, 25.0, None, Some(60.0), Some(40.0));
        let check = check_view(&c, CROSSING);
        assert_eq!((check.view, check.off_axis_deg), (View::MaySee, None));
        let c = camera_near(90.0, 45.0, None, None, Some(40.0));
        assert_eq!(check_view(&c, CROSSING).view, View::OutOfRange);
        // Facing known, angle not: may see, and how far off the axis it is is still said.
        let c = camera_near(90.0, 25.0, Some(270.0), None, Some(40.0));
        let check = check_view(&c, CROSSING);
        assert_eq!(check.view, View::MaySee);
        assert!(check.off_axis_deg.unwrap() < 0.01);
        // No range: the coverage default.
        let c = camera_near(90.0, DEFAULT_CAMERA_RANGE_M - 1.0, None, None, None);
        let check = check_view(&c, CROSSING);
        assert!(
            check.range_assumed && check.view == View::MaySee,
            "{check:?}"
        );
    }

    #[test]
    fn standing_on_the_point_or_seeing_all_around() {
        let mut c = Camera::blank_at(CROSSING.0, CROSSING.1);
        c.bearing_deg = Some(0.0);
        c.fov_deg = Some(10.0);
        assert_eq!(check_view(&c, CROSSING).view, View::Sees);
        let c = camera_near(0.0, 20.0, Some(0.0), Some(360.0), Some(30.0));
        assert_eq!(check_view(&c, CROSSING).view, View::Sees);
        let mut c = Camera::blank_at(f64::NAN, CROSSING.1);
        c.range_m = Some(1e9);
        assert_eq!(check_view(&c, CROSSING).view, View::OutOfRange);
    }

    #[test]
    fn poles_and_equator_are_sane() {
        for place in [
            (0.0, 0.0),
            (0.0, 179.9999),
            (-0.00001, -30.0),
            (89.9999, 10.0),
            (-89.9999, 0.0),
        ] {
            for from in [0.0, 90.0, 180.0, 270.0] {
                let (lat, lon) = destination(place, from, 20.0);
                let mut c = Camera::blank_at(lat, lon);
                c.bearing_deg = Some((from + 180.0) % 360.0);
                c.fov_deg = Some(30.0);
                c.range_m = Some(25.0);
                let check = check_view(&c, place);
                assert!(
                    (check.distance_m - 20.0).abs() < 0.01,
                    "{place:?} {from}: {check:?}"
                );
                assert!(
                    check
                        .off_axis_deg
                        .is_some_and(|o| (0.0..=180.0).contains(&o))
                );
                if place.0.abs() < 1.0 {
                    // Away from the poles a camera facing back at the point sees it.
                    assert_eq!(check.view, View::Sees, "{place:?} {from}: {check:?}");
                }
            }
        }
        // At the pole itself nothing is NaN, whichever way the camera faces.
        let mut c = Camera::blank_at(90.0, 0.0);
        c.bearing_deg = Some(123.0);
        c.fov_deg = Some(30.0);
        c.range_m = Some(5_000.0);
        let check = check_view(&c, (89.99, 45.0));
        assert!(check.distance_m.is_finite() && check.off_axis_deg.is_some_and(f64::is_finite));
    }

    #[test]
    fn ranked_seen_then_maybe_then_nearest() {
        let seen_far = camera_near(0.0, 40.0, Some(180.0), Some(60.0), Some(50.0));
        let seen_near = camera_near(0.0, 10.0, Some(180.0), Some(60.0), Some(50.0));
        let maybe_nearest = camera_near(0.0, 5.0, None, None, Some(50.0));
        let mut list = [(1, seen_far), (2, maybe_nearest), (3, seen_near)]
            .map(|(id, c)| (check_view(&c, CROSSING), id));
        list.sort_by(|a, b| by_rank((&a.0, a.1), (&b.0, b.1)));
        assert_eq!(list.map(|(_, id)| id), [3, 1, 2]);
    }

    #[test]
    fn reasons_in_english_and_hindi() {
        // 32 m from the point, facing 12° off the direction to it.
        let c = camera_near(0.0, 32.0, Some(192.0), Some(60.0), Some(50.0));
        let check = check_view(&c, CROSSING);
        let en = I18n::new(Lang::En);
        assert_eq!(check.reason(&en), "32 m, 12° off its axis");
        let hi = check.reason(&I18n::new(Lang::Hi));
        assert!(
            hi.contains("32") && hi.contains("12") && hi != "lookup-reason-sees",
            "{hi}"
        );
        let unknown = check_view(&camera_near(0.0, 20.0, None, None, None), CROSSING);
        assert_eq!(
            unknown.reason(&en),
            "20 m, direction not recorded (range not recorded: 30 m taken)"
        );
        for view_case in [
            camera_near(0.0, 20.0, Some(0.0), Some(60.0), Some(30.0)),
            camera_near(0.0, 40.0, Some(180.0), Some(60.0), Some(30.0)),
            camera_near(0.0, 20.0, Some(180.0), None, Some(30.0)),
            camera_near(0.0, 20.0, Some(180.0), Some(360.0), Some(30.0)),
            camera_near(0.0, 0.0, Some(180.0), Some(60.0), Some(30.0)),
        ] {
            let check = check_view(&view_case, CROSSING);
            for lang in [Lang::En, Lang::Hi] {
                let words = check.reason(&I18n::new(lang));
                assert!(
                    !words.contains("lookup-") && !words.contains('{'),
                    "{words}"
                );
            }
        }
    }

    #[test]
    fn footage_is_kept_for_the_retention_days_then_gone() {
        let at = 1_796_000_000;
        assert_eq!(
            footage_fate(at, 30, at + 29 * DAY_S),
            Footage::Kept {
                overwritten_unix_s: at + 30 * DAY_S
            }
        );
        assert_eq!(
            footage_fate(at, 7, at + 7 * DAY_S),
            Footage::Overwritten {
                overwritten_unix_s: at + 7 * DAY_S
            }
        );
        let en = I18n::new(Lang::En);
        // 1_796_000_000 is 2026-11-30 06:23 IST.
        assert_eq!(
            footage_fate(at, 30, at).words(30, &en),
            "footage kept until 2026-12-30 06:23 (30 days on the recorder)"
        );
        assert_eq!(
            footage_fate(at, 7, at + 8 * DAY_S).words(7, &en),
            "footage already overwritten on 2026-12-07 06:23 (7 days on the recorder)"
        );
    }

    proptest! {
        /// The angle off the axis is the same whichever of the two directions is called the facing, lies in
        /// 0–180, and does not change when either turns a whole circle.
        #[test]
        fn off_axis_is_symmetric_and_wraps(f in -720.0f64..720.0, b in -720.0f64..720.0, k in -3i32..3) {
            let off = off_axis_deg(f, b);
            prop_assert!((0.0..=180.0).contains(&off));
            prop_assert!((off - off_axis_deg(b, f)).abs() < 1e-9);
            prop_assert!((off - off_axis_deg(f + 360.0 * f64::from(k), b)).abs() < 1e-6);
            prop_assert!((off - off_axis_deg(f, b - 360.0 * f64::from(k))).abs() < 1e-6);
        }

        /// Turning the whole scene (the camera's place around the point and its facing) keeps the answer; a
        /// facing given as -10° is 350°; a point in range is never out of range whichever way the camera faces.
        #[test]
        fn the_cone_turns_with_the_scene(
            from in 0.0f64..360.0, turn in 0.0f64..360.0, d in 1.0f64..80.0,
            facing_off in -180.0f64..180.0, fov in 1.0f64..359.0,
        ) {
            let facing = (from + 180.0 + facing_off).rem_euclid(360.0);
            let a = camera_near(from, d, Some(facing), Some(fov), Some(50.0));
            let b = camera_near(from + turn, d, Some((facing + turn).rem_euclid(360.0)), Some(fov), Some(50.0));
            let wrapped = camera_near(from, d, Some(facing - 360.0), Some(fov), Some(50.0));
            let (va, vb, vw) = (check_view(&a, CROSSING), check_view(&b, CROSSING), check_view(&wrapped, CROSSING));
            // Away from the cone's edge (bearings move by hundredths of a degree over a turn) the view is the same.
            if (facing_off.abs() - fov / 2.0).abs() > 0.1 {
                prop_assert_eq!(va.view, vb.view);
                prop_assert_eq!(va.view, vw.view);
                let expect = if d > 50.0 { View::OutOfRange }
                    else if facing_off.abs() <= fov / 2.0 { View::Sees } else { View::FacesAway };
                prop_assert_eq!(va.view, expect);
            }
            let unknown = camera_near(from, d, None, Some(fov), Some(50.0));
            prop_assert_eq!(check_view(&unknown, CROSSING).view, if d > 50.0 { View::OutOfRange } else { View::MaySee });
        }
    }
}
