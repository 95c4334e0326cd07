//! The command line: open the desk, write the demo registry, print the review figures, probe or simulate cameras.
//!
//! `main` only parses [`Args`] and calls [`run`]. A problem with the registry file the user named (not SQLite,
//! damaged, read-only, from a newer build, missing, already holding data) is one line on stderr that names the
//! file and says why, exit code 2, and the file is left exactly as it was; any other failure exits with 1.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};

use crate::i18n::{I18n, Lang};
use crate::model::{BlockReason, IntegrationStage, OwnerCategory, ist_datetime};
use crate::services::demo::{self, DemoError, DemoOptions};
use crate::services::export::{self, ExportFormat, ExportList};
use crate::services::probe::ProbeOptions;
use crate::services::prober::{SweepOptions, SweepReport, due_targets, sweep};
use crate::services::simulator::{
    ShardSet, SimError, SimOptions, SimReport, SimStats, Simulator, shards_for,
};
use crate::services::stats::{self, Stats};
use crate::store::{Actor, OpenOptions, Store, StoreError};

/// Environment variable naming the password key directory (`--key-dir` wins over it).
pub const KEY_DIR_ENV: &str = "ICCC_DESK_KEY_DIR";

/// Camera-integration desk for the ICCC of a Safe City programme (Jhansi).
///
/// Without a command it opens the desk window on the registry file.
#[derive(Debug, Parser)]
#[command(name = "iccc-desk", version)]
pub struct Args {
    /// Registry file (SQLite). Default: registry.sqlite in the user's data directory for iccc-desk.
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Directory of the password keys (kept apart from the registry). Default: $ICCC_DESK_KEY_DIR, else
    /// keys/ in the user's configuration directory for iccc-desk.
    #[arg(long, global = true, value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
    /// Open a demo registry without answering for its cameras in the desk (e.g. when `iccc-desk simulate`
    /// runs on its own).
    #[arg(long)]
    pub no_simulator: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The reports the CLI writes.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The weekly review's numbers for one week (Monday to Sunday, India Standard Time), from the stage history.
    Weekly {
        /// The week, as YYYY-Www (e.g. 2026-W48); default: the week now.
        #[arg(long, value_name = "YYYY-Www")]
        week: Option<String>,
        /// Print JSON instead of text (the same as --format json).
        #[arg(long)]
        json: bool,
        /// What to write: text or JSON on stdout, or the printable HTML report into the file named by -o.
        #[arg(long, value_enum)]
        format: Option<WeeklyFormat>,
        /// The file to write the HTML report into (replaced if it exists); needed by --format html.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Language of the text and HTML report.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// The moment "now" is, unix seconds (for tests).
        #[arg(long, hide = true, allow_negative_numbers = true)]
        now_unix_s: Option<i64>,
    },
}

/// What `iccc-desk report weekly` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WeeklyFormat {
    Text,
    Json,
    /// The printable report: one self-contained HTML file (charts, coverage gaps, Hindi font embedded).
    Html,
}

/// The languages of the CLI's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    En,
    Hi,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => Lang::En,
            LangArg::Hi => Lang::Hi,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo registry of Jhansi (invented data, marked as demo) into an empty registry file.
    Demo {
        /// Cameras to generate; sites and figures scale with it.
        #[arg(long, default_value_t = demo::DEFAULT_CAMERAS as u32,
              value_parser = clap::value_parser!(u32).range(demo::MIN_CAMERAS as i64..=demo::MAX_CAMERAS as i64))]
        cameras: u32,
        /// Seed of the generator: the same seed and time give the same registry.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The "now" the stage histories end at, unix seconds (for tests).
        #[arg(long, hide = true, allow_negative_numbers = true)]
        now_unix_s: Option<i64>,
    },
    /// Print the weekly review's figures (counted from the stage history; the file is only read).
    Stats {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// The moment the figures are for, unix seconds (for tests).
        #[arg(long, hide = true, allow_negative_numbers = true)]
        now_unix_s: Option<i64>,
    },
    /// Reports for the review meeting (the file is only read).
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// Export a list of the registry as CSV (Excel, Hindi intact), XLSX or GeoJSON; the file is only read, and
    /// the export appears complete or not at all. Never a camera password or username.
    Export {
        /// Which list.
        #[arg(value_enum)]
        what: ExportWhat,
        /// File format.
        #[arg(long, value_enum)]
        format: ExportFormatArg,
        /// The file to write (replaced if it exists).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// For `weekly`: the week, as YYYY-Www; default: the week now.
        #[arg(long, value_name = "YYYY-Www")]
        week: Option<String>,
        /// The moment "now" is, unix seconds (for tests).
        #[arg(long, hide = true, allow_negative_numbers = true)]
        now_unix_s: Option<i64>,
    },
    /// Import a list of cameras (CSV, XLSX/XLS/ODS, GeoJSON points, OpenStreetMap Overpass JSON): map its
    /// columns, check every row, then add or update the good rows in one transaction (or, with --dry-run, only
    /// report). Prints how many rows are added, updated and refused, and each refusal's row, field and reason.
    /// Exit code 0 even when rows are refused; non-zero only when the file or the registry cannot be read.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Its format (default: from its content and name).
        #[arg(long, value_enum)]
        format: Option<ImportFormatArg>,
        /// A spreadsheet's sheet (default: the first with data).
        #[arg(long)]
        sheet: Option<String>,
        /// Map columns with this saved profile instead of guessing from the headers.
        #[arg(long)]
        profile: Option<String>,
        /// Save the mapping used as a profile with this name.
        #[arg(long, value_name = "NAME")]
        save_profile: Option<String>,
        /// Map a column by hand: HEADER=FIELD (e.g. "x=longitude"); repeat for more. Fields: source_id, label,
        /// site_name, site_name_hi, operator, owner_category, latitude, longitude, point_wkt, direction,
        /// field_of_view, range, area_watched, address, ward, police_station, contact_person, phone, stream_url,
        /// snapshot_url, nvr_host, nvr_channel, make, model, username, password, notes; "-" for none.
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        map: Vec<String>,
        /// Rows matching a camera already in the registry update it (default: they are skipped).
        #[arg(long)]
        update_duplicates: bool,
        /// Owner category of new sites whose row does not say (a code, e.g. public_place, hotel).
        #[arg(long, value_name = "CODE")]
        category: Option<String>,
        /// What a camera watches when its row does not say (a code, e.g. road_frontage, entrance).
        #[arg(long, value_name = "CODE")]
        area: Option<String>,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Also write the refusals, skips and notes as a CSV report.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Print the writing's progress on stderr, one line per step ("importing: 35 %"), for scripts.
        #[arg(long)]
        progress: bool,
    },
    /// Show or set the area the registry serves: its city and country, as boxes south,west,north,east in
    /// degrees. Points outside the country box are refused as typos, and a point that lands inside only with
    /// latitude and longitude swapped is called swapped. Default: Jhansi, India.
    Area {
        /// The city's name.
        #[arg(long)]
        city: Option<String>,
        /// The country's name as messages say it ("India", "the United Kingdom").
        #[arg(long)]
        country: Option<String>,
        /// The city's box: south,west,north,east.
        #[arg(long, value_name = "S,W,N,E", allow_hyphen_values = true)]
        city_box: Option<String>,
        /// The country's box: south,west,north,east.
        #[arg(long, value_name = "S,W,N,E", allow_hyphen_values = true)]
        country_box: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Probe the configured and integrated cameras (RTSP and snapshot) without the window, and store their
    /// health; runs until stopped, or one sweep with --once.
    Probe {
        /// One sweep over every camera, then exit.
        #[arg(long)]
        once: bool,
        /// Print JSON (one object per sweep) instead of lines.
        #[arg(long)]
        json: bool,
        /// Probes in flight at once.
        #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=512))]
        concurrency: u16,
        /// Time limit of each camera's whole probe (the stream, then the snapshot in what is left), milliseconds.
        #[arg(long, default_value_t = 3_000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
        timeout_ms: u64,
        /// Seconds between probes of a working camera (failing ones back off up to 16 times that).
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(5..=86_400))]
        interval_s: u64,
        /// Most probes started per minute; 0 for no limit.
        #[arg(long, default_value_t = 0)]
        max_per_min: u32,
    },
    /// Answer like the registry's cameras on their loopback addresses (RTSP OPTIONS/DESCRIBE with Digest, HTTP
    /// JPEG snapshots), with a mix of healthy, offline, slow and broken cameras; runs until Ctrl-C, SIGTERM or
    /// --duration-s. Only 127.0.0.0/8 is ever listened on.
    Simulate {
        /// Seed of the behaviour mix (which cameras are offline, slow, refuse passwords, ...).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Stop after this many seconds.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        duration_s: Option<u64>,
        /// When the open-file limit cannot cover every camera's sockets, simulate the cameras that fit in this one
        /// process instead of starting several processes.
        #[arg(long)]
        fit_file_limit: bool,
        /// Serve only shard I of N and report on stdout as JSON lines (what the simulator starts itself when one
        /// process's open-file limit is too small).
        #[arg(long, hide = true, value_name = "I/N", value_parser = parse_shard)]
        shard: Option<(usize, usize)>,
        /// Run at a lower CPU priority (the desk starts its helper simulator processes so, behind its window).
        #[arg(long, hide = true)]
        background: bool,
    },
}

