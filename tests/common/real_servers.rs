//! Real camera-like servers on 127.0.0.1 for tests, started and stopped by the tests themselves:
//! - [`RtspCamera`]: GStreamer's RTSP server (tests/support/rtsp_camera.py) with a live H.264 test picture behind
//!   Digest or Basic auth, at a Hikvision-like path.
//! - [`SnapshotServer`]: Apache 2 (tests/support/snapshot_apache.conf) serving a JPEG behind Digest auth at the
//!   Hikvision and Dahua snapshot paths.
//! - [`BadServer`]: misbehaving servers in plain std (garbage, endless body, trickle, truncated JPEG, RTSP without
//!   video, silence), each loop bounded in time.
//!
//! The system packages come from `scripts/setup.sh test`; without them these helpers panic and say so (the
//! tests are not skipped). Child processes also stop when the test process dies: they watch their stdin pipe.

use std::fs;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};

pub const RTSP_PATH: &str = "/Streaming/Channels/101";
pub const HIKVISION_SNAPSHOT_PATH: &str = "/ISAPI/Streaming/channels/101/picture";
pub const DAHUA_SNAPSHOT_PATH: &str = "/cgi-bin/snapshot.cgi";
/// Realm of the snapshot server's Digest challenge.
pub const SNAPSHOT_REALM: &str = "IP Camera";
/// Realm GStreamer's RTSP server puts in its challenges.
pub const RTSP_REALM: &str = "GStreamer RTSP Server";
/// Content-Length announced by [`BadMode::HugeBody`] (1 GiB).
pub const HUGE_BODY_LEN: u64 = 1 << 30;
/// Pause between two bytes of [`BadMode::SlowTrickle`].
pub const TRICKLE_INTERVAL: Duration = Duration::from_millis(500);
/// A [`BadServer`] forgotten by a test (leaked, or in a static) still stops accepting and answering after this.
pub const BAD_SERVER_MAX_LIFE: Duration = Duration::from_secs(300);

const SETUP_HINT: &str =
    "install the test packages with `scripts/setup.sh test` (as root), as scripts/test does";
const READY_TIMEOUT: Duration = Duration::from_secs(10);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
const PYTHON: &str = "/usr/bin/python3";
const APACHE: &str = "/usr/sbin/apache2";
const APACHE_MODULES: &str = "/usr/lib/apache2/modules";
/// rtsp_camera.py's exit codes.
const EXIT_CANNOT_LISTEN: i32 = 2;
const EXIT_MISSING_PACKAGES: i32 = 3;

fn support_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support")
}

/// A port on 127.0.0.1 that was free a moment ago (the kernel's pick; another process may take it meanwhile).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A port on 127.0.0.1 where nothing listens: connecting is refused (checked before it is returned).
pub fn closed_port() -> u16 {
    for _ in 0..20 {
        let port = free_port();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        if let Err(e) = TcpStream::connect_timeout(&addr, Duration::from_millis(500))
            && e.kind() == ErrorKind::ConnectionRefused
        {
            return port;
        }
    }
    panic!("no closed port found on 127.0.0.1");
}

/// A JPEG of the given size (colour gradient with a grid, like a test card), as a camera would send.
pub fn test_jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = ImageBuffer::from_fn(width, height, |x, y| {
        if x % 32 == 0 || y % 32 == 0 {
            Rgb([255u8, 255, 255])
        } else {
            Rgb([
                (x * 255 / width.max(1)) as u8,
                (y * 255 / height.max(1)) as u8,
                128,
            ])
        }
    });
    let mut out = Vec::new();
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 85))
        .expect("encode test JPEG");
    out
}

/// Stops a helper child: closing its stdin asks it to stop (a clean exit within milliseconds); after
/// STOP_TIMEOUT it is killed. False when it had to be killed.
fn stop_child(child: &mut Option<Child>, stdin: &mut Option<ChildStdin>) -> bool {
    drop(stdin.take());
    let Some(mut c) = child.take() else {
        return true;
    };
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = c.try_wait() {
            return true;
        }
        // Kept: std cannot wait for a child with a timeout; the child exits within milliseconds.
        thread::sleep(Duration::from_millis(5));
    }
    let _ = c.kill();
    let _ = c.wait();
    false
}

fn read_log(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    if text.trim().is_empty() {
        "(empty)".into()
    } else {
        text
    }
}

fn open_log(path: &Path) -> fs::File {
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------------------------
// RTSP camera
// ---------------------------------------------------------------------------------------------------------------

/// How the RTSP camera asks for credentials on DESCRIBE (OPTIONS is always open, as GStreamer does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    Digest,
    Basic,
    /// No credentials asked at all (a camera with authentication switched off).
    None,
}

