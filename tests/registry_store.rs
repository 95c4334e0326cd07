//! An operator keeps the camera registry on disk: opens or upgrades the file, adds and edits sites and cameras,
//! moves cameras through the integration stages with two desks on one file, and the store keeps the privacy rule,
//! the audit log, the stage history and the camera passwords safe in the SQLite file itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use iccc_desk::model::{
    AreaWatched, BlockReason, Camera, CameraId, CameraKind, Field, FieldError, IntegrationStage,
    OwnerCategory, PasswordState, Priority, Problem, Site, SiteId, StageChange, StageError,
};
use iccc_desk::store::{
    self, Actor, AuditEntry, KeyStatus, OpenOptions, PasswordEdit, ReportReader, SecretBox, Store,
    StoreError,
};
use rusqlite::types::Value;
use rusqlite::{Connection, params};
use tempfile::TempDir;

const T0: i64 = 1_764_000_000;
const PASSWORD: &str = "S3cr3t-Pa55word-XYZ";

fn actor() -> Actor {
    Actor {
        user: "test-operator".into(),
        now_unix_s: T0,
    }
}

/// The fixed operator, `seconds` later (so each change has its own time to check).
fn actor_later(seconds: i64) -> Actor {
    Actor {
        now_unix_s: T0 + seconds,
        ..actor()
    }
}

/// A registry file and a key directory, apart from each other, in one temp dir.
struct Desk {
    _dir: TempDir,
    path: PathBuf,
    options: OpenOptions,
}

