//! The real camera-like test servers answer as cameras do, seen with plain TCP: GStreamer's RTSP server (OPTIONS
//! open, DESCRIBE behind Digest or Basic, H.264 SDP), Apache's Digest-protected Hikvision and Dahua snapshots, stop
//! and restart on the same port, and every misbehaving BadServer mode.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::real_servers::{
    Auth, BadMode, BadServer, DAHUA_SNAPSHOT_PATH, HIKVISION_SNAPSHOT_PATH, HUGE_BODY_LEN,
    RTSP_PATH, RTSP_REALM, RtspCamera, SNAPSHOT_REALM, SnapshotServer, closed_port, md5_hex,
    test_jpeg,
};

fn connect(port: u16) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(
        &SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        Duration::from_secs(2),
    )?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    Ok(stream)
}

/// Sends one request and reads one response (head, then Content-Length bytes of body), each read bounded.
fn exchange(port: u16, request: &str) -> (String, Vec<u8>) {
    let mut stream = connect(port).expect("connect");
    stream.write_all(request.as_bytes()).expect("send request");
    read_response(&mut stream)
}

fn read_response(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = stream.read(&mut chunk).expect("read response head");
        assert!(n > 0, "closed before the end of the head: {buf:?}");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let len: usize = header(&head, "Content-Length").map_or(0, |v| v.parse().unwrap());
    let mut body = buf[end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).expect("read response body");
        assert!(n > 0, "closed before the end of the body");
        body.extend_from_slice(&chunk[..n]);
    }
    (head, body)
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then_some(value.trim())
    })
}

