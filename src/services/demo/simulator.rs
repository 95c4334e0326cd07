//! A camera simulator for the demo registry: it answers on the loopback addresses the registry's cameras use,
//! like real cameras do, so the desk's prober (and a person) can try the whole health path without a device.
//!
//! - RTSP on every stream address (and on an NVR's port 554 for analogue cameras without a stream address):
//!   `OPTIONS` answers 200; `DESCRIBE` answers 401 with a Digest challenge until the camera's stored user name and
//!   password come back (Digest, RFC 2617 with or without `qop=auth`, or Basic), then an H.264 SDP whose sequence
//!   parameter set encodes the camera's picture size.
//! - HTTP snapshots on every snapshot address: 401 with a Digest challenge (`qop="auth"`), then a JPEG that shows
//!   the camera's label and the time, so thumbnails visibly change.
//! - Each camera has a behaviour, drawn from the seed and re-drawn for a share of cameras every minute: most are
//!   healthy; some are offline (nobody listens on their address), refuse every password, answer after seconds,
//!   flap between online and offline, or send garbage or an SDP without video ([`BEHAVIOUR_MIX`]).
//!
//! Only 127.0.0.0/8 is ever bound: a camera whose address is elsewhere is left out (and counted), so pointing the
//! simulator at a real registry cannot answer for a real camera. All sockets are non-blocking and served by a few
//! threads with `mio` (epoll); connections have bounded buffers and are closed after 10 s without traffic.
//! Passwords never leave this module: they are compared, never printed.

use std::collections::HashMap;
use std::io::{self, Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use md5::{Digest as _, Md5};
use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

use crate::model::{CameraId, CameraKind, HealthState, PasswordState, nvr_channel_url};
use crate::services::demo::SplitMix64;
use crate::store::{Store, StoreError};

// ---------------------------------------------------------------------------------------------------------------
// Behaviours

/// What a simulated camera does.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Answers everything as a working camera does.
    Healthy,
    /// Nobody answers: its address is not listened on (or, on an NVR that other cameras share, the channel's
    /// requests get no answer at all).
    Offline,
    /// Answers, but refuses every password with 401, the stored one too.
    WrongPassword,
    /// Takes 2–4 s to answer after a quiet spell (it wakes up), then answers at once for 10 s.
    Slow,
    /// Healthy in one minute, offline in the next.
    Flaky,
    /// Answers garbage, or an SDP without a video track.
    StreamError,
}

impl Behaviour {
    pub const ALL: [Behaviour; 6] = [
        Self::Healthy,
        Self::Offline,
        Self::WrongPassword,
        Self::Slow,
        Self::Flaky,
        Self::StreamError,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Healthy => "healthy",
            Self::Offline => "offline",
            Self::WrongPassword => "wrong password",
            Self::Slow => "slow",
            Self::Flaky => "flaky",
            Self::StreamError => "stream error",
        }
    }
}

/// How often each behaviour is drawn.
pub const BEHAVIOUR_MIX: [(Behaviour, f64); 6] = [
    (Behaviour::Healthy, 0.86),
    (Behaviour::Offline, 0.05),
    (Behaviour::WrongPassword, 0.03),
    (Behaviour::Slow, 0.03),
    (Behaviour::Flaky, 0.02),
    (Behaviour::StreamError, 0.01),
];

/// Behaviours hold for one slot of this many seconds (wall clock), then a share of cameras draws again.
pub const SLOT_S: i64 = 60;
/// Share of cameras whose behaviour is drawn again in each slot (the others keep their own).
pub const REROLL_SHARE: f64 = 0.05;
/// A connection with no traffic for this long is closed.
pub const IDLE_CLOSE: Duration = Duration::from_secs(10);
/// Connections open at once, over all threads; more are accepted and closed at once.
pub const MAX_CONNECTIONS: usize = 4096;
/// Largest request (head and body) a connection may send before it is answered 400 and closed.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// A Digest nonce is accepted for this long after it was given.
const NONCE_LIFETIME_S: u64 = 300;
/// Size of the simulated snapshots.
pub const SNAPSHOT_PX: (u32, u32) = (640, 360);
/// Slow cameras wait this long (ms) before they answer after a quiet spell...
const SLOW_DELAY_MS: (u64, u64) = (2_000, 4_000);
/// ...of this long (ms) without a request.
const SLOW_WARM_MS: u64 = 10_000;

fn hash3(a: u64, b: u64, c: u64) -> u64 {
    SplitMix64::new(
        a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ c.wrapping_mul(0xC2B2_AE3D_27D4_EB4F).rotate_left(29),
    )
    .next_u64()
}

fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn draw_behaviour(u: f64) -> Behaviour {
    let mut x = u;
    for (b, share) in BEHAVIOUR_MIX {
        if x < share {
            return b;
        }
        x -= share;
    }
    Behaviour::Healthy
}

fn slot_of(unix_s: i64) -> i64 {
    unix_s.div_euclid(SLOT_S)
}

/// The behaviour drawn for a camera in a slot (may be [`Behaviour::Flaky`]).
fn behaviour_in(seed: u64, id: CameraId, slot: i64) -> Behaviour {
    let id = id as u64;
    if unit(hash3(seed ^ 0x5107, id, slot as u64)) < REROLL_SHARE {
        draw_behaviour(unit(hash3(seed ^ 0x5108, id, slot as u64)))
    } else {
        draw_behaviour(unit(hash3(seed, id, 0xBA5E)))
    }
}

/// What a camera does in a slot: flaky cameras are healthy in every other slot.
fn acts_in(seed: u64, id: CameraId, slot: i64) -> Behaviour {
    match behaviour_in(seed, id, slot) {
        Behaviour::Flaky if (slot + id).rem_euclid(2) == 0 => Behaviour::Healthy,
        Behaviour::Flaky => Behaviour::Offline,
        b => b,
    }
}

fn slow_delay_ms(seed: u64, id: CameraId, slot: i64) -> u64 {
    SLOW_DELAY_MS.0
        + hash3(seed ^ 0x510F, id as u64, slot as u64) % (SLOW_DELAY_MS.1 - SLOW_DELAY_MS.0 + 1)
}

fn unix_now() -> (i64, u32) {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs() as i64, d.subsec_millis())
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no camera in the registry has a stream or snapshot address to simulate")]
    NothingToSimulate,
    #[error(
        "none of the registry's {count} camera addresses is on the loopback network (e.g. {example}); the simulator \
         answers only on 127.0.0.0/8, so it is meant for the demo registry"
    )]
    NotLoopback { count: usize, example: String },
    #[error(
        "the simulator needs {needed} open files ({listeners} listening sockets and room for {MAX_CONNECTIONS} \
         connections), but the open-file limit is {soft} (hard limit {hard}) and cannot be raised; raise it with \
         `ulimit -n {needed}` (the hard limit as root, or in /etc/security/limits.conf), or simulate only the \
         cameras that fit (iccc-desk simulate --fit-file-limit)"
    )]
    FileLimit {
        needed: u64,
        listeners: usize,
        soft: u64,
        hard: u64,
    },
    #[error(
        "{addr} is already in use: is another simulator (or a desk showing the demo registry) running?"
    )]
    InUse { addr: SocketAddrV4 },
    #[error("cannot listen on {addr}: {detail}")]
    Bind { addr: SocketAddrV4, detail: String },
    #[error("the simulator cannot start: {0}")]
    Io(String),
}

/// What a simulated camera is planned to do at a moment (for tests and for the desk's own checks).
#[derive(Debug, Clone, PartialEq)]
pub struct CameraPlan {
    pub camera_id: CameraId,
    pub label: String,
    /// The behaviour drawn for this minute (may be [`Behaviour::Flaky`]).
    pub behaviour: Behaviour,
    /// What the camera does now ([`Behaviour::Flaky`] resolved to healthy or offline).
    pub acts: Behaviour,
    /// For a slow camera, how long its first answer on a connection waits.
    pub slow_delay_ms: Option<u64>,
    /// Picture size of the main stream, as its SDP tells it.
    pub width_px: u32,
    pub height_px: u32,
    /// A stream error shows as garbage bytes (before any login) rather than an SDP without video.
    pub garbage: bool,
    /// The registry holds this camera's real password (otherwise the simulator invented one it never tells).
    pub password_known: bool,
    /// Somebody listens on the camera's first address (stream, else snapshot) now; false when it is offline or
    /// its port is below 1024 and could not be opened without privileges.
    pub listening: bool,
}

impl CameraPlan {
    /// The states a probe with the stored credentials may find now. A slow camera may be online (slowly) or
    /// offline, depending on the probe's time limit against its delay.
    pub fn expected_states(&self) -> Vec<HealthState> {
        use HealthState::*;
        if !self.listening || self.acts == Behaviour::Offline {
            return vec![Offline];
        }
        let logged_in = if self.password_known {
            Online
        } else {
            AuthFailed
        };
        match self.acts {
            Behaviour::StreamError if self.garbage => vec![StreamError],
            Behaviour::StreamError if self.password_known => vec![StreamError],
            Behaviour::WrongPassword | Behaviour::StreamError => vec![AuthFailed],
            Behaviour::Slow => vec![logged_in, Offline],
            _ => vec![logged_in],
        }
    }
}

/// Requests served so far (counters only grow; `open_connections` is a gauge).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SimStats {
    pub connections: u64,
    pub rtsp_requests: u64,
    /// DESCRIBE answered with an SDP.
    pub descriptions: u64,
    pub snapshot_requests: u64,
    /// JPEG snapshots sent.
    pub snapshots: u64,
    /// 401 answers.
    pub logins_refused: u64,
    pub open_connections: usize,
    /// Offline cameras coming back whose address could not be listened on again.
    pub rebind_failures: u64,
}

impl SimStats {
    pub fn requests(&self) -> u64 {
        self.rtsp_requests + self.snapshot_requests
    }

    fn add(&mut self, o: &SimStats) {
        self.connections += o.connections;
        self.rtsp_requests += o.rtsp_requests;
        self.descriptions += o.descriptions;
        self.snapshot_requests += o.snapshot_requests;
        self.snapshots += o.snapshots;
        self.logins_refused += o.logins_refused;
        self.open_connections += o.open_connections;
        self.rebind_failures += o.rebind_failures;
    }
}

/// What a started simulator (or a set of shard processes) covers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SimReport {
    pub cameras: usize,
    /// Distinct loopback IP addresses (summed over shards, which may share an NVR's address on other ports).
    pub addresses: usize,
    pub listeners: usize,
    pub unbindable: usize,
    pub skipped: usize,
    pub skipped_example: Option<String>,
    pub passwords_unreadable: usize,
    pub over_file_limit: usize,
    /// Cameras drawn to each behaviour in the minute of the start.
    pub mix: Vec<(Behaviour, usize)>,
    pub processes: usize,
    pub threads: usize,
    pub started_ms: u64,
}

impl SimReport {
    fn merge(&mut self, o: &SimReport) {
        self.cameras += o.cameras;
        self.addresses += o.addresses;
        self.listeners += o.listeners;
        self.unbindable += o.unbindable;
        self.skipped += o.skipped;
        if self.skipped_example.is_none() {
            self.skipped_example.clone_from(&o.skipped_example);
        }
        self.passwords_unreadable += o.passwords_unreadable;
        self.over_file_limit += o.over_file_limit;
        for (b, n) in &o.mix {
            match self.mix.iter_mut().find(|(x, _)| x == b) {
                Some((_, m)) => *m += n,
                None => self.mix.push((*b, *n)),
            }
        }
        self.processes += o.processes;
        self.threads += o.threads;
        self.started_ms = self.started_ms.max(o.started_ms);
    }

    /// The start line: "Simulating N cameras on M loopback addresses; behaviours: …".
    pub fn line(&self) -> String {
        let mix: Vec<String> = self
            .mix
            .iter()
            .map(|(b, n)| format!("{} {}", thousands(*n as u64), b.name()))
            .collect();
        let processes = if self.processes > 1 {
            format!(" in {} processes", self.processes)
        } else {
            String::new()
        };
        format!(
            "Simulating {} cameras on {} loopback addresses; behaviours: {} ({:.0}% re-drawn each minute; {} \
             listening sockets on {} threads{processes}, ready in {:.1} s)",
            thousands(self.cameras as u64),
            thousands(self.addresses as u64),
            mix.join(", "),
            REROLL_SHARE * 100.0,
            thousands(self.listeners as u64),
            self.threads,
            self.started_ms as f64 / 1000.0,
        )
    }
}

