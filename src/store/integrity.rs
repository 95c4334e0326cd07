//! Checks an existing registry before anything writes to it: SQLite's `quick_check` finds a damaged file, and
//! the schema's guards (the triggers, the CHECKs with the privacy rule, the append-only audit table) are
//! compared with what this build expects, so a file whose guards were dropped or edited outside the desk is
//! refused instead of written to.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rusqlite::Connection;

use super::upgrade::{V6_SCHEMA_SQL, V7_SCHEMA_SQL, V8_SCHEMA_SQL, V9_SCHEMA_SQL};
use super::{SCHEMA_SQL, SCHEMA_VERSION};

/// At most this many problems are asked of `quick_check` (the first names the damage; the rest are counted).
const QUICK_CHECK_MAX: i64 = 10;

/// SQLite's `quick_check` (pages, records, NOT NULL and CHECK constraints; not the indexes' content): `Err` with
/// one line saying what it found. CHECK constraints are checked only on a connection that may write.
pub(super) fn quick_check(conn: &Connection) -> Result<(), String> {
    let mut stmt = conn
        .prepare(&format!("PRAGMA quick_check({QUICK_CHECK_MAX})"))
        .map_err(|e| e.to_string())?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| e.to_string())?;
    match found.as_slice() {
        [ok] if ok == "ok" => Ok(()),
        [] => Err("no answer".into()),
        [first, rest @ ..] => {
            let first = one_line(first);
            Err(if rest.is_empty() {
                first
            } else {
                format!("{first}, and {} more problem(s)", rest.len())
            })
        }
    }
}

fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    line.chars().take(200).collect()
}

/// A schema object: (type, name) → its SQL, normalised.
type Objects = BTreeMap<(String, String), String>;

/// The schema a file of `version` must carry, or `None` for versions whose upgrade rebuilds the tables (the
/// result is checked after the upgrade).
fn expected(version: i64) -> Option<&'static Objects> {
    static V6: OnceLock<Option<Objects>> = OnceLock::new();
    static V7: OnceLock<Option<Objects>> = OnceLock::new();
    static V8: OnceLock<Option<Objects>> = OnceLock::new();
    static V9: OnceLock<Option<Objects>> = OnceLock::new();
    static CURRENT: OnceLock<Option<Objects>> = OnceLock::new();
    let (cell, sql) = match version {
        SCHEMA_VERSION => (&CURRENT, SCHEMA_SQL),
        6 => (&V6, V6_SCHEMA_SQL),
        7 => (&V7, V7_SCHEMA_SQL),
        8 => (&V8, V8_SCHEMA_SQL),
        9 => (&V9, V9_SCHEMA_SQL),
        _ => return None,
    };
    cell.get_or_init(|| {
        let conn = Connection::open_in_memory().ok()?;
        conn.execute_batch(sql).ok()?;
        objects(&conn).ok()
    })
    .as_ref()
}

