//! The one place the programme reads the time, so that tests and simulations can set it.
//!
//! Services and screens take a [`Clock`] instead of calling `SystemTime::now` / `Instant::now`: wall time for
//! what is written down (stage events, audit entries, the ISO week, the simulator's minute), monotonic time
//! for what is waited for (the prober's schedule, batch ages and retries, the wall's re-order pause). The app
//! and the CLI use [`Clock::system`]; a test gives a [`ManualClock`] and moves it on by hand, so nothing has
//! to sleep to get past a minute's turn or a poll interval.
//!
//! Besides reading the time a clock can wait on a channel ([`Clock::recv_timeout`]): a background thread that
//! wakes "every 2 s" waits in the clock's time, so a test that advances a manual clock wakes it at once and
//! can then wait until it has done its work ([`ManualClock::settle`]).

use std::collections::HashSet;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where the time comes from: the system, or a hand-set clock. Cheap to clone; clones share one time.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The computer's clock (the desk and the CLI).
    #[default]
    System,
    /// A clock that moves only when told to (tests and simulations).
    Manual(ManualClock),
}

impl Clock {
    /// The computer's clock.
    pub fn system() -> Self {
        Self::System
    }

    /// Wall time, whole seconds since the Unix epoch (0 if the system clock is before 1970).
    pub fn now_unix_s(&self) -> i64 {
        self.now_unix_ms().div_euclid(1000)
    }

    /// Wall time, milliseconds since the Unix epoch (0 if the system clock is before 1970).
    pub fn now_unix_ms(&self) -> i64 {
        match self {
            Self::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64),
            Self::Manual(m) => m.now_unix_ms(),
        }
    }

    /// Monotonic time, for elapsed times and deadlines.
    pub fn now(&self) -> Instant {
        match self {
            Self::System => Instant::now(),
            Self::Manual(m) => m.now(),
        }
    }

    /// Time passed since `earlier` (zero if `earlier` is later), in this clock's time.
    pub fn since(&self, earlier: Instant) -> Duration {
        self.now().saturating_duration_since(earlier)
    }

    /// Waits for a message on `rx` for at most `timeout` of this clock's time: a manual clock's wait ends when
    /// the clock is advanced past it (or a message comes), however long that takes in real time.
    pub fn recv_timeout<T>(
        &self,
        rx: &Receiver<T>,
        timeout: Duration,
    ) -> Result<T, RecvTimeoutError> {
        match self {
            Self::System => rx.recv_timeout(timeout),
            Self::Manual(m) => m.recv_timeout(rx, timeout),
        }
    }
}

/// A clock for tests and simulations: it starts at a given Unix time and moves only by [`ManualClock::advance`]
/// or [`ManualClock::set_unix_s`]. Clones share one time. Not for the desk itself: its waits poll their channel
/// every millisecond in real time (cheap for a test, wasteful for a program left open all day).
#[derive(Debug, Clone)]
pub struct ManualClock {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// Signalled whenever the time moves or a waiting thread comes or goes.
    changed: Condvar,
}

#[derive(Debug)]
struct State {
    /// Monotonic time: this much after `started`.
    elapsed: Duration,
    /// Wall time at `elapsed` zero, milliseconds since the Unix epoch.
    start_unix_ms: i64,
    /// The monotonic origin (a real instant, so `now()` is a real `Instant` that can be compared and added to).
    started: Instant,
    /// Threads waiting in [`Clock::recv_timeout`], with the end of their wait (as `elapsed`).
    waiting: Vec<(ThreadId, Duration)>,
    /// Threads whose wait ran out on this clock and that have not waited again yet (still at work).
    woken: HashSet<ThreadId>,
}

/// How often a wait on a manual clock looks at its channel and at the time, in real time.
const MANUAL_POLL: Duration = Duration::from_millis(1);

