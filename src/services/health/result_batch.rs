//! How probe results reach the registry, shared by the desk's prober ([`super::monitor`]) and `iccc-desk probe`:
//! in batches (so a sweep of thousands of cameras is a few transactions), soon enough that a slow or paced
//! sweep shows its results as it goes, and held in memory while another program holds the write lock (a long
//! import) instead of stopping the sweep.

use std::time::{Duration, Instant};

use crate::model::Clock;
use crate::store::{Observation, Store, StoreError};

/// Results are written in batches of this many, or after [`BATCH_AGE`], whichever comes first.
pub const BATCH: usize = 100;
/// A slow or paced sweep still writes (and shows) its results within this long.
pub const BATCH_AGE: Duration = Duration::from_millis(500);
/// After the registry was found busy, the next write is tried this much later (each try waits up to the
/// store's busy timeout, which would otherwise slow the sweep to a crawl).
pub const HELD_RETRY: Duration = Duration::from_secs(5);
/// Most results held while the registry is busy; past this the oldest are dropped (their cameras are probed
/// again anyway), so a registry locked for hours cannot fill the memory.
pub const MAX_HELD: usize = 100_000;

/// What a write did.
#[derive(Debug)]
pub enum Written {
    /// These results are in the registry now (none when nothing was waiting).
    Stored(Vec<Observation>),
    /// Another program holds the write lock: this many results stay held for a later try.
    Held(usize),
}

/// Results waiting for the registry.
#[derive(Debug)]
pub struct ResultBatcher {
    pending: Vec<Observation>,
    /// When the last batch was written (or the sweep began): the age a batch is measured from.
    last_write_at: Instant,
    /// After a busy registry: no write is tried before this.
    retry_at: Option<Instant>,
    max_held: usize,
    /// Batch ages and retries are measured on this clock.
    clock: Clock,
}

impl Default for ResultBatcher {
    fn default() -> Self {
        Self::new(MAX_HELD)
    }
}

impl ResultBatcher {
    /// A batcher that holds at most `max_held` results while the registry is busy.
    pub fn new(max_held: usize) -> Self {
        Self::with_clock(max_held, Clock::system())
    }

    /// [`ResultBatcher::new`] measuring batch ages and retries on `clock`.
    pub fn with_clock(max_held: usize, clock: Clock) -> Self {
        Self {
            pending: Vec::with_capacity(BATCH),
            last_write_at: clock.now(),
            retry_at: None,
            max_held: max_held.max(1),
            clock,
        }
    }

