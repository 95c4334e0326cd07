//! An operator works the cameras table: reads each camera's health in words beside its stage, walks a long
//! list with PageDown / PageUp / Home / End (the table scrolls to keep the selected row in view), clicks from
//! row to row without the table jumping in width, and sees the scroll bar at all times.

mod common;

use common::{Desk, press};
use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{AreaWatched, Camera, HealthState, Site};
use iccc_desk::store::{Actor, HealthBrief, PasswordEdit, Store};
use iccc_desk::ui::DeskApp;

/// One site per entry of `sites`, each with `cameras_each` cameras named "<site> cam NN"; returns the camera ids
/// in the order the table shows them (site name, then camera id).
fn seed(desk: &Desk, sites: &[&str], cameras_each: usize, long_url: bool) -> Vec<i64> {
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut ids = Vec::new();
    for name in sites {
        let mut s = Site::blank();
        s.name_en = (*name).into();
        s.ward = "Ward 12 Civil Lines".into();
        let site = store.add_site(&actor, &s).unwrap();
        for i in 1..=cameras_each {
            let mut c = Camera::blank_at(25.45, 78.57);
            c.label = format!("{name} cam {i:02}");
            c.area_watched = AreaWatched::Gate;
            if long_url {
                // A value far wider than the details panel: it must wrap there, never widen the panel.
                c.stream_url = format!(
                    "rtsp://127.0.0.1:1/{}/{i}/{}",
                    name.replace(' ', "-"),
                    "averyveryverylongpathsegment/".repeat(12)
                );
            }
            let rec = store
                .add_camera(&actor, site.id, &c, &PasswordEdit::Keep)
                .unwrap();
            ids.push(rec.id);
        }
    }
    ids
}

fn selected_pos(h: &Harness<'_, DeskApp>, ids: &[i64]) -> Option<usize> {
    let id = h.state().selection.camera?;
    ids.iter().position(|&c| c == id)
}

/// The rectangle of the table header cell whose text is `label` (the header row is the row of "Site ⏶").
fn header_rect(h: &Harness<'_, DeskApp>, label: &str) -> egui::Rect {
    let site_header = h.get_by_role_and_label(Role::Button, "Site ⏶").rect();
    h.query_all_by_label(label)
        .map(|n| n.rect())
        .find(|r| (r.center().y - site_header.center().y).abs() < 2.0)
        .unwrap_or_else(|| panic!("no table header \"{label}\""))
}

#[test]
fn the_health_column_says_each_cameras_health_in_words() {
    let desk = Desk::new();
    let ids = seed(&desk, &["Hotel Raj Palace", "Hotel Sita"], 1, false);
    let mut h = desk.harness();
    h.get_by_label("Showing 2 of 2");
    // Before any probe every camera is "Not probed yet".
    let health = header_rect(&h, "Health");
    let stage = header_rect(&h, "Stage");
    assert!(
        health.left() > stage.left(),
        "Health sits after Stage in the header"
    );
    assert_eq!(h.query_all_by_label("Not probed yet").count(), 2);

    h.state_mut().apply_health(vec![HealthBrief {
        camera_id: ids[1],
        state: HealthState::Offline,
        last_online_unix_s: None,
    }]);
    h.run_ok();
    let offline = h.get_by_label("Offline").rect();
    let sita = h.get_by_label("Hotel Sita cam 01").rect();
    assert!(
        (offline.center().y - sita.center().y).abs() < 2.0,
        "\"Offline\" is on Hotel Sita's row"
    );
    assert_eq!(h.query_all_by_label("Not probed yet").count(), 1);
}

#[test]
fn page_keys_home_and_end_move_the_selection_and_keep_it_in_view() {
    let desk = Desk::new();
    let ids = seed(&desk, &["Hotel Raj Palace"], 120, false);
    let mut h = desk.harness();
    h.get_by_label("Showing 120 of 120");

    press(&mut h, Key::ArrowDown);
    assert_eq!(
        selected_pos(&h, &ids),
        Some(0),
        "Down selects the first row"
    );

    press(&mut h, Key::PageDown);
    let page = selected_pos(&h, &ids).expect("a camera stays selected");
    assert!(
        (10..60).contains(&page),
        "PageDown moves by a page of rows, not one and not to the end: row {page}"
    );
    press(&mut h, Key::PageDown);
    assert_eq!(selected_pos(&h, &ids), Some(2 * page), "a second page");
    press(&mut h, Key::PageUp);
    assert_eq!(
        selected_pos(&h, &ids),
        Some(page),
        "PageUp goes back a page"
    );

    press(&mut h, Key::End);
    assert_eq!(
        selected_pos(&h, &ids),
        Some(119),
        "End selects the last row"
    );
    // The details heading and the table's own row: the table scrolled to the last row.
    assert_eq!(
        h.query_all_by_label("Hotel Raj Palace cam 120").count(),
        2,
        "the last row is scrolled into view and its details are shown"
    );
    h.run_ok();
    press(&mut h, Key::PageDown);
    assert_eq!(
        selected_pos(&h, &ids),
        Some(119),
        "PageDown stops at the end"
    );
    press(&mut h, Key::ArrowUp);
    assert_eq!(selected_pos(&h, &ids), Some(118), "Up moves one row");

    press(&mut h, Key::Home);
    assert_eq!(
        selected_pos(&h, &ids),
        Some(0),
        "Home selects the first row"
    );
    assert_eq!(
        h.query_all_by_label("Hotel Raj Palace cam 01").count(),
        2,
        "the first row is scrolled back into view"
    );
    press(&mut h, Key::PageUp);
    assert_eq!(selected_pos(&h, &ids), Some(0), "PageUp stops at the top");
}

