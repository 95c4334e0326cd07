//! Brings an older registry file to the current schema, one version step at a time, each in its own
//! transaction (`PRAGMA user_version` records where a file stands).

mod v1_to_v2;
mod v2_to_v3;
mod v3_to_v4;
mod v4_to_v5;
mod v5_to_v6;
mod v6_to_v7;
mod v7_to_v8;
mod v8_to_v9;
mod v9_to_v10;

use rusqlite::Connection;

use super::{Result, SCHEMA_VERSION, StoreError};

/// The frozen v1 schema (tests build old files from it).
pub const V1_SCHEMA_SQL: &str = include_str!("v1_schema.sql");
/// The frozen v2 schema (what v1_to_v2 builds; version 3 only adds tables to it).
pub const V2_SCHEMA_SQL: &str = include_str!("v2_schema.sql");
/// The frozen v3 schema (what v2_to_v3 builds; version 4 only adds a table to it).
pub const V3_SCHEMA_SQL: &str = include_str!("v3_schema.sql");
/// The frozen v4 schema (what v3_to_v4 builds; version 5 only adds a table to it).
pub const V4_SCHEMA_SQL: &str = include_str!("v4_schema.sql");
/// The frozen v5 schema (what v4_to_v5 builds; version 6 only adds tables to it).
pub const V5_SCHEMA_SQL: &str = include_str!("v5_schema.sql");
/// The frozen v6 schema (what v5_to_v6 builds; v6_to_v7 changes the camera table's CHECKs and adds triggers).
pub const V6_SCHEMA_SQL: &str = include_str!("v6_schema.sql");
/// The frozen v7 schema (what v6_to_v7 builds; version 8 only adds the weekly review's cache to it).
pub const V7_SCHEMA_SQL: &str = include_str!("v7_schema.sql");
/// The frozen v8 schema (what v7_to_v8 builds; version 9 only adds triggers and a table to it).
pub const V8_SCHEMA_SQL: &str = include_str!("v8_schema.sql");
/// The frozen v9 schema (what v8_to_v9 builds; version 10 only adds a column to the site table).
pub const V9_SCHEMA_SQL: &str = include_str!("v9_schema.sql");

/// Upgrades from `from_version` to [`SCHEMA_VERSION`].
pub fn run(conn: &mut Connection, from_version: i64) -> Result<()> {
    // Table rebuilds need foreign keys off; they are checked again before each commit.
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = (from_version..SCHEMA_VERSION).try_for_each(|v| step(conn, v));
    conn.pragma_update(None, "foreign_keys", true)?;
    result
}

fn step(conn: &mut Connection, from: i64) -> Result<()> {
    let tx = conn.transaction()?;
    match from {
        1 => v1_to_v2::run(&tx)?,
        2 => v2_to_v3::run(&tx)?,
        3 => v3_to_v4::run(&tx)?,
        4 => v4_to_v5::run(&tx)?,
        5 => v5_to_v6::run(&tx)?,
        6 => v6_to_v7::run(&tx)?,
        7 => v7_to_v8::run(&tx)?,
        8 => v8_to_v9::run(&tx)?,
        9 => v9_to_v10::run(&tx)?,
        other => {
            return Err(StoreError::NotARegistry {
                path: Default::default(),
                detail: format!("no upgrade from schema version {other}"),
            });
        }
    }
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if broken > 0 {
        return Err(StoreError::NotARegistry {
            path: Default::default(),
            detail: format!(
                "{broken} rows point at missing sites after the upgrade; nothing was changed"
            ),
        });
    }
    tx.pragma_update(None, "user_version", from + 1)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    fn schema(conn: &Connection) -> Vec<(String, String)> {
        let mut stmt = conn
            .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
            .expect("sqlite_master");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("schema")
    }

    /// Each step that only adds tables, applied to the frozen schema before it, gives exactly the frozen schema
    /// after it: a step's SQL and the frozen schemas cannot drift apart unnoticed.
    #[test]
    fn each_frozen_step_turns_its_frozen_schema_into_the_next() {
        type Step = fn(&rusqlite::Transaction<'_>) -> Result<()>;
        let steps: [(&str, Step, &str); 6] = [
            (V2_SCHEMA_SQL, v2_to_v3::run, V3_SCHEMA_SQL),
            (V3_SCHEMA_SQL, v3_to_v4::run, V4_SCHEMA_SQL),
            (V4_SCHEMA_SQL, v4_to_v5::run, V5_SCHEMA_SQL),
            (V5_SCHEMA_SQL, v5_to_v6::run, V6_SCHEMA_SQL),
            (V8_SCHEMA_SQL, v8_to_v9::run, V9_SCHEMA_SQL),
            (V9_SCHEMA_SQL, v9_to_v10::run, crate::store::SCHEMA_SQL),
        ];
        for (i, (before, step, after)) in steps.into_iter().enumerate() {
            let mut upgraded = Connection::open_in_memory().expect("memory db");
            upgraded.execute_batch(before).expect("frozen schema");
            let tx = upgraded.transaction().expect("tx");
            step(&tx).expect("step");
            tx.commit().expect("commit");
            let fresh = Connection::open_in_memory().expect("memory db");
            fresh.execute_batch(after).expect("frozen schema");
            assert_eq!(schema(&upgraded), schema(&fresh), "step {i} of the list");
        }
    }
}
