//! The import screen: drop a camera list on the desk (or choose it), see its columns with the first rows and the
//! field each is mapped to (guessed from the headers, or from a saved profile; every one can be changed), check
//! the rows — how many will be added, updated, skipped or refused, and why — then write the good rows in one
//! transaction with a progress bar and a cancel button. The report can be saved as a CSV.
//!
//! Reading the file and the check run on their own threads (the check on a read-only connection), the writing
//! on the registry worker; the window never waits for any of them.

use std::path::PathBuf;
use std::sync::Arc;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::DeskApp;
use super::task::{self, TaskError, TaskHandle};
use super::widgets::FileDialog;
use crate::i18n::I18n;
use crate::model::import::{
    DuplicatePolicy, ImportField, ImportProfile, ImportSettings, NearDuplicatePolicy,
};
use crate::model::{AreaWatched, OwnerCategory};
use crate::services::exchange::export::ExportError;
use crate::services::exchange::import::commit::Written;
use crate::services::exchange::import::plan::ImportPlan;
use crate::services::exchange::import::read::SourceTable;
use crate::services::exchange::import::{DryRun, FileError, ImportReport, LineKind};
use crate::services::registry_worker::{DeskCommand, WorkerError};

/// Source rows shown under the mapping.
const PREVIEW_ROWS: usize = 5;
const ROW_HEIGHT: f32 = 20.0;

/// A checked file, ready to write.
pub struct Checked {
    pub plan: Arc<ImportPlan>,
    pub revision: i64,
    pub report: ImportReport,
}

/// What the import screen holds.
#[derive(Default)]
pub struct ImportState {
    /// The file being imported.
    pub file: Option<PathBuf>,
    /// The file being read; opening another drops (cancels) it.
    reading: Option<TaskHandle<SourceTable, FileError>>,
    pub table: Option<Arc<SourceTable>>,
    pub settings: Option<ImportSettings>,
    pub read_error: Option<String>,
    checking: Option<TaskHandle<DryRun, crate::store::StoreError>>,
    pub checked: Option<Checked>,
    pub check_error: Option<String>,
    /// The writing is under way on the worker.
    pub committing: bool,
    pub outcome: Option<Result<Written, Arc<WorkerError>>>,
    /// The saved profiles, once the worker has read them.
    pub profiles: Option<Vec<ImportProfile>>,
    profiles_asked: bool,
    /// The name typed for "Save mapping as profile".
    pub profile_name: String,
    dialog: Option<FileDialog>,
    report_dialog: Option<FileDialog>,
    /// Where the last report was saved, or why not.
    pub report_saved: Option<Result<PathBuf, String>>,
    report_saving: Option<TaskHandle<PathBuf, ExportError>>,
    /// Tests: the file "Choose file…" picks and where "Save report…" writes, instead of the native dialogs.
    pub bypass_dialog: Option<PathBuf>,
}

impl ImportState {
    /// Forget the check (the mapping or the options changed, so the plan no longer says what would happen).
    fn stale(&mut self) {
        self.checked = None;
        self.check_error = None;
        self.outcome = None;
        self.report_saved = None;
    }
}

/// Starts reading `path` on its own thread; the screen shows it when read.
pub fn open_file(app: &mut DeskApp, ctx: &egui::Context, path: PathBuf) {
    let profiles = app.import.profiles.take();
    let profiles_asked = app.import.profiles_asked;
    app.import = ImportState {
        file: Some(path.clone()),
        profiles,
        profiles_asked,
        bypass_dialog: app.import.bypass_dialog.take(),
        ..ImportState::default()
    };
    app.import.reading = Some(task::spawn(ctx, "import-read", move |_| {
        crate::services::exchange::import::read_file(&path, None, None)
    }));
}

/// Files dropped on the window open on the import screen.
pub fn take_dropped_files(app: &mut DeskApp, ctx: &egui::Context) {
    let dropped = ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .find(|p| !p.as_os_str().is_empty())
    });
    if let Some(path) = dropped {
        app.screen = super::Screen::Import;
        open_file(app, ctx, path);
    }
}

