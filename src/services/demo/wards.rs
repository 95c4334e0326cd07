//! Sixty invented Jhansi-shaped ward polygons, so the map shows a ward layer out of the box and each site's
//! ward is the polygon its point lies in.

use super::*;

/// East-west degrees are shorter than north-south ones by the cosine of the latitude (0.903 at 25.45° N);
/// "nearest" and the ward cells below measure with it, so they mean nearest on the ground.
pub(super) const LON_SCALE: f64 = 0.903;
/// How much the city outline is widened beyond the outermost place a site can be (4 %, a few hundred metres).
pub(super) const OUTLINE_WIDEN: f64 = 1.04;
/// Where a ward is split in two, off its locality's centre: half a micro-degree (about 5 cm), so the line never
/// passes through a site (site coordinates are whole micro-degrees).
pub(super) const SPLIT_OFFSET_DEG: f64 = 0.000_000_5;
/// Where the ward cells' centres sit off the locality centres (lat, lon degrees; a few centimetres). Locality
/// centres and sites are whole micro-degrees, and the bisector of two such points runs exactly through others:
/// a site there would sit on the edge of two wards, claimed by both or by neither.
pub(super) const CELL_NUDGE_DEG: (f64, f64) = (0.000_000_31, 0.000_000_17);
/// The source name the demo's ward layer is stored under.
pub const DEMO_WARDS_SOURCE: &str = "demo (invented Jhansi wards)";

/// A point in the plane the ward cells are cut in: (x, y) = (lon × [`LON_SCALE`], lat), about square degrees.
pub(super) type Plane = (f64, f64);

pub(super) fn to_plane(lat: f64, lon: f64) -> Plane {
    (lon * LON_SCALE, lat)
}

/// Every place a demo site can be: the fixed places, and the corners of the box each locality's sites scatter
/// in, clamped as [`scatter`] clamps them.
pub(super) fn possible_site_corners() -> Vec<Plane> {
    let mut points = Vec::new();
    for l in &LOCALITIES {
        let (dlat, dlon) = (l.spread_m / M_PER_DEG_LAT, l.spread_m / M_PER_DEG_LON);
        for (sl, so) in [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)] {
            let (lat, lon) = clamp_to_city(l.lat + sl * dlat, l.lon + so * dlon);
            points.push(to_plane(lat, lon));
        }
    }
    points.push(to_plane(JAIL.1.0, JAIL.1.1));
    points.extend(
        TOLL_PLAZAS
            .iter()
            .map(|(_, (lat, lon), _)| to_plane(*lat, *lon)),
    );
    points.extend(BLACK_SPOTS.iter().map(|b| to_plane(b.2, b.3)));
    points.extend(LANDMARKS.iter().map(|l| to_plane(l.lat, l.lon)));
    points
}

/// Convex hull, anticlockwise (Andrew's monotone chain).
pub(super) fn convex_hull(mut points: Vec<Plane>) -> Vec<Plane> {
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let cross =
        |o: Plane, a: Plane, b: Plane| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut hull: Vec<Plane> = Vec::with_capacity(points.len() * 2);
    for pass in [points.clone(), points.iter().rev().copied().collect()] {
        let floor = hull.len();
        for p in pass {
            while hull.len() >= floor + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        // The last point of each pass is the first of the other.
        hull.pop();
    }
    hull
}

/// The part of a convex polygon where `side(p) <= 0` (one Sutherland–Hodgman step; `side` is linear).
pub(super) fn clip(polygon: &[Plane], side: impl Fn(Plane) -> f64) -> Vec<Plane> {
    let mut out = Vec::with_capacity(polygon.len() + 1);
    let Some(&last) = polygon.last() else {
        return out;
    };
    let mut prev = (last, side(last));
    for &p in polygon {
        let sp = side(p);
        if (sp <= 0.0) != (prev.1 <= 0.0) {
            let t = prev.1 / (prev.1 - sp);
            out.push((
                prev.0.0 + t * (p.0 - prev.0.0),
                prev.0.1 + t * (p.1 - prev.0.1),
            ));
        }
        if sp <= 0.0 {
            out.push(p);
        }
        prev = (p, sp);
    }
    out
}

/// The demo's sixty wards, two per locality (see [`ward_name`]), in locality order.
///
/// The city outline is the convex hull of every place a demo site can be, widened by [`OUTLINE_WIDEN`]; each
/// locality gets its Voronoi cell within it (the points nearer its centre than any other's, measured as
/// [`nearest_locality`] measures), and that cell is cut in two through its centre, west–east when it is wider
/// than tall, else south–north. Nothing is drawn from the random streams: the wards are the same for every seed.
pub fn demo_wards() -> &'static [BoundaryArea] {
    static WARDS: LazyLock<Vec<BoundaryArea>> = LazyLock::new(build_demo_wards);
    &WARDS
}

