//! Small building blocks the forms share: labelled fields with their error beside them, number parsing, the
//! discard-changes guard.

use std::collections::HashMap;

use egui::{Response, RichText, Ui};

use crate::i18n::I18n;
use crate::model::{Field, FieldError, Problem};
use crate::services::registry_worker::SaveProblem;

/// What the site and camera forms share besides their fields: messages beside the fields, the banner above the
/// buttons, whether a save is on its way, and whether we are asking before throwing edits away.
#[derive(Debug)]
pub struct FormChrome {
    pub messages: FieldMessages,
    pub banner: Option<String>,
    pub saving: bool,
    pub confirm_discard: bool,
    /// The first field takes the keyboard when the form opens.
    pub focus_first: bool,
}

impl FormChrome {
    pub fn new() -> Self {
        Self {
            messages: FieldMessages::default(),
            banner: None,
            saving: false,
            confirm_discard: false,
            focus_first: true,
        }
    }

    /// The draft is valid and was sent to the worker.
    pub fn start_save(&mut self) {
        self.messages = FieldMessages::default();
        self.banner = None;
        self.saving = true;
    }

    /// The draft has problems: show each beside its field.
    pub fn show_errors(&mut self, errors: &[FieldError], i18n: &I18n) {
        self.saving = false;
        self.messages = FieldMessages::from_errors(errors, i18n);
        self.banner = Some(i18n.tr("form-fix-fields"));
    }

    /// The worker refused the save: field problems go beside the fields, anything else into the banner.
    pub fn on_save_failed(&mut self, problem: SaveProblem, banner: Option<String>, i18n: &I18n) {
        match &problem {
            SaveProblem::Fields(errors) => self.show_errors(errors, i18n),
            _ => {
                self.saving = false;
                self.banner = banner;
            }
        }
    }
}

/// What the user asked of a form this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormAction {
    None,
    Save,
    Close,
}

/// Texts at the top of a form.
pub struct FormHeader<'a> {
    pub id: &'a str,
    pub width: f32,
    pub title: String,
    pub subtitle: Option<String>,
    pub is_demo: bool,
}

/// The modal the site and camera forms live in: title (and demo note), the fields in a scrolling two-column
/// grid, the banner, Save and Cancel. Enter saves; Escape, Cancel or a click outside close it, asking first
/// when the draft differs from what was loaded.
pub fn form_modal_ui(
    ctx: &egui::Context,
    header: FormHeader<'_>,
    i18n: &I18n,
    chrome: &mut FormChrome,
    is_dirty: bool,
    fields: impl FnOnce(&mut Ui, &FieldMessages, &mut bool),
) -> FormAction {
    let mut action = FormAction::None;
    let mut cancel_requested = false;
    // Read before the fields draw: picking an entry closes its dropdown within this frame.
    let dropdown_open = egui::Popup::is_any_open(ctx);
    let modal = egui::Modal::new(egui::Id::unique(header.id)).show(ctx, |ui| {
        ui.set_width(header.width);
        ui.heading(header.title);
        if let Some(subtitle) = header.subtitle {
            ui.label(RichText::new(subtitle).strong());
        }
        if header.is_demo {
            ui.label(
                RichText::new(i18n.tr("demo-form-note"))
                    .color(super::DEMO_COLOUR)
                    .small(),
            );
        }
        ui.add_space(4.0);
        egui::ScrollArea::vertical()
            .max_height(ctx.content_rect().height() - 220.0)
            .show(ui, |ui| {
                egui::Grid::new((header.id, "grid"))
                    .num_columns(2)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        fields(ui, &chrome.messages, &mut chrome.focus_first)
                    });
            });
        let (save_clicked, cancel_clicked) =
            form_buttons_ui(ui, i18n, chrome.banner.as_deref(), chrome.saving);
        let (enter, escape) = form_keys(ui, dropdown_open);
        if chrome.confirm_discard {
            match discard_confirm_ui(ui, i18n, dropdown_open) {
                Some(true) => action = FormAction::Close,
                Some(false) => chrome.confirm_discard = false,
                None => {}
            }
            return;
        }
        if (save_clicked || enter) && !chrome.saving {
            action = FormAction::Save;
        } else if cancel_clicked || escape {
            cancel_requested = true;
        }
    });
    // Clicking outside the form is a cancel too, with the same guard.
    if cancel_requested || (modal.backdrop_response.clicked() && action == FormAction::None) {
        if is_dirty {
            chrome.confirm_discard = true;
        } else {
            action = FormAction::Close;
        }
    }
    action
}

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