/// A running simulator; stops (and closes every socket) when [`Simulator::stop`] is called or it is dropped.
pub struct Simulator {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    wakers: Vec<Arc<Waker>>,
    info: StartInfo,
}

#[derive(Debug, Clone, Default)]
struct StartInfo {
    addresses: usize,
    listeners: usize,
    unbindable: usize,
    skipped: usize,
    skipped_example: Option<String>,
    passwords_unreadable: usize,
    file_limit: u64,
    /// Cameras left out because the open-file limit could not cover their sockets (with `fit_file_limit`).
    over_file_limit: usize,
    /// Their ids, in registry order.
    over_file_limit_ids: Vec<CameraId>,
    threads: usize,
    started_in: Duration,
}

/// How the simulator starts.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimOptions {
    /// Seed of the behaviour mix.
    pub seed: u64,
    /// When the open-file limit cannot be raised far enough for every camera, simulate the cameras whose sockets
    /// fit (in registry order) and count the rest in [`Simulator::over_file_limit`], instead of failing with
    /// [`SimError::FileLimit`].
    pub fit_file_limit: bool,
    /// Simulate only shard `i` of `n` (0-based): cameras that share a socket stay in one shard, and each shard
    /// has about the same number of sockets. For running one registry in several processes, each within its
    /// own open-file limit.
    pub shard: Option<(usize, usize)>,
    /// Run the simulator's threads at a lower CPU priority, as background work of a desk window (the desk's own
    /// prober runs at the same priority, so the two share the cores fairly and the window comes first).
    pub background: bool,
}

impl Simulator {
    /// Starts answering for every camera of `store` that has a stream (or NVR channel) or snapshot address on
    /// 127.0.0.0/8. Cameras elsewhere are left out; see [`Simulator::skipped`].
    pub fn start(store: &Store, seed: u64) -> Result<Simulator, SimError> {
        Self::start_with(
            store,
            &SimOptions {
                seed,
                ..Default::default()
            },
        )
    }

    /// [`Simulator::start`] with options.
    pub fn start_with(store: &Store, options: &SimOptions) -> Result<Simulator, SimError> {
        let started = Instant::now();
        let snapshot = store.load_snapshot()?;
        let mut builder = Builder::new(options.seed);
        for c in &snapshot.cameras {
            let stream = url::Url::parse(c.camera.stream_url.trim())
                .ok()
                .or_else(|| match &c.camera.kind {
                    CameraKind::Analogue { nvr_host, channel } => {
                        nvr_channel_url(nvr_host, *channel)
                    }
                    CameraKind::Ip => None,
                });
            let snap = url::Url::parse(c.camera.snapshot_url.trim()).ok();
            if stream.is_none() && snap.is_none() {
                continue;
            }
            builder.add(
                c.id,
                &c.camera.label,
                &c.camera.make,
                matches!(c.camera.kind, CameraKind::Analogue { .. }),
                &c.camera.username,
                c.password,
                stream.as_ref(),
                snap.as_ref(),
            );
        }
        drop(snapshot);
        if let Some((i, n)) = options.shard {
            let mask = builder.shard_mask(i, n);
            builder.keep(&mask);
        }
        // Passwords last, for the cameras kept. One sealed with a key this machine lacks reads as unknown: the
        // camera keeps one of its own.
        let seed = builder.seed;
        for cam in &mut builder.cameras {
            let stored = match cam.password_state {
                PasswordState::Stored => store.camera_password(cam.id).ok().flatten(),
                PasswordState::MustReenter => {
                    builder.info.passwords_unreadable += 1;
                    None
                }
                PasswordState::None => None,
            };
            cam.set_password(seed, stored);
        }
        builder.launch(started, options.fit_file_limit, options.background)
    }

    /// Stops every thread and closes every socket.
    pub fn stop(self) {
        drop(self);
    }

    /// Cameras simulated.
    pub fn cameras(&self) -> usize {
        self.shared.cameras.len()
    }

    /// Distinct loopback IP addresses listened on.
    pub fn addresses(&self) -> usize {
        self.info.addresses
    }

    /// Listening sockets (address and port pairs).
    pub fn listeners(&self) -> usize {
        self.info.listeners
    }

    /// Listening sockets on ports below 1024 that could not be opened without privileges (their cameras look
    /// offline).
    pub fn unbindable(&self) -> usize {
        self.info.unbindable
    }

    /// Cameras left out because an address is not on 127.0.0.0/8 (or not rtsp:// / http://), and one example.
    pub fn skipped(&self) -> (usize, Option<&str>) {
        (self.info.skipped, self.info.skipped_example.as_deref())
    }

    /// Cameras whose sealed password this machine cannot read (the simulator invents one for them).
    pub fn passwords_unreadable(&self) -> usize {
        self.info.passwords_unreadable
    }

    /// Cameras left out because the open-file limit could not cover their sockets (only with
    /// [`SimOptions::fit_file_limit`]).
    pub fn over_file_limit(&self) -> usize {
        self.info.over_file_limit
    }

    /// The cameras counted in [`Simulator::over_file_limit`]: nobody answers for them.
    pub fn over_file_limit_ids(&self) -> &[CameraId] {
        &self.info.over_file_limit_ids
    }

    /// The open-file limit in force after start.
    pub fn file_limit(&self) -> u64 {
        self.info.file_limit
    }

    /// How long the start took (reading the registry, binding every socket).
    pub fn started_in(&self) -> Duration {
        self.info.started_in
    }

    pub fn stats(&self) -> SimStats {
        self.shared.counters.snapshot()
    }