/// The demo city's outline: the convex hull of every place a site can be, widened by [`OUTLINE_WIDEN`].
pub(super) fn city_outline() -> Vec<Plane> {
    let hull = convex_hull(possible_site_corners());
    let n = hull.len().max(1) as f64;
    let middle = hull
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
    // Scaling a convex polygon about an inner point keeps it convex and around the original.
    hull.iter()
        .map(|p| {
            (
                middle.0 + (p.0 - middle.0) * OUTLINE_WIDEN,
                middle.1 + (p.1 - middle.1) * OUTLINE_WIDEN,
            )
        })
        .collect()
}

pub(super) fn build_demo_wards() -> Vec<BoundaryArea> {
    let outline = city_outline();
    let centres: Vec<Plane> = LOCALITIES
        .iter()
        .map(|l| to_plane(l.lat + CELL_NUDGE_DEG.0, l.lon + CELL_NUDGE_DEG.1))
        .collect();
    let mut wards = Vec::with_capacity(2 * LOCALITIES.len());
    for (i, &c) in centres.iter().enumerate() {
        let mut cell = outline.clone();
        for (j, &o) in centres.iter().enumerate() {
            if i != j {
                // Keep the side of the bisector nearer c: (p − mid) · (o − c) ≤ 0.
                let mid = ((c.0 + o.0) / 2.0, (c.1 + o.1) / 2.0);
                cell = clip(&cell, |p| {
                    (p.0 - mid.0) * (o.0 - c.0) + (p.1 - mid.1) * (o.1 - c.1)
                });
            }
        }
        let (min_x, max_x, min_y, max_y) = cell.iter().fold(
            (
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ),
            |(a, b, c, d), p| (a.min(p.0), b.max(p.0), c.min(p.1), d.max(p.1)),
        );
        let l = &LOCALITIES[i];
        // Half 0 is the west (or south) one, half 1 the east (or north) one.
        let halves = if max_x - min_x >= max_y - min_y {
            let x = (l.lon + SPLIT_OFFSET_DEG) * LON_SCALE;
            [clip(&cell, |p| p.0 - x), clip(&cell, |p| x - p.0)]
        } else {
            let y = l.lat + SPLIT_OFFSET_DEG;
            [clip(&cell, |p| p.1 - y), clip(&cell, |p| y - p.1)]
        };
        for (which, half) in halves.into_iter().enumerate() {
            let mut ring: Vec<(f64, f64)> = half
                .iter()
                // Not rounded: rounding would open gaps of up to half a centimetre between neighbours, where a
                // site could fall in no ward.
                .map(|&(x, y)| (y, x / LON_SCALE))
                .collect();
            if let Some(&first) = ring.first() {
                ring.push(first);
            }
            wards.push(BoundaryArea {
                kind: BoundaryKind::Ward,
                name: ward_name(i, which),
                code: ward_number(i, which).to_string(),
                polygons: vec![vec![ring]],
            });
        }
    }
    wards
}

/// The name of the demo ward a point lies in.
pub(super) fn ward_at(lat: f64, lon: f64) -> String {
    let wards = demo_wards();
    if let Some(ward) = wards.iter().find(|w| w.contains(lat, lon)) {
        return ward.name.clone();
    }
    // Only a point exactly on a shared edge could be claimed by no polygon; it then goes to the ward whose edge
    // is nearest. (Not met by the default demo: its tests check every site against its ward.)
    let p = to_plane(lat, lon);
    let edge_distance = |w: &BoundaryArea| {
        w.polygons
            .iter()
            .flatten()
            .flat_map(|ring| ring.windows(2))
            .map(|e| {
                let (a, b) = (to_plane(e[0].0, e[0].1), to_plane(e[1].0, e[1].1));
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let len2 = dx * dx + dy * dy;
                let t = if len2 > 0.0 {
                    (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                (p.0 - a.0 - t * dx).hypot(p.1 - a.1 - t * dy)
            })
            .fold(f64::INFINITY, f64::min)
    };
    wards
        .iter()
        .map(|w| (edge_distance(w), w))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(
            || ward_name(nearest_locality(lat, lon), 0),
            |(_, w)| w.name.clone(),
        )
}
