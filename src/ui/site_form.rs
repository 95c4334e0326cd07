//! Add / edit a site: every field with its error beside it; Tab moves on, Enter saves, Esc cancels (asking first
//! when something was typed).

use super::DeskApp;
use super::widgets::{
    FieldMessages, FormAction, FormChrome, FormHeader, FormOutcome, field_error_ui, field_label,
    form_modal_ui, merge_errors, number_text, parse_number, parse_optional_number, text_row,
};
use crate::i18n::I18n;
use crate::model::{Field, OwnerCategory, Priority, Site, SiteId, validate_site_in};
use crate::services::desk::{DeskCommand, SaveProblem};
use crate::store::SiteRecord;

/// What the user is typing: the site's text fields plus numbers still as text.
#[derive(Debug, Clone, PartialEq)]
struct SiteDraft {
    site: Site,
    lat: String,
    lon: String,
    radius: String,
}

impl SiteDraft {
    fn from_site(site: &Site) -> Self {
        Self {
            site: site.clone(),
            lat: format!("{}", site.lat_deg),
            lon: format!("{}", site.lon_deg),
            radius: number_text(site.priority_radius_m),
        }
    }

    /// The site this draft describes, or the problems that keep it from being saved.
    fn to_site(
        &self,
        area: &crate::model::ServiceArea,
    ) -> Result<Site, Vec<crate::model::FieldError>> {
        let mut errors = Vec::new();
        let mut site = self.site.clone();
        site.lat_deg = parse_number(&self.lat, Field::Latitude, &mut errors);
        site.lon_deg = parse_number(&self.lon, Field::Longitude, &mut errors);
        site.priority_radius_m =
            parse_optional_number(&self.radius, Field::PriorityRadius, &mut errors);
        let errors = merge_errors(errors, validate_site_in(&site, area));
        if errors.is_empty() {
            Ok(site)
        } else {
            Err(errors)
        }
    }
}

pub struct SiteForm {
    id: Option<SiteId>,
    expected_version: i64,
    original: SiteDraft,
    draft: SiteDraft,
    pub(super) chrome: FormChrome,
}

impl SiteForm {
    pub fn add() -> Self {
        let draft = SiteDraft::from_site(&Site::blank());
        Self {
            id: None,
            expected_version: 0,
            original: draft.clone(),
            draft,
            chrome: FormChrome::new(),
        }
    }

    pub fn edit(record: &SiteRecord) -> Self {
        let draft = SiteDraft::from_site(&record.site);
        Self {
            id: Some(record.id),
            expected_version: record.row_version,
            original: draft.clone(),
            draft,
            chrome: FormChrome::new(),
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.draft != self.original
    }

    pub fn on_save_failed(&mut self, problem: SaveProblem, banner: Option<String>, i18n: &I18n) {
        self.chrome.on_save_failed(problem, banner, i18n);
    }

    fn save(&mut self, app: &DeskApp) {
        let area = app
            .index()
            .map(|i| i.snapshot.area.clone())
            .unwrap_or_default();
        match self.draft.to_site(&area) {
            Ok(site) => {
                self.chrome.start_save();
                app.send(DeskCommand::SaveSite {
                    id: self.id,
                    expected_version: self.expected_version,
                    site,
                });
            }
            Err(errors) => {
                self.chrome.show_errors(&errors, &app.i18n);
            }
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, app: &mut DeskApp) -> FormOutcome {
        let title = if self.id.is_some() {
            "site-form-edit-title"
        } else {
            "site-form-add-title"
        };
        let header = FormHeader {
            id: "site_form",
            width: 560.0,
            title: app.t(title),
            subtitle: None,
            is_demo: app.index().is_some_and(|i| i.snapshot.is_demo),
        };
        let is_dirty = self.is_dirty();
        let draft = &mut self.draft;
        let action = form_modal_ui(
            ctx,
            header,
            &app.i18n,
            &mut self.chrome,
            is_dirty,
            |ui, m, focus| Self::fields_ui(ui, &app.i18n, m, draft, focus),
        );
        match action {
            FormAction::Save => self.save(app),
            FormAction::Close => return FormOutcome::Close,
            FormAction::None => {}
        }
        FormOutcome::KeepOpen
    }

    fn fields_ui(
        ui: &mut egui::Ui,
        i18n: &I18n,
        m: &FieldMessages,
        d: &mut SiteDraft,
        focus_first: &mut bool,
    ) {
        let first = text_row(ui, i18n, m, Field::NameEn, &mut d.site.name_en, None);
        if *focus_first {
            first.request_focus();
            *focus_first = false;
        }
        text_row(
            ui,
            i18n,
            m,
            Field::NameHi,
            &mut d.site.name_hi,
            Some("होटल राज पैलेस"),
        );

        let label = ui.label(i18n.tr("site-owner-category")).id;
        egui::ComboBox::from_id_salt("site_owner_category")
            .width(360.0)
            .selected_text(i18n.tr(&d.site.owner_category.i18n_key()))
            .show_ui(ui, |ui| {
                for c in OwnerCategory::ALL {
                    ui.selectable_value(&mut d.site.owner_category, c, i18n.tr(&c.i18n_key()));
                }
            })
            .response
            .labelled_by(label);
        ui.end_row();

        let label = ui.label(i18n.tr("site-priority")).id;
        egui::ComboBox::from_id_salt("site_priority")
            .width(360.0)
            .selected_text(i18n.tr(&d.site.priority.i18n_key()))
            .show_ui(ui, |ui| {
                for p in Priority::ALL {
                    ui.selectable_value(&mut d.site.priority, p, i18n.tr(&p.i18n_key()));
                }
            })
            .response
            .labelled_by(label);
        ui.end_row();
        if d.site.priority != Priority::None {
            let hint = d.site.priority.default_radius_m().map(|r| format!("{r}"));
            text_row(
                ui,
                i18n,
                m,
                Field::PriorityRadius,
                &mut d.radius,
                hint.as_deref(),
            );
        }

        text_row(
            ui,
            i18n,
            m,
            Field::ContactPerson,
            &mut d.site.contact_person,
            None,
        );
        text_row(
            ui,
            i18n,
            m,
            Field::Phone,
            &mut d.site.phone,
            Some("+91 98765 43210"),
        );
        text_row(ui, i18n, m, Field::Address, &mut d.site.address, None);
        text_row(ui, i18n, m, Field::Ward, &mut d.site.ward, None);
        text_row(
            ui,
            i18n,
            m,
            Field::PoliceStation,
            &mut d.site.police_station,
            None,
        );
        text_row(ui, i18n, m, Field::Latitude, &mut d.lat, Some("25.4486"));
        text_row(ui, i18n, m, Field::Longitude, &mut d.lon, Some("78.5697"));
        let label = field_label(ui, i18n, Field::Notes);
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(&mut d.site.notes).desired_width(360.0))
                .labelled_by(label);
            field_error_ui(ui, m, Field::Notes);
        });
        ui.end_row();
    }
}
