//! Remembers that a registry file passed the full check on open (SQLite's `quick_check`, `foreign_key_check` and
//! the seal's counts, 2.4 s at 500,000 cameras), so the next open of the very same file skips it.
//!
//! The stamp is the file's identity when it passed: device, inode, size, modification and change times (to the
//! nanosecond; nobody can set a change time back) and its 100-byte SQLite header (change counter, schema cookie).
//! It is kept per account, outside the file, in the private folder of the password keys (`open-checked/`, one
//! small file per registry, named by a hash of the registry's canonical path, written to a temporary file and
//! renamed). A file is trusted only when it is alone: a `-wal` with bytes in it or a `-journal` beside it (an
//! unclean stop, or another program in the middle of its work) means the main file is not the whole database.
//! Anything that changes the file outside the desk — the sqlite3 tool, a copy, another account, a disk that
//! rewrites a page through the file system — moves its times, so the stamp no longer matches and the full check
//! runs. The desk's own writes move them too; a session that began checked restamps on a clean close (the WAL
//! folded into the file) when no other connection committed meanwhile. A stamp older than [`MAX_STAMP_AGE_S`]
//! is not trusted, so even a file nobody touched is checked in full once a week.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// A stamp older than this is not trusted: a week.
pub(super) const MAX_STAMP_AGE_S: i64 = 7 * 24 * 3600;
/// The stamps' folder inside the private key folder.
const STAMP_FOLDER: &str = "open-checked";
/// Bytes of the SQLite header kept (all of it: the change counter at 24, the schema cookie at 40, and the
/// "version-valid-for" number at 92).
const HEADER_LEN: usize = 100;

/// What the file was, byte for byte as far as the file system tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct FileIdentity {
    dev: u64,
    ino: u64,
    size_bytes: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    header_hex: String,
}

impl FileIdentity {
    /// The identity of `path` when it stands alone (no `-wal` with bytes, no `-journal`); `None` otherwise, or when
    /// it cannot be read.
    pub(super) fn of(path: &Path) -> Option<Self> {
        if !side_files_empty(path) {
            return None;
        }
        identity(path)
    }
}

fn side_file(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// True when no `-wal` holds frames and no `-journal` is there (hot or not: it means a write was under way).
fn side_files_empty(path: &Path) -> bool {
    let wal_empty = match std::fs::symlink_metadata(side_file(path, "-wal")) {
        Ok(meta) => meta.is_file() && meta.len() == 0,
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    };
    let no_journal = std::fs::symlink_metadata(side_file(path, "-journal"))
        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    wal_empty && no_journal
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut header = [0u8; HEADER_LEN];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    Some(FileIdentity {
        dev: meta.dev(),
        ino: meta.ino(),
        size_bytes: meta.len(),
        mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
        header_hex: header.iter().map(|b| format!("{b:02x}")).collect(),
    })
}

/// Elsewhere there is no change time to trust: every open checks in full.
#[cfg(not(unix))]
fn identity(_path: &Path) -> Option<FileIdentity> {
    None
}

/// One registry's stamp.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stamp {
    /// The registry's canonical path (the file name is a hash of it).
    path: PathBuf,
    identity: FileIdentity,
    /// When the full check last ran and passed, by the computer's clock (unix seconds); a restamp after the
    /// desk's own writes keeps it.
    checked_unix_s: i64,
    /// The check ran on a connection that could write, with the registry's key: SQLite checks CHECK constraints
    /// (the privacy rule) only there, and the seal's newest link needs the key. A read-only command's check
    /// (counts only, no CHECKs) is enough for the next read-only command, never for a write.
    by_writer: bool,
}

/// Who checked: a connection that could write (and may next write), or a read-only command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CheckedBy {
    Writer,
    Reader,
}

/// Where the stamps of `key_dir`'s account live; `None` when it cannot be had. With `create` false, a key folder
/// that does not exist yet is not made (a command that only looks makes nothing).
fn stamp_folder(key_dir: &Path, create: bool) -> Option<PathBuf> {
    if !create && !key_dir.is_dir() {
        return None;
    }
    let private = crate::private_folder::private_folder(key_dir).ok()?;
    let folder = private.join(STAMP_FOLDER);
    if create && !folder.is_dir() {
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(&folder).ok()?;
    }
    Some(folder)
}

fn stamp_file(folder: &Path, canonical: &Path) -> PathBuf {
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    folder.join(format!("{name}.json"))
}

