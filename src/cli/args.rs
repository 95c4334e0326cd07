//! The command line's shape (clap types): the program's options and one struct per subcommand. Options that
//! several commands share are groups flattened into them, so their names and help are written once.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::i18n::Lang;
use crate::services::demo;
use crate::services::exchange::export::ExportFormat;

/// Camera-integration desk for the ICCC of a Safe City programme (Jhansi).
///
/// Without a command it opens the desk window on the registry file.
#[derive(Debug, Parser)]
#[command(name = "iccc-desk", version)]
pub struct Args {
    #[command(flatten)]
    pub registry: RegistryArgs,
    /// Open a demo registry without answering for its cameras in the desk (e.g. when `iccc-desk simulate`
    /// runs on its own).
    #[arg(long)]
    pub no_simulator: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the registry and its password keys are (every command takes them, before or after its name).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RegistryArgs {
    /// Registry file (SQLite), or a shared registry on a PostgreSQL server as postgres://USER@HOST:PORT/DATABASE
    /// (the password from ~/.pgpass or PGPASSWORD, never in the address). Default: $ICCC_DESK_DB, else
    /// registry.sqlite in the user's data directory for iccc-desk.
    #[arg(long, global = true, value_name = "PATH|URL")]
    pub db: Option<PathBuf>,
    /// Directory of the password keys (kept apart from the registry). Default: $ICCC_DESK_KEY_DIR, else
    /// keys/ in the user's configuration directory for iccc-desk.
    #[arg(long, global = true, value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
}

/// The hidden `--now-unix-s` that tests use to fix the moment "now" is.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub struct NowArg {
    /// The moment "now" is, unix seconds (for tests).
    #[arg(long, hide = true, allow_negative_numbers = true)]
    pub now_unix_s: Option<i64>,
}

impl NowArg {
    /// The moment given, or the clock's.
    pub fn or_clock(self) -> i64 {
        self.now_unix_s.unwrap_or_else(crate::store::now_unix_s)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the demo registry of Jhansi (invented data, marked as demo) into an empty registry file.
    Demo(DemoArgs),
    /// Print the weekly review's figures (counted from the stage history; the file is only read).
    Stats(StatsArgs),
    /// Reports for the review meeting (the file is only read).
    Report {
        #[command(subcommand)]
        report: ReportCommand,
    },
    /// Export a list of the registry as CSV (Excel, Hindi intact), XLSX or GeoJSON; the file is only read, and
    /// the export appears complete or not at all. Never a camera password or username.
    Export(ExportArgs),
    /// Import a list of cameras (CSV, XLSX/XLSM/ODS, GeoJSON points, OpenStreetMap Overpass JSON): map its
    /// columns, check every row, then add or update the good rows in one transaction (or, with --dry-run, only
    /// report). Prints how many rows are added, updated and refused, and each refusal's row, field and reason.
    /// Exit code 0 even when rows are refused; non-zero only when the file or the registry cannot be read.
    Import(ImportArgs),
    /// Show or set the area the registry serves: its city and country, as boxes south,west,north,east in
    /// degrees. Points outside the country box are refused as typos, and a point that lands inside only with
    /// latitude and longitude swapped is called swapped. Default: Jhansi, India.
    Area(AreaArgs),
    /// Probe the configured and integrated cameras (RTSP and snapshot) without the window, and store their
    /// health; runs until stopped, or one sweep with --once.
    Probe(ProbeArgs),
    /// Answer like the registry's cameras on their loopback addresses (RTSP OPTIONS/DESCRIBE with Digest, HTTP
    /// JPEG snapshots), with a mix of healthy, offline, slow and broken cameras; runs until Ctrl-C, SIGTERM or
    /// --duration-s. Only 127.0.0.0/8 is ever listened on.
    Simulate(SimulateArgs),
    /// Check the whole seal of the registry's history (stage events and audit entries, a chain of keyed hashes)
    /// with the registry's key, and name the first row changed or removed after it was sealed. Only reads.
    /// Exit code 0 when intact, 2 when a row breaks the seal, 1 when the key that sealed it is missing.
    Verify,
    /// Which cameras could have seen a point at a time (an incident): those whose view cone covers it, then those
    /// within range whose direction is not recorded ("may see"), nearest first; with the owner to call, the stage,
    /// whether each was working then (from the stored health history) and when its footage is overwritten.
    /// Only reads.
    Lookup(LookupArgs),
    /// A shared registry on a PostgreSQL server: create one in an empty database, or copy a registry file there.
    Registry {
        #[command(subcommand)]
        registry: RegistryCommand,
    },
}

impl Command {
    /// The subcommand's name, for the log.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Demo(_) => "demo",
            Self::Stats(_) => "stats",
            Self::Report { .. } => "report",
            Self::Export(_) => "export",
            Self::Import(_) => "import",
            Self::Area(_) => "area",
            Self::Probe(_) => "probe",
            Self::Simulate(_) => "simulate",
            Self::Verify => "verify",
            Self::Lookup(_) => "lookup",
            Self::Registry { .. } => "registry",
        }
    }
}

