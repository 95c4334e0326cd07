//! Add / edit a camera of a site. The password field is write-only: a stored password is never shown, only
//! replaced or cleared.

use egui::RichText;

use super::DeskApp;
use super::map::Pick;
use super::widgets::{
    FieldMessages, FormAction, FormChrome, FormHeader, FormOutcome, chooser_ui, field_error_ui,
    field_label, form_modal_ui, merge_errors, number_text, parse_number, parse_optional_number,
    text_row,
};
use crate::i18n::I18n;
use crate::model::{
    AreaWatched, Camera, CameraId, CameraKind, Field, FieldError, PasswordState, Problem, SiteId,
    credential_host_change, validate_camera_in,
};
use crate::services::registry_worker::{DeskCommand, SaveProblem};
use crate::store::{CameraRecord, PasswordEdit};

#[derive(Clone, PartialEq)]
struct CameraDraft {
    camera: Camera,
    is_analogue: bool,
    nvr_host: String,
    nvr_channel: String,
    lat: String,
    lon: String,
    bearing: String,
    fov: String,
    range: String,
    password: String,
    clear_password: bool,
}

impl CameraDraft {
    /// The facing handle for the map, from what the form holds now.
    fn bearing_pick(&self, lat_deg: f64, lon_deg: f64) -> Pick {
        Pick::Bearing {
            lat_deg,
            lon_deg,
            bearing_deg: self.bearing.trim().parse().unwrap_or(0.0),
            range_m: self
                .range
                .trim()
                .parse()
                .ok()
                .filter(|r: &f64| *r > 0.0)
                .unwrap_or(30.0),
        }
    }

    fn from_camera(camera: &Camera) -> Self {
        let (is_analogue, nvr_host, nvr_channel) = match &camera.kind {
            CameraKind::Ip => (false, String::new(), String::new()),
            CameraKind::Analogue { nvr_host, channel } => {
                (true, nvr_host.clone(), channel.to_string())
            }
        };
        Self {
            camera: camera.clone(),
            is_analogue,
            nvr_host,
            nvr_channel,
            lat: format!("{}", camera.lat_deg),
            lon: format!("{}", camera.lon_deg),
            bearing: number_text(camera.bearing_deg),
            fov: number_text(camera.fov_deg),
            range: number_text(camera.range_m),
            password: String::new(),
            clear_password: false,
        }
    }

    fn to_camera(&self, area: &crate::model::ServiceArea) -> Result<Camera, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut c = self.camera.clone();
        c.lat_deg = parse_number(&self.lat, Field::Latitude, &mut errors);
        c.lon_deg = parse_number(&self.lon, Field::Longitude, &mut errors);
        c.bearing_deg = parse_optional_number(&self.bearing, Field::Bearing, &mut errors);
        c.fov_deg = parse_optional_number(&self.fov, Field::FieldOfView, &mut errors);
        c.range_m = parse_optional_number(&self.range, Field::Range, &mut errors);
        c.kind = if self.is_analogue {
            let channel = match self.nvr_channel.trim().parse::<u16>() {
                Ok(ch) => ch,
                Err(_) if self.nvr_channel.trim().is_empty() => {
                    errors.push(FieldError::new(Field::NvrChannel, Problem::Required));
                    1
                }
                Err(_) => {
                    errors.push(FieldError::new(
                        Field::NvrChannel,
                        Problem::NotANumber {
                            text: self.nvr_channel.trim().to_string(),
                        },
                    ));
                    1
                }
            };
            CameraKind::Analogue {
                nvr_host: self.nvr_host.clone(),
                channel,
            }
        } else {
            CameraKind::Ip
        };
        let errors = merge_errors(errors, validate_camera_in(&c, area));
        if errors.is_empty() {
            Ok(c)
        } else {
            Err(errors)
        }
    }

    /// The addresses the password would be sent to, as the form holds them now.
    fn addresses(&self) -> Camera {
        let mut c = self.camera.clone();
        c.kind = if self.is_analogue {
            CameraKind::Analogue {
                nvr_host: self.nvr_host.clone(),
                channel: 1,
            }
        } else {
            CameraKind::Ip
        };
        c
    }

    fn password_edit(&self) -> PasswordEdit {
        if self.clear_password {
            PasswordEdit::Clear
        } else if self.password.is_empty() {
            PasswordEdit::Keep
        } else {
            PasswordEdit::Set(self.password.clone())
        }
    }
}

/// What the password field says about the stored password.
struct StoredPassword {
    state: PasswordState,
    /// The new host an edited address points at, when the stored password is dropped for it.
    new_host: Option<String>,
}

