//! Areas on the site map: municipal wards and police-station (thana) jurisdictions, as polygons.
//!
//! The map shades them and counts cameras per area, so the questions here are geometric: is a point inside an
//! area (holes excluded), where does its name go, how large is it on the ground. The maths is written out here
//! rather than taken from the `geo` crate: each operation is a short textbook algorithm (crossing number,
//! Chamberlain–Duquette spherical area, a scan-line interior point), city-sized areas need nothing more, and the
//! tests below pin each one against known answers.

use serde::{Deserialize, Serialize};

use super::geo::EARTH_RADIUS_M;

/// Which layer an area belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundaryKind {
    /// A municipal ward (Jhansi Nagar Nigam has 60).
    Ward,
    /// The area a police station (thana) answers for.
    PoliceStation,
}

impl BoundaryKind {
    pub const ALL: [BoundaryKind; 2] = [Self::Ward, Self::PoliceStation];

    /// Stable code used in the SQLite file and in exports.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ward => "ward",
            Self::PoliceStation => "police_station",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Key of the layer's name in the i18n catalogue ("Wards", "Police-station areas").
    pub fn i18n_key(self) -> String {
        format!("boundary-kind-{}", self.code().replace('_', "-"))
    }
}

/// Polygons → rings (first the outer ring, then holes) → (lat_deg, lon_deg).
pub type BoundaryPolygons = Vec<Vec<Vec<(f64, f64)>>>;

/// One named area: a ward or a police station's jurisdiction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoundaryArea {
    pub kind: BoundaryKind,
    pub name: String,
    /// The area's number or code as the source gave it; may be empty.
    pub code: String,
    /// Polygons → rings (first the outer ring, then holes) → (lat_deg, lon_deg), WGS84. Rings read from a file
    /// are closed (the last point repeats the first); the methods below accept open rings too.
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

impl BoundaryArea {
    /// Whether the point lies inside one of the polygons and outside that polygon's holes. A point exactly on an
    /// edge may fall either way.
    pub fn contains(&self, lat_deg: f64, lon_deg: f64) -> bool {
        self.polygons.iter().any(|rings| {
            let Some((outer, holes)) = rings.split_first() else {
                return false;
            };
            ring_contains(outer, lat_deg, lon_deg)
                && !holes.iter().any(|h| ring_contains(h, lat_deg, lon_deg))
        })
    }

    /// (min_lat, min_lon, max_lat, max_lon) over every point; all zeros for an area without points.
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        let mut points = self.polygons.iter().flatten().flatten();
        let Some(&(lat, lon)) = points.next() else {
            return (0.0, 0.0, 0.0, 0.0);
        };
        points.fold((lat, lon, lat, lon), |(a, b, c, d), &(lat, lon)| {
            (a.min(lat), b.min(lon), c.max(lat), d.max(lon))
        })
    }

    /// A point inside the largest polygon (outside its holes), where the map writes the area's name. Unlike
    /// the centroid it never falls outside a C-shaped ward or inside a hole. For an area without a usable polygon
    /// it is the middle of the bounding box.
    pub fn label_point(&self) -> (f64, f64) {
        let largest = self
            .polygons
            .iter()
            .map(|rings| (polygon_area_m2(rings), rings))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, rings)| rings);
        if let Some(point) = largest.and_then(|rings| interior_point(rings)) {
            return point;
        }
        let (a, b, c, d) = self.bbox();
        ((a + c) / 2.0, (b + d) / 2.0)
    }

    /// Area on the ground, square kilometres (holes taken out), on a sphere of the Earth's mean radius: within
    /// about 0.5 % of the ellipsoid's answer, plenty for cameras per km².
    pub fn area_km2(&self) -> f64 {
        self.polygons
            .iter()
            .map(|rings| polygon_area_m2(rings))
            .sum::<f64>()
            / 1e6
    }
}

/// Crossing-number test (W. R. Franklin's PNPOLY): a ray east from the point crosses the ring an odd number of
/// times when the point is inside. The half-open rule on latitudes counts a vertex on the ray exactly once.
fn ring_contains(ring: &[(f64, f64)], lat: f64, lon: f64) -> bool {
    let Some(&last) = ring.last() else {
        return false;
    };
    let mut inside = false;
    let mut prev = last;
    for &point in ring {
        let ((lat_i, lon_i), (lat_j, lon_j)) = (point, prev);
        if (lat_i > lat) != (lat_j > lat) {
            // The edge straddles the ray's latitude, so lat_j - lat_i is not zero.
            let lon_at = lon_i + (lon_j - lon_i) * (lat - lat_i) / (lat_j - lat_i);
            if lon < lon_at {
                inside = !inside;
            }
        }
        prev = point;
    }
    inside
}

