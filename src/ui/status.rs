//! The status bar's message and its history. A message is always in the desk's language: an error that
//! carries an OS error's text is put in words from the catalogue, and the technical text is kept as details
//! (on hover) for whoever fixes it. The last [`HISTORY_LEN`] messages can be read again, newest first.

use std::collections::VecDeque;
use std::sync::Arc;

use egui::{RichText, Ui};

use super::DeskApp;
use crate::i18n::I18n;

/// How a message is put into words (its text, and the technical details behind it): asked again whenever the
/// desk's language changes, so a message never stays in the language it was first shown in.
#[derive(Clone)]
pub struct Wording(Arc<Say>);

/// Text and details in one language.
type Say = dyn Fn(&I18n) -> (String, Option<String>);

impl Wording {
    fn say(&self, i18n: &I18n) -> (String, Option<String>) {
        (self.0)(i18n)
    }
}

impl std::fmt::Debug for Wording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Wording(..)")
    }
}

impl PartialEq for Wording {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Wording {}

/// How many messages the history keeps.
pub const HISTORY_LEN: usize = 50;

/// One message as the status bar showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub at_unix_s: i64,
    pub is_error: bool,
    /// In the desk's language at the time.
    pub text: String,
    /// The technical text behind an error, when there is one.
    pub details: Option<String>,
    /// How the text and details were made, so a change of language says them again in the new language.
    pub wording: Option<Wording>,
}

/// The history, and the message last taken into it (code that sets `DeskApp::status` directly is noticed by
/// comparing with it once a frame).
#[derive(Default)]
pub struct StatusLog {
    entries: VecDeque<StatusEntry>,
    taken: Option<(String, bool)>,
    open: bool,
}

impl DeskApp {
    /// Shows `text` in the status bar and keeps it in the history.
    pub fn push_status(&mut self, text: String, is_error: bool) {
        let (text, details) =
            match crate::services::error_words::raw_os_error_words(&self.i18n, &text) {
                Some(words) => (words, Some(text)),
                None => (text, None),
            };
        self.push_entry(text, is_error, details, None);
    }

    /// Shows the catalogue's `key` with `args`; it is said again in the new language when the language changes.
    pub fn push_status_key(&mut self, key: &str, args: &[(&str, String)], is_error: bool) {
        let key = key.to_string();
        let args: Vec<(String, String)> = args
            .iter()
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect();
        self.push_worded(is_error, move |i18n| {
            let args: Vec<(&str, String)> =
                args.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            (i18n.tr_args(&key, &args), None)
        });
    }

    /// Shows the message `wording` makes (text and details) in the desk's language, now and after every change
    /// of language.
    pub fn push_worded(
        &mut self,
        is_error: bool,
        wording: impl Fn(&I18n) -> (String, Option<String>) + 'static,
    ) {
        let wording = Wording(Arc::new(wording));
        let (text, details) = wording.say(&self.i18n);
        self.push_entry(text, is_error, details, Some(wording));
    }

    /// Says the current message and the history again in the desk's (new) language, where they came from the
    /// catalogue.
    pub(super) fn retranslate_status(&mut self) {
        let current_is_newest = self.status.is_some() && self.status == self.status_log.taken;
        for entry in &mut self.status_log.entries {
            if let Some(wording) = &entry.wording {
                (entry.text, entry.details) = wording.say(&self.i18n);
            }
        }
        if current_is_newest && let Some(newest) = self.status_log.entries.front() {
            self.status = Some((newest.text.clone(), newest.is_error));
            self.status_log.taken = self.status.clone();
        }
    }

