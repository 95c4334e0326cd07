//! A supervisor reads the audit log: actions and changed fields in words from the chosen language, not raw keys.

mod common;

use common::{Desk, wait_until};
use egui_kittest::kittest::Queryable as _;
use iccc_desk::model::{Camera, IntegrationStage, Site, StageChange};
use iccc_desk::store::{Actor, PasswordEdit, Store};

#[test]
fn audit_log_reads_in_words_in_the_chosen_language() {
    let desk = Desk::new();
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let actor = Actor {
            user: "meena".into(),
            now_unix_s: 1_795_564_800,
        };
        let mut site = Site::blank();
        site.name_en = "Hotel Raj Palace".into();
        let site = store.add_site(&actor, &site).unwrap();
        let mut c = Camera::blank_at(25.45, 78.57);
        c.label = "Main gate".into();
        let cam = store
            .add_camera(&actor, site.id, &c, &PasswordEdit::Set("s3cret-pw".into()))
            .unwrap();
        let change = StageChange {
            to: IntegrationStage::OwnerContacted,
            reason: None,
            note: String::new(),
        };
        store
            .change_stage(&actor, cam.id, cam.row_version, &change)
            .unwrap();
    }
    let mut h = desk.harness();
    h.get_by_label("Audit log").click();
    wait_until(&mut h, "the audit log loads", |app| app.audit.is_some());
    h.get_by_label_contains("Stage: Surveyed » Owner contacted");
    h.get_by_label_contains("Stage changed");
    assert!(h.query_by_label_contains("camera.stage").is_none());
    assert!(h.query_by_label_contains("owner_contacted").is_none());
    assert!(h.query_by_label_contains("s3cret-pw").is_none());

    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label_contains("चरण: सर्वेक्षित » स्वामी से संपर्क");
}
