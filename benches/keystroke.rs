//! What one Down key in the cameras table costs at a real window (run: `cargo bench --profile dev --bench
//! keystroke`; `-- --cameras N --keys K --renderer glow|wgpu --settle-ms S`). Starts the real desk window (the
//! built `iccc-desk`) maximized on a demo registry under a virtual X display (Xvfb 1600×1000, Mesa's software
//! rendering as on a thin client or VM), without the demo simulator, opens "Sites and cameras", clicks a row,
//! then sends K Down keys one at a time with `xdotool`. For each key it reads the screen back (X `GetImage` of
//! the root window, compared byte for byte with the frame before) until it changes — the key's latency — and
//! the desk's CPU time (`/proc/PID/stat`) from the key until the screen has stayed unchanged for S ms, so frames
//! that keep being drawn after the key are counted. Prints median and p90 of both, and the desk's CPU at rest
//! after the keys. Speed is printed, never asserted. Needs `Xvfb` and `xdotool` (`scripts/setup.sh test`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};

mod support;
use support::*;

const WIDTH: u16 = 1600;
const HEIGHT: u16 = 1000;
/// "Sites and cameras" in the sidebar of a 1600×1000 maximized window (as in `benches/idle_cpu.rs`).
const REGISTRY_ENTRY: (i32, i32) = (84, 68);
/// A camera row near the top of the table (the table's first rows start under the toolbar and its header).
const FIRST_ROW: (i32, i32) = (500, 140);
/// How often the screen is read back while waiting for a change.
const POLL: Duration = Duration::from_millis(4);

/// User plus system CPU time of a process (all its threads, llvmpipe's included), in ms.
fn cpu_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let ticks_per_s = match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
        t if t > 0 => t as f64,
        _ => 100.0,
    };
    Some((utime + stime) as f64 * 1000.0 / ticks_per_s)
}

/// The X display's screen, read back as the operator sees it.
struct Screen {
    conn: x11rb::rust_connection::RustConnection,
    root: u32,
}

impl Screen {
    fn connect(display: &str) -> Option<Self> {
        let (conn, screen) = x11rb::connect(Some(display)).ok()?;
        let root = conn.setup().roots.get(screen)?.root;
        Some(Self { conn, root })
    }

    fn grab(&self) -> Vec<u8> {
        self.conn
            .get_image(ImageFormat::Z_PIXMAP, self.root, 0, 0, WIDTH, HEIGHT, !0)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .map(|reply| reply.data)
            .unwrap_or_default()
    }

