//! A supervisor exports the sites, the cameras, the blocked list, the coverage gaps and the week's numbers from
//! the command line (`iccc-desk export`) as CSV, XLSX and GeoJSON, opens them in other programs (here: a CSV
//! parser, an XLSX reader, a GeoJSON parser) and finds every row, the Hindi names intact and no password or username; an export that cannot be written
//! says why and leaves nothing behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, DataType as _, Reader as _};

/// 2026-11-25 05:30 IST: the fixed "now" of the demo registry.
const NOW: i64 = 1_795_564_800;
/// The camera added to the demo registry to prove credentials never leave it.
const PASSWORD: &str = "Pa55-never-exported-7731";
const USERNAME: &str = "login-never-exported";

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self) -> PathBuf {
        self.path("registry.sqlite")
    }

    /// Runs iccc-desk on this directory's registry; HOME points here so no real user file is touched.
    fn run(&self, args: &[&str]) -> Output {
        self.command("", args)
    }

    /// Runs iccc-desk through `sh -c` with `setup` first (limits), e.g. "ulimit -f 4".
    fn command(&self, setup: &str, args: &[&str]) -> Output {
        let exe = env!("CARGO_BIN_EXE_iccc-desk");
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("{setup}\nexec \"$0\" \"$@\""))
            .arg(exe)
            .arg("--db")
            .arg(self.db())
            .arg("--key-dir")
            .arg(self.path("keys"))
            .args(args)
            .env_remove("ICCC_DESK_KEY_DIR")
            .env("HOME", self.dir.path())
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"));
        c.output().expect("run iccc-desk")
    }

    /// Names of the files directly in the directory, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// `iccc-desk export WHAT --format FORMAT -o TARGET` on the directory's registry.
/// The lists are read two days after the demo's last probes, when the places whose cameras were last found
/// offline have become coverage gaps (the demo carries a week of probing that ends at `NOW`).
const LOOKED_AT: i64 = NOW + 2 * 86_400;

fn export(dir: &Dir, what: &str, format: &str, target: &Path) -> Output {
    dir.run(&[
        "export",
        what,
        "--format",
        format,
        "-o",
        target.to_str().expect("a UTF-8 path"),
        &format!("--now-unix-s={LOOKED_AT}"),
    ])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

/// The demo registry of 3,200 cameras plus one camera with a username and a password, at a site with a Hindi
/// name. Returns that site's Hindi name.
fn demo_with_a_secret(dir: &Dir) -> String {
    ok(&dir.run(&["demo", &format!("--now-unix-s={NOW}")]));
    let mut store = iccc_desk::store::Store::open(
        &dir.db(),
        &iccc_desk::store::OpenOptions {
            key_dir: dir.path("keys"),
        },
    )
    .expect("open the demo registry");
    let snapshot = store.load_snapshot().expect("snapshot");
    let site = snapshot
        .sites
        .iter()
        .find(|s| !s.site.name_hi.is_empty())
        .expect("a demo site with a Hindi name")
        .clone();
    let mut camera = iccc_desk::model::Camera::blank_at(site.site.lat_deg, site.site.lon_deg);
    camera.label = "Secret test gate".into();
    camera.area_watched = iccc_desk::model::AreaWatched::Gate;
    camera.username = USERNAME.into();
    camera.stream_url = "rtsp://127.250.250.250:8554/secret-test".into();
    store
        .add_camera(
            &iccc_desk::store::Actor {
                user: "op.test".into(),
                now_unix_s: NOW,
            },
            site.id,
            &camera,
            &iccc_desk::store::PasswordEdit::Set(PASSWORD.into()),
        )
        .expect("add the camera with credentials");
    site.site.name_hi
}

fn count(db: &Path, sql: &str) -> usize {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open read-only");
    let n: i64 = conn.query_row(sql, [], |r| r.get(0)).expect(sql);
    usize::try_from(n).expect("count")
}

/// The CSV's header and records, after checking the byte-order mark and the CRLF line ends.
fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = std::fs::read(path).expect("read CSV");
    let body = bytes
        .strip_prefix("\u{feff}".as_bytes())
        .expect("UTF-8 byte-order mark first, for Excel");
    assert!(body.ends_with(b"\r\n"), "CRLF line ends");
    let mut reader = csv::Reader::from_reader(body);
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let records = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .expect("every record parses");
    (header, records)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("column {name:?} in {header:?}"))
}