    /// Ids of the simulated cameras.
    pub fn camera_ids(&self) -> impl Iterator<Item = CameraId> + '_ {
        self.shared.cameras.iter().map(|c| c.id)
    }

    /// What a camera is planned to do at `unix_s` (`None` for a camera that is not simulated).
    pub fn plan_at(&self, camera_id: CameraId, unix_s: i64) -> Option<CameraPlan> {
        let sh = &self.shared;
        let &i = sh.by_id.get(&camera_id)?;
        let cam = &sh.cameras[i as usize];
        let slot = slot_of(unix_s);
        let behaviour = behaviour_in(sh.seed, cam.id, slot);
        let acts = acts_in(sh.seed, cam.id, slot);
        let first = cam.stream_listener.or(cam.snapshot_listener)?;
        let meta = &sh.listeners[first as usize];
        Some(CameraPlan {
            camera_id: cam.id,
            label: cam.label.clone(),
            behaviour,
            acts,
            slow_delay_ms: (acts == Behaviour::Slow).then(|| slow_delay_ms(sh.seed, cam.id, slot)),
            width_px: cam.main.0,
            height_px: cam.main.1,
            garbage: cam.garbage,
            password_known: cam.password_known,
            listening: meta.bindable && sh.listener_up(first, slot),
        })
    }

    /// How many cameras act each way at `unix_s` (flaky ones counted as flaky).
    pub fn mix_at(&self, unix_s: i64) -> Vec<(Behaviour, usize)> {
        let slot = slot_of(unix_s);
        let mut counts: HashMap<Behaviour, usize> = HashMap::new();
        for c in &self.shared.cameras {
            *counts
                .entry(behaviour_in(self.shared.seed, c.id, slot))
                .or_default() += 1;
        }
        Behaviour::ALL
            .iter()
            .map(|b| (*b, counts.get(b).copied().unwrap_or(0)))
            .collect()
    }

    /// What this simulator covers.
    pub fn report(&self) -> SimReport {
        SimReport {
            cameras: self.cameras(),
            addresses: self.info.addresses,
            listeners: self.info.listeners,
            unbindable: self.info.unbindable,
            skipped: self.info.skipped,
            skipped_example: self.info.skipped_example.clone(),
            passwords_unreadable: self.info.passwords_unreadable,
            over_file_limit: self.info.over_file_limit,
            mix: self.mix_at(unix_now().0),
            processes: 1,
            threads: self.info.threads,
            started_ms: self.info.started_in.as_millis() as u64,
        }
    }

    /// The start line: "Simulating N cameras on M loopback addresses; behaviours: …".
    pub fn summary(&self) -> String {
        self.report().line()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Several processes: one open-file limit each

/// Open files a simulator process keeps aside besides its listening sockets.
fn file_reserve() -> u64 {
    (MAX_CONNECTIONS + 2 * 4 + 1024) as u64
}

/// How many processes share `listeners` sockets when each may open `hard_limit` files (with some slack, as
/// shards keep an NVR's cameras together); `None` when even one process has no room.
pub fn shards_for(listeners: usize, hard_limit: u64) -> Option<usize> {
    let room = hard_limit.checked_sub(file_reserve())? * 9 / 10;
    (room >= 256).then(|| (listeners as u64).div_ceil(room).max(1) as usize)
}

/// Child side of a [`ShardSet`]: reports the simulator on stdout as JSON lines (`{"ready": SimReport}`, then
/// `{"stats": SimStats}` every 2 s) until stdin closes or `stop` is set.
pub fn serve_shard(sim: Simulator, stop: &Arc<AtomicBool>) {
    let out = |value: serde_json::Value| {
        let mut o = io::stdout().lock();
        if writeln!(o, "{value}").and_then(|()| o.flush()).is_err() {
            stop.store(true, Ordering::SeqCst);
        }
    };
    out(serde_json::json!({ "ready": sim.report() }));
    let watcher = Arc::clone(stop);
    // The parent closes stdin to stop its shards (or dies, which closes it too).
    let _ = std::thread::Builder::new()
        .name("shard-stdin".into())
        .spawn(move || {
            let mut sink = [0u8; 64];
            while matches!(io::stdin().read(&mut sink), Ok(n) if n > 0) {}
            watcher.store(true, Ordering::SeqCst);
        });
    let mut next = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        if Instant::now() >= next {
            out(serde_json::json!({ "stats": sim.stats() }));
            next += Duration::from_secs(2);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    sim.stop();
}

/// A demo registry's cameras answered for on behalf of the desk: in the desk's own process when its open-file
/// limit covers every socket, else in helper processes (one limit each). Dropping it stops them.
pub enum DeskSimulation {
    InProcess(Simulator),
    Processes(ShardSet),
}

/// What [`start_for_desk`] started, for the status line and the wall.
pub struct DeskSimulationStart {
    pub simulation: DeskSimulation,
    /// Cameras answered for.
    pub cameras: usize,
    /// Processes answering (1: the desk itself).
    pub processes: usize,
    /// Cameras nobody answers for: one process's open-file limit is too small and the helper processes could
    /// not start. The wall shows them as "not simulated" and the prober leaves them alone, so they never pass
    /// for offline cameras.
    pub not_simulated: Vec<CameraId>,
    /// Why helper processes could not start, when they were needed.
    pub helpers_failed: Option<String>,
}

/// Starts answering for a demo registry's cameras from the desk. When the sockets do not fit in one process's
/// open-file limit, `program` (this program, or `None` when there is none to run) is started as helper
/// processes `program simulate --shard I/N`, so every camera is simulated; failing that, the cameras that fit
/// are simulated here and the rest are named in [`DeskSimulationStart::not_simulated`].
pub fn start_for_desk(
    store: &Store,
    key_dir: &std::path::Path,
    program: Option<&std::path::Path>,
) -> Result<DeskSimulationStart, SimError> {
    let options = SimOptions {
        seed: DESK_SEED,
        background: true,
        ..Default::default()
    };
    let (listeners, hard) = match Simulator::start_with(store, &options) {
        Ok(sim) => {
            return Ok(DeskSimulationStart {
                cameras: sim.cameras(),
                processes: 1,
                simulation: DeskSimulation::InProcess(sim),
                not_simulated: Vec::new(),
                helpers_failed: None,
            });
        }
        Err(SimError::FileLimit {
            listeners, hard, ..
        }) => (listeners, hard),
        Err(e) => return Err(e),
    };
    let helpers_failed = match (program, shards_for(listeners, hard)) {
        (Some(program), Some(n)) => {
            let db = store.path().to_path_buf();
            let spawned = ShardSet::spawn(n, |i, n| {
                let mut c = std::process::Command::new(program);
                c.arg("simulate")
                    .arg("--db")
                    .arg(&db)
                    .arg("--key-dir")
                    .arg(key_dir)
                    .arg("--seed")
                    .arg(DESK_SEED.to_string())
                    .arg("--background")
                    .arg("--shard")
                    .arg(format!("{i}/{n}"));
                c
            });
            match spawned {
                Ok(set) => {
                    return Ok(DeskSimulationStart {
                        cameras: set.report().cameras,
                        processes: set.report().processes,
                        simulation: DeskSimulation::Processes(set),
                        not_simulated: Vec::new(),
                        helpers_failed: None,
                    });
                }
                Err(e) => e.to_string(),
            }
        }
        (None, _) => "no simulator program to start".to_string(),
        (_, None) => format!("the open-file limit ({hard}) leaves no room for a simulator process"),
    };
    let sim = Simulator::start_with(
        store,
        &SimOptions {
            fit_file_limit: true,
            ..options
        },
    )?;
    let mut not_simulated = sim.over_file_limit_ids().to_vec();
    not_simulated.sort_unstable();
    Ok(DeskSimulationStart {
        cameras: sim.cameras(),
        processes: 1,
        not_simulated,
        simulation: DeskSimulation::InProcess(sim),
        helpers_failed: Some(helpers_failed),
    })
}

/// The behaviour seed of the desk's demo simulation.
const DESK_SEED: u64 = 1;

/// Simulator processes (this program, each serving one shard with [`serve_shard`]) for a registry whose
/// sockets do not fit in one process's open-file limit. Dropping it stops them.
pub struct ShardSet {
    children: Vec<std::process::Child>,
    stats: Arc<Vec<std::sync::Mutex<SimStats>>>,
    report: SimReport,
}

impl ShardSet {
    /// Starts `n` processes, `command(i, n)` giving shard `i`'s command line, and waits until all are ready.
    pub fn spawn(
        n: usize,
        command: impl Fn(usize, usize) -> std::process::Command,
    ) -> Result<ShardSet, SimError> {
        use std::io::BufRead as _;
        use std::process::Stdio;
        let started = Instant::now();
        let stats: Arc<Vec<std::sync::Mutex<SimStats>>> = Arc::new(
            (0..n)
                .map(|_| std::sync::Mutex::new(SimStats::default()))
                .collect(),
        );
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<SimReport, String>)>();
        let mut set = ShardSet {
            children: Vec::new(),
            stats: Arc::clone(&stats),
            report: SimReport::default(),
        };
        for i in 0..n {
            let mut child = command(i, n)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| SimError::Io(format!("cannot start simulator process {i}: {e}")))?;
            let Some(stdout) = child.stdout.take() else {
                return Err(SimError::Io("a simulator process has no output".into()));
            };
            set.children.push(child);
            let tx = tx.clone();
            let stats = Arc::clone(&stats);
            std::thread::spawn(move || {
                let mut ready = false;
                for line in io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
                        continue;
                    };
                    if let Some(r) = v.get("ready") {
                        let report = serde_json::from_value::<SimReport>(r.clone())
                            .map_err(|e| e.to_string());
                        ready = true;
                        let _ = tx.send((i, report));
                    } else if let Some(s) = v.get("stats")
                        && let Ok(s) = serde_json::from_value::<SimStats>(s.clone())
                        && let Ok(mut slot) = stats[i].lock()
                    {
                        *slot = s;
                    }
                }
                if !ready {
                    let _ = tx.send((i, Err("it stopped before it was ready".into())));
                } else if let Ok(mut slot) = stats[i].lock() {
                    slot.open_connections = 0;
                }
            });
        }
        drop(tx);
        for _ in 0..n {
            match rx.recv() {
                Ok((_, Ok(report))) => set.report.merge(&report),
                Ok((i, Err(e))) => {
                    return Err(SimError::Io(format!("simulator process {i} failed: {e}")));
                }
                Err(_) => return Err(SimError::Io("the simulator processes stopped".into())),
            }
        }
        set.report.started_ms = started.elapsed().as_millis() as u64;
        Ok(set)
    }

    pub fn report(&self) -> &SimReport {
        &self.report
    }

    /// Requests served over all processes (as last reported, every 2 s).
    pub fn stats(&self) -> SimStats {
        let mut total = SimStats::default();
        for s in self.stats.iter() {
            if let Ok(s) = s.lock() {
                total.add(&s);
            }
        }
        total
    }

    /// Stops every process: closes their input, waits up to 5 s, then ends those still running.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for ShardSet {
    fn drop(&mut self) {
        for c in &mut self.children {
            drop(c.stdin.take());
        }
        let until = Instant::now() + Duration::from_secs(5);
        for c in &mut self.children {
            while matches!(c.try_wait(), Ok(None)) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
            if matches!(c.try_wait(), Ok(None)) {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for w in &self.wakers {
            let _ = w.wake();
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// 12345 → "12,345".
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// The plan: cameras, listeners, routes

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proto {
    Rtsp,
    Http,
}

/// Which camera on a listener a request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    /// A channel of a Hikvision or Dahua-style path (one camera per channel on an NVR).
    Channel(u32),
    /// Any other path, matched as written (with its query).
    Path(String),
}

/// The route of a path, and whether it asks for the sub stream.
fn route_of(path: &str, query: Option<&str>) -> (Route, bool) {
    let lower = path.trim_end_matches('/').to_ascii_lowercase();
    let query_value = |name: &str| -> Option<u32> {
        query?.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            k.eq_ignore_ascii_case(name).then(|| v.parse().ok())?
        })
    };
    let hik = lower
        .strip_prefix("/streaming/channels/")
        .or_else(|| {
            lower
                .strip_prefix("/isapi/streaming/channels/")
                .and_then(|r| r.strip_suffix("/picture"))
        })
        .and_then(|n| n.parse::<u32>().ok());
    if let Some(n) = hik {
        return (Route::Channel(n / 100), n % 100 >= 2);
    }
    if lower == "/cam/realmonitor" {
        return (
            Route::Channel(query_value("channel").unwrap_or(1)),
            query_value("subtype").unwrap_or(0) >= 1,
        );
    }
    if lower == "/cgi-bin/snapshot.cgi" {
        return (Route::Channel(query_value("channel").unwrap_or(1)), false);
    }
    let full = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    (Route::Path(full), false)
}

struct Cam {
    id: CameraId,
    label: String,
    username: String,
    /// The camera's own password (the stored one, or invented when the registry does not know it).
    password: String,
    password_known: bool,
    /// What the registry holds (the password itself is read after the cameras are chosen).
    password_state: PasswordState,
    realm: String,
    main: (u32, u32),
    sub: (u32, u32),
    garbage: bool,
    stream_listener: Option<u32>,
    snapshot_listener: Option<u32>,
    /// Colour of the simulated scene.
    hue: u8,
    /// When a slow camera is (or was) awake, unix ms; it dozes off `SLOW_WARM_MS` after that.
    awake_at_ms: AtomicU64,
}

impl Cam {
    /// Sets the camera's login: the stored password, or one of its own that the registry does not know.
    fn set_password(&mut self, seed: u64, stored: Option<String>) {
        match stored {
            Some(p) => {
                self.password = p;
                self.password_known = true;
            }
            None => {
                if self.username.is_empty() {
                    self.username = "admin".into();
                }
                self.password = format!("Own!{:016x}", hash3(seed, self.id as u64, 0x0A55));
                self.password_known = false;
            }
        }
    }
}

struct ListenerMeta {
    addr: SocketAddrV4,
    proto: Proto,
    routes: Vec<(Route, u32)>,
    /// False when the port could not be opened (below 1024 without privileges).
    bindable: bool,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    rtsp_requests: AtomicU64,
    descriptions: AtomicU64,
    snapshot_requests: AtomicU64,
    snapshots: AtomicU64,
    logins_refused: AtomicU64,
    open: AtomicUsize,
    rebind_failures: AtomicU64,
}

impl Counters {
    fn snapshot(&self) -> SimStats {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        SimStats {
            connections: g(&self.connections),
            rtsp_requests: g(&self.rtsp_requests),
            descriptions: g(&self.descriptions),
            snapshot_requests: g(&self.snapshot_requests),
            snapshots: g(&self.snapshots),
            logins_refused: g(&self.logins_refused),
            open_connections: self.open.load(Ordering::Relaxed),
            rebind_failures: g(&self.rebind_failures),
        }
    }
}

fn bump(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

struct Shared {
    seed: u64,
    /// Key of the Digest nonces (never shown).
    secret: u64,
    cameras: Vec<Cam>,
    by_id: HashMap<CameraId, u32>,
    listeners: Vec<ListenerMeta>,
    stop: AtomicBool,
    counters: Counters,
}

impl Shared {
    fn acts(&self, cam: u32, slot: i64) -> Behaviour {
        acts_in(self.seed, self.cameras[cam as usize].id, slot)
    }

    /// A listener is open while any of its cameras is not offline.
    fn listener_up(&self, l: u32, slot: i64) -> bool {
        self.listeners[l as usize]
            .routes
            .iter()
            .any(|(_, c)| self.acts(*c, slot) != Behaviour::Offline)
    }
}

/// Loopback socket address of a URL, or why it is left out.
fn loopback_addr(url: &url::Url) -> Result<(SocketAddrV4, Proto), String> {
    let proto = match url.scheme() {
        "rtsp" => Proto::Rtsp,
        "http" => Proto::Http,
        other => return Err(format!("{other}:// is not simulated")),
    };
    let port = url.port().unwrap_or(match proto {
        Proto::Rtsp => 554,
        Proto::Http => 80,
    });
    let host = url.host_str().unwrap_or_default();
    let ip = if host.eq_ignore_ascii_case("localhost") {
        Ipv4Addr::LOCALHOST
    } else {
        host.parse::<Ipv4Addr>()
            .map_err(|_| format!("{host}:{port} is not a 127.x.y.z address"))?
    };
    if ip.octets()[0] != 127 {
        return Err(format!("{ip}:{port} is not on 127.0.0.0/8"));
    }
    Ok((SocketAddrV4::new(ip, port), proto))
}

struct Builder {
    seed: u64,
    cameras: Vec<Cam>,
    by_id: HashMap<CameraId, u32>,
    listeners: Vec<ListenerMeta>,
    by_addr: HashMap<SocketAddrV4, u32>,
    info: StartInfo,
}

const IP_SIZES: [((u32, u32), f64); 4] = [
    ((1920, 1080), 0.6),
    ((1280, 720), 0.2),
    ((2560, 1440), 0.12),
    ((2688, 1520), 0.08),
];
const ANALOGUE_SIZES: [((u32, u32), f64); 3] =
    [((1920, 1080), 0.5), ((1280, 720), 0.3), ((704, 576), 0.2)];

impl Builder {
    fn new(seed: u64) -> Self {
        Self {
            seed,
            cameras: Vec::new(),
            by_id: HashMap::new(),
            listeners: Vec::new(),
            by_addr: HashMap::new(),
            info: StartInfo::default(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        id: CameraId,
        label: &str,
        make: &str,
        analogue: bool,
        username: &str,
        password_state: PasswordState,
        stream: Option<&url::Url>,
        snapshot: Option<&url::Url>,
    ) {
        let mut addrs = Vec::new();
        for url in [stream, snapshot].into_iter().flatten() {
            match loopback_addr(url) {
                Ok((addr, proto)) => {
                    let (route, _) = route_of(url.path(), url.query());
                    addrs.push((addr, proto, route));
                }
                Err(why) => {
                    self.info.skipped += 1;
                    if self.info.skipped_example.is_none() {
                        self.info.skipped_example = Some(format!("camera {id}: {why}"));
                    }
                    return;
                }
            }
        }
        let idx = self.cameras.len() as u32;
        let h = hash3(self.seed, id as u64, 0x512E);
        let sizes: &[((u32, u32), f64)] = if analogue { &ANALOGUE_SIZES } else { &IP_SIZES };
        let mut x = unit(h);
        let mut main = sizes[0].0;
        for (size, share) in sizes {
            if x < *share {
                main = *size;
                break;
            }
            x -= share;
        }
        let sub = if main == (704, 576) {
            (352, 288)
        } else {
            (640, 360)
        };
        let serial = hash3(self.seed, id as u64, 0x5E41) % 100_000_000;
        let realm = match make {
            "Hikvision" | "Godrej" => format!("IP Camera({:08})", serial),
            _ => format!("Login to {:08X}", serial),
        };
        let mut cam = Cam {
            id,
            label: label.to_string(),
            username: username.to_string(),
            password: String::new(),
            password_known: false,
            password_state,
            realm,
            main,
            sub,
            garbage: h & 1 == 1,
            stream_listener: None,
            snapshot_listener: None,
            hue: (h >> 8) as u8,
            awake_at_ms: AtomicU64::new(0),
        };
        for (i, (addr, proto, route)) in addrs.into_iter().enumerate() {
            let l = match self.by_addr.get(&addr) {
                Some(&l) => l,
                None => {
                    let l = self.listeners.len() as u32;
                    self.listeners.push(ListenerMeta {
                        addr,
                        proto,
                        routes: Vec::new(),
                        bindable: true,
                    });
                    self.by_addr.insert(addr, l);
                    l
                }
            };
            let meta = &mut self.listeners[l as usize];
            if meta.proto != proto {
                // The same port serves RTSP for one camera and HTTP for another: keep the first.
                continue;
            }
            if !meta.routes.iter().any(|(r, _)| *r == route) {
                meta.routes.push((route, idx));
            }
            let is_stream = i == 0 && stream.is_some();
            if is_stream {
                cam.stream_listener = Some(l);
            } else {
                cam.snapshot_listener = Some(l);
            }
        }
        if cam.stream_listener.is_none() && cam.snapshot_listener.is_none() {
            return;
        }
        self.by_id.insert(id, idx);
        self.cameras.push(cam);
    }

    /// Marks the cameras of shard `i` of `n`: cameras that share a socket (an NVR's) stay together, and shards
    /// get about the same number of sockets, in registry order.
    fn shard_mask(&self, i: usize, n: usize) -> Vec<bool> {
        fn find(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                let up = parent[parent[x as usize] as usize];
                parent[x as usize] = up;
                x = up;
            }
            x
        }
        let cams = self.cameras.len();
        let mut parent: Vec<u32> = (0..cams as u32).collect();
        let mut first_user: Vec<Option<u32>> = vec![None; self.listeners.len()];
        for (c, cam) in self.cameras.iter().enumerate() {
            for l in [cam.stream_listener, cam.snapshot_listener]
                .into_iter()
                .flatten()
            {
                match first_user[l as usize] {
                    None => first_user[l as usize] = Some(c as u32),
                    Some(other) => {
                        let (a, b) = (find(&mut parent, other), find(&mut parent, c as u32));
                        parent[a.max(b) as usize] = a.min(b);
                    }
                }
            }
        }
        let mut sockets = vec![0usize; cams];
        for user in first_user.iter().flatten() {
            let root = find(&mut parent, *user);
            sockets[root as usize] += 1;
        }
        let total = self.listeners.len().max(1);
        let n = n.max(1);
        let mut shard_of_root = vec![usize::MAX; cams];
        let mut before = 0usize;
        let mut mask = Vec::with_capacity(cams);
        for c in 0..cams as u32 {
            let root = find(&mut parent, c) as usize;
            if shard_of_root[root] == usize::MAX {
                shard_of_root[root] = (before * n / total).min(n - 1);
                before += sockets[root];
            }
            mask.push(shard_of_root[root] == i);
        }
        mask
    }

    /// Keeps only the cameras marked in `keep`, and the listeners they use.
    fn keep(&mut self, keep: &[bool]) {
        let mut new_cam = vec![u32::MAX; self.cameras.len()];
        let mut new_listener = vec![u32::MAX; self.listeners.len()];
        let mut n = 0u32;
        for (i, cam) in self.cameras.iter().enumerate() {
            if keep[i] {
                new_cam[i] = n;
                n += 1;
                for l in [cam.stream_listener, cam.snapshot_listener]
                    .into_iter()
                    .flatten()
                {
                    new_listener[l as usize] = 0;
                }
            }
        }
        let mut m = 0u32;
        for l in &mut new_listener {
            if *l == 0 {
                *l = m;
                m += 1;
            }
        }
        let listeners = std::mem::take(&mut self.listeners);
        self.listeners = listeners
            .into_iter()
            .enumerate()
            .filter(|(i, _)| new_listener[*i] != u32::MAX)
            .map(|(_, mut meta)| {
                meta.routes.retain(|(_, c)| keep[*c as usize]);
                for r in &mut meta.routes {
                    r.1 = new_cam[r.1 as usize];
                }
                meta
            })
            .collect();
        let cameras = std::mem::take(&mut self.cameras);
        self.cameras = cameras
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep[*i])
            .map(|(_, mut cam)| {
                cam.stream_listener = cam.stream_listener.map(|l| new_listener[l as usize]);
                cam.snapshot_listener = cam.snapshot_listener.map(|l| new_listener[l as usize]);
                cam
            })
            .collect();
        self.by_id = self
            .cameras
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i as u32))
            .collect();
        self.by_addr.clear();
    }

    fn launch(
        mut self,
        started: Instant,
        fit_file_limit: bool,
        background: bool,
    ) -> Result<Simulator, SimError> {
        if self.cameras.is_empty() {
            return Err(match self.info.skipped_example.take() {
                Some(example) => SimError::NotLoopback {
                    count: self.info.skipped,
                    example,
                },
                None => SimError::NothingToSimulate,
            });
        }
        // Listeners without a camera (a protocol clash) are dropped from the count but kept as indices.
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(2, 4);
        let reserve = file_reserve();
        let mut listeners = self.listeners.len();
        let mut needed = listeners as u64 + reserve;
        self.info.file_limit = match ensure_file_limit(needed, listeners) {
            Ok(limit) => limit,
            Err(SimError::FileLimit { hard, .. }) if fit_file_limit && hard > reserve + 64 => {
                // The cameras whose sockets all fall among the first that fit, in registry order.
                let _ = rlimit::setrlimit(rlimit::Resource::NOFILE, hard, hard);
                let fit = (hard - reserve) as u32;
                let keep: Vec<bool> = self
                    .cameras
                    .iter()
                    .map(|c| {
                        [c.stream_listener, c.snapshot_listener]
                            .into_iter()
                            .flatten()
                            .all(|l| l < fit)
                    })
                    .collect();
                self.info.over_file_limit_ids = self
                    .cameras
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| !**k)
                    .map(|(c, _)| c.id)
                    .collect();
                self.info.over_file_limit = self.info.over_file_limit_ids.len();
                self.keep(&keep);
                listeners = self.listeners.len();
                needed = listeners as u64 + reserve;
                hard
            }
            Err(e) => return Err(e),
        };
        self.info.listeners = listeners;
        self.info.threads = threads;
        self.info.addresses = self
            .listeners
            .iter()
            .map(|l| *l.addr.ip())
            .collect::<std::collections::HashSet<_>>()
            .len();

        // Bind everything now, so the caller hears about a busy address or a low limit at once.
        let mut sockets: Vec<Option<TcpListener>> = Vec::with_capacity(listeners);
        for meta in &mut self.listeners {
            match TcpListener::bind(SocketAddr::V4(meta.addr)) {
                Ok(s) => sockets.push(Some(s)),
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                    meta.bindable = false;
                    self.info.unbindable += 1;
                    sockets.push(None);
                }
                Err(e) => return Err(bind_error(meta.addr, &e, needed, listeners)),
            }
        }
        let mut polls = Vec::new();
        let mut wakers = Vec::new();
        let mut locals: Vec<Vec<Local>> = (0..threads).map(|_| Vec::new()).collect();
        for _ in 0..threads {
            let poll = Poll::new().map_err(|e| SimError::Io(e.to_string()))?;
            let waker =
                Waker::new(poll.registry(), WAKER).map_err(|e| SimError::Io(e.to_string()))?;
            polls.push(poll);
            wakers.push(Arc::new(waker));
        }
        for (i, sock) in sockets.into_iter().enumerate() {
            let t = i % threads;
            let token = Token(locals[t].len());
            let mut sock = sock;
            if let Some(s) = sock.as_mut() {
                polls[t]
                    .registry()
                    .register(s, token, Interest::READABLE)
                    .map_err(|e| SimError::Io(e.to_string()))?;
            }
            locals[t].push(Local {
                global: i as u32,
                sock,
            });
        }
        let (a, b) = (
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos() as u64,
            std::process::id() as u64,
        );
        let shared = Arc::new(Shared {
            seed: self.seed,
            secret: hash3(a, b, self.seed),
            cameras: self.cameras,
            by_id: self.by_id,
            listeners: self.listeners,
            stop: AtomicBool::new(false),
            counters: Counters::default(),
        });
        let mut handles = Vec::new();
        for (t, (poll, listeners)) in polls.into_iter().zip(locals).enumerate() {
            let worker = Worker {
                shared: Arc::clone(&shared),
                poll,
                listeners,
                conns: Vec::new(),
                free: Vec::new(),
                held: Vec::new(),
                max_conns: MAX_CONNECTIONS / threads,
                slot: i64::MIN,
            };
            let handle = std::thread::Builder::new()
                .name(format!("camera-sim-{t}"))
                .spawn(move || {
                    if background {
                        crate::services::background::lower_this_thread_priority();
                    }
                    worker.run()
                });
            match handle {
                Ok(h) => handles.push(h),
                Err(e) => {
                    shared.stop.store(true, Ordering::SeqCst);
                    for w in &wakers {
                        let _ = w.wake();
                    }
                    for h in handles {
                        let _ = h.join();
                    }
                    return Err(SimError::Io(e.to_string()));
                }
            }
        }
        self.info.started_in = started.elapsed();
        Ok(Simulator {
            shared,
            threads: handles,
            wakers,
            info: self.info,
        })
    }
}

