//! Figures at a city's and a state's scale, command by command, beside the tools people would otherwise run
//! (run: `cargo bench --profile dev --bench scale`; `-- --cameras 200000,500000` for both sizes, `--skip-probe`
//! to leave out the probe sweep, which takes longest).
//!
//! For each size it writes the demo registry with `iccc-desk demo` into a temporary folder, then runs the built
//! `iccc-desk` as a child process for: open (`area`, which only opens and shows; first and second run), `stats`,
//! `export cameras` as CSV and XLSX, `import` of the exported CSV into a new registry, and one `probe --once`
//! sweep against `iccc-desk simulate` (loopback addresses only). Each line gives the wall time and the child's
//! peak resident memory (wait4's `ru_maxrss`), and beside it the peer where installed: `sqlite3` for open and
//! stats (a count, and a count grouped by stage), GDAL's `ogr2ogr` for the import (CSV → GeoPackage) and the
//! XLSX (CSV → XLSX). A peer that is missing is skipped with a word. Printed, never asserted.

use std::fs::File;
use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

const DESK: &str = env!("CARGO_BIN_EXE_iccc-desk");

/// What one child process took.
struct Run {
    wall_s: f64,
    peak_mb: f64,
    ok: bool,
}

/// Waits for child `pid` and returns its exit status and peak resident memory in MB.
fn wait_for(pid: u32) -> (bool, f64) {
    let mut status: libc::c_int = 0;
    // SAFETY: a zeroed rusage is a valid value of this plain C struct; wait4 fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is a child this process spawned and has not waited for; the pointers are to locals.
    let waited = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    let ok = waited > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux gives ru_maxrss in KiB.
    (ok, usage.ru_maxrss as f64 / 1024.0)
}

/// Runs `program args` to its end, its output into `log` (read it when a run fails).
fn run(program: &str, args: &[&str], log: &Path) -> Run {
    let started = Instant::now();
    let out = File::create(log).expect("log file");
    let err = out.try_clone().expect("log file");
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn();
    let Ok(child) = child else {
        return Run {
            wall_s: 0.0,
            peak_mb: 0.0,
            ok: false,
        };
    };
    let (ok, peak_mb) = wait_for(child.id());
    Run {
        wall_s: started.elapsed().as_secs_f64(),
        peak_mb,
        ok,
    }
}

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn figure(r: &Run) -> String {
    if r.ok {
        format!("{:7.2} s {:7.0} MB", r.wall_s, r.peak_mb)
    } else {
        format!("{:>18}", "FAILED (see log)")
    }
}

/// One line of the table: what, the desk's figure, the peer's (or why none), and a rate where one is meant.
fn line(what: &str, desk: &Run, peer: Option<(&str, &Run)>, rows: Option<usize>) {
    let rate = |r: &Run| match rows {
        Some(n) if r.ok && r.wall_s > 0.0 => format!(" {:>9.0} rows/s", n as f64 / r.wall_s),
        _ => String::new(),
    };
    let peer_text = match peer {
        Some((name, r)) => format!("{name:>8} {}{}", figure(r), rate(r)),
        None => String::new(),
    };
    println!("{what:<26} {}{}   {peer_text}", figure(desk), rate(desk));
}

struct Sizes {
    cameras: Vec<usize>,
    skip_probe: bool,
}

fn sizes() -> Sizes {
    let args: Vec<String> = std::env::args().collect();
    let mut cameras = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let value = match a.strip_prefix("--cameras=") {
            Some(v) => Some(v),
            None if a == "--cameras" => args.get(i + 1).map(String::as_str),
            None => None,
        };
        for n in value.into_iter().flat_map(|v| v.split(',')) {
            match n.trim().replace('_', "").parse() {
                Ok(n) => cameras.push(n),
                Err(_) => eprintln!("--cameras {n:?} is not a number; left out"),
            }
        }
    }
    if cameras.is_empty() {
        cameras.push(200_000);
    }
    Sizes {
        cameras,
        skip_probe: args.iter().any(|a| a == "--skip-probe"),
    }
}

fn main() {
    let sizes = sizes();
    let has_sqlite3 = installed("sqlite3");
    let has_ogr2ogr = installed("ogr2ogr");
    if !has_sqlite3 {
        println!("sqlite3 is not installed: open and stats without a peer");
    }
    if !has_ogr2ogr {
        println!("ogr2ogr (gdal-bin) is not installed: import and XLSX without a peer");
    }
    for &n in &sizes.cameras {
        let dir = tempfile::tempdir().expect("temp dir");
        at_size(dir.path(), n, has_sqlite3, has_ogr2ogr, sizes.skip_probe);
    }
}

