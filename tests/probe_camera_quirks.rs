//! The desk probes cameras that answer in less common ways — Digest with `auth-int` (RFC 7616, MD5 and SHA-256),
//! redirects, rotated snapshots, RTSP/2.0, a listener that drops the reconnect, forged lines in a reason phrase,
//! a password the desk cannot decrypt — and each ends as a clear finding that names what happened.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use common::digest_check::{DigestCamera, authorized_heads};
use common::real_servers::{
    Answerer, CannedServer, closed_port, cseq_of, jpeg_answerer, rtsp_answerer, test_jpeg,
};
use iccc_desk::model::{Credentials, Finding, HealthState, ManualClock};
use iccc_desk::services::health::probe::{Deadline, probe_rtsp, probe_snapshot};
use url::Url;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const USER: &str = "admin";
const PASS: &str = "Cam#Pass-2026";
const SDP: &str = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=cam\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";

fn creds(password: &str) -> Credentials {
    Credentials {
        username: USER.into(),
        password: password.into(),
    }
}

fn url(text: &str) -> Url {
    Url::parse(text).expect("test URL")
}

fn deadline() -> Deadline {
    Deadline::after(Duration::from_secs(5))
}

/// Probes `server` at `path` by RTSP or HTTP with `password`.
fn probe(server: &CannedServer, is_rtsp: bool, path: &str, password: &str) -> Finding {
    let c = creds(password);
    if is_rtsp {
        probe_rtsp(&url(&server.url("rtsp", path)), Some(&c), &deadline())
    } else {
        probe_snapshot(&url(&server.url("http", path)), Some(&c), &deadline())
    }
}

/// Item 1 of issue 19: a camera offering `qop="auth,auth-int"` or only `auth-int` (MD5 or SHA-256, RTSP or
/// HTTP) lets the right password in and refuses a wrong one, checked by a server that follows RFC 7616.
#[test]
fn digest_with_auth_int_is_answered_as_rfc_7616_says() {
    for algorithm in ["MD5", "SHA-256"] {
        for qop in ["auth,auth-int", "auth-int,auth", "auth-int", "auth"] {
            for is_rtsp in [true, false] {
                let body = if is_rtsp {
                    SDP.as_bytes().to_vec()
                } else {
                    test_jpeg(320, 240)
                };
                let camera = DigestCamera {
                    algorithm,
                    qop,
                    user: USER,
                    pass: PASS,
                    body,
                };
                let (answerer, heads) = camera.answerer();
                let server = CannedServer::start(LOOPBACK, answerer);
                let path = "/Streaming/Channels/101";
                let case = format!("{algorithm} qop={qop} rtsp={is_rtsp}");
                let f = probe(&server, is_rtsp, path, PASS);
                assert_eq!(f.state, HealthState::Online, "{case}: {f:?}");
                let sent = authorized_heads(&heads);
                // Offered both, the desk takes plain `auth` (no body to protect).
                if qop.split(',').any(|q| q == "auth") {
                    assert!(
                        !sent.is_empty() && sent.iter().all(|h| !h.contains("qop=auth-int")),
                        "{case}: {sent:?}"
                    );
                }
                let f = probe(&server, is_rtsp, path, "wrong-password");
                assert_eq!(f.state, HealthState::AuthFailed, "{case}: {f:?}");
            }
        }
    }
}
