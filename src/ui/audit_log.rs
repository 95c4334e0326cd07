//! The audit log screen: who changed what and when, in words a supervisor reads, filtered by who, what and
//! when.

use egui::Ui;
use egui_extras::{Column, TableBuilder};

use super::DeskApp;
use super::registry_screen::{ROW_HEIGHT, cell};
use crate::model::ist_datetime;
use crate::services::exchange::export::ExportList;
use crate::services::registry_worker::DeskCommand;
use crate::store::AuditEntry;

/// State of the audit screen.
#[derive(Default)]
pub struct AuditScreen {
    pub requested: bool,
    /// Filters: who (part of a user name), what (an action kind), when (the last N days; 0 = all, and from/to
    /// IST dates, "2026-11-25", both days included; empty = open).
    pub who: String,
    pub what: Option<String>,
    pub last_days: u32,
    pub from: String,
    pub to: String,
}

/// A typed date, its day's start (unix s), and whether the text is a date; empty means no bound.
fn date_bound(text: &str) -> (Option<i64>, bool) {
    if text.trim().is_empty() {
        return (None, true);
    }
    match crate::model::ist_day_start_unix_s(text) {
        Some(s) => (Some(s), true),
        None => (None, false),
    }
}

/// How many entries the audit screen reads (newest first).
const AUDIT_LIMIT: usize = 2_000;

/// Asks the worker for the newest audit entries again (after any change to the registry).
pub fn refresh_audit(app: &mut DeskApp) {
    app.send(DeskCommand::LoadAudit { limit: AUDIT_LIMIT });
}

/// The record an entry is about, named as a supervisor knows it ("Camera 'Main gate' at Hotel Raj Palace").
fn audit_record_words(app: &DeskApp, e: &crate::store::AuditEntry) -> String {
    let index = app.index();
    let site_name = |id: i64| {
        index
            .and_then(|i| i.site(id))
            .map(|s| s.site.name_en.clone())
    };
    let camera = |id: i64| {
        index.and_then(|i| i.camera(id)).map(|c| {
            (
                c.camera.label.clone(),
                site_name(c.site_id).unwrap_or_default(),
            )
        })
    };
    crate::services::audit_record_words(&app.i18n, e, camera, site_name)
}