fn poll(app: &mut DeskApp, ctx: &egui::Context) {
    match task::poll(&mut app.import.reading) {
        Some(Ok(table)) => {
            let area = app
                .index()
                .map(|i| i.snapshot.area.clone())
                .unwrap_or_default();
            app.import.settings = Some(crate::services::exchange::import::plan::guess_settings(
                &table, &area,
            ));
            app.import.table = Some(Arc::new(table));
        }
        Some(Err(e)) => app.import.read_error = Some(e.words(&app.i18n).0),
        None => {}
    }
    match task::poll(&mut app.import.checking) {
        Some(Ok(dry)) => {
            if let Some(table) = &app.import.table {
                let file = app
                    .import
                    .file
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let report = ImportReport::new(&file, table, &dry.plan, false);
                app.import.checked = Some(Checked {
                    plan: Arc::new(dry.plan),
                    revision: dry.revision,
                    report,
                });
            }
        }
        Some(Err(TaskError::Failed(e))) => app.import.check_error = Some(e.words(&app.i18n)),
        Some(Err(e)) => app.import.check_error = Some(e.words(&app.i18n).0),
        None => {}
    }
    match task::poll(&mut app.import.dialog) {
        Some(Ok(Some(path))) => open_file(app, ctx, path),
        Some(Ok(None)) | None => {}
        Some(Err(e)) => app.report_task_error(e),
    }
    match task::poll(&mut app.import.report_saving) {
        Some(Ok(path)) => app.import.report_saved = Some(Ok(path)),
        Some(Err(TaskError::Failed(e))) => {
            app.import.report_saved = Some(Err(e.message(&app.i18n)));
        }
        Some(Err(e)) => app.import.report_saved = Some(Err(e.words(&app.i18n).0)),
        None => {}
    }
    match task::poll(&mut app.import.report_dialog) {
        Some(Ok(Some(path))) => save_report(app, ctx, path),
        Some(Ok(None)) | None => {}
        Some(Err(e)) => app.import.report_saved = Some(Err(e.words(&app.i18n).0)),
    }
}

/// The worker wrote the import (or did not).
pub fn on_committed(app: &mut DeskApp, result: Result<Written, Arc<WorkerError>>) {
    app.import.committing = false;
    app.task = None;
    let text = match &result {
        Ok(w) => app.i18n.tr_args(
            "import-done",
            &[
                ("added", w.cameras_added.to_string()),
                ("updated", w.cameras_updated.to_string()),
                ("sites", w.sites.to_string()),
            ],
        ),
        Err(e) => {
            app.report_worker_error("status-import-failed", e.clone());
            app.import.outcome = Some(result);
            return;
        }
    };
    app.status = Some((text, false));
    if result.is_ok() {
        // What was checked is now in the registry: a second click must not write it twice.
        app.import.checked = None;
    }
    app.import.outcome = Some(result);
}

fn native_dialog(
    ctx: &egui::Context,
    title: String,
    save_name: Option<String>,
    filter: (String, &'static [&'static str]),
) -> FileDialog {
    super::widgets::file_dialog(ctx, move || {
        let dialog = rfd::FileDialog::new()
            .set_title(title)
            .add_filter(filter.0, filter.1);
        match save_name {
            Some(name) => dialog.set_file_name(name).save_file(),
            None => dialog.pick_file(),
        }
    })
}

fn choose_file(app: &mut DeskApp, ctx: &egui::Context) {
    if let Some(path) = app.import.bypass_dialog.clone() {
        open_file(app, ctx, path);
        return;
    }
    if app.import.dialog.is_none() {
        app.import.dialog = Some(native_dialog(
            ctx,
            app.i18n.tr("import-choose-title"),
            None,
            (
                app.i18n.tr("import-choose-filter"),
                &["csv", "txt", "tsv", "xlsx", "xls", "ods", "geojson", "json"],
            ),
        ));
    }
}

