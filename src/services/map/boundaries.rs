//! Ward and police-station boundaries from a GeoJSON file the user picked: a preview to choose which property
//! holds the name and which the code, then the areas themselves.
//!
//! Ward layers reach an ICCC from many hands (the municipal GIS cell, a consultant's QGIS project, DataMeet), and
//! the common mistakes are silent until the map is empty: a layer saved in Web Mercator or UTM metres is millions
//! of "degrees" off the globe, one with latitude and longitude swapped lands in the Arctic. A layer in Web
//! Mercator or UTM metres whose legacy `crs` member says so is reprojected to longitude/latitude (and the preview
//! says so); otherwise a file is read only when its coordinates are plausibly longitude/latitude (WGS84, as RFC
//! 7946 requires), and refused with the coordinate system it most likely is, so the user knows what to
//! re-export. Guessing a projection from the numbers alone is not done: a UTM zone cannot be told from them. Nothing here panics on a
//! malformed file: every problem is a [`BoundaryError`] naming the feature (counted from 1) where it has one.
//!
//! Once imported, the layers answer the site form: which ward and police station a point falls in (an R-tree of
//! the areas' boxes, so a point meets only the polygons around it — the coverage report uses the same tree) and
//! the layer's names in natural order ("Ward 2" before "Ward 10", in Devanagari digits too).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};
use serde_json::{Map, Value};

use crate::model::projection::{ProjectedCrs, UtmZone};
use crate::model::{BoundaryArea, BoundaryKind, INDIA_LAT_DEG, INDIA_LON_DEG};

/// Features whose properties the preview shows.
pub const SAMPLE_FEATURES: usize = 5;

/// Web Mercator's half-width (EPSG:3857): x of the antimeridian, and y at the map's top edge, metres.
const MERCATOR_MAX_M: f64 = 20_037_508.342_789_244;

/// Longest detail from a parser kept in a message (the geojson crate can quote a whole geometry).
const MAX_DETAIL_CHARS: usize = 200;

/// How much a boundary file may hold, checked on its size before it is read and on the counts its text
/// declares before it is parsed (a parsed layer takes 10 to 30 times its bytes). A city's ward layer is a few
/// hundred features and well under a million vertices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundaryLimits {
    /// Largest file read, bytes.
    pub file_bytes: u64,
    /// Most features (areas).
    pub features: u64,
    /// Most vertices (GeoJSON positions) over all features.
    pub vertices: u64,
    /// Most JSON values of any kind (names, properties, coordinates).
    pub values: u64,
}

impl Default for BoundaryLimits {
    fn default() -> Self {
        Self {
            file_bytes: 128 * 1024 * 1024,
            features: 1_000_000,
            vertices: 5_000_000,
            values: 16_000_000,
        }
    }
}

/// What the file holds, for the user to pick the name and code properties before the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoJsonPreview {
    /// Features in the file (each one area once imported).
    pub features: usize,
    /// Property names found, sorted, for the user to pick which holds the name and which the code.
    pub property_names: Vec<String>,
    /// The first few features' properties as text, for the preview.
    pub sample: Vec<BTreeMap<String, String>>,
    /// Best guesses from the names ("Ward Name", "ward_name", "name", "NAME", "PS_NAME", "thana" …; codes "Ward
    /// Num", "ward_no", "code", "id" …).
    pub guessed_name: Option<String>,
    /// Never the same property as `guessed_name`.
    pub guessed_code: Option<String>,
    /// The projected coordinate system the file declared, when its metres were turned into longitude/latitude.
    pub reprojected_from: Option<Reprojection>,
}

/// A declared projected coordinate system the file's coordinates were reprojected from, for the preview's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reprojection {
    /// As the desk names it, whatever spelling the file used: "EPSG:32644", "ESRI:102100".
    pub crs: String,
    pub projection: ProjectedCrs,
}

impl Reprojection {
    /// Key of the note in the i18n catalogue; its arguments come from [`Self::note_args`].
    pub fn note_key(&self) -> &'static str {
        match self.projection {
            ProjectedCrs::WebMercator => "boundary-note-reprojected-web-mercator",
            ProjectedCrs::Utm(_) => "boundary-note-reprojected-utm",
        }
    }

    pub fn note_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("crs", self.crs.clone())];
        if let ProjectedCrs::Utm(zone) = self.projection {
            args.push(("zone", zone.label()));
        }
        args
    }
}

/// Why a file cannot be read as boundaries. Feature numbers count from 1, in file order.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundaryError {
    /// Not JSON at all (or cut short).
    #[error("the file is not valid JSON (line {line}, column {column}): {detail}")]
    InvalidJson {
        line: usize,
        column: usize,
        detail: String,
    },
    /// JSON, but not a GeoJSON object.
    #[error("the file is JSON but not GeoJSON: {detail}")]
    NotGeoJson { detail: String },
    /// A bare geometry: there are no properties to name the areas by.
    #[error(
        "the file holds a single {found} geometry without names; boundaries need a FeatureCollection whose features carry the names"
    )]
    BareGeometry { found: String },
    /// A collection without features.
    #[error("the file holds no features")]
    Empty,
    /// One feature is not well-formed GeoJSON.
    #[error("feature {feature} is not valid GeoJSON: {detail}")]
    BadFeature { feature: usize, detail: String },
    /// A feature whose geometry is null or has no coordinates.
    #[error("feature {feature} has no geometry")]
    NoGeometry { feature: usize },
    /// Points and lines are not areas.
    #[error(
        "feature {feature} is a {geometry}, not an area: boundaries must be polygons (Polygon or MultiPolygon); is this a file of points or lines?"
    )]
    NotAnArea { feature: usize, geometry: String },
    /// A ring that encloses nothing.
    #[error("feature {feature} has a ring with fewer than three distinct corners")]
    BadRing { feature: usize },
    /// A legacy `crs` member naming a coordinate system the desk does not reproject.
    #[error(
        "the file declares its coordinates as {crs}, which the desk cannot convert (it reads WGS 84 longitude/latitude, Web Mercator and WGS 84 UTM zones); export the layer again as WGS 84 (EPSG:4326)"
    )]
    DeclaredOther { crs: String },
    /// A position that, read in the declared projected system, is not a position or not in India.
    #[error(
        "feature {feature} has the coordinate {x}, {y}, which read as {crs} does not fall in India; check the coordinate system the file declares"
    )]
    OutsideDeclared {
        crs: String,
        feature: usize,
        x: String,
        y: String,
    },
    /// Coordinates in Web Mercator metres, with no coordinate system declared.
    #[error(
        "the coordinates are Web Mercator (EPSG:3857) metres, not longitude/latitude (feature {feature} has {x}, {y}), and the file does not declare its coordinate system (no \"crs\" member naming it), so the desk will not guess; export the layer again as WGS 84 (EPSG:4326), or with its CRS declared"
    )]
    WebMercator {
        feature: usize,
        x: String,
        y: String,
    },
    /// Coordinates in UTM metres, with no coordinate system declared.
    #[error(
        "the coordinates look like UTM metres (6-digit eastings, 7-digit northings; Jhansi lies in UTM zone 44N, EPSG:32644), not longitude/latitude (feature {feature} has {x}, {y}), and the file does not declare its coordinate system (no \"crs\" member naming the zone), so the desk will not guess; export the layer again as WGS 84 (EPSG:4326), or with its CRS declared"
    )]
    Utm {
        feature: usize,
        x: String,
        y: String,
    },
    /// Coordinates that are neither degrees nor a projection recognised here.
    #[error(
        "feature {feature} has the coordinate {x}, {y}: not longitude/latitude, nor Web Mercator or UTM metres"
    )]
    UnknownCoordinates {
        feature: usize,
        x: String,
        y: String,
    },
    /// Latitude written before longitude.
    #[error(
        "the coordinates seem to be latitude, longitude: as written they fall outside India, swapped they fall inside (feature {feature} has {x}, {y}); GeoJSON puts the longitude first, so export the layer again"
    )]
    Swapped {
        feature: usize,
        x: String,
        y: String,
    },
    /// A feature without a value for the property chosen as the name.
    #[error("feature {feature} has no value for the name property “{property}”")]
    MissingName { feature: usize, property: String },
    /// More features than the desk reads.
    #[error(
        "the file holds {found} features; the desk reads at most {limit} (refused to protect memory)"
    )]
    TooManyFeatures { found: u64, limit: u64 },
    /// More vertices than the desk reads.
    #[error(
        "the file holds {found} vertices; the desk reads at most {limit} (refused to protect memory)"
    )]
    TooManyVertices { found: u64, limit: u64 },
    /// More JSON values (properties, coordinates) than the desk reads.
    #[error(
        "the file holds {found} JSON values (properties and coordinates); the desk reads at most {limit} (refused to protect memory)"
    )]
    TooManyValues { found: u64, limit: u64 },
}

