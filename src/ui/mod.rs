//! The desk's screens (egui). One module per screen; state that outlives a frame lives in [`DeskApp`].
//!
//! The UI never touches SQLite: it sends [`DeskCommand`]s to the registry worker and reads the in-memory
//! [`RegistryIndex`] each frame.

mod audit_log;
pub mod blocked;
mod camera_form;
pub mod exports;
mod fonts;
pub mod import;
mod keys_in_order;
pub mod map;
mod map_areas;
mod map_base;
mod map_labels;
mod registry_screen;
mod rendering;
pub mod review;
pub mod settings;
mod shortcuts;
mod site_form;
mod stage_form;
mod status;
pub mod task;
pub mod wall;
pub mod weekly_report;
mod widgets;

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, RichText};

use crate::i18n::{I18n, Lang};
use crate::model::{CameraId, Clock, SiteId};
use crate::services::health::monitor::{
    HealthMonitor, MonitorCommand, MonitorEvent, MonitorOptions,
};
use crate::services::registry_index::{Filters, RegistryIndex};
use crate::services::registry_worker::{
    DemoCameras, DeskCommand, DeskEvent, DeskService, SaveProblem,
};
use crate::store::{AuditEntry, HealthBrief, KeyStatus, StageEventRecord};

pub use settings::Settings;

/// Colour of a demo badge: everything demo is marked so nobody mistakes it for the real registry.
pub const DEMO_COLOUR: Color32 = Color32::from_rgb(0xC2, 0x41, 0x0C);

/// The screens in the left navigation (only working screens are listed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Registry,
    Wall,
    Map,
    Review,
    /// Blocked integrations, grouped by owner category and owner, with follow-up notes.
    Blocked,
    Import,
    Audit,
}

/// Where the registry stands.
pub enum RegistryState {
    Opening,
    /// Why not, said in the desk's language when shown.
    Failed(Arc<crate::services::registry_worker::WorkerError>),
    Open(Box<RegistryIndex>),
}

/// A form open over the screen; one at a time.
pub enum OpenForm {
    Site(Box<site_form::SiteForm>),
    Camera(Box<camera_form::CameraForm>),
    Stage(Box<stage_form::StageForm>),
}

impl OpenForm {
    pub fn site(form: site_form::SiteForm) -> Self {
        Self::Site(Box::new(form))
    }

    pub fn camera(form: camera_form::CameraForm) -> Self {
        Self::Camera(Box::new(form))
    }

    pub fn stage(form: stage_form::StageForm) -> Self {
        Self::Stage(Box::new(form))
    }
}

/// What is selected across the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Selection {
    pub site: Option<SiteId>,
    pub camera: Option<CameraId>,
}

/// The demo cameras the desk answers for (see [`crate::services::demo::simulator::start_for_desk`]).
#[derive(Debug, Clone)]
pub struct DemoSimulation {
    pub cameras: usize,
    /// Processes answering: 1 is the desk itself; more are helper processes, one open-file limit each.
    pub processes: usize,
    /// Cameras nobody answers for, sorted.
    pub not_simulated: Arc<Vec<CameraId>>,
}

/// The camera history shown in the details panel.
pub struct CameraHistory {
    pub camera_id: CameraId,
    pub events: Vec<StageEventRecord>,
    pub audit: Vec<AuditEntry>,
}

/// Longest wait before the prober's news is drawn on a screen that shows health (wall, map).
const PROBER_NEWS_WAIT_MS: u64 = 1_000;
/// On the other screens the news only needs draining now and then (the channel must not grow).
const PROBER_NEWS_WAIT_ELSEWHERE_MS: u64 = 10_000;

