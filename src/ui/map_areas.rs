//! Ward and police-station boundaries on the map, and their import: the user picks a GeoJSON file, sees how
//! many areas it holds and a sample, chooses which property names the area and which gives its code, and the
//! worker replaces the layer in one transaction (or says why the file is refused: projected metres, points…).

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, Pos2, Rect, RichText, Shape, Stroke, Ui};

use super::DeskApp;
use super::map::MapView;
use super::task::{self, TaskHandle};
use super::widgets::FileDialog;
use crate::model::geo::{self, WorldPoint};
use crate::model::{BoundaryArea, BoundaryKind};
use crate::services::exchange::import::FileError;
use crate::services::map::boundaries::{BoundaryError, BoundaryIndex, GeoJsonPreview, preview};
use crate::services::registry_worker::DeskCommand;

/// Area names are written on the map only while this few areas are in view.
const MAX_AREA_NAMES: usize = 80;

/// One area ready to draw: its rings in world coordinates and its bounds.
pub struct AreaShape {
    pub kind: BoundaryKind,
    pub name: String,
    rings: Vec<Vec<WorldPoint>>,
    label: WorldPoint,
    min: WorldPoint,
    max: WorldPoint,
}

impl AreaShape {
    fn of(area: &BoundaryArea) -> Self {
        let rings: Vec<Vec<WorldPoint>> = area
            .polygons
            .iter()
            .flatten()
            .map(|ring| {
                ring.iter()
                    .map(|&(lat, lon)| geo::to_world(lat, lon))
                    .collect()
            })
            .collect();
        let (min_lat, min_lon, max_lat, max_lon) = area.bbox();
        let (a, b) = (
            geo::to_world(max_lat, min_lon),
            geo::to_world(min_lat, max_lon),
        );
        let (lat, lon) = area.label_point();
        Self {
            kind: area.kind,
            name: if area.code.is_empty() {
                area.name.clone()
            } else {
                format!("{} ({})", area.name, area.code)
            },
            rings,
            label: geo::to_world(lat, lon),
            min: a,
            max: b,
        }
    }
}

/// A GeoJSON file read and previewed, waiting for the user's choices.
pub struct ImportDialog {
    pub source_name: String,
    text: Arc<String>,
    pub preview: GeoJsonPreview,
    pub kind: BoundaryKind,
    pub name_property: String,
    pub code_property: Option<String>,
    pub error: Option<String>,
    pub busy: bool,
}

/// A GeoJSON file read on its thread: its name, text and preview.
type FileRead = (String, Arc<String>, GeoJsonPreview);

/// Why a boundary file cannot be used.
#[derive(Debug, thiserror::Error)]
enum BoundaryFileError {
    #[error(transparent)]
    Read(#[from] FileError),
    #[error("{name}: the file is not UTF-8 text")]
    NotUtf8 { name: String },
    #[error("{name}: {source}")]
    NotBoundaries {
        name: String,
        #[source]
        source: BoundaryError,
    },
}

/// Boundaries the map holds, and the import in progress.
#[derive(Default)]
pub struct Areas {
    pub shapes: Vec<AreaShape>,
    /// The same layers for the site form: names in natural order, and the area a point falls in.
    pub index: Arc<BoundaryIndex>,
    /// The registry revision the shapes were read for.
    pub loaded_for: Option<u64>,
    pending: bool,
    pub import: Option<ImportDialog>,
    /// A file being read and previewed on its own thread.
    reading: Option<TaskHandle<FileRead, BoundaryFileError>>,
    dialog: Option<FileDialog>,
}

impl Areas {
    pub fn set(&mut self, areas: &[BoundaryArea]) {
        self.shapes = areas.iter().map(AreaShape::of).collect();
        // A box per area and a sort of the names: one pass over the points, as for the shapes above.
        self.index = Arc::new(BoundaryIndex::new(areas.to_vec()));
        self.pending = false;
    }

    pub fn count(&self, kind: BoundaryKind) -> usize {
        self.shapes.iter().filter(|s| s.kind == kind).count()
    }

    /// Reads and previews a GeoJSON file off the UI thread; the import dialog opens with what it holds (tests
    /// and the file dialog both come here).
    pub fn open_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        // A newer file replaces one still being read; the older answer is dropped with its handle.
        self.reading = Some(task::spawn(ctx, "boundary-file", move |_| {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
            // A device or FIFO is refused before it is opened; the size is capped, and the counts inside are
            // checked before the text is parsed (services::map::boundaries::BoundaryLimits).
            let bytes = crate::services::exchange::import::read_limited(
                &path,
                crate::services::map::boundaries::BoundaryLimits::default().file_bytes,
            )?;
            let Ok(text) = String::from_utf8(bytes) else {
                return Err(BoundaryFileError::NotUtf8 { name });
            };
            match preview(&text) {
                Ok(p) => Ok((name, Arc::new(text), p)),
                Err(source) => Err(BoundaryFileError::NotBoundaries { name, source }),
            }
        }));
    }
}

