//! Whoever maintains the desk's PC reads its log: one file a day in the data folder, the last 7 kept, with
//! each command's outcome (probe findings, imports) and never a camera's password.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PASS: &str = "Hidden-Pa55-731";
const URL_PASS: &str = "In-Url-Pa55-482";

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The data folder as the platform names it (`$XDG_DATA_HOME/iccc-desk`).
    fn log_dir(&self) -> PathBuf {
        self.path("xdg-data").join("iccc-desk").join("logs")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
            .args(args)
            .arg("--db")
            .arg(self.path("registry.sqlite"))
            .arg("--key-dir")
            .arg(self.path("keys"))
            .env_remove("ICCC_DESK_LOG_DIR")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .output()
            .unwrap()
    }

    /// Every log file's text, in name order.
    fn logs(&self) -> Vec<(String, String)> {
        let Ok(entries) = std::fs::read_dir(self.log_dir()) else {
            return Vec::new();
        };
        let mut logs: Vec<_> = entries
            .map(|e| e.unwrap().path())
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap_or_default())
            })
            .collect();
        logs.sort();
        logs
    }
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn registry_with_a_dead_camera(dir: &Dir) -> i64 {
    use iccc_desk::store::{Actor, OpenOptions, Store};
    let mut store = Store::open(
        &dir.path("registry.sqlite"),
        &OpenOptions {
            key_dir: dir.path("keys"),
        },
    )
    .unwrap();
    let mut site = iccc_desk::model::Site::blank();
    site.name_en = "Hotel Raj Palace".into();
    let actor = Actor {
        user: "setup".into(),
        now_unix_s: 1_795_564_800,
    };
    let site = store.add_site(&actor, &site).unwrap();
    common::add_integrated_camera(
        &mut store,
        site.id,
        "Parking",
        format!("rtsp://127.0.0.1:{}/Streaming/Channels/101", closed_port()),
        String::new(),
        PASS,
    )
}

fn assert_no_secret(logs: &[(String, String)]) {
    for (name, text) in logs {
        for secret in [PASS, URL_PASS] {
            assert!(!text.contains(secret), "{name} holds a password:\n{text}");
        }
    }
}

#[test]
fn probes_and_imports_are_logged_in_the_data_folder_without_passwords() {
    let dir = Dir::new();
    let camera = registry_with_a_dead_camera(&dir);
    let out = dir.run(&["probe", "--once", "--timeout-ms", "1000"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let list = dir.path("police-list.csv");
    std::fs::write(
        &list,
        format!(
            "site,camera,latitude,longitude,password,stream_url\n\
             City Hospital,Entrance,25.4500,78.5700,{PASS},rtsp://127.0.0.9:554/2\n\
             City Hospital,Gate,25.4501,78.5701,,rtsp://admin:{URL_PASS}@127.0.0.9:554/3\n"
        ),
    )
    .unwrap();
    let out = dir.run(&["import", list.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let logs = dir.logs();
    assert_eq!(logs.len(), 1, "one file for today: {logs:?}");
    let (name, text) = &logs[0];
    assert!(
        name.starts_with("iccc-desk.") && name.ends_with(".log"),
        "{name}"
    );
    // The probe's finding for the camera, and the import's outcome with its file's name.
    assert!(
        text.lines()
            .any(|l| l.contains(&format!("camera {camera}")) && l.contains("offline")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("import") && l.contains("police-list.csv")),
        "{text}"
    );
    assert_no_secret(&logs);
}

#[test]
fn only_the_last_seven_log_files_are_kept() {
    let dir = Dir::new();
    // The folder as the desk makes it (0700; an open one would get a private folder inside it).
    std::fs::create_dir_all(dir.log_dir().parent().unwrap()).unwrap();
    let mut folder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(dir.log_dir()).unwrap();
    for day in 1..=12 {
        let old = dir
            .log_dir()
            .join(format!("iccc-desk.2026-01-{day:02}.log"));
        std::fs::write(old, "old\n").unwrap();
    }
    // Something else in the folder is not the desk's to delete.
    std::fs::write(dir.log_dir().join("notes.txt"), "mine\n").unwrap();
    registry_with_a_dead_camera(&dir);
    let out = dir.run(&["stats"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let logs: Vec<_> = dir
        .logs()
        .into_iter()
        .filter(|(n, _)| n.starts_with("iccc-desk."))
        .collect();
    assert_eq!(
        logs.len(),
        7,
        "{:?}",
        logs.iter().map(|l| &l.0).collect::<Vec<_>>()
    );
    assert!(Path::new(&dir.log_dir().join("notes.txt")).exists());
}

/// The log names cameras, sites, files and users: on a shared control-room PC other accounts must not read it.
#[cfg(unix)]
#[test]
fn the_log_folder_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = Dir::new();
    registry_with_a_dead_camera(&dir);
    let out = dir.run(&["report", "weekly"]);
    assert!(!dir.logs().is_empty(), "{out:?}");
    let mode = std::fs::metadata(dir.log_dir())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700, "log folder mode {mode:o}");
}

/// `ICCC_DESK_LOG_DIR` and `--key-dir` naming a shared folder (mode 1777, or 0755 made by hand) leave it as it
/// is: others keep their access, and the log and the key go in a private folder `iccc-desk-<uid>` inside it.
#[cfg(unix)]
#[test]
fn a_shared_log_or_key_folder_keeps_its_mode_and_gets_a_private_folder_inside() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let dir = Dir::new();
    let shared = dir.path("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().mode() & 0o7777;
    let own = shared.join(iccc_desk::private_folder::own_folder_name());
    let out = Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
        .args(["demo", "--cameras", "100", "--db"])
        .arg(dir.path("registry.sqlite"))
        .arg("--key-dir")
        .arg(&shared)
        .env("ICCC_DESK_LOG_DIR", &shared)
        .env("HOME", dir.dir.path())
        .env("XDG_DATA_HOME", dir.path("xdg-data"))
        .env("XDG_CONFIG_HOME", dir.path("xdg-config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&shared), 0o1777, "the shared folder is left as it was");
    assert_eq!(mode(&own), 0o700);
    let names: Vec<String> = std::fs::read_dir(&own)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with(".log")),
        "the log is in the private folder: {names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with(".key")),
        "the key is in the private folder: {names:?}"
    );
    // Nothing but the private folder was put in the shared one.
    assert_eq!(std::fs::read_dir(&shared).unwrap().count(), 1);
    // The default log folder, opened by hand to 0755, is not narrowed again.
    dir.run(&["report", "weekly"]);
    std::fs::set_permissions(dir.log_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir.run(&["report", "weekly"]);
    assert_eq!(mode(&dir.log_dir()), 0o755);
    assert_eq!(
        mode(
            &dir.log_dir()
                .join(iccc_desk::private_folder::own_folder_name())
        ),
        0o700
    );
}
