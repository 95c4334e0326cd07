//! Possible duplicates that no exact key catches: one pole listed twice under two ids, or one id on two rows
//! whose points differ by a geotagging drive's few metres. Police forces count such misses as a problem of their
//! camera surveys, so the import names them (and may skip them) instead of adding both without a word.
//!
//! Two cameras are *possibly the same* when they stand within [`NEAR_DUPLICATE_M`] of each other, do not face
//! clearly different ways, and either share a value in an id-like column or have alike names. Names that
//! differ in a number ("Pole 17 cam 1", "Pole 17 cam 2") are different cameras: two cameras on one pole is
//! common, and the number is how the owner tells them apart.

use std::collections::HashMap;

use super::geo::distance_m;

/// Cameras closer than this (metres) may be one camera written twice: a phone's GPS at a pole is good to a few
/// metres, two cameras of one premises usually stand further apart.
pub const NEAR_DUPLICATE_M: f64 = 5.0;
/// Two cameras whose known bearings differ by more than this (degrees) watch different things, however close.
pub const SAME_FACING_DEG: f64 = 45.0;

/// Headers (as [`super::import::header_key`] reduces them) of columns that hold some id of a camera or a pole.
const ID_LIKE_WORDS: [&str; 12] = [
    "id",
    "no",
    "number",
    "code",
    "pole",
    "asset",
    "tag",
    "serial",
    "uid",
    "ref",
    "sr",
    "क्रमांक",
];

/// Whether a column header (reduced by `header_key`) looks like it holds an id: "Pole No", "asset_id", "UID".
pub fn is_id_like_header(key: &str) -> bool {
    // A phone or mobile "number" is the owner's, shared by every camera of the premises.
    let is_contact = ["phone", "mobile", "contact", "tel", "फ़ोन", "फोन", "मोबाइल"]
        .iter()
        .any(|w| key.contains(w));
    !is_contact && ID_LIKE_WORDS.iter().any(|w| key.ends_with(w))
}

/// A camera as the duplicate check sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct NearKey {
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// The name reduced by [`name_key`].
    pub name: String,
    pub bearing_deg: Option<f64>,
    /// Values of id-like columns, (column, value reduced to lower case), empty values left out.
    pub ids: Vec<(usize, String)>,
}

impl NearKey {
    pub fn new(lat_deg: f64, lon_deg: f64, name: &str, bearing_deg: Option<f64>) -> Self {
        Self {
            lat_deg,
            lon_deg,
            name: name_key(name),
            bearing_deg,
            ids: Vec::new(),
        }
    }
}

/// Why two cameras may be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearBecause {
    /// The same value in an id-like column (its index).
    SameId(usize),
    /// Names that read the same (case, spaces, punctuation or a small typo apart).
    AlikeNames,
}

/// Whether `a` and `b` may be one camera, and why; `None` when they are clearly two.
pub fn possibly_same(a: &NearKey, b: &NearKey) -> Option<(f64, NearBecause)> {
    let d = distance_m((a.lat_deg, a.lon_deg), (b.lat_deg, b.lon_deg));
    if d.is_nan() || d > NEAR_DUPLICATE_M {
        return None;
    }
    if let (Some(x), Some(y)) = (a.bearing_deg, b.bearing_deg) {
        let apart = (x - y).rem_euclid(360.0);
        if apart.min(360.0 - apart) > SAME_FACING_DEG {
            return None;
        }
    }
    let same_id = a
        .ids
        .iter()
        .find(|(col, v)| b.ids.iter().any(|(c2, v2)| c2 == col && v2 == v))
        .map(|(col, _)| NearBecause::SameId(*col));
    let because =
        same_id.or_else(|| names_alike(&a.name, &b.name).then_some(NearBecause::AlikeNames))?;
    Some((d, because))
}

/// A name reduced for comparison: lower case, letters and digits (any script) in words split by one space.
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name
        .split(|c: char| !(c.is_alphanumeric() || is_combining_mark(c)))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Devanagari vowel signs, virama and nukta (and other combining marks) belong to the word they sit in.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0900}'..='\u{0903}' | '\u{093A}'..='\u{094F}' | '\u{0951}'..='\u{0957}' | '\u{0962}'..='\u{0963}')
        || matches!(c, '\u{0300}'..='\u{036F}')
}

/// Names (reduced by [`name_key`]) that read as one: equal, or a typo apart (at most one edit in ten letters,
/// two at most) with the very same numbers.
pub fn names_alike(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let digits = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter(|d| !d.is_empty())
            .map(|d| d.trim_start_matches('0').to_string())
            .collect()
    };
    if digits(a) != digits(b) {
        return false;
    }
    let len = a.chars().count().min(b.chars().count());
    let allowed = (len / 10).clamp(1, 2);
    // Short names ("gate", "cam") are too easily one letter apart to call alike.
    len >= 6 && strsim::levenshtein(a, b) <= allowed
}

