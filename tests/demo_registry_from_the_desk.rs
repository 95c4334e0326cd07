//! A newcomer starts the desk on an empty registry and loads the Jhansi demo registry from the welcome screen:
//! the figures match the review meeting's, and the desk marks everything as demo data.

mod common;

use common::{Desk, wait_until};
use egui_kittest::kittest::Queryable as _;

#[test]
fn load_the_demo_registry_from_an_empty_desk() {
    let desk = Desk::new();
    let mut h = desk.harness();
    h.get_by_label("This registry is empty");
    assert!(
        h.query_by_label_contains("DEMO DATA").is_none(),
        "an empty registry is not demo data"
    );

    h.get_by_label("Load demo registry (3,200 cameras)").click();
    h.run_ok();
    wait_until(&mut h, "the demo registry is loaded", |app| {
        app.index()
            .is_some_and(|i| i.snapshot.cameras.len() == 3_200)
    });

    let index = h.state().index().unwrap();
    assert!(index.snapshot.is_demo);
    assert_eq!(index.integrated_count(), 2_378);
    // The badge in the status bar.
    h.get_by_label_contains("DEMO DATA");
    h.get_by_label_contains("3,200 cameras · 2,378 integrated");
    h.get_by_label("Showing 3,200 of 3,200");

    // The file says so too, and the load is in the audit log with who did it.
    assert_eq!(
        desk.count("SELECT count(*) FROM meta WHERE key = 'is_demo' AND value = '1'"),
        1
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM audit WHERE action = 'registry.demo' AND by_user <> ''"),
        1
    );
    // Every demo camera's addresses are on loopback.
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM camera WHERE (stream_url IS NOT NULL AND stream_url NOT LIKE 'rtsp://127.%')
               OR (snapshot_url IS NOT NULL AND snapshot_url NOT LIKE 'http://127.%')"
        ),
        0
    );
}
