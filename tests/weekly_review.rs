//! The supervisor prepares the weekly review: the week's numbers (Monday to Sunday, India Standard Time) come
//! from the stage history — integrated in total, this week and the week before, by owner category, new surveys,
//! blocked and unblocked — checked on hand-made histories and against a straightforward recount of the demo
//! registry's events; the CLI prints them as text or JSON.

mod common;

use std::collections::BTreeMap;

use common::Desk;
use iccc_desk::model::{
    AreaWatched, BlockReason, Camera, IntegrationStage as S, OwnerCategory, Site, StageChange,
};
use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::services::review::weekly::{IsoWeek, weekly};
use iccc_desk::store::{Actor, PasswordEdit, Store};

/// Wednesday 2026-11-25, noon IST: in 2026-W48.
const NOW: i64 = 1_795_588_200;

fn at(t: i64) -> Actor {
    Actor {
        user: "clerk".into(),
        now_unix_s: t,
    }
}

/// Adds a camera at `t0` and walks it through `moves` (stage, time).
fn camera_with_history(
    store: &mut Store,
    site: i64,
    label: &str,
    t0: i64,
    moves: &[(S, i64)],
) -> i64 {
    let mut c = Camera::blank_at(25.45, 78.57);
    c.label = label.into();
    c.area_watched = AreaWatched::Gate;
    c.stream_url = format!("rtsp://127.0.0.1:8554/{label}");
    let rec = store
        .add_camera(&at(t0), site, &c, &PasswordEdit::Keep)
        .unwrap();
    let mut version = rec.row_version;
    for &(to, t) in moves {
        let change = StageChange {
            to,
            reason: (to == S::Blocked).then_some(BlockReason::NoUplink),
            note: String::new(),
        };
        version = store
            .change_stage(&at(t), rec.id, version, &change)
            .unwrap()
            .row_version;
    }
    rec.id
}

#[test]
fn a_weeks_numbers_follow_the_stage_history() {
    let desk = Desk::new();
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let week = IsoWeek::containing(NOW);
    let monday = week.start_unix_s();
    let last_monday = week.previous().start_unix_s();
    let mut hotel = Site::blank();
    hotel.name_en = "Hotel Raj Palace".into();
    hotel.owner_category = OwnerCategory::Hotel;
    let hotel = store
        .add_site(&at(last_monday - 86_400), &hotel)
        .unwrap()
        .id;
    let mut school = Site::blank();
    school.name_en = "Apex Coaching Centre".into();
    school.owner_category = OwnerCategory::CoachingSchool;
    let school = store
        .add_site(&at(last_monday - 86_400), &school)
        .unwrap()
        .id;
    let walk = |t: i64| {
        vec![
            (S::OwnerContacted, t),
            (S::ConsentGiven, t + 60),
            (S::Configured, t + 120),
            (S::Integrated, t + 180),
        ]
    };
    // Integrated last Tuesday; integrated this Monday (first hour of the week); surveyed, blocked and
    // unblocked this week; blocked last week and still blocked; integrated next week (not yet, as of the week).
    camera_with_history(
        &mut store,
        hotel,
        "gate",
        last_monday - 86_400,
        &walk(last_monday + 86_400),
    );
    camera_with_history(
        &mut store,
        hotel,
        "lobby",
        last_monday - 86_400,
        &walk(monday),
    );
    camera_with_history(
        &mut store,
        school,
        "entrance",
        monday + 3_600,
        &[
            (S::OwnerContacted, monday + 7_200),
            (S::Blocked, monday + 10_000),
            (S::OwnerContacted, monday + 20_000),
        ],
    );
    camera_with_history(
        &mut store,
        school,
        "parking",
        last_monday - 86_400,
        &[(S::Blocked, last_monday + 3_600)],
    );
    camera_with_history(
        &mut store,
        school,
        "corridor",
        monday + 100,
        &walk(week.end_unix_s() + 60),
    );
    drop(store);

    let conn = iccc_desk::services::review::weekly::open_read_only(&desk.db).unwrap();
    let r = weekly(&conn, week).unwrap();
    assert_eq!(r.week, "2026-W48");
    assert_eq!(
        (r.starts.as_str(), r.ends.as_str()),
        ("2026-11-23", "2026-11-29")
    );
    assert_eq!(r.cameras, 5);
    assert_eq!(r.integrated_total, 2);
    assert_eq!(
        r.integrated_this_week, 1,
        "the lobby, integrated this Monday"
    );
    assert_eq!(
        r.integrated_last_week, 1,
        "the gate, integrated last Tuesday"
    );
    assert_eq!(
        r.new_surveys, 2,
        "entrance and corridor were recorded this week"
    );
    assert_eq!(r.blocked_this_week, 1);
    assert_eq!(r.resolved_this_week, 1);
    assert_eq!(r.blocked_now, 1, "the parking camera is still blocked");
    assert_eq!(r.by_category["hotel"].integrated_total, 2);
    assert_eq!(r.by_category["hotel"].integrated_this_week, 1);
    assert_eq!(r.by_category["coaching_school"].cameras, 3);
    assert_eq!(r.by_category["coaching_school"].integrated_total, 0);
    assert_eq!(r.uptime_pct_integrated, None, "never probed");
    // The week before reads as it stood then: the lobby was not integrated yet.
    let before = weekly(&conn, week.previous()).unwrap();
    assert_eq!(
        (
            before.integrated_total,
            before.integrated_this_week,
            before.cameras
        ),
        (1, 1, 3)
    );
}

