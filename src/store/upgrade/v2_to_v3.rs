//! v2 → v3: the health the desk measures by probing cameras (latest state per camera and the history of runs).
//! Nothing in the registry changes.

use rusqlite::Transaction;

use crate::store::{HEALTH_SCHEMA_SQL, Result};

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(HEALTH_SCHEMA_SQL)?;
    Ok(())
}
