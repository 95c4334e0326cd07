//! The desk's registry worker: owns the SQLite connection on its own thread, so no frame ever waits on the
//! file. The UI sends [`DeskCommand`]s and drains [`DeskEvent`]s once per frame; the worker wakes the UI
//! through a callback (the UI passes `ctx.request_repaint`). It also notices commits by other desks on the same
//! file (`PRAGMA data_version`) and sends a fresh snapshot.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crate::model::{
    BoundaryArea, BoundaryKind, Camera, CameraId, Clock, FieldErrors, Site, SiteId, StageChange,
};
use crate::services::demo::simulator::DeskSimulation;
use crate::services::map::boundaries::BoundaryError;
use crate::services::registry_index::{Filters, RegistryIndex};
use crate::services::review::blocked::{BlockedList, BlockedOrder};
use crate::store::{
    Actor, AuditEntry, CameraRecord, FollowUpRecord, HealthRecord, HealthRun, KeyStatus,
    OpenOptions, PasswordEdit, RegistrySnapshot, SiteRecord, StageEventRecord, Store, StoreError,
};

/// How often the worker looks for commits by other desks.
const EXTERNAL_POLL: Duration = Duration::from_secs(2);
/// How often the worker, when idle, returns the heap the desk's threads freed to the system.
const TRIM_EVERY: Duration = Duration::from_secs(30);

/// What the UI asks the worker to do.
#[derive(Debug)]
pub enum DeskCommand {
    /// Write a demo registry into the (empty) file, then reload.
    LoadDemo { cameras: usize, seed: u64 },
    /// Add (`id: None`) or edit a site.
    SaveSite {
        id: Option<SiteId>,
        expected_version: i64,
        site: Site,
    },
    /// Add (`id: None`) or edit a camera.
    SaveCamera {
        id: Option<CameraId>,
        site_id: SiteId,
        expected_version: i64,
        camera: Camera,
        password: PasswordEdit,
    },
    ChangeStage {
        id: CameraId,
        expected_version: i64,
        change: StageChange,
    },
    /// Stage history and audit entries of one camera, for the details panel.
    LoadHistory { camera_id: CameraId },
    /// The newest audit entries, for the audit screen.
    LoadAudit { limit: usize },
    /// Stored thumbnails of these cameras (tiles that came into view).
    LoadThumbnails(Vec<CameraId>),
    /// Health runs of one camera over the last 7 days (uptime, sparkline).
    LoadHealthRuns { camera_id: CameraId },
    /// Ward and police-station areas, for the map.
    LoadBoundaries,
    /// The weekly review's numbers for `week` and the `weeks` weeks of charts ending with it.
    LoadWeekly {
        week: crate::services::review::weekly::IsoWeek,
        weeks: usize,
    },
    /// The blocked integrations for the Blocked screen: the worker reads each blocked camera's block time and
    /// newest note from the file and groups the cameras of `registry` (the snapshot the screen shows, so list and
    /// screen agree) in `order`. Answered with [`DeskEvent::Blocked`].
    LoadBlocked {
        registry: Arc<RegistrySnapshot>,
        order: BlockedOrder,
    },
    /// Write down what an owner said about a camera without moving its stage. Answered with
    /// [`DeskEvent::FollowUpSaved`] or [`DeskEvent::FollowUpFailed`].
    AddFollowUp { camera_id: CameraId, note: String },
    /// Write a checked import (its dry run made on the registry at `revision`) in one transaction; answered with
    /// progress events and [`DeskEvent::ImportCommitted`]. `cancel_task` stops it with nothing written.
    ImportCommit {
        plan: Arc<crate::services::exchange::import::plan::ImportPlan>,
        revision: i64,
        source_name: String,
    },
    /// The saved import profiles, answered with [`DeskEvent::ImportProfiles`].
    LoadImportProfiles,
    /// Save (or replace) an import profile, then answer with the profiles.
    SaveImportProfile(crate::model::import::ImportProfile),
    /// Write the printable weekly report of `week` in `lang` to `path` (its folder is made when missing), with
    /// coverage as it is now.
    WriteWeeklyReport {
        week: crate::services::review::weekly::IsoWeek,
        lang: crate::i18n::Lang,
        path: PathBuf,
    },
    /// Replace the layer of `kind` with the areas of a GeoJSON file the user picked (already read).
    ImportBoundaries {
        kind: BoundaryKind,
        source_name: String,
        text: Arc<String>,
        name_property: String,
        code_property: Option<String>,
    },
}

