//! v2 → v3: the health the desk measures by probing cameras (latest state per camera and the history of runs).
//! Nothing in the registry changes.

use rusqlite::Transaction;

use crate::store::Result;

/// This step's own SQL, frozen: editing today's schema files never changes what an old file is upgraded to.
const STEP_SQL: &str = include_str!("v2_to_v3.sql");

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(STEP_SQL)?;
    Ok(())
}
