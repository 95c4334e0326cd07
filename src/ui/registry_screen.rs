//! The registry screen: one virtualized table of cameras or sites with filters and sorting, and a details
//! panel for the selected site and camera.

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::camera_form::CameraForm;
use super::site_form::SiteForm;
use super::stage_form::StageForm;
use super::{DEMO_COLOUR, DeskApp, OpenForm, Selection};
use crate::i18n::I18n;
use crate::model::{HealthState, IntegrationStage, OwnerCategory, PasswordState, ist_datetime};
use crate::services::exchange::export::ExportList;
use crate::services::registry_index::{RegistryIndex, SortColumn, TableMode};
use crate::services::registry_worker::DeskCommand;
use crate::store::{CameraRecord, SiteRecord};

pub(super) const ROW_HEIGHT: f32 = 22.0;
/// Width of the details panel beside the table.
const DETAILS_WIDTH: f32 = 360.0;
/// Cameras in the default demo registry, as the review meeting sees Jhansi.
const DEMO_CAMERAS: usize = 3_200;

/// Colour that goes with a stage's words (never colour alone).
pub fn stage_colour(stage: IntegrationStage) -> Color32 {
    match stage {
        IntegrationStage::Integrated => Color32::from_rgb(0x2E, 0x7D, 0x32),
        IntegrationStage::Configured | IntegrationStage::ConsentGiven => {
            Color32::from_rgb(0x15, 0x65, 0xC0)
        }
        IntegrationStage::Surveyed | IntegrationStage::OwnerContacted => {
            Color32::from_rgb(0x61, 0x61, 0x61)
        }
        IntegrationStage::Blocked => Color32::from_rgb(0xC6, 0x28, 0x28),
        IntegrationStage::Rejected => Color32::from_rgb(0x6A, 0x1B, 0x9A),
    }
}

/// WCAG AA contrast for normal text.
const MIN_TEXT_CONTRAST: f64 = 4.5;

/// The colour of a stage's words on a table row: the stage's hue, darkened (light theme) or lightened (dark
/// theme) just enough to read at WCAG AA on the row — plain, striped or selected.
pub fn stage_text_colour(
    stage: IntegrationStage,
    visuals: &egui::Visuals,
    selected: bool,
) -> Color32 {
    readable_on(stage_colour(stage), row_backgrounds(visuals, selected))
}

/// The colour of a health state's words on a table row, readable like [`stage_text_colour`].
pub fn health_text_colour(state: HealthState, visuals: &egui::Visuals, selected: bool) -> Color32 {
    readable_on(
        super::wall::health_colour(state),
        row_backgrounds(visuals, selected),
    )
}

/// What a table row's text is drawn on: the selection, or the plain and the striped row.
fn row_backgrounds(visuals: &egui::Visuals, selected: bool) -> [Color32; 2] {
    if selected {
        [visuals.selection.bg_fill; 2]
    } else {
        [
            visuals.panel_fill,
            additive(visuals.panel_fill, visuals.faint_bg_color),
        ]
    }
}

/// `colour` mixed towards black or white (whichever the backgrounds contrast with more) until it reads at
/// `MIN_TEXT_CONTRAST` on all of them.
fn readable_on(colour: Color32, backgrounds: [Color32; 2]) -> Color32 {
    let worst = |c: Color32| {
        backgrounds
            .iter()
            .map(|&b| contrast_ratio(c, b))
            .fold(f64::INFINITY, f64::min)
    };
    let towards = if worst(Color32::WHITE) >= worst(Color32::BLACK) {
        Color32::WHITE
    } else {
        Color32::BLACK
    };
    (0..=20)
        .map(|step| colour.lerp_to_gamma(towards, step as f32 / 20.0))
        .find(|&c| worst(c) >= MIN_TEXT_CONTRAST)
        .unwrap_or(towards)
}

/// A colour drawn additively over another (egui's stripe over the panel).
fn additive(base: Color32, light: Color32) -> Color32 {
    Color32::from_rgb(
        base.r().saturating_add(light.r()),
        base.g().saturating_add(light.g()),
        base.b().saturating_add(light.b()),
    )
}

/// WCAG 2 relative luminance of an sRGB colour.
fn relative_luminance(c: Color32) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG 2 contrast ratio, 1 to 21.
pub fn contrast_ratio(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

pub(super) fn cell(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    let text: egui::WidgetText = text.into();
    let full = text.text().to_string();
    let galley = one_line_at_words(ui, text, ui.available_width());
    let response = ui.add(egui::Label::new(galley.clone()).selectable(false));
    if galley.elided {
        // A screen reader (and a test) reads the whole text, as the hover shows it.
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, full.as_str()));
        response.on_hover_text(full);
    }
}

/// A row's name as a selectable button, cut between words like [`cell`], the whole name on hover and for
/// screen readers.
fn name_cell(ui: &mut Ui, selected: bool, name: String) -> egui::Response {
    let padding = 2.0 * ui.spacing().button_padding.x;
    let galley = one_line_at_words(ui, name.as_str().into(), ui.available_width() - padding);
    let response = ui.add(egui::Button::selectable(
        selected,
        egui::WidgetText::from(galley.clone()),
    ));
    if galley.elided {
        response.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::Button, true, selected, name.as_str())
        });
    }
    response.on_hover_text(name)
}

