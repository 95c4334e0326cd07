//! The dry run: what each row of a source would do to the registry — add a camera (and its site), update a
//! camera already there, skip a duplicate, or be refused — with every refusal naming the row, the field and why,
//! and a note wherever a value was used but not as written. Pure over a [`SourceTable`] and an index of the
//! registry ([`Existing`]); the commit writes exactly the plan it is given.

use std::collections::HashMap;

use serde::Serialize;

use super::read::{SourceRow, SourceTable};
use crate::i18n::I18n;
use crate::model::import::{
    CoordinateName, CoordinatePair, CoordinateProblem, ImportField, PairValues, check_point,
    choose_pair, coordinate_pairs, parse_coordinate, parse_direction, parse_wkt_point,
};
pub use crate::model::import::{
    DuplicatePolicy, ImportProfile, ImportSettings, NearDuplicatePolicy, normal_source_id,
};
use crate::model::near_duplicate::{NearBecause, NearGrid, NearKey, is_id_like_header};
pub use crate::model::words::{area_from_words, category_from_words};
use crate::model::{
    AreaWatched, Camera, CameraId, CameraKind, FieldError, IntegrationStage, OwnerCategory,
    Priority, ServiceArea, Site, SiteId, normalise_phone, validate_camera_in, validate_site_in,
};
use crate::store::RegistrySnapshot;

/// A refused row (or field), as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refusal {
    /// The row number a person finds it by (spreadsheet row; feature or element number).
    pub row: usize,
    /// The field's code (`latitude`, `stream_url`…), or `row` for the row as a whole.
    pub field: String,
    pub reason: String,
}

/// What the import will do with one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RowAction {
    Add,
    Update {
        camera_id: CameraId,
    },
    /// Same as a camera already in the registry, and the file's values change nothing.
    Unchanged {
        camera_id: CameraId,
    },
    /// A duplicate that is left alone (of an earlier row, or of a registry camera under "skip").
    Skip {
        reason: String,
    },
    Refuse,
}

/// Where a new camera goes.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteChoice {
    /// A site already in the registry (same name).
    Existing(SiteId),
    /// The new site at this index of [`ImportPlan::new_sites`].
    New(usize),
}

/// One row's plan.
#[derive(Clone, PartialEq)]
pub struct PlannedRow {
    pub row: usize,
    pub action: RowAction,
    pub camera: Option<Camera>,
    pub site: Option<SiteChoice>,
    /// A password from the file (kept only until the commit seals it; never printed).
    pub password: Option<String>,
    pub source_ref: Option<String>,
    /// The camera watches a private area: it is imported as rejected.
    pub private_area: bool,
}

impl std::fmt::Debug for PlannedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the password: plans travel through channels and may end up in a log.
        f.debug_struct("PlannedRow")
            .field("row", &self.row)
            .field("action", &self.action)
            .field("camera", &self.camera)
            .field("site", &self.site)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("source_ref", &self.source_ref)
            .field("private_area", &self.private_area)
            .finish()
    }
}

/// The counts of a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PlanCounts {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub refused: usize,
    /// New sites the added cameras need.
    pub new_sites: usize,
    /// Of the added, watching a private area (imported as rejected).
    pub rejected_private: usize,
    /// Rows that are possibly a camera already listed (kept with a note, or skipped: see
    /// [`NearDuplicatePolicy`]); counted in `added` or `skipped` too.
    pub possible_duplicates: usize,
}

/// The dry run's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPlan {
    pub rows: Vec<PlannedRow>,
    pub new_sites: Vec<Site>,
    /// Refused rows and refused fields (a refused field alone leaves the row importable without it).
    pub refusals: Vec<Refusal>,
    /// Values used but not as written (the first of several directions…), as `Refusal`-shaped lines.
    pub notes: Vec<Refusal>,
    /// About the file as a whole: which columns the points were read from, and which were passed over.
    pub column_notes: Vec<String>,
    pub counts: PlanCounts,
}

/// What the registry already holds, indexed for duplicate checks and site matching.
#[derive(Debug, Default)]
pub struct Existing {
    by_source: HashMap<String, CameraId>,
    by_stream: HashMap<String, CameraId>,
    by_nvr: HashMap<(String, u16), CameraId>,
    by_point_label: HashMap<(i64, i64, String), CameraId>,
    sites_by_name: HashMap<String, Vec<(SiteId, f64, f64)>>,
    cameras: HashMap<CameraId, (Camera, IntegrationStage)>,
    /// Cameras with a stored password (readable or not), which an address change drops.
    with_password: std::collections::HashSet<CameraId>,
    /// Every camera by its point, for possible duplicates a few metres away.
    near: NearGrid<CameraId>,
    area: ServiceArea,
}

fn normal_url(url: &str) -> String {
    crate::services::exchange::export::strip_credentials(url)
        .trim()
        .trim_end_matches('/')
        .to_lowercase()
}

/// Points compared at a micro-degree (about 11 cm).
fn point_key(lat: f64, lon: f64, label: &str) -> (i64, i64, String) {
    (
        (lat * 1e6).round() as i64,
        (lon * 1e6).round() as i64,
        label.trim().to_lowercase(),
    )
}

impl Existing {
    /// The registry as `snapshot` holds it, with each camera's source id (`source_refs`).
    pub fn new(snapshot: &RegistrySnapshot, source_refs: &HashMap<CameraId, String>) -> Self {
        let mut e = Self {
            area: snapshot.area.clone(),
            ..Self::default()
        };
        for (id, r) in source_refs {
            e.by_source.insert(normal_source_id(r), *id);
        }
        for s in &snapshot.sites {
            e.sites_by_name
                .entry(s.site.name_en.trim().to_lowercase())
                .or_default()
                .push((s.id, s.site.lat_deg, s.site.lon_deg));
        }
        for c in &snapshot.cameras {
            let cam = &c.camera;
            if !cam.stream_url.trim().is_empty() {
                e.by_stream.insert(normal_url(&cam.stream_url), c.id);
            }
            if let CameraKind::Analogue { nvr_host, channel } = &cam.kind {
                e.by_nvr
                    .insert((nvr_host.trim().to_lowercase(), *channel), c.id);
            }
            e.by_point_label
                .insert(point_key(cam.lat_deg, cam.lon_deg, &cam.label), c.id);
            e.near.insert(
                NearKey::new(cam.lat_deg, cam.lon_deg, &cam.label, cam.bearing_deg),
                c.id,
            );
            e.cameras.insert(c.id, (cam.clone(), c.stage));
            if c.password != crate::model::PasswordState::None {
                e.with_password.insert(c.id);
            }
        }
        e
    }

    fn has_password(&self, id: CameraId) -> bool {
        self.with_password.contains(&id)
    }

    /// The nearest registry site with this name within 2 km (a chain's branches share a name).
    fn site_named(&self, name: &str, lat: f64, lon: f64) -> Option<SiteId> {
        self.sites_by_name
            .get(&name.trim().to_lowercase())?
            .iter()
            .map(|&(id, slat, slon)| (id, crate::model::geo::distance_m((lat, lon), (slat, slon))))
            .filter(|(_, d)| *d <= 2_000.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(id, _)| id)
    }
}

/// Which key made two rows (or a row and a camera) the same camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum SameBy {
    SourceId,
    StreamUrl,
    NvrChannel,
    PointAndLabel,
}

impl SameBy {
    fn i18n_key(self) -> &'static str {
        match self {
            Self::SourceId => "import-same-source-id",
            Self::StreamUrl => "import-same-stream-url",
            Self::NvrChannel => "import-same-nvr-channel",
            Self::PointAndLabel => "import-same-point-label",
        }
    }
}

/// The duplicate keys of a camera.
fn keys_of(camera: &Camera, source: Option<&str>) -> Vec<(SameBy, String)> {
    let mut keys = Vec::with_capacity(4);
    if let Some(s) = source.filter(|s| !s.is_empty()) {
        keys.push((SameBy::SourceId, normal_source_id(s)));
    }
    if !camera.stream_url.trim().is_empty() {
        keys.push((SameBy::StreamUrl, normal_url(&camera.stream_url)));
    }
    if let CameraKind::Analogue { nvr_host, channel } = &camera.kind {
        keys.push((
            SameBy::NvrChannel,
            format!("{}#{channel}", nvr_host.trim().to_lowercase()),
        ));
    }
    let (a, b, c) = point_key(camera.lat_deg, camera.lon_deg, &camera.label);
    keys.push((SameBy::PointAndLabel, format!("{a},{b},{c}")));
    keys
}