fn refused(port: u16) -> bool {
    matches!(connect(port), Err(e) if e.kind() == ErrorKind::ConnectionRefused)
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= group.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn describe(camera: &RtspCamera, authorization: Option<&str>) -> (String, Vec<u8>) {
    let auth = authorization.map_or(String::new(), |a| format!("Authorization: {a}\r\n"));
    exchange(
        camera.port(),
        &format!(
            "DESCRIBE {} RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n{auth}\r\n",
            camera.url()
        ),
    )
}

#[test]
fn digest_rtsp_camera_challenges_describe_and_restarts_on_its_port() {
    let started = Instant::now();
    let mut camera = RtspCamera::start(Auth::Digest, "admin", "Jhansi@123");
    eprintln!("RTSP camera ready in {:?}", started.elapsed());
    assert_eq!(
        camera.url(),
        format!("rtsp://127.0.0.1:{}{RTSP_PATH}", camera.port())
    );

    let (head, _) = exchange(camera.port(), "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n");
    assert!(head.starts_with("RTSP/1.0 200"), "{head}");
    assert!(
        header(&head, "Public").unwrap().contains("DESCRIBE"),
        "{head}"
    );

    let (head, _) = describe(&camera, None);
    assert!(head.starts_with("RTSP/1.0 401"), "{head}");
    let challenge = header(&head, "WWW-Authenticate").unwrap();
    assert!(
        challenge.starts_with(&format!("Digest realm=\"{RTSP_REALM}\""))
            && challenge.contains("nonce="),
        "{head}"
    );

    // A reboot: down (refused), then up again on the same port.
    let port = camera.port();
    camera.stop();
    assert!(refused(port), "port {port} still open after stop()");
    let restarted = Instant::now();
    camera.restart();
    eprintln!("RTSP camera restarted in {:?}", restarted.elapsed());
    assert_eq!(camera.port(), port);
    let (head, _) = exchange(port, "OPTIONS * RTSP/1.0\r\nCSeq: 3\r\n\r\n");
    assert!(head.starts_with("RTSP/1.0 200"), "{head}");

    drop(camera);
    assert!(refused(port), "port {port} still open after drop");
}

#[test]
fn basic_rtsp_camera_describes_h264_with_the_right_password() {
    let camera = RtspCamera::start(Auth::Basic, "operator", "Sipri#42");

    let (head, _) = describe(&camera, None);
    assert!(head.starts_with("RTSP/1.0 401"), "{head}");
    assert!(
        header(&head, "WWW-Authenticate")
            .unwrap()
            .starts_with("Basic realm="),
        "{head}"
    );

    let wrong = format!("Basic {}", base64(b"operator:wrong"));
    let (head, _) = describe(&camera, Some(&wrong));
    assert!(head.starts_with("RTSP/1.0 401"), "{head}");

    let right = format!("Basic {}", base64(b"operator:Sipri#42"));
    let described = Instant::now();
    let (head, body) = describe(&camera, Some(&right));
    eprintln!("first DESCRIBE answered in {:?}", described.elapsed());
    assert!(head.starts_with("RTSP/1.0 200"), "{head}");
    assert_eq!(header(&head, "Content-Type"), Some("application/sdp"));
    let sdp = String::from_utf8(body).unwrap();
    assert!(sdp.contains("m=video"), "{sdp}");
    assert!(sdp.contains("H264/90000"), "{sdp}");
}

#[test]
fn snapshot_server_serves_the_jpeg_behind_digest_on_both_paths() {
    let jpeg = test_jpeg(640, 360);
    let started = Instant::now();
    let mut server = SnapshotServer::start("admin", "Civil Lines 12", &jpeg);
    eprintln!("snapshot server ready in {:?}", started.elapsed());
    let port = server.port();
    assert_eq!(
        server.hikvision_url(),
        format!("http://127.0.0.1:{port}{HIKVISION_SNAPSHOT_PATH}")
    );
    assert!(server.dahua_url().contains(DAHUA_SNAPSHOT_PATH));

    let get = |path: &str, auth: &str| {
        exchange(
            port,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Connection: close\r\n\r\n"
            ),
        )
    };
    let path_of =
        |url: &str| url[url.find("/ISAPI").or(url.find("/cgi-bin")).unwrap()..].to_string();

    for path in [
        path_of(&server.hikvision_url()),
        path_of(&server.dahua_url()),
    ] {
        let (head, _) = get(&path, "");
        assert!(head.starts_with("HTTP/1.1 401"), "{path}: {head}");
        let challenge = header(&head, "WWW-Authenticate").unwrap();
        assert!(
            challenge.starts_with(&format!("Digest realm=\"{SNAPSHOT_REALM}\"")),
            "{head}"
        );

        // The whole Digest answer (RFC 2617, qop=auth), as a prober computes it: the JPEG comes back, so Apache's
        // worker can read the password file and the picture.
        let nonce = challenge
            .split("nonce=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let ha1 = md5_hex(&format!("admin:{SNAPSHOT_REALM}:Civil Lines 12"));
        let ha2 = md5_hex(&format!("GET:{path}"));
        let response = md5_hex(&format!("{ha1}:{nonce}:00000001:0a4f113b:auth:{ha2}"));
        let auth = format!(
            "Authorization: Digest username=\"admin\", realm=\"{SNAPSHOT_REALM}\", nonce=\"{nonce}\", \
             uri=\"{path}\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"0a4f113b\", \
             response=\"{response}\"\r\n"
        );
        let (head, body) = get(&path, &auth);
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
        assert_eq!(header(&head, "Content-Type"), Some("image/jpeg"));
        assert_eq!(body, jpeg);
    }

    server.stop();
    assert!(refused(port), "port {port} still open after stop()");
    server.restart();
    assert_eq!(server.port(), port);
    let (head, _) = get(HIKVISION_SNAPSHOT_PATH, "");
    assert!(head.starts_with("HTTP/1.1 401"), "{head}");
    drop(server);
    assert!(refused(port), "port {port} still open after drop");
}

#[test]
fn closed_port_refuses() {
    assert!(refused(closed_port()));
}

/// Reads whatever comes within `wait` (or until the server closes). True in the second field when it closed.
fn read_for(stream: &mut TcpStream, wait: Duration) -> (Vec<u8>, bool) {
    let until = Instant::now() + wait;
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 8192];
    while Instant::now() < until {
        match stream.read(&mut chunk) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("read: {e}"),
        }
    }
    (got, false)
}