/// Lays `text` out on one line of at most `max_width`: when it does not fit it is cut after the last whole word
/// that fits and ends in "…", never in the middle of a word (only a first word longer than the line is cut where
/// it must). Layouts are cached by egui, so a table redrawn with the same widths costs no new layout.
pub(super) fn one_line_at_words(
    ui: &Ui,
    text: egui::WidgetText,
    max_width: f32,
) -> std::sync::Arc<egui::Galley> {
    let job = std::sync::Arc::unwrap_or_clone(text.into_layout_job(
        ui.style(),
        egui::FontSelection::Default,
        egui::Align::Center,
    ));
    let layout = |job: egui::text::LayoutJob| ui.ctx().fonts_mut(|fonts| fonts.layout_job(job));
    let mut whole = job.clone();
    whole.wrap = egui::text::TextWrapping::no_max_width();
    let whole = layout(whole);
    if whole.size().x <= max_width {
        return whole;
    }
    // Where a word ends: before each space that follows a non-space.
    let ends: Vec<usize> = job
        .text
        .char_indices()
        .filter(|&(i, c)| c == ' ' && i > 0 && !job.text[..i].ends_with(' '))
        .map(|(i, _)| i)
        .collect();
    let cut_at = |end: usize| {
        let mut cut = job.clone();
        cut.text = format!("{}…", &job.text[..end]);
        let len = cut.text.len();
        for section in &mut cut.sections {
            let range = &mut section.byte_range;
            range.start = egui::epaint::text::ByteIndex(range.start.0.min(end));
            range.end = egui::epaint::text::ByteIndex(range.end.0.min(end));
        }
        if let Some(last) = cut.sections.last_mut() {
            last.byte_range.end = egui::epaint::text::ByteIndex(len);
        }
        cut.wrap = egui::text::TextWrapping::no_max_width();
        let mut galley = layout(cut);
        std::sync::Arc::make_mut(&mut galley).elided = true;
        galley
    };
    // The longest prefix of whole words that fits with its "…" (the widths grow with the prefix).
    let (mut lo, mut hi) = (0usize, ends.len());
    let mut best = None;
    while lo < hi {
        let mid = (lo + hi) / 2;
        let galley = cut_at(ends[mid]);
        if galley.size().x <= max_width {
            best = Some(galley);
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    best.unwrap_or_else(|| {
        // Not even the first word fits: cut it where the line ends.
        let mut job = job;
        job.wrap = egui::text::TextWrapping::truncate_at_width(max_width);
        layout(job)
    })
}

/// The registry screen.
pub fn registry_ui(app: &mut DeskApp, ui: &mut Ui) {
    let filters = app.filters.clone();
    let Some(index) = app.index_mut() else { return };
    index.request(&filters);
    // A large registry is filtered on its own thread; look for the result again shortly.
    if !index.poll() {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(10));
    }
    if index.snapshot.sites.is_empty() {
        empty_registry_ui(app, ui);
        return;
    }
    toolbar_ui(app, ui);
    ui.separator();
    // A fixed width: selecting another row (a long address, a long stream URL) never moves the table's columns.
    egui::Panel::right("details")
        .resizable(false)
        .exact_size(DETAILS_WIDTH)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    ui.set_max_width(ui.available_width());
                    details_ui(app, ui)
                });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        // All columns stay reachable on a narrow window: the table scrolls sideways as a whole.
        egui::ScrollArea::horizontal()
            .id_salt("registry_table_h")
            .show(ui, |ui| table_ui(app, ui));
    });
}

fn empty_registry_ui(app: &mut DeskApp, ui: &mut Ui) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading(app.t("empty-title"));
        ui.label(app.t("empty-body"));
        ui.add_space(12.0);
        if let Some((_, fraction)) = app.task {
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(320.0)
                    .show_percentage(),
            );
            ui.label(app.t("task-demo"));
            return;
        }
        if ui
            .button(
                app.i18n
                    .tr_args("empty-load-demo", &[("cameras", DEMO_CAMERAS.to_string())]),
            )
            .on_hover_text(app.t("empty-load-demo-hint"))
            .clicked()
        {
            app.task = Some(("demo", 0.0));
            app.send(DeskCommand::LoadDemo {
                cameras: DEMO_CAMERAS,
                seed: 1,
            });
        }
        ui.add_space(6.0);
        if ui
            .button(app.t("action-add-site"))
            .on_hover_text(app.t("shortcut-keys-add-site"))
            .clicked()
        {
            app.form = Some(OpenForm::site(SiteForm::add()));
        }
    });
}

/// Width of a filter's combo box.
const COMBO_FILTER_WIDTH: f32 = 140.0;

/// A label and its control laid out as one block of known width, so a wrapping toolbar moves the pair to the
/// next line whole: it never ends a line with the label and starts the next with the control, and never squeezes
/// the pair into what is left of a line so that the control runs past the window's edge (what a nested
/// `horizontal` does).
pub(super) fn labelled_group<R>(
    ui: &mut Ui,
    label: &str,
    control_width: f32,
    add_contents: impl FnOnce(&mut Ui) -> R,
) -> R {
    let label_width = egui::WidgetText::from(label)
        .into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        )
        .size()
        .x;
    let size = egui::vec2(
        label_width + ui.spacing().item_spacing.x + control_width,
        ui.spacing().interact_size.y,
    );
    ui.allocate_ui_with_layout(
        size,
        egui::Layout::left_to_right(egui::Align::Center),
        add_contents,
    )
    .inner
}