/// Why a save did not happen, in a form a screen can show beside the fields or as a banner.
#[derive(Debug, Clone)]
pub enum SaveProblem {
    Fields(FieldErrors),
    Stage(crate::model::StageError),
    /// Another desk changed the row after the form opened.
    Conflict {
        by_user: String,
        at_unix_s: i64,
    },
    /// Anything else (the file busy, the camera gone); shared so the problem can be copied to the form.
    Other(Arc<StoreError>),
}

impl From<StoreError> for SaveProblem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(errors) => Self::Fields(errors),
            StoreError::Stage(e) => Self::Stage(e),
            StoreError::Conflict {
                by_user, at_unix_s, ..
            } => Self::Conflict { by_user, at_unix_s },
            other => Self::Other(Arc::new(other)),
        }
    }
}

/// Why the worker (or a task it ran) failed, with the error that caused it; the UI says it in the desk's
/// language when it shows it ([`crate::services::error_words::error_text`]).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The system refused a thread (too many threads, no memory).
    #[error("cannot start the {thread} thread: {source}")]
    Thread {
        thread: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The demo registry was not written (not for a registry error: that is [`Self::Store`]).
    #[error(transparent)]
    Demo(crate::services::demo::DemoError),
    /// The demo cameras are not simulated (not for a registry error: that is [`Self::Store`]).
    #[error(transparent)]
    Simulator(crate::services::demo::simulator::SimError),
    #[error(transparent)]
    Import(crate::services::exchange::import::commit::CommitError),
}

impl From<crate::services::demo::DemoError> for WorkerError {
    fn from(e: crate::services::demo::DemoError) -> Self {
        match e {
            crate::services::demo::DemoError::Store(e) => Self::Store(e),
            e => Self::Demo(e),
        }
    }
}

impl From<crate::services::demo::simulator::SimError> for WorkerError {
    fn from(e: crate::services::demo::simulator::SimError) -> Self {
        match e {
            crate::services::demo::simulator::SimError::Store(e) => Self::Store(e),
            e => Self::Simulator(e),
        }
    }
}

impl From<crate::services::exchange::import::commit::CommitError> for WorkerError {
    fn from(e: crate::services::exchange::import::commit::CommitError) -> Self {
        match e {
            crate::services::exchange::import::commit::CommitError::Store(e) => Self::Store(e),
            e => Self::Import(e),
        }
    }
}

/// What the worker reports back.
#[derive(Debug)]
pub enum DeskEvent {
    Opened {
        /// The registry with its table indexes, built on the worker so the window never waits for it.
        index: Box<RegistryIndex>,
        key_status: KeyStatus,
        load_ms: u128,
    },
    /// The registry was not opened (or was refused by the check that followed the opening).
    OpenFailed(Arc<WorkerError>),
    /// A long task's progress, 0..=1.
    Progress {
        task: &'static str,
        fraction: f32,
    },
    TaskFailed {
        task: &'static str,
        error: WorkerError,
    },
    /// Another desk committed: here is the registry as it is now.
    Reloaded(Box<RegistryIndex>),
    SiteSaved(SiteRecord),
    CameraSaved(CameraRecord),
    SaveFailed(SaveProblem),
    History {
        camera_id: CameraId,
        events: Vec<StageEventRecord>,
        audit: Vec<AuditEntry>,
    },
    Audit(Vec<AuditEntry>),
    Thumbnails(Vec<(CameraId, Arc<Vec<u8>>)>),
    /// The demo registry's cameras are being answered for on loopback (`cameras`, by `processes` processes), or
    /// why not.
    Simulating {
        cameras: usize,
        processes: usize,
        /// Cameras nobody answers for (see [`crate::services::demo::simulator::DeskSimulationStart`]), sorted.
        not_simulated: Arc<Vec<CameraId>>,
        helpers_failed: Option<String>,
    },
    SimulatorFailed(WorkerError),
    /// One camera's latest health and its runs over the last 7 days (for the details panel).
    HealthRuns {
        camera_id: CameraId,
        record: Option<HealthRecord>,
        runs: Vec<HealthRun>,
    },
    /// Both boundary layers (wards, police stations), each sorted by name.
    Boundaries(Vec<BoundaryArea>),
    /// A week's review figures: from the cache at once (`is_updating` when they are being counted again), or
    /// just counted.
    Weekly {
        report: Box<crate::services::review::weekly::WeeklyReport>,
        series: Vec<crate::services::review::weekly::WeekPoint>,
        /// When they were counted, unix seconds.
        computed_unix_s: i64,
        /// Newer figures are being counted and will follow.
        is_updating: bool,
    },
    BoundariesImported {
        kind: BoundaryKind,
        count: usize,
    },
    /// The blocked integrations, grouped and summed up.
    Blocked(Box<BlockedList>),
    FollowUpSaved(FollowUpRecord),
    /// The note was not written (empty, too long, the camera gone, the file busy).
    FollowUpFailed {
        camera_id: CameraId,
        problem: SaveProblem,
    },
    /// The import was written (what), or why not (nothing of it was).
    ImportCommitted(Result<crate::services::exchange::import::commit::Written, Arc<WorkerError>>),
    ImportProfiles(Vec<crate::model::import::ImportProfile>),
    /// The printable weekly report was written to `path`, or why not (nothing was left there then).
    WeeklyReportWritten {
        path: PathBuf,
        result: Result<
            crate::services::exchange::export::Written,
            crate::services::review::weekly_report::ReportError,
        >,
    },
    /// The file was refused (the areas stay as they were).
    BoundaryImportRefused(BoundaryError),
    BoundaryImportFailed(StoreError),
}

