//! The camera wall: the operator's main screen. Tiles of the configured and integrated cameras with their last
//! snapshot and the health the desk measured itself, in VMS-like layouts; only visible tiles cost anything.
//! A click selects (details on the right), a double-click or Enter fills the wall with one tile, Esc returns;
//! arrow keys move. Health changes are announced in a small list without taking the keyboard.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use egui::{Color32, CornerRadius, Rect, RichText, Sense, Stroke, TextureHandle, Ui, Vec2};

use super::DeskApp;
use super::task::{self, TaskHandle};
use crate::i18n::I18n;
use crate::model::{CameraId, HealthState, IntegrationStage, ist_datetime};
use crate::services::health::monitor::MonitorCommand;
use crate::services::health::probe::finding_text;
use crate::services::health::thumbs::ThumbDecoder;
use crate::services::registry_index::{Filters, RegistryIndex, WallOrder};
use crate::services::registry_worker::DeskCommand;
use crate::store::{HealthRecord, HealthRun, uptime_pct};

/// Snapshot JPEGs kept in memory (about 10 KB each).
const MAX_JPEGS: usize = 1_000;
/// Decoded thumbnails kept as textures (230 KB each at 320×180): a 6×6 wall and the rows just scrolled past;
/// further back they are decoded again from the JPEG, off the UI thread.
const MAX_TEXTURES: usize = 64;
/// Status changes kept for the announcement list.
const MAX_EVENTS: usize = 50;
/// Longest wait before health changes re-order the wall.
const HEALTH_REORDER: std::time::Duration = std::time::Duration::from_secs(2);
/// Seconds between probes of a working camera (used for uptime's last run).
pub const PROBE_INTERVAL_S: i64 = 60;

/// Tile layouts, as on a video-management wall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WallLayout {
    Grid(usize),
    List,
}

impl WallLayout {
    pub const ALL: [WallLayout; 6] = [
        Self::Grid(1),
        Self::Grid(2),
        Self::Grid(3),
        Self::Grid(4),
        Self::Grid(6),
        Self::List,
    ];

    fn name(self, i18n: &I18n) -> String {
        match self {
            Self::Grid(n) => format!("{n}×{n}"),
            Self::List => i18n.tr("wall-layout-list"),
        }
    }
}

/// A status change to announce.
#[derive(Debug, Clone)]
pub struct WallEvent {
    pub camera_id: CameraId,
    pub text: String,
    pub state: HealthState,
}

/// One camera's picture in the cache.
struct CachedJpeg {
    jpeg: Arc<Vec<u8>>,
    /// Bumped when a newer picture arrives, so a decode of the older one is dropped.
    version: u64,
    /// The frame the tile was last on screen (0: not shown since the picture came).
    shown_frame: u64,
}

/// Thumbnails: JPEG bytes from the prober or the registry, decoded off the UI thread into textures only for
/// tiles in view. While a big registry is swept, pictures arrive for cameras far from the screen many times a
/// second; those are dropped first, so the tiles in view keep theirs.
#[derive(Default)]
pub struct ThumbCache {
    jpeg: HashMap<CameraId, CachedJpeg>,
    textures: HashMap<CameraId, (TextureHandle, u64)>,
    /// Asked of the registry and not answered with a picture (asked again once a probe brings one or the
    /// picture is dropped).
    requested: HashSet<CameraId>,
    /// Sent to the decoder, with the version asked for.
    decoding: HashMap<CameraId, u64>,
    decoder: Option<ThumbDecoder>,
    next_version: u64,
    frame: u64,
}

impl ThumbCache {
    pub fn insert_jpeg(&mut self, id: CameraId, jpeg: Arc<Vec<u8>>) {
        self.next_version += 1;
        let shown_frame = self.jpeg.get(&id).map_or(0, |c| c.shown_frame);
        self.jpeg.insert(
            id,
            CachedJpeg {
                jpeg,
                version: self.next_version,
                shown_frame,
            },
        );
        self.requested.remove(&id);
        // A newer picture replaces the texture on its next showing.
        self.textures.remove(&id);
        if self.jpeg.len() > MAX_JPEGS + MAX_JPEGS / 8 {
            self.drop_least_recently_shown();
        }
    }

    /// Back to `MAX_JPEGS`: the pictures not on screen for the longest go (in batches, so a flood of pictures
    /// costs one sort per batch).
    fn drop_least_recently_shown(&mut self) {
        let mut by_shown: Vec<(u64, u64, CameraId)> = self
            .jpeg
            .iter()
            .map(|(id, c)| (c.shown_frame, c.version, *id))
            .collect();
        by_shown.sort_unstable();
        let excess = self.jpeg.len().saturating_sub(MAX_JPEGS);
        for (_, _, id) in by_shown.into_iter().take(excess) {
            self.jpeg.remove(&id);
            self.textures.remove(&id);
            self.requested.remove(&id);
        }
    }

    /// Pictures held (for tests and the benchmark).
    pub fn len(&self) -> usize {
        self.jpeg.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jpeg.is_empty()
    }