impl Desk {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("data").join("registry.sqlite");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let options = OpenOptions {
            key_dir: dir.path().join("keys"),
        };
        Self {
            _dir: dir,
            path,
            options,
        }
    }

    fn open(&self) -> Store {
        Store::open(&self.path, &self.options).expect("open registry")
    }

    fn try_open(&self) -> Result<Store, StoreError> {
        Store::open(&self.path, &self.options)
    }

    fn sql(&self) -> Connection {
        let conn = Connection::open(&self.path).expect("plain connection");
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn
    }

    fn wal_path(&self) -> PathBuf {
        sibling(&self.path, "-wal")
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn hotel_site() -> Site {
    Site {
        name_en: "Hotel Raj Palace".into(),
        name_hi: "होटल राज पैलेस".into(),
        owner_category: OwnerCategory::Hotel,
        priority: Priority::None,
        priority_radius_m: None,
        contact_person: "Ramesh Yadav".into(),
        phone: "+919876543210".into(),
        address: "Sipri Bazar, Jhansi".into(),
        ward: "Sipri Bazar".into(),
        police_station: "सीपरी बाजार".into(),
        lat_deg: 25.4486,
        lon_deg: 78.5697,
        notes: "demo data".into(),
        recorder_retention_days: 15,
    }
}

fn ip_camera(label: &str, area: AreaWatched, stream_url: &str) -> Camera {
    Camera {
        label: label.into(),
        area_watched: area,
        lat_deg: 25.4487,
        lon_deg: 78.5698,
        bearing_deg: Some(90.0),
        fov_deg: Some(80.0),
        range_m: Some(25.0),
        kind: CameraKind::Ip,
        make: "Hikvision".into(),
        model: "DS-2CD1023G0E-I".into(),
        stream_url: stream_url.into(),
        snapshot_url: String::new(),
        username: "admin".into(),
    }
}

fn analogue_camera(label: &str, nvr_host: &str, channel: u16) -> Camera {
    Camera {
        kind: CameraKind::Analogue {
            nvr_host: nvr_host.into(),
            channel,
        },
        make: "CP Plus".into(),
        model: "CP-UVR-0801E1".into(),
        ..ip_camera(label, AreaWatched::Lobby, "")
    }
}

fn to(stage: IntegrationStage) -> StageChange {
    StageChange {
        to: stage,
        reason: None,
        note: String::new(),
    }
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Every row of a table, every column, in row order.
fn dump(conn: &Connection, table: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
        .unwrap()
        .collect::<rusqlite::Result<Vec<Vec<Value>>>>()
        .unwrap()
}

/// The registry's rows; of `meta` only what an older file had (the first open of this build adds the marks
/// that the passwords are bound and which key seals the history).
fn dump_all(conn: &Connection) -> Vec<(String, Vec<Vec<Value>>)> {
    let mut rows: Vec<_> = ["site", "camera", "stage_event", "audit"]
        .into_iter()
        .map(|t| (t.to_string(), dump(conn, t)))
        .collect();
    // Since version 10 a site row ends with its recorder's retention (the one column an upgrade adds to old
    // rows): left out, so the rows of an older file compare with their upgrade.
    let has_retention: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM pragma_table_info('site') WHERE name = 'recorder_retention_days'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if has_retention {
        for row in &mut rows[0].1 {
            row.pop();
        }
    }
    let mut stmt = conn
        .prepare(
            "SELECT * FROM meta WHERE key NOT IN ('passwords_bound', 'history_seal_key_id') ORDER BY rowid",
        )
        .unwrap();
    let meta = stmt
        .query_map([], |r| {
            Ok(vec![r.get::<_, Value>(0)?, r.get::<_, Value>(1)?])
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap();
    rows.insert(0, ("meta".to_string(), meta));
    rows
}

/// Fails, naming the first changed byte, when a file no longer holds `before` (a dump of the bytes says nothing).
fn assert_same_bytes(path: &Path, before: &[u8]) {
    let now = std::fs::read(path).unwrap();
    if now != before {
        let at = now.iter().zip(before).position(|(a, b)| a != b);
        panic!(
            "{} was changed: {} bytes before, {} now, first difference at byte {:?}",
            path.display(),
            before.len(),
            now.len(),
            at
        );
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn newest_audit(store: &Store) -> AuditEntry {
    store
        .audit_entries(None, 1)
        .unwrap()
        .into_iter()
        .next()
        .expect("an audit entry")
}

fn json(text: &Option<String>) -> serde_json::Value {
    serde_json::from_str(text.as_deref().expect("JSON present")).expect("valid JSON")
}

/// Moves a camera along the normal path up to `target`, one stage at a time.
fn walk_to(store: &mut Store, id: CameraId, target: IntegrationStage) {
    loop {
        let cam = store.camera(id).unwrap();
        if cam.stage == target {
            return;
        }
        let next = cam.stage.next().expect("a next stage");
        store
            .change_stage(&actor(), id, cam.row_version, &to(next))
            .unwrap();
    }
}

fn assert_sql_refused(result: rusqlite::Result<usize>, what: &str) -> String {
    match result {
        Ok(n) => panic!("{what}: plain SQL was accepted ({n} rows changed)"),
        Err(e) => e.to_string(),
    }
}

// ── 1. A fresh registry ──────────────────────────────────────────────────────────────────────────

#[test]
fn fresh_registry_has_current_schema_wal_and_foreign_keys() {
    let desk = Desk::new();
    let store = desk.open();
    assert_eq!(store.key_status(), KeyStatus::Created);
    let conn = store.conn_for_tests();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal.to_lowercase(), "wal");
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        fk, 1,
        "foreign keys must be enforced on the store's connection"
    );
    let uuid = store.registry_uuid().to_string();
    assert_eq!(uuid.len(), 32, "registry uuid {uuid:?}");
    assert!(uuid.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(store.load_snapshot().unwrap().sites.is_empty());
    assert!(!store.is_demo().unwrap());
    drop(store);

    // WAL is a property of the file: another program sees it too.
    let plain = desk.sql();
    let journal: String = plain
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal.to_lowercase(), "wal");
    drop(plain);

    // Reopening finds the same registry and its key.
    let store = desk.open();
    assert_eq!(store.registry_uuid(), uuid);
    assert_eq!(store.key_status(), KeyStatus::Found);
    let fk: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
}

/// Readers that keep a little of each camera (the demo simulator) read the cameras a row at a time: the same
/// rows, in the same order, as the whole snapshot.
#[test]
fn cameras_read_a_row_at_a_time_are_the_snapshot_s_cameras() {
    let desk = Desk::new();
    let mut store = desk.open();
    let a = store.add_site(&actor(), &hotel_site()).unwrap();
    let b = store.add_site(&actor(), &hotel_site()).unwrap();
    for (n, site) in [b.id, a.id, b.id, a.id].into_iter().enumerate() {
        let url = format!("rtsp://127.1.2.{n}:554/Streaming/Channels/101");
        store
            .add_camera(
                &actor(),
                site,
                &ip_camera(&format!("Gate {n}"), AreaWatched::Gate, &url),
                &PasswordEdit::Set(PASSWORD.into()),
            )
            .unwrap();
    }
    let mut visited = Vec::new();
    store.for_each_camera(|c| visited.push(c.clone())).unwrap();
    assert_eq!(visited, store.load_snapshot().unwrap().cameras);
    assert_eq!(visited.len(), 4);
}

// ── 2. Upgrading a v1 file ───────────────────────────────────────────────────────────────────────

struct V1Camera {
    id: CameraId,
    site_id: SiteId,
    camera: Camera,
    stage: &'static str,
    block_reason: Option<&'static str>,
    password: Option<(Vec<u8>, &'static str)>,
    updated_unix_s: i64,
}

fn v1_sites() -> Vec<(SiteId, Site)> {
    vec![
        (
            1,
            Site {
                name_en: "Virangana Lakshmibai Jhansi Railway Station".into(),
                name_hi: "वीरांगना लक्ष्मीबाई झाँसी रेलवे स्टेशन".into(),
                owner_category: OwnerCategory::GovernmentOffice,
                priority: Priority::PublicPlace,
                priority_radius_m: Some(75.0),
                contact_person: "Station Superintendent".into(),
                phone: "+915102440000".into(),
                address: "Station Road, Jhansi".into(),
                ward: "Sipri Bazar".into(),
                police_station: "सीपरी बाजार".into(),
                lat_deg: 25.4439,
                lon_deg: 78.5534,
                notes: "demo data".into(),
                recorder_retention_days: 30,
            },
        ),
        (
            2,
            Site {
                name_en: "Hotel Raj Palace".into(),
                name_hi: "होटल राज पैलेस".into(),
                owner_category: OwnerCategory::Hotel,
                priority: Priority::None,
                priority_radius_m: None,
                contact_person: "Ramesh Yadav".into(),
                phone: "+919876543210".into(),
                address: "Orchha Gate, Jhansi".into(),
                ward: "Nawabad".into(),
                police_station: "नवाबाद".into(),
                lat_deg: 25.4571,
                lon_deg: 78.5802,
                notes: String::new(),
                recorder_retention_days: 30,
            },
        ),
    ]
}

fn v1_cameras() -> Vec<V1Camera> {
    vec![
        V1Camera {
            id: 10,
            site_id: 1,
            camera: ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.20.0.5:554/Streaming/Channels/101",
            ),
            stage: "integrated",
            block_reason: None,
            password: Some((vec![7u8; 40], "oldkey01")),
            updated_unix_s: 1_700_000_100,
        },
        V1Camera {
            id: 11,
            site_id: 1,
            camera: ip_camera(
                "Parking",
                AreaWatched::Parking,
                "rtsp://127.20.0.6:554/Streaming/Channels/101",
            ),
            stage: "blocked",
            block_reason: Some("no_uplink"),
            password: None,
            updated_unix_s: 1_700_000_200,
        },
        V1Camera {
            id: 12,
            site_id: 2,
            camera: analogue_camera("Lobby", "127.168.1.20", 3),
            stage: "surveyed",
            block_reason: None,
            password: None,
            updated_unix_s: 1_700_000_300,
        },
        V1Camera {
            id: 13,
            site_id: 2,
            camera: ip_camera(
                "Room 101",
                AreaWatched::Room,
                "rtsp://127.20.1.9:554/Streaming/Channels/101",
            ),
            stage: "integrated",
            block_reason: None,
            password: None,
            updated_unix_s: 1_700_000_400,
        },
    ]
}

const V1_UUID: &str = "00112233445566778899aabbccddeeff";

fn build_v1_registry(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(store::upgrade::V1_SCHEMA_SQL).unwrap();
    conn.execute_batch("PRAGMA user_version = 1;").unwrap();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('registry_uuid', ?1), ('created_unix_s', '1700000000'),
         ('is_demo', '0')",
        [V1_UUID],
    )
    .unwrap();
    for (id, s) in v1_sites() {
        conn.execute(
            "INSERT INTO site (id, name_en, name_hi, owner_category, priority, priority_radius_m, contact_person,
               phone, address, ward, police_station, lat_deg, lon_deg, notes, updated_by, updated_unix_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'v1-clerk', 1700000000)",
            params![
                id,
                s.name_en,
                s.name_hi,
                s.owner_category.code(),
                s.priority.code(),
                s.priority_radius_m,
                s.contact_person,
                s.phone,
                s.address,
                s.ward,
                s.police_station,
                s.lat_deg,
                s.lon_deg,
                s.notes
            ],
        )
        .unwrap();
    }
    for c in v1_cameras() {
        let cam = &c.camera;
        let (nvr_host, nvr_channel) = match &cam.kind {
            CameraKind::Ip => (None, None),
            CameraKind::Analogue { nvr_host, channel } => (Some(nvr_host.clone()), Some(*channel)),
        };
        let none_if_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        conn.execute(
            "INSERT INTO camera (id, site_id, label, area_watched, lat_deg, lon_deg, bearing_deg, fov_deg, range_m,
               kind, nvr_host, nvr_channel, make, model, stream_url, snapshot_url, username, password_ct,
               password_key_id, stage, block_reason, updated_by, updated_unix_s)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
               ?21, 'v1-clerk', ?22)",
            params![
                c.id,
                c.site_id,
                cam.label,
                cam.area_watched.code(),
                cam.lat_deg,
                cam.lon_deg,
                cam.bearing_deg,
                cam.fov_deg,
                cam.range_m,
                cam.kind.code(),
                nvr_host,
                nvr_channel,
                cam.make,
                cam.model,
                none_if_empty(&cam.stream_url),
                none_if_empty(&cam.snapshot_url),
                cam.username,
                c.password.as_ref().map(|p| p.0.clone()),
                c.password.as_ref().map(|p| p.1),
                c.stage,
                c.block_reason,
                c.updated_unix_s
            ],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO audit (id, at_unix_s, by_user, action, entity, entity_id, before_json, after_json)
         VALUES (1, 1700000000, 'v1-clerk', 'site.add', 'site', 1, NULL, '{\"name_en\":\"Virangana Lakshmibai\"}')",
        [],
    )
    .unwrap();
}

/// Drops double quotes around plain identifiers (a table rename writes `"site"`), outside string literals and
/// comments, then collapses whitespace. Anything else stays as it is, so a real difference still shows.
fn normalise_sql(sql: &str) -> String {
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

fn schema_of(conn: &Connection) -> BTreeSet<(String, String, String, String)> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master")
        .unwrap();
    stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?
                .map(|s| normalise_sql(&s))
                .unwrap_or_default(),
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

#[test]
fn normalise_sql_only_forgives_whitespace_and_identifier_quotes() {
    assert_eq!(
        normalise_sql("CREATE TABLE \"site\" (\n  id  INTEGER -- the owner's id\n)"),
        normalise_sql("CREATE TABLE site ( id INTEGER -- the owner's id\n)")
    );
    assert_ne!(
        normalise_sql("CREATE TABLE site (id INTEGER)"),
        normalise_sql("CREATE TABLE site (id TEXT)")
    );
    assert_ne!(
        normalise_sql("CHECK (x IN ('a \"b\"'))"),
        normalise_sql("CHECK (x IN ('a b'))")
    );
}

#[test]
fn v1_registry_is_upgraded_with_rows_kept_and_privacy_fixed() {
    let desk = Desk::new();
    build_v1_registry(&desk.path);

    let store = desk.open();
    let conn = store.conn_for_tests();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    assert_eq!(store.registry_uuid(), V1_UUID);
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1, "foreign keys are back on after the upgrade");
    let leftovers: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE '%v1%' OR name = 'privacy_fix'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leftovers, 0, "no v1 tables are left behind");
    assert_eq!(
        iccc_desk::store::meta_value(conn, "created_unix_s")
            .unwrap()
            .as_deref(),
        Some("1700000000")
    );

    // Sites: every value kept, Hindi names included.
    let snap = store.load_snapshot().unwrap();
    let sites: Vec<(SiteId, Site, i64, String, i64)> = snap
        .sites
        .iter()
        .map(|r| {
            (
                r.id,
                r.site.clone(),
                r.row_version,
                r.updated_by.to_string(),
                r.updated_unix_s,
            )
        })
        .collect();
    let want: Vec<_> = v1_sites()
        .into_iter()
        .map(|(id, s)| (id, s, 1, "v1-clerk".to_string(), 1_700_000_000))
        .collect();
    assert_eq!(sites, want);

    // Cameras: every value kept; the private one rejected.
    assert_eq!(snap.cameras.len(), 4);
    for old in v1_cameras() {
        let rec = store.camera(old.id).unwrap();
        assert_eq!(rec.site_id, old.site_id, "camera {}", old.id);
        assert_eq!(rec.camera, old.camera, "camera {}", old.id);
        assert_eq!(rec.row_version, 1);
        assert_eq!(&*rec.updated_by, "v1-clerk");
        assert_eq!(rec.updated_unix_s, old.updated_unix_s);
        assert_eq!(rec.blocked_from, None);
        let ct: Option<Vec<u8>> = conn
            .query_row(
                "SELECT password_ct FROM camera WHERE id = ?1",
                [old.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(ct, old.password.as_ref().map(|p| p.0.clone()));
    }
    let stage = |id| store.camera(id).unwrap().stage;
    assert_eq!(stage(10), IntegrationStage::Integrated);
    assert_eq!(stage(11), IntegrationStage::Blocked);
    assert_eq!(
        store.camera(11).unwrap().block_reason,
        Some(BlockReason::NoUplink)
    );
    assert_eq!(stage(12), IntegrationStage::Surveyed);
    assert_eq!(stage(13), IntegrationStage::Rejected);
    assert_eq!(store.camera(13).unwrap().block_reason, None);
    // The v1 password was sealed with a key this machine does not have.
    assert_eq!(
        store.camera(10).unwrap().password,
        PasswordState::MustReenter
    );
    assert_eq!(snap.passwords_to_reenter, 1);

    // History: every camera starts surveyed; later stages carried over as one event.
    for old in v1_cameras() {
        let events = store.camera_history(old.id).unwrap();
        let first = events.first().expect("a first event");
        assert_eq!(first.from_stage, None, "camera {}", old.id);
        assert_eq!(first.to_stage, IntegrationStage::Surveyed);
        assert_eq!(first.at_unix_s, old.updated_unix_s);
        assert_eq!(first.by_user, "v1-clerk");
        let moves: Vec<_> = events
            .iter()
            .skip(1)
            .map(|e| (e.from_stage, e.to_stage, e.block_reason))
            .collect();
        let want = match old.id {
            10 => vec![(
                Some(IntegrationStage::Surveyed),
                IntegrationStage::Integrated,
                None,
            )],
            11 => vec![(
                Some(IntegrationStage::Surveyed),
                IntegrationStage::Blocked,
                Some(BlockReason::NoUplink),
            )],
            12 => vec![],
            13 => vec![(
                Some(IntegrationStage::Surveyed),
                IntegrationStage::Rejected,
                None,
            )],
            _ => unreachable!(),
        };
        assert_eq!(moves, want, "events of camera {}", old.id);
        assert_eq!(
            events.last().unwrap().to_stage,
            store.camera(old.id).unwrap().stage,
            "the camera's stage is its latest event's"
        );
    }
    let rejection = store.camera_history(13).unwrap().pop().unwrap();
    assert!(
        rejection.note.contains("private area") && rejection.note.contains("integrated"),
        "the event explains the rejection: {:?}",
        rejection.note
    );

    // Audit: the v1 entry kept as it was, plus one entry explaining the rejection.
    let audit = store.audit_entries(None, 100).unwrap();
    assert_eq!(audit.len(), 2, "{audit:#?}");
    let v1_entry = audit.iter().find(|a| a.id == 1).expect("v1 audit row");
    assert_eq!(
        (
            v1_entry.at_unix_s,
            v1_entry.by_user.as_str(),
            v1_entry.action.as_str(),
            v1_entry.entity.as_str(),
            v1_entry.entity_id,
            v1_entry.before_json.as_deref(),
            v1_entry.after_json.as_deref()
        ),
        (
            1_700_000_000,
            "v1-clerk",
            "site.add",
            "site",
            Some(1),
            None,
            Some("{\"name_en\":\"Virangana Lakshmibai\"}")
        )
    );
    let fix = store.audit_entries(Some(("camera", 13)), 10).unwrap();
    assert_eq!(fix.len(), 1, "{fix:#?}");
    assert_eq!(fix[0].action, "camera.stage");
    assert_eq!(json(&fix[0].before_json)["stage"], "integrated");
    assert_eq!(json(&fix[0].after_json)["stage"], "rejected");
    assert!(
        fix[0].after_json.as_deref().unwrap().contains("privacy"),
        "{:?}",
        fix[0].after_json
    );

    // The upgraded file enforces the v2 rules.
    let plain = desk.sql();
    let err = assert_sql_refused(
        plain.execute("UPDATE camera SET stage = 'integrated' WHERE id = 13", []),
        "private camera back to integrated",
    );
    assert!(!err.is_empty());
    let err = assert_sql_refused(plain.execute("DELETE FROM audit", []), "delete audit");
    assert!(err.contains("append-only"), "{err}");
    drop(plain);

    // Upgraded schema == fresh schema.
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    let only_upgraded: Vec<_> = upgraded.difference(&made_fresh).collect();
    let only_fresh: Vec<_> = made_fresh.difference(&upgraded).collect();
    assert!(
        only_upgraded.is_empty() && only_fresh.is_empty(),
        "schemas differ\nonly in the upgraded file: {only_upgraded:#?}\nonly in a fresh file: {only_fresh:#?}"
    );
    assert!(upgraded.len() > 10, "the schema was read: {upgraded:#?}");
}

#[test]
fn upgraded_registry_keeps_working_through_the_api() {
    let desk = Desk::new();
    build_v1_registry(&desk.path);
    let mut store = desk.open();
    // A v1 block does not know where it started: the camera goes back to the start.
    let cam = store.camera(11).unwrap();
    let cam = store
        .change_stage(
            &actor(),
            11,
            cam.row_version,
            &to(IntegrationStage::Surveyed),
        )
        .unwrap();
    assert_eq!(cam.stage, IntegrationStage::Surveyed);
    assert_eq!(cam.block_reason, None);
    assert_eq!(cam.row_version, 2);
    let cam = store
        .change_stage(&actor(), 12, 1, &to(IntegrationStage::OwnerContacted))
        .unwrap();
    assert_eq!(cam.stage, IntegrationStage::OwnerContacted);
    // New ids follow the old ones.
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    assert_eq!(site.id, 3);
    // Reopening does not upgrade again.
    drop(store);
    let store = desk.open();
    assert_eq!(store.camera_history(12).unwrap().len(), 2);
}

/// A registry as version 3 left it: the registry and the health the desk measured, no area layers yet.
fn build_v3_registry(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(store::upgrade::V3_SCHEMA_SQL).unwrap();
    conn.execute_batch("PRAGMA user_version = 3;").unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO meta (key, value) VALUES ('registry_uuid', '{V1_UUID}'), ('created_unix_s', '1760000000'),
           ('is_demo', '0');
         INSERT INTO site (id, name_en, name_hi, owner_category, contact_person, phone, address, ward,
           police_station, lat_deg, lon_deg, notes, row_version, updated_by, updated_unix_s)
         VALUES (1, 'Hotel Raj Palace', 'होटल राज पैलेस', 'hotel', 'Ramesh Yadav', '+919876543210',
           'Sipri Bazar, Jhansi', 'Ward 12 Sipri Bazar', 'Sipri Bazar', 25.4385, 78.546, '', 2, 'v3-clerk',
           1760000100);
         INSERT INTO camera (id, site_id, label, area_watched, lat_deg, lon_deg, kind, stream_url, username,
           updated_by, updated_unix_s)
         VALUES (7, 1, 'Main gate', 'gate', 25.4386, 78.5461, 'ip',
           'rtsp://127.30.0.1:554/Streaming/Channels/101', 'admin', 'v3-clerk', 1760000200);
         INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage, note)
         VALUES (7, 1760000300, 'v3-clerk', 'surveyed', 'owner_contacted', 'called the manager');
         INSERT INTO camera_health (camera_id, state, since_unix_s, last_probe_unix_s, last_online_unix_s,
           latency_ms, codec, width_px, height_px)
         VALUES (7, 'online', 1760000400, 1760000500, 1760000500, 42, 'H264', 1920, 1080);
         INSERT INTO health_run (camera_id, state, from_unix_s, to_unix_s, probes)
         VALUES (7, 'online', 1760000400, 1760000500, 3);
         INSERT INTO audit (at_unix_s, by_user, action, entity, entity_id, before_json, after_json)
         VALUES (1760000100, 'v3-clerk', 'site.add', 'site', 1, NULL, '{{\"name_en\":\"Hotel Raj Palace\"}}');"
    ))
    .unwrap();
}

