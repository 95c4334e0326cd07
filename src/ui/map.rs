//! The site map: where the cameras are, which work, and where none watch. Our own Web Mercator view (pan by
//! dragging, zoom by wheel around the pointer) over an offline base map, with the cameras clustered when zoomed
//! out (count and a ring in the worst member's colour), each camera's field of view at street zoom, black spots
//! with their radius, toll plazas and the jail. A click selects the camera everywhere (wall, table, details);
//! selecting elsewhere centres the map (a camera at street zoom, named); shift-drag selects many for the wall or
//! the table; the camera form picks its position and facing here. A click on a camera also opens a popup with its
//! site, health and stage and a way to its details. Names are decluttered (`map_labels`), and the legend shows
//! every symbol drawn.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Shape, Stroke, Ui, Vec2};

use super::map_base::BaseMap;
use super::map_labels::{LabelRank, place_around};
use super::task::{self, TaskHandle};
use super::widgets::FileDialog;
use super::{DeskApp, Screen};
use crate::i18n::{I18n, indian_grouping};
use crate::model::geo::{self, WorldPoint};
use crate::model::{CITY_LAT_DEG, CITY_LON_DEG, CameraId, Priority, SiteId};
use crate::services::map::map_index::{CameraMark, MAX_CLUSTER_ZOOM, MapIndex, PinState};
use crate::services::registry_index::{Filters, Found};
use std::path::PathBuf;

/// Pixels of a map tile (the zoom scale: a zoom-z world is 256 × 2^z pixels wide).
const TILE_PX: f64 = 256.0;
pub const MIN_ZOOM: f64 = 3.0;
pub const MAX_ZOOM: f64 = 19.0;
/// Fields of view are drawn from this zoom on (a street or two on screen).
const FOV_ZOOM: f64 = 16.0;
/// Sites without a priority get their own square marker from this zoom on.
const SITE_ZOOM: f64 = 16.0;
/// Above this many cameras on screen, fields of view are not drawn (they would cover the map, and cost the
/// frame); zoom in to see them.
const MAX_CONES: usize = 1_500;
/// Above this many sites on screen their squares are not drawn; above the second, not their names.
const MAX_SITE_SQUARES: usize = 1_500;
const MAX_SITE_NAMES: usize = 120;
/// How far from a marker a click still hits it.
const HIT_PX: f64 = 10.0;
/// From this zoom on, cameras are named beside their markers; a camera selected elsewhere is shown at least
/// this close.
const STREET_ZOOM: f64 = 17.0;
/// Above this many cameras on screen only the selected camera and those with a problem are named.
const MAX_CAMERA_LABELS: usize = 400;
/// Range drawn for a camera whose range is not recorded.
const DEFAULT_RANGE_M: f64 = 30.0;

/// Where the map looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub centre: WorldPoint,
    pub zoom: f64,
}

impl Default for MapView {
    /// The city, whole.
    fn default() -> Self {
        let centre = geo::to_world(
            (CITY_LAT_DEG.0 + CITY_LAT_DEG.1) / 2.0,
            (CITY_LON_DEG.0 + CITY_LON_DEG.1) / 2.0,
        );
        Self { centre, zoom: 13.0 }
    }
}

impl MapView {
    /// The registry's city, whole (the centre of its service area's city box).
    pub fn for_area(area: &crate::model::ServiceArea) -> Self {
        let (lat, lon) = area.city_box.centre();
        Self {
            centre: geo::to_world(lat, lon),
            zoom: 13.0,
        }
    }

    /// Screen pixels per world unit.
    pub fn scale(&self) -> f64 {
        TILE_PX * 2f64.powf(self.zoom)
    }

    pub fn to_screen(&self, rect: Rect, p: WorldPoint) -> Pos2 {
        let s = self.scale();
        let c = rect.center();
        Pos2::new(
            c.x + ((p.x - self.centre.x) * s) as f32,
            c.y + ((p.y - self.centre.y) * s) as f32,
        )
    }

    pub fn to_world(&self, rect: Rect, pos: Pos2) -> WorldPoint {
        let s = self.scale();
        let c = rect.center();
        WorldPoint {
            x: self.centre.x + f64::from(pos.x - c.x) / s,
            y: self.centre.y + f64::from(pos.y - c.y) / s,
        }
    }

    /// The world rectangle on screen (north-west, south-east corners).
    pub fn visible(&self, rect: Rect) -> (WorldPoint, WorldPoint) {
        (
            self.to_world(rect, rect.left_top()),
            self.to_world(rect, rect.right_bottom()),
        )
    }

    /// Zooms by `steps` (1 = twice as close) keeping the world point under `pos` where it is.
    pub fn zoom_around(&mut self, rect: Rect, pos: Pos2, steps: f64) {
        let before = self.to_world(rect, pos);
        self.zoom = (self.zoom + steps).clamp(MIN_ZOOM, MAX_ZOOM);
        let after = self.to_world(rect, pos);
        self.centre.x += before.x - after.x;
        self.centre.y += before.y - after.y;
        self.clamp();
    }

    /// Moves by a screen-pixel drag.
    pub fn pan(&mut self, delta: Vec2) {
        let s = self.scale();
        self.centre.x -= f64::from(delta.x) / s;
        self.centre.y -= f64::from(delta.y) / s;
        self.clamp();
    }

    fn clamp(&mut self) {
        self.centre.x = self.centre.x.clamp(0.0, 1.0);
        self.centre.y = self.centre.y.clamp(0.0, 1.0);
    }

    /// Looks at a point, at least as close as `zoom`.
    pub fn fly_to(&mut self, lat_deg: f64, lon_deg: f64, zoom: f64) {
        self.centre = geo::to_world(lat_deg, lon_deg);
        self.zoom = self.zoom.max(zoom).clamp(MIN_ZOOM, MAX_ZOOM);
    }
}

/// What the map draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapLayers {
    pub base: bool,
    pub cameras: bool,
    pub fields_of_view: bool,
    pub priority_places: bool,
    pub wards: bool,
    pub police_stations: bool,
}

impl Default for MapLayers {
    fn default() -> Self {
        Self {
            base: true,
            cameras: true,
            fields_of_view: true,
            priority_places: true,
            wards: true,
            police_stations: false,
        }
    }
}

/// The camera form asked for a position (then a facing) from the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pick {
    /// Click where the camera is.
    Position,
    /// Drag the handle to where the camera looks; the position is known.
    Bearing {
        lat_deg: f64,
        lon_deg: f64,
        bearing_deg: f64,
        range_m: f64,
    },
}

/// A site the map marks with its own symbol (black spot, toll plaza, jail, priority public place).
struct PriorityPlace {
    site_pos: u32,
    world: WorldPoint,
    priority: Priority,
    radius_m: f64,
    lat_deg: f64,
}

/// Clusters being built on a thread: the result (with its build time in ms) and what it is built for.
type ClusterJob = (TaskHandle<(MapIndex, f64), Infallible>, (Filters, u64));

/// A label the map wrote last frame (for tests and screen readers: painted text is not in the widget tree).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnLabel {
    pub text: String,
    pub rect: Rect,
    /// The camera it names, if it names one.
    pub camera: Option<CameraId>,
}