/// Straightforward recount from every stage event: a camera's stage at the week's end is its latest event
/// before it.
fn recount(
    events: &[(i64, i64, Option<String>, String)],
    cat: &BTreeMap<i64, String>,
    week: IsoWeek,
) -> (u64, u64, BTreeMap<String, u64>) {
    let (start, end) = (week.start_unix_s(), week.end_unix_s());
    let mut latest: BTreeMap<i64, (i64, &str)> = BTreeMap::new();
    for (camera, t, _, to) in events {
        if *t < end {
            let e = latest.entry(*camera).or_insert((*t, to));
            if *t >= e.0 {
                *e = (*t, to);
            }
        }
    }
    let mut total = 0;
    let mut this_week = 0;
    let mut by_cat: BTreeMap<String, u64> = BTreeMap::new();
    for (camera, (t, stage)) in latest {
        if stage == "integrated" {
            total += 1;
            *by_cat.entry(cat[&camera].clone()).or_default() += 1;
            if t >= start {
                this_week += 1;
            }
        }
    }
    (total, this_week, by_cat)
}

#[test]
fn the_demo_registrys_weeks_match_a_recount_of_its_events() {
    let desk = Desk::new();
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        generate(
            &mut store,
            &DemoOptions {
                cameras: 3_200,
                seed: 1,
                now_unix_s: NOW,
                user: "setup".into(),
            },
            &|_| true,
        )
        .unwrap();
    }
    let sql = desk.sql();
    let mut stmt = sql
        .prepare("SELECT camera_id, at_unix_s, from_stage, to_stage FROM stage_event ORDER BY id")
        .unwrap();
    let events: Vec<(i64, i64, Option<String>, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let cat: BTreeMap<i64, String> = sql
        .prepare("SELECT c.id, s.owner_category FROM camera c JOIN site s ON s.id = c.site_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let conn = iccc_desk::services::review::weekly::open_read_only(&desk.db).unwrap();
    let mut week = IsoWeek::containing(NOW);
    for _ in 0..6 {
        let r = weekly(&conn, week).unwrap();
        let (total, this_week, by_cat) = recount(&events, &cat, week);
        assert_eq!(r.integrated_total, total, "{week}");
        assert_eq!(r.integrated_this_week, this_week, "{week}");
        for (code, n) in &by_cat {
            assert_eq!(r.by_category[code].integrated_total, *n, "{week} {code}");
        }
        let (start, end) = (week.start_unix_s(), week.end_unix_s());
        let surveyed = events
            .iter()
            .filter(|e| e.2.is_none() && (start..end).contains(&e.1))
            .map(|e| e.0)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u64;
        assert_eq!(r.new_surveys, surveyed, "{week}");
        week = week.previous();
    }
    // The charts' series agrees with the weeks, oldest first.
    let points =
        iccc_desk::services::review::weekly::series(&conn, IsoWeek::containing(NOW), 6).unwrap();
    assert_eq!(points.len(), 6);
    assert_eq!(points[5].week, IsoWeek::containing(NOW));
    for p in &points {
        let r = weekly(&conn, p.week).unwrap();
        assert_eq!(p.integrated_total, r.integrated_total);
        assert_eq!(
            p.integrated_by_category.values().sum::<u64>(),
            r.integrated_this_week
        );
        // Per category too, listing exactly the categories with cameras by the week's end.
        for (code, f) in &r.by_category {
            assert_eq!(
                p.integrated_by_category.get(code).copied(),
                (f.cameras > 0).then_some(f.integrated_this_week),
                "{} {code}",
                p.week
            );
        }
    }
    assert!(points.windows(2).all(|w| w[0].week < w[1].week));
    // The current week as of NOW is the demo's: its total is the registry's integrated count.
    let now = weekly(&conn, IsoWeek::containing(NOW)).unwrap();
    assert_eq!(now.integrated_total, 2_378);
    assert!(now.is_demo);
}

#[test]
fn the_cli_prints_the_week_as_text_and_json() {
    let desk = Desk::new();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
            .args(args)
            .arg("--db")
            .arg(&desk.db)
            .arg("--key-dir")
            .arg(&desk.keys)
            .output()
            .unwrap()
    };
    let now = format!("--now-unix-s={NOW}");
    assert!(run(&["demo", &now]).status.success());
    let out = run(&["report", "weekly", "--json", &now]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["week"], "2026-W48");
    assert_eq!(json["integrated_total"], 2_378);
    assert!(json["integrated_this_week"].as_u64().unwrap() > 0);
    assert!(
        json["by_category"]["hotel"]["integrated_total"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(json.get("gaps").is_some());
    let text = run(&["report", "weekly", "--week", "2026-W47", &now]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.starts_with("Weekly review 2026-W47 (2026-11-16 to 2026-11-22"),
        "{text}"
    );
    assert!(text.contains("Hotel: "), "{text}");
    let bad = run(&["report", "weekly", "--week", "W48", &now]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-Www"));
}

/// The review screen: the week's numbers and the charts, a week back and again.
#[test]
fn the_supervisor_reads_the_week_on_the_review_screen() {
    use egui_kittest::kittest::Queryable as _;
    let desk = Desk::new();
    let now = iccc_desk::store::now_unix_s();
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        // The demo's week of probing ended three days ago: the places whose cameras were last found offline
        // have become gaps since.
        generate(
            &mut store,
            &DemoOptions {
                cameras: 3_200,
                seed: 1,
                now_unix_s: now - 3 * 86_400,
                user: "setup".into(),
            },
            &|_| true,
        )
        .unwrap();
    }
    let mut h = desk.harness_without_simulator();
    h.get_by_label("Weekly review").click();
    h.run_ok();
    let week = IsoWeek::containing(now);
    common::wait_until(&mut h, "the week's numbers arrive", |app| {
        app.review
            .report
            .as_ref()
            .is_some_and(|r| r.week == week.label())
    });
    let (from, to) = week.dates();
    h.get_by_label(&format!("{} ({from} to {to})", week.label()));
    h.get_by_label("Integrated in total");
    h.get_by_label("2,378");
    // Coverage: each gap says why and names the nearest camera to integrate where there is one.
    common::wait_until(&mut h, "coverage is worked out", |app| {
        app.review.coverage.is_some()
    });
    let coverage = h.state().review.coverage.clone().unwrap();
    assert_eq!(coverage.places, 51);
    assert_eq!(coverage.gaps.len(), 51 - coverage.covered);
    h.get_by_label_contains("of 51 priority places watched by a working integrated camera");
    h.get_all_by_label("Integrated camera offline")
        .next()
        .expect("a gap's reason in words");
    // The category table and the chart's legend both name the hotels.
    assert!(h.get_all_by_label("Hotel").count() >= 2);
    assert_eq!(h.state().review.series.len(), 12);

    h.get_by_label("« Previous week").click();
    h.run_ok();
    let before = week.previous();
    common::wait_until(&mut h, "the week before arrives", |app| {
        app.review
            .report
            .as_ref()
            .is_some_and(|r| r.week == before.label())
    });
    let shown = h.state().review.report.clone().unwrap();
    let conn = iccc_desk::services::review::weekly::open_read_only(&desk.db).unwrap();
    assert_eq!(shown, weekly(&conn, before).unwrap());
    h.get_by_role_and_label(egui::accesskit::Role::Button, "This week")
        .click();
    h.run_ok();
    common::wait_until(&mut h, "back to this week", |app| {
        app.review
            .report
            .as_ref()
            .is_some_and(|r| r.week == week.label())
    });
}

/// A small registry for the review screen: a hotel with two cameras, one integrated this week and one waiting
/// for consent.
fn small_registry(desk: &Desk, now: i64) -> (i64, i64) {
    let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
    let mut hotel = Site::blank();
    hotel.name_en = "Hotel Raj Palace".into();
    hotel.owner_category = OwnerCategory::Hotel;
    let hotel = store.add_site(&at(now - 600), &hotel).unwrap().id;
    camera_with_history(
        &mut store,
        hotel,
        "gate",
        now - 600,
        &[
            (S::OwnerContacted, now - 500),
            (S::ConsentGiven, now - 400),
            (S::Configured, now - 300),
            (S::Integrated, now - 200),
        ],
    );
    let waiting = camera_with_history(
        &mut store,
        hotel,
        "lobby",
        now - 600,
        &[(S::OwnerContacted, now - 500), (S::ConsentGiven, now - 400)],
    );
    (hotel, waiting)
}

/// The supervisor opens the review on figures at once: the ones last counted, from the registry's cache,
/// marked with when they were counted; they are always counted again (a cache row edited outside the desk
/// never stands), and a stage change's new figures replace them on the screen and in the cache.
#[test]
fn the_review_opens_on_the_last_counted_figures_and_follows_a_stage_change() {
    use egui_kittest::kittest::Queryable as _;
    use iccc_desk::services::review::weekly::{
        REVIEW_CHART_WEEKS, cache_figures, cached_figures, count_figures,
    };
    let desk = Desk::new();
    let now = iccc_desk::store::now_unix_s();
    let week = IsoWeek::containing(now);
    let (_, waiting) = small_registry(&desk, now);
    // Figures counted a little earlier, standing for a registry as it is now: the cache says 4,321 integrated
    // (no real count gives that, so a 4,321 on screen can only come from the cache).
    {
        let store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let (mut figures, mark) =
            count_figures(&store.reports(), week, REVIEW_CHART_WEEKS).unwrap();
        assert_eq!(figures.report.integrated_total, 1);
        figures.report.integrated_total = 4_321;
        cache_figures(
            &iccc_desk::store::open_review_cache_writer(&desk.db).unwrap(),
            week,
            REVIEW_CHART_WEEKS,
            &figures,
            mark,
            now - 60,
        )
        .unwrap();
    }
    let mut h = desk.harness_without_simulator();
    h.get_by_label("Weekly review").click();
    // One frame, no waiting for the worker: the cached figures are there.
    h.step();
    h.get_by_label("4,321");
    h.get_by_label_contains("Computed at ");
    assert!(
        h.query_by_label_contains("Counting the week's figures")
            .is_none(),
        "no counting page when figures are cached"
    );
    // The cache row's marks say it is current, but a cache row is only a row of the file (one edit with the
    // sqlite3 tool sets it): the figures are counted again and the count replaces it.
    common::wait_until(&mut h, "the worker counts the week again", |app| {
        !app.review.is_updating
            && app
                .review
                .report
                .as_ref()
                .is_some_and(|r| r.integrated_total == 1)
    });
    assert!(
        h.query_by_label("4,321").is_none(),
        "the cached figure gave way to the count"
    );

    // Another desk moves the waiting camera on: the figures go stale and are counted again.
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        let version = store.camera(waiting).unwrap().row_version;
        let change = StageChange {
            to: S::Configured,
            reason: None,
            note: String::new(),
        };
        let version = store
            .change_stage(&at(now - 100), waiting, version, &change)
            .unwrap()
            .row_version;
        let change = StageChange {
            to: S::Integrated,
            ..change
        };
        store
            .change_stage(&at(now - 50), waiting, version, &change)
            .unwrap();
    }
    common::wait_until(&mut h, "the new figures arrive", |app| {
        app.review
            .report
            .as_ref()
            .is_some_and(|r| r.integrated_total == 2)
            && !app.review.is_updating
    });
    h.get_by_label("Integrated in total");
    assert!(
        h.query_by_label("4,321").is_none(),
        "the stale figure is gone"
    );
    h.get_by_label_contains("Computed at ");
    // The cache holds the new figures, current (written just after they are sent to the screen).
    common::wait_until(&mut h, "the new figures are cached", |_| {
        let conn = iccc_desk::services::review::weekly::open_read_only(&desk.db).unwrap();
        cached_figures(&conn, week, REVIEW_CHART_WEEKS, now)
            .unwrap()
            .is_some_and(|c| c.is_current && c.figures.report.integrated_total == 2)
    });
}

/// A first opening with no cache: what the registry in memory tells now shows at once, with a clear word that
/// the week's figures are being counted; then the counted figures.
#[test]
fn without_a_cache_the_review_shows_what_is_known_and_says_it_is_counting() {
    use egui_kittest::kittest::Queryable as _;
    let desk = Desk::new();
    let now = iccc_desk::store::now_unix_s();
    small_registry(&desk, now);
    let mut h = desk.harness_without_simulator();
    h.get_by_label("Weekly review").click();
    h.step();
    assert!(h.state().review.report.is_none());
    h.get_by_label("Counting the week's figures from the stage history…");
    h.get_by_label("Cameras recorded");
    h.get_by_label("Integrated now");
    common::wait_until(&mut h, "the week is counted", |app| {
        app.review.report.is_some() && !app.review.is_updating
    });
    h.get_by_label("Integrated in total");
    assert!(
        h.query_by_label_contains("Counting the week's figures")
            .is_none()
    );
    // The counted week is cached for the next opening (just after it is sent to the screen).
    common::wait_until(&mut h, "the counted week is cached", |_| {
        desk.count("SELECT count(*) FROM review_cache") == 1
    });
}

/// Counts read as words in both languages: "1 gap" and "2 gaps", "1 कमी" and "2 कमियाँ".
#[test]
fn gaps_are_counted_in_words_in_english_and_hindi() {
    use egui_kittest::kittest::Queryable as _;
    use iccc_desk::model::Priority;
    let desk = Desk::new();
    let now = iccc_desk::store::now_unix_s();
    let black_spot = |name: &str, lat: f64| {
        let mut s = Site::blank();
        s.name_en = name.into();
        s.owner_category = OwnerCategory::Hotel;
        s.priority = Priority::BlackSpot;
        s.lat_deg = lat;
        s.lon_deg = 78.57;
        s
    };
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        store
            .add_site(&at(now - 600), &black_spot("Jhokan Bagh crossing", 25.44))
            .unwrap();
    }
    let mut h = desk.harness_without_simulator();
    h.get_by_label("Weekly review").click();
    common::wait_until(&mut h, "coverage is worked out", |app| {
        app.review.coverage.is_some() && app.review.report.is_some()
    });
    h.get_by_label_contains("Coverage: 1 gap — 0 of 1 priority place watched");
    {
        let mut store = Store::open(&desk.db, &desk.open_options()).unwrap();
        store
            .add_site(&at(now - 500), &black_spot("Elite crossing", 25.46))
            .unwrap();
    }
    common::wait_until(&mut h, "the second gap is counted", |app| {
        app.review
            .coverage
            .as_ref()
            .is_some_and(|c| c.gaps.len() == 2)
    });
    h.run_ok();
    h.get_by_label_contains("Coverage: 2 gaps — 0 of 2 priority places watched");
    assert!(h.query_by_label_contains("2 gap —").is_none());
    h.get_by_label("हिन्दी").click();
    h.run_ok();
    h.get_by_label_contains("कवरेज: 2 कमियाँ —");
    let hi = iccc_desk::i18n::I18n::new(iccc_desk::i18n::Lang::Hi);
    let one = hi.tr_args(
        "review-coverage",
        &[
            ("gaps", "1".into()),
            ("places", "1".into()),
            ("covered", "0".into()),
        ],
    );
    assert!(one.starts_with("कवरेज: 1 कमी —"), "{one}");
}
