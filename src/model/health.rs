//! What the desk measured when it probed a camera.

use serde::{Deserialize, Serialize};
use url::Url;

use super::CameraId;

/// The health of a camera as the desk's own probes saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    /// The stream answered DESCRIBE with a video track (or the snapshot decoded, for snapshot-only cameras).
    Online,
    /// Nothing answered: connection refused, no route, or no answer at all in time.
    Offline,
    /// The camera refused the stored credentials.
    AuthFailed,
    /// Something answered, but not a usable stream or image.
    StreamError,
    /// The desk has not probed it yet.
    NotProbed,
}

impl HealthState {
    pub const ALL: [HealthState; 5] = [
        Self::Online,
        Self::Offline,
        Self::AuthFailed,
        Self::StreamError,
        Self::NotProbed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Offline => "offline",
            Self::AuthFailed => "auth_failed",
            Self::StreamError => "stream_error",
            Self::NotProbed => "not_probed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn i18n_key(self) -> String {
        format!("health-{}", self.code().replace('_', "-"))
    }

    /// Problems first when a list is sorted by health.
    pub fn problem_rank(self) -> u8 {
        match self {
            Self::Offline => 0,
            Self::AuthFailed => 1,
            Self::StreamError => 2,
            Self::NotProbed => 3,
            Self::Online => 4,
        }
    }
}

/// The login a camera gets. Debug never prints the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// What one check (stream or snapshot) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub state: HealthState,
    pub latency_ms: u32,
    pub codec: Option<String>,
    pub width_px: Option<u32>,
    pub height_px: Option<u32>,
    /// Why it is not online (never a credential).
    pub error: Option<String>,
    /// A small JPEG of the last snapshot, for the wall.
    pub thumbnail_jpeg: Option<Vec<u8>>,
}

impl Default for Finding {
    fn default() -> Self {
        Self {
            state: HealthState::NotProbed,
            latency_ms: 0,
            codec: None,
            width_px: None,
            height_px: None,
            error: None,
            thumbnail_jpeg: None,
        }
    }
}

/// One camera to probe, as the prober needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeTarget {
    pub camera_id: CameraId,
    /// RTSP URL without credentials (for an analogue camera, its NVR channel's URL).
    pub stream_url: Option<Url>,
    pub snapshot_url: Option<Url>,
    pub credentials: Option<Credentials>,
}

/// The RTSP URL of an NVR channel when only the recorder and channel are known (Hikvision's scheme, which most
/// NVRs sold in India also answer).
pub fn nvr_channel_url(nvr_host: &str, channel: u16) -> Option<Url> {
    Url::parse(&format!(
        "rtsp://{nvr_host}:554/Streaming/Channels/{channel}01"
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_problems_sort_first() {
        for s in HealthState::ALL {
            assert_eq!(HealthState::from_code(s.code()), Some(s));
        }
        let mut all = HealthState::ALL.to_vec();
        all.sort_by_key(|s| s.problem_rank());
        assert_eq!(all.first(), Some(&HealthState::Offline));
        assert_eq!(all.last(), Some(&HealthState::Online));
    }
}
