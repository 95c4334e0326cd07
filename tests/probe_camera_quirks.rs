//! The desk probes cameras that answer in less common ways — Digest with `auth-int` (RFC 7616, MD5 and SHA-256),
//! redirects, rotated snapshots, RTSP/2.0, a listener that drops the reconnect, forged lines in a reason phrase,
//! a password the desk cannot decrypt — and each ends as a clear finding that names what happened.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use common::digest_check::{DigestCamera, authorized_heads};
use common::real_servers::{
    Answerer, CannedServer, LighttpdSnapshotServer, closed_port, cseq_of, jpeg_answerer,
    rtsp_answerer, test_jpeg,
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

/// Item 1, the same kind: lighttpd (a real server, Debian's) asks for Digest MD5 or SHA-256 on a snapshot; the
/// right password gets the picture, a wrong one is refused.
#[test]
fn lighttpd_digest_md5_and_sha_256_snapshots() {
    for algorithm in ["MD5", "SHA-256"] {
        let server = LighttpdSnapshotServer::start_with_algorithm(
            "127.0.0.1",
            algorithm,
            USER,
            PASS,
            &test_jpeg(640, 360),
        );
        let snapshot = url(&server.hikvision_url());
        let f = probe_snapshot(&snapshot, Some(&creds(PASS)), &deadline());
        assert_eq!(f.state, HealthState::Online, "{algorithm}: {f:?}");
        assert_eq!((f.width_px, f.height_px), (Some(640), Some(360)));
        let f = probe_snapshot(&snapshot, Some(&creds("wrong-password")), &deadline());
        assert_eq!(f.state, HealthState::AuthFailed, "{algorithm}: {f:?}");
    }
}

/// An answerer that sends `status` with `Location: <where>` to requests for `from` (once logged in, when
/// `login` is given) and hands everything else to `rest`.
fn redirecting(
    from: &'static str,
    status: &'static str,
    location: Arc<OnceLock<String>>,
    login: Option<DigestCamera>,
    rest: Answerer,
) -> Answerer {
    Arc::new(move |head: &str| {
        let mut request = head.lines().next().unwrap_or("").split_whitespace();
        let (method, uri) = (request.next().unwrap_or(""), request.next().unwrap_or(""));
        let path = uri.find("://").map_or(uri, |i| {
            let after = &uri[i + 3..];
            after.find('/').map_or("/", |j| &after[j..])
        });
        if method == "OPTIONS" || path != from {
            return rest(head);
        }
        if let Some(camera) = &login {
            let authorized = head.lines().skip(1).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("authorization")
                    .then(|| v.trim().to_string())
            });
            if !authorized.is_some_and(|a| camera.verifies(method, uri, &a)) {
                return rest(head);
            }
        }
        let to = location.get().cloned().unwrap_or_default();
        let first = if uri.contains("://") {
            format!("RTSP/1.0 {status}\r\nCSeq: {}\r\n", cseq_of(head))
        } else {
            format!("HTTP/1.1 {status}\r\nConnection: close\r\n")
        };
        Some(format!("{first}Location: {to}\r\nContent-Length: 0\r\n\r\n").into_bytes())
    })
}

fn digest_camera(is_rtsp: bool) -> DigestCamera {
    DigestCamera {
        algorithm: "MD5",
        qop: "auth",
        user: USER,
        pass: PASS,
        body: if is_rtsp {
            SDP.as_bytes().to_vec()
        } else {
            test_jpeg(320, 240)
        },
    }
}

