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
}

impl AreaWatched {
    pub const ALL: [AreaWatched; 10] = [
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
        !matches!(
            self,
            Self::Room | Self::Ward | Self::Classroom | Self::Cabin
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_areas_are_not_common() {
        let private: Vec<_> = AreaWatched::ALL
            .into_iter()
            .filter(|a| !a.is_common())
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
    }
}
