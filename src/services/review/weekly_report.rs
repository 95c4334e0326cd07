//! The printable weekly report: one self-contained HTML file the divisional commissioner's review meeting prints
//! or shows on a projector — the week's numbers, the two charts of the review screen and the coverage gap list,
//! in English or Hindi.
//!
//! Self-contained because ICCC machines are often air-gapped and the file is mailed around: no script, no
//! external URL, no font fetch. Devanagari is shaped by an embedded Noto Sans Devanagari (SIL Open Font License
//! 1.1, which allows embedding the font in a document; see assets/fonts/OFL.txt), so a machine without Hindi
//! fonts prints matras and conjuncts correctly; Latin text uses the system's sans-serif. The charts are inline
//! SVG drawn here. Every text that comes from the registry or the catalogue is HTML-escaped. No egui here.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use base64::Engine as _;

use crate::i18n::{I18n, Lang, indian_grouping};
use crate::model::{CoverageReport, GapReason, OwnerCategory, ist_datetime};
use crate::services::exchange::export::{ExportError, Written, write_atomically};
use crate::services::review::weekly::{IsoWeek, WeekPoint, WeeklyReport};
use crate::store::StoreError;

/// Weeks drawn in the report's charts (as on the review screen).
pub const CHART_WEEKS: usize = 12;

const DEVANAGARI_TTF: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansDevanagari-Regular.ttf");

/// The colours of the owner categories in every chart (review screen and printed report), in the order of
/// [`OwnerCategory::ALL`]: distinguishable side by side, and still apart when printed.
const CATEGORY_RGB: [(u8, u8, u8); 10] = [
    (0x42, 0x8B, 0xF5),
    (0xFF, 0xA7, 0x26),
    (0x66, 0xBB, 0x6A),
    (0xEF, 0x53, 0x50),
    (0xAB, 0x47, 0xBC),
    (0x26, 0xC6, 0xDA),
    (0x8D, 0x6E, 0x63),
    (0xEC, 0x40, 0x7A),
    (0x9C, 0xCC, 0x65),
    (0x78, 0x90, 0x9C),
];

/// An owner category's chart colour as (red, green, blue).
pub fn category_rgb(c: OwnerCategory) -> (u8, u8, u8) {
    let i = OwnerCategory::ALL.iter().position(|x| *x == c).unwrap_or(0);
    CATEGORY_RGB[i % CATEGORY_RGB.len()]
}

/// An owner category's chart colour as CSS hex ("#428bf5").
pub fn category_hex(c: OwnerCategory) -> String {
    let (r, g, b) = category_rgb(c);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Why the report of a week could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The registry could not be read.
    #[error("cannot read the registry: {0}")]
    Read(#[from] StoreError),
    /// The file could not be written (nothing was left at the target).
    #[error(transparent)]
    Write(#[from] ExportError),
}

impl ReportError {
    /// The message in the catalogue's language.
    pub fn message(&self, i18n: &I18n) -> String {
        match self {
            Self::Read(e) => i18n.tr_args("report-err-read", &[("detail", e.to_string())]),
            Self::Write(e) => e.message(i18n),
        }
    }
}

/// What one report shows, read from the registry.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// The week's numbers, with `gaps` filled in from `coverage`.
    pub report: WeeklyReport,
    /// [`CHART_WEEKS`] weeks ending with the report's, oldest first.
    pub series: Vec<WeekPoint>,
    pub coverage: CoverageReport,
}

/// Reads everything the report of `week` shows from a registry reader: the week's numbers and charts from
/// the stage history, coverage as it is at `now_unix_s` (cameras online within the default window).
pub fn read_report_data(
    db: &crate::store::ReportReader<'_>,
    week: IsoWeek,
    now_unix_s: i64,
) -> Result<ReportData, StoreError> {
    let (report, coverage) =
        crate::services::review::weekly::weekly_with_coverage(db, week, now_unix_s)?;
    let series = crate::services::review::weekly::series(db, week, CHART_WEEKS)?;
    Ok(ReportData {
        report,
        series,
        coverage,
    })
}

/// The report's file name in the desk's report folder: "weekly-2026-W48-en.html".
pub fn report_file_name(week: IsoWeek, lang: Lang) -> String {
    let code = match lang {
        Lang::En => "en",
        Lang::Hi => "hi",
    };
    format!("weekly-{}-{code}.html", week.label())
}

/// Writes the report as HTML to `target`, atomically: beside it under a temporary name, then renamed, so a
/// failure leaves no half file and an older report intact. `registry`: the file it was read from, named in the
/// footer. `Written::rows` counts the coverage gaps listed.
pub fn write_weekly_html(
    report: &WeeklyReport,
    series: &[WeekPoint],
    coverage: &CoverageReport,
    i18n: &I18n,
    generated_unix_s: i64,
    registry: Option<&Path>,
    target: &Path,
) -> Result<Written, ExportError> {
    let html = weekly_html_from(report, series, coverage, i18n, generated_unix_s, registry);
    write_atomically(target, coverage.gaps.len(), |out| {
        use std::io::Write as _;
        out.write_all(html.as_bytes())
            .map_err(|e| ExportError::from_io(target, &e))
    })
}

/// Reads the week from `db` (the registry file `registry`) and writes its report to `target` (the desk's
/// "Printable report").
pub fn write_report_for_week(
    db: &crate::store::ReportReader<'_>,
    registry: Option<&Path>,
    week: IsoWeek,
    i18n: &I18n,
    now_unix_s: i64,
    target: &Path,
) -> Result<Written, ReportError> {
    // A target that would be refused is refused before the week is read.
    crate::services::exchange::export::check_target(target)?;
    let data = read_report_data(db, week, now_unix_s)?;
    Ok(write_weekly_html(
        &data.report,
        &data.series,
        &data.coverage,
        i18n,
        now_unix_s,
        registry,
        target,
    )?)
}

/// Text made safe to put between tags and inside quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A count with Indian grouping (2,00,000).
fn n(v: u64) -> String {
    indian_grouping(i64::try_from(v).unwrap_or(i64::MAX))
}

/// A change between two counts: "+12", "−5" (a true minus sign), "±0".
fn change(now: u64, before: u64) -> String {
    let d = i64::try_from(now).unwrap_or(i64::MAX) - i64::try_from(before).unwrap_or(i64::MAX);
    match d {
        0 => "±0".to_string(),
        d if d > 0 => format!("+{}", indian_grouping(d)),
        d => format!("\u{2212}{}", indian_grouping(-d)),
    }
}

/// The embedded font as base64, made once per process (about 300 KB).
fn font_base64() -> &'static str {
    static FONT: OnceLock<String> = OnceLock::new();
    FONT.get_or_init(|| base64::engine::general_purpose::STANDARD.encode(DEVANAGARI_TTF))
}

