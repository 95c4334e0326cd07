//! Add / edit a site: every field with its error beside it; Tab moves on, Enter saves, Esc cancels (asking first
//! when something was typed).
//!
//! Ward and police station come from the imported boundary layers when there are any: a list of the layer's
//! names to choose from, the area the map puts the site's point in offered with one click (and filled in when the
//! field is empty and the point was set here), and a warning — never a refusal — when the field names another
//! area. Typed text stays allowed: a layer may be old, and a city without layers types them.

use super::DeskApp;
use super::widgets::{
    FieldMessages, FormAction, FormChrome, FormHeader, FormOutcome, chooser_ui, field_error_ui,
    field_label, form_modal_ui, merge_errors, number_text, parse_number, parse_optional_number,
    text_row,
};
use crate::i18n::I18n;
use std::sync::Arc;

use crate::model::{
    BoundaryKind, Field, OwnerCategory, Priority, ServiceArea, Site, SiteId, check_coordinates_in,
    validate_site_in,
};
use crate::services::map::boundaries::{BoundaryIndex, names_area};
use crate::services::registry_worker::{DeskCommand, SaveProblem};
use crate::store::SiteRecord;

/// What the user is typing: the site's text fields plus numbers still as text.
#[derive(Debug, Clone, PartialEq)]
struct SiteDraft {
    site: Site,
    lat: String,
    lon: String,
    radius: String,
    /// Days the recorder keeps footage, as typed.
    retention: String,
}

impl SiteDraft {
    fn from_site(site: &Site) -> Self {
        Self {
            site: site.clone(),
            lat: format!("{}", site.lat_deg),
            lon: format!("{}", site.lon_deg),
            radius: number_text(site.priority_radius_m),
            retention: site.recorder_retention_days.to_string(),
        }
    }

    /// The site this draft describes, or the problems that keep it from being saved.
    fn to_site(&self, area: &ServiceArea) -> Result<Site, Vec<crate::model::FieldError>> {
        let mut errors = Vec::new();
        let mut site = self.site.clone();
        site.lat_deg = parse_number(&self.lat, Field::Latitude, &mut errors);
        site.lon_deg = parse_number(&self.lon, Field::Longitude, &mut errors);
        site.priority_radius_m =
            parse_optional_number(&self.radius, Field::PriorityRadius, &mut errors);
        site.recorder_retention_days = parse_retention_days(&self.retention, &mut errors);
        let errors = merge_errors(errors, validate_site_in(&site, area));
        if errors.is_empty() {
            Ok(site)
        } else {
            Err(errors)
        }
    }
}

/// The recorder's retention as typed: empty is the default, anything but a whole number is refused (a number out of
/// range is left to the model's check, which names the range).
fn parse_retention_days(text: &str, errors: &mut Vec<crate::model::FieldError>) -> u32 {
    let t = text.trim();
    if t.is_empty() {
        return crate::model::DEFAULT_RETENTION_DAYS;
    }
    match t.parse::<i64>() {
        Ok(days) => u32::try_from(days).unwrap_or(0),
        Err(_) => {
            errors.push(crate::model::FieldError::new(
                Field::RecorderRetention,
                crate::model::Problem::NotANumber {
                    text: t.to_string(),
                },
            ));
            crate::model::DEFAULT_RETENTION_DAYS
        }
    }
}

/// An area the map puts the form's point in: its name and code.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OnMap {
    name: String,
    code: String,
}

/// What the boundary layers say about the form's point, worked out again only when the point or the layers
/// change (a lookup is an R-tree query and a polygon test or two: microseconds, but not every frame).
#[derive(Default)]
struct FromMap {
    /// Latitude and longitude text, and the layers (by address), the answer is for.
    key: Option<(String, String, usize)>,
    layers: Arc<BoundaryIndex>,
    /// Both coordinates are typed in full and make a point the registry accepts: only such a point is looked up
    /// (a latitude typed before its longitude, or half typed, names no ward).
    is_point: bool,
    /// Per kind ([`BoundaryKind::ALL`] order): the area at the point.
    at_point: [Option<OnMap>; 2],
    /// Per kind: the last answer the field was filled from, so a field the user empties stays empty.
    filled_from: [Option<OnMap>; 2],
    /// Per kind: the name this form wrote into the field itself; while the field still holds it, it follows the
    /// point (a name the user typed or picked is never replaced).
    filled_name: [Option<String>; 2],
}