pub(super) fn combo_filter<T: Clone + PartialEq>(
    ui: &mut Ui,
    id: &str,
    label: &str,
    any: &str,
    value: &mut Option<T>,
    options: &[(T, String)],
) {
    let selected = value
        .as_ref()
        .and_then(|v| options.iter().find(|(o, _)| o == v))
        .map_or_else(|| any.to_string(), |(_, name)| name.clone());
    // "Any" first, then the options, in one keyboard-driven chooser (type-to-find, Enter and Tab close it).
    let entries: Vec<(Option<T>, String)> = std::iter::once((None, any.to_string()))
        .chain(
            options
                .iter()
                .map(|(o, name)| (Some(o.clone()), name.clone())),
        )
        .collect();
    labelled_group(ui, label, COMBO_FILTER_WIDTH, |ui| {
        let label_id = ui.label(label).id;
        super::widgets::chooser_ui(ui, id, COMBO_FILTER_WIDTH, &selected, &entries, value)
            .labelled_by(label_id);
    });
}

/// The filters every screen shares: search text, owner category, ward, police station, health and (where rows
/// can be any stage) stage. `id` keeps each screen's combo boxes apart.
pub(super) fn filters_ui(
    ui: &mut Ui,
    i18n: &I18n,
    index: &RegistryIndex,
    filters: &mut crate::services::registry_index::Filters,
    id: &str,
    with_stage: bool,
) {
    if let Some(only) = &filters.only {
        // A box drawn on the map narrows every screen until it is cleared.
        let text = i18n.tr_args(
            "filter-only-selection",
            &[("count", only.len().to_string())],
        );
        ui.label(RichText::new(text).strong());
        if ui
            .small_button("×")
            .on_hover_text(i18n.tr("filter-only-clear"))
            .clicked()
        {
            filters.only = None;
        }
    }
    let search = i18n.tr("filter-search");
    labelled_group(ui, &search, 200.0, |ui| {
        let label = ui.label(&search).id;
        ui.add(
            egui::TextEdit::singleline(&mut filters.text)
                .hint_text(i18n.tr("filter-search-hint"))
                .desired_width(200.0),
        )
        .labelled_by(label);
    });
    let any = i18n.tr("filter-any");
    let named = |items: &[String]| -> Vec<(String, String)> {
        items.iter().map(|w| (w.clone(), w.clone())).collect()
    };
    let categories: Vec<(OwnerCategory, String)> = OwnerCategory::ALL
        .iter()
        .map(|c| (*c, i18n.tr(&c.i18n_key())))
        .collect();
    let healths: Vec<(crate::model::HealthState, String)> = crate::model::HealthState::ALL
        .iter()
        .map(|h| (*h, i18n.tr(&h.i18n_key())))
        .collect();
    combo_filter(
        ui,
        &format!("{id}_cat"),
        &i18n.tr("filter-category"),
        &any,
        &mut filters.category,
        &categories,
    );
    combo_filter(
        ui,
        &format!("{id}_ward"),
        &i18n.tr("field-ward"),
        &any,
        &mut filters.ward,
        &named(&index.wards),
    );
    combo_filter(
        ui,
        &format!("{id}_ps"),
        &i18n.tr("field-police-station"),
        &any,
        &mut filters.police_station,
        &named(&index.police_stations),
    );
    combo_filter(
        ui,
        &format!("{id}_health"),
        &i18n.tr("filter-health"),
        &any,
        &mut filters.health,
        &healths,
    );
    if with_stage {
        let stages: Vec<(IntegrationStage, String)> = IntegrationStage::ALL
            .iter()
            .map(|s| (*s, i18n.tr(&s.i18n_key())))
            .collect();
        combo_filter(
            ui,
            &format!("{id}_stage"),
            &i18n.tr("field-stage"),
            &any,
            &mut filters.stage,
            &stages,
        );
    }
}

fn toolbar_ui(app: &mut DeskApp, ui: &mut Ui) {
    let Some(index) = app.index() else { return };
    let mode = index.mode;
    let shown = index.rows.len();
    let filtering = index.is_filtering();
    let total = match mode {
        TableMode::Cameras => index.snapshot.cameras.len(),
        TableMode::Sites => index.snapshot.sites.len(),
    };
    let mut new_mode = mode;
    let mut filters = app.filters.clone();
    let mut add_site = false;
    ui.horizontal_wrapped(|ui| {
        let Some(index) = app.index() else { return };
        let i18n = &app.i18n;
        ui.selectable_value(
            &mut new_mode,
            TableMode::Cameras,
            i18n.tr("table-mode-cameras"),
        );
        ui.selectable_value(&mut new_mode, TableMode::Sites, i18n.tr("table-mode-sites"));
        ui.separator();
        filters_ui(ui, i18n, index, &mut filters, "f", true);
        if !filters.is_empty() && ui.button(i18n.tr("filter-clear")).clicked() {
            filters = Default::default();
        }
        ui.separator();
        if filtering {
            ui.spinner();
            ui.label(i18n.tr("table-filtering"));
        } else {
            ui.label(i18n.tr_args(
                "table-showing",
                &[("shown", shown.to_string()), ("total", total.to_string())],
            ));
        }
        ui.separator();
        // The shortcut is shown where the action is, so it is learnt by using the desk.
        add_site = ui
            .button(i18n.tr("action-add-site"))
            .on_hover_text(i18n.tr("shortcut-keys-add-site"))
            .clicked();
        ui.separator();
        super::exports::export_menu(app, ui, &[ExportList::Sites, ExportList::Cameras]);
    });
    app.filters = filters.clone();
    if let Some(index) = app.index_mut() {
        index.set_mode(new_mode, &filters);
        index.request(&filters);
    }
    if add_site {
        app.form = Some(OpenForm::site(SiteForm::add()));
    }
}

