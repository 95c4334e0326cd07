//! "Export…" on the supervisor's screens: pick a list and a format, name the file in the native save dialog,
//! and the list is written on its own thread (a 200,000-camera list takes seconds) while the window goes on.
//!
//! The dialog runs on its own thread too (GTK's dialog loop would otherwise freeze the frame). Tests set
//! [`ExportState::bypass_dialog`] to a path, and everything after the dialog is the same code a user runs.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::DeskApp;
use super::task::{self, TaskError, TaskHandle};
use super::widgets::FileDialog;
use crate::i18n::I18n;
use crate::services::exchange::export::{self, ExportFormat, ExportList, Written};

/// How one export ended.
#[derive(Debug, Clone)]
pub struct ExportOutcome {
    pub list: ExportList,
    pub format: ExportFormat,
    pub path: PathBuf,
    /// What was written, or why not (said in the desk's language when shown).
    pub result: Result<Written, std::sync::Arc<export::ExportJobError>>,
}

/// An export being written, and what its outcome will say.
struct Running {
    list: ExportList,
    format: ExportFormat,
    path: PathBuf,
    task: TaskHandle<Written, export::ExportJobError>,
}

/// The screens' shared export state.
#[derive(Default)]
pub struct ExportState {
    /// The list and format being exported, and the save dialog's answer (the file, or `None` if the user
    /// cancelled).
    dialog: Option<(ExportList, ExportFormat, FileDialog)>,
    /// An export being written.
    running: Option<Running>,
    /// The newest export's outcome, shown beside the button until the next one.
    pub last: Option<ExportOutcome>,
    /// Tests: write here instead of asking with the native dialog.
    pub bypass_dialog: Option<PathBuf>,
    /// A table the screen built as it shows it (the audit log's filtered entries), written instead of one
    /// read from the registry; taken by the export it was built for.
    prepared: Option<(ExportList, export::ExportTable)>,
}

impl ExportState {
    /// An export is being asked for or written.
    pub fn busy(&self) -> bool {
        self.dialog.is_some() || self.running.is_some()
    }
}

/// The file formats a list can be written in.
fn formats(list: ExportList) -> &'static [ExportFormat] {
    if list.has_points() {
        &[ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::GeoJson]
    } else {
        &[ExportFormat::Csv, ExportFormat::Xlsx]
    }
}

fn extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Xlsx => "xlsx",
        ExportFormat::GeoJson => "geojson",
    }
}

fn list_name(list: ExportList, i18n: &I18n) -> String {
    match list {
        ExportList::Sites => i18n.tr("export-list-sites"),
        ExportList::Cameras => i18n.tr("export-list-cameras"),
        ExportList::Gaps => i18n.tr("export-list-gaps"),
        ExportList::Blocked => i18n.tr("export-list-blocked"),
        ExportList::Weekly(week) => i18n.tr_args("export-list-weekly", &[("week", week.label())]),
        ExportList::Audit => i18n.tr("export-list-audit"),
    }
}

fn format_name(format: ExportFormat, i18n: &I18n) -> String {
    match format {
        ExportFormat::Csv => i18n.tr("export-format-csv"),
        ExportFormat::Xlsx => i18n.tr("export-format-xlsx"),
        ExportFormat::GeoJson => i18n.tr("export-format-geojson"),
    }
}

/// The "Export…" menu for `lists`, and the line saying how the last export went.
pub fn export_menu(app: &mut DeskApp, ui: &mut Ui, lists: &[ExportList]) {
    export_menu_with(app, ui, lists, |_, _| None);
}

/// The "Export…" menu, where `prepare` may build the chosen list's table as the screen shows it (it runs once,
/// when a list is chosen); `None` reads the list from the registry.
pub fn export_menu_with(
    app: &mut DeskApp,
    ui: &mut Ui,
    lists: &[ExportList],
    prepare: impl FnOnce(&DeskApp, ExportList) -> Option<export::ExportTable>,
) {
    poll(app);
    let mut chosen = None;
    let busy = app.exports.busy();
    ui.add_enabled_ui(!busy, |ui| {
        ui.menu_button(app.i18n.tr("export-button"), |ui| {
            for &list in lists {
                for &format in formats(list) {
                    let text = app.i18n.tr_args(
                        "export-menu-item",
                        &[
                            ("list", list_name(list, &app.i18n)),
                            ("format", format_name(format, &app.i18n)),
                        ],
                    );
                    if ui.button(text).clicked() {
                        chosen = Some((list, format));
                        ui.close();
                    }
                }
            }
        });
    });
    if let Some((list, format)) = chosen {
        app.exports.prepared = prepare(app, list).map(|t| (list, t));
        ask_for_file(app, ui.ctx(), list, format);
    }
    if let Some(Running { list, .. }) = &app.exports.running {
        ui.spinner();
        ui.label(
            app.i18n
                .tr_args("export-writing", &[("list", list_name(*list, &app.i18n))]),
        );
    } else if let Some(outcome) = &app.exports.last
        && lists.contains(&outcome.list)
    {
        match &outcome.result {
            Ok(_) => {
                ui.label(RichText::new(outcome_text(outcome, &app.i18n)).weak());
            }
            Err(e) => {
                let line = ui
                    .label(RichText::new(e.message(&app.i18n)).color(ui.visuals().error_fg_color));
                // The system's own words stay on hover, for whoever fixes it.
                if let Some(details) = e.details() {
                    line.on_hover_text(app.i18n.tr_args("status-details", &[("details", details)]));
                }
            }
        }
    }
}

