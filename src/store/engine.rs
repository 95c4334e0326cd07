//! What the rest of the desk knows of the registry's engine: the store's own errors. Engine error codes are read
//! here and nowhere else, so services, the CLI and the UI never name rusqlite.

use std::path::Path;

use super::StoreError;

impl StoreError {
    /// The same error, except that SQLite finding `path` damaged while reading becomes the refusal the check
    /// on open gives ([`StoreError::Damaged`]), naming the file.
    pub fn naming_damage(self, path: &Path) -> StoreError {
        match self {
            StoreError::Sql(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) =>
            {
                StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                }
            }
            e => e,
        }
    }
}