/// What the map remembers between frames.
#[derive(Default)]
pub struct MapState {
    /// The labels drawn last frame, after decluttering.
    labels: Vec<DrawnLabel>,
    /// The camera whose popup is open (name, site, health, stage, "Open details").
    pub popup: Option<CameraId>,
    pub view: MapView,
    pub layers: MapLayers,
    index: Option<MapIndex>,
    places: Vec<PriorityPlace>,
    /// Filters and registry revision the index was built for.
    built_for: Option<(Filters, u64)>,
    job: Option<ClusterJob>,
    /// How long the last clustering rebuild took (ms), for the benchmark and the status line.
    pub rebuild_ms: Option<f64>,
    /// Cameras in the last box drawn with shift-drag, sorted.
    pub box_selection: Vec<CameraId>,
    drag_from: Option<Pos2>,
    pub pick: Option<Pick>,
    /// The selection the map last centred on (so a click on the map does not make it jump).
    centred_on: (Option<SiteId>, Option<CameraId>),
    search: String,
    found: Vec<Found>,
    /// The newest search; a newer one replaces it, and the older answer is dropped.
    find_job: Option<TaskHandle<Vec<Found>, Infallible>>,
    /// Where the pointer is, for the coordinates line.
    hover: Option<(f64, f64)>,
    /// The screen the camera form was on when it asked for a pick.
    return_to: Option<Screen>,
    /// Where the map was drawn last frame.
    pub canvas: Option<Rect>,
    /// The offline base layer, once a file is chosen.
    pub base: Option<BaseMap>,
    /// The remembered base map was opened (or there was none).
    base_restored: bool,
    /// A file dialog open on its own thread.
    dialog: Option<FileDialog>,
    /// Ward and police-station outlines, and their import.
    pub areas: super::map_areas::Areas,
    /// The city the view was first placed on (a registry serving another city opens there).
    placed_for: Option<String>,
}

impl MapState {
    /// Draws the base layer from this MBTiles file (read on the loader's thread; a bad file says why on the map).
    pub fn open_base_map(&mut self, path: PathBuf, ctx: &egui::Context) {
        self.base = Some(BaseMap::open(path, ctx));
        self.base_restored = true;
    }

    /// The camera form asks for a position or a facing; the map shows the camera there and how to go back.
    pub fn start_pick(&mut self, pick: Pick, return_to: Screen) {
        if let Pick::Bearing {
            lat_deg, lon_deg, ..
        } = pick
        {
            self.view.fly_to(lat_deg, lon_deg, 17.0);
        }
        self.pick = Some(pick);
        self.return_to = Some(return_to);
    }

    /// The labels drawn last frame (none hides another).
    pub fn labels_drawn(&self) -> &[DrawnLabel] {
        &self.labels
    }

    /// Cameras on the map now (after the filters).
    pub fn cameras(&self) -> usize {
        self.index.as_ref().map_or(0, MapIndex::len)
    }

    /// Hits of the last "find on the map" that has answered.
    pub fn search_results(&self) -> usize {
        self.found.len()
    }

    /// True while the clusters are being rebuilt on a thread.
    pub fn is_building(&self) -> bool {
        self.job.is_some()
    }

    /// Health or stage changes of single cameras: the markers and cluster rings follow at once.
    pub fn on_pin_states(&mut self, changes: impl IntoIterator<Item = (u32, PinState)>) {
        if let Some(index) = &mut self.index {
            for (pos, state) in changes {
                index.update_state(pos, state);
            }
        }
    }

    /// Where a camera is drawn on screen now (for tests and the benchmark: they click where a person would).
    pub fn screen_pos_of(&self, camera_pos: u32) -> Option<Pos2> {
        let pin = self.index.as_ref()?.pin_of_camera(camera_pos)?;
        Some(self.view.to_screen(self.canvas?, pin.world))
    }

    /// Where a point is drawn on screen now.
    pub fn screen_pos_of_point(&self, lat_deg: f64, lon_deg: f64) -> Option<Pos2> {
        Some(
            self.view
                .to_screen(self.canvas?, geo::to_world(lat_deg, lon_deg)),
        )
    }
}

/// Colour of a marker state (the legend says it in words).
pub fn pin_colour(state: PinState) -> Color32 {
    match state {
        PinState::Online => Color32::from_rgb(0x43, 0xA0, 0x47),
        PinState::Offline => Color32::from_rgb(0xE5, 0x39, 0x35),
        PinState::AuthFailed => Color32::from_rgb(0xFB, 0x8C, 0x00),
        PinState::StreamError => Color32::from_rgb(0xAB, 0x47, 0xBC),
        PinState::Blocked => Color32::from_rgb(0x8D, 0x4E, 0x3A),
        PinState::NotProbed => Color32::from_rgb(0x9E, 0x9E, 0x9E),
        PinState::InProgress => Color32::from_rgb(0x42, 0x8B, 0xF5),
        PinState::Rejected => Color32::from_rgb(0x6D, 0x6D, 0x6D),
    }
}

/// The map screen.
pub fn map_ui(app: &mut DeskApp, ui: &mut Ui) {
    if !app.map.base_restored {
        app.map.base_restored = true;
        if let Some(path) = app.remembered_base_map().map(std::path::Path::to_path_buf) {
            app.map.open_base_map(path, ui.ctx());
        }
    }
    if let Some(area) = app.index().map(|i| i.snapshot.area.clone())
        && app.map.placed_for.as_deref() != Some(area.city.as_str())
    {
        app.map.view = MapView::for_area(&area);
        app.map.placed_for = Some(area.city);
    }
    poll_dialog(app);
    super::map_areas::refresh(app, ui.ctx());
    refresh_index(app, ui.ctx());
    follow_selection(app);
    poll_find(app);
    if app.map.pick.is_some() {
        egui::Panel::top("map_pick").show(ui, |ui| pick_bar_ui(app, ui));
    }
    egui::Panel::top("map_toolbar").show(ui, |ui| toolbar_ui(app, ui));
    egui::Panel::right("map_side")
        .resizable(true)
        .default_size(280.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| side_ui(app, ui));
        });
    egui::CentralPanel::default()
        .frame(egui::Frame::NONE)
        .show(ui, |ui| canvas_ui(app, ui));
    super::map_areas::import_ui(app, &ui.ctx().clone());
}

/// The MBTiles file dialog answers (it runs on its own thread so the window keeps drawing).
fn poll_dialog(app: &mut DeskApp) {
    match task::poll(&mut app.map.dialog) {
        Some(Ok(Some(path))) => app.set_base_map(path),
        Some(Ok(None)) | None => {}
        Some(Err(e)) => app.report_task_error(e),
    }
}

fn choose_base_map(app: &mut DeskApp, ctx: &egui::Context) {
    if app.map.dialog.is_some() {
        return;
    }
    let title = app.i18n.tr("map-base-choose-title");
    let filter = app.i18n.tr("map-base-filter");
    let start = app
        .remembered_base_map()
        .and_then(std::path::Path::parent)
        .map(std::path::Path::to_path_buf);
    app.map.dialog = Some(super::widgets::file_dialog(ctx, move || {
        let mut dialog = rfd::FileDialog::new()
            .set_title(title)
            .add_filter(filter, &["mbtiles"]);
        if let Some(dir) = start {
            dialog = dialog.set_directory(dir);
        }
        dialog.pick_file()
    }));
}

/// While the camera form waits: what to do, and the way back.
fn pick_bar_ui(app: &mut DeskApp, ui: &mut Ui) {
    let i18n = &app.i18n;
    let mut finish: Option<bool> = None;
    ui.horizontal_wrapped(|ui| {
        match app.map.pick {
            Some(Pick::Position) => {
                ui.label(RichText::new(i18n.tr("map-pick-position")).strong());
            }
            Some(Pick::Bearing { bearing_deg, .. }) => {
                ui.label(RichText::new(i18n.tr("map-pick-bearing")).strong());
                ui.label(i18n.tr_args(
                    "map-pick-bearing-now",
                    &[("deg", format!("{bearing_deg:.0}"))],
                ));
                if ui.button(i18n.tr("map-pick-done")).clicked() {
                    finish = Some(true);
                }
            }
            None => {}
        }
        if ui.button(i18n.tr("map-pick-cancel")).clicked() {
            finish = Some(false);
        }
    });
    if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        finish = Some(false);
    }
    if let Some(keep) = finish {
        if keep && let Some(Pick::Bearing { bearing_deg, .. }) = app.map.pick {
            super::camera_form::picked_bearing(app, bearing_deg);
        }
        app.map.pick = None;
        if let Some(screen) = app.map.return_to.take() {
            app.screen = screen;
        }
    }
}