fn http_get(server: &BadServer) -> TcpStream {
    let mut stream = connect(server.port()).unwrap();
    stream
        .write_all(b"GET /ISAPI/Streaming/channels/101/picture HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    stream
}

/// Dropping a bad server while a client still holds a connection returns at once (its threads stop).
fn drop_quickly(server: BadServer) {
    let dropping = Instant::now();
    drop(server);
    assert!(
        dropping.elapsed() < Duration::from_secs(2),
        "drop took {:?}",
        dropping.elapsed()
    );
}

#[test]
fn bad_server_garbage_answers_bytes_of_no_protocol_then_closes() {
    let server = BadServer::start(BadMode::Garbage);
    let mut stream = http_get(&server);
    let (got, closed) = read_for(&mut stream, Duration::from_secs(3));
    assert!(closed, "still open");
    assert_eq!(got.len(), 256);
    assert!(!got.starts_with(b"HTTP") && !got.starts_with(b"RTSP"));
    assert_eq!(server.connections(), 1);
}

#[test]
fn bad_server_huge_body_announces_a_gigabyte_and_streams_zeros() {
    let server = BadServer::start(BadMode::HugeBody);
    let mut stream = http_get(&server);
    let mut got = Vec::new();
    let mut chunk = [0u8; 65536];
    while got.len() < 4 << 20 {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "closed early");
        got.extend_from_slice(&chunk[..n]);
    }
    let end = got.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&got[..end]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(header(&head, "Content-Type"), Some("image/jpeg"));
    assert_eq!(
        header(&head, "Content-Length"),
        Some(HUGE_BODY_LEN.to_string().as_str())
    );
    assert!(got[end..].iter().all(|b| *b == 0));
    drop_quickly(server);
}

#[test]
fn bad_server_slow_trickle_sends_a_byte_every_half_second() {
    let server = BadServer::start(BadMode::SlowTrickle);
    let mut stream = http_get(&server);
    let (got, closed) = read_for(&mut stream, Duration::from_millis(1300));
    assert!(!closed);
    assert!((2..=4).contains(&got.len()), "{got:?}");
    assert!(b"HTTP/1.1 200 OK".starts_with(&got), "{got:?}");

    let mut rtsp = connect(server.port()).unwrap();
    rtsp.write_all(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")
        .unwrap();
    let (got, _) = read_for(&mut rtsp, Duration::from_millis(800));
    assert!(
        b"RTSP/1.0 200 OK".starts_with(&got) && !got.is_empty(),
        "{got:?}"
    );
    drop_quickly(server);
}

#[test]
fn bad_server_truncated_jpeg_sends_half_a_picture_with_its_length() {
    let server = BadServer::start(BadMode::TruncatedJpeg);
    let mut stream = http_get(&server);
    let (head, body) = read_response(&mut stream);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(header(&head, "Content-Type"), Some("image/jpeg"));
    assert!(body.starts_with(&[0xFF, 0xD8]) && !body.ends_with(&[0xFF, 0xD9]));
    // Exactly the first half of a whole JPEG (which ends with its end marker). Beware: the image crate decodes
    // such a half picture without an error (the missing rows come out grey); only the missing end marker tells.
    let whole = test_jpeg(320, 240);
    assert!(whole.ends_with(&[0xFF, 0xD9]));
    assert_eq!(body, whole[..whole.len() / 2]);
    let (rest, closed) = read_for(&mut stream, Duration::from_secs(3));
    assert!(rest.is_empty() && closed);
}

#[test]
fn bad_server_rtsp_without_video_describes_audio_only() {
    let server = BadServer::start(BadMode::RtspNoVideo);
    let mut stream = connect(server.port()).unwrap();
    stream
        .write_all(b"OPTIONS * RTSP/1.0\r\nCSeq: 7\r\n\r\n")
        .unwrap();
    let (head, _) = read_response(&mut stream);
    assert!(head.starts_with("RTSP/1.0 200"), "{head}");
    assert_eq!(header(&head, "CSeq"), Some("7"));
    // Same connection, as RTSP clients do.
    stream
        .write_all(format!("DESCRIBE {} RTSP/1.0\r\nCSeq: 8\r\n\r\n", server.rtsp_url()).as_bytes())
        .unwrap();
    let (head, body) = read_response(&mut stream);
    assert!(head.starts_with("RTSP/1.0 200"), "{head}");
    assert_eq!(header(&head, "CSeq"), Some("8"));
    assert_eq!(header(&head, "Content-Type"), Some("application/sdp"));
    let sdp = String::from_utf8(body).unwrap();
    assert!(sdp.contains("m=audio") && !sdp.contains("m=video"), "{sdp}");
    drop_quickly(server);
}

#[test]
fn bad_server_silent_never_answers() {
    let server = BadServer::start(BadMode::Silent);
    let mut stream = http_get(&server);
    let (got, closed) = read_for(&mut stream, Duration::from_millis(700));
    assert!(got.is_empty() && !closed);
    drop_quickly(server);
}
