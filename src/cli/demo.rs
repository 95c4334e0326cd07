//! `iccc-desk demo`: write the demo registry of Jhansi into an empty registry file.

use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Instant;

use super::CliError;
use super::args::DemoArgs;
use super::output::{progress_note, say};
use crate::i18n::{I18n, Lang};
use crate::services::demo::{self, DemoError, DemoOptions};
use crate::store::{Actor, OpenOptions, Store};

/// Writes the demo registry and says what it holds in one line.
pub(super) fn run_demo(db: &Path, key_dir: &Path, args: &DemoArgs) -> Result<(), CliError> {
    let (cameras, seed, now) = (args.cameras as usize, args.seed, args.now.now_unix_s);
    let english = I18n::new(Lang::En);
    let started = Instant::now();
    let mut store = Store::open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let actor = Actor::os_user_now();
    let options = DemoOptions {
        cameras,
        seed,
        now_unix_s: now.unwrap_or(actor.now_unix_s),
        user: actor.user,
    };
    let show_progress = std::io::stderr().is_terminal();
    let progress = |fraction: f32| {
        if show_progress {
            let percent = ((fraction * 100.0).round() as i64).to_string();
            progress_note(&format!(
                "\r{}",
                english.tr_args("cli-demo-progress", &[("percent", percent)])
            ));
        }
        true
    };
    let result = demo::generate(&mut store, &options, &progress);
    if show_progress {
        progress_note("\r\x1b[2K");
    }
    let summary = result.map_err(|e| match e {
        DemoError::Store(e) => CliError::from_store(db, e),
        e @ (DemoError::NotEmpty { .. } | DemoError::Size { .. }) => {
            CliError::BadInput(e.to_string())
        }
        e @ DemoError::Cancelled => CliError::Failed(e.to_string()),
    })?;
    drop(store);
    say(&english.tr_args(
        "cli-demo-done",
        &[
            ("path", db.display().to_string()),
            ("cameras", summary.cameras.to_string()),
            ("sites", summary.sites.to_string()),
            ("integrated", summary.integrated.to_string()),
            ("week", summary.integrated_last_7_days.to_string()),
            ("seed", seed.to_string()),
            ("seconds", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    ));
    Ok(())
}