impl ManualClock {
    /// A clock that reads `unix_s` until it is moved.
    pub fn starting_at(unix_s: i64) -> Self {
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    elapsed: Duration::ZERO,
                    start_unix_ms: unix_s.saturating_mul(1000),
                    started: Instant::now(),
                    waiting: Vec::new(),
                    woken: HashSet::new(),
                }),
                changed: Condvar::new(),
            }),
        }
    }

    /// The [`Clock`] to hand to services and screens.
    pub fn clock(&self) -> Clock {
        Clock::Manual(self.clone())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic in a test thread poisons the lock; the time itself is still sound.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn now_unix_s(&self) -> i64 {
        self.now_unix_ms().div_euclid(1000)
    }

    pub fn now_unix_ms(&self) -> i64 {
        let s = self.lock();
        s.start_unix_ms + s.elapsed.as_millis() as i64
    }

    pub fn now(&self) -> Instant {
        let s = self.lock();
        s.started + s.elapsed
    }

    /// Moves the clock on (wall and monotonic time alike), ending the waits that this reaches.
    pub fn advance(&self, by: Duration) {
        self.lock().elapsed += by;
        self.shared.changed.notify_all();
    }

    /// Sets the wall time (monotonic time does not go back: it moves on by the difference, or not at all).
    pub fn set_unix_s(&self, unix_s: i64) {
        let mut s = self.lock();
        let now_ms = s.start_unix_ms + s.elapsed.as_millis() as i64;
        let to_ms = unix_s.saturating_mul(1000);
        if to_ms >= now_ms {
            s.elapsed += Duration::from_millis((to_ms - now_ms) as u64);
        } else {
            s.start_unix_ms -= now_ms - to_ms;
        }
        drop(s);
        self.shared.changed.notify_all();
    }

    /// Waits (in real time, at most `limit`) until at least `threads` threads wait on this clock (a background
    /// thread just started has not reached its first wait yet). False if `limit` passed first.
    pub fn wait_for_waiters(&self, threads: usize, limit: Duration) -> bool {
        self.wait_until(limit, |s| s.waiting.len() >= threads)
    }

    /// Waits (in real time, at most `limit`) until every thread whose clock wait the last advance ended has
    /// done its work and waits again (or went away by its channel closing). False if `limit` passed first.
    pub fn settle(&self, limit: Duration) -> bool {
        self.wait_until(limit, |s| {
            let due = s.waiting.iter().any(|&(_, end)| end <= s.elapsed);
            !due && s.woken.is_empty()
        })
    }

    /// Waits (in real time, at most `limit`) until `done` holds of the clock's state; false if `limit` passed
    /// first.
    fn wait_until(&self, limit: Duration, done: impl Fn(&State) -> bool) -> bool {
        let (s, _) = self
            .shared
            .changed
            .wait_timeout_while(self.lock(), limit, |s| !done(s))
            .unwrap_or_else(|e| e.into_inner());
        done(&s)
    }

    fn recv_timeout<T>(&self, rx: &Receiver<T>, timeout: Duration) -> Result<T, RecvTimeoutError> {
        let me = std::thread::current().id();
        {
            let mut s = self.lock();
            let end = s.elapsed.saturating_add(timeout);
            s.woken.remove(&me);
            s.waiting.push((me, end));
        }
        self.shared.changed.notify_all();
        let outcome = loop {
            match rx.recv_timeout(MANUAL_POLL) {
                Ok(message) => break Ok(message),
                Err(RecvTimeoutError::Disconnected) => break Err(RecvTimeoutError::Disconnected),
                Err(RecvTimeoutError::Timeout) => {
                    let s = self.lock();
                    let ended = s
                        .waiting
                        .iter()
                        .any(|&(id, end)| id == me && end <= s.elapsed);
                    if ended {
                        break Err(RecvTimeoutError::Timeout);
                    }
                }
            }
        };
        {
            let mut s = self.lock();
            s.waiting.retain(|&(id, _)| id != me);
            if matches!(outcome, Err(RecvTimeoutError::Timeout)) {
                s.woken.insert(me);
            }
        }
        self.shared.changed.notify_all();
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let manual = ManualClock::starting_at(1_795_564_859);
        let clock = manual.clock();
        let other = clock.clone();
        let at = clock.now();
        assert_eq!(clock.now_unix_s(), 1_795_564_859);
        manual.advance(Duration::from_millis(1_500));
        assert_eq!(other.now_unix_s(), 1_795_564_860);
        assert_eq!(other.now_unix_ms(), 1_795_564_860_500);
        assert_eq!(other.since(at), Duration::from_millis(1_500));
        manual.set_unix_s(1_795_564_800);
        assert_eq!(clock.now_unix_s(), 1_795_564_800, "wall time goes back");
        assert_eq!(
            clock.since(at),
            Duration::from_millis(1_500),
            "monotonic does not"
        );
        manual.set_unix_s(1_795_564_900);
        assert_eq!(clock.since(at), Duration::from_millis(101_500));
    }

    #[test]
    fn a_wait_on_a_manual_clock_ends_when_the_clock_passes_it_and_settle_waits_for_the_work() {
        let manual = ManualClock::starting_at(0);
        let clock = manual.clock();
        let (tx, rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel::<u32>();
        let thread = std::thread::spawn(move || {
            let mut ticks = 0;
            // A poll every 2 s of clock time, until the channel closes.
            while let Err(RecvTimeoutError::Timeout) =
                clock.recv_timeout(&rx, Duration::from_secs(2))
            {
                ticks += 1;
                done_tx.send(ticks).unwrap();
            }
        });
        assert!(manual.wait_for_waiters(1, Duration::from_secs(10)));
        manual.advance(Duration::from_millis(1_999));
        assert!(manual.settle(Duration::from_secs(10)));
        assert!(done_rx.try_recv().is_err(), "not yet 2 s");
        manual.advance(Duration::from_millis(1));
        assert!(manual.settle(Duration::from_secs(10)));
        assert_eq!(
            done_rx.try_recv(),
            Ok(1),
            "one tick, done before settle returned"
        );
        manual.advance(Duration::from_secs(2));
        assert!(manual.settle(Duration::from_secs(10)));
        assert_eq!(done_rx.try_recv(), Ok(2));
        drop(tx);
        thread.join().unwrap();
        assert!(manual.settle(Duration::from_secs(10)));
    }

    #[test]
    fn the_system_clock_reads_the_computer_time() {
        let clock = Clock::system();
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!((clock.now_unix_s() - real).abs() <= 1);
        let (_tx, rx) = mpsc::channel::<()>();
        assert_eq!(
            clock.recv_timeout(&rx, Duration::ZERO),
            Err(RecvTimeoutError::Timeout)
        );
    }
}
