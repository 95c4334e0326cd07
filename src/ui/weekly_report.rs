//! The review screen's "Printable report" button: the registry worker writes the shown week's report (see
//! [`crate::services::review::weekly_report`]) in the desk's language into the user's cache folder
//! (`~/.cache/iccc-desk/reports/weekly-2026-W48-en.html` on Linux), then the system's viewer opens it for
//! printing. Nothing here waits: the worker reads and writes, and the viewer is started and waited for on a
//! thread of its own. When no viewer starts, the status line says so and names the file.
//!
//! `ICCC_DESK_NO_VIEWER=1` writes the report without opening it (tests, machines without a desktop).

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use egui::Ui;

use super::DeskApp;
use super::task::{self, TaskHandle};
use crate::services::exchange::export::{Written, size_text};
use crate::services::registry_worker::DeskCommand;
use crate::services::review::weekly::IsoWeek;
use crate::services::review::weekly_report::{ReportError, report_file_name};

/// Environment variable that keeps the desk from opening written reports in a viewer ("1", or any value but
/// "0" and empty).
pub const NO_VIEWER_ENV: &str = "ICCC_DESK_NO_VIEWER";

/// The printable report's state on the desk.
pub struct PrintableState {
    /// Folder the reports are written into; `None` for the user's cache folder (tests name their own).
    pub folder: Option<PathBuf>,
    /// Whether a written report is opened in the system's viewer (off when [`NO_VIEWER_ENV`] is set).
    pub open_viewer: bool,
    /// The last report written.
    pub last_written: Option<PathBuf>,
    /// A report is being written; the button waits. A `Cell` because the button is drawn while the review
    /// screen holds the desk borrowed.
    writing: Cell<bool>,
    /// The viewer launch for the last report, until it ends.
    viewer: Option<(PathBuf, TaskHandle<(), ViewerError>)>,
}

impl Default for PrintableState {
    fn default() -> Self {
        let no_viewer = std::env::var_os(NO_VIEWER_ENV).is_some_and(|v| !v.is_empty() && v != "0");
        Self {
            folder: None,
            open_viewer: !no_viewer,
            last_written: None,
            writing: Cell::new(false),
            viewer: None,
        }
    }
}

impl PrintableState {
    /// True while the worker writes a report.
    pub fn is_writing(&self) -> bool {
        self.writing.get()
    }

    /// Where the report of `week` in the desk's language goes.
    fn target(&self, week: IsoWeek, lang: crate::i18n::Lang) -> PathBuf {
        let folder = self.folder.clone().unwrap_or_else(default_folder);
        folder.join(report_file_name(week, lang))
    }
}

