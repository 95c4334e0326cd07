//! Rules for reading camera lists that others made: what a column header means, how a coordinate or a
//! direction is written, and when a value is refused. Pure, so every rule is unit-tested and the importer, the
//! CLI and the import screen apply the same ones.
//!
//! The rules err on the side of refusing: a camera placed 8,000 km away, or facing the wrong way, is worse than
//! a row the operator fixes and imports again. Where a value is usable but was changed (the first of several
//! directions, the middle of a range), the row carries a note that says so.

use serde::{Deserialize, Serialize};

use super::{AreaWatched, OwnerCategory};

use super::area::{LatLonBox, ServiceArea};

/// What a column of an imported file can hold.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// The owner's or source's own id of the camera (duplicate detection across imports).
    SourceId,
    /// Camera name ("Main gate"); the location text when the file has nothing better.
    Label,
    /// Site (premises) name in English.
    SiteName,
    /// Site name in Hindi (Devanagari).
    SiteNameHi,
    /// The owner or operator ("Trafford Council", a hotel's name).
    Operator,
    /// Owner category words ("hotel", "school", "government").
    OwnerCategory,
    Latitude,
    Longitude,
    /// Both coordinates as WKT `POINT (lon lat)`.
    PointWkt,
    /// Facing direction: degrees, compass words, several values or a range.
    Direction,
    FieldOfView,
    Range,
    /// What the camera watches ("entrance", "parking", "room"…).
    AreaWatched,
    Address,
    Ward,
    PoliceStation,
    ContactPerson,
    Phone,
    StreamUrl,
    SnapshotUrl,
    NvrHost,
    NvrChannel,
    Make,
    Model,
    Username,
    Password,
    Notes,
    /// Days the site's recorder keeps footage ("30", "30 days").
    RecorderRetention,
}

impl ImportField {
    pub const ALL: [Self; 28] = [
        Self::SourceId,
        Self::Label,
        Self::SiteName,
        Self::SiteNameHi,
        Self::Operator,
        Self::OwnerCategory,
        Self::Latitude,
        Self::Longitude,
        Self::PointWkt,
        Self::Direction,
        Self::FieldOfView,
        Self::Range,
        Self::AreaWatched,
        Self::Address,
        Self::Ward,
        Self::PoliceStation,
        Self::ContactPerson,
        Self::Phone,
        Self::StreamUrl,
        Self::SnapshotUrl,
        Self::NvrHost,
        Self::NvrChannel,
        Self::Make,
        Self::Model,
        Self::Username,
        Self::Password,
        Self::Notes,
        Self::RecorderRetention,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::SourceId => "source_id",
            Self::Label => "label",
            Self::SiteName => "site_name",
            Self::SiteNameHi => "site_name_hi",
            Self::Operator => "operator",
            Self::OwnerCategory => "owner_category",
            Self::Latitude => "latitude",
            Self::Longitude => "longitude",
            Self::PointWkt => "point_wkt",
            Self::Direction => "direction",
            Self::FieldOfView => "field_of_view",
            Self::Range => "range",
            Self::AreaWatched => "area_watched",
            Self::Address => "address",
            Self::Ward => "ward",
            Self::PoliceStation => "police_station",
            Self::ContactPerson => "contact_person",
            Self::Phone => "phone",
            Self::StreamUrl => "stream_url",
            Self::SnapshotUrl => "snapshot_url",
            Self::NvrHost => "nvr_host",
            Self::NvrChannel => "nvr_channel",
            Self::Make => "make",
            Self::Model => "model",
            Self::Username => "username",
            Self::Password => "password",
            Self::Notes => "notes",
            Self::RecorderRetention => "recorder_retention_days",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.code() == code)
    }

    /// Key of the field's name in the i18n catalogue.
    pub fn i18n_key(self) -> String {
        format!("import-field-{}", self.code().replace('_', "-"))
    }

    /// Headers that mean this field (see [`HEADER_WORDS`]).
    fn header_words(self) -> &'static [&'static str] {
        HEADER_WORDS
            .iter()
            .find(|(field, _)| *field == self)
            .map_or(&[], |(_, words)| words)
    }
}

