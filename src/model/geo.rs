//! Positions on the Earth and on the map: Web Mercator ("slippy map") projection as every tile server and MBTiles
//! file uses it, tile numbering (XYZ and the TMS rows MBTiles stores), distances and directions on the ground.
//!
//! World coordinates here are in the unit square: x from 0 (180° W) to 1 (180° E), y from 0 (85.05° N) to 1
//! (85.05° S). At zoom z one tile is 2^-z of the square; a screen shows `world * tile_px * 2^z` pixels.

/// Web Mercator's latitude limit: the square's top and bottom edges.
pub const MAX_LAT_DEG: f64 = 85.051_128_779_806_59;
/// Mean Earth radius used for distances on the ground (metres).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// Earth's equatorial circumference as Web Mercator uses it (metres).
pub const EQUATOR_M: f64 = 40_075_016.686;

/// A point in the unit square of the Web Mercator world.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WorldPoint {
    pub x: f64,
    pub y: f64,
}

/// Latitude/longitude (degrees) → the world square. Latitudes beyond ±85.05° are clamped to the edge.
pub fn to_world(lat_deg: f64, lon_deg: f64) -> WorldPoint {
    let lat = lat_deg.clamp(-MAX_LAT_DEG, MAX_LAT_DEG).to_radians();
    WorldPoint {
        x: (lon_deg + 180.0) / 360.0,
        y: (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0,
    }
}

/// The world square → latitude/longitude (degrees).
pub fn to_lat_lon(p: WorldPoint) -> (f64, f64) {
    let lon = p.x * 360.0 - 180.0;
    let n = std::f64::consts::PI * (1.0 - 2.0 * p.y);
    let lat = n.sinh().atan().to_degrees();
    (lat, lon)
}

/// One tile of a zoom level, numbered the XYZ way (row 0 at the north edge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl TileId {
    /// Tiles per side at this zoom.
    pub fn side(z: u8) -> u32 {
        1u32 << z.min(31)
    }

    /// The row as MBTiles (TMS) stores it: counted from the south edge.
    pub fn tms_row(self) -> u32 {
        Self::side(self.z) - 1 - self.y
    }

    /// The tile at zoom `z` that holds this one (`z` not above this tile's zoom).
    pub fn ancestor(self, z: u8) -> TileId {
        let up = self.z.saturating_sub(z);
        TileId {
            z: self.z - up,
            x: self.x >> up,
            y: self.y >> up,
        }
    }

    /// The part of `ancestor` this tile covers, as (left, top, size) in the ancestor's 0..1 texture space.
    pub fn within(self, ancestor: TileId) -> (f64, f64, f64) {
        let up = self.z.saturating_sub(ancestor.z);
        let n = f64::from(1u32 << up);
        let left = f64::from(self.x - (ancestor.x << up)) / n;
        let top = f64::from(self.y - (ancestor.y << up)) / n;
        (left, top, 1.0 / n)
    }

    /// The tile's north-west corner in the world square.
    pub fn world_origin(self) -> WorldPoint {
        let side = f64::from(Self::side(self.z));
        WorldPoint {
            x: f64::from(self.x) / side,
            y: f64::from(self.y) / side,
        }
    }
}

/// The tiles at zoom `z` that cover the world rectangle [min, max], row by row; none for an empty rectangle.
pub fn tiles_covering(min: WorldPoint, max: WorldPoint, z: u8) -> Vec<TileId> {
    let side = TileId::side(z);
    let last = f64::from(side - 1);
    let to_index = |v: f64| (v * f64::from(side)).floor().clamp(0.0, last) as u32;
    if !(min.x < max.x && min.y < max.y)
        || max.x <= 0.0
        || max.y <= 0.0
        || min.x >= 1.0
        || min.y >= 1.0
    {
        return Vec::new();
    }
    let (x0, x1) = (to_index(min.x), to_index(max.x));
    let (y0, y1) = (to_index(min.y), to_index(max.y));
    let mut tiles = Vec::with_capacity(((x1 - x0 + 1) * (y1 - y0 + 1)) as usize);
    for y in y0..=y1 {
        for x in x0..=x1 {
            tiles.push(TileId { z, x, y });
        }
    }
    tiles
}

/// Ground metres one screen pixel spans at this latitude and (fractional) zoom, with tiles of `tile_px` pixels.
pub fn metres_per_pixel(lat_deg: f64, zoom: f64, tile_px: f64) -> f64 {
    EQUATOR_M * lat_deg.to_radians().cos() / (tile_px * 2f64.powf(zoom))
}

