//! Small building blocks the forms share: labelled fields with their error beside them, number parsing, the
//! discard-changes guard.

use std::collections::HashMap;

use egui::{Response, RichText, Ui};

use crate::i18n::I18n;
use crate::model::{Field, FieldError, Problem};

/// What a form wants after this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    KeepOpen,
    Close,
}

/// Messages beside fields, rendered in the current language.
#[derive(Debug, Default, Clone)]
pub struct FieldMessages {
    pub by_field: HashMap<Field, String>,
}

impl FieldMessages {
    pub fn from_errors(errors: &[FieldError], i18n: &I18n) -> Self {
        let mut by_field: HashMap<Field, String> = HashMap::new();
        for e in errors {
            let text = i18n.field_error(e);
            by_field
                .entry(e.field)
                .and_modify(|t| {
                    t.push(' ');
                    t.push_str(&text);
                })
                .or_insert(text);
        }
        Self { by_field }
    }

    pub fn get(&self, field: Field) -> Option<&str> {
        self.by_field.get(&field).map(String::as_str)
    }
}

/// The field's label in the first grid column; returns the label's id for `labelled_by`.
pub fn field_label(ui: &mut Ui, i18n: &I18n, field: Field) -> egui::Id {
    ui.label(i18n.tr(&field.i18n_key())).id
}

/// Shows a field's error under it (inside the second grid column).
pub fn field_error_ui(ui: &mut Ui, messages: &FieldMessages, field: Field) {
    if let Some(text) = messages.get(field) {
        ui.label(RichText::new(text).color(ui.visuals().error_fg_color));
    }
}

/// A labelled single-line text field with its error, as one grid row.
pub fn text_row(
    ui: &mut Ui,
    i18n: &I18n,
    messages: &FieldMessages,
    field: Field,
    value: &mut String,
    hint: Option<&str>,
) -> Response {
    let label = field_label(ui, i18n, field);
    let response = ui
        .vertical(|ui| {
            let mut edit = egui::TextEdit::singleline(value).desired_width(360.0);
            if let Some(hint) = hint {
                edit = edit.hint_text(hint);
            }
            let r = ui.add(edit).labelled_by(label);
            field_error_ui(ui, messages, field);
            r
        })
        .inner;
    ui.end_row();
    response
}

/// Parses an optional number typed in a form ("" → `None`); a comma as decimal separator is accepted.
pub fn parse_optional_number(
    text: &str,
    field: Field,
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.push(FieldError::new(
                field,
                Problem::NotANumber {
                    text: t.to_string(),
                },
            ));
            None
        }
    }
}

/// Parses a required number; an empty field is "required".
pub fn parse_number(text: &str, field: Field, errors: &mut Vec<FieldError>) -> f64 {
    if text.trim().is_empty() {
        errors.push(FieldError::new(field, Problem::Required));
        return f64::NAN;
    }
    parse_optional_number(text, field, errors).unwrap_or(f64::NAN)
}

/// Problems from parsing the typed numbers plus those the model's validation finds, without a second message
/// for a field that did not parse (an unparsed coordinate silences both coordinate checks).
pub fn merge_errors(parse_errors: Vec<FieldError>, validation: Vec<FieldError>) -> Vec<FieldError> {
    let coords_unparsed = parse_errors
        .iter()
        .any(|e| matches!(e.field, Field::Latitude | Field::Longitude));
    let unparsed: Vec<Field> = parse_errors.iter().map(|e| e.field).collect();
    let mut errors = parse_errors;
    errors.extend(validation.into_iter().filter(|e| {
        let is_coordinate = matches!(e.field, Field::Latitude | Field::Longitude);
        !(unparsed.contains(&e.field) || coords_unparsed && is_coordinate)
    }));
    errors
}

/// Formats an optional number for a form field.
pub fn number_text(value: Option<f64>) -> String {
    value.map(|v| format!("{v}")).unwrap_or_default()
}

/// The bottom of a form: an error banner, then Save and Cancel. Returns (save clicked, cancel clicked).
pub fn form_buttons_ui(
    ui: &mut Ui,
    i18n: &I18n,
    banner: Option<&str>,
    saving: bool,
) -> (bool, bool) {
    if let Some(text) = banner {
        ui.add_space(4.0);
        egui::Frame::new()
            .fill(ui.visuals().extreme_bg_color)
            .inner_margin(6.0)
            .show(ui, |ui| {
                ui.label(RichText::new(text).color(ui.visuals().error_fg_color));
            });
    }
    ui.add_space(6.0);
    let mut save = false;
    let mut cancel = false;
    ui.horizontal(|ui| {
        save = ui
            .add_enabled(!saving, egui::Button::new(i18n.tr("form-save")))
            .on_hover_text(i18n.tr("form-save-hint"))
            .clicked();
        cancel = ui
            .button(i18n.tr("form-cancel"))
            .on_hover_text(i18n.tr("form-cancel-hint"))
            .clicked();
        if saving {
            ui.spinner();
            ui.label(i18n.tr("form-saving"));
        }
    });
    (save, cancel)
}

/// Asks before throwing edits away. Returns `Some(true)` to discard, `Some(false)` to keep editing.
pub fn discard_confirm_ui(ui: &mut Ui, i18n: &I18n) -> Option<bool> {
    let mut answer = None;
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.label(RichText::new(i18n.tr("form-discard-question")).strong());
            ui.horizontal(|ui| {
                if ui.button(i18n.tr("form-keep-editing")).clicked() {
                    answer = Some(false);
                }
                if ui.button(i18n.tr("form-discard")).clicked() {
                    answer = Some(true);
                }
            });
        });
    answer
}

/// Keys a form reacts to this frame: Enter saves, Escape cancels.
pub fn form_keys(ui: &Ui) -> (bool, bool) {
    ui.input(|i| {
        (
            i.key_pressed(egui::Key::Enter) && !i.modifiers.shift,
            i.key_pressed(egui::Key::Escape),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_with_comma_and_report_text() {
        let mut errors = Vec::new();
        assert_eq!(
            parse_optional_number(" 25,448 ", Field::Latitude, &mut errors),
            Some(25.448)
        );
        assert_eq!(parse_optional_number("", Field::Bearing, &mut errors), None);
        assert!(errors.is_empty());
        assert_eq!(
            parse_optional_number("north", Field::Bearing, &mut errors),
            None
        );
        assert_eq!(
            errors,
            vec![FieldError::new(
                Field::Bearing,
                Problem::NotANumber {
                    text: "north".into()
                }
            )]
        );
        assert!(parse_number("", Field::Latitude, &mut errors).is_nan());
        assert_eq!(errors.last().unwrap().problem, Problem::Required);
    }
}