    pub fn contains(&self, id: CameraId) -> bool {
        self.jpeg.contains_key(&id)
    }

    fn begin_frame(&mut self, ctx: &egui::Context) {
        self.frame += 1;
        if self.decoder.is_none() {
            let repaint = ctx.clone();
            self.decoder = ThumbDecoder::start(Arc::new(move || repaint.request_repaint())).ok();
        }
        // Finished pictures become textures (an upload, no decoding here).
        let finished: Vec<_> = self
            .decoder
            .as_ref()
            .map(|d| d.finished().collect())
            .unwrap_or_default();
        for picture in finished {
            let id = picture.camera_id;
            if self.decoding.get(&id) == Some(&picture.version) {
                self.decoding.remove(&id);
            }
            let current = self.jpeg.get(&id).map(|c| c.version);
            if current != Some(picture.version) || picture.rgba.is_empty() {
                // Stale (a newer picture came meanwhile) or not a picture: the placeholder stays.
                continue;
            }
            let image = egui::ColorImage::from_rgba_unmultiplied(
                [picture.width_px, picture.height_px],
                &picture.rgba,
            );
            let tex = ctx.load_texture(format!("thumb-{id}"), image, egui::TextureOptions::LINEAR);
            self.textures.insert(id, (tex, self.frame));
        }
        if self.textures.len() > MAX_TEXTURES {
            let mut by_age: Vec<(CameraId, u64)> =
                self.textures.iter().map(|(id, (_, f))| (*id, *f)).collect();
            by_age.sort_by_key(|(_, f)| *f);
            for (id, _) in by_age.into_iter().take(self.textures.len() - MAX_TEXTURES) {
                self.textures.remove(&id);
            }
        }
    }

    /// The texture of a tile in view, if decoded; otherwise asks the decoder for it. `missing` collects cameras
    /// whose picture must first be read from the registry.
    fn texture(&mut self, id: CameraId, missing: &mut Vec<CameraId>) -> Option<TextureHandle> {
        let Some(cached) = self.jpeg.get_mut(&id) else {
            if self.requested.insert(id) {
                missing.push(id);
            }
            return None;
        };
        cached.shown_frame = self.frame;
        if let Some((tex, used)) = self.textures.get_mut(&id) {
            *used = self.frame;
            return Some(tex.clone());
        }
        if self.decoding.get(&id) != Some(&cached.version)
            && let Some(decoder) = &self.decoder
        {
            decoder.request(id, cached.version, cached.jpeg.clone());
            self.decoding.insert(id, cached.version);
        }
        None
    }
}

/// Holds the wall's answers back until released (tests: what the wall says before its first answer, as an
/// operator sees it for the seconds a 200,000-camera registry takes).
#[derive(Clone, Default)]
pub struct HeldAnswers(Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>);

impl HeldAnswers {
    /// Lets every held answer (and any later one) through.
    pub fn release(&self) {
        let (released, cv) = &*self.0;
        *released.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cv.notify_all();
    }