impl Auth {
    fn arg(self) -> &'static str {
        match self {
            Auth::Digest => "digest",
            Auth::Basic => "basic",
            Auth::None => "none",
        }
    }
}

/// GStreamer's RTSP server on 127.0.0.1 serving 640x360 H.264 at 15 fps at [`RTSP_PATH`] (shared media).
/// Dropping it stops the server.
pub struct RtspCamera {
    auth: Auth,
    /// "h264", "h265" or "mp2t" (tests/support/rtsp_camera.py's --codec).
    codec: &'static str,
    /// "127.0.0.1" or "::1".
    address: &'static str,
    user: String,
    pass: String,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
}

impl RtspCamera {
    /// Starts a camera on a free port and waits (at most 10 s) until it answers.
    pub fn start(auth: Auth, user: &str, pass: &str) -> RtspCamera {
        Self::start_with(auth, user, pass, "h264", "127.0.0.1")
    }

    /// A camera sending `codec` ("h264", "h265" with a cropped picture, "mp2t" with the static payload type
    /// 33), listening on `address` ("127.0.0.1" or "::1").
    pub fn start_with(
        auth: Auth,
        user: &str,
        pass: &str,
        codec: &'static str,
        address: &'static str,
    ) -> RtspCamera {
        let mut camera = RtspCamera {
            auth,
            codec,
            address,
            user: user.into(),
            pass: pass.into(),
            port: 0,
            dir: tempfile::tempdir().expect("temp dir"),
            child: None,
            stdin: None,
        };
        camera.spawn();
        camera
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `rtsp://127.0.0.1:PORT/Streaming/Channels/101` (no credentials in it; `[::1]` on IPv6).
    pub fn url(&self) -> String {
        if self.address.contains(':') {
            format!("rtsp://[{}]:{}{RTSP_PATH}", self.address, self.port)
        } else {
            format!("rtsp://{}:{}{RTSP_PATH}", self.address, self.port)
        }
    }

    pub fn auth(&self) -> Auth {
        self.auth
    }

    /// Stops the server; connecting is refused afterwards. Nothing happens if it is stopped already.
    pub fn stop(&mut self) {
        stop_child(&mut self.child, &mut self.stdin);
    }

    /// Stops the server (if running) and starts it again on the same port (a camera rebooting).
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("rtsp_camera.log")
    }

    /// Starts the script on `self.port` (0: any free port, then remembered) and waits for `READY <port>`.
    fn spawn(&mut self) {
        let script = support_dir().join("rtsp_camera.py");
        assert!(
            Path::new(PYTHON).exists(),
            "the RTSP test camera needs {PYTHON} with GStreamer: {SETUP_HINT}"
        );
        // Restarting on the same port: the old socket is closed, but give a slow kernel a few tries.
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let mut child = Command::new(PYTHON)
                .arg(&script)
                .args(["--port", &self.port.to_string(), "--path", RTSP_PATH])
                .args(["--auth", self.auth.arg(), "--user", &self.user])
                .args(["--password", &self.pass, "--exit-on-stdin-eof"])
                .args(["--codec", self.codec, "--address", self.address])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(open_log(&self.log_path()))
                .spawn()
                .unwrap_or_else(|e| panic!("start {}: {e}; {SETUP_HINT}", script.display()));
            let stdin = child.stdin.take();
            let stdout = child.stdout.take().expect("piped stdout");
            let (tx, rx) = mpsc::channel();
            thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let ready = line.starts_with("READY ");
                    if tx.send(line).is_err() || ready {
                        break;
                    }
                }
            });
            let port = loop {
                match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                    Ok(line) => {
                        if let Some(port) = line.strip_prefix("READY ") {
                            break Some(port.trim().parse::<u16>().expect("READY <port>"));
                        }
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        let _ = child.kill();
                        let _ = child.wait();
                        panic!(
                            "RTSP test camera not ready within {READY_TIMEOUT:?}; its log:\n{}",
                            read_log(&self.log_path())
                        );
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break None,
                }
            };
            if let Some(port) = port {
                assert!(
                    self.port == 0 || port == self.port,
                    "RTSP test camera bound port {port}, asked for {}",
                    self.port
                );
                self.port = port;
                self.child = Some(child);
                self.stdin = stdin;
                return;
            }
            // The script exited before READY.
            drop(stdin);
            let status = child.wait().expect("wait for rtsp_camera.py");
            let log = read_log(&self.log_path());
            match status.code() {
                Some(EXIT_MISSING_PACKAGES) => {
                    panic!("the RTSP test camera cannot run here: {SETUP_HINT}. Its log:\n{log}")
                }
                Some(EXIT_CANNOT_LISTEN) if self.port != 0 && Instant::now() < deadline => {
                    // Kept: the port is still held by an earlier run; nothing signals when the kernel frees it.
                    thread::sleep(Duration::from_millis(100));
                }
                _ => panic!("RTSP test camera exited at start ({status}); its log:\n{log}"),
            }
        }
    }
}