/// Unsigned area of one ring on the sphere, m² (Chamberlain & Duquette, "Some algorithms for polygons on a
/// sphere", JPL 2007: A = R²/2 · |Σ (λᵢ₊₁ − λᵢ₋₁) sin φᵢ|).
fn ring_area_m2(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    // Σ (λᵢ₊₁ − λᵢ₋₁) is zero around a ring, so subtracting one latitude's sine from every term leaves the sum
    // alone while keeping the terms small: a 1 km ward is then not the difference of two huge numbers.
    let sin0 = ring[0].0.to_radians().sin();
    let mut sum = 0.0;
    for i in 0..n {
        let prev = ring[(i + n - 1) % n].1;
        let next = ring[(i + 1) % n].1;
        // Across the antimeridian, the short way round.
        let dlon = ((next - prev + 540.0).rem_euclid(360.0) - 180.0).to_radians();
        sum += dlon * (ring[i].0.to_radians().sin() - sin0);
    }
    (sum * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0).abs()
}

/// A polygon's area: the outer ring less its holes, m².
fn polygon_area_m2(rings: &[Vec<(f64, f64)>]) -> f64 {
    let Some((outer, holes)) = rings.split_first() else {
        return 0.0;
    };
    (ring_area_m2(outer) - holes.iter().map(|h| ring_area_m2(h)).sum::<f64>()).max(0.0)
}