impl Existing {
    fn find(&self, by: SameBy, key: &str) -> Option<CameraId> {
        match by {
            SameBy::SourceId => self.by_source.get(key).copied(),
            SameBy::StreamUrl => self.by_stream.get(key).copied(),
            SameBy::NvrChannel => {
                let (host, ch) = key.rsplit_once('#')?;
                self.by_nvr
                    .get(&(host.to_string(), ch.parse().ok()?))
                    .copied()
            }
            SameBy::PointAndLabel => {
                let mut parts = key.splitn(3, ',');
                let lat = parts.next()?.parse().ok()?;
                let lon = parts.next()?.parse().ok()?;
                let label = parts.next()?.to_string();
                self.by_point_label.get(&(lat, lon, label)).copied()
            }
        }
    }
}

/// Splits `user:password@` out of a URL: (URL without them, user, password).
fn split_credentials(url: &str) -> (String, Option<String>, Option<String>) {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return (url.trim().to_string(), None, None);
    };
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let user = (!parsed.username().is_empty()).then(|| decode(parsed.username()));
    let password = parsed.password().map(decode);
    (
        crate::services::exchange::export::strip_credentials(url),
        user,
        password,
    )
}

/// The reading of one row before duplicates are looked at.
struct RowReading {
    camera: Camera,
    site: Site,
    site_named: bool,
    password: Option<String>,
    source_ref: Option<String>,
    refusals: Vec<Refusal>,
    notes: Vec<Refusal>,
}

/// One row while it is read: its cells through the mapping, and the refusals and notes said about it so far.
/// Each step of [`read_row`] takes this, so the steps share the row without long parameter lists.
struct RowReader<'a> {
    row: &'a SourceRow,
    settings: &'a ImportSettings,
    area: &'a ServiceArea,
    i18n: &'a I18n,
    refusals: Vec<Refusal>,
    notes: Vec<Refusal>,
}

impl<'a> RowReader<'a> {
    /// The trimmed cell mapped to `field` ("" when unmapped or missing).
    fn cell(&self, field: ImportField) -> &'a str {
        self.settings
            .column(field)
            .and_then(|c| self.row.cells.get(c))
            .map_or("", |s| s.trim())
    }

    fn line(&self, field: &str, reason: String) -> Refusal {
        Refusal {
            row: self.row.number,
            field: field.to_string(),
            reason,
        }
    }

    /// A refused value: the row, or only the field (see [`FIELD_ONLY`]), is not imported.
    fn refuse(&mut self, field: &str, reason: String) {
        let line = self.line(field, reason);
        self.refusals.push(line);
    }

    /// A value used, but not as written.
    fn note(&mut self, field: &str, reason: String) {
        let line = self.line(field, reason);
        self.notes.push(line);
    }

    /// The point as written: a WKT point, else the latitude and longitude columns, else the map format's
    /// geometry; a problem names the field it was found in.
    fn point_as_written(&self) -> Result<(f64, f64), (&'static str, CoordinateProblem)> {
        let wkt = self.cell(ImportField::PointWkt);
        if !wkt.is_empty() {
            return parse_wkt_point(wkt)
                .map(|(lon, lat)| (lat, lon))
                .map_err(|p| ("point_wkt", p));
        }
        if self.settings.column(ImportField::Latitude).is_some()
            || self.settings.column(ImportField::Longitude).is_some()
        {
            return match (
                parse_coordinate(self.cell(ImportField::Latitude)),
                parse_coordinate(self.cell(ImportField::Longitude)),
            ) {
                (Ok(lat), Ok(lon)) => Ok((lat, lon)),
                (Err(p), _) => Err(("latitude", p)),
                (_, Err(p)) => Err(("longitude", p)),
            };
        }
        if let Some((lon, lat)) = self.row.point {
            return Ok((lat, lon));
        }
        Err((
            "latitude",
            match &self.row.geometry_problem {
                Some(why) => CoordinateProblem::NotANumber { text: why.clone() },
                None => CoordinateProblem::Missing,
            },
        ))
    }

    /// The point, checked against the service area; NaN (and a refusal) where there is no usable point.
    fn point(&mut self) -> (f64, f64) {
        let area = self.area;
        let checked = self.point_as_written().and_then(|(lat, lon)| {
            check_point(lat, lon, &area.city_box, &area.country_box)
                .map(|()| (lat, lon))
                .map_err(|p| ("latitude", p))
        });
        match checked {
            Ok(p) => p,
            Err((field, problem)) => {
                let reason = coordinate_reason(&problem, self.i18n);
                self.refuse(field, reason);
                (f64::NAN, f64::NAN)
            }
        }
    }

    /// The camera's label: the first of its label, site and operator cells, else words made from the source id
    /// or the row number, so that every camera has a name a person can find.
    fn label(&self, source_ref: Option<&String>) -> String {
        [
            self.cell(ImportField::Label),
            self.cell(ImportField::SiteName),
            self.cell(ImportField::Operator),
        ]
        .into_iter()
        .find(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| {
            source_ref.map(|s| {
                self.i18n
                    .tr_args("import-label-from-id", &[("id", s.clone())])
            })
        })
        .unwrap_or_else(|| {
            self.i18n.tr_args(
                "import-label-from-row",
                &[("row", self.row.number.to_string())],
            )
        })
    }

    /// Whether the row's site is a hospital or clinic, by its owner category (as the site will get it) or by its
    /// name: there a "ward" is a hospital ward.
    fn is_at_a_hospital(&self) -> bool {
        let owner = category_from_words(self.cell(ImportField::OwnerCategory))
            .unwrap_or(self.settings.default_category);
        owner == OwnerCategory::HospitalClinic
            || [
                ImportField::SiteName,
                ImportField::SiteNameHi,
                ImportField::Operator,
            ]
            .into_iter()
            .any(|f| crate::model::words::names_a_hospital(self.cell(f)))
    }

    /// What the camera watches; words the desk does not know give the default, with a note.
    fn area_watched(&mut self) -> AreaWatched {
        let text = self.cell(ImportField::AreaWatched);
        if let Some(a) = area_from_words(text, self.is_at_a_hospital()) {
            return a;
        }
        let default = self.settings.default_area;
        if !text.is_empty() {
            let reason = self.i18n.tr_args(
                "import-note-area-default",
                &[
                    ("text", text.to_string()),
                    ("area", self.i18n.tr(&default.i18n_key())),
                ],
            );
            self.note("area_watched", reason);
        }
        default
    }

    /// The facing (and a range's width as the field of view); an unreadable direction drops only the facing.
    fn direction(&mut self, camera: &mut Camera) {
        match parse_direction(self.cell(ImportField::Direction)) {
            Ok(Some(d)) => {
                camera.bearing_deg = Some(d.bearing_deg);
                camera.fov_deg = d.fov_deg;
                if let Some(note) = d.note {
                    let reason = direction_note(note, self.i18n);
                    self.note("direction", reason);
                }
            }
            Ok(None) => {}
            Err(p) => {
                let reason = self
                    .i18n
                    .tr_args("import-refuse-direction", &[("text", p.text)]);
                self.refuse("direction", reason);
            }
        }
    }

    /// The field of view (degrees) and the range (metres); a value out of bounds drops only that value.
    fn fov_and_range(&mut self, camera: &mut Camera) {
        for (field, min, max) in [
            (ImportField::FieldOfView, 1.0, 360.0),
            (ImportField::Range, 1.0, 2_000.0),
        ] {
            let value = self.cell(field);
            if value.is_empty() {
                continue;
            }
            match value.trim_end_matches(['°', 'm']).trim().parse::<f64>() {
                Ok(v) if v.is_finite() && (min..=max).contains(&v) => {
                    if field == ImportField::FieldOfView {
                        camera.fov_deg = Some(v);
                    } else {
                        camera.range_m = Some(v);
                    }
                }
                _ => {
                    let reason = self.i18n.tr_args(
                        "import-refuse-number",
                        &[
                            ("text", value.to_string()),
                            ("min", min.to_string()),
                            ("max", max.to_string()),
                        ],
                    );
                    self.refuse(field.code(), reason);
                }
            }
        }
    }

    /// The stream and snapshot addresses, with any `user:password@` taken out of them: the user name and
    /// password cells win, else the first address's credentials fill them.
    fn addresses(&mut self, camera: &mut Camera, password: &mut Option<String>) {
        for field in [ImportField::StreamUrl, ImportField::SnapshotUrl] {
            let text = self.cell(field);
            if text.is_empty() {
                continue;
            }
            let (clean, user, pass) = split_credentials(text);
            if user.is_some() || pass.is_some() {
                let reason = self.i18n.tr("import-note-credentials-moved");
                self.note(field.code(), reason);
                if camera.username.is_empty() {
                    camera.username = user.unwrap_or_default();
                }
                if password.is_none() {
                    *password = pass;
                }
            }
            if field == ImportField::StreamUrl {
                camera.stream_url = clean;
            } else {
                camera.snapshot_url = clean;
            }
        }
    }

    /// An analogue camera's recorder and channel; a channel that is not a number refuses the row.
    fn recorder(&mut self, camera: &mut Camera) {
        let host = self.cell(ImportField::NvrHost);
        let channel = self.cell(ImportField::NvrChannel);
        if host.is_empty() && channel.is_empty() {
            return;
        }
        match channel.parse::<u16>() {
            Ok(channel) => {
                camera.kind = CameraKind::Analogue {
                    nvr_host: host.to_string(),
                    channel,
                };
            }
            Err(_) => {
                let reason = self
                    .i18n
                    .tr_args("import-refuse-channel", &[("text", channel.to_string())]);
                self.refuse("nvr_channel", reason);
            }
        }
    }

    /// The camera and its password, from every camera column.
    fn camera(&mut self, lat: f64, lon: f64, label: &str) -> (Camera, Option<String>) {
        let mut camera = Camera::blank_at(lat, lon);
        camera.label = label.chars().take(120).collect();
        camera.area_watched = self.area_watched();
        self.direction(&mut camera);
        self.fov_and_range(&mut camera);
        camera.make = self.cell(ImportField::Make).to_string();
        camera.model = self.cell(ImportField::Model).to_string();
        let mut password =
            Some(self.cell(ImportField::Password).to_string()).filter(|p| !p.is_empty());
        camera.username = self.cell(ImportField::Username).to_string();
        self.addresses(&mut camera, &mut password);
        self.recorder(&mut camera);
        (camera, password)
    }

    /// The owner's category; words the desk does not know give the default, with a note.
    fn owner_category(&mut self) -> OwnerCategory {
        let text = self.cell(ImportField::OwnerCategory);
        if let Some(c) = category_from_words(text) {
            return c;
        }
        let default = self.settings.default_category;
        if !text.is_empty() {
            let reason = self.i18n.tr_args(
                "import-note-category-default",
                &[
                    ("text", text.to_string()),
                    ("category", self.i18n.tr(&default.i18n_key())),
                ],
            );
            self.note("owner_category", reason);
        }
        default
    }

    /// The site the camera is at: named by the site, operator or label cell (else the camera's label), at the
    /// camera's point. A phone number that is not Indian is left out with a note, never refusing the row.
    fn site(&mut self, camera: &Camera) -> Site {
        let site_name = [
            self.cell(ImportField::SiteName),
            self.cell(ImportField::Operator),
            self.cell(ImportField::Label),
        ]
        .into_iter()
        .find(|s| !s.is_empty())
        .map_or_else(|| camera.label.clone(), str::to_string);
        let mut site = Site::blank();
        site.name_en = site_name.chars().take(120).collect();
        site.name_hi = self.cell(ImportField::SiteNameHi).to_string();
        site.owner_category = self.owner_category();
        site.priority = Priority::None;
        site.contact_person = self.cell(ImportField::ContactPerson).to_string();
        let phone = self.cell(ImportField::Phone);
        if !phone.is_empty() {
            match normalise_phone(phone) {
                Some(p) => site.phone = p,
                None => {
                    let reason = self
                        .i18n
                        .tr_args("import-note-phone", &[("text", phone.to_string())]);
                    self.note("phone", reason);
                }
            }
        }
        site.address = self.cell(ImportField::Address).to_string();
        site.ward = self.cell(ImportField::Ward).to_string();
        site.police_station = self.cell(ImportField::PoliceStation).to_string();
        site.notes = self.site_notes();
        site.recorder_retention_days = self.retention_days();
        site.lat_deg = camera.lat_deg;
        site.lon_deg = camera.lon_deg;
        site
    }

    /// Days the site's recorder keeps footage ("30", "30 days", "15 दिन"); empty is the default, and anything
    /// else than a whole number of days from 1 to 3650 refuses the row.
    fn retention_days(&mut self) -> u32 {
        let text = self.cell(ImportField::RecorderRetention).to_string();
        if text.is_empty() {
            return crate::model::DEFAULT_RETENTION_DAYS;
        }
        let number = text.trim_end_matches(|c: char| !c.is_ascii_digit()).trim();
        match number.parse::<u32>() {
            Ok(days) if (1..=crate::model::MAX_RETENTION_DAYS).contains(&days) => days,
            _ => {
                let reason = self.i18n.tr_args(
                    "import-refuse-number",
                    &[
                        ("text", text.clone()),
                        ("min", "1".to_string()),
                        ("max", crate::model::MAX_RETENTION_DAYS.to_string()),
                    ],
                );
                self.refuse(ImportField::RecorderRetention.code(), reason);
                crate::model::DEFAULT_RETENTION_DAYS
            }
        }
    }

    /// The site's notes: the operator (which has no column of its own in the registry) and the notes cell.
    fn site_notes(&self) -> String {
        let mut extra = Vec::new();
        let operator = self.cell(ImportField::Operator);
        if !operator.is_empty() {
            extra.push(self.i18n.tr_args(
                "import-site-operator",
                &[("operator", operator.to_string())],
            ));
        }
        let notes = self.cell(ImportField::Notes);
        if !notes.is_empty() {
            extra.push(notes.to_string());
        }
        extra.join("\n")
    }

    /// The registry's own checks of the camera and its site, where the coordinates were usable (else they were
    /// refused already, and the site's latitude and longitude would only say so twice).
    fn registry_checks(&mut self, camera: &Camera, site: &Site) {
        if !camera.lat_deg.is_finite() {
            return;
        }
        let mut field_errors: Vec<FieldError> = validate_camera_in(camera, self.area);
        field_errors.extend(validate_site_in(site, self.area).into_iter().filter(|e| {
            !matches!(
                e.field,
                crate::model::Field::Latitude | crate::model::Field::Longitude
            )
        }));
        for e in field_errors {
            let reason = self.i18n.field_error(&e);
            self.refuse(&e.field.code().replace('-', "_"), reason);
        }
    }
}

