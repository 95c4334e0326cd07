//! Exports of the registry's lists (sites, cameras, blocked cameras, coverage gaps, the week's numbers) as CSV,
//! XLSX and GeoJSON.
//!
//! Why a neutral [`ExportTable`]: every list (and the coverage gaps and weekly figures that come later) is built
//! once as columns and cells, and each writer turns any table into its format, so a new list needs one builder
//! and no writer code. No egui here; the desk and the CLI both call it.
//!
//! Safety rules every export keeps:
//! - never a password or a camera username; stream and snapshot URLs lose any `user:password@` part even though
//!   the store already keeps them without (defence in depth: one bad import must not leak into a spreadsheet);
//! - a file is written beside its target under a temporary name and renamed over it only when complete, so a
//!   failed export leaves neither a half file nor a damaged old one;
//! - rows in a fixed order (site name, then camera label, then ids), so two exports of one registry are equal.

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::i18n::I18n;
use crate::model::{CameraId, CameraKind, HealthState, SiteId, ist_datetime};
use crate::store::{
    BlockedRow, CameraRecord, NoteRow, RegistrySnapshot, ReportReader, SiteCameraCounts,
    SiteRecord, StoreError,
};

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A whole number (ids, counts): written as a number, never guarded as a formula.
    Integer(i64),
    /// A measured number (degrees, metres): written as a number; a non-finite one is written empty.
    Number(f64),
    Empty,
}

impl Cell {
    fn text(s: &str) -> Self {
        if s.is_empty() {
            Self::Empty
        } else {
            Self::Text(s.to_string())
        }
    }

    fn opt(n: Option<f64>) -> Self {
        n.map_or(Self::Empty, Self::Number)
    }
}

/// A column: a stable key (GeoJSON property name, for scripts) and the header people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    /// English by default; see [`ExportTable::set_headers`].
    pub header: String,
}

/// A list ready to be written in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTable {
    /// What the rows are ("Sites"); the XLSX sheet name.
    pub title: String,
    pub columns: Vec<Column>,
    /// One `Vec` per row, as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
    /// Each row's position as (longitude, latitude) in degrees (WGS84), for GeoJSON; `None` for a table without
    /// places (weekly figures).
    pub points: Option<Vec<(f64, f64)>>,
}

impl ExportTable {
    pub fn new(title: &str, columns: &[(&'static str, &str)]) -> Self {
        Self {
            title: title.to_string(),
            columns: columns_of(columns),
            rows: Vec::new(),
            points: None,
        }
    }

    /// The table's head, for the streaming writers.
    pub fn head(&self) -> ExportHead {
        ExportHead {
            title: self.title.clone(),
            columns: self.columns.clone(),
            has_points: self.points.is_some(),
        }
    }

    /// Hands the rows to `sink` in order, each with its point when the table has points.
    fn send_rows(&self, sink: &mut RowSink<'_>) -> Result<(), ExportError> {
        match &self.points {
            Some(points) => {
                for (row, &point) in self.rows.iter().zip(points) {
                    sink(row, Some(point))?;
                }
            }
            None => {
                for row in &self.rows {
                    sink(row, None)?;
                }
            }
        }
        Ok(())
    }

    /// Replaces the English headers, e.g. with translated ones; `None` keeps a column's header.
    pub fn set_headers(&mut self, mut header: impl FnMut(&str) -> Option<String>) {
        for c in &mut self.columns {
            if let Some(h) = header(c.key) {
                c.header = h;
            }
        }
    }
}

/// What a writer needs before the first row: a list's title, its columns, and whether its rows have places.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportHead {
    /// The XLSX sheet name.
    pub title: String,
    pub columns: Vec<Column>,
    /// Whether each row comes with a point (a GeoJSON form exists).
    pub has_points: bool,
}

impl ExportHead {
    pub fn new(title: &str, columns: &[(&'static str, &str)], has_points: bool) -> Self {
        Self {
            title: title.to_string(),
            columns: columns_of(columns),
            has_points,
        }
    }
}

/// Takes a list's rows one at a time, as they are read: each row's cells (as many as the columns) and, for a
/// list with places, its point as (longitude, latitude) in degrees.
pub type RowSink<'s> = dyn FnMut(&[Cell], Option<(f64, f64)>) -> Result<(), ExportError> + 's;

fn columns_of(columns: &[(&'static str, &str)]) -> Vec<Column> {
    columns
        .iter()
        .map(|&(key, header)| Column {
            key,
            header: header.to_string(),
        })
        .collect()
}

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// UTF-8 with a byte-order mark and CRLF line ends, as Excel opens it with Devanagari intact.
    Csv,
    Xlsx,
    /// RFC 7946 FeatureCollection of points.
    GeoJson,
}

impl ExportFormat {
    /// The name shown in messages ("CSV").
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Xlsx => "XLSX",
            Self::GeoJson => "GeoJSON",
        }
    }
}

/// Why an export was not written. Whatever the reason, nothing was left at the target (an old file there is
/// intact).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The folder to write into does not exist.
    #[error("cannot write {}: the folder {} does not exist", .path.display(), .folder.display())]
    FolderMissing { path: PathBuf, folder: PathBuf },
    /// Something that is not a folder stands where the folder should be.
    #[error("cannot write {}: {} is not a folder", .path.display(), .folder.display())]
    NotAFolder { path: PathBuf, folder: PathBuf },
    /// The folder (or the file system) may not be written to.
    #[error("cannot write {}: the folder {} is read-only or not writable ({detail})", .path.display(), .folder.display())]
    ReadOnly {
        path: PathBuf,
        folder: PathBuf,
        detail: String,
    },
    /// The disk (or the user's quota) is full.
    #[error("cannot write {}: the disk is full", .path.display())]
    DiskFull { path: PathBuf },
    /// The target is a folder.
    #[error("cannot write {}: it is a folder; name a file", .path.display())]
    TargetIsFolder { path: PathBuf },
    /// Any other input/output or encoding failure (`kind` says it in words; `Other` for an encoding failure).
    #[error("cannot write {}: {detail}", .path.display())]
    Io {
        path: PathBuf,
        kind: io::ErrorKind,
        detail: String,
    },
    /// The table has no positions, so it has no GeoJSON form.
    #[error("cannot write {} as GeoJSON: the list has no map positions", .path.display())]
    NoPoints { path: PathBuf },
    /// The target is the registry, its journal, or a password key: an export never replaces them.
    #[error("cannot write {}: it is {what}; choose another file name", .path.display())]
    Protected { path: PathBuf, what: String },
    /// The target exists and is not a plain file (a device, a FIFO, a socket): it is not replaced.
    #[error("cannot write {}: it is a {kind}, not a plain file; choose another file name", .path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    /// XLSX has a row limit (1,048,576 rows).
    #[error("cannot write {} as XLSX: {rows} rows are more than a sheet holds", .path.display())]
    TooManyRows { path: PathBuf, rows: usize },
}

impl ExportError {
    /// Key of this error's message in the i18n catalogue.
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::FolderMissing { .. } => "export-err-folder-missing",
            Self::NotAFolder { .. } => "export-err-not-a-folder",
            Self::ReadOnly { .. } => "export-err-read-only",
            Self::DiskFull { .. } => "export-err-disk-full",
            Self::TargetIsFolder { .. } => "export-err-target-is-folder",
            Self::Io { .. } => "export-err-io",
            Self::NoPoints { .. } => "export-err-no-points",
            Self::TooManyRows { .. } => "export-err-too-many-rows",
            Self::Protected { .. } => "export-err-protected",
            Self::NotRegular { .. } => "export-err-not-regular",
        }
    }

    /// The message's arguments (`path` always; `folder`, `detail`, `rows` where the message has them).
    pub fn i18n_args(&self) -> Vec<(&'static str, String)> {
        let shown = |p: &Path| p.display().to_string();
        match self {
            Self::FolderMissing { path, folder } | Self::NotAFolder { path, folder } => {
                vec![("path", shown(path)), ("folder", shown(folder))]
            }
            Self::ReadOnly {
                path,
                folder,
                detail,
            } => vec![
                ("path", shown(path)),
                ("folder", shown(folder)),
                ("detail", detail.clone()),
            ],
            Self::DiskFull { path } | Self::TargetIsFolder { path } | Self::NoPoints { path } => {
                vec![("path", shown(path))]
            }
            Self::Io { path, detail, .. } => {
                vec![("path", shown(path)), ("detail", detail.clone())]
            }
            Self::TooManyRows { path, rows } => {
                vec![("path", shown(path)), ("rows", rows.to_string())]
            }
            Self::Protected { path, what } => vec![("path", shown(path)), ("what", what.clone())],
            Self::NotRegular { path, kind } => {
                vec![("path", shown(path)), ("kind", (*kind).to_string())]
            }
        }
    }

    /// The message in the catalogue's language: what was not written and why, in words (the system's own text
    /// is in [`Self::details`]).
    pub fn message(&self, i18n: &I18n) -> String {
        let mut args = self.i18n_args();
        if let Self::Io { kind, .. } = self {
            args.push(("reason", i18n.tr(crate::i18n::io_kind_key(*kind))));
        }
        i18n.tr_args(self.i18n_key(), &args)
    }

    /// The system's own words behind the message, for whoever fixes it (shown on hover), when there are any.
    pub fn details(&self) -> Option<String> {
        match self {
            Self::ReadOnly { detail, .. } | Self::Io { detail, .. } => Some(detail.clone()),
            _ => None,
        }
    }

    /// An I/O error while writing `path`, named by its likely cause.
    pub(crate) fn from_io(path: &Path, e: &io::Error) -> Self {
        let path = path.to_path_buf();
        let folder = folder_of(&path).to_path_buf();
        // The temporary file's name (tempfile adds "at path …/.x.csv.partial-…") is ours, not the user's: the
        // details name the file they chose, which the message already does.
        let text = e.to_string();
        let detail = text.split(" at path ").next().unwrap_or(&text).to_string();
        match e.kind() {
            // A folder that exists yet answers "no such file" to a new file is a virtual one (/proc, /sys).
            io::ErrorKind::NotFound if folder.is_dir() => Self::ReadOnly {
                path,
                folder,
                detail,
            },
            io::ErrorKind::NotFound => Self::FolderMissing { path, folder },
            io::ErrorKind::NotADirectory => Self::NotAFolder { path, folder },
            io::ErrorKind::IsADirectory => Self::TargetIsFolder { path },
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => Self::ReadOnly {
                path,
                folder,
                detail,
            },
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => Self::DiskFull { path },
            kind => Self::Io { path, kind, detail },
        }
    }
}