/// Headers that mean each field, lower-case, with spaces, `_`, `-`, `:` and `.` removed; English, Hindi, and the
/// tags of OpenStreetMap. In the order of [`ImportField::ALL`], every field once (a test checks): a header the
/// table lists twice means the first field that lists it.
const HEADER_WORDS: [(ImportField, &[&str]); 28] = [
    (
        ImportField::SourceId,
        &[
            "cameraid",
            "camid",
            "cctvid",
            "id",
            "sourceid",
            "cameracode",
            "cameranumber",
            "camerano",
            "fid",
            "objectid",
            "osmid",
            "कैमराआईडी",
            "कैमरासंख्या",
            "क्रमांक",
        ],
    ),
    (
        ImportField::Label,
        &[
            "label",
            "cameraname",
            "name",
            "camera",
            "location",
            "locationname",
            "description",
            "कैमरानाम",
            "कैमरा",
            "स्थान",
        ],
    ),
    (
        ImportField::SiteName,
        &[
            "site",
            "sitename",
            "premises",
            "establishment",
            "building",
            "स्थल",
            "प्रतिष्ठान",
            "भवन",
        ],
    ),
    (
        ImportField::SiteNameHi,
        &["sitenamehi", "namehi", "hindiname", "हिंदीनाम", "नाम"],
    ),
    (
        ImportField::Operator,
        &[
            "operator",
            "owner",
            "ownername",
            "organisation",
            "organization",
            "संचालक",
            "मालिक",
            "स्वामी",
        ],
    ),
    (
        ImportField::OwnerCategory,
        &[
            "ownercategory",
            "category",
            "ownertype",
            "type",
            "श्रेणी",
            "स्वामीश्रेणी",
        ],
    ),
    // Only names that say "latitude"/"longitude"; the axis letters are `LAT_AXIS_WORDS`/`LON_AXIS_WORDS`.
    (
        ImportField::Latitude,
        &[
            "lat",
            "latitude",
            "latdeg",
            "latitudedeg",
            "latdd",
            "latwgs84",
            "wgs84lat",
            "wgs84latitude",
            "gpslat",
            "gpslatitude",
            "@lat",
            "lattitude",
            "latitud",
            "अक्षांश",
            "akshansh",
        ],
    ),
    (
        ImportField::Longitude,
        &[
            "lon",
            "lng",
            "long",
            "longitude",
            "londeg",
            "longitudedeg",
            "londd",
            "lonwgs84",
            "wgs84lon",
            "wgs84longitude",
            "gpslon",
            "gpslng",
            "gpslongitude",
            "@lon",
            "longtitude",
            "longitute",
            "longitud",
            "देशांतर",
            "देशान्तर",
            "deshantar",
        ],
    ),
    (
        ImportField::PointWkt,
        &["wkt", "geometry", "geom", "point", "the_geom", "thegeom"],
    ),
    (
        ImportField::Direction,
        &[
            "direction",
            "bearing",
            "bearingdeg",
            "heading",
            "azimuth",
            "cameradirection",
            "surveillancedirection",
            "दिशा",
        ],
    ),
    // Not OSM's `camera:angle`: that is the tilt below the horizon.
    (
        ImportField::FieldOfView,
        &[
            "fov",
            "fovdeg",
            "fieldofview",
            "viewangle",
            "horizontalangle",
        ],
    ),
    (
        ImportField::Range,
        &["range", "rangem", "distance", "viewingdistance", "दूरी"],
    ),
    (
        ImportField::AreaWatched,
        &[
            "areawatched",
            "area",
            "surveillance",
            "coverage",
            "watches",
            "क्षेत्र",
        ],
    ),
    (
        ImportField::Address,
        &["address", "postaladdress", "street", "पता"],
    ),
    (ImportField::Ward, &["ward", "wardname", "areaname", "वार्ड"]),
    (
        ImportField::PoliceStation,
        &["policestation", "thana", "ps", "थाना", "पुलिसथाना"],
    ),
    (
        ImportField::ContactPerson,
        &[
            "contact",
            "contactperson",
            "contactname",
            "incharge",
            "संपर्क",
            "संपर्कव्यक्ति",
        ],
    ),
    (
        ImportField::Phone,
        &[
            "phone",
            "mobile",
            "phoneno",
            "mobileno",
            "contactnumber",
            "telephone",
            "फोन",
            "मोबाइल",
        ],
    ),
    // Not a bare "url": in OpenStreetMap that is a web page (a webcam's), never a camera stream.
    (
        ImportField::StreamUrl,
        &["streamurl", "rtsp", "rtspurl", "stream", "rtspaddress"],
    ),
    (
        ImportField::SnapshotUrl,
        &["snapshoturl", "snapshot", "jpegurl", "imageurl"],
    ),
    (
        ImportField::NvrHost,
        &["nvr", "nvrhost", "nvrip", "dvr", "dvrip", "recorder"],
    ),
    (
        ImportField::NvrChannel,
        &["channel", "nvrchannel", "ch", "चैनल"],
    ),
    (
        ImportField::Make,
        &["make", "manufacturer", "brand", "cameramake"],
    ),
    (ImportField::Model, &["model", "cameramodel"]),
    (ImportField::Username, &["username", "user", "login"]),
    (ImportField::Password, &["password", "pass", "pwd"]),
    (
        ImportField::Notes,
        &["notes", "note", "remarks", "comment", "comments", "टिप्पणी"],
    ),
    (
        ImportField::RecorderRetention,
        &[
            "recorderretentiondays",
            "retentiondays",
            "retention",
            "recordingdays",
            "storagedays",
            "backupdays",
            "रिकॉर्डिंगदिन",
        ],
    ),
];

/// What to do with a row that matches a camera already in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Write the file's values over the camera's (the stage is never changed by an import).
    Update,
    /// Leave the registry's camera as it is.
    #[default]
    Skip,
}

/// What to do with a row that is possibly a camera already listed (a few metres from another row or a registry
/// camera, with an alike name or the same id-like value; see [`super::near_duplicate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NearDuplicatePolicy {
    /// Add it, with a note naming the other row or camera.
    #[default]
    Keep,
    /// Leave it out, with the same words as its reason.
    Skip,
}

/// How a source is read into cameras: which column means what, and the defaults for what the file lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportSettings {
    /// One entry per source column.
    pub mapping: Vec<Option<ImportField>>,
    pub duplicates: DuplicatePolicy,
    /// Profiles saved before this setting existed keep possible duplicates.
    #[serde(default)]
    pub near_duplicates: NearDuplicatePolicy,
    /// Owner category of new sites whose row does not say.
    pub default_category: OwnerCategory,
    /// What a camera watches when its row does not say.
    pub default_area: AreaWatched,
}

