//! `iccc-desk registry copy --from FILE.sqlite --to postgres://…`: moves a registry file onto the server with
//! every row and id as it is (sites, cameras, stage history, audit, the history's seal, health, boundary
//! layers, follow-up notes, import sources and profiles, and the registry's facts, so its password key still
//! opens the camera passwords). One transaction into an empty database: cut mid-way, nothing of it is there.
//!
//! The rows are a checked registry's (the file is opened as every report opens it: guards compared, history
//! seal counted), written with the server's row triggers held for the copy only (the stage moves were checked
//! when they were made, and the first-event trigger would add a second first event); the tables' CHECKs, keys
//! and foreign keys still check every row. The review cache is not copied: it is counted again.

use std::path::Path;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use rusqlite::types::Value;

use super::create::USER_RELATIONS;
use super::{PG_SCHEMA_SQL, PgError, PgTarget};
use crate::store::{SCHEMA_VERSION, Store, StoreError, now_unix_s};

/// The tables copied, parents before children (foreign keys are checked row by row).
const COPIED: &[&str] = &[
    "meta",
    "site",
    "camera",
    "stage_event",
    "audit",
    "history_seal",
    "camera_health",
    "health_run",
    "boundary",
    "follow_up",
    "camera_source",
    "import_profile",
];

/// Tables whose `id` the server numbers (set past the highest copied id afterwards).
const NUMBERED: &[&str] = &[
    "site",
    "camera",
    "stage_event",
    "audit",
    "health_run",
    "boundary",
    "follow_up",
];

/// One table's rows in the file and on the server after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedTable {
    pub table: &'static str,
    pub source_rows: i64,
    pub target_rows: i64,
}

/// Why a copy did not happen (nothing is written to the server then).
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Source(#[from] StoreError),
    #[error(transparent)]
    Target(#[from] PgError),
}

/// Copies the registry file `from` into `to`, an empty database; the row counts of both sides.
pub fn copy_to_server(from: &Path, to: &PgTarget) -> Result<Vec<CopiedTable>, CopyError> {
    let source = Store::open_read_only(from)?;
    // One snapshot of the file: a desk writing meanwhile changes nothing of what is copied.
    let source = source.unchecked_transaction().map_err(StoreError::from)?;
    let mut client = to.connect()?;
    let server = |e| to.server_error(e);
    let mut tx = client.transaction().map_err(server)?;
    let relations: i64 = tx.query_one(USER_RELATIONS, &[]).map_err(server)?.get(0);
    if relations > 0 {
        return Err(PgError::NotEmpty {
            target: to.to_string(),
            tables: relations,
        }
        .into());
    }
    tx.batch_execute(PG_SCHEMA_SQL).map_err(server)?;
    tx.execute(
        "INSERT INTO registry_version (version, applied_unix_s) VALUES ($1, $2)",
        &[&(SCHEMA_VERSION as i32), &now_unix_s()],
    )
    .map_err(server)?;
    let mut counts = Vec::new();
    for &table in COPIED {
        tx.batch_execute(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))
            .map_err(server)?;
        let source_rows = copy_table(&source, &mut tx, table, to)?;
        tx.batch_execute(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))
            .map_err(server)?;
        let target_rows: i64 = tx
            .query_one(format!("SELECT count(*) FROM {table}").as_str(), &[])
            .map_err(server)?
            .get(0);
        counts.push(CopiedTable {
            table,
            source_rows,
            target_rows,
        });
    }
    for table in NUMBERED {
        tx.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        ))
        .map_err(server)?;
    }
    tx.commit().map_err(server)?;
    tracing::info!(from = %from.display(), to = %to, "registry copied to the server");
    Ok(counts)
}

/// Streams one table with COPY … BINARY; the rows read from the file.
fn copy_table(
    source: &rusqlite::Connection,
    tx: &mut postgres::Transaction<'_>,
    table: &'static str,
    to: &PgTarget,
) -> Result<i64, CopyError> {
    let server = |e| to.server_error(e);
    let columns: Vec<String> = source
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(StoreError::from)?;
    let list = columns.join(", ");
    let types: Vec<Type> = tx
        .prepare(&format!("SELECT {list} FROM {table} LIMIT 0"))
        .map_err(server)?
        .columns()
        .iter()
        .map(|c| c.type_().clone())
        .collect();
    let sink = tx
        .copy_in(format!("COPY {table} ({list}) FROM STDIN BINARY").as_str())
        .map_err(server)?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut stmt = source
        .prepare(&format!("SELECT {list} FROM {table} ORDER BY rowid"))
        .or_else(|_| source.prepare(&format!("SELECT {list} FROM {table}")))
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([]).map_err(StoreError::from)?;
    let mut copied = 0_i64;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            let value: Value = row.get(i).map_err(StoreError::from)?;
            values.push(server_value(value, ty).ok_or_else(|| StoreError::Corrupt {
                detail: format!("{table}.{}: a value that does not fit {ty}", columns[i]),
            })?);
        }
        writer
            .write_raw(values.iter().map(|v| &**v as &(dyn ToSql + Sync)))
            .map_err(server)?;
        copied += 1;
    }
    writer.finish().map_err(server)?;
    Ok(copied)
}

/// A file's value as the server's column type takes it (SQLite's STRICT types map one to one).
fn server_value(value: Value, ty: &Type) -> Option<Box<dyn ToSql + Sync>> {
    Some(match (value, ty) {
        (Value::Null, t) if *t == Type::INT8 => Box::new(None::<i64>),
        (Value::Null, t) if *t == Type::INT4 => Box::new(None::<i32>),
        (Value::Null, t) if *t == Type::FLOAT8 => Box::new(None::<f64>),
        (Value::Null, t) if *t == Type::TEXT => Box::new(None::<String>),
        (Value::Null, t) if *t == Type::BYTEA => Box::new(None::<Vec<u8>>),
        (Value::Integer(i), t) if *t == Type::INT8 => Box::new(i),
        (Value::Integer(i), t) if *t == Type::INT4 => Box::new(i32::try_from(i).ok()?),
        (Value::Integer(i), t) if *t == Type::FLOAT8 => Box::new(i as f64),
        (Value::Real(f), t) if *t == Type::FLOAT8 => Box::new(f),
        (Value::Text(s), t) if *t == Type::TEXT => Box::new(s),
        (Value::Blob(b), t) if *t == Type::BYTEA => Box::new(b),
        _ => return None,
    })
}