/// The folder a file is written into ("." for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A URL without its `user:password@` part. Text that does not parse as a URL is cut after the last `@` of its
/// authority all the same, so not even a malformed address carries a secret out.
pub fn strip_credentials(url: &str) -> String {
    let url = url.trim();
    if let Ok(mut parsed) = url::Url::parse(url) {
        if parsed.username().is_empty() && parsed.password().is_none() {
            return url.to_string();
        }
        // Both only fail for URLs that cannot have credentials ("cannot-be-a-base"), which then have none.
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        return parsed.to_string();
    }
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..scheme_end + 3], &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Sites in export order: by English name (case-insensitive), then Hindi name, then id.
fn sites_in_order(snapshot: &RegistrySnapshot) -> Vec<&SiteRecord> {
    let mut sites: Vec<&SiteRecord> = snapshot.sites.iter().collect();
    sites.sort_by_cached_key(|s| (s.site.name_en.to_lowercase(), s.site.name_hi.clone(), s.id));
    sites
}

/// Each site's place in [`sites_in_order`], to order cameras by site without comparing names again.
fn site_ranks<'a>(sites: &[&'a SiteRecord]) -> HashMap<SiteId, (usize, &'a SiteRecord)> {
    sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, (i, *s)))
        .collect()
}

/// Cameras in export order: by site, then label (case-insensitive), then id. Cameras of an unknown site (none
/// in a consistent registry) come last.
fn cameras_in_order<'a>(
    cameras: impl Iterator<Item = &'a CameraRecord>,
    ranks: &HashMap<SiteId, (usize, &SiteRecord)>,
) -> Vec<&'a CameraRecord> {
    let mut out: Vec<&CameraRecord> = cameras.collect();
    out.sort_by_cached_key(|c| {
        let rank = ranks.get(&c.site_id).map_or(usize::MAX, |r| r.0);
        (rank, c.camera.label.to_lowercase(), c.id)
    });
    out
}

/// The sites list's columns.
const SITE_COLUMNS: &[(&str, &str)] = &[
    ("site_id", "Site id"),
    ("name_en", "Name"),
    ("name_hi", "Name (Hindi)"),
    ("owner_category", "Owner category"),
    ("priority", "Priority"),
    ("priority_radius_m", "Priority radius (m)"),
    ("contact_person", "Contact person"),
    ("phone", "Phone"),
    ("address", "Address"),
    ("ward", "Ward"),
    ("police_station", "Police station"),
    ("lat_deg", "Latitude"),
    ("lon_deg", "Longitude"),
    ("cameras", "Cameras"),
    ("integrated", "Integrated"),
    ("notes", "Notes"),
];

/// One site's row of the sites list.
fn site_cells(r: &SiteRecord, counts: SiteCameraCounts, i18n: &I18n) -> Vec<Cell> {
    let s = &r.site;
    vec![
        Cell::Integer(r.id),
        Cell::text(&s.name_en),
        Cell::text(&s.name_hi),
        Cell::Text(i18n.tr(&s.owner_category.i18n_key())),
        Cell::Text(i18n.tr(&s.priority.i18n_key())),
        Cell::opt(s.priority_radius_m),
        Cell::text(&s.contact_person),
        Cell::text(&s.phone),
        Cell::text(&s.address),
        Cell::text(&s.ward),
        Cell::text(&s.police_station),
        Cell::Number(s.lat_deg),
        Cell::Number(s.lon_deg),
        Cell::Integer(counts.cameras),
        Cell::Integer(counts.integrated),
        Cell::text(&s.notes),
    ]
}

/// The list of sites: one row per site with its owner, contact, place and camera counts.
pub fn sites_table(snapshot: &RegistrySnapshot, i18n: &I18n) -> ExportTable {
    let mut table = ExportTable::new("Sites", SITE_COLUMNS);
    let mut counts: HashMap<SiteId, SiteCameraCounts> = HashMap::new();
    for c in &snapshot.cameras {
        let n = counts.entry(c.site_id).or_default();
        n.cameras += 1;
        if c.is_integrated() {
            n.integrated += 1;
        }
    }
    let sites = sites_in_order(snapshot);
    let mut points = Vec::with_capacity(sites.len());
    table.rows.reserve(sites.len());
    for r in sites {
        let n = counts.get(&r.id).copied().unwrap_or_default();
        table.rows.push(site_cells(r, n, i18n));
        points.push((r.site.lon_deg, r.site.lat_deg));
    }
    table.points = Some(points);
    table
}

/// The cameras list's columns; "Health" last when the list has it.
fn camera_columns(with_health: bool) -> Vec<(&'static str, &'static str)> {
    let mut columns = vec![
        ("camera_id", "Camera id"),
        ("label", "Camera"),
        ("site_id", "Site id"),
        ("site_name_en", "Site"),
        ("site_name_hi", "Site (Hindi)"),
        ("owner_category", "Owner category"),
        ("ward", "Ward"),
        ("police_station", "Police station"),
        ("stage", "Stage"),
        ("block_reason", "Block reason"),
        ("area_watched", "Area watched"),
        ("lat_deg", "Latitude"),
        ("lon_deg", "Longitude"),
        ("bearing_deg", "Bearing (°)"),
        ("fov_deg", "Field of view (°)"),
        ("range_m", "Range (m)"),
        ("kind", "Kind"),
        ("nvr_host", "NVR host"),
        ("nvr_channel", "NVR channel"),
        ("make", "Make"),
        ("model", "Model"),
        ("stream_url", "Stream URL"),
        ("snapshot_url", "Snapshot URL"),
    ];
    if with_health {
        columns.push(("health", "Health"));
    }
    columns
}

/// One camera's row of the cameras list; `health`: its state when the list has that column.
fn camera_cells(
    r: &CameraRecord,
    site: Option<&crate::model::Site>,
    health: Option<HealthState>,
    i18n: &I18n,
) -> Vec<Cell> {
    let c = &r.camera;
    let site_text =
        |f: fn(&crate::model::Site) -> &str| site.map_or(Cell::Empty, |s| Cell::text(f(s)));
    let (nvr_host, nvr_channel) = match &c.kind {
        CameraKind::Ip => (Cell::Empty, Cell::Empty),
        CameraKind::Analogue { nvr_host, channel } => (
            Cell::text(&strip_credentials(nvr_host)),
            Cell::Integer(i64::from(*channel)),
        ),
    };
    let mut row = vec![
        Cell::Integer(r.id),
        Cell::text(&c.label),
        Cell::Integer(r.site_id),
        site_text(|s| &s.name_en),
        site_text(|s| &s.name_hi),
        site.map_or(Cell::Empty, |s| {
            Cell::Text(i18n.tr(&s.owner_category.i18n_key()))
        }),
        site_text(|s| &s.ward),
        site_text(|s| &s.police_station),
        // The counted stage, as in the figures: a private camera made integrated with the CHECKs off is surveyed.
        Cell::Text(i18n.tr(&r.counted_stage().i18n_key())),
        r.block_reason
            .map_or(Cell::Empty, |b| Cell::Text(i18n.tr(&b.i18n_key()))),
        Cell::Text(i18n.tr(&c.area_watched.i18n_key())),
        Cell::Number(c.lat_deg),
        Cell::Number(c.lon_deg),
        Cell::opt(c.bearing_deg),
        Cell::opt(c.fov_deg),
        Cell::opt(c.range_m),
        Cell::Text(c.kind.code().to_string()),
        nvr_host,
        nvr_channel,
        Cell::text(&c.make),
        Cell::text(&c.model),
        Cell::text(&strip_credentials(&c.stream_url)),
        Cell::text(&strip_credentials(&c.snapshot_url)),
    ];
    if let Some(state) = health {
        row.push(Cell::Text(i18n.tr(&state.i18n_key())));
    }
    row
}

/// The list of cameras with their site, stage and addresses (without credentials; never the username or the
/// password). `health`: each probed camera's state, when the caller has it (a column is added then).
pub fn cameras_table(
    snapshot: &RegistrySnapshot,
    health: Option<&HashMap<CameraId, HealthState>>,
    i18n: &I18n,
) -> ExportTable {
    let mut table = ExportTable::new("Cameras", &camera_columns(health.is_some()));
    let sites = sites_in_order(snapshot);
    let ranks = site_ranks(&sites);
    let cameras = cameras_in_order(snapshot.cameras.iter(), &ranks);
    let mut points = Vec::with_capacity(cameras.len());
    table.rows.reserve(cameras.len());
    for r in cameras {
        let site = ranks.get(&r.site_id).map(|x| &x.1.site);
        let state = health.map(|h| h.get(&r.id).copied().unwrap_or(HealthState::NotProbed));
        table.rows.push(camera_cells(r, site, state, i18n));
        points.push((r.camera.lon_deg, r.camera.lat_deg));
    }
    table.points = Some(points);
    table
}

