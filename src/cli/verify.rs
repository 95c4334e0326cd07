//! `iccc-desk verify`: walks the whole seal of the registry's history (stage events and audit entries) with the
//! registry's key and names the first row that breaks it. Only reads; never makes a key.
//!
//! Exit code 0 when every sealed row is as it was sealed; 2 when a row breaks the seal (or the file is refused
//! as by any report); 1 when the seal cannot be checked because the key that sealed it is not in the key folder
//! (nothing is refused then: the desk and the reports still open the file).

use std::path::Path;

use super::CliError;
use super::output::say;
use crate::i18n::{I18n, Lang};
use crate::store::{Store, StoreError};

/// Verifies the history of `db` and prints one line.
pub(super) fn run_verify(db: &Path, key_dir: &Path) -> Result<(), CliError> {
    let english = I18n::new(Lang::En);
    let report = Store::verify_history_of(db, key_dir).map_err(|e| CliError::from_store(db, e))?;
    let path = db.display().to_string();
    if let Some(broken) = report.broken {
        let detail = format!("{} {} {}", broken.table, broken.id, broken.what);
        return Err(CliError::from_store(
            db,
            StoreError::HistoryChanged {
                path: db.to_path_buf(),
                detail,
            },
        ));
    }
    if let Some(sealed_with) = report.cannot_check {
        return Err(CliError::Failed(english.tr_args(
            "cli-verify-cannot-check",
            &[
                ("path", path),
                ("key", sealed_with),
                ("keys", key_dir.display().to_string()),
            ],
        )));
    }
    say(&english.tr_args(
        "cli-verify-intact",
        &[
            ("path", path),
            ("checked", report.rows_checked.to_string()),
            ("unsealed", report.rows_not_yet_sealed.to_string()),
        ],
    ));
    Ok(())
}
