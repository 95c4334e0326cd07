//! v4 → v5: follow-up notes about cameras (empty until a supervisor writes one). Nothing in the registry, the
//! health or the areas changes.

use rusqlite::Transaction;

use crate::store::{FOLLOW_UP_SCHEMA_SQL, Result};

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(FOLLOW_UP_SCHEMA_SQL)?;
    Ok(())
}