/// Every figure at `cameras` cameras, in `dir`.
fn at_size(dir: &Path, cameras: usize, has_sqlite3: bool, has_ogr2ogr: bool, skip_probe: bool) {
    let p = |name: &str| dir.join(name).display().to_string();
    let (db, keys) = (p("registry.sqlite"), p("keys"));
    let log = |name: &str| dir.join(format!("{name}.log"));
    let desk = |args: &[&str], name: &str| {
        let mut all = args.to_vec();
        all.extend(["--db", &db, "--key-dir", &keys]);
        run(DESK, &all, &log(name))
    };
    println!("\n== {cameras} cameras (in {}) ==", dir.display());
    println!(
        "{:<26} {:>18}   {:>8} {:>18}",
        "what", "iccc-desk", "peer", ""
    );
    let count = cameras.to_string();
    let demo = desk(&["demo", "--cameras", &count], "demo");
    line("demo registry (set-up)", &demo, None, None);
    if !demo.ok {
        println!(
            "the demo registry was not written; see {}",
            log("demo").display()
        );
        return;
    }
    let sqlite = |sql: &str, name: &str| run("sqlite3", &[&db, sql], &log(name));
    let count_sql = "SELECT count(*) FROM camera";
    let grouped_sql = "SELECT stage, count(*) FROM camera GROUP BY stage";
    let first = desk(&["area"], "open1");
    let peer = has_sqlite3.then(|| sqlite(count_sql, "sqlite-count"));
    line(
        "open, first (area)",
        &first,
        peer.as_ref().map(|r| ("sqlite3", r)),
        None,
    );
    let second = desk(&["area"], "open2");
    line("open, second (area)", &second, None, None);
    let stats = desk(&["stats"], "stats");
    let peer = has_sqlite3.then(|| sqlite(grouped_sql, "sqlite-grouped"));
    line("stats", &stats, peer.as_ref().map(|r| ("sqlite3", r)), None);

    let (csv, xlsx) = (p("cameras.csv"), p("cameras.xlsx"));
    let export_csv = desk(
        &["export", "cameras", "--format", "csv", "-o", &csv],
        "export-csv",
    );
    line("export cameras CSV", &export_csv, None, Some(cameras));
    let export_xlsx = desk(
        &["export", "cameras", "--format", "xlsx", "-o", &xlsx],
        "export-xlsx",
    );
    let peer = (has_ogr2ogr && export_csv.ok).then(|| {
        let out = p("ogr.xlsx");
        run("ogr2ogr", &["-f", "XLSX", &out, &csv], &log("ogr-xlsx"))
    });
    line(
        "export cameras XLSX",
        &export_xlsx,
        peer.as_ref().map(|r| ("ogr2ogr", r)),
        Some(cameras),
    );

    if export_csv.ok {
        let fresh = p("imported.sqlite");
        let import = run(
            DESK,
            &["import", &csv, "--db", &fresh, "--key-dir", &keys],
            &log("import"),
        );
        let peer = has_ogr2ogr.then(|| {
            let out = p("ogr.gpkg");
            let args = [
                "-f",
                "GPKG",
                out.as_str(),
                csv.as_str(),
                "-oo",
                "X_POSSIBLE_NAMES=Longitude",
                "-oo",
                "Y_POSSIBLE_NAMES=Latitude",
            ];
            run("ogr2ogr", &args, &log("ogr-gpkg"))
        });
        line(
            "import the cameras CSV",
            &import,
            peer.as_ref().map(|r| ("ogr2ogr", r)),
            Some(cameras),
        );
    }
    if skip_probe {
        println!("probe sweep: left out (--skip-probe)");
    } else {
        probe_sweep(&db, &keys, dir);
    }
}

/// One `probe --once` sweep while `simulate` answers for the registry's cameras on loopback addresses.
fn probe_sweep(db: &str, keys: &str, dir: &Path) {
    let sim_log = dir.join("simulate.log");
    let sim = Command::new(DESK)
        .args(["simulate", "--db", db, "--key-dir", keys])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(&sim_log).expect("log file"))
        .spawn();
    let Ok(mut sim) = sim else {
        println!("probe sweep: the simulator did not start");
        return;
    };
    let started = Instant::now();
    // The simulator's first line says it answers; until then the cameras would look offline.
    let mut first_line = String::new();
    if let Some(out) = sim.stdout.take() {
        let mut out = BufReader::new(out);
        let _ = out.read_line(&mut first_line);
        // Keep reading its lines so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in out.lines() {});
    }
    let ready_s = started.elapsed().as_secs_f64();
    println!("simulator ready in {ready_s:.1} s: {}", first_line.trim());
    let sweep = run(
        DESK,
        &[
            "probe",
            "--once",
            "--db",
            db,
            "--key-dir",
            keys,
            "--concurrency",
            "128",
        ],
        &dir.join("probe.log"),
    );
    line("probe sweep (--once)", &sweep, None, None);
    let summary = std::fs::read_to_string(dir.join("probe.log")).unwrap_or_default();
    if let Some(last) = summary.lines().rev().find(|l| !l.trim().is_empty()) {
        println!("  {}", last.trim());
    }
    // SAFETY: signals only the simulator this bench started, by its id.
    unsafe { libc::kill(sim.id() as libc::pid_t, libc::SIGTERM) };
    let (_, sim_peak_mb) = wait_for(sim.id());
    // wait4's figure is the largest of the simulator and the helper processes it waited for, not their sum.
    println!("  simulator: peak {sim_peak_mb:.0} MB (its largest process)");
}