/// Writes the report as CSV on its own thread (a 200,000-row file can have as many lines).
fn save_report(app: &mut DeskApp, ctx: &egui::Context, path: PathBuf) {
    let Some(checked) = &app.import.checked else {
        return;
    };
    let report = checked.report.clone();
    let lang = app.i18n.lang();
    app.import.report_saving = Some(task::spawn(ctx, "import-report", move |_| {
        let i18n = I18n::new(lang);
        crate::services::exchange::export::write_csv(&report.table(&i18n), &path).map(|_| path)
    }));
}

/// Starts the check on a background task (it reads the registry file read-only; the UI never opens it).
fn check(app: &mut DeskApp, ctx: &egui::Context) {
    let (Some(table), Some(settings)) = (app.import.table.clone(), app.import.settings.clone())
    else {
        return;
    };
    app.import.stale();
    let db = app.db_path.clone();
    let lang = app.i18n.lang();
    // A newer check replaces (and so cancels) an older one.
    app.import.checking = Some(task::spawn(ctx, "import-check", move |_| {
        crate::services::exchange::import::check_against_file(
            &db,
            &table,
            &settings,
            &I18n::new(lang),
        )
    }));
}

/// A mapping choice in words: the field's name, or "not imported".
fn choice_name(field: Option<ImportField>, i18n: &I18n) -> String {
    field.map_or_else(
        || i18n.tr("import-not-imported"),
        |f| i18n.tr(&f.i18n_key()),
    )
}

pub fn import_ui(app: &mut DeskApp, ui: &mut Ui) {
    let ctx = ui.ctx().clone();
    poll(app, &ctx);
    if !app.import.profiles_asked {
        app.import.profiles_asked = true;
        app.send(DeskCommand::LoadImportProfiles);
    }
    let mut choose = false;
    ui.horizontal(|ui| {
        ui.heading(app.i18n.tr("import-title"));
        ui.separator();
        choose = ui
            .add_enabled(
                !app.import.committing,
                egui::Button::new(app.i18n.tr("import-choose")),
            )
            .clicked();
        ui.label(RichText::new(app.i18n.tr("import-drop-hint")).weak());
    });
    if choose {
        choose_file(app, &ctx);
    }
    let Some(file) = app.import.file.clone() else {
        ui.add_space(12.0);
        ui.label(app.i18n.tr("import-intro"));
        return;
    };
    ui.label(RichText::new(file.display().to_string()).strong());
    if app.import.reading.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(app.i18n.tr("import-reading"));
        });
        return;
    }
    if let Some(e) = &app.import.read_error {
        ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
        return;
    }
    let Some(table) = app.import.table.clone() else {
        return;
    };
    ui.label(app.i18n.tr_args(
        "import-file-summary",
        &[
            ("rows", table.rows.len().to_string()),
            ("columns", table.headers.len().to_string()),
            ("format", table.format.name().to_string()),
        ],
    ));
    for note in &table.notes {
        ui.label(RichText::new(note).weak().small());
    }
    ui.separator();
    let before = app.import.settings.clone();
    options_ui(app, ui, &table);
    ui.add_space(4.0);
    mapping_ui(app, ui, &table);
    if app.import.settings != before {
        app.import.stale();
    }
    ui.add_space(6.0);
    let checking = app.import.checking.is_some();
    ui.horizontal(|ui| {
        let check_clicked = ui
            .add_enabled(
                !checking && !app.import.committing,
                egui::Button::new(app.i18n.tr("import-check")),
            )
            .clicked();
        if checking {
            ui.spinner();
            ui.label(app.i18n.tr("import-checking"));
        }
        if check_clicked {
            check(app, &ctx);
        }
    });
    if let Some(e) = &app.import.check_error {
        ui.label(RichText::new(e).color(ui.visuals().error_fg_color));
    }
    results_ui(app, ui, &ctx);
}