/// A plain file of this account's (a link or another account's file planted in the folder is not read).
fn own_plain_file(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        // SAFETY: geteuid has no preconditions and cannot fail.
        meta.is_file() && meta.uid() == unsafe { libc::geteuid() }
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

fn read_stamp(key_dir: &Path, canonical: &Path) -> Option<Stamp> {
    let file = stamp_file(&stamp_folder(key_dir, false)?, canonical);
    if !own_plain_file(&file) {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let stamp: Stamp = serde_json::from_str(&text).ok()?;
    (stamp.path == canonical).then_some(stamp)
}

/// When `path` is exactly as stamped (and the stamp is young enough): the time of the full check it carries, and
/// the identity it matched.
pub(super) fn matching(
    key_dir: &Path,
    path: &Path,
    now_unix_s: i64,
    needed: CheckedBy,
) -> Option<(i64, FileIdentity)> {
    let identity = FileIdentity::of(path)?;
    let canonical = std::fs::canonicalize(path).ok()?;
    let stamp = read_stamp(key_dir, &canonical)?;
    let age_s = now_unix_s - stamp.checked_unix_s;
    let enough = stamp.by_writer || needed == CheckedBy::Reader;
    (enough && stamp.identity == identity && (0..=MAX_STAMP_AGE_S).contains(&age_s))
        .then_some((stamp.checked_unix_s, identity))
}

/// Records that `path`, as `identity` says it is, passed the full check at `checked_unix_s`. Best effort: a stamp
/// that cannot be written only means the next open checks in full.
pub(super) fn record(
    key_dir: &Path,
    path: &Path,
    identity: &FileIdentity,
    checked_unix_s: i64,
    by: CheckedBy,
) {
    let Ok(canonical) = std::fs::canonicalize(path) else {
        return;
    };
    let Some(folder) = stamp_folder(key_dir, true) else {
        return;
    };
    let stamp = Stamp {
        path: canonical,
        identity: identity.clone(),
        checked_unix_s,
        by_writer: by == CheckedBy::Writer,
    };
    let Ok(text) = serde_json::to_string(&stamp) else {
        return;
    };
    let target = stamp_file(&folder, &stamp.path);
    let temp = folder.join(format!(
        ".{}.{}.tmp",
        std::process::id(),
        super::random_hex(6)
    ));
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        open.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let written = open
        .open(&temp)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .and_then(|()| std::fs::rename(&temp, &target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        tracing::warn!(
            "{}: the record of its check cannot be kept ({e}); the next open checks it in full",
            path.display()
        );
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn registry(dir: &Path) -> PathBuf {
        let db = dir.join("r.sqlite");
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = wal; CREATE TABLE t (x); INSERT INTO t VALUES (1);",
        )
        .unwrap();
        drop(conn);
        db
    }

    #[test]
    fn a_stamp_matches_the_same_file_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let db = registry(dir.path());
        let now = 1_800_000_000;
        assert!(
            matching(&keys, &db, now, CheckedBy::Writer).is_none(),
            "no stamp yet"
        );
        let identity = FileIdentity::of(&db).unwrap();
        record(&keys, &db, &identity, now, CheckedBy::Writer);
        assert_eq!(
            matching(&keys, &db, now + 60, CheckedBy::Writer).map(|m| m.0),
            Some(now)
        );
        // A week later it is checked again.
        assert!(matching(&keys, &db, now + MAX_STAMP_AGE_S + 1, CheckedBy::Writer).is_none());
        // A clock set back is no excuse either.
        assert!(matching(&keys, &db, now - 60, CheckedBy::Writer).is_none());
        // A -wal with bytes beside it: the file is not the whole database.
        std::fs::write(side_file(&db, "-wal"), b"frames").unwrap();
        assert!(matching(&keys, &db, now, CheckedBy::Writer).is_none());
        std::fs::write(side_file(&db, "-wal"), b"").unwrap();
        assert_eq!(
            matching(&keys, &db, now, CheckedBy::Writer).map(|m| m.0),
            Some(now)
        );
        // Any write moves the change time, even one that keeps size and modification time.
        let meta = std::fs::metadata(&db).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("UPDATE t SET x = 2").unwrap();
        drop(conn);
        std::fs::File::options()
            .write(true)
            .open(&db)
            .unwrap()
            .set_modified(meta.modified().unwrap())
            .unwrap();
        assert!(matching(&keys, &db, now, CheckedBy::Writer).is_none());
    }

    #[test]
    fn a_read_only_check_is_not_enough_for_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let db = registry(dir.path());
        let now = 1_800_000_000;
        record(
            &keys,
            &db,
            &FileIdentity::of(&db).unwrap(),
            now,
            CheckedBy::Reader,
        );
        assert!(matching(&keys, &db, now, CheckedBy::Reader).is_some());
        assert!(matching(&keys, &db, now, CheckedBy::Writer).is_none());
    }

    #[test]
    fn the_stamp_file_is_private_and_a_planted_link_is_not_read() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let db = registry(dir.path());
        let identity = FileIdentity::of(&db).unwrap();
        record(&keys, &db, &identity, 1_800_000_000, CheckedBy::Writer);
        let folder = stamp_folder(&keys, false).unwrap();
        let file = stamp_file(&folder, &std::fs::canonicalize(&db).unwrap());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let copy = dir.path().join("elsewhere.json");
        std::fs::rename(&file, &copy).unwrap();
        std::os::unix::fs::symlink(&copy, &file).unwrap();
        assert!(matching(&keys, &db, 1_800_000_000, CheckedBy::Writer).is_none());
    }
}
