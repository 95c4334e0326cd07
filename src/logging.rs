//! The desk's log, for whoever maintains the PC: one plain-text file a day in the data folder
//! (`<data dir>/logs/iccc-desk.YYYY-MM-DD.log`, or the folder `ICCC_DESK_LOG_DIR` names; in a folder others can
//! reach, a private `iccc-desk-<uid>` folder inside it), the last
//! [`KEPT_LOG_FILES`] kept. Worker task failures, prober restarts, probe findings, imports and exports are written
//! at info or warn. Never logged: a camera's password, a URL with its `user:password@` part (addresses go
//! through [`crate::services::exchange::export::strip_credentials`]), or a row of an imported file.

use std::path::PathBuf;

/// Environment variable naming the log folder (instead of `<data dir>/logs`).
pub const LOG_DIR_ENV: &str = "ICCC_DESK_LOG_DIR";

/// How many daily log files are kept (today's included); older ones are deleted when the program starts.
pub const KEPT_LOG_FILES: usize = 7;

/// `<data dir>/logs`: beside the default registry file.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("in", "ICCC", "iccc-desk").map(|d| d.data_dir().join("logs"))
}

/// The log folder: `ICCC_DESK_LOG_DIR` when set, else [`default_dir`].
pub fn log_dir() -> Option<PathBuf> {
    match std::env::var_os(LOG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => default_dir(),
    }
}

/// Starts writing the log (once per process; later calls do nothing). A log that cannot be written (no home,
/// a read-only disk) is no reason to stop the desk or a command: it is said once on stderr and left out.
pub fn init() {
    let Some(dir) = log_dir() else { return };
    // Made first: the appender looks for old files to delete before it makes the folder, and says so on stderr.
    // The log names cameras, sites, files and users: it goes in a folder only this account may read, never by
    // changing the mode of a folder someone else made (crate::private_folder).
    let appender = crate::private_folder::private_folder(&dir)
        .map_err(|e| e.to_string())
        .and_then(|dir| build_appender(&dir).map_err(|e| e.to_string()));
    let appender = match appender {
        Ok(a) => a,
        Err(e) => {
            use std::io::Write as _;
            // A closed stderr must not stop the program either.
            let _ = writeln!(
                std::io::stderr(),
                "iccc-desk: no log in {}: {e}",
                dir.display()
            );
            return;
        }
    };
    // Written as each line comes (no writer thread): a command that ends with `process::exit` loses nothing.
    let subscriber = tracing_subscriber::fmt()
        .with_writer(appender)
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Daily files `iccc-desk.YYYY-MM-DD.log`; at start, all but the newest [`KEPT_LOG_FILES`] are deleted.
fn build_appender(
    dir: &std::path::Path,
) -> Result<tracing_appender::rolling::RollingFileAppender, tracing_appender::rolling::InitError> {
    tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("iccc-desk")
        .filename_suffix("log")
        .max_log_files(KEPT_LOG_FILES)
        .build(dir)
}