pub struct CameraForm {
    id: Option<CameraId>,
    site_id: SiteId,
    site_name: String,
    expected_version: i64,
    stored_password: PasswordState,
    original: CameraDraft,
    draft: CameraDraft,
    pub(super) chrome: FormChrome,
}

impl CameraForm {
    pub fn add(site_id: SiteId, site_name: String, lat_deg: f64, lon_deg: f64) -> Self {
        let mut camera = Camera::blank_at(lat_deg, lon_deg);
        // As the import does: what it watches is said by a person who looked, never assumed.
        camera.area_watched = AreaWatched::NotYetKnown;
        let draft = CameraDraft::from_camera(&camera);
        Self {
            id: None,
            site_id,
            site_name,
            expected_version: 0,
            stored_password: PasswordState::None,
            original: draft.clone(),
            draft,
            chrome: FormChrome::new(),
        }
    }

    pub fn edit(record: &CameraRecord, site_name: String) -> Self {
        let draft = CameraDraft::from_camera(&record.camera);
        Self {
            id: Some(record.id),
            site_id: record.site_id,
            site_name,
            expected_version: record.row_version,
            stored_password: record.password,
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
        match self.draft.to_camera(&area) {
            Ok(camera) => {
                self.chrome.start_save();
                app.send(DeskCommand::SaveCamera {
                    id: self.id,
                    site_id: self.site_id,
                    expected_version: self.expected_version,
                    camera,
                    password: self.draft.password_edit(),
                });
            }
            Err(errors) => {
                self.chrome.show_errors(&errors, &app.i18n);
            }
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, app: &mut DeskApp) -> FormOutcome {
        let title = if self.id.is_some() {
            "camera-form-edit-title"
        } else {
            "camera-form-add-title"
        };
        let header = FormHeader {
            id: "camera_form",
            width: 580.0,
            title: app.t(title),
            subtitle: Some(self.site_name.clone()),
            is_demo: app.index().is_some_and(|i| i.snapshot.is_demo),
        };
        let is_dirty = self.is_dirty();
        let stored = StoredPassword {
            state: self.stored_password,
            new_host: self.new_host(),
        };
        let draft = &mut self.draft;
        let mut pick = None;
        let action = form_modal_ui(
            ctx,
            header,
            &app.i18n,
            &mut self.chrome,
            is_dirty,
            |ui, m, focus| Self::fields_ui(ui, &app.i18n, m, draft, focus, stored, &mut pick),
        );
        match action {
            FormAction::Save => self.save(app),
            FormAction::Close => return FormOutcome::Close,
            FormAction::None => {}
        }
        if let Some(pick) = pick {
            // The form waits (hidden) while the map is used; it comes back with the position or facing filled.
            app.map.start_pick(pick, app.screen);
            app.screen = super::Screen::Map;
        }
        FormOutcome::KeepOpen
    }

    /// The new host an edited address points at, when the stored password will be dropped for it on saving
    /// (the store's rule, shown here first): no new password typed, and one stored.
    fn new_host(&self) -> Option<String> {
        let keeps_stored = self.id.is_some()
            && self.stored_password != PasswordState::None
            && self.draft.password.is_empty()
            && !self.draft.clear_password;
        if !keeps_stored {
            return None;
        }
        credential_host_change(&self.original.addresses(), &self.draft.addresses()).map(|c| c.to)
    }

    fn fields_ui(
        ui: &mut egui::Ui,
        i18n: &I18n,
        m: &FieldMessages,
        d: &mut CameraDraft,
        focus_first: &mut bool,
        stored: StoredPassword,
        pick: &mut Option<Pick>,
    ) {
        let first = text_row(
            ui,
            i18n,
            m,
            Field::Label,
            &mut d.camera.label,
            Some("Main gate"),
        );
        if *focus_first {
            first.request_focus();
            *focus_first = false;
        }
        let label = field_label(ui, i18n, Field::AreaWatched);
        ui.vertical(|ui| {
            let areas = AreaWatched::ALL.map(|a| (a, i18n.tr(&a.i18n_key())));
            let shown = i18n.tr(&d.camera.area_watched.i18n_key());
            chooser_ui(
                ui,
                "camera_area",
                360.0,
                &shown,
                &areas,
                &mut d.camera.area_watched,
            )
            .labelled_by(label);
            if d.camera.area_watched == AreaWatched::NotYetKnown {
                ui.label(
                    RichText::new(i18n.tr("camera-area-not-yet-known-warning"))
                        .color(ui.visuals().warn_fg_color)
                        .small(),
                );
            } else if !d.camera.area_watched.is_common() {
                ui.label(
                    RichText::new(i18n.tr("camera-private-area-warning"))
                        .color(ui.visuals().warn_fg_color)
                        .small(),
                );
            }
            field_error_ui(ui, m, Field::AreaWatched);
        });
        ui.end_row();
        text_row(ui, i18n, m, Field::Latitude, &mut d.lat, None);
        text_row(ui, i18n, m, Field::Longitude, &mut d.lon, None);
        text_row(ui, i18n, m, Field::Bearing, &mut d.bearing, Some("0–359"));
        text_row(ui, i18n, m, Field::FieldOfView, &mut d.fov, Some("90"));
        text_row(ui, i18n, m, Field::Range, &mut d.range, Some("30"));
        ui.label("");
        ui.horizontal(|ui| {
            if ui.button(i18n.tr("camera-pick-on-map")).clicked() {
                *pick = Some(Pick::Position);
            }
            let at = (d.lat.trim().parse::<f64>(), d.lon.trim().parse::<f64>());
            if let (Ok(lat_deg), Ok(lon_deg)) = at
                && ui.button(i18n.tr("camera-facing-on-map")).clicked()
            {
                *pick = Some(d.bearing_pick(lat_deg, lon_deg));
            }
        });
        ui.end_row();

        let label = ui.label(i18n.tr("camera-kind")).id;
        ui.horizontal(|ui| {
            ui.radio_value(&mut d.is_analogue, false, i18n.tr("camera-kind-ip"))
                .labelled_by(label);
            ui.radio_value(&mut d.is_analogue, true, i18n.tr("camera-kind-analogue"));
        });
        ui.end_row();
        if d.is_analogue {
            text_row(
                ui,
                i18n,
                m,
                Field::NvrHost,
                &mut d.nvr_host,
                Some("127.0.0.1"),
            );
            text_row(
                ui,
                i18n,
                m,
                Field::NvrChannel,
                &mut d.nvr_channel,
                Some("1"),
            );
        }
        text_row(
            ui,
            i18n,
            m,
            Field::Make,
            &mut d.camera.make,
            Some("Hikvision"),
        );
        text_row(ui, i18n, m, Field::Model, &mut d.camera.model, None);
        text_row(
            ui,
            i18n,
            m,
            Field::StreamUrl,
            &mut d.camera.stream_url,
            Some("rtsp://127.0.0.1:554/Streaming/Channels/101"),
        );
        text_row(
            ui,
            i18n,
            m,
            Field::SnapshotUrl,
            &mut d.camera.snapshot_url,
            Some("http://127.0.0.1/ISAPI/Streaming/channels/101/picture"),
        );
        text_row(ui, i18n, m, Field::Username, &mut d.camera.username, None);

        let label = field_label(ui, i18n, Field::Password);
        ui.vertical(|ui| {
            let hint = match stored.state {
                PasswordState::Stored => i18n.tr("camera-password-keep-hint"),
                PasswordState::MustReenter => i18n.tr("camera-password-reenter-hint"),
                PasswordState::None => i18n.tr("camera-password-none-hint"),
            };
            ui.add_enabled(
                !d.clear_password,
                egui::TextEdit::singleline(&mut d.password)
                    .password(true)
                    .desired_width(360.0)
                    .hint_text(hint),
            )
            .labelled_by(label);
            if let Some(to) = stored.new_host {
                ui.label(
                    RichText::new(i18n.tr_args("camera-password-new-host", &[("to", to)]))
                        .color(ui.visuals().warn_fg_color),
                );
            }
            if stored.state != PasswordState::None {
                ui.checkbox(&mut d.clear_password, i18n.tr("camera-password-clear"));
            }
            field_error_ui(ui, m, Field::Password);
        });
        ui.end_row();
    }
}

/// The map's click while picking a camera's position: the form takes it, then the map asks for the facing.
pub fn picked_position(app: &mut DeskApp, lat_deg: f64, lon_deg: f64) {
    let Some(super::OpenForm::Camera(form)) = &mut app.form else {
        app.map.pick = None;
        return;
    };
    form.draft.lat = format!("{lat_deg:.6}");
    form.draft.lon = format!("{lon_deg:.6}");
    app.map.pick = Some(form.draft.bearing_pick(lat_deg, lon_deg));
}

/// The facing set on the map goes into the form (whole degrees, 0–359).
pub fn picked_bearing(app: &mut DeskApp, bearing_deg: f64) {
    if let Some(super::OpenForm::Camera(form)) = &mut app.form {
        form.draft.bearing = format!("{}", bearing_deg.round().rem_euclid(360.0));
    }
}