fn bind_error(addr: SocketAddrV4, e: &io::Error, needed: u64, listeners: usize) -> SimError {
    match e.kind() {
        io::ErrorKind::AddrInUse => SimError::InUse { addr },
        io::ErrorKind::AddrNotAvailable => SimError::Bind {
            addr,
            detail: "this system does not answer on that loopback address (Linux answers on all of \
                     127.0.0.0/8; elsewhere each address must first be added to the loopback interface)"
                .into(),
        },
        _ if e.raw_os_error() == Some(24) || e.raw_os_error() == Some(23) => {
            let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap_or((0, 0));
            SimError::FileLimit {
                needed,
                listeners,
                soft,
                hard,
            }
        }
        _ => SimError::Bind {
            addr,
            detail: e.to_string(),
        },
    }
}

/// Raises the open-file limit to at least `needed` (the hard limit too, where allowed); returns the limit.
fn ensure_file_limit(needed: u64, listeners: usize) -> Result<u64, SimError> {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE)
        .map_err(|e| SimError::Io(format!("cannot read the open-file limit: {e}")))?;
    if soft >= needed {
        return Ok(soft);
    }
    let result = if hard >= needed {
        rlimit::setrlimit(rlimit::Resource::NOFILE, needed, hard)
    } else {
        // Only a privileged process may raise the hard limit.
        rlimit::setrlimit(rlimit::Resource::NOFILE, needed, needed)
    };
    match result {
        Ok(()) => Ok(needed),
        Err(_) => Err(SimError::FileLimit {
            needed,
            listeners,
            soft,
            hard,
        }),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Requests and answers

struct Request {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target's path and query ("rtsp://host:port/p?q", "/p?q" or "*").
    fn path_and_query(&self) -> (String, Option<String>) {
        path_and_query_of(&self.target)
    }
}

/// Path and query of a request target or Digest `uri` ("rtsp://host:port/p?q", "/p?q" or "*").
fn path_and_query_of(target: &str) -> (String, Option<String>) {
    let rest = match target.split_once("://") {
        Some((_, after)) => after.find('/').map_or("/", |i| &after[i..]),
        None => target,
    };
    match rest.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q.to_string())),
        None => (rest.to_string(), None),
    }
}

