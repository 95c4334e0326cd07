//! Memory of the desk window and of its demo camera simulator (run: `cargo bench --profile dev --bench
//! desk_memory`; `-- --cameras N --open-s S --minutes M` to change the sizes, `-- --db FILE --key-dir DIR` to
//! reuse a demo registry written before with `iccc-desk demo`). Starts the real desk (the built `iccc-desk`) on
//! a demo registry under a virtual X display (Xvfb, software rendering), with the demo simulator the desk
//! starts for it (in its own process or in helper processes `simulate --shard I/N`); reads the desk's resident
//! memory (/proc/PID/status VmRSS) once the registry is open, then every 10 s while `xdotool` visits each
//! screen from the sidebar in turn, and sums the simulator's helper processes. Prints the figures; memory is
//! printed, never asserted. Needs `Xvfb` and `xdotool`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::*;

const SAMPLE_EVERY: Duration = Duration::from_secs(10);

/// Resident memory of a process, MB (`None` once it has ended).
fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// The processes whose parent is `pid` (started by any of its threads: the registry worker starts the helpers).
fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .flat_map(|task| {
            std::fs::read_to_string(task.path().join("children"))
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

/// The simulator helper processes' resident memory in all, MB, and how many there are.
fn simulator_mb(desk: u32) -> (f64, usize) {
    let helpers: Vec<u32> = children(desk)
        .into_iter()
        .filter(|c| {
            std::fs::read(format!("/proc/{c}/cmdline"))
                .is_ok_and(|cmd| String::from_utf8_lossy(&cmd).contains("simulate"))
        })
        .collect();
    let total = helpers
        .iter()
        .filter_map(|&p| rss_mb(p))
        .sum::<f64>()
        .max(0.0);
    (total, helpers.len())
}

/// The demo registry to open: the one given, or a new one of `cameras` cameras in `dir`.
fn registry(exe: &Path, dir: &Path, cameras: u64) -> (PathBuf, PathBuf) {
    if let (Some(db), Some(keys)) = (arg("--db"), arg("--key-dir")) {
        return (db.into(), keys.into());
    }
    let db = dir.join("registry.sqlite");
    let keys = dir.join("keys");
    let demo = Command::new(exe)
        .args(["demo", "--cameras", &cameras.to_string(), "--db"])
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .stdout(Stdio::null())
        .status()
        .expect("write the demo registry");
    assert!(demo.success(), "the demo registry could not be written");
    (db, keys)
}

fn main() {
    let cameras = number("--cameras", 200_000);
    let open = Duration::from_secs(number("--open-s", 45));
    let minutes = number("--minutes", 2);
    if !has("Xvfb") || !has("xdotool") {
        eprintln!(
            "desk_memory: needs Xvfb and xdotool (apt-get install xvfb xdotool); nothing measured"
        );
        return;
    }
    let exe = Path::new(env!("CARGO_BIN_EXE_iccc-desk"));
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, keys) = registry(exe, dir.path(), cameras);
    let display = format!(":{}", 80 + std::process::id() % 9);
    let _xvfb = Killed(
        Command::new("Xvfb")
            .args([&display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb"),
    );
    std::thread::sleep(Duration::from_secs(2));
    let desk = Killed(
        Command::new(exe)
            .arg("--db")
            .arg(&db)
            .arg("--key-dir")
            .arg(&keys)
            .env("DISPLAY", &display)
            // Its settings (language) stay in the temp dir.
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the desk"),
    );
    let pid = desk.0.id();
    println!(
        "Desk memory, {} (--cameras {cameras} or --db), 1600×1000 under Xvfb, demo simulator on; open after {} s, \
         then {minutes} min visiting each screen in turn:",
        db.display(),
        open.as_secs()
    );
    std::thread::sleep(open);
    let Some(at_open) = rss_mb(pid) else {
        println!("  the desk stopped while opening");
        return;
    };
    let (sim_open, helpers) = simulator_mb(pid);
    println!(
        "  at open               desk {at_open:6.0} MB   simulator {sim_open:6.0} MB in {helpers} helper processes"
    );
    let began = Instant::now();
    let (mut desk_max, mut sim_max, mut last) = (at_open, sim_open, at_open);
    let mut screen = 0;
    while began.elapsed() < Duration::from_secs(minutes * 60) {
        let (name, y) = SCREENS[screen % SCREENS.len()];
        screen += 1;
        let (x, y) = (SIDEBAR_X.to_string(), y.to_string());
        xdotool(&display, &["mousemove", &x, &y, "click", "1"]);
        xdotool(&display, &["mousemove", "1590", "990"]);
        std::thread::sleep(SAMPLE_EVERY);
        let Some(now) = rss_mb(pid) else {
            println!("  the desk stopped (on {name})");
            return;
        };
        let (sim, helpers) = simulator_mb(pid);
        let at_s = began.elapsed().as_secs();
        println!(
            "  {at_s:4} s {name:<18} desk {now:6.0} MB   simulator {sim:6.0} MB in {helpers} helper processes"
        );
        (desk_max, sim_max, last) = (desk_max.max(now), sim_max.max(sim), now);
    }
    println!(
        "  desk: {at_open:.0} MB at open, {last:.0} MB after {minutes} min ({:+.0} MB), most {desk_max:.0} MB \
         (goal: under 400 MB at 200,000 cameras, not growing)",
        last - at_open
    );
    println!("  simulator: most {sim_max:.0} MB in all (goal: under 1 GB for 200,000 cameras)");
}