#[test]
fn v3_registry_gets_the_area_layers_and_matches_a_fresh_file() {
    let desk = Desk::new();
    build_v3_registry(&desk.path);
    let rows_before = {
        let conn = desk.sql();
        let mut rows = dump_all(&conn);
        rows.push(("camera_health".into(), dump(&conn, "camera_health")));
        rows.push(("health_run".into(), dump(&conn, "health_run")));
        rows
    };

    let mut store = desk.open();
    let version: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    assert_eq!(store.registry_uuid(), V1_UUID);
    // Every row of v3 is still there, unchanged.
    let mut rows_after = dump_all(store.conn_for_tests());
    rows_after.push((
        "camera_health".into(),
        dump(store.conn_for_tests(), "camera_health"),
    ));
    rows_after.push((
        "health_run".into(),
        dump(store.conn_for_tests(), "health_run"),
    ));
    assert_eq!(rows_after, rows_before);
    assert_eq!(count(store.conn_for_tests(), "boundary"), 0);

    // Upgraded schema == fresh schema.
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    let only_upgraded: Vec<_> = upgraded.difference(&made_fresh).collect();
    let only_fresh: Vec<_> = made_fresh.difference(&upgraded).collect();
    assert!(
        only_upgraded.is_empty() && only_fresh.is_empty(),
        "schemas differ\nonly in the upgraded file: {only_upgraded:#?}\nonly in a fresh file: {only_fresh:#?}"
    );
    assert!(
        upgraded
            .iter()
            .any(|(kind, name, _, _)| kind == "table" && name == "boundary"),
        "{upgraded:#?}"
    );

    // The upgraded file takes a layer, and reopening does not upgrade again.
    let ward = iccc_desk::model::BoundaryArea {
        kind: iccc_desk::model::BoundaryKind::Ward,
        name: "Ward 12 Sipri Bazar".into(),
        code: "12".into(),
        polygons: vec![vec![vec![
            (25.43, 78.54),
            (25.43, 78.55),
            (25.44, 78.55),
            (25.44, 78.54),
            (25.43, 78.54),
        ]]],
    };
    store
        .import_boundaries(
            &actor(),
            iccc_desk::model::BoundaryKind::Ward,
            "wards.geojson",
            std::slice::from_ref(&ward),
        )
        .unwrap();
    drop(store);
    let store = desk.open();
    assert_eq!(
        store
            .boundaries(iccc_desk::model::BoundaryKind::Ward)
            .unwrap(),
        vec![ward]
    );
}

/// A registry as version 4 left it: the registry, its health and a ward layer; no follow-up notes yet.
fn build_v4_registry(path: &Path) {
    build_registry_of(path, store::upgrade::V4_SCHEMA_SQL, 4);
}

/// A registry of an older `version` made from its frozen schema, with one site, one blocked camera, its health,
/// a ward and an audit entry.
fn build_registry_of(path: &Path, schema: &str, version: i64) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(schema).unwrap();
    conn.execute_batch(&format!("PRAGMA user_version = {version};"))
        .unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO meta (key, value) VALUES ('registry_uuid', '{V1_UUID}'), ('created_unix_s', '1770000000'),
           ('is_demo', '0');
         INSERT INTO site (id, name_en, name_hi, owner_category, contact_person, phone, address, ward,
           police_station, lat_deg, lon_deg, notes, row_version, updated_by, updated_unix_s)
         VALUES (1, 'Apex Coaching Centre', 'एपेक्स कोचिंग सेंटर', 'coaching_school', 'Sunita Verma',
           '+919839012345', 'Nawabad, Jhansi', 'Ward 7 Nawabad', 'Nawabad', 25.452, 78.58, '', 1, 'v4-clerk',
           1770000100);
         INSERT INTO camera (id, site_id, label, area_watched, lat_deg, lon_deg, kind, stream_url, username,
           updated_by, updated_unix_s)
         VALUES (9, 1, 'Entrance', 'entrance', 25.4521, 78.5801, 'ip',
           'rtsp://127.31.0.1:554/Streaming/Channels/101', 'admin', 'v4-clerk', 1770000200);
         INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage, block_reason, note)
         VALUES (9, 1770000300, 'v4-clerk', 'surveyed', 'blocked', 'owner_not_reachable', 'phone switched off');
         INSERT INTO camera_health (camera_id, state, since_unix_s, last_probe_unix_s, latency_ms)
         VALUES (9, 'offline', 1770000400, 1770000500, 3000);
         INSERT INTO boundary (kind, name, code, rings_json, source_name, imported_unix_s, imported_by)
         VALUES ('ward', 'Ward 7 Nawabad', '7', '[[[[78.57,25.44],[78.59,25.44],[78.59,25.46],[78.57,25.44]]]]',
           'wards.geojson', 1770000600, 'v4-clerk');
         INSERT INTO audit (at_unix_s, by_user, action, entity, entity_id, before_json, after_json)
         VALUES (1770000100, 'v4-clerk', 'site.add', 'site', 1, NULL, '{{\"name_en\":\"Apex Coaching Centre\"}}');"
    ))
    .unwrap();
}

#[test]
fn v4_registry_gets_follow_up_notes_and_matches_a_fresh_file() {
    let desk = Desk::new();
    build_v4_registry(&desk.path);
    let extra = ["camera_health", "boundary"];
    let rows_before = {
        let conn = desk.sql();
        let mut rows = dump_all(&conn);
        rows.extend(extra.map(|t| (t.to_string(), dump(&conn, t))));
        rows
    };

    let mut store = desk.open();
    let version: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    assert_eq!(store.registry_uuid(), V1_UUID);
    // Every row of v4 is still there, unchanged; no notes yet.
    let mut rows_after = dump_all(store.conn_for_tests());
    rows_after.extend(extra.map(|t| (t.to_string(), dump(store.conn_for_tests(), t))));
    assert_eq!(rows_after, rows_before);
    assert_eq!(count(store.conn_for_tests(), "follow_up"), 0);

    // Upgraded schema == fresh schema.
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    let only_upgraded: Vec<_> = upgraded.difference(&made_fresh).collect();
    let only_fresh: Vec<_> = made_fresh.difference(&upgraded).collect();
    assert!(
        only_upgraded.is_empty() && only_fresh.is_empty(),
        "schemas differ\nonly in the upgraded file: {only_upgraded:#?}\nonly in a fresh file: {only_fresh:#?}"
    );
    for (kind, name) in [("table", "follow_up"), ("index", "follow_up_camera")] {
        assert!(
            upgraded.iter().any(|(k, n, _, _)| k == kind && n == name),
            "{kind} {name}: {upgraded:#?}"
        );
    }

    // The upgraded file takes a note about its blocked camera, and the blocked list shows it as the last note.
    // Written after the block (T0 is before the v4 file's times).
    store
        .add_follow_up(
            &actor_later(7_000_000),
            9,
            "  owner reached; consent letter promised ",
        )
        .unwrap();
    let details = iccc_desk::services::exchange::export::block_details(&store.reports()).unwrap();
    assert_eq!(details[&9].since_unix_s, 1_770_000_300);
    assert_eq!(
        details[&9].last_note,
        "owner reached; consent letter promised"
    );
    assert_eq!(details[&9].last_note_by, "test-operator");
    // Reopening does not upgrade again, and the note is kept.
    drop(store);
    let store = desk.open();
    assert_eq!(store.follow_ups(9).unwrap().len(), 1);
}

// ── 3. The privacy rule, in SQL ──────────────────────────────────────────────────────────────────

#[test]
fn sql_refuses_to_take_a_private_area_camera_forward() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let room = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Room 204",
                AreaWatched::Room,
                "rtsp://127.1.1.4:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    assert_eq!(room.stage, IntegrationStage::Surveyed);
    let gate = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.1.1.5:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    walk_to(&mut store, gate.id, IntegrationStage::Integrated);

    // The API refuses.
    let err = store
        .change_stage(
            &actor(),
            room.id,
            room.row_version,
            &to(IntegrationStage::OwnerContacted),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Stage(StageError::PrivateArea(AreaWatched::Room))
        ),
        "{err:?}"
    );

    let plain = desk.sql();
    let cameras_before = dump(&plain, "camera");
    let events_before = dump(&plain, "stage_event");
    let insert_event = |from: Option<&str>, to_stage: &str| {
        plain.execute(
            "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage) VALUES (?1, 1, 'x', ?2, ?3)",
            params![room.id, from, to_stage],
        )
    };
    assert_sql_refused(
        insert_event(Some("surveyed"), "owner_contacted"),
        "event surveyed → owner_contacted",
    );
    assert_sql_refused(
        insert_event(Some("surveyed"), "integrated"),
        "event surveyed → integrated",
    );
    // An event without a from-stage would not move the camera, but the weekly figures count events.
    assert_sql_refused(
        insert_event(None, "integrated"),
        "a from-less event to integrated",
    );
    assert_sql_refused(insert_event(None, "surveyed"), "a second first event");
    assert_sql_refused(
        plain.execute(
            "UPDATE camera SET stage = 'integrated' WHERE id = ?1",
            [room.id],
        ),
        "UPDATE camera stage",
    );
    assert_sql_refused(
        plain.execute(
            "UPDATE stage_event SET to_stage = 'integrated' WHERE camera_id = ?1",
            [room.id],
        ),
        "rewriting the private camera's history",
    );
    assert_sql_refused(
        plain.execute(
            "UPDATE camera SET area_watched = 'classroom' WHERE id = ?1",
            [gate.id],
        ),
        "integrated gate camera turned to a classroom",
    );
    assert_eq!(
        dump(&plain, "camera"),
        cameras_before,
        "camera rows unchanged"
    );
    assert_eq!(
        dump(&plain, "stage_event"),
        events_before,
        "stage events unchanged"
    );
    drop(plain);

    // The store reads the same, and the private camera may still be rejected.
    let room_now = store.camera(room.id).unwrap();
    assert_eq!(room_now, room);
    let rejected = store
        .change_stage(
            &actor(),
            room.id,
            room.row_version,
            &StageChange {
                to: IntegrationStage::Rejected,
                reason: None,
                note: "watches a guest room".into(),
            },
        )
        .unwrap();
    assert_eq!(rejected.stage, IntegrationStage::Rejected);

    // The API also refuses to turn the integrated gate camera into a private one.
    let gate_now = store.camera(gate.id).unwrap();
    let mut private = gate_now.camera.clone();
    private.area_watched = AreaWatched::Classroom;
    let err = store
        .update_camera(
            &actor(),
            gate.id,
            gate_now.row_version,
            &private,
            &PasswordEdit::Keep,
        )
        .unwrap_err();
    match err {
        StoreError::Invalid(errors) => assert_eq!(
            errors,
            vec![FieldError::new(
                Field::AreaWatched,
                Problem::PrivateAreaInUse {
                    stage: "integrated".into()
                }
            )]
        ),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(store.camera(gate.id).unwrap(), gate_now);
}

// ── 4. The audit log ─────────────────────────────────────────────────────────────────────────────

