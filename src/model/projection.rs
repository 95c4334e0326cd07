//! Projected metres back to WGS84 longitude/latitude, for boundary layers a GIS cell exported in Web Mercator or
//! UTM with the coordinate system declared.
//!
//! Two projections cover what Indian municipal layers are saved in: Web Mercator (EPSG:3857 and its older codes),
//! whose inverse is closed-form on the sphere, and UTM on WGS84 (EPSG:326NN north, 327NN south), inverted with
//! Krüger's series in the third flattening as Karney gives it ("Transverse Mercator with an accuracy of a few
//! nanometers", J. Geodesy 2011, eqs. 35–36). Terms to n³ are within a millimetre inside a zone, far below a
//! ward boundary's own accuracy. The forward formulas are here too: tests write layers with them.

/// WGS84 semi-major axis, metres (also the sphere of Web Mercator).
pub const WGS84_A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// UTM scale on the central meridian.
const UTM_K0: f64 = 0.9996;
/// UTM false easting, metres.
const UTM_FALSE_EASTING_M: f64 = 500_000.0;
/// UTM false northing in the southern hemisphere, metres.
const UTM_FALSE_NORTHING_SOUTH_M: f64 = 10_000_000.0;

/// A UTM zone on WGS84: its number (1–60) and hemisphere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtmZone {
    pub number: u8,
    pub is_north: bool,
}

impl UtmZone {
    /// The zone of an EPSG code 32601–32660 (north) or 32701–32760 (south).
    pub fn from_epsg(code: u32) -> Option<Self> {
        let (base, is_north) = match code {
            32_601..=32_660 => (32_600, true),
            32_701..=32_760 => (32_700, false),
            _ => return None,
        };
        let number = u8::try_from(code - base).ok()?;
        Some(Self { number, is_north })
    }

    /// "44N", "43S".
    pub fn label(self) -> String {
        format!("{}{}", self.number, if self.is_north { 'N' } else { 'S' })
    }

    fn central_meridian_deg(self) -> f64 {
        f64::from(self.number) * 6.0 - 183.0
    }

    fn false_northing_m(self) -> f64 {
        if self.is_north {
            0.0
        } else {
            UTM_FALSE_NORTHING_SOUTH_M
        }
    }
}

/// A projected coordinate system the desk can read back to longitude/latitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectedCrs {
    /// Spherical ("pseudo") Mercator on the WGS84 semi-major axis.
    WebMercator,
    Utm(UtmZone),
}

impl ProjectedCrs {
    /// (lat_deg, lon_deg) of projected (x, y) metres; `None` where the metres are not a position of the
    /// projection (not finite, beyond the poles, or a UTM easting that does not invert).
    pub fn to_wgs84(self, x_m: f64, y_m: f64) -> Option<(f64, f64)> {
        let (lat, lon) = match self {
            Self::WebMercator => web_mercator_to_wgs84(x_m, y_m),
            Self::Utm(zone) => utm_to_wgs84(zone, x_m, y_m),
        };
        if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
            return None;
        }
        // The series wrap around far outside a zone (a northing of 30 000 km still gives a latitude): a point
        // is a position only when projecting it again gives the metres back.
        if let Self::Utm(zone) = self {
            let (e, n) = wgs84_to_utm(zone, lat, lon);
            if (e - x_m).hypot(n - y_m) > 1.0 {
                return None;
            }
        }
        Some((lat, lon))
    }
}

/// (lat_deg, lon_deg) of Web Mercator (x, y) metres: λ = x/R, φ = atan(sinh(y/R)).
pub fn web_mercator_to_wgs84(x_m: f64, y_m: f64) -> (f64, f64) {
    let lat = (y_m / WGS84_A_M).sinh().atan().to_degrees();
    (lat, (x_m / WGS84_A_M).to_degrees())
}

/// Web Mercator (x, y) metres of (lat_deg, lon_deg): x = Rλ, y = R·ln tan(π/4 + φ/2).
pub fn wgs84_to_web_mercator(lat_deg: f64, lon_deg: f64) -> (f64, f64) {
    let y = (std::f64::consts::FRAC_PI_4 + lat_deg.to_radians() / 2.0)
        .tan()
        .ln();
    (WGS84_A_M * lon_deg.to_radians(), WGS84_A_M * y)
}