/// When a blocked camera was blocked, and the last thing anyone wrote about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockDetail {
    /// Time of the stage event that blocked it, unix seconds.
    pub since_unix_s: i64,
    /// The newest note about it: a non-empty stage-change note or a follow-up note, whichever was written later
    /// (empty when none).
    pub last_note: String,
    /// Who wrote that note (empty when none).
    pub last_note_by: String,
    /// When that note was written, unix seconds; `None` when there is no note.
    pub last_note_at_unix_s: Option<i64>,
}

/// The block time and newest note of every blocked camera, from the stage history and the follow-up notes. One
/// pass over the cameras and, per blocked camera only, look-ups on the `(camera_id, id)` indexes of
/// `stage_event` and `follow_up` ([`ReportReader::blocked_rows`]): fast at 200,000 cameras.
pub fn block_details(db: &ReportReader<'_>) -> Result<HashMap<CameraId, BlockDetail>, StoreError> {
    let mut out = HashMap::new();
    for row in db.blocked_rows()? {
        let BlockedRow {
            camera_id: id,
            blocked_at_unix_s: since,
            stage_note,
            follow_up,
        } = row;
        let as_note = |(note, by, at): NoteRow| Some((note?, by.unwrap_or_default(), at?));
        // Ids of two tables cannot be compared, so at the same second the follow-up counts as the later one: a
        // supervisor writes it about the camera as it stands, after the stage change.
        let newest = match (as_note(stage_note), as_note(follow_up)) {
            (Some(s), Some(f)) => Some(if s.2 > f.2 { s } else { f }),
            (s, f) => f.or(s),
        };
        let (last_note, last_note_by, last_note_at_unix_s) = match newest {
            Some((note, by, at)) => (note, by, Some(at)),
            None => (String::new(), String::new(), None),
        };
        out.insert(
            id,
            BlockDetail {
                // The schema writes every block as an event; a file upgraded from v1 may lack one.
                since_unix_s: since.unwrap_or(0),
                last_note,
                last_note_by,
                last_note_at_unix_s,
            },
        );
    }
    Ok(out)
}

/// The latest health state of each probed camera (read-only).
pub fn health_states(db: &ReportReader<'_>) -> Result<HashMap<CameraId, HealthState>, StoreError> {
    let mut out = HashMap::new();
    for (id, state) in db.health_state_codes()? {
        // A state this build does not know reads as "not probed" rather than failing the export.
        out.insert(
            id,
            HealthState::from_code(&state).unwrap_or(HealthState::NotProbed),
        );
    }
    Ok(out)
}

/// The blocked list for the review meeting: blocked cameras grouped by owner category, then owner (site), with
/// the reason, since when (IST), whom to call and the last note. `details` from [`block_details`].
pub fn blocked_table(
    snapshot: &RegistrySnapshot,
    details: &HashMap<CameraId, BlockDetail>,
    i18n: &I18n,
) -> ExportTable {
    let mut table = ExportTable::new(
        "Blocked cameras",
        &[
            ("owner_category", "Owner category"),
            ("site_id", "Site id"),
            ("site_name_en", "Site"),
            ("site_name_hi", "Site (Hindi)"),
            ("contact_person", "Contact person"),
            ("phone", "Phone"),
            ("camera_id", "Camera id"),
            ("label", "Camera"),
            ("block_reason", "Block reason"),
            ("blocked_since", "Blocked since (IST)"),
            ("blocked_from", "Blocked at stage"),
            ("last_note", "Last note"),
            ("last_note_at", "Last note at (IST)"),
            ("last_note_by", "Last note by"),
            ("ward", "Ward"),
            ("police_station", "Police station"),
            ("lat_deg", "Latitude"),
            ("lon_deg", "Longitude"),
        ],
    );
    let mut sites = sites_in_order(snapshot);
    // Stable: within a category the sites keep their name order.
    sites.sort_by_key(|s| s.site.owner_category);
    let ranks = site_ranks(&sites);
    let blocked = snapshot
        .cameras
        .iter()
        .filter(|c| c.stage == crate::model::IntegrationStage::Blocked);
    let cameras = cameras_in_order(blocked, &ranks);
    let mut points = Vec::with_capacity(cameras.len());
    for r in cameras {
        let c = &r.camera;
        let site = ranks.get(&r.site_id).map(|x| &x.1.site);
        let site_text =
            |f: fn(&crate::model::Site) -> &str| site.map_or(Cell::Empty, |s| Cell::text(f(s)));
        let detail = details.get(&r.id);
        table.rows.push(vec![
            site.map_or(Cell::Empty, |s| {
                Cell::Text(i18n.tr(&s.owner_category.i18n_key()))
            }),
            Cell::Integer(r.site_id),
            site_text(|s| &s.name_en),
            site_text(|s| &s.name_hi),
            site_text(|s| &s.contact_person),
            site_text(|s| &s.phone),
            Cell::Integer(r.id),
            Cell::text(&c.label),
            r.block_reason
                .map_or(Cell::Empty, |b| Cell::Text(i18n.tr(&b.i18n_key()))),
            detail
                .filter(|d| d.since_unix_s > 0)
                .map_or(Cell::Empty, |d| Cell::Text(ist_datetime(d.since_unix_s))),
            r.blocked_from
                .map(|s| crate::model::counted_stage(s, c.area_watched))
                .map_or(Cell::Empty, |s| Cell::Text(i18n.tr(&s.i18n_key()))),
            detail.map_or(Cell::Empty, |d| Cell::text(&d.last_note)),
            detail
                .and_then(|d| d.last_note_at_unix_s)
                .map_or(Cell::Empty, |t| Cell::Text(ist_datetime(t))),
            detail.map_or(Cell::Empty, |d| Cell::text(&d.last_note_by)),
            site_text(|s| &s.ward),
            site_text(|s| &s.police_station),
            Cell::Number(c.lat_deg),
            Cell::Number(c.lon_deg),
        ]);
        points.push((c.lon_deg, c.lat_deg));
    }
    table.points = Some(points);
    table
}

/// The coverage gaps: one row per priority place no working integrated camera watches, with why, and the
/// nearest camera that could close it (how many more there are in `candidates`).
pub fn gaps_table(report: &crate::model::CoverageReport, i18n: &I18n) -> ExportTable {
    let mut table = ExportTable::new(
        "Coverage gaps",
        &[
            ("site_id", "Site id"),
            ("name_en", "Place"),
            ("name_hi", "Place (Hindi)"),
            ("priority", "Kind"),
            ("reason", "Why uncovered"),
            ("radius_m", "Radius (m)"),
            ("lat_deg", "Latitude"),
            ("lon_deg", "Longitude"),
            ("candidates", "Cameras that could close it"),
            ("candidate_camera_id", "Nearest candidate: camera id"),
            ("candidate_label", "Nearest candidate: camera"),
            ("candidate_site_en", "Nearest candidate: site"),
            ("candidate_site_hi", "Nearest candidate: site (Hindi)"),
            (
                "candidate_owner_category",
                "Nearest candidate: owner category",
            ),
            ("candidate_contact", "Nearest candidate: contact person"),
            ("candidate_phone", "Nearest candidate: phone"),
            ("candidate_distance_m", "Nearest candidate: distance (m)"),
            ("candidate_stage", "Nearest candidate: stage"),
        ],
    );
    let mut points = Vec::with_capacity(report.gaps.len());
    for gap in &report.gaps {
        let mut row = vec![
            Cell::Integer(gap.site_id),
            Cell::text(&gap.name_en),
            Cell::text(&gap.name_hi),
            Cell::Text(i18n.tr(&gap.priority.i18n_key())),
            Cell::Text(i18n.tr(&gap.reason.i18n_key())),
            Cell::Number(gap.radius_m),
            Cell::Number(gap.lat_deg),
            Cell::Number(gap.lon_deg),
            Cell::Integer(gap.candidates.len() as i64),
        ];
        match gap.candidates.first() {
            Some(c) => row.extend([
                Cell::Integer(c.camera_id),
                Cell::text(&c.camera_label),
                Cell::text(&c.site_name_en),
                Cell::text(&c.site_name_hi),
                Cell::Text(i18n.tr(&c.owner_category.i18n_key())),
                Cell::text(&c.contact_person),
                Cell::text(&c.phone),
                Cell::Number(c.distance_m.round()),
                Cell::Text(i18n.tr(&c.stage.i18n_key())),
            ]),
            None => row.extend(std::iter::repeat_n(Cell::Empty, 9)),
        }
        table.rows.push(row);
        points.push((gap.lon_deg, gap.lat_deg));
    }
    table.points = Some(points);
    table
}