fn objects(conn: &Connection) -> rusqlite::Result<Objects> {
    let mut stmt = conn.prepare(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )?;
    stmt.query_map([], |r| {
        Ok((
            (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
            normalise_sql(&r.get::<_, String>(2)?),
        ))
    })?
    .collect()
}

/// Checks that the file's tables, indexes and triggers are exactly those of its schema `version`, and that it
/// has no trigger of its own: `Err` names what differs.
pub(super) fn check_guards(conn: &Connection, version: i64) -> Result<(), String> {
    let Some(expected) = expected(version) else {
        return Ok(());
    };
    let found = objects(conn).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    for ((kind, name), sql) in expected {
        match found.get(&(kind.clone(), name.clone())) {
            None => problems.push(format!("{kind} {name} is missing")),
            Some(s) if s != sql => problems.push(format!("{kind} {name} was changed")),
            Some(_) => {}
        }
    }
    for (kind, name) in found.keys() {
        // An added trigger can undo any guard; an added table or index cannot.
        if kind == "trigger" && !expected.contains_key(&(kind.clone(), name.clone())) {
            problems.push(format!("trigger {name} is not the desk's"));
        }
    }
    match problems.len() {
        0 => Ok(()),
        1..=3 => Err(problems.join(", ")),
        n => Err(format!("{}, and {} more", problems[..3].join(", "), n - 3)),
    }
}

/// Rows that point at a row that is not there (`PRAGMA foreign_key_check`): the sqlite3 tool runs with foreign
/// keys off, so `DELETE FROM site` or `UPDATE camera SET site_id = 999` leave history and cameras orphaned, and
/// the figures would count them differently. `Err` names the first such row.
pub(super) fn check_links(conn: &Connection) -> Result<(), String> {
    let found = conn.query_row(
        "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 1",
        [],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    );
    match found {
        Ok((table, rowid, parent)) => Err(format!(
            "row {} of {table} points at a {parent} that is not there",
            rowid.map_or_else(|| "?".to_string(), |id| id.to_string())
        )),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// Drops double quotes around plain identifiers (a table rename writes `"site"`), outside string literals and
/// comments, then collapses whitespace, so an upgraded file compares equal to a fresh one.
pub(super) fn normalise_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\'' {
                        break; // a doubled '' simply opens the literal again
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                out.push(c);
                for d in chars.by_ref() {
                    out.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut ident = String::new();
                let mut closed = false;
                for d in chars.by_ref() {
                    if d == '"' {
                        closed = true;
                        break;
                    }
                    ident.push(d);
                }
                let plain = !ident.is_empty()
                    && ident.chars().all(|d| d.is_ascii_alphanumeric() || d == '_')
                    && !ident.starts_with(|d: char| d.is_ascii_digit());
                if closed && plain {
                    out.push_str(&ident);
                } else {
                    out.push('"');
                    out.push_str(&ident);
                    if closed {
                        out.push('"');
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA_SQL).unwrap();
        conn
    }

    #[test]
    fn a_fresh_schema_passes_and_a_dropped_guard_is_named() {
        let conn = fresh();
        assert_eq!(check_guards(&conn, SCHEMA_VERSION), Ok(()));
        assert_eq!(quick_check(&conn), Ok(()));
        conn.execute_batch("DROP TRIGGER audit_no_delete").unwrap();
        assert_eq!(
            check_guards(&conn, SCHEMA_VERSION),
            Err("trigger audit_no_delete is missing".into())
        );
    }

    #[test]
    fn an_added_trigger_is_refused() {
        let conn = fresh();
        conn.execute_batch("CREATE TRIGGER sneaky AFTER INSERT ON audit BEGIN SELECT 1; END;")
            .unwrap();
        assert_eq!(
            check_guards(&conn, SCHEMA_VERSION),
            Err("trigger sneaky is not the desk's".into())
        );
    }

    #[test]
    fn quick_check_finds_a_private_camera_integrated_with_checks_off() {
        let conn = fresh();
        conn.execute_batch(
            "INSERT INTO site (name_en, owner_category, lat_deg, lon_deg, updated_by, updated_unix_s)
               VALUES ('Hotel', 'hotel', 25.45, 78.58, 'x', 1);
             INSERT INTO camera (site_id, label, area_watched, lat_deg, lon_deg, kind, stream_url, updated_by,
               updated_unix_s) VALUES (1, 'Gate', 'gate', 25.45, 78.58, 'ip', 'rtsp://127.0.0.1/1', 'x', 1);
             INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
               VALUES (1, 2, 'x', 'surveyed', 'owner_contacted'), (1, 2, 'x', 'owner_contacted', 'consent_given'),
                 (1, 2, 'x', 'consent_given', 'configured'), (1, 2, 'x', 'configured', 'integrated');
             PRAGMA ignore_check_constraints = ON;
             UPDATE camera SET area_watched = 'room';
             PRAGMA ignore_check_constraints = OFF;",
        )
        .unwrap();
        let version: String = conn
            .query_row("SELECT sqlite_version()", [], |r| r.get(0))
            .unwrap();
        let found = quick_check(&conn);
        assert!(
            found.as_ref().is_err_and(|e| e.contains("CHECK")),
            "SQLite {version}: {found:?}"
        );
    }

    #[test]
    fn the_v6_schema_is_known() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(V6_SCHEMA_SQL).unwrap();
        assert_eq!(check_guards(&conn, 6), Ok(()));
        assert!(check_guards(&conn, SCHEMA_VERSION).is_err());
    }

    #[test]
    fn the_v7_schema_is_known() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(V7_SCHEMA_SQL).unwrap();
        assert_eq!(check_guards(&conn, 7), Ok(()));
        // Version 8 only adds a table, which the guards do not miss; the table itself is what differs.
        let v8 = Connection::open_in_memory().unwrap();
        v8.execute_batch(V8_SCHEMA_SQL).unwrap();
        let v8 = objects(&v8).unwrap();
        let old = objects(&conn).unwrap();
        let added: Vec<_> = v8.keys().filter(|k| !old.contains_key(*k)).collect();
        assert_eq!(added, [&("table".to_string(), "review_cache".to_string())]);
    }

    #[test]
    fn the_v8_schema_is_known_and_version_9_only_adds_guards_and_the_seal() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(V8_SCHEMA_SQL).unwrap();
        assert_eq!(check_guards(&conn, 8), Ok(()));
        assert!(check_guards(&conn, SCHEMA_VERSION).is_err());
        let v9 = Connection::open_in_memory().unwrap();
        v9.execute_batch(V9_SCHEMA_SQL).unwrap();
        let fresh = objects(&v9).unwrap();
        let old = objects(&conn).unwrap();
        assert!(old.iter().all(|(k, sql)| fresh.get(k) == Some(sql)));
        let added: Vec<_> = fresh
            .keys()
            .filter(|k| !old.contains_key(*k))
            .map(|(kind, _)| kind.as_str())
            .collect();
        assert!(
            added
                .iter()
                .all(|k| *k == "trigger" || *k == "table" || *k == "index")
        );
        assert!(added.contains(&"table"), "{added:?}");
    }

    #[test]
    fn the_v9_schema_is_known_and_version_10_only_changes_the_site_table() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(V9_SCHEMA_SQL).unwrap();
        assert_eq!(check_guards(&conn, 9), Ok(()));
        // A v9 file is not a v10 one: its site table lacks the recorder's retention.
        assert_eq!(
            check_guards(&conn, SCHEMA_VERSION),
            Err("table site was changed".into())
        );
        let fresh = objects(&fresh()).unwrap();
        let old = objects(&conn).unwrap();
        let changed: Vec<_> = fresh
            .iter()
            .filter(|(k, sql)| old.get(*k) != Some(*sql))
            .map(|((_, name), _)| name.as_str())
            .collect();
        assert_eq!(changed, ["site"]);
        assert_eq!(old.len(), fresh.len());
    }

    #[test]
    fn a_row_orphaned_with_foreign_keys_off_is_named() {
        let conn = fresh();
        assert_eq!(check_links(&conn), Ok(()));
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (42, 1, 'x', 'called');",
        )
        .unwrap();
        assert_eq!(
            check_links(&conn),
            Err("row 1 of follow_up points at a camera that is not there".into())
        );
    }
}