/// A dropdown the keyboard can drive, for every chooser in the forms and filters. Over egui's combo box:
/// - Enter (or a click) picks the highlighted entry and closes the list, the focus back on the chooser;
/// - Tab and Shift+Tab close the list and move on from the chooser, so typing never lands in a field hidden
///   behind an open list;
/// - Esc closes the list and leaves the focus on the chooser;
/// - typing moves to the first entry whose words start with what was typed (English or Hindi), Enter picks it.
///
/// What typing found is kept in the chooser's own state, not only in egui's focus: a list draws its first
/// frame invisibly to measure itself, and a focus asked for then is lost. So keys typed in the frame that opens
/// the list (or the next, on a console drawing few frames) still find the entry, the highlight lands when the
/// entry is shown, and Enter picks the found entry even if the focus never landed.
///
/// `shown` is the chooser's text while closed. Returns the chooser's response (changed when a pick was made).
pub fn chooser_ui<T: Clone + PartialEq>(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    width: f32,
    shown: &str,
    entries: &[(T, String)],
    value: &mut T,
) -> Response {
    let salt = egui::IdSalt::new(&id_salt);
    // The combo box's own id (as `ComboBox::from_id_salt` makes it) and its list's.
    let button_id = ui.make_persistent_id(egui::IdSalt::new(salt));
    let popup_id = button_id.with("popup");
    let find_id = button_id.with("typed");
    let ctx = ui.ctx().clone();
    let was_open = egui::Popup::is_id_open(&ctx, popup_id);
    let mut picked = false;
    if was_open {
        picked = open_list_keys(&ctx, button_id, popup_id, find_id, entries, value);
    } else {
        ctx.data_mut(|d| d.remove::<ChooserFind>(find_id));
    }
    if was_open && egui::Popup::is_id_open(&ctx, popup_id) {
        type_to_find(&ctx, find_id, entries);
    }
    let found = ctx.data(|d| d.get_temp::<ChooserFind>(find_id).and_then(|f| f.found));
    let mut response = egui::ComboBox::from_id_salt(salt)
        .width(width)
        .height(400.0)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            // The measuring frame is invisible and takes no focus: the highlight waits for a shown frame.
            let is_shown = !ui.is_sizing_pass() && ui.is_visible();
            for (i, (entry, words)) in entries.iter().enumerate() {
                let r = ui.selectable_label(entry == value, words);
                if found == Some(i) && is_shown && !r.has_focus() {
                    r.request_focus();
                    r.scroll_to_me(Some(egui::Align::Center));
                }
                if r.clicked() {
                    *value = entry.clone();
                    picked = true;
                    ui.close();
                    ui.memory_mut(|m| m.request_focus(button_id));
                }
            }
        })
        .response;
    debug_assert_eq!(
        response.id, button_id,
        "the chooser's id is the combo box's"
    );
    if !was_open && egui::Popup::is_id_open(&ctx, popup_id) {
        // Keys typed in the frame that opened the list are for it (the space that opened it is ignored).
        type_to_find(&ctx, find_id, entries);
        ctx.request_repaint();
    }
    if response.clicked() {
        // A list opened with the pointer still takes the keys, not the field that had them.
        response.request_focus();
    }
    if picked {
        response.mark_changed();
    }
    response
}