/// Builds the clusters again on a thread when the registry or the filters changed; the old ones stay meanwhile.
fn refresh_index(app: &mut DeskApp, ctx: &egui::Context) {
    let super::RegistryState::Open(index) = &app.registry else {
        return;
    };
    let key = (app.filters.clone(), index.revision());
    if let Some((job, job_key)) = app.map.job.take() {
        match job.try_finish() {
            Ok(Ok((built, ms))) => {
                app.map.index = Some(built);
                app.map.rebuild_ms = Some(ms);
                app.map.built_for = Some(job_key);
            }
            Ok(Err(e)) => {
                // Not again for the same filters and revision: a build that panics would otherwise loop.
                app.map.built_for = Some(job_key);
                app.report_task_error(e);
            }
            Err(job) => {
                let current = job_key == key;
                // A build for older filters is replaced below, which drops (cancels) it.
                app.map.job = Some((job, job_key));
                if current {
                    return;
                }
            }
        }
    }
    if app.map.built_for.as_ref() == Some(&key) {
        return;
    }
    let super::RegistryState::Open(index) = &app.registry else {
        return;
    };
    // Priority places are few (tens; thousands at most): read them here.
    let snapshot = &index.snapshot;
    app.map.places = snapshot
        .sites
        .iter()
        .enumerate()
        .filter(|(_, s)| s.site.priority != Priority::None)
        .map(|(i, s)| PriorityPlace {
            site_pos: i as u32,
            world: geo::to_world(s.site.lat_deg, s.site.lon_deg),
            priority: s.site.priority,
            radius_m: s
                .site
                .priority_radius_m
                .or(s.site.priority.default_radius_m())
                .unwrap_or(50.0),
            lat_deg: s.site.lat_deg,
        })
        .collect();
    let task = index.map_pins_task(&app.filters);
    let cameras = snapshot.cameras.len();
    let job = task::spawn(ctx, "map-clusters", move |_| {
        let started = Instant::now();
        let built = MapIndex::build(task(), cameras);
        Ok((built, started.elapsed().as_secs_f64() * 1e3))
    });
    app.map.job = Some((job, key));
}

/// A camera or site selected on another screen (or by a search) is brought into view.
fn follow_selection(app: &mut DeskApp) {
    let selection = (app.selection.site, app.selection.camera);
    if selection == app.map.centred_on {
        return;
    }
    app.map.centred_on = selection;
    let Some(index) = app.index() else { return };
    let at = match selection {
        (_, Some(camera)) => index
            .camera(camera)
            .map(|c| (c.camera.lat_deg, c.camera.lon_deg)),
        (Some(site), None) => index.site(site).map(|s| (s.site.lat_deg, s.site.lon_deg)),
        (None, None) => None,
    };
    if let Some((lat, lon)) = at {
        // A camera is shown where it stands, named; a site with the street around it.
        let zoom = if selection.1.is_some() {
            STREET_ZOOM
        } else {
            15.0
        };
        app.map.view.fly_to(lat, lon, zoom);
    }
}

fn poll_find(app: &mut DeskApp) {
    match task::poll(&mut app.map.find_job) {
        Some(Ok(found)) => app.map.found = found,
        Some(Err(e)) => app.report_task_error(e),
        None => {}
    }
}

fn toolbar_ui(app: &mut DeskApp, ui: &mut Ui) {
    let mut filters = app.filters.clone();
    let mut layers = app.map.layers;
    let mut choose_base = false;
    let mut choose_areas = false;
    let i18n = &app.i18n;
    let Some(index) = app.index() else { return };
    let area = index.snapshot.area.clone();
    ui.horizontal_wrapped(|ui| {
        super::registry_screen::filters_ui(ui, i18n, index, &mut filters, "m", true);
        if !filters.is_empty() && ui.button(i18n.tr("filter-clear")).clicked() {
            filters = Filters::default();
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(i18n.tr("map-layers")).strong());
        ui.checkbox(&mut layers.base, i18n.tr("map-layer-base"));
        ui.checkbox(&mut layers.cameras, i18n.tr("map-layer-cameras"));
        ui.checkbox(&mut layers.fields_of_view, i18n.tr("map-layer-fov"));
        ui.checkbox(&mut layers.priority_places, i18n.tr("map-layer-priority"));
        ui.checkbox(&mut layers.wards, i18n.tr("map-layer-wards"));
        ui.checkbox(&mut layers.police_stations, i18n.tr("map-layer-police"));
        if ui
            .button(i18n.tr("map-areas-choose"))
            .on_hover_text(i18n.tr("map-areas-choose-hint"))
            .clicked()
        {
            choose_areas = true;
        }
        ui.separator();
        if ui
            .button("+")
            .on_hover_text(i18n.tr("map-zoom-in"))
            .clicked()
        {
            app.map.view.zoom = (app.map.view.zoom + 1.0).min(MAX_ZOOM);
        }
        if ui
            .button("−")
            .on_hover_text(i18n.tr("map-zoom-out"))
            .clicked()
        {
            app.map.view.zoom = (app.map.view.zoom - 1.0).max(MIN_ZOOM);
        }
        if ui.button(i18n.tr("map-whole-city")).clicked() {
            app.map.view = MapView::for_area(&area);
        }
        ui.separator();
        if ui
            .add_enabled(
                app.map.dialog.is_none(),
                egui::Button::new(i18n.tr("map-base-choose")),
            )
            .on_hover_text(i18n.tr("map-base-choose-hint"))
            .clicked()
        {
            choose_base = true;
        }
        let file = app.map.base.as_ref().map(|b| {
            b.path.file_name().map_or_else(
                || b.path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            )
        });
        // Whole labels: "Base map:" never ends one line with its file name on the next.
        ui.add(
            egui::Label::new(
                RichText::new(match file {
                    Some(f) => i18n.tr_args("map-base-file", &[("file", f)]),
                    None => i18n.tr("map-base-none"),
                })
                .weak(),
            )
            .wrap_mode(egui::TextWrapMode::Extend),
        );
        let status = if app.map.job.is_some() {
            i18n.tr("map-building")
        } else {
            i18n.tr_args("map-showing", &[("cameras", app.map.cameras().to_string())])
        };
        ui.add(
            egui::Label::new(RichText::new(status).weak()).wrap_mode(egui::TextWrapMode::Extend),
        );
    });
    app.map.layers = layers;
    if filters != app.filters {
        app.filters = filters;
    }
    if choose_base {
        choose_base_map(app, ui.ctx());
    }
    if choose_areas {
        super::map_areas::choose_file(app, ui.ctx());
    }
}

