//! An operator switches the desk to Hindi: every label changes at once, Hindi names still show next to English
//! ones, and the desk opens in Hindi the next time. Messages already shown (an export refused by its folder, in
//! the status bar and beside "Export…") are said again in Hindi, naming the file and why in words.

mod common;

use common::Desk;
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::Site;
use iccc_desk::store::{Actor, Store};

#[test]
fn switch_to_hindi_applies_at_once_and_is_remembered() {
    let desk = Desk::new();
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut site = Site::blank();
        site.name_en = "Bundelkhand Coaching Centre".into();
        site.name_hi = "बुंदेलखंड कोचिंग सेंटर".into();
        site.owner_category = iccc_desk::model::OwnerCategory::CoachingSchool;
        store
            .add_site(
                &Actor {
                    user: "setup".into(),
                    now_unix_s: 1_795_564_800,
                },
                &site,
            )
            .unwrap();
    }
    let mut h = desk.harness();
    h.get_by_label("Sites").click();
    h.run_ok();
    h.get_by_label("Sites and cameras");
    h.get_by_label("Bundelkhand Coaching Centre · बुंदेलखंड कोचिंग सेंटर");

    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label("स्थल और कैमरे");
    h.get_by_label("स्थल जोड़ें");
    h.get_by_label("कोचिंग संस्थान / विद्यालय");
    assert!(
        h.query_by_label("Sites and cameras").is_none(),
        "no English label left behind"
    );
    h.get_by_label("Bundelkhand Coaching Centre · बुंदेलखंड कोचिंग सेंटर");
    let saved = std::fs::read_to_string(&desk.settings).unwrap();
    assert!(saved.contains("Hi"), "{saved}");
    drop(h);

    // A new desk with the same settings starts in Hindi.
    let mut h = desk.harness();
    h.run_ok();
    h.get_by_label("स्थल और कैमरे");
    h.get_by_label("English").click();
    h.run_ok();
    h.get_by_label("Sites and cameras");
}

/// A folder this user may not create files in: a read-only one, or (for root, whom file modes do not stop)
/// `/sys`, where the kernel refuses every new file.
fn folder_this_user_may_not_write_in(desk: &Desk) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let folder = desk.dir.path().join("read-only");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(folder.join("probe"), b"").is_ok() {
        return "/sys".into();
    }
    folder
}

#[test]
fn a_refused_export_names_the_file_in_words_and_is_said_again_in_hindi() {
    let desk = Desk::new();
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let actor = Actor {
            user: "setup".into(),
            now_unix_s: 1_795_564_800,
        };
        store.add_site(&actor, &site).unwrap();
    }
    let folder = folder_this_user_may_not_write_in(&desk);
    let target = folder.join("iccc-sites.csv");
    let mut h = desk.harness_without_simulator();
    h.get_by_label("Sites").click();
    h.run_ok();
    h.state_mut().exports.bypass_dialog = Some(target.clone());
    h.get_by_label("Export…").click();
    h.run_ok();
    h.get_by_label("Sites as CSV (Excel)").click();
    h.run_ok();
    common::wait_until(&mut h, "the export is refused", |app| {
        app.exports.last.is_some()
    });
    let (path, folder) = (target.display(), folder.display());
    let english = format!(
        "Cannot write {path}: the folder {folder} is read-only or not writable by this user."
    );
    assert_eq!(h.state().status, Some((english.clone(), true)));
    // The status bar and the line beside "Export…" say the same.
    assert_eq!(h.get_all_by_label(&english).count(), 2);
    let newest = h.state().status_history()[0].clone();
    let details = newest
        .details
        .expect("the system's words kept for the hover");
    assert!(!details.contains(".partial-"), "{details}");
    for shown in [&english, &newest.text] {
        for raw in [
            "os error",
            "partial",
            "Permission denied",
            "not allowed to do that",
        ] {
            assert!(!shown.contains(raw), "{raw:?} in {shown:?}");
        }
    }

    h.get_by_label("हिन्दी").click();
    h.run_ok();
    let hindi = format!(
        "{path} नहीं लिखी जा सकी: फ़ोल्डर {folder} केवल पढ़ने के लिए है या इस उपयोगकर्ता को उसमें लिखने की अनुमति नहीं है।"
    );
    assert_eq!(h.state().status, Some((hindi.clone(), true)));
    assert_eq!(h.get_all_by_label(&hindi).count(), 2);
    assert_eq!(h.state().status_history()[0].text, hindi);
    assert!(h.query_by_label_contains("Cannot write").is_none());
    assert!(!target.exists());
}
