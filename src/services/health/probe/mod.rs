//! Camera health probing: what the desk measures itself against each camera (RTSP OPTIONS + DESCRIBE with the
//! stored credentials, and the HTTP snapshot), never on the UI thread.
//!
//! Every probe has one deadline and size caps, so a camera that answers garbage, a huge body or a slow trickle
//! ends that probe with a clear status and never stalls the prober. Errors never contain credentials: requests
//! are never echoed, and URLs are kept without them.

mod login;
mod redirect;
mod rtsp;
mod sdp;
mod snapshot;
mod wire;

use std::time::Duration;

use crate::model::HealthState;
pub use crate::model::{Credentials, Finding, ProbeTarget, nvr_channel_url};

pub use rtsp::{RTSPS_NOT_SUPPORTED, probe_rtsp};
pub use sdp::{VideoTrack, video_track};
pub use snapshot::{MAX_SNAPSHOT_BYTES, THUMBNAIL_BOX_PX, probe_snapshot, thumbnail};
pub use wire::Deadline;

/// The finding of a camera whose stored password cannot be decrypted, as stored (English, like every finding);
/// screens show it in their language by [`finding_text`].
pub const PASSWORD_UNREADABLE: &str = "password unreadable: re-enter it";

/// A stored finding's reason in the desk's language: the findings the desk itself words come from the
/// catalogue; what a camera answered stays as the camera said it.
pub fn finding_text(error: &str, i18n: &crate::i18n::I18n) -> String {
    if error == PASSWORD_UNREADABLE {
        i18n.tr("probe-password-unreadable")
    } else {
        error.to_string()
    }
}

/// Limits of one probe.
#[derive(Debug, Clone, Copy)]
pub struct ProbeOptions {
    /// Time for the whole probe of a camera: the RTSP check, then the snapshot in what is left. Every
    /// connect, write and read is given only the time left, so a silent camera costs this and no more.
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
    // Without its password the camera would only refuse us; say what the operator can fix, and send nothing.
    if target.password_unreadable {
        return Finding {
            state: HealthState::AuthFailed,
            error: Some(PASSWORD_UNREADABLE.into()),
            ..Default::default()
        };
    }
    let creds = target.credentials.as_ref();
    let deadline = Deadline::after(options.timeout);
    let stream = target
        .stream_url
        .as_ref()
        .map(|url| probe_rtsp(url, creds, &deadline));
    // A camera whose stream is down will not serve snapshots either; don't wait for it twice.
    let want_snapshot = stream
        .as_ref()
        .is_none_or(|f| f.state != HealthState::Offline);
    let snap = target
        .snapshot_url
        .as_ref()
        .filter(|_| want_snapshot)
        .map(|url| probe_snapshot(url, creds, &deadline));
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
    fn an_unreadable_password_is_the_camera_s_finding_in_both_languages() {
        let t = ProbeTarget {
            camera_id: 1,
            stream_url: url::Url::parse("rtsp://127.0.0.1:1/x").ok(),
            snapshot_url: None,
            credentials: None,
            password_unreadable: true,
        };
        let f = probe_camera(&t, &ProbeOptions::default());
        assert_eq!(f.state, HealthState::AuthFailed);
        assert_eq!(f.error.as_deref(), Some(PASSWORD_UNREADABLE));
        let en = crate::i18n::I18n::new(crate::i18n::Lang::En);
        assert_eq!(finding_text(PASSWORD_UNREADABLE, &en), PASSWORD_UNREADABLE);
        let hi = crate::i18n::I18n::new(crate::i18n::Lang::Hi);
        assert_ne!(finding_text(PASSWORD_UNREADABLE, &hi), PASSWORD_UNREADABLE);
        assert_eq!(finding_text("RTSP: 404 Gone", &hi), "RTSP: 404 Gone");
    }

    #[test]
    fn nothing_to_probe_is_a_stream_error() {
        let t = ProbeTarget {
            camera_id: 1,
            stream_url: None,
            snapshot_url: None,
            credentials: None,
            password_unreadable: false,
        };
        let f = probe_camera(&t, &ProbeOptions::default());
        assert_eq!(f.state, HealthState::StreamError);
    }
}