/// Profile, duplicate policy and defaults.
fn options_ui(app: &mut DeskApp, ui: &mut Ui, table: &SourceTable) {
    let area = app
        .index()
        .map(|i| i.snapshot.area.clone())
        .unwrap_or_default();
    let i18n = &app.i18n;
    let Some(settings) = app.import.settings.as_mut() else {
        return;
    };
    let mut save_profile = None;
    ui.horizontal_wrapped(|ui| {
        ui.horizontal(|ui| {
            let label = ui.label(i18n.tr("import-profile")).id;
            egui::ComboBox::from_id_salt("import_profile")
                .selected_text(i18n.tr("import-profile-choose"))
                .show_ui(ui, |ui| {
                    if ui.button(i18n.tr("import-profile-guess")).clicked() {
                        *settings =
                            crate::services::exchange::import::plan::guess_settings(table, &area);
                    }
                    for p in app.import.profiles.iter().flatten() {
                        if ui.button(&p.name).clicked() {
                            *settings = p.settings_for(&table.headers);
                        }
                    }
                })
                .response
                .labelled_by(label);
        });
        ui.separator();
        ui.horizontal(|ui| {
            let label = ui.label(i18n.tr("import-profile-name")).id;
            ui.add(egui::TextEdit::singleline(&mut app.import.profile_name).desired_width(160.0))
                .labelled_by(label);
        });
        if ui
            .add_enabled(
                !app.import.profile_name.trim().is_empty(),
                egui::Button::new(i18n.tr("import-profile-save")),
            )
            .clicked()
        {
            save_profile = Some(ImportProfile::from_settings(
                &app.import.profile_name,
                &table.headers,
                settings,
            ));
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.horizontal(|ui| {
            ui.label(i18n.tr("import-duplicates"));
            ui.radio_value(
                &mut settings.duplicates,
                DuplicatePolicy::Skip,
                i18n.tr("import-duplicates-skip"),
            );
            ui.radio_value(
                &mut settings.duplicates,
                DuplicatePolicy::Update,
                i18n.tr("import-duplicates-update"),
            );
        });
        ui.separator();
        let mut skip_near = settings.near_duplicates == NearDuplicatePolicy::Skip;
        if ui
            .checkbox(&mut skip_near, i18n.tr("import-near-duplicates-skip"))
            .on_hover_text(i18n.tr("import-near-duplicates-hover"))
            .changed()
        {
            settings.near_duplicates = if skip_near {
                NearDuplicatePolicy::Skip
            } else {
                NearDuplicatePolicy::Keep
            };
        }
        ui.separator();
        ui.horizontal(|ui| {
            let label = ui.label(i18n.tr("import-default-category")).id;
            egui::ComboBox::from_id_salt("import_category")
                .selected_text(i18n.tr(&settings.default_category.i18n_key()))
                .show_ui(ui, |ui| {
                    for c in OwnerCategory::ALL {
                        ui.selectable_value(
                            &mut settings.default_category,
                            c,
                            i18n.tr(&c.i18n_key()),
                        );
                    }
                })
                .response
                .labelled_by(label);
        });
        ui.horizontal(|ui| {
            let label = ui.label(i18n.tr("import-default-area")).id;
            egui::ComboBox::from_id_salt("import_area")
                .selected_text(i18n.tr(&settings.default_area.i18n_key()))
                .show_ui(ui, |ui| {
                    for a in AreaWatched::ALL {
                        ui.selectable_value(&mut settings.default_area, a, i18n.tr(&a.i18n_key()));
                    }
                })
                .response
                .labelled_by(label);
        });
    });
    if let Some(profile) = save_profile {
        app.send(DeskCommand::SaveImportProfile(profile));
        app.status = Some((
            app.i18n.tr_args(
                "import-profile-saved",
                &[("name", app.import.profile_name.trim().to_string())],
            ),
            false,
        ));
    }
}

/// A cell as the preview shows it: never a password (a password column is masked, and `user:password@` is taken
/// out of any address), on one line.
pub fn preview_text(cell: &str, secret: bool) -> String {
    if secret {
        return if cell.is_empty() {
            String::new()
        } else {
            "••••••".into()
        };
    }
    let one_line = cell.replace(['\n', '\r'], " ");
    if one_line.contains("://") {
        crate::services::exchange::export::strip_credentials(&one_line)
    } else {
        one_line
    }
}

/// Each column: its header, the field it is mapped to, and the first rows' values.
fn mapping_ui(app: &mut DeskApp, ui: &mut Ui, table: &SourceTable) {
    let i18n = &app.i18n;
    let Some(settings) = app.import.settings.as_mut() else {
        return;
    };
    let mut changed: Option<(usize, Option<ImportField>)> = None;
    egui::ScrollArea::horizontal()
        .id_salt("import_mapping_scroll")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt("import_mapping")
                .striped(true)
                .vscroll(false)
                .columns(
                    Column::initial(150.0)
                        .at_least(90.0)
                        .clip(true)
                        .resizable(true),
                    table.headers.len(),
                )
                .header(2.0 * ROW_HEIGHT + 8.0, |mut header| {
                    for (c, name) in table.headers.iter().enumerate() {
                        header.col(|ui| {
                            ui.vertical(|ui| {
                                let label = ui.label(RichText::new(name).strong()).id;
                                let current = settings.mapping.get(c).copied().flatten();
                                egui::ComboBox::from_id_salt(("import_map", c))
                                    .width(140.0)
                                    .selected_text(choice_name(current, i18n))
                                    .show_ui(ui, |ui| {
                                        if ui
                                            .selectable_label(
                                                current.is_none(),
                                                choice_name(None, i18n),
                                            )
                                            .clicked()
                                        {
                                            changed = Some((c, None));
                                        }
                                        for f in ImportField::ALL {
                                            if ui
                                                .selectable_label(
                                                    current == Some(f),
                                                    choice_name(Some(f), i18n),
                                                )
                                                .clicked()
                                            {
                                                changed = Some((c, Some(f)));
                                            }
                                        }
                                    })
                                    .response
                                    .labelled_by(label);
                            });
                        });
                    }
                })
                .body(|mut body| {
                    for row in table.rows.iter().take(PREVIEW_ROWS) {
                        body.row(ROW_HEIGHT, |mut r| {
                            for (c, cell) in row.cells.iter().enumerate() {
                                let secret = settings.mapping.get(c).copied().flatten()
                                    == Some(ImportField::Password)
                                    || crate::model::import::guess_field(&table.headers[c])
                                        == Some(ImportField::Password);
                                r.col(|ui| {
                                    ui.label(preview_text(cell, secret));
                                });
                            }
                        });
                    }
                });
        });
    if let Some((column, field)) = changed {
        // One column per field: giving a field to this column takes it from any other.
        if let Some(f) = field {
            for slot in &mut settings.mapping {
                if *slot == Some(f) {
                    *slot = None;
                }
            }
        }
        if let Some(slot) = settings.mapping.get_mut(column) {
            *slot = field;
        }
    }
}