/// How the desk answers for a demo registry's cameras.
#[derive(Debug, Clone)]
pub enum DemoCameras {
    /// Not at all: they are simulated elsewhere (a benchmark, a separate `iccc-desk simulate`).
    Elsewhere,
    /// The desk answers for them; `program` (this program) is started as helper simulator processes when one
    /// process's open-file limit cannot cover every camera's sockets.
    Simulated { program: Option<PathBuf> },
}

/// The UI's handle on the worker thread.
pub struct DeskService {
    commands: Sender<DeskCommand>,
    events: Receiver<DeskEvent>,
    cancel: Arc<AtomicBool>,
}

impl DeskService {
    /// Starts the worker: it opens `db`, loads the snapshot and waits for commands.
    /// `wake` is called after each event is sent (the UI passes its repaint request).
    /// `demo`: whether the desk answers for a demo registry's cameras on loopback while it is open (see
    /// [`crate::services::demo::simulator`]).
    pub fn start(
        db: PathBuf,
        key_dir: PathBuf,
        demo: DemoCameras,
        clock: Clock,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> Self {
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (ev_tx, ev_rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let worker_cancel = cancel.clone();
        let spawned = std::thread::Builder::new()
            .name("registry-worker".into())
            .spawn(move || {
                let out = Outbox {
                    tx: ev_tx,
                    wake,
                    clock,
                };
                worker(&db, &key_dir, &demo, &cmd_rx, &out, &worker_cancel);
            });
        if let Err(e) = spawned {
            // Without the worker nothing can be read; say so on the first frame.
            let (tx, rx) = mpsc::channel();
            tracing::error!("cannot start the registry worker thread: {e}");
            let _ = tx.send(DeskEvent::OpenFailed(Arc::new(WorkerError::Thread {
                thread: "registry-worker",
                source: e,
            })));
            return Self {
                commands: cmd_tx,
                events: rx,
                cancel,
            };
        }
        Self {
            commands: cmd_tx,
            events: ev_rx,
            cancel,
        }
    }

    pub fn send(&self, command: DeskCommand) {
        // A closed channel means the worker stopped after reporting why; nothing more to do here.
        let _ = self.commands.send(command);
    }

    /// The next event, if one is waiting.
    pub fn try_recv(&self) -> Option<DeskEvent> {
        self.events.try_recv().ok()
    }

    /// Asks a running long task (demo load) to stop.
    pub fn cancel_task(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

#[derive(Clone)]
struct Outbox {
    tx: Sender<DeskEvent>,
    wake: Arc<dyn Fn() + Send + Sync>,
    /// The desk's clock, which the worker and the review reader read (and wait on) too.
    clock: Clock,
}

/// Work for the review reader: long reads of the whole stage history (4 to 11 s at 200,000 cameras on a loaded
/// 2-core machine) that must not hold up the worker's saves.
enum ReviewJob {
    Weekly {
        week: crate::services::review::weekly::IsoWeek,
        weeks: usize,
    },
    Report {
        week: crate::services::review::weekly::IsoWeek,
        lang: crate::i18n::Lang,
        path: PathBuf,
    },
}

/// Starts the review reader: its own read-only connection, a lowered priority, and only the newest of several
/// waiting weekly requests (a supervisor paging back through the weeks) is computed.
fn start_review_reader(db: PathBuf, out: Outbox) -> std::io::Result<Sender<ReviewJob>> {
    let (tx, rx) = mpsc::channel::<ReviewJob>();
    std::thread::Builder::new()
        .name("review-reader".into())
        .spawn(move || {
            crate::services::background::lower_this_thread_priority();
            while let Ok(first) = rx.recv() {
                let mut jobs = vec![first];
                jobs.extend(rx.try_iter());
                let newest_weekly = jobs
                    .iter()
                    .rposition(|j| matches!(j, ReviewJob::Weekly { .. }));
                for (i, job) in jobs.into_iter().enumerate() {
                    match job {
                        ReviewJob::Weekly { week, weeks } => {
                            if Some(i) == newest_weekly {
                                load_weekly(&db, week, weeks, &out);
                            }
                        }
                        ReviewJob::Report { week, lang, path } => {
                            write_report(&db, week, lang, path, &out);
                        }
                    }
                }
            }
        })?;
    Ok(tx)
}

/// Counts the week's figures, sends them, then keeps them in the review cache for the next opening.
fn load_weekly(
    db: &std::path::Path,
    week: crate::services::review::weekly::IsoWeek,
    weeks: usize,
    out: &Outbox,
) {
    use crate::services::review::weekly::{cache_figures, count_figures};
    let computed_unix_s = out.clock.now_unix_s();
    let result = crate::services::review::weekly::open_read_only(db)
        .and_then(|reader| count_figures(&reader, week, weeks));
    match result {
        Ok((figures, mark)) => {
            out.send(DeskEvent::Weekly {
                report: Box::new(figures.report.clone()),
                series: figures.series.clone(),
                computed_unix_s,
                is_updating: false,
            });
            // Best effort: a busy or refused write leaves the figures to be counted again next time.
            let _ = crate::store::open_review_cache_writer(db).and_then(|conn| {
                cache_figures(&conn, week, weeks, &figures, mark, computed_unix_s)
            });
        }
        Err(e) => out.task_failed("weekly", e.into()),
    }
}

/// Sends the cached figures of `week`, if any, as being counted again (they are only what was last counted).
fn send_cached_weekly(
    store: &Store,
    week: crate::services::review::weekly::IsoWeek,
    weeks: usize,
    out: &Outbox,
) {
    let now = out.clock.now_unix_s();
    // An unreadable cache is no cache: the figures are counted as before.
    let Ok(Some(cached)) =
        crate::services::review::weekly::cached_figures(&store.reports(), week, weeks, now)
    else {
        return;
    };
    out.send(DeskEvent::Weekly {
        report: Box::new(cached.figures.report),
        series: cached.figures.series,
        computed_unix_s: cached.computed_unix_s,
        is_updating: true,
    });
}

fn write_report(
    db: &std::path::Path,
    week: crate::services::review::weekly::IsoWeek,
    lang: crate::i18n::Lang,
    path: PathBuf,
    out: &Outbox,
) {
    use crate::services::review::weekly_report::{ReportError, write_report_for_week};
    // The desk picked the folder (the user's cache), so it may make it; `create_dir_all("")` is a no-op.
    let folder = path.parent().unwrap_or(std::path::Path::new(""));
    let result = std::fs::create_dir_all(folder)
        .map_err(|e| {
            ReportError::Write(crate::services::exchange::export::ExportError::from_io(
                &path, &e,
            ))
        })
        .and_then(|()| {
            crate::services::review::weekly::open_read_only(db).map_err(ReportError::Read)
        })
        .and_then(|reader| {
            write_report_for_week(
                &reader,
                Some(db),
                week,
                &crate::i18n::I18n::new(lang),
                out.clock.now_unix_s(),
                &path,
            )
        });
    out.send(DeskEvent::WeeklyReportWritten { path, result });
}

impl Outbox {
    fn send(&self, event: DeskEvent) {
        let _ = self.tx.send(event);
        (self.wake)();
    }

    /// Reports a failed task to the UI and to the log.
    fn task_failed(&self, task: &'static str, error: WorkerError) {
        tracing::warn!(task, "task failed: {error}");
        self.send(DeskEvent::TaskFailed { task, error });
    }

    /// Reports that the registry cannot be shown, to the UI and to the log.
    fn open_failed(&self, error: WorkerError) {
        tracing::error!("the registry was not opened: {error}");
        self.send(DeskEvent::OpenFailed(Arc::new(error)));
    }
}

/// Reads the registry and builds the indexes the table needs (all rows, default order).
fn load(store: &Store, out: &Outbox) -> Option<Box<RegistryIndex>> {
    match store
        .load_snapshot()
        .and_then(|s| Ok((s, store.health_states()?)))
    {
        Ok((s, health)) => {
            let mut index = RegistryIndex::with_health(Arc::new(s), health);
            index.apply(&Filters::default());
            // Building the index passed through copies of every row; they are free now.
            crate::services::background::give_back_freed_memory();
            Some(Box::new(index))
        }
        Err(e) => {
            out.open_failed(e.into());
            None
        }
    }
}

fn worker(
    db: &std::path::Path,
    key_dir: &std::path::Path,
    demo: &DemoCameras,
    commands: &Receiver<DeskCommand>,
    out: &Outbox,
    cancel: &AtomicBool,
) {
    let started = Instant::now();
    let options = OpenOptions {
        key_dir: key_dir.to_path_buf(),
    };
    // SQLite's integrity check takes about a second at 200,000 cameras: the registry is shown meanwhile, and
    // nothing is written before the check says the file is sound.
    let (mut store, check) = match Store::open_checking_later(db, &options) {
        Ok(s) => s,
        Err(e) => {
            out.open_failed(e.into());
            return;
        }
    };
    let mut check = Some(check);
    let check_fails = |check: &mut Option<crate::store::PendingCheck>, wait: bool| {
        if !wait && !check.as_ref().is_some_and(|c| c.is_done()) {
            return false;
        }
        match check.take().map(crate::store::PendingCheck::wait) {
            Some(Err(e)) => {
                out.open_failed(e.into());
                true
            }
            _ => false,
        }
    };
    let Some(index) = load(&store, out) else {
        return;
    };
    // This week's review figures as last counted, ahead of the registry, so the review opens on them.
    send_cached_weekly(
        &store,
        crate::services::review::weekly::IsoWeek::containing(out.clock.now_unix_s()),
        crate::services::review::weekly::REVIEW_CHART_WEEKS,
        out,
    );
    out.send(DeskEvent::Opened {
        index,
        key_status: store.key_status(),
        load_ms: started.elapsed().as_millis(),
    });
    let mut simulator = None;
    if store.is_demo().unwrap_or(false) {
        simulator = start_simulator(&store, demo, key_dir, out);
    }
    let mut review: Option<Sender<ReviewJob>> = None;
    let mut others = OtherWriters::new(&store);
    let mut trimmed = Instant::now();
    loop {
        let command = match out.clock.recv_timeout(commands, EXTERNAL_POLL) {
            Ok(c) => c,
            Err(RecvTimeoutError::Timeout) => {
                if check_fails(&mut check, false) {
                    return;
                }
                others.look(&store, out);
                // Filters, wall orders, cluster builds and sweeps free big buffers on many threads: hand the
                // freed heap back now and then, so the window does not keep the most it ever needed.
                if trimmed.elapsed() >= TRIM_EVERY {
                    crate::services::background::give_back_freed_memory();
                    trimmed = Instant::now();
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if check_fails(&mut check, true) {
            return;
        }
        let loads_demo = matches!(command, DeskCommand::LoadDemo { .. });
        handle(&mut store, command, out, cancel, &mut review);
        if loads_demo && simulator.is_none() && store.is_demo().unwrap_or(false) {
            simulator = start_simulator(&store, demo, key_dir, out);
        }
        others.after_own_command(&store);
    }
}

/// What the worker last saw of other connections' writes (other desks, `iccc-desk import`, the prober), so it
/// reloads when another desk changed the registry.
struct OtherWriters {
    /// `PRAGMA data_version`: moves when another connection commits (never for this connection's commits).
    version: i64,
    /// The newest audit id: moves with every registry change (never with health results).
    revision: i64,
}

impl OtherWriters {
    fn new(store: &Store) -> Self {
        Self {
            version: store.data_version().unwrap_or(0),
            revision: store.registry_revision().unwrap_or(0),
        }
    }

    /// Reloads when another connection changed the registry since the last look; never for the health results
    /// a prober writes every second.
    fn look(&mut self, store: &Store, out: &Outbox) {
        let now = store.data_version().unwrap_or(self.version);
        if now == self.version {
            return;
        }
        self.version = now;
        let revision = store.registry_revision().unwrap_or(self.revision);
        if revision != self.revision {
            self.revision = revision;
            if let Some(s) = load(store, out) {
                out.send(DeskEvent::Reloaded(s));
            }
        }
    }

    /// After one of this desk's own commands. Its own changes move the revision; when nobody else committed
    /// since the last look, the revision is all ours and the mark moves on. When somebody did (another desk's
    /// change just before our save), the marks stay, so the next look reloads and shows their change too.
    fn after_own_command(&mut self, store: &Store) {
        let now = store.data_version().unwrap_or(self.version);
        if now == self.version {
            self.revision = store.registry_revision().unwrap_or(self.revision);
        }
    }
}

/// A demo registry comes alive: its cameras are answered for on their loopback addresses, so the wall has
/// something real to probe. Another simulator on the same addresses (a second desk) is fine: say so and go on.
fn start_simulator(
    store: &Store,
    demo: &DemoCameras,
    key_dir: &std::path::Path,
    out: &Outbox,
) -> Option<DeskSimulation> {
    let DemoCameras::Simulated { program } = demo else {
        return None;
    };
    match crate::services::demo::simulator::start_for_desk(
        store,
        key_dir,
        program.as_deref(),
        out.clock.clone(),
    ) {
        Ok(started) => {
            out.send(DeskEvent::Simulating {
                cameras: started.cameras,
                processes: started.processes,
                not_simulated: Arc::new(started.not_simulated),
                helpers_failed: started.helpers_failed,
            });
            Some(started.simulation)
        }
        Err(e) => {
            tracing::warn!("the demo cameras are not simulated: {e}");
            out.send(DeskEvent::SimulatorFailed(e.into()));
            None
        }
    }
}

/// Hands a job to the review reader, starting it on first use.
fn review_job(store: &Store, out: &Outbox, review: &mut Option<Sender<ReviewJob>>, job: ReviewJob) {
    let sent = match review {
        Some(tx) => tx.send(job).map_err(|mpsc::SendError(job)| {
            (job, std::io::Error::other("the review reader stopped"))
        }),
        None => match start_review_reader(store.path().to_path_buf(), out.clone()) {
            Ok(tx) => {
                let sent = tx.send(job).map_err(|mpsc::SendError(job)| {
                    (job, std::io::Error::other("the review reader stopped"))
                });
                *review = Some(tx);
                sent
            }
            Err(e) => Err((job, e)),
        },
    };
    let Err((job, refused)) = sent else { return };
    // No reader thread (the system refused one): say so rather than leave the screen waiting.
    *review = None;
    let task = match job {
        ReviewJob::Weekly { .. } => "weekly",
        ReviewJob::Report { .. } => "weekly report",
    };
    out.task_failed(
        task,
        WorkerError::Thread {
            thread: "review-reader",
            source: refused,
        },
    );
}

/// One command; each family of commands has its own function.
fn handle(
    store: &mut Store,
    command: DeskCommand,
    out: &Outbox,
    cancel: &AtomicBool,
    review: &mut Option<Sender<ReviewJob>>,
) {
    let actor = Actor::os_user_at(out.clock.now_unix_s());
    match command {
        DeskCommand::SaveSite { .. }
        | DeskCommand::SaveCamera { .. }
        | DeskCommand::ChangeStage { .. }
        | DeskCommand::AddFollowUp { .. } => handle_save(store, &actor, command, out),
        DeskCommand::LoadDemo { .. }
        | DeskCommand::ImportCommit { .. }
        | DeskCommand::LoadImportProfiles
        | DeskCommand::SaveImportProfile(_)
        | DeskCommand::ImportBoundaries { .. } => handle_file(store, &actor, command, out, cancel),
        DeskCommand::LoadWeekly { week, weeks } => {
            // The cached figures at once, then always counted again in the background and shown instead: a cache
            // row edited outside the desk (its marks kept) must not stand for the figures.
            send_cached_weekly(store, week, weeks, out);
            review_job(store, out, review, ReviewJob::Weekly { week, weeks });
        }
        DeskCommand::WriteWeeklyReport { week, lang, path } => {
            review_job(store, out, review, ReviewJob::Report { week, lang, path });
        }
        DeskCommand::LoadHistory { .. }
        | DeskCommand::LoadAudit { .. }
        | DeskCommand::LoadThumbnails(_)
        | DeskCommand::LoadHealthRuns { .. }
        | DeskCommand::LoadBoundaries
        | DeskCommand::LoadBlocked { .. } => handle_load(store, command, out),
    }
}

/// Saves of one row by the operator: answered with the saved record or why it was not saved.
fn handle_save(store: &mut Store, actor: &Actor, command: DeskCommand, out: &Outbox) {
    match command {
        DeskCommand::SaveSite {
            id,
            expected_version,
            site,
        } => {
            let result = match id {
                None => store.add_site(actor, &site),
                Some(id) => store.update_site(actor, id, expected_version, &site),
            };
            out.send(match result {
                Ok(r) => DeskEvent::SiteSaved(r),
                Err(e) => DeskEvent::SaveFailed(e.into()),
            });
        }
        DeskCommand::SaveCamera {
            id,
            site_id,
            expected_version,
            camera,
            password,
        } => {
            let result = match id {
                None => store.add_camera(actor, site_id, &camera, &password),
                Some(id) => store.update_camera(actor, id, expected_version, &camera, &password),
            };
            out.send(match result {
                Ok(r) => DeskEvent::CameraSaved(r),
                Err(e) => DeskEvent::SaveFailed(e.into()),
            });
        }
        DeskCommand::ChangeStage {
            id,
            expected_version,
            change,
        } => {
            out.send(
                match store.change_stage(actor, id, expected_version, &change) {
                    Ok(r) => DeskEvent::CameraSaved(r),
                    Err(e) => DeskEvent::SaveFailed(e.into()),
                },
            );
        }
        DeskCommand::AddFollowUp { camera_id, note } => {
            out.send(match store.add_follow_up(actor, camera_id, &note) {
                Ok(record) => DeskEvent::FollowUpSaved(record),
                Err(e) => DeskEvent::FollowUpFailed {
                    camera_id,
                    problem: e.into(),
                },
            });
        }
        _ => {}
    }
}

/// Work with whole files and many rows: the demo registry, an import, import profiles, boundary layers.
fn handle_file(
    store: &mut Store,
    actor: &Actor,
    command: DeskCommand,
    out: &Outbox,
    cancel: &AtomicBool,
) {
    match command {
        DeskCommand::LoadDemo { cameras, seed } => {
            cancel.store(false, Ordering::Relaxed);
            let options = crate::services::demo::DemoOptions {
                cameras,
                seed,
                now_unix_s: actor.now_unix_s,
                user: actor.user.clone(),
            };
            let progress = |fraction: f32| {
                out.send(DeskEvent::Progress {
                    task: "demo",
                    fraction,
                });
                !cancel.load(Ordering::Relaxed)
            };
            match crate::services::demo::generate(store, &options, &progress) {
                Ok(_) => {
                    tracing::info!(cameras, "demo registry written");
                    if let Some(s) = load(store, out) {
                        out.send(DeskEvent::Reloaded(s));
                    }
                }
                Err(e) => out.task_failed("demo", e.into()),
            }
        }
        DeskCommand::ImportCommit {
            plan,
            revision,
            source_name,
        } => {
            cancel.store(false, Ordering::Relaxed);
            let mut progress = |fraction: f32| {
                out.send(DeskEvent::Progress {
                    task: "import",
                    fraction,
                });
                !cancel.load(Ordering::Relaxed)
            };
            let result = crate::services::exchange::import::commit::commit(
                store,
                actor,
                &plan,
                &source_name,
                revision,
                &mut progress,
            );
            // The file's name only: its rows may carry camera addresses and passwords.
            match &result {
                Ok(w) => tracing::info!(
                    sites = w.sites,
                    added = w.cameras_added,
                    updated = w.cameras_updated,
                    "import written"
                ),
                Err(e) => tracing::warn!("import not written: {e}"),
            }
            let committed = result.is_ok();
            out.send(DeskEvent::ImportCommitted(
                result.map_err(|e| Arc::new(e.into())),
            ));
            if committed && let Some(s) = load(store, out) {
                out.send(DeskEvent::Reloaded(s));
            }
        }
        DeskCommand::LoadImportProfiles => match store.import_profiles() {
            Ok(p) => out.send(DeskEvent::ImportProfiles(p)),
            Err(e) => out.task_failed("import profiles", e.into()),
        },
        DeskCommand::SaveImportProfile(profile) => {
            match store
                .save_import_profile(actor, &profile)
                .and_then(|()| store.import_profiles())
            {
                Ok(p) => out.send(DeskEvent::ImportProfiles(p)),
                Err(e) => out.task_failed("import profiles", e.into()),
            }
        }
        DeskCommand::ImportBoundaries {
            kind,
            source_name,
            text,
            name_property,
            code_property,
        } => {
            let areas = match crate::services::map::boundaries::read_areas(
                &text,
                kind,
                &name_property,
                code_property.as_deref(),
            ) {
                Ok(areas) => areas,
                Err(e) => {
                    tracing::warn!("boundary file refused: {e}");
                    out.send(DeskEvent::BoundaryImportRefused(e));
                    return;
                }
            };
            match store.import_boundaries(actor, kind, &source_name, &areas) {
                Ok(count) => {
                    tracing::info!(count, "boundary areas imported");
                    out.send(DeskEvent::BoundariesImported { kind, count })
                }
                Err(e) => {
                    tracing::warn!("boundary areas not imported: {e}");
                    out.send(DeskEvent::BoundaryImportFailed(e))
                }
            }
        }
        _ => {}
    }
}

/// Reads for the screens: history, audit, thumbnails, health runs, boundaries, the blocked list.
fn handle_load(store: &mut Store, command: DeskCommand, out: &Outbox) {
    match command {
        DeskCommand::LoadThumbnails(ids) => {
            let thumbs = ids
                .into_iter()
                .filter_map(|id| {
                    store
                        .thumbnail(id)
                        .ok()
                        .flatten()
                        .map(|t| (id, Arc::new(t)))
                })
                .collect();
            out.send(DeskEvent::Thumbnails(thumbs));
        }
        DeskCommand::LoadBlocked { registry, order } => {
            match crate::services::exchange::export::block_details(&store.reports()) {
                Ok(details) => out.send(DeskEvent::Blocked(Box::new(
                    crate::services::review::blocked::blocked_list(&registry, &details, order),
                ))),
                Err(e) => out.task_failed("blocked", e.into()),
            }
        }
        DeskCommand::LoadBoundaries => {
            let mut areas = Vec::new();
            for kind in BoundaryKind::ALL {
                match store.boundaries(kind) {
                    Ok(mut layer) => areas.append(&mut layer),
                    Err(e) => {
                        out.task_failed("boundaries", e.into());
                        return;
                    }
                }
            }
            out.send(DeskEvent::Boundaries(areas));
        }
        DeskCommand::LoadHealthRuns { camera_id } => {
            let since = out.clock.now_unix_s() - 7 * 24 * 3600;
            let runs = store.health_runs(camera_id, since).unwrap_or_default();
            let record = store.health_of(&[camera_id]).ok().and_then(|mut r| r.pop());
            out.send(DeskEvent::HealthRuns {
                camera_id,
                record,
                runs,
            });
        }
        DeskCommand::LoadAudit { limit } => match store.audit_entries(None, limit) {
            Ok(entries) => out.send(DeskEvent::Audit(entries)),
            Err(e) => out.task_failed("audit", e.into()),
        },
        DeskCommand::LoadHistory { camera_id } => {
            let events = store.camera_history(camera_id).unwrap_or_default();
            let audit = store
                .audit_entries(Some(("camera", camera_id)), 50)
                .unwrap_or_default();
            out.send(DeskEvent::History {
                camera_id,
                events,
                audit,
            });
        }
        _ => {}
    }
}
