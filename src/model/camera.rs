//! A camera at a site, and what it watches.

use serde::{Deserialize, Serialize};

/// What a camera watches. Only common areas may ever be integrated (privacy rule of the programme).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaWatched {
    Entrance,
    Lobby,
    Parking,
    Gate,
    RoadFrontage,
    Corridor,
    // Private areas: recorded when surveyed, never integrated.
    Room,
    Ward,
    Classroom,
    Cabin,
    /// Nobody has said yet what the camera watches (an import without the column, or words the desk did not
    /// recognise). Treated as possibly private: never configured or integrated until a person sets the area.
    NotYetKnown,
}

impl AreaWatched {
    pub const ALL: [AreaWatched; 11] = [
        Self::Entrance,
        Self::Lobby,
        Self::Parking,
        Self::Gate,
        Self::RoadFrontage,
        Self::Corridor,
        Self::Room,
        Self::Ward,
        Self::Classroom,
        Self::Cabin,
        Self::NotYetKnown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Entrance => "entrance",
            Self::Lobby => "lobby",
            Self::Parking => "parking",
            Self::Gate => "gate",
            Self::RoadFrontage => "road_frontage",
            Self::Corridor => "corridor",
            Self::Room => "room",
            Self::Ward => "ward",
            Self::Classroom => "classroom",
            Self::Cabin => "cabin",
            Self::NotYetKnown => "not_yet_known",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn i18n_key(self) -> String {
        format!("area-{}", self.code().replace('_', "-"))
    }

    /// True for areas the public shares; only these may be integrated.
    pub fn is_common(self) -> bool {
        !self.is_private() && self != Self::NotYetKnown
    }

    /// True for the private areas: recorded when surveyed, else only rejected.
    pub fn is_private(self) -> bool {
        matches!(
            self,
            Self::Room | Self::Ward | Self::Classroom | Self::Cabin
        )
    }

    /// Whether a camera watching this area may stand at `stage` (having been blocked from `blocked_from`): the
    /// privacy rule, as the schema's `private_area_never_integrated` CHECK states it too.
    pub fn allows_stage(
        self,
        stage: crate::model::IntegrationStage,
        blocked_from: Option<crate::model::IntegrationStage>,
    ) -> bool {
        use crate::model::IntegrationStage as S;
        if self.is_common() || matches!(stage, S::Surveyed | S::Rejected) {
            return true;
        }
        // Not yet known: the talks with the owner may go on, but nothing that puts its picture on the ICCC.
        let talks = |s: S| matches!(s, S::OwnerContacted | S::ConsentGiven);
        self == Self::NotYetKnown
            && (talks(stage)
                || (stage == S::Blocked
                    && blocked_from.is_none_or(|f| f == S::Surveyed || talks(f))))
    }
}

impl AreaWatched {
    /// Why a camera watching this area may not be saved at `stage` (blocked from `blocked_from`), if it may not:
    /// the refusal the store gives a form or an import that sets the area of a camera already further on.
    pub fn refusal_at(
        self,
        stage: crate::model::IntegrationStage,
        blocked_from: Option<crate::model::IntegrationStage>,
    ) -> Option<crate::model::Problem> {
        if self.allows_stage(stage, blocked_from) {
            return None;
        }
        let stage = stage.code().to_string();
        Some(if self == Self::NotYetKnown {
            crate::model::Problem::AreaNotYetKnownInUse { stage }
        } else {
            crate::model::Problem::PrivateAreaInUse { stage }
        })
    }
}

/// The common areas as an SQL list, for figures that must apply the privacy rule themselves (a file written
/// with `PRAGMA ignore_check_constraints` may hold a private camera at 'integrated').
pub const COMMON_AREAS_SQL: &str =
    "('entrance', 'lobby', 'parking', 'gate', 'road_frontage', 'corridor')";

/// The stage figures count a camera at: one that breaks the privacy rule (possible only in a tampered file)
/// counts as recorded, never as configured or integrated.
pub fn counted_stage(
    stage: crate::model::IntegrationStage,
    area: AreaWatched,
) -> crate::model::IntegrationStage {
    use crate::model::IntegrationStage as S;
    if matches!(stage, S::Configured | S::Integrated) && !area.is_common() {
        S::Surveyed
    } else {
        stage
    }
}

/// How the ICCC reaches the camera.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CameraKind {
    /// An IP camera with its own stream.
    Ip,
    /// An analogue camera recorded by the owner's NVR/DVR, reached through the recorder's address and a channel.
    Analogue { nvr_host: String, channel: u16 },
}