impl BoundaryError {
    /// Key of the message in the i18n catalogue; its arguments come from [`Self::i18n_args`].
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::InvalidJson { .. } => "boundary-error-invalid-json",
            Self::NotGeoJson { .. } => "boundary-error-not-geojson",
            Self::BareGeometry { .. } => "boundary-error-bare-geometry",
            Self::Empty => "boundary-error-empty",
            Self::BadFeature { .. } => "boundary-error-bad-feature",
            Self::NoGeometry { .. } => "boundary-error-no-geometry",
            Self::NotAnArea { .. } => "boundary-error-not-an-area",
            Self::BadRing { .. } => "boundary-error-bad-ring",
            Self::DeclaredOther { .. } => "boundary-error-declared-other",
            Self::OutsideDeclared { .. } => "boundary-error-outside-declared",
            Self::WebMercator { .. } => "boundary-error-web-mercator",
            Self::Utm { .. } => "boundary-error-utm",
            Self::UnknownCoordinates { .. } => "boundary-error-unknown-coordinates",
            Self::Swapped { .. } => "boundary-error-swapped",
            Self::MissingName { .. } => "boundary-error-missing-name",
            Self::TooManyFeatures { .. } => "boundary-error-too-many-features",
            Self::TooManyVertices { .. } => "boundary-error-too-many-vertices",
            Self::TooManyValues { .. } => "boundary-error-too-many-values",
        }
    }

    /// The message's named arguments (numbers as text; the catalogue groups them).
    pub fn i18n_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::InvalidJson {
                line,
                column,
                detail,
            } => vec![
                ("line", line.to_string()),
                ("column", column.to_string()),
                ("detail", detail.clone()),
            ],
            Self::NotGeoJson { detail } => vec![("detail", detail.clone())],
            Self::BareGeometry { found } => vec![("found", found.clone())],
            Self::Empty => Vec::new(),
            Self::BadFeature { feature, detail } => {
                vec![("feature", feature.to_string()), ("detail", detail.clone())]
            }
            Self::NoGeometry { feature } | Self::BadRing { feature } => {
                vec![("feature", feature.to_string())]
            }
            Self::NotAnArea { feature, geometry } => vec![
                ("feature", feature.to_string()),
                ("geometry", geometry.clone()),
            ],
            Self::DeclaredOther { crs } => vec![("crs", crs.clone())],
            Self::OutsideDeclared { crs, feature, x, y } => vec![
                ("crs", crs.clone()),
                ("feature", feature.to_string()),
                ("x", x.clone()),
                ("y", y.clone()),
            ],
            Self::WebMercator { feature, x, y }
            | Self::Utm { feature, x, y }
            | Self::UnknownCoordinates { feature, x, y }
            | Self::Swapped { feature, x, y } => vec![
                ("feature", feature.to_string()),
                ("x", x.clone()),
                ("y", y.clone()),
            ],
            Self::MissingName { feature, property } => vec![
                ("feature", feature.to_string()),
                ("property", property.clone()),
            ],
            Self::TooManyFeatures { found, limit }
            | Self::TooManyVertices { found, limit }
            | Self::TooManyValues { found, limit } => {
                vec![("found", found.to_string()), ("limit", limit.to_string())]
            }
        }
    }
}

/// What the file holds: feature count, property names with guesses, and a sample. The file's geometry and
/// coordinates are checked here already, so a wrong file is refused before the user picks any property.
pub fn preview(text: &str) -> Result<GeoJsonPreview, BoundaryError> {
    preview_within(text, &BoundaryLimits::default())
}