/// Words for a direction used but not as written.
fn direction_note(note: crate::model::import::DirectionNote, i18n: &I18n) -> String {
    match note {
        crate::model::import::DirectionNote::FirstOfSeveral { text, taken_deg } => i18n.tr_args(
            "import-note-direction-first",
            &[("text", text), ("deg", format!("{taken_deg:.0}"))],
        ),
        crate::model::import::DirectionNote::Range {
            text,
            bearing_deg,
            width_deg,
        } => i18n.tr_args(
            "import-note-direction-range",
            &[
                ("text", text),
                ("deg", format!("{bearing_deg:.0}")),
                ("width", format!("{width_deg:.0}")),
            ],
        ),
    }
}

/// Reads and checks one row: the point first, then the camera's columns, then its site's, then the registry's
/// own rules (the refusals and notes come in that order).
fn read_row(
    row: &SourceRow,
    settings: &ImportSettings,
    area: &ServiceArea,
    i18n: &I18n,
) -> RowReading {
    let mut reader = RowReader {
        row,
        settings,
        area,
        i18n,
        refusals: Vec::new(),
        notes: Vec::new(),
    };
    let (lat, lon) = reader.point();
    let source_ref = Some(reader.cell(ImportField::SourceId).to_string()).filter(|s| !s.is_empty());
    let label = reader.label(source_ref.as_ref());
    let (camera, password) = reader.camera(lat, lon, &label);
    let site = reader.site(&camera);
    reader.registry_checks(&camera, &site);
    RowReading {
        site_named: !reader.cell(ImportField::SiteName).is_empty(),
        camera,
        site,
        password,
        source_ref,
        refusals: reader.refusals,
        notes: reader.notes,
    }
}