impl Drop for RtspCamera {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP snapshot server (Apache)
// ---------------------------------------------------------------------------------------------------------------

/// Apache 2 on 127.0.0.1 answering the Hikvision and Dahua snapshot paths with a JPEG behind Digest auth
/// (realm [`SNAPSHOT_REALM`], MD5, qop=auth); every other path also asks for the password, then 404.
/// Dropping it stops the server.
pub struct SnapshotServer {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
}

impl SnapshotServer {
    /// Starts Apache on a free port with this user, password and picture, and waits (at most 10 s) until it
    /// accepts connections.
    pub fn start(user: &str, pass: &str, jpeg: &[u8]) -> SnapshotServer {
        for module in ["mod_mpm_event.so", "mod_auth_digest.so"] {
            assert!(
                Path::new(APACHE).exists() && Path::new(APACHE_MODULES).join(module).exists(),
                "the snapshot test server needs Apache 2 ({APACHE}, {APACHE_MODULES}/{module}): {SETUP_HINT}"
            );
        }
        assert!(
            !user.contains(':') && !user.contains('\n') && !pass.contains('\n'),
            "htdigest user names cannot hold ':' or line breaks"
        );
        // Apache's worker runs as nobody when the tests run as root: it must read the files here.
        let dir = tempfile::Builder::new()
            .prefix("iccc-snapshot-")
            .tempdir()
            .expect("temp dir");
        let readable = |path: &Path, mode: u32| {
            fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
        };
        readable(dir.path(), 0o755);
        fs::create_dir(dir.path().join("htdocs")).expect("htdocs");
        readable(&dir.path().join("htdocs"), 0o755);
        let ha1 = md5_hex(&format!("{user}:{SNAPSHOT_REALM}:{pass}"));
        let htdigest = dir.path().join("htdigest");
        fs::write(&htdigest, format!("{user}:{SNAPSHOT_REALM}:{ha1}\n")).expect("write htdigest");
        readable(&htdigest, 0o644);
        let mut server = SnapshotServer {
            port: 0,
            dir,
            child: None,
            stdin: None,
        };
        server.set_jpeg(jpeg);
        // The port is chosen before Apache binds it; if someone takes it meanwhile, try another.
        for _ in 0..5 {
            server.port = free_port();
            if server.spawn() {
                return server;
            }
        }
        panic!(
            "snapshot test server could not bind a port; its log:\n{}",
            read_log(&server.dir.path().join("error.log"))
        );
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/ISAPI/Streaming/channels/101/picture`
    pub fn hikvision_url(&self) -> String {
        format!("http://127.0.0.1:{}{HIKVISION_SNAPSHOT_PATH}", self.port)
    }

    /// `http://127.0.0.1:PORT/cgi-bin/snapshot.cgi?channel=1` (Dahua's form, with a query string).
    pub fn dahua_url(&self) -> String {
        format!(
            "http://127.0.0.1:{}{DAHUA_SNAPSHOT_PATH}?channel=1",
            self.port
        )
    }

    /// Replaces the picture both paths serve (atomically; the server may be running).
    pub fn set_jpeg(&self, jpeg: &[u8]) {
        let tmp = self.dir.path().join("snapshot.jpg.new");
        fs::write(&tmp, jpeg).expect("write snapshot JPEG");
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o644)).expect("chmod");
        fs::rename(&tmp, self.dir.path().join("snapshot.jpg")).expect("rename snapshot JPEG");
    }