fn sort_header(
    ui: &mut Ui,
    i18n: &I18n,
    index: &RegistryIndex,
    column: SortColumn,
    key: &str,
) -> bool {
    let arrow = if index.sort == column {
        if index.ascending { " ⏶" } else { " ⏷" }
    } else {
        ""
    };
    let name = i18n.tr(key);
    // A narrow column elides its name with "…" (never cut mid-letter); the whole name is in the tooltip.
    ui.add(
        egui::Button::new(RichText::new(format!("{name}{arrow}")).strong())
            .frame(false)
            .truncate(),
    )
    .on_hover_text(format!("{name}\n{}", i18n.tr("table-sort-hint")))
    .clicked()
}

/// A column of the table: what a click on its header sorts by (`None`: not sortable), its name's key, and its
/// share of the width when the table first opens.
struct TableColumn {
    sort: Option<SortColumn>,
    key: &'static str,
    share: f32,
}

const fn col(sort: SortColumn, key: &'static str, share: f32) -> TableColumn {
    TableColumn {
        sort: Some(sort),
        key,
        share,
    }
}

/// The cameras table's columns; the last one takes what is left.
const CAMERA_COLUMNS: [TableColumn; 9] = [
    col(SortColumn::Site, "col-site", 0.17),
    col(SortColumn::Camera, "col-camera", 0.12),
    col(SortColumn::Category, "col-category", 0.11),
    col(SortColumn::Stage, "col-stage", 0.10),
    // Health changes while the operator reads the table, so rows are not re-ordered by it (the wall does that).
    TableColumn {
        sort: None,
        key: "col-health",
        share: 0.10,
    },
    col(SortColumn::Area, "col-area", 0.09),
    col(SortColumn::Ward, "col-ward", 0.10),
    col(SortColumn::PoliceStation, "col-police-station", 0.09),
    col(SortColumn::Updated, "col-updated", 0.12),
];

/// The sites table's columns; the last one takes what is left.
const SITE_COLUMNS: [TableColumn; 8] = [
    col(SortColumn::Site, "col-site", 0.22),
    col(SortColumn::Category, "col-category", 0.13),
    col(SortColumn::Priority, "col-priority", 0.10),
    col(SortColumn::Cameras, "col-cameras", 0.08),
    col(SortColumn::Integrated, "col-integrated", 0.09),
    col(SortColumn::Ward, "col-ward", 0.13),
    col(SortColumn::PoliceStation, "col-police-station", 0.11),
    col(SortColumn::Updated, "col-updated", 0.14),
];

/// Narrowest a column may be dragged: a few letters and the "…".
const MIN_COLUMN_WIDTH: f32 = 48.0;
/// Height of the header row.
const HEADER_HEIGHT: f32 = 26.0;
/// Width of the table's scroll bar: solid and always shown, so the operator sees how far down the list they are.
const SCROLL_BAR_WIDTH: f32 = 12.0;

/// Which row the keyboard asks for, given the current one, the row count and a page of rows. Down / Up move one
/// row, PageDown / PageUp a page, Home / End to the first / last row; nothing selected yet starts at the top.
fn next_row(key: egui::Key, current: Option<usize>, rows: usize, page: usize) -> Option<usize> {
    use egui::Key;
    let last = rows.checked_sub(1)?;
    let Some(i) = current else {
        return Some(if key == Key::End { last } else { 0 });
    };
    let next = match key {
        Key::ArrowDown => i.saturating_add(1),
        Key::ArrowUp => i.saturating_sub(1),
        Key::PageDown => i.saturating_add(page),
        Key::PageUp => i.saturating_sub(page),
        Key::Home => 0,
        Key::End => last,
        _ => return None,
    };
    Some(next.min(last))
}

/// Keys that move the table's selection.
const TABLE_KEYS: [egui::Key; 6] = [
    egui::Key::ArrowDown,
    egui::Key::ArrowUp,
    egui::Key::PageDown,
    egui::Key::PageUp,
    egui::Key::Home,
    egui::Key::End,
];

/// Arrow, page, Home and End keys move the selection through the visible rows (when no widget has the
/// keyboard, so typing in a field is never taken); returns the row to scroll to. `page` is how many rows the
/// table shows at once.
fn keyboard_selection(app: &mut DeskApp, ui: &Ui, page: usize) -> Option<usize> {
    if app.form.is_some() || ui.ctx().memory(|m| m.focused().is_some()) {
        return None;
    }
    let key = ui.input(|i| TABLE_KEYS.into_iter().find(|&k| i.key_pressed(k)))?;
    let index = app.index()?;
    let current = match index.mode {
        TableMode::Cameras => app.selection.camera.and_then(|id| {
            index
                .rows
                .iter()
                .position(|&r| index.snapshot.cameras[r as usize].id == id)
        }),
        TableMode::Sites => app.selection.site.and_then(|id| {
            index
                .rows
                .iter()
                .position(|&r| index.snapshot.sites[r as usize].id == id)
        }),
    };
    let next = next_row(key, current, index.rows.len(), page)?;
    let row = index.rows[next] as usize;
    match index.mode {
        TableMode::Cameras => {
            let id = index.snapshot.cameras[row].id;
            app.select_camera(id);
        }
        TableMode::Sites => {
            let id = index.snapshot.sites[row].id;
            app.selection = Selection {
                site: Some(id),
                camera: None,
            };
        }
    }
    Some(next)
}

