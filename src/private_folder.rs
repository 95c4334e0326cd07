//! A folder only this account may read, for the log and the password keys, that never takes a folder away from
//! others: the folder the user named is used as it is when it is already private to this account; a missing one
//! is made private (0700); and one that others can reach (a shared folder, `/tmp` with its mode 1777) keeps its
//! mode, and a private folder of our own, `iccc-desk-<uid>`, is made inside it. The program never changes the
//! mode of a folder it did not make.

use std::io;
use std::path::{Path, PathBuf};

/// The private folder's name inside a shared one: one per account, so two users of a shared folder never meet.
pub fn own_folder_name() -> String {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        format!("iccc-desk-{}", unsafe { libc::geteuid() })
    }
    #[cfg(not(unix))]
    {
        "iccc-desk-private".to_string()
    }
}

/// The folder to write in for `dir` (see the module's text), made when missing.
pub fn private_folder(dir: &Path) -> io::Result<PathBuf> {
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // The parents as any program makes them; the folder itself private.
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            make_private_dir(dir)?;
            check_own_private(dir)?;
            Ok(dir.to_path_buf())
        }
        Err(e) => Err(e),
        Ok(meta) if !meta.is_dir() => Err(io::Error::other(format!(
            "{} is not a folder",
            dir.display()
        ))),
        Ok(meta) if is_own_private(&meta) => Ok(dir.to_path_buf()),
        Ok(_) => {
            let own = dir.join(own_folder_name());
            match make_private_dir(&own) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e),
            }
            check_own_private(&own)?;
            Ok(own)
        }
    }
}

fn make_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Whether the folder is this account's and closed to others.
fn is_own_private(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        // SAFETY: geteuid has no preconditions and cannot fail.
        meta.uid() == unsafe { libc::geteuid() } && meta.mode() & 0o077 == 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        true
    }
}

/// Refuses a folder at our own name that is a link, or another account's (planted in a shared folder before
/// we came); makes one of ours that was opened up private again (we made it, under our name).
fn check_own_private(dir: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(dir)?;
    if !meta.is_dir() {
        return Err(io::Error::other(format!(
            "{} is not a folder (a link or a file is there)",
            dir.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        // SAFETY: geteuid has no preconditions and cannot fail.
        if meta.uid() != unsafe { libc::geteuid() } {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{} belongs to another account", dir.display()),
            ));
        }
        if meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn a_shared_folder_keeps_its_mode_and_gets_a_private_folder_inside() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let used = private_folder(&shared).unwrap();
        assert_eq!(used, shared.join(own_folder_name()));
        assert_eq!(mode(&shared), 0o1777, "the shared folder is left as it was");
        assert_eq!(mode(&used), 0o700);
        // Again: the same folder.
        assert_eq!(private_folder(&shared).unwrap(), used);
        // An open folder of 0755 is not narrowed either.
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(private_folder(&open).unwrap(), open.join(own_folder_name()));
        assert_eq!(mode(&open), 0o755);
    }

    #[test]
    fn a_missing_folder_is_made_private_and_a_private_one_is_used_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("data").join("logs");
        assert_eq!(private_folder(&logs).unwrap(), logs);
        assert_eq!(mode(&logs), 0o700);
        assert_eq!(private_folder(&logs).unwrap(), logs);
    }

    #[test]
    fn a_link_or_a_foreign_folder_at_our_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, shared.join(own_folder_name())).unwrap();
        assert!(private_folder(&shared).is_err());
        // Another account's folder under our name: only root can set that up.
        if unsafe { libc::geteuid() } == 0 {
            let other = dir.path().join("other");
            std::fs::create_dir(&other).unwrap();
            std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o1777)).unwrap();
            let planted = other.join(own_folder_name());
            std::fs::create_dir(&planted).unwrap();
            std::os::unix::fs::chown(&planted, Some(54_321), Some(54_321)).unwrap();
            let err = private_folder(&other).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::PermissionDenied, "{err}");
        }
    }
}