/// The week's numbers for the review meeting: one row per owner category and a last row for all of them, which
/// alone carries the week-wide figures (surveys, blocks, uptime, gaps). No map positions (no GeoJSON form).
pub fn weekly_table(
    report: &crate::services::review::weekly::WeeklyReport,
    i18n: &I18n,
) -> ExportTable {
    let mut table = ExportTable::new(
        "Weekly review",
        &[
            ("week", "Week"),
            ("owner_category", "Owner category"),
            ("cameras", "Cameras"),
            ("integrated_total", "Integrated in total"),
            ("integrated_this_week", "Integrated this week"),
            ("integrated_last_week", "Integrated last week"),
            ("new_surveys", "New surveys"),
            ("blocked_this_week", "Blocked this week"),
            ("resolved_this_week", "Unblocked this week"),
            ("blocked_now", "Blocked at week's end"),
            ("uptime_pct", "Uptime of integrated (%)"),
            ("gaps", "Coverage gaps now"),
        ],
    );
    let week = format!("{} ({} – {})", report.week, report.starts, report.ends);
    let n = |v: u64| Cell::Integer(i64::try_from(v).unwrap_or(i64::MAX));
    for c in crate::model::OwnerCategory::ALL {
        let Some(f) = report.by_category.get(c.code()) else {
            continue;
        };
        let mut row = vec![
            Cell::Text(week.clone()),
            Cell::Text(i18n.tr(&c.i18n_key())),
            n(f.cameras),
            n(f.integrated_total),
            n(f.integrated_this_week),
            n(f.integrated_last_week),
        ];
        row.extend(std::iter::repeat_n(Cell::Empty, 6));
        table.rows.push(row);
    }
    table.rows.push(vec![
        Cell::Text(week),
        Cell::Text(i18n.tr("export-all-categories")),
        n(report.cameras),
        n(report.integrated_total),
        n(report.integrated_this_week),
        n(report.integrated_last_week),
        n(report.new_surveys),
        n(report.blocked_this_week),
        n(report.resolved_this_week),
        n(report.blocked_now),
        Cell::opt(
            report
                .uptime_pct_integrated
                .map(|p| (p * 10.0).round() / 10.0),
        ),
        report.gaps.map_or(Cell::Empty, n),
    ]);
    table
}

/// The lists the desk and the CLI export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportList {
    Sites,
    Cameras,
    /// Coverage gaps as they stand now.
    Gaps,
    Blocked,
    /// The numbers of one week.
    Weekly(crate::services::review::weekly::IsoWeek),
    /// The audit log in words: the desk writes the entries its audit screen shows; built here, the whole log.
    Audit,
}

impl ExportList {
    /// Whether the list has map positions (a GeoJSON form).
    pub fn has_points(self) -> bool {
        !matches!(self, Self::Weekly(_) | Self::Audit)
    }

    /// Catalogue key of the "Wrote N … to FILE" message.
    pub fn done_key(self) -> &'static str {
        match self {
            Self::Sites => "export-done-sites",
            Self::Cameras => "export-done-cameras",
            Self::Gaps => "export-done-gaps",
            Self::Blocked => "export-done-blocked",
            Self::Weekly(_) => "export-done-weekly",
            Self::Audit => "export-done-audit",
        }
    }

    /// A file name to offer, without extension ("coverage-gaps-2026-11-25", "weekly-2026-W48").
    pub fn file_stem(self, now_unix_s: i64) -> String {
        let day = ist_datetime(now_unix_s)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        match self {
            Self::Sites => format!("sites-{day}"),
            Self::Cameras => format!("cameras-{day}"),
            Self::Gaps => format!("coverage-gaps-{day}"),
            Self::Blocked => format!("blocked-cameras-{day}"),
            Self::Weekly(week) => format!("weekly-{}", week.label()),
            Self::Audit => format!("audit-log-{day}"),
        }
    }
}

/// Reads what `list` needs from a registry connection (read-only is enough) and builds its table. Values
/// (categories, stages, reasons) are in `i18n`'s language; headers stay English for scripts and GIS tools.
pub fn build_table(
    db: &ReportReader<'_>,
    list: ExportList,
    now_unix_s: i64,
    i18n: &I18n,
) -> Result<ExportTable, StoreError> {
    let snapshot = || db.snapshot();
    Ok(match list {
        ExportList::Sites => sites_table(&snapshot()?, i18n),
        ExportList::Cameras => {
            let health = health_states(db)?;
            cameras_table(&snapshot()?, Some(&health), i18n)
        }
        ExportList::Gaps => {
            let coverage = crate::services::review::coverage::report_from_conn(
                db,
                now_unix_s,
                crate::model::coverage::DEFAULT_WINDOW_S,
            )?;
            gaps_table(&coverage, i18n)
        }
        ExportList::Blocked => {
            let details = block_details(db)?;
            blocked_table(&snapshot()?, &details, i18n)
        }
        ExportList::Weekly(week) => {
            let report = crate::services::review::weekly::weekly_with_gaps(db, week, now_unix_s)?;
            weekly_table(&report, i18n)
        }
        ExportList::Audit => {
            let entries = db.audit(usize::MAX)?;
            let snapshot = snapshot()?;
            let sites: HashMap<SiteId, &str> = snapshot
                .sites
                .iter()
                .map(|s| (s.id, s.site.name_en.as_str()))
                .collect();
            let cameras: HashMap<CameraId, (&str, SiteId)> = snapshot
                .cameras
                .iter()
                .map(|c| (c.id, (c.camera.label.as_str(), c.site_id)))
                .collect();
            let site = |id: SiteId| sites.get(&id).map(|n| (*n).to_string());
            let camera = |id: CameraId| {
                cameras
                    .get(&id)
                    .map(|(label, s)| ((*label).to_string(), site(*s).unwrap_or_default()))
            };
            let entries: Vec<&crate::store::AuditEntry> = entries.iter().collect();
            crate::services::audit::audit_table(i18n, &entries, |e| {
                crate::services::audit::audit_record_words(i18n, e, camera, site)
            })
        }
    })
}

/// Why the desk's export did not happen: the registry could not be read, or the file not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportJobError {
    #[error(transparent)]
    Read(#[from] StoreError),
    #[error(transparent)]
    Write(#[from] ExportError),
}

impl ExportJobError {
    pub fn message(&self, i18n: &I18n) -> String {
        match self {
            Self::Read(e) => e.words(i18n),
            Self::Write(e) => e.message(i18n),
        }
    }

    /// The technical text behind the message (for the hover), never shown in its place.
    pub fn details(&self) -> Option<String> {
        match self {
            Self::Read(e) => Some(e.to_string()),
            Self::Write(e) => e.details(),
        }
    }
}

/// Exports `list` of the registry file `db` (opened read-only, on the caller's thread: call it off the UI
/// thread) to `target`.
pub fn export_file(
    db: &Path,
    list: ExportList,
    format: ExportFormat,
    target: &Path,
    now_unix_s: i64,
    i18n: &I18n,
) -> Result<Written, ExportJobError> {
    // A target that would be refused is refused before the registry is read.
    check_target(target)?;
    let reader = crate::services::review::weekly::open_read_only(db)?;
    write_list(&reader, list, format, target, now_unix_s, i18n)
}

/// Reads `list` from `db` and writes it to `target`. The sites and cameras go row by row from the registry to
/// the file (at 500,000 cameras the whole list in memory would take a gigabyte); the other lists are built
/// whole first ([`build_table`]). Values as in [`build_table`].
pub fn write_list(
    db: &ReportReader<'_>,
    list: ExportList,
    format: ExportFormat,
    target: &Path,
    now_unix_s: i64,
    i18n: &I18n,
) -> Result<Written, ExportJobError> {
    match list {
        ExportList::Sites => {
            let head = ExportHead::new("Sites", SITE_COLUMNS, true);
            write_streamed(&head, format, target, |sink| {
                db.for_each_site_in_export_order(|r, counts| {
                    let point = (r.site.lon_deg, r.site.lat_deg);
                    sink(&site_cells(r, counts, i18n), Some(point)).map_err(ExportJobError::from)
                })
            })
        }
        ExportList::Cameras => {
            let head = ExportHead::new("Cameras", &camera_columns(true), true);
            write_streamed(&head, format, target, |sink| {
                db.for_each_camera_in_export_order(|r, site, state| {
                    // A state this build does not know reads as "not probed" rather than failing the export.
                    let state = state
                        .and_then(HealthState::from_code)
                        .unwrap_or(HealthState::NotProbed);
                    let cells = camera_cells(r, site.map(|s| &s.site), Some(state), i18n);
                    let point = (r.camera.lon_deg, r.camera.lat_deg);
                    sink(&cells, Some(point)).map_err(ExportJobError::from)
                })
            })
        }
        _ => {
            let table = build_table(db, list, now_unix_s, i18n)?;
            Ok(write(&table, format, target)?)
        }
    }
}

/// Writes `list` to `target` without the UI opening the registry file `db` (the desk runs it as a background
/// task): `prepared` (the table as the screen shows it) when given, else the list read from `db` read-only, as
/// of `now_unix_s`.
pub fn export_job(
    db: &Path,
    list: ExportList,
    format: ExportFormat,
    target: &Path,
    prepared: Option<ExportTable>,
    now_unix_s: i64,
    i18n: &I18n,
) -> Result<Written, ExportJobError> {
    let result = match prepared {
        Some(table) => write(&table, format, target).map_err(ExportJobError::from),
        None => export_file(db, list, format, target, now_unix_s, i18n),
    };
    // The target's path only: an export never holds a password, and its rows are not logged.
    match &result {
        Ok(w) => tracing::info!(rows = w.rows, "export written to {}", target.display()),
        Err(e) => tracing::warn!("export to {} not written: {e}", target.display()),
    }
    result
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub rows: usize,
    pub bytes: u64,
    /// Text cells cut to fit a sheet cell ([`XLSX_MAX_CELL_CHARS`]); 0 for CSV and GeoJSON.
    pub cut_cells: usize,
}

impl Written {
    /// The line that says how many cells were cut, when any were.
    pub fn cut_note(&self, i18n: &I18n) -> Option<String> {
        (self.cut_cells > 0).then(|| {
            i18n.tr_args(
                "export-cut-cells",
                &[
                    ("cells", self.cut_cells.to_string()),
                    ("limit", XLSX_MAX_CELL_CHARS.to_string()),
                ],
            )
        })
    }
}

/// Writes `table` to `target` in `format`, atomically (see the module notes).
pub fn write(
    table: &ExportTable,
    format: ExportFormat,
    target: &Path,
) -> Result<Written, ExportError> {
    write_streamed(&table.head(), format, target, |sink| table.send_rows(sink))
}

/// Writes the rows `rows` hands to its sink, one at a time as they are read, to `target` in `format`,
/// atomically: an error of `rows` (a registry read that failed) or of the file leaves nothing at the target.
/// Only the row being written is held (XLSX rows go to the writer's temporary file: constant memory).
pub fn write_streamed<E: From<ExportError>>(
    head: &ExportHead,
    format: ExportFormat,
    target: &Path,
    rows: impl FnOnce(&mut RowSink<'_>) -> Result<(), E>,
) -> Result<Written, E> {
    match format {
        ExportFormat::Csv => csv_streamed(head, target, rows),
        ExportFormat::Xlsx => xlsx_streamed(head, target, rows),
        ExportFormat::GeoJson => geojson_streamed(head, target, rows),
    }
}

/// Files no export or report may replace: the open registry (and its `-wal`, `-shm`, `-journal`) and the
/// password key folder. Set once per process by [`protect_registry`] (the command line and the desk call it
/// with the paths they resolved).
static PROTECTED: std::sync::Mutex<Vec<(PathBuf, Protection)>> = std::sync::Mutex::new(Vec::new());

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protection {
    /// This file (a registry or one of its side files).
    File,
    /// Any file in this folder (the password keys).
    Folder,
}

/// Registers the registry at `db` and the key folder `key_dir` as never to be written over by an export or
/// report (see [`write_atomically`]).
pub fn protect_registry(db: &Path, key_dir: &Path) {
    let mut files: Vec<(PathBuf, Protection)> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            (PathBuf::from(name), Protection::File)
        })
        .collect();
    files.push((key_dir.to_path_buf(), Protection::Folder));
    let mut protected = PROTECTED.lock().unwrap_or_else(|e| e.into_inner());
    for entry in files {
        if !protected.contains(&entry) {
            protected.push(entry);
        }
    }
}