/// The middle of the widest inside stretch along a few parallels across the polygon: where a parallel crosses
/// the rings (holes included), the crossings sorted west to east pair up into inside stretches.
fn interior_point(rings: &[Vec<(f64, f64)>]) -> Option<(f64, f64)> {
    let outer = rings.first()?;
    let (min_lat, max_lat) = outer
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    if min_lat.partial_cmp(&max_lat) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    // Parallels nearer the middle win ties, so a plain shape gets its name near its centre.
    let mut best: Option<(f64, (f64, f64))> = None;
    for k in [8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15] {
        let lat = min_lat + (max_lat - min_lat) * f64::from(k) / 16.0;
        let mut crossings: Vec<f64> = Vec::new();
        for ring in rings {
            let Some(&last) = ring.last() else { continue };
            let mut prev = last;
            for &point in ring {
                let ((lat_i, lon_i), (lat_j, lon_j)) = (point, prev);
                if (lat_i > lat) != (lat_j > lat) {
                    crossings.push(lon_i + (lon_j - lon_i) * (lat - lat_i) / (lat_j - lat_i));
                }
                prev = point;
            }
        }
        crossings.sort_by(f64::total_cmp);
        for pair in crossings.chunks_exact(2) {
            let width = pair[1] - pair[0];
            if best.is_none_or(|(w, _)| width > w) {
                best = Some((width, (lat, (pair[0] + pair[1]) / 2.0)));
            }
        }
    }
    best.filter(|(w, _)| *w > 0.0).map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::geo::destination;

    fn area(polygons: Vec<Vec<Vec<(f64, f64)>>>) -> BoundaryArea {
        BoundaryArea {
            kind: BoundaryKind::Ward,
            name: "Test".into(),
            code: String::new(),
            polygons,
        }
    }

    /// A square `side` degrees wide with its south-west corner at (lat, lon), closed, anticlockwise.
    fn square(lat: f64, lon: f64, side: f64) -> Vec<(f64, f64)> {
        vec![
            (lat, lon),
            (lat, lon + side),
            (lat + side, lon + side),
            (lat + side, lon),
            (lat, lon),
        ]
    }

    #[test]
    fn kinds_have_codes_and_names() {
        for kind in BoundaryKind::ALL {
            assert_eq!(BoundaryKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(BoundaryKind::from_code("thana"), None);
        assert_eq!(
            BoundaryKind::PoliceStation.i18n_key(),
            "boundary-kind-police-station"
        );
        let i18n = crate::i18n::I18n::new(crate::i18n::Lang::Hi);
        for kind in BoundaryKind::ALL {
            assert_ne!(i18n.tr(&kind.i18n_key()), kind.i18n_key());
        }
    }

    #[test]
    fn points_in_a_polygon_with_a_hole_and_a_second_polygon() {
        // A 0.1° square with a 0.04° hole in the middle, and a small island to the east.
        let ward = area(vec![
            vec![square(25.40, 78.50, 0.10), square(25.43, 78.53, 0.04)],
            vec![square(25.40, 78.70, 0.02)],
        ]);
        assert!(ward.contains(25.41, 78.51), "in the outer ring");
        assert!(!ward.contains(25.45, 78.55), "in the hole");
        assert!(ward.contains(25.49, 78.59), "between hole and edge");
        assert!(ward.contains(25.41, 78.71), "on the island");
        assert!(!ward.contains(25.45, 78.65), "between the two");
        assert!(!ward.contains(25.39, 78.55), "south of it");
        assert!(!ward.contains(25.45, 78.49), "west of it");
        // A ray through a vertex: counted once, not twice.
        let diamond = area(vec![vec![vec![
            (25.0, 78.0),
            (25.1, 78.1),
            (25.2, 78.0),
            (25.1, 77.9),
        ]]]);
        assert!(
            diamond.contains(25.1, 78.0),
            "open ring, ray through a vertex"
        );
        assert!(!diamond.contains(25.1, 77.8));
        assert!(!diamond.contains(25.2, 77.95));
        // Nothing is inside nothing.
        assert!(!area(vec![]).contains(25.0, 78.0));
        assert!(!area(vec![vec![]]).contains(25.0, 78.0));
        assert!(!area(vec![vec![vec![]]]).contains(25.0, 78.0));
    }

    #[test]
    fn area_of_a_known_square_near_jhansi() {
        // 1 km × 1 km, drawn on the ground from the station going north and east.
        let sw = (25.4439, 78.5534);
        let nw = destination(sw, 0.0, 1_000.0);
        let se = destination(sw, 90.0, 1_000.0);
        let ne = destination(nw, 90.0, 1_000.0);
        let km2 = area(vec![vec![vec![sw, se, ne, nw, sw]]]).area_km2();
        assert!((km2 - 1.0).abs() < 0.005, "{km2}");
        // Clockwise or anticlockwise, open or closed, the same.
        let open = area(vec![vec![vec![sw, nw, ne, se]]]).area_km2();
        assert!((open - km2).abs() < 1e-9, "{open} {km2}");
        // A 2 km square with a 1 km hole: 3 km².
        let nw2 = destination(sw, 0.0, 2_000.0);
        let se2 = destination(sw, 90.0, 2_000.0);
        let ne2 = destination(nw2, 90.0, 2_000.0);
        let hole_sw = destination(destination(sw, 0.0, 500.0), 90.0, 500.0);
        let hole_nw = destination(hole_sw, 0.0, 1_000.0);
        let hole_se = destination(hole_sw, 90.0, 1_000.0);
        let hole_ne = destination(hole_nw, 90.0, 1_000.0);
        let holed = area(vec![vec![
            vec![sw, se2, ne2, nw2, sw],
            vec![hole_sw, hole_nw, hole_ne, hole_se, hole_sw],
        ]]);
        assert!(
            (holed.area_km2() - 3.0).abs() < 0.02,
            "{}",
            holed.area_km2()
        );
        // One degree square at the equator: 111.195² km² on this sphere.
        let degree = area(vec![vec![square(0.0, 0.0, 1.0)]]).area_km2();
        assert!((degree - 12_363.7).abs() < 2.0, "{degree}");
        // Across the antimeridian it is still small.
        let wrapped = area(vec![vec![vec![
            (0.0, 179.5),
            (0.0, -179.5),
            (1.0, -179.5),
            (1.0, 179.5),
        ]]])
        .area_km2();
        assert!((wrapped - degree).abs() < 2.0, "{wrapped}");
        assert_eq!(area(vec![]).area_km2(), 0.0);
    }

    #[test]
    fn bounding_box() {
        let ward = area(vec![
            vec![square(25.40, 78.50, 0.10)],
            vec![square(25.30, 78.70, 0.02)],
        ]);
        assert_eq!(ward.bbox(), (25.30, 78.50, 25.50, 78.72));
        assert_eq!(area(vec![]).bbox(), (0.0, 0.0, 0.0, 0.0));
    }

    #[test]
    fn label_points_fall_inside_the_largest_polygon() {
        // A plain square: near its middle.
        let plain = area(vec![vec![square(25.40, 78.50, 0.10)]]);
        let (lat, lon) = plain.label_point();
        assert!((lat - 25.45).abs() < 0.01 && (lon - 78.55).abs() < 0.01);
        // A square with a big hole in the middle: the centre is in the hole, the label is not.
        let donut = area(vec![vec![
            square(25.40, 78.50, 0.10),
            square(25.41, 78.51, 0.08),
        ]]);
        let p = donut.label_point();
        assert!(donut.contains(p.0, p.1), "{p:?}");
        // A C shape open to the east: its centroid lies outside it.
        let c_shape = area(vec![vec![vec![
            (25.40, 78.50),
            (25.40, 78.60),
            (25.42, 78.60),
            (25.42, 78.52),
            (25.48, 78.52),
            (25.48, 78.60),
            (25.50, 78.60),
            (25.50, 78.50),
            (25.40, 78.50),
        ]]]);
        let p = c_shape.label_point();
        assert!(c_shape.contains(p.0, p.1), "{p:?}");
        // Two polygons: the label goes in the larger one.
        let two = area(vec![
            vec![square(25.40, 78.70, 0.01)],
            vec![square(25.40, 78.50, 0.10)],
        ]);
        let p = two.label_point();
        assert!(p.1 < 78.61, "{p:?}");
        // Degenerate shapes do not panic.
        assert_eq!(area(vec![]).label_point(), (0.0, 0.0));
        let flat = area(vec![vec![vec![(25.0, 78.0), (25.0, 78.1), (25.0, 78.0)]]]);
        assert_eq!(flat.label_point(), (25.0, 78.05));
    }
}