#[test]
fn selecting_another_row_never_changes_the_tables_width() {
    let desk = Desk::new();
    seed(&desk, &["Hotel Raj Palace", "Hotel Sita"], 1, true);
    let mut h = desk.harness();
    h.get_by_label("Showing 2 of 2");
    let before = header_rect(&h, "Last change");
    h.get_by_label("Hotel Raj Palace cam 01").click();
    h.run_ok();
    h.run_ok();
    assert!(h.state().selection.camera.is_some());
    let after_first = header_rect(&h, "Last change");
    h.get_by_label("Hotel Sita cam 01").click();
    h.run_ok();
    h.run_ok();
    let after_second = header_rect(&h, "Last change");
    assert_eq!(
        before, after_first,
        "selecting a camera kept the table as it was"
    );
    assert_eq!(before, after_second, "selecting another camera too");
}

#[test]
fn the_scroll_bar_is_always_shown_beside_the_rows() {
    let desk = Desk::new();
    seed(&desk, &["Hotel Raj Palace"], 3, false);
    let h = desk.harness();
    h.get_by_label("Showing 3 of 3");
    let last_header = header_rect(&h, "Last change");
    // Three rows fit with room to spare; the bar is there all the same, so the operator always sees one.
    let bar = h
        .query_all_by_role(Role::ScrollBar)
        .map(|n| n.rect())
        .find(|r| r.height() > r.width() && r.top() <= last_header.bottom() + 40.0)
        .expect("the table has a vertical scroll bar even when all rows fit");
    assert!(
        bar.left() >= last_header.right() - 0.5,
        "the bar takes its own room beside the columns (a solid bar, not one floating over the text): bar {bar:?}, last column {last_header:?}"
    );
}

/// Frames the desk draws for one key before it asks for no more; fails if it never stops asking (a frame on
/// software rendering costs tens of ms of CPU, so a key must not set off a train of them).
fn frames_for_key(h: &mut Harness<'_, DeskApp>, key: Key) -> u64 {
    h.key_press(key);
    match h.try_run() {
        Ok(frames) => frames,
        Err(e) => panic!("{key:?} set off frames without end: {e}"),
    }
}

#[test]
fn after_each_down_key_the_desk_rests() {
    let desk = Desk::new();
    // Cameras whose details differ in size from one row to the next (a long stream URL on every other one).
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut s = Site::blank();
    s.name_en = "Hotel Raj Palace".into();
    let site = store.add_site(&actor, &s).unwrap();
    let mut ids = Vec::new();
    for i in 1..=60 {
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = format!("cam {i:02}");
        if i % 2 == 0 {
            c.stream_url = format!("rtsp://127.0.0.1:1/{i}/{}", "long/path/segment/".repeat(8));
            c.make = "Hikvision".into();
        }
        let rec = store
            .add_camera(&actor, site.id, &c, &PasswordEdit::Keep)
            .unwrap();
        ids.push(rec.id);
    }
    drop(store);
    let mut h = desk.harness();
    h.get_by_label("Showing 60 of 60");
    press(&mut h, Key::ArrowDown);
    common::wait_until(&mut h, "the first camera's history is shown", |app| {
        app.history.is_some()
    });
    for i in 1..45 {
        // The key's frame, egui's one frame after any input, the frame that shows the camera's stage history
        // from the registry worker: then nothing, whether the row is in view or the table scrolls to it (no
        // scroll animation, no spinner while the history comes).
        frames_for_key(&mut h, Key::ArrowDown);
        assert_eq!(selected_pos(&h, &ids), Some(i));
        common::wait_until(&mut h, "the camera's history is shown", |app| {
            app.history
                .as_ref()
                .is_some_and(|h| Some(h.camera_id) == app.selection.camera)
        });
    }
}
