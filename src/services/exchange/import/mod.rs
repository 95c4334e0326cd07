//! Bulk import of camera and site lists: read a file ([`read`]), map its columns, check every row ([`plan`],
//! the dry run), then write the good rows in one transaction ([`commit`]).

pub mod commit;
pub mod plan;
pub mod read;

use std::path::Path;

use serde::Serialize;

use crate::i18n::I18n;
use crate::services::exchange::export::{Cell, ExportTable};
use crate::store::{Store, StoreError};
use plan::{Existing, ImportPlan, ImportSettings, PlanCounts, Refusal, RowAction};
use read::{ReadError, SourceFormat, SourceTable};

/// Largest file the importer reads (a 200,000-camera CSV is about 30 MB).
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a file could not be read at all (a bad row is never this: it is refused in the report).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {detail}")]
    Io { path: String, detail: String },
    #[error(
        "{path} is {size_mb} MB or more; the desk reads files of this kind up to {limit_mb} MB"
    )]
    TooLarge {
        path: String,
        size_mb: u64,
        limit_mb: u64,
    },
    #[error("{path}: {source}")]
    Read { path: String, source: ReadError },
    /// A folder, device, FIFO or socket: never opened for reading.
    #[error("cannot read {path}: it is {kind}; name a camera list file")]
    NotPlain { path: String, kind: &'static str },
}