/// Distance on the ground between two points (haversine), metres.
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Compass bearing from `a` to `b`, degrees clockwise from north in 0..360.
pub fn bearing_deg(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlon = (b.1 - a.1).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// The point `distance_m` away from `from` towards `bearing_deg` (great circle).
pub fn destination(from: (f64, f64), bearing_deg: f64, distance_m: f64) -> (f64, f64) {
    let (lat1, lon1) = (from.0.to_radians(), from.1.to_radians());
    let d = distance_m / EARTH_RADIUS_M;
    let b = bearing_deg.to_radians();
    let lat2 = (lat1.sin() * d.cos() + lat1.cos() * d.sin() * b.cos()).asin();
    let lon2 = lon1 + (b.sin() * d.sin() * lat1.cos()).atan2(d.cos() - lat1.sin() * lat2.sin());
    (
        lat2.to_degrees(),
        (lon2.to_degrees() + 540.0).rem_euclid(360.0) - 180.0,
    )
}

/// Whether `bearing` lies within the field of view `fov_deg` wide centred on `facing` (all degrees).
pub fn within_fov(facing_deg: f64, fov_deg: f64, bearing: f64) -> bool {
    let off = (bearing - facing_deg + 540.0).rem_euclid(360.0) - 180.0;
    off.abs() <= fov_deg / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    #[test]
    fn projection_round_trips_and_puts_jhansi_in_its_tile() {
        let jhansi = (25.4484, 78.5685);
        let p = to_world(jhansi.0, jhansi.1);
        let back = to_lat_lon(p);
        assert!(
            close(back.0, jhansi.0, 1e-9) && close(back.1, jhansi.1, 1e-9),
            "{back:?}"
        );
        // Jhansi at zoom 12 is tile x 2941, y 1748 (as any XYZ tile server numbers it).
        let side = f64::from(TileId::side(12));
        assert_eq!(((p.x * side) as u32, (p.y * side) as u32), (2941, 1748));
        // The square's corners.
        let nw = to_world(MAX_LAT_DEG, -180.0);
        assert!(close(nw.x, 0.0, 1e-12) && close(nw.y, 0.0, 1e-9));
        let centre = to_world(0.0, 0.0);
        assert!(close(centre.x, 0.5, 1e-12) && close(centre.y, 0.5, 1e-12));
        // Beyond the limit is the edge, not infinity.
        assert!(close(to_world(89.9, 0.0).y, 0.0, 1e-9));
    }

    #[test]
    fn tms_rows_count_from_the_south() {
        // Zoom 0: one tile, row 0 either way.
        assert_eq!(TileId { z: 0, x: 0, y: 0 }.tms_row(), 0);
        // Zoom 1: XYZ row 0 (north) is TMS row 1.
        assert_eq!(TileId { z: 1, x: 0, y: 0 }.tms_row(), 1);
        assert_eq!(TileId { z: 1, x: 1, y: 1 }.tms_row(), 0);
        // Zoom 3: 8 rows.
        assert_eq!(TileId { z: 3, x: 5, y: 2 }.tms_row(), 5);
        // Jhansi's zoom-12 tile.
        assert_eq!(
            TileId {
                z: 12,
                x: 2941,
                y: 1748
            }
            .tms_row(),
            2347
        );
    }

    #[test]
    fn parents_and_the_part_of_them_a_tile_covers() {
        let t = TileId { z: 5, x: 13, y: 22 };
        assert_eq!(t.ancestor(5), t);
        assert_eq!(t.ancestor(4), TileId { z: 4, x: 6, y: 11 });
        assert_eq!(t.ancestor(2), TileId { z: 2, x: 1, y: 2 });
        assert_eq!(t.ancestor(0), TileId { z: 0, x: 0, y: 0 });
        // 13 = 0b1101, 22 = 0b10110: in the zoom-2 tile (1, 2) it is cell (5, 6) of 8×8.
        assert_eq!(t.within(t.ancestor(2)), (5.0 / 8.0, 6.0 / 8.0, 1.0 / 8.0));
        assert_eq!(t.within(t), (0.0, 0.0, 1.0));
    }

    #[test]
    fn tiles_covering_a_view() {
        let all = tiles_covering(
            WorldPoint { x: 0.0, y: 0.0 },
            WorldPoint { x: 1.0, y: 1.0 },
            2,
        );
        assert_eq!(all.len(), 16);
        let some = tiles_covering(
            WorldPoint { x: 0.3, y: 0.55 },
            WorldPoint { x: 0.45, y: 0.6 },
            3,
        );
        assert_eq!(
            some,
            vec![TileId { z: 3, x: 2, y: 4 }, TileId { z: 3, x: 3, y: 4 }]
        );
        assert!(
            tiles_covering(
                WorldPoint { x: 0.5, y: 0.5 },
                WorldPoint { x: 0.5, y: 0.6 },
                3
            )
            .is_empty()
        );
        assert!(
            tiles_covering(
                WorldPoint { x: 1.2, y: 0.5 },
                WorldPoint { x: 1.5, y: 0.6 },
                3
            )
            .is_empty()
        );
    }

    #[test]
    fn ground_distances_bearings_and_fields_of_view() {
        let station = (25.4431, 78.5853);
        let north = destination(station, 0.0, 1_000.0);
        assert!(close(distance_m(station, north), 1_000.0, 0.01));
        let b = bearing_deg(station, north);
        assert!(!(1e-6..=360.0 - 1e-6).contains(&b), "{b}");
        let east = destination(station, 90.0, 250.0);
        assert!(close(distance_m(station, east), 250.0, 0.01));
        assert!(close(bearing_deg(station, east), 90.0, 0.01));
        // A degree of latitude is about 111 km.
        assert!(close(
            distance_m((25.0, 78.0), (26.0, 78.0)),
            111_195.0,
            50.0
        ));
        // Metres per pixel at zoom 0 on the equator with 256-px tiles: 156.5 km.
        assert!(close(metres_per_pixel(0.0, 0.0, 256.0), 156_543.03, 0.1));
        assert!(within_fov(350.0, 40.0, 5.0), "across north");
        assert!(within_fov(90.0, 60.0, 119.0));
        assert!(!within_fov(90.0, 60.0, 121.0));
        assert!(!within_fov(0.0, 90.0, 180.0));
    }
}