/// The lists `iccc-desk export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportWhat {
    /// Every site with its owner, contact, place and camera counts.
    Sites,
    /// Every camera with its site, stage and addresses (without credentials).
    Cameras,
    /// Priority places no working integrated camera watches now, with why and the nearest camera to integrate.
    Gaps,
    /// Blocked cameras by owner category and owner, with reason, since when and the last note.
    Blocked,
    /// The week's numbers by owner category (no GeoJSON form: they have no place).
    Weekly,
}

/// Source formats of `iccc-desk import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormatArg {
    Csv,
    /// XLSX, XLS or ODS.
    Xlsx,
    Geojson,
    Overpass,
}

impl From<ImportFormatArg> for crate::services::import::read::SourceFormat {
    fn from(f: ImportFormatArg) -> Self {
        match f {
            ImportFormatArg::Csv => Self::Csv,
            ImportFormatArg::Xlsx => Self::Spreadsheet,
            ImportFormatArg::Geojson => Self::GeoJson,
            ImportFormatArg::Overpass => Self::Overpass,
        }
    }
}

/// File formats of `iccc-desk export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormatArg {
    Csv,
    Xlsx,
    Geojson,
}

impl From<ExportFormatArg> for ExportFormat {
    fn from(f: ExportFormatArg) -> Self {
        match f {
            ExportFormatArg::Csv => Self::Csv,
            ExportFormatArg::Xlsx => Self::Xlsx,
            ExportFormatArg::Geojson => Self::GeoJson,
        }
    }
}

/// Why a command failed, and the exit code that says so.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Something wrong with what the user gave (a file, a size): exit code 2.
    #[error("{0}")]
    BadInput(String),
    /// Anything else: exit code 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::BadInput(_) => 2,
            Self::Failed(_) => 1,
        }
    }

    /// A store error about `path`, as one line that names the file.
    fn from_store(path: &Path, e: StoreError) -> Self {
        // SQLite finding the file damaged while reading is the same refusal as the check on open finding it.
        let e = match e {
            StoreError::Sql(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) =>
            {
                StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                }
            }
            e => e,
        };
        let is_bad_input = matches!(
            e,
            StoreError::NotARegistry { .. }
                | StoreError::NewerSchema { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::CannotOpen { .. }
                | StoreError::Secret(_)
                | StoreError::Damaged { .. }
                | StoreError::GuardsChanged { .. }
                | StoreError::Missing { .. }
                | StoreError::Corrupt { .. }
        );
        let text = e.to_string();
        let shown = path.display().to_string();
        let text = if text.contains(&shown) {
            text
        } else {
            format!("{shown}: {text}")
        };
        if is_bad_input {
            Self::BadInput(text)
        } else {
            Self::Failed(text)
        }
    }
}

/// The registry file used when `--db` is not given: `registry.sqlite` in the user's data directory.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("in", "ICCC", "iccc-desk")
        .map(|d| d.data_dir().join("registry.sqlite"))
}

/// The password key directory used when neither `--key-dir` nor `ICCC_DESK_KEY_DIR` is given.
pub fn default_key_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("in", "ICCC", "iccc-desk").map(|d| d.config_dir().join("keys"))
}

fn resolve_paths(args: &Args) -> Result<(PathBuf, PathBuf), CliError> {
    let no_home = || CliError::BadInput(I18n::new(Lang::En).tr("cli-error-no-home"));
    let db = match &args.db {
        Some(db) => db.clone(),
        None => default_db_path().ok_or_else(no_home)?,
    };
    let key_dir = match (&args.key_dir, std::env::var_os(KEY_DIR_ENV)) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) if !dir.is_empty() => PathBuf::from(dir),
        _ => default_key_dir().ok_or_else(no_home)?,
    };
    Ok((db, key_dir))
}

