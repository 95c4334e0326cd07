//! A private PostgreSQL 15 server for the shared-registry tests: a cluster of its own in a temporary folder, on a
//! free port of 127.0.0.1 (never another address), its socket in that folder, one fresh database per test, and
//! a fast stop when the last test holding it lets go.
//!
//! `initdb` refuses to run as root, so as root the server runs as the `postgres` system user the Debian package
//! creates (`runuser`), its folder owned by that user; as any other user it runs as that user. `initdb` runs
//! once per machine into a template under cargo's target/tmp (a second or two); each cluster is a copy of it.

#![allow(dead_code)]

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Where Debian's PostgreSQL 15 puts its programs (`scripts/setup.sh test` installs them).
pub const PG_BIN: &str = "/usr/lib/postgresql/15/bin";
/// The cluster's superuser (trust authentication on the private cluster only).
pub const PG_USER: &str = "desk";

/// The clusters running in this test process: tests that overlap share one.
static SHARED: Mutex<Weak<PgServer>> = Mutex::new(Weak::new());
static NEXT_DB: AtomicU32 = AtomicU32::new(1);

/// A running private cluster; stopped (fast) and its folder removed on drop.
pub struct PgServer {
    dir: tempfile::TempDir,
    port: u16,
    /// Extra server settings (TLS), kept for a restart.
    settings: String,
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a PostgreSQL program as the user that owns the cluster's files.
fn pg_command(program: &str) -> Command {
    let path = Path::new(PG_BIN).join(program);
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(path);
        cmd
    } else {
        Command::new(path)
    }
}