/// Krüger's coefficients for WGS84: third flattening n, rectifying radius A, and α (forward), β (inverse),
/// δ (conformal latitude back to geodetic latitude), each to n³.
struct Kruger {
    n: f64,
    a_m: f64,
    alpha: [f64; 3],
    beta: [f64; 3],
    delta: [f64; 3],
}

fn kruger() -> Kruger {
    let n = WGS84_F / (2.0 - WGS84_F);
    let (n2, n3) = (n * n, n * n * n);
    Kruger {
        n,
        a_m: WGS84_A_M / (1.0 + n) * (1.0 + n2 / 4.0 + n2 * n2 / 64.0),
        alpha: [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0,
            61.0 * n3 / 240.0,
        ],
        beta: [
            n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0,
            n2 / 48.0 + n3 / 15.0,
            17.0 * n3 / 480.0,
        ],
        delta: [
            2.0 * n - 2.0 * n2 / 3.0 - 2.0 * n3,
            7.0 * n2 / 3.0 - 8.0 * n3 / 5.0,
            56.0 * n3 / 15.0,
        ],
    }
}

/// (lat_deg, lon_deg) of a UTM easting and northing, metres, in `zone`.
pub fn utm_to_wgs84(zone: UtmZone, easting_m: f64, northing_m: f64) -> (f64, f64) {
    let k = kruger();
    let xi = (northing_m - zone.false_northing_m()) / (UTM_K0 * k.a_m);
    let eta = (easting_m - UTM_FALSE_EASTING_M) / (UTM_K0 * k.a_m);
    let (mut xi_p, mut eta_p) = (xi, eta);
    for (j, beta) in (1..=3).zip(k.beta) {
        let j2 = 2.0 * f64::from(j);
        xi_p -= beta * (j2 * xi).sin() * (j2 * eta).cosh();
        eta_p -= beta * (j2 * xi).cos() * (j2 * eta).sinh();
    }
    let chi = (xi_p.sin() / eta_p.cosh()).asin();
    let mut lat = chi;
    for (j, delta) in (1..=3).zip(k.delta) {
        lat += delta * (2.0 * f64::from(j) * chi).sin();
    }
    let dlon = eta_p.sinh().atan2(xi_p.cos());
    (
        lat.to_degrees(),
        zone.central_meridian_deg() + dlon.to_degrees(),
    )
}