    /// Waits until released, or until the job is no longer wanted.
    fn wait(&self, task: &task::TaskContext) {
        let (released, cv) = &*self.0;
        let mut done = released.lock().unwrap_or_else(|e| e.into_inner());
        while !*done && !task.is_cancelled() {
            done = cv
                .wait_timeout(done, std::time::Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// Wall rows computed on a thread.
struct WallJob {
    rows: TaskHandle<Vec<u32>, std::convert::Infallible>,
    key: (Filters, WallOrder, u64),
}

/// What the wall remembers between frames.
pub struct WallState {
    pub layout: WallLayout,
    pub order: WallOrder,
    /// The camera that fills the wall (double-click / Enter), if any.
    pub maximized: Option<CameraId>,
    pub thumbs: ThumbCache,
    pub events: VecDeque<WallEvent>,
    /// Positions in `snapshot.cameras` shown, and what they were computed for.
    rows: Vec<u32>,
    rows_for: Option<(Filters, WallOrder, u64)>,
    rows_at: Option<std::time::Instant>,
    /// Rows being computed on a thread (big registries).
    job: Option<WallJob>,
    /// Tests: answers held back until released (computed on a thread, as for a big registry).
    held: Option<HeldAnswers>,
    /// Bumped when health changes, so problems-first order is recomputed.
    pub health_version: u64,
    /// Cameras whose health changed since the order shown was computed (the "N changed" button).
    changed_since_order: HashSet<CameraId>,
    /// Where the tiles were drawn last frame: a pointer there holds the order.
    tiles_rect: Option<Rect>,
    /// The operator asked for the new order (the "N changed" button).
    refresh_order: bool,
    /// Rate of the last finished sweep and the cameras it covered.
    pub probes_per_min: Option<f64>,
    pub scheduled: usize,
    /// The sweep under way: probed so far, due, rate so far.
    pub sweep_progress: Option<(usize, usize, f64)>,
    /// What went wrong with the prober, shown on the wall until a sweep completes again (a prober that stopped
    /// and restarts, or results held by a busy registry).
    pub prober_trouble: Option<String>,
    pub runs: Option<(CameraId, Vec<HealthRun>)>,
    /// The selected camera's latest health in full (the index keeps only state and last seen for each camera).
    pub details_health: Option<HealthRecord>,
}

impl Default for WallState {
    fn default() -> Self {
        Self {
            layout: WallLayout::Grid(3),
            order: WallOrder::ProblemsFirst,
            maximized: None,
            thumbs: ThumbCache::default(),
            events: VecDeque::new(),
            rows: Vec::new(),
            rows_for: None,
            rows_at: None,
            job: None,
            held: None,
            health_version: 0,
            changed_since_order: HashSet::new(),
            tiles_rect: None,
            refresh_order: false,
            probes_per_min: None,
            scheduled: 0,
            sweep_progress: None,
            prober_trouble: None,
            runs: None,
            details_health: None,
        }
    }
}

impl WallState {
    /// Positions in the registry snapshot of the tiles shown, in their order.
    pub fn shown_rows(&self) -> &[u32] {
        &self.rows
    }

    /// Tests: the wall's answers wait until the returned handle is released.
    pub fn hold_answers(&mut self) -> HeldAnswers {
        let held = HeldAnswers::default();
        self.held = Some(held.clone());
        held
    }

    /// No answer has come yet for this registry: the wall is being worked out, not empty.
    fn is_loading(&self) -> bool {
        self.rows_for.is_none()
    }

    /// Announces health changes (newest first) and marks the order stale.
    pub fn on_changes(
        &mut self,
        index: &RegistryIndex,
        i18n: &I18n,
        changes: &[(CameraId, HealthState, HealthState)],
        now_unix_s: i64,
    ) {
        if changes.is_empty() {
            return;
        }
        self.health_version += 1;
        self.changed_since_order
            .extend(changes.iter().map(|&(id, _, _)| id));
        let now = now_unix_s;
        for &(id, before, after) in changes {
            // The first probe of a camera is not news.
            if before == HealthState::NotProbed {
                continue;
            }
            let Some(camera) = index.camera(id) else {
                continue;
            };
            let site = index
                .site(camera.site_id)
                .map_or_else(String::new, |s| s.site.display_name());
            let key = match after {
                HealthState::Online => "wall-event-online",
                HealthState::Offline => "wall-event-offline",
                HealthState::AuthFailed => "wall-event-auth-failed",
                _ => "wall-event-stream-error",
            };
            let time = ist_datetime(now);
            let text = i18n.tr_args(
                key,
                &[
                    ("site", site),
                    ("camera", camera.camera.label.clone()),
                    ("time", time.get(11..).unwrap_or(&time).to_string()),
                ],
            );
            self.events.push_front(WallEvent {
                camera_id: id,
                text,
                state: after,
            });
        }
        self.events.truncate(MAX_EVENTS);
    }
}

/// Colour that goes with a health state's words (never colour alone).
pub fn health_colour(state: HealthState) -> Color32 {
    match state {
        HealthState::Online => Color32::from_rgb(0x2E, 0x7D, 0x32),
        HealthState::Offline => Color32::from_rgb(0xC6, 0x28, 0x28),
        HealthState::AuthFailed => Color32::from_rgb(0xE6, 0x51, 0x00),
        HealthState::StreamError => Color32::from_rgb(0x8E, 0x24, 0xAA),
        HealthState::NotProbed => Color32::from_rgb(0x61, 0x61, 0x61),
    }
}

/// "3 min ago" style, in the current language.
pub fn ago(i18n: &I18n, now: i64, then: i64) -> String {
    let s = (now - then).max(0);
    let (key, n) = match s {
        0..60 => ("ago-seconds", s),
        60..3600 => ("ago-minutes", s / 60),
        3600..86_400 => ("ago-hours", s / 3600),
        _ => ("ago-days", s / 86_400),
    };
    i18n.tr_args(key, &[("n", n.to_string())])
}

fn badge(ui: &mut Ui, i18n: &I18n, state: HealthState) {
    egui::Frame::new()
        .fill(health_colour(state))
        .inner_margin(egui::Margin::symmetric(4, 1))
        .corner_radius(CornerRadius::same(3))
        .show(ui, |ui| {
            ui.label(
                RichText::new(i18n.tr(&state.i18n_key()))
                    .color(Color32::WHITE)
                    .strong(),
            );
        });
}

/// The badge of a demo camera nobody answers for.
fn not_simulated_badge(ui: &mut Ui, i18n: &I18n) {
    egui::Frame::new()
        .fill(Color32::from_gray(90))
        .inner_margin(egui::Margin::symmetric(4, 1))
        .corner_radius(CornerRadius::same(3))
        .show(ui, |ui| {
            ui.label(
                RichText::new(i18n.tr("wall-not-simulated"))
                    .color(Color32::WHITE)
                    .strong(),
            );
        });
}

/// Width of the wall's order box.
const SORT_COMBO_WIDTH: f32 = 140.0;

/// Whether health changes wait for the operator: the pointer is over the tiles or a tile is selected.
fn is_order_held(app: &DeskApp, ctx: &egui::Context) -> bool {
    let pointer_on_tiles = app
        .wall
        .tiles_rect
        .zip(ctx.input(|i| i.pointer.hover_pos()))
        .is_some_and(|(rect, pos)| rect.contains(pos));
    let selected_on_wall = app.selection.camera.is_some_and(|id| {
        app.index()
            .and_then(|index| index.camera_position(id))
            .is_some_and(|pos| app.wall.rows.contains(&pos))
    });
    pointer_on_tiles || selected_on_wall
}

/// The wall screen.
pub fn wall_ui(app: &mut DeskApp, ui: &mut Ui) {
    app.wall.thumbs.begin_frame(ui.ctx());
    toolbar_ui(app, ui);
    ui.separator();
    let held = is_order_held(app, ui.ctx());
    let refresh = std::mem::take(&mut app.wall.refresh_order);
    let Some(index) = app.index() else { return };
    let key = (app.filters.clone(), app.wall.order);
    let view_changed = app
        .wall
        .rows_for
        .as_ref()
        .is_none_or(|(f, o, _)| (f, o) != (&key.0, &key.1));
    let health_changed = app
        .wall
        .rows_for
        .as_ref()
        .is_some_and(|(_, _, v)| *v != app.wall.health_version);
    // Health changes re-order the wall at most every 2 s: a sweep over a big registry reports in many batches.
    let due = app
        .wall
        .rows_at
        .is_none_or(|t| app.clock.since(t) >= HEALTH_REORDER);
    // Tiles never move under the pointer or away from a selection (a double-click would open another camera):
    // the operator applies the new order with the "N changed" button.
    let wanted = (key.0, key.1, app.wall.health_version);
    let already_running = app.wall.job.as_ref().is_some_and(|j| j.key == wanted);
    let recompute =
        (view_changed || refresh || (health_changed && due && !held)) && !already_running;
    if recompute {
        let task = index.wall_rows_task(&wanted.0, wanted.1);
        if index.is_large() || app.wall.held.is_some() {
            // A big wall is filtered and sorted on a thread; the tiles shown stay until it answers.
            // A job for an older filter or order is replaced here, which drops (cancels) it.
            let held = app.wall.held.clone();
            app.wall.job = Some(WallJob {
                rows: task::spawn(ui.ctx(), "wall-rows", move |t| {
                    if let Some(held) = held {
                        held.wait(t);
                    }
                    Ok(task())
                }),
                key: wanted,
            });
        } else {
            app.wall.rows = task();
            app.wall.rows_for = Some(wanted);
            app.wall.rows_at = Some(app.clock.now());
        }
    } else if health_changed && !due && !held {
        ui.ctx().request_repaint_after(HEALTH_REORDER);
    }
    if recompute {
        app.wall.changed_since_order.clear();
    }
    if let Some(WallJob { rows, key }) = app.wall.job.take() {
        match rows.try_finish() {
            Ok(Ok(rows)) => {
                app.wall.rows = rows;
                app.wall.rows_for = Some(key);
                app.wall.rows_at = Some(app.clock.now());
            }
            Ok(Err(e)) => {
                // The tiles shown stay; not retried for the same view (a panicking job would loop).
                app.report_task_error(e);
                app.wall.rows_for = Some(key);
            }
            // The task wakes the window when it ends.
            Err(rows) => app.wall.job = Some(WallJob { rows, key }),
        }
    }
    let Some(index) = app.index() else { return };
    // Rows from an older registry snapshot may point past its end after a reload; never index blindly.
    let len = index.snapshot.cameras.len() as u32;
    app.wall.rows.retain(|&i| i < len);
    keyboard_ui(app, ui);
    egui::Panel::right("wall_details")
        .resizable(true)
        .default_size(340.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| details_ui(app, ui));
        });
    egui::Panel::bottom("wall_events")
        .resizable(true)
        .default_size(110.0)
        .show(ui, |ui| events_ui(app, ui));
    egui::CentralPanel::default().show(ui, |ui| {
        app.wall.tiles_rect = Some(ui.max_rect());
        let mut missing = Vec::new();
        if app.wall.rows.is_empty() && app.wall.is_loading() {
            ui.add_space(30.0);
            ui.vertical_centered(|ui| {
                ui.spinner();
                ui.label(RichText::new(app.t("wall-loading")).weak());
            });
        } else if app.wall.rows.is_empty() {
            ui.add_space(30.0);
            ui.vertical_centered(|ui| ui.label(RichText::new(app.t("wall-empty")).weak()));
        } else if let Some(id) = app.wall.maximized {
            let rect = ui.available_rect_before_wrap();
            tile_ui(app, ui, id, rect, &mut missing);
        } else {
            match app.wall.layout {
                WallLayout::Grid(n) => grid_ui(app, ui, n, &mut missing),
                WallLayout::List => list_ui(app, ui, &mut missing),
            }
        }
        if !missing.is_empty() {
            app.send(DeskCommand::LoadThumbnails(missing));
        }
    });
}

fn toolbar_ui(app: &mut DeskApp, ui: &mut Ui) {
    let mut filters = app.filters.clone();
    let i18n = &app.i18n;
    let Some(index) = app.index() else { return };
    let mut layout = app.wall.layout;
    let mut order = app.wall.order;
    let mut toggle_prober = false;
    let held = is_order_held(app, ui.ctx());
    let mut refresh = false;
    let running = app.monitor.as_ref().is_some_and(|m| m.is_running());
    ui.horizontal_wrapped(|ui| {
        super::registry_screen::filters_ui(ui, i18n, index, &mut filters, "w", false);
        // One click for the question asked most at the wall: which cameras are offline (here, in one ward).
        let offline = filters.health == Some(HealthState::Offline);
        if ui
            .selectable_label(offline, i18n.tr("wall-offline-only"))
            .on_hover_text(i18n.tr("wall-offline-only-hint"))
            .clicked()
        {
            filters.health = if offline {
                None
            } else {
                Some(HealthState::Offline)
            };
        }
        if !filters.is_empty() && ui.button(i18n.tr("filter-clear")).clicked() {
            filters = Filters::default();
        }
        ui.separator();
        // Each label with its controls in one group of known width: the row wraps between groups, never
        // inside one, and a group never runs past the window's edge (filters and chips before it vary).
        let layout_label = i18n.tr("wall-layout");
        let names: Vec<String> = WallLayout::ALL.iter().map(|l| l.name(i18n)).collect();
        let buttons_width: f32 = names
            .iter()
            .map(|n| {
                egui::WidgetText::from(n.as_str())
                    .into_galley(
                        ui,
                        Some(egui::TextWrapMode::Extend),
                        f32::INFINITY,
                        egui::TextStyle::Button,
                    )
                    .size()
                    .x
                    + 2.0 * ui.spacing().button_padding.x
            })
            .sum::<f32>()
            + ui.spacing().item_spacing.x * names.len().saturating_sub(1) as f32;
        super::registry_screen::labelled_group(ui, &layout_label, buttons_width, |ui| {
            ui.label(&layout_label);
            for (l, name) in WallLayout::ALL.into_iter().zip(&names) {
                ui.selectable_value(&mut layout, l, name);
            }
        });
        ui.separator();
        let sort = i18n.tr("wall-sort");
        super::registry_screen::labelled_group(ui, &sort, SORT_COMBO_WIDTH, |ui| {
            let sort_label = ui.label(&sort).id;
            egui::ComboBox::from_id_salt("wall_sort")
                .width(SORT_COMBO_WIDTH)
                .selected_text(i18n.tr(order_key(order)))
                .show_ui(ui, |ui| {
                    for o in [
                        WallOrder::ProblemsFirst,
                        WallOrder::Name,
                        WallOrder::LastSeen,
                    ] {
                        ui.selectable_value(&mut order, o, i18n.tr(order_key(o)));
                    }
                })
                .response
                .labelled_by(sort_label);
        });
        ui.separator();
        let key = if running {
            "wall-prober-pause"
        } else {
            "wall-prober-start"
        };
        toggle_prober = ui.button(i18n.tr(key)).clicked();
        let prober = match (app.wall.sweep_progress, app.wall.probes_per_min) {
            (Some((probed, due, rate)), _) => i18n.tr_args(
                "wall-prober-sweeping",
                &[
                    ("rate", format!("{rate:.0}")),
                    ("probed", probed.to_string()),
                    ("due", due.to_string()),
                ],
            ),
            (None, Some(rate)) => i18n.tr_args(
                "wall-prober-rate",
                &[
                    ("rate", format!("{rate:.0}")),
                    ("cameras", app.wall.scheduled.to_string()),
                ],
            ),
            (None, None) => i18n.tr("wall-prober-starting"),
        };
        ui.label(prober);
        if let Some(trouble) = &app.wall.prober_trouble {
            ui.colored_label(ui.visuals().error_fg_color, trouble);
        }
        if app.wall.is_loading() {
            ui.label(i18n.tr("wall-loading"));
        } else {
            ui.label(i18n.tr_args(
                "wall-showing",
                &[("shown", app.wall.rows.len().to_string())],
            ));
        }
        let changed = app.wall.changed_since_order.len();
        if changed > 0
            && held
            && ui
                .button(i18n.tr_args("wall-order-changed", &[("n", changed.to_string())]))
                .clicked()
        {
            refresh = true;
        }
    });
    app.wall.refresh_order |= refresh;
    app.filters = filters;
    if layout != app.wall.layout {
        app.wall.layout = layout;
        app.wall.maximized = None;
    }
    app.wall.order = order;
    if toggle_prober && let Some(m) = &app.monitor {
        m.send(MonitorCommand::SetRunning(!running));
    }
}

fn order_key(order: WallOrder) -> &'static str {
    match order {
        WallOrder::ProblemsFirst => "wall-sort-problems",
        WallOrder::Name => "wall-sort-name",
        WallOrder::LastSeen => "wall-sort-last-seen",
    }
}

/// Arrows move the selection through the tiles, Enter fills the wall with the selected one, Esc returns.
fn keyboard_ui(app: &mut DeskApp, ui: &Ui) {
    if app.form.is_some() || ui.ctx().memory(|m| m.focused().is_some()) {
        return;
    }
    let (left, right, up, down, enter, escape) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::ArrowLeft),
            i.key_pressed(egui::Key::ArrowRight),
            i.key_pressed(egui::Key::ArrowUp),
            i.key_pressed(egui::Key::ArrowDown),
            i.key_pressed(egui::Key::Enter),
            i.key_pressed(egui::Key::Escape),
        )
    });
    if escape {
        app.wall.maximized = None;
    }
    let Some(index) = app.index() else { return };
    let ids: Vec<CameraId> = app
        .wall
        .rows
        .iter()
        .map(|&i| index.snapshot.cameras[i as usize].id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let columns = match app.wall.layout {
        WallLayout::Grid(n) => n as isize,
        WallLayout::List => 1,
    };
    let step = match (left, right, up, down) {
        (true, ..) => -1,
        (_, true, ..) => 1,
        (_, _, true, _) => -columns,
        (.., true) => columns,
        _ => 0,
    };
    let current = app
        .selection
        .camera
        .and_then(|id| ids.iter().position(|&c| c == id));
    if step != 0 {
        let next = match current {
            None => 0,
            Some(i) => (i as isize + step).clamp(0, ids.len() as isize - 1) as usize,
        };
        let id = ids[next];
        select(app, id);
        if app.wall.maximized.is_some() {
            app.wall.maximized = Some(id);
        }
    }
    if enter && let Some(id) = app.selection.camera {
        app.wall.maximized = Some(id);
    }
}