fn coordinate_reason(problem: &CoordinateProblem, i18n: &I18n) -> String {
    match problem {
        CoordinateProblem::Missing => i18n.tr("import-refuse-no-point"),
        CoordinateProblem::NotANumber { text } => {
            i18n.tr_args("import-refuse-not-number", &[("text", text.clone())])
        }
        CoordinateProblem::Grouped { text } => {
            i18n.tr_args("import-refuse-grouped", &[("text", text.clone())])
        }
        CoordinateProblem::ZeroZero => i18n.tr("import-refuse-zero-zero"),
        CoordinateProblem::Projected { crs } => {
            i18n.tr_args("import-refuse-projected", &[("crs", crs.clone())])
        }
        CoordinateProblem::OutOfRange { lat_deg, lon_deg } => i18n.tr_args(
            "import-refuse-out-of-range",
            &[("lat", lat_deg.to_string()), ("lon", lon_deg.to_string())],
        ),
        CoordinateProblem::LooksSwapped { lat_deg, lon_deg } => i18n.tr_args(
            "import-refuse-swapped",
            &[("lat", lat_deg.to_string()), ("lon", lon_deg.to_string())],
        ),
    }
}

/// Fields the file sets that differ from the registry camera's (the stage is never an import's to change).
fn merged(existing: &Camera, new: &Camera, settings: &ImportSettings) -> Camera {
    let mapped = |f: ImportField| settings.column(f).is_some();
    let mut c = existing.clone();
    let has_point = mapped(ImportField::Latitude)
        || mapped(ImportField::PointWkt)
        || (!mapped(ImportField::Longitude) && new.lat_deg.is_finite());
    if has_point {
        c.lat_deg = new.lat_deg;
        c.lon_deg = new.lon_deg;
    }
    if mapped(ImportField::Label) && !new.label.is_empty() {
        c.label = new.label.clone();
    }
    // A blank or unrecognised cell ("not yet known") never erases an area a person set.
    if mapped(ImportField::AreaWatched) && new.area_watched != AreaWatched::NotYetKnown {
        c.area_watched = new.area_watched;
    }
    if new.bearing_deg.is_some() {
        c.bearing_deg = new.bearing_deg;
    }
    if new.fov_deg.is_some() {
        c.fov_deg = new.fov_deg;
    }
    if new.range_m.is_some() {
        c.range_m = new.range_m;
    }
    if !new.make.is_empty() {
        c.make = new.make.clone();
    }
    if !new.model.is_empty() {
        c.model = new.model.clone();
    }
    if !new.stream_url.is_empty() {
        c.stream_url = new.stream_url.clone();
    }
    if !new.snapshot_url.is_empty() {
        c.snapshot_url = new.snapshot_url.clone();
    }
    if !new.username.is_empty() {
        c.username = new.username.clone();
    }
    if matches!(new.kind, CameraKind::Analogue { .. }) {
        c.kind = new.kind.clone();
    }
    c
}

/// Rows looked at to choose the coordinate columns: enough to see what they hold, without reading a 200,000-row
/// file twice over.
const PAIR_SAMPLE_ROWS: usize = 2_000;

/// What `pair`'s columns hold over the first rows of `table`.
fn pair_values(table: &SourceTable, pair: CoordinatePair, area: &ServiceArea) -> PairValues {
    let mut values = PairValues::default();
    for row in table.rows.iter().take(PAIR_SAMPLE_ROWS) {
        let cell = |c: usize| row.cells.get(c).unwrap_or("");
        values.count(cell(pair.lat_column), cell(pair.lon_column), area);
    }
    values
}

/// Settings guessed from the file's headers and values, for a registry serving `area`. Where several pairs of
/// columns could give the point (`X`/`Y` metres beside `Latitude`/`Longitude` degrees), the pair
/// [`choose_pair`] prefers is mapped and the others are left unmapped.
pub fn guess_settings(table: &SourceTable, area: &ServiceArea) -> ImportSettings {
    let mut settings = ImportSettings::guessed(&table.headers);
    let pairs = coordinate_pairs(&table.headers);
    if pairs.len() < 2 {
        return settings;
    }
    let scored: Vec<(CoordinatePair, PairValues)> = pairs
        .into_iter()
        .map(|p| (p, pair_values(table, p, area)))
        .collect();
    let Some(chosen) = choose_pair(&scored).map(|i| scored[i].0) else {
        return settings;
    };
    for slot in &mut settings.mapping {
        if matches!(slot, Some(ImportField::Latitude | ImportField::Longitude)) {
            *slot = None;
        }
    }
    for (column, field) in [
        (chosen.lat_column, ImportField::Latitude),
        (chosen.lon_column, ImportField::Longitude),
    ] {
        if let Some(slot) = settings.mapping.get_mut(column) {
            *slot = Some(field);
        }
    }
    settings
}

/// Where more than one pair of columns could give the point: a note naming the pair the points are read from
/// (as mapped, by guess or by hand), and one for each other pair saying why it was passed over.
pub fn coordinate_column_notes(
    table: &SourceTable,
    settings: &ImportSettings,
    area: &ServiceArea,
    i18n: &I18n,
) -> Vec<String> {
    let pairs = coordinate_pairs(&table.headers);
    let (Some(lat_column), Some(lon_column)) = (
        settings.column(ImportField::Latitude),
        settings.column(ImportField::Longitude),
    ) else {
        return Vec::new();
    };
    let others: Vec<CoordinatePair> = pairs
        .into_iter()
        .filter(|p| {
            ![p.lat_column, p.lon_column]
                .iter()
                .any(|c| *c == lat_column || *c == lon_column)
        })
        .collect();
    if others.is_empty() || settings.column(ImportField::PointWkt).is_some() {
        return Vec::new();
    }
    let header = |c: usize| table.headers.get(c).cloned().unwrap_or_default();
    let used_name = crate::model::import::coordinate_header(&header(lat_column))
        .map_or(CoordinateName::Axis, |(_, n)| n);
    let used_pair = CoordinatePair {
        lat_column,
        lon_column,
        name: used_name,
    };
    let used = pair_values(table, used_pair, area);
    let mut notes = vec![i18n.tr_args(
        "import-columns-used",
        &[("lat", header(lat_column)), ("lon", header(lon_column))],
    )];
    for other in others {
        let values = pair_values(table, other, area);
        let mut why = Vec::new();
        // The guess would have read this pair: the columns were mapped by hand (or by a profile).
        if choose_pair(&[(other, values.clone()), (used_pair, used.clone())]) == Some(0) {
            why.push(i18n.tr("import-columns-why-mapped"));
        } else if other.name == CoordinateName::Axis && used_name == CoordinateName::Named {
            why.push(i18n.tr("import-columns-why-named"));
        }
        if let Some(crs) = values
            .projected_crs
            .as_ref()
            .filter(|_| values.projected >= values.in_area + values.elsewhere)
        {
            why.push(i18n.tr_args("import-columns-why-projected", &[("crs", crs.clone())]));
        } else if values.in_area + values.elsewhere == 0 {
            why.push(i18n.tr("import-columns-why-empty"));
        } else if values.in_area < used.in_area || why.is_empty() {
            why.push(i18n.tr_args(
                "import-columns-why-fewer",
                &[
                    ("count", values.in_area.to_string()),
                    ("rows", values.rows.to_string()),
                    ("used", used.in_area.to_string()),
                    ("city", area.city.clone()),
                ],
            ));
        }
        notes.push(i18n.tr_args(
            "import-columns-passed-over",
            &[
                ("lat", header(other.lat_column)),
                ("lon", header(other.lon_column)),
                ("why", why.join("; ")),
            ],
        ));
    }
    notes
}

/// Fields whose refusal drops only the value, not the row.
const FIELD_ONLY: [&str; 3] = ["direction", "field_of_view", "range"];

/// The dry run as it goes through the rows: the plan so far, and what the rows seen so far are known by.
struct Planner<'a> {
    settings: &'a ImportSettings,
    existing: &'a Existing,
    i18n: &'a I18n,
    out: ImportPlan,
    /// Duplicate keys of the rows seen so far → their row number.
    seen: HashMap<(SameBy, String), usize>,
    /// Named new sites, so rows of one premises share it.
    new_site_by_name: HashMap<String, usize>,
    /// Rows added so far by their point (row number), for possible duplicates a few metres apart.
    near_rows: NearGrid<usize>,
    /// Unmapped columns whose header says they hold an id (pole number, asset id…).
    id_columns: Vec<usize>,
    headers: &'a [String],
}

