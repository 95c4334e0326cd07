//! The registry file: SQLite schema, migrations, queries and the audit log.
//!
//! Every change runs in one transaction together with its audit entry. Edits carry the row version they started
//! from, so a save over a row another desk changed meanwhile is refused instead of overwriting it.

mod boundary;
mod bulk;
mod check_stamp;
mod engine;
mod error_keys;
mod export_order;
mod follow_up;
mod health;
mod history_seal;
mod import;
mod integrity;
pub mod pg;
pub use import::{import_revision, source_refs};
mod records;
mod registry;
mod reports;
mod review_cache;
mod secret;
pub mod upgrade;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension as _, Transaction, params};

use crate::model::{FieldErrors, StageError};

pub use boundary::{BoundaryLayer, read_boundaries};
pub use bulk::{BulkCounts, BulkStageEvent, BulkWriter};
pub use engine::RegistryLocation;
pub use export_order::SiteCameraCounts;
pub use health::{
    HEALTH_HISTORY_S, HealthBrief, HealthRecord, HealthRun, Observation, TargetPages,
    health_briefs, health_runs_until, uptime_pct,
};
pub use history_seal::{BrokenRow, VerifyReport};
pub use records::{
    AuditEntry, CameraRecord, FollowUpRecord, PasswordEdit, RegistrySnapshot, SiteRecord,
    StageEventRecord,
};
pub use registry::{read_audit, read_snapshot};
pub use reports::{BlockedRow, NoteRow, ReportReader, StageCount, WeekEvents};
pub use review_cache::{
    CachedReview, RegistryMark, ReviewCacheWriter, ReviewMove, for_each_health_run_between,
    for_each_review_move, open_review_cache_writer, read_review_cache, registry_mark,
    write_review_cache,
};
pub use secret::{KeyStatus, SecretBox, SecretError, random_hex};

/// The schema version this build writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 10;
/// The current schema, as a fresh registry gets it: the registry, since version 3 the health it measured, since
/// version 4 the ward and police-station areas of the site map, since version 5 the follow-up notes, and since
/// version 6 the source ids of imported cameras and the saved import mappings; version 7 makes the stage history
/// append-only and adds the area "not yet known"; version 8 adds the weekly review's cache; version 9 guards ids,
/// sites and history against edits with foreign keys off, and adds the history's seal; version 10 the days each
/// site's recorder keeps footage.
pub const SCHEMA_SQL: &str = concat!(
    include_str!("schema.sql"),
    include_str!("health_schema.sql"),
    include_str!("boundary_schema.sql"),
    include_str!("follow_up_schema.sql"),
    include_str!("import_schema.sql"),
    include_str!("review_cache_schema.sql"),
    include_str!("history_guard_schema.sql")
);
/// The tables version 3 added.
pub const HEALTH_SCHEMA_SQL: &str = include_str!("health_schema.sql");
/// The table version 4 added.
pub const BOUNDARY_SCHEMA_SQL: &str = include_str!("boundary_schema.sql");
/// The table version 5 added.
pub const FOLLOW_UP_SCHEMA_SQL: &str = include_str!("follow_up_schema.sql");
/// The tables version 6 added.
pub const IMPORT_SCHEMA_SQL: &str = include_str!("import_schema.sql");
/// The table version 8 added.
pub const REVIEW_CACHE_SCHEMA_SQL: &str = include_str!("review_cache_schema.sql");
/// The guards and the seal's table version 9 added.
pub const HISTORY_GUARD_SCHEMA_SQL: &str = include_str!("history_guard_schema.sql");
/// How long a write waits for another desk's transaction before saying the registry is busy.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(3);

/// Who makes a change, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: String,
    pub now_unix_s: i64,
}

impl Actor {
    /// The OS user at the current time (the desk has no roles of its own yet).
    pub fn os_user_now() -> Self {
        Self::os_user_at(now_unix_s())
    }

    /// The operating-system user, acting at `now_unix_s` (the desk's clock).
    pub fn os_user_at(now_unix_s: i64) -> Self {
        // The account database first (env vars can be missing or forged in a service), then the environment.
        let user = whoami::username()
            .ok()
            .or_else(|| {
                ["USER", "LOGNAME", "USERNAME"]
                    .iter()
                    .find_map(|v| std::env::var(v).ok())
            })
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_string());
        Self { user, now_unix_s }
    }
}