fn select(app: &mut DeskApp, id: CameraId) {
    if app.selection.camera != Some(id) {
        app.select_camera(id);
        app.wall.runs = None;
        app.wall.details_health = None;
        app.send(DeskCommand::LoadHealthRuns { camera_id: id });
    }
}

fn grid_ui(app: &mut DeskApp, ui: &mut Ui, n: usize, missing: &mut Vec<CameraId>) {
    let gap = 6.0;
    let avail = ui.available_size();
    let tile_w = ((avail.x - gap * (n as f32 - 1.0)) / n as f32).max(120.0);
    let tile_h = ((avail.y - gap * (n as f32 - 1.0)) / n as f32).clamp(90.0, tile_w * 0.75 + 60.0);
    let rows = app.wall.rows.len().div_ceil(n);
    let ids: Vec<CameraId> = {
        let Some(index) = app.index() else { return };
        app.wall
            .rows
            .iter()
            .map(|&i| index.snapshot.cameras[i as usize].id)
            .collect()
    };
    ui.spacing_mut().item_spacing.y = gap;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show_rows(ui, tile_h, rows, |ui, range| {
            for row in range {
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = gap;
                    for col in 0..n {
                        let Some(&id) = ids.get(row * n + col) else {
                            break;
                        };
                        let (rect, _) =
                            ui.allocate_exact_size(Vec2::new(tile_w, tile_h), Sense::hover());
                        tile_ui(app, ui, id, rect, missing);
                    }
                });
            }
        });
}

