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

mod event_loop;
mod plan;
mod requests;
mod sdp;
mod shards;
mod snapshot;

pub use shards::{
    DESK_SEED, DeskSimulation, DeskSimulationStart, ShardSet, serve_shard, shards_for,
    start_for_desk,
};
// Each section reads the others' items through `use super::*`.
use {event_loop::*, plan::*, requests::*, sdp::*, shards::*, snapshot::*};

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

use crate::model::{CameraId, CameraKind, Clock, HealthState, PasswordState, nvr_channel_url};
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

    /// The catalogue key of the behaviour's name.
    pub fn i18n_key(self) -> &'static str {
        match self {
            Self::Healthy => "sim-behaviour-healthy",
            Self::Offline => "sim-behaviour-offline",
            Self::WrongPassword => "sim-behaviour-wrong-password",
            Self::Slow => "sim-behaviour-slow",
            Self::Flaky => "sim-behaviour-flaky",
            Self::StreamError => "sim-behaviour-stream-error",
        }
    }

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

/// What a probe with the stored password finds of a simulated camera at `unix_s`, for a camera whose registry
/// knows its password and whose address can be listened on (a slow camera wakes within the probe's time limit).
/// The demo registry's week of health history is written from this, so the history and the simulator the desk
/// starts afterwards tell the same story.
pub fn probed_state_at(seed: u64, id: CameraId, unix_s: i64) -> HealthState {
    match acts_in(seed, id, slot_of(unix_s)) {
        Behaviour::Healthy | Behaviour::Slow | Behaviour::Flaky => HealthState::Online,
        Behaviour::Offline => HealthState::Offline,
        Behaviour::WrongPassword => HealthState::AuthFailed,
        Behaviour::StreamError => HealthState::StreamError,
    }
}

/// How long a probe of a simulated camera takes at `unix_s`, milliseconds (a slow camera's wake-up delay).
pub fn probe_latency_ms(seed: u64, id: CameraId, unix_s: i64) -> u32 {
    let slot = slot_of(unix_s);
    match acts_in(seed, id, slot) {
        Behaviour::Slow => slow_delay_ms(seed, id, slot) as u32,
        _ => 2 + (hash3(seed ^ 0x1A7E, id as u64, slot as u64) % 40) as u32,
    }
}

fn slow_delay_ms(seed: u64, id: CameraId, slot: i64) -> u64 {
    SLOW_DELAY_MS.0
        + hash3(seed ^ 0x510F, id as u64, slot as u64) % (SLOW_DELAY_MS.1 - SLOW_DELAY_MS.0 + 1)
}

/// Wall time on `clock`: whole seconds, and the milliseconds into the second.
fn unix_now(clock: &Clock) -> (i64, u32) {
    let ms = clock.now_unix_ms();
    (ms.div_euclid(1000), ms.rem_euclid(1000) as u32)
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
    #[error("the simulator cannot start: simulator process {index} failed: {problem}")]
    Shard {
        index: usize,
        #[source]
        problem: ShardProblem,
    },
}

/// Why a helper simulator process did not become ready.
#[derive(Debug, thiserror::Error)]
pub enum ShardProblem {
    #[error("its ready line cannot be read ({0})")]
    BadReady(#[source] serde_json::Error),
    #[error("it stopped before it was ready")]
    StoppedEarly,
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
    pub fn line(&self, i18n: &crate::i18n::I18n) -> String {
        let mix: Vec<String> = self
            .mix
            .iter()
            .map(|(b, n)| format!("{} {}", thousands(*n as u64), i18n.tr(b.i18n_key())))
            .collect();
        i18n.tr_args(
            "cli-sim-started",
            &[
                ("cameras", thousands(self.cameras as u64)),
                ("addresses", thousands(self.addresses as u64)),
                ("mix", mix.join(", ")),
                ("reroll", format!("{:.0}", REROLL_SHARE * 100.0)),
                ("listeners", thousands(self.listeners as u64)),
                ("threads", self.threads.to_string()),
                ("processes", self.processes.to_string()),
                ("seconds", format!("{:.1}", self.started_ms as f64 / 1000.0)),
            ],
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
#[derive(Debug, Clone, Default)]
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
    /// The wall time the cameras live by: their minute's behaviours and the time drawn on their pictures
    /// (tests: a [`crate::model::ManualClock`], so a minute turns only when the test says). Delays that are
    /// the cameras' protocol behaviour (a slow camera, an idle connection closed) stay in real time.
    pub clock: Clock,
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
        // The registry is read twice, a row at a time: first only every camera's sockets, to choose a shard's
        // cameras (or to learn that they cannot all be opened here) while holding a few MB; then the whole plan
        // of the cameras chosen. Each of a big registry's shard processes once held every camera of it.
        let mut sockets = SocketPlan::default();
        store.for_each_camera(|c| {
            if let Some((stream, snap)) = camera_urls(c) {
                sockets.add(c.id, stream.as_ref(), snap.as_ref());
            }
        })?;
        let chosen = match options.shard {
            Some((i, n)) => Some((i, sockets.shard_ids(i, n))),
            None => {
                let listeners = sockets.listeners();
                if !options.fit_file_limit && listeners > 0 {
                    ensure_file_limit(listeners as u64 + file_reserve(), listeners)?;
                }
                None
            }
        };
        let mut builder = Builder::new(options.seed);
        builder.clock = options.clock.clone();
        store.for_each_camera(|c| {
            if chosen
                .as_ref()
                .is_some_and(|(_, ids)| ids.binary_search(&c.id).is_err())
            {
                return;
            }
            let Some((stream, snap)) = camera_urls(c) else {
                return;
            };
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
        })?;
        if let Some((i, _)) = chosen {
            // Cameras off loopback are in no shard: the first shard reports them, so the shards' sum is right.
            if i == 0 {
                builder.info.skipped = sockets.skipped;
                builder.info.skipped_example = sockets.skipped_example.take();
            }
        }
        drop(sockets);
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
        let sim = builder.launch(started, options.fit_file_limit, options.background)?;
        // The rows read on the way are free again; give them back rather than keep them for the process's life.
        crate::services::background::give_back_freed_memory();
        Ok(sim)
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
            mix: self.mix_at(unix_now(&self.shared.clock).0),
            processes: 1,
            threads: self.info.threads,
            started_ms: self.info.started_in.as_millis() as u64,
        }
    }

    /// The start line in English: "Simulating N cameras on M loopback addresses; behaviours: …".
    pub fn summary(&self) -> String {
        self.report()
            .line(&crate::i18n::I18n::new(crate::i18n::Lang::En))
    }
}

// ---------------------------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::health::probe::video_track;