/// What typing has found in an open chooser, kept in egui's memory under the chooser's id until it closes.
#[derive(Clone, Debug, Default)]
struct ChooserFind {
    /// Everything typed since the list opened (or since a search that found nothing).
    typed: String,
    /// The entry typing moved to; Enter picks it. `None` once the arrows move the highlight.
    found: Option<usize>,
}

/// Tab, Esc, the arrows and Enter in an open list, before egui sees them. Returns whether Enter picked the
/// entry typing found (then the list is closed and the focus back on the chooser).
fn open_list_keys<T: Clone>(
    ctx: &egui::Context,
    button_id: egui::Id,
    popup_id: egui::Id,
    find_id: egui::Id,
    entries: &[(T, String)],
    value: &mut T,
) -> bool {
    let (tab, escape, arrow) = ctx.input(|i| {
        (
            i.key_pressed(egui::Key::Tab),
            i.key_pressed(egui::Key::Escape),
            i.key_pressed(egui::Key::ArrowUp) || i.key_pressed(egui::Key::ArrowDown),
        )
    });
    if tab {
        // Tab as if pressed on the closed chooser: egui moves the focus on from it this frame.
        egui::Popup::close_id(ctx, popup_id);
        ctx.memory_mut(|m| m.request_focus(button_id));
        return false;
    }
    if escape {
        ctx.memory_mut(|m| m.request_focus(button_id));
        return false;
    }
    let mut find = ctx
        .data(|d| d.get_temp::<ChooserFind>(find_id))
        .unwrap_or_default();
    if arrow {
        // The arrows move egui's focus; Enter then picks the entry they reached, not the one typed.
        find.found = None;
        ctx.data_mut(|d| d.insert_temp(find_id, find));
        return false;
    }
    let Some((entry, _)) = find.found.and_then(|i| entries.get(i)) else {
        return false;
    };
    // Taken here, so neither the chooser nor a focused entry sees it as a click as well.
    if !ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter)) {
        return false;
    }
    *value = entry.clone();
    egui::Popup::close_id(ctx, popup_id);
    ctx.memory_mut(|m| m.request_focus(button_id));
    ctx.data_mut(|d| d.remove::<ChooserFind>(find_id));
    true
}

/// Moves what typing found for the text typed this frame: the first entry whose words (or one of them) start
/// with everything typed since the list opened; when none does, with this frame's text alone.
fn type_to_find<T>(ctx: &egui::Context, find_id: egui::Id, entries: &[(T, String)]) {
    let typed: String = ctx.input(|i| {
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    });
    let mut find = ctx
        .data(|d| d.get_temp::<ChooserFind>(find_id))
        .unwrap_or_default();
    // Nothing typed this frame leaves the highlight as it is; the space that opened the list is no search.
    if typed.is_empty() || typed.trim().is_empty() && find.typed.is_empty() {
        return;
    }
    let all = format!("{}{typed}", find.typed);
    match find_entry(entries, &all) {
        Some(i) => (find.found, find.typed) = (Some(i), all),
        None => (find.found, find.typed) = (find_entry(entries, &typed), typed),
    }
    ctx.data_mut(|d| d.insert_temp(find_id, find));
}

