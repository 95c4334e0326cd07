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

/// A stretch of probes that all found the same state (the stored health history, `health_run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthRun {
    pub state: HealthState,
    /// First probe of the run, unix seconds.
    pub from_unix_s: i64,
    /// Last probe of the run, unix seconds.
    pub to_unix_s: i64,
    pub probes: u32,
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
    /// A password is stored but cannot be decrypted (sealed for another camera, or damaged): the camera is not
    /// probed, and its finding asks for the password again.
    pub password_unreadable: bool,
}

/// Every camera to probe, packed: one text buffer and four spans per camera instead of two parsed URLs and two
/// strings each. At 200,000 cameras this is about a third of the memory, and a sweep hands out targets one at a
/// time, so the list is never copied. Debug never prints the text (it holds passwords).
#[derive(Clone, Default)]
pub struct ProbeTargets {
    camera_ids: Vec<CameraId>,
    /// Stream URL, snapshot URL, username, password of each camera, as (start, len) in `text`; a URL of length
    /// 0 is absent. `None` credentials are both empty.
    spans: Vec<[(u32, u32); 4]>,
    text: String,
    /// Positions of the cameras whose stored password cannot be decrypted (few, in order).
    unreadable: Vec<usize>,
}

impl std::fmt::Debug for ProbeTargets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeTargets")
            .field("cameras", &self.camera_ids.len())
            .finish()
    }
}

impl ProbeTargets {
    pub fn len(&self) -> usize {
        self.camera_ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.camera_ids.is_empty()
    }

    pub fn camera_id(&self, i: usize) -> CameraId {
        self.camera_ids[i]
    }

    /// Where a camera is in the list (targets are pushed in camera id order, as the store reads them).
    pub fn position(&self, camera_id: CameraId) -> Option<usize> {
        match self.camera_ids.binary_search(&camera_id) {
            Ok(i) => Some(i),
            // Not in id order after all: look at every one.
            Err(_) => self.camera_ids.iter().position(|&id| id == camera_id),
        }
    }

    pub fn push(&mut self, target: &ProbeTarget) {
        let mut span = |s: &str| {
            let start = self.text.len() as u32;
            self.text.push_str(s);
            (start, s.len() as u32)
        };
        let (user, pass) = target
            .credentials
            .as_ref()
            .map_or(("", ""), |c| (c.username.as_str(), c.password.as_str()));
        let spans = [
            span(target.stream_url.as_ref().map_or("", |u| u.as_str())),
            span(target.snapshot_url.as_ref().map_or("", |u| u.as_str())),
            span(user),
            span(pass),
        ];
        if target.password_unreadable {
            self.unreadable.push(self.camera_ids.len());
        }
        self.camera_ids.push(target.camera_id);
        self.spans.push(spans);
    }

    /// Room for `cameras` targets with `bytes` of URL and login text in all.
    pub fn with_capacity(cameras: usize, bytes: usize) -> Self {
        Self {
            camera_ids: Vec::with_capacity(cameras),
            spans: Vec::with_capacity(cameras),
            text: String::with_capacity(bytes),
            unreadable: Vec::new(),
        }
    }

    /// Gives back the room left over from growing the list.
    pub fn shrink_to_fit(&mut self) {
        self.camera_ids.shrink_to_fit();
        self.spans.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    fn part(&self, (start, len): (u32, u32)) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }

    /// The `i`th target, unpacked (its URLs were parsed when pushed, so they parse again).
    pub fn get(&self, i: usize) -> ProbeTarget {
        let [stream, snapshot, user, pass] = self.spans[i];
        let url = |span: (u32, u32)| {
            (span.1 > 0)
                .then(|| Url::parse(self.part(span)).ok())
                .flatten()
        };
        let credentials = (user.1 > 0 || pass.1 > 0).then(|| Credentials {
            username: self.part(user).to_string(),
            password: self.part(pass).to_string(),
        });
        ProbeTarget {
            camera_id: self.camera_ids[i],
            stream_url: url(stream),
            snapshot_url: url(snapshot),
            credentials,
            password_unreadable: self.unreadable.binary_search(&i).is_ok(),
        }
    }

    /// Every target, unpacked one at a time.
    pub fn iter(&self) -> impl Iterator<Item = ProbeTarget> + Send + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl FromIterator<ProbeTarget> for ProbeTargets {
    fn from_iter<I: IntoIterator<Item = ProbeTarget>>(iter: I) -> Self {
        let mut all = Self::default();
        for t in iter {
            all.push(&t);
        }
        all.shrink_to_fit();
        all
    }
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
    fn packed_targets_unpack_to_what_was_pushed() {
        let targets = vec![
            ProbeTarget {
                camera_id: 7,
                stream_url: Url::parse("rtsp://127.0.0.1:8554/cam").ok(),
                snapshot_url: None,
                credentials: Some(Credentials {
                    username: "admin".into(),
                    password: "पासवर्ड 1".into(),
                }),
                password_unreadable: false,
            },
            ProbeTarget {
                camera_id: 9,
                stream_url: None,
                snapshot_url: Url::parse("http://127.0.0.2/ISAPI/Streaming/channels/101/picture")
                    .ok(),
                credentials: None,
                password_unreadable: false,
            },
            ProbeTarget {
                camera_id: 11,
                stream_url: nvr_channel_url("127.0.0.3", 4),
                snapshot_url: None,
                credentials: Some(Credentials {
                    username: "viewer".into(),
                    password: String::new(),
                }),
                password_unreadable: false,
            },
        ];
        let packed: ProbeTargets = targets.iter().cloned().collect();
        assert_eq!(packed.len(), 3);
        assert_eq!(packed.camera_id(1), 9);
        assert_eq!(packed.iter().collect::<Vec<_>>(), targets);
        assert!(!format!("{packed:?}").contains("पासवर्ड"));
    }

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