/// The right side: find on the map, the selection made with a box, the legend.
fn side_ui(app: &mut DeskApp, ui: &mut Ui) {
    let i18n = &app.i18n;
    let heading = ui.heading(i18n.tr("map-find")).id;
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut app.map.search)
                .hint_text(i18n.tr("map-find-hint"))
                .desired_width(f32::INFINITY),
        )
        .labelled_by(heading);
    if response.changed() {
        if let Some(index) = app.index() {
            let task = index.find_task(&app.map.search, 8);
            app.map.find_job = Some(task::spawn(ui.ctx(), "map-find", move |_| Ok(task())));
        }
        if app.map.search.trim().is_empty() {
            app.map.found.clear();
        }
    }
    let mut fly: Option<Found> = None;
    if let Some(index) = app.index() {
        for found in &app.map.found {
            let text = match *found {
                Found::Site(p) => index
                    .snapshot
                    .sites
                    .get(p as usize)
                    .map(|s| s.site.display_name()),
                Found::Camera(i) => index.snapshot.cameras.get(i as usize).map(|c| {
                    let site = index
                        .site(c.site_id)
                        .map(|s| s.site.display_name())
                        .unwrap_or_default();
                    format!("{} — {site}", c.camera.label)
                }),
            };
            if let Some(text) = text
                && ui.link(text).clicked()
            {
                fly = Some(*found);
            }
        }
        if !app.map.search.trim().is_empty()
            && app.map.found.is_empty()
            && app.map.find_job.is_none()
        {
            ui.label(RichText::new(app.i18n.tr("map-find-none")).weak());
        }
    }
    if let Some(found) = fly {
        fly_to_found(app, found);
    }
    ui.separator();
    box_selection_ui(app, ui);
    ui.separator();
    legend_ui(&app.i18n, ui, app.map.pick.is_some());
    super::map_areas::legend_ui(app, ui);
}

fn fly_to_found(app: &mut DeskApp, found: Found) {
    let Some(index) = app.index() else { return };
    match found {
        Found::Site(p) => {
            if let Some(site) = index.snapshot.sites.get(p as usize) {
                let (id, lat, lon) = (site.id, site.site.lat_deg, site.site.lon_deg);
                app.map.view.fly_to(lat, lon, 16.0);
                app.selection = super::Selection {
                    site: Some(id),
                    camera: None,
                };
                app.map.centred_on = (Some(id), None);
            }
        }
        Found::Camera(i) => {
            if let Some(camera) = index.snapshot.cameras.get(i as usize) {
                let (id, lat, lon) = (camera.id, camera.camera.lat_deg, camera.camera.lon_deg);
                app.map.view.fly_to(lat, lon, STREET_ZOOM);
                app.select_camera(id);
                app.map.centred_on = (app.selection.site, Some(id));
            }
        }
    }
}

fn box_selection_ui(app: &mut DeskApp, ui: &mut Ui) {
    let i18n = &app.i18n;
    if app.map.box_selection.is_empty() {
        ui.label(RichText::new(i18n.tr("map-box-hint")).weak());
        return;
    }
    ui.label(i18n.tr_args(
        "map-box-selected",
        &[("count", app.map.box_selection.len().to_string())],
    ));
    let mut go: Option<Screen> = None;
    ui.horizontal_wrapped(|ui| {
        if ui.button(i18n.tr("map-box-show-wall")).clicked() {
            go = Some(Screen::Wall);
        }
        if ui.button(i18n.tr("map-box-show-table")).clicked() {
            go = Some(Screen::Registry);
        }
        if ui.button(i18n.tr("map-box-clear")).clicked() {
            app.map.box_selection.clear();
        }
    });
    if let Some(screen) = go {
        app.filters = Filters {
            only: Some(Arc::new(app.map.box_selection.clone())),
            ..Filters::default()
        };
        app.screen = screen;
    }
}

/// One line per symbol `canvas_ui` paints, drawn by the same painter functions (the base map's own pictures, the
/// scale bar and the coordinates explain themselves).
fn legend_ui(i18n: &I18n, ui: &mut Ui, picking: bool) {
    let line = |ui: &mut Ui, key: &str, draw: &dyn Fn(&egui::Painter, Rect)| {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(22.0), Sense::hover());
            draw(ui.painter(), rect);
            ui.add(egui::Label::new(i18n.tr(key)).wrap());
        });
    };
    ui.label(RichText::new(i18n.tr("map-legend")).strong());
    for state in PinState::ALL {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
            pin_shape(ui.painter(), rect.center(), state, false);
            ui.label(i18n.tr(state.i18n_key()));
        });
    }
    line(ui, "map-legend-selected", &|p, r| {
        pin_shape(p, r.center(), PinState::Online, true);
    });
    line(ui, "map-legend-fov", &|p, r| {
        let colour = pin_colour(PinState::Online);
        let at = r.left_bottom() + Vec2::new(3.0, -3.0);
        p.add(Shape::convex_polygon(
            vec![
                at,
                r.right_top() + Vec2::new(-8.0, 2.0),
                r.right_top() + Vec2::new(-1.0, 9.0),
            ],
            colour.gamma_multiply(0.22),
            Stroke::new(1.0, colour.gamma_multiply(0.7)),
        ));
        p.circle(at, 3.0, colour, Stroke::new(1.0, Color32::from_gray(20)));
    });
    line(ui, "map-legend-site", &|p, r| {
        site_square(p, r.center(), false);
    });
    line(ui, "map-legend-label", &|p, r| {
        let frame = r.shrink2(Vec2::new(0.0, 5.0));
        p.rect_filled(frame, 2.0, Color32::from_black_alpha(140));
        p.text(
            frame.center(),
            Align2::CENTER_CENTER,
            "Aa",
            FontId::proportional(10.0),
            Color32::from_gray(235),
        );
    });
    for (priority, key) in [
        (Priority::BlackSpot, "priority-black-spot"),
        (Priority::TollPlaza, "priority-toll-plaza"),
        (Priority::Jail, "priority-jail"),
        (Priority::PublicPlace, "priority-public-place"),
    ] {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
            place_symbol(ui.painter(), rect.center(), priority, 6.0);
            ui.label(i18n.tr(key));
        });
    }
    line(ui, "map-legend-place-radius", &|p, r| {
        let colour = place_colour(Priority::BlackSpot);
        p.circle_filled(r.center(), 9.0, colour.gamma_multiply(0.18));
        p.circle_stroke(r.center(), 9.0, Stroke::new(1.5, colour));
    });
    if picking {
        line(ui, "map-legend-pick", &|p, r| {
            pick_symbol(
                p,
                r.left_bottom() + Vec2::new(5.0, -5.0),
                r.right_top() + Vec2::new(-6.0, 6.0),
            );
        });
    }
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(14.0), Sense::hover());
        cluster_shape(ui.painter(), rect.center(), 7.0, PinState::Offline, None);
        ui.label(i18n.tr("map-legend-cluster"));
    });
}

/// A single camera's marker: integrated and configured cameras filled, the others hollow or square, so the
/// state never rests on colour alone.
fn pin_shape(painter: &egui::Painter, at: Pos2, state: PinState, selected: bool) {
    let colour = pin_colour(state);
    let outline = Stroke::new(1.5, Color32::from_gray(20));
    if selected {
        painter.circle_stroke(at, 10.0, Stroke::new(3.0, Color32::WHITE));
    }
    match state {
        PinState::InProgress => {
            painter.circle_stroke(at, 5.0, Stroke::new(2.5, colour));
        }
        PinState::Rejected => {
            painter.circle_stroke(at, 3.5, Stroke::new(1.5, colour));
        }
        PinState::Blocked => {
            let r = Rect::from_center_size(at, Vec2::splat(10.0));
            painter.rect_filled(r, 1.0, colour);
            painter.rect_stroke(r, 1.0, outline, egui::StrokeKind::Outside);
        }
        _ => {
            painter.circle(at, 5.5, colour, outline);
        }
    }
}

/// A cluster: a dark disc sized by count, ringed in the worst member's colour, with the count.
fn cluster_shape(
    painter: &egui::Painter,
    at: Pos2,
    radius: f32,
    worst: PinState,
    count: Option<&str>,
) {
    painter.circle(
        at,
        radius,
        Color32::from_rgba_unmultiplied(25, 35, 50, 230),
        Stroke::new(3.0, pin_colour(worst)),
    );
    if let Some(count) = count {
        painter.text(
            at,
            Align2::CENTER_CENTER,
            count,
            FontId::proportional(11.0),
            Color32::WHITE,
        );
    }
}