/// Reads the whole of the plain file at `path`, refusing a folder, a device (`/dev/zero`), a FIFO or a
/// socket before reading from it (one would never end or hang), and a file over `max_bytes` (checked on its
/// size and again while reading, for a file that grows).
pub fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>, FileError> {
    use std::io::Read as _;
    let shown = path.display().to_string();
    let io = |e: std::io::Error| FileError::Io {
        path: shown.clone(),
        detail: e.to_string(),
    };
    let not_plain = |meta: &std::fs::Metadata| -> Option<FileError> {
        let t = meta.file_type();
        if t.is_file() {
            return None;
        }
        let kind = if t.is_dir() {
            "a folder"
        } else {
            "not a plain file (a device, a named pipe or a socket)"
        };
        Some(FileError::NotPlain {
            path: shown.clone(),
            kind,
        })
    };
    if let Some(e) = not_plain(&std::fs::metadata(path).map_err(io)?) {
        return Err(e);
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Non-blocking, so a FIFO swapped in after the check above cannot hang the open; checked again below.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if let Some(e) = not_plain(&meta) {
        return Err(e);
    }
    let too_large = |len: u64| FileError::TooLarge {
        path: shown.clone(),
        size_mb: len / 1024 / 1024,
        limit_mb: max_bytes / 1024 / 1024,
    };
    if meta.len() > max_bytes {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads a file as `format` (sniffed from its content and name when `None`).
pub fn read_file(
    path: &Path,
    format: Option<SourceFormat>,
    sheet: Option<&str>,
) -> Result<SourceTable, FileError> {
    let shown = path.display().to_string();
    let bytes = read_limited(path, MAX_FILE_BYTES)?;
    let format = format.unwrap_or_else(|| SourceFormat::sniff(path, &bytes));
    read::read(&bytes, format, sheet).map_err(|source| FileError::Read {
        path: shown,
        source,
    })
}

/// A dry run, with the registry revision it was made on (the commit refuses a newer registry).
#[derive(Debug, Clone)]
pub struct DryRun {
    pub plan: ImportPlan,
    pub revision: i64,
}

/// Checks `table` against the registry as it is now.
pub fn dry_run(
    store: &Store,
    table: &SourceTable,
    settings: &ImportSettings,
    i18n: &I18n,
) -> Result<DryRun, StoreError> {
    dry_run_on(&store.reports(), table, settings, i18n)
}

/// [`dry_run`] on any reader of the registry, a read-only one included (the desk checks on its own thread
/// so the worker stays free for saves).
pub fn dry_run_on(
    db: &crate::store::ReportReader<'_>,
    table: &SourceTable,
    settings: &ImportSettings,
    i18n: &I18n,
) -> Result<DryRun, StoreError> {
    let revision = db.import_revision()?;
    let snapshot = db.snapshot()?;
    let refs = db.source_refs()?;
    let existing = Existing::new(&snapshot, &refs);
    drop(snapshot);
    Ok(DryRun {
        plan: plan::plan(table, settings, &existing, i18n),
        revision,
    })
}

/// Checks `table` against the registry file `db` with a read-only reader, so the registry worker stays free
/// for saves and the UI never opens the file (the desk runs it as a background task).
pub fn check_against_file(
    db: &std::path::Path,
    table: &SourceTable,
    settings: &ImportSettings,
    i18n: &I18n,
) -> Result<DryRun, StoreError> {
    let result = crate::services::review::weekly::open_read_only(db)
        .and_then(|reader| dry_run_on(&reader, table, settings, i18n));
    if let Err(e) = &result {
        tracing::warn!("import check failed: {e}");
    }
    result
}

/// The report of an import as the CLI prints it in JSON and the desk shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub format: SourceFormat,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub refused: usize,
    pub new_sites: usize,
    pub rejected_private: usize,
    /// Rows that are possibly a camera already listed (counted in `added` with a note, or in `skipped`).
    pub possible_duplicates: usize,
    /// Refused rows and refused fields, each with the row, the field and why.
    pub refusals: Vec<Refusal>,
    /// Values used but not as written.
    pub notes: Vec<Refusal>,
    /// Rows skipped as duplicates, with why.
    pub skips: Vec<Refusal>,
    /// What the file itself showed (encoding, delimiter, sheet).
    pub file_notes: Vec<String>,
    /// False for a dry run.
    pub committed: bool,
}

impl ImportReport {
    pub fn new(file: &str, table: &SourceTable, plan: &ImportPlan, committed: bool) -> Self {
        let PlanCounts {
            added,
            updated,
            unchanged,
            skipped,
            refused,
            new_sites,
            rejected_private,
            possible_duplicates,
        } = plan.counts;
        Self {
            file: file.to_string(),
            format: table.format,
            rows: table.rows.len(),
            added,
            updated,
            unchanged,
            skipped,
            refused,
            new_sites,
            rejected_private,
            possible_duplicates,
            refusals: plan.refusals.clone(),
            notes: plan.notes.clone(),
            skips: plan
                .rows
                .iter()
                .filter_map(|r| match &r.action {
                    RowAction::Skip { reason } => Some(Refusal {
                        row: r.row,
                        field: "row".into(),
                        reason: reason.clone(),
                    }),
                    _ => None,
                })
                .collect(),
            file_notes: table
                .notes
                .iter()
                .chain(&plan.column_notes)
                .cloned()
                .collect(),
            committed,
        }
    }

    /// The refusals, skips and notes in row order (a row's refusal first, then its skip, then its notes).
    pub fn lines(&self) -> Vec<(LineKind, &Refusal)> {
        let mut lines: Vec<(LineKind, &Refusal)> = self
            .refusals
            .iter()
            .map(|r| (LineKind::Refused, r))
            .chain(self.skips.iter().map(|r| (LineKind::Skipped, r)))
            .chain(self.notes.iter().map(|r| (LineKind::Note, r)))
            .collect();
        lines.sort_by_key(|(kind, r)| (r.row, *kind));
        lines
    }

    /// The refusals, skips and notes as a table (the "download the report" CSV), in row order.
    pub fn table(&self, i18n: &I18n) -> ExportTable {
        let mut table = ExportTable::new(
            "Import report",
            &[
                ("row", "Row"),
                ("what", "What"),
                ("field", "Field"),
                ("reason", "Why"),
            ],
        );
        for (kind, r) in self.lines() {
            table.rows.push(vec![
                Cell::Integer(r.row as i64),
                Cell::Text(i18n.tr(kind.i18n_key())),
                Cell::Text(field_name(&r.field, i18n)),
                Cell::Text(r.reason.clone()),
            ]);
        }
        table
    }
}

/// What a line of the report says about its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LineKind {
    Refused,
    Skipped,
    Note,
}

impl LineKind {
    pub fn i18n_key(self) -> &'static str {
        match self {
            Self::Refused => "import-report-refused",
            Self::Skipped => "import-report-skipped",
            Self::Note => "import-report-note",
        }
    }
}

/// A report line's field in words ("Latitude"), or its code when it is not an import field ("row").
pub fn field_name(code: &str, i18n: &I18n) -> String {
    crate::model::import::ImportField::from_code(code)
        .map_or_else(|| code.to_string(), |f| i18n.tr(&f.i18n_key()))
}
