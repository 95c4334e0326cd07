//! `iccc-desk lookup`: which cameras could have seen a point at a time, as lines or JSON, read-only.

use std::path::Path;

use serde::Serialize;

use super::CliError;
use super::args::LookupArgs;
use super::output::{say, terminal_text};
use crate::i18n::{I18n, Lang};
use crate::model::health_at::PROBE_EVIDENCE_S;
use crate::model::{ist_datetime, ist_local_unix_s};
use crate::services::lookup::{LookupIndex, LookupQuery, LookupRow, look_up, with_health};
use crate::store::{ReportReader, StoreError};

/// One listed camera with its words, for `--json`.
#[derive(Serialize)]
struct JsonRow<'a> {
    #[serde(flatten)]
    row: &'a LookupRow,
    reason: String,
    health_text: String,
    footage_text: String,
}

/// The whole answer, for `--json`.
#[derive(Serialize)]
struct JsonAnswer<'a> {
    lat_deg: f64,
    lon_deg: f64,
    from_unix_s: i64,
    to_unix_s: i64,
    /// The window in IST, as typed back.
    from_ist: String,
    to_ist: String,
    radius_m: Option<f64>,
    cameras: Vec<JsonRow<'a>>,
}

fn bad(key: &str, text: &str) -> CliError {
    CliError::BadInput(I18n::new(Lang::En).tr_args(key, &[("text", text.to_string())]))
}

/// "25.4486,78.5697" → (latitude, longitude), each a number of degrees within the Earth's.
fn parse_point(text: &str) -> Result<(f64, f64), CliError> {
    let number = |t: &str| t.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    match text.split_once(',') {
        Some((lat, lon)) => match (number(lat), number(lon)) {
            (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => Ok((lat, lon)),
            _ => Err(bad("cli-error-lookup-at", text)),
        },
        None => Err(bad("cli-error-lookup-at", text)),
    }
}

fn parse_time(text: &str) -> Result<i64, CliError> {
    ist_local_unix_s(text).ok_or_else(|| bad("cli-error-lookup-time", text))
}

/// The query the arguments ask for.
fn query_of(args: &LookupArgs, now_unix_s: i64) -> Result<LookupQuery, CliError> {
    let (lat_deg, lon_deg) = parse_point(&args.at)?;
    let (from_unix_s, to_unix_s) = match (&args.time, &args.from, &args.to) {
        (Some(t), _, _) => {
            let t = parse_time(t)?;
            (t, t)
        }
        (None, Some(from), Some(to)) => {
            let (from, to) = (parse_time(from)?, parse_time(to)?);
            if to < from {
                return Err(bad(
                    "cli-error-lookup-window",
                    &format!(
                        "{} > {}",
                        args.from.as_deref().unwrap_or(""),
                        args.to.as_deref().unwrap_or("")
                    ),
                ));
            }
            (from, to)
        }
        _ => (now_unix_s, now_unix_s),
    };
    if let Some(r) = args.radius_m
        && !(r.is_finite() && r >= 0.0)
    {
        return Err(bad("cli-error-lookup-radius", &r.to_string()));
    }
    Ok(LookupQuery {
        lat_deg,
        lon_deg,
        from_unix_s,
        to_unix_s,
        radius_m: args.radius_m,
        now_unix_s,
    })
}

/// Reads the registry (one read snapshot), looks the point up and fills each camera's health then.
fn answer(db: &Path, query: &LookupQuery) -> Result<Vec<LookupRow>, StoreError> {
    let reader = ReportReader::open(db)?;
    reader.in_one_snapshot(|r| {
        let snapshot = r.snapshot()?;
        let index = LookupIndex::build(&snapshot);
        let mut rows = look_up(&snapshot, &index, query);
        let ids: Vec<_> = rows.iter().map(|row| row.camera_id).collect();
        let until = query.from_unix_s.max(query.to_unix_s) + PROBE_EVIDENCE_S;
        let runs = r.health_runs_until(&ids, until)?;
        with_health(&mut rows, query, &runs);
        Ok(rows)
    })
}

/// `lookup`: the cameras that could have seen the point, as numbered lines or JSON.
pub(super) fn run_lookup(db: &Path, args: &LookupArgs) -> Result<(), CliError> {
    let query = query_of(args, args.now.or_clock())?;
    let rows = answer(db, &query).map_err(|e| CliError::from_store(db, e))?;
    let i18n = I18n::new(args.lang.into());
    let at = query.from_unix_s;
    if args.json {
        let cameras = rows
            .iter()
            .map(|row| JsonRow {
                row,
                reason: row.check.reason(&i18n),
                health_text: row.health.words(at, &i18n),
                footage_text: row.footage.words(row.recorder_retention_days, &i18n),
            })
            .collect();
        let answer = JsonAnswer {
            lat_deg: query.lat_deg,
            lon_deg: query.lon_deg,
            from_unix_s: query.from_unix_s,
            to_unix_s: query.to_unix_s,
            from_ist: ist_datetime(query.from_unix_s),
            to_ist: ist_datetime(query.to_unix_s),
            radius_m: query.radius_m,
            cameras,
        };
        let text = serde_json::to_string_pretty(&answer).map_err(|e| {
            CliError::Failed(
                I18n::new(Lang::En).tr_args("cli-error-json-lookup", &[("detail", e.to_string())]),
            )
        })?;
        say(&text);
        return Ok(());
    }
    let when = if query.from_unix_s == query.to_unix_s {
        ist_datetime(at)
    } else {
        format!(
            "{} – {}",
            ist_datetime(query.from_unix_s),
            ist_datetime(query.to_unix_s)
        )
    };
    let point = format!("{:.6}, {:.6}", query.lat_deg, query.lon_deg);
    say(&i18n.tr_args(
        "cli-lookup-heading",
        &[
            ("point", point),
            ("when", when),
            ("count", rows.len().to_string()),
        ],
    ));
    for (n, row) in rows.iter().enumerate() {
        let site = if row.site_name_hi.is_empty() || i18n.lang() == Lang::En {
            row.site_name_en.clone()
        } else {
            row.site_name_hi.clone()
        };
        let line = i18n.tr_args(
            "cli-lookup-line",
            &[
                ("n", (n + 1).to_string()),
                ("id", row.camera_id.to_string()),
                ("camera", row.camera_label.clone()),
                ("site", site),
                ("contact", row.contact_person.clone()),
                ("phone", row.phone.clone()),
                ("stage", i18n.tr(&row.stage.i18n_key())),
                ("reason", row.check.reason(&i18n)),
                ("health", row.health.words(at, &i18n)),
                (
                    "footage",
                    row.footage.words(row.recorder_retention_days, &i18n),
                ),
            ],
        );
        say(&terminal_text(&line));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_two_numbers_of_degrees() {
        assert_eq!(parse_point("25.4486,78.5697").unwrap(), (25.4486, 78.5697));
        assert_eq!(parse_point(" -33.9 , 151.2 ").unwrap(), (-33.9, 151.2));
        for bad in [
            "",
            "25.4486",
            "25.4486;78.5697",
            "91,0",
            "0,181",
            "NaN,1",
            "a,b",
        ] {
            assert!(parse_point(bad).is_err(), "{bad}");
        }
    }
}