/// Points on a grid of cells about [`NEAR_DUPLICATE_M`] wide or more, so a look-up visits a few cells instead
/// of every camera (200,000 registry cameras against 200,000 rows).
///
/// A crowded cell (more than [`CROWDED`] cameras within ten metres: a list that gives every row its ward's or
/// the city's centre as the point) is searched through its names and ids instead of camera by camera, so a
/// file of 200,000 rows at one point costs a few comparisons a row, not 200,000: there only a camera of the
/// very same name or id is looked for (never a name a typo apart), among the first [`CROWDED`] of each.
#[derive(Debug, Default)]
pub struct NearGrid<T> {
    cells: HashMap<(i64, i64), NearCell<T>>,
    /// Pairs compared so far (a figure for the tests: it must grow with the rows, not with their square).
    compared: std::cell::Cell<u64>,
}

/// The cameras of one grid cell, and once it is crowded, indexes of their names and ids.
#[derive(Debug)]
struct NearCell<T> {
    entries: Vec<(NearKey, T)>,
    /// Entries by name (the first [`CROWDED`] of each name), once the cell holds more than [`CROWDED`].
    by_name: HashMap<String, Vec<u32>>,
    /// Entries by (id column, id value), likewise.
    by_id: HashMap<(usize, String), Vec<u32>>,
}

impl<T> NearCell<T> {
    /// Adds entry `at` to the name and id indexes (each list holds the first [`CROWDED`]).
    fn index(&mut self, at: usize) {
        let (Some((key, _)), Ok(at)) = (self.entries.get(at), u32::try_from(at)) else {
            return;
        };
        let add = |list: &mut Vec<u32>| {
            if list.len() < CROWDED {
                list.push(at);
            }
        };
        if !key.name.is_empty() {
            add(self.by_name.entry(key.name.clone()).or_default());
        }
        for id in &key.ids {
            add(self.by_id.entry(id.clone()).or_default());
        }
    }
}

impl<T> Default for NearCell<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            by_name: HashMap::new(),
            by_id: HashMap::new(),
        }
    }
}

/// Cameras in a cell above which the cell is searched by name and id only (see [`NearGrid`]).
pub const CROWDED: usize = 64;

/// Cell size, degrees: 1e-4° is 11 m of latitude and about 10 m of longitude in India, so everything within
/// 5 m lies in the cell or its eight neighbours (below 60° of latitude).
const CELL_DEG: f64 = 1e-4;

fn cell_of(lat_deg: f64, lon_deg: f64) -> Option<(i64, i64)> {
    (lat_deg.is_finite() && lon_deg.is_finite()).then(|| {
        (
            (lat_deg / CELL_DEG).floor() as i64,
            (lon_deg / CELL_DEG).floor() as i64,
        )
    })
}

impl<T: Copy> NearGrid<T> {
    pub fn insert(&mut self, key: NearKey, value: T) {
        let Some(cell) = cell_of(key.lat_deg, key.lon_deg) else {
            return;
        };
        let cell = self.cells.entry(cell).or_default();
        cell.entries.push((key, value));
        // The indexes are made only when a cell becomes crowded: most cells hold a camera or two.
        match cell.entries.len() {
            n if n == CROWDED + 1 => (0..n).for_each(|at| cell.index(at)),
            n if n > CROWDED + 1 => cell.index(n - 1),
            _ => {}
        }
    }

    /// The nearest entry that may be the same camera as `key`, with its distance and why.
    pub fn possibly_same(&self, key: &NearKey) -> Option<(T, f64, NearBecause)> {
        let (y, x) = cell_of(key.lat_deg, key.lon_deg)?;
        let mut best: Option<(T, f64, NearBecause)> = None;
        let mut compared = 0u64;
        let mut consider = |(other, value): &(NearKey, T)| {
            compared += 1;
            if let Some((d, why)) = possibly_same(key, other)
                && best.is_none_or(|(_, bd, _)| d < bd)
            {
                best = Some((*value, d, why));
            }
        };
        for dy in -1..=1 {
            for dx in -1..=1 {
                let Some(cell) = self.cells.get(&(y + dy, x + dx)) else {
                    continue;
                };
                if cell.entries.len() <= CROWDED {
                    cell.entries.iter().for_each(&mut consider);
                    continue;
                }
                let by_name = cell.by_name.get(&key.name).into_iter().flatten();
                let by_id = key.ids.iter().flat_map(|id| cell.by_id.get(id)).flatten();
                for &at in by_name.chain(by_id) {
                    if let Some(entry) = cell.entries.get(at as usize) {
                        consider(entry);
                    }
                }
            }
        }
        self.compared.set(self.compared.get() + compared);
        best
    }