fn assert_no_secret_in_file(path: &Path) {
    let bytes = std::fs::read(path).expect("read export");
    let body = text(&bytes);
    assert!(
        !body.contains(PASSWORD),
        "{}: password found",
        path.display()
    );
    assert!(
        !body.contains(USERNAME),
        "{}: username found",
        path.display()
    );
}

#[test]
fn every_list_reads_back_in_every_format() {
    let dir = Dir::new();
    let hindi_name = demo_with_a_secret(&dir);
    let db = dir.db();
    let sites = count(&db, "SELECT count(*) FROM site");
    let cameras = count(&db, "SELECT count(*) FROM camera");
    let blocked = count(&db, "SELECT count(*) FROM camera WHERE stage = 'blocked'");
    assert!(
        cameras > 3_000 && blocked > 0,
        "{cameras} cameras, {blocked} blocked"
    );
    // The gaps: as many rows as the weekly report counts.
    let report: serde_json::Value = serde_json::from_str(&ok(&dir.run(&[
        "report",
        "weekly",
        "--json",
        &format!("--now-unix-s={LOOKED_AT}"),
    ])))
    .expect("JSON report");
    let gaps = usize::try_from(report["gaps"].as_u64().expect("gaps counted")).expect("count");
    assert!(gaps > 0, "no gap to export");
    let lists = [
        ("sites", sites, "Name (Hindi)"),
        ("cameras", cameras, "Site (Hindi)"),
        ("blocked", blocked, "Site (Hindi)"),
        ("gaps", gaps, "Place (Hindi)"),
    ];

    for (what, rows, hindi_column) in lists {
        // CSV: BOM, CRLF, every row, Hindi intact, no secret column or text.
        let path = dir.path(&format!("{what}.csv"));
        let out = ok(&export(&dir, what, "csv", &path));
        assert_eq!(out.lines().count(), 1, "one summary line: {out}");
        assert!(out.starts_with("Wrote ") && out.contains("(CSV, "), "{out}");
        assert!(out.contains(&path.display().to_string()), "{out}");
        let (header, records) = read_csv(&path);
        assert_eq!(records.len(), rows, "{what}: rows");
        for h in &header {
            let h = h.to_lowercase();
            assert!(
                !h.contains("password") && !h.contains("username"),
                "{what}: column {h}"
            );
        }
        let hi = column(&header, hindi_column);
        let hindi: Vec<&str> = records.iter().filter_map(|r| r.get(hi)).collect();
        if what == "sites" || what == "cameras" {
            assert!(
                hindi.contains(&hindi_name.as_str()),
                "{what}: {hindi_name} intact"
            );
        }
        assert!(
            hindi
                .iter()
                .any(|h| h.chars().any(|c| ('\u{0900}'..='\u{097f}').contains(&c))),
            "{what}: Devanagari present"
        );
        assert_no_secret_in_file(&path);

        // XLSX: one sheet, header plus every row, Hindi intact.
        let path = dir.path(&format!("{what}.xlsx"));
        let out = ok(&export(&dir, what, "xlsx", &path));
        assert!(out.contains("(XLSX, "), "{out}");
        let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open XLSX");
        let names = workbook.sheet_names();
        assert_eq!(names.len(), 1, "{names:?}");
        let range = workbook.worksheet_range(&names[0]).expect("sheet");
        assert_eq!(range.height(), rows + 1, "{what}: header + rows");
        let header: Vec<String> = range
            .rows()
            .next()
            .expect("header row")
            .iter()
            .map(|c| c.to_string())
            .collect();
        let hi = column(&header, hindi_column);
        if what == "sites" || what == "cameras" {
            assert!(
                range
                    .rows()
                    .any(|r| matches!(r.get(hi), Some(Data::String(s)) if *s == hindi_name)),
                "{what}: {hindi_name} intact in XLSX"
            );
        }
        for row in range.rows() {
            for cell in row {
                if let Data::String(s) = cell {
                    assert!(
                        !s.contains(PASSWORD) && !s.contains(USERNAME),
                        "{what}: {s}"
                    );
                }
            }
        }

        // GeoJSON: a FeatureCollection of points, longitude first.
        let path = dir.path(&format!("{what}.geojson"));
        let out = ok(&export(&dir, what, "geojson", &path));
        assert!(out.contains("(GeoJSON, "), "{out}");
        let body = std::fs::read_to_string(&path).expect("read GeoJSON");
        let geojson::GeoJson::FeatureCollection(fc) = body.parse().expect("valid GeoJSON") else {
            panic!("{what}: not a FeatureCollection");
        };
        assert_eq!(fc.features.len(), rows, "{what}: features");
        let Some(geojson::Value::Point(p)) = fc.features[0].geometry.as_ref().map(|g| &g.value)
        else {
            panic!("{what}: first feature is not a point");
        };
        assert!(
            (p[0] - 78.5).abs() < 0.3,
            "{what}: longitude first, got {p:?}"
        );
        assert!(
            (p[1] - 25.4).abs() < 0.2,
            "{what}: latitude second, got {p:?}"
        );
        assert_no_secret_in_file(&path);
    }
    // The week's numbers: a row per owner category and one for all, equal to the report; no GeoJSON form.
    let path = dir.path("weekly.xlsx");
    let out = ok(&export(&dir, "weekly", "xlsx", &path));
    assert!(out.starts_with("Wrote the week's numbers"), "{out}");
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open XLSX");
    let range = workbook.worksheet_range("Weekly review").expect("sheet");
    let header: Vec<String> = range
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let all = range
        .rows()
        .find(|r| {
            r.get(column(&header, "Owner category")) == Some(&Data::String("All categories".into()))
        })
        .expect("the row of all categories");
    let number = |name: &str| all.get(column(&header, name)).and_then(|c| c.as_f64());
    assert_eq!(
        number("Integrated in total"),
        report["integrated_total"].as_f64()
    );
    assert_eq!(
        number("Integrated this week"),
        report["integrated_this_week"].as_f64()
    );
    assert_eq!(number("Coverage gaps now"), Some(gaps as f64));
    let hotels = range
        .rows()
        .find(|r| r.get(column(&header, "Owner category")) == Some(&Data::String("Hotel".into())))
        .expect("the hotels' row");
    assert_eq!(
        hotels
            .get(column(&header, "Integrated in total"))
            .and_then(|c| c.as_f64()),
        report["by_category"]["hotel"]["integrated_total"].as_f64()
    );
    let path = dir.path("weekly-w47.csv");
    ok(&dir.run(&[
        "export",
        "weekly",
        "--week",
        "2026-W47",
        "--format",
        "csv",
        "-o",
        path.to_str().expect("UTF-8"),
        &format!("--now-unix-s={NOW}"),
    ]));
    let (header, records) = read_csv(&path);
    assert_eq!(records.len(), 11, "ten owner categories and all of them");
    assert!(records[0][column(&header, "Week")].starts_with("2026-W47 (2026-11-16"));
    let refused = export(&dir, "weekly", "geojson", &dir.path("weekly.geojson"));
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("no map positions"));
    assert!(!dir.path("weekly.geojson").exists());

    // Nothing but the registry, its WAL side files, keys and the exports.
    let leftovers: Vec<String> = dir
        .files()
        .into_iter()
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_failed_export_says_why_and_leaves_nothing() {
    let dir = Dir::new();
    // 1,000 cameras: a cameras CSV of a few hundred KB, well past the file-size limit below.
    ok(&dir.run(&["demo", "--cameras", "1000", &format!("--now-unix-s={NOW}")]));

    // Tests run as root, where chmod does not stop a write; a regular FILE standing where the folder should be
    // stops anyone, so it plays the unwritable folder.
    let plain = dir.path("plain-file");
    std::fs::write(&plain, "not a folder").expect("write");
    let target = plain.join("sites.csv");
    let out = export(&dir, "sites", "csv", &target);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("is not a folder") && err.contains(&target.display().to_string()),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    // /proc takes no new files, not even from root: a read-only folder.
    let target = Path::new("/proc/iccc-desk-export-test.csv");
    let out = export(&dir, "cameras", "xlsx", target);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("read-only or not writable"),
        "{}",
        text(&out.stderr)
    );
    assert!(!target.exists());

    // A missing folder.
    let target = dir.path("no-such-folder/x.geojson");
    let out = export(&dir, "blocked", "geojson", &target);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("does not exist"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path("no-such-folder").exists());

    // An existing file is replaced whole, or not at all: a write cut off half-way (the file-size limit makes
    // the write fail with "File too large"; SIGXFSZ is ignored so the program sees the error instead of dying)
    // leaves the old content and no temporary file. The limit (100 blocks: 50 or 100 KB, as the shell counts)
    // still lets SQLite make its 32 KB shared-memory file beside the registry.
    let target = dir.path("cameras.csv");
    std::fs::write(&target, "old export").expect("write");
    let out = dir.command(
        "trap '' XFSZ; ulimit -f 100",
        &[
            "export",
            "cameras",
            "--format",
            "csv",
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&target.display().to_string()),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&target).expect("old file"),
        "old export"
    );
    let partial: Vec<String> = dir
        .files()
        .into_iter()
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(partial.is_empty(), "{partial:?}");
    // Then a full export replaces it.
    ok(&export(&dir, "cameras", "csv", &target));
    let (_, records) = read_csv(&target);
    assert_eq!(
        records.len(),
        count(&dir.db(), "SELECT count(*) FROM camera")
    );

    // A bad registry: exit 2, one line, and the old export untouched.
    std::fs::write(dir.db(), "not a database").expect("write");
    let out = export(&dir, "cameras", "csv", &target);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr).lines().count(), 1);
    assert_eq!(read_csv(&target).1.len(), records.len());
}