/// Seconds since the Unix epoch, by the computer's clock (code that a test drives takes a
/// [`crate::model::Clock`] instead).
pub fn now_unix_s() -> i64 {
    crate::model::Clock::system().now_unix_s()
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not an iccc-desk registry (not a readable SQLite database): {detail}")]
    NotARegistry { path: PathBuf, detail: String },
    #[error(
        "{path} was written by a newer iccc-desk (schema version {found}; this build knows up to {supported}); it was not changed"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path} is read-only: the desk needs to write to the registry (check the file's permissions)"
    )]
    ReadOnly { path: PathBuf },
    #[error("cannot open {path}: {detail}")]
    CannotOpen { path: PathBuf, detail: String },
    #[error(
        "the registry is busy: another desk kept it locked for more than {} s; try again",
        BUSY_TIMEOUT.as_secs()
    )]
    Busy,
    #[error(
        "{entity} {id} was changed by {by_user} at {} IST after you opened it; your edit was not saved",
        crate::model::ist_datetime(*at_unix_s)
    )]
    Conflict {
        entity: &'static str,
        id: i64,
        by_user: String,
        at_unix_s: i64,
    },
    #[error("{entity} {id} does not exist (it may have been removed by another desk)")]
    NotFound { entity: &'static str, id: i64 },
    #[error("{} field problem(s): {}", .0.len(), describe_fields(.0))]
    Invalid(FieldErrors),
    #[error("stage change refused: {0}")]
    Stage(#[from] StageError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("registry database error: {0}")]
    Sql(rusqlite::Error),
    #[error("the registry's data is damaged: {detail}")]
    Corrupt { detail: String },
    #[error("service area refused: {detail}")]
    BadServiceArea { detail: String },
    #[error(
        "{path} is damaged (SQLite's integrity check: {detail}); nothing was written to it: restore it from a backup"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "{path}: the registry's safeguards were changed outside the desk ({detail}); nothing was written to it: restore it from a backup"
    )]
    GuardsChanged { path: PathBuf, detail: String },
    #[error(
        "{path}: the registry's history was changed outside the desk ({detail}); nothing was written to it: restore it from a backup"
    )]
    HistoryChanged { path: PathBuf, detail: String },
    #[error(
        "{path}: no such registry file (nothing was created); give an existing registry, or make one with the desk or `iccc-desk demo`"
    )]
    Missing { path: PathBuf },
}

fn describe_fields(errors: &FieldErrors) -> String {
    let english = crate::i18n::I18n::new(crate::i18n::Lang::En);
    errors
        .iter()
        .map(|e| english.field_error_with_name(e))
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            _ => Self::Sql(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// SQLite's integrity check of a registry, running on a thread of its own ([`Store::open_checking_later`]).
#[derive(Debug)]
pub struct PendingCheck {
    handle: Option<std::thread::JoinHandle<Result<()>>>,
}

impl PendingCheck {
    /// True once the answer is in ([`Self::wait`] then returns at once).
    pub fn is_done(&self) -> bool {
        self.handle.as_ref().is_none_or(|h| h.is_finished())
    }

    /// Waits for the answer: `Ok` when the file may be written to.
    pub fn wait(self) -> Result<()> {
        match self.handle {
            None => Ok(()),
            Some(h) => h.join().unwrap_or_else(|_| {
                Err(StoreError::Corrupt {
                    detail: "the integrity check stopped before it finished".into(),
                })
            }),
        }
    }
}

/// Where the password keys live, and how to open the file.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub key_dir: PathBuf,
}

/// An open registry file.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    registry_uuid: String,
    secrets: SecretBox,
    key_status: KeyStatus,
    /// Where the stamps of checked files live (the password keys' private folder).
    key_dir: PathBuf,
    /// How this open made sure of the file.
    check: OpenCheck,
    /// Set when this session began on a checked file: it may restamp the file on a clean close.
    clean_session: Option<CleanSession>,
}

/// How an open made sure of an existing file before anything wrote to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenCheck {
    /// A file made here (or an empty one made a registry): nothing to check.
    New,
    /// SQLite's `quick_check`, `foreign_key_check` and the seal's check ran on this open and passed.
    Full,
    /// They run on a thread of their own ([`Store::open_checking_later`]); nothing is written before they pass.
    Background,
    /// The file is exactly as it was when they last passed (or as a checked session of the desk left it on a
    /// clean close), so they were skipped (`store/check_stamp.rs`); the safeguards were compared as always.
    Unchanged,
}