/// Black spot: a warning triangle; toll plaza: a gate; jail: bars; priority public place: a diamond.
fn place_symbol(painter: &egui::Painter, at: Pos2, priority: Priority, r: f32) {
    let stroke = Stroke::new(2.0, Color32::from_gray(15));
    match priority {
        Priority::BlackSpot => {
            let pts = vec![
                at + Vec2::new(0.0, -r * 1.2),
                at + Vec2::new(r * 1.1, r * 0.8),
                at + Vec2::new(-r * 1.1, r * 0.8),
            ];
            painter.add(Shape::convex_polygon(
                pts,
                Color32::from_rgb(0xFF, 0xD5, 0x4F),
                Stroke::new(2.0, Color32::from_rgb(0xB7, 0x1C, 0x1C)),
            ));
        }
        Priority::TollPlaza => {
            let rect = Rect::from_center_size(at, Vec2::splat(r * 2.0));
            painter.rect_filled(rect, 2.0, Color32::from_rgb(0x00, 0x83, 0x8F));
            painter.line_segment(
                [rect.left_center(), rect.right_center()],
                Stroke::new(2.0, Color32::WHITE),
            );
            painter.rect_stroke(rect, 2.0, stroke, egui::StrokeKind::Outside);
        }
        Priority::Jail => {
            let rect = Rect::from_center_size(at, Vec2::splat(r * 2.0));
            painter.rect_filled(rect, 1.0, Color32::from_rgb(0x45, 0x5A, 0x64));
            for k in [-0.5f32, 0.0, 0.5] {
                painter.line_segment(
                    [
                        Pos2::new(at.x + k * r, rect.top()),
                        Pos2::new(at.x + k * r, rect.bottom()),
                    ],
                    Stroke::new(1.5, Color32::WHITE),
                );
            }
            painter.rect_stroke(rect, 1.0, stroke, egui::StrokeKind::Outside);
        }
        Priority::PublicPlace | Priority::None => {
            let pts = vec![
                at + Vec2::new(0.0, -r),
                at + Vec2::new(r, 0.0),
                at + Vec2::new(0.0, r),
                at + Vec2::new(-r, 0.0),
            ];
            painter.add(Shape::convex_polygon(
                pts,
                Color32::from_rgb(0x7E, 0x57, 0xC2),
                stroke,
            ));
        }
    }
}

/// The map itself: input, then layers bottom to top.
fn canvas_ui(app: &mut DeskApp, ui: &mut Ui) {
    let rect = ui.available_rect_before_wrap();
    app.map.canvas = Some(rect);
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    let response = response.on_hover_cursor(if app.map.pick.is_some() {
        egui::CursorIcon::Crosshair
    } else {
        egui::CursorIcon::Grab
    });
    handle_input(app, ui, rect, &response);
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, background(ui));
    let view = app.map.view;
    if app.map.layers.base
        && let Some(base) = &mut app.map.base
    {
        base.draw(ui.ctx(), &painter, &view, rect);
    }
    let (min, max) = view.visible(rect);
    let mut labels: Vec<PendingLabel> = Vec::new();
    super::map_areas::draw(app, &painter, &view, rect, (min, max), &mut labels);
    // Where clusters, cameras and places are drawn: area names keep off them where they can.
    let mut markers: Vec<Rect> = Vec::new();
    let mut shapes: Vec<Shape> = Vec::new();
    if app.map.layers.priority_places {
        places_radius_ui(app, &view, rect, &mut shapes);
    }
    painter.extend(std::mem::take(&mut shapes));
    if app.map.layers.cameras {
        if app.map.layers.fields_of_view && view.zoom >= FOV_ZOOM {
            fields_of_view(app, &view, rect, min, max, &mut shapes);
            painter.extend(std::mem::take(&mut shapes));
        }
        if view.zoom >= SITE_ZOOM {
            sites_ui(app, &painter, &view, rect, (min, max), &mut labels);
        }
        cameras_ui(
            app,
            &painter,
            &view,
            rect,
            (min, max),
            &mut labels,
            &mut markers,
        );
    }
    if app.map.layers.priority_places {
        for place in &app.map.places {
            let at = view.to_screen(rect, place.world);
            if rect.expand(20.0).contains(at) {
                place_symbol(&painter, at, place.priority, 7.0);
                markers.push(Rect::from_center_size(at, Vec2::splat(16.0)));
            }
        }
    }
    pick_ui(app, &painter, &view, rect);
    app.map.labels = labels_ui(&painter, &labels, &markers);
    popup_ui(app, ui, rect);
    if let Some(from) = app.map.drag_from
        && let Some(to) = response.interact_pointer_pos()
    {
        let r = Rect::from_two_pos(from, to);
        painter.rect(
            r,
            0.0,
            Color32::from_rgba_unmultiplied(66, 139, 245, 40),
            Stroke::new(1.5, Color32::from_rgb(66, 139, 245)),
            egui::StrokeKind::Inside,
        );
    }
    scale_bar(&painter, &view, rect, &app.i18n);
    coordinates_line(app, &painter, rect);
    base_notes(app, ui, &painter, rect);
    // Screen readers and tests: what the map shows, in words.
    let described = app.i18n.tr_args(
        "map-described",
        &[
            ("cameras", app.map.cameras().to_string()),
            ("zoom", format!("{:.1}", view.zoom)),
        ],
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, described.clone()));
}

/// The clicked camera's popup beside its marker: name, site, health and stage in words, and the way to its
/// details on the registry screen.
fn popup_ui(app: &mut DeskApp, ui: &Ui, rect: Rect) {
    let Some(id) = app.map.popup else { return };
    if app.selection.camera != Some(id) || app.map.pick.is_some() {
        // Another camera was chosen elsewhere, or the camera form took the map.
        app.map.popup = None;
        return;
    }
    let Some(index) = app.index() else { return };
    let (Some(pos), Some(c)) = (index.camera_position(id), index.camera(id)) else {
        app.map.popup = None;
        return;
    };
    let Some(at) = app.map.screen_pos_of(pos).filter(|p| rect.contains(*p)) else {
        return;
    };
    let i18n = &app.i18n;
    let site = index
        .site(c.site_id)
        .map(|s| s.site.display_name())
        .unwrap_or_default();
    let health = i18n.tr(&index.health_state(id).i18n_key());
    let stage = i18n.tr(&c.counted_stage().i18n_key());
    let label = c.camera.label.clone();
    let mut open = false;
    let mut close = ui.input(|i| i.key_pressed(egui::Key::Escape));
    egui::Area::new(ui.scope_id().with("camera_popup"))
        .order(egui::Order::Foreground)
        .fixed_pos(at + Vec2::new(14.0, -14.0))
        .constrain_to(rect)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(300.0);
                ui.label(
                    RichText::new(i18n.tr_args("map-popup-camera", &[("label", label)])).strong(),
                );
                ui.label(i18n.tr_args("map-popup-site", &[("site", site)]));
                ui.label(i18n.tr_args("map-popup-health", &[("health", health)]));
                ui.label(i18n.tr_args("map-popup-stage", &[("stage", stage)]));
                ui.horizontal(|ui| {
                    if ui.button(i18n.tr("map-popup-open-details")).clicked() {
                        open = true;
                    }
                    if ui.button(i18n.tr("map-popup-close")).clicked() {
                        close = true;
                    }
                });
            });
        });
    if open {
        app.select_camera(id);
        app.screen = Screen::Registry;
    }
    if open || close {
        app.map.popup = None;
    }
}

fn background(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x1E, 0x24, 0x2B)
    } else {
        Color32::from_rgb(0xE8, 0xEC, 0xEF)
    }
}

