//! An administrator puts the registry on the centre's PostgreSQL server (`iccc-desk registry create
//! postgres://…`), and the server itself keeps the registry's rules: stage history and audit append-only, only
//! legal stage moves in time order, no private-area camera integrated. Commands not yet done on a server say
//! so instead of half-working. Against a real PostgreSQL 15 on 127.0.0.1 (tests/common/postgres.rs).

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use common::postgres::{PgDb, PgServer, make_certificates};
use iccc_desk::store::pg::PgTarget;

/// Runs iccc-desk with `args`, keys in `dir`, HOME in `dir` (no real user's file is read or written).
fn desk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .args(args)
        .arg("--key-dir")
        .arg(dir.join("keys"))
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("ICCC_DESK_DB")
        .env_remove("PGPASSWORD")
        .env_remove("PGPASSFILE")
        .output()
        .expect("run iccc-desk")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A registry made on a fresh database by `registry create`.
fn created_registry() -> (PgDb, tempfile::TempDir) {
    let db = PgDb::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = desk(dir.path(), &["registry", "create", &db.url()]);
    assert!(out.status.success(), "{}", text(&out));
    (db, dir)
}

/// A site and a camera watching `area` (stream known), added as the desk adds them; the camera's id.
fn add_camera(client: &mut postgres::Client, area: &str, at_unix_s: i64) -> i64 {
    let site: i64 = client
        .query_one(
            "INSERT INTO site (name_en, owner_category, lat_deg, lon_deg, updated_by, updated_unix_s)
             VALUES ('Hotel Sita', 'hotel', 25.45, 78.57, 'ops', $1) RETURNING id",
            &[&at_unix_s],
        )
        .unwrap()
        .get(0);
    let url = format!("rtsp://127.0.0.1:8554/cam{site}");
    client
        .query_one(
            "INSERT INTO camera (site_id, label, area_watched, lat_deg, lon_deg, kind, stream_url, updated_by,
               updated_unix_s)
             VALUES ($1, 'Main gate', $2, 25.45, 78.57, 'ip', $3, 'ops', $4) RETURNING id",
            &[&site, &area, &url, &at_unix_s],
        )
        .unwrap()
        .get(0)
}

/// Moves camera `id` from `from` to `to` at `at_unix_s`; the server's refusal, if any, as its message.
fn move_camera(
    client: &mut postgres::Client,
    id: i64,
    from: &str,
    to: &str,
    at_unix_s: i64,
) -> Result<(), String> {
    client
        .execute(
            "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage) VALUES ($1, $2, 'ops', $3, $4)",
            &[&id, &at_unix_s, &from, &to],
        )
        .map(|_| ())
        .map_err(|e| server_message(&e))
}

fn server_message(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |db| db.message().to_string())
}

fn refused(client: &mut postgres::Client, sql: &str) -> String {
    match client.batch_execute(sql) {
        Ok(()) => panic!("the server accepted: {sql}"),
        Err(e) => server_message(&e),
    }
}