enum Parsed {
    Incomplete,
    Bad,
    Done(Request, usize),
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_request(buf: &[u8]) -> Parsed {
    let Some(end) = find(buf, b"\r\n\r\n") else {
        return Parsed::Incomplete;
    };
    let head = String::from_utf8_lossy(&buf[..end]);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Parsed::Bad;
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let req = Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
    };
    let body = match req.header("content-length").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) if n <= MAX_REQUEST_BYTES => n,
        Some(_) => return Parsed::Bad,
    };
    let total = end + 4 + body;
    if buf.len() < total {
        return Parsed::Incomplete;
    }
    Parsed::Done(req, total)
}

/// What to do with a connection after a request.
#[derive(Default)]
struct Reply {
    bytes: Vec<u8>,
    close: bool,
    /// Answer nothing, now or later (an offline channel on a shared NVR).
    silent: bool,
    delay: Option<Duration>,
}

impl Reply {
    fn of(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            ..Default::default()
        }
    }
}

fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    let mut out = String::with_capacity(32);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Parameters of a Digest Authorization header (after "Digest ").
fn digest_params(s: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else {
            break;
        };
        let name = name
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remainder) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            value.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end.min(quoted.len())..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        out.insert(name, value);
        rest = remainder.trim_start().trim_start_matches(',').trim_start();
    }
    out
}

impl Shared {
    fn nonce(&self, unix_s: u64) -> String {
        let mac = md5_hex(&format!("{:x}:{unix_s}", self.secret));
        format!("{unix_s:016x}{}", &mac[..16])
    }

    fn nonce_ok(&self, nonce: &str, unix_s: u64) -> bool {
        if nonce.len() != 32 {
            return false;
        }
        let Ok(t) = u64::from_str_radix(&nonce[..16], 16) else {
            return false;
        };
        t <= unix_s + 5 && unix_s.saturating_sub(t) <= NONCE_LIFETIME_S && self.nonce(t) == nonce
    }