const CSS: &str = r#"
:root { --ink: #1d232b; --muted: #5b6470; --line: #d5dae0; --stripe: #f3f5f8; --accent: #1f4e8c; }
* { box-sizing: border-box; }
html { font-family: "ICCC Devanagari", "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; color: var(--ink); }
body { margin: 0 auto; max-width: 190mm; padding: 8mm 4mm; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 19pt; margin: 0 0 2pt; color: var(--accent); }
h2 { font-size: 13.5pt; margin: 14pt 0 6pt; padding-bottom: 2pt; border-bottom: 1.5pt solid var(--accent); color: var(--accent); }
h3 { font-size: 11pt; margin: 10pt 0 4pt; }
.org { font-size: 10pt; color: var(--muted); margin: 0 0 3pt; letter-spacing: 0.02em; }
.dates { font-size: 11pt; margin: 0 0 8pt; }
.demo { border: 2pt solid #c2410c; background: #fff1e8; color: #9a3412; font-weight: 700; padding: 5pt 8pt; margin: 6pt 0 10pt; text-align: center; font-size: 11.5pt; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6pt; margin: 8pt 0; }
.tile { border: 1pt solid var(--line); border-radius: 4pt; padding: 6pt 8pt; break-inside: avoid; }
.tile .label { font-size: 9pt; color: var(--muted); }
.tile .value { font-size: 20pt; font-weight: 700; line-height: 1.2; font-variant-numeric: tabular-nums; }
.tile .note { font-size: 8.5pt; color: var(--muted); }
.tile.lead { border-color: var(--accent); border-width: 1.5pt; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 3pt 5pt; border-bottom: 0.75pt solid var(--line); vertical-align: top; text-align: left; }
th { background: #e8edf3; font-size: 9pt; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: var(--stripe); }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
tr.total td { font-weight: 700; border-top: 1.25pt solid var(--ink); background: #fff; }
.swatch { display: inline-block; width: 9pt; height: 9pt; border-radius: 2pt; vertical-align: -1pt; margin-right: 4pt; }
.chart { margin: 4pt 0 12pt; break-inside: avoid; }
.chart svg { width: 100%; height: auto; display: block; }
.chart svg text { font-size: 11px; fill: var(--ink); }
.chart svg .axis text { fill: var(--muted); }
.chart svg .grid { stroke: var(--line); stroke-width: 1; }
.legend { display: flex; flex-wrap: wrap; gap: 3pt 12pt; font-size: 9pt; margin-top: 4pt; }
.reasons { display: flex; flex-wrap: wrap; gap: 4pt 8pt; margin: 4pt 0 8pt; font-size: 9pt; }
.reasons span { border: 0.75pt solid var(--line); border-radius: 8pt; padding: 1pt 7pt; }
table.gaps { font-size: 8.5pt; line-height: 1.3; table-layout: fixed; }
table.gaps td { overflow-wrap: break-word; }
table.gaps th { white-space: normal; }
table.gaps .phone { white-space: nowrap; }
table.gaps td.no { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; }
table.gaps .sub { color: var(--muted); }
table.gaps td.install { font-style: italic; color: #9a3412; }
.note { color: var(--muted); font-size: 9pt; }
footer { margin-top: 16pt; padding-top: 5pt; border-top: 0.75pt solid var(--line); font-size: 8.5pt; color: var(--muted); }
.section { break-before: page; page-break-before: always; }
@page { size: A4; margin: 14mm 12mm 16mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #5b6470; } }
@media screen { body { box-shadow: 0 0 8px #c8ced6; margin-top: 12px; margin-bottom: 12px; background: #fff; } html { background: #eef1f4; } .section { margin-top: 18pt; } }
@media print { body { max-width: none; padding: 0; } html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"#;

/// The printable weekly report as one HTML document (see the module notes). `series`: the charts' weeks, oldest
/// first; `generated_unix_s`: when it is made (the footer, in IST).
pub fn weekly_html(
    report: &WeeklyReport,
    series: &[WeekPoint],
    coverage: &CoverageReport,
    i18n: &I18n,
    generated_unix_s: i64,
) -> String {
    weekly_html_from(report, series, coverage, i18n, generated_unix_s, None)
}

/// [`weekly_html`] whose footer also names the registry file it was read from.
pub fn weekly_html_from(
    report: &WeeklyReport,
    series: &[WeekPoint],
    coverage: &CoverageReport,
    i18n: &I18n,
    generated_unix_s: i64,
    registry: Option<&Path>,
) -> String {
    let t = |key: &str| escape_html(&i18n.tr(key));
    let ta = |key: &str, args: &[(&str, String)]| escape_html(&i18n.tr_args(key, args));
    let lang = match i18n.lang() {
        Lang::En => "en",
        Lang::Hi => "hi",
    };
    let mut h = String::with_capacity(450_000 + coverage.gaps.len() * 600);
    let week_args = [
        ("week", report.week.clone()),
        ("from", report.starts.clone()),
        ("to", report.ends.clone()),
    ];
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"iccc-desk {}\">\n<title>{}</title>\n<style>\n\
         /* Noto Sans Devanagari, SIL Open Font License 1.1 (embedding allowed), for Devanagari only. */\n\
         @font-face {{ font-family: \"ICCC Devanagari\"; font-style: normal; \
         src: url(data:font/ttf;base64,{}) format(\"truetype\"); \
         unicode-range: U+0900-097F, U+1CD0-1CFF, U+200C-200D, U+20B9, U+25CC, U+A830-A839, U+A8E0-A8FF; }}\n\
         {CSS}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        ta("report-html-title", &week_args),
        font_base64(),
    );

    // Title.
    let _ = write!(
        h,
        "<header>\n<p class=\"org\">{}</p>\n<h1>{}</h1>\n<p class=\"dates\">{}</p>\n",
        t("report-org"),
        ta("report-heading", &[("week", report.week.clone())]),
        ta("report-dates", &week_args),
    );
    if report.is_demo {
        let _ = writeln!(h, "<div class=\"demo\">{}</div>", t("report-demo-banner"));
    }
    h.push_str("</header>\n");

    tiles(&mut h, report, coverage, i18n);
    category_table(&mut h, report, i18n);

    let _ = write!(
        h,
        "<section class=\"section charts\">\n<h2>{}</h2>\n",
        t("report-charts")
    );
    cumulative_chart(&mut h, series, i18n);
    weekly_chart(&mut h, series, i18n);
    h.push_str("</section>\n");

    gaps_section(&mut h, coverage, i18n);

    let source = registry.map_or_else(String::new, |file| {
        format!(
            "<br>{}",
            ta("report-source", &[("file", file.display().to_string())])
        )
    });
    let _ = write!(
        h,
        "<footer>{}{source}</footer>\n</body>\n</html>\n",
        ta(
            "report-footer",
            &[
                ("time", ist_datetime(generated_unix_s)),
                ("coverage_time", ist_datetime(coverage.computed_for_unix_s)),
                ("version", env!("CARGO_PKG_VERSION").to_string()),
            ],
        )
    );
    h
}

/// The headline tiles.
fn tiles(h: &mut String, r: &WeeklyReport, coverage: &CoverageReport, i18n: &I18n) {
    let ta = |key: &str, args: &[(&str, String)]| escape_html(&i18n.tr_args(key, args));
    let uptime = r
        .uptime_pct_integrated
        .map_or_else(|| "—".to_string(), crate::i18n::percent);
    let uptime_note = if r.uptime_pct_integrated.is_some() {
        ta(
            "report-uptime-probed",
            &[("cameras", r.cameras_probed.to_string())],
        )
    } else {
        ta("report-uptime-none", &[])
    };
    let gaps = r.gaps.unwrap_or(coverage.gaps.len() as u64);
    // (label key, figure's name in the JSON report, value, note, leading tile)
    let list: [(&str, &str, String, String, bool); 8] = [
        (
            "review-integrated-total",
            "integrated_total",
            n(r.integrated_total),
            ta("report-of-cameras", &[("cameras", r.cameras.to_string())]),
            true,
        ),
        (
            "review-integrated-this-week",
            "integrated_this_week",
            n(r.integrated_this_week),
            ta(
                "report-change",
                &[
                    (
                        "change",
                        change(r.integrated_this_week, r.integrated_last_week),
                    ),
                    ("last", r.integrated_last_week.to_string()),
                ],
            ),
            true,
        ),
        (
            "review-new-surveys",
            "new_surveys",
            n(r.new_surveys),
            String::new(),
            false,
        ),
        (
            "review-blocked-this-week",
            "blocked_this_week",
            n(r.blocked_this_week),
            String::new(),
            false,
        ),
        (
            "review-resolved-this-week",
            "resolved_this_week",
            n(r.resolved_this_week),
            String::new(),
            false,
        ),
        (
            "review-blocked-now",
            "blocked_now",
            n(r.blocked_now),
            ta("report-at-week-end", &[]),
            false,
        ),
        (
            "review-uptime",
            "uptime_pct_integrated",
            uptime,
            uptime_note,
            false,
        ),
        (
            "report-tile-gaps",
            "gaps",
            n(gaps),
            ta(
                "report-gaps-of",
                &[
                    ("covered", coverage.covered.to_string()),
                    ("places", coverage.places.to_string()),
                ],
            ),
            true,
        ),
    ];
    h.push_str("<div class=\"tiles\">\n");
    for (key, figure, value, note, lead) in list {
        let _ = writeln!(
            h,
            "<div class=\"tile{}\" data-figure=\"{figure}\"><div class=\"label\">{}</div>\
             <div class=\"value\">{}</div><div class=\"note\">{note}</div></div>",
            if lead { " lead" } else { "" },
            escape_html(&i18n.tr(key)),
            escape_html(&value),
        );
    }
    h.push_str("</div>\n");
}

/// The table of owner categories, with a total row.
fn category_table(h: &mut String, r: &WeeklyReport, i18n: &I18n) {
    let t = |key: &str| escape_html(&i18n.tr(key));
    let _ = write!(
        h,
        "<h2>{}</h2>\n<table class=\"categories\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         </tr></thead>\n<tbody>\n",
        t("review-by-category"),
        t("review-col-category"),
        t("review-col-cameras"),
        t("review-col-integrated"),
        t("review-col-this-week"),
        t("review-col-last-week"),
        t("report-col-change"),
    );
    let mut listed: Vec<(String, Option<OwnerCategory>)> = OwnerCategory::ALL
        .iter()
        .map(|c| (c.code().to_string(), Some(*c)))
        .collect();
    // A category code the model no longer knows (a newer registry) is still counted, under its code.
    for code in r.by_category.keys() {
        if OwnerCategory::from_code(code).is_none() {
            listed.push((code.clone(), None));
        }
    }
    for (code, category) in listed {
        let Some(f) = r.by_category.get(&code) else {
            continue;
        };
        let (name, swatch) = match category {
            Some(c) => (i18n.tr(&c.i18n_key()), category_hex(c)),
            None => (code.clone(), "#999999".to_string()),
        };
        let _ = writeln!(
            h,
            "<tr><td><span class=\"swatch\" style=\"background:{swatch}\"></span>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(&name),
            n(f.cameras),
            n(f.integrated_total),
            n(f.integrated_this_week),
            n(f.integrated_last_week),
            change(f.integrated_this_week, f.integrated_last_week),
        );
    }
    let _ = write!(
        h,
        "<tr class=\"total\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n\
         </tbody>\n</table>\n",
        t("export-all-categories"),
        n(r.cameras),
        n(r.integrated_total),
        n(r.integrated_this_week),
        n(r.integrated_last_week),
        change(r.integrated_this_week, r.integrated_last_week),
    );
}

/// A step for a value axis from 0 to at least `max`: 1, 2 or 5 times a power of ten, about five steps.
fn axis_step(max: u64) -> u64 {
    let target = max.div_ceil(5).max(1);
    let mut magnitude = 1u64;
    while magnitude.saturating_mul(10) <= target {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= target)
        .unwrap_or(10 * magnitude)
}

/// The drawing area shared by both charts (SVG user units).
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// The value at the top of the axis, and the step between grid lines.
    top_value: u64,
    step: u64,
    weeks: usize,
}

impl Frame {
    fn new(max: u64, weeks: usize) -> Self {
        let step = axis_step(max);
        let top_value = max.div_ceil(step).max(1) * step;
        Self {
            width: 720.0,
            height: 270.0,
            left: 64.0,
            right: 12.0,
            top: 22.0,
            bottom: 40.0,
            top_value,
            step,
            weeks: weeks.max(1),
        }
    }

    fn plot_w(&self) -> f64 {
        self.width - self.left - self.right
    }

    fn plot_h(&self) -> f64 {
        self.height - self.top - self.bottom
    }

    /// Centre of week `i`'s band.
    fn x(&self, i: usize) -> f64 {
        self.left + (i as f64 + 0.5) * self.plot_w() / self.weeks as f64
    }

    fn band(&self) -> f64 {
        self.plot_w() / self.weeks as f64
    }

    fn y(&self, v: u64) -> f64 {
        self.top + self.plot_h() * (1.0 - v as f64 / self.top_value as f64)
    }

    /// Opens the SVG and draws the grid, the value labels on the left and the week labels below.
    fn open(&self, h: &mut String, title: &str, series: &[WeekPoint], i18n: &I18n) {
        let _ = write!(
            h,
            "<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{title}\">\n<title>{title}</title>\n\
             <g class=\"axis\">\n",
            self.width, self.height
        );
        let mut v = 0;
        while v <= self.top_value {
            let y = self.y(v);
            let _ = writeln!(
                h,
                "<line class=\"grid\" x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                self.left,
                self.width - self.right,
                self.left - 6.0,
                y + 4.0,
                n(v),
            );
            v += self.step;
        }
        for (i, p) in series.iter().enumerate() {
            let _ = writeln!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">W{:02}</text>",
                self.x(i),
                self.height - self.bottom + 16.0,
                p.week.week
            );
        }
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n\
             <text x=\"{:.1}\" y=\"12\" text-anchor=\"start\">{}</text>\n\
             <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#5b6470\"/>\n</g>\n",
            self.left + self.plot_w() / 2.0,
            self.height - 4.0,
            escape_html(&i18n.tr("report-axis-week")),
            4.0,
            escape_html(&i18n.tr("report-axis-cameras")),
            self.left,
            self.y(0),
            self.width - self.right,
            self.y(0),
        );
    }
}

/// Integrated cameras at each week's end: a line with its values.
fn cumulative_chart(h: &mut String, series: &[WeekPoint], i18n: &I18n) {
    let title = escape_html(&i18n.tr("review-chart-cumulative"));
    let _ = write!(
        h,
        "<div class=\"chart\" id=\"chart-cumulative\">\n<h3>{title}</h3>\n"
    );
    let max = series.iter().map(|p| p.integrated_total).max().unwrap_or(0);
    let frame = Frame::new(max, series.len());
    frame.open(h, &title, series, i18n);
    let points: Vec<String> = series
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", frame.x(i), frame.y(p.integrated_total)))
        .collect();
    let _ = writeln!(
        h,
        "<polyline class=\"line\" fill=\"none\" stroke=\"#1f4e8c\" stroke-width=\"2.5\" \
         stroke-linejoin=\"round\" points=\"{}\"/>",
        points.join(" ")
    );
    for (i, p) in series.iter().enumerate() {
        let (x, y) = (frame.x(i), frame.y(p.integrated_total));
        let _ = writeln!(
            h,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"#1f4e8c\"><title>{} · {}</title></circle>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            p.week.label(),
            n(p.integrated_total),
            y - 8.0,
            n(p.integrated_total),
        );
    }
    h.push_str("</svg>\n</div>\n");
}

/// Cameras integrated each week, stacked by owner category, with the week's total on top and a legend.
fn weekly_chart(h: &mut String, series: &[WeekPoint], i18n: &I18n) {
    let title = escape_html(&i18n.tr("review-chart-weekly"));
    let _ = write!(
        h,
        "<div class=\"chart\" id=\"chart-weekly\">\n<h3>{title}</h3>\n"
    );
    let total = |p: &WeekPoint| p.integrated_by_category.values().sum::<u64>();
    let max = series.iter().map(total).max().unwrap_or(0);
    let frame = Frame::new(max, series.len());
    frame.open(h, &title, series, i18n);
    let bar_w = frame.band() * 0.62;
    for (i, p) in series.iter().enumerate() {
        let x = frame.x(i) - bar_w / 2.0;
        let _ = writeln!(
            h,
            "<g class=\"bar-week\" data-week=\"{}\"><title>{} · {}</title>",
            p.week.label(),
            p.week.label(),
            n(total(p))
        );
        let mut below = 0u64;
        for c in OwnerCategory::ALL {
            let v = p.integrated_by_category.get(c.code()).copied().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let (y_top, y_bottom) = (frame.y(below + v), frame.y(below));
            let _ = writeln!(
                h,
                "<rect x=\"{x:.1}\" y=\"{y_top:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\" fill=\"{}\">\
                 <title>{} · {}</title></rect>",
                (y_bottom - y_top).max(0.0),
                category_hex(c),
                escape_html(&i18n.tr(&c.i18n_key())),
                n(v),
            );
            below += v;
        }
        let _ = write!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n</g>\n",
            frame.x(i),
            frame.y(below) - 5.0,
            n(below),
        );
    }
    h.push_str("</svg>\n<div class=\"legend\">\n");
    // The legend names the categories that have a bar; all of them when no week has one.
    let shown: Vec<OwnerCategory> = OwnerCategory::ALL
        .into_iter()
        .filter(|c| {
            series.iter().any(|p| {
                p.integrated_by_category
                    .get(c.code())
                    .is_some_and(|v| *v > 0)
            })
        })
        .collect();
    let shown = if shown.is_empty() {
        OwnerCategory::ALL.to_vec()
    } else {
        shown
    };
    for c in shown {
        let _ = writeln!(
            h,
            "<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
            category_hex(c),
            escape_html(&i18n.tr(&c.i18n_key()))
        );
    }
    h.push_str("</div>\n</div>\n");
}

/// "English name · हिन्दी नाम", each marked with its language, escaped.
fn both_names(en: &str, hi: &str) -> String {
    match (en.is_empty(), hi.is_empty()) {
        (false, false) => format!(
            "<span lang=\"en\">{}</span> · <span lang=\"hi\">{}</span>",
            escape_html(en),
            escape_html(hi)
        ),
        (true, false) => format!("<span lang=\"hi\">{}</span>", escape_html(hi)),
        _ => format!("<span lang=\"en\">{}</span>", escape_html(en)),
    }
}

/// A site's name in the report's language when it has one, else the other, escaped: the candidate's site is
/// read to find it, and one name keeps a long list's rows short.
fn name_in(lang: Lang, en: &str, hi: &str) -> String {
    let (first, second, first_lang, second_lang) = match lang {
        Lang::En => (en, hi, "en", "hi"),
        Lang::Hi => (hi, en, "hi", "en"),
    };
    if first.is_empty() {
        format!(
            "<span lang=\"{second_lang}\">{}</span>",
            escape_html(second)
        )
    } else {
        format!("<span lang=\"{first_lang}\">{}</span>", escape_html(first))
    }
}

/// The coverage gaps in the report's order: place, kind, why, and the nearest camera to integrate.
fn gaps_section(h: &mut String, coverage: &CoverageReport, i18n: &I18n) {
    let t = |key: &str| escape_html(&i18n.tr(key));
    let _ = write!(
        h,
        "<section class=\"section gaps\">\n<h2>{}</h2>\n<p><strong>{}</strong></p>\n<p class=\"note\">{}</p>\n",
        t("report-gaps-title"),
        escape_html(&i18n.tr_args(
            "review-coverage",
            &[
                ("gaps", coverage.gaps.len().to_string()),
                ("places", coverage.places.to_string()),
                ("covered", coverage.covered.to_string()),
            ],
        )),
        escape_html(&i18n.tr_args(
            "report-gaps-note",
            &[("time", ist_datetime(coverage.computed_for_unix_s))]
        )),
    );
    if coverage.gaps.is_empty() {
        let _ = write!(h, "<p>{}</p>\n</section>\n", t("report-gaps-none"));
        return;
    }
    // How many gaps for each reason: what the meeting acts on (install, integrate, repair, re-aim).
    h.push_str("<div class=\"reasons\">\n");
    for reason in GapReason::ALL {
        let count = coverage.gaps.iter().filter(|g| g.reason == reason).count();
        if count > 0 {
            let _ = writeln!(
                h,
                "<span>{}: <strong>{}</strong></span>",
                escape_html(&i18n.tr(&reason.i18n_key())),
                n(count as u64)
            );
        }
    }
    h.push_str("</div>\n");
    let _ = write!(
        h,
        "<table class=\"gaps\">\n<colgroup><col style=\"width:4%\"><col style=\"width:21%\">\
         <col style=\"width:8%\"><col style=\"width:12%\"><col style=\"width:21%\"><col style=\"width:8%\">\
         <col style=\"width:11%\"><col style=\"width:15%\"></colgroup>\n<thead><tr><th class=\"num\">{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        t("report-col-no"),
        t("review-gap-place"),
        t("review-gap-kind"),
        t("review-gap-why"),
        t("review-gap-candidate"),
        t("report-col-distance"),
        t("report-col-stage"),
        t("report-col-phone"),
    );
    for (i, gap) in coverage.gaps.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td class=\"no\">{}</td><td>{}</td><td>{}</td><td>{}</td>",
            n(i as u64 + 1),
            both_names(&gap.name_en, &gap.name_hi),
            escape_html(&i18n.tr(&gap.priority.i18n_key())),
            escape_html(&i18n.tr(&gap.reason.i18n_key())),
        );
        match gap.candidates.first() {
            Some(c) => {
                let contact = if c.contact_person.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<br><span class=\"sub\">{}</span>",
                        escape_html(&c.contact_person)
                    )
                };
                let _ = writeln!(
                    h,
                    "<td>{}<br><span class=\"sub\">{}</span></td><td class=\"num\">{}</td><td>{}</td>\
                     <td><span class=\"phone\">{}</span>{contact}</td></tr>",
                    escape_html(&c.camera_label),
                    name_in(i18n.lang(), &c.site_name_en, &c.site_name_hi),
                    n(c.distance_m.round().max(0.0) as u64),
                    escape_html(&i18n.tr(&c.stage.i18n_key())),
                    escape_html(&c.phone),
                );
            }
            None => {
                let _ = writeln!(
                    h,
                    "<td class=\"install\" colspan=\"4\">{}</td></tr>",
                    t("review-gap-install")
                );
            }
        }
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{Candidate, CoverageGap, IntegrationStage, Priority};
    use crate::services::review::weekly::CategoryWeek;

    /// 2026-11-25 12:00 IST.
    const NOW: i64 = 1_795_588_200;

    fn report() -> WeeklyReport {
        let mut by_category: BTreeMap<String, CategoryWeek> = OwnerCategory::ALL
            .iter()
            .map(|c| (c.code().to_string(), CategoryWeek::default()))
            .collect();
        let hotel = by_category.entry("hotel".into()).or_default();
        *hotel = CategoryWeek {
            cameras: 250_000,
            integrated_total: 200_000,
            integrated_this_week: 748,
            integrated_last_week: 760,
        };
        WeeklyReport {
            week: "2026-W48".into(),
            starts: "2026-11-23".into(),
            ends: "2026-11-29".into(),
            cameras: 250_000,
            integrated_total: 200_000,
            integrated_this_week: 748,
            integrated_last_week: 760,
            by_category,
            new_surveys: 1_234,
            blocked_this_week: 12,
            resolved_this_week: 5,
            blocked_now: 40,
            uptime_pct_integrated: Some(97.26),
            cameras_probed: 150_000,
            gaps: Some(2),
            is_demo: true,
        }
    }

    fn series(weeks: usize) -> Vec<WeekPoint> {
        let mut week = IsoWeek::containing(NOW);
        let mut out = Vec::new();
        for i in 0..weeks {
            let mut by = BTreeMap::new();
            by.insert("hotel".to_string(), 100 + i as u64);
            by.insert("government_office".to_string(), 50);
            out.push(WeekPoint {
                week,
                integrated_total: 200_000 - 1_000 * i as u64,
                integrated_by_category: by,
            });
            week = week.previous();
        }
        out.reverse();
        out
    }

    fn coverage(name: &str) -> CoverageReport {
        let gap = |site_name: &str, candidates: Vec<Candidate>| CoverageGap {
            site_id: 7,
            name_en: site_name.into(),
            name_hi: "सीपरी बाज़ार चौराहा".into(),
            priority: Priority::BlackSpot,
            lat_deg: 25.45,
            lon_deg: 78.57,
            radius_m: 50.0,
            reason: GapReason::NearButNotIntegrated,
            candidates,
        };
        CoverageReport {
            places: 51,
            covered: 49,
            gaps: vec![
                gap(
                    name,
                    vec![Candidate {
                        camera_id: 1,
                        camera_label: "Gate <1>".into(),
                        site_id: 2,
                        site_name_en: "Hotel \"Raj\" & Sons".into(),
                        site_name_hi: "होटल राज".into(),
                        owner_category: OwnerCategory::Hotel,
                        contact_person: "R. K. Verma".into(),
                        phone: "+91 98390 12345".into(),
                        distance_m: 1_234.4,
                        stage: IntegrationStage::ConsentGiven,
                    }],
                ),
                gap("Orchha Gate", Vec::new()),
            ],
            wards: Vec::new(),
            computed_for_unix_s: NOW,
        }
    }

    fn html(lang: Lang, name: &str) -> String {
        weekly_html(
            &report(),
            &series(12),
            &coverage(name),
            &I18n::new(lang),
            NOW,
        )
    }

    #[test]
    fn data_is_escaped_and_nothing_is_fetched_or_run() {
        let out = html(Lang::En, "<script>alert('x')</script>");
        assert!(!out.contains("<script"), "a site name ran as a script");
        assert!(out.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(out.contains("Gate &lt;1&gt;"));
        assert!(out.contains("Hotel &quot;Raj&quot; &amp; Sons"));
        for forbidden in [
            "http://", "https://", "<script", "<link", "<iframe", "@import",
        ] {
            assert!(!out.contains(forbidden), "{forbidden} in the report");
        }
        assert!(out.contains("@font-face") && out.contains("data:font/ttf;base64,"));
        assert!(out.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        // A missing catalogue key would show as its own name.
        let text = out.replace("data-figure=", "");
        for prefix in ["report-", "review-", "coverage-gap-", "owner-", "stage-"] {
            assert!(
                !text.contains(&format!(">{prefix}")),
                "untranslated {prefix}…"
            );
        }
    }

    #[test]
    fn charts_are_inline_svg_with_one_bar_group_per_week() {
        let out = html(Lang::En, "Sipri Bazar crossing");
        assert_eq!(out.matches("<svg ").count(), 2);
        assert_eq!(out.matches("class=\"bar-week\"").count(), 12);
        assert!(out.contains("data-week=\"2026-W48\"") && out.contains(">W37<"));
        assert!(out.contains("<polyline class=\"line\""));
        // Both categories with bars are in the legend, in their screen colours.
        assert!(out.contains(&category_hex(OwnerCategory::Hotel)));
        assert!(out.contains(&category_hex(OwnerCategory::GovernmentOffice)));
        assert_eq!(category_hex(OwnerCategory::ALL[0]), "#428bf5");
        let empty = weekly_html(&report(), &[], &coverage("x"), &I18n::new(Lang::En), NOW);
        assert_eq!(empty.matches("class=\"bar-week\"").count(), 0);
    }

    #[test]
    fn numbers_are_grouped_the_indian_way() {
        let out = html(Lang::En, "Sipri Bazar crossing");
        assert!(out.contains(">2,00,000<"), "integrated total");
        assert!(out.contains(">2,50,000<"), "cameras");
        assert!(out.contains(">1,234<"), "new surveys");
        assert!(
            out.contains("\u{2212}12 against the week before (760)"),
            "change"
        );
        assert!(out.contains(">1,234<") && out.contains(">97.3 %<"));
        assert!(out.contains("1,50,000 probed cameras"));
        assert_eq!(change(5, 5), "±0");
        assert_eq!(change(100_500, 500), "+1,00,000");
        assert_eq!(axis_step(0), 1);
        assert_eq!(axis_step(2_378), 500);
        assert_eq!(axis_step(748), 200);
    }

    #[test]
    fn the_hindi_report_speaks_hindi() {
        let out = html(Lang::Hi, "Sipri Bazar crossing");
        assert!(out.starts_with("<!DOCTYPE html>\n<html lang=\"hi\">"));
        let hi = I18n::new(Lang::Hi);
        for key in [
            "report-org",
            "report-demo-banner",
            "review-integrated-total",
            "review-chart-cumulative",
            "review-chart-weekly",
            "report-gaps-title",
            "review-gap-install",
            "owner-hotel",
        ] {
            let text = escape_html(&hi.tr(key));
            assert!(out.contains(&text), "{key}: {text}");
        }
        assert!(out.contains("सीपरी बाज़ार चौराहा"));
        assert!(!out.contains("Integrated in total"));
        assert!(out.contains(">2,00,000<"));
    }

    #[test]
    fn a_long_gap_list_has_a_row_each_and_the_demo_banner_only_for_demo() {
        let mut cov = coverage("Place");
        let template = cov.gaps[0].clone();
        cov.gaps = (0..600)
            .map(|i| {
                let mut g = template.clone();
                g.name_en = format!("Place {i}");
                g
            })
            .collect();
        let mut r = report();
        r.is_demo = false;
        let out = weekly_html(&r, &series(12), &cov, &I18n::new(Lang::En), NOW);
        assert_eq!(out.matches("<td class=\"no\">").count(), 600);
        assert!(out.contains(">600<"));
        assert!(!out.contains("class=\"demo\""));
        assert!(html(Lang::En, "x").contains("class=\"demo\""));
    }

    #[test]
    fn writing_is_atomic_and_errors_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("weekly.html");
        let w = write_weekly_html(
            &report(),
            &series(3),
            &coverage("x"),
            &I18n::new(Lang::En),
            NOW,
            Some(Path::new("/srv/iccc/<registry>.sqlite")),
            &target,
        )
        .unwrap();
        assert_eq!(w.rows, 2);
        assert_eq!(std::fs::metadata(&target).unwrap().len(), w.bytes);
        let written = std::fs::read_to_string(&target).unwrap();
        assert!(written.contains("Registry file: /srv/iccc/&lt;registry&gt;.sqlite</footer>"));
        let missing = dir.path().join("nope/weekly.html");
        let e = write_weekly_html(
            &report(),
            &series(3),
            &coverage("x"),
            &I18n::new(Lang::En),
            NOW,
            None,
            &missing,
        )
        .unwrap_err();
        assert!(matches!(e, ExportError::FolderMissing { .. }), "{e:?}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "only the report"
        );
        assert_eq!(
            report_file_name(IsoWeek::containing(NOW), Lang::Hi),
            "weekly-2026-W48-hi.html"
        );
    }
}
