//! The list of keyboard shortcuts (F1, or the "Keyboard shortcuts" button): every key the desk answers to, in
//! the operator's language, so nobody has to find them by accident.

use egui::{RichText, Ui};

use super::DeskApp;
use crate::i18n::I18n;

/// The shortcuts, grouped as the operator meets them: (group heading, [(keys, what they do)]) as catalogue keys.
const GROUPS: &[(&str, &[(&str, &str)])] = &[
    (
        "shortcuts-anywhere",
        &[
            ("shortcut-keys-f1", "shortcut-f1"),
            ("shortcut-keys-add-site", "shortcut-add-site"),
            ("shortcut-keys-add-camera", "shortcut-add-camera"),
            ("shortcut-keys-esc", "shortcut-esc-list"),
        ],
    ),
    (
        "shortcuts-forms",
        &[
            ("shortcut-keys-enter", "shortcut-enter-form"),
            ("shortcut-keys-esc", "shortcut-esc-form"),
            ("shortcut-keys-tab", "shortcut-tab"),
            ("shortcut-keys-d", "shortcut-d"),
            ("shortcut-keys-enter", "shortcut-enter-note"),
        ],
    ),
    (
        "shortcuts-table",
        &[
            ("shortcut-keys-up-down", "shortcut-up-down"),
            ("shortcut-keys-page", "shortcut-page"),
            ("shortcut-keys-home-end", "shortcut-home-end"),
        ],
    ),
    (
        "shortcuts-wall",
        &[
            ("shortcut-keys-arrows", "shortcut-wall-arrows"),
            ("shortcut-keys-enter", "shortcut-wall-enter"),
            ("shortcut-keys-esc", "shortcut-wall-esc"),
        ],
    ),
    (
        "shortcuts-map",
        &[("shortcut-keys-esc", "shortcut-map-esc")],
    ),
];

/// The shortcut list over the desk while it is open; Esc (taken in `DeskApp::shortcut_keys`), the Close button
/// or a click beside it closes it.
pub fn shortcuts_ui(app: &mut DeskApp, ctx: &egui::Context) {
    if !app.shortcuts_open {
        return;
    }
    let modal = egui::Modal::new(egui::Id::unique("keyboard_shortcuts")).show(ctx, |ui| {
        ui.set_width(560.0);
        ui.heading(app.i18n.tr("shortcuts-title"));
        egui::ScrollArea::vertical()
            .max_height(ctx.content_rect().height() - 160.0)
            .show(ui, |ui| list_ui(ui, &app.i18n));
        ui.add_space(6.0);
        ui.button(app.i18n.tr("shortcuts-close")).clicked()
    });
    if modal.inner || modal.backdrop_response.clicked() {
        app.shortcuts_open = false;
    }
}

fn list_ui(ui: &mut Ui, i18n: &I18n) {
    for (heading, rows) in GROUPS {
        ui.add_space(6.0);
        ui.label(RichText::new(i18n.tr(heading)).strong());
        egui::Grid::new(("shortcuts", *heading))
            .num_columns(2)
            .spacing([16.0, 4.0])
            .striped(true)
            .show(ui, |ui| {
                for (keys, what) in *rows {
                    ui.label(RichText::new(i18n.tr(keys)).monospace());
                    ui.add(egui::Label::new(i18n.tr(what)).wrap());
                    ui.end_row();
                }
            });
        if *heading == "shortcuts-table" {
            ui.label(RichText::new(i18n.tr("shortcut-table-note")).weak());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Every entry of the list has its words in both languages (a missing key would show the key itself).
    #[test]
    fn every_shortcut_is_worded_in_both_languages() {
        for lang in [Lang::En, Lang::Hi] {
            let i18n = I18n::new(lang);
            for (heading, rows) in GROUPS {
                let keys = rows.iter().flat_map(|(k, w)| [*k, *w]);
                for key in std::iter::once(*heading).chain(keys) {
                    let text = i18n.tr(key);
                    assert!(!text.is_empty() && text != key, "{lang:?}: {key}");
                }
            }
        }
    }
}
