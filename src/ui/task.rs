//! Background tasks of the screens (rerun's `background_tasks.rs`): work that would freeze a frame — reading a
//! file, a native file dialog, ordering 200,000 wall tiles — runs on a named thread of its own, and the screen
//! polls a [`TaskHandle`] once a frame. The task may say how far it got and sees when it is cancelled; the
//! window is woken when it progresses or ends, so nothing polls on a timer.
//!
//! Every way a task can end arrives as a value: its result, its own typed error, [`TaskError::NotStarted`]
//! when the system refused a thread, [`TaskError::Panicked`] for a panic (never a spinner that turns for ever),
//! or [`TaskError::Cancelled`]. A handle that is dropped or cancelled never yields the task's result: a newer
//! query or a left screen throws the stale answer away. This is the only UI file that starts threads (checked
//! by `architecture_tests`).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Mutex};

/// How far a task got.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// 0.0 to 1.0.
    pub fraction: f32,
    /// An i18n key naming the step under way, when the task has several.
    pub step_key: Option<&'static str>,
}

/// Why a task gave no result.
#[derive(Debug, thiserror::Error)]
pub enum TaskError<E> {
    /// The system refused a thread (too many threads, or no memory for its stack).
    #[error("{name} could not start: the system refused a thread ({source})")]
    NotStarted {
        name: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The task ran and failed.
    #[error("{0}")]
    Failed(E),
    /// The handle was cancelled; whatever the task returned was thrown away.
    #[error("{name} was cancelled")]
    Cancelled { name: &'static str },
    /// The task panicked (a bug); the panic's message.
    #[error("{name} stopped on an internal error: {message}")]
    Panicked { name: &'static str, message: String },
}

impl<E: std::error::Error + 'static> TaskError<E> {
    /// The error as one sentence in the desk's language, and the technical text as details.
    /// The task's own error is said as the workers' errors are ([`crate::services::error_words::error_text`]);
    /// a refused thread, a cancel and a panic come from the catalogue, naming the task.
    pub fn words(&self, i18n: &crate::i18n::I18n) -> (String, String) {
        use crate::services::error_words::{error_text, io_kind_key};
        let words = match self {
            Self::Failed(e) => return error_text(i18n, e),
            Self::NotStarted { name, source } => i18n.tr_args(
                "worker-error-thread",
                &[
                    ("thread", (*name).to_string()),
                    ("reason", i18n.tr(io_kind_key(source.kind()))),
                ],
            ),
            Self::Cancelled { name } => {
                i18n.tr_args("task-cancelled", &[("task", (*name).to_string())])
            }
            Self::Panicked { name, .. } => {
                i18n.tr_args("task-panicked", &[("task", (*name).to_string())])
            }
        };
        (words, self.to_string())
    }
}

/// What the task and its handle share.
#[derive(Default)]
struct Shared {
    is_cancelled: AtomicBool,
    progress: Mutex<Option<Progress>>,
}

/// Given to the task: report progress, see whether it was cancelled.
pub struct TaskContext {
    shared: Arc<Shared>,
    wake: egui::Context,
}

impl TaskContext {
    /// True once the handle was cancelled or dropped: the task may stop early (what it returns is dropped).
    pub fn is_cancelled(&self) -> bool {
        self.shared.is_cancelled.load(Ordering::Relaxed)
    }

    /// `done` of `total` items are done.
    pub fn progress(&self, done: u64, total: u64) {
        self.progress_step(done, total, None);
    }

    /// `done` of `total` items of the step named by `step_key` (an i18n key) are done.
    pub fn progress_step(&self, done: u64, total: u64, step_key: Option<&'static str>) {
        let fraction = if total == 0 {
            0.0
        } else {
            (done.min(total) as f64 / total as f64) as f32
        };
        let now = Some(Progress { fraction, step_key });
        let Ok(mut shown) = self.shared.progress.lock() else {
            return;
        };
        // A task may report for each of 200,000 rows: the window wakes only when the bar would move (1/1000).
        let moved = shown.is_none_or(|p| {
            p.step_key != step_key || (p.fraction * 1000.0) as u32 != (fraction * 1000.0) as u32
        });
        *shown = now;
        drop(shown);
        if moved {
            self.wake.request_repaint();
        }
    }
}

/// A task running on its own thread; poll it once a frame with [`poll`] or [`TaskHandle::try_finish`].
/// Dropping it cancels the task.
pub struct TaskHandle<T, E> {
    name: &'static str,
    shared: Arc<Shared>,
    outcome: Receiver<Result<T, TaskError<E>>>,
    /// The outcome, once [`TaskHandle::block_until_ended`] received it.
    ended: Option<Result<T, TaskError<E>>>,
}

/// Starts `work` on a thread called `name`; `ctx` is woken when it progresses and when it ends.
pub fn spawn<T, E>(
    ctx: &egui::Context,
    name: &'static str,
    work: impl FnOnce(&TaskContext) -> Result<T, E> + Send + 'static,
) -> TaskHandle<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    spawn_with(ctx, name, work, |name, job| {
        std::thread::Builder::new()
            .name(name.into())
            .spawn(job)
            .map(drop)
    })
}

/// A task's body as the thread runs it.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// [`spawn`] with the thread started by `start` (tests refuse it).
fn spawn_with<T, E>(
    ctx: &egui::Context,
    name: &'static str,
    work: impl FnOnce(&TaskContext) -> Result<T, E> + Send + 'static,
    start: impl FnOnce(&'static str, Job) -> std::io::Result<()>,
) -> TaskHandle<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    let shared = Arc::new(Shared::default());
    let (tx, rx) = mpsc::channel();
    let task = TaskContext {
        shared: Arc::clone(&shared),
        wake: ctx.clone(),
    };
    let job: Job = Box::new(move || {
        // A panic is a bug, but the screen must hear of it rather than wait for ever.
        let result = match std::panic::catch_unwind(AssertUnwindSafe(|| work(&task))) {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(TaskError::Failed(e)),
            Err(payload) => Err(TaskError::Panicked {
                name,
                message: panic_message(payload.as_ref()),
            }),
        };
        // Nobody is listening once the handle was dropped; the result goes with the channel.
        let _ = tx.send(result);
        task.wake.request_repaint();
    });
    let outcome = match start(name, job) {
        Ok(()) => rx,
        Err(source) => {
            let (tx, rx) = mpsc::channel();
            let _ = tx.send(Err(TaskError::NotStarted { name, source }));
            rx
        }
    };
    TaskHandle {
        name,
        shared,
        outcome,
        ended: None,
    }
}

impl<T, E> TaskHandle<T, E> {
    /// The thread's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The last progress the task reported.
    pub fn progress(&self) -> Option<Progress> {
        self.shared.progress.lock().ok().and_then(|p| *p)
    }

