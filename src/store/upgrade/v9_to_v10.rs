//! v9 → v10: the days each site's recorder keeps footage (`site.recorder_retention_days`, default 30), for the
//! incident lookup's "footage overwritten on …". One column added with `ALTER TABLE`, so no row is rewritten and
//! no trigger on `site` is dropped; `schema.sql` writes the site table exactly as this step leaves it. The SQL is
//! frozen in `v9_to_v10.sql`.

use rusqlite::Transaction;

use crate::store::Result;

/// This step's own SQL, frozen: editing today's schema files never changes what an old file is upgraded to.
const STEP_SQL: &str = include_str!("v9_to_v10.sql");

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(STEP_SQL)?;
    Ok(())
}