impl CameraKind {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Ip => "ip",
            Self::Analogue { .. } => "analogue",
        }
    }
}

/// Whether the registry holds a usable password for a camera (the password itself never leaves the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordState {
    None,
    Stored,
    /// Encrypted with a key this machine no longer has: it must be typed in again.
    MustReenter,
}

/// A camera as the registry keeps it (the password is held apart, encrypted, by the store).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Camera {
    pub label: String,
    pub area_watched: AreaWatched,
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// Facing direction, degrees clockwise from north (0–359), where known.
    pub bearing_deg: Option<f64>,
    /// Horizontal field-of-view angle, degrees, where known.
    pub fov_deg: Option<f64>,
    /// Distance at which a person is still recognisable, metres, where known.
    pub range_m: Option<f64>,
    pub kind: CameraKind,
    pub make: String,
    pub model: String,
    /// `rtsp://` URL without credentials, or empty (`rtsps://` is refused: the prober speaks plain RTSP only).
    pub stream_url: String,
    /// `http://` or `https://` URL of a JPEG snapshot, without credentials, or empty.
    pub snapshot_url: String,
    pub username: String,
}

impl Camera {
    /// A blank camera for the "add camera" form at a site's position.
    pub fn blank_at(lat_deg: f64, lon_deg: f64) -> Self {
        Self {
            label: String::new(),
            area_watched: AreaWatched::Entrance,
            lat_deg,
            lon_deg,
            bearing_deg: None,
            fov_deg: None,
            range_m: None,
            kind: CameraKind::Ip,
            make: String::new(),
            model: String::new(),
            stream_url: String::new(),
            snapshot_url: String::new(),
            username: String::new(),
        }
    }
}

/// A camera address a stored password is sent to, changed by an edit: the field's code and the host (scheme,
/// host and port) before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostChange {
    /// `stream_url`, `snapshot_url` or `nvr_host`.
    pub field: &'static str,
    /// The hosts the password went to before (comma-separated; empty when none).
    pub from: String,
    pub to: String,
}

/// Where a password for `camera` is sent, as `(field, scheme://host:port)`. Text that is not a URL counts as
/// its own host, so an unreadable address is never taken for an unchanged one.
fn credential_hosts(camera: &Camera) -> Vec<(&'static str, String)> {
    fn host_of(text: &str) -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        Some(match url::Url::parse(text) {
            Ok(u) => match u.host_str() {
                Some(h) => match u.port_or_known_default() {
                    Some(port) => format!("{}://{}:{port}", u.scheme(), h.to_ascii_lowercase()),
                    None => format!("{}://{}", u.scheme(), h.to_ascii_lowercase()),
                },
                None => after_userinfo(text),
            },
            Err(_) => after_userinfo(text),
        })
    }
    // Whatever precedes the last `@` may be `user:password`; it is never part of what is shown.
    fn after_userinfo(text: &str) -> String {
        text.rsplit('@').next().unwrap_or(text).to_string()
    }
    let mut out = Vec::new();
    if let Some(h) = host_of(&camera.stream_url) {
        out.push(("stream_url", h));
    }
    if let Some(h) = host_of(&camera.snapshot_url) {
        out.push(("snapshot_url", h));
    }
    if let CameraKind::Analogue { nvr_host, .. } = &camera.kind {
        let h = nvr_host.trim().to_ascii_lowercase();
        if !h.is_empty() {
            out.push(("nvr_host", h));
        }
    }
    out
}