/// The whole desk.
pub struct DeskApp {
    pub db_path: PathBuf,
    key_dir: PathBuf,
    settings: Settings,
    settings_path: Option<PathBuf>,
    pub i18n: I18n,
    service: Option<DeskService>,
    pub registry: RegistryState,
    pub screen: Screen,
    pub filters: Filters,
    pub selection: Selection,
    pub form: Option<OpenForm>,
    pub history: Option<CameraHistory>,
    /// Entries for the audit screen, newest first.
    pub audit: Option<Vec<AuditEntry>>,
    /// The desk's own prober (started once the registry is open).
    pub monitor: Option<HealthMonitor>,
    /// The egui context, for background threads that must wake the UI.
    ctx: Option<egui::Context>,
    /// Whether and how the desk answers for a demo registry's cameras.
    demo_cameras: DemoCameras,
    /// The desk's demo simulation, once started.
    simulation: Option<DemoSimulation>,
    pub wall: wall::WallState,
    pub map: map::MapState,
    pub review: review::ReviewState,
    pub exports: exports::ExportState,
    pub import: import::ImportState,
    pub blocked: blocked::BlockedState,
    /// The review screen's printable report (folder, viewer, last file written).
    pub printable: weekly_report::PrintableState,
    /// A long task running in the worker (name key, fraction done).
    pub task: Option<(&'static str, f32)>,
    /// Last message for the status bar (text, is_error).
    pub status: Option<(String, bool)>,
    key_status: Option<KeyStatus>,
    status_log: status::StatusLog,
    load_ms: Option<u128>,
    /// The user asked to close while a form had unsaved edits.
    confirm_quit: bool,
    fonts_installed: bool,
    /// The window title last sent (it names the registry file, the demo mark, in the current language).
    title_shown: String,
    audit_screen: audit_log::AuditScreen,
    /// How long the prober's news may wait for a frame, set by the screen shown.
    prober_news_wait_ms: Arc<std::sync::atomic::AtomicU64>,
    /// The list of keyboard shortcuts (F1) is open.
    pub shortcuts_open: bool,
    /// A form a shortcut asked for while another form held typing: it opens once the user discards that typing.
    form_after_discard: Option<OpenForm>,
    /// Where the desk's time comes from (the computer's, or a test's).
    pub(crate) clock: Clock,
}

impl DeskApp {
    /// A desk on `db_path`. Settings (language) are read from and written to `settings_path` when given.
    pub fn new(db_path: PathBuf, key_dir: PathBuf, settings_path: Option<PathBuf>) -> Self {
        let settings = settings_path
            .as_deref()
            .map(Settings::load)
            .unwrap_or_default();
        Self {
            db_path,
            key_dir,
            i18n: I18n::new(settings.lang),
            settings,
            settings_path,
            service: None,
            registry: RegistryState::Opening,
            screen: Screen::Registry,
            filters: Filters::default(),
            selection: Selection::default(),
            form: None,
            history: None,
            audit: None,
            monitor: None,
            ctx: None,
            // This program, started as helper simulator processes when a large demo needs them.
            demo_cameras: DemoCameras::Simulated {
                program: std::env::current_exe().ok(),
            },
            simulation: None,
            wall: wall::WallState::default(),
            map: map::MapState::default(),
            review: review::ReviewState::default(),
            exports: exports::ExportState::default(),
            import: import::ImportState::default(),
            blocked: blocked::BlockedState::default(),
            printable: weekly_report::PrintableState::default(),
            task: None,
            status: None,
            key_status: None,
            status_log: Default::default(),
            load_ms: None,
            confirm_quit: false,
            fonts_installed: false,
            title_shown: String::new(),
            audit_screen: Default::default(),
            prober_news_wait_ms: Arc::new(std::sync::atomic::AtomicU64::new(PROBER_NEWS_WAIT_MS)),
            shortcuts_open: false,
            form_after_discard: None,
            clock: Clock::system(),
        }
    }

    /// Runs the desk on `clock` instead of the computer's (tests: a [`crate::model::ManualClock`]). Its
    /// background work (registry worker, prober) follows the same clock. Before the first frame only.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock the desk reads.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Leaves a demo registry's cameras to a simulator elsewhere (benchmarks, `iccc-desk simulate`).
    pub fn without_demo_simulator(mut self) -> Self {
        self.demo_cameras = DemoCameras::Elsewhere;
        self
    }

    /// Names the program started as helper simulator processes (`program simulate --shard I/N`) when one
    /// process's open-file limit cannot cover a large demo's cameras (tests: the built `iccc-desk`).
    pub fn with_simulator_program(mut self, program: PathBuf) -> Self {
        self.demo_cameras = DemoCameras::Simulated {
            program: Some(program),
        };
        self
    }

    /// The desk's demo simulation, once started.
    pub fn simulation(&self) -> Option<&DemoSimulation> {
        self.simulation.as_ref()
    }

    /// Whether nobody answers for this camera (a demo larger than the open-file limit allows, with no helper
    /// processes): the wall says "not simulated" rather than offline.
    pub fn is_not_simulated(&self, id: CameraId) -> bool {
        self.simulation
            .as_ref()
            .is_some_and(|s| s.not_simulated.binary_search(&id).is_ok())
    }

    /// The message for a key in the current language.
    pub fn t(&self, key: &str) -> String {
        self.i18n.tr(key)
    }

    pub fn set_lang(&mut self, lang: Lang) {
        if self.i18n.lang() == lang {
            return;
        }
        self.i18n = I18n::new(lang);
        self.settings.lang = lang;
        self.retranslate_status();
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            self.report_error("settings-save-failed", e);
        }
    }

    /// The map's base layer comes from this MBTiles file from now on (remembered).
    pub fn set_base_map(&mut self, path: PathBuf) {
        if let Some(ctx) = self.ctx.clone() {
            self.map.open_base_map(path.clone(), &ctx);
        }
        self.settings.base_map = Some(path);
        if let Some(settings_path) = &self.settings_path
            && let Err(e) = self.settings.save(settings_path)
        {
            self.report_error("settings-save-failed", e);
        }
    }