/// The path with its folder resolved (symlinks, `..`), the last part as given: comparable whether or not
/// the file exists yet.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let folder = std::fs::canonicalize(folder_of(path)).ok()?;
    Some(folder.join(path.file_name()?))
}

/// Whether `a` and `b` name one file: the same device and inode (a hard link or symlink to it), or the same
/// resolved path (for a file that does not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return ma.dev() == mb.dev() && ma.ino() == mb.ino();
        }
    }
    matches!((resolved(a), resolved(b)), (Some(x), Some(y)) if x == y)
}

/// What the existing file at `target` is, when it is not a plain file.
fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_char_device() {
            return Some("character device");
        }
        if t.is_block_device() {
            return Some("block device");
        }
        if t.is_fifo() {
            return Some("named pipe (FIFO)");
        }
        if t.is_socket() {
            return Some("socket");
        }
    }
    Some("special file")
}

/// Refuses a target that is the registry (or its side files), a password key or anything in the key
/// folder, an existing SQLite database of any name, a folder, or an existing non-regular file.
pub fn check_target(target: &Path) -> Result<(), ExportError> {
    let path = target.to_path_buf();
    match std::fs::metadata(target) {
        Ok(meta) if meta.is_dir() => return Err(ExportError::TargetIsFolder { path }),
        Ok(meta) => {
            if let Some(kind) = special_kind(&meta) {
                return Err(ExportError::NotRegular { path, kind });
            }
        }
        Err(_) => {}
    }
    let protected = PROTECTED.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for (p, how) in &protected {
        let hit = match how {
            Protection::File => same_file(target, p),
            Protection::Folder => {
                matches!((resolved(target), std::fs::canonicalize(p)), (Some(t), Ok(dir)) if t.starts_with(&dir))
            }
        };
        if hit {
            let what = match how {
                Protection::File => format!("the registry file {}", p.display()),
                Protection::Folder => format!("in the password key folder {}", p.display()),
            };
            return Err(ExportError::Protected { path, what });
        }
    }
    // Any SQLite database (another registry, a base map) is not an export's to replace, whatever its name, nor
    // its write-ahead log or rollback journal: replacing one loses or corrupts the database's last commits.
    if let Some(what) = sqlite_kind(target) {
        return Err(ExportError::Protected {
            path,
            what: what.into(),
        });
    }
    if let Some(database) = sqlite_side_file_of(target) {
        return Err(ExportError::Protected {
            path,
            what: format!("a side file of the SQLite database {}", database.display()),
        });
    }
    Ok(())
}

/// What SQLite file `path` is, from its first bytes: a database, a write-ahead log (magic 0x377f0682 or
/// 0x377f0683, big-endian) or a rollback journal (d9 d5 05 f9 20 a1 63 d7).
fn sqlite_kind(path: &Path) -> Option<&'static str> {
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path).ok()?;
    let mut read = 0;
    while read < head.len() {
        match std::io::Read::read(&mut file, &mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
    }
    let head = &head[..read];
    if head == b"SQLite format 3\0" {
        Some("a SQLite database")
    } else if head.starts_with(&[0x37, 0x7f, 0x06, 0x82])
        || head.starts_with(&[0x37, 0x7f, 0x06, 0x83])
    {
        Some("a SQLite write-ahead log (-wal file)")
    } else if head.starts_with(&[0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]) {
        Some("a SQLite rollback journal (-journal file)")
    } else {
        None
    }
}

/// The SQLite database `path` would be the `-wal`, `-shm` or `-journal` file of, when that database exists:
/// SQLite reads such a file as part of the database, whatever it holds.
fn sqlite_side_file_of(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let base = ["-wal", "-shm", "-journal"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))?;
    let database = path.with_file_name(base);
    (sqlite_kind(&database) == Some("a SQLite database")).then_some(database)
}

/// Writes through `fill` into a temporary file beside `target`, then renames it over `target`. The temporary
/// file is removed on any error (and when [`tempfile::NamedTempFile`] is dropped by a panic), so the
/// target either is the complete new file or is untouched.
pub(crate) fn write_atomically(
    target: &Path,
    rows: usize,
    fill: impl FnOnce(&mut io::BufWriter<&std::fs::File>) -> Result<(), ExportError>,
) -> Result<Written, ExportError> {
    write_atomically_counting(target, |out| fill(out).map(|()| rows))
}

