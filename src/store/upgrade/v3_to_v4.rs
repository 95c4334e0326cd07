//! v3 → v4: the ward and police-station areas of the site map (empty until a layer is imported). Nothing in the
//! registry or the health changes.

use rusqlite::Transaction;

use crate::store::{BOUNDARY_SCHEMA_SQL, Result};

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(BOUNDARY_SCHEMA_SQL)?;
    Ok(())
}