fn run(mut cmd: Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start ({e}); run scripts/setup.sh test"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Gives `path` (and everything in it) to the `postgres` user when running as root.
fn hand_to_server_user(path: &Path) {
    if is_root() {
        run(
            {
                let mut c = Command::new("chown");
                c.args(["-R", "postgres:postgres"]).arg(path);
                c
            },
            "chown",
        );
    }
}

/// The initdb'd template data folder, made once per machine (an atomic rename makes concurrent makers safe).
fn template() -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let template = root.join("pg15-template");
    if template.join("PG_VERSION").exists() {
        return template;
    }
    std::fs::create_dir_all(root).expect("target tmp dir");
    let making = tempfile::Builder::new()
        .prefix("pg15-template-making")
        .tempdir_in(root)
        .expect("template temp dir");
    hand_to_server_user(making.path());
    let data = making.path().join("data");
    run(
        {
            let mut c = pg_command("initdb");
            c.arg("-D")
                .arg(&data)
                .args(["-A", "trust", "-U", PG_USER, "-E", "UTF8", "--no-sync"])
                .args(["--locale", "C.UTF-8"]);
            c
        },
        "initdb",
    );
    // Another test process may have finished first: its template is as good as ours.
    if std::fs::rename(&data, &template).is_err() && !template.join("PG_VERSION").exists() {
        panic!(
            "cannot put the PostgreSQL template in place at {}",
            template.display()
        );
    }
    template
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl PgServer {
    /// Starts a cluster of its own (most tests want [`PgDb::new`], which shares one).
    pub fn start() -> PgServer {
        Self::start_with(|_| String::new())
    }

    /// Starts a cluster of its own that offers TLS with a certificate for 127.0.0.1 signed by a test authority
    /// ([`PgServer::ca_cert`], for `sslrootcert`).
    pub fn start_with_tls() -> PgServer {
        Self::start_with(|dir| {
            make_certificates(dir);
            format!(
                "-c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key",
                dir.display()
            )
        })
    }

    fn start_with(settings_in: impl FnOnce(&Path) -> String) -> PgServer {
        let template = template();
        let dir = tempfile::Builder::new()
            .prefix("iccc-pg")
            .tempdir()
            .expect("temp dir");
        let data = dir.path().join("data");
        run(
            {
                let mut c = Command::new("cp");
                c.arg("-a").arg(&template).arg(&data);
                c
            },
            "copy of the PostgreSQL template",
        );
        let settings = settings_in(dir.path());
        hand_to_server_user(dir.path());
        // A port found free may be taken before the server binds it: try a few.
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            match start_on(&data, dir.path(), port, &settings) {
                Ok(()) => {
                    return PgServer {
                        dir,
                        port,
                        settings,
                    };
                }
                Err(e) => last_error = e,
            }
        }
        panic!("PostgreSQL did not start: {last_error}");
    }

    /// The test authority's certificate (servers started with TLS).
    pub fn ca_cert(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's folder (its data folder is `data/` inside, its socket and log beside it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A URL to `db` as the cluster's superuser, with no password (the private cluster trusts loopback).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{PG_USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// A client to `db` as the superuser, for setting up and looking at what the desk did.
    pub fn admin(&self, db: &str) -> ::postgres::Client {
        ::postgres::Client::connect(
            &format!(
                "host=127.0.0.1 port={} user={PG_USER} dbname={db}",
                self.port
            ),
            ::postgres::NoTls,
        )
        .unwrap_or_else(|e| panic!("connect to the test server: {e}"))
    }

    /// Stops the server (fast: open sessions are cut off), as a restart or an outage would.
    pub fn stop(&self) {
        let _ = pg_command("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "fast", "-w", "stop"])
            .output();
    }

    /// Starts the stopped server again on the same port.
    pub fn restart(&self) {
        start_on(
            &self.dir.path().join("data"),
            self.dir.path(),
            self.port,
            &self.settings,
        )
        .unwrap_or_else(|e| panic!("PostgreSQL did not start again: {e}"));
    }

    /// The server's log so far (for a failing test's message).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }
}

/// `pg_ctl start` on 127.0.0.1:`port` with the socket in `dir`; waits until the server accepts connections.
fn start_on(data: &Path, dir: &Path, port: u16, settings: &str) -> Result<(), String> {
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off {settings}",
        dir.display()
    );
    let out = pg_command("pg_ctl")
        .arg("-D")
        .arg(data)
        .arg("-o")
        .arg(options)
        .arg("-l")
        .arg(dir.join("log"))
        .args(["-w", "-t", "60", "start"])
        .output()
        .map_err(|e| format!("pg_ctl: {e}; run scripts/setup.sh test"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(dir.join("log")).unwrap_or_default()
        ))
    }
}

/// A test certificate authority (`ca.crt`) and a server certificate for 127.0.0.1 it signed (`server.crt`,
/// `server.key`) in `dir`, with the openssl tool (P-256 keys: quick to make).
pub fn make_certificates(dir: &Path) {
    let openssl = |args: &[&str], what: &str| {
        let mut c = Command::new("openssl");
        c.current_dir(dir).args(args);
        run(c, what);
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &["-days", "2", "-subj", "/CN=iccc test authority"],
            &["-keyout", "ca.key", "-out", "ca.crt"],
        ]
        .concat(),
        "openssl: test authority",
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
            ],
        ]
        .concat(),
        "openssl: server request",
    );
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write server.ext");
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "server.crt",
        ],
        "openssl: server certificate",
    );
    // The server refuses a key file others can read.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod server.key");
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A fresh, empty database on a private server, for one test.
pub struct PgDb {
    pub server: Arc<PgServer>,
    pub name: String,
}

impl PgDb {
    /// A new database on the cluster this process's running tests share (started if none runs).
    pub fn new() -> PgDb {
        let server = {
            let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
            match shared.upgrade() {
                Some(server) => server,
                None => {
                    let server = Arc::new(PgServer::start());
                    *shared = Arc::downgrade(&server);
                    server
                }
            }
        };
        Self::on(server)
    }

    /// A new database on `server` (a test that stops or restarts its server wants one of its own).
    pub fn on(server: Arc<PgServer>) -> PgDb {
        let name = format!(
            "registry_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed)
        );
        server
            .admin("postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("create database {name}: {e}"));
        PgDb { server, name }
    }

    /// `postgres://desk@127.0.0.1:PORT/NAME`: what a user gives `--db`.
    pub fn url(&self) -> String {
        self.server.url(&self.name)
    }

    /// A superuser client to this database.
    pub fn admin(&self) -> ::postgres::Client {
        self.server.admin(&self.name)
    }
}