/// A saved mapping, by header, so it applies to the next file of the same shape whatever its column order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportProfile {
    pub name: String,
    /// Header (as [`header_key`] reduces it) → field.
    pub columns: std::collections::BTreeMap<String, ImportField>,
    pub duplicates: DuplicatePolicy,
    #[serde(default)]
    pub near_duplicates: NearDuplicatePolicy,
    pub default_category: OwnerCategory,
    pub default_area: AreaWatched,
}

impl ImportProfile {
    /// A profile that remembers `settings` for a file with these headers.
    pub fn from_settings(name: &str, headers: &[String], settings: &ImportSettings) -> Self {
        Self {
            name: name.trim().to_string(),
            columns: headers
                .iter()
                .zip(&settings.mapping)
                .filter_map(|(h, f)| f.map(|f| (header_key(h), f)))
                .collect(),
            duplicates: settings.duplicates,
            near_duplicates: settings.near_duplicates,
            default_category: settings.default_category,
            default_area: settings.default_area,
        }
    }

    /// The settings for a file with `headers`: the profile's columns where it knows the header, nothing else
    /// (a profile is an exact instruction, not a guess).
    pub fn settings_for(&self, headers: &[String]) -> ImportSettings {
        ImportSettings {
            mapping: headers
                .iter()
                .map(|h| self.columns.get(&header_key(h)).copied())
                .collect(),
            duplicates: self.duplicates,
            near_duplicates: self.near_duplicates,
            default_category: self.default_category,
            default_area: self.default_area,
        }
    }
}

impl ImportSettings {
    /// Settings guessed from the headers.
    pub fn guessed(headers: &[String]) -> Self {
        Self {
            mapping: guess_mapping(headers),
            duplicates: DuplicatePolicy::Skip,
            near_duplicates: NearDuplicatePolicy::Keep,
            default_category: OwnerCategory::PublicPlace,
            // Privacy default: a camera nobody described is not assumed to watch a public place.
            default_area: AreaWatched::NotYetKnown,
        }
    }

    /// The column mapped to `field`, if any.
    pub fn column(&self, field: ImportField) -> Option<usize> {
        self.mapping.iter().position(|f| *f == Some(field))
    }
}

/// A source id as compared: trimmed, lower-case, and a whole float written without its fraction
/// (`1001.0` in a GeoJSON is `1001` in the CSV it came from).
pub fn normal_source_id(text: &str) -> String {
    let t = text.trim();
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 && !t.contains(['e', 'E']) => {
            format!("{}", f as i64)
        }
        _ => t.to_lowercase(),
    }
}

/// A header reduced to what matters for matching: lower-case, without spaces, `_`, `-`, `:`, `.` and brackets.
pub fn header_key(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | ':' | '.' | '(' | ')' | '[' | ']' | '/'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Headers that are a latitude only by position on a grid: the Y axis, a projected northing.
const LAT_AXIS_WORDS: [&str; 5] = ["y", "ycoord", "pointy", "northing", "ykoordinate"];
/// Headers that are a longitude only by position on a grid: the X axis, a projected easting.
const LON_AXIS_WORDS: [&str; 5] = ["x", "xcoord", "pointx", "easting", "xkoordinate"];

/// A header as guessed: without Overpass's `tag:` prefix (`tag:camera:direction`).
fn guess_key(header: &str) -> String {
    let key = header_key(header);
    match key.strip_prefix("tag").filter(|k| !k.is_empty()) {
        Some(k) => k.to_string(),
        None => key,
    }
}

/// The field a header most likely means. `tag:` prefixes from Overpass (`tag:camera:direction`) are ignored.
pub fn guess_field(header: &str) -> Option<ImportField> {
    let key = guess_key(header);
    HEADER_WORDS
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(field, _)| *field)
        .or_else(|| coordinate_header(header).map(|(f, _)| f))
}

/// How a column that can hold a coordinate is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoordinateName {
    /// Only an axis of a grid (`X`, `Y`, `Easting`, `Northing`): often metres of a projected system.
    Axis,
    /// Named latitude or longitude, in any of the languages the desk reads (`Latitude`, `lng`, `अक्षांश`).
    Named,
}

/// Whether a header can hold a latitude or a longitude, and how it says so.
pub fn coordinate_header(header: &str) -> Option<(ImportField, CoordinateName)> {
    let key = guess_key(header);
    let key = key.as_str();
    if ImportField::Latitude.header_words().contains(&key) {
        Some((ImportField::Latitude, CoordinateName::Named))
    } else if ImportField::Longitude.header_words().contains(&key) {
        Some((ImportField::Longitude, CoordinateName::Named))
    } else if LAT_AXIS_WORDS.contains(&key) {
        Some((ImportField::Latitude, CoordinateName::Axis))
    } else if LON_AXIS_WORDS.contains(&key) {
        Some((ImportField::Longitude, CoordinateName::Axis))
    } else {
        None
    }
}

/// Two columns that together can give a camera's point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CoordinatePair {
    pub lat_column: usize,
    pub lon_column: usize,
    pub name: CoordinateName,
}

/// Every pair of columns that can give a point: named latitude/longitude pairs first, then axis pairs (`X`/`Y`,
/// `Easting`/`Northing`), each in file order (the first latitude column with the first longitude column of the
/// same kind, and so on).
pub fn coordinate_pairs(headers: &[String]) -> Vec<CoordinatePair> {
    let mut pairs = Vec::new();
    for name in [CoordinateName::Named, CoordinateName::Axis] {
        let columns = |field: ImportField| {
            headers
                .iter()
                .enumerate()
                .filter(move |(_, h)| coordinate_header(h) == Some((field, name)))
                .map(|(c, _)| c)
        };
        pairs.extend(
            columns(ImportField::Latitude)
                .zip(columns(ImportField::Longitude))
                .map(|(lat_column, lon_column)| CoordinatePair {
                    lat_column,
                    lon_column,
                    name,
                }),
        );
    }
    pairs
}

