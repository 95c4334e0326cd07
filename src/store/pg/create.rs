//! `iccc-desk registry create postgres://…`: the registry's schema in an empty database, in one transaction,
//! with the same facts a new SQLite registry starts with (its uuid, when it was made, not a demo, passwords
//! bound to their camera) and its password key made in the key folder, for the administrator to hand to each
//! seat. A database that holds anything already is refused and left as it was.

use std::path::{Path, PathBuf};

use super::{PG_SCHEMA_SQL, PgError, PgTarget};
use crate::store::{SCHEMA_VERSION, SecretBox, now_unix_s, random_hex};

/// What `registry create` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRegistry {
    /// The registry as shown (no password).
    pub target: String,
    pub registry_uuid: String,
    pub schema_version: i64,
    /// The registry's password key, which every seat needs for camera logins.
    pub key_path: PathBuf,
}

/// Tables, views and sequences a user made in the database (anything there means it is not empty).
pub(super) const USER_RELATIONS: &str =
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
    AND n.nspname NOT LIKE 'pg_temp%' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')";

/// Creates the registry on `target`, an empty database; its key goes in `key_dir`.
pub fn create_registry(target: &PgTarget, key_dir: &Path) -> Result<CreatedRegistry, PgError> {
    let mut client = target.connect()?;
    let server = |e| target.server_error(e);
    let mut tx = client.transaction().map_err(server)?;
    let relations: i64 = tx.query_one(USER_RELATIONS, &[]).map_err(server)?.get(0);
    if relations > 0 {
        return Err(PgError::NotEmpty {
            target: target.to_string(),
            tables: relations,
        });
    }
    let registry_uuid = random_hex(16);
    // The key first: a key folder that cannot be written leaves the database untouched.
    SecretBox::load_or_create(key_dir, &registry_uuid).map_err(|e| PgError::Server {
        target: target.to_string(),
        detail: e.to_string(),
    })?;
    let now = now_unix_s();
    tx.batch_execute(PG_SCHEMA_SQL).map_err(server)?;
    tx.execute(
        "INSERT INTO registry_version (version, applied_unix_s) VALUES ($1, $2)",
        &[&(SCHEMA_VERSION as i32), &now],
    )
    .map_err(server)?;
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('registry_uuid', $1), ('created_unix_s', $2), ('is_demo', '0'),
           ('passwords_bound', $2)",
        &[&registry_uuid, &now.to_string()],
    )
    .map_err(server)?;
    tx.commit().map_err(server)?;
    tracing::info!(registry = %target, "registry created on the server");
    Ok(CreatedRegistry {
        target: target.to_string(),
        key_path: SecretBox::key_path(key_dir, &registry_uuid),
        registry_uuid,
        schema_version: SCHEMA_VERSION,
    })
}
