//! The supervisor's blocked integrations: per owner category how many owners and cameras are stuck, since when
//! and why; then every blocked camera under its category and owner (whom to call), with the reason, since when,
//! the stage it was blocked at and the last note. For the selected camera the supervisor writes down what the
//! owner said (a follow-up note, the stage unchanged) or opens the stage form to move it on.
//!
//! The worker groups the list off the UI thread (again whenever the registry changes); the list is drawn with
//! `show_rows`, so only the rows in view are laid out even with 10,000 blocked cameras.

use std::collections::HashMap;

use egui::{Key, RichText, Ui};

use super::stage_form::StageForm;
use super::{DeskApp, OpenForm};
use crate::i18n::{I18n, indian_grouping};
use crate::model::{CameraId, Field, FieldError, check_follow_up_note, ist_datetime};
use crate::services::registry_worker::{DeskCommand, SaveProblem};
use crate::services::review::blocked::{
    BlockedCamera, BlockedList, BlockedOrder, BlockedOwner, BlockedRow, days_blocked,
};
use crate::store::FollowUpRecord;

/// Every line of the list is this tall: `show_rows` needs one height to place the rows in view.
const ROW_HEIGHT: f32 = 24.0;
/// Widths of the camera rows' columns (the note takes what is left).
const CAMERA_W: f32 = 230.0;
const REASON_W: f32 = 190.0;
const SINCE_W: f32 = 200.0;
const STAGE_W: f32 = 150.0;
/// Owners sit under their category, cameras under their owner.
const OWNER_INDENT: f32 = 12.0;
const CAMERA_INDENT: f32 = 24.0;

/// What the Blocked screen keeps between frames.
#[derive(Default)]
pub struct BlockedState {
    /// The list as the worker last built it (kept on screen while a newer one is built).
    pub list: Option<BlockedList>,
    pub order: BlockedOrder,
    /// The registry revision and the notes saved when the list was last asked for: a note moves the file's
    /// revision but not the in-memory index's, so it counts on its own.
    asked: Option<(u64, u64)>,
    notes_saved: u64,
    /// Lists asked for and not yet received.
    pending: usize,
    /// Unsaved notes per camera, so choosing another camera loses nothing typed.
    drafts: HashMap<CameraId, String>,
    /// Why the last note of a camera was not saved, shown beside the field.
    note_error: Option<(CameraId, NoteProblem)>,
    /// The camera whose note the worker is writing.
    saving: Option<CameraId>,
    /// The selection as this screen last saw it: a camera chosen elsewhere (map, wall, table) is scrolled to.
    seen_selection: Option<CameraId>,
}

/// Why a note was not saved. Field problems are kept as such so they read in the language chosen later.
enum NoteProblem {
    Fields(Vec<FieldError>),
    Text(String),
}

impl NoteProblem {
    fn text(&self, i18n: &I18n) -> String {
        match self {
            Self::Fields(errors) => errors
                .iter()
                .map(|e| i18n.field_error(e))
                .collect::<Vec<_>>()
                .join(" "),
            Self::Text(text) => text.clone(),
        }
    }
}

impl BlockedState {
    /// True while the worker builds a list that is not shown yet.
    pub fn is_loading(&self) -> bool {
        self.pending > 0
    }

    /// True when a follow-up note was typed and not saved.
    pub fn has_unsaved_notes(&self) -> bool {
        self.drafts.values().any(|d| !d.trim().is_empty())
    }

    /// The message shown beside the note field of `camera_id`, if any.
    pub fn note_error(&self, camera_id: CameraId, i18n: &I18n) -> Option<String> {
        self.note_error
            .as_ref()
            .filter(|(id, _)| *id == camera_id)
            .map(|(_, e)| e.text(i18n))
    }

    pub(super) fn on_list(&mut self, mut list: BlockedList) {
        self.pending = self.pending.saturating_sub(1);
        // The user may have switched the order while the worker was building.
        list.set_order(self.order);
        self.list = Some(list);
    }

    /// The worker could not read the list (the error is in the status bar); the old list stays.
    pub(super) fn on_list_failed(&mut self) {
        self.pending = self.pending.saturating_sub(1);
    }

    pub(super) fn on_note_saved(&mut self, record: &FollowUpRecord) {
        self.drafts.remove(&record.camera_id);
        self.saving = None;
        self.note_error = None;
        self.notes_saved += 1;
    }

    pub(super) fn on_note_failed(
        &mut self,
        camera_id: CameraId,
        problem: SaveProblem,
        i18n: &I18n,
    ) {
        self.saving = None;
        let problem = match problem {
            SaveProblem::Fields(errors) => NoteProblem::Fields(errors),
            SaveProblem::Stage(e) => NoteProblem::Text(i18n.tr(e.i18n_key())),
            SaveProblem::Conflict { by_user, at_unix_s } => NoteProblem::Text(i18n.tr_args(
                "form-conflict",
                &[("user", by_user), ("time", ist_datetime(at_unix_s))],
            )),
            SaveProblem::Other(e) => NoteProblem::Text(e.words(i18n)),
        };
        self.note_error = Some((camera_id, problem));
    }
}