/// Keeps the areas in step with the registry, and follows the file dialog and the file reading.
pub fn refresh(app: &mut DeskApp, ctx: &egui::Context) {
    if let Some(revision) = app.index().map(|i| i.revision())
        && app.map.areas.loaded_for != Some(revision)
        && !app.map.areas.pending
    {
        app.map.areas.pending = true;
        app.map.areas.loaded_for = Some(revision);
        app.send(DeskCommand::LoadBoundaries);
    }
    match task::poll(&mut app.map.areas.dialog) {
        Some(Ok(Some(path))) => app.map.areas.open_file(path, ctx),
        Some(Ok(None)) | None => {}
        Some(Err(e)) => app.report_task_error(e),
    }
    if let Some(result) = task::poll(&mut app.map.areas.reading) {
        let dialog = match result {
            Ok((source_name, text, preview)) => ImportDialog {
                source_name,
                text,
                kind: BoundaryKind::Ward,
                name_property: preview
                    .guessed_name
                    .clone()
                    .or_else(|| preview.property_names.first().cloned())
                    .unwrap_or_default(),
                code_property: preview.guessed_code.clone(),
                preview,
                error: None,
                busy: false,
            },
            Err(e) => ImportDialog {
                source_name: String::new(),
                text: Arc::new(String::new()),
                preview: GeoJsonPreview {
                    features: 0,
                    property_names: Vec::new(),
                    sample: Vec::new(),
                    guessed_name: None,
                    guessed_code: None,
                    reprojected_from: None,
                },
                kind: BoundaryKind::Ward,
                name_property: String::new(),
                code_property: None,
                error: Some(e.words(&app.i18n).0),
                busy: false,
            },
        };
        app.map.areas.import = Some(dialog);
    }
}

/// Opens the native dialog for a GeoJSON file on its own thread.
pub fn choose_file(app: &mut DeskApp, ctx: &egui::Context) {
    if app.map.areas.dialog.is_some() {
        return;
    }
    let title = app.i18n.tr("map-areas-choose-title");
    let filter = app.i18n.tr("map-areas-filter");
    app.map.areas.dialog = Some(super::widgets::file_dialog(ctx, move || {
        rfd::FileDialog::new()
            .set_title(title)
            .add_filter(filter, &["geojson", "json"])
            .pick_file()
    }));
}