    /// Stops Apache (its worker too); connecting is refused afterwards.
    pub fn stop(&mut self) {
        if !stop_child(&mut self.child, &mut self.stdin) {
            // The wrapper had to be killed, so Apache may still run: its pid file says where.
            if let Ok(pid) = fs::read_to_string(self.dir.path().join("apache.pid"))
                && let Ok(pid) = pid.trim().parse::<u32>()
                && Path::new(&format!("/proc/{pid}")).exists()
            {
                let _ = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
        }
    }

    /// Stops the server (if running) and starts it again on the same port.
    pub fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + READY_TIMEOUT;
        while !self.spawn() {
            assert!(
                Instant::now() < deadline,
                "snapshot test server could not bind port {} again; its log:\n{}",
                self.port,
                read_log(&self.dir.path().join("error.log"))
            );
            // Kept: the port is freed by the kernel after the old server exits; nothing signals when.
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Writes the config for `self.port`, starts Apache through snapshot_server.sh and waits until it accepts
    /// connections. False when the port was taken; panics on any other failure.
    fn spawn(&mut self) -> bool {
        let dir = self.dir.path();
        let template = fs::read_to_string(support_dir().join("snapshot_apache.conf"))
            .expect("read tests/support/snapshot_apache.conf");
        let dir_text = dir.to_str().expect("temp dir path is UTF-8");
        let conf = template
            .replace("@DIR@", dir_text)
            .replace("@PORT@", &self.port.to_string());
        let conf_path = dir.join("apache.conf");
        fs::write(&conf_path, conf).expect("write apache.conf");
        let error_log = dir.join("error.log");
        let _ = fs::remove_file(&error_log);
        let _ = fs::remove_file(dir.join("apache.pid"));
        let wrapper_log = dir.join("snapshot_server.log");
        let mut child = Command::new(support_dir().join("snapshot_server.sh"))
            .arg(&conf_path)
            .stdin(Stdio::piped())
            .stdout(open_log(&wrapper_log))
            .stderr(open_log(&wrapper_log))
            .spawn()
            .expect("start tests/support/snapshot_server.sh");
        let stdin = child.stdin.take();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                drop(stdin);
                let log = read_log(&error_log);
                if log.contains("could not bind") || log.contains("Address already in use") {
                    return false;
                }
                panic!(
                    "snapshot test server (Apache) exited at start ({status}); {SETUP_HINT} if it is missing.\n\
                     Apache's log:\n{log}\nwrapper's log:\n{}",
                    read_log(&wrapper_log)
                );
            }
            // Apache's own line says it runs (so the port is ours, not someone else's), then the port must
            // accept.
            let running = fs::read_to_string(&error_log)
                .is_ok_and(|log| log.contains("resuming normal operations"));
            if running && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                self.child = Some(child);
                self.stdin = stdin;
                return true;
            }
            if Instant::now() > deadline {
                drop(stdin);
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "snapshot test server not ready within {READY_TIMEOUT:?}; Apache's log:\n{}",
                    read_log(&error_log)
                );
            }
            // Kept: Apache is another process; nothing signals its readiness but the port answering.
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for SnapshotServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// MD5 in hex, from coreutils' md5sum (no crate needed for an htdigest line or a test's Digest answer).
pub fn md5_hex(text: &str) -> String {
    let mut child = Command::new("md5sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run md5sum (coreutils)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to md5sum");
    let out = child.wait_with_output().expect("md5sum output");
    let hex: String = String::from_utf8_lossy(&out.stdout)
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    assert_eq!(hex.len(), 32, "md5sum gave {:?}", out.stdout);
    hex
}

// ---------------------------------------------------------------------------------------------------------------
// Misbehaving servers
// ---------------------------------------------------------------------------------------------------------------

/// How a [`BadServer`] misbehaves on every connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadMode {
    /// Reads the request, answers 256 random bytes that are neither HTTP nor RTSP, closes.
    Garbage,
    /// HTTP 200 `image/jpeg` with `Content-Length: 1073741824`, then zeros until the client hangs up.
    HugeBody,
    /// One byte every 500 ms of a never-ending status line and header (`HTTP/1.1 200 OK` or `RTSP/1.0 200 OK`,
    /// as the request was), never finished.
    SlowTrickle,
    /// HTTP 200 `image/jpeg` with the first half of a valid JPEG and the matching (short) Content-Length, closes.
    TruncatedJpeg,
    /// RTSP 200 to OPTIONS and DESCRIBE; the SDP has only an audio m-line (PCMU). Other methods get 455.
    RtspNoVideo,
    /// Accepts and never answers (until the client hangs up).
    Silent,
}

