//! `iccc-desk import`: read a list of cameras, map its columns, check every row, write the good ones in one
//! transaction and print the report.

use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Instant;

use super::CliError;
use super::args::ImportArgs;
use super::output::{progress_note, say, terminal_text};
use crate::i18n::{I18n, Lang};
use crate::model::OwnerCategory;
use crate::services::exchange::export;
use crate::services::exchange::import::plan::ImportSettings;
use crate::services::exchange::import::read::SourceTable as Table;
use crate::services::exchange::import::{self, ImportReport};
use crate::store::{Actor, OpenOptions, Store};

/// Imports (or, with --dry-run, checks) the file and prints the report.
pub(super) fn run_import(db: &Path, key_dir: &Path, run: &ImportArgs) -> Result<(), CliError> {
    let english = I18n::new(Lang::En);
    let started = Instant::now();
    // The report's file is checked before anything is read or written: a refused one (the registry,
    // `/dev/null`) must not be found out after the import was committed.
    if let Some(path) = &run.report {
        export::check_target(path).map_err(|e| CliError::Failed(e.message(&english)))?;
    }
    let table = import::read_file(&run.file, run.format.map(Into::into), run.sheet.as_deref())
        .map_err(|e| CliError::BadInput(e.to_string()))?;
    let open = if run.dry_run {
        // A dry run only looks: it never makes a registry, nor writes to one.
        Store::open_to_look
    } else {
        // A missing registry is made for the import; an empty file is not taken for one.
        Store::open_unless_empty
    };
    let mut store = open(
        db,
        &OpenOptions {
            key_dir: key_dir.to_path_buf(),
        },
    )
    .map_err(|e| CliError::from_store(db, e))?;
    let settings = import_settings(db, &store, &table, run, &english)?;
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
                let percent = format!("{:.0}", fraction * 100.0);
                let text = english.tr_args("cli-import-progress-line", &[("percent", percent)]);
                progress_note(&format!("{text}\n"));
            } else if show_progress {
                let percent = format!("{:.0}", fraction * 100.0);
                let text = english.tr_args("cli-import-progress", &[("percent", percent)]);
                progress_note(&format!("\r{text}"));
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
        .map_err(|e| {
            tracing::warn!(file = %source_name, "import not written: {e}");
            CliError::Failed(english.tr_args(
                "cli-error-in-file",
                &[
                    ("path", run.file.display().to_string()),
                    (
                        "error",
                        crate::services::error_words::error_text(&english, &e).0,
                    ),
                ],
            ))
        })?;
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
    // Counts only: a row's cells may carry a camera's password or an address with one.
    tracing::info!(
        file = %source_name,
        committed,
        rows = report.rows,
        added = report.added,
        updated = report.updated,
        refused = report.refused,
        "import checked{}",
        if committed { " and written" } else { "" }
    );
    if let Some(path) = &run.report {
        export::write_csv(&report.table(&english), path)
            .map_err(|e| CliError::Failed(e.message(&english)))?;
    }
    if run.json {
        say(&serde_json::to_string_pretty(&report).unwrap_or_default());
        return Ok(());
    }
    print_report(run, &report, committed, started, &english);
    Ok(())
}

/// The column mapping and defaults: a saved profile or a guess from the headers, then the hand-made `--map`s,
/// `--update-duplicates`, `--category` and `--area`.
fn import_settings(
    db: &Path,
    store: &Store,
    table: &Table,
    run: &ImportArgs,
    english: &I18n,
) -> Result<ImportSettings, CliError> {
    use crate::model::import::{ImportField, header_key};
    let quoted = |text: &str| format!("{text:?}");
    let bad = |key: &str, args: &[(&str, String)]| CliError::BadInput(english.tr_args(key, args));
    let mut settings = match &run.profile {
        Some(name) => store
            .import_profile(name)
            .map_err(|e| CliError::from_store(db, e))?
            .ok_or_else(|| {
                bad(
                    "cli-import-no-profile",
                    &[("name", quoted(name)), ("path", db.display().to_string())],
                )
            })?
            .settings_for(&table.headers),
        None => import::plan::guess_settings(
            table,
            &store
                .service_area()
                .map_err(|e| CliError::from_store(db, e))?,
        ),
    };
    for m in &run.map {
        let Some((header, field)) = m.rsplit_once('=') else {
            return Err(bad("cli-import-map-form", &[("map", quoted(m))]));
        };
        let column = table
            .headers
            .iter()
            .position(|h| header_key(h) == header_key(header))
            .ok_or_else(|| {
                bad(
                    "cli-import-map-no-column",
                    &[
                        ("map", quoted(m)),
                        ("header", quoted(header)),
                        ("columns", table.headers.join(", ")),
                    ],
                )
            })?;
        let field = match field.trim() {
            "-" | "" => None,
            code => Some(ImportField::from_code(code).ok_or_else(|| {
                bad(
                    "cli-import-map-no-field",
                    &[("map", quoted(m)), ("code", quoted(code))],
                )
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
    if run.skip_near_duplicates {
        settings.near_duplicates = import::plan::NearDuplicatePolicy::Skip;
    }
    if let Some(code) = &run.category {
        settings.default_category = OwnerCategory::from_code(code)
            .ok_or_else(|| bad("cli-import-bad-category", &[("code", quoted(code))]))?;
    }
    if let Some(code) = &run.area {
        settings.default_area = crate::model::AreaWatched::from_code(code)
            .ok_or_else(|| bad("cli-import-bad-area", &[("code", quoted(code))]))?;
    }
    Ok(settings)
}

/// The report as text: the summary line, then one line per file note, refusal, skip and row note.
fn print_report(
    run: &ImportArgs,
    report: &ImportReport,
    committed: bool,
    started: Instant,
    english: &I18n,
) {
    let verb = if committed {
        "cli-import-imported"
    } else if run.dry_run {
        "cli-import-checked"
    } else {
        "cli-import-nothing"
    };
    let n = |v: usize| v.to_string();
    say(&english.tr_args(
        "cli-import-summary",
        &[
            ("verb", english.tr(verb)),
            ("file", run.file.display().to_string()),
            ("rows", n(report.rows)),
            ("added", n(report.added)),
            ("sites", n(report.new_sites)),
            ("private", n(report.rejected_private)),
            ("updated", n(report.updated)),
            ("unchanged", n(report.unchanged)),
            ("skipped", n(report.skipped)),
            ("refused", n(report.refused)),
            ("possible", n(report.possible_duplicates)),
            ("seconds", format!("{:.1}", started.elapsed().as_secs_f64())),
        ],
    ));
    let t = |text: &str| terminal_text(text).into_owned();
    for note in &report.file_notes {
        say(&english.tr_args("cli-import-file-note", &[("note", t(note))]));
    }
    for r in &report.refusals {
        say(&english.tr_args(
            "cli-import-refusal",
            &[
                ("row", n(r.row)),
                ("field", t(&r.field)),
                ("reason", t(&r.reason)),
            ],
        ));
    }
    for r in &report.skips {
        say(&english.tr_args(
            "cli-import-skip",
            &[("row", n(r.row)), ("reason", t(&r.reason))],
        ));
    }
    for r in &report.notes {
        say(&english.tr_args(
            "cli-import-row-note",
            &[
                ("row", n(r.row)),
                ("field", t(&r.field)),
                ("reason", t(&r.reason)),
            ],
        ));
    }
}
