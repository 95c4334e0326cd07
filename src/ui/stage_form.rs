//! Move a camera to another stage. Every stage is listed; one that the rules do not allow from here says why
//! when chosen, and is never saved (the store checks again, and the schema refuses private-area integration).

use egui::{Id, RichText};

use super::DeskApp;
use super::widgets::{FormOutcome, chooser_ui, form_buttons_ui, form_keys};
use crate::i18n::I18n;
use crate::model::{
    BlockReason, CameraId, IntegrationStage, StageChange, StageError, StagePosition,
};
use crate::services::registry_worker::{DeskCommand, SaveProblem};
use crate::store::CameraRecord;

pub struct StageForm {
    camera_id: CameraId,
    title: String,
    expected_version: i64,
    position: StagePosition,
    to: Option<IntegrationStage>,
    reason: Option<BlockReason>,
    note: String,
    error: Option<String>,
    pub(super) saving: bool,
}

impl StageForm {
    pub fn new(record: &CameraRecord, title: String) -> Self {
        let position = record.stage_position();
        // Preselect the usual next step.
        let to = position
            .allowed_targets()
            .into_iter()
            .find(|s| *s != IntegrationStage::Blocked);
        Self {
            camera_id: record.id,
            title,
            expected_version: record.row_version,
            position,
            to,
            reason: None,
            note: String::new(),
            error: None,
            saving: false,
        }
    }

    pub fn is_dirty(&self) -> bool {
        !self.note.trim().is_empty()
    }

    fn stage_error_text(i18n: &I18n, e: &StageError) -> String {
        i18n.tr(e.i18n_key())
    }

    pub fn on_save_failed(&mut self, problem: SaveProblem, banner: Option<String>, i18n: &I18n) {
        self.saving = false;
        self.error = match problem {
            SaveProblem::Stage(e) => Some(Self::stage_error_text(i18n, &e)),
            SaveProblem::Fields(errors) => Some(
                errors
                    .iter()
                    .map(|e| i18n.field_error_with_name(e))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => banner,
        };
    }

    fn save(&mut self, app: &DeskApp) {
        let Some(to) = self.to else {
            self.error = Some(app.t("stage-form-choose"));
            return;
        };
        let change = StageChange {
            to,
            reason: if to == IntegrationStage::Blocked {
                self.reason
            } else {
                None
            },
            note: self.note.clone(),
        };
        // Refuse here with the rule's own words; the store and the schema refuse again if this is bypassed.
        if let Err(e) = self.position.check(&change) {
            self.error = Some(Self::stage_error_text(&app.i18n, &e));
            return;
        }
        self.error = None;
        self.saving = true;
        app.send(DeskCommand::ChangeStage {
            id: self.camera_id,
            expected_version: self.expected_version,
            change,
        });
    }

    pub fn ui(&mut self, ctx: &egui::Context, app: &mut DeskApp) -> FormOutcome {
        let mut outcome = FormOutcome::KeepOpen;
        // Read before the fields draw: picking an entry closes its dropdown within this frame.
        let dropdown_open = egui::Popup::is_any_open(ctx);
        let modal = egui::Modal::new(Id::unique("stage_form")).show(ctx, |ui| {
            ui.set_width(480.0);
            let i18n = &app.i18n;
            ui.heading(i18n.tr("stage-form-title"));
            ui.label(RichText::new(&self.title).strong());
            ui.label(i18n.tr_args(
                "stage-form-current",
                &[("stage", i18n.tr(&self.position.stage.i18n_key()))],
            ));
            if self.position.area_watched == crate::model::AreaWatched::NotYetKnown {
                ui.label(
                    RichText::new(i18n.tr("stage-err-area-not-known"))
                        .color(ui.visuals().warn_fg_color),
                );
            } else if !self.position.area_watched.is_common() {
                ui.label(
                    RichText::new(i18n.tr("stage-form-private-note"))
                        .color(ui.visuals().warn_fg_color),
                );
            }
            ui.separator();
            let allowed = self.position.allowed_targets();
            ui.label(i18n.tr("stage-form-move-to"));
            for stage in IntegrationStage::ALL {
                if stage == self.position.stage {
                    continue;
                }
                let mut text = RichText::new(i18n.tr(&stage.i18n_key()));
                if !allowed.contains(&stage) {
                    text = text.weak();
                }
                if ui.radio(self.to == Some(stage), text).clicked() {
                    self.to = Some(stage);
                    self.error = self
                        .position
                        .check_target(stage)
                        .err()
                        .map(|e| Self::stage_error_text(i18n, &e));
                }
            }
            if self.to == Some(IntegrationStage::Blocked) {
                ui.add_space(4.0);
                let label = ui.label(i18n.tr("stage-form-reason")).id;
                let selected = self
                    .reason
                    .map(|r| i18n.tr(&r.i18n_key()))
                    .unwrap_or_else(|| i18n.tr("stage-form-choose-reason"));
                let reasons: Vec<(Option<BlockReason>, String)> = BlockReason::ALL
                    .iter()
                    .map(|r| (Some(*r), i18n.tr(&r.i18n_key())))
                    .collect();
                chooser_ui(
                    ui,
                    "block_reason",
                    300.0,
                    &selected,
                    &reasons,
                    &mut self.reason,
                )
                .labelled_by(label);
            }
            ui.add_space(4.0);
            let label = ui.label(i18n.tr("stage-form-note")).id;
            ui.add(egui::TextEdit::singleline(&mut self.note).desired_width(440.0))
                .labelled_by(label);
            let (save_clicked, cancel_clicked) =
                form_buttons_ui(ui, i18n, self.error.as_deref(), self.saving);
            let (enter, escape) = form_keys(ui, dropdown_open);
            if (save_clicked || enter) && !self.saving {
                self.save(app);
            } else if cancel_clicked || escape {
                outcome = FormOutcome::Close;
            }
        });
        if modal.backdrop_response.clicked() && !self.is_dirty() {
            outcome = FormOutcome::Close;
        }
        outcome
    }
}