    /// Pairs of cameras compared by [`Self::possibly_same`] so far.
    pub fn comparisons(&self) -> u64 {
        self.compared.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// About 1.1 m of latitude.
    const M: f64 = 1e-5;

    fn key(lat: f64, name: &str) -> NearKey {
        NearKey::new(lat, 78.568, name, None)
    }

    #[test]
    fn names_alike_forgive_case_punctuation_and_typos_but_not_numbers() {
        let alike = |a: &str, b: &str| names_alike(&name_key(a), &name_key(b));
        assert!(alike("Chitra Chauraha", "chitra  chauraha."));
        assert!(alike("Chitra Chauraha", "Chitra Chouraha"));
        assert!(alike("Elite Chauraha Pole-17", "elite chauraha pole 17"));
        assert!(alike("Pole 017", "pole 17"));
        assert!(alike("सदर बाज़ार गेट", "सदर  बाज़ार गेट"));
        assert!(!alike("Pole 17 cam 1", "Pole 17 cam 2"));
        assert!(!alike("Ward 3 office", "Ward 13 office"));
        assert!(!alike("Gate", "Gale"));
        assert!(!alike("Main gate", "Back gate"));
        assert!(!alike("", ""));
        assert!(!alike("Sadar Bazar entrance", "Medical College entrance"));
    }

    #[test]
    fn near_means_a_few_metres_and_the_same_way() {
        let a = key(25.448, "Elite Chauraha");
        assert!(possibly_same(&a, &key(25.448 + 3.0 * M, "elite chauraha")).is_some());
        assert!(possibly_same(&a, &key(25.448 + 8.0 * M, "elite chauraha")).is_none());
        let mut facing_north = a.clone();
        facing_north.bearing_deg = Some(10.0);
        let mut facing_west = key(25.448, "Elite Chauraha");
        facing_west.bearing_deg = Some(280.0);
        assert!(possibly_same(&facing_north, &facing_west).is_none());
        facing_west.bearing_deg = Some(340.0);
        assert!(possibly_same(&facing_north, &facing_west).is_some());
        // One id, two names.
        let mut x = key(25.448, "Camera A");
        let mut y = key(25.448 + 2.0 * M, "Pole camera");
        x.ids = vec![(3, "p-17".into())];
        y.ids = vec![(3, "p-17".into())];
        assert_eq!(
            possibly_same(&x, &y).map(|(_, why)| why),
            Some(NearBecause::SameId(3))
        );
        y.ids = vec![(4, "p-17".into())];
        assert!(possibly_same(&x, &y).is_none(), "another column");
        // Broken points are never near anything.
        assert!(possibly_same(&key(f64::NAN, "x"), &key(f64::NAN, "x")).is_none());
    }

    #[test]
    fn the_grid_finds_the_nearest_across_cell_edges() {
        let mut grid = NearGrid::default();
        // Straddle a cell edge: 25.4480 is an edge of the 1e-4° grid.
        grid.insert(key(25.448 - 1.0 * M, "Sadar gate"), 1);
        grid.insert(key(25.448 + 4.0 * M, "Sadar gate"), 2);
        grid.insert(key(25.448, "Other"), 3);
        let found = grid.possibly_same(&key(25.448 + 0.5 * M, "sadar gate"));
        assert_eq!(found.map(|(v, _, _)| v), Some(1));
        assert!(grid.possibly_same(&key(25.449, "Sadar gate")).is_none());
    }

    #[test]
    fn a_list_of_rows_at_one_point_is_checked_row_by_row_not_pair_by_pair() {
        // 20,000 rows all given one point (the city centre), as a list geocoded by ward may be.
        let rows = 20_000;
        let mut grid = NearGrid::default();
        for i in 0..rows {
            let mut k = key(25.448, &format!("Pole {i} camera"));
            k.ids = vec![(2, format!("p-{i}"))];
            grid.insert(k, i);
        }
        // The same name and the same id are still found there; a new name is not compared with everyone.
        let found = grid.possibly_same(&key(25.448, "pole 17 camera"));
        assert_eq!(
            found.map(|(v, _, why)| (v, why)),
            Some((17, NearBecause::AlikeNames))
        );
        let mut by_id = key(25.448, "Another name");
        by_id.ids = vec![(2, "p-42".into())];
        assert_eq!(grid.possibly_same(&by_id).map(|(v, _, _)| v), Some(42));
        for i in 0..rows {
            grid.possibly_same(&key(25.448, &format!("New pole {i}")));
        }
        let per_row = grid.comparisons() / rows as u64;
        assert!(per_row <= 9 * CROWDED as u64, "{per_row} comparisons a row");
        // A few cameras at a point are still compared one by one, typos included.
        let mut few = NearGrid::default();
        few.insert(key(25.448, "Chitra Chauraha"), 1);
        assert!(few.possibly_same(&key(25.448, "Chitra Chouraha")).is_some());
    }

    #[test]
    fn id_like_headers() {
        for h in [
            "id",
            "poleno",
            "assetid",
            "uid",
            "serialno",
            "cameracode",
            "srno",
        ] {
            assert!(is_id_like_header(h), "{h}");
        }
        for h in [
            "name",
            "latitude",
            "owner",
            "notes",
            "direction",
            "phoneno",
            "mobilenumber",
        ] {
            assert!(!is_id_like_header(h), "{h}");
        }
    }
}