fn list_ui(app: &mut DeskApp, ui: &mut Ui, missing: &mut Vec<CameraId>) {
    let ids: Vec<CameraId> = {
        let Some(index) = app.index() else { return };
        app.wall
            .rows
            .iter()
            .map(|&i| index.snapshot.cameras[i as usize].id)
            .collect()
    };
    let row_h = 40.0;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show_rows(ui, row_h, ids.len(), |ui, range| {
            for &id in &ids[range] {
                let (rect, _) =
                    ui.allocate_exact_size(Vec2::new(ui.available_width(), row_h), Sense::hover());
                tile_ui(app, ui, id, rect, missing);
            }
        });
}

/// One camera: picture (or placeholder), name, site, category, health in words and colour, last seen, stage.
fn tile_ui(app: &mut DeskApp, ui: &mut Ui, id: CameraId, rect: Rect, missing: &mut Vec<CameraId>) {
    let Some(index) = app.index() else { return };
    let Some(camera) = index.camera(id) else {
        return;
    };
    let site = index.site(camera.site_id);
    let state = index.health_state(id);
    let last_online = index.last_online_unix_s(id);
    let selected = app.selection.camera == Some(id);
    let compact = rect.height() < 80.0;
    let label = camera.camera.label.clone();
    let site_name = site.map_or_else(String::new, |s| s.site.display_name());
    let category = site
        .map(|s| app.i18n.tr(&s.site.owner_category.i18n_key()))
        .unwrap_or_default();
    let stage = camera.stage;
    // A camera without a snapshot address never gets a picture: say so rather than "yet".
    let placeholder = if camera.camera.snapshot_url.trim().is_empty() {
        "wall-no-snapshot-url"
    } else {
        "wall-no-picture"
    };
    let now = app.clock.now_unix_s();
    // Nobody answers for it (a demo beyond the open-file limit): not a camera that went offline.
    let not_simulated = app.is_not_simulated(id);
    let seen = match last_online {
        _ if not_simulated => app.i18n.tr("wall-not-simulated-why"),
        Some(t) => app
            .i18n
            .tr_args("wall-last-seen", &[("ago", ago(&app.i18n, now, t))]),
        None => app.i18n.tr("wall-never-seen"),
    };
    let badge = |ui: &mut Ui, i18n: &I18n, state: HealthState| {
        if not_simulated {
            not_simulated_badge(ui, i18n);
        } else {
            badge(ui, i18n, state);
        }
    };
    let response = ui.interact(rect, egui::Id::unique(("tile", id)), Sense::click());
    let response = response.on_hover_text(format!("{label} — {site_name}"));
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, CornerRadius::same(4), visuals.extreme_bg_color);
    let border = if selected {
        Stroke::new(3.0, visuals.selection.stroke.color)
    } else {
        Stroke::new(2.0, health_colour(state))
    };
    painter.rect_stroke(
        rect,
        CornerRadius::same(4),
        border,
        egui::StrokeKind::Inside,
    );
    let texture = app.wall.thumbs.texture(id, missing);
    let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect.shrink(6.0)));
    if compact {
        child.horizontal(|ui| {
            badge(ui, &app.i18n, state);
            ui.add(egui::Label::new(RichText::new(&label).strong()).truncate());
            ui.add(egui::Label::new(format!("· {site_name} · {category} · {seen}")).truncate());
        });
    } else {
        child.vertical(|ui| {
            let caption_h = 58.0;
            let pic = Rect::from_min_size(
                ui.cursor().min,
                Vec2::new(
                    ui.available_width(),
                    (ui.available_height() - caption_h).max(20.0),
                ),
            );
            match &texture {
                Some(tex) => {
                    let size = tex.size_vec2();
                    let scale = (pic.width() / size.x).min(pic.height() / size.y);
                    let shown = Rect::from_center_size(pic.center(), size * scale);
                    ui.painter().image(
                        tex.id(),
                        shown,
                        Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                        Color32::WHITE,
                    );
                }
                None => {
                    ui.painter().rect_filled(
                        pic,
                        CornerRadius::same(2),
                        ui.visuals().faint_bg_color,
                    );
                    ui.painter().text(
                        pic.center(),
                        egui::Align2::CENTER_CENTER,
                        format!("📷 {}", app.i18n.tr(placeholder)),
                        egui::FontId::proportional(13.0),
                        ui.visuals().weak_text_color(),
                    );
                }
            }
            ui.advance_cursor_after_rect(pic);
            ui.horizontal(|ui| {
                badge(ui, &app.i18n, state);
                ui.add(egui::Label::new(RichText::new(&label).strong()).truncate());
            });
            ui.add(egui::Label::new(format!("{site_name} · {category}")).truncate());
            let mut line = seen;
            if stage != IntegrationStage::Integrated {
                line = format!("{line} · {}", app.i18n.tr(&stage.i18n_key()));
            }
            ui.add(egui::Label::new(RichText::new(line).small()).truncate());
        });
    }
    if response.clicked() {
        select(app, id);
    }
    if response.double_clicked() {
        select(app, id);
        app.wall.maximized = if app.wall.maximized == Some(id) {
            None
        } else {
            Some(id)
        };
    }
}