/// Item 2 of issue 19: a snapshot or stream that moved on the same camera (301/302/303/307/308, relative or
/// absolute Location) is followed with the stored login; a loop is given up after 3 and said.
#[test]
fn redirects_on_the_same_camera_are_followed_with_the_login() {
    for is_rtsp in [true, false] {
        let statuses: &[&str] = if is_rtsp {
            &["301 Moved Permanently", "302 Moved Temporarily"]
        } else {
            &[
                "301 Moved Permanently",
                "302 Found",
                "303 See Other",
                "307 Temporary Redirect",
                "308 Permanent Redirect",
            ]
        };
        for status in statuses {
            for absolute in [true, false] {
                let (camera, heads) = digest_camera(is_rtsp).answerer();
                let location = Arc::new(OnceLock::new());
                let server = CannedServer::start(
                    LOOPBACK,
                    redirecting("/old", status, location.clone(), None, camera),
                );
                let scheme = if is_rtsp { "rtsp" } else { "http" };
                let to = if absolute {
                    server.url(scheme, "/Streaming/Channels/101")
                } else {
                    "/Streaming/Channels/101".to_string()
                };
                location.set(to).unwrap();
                let case = format!("{status} absolute={absolute} rtsp={is_rtsp}");
                let f = probe(&server, is_rtsp, "/old", PASS);
                assert_eq!(f.state, HealthState::Online, "{case}: {f:?}");
                assert!(!authorized_heads(&heads).is_empty(), "{case}");
            }
        }
        // A loop: moved, moved, moved, moved: said, not followed for ever.
        let location = Arc::new(OnceLock::new());
        let server = CannedServer::start(
            LOOPBACK,
            redirecting(
                "/old",
                "302 Found",
                location.clone(),
                None,
                digest_camera(is_rtsp).answerer().0,
            ),
        );
        let scheme = if is_rtsp { "rtsp" } else { "http" };
        location.set(server.url(scheme, "/old")).unwrap();
        let f = probe(&server, is_rtsp, "/old", PASS);
        assert_eq!(f.state, HealthState::StreamError, "{f:?}");
        let error = f.error.unwrap_or_default();
        assert!(
            error.contains(&format!("moved to {}", server.url(scheme, "/old")))
                && error.contains("more than 3 redirects"),
            "{error}"
        );
    }
}

/// Item 2 of issue 19: a camera that sends the desk to another host (here another loopback port) never gets
/// the stored password sent there; when that host asks for one, the finding says where the camera moved.
#[test]
fn a_redirect_to_another_host_never_carries_the_password() {
    for is_rtsp in [true, false] {
        let scheme = if is_rtsp { "rtsp" } else { "http" };
        // The other host asks for a password (the same one, which it must never get).
        let (other, other_heads) = digest_camera(is_rtsp).answerer();
        let other = CannedServer::start(LOOPBACK, other);
        let location = Arc::new(OnceLock::new());
        location
            .set(other.url(scheme, "/Streaming/Channels/101"))
            .unwrap();
        let (first, first_heads) = digest_camera(is_rtsp).answerer();
        let camera = CannedServer::start(
            LOOPBACK,
            redirecting(
                "/old",
                "302 Found",
                location.clone(),
                Some(digest_camera(is_rtsp)),
                first,
            ),
        );
        // The camera sends the desk on only after a good login (else the finding would be "refused").
        let f = probe(&camera, is_rtsp, "/old", PASS);
        assert!(!first_heads.lock().unwrap().is_empty(), "rtsp={is_rtsp}");
        assert!(
            authorized_heads(&other_heads).is_empty(),
            "the login went to another host (rtsp={is_rtsp}): {:?}",
            other_heads.lock().unwrap()
        );
        assert_eq!(f.state, HealthState::StreamError, "{f:?}");
        let error = f.error.unwrap_or_default();
        assert!(
            error.contains(&format!(
                "moved to {}",
                other.url(scheme, "/Streaming/Channels/101")
            )) && error.contains("another host"),
            "{error}"
        );
        // The other host asks for nothing: followed, and the camera is online.
        let open = if is_rtsp {
            rtsp_answerer(SDP)
        } else {
            jpeg_answerer(test_jpeg(320, 240))
        };
        let open = CannedServer::start(LOOPBACK, open);
        let location = Arc::new(OnceLock::new());
        location.set(open.url(scheme, "/live")).unwrap();
        let camera = CannedServer::start(
            LOOPBACK,
            redirecting(
                "/old",
                "301 Moved Permanently",
                location,
                None,
                digest_camera(is_rtsp).answerer().0,
            ),
        );
        let f = probe(&camera, is_rtsp, "/old", PASS);
        assert_eq!(f.state, HealthState::Online, "rtsp={is_rtsp}: {f:?}");
    }
}