    /// Waits until the screen differs from `before`; the new frame and when it was seen, or `None` by `deadline`.
    fn changed_from(&self, before: &[u8], deadline: Instant) -> Option<(Vec<u8>, Instant)> {
        loop {
            let now = self.grab();
            if now != before {
                return Some((now, Instant::now()));
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the screen has stayed the same for `quiet`; the last frame and when it was first seen.
    fn settled(
        &self,
        mut frame: Vec<u8>,
        quiet: Duration,
        deadline: Instant,
    ) -> (Vec<u8>, Instant) {
        let mut since = Instant::now();
        while since.elapsed() < quiet && Instant::now() < deadline {
            std::thread::sleep(POLL);
            let now = self.grab();
            if now != frame {
                frame = now;
                since = Instant::now();
            }
        }
        (frame, since)
    }

    fn save_png(&self, path: &str) {
        let data = self.grab();
        // Z-pixmap at depth 24 is BGRX, four bytes a pixel.
        let rgb: Vec<u8> = data
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0]])
            .collect();
        if let Some(img) = image::RgbImage::from_raw(WIDTH.into(), HEIGHT.into(), rgb) {
            let _ = img.save(path);
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

fn main() {
    let cameras = number("--cameras", 3_200);
    let keys = number("--keys", 30);
    let quiet = Duration::from_millis(number("--settle-ms", 1_000));
    let renderer = arg("--renderer");
    if !has("Xvfb") || !has("xdotool") {
        eprintln!("keystroke: needs Xvfb and xdotool (scripts/setup.sh test); nothing measured");
        return;
    }
    let exe = Path::new(env!("CARGO_BIN_EXE_iccc-desk"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("registry.sqlite");
    let key_dir = dir.path().join("keys");
    let demo = Command::new(exe)
        .args(["demo", "--cameras", &cameras.to_string(), "--db"])
        .arg(&db)
        .arg("--key-dir")
        .arg(&key_dir)
        .stdout(Stdio::null())
        .status()
        .expect("write the demo registry");
    assert!(demo.success(), "the demo registry could not be written");

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
    let Some(screen) = Screen::connect(&display) else {
        eprintln!("keystroke: cannot read the Xvfb screen back; nothing measured");
        return;
    };
    let mut desk = Command::new(exe);
    desk.arg("--db")
        .arg(&db)
        .arg("--key-dir")
        .arg(&key_dir)
        .arg("--no-simulator")
        .env("DISPLAY", &display)
        // Its settings (language) stay in the temp dir.
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Some(r) = &renderer {
        desk.env("ICCC_DESK_RENDERER", r);
    }
    let desk = Killed(desk.spawn().expect("start the desk"));
    let pid = desk.0.id();
    // The registry opens and the prober's first sweep of offline cameras ends: the screen goes quiet.
    let open_deadline = Instant::now() + Duration::from_secs(number("--open-s", 120));
    let _ = screen.settled(screen.grab(), Duration::from_secs(3), open_deadline);
    // No window manager gives the window the keyboard under Xvfb: give it as one would (the desk then sees
    // itself focused, as on a console).
    xdotool(&display, &["search", "--name", "iccc-desk", "windowfocus"]);
    let (x, y) = REGISTRY_ENTRY;
    xdotool(
        &display,
        &["mousemove", &x.to_string(), &y.to_string(), "click", "1"],
    );
    let (x, y) = FIRST_ROW;
    xdotool(
        &display,
        &["mousemove", &x.to_string(), &y.to_string(), "click", "1"],
    );
    let (mut frame, _) = screen.settled(screen.grab(), Duration::from_secs(3), open_deadline);
    if let Some(path) = arg("--screenshot") {
        screen.save_png(&path);
    }
    let rest_from = cpu_ms(pid).unwrap_or(0.0);
    std::thread::sleep(Duration::from_secs(3));
    let rest_before_pct = (cpu_ms(pid).unwrap_or(0.0) - rest_from) / 30.0;

    println!(
        "One Down key in the cameras table, {cameras} demo cameras, 1600×1000 under Xvfb (software rendering), \
         renderer {}; {keys} keys, each until the screen is unchanged for {} ms:",
        renderer.as_deref().unwrap_or("(the desk's choice)"),
        quiet.as_millis()
    );
    let (mut latencies_ms, mut cpus_ms, mut unchanged) = (Vec::new(), Vec::new(), 0);
    for _ in 0..keys {
        let Some(cpu_before) = cpu_ms(pid) else {
            println!("  the desk stopped");
            return;
        };
        let sent = Instant::now();
        xdotool(&display, &["key", "Down"]);
        let deadline = sent + Duration::from_secs(10);
        let Some((changed, seen)) = screen.changed_from(&frame, deadline) else {
            unchanged += 1;
            continue;
        };
        latencies_ms.push(seen.duration_since(sent).as_secs_f64() * 1000.0);
        (frame, _) = screen.settled(changed, quiet, deadline);
        cpus_ms.push(cpu_ms(pid).unwrap_or(cpu_before) - cpu_before);
    }
    if let Some(path) = arg("--screenshot") {
        screen.save_png(&path.replace(".png", "-after.png"));
    }
    let rest_from = cpu_ms(pid).unwrap_or(0.0);
    std::thread::sleep(Duration::from_secs(3));
    let rest_after_pct = (cpu_ms(pid).unwrap_or(0.0) - rest_from) / 30.0;
    let (latencies_ms, cpus_ms) = (sorted(latencies_ms), sorted(cpus_ms));
    println!(
        "  latency_ms  median {:7.1}  p90 {:7.1}   (key sent → screen changed; target under 50)",
        percentile(&latencies_ms, 0.5),
        percentile(&latencies_ms, 0.9)
    );
    println!(
        "  cpu_ms      median {:7.1}  p90 {:7.1}   (key → screen quiet for {} ms; target under 100)",
        percentile(&cpus_ms, 0.5),
        percentile(&cpus_ms, 0.9),
        quiet.as_millis()
    );
    println!(
        "  at rest: {rest_before_pct:.1} % of one core before the keys, {rest_after_pct:.1} % after (3 s each)"
    );
    if unchanged > 0 {
        println!("  {unchanged} keys left the screen unchanged for 10 s");
    }
}