/// A server on 127.0.0.1 (port picked by the kernel) that misbehaves as its [`BadMode`] says. Its threads stop
/// when it is dropped, and in any case after [`BAD_SERVER_MAX_LIFE`].
pub struct BadServer {
    mode: BadMode,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl BadServer {
    pub fn start(mode: BadMode) -> BadServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, accepted) = (stop.clone(), accepted.clone());
            thread::Builder::new()
                .name(format!("bad-server-{mode:?}"))
                .spawn(move || accept_loop(listener, mode, stop, accepted))
                .expect("spawn bad server")
        };
        BadServer {
            mode,
            addr,
            stop,
            accepted,
            thread: Some(thread),
        }
    }

    pub fn mode(&self) -> BadMode {
        self.mode
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:PORT/ISAPI/Streaming/channels/101/picture`
    pub fn http_url(&self) -> String {
        format!("http://127.0.0.1:{}{HIKVISION_SNAPSHOT_PATH}", self.port())
    }

    /// `rtsp://127.0.0.1:PORT/Streaming/Channels/101`
    pub fn rtsp_url(&self) -> String {
        format!("rtsp://127.0.0.1:{}{RTSP_PATH}", self.port())
    }

    /// How many connections it has accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for BadServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    mode: BadMode,
    stop: Arc<AtomicBool>,
    accepted: Arc<AtomicUsize>,
) {
    let deadline = Instant::now() + BAD_SERVER_MAX_LIFE;
    let mut handlers: Vec<JoinHandle<()>> = Vec::new();
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let n = accepted.fetch_add(1, Ordering::SeqCst);
                let conn = Conn {
                    stream,
                    stop: stop.clone(),
                    deadline,
                    buf: Vec::new(),
                };
                if conn.stream.set_nonblocking(false).is_ok()
                    && conn.stream.set_read_timeout(Some(STEP)).is_ok()
                    && conn.stream.set_write_timeout(Some(STEP)).is_ok()
                    && let Ok(handler) = thread::Builder::new()
                        .name(format!("bad-server-{mode:?}-{n}"))
                        .spawn(move || conn.serve(mode, n))
                {
                    handlers.push(handler);
                }
            }
            // Kept: the accept loop is non-blocking so that it sees the stop flag; a real server's idle wait.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
        handlers.retain(|h| !h.is_finished());
    }
    stop.store(true, Ordering::SeqCst);
    for handler in handlers {
        let _ = handler.join();
    }
}

/// Every blocking call of a bad server's connection waits at most this long before looking at the stop flag.
const STEP: Duration = Duration::from_millis(50);

struct Conn {
    stream: TcpStream,
    stop: Arc<AtomicBool>,
    deadline: Instant,
    /// Bytes read but not used yet.
    buf: Vec<u8>,
}

enum Head {
    Request(String),
    /// Nothing complete within the wait (the client may still be there).
    Nothing,
    /// The client closed or reset the connection.
    Closed,
}

impl Conn {
    fn alive(&self) -> bool {
        !self.stop.load(Ordering::SeqCst) && Instant::now() < self.deadline
    }

    /// Sleeps, waking early when the server stops. False when it stopped.
    fn pause(&self, how_long: Duration) -> bool {
        let until = Instant::now() + how_long;
        while Instant::now() < until {
            if !self.alive() {
                return false;
            }
            // Kept: a deliberately slow camera (protocol behaviour under test), in short steps to see a stop.
            thread::sleep(Duration::from_millis(20).min(until - Instant::now()));
        }
        self.alive()
    }

    /// Reads one request head (up to the blank line) within `wait`; the bytes after it stay in `buf`.
    fn read_head(&mut self, wait: Duration) -> Head {
        let until = Instant::now() + wait;
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head: Vec<u8> = self.buf.drain(..end + 4).collect();
                return Head::Request(String::from_utf8_lossy(&head).into_owned());
            }
            if !self.alive() || Instant::now() >= until || self.buf.len() > 64 * 1024 {
                return Head::Nothing;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Head::Closed,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if is_timeout(&e) => {}
                Err(_) => return Head::Closed,
            }
        }
    }

    /// Writes everything unless the client hangs up or the server stops. False then.
    fn send(&mut self, mut data: &[u8]) -> bool {
        while !data.is_empty() {
            if !self.alive() {
                return false;
            }
            match self.stream.write(data) {
                Ok(0) => return false,
                Ok(n) => data = &data[n..],
                Err(e) if is_timeout(&e) => {}
                Err(_) => return false,
            }
        }
        true
    }

    /// Closes politely: end of our side, then reads what the client still sends (at most 1 s) so that the
    /// close is a FIN, not a reset that would throw away the answer before the client reads it.
    fn finish(mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let until = Instant::now() + Duration::from_secs(1);
        let mut chunk = [0u8; 4096];
        while self.alive() && Instant::now() < until {
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if is_timeout(&e) => {}
                Err(_) => break,
            }
        }
    }

    fn serve(mut self, mode: BadMode, n: usize) {
        match mode {
            BadMode::Garbage => {
                if let Head::Closed = self.read_head(Duration::from_secs(1)) {
                    return;
                }
                if self.send(&garbage(256, n)) {
                    self.finish();
                }
            }
            BadMode::HugeBody => {
                if let Head::Closed = self.read_head(Duration::from_secs(2)) {
                    return;
                }
                let header = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {HUGE_BODY_LEN}\r\n\
                     Connection: close\r\n\r\n"
                );
                if !self.send(header.as_bytes()) {
                    return;
                }
                let zeros = vec![0u8; 64 * 1024];
                let mut sent: u64 = 0;
                while sent < HUGE_BODY_LEN && self.alive() {
                    let len = zeros.len().min((HUGE_BODY_LEN - sent) as usize);
                    match self.stream.write(&zeros[..len]) {
                        Ok(0) => return,
                        Ok(k) => sent += k as u64,
                        Err(e) if is_timeout(&e) => {}
                        Err(_) => return,
                    }
                }
                self.finish();
            }
            BadMode::SlowTrickle => {
                let proto = match self.read_head(Duration::from_secs(1)) {
                    Head::Closed => return,
                    Head::Request(head)
                        if head.lines().next().is_some_and(|l| l.ends_with("RTSP/1.0")) =>
                    {
                        "RTSP/1.0"
                    }
                    _ => "HTTP/1.1",
                };
                let prefix = format!("{proto} 200 OK\r\nX-Trickle: ");
                for b in prefix.bytes().chain(std::iter::repeat(b'a')) {
                    if !self.send(&[b]) || !self.pause(TRICKLE_INTERVAL) {
                        break;
                    }
                }
            }
            BadMode::TruncatedJpeg => {
                if let Head::Closed = self.read_head(Duration::from_secs(2)) {
                    return;
                }
                let jpeg = test_jpeg(320, 240);
                let half = &jpeg[..jpeg.len() / 2];
                let header = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    half.len()
                );
                if self.send(header.as_bytes()) && self.send(half) {
                    self.finish();
                }
            }
            BadMode::RtspNoVideo => loop {
                let head = match self.read_head(STEP) {
                    Head::Request(head) => head,
                    Head::Nothing if self.alive() => continue,
                    _ => return,
                };
                // A request body (ANNOUNCE, SET_PARAMETER) is skipped.
                let body_len = header_value(&head, "Content-Length")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(0);
                while self.buf.len() < body_len && self.alive() {
                    let mut chunk = [0u8; 4096];
                    match self.stream.read(&mut chunk) {
                        Ok(0) => return,
                        Ok(k) => self.buf.extend_from_slice(&chunk[..k]),
                        Err(e) if is_timeout(&e) => {}
                        Err(_) => return,
                    }
                }
                self.buf.drain(..body_len.min(self.buf.len()));
                let answer = rtsp_no_video_answer(&head);
                if !self.send(answer.as_bytes()) {
                    return;
                }
            },
            BadMode::Silent => {
                let mut chunk = [0u8; 4096];
                while self.alive() {
                    match self.stream.read(&mut chunk) {
                        Ok(0) => return,
                        Ok(_) => {}
                        Err(e) if is_timeout(&e) => {}
                        Err(_) => return,
                    }
                }
            }
        }
    }
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
    )
}