#[test]
fn every_change_writes_one_audit_entry_and_the_log_is_append_only() {
    let desk = Desk::new();
    let mut store = desk.open();
    let audit_count = |store: &Store| count(store.conn_for_tests(), "audit");
    assert_eq!(audit_count(&store), 0);

    // add_site
    let site = store.add_site(&actor_later(1), &hotel_site()).unwrap();
    assert_eq!(audit_count(&store), 1);
    let a = newest_audit(&store);
    assert_eq!(
        (
            a.by_user.as_str(),
            a.at_unix_s,
            a.action.as_str(),
            a.entity.as_str(),
            a.entity_id
        ),
        ("test-operator", T0 + 1, "site.add", "site", Some(site.id))
    );
    assert_eq!(a.before_json, None);
    assert_eq!(json(&a.after_json)["name_en"], "Hotel Raj Palace");
    assert_eq!(json(&a.after_json)["name_hi"], "होटल राज पैलेस");

    // update_site
    let mut edited = site.site.clone();
    edited.ward = "Nawabad".into();
    let site2 = store
        .update_site(&actor_later(2), site.id, site.row_version, &edited)
        .unwrap();
    assert_eq!(site2.row_version, 2);
    assert_eq!(audit_count(&store), 2);
    let a = newest_audit(&store);
    assert_eq!(
        (
            a.by_user.as_str(),
            a.at_unix_s,
            a.action.as_str(),
            a.entity.as_str(),
            a.entity_id
        ),
        ("test-operator", T0 + 2, "site.edit", "site", Some(site.id))
    );
    assert_eq!(json(&a.before_json)["ward"], "Sipri Bazar");
    assert_eq!(json(&a.after_json)["ward"], "Nawabad");

    // add_camera
    let cam = store
        .add_camera(
            &actor_later(3),
            site.id,
            &ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.1.1.5:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    assert_eq!(audit_count(&store), 3);
    let a = newest_audit(&store);
    assert_eq!(
        (
            a.by_user.as_str(),
            a.at_unix_s,
            a.action.as_str(),
            a.entity.as_str(),
            a.entity_id
        ),
        (
            "test-operator",
            T0 + 3,
            "camera.add",
            "camera",
            Some(cam.id)
        )
    );
    assert_eq!(a.before_json, None);
    assert_eq!(json(&a.after_json)["label"], "Main gate");
    assert_eq!(json(&a.after_json)["site_id"], site.id);

    // update_camera
    let mut renamed = cam.camera.clone();
    renamed.label = "Main gate (north)".into();
    let cam2 = store
        .update_camera(
            &actor_later(4),
            cam.id,
            cam.row_version,
            &renamed,
            &PasswordEdit::Keep,
        )
        .unwrap();
    assert_eq!(audit_count(&store), 4);
    let a = newest_audit(&store);
    assert_eq!(
        (
            a.by_user.as_str(),
            a.at_unix_s,
            a.action.as_str(),
            a.entity.as_str(),
            a.entity_id
        ),
        (
            "test-operator",
            T0 + 4,
            "camera.edit",
            "camera",
            Some(cam.id)
        )
    );
    assert_eq!(json(&a.before_json)["label"], "Main gate");
    assert_eq!(json(&a.after_json)["label"], "Main gate (north)");

    // change_stage
    store
        .change_stage(
            &actor_later(5),
            cam.id,
            cam2.row_version,
            &to(IntegrationStage::OwnerContacted),
        )
        .unwrap();
    assert_eq!(audit_count(&store), 5);
    let a = newest_audit(&store);
    assert_eq!(
        (
            a.by_user.as_str(),
            a.at_unix_s,
            a.action.as_str(),
            a.entity.as_str(),
            a.entity_id
        ),
        (
            "test-operator",
            T0 + 5,
            "camera.stage",
            "camera",
            Some(cam.id)
        )
    );
    assert_eq!(json(&a.before_json)["stage"], "surveyed");
    assert_eq!(json(&a.after_json)["stage"], "owner_contacted");

    // A refused change writes nothing.
    let mut nameless = hotel_site();
    nameless.name_en = "  ".into();
    assert!(matches!(
        store.add_site(&actor(), &nameless),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(audit_count(&store), 5);

    // The log per entity.
    assert_eq!(
        store
            .audit_entries(Some(("camera", cam.id)), 10)
            .unwrap()
            .iter()
            .map(|a| a.action.as_str())
            .collect::<Vec<_>>(),
        vec!["camera.stage", "camera.edit", "camera.add"]
    );

    // Plain SQL cannot rewrite or remove it.
    let plain = desk.sql();
    let before = dump(&plain, "audit");
    let err = assert_sql_refused(
        plain.execute("UPDATE audit SET by_user = 'someone-else'", []),
        "UPDATE audit",
    );
    assert!(err.contains("append-only"), "{err}");
    let err = assert_sql_refused(plain.execute("DELETE FROM audit", []), "DELETE audit");
    assert!(err.contains("append-only"), "{err}");
    let err = assert_sql_refused(
        plain.execute(
            "INSERT OR REPLACE INTO audit (id, at_unix_s, by_user, action, entity) VALUES (1, 1, 'x', 'x', 'x')",
            [],
        ),
        "REPLACE over an audit entry",
    );
    assert!(err.contains("append-only"), "{err}");
    assert_eq!(dump(&plain, "audit"), before);
}

// ── 5. Stage events ──────────────────────────────────────────────────────────────────────────────

#[test]
fn stage_walk_block_and_unblock_are_recorded_as_events() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let cam = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.1.1.5:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    use IntegrationStage as S;
    let steps: Vec<(StageChange, S)> = vec![
        (to(S::OwnerContacted), S::Surveyed),
        (to(S::ConsentGiven), S::OwnerContacted),
        (to(S::Configured), S::ConsentGiven),
        (to(S::Integrated), S::Configured),
        (
            StageChange {
                to: S::Blocked,
                reason: Some(BlockReason::Bandwidth),
                note: "uplink saturated at peak hours".into(),
            },
            S::Integrated,
        ),
        (to(S::Integrated), S::Blocked),
    ];
    let mut version = cam.row_version;
    for (i, (change, from)) in steps.iter().enumerate() {
        let rec = store
            .change_stage(&actor_later(10 * (i as i64 + 1)), cam.id, version, change)
            .unwrap();
        assert_eq!(rec.stage, change.to);
        assert_eq!(rec.row_version, version + 1);
        assert_eq!(rec.updated_unix_s, T0 + 10 * (i as i64 + 1));
        if change.to == S::Blocked {
            assert_eq!(rec.block_reason, Some(BlockReason::Bandwidth));
            assert_eq!(rec.blocked_from, Some(*from));
        } else {
            assert_eq!(rec.block_reason, None);
            assert_eq!(rec.blocked_from, None);
        }
        version = rec.row_version;
    }

    let events = store.camera_history(cam.id).unwrap();
    let got: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.camera_id,
                e.from_stage,
                e.to_stage,
                e.by_user.as_str(),
                e.at_unix_s,
                e.block_reason,
                e.note.as_str(),
            )
        })
        .collect();
    let mut want = vec![(cam.id, None, S::Surveyed, "test-operator", T0, None, "")];
    for (i, (change, from)) in steps.iter().enumerate() {
        want.push((
            cam.id,
            Some(*from),
            change.to,
            "test-operator",
            T0 + 10 * (i as i64 + 1),
            change.reason,
            change.note.as_str(),
        ));
    }
    assert_eq!(got, want);
    let plain = desk.sql();
    assert_eq!(count(&plain, "stage_event"), 7);

    // An illegal jump is refused and writes nothing.
    let other = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Parking",
                AreaWatched::Parking,
                "rtsp://127.1.1.6:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    let audit_before = count(&plain, "audit");
    let events_before = dump(&plain, "stage_event");
    let cameras_before = dump(&plain, "camera");
    let err = store
        .change_stage(&actor(), other.id, other.row_version, &to(S::Integrated))
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Stage(StageError::NotAllowed {
                from: S::Surveyed,
                to: S::Integrated
            })
        ),
        "{err:?}"
    );
    // Blocking without a reason too.
    let err = store
        .change_stage(&actor(), other.id, other.row_version, &to(S::Blocked))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Stage(StageError::ReasonNeeded)),
        "{err:?}"
    );
    assert_eq!(count(&plain, "audit"), audit_before);
    assert_eq!(dump(&plain, "stage_event"), events_before);
    assert_eq!(dump(&plain, "camera"), cameras_before);
    assert_eq!(store.camera(other.id).unwrap(), other);
}

// ── 6. Camera passwords ──────────────────────────────────────────────────────────────────────────

#[test]
fn a_sealed_password_copied_onto_another_camera_does_not_open_and_old_ones_are_rebound() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let add = |store: &mut Store, label: &str, url: &str, password: &str| {
        store
            .add_camera(
                &actor(),
                site.id,
                &ip_camera(label, AreaWatched::Gate, url),
                &PasswordEdit::Set(password.into()),
            )
            .unwrap()
    };
    let a = add(
        &mut store,
        "Main gate",
        "rtsp://127.1.1.5:554/1",
        "A-pass-111",
    );
    let b = add(
        &mut store,
        "Back gate",
        "rtsp://127.1.1.6:554/1",
        "B-pass-222",
    );
    // Someone with the file copies camera A's ciphertext onto camera B (whose host they control).
    desk.sql()
        .execute(
            "UPDATE camera SET password_ct = (SELECT password_ct FROM camera WHERE id = ?1) WHERE id = ?2",
            params![a.id, b.id],
        )
        .unwrap();
    assert!(
        !matches!(store.camera_password(b.id), Ok(Some(_))),
        "camera B opened camera A's password"
    );
    assert_eq!(
        store.camera_password(a.id).unwrap().as_deref(),
        Some("A-pass-111")
    );

    // A registry records that its passwords are all sealed bound (a new one from the start): a value sealed
    // before binding (format 1) could come from any camera's row, so it opens for none, and no save or open
    // seals it to the camera that holds it.
    let key_dir = &desk.options.key_dir;
    let (secrets, _) = SecretBox::load_or_create(key_dir, store.registry_uuid()).unwrap();
    let legacy = secrets.seal_unbound_for_test("Legacy-pass-333");
    desk.sql()
        .execute(
            "UPDATE camera SET password_ct = ?1 WHERE id = ?2",
            params![legacy, b.id],
        )
        .unwrap();
    assert!(
        !matches!(store.camera_password(b.id), Ok(Some(_))),
        "an unbound value opened after the registry's re-seal"
    );
    let b = store.camera(b.id).unwrap();
    let mut renamed = b.camera.clone();
    renamed.label = "Back gate (east)".into();
    store
        .update_camera(&actor(), b.id, b.row_version, &renamed, &PasswordEdit::Keep)
        .unwrap();
    drop(store);
    let store = desk.open();
    let stored: Vec<u8> = desk
        .sql()
        .query_row(
            "SELECT password_ct FROM camera WHERE id = ?1",
            [b.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, legacy, "not re-sealed to the camera holding it");
    assert!(!matches!(store.camera_password(b.id), Ok(Some(_))));
    assert_eq!(
        store.camera_password(a.id).unwrap().as_deref(),
        Some("A-pass-111")
    );
}

/// Makes the file look like one from before the one-time re-seal of passwords (no mark in the registry), as an
/// upgraded file is: the mark's guard is dropped, the mark removed, and the guard put back.
fn forget_passwords_bound(desk: &Desk) {
    let conn = desk.sql();
    let guard: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'meta_marks_kept'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute_batch(
        "DROP TRIGGER meta_marks_kept; DELETE FROM meta WHERE key = 'passwords_bound';",
    )
    .unwrap();
    conn.execute_batch(&guard).unwrap();
}