/// `iccc-desk registry …`: the shared registry on a PostgreSQL server.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Create the registry's schema in an empty PostgreSQL database (a database holding anything is refused),
    /// and the registry's password key in the key folder (hand that file to each seat for camera logins).
    Create(RegistryCreateArgs),
    /// Copy a registry file onto an empty PostgreSQL database with every row and id as it is (one transaction;
    /// a database holding anything is refused), and print each table's rows on both sides. The file is only read.
    Copy(RegistryCopyArgs),
}

/// `iccc-desk registry copy`.
#[derive(Debug, clap::Args)]
pub struct RegistryCopyArgs {
    /// The registry file to copy (it is only read).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// The empty database: postgres://USER@HOST:PORT/DATABASE[?sslmode=…].
    #[arg(long, value_name = "URL")]
    pub to: String,
}

/// `iccc-desk registry create`.
#[derive(Debug, clap::Args)]
pub struct RegistryCreateArgs {
    /// The empty database: postgres://USER@HOST:PORT/DATABASE[?sslmode=require|verify-full&sslrootcert=FILE].
    #[arg(value_name = "URL")]
    pub url: String,
}

/// `iccc-desk demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Cameras to generate; sites and figures scale with it.
    #[arg(long, default_value_t = demo::DEFAULT_CAMERAS as u32,
          value_parser = clap::value_parser!(u32).range(demo::MIN_CAMERAS as i64..=demo::MAX_CAMERAS as i64))]
    pub cameras: u32,
    /// Seed of the generator: the same seed and time give the same registry.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    // The stage histories end at this "now".
    #[command(flatten)]
    pub now: NowArg,
}

/// `iccc-desk stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    // The figures are for this "now".
    #[command(flatten)]
    pub now: NowArg,
}

/// `iccc-desk lookup`.
#[derive(Debug, clap::Args)]
pub struct LookupArgs {
    /// The point, latitude and longitude in degrees (WGS 84), e.g. --at 25.4486,78.5697.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub at: String,
    /// The moment, as local time in India (IST, UTC+05:30) written the ISO way: "2026-12-06 21:40" or
    /// 2026-12-06T21:40 (seconds allowed: 21:40:30; no zone or offset). Default: now.
    #[arg(long, value_name = "T", conflicts_with_all = ["from", "to"])]
    pub time: Option<String>,
    /// Start of a window instead of a moment (IST, as --time).
    #[arg(long, value_name = "T", requires = "to")]
    pub from: Option<String>,
    /// End of the window (IST, as --time).
    #[arg(long, value_name = "T", requires = "from")]
    pub to: Option<String>,
    /// Only cameras within this distance of the point, metres. Default: every camera whose own range reaches it.
    #[arg(long, value_name = "R")]
    pub radius_m: Option<f64>,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Language of the lines (and of the worded fields of the JSON).
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    // "Now", for what footage is already overwritten.
    #[command(flatten)]
    pub now: NowArg,
}

/// The reports the CLI writes.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The weekly review's numbers for one week (Monday to Sunday, India Standard Time), from the stage history.
    Weekly(WeeklyArgs),
}

/// `iccc-desk report weekly`.
#[derive(Debug, clap::Args)]
pub struct WeeklyArgs {
    /// The week, as YYYY-Www (e.g. 2026-W48); default: the week now.
    #[arg(long, value_name = "YYYY-Www")]
    pub week: Option<String>,
    /// Print JSON instead of text (the same as --format json).
    #[arg(long)]
    pub json: bool,
    /// What to write: text or JSON on stdout, or the printable HTML report into the file named by -o.
    #[arg(long, value_enum)]
    pub format: Option<WeeklyFormat>,
    /// The file to write the HTML report into (replaced if it exists); needed by --format html.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Language of the text and HTML report.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    #[command(flatten)]
    pub now: NowArg,
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

/// `iccc-desk export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Which list.
    #[arg(value_enum)]
    pub what: ExportWhat,
    /// File format.
    #[arg(long, value_enum)]
    pub format: ExportFormatArg,
    /// The file to write (replaced if it exists).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// For `weekly`: the week, as YYYY-Www; default: the week now.
    #[arg(long, value_name = "YYYY-Www")]
    pub week: Option<String>,
    #[command(flatten)]
    pub now: NowArg,
}