    /// Exports go to this folder's dialog from now on (remembered).
    pub fn remember_export_dir(&mut self, dir: PathBuf) {
        if self.settings.export_dir.as_ref() == Some(&dir) {
            return;
        }
        self.settings.export_dir = Some(dir);
        if let Some(settings_path) = &self.settings_path
            && let Err(e) = self.settings.save(settings_path)
        {
            self.report_error("settings-save-failed", e);
        }
    }

    /// The folder of the last export, if any.
    pub fn remembered_export_dir(&self) -> Option<&std::path::Path> {
        self.settings.export_dir.as_deref()
    }

    /// The base map file remembered from an earlier session, if any.
    pub fn remembered_base_map(&self) -> Option<&std::path::Path> {
        self.settings.base_map.as_deref()
    }

    /// Asks the worker's long task (a demo load, an import) to stop; it then leaves the registry as it was.
    pub fn cancel_task(&self) {
        if let Some(service) = &self.service {
            service.cancel_task();
        }
    }

    pub fn send(&self, command: DeskCommand) {
        if let Some(service) = &self.service {
            service.send(command);
        }
    }

    pub fn index(&self) -> Option<&RegistryIndex> {
        match &self.registry {
            RegistryState::Open(index) => Some(index),
            _ => None,
        }
    }

    pub fn index_mut(&mut self) -> Option<&mut RegistryIndex> {
        match &mut self.registry {
            RegistryState::Open(index) => Some(index),
            _ => None,
        }
    }

    /// The cameras on the wall now, in order (for tests and the benchmark).
    pub fn wall_camera_ids(&self) -> Vec<CameraId> {
        let Some(index) = self.index() else {
            return Vec::new();
        };
        // The tiles as shown (the order is held while the operator works the wall).
        self.wall
            .shown_rows()
            .iter()
            .filter_map(|&i| index.snapshot.cameras.get(i as usize))
            .map(|c| c.id)
            .collect()
    }

    /// True while a form waits for the worker to answer its save.
    pub fn form_is_saving(&self) -> bool {
        match &self.form {
            Some(OpenForm::Site(f)) => f.chrome.saving,
            Some(OpenForm::Camera(f)) => f.chrome.saving,
            Some(OpenForm::Stage(f)) => f.saving,
            None => false,
        }
    }

    /// True when a form, or a follow-up note on the Blocked screen, holds edits that are not saved yet.
    pub fn has_unsaved_edits(&self) -> bool {
        let form = match &self.form {
            Some(OpenForm::Site(f)) => f.is_dirty(),
            Some(OpenForm::Camera(f)) => f.is_dirty(),
            Some(OpenForm::Stage(f)) => f.is_dirty(),
            None => false,
        };
        form || self.blocked.has_unsaved_notes()
    }

    fn start(&mut self, ctx: &egui::Context) {
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
        if !self.fonts_installed {
            fonts::install(ctx);
            // Keys typed faster than frames are drawn reach the field focused at each key.
            ctx.add_plugin(keys_in_order::KeysInOrder::default());
            self.fonts_installed = true;
        }
        if self.service.is_none() {
            let repaint = ctx.clone();
            self.service = Some(DeskService::start(
                self.db_path.clone(),
                self.key_dir.clone(),
                self.demo_cameras.clone(),
                self.clock.clone(),
                Arc::new(move || repaint.request_repaint()),
            ));
        }
    }

    /// Takes health measured by the prober (or given by a test): the index, the map's pins and the wall learn it.
    pub fn apply_health(&mut self, briefs: Vec<HealthBrief>) {
        let RegistryState::Open(index) = &mut self.registry else {
            return;
        };
        let changes = index.update_health(briefs);
        let pins: Vec<_> = changes
            .iter()
            .filter_map(|(id, _, _)| index.camera_position(*id))
            .map(|pos| (pos, index.pin_state(pos)))
            .collect();
        self.map.on_pin_states(pins);
        self.wall
            .on_changes(index, &self.i18n, &changes, self.clock.now_unix_s());
    }

    /// Starts the prober once the registry is open; it keeps the wall's health fresh.
    fn start_monitor(&mut self) {
        if self.monitor.is_some() {
            return;
        }
        let Some(ctx) = self.ctx.clone() else { return };
        let news_wait_ms = self.prober_news_wait_ms.clone();
        self.monitor = Some(HealthMonitor::start_with_clock(
            self.db_path.clone(),
            self.key_dir.clone(),
            MonitorOptions::default(),
            self.clock.clone(),
            // A sweep reports many times a second; one frame a second shows it (each frame costs a full
            // redraw, which on a software-rendered control-room PC is most of a core at frame rate).
            Arc::new(move || {
                let wait_ms = news_wait_ms.load(std::sync::atomic::Ordering::Relaxed);
                ctx.request_repaint_after(std::time::Duration::from_millis(wait_ms));
            }),
        ));
        if let (Some(m), Some(sim)) = (&self.monitor, &self.simulation) {
            m.send(MonitorCommand::Skip(sim.not_simulated.clone()));
        }
    }