impl FromMap {
    fn refresh(&mut self, layers: &Arc<BoundaryIndex>, d: &SiteDraft, area: &ServiceArea) {
        let key = (d.lat.clone(), d.lon.clone(), Arc::as_ptr(layers) as usize);
        if self.key.as_ref() == Some(&key) {
            return;
        }
        self.key = Some(key);
        self.layers = layers.clone();
        let number = |t: &str| t.trim().replace(',', ".").parse::<f64>().ok();
        let point = match (number(&d.lat), number(&d.lon)) {
            (Some(lat), Some(lon)) if check_coordinates_in(lat, lon, area).is_empty() => {
                Some((lat, lon))
            }
            _ => None,
        };
        self.is_point = point.is_some();
        self.at_point = match point {
            Some((lat, lon)) => BoundaryKind::ALL.map(|kind| {
                layers.area_at(kind, lat, lon).map(|a| OnMap {
                    name: a.name.trim().to_string(),
                    code: a.code.trim().to_string(),
                })
            }),
            None => [None, None],
        };
    }

    /// Fills an empty ward or police station from the map, once per answer, when the user set the point here;
    /// a name filled that way follows the point to another area (or away, out of every area).
    fn fill_empty(&mut self, d: &mut SiteDraft, point_moved: bool) {
        if !point_moved || !self.is_point {
            return;
        }
        for (k, kind) in BoundaryKind::ALL.into_iter().enumerate() {
            let value = area_value(d, kind);
            let is_ours =
                !value.trim().is_empty() && self.filled_name[k].as_deref() == Some(value.as_str());
            match &self.at_point[k] {
                Some(on_map) if self.filled_from[k].as_ref() != Some(on_map) => {
                    if value.trim().is_empty() || is_ours {
                        *value = on_map.name.clone();
                        self.filled_name[k] = Some(on_map.name.clone());
                    }
                    self.filled_from[k] = Some(on_map.clone());
                }
                Some(_) => {}
                None => {
                    if is_ours {
                        value.clear();
                    }
                    self.filled_from[k] = None;
                }
            }
        }
    }
}

fn area_value(d: &mut SiteDraft, kind: BoundaryKind) -> &mut String {
    match kind {
        BoundaryKind::Ward => &mut d.site.ward,
        BoundaryKind::PoliceStation => &mut d.site.police_station,
    }
}

pub struct SiteForm {
    id: Option<SiteId>,
    expected_version: i64,
    original: SiteDraft,
    draft: SiteDraft,
    from_map: FromMap,
    pub(super) chrome: FormChrome,
}