/// A session that began on a checked file (see `store/check_stamp.rs`).
#[derive(Debug, Clone, Copy)]
struct CleanSession {
    /// `PRAGMA data_version` at the start: it moves when another connection commits.
    data_version: i64,
    /// When the file last passed the full check.
    checked_unix_s: i64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("registry_uuid", &self.registry_uuid)
            .finish_non_exhaustive()
    }
}

/// Whether an open may write to a current file (the one-time re-seal of passwords) or only looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenMode {
    Write,
    Look,
}

/// Meta key written once every password of the registry is sealed bound to its camera (store/secret.rs).
const PASSWORDS_BOUND_KEY: &str = "passwords_bound";

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Refuses, without opening it for writing, a file that is not a SQLite database.
fn check_header(path: &Path) -> Result<()> {
    use std::io::Read as _;
    // A named pipe would block the open below for ever, a device never end: only a plain file is looked at.
    if std::fs::metadata(path).is_ok_and(|meta| !meta.is_file()) {
        return Err(StoreError::NotARegistry {
            path: path.to_path_buf(),
            detail: "it is not a plain file (a folder, a device, a named pipe or a socket)".into(),
        });
    }
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let n = file.read(&mut header).map_err(|e| StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    // An empty file is a new, empty registry.
    if n == 0 {
        return Ok(());
    }
    if n < 16 || &header != SQLITE_MAGIC {
        return Err(StoreError::NotARegistry {
            path: path.to_path_buf(),
            detail: "the file does not start with the SQLite header".into(),
        });
    }
    Ok(())
}

/// An existing file of 0 bytes is not a registry for a command that only uses one (a mistyped `--db`, a file
/// `touch` made): it is refused unchanged, and no key is made for it.
fn refuse_empty(path: &Path) -> Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == 0 => Err(StoreError::NotARegistry {
            path: path.to_path_buf(),
            detail: "the file is empty (0 bytes); nothing was written to it".into(),
        }),
        _ => Ok(()),
    }
}

fn is_read_only(path: &Path) -> bool {
    std::fs::OpenOptions::new().write(true).open(path).is_err()
}

fn not_a_registry(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly {
            path: path.to_path_buf(),
        },
        _ => StoreError::NotARegistry {
            path: path.to_path_buf(),
            detail: e.to_string(),
        },
    }
}

/// A read-only look at an existing file that leaves no trace: a plain read-only connection to a WAL-mode file
/// would create `-wal` and `-shm` files beside it, even when the file is then refused.
fn probe_connection(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let side_file = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name).exists()
    };
    // With a -wal or a hot journal beside it, the file alone is not the whole database: read it like any reader.
    let uri_path = path
        .to_str()
        .filter(|_| !side_file("-wal") && !side_file("-journal"));
    let Some(uri_path) = uri_path else {
        return Connection::open_with_flags(path, flags);
    };
    // Otherwise the file is all there is, and `immutable` reads it without locks or side files.
    let escaped = uri_path
        .replace('%', "%25")
        .replace('?', "%3F")
        .replace('#', "%23");
    let prefix = if escaped.starts_with('/') {
        "file://"
    } else {
        "file:"
    };
    Connection::open_with_flags(
        format!("{prefix}{escaped}?immutable=1"),
        flags | OpenFlags::SQLITE_OPEN_URI,
    )
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// Checks, before anything is written or counted, that no row of history or registry was orphaned with foreign
/// keys off, and that the history the desk sealed is as it was sealed (with the registry's key, when it is in
/// `key_dir`; without it the seal cannot be checked, which is said and not refused).
fn check_history(conn: &Connection, path: &Path, key_dir: Option<&Path>) -> Result<()> {
    let changed = |detail| StoreError::HistoryChanged {
        path: path.to_path_buf(),
        detail,
    };
    integrity::check_links(conn).map_err(changed)?;
    let key = key_dir.and_then(|dir| {
        let uuid = meta_value(conn, "registry_uuid").ok().flatten()?;
        SecretBox::find_seal_key(dir, &uuid)
    });
    let state = history_seal::check_on_open(conn, key.as_ref())
        .map_err(|e| changed(e.to_string()))?
        .map_err(changed)?;
    if let (Some(_), history_seal::SealState::CannotCheck { sealed_with }) = (key_dir, &state) {
        tracing::warn!(
            "{}: the history was sealed with key {sealed_with}, which is not in the key folder; the seal cannot be checked",
            path.display()
        );
    }
    Ok(())
}