/// Runs the parsed command line; prints any failure as one line on stderr.
pub fn run(args: Args) -> ExitCode {
    match run_command(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let line = e.to_string().replace(['\n', '\r'], " ");
            progress_note(&format!("iccc-desk: {}\n", terminal_text(&line)));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs the parsed command line.
pub fn run_command(args: Args) -> Result<(), CliError> {
    let (db, key_dir) = resolve_paths(&args)?;
    // No export or report may be written over the registry or its password keys.
    crate::services::export::protect_registry(&db, &key_dir);
    match args.command {
        None => crate::ui::run_desk(db, key_dir, !args.no_simulator)
            .map_err(|e| CliError::Failed(format!("{e:#}"))),
        Some(Command::Demo {
            cameras,
            seed,
            now_unix_s,
        }) => run_demo(&db, &key_dir, cameras as usize, seed, now_unix_s),
        Some(Command::Import {
            file,
            format,
            sheet,
            profile,
            save_profile,
            map,
            update_duplicates,
            category,
            area,
            dry_run,
            json,
            report,
            progress,
        }) => run_import(
            &db,
            &key_dir,
            &ImportRun {
                file,
                format: format.map(Into::into),
                sheet,
                profile,
                save_profile,
                map,
                update_duplicates,
                category,
                area,
                dry_run,
                json,
                report,
                progress,
            },
        ),
        Some(Command::Area {
            city,
            country,
            city_box,
            country_box,
            json,
        }) => run_area(
            &db,
            &key_dir,
            AreaChange {
                city,
                country,
                city_box,
                country_box,
            },
            json,
        ),
        Some(Command::Probe {
            once,
            json,
            concurrency,
            timeout_ms,
            interval_s,
            max_per_min,
        }) => run_probe(
            &db,
            &key_dir,
            &ProbeRun {
                once,
                json,
                sweep: SweepOptions {
                    concurrency: usize::from(concurrency),
                    probe: ProbeOptions {
                        timeout: std::time::Duration::from_millis(timeout_ms),
                    },
                    max_per_min,
                },
                interval_s: interval_s as i64,
            },
        ),
        Some(Command::Simulate {
            seed,
            duration_s,
            fit_file_limit,
            shard,
            background,
        }) => run_simulate(
            &db,
            &key_dir,
            &SimOptions {
                seed,
                fit_file_limit,
                shard,
                background,
            },
            duration_s.map(Duration::from_secs),
        ),
        Some(Command::Report {
            report:
                ReportCommand::Weekly {
                    week,
                    json,
                    format,
                    output,
                    lang,
                    now_unix_s,
                },
        }) => run_weekly(
            &db,
            &WeeklyRequest {
                week: week.as_deref(),
                format: weekly_format(json, format)?,
                output: output.as_deref(),
                lang: lang.into(),
                now_unix_s: now_unix_s.unwrap_or_else(crate::store::now_unix_s),
            },
        ),
        Some(Command::Export {
            what,
            format,
            output,
            week,
            now_unix_s,
        }) => run_export(
            &db,
            ExportRequest {
                what,
                format: format.into(),
                week: week.as_deref(),
                now_unix_s: now_unix_s.unwrap_or_else(crate::store::now_unix_s),
            },
            &output,
        ),
        Some(Command::Stats { json, now_unix_s }) => run_stats(
            &db,
            json,
            now_unix_s.unwrap_or_else(crate::store::now_unix_s),
        ),
    }
}

/// What `iccc-desk import` was asked to do.
struct ImportRun {
    file: PathBuf,
    format: Option<crate::services::import::read::SourceFormat>,
    sheet: Option<String>,
    profile: Option<String>,
    save_profile: Option<String>,
    map: Vec<String>,
    update_duplicates: bool,
    category: Option<String>,
    area: Option<String>,
    dry_run: bool,
    json: bool,
    report: Option<PathBuf>,
    progress: bool,
}

fn run_import(db: &Path, key_dir: &Path, run: &ImportRun) -> Result<(), CliError> {
    use crate::model::import::{ImportField, header_key};
    use crate::services::import::{self, ImportReport};
    let english = I18n::new(Lang::En);
    let started = Instant::now();
    let table = import::read_file(&run.file, run.format, run.sheet.as_deref())
        .map_err(|e| CliError::BadInput(e.to_string()))?;
    let open = if run.dry_run {
        // A dry run only looks: it never makes a registry.
        Store::open_existing
    } else {
        Store::open
    };
    let mut store = open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let mut settings = match &run.profile {
        Some(name) => store
            .import_profile(name)
            .map_err(|e| CliError::from_store(db, e))?
            .ok_or_else(|| {
                CliError::BadInput(format!(
                    "no import profile named {name:?} in {}",
                    db.display()
                ))
            })?
            .settings_for(&table.headers),
        None => import::plan::guess_settings(
            &table,
            &store
                .service_area()
                .map_err(|e| CliError::from_store(db, e))?,
        ),
    };
    for m in &run.map {
        let Some((header, field)) = m.rsplit_once('=') else {
            return Err(CliError::BadInput(format!(
                "--map {m:?}: write HEADER=FIELD, e.g. x=longitude"
            )));
        };
        let column = table
            .headers
            .iter()
            .position(|h| header_key(h) == header_key(header))
            .ok_or_else(|| {
                CliError::BadInput(format!(
                    "--map {m:?}: the file has no column {header:?} (its columns: {})",
                    table.headers.join(", ")
                ))
            })?;
        let field = match field.trim() {
            "-" | "" => None,
            code => Some(ImportField::from_code(code).ok_or_else(|| {
                CliError::BadInput(format!("--map {m:?}: {code:?} is not a field"))
            })?),
        };
        // One column per field: mapping it here unmaps it elsewhere.
        if let Some(f) = field {
            for slot in &mut settings.mapping {
                if *slot == Some(f) {
                    *slot = None;
                }
            }
        }
        settings.mapping[column] = field;
    }
    if run.update_duplicates {
        settings.duplicates = import::plan::DuplicatePolicy::Update;
    }
    if let Some(code) = &run.category {
        settings.default_category = OwnerCategory::from_code(code).ok_or_else(|| {
            CliError::BadInput(format!("--category {code:?} is not an owner category code"))
        })?;
    }
    if let Some(code) = &run.area {
        settings.default_area = crate::model::AreaWatched::from_code(code)
            .ok_or_else(|| CliError::BadInput(format!("--area {code:?} is not an area code")))?;
    }
    let source_name = run.file.file_name().map_or_else(
        || run.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let checked = import::dry_run(&store, &table, &settings, &english)
        .map_err(|e| CliError::from_store(db, e))?;
    let actor = Actor::os_user_now();
    let mut committed = false;
    if !run.dry_run && (checked.plan.counts.added + checked.plan.counts.updated) > 0 {
        let show_progress = std::io::stderr().is_terminal();
        let lines = run.progress;
        let mut progress = |fraction: f32| {
            if lines {
                progress_note(&format!("importing: {:.0} %\n", fraction * 100.0));
            } else if show_progress {
                progress_note(&format!("\rimporting… {:.0} %", fraction * 100.0));
            }
            true
        };
        import::commit::commit(
            &mut store,
            &actor,
            &checked.plan,
            &source_name,
            checked.revision,
            &mut progress,
        )
        .map_err(|e| CliError::Failed(format!("{}: {e}", run.file.display())))?;
        if show_progress && !lines {
            progress_note("\n");
        }
        committed = true;
    }
    if let Some(name) = &run.save_profile {
        let profile = import::plan::ImportProfile::from_settings(name, &table.headers, &settings);
        store
            .save_import_profile(&actor, &profile)
            .map_err(|e| CliError::from_store(db, e))?;
    }
    let report = ImportReport::new(
        &run.file.display().to_string(),
        &table,
        &checked.plan,
        committed,
    );
    if let Some(path) = &run.report {
        export::write_csv(&report.table(&english), path)
            .map_err(|e| CliError::Failed(e.message(&english)))?;
    }
    if run.json {
        say(&serde_json::to_string_pretty(&report).unwrap_or_default());
        return Ok(());
    }
    let verb = if committed {
        "Imported"
    } else if run.dry_run {
        "Checked (dry run, nothing written)"
    } else {
        "Nothing to write from"
    };
    say(&format!(
        "{verb} {}: {} rows — {} added ({} new sites, {} private-area cameras as rejected), {} updated, {} unchanged, {} skipped as duplicates, {} refused ({:.1} s)",
        run.file.display(),
        report.rows,
        report.added,
        report.new_sites,
        report.rejected_private,
        report.updated,
        report.unchanged,
        report.skipped,
        report.refused,
        started.elapsed().as_secs_f64()
    ));
    let t = terminal_text;
    for note in &report.file_notes {
        say(&format!("  file: {}", t(note)));
    }
    for r in &report.refusals {
        say(&format!(
            "  row {}: {}: {}",
            r.row,
            t(&r.field),
            t(&r.reason)
        ));
    }
    for r in &report.skips {
        say(&format!("  row {}: {}", r.row, t(&r.reason)));
    }
    for r in &report.notes {
        say(&format!(
            "  row {}: {} (note): {}",
            r.row,
            t(&r.field),
            t(&r.reason)
        ));
    }
    Ok(())
}

/// What `iccc-desk area` was asked to change.
struct AreaChange {
    city: Option<String>,
    country: Option<String>,
    city_box: Option<String>,
    country_box: Option<String>,
}

fn run_area(db: &Path, key_dir: &Path, change: AreaChange, as_json: bool) -> Result<(), CliError> {
    use crate::model::LatLonBox;
    let changes = change.city.is_some()
        || change.country.is_some()
        || change.city_box.is_some()
        || change.country_box.is_some();
    // Showing the area only looks: it never makes a registry.
    let open = if changes {
        Store::open
    } else {
        Store::open_existing
    };
    let mut store = open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let mut area = store
        .service_area()
        .map_err(|e| CliError::from_store(db, e))?;
    if changes {
        let parse = |flag: &str, text: &str| {
            LatLonBox::parse(text).map_err(|e| CliError::BadInput(format!("--{flag}: {e}")))
        };
        if let Some(city) = change.city {
            area.city = city;
        }
        if let Some(country) = change.country {
            area.country = country;
        }
        if let Some(b) = &change.city_box {
            area.city_box = parse("city-box", b)?;
        }
        if let Some(b) = &change.country_box {
            area.country_box = parse("country-box", b)?;
        }
        area.check().map_err(CliError::BadInput)?;
        store
            .set_service_area(&Actor::os_user_now(), &area)
            .map_err(|e| CliError::from_store(db, e))?;
    }
    if as_json {
        say(&serde_json::to_string_pretty(&area).unwrap_or_default());
    } else {
        let b = |b: &LatLonBox| {
            format!(
                "{},{},{},{}",
                b.lat_deg.0, b.lon_deg.0, b.lat_deg.1, b.lon_deg.1
            )
        };
        say(&format!(
            "{}, {}: city box {} (S,W,N,E), country box {}",
            area.city,
            area.country,
            b(&area.city_box),
            b(&area.country_box)
        ));
    }
    Ok(())
}

fn run_demo(
    db: &Path,
    key_dir: &Path,
    cameras: usize,
    seed: u64,
    now: Option<i64>,
) -> Result<(), CliError> {
    let english = I18n::new(Lang::En);
    let started = Instant::now();
    let mut store = Store::open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let actor = Actor::os_user_now();
    let options = DemoOptions {
        cameras,
        seed,
        now_unix_s: now.unwrap_or(actor.now_unix_s),
        user: actor.user,
    };
    let show_progress = std::io::stderr().is_terminal();
    let progress = |fraction: f32| {
        if show_progress {
            let percent = ((fraction * 100.0).round() as i64).to_string();
            progress_note(&format!(
                "\r{}",
                english.tr_args("cli-demo-progress", &[("percent", percent)])
            ));
        }
        true
    };
    let result = demo::generate(&mut store, &options, &progress);
    if show_progress {
        progress_note("\r\x1b[2K");
    }
    let summary = result.map_err(|e| match e {
        DemoError::Store(e) => CliError::from_store(db, e),
        e @ (DemoError::NotEmpty { .. } | DemoError::Size { .. }) => {
            CliError::BadInput(e.to_string())
        }
        e @ DemoError::Cancelled => CliError::Failed(e.to_string()),
    })?;
    drop(store);
    say(&english.tr_args(
        "cli-demo-done",
        &[
            ("path", db.display().to_string()),
            ("cameras", summary.cameras.to_string()),
            ("sites", summary.sites.to_string()),
            ("integrated", summary.integrated.to_string()),
            ("week", summary.integrated_last_7_days.to_string()),
            ("seed", seed.to_string()),
            ("seconds", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    ));
    Ok(())
}

/// Prints a line on stdout; when the reader went away (`| head`), stops quietly instead of panicking.
/// Control characters other than line breaks and tabs are escaped ([`terminal_text`]): every line may carry
/// a camera or site name or a cell of an imported file.
fn say(line: &str) {
    let line = escape_controls(line, true);
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// Text from the registry or a file (a camera or site name, a cell) as the terminal shows it: control
/// characters (ESC, CR, LF, BEL, DEL, the C1 set) written as `\u001b`, so a name cannot move the cursor,
/// recolour the screen, rewrite an earlier line or start a line of its own. The escape is also valid inside a
/// JSON string.
pub fn terminal_text(text: &str) -> std::borrow::Cow<'_, str> {
    escape_controls(text, false)
}

fn escape_controls(text: &str, keep_line_breaks: bool) -> std::borrow::Cow<'_, str> {
    let kept = |c: char| keep_line_breaks && (c == '\n' || c == '\t');
    if !text.chars().any(|c| c.is_control() && !kept(c)) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && !kept(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Writes a progress line on stderr, ignoring failure: a closed or broken stderr (`2>&-`, a reader that
/// quit) must not stop an import half-way (`eprintln!` panics on a write error).
fn progress_note(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// How `probe` runs.
struct ProbeRun {
    once: bool,
    json: bool,
    sweep: SweepOptions,
    interval_s: i64,
}

/// One camera's line in the probe report.
#[derive(serde::Serialize)]
struct ProbeLine {
    camera_id: i64,
    camera: String,
    site: String,
    state: String,
    latency_ms: u32,
    codec: Option<String>,
    width_px: Option<u32>,
    height_px: Option<u32>,
    error: Option<String>,
}

/// Results are written to the registry in batches of this many.
const PROBE_BATCH: usize = 200;
/// After the registry was found busy, the next write is tried this much later.
const PROBE_HELD_RETRY: std::time::Duration = std::time::Duration::from_secs(5);
/// `probe --once` tries this many times (each waiting the store's busy timeout) before giving up on a busy
/// registry.
const PROBE_ONCE_WRITE_TRIES: u32 = 6;
/// Most results held while the registry is busy; past this the oldest are dropped (their cameras are probed
/// again anyway).
const PROBE_MAX_HELD: usize = 100_000;

/// Writes the held results. False when the registry is busy: they stay held (the newest `PROBE_MAX_HELD`).
fn write_held(
    store: &mut Store,
    held: &mut Vec<crate::store::Observation>,
) -> Result<bool, crate::store::StoreError> {
    if held.is_empty() {
        return Ok(true);
    }
    match store.record_observations(held) {
        Ok(()) => {
            held.clear();
            Ok(true)
        }
        Err(crate::store::StoreError::Busy) => {
            let excess = held.len().saturating_sub(PROBE_MAX_HELD);
            held.drain(..excess);
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

fn run_probe(db: &Path, key_dir: &Path, run: &ProbeRun) -> Result<(), CliError> {
    let english = I18n::new(Lang::En);
    // Probing writes health into an existing registry; it never makes one.
    let mut store = Store::open_existing(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let cancel = std::sync::atomic::AtomicBool::new(false);
    // Results not yet written (the registry was busy), kept across sweeps.
    let mut held: Vec<crate::store::Observation> = Vec::new();
    let mut held_retry_at: Option<std::time::Instant> = None;
    loop {
        let snapshot = store
            .load_snapshot()
            .map_err(|e| CliError::from_store(db, e))?;
        let targets = store
            .probe_targets()
            .map_err(|e| CliError::from_store(db, e))?;
        if targets.is_empty() && run.once {
            if run.json {
                say(
                    &serde_json::json!({"cameras": [], "summary": SweepReport::default()})
                        .to_string(),
                );
            } else {
                say(&english.tr("cli-probe-nothing"));
            }
            return Ok(());
        }
        let due: Vec<usize> = if run.once {
            (0..targets.len()).collect()
        } else {
            let mut schedule = store
                .probe_schedule()
                .map_err(|e| CliError::from_store(db, e))?;
            // Cameras whose results are held were just probed: not due again yet.
            for o in &held {
                let failures = u32::from(o.finding.state != crate::model::HealthState::Online);
                schedule.insert(o.camera_id, (failures, o.at_unix_s));
            }
            due_targets(
                &targets,
                &schedule,
                crate::store::now_unix_s(),
                run.interval_s,
            )
        };
        let site_names: std::collections::HashMap<i64, String> = snapshot
            .sites
            .iter()
            .map(|s| (s.id, s.site.display_name()))
            .collect();
        let names: std::collections::HashMap<i64, (String, String)> = snapshot
            .cameras
            .iter()
            .filter(|c| targets.position(c.id).is_some())
            .map(|c| {
                let site = site_names.get(&c.site_id).cloned().unwrap_or_default();
                (c.id, (c.camera.label.clone(), site))
            })
            .collect();
        drop(snapshot);
        let mut lines = Vec::new();
        let mut write_error = None;
        let report = sweep(
            due.iter().map(|&i| targets.get(i)),
            &run.sweep,
            &cancel,
            |observation| {
                let (camera, site) = names
                    .get(&observation.camera_id)
                    .cloned()
                    .unwrap_or_default();
                let f = &observation.finding;
                let line = ProbeLine {
                    camera_id: observation.camera_id,
                    camera,
                    site,
                    state: f.state.code().to_string(),
                    latency_ms: f.latency_ms,
                    codec: f.codec.clone(),
                    width_px: f.width_px,
                    height_px: f.height_px,
                    error: f.error.clone(),
                };
                if !run.json {
                    say(&probe_line_text(&english, &line));
                }
                lines.push(line);
                held.push(observation);
                if held.len() >= PROBE_BATCH
                    && write_error.is_none()
                    && held_retry_at.is_none_or(|t| std::time::Instant::now() >= t)
                {
                    match write_held(&mut store, &mut held) {
                        Ok(true) => held_retry_at = None,
                        Ok(false) => {
                            held_retry_at = Some(std::time::Instant::now() + PROBE_HELD_RETRY);
                        }
                        Err(e) => write_error = Some(e),
                    }
                }
            },
        );
        if let Some(e) = write_error {
            return Err(CliError::from_store(db, e));
        }
        // A busy registry (a long import holds its write lock) keeps the results for a later try; a one-shot
        // probe waits for it a while, a continuous one goes on with its next sweep.
        let mut tries_left = if run.once { PROBE_ONCE_WRITE_TRIES } else { 1 };
        loop {
            match write_held(&mut store, &mut held) {
                Ok(true) => break,
                Ok(false) => {
                    tries_left -= 1;
                    eprintln!(
                        "iccc-desk: the registry is busy (another program is writing to it); {} results held{}",
                        held.len(),
                        if tries_left > 0 || !run.once {
                            ", written on the next try"
                        } else {
                            ""
                        }
                    );
                    if tries_left == 0 {
                        if run.once {
                            return Err(CliError::from_store(db, crate::store::StoreError::Busy));
                        }
                        break;
                    }
                    std::thread::sleep(PROBE_HELD_RETRY);
                }
                Err(e) => return Err(CliError::from_store(db, e)),
            }
        }
        lines.sort_by_key(|l| l.camera_id);
        if run.json {
            let text =
                serde_json::to_string(&serde_json::json!({"cameras": lines, "summary": report}))
                    .map_err(|e| {
                        CliError::Failed(format!("cannot write the results as JSON: {e}"))
                    })?;
            say(&text);
        } else if report.probed > 0 || run.once {
            say(&probe_summary_text(&english, &report));
        }
        if run.once {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
    }
}

/// "3/20" → (3, 20).
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| "expected I/N, e.g. 0/4".to_string())?;
    let (i, n) = (
        i.trim().parse::<usize>().map_err(|e| e.to_string())?,
        n.trim().parse::<usize>().map_err(|e| e.to_string())?,
    );
    if n == 0 || i >= n {
        return Err(format!("shard {i} of {n} does not exist"));
    }
    Ok((i, n))
}

/// Runs the camera simulator until Ctrl-C, SIGTERM or the duration: one line at start, one a minute. When one
/// process may not open enough files for every camera's sockets (and the limit cannot be raised), it runs the
/// registry in several processes of itself, each serving a shard.
fn run_simulate(
    db: &Path,
    key_dir: &Path,
    options: &SimOptions,
    duration: Option<Duration>,
) -> Result<(), CliError> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    if !db.exists() {
        return Err(CliError::BadInput(format!(
            "{}: no such file (write a demo registry first: iccc-desk demo --db {})",
            db.display(),
            db.display()
        )));
    }
    // Signals first, so a Ctrl-C during the start still closes every socket; a second Ctrl-C exits at once.
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .map_err(|e| CliError::Failed(format!("cannot catch Ctrl-C: {e}")))?;
    }
    let store = Store::open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let sim_error = |e: SimError| match e {
        SimError::Store(e) => CliError::from_store(db, e),
        e @ (SimError::NothingToSimulate | SimError::NotLoopback { .. }) => {
            CliError::BadInput(format!("{}: {e}", db.display()))
        }
        e => CliError::Failed(e.to_string()),
    };
    let started = Simulator::start_with(&store, options);
    drop(store);
    if options.shard.is_some() {
        // A shard process: its parent reads the JSON lines.
        crate::services::simulator::serve_shard(started.map_err(sim_error)?, &stop);
        return Ok(());
    }
    let (report, stats): (SimReport, Box<dyn Fn() -> SimStats>) = match started {
        Ok(sim) => (sim.report(), Box::new(move || sim.stats())),
        Err(SimError::FileLimit {
            listeners, hard, ..
        }) if !options.fit_file_limit
            && let Some(n) = shards_for(listeners, hard) =>
        {
            let exe = std::env::current_exe()
                .map_err(|e| CliError::Failed(format!("cannot find this program: {e}")))?;
            let set = ShardSet::spawn(n, |i, n| {
                let mut c = std::process::Command::new(&exe);
                c.arg("simulate")
                    .arg("--db")
                    .arg(db)
                    .arg("--key-dir")
                    .arg(key_dir)
                    .arg("--seed")
                    .arg(options.seed.to_string())
                    .arg("--shard")
                    .arg(format!("{i}/{n}"));
                c
            })
            .map_err(sim_error)?;
            (set.report().clone(), Box::new(move || set.stats()))
        }
        Err(e) => return Err(sim_error(e)),
    };
    say(&report.line());
    if let (n, Some(example)) = (report.skipped, &report.skipped_example)
        && n > 0
    {
        say(&format!(
            "Not simulated: {n} cameras whose address is not on 127.0.0.0/8 ({example})"
        ));
    }
    if report.over_file_limit > 0 {
        say(&format!(
            "Not simulated: {} cameras beyond the open-file limit; raise the hard limit to simulate them all",
            report.over_file_limit
        ));
    }
    if report.unbindable > 0 {
        say(&format!(
            "{} listening sockets on ports below 1024 (NVRs' port 554) need privileges and are left closed, so \
             their cameras look offline; run as root or lower net.ipv4.ip_unprivileged_port_start to answer there",
            report.unbindable
        ));
    }
    if report.passwords_unreadable > 0 {
        say(&format!(
            "{} cameras' passwords cannot be read with the keys in {}; those cameras keep passwords of their own, \
             so logins to them fail",
            report.passwords_unreadable,
            key_dir.display()
        ));
    }
    let began = Instant::now();
    let mut last = stats();
    let mut next_line = began + Duration::from_secs(60);
    while !stop.load(Ordering::SeqCst) && duration.is_none_or(|d| began.elapsed() < d) {
        std::thread::sleep(Duration::from_millis(100));
        if Instant::now() >= next_line {
            next_line += Duration::from_secs(60);
            let now = stats();
            say(&format!(
                "{} IST: {} requests in the last minute ({} RTSP, {} snapshot), {} SDPs and {} pictures sent, {} \
                 logins refused; {} connections open",
                ist_datetime(crate::store::now_unix_s()),
                now.requests() - last.requests(),
                now.rtsp_requests - last.rtsp_requests,
                now.snapshot_requests - last.snapshot_requests,
                now.descriptions - last.descriptions,
                now.snapshots - last.snapshots,
                now.logins_refused - last.logins_refused,
                now.open_connections,
            ));
            last = now;
        }
    }
    let total = stats();
    // Dropping the closure stops the simulator (or its processes).
    drop(stats);
    say(&format!(
        "Stopped after {:.0} s: {} requests served over {} connections",
        began.elapsed().as_secs_f64(),
        total.requests(),
        total.connections
    ));
    Ok(())
}

fn probe_line_text(english: &I18n, line: &ProbeLine) -> String {
    let state = crate::model::HealthState::from_code(&line.state)
        .map(|s| english.tr(&s.i18n_key()))
        .unwrap_or_else(|| line.state.clone());
    let mut detail = Vec::new();
    if let Some(codec) = &line.codec {
        detail.push(codec.clone());
    }
    if let (Some(w), Some(h)) = (line.width_px, line.height_px) {
        detail.push(format!("{w}×{h}"));
    }
    detail.push(format!("{} ms", line.latency_ms));
    if let Some(e) = &line.error {
        detail.push(e.clone());
    }
    english.tr_args(
        "cli-probe-line",
        &[
            ("id", line.camera_id.to_string()),
            ("camera", terminal_text(&line.camera).into_owned()),
            ("site", terminal_text(&line.site).into_owned()),
            ("state", state),
            ("detail", detail.join(", ")),
        ],
    )
}

fn probe_summary_text(english: &I18n, report: &SweepReport) -> String {
    let counts: Vec<String> = crate::services::prober::state_order()
        .iter()
        .filter_map(|s| {
            let n = report.by_state.get(s.code())?;
            Some(format!("{n} {}", english.tr(&s.i18n_key()).to_lowercase()))
        })
        .collect();
    english.tr_args(
        "cli-probe-summary",
        &[
            ("probed", report.probed.to_string()),
            (
                "seconds",
                format!("{:.1}", report.duration_ms as f64 / 1000.0),
            ),
            ("rate", format!("{:.0}", report.probes_per_min)),
            ("counts", counts.join(", ")),
        ],
    )
}

/// The week `--week` names, or the week of `now`.
fn parse_week(week: Option<&str>, now: i64) -> Result<crate::services::weekly::IsoWeek, CliError> {
    use crate::services::weekly::IsoWeek;
    match week {
        None => Ok(IsoWeek::containing(now)),
        Some(text) => IsoWeek::parse(text).ok_or_else(|| {
            CliError::BadInput(format!(
                "--week {text:?} is not a week: write it as YYYY-Www, e.g. {}",
                IsoWeek::containing(now).label()
            ))
        }),
    }
}

/// `--json` is `--format json`; naming two different formats is a mistake worth saying.
fn weekly_format(json: bool, format: Option<WeeklyFormat>) -> Result<WeeklyFormat, CliError> {
    match (json, format) {
        (true, Some(f)) if f != WeeklyFormat::Json => Err(CliError::BadInput(
            "--json and --format name two different formats: give one".into(),
        )),
        (true, _) => Ok(WeeklyFormat::Json),
        (false, f) => Ok(f.unwrap_or(WeeklyFormat::Text)),
    }
}

/// What `report weekly` was asked for.
struct WeeklyRequest<'a> {
    week: Option<&'a str>,
    format: WeeklyFormat,
    output: Option<&'a Path>,
    lang: Lang,
    now_unix_s: i64,
}

fn run_weekly(db: &Path, request: &WeeklyRequest<'_>) -> Result<(), CliError> {
    let now = request.now_unix_s;
    let week = parse_week(request.week, now)?;
    if request.output.is_some() && request.format != WeeklyFormat::Html {
        return Err(CliError::BadInput(
            "-o is for --format html; text and JSON are printed on stdout".into(),
        ));
    }
    if request.format == WeeklyFormat::Html {
        let Some(output) = request.output else {
            return Err(CliError::BadInput(I18n::new(Lang::En).tr_args(
                "cli-report-html-needs-output",
                &[("week", week.label())],
            )));
        };
        return run_weekly_html(db, week, request.lang, now, output);
    }
    let conn = stats::open_read_only(db).map_err(|e| CliError::from_store(db, e))?;
    let report = crate::services::weekly::weekly_with_gaps(&conn, week, now)
        .map_err(|e| registry_read_error(db, e))?;
    drop(conn);
    if request.format == WeeklyFormat::Json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::Failed(format!("cannot write the report as JSON: {e}")))?;
        say(&text);
        return Ok(());
    }
    let i18n = I18n::new(request.lang);
    let mut lines = vec![i18n.tr_args(
        "cli-weekly-title",
        &[
            ("week", report.week.clone()),
            ("from", report.starts.clone()),
            ("to", report.ends.clone()),
        ],
    )];
    if report.is_demo {
        lines.push(i18n.tr("cli-stats-demo"));
    }
    lines.push(i18n.tr_args(
        "cli-weekly-integrated",
        &[
            ("total", report.integrated_total.to_string()),
            ("week", report.integrated_this_week.to_string()),
            ("last", report.integrated_last_week.to_string()),
        ],
    ));
    for (code, f) in &report.by_category {
        let name =
            OwnerCategory::from_code(code).map_or_else(|| code.clone(), |c| i18n.tr(&c.i18n_key()));
        lines.push(i18n.tr_args(
            "cli-weekly-category",
            &[
                ("category", name),
                ("total", f.integrated_total.to_string()),
                ("cameras", f.cameras.to_string()),
                ("week", f.integrated_this_week.to_string()),
                ("last", f.integrated_last_week.to_string()),
            ],
        ));
    }
    lines.push(i18n.tr_args(
        "cli-weekly-moves",
        &[
            ("surveys", report.new_surveys.to_string()),
            ("blocked", report.blocked_this_week.to_string()),
            ("resolved", report.resolved_this_week.to_string()),
            ("blocked_now", report.blocked_now.to_string()),
        ],
    ));
    lines.push(match report.uptime_pct_integrated {
        Some(pct) => i18n.tr_args(
            "cli-weekly-uptime",
            &[
                ("pct", crate::i18n::percent(pct)),
                ("cameras", report.cameras_probed.to_string()),
            ],
        ),
        None => i18n.tr("cli-weekly-uptime-none"),
    });
    say(&lines.join("\n"));
    Ok(())
}

fn run_stats(db: &Path, as_json: bool, now: i64) -> Result<(), CliError> {
    let conn = stats::open_read_only(db).map_err(|e| CliError::from_store(db, e))?;
    let stats = stats::compute(&conn, now).map_err(|e| registry_read_error(db, e))?;
    drop(conn);
    if as_json {
        let text = serde_json::to_string_pretty(&stats)
            .map_err(|e| CliError::Failed(format!("cannot write the figures as JSON: {e}")))?;
        say(&text);
    } else {
        say(stats_table(db, &stats, &I18n::new(Lang::En)).trim_end());
    }
    Ok(())
}

/// A registry that opens but whose tables cannot be read is no registry: bad input, not a failure.
fn registry_read_error(db: &Path, e: StoreError) -> CliError {
    match e {
        // A SQLite file without the registry's tables reads as "no such table".
        StoreError::Sql(e) => CliError::BadInput(format!(
            "{} is not an iccc-desk registry (its tables cannot be read): {e}",
            db.display()
        )),
        e => CliError::from_store(db, e),
    }
}

/// What `iccc-desk export` was asked for.
struct ExportRequest<'a> {
    what: ExportWhat,
    format: ExportFormat,
    week: Option<&'a str>,
    now_unix_s: i64,
}

/// Writes the printable HTML report of `week` into `output` (atomically) and says so in one line.
fn run_weekly_html(
    db: &Path,
    week: crate::services::weekly::IsoWeek,
    lang: Lang,
    now: i64,
    output: &Path,
) -> Result<(), CliError> {
    let english = I18n::new(Lang::En);
    let conn = stats::open_read_only(db).map_err(|e| CliError::from_store(db, e))?;
    let (report, coverage) = crate::services::weekly::weekly_with_coverage(&conn, week, now)
        .map_err(|e| registry_read_error(db, e))?;
    let series =
        crate::services::weekly::series(&conn, week, crate::services::weekly_report::CHART_WEEKS)
            .map_err(|e| registry_read_error(db, e))?;
    drop(conn);
    let written = crate::services::weekly_report::write_weekly_html(
        &report,
        &series,
        &coverage,
        &I18n::new(lang),
        now,
        Some(db),
        output,
    )
    .map_err(|e| CliError::Failed(e.message(&english)))?;
    say(&english.tr_args(
        "cli-report-written",
        &[
            ("week", week.label()),
            ("path", output.display().to_string()),
            ("size", export::size_text(written.bytes)),
        ],
    ));
    Ok(())
}

fn run_export(db: &Path, request: ExportRequest<'_>, output: &Path) -> Result<(), CliError> {
    let ExportRequest {
        what,
        format,
        week,
        now_unix_s,
    } = request;
    if week.is_some() && what != ExportWhat::Weekly {
        return Err(CliError::BadInput(
            "--week is for `export weekly` only; the other lists are as they stand now".into(),
        ));
    }
    if format == ExportFormat::GeoJson && what == ExportWhat::Weekly {
        return Err(CliError::BadInput(
            "the week's numbers have no map positions: export them as --format csv or xlsx".into(),
        ));
    }
    let list = match what {
        ExportWhat::Sites => ExportList::Sites,
        ExportWhat::Cameras => ExportList::Cameras,
        ExportWhat::Gaps => ExportList::Gaps,
        ExportWhat::Blocked => ExportList::Blocked,
        ExportWhat::Weekly => ExportList::Weekly(parse_week(week, now_unix_s)?),
    };
    let english = I18n::new(Lang::En);
    // Read-only: an export never changes the registry, and needs no password key.
    let table = {
        let conn = stats::open_read_only(db).map_err(|e| CliError::from_store(db, e))?;
        export::build_table(&conn, list, now_unix_s, &english)
            .map_err(|e| registry_read_error(db, e))?
    };
    let written =
        export::write(&table, format, output).map_err(|e| CliError::Failed(e.message(&english)))?;
    say(&english.tr_args(
        list.done_key(),
        &[
            ("rows", written.rows.to_string()),
            ("path", output.display().to_string()),
            ("format", format.name().to_string()),
            ("size", export::size_text(written.bytes)),
        ],
    ));
    if let Some(note) = written.cut_note(&english) {
        say(&note);
    }
    Ok(())
}

/// The figures as a plain-text table, names from the catalogue.
pub fn stats_table(db: &Path, stats: &Stats, i18n: &I18n) -> String {
    use std::fmt::Write as _;
    let n = |v: u64| v.to_string();
    let mut out = String::new();
    let mut title = i18n.tr_args("cli-stats-title", &[("path", db.display().to_string())]);
    if stats.is_demo {
        title = format!("{title} {}", i18n.tr("cli-stats-demo"));
    }
    let _ = writeln!(out, "{title}");
    let _ = writeln!(
        out,
        "{}",
        i18n.tr_args(
            "cli-stats-as-of",
            &[("time", ist_datetime(stats.now_unix_s))]
        )
    );
    let _ = writeln!(
        out,
        "{}",
        i18n.tr_args(
            "cli-stats-totals",
            &[("cameras", n(stats.cameras)), ("sites", n(stats.sites))]
        )
    );
    let _ = writeln!(
        out,
        "{}",
        i18n.tr_args(
            "cli-stats-integrated",
            &[
                ("total", n(stats.integrated_total)),
                ("week", n(stats.integrated_last_7_days))
            ]
        )
    );

    let cameras = i18n.tr("col-cameras");
    let _ = writeln!(out, "\n{}", i18n.tr("cli-stats-by-stage"));
    for stage in IntegrationStage::ALL {
        let count = stats.by_stage.get(stage.code()).copied().unwrap_or(0);
        let _ = writeln!(out, "  {:<34} {:>8}", i18n.tr(&stage.i18n_key()), count);
    }

    let _ = writeln!(out, "\n{}", i18n.tr("cli-stats-by-category"));
    let _ = writeln!(
        out,
        "  {:<34} {:>8} {:>11} {:>13}",
        i18n.tr("col-category"),
        cameras,
        i18n.tr("col-integrated"),
        i18n.tr("cli-stats-col-share")
    );
    for category in OwnerCategory::ALL {
        let figures = stats
            .by_category
            .get(category.code())
            .copied()
            .unwrap_or_default();
        let share = if figures.cameras == 0 {
            "–".to_string()
        } else {
            format!(
                "{:.0}",
                100.0 * figures.integrated as f64 / figures.cameras as f64
            )
        };
        let _ = writeln!(
            out,
            "  {:<34} {:>8} {:>11} {:>13}",
            i18n.tr(&category.i18n_key()),
            figures.cameras,
            figures.integrated,
            share
        );
    }

    let _ = writeln!(out, "\n{}", i18n.tr("cli-stats-by-reason"));
    for reason in BlockReason::ALL {
        let count = stats
            .blocked_by_reason
            .get(reason.code())
            .copied()
            .unwrap_or(0);
        let _ = writeln!(out, "  {:<34} {:>8}", i18n.tr(&reason.i18n_key()), count);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse() {
        let args = Args::try_parse_from(["iccc-desk", "--db", "r.sqlite", "demo"]).unwrap();
        assert_eq!(args.db.as_deref(), Some(Path::new("r.sqlite")));
        assert!(matches!(
            args.command,
            Some(Command::Demo {
                cameras: 3_200,
                seed: 1,
                now_unix_s: None
            })
        ));
        // Global options also after the command.
        let args = Args::try_parse_from(["iccc-desk", "stats", "--json", "--db", "x"]).unwrap();
        assert!(matches!(
            args.command,
            Some(Command::Stats { json: true, .. })
        ));
        assert!(Args::try_parse_from(["iccc-desk", "demo", "--cameras", "200001"]).is_err());
        assert!(Args::try_parse_from(["iccc-desk", "demo", "--cameras", "99"]).is_err());
        let args = Args::try_parse_from(["iccc-desk"]).unwrap();
        assert!(args.command.is_none());
        let args = Args::try_parse_from([
            "iccc-desk",
            "export",
            "blocked",
            "--format",
            "geojson",
            "-o",
            "b.geojson",
        ])
        .unwrap();
        assert!(matches!(
            args.command,
            Some(Command::Export {
                what: ExportWhat::Blocked,
                format: ExportFormatArg::Geojson,
                ..
            })
        ));
        // Every list of the review; an unknown one and a missing output file are refused.
        for what in ["sites", "cameras", "gaps", "blocked", "weekly"] {
            assert!(
                Args::try_parse_from(["iccc-desk", "export", what, "--format", "csv", "-o", "g"])
                    .is_ok(),
                "{what}"
            );
        }
        assert!(
            Args::try_parse_from([
                "iccc-desk",
                "export",
                "owners",
                "--format",
                "csv",
                "-o",
                "g"
            ])
            .is_err()
        );
        assert!(Args::try_parse_from(["iccc-desk", "export", "sites", "--format", "csv"]).is_err());
    }

    #[test]
    fn default_paths_are_per_user() {
        if let (Some(db), Some(keys)) = (default_db_path(), default_key_dir()) {
            assert!(db.ends_with("registry.sqlite"), "{}", db.display());
            assert!(keys.ends_with("keys"), "{}", keys.display());
            assert_ne!(db.parent(), Some(keys.as_path()));
        }
    }

    #[test]
    fn table_uses_catalogue_names() {
        let mut stats = Stats {
            now_unix_s: 1_795_564_800,
            cameras: 1,
            sites: 1,
            by_stage: Default::default(),
            by_category: Default::default(),
            blocked_by_reason: Default::default(),
            integrated_total: 0,
            integrated_last_7_days: 0,
            is_demo: true,
        };
        stats.by_stage.insert("surveyed".into(), 1);
        let text = stats_table(Path::new("r.sqlite"), &stats, &I18n::new(Lang::En));
        assert!(text.contains("(demo registry)"), "{text}");
        assert!(text.contains("1 camera at 1 site\n"), "{text}");
        assert!(text.contains("Coaching institute / school"), "{text}");
        assert!(text.contains("2026-11-25 05:30"), "{text}");
    }
}