/// What the table's header and rows read while they are drawn, in one place so each drawing step takes one
/// argument.
struct TableContext<'a> {
    index: &'a RegistryIndex,
    i18n: &'a I18n,
    visuals: &'a egui::Visuals,
    selection: Selection,
}

/// Clicks in the table, applied once it is drawn: the table borrows the index and the selection they change.
#[derive(Default)]
struct TableClicks {
    sort: Option<SortColumn>,
    site: Option<crate::model::SiteId>,
    camera: Option<crate::model::CameraId>,
}

fn table_ui(app: &mut DeskApp, ui: &mut Ui) {
    // Rows the body shows at once: the height below the header (and the sideways scroll bar) over a row's pitch.
    let row_pitch = ROW_HEIGHT + ui.spacing().item_spacing.y;
    let body_height = ui.available_height() - HEADER_HEIGHT - 2.0 * SCROLL_BAR_WIDTH;
    let page = ((body_height / row_pitch).floor() as usize)
        .saturating_sub(1)
        .max(1);
    let scroll_to = keyboard_selection(app, ui, page);
    let Some(index) = app.index() else { return };
    let i18n = &app.i18n;
    if index.rows.is_empty() && !index.is_filtering() {
        ui.add_space(30.0);
        ui.vertical_centered(|ui| ui.label(RichText::new(i18n.tr("table-no-match")).weak()));
        return;
    }
    let mut clicks = TableClicks::default();
    let columns: &[TableColumn] = match index.mode {
        TableMode::Cameras => &CAMERA_COLUMNS,
        TableMode::Sites => &SITE_COLUMNS,
    };
    let visuals = ui.visuals().clone();
    let cx = TableContext {
        index,
        i18n,
        visuals: &visuals,
        selection: app.selection,
    };
    table_builder(ui, index.mode, columns, scroll_to)
        .header(HEADER_HEIGHT, |mut header| {
            for c in columns {
                header.col(|ui| table_header_cell_ui(ui, &cx, c, &mut clicks));
            }
        })
        .body(|body| {
            let snap = &index.snapshot;
            // Only the rows in view are laid out, however many there are (200,000 cameras stay smooth).
            body.rows(ROW_HEIGHT, index.rows.len(), |mut row| {
                let i = index.rows[row.index()] as usize;
                match index.mode {
                    TableMode::Cameras => {
                        camera_row_ui(&mut row, &cx, &snap.cameras[i], &mut clicks)
                    }
                    TableMode::Sites => site_row_ui(&mut row, &cx, &snap.sites[i], &mut clicks),
                }
            });
        });
    if let Some(column) = clicks.sort {
        let filters = app.filters.clone();
        if let Some(index) = app.index_mut() {
            index.sort_by(column, &filters);
        }
    }
    if let Some(id) = clicks.camera {
        app.select_camera(id);
    }
    if let Some(id) = clicks.site {
        app.selection = Selection {
            site: Some(id),
            camera: None,
        };
    }
}

/// The table's frame: columns sharing out the width, a solid scroll bar, and the row to scroll to.
fn table_builder<'a>(
    ui: &'a mut Ui,
    mode: TableMode,
    columns: &[TableColumn],
    scroll_to: Option<usize>,
) -> TableBuilder<'a> {
    // First widths share out the width there is, so every column fits when the table opens; each can then be
    // dragged wider or narrower (the table scrolls sideways when they no longer fit).
    let spacing = ui.spacing().item_spacing.x * (columns.len() - 1) as f32;
    let width = (ui.available_width() - spacing - SCROLL_BAR_WIDTH).max(0.0);
    // A solid bar, always drawn, that takes its own room beside the last column (never floats over its text).
    ui.spacing_mut().scroll = egui::style::ScrollStyle {
        bar_width: SCROLL_BAR_WIDTH,
        ..egui::style::ScrollStyle::solid()
    };
    let mut builder = TableBuilder::new(ui)
        .id_salt(("registry_table", mode == TableMode::Sites))
        .striped(true)
        .sense(egui::Sense::click())
        .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
        // A key's row is shown at once: an animated scroll draws frame after frame (slow on software rendering).
        .animate_scrolling(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for c in &columns[..columns.len() - 1] {
        builder = builder.column(
            Column::initial((width * c.share).max(MIN_COLUMN_WIDTH))
                .at_least(MIN_COLUMN_WIDTH)
                .clip(true)
                .resizable(true),
        );
    }
    builder = builder.column(Column::remainder().at_least(MIN_COLUMN_WIDTH).clip(true));
    if let Some(row) = scroll_to {
        builder = builder.scroll_to_row(row, None);
    }
    builder
}

/// One column's header: a sort button where the column sorts, else its name.
fn table_header_cell_ui(ui: &mut Ui, cx: &TableContext, c: &TableColumn, clicks: &mut TableClicks) {
    match c.sort {
        Some(column) => {
            if sort_header(ui, cx.i18n, cx.index, column, c.key) {
                clicks.sort = Some(column);
            }
        }
        None => {
            let name = cx.i18n.tr(c.key);
            ui.add(egui::Label::new(RichText::new(&name).strong()).truncate())
                .on_hover_text(name);
        }
    }
}

