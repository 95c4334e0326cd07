//! An operator reads the status bar: a failure says what went wrong in the chosen language (the technical
//! detail only on hover), the last 50 messages can be read again, and toolbars keep each label beside its
//! control however narrow the window.

mod common;

use common::{Desk, wait_until};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::i18n::{I18n, Lang};
use iccc_desk::ui::DeskApp;

/// A desk whose settings file cannot be written: a plain file stands where its folder should be, so saving
/// the settings fails with an OS error ("File exists (os error 17)" as `io::Error` prints it).
fn desk_with_blocked_settings(desk: &Desk) -> Harness<'static, DeskApp> {
    let blocker = desk.dir.path().join("config");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let app = DeskApp::new(
        desk.db.clone(),
        desk.keys.clone(),
        Some(blocker.join("settings.json")),
    );
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    wait_until(&mut h, "the registry opens", |app| app.index().is_some());
    h
}

#[test]
fn a_failed_save_reads_in_the_chosen_language_without_os_error_text() {
    let desk = Desk::new();
    let mut h = desk_with_blocked_settings(&desk);
    // Switching the language saves the settings: the save fails.
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    let hi = I18n::new(Lang::Hi);
    let expected = hi.tr_args(
        "settings-save-failed",
        &[("reason", hi.tr("error-io-already-exists"))],
    );
    let (text, is_error) = h.state().status.clone().expect("a status message");
    assert!(is_error);
    assert_eq!(text, expected);
    h.get_by_label_contains(&expected);
    assert!(h.query_by_label_contains("os error").is_none());
    assert!(h.query_by_label_contains("File exists").is_none());

    h.get_by_label("English").click();
    h.run_ok();
    let en = I18n::new(Lang::En);
    let expected = en.tr_args(
        "settings-save-failed",
        &[("reason", en.tr("error-io-already-exists"))],
    );
    assert_eq!(
        h.state().status.clone().map(|s| s.0),
        Some(expected.clone())
    );
    h.get_by_label_contains(&expected);
    assert!(h.query_by_label_contains("os error").is_none());
    // The technical detail is kept, for the person who fixes it.
    let history = h.state().status_history();
    let newest = history.first().expect("history");
    assert!(
        newest
            .details
            .as_deref()
            .is_some_and(|d| d.contains("os error 17")),
        "{:?}",
        newest.details
    );
}

#[test]
fn a_raw_os_error_from_anywhere_is_shown_in_words() {
    let desk = Desk::new();
    let mut h = desk.harness();
    // A worker's error arrives as text (as the prober's and the simulator's do).
    h.state_mut().status = Some((
        "probe failed: Connection refused (os error 111)".into(),
        true,
    ));
    h.run_ok();
    let en = I18n::new(Lang::En);
    let words = en.tr("error-io-connection-refused");
    h.get_by_label_contains(&words);
    assert!(h.query_by_label_contains("os error").is_none());
}

#[test]
fn history_keeps_the_last_50_messages_newest_first() {
    let desk = Desk::new();
    let mut h = desk.harness();
    for i in 1..=60 {
        h.state_mut()
            .push_status(format!("message {i:02}"), i % 7 == 0);
        h.run_ok();
    }
    assert_eq!(h.state().status_history().len(), 50);
    h.get_by_role_and_label(Role::Button, "Messages").click();
    h.run_ok();
    for i in 1..=10 {
        assert!(
            h.query_by_label(&format!("message {i:02}")).is_none(),
            "{i} is older than the last 50"
        );
    }
    let y = |i: usize| {
        h.get_all_by_label(&format!("message {i:02}"))
            .map(|n| n.rect().top())
            // The newest also shows in the status bar, below the window.
            .fold(f32::MAX, f32::min)
    };
    let mut last = f32::MIN;
    for i in (11..=60).rev() {
        let top = y(i);
        assert!(top > last, "message {i} is not below the newer one");
        last = top;
    }
}

/// Each filter's label stays on the same line as its control, just left of it, at any width.
fn labels_stay_beside_controls(h: &mut Harness<'_, DeskApp>, pairs: &[&str]) {
    for width in (640..=1400).rev().step_by(30) {
        h.set_size(egui::vec2(width as f32, 900.0));
        h.run_ok();
        for label in pairs {
            let Some(combo) = h.query_by_role_and_label(Role::ComboBox, label) else {
                panic!("no control labelled {label} at width {width}");
            };
            let c = combo.rect();
            // A label's text is its node's value (the control takes it as its name). Beside: on the control's
            // row, ending just before it (other texts with the same words, e.g. a table header, do not count).
            let labels: Vec<_> = h
                .query_all_by_value(label)
                .filter(|n| n.rect() != c)
                .map(|n| n.rect())
                .collect();
            assert!(
                labels.iter().any(|l| {
                    (l.center().y - c.center().y).abs() < c.height() / 2.0
                        && l.right() <= c.left() + 1.0
                        && c.left() - l.right() < 30.0
                }),
                "width {width}: {label} at {labels:?} is not beside its control at {c:?}"
            );
            // Nor pushed past the window's edge, where nobody can reach it.
            assert!(
                c.right() <= width as f32 + 0.5,
                "width {width}: the control of {label} ends at {} outside the window",
                c.right()
            );
        }
    }
}