/// The dry run of importing `table` into a registry that holds `existing`.
pub fn plan(
    table: &SourceTable,
    settings: &ImportSettings,
    existing: &Existing,
    i18n: &I18n,
) -> ImportPlan {
    let mut planner = Planner {
        settings,
        existing,
        i18n,
        out: ImportPlan {
            rows: Vec::with_capacity(table.rows.len()),
            new_sites: Vec::new(),
            refusals: Vec::new(),
            notes: Vec::new(),
            column_notes: coordinate_column_notes(table, settings, &existing.area, i18n),
            counts: PlanCounts::default(),
        },
        seen: HashMap::new(),
        new_site_by_name: HashMap::new(),
        near_rows: NearGrid::default(),
        id_columns: id_like_columns(&table.headers, settings),
        headers: &table.headers,
    };
    for row in &table.rows {
        let planned = planner.plan_row(row);
        planner.out.rows.push(planned);
    }
    let mut out = planner.out;
    out.counts.new_sites = out.new_sites.len();
    out
}

/// Columns no field is mapped to whose header says they hold an id ("Pole No", "Asset ID").
fn id_like_columns(headers: &[String], settings: &ImportSettings) -> Vec<usize> {
    headers
        .iter()
        .enumerate()
        .filter(|(i, h)| {
            settings.mapping.get(*i).copied().flatten().is_none()
                && is_id_like_header(&crate::model::import::header_key(h))
        })
        .map(|(i, _)| i)
        .collect()
}

