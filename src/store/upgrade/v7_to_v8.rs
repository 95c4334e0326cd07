//! v7 → v8: the weekly review's cache, a table of the figures as last counted with the registry marks they were
//! counted at, so the review opens on them at once. Only a table is added; no row changes. The SQL is frozen
//! here, as this step wrote it; `review_cache_schema.sql` carries the same text for a fresh file.

use rusqlite::Transaction;

use crate::store::Result;

/// The table version 8 adds.
const REVIEW_CACHE_V8: &str = r#"-- The weekly review's cache (schema version 8): the figures as last counted, so the review shows them at once
-- while they are counted again. Only a cache: nothing else reads it, and emptying it loses nothing. Staleness
-- is a comparison of the registry marks below with the file's (no trigger writes here).
CREATE TABLE review_cache (
  week TEXT NOT NULL CHECK (length(week) BETWEEN 7 AND 10),  -- ISO week shown, e.g. '2026-W48'
  chart_weeks INTEGER NOT NULL CHECK (chart_weeks BETWEEN 1 AND 520),  -- weeks in the charts, ending with `week`
  figures_json TEXT NOT NULL,             -- the week's figures and chart series, JSON (services/weekly.rs)
  computed_unix_s INTEGER NOT NULL,       -- when they were counted, unix seconds
  stage_event_max_id INTEGER NOT NULL,    -- newest stage event then (the history is append-only)
  audit_max_id INTEGER NOT NULL,          -- newest audit entry then (every site or camera change writes one)
  cameras INTEGER NOT NULL,               -- cameras in the registry then
  sites INTEGER NOT NULL,                 -- sites in the registry then
  PRIMARY KEY (week, chart_weeks)
) STRICT;
"#;

pub fn run(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(REVIEW_CACHE_V8)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The frozen text and the fresh schema's agree (a later edit of the fresh file needs a new step).
    #[test]
    fn the_frozen_table_is_the_fresh_one() {
        assert_eq!(
            super::REVIEW_CACHE_V8,
            crate::store::REVIEW_CACHE_SCHEMA_SQL
        );
    }
}
