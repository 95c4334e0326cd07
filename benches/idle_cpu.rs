//! CPU the desk burns when nobody touches it (run: `cargo bench --profile dev --bench idle_cpu`; `-- --cameras N
//! --settle-s S --measure-s M` to change the sizes). Starts the real desk window (the built `iccc-desk`) on a
//! demo registry under a virtual X display (Xvfb, software rendering as on a control-room PC without a GPU),
//! without the demo simulator so nothing changes but what the desk's own prober finds (every camera offline);
//! waits for the prober's first sweep, visits each screen from the sidebar with `xdotool`, then reads the
//! process's CPU time from `/proc/PID/stat` over the measuring window. Prints % of one core per screen, with the
//! probes the prober made in that window (read from the registry: a re-probe of offline cameras is real work,
//! not idling), and the worst screen. Speed is printed, never asserted. Needs `Xvfb` and `xdotool`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

mod support;
use support::*;

/// User plus system CPU time of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn ticks_per_s() -> f64 {
    // SAFETY: sysconf only reads a system constant.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as f64 } else { 100.0 }
}

/// % of one core the process used over `window`.
fn cpu_percent(pid: u32, window: Duration) -> Option<f64> {
    let a = cpu_ticks(pid)?;
    std::thread::sleep(window);
    let b = cpu_ticks(pid)?;
    Some((b - a) as f64 / ticks_per_s() / window.as_secs_f64() * 100.0)
}

fn unix_now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Cameras the prober probed since `from_s` (their last probe is later), read-only.
fn probes_since(db: &Path, from_s: i64) -> i64 {
    rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM camera_health WHERE last_probe_unix_s >= ?1",
                [from_s],
                |r| r.get(0),
            )
        })
        .unwrap_or(-1)
}

fn main() {
    let cameras = number("--cameras", 3_200);
    let first_sweep = Duration::from_secs(number("--first-sweep-s", 60));
    let settle = Duration::from_secs(number("--settle-s", 5));
    let measure = Duration::from_secs(number("--measure-s", 20));
    if !has("Xvfb") || !has("xdotool") {
        eprintln!(
            "idle_cpu: needs Xvfb and xdotool (apt-get install xvfb xdotool); nothing measured"
        );
        return;
    }
    let exe = Path::new(env!("CARGO_BIN_EXE_iccc-desk"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.sqlite");
    let keys = dir.path().join("keys");
    let demo = Command::new(exe)
        .args(["demo", "--cameras", &cameras.to_string(), "--db"])
        .arg(&db)
        .arg("--key-dir")
        .arg(&keys)
        .stdout(Stdio::null())
        .status()
        .expect("write the demo registry");
    assert!(demo.success(), "the demo registry could not be written");

    let display = format!(":{}", 90 + std::process::id() % 9);
    let _xvfb = Killed(
        Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1600x1000x24",
                "-nolisten",
                "tcp",
            ])
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
            .arg("--no-simulator")
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
        "Desk at rest, {cameras} demo cameras, no simulator, 1600×1000 under Xvfb (software rendering); first \
         sweep {} s, then per screen settle {} s and measure {} s; % of one core:",
        first_sweep.as_secs(),
        settle.as_secs(),
        measure.as_secs()
    );
    std::thread::sleep(first_sweep);
    // Screens at rest, and windows in which the prober re-probed offline cameras (real work, shown apart).
    let mut worst = 0.0f64;
    let mut sweeps: Vec<(f64, i64)> = Vec::new();
    for (name, y) in SCREENS {
        xdotool(
            &display,
            &[
                "mousemove",
                &SIDEBAR_X.to_string(),
                &y.to_string(),
                "click",
                "1",
            ],
        );
        // The pointer rests away from every widget, as when the operator looks at the screen.
        xdotool(&display, &["mousemove", "1590", "990"]);
        std::thread::sleep(settle);
        let from_s = unix_now_s();
        let cpu = cpu_percent(pid, measure);
        let probes = probes_since(&db, from_s);
        match cpu {
            Some(p) => {
                if probes > 0 {
                    sweeps.push((p, probes));
                } else {
                    worst = worst.max(p);
                }
                println!("  {name:<20} {p:6.2} %   ({probes} probes by the prober meanwhile)");
            }
            None => {
                println!("  the desk stopped (on {name})");
                return;
            }
        }
    }
    println!("  worst screen at rest {worst:6.2} % (target: under 3 %)");
    for (p, probes) in sweeps {
        let cpu_ms = p / 100.0 * measure.as_secs_f64() * 1000.0;
        println!(
            "  a window with a prober sweep: {p:.2} % for {probes} probes, {:.2} ms of CPU per probe",
            cpu_ms / probes as f64
        );
    }
}