/// The import dialog: what the file holds, which properties name the areas, the kind of layer.
pub fn import_ui(app: &mut DeskApp, ctx: &egui::Context) {
    let Some(dialog) = &mut app.map.areas.import else {
        return;
    };
    let i18n = &app.i18n;
    let mut close = false;
    let mut import = false;
    egui::Modal::new(egui::Id::unique("boundary_import")).show(ctx, |ui| {
        ui.set_max_width(620.0);
        ui.heading(i18n.tr("map-areas-import-title"));
        if !dialog.source_name.is_empty() {
            ui.label(i18n.tr_args(
                "map-areas-import-file",
                &[
                    ("file", dialog.source_name.clone()),
                    ("count", dialog.preview.features.to_string()),
                ],
            ));
            if let Some(reprojection) = &dialog.preview.reprojected_from {
                ui.label(i18n.tr_args(reprojection.note_key(), &reprojection.note_args()));
            }
            ui.horizontal(|ui| {
                let label = ui.label(i18n.tr("map-areas-kind")).id;
                for kind in BoundaryKind::ALL {
                    ui.radio_value(&mut dialog.kind, kind, i18n.tr(&kind.i18n_key()))
                        .labelled_by(label);
                }
            });
            egui::Grid::new("boundary_props")
                .num_columns(2)
                .show(ui, |ui| {
                    let label = ui.label(i18n.tr("map-areas-name-property")).id;
                    egui::ComboBox::from_id_salt("boundary_name_prop")
                        .selected_text(dialog.name_property.clone())
                        .show_ui(ui, |ui| {
                            for p in &dialog.preview.property_names {
                                ui.selectable_value(&mut dialog.name_property, p.clone(), p);
                            }
                        })
                        .response
                        .labelled_by(label);
                    ui.end_row();
                    let label = ui.label(i18n.tr("map-areas-code-property")).id;
                    let none = i18n.tr("map-areas-no-code");
                    egui::ComboBox::from_id_salt("boundary_code_prop")
                        .selected_text(dialog.code_property.clone().unwrap_or_else(|| none.clone()))
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut dialog.code_property, None, none.clone());
                            for p in &dialog.preview.property_names {
                                ui.selectable_value(&mut dialog.code_property, Some(p.clone()), p);
                            }
                        })
                        .response
                        .labelled_by(label);
                    ui.end_row();
                });
            ui.label(RichText::new(i18n.tr("map-areas-sample")).strong());
            egui::Grid::new("boundary_sample")
                .striped(true)
                .show(ui, |ui| {
                    for row in &dialog.preview.sample {
                        let get = |p: &str| row.get(p).cloned().unwrap_or_default();
                        ui.label(get(&dialog.name_property));
                        ui.label(dialog.code_property.as_deref().map(get).unwrap_or_default());
                        ui.end_row();
                    }
                });
        }
        if let Some(error) = &dialog.error {
            ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
        }
        ui.horizontal(|ui| {
            let can_import =
                !dialog.busy && dialog.preview.features > 0 && !dialog.name_property.is_empty();
            if ui
                .add_enabled(can_import, egui::Button::new(i18n.tr("map-areas-import")))
                .clicked()
            {
                import = true;
            }
            if dialog.busy {
                ui.spinner();
            }
            if ui.button(i18n.tr("form-cancel")).clicked() {
                close = true;
            }
        });
    });
    if import {
        dialog.busy = true;
        dialog.error = None;
        let command = DeskCommand::ImportBoundaries {
            kind: dialog.kind,
            source_name: dialog.source_name.clone(),
            text: dialog.text.clone(),
            name_property: dialog.name_property.clone(),
            code_property: dialog.code_property.clone(),
        };
        app.send(command);
    }
    if close {
        app.map.areas.import = None;
    }
}

/// The outlines of the areas in view, wards amber and police stations cyan; their names (when few) join `labels`.
pub fn draw(
    app: &DeskApp,
    painter: &egui::Painter,
    view: &MapView,
    rect: Rect,
    (min, max): (WorldPoint, WorldPoint),
    labels: &mut Vec<super::map::PendingLabel>,
) {
    let layers = app.map.layers;
    let visible: Vec<&AreaShape> = app
        .map
        .areas
        .shapes
        .iter()
        .filter(|a| match a.kind {
            BoundaryKind::Ward => layers.wards,
            BoundaryKind::PoliceStation => layers.police_stations,
        })
        .filter(|a| a.max.x >= min.x && a.min.x <= max.x && a.max.y >= min.y && a.min.y <= max.y)
        .collect();
    for area in &visible {
        let colour = colour(area.kind);
        for ring in &area.rings {
            let points: Vec<Pos2> = ring.iter().map(|p| view.to_screen(rect, *p)).collect();
            painter.add(Shape::closed_line(points, Stroke::new(1.6, colour)));
        }
    }
    if visible.len() <= MAX_AREA_NAMES && view.zoom >= 11.5 {
        for area in visible {
            // A name only where the area is big enough on screen to hold it.
            let size = view.to_screen(rect, area.max) - view.to_screen(rect, area.min);
            if size.x < 110.0 || size.y < 40.0 {
                continue;
            }
            // Placed with the cameras' and sites' names, after them: a name never covers another.
            labels.push(super::map::PendingLabel::area(
                painter,
                area.name.clone(),
                view.to_screen(rect, area.label),
                colour(area.kind).gamma_multiply(0.9),
            ));
        }
    }
}

pub fn colour(kind: BoundaryKind) -> Color32 {
    match kind {
        BoundaryKind::Ward => Color32::from_rgb(0xFF, 0xB3, 0x00),
        BoundaryKind::PoliceStation => Color32::from_rgb(0x26, 0xC6, 0xDA),
    }
}

/// The legend's lines for the boundary layers.
pub fn legend_ui(app: &DeskApp, ui: &mut Ui) {
    for kind in BoundaryKind::ALL {
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter().rect_stroke(
                r.shrink(2.0),
                0.0,
                Stroke::new(1.6, colour(kind)),
                egui::StrokeKind::Middle,
            );
            ui.label(app.i18n.tr_args(
                "map-areas-legend",
                &[
                    ("kind", app.i18n.tr(&kind.i18n_key())),
                    ("count", app.map.areas.count(kind).to_string()),
                ],
            ));
        });
    }
}