/// [`preview`] within other limits (tests use small ones).
pub fn preview_within(
    text: &str,
    limits: &BoundaryLimits,
) -> Result<GeoJsonPreview, BoundaryError> {
    let (features, reprojected_from) = load(text, limits)?;
    let property_names: Vec<String> = features
        .iter()
        .flat_map(|f| f.properties.keys().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let sample = features
        .iter()
        .take(SAMPLE_FEATURES)
        .map(|f| {
            f.properties
                .iter()
                .map(|(k, v)| (k.clone(), value_text(v).unwrap_or_default()))
                .collect()
        })
        .collect();
    let guessed_name = guess(&property_names, NAME_GUESSES, is_name_like, None);
    let guessed_code = guess(
        &property_names,
        CODE_GUESSES,
        is_code_like,
        guessed_name.as_deref(),
    );
    Ok(GeoJsonPreview {
        features: features.len(),
        property_names,
        sample,
        guessed_name,
        guessed_code,
        reprojected_from,
    })
}

/// The file's areas, in file order, named by `name_property` (trimmed) and coded by `code_property` (empty
/// when not chosen or missing). Refused as a whole at the first problem: a layer with a hole in it would
/// mislead the per-ward counts.
pub fn read_areas(
    text: &str,
    kind: BoundaryKind,
    name_property: &str,
    code_property: Option<&str>,
) -> Result<Vec<BoundaryArea>, BoundaryError> {
    let (features, _) = load(text, &BoundaryLimits::default())?;
    let mut areas = Vec::with_capacity(features.len());
    for (i, feature) in features.into_iter().enumerate() {
        let name = feature
            .properties
            .get(name_property)
            .and_then(value_text)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let Some(name) = name else {
            return Err(BoundaryError::MissingName {
                feature: i + 1,
                property: name_property.to_string(),
            });
        };
        let code = code_property
            .and_then(|p| feature.properties.get(p))
            .and_then(value_text)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        // GeoJSON writes (x, y) = (longitude, latitude); the model keeps (lat, lon).
        let polygons = feature
            .polygons
            .into_iter()
            .map(|rings| {
                rings
                    .into_iter()
                    .map(|ring| ring.into_iter().map(|(x, y)| (y, x)).collect())
                    .collect()
            })
            .collect();
        areas.push(BoundaryArea {
            kind,
            name,
            code,
            polygons,
        });
    }
    Ok(areas)
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and checking

/// A feature that passed every check but the name: its properties and its polygons in (x, y) = (lon, lat).
struct RawFeature {
    properties: Map<String, Value>,
    polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// Areas' bounding boxes, so a point is tested only against the few areas around it.
pub struct AreaTree(RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>);

impl AreaTree {
    pub fn build(areas: &[BoundaryArea]) -> Self {
        // A hair wider than each area: a point on a box edge is still tested against the polygon itself.
        const PAD_DEG: f64 = 1e-9;
        let boxes = areas
            .iter()
            .enumerate()
            .map(|(k, w)| {
                let (lat_lo, lon_lo, lat_hi, lon_hi) = w.bbox();
                GeomWithData::new(
                    Rectangle::from_corners(
                        [lon_lo - PAD_DEG, lat_lo - PAD_DEG],
                        [lon_hi + PAD_DEG, lat_hi + PAD_DEG],
                    ),
                    k as u32,
                )
            })
            .collect();
        Self(RTree::bulk_load(boxes))
    }

    /// Positions in `areas` (the slice the tree was built from) of the areas holding the point, ascending,
    /// into `out`.
    pub fn areas_at(&self, areas: &[BoundaryArea], lat: f64, lon: f64, out: &mut Vec<usize>) {
        out.clear();
        if !(lat.is_finite() && lon.is_finite()) {
            return;
        }
        out.extend(
            self.0
                .locate_all_at_point([lon, lat])
                .map(|b| b.data as usize)
                .filter(|&k| areas.get(k).is_some_and(|a| a.contains(lat, lon))),
        );
        out.sort_unstable();
    }
}

/// The imported layers as the site form asks them: names to choose from, and the area a point falls in.
#[derive(Default)]
pub struct BoundaryIndex {
    areas: Vec<BoundaryArea>,
    tree: Option<AreaTree>,
    /// Per kind ([`BoundaryKind::ALL`] order): the distinct names, in natural order.
    names: [Vec<String>; 2],
}

impl BoundaryIndex {
    pub fn new(areas: Vec<BoundaryArea>) -> Self {
        let names = BoundaryKind::ALL.map(|kind| {
            let mut names: Vec<String> = areas
                .iter()
                .filter(|a| a.kind == kind)
                .map(|a| a.name.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect();
            names.sort_by(|a, b| natural_cmp(a, b));
            names.dedup();
            names
        });
        let tree = Some(AreaTree::build(&areas));
        Self { areas, tree, names }
    }

    fn slot(kind: BoundaryKind) -> usize {
        match kind {
            BoundaryKind::Ward => 0,
            BoundaryKind::PoliceStation => 1,
        }
    }

    /// The layer's area names, in natural order; empty when no layer of that kind is imported.
    pub fn names(&self, kind: BoundaryKind) -> &[String] {
        &self.names[Self::slot(kind)]
    }

    /// The area of that kind the point falls in (of overlapping areas, the first in natural order).
    pub fn area_at(&self, kind: BoundaryKind, lat_deg: f64, lon_deg: f64) -> Option<&BoundaryArea> {
        let tree = self.tree.as_ref()?;
        let mut found = Vec::new();
        tree.areas_at(&self.areas, lat_deg, lon_deg, &mut found);
        found
            .into_iter()
            .filter_map(|k| self.areas.get(k))
            .filter(|a| a.kind == kind)
            .min_by(|a, b| natural_cmp(&a.name, &b.name))
    }
}

/// Whether the text a user typed names the area of this name and code: its name, its code, or "name (code)",
/// ignoring case and the spaces around.
pub fn names_area(typed: &str, name: &str, code: &str) -> bool {
    let typed = typed.trim().to_lowercase();
    let name = name.trim().to_lowercase();
    let code = code.trim().to_lowercase();
    typed == name || (!code.is_empty() && (typed == code || typed == format!("{name} ({code})")))
}

/// The value of a decimal digit, ASCII or Devanagari (० to ९).
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '\u{0966}'..='\u{096F}' => Some(c as u32 - 0x0966),
        _ => None,
    }
}

/// Natural order for area names: runs of digits compare by their value ("Ward 2" before "Ward 10", "वार्ड २"
/// before "वार्ड १०", and ASCII and Devanagari digits of equal value alike), other letters ignoring case; names
/// equal by that are then ordered by their plain text, so the order is total and stable.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                if digit_value(p).is_some() && digit_value(q).is_some() {
                    let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                        let mut digits = Vec::new();
                        while let Some(d) = it.peek().copied().and_then(digit_value) {
                            digits.push(d);
                            it.next();
                        }
                        // Leading zeros do not change the value; without them, longer is larger.
                        let first = digits.iter().position(|&d| d != 0).unwrap_or(digits.len());
                        digits.split_off(first)
                    };
                    let (m, n) = (run(&mut x), run(&mut y));
                    let by_value = m.len().cmp(&n.len()).then_with(|| m.cmp(&n));
                    if by_value != Ordering::Equal {
                        return by_value;
                    }
                } else {
                    let by_letter = p.to_lowercase().cmp(q.to_lowercase());
                    if by_letter != Ordering::Equal {
                        return by_letter;
                    }
                    x.next();
                    y.next();
                }
            }
        }
    }
}

fn short(detail: String) -> String {
    if detail.chars().count() <= MAX_DETAIL_CHARS {
        return detail;
    }
    let mut s: String = detail.chars().take(MAX_DETAIL_CHARS).collect();
    s.push('…');
    s
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

/// Refuses a text that declares more features, vertices or values than `limits`, before it is parsed.
fn check_counts(text: &str, limits: &BoundaryLimits) -> Result<(), BoundaryError> {
    let counts = crate::services::json_count::count(text.as_bytes());
    if counts.features > limits.features {
        return Err(BoundaryError::TooManyFeatures {
            found: counts.features,
            limit: limits.features,
        });
    }
    if counts.positions > limits.vertices {
        return Err(BoundaryError::TooManyVertices {
            found: counts.positions,
            limit: limits.vertices,
        });
    }
    if counts.values > limits.values {
        return Err(BoundaryError::TooManyValues {
            found: counts.values,
            limit: limits.values,
        });
    }
    Ok(())
}

/// Parses the file and checks everything but the names: GeoJSON shape, geometry types, rings, coordinates. A
/// declared projected system is undone first, so the features come back in longitude/latitude.
fn load(
    text: &str,
    limits: &BoundaryLimits,
) -> Result<(Vec<RawFeature>, Option<Reprojection>), BoundaryError> {
    // Windows tools often start UTF-8 files with a byte-order mark, which JSON does not allow.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_counts(text, limits)?;
    let value: Value = serde_json::from_str(text).map_err(|e| BoundaryError::InvalidJson {
        line: e.line(),
        column: e.column(),
        detail: short(e.to_string()),
    })?;
    let Value::Object(mut top) = value else {
        return Err(BoundaryError::NotGeoJson {
            detail: format!("it is a JSON {}, not an object", json_kind(&value)),
        });
    };
    let kind = match top.get("type") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(BoundaryError::NotGeoJson {
                detail: format!("its \"type\" is a {}, not a name", json_kind(other)),
            });
        }
        None => {
            return Err(BoundaryError::NotGeoJson {
                detail: "it has no \"type\" member".into(),
            });
        }
    };
    let reprojection = check_declared_crs(&top)?;
    let features = match kind.as_str() {
        "FeatureCollection" => match top.remove("features") {
            Some(Value::Array(features)) => features,
            Some(other) => {
                return Err(BoundaryError::NotGeoJson {
                    detail: format!(
                        "its \"features\" member is a {}, not a list",
                        json_kind(&other)
                    ),
                });
            }
            None => {
                return Err(BoundaryError::NotGeoJson {
                    detail: "a FeatureCollection without a \"features\" member".into(),
                });
            }
        },
        "Feature" => vec![Value::Object(top)],
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon"
        | "GeometryCollection" => return Err(BoundaryError::BareGeometry { found: kind }),
        other => {
            return Err(BoundaryError::NotGeoJson {
                detail: format!(
                    "its \"type\" is \"{}\", not a GeoJSON type",
                    short(other.into())
                ),
            });
        }
    };
    if features.is_empty() {
        return Err(BoundaryError::Empty);
    }
    let mut out = Vec::with_capacity(features.len());
    for (i, value) in features.into_iter().enumerate() {
        out.push(read_feature(i + 1, value)?);
    }
    if let Some(reprojection) = &reprojection {
        reproject(&mut out, reprojection)?;
    }
    check_coordinates(&out)?;
    Ok((out, reprojection))
}

