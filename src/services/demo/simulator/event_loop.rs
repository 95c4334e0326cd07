//! The event loop: non-blocking listeners and connections served with `mio` (epoll), bounded buffers, idle
//! connections closed after 10 s.

use super::*;

pub(super) const WAKER: Token = Token(usize::MAX);
/// Tokens at and above this are connections; below, listeners.
pub(super) const CONN_BASE: usize = 1 << 30;
pub(super) const TICK: Duration = Duration::from_millis(250);

pub(super) struct Local {
    pub(super) global: u32,
    pub(super) sock: Option<TcpListener>,
}

pub(super) struct Conn {
    pub(super) sock: TcpStream,
    pub(super) listener: u32,
    pub(super) inbuf: Vec<u8>,
    pub(super) out: Vec<u8>,
    pub(super) out_pos: usize,
    pub(super) hold_until: Option<Instant>,
    pub(super) close_after: bool,
    pub(super) silent: bool,
    pub(super) last_active: Instant,
}

pub(super) enum ReadEnd {
    Open,
    Closed,
}

impl Conn {
    /// Reads what is there; input beyond the request limit turns into a 400 and a close.
    pub(super) fn read_in(&mut self, proto: Proto) -> ReadEnd {
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
    pub(super) fn flush(&mut self) -> io::Result<bool> {
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
    pub(super) fn serve(&mut self, shared: &Shared) -> bool {
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

pub(super) struct Worker {
    pub(super) shared: Arc<Shared>,
    pub(super) poll: Poll,
    pub(super) listeners: Vec<Local>,
    pub(super) conns: Vec<Option<Conn>>,
    pub(super) free: Vec<usize>,
    pub(super) held: Vec<usize>,
    pub(super) max_conns: usize,
    pub(super) slot: i64,
}

impl Worker {
    pub(super) fn run(mut self) {
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

    pub(super) fn accept(&mut self, local: usize) {
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

    pub(super) fn on_conn(&mut self, idx: usize, readable: bool) {
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

    pub(super) fn release_held(&mut self) {
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

    pub(super) fn close(&mut self, idx: usize) {
        if let Some(mut conn) = self.conns[idx].take() {
            let _ = self.poll.registry().deregister(&mut conn.sock);
            self.free.push(idx);
            self.shared.counters.open.fetch_sub(1, Ordering::Relaxed);
        }
        self.held.retain(|&i| i != idx);
    }

    /// Every quarter second: idle connections out; at a new slot, offline cameras' listeners closed and
    /// returning cameras' listeners opened again.
    pub(super) fn tick(&mut self, now: Instant) {
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