    /// Results not yet written (held by a busy registry, or waiting for their batch).
    pub fn pending(&self) -> &[Observation] {
        &self.pending
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// A sweep begins: its first batch is measured from now.
    pub fn begin_sweep(&mut self) {
        self.last_write_at = self.clock.now();
    }

    /// Whether a write may be tried now: not within [`HELD_RETRY`] of finding the registry busy.
    pub fn may_try(&self) -> bool {
        self.retry_at.is_none_or(|t| self.clock.now() >= t)
    }

    /// Takes one result; writes the batch when it is full or old enough (and the registry was not just found
    /// busy). `None` when nothing was tried.
    pub fn add(
        &mut self,
        store: &mut Store,
        observation: Observation,
    ) -> Result<Option<Written>, StoreError> {
        self.pending.push(observation);
        let batch_due =
            self.pending.len() >= BATCH || self.clock.since(self.last_write_at) >= BATCH_AGE;
        if !batch_due || !self.may_try() {
            return Ok(None);
        }
        self.write(store).map(Some)
    }

    /// Writes what is waiting now, whatever its size.
    pub fn write(&mut self, store: &mut Store) -> Result<Written, StoreError> {
        if self.pending.is_empty() {
            self.retry_at = None;
            return Ok(Written::Stored(Vec::new()));
        }
        match store.record_observations(&self.pending) {
            Ok(()) => {
                self.retry_at = None;
                self.last_write_at = self.clock.now();
                Ok(Written::Stored(std::mem::take(&mut self.pending)))
            }
            Err(StoreError::Busy) => {
                let excess = self.pending.len().saturating_sub(self.max_held);
                self.pending.drain(..excess);
                self.retry_at = Some(self.clock.now() + HELD_RETRY);
                Ok(Written::Held(self.pending.len()))
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Camera, Finding, HealthState, Site};
    use crate::store::{Actor, OpenOptions, PasswordEdit};

    fn offline(camera_id: i64, at_unix_s: i64) -> Observation {
        Observation {
            camera_id,
            at_unix_s,
            finding: Finding {
                state: HealthState::Offline,
                ..Default::default()
            },
        }
    }

    /// A registry with one camera; its id.
    fn registry(dir: &std::path::Path) -> (Store, i64) {
        let db = dir.join("registry.sqlite");
        let mut store = Store::open(
            &db,
            &OpenOptions {
                key_dir: dir.join("keys"),
            },
        )
        .unwrap();
        let actor = Actor {
            user: "test".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = Site::blank();
        site.name_en = "Jhansi Fort".into();
        let site = store.add_site(&actor, &site).unwrap();
        let mut camera = Camera::blank_at(25.45, 78.57);
        camera.label = "Gate".into();
        let camera = store
            .add_camera(&actor, site.id, &camera, &PasswordEdit::Keep)
            .unwrap()
            .id;
        (store, camera)
    }

    #[test]
    fn a_busy_registry_holds_the_newest_results_and_a_later_write_stores_them() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.sqlite");
        let (mut store, camera) = registry(dir.path());

        // Another program's long write transaction.
        let importer = rusqlite::Connection::open(&db).unwrap();
        importer.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut batch = ResultBatcher::new(2);
        for at in [1, 2, 3] {
            batch.pending.push(offline(camera, 1_795_564_800 + at));
        }
        assert!(matches!(batch.write(&mut store).unwrap(), Written::Held(2)));
        let held: Vec<i64> = batch.pending().iter().map(|o| o.at_unix_s).collect();
        assert_eq!(held, [1_795_564_802, 1_795_564_803], "the newest are kept");
        assert!(!batch.may_try(), "no second try at once");

        importer.execute_batch("COMMIT").unwrap();
        let Written::Stored(stored) = batch.write(&mut store).unwrap() else {
            panic!("still held after the lock went");
        };
        assert_eq!(stored.len(), 2);
        assert!(batch.is_empty() && batch.may_try());
        let health = store.health().unwrap();
        assert_eq!(health[&camera].last_probe_unix_s, 1_795_564_803);
    }

    /// Driven by a manual clock: a batch is written when it is half a second old (not before), and after a busy
    /// registry no write is tried for 5 s of clock time, even with a full batch waiting.
    #[test]
    fn batches_wait_for_their_age_and_a_busy_registry_is_tried_again_after_5_s() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.sqlite");
        let (mut store, camera) = registry(dir.path());
        let manual = crate::model::ManualClock::starting_at(1_795_564_800);
        let mut batch = ResultBatcher::with_clock(MAX_HELD, manual.clock());
        batch.begin_sweep();
        assert!(batch.add(&mut store, offline(camera, 1)).unwrap().is_none());
        manual.advance(BATCH_AGE - Duration::from_millis(1));
        assert!(
            batch.add(&mut store, offline(camera, 2)).unwrap().is_none(),
            "not yet half a second"
        );
        manual.advance(Duration::from_millis(1));
        let Some(Written::Stored(stored)) = batch.add(&mut store, offline(camera, 3)).unwrap()
        else {
            panic!("a batch half a second old is written");
        };
        assert_eq!(stored.len(), 3);

        let importer = rusqlite::Connection::open(&db).unwrap();
        importer.execute_batch("BEGIN IMMEDIATE").unwrap();
        manual.advance(BATCH_AGE);
        assert!(matches!(
            batch.add(&mut store, offline(camera, 4)).unwrap(),
            Some(Written::Held(1))
        ));
        importer.execute_batch("COMMIT").unwrap();
        manual.advance(HELD_RETRY - Duration::from_millis(1));
        assert!(!batch.may_try());
        for at in 5..5 + BATCH as i64 {
            assert!(
                batch
                    .add(&mut store, offline(camera, at))
                    .unwrap()
                    .is_none(),
                "no write within 5 s of a busy registry"
            );
        }
        manual.advance(Duration::from_millis(1));
        assert!(batch.may_try());
        let Some(Written::Stored(stored)) = batch.add(&mut store, offline(camera, 999)).unwrap()
        else {
            panic!("tried again after 5 s");
        };
        assert_eq!(stored.len(), BATCH + 2);
        assert_eq!(store.health().unwrap()[&camera].last_probe_unix_s, 999);
    }
}