/// Turns every position from the declared projected metres into (lon, lat) degrees. A position that does not
/// land in India means the declared system (or its zone) is wrong, and a wrong zone moves a ward by hundreds of
/// kilometres, so the file is refused rather than drawn somewhere else.
fn reproject(
    features: &mut [RawFeature],
    reprojection: &Reprojection,
) -> Result<(), BoundaryError> {
    for (i, feature) in features.iter_mut().enumerate() {
        for point in feature.polygons.iter_mut().flatten().flatten() {
            let (x, y) = *point;
            match reprojection.projection.to_wgs84(x, y) {
                Some((lat, lon)) if in_india(lat, lon) => *point = (lon, lat),
                _ => {
                    return Err(BoundaryError::OutsideDeclared {
                        crs: reprojection.crs.clone(),
                        feature: i + 1,
                        x: coordinate_text(x),
                        y: coordinate_text(y),
                    });
                }
            }
        }
    }
    Ok(())
}

fn read_feature(feature: usize, value: Value) -> Result<RawFeature, BoundaryError> {
    let parsed =
        geojson::Feature::from_json_value(value).map_err(|e| BoundaryError::BadFeature {
            feature,
            detail: short(e.to_string()),
        })?;
    let Some(geometry) = parsed.geometry else {
        return Err(BoundaryError::NoGeometry { feature });
    };
    let polygons = match geometry.value {
        geojson::Value::Polygon(rings) => vec![rings],
        geojson::Value::MultiPolygon(polygons) => polygons,
        other => {
            return Err(BoundaryError::NotAnArea {
                feature,
                geometry: other.type_name().to_string(),
            });
        }
    };
    let mut out = Vec::with_capacity(polygons.len());
    for rings in polygons {
        let mut polygon = Vec::with_capacity(rings.len());
        for ring in rings {
            // The geojson crate refuses positions of fewer than two numbers; extra ones (altitude) are dropped.
            let mut points: Vec<(f64, f64)> = ring
                .iter()
                .filter_map(|p| match p.as_slice() {
                    [x, y, ..] => Some((*x, *y)),
                    _ => None,
                })
                .collect();
            let mut corners: Vec<(u64, u64)> = points
                .iter()
                .map(|(x, y)| (x.to_bits(), y.to_bits()))
                .collect();
            corners.sort_unstable();
            corners.dedup();
            let (Some(&first), Some(&last), true) =
                (points.first(), points.last(), corners.len() >= 3)
            else {
                return Err(BoundaryError::BadRing { feature });
            };
            // RFC 7946 rings are closed; close one that is not, so every stored ring looks the same.
            if first != last {
                points.push(first);
            }
            polygon.push(points);
        }
        // An empty polygon ([]) adds nothing; a feature of nothing but those has no geometry.
        if !polygon.is_empty() {
            out.push(polygon);
        }
    }
    if out.is_empty() {
        return Err(BoundaryError::NoGeometry { feature });
    }
    Ok(RawFeature {
        properties: parsed.properties.unwrap_or_default(),
        polygons: out,
    })
}

fn in_india(lat: f64, lon: f64) -> bool {
    (INDIA_LAT_DEG.0..=INDIA_LAT_DEG.1).contains(&lat)
        && (INDIA_LON_DEG.0..=INDIA_LON_DEG.1).contains(&lon)
}

fn is_degrees((x, y): (f64, f64)) -> bool {
    x.abs() <= 180.0 && y.abs() <= 90.0
}