    fn drain_monitor(&mut self) {
        let Some(monitor) = &self.monitor else { return };
        let mut events = Vec::new();
        while let Some(e) = monitor.try_recv() {
            events.push(e);
        }
        for event in events {
            match event {
                MonitorEvent::Updated(updates) => {
                    let mut records = Vec::with_capacity(updates.len());
                    for u in updates {
                        if let Some(jpeg) = u.thumbnail_jpeg {
                            self.wall.thumbs.insert_jpeg(u.record.camera_id, jpeg);
                        }
                        records.push(u.record);
                    }
                    let selected = self.selection.camera;
                    let mut touched_selected = false;
                    for r in &records {
                        if Some(r.camera_id) == selected {
                            self.wall.details_health = Some(r.clone());
                            touched_selected = true;
                        }
                    }
                    if !matches!(self.registry, RegistryState::Open(_)) {
                        continue;
                    }
                    self.apply_health(records.iter().map(HealthBrief::from).collect());
                    if touched_selected && let Some(id) = selected {
                        self.send(DeskCommand::LoadHealthRuns { camera_id: id });
                    }
                }
                MonitorEvent::Rate {
                    probes_per_min,
                    cameras,
                } => {
                    self.wall.probes_per_min = Some(probes_per_min);
                    self.wall.sweep_progress = None;
                    self.wall.prober_trouble = None;
                    self.wall.scheduled = cameras;
                }
                MonitorEvent::Progress {
                    probed,
                    due,
                    probes_per_min,
                } => self.wall.sweep_progress = Some((probed, due, probes_per_min)),
                MonitorEvent::Failed(e) => {
                    self.report_worker_error("status-task-failed", Arc::new(e));
                }
                MonitorEvent::Restarting {
                    error,
                    restarts,
                    retry_in_s,
                } => {
                    let (words, _) = crate::services::error_words::error_text(&self.i18n, &error);
                    let text = self.i18n.tr_args(
                        "wall-prober-restarting",
                        &[
                            ("error", words),
                            ("restarts", restarts.to_string()),
                            ("seconds", retry_in_s.to_string()),
                        ],
                    );
                    self.wall.prober_trouble = Some(text.clone());
                    self.status = Some((text, true));
                }
                MonitorEvent::Held { results } => {
                    self.wall.prober_trouble = Some(
                        self.i18n
                            .tr_args("wall-prober-held", &[("results", results.to_string())]),
                    );
                }
            }
        }
    }

    fn drain_events(&mut self) {
        let Some(service) = &self.service else { return };
        let mut events = Vec::new();
        while let Some(e) = service.try_recv() {
            events.push(e);
        }
        // The audit screen follows the registry: any change the worker reports brings its new entries in.
        let changed = events.iter().any(|e| {
            matches!(
                e,
                DeskEvent::SiteSaved(_)
                    | DeskEvent::CameraSaved(_)
                    | DeskEvent::FollowUpSaved(_)
                    | DeskEvent::Reloaded(_)
                    | DeskEvent::ImportCommitted(_)
                    | DeskEvent::BoundariesImported { .. }
            )
        });
        for event in events {
            self.on_event(event);
        }
        if changed && self.screen == Screen::Audit {
            audit_log::refresh_audit(self);
        }
    }