/// One camera's row, in the order of [`CAMERA_COLUMNS`].
fn camera_row_ui(
    row: &mut egui_extras::TableRow,
    cx: &TableContext,
    c: &CameraRecord,
    clicks: &mut TableClicks,
) {
    let (index, i18n, visuals) = (cx.index, cx.i18n, cx.visuals);
    let site = index.site(c.site_id);
    let selected = cx.selection.camera == Some(c.id);
    row.set_selected(selected);
    row.col(|ui| {
        let name = site.map_or_else(String::new, |s| s.site.display_name());
        if name_cell(ui, selected, name).clicked() {
            clicks.camera = Some(c.id);
        }
    });
    row.col(|ui| cell(ui, c.camera.label.as_str()));
    row.col(|ui| {
        cell(
            ui,
            site.map_or_else(String::new, |s| i18n.tr(&s.site.owner_category.i18n_key())),
        )
    });
    row.col(|ui| {
        cell(
            ui,
            RichText::new(i18n.tr(&c.counted_stage().i18n_key())).color(stage_text_colour(
                c.counted_stage(),
                visuals,
                selected,
            )),
        )
    });
    row.col(|ui| {
        let health = index.health_state(c.id);
        cell(
            ui,
            RichText::new(i18n.tr(&health.i18n_key()))
                .color(health_text_colour(health, visuals, selected)),
        )
    });
    row.col(|ui| cell(ui, i18n.tr(&c.camera.area_watched.i18n_key())));
    row.col(|ui| cell(ui, site.map_or("", |s| s.site.ward.as_str())));
    row.col(|ui| cell(ui, site.map_or("", |s| s.site.police_station.as_str())));
    row.col(|ui| cell(ui, ist_datetime(c.updated_unix_s)));
    if row.response().clicked() {
        clicks.camera = Some(c.id);
    }
}

/// One site's row, in the order of [`SITE_COLUMNS`].
fn site_row_ui(
    row: &mut egui_extras::TableRow,
    cx: &TableContext,
    s: &SiteRecord,
    clicks: &mut TableClicks,
) {
    let i18n = cx.i18n;
    let counts = cx.index.site_counts(s.id);
    let selected = cx.selection.site == Some(s.id);
    row.set_selected(selected);
    row.col(|ui| {
        let name = s.site.display_name();
        if name_cell(ui, selected, name).clicked() {
            clicks.site = Some(s.id);
        }
    });
    row.col(|ui| cell(ui, i18n.tr(&s.site.owner_category.i18n_key())));
    row.col(|ui| cell(ui, i18n.tr(&s.site.priority.i18n_key())));
    row.col(|ui| cell(ui, counts.cameras.to_string()));
    row.col(|ui| cell(ui, counts.integrated.to_string()));
    row.col(|ui| cell(ui, s.site.ward.as_str()));
    row.col(|ui| cell(ui, s.site.police_station.as_str()));
    row.col(|ui| cell(ui, ist_datetime(s.updated_unix_s)));
    if row.response().clicked() {
        clicks.site = Some(s.id);
    }
}

/// Width of the details panel's name column. Fixed, so a row is laid out in the very frame it is drawn: a
/// `Grid` measures its columns from the frame before and asks for two more frames whenever the selection
/// changes (each frame tens of ms of CPU on software rendering).
const DETAILS_KEY_WIDTH: f32 = 120.0;

/// One row of the details panel: the field's name (wrapping within its column) and its value.
fn details_row(ui: &mut Ui, name: String, value: impl Into<egui::WidgetText>) {
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(
            egui::vec2(DETAILS_KEY_WIDTH, 0.0),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(DETAILS_KEY_WIDTH);
                ui.add(egui::Label::new(RichText::new(name).weak()).wrap());
            },
        );
        // Long values (addresses, stream URLs) wrap inside the fixed panel instead of widening it.
        ui.add(egui::Label::new(value).wrap());
    });
}

fn kv(ui: &mut Ui, i18n: &I18n, key: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    details_row(ui, i18n.tr(key), value);
}

fn details_ui(app: &mut DeskApp, ui: &mut Ui) {
    let Some(index) = app.index() else { return };
    let Some(site) = app.selection.site.and_then(|id| index.site(id)).cloned() else {
        ui.add_space(20.0);
        ui.label(RichText::new(app.t("details-none")).weak());
        return;
    };
    let cameras: Vec<CameraRecord> = index.cameras_of(site.id).cloned().collect();
    let is_demo = index.snapshot.is_demo;
    site_details_ui(app, ui, &site, is_demo);
    ui.separator();
    ui.horizontal(|ui| {
        ui.heading(
            app.i18n
                .tr_args("details-cameras", &[("count", cameras.len().to_string())]),
        );
        if ui
            .button(app.t("action-add-camera"))
            .on_hover_text(app.t("shortcut-keys-add-camera"))
            .clicked()
        {
            app.form = Some(OpenForm::camera(CameraForm::add(
                site.id,
                site.site.display_name(),
                site.site.lat_deg,
                site.site.lon_deg,
            )));
        }
    });
    for c in &cameras {
        let selected = app.selection.camera == Some(c.id);
        let text = RichText::new(format!(
            "{} — {}",
            c.camera.label,
            app.t(&c.counted_stage().i18n_key())
        ))
        .color(stage_text_colour(c.counted_stage(), ui.visuals(), selected));
        if ui.add(egui::Button::selectable(selected, text)).clicked() {
            app.select_camera(c.id);
        }
    }
    if let Some(camera) = app
        .selection
        .camera
        .and_then(|id| cameras.iter().find(|c| c.id == id))
    {
        ui.separator();
        camera_details_ui(app, ui, camera, &site);
    }
}

