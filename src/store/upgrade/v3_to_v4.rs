//! v3 → v4: the ward and police-station areas of the site map (empty until a layer is imported). Nothing in the
//! registry or the health changes.

use rusqlite::Transaction;

use crate::store::Result;

/// This step's own SQL, frozen: editing today's schema files never changes what an old file is upgraded to.
const STEP_SQL: &str = include_str!("v3_to_v4.sql");

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(STEP_SQL)?;
    Ok(())
}
