//! Bulk import of camera and site lists: read a file ([`read`]), map its columns, check every row ([`plan`],
//! the dry run), then write the good rows in one transaction ([`commit`]).

pub mod commit;
pub mod plan;
pub mod read;

use std::path::Path;

use serde::Serialize;

use crate::i18n::I18n;
use crate::services::export::{Cell, ExportTable};
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
    #[error("{path} is {size_mb} MB; the importer reads files up to {} MB", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge { path: String, size_mb: u64 },
    #[error("{path}: {source}")]
    Read { path: String, source: ReadError },
}

/// Reads a file as `format` (sniffed from its content and name when `None`).
pub fn read_file(
    path: &Path,
    format: Option<SourceFormat>,
    sheet: Option<&str>,
) -> Result<SourceTable, FileError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| FileError::Io {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    if meta.is_dir() {
        return Err(FileError::Io {
            path: shown,
            detail: "it is a folder".into(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            path: shown,
            size_mb: meta.len() / 1024 / 1024,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| FileError::Io {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
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
    dry_run_on(store.conn(), table, settings, i18n)
}

/// [`dry_run`] on any connection to the registry, a read-only one included (the desk checks on its own thread
/// so the worker stays free for saves).
pub fn dry_run_on(
    conn: &rusqlite::Connection,
    table: &SourceTable,
    settings: &ImportSettings,
    i18n: &I18n,
) -> Result<DryRun, StoreError> {
    let revision = crate::store::import_revision(conn)?;
    let snapshot = crate::store::read_snapshot(conn, None)?;
    let refs = crate::store::source_refs(conn)?;
    let existing = Existing::new(&snapshot, &refs);
    drop(snapshot);
    Ok(DryRun {
        plan: plan::plan(table, settings, &existing, i18n),
        revision,
    })
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