/// [`write_atomically`] where `fill` says how many rows it wrote, and may fail with its own error.
fn write_atomically_counting<E: From<ExportError>>(
    target: &Path,
    fill: impl FnOnce(&mut io::BufWriter<&std::fs::File>) -> Result<usize, E>,
) -> Result<Written, E> {
    check_target(target)?;
    let folder = folder_of(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Hidden, and named after the target and this process, so a stray one (after a power cut) says what it was.
    let prefix = format!(".{name}.partial-{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // A normal file's permissions (the user's umask applies), not the private 0600 of a temp file: an export is
    // meant to be shared.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder
        .tempfile_in(folder)
        .map_err(|e| ExportError::from_io(target, &e))?;
    let rows = {
        let mut out = io::BufWriter::new(temp.as_file());
        let rows = fill(&mut out)?;
        out.flush().map_err(|e| ExportError::from_io(target, &e))?;
        rows
    };
    // On disk before the rename, so a crash cannot leave a renamed but empty file.
    temp.as_file()
        .sync_all()
        .map_err(|e| ExportError::from_io(target, &e))?;
    let bytes = temp
        .as_file()
        .metadata()
        .map(|m| m.len())
        .map_err(|e| ExportError::from_io(target, &e))?;
    // A failed rename hands the temp file back in the error, which removes it when dropped.
    temp.persist(target)
        .map_err(|e| ExportError::from_io(target, &e.error))?;
    Ok(Written {
        rows,
        bytes,
        cut_cells: 0,
    })
}

/// A text cell as CSV writes it: one that a spreadsheet would run as a formula gets a leading `'`.
///
/// The guard (OWASP "CSV injection") covers text starting with `=`, `+`, `-`, `@`, tab or carriage return.
/// Numbers are written as numbers and never guarded: `-5` is a value, not a formula, and a guarded number
/// would turn into text. So a phone number such as `+91…` (text) comes out as `'+91…`.
pub fn guard_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// A number as text: shortest form that reads back exactly; non-finite numbers are left empty.
fn number_text(n: f64) -> String {
    if n.is_finite() {
        n.to_string()
    } else {
        String::new()
    }
}

/// UTF-8 byte-order mark: without it Excel reads a CSV file in the local code page and garbles Devanagari.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// Writes `table` as CSV: UTF-8 with BOM, CRLF line ends, RFC 4180 quoting, formulas guarded
/// ([`guard_formula`]), a header row of the column headers.
pub fn write_csv(table: &ExportTable, target: &Path) -> Result<Written, ExportError> {
    csv_streamed(&table.head(), target, |sink| table.send_rows(sink))
}

/// [`write_csv`] of rows as they come.
fn csv_streamed<E: From<ExportError>>(
    head: &ExportHead,
    target: &Path,
    rows: impl FnOnce(&mut RowSink<'_>) -> Result<(), E>,
) -> Result<Written, E> {
    write_atomically_counting(target, |out| {
        let io_err = |e: io::Error| ExportError::from_io(target, &e);
        let csv_err = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(e) => ExportError::from_io(target, &e),
            other => ExportError::Io {
                path: target.to_path_buf(),
                kind: io::ErrorKind::Other,
                detail: format!("{other:?}"),
            },
        };
        out.write_all(BOM).map_err(io_err)?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        w.write_record(
            head.columns
                .iter()
                .map(|c| guard_formula(&c.header).into_owned()),
        )
        .map_err(csv_err)?;
        let mut record: Vec<String> = Vec::with_capacity(head.columns.len());
        let mut count = 0usize;
        rows(&mut |row, _| {
            record.clear();
            record.extend(row.iter().map(|cell| match cell {
                Cell::Text(t) => guard_formula(t).into_owned(),
                Cell::Integer(n) => n.to_string(),
                Cell::Number(n) => number_text(*n),
                Cell::Empty => String::new(),
            }));
            count += 1;
            w.write_record(&record).map_err(csv_err)
        })?;
        w.flush().map_err(io_err)?;
        Ok(count)
    })
}

/// Most rows an XLSX sheet holds, the header row included.
const XLSX_MAX_ROWS: usize = 1_048_576;

/// Most characters an XLSX cell holds; a longer text (a 40 KB address) is cut and marked, not the export
/// refused.
pub const XLSX_MAX_CELL_CHARS: usize = 32_767;

/// What ends a cut cell, so a reader sees the text does not end there.
const CUT_MARK: &str = " … [cut]";

/// `text` cut to fit an XLSX cell, with [`CUT_MARK`] at its end; `None` when it fits.
fn cut_for_xlsx(text: &str) -> Option<String> {
    if text.chars().count() <= XLSX_MAX_CELL_CHARS {
        return None;
    }
    let keep = XLSX_MAX_CELL_CHARS - CUT_MARK.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(CUT_MARK);
    Some(cut)
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .take(31)
        .collect();
    let name = name.trim().trim_matches('\'').to_string();
    if name.is_empty() {
        "Sheet1".into()
    } else {
        name
    }
}

/// Writes `table` as one XLSX sheet: a bold, frozen header row, text as text (a sheet never runs a string
/// cell as a formula, so no guard is needed there), numbers as numbers.
pub fn write_xlsx(table: &ExportTable, target: &Path) -> Result<Written, ExportError> {
    xlsx_streamed(&table.head(), target, |sink| table.send_rows(sink))
}

/// [`write_xlsx`] of rows as they come.
fn xlsx_streamed<E: From<ExportError>>(
    head: &ExportHead,
    target: &Path,
    rows: impl FnOnce(&mut RowSink<'_>) -> Result<(), E>,
) -> Result<Written, E> {
    use rust_xlsxwriter::{Format, Workbook};
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| match e {
        rust_xlsxwriter::XlsxError::IoError(e) => ExportError::from_io(target, &e),
        e => ExportError::Io {
            path: target.to_path_buf(),
            kind: io::ErrorKind::Other,
            detail: e.to_string(),
        },
    };
    let mut workbook = Workbook::new();
    // Constant memory: each row goes to a temporary file as it is written (rows must come in order, as they
    // do), so 500,000 cameras do not cost gigabytes of cells.
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_err)?;
    sheet.set_name(sheet_name(&head.title)).map_err(xlsx_err)?;
    let bold = Format::new().set_bold();
    for (col, c) in head.columns.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| ExportError::Io {
            path: target.to_path_buf(),
            kind: io::ErrorKind::Other,
            detail: "too many columns".into(),
        })?;
        // Wide enough for the header, at least 10 characters.
        sheet
            .set_column_width(col, (c.header.chars().count().max(10) + 2) as f64)
            .map_err(xlsx_err)?;
        sheet
            .write_string_with_format(0, col, &c.header, &bold)
            .map_err(xlsx_err)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    let mut cut_cells = 0usize;
    let mut count = 0usize;
    rows(&mut |row, _| {
        count += 1;
        // Rows past a sheet's end are only counted, for the refusal below.
        if count + 1 > XLSX_MAX_ROWS {
            return Ok(());
        }
        // Below the sheet's end: fits in u32.
        let r = count as u32;
        for (col, cell) in row.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(t) => match cut_for_xlsx(t) {
                    Some(cut) => {
                        cut_cells += 1;
                        sheet.write_string(r, col, &cut).map(|_| ())
                    }
                    None => sheet.write_string(r, col, t).map(|_| ()),
                },
                Cell::Integer(n) => sheet.write_number(r, col, *n as f64).map(|_| ()),
                Cell::Number(n) if n.is_finite() => sheet.write_number(r, col, *n).map(|_| ()),
                Cell::Number(_) | Cell::Empty => Ok(()),
            }
            .map_err(xlsx_err)?;
        }
        Ok(())
    })?;
    if count + 1 > XLSX_MAX_ROWS {
        return Err(ExportError::TooManyRows {
            path: target.to_path_buf(),
            rows: count,
        }
        .into());
    }
    let written = write_atomically_counting(target, |out| {
        workbook.save_to_writer(out).map_err(xlsx_err)?;
        Ok::<_, ExportError>(count)
    })?;
    Ok(Written {
        cut_cells,
        ..written
    })
}

/// Writes `table` as an RFC 7946 GeoJSON FeatureCollection: one Point feature per row, coordinates in
/// [longitude, latitude] order (WGS84, no `crs` member), the row's cells as properties named by column key.
pub fn write_geojson(table: &ExportTable, target: &Path) -> Result<Written, ExportError> {
    geojson_streamed(&table.head(), target, |sink| table.send_rows(sink))
}

