//! The history's seal: a chain of keyed hashes over the stage events and the audit entries, so that a row changed
//! or removed after the desk sealed it is found, even when its append-only trigger was dropped, used and put back
//! (the schema check alone sees nothing then).
//!
//! Each row gets a link, HMAC-SHA256(key, previous row's link ‖ table ‖ the row's values), kept (first 16 bytes) in
//! `history_seal`. The key is derived from the registry's password key, which lives outside the file, so whoever
//! edits the file cannot make links that check. Rows are sealed by the desk's next write (each write transaction
//! seals what is new first, and every writable open writes), so a row appended with the sqlite3 tool (which the
//! triggers still judge) is sealed as it stands.
//!
//! Checking on open is incremental: the sealed rows are counted and the newest sealed row is checked against its
//! link (a few index lookups and one count at 200,000 cameras); `iccc-desk verify` walks the whole chain and names
//! the first row that breaks it. Without the key (lost, or a read-only command that carries none) the links cannot
//! be checked: the rows are still counted, the open goes on, and `verify` says so.

use hmac::{Hmac, Mac as _};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension as _, params};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of each link kept (a truncated HMAC-SHA256; 128 bits cannot be guessed).
const LINK_LEN: usize = 16;
/// Meta key of the id of the registry key the chain is keyed from.
pub(super) const SEAL_KEY_ID: &str = "history_seal_key_id";

/// A table whose rows are sealed, and how its rows are read (every column, in a fixed order).
#[derive(Debug, Clone, Copy)]
struct History {
    table: &'static str,
    rows_after: &'static str,
}

const HISTORIES: [History; 2] = [
    History {
        table: "stage_event",
        rows_after:
            "SELECT id, camera_id, at_unix_s, by_user, from_stage, to_stage, block_reason, note
                     FROM stage_event WHERE id > ?1 ORDER BY id",
    },
    History {
        table: "audit",
        rows_after:
            "SELECT id, at_unix_s, by_user, action, entity, entity_id, before_json, after_json
                     FROM audit WHERE id > ?1 ORDER BY id",
    },
];

/// The key the chain is keyed from: derived from the registry's password key, never stored in the file.
#[derive(Clone)]
pub struct SealKey {
    key_id: String,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl SealKey {
    /// The seal's key from the registry's key (`registry_key`, 32 bytes) and that key's id.
    pub(super) fn derive(key_id: &str, registry_key: &[u8]) -> Self {
        let mac_key = mac(registry_key, &[b"iccc-desk history seal v1"]);
        Self {
            key_id: key_id.to_string(),
            mac_key,
        }
    }

    fn link(&self, previous: &[u8], table: &str, row: &[u8]) -> [u8; LINK_LEN] {
        let full = mac(&self.mac_key, &[previous, table.as_bytes(), row]);
        let mut link = [0u8; LINK_LEN];
        link.copy_from_slice(&full[..LINK_LEN]);
        link
    }

    /// The link before a table's first row.
    fn start(&self, table: &str) -> [u8; LINK_LEN] {
        self.link(b"start", table, &[])
    }
}

fn mac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return [0; 32];
    };
    for part in parts {
        mac.update(&(part.len() as u64).to_le_bytes());
        mac.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// A row's values as bytes, each with its type and length, so no two different rows read the same.
fn row_bytes(row: &rusqlite::Row<'_>, columns: usize) -> rusqlite::Result<(i64, Vec<u8>)> {
    let mut out = Vec::with_capacity(128);
    for i in 0..columns {
        match row.get_ref(i)? {
            ValueRef::Null => out.push(0),
            ValueRef::Integer(v) => {
                out.push(1);
                out.extend_from_slice(&v.to_le_bytes());
            }
            ValueRef::Real(v) => {
                out.push(2);
                out.extend_from_slice(&v.to_le_bytes());
            }
            ValueRef::Text(v) => {
                out.push(3);
                out.extend_from_slice(&(v.len() as u64).to_le_bytes());
                out.extend_from_slice(v);
            }
            ValueRef::Blob(v) => {
                out.push(4);
                out.extend_from_slice(&(v.len() as u64).to_le_bytes());
                out.extend_from_slice(v);
            }
        }
    }
    Ok((row.get(0)?, out))
}

/// The newest sealed row of `table` and its link.
/// The id of the key the history was sealed with, if it was sealed.
fn sealed_with(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT value FROM meta WHERE key = ?1",
        [SEAL_KEY_ID],
        |r| r.get(0),
    )
    .optional()
}