#[test]
fn passwords_sealed_before_binding_are_resealed_bound_when_the_registry_opens() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let camera = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera("Main gate", AreaWatched::Gate, "rtsp://127.1.1.5:554/1"),
            &PasswordEdit::Set("New-pass-1".into()),
        )
        .unwrap();
    let (secrets, _) =
        SecretBox::load_or_create(&desk.options.key_dir, store.registry_uuid()).unwrap();
    let legacy = secrets.seal_unbound_for_test("Legacy-pass-333");
    drop(store);
    forget_passwords_bound(&desk);
    desk.sql()
        .execute(
            "UPDATE camera SET password_ct = ?1 WHERE id = ?2",
            params![legacy, camera.id],
        )
        .unwrap();
    // Commands that only look (an import's dry run, showing the area) write nothing, the re-seal included.
    let before = std::fs::read(&desk.path).unwrap();
    for _ in 0..2 {
        let store = Store::open_to_look(&desk.path, &desk.options).unwrap();
        assert_eq!(
            store.camera_password(camera.id).unwrap().as_deref(),
            Some("Legacy-pass-333")
        );
    }
    assert_same_bytes(&desk.path, &before);
    let store = desk.open();
    let stored: Vec<u8> = desk
        .sql()
        .query_row(
            "SELECT password_ct FROM camera WHERE id = ?1",
            [camera.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(SecretBox::is_bound(&stored), "re-sealed on open");
    assert_eq!(
        store.camera_password(camera.id).unwrap().as_deref(),
        Some("Legacy-pass-333")
    );
    let resealed = |store: &Store| {
        store
            .audit_entries(None, 100)
            .unwrap()
            .iter()
            .filter(|e| {
                e.action == "registry.passwords_rebound"
                    && e.after_json.as_deref().is_some_and(|j| {
                        j.contains("camera passwords re-sealed bound to their cameras")
                    })
            })
            .count()
    };
    assert_eq!(resealed(&store), 1);
    // Nothing is left to do on the next open: no second entry.
    drop(store);
    let store = desk.open();
    assert_eq!(resealed(&store), 1);
    // The registry records that the re-seal ran: an unbound value put there afterwards opens for no camera.
    desk.sql()
        .execute(
            "UPDATE camera SET password_ct = ?1 WHERE id = ?2",
            params![secrets.seal_unbound_for_test("Other-pass-444"), camera.id],
        )
        .unwrap();
    drop(store);
    let store = desk.open();
    assert!(!matches!(store.camera_password(camera.id), Ok(Some(_))));
    assert_eq!(resealed(&store), 1);
}

#[test]
fn camera_password_never_reaches_the_registry_file_in_clear() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let cam = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.1.1.5:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Set(PASSWORD.into()),
        )
        .unwrap();
    assert_eq!(cam.password, PasswordState::Stored);
    assert_eq!(
        store.camera_password(cam.id).unwrap().as_deref(),
        Some(PASSWORD)
    );
    // An edit that keeps the password keeps it.
    let mut renamed = cam.camera.clone();
    renamed.label = "Main gate (north)".into();
    let cam = store
        .update_camera(
            &actor(),
            cam.id,
            cam.row_version,
            &renamed,
            &PasswordEdit::Keep,
        )
        .unwrap();
    assert_eq!(cam.password, PasswordState::Stored);
    assert_eq!(
        store.camera_password(cam.id).unwrap().as_deref(),
        Some(PASSWORD)
    );

    let key_path = SecretBox::key_path(&desk.options.key_dir, store.registry_uuid());
    let key_text = std::fs::read_to_string(&key_path).expect("key file in the key dir");
    let key_hex = key_text.lines().nth(2).expect("key line").to_string();
    assert_eq!(key_hex.len(), 64);
    let key_bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    assert_ne!(
        key_path.parent(),
        desk.path.parent(),
        "the key is kept away from the registry file"
    );

    let secrets: [(&str, &[u8]); 4] = [
        ("password", PASSWORD.as_bytes()),
        ("password (UTF-16)", &utf16le(PASSWORD)),
        ("key (hex)", key_hex.as_bytes()),
        ("key (raw)", &key_bytes),
    ];
    let check_files = |when: &str| {
        let mut looked_at = 0;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let path = sibling(&desk.path, suffix);
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            looked_at += bytes.len();
            for (what, secret) in &secrets {
                assert!(
                    !contains(&bytes, secret),
                    "{when}: the {what} appears in {}",
                    path.display()
                );
            }
        }
        looked_at
    };
    // Positive control: the scan does see what the file holds in clear.
    let label_in_files = || {
        ["", "-wal"].iter().any(|suffix| {
            std::fs::read(sibling(&desk.path, suffix))
                .is_ok_and(|bytes| contains(&bytes, "Main gate (north)".as_bytes()))
        })
    };
    assert!(
        label_in_files(),
        "the camera's label is in the files before a checkpoint"
    );
    let wal_before = std::fs::metadata(desk.wal_path())
        .map(|m| m.len())
        .unwrap_or(0);
    assert!(
        wal_before > 0,
        "the changes are still in the WAL before a checkpoint"
    );
    assert!(check_files("before checkpoint") > 0);
    let (busy, _, _): (i64, i64, i64) = store
        .conn_for_tests()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(busy, 0, "checkpoint completed");
    assert_eq!(
        std::fs::metadata(desk.wal_path()).unwrap().len(),
        0,
        "WAL truncated"
    );
    check_files("after checkpoint");
    assert!(
        label_in_files(),
        "the camera's label is in the file after a checkpoint"
    );
    // The ciphertext is there, with the id of its key.
    let (ct, key_id): (Vec<u8>, String) = store
        .conn_for_tests()
        .query_row(
            "SELECT password_ct, password_key_id FROM camera WHERE id = ?1",
            [cam.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(ct.len() > 12 + PASSWORD.len());
    assert_eq!(key_id, key_text.lines().nth(1).unwrap());

    // The audit log says a password was set, never which.
    for entry in store.audit_entries(None, 100).unwrap() {
        for text in [&entry.before_json, &entry.after_json]
            .into_iter()
            .flatten()
        {
            assert!(!text.contains(PASSWORD), "audit {}: {text}", entry.id);
        }
    }
    let add = store
        .audit_entries(Some(("camera", cam.id)), 10)
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(add.action, "camera.add");
    assert_eq!(json(&add.after_json)["password"], "set");

    // After closing, the file alone still holds no password.
    drop(store);
    assert!(!desk.wal_path().exists(), "closing removes the WAL");
    check_files("after close");
    let store = desk.open();
    assert_eq!(store.key_status(), KeyStatus::Found);
    assert_eq!(
        store.camera_password(cam.id).unwrap().as_deref(),
        Some(PASSWORD)
    );
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

// ── 7. A lost password key ───────────────────────────────────────────────────────────────────────

#[test]
fn lost_key_asks_only_for_the_passwords_again() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let with_pw = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.1.1.5:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Set(PASSWORD.into()),
        )
        .unwrap();
    let without_pw = store
        .add_camera(
            &actor(),
            site.id,
            &analogue_camera("Lobby", "127.168.1.20", 2),
            &PasswordEdit::Keep,
        )
        .unwrap();
    walk_to(&mut store, with_pw.id, IntegrationStage::ConsentGiven);
    let uuid = store.registry_uuid().to_string();
    let snap_before = store.load_snapshot().unwrap();
    drop(store);
    let rows_before = dump_all(&desk.sql());

    let key_path = SecretBox::key_path(&desk.options.key_dir, &uuid);
    let old_key = std::fs::read_to_string(&key_path).unwrap();
    std::fs::remove_file(&key_path).unwrap();

    let mut store = desk.open();
    assert_eq!(store.key_status(), KeyStatus::Created);
    assert!(key_path.exists(), "a new key file is made");
    assert_ne!(std::fs::read_to_string(&key_path).unwrap(), old_key);

    let snap = store.load_snapshot().unwrap();
    assert_eq!(snap.passwords_to_reenter, 1);
    let cam = store.camera(with_pw.id).unwrap();
    assert_eq!(cam.password, PasswordState::MustReenter);
    assert_eq!(store.camera_password(with_pw.id).unwrap(), None);
    assert_eq!(
        store.camera(without_pw.id).unwrap().password,
        PasswordState::None
    );
    // Nothing else changed: the records differ only in the password state …
    assert_eq!(snap.sites, snap_before.sites);
    assert_eq!(snap.cameras.len(), snap_before.cameras.len());
    for (now, then) in snap.cameras.iter().zip(&snap_before.cameras) {
        let mut then = then.clone();
        if then.id == with_pw.id {
            assert_eq!(then.password, PasswordState::Stored);
            then.password = PasswordState::MustReenter;
        }
        assert_eq!(now, &then);
    }
    // … and every row of the file is as it was.
    assert_eq!(dump_all(store.conn_for_tests()), rows_before);

    // Typing the password again stores it under the new key.
    let new_password = "N3w-Pa55word-ABC";
    let cam = store
        .update_camera(
            &actor(),
            cam.id,
            cam.row_version,
            &cam.camera.clone(),
            &PasswordEdit::Set(new_password.into()),
        )
        .unwrap();
    assert_eq!(cam.password, PasswordState::Stored);
    assert_eq!(
        store.camera_password(cam.id).unwrap().as_deref(),
        Some(new_password)
    );
    assert_eq!(store.load_snapshot().unwrap().passwords_to_reenter, 0);
    let audit = newest_audit(&store);
    assert_eq!(audit.action, "camera.edit");
    assert!(!audit.after_json.as_deref().unwrap().contains(new_password));
}

// ── 8. Two desks, one row ────────────────────────────────────────────────────────────────────────

fn desk_b() -> Actor {
    Actor {
        user: "desk-b".into(),
        now_unix_s: T0 + 60,
    }
}

