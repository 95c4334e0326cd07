//! RTSP probe: OPTIONS, then DESCRIBE with Basic or Digest credentials (answering the camera's challenge with
//! the `http-auth` crate), then the SDP's video track.

use std::net::TcpStream;

use url::Url;

use super::login;
use super::sdp::{VideoTrack, video_track};
use super::wire::{self, Answer, Deadline, WireError};
use super::{Credentials, Finding};
use crate::model::HealthState;

const MAX_SDP_BYTES: usize = 64 * 1024;

/// The probe's answer for an `rtsps://` stream: nothing is sent to the camera.
pub const RTSPS_NOT_SUPPORTED: &str = "RTSP: rtsps (RTSP over TLS) is not supported; nothing was sent. Use the camera's rtsp:// address";

struct Session<'a> {
    url: &'a Url,
    host: String,
    port: u16,
    stream: Option<TcpStream>,
    cseq: u32,
    deadline: &'a Deadline,
}

impl Session<'_> {
    fn request(
        &mut self,
        method: &str,
        target: &str,
        authorization: Option<&str>,
    ) -> Result<Answer, WireError> {
        // One reconnect: some cameras close the connection after a 401.
        for attempt in 0..2 {
            if self.stream.is_none() {
                self.stream = Some(wire::connect(&self.host, self.port, self.deadline)?);
            }
            let Some(stream) = self.stream.as_mut() else {
                continue;
            };
            self.cseq += 1;
            let mut text = format!(
                "{method} {target} RTSP/1.0\r\nCSeq: {}\r\nUser-Agent: iccc-desk\r\n",
                self.cseq
            );
            if method == "DESCRIBE" {
                text.push_str("Accept: application/sdp\r\n");
            }
            if let Some(auth) = authorization {
                text.push_str("Authorization: ");
                text.push_str(auth);
                text.push_str("\r\n");
            }
            text.push_str("\r\n");
            let sent = wire::send(stream, &text, self.deadline);
            let answer = sent.and_then(|()| {
                wire::read_answer(stream, self.deadline, "RTSP/1.0", MAX_SDP_BYTES, false)
            });
            match answer {
                Err(WireError::Io(_)) | Err(WireError::Malformed(_))
                    if attempt == 0 && self.cseq > 1 =>
                {
                    // The camera hung up between requests: try once on a fresh connection.
                    self.stream = None;
                }
                other => return other,
            }
        }
        Err(WireError::Malformed(
            "the camera keeps closing the connection".into(),
        ))
    }
}

fn finding(state: HealthState, deadline: &Deadline, error: Option<String>) -> Finding {
    Finding {
        state,
        latency_ms: deadline.elapsed_ms() as u32,
        error,
        ..Default::default()
    }
}

fn wire_finding(e: WireError, deadline: &Deadline) -> Finding {
    let state = if e.is_unreachable() {
        HealthState::Offline
    } else {
        HealthState::StreamError
    };
    finding(state, deadline, Some(format!("RTSP: {e}")))
}

/// Probes one RTSP stream. `url` carries no credentials; they come in `credentials`.
pub fn probe_rtsp(url: &Url, credentials: Option<&Credentials>, deadline: &Deadline) -> Finding {
    // Plain RTSP sent to a TLS port would show a working camera as broken; say what is missing instead.
    if url.scheme() == "rtsps" {
        return finding(
            HealthState::StreamError,
            deadline,
            Some(RTSPS_NOT_SUPPORTED.into()),
        );
    }
    if url.scheme() != "rtsp" {
        return finding(
            HealthState::StreamError,
            deadline,
            Some(format!(
                "RTSP: {}:// is not a stream address; use rtsp://",
                url.scheme()
            )),
        );
    }
    let Some(host) = url.host_str() else {
        return finding(
            HealthState::StreamError,
            deadline,
            Some("RTSP: the stream URL has no host".into()),
        );
    };
    let mut session = Session {
        url,
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
        port: url.port().unwrap_or(554),
        stream: None,
        cseq: 0,
        deadline,
    };
    let target = session.url.as_str().to_string();
    // OPTIONS tells whether anything RTSP is there; some cameras protect it too, DESCRIBE settles that.
    if let Err(e) = session.request("OPTIONS", &target, None) {
        return wire_finding(e, deadline);
    }
    let mut answer = match session.request("DESCRIBE", &target, None) {
        Ok(a) => a,
        Err(e) => return wire_finding(e, deadline),
    };
    if answer.status == 401 {
        let Some(credentials) = credentials else {
            return finding(
                HealthState::AuthFailed,
                deadline,
                Some("RTSP: the camera asks for a password and none is stored".into()),
            );
        };
        let challenges = answer.headers_named("www-authenticate");
        let authorization =
            match login::answer_challenges(challenges, credentials, "DESCRIBE", &target) {
                Ok(a) => a,
                Err(e) => {
                    return finding(
                        HealthState::StreamError,
                        deadline,
                        Some(format!(
                            "RTSP: cannot answer the camera's login challenge: {e}"
                        )),
                    );
                }
            };
        answer = match session.request("DESCRIBE", &target, Some(&authorization)) {
            Ok(a) => a,
            Err(e) => return wire_finding(e, deadline),
        };
        if answer.status == 401 {
            let scheme = if authorization.starts_with("Digest") {
                "Digest"
            } else {
                "Basic"
            };
            return finding(
                HealthState::AuthFailed,
                deadline,
                Some(format!(
                    "RTSP: the camera refused the stored user name and password ({scheme})"
                )),
            );
        }
    }
    if answer.status != 200 {
        return finding(
            HealthState::StreamError,
            deadline,
            Some(format!(
                "RTSP: DESCRIBE answered {} {}",
                answer.status, answer.reason
            )),
        );
    }
    let sdp = String::from_utf8_lossy(&answer.body);
    match video_track(&sdp) {
        Some(VideoTrack {
            codec,
            width_px,
            height_px,
        }) => Finding {
            state: HealthState::Online,
            latency_ms: deadline.elapsed_ms() as u32,
            codec: Some(codec),
            width_px,
            height_px,
            ..Default::default()
        },
        None => finding(
            HealthState::StreamError,
            deadline,
            Some("RTSP: the stream has no video track".into()),
        ),
    }
}
