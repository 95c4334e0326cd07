//! Registry open at 200,000 and 500,000 cameras: the first open of a file, which runs the full check (SQLite's
//! `quick_check`, the safeguards, `foreign_key_check`, the seal's counts), against the next open of the same
//! unchanged file, which skips it (`store/check_stamp.rs`); for the desk's writable open and for the read-only
//! commands (`stats`, `report`, `export`); each part of the check timed; and `sqlite3`'s own `quick_check` beside
//! it when the tool is installed.
//!
//! Run: `cargo bench --profile dev --bench open_check` (demo registries are made once, kept in
//! `target/bench-open-check/` and reused: 200,000 cameras take about a minute, 500,000 about three);
//! `-- --cameras N` (repeatable) for other sizes; `-- --db FILE --key-dir DIR` for a registry of your own.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iccc_desk::services::demo::{DemoOptions, generate};
use iccc_desk::store::{OpenOptions, Store};

fn s(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

/// Forgets every stamp of `keys`, so the next open checks in full.
fn forget_stamps(keys: &Path) {
    let own = keys.join(iccc_desk::private_folder::own_folder_name());
    for folder in [keys.join("open-checked"), own.join("open-checked")] {
        let _ = std::fs::remove_dir_all(folder);
    }
}

/// A demo registry of `cameras`, made once in `dir` and reused.
fn demo_registry(dir: &Path, cameras: usize) -> (PathBuf, PathBuf) {
    let db = dir.join(format!("demo-{cameras}.sqlite"));
    let keys = dir.join("keys");
    if db.exists() {
        return (db, keys);
    }
    std::fs::create_dir_all(dir).expect("bench folder");
    let partial = dir.join(format!("demo-{cameras}.sqlite.partial"));
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    {
        let options = OpenOptions {
            key_dir: keys.clone(),
        };
        let mut store = Store::open(&partial, &options).expect("new registry");
        let demo = DemoOptions {
            cameras,
            seed: 7,
            now_unix_s: 1_795_564_800,
            user: "bench".into(),
        };
        generate(&mut store, &demo, &|_| true).expect("demo registry");
    }
    std::fs::rename(&partial, &db).expect("demo registry in place");
    println!(
        "  (demo registry of {cameras} cameras made in {})",
        s(started.elapsed())
    );
    (db, keys)
}

fn bench_one(label: &str, db: &Path, keys: &Path) {
    let options = OpenOptions {
        key_dir: keys.to_path_buf(),
    };
    let size_mb = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("{label}: {} ({size_mb:.0} MB)", db.display());
    match iccc_desk::store::time_full_check(db, keys) {
        Ok(parts) => {
            let total: Duration = parts.iter().map(|(_, d)| *d).sum();
            for (part, took) in parts {
                println!("  full check part: {part:<30} {}", s(took));
            }
            println!(
                "  full check, all parts:                        {}",
                s(total)
            );
        }
        Err(e) => println!("  full check refused the file: {e}"),
    }
    forget_stamps(keys);
    for round in [
        "first open (full check)",
        "second open (unchanged)",
        "third open (unchanged)",
    ] {
        let started = Instant::now();
        let store = Store::open_existing(db, &options).expect("open");
        let opened = started.elapsed();
        let check = store.open_check();
        let started = Instant::now();
        drop(store);
        println!(
            "  desk/command open, {round:<26} {} ({check:?}; clean close {})",
            s(opened),
            s(started.elapsed())
        );
    }
    forget_stamps(keys);
    for round in ["first (full check)", "second (unchanged)"] {
        let started = Instant::now();
        let (conn, check) = Store::open_read_only_with(db, Some(keys)).expect("read-only open");
        println!(
            "  read-only open (stats), {round:<20} {} ({check:?})",
            s(started.elapsed())
        );
        drop(conn);
    }
    let started = Instant::now();
    match std::process::Command::new("sqlite3")
        .arg("-readonly")
        .arg(db)
        .arg("PRAGMA quick_check;")
        .output()
    {
        Ok(out) if out.status.success() => println!(
            "  peer: sqlite3 -readonly FILE 'PRAGMA quick_check' {}",
            s(started.elapsed())
        ),
        _ => println!("  peer: sqlite3 not installed (or it failed); skipped"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    if let (Some(db), Some(keys)) = (value("--db"), value("--key-dir")) {
        bench_one("registry", Path::new(db), Path::new(keys));
        return;
    }
    let mut sizes: Vec<usize> = args
        .windows(2)
        .filter(|w| w[0] == "--cameras")
        .filter_map(|w| w[1].parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![200_000, 500_000];
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-open-check");
    for cameras in sizes {
        let (db, keys) = demo_registry(&dir, cameras);
        bench_one(&format!("{cameras} cameras"), &db, &keys);
    }
}