fn site_details_ui(app: &mut DeskApp, ui: &mut Ui, site: &SiteRecord, is_demo: bool) {
    let i18n = &app.i18n;
    if is_demo {
        ui.label(
            RichText::new(format!(" {} ", i18n.tr("demo-badge")))
                .color(Color32::WHITE)
                .background_color(DEMO_COLOUR)
                .small(),
        );
    }
    ui.heading(&site.site.name_en);
    if !site.site.name_hi.is_empty() {
        ui.label(RichText::new(&site.site.name_hi).size(16.0));
    }
    ui.vertical(|ui| {
        kv(
            ui,
            i18n,
            "site-owner-category",
            &i18n.tr(&site.site.owner_category.i18n_key()),
        );
        if site.site.priority != crate::model::Priority::None {
            kv(
                ui,
                i18n,
                "site-priority",
                &i18n.tr(&site.site.priority.i18n_key()),
            );
        }
        kv(ui, i18n, "field-contact-person", &site.site.contact_person);
        kv(ui, i18n, "field-phone", &site.site.phone);
        kv(ui, i18n, "field-address", &site.site.address);
        kv(ui, i18n, "field-ward", &site.site.ward);
        kv(ui, i18n, "field-police-station", &site.site.police_station);
        kv(
            ui,
            i18n,
            "details-location",
            &format!("{:.5}, {:.5}", site.site.lat_deg, site.site.lon_deg),
        );
        kv(ui, i18n, "field-notes", &site.site.notes);
        kv(
            ui,
            i18n,
            "details-updated",
            &format!(
                "{} · {}",
                ist_datetime(site.updated_unix_s),
                site.updated_by
            ),
        );
    });
    if ui.button(i18n.tr("action-edit-site")).clicked() {
        app.form = Some(OpenForm::site(SiteForm::edit(site)));
    }
}