/// [`write_geojson`] of rows as they come.
fn geojson_streamed<E: From<ExportError>>(
    head: &ExportHead,
    target: &Path,
    rows: impl FnOnce(&mut RowSink<'_>) -> Result<(), E>,
) -> Result<Written, E> {
    use geojson::{Feature, Geometry, JsonObject, JsonValue, Value};
    if !head.has_points {
        return Err(ExportError::NoPoints {
            path: target.to_path_buf(),
        }
        .into());
    }
    let json_err = |e: serde_json::Error| match e.io_error_kind() {
        Some(kind) => ExportError::from_io(target, &io::Error::from(kind)),
        None => ExportError::Io {
            path: target.to_path_buf(),
            kind: io::ErrorKind::Other,
            detail: e.to_string(),
        },
    };
    write_atomically_counting(target, |out| {
        let io_err = |e: io::Error| ExportError::from_io(target, &e);
        // Feature by feature rather than one FeatureCollection value: 200,000 features as JSON values would
        // take a gigabyte.
        out.write_all(br#"{"type":"FeatureCollection","features":["#)
            .map_err(io_err)?;
        let mut count = 0usize;
        rows(&mut |row, point| {
            let mut properties = JsonObject::new();
            for (c, cell) in head.columns.iter().zip(row) {
                let value = match cell {
                    Cell::Text(t) => JsonValue::from(t.as_str()),
                    Cell::Integer(n) => JsonValue::from(*n),
                    // serde_json writes a non-finite number as null.
                    Cell::Number(n) => JsonValue::from(*n),
                    Cell::Empty => JsonValue::Null,
                };
                properties.insert(c.key.to_string(), value);
            }
            let feature = Feature {
                bbox: None,
                geometry: point.map(|(lon, lat)| Geometry::new(Value::Point(vec![lon, lat]))),
                id: None,
                properties: Some(properties),
                foreign_members: None,
            };
            if count > 0 {
                out.write_all(b",").map_err(io_err)?;
            }
            count += 1;
            // Line by line, so a diff of two exports shows the changed features.
            out.write_all(b"\n").map_err(io_err)?;
            serde_json::to_writer(&mut *out, &feature).map_err(json_err)
        })?;
        out.write_all(b"\n]}\n").map_err(io_err)?;
        Ok(count)
    })
}

/// A file size as people read it: "812 bytes", "123 KB", "4.2 MB".
pub fn size_text(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if b < KB * KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::model::{AreaWatched, BlockReason, Camera, IntegrationStage, Site, StageChange};
    use crate::store::{Actor, OpenOptions, PasswordEdit, Store};

    fn table(rows: Vec<Vec<Cell>>) -> ExportTable {
        let mut t = ExportTable::new("Test", &[("a", "A"), ("b", "B")]);
        t.points = Some(rows.iter().map(|_| (78.57, 25.45)).collect());
        t.rows = rows;
        t
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    /// Names of the files in `dir`.
    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn csv_has_bom_crlf_quoting_and_hindi() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let t = table(vec![
            vec![text("होटल राज पैलेस"), text("a, \"quoted\"\nline")],
            vec![Cell::Integer(-5), Cell::Number(25.4486)],
            vec![Cell::Empty, Cell::Number(f64::NAN)],
        ]);
        let written = write_csv(&t, &path).unwrap();
        assert_eq!(written.rows, 3);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(written.bytes, bytes.len() as u64);
        assert!(bytes.starts_with(BOM));
        let body = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        assert_eq!(
            body,
            "A,B\r\nहोटल राज पैलेस,\"a, \"\"quoted\"\"\nline\"\r\n-5,25.4486\r\n,\r\n"
        );
        assert_eq!(files(dir.path()), vec!["t.csv"], "no temporary file left");
    }

    #[test]
    fn formula_text_is_guarded_and_numbers_are_not() {
        for bad in ["=1+1", "+91 98390 12345", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(guard_formula(bad), format!("'{bad}"), "{bad:?}");
        }
        for good in ["Hotel", "1+1", "झाँसी", "", "'=already"] {
            assert_eq!(guard_formula(good), good);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        write_csv(
            &table(vec![vec![text("=HYPERLINK(\"x\")"), Cell::Integer(-7)]]),
            &path,
        )
        .unwrap();
        let body = std::fs::read_to_string(&path).unwrap();
        assert!(
            body.ends_with("\"'=HYPERLINK(\"\"x\"\")\",-7\r\n"),
            "{body:?}"
        );
    }

    #[test]
    fn credentials_are_stripped_from_urls() {
        assert_eq!(
            strip_credentials("rtsp://admin:secret@127.0.2.3:554/Streaming/Channels/101"),
            "rtsp://127.0.2.3:554/Streaming/Channels/101"
        );
        assert_eq!(
            strip_credentials("http://admin@cam.local/snap.jpg"),
            "http://cam.local/snap.jpg"
        );
        assert_eq!(
            strip_credentials("rtsp://127.0.2.3/live"),
            "rtsp://127.0.2.3/live"
        );
        // Not a URL the parser takes (space in the host), still stripped.
        assert_eq!(
            strip_credentials("rtsp://u:p@bad host/x"),
            "rtsp://bad host/x"
        );
        assert_eq!(strip_credentials(""), "");
        assert_eq!(strip_credentials("127.0.0.9"), "127.0.0.9");
    }

    #[test]
    fn geojson_is_a_feature_collection_in_lon_lat_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.geojson");
        write_geojson(&table(vec![vec![text("झाँसी"), Cell::Integer(3)]]), &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let gj: geojson::GeoJson = text.parse().unwrap();
        let geojson::GeoJson::FeatureCollection(fc) = gj else {
            panic!("not a FeatureCollection: {text}");
        };
        assert_eq!(fc.features.len(), 1);
        let feature = &fc.features[0];
        let Some(geojson::Value::Point(p)) = feature.geometry.as_ref().map(|g| &g.value) else {
            panic!("not a point");
        };
        assert_eq!(p.as_slice(), &[78.57, 25.45], "longitude first (RFC 7946)");
        assert_eq!(feature.property("a").and_then(|v| v.as_str()), Some("झाँसी"));
        assert_eq!(feature.property("b").and_then(|v| v.as_i64()), Some(3));
        assert!(!text.contains("\"crs\""));

        let mut no_points = table(vec![]);
        no_points.points = None;
        assert!(matches!(
            write_geojson(&no_points, &dir.path().join("n.geojson")),
            Err(ExportError::NoPoints { .. })
        ));
        assert_eq!(files(dir.path()), vec!["t.geojson"]);
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("old.csv");
        std::fs::write(&target, "old content").unwrap();
        let t = table(vec![vec![text("x"), text("y")]]);
        let e = write_atomically(&target, 1, |out| {
            out.write_all(b"half a fi").unwrap();
            Err(ExportError::DiskFull {
                path: target.clone(),
            })
        })
        .unwrap_err();
        assert!(matches!(e, ExportError::DiskFull { .. }));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old content");
        assert_eq!(files(dir.path()), vec!["old.csv"], "temporary file removed");
        // And a successful one replaces it.
        write_csv(&t, &target).unwrap();
        assert!(std::fs::read_to_string(&target).unwrap().contains("x,y"));
        assert_eq!(files(dir.path()), vec!["old.csv"]);
    }

    #[test]
    fn unwritable_places_get_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let t = table(vec![]);
        let e = write_csv(&t, &dir.path().join("missing/x.csv")).unwrap_err();
        assert!(matches!(e, ExportError::FolderMissing { .. }), "{e}");
        assert!(e.to_string().contains("does not exist"), "{e}");
        // A regular file standing where the folder should be (root ignores permission bits, not this).
        let file = dir.path().join("plain");
        std::fs::write(&file, "").unwrap();
        let e = write_csv(&t, &file.join("x.csv")).unwrap_err();
        assert!(matches!(e, ExportError::NotAFolder { .. }), "{e}");
        let e = write_csv(&t, dir.path()).unwrap_err();
        assert!(matches!(e, ExportError::TargetIsFolder { .. }), "{e}");
        // Every message is in both catalogues with its arguments filled in.
        for lang in [Lang::En, Lang::Hi] {
            let text = e.message(&I18n::new(lang));
            assert!(text.contains(&dir.path().display().to_string()), "{text}");
            assert!(!text.contains("export-err"), "{text}");
        }
    }

    #[test]
    fn a_40_kb_address_is_cut_to_fit_its_xlsx_cell_not_the_whole_export_refused() {
        use calamine::{Reader as _, open_workbook_auto};
        let dir = tempfile::tempdir().unwrap();
        let long = format!("rtsp://127.0.0.1/{}", "x".repeat(40 * 1024));
        let t = table(vec![
            vec![text("Gate"), text(&long)],
            vec![text("Yard"), text("short")],
        ]);
        let target = dir.path().join("cams.xlsx");
        let written = write_xlsx(&t, &target).unwrap();
        assert_eq!(written.rows, 2);
        assert_eq!(written.cut_cells, 1);
        let note = written.cut_note(&I18n::new(crate::i18n::Lang::En)).unwrap();
        assert!(note.starts_with("1 ") && note.contains("32,767"), "{note}");
        let mut book = open_workbook_auto(&target).unwrap();
        let range = book.worksheet_range("Test").unwrap();
        let cell = range.get((1, 1)).unwrap().to_string();
        assert_eq!(cell.chars().count(), XLSX_MAX_CELL_CHARS);
        assert!(cell.starts_with("rtsp://127.0.0.1/xxx") && cell.ends_with("… [cut]"));
        assert_eq!(range.get((2, 1)).unwrap().to_string(), "short");
    }

    #[test]
    fn xlsx_sheet_names_are_valid() {
        assert_eq!(sheet_name("Blocked cameras"), "Blocked cameras");
        assert_eq!(sheet_name("a/b:c"), "a b c");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name("[]"), "Sheet1");
    }

    #[test]
    fn size_reads_like_a_file_manager() {
        assert_eq!(size_text(812), "812 bytes");
        assert_eq!(size_text(123 * 1024), "123 KB");
        assert_eq!(size_text(4_404_019), "4.2 MB");
    }

    /// A small registry: two sites (one Hindi name), a camera with a username and a password, one blocked camera
    /// with a note.
    fn small_registry(dir: &Path) -> Store {
        let mut store = Store::open(
            &dir.join("r.sqlite"),
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap();
        let actor = Actor {
            user: "op.test".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut zeta = Site::blank();
        zeta.name_en = "Zeta Hotel".into();
        let zeta = store.add_site(&actor, &zeta).unwrap();
        let mut alpha = Site::blank();
        alpha.name_en = "Alpha Jail".into();
        alpha.name_hi = "अल्फ़ा जेल".into();
        alpha.owner_category = crate::model::OwnerCategory::Jail;
        alpha.lat_deg = 25.41;
        alpha.lon_deg = 78.52;
        let alpha = store.add_site(&actor, &alpha).unwrap();
        let mut cam = Camera::blank_at(25.45, 78.57);
        cam.label = "Gate".into();
        cam.area_watched = AreaWatched::Gate;
        cam.username = "admin-user".into();
        cam.stream_url = "rtsp://127.0.9.9:554/live".into();
        store
            .add_camera(
                &actor,
                zeta.id,
                &cam,
                &PasswordEdit::Set("pa55word!".into()),
            )
            .unwrap();
        cam.label = "Lobby".into();
        cam.username.clear();
        cam.stream_url = "rtsp://127.0.9.8:554/live".into();
        let lobby = store
            .add_camera(&actor, alpha.id, &cam, &PasswordEdit::Keep)
            .unwrap();
        let later = Actor {
            now_unix_s: actor.now_unix_s + 3_600,
            ..actor
        };
        store
            .change_stage(
                &later,
                lobby.id,
                lobby.row_version,
                &StageChange {
                    to: IntegrationStage::Blocked,
                    reason: Some(BlockReason::NoUplink),
                    note: "=no fibre till March".into(),
                },
            )
            .unwrap();
        store
    }

    #[test]
    fn tables_are_ordered_and_hold_no_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let store = small_registry(dir.path());
        let snapshot = store.load_snapshot().unwrap();
        let en = I18n::new(Lang::En);

        let sites = sites_table(&snapshot, &en);
        assert_eq!(sites.rows.len(), 2);
        assert_eq!(sites.rows[0][1], text("Alpha Jail"), "by name");
        assert_eq!(sites.rows[0][2], text("अल्फ़ा जेल"));
        assert_eq!(sites.points.as_ref().unwrap()[0], (78.52, 25.41));

        let cameras = cameras_table(&snapshot, None, &en);
        assert_eq!(cameras.rows.len(), 2);
        assert_eq!(cameras.rows[0][1], text("Lobby"), "Alpha's camera first");
        let keys: Vec<&str> = cameras.columns.iter().map(|c| c.key).collect();
        assert!(
            !keys
                .iter()
                .any(|k| k.contains("user") || k.contains("password"))
        );
        let all = format!("{:?}", cameras.rows);
        assert!(
            !all.contains("admin-user") && !all.contains("pa55word"),
            "{all}"
        );

        let details = block_details(&store.reports()).unwrap();
        let blocked = blocked_table(&snapshot, &details, &en);
        assert_eq!(blocked.rows.len(), 1);
        let row = &blocked.rows[0];
        assert_eq!(row[2], text("Alpha Jail"));
        assert_eq!(row[7], text("Lobby"));
        assert_eq!(row[9], text("2026-11-25 06:30"), "IST");
        assert_eq!(row[11], text("=no fibre till March"));

        // The note's formula is neutralised in the CSV.
        let path = dir.path().join("blocked.csv");
        write_csv(&blocked, &path).unwrap();
        let body = std::fs::read_to_string(&path).unwrap();
        assert!(body.contains(",'=no fibre till March,"), "{body}");
    }

    /// Sites and cameras whose order and cells are easy to get wrong: Unicode capitals (SQLite's `lower` leaves
    /// "É" as it is), names equal but for case, Devanagari, formulas, commas, quotes and line breaks, an online
    /// and an offline camera beside never-probed ones.
    fn tricky_registry(dir: &Path) -> Store {
        let mut store = small_registry(dir);
        let actor = Actor {
            user: "op.test".into(),
            now_unix_s: 1_795_564_900,
        };
        let names = [
            ("Écurie Nord", "अस्तबल"),
            ("école, \"Central\"", "विद्यालय"),
            ("alpha jail", "ब"),
            ("ALPHA JAIL", "अ"),
            ("=SUM(A1:A9)", "=HYPERLINK(\"x\")"),
            ("Zeta hotel", ""),
        ];
        let mut sites = Vec::new();
        for (i, (en, hi)) in names.iter().enumerate() {
            let mut site = Site::blank();
            site.name_en = (*en).into();
            site.name_hi = (*hi).into();
            site.phone = "+91 510 2440 000".into();
            site.address = "Line one,\nline two, \"quoted\"".into();
            site.notes = "@cmd|' /C calc'!A0".into();
            site.ward = format!("Ward {}", 12 - i);
            site.lat_deg = 25.40 + i as f64 / 100.0;
            site.lon_deg = 78.50 + i as f64 / 100.0;
            sites.push(store.add_site(&actor, &site).unwrap());
        }
        let labels = ["b", "B", "Ä gate", "a gate", "-1 pole", "कैमरा, १", "Ümlaut"];
        for (i, label) in labels.iter().enumerate() {
            let mut cam = Camera::blank_at(25.45, 78.57 + i as f64 / 1000.0);
            cam.label = (*label).into();
            cam.area_watched = AreaWatched::Gate;
            cam.make = "=cmd".into();
            cam.stream_url = format!("rtsp://127.0.9.{i}:554/live,1");
            let site = &sites[i % 3];
            store
                .add_camera(&actor, site.id, &cam, &PasswordEdit::Keep)
                .unwrap();
        }
        let first = |label: &str| -> CameraId {
            store
                .conn_for_tests()
                .query_row("SELECT id FROM camera WHERE label = ?1", [label], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        let (b, a) = (first("b"), first("a gate"));
        store
            .record_observations(&[crate::store::Observation {
                camera_id: b,
                at_unix_s: 1_795_565_000,
                finding: crate::model::Finding {
                    state: HealthState::Online,
                    ..Default::default()
                },
            }])
            .unwrap();
        store
            .record_observations(&[crate::store::Observation {
                camera_id: a,
                at_unix_s: 1_795_565_000,
                finding: crate::model::Finding {
                    state: HealthState::Offline,
                    error: Some("refused, \"port 554\"".into()),
                    ..Default::default()
                },
            }])
            .unwrap();
        store
    }

    /// The streamed sites and cameras lists are the very files the whole-table export wrote, in every format
    /// and both languages.
    #[test]
    fn streamed_exports_equal_the_whole_table_exports() {
        use calamine::{Reader as _, open_workbook_auto};
        let dir = tempfile::tempdir().unwrap();
        let store = tricky_registry(dir.path());
        let db = store.reports();
        let sheet = |path: &Path| {
            let mut book = open_workbook_auto(path).unwrap();
            let name = book.sheet_names()[0].clone();
            let range = book.worksheet_range(&name).unwrap();
            (name, range.rows().map(|r| r.to_vec()).collect::<Vec<_>>())
        };
        for lang in [Lang::En, Lang::Hi] {
            let i18n = I18n::new(lang);
            for list in [ExportList::Sites, ExportList::Cameras] {
                let table = build_table(&db, list, 1_795_566_000, &i18n).unwrap();
                assert!(table.rows.len() >= 8, "{}", table.rows.len());
                for format in [ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::GeoJson] {
                    let whole = dir.path().join(format!("whole.{}", format.name()));
                    let streamed = dir.path().join(format!("streamed.{}", format.name()));
                    let a = write(&table, format, &whole).unwrap();
                    let b = write_list(&db, list, format, &streamed, 1_795_566_000, &i18n).unwrap();
                    assert_eq!(a.rows, b.rows, "{list:?} {format:?}");
                    assert_eq!(a.cut_cells, b.cut_cells);
                    if format == ExportFormat::Xlsx {
                        // The file carries its creation time; the cells must be equal.
                        assert_eq!(sheet(&whole), sheet(&streamed), "{list:?}");
                    } else {
                        let (a, b) = (
                            std::fs::read(&whole).unwrap(),
                            std::fs::read(&streamed).unwrap(),
                        );
                        assert!(
                            a == b,
                            "{list:?} {format:?}\n{}\n---\n{}",
                            String::from_utf8_lossy(&a),
                            String::from_utf8_lossy(&b)
                        );
                    }
                }
            }
        }
        // The tricky parts did reach the file: Unicode order, guarded formulas, a comma inside a URL.
        let path = dir.path().join("cameras.csv");
        write_list(
            &db,
            ExportList::Cameras,
            ExportFormat::Csv,
            &path,
            1,
            &I18n::new(Lang::En),
        )
        .unwrap();
        let body = std::fs::read_to_string(&path).unwrap();
        assert!(
            body.contains(",'=cmd,") && body.contains("\"rtsp://127.0.9.0:554/live,1\""),
            "{body}"
        );
        let alpha = body.find("alpha jail").unwrap();
        let ecole = body.find("école").unwrap();
        let ecurie = body.find("Écurie").unwrap();
        assert!(alpha < ecole && ecole < ecurie, "{body}");
    }

    #[test]
    fn block_details_take_the_newest_note_of_stage_history_and_follow_ups() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = small_registry(dir.path());
        let lobby: CameraId = store
            .conn_for_tests()
            .query_row("SELECT id FROM camera WHERE stage = 'blocked'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let blocked_at = 1_795_564_800 + 3_600;
        let detail = |store: &Store| block_details(&store.reports()).unwrap()[&lobby].clone();
        assert_eq!(
            detail(&store),
            BlockDetail {
                since_unix_s: blocked_at,
                last_note: "=no fibre till March".into(),
                last_note_by: "op.test".into(),
                last_note_at_unix_s: Some(blocked_at),
            }
        );
        let by = |user: &str, t: i64| Actor {
            user: user.into(),
            now_unix_s: t,
        };
        // A note written before the block (clock of another desk behind) does not hide the stage note.
        store
            .add_follow_up(
                &by("supervisor", blocked_at - 600),
                lobby,
                "asked for the NVR model",
            )
            .unwrap();
        assert_eq!(detail(&store).last_note, "=no fibre till March");
        // A later follow-up is the last note, with who and when; the block time stays.
        store
            .add_follow_up(
                &by("supervisor", blocked_at + 86_400),
                lobby,
                "  fibre laid, router pending ",
            )
            .unwrap();
        let d = detail(&store);
        assert_eq!(
            (
                d.since_unix_s,
                d.last_note.as_str(),
                d.last_note_by.as_str(),
                d.last_note_at_unix_s
            ),
            (
                blocked_at,
                "fibre laid, router pending",
                "supervisor",
                Some(blocked_at + 86_400)
            )
        );
        // Two follow-ups in the same second: the one written last.
        store
            .add_follow_up(
                &by("clerk", blocked_at + 86_400),
                lobby,
                "owner will call back",
            )
            .unwrap();
        assert_eq!(detail(&store).last_note, "owner will call back");
        assert_eq!(detail(&store).last_note_by, "clerk");

        // The export carries the note's time (IST) and author.
        let snapshot = store.load_snapshot().unwrap();
        let en = I18n::new(Lang::En);
        let table = blocked_table(&snapshot, &block_details(&store.reports()).unwrap(), &en);
        let col = |key: &str| table.columns.iter().position(|c| c.key == key).unwrap();
        let row = &table.rows[0];
        assert_eq!(row[col("last_note")], text("owner will call back"));
        assert_eq!(row[col("last_note_at")], text("2026-11-26 06:30"));
        assert_eq!(row[col("last_note_by")], text("clerk"));

        // A camera no longer blocked leaves the details.
        let rec = store.camera(lobby).unwrap();
        store
            .change_stage(
                &by("clerk", blocked_at + 90_000),
                lobby,
                rec.row_version,
                &StageChange {
                    to: IntegrationStage::Surveyed,
                    reason: None,
                    note: String::new(),
                },
            )
            .unwrap();
        assert!(block_details(&store.reports()).unwrap().is_empty());
    }

    #[test]
    fn health_column_only_when_given() {
        let dir = tempfile::tempdir().unwrap();
        let store = small_registry(dir.path());
        let snapshot = store.load_snapshot().unwrap();
        let en = I18n::new(Lang::En);
        let health = health_states(&store.reports()).unwrap();
        let t = cameras_table(&snapshot, Some(&health), &en);
        assert_eq!(t.columns.last().map(|c| c.key), Some("health"));
        assert_eq!(
            t.rows[0].last(),
            Some(&Cell::Text(en.tr("health-not-probed")))
        );
    }
}