/// The check's counts and lines, and the buttons to write the import and save the report.
fn results_ui(app: &mut DeskApp, ui: &mut Ui, ctx: &egui::Context) {
    if let Some(outcome) = &app.import.outcome {
        let text = match outcome {
            Ok(w) => RichText::new(app.i18n.tr_args(
                "import-done",
                &[
                    ("added", w.cameras_added.to_string()),
                    ("updated", w.cameras_updated.to_string()),
                    ("sites", w.sites.to_string()),
                ],
            ))
            .strong(),
            Err(e) => {
                RichText::new(crate::services::error_words::error_text(&app.i18n, e.as_ref()).0)
                    .color(ui.visuals().error_fg_color)
            }
        };
        ui.label(text);
    }
    let Some(checked) = &app.import.checked else {
        return;
    };
    let i18n = &app.i18n;
    let r = &checked.report;
    ui.separator();
    ui.horizontal_wrapped(|ui| {
        for (key, n) in [
            ("import-count-add", r.added),
            ("import-count-update", r.updated),
            ("import-count-unchanged", r.unchanged),
            ("import-count-skip", r.skipped),
            ("import-count-refuse", r.refused),
            ("import-count-sites", r.new_sites),
            ("import-count-private", r.rejected_private),
            ("import-count-possible-duplicates", r.possible_duplicates),
        ] {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.label(RichText::new(i18n.tr(key)).weak());
                    ui.label(
                        RichText::new(crate::i18n::indian_grouping(n as i64))
                            .size(20.0)
                            .strong(),
                    );
                });
            });
        }
    });
    let to_write = r.added + r.updated;
    let mut commit = false;
    let mut cancel = false;
    let mut save = false;
    ui.horizontal(|ui| {
        commit = ui
            .add_enabled(
                to_write > 0 && !app.import.committing,
                egui::Button::new(
                    RichText::new(
                        i18n.tr_args("import-commit", &[("count", to_write.to_string())]),
                    )
                    .strong(),
                ),
            )
            .clicked();
        if app.import.committing {
            let fraction = app
                .task
                .filter(|(t, _)| *t == "import")
                .map_or(0.0, |(_, f)| f);
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(200.0)
                    .show_percentage(),
            );
            cancel = ui.button(i18n.tr("import-cancel")).clicked();
        }
        ui.separator();
        save = ui.button(i18n.tr("import-save-report")).clicked();
        if let Some(saved) = &app.import.report_saved {
            match saved {
                Ok(p) => ui.label(
                    RichText::new(
                        i18n.tr_args("import-report-saved", &[("path", p.display().to_string())]),
                    )
                    .weak(),
                ),
                Err(e) => ui.label(RichText::new(e).color(ui.visuals().error_fg_color)),
            };
        }
    });
    // Which columns gave the points and which were passed over (the file's own notes are shown above).
    for note in &checked.plan.column_notes {
        ui.label(RichText::new(note).weak());
    }
    lines_ui(r, i18n, ui);
    if commit {
        let plan = checked.plan.clone();
        let revision = checked.revision;
        let source_name = app
            .import
            .file
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        app.import.committing = true;
        app.import.outcome = None;
        app.task = Some(("import", 0.0));
        app.send(DeskCommand::ImportCommit {
            plan,
            revision,
            source_name,
        });
    }
    if cancel {
        app.cancel_task();
    }
    if save {
        if let Some(path) = app.import.bypass_dialog.clone() {
            save_report(app, ctx, path);
        } else if app.import.report_dialog.is_none() {
            let name = app
                .import
                .file
                .as_ref()
                .and_then(|p| p.file_stem())
                .map_or_else(
                    || "import".to_string(),
                    |s| s.to_string_lossy().into_owned(),
                );
            app.import.report_dialog = Some(native_dialog(
                ctx,
                app.i18n.tr("import-save-report"),
                Some(format!("{name}-import-report.csv")),
                ("CSV".to_string(), &["csv"]),
            ));
        }
    }
}