#[test]
fn an_export_or_report_never_replaces_the_registry_its_keys_or_a_device() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = Dir::new();
    let store = iccc_desk::store::Store::open(
        &dir.db(),
        &iccc_desk::store::OpenOptions {
            key_dir: dir.path("keys"),
        },
    )
    .expect("a new registry");
    let key = iccc_desk::store::SecretBox::key_path(&dir.path("keys"), store.registry_uuid());
    drop(store);
    let registry_before = std::fs::read(dir.db()).unwrap();
    let key_before = std::fs::read(&key).unwrap();
    std::os::unix::fs::symlink(dir.db(), dir.path("link-to-registry.csv")).unwrap();
    std::fs::hard_link(dir.db(), dir.path("hard-link.csv")).unwrap();
    let fifo = dir.path("fifo.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let refused = |args: &[&str], target: &Path, why: &str| {
        let out = dir.run(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(&target.display().to_string()) && err.contains(why),
            "{args:?}: {err}"
        );
    };
    let wal = dir.path("registry.sqlite-wal");
    let key_folder_file = dir.path("keys").join("sites.csv");
    for (target, why) in [
        (dir.db(), "registry"),
        (wal.clone(), "registry"),
        (dir.path("link-to-registry.csv"), "registry"),
        (dir.path("hard-link.csv"), "registry"),
        (key.clone(), "key folder"),
        (key_folder_file.clone(), "key folder"),
        (fifo.clone(), "FIFO"),
        (PathBuf::from("/dev/null"), "character device"),
    ] {
        let t = target.to_str().unwrap();
        refused(
            &["export", "sites", "--format", "csv", "-o", t],
            &target,
            why,
        );
        refused(
            &[
                "report",
                "weekly",
                "--format",
                "html",
                "-o",
                t,
                &format!("--now-unix-s={NOW}"),
            ],
            &target,
            why,
        );
    }
    // The import report too (a dry run of a one-row list).
    let list = dir.path("list.csv");
    std::fs::write(&list, "name,lat,lon\nGate,25.4486,78.5697\n").unwrap();
    let db = dir.db();
    refused(
        &[
            "import",
            list.to_str().unwrap(),
            "--dry-run",
            "--report",
            db.to_str().unwrap(),
        ],
        &db,
        "registry",
    );
    assert_eq!(std::fs::read(dir.db()).unwrap(), registry_before);
    assert_eq!(std::fs::read(&key).unwrap(), key_before);
    assert!(!key_folder_file.exists());
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