/// Guesses a field for each header; a field is given to its first column only (the second `name` column of a
/// file stays unmapped rather than overwriting the first), except that a column named latitude or longitude
/// takes that field before an `X`/`Y` column wherever it stands.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<ImportField>> {
    let guesses: Vec<Option<ImportField>> = headers.iter().map(|h| guess_field(h)).collect();
    // Per field, the column that gets it: lowest (axis name?, column).
    let mut owner: std::collections::HashMap<ImportField, (bool, usize)> =
        std::collections::HashMap::new();
    for (c, (h, f)) in headers.iter().zip(&guesses).enumerate() {
        let Some(f) = f else { continue };
        let is_axis = matches!(coordinate_header(h), Some((_, CoordinateName::Axis)));
        let rank = (is_axis, c);
        let best = owner.entry(*f).or_insert(rank);
        if rank < *best {
            *best = rank;
        }
    }
    guesses
        .into_iter()
        .enumerate()
        .map(|(c, f)| f.filter(|f| owner.get(f).is_some_and(|(_, owner)| *owner == c)))
        .collect()
}

/// What a pair of columns holds, counted over the rows looked at: the evidence for choosing it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PairValues {
    pub rows: usize,
    /// Points in degrees inside the service area (its city or its country box).
    pub in_area: usize,
    /// Points in degrees elsewhere on Earth.
    pub elsewhere: usize,
    /// Points in metres of a projected system.
    pub projected: usize,
    /// The projected system the first such point most likely comes from.
    pub projected_crs: Option<String>,
    /// Empty cells, or (0, 0).
    pub empty: usize,
}

impl PairValues {
    /// Counts one row's cells.
    pub fn count(&mut self, lat_text: &str, lon_text: &str, area: &ServiceArea) {
        self.rows += 1;
        let (Ok(lat), Ok(lon)) = (parse_coordinate(lat_text), parse_coordinate(lon_text)) else {
            if lat_text.trim().is_empty() && lon_text.trim().is_empty() {
                self.empty += 1;
            }
            return;
        };
        match check_point(lat, lon, &area.city_box, &area.country_box) {
            Ok(()) if area.contains(lat, lon) => self.in_area += 1,
            Ok(()) => self.elsewhere += 1,
            Err(CoordinateProblem::ZeroZero) => self.empty += 1,
            Err(CoordinateProblem::Projected { crs }) => {
                self.projected += 1;
                self.projected_crs.get_or_insert(crs);
            }
            Err(_) => {}
        }
    }
}

/// The pair to read points from, as an index into `pairs`: one that holds any point inside the service area
/// before one that holds none; then named latitude/longitude before `X`/`Y` (so grid columns never win over
/// named ones that hold the city's points); then the most points inside the area, the most in degrees at all,
/// and the first in the file.
pub fn choose_pair(pairs: &[(CoordinatePair, PairValues)]) -> Option<usize> {
    let key = |(pair, values): &(CoordinatePair, PairValues)| {
        (
            values.in_area > 0,
            pair.name,
            values.in_area,
            values.elsewhere,
        )
    };
    let mut best: Option<usize> = None;
    for (i, p) in pairs.iter().enumerate() {
        if best.is_none_or(|b| key(p) > key(&pairs[b])) {
            best = Some(i);
        }
    }
    best
}

/// A zone of the Universal Transverse Mercator grid on WGS 84.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UtmZone {
    /// 1–60, each 6° of longitude wide, from 180° W.
    pub number: u8,
    pub is_north: bool,
}

impl UtmZone {
    /// The zone a point lies in, with the grid's exceptions for south-west Norway and Svalbard.
    pub fn containing(lat_deg: f64, lon_deg: f64) -> Self {
        let lon = if lon_deg.is_finite() {
            lon_deg.clamp(-180.0, 180.0)
        } else {
            0.0
        };
        let mut number = (((lon + 180.0) / 6.0).floor() as i64 + 1).clamp(1, 60) as u8;
        if (56.0..64.0).contains(&lat_deg) && (3.0..12.0).contains(&lon) {
            number = 32;
        }
        if (72.0..=84.0).contains(&lat_deg) && (0.0..42.0).contains(&lon) {
            number = match lon {
                l if l < 9.0 => 31,
                l if l < 21.0 => 33,
                l if l < 33.0 => 35,
                _ => 37,
            };
        }
        Self {
            number,
            is_north: lat_deg >= 0.0 || lat_deg.is_nan(),
        }
    }

    /// The zone of WGS 84 / UTM's EPSG code: 326xx north, 327xx south.
    pub fn epsg(self) -> u32 {
        (if self.is_north { 32_600 } else { 32_700 }) + u32::from(self.number)
    }
}

impl std::fmt::Display for UtmZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}",
            self.number,
            if self.is_north { 'N' } else { 'S' }
        )
    }
}

/// Why a coordinate cell is refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CoordinateProblem {
    Missing,
    NotANumber {
        text: String,
    },
    /// `25.448.123`: a number with its decimal point lost to thousands grouping.
    Grouped {
        text: String,
    },
    /// Both coordinates are exactly zero: a GPS or spreadsheet default, not a place.
    ZeroZero,
    /// Metres of a projected system, not degrees; `crs` names the likely one.
    Projected {
        crs: String,
    },
    OutOfRange {
        lat_deg: f64,
        lon_deg: f64,
    },
    /// The point lies outside the area one way round and inside it the other.
    LooksSwapped {
        lat_deg: f64,
        lon_deg: f64,
    },
}