fn handle_input(app: &mut DeskApp, ui: &Ui, rect: Rect, response: &egui::Response) {
    let (scroll, shift, pointer) = ui.input(|i| {
        (
            i.smooth_scroll_delta.y + (i.zoom_delta() - 1.0) * 400.0,
            i.modifiers.shift,
            i.pointer.hover_pos(),
        )
    });
    app.map.hover = pointer
        .filter(|p| rect.contains(*p))
        .map(|p| geo::to_lat_lon(app.map.view.to_world(rect, p)));
    if response.hovered()
        && scroll != 0.0
        && let Some(p) = pointer
    {
        app.map.view.zoom_around(rect, p, f64::from(scroll) / 300.0);
    }
    if response.double_clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        app.map.view.zoom_around(rect, p, 1.0);
    }
    // Dragging the facing handle of a camera being placed.
    if let Some(Pick::Bearing {
        lat_deg,
        lon_deg,
        bearing_deg,
        range_m,
    }) = app.map.pick
        && response.dragged()
        && let Some(p) = response.interact_pointer_pos()
    {
        let to = geo::to_lat_lon(app.map.view.to_world(rect, p));
        let bearing = geo::bearing_deg((lat_deg, lon_deg), to).round() % 360.0;
        if bearing != bearing_deg {
            app.map.pick = Some(Pick::Bearing {
                lat_deg,
                lon_deg,
                bearing_deg: bearing,
                range_m,
            });
        }
        return;
    }
    if response.drag_started() && shift {
        // The box starts where the button went down, not where the drag was recognised.
        app.map.drag_from = ui
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos());
    }
    if app.map.drag_from.is_some() {
        if response.drag_stopped() {
            if let (Some(from), Some(to)) = (app.map.drag_from, response.interact_pointer_pos()) {
                select_box(app, rect, Rect::from_two_pos(from, to));
            }
            app.map.drag_from = None;
        }
    } else if response.dragged() {
        app.map.view.pan(response.drag_delta());
    }
    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        click(app, rect, p);
    }
}

fn select_box(app: &mut DeskApp, rect: Rect, screen: Rect) {
    let (a, b) = (
        app.map.view.to_world(rect, screen.left_top()),
        app.map.view.to_world(rect, screen.right_bottom()),
    );
    let (Some(map), Some(index)) = (&app.map.index, app.index()) else {
        return;
    };
    let mut ids: Vec<CameraId> = map
        .pins_in(a, b)
        .filter_map(|p| index.snapshot.cameras.get(p.camera_pos as usize))
        .map(|c| c.id)
        .collect();
    ids.sort_unstable();
    app.map.box_selection = ids;
}

/// A click: place the camera being picked; else select the camera (or site, or priority place) under the
/// pointer; a cluster zooms in.
fn click(app: &mut DeskApp, rect: Rect, p: Pos2) {
    let view = app.map.view;
    let world = view.to_world(rect, p);
    if app.map.pick == Some(Pick::Position) {
        let (lat, lon) = geo::to_lat_lon(world);
        super::camera_form::picked_position(app, lat, lon);
        return;
    }
    if app.map.pick.is_some() {
        return;
    }
    // A click elsewhere closes the popup; a click on a camera opens its own.
    app.map.popup = None;
    let reach = HIT_PX / view.scale();
    let zoom_level = view.zoom.floor() as u8;
    if app.map.layers.cameras {
        if zoom_level <= MAX_CLUSTER_ZOOM
            && let Some(map) = &app.map.index
        {
            let (min, max) = view.visible(rect);
            let hit = map
                .clusters_in(zoom_level, min, max)
                .into_iter()
                .filter(|c| c.count > 1)
                .map(|c| {
                    let at = view.to_screen(rect, c.centre);
                    (at.distance(p), cluster_radius(c.count), c.centre)
                })
                .filter(|(d, r, _)| *d <= *r + 2.0)
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, _, centre)) = hit {
                app.map.view.centre = centre;
                app.map.view.zoom = (view.zoom + 2.0).min(MAX_ZOOM);
                return;
            }
        }
        let camera = app
            .map
            .index
            .as_ref()
            .and_then(|m| m.nearest(world, reach))
            .and_then(|pin| app.index()?.snapshot.cameras.get(pin.camera_pos as usize))
            .map(|c| c.id);
        if let Some(id) = camera {
            app.select_camera(id);
            app.map.centred_on = (app.selection.site, Some(id));
            app.map.popup = Some(id);
            return;
        }
    }
    if app.map.layers.priority_places || view.zoom >= SITE_ZOOM {
        let site = app
            .map
            .places
            .iter()
            .map(|pl| (view.to_screen(rect, pl.world).distance(p), pl.site_pos))
            .filter(|(d, _)| f64::from(*d) <= HIT_PX)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .and_then(|(_, pos)| app.index()?.snapshot.sites.get(pos as usize))
            .map(|s| s.id);
        if let Some(id) = site {
            app.selection = super::Selection {
                site: Some(id),
                camera: None,
            };
            app.map.centred_on = (Some(id), None);
        }
    }
}

fn cluster_radius(count: u32) -> f32 {
    (8.0 + 3.0 * (count as f32).log10() * 2.0).min(24.0)
}

/// Black spots and other priority places: the ground they need watched, to scale.
fn places_radius_ui(app: &DeskApp, view: &MapView, rect: Rect, shapes: &mut Vec<Shape>) {
    for place in &app.map.places {
        let at = view.to_screen(rect, place.world);
        let px = (place.radius_m / geo::metres_per_pixel(place.lat_deg, view.zoom, TILE_PX)) as f32;
        if px < 4.0 || !rect.expand(px).contains(at) {
            continue;
        }
        let colour = place_colour(place.priority);
        shapes.push(Shape::circle_filled(at, px, colour.gamma_multiply(0.18)));
        shapes.push(Shape::circle_stroke(at, px, Stroke::new(1.5, colour)));
    }
}

/// The ring colour of a priority place's ground.
fn place_colour(priority: Priority) -> Color32 {
    match priority {
        Priority::BlackSpot => Color32::from_rgb(0xE5, 0x39, 0x35),
        Priority::TollPlaza => Color32::from_rgb(0x00, 0x83, 0x8F),
        Priority::Jail => Color32::from_rgb(0x90, 0xA4, 0xAE),
        _ => Color32::from_rgb(0x7E, 0x57, 0xC2),
    }
}

/// Each camera's view as a cone: bearing ± half the field of view, out to its range.
fn fields_of_view(
    app: &DeskApp,
    view: &MapView,
    rect: Rect,
    min: WorldPoint,
    max: WorldPoint,
    shapes: &mut Vec<Shape>,
) {
    let (Some(map), Some(index)) = (&app.map.index, app.index()) else {
        return;
    };
    let pins: Vec<_> = map.pins_in(min, max).take(MAX_CONES + 1).collect();
    if pins.len() > MAX_CONES {
        return;
    }
    for pin in pins {
        let Some(c) = index.snapshot.cameras.get(pin.camera_pos as usize) else {
            continue;
        };
        let (Some(bearing), Some(fov)) = (c.camera.bearing_deg, c.camera.fov_deg) else {
            continue;
        };
        let range = c.camera.range_m.unwrap_or(DEFAULT_RANGE_M);
        let from = (c.camera.lat_deg, c.camera.lon_deg);
        let mut pts = vec![view.to_screen(rect, pin.world)];
        let steps = 8;
        for k in 0..=steps {
            let b = bearing - fov / 2.0 + fov * f64::from(k) / f64::from(steps);
            let (lat, lon) = geo::destination(from, b, range);
            pts.push(view.to_screen(rect, geo::to_world(lat, lon)));
        }
        let colour = pin_colour(pin.state);
        shapes.push(Shape::convex_polygon(
            pts,
            colour.gamma_multiply(0.22),
            Stroke::new(1.0, colour.gamma_multiply(0.7)),
        ));
    }
}