fn details_ui(app: &mut DeskApp, ui: &mut Ui) {
    let Some(index) = app.index() else { return };
    let Some(id) = app.selection.camera else {
        ui.label(RichText::new(app.t("wall-details-none")).weak());
        return;
    };
    let Some(camera) = index.camera(id).cloned() else {
        return;
    };
    let site = index.site(camera.site_id).cloned();
    let health = app
        .wall
        .details_health
        .as_ref()
        .filter(|h| h.camera_id == id)
        .cloned();
    let i18n = &app.i18n;
    let state = index.health_state(id);
    ui.heading(&camera.camera.label);
    badge(ui, i18n, state);
    if let Some(site) = &site {
        ui.label(RichText::new(site.site.display_name()).strong());
        egui::Grid::new("wall_site").num_columns(2).show(ui, |ui| {
            for (key, value) in [
                ("field-contact-person", site.site.contact_person.clone()),
                ("field-phone", site.site.phone.clone()),
                ("field-ward", site.site.ward.clone()),
                ("field-police-station", site.site.police_station.clone()),
            ] {
                if !value.is_empty() {
                    ui.label(RichText::new(i18n.tr(key)).weak());
                    ui.label(value);
                    ui.end_row();
                }
            }
        });
    }
    ui.separator();
    egui::Grid::new("wall_camera")
        .num_columns(2)
        .show(ui, |ui| {
            let mut row = |key: &str, value: String| {
                if !value.is_empty() {
                    ui.label(RichText::new(i18n.tr(key)).weak());
                    ui.label(value);
                    ui.end_row();
                }
            };
            // URLs are stored without credentials; the password is never shown.
            row("field-stream-url", camera.camera.stream_url.clone());
            row("field-snapshot-url", camera.camera.snapshot_url.clone());
            row("field-stage", i18n.tr(&camera.counted_stage().i18n_key()));
            if let Some(h) = &health {
                let now = app.clock.now_unix_s();
                row("wall-last-probe", ago(i18n, now, h.last_probe_unix_s));
                row("wall-latency", format!("{} ms", h.latency_ms));
                let mut video = h.codec.clone().unwrap_or_default();
                if let (Some(w), Some(hh)) = (h.width_px, h.height_px) {
                    video = format!("{video} {w}×{hh}");
                }
                row("wall-video", video.trim().to_string());
                let error = h.error.as_deref().unwrap_or_default();
                row("wall-last-error", finding_text(error, i18n));
            }
        });
    ui.separator();
    match &app.wall.runs {
        Some((cid, runs)) if *cid == id => {
            let now = app.clock.now_unix_s();
            let pct = |window: i64| {
                uptime_pct(runs, now, window, PROBE_INTERVAL_S)
                    .map_or_else(|| "—".to_string(), |p| format!("{p:.1} %"))
            };
            ui.label(i18n.tr_args(
                "wall-uptime",
                &[("day", pct(86_400)), ("week", pct(7 * 86_400))],
            ));
            sparkline_ui(ui, runs, now);
        }
        _ => {
            ui.spinner();
        }
    }
    let probe_now = ui.button(i18n.tr("wall-probe-now")).clicked();
    if probe_now && let Some(m) = &app.monitor {
        m.send(MonitorCommand::ProbeNow(vec![id]));
    }
}

