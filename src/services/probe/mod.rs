//! Camera health probing: what the desk measures itself against each camera (RTSP OPTIONS + DESCRIBE with the
//! stored credentials, and the HTTP snapshot), never on the UI thread.
//!
//! Every probe has one deadline and size caps, so a camera that answers garbage, a huge body or a slow trickle
//! ends that probe with a clear status and never stalls the prober. Errors never contain credentials: requests
//! are never echoed, and URLs are kept without them.

mod rtsp;
mod sdp;
mod snapshot;
mod wire;

use std::time::Duration;

use url::Url;

use crate::model::{CameraId, HealthState};

pub use rtsp::probe_rtsp;
pub use sdp::{VideoTrack, video_track};
pub use snapshot::{MAX_SNAPSHOT_BYTES, THUMBNAIL_BOX_PX, probe_snapshot, thumbnail};
pub use wire::Deadline;

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

/// Limits of one probe.
#[derive(Debug, Clone, Copy)]
pub struct ProbeOptions {
    /// Time for the RTSP check, and again for the snapshot.
    pub timeout: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(3),
        }
    }
}

/// Probes a camera: the stream decides its state; the snapshot adds the thumbnail (and decides the state of a
/// camera that has only a snapshot URL).
pub fn probe_camera(target: &ProbeTarget, options: &ProbeOptions) -> Finding {
    let creds = target.credentials.as_ref();
    let stream = target
        .stream_url
        .as_ref()
        .map(|url| probe_rtsp(url, creds, &Deadline::after(options.timeout)));
    // A camera whose stream is down will not serve snapshots either; don't wait for it twice.
    let want_snapshot = stream
        .as_ref()
        .is_none_or(|f| f.state != HealthState::Offline);
    let snap = target
        .snapshot_url
        .as_ref()
        .filter(|_| want_snapshot)
        .map(|url| probe_snapshot(url, creds, &Deadline::after(options.timeout)));
    match (stream, snap) {
        (Some(mut s), Some(p)) => {
            s.thumbnail_jpeg = p.thumbnail_jpeg;
            if s.state == HealthState::Online
                && let Some(e) = p.error
            {
                // The stream works; say what is wrong with the snapshot without calling the camera down.
                s.error = Some(e);
            }
            s
        }
        (Some(s), None) => s,
        (None, Some(p)) => p,
        (None, None) => Finding {
            state: HealthState::StreamError,
            error: Some("no stream or snapshot address is recorded".into()),
            ..Default::default()
        },
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
    fn credentials_never_print_the_password() {
        let c = Credentials {
            username: "admin".into(),
            password: "Secret#123".into(),
        };
        assert!(!format!("{c:?}").contains("Secret"));
    }

    #[test]
    fn nvr_channels_get_hikvision_style_urls() {
        assert_eq!(
            nvr_channel_url("127.1.0.5", 3).unwrap().as_str(),
            "rtsp://127.1.0.5:554/Streaming/Channels/301"
        );
    }

    #[test]
    fn nothing_to_probe_is_a_stream_error() {
        let t = ProbeTarget {
            camera_id: 1,
            stream_url: None,
            snapshot_url: None,
            credentials: None,
        };
        let f = probe_camera(&t, &ProbeOptions::default());
        assert_eq!(f.state, HealthState::StreamError);
    }
}
