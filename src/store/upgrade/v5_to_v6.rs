//! v5 → v6: bulk import — the source ids of imported cameras and the saved column mappings (both empty until
//! the first import). Nothing else changes.

use rusqlite::Transaction;

use crate::store::{IMPORT_SCHEMA_SQL, Result};

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(IMPORT_SCHEMA_SQL)?;
    Ok(())
}
