//! The shared registry on a PostgreSQL server (issue 21): several desks of one command centre on one registry,
//! while a single seat keeps its SQLite file. This module is the server's side of the store: the address a user
//! gives (`--db postgres://USER@HOST:PORT/DATABASE`), the connection (password from `~/.pgpass` or `PGPASSWORD`
//! only, TLS through rustls), the schema (`schema.sql`, the SQLite schema's rules kept by the server) and
//! `registry create`. The rest of the desk does not name the engine: see ARCHITECTURE.md, "Two engines".

mod copy;
mod create;
mod password;
mod tls;

use std::fmt;
use std::path::PathBuf;

pub use copy::{CopiedTable, CopyError, copy_to_server};
pub use create::{CreatedRegistry, create_registry};

use crate::i18n::I18n;

/// The schema of a new registry on the server, equivalent to the SQLite schema at [`super::SCHEMA_VERSION`].
pub const PG_SCHEMA_SQL: &str = include_str!("schema.sql");

/// The port a PostgreSQL server listens on when the address names none.
const DEFAULT_PORT: u16 = 5432;

/// How the connection is protected (libpq's `sslmode`, the values the desk supports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain TCP (a server on the same computer or a trusted wire).
    Disable,
    /// TLS when the server offers it, without checking its certificate (libpq's default).
    Prefer,
    /// TLS always, without checking the certificate (protects against listening, not against a fake server).
    Require,
    /// TLS always, the certificate checked against `sslrootcert` and the host name: the mode across a network.
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "disable" => Some(Self::Disable),
            "prefer" => Some(Self::Prefer),
            "require" => Some(Self::Require),
            "verify-full" => Some(Self::VerifyFull),
            _ => None,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyFull => "verify-full",
        }
    }
}

/// A registry on a PostgreSQL server, as the user named it (never with a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgTarget {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub ssl_mode: SslMode,
    /// The certificate authority's file for `verify-full` (default `~/.postgresql/root.crt`, as libpq).
    pub ssl_root_cert: Option<PathBuf>,
}

/// Why the server's registry could not be reached, made or used. Never holds a password.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error(
        "{text} is not a registry server address (postgres://USER@HOST:PORT/DATABASE): {detail}"
    )]
    BadAddress { text: String, detail: String },
    #[error(
        "{text}: a password in the registry address is refused (it would be stored and shown); put it in ~/.pgpass or PGPASSWORD"
    )]
    PasswordInAddress { text: String },
    #[error("registry server {target} unreachable: {detail}")]
    Unreachable { target: String, detail: String },
    #[error("registry server {target}: TLS set-up failed: {detail}")]
    Tls { target: String, detail: String },
    #[error(
        "{target} is not empty ({tables} tables): a registry is created only in an empty database; nothing was written"
    )]
    NotEmpty { target: String, tables: i64 },
    #[error("registry server {target}: {detail}")]
    Server { target: String, detail: String },
}

impl PgError {
    /// The error in the user's language (catalogue keys `pg-error-*`).
    pub fn words(&self, i18n: &I18n) -> String {
        let s = |v: &str| v.to_string();
        match self {
            Self::BadAddress { text, detail } => i18n.tr_args(
                "pg-error-bad-address",
                &[("address", s(text)), ("detail", s(detail))],
            ),
            Self::PasswordInAddress { text } => {
                i18n.tr_args("pg-error-password-in-address", &[("address", s(text))])
            }
            Self::Unreachable { target, detail } => i18n.tr_args(
                "pg-error-unreachable",
                &[("target", s(target)), ("detail", s(detail))],
            ),
            Self::Tls { target, detail } => i18n.tr_args(
                "pg-error-tls",
                &[("target", s(target)), ("detail", s(detail))],
            ),
            Self::NotEmpty { target, tables } => i18n.tr_args(
                "pg-error-not-empty",
                &[("target", s(target)), ("tables", tables.to_string())],
            ),
            Self::Server { target, detail } => i18n.tr_args(
                "pg-error-server",
                &[("target", s(target)), ("detail", s(detail))],
            ),
        }
    }

    /// Something wrong with what the user gave (the address, a full database) rather than a failure.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Self::BadAddress { .. } | Self::PasswordInAddress { .. } | Self::NotEmpty { .. }
        )
    }
}