/// Asks the worker for the list when the registry changed (or a note was saved) since it was last asked.
fn refresh(app: &mut DeskApp) {
    let Some(index) = app.index() else { return };
    let key = (index.revision(), app.blocked.notes_saved);
    if app.blocked.asked == Some(key) {
        return;
    }
    let registry = index.snapshot.clone();
    app.blocked.asked = Some(key);
    app.blocked.pending += 1;
    app.send(DeskCommand::LoadBlocked {
        registry,
        order: app.blocked.order,
    });
}

pub fn blocked_ui(app: &mut DeskApp, ui: &mut Ui) {
    refresh(app);
    ui.horizontal(|ui| {
        let i18n = &app.i18n;
        ui.heading(i18n.tr("blocked-title"));
        if let Some(list) = &app.blocked.list {
            ui.separator();
            ui.label(
                RichText::new(i18n.tr_args(
                    "blocked-total",
                    &[
                        ("cameras", list.cameras_blocked().to_string()),
                        ("owners", list.owners().to_string()),
                    ],
                ))
                .strong(),
            );
        }
        ui.separator();
        super::exports::export_menu(
            app,
            ui,
            &[crate::services::exchange::export::ExportList::Blocked],
        );
        // Last in the row, so its coming and going never moves the buttons under the pointer.
        if app.blocked.is_loading() {
            ui.spinner();
        }
    });
    let i18n = &app.i18n;
    let Some(list) = &app.blocked.list else {
        ui.label(i18n.tr("blocked-loading"));
        return;
    };
    if list.is_empty() {
        ui.add_space(20.0);
        ui.label(RichText::new(i18n.tr("blocked-none")).weak());
        return;
    }
    ui.separator();
    let now = app.clock.now_unix_s();
    summary_ui(list, i18n, ui, now);
    ui.add_space(6.0);
    order_ui(app, ui);
    ui.separator();
    actions_ui(app, ui);
    ui.separator();
    list_ui(app, ui, now);
}

/// Per category: owners, cameras blocked, the oldest block in days, the most common reason.
fn summary_ui(list: &BlockedList, i18n: &I18n, ui: &mut Ui, now: i64) {
    ui.label(RichText::new(i18n.tr("blocked-by-category")).strong());
    let days = |since: Option<i64>| {
        since.map_or_else(
            || "—".to_string(),
            |t| i18n.tr_args("blocked-days", &[("n", days_blocked(t, now).to_string())]),
        )
    };
    egui::Grid::new("blocked_summary")
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            for key in [
                "blocked-col-category",
                "blocked-col-owners",
                "blocked-col-cameras",
                "blocked-col-oldest",
                "blocked-col-top-reason",
            ] {
                ui.label(RichText::new(i18n.tr(key)).strong());
            }
            ui.end_row();
            for s in &list.summary {
                ui.label(i18n.tr(&s.category.i18n_key()));
                ui.label(indian_grouping(s.owners as i64));
                ui.label(indian_grouping(s.cameras_blocked as i64));
                ui.label(days(s.oldest_since_unix_s));
                match s.top_reason() {
                    Some((reason, count)) => ui.label(i18n.tr_args(
                        "blocked-reason-count",
                        &[
                            ("reason", i18n.tr(&reason.i18n_key())),
                            ("count", count.to_string()),
                        ],
                    )),
                    None => ui.label("—"),
                };
                ui.end_row();
            }
            ui.label(RichText::new(i18n.tr("blocked-all-categories")).strong());
            ui.label(RichText::new(indian_grouping(list.owners() as i64)).strong());
            ui.label(RichText::new(indian_grouping(list.cameras_blocked() as i64)).strong());
            let oldest = list
                .summary
                .iter()
                .filter_map(|s| s.oldest_since_unix_s)
                .min();
            ui.label(RichText::new(days(oldest)).strong());
            ui.label("");
            ui.end_row();
        });
}

fn order_ui(app: &mut DeskApp, ui: &mut Ui) {
    let mut chosen = None;
    ui.horizontal(|ui| {
        ui.label(app.i18n.tr("blocked-order"));
        for (order, key) in [
            (BlockedOrder::OldestFirst, "blocked-oldest-first"),
            (BlockedOrder::NewestFirst, "blocked-newest-first"),
        ] {
            if ui
                .selectable_label(app.blocked.order == order, app.i18n.tr(key))
                .clicked()
            {
                chosen = Some(order);
            }
        }
    });
    if let Some(order) = chosen {
        app.blocked.order = order;
        if let Some(list) = &mut app.blocked.list {
            list.set_order(order);
        }
    }
}