/// The first entry whose words start with `typed` (ignoring case), else the first with a word that does.
pub fn find_entry<T>(entries: &[(T, String)], typed: &str) -> Option<usize> {
    let typed = typed.trim_start().to_lowercase();
    if typed.is_empty() {
        return None;
    }
    let words: Vec<String> = entries.iter().map(|(_, w)| w.to_lowercase()).collect();
    words
        .iter()
        .position(|w| w.starts_with(&typed))
        .or_else(|| {
            words.iter().position(|w| {
                w.split(|c: char| c.is_whitespace() || c == '(' || c == '/')
                    .any(|part| part.starts_with(&typed))
            })
        })
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

/// Asks before throwing edits away. Returns `Some(true)` to discard, `Some(false)` to keep editing. By keyboard:
/// the safe answer (Keep editing) has the focus, so Enter keeps editing; Esc keeps editing too; D discards.
pub fn discard_confirm_ui(ui: &mut Ui, i18n: &I18n, dropdown_open: bool) -> Option<bool> {
    let (escape, d) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::Escape) && !dropdown_open,
            i.key_pressed(egui::Key::D) && i.modifiers.is_none(),
        )
    });
    // Whether the safe answer got the focus already for this question.
    let asked_id = egui::Id::unique("discard_question_focused");
    let mut answer = if escape {
        Some(false)
    } else if d {
        Some(true)
    } else {
        None
    };
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.label(RichText::new(i18n.tr("form-discard-question")).strong());
            ui.horizontal(|ui| {
                let keep = ui.button(i18n.tr("form-keep-editing"));
                // Give the safe answer the focus once, when the question appears; Tab still reaches Discard.
                if !ui.data(|d| d.get_temp::<bool>(asked_id).unwrap_or(false)) {
                    keep.request_focus();
                    ui.data_mut(|d| d.insert_temp(asked_id, true));
                }
                if keep.clicked() {
                    answer = Some(false);
                }
                if ui
                    .button(i18n.tr("form-discard"))
                    .on_hover_text(i18n.tr("form-discard-hint"))
                    .clicked()
                {
                    answer = Some(true);
                }
            });
        });
    if answer.is_some() {
        // The next question gets the focus again.
        ui.data_mut(|d| d.remove::<bool>(asked_id));
    }
    answer
}

/// Keys a form reacts to this frame: Enter saves, Escape cancels. While a dropdown is open (at the start of the
/// frame) both keys belong to it: Enter picks the highlighted entry, Escape closes the dropdown.
pub fn form_keys(ui: &Ui, dropdown_open: bool) -> (bool, bool) {
    if dropdown_open {
        return (false, false);
    }
    ui.input(|i| {
        (
            i.key_pressed(egui::Key::Enter) && !i.modifiers.shift,
            i.key_pressed(egui::Key::Escape),
        )
    })
}

/// A native file dialog on its own thread: the path, or `None` when the user cancelled.
pub type FileDialog = super::task::TaskHandle<Option<std::path::PathBuf>, std::convert::Infallible>;

/// Runs a native file dialog (`ask`, which builds and shows it) on a thread of its own, so GTK's loop never
/// freezes a frame; its answer comes with a repaint.
pub fn file_dialog(
    ctx: &egui::Context,
    ask: impl FnOnce() -> Option<std::path::PathBuf> + Send + 'static,
) -> FileDialog {
    super::task::spawn(ctx, "file-dialog", move |_| Ok(ask()))
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

    #[test]
    fn typing_finds_the_first_entry_by_its_words_in_english_and_hindi() {
        let entries: Vec<((), String)> = [
            "Ward 1",
            "Ward 2",
            "Ward 10",
            "Ward 12",
            "Hotel",
            "Hospital",
            "होटल",
            "अस्पताल",
        ]
        .iter()
        .map(|w| ((), w.to_string()))
        .collect();
        assert_eq!(find_entry(&entries, "w"), Some(0));
        assert_eq!(find_entry(&entries, "ho"), Some(4));
        assert_eq!(find_entry(&entries, "hos"), Some(5));
        assert_eq!(find_entry(&entries, "12"), Some(3), "a word of the entry");
        assert_eq!(find_entry(&entries, "1"), Some(0));
        assert_eq!(find_entry(&entries, "ह"), Some(6));
        assert_eq!(find_entry(&entries, "अ"), Some(7));
        assert_eq!(find_entry(&entries, "zz"), None);
        assert_eq!(find_entry(&entries, " "), None);
    }
}