    fn on_event(&mut self, event: DeskEvent) {
        match event {
            DeskEvent::Opened {
                index,
                key_status,
                load_ms,
            } => self.on_opened(index, key_status, load_ms),
            DeskEvent::OpenFailed(error) => {
                // A refused registry (damaged, changed safeguards) is not probed: the prober would only fail
                // on it again and again.
                self.monitor = None;
                self.registry = RegistryState::Failed(error);
            }
            DeskEvent::Progress { task, fraction } => self.task = Some((task, fraction)),
            DeskEvent::ImportCommitted(result) => import::on_committed(self, result),
            DeskEvent::ImportProfiles(profiles) => self.import.profiles = Some(profiles),
            DeskEvent::TaskFailed { task, error } => {
                if task == "blocked" {
                    self.blocked.on_list_failed();
                }
                self.task = None;
                self.report_worker_error("status-task-failed", Arc::new(error));
            }
            DeskEvent::Reloaded(index) => self.on_reloaded(index),
            DeskEvent::SiteSaved(record) => self.on_site_saved(record),
            DeskEvent::CameraSaved(record) => self.on_camera_saved(record),
            DeskEvent::SaveFailed(problem) => self.on_save_failed(problem),
            DeskEvent::Audit(entries) => self.audit = Some(entries),
            DeskEvent::Thumbnails(thumbs) => {
                for (id, jpeg) in thumbs {
                    self.wall.thumbs.insert_jpeg(id, jpeg);
                }
            }
            DeskEvent::Boundaries(areas) => self.on_boundaries(areas),
            DeskEvent::Weekly {
                report,
                series,
                computed_unix_s,
                is_updating,
            } => self
                .review
                .set(*report, series, computed_unix_s, is_updating),
            DeskEvent::Blocked(list) => self.blocked.on_list(*list),
            DeskEvent::FollowUpSaved(record) => self.on_follow_up_saved(&record),
            DeskEvent::FollowUpFailed { camera_id, problem } => {
                self.blocked.on_note_failed(camera_id, problem, &self.i18n)
            }
            DeskEvent::WeeklyReportWritten { path, result } => {
                weekly_report::on_written(self, path, result);
            }
            DeskEvent::BoundariesImported { kind, count } => {
                self.on_boundaries_imported(kind, count)
            }
            DeskEvent::BoundaryImportRefused(e) => {
                let message = self.i18n.tr_args(e.i18n_key(), &e.i18n_args());
                self.on_boundary_import_ended(message);
            }
            DeskEvent::BoundaryImportFailed(error) => {
                let message = error.words(&self.i18n);
                self.on_boundary_import_ended(message);
            }
            DeskEvent::HealthRuns {
                camera_id,
                record,
                runs,
            } => {
                self.wall.runs = Some((camera_id, runs));
                if let Some(record) = record {
                    self.wall.details_health = Some(record);
                }
            }
            DeskEvent::Simulating {
                cameras,
                processes,
                not_simulated,
                helpers_failed,
            } => self.on_simulating(cameras, processes, not_simulated, helpers_failed),
            DeskEvent::SimulatorFailed(e) => {
                self.report_worker_error("status-simulator-failed", Arc::new(e));
            }
            DeskEvent::History {
                camera_id,
                events,
                audit,
            } => {
                self.history = Some(CameraHistory {
                    camera_id,
                    events,
                    audit,
                })
            }
        }
    }

    fn on_opened(&mut self, mut index: Box<RegistryIndex>, key_status: KeyStatus, load_ms: u128) {
        index.request(&self.filters);
        self.registry = RegistryState::Open(index);
        self.key_status = Some(key_status);
        self.start_monitor();
        self.load_ms = Some(load_ms);
    }

    /// Another desk changed the registry (or this one reloaded it): the rows follow, in the order chosen here.
    fn on_reloaded(&mut self, mut index: Box<RegistryIndex>) {
        self.task = None;
        if let Some(old) = self.index() {
            index.set_order(old.mode, old.sort, old.ascending);
        }
        index.request(&self.filters);
        self.registry = RegistryState::Open(index);
    }

    fn on_site_saved(&mut self, record: crate::store::SiteRecord) {
        let id = record.id;
        let filters = self.filters.clone();
        if let Some(index) = self.index_mut() {
            index.upsert_site(record, &filters);
        }
        self.form = None;
        self.selection = Selection {
            site: Some(id),
            camera: None,
        };
        self.push_status_key("status-saved", &[], false);
    }

    fn on_camera_saved(&mut self, record: crate::store::CameraRecord) {
        let (id, site_id) = (record.id, record.site_id);
        let filters = self.filters.clone();
        if let Some(index) = self.index_mut() {
            index.upsert_camera(record, &filters);
        }
        self.form = None;
        self.selection = Selection {
            site: Some(site_id),
            camera: Some(id),
        };
        self.push_status_key("status-saved", &[], false);
        self.send(DeskCommand::LoadHistory { camera_id: id });
    }

    fn on_boundaries(&mut self, areas: Vec<crate::model::BoundaryArea>) {
        self.map.areas.set(&areas);
        self.review.wards = Arc::new(
            areas
                .into_iter()
                .filter(|a| a.kind == crate::model::BoundaryKind::Ward)
                .collect(),
        );
    }

    fn on_follow_up_saved(&mut self, record: &crate::store::FollowUpRecord) {
        self.blocked.on_note_saved(record);
        let camera = self
            .index()
            .and_then(|i| i.camera(record.camera_id))
            .map_or_else(|| record.camera_id.to_string(), |c| c.camera.label.clone());
        self.push_status_key("blocked-note-saved", &[("camera", camera)], false);
    }

    fn on_boundaries_imported(&mut self, kind: crate::model::BoundaryKind, count: usize) {
        self.map.areas.import = None;
        self.push_status_key(
            "map-areas-imported",
            &[
                ("count", count.to_string()),
                ("kind", self.i18n.tr(&kind.i18n_key())),
            ],
            false,
        );
        // Read the layers again (the registry's revision also moves, so the map would anyway).
        self.map.areas.loaded_for = None;
    }