/// `iccc-desk import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file to import.
    pub file: PathBuf,
    /// Its format (default: from its content and name).
    #[arg(long, value_enum)]
    pub format: Option<ImportFormatArg>,
    /// A spreadsheet's sheet (default: the first with data).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Map columns with this saved profile instead of guessing from the headers.
    #[arg(long)]
    pub profile: Option<String>,
    /// Save the mapping used as a profile with this name.
    #[arg(long, value_name = "NAME")]
    pub save_profile: Option<String>,
    /// Map a column by hand: HEADER=FIELD (e.g. "x=longitude"); repeat for more. Fields: source_id, label,
    /// site_name, site_name_hi, operator, owner_category, latitude, longitude, point_wkt, direction,
    /// field_of_view, range, area_watched, address, ward, police_station, contact_person, phone, stream_url,
    /// snapshot_url, nvr_host, nvr_channel, make, model, username, password, notes; "-" for none.
    #[arg(long = "map", value_name = "HEADER=FIELD")]
    pub map: Vec<String>,
    /// Rows matching a camera already in the registry update it (default: they are skipped).
    #[arg(long)]
    pub update_duplicates: bool,
    /// Rows that are possibly a camera already listed (a few metres from another row or a registry camera,
    /// with an alike name or the same pole or asset number) are skipped; by default they are added with a note.
    #[arg(long)]
    pub skip_near_duplicates: bool,
    /// Owner category of new sites whose row does not say (a code, e.g. public_place, hotel).
    #[arg(long, value_name = "CODE")]
    pub category: Option<String>,
    /// What a camera watches when its row does not say (a code, e.g. road_frontage, entrance).
    #[arg(long, value_name = "CODE")]
    pub area: Option<String>,
    /// Check and report only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write the refusals, skips and notes as a CSV report.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print the writing's progress on stderr, one line per step ("importing: 35 %"), for scripts.
    #[arg(long)]
    pub progress: bool,
}

/// `iccc-desk area`.
#[derive(Debug, clap::Args)]
pub struct AreaArgs {
    /// The city's name.
    #[arg(long)]
    pub city: Option<String>,
    /// The country's name as messages say it ("India", "the United Kingdom").
    #[arg(long)]
    pub country: Option<String>,
    /// The city's box: south,west,north,east.
    #[arg(long, value_name = "S,W,N,E", allow_hyphen_values = true)]
    pub city_box: Option<String>,
    /// The country's box: south,west,north,east.
    #[arg(long, value_name = "S,W,N,E", allow_hyphen_values = true)]
    pub country_box: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl AreaArgs {
    /// Whether anything is to be changed (else the area is only shown).
    pub fn changes(&self) -> bool {
        self.city.is_some()
            || self.country.is_some()
            || self.city_box.is_some()
            || self.country_box.is_some()
    }
}

/// `iccc-desk probe`.
#[derive(Debug, clap::Args)]
pub struct ProbeArgs {
    /// One sweep over every camera, then exit.
    #[arg(long)]
    pub once: bool,
    /// Print JSON (one object per sweep) instead of lines.
    #[arg(long)]
    pub json: bool,
    /// Probes in flight at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=512))]
    pub concurrency: u16,
    /// Time limit of each camera's whole probe (the stream, then the snapshot in what is left), milliseconds.
    #[arg(long, default_value_t = 3_000, value_parser = clap::value_parser!(u64).range(100..=60_000))]
    pub timeout_ms: u64,
    /// Seconds between probes of a working camera (failing ones back off up to 16 times that).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(5..=86_400))]
    pub interval_s: u64,
    /// Most probes started per minute; 0 for no limit.
    #[arg(long, default_value_t = 0)]
    pub max_per_min: u32,
}

/// `iccc-desk simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Seed of the behaviour mix (which cameras are offline, slow, refuse passwords, ...).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Stop after this many seconds.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub duration_s: Option<u64>,
    /// When the open-file limit cannot cover every camera's sockets, simulate the cameras that fit in this one
    /// process instead of starting several processes.
    #[arg(long)]
    pub fit_file_limit: bool,
    /// Serve only shard I of N and report on stdout as JSON lines (what the simulator starts itself when one
    /// process's open-file limit is too small).
    #[arg(long, hide = true, value_name = "I/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Run at a lower CPU priority (the desk starts its helper simulator processes so, behind its window).
    #[arg(long, hide = true)]
    pub background: bool,
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
    /// XLSX, XLSM or ODS (XLS and XLSB are refused: save them as XLSX).
    Xlsx,
    Geojson,
    Overpass,
}

impl From<ImportFormatArg> for crate::services::exchange::import::read::SourceFormat {
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
#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn arguments_parse() {
        let args = Args::try_parse_from(["iccc-desk", "--db", "r.sqlite", "demo"]).unwrap();
        assert_eq!(args.registry.db.as_deref(), Some(Path::new("r.sqlite")));
        assert!(matches!(
            args.command,
            Some(Command::Demo(DemoArgs {
                cameras: 3_200,
                seed: 1,
                now: NowArg { now_unix_s: None }
            }))
        ));
        // Global options also after the command.
        let args = Args::try_parse_from(["iccc-desk", "stats", "--json", "--db", "x"]).unwrap();
        assert!(matches!(
            args.command,
            Some(Command::Stats(StatsArgs { json: true, .. }))
        ));
        assert!(Args::try_parse_from(["iccc-desk", "demo", "--cameras", "500001"]).is_err());
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
            Some(Command::Export(ExportArgs {
                what: ExportWhat::Blocked,
                format: ExportFormatArg::Geojson,
                ..
            }))
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
}
