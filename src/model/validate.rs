//! Field checks for sites and cameras. Each problem names the field and says why, so a form can show it
//! beside the field and the CLI can print it.

use serde::Serialize;

use super::{Camera, CameraKind, ServiceArea, Site};

/// A form field that a problem belongs to (its name comes from the i18n catalogue: `field-<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    NameEn,
    NameHi,
    ContactPerson,
    Phone,
    Address,
    Ward,
    PoliceStation,
    Latitude,
    Longitude,
    PriorityRadius,
    Notes,
    Label,
    AreaWatched,
    Bearing,
    FieldOfView,
    Range,
    NvrHost,
    NvrChannel,
    Make,
    Model,
    StreamUrl,
    SnapshotUrl,
    Username,
    Password,
    Stage,
    /// A follow-up note about a camera (what an owner said when chased).
    FollowUpNote,
    /// Days the site's recorder keeps footage.
    RecorderRetention,
}

impl Field {
    pub fn code(self) -> &'static str {
        match self {
            Self::NameEn => "name-en",
            Self::NameHi => "name-hi",
            Self::ContactPerson => "contact-person",
            Self::Phone => "phone",
            Self::Address => "address",
            Self::Ward => "ward",
            Self::PoliceStation => "police-station",
            Self::Latitude => "latitude",
            Self::Longitude => "longitude",
            Self::PriorityRadius => "priority-radius",
            Self::Notes => "notes",
            Self::Label => "label",
            Self::AreaWatched => "area-watched",
            Self::Bearing => "bearing",
            Self::FieldOfView => "fov",
            Self::Range => "range",
            Self::NvrHost => "nvr-host",
            Self::NvrChannel => "nvr-channel",
            Self::Make => "make",
            Self::Model => "model",
            Self::StreamUrl => "stream-url",
            Self::SnapshotUrl => "snapshot-url",
            Self::Username => "username",
            Self::Password => "password",
            Self::Stage => "stage",
            Self::FollowUpNote => "follow-up-note",
            Self::RecorderRetention => "recorder-retention",
        }
    }

    pub fn i18n_key(self) -> String {
        format!("field-{}", self.code())
    }
}

/// What is wrong with a field's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong {
        max_chars: usize,
    },
    NotANumber {
        text: String,
    },
    OutOfRange {
        min: f64,
        max: f64,
    },
    /// Outside the registry's service area (its country box, or the city's).
    OutsideArea {
        country: String,
    },
    /// Latitude and longitude look swapped: swapped, the point lies in the service area.
    LooksSwapped,
    ZeroZero,
    BadPhone,
    BadUrl {
        detail: String,
    },
    WrongScheme {
        expected: String,
        found: String,
    },
    CredentialsInUrl,
    /// `rtsps://` (RTSP over TLS): the desk's prober speaks plain RTSP only, and sending it to a TLS port would
    /// only ever show the camera as broken.
    RtspsNotSupported,
    DuplicateStreamUrl {
        camera: String,
    },
    DuplicateNvrChannel {
        camera: String,
    },
    /// A private-area camera that is past "surveyed" (it must be rejected first).
    PrivateAreaInUse {
        stage: String,
    },
    /// An area "not yet known" for a camera past what that allows (configured, integrated, rejected): only a
    /// person who looked may say what it watches.
    AreaNotYetKnownInUse {
        stage: String,
    },
}

impl Problem {
    /// Key of the message in the i18n catalogue.
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::Required => "err-required",
            Self::TooLong { .. } => "err-too-long",
            Self::NotANumber { .. } => "err-not-a-number",
            Self::OutOfRange { .. } => "err-out-of-range",
            Self::OutsideArea { .. } => "err-outside-area",
            Self::LooksSwapped => "err-looks-swapped",
            Self::ZeroZero => "err-zero-zero",
            Self::BadPhone => "err-bad-phone",
            Self::BadUrl { .. } => "err-bad-url",
            Self::WrongScheme { .. } => "err-wrong-scheme",
            Self::CredentialsInUrl => "err-credentials-in-url",
            Self::RtspsNotSupported => "err-rtsps-not-supported",
            Self::DuplicateStreamUrl { .. } => "err-duplicate-stream-url",
            Self::DuplicateNvrChannel { .. } => "err-duplicate-nvr-channel",
            Self::PrivateAreaInUse { .. } => "err-private-area-in-use",
            Self::AreaNotYetKnownInUse { .. } => "err-area-not-yet-known-in-use",
        }
    }

    /// Named values the message refers to.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::TooLong { max_chars } => vec![("max", max_chars.to_string())],
            Self::NotANumber { text } => vec![("text", text.clone())],
            Self::OutOfRange { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Self::BadUrl { detail } => vec![("detail", detail.clone())],
            Self::WrongScheme { expected, found } => {
                vec![("expected", expected.clone()), ("found", found.clone())]
            }
            Self::DuplicateStreamUrl { camera } | Self::DuplicateNvrChannel { camera } => {
                vec![("camera", camera.clone())]
            }
            Self::PrivateAreaInUse { stage } | Self::AreaNotYetKnownInUse { stage } => {
                vec![("stage", stage.clone())]
            }
            Self::OutsideArea { country } => vec![("country", country.clone())],
            _ => Vec::new(),
        }
    }
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub field: Field,
    #[serde(flatten)]
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: Field, problem: Problem) -> Self {
        Self { field, problem }
    }
}