/// Reads one coordinate number: `25.4481`, `-2.35`, `78,5697` (a decimal comma when there is no point), with a
/// trailing `°`. Grouped digits (`25.448.123`, `1,234.5`) are refused: the place they meant cannot be known.
pub fn parse_coordinate(text: &str) -> Result<f64, CoordinateProblem> {
    let t = text.trim().trim_end_matches('°').trim();
    if t.is_empty() {
        return Err(CoordinateProblem::Missing);
    }
    let dots = t.matches('.').count();
    let commas = t.matches(',').count();
    if dots > 1 || commas > 1 || (dots == 1 && commas == 1) {
        return Err(CoordinateProblem::Grouped {
            text: text.trim().to_string(),
        });
    }
    let normal = if commas == 1 {
        t.replace(',', ".")
    } else {
        t.to_string()
    };
    // Only plain decimal numbers: "inf", "1e5" or hex are never coordinates someone typed.
    let plain = normal
        .strip_prefix(['-', '+'])
        .unwrap_or(&normal)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    match normal.parse::<f64>() {
        Ok(v) if plain && v.is_finite() => Ok(v),
        _ => Err(CoordinateProblem::NotANumber {
            text: text.trim().to_string(),
        }),
    }
}

/// Reads WKT `POINT (lon lat)` (also `POINT(lon lat)`, `SRID=4326;POINT (…)`, `POINT Z (lon lat h)`), as
/// (longitude, latitude).
pub fn parse_wkt_point(text: &str) -> Result<(f64, f64), CoordinateProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(CoordinateProblem::Missing);
    }
    let body = t.rsplit(';').next().unwrap_or(t).trim();
    let upper = body.to_ascii_uppercase();
    let not_point = || CoordinateProblem::NotANumber {
        text: t.chars().take(60).collect(),
    };
    let rest = upper
        .strip_prefix("POINT")
        .ok_or_else(not_point)?
        .trim_start();
    let rest = rest
        .strip_prefix("ZM")
        .or_else(|| rest.strip_prefix('Z'))
        .or_else(|| rest.strip_prefix('M'))
        .unwrap_or(rest)
        .trim_start();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(not_point)?;
    let mut parts = inner.split_whitespace();
    let (Some(x), Some(y)) = (parts.next(), parts.next()) else {
        return Err(not_point());
    };
    Ok((parse_coordinate(x)?, parse_coordinate(y)?))
}

/// Checks a point read from a file against the area the registry serves (`area`, e.g. the city) and the wider
/// country box (`country`): degrees in range, not (0, 0), not metres of a projected system, not swapped.
pub fn check_point(
    lat_deg: f64,
    lon_deg: f64,
    area: &LatLonBox,
    country: &LatLonBox,
) -> Result<(), CoordinateProblem> {
    if lat_deg == 0.0 && lon_deg == 0.0 {
        return Err(CoordinateProblem::ZeroZero);
    }
    if lat_deg.abs() > 90.0 || lon_deg.abs() > 180.0 {
        return Err(match projected_crs(lon_deg, lat_deg, area) {
            Some(crs) => CoordinateProblem::Projected { crs },
            None => CoordinateProblem::OutOfRange { lat_deg, lon_deg },
        });
    }
    let inside = |lat, lon| area.contains(lat, lon) || country.contains(lat, lon);
    if !inside(lat_deg, lon_deg) && inside(lon_deg, lat_deg) {
        return Err(CoordinateProblem::LooksSwapped { lat_deg, lon_deg });
    }
    Ok(())
}

/// Half the Web Mercator world's width, metres.
const WEB_MERCATOR_MAX_M: f64 = 20_037_508.343;

/// The projected system that numbers `x` (easting) and `y` (northing) most likely come from, if they are
/// metres rather than degrees; a UTM guess names the zone of `area`'s centre.
fn projected_crs(x: f64, y: f64, area: &LatLonBox) -> Option<String> {
    // UTM: eastings stay within 166 km–834 km of the zone's false origin, northings within 0–9,330 km (north).
    let utm = (100_000.0..=900_000.0).contains(&x) && (0.0..=10_000_000.0).contains(&y);
    let (x, y) = if utm { (x, y) } else { (y, x) };
    if (100_000.0..=900_000.0).contains(&x) && (0.0..=10_000_000.0).contains(&y) {
        let (lat, lon) = area.centre();
        let zone = UtmZone::containing(lat, lon);
        return Some(format!(
            "UTM metres (e.g. EPSG:{}, WGS 84 / UTM zone {zone}, the zone of the service area)",
            zone.epsg()
        ));
    }
    if x.abs() <= WEB_MERCATOR_MAX_M && y.abs() <= WEB_MERCATOR_MAX_M * 1.5 {
        return Some("Web Mercator metres (EPSG:3857)".into());
    }
    None
}

/// A direction cell that was usable but not as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "note", rename_all = "snake_case")]
pub enum DirectionNote {
    /// Several directions (`90;160;270`): the first was taken.
    FirstOfSeveral { text: String, taken_deg: f64 },
    /// A range (`190-100`, clockwise from the first to the second): its middle was taken as the facing and its
    /// width as the field of view.
    Range {
        text: String,
        bearing_deg: f64,
        width_deg: f64,
    },
}

/// Why a direction cell is refused (only that field: the camera is imported without a facing).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectionProblem {
    pub text: String,
}