/// Another database's write-ahead log or rollback journal is never replaced, whether it is known by its first
/// bytes or by its name beside the database; a refused target is refused before any work (an import is not
/// committed, the registry is not read).
#[test]
fn another_databases_wal_or_journal_is_never_replaced_and_a_refused_target_stops_the_work_first() {
    let dir = Dir::new();
    let store = iccc_desk::store::Store::open(
        &dir.db(),
        &iccc_desk::store::OpenOptions {
            key_dir: dir.path("keys"),
        },
    )
    .expect("a new registry");
    drop(store);
    // Another program's database (a base map, a second registry) with its side files.
    let other = dir.path("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let mut wal_head = vec![0x37, 0x7f, 0x06, 0x82, 0, 0x2d, 0xe2, 0x18];
    wal_head.resize(64, 0);
    let journal_head = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7, 0, 0, 0, 0];
    let targets = [
        (
            dir.path("other.sqlite-wal"),
            b"anything".to_vec(),
            "side file",
        ),
        (dir.path("other.sqlite-journal"), Vec::new(), "side file"),
        (dir.path("other.sqlite-shm"), vec![0; 32], "side file"),
        (
            dir.path("copied-wal.csv"),
            wal_head.clone(),
            "write-ahead log",
        ),
        (
            dir.path("journal.csv"),
            journal_head.to_vec(),
            "rollback journal",
        ),
    ];
    for (target, body, why) in &targets {
        std::fs::write(target, body).unwrap();
        let out = export(&dir, "sites", "csv", target);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", target.display());
        assert!(
            err.contains(&target.display().to_string()) && err.contains(why),
            "{}: {err}",
            target.display()
        );
        assert_eq!(&std::fs::read(target).unwrap(), body, "left as it was");
    }
    // A `-wal` name with no database beside it is an ordinary name.
    let lone = dir.path("notes.csv-wal");
    ok(&export(&dir, "sites", "csv", &lone));

    // `import --report` to a refused target: nothing is imported, and the line says why.
    let list = dir.path("list.csv");
    std::fs::write(
        &list,
        "site,camera,latitude,longitude,area watched\nRailway Station,Gate 2,25.4486,78.5696,gate\n",
    )
    .unwrap();
    let cameras = || count(&dir.db(), "SELECT count(*) FROM camera");
    for target in [PathBuf::from("/dev/null"), dir.db(), targets[0].0.clone()] {
        let out = dir.run(&[
            "import",
            list.to_str().unwrap(),
            "--report",
            target.to_str().unwrap(),
        ]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", target.display());
        assert!(
            err.contains(&target.display().to_string()),
            "{}: {err}",
            target.display()
        );
        assert_eq!(cameras(), 0, "{}: nothing was imported", target.display());
    }
    // `export -o` and `report weekly -o` refuse the target before the registry is looked at: a missing
    // registry is not what they complain of.
    let missing = dir.path("no-such-registry.sqlite");
    for args in [
        vec!["export", "sites", "--format", "csv", "-o", "/dev/null"],
        vec!["report", "weekly", "--format", "html", "-o", "/dev/null"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_iccc-desk"))
            .arg("--db")
            .arg(&missing)
            .arg("--key-dir")
            .arg(dir.path("keys"))
            .args(&args)
            .env("HOME", dir.dir.path())
            .env("XDG_DATA_HOME", dir.path("xdg-data"))
            .env("XDG_CONFIG_HOME", dir.path("xdg-config"))
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("/dev/null"), "{args:?}: {err}");
        assert!(!err.contains("no such registry"), "{args:?}: {err}");
        assert!(!missing.exists());
    }
}