impl Planner<'_> {
    /// One row: refused, skipped as a duplicate of an earlier row, matched with a registry camera, or added.
    fn plan_row(&mut self, row: &SourceRow) -> PlannedRow {
        let mut reading = read_row(row, self.settings, &self.existing.area, self.i18n);
        self.out.notes.append(&mut reading.notes);
        let n = row.number;
        // A refused direction, field of view or range leaves the row importable without that value; any
        // other refusal refuses the row.
        let row_refused = reading
            .refusals
            .iter()
            .any(|r| !FIELD_ONLY.contains(&r.field.as_str()));
        self.out.refusals.append(&mut reading.refusals);
        let mut planned = PlannedRow {
            row: n,
            action: RowAction::Refuse,
            camera: None,
            site: None,
            password: None,
            source_ref: reading.source_ref.clone(),
            private_area: reading.camera.area_watched.is_private(),
        };
        if row_refused {
            self.out.counts.refused += 1;
            return planned;
        }
        let keys = keys_of(&reading.camera, reading.source_ref.as_deref());
        if let Some((by, first)) = keys
            .iter()
            .find_map(|k| self.seen.get(k).map(|first| (k.0, *first)))
        {
            planned.action = RowAction::Skip {
                reason: self.i18n.tr_args(
                    "import-skip-duplicate-row",
                    &[
                        ("row", first.to_string()),
                        ("same", self.i18n.tr(by.i18n_key())),
                    ],
                ),
            };
            self.out.counts.skipped += 1;
            return planned;
        }
        for k in &keys {
            self.seen.entry(k.clone()).or_insert(n);
        }
        let in_registry = keys
            .iter()
            .find_map(|(by, key)| self.existing.find(*by, key).map(|id| (*by, id)));
        match in_registry {
            Some((by, camera_id)) => match self.settings.duplicates {
                DuplicatePolicy::Skip => {
                    planned.action = RowAction::Skip {
                        reason: self.i18n.tr_args(
                            "import-skip-duplicate-camera",
                            &[
                                ("id", camera_id.to_string()),
                                ("same", self.i18n.tr(by.i18n_key())),
                            ],
                        ),
                    };
                    self.out.counts.skipped += 1;
                }
                DuplicatePolicy::Update => self.plan_update(&mut planned, reading, camera_id),
            },
            None => {
                let near = self.near_key(row, &reading.camera);
                if let Some(why) = self.possible_duplicate(&near) {
                    self.out.counts.possible_duplicates += 1;
                    if self.settings.near_duplicates == NearDuplicatePolicy::Skip {
                        planned.action = RowAction::Skip { reason: why };
                        self.out.counts.skipped += 1;
                        return planned;
                    }
                    self.out.notes.push(Refusal {
                        row: n,
                        field: "row".into(),
                        reason: why,
                    });
                }
                self.plan_add(&mut planned, reading);
                self.near_rows.insert(near, n);
            }
        }
        planned
    }

    /// The row's camera as the possible-duplicate check sees it, with its id-like cells.
    fn near_key(&self, row: &SourceRow, camera: &Camera) -> NearKey {
        let mut key = NearKey::new(
            camera.lat_deg,
            camera.lon_deg,
            &camera.label,
            camera.bearing_deg,
        );
        key.ids = self
            .id_columns
            .iter()
            .filter_map(|&c| {
                let v = normal_source_id(row.cells.get(c)?);
                (!v.is_empty()).then_some((c, v))
            })
            .collect();
        key
    }

    /// Words naming the row or registry camera this one is possibly the same as (the nearest; a row of the file
    /// first), or `None`.
    fn possible_duplicate(&self, key: &NearKey) -> Option<String> {
        let i18n = self.i18n;
        let because = |why: NearBecause| match why {
            NearBecause::AlikeNames => i18n.tr("import-near-why-names"),
            NearBecause::SameId(col) => i18n.tr_args(
                "import-near-why-id",
                &[("column", self.headers.get(col).cloned().unwrap_or_default())],
            ),
        };
        if let Some((row, d, why)) = self.near_rows.possibly_same(key) {
            return Some(i18n.tr_args(
                "import-near-duplicate-row",
                &[
                    ("row", row.to_string()),
                    ("distance", format!("{d:.0}")),
                    ("why", because(why)),
                ],
            ));
        }
        let (id, d, why) = self.existing.near.possibly_same(key)?;
        let label = self
            .existing
            .cameras
            .get(&id)
            .map(|(c, _)| c.label.clone())
            .unwrap_or_default();
        Some(i18n.tr_args(
            "import-near-duplicate-camera",
            &[
                ("id", id.to_string()),
                ("label", label),
                ("distance", format!("{d:.0}")),
                ("why", because(why)),
            ],
        ))
    }

    /// A row that matches registry camera `camera_id`, under "update": the file's values written over the
    /// camera's, unless nothing changes or a private area would be recorded for a camera already in use.
    fn plan_update(&mut self, planned: &mut PlannedRow, reading: RowReading, camera_id: CameraId) {
        let (existing, i18n, n) = (self.existing, self.i18n, planned.row);
        let Some((current, stage)) = existing.cameras.get(&camera_id) else {
            self.out.counts.refused += 1;
            return;
        };
        let new = merged(current, &reading.camera, self.settings);
        // The import does not know where a blocked camera was blocked from: assume the worst.
        let blocked_from =
            (*stage == IntegrationStage::Blocked).then_some(IntegrationStage::Configured);
        if !new.area_watched.allows_stage(*stage, blocked_from) {
            self.out.refusals.push(Refusal {
                row: n,
                field: "area_watched".into(),
                reason: i18n.tr_args(
                    "import-refuse-private-in-use",
                    &[
                        ("id", camera_id.to_string()),
                        ("stage", i18n.tr(&stage.i18n_key())),
                    ],
                ),
            });
            self.out.counts.refused += 1;
            return;
        }
        let password_changes = reading.password.is_some();
        if new == *current && !password_changes {
            planned.action = RowAction::Unchanged { camera_id };
            self.out.counts.unchanged += 1;
            return;
        }
        // The stored password is not sent to a host it was not given for: the store drops it on update, and
        // the report says so (the password itself is never shown).
        if !password_changes
            && existing.has_password(camera_id)
            && let Some(change) = crate::model::credential_host_change(current, &new)
        {
            self.out.notes.push(Refusal {
                row: n,
                field: change.field.into(),
                reason: i18n.tr_args(
                    "import-note-credential-dropped",
                    &[("from", change.from), ("to", change.to)],
                ),
            });
        }
        planned.action = RowAction::Update { camera_id };
        planned.camera = Some(new);
        planned.password = reading.password;
        self.out.counts.updated += 1;
    }

    /// A new camera: at a registry site of the same name nearby, a new site of the same name in this file, or
    /// a new site of its own. A camera watching a private area is added as rejected, with a note.
    fn plan_add(&mut self, planned: &mut PlannedRow, reading: RowReading) {
        let site_key = reading.site.name_en.trim().to_lowercase();
        let site = if reading.site_named {
            if let Some(id) = self.existing.site_named(
                &reading.site.name_en,
                reading.camera.lat_deg,
                reading.camera.lon_deg,
            ) {
                SiteChoice::Existing(id)
            } else if let Some(&i) = self.new_site_by_name.get(&site_key) {
                SiteChoice::New(i)
            } else {
                self.out.new_sites.push(reading.site);
                self.new_site_by_name
                    .insert(site_key, self.out.new_sites.len() - 1);
                SiteChoice::New(self.out.new_sites.len() - 1)
            }
        } else {
            self.out.new_sites.push(reading.site);
            SiteChoice::New(self.out.new_sites.len() - 1)
        };
        planned.action = RowAction::Add;
        planned.site = Some(site);
        planned.camera = Some(reading.camera);
        planned.password = reading.password;
        self.out.counts.added += 1;
        if planned.private_area {
            self.out.counts.rejected_private += 1;
            let i18n = self.i18n;
            self.out.notes.push(Refusal {
                row: planned.row,
                field: "area_watched".into(),
                reason: i18n.tr_args(
                    "import-note-private-rejected",
                    &[(
                        "area",
                        i18n.tr(&planned
                            .camera
                            .as_ref()
                            .map_or(self.settings.default_area, |c| c.area_watched)
                            .i18n_key()),
                    )],
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::model::LatLonBox;
    use crate::services::exchange::import::read::{SourceFormat, read};

    fn trafford() -> ServiceArea {
        ServiceArea {
            city: "Trafford".into(),
            country: "the United Kingdom".into(),
            city_box: LatLonBox::parse("53.38,-2.48,53.48,-2.25").unwrap(),
            country_box: LatLonBox::parse("49.8,-8.7,60.9,1.8").unwrap(),
        }
    }

    fn existing_in(area: ServiceArea) -> Existing {
        Existing {
            area,
            ..Existing::default()
        }
    }

    /// A registry camera at site 1, without a password.
    fn registry_camera(
        id: CameraId,
        camera: Camera,
        stage: IntegrationStage,
    ) -> crate::store::CameraRecord {
        crate::store::CameraRecord {
            id,
            site_id: 1,
            camera,
            stage,
            blocked_from: None,
            block_reason: None,
            password: crate::model::PasswordState::None,
            row_version: 1,
            updated_by: "x".into(),
            updated_unix_s: 0,
        }
    }

    fn csv_plan(text: &str, existing: &Existing) -> (SourceTable, ImportPlan) {
        let table = read(text.as_bytes(), SourceFormat::Csv, None).unwrap();
        let settings = ImportSettings::guessed(&table.headers);
        let p = plan(&table, &settings, existing, &I18n::new(Lang::En));
        (table, p)
    }

    #[test]
    fn a_register_with_longitude_first_is_read_right() {
        let (_, p) = csv_plan(
            "camera_id,location,area_name,area_code,lon,lat\n\
             1001,Trafford Wharf Road,Gorse Hill & Cornbrook,E05015247,-2.284777,53.464515\n\
             1002,\"Chester Road, White City\",Gorse Hill & Cornbrook,E05015247,-2.285219,53.46222\n",
            &existing_in(trafford()),
        );
        assert_eq!(p.counts.added, 2, "{:?}", p.refusals);
        let c = p.rows[1].camera.as_ref().unwrap();
        assert_eq!((c.lat_deg, c.lon_deg), (53.46222, -2.285219));
        assert_eq!(c.label, "Chester Road, White City");
        assert_eq!(p.rows[0].source_ref.as_deref(), Some("1001"));
        assert_eq!(p.new_sites[0].ward, "Gorse Hill & Cornbrook");
        assert_eq!(p.new_sites.len(), 2);
    }

    #[test]
    fn the_recorders_retention_is_read_into_the_new_site() {
        let (_, p) = csv_plan(
            "id,name,lat,lon,retention days\n\
             1,Shop,25.4486,78.5697,15 days\n\
             2,Hotel,25.4490,78.5700,\n\
             3,Bank,25.4495,78.5705,a month\n\
             4,Clinic,25.4499,78.5709,0\n",
            &existing_in(ServiceArea::default()),
        );
        assert_eq!(p.counts.added, 2, "{:?}", p.refusals);
        let days: Vec<u32> = p
            .new_sites
            .iter()
            .map(|s| s.recorder_retention_days)
            .collect();
        assert_eq!(days, [15, 30]);
        let refused: Vec<(usize, &str)> = p
            .refusals
            .iter()
            .map(|r| (r.row, r.field.as_str()))
            .collect();
        assert_eq!(
            refused,
            [
                (4, "recorder_retention_days"),
                (5, "recorder_retention_days")
            ]
        );
    }

    #[test]
    fn bad_coordinates_name_the_row_and_the_field() {
        let (_, p) = csv_plan(
            "id,name,lat,lon\n\
             1,ok,25.4486,78.5697\n\
             2,swapped,78.5697,25.4486\n\
             3,zero,0,0\n\
             4,grouped,25.448.123,78.5697\n\
             5,mercator,2930000,8746000\n\
             6,empty,,78.5\n\
             7,london,51.5,-0.12\n",
            &existing_in(ServiceArea::default()),
        );
        assert_eq!(p.counts.added, 1);
        assert_eq!(p.counts.refused, 6);
        let why = |row: usize| {
            p.refusals
                .iter()
                .find(|r| r.row == row)
                .map(|r| (r.field.clone(), r.reason.clone()))
                .unwrap()
        };
        assert!(why(3).1.contains("swapped"), "{:?}", why(3));
        assert!(why(4).1.contains("(0, 0)"));
        assert!(why(5).1.contains("thousands grouping"));
        assert!(why(6).1.contains("EPSG:3857"), "{:?}", why(6));
        assert_eq!(why(7).0, "latitude");
        assert!(why(8).1.contains("outside India"), "{:?}", why(8));
    }

    fn toronto() -> ServiceArea {
        ServiceArea {
            city: "Toronto".into(),
            country: "Canada".into(),
            city_box: LatLonBox::parse("43.58,-79.64,43.86,-79.11").unwrap(),
            country_box: LatLonBox::parse("41.6,-141.1,83.2,-52.6").unwrap(),
        }
    }

    const BOTH_PAIRS: &str = "ID,Street,Cross street,X,Y,Latitude,Longitude\n\
        TO-1,Yonge St,Dundas St,630402.7,4834636.9,43.6561,-79.3802\n\
        TO-3,King St W,Spadina Ave,0,0,43.6456,-79.3950\n";

    #[test]
    fn latitude_longitude_beside_projected_x_y_are_read_and_the_notes_say_so() {
        let table = read(BOTH_PAIRS.as_bytes(), SourceFormat::Csv, None).unwrap();
        let en = I18n::new(Lang::En);
        let settings = guess_settings(&table, &toronto());
        assert_eq!(settings.column(ImportField::Latitude), Some(5));
        assert_eq!(settings.column(ImportField::Longitude), Some(6));
        let p = plan(&table, &settings, &existing_in(toronto()), &en);
        assert_eq!(p.counts.added, 2, "{:?}", p.refusals);
        let c = p.rows[1].camera.as_ref().unwrap();
        assert_eq!((c.lat_deg, c.lon_deg), (43.6456, -79.395));
        assert_eq!(p.column_notes.len(), 2, "{:?}", p.column_notes);
        assert!(p.column_notes[0].contains("Latitude (latitude) and Longitude (longitude)"));
        let passed = &p.column_notes[1];
        assert!(passed.contains("Y and X"), "{passed}");
        assert!(passed.contains("named latitude and longitude"), "{passed}");
        assert!(passed.contains("EPSG:32617"), "{passed}");

        // X/Y values in degrees of the area, with Latitude/Longitude empty: X/Y are read.
        let table = read(
            "X,Y,Latitude,Longitude\n-79.3802,43.6561,,\n-79.395,43.6456,,\n".as_bytes(),
            SourceFormat::Csv,
            None,
        )
        .unwrap();
        let settings = guess_settings(&table, &toronto());
        assert_eq!(settings.column(ImportField::Longitude), Some(0));
        let p = plan(&table, &settings, &existing_in(toronto()), &en);
        assert_eq!(p.counts.added, 2, "{:?}", p.refusals);
        assert!(
            p.column_notes[1].contains("no usable degrees"),
            "{:?}",
            p.column_notes
        );

        // Only one pair: nothing to say; a plain file is unchanged.
        let (_, p) = csv_plan(
            "name,lat,lon\nGate,25.4486,78.5697\n",
            &existing_in(ServiceArea::default()),
        );
        assert!(p.column_notes.is_empty());
    }

    #[test]
    fn x_y_mapped_by_hand_are_read_and_refused_in_the_areas_zone() {
        let table = read(BOTH_PAIRS.as_bytes(), SourceFormat::Csv, None).unwrap();
        let mut settings = guess_settings(&table, &toronto());
        settings.mapping[5] = None;
        settings.mapping[6] = None;
        settings.mapping[3] = Some(ImportField::Longitude);
        settings.mapping[4] = Some(ImportField::Latitude);
        let p = plan(
            &table,
            &settings,
            &existing_in(toronto()),
            &I18n::new(Lang::En),
        );
        assert_eq!(p.counts.refused, 2);
        assert!(
            p.refusals[0].reason.contains("zone 17N"),
            "{:?}",
            p.refusals
        );
        assert!(p.refusals[1].reason.contains("(0, 0)"), "{:?}", p.refusals);
        assert!(p.column_notes[0].contains("Y (latitude) and X (longitude)"));
        assert!(
            p.column_notes[1].contains("Latitude and Longitude")
                && p.column_notes[1].contains("the mapping reads the point from the other columns"),
            "{:?}",
            p.column_notes
        );
        // The same metres for a Jhansi registry name Jhansi's zone.
        let p = plan(
            &table,
            &settings,
            &existing_in(ServiceArea::default()),
            &I18n::new(Lang::En),
        );
        assert!(
            p.refusals[0].reason.contains("zone 44N"),
            "{:?}",
            p.refusals
        );
    }

    #[test]
    fn duplicates_in_the_file_and_in_the_registry() {
        let text = "camera_id,location,lon,lat\n\
                    1001,A,-2.28,53.46\n\
                    1001.0,A again,-2.29,53.47\n\
                    1002,B,-2.30,53.45\n";
        let (_, p) = csv_plan(text, &existing_in(trafford()));
        assert_eq!(p.counts.added, 2);
        assert_eq!(p.counts.skipped, 1);
        let RowAction::Skip { reason } = &p.rows[1].action else {
            panic!("{:?}", p.rows[1].action);
        };
        assert!(
            reason.contains("row 2") && reason.contains("source id"),
            "{reason}"
        );

        // The registry already has 1002 (as camera 7).
        let mut snapshot = RegistrySnapshot {
            area: trafford(),
            ..RegistrySnapshot::default()
        };
        let mut cam = Camera::blank_at(53.45, -2.30);
        cam.label = "B".into();
        snapshot
            .cameras
            .push(registry_camera(7, cam, IntegrationStage::Configured));
        let refs = HashMap::from([(7, "1002".to_string())]);
        let existing = Existing::new(&snapshot, &refs);
        let (table, p) = csv_plan(text, &existing);
        assert!(
            matches!(&p.rows[2].action, RowAction::Skip { reason } if reason.contains("camera 7"))
        );
        let mut settings = ImportSettings::guessed(&table.headers);
        settings.duplicates = DuplicatePolicy::Update;
        let p = plan(&table, &settings, &existing, &I18n::new(Lang::En));
        // Same values: nothing to write.
        assert_eq!(p.rows[2].action, RowAction::Unchanged { camera_id: 7 });
        let moved = text.replace("1002,B,-2.30,53.45", "1002,B,-2.31,53.45");
        let table = read(moved.as_bytes(), SourceFormat::Csv, None).unwrap();
        let p = plan(&table, &settings, &existing, &I18n::new(Lang::En));
        assert_eq!(p.rows[2].action, RowAction::Update { camera_id: 7 });
        assert_eq!(p.rows[2].camera.as_ref().unwrap().lon_deg, -2.31);
    }

    #[test]
    fn rows_possibly_listed_twice_are_named_and_can_be_skipped() {
        // Trafford, about 1.1 m per 1e-5 degree of latitude.
        let text = "camera_id,name,pole_no,lat,lon,direction\n\
                    C-1,Elite Chauraha,P-17,53.460000,-2.280000,90\n\
                    C-2,elite chauraha.,P-18,53.460020,-2.280010,100\n\
                    C-3,Junction camera,P-17,53.460010,-2.280000,\n\
                    C-4,Elite Chauraha cam 2,P-19,53.460000,-2.280000,90\n\
                    C-5,Elite Chauraha,P-20,53.460005,-2.280000,270\n\
                    C-6,Elite Chauraha,P-21,53.460100,-2.280000,90\n";
        let (table, p) = csv_plan(text, &existing_in(trafford()));
        // Rows 3 (a name that reads the same, 2 m) and 4 (pole P-17 again, 1 m) are possibly row 2; row 5 is
        // "cam 2" of the same pole, row 6 (half a metre off) faces the other way, row 7 stands 11 m off: three more cameras.
        assert_eq!(p.counts.added, 6);
        assert_eq!(p.counts.possible_duplicates, 2);
        let near: Vec<(usize, &str)> = p
            .notes
            .iter()
            .filter(|n| n.reason.starts_with("Possibly the same camera"))
            .map(|n| (n.row, n.reason.as_str()))
            .collect();
        assert_eq!(near.len(), 2, "{near:?}");
        assert_eq!(near[0].0, 3);
        assert!(
            near[0].1.contains("row 2")
                && near[0].1.contains("2 m away")
                && near[0].1.contains("name"),
            "{}",
            near[0].1
        );
        assert_eq!(near[1].0, 4);
        assert!(
            near[1].1.contains("row 2") && near[1].1.contains("pole_no"),
            "{}",
            near[1].1
        );

        // Skipped when asked: the same words as the reason, nothing added for them.
        let mut settings = ImportSettings::guessed(&table.headers);
        settings.near_duplicates = NearDuplicatePolicy::Skip;
        let p = plan(
            &table,
            &settings,
            &existing_in(trafford()),
            &I18n::new(Lang::En),
        );
        assert_eq!((p.counts.added, p.counts.skipped), (4, 2));
        assert!(
            matches!(&p.rows[1].action, RowAction::Skip { reason } if reason.contains("row 2")),
            "{:?}",
            p.rows[1].action
        );

        // Against the registry: a camera 3 m from row 2 with the same name is named by id and label.
        let mut snapshot = RegistrySnapshot {
            area: trafford(),
            ..RegistrySnapshot::default()
        };
        let mut cam = Camera::blank_at(53.459975, -2.280000);
        cam.label = "ELITE CHAURAHA".into();
        snapshot
            .cameras
            .push(registry_camera(41, cam, IntegrationStage::Integrated));
        let existing = Existing::new(&snapshot, &HashMap::new());
        let (_, p) = csv_plan(
            "name,lat,lon\nElite Chauraha,53.460000,-2.280000\n",
            &existing,
        );
        assert_eq!(p.counts.possible_duplicates, 1);
        assert!(
            p.notes.iter().any(|n| n.row == 2
                && n.reason.contains("registry camera 41 (ELITE CHAURAHA)")
                && n.reason.contains("3 m away")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn directions_privacy_credentials_and_sites() {
        let (_, p) = csv_plan(
            "site,category,camera,area,direction,stream_url,lat,lon\n\
             Hotel Raj,hotel,Gate,gate,90;160;270,rtsp://admin:s3cret@127.0.0.5:554/1,25.4486,78.5697\n\
             Hotel Raj,hotel,Room 101,room,north,,25.4487,78.5698\n\
             Hotel Raj,hotel,Lobby,lobby,up,,25.4488,78.5699\n\
             City Hospital,अस्पताल,Entrance,entrance,190-100,,25.45,78.57\n",
            &existing_in(ServiceArea::default()),
        );
        assert_eq!(p.counts.added, 4, "{:?}", p.refusals);
        // One hotel site for three cameras, one hospital.
        assert_eq!(p.new_sites.len(), 2);
        assert_eq!(p.new_sites[1].owner_category, OwnerCategory::HospitalClinic);
        let gate = p.rows[0].camera.as_ref().unwrap();
        assert_eq!(gate.bearing_deg, Some(90.0));
        assert_eq!(gate.stream_url, "rtsp://127.0.0.5:554/1");
        assert_eq!(gate.username, "admin");
        assert_eq!(p.rows[0].password.as_deref(), Some("s3cret"));
        assert!(p.rows[1].private_area);
        assert_eq!(p.counts.rejected_private, 1);
        // "up" is refused for the direction only.
        assert_eq!(p.rows[2].action, RowAction::Add);
        assert_eq!(p.rows[2].camera.as_ref().unwrap().bearing_deg, None);
        assert!(
            p.refusals
                .iter()
                .any(|r| r.row == 4 && r.field == "direction")
        );
        assert_eq!(p.rows[3].camera.as_ref().unwrap().bearing_deg, Some(325.0));
        // The password is never in the report.
        for line in p.refusals.iter().chain(&p.notes) {
            assert!(!line.reason.contains("s3cret"), "{line:?}");
        }
    }

    /// Every refusal and note a row's reading can give, each field once, pinned word for word and in the order
    /// they are reported (the point first, then the camera's fields, then the site's, then the registry's rules).
    #[test]
    fn every_field_refusal_and_note_names_its_row_field_and_reason() {
        let (_, p) = csv_plan(
            "id,site,camera,category,area,direction,fov,range,lat,lon,wkt,phone,nvr,channel,stream_url,snapshot_url,operator,notes\n\
             1,Hotel A,Gate,xyz,balcony,190-100,,,25.4486,78.5697,,12,,,rtsp://u:p@127.0.0.1/1,http://v:q@127.0.0.1/s.jpg,Op One,Back door\n\
             2,Hotel A,Lobby,hotel,lobby,up,400,abc,25.4487,78.5698,,,,,,,,\n\
             3,,,,,90;180,0,1,25.4488,78.5699,,,,,,,,\n\
             ,,,,,,,,25.4489,78.5700,,,,,,,,\n\
             5,,Bad WKT,,,,,,,,POINT(abc),,,,,,,\n\
             6,,No lat,,,up,,,,78.5,,,,,,,,\n\
             7,,Bad lon,,,,,,25.4,east,,,,,,,,\n\
             8,,DVR,,,,,,25.4490,78.5701,,,127.0.0.2,x,,,,\n\
             9,,Web,,,,,,25.4491,78.5702,,,,5,http://127.0.0.3/live,,,\n",
            &existing_in(ServiceArea::default()),
        );
        let lines = |list: &[Refusal]| -> Vec<(usize, String, String)> {
            list.iter()
                .map(|r| (r.row, r.field.clone(), r.reason.clone()))
                .collect()
        };
        let line =
            |row: usize, field: &str, reason: &str| (row, field.to_string(), reason.to_string());
        let direction = "\"up\" is not a direction (degrees, or a compass point such as N, SW, south); \
                         imported without a facing.";
        assert_eq!(
            lines(&p.refusals),
            vec![
                line(3, "direction", direction),
                line(
                    3,
                    "field_of_view",
                    "\"400\" is not a number from 1 to 360; imported without it."
                ),
                line(
                    3,
                    "range",
                    "\"abc\" is not a number from 1 to 2,000; imported without it."
                ),
                line(
                    4,
                    "field_of_view",
                    "\"0\" is not a number from 1 to 360; imported without it."
                ),
                line(6, "point_wkt", "\"POINT(abc)\" is not a coordinate."),
                line(
                    7,
                    "latitude",
                    "No coordinates: map the latitude and longitude columns (or a WKT point)."
                ),
                line(7, "direction", direction),
                line(8, "longitude", "\"east\" is not a coordinate."),
                line(9, "nvr_channel", "\"x\" is not an NVR channel number."),
                line(10, "nvr_host", "This field is required."),
                line(10, "stream_url", "Must start with rtsp://, not http://."),
            ],
            "refusals"
        );
        let moved = "The user name and password in the address were taken out of it and stored apart (the \
                     password encrypted).";
        assert_eq!(
            lines(&p.notes),
            vec![
                line(
                    2,
                    "area_watched",
                    "\"balcony\" is not an area the desk knows; recorded as Not yet known (set before integrating)."
                ),
                line(
                    2,
                    "direction",
                    "The range \"190-100\" was read as facing 325° with a 270° field of view."
                ),
                line(2, "stream_url", moved),
                line(2, "snapshot_url", moved),
                line(
                    2,
                    "owner_category",
                    "\"xyz\" is not an owner category the desk knows; recorded as Public place."
                ),
                line(
                    2,
                    "phone",
                    "\"12\" is not an Indian phone number; left empty."
                ),
                line(
                    4,
                    "direction",
                    "Several directions \"90;180\": the first, 90°, was taken."
                ),
            ],
            "notes"
        );
        let labels: Vec<Option<&str>> = p
            .rows
            .iter()
            .map(|r| r.camera.as_ref().map(|c| c.label.as_str()))
            .collect();
        // Rows 2 to 5 are added (a refused direction, field of view or range drops only the value); the label
        // falls back to the source id, then to the row number.
        assert_eq!(
            labels,
            vec![
                Some("Gate"),
                Some("Lobby"),
                Some("Camera 3"),
                Some("Camera of row 5"),
                None,
                None,
                None,
                None,
                None
            ]
        );
        // The first address's credentials fill the user name and password; the addresses are kept without them.
        let gate = p.rows[0].camera.as_ref().unwrap();
        assert_eq!(
            (gate.username.as_str(), p.rows[0].password.as_deref()),
            ("u", Some("p"))
        );
        assert_eq!(gate.stream_url, "rtsp://127.0.0.1/1");
        assert_eq!(gate.snapshot_url, "http://127.0.0.1/s.jpg");
        assert_eq!(p.new_sites[0].notes, "Operator: Op One\nBack door");
        assert_eq!(p.new_sites[0].phone, "");

        // A file with no point at all, and a map feature whose geometry is not a point.
        let (_, p) = csv_plan("name\nGate\n", &existing_in(ServiceArea::default()));
        assert_eq!(
            lines(&p.refusals),
            vec![line(
                2,
                "latitude",
                "No coordinates: map the latitude and longitude columns (or a WKT point)."
            )]
        );
        let table = read(
            br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"A"},
                "geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}"#,
            SourceFormat::GeoJson,
            None,
        )
        .unwrap();
        let settings = ImportSettings::guessed(&table.headers);
        let p = plan(
            &table,
            &settings,
            &existing_in(ServiceArea::default()),
            &I18n::new(Lang::En),
        );
        assert_eq!(
            lines(&p.refusals),
            vec![line(
                1,
                "latitude",
                "\"the geometry is a LineString, not a Point\" is not a coordinate."
            )]
        );
    }

    #[test]
    fn a_plan_never_prints_a_password() {
        let (_, p) = csv_plan(
            "name,lat,lon,password\nGate,25.4486,78.5697,Hidden-Pass-42\n",
            &existing_in(ServiceArea::default()),
        );
        assert_eq!(p.rows[0].password.as_deref(), Some("Hidden-Pass-42"));
        assert!(!format!("{p:?}").contains("Hidden-Pass-42"));
    }

    #[test]
    fn profiles_follow_headers_not_positions() {
        let headers: Vec<String> = ["x", "y", "naam"].map(String::from).to_vec();
        let settings = ImportSettings {
            mapping: vec![
                Some(ImportField::Longitude),
                Some(ImportField::Latitude),
                Some(ImportField::Label),
            ],
            ..ImportSettings::guessed(&headers)
        };
        let profile = ImportProfile::from_settings("Police list", &headers, &settings);
        let reordered: Vec<String> = ["naam", "extra", "Y", "X"].map(String::from).to_vec();
        assert_eq!(
            profile.settings_for(&reordered).mapping,
            vec![
                Some(ImportField::Label),
                None,
                Some(ImportField::Latitude),
                Some(ImportField::Longitude)
            ]
        );
    }

    #[test]
    fn a_citys_ward_in_the_area_is_an_address_and_a_hospitals_ward_is_private() {
        let (_, p) = csv_plan(
            "camera,site,category,area,lat,lon\n\
             Cam 1,Nagar Nigam zonal office,government office,road outside Ward 12 office,25.4486,78.5697\n\
             Cam 2,Nagar Nigam zonal office,government office,Ward 12,25.4487,78.5697\n\
             Cam 3,पार्षद कार्यालय,government office,वार्ड 12,25.4488,78.5697\n\
             Cam 4,District Hospital,government office,Ward 4,25.4489,78.5697\n\
             Cam 5,Sanjivani,hospital,ward no. 5,25.4490,78.5697\n\
             Cam 6,Hotel Raj Palace,hotel,Female ward,25.4491,78.5697\n",
            &existing_in(ServiceArea::default()),
        );
        let areas: Vec<AreaWatched> = p
            .rows
            .iter()
            .map(|r| r.camera.as_ref().map(|c| c.area_watched))
            .collect::<Option<_>>()
            .expect("every row read");
        assert_eq!(
            areas,
            [
                AreaWatched::RoadFrontage,
                AreaWatched::NotYetKnown,
                AreaWatched::NotYetKnown,
                AreaWatched::Ward,
                AreaWatched::Ward,
                AreaWatched::Ward,
            ]
        );
    }

    #[test]
    fn source_ids_are_normalised() {
        assert_eq!(normal_source_id(" 1001.0 "), "1001");
        assert_eq!(normal_source_id("node/5"), "node/5");
    }
}