/// The checks of an existing file on the connection that may write, before anything writes (the journal mode
/// included): a damaged file, or one whose guards were dropped or edited outside the desk, is refused unchanged.
/// On this connection, not the read-only look: SQLite skips CHECK constraints on a read-only file, and a private
/// camera made integrated with the CHECKs switched off is found only by a connection that could write. A file
/// exactly as `stamped` skips the full check; with `check_now` false it is left to a thread. The answer says which,
/// and when the file last passed the full check.
fn check_existing(
    conn: &Connection,
    path: &Path,
    options: &OpenOptions,
    check_now: bool,
    stamped: Option<(i64, check_stamp::FileIdentity)>,
) -> Result<(OpenCheck, i64)> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // An upgrade writes: the file is checked before it whatever the caller asked, and whatever its stamp.
    let upgrade = version < SCHEMA_VERSION;
    // Still the very file stamped, now that this connection's data version runs.
    let unchanged = stamped.filter(|(_, stamp)| {
        !upgrade && check_stamp::FileIdentity::of(path).as_ref() == Some(stamp)
    });
    let check = match unchanged {
        Some(_) => OpenCheck::Unchanged,
        None if check_now || upgrade => OpenCheck::Full,
        None => OpenCheck::Background,
    };
    let before = check_stamp::FileIdentity::of(path);
    let started = std::time::Instant::now();
    if check == OpenCheck::Full {
        integrity::quick_check(conn).map_err(|detail| StoreError::Damaged {
            path: path.to_path_buf(),
            detail,
        })?;
    }
    integrity::check_guards(conn, version).map_err(|detail| StoreError::GuardsChanged {
        path: path.to_path_buf(),
        detail,
    })?;
    // An empty file (which `demo` and the desk's first open make a registry of) has no history yet.
    if check == OpenCheck::Full && version > 0 {
        check_history(conn, path, Some(&options.key_dir))?;
    }
    let checked_unix_s = match (check, unchanged) {
        (OpenCheck::Unchanged, Some((at, _))) => {
            tracing::info!(
                "{}: unchanged since its full check at {at} (unix s); the check was skipped",
                path.display()
            );
            at
        }
        _ => now_unix_s(),
    };
    if check == OpenCheck::Full {
        tracing::info!(
            "{}: full check on open passed in {} ms",
            path.display(),
            started.elapsed().as_millis()
        );
        // Stamped only when the file stood alone and still as it was: then the check saw exactly this file.
        if let Some(before) =
            before.filter(|b| !upgrade && check_stamp::FileIdentity::of(path).as_ref() == Some(b))
        {
            let by = check_stamp::CheckedBy::Writer;
            check_stamp::record(&options.key_dir, path, &before, checked_unix_s, by);
        }
    }
    Ok((check, checked_unix_s))
}

/// Looks at an existing file before anything writes to it (the journal mode included), so a file that is
/// refused stays untouched: a SQLite file, writable, not from a newer build, and a registry (or empty).
fn look_before_open(path: &Path) -> Result<()> {
    check_header(path)?;
    if is_read_only(path) {
        return Err(StoreError::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    let probe = probe_connection(path).map_err(|e| not_a_registry(path, e))?;
    let version: i64 = probe
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| not_a_registry(path, e))?;
    // A damaged file often still reads its header; make SQLite look at the schema too.
    let tables: i64 = probe
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| not_a_registry(path, e))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version == 0 && tables > 0 {
        return Err(StoreError::NotARegistry {
            path: path.to_path_buf(),
            detail: "it is a SQLite database, but holds other tables and no registry schema".into(),
        });
    }
    if version > 0 && meta_value(&probe, "registry_uuid").ok().flatten().is_none() {
        return Err(StoreError::NotARegistry {
            path: path.to_path_buf(),
            detail: format!(
                "it is a SQLite database with schema version {version}, but has no registry id"
            ),
        });
    }
    Ok(())
}

/// The full check of [`Store::open_checking_later`], on its own connection: SQLite's `quick_check`, the foreign
/// keys and the seal; stamped when it passes on a file that stood alone and unchanged meanwhile.
fn full_check_on_a_thread(path: &Path, key_dir: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    // A connection that may write: SQLite checks CHECK constraints only on such a one.
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|e| not_a_registry(path, e))?;
    configure(&conn).map_err(|e| not_a_registry(path, e))?;
    let before = check_stamp::FileIdentity::of(path);
    integrity::quick_check(&conn).map_err(|detail| StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
    })?;
    check_history(&conn, path, Some(key_dir))?;
    tracing::info!(
        "{}: full check on open passed in {} ms (on its own thread)",
        path.display(),
        started.elapsed().as_millis()
    );
    if let Some(before) = before.filter(|b| check_stamp::FileIdentity::of(path).as_ref() == Some(b))
    {
        check_stamp::record(
            key_dir,
            path,
            &before,
            now_unix_s(),
            check_stamp::CheckedBy::Writer,
        );
    }
    Ok(())
}