/// All problems of one form; empty means the record may be saved.
pub type FieldErrors = Vec<FieldError>;

const MAX_NAME_CHARS: usize = 120;
const MAX_TEXT_CHARS: usize = 2_000;

fn required(errors: &mut FieldErrors, field: Field, value: &str) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, Problem::Required));
    }
}

fn max_len(errors: &mut FieldErrors, field: Field, value: &str, max_chars: usize) {
    if value.chars().count() > max_chars {
        errors.push(FieldError::new(field, Problem::TooLong { max_chars }));
    }
}

/// Checks a latitude/longitude pair against the default service area (Jhansi, India).
pub fn check_coordinates(lat_deg: f64, lon_deg: f64) -> FieldErrors {
    check_coordinates_in(lat_deg, lon_deg, &ServiceArea::default())
}

/// Checks a latitude/longitude pair: numbers in range, inside the service area, not swapped, not (0, 0).
pub fn check_coordinates_in(lat_deg: f64, lon_deg: f64, area: &ServiceArea) -> FieldErrors {
    let mut errors = Vec::new();
    if !lat_deg.is_finite() || !(-90.0..=90.0).contains(&lat_deg) {
        errors.push(FieldError::new(
            Field::Latitude,
            Problem::OutOfRange {
                min: -90.0,
                max: 90.0,
            },
        ));
    }
    if !lon_deg.is_finite() || !(-180.0..=180.0).contains(&lon_deg) {
        errors.push(FieldError::new(
            Field::Longitude,
            Problem::OutOfRange {
                min: -180.0,
                max: 180.0,
            },
        ));
    }
    if !errors.is_empty() {
        return errors;
    }
    if lat_deg == 0.0 && lon_deg == 0.0 {
        errors.push(FieldError::new(Field::Latitude, Problem::ZeroZero));
    } else if !area.contains(lat_deg, lon_deg) {
        let problem = if area.contains(lon_deg, lat_deg) {
            Problem::LooksSwapped
        } else {
            Problem::OutsideArea {
                country: area.country.clone(),
            }
        };
        errors.push(FieldError::new(Field::Latitude, problem));
    }
    errors
}

/// True when a point lies in the city the desk is set up for.
pub fn is_in_city(lat_deg: f64, lon_deg: f64) -> bool {
    ServiceArea::default().city_box.contains(lat_deg, lon_deg)
}