impl SiteForm {
    pub fn add() -> Self {
        // No point until one is typed or picked: a point filled in for the user would name a ward of its own.
        let mut draft = SiteDraft::from_site(&Site::blank());
        draft.lat.clear();
        draft.lon.clear();
        Self {
            id: None,
            expected_version: 0,
            original: draft.clone(),
            draft,
            from_map: FromMap::default(),
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
            from_map: FromMap::default(),
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
        // The layers are read by the worker when the registry changes, whether or not the map was opened.
        super::map_areas::refresh(app, ctx);
        let area = app
            .index()
            .map(|i| i.snapshot.area.clone())
            .unwrap_or_default();
        self.from_map
            .refresh(&app.map.areas.index, &self.draft, &area);
        let point_moved =
            self.draft.lat != self.original.lat || self.draft.lon != self.original.lon;
        self.from_map.fill_empty(&mut self.draft, point_moved);
        let is_dirty = self.is_dirty();
        let draft = &mut self.draft;
        let from_map = &self.from_map;
        let action = form_modal_ui(
            ctx,
            header,
            &app.i18n,
            &mut self.chrome,
            is_dirty,
            |ui, m, focus| Self::fields_ui(ui, &app.i18n, m, draft, from_map, focus),
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
        from_map: &FromMap,
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
        let categories = OwnerCategory::ALL.map(|c| (c, i18n.tr(&c.i18n_key())));
        let shown = i18n.tr(&d.site.owner_category.i18n_key());
        chooser_ui(
            ui,
            "site_owner_category",
            360.0,
            &shown,
            &categories,
            &mut d.site.owner_category,
        )
        .labelled_by(label);
        ui.end_row();

        let label = ui.label(i18n.tr("site-priority")).id;
        let priorities = Priority::ALL.map(|p| (p, i18n.tr(&p.i18n_key())));
        let shown = i18n.tr(&d.site.priority.i18n_key());
        chooser_ui(
            ui,
            "site_priority",
            360.0,
            &shown,
            &priorities,
            &mut d.site.priority,
        )
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
        for (k, kind) in BoundaryKind::ALL.into_iter().enumerate() {
            let names = from_map.layers.names(kind);
            let on_map = from_map.at_point[k].as_ref();
            area_row(ui, i18n, m, kind, area_value(d, kind), names, on_map);
        }
        text_row(ui, i18n, m, Field::Latitude, &mut d.lat, Some("25.4486"));
        text_row(ui, i18n, m, Field::Longitude, &mut d.lon, Some("78.5697"));
        let label = field_label(ui, i18n, Field::Notes);
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(&mut d.site.notes).desired_width(360.0))
                .labelled_by(label);
            field_error_ui(ui, m, Field::Notes);
        });
        ui.end_row();
        // Last, so the order the keyboard walks the older fields in stays as it was.
        text_row(
            ui,
            i18n,
            m,
            Field::RecorderRetention,
            &mut d.retention,
            Some("30"),
        );
    }
}