/// A direction read from a cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Direction {
    pub bearing_deg: f64,
    /// Width of a range, when the cell gave one.
    pub fov_deg: Option<f64>,
    pub note: Option<DirectionNote>,
}

/// The 16 compass points, clockwise from north.
const COMPASS: [&str; 16] = [
    "n", "nne", "ne", "ene", "e", "ese", "se", "sse", "s", "ssw", "sw", "wsw", "w", "wnw", "nw",
    "nnw",
];

/// One direction: degrees (`90`, `90.5`, `90°`, `360`, `-140` for 220) or a compass point (`N`, `NW`, `south`, `north-east`,
/// `South West`).
fn one_direction(text: &str) -> Option<f64> {
    let t = text.trim().trim_end_matches('°').trim();
    if let Ok(v) = t.parse::<f64>() {
        // OpenStreetMap has `-140` for 220°: a turn anticlockwise from north.
        return (v.is_finite() && (-360.0..=360.0).contains(&v)).then_some(v.rem_euclid(360.0));
    }
    let word: String = t
        .to_lowercase()
        .replace("north", "n")
        .replace("south", "s")
        .replace("east", "e")
        .replace("west", "w")
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    COMPASS
        .iter()
        .position(|p| *p == word)
        .map(|i| i as f64 * 22.5)
}

