//! What the rest of the desk knows of the registry's engine: only where the registry is ([`RegistryLocation`]:
//! a SQLite file on this computer, or a database on a PostgreSQL server) and the store's own errors. Engine
//! error codes are read here and nowhere else, so services, the CLI and the UI never name rusqlite or postgres.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::StoreError;
use super::pg::{PgError, PgTarget, is_server_address};

/// Where a registry is, as `--db` (or `ICCC_DESK_DB`) names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryLocation {
    /// A SQLite file: one seat, nothing to install.
    File(PathBuf),
    /// A database on a PostgreSQL server, shared by the desks of a command centre.
    Server(PgTarget),
}

impl RegistryLocation {
    /// `postgres://…` or `postgresql://…` is a server; anything else is a file path.
    pub fn parse(text: &OsStr) -> Result<Self, PgError> {
        match text.to_str() {
            Some(t) if is_server_address(t) => Ok(Self::Server(PgTarget::parse(t)?)),
            _ => Ok(Self::File(PathBuf::from(text))),
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_address_is_a_server_and_anything_else_a_file() {
        assert!(matches!(
            RegistryLocation::parse(OsStr::new("postgres://desk@127.0.0.1:5432/reg")),
            Ok(RegistryLocation::Server(_))
        ));
        assert_eq!(
            RegistryLocation::parse(OsStr::new("postgres-notes/registry.sqlite")).ok(),
            Some(RegistryLocation::File(PathBuf::from(
                "postgres-notes/registry.sqlite"
            )))
        );
        assert!(RegistryLocation::parse(OsStr::new("postgres://desk:pw@h/reg")).is_err());
    }
}
