//! An operator switches the desk to Hindi: every label changes at once, Hindi names still show next to English
//! ones, and the desk opens in Hindi the next time.

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
