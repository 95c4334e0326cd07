//! The command line: open the desk, write the demo registry, print the review figures, probe or simulate cameras.
//!
//! `main` only parses [`Args`] and calls [`run`]. A problem with the registry file the user named (not SQLite,
//! damaged, read-only, from a newer build, missing, already holding data) is one line on stderr that names the
//! file and says why, exit code 2, and the file is left exactly as it was; any other failure exits with 1.

//!
//! One module per command: [`args`] (the clap types), [`import`], [`probe`], [`simulate`], [`report`] (stats,
//! weekly report, export), [`demo`], [`area`], [`verify`], [`lookup`] (incident lookup) and [`registry`] (the shared
//! registry's server); [`output`] holds how lines are printed.

mod area;
pub mod args;
mod demo;
mod import;
mod lookup;
mod output;
mod probe;
mod registry;
mod report;
mod simulate;
mod verify;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use args::{Args, Command, RegistryCommand, ReportCommand};
pub use output::terminal_text;
pub use report::stats_table;

use crate::i18n::{I18n, Lang};
use crate::store::{RegistryLocation, StoreError};

/// Environment variable naming the password key directory (`--key-dir` wins over it).
pub const KEY_DIR_ENV: &str = "ICCC_DESK_KEY_DIR";
/// Environment variable naming the registry, a file or a `postgres://` address (`--db` wins over it).
pub const DB_ENV: &str = "ICCC_DESK_DB";

/// Why a command failed, and the exit code that says so.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Something wrong with what the user gave (a file, a size): exit code 2.
    #[error("{0}")]
    BadInput(String),
    /// Anything else: exit code 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::BadInput(_) => 2,
            Self::Failed(_) => 1,
        }
    }

    /// A store error about `path`, as one line that names the file.
    pub(crate) fn from_store(path: &Path, e: StoreError) -> Self {
        // The file found damaged while reading is the same refusal as the check on open finding it.
        let e = e.naming_damage(path);
        let is_bad_input = matches!(
            e,
            StoreError::NotARegistry { .. }
                | StoreError::NewerSchema { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::CannotOpen { .. }
                | StoreError::Secret(_)
                | StoreError::Damaged { .. }
                | StoreError::GuardsChanged { .. }
                | StoreError::HistoryChanged { .. }
                | StoreError::Missing { .. }
                | StoreError::Corrupt { .. }
        );
        let text = e.words(&I18n::new(Lang::En));
        let shown = path.display().to_string();
        let text = if text.contains(&shown) {
            text
        } else {
            format!("{shown}: {text}")
        };
        if is_bad_input {
            Self::BadInput(text)
        } else {
            Self::Failed(text)
        }
    }
}

/// The registry file used when `--db` is not given: `registry.sqlite` in the user's data directory.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("in", "ICCC", "iccc-desk")
        .map(|d| d.data_dir().join("registry.sqlite"))
}

/// The password key directory used when neither `--key-dir` nor `ICCC_DESK_KEY_DIR` is given.
pub fn default_key_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("in", "ICCC", "iccc-desk").map(|d| d.config_dir().join("keys"))
}

fn no_home() -> CliError {
    CliError::BadInput(I18n::new(Lang::En).tr("cli-error-no-home"))
}

/// The registry `--db` or `ICCC_DESK_DB` names, else the default file.
fn resolve_registry(args: &Args) -> Result<RegistryLocation, CliError> {
    let named = match (&args.registry.db, std::env::var_os(DB_ENV)) {
        (Some(db), _) => db.clone().into_os_string(),
        (None, Some(db)) if !db.is_empty() => db,
        _ => default_db_path().ok_or_else(no_home)?.into_os_string(),
    };
    RegistryLocation::parse(&named).map_err(registry::cli_error)
}

fn resolve_key_dir(args: &Args) -> Result<PathBuf, CliError> {
    Ok(
        match (&args.registry.key_dir, std::env::var_os(KEY_DIR_ENV)) {
            (Some(dir), _) => dir.clone(),
            (None, Some(dir)) if !dir.is_empty() => PathBuf::from(dir),
            _ => default_key_dir().ok_or_else(no_home)?,
        },
    )
}

/// The registry file and key folder of a command that works on a file only (so far every command but
/// `registry`): a server address is refused in words, never half-served.
fn resolve_paths(args: &Args) -> Result<(PathBuf, PathBuf), CliError> {
    let db = match resolve_registry(args)? {
        RegistryLocation::File(path) => path,
        RegistryLocation::Server(target) => {
            let command = args.command.as_ref().map_or("desk", Command::name);
            return Err(registry::not_yet_on_a_server(command, &target));
        }
    };
    Ok((db, resolve_key_dir(args)?))
}

/// Runs the parsed command line; prints any failure as one line on stderr (and writes it to the log).
pub fn run(args: Args) -> ExitCode {
    crate::logging::init();
    let command = args.command.as_ref().map_or("desk", Command::name);
    tracing::info!(command, "started");
    match run_command(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::warn!(command, "failed: {e}");
            let line = e.to_string().replace(['\n', '\r'], " ");
            let text = I18n::new(Lang::En).tr_args(
                "cli-error-line",
                &[("message", terminal_text(&line).into_owned())],
            );
            output::progress_note(&format!("{text}\n"));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs the parsed command line.
pub fn run_command(args: Args) -> Result<(), CliError> {
    if let Some(Command::Registry { registry }) = &args.command {
        return registry::run_registry(registry, &resolve_key_dir(&args)?);
    }
    let (db, key_dir) = resolve_paths(&args)?;
    // No export or report may be written over the registry or its password keys.
    crate::services::exchange::export::protect_registry(&db, &key_dir);
    let Some(command) = args.command else {
        return crate::ui::run_desk(db, key_dir, !args.no_simulator)
            .map_err(|e| CliError::Failed(format!("{e:#}")));
    };
    match command {
        Command::Demo(a) => demo::run_demo(&db, &key_dir, &a),
        Command::Import(a) => import::run_import(&db, &key_dir, &a),
        Command::Area(a) => area::run_area(&db, &key_dir, &a),
        Command::Probe(a) => probe::run_probe(&db, &key_dir, &a),
        Command::Simulate(a) => simulate::run_simulate(&db, &key_dir, &a),
        Command::Report {
            report: ReportCommand::Weekly(a),
        } => seal_checked(&db, &key_dir).and_then(|()| report::run_weekly(&db, &key_dir, &a)),
        Command::Export(a) => {
            seal_checked(&db, &key_dir).and_then(|()| report::run_export(&db, &key_dir, &a))
        }
        Command::Stats(a) => seal_checked(&db, &key_dir)
            .and_then(|()| report::run_stats(&db, &key_dir, a.json, a.now.or_clock())),
        Command::Verify => verify::run_verify(&db, &key_dir),
        Command::Lookup(a) => {
            seal_checked(&db, &key_dir).and_then(|()| lookup::run_lookup(&db, &a))
        }
        // Dispatched before the file is resolved, above.
        Command::Registry { .. } => Ok(()),
    }
}

/// The read-only commands open the registry without its key; the history's seal is checked with the key first.
fn seal_checked(db: &Path, key_dir: &Path) -> Result<(), CliError> {
    crate::store::Store::check_history_seal(db, key_dir).map_err(|e| CliError::from_store(db, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_paths_are_per_user() {
        if let (Some(db), Some(keys)) = (default_db_path(), default_key_dir()) {
            assert!(db.ends_with("registry.sqlite"), "{}", db.display());
            assert!(keys.ends_with("keys"), "{}", keys.display());
            assert_ne!(db.parent(), Some(keys.as_path()));
        }
    }
}