/// A JPEG of `width`×`height` as stored, red at its stored top-left corner and green at its top-right, with an
/// EXIF APP1 segment (written here by hand, big-endian TIFF) giving `orientation`.
fn oriented_jpeg(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let block = width / 4;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        if y < block && x < block {
            image::Rgb([255, 0, 0])
        } else if y < block && x >= width - block {
            image::Rgb([0, 255, 0])
        } else {
            image::Rgb([128, 128, 128])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .unwrap();
    let mut tiff = b"MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Item 3 of issue 19: a snapshot's EXIF orientation (all 8 values) is applied: the thumbnail stands as the
/// camera's picture is meant to be seen, and the size is the seen size.
#[test]
fn snapshot_orientation_is_applied_to_thumbnail_and_size() {
    // Where the stored top-left (red) and top-right (green) corners are seen, per the EXIF specification.
    let seen = [
        (1, "TL", "TR"),
        (2, "TR", "TL"),
        (3, "BR", "BL"),
        (4, "BL", "BR"),
        (5, "TL", "BL"),
        (6, "TR", "BR"),
        (7, "BR", "TR"),
        (8, "BL", "TL"),
    ];
    for (orientation, red_at, green_at) in seen {
        let jpeg = oriented_jpeg(640, 320, orientation);
        let server = CannedServer::start(LOOPBACK, jpeg_answerer(jpeg));
        let f = probe_snapshot(&url(&server.url("http", "/snap.jpg")), None, &deadline());
        assert_eq!(f.state, HealthState::Online, "{orientation}: {f:?}");
        let turned = orientation >= 5;
        let want = if turned { (320, 640) } else { (640, 320) };
        assert_eq!(
            (f.width_px, f.height_px),
            (Some(want.0), Some(want.1)),
            "{orientation}"
        );
        let thumb = image::load_from_memory(&f.thumbnail_jpeg.unwrap())
            .unwrap()
            .to_rgb8();
        let (w, h) = thumb.dimensions();
        assert_eq!(w > h, !turned, "{orientation}: thumbnail {w}×{h}");
        let corner = |at: &str| {
            let x = if at.ends_with('L') {
                w / 10
            } else {
                w - 1 - w / 10
            };
            let y = if at.starts_with('T') {
                h / 20
            } else {
                h - 1 - h / 20
            };
            let p = thumb.get_pixel(x, y).0;
            if p[0] > 200 && p[1] < 80 {
                "red"
            } else if p[1] > 200 && p[0] < 80 {
                "green"
            } else {
                "grey"
            }
        };
        assert_eq!(
            (corner(red_at), corner(green_at)),
            ("red", "green"),
            "orientation {orientation}"
        );
    }
}

/// Item 4 of issue 19: a camera answering another protocol version is told apart from garbage: the finding
/// names the version the desk does not speak.
#[test]
fn other_protocol_versions_are_named() {
    let rtsp2 = CannedServer::start(
        LOOPBACK,
        Arc::new(|head: &str| {
            Some(format!("RTSP/2.0 200 OK\r\nCSeq: {}\r\n\r\n", cseq_of(head)).into_bytes())
        }),
    );
    let f = rtsp_of(&rtsp2.url("rtsp", "/live"));
    assert_eq!(f.state, HealthState::StreamError, "{f:?}");
    let error = f.error.unwrap_or_default();
    assert!(
        error.contains("answers RTSP/2.0, which the desk does not speak"),
        "{error}"
    );
    let http2 = CannedServer::start(
        LOOPBACK,
        Arc::new(|_: &str| Some(b"HTTP/2 200\r\ncontent-length: 0\r\n\r\n".to_vec())),
    );
    let f = probe_snapshot(&url(&http2.url("http", "/snap.jpg")), None, &deadline());
    let error = f.error.unwrap_or_default();
    assert!(
        error.contains("answers HTTP/2, which the desk does not speak"),
        "{error}"
    );
}

fn rtsp_of(text: &str) -> Finding {
    probe_rtsp(&url(text), Some(&creds(PASS)), &deadline())
}

/// Item 5 of issue 19: a one-client listener (as `ffmpeg -rtsp_flags listen` is) answers OPTIONS, hangs up on
/// DESCRIBE and is gone: the camera's finding is the hang-up, not the refused reconnect.
#[test]
fn a_failed_reconnect_keeps_the_first_error() {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        let mut chunk = [0u8; 4096];
        let mut answered = false;
        loop {
            let n = s.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                return;
            }
            got.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&got).into_owned();
            if !answered && text.contains("\r\n\r\n") {
                s.write_all(
                    format!(
                        "RTSP/1.0 200 OK\r\nCSeq: {}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n",
                        cseq_of(&text)
                    )
                    .as_bytes(),
                )
                .unwrap();
                answered = true;
            }
            if text.contains("DESCRIBE ") && text.ends_with("\r\n\r\n") {
                // Gone before the client sees the hang-up: its reconnect is refused.
                drop(listener);
                return;
            }
        }
    });
    let f = rtsp_of(&format!("rtsp://127.0.0.1:{port}/live"));
    server.join().unwrap();
    assert_eq!(f.state, HealthState::StreamError, "{f:?}");
    let error = f.error.unwrap_or_default();
    assert!(
        error.contains("closed") && !error.contains("cannot connect"),
        "{error}"
    );
}

