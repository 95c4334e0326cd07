//! An operator leaves the desk open on each screen with nothing happening (no input, no camera news): the desk
//! must not redraw on its own. A desk that repaints every frame burns a core on the control-room PC (46 % CPU
//! measured at rest before this was fixed).

mod common;

use std::time::{Duration, Instant};

use common::{Desk, wait_until};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::store::Store;
use iccc_desk::ui::DeskApp;

/// A repaint asked for sooner than this, with nothing happening, is the desk spinning.
const IDLE_WAKE: Duration = Duration::from_secs(1);

/// Steps until ten frames in a row ask for no repaint sooner than `IDLE_WAKE`. Background work that ends late
/// (a worker's answer on a loaded machine) is a data change and may wake the desk once; a desk that keeps
/// asking for repaints never gets ten quiet frames and fails at the deadline.
fn assert_settles(h: &mut Harness<'_, DeskApp>, screen: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let repaints = common::Repaints::listen(h);
    let mut quiet = 0;
    while quiet < 10 {
        h.step();
        match wakes_soon(h) {
            None => quiet += 1,
            Some(why) => {
                quiet = 0;
                // The next frame when the desk asked for it, as a window draws it.
                assert!(
                    repaints.wait_until_due(deadline),
                    "{screen}: the desk keeps repainting with nothing happening ({why})"
                );
            }
        }
    }
}

/// Why the last frame asked to be repainted soon, if it did.
fn wakes_soon(h: &Harness<'_, DeskApp>) -> Option<String> {
    let delay = h
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(Duration::MAX, |v| v.repaint_delay);
    (delay < IDLE_WAKE).then(|| format!("in {delay:?}, causes {:?}", h.ctx.repaint_causes()))
}

/// Frames a window would draw in `window`: steps whenever the desk asked for a repaint and its delay is up,
/// as eframe does (wakes from background threads included).
fn frames_drawn(h: &mut Harness<'_, DeskApp>, window: Duration) -> u32 {
    let repaints = common::Repaints::listen(h);
    let end = Instant::now() + window;
    let mut frames = 0;
    // A measurement over real time: the desk's own waits (the prober's news at most once a second) are egui's.
    while repaints.wait_until_due(end) {
        h.step();
        frames += 1;
    }
    frames
}

/// The desk's own prober sweeps 3,200 unreachable demo cameras (no simulator): its news may redraw the desk a
/// few times a second, never at the display's frame rate.
#[test]
fn the_prober_at_work_does_not_redraw_at_frame_rate() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    for screen in ["Sites and cameras", "Camera wall"] {
        h.get_by_label(screen).click();
        assert_settles_without_prober_news(&mut h);
        let frames = frames_drawn(&mut h, Duration::from_secs(3));
        // 60 fps would be 180; news coalesced to one frame a second about 3.
        assert!(
            frames <= 6,
            "{screen}: {frames} frames drawn in 3 s at rest"
        );
    }
}

/// Lets egui's own animations of the last click finish.
fn assert_settles_without_prober_news(h: &mut Harness<'_, DeskApp>) {
    for _ in 0..10 {
        h.step();
    }
}

fn demo_desk() -> Desk {
    let desk = Desk::new();
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        generate(
            &mut store,
            &DemoOptions {
                cameras: 3_200,
                seed: 7,
                now_unix_s: 1_795_564_800,
                user: "setup".into(),
            },
            &|_| true,
        )
        .unwrap();
    }
    desk
}

#[test]
fn the_desk_at_rest_asks_for_no_repaints_on_any_screen() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    // No camera news: the prober is stopped (its news is a data change; see the test above).
    h.state_mut().monitor = None;
    wait_until(&mut h, "the registry is shown", |app| app.index().is_some());
    assert_settles(&mut h, "Sites and cameras");
    for screen in [
        "Camera wall",
        "Site map",
        "Weekly review",
        "Blocked",
        "Import cameras",
        "Audit log",
        "Sites and cameras",
    ] {
        h.get_by_label(screen).click();
        assert_settles(&mut h, screen);
    }
}