/// The last 24 hours as a strip of health colours (grey where nothing was probed).
fn sparkline_ui(ui: &mut Ui, runs: &[HealthRun], now: i64) {
    let (rect, _) = ui.allocate_exact_size(
        Vec2::new(ui.available_width().min(300.0), 14.0),
        Sense::hover(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::ZERO, ui.visuals().faint_bg_color);
    let start = now - 86_400;
    let x = |t: i64| rect.left() + rect.width() * ((t - start).clamp(0, 86_400) as f32 / 86_400.0);
    for (i, run) in runs.iter().enumerate() {
        let end = runs
            .get(i + 1)
            .map_or(run.to_unix_s + PROBE_INTERVAL_S, |n| {
                n.from_unix_s.min(run.to_unix_s + PROBE_INTERVAL_S)
            });
        if end <= start {
            continue;
        }
        let r = Rect::from_min_max(
            egui::pos2(x(run.from_unix_s), rect.top()),
            egui::pos2(x(end).max(x(run.from_unix_s) + 1.0), rect.bottom()),
        );
        painter.rect_filled(r, CornerRadius::ZERO, health_colour(run.state));
    }
}

fn events_ui(app: &mut DeskApp, ui: &mut Ui) {
    ui.label(RichText::new(app.t("wall-events")).strong());
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            if app.wall.events.is_empty() {
                ui.label(RichText::new(app.t("wall-events-none")).weak());
            }
            for e in &app.wall.events {
                let text = RichText::new(&e.text).color(health_colour(e.state));
                if ui.add(egui::Button::new(text).frame(false)).clicked() {
                    clicked = Some(e.camera_id);
                }
            }
        });
    if let Some(id) = clicked {
        select(app, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_of_tiles_in_view_outlive_a_flood_from_the_prober() {
        let ctx = egui::Context::default();
        let mut cache = ThumbCache::default();
        let jpeg = Arc::new(vec![0xFF, 0xD8, 0xFF, 0xD9]);
        for id in 0..1_000 {
            cache.insert_jpeg(id, jpeg.clone());
        }
        // 36 tiles on screen.
        cache.begin_frame(&ctx);
        let mut missing = Vec::new();
        for id in 0..36 {
            cache.texture(id, &mut missing);
        }
        assert!(missing.is_empty());
        // A sweep brings pictures of 5,000 cameras far from the screen.
        for id in 10_000..15_000 {
            cache.insert_jpeg(id, jpeg.clone());
        }
        assert!(cache.len() <= MAX_JPEGS + MAX_JPEGS / 8, "{}", cache.len());
        assert!(
            (0..36).all(|id| cache.contains(id)),
            "a tile in view lost its picture"
        );
        // A dropped picture is asked of the registry again when its tile shows.
        assert!(!cache.contains(500));
        cache.texture(500, &mut missing);
        cache.texture(500, &mut missing);
        assert_eq!(missing, vec![500], "asked once, not every frame");
        cache.insert_jpeg(500, jpeg.clone());
        for id in 20_000..22_000 {
            cache.insert_jpeg(id, jpeg.clone());
        }
        missing.clear();
        cache.texture(500, &mut missing);
        assert_eq!(missing, vec![500], "asked again after being dropped");
    }
}
