//! `iccc-desk stats`, `report weekly` and `export`: the review's figures, reports and lists, read from the
//! registry without changing it.

use std::path::Path;

use super::CliError;
use super::args::{ExportArgs, ExportWhat, WeeklyArgs, WeeklyFormat};
use super::output::say;
use crate::i18n::{I18n, Lang};
use crate::model::{BlockReason, IntegrationStage, OwnerCategory, ist_datetime};
use crate::services::exchange::export::{self, ExportFormat, ExportList};
use crate::services::review::weekly::{self, Stats};
use crate::store::StoreError;

/// The week `--week` names, or the week of `now`.
fn parse_week(week: Option<&str>, now: i64) -> Result<weekly::IsoWeek, CliError> {
    use weekly::IsoWeek;
    match week {
        None => Ok(IsoWeek::containing(now)),
        Some(text) => IsoWeek::parse(text).ok_or_else(|| {
            CliError::BadInput(I18n::new(Lang::En).tr_args(
                "cli-error-bad-week",
                &[
                    ("text", format!("{text:?}")),
                    ("example", IsoWeek::containing(now).label()),
                ],
            ))
        }),
    }
}

/// `--json` is `--format json`; naming two different formats is a mistake worth saying.
fn weekly_format(json: bool, format: Option<WeeklyFormat>) -> Result<WeeklyFormat, CliError> {
    match (json, format) {
        (true, Some(f)) if f != WeeklyFormat::Json => Err(CliError::BadInput(
            I18n::new(Lang::En).tr("cli-error-json-and-format"),
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

/// `report weekly`: the week's numbers as text or JSON on stdout, or the printable HTML report into a file.
pub(super) fn run_weekly(db: &Path, key_dir: &Path, args: &WeeklyArgs) -> Result<(), CliError> {
    weekly(
        db,
        key_dir,
        &WeeklyRequest {
            week: args.week.as_deref(),
            format: weekly_format(args.json, args.format)?,
            output: args.output.as_deref(),
            lang: args.lang.into(),
            now_unix_s: args.now.or_clock(),
        },
    )
}

fn weekly(db: &Path, key_dir: &Path, request: &WeeklyRequest<'_>) -> Result<(), CliError> {
    let now = request.now_unix_s;
    let week = parse_week(request.week, now)?;
    if request.output.is_some() && request.format != WeeklyFormat::Html {
        return Err(CliError::BadInput(
            I18n::new(Lang::En).tr("cli-error-output-needs-html"),
        ));
    }
    if request.format == WeeklyFormat::Html {
        let Some(output) = request.output else {
            return Err(CliError::BadInput(I18n::new(Lang::En).tr_args(
                "cli-report-html-needs-output",
                &[("week", week.label())],
            )));
        };
        // Refused before the registry is read.
        export::check_target(output)
            .map_err(|e| CliError::Failed(e.message(&I18n::new(Lang::En))))?;
        return run_weekly_html(db, key_dir, week, request.lang, now, output);
    }
    let conn = weekly::open_read_only_with(db, key_dir).map_err(|e| CliError::from_store(db, e))?;
    let report =
        weekly::weekly_with_gaps(&conn, week, now).map_err(|e| registry_read_error(db, e))?;
    drop(conn);
    if request.format == WeeklyFormat::Json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| json_error("cli-error-json-report", &e))?;
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

/// JSON that could not be written (`key` says of what).
fn json_error(key: &str, e: &serde_json::Error) -> CliError {
    CliError::Failed(I18n::new(Lang::En).tr_args(key, &[("detail", e.to_string())]))
}

/// `stats`: the review's figures as a table or JSON.
pub(super) fn run_stats(
    db: &Path,
    key_dir: &Path,
    as_json: bool,
    now: i64,
) -> Result<(), CliError> {
    let conn = weekly::open_read_only_with(db, key_dir).map_err(|e| CliError::from_store(db, e))?;
    let stats = weekly::compute(&conn, now).map_err(|e| registry_read_error(db, e))?;
    drop(conn);
    if as_json {
        let text = serde_json::to_string_pretty(&stats)
            .map_err(|e| json_error("cli-error-json-figures", &e))?;
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
        StoreError::Sql(e) => CliError::BadInput(I18n::new(Lang::En).tr_args(
            "cli-error-not-a-registry",
            &[
                ("path", db.display().to_string()),
                ("detail", e.to_string()),
            ],
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
    key_dir: &Path,
    week: weekly::IsoWeek,
    lang: Lang,
    now: i64,
    output: &Path,
) -> Result<(), CliError> {
    let english = I18n::new(Lang::En);
    let conn = weekly::open_read_only_with(db, key_dir).map_err(|e| CliError::from_store(db, e))?;
    let (report, coverage) =
        weekly::weekly_with_coverage(&conn, week, now).map_err(|e| registry_read_error(db, e))?;
    let series = weekly::series(
        &conn,
        week,
        crate::services::review::weekly_report::CHART_WEEKS,
    )
    .map_err(|e| registry_read_error(db, e))?;
    drop(conn);
    let written = crate::services::review::weekly_report::write_weekly_html(
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

/// `export`: one list of the registry into a file, then one line that says so.
pub(super) fn run_export(db: &Path, key_dir: &Path, args: &ExportArgs) -> Result<(), CliError> {
    export_list(
        db,
        key_dir,
        ExportRequest {
            what: args.what,
            format: args.format.into(),
            week: args.week.as_deref(),
            now_unix_s: args.now.or_clock(),
        },
        &args.output,
    )
}

fn export_list(
    db: &Path,
    key_dir: &Path,
    request: ExportRequest<'_>,
    output: &Path,
) -> Result<(), CliError> {
    let ExportRequest {
        what,
        format,
        week,
        now_unix_s,
    } = request;
    if week.is_some() && what != ExportWhat::Weekly {
        return Err(CliError::BadInput(
            I18n::new(Lang::En).tr("cli-error-week-only-weekly"),
        ));
    }
    if format == ExportFormat::GeoJson && what == ExportWhat::Weekly {
        return Err(CliError::BadInput(
            I18n::new(Lang::En).tr("cli-error-weekly-geojson"),
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
    // Refused before the registry is read.
    export::check_target(output).map_err(|e| CliError::Failed(e.message(&english)))?;
    // Read-only: an export never changes the registry, and needs no password key.
    let conn = weekly::open_read_only_with(db, key_dir).map_err(|e| CliError::from_store(db, e))?;
    let written = export::write_list(&conn, list, format, output, now_unix_s, &english).map_err(
        |e| match e {
            export::ExportJobError::Read(e) => registry_read_error(db, e),
            export::ExportJobError::Write(e) => CliError::Failed(e.message(&english)),
        },
    )?;
    tracing::info!(
        rows = written.rows,
        "export written to {}",
        output.display()
    );
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