/// Normalises an Indian phone number to `+91` and ten digits (mobile, or STD code with landline number),
/// or `+91` and the toll-free `1800…` number. Spaces, dashes, dots and brackets are ignored.
pub fn normalise_phone(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let has_plus = trimmed.starts_with('+');
    let mut digits = String::with_capacity(trimmed.len());
    for (i, ch) in trimmed.chars().enumerate() {
        match ch {
            '0'..='9' => digits.push(ch),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    let national = if has_plus {
        digits.strip_prefix("91")?.to_string()
    } else if digits.len() == 12 && digits.starts_with("91") {
        digits[2..].to_string()
    } else if digits.len() == 11 && digits.starts_with('0') {
        // Trunk prefix: 0 before a mobile number or an STD code.
        digits[1..].to_string()
    } else {
        digits
    };
    let is_toll_free = national.len() == 11 && national.starts_with("1800");
    let is_ten = national.len() == 10 && !national.starts_with('0');
    if is_ten || is_toll_free {
        Some(format!("+91{national}"))
    } else {
        None
    }
}

fn check_url(errors: &mut FieldErrors, field: Field, text: &str, schemes: &[&str]) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let url = match url::Url::parse(text) {
        Ok(url) => url,
        Err(e) => {
            errors.push(FieldError::new(
                field,
                Problem::BadUrl {
                    detail: e.to_string(),
                },
            ));
            return;
        }
    };
    if url.scheme() == "rtsps" && schemes.contains(&"rtsp") {
        errors.push(FieldError::new(field, Problem::RtspsNotSupported));
        return;
    }
    if !schemes.contains(&url.scheme()) {
        errors.push(FieldError::new(
            field,
            Problem::WrongScheme {
                expected: schemes
                    .iter()
                    .map(|s| format!("{s}://"))
                    .collect::<Vec<_>>()
                    .join(" / "),
                found: url.scheme().to_string(),
            },
        ));
        return;
    }
    if url.host_str().is_none_or(str::is_empty) {
        errors.push(FieldError::new(
            field,
            Problem::BadUrl {
                detail: "no host".into(),
            },
        ));
    }
    // Credentials belong in their own fields, where the password is encrypted; never in a URL.
    if !url.username().is_empty() || url.password().is_some() {
        errors.push(FieldError::new(field, Problem::CredentialsInUrl));
    }
}

fn check_optional_range(
    errors: &mut FieldErrors,
    field: Field,
    value: Option<f64>,
    min: f64,
    max: f64,
) {
    if let Some(v) = value
        && (!v.is_finite() || v < min || v > max)
    {
        errors.push(FieldError::new(field, Problem::OutOfRange { min, max }));
    }
}

/// Checks every field of a site.
pub fn validate_site(site: &Site) -> FieldErrors {
    validate_site_in(site, &ServiceArea::default())
}

/// [`validate_site`] for a registry serving `area`.
pub fn validate_site_in(site: &Site, area: &ServiceArea) -> FieldErrors {
    let mut errors = Vec::new();
    required(&mut errors, Field::NameEn, &site.name_en);
    max_len(&mut errors, Field::NameEn, &site.name_en, MAX_NAME_CHARS);
    max_len(&mut errors, Field::NameHi, &site.name_hi, MAX_NAME_CHARS);
    max_len(
        &mut errors,
        Field::ContactPerson,
        &site.contact_person,
        MAX_NAME_CHARS,
    );
    if !site.phone.trim().is_empty() && normalise_phone(&site.phone).is_none() {
        errors.push(FieldError::new(Field::Phone, Problem::BadPhone));
    }
    max_len(&mut errors, Field::Address, &site.address, MAX_TEXT_CHARS);
    max_len(&mut errors, Field::Ward, &site.ward, MAX_NAME_CHARS);
    max_len(
        &mut errors,
        Field::PoliceStation,
        &site.police_station,
        MAX_NAME_CHARS,
    );
    max_len(&mut errors, Field::Notes, &site.notes, MAX_TEXT_CHARS);
    errors.extend(check_coordinates_in(site.lat_deg, site.lon_deg, area));
    check_optional_range(
        &mut errors,
        Field::PriorityRadius,
        site.priority_radius_m,
        1.0,
        5_000.0,
    );
    let days = site.recorder_retention_days;
    if !(1..=super::MAX_RETENTION_DAYS).contains(&days) {
        errors.push(FieldError::new(
            Field::RecorderRetention,
            Problem::OutOfRange {
                min: 1.0,
                max: f64::from(super::MAX_RETENTION_DAYS),
            },
        ));
    }
    errors
}

/// Checks every field of a camera on its own (duplicates against other cameras are checked by the store).
pub fn validate_camera(camera: &Camera) -> FieldErrors {
    validate_camera_in(camera, &ServiceArea::default())
}

/// [`validate_camera`] for a registry serving `area`.
pub fn validate_camera_in(camera: &Camera, area: &ServiceArea) -> FieldErrors {
    let mut errors = Vec::new();
    required(&mut errors, Field::Label, &camera.label);
    max_len(&mut errors, Field::Label, &camera.label, MAX_NAME_CHARS);
    errors.extend(check_coordinates_in(camera.lat_deg, camera.lon_deg, area));
    if let Some(b) = camera.bearing_deg
        && (!b.is_finite() || !(0.0..360.0).contains(&b))
    {
        errors.push(FieldError::new(
            Field::Bearing,
            Problem::OutOfRange {
                min: 0.0,
                max: 359.0,
            },
        ));
    }
    check_optional_range(&mut errors, Field::FieldOfView, camera.fov_deg, 1.0, 360.0);
    check_optional_range(&mut errors, Field::Range, camera.range_m, 1.0, 2_000.0);
    if let CameraKind::Analogue { nvr_host, channel } = &camera.kind {
        required(&mut errors, Field::NvrHost, nvr_host);
        if !nvr_host.trim().is_empty() && url::Host::parse(nvr_host.trim()).is_err() {
            errors.push(FieldError::new(
                Field::NvrHost,
                Problem::BadUrl {
                    detail: "not a host name or IP address".into(),
                },
            ));
        }
        if !(1..=256).contains(channel) {
            errors.push(FieldError::new(
                Field::NvrChannel,
                Problem::OutOfRange {
                    min: 1.0,
                    max: 256.0,
                },
            ));
        }
    }
    max_len(&mut errors, Field::Make, &camera.make, MAX_NAME_CHARS);
    max_len(&mut errors, Field::Model, &camera.model, MAX_NAME_CHARS);
    check_url(&mut errors, Field::StreamUrl, &camera.stream_url, &["rtsp"]);
    check_url(
        &mut errors,
        Field::SnapshotUrl,
        &camera.snapshot_url,
        &["http", "https"],
    );
    max_len(
        &mut errors,
        Field::Username,
        &camera.username,
        MAX_NAME_CHARS,
    );
    errors
}

/// Longest follow-up note, in characters: a call's summary fits; a pasted document does not belong there.
pub const FOLLOW_UP_NOTE_MAX_CHARS: usize = MAX_TEXT_CHARS;

/// A follow-up note as it is stored (trimmed), or why it cannot be: empty, or longer than
/// [`FOLLOW_UP_NOTE_MAX_CHARS`]. The form and the store both ask this.
pub fn check_follow_up_note(note: &str) -> Result<String, FieldError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(FieldError::new(Field::FollowUpNote, Problem::Required));
    }
    if note.chars().count() > FOLLOW_UP_NOTE_MAX_CHARS {
        return Err(FieldError::new(
            Field::FollowUpNote,
            Problem::TooLong {
                max_chars: FOLLOW_UP_NOTE_MAX_CHARS,
            },
        ));
    }
    Ok(note.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_up_notes_are_trimmed_and_bounded() {
        assert_eq!(
            check_follow_up_note("  manager will call back on Monday \n").as_deref(),
            Ok("manager will call back on Monday")
        );
        for blank in ["", "   ", "\n\t"] {
            assert_eq!(
                check_follow_up_note(blank),
                Err(FieldError::new(Field::FollowUpNote, Problem::Required))
            );
        }
        // Counted in characters, not bytes: 2,000 Devanagari letters are fine, one more is not.
        let hindi = "क".repeat(FOLLOW_UP_NOTE_MAX_CHARS);
        assert!(check_follow_up_note(&hindi).is_ok());
        assert_eq!(
            check_follow_up_note(&format!("{hindi}क")),
            Err(FieldError::new(
                Field::FollowUpNote,
                Problem::TooLong { max_chars: 2_000 }
            ))
        );
    }

    fn problems(errors: &FieldErrors) -> Vec<(Field, &Problem)> {
        errors.iter().map(|e| (e.field, &e.problem)).collect()
    }

    #[test]
    fn jhansi_coordinates_pass() {
        assert!(check_coordinates(25.4486, 78.5697).is_empty());
        assert!(is_in_city(25.4486, 78.5697));
        assert!(!is_in_city(26.85, 80.95));
    }

    #[test]
    fn swapped_coordinates_are_named() {
        let e = check_coordinates(95.0, 78.5697);
        assert_eq!(
            problems(&e),
            vec![(
                Field::Latitude,
                &Problem::OutOfRange {
                    min: -90.0,
                    max: 90.0
                }
            )]
        );
        // Both in range, but swapped they land in India (Jhansi typed longitude first).
        let e = check_coordinates(78.5697, 25.4486);
        assert_eq!(
            problems(&e),
            vec![(Field::Latitude, &Problem::LooksSwapped)]
        );
    }

    #[test]
    fn outside_india_and_zero_zero() {
        assert_eq!(
            problems(&check_coordinates(51.5, -0.12)),
            vec![(
                Field::Latitude,
                &Problem::OutsideArea {
                    country: "India".into()
                }
            )]
        );
        // A registry serving Trafford takes Trafford's cameras, and calls India's points outside.
        let trafford = ServiceArea {
            city: "Trafford".into(),
            country: "the United Kingdom".into(),
            city_box: crate::model::LatLonBox::parse("53.38,-2.48,53.48,-2.25").unwrap(),
            country_box: crate::model::LatLonBox::parse("49.8,-8.7,60.9,1.8").unwrap(),
        };
        assert!(check_coordinates_in(53.4645, -2.2848, &trafford).is_empty());
        assert_eq!(
            problems(&check_coordinates_in(-2.2848, 53.4645, &trafford)),
            vec![(Field::Latitude, &Problem::LooksSwapped)]
        );
        assert!(!check_coordinates_in(25.4486, 78.5697, &trafford).is_empty());
        assert_eq!(
            problems(&check_coordinates(0.0, 0.0)),
            vec![(Field::Latitude, &Problem::ZeroZero)]
        );
        assert!(!check_coordinates(f64::NAN, 78.0).is_empty());
    }

    #[test]
    fn indian_phone_formats() {
        for (input, want) in [
            ("9876543210", "+919876543210"),
            ("+91 98765 43210", "+919876543210"),
            ("+91-98765-43210", "+919876543210"),
            ("09876543210", "+919876543210"),
            ("919876543210", "+919876543210"),
            ("0510-2440000", "+915102440000"),
            ("(0510) 244 0000", "+915102440000"),
            ("1800 180 1551", "+9118001801551"),
        ] {
            assert_eq!(normalise_phone(input).as_deref(), Some(want), "{input}");
        }
        for bad in [
            "12345",
            "+1 415 555 0100",
            "98765abc10",
            "0000000000",
            "98765432101",
        ] {
            assert_eq!(normalise_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn site_needs_name_and_valid_phone() {
        let mut s = Site::blank();
        s.phone = "12345".into();
        let e = validate_site(&s);
        assert_eq!(
            problems(&e),
            vec![
                (Field::NameEn, &Problem::Required),
                (Field::Phone, &Problem::BadPhone)
            ]
        );
        s.name_en = "Hotel Raj Palace".into();
        s.phone = "+91 98765 43210".into();
        assert!(validate_site(&s).is_empty());
    }

    #[test]
    fn camera_urls_and_bearing() {
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = "Gate".into();
        c.stream_url = "http://127.0.0.1/stream".into();
        c.snapshot_url = "rtsp://127.0.0.1/x".into();
        c.bearing_deg = Some(360.0);
        let e = validate_camera(&c);
        assert_eq!(
            problems(&e),
            vec![
                (
                    Field::Bearing,
                    &Problem::OutOfRange {
                        min: 0.0,
                        max: 359.0
                    }
                ),
                (
                    Field::StreamUrl,
                    &Problem::WrongScheme {
                        expected: "rtsp://".into(),
                        found: "http".into()
                    }
                ),
                (
                    Field::SnapshotUrl,
                    &Problem::WrongScheme {
                        expected: "http:// / https://".into(),
                        found: "rtsp".into()
                    }
                ),
            ]
        );
        c.bearing_deg = Some(359.0);
        c.stream_url = "rtsp://admin:secret@127.0.0.1:554/Streaming/Channels/101".into();
        c.snapshot_url = "http://127.0.0.1/ISAPI/Streaming/channels/101/picture".into();
        assert_eq!(
            problems(&validate_camera(&c)),
            vec![(Field::StreamUrl, &Problem::CredentialsInUrl)]
        );
        c.stream_url = "rtsp://127.0.0.1:554/Streaming/Channels/101".into();
        assert!(validate_camera(&c).is_empty());
        // RTSP over TLS is refused by name, not as an unknown scheme.
        c.stream_url = "rtsps://127.0.0.1:322/Streaming/Channels/101".into();
        assert_eq!(
            problems(&validate_camera(&c)),
            vec![(Field::StreamUrl, &Problem::RtspsNotSupported)]
        );
        c.stream_url = "rtsp://[::1]:8554/Streaming/Channels/101".into();
        assert!(validate_camera(&c).is_empty(), "IPv6 addresses are fine");
    }

    #[test]
    fn analogue_camera_needs_nvr_and_channel() {
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = "Lobby".into();
        c.kind = CameraKind::Analogue {
            nvr_host: String::new(),
            channel: 0,
        };
        let e = validate_camera(&c);
        assert_eq!(
            problems(&e),
            vec![
                (Field::NvrHost, &Problem::Required),
                (
                    Field::NvrChannel,
                    &Problem::OutOfRange {
                        min: 1.0,
                        max: 256.0
                    }
                )
            ]
        );
    }
}