    fn a_report() -> SimReport {
        SimReport {
            cameras: 3_200,
            addresses: 1_900,
            listeners: 5_100,
            mix: vec![(Behaviour::Healthy, 2_750), (Behaviour::WrongPassword, 96)],
            processes: 2,
            threads: 4,
            started_ms: 1_300,
            ..SimReport::default()
        }
    }

    #[test]
    fn the_start_line_comes_from_the_catalogue() {
        use crate::i18n::{I18n, Lang};
        let english = a_report().line(&I18n::new(Lang::En));
        assert_eq!(
            english,
            "Simulating 3,200 cameras on 1,900 loopback addresses; behaviours: 2,750 healthy, 96 wrong password \
             (5% re-drawn each minute; 5,100 listening sockets on 4 threads in 2 processes, ready in 1.3 s)"
        );
        let one = SimReport {
            processes: 1,
            ..a_report()
        };
        assert!(
            one.line(&I18n::new(Lang::En))
                .contains("on 4 threads, ready in"),
            "one process is not named"
        );
        let hindi = a_report().line(&I18n::new(Lang::Hi));
        for english_word in [
            "Simulating",
            "cameras",
            "healthy",
            "wrong password",
            "threads",
        ] {
            assert!(!hindi.contains(english_word), "{english_word} in {hindi}");
        }
        assert!(
            hindi.contains("3,200") && hindi.contains("2,750"),
            "{hindi}"
        );
    }

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
            clock: Clock::system(),
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
    fn shards_chosen_from_the_sockets_alone_split_the_cameras_and_keep_an_nvr_together() {
        use std::collections::HashSet;
        let url = |s: String| url::Url::parse(&s).unwrap();
        // IP cameras with a stream and a snapshot address each, NVRs whose 4 channels share one port, and a
        // camera off loopback.
        let mut rows: Vec<(CameraId, bool, Option<url::Url>, Option<url::Url>)> = Vec::new();
        for id in 1..=90i64 {
            let (analogue, stream, snap) = if id % 3 == 0 {
                let nvr = id / 12;
                let channel = id % 12 / 3 + 1;
                let stream = format!("rtsp://127.0.9.{nvr}:554/Streaming/Channels/{channel}01");
                (true, Some(url(stream)), None)
            } else {
                let stream = format!("rtsp://127.0.1.{id}:8554/Streaming/Channels/101");
                let snap = format!("http://127.0.1.{id}:8080/ISAPI/Streaming/channels/101/picture");
                (false, Some(url(stream)), Some(url(snap)))
            };
            rows.push((id, analogue, stream, snap));
        }
        rows.push((91, false, Some(url("rtsp://10.0.0.5/x".into())), None));
        let add = |b: &mut Builder, row: &(CameraId, bool, Option<url::Url>, Option<url::Url>)| {
            let (id, analogue, stream, snap) = row;
            let state = PasswordState::None;
            b.add(
                *id,
                "Cam",
                "Hikvision",
                *analogue,
                "admin",
                state,
                stream.as_ref(),
                snap.as_ref(),
            );
        };
        let mut sockets = SocketPlan::default();
        let mut whole = Builder::new(1);
        for row in &rows {
            sockets.add(row.0, row.2.as_ref(), row.3.as_ref());
            add(&mut whole, row);
        }
        assert_eq!(sockets.listeners(), whole.listeners.len());
        assert_eq!(sockets.skipped, 1);
        let n = 3;
        let (mut cameras, mut addrs) = (HashSet::new(), HashSet::new());
        for i in 0..n {
            let ids = sockets.shard_ids(i, n);
            let mut shard = Builder::new(1);
            for row in rows.iter().filter(|r| ids.contains(&r.0)) {
                add(&mut shard, row);
            }
            assert_eq!(shard.cameras.len(), ids.len());
            for c in &shard.cameras {
                assert!(cameras.insert(c.id), "camera {} in two shards", c.id);
            }
            for l in &shard.listeners {
                assert!(addrs.insert(l.addr), "{} listened on by two shards", l.addr);
            }
            let share = whole.listeners.len() / n;
            assert!(
                shard.listeners.len().abs_diff(share) <= 4,
                "shard {i}: {} sockets of {}",
                shard.listeners.len(),
                whole.listeners.len()
            );
        }
        let all: HashSet<CameraId> = whole.cameras.iter().map(|c| c.id).collect();
        assert_eq!(cameras, all);
        assert_eq!(addrs.len(), whole.listeners.len());
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