/// A coordinate as the user would find it in the file: metres to the decimetre, degrees to the micro-degree.
fn coordinate_text(v: f64) -> String {
    if v.abs() >= 1_000.0 {
        // Always with a decimal, so the catalogue does not group it like a count.
        format!("{v:.1}")
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Refuses coordinates that are not longitude/latitude, naming what they most likely are.
fn check_coordinates(features: &[RawFeature]) -> Result<(), BoundaryError> {
    let positions = || {
        features.iter().enumerate().flat_map(|(i, f)| {
            f.polygons
                .iter()
                .flatten()
                .flatten()
                .map(move |&p| (i + 1, p))
        })
    };
    let args =
        |feature: usize, (x, y): (f64, f64)| (feature, coordinate_text(x), coordinate_text(y));

    // Swapped: as written no point is in India, swapped most are. (An Indian layer far in the north-east swaps
    // to latitudes above 90, so this comes before the range check.)
    let (mut total, mut as_written, mut swapped) = (0usize, 0usize, 0usize);
    let mut first_swapped = None;
    for (feature, (x, y)) in positions() {
        total += 1;
        as_written += usize::from(in_india(y, x));
        if in_india(x, y) {
            swapped += 1;
            first_swapped.get_or_insert((feature, (x, y)));
        }
    }
    if let (0, Some((feature, p))) = (as_written, first_swapped)
        && swapped * 2 > total
    {
        let (feature, x, y) = args(feature, p);
        return Err(BoundaryError::Swapped { feature, x, y });
    }

    // Degrees everywhere: longitude/latitude.
    let Some((feature, first)) = positions().find(|(_, p)| !is_degrees(*p)) else {
        return Ok(());
    };
    // Otherwise judge by the positions that are not degrees. India in Web Mercator has 7- or 8-digit x
    // (7.5–10.9 million metres), so 6-digit eastings with northings under 10 million are UTM's.
    let outside = || positions().map(|(_, p)| p).filter(|p| !is_degrees(*p));
    let (feature, x, y) = args(feature, first);
    if outside()
        .all(|(x, y)| (100_000.0..1_000_000.0).contains(&x) && (0.0..=10_000_000.0).contains(&y))
    {
        return Err(BoundaryError::Utm { feature, x, y });
    }
    // A hair of slack: exporters round the edge of the world outwards.
    let limit = MERCATOR_MAX_M * 1.000_001;
    if outside().all(|(x, y)| x.abs() <= limit && y.abs() <= limit) {
        return Err(BoundaryError::WebMercator { feature, x, y });
    }
    Err(BoundaryError::UnknownCoordinates { feature, x, y })
}

/// What a legacy (pre-RFC 7946) `crs` member names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DeclaredCrs {
    /// WGS 84 longitude/latitude, or a name too vague to judge: the coordinates themselves are checked.
    Degrees,
    /// Metres the desk turns back into degrees.
    Projected(Reprojection),
    Other,
}

/// Reads `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}` or the older
/// `{"type": "EPSG", "properties": {"code": 3857}}`.
fn classify_crs(name: &str) -> DeclaredCrs {
    let upper = name.to_ascii_uppercase();
    if upper.contains("CRS84") || upper.contains("CRS:84") {
        return DeclaredCrs::Degrees;
    }
    // The code is the last number: "EPSG:3857", "urn:ogc:def:crs:EPSG::3857", ".../def/crs/EPSG/0/3857".
    let code = upper
        .rsplit(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse::<u64>().ok());
    let is_registry = upper.contains("EPSG") || upper.contains("ESRI");
    if let Some((c, zone)) =
        code.and_then(|c| Some((c, UtmZone::from_epsg(u32::try_from(c).ok()?)?)))
    {
        return DeclaredCrs::Projected(Reprojection {
            crs: format!("EPSG:{c}"),
            projection: ProjectedCrs::Utm(zone),
        });
    }
    match code {
        Some(4326 | 4979) => DeclaredCrs::Degrees,
        // 3857 and the codes it had before EPSG took it: 900913 (Google), 3785, ESRI 102100 and 102113.
        Some(c @ (3857 | 900_913 | 3785)) => DeclaredCrs::Projected(Reprojection {
            crs: format!("EPSG:{c}"),
            projection: ProjectedCrs::WebMercator,
        }),
        Some(c @ (102_100 | 102_113)) => DeclaredCrs::Projected(Reprojection {
            crs: format!("ESRI:{c}"),
            projection: ProjectedCrs::WebMercator,
        }),
        Some(_) if is_registry => DeclaredCrs::Other,
        _ => DeclaredCrs::Degrees,
    }
}

/// The projected system to undo, if the file declares one; refuses a declared system the desk cannot convert.
fn check_declared_crs(object: &Map<String, Value>) -> Result<Option<Reprojection>, BoundaryError> {
    let Some(properties) = object.get("crs").and_then(|c| c.get("properties")) else {
        return Ok(None);
    };
    let name = match (properties.get("name"), properties.get("code")) {
        (Some(Value::String(name)), _) => name.clone(),
        (_, Some(code)) => match value_text(code) {
            Some(code) => format!("EPSG:{code}"),
            None => return Ok(None),
        },
        // A link to a definition, or nothing readable: let the coordinates speak.
        _ => return Ok(None),
    };
    let crs = short(name);
    match classify_crs(&crs) {
        DeclaredCrs::Degrees => Ok(None),
        DeclaredCrs::Projected(reprojection) => Ok(Some(reprojection)),
        DeclaredCrs::Other => Err(BoundaryError::DeclaredOther { crs }),
    }
}

/// A property value as text; `None` for null.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Guessing the name and code properties

/// Property names (lower case, letters and digits only) that hold an area's name, best first.
const NAME_GUESSES: &[&str] = &[
    "wardname",
    "wardnm",
    "nameofward",
    "psname",
    "thananame",
    "policestation",
    "policestationname",
    "stationname",
    "thana",
    "name",
    "nameen",
    "nameeng",
    "englishname",
    "ward",
];

/// Property names that hold an area's number or code, best first.
const CODE_GUESSES: &[&str] = &[
    "wardnum",
    "wardno",
    "wardnumber",
    "wardcode",
    "wardid",
    "psno",
    "pscode",
    "psid",
    "thanacode",
    "thanano",
    "code",
    "number",
    "num",
    "no",
    "id",
    "objectid",
    "fid",
];

fn normalised(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_name_like(n: &str) -> bool {
    n.contains("name") || n.ends_with("nm")
}

fn is_code_like(n: &str) -> bool {
    // Census-style names carry the year: "DTCODE11".
    let n = n.trim_end_matches(|c: char| c.is_ascii_digit());
    n.contains("code") || ["no", "num", "id"].iter().any(|s| n.ends_with(s))
}

/// The best-ranked exact match, else the first name (in sorted order) that merely looks right; never `except`.
fn guess(
    names: &[String],
    ranked: &[&str],
    looks_right: fn(&str) -> bool,
    except: Option<&str>,
) -> Option<String> {
    let candidates: Vec<(&String, String)> = names
        .iter()
        .filter(|n| Some(n.as_str()) != except)
        .map(|n| (n, normalised(n)))
        .collect();
    ranked
        .iter()
        .find_map(|want| candidates.iter().find(|(_, n)| n == want))
        .or_else(|| candidates.iter().find(|(_, n)| looks_right(n)))
        .map(|(name, _)| (*name).clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Lang};

    /// A FeatureCollection of one square ward near Jhansi per (name, number), positions as written.
    fn collection(features: &[(&str, i64, &str)]) -> String {
        let features: Vec<String> = features
            .iter()
            .map(|(name, num, geometry)| {
                format!(
                    r#"{{"type":"Feature","properties":{{"Ward Name":"{name}","Ward Num":{num},"Zone":2}},"geometry":{geometry}}}"#
                )
            })
            .collect();
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    /// A closed square ring of `side`, (x, y) as written.
    fn square(x: f64, y: f64, side: f64) -> String {
        format!(
            "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
            x + side,
            x + side,
            y + side,
            y + side
        )
    }

    fn polygon(ring: &str) -> String {
        format!(r#"{{"type":"Polygon","coordinates":[{ring}]}}"#)
    }

    fn jhansi_square() -> String {
        polygon(&square(78.56, 25.44, 0.01))
    }

    #[test]
    fn a_layer_over_the_limits_is_refused_before_it_is_parsed() {
        // Three wards of five vertices each: 3 features, 15 vertices, 78 JSON values.
        let square = jhansi_square();
        let text = collection(&[("A", 1, &square), ("B", 2, &square), ("C", 3, &square)]);
        let roomy = BoundaryLimits {
            file_bytes: 1 << 20,
            features: 3,
            vertices: 15,
            values: 1_000,
        };
        assert_eq!(preview_within(&text, &roomy).unwrap().features, 3);
        let tight = |f: fn(&mut BoundaryLimits)| {
            let mut limits = roomy;
            f(&mut limits);
            preview_within(&text, &limits).unwrap_err()
        };
        assert_eq!(
            tight(|l| l.features = 2),
            BoundaryError::TooManyFeatures { found: 3, limit: 2 }
        );
        assert_eq!(
            tight(|l| l.vertices = 14),
            BoundaryError::TooManyVertices {
                found: 15,
                limit: 14
            }
        );
        assert_eq!(
            tight(|l| l.values = 77),
            BoundaryError::TooManyValues {
                found: 78,
                limit: 77
            }
        );
        // Text that is not even JSON is counted, not parsed, first: a flood of numbers is refused by count.
        let flood = format!("[{}0]", "0,".repeat(30));
        assert!(matches!(
            preview_within(
                &flood,
                &BoundaryLimits {
                    values: 20,
                    ..roomy
                }
            ),
            Err(BoundaryError::TooManyValues { found: 32, .. })
        ));
        // The limits the desk uses: 5 million vertices, and files up to 128 MB.
        let desk = BoundaryLimits::default();
        assert_eq!(desk.vertices, 5_000_000);
        assert_eq!(desk.file_bytes, 128 * 1024 * 1024);
    }

    #[test]
    fn names_sort_naturally_in_latin_and_devanagari_digits() {
        let mut names = vec![
            "Ward 10",
            "ward 2",
            "Ward 1",
            "Ward 02",
            "Ward 2A",
            "Civil Lines",
            "वार्ड १०",
            "वार्ड २",
            "वार्ड 3",
            "Ward 100",
            "Ward",
            "Sipri Bazar",
            "वार्ड",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "Civil Lines",
                "Sipri Bazar",
                "Ward",
                "Ward 1",
                // Equal in value: the plain text decides, so the order is total.
                "Ward 02",
                "ward 2",
                "Ward 2A",
                "Ward 10",
                "Ward 100",
                "वार्ड",
                "वार्ड २",
                "वार्ड 3",
                "वार्ड १०",
            ]
        );
        assert_eq!(natural_cmp("Ward 2", "Ward 10"), Ordering::Less);
        assert_eq!(natural_cmp("वार्ड २", "वार्ड 2"), "वार्ड २".cmp("वार्ड 2"));
        // Digit runs longer than any integer do not overflow.
        assert_eq!(
            natural_cmp(
                "Ward 99999999999999999999999",
                "Ward 100000000000000000000000"
            ),
            Ordering::Less
        );
        assert_eq!(natural_cmp("", ""), Ordering::Equal);
        assert_eq!(natural_cmp("", "a"), Ordering::Less);
    }

    fn square_area(
        kind: BoundaryKind,
        name: &str,
        code: &str,
        lat: f64,
        lon: f64,
        side: f64,
    ) -> BoundaryArea {
        BoundaryArea {
            kind,
            name: name.into(),
            code: code.into(),
            polygons: vec![vec![vec![
                (lat, lon),
                (lat, lon + side),
                (lat + side, lon + side),
                (lat + side, lon),
                (lat, lon),
            ]]],
        }
    }

    #[test]
    fn a_point_finds_its_ward_and_police_station() {
        let index = BoundaryIndex::new(vec![
            square_area(BoundaryKind::Ward, "Ward 10", "10", 25.40, 78.50, 0.05),
            square_area(BoundaryKind::Ward, "Ward 2", "2", 25.45, 78.50, 0.05),
            square_area(
                BoundaryKind::PoliceStation,
                "Nawabad",
                "",
                25.40,
                78.50,
                0.10,
            ),
            square_area(BoundaryKind::Ward, "Ward 2", "2", 25.60, 78.50, 0.01),
        ]);
        assert_eq!(index.names(BoundaryKind::Ward), ["Ward 2", "Ward 10"]);
        assert_eq!(index.names(BoundaryKind::PoliceStation), ["Nawabad"]);
        let at = |kind, lat, lon| index.area_at(kind, lat, lon).map(|a| a.name.as_str());
        assert_eq!(at(BoundaryKind::Ward, 25.42, 78.52), Some("Ward 10"));
        assert_eq!(at(BoundaryKind::Ward, 25.47, 78.52), Some("Ward 2"));
        assert_eq!(
            at(BoundaryKind::PoliceStation, 25.47, 78.52),
            Some("Nawabad")
        );
        assert_eq!(at(BoundaryKind::Ward, 25.70, 78.52), None);
        assert_eq!(at(BoundaryKind::Ward, f64::NAN, 78.52), None);
        let empty = BoundaryIndex::default();
        assert!(empty.names(BoundaryKind::Ward).is_empty());
        assert_eq!(
            empty
                .area_at(BoundaryKind::Ward, 25.42, 78.52)
                .map(|a| a.code.clone()),
            None
        );
        // What a user types names the area by its name, code or both, in any case.
        let ward = index.area_at(BoundaryKind::Ward, 25.42, 78.52).unwrap();
        for typed in ["Ward 10", " ward 10 ", "10", "Ward 10 (10)"] {
            assert!(names_area(typed, &ward.name, &ward.code), "{typed}");
        }
        for typed in ["Ward 1", "", "Ward 100"] {
            assert!(!names_area(typed, &ward.name, &ward.code), "{typed}");
        }
    }

    #[test]
    fn a_good_file_previews_and_reads() {
        let text = collection(&[
            ("Sipri Bazar", 12, &jhansi_square()),
            (
                "Nawabad",
                7,
                &format!(
                    r#"{{"type":"MultiPolygon","coordinates":[[{}],[{},{}]]}}"#,
                    square(78.58, 25.45, 0.01),
                    square(78.60, 25.45, 0.02),
                    square(78.605, 25.455, 0.005)
                ),
            ),
        ]);
        let preview = preview(&text).unwrap();
        assert_eq!(preview.features, 2);
        assert_eq!(preview.property_names, ["Ward Name", "Ward Num", "Zone"]);
        assert_eq!(preview.sample.len(), 2);
        assert_eq!(preview.sample[0]["Ward Num"], "12");
        assert_eq!(preview.guessed_name.as_deref(), Some("Ward Name"));
        assert_eq!(preview.guessed_code.as_deref(), Some("Ward Num"));

        let areas = read_areas(&text, BoundaryKind::Ward, "Ward Name", Some("Ward Num")).unwrap();
        assert_eq!(areas.len(), 2);
        assert_eq!(
            (areas[0].name.as_str(), areas[0].code.as_str()),
            ("Sipri Bazar", "12")
        );
        assert_eq!(areas[0].kind, BoundaryKind::Ward);
        // Stored as (lat, lon).
        assert_eq!(areas[0].polygons[0][0][0], (25.44, 78.56));
        assert!(areas[0].contains(25.445, 78.565));
        assert_eq!(areas[1].polygons.len(), 2);
        assert_eq!(areas[1].polygons[1].len(), 2, "outer ring and hole");
        assert!(!areas[1].contains(25.4575, 78.6075), "in the hole");
        // Without a code property the code is empty.
        let areas = read_areas(&text, BoundaryKind::PoliceStation, "Ward Name", None).unwrap();
        assert_eq!(areas[0].code, "");
        assert_eq!(areas[0].kind, BoundaryKind::PoliceStation);
        // A single Feature, an open ring (closed on reading), a byte-order mark and altitudes are all fine.
        let single = "\u{feff}{\"type\":\"Feature\",\"properties\":{\"name\":\"Ganj\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[78.58,25.46,210.0],[78.59,25.46,211.0],[78.59,25.47,209.5]]]}}".to_string();
        let areas = read_areas(&single, BoundaryKind::Ward, "name", None).unwrap();
        assert_eq!(areas[0].polygons[0][0].len(), 4);
        assert_eq!(areas[0].polygons[0][0][3], (25.46, 78.58));
    }

    #[test]
    fn names_are_required_and_named_by_feature() {
        let text = collection(&[
            ("Sipri Bazar", 12, &jhansi_square()),
            ("  ", 13, &jhansi_square()),
        ]);
        assert_eq!(
            read_areas(&text, BoundaryKind::Ward, "Ward Name", None).unwrap_err(),
            BoundaryError::MissingName {
                feature: 2,
                property: "Ward Name".into()
            }
        );
        assert_eq!(
            read_areas(&text, BoundaryKind::Ward, "WARD_NAME", None).unwrap_err(),
            BoundaryError::MissingName {
                feature: 1,
                property: "WARD_NAME".into()
            }
        );
        // A number is a fine name ("Ward 12" files often only have numbers).
        let areas = read_areas(&text, BoundaryKind::Ward, "Ward Num", None).unwrap();
        assert_eq!(areas[1].name, "13");
    }

    #[test]
    fn web_mercator_and_utm_coordinates_are_refused_by_name() {
        // Jhansi in Web Mercator metres.
        let mercator = collection(&[(
            "Sipri Bazar",
            12,
            &polygon(&square(8_744_000.0, 2_930_000.0, 1_000.0)),
        )]);
        let err = read_areas(&mercator, BoundaryKind::Ward, "Ward Name", None).unwrap_err();
        assert_eq!(
            err,
            BoundaryError::WebMercator {
                feature: 1,
                x: "8744000.0".into(),
                y: "2930000.0".into()
            }
        );
        assert!(err.to_string().contains("EPSG:3857"), "{err}");
        assert!(err.to_string().contains("does not declare"), "{err}");
        assert_eq!(preview(&mercator).unwrap_err(), err);
        // Jhansi in UTM zone 44N: 6-digit eastings, 7-digit northings.
        let utm = collection(&[(
            "Sipri Bazar",
            12,
            &polygon(&square(256_400.0, 2_815_600.0, 1_000.0)),
        )]);
        let err = read_areas(&utm, BoundaryKind::Ward, "Ward Name", None).unwrap_err();
        assert!(
            matches!(err, BoundaryError::Utm { feature: 1, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("44N"), "{err}");
        let english = I18n::new(Lang::En).tr_args(err.i18n_key(), &err.i18n_args());
        assert!(
            english.contains("does not declare its coordinate system"),
            "{english}"
        );
        // Neither: kilometres from somewhere, or nonsense.
        let odd = collection(&[
            ("Sipri Bazar", 12, &jhansi_square()),
            ("Nawabad", 7, &polygon(&square(5e7, 5e7, 10.0))),
        ]);
        assert!(matches!(
            read_areas(&odd, BoundaryKind::Ward, "Ward Name", None).unwrap_err(),
            BoundaryError::UnknownCoordinates { feature: 2, .. }
        ));
    }

    #[test]
    fn legacy_crs_members_are_read() {
        let with_crs = |crs: &str, geometry: &str| {
            collection(&[("Sipri Bazar", 12, geometry)]).replacen(
                r#"{"type":"FeatureCollection","#,
                &format!(r#"{{"type":"FeatureCollection","crs":{crs},"#),
                1,
            )
        };
        let named = |name: &str, geometry: &str| {
            with_crs(
                &format!(r#"{{"type":"name","properties":{{"name":"{name}"}}}}"#),
                geometry,
            )
        };
        // The Jhansi square's corners, projected by the model's forward formulas.
        let corners = [
            (25.44, 78.56),
            (25.44, 78.57),
            (25.45, 78.57),
            (25.45, 78.56),
        ];
        let ring = |project: &dyn Fn(f64, f64) -> (f64, f64)| {
            let points: Vec<String> = corners
                .iter()
                .chain(corners.first())
                .map(|&(lat, lon)| {
                    let (x, y) = project(lat, lon);
                    format!("[{x},{y}]")
                })
                .collect();
            polygon(&format!("[{}]", points.join(",")))
        };
        let mercator = ring(&|lat, lon| crate::model::projection::wgs84_to_web_mercator(lat, lon));
        let zone_44n = UtmZone::from_epsg(32_644).unwrap();
        let utm = ring(&|lat, lon| crate::model::projection::wgs84_to_utm(zone_44n, lat, lon));
        let cases = [
            (named("EPSG:3857", &mercator), "EPSG:3857"),
            (named("urn:ogc:def:crs:EPSG::3857", &mercator), "EPSG:3857"),
            (named("EPSG:900913", &mercator), "EPSG:900913"),
            (named("ESRI:102100", &mercator), "ESRI:102100"),
            (named("urn:ogc:def:crs:EPSG::32644", &utm), "EPSG:32644"),
            (
                with_crs(r#"{"type":"EPSG","properties":{"code":32644}}"#, &utm),
                "EPSG:32644",
            ),
        ];
        for (text, crs) in cases {
            let found = preview(&text).unwrap_or_else(|e| panic!("{crs}: {e}"));
            let reprojection = found.reprojected_from.expect("reprojected");
            assert_eq!(reprojection.crs, crs);
            let areas = read_areas(&text, BoundaryKind::Ward, "Ward Name", None).unwrap();
            for (&(lat, lon), &(got_lat, got_lon)) in corners.iter().zip(&areas[0].polygons[0][0]) {
                let north_m = (got_lat - lat) * 111_320.0;
                let east_m = (got_lon - lon) * 111_320.0 * lat.to_radians().cos();
                assert!(north_m.hypot(east_m) < 0.5, "{crs}: {got_lat} {got_lon}");
            }
        }
        let utm_note = preview(&named("urn:ogc:def:crs:EPSG::32644", &utm))
            .unwrap()
            .reprojected_from
            .unwrap();
        let english = I18n::new(Lang::En).tr_args(utm_note.note_key(), &utm_note.note_args());
        assert!(english.contains("UTM zone 44N (EPSG:32644)"), "{english}");
        let hindi = I18n::new(Lang::Hi).tr_args(utm_note.note_key(), &utm_note.note_args());
        assert!(hindi.contains("UTM ज़ोन 44N (EPSG:32644)"), "{hindi}");
        // A wrong zone moves the ward by the zones between: zone 3N puts it in the Pacific, and it is refused.
        let wrong = named("EPSG:32603", &utm);
        assert_eq!(
            preview(&wrong).unwrap_err(),
            BoundaryError::OutsideDeclared {
                crs: "EPSG:32603".into(),
                feature: 1,
                x: coordinate_text(wgs84_first(&utm).0),
                y: coordinate_text(wgs84_first(&utm).1),
            }
        );
        // Degrees declared as metres fall near (0, 0), not in India.
        assert!(matches!(
            preview(&named("EPSG:3857", &jhansi_square())).unwrap_err(),
            BoundaryError::OutsideDeclared { feature: 1, .. }
        ));
        // South UTM zones are read too (and here refused because the points land in the Indian Ocean).
        assert!(matches!(
            preview(&with_crs(
                r#"{"type":"EPSG","properties":{"code":32744}}"#,
                &utm
            ))
            .unwrap_err(),
            BoundaryError::OutsideDeclared { .. }
        ));
        assert_eq!(
            preview(&named("EPSG:24378", &jhansi_square())).unwrap_err(),
            BoundaryError::DeclaredOther {
                crs: "EPSG:24378".into()
            }
        );
        // WGS 84 in its several spellings, a link, or a vague name: the coordinates decide.
        let square = jhansi_square();
        for ok in [
            named("EPSG:4326", &square),
            named("urn:ogc:def:crs:OGC:1.3:CRS84", &square),
            named("urn:ogc:def:crs:EPSG::4326", &square),
            named("WGS 1984", &square),
            with_crs(
                r#"{"type":"link","properties":{"href":"http://example.org/crs"}}"#,
                &square,
            ),
            with_crs("null", &square),
        ] {
            let found = preview(&ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(found.reprojected_from, None);
        }
    }

    /// The first position of a polygon written by the test above.
    fn wgs84_first(geometry: &str) -> (f64, f64) {
        let value: Value = serde_json::from_str(geometry).unwrap();
        let p = &value["coordinates"][0][0];
        (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())
    }

    #[test]
    fn swapped_latitude_and_longitude_are_refused() {
        // (lat, lon) written where (lon, lat) belongs: as written, lat 78 is in the Arctic; swapped, Jhansi.
        let swapped = collection(&[("Sipri Bazar", 12, &polygon(&square(25.44, 78.56, 0.01)))]);
        let err = preview(&swapped).unwrap_err();
        assert_eq!(
            err,
            BoundaryError::Swapped {
                feature: 1,
                x: "25.44".into(),
                y: "78.56".into()
            }
        );
        // The north-east swaps to "latitudes" above 90: still swapped, not some projection.
        let shillong = collection(&[("Laitumkhrah", 1, &polygon(&square(25.57, 91.89, 0.01)))]);
        assert!(matches!(
            preview(&shillong).unwrap_err(),
            BoundaryError::Swapped { .. }
        ));
        // Right way round outside India (Trafford, UK) is not "swapped": it is read.
        let trafford = collection(&[("Sale", 1, &polygon(&square(-2.32, 53.42, 0.01)))]);
        assert!(preview(&trafford).is_ok());
    }

    #[test]
    fn points_lines_and_broken_files_are_refused_clearly() {
        let point = r#"{"type":"Point","coordinates":[78.57,25.45]}"#;
        let line = r#"{"type":"LineString","coordinates":[[78.57,25.45],[78.58,25.46]]}"#;
        let cases: Vec<(String, BoundaryError)> = vec![
            (
                collection(&[("A", 1, &jhansi_square()), ("B", 2, point)]),
                BoundaryError::NotAnArea {
                    feature: 2,
                    geometry: "Point".into(),
                },
            ),
            (
                collection(&[("A", 1, line)]),
                BoundaryError::NotAnArea {
                    feature: 1,
                    geometry: "LineString".into(),
                },
            ),
            (
                collection(&[("A", 1, "null")]),
                BoundaryError::NoGeometry { feature: 1 },
            ),
            (
                collection(&[("A", 1, r#"{"type":"Polygon","coordinates":[]}"#)]),
                BoundaryError::NoGeometry { feature: 1 },
            ),
            (
                collection(&[(
                    "A",
                    1,
                    r#"{"type":"Polygon","coordinates":[[[78.5,25.4],[78.6,25.4],[78.5,25.4]]]}"#,
                )]),
                BoundaryError::BadRing { feature: 1 },
            ),
            (
                r#"{"type":"FeatureCollection","features":[]}"#.into(),
                BoundaryError::Empty,
            ),
            (
                point.into(),
                BoundaryError::BareGeometry {
                    found: "Point".into(),
                },
            ),
            (
                "[1, 2]".into(),
                BoundaryError::NotGeoJson {
                    detail: "it is a JSON list, not an object".into(),
                },
            ),
            (
                r#"{"type":"Topology"}"#.into(),
                BoundaryError::NotGeoJson {
                    detail: "its \"type\" is \"Topology\", not a GeoJSON type".into(),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(preview(&text).unwrap_err(), want, "{text}");
        }
        assert!(matches!(
            preview("{\"type\": \"FeatureCollection\",").unwrap_err(),
            BoundaryError::InvalidJson { line: 1, .. }
        ));
        assert!(matches!(
            preview("").unwrap_err(),
            BoundaryError::InvalidJson { .. }
        ));
        assert!(matches!(
            preview(&collection(&[(
                "A",
                1,
                r#"{"type":"Polygon","coordinates":[[[78.5]]]}"#
            )]))
            .unwrap_err(),
            BoundaryError::BadFeature { feature: 1, .. }
        ));
    }

    #[test]
    fn guesses_follow_common_property_names() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases: [(&[&str], Option<&str>, Option<&str>); 7] = [
            (
                &["Ward Name", "Ward Num", "Zone", "id"],
                Some("Ward Name"),
                Some("Ward Num"),
            ),
            (
                &["OBJECTID", "ward_name", "ward_no"],
                Some("ward_name"),
                Some("ward_no"),
            ),
            (&["NAME", "CODE", "Shape_Area"], Some("NAME"), Some("CODE")),
            (
                &["PS_NAME", "PS_CODE", "DISTRICT"],
                Some("PS_NAME"),
                Some("PS_CODE"),
            ),
            (&["thana", "fid"], Some("thana"), Some("fid")),
            (&["DTNAME", "DTCODE11"], Some("DTNAME"), Some("DTCODE11")),
            (&["Shape_Leng", "Shape_Area"], None, None),
        ];
        for (list, name, code) in cases {
            let list = names(list);
            let got_name = guess(&list, NAME_GUESSES, is_name_like, None);
            let got_code = guess(&list, CODE_GUESSES, is_code_like, got_name.as_deref());
            assert_eq!(
                (got_name.as_deref(), got_code.as_deref()),
                (name, code),
                "{list:?}"
            );
        }
        // A ward number alone is the code, not also the name.
        let list = names(&["ward", "id"]);
        let name = guess(&list, NAME_GUESSES, is_name_like, None);
        assert_eq!(name.as_deref(), Some("ward"));
        assert_eq!(
            guess(&list, CODE_GUESSES, is_code_like, name.as_deref()).as_deref(),
            Some("id")
        );
    }

    #[test]
    fn every_error_has_a_message_in_both_languages() {
        let errors = [
            BoundaryError::InvalidJson {
                line: 3,
                column: 14,
                detail: "expected value".into(),
            },
            BoundaryError::NotGeoJson {
                detail: "no type".into(),
            },
            BoundaryError::BareGeometry {
                found: "Polygon".into(),
            },
            BoundaryError::Empty,
            BoundaryError::BadFeature {
                feature: 2,
                detail: "bad id".into(),
            },
            BoundaryError::NoGeometry { feature: 4 },
            BoundaryError::NotAnArea {
                feature: 1,
                geometry: "Point".into(),
            },
            BoundaryError::BadRing { feature: 1_234 },
            BoundaryError::OutsideDeclared {
                crs: "EPSG:32603".into(),
                feature: 1,
                x: "256400.0".into(),
                y: "2815600.0".into(),
            },
            BoundaryError::DeclaredOther {
                crs: "EPSG:24378".into(),
            },
            BoundaryError::WebMercator {
                feature: 1,
                x: "8744000.0".into(),
                y: "2930000.0".into(),
            },
            BoundaryError::Utm {
                feature: 1,
                x: "256400.0".into(),
                y: "2815600.0".into(),
            },
            BoundaryError::UnknownCoordinates {
                feature: 9,
                x: "50000000.0".into(),
                y: "1.5".into(),
            },
            BoundaryError::Swapped {
                feature: 1,
                x: "25.44".into(),
                y: "78.56".into(),
            },
            BoundaryError::MissingName {
                feature: 12,
                property: "Ward Name".into(),
            },
            BoundaryError::TooManyFeatures {
                found: 1_200_000,
                limit: 1_000_000,
            },
            BoundaryError::TooManyVertices {
                found: 7_000_000,
                limit: 5_000_000,
            },
            BoundaryError::TooManyValues {
                found: 20_000_000,
                limit: 16_000_000,
            },
        ];
        let mut keys = BTreeSet::new();
        for lang in Lang::ALL {
            let i18n = I18n::new(lang);
            for e in &errors {
                let key = e.i18n_key();
                keys.insert(key);
                let text = i18n.tr_args(key, &e.i18n_args());
                assert_ne!(text, key, "{lang:?}: no message for {key}");
                assert!(
                    !text.contains('{'),
                    "{lang:?} {key}: an argument is missing: {text}"
                );
                for (name, value) in e.i18n_args() {
                    let shown = value
                        .parse::<i64>()
                        .map_or(value.clone(), crate::i18n::indian_grouping);
                    assert!(
                        text.contains(&shown),
                        "{lang:?} {key}: ${name} not shown: {text}"
                    );
                }
            }
        }
        assert_eq!(keys.len(), errors.len(), "one key per variant");
    }

    /// Never a panic, whatever the file: cut short anywhere, bytes changed at random, odd shapes.
    #[test]
    fn mangled_files_are_refused_without_panicking() {
        let good = collection(&[
            ("Sipri Bazar", 12, &jhansi_square()),
            (
                "Nawabad",
                7,
                &format!(
                    r#"{{"type":"MultiPolygon","coordinates":[[{},{}]]}}"#,
                    square(78.58, 25.45, 0.02),
                    square(78.585, 25.455, 0.005)
                ),
            ),
        ]);
        let run = |text: &str| {
            let _ = preview(text);
            let _ = read_areas(text, BoundaryKind::Ward, "Ward Name", Some("Ward Num"));
            let _ = read_areas(text, BoundaryKind::Ward, "", None);
        };
        for end in (0..=good.len()).filter(|&i| good.is_char_boundary(i)) {
            run(&good[..end]);
        }
        let mut rng = crate::services::demo::SplitMix64::new(7);
        let alphabet = b"{}[],:\"0123456789.-eE nulltruefalse\\";
        for _ in 0..3_000 {
            let mut bytes = good.clone().into_bytes();
            for _ in 0..1 + rng.next_u64() % 4 {
                let at = (rng.next_u64() % bytes.len() as u64) as usize;
                bytes[at] = alphabet[(rng.next_u64() % alphabet.len() as u64) as usize];
            }
            run(&String::from_utf8_lossy(&bytes));
        }
        for text in [
            "null",
            "\"FeatureCollection\"",
            "{}",
            r#"{"type":null}"#,
            r#"{"type":"FeatureCollection"}"#,
            r#"{"type":"FeatureCollection","features":{}}"#,
            r#"{"type":"FeatureCollection","features":[null, 1, "x"]}"#,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature"}]}"#,
            r#"{"type":"FeatureCollection","crs":{"properties":{"name":7}},"features":[]}"#,
            r#"{"type":"FeatureCollection","crs":{"properties":{"code":[1]}},"features":[]}"#,
            r#"{"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[[[1e308,1e308],[-1e308,1e308],[0,0]]]}}"#,
            r#"{"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[[[1e999,0],[1,1],[0,1]]]}}"#,
            r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"MultiPolygon","coordinates":[[]]}}"#,
            r#"{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"GeometryCollection","geometries":[]}}"#,
            &"[".repeat(100_000),
            &format!("{}{}", "{\"a\":".repeat(10_000), "1"),
        ] {
            run(text);
        }
    }
}