/// For the selected camera: a follow-up note (Enter or the button saves it) and the stage form.
fn actions_ui(app: &mut DeskApp, ui: &mut Ui) {
    let selected = app.selection.camera.and_then(|id| {
        let list = app.blocked.list.as_ref()?;
        let (_, owner, camera) = list.camera_at(list.row_of(id)?)?;
        Some((id, camera.label.clone(), display_name(owner)))
    });
    let Some((camera_id, label, site)) = selected else {
        ui.label(RichText::new(app.i18n.tr("blocked-choose-camera")).weak());
        return;
    };
    let mut save = false;
    let mut change_stage = false;
    let saving = app.blocked.saving == Some(camera_id);
    let i18n = &app.i18n;
    ui.label(
        RichText::new(i18n.tr_args(
            "blocked-selected",
            &[("camera", label.clone()), ("site", site.clone())],
        ))
        .strong(),
    );
    ui.horizontal(|ui| {
        let label_id = ui.label(i18n.tr(&Field::FollowUpNote.i18n_key())).id;
        let draft = app.blocked.drafts.entry(camera_id).or_default();
        let field = ui
            .add(
                egui::TextEdit::singleline(draft)
                    .hint_text(i18n.tr("blocked-note-hint"))
                    .desired_width((ui.available_width() - 330.0).max(200.0)),
            )
            .labelled_by(label_id);
        // A single-line field gives up the focus on Enter; that Enter is the save.
        if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            save = true;
        }
        if ui
            .add_enabled(!saving, egui::Button::new(i18n.tr("blocked-save-note")))
            .clicked()
        {
            save = true;
        }
        if saving {
            ui.spinner();
        }
        ui.separator();
        if ui.button(i18n.tr("blocked-change-stage")).clicked() {
            change_stage = true;
        }
    });
    if let Some(error) = app.blocked.note_error(camera_id, &app.i18n) {
        ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
    }
    if save && !saving {
        let draft = app
            .blocked
            .drafts
            .get(&camera_id)
            .cloned()
            .unwrap_or_default();
        // Refused here with the store's own rule, so an empty note never reaches the worker (the store checks
        // again).
        match check_follow_up_note(&draft) {
            Ok(note) => {
                app.blocked.note_error = None;
                app.blocked.saving = Some(camera_id);
                app.send(DeskCommand::AddFollowUp { camera_id, note });
            }
            Err(e) => app.blocked.note_error = Some((camera_id, NoteProblem::Fields(vec![e]))),
        }
    }
    if change_stage {
        let form = app
            .index()
            .and_then(|i| i.camera(camera_id))
            .map(|record| StageForm::new(record, format!("{label} — {site}")));
        if let Some(form) = form {
            app.form = Some(OpenForm::stage(form));
        }
    }
}

fn display_name(owner: &BlockedOwner) -> String {
    match (owner.name_en.is_empty(), owner.name_hi.is_empty()) {
        (false, false) => format!("{} · {}", owner.name_en, owner.name_hi),
        (true, _) => owner.name_hi.clone(),
        (false, true) => owner.name_en.clone(),
    }
}