/// Ward or police station: typed, or chosen from the layer's names; the map's answer offered, and a warning when
/// the field names another area.
fn area_row(
    ui: &mut egui::Ui,
    i18n: &I18n,
    m: &FieldMessages,
    kind: BoundaryKind,
    value: &mut String,
    names: &[String],
    on_map: Option<&OnMap>,
) {
    let (field, choose) = match kind {
        BoundaryKind::Ward => (Field::Ward, "site-choose-ward"),
        BoundaryKind::PoliceStation => (Field::PoliceStation, "site-choose-police-station"),
    };
    if names.is_empty() && on_map.is_none() {
        // No layer of this kind: the field is plain text, as ever.
        text_row(ui, i18n, m, field, value, None);
        return;
    }
    let label = field_label(ui, i18n, field);
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            ui.add(egui::TextEdit::singleline(value).desired_width(220.0))
                .labelled_by(label);
            let choose = i18n.tr(choose);
            let entries: Vec<(String, String)> =
                names.iter().map(|n| (n.clone(), n.clone())).collect();
            let mut chosen = value.trim().to_string();
            let response = chooser_ui(
                ui,
                ("site_area_choose", kind.code()),
                130.0,
                &choose,
                &entries,
                &mut chosen,
            );
            response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &choose));
            if response.changed() {
                *value = chosen;
            }
        });
        field_error_ui(ui, m, field);
        if let Some(on_map) = on_map
            && !names_area(value, &on_map.name, &on_map.code)
        {
            if !value.trim().is_empty() {
                ui.label(
                    egui::RichText::new(i18n.tr_args(
                        "site-area-disagrees",
                        &[
                            ("map", on_map.name.clone()),
                            ("typed", value.trim().to_string()),
                        ],
                    ))
                    .color(ui.visuals().warn_fg_color),
                );
            }
            if ui
                .button(i18n.tr_args("site-area-suggested", &[("name", on_map.name.clone())]))
                .on_hover_text(i18n.tr("site-area-suggested-hint"))
                .clicked()
            {
                *value = on_map.name.clone();
            }
        }
    });
    ui.end_row();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BoundaryArea;

    fn layers() -> Arc<BoundaryIndex> {
        let square = |kind, name: &str, lat: f64| BoundaryArea {
            kind,
            name: name.into(),
            code: String::new(),
            polygons: vec![vec![vec![
                (lat, 78.50),
                (lat, 78.60),
                (lat + 0.05, 78.60),
                (lat + 0.05, 78.50),
            ]]],
        };
        Arc::new(BoundaryIndex::new(vec![
            square(BoundaryKind::Ward, "Ward 12", 25.40),
            square(BoundaryKind::Ward, "Ward 7", 25.45),
            square(BoundaryKind::PoliceStation, "Nawabad", 25.40),
        ]))
    }

    fn draft(lat: &str) -> SiteDraft {
        let mut d = SiteDraft::from_site(&Site::blank());
        d.lat = lat.into();
        d.lon = "78,55".into();
        d
    }

    #[test]
    fn an_empty_field_is_filled_once_from_the_map_and_only_when_the_point_was_set_here() {
        let layers = layers();
        let mut from_map = FromMap::default();
        let mut d = draft("25.42");
        from_map.refresh(&layers, &d, &ServiceArea::default());
        assert_eq!(
            from_map.at_point[0].as_ref().map(|a| a.name.as_str()),
            Some("Ward 12"),
            "a decimal comma is read"
        );
        // An old site opened for editing is left as it was.
        from_map.fill_empty(&mut d, false);
        assert_eq!(
            (d.site.ward.as_str(), d.site.police_station.as_str()),
            ("", "")
        );
        // A point set in the form fills both empty fields.
        from_map.fill_empty(&mut d, true);
        assert_eq!(
            (d.site.ward.as_str(), d.site.police_station.as_str()),
            ("Ward 12", "Nawabad")
        );
        // Emptied by the user: stays empty for the same answer, filled again when the point moves to another ward.
        d.site.ward.clear();
        from_map.fill_empty(&mut d, true);
        assert_eq!(d.site.ward, "");
        d.lat = "25.47".into();
        from_map.refresh(&layers, &d, &ServiceArea::default());
        from_map.fill_empty(&mut d, true);
        assert_eq!(d.site.ward, "Ward 7");
        // A typed ward is never overwritten; an unreadable point has no answer.
        d.site.ward = "Ward 3".into();
        d.lat = "25.42".into();
        from_map.refresh(&layers, &d, &ServiceArea::default());
        from_map.fill_empty(&mut d, true);
        assert_eq!(d.site.ward, "Ward 3");
        d.lat = "north".into();
        from_map.refresh(&layers, &d, &ServiceArea::default());
        assert_eq!(from_map.at_point, [None, None]);
    }

    #[test]
    fn a_ward_filled_from_the_map_follows_the_point_and_a_picked_one_stays() {
        let layers = layers();
        let area = ServiceArea::default();
        let mut from_map = FromMap::default();
        let mut d = SiteDraft::from_site(&Site::blank());
        (d.lat, d.lon) = (String::new(), String::new());
        let mut step = |d: &mut SiteDraft, lat: &str, lon: &str| {
            (d.lat, d.lon) = (lat.into(), lon.into());
            from_map.refresh(&layers, d, &area);
            from_map.fill_empty(d, true);
            d.site.ward.clone()
        };
        // No point, half a point, or a point the registry refuses (outside India): no ward.
        assert_eq!(step(&mut d, "", ""), "");
        assert_eq!(step(&mut d, "25.42", ""), "");
        assert_eq!(step(&mut d, "25.42", "78."), "", "78. is not a number");
        assert_eq!(step(&mut d, "25.42", "-78.55"), "");
        // A whole point fills the ward; moving it moves the ward filled by the form.
        assert_eq!(step(&mut d, "25.42", "78.55"), "Ward 12");
        assert_eq!(step(&mut d, "25.47", "78.55"), "Ward 7");
        // Half typed again (the latitude being retyped): the ward waits for the whole point.
        assert_eq!(step(&mut d, "2", "78.55"), "Ward 7");
        assert_eq!(
            step(&mut d, "25.3", "78.55"),
            "",
            "a whole point in no ward"
        );
        assert_eq!(step(&mut d, "25.43", "78.55"), "Ward 12");
        // A ward the user picked stays wherever the point goes.
        d.site.ward = "Ward 7".into();
        assert_eq!(step(&mut d, "25.41", "78.55"), "Ward 7");
        assert_eq!(step(&mut d, "25.46", "78.55"), "Ward 7");
        assert_eq!(step(&mut d, "25.42", "78.56"), "Ward 7");
        assert_eq!(d.site.police_station, "Nawabad");
    }
}
