//! A supervisor opens the blocked integrations of the Jhansi demo registry: per owner category how many owners
//! and cameras are stuck and since when, then every blocked camera under its owner (whom to call); switches the
//! order to the newest blocks; writes down what an owner said on the phone (an empty note is refused); moves a
//! camera back to the stage it was blocked at, after which it leaves the list; and finds a camera chosen on
//! another screen already scrolled into view.

mod common;

use std::collections::BTreeMap;

use common::{Desk, press, type_text, wait_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::i18n::{I18n, Lang, indian_grouping};
use iccc_desk::model::{IntegrationStage, ist_datetime};
use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::services::review::blocked::BlockedCamera;
use iccc_desk::store::Store;
use iccc_desk::ui::DeskApp;

fn demo_desk() -> Desk {
    let desk = Desk::new();
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    generate(
        &mut store,
        &DemoOptions {
            cameras: 3_200,
            seed: 7,
            now_unix_s: iccc_desk::store::now_unix_s(),
            user: "setup".into(),
        },
        &|_| true,
    )
    .unwrap();
    desk
}

/// Steps until the list on screen is the one for the registry as it is now.
fn wait_for_list(h: &mut Harness<'_, DeskApp>, what: &str) {
    wait_until(h, what, |app| {
        app.blocked.list.is_some() && !app.blocked.is_loading()
    });
}

/// The first camera row of the list, as the screen has it.
fn first_camera(app: &DeskApp) -> BlockedCamera {
    let list = app.blocked.list.as_ref().expect("a list");
    (0..list.rows().len())
        .find_map(|r| list.camera_at(r))
        .map(|(_, _, c)| c.clone())
        .expect("a blocked camera")
}

fn row_label(c: &BlockedCamera) -> String {
    format!("{} #{}", c.label, c.camera_id)
}

/// Block times of the blocked cameras, recounted from the stage history.
fn block_times(desk: &Desk) -> Vec<i64> {
    let conn = desk.sql();
    let mut stmt = conn
        .prepare(
            "SELECT (SELECT e.at_unix_s FROM stage_event e WHERE e.camera_id = c.id AND e.to_stage = 'blocked'
               ORDER BY e.id DESC LIMIT 1) FROM camera c WHERE c.stage = 'blocked'",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn the_supervisor_chases_blocked_owners_category_by_category() {
    let desk = demo_desk();
    let en = I18n::new(Lang::En);
    let mut h = desk.harness_without_simulator();
    // The table also says "Blocked" in its stage column; the navigation entry is the button.
    h.get_by_role_and_label(Role::Button, "Blocked").click();
    h.run_ok();
    wait_for_list(&mut h, "the blocked list is built");
    h.get_by_label("Blocked integrations");

    // The summary agrees with the file.
    let blocked = desk.count("SELECT count(*) FROM camera WHERE stage = 'blocked'");
    let owners = desk.count("SELECT count(DISTINCT site_id) FROM camera WHERE stage = 'blocked'");
    assert!(blocked >= 100, "the demo has blocked cameras: {blocked}");
    h.get_by_label(&format!(
        "{} cameras blocked at {} owners",
        indian_grouping(blocked),
        indian_grouping(owners)
    ));
    h.get_by_label("All categories");
    let per_category: BTreeMap<String, (i64, i64)> = {
        let conn = desk.sql();
        let mut stmt = conn
            .prepare(
                "SELECT s.owner_category, count(*), count(DISTINCT s.id) FROM camera c JOIN site s ON s.id = c.site_id
                 WHERE c.stage = 'blocked' GROUP BY s.owner_category",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let shown: BTreeMap<String, (i64, i64)> = h
        .state()
        .blocked
        .list
        .as_ref()
        .unwrap()
        .summary
        .iter()
        .map(|s| {
            (
                s.category.code().to_string(),
                (s.cameras_blocked as i64, s.owners as i64),
            )
        })
        .collect();
    assert_eq!(shown, per_category);
    assert!(per_category.len() >= 3, "{per_category:?}");
    // Each category's name is in the summary grid.
    for code in per_category.keys() {
        let category = iccc_desk::model::OwnerCategory::from_code(code).unwrap();
        h.get_all_by_label(&en.tr(&category.i18n_key()))
            .next()
            .unwrap_or_else(|| panic!("{code} in the summary"));
    }

    // Oldest block first: the first camera is the longest stalled, with its date and days on its row.
    let times = block_times(&desk);
    let oldest = *times.iter().min().unwrap();
    let newest = *times.iter().max().unwrap();
    assert!(oldest < newest, "the demo's blocks are spread over time");
    let first = first_camera(h.state());
    assert_eq!(first.since_unix_s, Some(oldest));
    h.get_by_label(&row_label(&first));
    h.get_all_by_label_contains(&ist_datetime(oldest))
        .next()
        .expect("the block date on screen");
    // Whom to call: the owner's header in both scripts.
    let owner = {
        let list = h.state().blocked.list.clone().unwrap();
        list.categories[0].owners[0].clone()
    };
    assert!(!owner.name_hi.is_empty(), "demo owners have Hindi names");
    // Named with whom to call: two demo owners may share a site name.
    h.get_by_label_contains(&format!(
        "{} · {} — call {}",
        owner.name_en, owner.name_hi, owner.contact_person
    ));

    // Newest first.
    h.get_by_label("Newest block first").click();
    h.run_ok();
    let first = first_camera(h.state());
    assert_eq!(first.since_unix_s, Some(newest));
    h.get_by_label(&row_label(&first));

    // Select it; an empty note is refused beside the field and nothing is written.
    h.get_by_label(&row_label(&first)).click();
    h.run_ok();
    assert_eq!(h.state().selection.camera, Some(first.camera_id));
    let audit_before = desk.count("SELECT count(*) FROM audit");
    h.get_by_label("Save note").click();
    h.run_ok();
    h.get_by_label("This field is required.");
    h.run_ok();
    assert_eq!(desk.count("SELECT count(*) FROM follow_up"), 0);
    assert_eq!(desk.count("SELECT count(*) FROM audit"), audit_before);

    // A real note, saved with Enter.
    let note = "Owner says the fibre reaches on Monday; call back Tuesday";
    h.get_by_label("Follow-up note").focus();
    h.run_ok();
    type_text(&mut h, note);
    press(&mut h, egui::Key::Enter);
    wait_until(&mut h, "the note is saved and listed", |app| {
        !app.blocked.is_loading()
            && app.blocked.list.as_ref().is_some_and(|l| {
                l.row_of(first.camera_id)
                    .and_then(|r| l.camera_at(r))
                    .is_some_and(|(_, _, c)| c.last_note == note)
            })
    });
    let (camera_id, stored, by_user, at): (i64, String, String, i64) = desk
        .sql()
        .query_row(
            "SELECT camera_id, note, by_user, at_unix_s FROM follow_up",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((camera_id, stored.as_str()), (first.camera_id, note));
    assert!(!by_user.is_empty());
    let (action, entity_id, after): (String, i64, String) = desk
        .sql()
        .query_row(
            "SELECT action, entity_id, after_json FROM audit ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (action.as_str(), entity_id),
        ("camera.follow_up", first.camera_id)
    );
    assert!(after.contains(note), "{after}");
    assert_eq!(desk.count("SELECT count(*) FROM audit"), audit_before + 1);
    // On screen with who and when; the stage did not move; the field is empty again.
    h.get_by_label_contains(&format!("“{note}” — {by_user}, {}", ist_datetime(at)));
    assert_eq!(
        desk.count(&format!(
            "SELECT count(*) FROM camera WHERE id = {} AND stage = 'blocked'",
            first.camera_id
        )),
        1
    );
    assert!(h.query_by_label("This field is required.").is_none());

    // Back to the stage it was blocked at, through the stage form opened from here.
    let back = first.blocked_from.unwrap_or(IntegrationStage::Surveyed);
    h.get_by_label("Change stage…").click();
    h.run_ok();
    h.get_by_label("Change stage");
    h.get_by_role_and_label(Role::RadioButton, &en.tr(&back.i18n_key()))
        .click();
    h.run_ok();
    h.get_by_label("Save").click();
    h.run_ok();
    wait_until(&mut h, "the stage change is saved", |app| {
        app.form.is_none()
    });
    wait_for_list(&mut h, "the list is built again");
    let stage: String = desk
        .sql()
        .query_row(
            "SELECT stage FROM camera WHERE id = ?1",
            [first.camera_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stage, back.code());
    let list = h.state().blocked.list.clone().unwrap();
    assert_eq!(list.row_of(first.camera_id), None, "it left the list");
    assert!(h.query_by_label(&row_label(&first)).is_none());
    assert_eq!(list.cameras_blocked() as i64, blocked - 1);
    let owners_now =
        desk.count("SELECT count(DISTINCT site_id) FROM camera WHERE stage = 'blocked'");
    h.get_by_label(&format!(
        "{} cameras blocked at {} owners",
        indian_grouping(blocked - 1),
        indian_grouping(owners_now)
    ));
    // The order chosen stays.
    assert_ne!(first_camera(h.state()).camera_id, first.camera_id);
    assert_eq!(
        h.state().blocked.list.as_ref().unwrap().order(),
        iccc_desk::services::review::blocked::BlockedOrder::NewestFirst
    );
}

#[test]
fn the_blocked_screen_speaks_hindi() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "रुके हुए").click();
    h.run_ok();
    wait_for_list(&mut h, "the blocked list is built");
    h.get_by_label("रुके हुए एकीकरण");
    h.get_by_label("सभी श्रेणियाँ");
    h.get_by_label("सबसे नया रुकाव पहले");
    let owners = desk.count("SELECT count(DISTINCT site_id) FROM camera WHERE stage = 'blocked'");
    let blocked = desk.count("SELECT count(*) FROM camera WHERE stage = 'blocked'");
    h.get_by_label(&format!(
        "{} स्वामियों के {} कैमरे रुके हुए हैं",
        indian_grouping(owners),
        indian_grouping(blocked)
    ));
}

#[test]
fn a_blocked_camera_chosen_elsewhere_is_scrolled_into_view() {
    let desk = demo_desk();
    let mut h = desk.harness_without_simulator();
    // The last camera of the list, far below the first screenful, chosen elsewhere the way a click on the map or
    // the wall chooses it.
    h.get_by_role_and_label(Role::Button, "Blocked").click();
    h.run_ok();
    wait_for_list(&mut h, "the blocked list is built");
    let (row, last) = {
        let list = h.state().blocked.list.clone().unwrap();
        (0..list.rows().len())
            .rev()
            .find_map(|r| list.camera_at(r).map(|(_, _, c)| (r, c.clone())))
            .unwrap()
    };
    assert!(row > 100, "far below the first screen: row {row}");
    assert!(
        h.query_by_label(&row_label(&last)).is_none(),
        "not drawn yet"
    );
    h.get_by_label("Sites and cameras").click();
    h.run_ok();
    h.state_mut().select_camera(last.camera_id);
    h.run_ok();

    h.get_by_role_and_label(Role::Button, "Blocked").click();
    h.run_ok();
    h.run_ok();
    h.get_by_label(&row_label(&last));
    h.get_by_label("Follow-up note");
}