    /// A boundary file was refused or could not be written: the import dialog says why and can be tried again.
    fn on_boundary_import_ended(&mut self, message: String) {
        if let Some(dialog) = &mut self.map.areas.import {
            dialog.busy = false;
            dialog.error = Some(message);
        }
    }

    fn on_simulating(
        &mut self,
        cameras: usize,
        processes: usize,
        not_simulated: Arc<Vec<crate::model::CameraId>>,
        helpers_failed: Option<String>,
    ) {
        if not_simulated.is_empty() {
            self.push_status_key(
                "status-simulating",
                &[
                    ("cameras", cameras.to_string()),
                    ("processes", processes.to_string()),
                ],
                false,
            );
        } else {
            // Why the helpers could not start is for whoever maintains the PC (the log), not the operator.
            if let Some(why) = helpers_failed {
                tracing::warn!("helper simulator processes could not start: {why}");
            }
            self.push_status_key(
                "status-simulating-partly",
                &[
                    ("cameras", cameras.to_string()),
                    ("left", not_simulated.len().to_string()),
                ],
                false,
            );
        }
        if let Some(m) = &self.monitor {
            m.send(MonitorCommand::Skip(not_simulated.clone()));
        }
        self.simulation = Some(DemoSimulation {
            cameras,
            processes,
            not_simulated,
        });
    }

    fn on_save_failed(&mut self, problem: SaveProblem) {
        let banner = match &problem {
            SaveProblem::Conflict { by_user, at_unix_s } => Some(self.i18n.tr_args(
                "form-conflict",
                &[
                    ("user", by_user.clone()),
                    ("time", crate::model::ist_datetime(*at_unix_s)),
                ],
            )),
            SaveProblem::Other(e) => Some(e.words(&self.i18n)),
            _ => None,
        };
        match &mut self.form {
            Some(OpenForm::Site(f)) => f.on_save_failed(problem, banner, &self.i18n),
            Some(OpenForm::Camera(f)) => f.on_save_failed(problem, banner, &self.i18n),
            Some(OpenForm::Stage(f)) => f.on_save_failed(problem, banner, &self.i18n),
            None => {
                if let Some(text) = banner {
                    self.status = Some((text, true));
                }
            }
        }
    }

    /// Selects a camera (and its site) and asks for its history.
    pub fn select_camera(&mut self, camera_id: CameraId) {
        let site = self
            .index()
            .and_then(|i| i.camera(camera_id))
            .map(|c| c.site_id);
        self.selection = Selection {
            site,
            camera: Some(camera_id),
        };
        if self
            .history
            .as_ref()
            .is_none_or(|h| h.camera_id != camera_id)
        {
            self.history = None;
            self.send(DeskCommand::LoadHistory { camera_id });
        }
    }

    /// One frame of the desk.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.start(&ctx);
        self.drain_events();
        self.drain_monitor();
        let news_wait_ms = match self.screen {
            Screen::Wall | Screen::Map => PROBER_NEWS_WAIT_MS,
            _ => PROBER_NEWS_WAIT_ELSEWHERE_MS,
        };
        self.prober_news_wait_ms
            .store(news_wait_ms, std::sync::atomic::Ordering::Relaxed);
        weekly_report::poll_viewer(self);
        import::take_dropped_files(self, &ctx);
        self.guard_close(&ctx);
        self.update_title(&ctx);
        // Before any screen or form reads the keys: a shortcut, or the Esc that closes the list, is taken here.
        self.shortcut_keys(&ctx);