/// Each part of the full check on open, timed, on a connection that may write, as the open runs them; nothing is
/// written. For the `open_check` bench.
#[doc(hidden)]
pub fn time_full_check(path: &Path, key_dir: &Path) -> Result<Vec<(&'static str, Duration)>> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|e| not_a_registry(path, e))?;
    configure(&conn).map_err(|e| not_a_registry(path, e))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let damaged = |detail| StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let mut parts = Vec::new();
    let started = std::time::Instant::now();
    integrity::quick_check(&conn).map_err(damaged)?;
    parts.push(("quick_check", started.elapsed()));
    let started = std::time::Instant::now();
    integrity::check_guards(&conn, version).map_err(damaged)?;
    parts.push(("safeguards (schema)", started.elapsed()));
    let started = std::time::Instant::now();
    integrity::check_links(&conn).map_err(damaged)?;
    parts.push(("foreign_key_check", started.elapsed()));
    let started = std::time::Instant::now();
    let key = meta_value(&conn, "registry_uuid")?
        .and_then(|uuid| SecretBox::find_seal_key(key_dir, &uuid));
    history_seal::check_on_open(&conn, key.as_ref())?.map_err(damaged)?;
    parts.push(("seal: counts and newest link", started.elapsed()));
    Ok(parts)
}

impl Drop for Store {
    /// A clean close of a session that began on a checked file, and in which no other connection committed,
    /// folds the WAL into the file and restamps it: the next open finds it as this session left it.
    fn drop(&mut self) {
        let Some(session) = self.clean_session else {
            return;
        };
        let data_version = |conn: &Connection| {
            conn.query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
                .ok()
        };
        if data_version(&self.conn) != Some(session.data_version) {
            tracing::info!(
                "{}: another connection wrote to it meanwhile; the next open checks it in full",
                self.path.display()
            );
            return;
        }
        // Never wait on a close: a reader elsewhere keeps the WAL, and the next open checks in full.
        let _ = self.conn.busy_timeout(Duration::ZERO);
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        // The identity first, then no commit of another connection up to it: a later one changes the file after.
        let Some(identity) = check_stamp::FileIdentity::of(&self.path) else {
            return;
        };
        if data_version(&self.conn) == Some(session.data_version) {
            check_stamp::record(
                &self.key_dir,
                &self.path,
                &identity,
                session.checked_unix_s,
                check_stamp::CheckedBy::Writer,
            );
        }
    }
}