/// Pseudo-random bytes (xorshift, seeded by the clock) that start with bytes no protocol line starts with.
fn garbage(len: usize, n: usize) -> Vec<u8> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = (nanos ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1;
    let mut out = vec![0x00, 0xFF, 0xFE, 0x13];
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push((x >> 24) as u8);
    }
    out
}

fn header_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then_some(value.trim())
    })
}

fn rtsp_no_video_answer(head: &str) -> String {
    let mut request_line = head.lines().next().unwrap_or("").split_whitespace();
    let method = request_line.next().unwrap_or("");
    let uri = request_line.next().unwrap_or("*");
    let cseq = header_value(head, "CSeq").unwrap_or("0");
    match method {
        "OPTIONS" => format!(
            "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n"
        ),
        "DESCRIBE" => {
            let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Audio only\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n\
                       a=control:*\r\nm=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=control:trackID=1\r\n";
            let base = if uri.ends_with('/') {
                uri.to_string()
            } else {
                format!("{uri}/")
            };
            format!(
                "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Base: {base}\r\nContent-Type: application/sdp\r\n\
                 Content-Length: {}\r\n\r\n{sdp}",
                sdp.len()
            )
        }
        "TEARDOWN" => format!("RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n\r\n"),
        _ => format!("RTSP/1.0 455 Method Not Valid in This State\r\nCSeq: {cseq}\r\n\r\n"),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Canned answers
// ---------------------------------------------------------------------------------------------------------------

/// A server on a loopback address that reads each request head and writes what `answer` makes of it (nothing:
/// stays silent until the client hangs up), then closes. Recorded answers of other vendors' servers and hostile
/// bytes come this way. Stops when dropped, and in any case after [`BAD_SERVER_MAX_LIFE`].
pub struct CannedServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// What a [`CannedServer`] answers to one request head (`None`: silence).
pub type Answerer = Arc<dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync>;

impl CannedServer {
    /// Listens on `ip` (127.0.0.1 or ::1), port picked by the kernel. Panics when the address cannot be bound.
    pub fn start(ip: std::net::IpAddr, answer: Answerer) -> CannedServer {
        Self::try_start(ip, answer).unwrap_or_else(|e| panic!("bind {ip}: {e}"))
    }

    /// As [`CannedServer::start`], with the bind error returned (a machine without IPv6 loopback).
    pub fn try_start(ip: std::net::IpAddr, answer: Answerer) -> std::io::Result<CannedServer> {
        let listener = TcpListener::bind((ip, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            thread::spawn(move || {
                let deadline = Instant::now() + BAD_SERVER_MAX_LIFE;
                let mut handlers: Vec<JoinHandle<()>> = Vec::new();
                while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let conn = Conn {
                                stream,
                                stop: stop.clone(),
                                deadline,
                                buf: Vec::new(),
                            };
                            let answer = answer.clone();
                            if conn.stream.set_nonblocking(false).is_ok()
                                && conn.stream.set_read_timeout(Some(STEP)).is_ok()
                                && conn.stream.set_write_timeout(Some(STEP)).is_ok()
                            {
                                handlers.push(thread::spawn(move || conn.serve_canned(&*answer)));
                            }
                        }
                        // Kept: the accept loop is non-blocking so that it sees the stop flag; a real server's idle wait.
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                    handlers.retain(|h| !h.is_finished());
                }
                stop.store(true, Ordering::SeqCst);
                for h in handlers {
                    let _ = h.join();
                }
            })
        };
        Ok(CannedServer {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `scheme://ADDR/path` with the address as a URL writes it (`[::1]:port` for IPv6).
    pub fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://{}{path}", self.addr)
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Conn {
    fn serve_canned(mut self, answer: &(dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync)) {
        loop {
            let head = match self.read_head(STEP) {
                Head::Request(head) => head,
                Head::Nothing if self.alive() => continue,
                _ => return,
            };
            let Some(bytes) = answer(&head) else {
                // Silence: keep the connection open, reading, until the client gives up.
                let mut chunk = [0u8; 4096];
                while self.alive() {
                    match self.stream.read(&mut chunk) {
                        Ok(0) => return,
                        Ok(_) => {}
                        Err(e) if is_timeout(&e) => {}
                        Err(_) => return,
                    }
                }
                return;
            };
            if !self.send(&bytes) {
                return;
            }
            // RTSP keeps the connection for the next request; HTTP closes after one answer.
            if !head.lines().next().is_some_and(|l| l.ends_with("RTSP/1.0")) {
                self.finish();
                return;
            }
        }
    }
}

/// The CSeq of an RTSP request head ("0" when it has none).
pub fn cseq_of(head: &str) -> String {
    header_value(head, "CSeq").unwrap_or("0").to_string()
}

/// An RTSP answer to OPTIONS, and to DESCRIBE with `sdp` (as live555 and VLC answer), for a [`CannedServer`].
pub fn rtsp_answerer(sdp: &'static str) -> Answerer {
    Arc::new(move |head: &str| {
        let cseq = cseq_of(head);
        let method = head.split_whitespace().next().unwrap_or("");
        Some(
            match method {
                "OPTIONS" => format!(
                    "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER\r\n\r\n"
                ),
                "DESCRIBE" => format!(
                    "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
                    sdp.len()
                ),
                _ => format!("RTSP/1.0 405 Method Not Allowed\r\nCSeq: {cseq}\r\n\r\n"),
            }
            .into_bytes(),
        )
    })
}

/// An HTTP answer with `jpeg` (Content-Length framing) to any request, for a [`CannedServer`].
pub fn jpeg_answerer(jpeg: Vec<u8>) -> Answerer {
    Arc::new(move |_head: &str| {
        let mut out = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            jpeg.len()
        )
        .into_bytes();
        out.extend_from_slice(&jpeg);
        Some(out)
    })
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP snapshot server (lighttpd)
// ---------------------------------------------------------------------------------------------------------------

const LIGHTTPD: &str = "/usr/sbin/lighttpd";

/// lighttpd (tests/support/snapshot_lighttpd.conf) on a loopback address answering the Hikvision and Dahua
/// snapshot paths with a JPEG behind Digest auth (mod_auth, htdigest, realm [`SNAPSHOT_REALM`]): a second
/// vendor's Digest beside Apache's. Dropping it stops the server.
pub struct LighttpdSnapshotServer {
    address: &'static str,
    /// Digest algorithm asked for: `MD5` or `SHA-256`.
    algorithm: &'static str,
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
}

impl LighttpdSnapshotServer {
    /// Starts lighttpd on `address` ("127.0.0.1" or "::1") and a free port, and waits (at most 10 s) until it
    /// accepts connections.
    pub fn start_on(address: &'static str, user: &str, pass: &str, jpeg: &[u8]) -> Self {
        Self::start_with_algorithm(address, "MD5", user, pass, jpeg)
    }

    /// As [`LighttpdSnapshotServer::start_on`], asking for Digest with `algorithm` (`MD5` or `SHA-256`).
    pub fn start_with_algorithm(
        address: &'static str,
        algorithm: &'static str,
        user: &str,
        pass: &str,
        jpeg: &[u8],
    ) -> Self {
        assert!(
            Path::new(LIGHTTPD).exists(),
            "the lighttpd snapshot server needs {LIGHTTPD}: {SETUP_HINT}"
        );
        assert!(
            !user.contains(':') && !user.contains('\n') && !pass.contains('\n'),
            "htdigest user names cannot hold ':' or line breaks"
        );
        let dir = tempfile::Builder::new()
            .prefix("iccc-lighttpd-")
            .tempdir()
            .expect("temp dir");
        for path in [HIKVISION_SNAPSHOT_PATH, DAHUA_SNAPSHOT_PATH] {
            let file = dir.path().join("htdocs").join(path.trim_start_matches('/'));
            fs::create_dir_all(file.parent().expect("a folder")).expect("htdocs folders");
            fs::write(&file, jpeg).expect("write snapshot");
        }
        let ha1 =
            super::digest_check::hash_hex(algorithm, &format!("{user}:{SNAPSHOT_REALM}:{pass}"));
        fs::write(
            dir.path().join("htdigest"),
            format!("{user}:{SNAPSHOT_REALM}:{ha1}\n"),
        )
        .expect("write htdigest");
        let mut server = LighttpdSnapshotServer {
            address,
            algorithm,
            port: 0,
            dir,
            child: None,
            stdin: None,
        };
        for _ in 0..5 {
            let ip: std::net::IpAddr = address.parse().expect("a loopback address");
            server.port = TcpListener::bind((ip, 0))
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            if server.spawn() {
                return server;
            }
        }
        panic!(
            "lighttpd could not bind a port; its log:\n{}",
            read_log(&server.dir.path().join("error.log"))
        );
    }

    fn base(&self) -> String {
        if self.address.contains(':') {
            format!("http://[{}]:{}", self.address, self.port)
        } else {
            format!("http://{}:{}", self.address, self.port)
        }
    }

    /// `http://ADDRESS:PORT/ISAPI/Streaming/channels/101/picture`
    pub fn hikvision_url(&self) -> String {
        format!("{}{HIKVISION_SNAPSHOT_PATH}", self.base())
    }

    /// `http://ADDRESS:PORT/cgi-bin/snapshot.cgi?channel=1`
    pub fn dahua_url(&self) -> String {
        format!("{}{DAHUA_SNAPSHOT_PATH}?channel=1", self.base())
    }

    /// False when the port was taken; panics on any other failure.
    fn spawn(&mut self) -> bool {
        let dir = self.dir.path();
        let template = fs::read_to_string(support_dir().join("snapshot_lighttpd.conf"))
            .expect("read tests/support/snapshot_lighttpd.conf");
        let bind = if self.address.contains(':') {
            format!("[{}]", self.address)
        } else {
            self.address.to_string()
        };
        let conf = template
            .replace("@DIR@", dir.to_str().expect("temp dir path is UTF-8"))
            .replace("@PORT@", &self.port.to_string())
            .replace("@BIND@", &bind)
            .replace("@ALGORITHM@", self.algorithm);
        let conf_path = dir.join("lighttpd.conf");
        fs::write(&conf_path, conf).expect("write lighttpd.conf");
        let error_log = dir.join("error.log");
        let _ = fs::remove_file(&error_log);
        let wrapper_log = dir.join("lighttpd_server.log");
        let mut child = Command::new(support_dir().join("lighttpd_server.sh"))
            .arg(&conf_path)
            .stdin(Stdio::piped())
            .stdout(open_log(&wrapper_log))
            .stderr(open_log(&wrapper_log))
            .spawn()
            .expect("start tests/support/lighttpd_server.sh");
        let stdin = child.stdin.take();
        let ip: std::net::IpAddr = self.address.parse().expect("a loopback address");
        let addr = SocketAddr::new(ip, self.port);
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                drop(stdin);
                let log = format!("{}{}", read_log(&error_log), read_log(&wrapper_log));
                if log.contains("Address already in use") {
                    return false;
                }
                panic!(
                    "lighttpd exited at start ({status}); {SETUP_HINT} if it is missing. Its log:\n{log}"
                );
            }
            let running =
                fs::read_to_string(&error_log).is_ok_and(|log| log.contains("server started"));
            if running && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                self.child = Some(child);
                self.stdin = stdin;
                return true;
            }
            if Instant::now() > deadline {
                drop(stdin);
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "lighttpd not ready within {READY_TIMEOUT:?}; its log:\n{}",
                    read_log(&error_log)
                );
            }
            // Kept: lighttpd is another process; nothing signals its readiness but the port answering.
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for LighttpdSnapshotServer {
    fn drop(&mut self) {
        stop_child(&mut self.child, &mut self.stdin);
    }
}