    /// Shows a failure: the catalogue's `context_key` sentence with `{ $reason }` in words, the error's own text
    /// as details.
    pub fn report_error<E: std::error::Error + 'static>(
        &mut self,
        context_key: &'static str,
        error: E,
    ) {
        self.push_worded(true, move |i18n| {
            let (reason, details) = crate::services::error_words::error_words(i18n, &error);
            (
                i18n.tr_args(context_key, &[("reason", reason)]),
                Some(details),
            )
        });
    }

    /// Shows a background task that did not end well, in the desk's language, its technical text as details.
    pub fn report_task_error<E: std::error::Error + 'static>(
        &mut self,
        error: super::task::TaskError<E>,
    ) {
        self.push_worded(true, move |i18n| {
            let (text, details) = error.words(i18n);
            (text, Some(details))
        });
    }

    /// Shows a worker's failure: the catalogue's `context_key` sentence with `{ $error }` the error in the desk's
    /// language, the error's own text as details.
    pub fn report_worker_error<E: std::error::Error + 'static>(
        &mut self,
        context_key: &'static str,
        error: Arc<E>,
    ) {
        self.push_worded(true, move |i18n| {
            let (words, details) = crate::services::error_words::error_text(i18n, &*error);
            (
                i18n.tr_args(context_key, &[("error", words)]),
                Some(details),
            )
        });
    }

    fn push_entry(
        &mut self,
        text: String,
        is_error: bool,
        details: Option<String>,
        wording: Option<Wording>,
    ) {
        self.status = Some((text.clone(), is_error));
        self.status_log.taken = self.status.clone();
        self.status_log.entries.push_front(StatusEntry {
            at_unix_s: self.clock.now_unix_s(),
            is_error,
            text,
            details,
            wording,
        });
        self.status_log.entries.truncate(HISTORY_LEN);
    }

    /// The last messages, newest first.
    pub fn status_history(&self) -> Vec<StatusEntry> {
        self.status_log.entries.iter().cloned().collect()
    }

    /// Takes a message set straight into `status` into the history (and into words).
    fn take_status(&mut self) {
        if self.status != self.status_log.taken {
            match self.status.clone() {
                Some((text, is_error)) => self.push_status(text, is_error),
                None => self.status_log.taken = None,
            }
        }
    }
}

/// The status bar's message (cut to the room left, with the whole text and the details on hover) and the
/// button that opens the history.
pub fn status_message_ui(app: &mut DeskApp, ui: &mut Ui) {
    app.take_status();
    if ui
        .small_button(app.i18n.tr("status-history"))
        .on_hover_text(app.i18n.tr("status-history-title"))
        .clicked()
    {
        app.status_log.open = !app.status_log.open;
    }
    if let Some((text, is_error)) = &app.status {
        ui.separator();
        let colour = if *is_error {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().text_color()
        };
        let details = app
            .status_log
            .entries
            .front()
            .filter(|e| e.text == *text)
            .and_then(|e| e.details.clone());
        let mut hover = text.clone();
        if let Some(d) = details {
            hover.push_str("\n\n");
            hover.push_str(&app.i18n.tr_args("status-details", &[("details", d)]));
        }
        ui.add(egui::Label::new(RichText::new(text).color(colour)).truncate())
            .on_hover_text(hover);
    }
    history_window_ui(app, ui.ctx());
}

/// The history window: time, level and text of each kept message, newest first.
fn history_window_ui(app: &mut DeskApp, ctx: &egui::Context) {
    let mut open = app.status_log.open;
    let i18n = &app.i18n;
    egui::Window::new(i18n.tr("status-history-title"))
        .open(&mut open)
        .default_width(640.0)
        .vscroll(true)
        .show(ctx, |ui| {
            if app.status_log.entries.is_empty() {
                ui.label(i18n.tr("status-history-empty"));
            }
            egui::Grid::new("status-history-grid")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    for e in &app.status_log.entries {
                        ui.label(crate::model::ist_datetime(e.at_unix_s));
                        let (key, colour) = if e.is_error {
                            ("status-level-error", ui.visuals().error_fg_color)
                        } else {
                            ("status-level-info", ui.visuals().text_color())
                        };
                        ui.label(RichText::new(i18n.tr(key)).color(colour));
                        let r = ui.add(egui::Label::new(e.text.as_str()).wrap());
                        if let Some(d) = &e.details {
                            r.on_hover_text(
                                i18n.tr_args("status-details", &[("details", d.clone())]),
                            );
                        }
                        ui.end_row();
                    }
                });
        });
    app.status_log.open = open;
}
