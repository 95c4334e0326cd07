//! v8 → v9: guards against edits made with the sqlite3 tool (foreign keys off): a camera or site keeps its id, an
//! update never replaces a camera, a site with cameras is never deleted, history keeps its camera, follow-up
//! notes are append-only; and the table of the history's seal (a keyed hash chain, store/history_seal.rs). Only
//! triggers and a table are added; no row changes. The SQL is frozen in `v8_to_v9.sql`, as this step wrote it;
//! `history_guard_schema.sql` carries the same text for a fresh file.

use rusqlite::Transaction;

use crate::store::Result;

/// This step's own SQL, frozen: editing today's schema files never changes what an old file is upgraded to.
const STEP_SQL: &str = include_str!("v8_to_v9.sql");

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(STEP_SQL)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The frozen text and the fresh schema's agree (a later edit of the fresh file needs a new step).
    #[test]
    fn the_frozen_guards_are_the_fresh_ones() {
        assert_eq!(super::STEP_SQL, crate::store::HISTORY_GUARD_SCHEMA_SQL);
    }
}