#[test]
fn each_test_gets_an_empty_database_of_its_own_on_a_private_server() {
    let a = PgDb::new();
    let b = PgDb::new();
    assert_ne!(a.name, b.name);
    assert!(
        a.url().starts_with("postgres://desk@127.0.0.1:"),
        "{}",
        a.url()
    );
    let tables: i64 = a
        .admin()
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[test]
fn registry_create_makes_the_schema_and_the_key_on_an_empty_database() {
    let (db, dir) = created_registry();
    let mut client = db.admin();
    let version: i32 = client
        .query_one("SELECT max(version) FROM registry_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(i64::from(version), iccc_desk::store::SCHEMA_VERSION);
    let uuid: String = client
        .query_one("SELECT value FROM meta WHERE key = 'registry_uuid'", &[])
        .unwrap()
        .get(0);
    let key = iccc_desk::store::SecretBox::key_path(&dir.path().join("keys"), &uuid);
    assert!(key.is_file(), "no key at {}", key.display());
    // A camera added as the desk adds one starts surveyed, with its first stage event written by the server.
    let camera = add_camera(&mut client, "gate", 1_795_000_000);
    let first: (Option<String>, String) = client
        .query_one(
            "SELECT from_stage, to_stage FROM stage_event WHERE camera_id = $1",
            &[&camera],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(first, (None, "surveyed".to_string()));
}

#[test]
fn a_second_create_or_a_database_in_use_is_refused_and_left_as_it_was() {
    let (db, dir) = created_registry();
    let out = desk(dir.path(), &["registry", "create", &db.url()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
    let uuids: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM meta WHERE key = 'registry_uuid'", &[])
        .unwrap()
        .get(0);
    assert_eq!(uuids, 1);

    let other = PgDb::new();
    other
        .admin()
        .batch_execute("CREATE TABLE payroll (id int)")
        .unwrap();
    let out = desk(dir.path(), &["registry", "create", &other.url()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let tables: i64 = other
        .admin()
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1, "the other database was changed");
}

#[test]
fn a_password_in_the_address_is_refused_and_not_repeated() {
    let db = PgDb::new();
    let dir = tempfile::tempdir().unwrap();
    let with_password = db.url().replace("desk@", "desk:Secr3t-Pw@");
    let out = desk(dir.path(), &["registry", "create", &with_password]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("PGPASSWORD"), "{}", text(&out));
    assert!(!text(&out).contains("Secr3t-Pw"), "{}", text(&out));
}

#[test]
fn stage_history_and_audit_are_append_only_on_the_server() {
    let (db, _dir) = created_registry();
    let mut client = db.admin();
    let camera = add_camera(&mut client, "gate", 1_795_000_000);
    move_camera(
        &mut client,
        camera,
        "surveyed",
        "owner_contacted",
        1_795_000_100,
    )
    .unwrap();
    client
        .batch_execute(
            "INSERT INTO audit (at_unix_s, by_user, action, entity) VALUES (1795000100, 'ops', 'registry.demo', 'registry')",
        )
        .unwrap();
    for (sql, says) in [
        (
            "UPDATE stage_event SET to_stage = 'integrated'",
            "cannot be changed",
        ),
        ("DELETE FROM stage_event", "cannot be deleted"),
        ("TRUNCATE stage_event CASCADE", "cannot be deleted"),
        (
            "UPDATE audit SET by_user = 'someone else'",
            "cannot be changed",
        ),
        ("DELETE FROM audit", "cannot be deleted"),
        ("TRUNCATE audit", "cannot be deleted"),
        ("DELETE FROM camera", "history would be lost"),
        (
            "DELETE FROM meta WHERE key = 'passwords_bound'",
            "cannot be removed",
        ),
    ] {
        let message = refused(&mut client, sql);
        assert!(message.contains(says), "{sql}: {message}");
    }
    let events: i64 = client
        .query_one("SELECT count(*) FROM stage_event", &[])
        .unwrap()
        .get(0);
    assert_eq!(events, 2);
}

#[test]
fn an_illegal_stage_move_is_refused_by_the_server() {
    let (db, _dir) = created_registry();
    let mut client = db.admin();
    let at = 1_795_000_000;
    let camera = add_camera(&mut client, "gate", at);
    // Two steps at once, from a stage it is not at, backwards in time, and the stage written directly.
    let skip = move_camera(&mut client, camera, "surveyed", "configured", at + 10).unwrap_err();
    assert!(skip.contains("legal move"), "{skip}");
    let wrong_from = move_camera(
        &mut client,
        camera,
        "owner_contacted",
        "consent_given",
        at + 10,
    )
    .unwrap_err();
    assert!(wrong_from.contains("current stage"), "{wrong_from}");
    let earlier =
        move_camera(&mut client, camera, "surveyed", "owner_contacted", at - 10).unwrap_err();
    assert!(earlier.contains("dated before"), "{earlier}");
    let direct = refused(
        &mut client,
        &format!("UPDATE camera SET stage = 'owner_contacted' WHERE id = {camera}"),
    );
    assert!(direct.contains("only through a stage_event"), "{direct}");
    // The legal path is open.
    for (i, (from, to)) in [
        ("surveyed", "owner_contacted"),
        ("owner_contacted", "consent_given"),
        ("consent_given", "configured"),
        ("configured", "integrated"),
    ]
    .into_iter()
    .enumerate()
    {
        move_camera(&mut client, camera, from, to, at + 60 * (i as i64 + 1)).unwrap();
    }
    let stage: String = client
        .query_one("SELECT stage FROM camera WHERE id = $1", &[&camera])
        .unwrap()
        .get(0);
    assert_eq!(stage, "integrated");
}

#[test]
fn a_private_area_camera_is_never_integrated_even_with_the_triggers_off() {
    let (db, _dir) = created_registry();
    let mut client = db.admin();
    let at = 1_795_000_000;
    let room = add_camera(&mut client, "room", at);
    let talks = move_camera(&mut client, room, "surveyed", "owner_contacted", at + 10).unwrap_err();
    assert!(talks.contains("legal move"), "{talks}");
    move_camera(&mut client, room, "surveyed", "rejected", at + 20).unwrap();
    // An owner of the tables who switches their triggers off still meets the table's own rule.
    let unguarded = refused(
        &mut client,
        &format!(
            "ALTER TABLE camera DISABLE TRIGGER USER;
             UPDATE camera SET stage = 'integrated' WHERE id = {room}"
        ),
    );
    assert!(
        unguarded.contains("private_area_never_integrated"),
        "{unguarded}"
    );
}

#[test]
fn commands_given_a_server_say_they_do_not_work_on_one_yet() {
    let (db, dir) = created_registry();
    for args in [
        vec!["stats"],
        vec!["demo"],
        vec!["verify"],
        vec!["export", "cameras", "--format", "csv", "-o", "x.csv"],
    ] {
        let mut all = args.clone();
        let url = db.url();
        all.extend(["--db", url.as_str()]);
        let out = desk(dir.path(), &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains("not supported by this command yet"),
            "{args:?}: {}",
            text(&out)
        );
    }
    // The desk window too, named by the environment instead of --db.
    let out = Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .env("ICCC_DESK_DB", db.url())
        .env("HOME", dir.path())
        .arg("--key-dir")
        .arg(dir.path().join("keys"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("desk: a registry on a PostgreSQL server"),
        "{}",
        text(&out)
    );
    let cameras: i64 = db
        .admin()
        .query_one("SELECT count(*) FROM camera", &[])
        .unwrap()
        .get(0);
    assert_eq!(cameras, 0);
}

/// The two schemas kept in step: the same tables with the same columns in the same order, and every SQLite
/// trigger either present on the server under its name or replaced by a named server mechanism.
#[test]
fn the_server_schema_has_the_sqlite_schemas_tables_columns_and_rules() {
    let (db, _dir) = created_registry();
    let sqlite = rusqlite::Connection::open_in_memory().unwrap();
    sqlite.execute_batch(iccc_desk::store::SCHEMA_SQL).unwrap();
    let mut stmt = sqlite
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' ORDER BY m.name, p.cid",
        )
        .unwrap();
    let sqlite_columns: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut client = db.admin();
    let server_columns: Vec<(String, String)> = client
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> 'registry_version'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(server_columns, sqlite_columns);

    let sqlite_triggers: BTreeSet<String> = sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let server_triggers: BTreeSet<String> = client
        .query(
            "SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // SQLite triggers the server keeps another way (schema.sql's header says why).
    let replaced = [
        ("audit_no_replace", "primary key"),
        ("stage_event_no_replace", "primary key"),
        ("camera_no_replace", "primary key and unique indexes"),
        ("camera_no_replace_on_update", "unique indexes"),
        ("site_no_replace", "primary key"),
        ("follow_up_no_replace", "primary key"),
        ("history_seal_no_replace", "primary key"),
        ("meta_marks_not_replaced", "primary key"),
        (
            "site_no_delete_with_cameras",
            "foreign key ON DELETE RESTRICT",
        ),
        ("camera_moves_to_a_site", "foreign key"),
        ("stage_event_from_current", "stage_event_is_legal"),
        ("stage_event_first_is_surveyed", "stage_event_is_legal"),
        ("stage_event_in_time_order", "stage_event_is_legal"),
        ("stage_event_legal_move", "stage_event_is_legal"),
    ];
    let missing: Vec<&String> = sqlite_triggers
        .iter()
        .filter(|t| !server_triggers.contains(*t) && !replaced.iter().any(|(r, _)| r == t))
        .collect();
    assert!(
        missing.is_empty(),
        "SQLite triggers with no server counterpart: {missing:?}"
    );
    for (name, by) in replaced {
        assert!(
            sqlite_triggers.contains(name),
            "{name} is no longer in the SQLite schema"
        );
        if by == "stage_event_is_legal" {
            assert!(server_triggers.contains(by));
        }
    }
}

/// One table's rows as text, id order, for comparing the two sides of a copy.
fn sqlite_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| {
        Ok((0..r.as_ref().column_count())
            .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn a_registry_file_is_copied_with_its_ids_and_counts_and_a_used_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jhansi.sqlite");
    let out = desk(
        dir.path(),
        &["demo", "--cameras", "100", "--db", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out));
    let db = PgDb::new();
    let out = desk(
        dir.path(),
        &[
            "registry",
            "copy",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &db.url(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let printed = text(&out);

    let sqlite = rusqlite::Connection::open(&file).unwrap();
    let mut client = db.admin();
    for table in [
        "meta",
        "site",
        "camera",
        "stage_event",
        "audit",
        "history_seal",
        "camera_health",
        "health_run",
        "boundary",
    ] {
        let in_file: i64 = sqlite
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        let on_server: i64 = client
            .query_one(format!("SELECT count(*) FROM {table}").as_str(), &[])
            .unwrap()
            .get(0);
        assert_eq!(on_server, in_file, "{table}");
        assert!(
            printed.contains(&format!("  {table}: {in_file} → {on_server}")),
            "{table}: {printed}"
        );
    }
    assert!(
        sqlite_rows(&sqlite, "SELECT id FROM stage_event").len() > 100,
        "the demo has a stage history"
    );
    // The same ids and times; a password's sealed bytes unchanged (so the same key opens them).
    let file_events: Vec<(i64, i64, i64, String)> = sqlite
        .prepare("SELECT id, camera_id, at_unix_s, to_stage FROM stage_event ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let server_events: Vec<(i64, i64, i64, String)> = client
        .query(
            "SELECT id, camera_id, at_unix_s, to_stage FROM stage_event ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(server_events, file_events);
    let file_seal: Vec<u8> = sqlite
        .query_row(
            "SELECT link FROM history_seal ORDER BY history, row_id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let server_seal: Vec<u8> = client
        .query_one(
            "SELECT link FROM history_seal ORDER BY history, row_id LIMIT 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(server_seal, file_seal);

    // The rules are back on after the copy, and new rows are numbered after the copied ones.
    let message = refused(&mut client, "DELETE FROM audit");
    assert!(message.contains("cannot be deleted"), "{message}");
    let max_site: i64 = client
        .query_one("SELECT max(id) FROM site", &[])
        .unwrap()
        .get(0);
    let camera = add_camera(&mut client, "gate", 1_900_000_000);
    let new_site: i64 = client
        .query_one("SELECT site_id FROM camera WHERE id = $1", &[&camera])
        .unwrap()
        .get(0);
    assert_eq!(new_site, max_site + 1);

    // A second copy onto the same database is refused and leaves it as it was.
    let sites_before: i64 = client
        .query_one("SELECT count(*) FROM site", &[])
        .unwrap()
        .get(0);
    let out = desk(
        dir.path(),
        &[
            "registry",
            "copy",
            "--from",
            file.to_str().unwrap(),
            "--to",
            &db.url(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
    let sites: i64 = client
        .query_one("SELECT count(*) FROM site", &[])
        .unwrap()
        .get(0);
    assert_eq!(sites, sites_before);
}

#[test]
fn tls_is_used_when_asked_and_verify_full_refuses_another_authority() {
    let server = std::sync::Arc::new(PgServer::start_with_tls());
    let db = PgDb::on(server.clone());
    let ssl_in_use = |options: &str| -> Result<bool, String> {
        let target =
            PgTarget::parse(&format!("{}{options}", db.url())).map_err(|e| e.to_string())?;
        let mut client = target.connect().map_err(|e| e.to_string())?;
        Ok(client
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .map_err(|e| e.to_string())?
            .get(0))
    };
    assert_eq!(ssl_in_use("?sslmode=disable"), Ok(false));
    assert_eq!(ssl_in_use(""), Ok(true), "prefer takes TLS when offered");
    assert_eq!(ssl_in_use("?sslmode=require"), Ok(true));
    let ca = server.ca_cert();
    assert_eq!(
        ssl_in_use(&format!(
            "?sslmode=verify-full&sslrootcert={}",
            ca.display()
        )),
        Ok(true)
    );
    let elsewhere = tempfile::tempdir().unwrap();
    make_certificates(elsewhere.path());
    let refused = ssl_in_use(&format!(
        "?sslmode=verify-full&sslrootcert={}",
        elsewhere.path().join("ca.crt").display()
    ))
    .unwrap_err();
    assert!(
        refused.contains("unreachable") && refused.to_lowercase().contains("certificate"),
        "{refused}"
    );
    // A server without TLS is refused by require rather than spoken to in the clear.
    let plain = PgDb::new();
    let target = PgTarget::parse(&format!("{}?sslmode=require", plain.url())).unwrap();
    assert!(target.connect().is_err());
}
