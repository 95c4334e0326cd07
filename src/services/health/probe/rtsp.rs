//! RTSP probe: OPTIONS, then DESCRIBE with Basic or Digest credentials (answering the camera's challenge with
//! the `http-auth` crate), following a few redirects, then the SDP's video track.

use std::net::TcpStream;

use url::Url;

use super::redirect;
use super::sdp::{VideoTrack, video_track};
use super::wire::{self, Answer, Deadline, WireError, camera_text};
use super::{Credentials, Finding, login};
use crate::model::HealthState;

const MAX_SDP_BYTES: usize = 64 * 1024;
/// RTSP's own port, for a URL without one.
const RTSP_PORT: u16 = 554;
/// Longest reason kept in a finding, characters (every part a camera sent is already escaped and cut).
const MAX_ERROR_CHARS: usize = 500;

/// The probe's answer for an `rtsps://` stream: nothing is sent to the camera.
pub const RTSPS_NOT_SUPPORTED: &str = "RTSP: rtsps (RTSP over TLS) is not supported; nothing was sent. Use the camera's rtsp:// address";

struct Session<'a> {
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
        // One reconnect: some cameras close the connection after a 401. When that fails too, the first error
        // says more (a one-client listener that hung up is gone, and its refusal would read "offline").
        let mut first_error = None;
        for attempt in 0..2 {
            if self.stream.is_none() {
                match wire::connect(&self.host, self.port, self.deadline) {
                    Ok(s) => self.stream = Some(s),
                    Err(e) => return Err(first_error.unwrap_or(e)),
                }
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
                Err(e @ (WireError::Io(_) | WireError::Malformed(_)))
                    if attempt == 0 && self.cseq > 1 =>
                {
                    // The camera hung up between requests: try once on a fresh connection.
                    self.stream = None;
                    first_error = Some(e);
                }
                Err(e) => return Err(first_error.unwrap_or(e)),
                Ok(a) => return Ok(a),
            }
        }
        Err(first_error.unwrap_or_else(|| {
            WireError::Malformed("the camera keeps closing the connection".into())
        }))
    }
}

fn finding(state: HealthState, deadline: &Deadline, error: Option<String>) -> Finding {
    Finding {
        state,
        latency_ms: deadline.elapsed_ms() as u32,
        error: error.map(|e| camera_text(&e, MAX_ERROR_CHARS)),
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

/// The finding for an address the probe does not send anything to; `None` for a usable `rtsp://` address.
fn refused_address(url: &Url, deadline: &Deadline) -> Option<Finding> {
    // Plain RTSP sent to a TLS port would show a working camera as broken; say what is missing instead.
    let error = if url.scheme() == "rtsps" {
        RTSPS_NOT_SUPPORTED.to_string()
    } else if url.scheme() != "rtsp" {
        format!(
            "RTSP: {}:// is not a stream address; use rtsp://",
            url.scheme()
        )
    } else if url.host_str().is_none() {
        "RTSP: the stream URL has no host".into()
    } else {
        return None;
    };
    Some(finding(HealthState::StreamError, deadline, Some(error)))
}

/// OPTIONS and DESCRIBE on `url`, answering a login challenge with `login` when given. The answer is the
/// DESCRIBE's (a 401 only when there was no login to give); a refused login or a failed exchange is the
/// finding.
fn describe(
    url: &Url,
    login: Option<&Credentials>,
    deadline: &Deadline,
) -> Result<Answer, Finding> {
    let host = url.host_str().unwrap_or_default();
    let mut session = Session {
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
        port: url.port().unwrap_or(RTSP_PORT),
        stream: None,
        cseq: 0,
        deadline,
    };
    let target = url.as_str();
    // OPTIONS tells whether anything RTSP is there; some cameras protect it too, DESCRIBE settles that.
    let wire_failed = |e| wire_finding(e, deadline);
    session
        .request("OPTIONS", target, None)
        .map_err(wire_failed)?;
    let answer = session
        .request("DESCRIBE", target, None)
        .map_err(wire_failed)?;
    let (401, Some(credentials)) = (answer.status, login) else {
        return Ok(answer);
    };
    let challenges = answer.headers_named("www-authenticate");
    let authorization = login::answer_challenges(challenges, credentials, "DESCRIBE", target)
        .map_err(|e| {
            finding(
                HealthState::StreamError,
                deadline,
                Some(format!(
                    "RTSP: cannot answer the camera's login challenge: {e}"
                )),
            )
        })?;
    let answer = session
        .request("DESCRIBE", target, Some(&authorization))
        .map_err(wire_failed)?;
    if answer.status == 401 {
        let scheme = if authorization.starts_with("Digest") {
            "Digest"
        } else {
            "Basic"
        };
        return Err(finding(
            HealthState::AuthFailed,
            deadline,
            Some(format!(
                "RTSP: the camera refused the stored user name and password ({scheme})"
            )),
        ));
    }
    Ok(answer)
}

/// Probes one RTSP stream. `url` carries no credentials; they come in `credentials`.
pub fn probe_rtsp(url: &Url, credentials: Option<&Credentials>, deadline: &Deadline) -> Finding {
    let mut current = url.clone();
    let mut hops = 0;
    let answer = loop {
        if let Some(refused) = refused_address(&current, deadline) {
            return refused;
        }
        // The stored login goes only where it was stored for: the same scheme, host and port.
        let login = credentials.filter(|_| redirect::same_origin(url, &current, RTSP_PORT));
        let answer = match describe(&current, login, deadline) {
            Ok(a) => a,
            Err(f) => return f,
        };
        if answer.status == 401 {
            let error = if credentials.is_some() {
                format!(
                    "RTSP: moved to {}, another host, which asks for a password; the stored password is sent only to {}",
                    redirect::shown(&current),
                    redirect::host_port(url, RTSP_PORT)
                )
            } else {
                "RTSP: the camera asks for a password and none is stored".into()
            };
            let state = if credentials.is_some() {
                HealthState::StreamError
            } else {
                HealthState::AuthFailed
            };
            return finding(state, deadline, Some(error));
        }
        if !redirect::is_redirect(answer.status) {
            break answer;
        }
        match redirect::next_hop(&current, &answer, hops, "rtsp") {
            Ok(next) => current = next,
            Err(why) => {
                return finding(
                    HealthState::StreamError,
                    deadline,
                    Some(format!(
                        "RTSP: DESCRIBE answered {} {}: {why}",
                        answer.status, answer.reason
                    )),
                );
            }
        }
        hops += 1;
    };
    described(&answer, deadline)
}

/// The finding of a DESCRIBE's final answer: its video track, or why there is none.
fn described(answer: &Answer, deadline: &Deadline) -> Finding {
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
