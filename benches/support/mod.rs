//! What the benches that drive the real desk window under Xvfb share: arguments, the programs they need, the
//! sidebar's places and a child process that is stopped when the bench ends. Each bench uses a part of it.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The sidebar's entries, top to bottom, at their centres in a 1600×1000 maximized window.
pub const SCREENS: [(&str, i32); 7] = [
    ("Sites and cameras", 68),
    ("Camera wall", 99),
    ("Site map", 130),
    ("Weekly review", 161),
    ("Blocked", 192),
    ("Import cameras", 223),
    ("Audit log", 254),
];
pub const SIDEBAR_X: i32 = 84;

/// A child process stopped when dropped: asked first (the desk stops its simulator helpers when it ends; a
/// plain kill would leave them running), killed after 10 s.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let until = Instant::now() + Duration::from_secs(10);
        while matches!(self.0.try_wait(), Ok(None)) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The value after `name` on the bench's command line (`cargo bench --bench X -- --name value`).
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A whole number after `name`, or `default`.
pub fn number(name: &str, default: u64) -> u64 {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Whether `program` is on the PATH.
pub fn has(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs xdotool on `display`; a failure shows as a screen that does not change.
pub fn xdotool(display: &str, args: &[&str]) {
    let _ = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .status();
}