#[test]
fn toolbar_labels_stay_beside_their_controls_when_narrow_in_english_and_hindi() {
    let desk = Desk::new();
    {
        use iccc_desk::store::{Actor, PasswordEdit, Store};
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let actor = Actor {
            user: "meena".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = iccc_desk::model::Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        site.ward = "Ward 12 Civil Lines".into();
        let site = store.add_site(&actor, &site).unwrap();
        let mut c = iccc_desk::model::Camera::blank_at(25.45, 78.57);
        c.label = "Main gate".into();
        store
            .add_camera(&actor, site.id, &c, &PasswordEdit::Keep)
            .unwrap();
    }
    let mut h = desk.harness();
    labels_stay_beside_controls(&mut h, &["Category", "Ward", "Police station", "Health"]);
    h.set_size(egui::vec2(1400.0, 900.0));
    h.run_ok();
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    labels_stay_beside_controls(&mut h, &["श्रेणी", "वार्ड", "थाना", "स्थिति"]);
    // The map's toolbar has the stage filter too.
    h.set_size(egui::vec2(1400.0, 900.0));
    h.get_by_label("English").click();
    h.run_ok();
    h.get_by_label("Site map").click();
    h.run_ok();
    labels_stay_beside_controls(
        &mut h,
        &["Category", "Ward", "Police station", "Health", "Stage"],
    );
}

#[test]
fn the_status_and_its_history_change_language_with_the_desk() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("Add site").click();
    h.run_ok();
    common::type_text(&mut h, "Hotel Raj Palace");
    for (field, value) in [("Latitude", "25.4486"), ("Longitude", "78.5697")] {
        h.get_by_label(field).focus();
        h.run_ok();
        common::type_text(&mut h, value);
    }
    common::press(&mut h, egui::Key::Enter);
    wait_until(&mut h, "the site is saved", |app| app.form.is_none());
    h.get_by_label("Saved.");

    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label("सहेजा गया।");
    assert!(
        h.query_by_label("Saved.").is_none(),
        "no English left in the status bar"
    );
    assert_eq!(h.state().status_history()[0].text, "सहेजा गया।");
}

/// A registry the worker refuses to open (its safeguards were dropped outside the desk), on a desk set to Hindi.
#[test]
fn a_registry_worker_refusal_reads_in_hindi_without_the_english_sentence() {
    let desk = common::Desk::new();
    {
        let store = iccc_desk::store::Store::open(&desk.db, &desk.open_options()).unwrap();
        drop(store);
    }
    desk.sql()
        .execute_batch("DROP TRIGGER stage_event_no_update;")
        .unwrap();
    std::fs::write(&desk.settings, r#"{"lang":"Hi"}"#).unwrap();
    let app = DeskApp::new(
        desk.db.clone(),
        desk.keys.clone(),
        Some(desk.settings.clone()),
    );
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    wait_until(&mut h, "the refusal", |app| {
        matches!(app.registry, iccc_desk::ui::RegistryState::Failed(_))
    });
    h.run_ok();
    let hi = I18n::new(Lang::Hi);
    h.get_by_label(&hi.tr("registry-open-failed"));
    let expected = hi.tr_args(
        "store-error-guards-changed",
        &[("path", desk.db.display().to_string())],
    );
    assert_ne!(
        expected, "store-error-guards-changed",
        "no Hindi words for it"
    );
    h.get_by_label_contains(&expected);
    for english in [
        "safeguards",
        "nothing was written",
        "restore it from a backup",
    ] {
        assert!(
            h.query_by_label_contains(english).is_none(),
            "English left on the screen: {english}"
        );
    }
}

/// A desk started on `adapter` (as eframe's wgpu adapter names itself), its registry open.
fn desk_on_adapter(
    desk: &Desk,
    adapter: &str,
    device_type: eframe::wgpu::DeviceType,
) -> Harness<'static, DeskApp> {
    let mut app = DeskApp::new(
        desk.db.clone(),
        desk.keys.clone(),
        Some(desk.settings.clone()),
    );
    app.note_renderer(adapter, device_type);
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app);
    wait_until(&mut h, "the registry opens", |app| app.index().is_some());
    h
}

#[test]
fn software_rendering_is_said_at_start_in_english_and_hindi() {
    let desk = Desk::new();
    let mut h = desk_on_adapter(
        &desk,
        "llvmpipe (LLVM 15.0.7, 256 bits)",
        eframe::wgpu::DeviceType::Cpu,
    );
    let say = |lang| {
        I18n::new(lang).tr_args(
            "status-software-rendering",
            &[("renderer", "llvmpipe".to_string())],
        )
    };
    assert!(
        say(Lang::En).starts_with("Software rendering (llvmpipe)"),
        "{}",
        say(Lang::En)
    );
    h.get_by_label(&say(Lang::En));
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label(&say(Lang::Hi));

    // On a graphics card nothing is said.
    let desk = Desk::new();
    let h = desk_on_adapter(
        &desk,
        "NVIDIA GeForce GTX 1650",
        eframe::wgpu::DeviceType::DiscreteGpu,
    );
    assert!(h.query_by_label_contains("Software rendering").is_none());
}
