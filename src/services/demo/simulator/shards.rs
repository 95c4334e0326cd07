//! Several simulator processes, one open-file limit each: a large demo registry is split into shards, each
//! served by its own helper process, so no process runs out of file descriptors.

use super::*;

/// Open files a simulator process keeps aside besides its listening sockets.
pub(super) fn file_reserve() -> u64 {
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
/// `clock` is the in-process cameras' wall time; helper processes live by the computer's.
pub fn start_for_desk(
    store: &Store,
    key_dir: &std::path::Path,
    program: Option<&std::path::Path>,
    clock: crate::model::Clock,
) -> Result<DeskSimulationStart, SimError> {
    let options = SimOptions {
        seed: DESK_SEED,
        background: true,
        clock,
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
            ..options.clone()
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

/// The behaviour seed of the desk's demo simulation (the demo registry's health week is written from it too).
pub const DESK_SEED: u64 = 1;

/// Simulator processes (this program, each serving one shard with [`serve_shard`]) for a registry whose
/// sockets do not fit in one process's open-file limit. Dropping it stops them.
pub struct ShardSet {
    pub(super) children: Vec<std::process::Child>,
    pub(super) stats: Arc<Vec<std::sync::Mutex<SimStats>>>,
    pub(super) report: SimReport,
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
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<SimReport, ShardProblem>)>();
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
                            .map_err(ShardProblem::BadReady);
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
                    let _ = tx.send((i, Err(ShardProblem::StoppedEarly)));
                } else if let Ok(mut slot) = stats[i].lock() {
                    slot.open_connections = 0;
                }
            });
        }
        drop(tx);
        for _ in 0..n {
            match rx.recv() {
                Ok((_, Ok(report))) => set.report.merge(&report),
                Ok((index, Err(problem))) => return Err(SimError::Shard { index, problem }),
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
pub(super) fn thousands(n: u64) -> String {
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