fn head(conn: &Connection, table: &str) -> rusqlite::Result<Option<(i64, Vec<u8>)>> {
    conn.query_row(
        "SELECT row_id, link FROM history_seal WHERE history = ?1 ORDER BY row_id DESC LIMIT 1",
        [table],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Seals every row newer than the seal's newest (inside the caller's write transaction). A file whose seal was
/// made with another key (the key was lost and made anew) is left as it is: its seal can no longer be checked,
/// and new rows stay unsealed.
pub(super) fn extend(tx: &Connection, key: &SealKey) -> rusqlite::Result<usize> {
    let sealed_with: Option<String> = sealed_with(tx)?;
    match sealed_with {
        Some(id) if id != key.key_id => return Ok(0),
        Some(_) => {}
        None => {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![SEAL_KEY_ID, key.key_id],
            )?;
        }
    }
    let mut sealed = 0;
    for history in HISTORIES {
        let (after, mut previous) = match head(tx, history.table)? {
            Some((id, link)) => (id, link),
            None => (0, key.start(history.table).to_vec()),
        };
        let mut read = tx.prepare_cached(history.rows_after)?;
        let columns = read.column_count();
        let mut insert = tx.prepare_cached(
            "INSERT INTO history_seal (history, row_id, link) VALUES (?1, ?2, ?3)",
        )?;
        let mut rows = read.query([after])?;
        while let Some(row) = rows.next()? {
            let (id, bytes) = row_bytes(row, columns)?;
            let link = key.link(&previous, history.table, &bytes);
            insert.execute(params![history.table, id, &link[..]])?;
            previous = link.to_vec();
            sealed += 1;
        }
    }
    Ok(sealed)
}

/// What the open found about the seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealState {
    /// Nothing sealed yet (a file from before version 9 not yet written by this build).
    NotSealed,
    /// The sealed rows are all there and the newest checks against its link.
    Checked,
    /// The sealed rows are all there, but without the key that sealed them the links cannot be checked.
    CannotCheck { sealed_with: String },
}