    /// Tells the task to stop; its result will not be given.
    pub fn cancel(&self) {
        self.shared.is_cancelled.store(true, Ordering::Relaxed);
    }

    /// Never blocks: the outcome once the task ended, or the handle back while it runs. A cancelled handle
    /// answers [`TaskError::Cancelled`] at once, whether or not its thread has stopped yet.
    pub fn try_finish(mut self) -> Result<Result<T, TaskError<E>>, Self> {
        let name = self.name;
        if self.is_cancelled() {
            // Whatever the task returns now answers a question nobody asks any more.
            return Ok(Err(TaskError::Cancelled { name }));
        }
        if let Some(outcome) = self.ended.take() {
            return Ok(outcome);
        }
        match self.outcome.try_recv() {
            Ok(outcome) => Ok(outcome),
            Err(TryRecvError::Empty) => Err(self),
            // The thread went without sending: only an abort in the panic machinery does that.
            Err(TryRecvError::Disconnected) => Ok(Err(TaskError::Panicked {
                name,
                message: "the thread ended without an answer".into(),
            })),
        }
    }

    fn is_cancelled(&self) -> bool {
        self.shared.is_cancelled.load(Ordering::Relaxed)
    }

    /// Blocks until the task ended (tests; a frame never waits). [`TaskHandle::try_finish`] then gives the
    /// outcome.
    pub fn block_until_ended(&mut self) {
        if self.ended.is_none() {
            self.ended = self.outcome.recv().ok();
        }
    }
}

impl<T, E> Drop for TaskHandle<T, E> {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// The text a panic was raised with (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// Polls the task in `slot` (once a frame): its outcome when it ended, emptying the slot; `None` while it
/// runs or when there is none.
pub fn poll<T, E>(slot: &mut Option<TaskHandle<T, E>>) -> Option<Result<T, TaskError<E>>> {
    let handle = slot.take()?;
    match handle.try_finish() {
        Ok(outcome) => Some(outcome),
        Err(handle) => {
            *slot = Some(handle);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::RecvTimeoutError;
    use std::time::Duration;

    use super::*;

    /// Only a guard against a test that would otherwise hang: nothing here is expected to take long.
    const HANG: Duration = Duration::from_secs(30);

    #[derive(Debug, PartialEq, thiserror::Error)]
    #[error("no luck: {0}")]
    struct NoLuck(u32);

    /// A context that counts repaint requests on a channel.
    fn watched_ctx() -> (egui::Context, Receiver<()>) {
        let ctx = egui::Context::default();
        let (tx, rx) = mpsc::channel();
        ctx.set_repaint_observer(move |_| {
            let _ = tx.send(());
        });
        (ctx, rx)
    }

    fn ended<T, E>(mut handle: TaskHandle<T, E>) -> Result<T, TaskError<E>> {
        handle.block_until_ended();
        match handle.try_finish() {
            Ok(outcome) => outcome,
            Err(_) => panic!("the task ended but gave no outcome"),
        }
    }

    #[test]
    fn the_result_arrives_and_the_window_is_woken() {
        let (ctx, repaints) = watched_ctx();
        let (go, wait) = mpsc::channel::<()>();
        let mut slot = Some(spawn(&ctx, "t-result", move |_| {
            let _ = wait.recv();
            Ok::<_, NoLuck>(std::thread::current().name().map(str::to_string))
        }));
        assert!(poll(&mut slot).is_none(), "still running");
        assert!(slot.is_some());
        go.send(()).unwrap();
        // The wake comes after the outcome is sent: once woken, a frame finds it.
        repaints.recv_timeout(HANG).expect("the window is woken");
        let outcome = poll(&mut slot).expect("the outcome is there when the window wakes");
        assert_eq!(outcome.unwrap(), Some("t-result".to_string()));
        assert!(slot.is_none(), "the spent handle leaves the slot");
    }

    #[test]
    fn a_typed_error_stays_typed() {
        let ctx = egui::Context::default();
        match ended(spawn(&ctx, "t-error", |_| Err::<(), _>(NoLuck(7)))) {
            Err(TaskError::Failed(e)) => assert_eq!(e, NoLuck(7)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn progress_is_seen_and_wakes_the_window() {
        let (ctx, repaints) = watched_ctx();
        let (go, wait) = mpsc::channel::<()>();
        let mut handle = spawn(&ctx, "t-progress", move |task| {
            task.progress_step(1, 4, Some("task-import"));
            let _ = wait.recv();
            Ok::<_, NoLuck>(())
        });
        repaints
            .recv_timeout(HANG)
            .expect("progress wakes the window");
        assert_eq!(
            handle.progress(),
            Some(Progress {
                fraction: 0.25,
                step_key: Some("task-import")
            })
        );
        go.send(()).unwrap();
        handle.block_until_ended();
        assert!(handle.try_finish().is_ok_and(|o| o.is_ok()));
    }

    #[test]
    fn a_cancelled_task_sees_it_and_its_result_is_dropped() {
        let ctx = egui::Context::default();
        let (started, is_started) = mpsc::channel();
        let (saw, saw_cancel) = mpsc::channel();
        let handle = spawn(&ctx, "t-cancel", move |task| {
            let _ = started.send(());
            while !task.is_cancelled() {
                std::thread::yield_now();
            }
            let _ = saw.send(());
            Ok::<_, NoLuck>("stale answer")
        });
        is_started.recv_timeout(HANG).unwrap();
        handle.cancel();
        saw_cancel
            .recv_timeout(HANG)
            .expect("the task sees the cancel");
        match ended(handle) {
            Err(TaskError::Cancelled { name }) => assert_eq!(name, "t-cancel"),
            other => panic!("a cancelled task gave {other:?}"),
        }
    }

    #[test]
    fn dropping_the_handle_cancels_the_task() {
        let ctx = egui::Context::default();
        let (saw, saw_cancel) = mpsc::channel();
        let handle = spawn(&ctx, "t-drop", move |task| {
            while !task.is_cancelled() {
                std::thread::yield_now();
            }
            let _ = saw.send(());
            Ok::<_, NoLuck>(())
        });
        drop(handle);
        assert_eq!(saw_cancel.recv_timeout(HANG), Ok(()));
        // The thread ended without anyone left to take its result.
        assert_eq!(
            saw_cancel.recv_timeout(HANG),
            Err(RecvTimeoutError::Disconnected)
        );
    }

    #[test]
    fn a_panic_becomes_an_error_and_wakes_the_window() {
        let (ctx, repaints) = watched_ctx();
        let handle = spawn(&ctx, "t-panic", |_| -> Result<(), NoLuck> {
            let cells: Vec<u32> = Vec::new();
            let _ = cells[3];
            Ok(())
        });
        match ended(handle) {
            Err(e @ TaskError::Panicked { .. }) => {
                let text = e.to_string();
                assert!(
                    text.starts_with("t-panic stopped on an internal error: index out of bounds"),
                    "{text}"
                );
            }
            other => panic!("a panic gave {other:?}"),
        }
        repaints
            .recv_timeout(HANG)
            .expect("the window is woken to show it");
    }

    #[test]
    fn a_refused_thread_is_an_error_not_a_silence() {
        let ctx = egui::Context::default();
        let refuse = |_: &'static str, _: Job| Err(std::io::Error::other("no more threads"));
        let handle = spawn_with(&ctx, "t-refused", |_| Ok::<(), NoLuck>(()), refuse);
        match ended(handle) {
            Err(e @ TaskError::NotStarted { .. }) => assert_eq!(
                e.to_string(),
                "t-refused could not start: the system refused a thread (no more threads)"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_task_that_did_not_end_well_is_said_in_the_desks_language() {
        use crate::i18n::{I18n, Lang};
        let hindi = I18n::new(Lang::Hi);
        let ctx = egui::Context::default();
        let panicked = ended(spawn(
            &ctx,
            "wall-rows",
            |_| -> Result<(), std::io::Error> { panic!("index out of bounds") },
        ))
        .unwrap_err();
        let refuse = |_: &'static str, _: Job| Err(std::io::Error::other("no more threads"));
        let refused = ended(spawn_with(
            &ctx,
            "map-find",
            |_| Ok::<(), std::io::Error>(()),
            refuse,
        ))
        .unwrap_err();
        let failed: TaskError<std::io::Error> =
            TaskError::Failed(std::io::Error::from(std::io::ErrorKind::NotFound));
        for e in [&panicked, &refused, &failed] {
            let (words, details) = e.words(&hindi);
            for english in [
                "stopped",
                "internal error",
                "could not start",
                "not found",
                "refused",
            ] {
                assert!(!words.contains(english), "{english} in {words}");
            }
            assert!(!details.is_empty(), "the technical text stays as details");
        }
        assert!(panicked.words(&hindi).1.contains("index out of bounds"));
        let english = I18n::new(Lang::En);
        assert!(
            panicked.words(&english).0.contains("wall-rows"),
            "{}",
            panicked.words(&english).0
        );
    }
}