/// Reads a facing direction as surveys and OpenStreetMap write it: one value, several (`90;160;270`,
/// `180, 270`: the first, noted), or a clockwise range (`190-100`: its middle, noted). `None` for an empty
/// cell.
pub fn parse_direction(text: &str) -> Result<Option<Direction>, DirectionProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let refuse = || DirectionProblem {
        text: t.chars().take(60).collect(),
    };
    if let Some(deg) = one_direction(t) {
        return Ok(Some(Direction {
            bearing_deg: deg,
            fov_deg: None,
            note: None,
        }));
    }
    let several: Vec<&str> = t.split([';', ',']).map(str::trim).collect();
    if several.len() > 1 {
        let first = several
            .iter()
            .map(|p| one_direction(p))
            .collect::<Option<Vec<f64>>>()
            .and_then(|v| v.first().copied())
            .ok_or_else(refuse)?;
        return Ok(Some(Direction {
            bearing_deg: first,
            fov_deg: None,
            note: Some(DirectionNote::FirstOfSeveral {
                text: t.to_string(),
                taken_deg: first,
            }),
        }));
    }
    // A range "from-to", clockwise; a leading '-' would be a negative number, refused above.
    if let Some((a, b)) = t.split_once('-')
        && let (Some(from), Some(to)) = (one_direction(a), one_direction(b))
    {
        let width = (to - from).rem_euclid(360.0);
        if width > 0.0 {
            let bearing = (from + width / 2.0).rem_euclid(360.0);
            return Ok(Some(Direction {
                bearing_deg: bearing,
                fov_deg: Some(width),
                note: Some(DirectionNote::Range {
                    text: t.to_string(),
                    bearing_deg: bearing,
                    width_deg: width,
                }),
            }));
        }
    }
    Err(refuse())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_words_name_every_field_once_in_order() {
        // The table replaced a `match`: what the compiler checked there (every field, once) is checked here, and
        // the order, which decides a header two fields list.
        let fields: Vec<ImportField> = HEADER_WORDS.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ImportField::ALL.to_vec());
        for (field, words) in HEADER_WORDS {
            assert!(!words.is_empty(), "{field:?}");
            assert_eq!(field.header_words(), words);
        }
        assert_eq!(guess_field("Camera ID"), Some(ImportField::SourceId));
        assert_eq!(guess_field("थाना"), Some(ImportField::PoliceStation));
        assert_eq!(
            guess_field("tag:camera:direction"),
            Some(ImportField::Direction)
        );
    }

    const JHANSI: LatLonBox = LatLonBox {
        lat_deg: (25.39, 25.51),
        lon_deg: (78.50, 78.65),
    };
    const INDIA: LatLonBox = LatLonBox {
        lat_deg: (6.0, 37.6),
        lon_deg: (68.0, 97.5),
    };

    #[test]
    fn headers_are_guessed_in_english_hindi_and_osm_tags() {
        for (header, field) in [
            ("lat", ImportField::Latitude),
            ("Latitude", ImportField::Latitude),
            ("अक्षांश", ImportField::Latitude),
            ("LON", ImportField::Longitude),
            ("देशांतर", ImportField::Longitude),
            ("camera_id", ImportField::SourceId),
            ("tag:camera:direction", ImportField::Direction),
            ("camera:direction", ImportField::Direction),
            ("tag:operator", ImportField::Operator),
            ("Police Station", ImportField::PoliceStation),
            ("थाना", ImportField::PoliceStation),
            ("area_name", ImportField::Ward),
            ("location", ImportField::Label),
            ("WKT", ImportField::PointWkt),
            ("\u{feff}camera_id", ImportField::SourceId),
        ] {
            assert_eq!(guess_field(header), Some(field), "{header}");
        }
        assert_eq!(guess_field("area_code"), None);
        let mapping = guess_mapping(&["name".into(), "Name".into(), "lat".into()]);
        assert_eq!(
            mapping,
            vec![Some(ImportField::Label), None, Some(ImportField::Latitude)]
        );
        for f in ImportField::ALL {
            assert_eq!(ImportField::from_code(f.code()), Some(f));
        }
    }

    #[test]
    fn coordinates_are_read_or_refused_with_the_reason() {
        assert_eq!(parse_coordinate(" 25.4481 "), Ok(25.4481));
        assert_eq!(parse_coordinate("-2.3536"), Ok(-2.3536));
        assert_eq!(parse_coordinate("78,5697"), Ok(78.5697));
        assert_eq!(parse_coordinate("25.4°"), Ok(25.4));
        assert!(matches!(
            parse_coordinate("25.448.123"),
            Err(CoordinateProblem::Grouped { .. })
        ));
        assert!(matches!(
            parse_coordinate("1,234.5"),
            Err(CoordinateProblem::Grouped { .. })
        ));
        assert!(matches!(
            parse_coordinate("inf"),
            Err(CoordinateProblem::NotANumber { .. })
        ));
        assert!(matches!(
            parse_coordinate("1e3"),
            Err(CoordinateProblem::NotANumber { .. })
        ));
        assert_eq!(parse_coordinate(""), Err(CoordinateProblem::Missing));
        assert_eq!(
            parse_wkt_point("POINT (78.5697 25.4486)"),
            Ok((78.5697, 25.4486))
        );
        assert_eq!(
            parse_wkt_point("SRID=4326;point(78.5 25.4)"),
            Ok((78.5, 25.4))
        );
        assert_eq!(parse_wkt_point("POINT Z (1 2 3)"), Ok((1.0, 2.0)));
        assert!(parse_wkt_point("LINESTRING (1 2, 3 4)").is_err());
    }

    #[test]
    fn points_are_checked_against_the_area() {
        assert_eq!(check_point(25.4486, 78.5697, &JHANSI, &INDIA), Ok(()));
        assert_eq!(
            check_point(0.0, 0.0, &JHANSI, &INDIA),
            Err(CoordinateProblem::ZeroZero)
        );
        assert_eq!(
            check_point(78.5697, 25.4486, &JHANSI, &INDIA),
            Err(CoordinateProblem::LooksSwapped {
                lat_deg: 78.5697,
                lon_deg: 25.4486
            })
        );
        // Outside India both ways round: not for this rule to call swapped.
        assert_eq!(check_point(53.45, -2.35, &JHANSI, &INDIA), Ok(()));
        // Jhansi in Web Mercator metres, and in UTM zone 44N.
        let Err(CoordinateProblem::Projected { crs }) =
            check_point(2_930_000.0, 8_746_000.0, &JHANSI, &INDIA)
        else {
            panic!("Web Mercator not seen");
        };
        assert!(crs.contains("EPSG:3857"), "{crs}");
        let Err(CoordinateProblem::Projected { crs }) =
            check_point(2_815_000.0, 557_000.0, &JHANSI, &INDIA)
        else {
            panic!("UTM not seen");
        };
        assert!(crs.contains("UTM"), "{crs}");
        assert!(matches!(
            check_point(95.0, 1.0e9, &JHANSI, &INDIA),
            Err(CoordinateProblem::OutOfRange { .. })
        ));
    }

    const TORONTO: LatLonBox = LatLonBox {
        lat_deg: (43.58, 43.86),
        lon_deg: (-79.64, -79.11),
    };
    const CANADA: LatLonBox = LatLonBox {
        lat_deg: (41.6, 83.2),
        lon_deg: (-141.1, -52.6),
    };

    fn toronto() -> ServiceArea {
        ServiceArea {
            city: "Toronto".into(),
            country: "Canada".into(),
            city_box: TORONTO,
            country_box: CANADA,
        }
    }

    fn headers(text: &str) -> Vec<String> {
        text.split(',').map(String::from).collect()
    }

    #[test]
    fn utm_zones_from_a_point_with_norway_and_svalbard() {
        let zone = |lat, lon| {
            let z = UtmZone::containing(lat, lon);
            (z.to_string(), z.epsg())
        };
        assert_eq!(zone(43.7, -79.4), ("17N".to_string(), 32617));
        assert_eq!(zone(25.45, 78.57), ("44N".to_string(), 32644));
        assert_eq!(zone(53.43, -2.36), ("30N".to_string(), 32630));
        assert_eq!(zone(-33.87, 151.21), ("56S".to_string(), 32756));
        assert_eq!(zone(-12.05, -77.04), ("18S".to_string(), 32718));
        // Bergen is in 32V, widened over 31V; Longyearbyen in 33X.
        assert_eq!(zone(60.39, 5.32), ("32N".to_string(), 32632));
        assert_eq!(zone(78.22, 15.65), ("33N".to_string(), 32633));
        assert_eq!(zone(0.0, 180.0).1, 32660);
        assert_eq!(zone(0.0, -180.0).1, 32601);
    }

    #[test]
    fn the_projected_message_names_the_service_areas_zone() {
        let crs = |area: &LatLonBox, country: &LatLonBox, lat, lon| match check_point(
            lat, lon, area, country,
        ) {
            Err(CoordinateProblem::Projected { crs }) => crs,
            other => panic!("{other:?}"),
        };
        // Toronto's Yonge and Dundas in UTM 17N, as (northing, easting) in the latitude/longitude slots.
        let t = crs(&TORONTO, &CANADA, 4_834_636.9, 630_402.7);
        assert!(t.contains("zone 17N") && t.contains("EPSG:32617"), "{t}");
        assert!(!t.contains("44N"), "{t}");
        let j = crs(&JHANSI, &INDIA, 2_815_000.0, 557_000.0);
        assert!(j.contains("zone 44N") && j.contains("EPSG:32644"), "{j}");
    }

    #[test]
    fn named_latitude_longitude_are_guessed_before_x_y_wherever_they_stand() {
        let h = headers("ID,Street,Cross street,X,Y,Latitude,Longitude");
        let mapping = guess_mapping(&h);
        assert_eq!(mapping[3], None, "X");
        assert_eq!(mapping[4], None, "Y");
        assert_eq!(mapping[5], Some(ImportField::Latitude));
        assert_eq!(mapping[6], Some(ImportField::Longitude));
        assert_eq!(mapping[0], Some(ImportField::SourceId));
        assert_eq!(mapping[1], Some(ImportField::Address));
        // Any language and the usual abbreviations and misspellings.
        for (text, lat, lon) in [
            ("x,y,अक्षांश,देशांतर", 2, 3),
            ("POINT_X,POINT_Y,lng,lat", 3, 2),
            ("Easting,Northing,Lattitude,Longitute", 2, 3),
            ("X,Y,@lat,@lon", 2, 3),
            ("Y,X,long,LAT", 3, 2),
        ] {
            let m = guess_mapping(&headers(text));
            assert_eq!(m[lat], Some(ImportField::Latitude), "{text}");
            assert_eq!(m[lon], Some(ImportField::Longitude), "{text}");
            assert_eq!(m.iter().flatten().count(), 2, "{text}: {m:?}");
        }
        // Alone, X and Y are still the point (the file has nothing better).
        let m = guess_mapping(&headers("name,X,Y"));
        assert_eq!(m[1], Some(ImportField::Longitude));
        assert_eq!(m[2], Some(ImportField::Latitude));
        let pairs = coordinate_pairs(&h);
        assert_eq!(
            pairs,
            vec![
                CoordinatePair {
                    lat_column: 5,
                    lon_column: 6,
                    name: CoordinateName::Named
                },
                CoordinatePair {
                    lat_column: 4,
                    lon_column: 3,
                    name: CoordinateName::Axis
                },
            ]
        );
    }

    #[test]
    fn the_pair_with_the_service_areas_degrees_is_chosen() {
        let area = toronto();
        let values = |rows: &[(&str, &str)]| {
            let mut v = PairValues::default();
            for (lat, lon) in rows {
                v.count(lat, lon, &area);
            }
            v
        };
        let named = CoordinatePair {
            lat_column: 5,
            lon_column: 6,
            name: CoordinateName::Named,
        };
        let axis = CoordinatePair {
            lat_column: 4,
            lon_column: 3,
            name: CoordinateName::Axis,
        };
        let utm = values(&[
            ("4834636.9", "630402.7"),
            ("0", "0"),
            ("4834232.4", "630166.1"),
        ]);
        assert_eq!((utm.projected, utm.empty, utm.in_area), (2, 1, 0));
        assert!(utm.projected_crs.as_deref().unwrap().contains("17N"));
        let degrees = values(&[("43.6561", "-79.3802"), ("43.6456", "-79.3950"), ("", "")]);
        assert_eq!((degrees.in_area, degrees.empty), (2, 1));
        // Named degrees beat X/Y metres, whichever comes first.
        assert_eq!(
            choose_pair(&[(axis, utm.clone()), (named, degrees.clone())]),
            Some(1)
        );
        assert_eq!(
            choose_pair(&[(named, degrees.clone()), (axis, utm.clone())]),
            Some(0)
        );
        // X/Y in degrees never win over named columns that hold the city's points too...
        assert_eq!(
            choose_pair(&[
                (axis, degrees.clone()),
                (named, values(&[("43.7", "-79.4")]))
            ]),
            Some(1)
        );
        // ...but do over named columns left empty.
        let empty = values(&[("", ""), ("", "")]);
        assert_eq!(
            choose_pair(&[(named, empty.clone()), (axis, degrees.clone())]),
            Some(1)
        );
        // Of two named pairs, the one with the area's points; nothing usable anywhere: the named pair.
        assert_eq!(
            choose_pair(&[(named, empty.clone()), (named, degrees)]),
            Some(1)
        );
        assert_eq!(choose_pair(&[(axis, utm), (named, empty)]), Some(1));
        assert_eq!(choose_pair(&[]), None);
    }

    #[test]
    fn directions_as_surveys_and_osm_write_them() {
        let deg = |t: &str| parse_direction(t).unwrap().unwrap().bearing_deg;
        assert_eq!(deg("90"), 90.0);
        assert_eq!(deg("360"), 0.0);
        assert_eq!(deg("N"), 0.0);
        assert_eq!(deg("south"), 180.0);
        assert_eq!(deg("NW"), 315.0);
        assert_eq!(deg("north-east"), 45.0);
        assert_eq!(deg("South West"), 225.0);
        assert_eq!(deg("WSW"), 247.5);
        let several = parse_direction("90;160;270").unwrap().unwrap();
        assert_eq!(several.bearing_deg, 90.0);
        assert!(matches!(
            several.note,
            Some(DirectionNote::FirstOfSeveral { taken_deg, .. }) if taken_deg == 90.0
        ));
        assert_eq!(deg("180, 270"), 180.0);
        // 190° clockwise to 100°: 270° wide, facing 325°.
        let range = parse_direction("190-100").unwrap().unwrap();
        assert_eq!(range.bearing_deg, 325.0);
        assert_eq!(range.fov_deg, Some(270.0));
        assert_eq!(parse_direction("  ").unwrap(), None);
        assert_eq!(deg("-140"), 220.0);
        for bad in ["up", "-400", "400", "90;up", "N-N", "1e2x", "forward"] {
            assert!(parse_direction(bad).is_err(), "{bad}");
        }
    }
}