/// Why the system's viewer did not open a report.
#[derive(Debug, thiserror::Error)]
pub enum ViewerError {
    /// The launcher could not be started (not installed, not executable).
    #[error("{program}: {source}")]
    Start {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// Waiting for the launcher failed.
    #[error("{program}: {source}")]
    Wait {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// The launcher said it could not open the file.
    #[error("{program}: {status}")]
    Refused {
        program: String,
        status: std::process::ExitStatus,
    },
}

/// `reports/` in the user's cache folder for iccc-desk; the system's temporary folder when there is no home.
pub fn default_folder() -> PathBuf {
    directories::ProjectDirs::from("in", "ICCC", "iccc-desk").map_or_else(
        || std::env::temp_dir().join("iccc-desk-reports"),
        |d| d.cache_dir().join("reports"),
    )
}

/// The "Printable report" button for `week` (in the review screen's header row).
pub fn printable_button_ui(app: &DeskApp, ui: &mut Ui, week: IsoWeek) {
    let state = &app.printable;
    let writing = state.is_writing();
    let response = ui
        .add_enabled(!writing, egui::Button::new(app.i18n.tr("review-printable")))
        .on_hover_text(app.i18n.tr("review-printable-hint"));
    if writing {
        ui.spinner()
            .on_hover_text(app.i18n.tr("review-printable-writing"));
    }
    if response.clicked() {
        state.writing.set(true);
        let lang = app.i18n.lang();
        app.send(DeskCommand::WriteWeeklyReport {
            week,
            lang,
            path: state.target(week, lang),
        });
    }
}

/// The worker wrote the report (or could not): say so, and open it.
pub(super) fn on_written(app: &mut DeskApp, path: PathBuf, result: Result<Written, ReportError>) {
    app.printable.writing.set(false);
    let written = match result {
        Ok(w) => w,
        Err(e) => {
            app.status = Some((e.message(&app.i18n), true));
            return;
        }
    };
    let args = [
        ("path", path.display().to_string()),
        ("size", size_text(written.bytes)),
    ];
    app.printable.last_written = Some(path.clone());
    if !app.printable.open_viewer {
        app.status = Some((app.i18n.tr_args("review-printable-written", &args), false));
        return;
    }
    app.status = Some((app.i18n.tr_args("review-printable-opening", &args), false));
    // Without a window (unit tests) nobody is woken; the next poll still finds the outcome.
    let ctx = app.ctx.clone().unwrap_or_default();
    let launch = open_in_viewer(&ctx, path.clone());
    app.printable.viewer = Some((path, launch));
}

/// Once a frame: when the viewer did not start, say so and where the file is.
pub(super) fn poll_viewer(app: &mut DeskApp) {
    let Some((path, launch)) = app.printable.viewer.take() else {
        return;
    };
    let detail = match launch.try_finish() {
        Err(launch) => {
            app.printable.viewer = Some((path, launch));
            return;
        }
        Ok(Ok(())) => return,
        // Why the launcher failed, or that its thread could not start.
        Ok(Err(e)) => e.words(&app.i18n).0,
    };
    app.status = Some((
        app.i18n.tr_args(
            "review-printable-no-viewer",
            &[("path", path.display().to_string()), ("detail", detail)],
        ),
        true,
    ));
}

/// The platform's "open this file with its usual program" command.
fn viewer_command(path: &Path) -> Command {
    #[cfg(target_os = "windows")]
    {
        // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one.
        let mut c = Command::new("cmd");
        c.args(["/c", "start", ""]).arg(path);
        c
    }
    #[cfg(target_os = "macos")]
    {
        let mut c = Command::new("open");
        c.arg(path);
        c
    }
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        let mut c = Command::new("xdg-open");
        c.arg(path);
        c
    }
}

/// Starts the viewer on `path` from a thread of its own, which also waits for the launcher to exit (so no zombie
/// process is left) and reports whether it started.
fn open_in_viewer(ctx: &egui::Context, path: PathBuf) -> TaskHandle<(), ViewerError> {
    task::spawn(ctx, "report-viewer", move |_| {
        let mut command = viewer_command(&path);
        let program = command.get_program().to_string_lossy().into_owned();
        let mut child = match command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(source) => return Err(ViewerError::Start { program, source }),
        };
        match child.wait() {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(ViewerError::Refused { program, status }),
            Err(source) => Err(ViewerError::Wait { program, source }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desk() -> DeskApp {
        DeskApp::new(
            PathBuf::from("/nonexistent/registry.sqlite"),
            PathBuf::from("/nonexistent/keys"),
            None,
        )
    }

    #[test]
    fn a_written_report_is_named_and_a_missing_viewer_is_said() {
        let mut app = desk();
        app.printable.open_viewer = false;
        app.printable.writing.set(true);
        let path = PathBuf::from("/tmp/reports/weekly-2026-W48-en.html");
        on_written(
            &mut app,
            path.clone(),
            Ok(Written {
                rows: 3,
                bytes: 412 * 1024,
                cut_cells: 0,
            }),
        );
        assert!(!app.printable.is_writing());
        assert_eq!(app.printable.last_written.as_deref(), Some(path.as_path()));
        assert_eq!(
            app.status,
            Some((
                "Wrote the printable report /tmp/reports/weekly-2026-W48-en.html (412 KB)".into(),
                false
            ))
        );

        // The viewer launcher reported that it could not start: the path is shown instead.
        let (tx, rx) = std::sync::mpsc::channel();
        let launch = task::spawn(&egui::Context::default(), "t-viewer", move |_| {
            let source =
                std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory");
            let _ = rx.recv();
            Err::<(), _>(ViewerError::Start {
                program: "xdg-open".into(),
                source,
            })
        });
        app.printable.viewer = Some((path.clone(), launch));
        poll_viewer(&mut app);
        assert!(app.printable.viewer.is_some(), "still waiting");
        tx.send(()).unwrap();
        if let Some((_, launch)) = &mut app.printable.viewer {
            launch.block_until_ended();
        }
        poll_viewer(&mut app);
        let (text, is_error) = app.status.clone().unwrap();
        assert!(is_error);
        assert!(
            text.contains("no viewer could open it (the file, folder or address was not found)")
                && text.contains("open /tmp/reports/weekly-2026-W48-en.html yourself"),
            "{text}"
        );
        assert!(app.printable.viewer.is_none());
    }

    #[test]
    fn a_report_that_could_not_be_written_says_why() {
        let mut app = desk();
        app.printable.writing.set(true);
        let path = PathBuf::from("/proc/x.html");
        let e = crate::services::exchange::export::ExportError::ReadOnly {
            path: path.clone(),
            folder: PathBuf::from("/proc"),
            detail: "permission denied".into(),
        };
        on_written(&mut app, path, Err(ReportError::Write(e)));
        assert!(!app.printable.is_writing());
        assert!(app.printable.last_written.is_none());
        let (text, is_error) = app.status.clone().unwrap();
        assert!(
            is_error && text.contains("read-only or not writable"),
            "{text}"
        );
    }
}