impl Store {
    /// Opens (or creates) a registry for reading and writing, upgrading an older schema.
    ///
    /// A file that is not a SQLite database, is read-only, or comes from a newer build is refused unchanged.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Self> {
        Ok(Self::open_inner(path, options, true, OpenMode::Write)?.0)
    }

    /// Opens a registry like [`Self::open`], but runs SQLite's integrity check of a current-version file on a
    /// thread of its own (about 1.2 s at 200,000 cameras), so the desk can show the registry meanwhile: wait for
    /// the returned check before the first write. The safeguards are checked at once, and an older file that
    /// must be upgraded is checked before the upgrade writes.
    pub fn open_checking_later(path: &Path, options: &OpenOptions) -> Result<(Self, PendingCheck)> {
        let (store, deferred) = Self::open_inner(path, options, false, OpenMode::Write)?;
        if !deferred {
            return Ok((store, PendingCheck { handle: None }));
        }
        let owned = path.to_path_buf();
        let key_dir = options.key_dir.clone();
        let handle = std::thread::Builder::new()
            .name("registry-check".into())
            .spawn(move || full_check_on_a_thread(&owned, &key_dir))
            .map_err(|e| StoreError::CannotOpen {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        Ok((
            store,
            PendingCheck {
                handle: Some(handle),
            },
        ))
    }

    /// The work of [`Self::open`]; with `check_now` false, a current-version file's integrity check is left to
    /// the caller (`true` in the answer).
    fn open_inner(
        path: &Path,
        options: &OpenOptions,
        check_now: bool,
        mode: OpenMode,
    ) -> Result<(Self, bool)> {
        let exists = path.exists();
        if exists {
            look_before_open(path)?;
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::CannotOpen {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        }
        // Looked at before the connection is opened: the stamp is for the file as it stands alone.
        let stamped = exists
            .then(|| {
                check_stamp::matching(
                    &options.key_dir,
                    path,
                    now_unix_s(),
                    check_stamp::CheckedBy::Writer,
                )
            })
            .flatten();
        let mut conn = Connection::open(path).map_err(|e| StoreError::CannotOpen {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        configure(&conn).map_err(|e| not_a_registry(path, e))?;
        // From here on, any other connection's commit moves it: a session that saw none may restamp on close.
        let mut data_version: i64 = conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| not_a_registry(path, e))?;
        let (check, checked_unix_s) = if exists {
            check_existing(&conn, path, options, check_now, stamped)?
        } else {
            (OpenCheck::New, now_unix_s())
        };
        conn.pragma_update(None, "journal_mode", "wal")
            .map_err(|e| not_a_registry(path, e))?;
        // Turning a new file to WAL moves the counter; an existing file turned so (an old version) is checked in
        // full again next time.
        if !exists {
            data_version = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        }
        conn.pragma_update(None, "synchronous", "normal")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            let tables: i64 = conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )?;
            if tables > 0 {
                return Err(StoreError::NotARegistry {
                    path: path.to_path_buf(),
                    detail:
                        "it is a SQLite database, but holds other tables and no registry schema"
                            .into(),
                });
            }
            let tx = conn.transaction()?;
            tx.execute_batch(SCHEMA_SQL)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('registry_uuid', ?1), ('created_unix_s', ?2), ('is_demo', '0'),
                   ('passwords_bound', ?2)",
                params![random_hex(16), now_unix_s().to_string()],
            )?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
        } else if version < SCHEMA_VERSION {
            upgrade::run(&mut conn, version)?;
            integrity::check_guards(&conn, SCHEMA_VERSION).map_err(|detail| {
                StoreError::GuardsChanged {
                    path: path.to_path_buf(),
                    detail,
                }
            })?;
        }
        let registry_uuid: String = conn.query_row(
            "SELECT value FROM meta WHERE key = 'registry_uuid'",
            [],
            |r| r.get(0),
        )?;
        let (secrets, key_status) = SecretBox::load_or_create(&options.key_dir, &registry_uuid)?;
        let deferred = check == OpenCheck::Background;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            registry_uuid,
            secrets,
            key_status,
            key_dir: options.key_dir.clone(),
            check,
            clean_session: (!deferred).then_some(CleanSession {
                data_version,
                checked_unix_s,
            }),
        };
        // Passwords sealed before binding are sealed again bound to their cameras, once, on a file already
        // checked (a deferred check must pass before any write). Best effort: a registry busy with another
        // writer keeps them as they are (they still open, and are re-sealed when next saved or opened). A
        // command that only looks writes nothing.
        // Once the registry records that re-seal, an unbound value is refused (and so never re-sealed).
        if meta_value(&store.conn, PASSWORDS_BOUND_KEY)?.is_some() {
            store.secrets.refuse_unbound();
        }
        if exists && !deferred && mode == OpenMode::Write {
            let _ = store.reseal_unbound_passwords(&Actor::os_user_now());
        }
        Ok((store, deferred))
    }

    /// Opens an existing registry for a command that only looks (`import --dry-run`, `area` without changes):
    /// the same checks as [`Self::open_existing`], and nothing written to a current file.
    pub fn open_to_look(path: &Path, options: &OpenOptions) -> Result<Self> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        refuse_empty(path)?;
        Ok(Self::open_inner(path, options, true, OpenMode::Look)?.0)
    }

    /// Opens a registry that must exist already (commands that only look, or that write into an existing
    /// registry): a missing file is refused, and none is created.
    pub fn open_existing(path: &Path, options: &OpenOptions) -> Result<Self> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        Self::open_unless_empty(path, options)
    }

    /// Opens (or creates, when missing) a registry like [`Self::open`], but refuses an existing empty file:
    /// only the commands that make a registry (`demo`, the desk's first open) turn an empty file into one.
    pub fn open_unless_empty(path: &Path, options: &OpenOptions) -> Result<Self> {
        refuse_empty(path)?;
        Self::open(path, options)
    }

    /// The read-only connection of [`Self::open_read_only`], checked for damage and guards but not for the seal;
    /// with `stamped`, the file is as it last passed the full check and SQLite's check is skipped.
    fn open_read_only_unsealed(
        path: &Path,
        stamped: Option<&check_stamp::FileIdentity>,
    ) -> Result<Connection> {
        if !path.exists() {
            return Err(StoreError::CannotOpen {
                path: path.to_path_buf(),
                detail: "no such file".into(),
            });
        }
        refuse_empty(path)?;
        check_header(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_registry(path, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| not_a_registry(path, e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            return Err(StoreError::NotARegistry {
                path: path.to_path_buf(),
                detail: format!(
                    "schema version {version}; open it once with the desk to upgrade it to {SCHEMA_VERSION}"
                ),
            });
        }
        // Figures from a damaged file would be wrong without a word (a file opened since it changed is another).
        let unchanged =
            stamped.is_some_and(|s| check_stamp::FileIdentity::of(path).as_ref() == Some(s));
        if !unchanged {
            integrity::quick_check(&conn).map_err(|detail| StoreError::Damaged {
                path: path.to_path_buf(),
                detail,
            })?;
        }
        // Nor would figures from a file whose guards were dropped, or whose history was edited around them.
        integrity::check_guards(&conn, version).map_err(|detail| StoreError::GuardsChanged {
            path: path.to_path_buf(),
            detail,
        })?;
        Ok(conn)
    }

    /// Opens an existing registry for reading only (reports, stats); never writes to the file.
    pub fn open_read_only(path: &Path) -> Result<Connection> {
        Ok(Self::open_read_only_with(path, None)?.0)
    }

    /// [`Self::open_read_only`], skipping the full check of a file exactly as it was when it last passed it, by
    /// the stamps of `key_dir`'s account (`store/check_stamp.rs`); a file that passes here is stamped. Nothing is
    /// ever written to the registry.
    pub fn open_read_only_with(
        path: &Path,
        key_dir: Option<&Path>,
    ) -> Result<(Connection, OpenCheck)> {
        let started = std::time::Instant::now();
        let stamped = key_dir
            .filter(|_| std::fs::metadata(path).is_ok_and(|m| m.is_file()))
            .and_then(|dir| {
                check_stamp::matching(dir, path, now_unix_s(), check_stamp::CheckedBy::Reader)
            });
        let before = check_stamp::FileIdentity::of(path);
        let conn = Self::open_read_only_unsealed(path, stamped.as_ref().map(|(_, id)| id))?;
        let unchanged = stamped.is_some_and(|(_, id)| before.as_ref() == Some(&id));
        if unchanged {
            tracing::info!(
                "{}: unchanged since its full check; the check was skipped",
                path.display()
            );
            return Ok((conn, OpenCheck::Unchanged));
        }
        // Without a key the seal's rows are counted, not recomputed (`verify` does that); with one, the newest
        // row is checked against its link too.
        check_history(&conn, path, key_dir)?;
        tracing::info!(
            "{}: full check on open passed in {} ms (read-only)",
            path.display(),
            started.elapsed().as_millis()
        );
        let still = before.filter(|b| check_stamp::FileIdentity::of(path).as_ref() == Some(b));
        if let (Some(dir), Some(identity)) = (key_dir, still) {
            let by = check_stamp::CheckedBy::Reader;
            check_stamp::record(dir, path, &identity, now_unix_s(), by);
        }
        Ok((conn, OpenCheck::Full))
    }

    /// The seal's check on open with the registry's key, for the read-only commands (`stats`, `report`,
    /// `export`), whose own open carries no key: a changed newest row is refused before any figure. Run before
    /// their open; a file that cannot be read here is left to that open to refuse, in its words.
    pub fn check_history_seal(path: &Path, key_dir: &Path) -> Result<()> {
        // A named pipe would block the look for ever; an empty file or anything but a plain file is the open's
        // to refuse.
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0) {
            return Ok(());
        }
        // A file as it was when a check with this key passed: its seal was checked then.
        let reader = check_stamp::CheckedBy::Reader;
        if check_stamp::matching(key_dir, path, now_unix_s(), reader).is_some() {
            return Ok(());
        }
        let Ok(conn) = probe_connection(path) else {
            return Ok(());
        };
        let Ok(Some(uuid)) = meta_value(&conn, "registry_uuid") else {
            return Ok(());
        };
        let key = SecretBox::find_seal_key(key_dir, &uuid);
        match history_seal::check_on_open(&conn, key.as_ref()) {
            Ok(Err(detail)) => Err(StoreError::HistoryChanged {
                path: path.to_path_buf(),
                detail,
            }),
            Ok(Ok(_)) | Err(_) => Ok(()),
        }
    }

    /// `iccc-desk verify`: opens the registry read-only (checked as for any report, but for the seal) and walks
    /// the whole seal of its history with the key in `key_dir`, naming the first row that breaks it. Nothing is
    /// written, and no key is made: without the key the report says the seal cannot be checked.
    pub fn verify_history_of(path: &Path, key_dir: &Path) -> Result<VerifyReport> {
        let conn = Self::open_read_only_unsealed(path, None)?;
        integrity::check_links(&conn).map_err(|detail| StoreError::HistoryChanged {
            path: path.to_path_buf(),
            detail,
        })?;
        let key = meta_value(&conn, "registry_uuid")?
            .and_then(|uuid| SecretBox::find_seal_key(key_dir, &uuid));
        let report = match key {
            Some(key) => history_seal::verify_all(&conn, &key)?,
            None => history_seal::VerifyReport::without_key(&conn)?,
        };
        Ok(report)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn registry_uuid(&self) -> &str {
        &self.registry_uuid
    }

    /// How this open made sure of the file (the full check, or a stamp that says the file is unchanged since).
    pub fn open_check(&self) -> OpenCheck {
        self.check
    }

    /// Whether this registry's password key was found or had to be made anew.
    pub fn key_status(&self) -> KeyStatus {
        self.key_status
    }

    /// The raw connection, for tests and benches only (they check the file with their own SQL). The desk reads
    /// through [`Store::reports`] and writes through the methods here; an architecture test refuses this call
    /// in `src/` outside the store's and the tests' modules.
    #[doc(hidden)]
    pub fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// True when the registry holds demo data.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(meta_value(&self.conn, "is_demo")?.as_deref() == Some("1"))
    }

    /// A counter SQLite bumps when another connection commits; the desk polls it to notice other desks.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Moves on with every change to sites, cameras or stages, and only with those: each such change writes an
    /// audit entry, while health results (written every second by a prober) do not. Ask it when
    /// [`Self::data_version`] moved to tell a registry change from a health write.
    pub fn registry_revision(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?)
    }

    fn write_tx(&mut self) -> Result<Transaction<'_>> {
        // IMMEDIATE takes the write lock at once, so the busy wait happens before any work.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // History written since the last write (by this desk, a bulk write, or another program) is sealed first.
        history_seal::extend(&tx, self.secrets.seal_key())?;
        Ok(tx)
    }

    /// Seals the history written since the last write, in a transaction of its own (after a bulk write).
    pub fn seal_history(&mut self) -> Result<()> {
        self.write_tx()?.commit()?;
        Ok(())
    }
}

