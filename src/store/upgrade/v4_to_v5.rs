//! v4 → v5: follow-up notes about cameras (empty until a supervisor writes one). Nothing in the registry, the
//! health or the areas changes.

use rusqlite::Transaction;

use crate::store::Result;

/// This step's own SQL, frozen: editing today's schema files never changes what an old file is upgraded to.
const STEP_SQL: &str = include_str!("v4_to_v5.sql");

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(STEP_SQL)?;
    Ok(())
}