fn assert_conflict(err: StoreError, entity: &str, id: i64) {
    match err {
        StoreError::Conflict {
            entity: e,
            id: i,
            by_user,
            at_unix_s,
        } => {
            assert_eq!((e, i), (entity, id));
            assert_eq!(by_user, "desk-b");
            assert_eq!(at_unix_s, T0 + 60);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn two_desks_editing_one_row_get_a_conflict_not_a_lost_update() {
    let desk = Desk::new();
    let mut a = desk.open();
    let mut b = desk.open();
    assert_eq!(b.key_status(), KeyStatus::Found, "both desks share the key");

    // Site.
    let site = a.add_site(&actor(), &hotel_site()).unwrap();
    let a_view = a.site(site.id).unwrap();
    assert_eq!(a_view.row_version, 1);
    let mut b_edit = b.site(site.id).unwrap().site;
    b_edit.contact_person = "Suresh Kumar".into();
    let b_saved = b.update_site(&desk_b(), site.id, 1, &b_edit).unwrap();
    assert_eq!(b_saved.row_version, 2);
    let audit_before = count(a.conn_for_tests(), "audit");
    let mut a_edit = a_view.site.clone();
    a_edit.contact_person = "Mahesh Verma".into();
    let err = a.update_site(&actor(), site.id, 1, &a_edit).unwrap_err();
    assert_conflict(err, "site", site.id);
    let row = a.site(site.id).unwrap();
    assert_eq!(row.site.contact_person, "Suresh Kumar");
    assert_eq!((row.row_version, &*row.updated_by), (2, "desk-b"));
    assert_eq!(count(a.conn_for_tests(), "audit"), audit_before);

    // Camera edit.
    let cam = a
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.1.1.5:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    let a_cam = a.camera(cam.id).unwrap();
    let mut b_cam = b.camera(cam.id).unwrap().camera;
    b_cam.bearing_deg = Some(180.0);
    b.update_camera(&desk_b(), cam.id, 1, &b_cam, &PasswordEdit::Keep)
        .unwrap();
    let audit_before = count(a.conn_for_tests(), "audit");
    let mut a_cam_edit = a_cam.camera.clone();
    a_cam_edit.bearing_deg = Some(45.0);
    let err = a
        .update_camera(
            &actor(),
            cam.id,
            a_cam.row_version,
            &a_cam_edit,
            &PasswordEdit::Set(PASSWORD.into()),
        )
        .unwrap_err();
    assert_conflict(err, "camera", cam.id);
    let row = a.camera(cam.id).unwrap();
    assert_eq!(row.camera.bearing_deg, Some(180.0));
    assert_eq!(
        row.password,
        PasswordState::None,
        "A's password was not saved"
    );
    assert_eq!((row.row_version, &*row.updated_by), (2, "desk-b"));
    assert_eq!(count(a.conn_for_tests(), "audit"), audit_before);

    // Stage change.
    let a_cam = a.camera(cam.id).unwrap();
    b.change_stage(&desk_b(), cam.id, 2, &to(IntegrationStage::OwnerContacted))
        .unwrap();
    let audit_before = count(a.conn_for_tests(), "audit");
    let events_before = count(a.conn_for_tests(), "stage_event");
    let err = a
        .change_stage(
            &actor(),
            cam.id,
            a_cam.row_version,
            &StageChange {
                to: IntegrationStage::Blocked,
                reason: Some(BlockReason::OwnerNotReachable),
                note: String::new(),
            },
        )
        .unwrap_err();
    assert_conflict(err, "camera", cam.id);
    let row = a.camera(cam.id).unwrap();
    assert_eq!(row.stage, IntegrationStage::OwnerContacted);
    assert_eq!(row.block_reason, None);
    assert_eq!((row.row_version, &*row.updated_by), (3, "desk-b"));
    assert_eq!(count(a.conn_for_tests(), "audit"), audit_before);
    assert_eq!(count(a.conn_for_tests(), "stage_event"), events_before);
    let last = a.camera_history(cam.id).unwrap().pop().unwrap();
    assert_eq!(
        (last.by_user.as_str(), last.to_stage),
        ("desk-b", IntegrationStage::OwnerContacted)
    );

    // With the fresh version, A's change goes through.
    a.change_stage(&actor(), cam.id, 3, &to(IntegrationStage::ConsentGiven))
        .unwrap();
    assert_eq!(
        b.camera(cam.id).unwrap().stage,
        IntegrationStage::ConsentGiven
    );
}

// ── 9. A busy registry ───────────────────────────────────────────────────────────────────────────

#[test]
fn a_registry_locked_by_another_program_reports_busy_and_writes_nothing() {
    let desk = Desk::new();
    let mut store = desk.open();
    let locker = desk.sql();
    locker.execute_batch("BEGIN IMMEDIATE").unwrap();

    let started = Instant::now();
    let err = store.add_site(&actor(), &hotel_site()).unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    assert!(
        waited >= store::BUSY_TIMEOUT - Duration::from_millis(200),
        "gave up after {waited:?}, before the busy timeout"
    );
    assert!(waited < Duration::from_secs(30), "waited {waited:?}");

    locker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(count(&locker, "site"), 0);
    assert_eq!(count(&locker, "audit"), 0);
    // Once the lock is gone, the same change goes through.
    store.add_site(&actor(), &hotel_site()).unwrap();
    assert_eq!(count(&locker, "site"), 1);
    assert_eq!(count(&locker, "audit"), 1);
}

// ── 10. Duplicate cameras ────────────────────────────────────────────────────────────────────────

#[test]
fn duplicate_stream_url_or_nvr_channel_is_refused_naming_the_other_camera() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let url = "rtsp://127.1.1.5:554/Streaming/Channels/101";
    let first = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera("Main gate", AreaWatched::Gate, url),
            &PasswordEdit::Keep,
        )
        .unwrap();
    let lobby = store
        .add_camera(
            &actor(),
            site.id,
            &analogue_camera("Lobby", "NVR-Raj.local", 4),
            &PasswordEdit::Keep,
        )
        .unwrap();
    let plain = desk.sql();
    let cameras_before = count(&plain, "camera");
    let audit_before = count(&plain, "audit");

    let only_problem = |err: StoreError| -> FieldError {
        match err {
            StoreError::Invalid(mut errors) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                errors.remove(0)
            }
            other => panic!("expected Invalid, got {other:?}"),
        }
    };

    // Same stream URL (with stray spaces) on a new camera.
    let err = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera("Gate copy", AreaWatched::Gate, &format!("  {url} ")),
            &PasswordEdit::Keep,
        )
        .unwrap_err();
    let e = only_problem(err);
    assert_eq!(e.field, Field::StreamUrl);
    match &e.problem {
        Problem::DuplicateStreamUrl { camera } => {
            assert!(camera.contains("Main gate"), "{camera}");
            assert!(camera.contains(&first.id.to_string()), "{camera}");
        }
        other => panic!("expected DuplicateStreamUrl, got {other:?}"),
    }

    // Same NVR (other letter case) and channel.
    let err = store
        .add_camera(
            &actor(),
            site.id,
            &analogue_camera("Lobby 2", "nvr-raj.LOCAL", 4),
            &PasswordEdit::Keep,
        )
        .unwrap_err();
    let e = only_problem(err);
    assert_eq!(e.field, Field::NvrChannel);
    match &e.problem {
        Problem::DuplicateNvrChannel { camera } => {
            assert!(camera.contains("Lobby"), "{camera}");
            assert!(camera.contains(&lobby.id.to_string()), "{camera}");
        }
        other => panic!("expected DuplicateNvrChannel, got {other:?}"),
    }
    assert_eq!(count(&plain, "camera"), cameras_before);
    assert_eq!(count(&plain, "audit"), audit_before);

    // An edit that takes another camera's URL is refused too; saving a camera unchanged is not a duplicate.
    let second = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Parking",
                AreaWatched::Parking,
                "rtsp://127.1.1.6:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    let mut stolen = second.camera.clone();
    stolen.stream_url = url.into();
    let err = store
        .update_camera(
            &actor(),
            second.id,
            second.row_version,
            &stolen,
            &PasswordEdit::Keep,
        )
        .unwrap_err();
    assert!(matches!(
        only_problem(err).problem,
        Problem::DuplicateStreamUrl { .. }
    ));
    store
        .update_camera(
            &actor(),
            first.id,
            first.row_version,
            &first.camera,
            &PasswordEdit::Keep,
        )
        .unwrap();
    // Another channel on the same NVR is a different camera.
    store
        .add_camera(
            &actor(),
            site.id,
            &analogue_camera("Corridor", "nvr-raj.local", 5),
            &PasswordEdit::Keep,
        )
        .unwrap();
    // The unique indexes hold even when the form's check is skipped.
    assert_sql_refused(
        plain.execute(
            "UPDATE camera SET stream_url = ?1 WHERE id = ?2",
            params![url, second.id],
        ),
        "duplicate stream URL through SQL",
    );
}

// ── 11. Files that are not (or not yet) a registry for this build ────────────────────────────────

/// Opens `path` as a registry expecting a refusal, and checks the file was not touched.
fn refuse_unchanged(path: &Path, key_dir: &Path) -> StoreError {
    let before = std::fs::read(path).unwrap();
    let options = OpenOptions {
        key_dir: key_dir.to_path_buf(),
    };
    let started = Instant::now();
    let err = Store::open(path, &options).expect_err("the file must be refused");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refusing took {:?}",
        started.elapsed()
    );
    assert_same_bytes(path, &before);
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = sibling(path, suffix);
        assert!(!side.exists(), "{} was created", side.display());
    }
    assert!(
        !key_dir.exists() || std::fs::read_dir(key_dir).unwrap().next().is_none(),
        "no key was made for a refused file"
    );
    err
}

fn assert_not_a_registry(err: StoreError) {
    assert!(
        matches!(err, StoreError::NotARegistry { .. }),
        "expected NotARegistry, got {err:?}"
    );
}

#[test]
fn a_text_file_is_not_a_registry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cameras.sqlite");
    std::fs::write(
        &path,
        "label,stream_url\nMain gate,rtsp://127.1.1.5:554/Streaming/Channels/101\n",
    )
    .unwrap();
    assert_not_a_registry(refuse_unchanged(&path, &dir.path().join("keys")));
    // Shorter than the SQLite header, too.
    std::fs::write(&path, "hello").unwrap();
    assert_not_a_registry(refuse_unchanged(&path, &dir.path().join("keys")));
}

#[test]
fn a_corrupt_sqlite_file_is_not_a_registry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corrupt.mbtiles");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/mbtiles/node-mbtiles_corrupt.mbtiles"
        ),
        &path,
    )
    .unwrap();
    // The shared copy is read-only; the test copy must be writable so only the content is at stake.
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    assert_not_a_registry(refuse_unchanged(&path, &dir.path().join("keys")));
}

#[test]
fn someone_elses_sqlite_database_is_not_a_registry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiles.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
             CREATE TABLE metadata (name TEXT, value TEXT);
             INSERT INTO metadata VALUES ('name', 'Jhansi basemap');
             INSERT INTO tiles VALUES (12, 2941, 2371, x'89504e47');",
        )
        .unwrap();
    }
    assert_not_a_registry(refuse_unchanged(&path, &dir.path().join("keys")));

    // Another program's database that happens to carry a schema version this build knows.
    for version in [1, store::SCHEMA_VERSION] {
        let path = dir.path().join(format!("app-v{version}.sqlite"));
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&format!(
                "CREATE TABLE settings (key TEXT, value TEXT);
                 INSERT INTO settings VALUES ('theme', 'dark');
                 PRAGMA user_version = {version};"
            ))
            .unwrap();
        }
        assert_not_a_registry(refuse_unchanged(&path, &dir.path().join("keys")));
    }
}

/// Makes a file immutable with `chattr +i` for as long as it lives (root ignores permission bits).
struct Immutable(PathBuf);