    /// True when the request carries the camera's own user name and password (Digest or Basic).
    fn authorized(&self, req: &Request, cam: &Cam, unix_s: u64) -> bool {
        let Some(auth) = req.header("authorization") else {
            return false;
        };
        let (scheme, rest) = auth.trim().split_once(' ').unwrap_or((auth, ""));
        if scheme.eq_ignore_ascii_case("basic") {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(rest.trim()) else {
                return false;
            };
            let expected = format!("{}:{}", cam.username, cam.password);
            return bytes == expected.as_bytes();
        }
        if !scheme.eq_ignore_ascii_case("digest") {
            return false;
        }
        let p = digest_params(rest);
        let get = |k: &str| p.get(k).map(String::as_str);
        let (Some(user), Some(realm), Some(nonce), Some(uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return false;
        };
        // The answer must be for this request's resource, not one overheard for another.
        if user != cam.username
            || realm != cam.realm
            || path_and_query_of(uri) != req.path_and_query()
            || !self.nonce_ok(nonce, unix_s)
            || !get("algorithm").is_none_or(|a| a.eq_ignore_ascii_case("md5"))
        {
            return false;
        }
        let ha1 = md5_hex(&format!("{user}:{realm}:{}", cam.password));
        let ha2 = md5_hex(&format!("{}:{uri}", req.method));
        let expected = match get("qop") {
            None => md5_hex(&format!("{ha1}:{nonce}:{ha2}")),
            Some(q) if q.eq_ignore_ascii_case("auth") => {
                let (Some(nc), Some(cnonce)) = (get("nc"), get("cnonce")) else {
                    return false;
                };
                md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
            }
            Some(_) => return false,
        };
        expected.eq_ignore_ascii_case(response)
    }

    /// The camera a request on listener `l` is for.
    fn camera_for(&self, l: u32, req: &Request) -> Option<u32> {
        let meta = &self.listeners[l as usize];
        if req.target == "*" {
            return (meta.routes.len() == 1).then(|| meta.routes[0].1);
        }
        let (path, query) = req.path_and_query();
        let (route, _) = route_of(&path, query.as_deref());
        meta.routes
            .iter()
            .find(|(r, _)| *r == route)
            .map(|(_, c)| *c)
    }

    fn respond(&self, l: u32, req: &Request) -> Reply {
        let (unix_s, unix_ms) = unix_now();
        let slot = slot_of(unix_s);
        let proto = self.listeners[l as usize].proto;
        let cam_idx = self.camera_for(l, req);
        let acts = cam_idx.map(|c| self.acts(c, slot));
        if acts == Some(Behaviour::Offline) {
            return Reply {
                silent: true,
                ..Default::default()
            };
        }
        let mut reply = match proto {
            Proto::Rtsp => self.rtsp(l, req, cam_idx, acts, unix_s),
            Proto::Http => self.http(req, cam_idx, acts, unix_s, unix_ms),
        };
        if acts == Some(Behaviour::Slow)
            && let Some(c) = cam_idx
        {
            let cam = &self.cameras[c as usize];
            let now_ms = unix_s as u64 * 1000 + u64::from(unix_ms);
            let awake = cam.awake_at_ms.load(Ordering::Relaxed);
            let wait_ms = if now_ms > awake + SLOW_WARM_MS {
                // Dozing: wake up (requests meanwhile wait for the same moment).
                let d = slow_delay_ms(self.seed, cam.id, slot);
                cam.awake_at_ms.store(now_ms + d, Ordering::Relaxed);
                d
            } else {
                awake.saturating_sub(now_ms)
            };
            if wait_ms > 0 {
                reply.delay = Some(Duration::from_millis(wait_ms));
            }
        }
        reply
    }

    fn rtsp(
        &self,
        l: u32,
        req: &Request,
        cam_idx: Option<u32>,
        acts: Option<Behaviour>,
        unix_s: i64,
    ) -> Reply {
        bump(&self.counters.rtsp_requests);
        let cseq = req.header("cseq").unwrap_or("0").to_string();
        let date = jiff::Timestamp::from_second(unix_s)
            .map(|t| t.strftime("%a, %b %d %Y %H:%M:%S GMT").to_string())
            .unwrap_or_default();
        let head = |status: &str| {
            format!(
                "RTSP/1.0 {status}\r\nCSeq: {cseq}\r\nServer: iccc-desk camera simulator\r\nDate: {date}\r\n"
            )
        };
        if req.version != "RTSP/1.0" {
            return Reply {
                bytes: format!("{}\r\n", head("505 RTSP Version Not Supported")).into_bytes(),
                close: true,
                ..Default::default()
            };
        }
        if let (Some(c), Some(Behaviour::StreamError)) = (cam_idx, acts)
            && self.cameras[c as usize].garbage
        {
            // A device that speaks something else on the RTSP port.
            let mut bytes = b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03".to_vec();
            bytes.extend_from_slice(&hash3(self.secret, c as u64, 1).to_le_bytes());
            return Reply {
                bytes,
                close: true,
                ..Default::default()
            };
        }
        let public = "Public: OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER\r\n";
        match req.method.as_str() {
            "OPTIONS" => Reply::of(format!("{}{public}\r\n", head("200 OK")).into_bytes()),
            "DESCRIBE" => {
                let Some(c) = cam_idx else {
                    return Reply::of(
                        format!("{}Content-Length: 0\r\n\r\n", head("404 Stream Not Found"))
                            .into_bytes(),
                    );
                };
                let cam = &self.cameras[c as usize];
                if acts == Some(Behaviour::WrongPassword)
                    || !self.authorized(req, cam, unix_s as u64)
                {
                    bump(&self.counters.logins_refused);
                    let nonce = self.nonce(unix_s as u64);
                    return Reply::of(
                        format!(
                            "{}WWW-Authenticate: Digest realm=\"{}\", nonce=\"{nonce}\", stale=\"FALSE\"\r\n\
                             WWW-Authenticate: Basic realm=\"{}\"\r\nContent-Length: 0\r\n\r\n",
                            head("401 Unauthorized"),
                            cam.realm,
                            cam.realm
                        )
                        .into_bytes(),
                    );
                }
                let (path, query) = req.path_and_query();
                let (_, sub) = route_of(&path, query.as_deref());
                let size = if sub { cam.sub } else { cam.main };
                let ip = *self.listeners[l as usize].addr.ip();
                let base = if req.target.contains("://") {
                    req.target.clone()
                } else {
                    format!("rtsp://{}{}", self.listeners[l as usize].addr, req.target)
                };
                let body = sdp(
                    ip,
                    &base,
                    size,
                    acts == Some(Behaviour::StreamError),
                    hash3(self.seed, cam.id as u64, 0x5D9),
                );
                bump(&self.counters.descriptions);
                let mut bytes = format!(
                    "{}Content-Base: {base}/\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n",
                    head("200 OK"),
                    body.len()
                )
                .into_bytes();
                bytes.extend_from_slice(body.as_bytes());
                Reply::of(bytes)
            }
            "SETUP" | "PLAY" | "PAUSE" | "RECORD" => Reply::of(
                format!(
                    "{}Content-Length: 0\r\n\r\n",
                    head("461 Unsupported Transport")
                )
                .into_bytes(),
            ),
            "TEARDOWN" | "GET_PARAMETER" | "SET_PARAMETER" => {
                Reply::of(format!("{}Content-Length: 0\r\n\r\n", head("200 OK")).into_bytes())
            }
            _ => Reply::of(
                format!(
                    "{}{public}Content-Length: 0\r\n\r\n",
                    head("501 Not Implemented")
                )
                .into_bytes(),
            ),
        }
    }

    fn http(
        &self,
        req: &Request,
        cam_idx: Option<u32>,
        acts: Option<Behaviour>,
        unix_s: i64,
        unix_ms: u32,
    ) -> Reply {
        bump(&self.counters.snapshot_requests);
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
            || req.version == "HTTP/1.0";
        let conn_header = if close { "close" } else { "keep-alive" };
        let answer = |status: &str, extra: &str, content_type: &str, body: &[u8]| {
            let mut bytes = format!(
                "HTTP/1.1 {status}\r\nServer: iccc-desk camera simulator\r\n{extra}Content-Type: {content_type}\r\n\
                 Content-Length: {}\r\nConnection: {conn_header}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            if req.method != "HEAD" {
                bytes.extend_from_slice(body);
            }
            Reply {
                bytes,
                close,
                ..Default::default()
            }
        };
        if !req.version.starts_with("HTTP/1.") {
            let mut r = answer(
                "505 HTTP Version Not Supported",
                "",
                "text/plain",
                b"HTTP/1.x only\n",
            );
            r.close = true;
            return r;
        }
        if req.method != "GET" && req.method != "HEAD" {
            return answer(
                "405 Method Not Allowed",
                "Allow: GET, HEAD\r\n",
                "text/plain",
                b"GET only\n",
            );
        }
        let Some(c) = cam_idx else {
            return answer("404 Not Found", "", "text/plain", b"no such picture\n");
        };
        let cam = &self.cameras[c as usize];
        if acts == Some(Behaviour::StreamError) {
            // A web page instead of a picture (a login portal, a broken firmware).
            return answer(
                "200 OK",
                "",
                "text/html",
                b"<html><body><h1>Service Unavailable</h1><p>Video loss on this channel.</p></body></html>\n",
            );
        }
        if acts == Some(Behaviour::WrongPassword) || !self.authorized(req, cam, unix_s as u64) {
            bump(&self.counters.logins_refused);
            let challenge = format!(
                "WWW-Authenticate: Digest qop=\"auth\", realm=\"{}\", nonce=\"{}\", stale=\"FALSE\"\r\n",
                cam.realm,
                self.nonce(unix_s as u64)
            );
            return answer(
                "401 Unauthorized",
                &challenge,
                "text/html",
                b"<html><body><h1>401 - Unauthorized</h1></body></html>\n",
            );
        }
        let jpeg = snapshot_jpeg(cam, unix_s, unix_ms);
        bump(&self.counters.snapshots);
        answer("200 OK", "Cache-Control: no-cache\r\n", "image/jpeg", &jpeg)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// H.264 parameter sets and the SDP

struct BitWriter {
    bytes: Vec<u8>,
    cur: u8,
    used: u8,
}

impl BitWriter {
    fn new() -> Self {
        Self {
            bytes: Vec::new(),
            cur: 0,
            used: 0,
        }
    }

    fn bit(&mut self, b: bool) {
        self.cur = (self.cur << 1) | u8::from(b);
        self.used += 1;
        if self.used == 8 {
            self.bytes.push(self.cur);
            self.cur = 0;
            self.used = 0;
        }
    }

    fn bits(&mut self, value: u32, n: u32) {
        for i in (0..n).rev() {
            self.bit((value >> i) & 1 == 1);
        }
    }

    /// Unsigned exp-Golomb.
    fn ue(&mut self, v: u32) {
        let x = v + 1;
        let len = 32 - x.leading_zeros();
        self.bits(0, len - 1);
        self.bits(x, len);
    }

    /// Signed exp-Golomb.
    fn se(&mut self, v: i32) {
        let k = if v > 0 {
            (2 * v - 1) as u32
        } else {
            (-2 * v) as u32
        };
        self.ue(k);
    }

    /// Adds the RBSP stop bit and the alignment zeros.
    fn finish(mut self) -> Vec<u8> {
        self.bit(true);
        while self.used != 0 {
            self.bit(false);
        }
        self.bytes
    }
}

/// A NAL unit from a header byte and its RBSP, with emulation prevention bytes.
fn nal(header: u8, rbsp: &[u8]) -> Vec<u8> {
    let mut out = vec![header];
    let mut zeros = 0;
    for &b in rbsp {
        if zeros >= 2 && b <= 3 {
            out.push(3);
            zeros = 0;
        }
        out.push(b);
        zeros = if b == 0 { zeros + 1 } else { 0 };
    }
    out
}

/// H.264 level for a picture size (enough for 25 fps).
fn level_idc(w: u32, h: u32) -> u8 {
    let mbs = w.div_ceil(16) * h.div_ceil(16);
    match mbs {
        0..=1_620 => 30,
        1_621..=3_600 => 31,
        3_601..=8_192 => 40,
        _ => 51,
    }
}

/// A Main-profile sequence parameter set for a `w`×`h` picture (cropped from whole macroblocks).
fn h264_sps(w: u32, h: u32) -> Vec<u8> {
    let (mb_w, mb_h) = (w.div_ceil(16), h.div_ceil(16));
    let mut b = BitWriter::new();
    b.bits(77, 8); // profile_idc: Main
    b.bits(0x40, 8); // constraint_set1_flag
    b.bits(u32::from(level_idc(w, h)), 8);
    b.ue(0); // seq_parameter_set_id
    b.ue(0); // log2_max_frame_num_minus4
    b.ue(0); // pic_order_cnt_type
    b.ue(2); // log2_max_pic_order_cnt_lsb_minus4
    b.ue(1); // max_num_ref_frames
    b.bit(false); // gaps_in_frame_num_value_allowed_flag
    b.ue(mb_w - 1);
    b.ue(mb_h - 1);
    b.bit(true); // frame_mbs_only_flag
    b.bit(true); // direct_8x8_inference_flag
    let (crop_right, crop_bottom) = ((mb_w * 16 - w) / 2, (mb_h * 16 - h) / 2);
    let crop = crop_right > 0 || crop_bottom > 0;
    b.bit(crop);
    if crop {
        b.ue(0);
        b.ue(crop_right);
        b.ue(0);
        b.ue(crop_bottom);
    }
    b.bit(false); // vui_parameters_present_flag
    nal(0x67, &b.finish())
}

/// A matching picture parameter set (CABAC, one slice group).
fn h264_pps() -> Vec<u8> {
    let mut b = BitWriter::new();
    b.ue(0); // pic_parameter_set_id
    b.ue(0); // seq_parameter_set_id
    b.bit(true); // entropy_coding_mode_flag
    b.bit(false); // bottom_field_pic_order_in_frame_present_flag
    b.ue(0); // num_slice_groups_minus1
    b.ue(0); // num_ref_idx_l0_default_active_minus1
    b.ue(0); // num_ref_idx_l1_default_active_minus1
    b.bit(false); // weighted_pred_flag
    b.bits(0, 2); // weighted_bipred_idc
    b.se(0); // pic_init_qp_minus26
    b.se(0); // pic_init_qs_minus26
    b.se(0); // chroma_qp_index_offset
    b.bit(true); // deblocking_filter_control_present_flag
    b.bit(false); // constrained_intra_pred_flag
    b.bit(false); // redundant_pic_cnt_present_flag
    nal(0x68, &b.finish())
}

/// The SDP a camera sends for DESCRIBE; `audio_only` is the broken kind without a video track.
fn sdp(ip: Ipv4Addr, base: &str, (w, h): (u32, u32), audio_only: bool, session: u64) -> String {
    let session = session % 10_000_000_000;
    let mut s = format!(
        "v=0\r\no=- {session} {session} IN IP4 {ip}\r\ns=Media Presentation\r\ne=NONE\r\nb=AS:5100\r\nt=0 0\r\n\
         a=control:{base}/\r\n"
    );
    if !audio_only {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let sps = h264_sps(w, h);
        let profile = format!("{:02X}{:02X}{:02X}", sps[1], sps[2], sps[3]);
        s.push_str(&format!(
            "m=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:5000\r\na=recvonly\r\na=x-dimensions:{w},{h}\r\n\
             a=control:{base}/trackID=1\r\na=rtpmap:96 H264/90000\r\n\
             a=fmtp:96 profile-level-id={profile};packetization-mode=1;sprop-parameter-sets={},{}\r\n",
            b64(&sps),
            b64(&h264_pps())
        ));
    }
    s.push_str(&format!(
        "m=audio 0 RTP/AVP 8\r\nc=IN IP4 0.0.0.0\r\nb=AS:50\r\na=recvonly\r\na=control:{base}/trackID=2\r\n\
         a=rtpmap:8 PCMA/8000\r\n"
    ));
    s
}

// ---------------------------------------------------------------------------------------------------------------
// The snapshot picture

/// A 5×7 font for printable ASCII (0x20–0x7E): five columns per glyph, bit 0 at the top.
const FONT_5X7: [[u8; 5]; 95] = [
    [0x00, 0x00, 0x00, 0x00, 0x00], // ' '
    [0x00, 0x00, 0x5F, 0x00, 0x00], // !
    [0x00, 0x07, 0x00, 0x07, 0x00], // "
    [0x14, 0x7F, 0x14, 0x7F, 0x14], // #
    [0x24, 0x2A, 0x7F, 0x2A, 0x12], // $
    [0x23, 0x13, 0x08, 0x64, 0x62], // %
    [0x36, 0x49, 0x55, 0x22, 0x50], // &
    [0x00, 0x05, 0x03, 0x00, 0x00], // '
    [0x00, 0x1C, 0x22, 0x41, 0x00], // (
    [0x00, 0x41, 0x22, 0x1C, 0x00], // )
    [0x08, 0x2A, 0x1C, 0x2A, 0x08], // *
    [0x08, 0x08, 0x3E, 0x08, 0x08], // +
    [0x00, 0x50, 0x30, 0x00, 0x00], // ,
    [0x08, 0x08, 0x08, 0x08, 0x08], // -
    [0x00, 0x60, 0x60, 0x00, 0x00], // .
    [0x20, 0x10, 0x08, 0x04, 0x02], // /
    [0x3E, 0x51, 0x49, 0x45, 0x3E], // 0
    [0x00, 0x42, 0x7F, 0x40, 0x00], // 1
    [0x42, 0x61, 0x51, 0x49, 0x46], // 2
    [0x21, 0x41, 0x45, 0x4B, 0x31], // 3
    [0x18, 0x14, 0x12, 0x7F, 0x10], // 4
    [0x27, 0x45, 0x45, 0x45, 0x39], // 5
    [0x3C, 0x4A, 0x49, 0x49, 0x30], // 6
    [0x01, 0x71, 0x09, 0x05, 0x03], // 7
    [0x36, 0x49, 0x49, 0x49, 0x36], // 8
    [0x06, 0x49, 0x49, 0x29, 0x1E], // 9
    [0x00, 0x36, 0x36, 0x00, 0x00], // :
    [0x00, 0x56, 0x36, 0x00, 0x00], // ;
    [0x08, 0x14, 0x22, 0x41, 0x00], // <
    [0x14, 0x14, 0x14, 0x14, 0x14], // =
    [0x00, 0x41, 0x22, 0x14, 0x08], // >
    [0x02, 0x01, 0x51, 0x09, 0x06], // ?
    [0x32, 0x49, 0x79, 0x41, 0x3E], // @
    [0x7E, 0x11, 0x11, 0x11, 0x7E], // A
    [0x7F, 0x49, 0x49, 0x49, 0x36], // B
    [0x3E, 0x41, 0x41, 0x41, 0x22], // C
    [0x7F, 0x41, 0x41, 0x22, 0x1C], // D
    [0x7F, 0x49, 0x49, 0x49, 0x41], // E
    [0x7F, 0x09, 0x09, 0x09, 0x01], // F
    [0x3E, 0x41, 0x49, 0x49, 0x7A], // G
    [0x7F, 0x08, 0x08, 0x08, 0x7F], // H
    [0x00, 0x41, 0x7F, 0x41, 0x00], // I
    [0x20, 0x40, 0x41, 0x3F, 0x01], // J
    [0x7F, 0x08, 0x14, 0x22, 0x41], // K
    [0x7F, 0x40, 0x40, 0x40, 0x40], // L
    [0x7F, 0x02, 0x0C, 0x02, 0x7F], // M
    [0x7F, 0x04, 0x08, 0x10, 0x7F], // N
    [0x3E, 0x41, 0x41, 0x41, 0x3E], // O
    [0x7F, 0x09, 0x09, 0x09, 0x06], // P
    [0x3E, 0x41, 0x51, 0x21, 0x5E], // Q
    [0x7F, 0x09, 0x19, 0x29, 0x46], // R
    [0x46, 0x49, 0x49, 0x49, 0x31], // S
    [0x01, 0x01, 0x7F, 0x01, 0x01], // T
    [0x3F, 0x40, 0x40, 0x40, 0x3F], // U
    [0x1F, 0x20, 0x40, 0x20, 0x1F], // V
    [0x3F, 0x40, 0x38, 0x40, 0x3F], // W
    [0x63, 0x14, 0x08, 0x14, 0x63], // X
    [0x07, 0x08, 0x70, 0x08, 0x07], // Y
    [0x61, 0x51, 0x49, 0x45, 0x43], // Z
    [0x00, 0x7F, 0x41, 0x41, 0x00], // [
    [0x02, 0x04, 0x08, 0x10, 0x20], // backslash
    [0x00, 0x41, 0x41, 0x7F, 0x00], // ]
    [0x04, 0x02, 0x01, 0x02, 0x04], // ^
    [0x40, 0x40, 0x40, 0x40, 0x40], // _
    [0x00, 0x01, 0x02, 0x04, 0x00], // `
    [0x20, 0x54, 0x54, 0x54, 0x78], // a
    [0x7F, 0x48, 0x44, 0x44, 0x38], // b
    [0x38, 0x44, 0x44, 0x44, 0x20], // c
    [0x38, 0x44, 0x44, 0x48, 0x7F], // d
    [0x38, 0x54, 0x54, 0x54, 0x18], // e
    [0x08, 0x7E, 0x09, 0x01, 0x02], // f
    [0x0C, 0x52, 0x52, 0x52, 0x3E], // g
    [0x7F, 0x08, 0x04, 0x04, 0x78], // h
    [0x00, 0x44, 0x7D, 0x40, 0x00], // i
    [0x20, 0x40, 0x44, 0x3D, 0x00], // j
    [0x7F, 0x10, 0x28, 0x44, 0x00], // k
    [0x00, 0x41, 0x7F, 0x40, 0x00], // l
    [0x7C, 0x04, 0x18, 0x04, 0x78], // m
    [0x7C, 0x08, 0x04, 0x04, 0x78], // n
    [0x38, 0x44, 0x44, 0x44, 0x38], // o
    [0x7C, 0x14, 0x14, 0x14, 0x08], // p
    [0x08, 0x14, 0x14, 0x18, 0x7C], // q
    [0x7C, 0x08, 0x04, 0x04, 0x08], // r
    [0x48, 0x54, 0x54, 0x54, 0x20], // s
    [0x04, 0x3F, 0x44, 0x40, 0x20], // t
    [0x3C, 0x40, 0x40, 0x20, 0x7C], // u
    [0x1C, 0x20, 0x40, 0x20, 0x1C], // v
    [0x3C, 0x40, 0x30, 0x40, 0x3C], // w
    [0x44, 0x28, 0x10, 0x28, 0x44], // x
    [0x0C, 0x50, 0x50, 0x50, 0x3C], // y
    [0x44, 0x64, 0x54, 0x4C, 0x44], // z
    [0x00, 0x08, 0x36, 0x41, 0x00], // {
    [0x00, 0x00, 0x7F, 0x00, 0x00], // |
    [0x00, 0x41, 0x36, 0x08, 0x00], // }
    [0x08, 0x04, 0x08, 0x10, 0x08], // ~
];

type Rgb = [u8; 3];

fn fill_rect(img: &mut image::RgbImage, x0: i64, y0: i64, w: i64, h: i64, c: Rgb) {
    let (iw, ih) = (i64::from(img.width()), i64::from(img.height()));
    for y in y0.max(0)..(y0 + h).min(ih) {
        for x in x0.max(0)..(x0 + w).min(iw) {
            img.put_pixel(x as u32, y as u32, image::Rgb(c));
        }
    }
}

/// Draws `text` (non-ASCII shown as '?') with its top-left at (x, y), each font pixel `scale` pixels wide, on a
/// dark box; returns the width drawn.
fn draw_text(img: &mut image::RgbImage, x: i64, y: i64, scale: i64, text: &str, fg: Rgb) -> i64 {
    let chars: Vec<u8> = text
        .chars()
        .map(|c| {
            if (' '..='~').contains(&c) {
                c as u8
            } else {
                b'?'
            }
        })
        .collect();
    let width = chars.len() as i64 * 6 * scale + scale;
    fill_rect(
        img,
        x - scale,
        y - scale,
        width + scale,
        9 * scale,
        [16, 16, 16],
    );
    for (i, ch) in chars.iter().enumerate() {
        let glyph = FONT_5X7[usize::from(ch - b' ')];
        let gx = x + i as i64 * 6 * scale;
        for (col, bits) in glyph.iter().enumerate() {
            for row in 0..7 {
                if bits >> row & 1 == 1 {
                    fill_rect(
                        img,
                        gx + col as i64 * scale,
                        y + row * scale,
                        scale,
                        scale,
                        fg,
                    );
                }
            }
        }
    }
    width
}

/// The camera's picture now: a street scene that moves with the time, the time (IST) and the camera's label.
fn snapshot_jpeg(cam: &Cam, unix_s: i64, unix_ms: u32) -> Vec<u8> {
    let (w, h) = SNAPSHOT_PX;
    let hue = u32::from(cam.hue);
    let sky_top = [(60 + hue / 4) as u8, (110 + hue / 8) as u8, 190];
    let horizon = (h as f32 * 0.42) as u32;
    let t = unix_s.rem_euclid(3_600) as f32 + unix_ms as f32 / 1000.0;
    let mut img = image::RgbImage::from_fn(w, h, |x, y| {
        if y < horizon {
            let k = y as f32 / horizon as f32;
            image::Rgb([
                (f32::from(sky_top[0]) * (1.0 - k) + 200.0 * k) as u8,
                (f32::from(sky_top[1]) * (1.0 - k) + 210.0 * k) as u8,
                (f32::from(sky_top[2]) * (1.0 - k) + 215.0 * k) as u8,
            ])
        } else {
            // A road narrowing towards the horizon, on dusty ground.
            let depth = (y - horizon) as f32 / (h - horizon) as f32;
            let half = 40.0 + depth * 300.0;
            let dx = (x as f32 - w as f32 / 2.0).abs();
            if dx < half {
                let lane = dx < 3.0 + depth * 6.0 && ((depth * 40.0 + t * 2.0) as i64) % 2 == 0;
                if lane {
                    image::Rgb([230, 230, 230])
                } else {
                    image::Rgb([70, 72, 76])
                }
            } else {
                image::Rgb([(150 + hue % 40) as u8, 130, 95])
            }
        }
    });
    // Buildings on the horizon, one set per camera.
    let mut x = 0i64;
    let mut k = 0u64;
    while x < i64::from(w) {
        let hh = hash3(u64::from(cam.hue), cam.id as u64, k);
        let bw = 30 + (hh % 50) as i64;
        let bh = 30 + ((hh >> 8) % 90) as i64;
        let shade = 90 + ((hh >> 16) % 80) as u8;
        fill_rect(
            &mut img,
            x,
            i64::from(horizon) - bh,
            bw - 4,
            bh,
            [shade, shade - 10, shade - 25],
        );
        x += bw;
        k += 1;
    }
    // A vehicle crossing every 20 s.
    let phase = (t % 20.0) / 20.0;
    let vx = (phase * (w as f32 + 120.0)) as i64 - 120;
    let vy = i64::from(h) - 110;
    fill_rect(&mut img, vx, vy, 110, 45, [200, 40, 40]);
    fill_rect(&mut img, vx + 20, vy - 25, 60, 28, [180, 30, 30]);
    fill_rect(&mut img, vx + 10, vy + 40, 22, 14, [20, 20, 20]);
    fill_rect(&mut img, vx + 78, vy + 40, 22, 14, [20, 20, 20]);

    let when = jiff::Timestamp::from_second(unix_s + 19_800)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S IST").to_string())
        .unwrap_or_default();
    draw_text(&mut img, 12, 12, 2, &when, [255, 255, 255]);
    let label: String = cam.label.chars().take(50).collect();
    draw_text(&mut img, 12, i64::from(h) - 28, 2, &label, [255, 255, 0]);
    let tag = format!("CAM {}", cam.id);
    let tag_w = tag.len() as i64 * 12;
    draw_text(
        &mut img,
        i64::from(w) - tag_w - 12,
        12,
        2,
        &tag,
        [255, 255, 255],
    );
    let mut out = Vec::with_capacity(48 * 1024);
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70).encode_image(&img);
    out
}

// ---------------------------------------------------------------------------------------------------------------
// The event loop

const WAKER: Token = Token(usize::MAX);
/// Tokens at and above this are connections; below, listeners.
const CONN_BASE: usize = 1 << 30;
const TICK: Duration = Duration::from_millis(250);

struct Local {
    global: u32,
    sock: Option<TcpListener>,
}

struct Conn {
    sock: TcpStream,
    listener: u32,
    inbuf: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    hold_until: Option<Instant>,
    close_after: bool,
    silent: bool,
    last_active: Instant,
}

enum ReadEnd {
    Open,
    Closed,
}

impl Conn {
    /// Reads what is there; input beyond the request limit turns into a 400 and a close.
    fn read_in(&mut self, proto: Proto) -> ReadEnd {
        let mut chunk = [0u8; 4096];
        loop {
            match self.sock.read(&mut chunk) {
                Ok(0) => return ReadEnd::Closed,
                Ok(n) => {
                    self.last_active = Instant::now();
                    if self.silent || self.close_after {
                        continue;
                    }
                    if self.inbuf.len() + n > MAX_REQUEST_BYTES {
                        self.inbuf.clear();
                        self.out.extend_from_slice(match proto {
                            Proto::Rtsp => b"RTSP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
                            Proto::Http => b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        });
                        self.close_after = true;
                        continue;
                    }
                    self.inbuf.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return ReadEnd::Open,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return ReadEnd::Closed,
            }
        }
    }

    /// Writes pending output; Ok(true) when all is written.
    fn flush(&mut self) -> io::Result<bool> {
        while self.out_pos < self.out.len() {
            match self.sock.write(&self.out[self.out_pos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.out_pos += n;
                    self.last_active = Instant::now();
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.out.clear();
        self.out_pos = 0;
        Ok(true)
    }

    /// Answers the requests that are in, in order; false when the connection should close.
    fn serve(&mut self, shared: &Shared) -> bool {
        loop {
            if self.silent {
                self.inbuf.clear();
                return true;
            }
            if self.hold_until.is_some_and(|t| t > Instant::now()) {
                return true;
            }
            self.hold_until = None;
            match self.flush() {
                Err(_) => return false,
                Ok(false) => return true,
                Ok(true) => {}
            }
            if self.close_after {
                return false;
            }
            match parse_request(&self.inbuf) {
                Parsed::Incomplete => return true,
                Parsed::Bad => {
                    self.inbuf.clear();
                    self.out.extend_from_slice(
                        match shared.listeners[self.listener as usize].proto {
                            Proto::Rtsp => b"RTSP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n".as_slice(),
                            Proto::Http => b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        },
                    );
                    self.close_after = true;
                }
                Parsed::Done(req, used) => {
                    self.inbuf.drain(..used);
                    let reply = shared.respond(self.listener, &req);
                    self.out.extend_from_slice(&reply.bytes);
                    self.close_after |= reply.close;
                    self.silent |= reply.silent;
                    if let Some(d) = reply.delay {
                        self.hold_until = Some(Instant::now() + d);
                    }
                }
            }
        }
    }
}

struct Worker {
    shared: Arc<Shared>,
    poll: Poll,
    listeners: Vec<Local>,
    conns: Vec<Option<Conn>>,
    free: Vec<usize>,
    held: Vec<usize>,
    max_conns: usize,
    slot: i64,
}

impl Worker {
    fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let mut next_tick = Instant::now();
        while !self.shared.stop.load(Ordering::SeqCst) {
            let now = Instant::now();
            if now >= next_tick {
                self.tick(now);
                next_tick = now + TICK;
            }
            let mut timeout = next_tick.saturating_duration_since(now);
            for &i in &self.held {
                if let Some(t) = self.conns[i].as_ref().and_then(|c| c.hold_until) {
                    timeout = timeout.min(t.saturating_duration_since(now));
                }
            }
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                break;
            }
            for ev in events.iter() {
                let t = ev.token();
                if t == WAKER {
                    continue;
                }
                if t.0 < CONN_BASE {
                    self.accept(t.0);
                } else {
                    self.on_conn(t.0 - CONN_BASE, ev.is_readable() || ev.is_read_closed());
                }
            }
            self.release_held();
        }
        // Dropping the worker closes every listener and connection.
        let open: usize = self.conns.iter().filter(|c| c.is_some()).count();
        self.shared.counters.open.fetch_sub(open, Ordering::Relaxed);
    }

    fn accept(&mut self, local: usize) {
        loop {
            let Some(sock) = self.listeners.get(local).and_then(|l| l.sock.as_ref()) else {
                return;
            };
            match sock.accept() {
                Ok((mut stream, _)) => {
                    bump(&self.shared.counters.connections);
                    let open = self.conns.len() - self.free.len();
                    if open >= self.max_conns {
                        continue; // dropped: closed at once
                    }
                    let _ = stream.set_nodelay(true);
                    let idx = self.free.pop().unwrap_or_else(|| {
                        self.conns.push(None);
                        self.conns.len() - 1
                    });
                    if self
                        .poll
                        .registry()
                        .register(
                            &mut stream,
                            Token(CONN_BASE + idx),
                            Interest::READABLE | Interest::WRITABLE,
                        )
                        .is_err()
                    {
                        self.free.push(idx);
                        continue;
                    }
                    self.shared.counters.open.fetch_add(1, Ordering::Relaxed);
                    self.conns[idx] = Some(Conn {
                        sock: stream,
                        listener: self.listeners[local].global,
                        inbuf: Vec::new(),
                        out: Vec::new(),
                        out_pos: 0,
                        hold_until: None,
                        close_after: false,
                        silent: false,
                        last_active: Instant::now(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Out of files or a connection reset before it was taken: try again at the next event.
                Err(_) => return,
            }
        }
    }

    fn on_conn(&mut self, idx: usize, readable: bool) {
        let shared = Arc::clone(&self.shared);
        let Some(conn) = self.conns.get_mut(idx).and_then(Option::as_mut) else {
            return;
        };
        if readable {
            let proto = shared.listeners[conn.listener as usize].proto;
            if let ReadEnd::Closed = conn.read_in(proto) {
                self.close(idx);
                return;
            }
        }
        if !conn.serve(&shared) {
            self.close(idx);
        } else if conn.hold_until.is_some() && !self.held.contains(&idx) {
            self.held.push(idx);
        }
    }

    fn release_held(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let now = Instant::now();
        let due: Vec<usize> = self
            .held
            .iter()
            .copied()
            .filter(|&i| {
                self.conns[i]
                    .as_ref()
                    .is_none_or(|c| c.hold_until.is_none_or(|t| t <= now))
            })
            .collect();
        self.held.retain(|i| !due.contains(i));
        for i in due {
            self.on_conn(i, false);
        }
    }

    fn close(&mut self, idx: usize) {
        if let Some(mut conn) = self.conns[idx].take() {
            let _ = self.poll.registry().deregister(&mut conn.sock);
            self.free.push(idx);
            self.shared.counters.open.fetch_sub(1, Ordering::Relaxed);
        }
        self.held.retain(|&i| i != idx);
    }

    /// Every quarter second: idle connections out; at a new slot, offline cameras' listeners closed and
    /// returning cameras' listeners opened again.
    fn tick(&mut self, now: Instant) {
        let idle: Vec<usize> = self
            .conns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.as_ref()
                    .filter(|c| now.duration_since(c.last_active) >= IDLE_CLOSE)
                    .map(|_| i)
            })
            .collect();
        for i in idle {
            self.close(i);
        }
        let slot = slot_of(unix_now().0);
        if slot == self.slot {
            return;
        }
        self.slot = slot;
        let shared = Arc::clone(&self.shared);
        let mut closed = Vec::new();
        for (local, l) in self.listeners.iter_mut().enumerate() {
            let meta = &shared.listeners[l.global as usize];
            if !meta.bindable {
                continue;
            }
            let up = shared.listener_up(l.global, slot);
            match (&mut l.sock, up) {
                (Some(sock), false) => {
                    let _ = self.poll.registry().deregister(sock);
                    l.sock = None;
                    closed.push(l.global);
                }
                (None, true) => match TcpListener::bind(SocketAddr::V4(meta.addr)) {
                    Ok(mut sock) => {
                        if self
                            .poll
                            .registry()
                            .register(&mut sock, Token(local), Interest::READABLE)
                            .is_ok()
                        {
                            l.sock = Some(sock);
                        } else {
                            bump(&shared.counters.rebind_failures);
                        }
                    }
                    Err(_) => bump(&shared.counters.rebind_failures),
                },
                _ => {}
            }
        }
        if !closed.is_empty() {
            let gone: Vec<usize> = self
                .conns
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    c.as_ref()
                        .filter(|c| closed.contains(&c.listener))
                        .map(|_| i)
                })
                .collect();
            for i in gone {
                self.close(i);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::health::probe::video_track;

    #[test]
    fn sps_encodes_the_picture_size() {
        for (w, h) in [
            (1920, 1080),
            (1280, 720),
            (2560, 1440),
            (2688, 1520),
            (704, 576),
            (640, 360),
            (352, 288),
        ] {
            let text = sdp(
                Ipv4Addr::new(127, 0, 1, 1),
                "rtsp://127.0.1.1:8554/Streaming/Channels/101",
                (w, h),
                false,
                42,
            );
            let track = video_track(&text).expect("a video track");
            assert_eq!(track.codec, "H264");
            assert_eq!(
                (track.width_px, track.height_px),
                (Some(w), Some(h)),
                "{text}"
            );
        }
        let audio = sdp(Ipv4Addr::LOCALHOST, "rtsp://x/", (1920, 1080), true, 1);
        assert_eq!(video_track(&audio), None);
    }

    #[test]
    fn emulation_prevention_escapes_start_codes() {
        assert_eq!(
            nal(0x67, &[0, 0, 1, 0, 0, 0, 5]),
            vec![0x67, 0, 0, 3, 1, 0, 0, 3, 0, 5]
        );
    }

    fn test_shared() -> (Shared, Cam) {
        let cam = Cam {
            id: 7,
            label: "Gate 1".into(),
            username: "admin".into(),
            password: "Demo@1234".into(),
            password_known: true,
            password_state: PasswordState::Stored,
            realm: "IP Camera(00000007)".into(),
            main: (1920, 1080),
            sub: (640, 360),
            garbage: false,
            stream_listener: None,
            snapshot_listener: None,
            hue: 3,
            awake_at_ms: AtomicU64::new(0),
        };
        let shared = Shared {
            seed: 1,
            secret: 99,
            cameras: Vec::new(),
            by_id: HashMap::new(),
            listeners: Vec::new(),
            stop: AtomicBool::new(false),
            counters: Counters::default(),
        };
        (shared, cam)
    }

    fn request(method: &str, uri: &str, auth: Option<String>) -> Request {
        Request {
            method: method.into(),
            target: uri.into(),
            version: "RTSP/1.0".into(),
            headers: auth
                .map(|a| ("Authorization".to_string(), a))
                .into_iter()
                .collect(),
        }
    }

    fn client_answer(challenge: &str, method: &str, uri: &str, password: &str) -> String {
        let mut client = http_auth::PasswordClient::try_from(challenge).unwrap();
        client
            .respond(&http_auth::PasswordParams {
                username: "admin",
                password,
                uri,
                method,
                body: Some(&[]),
            })
            .unwrap()
    }

    #[test]
    fn digest_is_checked_with_and_without_qop_and_basic_too() {
        let (shared, cam) = test_shared();
        let now = 1_800_000_000u64;
        let nonce = shared.nonce(now);
        let uri = "rtsp://127.0.1.1:8554/Streaming/Channels/101";
        for qop in ["", "qop=\"auth\", "] {
            let challenge = format!("Digest {qop}realm=\"{}\", nonce=\"{nonce}\"", cam.realm);
            let good = client_answer(&challenge, "DESCRIBE", uri, "Demo@1234");
            assert_eq!(good.contains("qop="), !qop.is_empty(), "{good}");
            assert!(shared.authorized(
                &request("DESCRIBE", uri, Some(good.clone())),
                &cam,
                now + 10
            ));
            // Stale nonce, other method, wrong password: refused.
            assert!(!shared.authorized(
                &request("DESCRIBE", uri, Some(good.clone())),
                &cam,
                now + 400
            ));
            assert!(!shared.authorized(&request("PLAY", uri, Some(good.clone())), &cam, now));
            let other = "rtsp://127.0.1.1:8554/Streaming/Channels/102";
            assert!(!shared.authorized(&request("DESCRIBE", other, Some(good)), &cam, now));
            let bad = client_answer(&challenge, "DESCRIBE", uri, "Demo@1235");
            assert!(!shared.authorized(&request("DESCRIBE", uri, Some(bad)), &cam, now));
        }
        // A nonce the simulator did not make.
        let forged = format!("Digest realm=\"{}\", nonce=\"{:032x}\"", cam.realm, 5);
        let answer = client_answer(&forged, "DESCRIBE", uri, "Demo@1234");
        assert!(!shared.authorized(&request("DESCRIBE", uri, Some(answer)), &cam, now));
        let basic = |s: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            )
        };
        assert!(shared.authorized(
            &request("DESCRIBE", uri, Some(basic("admin:Demo@1234"))),
            &cam,
            now
        ));
        assert!(!shared.authorized(&request("DESCRIBE", uri, Some(basic("admin:x"))), &cam, now));
        assert!(!shared.authorized(&request("DESCRIBE", uri, None), &cam, now));
    }

    #[test]
    fn routes_find_channels_and_sub_streams() {
        assert_eq!(
            route_of("/Streaming/Channels/301", None),
            (Route::Channel(3), false)
        );
        assert_eq!(
            route_of("/Streaming/Channels/102", None),
            (Route::Channel(1), true)
        );
        assert_eq!(
            route_of("/ISAPI/Streaming/channels/401/picture", None),
            (Route::Channel(4), false)
        );
        assert_eq!(
            route_of("/cam/realmonitor", Some("channel=2&subtype=1")),
            (Route::Channel(2), true)
        );
        assert_eq!(
            route_of("/cgi-bin/snapshot.cgi", Some("channel=5")),
            (Route::Channel(5), false)
        );
        assert_eq!(
            route_of("/live", Some("a=1")),
            (Route::Path("/live?a=1".into()), false)
        );
        let req = request(
            "DESCRIBE",
            "rtsp://127.0.0.5:8554/cam/realmonitor?channel=1&subtype=0",
            None,
        );
        assert_eq!(
            req.path_and_query(),
            (
                "/cam/realmonitor".to_string(),
                Some("channel=1&subtype=0".to_string())
            )
        );
    }

    #[test]
    fn only_loopback_addresses_are_taken() {
        let url = |s: &str| url::Url::parse(s).unwrap();
        assert_eq!(
            loopback_addr(&url("rtsp://127.1.0.5/Streaming/Channels/101")).unwrap(),
            (
                SocketAddrV4::new(Ipv4Addr::new(127, 1, 0, 5), 554),
                Proto::Rtsp
            )
        );
        assert!(loopback_addr(&url("http://127.0.3.4:8080/x")).is_ok());
        for other in [
            "rtsp://10.0.0.5:554/x",
            "rtsp://192.168.1.64/x",
            "http://camera.example.in/x",
            "rtsps://127.0.0.9/x",
            "rtsp://[::1]:554/x",
        ] {
            assert!(loopback_addr(&url(other)).is_err(), "{other}");
        }
        let mut b = Builder::new(1);
        b.add(
            1,
            "Gate",
            "Hikvision",
            false,
            "admin",
            PasswordState::Stored,
            Some(&url("rtsp://10.1.2.3:554/a")),
            None,
        );
        assert!(matches!(
            b.launch(Instant::now(), false, false),
            Err(SimError::NotLoopback { count: 1, .. })
        ));
    }

    #[test]
    fn the_mix_is_close_to_its_shares_and_moves_a_little_each_minute() {
        let n = 20_000;
        let mut counts: HashMap<Behaviour, usize> = HashMap::new();
        let mut changed = 0;
        for id in 0..n {
            let b = behaviour_in(3, id, 1000);
            *counts.entry(b).or_default() += 1;
            if b != behaviour_in(3, id, 1001) {
                changed += 1;
            }
        }
        for (b, share) in BEHAVIOUR_MIX {
            let got = counts.get(&b).copied().unwrap_or(0) as f64 / n as f64;
            assert!((got - share).abs() < 0.01, "{b:?}: {got} against {share}");
        }
        // About twice the re-drawn share changes (those drawn away and those drawn back), times the chance
        // that a new draw differs.
        let moved = changed as f64 / n as f64;
        assert!((0.01..0.12).contains(&moved), "{moved}");
        // Flaky cameras alternate.
        let flaky = (0..n)
            .find(|&id| {
                behaviour_in(3, id, 1000) == Behaviour::Flaky
                    && behaviour_in(3, id, 1001) == Behaviour::Flaky
            })
            .unwrap();
        assert_ne!(acts_in(3, flaky, 1000), acts_in(3, flaky, 1001));
    }

    #[test]
    fn snapshots_decode_and_change_with_the_time() {
        let (_, cam) = test_shared();
        let a = snapshot_jpeg(&cam, 1_800_000_000, 0);
        let b = snapshot_jpeg(&cam, 1_800_000_001, 0);
        assert_ne!(a, b);
        let img = image::load_from_memory(&a).unwrap();
        assert_eq!((img.width(), img.height()), SNAPSHOT_PX);
    }

    #[test]
    fn requests_parse_with_bodies_and_limits() {
        let Parsed::Done(r, used) = parse_request(b"OPTIONS * RTSP/1.0\r\nCSeq: 3\r\n\r\nextra")
        else {
            panic!()
        };
        assert_eq!(
            (r.method.as_str(), r.header("cseq"), used),
            ("OPTIONS", Some("3"), 31)
        );
        assert!(matches!(
            parse_request(b"SET_PARAMETER x RTSP/1.0\r\nContent-Length: 4\r\n\r\nab"),
            Parsed::Incomplete
        ));
        assert!(matches!(
            parse_request(b"SET_PARAMETER x RTSP/1.0\r\nContent-Length: 99999\r\n\r\n"),
            Parsed::Bad
        ));
        assert!(matches!(parse_request(b"GARBAGE\r\n\r\n"), Parsed::Bad));
    }
}