        egui::Panel::bottom("status_bar").show(ui, |ui| self.status_bar_ui(ui));
        egui::Panel::left("navigation")
            .resizable(false)
            .exact_size(170.0)
            .show(ui, |ui| self.navigation_ui(ui));
        egui::CentralPanel::default().show(ui, |ui| match &self.registry {
            RegistryState::Opening => {
                ui.centered_and_justified(|ui| {
                    ui.spinner();
                    ui.label(self.t("registry-opening"));
                });
            }
            RegistryState::Failed(error) => {
                let (message, details) =
                    crate::services::error_words::error_text(&self.i18n, error.as_ref());
                ui.vertical_centered(|ui| {
                    ui.add_space(40.0);
                    ui.heading(self.t("registry-open-failed"));
                    ui.label(RichText::new(message).color(ui.visuals().error_fg_color))
                        .on_hover_text(details);
                });
            }
            RegistryState::Open(_) => match self.screen {
                Screen::Registry => registry_screen::registry_ui(self, ui),
                Screen::Wall => wall::wall_ui(self, ui),
                Screen::Map => map::map_ui(self, ui),
                Screen::Review => review::review_ui(self, ui),
                Screen::Blocked => blocked::blocked_ui(self, ui),
                Screen::Import => import::import_ui(self, ui),
                Screen::Audit => audit_log::audit_ui(self, ui),
            },
        });
        self.form_ui(&ctx);
        self.quit_confirm_ui(&ctx);
        shortcuts::shortcuts_ui(self, &ctx);
    }

    /// Ctrl+N adds a site, Ctrl+Shift+N a camera to the selected site, F1 opens the list of shortcuts and Esc
    /// closes it. Chords with Ctrl never type a letter, so they work even while a text field has the keyboard.
    fn shortcut_keys(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let (add_camera, add_site, help, close) = ctx.input_mut(|i| {
            // Ctrl+Shift+N first: Ctrl+N's shortcut would also match it.
            let add_camera = i.consume_shortcut(&KeyboardShortcut::new(
                Modifiers::COMMAND | Modifiers::SHIFT,
                Key::N,
            ));
            let add_site = i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::N));
            let help = i.consume_key(Modifiers::NONE, Key::F1);
            let close = self.shortcuts_open && i.consume_key(Modifiers::NONE, Key::Escape);
            (add_camera, add_site, help, close)
        });
        if close {
            self.shortcuts_open = false;
        }
        if help {
            self.shortcuts_open = true;
        }
        if self.index().is_none() {
            return;
        }
        if add_site {
            self.open_form_by_key(OpenForm::site(site_form::SiteForm::add()));
        }
        if add_camera {
            let site = self
                .selection
                .site
                .and_then(|id| self.index().and_then(|i| i.site(id)))
                .cloned();
            match site {
                Some(site) => {
                    self.open_form_by_key(OpenForm::camera(camera_form::CameraForm::add(
                        site.id,
                        site.site.display_name(),
                        site.site.lat_deg,
                        site.site.lon_deg,
                    )))
                }
                None => self.status = Some((self.t("shortcut-no-site"), true)),
            }
        }
    }

    /// Opens a form a shortcut asked for. Typing in an open form is never lost: that form asks "Discard the
    /// changes?" first and the new form opens only when the answer is yes.
    fn open_form_by_key(&mut self, next: OpenForm) {
        self.shortcuts_open = false;
        if self.map.pick.is_some() {
            self.status = Some((self.t("shortcut-finish-pick"), true));
            return;
        }
        if self.form_is_saving() {
            self.status = Some((self.t("shortcut-wait-saving"), true));
            return;
        }
        let chrome = match &mut self.form {
            Some(OpenForm::Site(f)) if f.is_dirty() => &mut f.chrome,
            Some(OpenForm::Camera(f)) if f.is_dirty() => &mut f.chrome,
            Some(OpenForm::Stage(f)) if f.is_dirty() => {
                // The stage form has no discard question of its own; it is saved or cancelled first.
                self.status = Some((self.t("shortcut-finish-stage"), true));
                return;
            }
            _ => {
                self.form = Some(next);
                return;
            }
        };
        chrome.confirm_discard = true;
        self.form_after_discard = Some(next);
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let file = self.db_path.file_name().map_or_else(
            || self.db_path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        let key = if self.index().is_some_and(|i| i.snapshot.is_demo) {
            "window-title-demo"
        } else {
            "window-title"
        };
        let title = self.i18n.tr_args(key, &[("file", file)]);
        if title != self.title_shown {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = title;
        }
    }

    fn form_ui(&mut self, ctx: &egui::Context) {
        if self.map.pick.is_some() && self.screen == Screen::Map {
            // The form waits while its position or facing is picked on the map.
            return;
        }
        let Some(mut form) = self.form.take() else {
            self.form_after_discard = None;
            return;
        };
        let outcome = match &mut form {
            OpenForm::Site(f) => f.ui(ctx, self),
            OpenForm::Camera(f) => f.ui(ctx, self),
            OpenForm::Stage(f) => f.ui(ctx, self),
        };
        // A save event may already have closed the form; only put it back when it is still wanted.
        match outcome {
            widgets::FormOutcome::KeepOpen => {
                let asking = match &form {
                    OpenForm::Site(f) => f.chrome.confirm_discard,
                    OpenForm::Camera(f) => f.chrome.confirm_discard,
                    OpenForm::Stage(_) => false,
                };
                if !asking {
                    // "Keep editing": the shortcut's form is not wanted any more.
                    self.form_after_discard = None;
                }
                if self.form.is_none() {
                    self.form = Some(form);
                }
            }
            widgets::FormOutcome::Close => {
                // The typing was discarded (or the form cancelled): the form a shortcut asked for opens now.
                if self.form.is_none() {
                    self.form = self.form_after_discard.take();
                }
            }
        }
    }

    /// Unsaved edits are never lost silently: closing the window with a dirty form asks first.
    fn guard_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.has_unsaved_edits() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_quit = true;
        }
    }

    fn quit_confirm_ui(&mut self, ctx: &egui::Context) {
        if !self.confirm_quit {
            return;
        }
        egui::Modal::new(egui::Id::unique("confirm_quit")).show(ctx, |ui| {
            ui.heading(self.t("quit-unsaved-title"));
            ui.label(self.t("quit-unsaved-body"));
            ui.horizontal(|ui| {
                if ui.button(self.t("quit-keep-editing")).clicked() {
                    self.confirm_quit = false;
                }
                if ui.button(self.t("quit-discard-and-close")).clicked() {
                    self.form = None;
                    self.confirm_quit = false;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
        });
    }

    fn navigation_ui(&mut self, ui: &mut egui::Ui) {
        ui.add_space(6.0);
        ui.heading("iccc-desk");
        ui.label(RichText::new(self.t("app-subtitle")).small());
        ui.separator();
        for (screen, key) in [
            (Screen::Registry, "nav-registry"),
            (Screen::Wall, "nav-wall"),
            (Screen::Map, "nav-map"),
            (Screen::Review, "nav-review"),
            (Screen::Blocked, "nav-blocked"),
            (Screen::Import, "nav-import"),
            (Screen::Audit, "nav-audit"),
        ] {
            let selected = self.screen == screen;
            if ui
                .add_sized(
                    [ui.available_width(), 28.0],
                    egui::Button::selectable(selected, self.t(key)),
                )
                .clicked()
            {
                self.screen = screen;
            }
        }
        ui.separator();
        ui.label(RichText::new(self.t("nav-language")).small());
        let current = self.i18n.lang();
        for lang in Lang::ALL {
            if ui.radio(current == lang, lang.native_name()).clicked() {
                self.set_lang(lang);
            }
        }
        ui.separator();
        if ui.button(self.t("nav-shortcuts")).clicked() {
            self.shortcuts_open = true;
        }
    }

    fn status_bar_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if let Some(index) = self.index() {
                if index.snapshot.is_demo {
                    ui.label(
                        RichText::new(format!(" {} ", self.t("demo-badge")))
                            .strong()
                            .color(Color32::WHITE)
                            .background_color(DEMO_COLOUR),
                    );
                }
                ui.label(self.i18n.tr_args(
                    "status-counts",
                    &[
                        ("sites", index.snapshot.sites.len().to_string()),
                        ("cameras", index.snapshot.cameras.len().to_string()),
                        ("integrated", index.integrated_count().to_string()),
                    ],
                ));
                ui.separator();
                if index.snapshot.passwords_to_reenter > 0 {
                    ui.label(
                        RichText::new(self.i18n.tr_args(
                            "status-passwords-lost",
                            &[("count", index.snapshot.passwords_to_reenter.to_string())],
                        ))
                        .color(ui.visuals().warn_fg_color),
                    );
                    ui.separator();
                }
            }
            ui.label(
                RichText::new(self.db_path.display().to_string())
                    .small()
                    .monospace(),
            )
            .on_hover_text(self.t("status-registry-path"));
            if let Some(ms) = self.load_ms {
                ui.label(
                    RichText::new(
                        self.i18n
                            .tr_args("status-load-ms", &[("ms", ms.to_string())]),
                    )
                    .small(),
                );
            }
            if let Some((task, fraction)) = self.task {
                ui.separator();
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(160.0)
                        .text(self.t(&format!("task-{task}"))),
                );
            }
            ui.separator();
            status::status_message_ui(self, ui);
        });
    }
}