/// Sites as small squares at street zoom (their cameras sit on or near them).
fn sites_ui(
    app: &DeskApp,
    painter: &egui::Painter,
    view: &MapView,
    rect: Rect,
    (min, max): (WorldPoint, WorldPoint),
    labels: &mut Vec<PendingLabel>,
) {
    let Some(index) = app.index() else { return };
    let (lat_a, lon_a) = geo::to_lat_lon(min);
    let (lat_b, lon_b) = geo::to_lat_lon(max);
    let (lat_lo, lat_hi) = (lat_a.min(lat_b), lat_a.max(lat_b));
    let (lon_lo, lon_hi) = (lon_a.min(lon_b), lon_a.max(lon_b));
    // A cheap box test over the sites (a fraction of a millisecond at 80,000); a dense market at street zoom
    // can still hold thousands, then only the cameras are drawn.
    let in_view: Vec<_> = index
        .snapshot
        .sites
        .iter()
        .filter(|s| {
            (lat_lo..=lat_hi).contains(&s.site.lat_deg)
                && (lon_lo..=lon_hi).contains(&s.site.lon_deg)
        })
        .take(MAX_SITE_SQUARES + 1)
        .collect();
    if in_view.len() > MAX_SITE_SQUARES {
        return;
    }
    let names = in_view.len() <= MAX_SITE_NAMES;
    for s in in_view {
        let at = view.to_screen(rect, geo::to_world(s.site.lat_deg, s.site.lon_deg));
        let selected = app.selection.site == Some(s.id) && app.selection.camera.is_none();
        site_square(painter, at, selected);
        if names && view.zoom >= STREET_ZOOM {
            labels.push(PendingLabel::backed(
                painter,
                s.site.display_name(),
                (Align2::LEFT_BOTTOM, at + Vec2::new(8.0, -8.0)),
                if selected {
                    LabelRank::SelectedSite
                } else {
                    LabelRank::Site
                },
                None,
            ));
        }
    }
}

/// A site's square (larger and bolder when selected).
fn site_square(painter: &egui::Painter, at: Pos2, selected: bool) {
    let r = Rect::from_center_size(at, Vec2::splat(if selected { 12.0 } else { 8.0 }));
    painter.rect_stroke(
        r,
        1.0,
        Stroke::new(if selected { 3.0 } else { 1.5 }, Color32::from_gray(200)),
        egui::StrokeKind::Middle,
    );
}

/// A name waiting for its place: measured, anchored and ranked; `map_labels::place` decides whether it is drawn.
pub(super) struct PendingLabel {
    galley: Arc<egui::Galley>,
    /// Where it would go, backing included.
    rect: Rect,
    rank: LabelRank,
    /// On a dark backing (cameras and sites, readable over any base map), or plain coloured text (areas).
    backed: bool,
    camera: Option<CameraId>,
}

impl PendingLabel {
    fn backed(
        painter: &egui::Painter,
        text: String,
        (anchor, at): (Align2, Pos2),
        rank: LabelRank,
        camera: Option<CameraId>,
    ) -> Self {
        let galley =
            painter.layout_no_wrap(text, FontId::proportional(11.0), Color32::from_gray(235));
        let rect = anchor.anchor_size(at, galley.size()).expand(2.0);
        Self {
            galley,
            rect,
            rank,
            backed: true,
            camera,
        }
    }

    /// An area's name, centred on its label point, in the layer's colour.
    pub(super) fn area(painter: &egui::Painter, text: String, at: Pos2, colour: Color32) -> Self {
        let galley = painter.layout_no_wrap(text, FontId::proportional(11.0), colour);
        let rect = Align2::CENTER_CENTER.anchor_size(at, galley.size());
        Self {
            galley,
            rect,
            rank: LabelRank::Area,
            backed: false,
            camera: None,
        }
    }

    /// A name on its dark backing.
    fn paint(&self, painter: &egui::Painter) {
        painter.rect_filled(self.rect, 2.0, Color32::from_black_alpha(140));
        painter.galley(
            self.rect.shrink(2.0).min,
            self.galley.clone(),
            Color32::from_gray(235),
        );
    }
}

/// Draws the labels that fit (the selection and problems first) and returns what was drawn. Everything is drawn
/// over the map's markers, cones and outlines, so no name is lost under them; an area's name keeps off the
/// markers where it can (`map_labels::place_around`), on a light backing so it reads over whatever is under it.
fn labels_ui(
    painter: &egui::Painter,
    labels: &[PendingLabel],
    markers: &[Rect],
) -> Vec<DrawnLabel> {
    let rects: Vec<(Rect, LabelRank)> = labels.iter().map(|l| (l.rect, l.rank)).collect();
    let mut drawn = Vec::new();
    for (i, rect) in place_around(&rects, markers) {
        let label = &labels[i];
        if label.backed {
            label.paint(painter);
        } else {
            painter.rect_filled(rect.expand(1.0), 2.0, Color32::from_black_alpha(110));
            painter.galley(rect.min, label.galley.clone(), Color32::from_gray(235));
        }
        drawn.push(DrawnLabel {
            text: label.galley.text().to_string(),
            rect,
            camera: label.camera,
        });
    }
    drawn
}

/// Cameras: clusters up to the cluster zoom, single markers beyond; the selected camera ringed.
fn cameras_ui(
    app: &DeskApp,
    painter: &egui::Painter,
    view: &MapView,
    rect: Rect,
    (min, max): (WorldPoint, WorldPoint),
    labels: &mut Vec<PendingLabel>,
    markers: &mut Vec<Rect>,
) {
    let (Some(map), Some(index)) = (&app.map.index, app.index()) else {
        return;
    };
    let selected_pos = app
        .selection
        .camera
        .and_then(|id| index.camera_position(id));
    let zoom_level = view.zoom.floor() as u8;
    let names = view.zoom >= STREET_ZOOM;
    let mut named = 0usize;
    // A camera's name beside its marker at street zoom; the selected one is named below, whatever the zoom.
    let mut name = |pin: &crate::services::map::map_index::MapPin, at: Pos2| {
        if !names || Some(pin.camera_pos) == selected_pos {
            return;
        }
        let is_problem = matches!(
            pin.state,
            PinState::Offline | PinState::AuthFailed | PinState::StreamError | PinState::Blocked
        );
        if !is_problem && named >= MAX_CAMERA_LABELS {
            return;
        }
        let Some(c) = index.snapshot.cameras.get(pin.camera_pos as usize) else {
            return;
        };
        named += 1;
        labels.push(PendingLabel::backed(
            painter,
            c.camera.label.clone(),
            (Align2::LEFT_CENTER, at + Vec2::new(9.0, 0.0)),
            if is_problem {
                LabelRank::Problem
            } else {
                LabelRank::Camera
            },
            Some(c.id),
        ));
    };
    // Clusters and cameras, the selected camera on its own and last, over the rest.
    for mark in map.marks_in(zoom_level, min, max, selected_pos) {
        match mark {
            CameraMark::Cluster {
                centre,
                count,
                worst,
            } => {
                let at = view.to_screen(rect, centre);
                let r = cluster_radius(count);
                cluster_shape(
                    painter,
                    at,
                    r,
                    worst,
                    Some(&indian_grouping(i64::from(count))),
                );
                markers.push(Rect::from_center_size(at, Vec2::splat(2.0 * r)));
            }
            CameraMark::Pin { pin, selected } => {
                let at = view.to_screen(rect, pin.world);
                pin_shape(painter, at, pin.state, selected);
                markers.push(Rect::from_center_size(at, Vec2::splat(12.0)));
                name(&pin, at);
            }
        }
    }
    // The selected camera (the one the map flew to) is always named, even where others would hide it.
    if let Some(pos) = selected_pos
        && let Some(pin) = map.pin_of_camera(pos)
        && let Some(c) = index.snapshot.cameras.get(pos as usize)
    {
        let at = view.to_screen(rect, pin.world);
        if rect.contains(at) {
            labels.push(PendingLabel::backed(
                painter,
                c.camera.label.clone(),
                (Align2::LEFT_CENTER, at + Vec2::new(13.0, 0.0)),
                LabelRank::Forced,
                Some(c.id),
            ));
        }
    }
}