/// The virtualized list: category headers, owner headers (whom to call), camera rows.
fn list_ui(app: &mut DeskApp, ui: &mut Ui, now: i64) {
    let Some(list) = &app.blocked.list else {
        return;
    };
    let i18n = &app.i18n;
    let selected = app.selection.camera;
    ui.horizontal(|ui| {
        ui.add_space(CAMERA_INDENT);
        for (key, width) in [
            ("blocked-col-camera", CAMERA_W - CAMERA_INDENT),
            ("blocked-col-reason", REASON_W),
            ("blocked-col-since", SINCE_W),
            ("blocked-col-stage", STAGE_W),
        ] {
            cell_ui(ui, width, |ui| {
                ui.add(egui::Label::new(RichText::new(i18n.tr(key)).strong()).truncate());
            });
        }
        ui.label(RichText::new(i18n.tr("blocked-col-note")).strong());
    });
    let mut clicked = None;
    let mut scroll = egui::ScrollArea::vertical()
        .id_salt("blocked_list")
        .auto_shrink(false);
    // Until the camera is found (its list may still be on the way), keep trying on later frames.
    let mut seen = app.blocked.seen_selection;
    if selected != seen {
        let row = selected.and_then(|id| list.row_of(id));
        if let Some(row) = row {
            // Rows are laid out one height plus spacing apart; a few rows above stay in view for context.
            let pitch = ROW_HEIGHT + ui.spacing().item_spacing.y;
            scroll = scroll.vertical_scroll_offset(row.saturating_sub(3) as f32 * pitch);
        }
        if row.is_some() || selected.is_none() || !app.blocked.is_loading() {
            seen = selected;
        }
    }
    scroll.show_rows(ui, ROW_HEIGHT, list.rows().len(), |ui, range| {
        for r in range {
            match list.rows()[r] {
                BlockedRow::Category(c) => {
                    let category = &list.categories[c as usize];
                    let summary = &list.summary[c as usize];
                    cell_ui(ui, ui.available_width(), |ui| {
                        ui.add(
                            egui::Label::new(
                                RichText::new(format!(
                                    "{} — {}",
                                    i18n.tr(&category.category.i18n_key()),
                                    i18n.tr_args(
                                        "blocked-total",
                                        &[
                                            ("cameras", summary.cameras_blocked.to_string()),
                                            ("owners", summary.owners.to_string()),
                                        ],
                                    )
                                ))
                                .heading()
                                .size(16.0),
                            )
                            .truncate(),
                        );
                    });
                }
                BlockedRow::Owner { category, owner } => {
                    let owner = &list.categories[category as usize].owners[owner as usize];
                    owner_row_ui(ui, i18n, owner);
                }
                BlockedRow::Camera { .. } => {
                    let Some((_, _, camera)) = list.camera_at(r) else {
                        continue;
                    };
                    if camera_row_ui(ui, i18n, camera, selected == Some(camera.camera_id), now) {
                        clicked = Some(camera.camera_id);
                    }
                }
            }
        }
    });
    app.blocked.seen_selection = seen;
    if let Some(id) = clicked {
        app.select_camera(id);
        app.blocked.seen_selection = Some(id);
    }
}

fn owner_row_ui(ui: &mut Ui, i18n: &I18n, owner: &BlockedOwner) {
    let mut text = display_name(owner);
    if !owner.contact_person.is_empty() || !owner.phone.is_empty() {
        let call = i18n.tr_args(
            "blocked-owner-call",
            &[
                ("person", owner.contact_person.clone()),
                ("phone", owner.phone.clone()),
            ],
        );
        text = format!("{text} — {}", call.trim());
    }
    ui.horizontal(|ui| {
        ui.add_space(OWNER_INDENT);
        cell_ui(ui, ui.available_width(), |ui| {
            ui.add(egui::Label::new(RichText::new(text).strong()).truncate());
        });
    });
}

/// One camera; true when it was clicked.
fn camera_row_ui(
    ui: &mut Ui,
    i18n: &I18n,
    camera: &BlockedCamera,
    is_selected: bool,
    now: i64,
) -> bool {
    let mut clicked = false;
    ui.horizontal(|ui| {
        ui.add_space(CAMERA_INDENT);
        cell_ui(ui, CAMERA_W - CAMERA_INDENT, |ui| {
            clicked = ui
                .add(
                    egui::Button::selectable(
                        is_selected,
                        format!("{} #{}", camera.label, camera.camera_id),
                    )
                    .truncate(),
                )
                .clicked();
        });
        let reason = camera
            .reason
            .map_or_else(|| "—".to_string(), |r| i18n.tr(&r.i18n_key()));
        let since = camera.since_unix_s.map_or_else(
            || "—".to_string(),
            |t| {
                i18n.tr_args(
                    "blocked-since",
                    &[
                        ("date", ist_datetime(t)),
                        (
                            "days",
                            i18n.tr_args(
                                "blocked-days",
                                &[("n", days_blocked(t, now).to_string())],
                            ),
                        ),
                    ],
                )
            },
        );
        let stage = camera
            .blocked_from
            .map_or_else(|| "—".to_string(), |s| i18n.tr(&s.i18n_key()));
        for (text, width) in [(reason, REASON_W), (since, SINCE_W), (stage, STAGE_W)] {
            cell_ui(ui, width, |ui| {
                ui.add(egui::Label::new(text).truncate());
            });
        }
        let note = match camera.last_note_at_unix_s {
            Some(at) if !camera.last_note.is_empty() => RichText::new(i18n.tr_args(
                "blocked-note",
                &[
                    // One line per row: a note's line breaks would break the fixed row height.
                    ("note", camera.last_note.replace(['\n', '\r'], " ")),
                    ("user", camera.last_note_by.clone()),
                    ("time", ist_datetime(at)),
                ],
            )),
            _ => RichText::new(i18n.tr("blocked-no-note")).weak(),
        };
        ui.add(egui::Label::new(note).truncate());
    });
    clicked
}

/// A fixed-width cell of a list row, its content left-aligned and cut with "…" when too long.
fn cell_ui(ui: &mut Ui, width: f32, add_contents: impl FnOnce(&mut Ui)) {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ROW_HEIGHT),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_width(width);
            add_contents(ui);
        },
    );
}