/// "Wrote 12 coverage gaps to … (CSV, 3 KB)".
fn outcome_text(outcome: &ExportOutcome, i18n: &I18n) -> String {
    match &outcome.result {
        Ok(written) => {
            let done = i18n.tr_args(
                outcome.list.done_key(),
                &[
                    ("rows", written.rows.to_string()),
                    ("path", outcome.path.display().to_string()),
                    ("format", outcome.format.name().to_string()),
                    ("size", export::size_text(written.bytes)),
                ],
            );
            match written.cut_note(i18n) {
                Some(note) => format!("{done} {note}"),
                None => done,
            }
        }
        Err(e) => e.message(i18n),
    }
}

/// Opens the save dialog on its own thread (or takes the tests' path).
fn ask_for_file(app: &mut DeskApp, ctx: &egui::Context, list: ExportList, format: ExportFormat) {
    if app.exports.busy() {
        return;
    }
    if let Some(path) = app.exports.bypass_dialog.clone() {
        start(app, ctx, list, format, path);
        return;
    }
    let title = app.i18n.tr_args(
        "export-dialog-title",
        &[("list", list_name(list, &app.i18n))],
    );
    let filter = format_name(format, &app.i18n);
    let file_name = format!(
        "{}.{}",
        list.file_stem(app.clock.now_unix_s()),
        extension(format)
    );
    let start_dir = app
        .remembered_export_dir()
        .map(std::path::Path::to_path_buf)
        .or_else(|| directories::UserDirs::new().and_then(|d| d.document_dir().map(Into::into)));
    let asked = super::widgets::file_dialog(ctx, move || {
        let mut dialog = rfd::FileDialog::new()
            .set_title(title)
            .set_file_name(file_name)
            .add_filter(filter, &[extension(format)]);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        dialog.save_file()
    });
    app.exports.dialog = Some((list, format, asked));
}

/// Writes the list on a background task (it reads the registry file read-only; the UI never opens it).
fn start(
    app: &mut DeskApp,
    ctx: &egui::Context,
    list: ExportList,
    format: ExportFormat,
    path: PathBuf,
) {
    let db = app.db_path.clone();
    let lang = app.i18n.lang();
    let prepared = app
        .exports
        .prepared
        .take()
        .filter(|(l, _)| *l == list)
        .map(|(_, t)| t);
    let target = path.clone();
    let now_unix_s = app.clock.now_unix_s();
    let task = task::spawn(ctx, "export", move |_| {
        crate::services::background::lower_this_thread_priority();
        export::export_job(
            &db,
            list,
            format,
            &target,
            prepared,
            now_unix_s,
            &I18n::new(lang),
        )
    });
    app.exports.running = Some(Running {
        list,
        format,
        path,
        task,
    });
}

/// Takes the dialog's answer and the export's outcome when they arrive.
fn poll(app: &mut DeskApp) {
    if let Some((list, format, asked)) = app.exports.dialog.take() {
        match asked.try_finish() {
            Err(asked) => app.exports.dialog = Some((list, format, asked)),
            Ok(Ok(Some(path))) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    app.remember_export_dir(dir.to_path_buf());
                }
                if let Some(ctx) = app.ctx.clone() {
                    start(app, &ctx, list, format, path);
                }
            }
            Ok(answer) => {
                app.exports.prepared = None;
                match answer {
                    Err(TaskError::NotStarted { .. }) => {
                        app.push_status_key("export-no-dialog", &[], true);
                    }
                    Err(e) => app.report_task_error(e),
                    Ok(_) => {}
                }
            }
        }
    }
    if let Some(running) = app.exports.running.take() {
        let Running {
            list,
            format,
            path,
            task,
        } = running;
        let result = match task.try_finish() {
            Err(task) => {
                app.exports.running = Some(Running {
                    list,
                    format,
                    path,
                    task,
                });
                return;
            }
            Ok(Ok(written)) => Ok(written),
            Ok(Err(TaskError::Failed(e))) => Err(std::sync::Arc::new(e)),
            Ok(Err(e)) => {
                app.report_task_error(e);
                return;
            }
        };
        let outcome = ExportOutcome {
            list,
            format,
            path,
            result,
        };
        // Said in the desk's language each time it changes, naming the list's file.
        let said = outcome.clone();
        app.push_worded(said.result.is_err(), move |i18n| {
            let details = said.result.as_ref().err().and_then(|e| e.details());
            (outcome_text(&said, i18n), details)
        });
        app.exports.last = Some(outcome);
    }
}