/// The camera being placed: its spot, and a handle at its range in the direction it faces.
fn pick_ui(app: &DeskApp, painter: &egui::Painter, view: &MapView, rect: Rect) {
    let Some(Pick::Bearing {
        lat_deg,
        lon_deg,
        bearing_deg,
        range_m,
    }) = app.map.pick
    else {
        return;
    };
    let at = view.to_screen(rect, geo::to_world(lat_deg, lon_deg));
    let (hl, hn) = geo::destination((lat_deg, lon_deg), bearing_deg, range_m);
    let handle = view.to_screen(rect, geo::to_world(hl, hn));
    pick_symbol(painter, at, handle);
}

/// The camera being placed (amber, black ring) and its facing handle.
fn pick_symbol(painter: &egui::Painter, at: Pos2, handle: Pos2) {
    let colour = Color32::from_rgb(0xFF, 0xC1, 0x07);
    painter.line_segment([at, handle], Stroke::new(2.5, colour));
    painter.circle(at, 6.0, colour, Stroke::new(2.0, Color32::BLACK));
    painter.circle(handle, 8.0, Color32::WHITE, Stroke::new(3.0, colour));
}

/// A bar of a round ground distance (1, 2 or 5 × 10ⁿ m) no longer than 120 px, bottom left.
fn scale_bar(painter: &egui::Painter, view: &MapView, rect: Rect, i18n: &I18n) {
    let (lat, _) = geo::to_lat_lon(view.centre);
    let m_per_px = geo::metres_per_pixel(lat, view.zoom, TILE_PX);
    let Some((metres, px)) = scale_bar_length(m_per_px, 120.0) else {
        return;
    };
    let left = rect.left_bottom() + Vec2::new(14.0, -16.0);
    let right = left + Vec2::new(px as f32, 0.0);
    let stroke = Stroke::new(2.0, Color32::from_gray(230));
    let text = if metres >= 1000.0 {
        i18n.tr_args("map-scale-km", &[("km", format!("{}", metres / 1000.0))])
    } else {
        i18n.tr_args("map-scale-m", &[("m", format!("{metres}"))])
    };
    // A dark backing so the bar reads over a light base map as well as over the plain background.
    painter.rect_filled(
        Rect::from_min_max(left + Vec2::new(-6.0, -28.0), right + Vec2::new(6.0, 6.0)),
        3.0,
        Color32::from_black_alpha(150),
    );
    painter.line_segment([left, right], stroke);
    painter.line_segment([left, left - Vec2::new(0.0, 6.0)], stroke);
    painter.line_segment([right, right - Vec2::new(0.0, 6.0)], stroke);
    painter.text(
        left + Vec2::new(0.0, -8.0),
        Align2::LEFT_BOTTOM,
        text,
        FontId::proportional(12.0),
        Color32::from_gray(230),
    );
}

/// The longest round distance (1, 2, 5 × 10ⁿ metres) that fits in `max_px`, and its length in pixels.
pub fn scale_bar_length(metres_per_px: f64, max_px: f64) -> Option<(f64, f64)> {
    if !(metres_per_px.is_finite() && metres_per_px > 0.0) {
        return None;
    }
    let max_m = metres_per_px * max_px;
    let decade = 10f64.powf(max_m.log10().floor());
    let metres = [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * decade)
        .find(|m| *m <= max_m)?;
    Some((metres, metres / metres_per_px))
}

/// The base map's attribution (bottom right) and, when the file is bad, what is wrong (top, on the map).
fn base_notes(app: &DeskApp, ui: &mut Ui, painter: &egui::Painter, rect: Rect) {
    let Some(base) = &app.map.base else { return };
    if app.map.layers.base
        && let Some(text) = base.attribution()
    {
        let at = rect.right_bottom() + Vec2::new(-10.0, -30.0);
        let galley = painter.layout_no_wrap(
            text.to_string(),
            FontId::proportional(11.0),
            Color32::from_gray(235),
        );
        let frame = Align2::RIGHT_BOTTOM
            .anchor_size(at, galley.size())
            .expand(3.0);
        painter.rect_filled(frame, 3.0, Color32::from_black_alpha(150));
        painter.galley(frame.shrink(3.0).min, galley, Color32::from_gray(235));
    }
    if let Some(problem) = base.problem(&app.i18n) {
        // A real label (screen readers and tests read it), on a dark band across the top of the map.
        let band = Rect::from_min_size(
            rect.left_top() + Vec2::new(10.0, 10.0),
            Vec2::new((rect.width() - 20.0).max(100.0), 44.0),
        );
        painter.rect_filled(band, 4.0, Color32::from_black_alpha(210));
        ui.put(
            band.shrink(6.0),
            egui::Label::new(RichText::new(problem).color(Color32::from_rgb(0xFF, 0xAB, 0x91)))
                .wrap(),
        );
    }
}

fn coordinates_line(app: &DeskApp, painter: &egui::Painter, rect: Rect) {
    let Some((lat, lon)) = app.map.hover else {
        return;
    };
    let text = format!(
        "{:.5}° {}, {:.5}° {}",
        lat.abs(),
        if lat >= 0.0 { "N" } else { "S" },
        lon.abs(),
        if lon >= 0.0 { "E" } else { "W" }
    );
    let at = rect.right_bottom() + Vec2::new(-10.0, -8.0);
    let galley = painter.layout_no_wrap(text, FontId::monospace(12.0), Color32::from_gray(235));
    let frame = Align2::RIGHT_BOTTOM
        .anchor_size(at, galley.size())
        .expand(3.0);
    painter.rect_filled(frame, 3.0, Color32::from_black_alpha(150));
    painter.galley(frame.shrink(3.0).min, galley, Color32::from_gray(235));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect() -> Rect {
        Rect::from_min_size(Pos2::ZERO, Vec2::new(800.0, 600.0))
    }

    #[test]
    fn screen_and_world_round_trip_and_zoom_keeps_the_point_under_the_pointer() {
        let mut view = MapView::default();
        let r = rect();
        let p = Pos2::new(123.0, 456.0);
        let w = view.to_world(r, p);
        let back = view.to_screen(r, w);
        assert!((back - p).length() < 1e-3);
        view.zoom_around(r, p, 1.5);
        let after = view.to_screen(r, w);
        assert!((after - p).length() < 1e-2, "{after:?}");
        assert!((view.zoom - 14.5).abs() < 1e-9);
        view.zoom_around(r, p, 40.0);
        assert_eq!(view.zoom, MAX_ZOOM);
    }

    #[test]
    fn panning_moves_the_world_with_the_pointer() {
        let mut view = MapView::default();
        let r = rect();
        let w = view.to_world(r, Pos2::new(400.0, 300.0));
        view.pan(Vec2::new(50.0, -20.0));
        let moved = view.to_screen(r, w);
        assert!((moved - Pos2::new(450.0, 280.0)).length() < 1e-3);
    }

    #[test]
    fn scale_bars_are_round_numbers() {
        assert_eq!(scale_bar_length(1.0, 120.0), Some((100.0, 100.0)));
        assert_eq!(scale_bar_length(10.0, 120.0), Some((1000.0, 100.0)));
        let (m, px) = scale_bar_length(3.3, 120.0).unwrap();
        assert_eq!(m, 200.0);
        assert!(px <= 120.0);
        assert!(scale_bar_length(0.0, 120.0).is_none());
    }
}
