//! The registry server's password: from `PGPASSWORD`, else from the password file (`PGPASSFILE`, default
//! `~/.pgpass`), as libpq reads them, never from the address the desk stores or shows. The password is
//! handed to the connection only; it is not logged, not put in an error, not kept.

use std::path::PathBuf;

use super::PgTarget;

/// The password for `target`, if the environment or the password file has one.
pub(super) fn lookup(target: &PgTarget) -> Option<String> {
    if let Some(p) = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty()) {
        return p.into_string().ok();
    }
    let path = password_file()?;
    let text = read_private(&path)?;
    find(&text, target)
}

fn password_file() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::BaseDirs::new().map(|d| d.home_dir().join(".pgpass"))
}

/// The file's text when only its owner can read it (libpq ignores a password file others can read, and so
/// does the desk: a password there is no longer private).
fn read_private(path: &std::path::Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                file = %path.display(),
                "password file ignored: others can read it (chmod 0600 it)"
            );
            return None;
        }
    }
    if !meta.is_file() || meta.len() > 1024 * 1024 {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// The first line of a password file that matches `target` (fields host:port:database:user:password, `*` for
/// any, `\:` and `\\` escaped).
fn find(text: &str, target: &PgTarget) -> Option<String> {
    let port = target.port.to_string();
    let wanted = [
        target.host.as_str(),
        port.as_str(),
        target.dbname.as_str(),
        target.user.as_str(),
    ];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_fields(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want);
            matches.then(|| fields[4].clone())
        })
}

fn split_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next()
                    && let Some(last) = fields.last_mut()
                {
                    last.push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(last) = fields.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> PgTarget {
        PgTarget::parse("postgres://ops@10.1.2.3:5433/jhansi").unwrap()
    }

    #[test]
    fn the_first_matching_line_of_the_password_file_gives_the_password() {
        let file = "# the centre's server\n\
                    10.1.2.3:5432:jhansi:ops:wrong-port\n\
                    10.1.2.3:5433:*:ops:pa\\:ss\\\\word\n\
                    *:*:*:*:any\n";
        assert_eq!(find(file, &target()).as_deref(), Some("pa:ss\\word"));
        assert_eq!(
            find("*:*:*:*:fallback", &target()).as_deref(),
            Some("fallback")
        );
        assert_eq!(find("10.1.2.3:5433:other:ops:x", &target()), None);
    }
}