/// The first host `after` would send the stored password to that `before` did not (a changed host, scheme or
/// port), or `None` when every host is one the password already went to.
pub fn credential_host_change(before: &Camera, after: &Camera) -> Option<HostChange> {
    let old = credential_hosts(before);
    let (field, to) = credential_hosts(after)
        .into_iter()
        .find(|(_, h)| !old.iter().any(|(_, o)| o == h))?;
    let same_field: Vec<&str> = old
        .iter()
        .filter(|(f, _)| *f == field)
        .map(|(_, h)| h.as_str())
        .collect();
    let from = if same_field.is_empty() {
        old.iter()
            .map(|(_, h)| h.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        same_field.join(", ")
    };
    Some(HostChange { field, from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_areas_are_not_common() {
        let private: Vec<_> = AreaWatched::ALL
            .into_iter()
            .filter(|a| a.is_private())
            .collect();
        assert_eq!(
            private,
            vec![
                AreaWatched::Room,
                AreaWatched::Ward,
                AreaWatched::Classroom,
                AreaWatched::Cabin
            ]
        );
        for a in AreaWatched::ALL {
            assert_eq!(AreaWatched::from_code(a.code()), Some(a));
        }
        assert!(!AreaWatched::NotYetKnown.is_common());
        assert!(!AreaWatched::NotYetKnown.is_private());
    }

    #[test]
    fn common_areas_sql_lists_exactly_the_common_areas() {
        let listed: Vec<String> = AreaWatched::ALL
            .into_iter()
            .filter(|a| a.is_common())
            .map(|a| format!("'{}'", a.code()))
            .collect();
        assert_eq!(COMMON_AREAS_SQL, format!("({})", listed.join(", ")));
    }

    #[test]
    fn a_camera_is_saved_only_at_a_stage_its_area_allows() {
        use crate::model::{IntegrationStage as S, Problem};
        let not_known = AreaWatched::NotYetKnown;
        for s in [S::Surveyed, S::OwnerContacted, S::ConsentGiven] {
            assert_eq!(not_known.refusal_at(s, None), None, "{s:?}");
        }
        assert_eq!(
            not_known.refusal_at(S::Blocked, Some(S::ConsentGiven)),
            None
        );
        for (s, from) in [
            (S::Configured, None),
            (S::Integrated, None),
            (S::Blocked, Some(S::Configured)),
        ] {
            assert_eq!(
                not_known.refusal_at(s, from),
                Some(Problem::AreaNotYetKnownInUse {
                    stage: s.code().into()
                }),
                "{s:?}"
            );
        }
        assert_eq!(
            AreaWatched::Ward.refusal_at(S::Integrated, None),
            Some(Problem::PrivateAreaInUse {
                stage: "integrated".into()
            })
        );
        assert_eq!(AreaWatched::Entrance.refusal_at(S::Integrated, None), None);
    }

    #[test]
    fn not_yet_known_may_talk_to_the_owner_but_never_be_integrated() {
        use crate::model::IntegrationStage as S;
        let a = AreaWatched::NotYetKnown;
        for s in [S::Surveyed, S::OwnerContacted, S::ConsentGiven, S::Rejected] {
            assert!(a.allows_stage(s, None), "{s:?}");
        }
        for s in [S::Configured, S::Integrated] {
            assert!(!a.allows_stage(s, None), "{s:?}");
            assert_eq!(counted_stage(s, a), S::Surveyed);
        }
        assert!(a.allows_stage(S::Blocked, Some(S::ConsentGiven)));
        assert!(!a.allows_stage(S::Blocked, Some(S::Configured)));
        assert!(!AreaWatched::Room.allows_stage(S::OwnerContacted, None));
        assert_eq!(counted_stage(S::Integrated, AreaWatched::Room), S::Surveyed);
        assert_eq!(
            counted_stage(S::Integrated, AreaWatched::Gate),
            S::Integrated
        );
    }
}