/// The check on open: for each history, the rows up to the newest sealed one are all there and all sealed, and,
/// with `key`, the newest sealed row is as it was sealed. The inner `Err` says which row and what; the outer one
/// is a file SQLite could not read.
pub(super) fn check_on_open(
    conn: &Connection,
    key: Option<&SealKey>,
) -> rusqlite::Result<Result<SealState, String>> {
    let sealed_with: Option<String> = sealed_with(conn)?;
    let Some(sealed_with) = sealed_with else {
        return Ok(Ok(SealState::NotSealed));
    };
    let key = key.filter(|k| k.key_id == sealed_with);
    for history in HISTORIES {
        let table = history.table;
        let Some((newest, link)) = head(conn, table)? else {
            continue;
        };
        let (rows, links): (i64, i64) = conn.query_row(
            &format!(
                "SELECT (SELECT count(*) FROM {table} WHERE id <= ?1),
                            (SELECT count(*) FROM history_seal WHERE history = ?2)"
            ),
            params![newest, table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if rows != links {
            return Ok(Err(format!(
                "{table}: {links} rows up to id {newest} were sealed and {rows} are there (run `iccc-desk verify`)"
            )));
        }
        let Some(key) = key else { continue };
        let previous = conn
            .query_row(
                "SELECT link FROM history_seal WHERE history = ?1 AND row_id < ?2
                 ORDER BY row_id DESC LIMIT 1",
                params![table, newest],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()?
            .unwrap_or_else(|| key.start(table).to_vec());
        let mut read = conn.prepare(history.rows_after)?;
        let columns = read.column_count();
        let row = read
            .query_row([newest - 1], |r| row_bytes(r, columns))
            .optional()?;
        match row {
            Some((id, bytes)) if id == newest => {
                if key.link(&previous, table, &bytes)[..] != link[..] {
                    return Ok(Err(format!("{table} {newest} differs from its seal")));
                }
            }
            _ => return Ok(Err(format!("{table} {newest} was sealed and is missing"))),
        }
    }
    Ok(Ok(if key.is_some() {
        SealState::Checked
    } else {
        SealState::CannotCheck { sealed_with }
    }))
}

/// The first row that breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenRow {
    pub table: &'static str,
    pub id: i64,
    pub what: String,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Rows checked against their links.
    pub rows_checked: u64,
    /// Rows newer than the seal (sealed by the desk's next write).
    pub rows_not_yet_sealed: u64,
    /// The first row that breaks the chain, if any.
    pub broken: Option<BrokenRow>,
    /// Set when the key that sealed the history is not this registry's key now: nothing could be checked.
    pub cannot_check: Option<String>,
}

impl VerifyReport {
    /// The report when the key is not in the key folder: what sealed the history is named, nothing is checked.
    pub(super) fn without_key(conn: &Connection) -> rusqlite::Result<Self> {
        let sealed_with: Option<String> = sealed_with(conn)?;
        Ok(Self {
            rows_checked: 0,
            rows_not_yet_sealed: 0,
            broken: None,
            cannot_check: Some(sealed_with.unwrap_or_default()),
        })
    }
}

/// Walks each history's whole chain in id order: every sealed row must be there, unchanged, in its place.
pub(super) fn verify_all(conn: &Connection, key: &SealKey) -> rusqlite::Result<VerifyReport> {
    let mut report = VerifyReport {
        rows_checked: 0,
        rows_not_yet_sealed: 0,
        broken: None,
        cannot_check: None,
    };
    let sealed_with: Option<String> = sealed_with(conn)?;
    match sealed_with {
        Some(id) if id != key.key_id => {
            report.cannot_check = Some(id);
            return Ok(report);
        }
        _ => {}
    }
    for history in HISTORIES {
        if let Some(broken) = verify_one(conn, key, history, &mut report)? {
            report.broken = Some(broken);
            break;
        }
    }
    Ok(report)
}

fn verify_one(
    conn: &Connection,
    key: &SealKey,
    history: History,
    report: &mut VerifyReport,
) -> rusqlite::Result<Option<BrokenRow>> {
    let table = history.table;
    let broken = |id, what: &str| {
        Some(BrokenRow {
            table,
            id,
            what: what.to_string(),
        })
    };
    let mut links_stmt =
        conn.prepare("SELECT row_id, link FROM history_seal WHERE history = ?1 ORDER BY row_id")?;
    let mut links = links_stmt.query([table])?;
    let mut rows_stmt = conn.prepare(history.rows_after)?;
    let columns = rows_stmt.column_count();
    let mut rows = rows_stmt.query([i64::MIN])?;
    let mut previous = key.start(table).to_vec();
    let mut next_link: Option<(i64, Vec<u8>)> = next_link_of(&mut links)?;
    while let Some(row) = rows.next()? {
        let (id, bytes) = row_bytes(row, columns)?;
        let Some((link_id, link)) = next_link.take() else {
            report.rows_not_yet_sealed += 1;
            continue;
        };
        if link_id < id {
            return Ok(broken(link_id, "was sealed and is missing"));
        }
        if link_id > id {
            return Ok(broken(
                id,
                "is not in the seal but older rows are (added around the seal)",
            ));
        }
        if key.link(&previous, table, &bytes)[..] != link[..] {
            return Ok(broken(
                id,
                "differs from its seal (changed, or a row before it removed)",
            ));
        }
        report.rows_checked += 1;
        previous = link;
        next_link = next_link_of(&mut links)?;
    }
    Ok(next_link.and_then(|(id, _)| broken(id, "was sealed and is missing")))
}

fn next_link_of(links: &mut rusqlite::Rows<'_>) -> rusqlite::Result<Option<(i64, Vec<u8>)>> {
    links
        .next()?
        .map(|r| -> rusqlite::Result<(i64, Vec<u8>)> { Ok((r.get(0)?, r.get(1)?)) })
        .transpose()
}
