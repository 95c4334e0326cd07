//! Shared set-up for the UI workflow tests: a desk on a real SQLite file in a temp dir, driven by egui_kittest.

#![allow(dead_code)]

pub mod digest_check;
pub mod postgres;
pub mod real_servers;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use iccc_desk::ui::DeskApp;

pub struct Desk {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub keys: PathBuf,
    pub settings: PathBuf,
}

impl Desk {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("registry.sqlite");
        let keys = dir.path().join("keys");
        let settings = dir.path().join("settings.json");
        Self {
            dir,
            db,
            keys,
            settings,
        }
    }

    pub fn open_options(&self) -> iccc_desk::store::OpenOptions {
        iccc_desk::store::OpenOptions {
            key_dir: self.keys.clone(),
        }
    }

    /// A desk window (headless) on this registry.
    pub fn harness(&self) -> Harness<'static, DeskApp> {
        self.harness_of(DeskApp::new(
            self.db.clone(),
            self.keys.clone(),
            Some(self.settings.clone()),
        ))
    }

    /// A desk on a demo registry without its camera simulator (tests of other screens need no live cameras,
    /// and the simulator's fixed loopback addresses are shared by every process).
    pub fn harness_without_simulator(&self) -> Harness<'static, DeskApp> {
        self.harness_of(
            DeskApp::new(
                self.db.clone(),
                self.keys.clone(),
                Some(self.settings.clone()),
            )
            .without_demo_simulator(),
        )
    }

    /// A desk (no demo simulator) whose time is `clock`: the test moves it on instead of sleeping.
    pub fn harness_with_clock(&self, clock: iccc_desk::model::Clock) -> Harness<'static, DeskApp> {
        self.harness_of(
            DeskApp::new(
                self.db.clone(),
                self.keys.clone(),
                Some(self.settings.clone()),
            )
            .without_demo_simulator()
            .with_clock(clock),
        )
    }

    fn harness_of(&self, app: DeskApp) -> Harness<'static, DeskApp> {
        let mut harness = Harness::builder()
            .with_size([1400.0, 900.0])
            .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
        wait_until(&mut harness, "the registry opens", |app| {
            app.index().is_some()
        });
        harness
    }

    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open registry with plain SQLite")
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.sql().query_row(sql, [], |r| r.get(0)).expect(sql)
    }
}

/// Steps the UI until the background worker has done its part (at most 20 s; the worker answers in ms).
/// Between frames it waits, as eframe does, for the desk to ask for one (a background thread's wake, or a
/// frame's own repaint request once its delay is up). Some conditions have no signal (a file a background
/// thread writes after its news reached the screen): those are looked at again after [`UNSIGNALLED`].
pub fn wait_until(harness: &mut Harness<'_, DeskApp>, what: &str, done: impl Fn(&DeskApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let repaints = Repaints::listen(harness);
    loop {
        harness.step();
        if done(harness.state()) {
            harness.run_ok();
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        repaints.wait_until_due(deadline.min(Instant::now() + UNSIGNALLED));
    }
}

/// How long [`wait_until`] waits for a repaint request before it looks at its condition anyway.
pub const UNSIGNALLED: Duration = Duration::from_millis(50);

/// The desk's requests to be drawn again, as a window would get them.
#[derive(Default)]
pub struct Repaints {
    /// When the earliest requested frame is due.
    due: Mutex<Option<Instant>>,
    asked: Condvar,
}

impl Repaints {
    /// Listens to the desk's repaint requests from now on (the next frame picks up whatever came before).
    pub fn listen(harness: &Harness<'_, DeskApp>) -> Arc<Self> {
        let repaints = Arc::new(Self::default());
        let heard = repaints.clone();
        harness.ctx.set_request_repaint_callback(move |info| {
            let at = Instant::now() + info.delay;
            let mut due = heard.due.lock().unwrap_or_else(|e| e.into_inner());
            if due.is_none_or(|d| at < d) {
                *due = Some(at);
            }
            heard.asked.notify_all();
        });
        repaints
    }

    /// Blocks until a requested frame is due; false if `deadline` came first.
    pub fn wait_until_due(&self, deadline: Instant) -> bool {
        let mut due = self.due.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            if due.is_some_and(|d| d <= now) {
                *due = None;
                return true;
            }
            if now >= deadline {
                return false;
            }
            let until = due.map_or(deadline, |d| d.min(deadline));
            due = self
                .asked
                .wait_timeout(due, until - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// Presses a key once (down and up, as a person does).
pub fn press(harness: &mut Harness<'_, DeskApp>, key: egui::Key) {
    harness.key_press(key);
    harness.run_ok();
}

/// Types text into the focused field.
pub fn type_text(harness: &mut Harness<'_, DeskApp>, text: &str) {
    harness.event(egui::Event::Text(text.to_string()));
    harness.run_ok();
}

/// One piece of a burst of typing: text, or a key pressed and released.
pub enum Typed<'a> {
    Text(&'a str),
    Key(egui::Key),
    ShiftKey(egui::Key),
}

/// Typing at ordinary speed on a console that draws a few frames a second: every event arrives in ONE frame
/// (kittest's own `event` gives each its own frame, which hides what a slow frame rate does). Then frames run
/// until the desk has taken all of it.
pub fn type_burst(harness: &mut Harness<'_, DeskApp>, burst: &[Typed<'_>]) {
    let key = |key, pressed, modifiers| egui::Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers,
    };
    let events = &mut harness.input_mut().events;
    for typed in burst {
        match typed {
            Typed::Text(t) => events.push(egui::Event::Text((*t).to_string())),
            Typed::Key(k) => {
                events.push(key(*k, true, egui::Modifiers::NONE));
                events.push(key(*k, false, egui::Modifiers::NONE));
            }
            Typed::ShiftKey(k) => {
                events.push(egui::Event::ModifiersChanged(egui::Modifiers::SHIFT));
                events.push(key(*k, true, egui::Modifiers::SHIFT));
                events.push(key(*k, false, egui::Modifiers::SHIFT));
                events.push(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
            }
        }
    }
    harness.step();
    // Each held-back part asks for the next frame; a few run_ok rounds take them all (4 frames per round).
    for _ in 0..burst.len() {
        if harness.run_ok().is_some() {
            break;
        }
    }
}

pub fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

/// Adds a camera to a site and walks it to "integrated", as the desk's users would, with its password stored.
pub fn add_integrated_camera(
    store: &mut iccc_desk::store::Store,
    site_id: i64,
    label: &str,
    stream_url: String,
    snapshot_url: String,
    password: &str,
) -> i64 {
    use iccc_desk::model::{AreaWatched, Camera, IntegrationStage, StageChange};
    use iccc_desk::store::{Actor, PasswordEdit};
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut c = Camera::blank_at(25.45, 78.57);
    c.label = label.into();
    c.area_watched = AreaWatched::Gate;
    c.stream_url = stream_url;
    c.snapshot_url = snapshot_url;
    c.username = "admin".into();
    let rec = store
        .add_camera(&actor, site_id, &c, &PasswordEdit::Set(password.into()))
        .expect("add camera");
    let mut version = rec.row_version;
    for to in [
        IntegrationStage::OwnerContacted,
        IntegrationStage::ConsentGiven,
        IntegrationStage::Configured,
        IntegrationStage::Integrated,
    ] {
        let change = StageChange {
            to,
            reason: None,
            note: String::new(),
        };
        version = store
            .change_stage(&actor, rec.id, version, &change)
            .expect("stage change")
            .row_version;
    }
    rec.id
}