fn camera_details_ui(app: &mut DeskApp, ui: &mut Ui, c: &CameraRecord, site: &SiteRecord) {
    let i18n = &app.i18n;
    ui.heading(&c.camera.label);
    ui.label(
        RichText::new(i18n.tr(&c.counted_stage().i18n_key()))
            .strong()
            .color(stage_text_colour(c.counted_stage(), ui.visuals(), false)),
    );
    let health = app
        .index()
        .map_or(HealthState::NotProbed, |i| i.health_state(c.id));
    if let Some(reason) = c.block_reason {
        ui.label(i18n.tr_args(
            "details-blocked-because",
            &[("reason", i18n.tr(&reason.i18n_key()))],
        ));
    }
    ui.vertical(|ui| {
        let health_colour = health_text_colour(health, ui.visuals(), false);
        details_row(
            ui,
            i18n.tr("col-health"),
            RichText::new(i18n.tr(&health.i18n_key())).color(health_colour),
        );
        kv(
            ui,
            i18n,
            "field-area-watched",
            &i18n.tr(&c.camera.area_watched.i18n_key()),
        );
        kv(
            ui,
            i18n,
            "details-location",
            &format!("{:.5}, {:.5}", c.camera.lat_deg, c.camera.lon_deg),
        );
        if let Some(b) = c.camera.bearing_deg {
            kv(ui, i18n, "field-bearing", &format!("{b:.0}"));
        }
        if let Some(f) = c.camera.fov_deg {
            kv(ui, i18n, "field-fov", &format!("{f:.0}"));
        }
        if let Some(r) = c.camera.range_m {
            kv(ui, i18n, "field-range", &format!("{r:.0}"));
        }
        match &c.camera.kind {
            crate::model::CameraKind::Ip => kv(ui, i18n, "camera-kind", &i18n.tr("camera-kind-ip")),
            crate::model::CameraKind::Analogue { nvr_host, channel } => {
                kv(ui, i18n, "camera-kind", &i18n.tr("camera-kind-analogue"));
                kv(ui, i18n, "field-nvr-host", nvr_host);
                kv(ui, i18n, "field-nvr-channel", &channel.to_string());
            }
        }
        kv(ui, i18n, "field-make", &c.camera.make);
        kv(ui, i18n, "field-model", &c.camera.model);
        kv(ui, i18n, "field-stream-url", &c.camera.stream_url);
        kv(ui, i18n, "field-snapshot-url", &c.camera.snapshot_url);
        kv(ui, i18n, "field-username", &c.camera.username);
        let password = match c.password {
            PasswordState::None => i18n.tr("password-state-none"),
            PasswordState::Stored => i18n.tr("password-state-stored"),
            PasswordState::MustReenter => i18n.tr("password-state-reenter"),
        };
        kv(ui, i18n, "field-password", &password);
        kv(
            ui,
            i18n,
            "details-updated",
            &format!("{} · {}", ist_datetime(c.updated_unix_s), c.updated_by),
        );
    });
    ui.horizontal(|ui| {
        if ui.button(i18n.tr("action-edit-camera")).clicked() {
            app.form = Some(OpenForm::camera(CameraForm::edit(
                c,
                site.site.display_name(),
            )));
        }
        if ui.button(i18n.tr("action-change-stage")).clicked() {
            app.form = Some(OpenForm::stage(StageForm::new(
                c,
                format!("{} — {}", c.camera.label, site.site.display_name()),
            )));
        }
    });
    ui.add_space(6.0);
    ui.label(RichText::new(app.t("details-history")).strong());
    match &app.history {
        // One label for the whole history, in the place of the "Loading…" one: when the worker's answer comes,
        // no widget is new, so egui draws no further frame to style it.
        Some(h) if h.camera_id == c.id => {
            let mut lines = Vec::with_capacity(h.events.len());
            for e in h.events.iter().rev() {
                let from = e
                    .from_stage
                    .map(|s| format!("{} » ", app.t(&s.i18n_key())))
                    .unwrap_or_default();
                let mut line = format!(
                    "{} · {} · {from}{}",
                    ist_datetime(e.at_unix_s),
                    e.by_user,
                    app.t(&e.to_stage.i18n_key())
                );
                if let Some(r) = e.block_reason {
                    line.push_str(&format!(" ({})", app.t(&r.i18n_key())));
                }
                if !e.note.is_empty() {
                    line.push_str(&format!(" — {}", e.note));
                }
                lines.push(line);
            }
            ui.label(lines.join("\n"));
        }
        // Words, not a spinner: a spinner is drawn again every frame until the history comes, and the worker's
        // answer wakes the window anyway.
        _ => {
            ui.label(RichText::new(app.t("details-history-loading")).weak());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell too narrow for its text ends in "…" after a whole word, never inside one.
    #[test]
    fn a_cell_is_cut_between_words() {
        let ctx = egui::Context::default();
        let mut shown = Vec::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            for width in [60.0, 90.0, 130.0, 170.0] {
                let galley =
                    one_line_at_words(ui, "Jeevan Jyoti Nursing Home, Sipri Bazar".into(), width);
                // What is drawn: the glyphs of the one row, "…" included.
                let drawn: String = galley
                    .rows
                    .iter()
                    .flat_map(|r| r.glyphs.iter().map(|g| g.chr))
                    .collect();
                shown.push((width, drawn, galley.elided));
            }
        });
        // No renderer here to take the font atlas.
        output.textures_delta.clear();
        let words = ["Jeevan", "Jyoti", "Nursing", "Home,", "Sipri", "Bazar"];
        for (width, text, elided) in shown {
            assert!(elided, "{width}: {text}");
            let kept = text.trim_end_matches('…').trim_end();
            assert!(!kept.is_empty(), "{width}: something is shown");
            for word in kept.split(' ') {
                assert!(
                    words.contains(&word),
                    "{width}: {text:?} cuts the word {word:?}"
                );
            }
        }
    }

    #[test]
    fn table_keys_move_by_one_by_a_page_and_to_either_end() {
        use egui::Key;
        let rows = 100;
        let page = 30;
        assert_eq!(next_row(Key::ArrowDown, None, rows, page), Some(0));
        assert_eq!(next_row(Key::End, None, rows, page), Some(99));
        assert_eq!(next_row(Key::ArrowDown, Some(5), rows, page), Some(6));
        assert_eq!(next_row(Key::ArrowUp, Some(0), rows, page), Some(0));
        assert_eq!(next_row(Key::PageDown, Some(5), rows, page), Some(35));
        assert_eq!(next_row(Key::PageDown, Some(80), rows, page), Some(99));
        assert_eq!(next_row(Key::PageUp, Some(20), rows, page), Some(0));
        assert_eq!(next_row(Key::Home, Some(50), rows, page), Some(0));
        assert_eq!(next_row(Key::End, Some(50), rows, page), Some(99));
        assert_eq!(
            next_row(Key::End, None, 0, page),
            None,
            "no rows, nothing to select"
        );
        assert_eq!(next_row(Key::A, Some(3), rows, page), None);
    }

    #[test]
    fn contrast_ratio_matches_wcag_examples() {
        assert!((contrast_ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic "just AA" grey.
        let grey = Color32::from_rgb(0x76, 0x76, 0x76);
        assert!((contrast_ratio(grey, Color32::WHITE) - 4.54).abs() < 0.01);
    }

    /// Every stage's and health state's words read at WCAG AA (4.5:1) on plain, striped and selected rows, in both themes.
    #[test]
    fn stage_and_health_colours_are_readable_on_every_row_background_in_both_themes() {
        for (theme, visuals) in [
            ("light", egui::Visuals::light()),
            ("dark", egui::Visuals::dark()),
        ] {
            for (row, background) in [
                ("plain", visuals.panel_fill),
                // The stripe is added on top of the panel colour.
                (
                    "striped",
                    additive(visuals.panel_fill, visuals.faint_bg_color),
                ),
                ("selected", visuals.selection.bg_fill),
            ] {
                for stage in IntegrationStage::ALL {
                    let selected = row == "selected";
                    let colour = stage_text_colour(stage, &visuals, selected);
                    let ratio = contrast_ratio(colour, background);
                    assert!(
                        ratio >= 4.5,
                        "{stage:?} on a {row} row, {theme} theme: {ratio:.2}:1 ({colour:?} on {background:?})"
                    );
                }
                for state in HealthState::ALL {
                    let colour = health_text_colour(state, &visuals, row == "selected");
                    let ratio = contrast_ratio(colour, background);
                    assert!(
                        ratio >= 4.5,
                        "{state:?} on a {row} row, {theme} theme: {ratio:.2}:1 ({colour:?} on {background:?})"
                    );
                }
            }
        }
    }
}