/// No line break, control character or endless text from a camera reaches a finding.
fn assert_tame(f: &Finding, what: &str) {
    for text in [f.error.as_deref(), f.codec.as_deref()]
        .into_iter()
        .flatten()
    {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{202e}'),
            "{what}: {text:?}"
        );
        assert!(
            text.chars().count() <= 600,
            "{what}: {} chars",
            text.chars().count()
        );
    }
}

/// Item 6 of issue 19: a status line, reason phrase, header or SDP line with line breaks or control characters
/// cannot forge a line in the log or the CLI output, and a 15 KB reason is not stored whole — RTSP and HTTP.
#[test]
fn camera_text_is_escaped_and_capped() {
    let forged = "Gone\n2026-12-07T10:00:00Z  INFO iccc_desk: forged \u{1b}[2J\u{2028}\u{202e}";
    let long = "x".repeat(15 * 1024);
    for reason in [forged.to_string(), long.clone()] {
        let answer = reason.clone();
        let rtsp = CannedServer::start(
            LOOPBACK,
            Arc::new(move |head: &str| {
                let status = if head.starts_with("OPTIONS") {
                    "200 OK".to_string()
                } else {
                    format!("404 {answer}")
                };
                Some(format!("RTSP/1.0 {status}\r\nCSeq: {}\r\n\r\n", cseq_of(head)).into_bytes())
            }),
        );
        let f = rtsp_of(&rtsp.url("rtsp", "/live"));
        assert_eq!(f.state, HealthState::StreamError, "{f:?}");
        assert!(
            f.error.as_deref().unwrap_or("").contains("404 Gone") || reason == long,
            "{f:?}"
        );
        assert_tame(&f, "RTSP reason");
        let answer = reason.clone();
        let http = CannedServer::start(
            LOOPBACK,
            Arc::new(move |_: &str| {
                Some(format!("HTTP/1.1 404 {answer}\r\nContent-Length: 0\r\n\r\n").into_bytes())
            }),
        );
        let f = probe_snapshot(&url(&http.url("http", "/snap.jpg")), None, &deadline());
        assert_eq!(f.state, HealthState::StreamError, "{f:?}");
        assert_tame(&f, "HTTP reason");
    }
    // A header value and an SDP's codec name.
    let http = CannedServer::start(
        LOOPBACK,
        Arc::new(|_: &str| {
            Some(b"HTTP/1.1 200 OK\r\nContent-Length: 5\n2026 INFO forged\r\n\r\n".to_vec())
        }),
    );
    let f = probe_snapshot(&url(&http.url("http", "/snap.jpg")), None, &deadline());
    assert_tame(&f, "Content-Length");
    let sdp: &'static str = Box::leak(
        format!("v=0\r\ns=cam\u{1b}[2J\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264\u{1b}[2J{}/90000\r\n", "Z".repeat(2000))
            .into_boxed_str(),
    );
    let rtsp = CannedServer::start(LOOPBACK, rtsp_answerer(sdp));
    let f = rtsp_of(&rtsp.url("rtsp", "/live"));
    assert_tame(&f, "SDP codec");
    assert!(
        f.codec.as_deref().unwrap_or("").chars().count() <= 32,
        "{f:?}"
    );
}