/// Meta key of the registry's service area (JSON of [`ServiceArea`]); absent means Jhansi, India.
const SERVICE_AREA_KEY: &str = "service_area";

/// The area the registry serves.
pub fn service_area(conn: &Connection) -> Result<crate::model::ServiceArea> {
    match meta_value(conn, SERVICE_AREA_KEY)? {
        None => Ok(crate::model::ServiceArea::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            detail: format!("the registry's service area cannot be read: {e}"),
        }),
    }
}

impl Store {
    /// The area this registry serves: points outside it are refused.
    pub fn service_area(&self) -> Result<crate::model::ServiceArea> {
        service_area(&self.conn)
    }

    /// Sets the area the registry serves (audited). Points already in the registry stay where they are.
    pub fn set_service_area(
        &mut self,
        actor: &Actor,
        area: &crate::model::ServiceArea,
    ) -> Result<()> {
        area.check()
            .map_err(|detail| StoreError::BadServiceArea { detail })?;
        let before = self.service_area()?;
        let tx = self.write_tx()?;
        let text = serde_json::to_string(area).map_err(|e| StoreError::Corrupt {
            detail: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![SERVICE_AREA_KEY, text],
        )?;
        append_audit(
            &tx,
            actor,
            "registry.area",
            "registry",
            None,
            Some(&serde_json::json!(before)),
            Some(&serde_json::json!(area)),
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Reads one value from the meta table.
pub fn meta_value(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// Appends one audit entry (inside the caller's transaction).
pub fn append_audit(
    tx: &Connection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit (at_unix_s, by_user, action, entity, entity_id, before_json, after_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            actor.now_unix_s,
            actor.user,
            action,
            entity,
            entity_id,
            before.map(|v| v.to_string()),
            after.map(|v| v.to_string()),
        ],
    )?;
    Ok(())
}