/// Every refusal, skip and note, in row order, drawn row by row (a 200,000-row file can have many).
fn lines_ui(r: &ImportReport, i18n: &I18n, ui: &mut Ui) {
    let lines = r.lines();
    if lines.is_empty() {
        return;
    }
    ui.add_space(4.0);
    let height = ui.available_height().max(200.0);
    TableBuilder::new(ui)
        .id_salt("import_lines")
        .striped(true)
        .max_scroll_height(height)
        .column(Column::initial(60.0))
        .column(Column::initial(90.0))
        .column(Column::initial(150.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(ROW_HEIGHT, |mut h| {
            for key in [
                "import-col-row",
                "import-col-what",
                "import-col-field",
                "import-col-why",
            ] {
                h.col(|ui| {
                    ui.label(RichText::new(i18n.tr(key)).strong());
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, lines.len(), |mut row| {
                let (kind, line) = lines[row.index()];
                row.col(|ui| {
                    ui.label(line.row.to_string());
                });
                row.col(|ui| {
                    let colour = match kind {
                        LineKind::Refused => ui.visuals().error_fg_color,
                        LineKind::Skipped => ui.visuals().warn_fg_color,
                        LineKind::Note => ui.visuals().weak_text_color(),
                    };
                    ui.label(RichText::new(i18n.tr(kind.i18n_key())).color(colour));
                });
                row.col(|ui| {
                    ui.label(crate::services::exchange::import::field_name(
                        &line.field,
                        i18n,
                    ));
                });
                row.col(|ui| {
                    ui.label(&line.reason);
                });
            });
        });
}