/// Item 6 as the operator meets it: `iccc-desk probe` on a camera whose reason phrase carries a forged log line
/// prints one line for the camera, and the desk's log holds the reason escaped on the camera's own line.
#[test]
fn forged_lines_never_reach_the_cli_output_or_the_log() {
    use iccc_desk::model::Site;
    use iccc_desk::store::{Actor, Store};
    let forged = "2026-12-07T10:00:00.000000Z  INFO iccc_desk: forged";
    let camera = CannedServer::start(
        LOOPBACK,
        Arc::new(move |head: &str| {
            let status = if head.starts_with("OPTIONS") {
                "200 OK".to_string()
            } else {
                format!("404 Gone\n{forged}")
            };
            Some(format!("RTSP/1.0 {status}\r\nCSeq: {}\r\n\r\n", cseq_of(head)).into_bytes())
        }),
    );
    let desk = common::Desk::new();
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut site = Site::blank();
    site.name_en = "Jhansi Railway Station".into();
    let site = store.add_site(&actor, &site).unwrap();
    common::add_integrated_camera(
        &mut store,
        site.id,
        "Platform 1",
        camera.url("rtsp", "/live"),
        String::new(),
        PASS,
    );
    drop(store);
    let logs = desk.dir.path().join("logs");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .args(["probe", "--once", "--timeout-ms", "2000", "--db"])
        .arg(&desk.db)
        .arg("--key-dir")
        .arg(&desk.keys)
        .env("ICCC_DESK_LOG_DIR", &logs)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("Platform 1") && l.contains("404 Gone")),
        "{stdout}"
    );
    assert!(!stdout.lines().any(|l| l.starts_with("2026-")), "{stdout}");
    let mut log = String::new();
    for entry in std::fs::read_dir(&logs).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(log.contains("404 Gone\\u000a2026-12-07"), "{log}");
    assert!(
        !log.lines().any(|l| l.starts_with("2026-12-07T10:00:00")),
        "{log}"
    );
}

/// A registry with two integrated cameras on closed ports, the second's password sealed for the first (a copied
/// ciphertext, which never opens). Returns the desk, and the ids of the good and the unreadable camera.
fn registry_with_an_unreadable_password() -> (common::Desk, i64, i64) {
    use iccc_desk::model::Site;
    use iccc_desk::store::{Actor, Store};
    let desk = common::Desk::new();
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut site = Site::blank();
    site.name_en = "Jhansi Railway Station".into();
    let site = store.add_site(&actor, &site).unwrap();
    let mut add = |label: &str| {
        common::add_integrated_camera(
            &mut store,
            site.id,
            label,
            format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
            String::new(),
            PASS,
        )
    };
    let good = add("Platform 1");
    let unreadable = add("Platform 2");
    drop(store);
    desk.sql()
        .execute(
            "UPDATE camera SET password_ct = (SELECT password_ct FROM camera WHERE id = ?1) WHERE id = ?2",
            [good, unreadable],
        )
        .unwrap();
    (desk, good, unreadable)
}