impl eframe::App for DeskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        DeskApp::ui(self, ui);
    }
}

/// Opens the desk window on `db` (blocks until the window closes).
pub fn run_desk(db: PathBuf, key_dir: PathBuf, simulate_demo: bool) -> anyhow::Result<()> {
    crate::services::background::limit_allocator_arenas();
    let settings_path = settings::default_path();
    let icon = fonts::window_icon();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("iccc-desk")
        .with_inner_size([1600.0, 1000.0])
        .with_maximized(true)
        .with_min_inner_size([960.0, 600.0]);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let asked = std::env::var(rendering::RENDERER_ENV).ok();
    let options = eframe::NativeOptions {
        viewport,
        renderer: rendering::renderer_asked(asked.as_deref())
            .unwrap_or_else(rendering::default_renderer),
        ..Default::default()
    };
    eframe::run_native(
        "iccc-desk",
        options,
        Box::new(move |cc| {
            let mut app = DeskApp::new(db, key_dir, settings_path);
            if let Some(render_state) = &cc.wgpu_render_state {
                let adapter = render_state.adapter.get_info();
                app.note_renderer(&adapter.name, adapter.device_type);
            }
            if let Some(gl) = &cc.gl {
                let name = rendering::gl_renderer_name(gl);
                app.note_renderer(&name, eframe::wgpu::DeviceType::Other);
            }
            Ok(Box::new(if simulate_demo {
                app
            } else {
                app.without_demo_simulator()
            }))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the desk window: {e}"))
}