/// True when `text` names a registry on a PostgreSQL server rather than a file.
pub fn is_server_address(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

impl PgTarget {
    /// Reads `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…&sslrootcert=FILE]`. A password in it is refused.
    pub fn parse(text: &str) -> Result<Self, PgError> {
        let bad = |detail: &str| PgError::BadAddress {
            text: redacted(text),
            detail: detail.to_string(),
        };
        let url = url::Url::parse(text.trim()).map_err(|e| bad(&e.to_string()))?;
        if url.password().is_some() {
            return Err(PgError::PasswordInAddress {
                text: redacted(text),
            });
        }
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(bad("the address starts with postgres://"));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no server host"))?;
        // An IPv6 literal comes back in brackets; the connection wants it bare.
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let decode = |t: &str| {
            percent_decode(t).ok_or_else(|| bad("a name is not valid UTF-8 after %-decoding"))
        };
        let user = decode(url.username())?;
        let user = if user.is_empty() {
            crate::store::Actor::os_user_now().user
        } else {
            user
        };
        let dbname = decode(url.path().trim_start_matches('/'))?;
        if dbname.is_empty() || dbname.contains('/') {
            return Err(bad("no database name after the host (…/DATABASE)"));
        }
        let mut target = PgTarget {
            host,
            port: url.port().unwrap_or(DEFAULT_PORT),
            user,
            dbname,
            ssl_mode: SslMode::Prefer,
            ssl_root_cert: None,
        };
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "sslmode" => {
                    target.ssl_mode = SslMode::parse(&value).ok_or_else(|| {
                        bad("sslmode is one of disable, prefer, require, verify-full")
                    })?;
                }
                "sslrootcert" => target.ssl_root_cert = Some(PathBuf::from(value.as_ref())),
                "password" => {
                    return Err(PgError::PasswordInAddress {
                        text: redacted(text),
                    });
                }
                other => {
                    return Err(bad(&format!(
                        "unknown option {other} (known: sslmode, sslrootcert)"
                    )));
                }
            }
        }
        Ok(target)
    }

    /// Connects as the address says; the password (if the server asks for one) comes from `PGPASSWORD` or the
    /// password file, never from the address.
    pub fn connect(&self) -> Result<postgres::Client, PgError> {
        let mut config = postgres::Config::new();
        config
            .host(&self.host)
            .port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .application_name("iccc-desk")
            .connect_timeout(std::time::Duration::from_secs(10));
        if let Some(password) = password::lookup(self) {
            config.password(password);
        }
        let unreachable = |e: postgres::Error| self.connect_error(e);
        match self.ssl_mode {
            SslMode::Disable => {
                config.ssl_mode(postgres::config::SslMode::Disable);
                config.connect(postgres::NoTls).map_err(unreachable)
            }
            mode => {
                config.ssl_mode(if mode == SslMode::Prefer {
                    postgres::config::SslMode::Prefer
                } else {
                    postgres::config::SslMode::Require
                });
                let tls = tls::connector(self).map_err(|detail| PgError::Tls {
                    target: self.to_string(),
                    detail,
                })?;
                config.connect(tls).map_err(unreachable)
            }
        }
    }

    /// A connection failure in words: the server's own refusal (a wrong password, no such database) as it
    /// said it, anything else as unreachable.
    fn connect_error(&self, e: postgres::Error) -> PgError {
        match e.as_db_error() {
            Some(db) => PgError::Server {
                target: self.to_string(),
                detail: db.message().to_string(),
            },
            None => PgError::Unreachable {
                target: self.to_string(),
                detail: error_chain(&e),
            },
        }
    }

    /// A server error on this registry, in words.
    pub(crate) fn server_error(&self, e: postgres::Error) -> PgError {
        let detail = match e.as_db_error() {
            Some(db) => db.message().to_string(),
            None => error_chain(&e),
        };
        if e.is_closed() || e.as_db_error().is_none() {
            PgError::Unreachable {
                target: self.to_string(),
                detail,
            }
        } else {
            PgError::Server {
                target: self.to_string(),
                detail,
            }
        }
    }
}

/// `e` and its causes, one line (rust-postgres puts the useful part, "connection refused", in a source).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

impl fmt::Display for PgTarget {
    /// `postgres://USER@HOST:PORT/DATABASE` (with `?sslmode=…` when not the default): what logs and screens show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "postgres://{}@{host}:{}/{}",
            self.user, self.port, self.dbname
        )?;
        if self.ssl_mode != SslMode::Prefer {
            write!(f, "?sslmode={}", self.ssl_mode.code())?;
        }
        Ok(())
    }
}

/// `text` with any password in it replaced, for error messages (a refused address is still shown).
fn redacted(text: &str) -> String {
    match url::Url::parse(text.trim()) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "password" { "***".into() } else { v };
                    (k.into_owned(), v.into_owned())
                })
                .collect();
            if !pairs.is_empty() {
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            url.to_string()
        }
        // Not an address at all: show only its start, which cannot hold a password (that follows a ':').
        Err(_) => {
            text.split(['@', ':'])
                .next()
                .unwrap_or_default()
                .to_string()
                + "…"
        }
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_names_host_port_user_and_database() {
        let t = PgTarget::parse("postgres://desk@127.0.0.1:5433/jhansi").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.user.as_str(), t.dbname.as_str()),
            ("127.0.0.1", 5433, "desk", "jhansi")
        );
        assert_eq!(t.ssl_mode, SslMode::Prefer);
        assert_eq!(t.to_string(), "postgres://desk@127.0.0.1:5433/jhansi");
        let t = PgTarget::parse("postgresql://ops%20desk@db.iccc.local/reg?sslmode=verify-full")
            .unwrap();
        assert_eq!((t.port, t.user.as_str()), (5432, "ops desk"));
        assert_eq!(t.ssl_mode, SslMode::VerifyFull);
        assert!(t.to_string().ends_with("/reg?sslmode=verify-full"));
        assert!(is_server_address("postgres://x@h/d") && is_server_address("PostgreSQL://x@h/d"));
        assert!(!is_server_address("/home/ops/registry.sqlite"));
    }

    #[test]
    fn a_password_in_the_address_is_refused_and_never_repeated() {
        for text in [
            "postgres://desk:s3cret-pw@127.0.0.1:5432/reg",
            "postgres://desk@127.0.0.1:5432/reg?password=s3cret-pw",
        ] {
            let e = PgTarget::parse(text).unwrap_err();
            assert!(matches!(e, PgError::PasswordInAddress { .. }), "{e}");
            assert!(!e.to_string().contains("s3cret-pw"), "{e}");
        }
    }

    #[test]
    fn a_wrong_address_says_what_is_missing() {
        for (text, says) in [
            ("postgres://desk@127.0.0.1:5432/", "database"),
            ("postgres://desk@127.0.0.1/reg?sslmode=verify-ca", "sslmode"),
            ("postgres://desk@127.0.0.1/reg?host=evil", "unknown option"),
        ] {
            let e = PgTarget::parse(text).unwrap_err();
            assert!(e.to_string().contains(says), "{text}: {e}");
        }
    }
}