/// UTM (easting, northing) metres of (lat_deg, lon_deg) in `zone` (which need not be the point's own).
pub fn wgs84_to_utm(zone: UtmZone, lat_deg: f64, lon_deg: f64) -> (f64, f64) {
    let k = kruger();
    let (lat, dlon) = (
        lat_deg.to_radians(),
        (lon_deg - zone.central_meridian_deg()).to_radians(),
    );
    let c = 2.0 * k.n.sqrt() / (1.0 + k.n);
    let t = (lat.sin().atanh() - c * (c * lat.sin()).atanh()).sinh();
    let xi_p = t.atan2(dlon.cos());
    let eta_p = (dlon.sin() / (1.0 + t * t).sqrt()).atanh();
    let (mut xi, mut eta) = (xi_p, eta_p);
    for (j, alpha) in (1..=3).zip(k.alpha) {
        let j2 = 2.0 * f64::from(j);
        xi += alpha * (j2 * xi_p).sin() * (j2 * eta_p).cosh();
        eta += alpha * (j2 * xi_p).cos() * (j2 * eta_p).sinh();
    }
    (
        UTM_FALSE_EASTING_M + UTM_K0 * k.a_m * eta,
        zone.false_northing_m() + UTM_K0 * k.a_m * xi,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE_44N: UtmZone = UtmZone {
        number: 44,
        is_north: true,
    };

    /// Ground distance between two nearby points, metres (equirectangular: exact enough below a kilometre).
    fn gap_m(a: (f64, f64), b: (f64, f64)) -> f64 {
        let dlat = (a.0 - b.0).to_radians() * WGS84_A_M;
        let dlon = (a.1 - b.1).to_radians() * WGS84_A_M * a.0.to_radians().cos();
        dlat.hypot(dlon)
    }

    /// Snyder's transverse Mercator forward series (USGS Prof. Paper 1395, eqs. 8-9 and 8-10): a different
    /// method from Krüger's, as an independent reference.
    fn snyder_forward(zone: UtmZone, lat_deg: f64, lon_deg: f64) -> (f64, f64) {
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let ep2 = e2 / (1.0 - e2);
        let (e4, e6) = (e2 * e2, e2 * e2 * e2);
        let phi = lat_deg.to_radians();
        let n = WGS84_A_M / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let t = phi.tan().powi(2);
        let c = ep2 * phi.cos().powi(2);
        let a = (lon_deg - zone.central_meridian_deg()).to_radians() * phi.cos();
        let m = WGS84_A_M
            * ((1.0 - e2 / 4.0 - 3.0 * e4 / 64.0 - 5.0 * e6 / 256.0) * phi
                - (3.0 * e2 / 8.0 + 3.0 * e4 / 32.0 + 45.0 * e6 / 1024.0) * (2.0 * phi).sin()
                + (15.0 * e4 / 256.0 + 45.0 * e6 / 1024.0) * (4.0 * phi).sin()
                - (35.0 * e6 / 3072.0) * (6.0 * phi).sin());
        let x = UTM_K0
            * n
            * (a + (1.0 - t + c) * a.powi(3) / 6.0
                + (5.0 - 18.0 * t + t * t + 72.0 * c - 58.0 * ep2) * a.powi(5) / 120.0);
        let y = UTM_K0
            * (m + n
                * phi.tan()
                * (a * a / 2.0
                    + (5.0 - t + 9.0 * c + 4.0 * c * c) * a.powi(4) / 24.0
                    + (61.0 - 58.0 * t + t * t + 600.0 * c - 330.0 * ep2) * a.powi(6) / 720.0));
        (UTM_FALSE_EASTING_M + x, zone.false_northing_m() + y)
    }

    /// Meridian arc from the equator to `lat_deg`, metres, by Simpson's rule on M(φ) = a(1−e²)/(1−e² sin²φ)^1.5.
    fn meridian_arc_m(lat_deg: f64) -> f64 {
        let e2 = WGS84_F * (2.0 - WGS84_F);
        let steps = 10_000;
        let h = lat_deg.to_radians() / f64::from(steps);
        let m = |phi: f64| WGS84_A_M * (1.0 - e2) / (1.0 - e2 * phi.sin().powi(2)).powf(1.5);
        let sum: f64 = (0..=steps)
            .map(|i| {
                let w = if i == 0 || i == steps {
                    1.0
                } else if i % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                w * m(h * f64::from(i))
            })
            .sum();
        sum * h / 3.0
    }

    #[test]
    fn zones_from_epsg_codes() {
        assert_eq!(UtmZone::from_epsg(32_644), Some(ZONE_44N));
        assert_eq!(
            UtmZone::from_epsg(32_743),
            Some(UtmZone {
                number: 43,
                is_north: false
            })
        );
        assert_eq!(
            UtmZone::from_epsg(32_644).map(UtmZone::label),
            Some("44N".into())
        );
        for code in [32_600, 32_661, 32_700, 32_761, 3857, 4326] {
            assert_eq!(UtmZone::from_epsg(code), None, "{code}");
        }
        assert_eq!(ZONE_44N.central_meridian_deg(), 81.0);
    }

    #[test]
    fn web_mercator_inverts_at_known_points() {
        // The map's corner: x of the antimeridian and y at 85.0511…°, the published extent of EPSG:3857.
        let (lat, lon) = web_mercator_to_wgs84(20_037_508.342_789_244, 20_037_508.342_789_244);
        assert!((lat - 85.051_128_779_806_59).abs() < 1e-9, "{lat}");
        assert!((lon - 180.0).abs() < 1e-9, "{lon}");
        assert_eq!(web_mercator_to_wgs84(0.0, 0.0), (0.0, 0.0));
        // Jhansi railway station and back.
        let jhansi = (25.4484, 78.5685);
        let (x, y) = wgs84_to_web_mercator(jhansi.0, jhansi.1);
        assert!((x - 8_746_205.4).abs() < 1.0, "{x}");
        let back = web_mercator_to_wgs84(x, y);
        assert!(gap_m(back, jhansi) < 0.001, "{back:?}");
        // Southern hemisphere too.
        let back = web_mercator_to_wgs84(
            wgs84_to_web_mercator(-33.9, 18.4).0,
            wgs84_to_web_mercator(-33.9, 18.4).1,
        );
        assert!(gap_m(back, (-33.9, 18.4)) < 0.001, "{back:?}");
    }

    #[test]
    fn utm_matches_published_points_and_the_meridian_arc() {
        // 0° N 0° E lies 3° west of zone 31's central meridian: E 166 021.443 m, N 0 (a standard check value).
        let zone_31n = UtmZone {
            number: 31,
            is_north: true,
        };
        let (e, n) = wgs84_to_utm(zone_31n, 0.0, 0.0);
        assert!((e - 166_021.443).abs() < 0.01 && n.abs() < 0.01, "{e} {n}");
        let (lat, lon) = utm_to_wgs84(zone_31n, 166_021.443_1, 0.0);
        assert!(lat.abs() < 1e-8 && lon.abs() < 1e-8, "{lat} {lon}");
        // On the central meridian the northing is k0 times the meridian arc, integrated here numerically.
        for lat_deg in [10.0, 25.4484, 45.0, 70.0] {
            let northing = UTM_K0 * meridian_arc_m(lat_deg);
            let (e, n) = wgs84_to_utm(ZONE_44N, lat_deg, 81.0);
            assert!(
                (n - northing).abs() < 0.001 && (e - 500_000.0).abs() < 1e-6,
                "{lat_deg}: {n}"
            );
            let (lat, lon) = utm_to_wgs84(ZONE_44N, 500_000.0, northing);
            assert!(
                gap_m((lat, lon), (lat_deg, 81.0)) < 0.001,
                "{lat_deg}: {lat} {lon}"
            );
        }
    }

    #[test]
    fn utm_inverse_agrees_with_snyders_series_across_the_zone() {
        // Jhansi (zone 44N, 2.4° west of its central meridian), the zone's edges, and the south.
        let zone_43s = UtmZone {
            number: 43,
            is_north: false,
        };
        let cases = [
            (ZONE_44N, 25.4484, 78.5685),
            (ZONE_44N, 25.4484, 84.0),
            (ZONE_44N, 8.0, 78.0),
            (ZONE_44N, 35.0, 83.9),
            (zone_43s, -20.0, 73.5),
        ];
        for (zone, lat, lon) in cases {
            let (e, n) = snyder_forward(zone, lat, lon);
            let back = utm_to_wgs84(zone, e, n);
            assert!(
                gap_m(back, (lat, lon)) < 0.05,
                "{lat} {lon} → {e} {n} → {back:?}"
            );
            let (e2, n2) = wgs84_to_utm(zone, lat, lon);
            assert!(
                (e2 - e).hypot(n2 - n) < 0.05,
                "{lat} {lon}: {e2} {n2} vs {e} {n}"
            );
        }
        // Jhansi's UTM coordinates are plausible: 6-digit easting west of 500 km, 7-digit northing.
        let (e, n) = wgs84_to_utm(ZONE_44N, 25.4484, 78.5685);
        assert!(
            (250_000.0..260_000.0).contains(&e) && (2_810_000.0..2_830_000.0).contains(&n),
            "{e} {n}"
        );
    }

    #[test]
    fn projected_crs_refuses_metres_that_are_no_position() {
        let utm = ProjectedCrs::Utm(ZONE_44N);
        assert_eq!(utm.to_wgs84(f64::NAN, 2_800_000.0), None);
        assert_eq!(utm.to_wgs84(500_000.0, 30_000_000.0), None);
        assert_eq!(ProjectedCrs::WebMercator.to_wgs84(f64::INFINITY, 0.0), None);
        assert_eq!(ProjectedCrs::WebMercator.to_wgs84(40_000_000.0, 0.0), None);
        let (lat, lon) = utm.to_wgs84(500_000.0, 0.0).unwrap();
        assert!(lat.abs() < 1e-9 && (lon - 81.0).abs() < 1e-9);
    }
}