/// Item 7 of issue 19: `iccc-desk probe` with one password it cannot decrypt probes every camera; that one's
/// finding says to re-enter the password, and it is stored as its health.
#[test]
fn probe_command_reports_an_unreadable_password_and_goes_on() {
    use iccc_desk::store::Store;
    let (desk, good, unreadable) = registry_with_an_unreadable_password();
    for json in [true, false] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"));
        command.args(["probe", "--once", "--timeout-ms", "2000", "--db"]);
        command.arg(&desk.db).arg("--key-dir").arg(&desk.keys);
        if json {
            command.arg("--json");
        }
        let output = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stdout}{stderr}");
        if json {
            let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
            assert_eq!(report["summary"]["probed"], 2, "{stdout}");
            let camera = |id: i64| {
                report["cameras"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["camera_id"] == id)
                    .cloned()
                    .unwrap_or_default()
            };
            assert_eq!(camera(good)["state"], "offline", "{stdout}");
            assert_eq!(camera(unreadable)["state"], "auth_failed", "{stdout}");
            assert_eq!(
                camera(unreadable)["error"],
                "password unreadable: re-enter it",
                "{stdout}"
            );
        } else {
            assert!(
                stdout
                    .lines()
                    .any(|l| l.contains("Platform 2")
                        && l.contains("password unreadable: re-enter it")),
                "{stdout}"
            );
            assert!(stdout.lines().any(|l| l.contains("Platform 1")), "{stdout}");
        }
    }
    let store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let health = store.health().unwrap();
    assert_eq!(health[&unreadable].state, HealthState::AuthFailed);
    assert_eq!(
        health[&unreadable].error.as_deref(),
        Some("password unreadable: re-enter it")
    );
    assert_eq!(health[&good].state, HealthState::Offline);
}

/// Item 7 of issue 19: the desk's prober gives the camera with an unreadable password that finding (stored as
/// its health and sent to the screens) instead of skipping it, and probes the others.
#[test]
fn desk_prober_reports_an_unreadable_password() {
    use iccc_desk::services::health::monitor::{HealthMonitor, MonitorEvent, MonitorOptions};
    use iccc_desk::store::Store;
    let (desk, good, unreadable) = registry_with_an_unreadable_password();
    let manual = ManualClock::starting_at(1_795_564_900);
    let (wake, woken) = wake_channel();
    let monitor = HealthMonitor::start_with_clock(
        desk.db.clone(),
        desk.keys.clone(),
        MonitorOptions::default(),
        manual.clock(),
        wake,
    );
    let settle = Duration::from_secs(60);
    assert!(
        manual.wait_for_waiters(1, settle),
        "the prober waits for its first sweep"
    );
    manual.advance(Duration::from_secs(1));
    let mut seen = std::collections::HashMap::new();
    let mut events = Vec::new();
    let until = std::time::Instant::now() + settle;
    while !(seen.contains_key(&good) && seen.contains_key(&unreadable)) {
        assert!(
            std::time::Instant::now() < until,
            "not both probed: {events:?}"
        );
        let _ = woken.recv_timeout(until.saturating_duration_since(std::time::Instant::now()));
        for e in std::iter::from_fn(|| monitor.try_recv()) {
            events.push(format!("{e:?}"));
            assert!(
                !matches!(e, MonitorEvent::Failed(_) | MonitorEvent::Restarting { .. }),
                "the prober stopped: {events:?}"
            );
            if let MonitorEvent::Updated(updates) = e {
                for u in updates {
                    seen.insert(u.record.camera_id, u.record);
                }
            }
        }
    }
    assert_eq!(seen[&unreadable].state, HealthState::AuthFailed);
    assert_eq!(
        seen[&unreadable].error.as_deref(),
        Some("password unreadable: re-enter it")
    );
    assert_eq!(seen[&good].state, HealthState::Offline);
    drop(monitor);
    let store = Store::open(&desk.db, &desk.open_options()).unwrap();
    assert_eq!(
        store.health().unwrap()[&unreadable].state,
        HealthState::AuthFailed
    );
}

/// A wake callback for a service, and the channel where each wake arrives (a test waits on it instead of
/// polling).
fn wake_channel() -> (Arc<dyn Fn() + Send + Sync>, std::sync::mpsc::Receiver<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let wake = move || {
        let _ = tx.lock().unwrap_or_else(|e| e.into_inner()).send(());
    };
    (Arc::new(wake), rx)
}