impl Immutable {
    fn set(path: &Path) -> Option<Self> {
        let ok = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(path.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_read_only_registry_is_refused_unchanged() {
    use std::os::unix::fs::PermissionsExt as _;
    let desk = Desk::new();
    {
        let mut store = desk.open();
        store.add_site(&actor(), &hotel_site()).unwrap();
    }
    assert!(!desk.wal_path().exists());
    std::fs::set_permissions(&desk.path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let writable = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&desk.path)
            .is_ok()
    };
    let mut _guard = None;
    if writable() {
        // Running as root: permission bits do not stop writes.
        _guard = Immutable::set(&desk.path);
        if _guard.is_none() || writable() {
            eprintln!(
                "skipping the read-only assertion: the file stays writable for this user (root without chattr)"
            );
            return;
        }
    }
    let before = std::fs::read(&desk.path).unwrap();
    let err = desk.try_open().expect_err("a read-only file is refused");
    assert!(
        matches!(err, StoreError::ReadOnly { .. }),
        "expected ReadOnly, got {err:?}"
    );
    assert_same_bytes(&desk.path, &before);
    assert!(!desk.wal_path().exists());
}

#[test]
fn a_registry_from_a_newer_build_is_refused_unchanged() {
    // A file in rollback-journal mode.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(store::upgrade::V1_SCHEMA_SQL).unwrap();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    let err = refuse_unchanged(&path, &dir.path().join("keys"));
    match err {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!((found, supported), (99, store::SCHEMA_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }

    // A registry the desk wrote (WAL mode), later bumped by a newer build.
    let desk = Desk::new();
    {
        let mut store = desk.open();
        store.add_site(&actor(), &hotel_site()).unwrap();
    }
    {
        let conn = desk.sql();
        conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    assert!(!desk.wal_path().exists());
    let keys_before: Vec<_> = std::fs::read_dir(&desk.options.key_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let before = std::fs::read(&desk.path).unwrap();
    let err = desk.try_open().expect_err("newer file refused");
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
    assert_same_bytes(&desk.path, &before);
    assert!(!desk.wal_path().exists(), "no -wal file was created");
    let keys_after: Vec<_> = std::fs::read_dir(&desk.options.key_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(keys_after, keys_before);
}

#[test]
fn v5_registry_gets_import_tables_and_matches_a_fresh_file() {
    let desk = Desk::new();
    build_registry_of(&desk.path, store::upgrade::V5_SCHEMA_SQL, 5);
    let extra = ["camera_health", "boundary", "follow_up"];
    let rows_before = {
        let conn = desk.sql();
        let mut rows = dump_all(&conn);
        rows.extend(extra.map(|t| (t.to_string(), dump(&conn, t))));
        rows
    };
    let mut store = desk.open();
    let version: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    let mut rows_after = dump_all(store.conn_for_tests());
    rows_after.extend(extra.map(|t| (t.to_string(), dump(store.conn_for_tests(), t))));
    assert_eq!(rows_after, rows_before);
    assert_eq!(count(store.conn_for_tests(), "camera_source"), 0);
    assert_eq!(count(store.conn_for_tests(), "import_profile"), 0);
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    assert_eq!(
        upgraded, made_fresh,
        "an upgraded v5 file has the schema of a fresh one"
    );
    for (kind, name) in [
        ("table", "camera_source"),
        ("index", "camera_source_ref"),
        ("table", "import_profile"),
    ] {
        assert!(
            upgraded.iter().any(|(k, n, _, _)| k == kind && n == name),
            "{kind} {name}"
        );
    }
    // The upgraded file keeps a saved mapping.
    let headers = vec!["x".to_string(), "y".to_string()];
    let settings = iccc_desk::model::import::ImportSettings {
        mapping: vec![
            Some(iccc_desk::model::import::ImportField::Longitude),
            Some(iccc_desk::model::import::ImportField::Latitude),
        ],
        ..iccc_desk::model::import::ImportSettings::guessed(&headers)
    };
    let profile =
        iccc_desk::model::import::ImportProfile::from_settings("Police list", &headers, &settings);
    store.save_import_profile(&actor(), &profile).unwrap();
    assert_eq!(store.import_profile("police LIST").unwrap(), Some(profile));
}

// ── Stage history is append-only (schema version 7) ──────────────────────────────────────────────

/// A hotel with an integrated gate camera and a surveyed lobby camera, and a plain connection to the file.
fn registry_with_history(desk: &Desk) -> (Store, CameraId, CameraId) {
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let gate = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Main gate",
                AreaWatched::Gate,
                "rtsp://127.1.1.5:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    walk_to(&mut store, gate.id, IntegrationStage::Integrated);
    let lobby = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Lobby",
                AreaWatched::Lobby,
                "rtsp://127.1.1.6:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    store
        .change_stage(
            &actor_later(100),
            lobby.id,
            lobby.row_version,
            &to(IntegrationStage::OwnerContacted),
        )
        .unwrap();
    (store, gate.id, lobby.id)
}

#[test]
fn stage_history_cannot_be_erased_replaced_skipped_or_back_dated_with_raw_sql() {
    let desk = Desk::new();
    let (store, gate, lobby) = registry_with_history(&desk);
    drop(store);
    for foreign_keys in [true, false] {
        let plain = desk.sql();
        plain
            .pragma_update(None, "foreign_keys", foreign_keys)
            .unwrap();
        let before = dump_all(&plain);
        let last_event: i64 = plain
            .query_row("SELECT max(id) FROM stage_event", [], |r| r.get(0))
            .unwrap();
        let what = |w: &str| format!("{w} (foreign_keys {foreign_keys})");
        assert_sql_refused(
            plain.execute("DELETE FROM stage_event WHERE camera_id = ?1", [gate]),
            &what("DELETE of a camera's history"),
        );
        assert_sql_refused(
            plain.execute(
                "INSERT OR REPLACE INTO stage_event (id, camera_id, at_unix_s, by_user, from_stage, to_stage)
                 VALUES (?1, ?2, ?3, 'x', 'owner_contacted', 'consent_given')",
                params![last_event, lobby, T0 + 200],
            ),
            &what("INSERT OR REPLACE over the last event"),
        );
        assert_sql_refused(
            plain.execute(
                "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
                 VALUES (?1, ?2, 'x', 'owner_contacted', 'integrated')",
                params![lobby, T0 + 200],
            ),
            &what("a skipped move owner_contacted → integrated"),
        );
        assert_sql_refused(
            plain.execute(
                "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
                 VALUES (?1, ?2, 'x', 'owner_contacted', 'consent_given')",
                params![lobby, T0 + 50],
            ),
            &what("a legal move dated before the camera's last event"),
        );
        assert_sql_refused(
            plain.execute(
                "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
                 VALUES (?1, ?2, 'x', 'owner_contacted', 'rejected')",
                params![lobby, T0 + 200],
            ),
            &what("a common-area camera rejected"),
        );
        assert_sql_refused(
            plain.execute("DELETE FROM camera WHERE id = ?1", [gate]),
            &what("DELETE of a camera with history"),
        );
        assert_sql_refused(
            plain.execute(
                "INSERT OR REPLACE INTO camera (id, site_id, label, area_watched, lat_deg, lon_deg, kind,
                   updated_by, updated_unix_s)
                 SELECT id, site_id, 'Replaced', area_watched, lat_deg, lon_deg, kind, 'x', ?2
                 FROM camera WHERE id = ?1",
                params![gate, T0 + 300],
            ),
            &what("INSERT OR REPLACE over a camera"),
        );
        assert_sql_refused(
            plain.execute(
                "INSERT OR REPLACE INTO camera (site_id, label, area_watched, lat_deg, lon_deg, kind, stream_url,
                   updated_by, updated_unix_s)
                 SELECT site_id, 'Same stream', 'gate', lat_deg, lon_deg, kind, stream_url, 'x', ?2
                 FROM camera WHERE id = ?1",
                params![gate, T0 + 300],
            ),
            &what("INSERT OR REPLACE of another camera on the same stream URL"),
        );
        assert_eq!(dump_all(&plain), before, "{}", what("nothing changed"));
        // The legal next move, dated after the last one, still goes in.
        if !foreign_keys {
            plain
                .execute(
                    "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
                     VALUES (?1, ?2, 'x', 'owner_contacted', 'consent_given')",
                    params![lobby, T0 + 200],
                )
                .unwrap();
        }
    }
    // A desk whose clock is behind the camera's last move dates its move at that move, keeping history in order.
    let mut store = desk.open();
    let cam = store.camera(lobby).unwrap();
    store
        .change_stage(
            &actor_later(150),
            lobby,
            cam.row_version,
            &to(IntegrationStage::Configured),
        )
        .unwrap();
    let last = store.camera_history(lobby).unwrap().pop().unwrap();
    assert_eq!(
        (last.to_stage, last.at_unix_s),
        (IntegrationStage::Configured, T0 + 200)
    );
}

fn tampered(desk: &Desk, sql: &str) -> StoreError {
    let _ = registry_with_history(desk);
    let plain = desk.sql();
    plain.execute_batch(sql).unwrap();
    drop(plain);
    let before = std::fs::read(&desk.path).unwrap();
    let err = desk.try_open().expect_err(sql);
    assert_same_bytes(&desk.path, &before);
    err
}

#[test]
fn a_file_whose_guards_were_dropped_is_refused_unchanged() {
    for (sql, named) in [
        ("DROP TRIGGER stage_event_no_update;", "stage_event_no_update"),
        ("DROP TRIGGER audit_no_delete;", "audit_no_delete"),
        (
            "DROP TRIGGER stage_event_moves_camera; CREATE TRIGGER stage_event_moves_camera AFTER INSERT ON stage_event
             BEGIN SELECT 1; END;",
            "stage_event_moves_camera",
        ),
        (
            "CREATE TRIGGER wipe AFTER INSERT ON audit BEGIN DELETE FROM follow_up; END;",
            "wipe",
        ),
        (
            // The privacy CHECK edited out of the table's text, as a schema editor would.
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = replace(sql, 'CONSTRAINT private_area_never_integrated CHECK (', 'CONSTRAINT private_area_never_integrated CHECK (1 OR ')
               WHERE name = 'camera';
             PRAGMA writable_schema = RESET;",
            "camera",
        ),
        (
            "PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON;
             ALTER TABLE audit RENAME TO audit_old;
             CREATE TABLE audit (id INTEGER PRIMARY KEY, at_unix_s INTEGER NOT NULL, by_user TEXT NOT NULL,
               action TEXT NOT NULL, entity TEXT NOT NULL, entity_id INTEGER, before_json TEXT, after_json TEXT);
             INSERT INTO audit SELECT * FROM audit_old;",
            "audit",
        ),
    ] {
        let desk = Desk::new();
        let err = tampered(&desk, sql);
        let text = err.to_string();
        assert!(
            matches!(err, StoreError::GuardsChanged { .. }),
            "{sql}: {err:?}"
        );
        assert!(text.contains(named), "{sql}: {text}");
        assert!(
            text.contains(&desk.path.display().to_string()),
            "{text}"
        );
        assert!(!text.contains('\n'), "{text}");
    }
}

#[test]
fn a_private_camera_made_integrated_with_checks_off_is_refused_and_never_counted() {
    let desk = Desk::new();
    let (store, gate, _lobby) = registry_with_history(&desk);
    let snapshot = store.load_snapshot().unwrap();
    let honest_sites = iccc_desk::services::exchange::export::sites_table(
        &snapshot,
        &iccc_desk::i18n::I18n::new(iccc_desk::i18n::Lang::En),
    );
    drop(store);
    let now = T0 + 1_000;
    let week = iccc_desk::services::review::weekly::IsoWeek::containing(now);
    let honest = {
        let conn = desk.sql();
        (
            iccc_desk::services::review::weekly::compute(&ReportReader::on(&conn), now).unwrap(),
            iccc_desk::services::review::weekly::weekly(&ReportReader::on(&conn), week).unwrap(),
        )
    };
    assert_eq!(honest.0.integrated_total, 1);
    assert_eq!(honest.1.integrated_total, 1);
    {
        let plain = desk.sql();
        plain
            .execute_batch("PRAGMA ignore_check_constraints = ON;")
            .unwrap();
        plain
            .execute(
                "UPDATE camera SET area_watched = 'room', label = 'Room 101' WHERE id = ?1",
                [gate],
            )
            .unwrap();
    }
    let found: String = desk
        .sql()
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .unwrap();
    assert!(found.contains("CHECK"), "{found}");
    // The desk refuses to write to it (SQLite's check finds the broken CHECK).
    let before = std::fs::read(&desk.path).unwrap();
    let err = desk.try_open().unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert!(err.to_string().contains("CHECK"), "{err}");
    assert_same_bytes(&desk.path, &before);
    // The desk's way: the registry opens, and the check on its own thread refuses before any write.
    let (later, check) = Store::open_checking_later(&desk.path, &desk.options).unwrap();
    let err = check.wait().unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    drop(later);
    assert_same_bytes(&desk.path, &before);
    // Every figure applies the privacy rule itself.
    let conn = desk.sql();
    let stats =
        iccc_desk::services::review::weekly::compute(&ReportReader::on(&conn), now).unwrap();
    assert_eq!(stats.integrated_total, 0, "stats: {stats:?}");
    assert_eq!(stats.by_stage["integrated"], 0);
    assert_eq!(stats.by_category["hotel"].integrated, 0);
    assert_eq!(stats.integrated_last_7_days, 0);
    let weekly =
        iccc_desk::services::review::weekly::weekly(&ReportReader::on(&conn), week).unwrap();
    assert_eq!(weekly.integrated_total, 0, "weekly: {weekly:?}");
    assert_eq!(weekly.integrated_this_week, 0);
    let snapshot = store::read_snapshot(&conn, None).unwrap();
    let sites = iccc_desk::services::exchange::export::sites_table(
        &snapshot,
        &iccc_desk::i18n::I18n::new(iccc_desk::i18n::Lang::En),
    );
    assert_ne!(
        sites, honest_sites,
        "the sites export's integrated count drops"
    );
    let gate_record = snapshot.cameras.iter().find(|c| c.id == gate).unwrap();
    assert!(!gate_record.is_integrated());
    // Every list counts it the same way: the cameras export shows it surveyed, never integrated.
    let english = iccc_desk::i18n::I18n::new(iccc_desk::i18n::Lang::En);
    let cameras = iccc_desk::services::exchange::export::cameras_table(&snapshot, None, &english);
    let stage_column = cameras
        .columns
        .iter()
        .position(|c| c.key == "stage")
        .unwrap();
    let gate_row = cameras
        .rows
        .iter()
        .find(|r| r[0] == iccc_desk::services::exchange::export::Cell::Integer(gate))
        .unwrap();
    assert_eq!(
        gate_row[stage_column],
        iccc_desk::services::exchange::export::Cell::Text(
            english.tr(&IntegrationStage::Surveyed.i18n_key())
        ),
        "the cameras export"
    );
    let index =
        iccc_desk::services::registry_index::RegistryIndex::new(std::sync::Arc::new(snapshot));
    assert!(
        index
            .wall_rows(
                &iccc_desk::services::registry_index::Filters::default(),
                iccc_desk::services::registry_index::WallOrder::default()
            )
            .is_empty(),
        "the private camera is not on the wall"
    );
}

// ── 7. v6 → v7 ───────────────────────────────────────────────────────────────────────────────────

#[test]
fn v6_registry_gets_append_only_history_and_matches_a_fresh_file() {
    let desk = Desk::new();
    build_registry_of(&desk.path, store::upgrade::V6_SCHEMA_SQL, 6);
    {
        let conn = desk.sql();
        conn.execute_batch(
            "INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (9, 1770000700, 'v6-clerk', 'called');
             INSERT INTO camera_source (camera_id, source_ref) VALUES (9, 'police-list/17');",
        )
        .unwrap();
    }
    let extra = ["camera_health", "boundary", "follow_up", "camera_source"];
    let rows_before = {
        let conn = desk.sql();
        let mut rows = dump_all(&conn);
        rows.extend(extra.map(|t| (t.to_string(), dump(&conn, t))));
        rows
    };
    let mut store = desk.open();
    let version: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    let mut rows_after = dump_all(store.conn_for_tests());
    rows_after.extend(extra.map(|t| (t.to_string(), dump(store.conn_for_tests(), t))));
    assert_eq!(rows_after, rows_before, "every v6 row is kept unchanged");
    let integrity: String = store
        .conn_for_tests()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    let only_upgraded: Vec<_> = upgraded.difference(&made_fresh).collect();
    let only_fresh: Vec<_> = made_fresh.difference(&upgraded).collect();
    assert!(
        only_upgraded.is_empty() && only_fresh.is_empty(),
        "schemas differ\nonly in the upgraded file: {only_upgraded:#?}\nonly in a fresh file: {only_fresh:#?}"
    );
    // The upgraded file keeps its history: no delete, and the area "not yet known" is taken.
    assert_sql_refused(
        store
            .conn_for_tests()
            .execute("DELETE FROM stage_event", []),
        "delete history after the upgrade",
    );
    let site = store.site(1).unwrap();
    let mut unknown = ip_camera(
        "Imported 3",
        AreaWatched::NotYetKnown,
        "rtsp://127.31.0.3:554/Streaming/Channels/101",
    );
    unknown.lat_deg = site.site.lat_deg;
    unknown.lon_deg = site.site.lon_deg;
    let cam = store
        .add_camera(&actor_later(7_000_000), 1, &unknown, &PasswordEdit::Keep)
        .unwrap();
    assert_eq!(cam.camera.area_watched, AreaWatched::NotYetKnown);
    // Reopening does not upgrade again.
    drop(store);
    let store = desk.open();
    assert_eq!(
        store.camera(cam.id).unwrap().camera.area_watched,
        AreaWatched::NotYetKnown
    );
}

// ── 8. v7 → v8 ───────────────────────────────────────────────────────────────────────────────────

#[test]
fn v7_registry_gets_the_review_cache_and_matches_a_fresh_file() {
    let desk = Desk::new();
    build_registry_of(&desk.path, store::upgrade::V7_SCHEMA_SQL, 7);
    {
        let conn = desk.sql();
        conn.execute_batch(
            "INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (9, 1770000700, 'v7-clerk', 'called');
             INSERT INTO camera_source (camera_id, source_ref) VALUES (9, 'police-list/17');",
        )
        .unwrap();
    }
    let extra = ["camera_health", "boundary", "follow_up", "camera_source"];
    let rows_before = {
        let conn = desk.sql();
        let mut rows = dump_all(&conn);
        rows.extend(extra.map(|t| (t.to_string(), dump(&conn, t))));
        rows
    };
    let store = desk.open();
    let version: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store::SCHEMA_VERSION);
    let mut rows_after = dump_all(store.conn_for_tests());
    rows_after.extend(extra.map(|t| (t.to_string(), dump(store.conn_for_tests(), t))));
    assert_eq!(rows_after, rows_before, "every v7 row is kept unchanged");
    let integrity: String = store
        .conn_for_tests()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    let only_upgraded: Vec<_> = upgraded.difference(&made_fresh).collect();
    let only_fresh: Vec<_> = made_fresh.difference(&upgraded).collect();
    assert!(
        only_upgraded.is_empty() && only_fresh.is_empty(),
        "schemas differ\nonly in the upgraded file: {only_upgraded:#?}\nonly in a fresh file: {only_fresh:#?}"
    );
    // The new table takes the review's figures, and the registry's mark reads the v7 rows (the camera's
    // 'surveyed' event, then its block).
    let mark = store::registry_mark(store.conn_for_tests()).unwrap();
    assert_eq!(
        (mark.cameras, mark.sites, mark.stage_event_max_id),
        (1, 1, 2)
    );
    let cached = store::CachedReview {
        figures_json: "{}".into(),
        computed_unix_s: 1_770_000_800,
        mark,
    };
    store::write_review_cache(store.conn_for_tests(), "2026-W05", 12, &cached).unwrap();
    assert_eq!(
        store::read_review_cache(store.conn_for_tests(), "2026-W05", 12).unwrap(),
        Some(cached)
    );
    drop(store);
    let store = desk.open();
    assert!(
        store::read_review_cache(store.conn_for_tests(), "2026-W05", 12)
            .unwrap()
            .is_some()
    );
}

// ── 9. v8 → v9 ───────────────────────────────────────────────────────────────────────────────────

/// A v8 file gets the guards against edits with foreign keys off and the history's seal; every row is kept, the
/// schema equals a fresh file's, the first open seals the history and records that the passwords are bound.
#[test]
fn v8_registry_gets_the_guards_and_the_seal_and_matches_a_fresh_file() {
    let desk = Desk::new();
    build_registry_of(&desk.path, store::upgrade::V8_SCHEMA_SQL, 8);
    {
        let conn = desk.sql();
        conn.execute_batch(
            "INSERT INTO follow_up (camera_id, at_unix_s, by_user, note) VALUES (9, 1770000700, 'v8-clerk', 'called');
             INSERT INTO camera_source (camera_id, source_ref) VALUES (9, 'police-list/17');",
        )
        .unwrap();
    }
    let extra = [
        "camera_health",
        "boundary",
        "follow_up",
        "camera_source",
        "review_cache",
    ];
    let rows_before = {
        let conn = desk.sql();
        let mut rows = dump_all(&conn);
        rows.extend(extra.map(|t| (t.to_string(), dump(&conn, t))));
        rows
    };
    let store = desk.open();
    let version: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((version, store::SCHEMA_VERSION), (10, 10));
    let mut rows_after = dump_all(store.conn_for_tests());
    rows_after.extend(extra.map(|t| (t.to_string(), dump(store.conn_for_tests(), t))));
    assert_eq!(rows_after, rows_before, "every v8 row is kept unchanged");
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    let only_upgraded: Vec<_> = upgraded.difference(&made_fresh).collect();
    let only_fresh: Vec<_> = made_fresh.difference(&upgraded).collect();
    assert!(
        only_upgraded.is_empty() && only_fresh.is_empty(),
        "schemas differ\nonly in the upgraded file: {only_upgraded:#?}\nonly in a fresh file: {only_fresh:#?}"
    );
    // The first open sealed the two stage events and the audit entries, and recorded the passwords' binding.
    assert_eq!(
        count(store.conn_for_tests(), "history_seal"),
        2 + count(store.conn_for_tests(), "audit")
    );
    for key in ["passwords_bound", "history_seal_key_id"] {
        assert!(
            store::meta_value(store.conn_for_tests(), key)
                .unwrap()
                .is_some(),
            "{key}"
        );
    }
    drop(store);
    let report = Store::verify_history_of(&desk.path, &desk.options.key_dir).unwrap();
    assert!(
        report.broken.is_none() && report.cannot_check.is_none(),
        "{report:?}"
    );
    assert_eq!(report.rows_not_yet_sealed, 0, "{report:?}");
}

/// Version 10 adds the days each site's recorder keeps footage: a v9 file keeps every row, its sites read 30
/// days, a site can be given another number, and the file then equals a fresh one.
#[test]
fn v9_registry_gets_the_recorder_retention_and_matches_a_fresh_file() {
    let desk = Desk::new();
    build_registry_of(&desk.path, store::upgrade::V9_SCHEMA_SQL, 9);
    let extra = ["camera_health", "boundary"];
    let rows_before = {
        let conn = desk.sql();
        let mut rows = dump_all(&conn);
        rows.extend(extra.map(|t| (t.to_string(), dump(&conn, t))));
        rows
    };
    let mut store = desk.open();
    let version: i64 = store
        .conn_for_tests()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((version, store::SCHEMA_VERSION), (10, 10));
    // Every v9 row is kept (the dump leaves the new column out); the old site reads 30 days.
    let mut rows_after = dump_all(store.conn_for_tests());
    rows_after.extend(extra.map(|t| (t.to_string(), dump(store.conn_for_tests(), t))));
    assert_eq!(rows_after, rows_before, "every v9 row is kept unchanged");
    let days: i64 = store
        .conn_for_tests()
        .query_row(
            "SELECT recorder_retention_days FROM site WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(days, 30, "an old site reads 30 days");
    let fresh = Desk::new();
    let fresh_store = fresh.open();
    let upgraded = schema_of(store.conn_for_tests());
    let made_fresh = schema_of(fresh_store.conn_for_tests());
    let only_upgraded: Vec<_> = upgraded.difference(&made_fresh).collect();
    let only_fresh: Vec<_> = made_fresh.difference(&upgraded).collect();
    assert!(
        only_upgraded.is_empty() && only_fresh.is_empty(),
        "schemas differ\nonly in the upgraded file: {only_upgraded:#?}\nonly in a fresh file: {only_fresh:#?}"
    );
    // The upgraded site takes another retention, and out-of-range ones are refused by the form's rules.
    let record = store.site(1).unwrap();
    assert_eq!(record.site.recorder_retention_days, 30);
    let mut site = record.site.clone();
    site.recorder_retention_days = 7;
    let saved = store
        .update_site(&actor(), 1, record.row_version, &site)
        .unwrap();
    assert_eq!(store.site(1).unwrap().site.recorder_retention_days, 7);
    site.recorder_retention_days = 0;
    let err = store
        .update_site(&actor(), 1, saved.row_version, &site)
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    // And the SQL itself refuses a retention outside 1–3650 days.
    assert_sql_refused(
        store.conn_for_tests().execute(
            "UPDATE site SET recorder_retention_days = 0 WHERE id = 1",
            [],
        ),
        "retention 0",
    );
}

#[test]
fn a_camera_whose_area_is_not_yet_known_is_never_configured_or_integrated() {
    let desk = Desk::new();
    let mut store = desk.open();
    let site = store.add_site(&actor(), &hotel_site()).unwrap();
    let cam = store
        .add_camera(
            &actor(),
            site.id,
            &ip_camera(
                "Imported 1",
                AreaWatched::NotYetKnown,
                "rtsp://127.1.1.7:554/Streaming/Channels/101",
            ),
            &PasswordEdit::Keep,
        )
        .unwrap();
    walk_to(&mut store, cam.id, IntegrationStage::ConsentGiven);
    let now = store.camera(cam.id).unwrap();
    let err = store
        .change_stage(
            &actor(),
            cam.id,
            now.row_version,
            &to(IntegrationStage::Configured),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Stage(StageError::AreaNotKnown(IntegrationStage::Configured))
        ),
        "{err:?}"
    );
    // Raw SQL is refused too: the move, and the CHECK.
    let plain = desk.sql();
    assert_sql_refused(
        plain.execute(
            "INSERT INTO stage_event (camera_id, at_unix_s, by_user, from_stage, to_stage)
             VALUES (?1, ?2, 'x', 'consent_given', 'configured')",
            params![cam.id, T0 + 10],
        ),
        "configuring a camera whose area is not yet known",
    );
    drop(plain);
    // Once a person sets the area, it goes on.
    let mut known = now.camera.clone();
    known.area_watched = AreaWatched::Entrance;
    let edited = store
        .update_camera(
            &actor(),
            cam.id,
            now.row_version,
            &known,
            &PasswordEdit::Keep,
        )
        .unwrap();
    store
        .change_stage(
            &actor(),
            cam.id,
            edited.row_version,
            &to(IntegrationStage::Configured),
        )
        .unwrap();
    // And an integrated camera cannot be turned back to "not yet known".
    walk_to(&mut store, cam.id, IntegrationStage::Integrated);
    let now = store.camera(cam.id).unwrap();
    let mut unknown = now.camera.clone();
    unknown.area_watched = AreaWatched::NotYetKnown;
    assert!(matches!(
        store.update_camera(
            &actor(),
            cam.id,
            now.row_version,
            &unknown,
            &PasswordEdit::Keep
        ),
        Err(StoreError::Invalid(_))
    ));
}
