//! The simulator's plan: which cameras it answers for, the loopback listeners they need, and the route from each
//! address and path to a camera. Cameras outside 127.0.0.0/8 are left out and counted.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proto {
    Rtsp,
    Http,
}

/// Which camera on a listener a request is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    /// A channel of a Hikvision or Dahua-style path (one camera per channel on an NVR).
    Channel(u32),
    /// Any other path, matched as written (with its query).
    Path(String),
}

/// The route of a path, and whether it asks for the sub stream.
pub(super) fn route_of(path: &str, query: Option<&str>) -> (Route, bool) {
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

pub(super) struct Cam {
    pub(super) id: CameraId,
    pub(super) label: String,
    pub(super) username: String,
    /// The camera's own password (the stored one, or invented when the registry does not know it).
    pub(super) password: String,
    pub(super) password_known: bool,
    /// What the registry holds (the password itself is read after the cameras are chosen).
    pub(super) password_state: PasswordState,
    pub(super) realm: String,
    pub(super) main: (u32, u32),
    pub(super) sub: (u32, u32),
    pub(super) garbage: bool,
    pub(super) stream_listener: Option<u32>,
    pub(super) snapshot_listener: Option<u32>,
    /// Colour of the simulated scene.
    pub(super) hue: u8,
    /// When a slow camera is (or was) awake, unix ms; it dozes off `SLOW_WARM_MS` after that.
    pub(super) awake_at_ms: AtomicU64,
}

impl Cam {
    /// Sets the camera's login: the stored password, or one of its own that the registry does not know.
    pub(super) fn set_password(&mut self, seed: u64, stored: Option<String>) {
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

pub(super) struct ListenerMeta {
    pub(super) addr: SocketAddrV4,
    pub(super) proto: Proto,
    pub(super) routes: Vec<(Route, u32)>,
    /// False when the port could not be opened (below 1024 without privileges).
    pub(super) bindable: bool,
}

#[derive(Default)]
pub(super) struct Counters {
    pub(super) connections: AtomicU64,
    pub(super) rtsp_requests: AtomicU64,
    pub(super) descriptions: AtomicU64,
    pub(super) snapshot_requests: AtomicU64,
    pub(super) snapshots: AtomicU64,
    pub(super) logins_refused: AtomicU64,
    pub(super) open: AtomicUsize,
    pub(super) rebind_failures: AtomicU64,
}

impl Counters {
    pub(super) fn snapshot(&self) -> SimStats {
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

pub(super) fn bump(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

pub(super) struct Shared {
    pub(super) seed: u64,
    /// Key of the Digest nonces (never shown).
    pub(super) secret: u64,
    pub(super) cameras: Vec<Cam>,
    pub(super) by_id: HashMap<CameraId, u32>,
    pub(super) listeners: Vec<ListenerMeta>,
    pub(super) stop: AtomicBool,
    pub(super) counters: Counters,
    /// Wall time of the cameras (their minute, their pictures' clock).
    pub(super) clock: Clock,
}

impl Shared {
    pub(super) fn acts(&self, cam: u32, slot: i64) -> Behaviour {
        acts_in(self.seed, self.cameras[cam as usize].id, slot)
    }

    /// A listener is open while any of its cameras is not offline.
    pub(super) fn listener_up(&self, l: u32, slot: i64) -> bool {
        self.listeners[l as usize]
            .routes
            .iter()
            .any(|(_, c)| self.acts(*c, slot) != Behaviour::Offline)
    }
}

/// Loopback socket address of a URL, or why it is left out.
pub(super) fn loopback_addr(url: &url::Url) -> Result<(SocketAddrV4, Proto), String> {
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

/// The loopback addresses a camera is reached on (stream, or its NVR channel, then snapshot), with the route of
/// each path; `Err` names why the camera is left out (an address off 127.0.0.0/8 or another scheme).
pub(super) fn camera_addrs(
    stream: Option<&url::Url>,
    snapshot: Option<&url::Url>,
) -> Result<Vec<(SocketAddrV4, Proto, Route)>, String> {
    let mut addrs = Vec::new();
    for url in [stream, snapshot].into_iter().flatten() {
        let (addr, proto) = loopback_addr(url)?;
        let (route, _) = route_of(url.path(), url.query());
        addrs.push((addr, proto, route));
    }
    Ok(addrs)
}

/// The stream URL (or NVR channel) and snapshot URL of a registry camera, `None` when it has neither.
pub(super) fn camera_urls(
    c: &crate::store::CameraRecord,
) -> Option<(Option<url::Url>, Option<url::Url>)> {
    let stream = url::Url::parse(c.camera.stream_url.trim())
        .ok()
        .or_else(|| match &c.camera.kind {
            CameraKind::Analogue { nvr_host, channel } => nvr_channel_url(nvr_host, *channel),
            CameraKind::Ip => None,
        });
    let snapshot = url::Url::parse(c.camera.snapshot_url.trim()).ok();
    (stream.is_some() || snapshot.is_some()).then_some((stream, snapshot))
}

/// Only the sockets of every camera, numbered as [`Builder`] numbers them: enough to choose a shard's cameras,
/// and to know whether one process may open them all, before any camera's label, login or routes are held (at
/// 200,000 cameras a few MB, where the whole plan of every camera took over 100 MB in each shard process).
#[derive(Default)]
pub(super) struct SocketPlan {
    by_addr: HashMap<SocketAddrV4, (u32, Proto)>,
    /// The cameras [`Builder::add`] would keep, in registry order: id, stream and snapshot listener.
    cameras: Vec<(CameraId, [Option<u32>; 2])>,
    pub(super) skipped: usize,
    pub(super) skipped_example: Option<String>,
}

impl SocketPlan {
    /// The same choices as [`Builder::add`]: a camera with an address off loopback is skipped whole, a listener
    /// keeps the protocol of its first camera.
    pub(super) fn add(
        &mut self,
        id: CameraId,
        stream: Option<&url::Url>,
        snapshot: Option<&url::Url>,
    ) {
        let addrs = match camera_addrs(stream, snapshot) {
            Ok(addrs) => addrs,
            Err(why) => {
                self.skipped += 1;
                if self.skipped_example.is_none() {
                    self.skipped_example = Some(format!("camera {id}: {why}"));
                }
                return;
            }
        };
        let mut sockets = [None, None];
        for (i, (addr, proto, _)) in addrs.into_iter().enumerate() {
            let next = self.by_addr.len() as u32;
            let &mut (l, first_proto) = self.by_addr.entry(addr).or_insert((next, proto));
            if first_proto != proto {
                continue;
            }
            let is_stream = i == 0 && stream.is_some();
            sockets[usize::from(!is_stream)] = Some(l);
        }
        if sockets != [None, None] {
            self.cameras.push((id, sockets));
        }
    }

    /// Listening sockets over all cameras.
    pub(super) fn listeners(&self) -> usize {
        self.by_addr.len()
    }

    /// The ids of shard `i` of `n`'s cameras (see [`shard_mask`]), sorted.
    pub(super) fn shard_ids(&self, i: usize, n: usize) -> Vec<CameraId> {
        let sockets: Vec<[Option<u32>; 2]> = self.cameras.iter().map(|(_, s)| *s).collect();
        let mask = shard_mask(&sockets, self.listeners(), i, n);
        let mut ids: Vec<CameraId> = self
            .cameras
            .iter()
            .zip(mask)
            .filter(|(_, keep)| *keep)
            .map(|((id, _), _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// Marks the cameras of shard `i` of `n`, given each camera's stream and snapshot listener among `listeners`:
/// cameras that share a socket (an NVR's) stay together, and shards get about the same number of sockets, in
/// registry order.
pub(super) fn shard_mask(
    cameras: &[[Option<u32>; 2]],
    listeners: usize,
    i: usize,
    n: usize,
) -> Vec<bool> {
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    let cams = cameras.len();
    let mut parent: Vec<u32> = (0..cams as u32).collect();
    let mut first_user: Vec<Option<u32>> = vec![None; listeners];
    for (c, sockets) in cameras.iter().enumerate() {
        for l in sockets.iter().flatten() {
            match first_user[*l as usize] {
                None => first_user[*l as usize] = Some(c as u32),
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
    let total = listeners.max(1);
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

pub(super) struct Builder {
    pub(super) seed: u64,
    pub(super) cameras: Vec<Cam>,
    pub(super) by_id: HashMap<CameraId, u32>,
    pub(super) listeners: Vec<ListenerMeta>,
    pub(super) by_addr: HashMap<SocketAddrV4, u32>,
    pub(super) info: StartInfo,
    pub(super) clock: Clock,
}

pub(super) const IP_SIZES: [((u32, u32), f64); 4] = [
    ((1920, 1080), 0.6),
    ((1280, 720), 0.2),
    ((2560, 1440), 0.12),
    ((2688, 1520), 0.08),
];
pub(super) const ANALOGUE_SIZES: [((u32, u32), f64); 3] =
    [((1920, 1080), 0.5), ((1280, 720), 0.3), ((704, 576), 0.2)];

impl Builder {
    pub(super) fn new(seed: u64) -> Self {
        Self {
            seed,
            cameras: Vec::new(),
            by_id: HashMap::new(),
            listeners: Vec::new(),
            by_addr: HashMap::new(),
            info: StartInfo::default(),
            clock: Clock::system(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn add(
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
        let addrs = match camera_addrs(stream, snapshot) {
            Ok(addrs) => addrs,
            Err(why) => {
                self.info.skipped += 1;
                if self.info.skipped_example.is_none() {
                    self.info.skipped_example = Some(format!("camera {id}: {why}"));
                }
                return;
            }
        };
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

    /// Keeps only the cameras marked in `keep`, and the listeners they use.
    pub(super) fn keep(&mut self, keep: &[bool]) {
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

    /// Starts the simulator: fits the plan to the open-file limit, binds every listener, and starts the
    /// event-loop threads.
    pub(super) fn launch(
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
        let needed = self.fit_file_limit(fit_file_limit)?;
        self.info.threads = threads;
        self.info.addresses = self
            .listeners
            .iter()
            .map(|l| *l.addr.ip())
            .collect::<std::collections::HashSet<_>>()
            .len();
        let sockets = self.bind_listeners(needed)?;
        let (polls, wakers, locals) = spread_over_threads(sockets, threads)?;
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
            clock: self.clock,
        });
        let handles = start_workers(&shared, polls, locals, &wakers, background)?;
        self.info.started_in = started.elapsed();
        Ok(Simulator {
            shared,
            threads: handles,
            wakers,
            info: self.info,
        })
    }

    /// Makes sure the process may open a socket per listener (raising the soft limit); when the hard limit is too
    /// low and `fit_file_limit` allows, keeps only the cameras whose sockets fit. Returns the open files needed.
    fn fit_file_limit(&mut self, fit_file_limit: bool) -> Result<u64, SimError> {
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
        Ok(needed)
    }

    /// Binds every listener now, so the caller hears about a busy address or a low limit at once. An address the
    /// system forbids is counted and left unbound.
    fn bind_listeners(&mut self, needed: u64) -> Result<Vec<Option<TcpListener>>, SimError> {
        let listeners = self.listeners.len();
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
        Ok(sockets)
    }
}

/// One poll (with its waker) per event-loop thread, and the listeners dealt out among them in turn.
type ThreadSetup = (Vec<Poll>, Vec<Arc<Waker>>, Vec<Vec<Local>>);

fn spread_over_threads(
    sockets: Vec<Option<TcpListener>>,
    threads: usize,
) -> Result<ThreadSetup, SimError> {
    let mut polls = Vec::new();
    let mut wakers = Vec::new();
    let mut locals: Vec<Vec<Local>> = (0..threads).map(|_| Vec::new()).collect();
    for _ in 0..threads {
        let poll = Poll::new().map_err(|e| SimError::Io(e.to_string()))?;
        let waker = Waker::new(poll.registry(), WAKER).map_err(|e| SimError::Io(e.to_string()))?;
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
    Ok((polls, wakers, locals))
}

/// Starts one event-loop thread per poll; if the system refuses one, stops those already started.
fn start_workers(
    shared: &Arc<Shared>,
    polls: Vec<Poll>,
    locals: Vec<Vec<Local>>,
    wakers: &[Arc<Waker>],
    background: bool,
) -> Result<Vec<JoinHandle<()>>, SimError> {
    let threads = polls.len();
    let mut handles = Vec::new();
    for (t, (poll, listeners)) in polls.into_iter().zip(locals).enumerate() {
        let mut worker = Worker {
            shared: Arc::clone(shared),
            poll,
            listeners,
            conns: Vec::new(),
            free: Vec::new(),
            held: Vec::new(),
            max_conns: MAX_CONNECTIONS / threads,
            slot: i64::MIN,
        };
        // This minute's offline cameras stop listening before `start` returns: a prober that connects at once
        // must not reach a listener that is about to close (its connection would be reset).
        worker.tick(Instant::now());
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
                for w in wakers {
                    let _ = w.wake();
                }
                for h in handles {
                    let _ = h.join();
                }
                return Err(SimError::Io(e.to_string()));
            }
        }
    }
    Ok(handles)
}

pub(super) fn bind_error(
    addr: SocketAddrV4,
    e: &io::Error,
    needed: u64,
    listeners: usize,
) -> SimError {
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
pub(super) fn ensure_file_limit(needed: u64, listeners: usize) -> Result<u64, SimError> {
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