/// The audit log: who changed what and when, newest first, in words, filtered by who / what / when.
pub fn audit_ui(app: &mut DeskApp, ui: &mut Ui) {
    ui.heading(app.t("audit-title"));
    ui.label(app.t("audit-body"));
    if !app.audit_screen.requested {
        app.audit_screen.requested = true;
        refresh_audit(app);
    }
    let mut refresh = false;
    let mut actions: Vec<String> = app
        .audit
        .iter()
        .flatten()
        .map(|e| e.action.clone())
        .collect();
    actions.sort();
    actions.dedup();
    ui.horizontal_wrapped(|ui| {
        if ui.button(app.i18n.tr("audit-refresh")).clicked() {
            refresh = true;
        }
        ui.horizontal(|ui| {
            let l = ui.label(app.i18n.tr("audit-filter-who"));
            ui.add(egui::TextEdit::singleline(&mut app.audit_screen.who).desired_width(120.0))
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label(app.i18n.tr("audit-filter-what"));
            let shown = app.audit_screen.what.as_deref().map_or_else(
                || app.i18n.tr("audit-filter-any"),
                |a| crate::services::audit_action_words(&app.i18n, a),
            );
            egui::ComboBox::from_id_salt("audit-what")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(
                        &mut app.audit_screen.what,
                        None,
                        app.i18n.tr("audit-filter-any"),
                    );
                    for a in &actions {
                        let words = crate::services::audit_action_words(&app.i18n, a);
                        ui.selectable_value(&mut app.audit_screen.what, Some(a.clone()), words);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        ui.horizontal(|ui| {
            let l = ui.label(app.i18n.tr("audit-filter-days"));
            ui.add(egui::DragValue::new(&mut app.audit_screen.last_days).range(0..=3650))
                .labelled_by(l.id);
        });
        let hint = app.i18n.tr("audit-filter-date-hint");
        for (key, text) in [
            ("audit-filter-from", &mut app.audit_screen.from),
            ("audit-filter-to", &mut app.audit_screen.to),
        ] {
            ui.horizontal(|ui| {
                let l = ui.label(app.i18n.tr(key));
                ui.add(
                    egui::TextEdit::singleline(text)
                        .hint_text(hint.as_str())
                        .desired_width(90.0),
                )
                .labelled_by(l.id);
            });
        }
        let lists = [ExportList::Audit];
        super::exports::export_menu_with(app, ui, &lists, |app, _| {
            let entries = app.audit.as_ref()?;
            let shown: Vec<&AuditEntry> = shown_rows(app, entries)
                .into_iter()
                .map(|i| &entries[i])
                .collect();
            Some(crate::services::audit_table(&app.i18n, &shown, |e| {
                audit_record_words(app, e)
            }))
        });
    });
    let from_ok = date_bound(&app.audit_screen.from).1;
    let to_ok = date_bound(&app.audit_screen.to).1;
    if !from_ok || !to_ok {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            app.i18n.tr("audit-filter-bad-date"),
        );
    }
    if refresh {
        refresh_audit(app);
    }
    let Some(entries) = &app.audit else {
        ui.spinner();
        return;
    };
    let rows = shown_rows(app, entries);
    ui.label(app.i18n.tr_args(
        "audit-shown",
        &[
            ("shown", rows.len().to_string()),
            ("total", entries.len().to_string()),
        ],
    ));
    let i18n = &app.i18n;
    TableBuilder::new(ui)
        .striped(true)
        .column(Column::initial(130.0))
        .column(Column::initial(110.0))
        .column(Column::initial(130.0))
        .column(Column::initial(200.0))
        .column(Column::remainder().clip(true))
        .header(24.0, |mut h| {
            for key in [
                "audit-col-when",
                "audit-col-who",
                "audit-col-action",
                "audit-col-what",
                "audit-col-change",
            ] {
                h.col(|ui| {
                    ui.strong(i18n.tr(key));
                });
            }
        })
        .body(|body| {
            // Only the visible rows are laid out (virtualised), however long the log.
            body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                let e = &entries[rows[row.index()]];
                row.col(|ui| cell(ui, ist_datetime(e.at_unix_s)));
                row.col(|ui| cell(ui, e.by_user.as_str()));
                row.col(|ui| cell(ui, crate::services::audit_action_words(i18n, &e.action)));
                row.col(|ui| cell(ui, audit_record_words(app, e)));
                row.col(|ui| {
                    let change = crate::services::audit_change_words(i18n, e);
                    ui.label(change.clone()).on_hover_text(change);
                });
            });
        });
}

/// The entries the filters let through (indices into `entries`, which are newest first).
fn shown_rows(app: &DeskApp, entries: &[AuditEntry]) -> Vec<usize> {
    let screen = &app.audit_screen;
    let who = screen.who.trim().to_lowercase();
    let newest = entries.iter().map(|e| e.at_unix_s).max().unwrap_or(0);
    // A clock before 1970 reads 0: the newest entry stands in for "now".
    let now_s = match app.clock.now_unix_s() {
        0 => newest,
        s => s,
    };
    let since_s = (screen.last_days > 0).then(|| now_s - i64::from(screen.last_days) * 86_400);
    // A date that does not parse narrows nothing (the screen says how to write one).
    let from_s = date_bound(&screen.from).0;
    // "To" includes the whole day.
    let until_s = date_bound(&screen.to).0.map(|s| s + 86_400);
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| who.is_empty() || e.by_user.to_lowercase().contains(&who))
        .filter(|(_, e)| screen.what.as_ref().is_none_or(|a| *a == e.action))
        .filter(|(_, e)| since_s.is_none_or(|s| e.at_unix_s >= s))
        .filter(|(_, e)| from_s.is_none_or(|s| e.at_unix_s >= s))
        .filter(|(_, e)| until_s.is_none_or(|s| e.at_unix_s < s))
        .map(|(i, _)| i)
        .collect()
}
