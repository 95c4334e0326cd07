//! The supervisor's weekly review: the meeting's numbers for one week (Monday to Sunday, IST) — integrated in
//! total, this week and the week before, by owner category — with the week's moves and uptime, and two charts:
//! cumulative integrated cameras over the weeks, and cameras integrated per week stacked by owner category.
//! Everything is counted on the worker from the stage history; this screen only shows it. The figures last
//! counted come from the registry's review cache at once (marked "computed at HH:MM — updating…" while they are
//! counted again), so the screen never opens on a spinner alone.

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, PlotPoints};

use std::sync::Arc;

use super::DeskApp;
use crate::model::{BoundaryArea, CoverageReport, OwnerCategory, WardCoverage};
use crate::services::exchange::export::ExportList;
use crate::services::registry_worker::DeskCommand;
use crate::services::review::coverage::{CoverageJob, CoverageWorker};
use crate::services::review::weekly::{IsoWeek, WeekPoint, WeeklyReport};

/// Weeks drawn in the charts.
const CHART_WEEKS: usize = crate::services::review::weekly::REVIEW_CHART_WEEKS;

/// Coverage is computed again at most this often while the screen is shown (health changes every second).
const COVERAGE_REFRESH_S: i64 = 60;
/// A camera online at a probe within this window counts as working for coverage.
const COVERAGE_WINDOW_S: i64 = 24 * 3_600;

/// What the review screen holds.
#[derive(Default)]
pub struct ReviewState {
    /// The week shown (the current one until the user moves).
    pub week: Option<IsoWeek>,
    pub report: Option<WeeklyReport>,
    pub series: Vec<WeekPoint>,
    /// The week and registry revision asked for.
    asked: Option<(IsoWeek, u64)>,
    /// The ward areas (for per-ward coverage), as the worker last read them.
    pub wards: Arc<Vec<BoundaryArea>>,
    coverage_worker: Option<CoverageWorker>,
    /// Registry revision, wards and minute the coverage was asked for.
    coverage_asked: Option<(u64, usize, i64)>,
    pub coverage: Option<CoverageReport>,
    pub ward_sort: WardSort,
    /// When the figures shown were counted, unix seconds.
    pub computed_unix_s: Option<i64>,
    /// Newer figures are being counted (the ones shown came from the cache or an older registry).
    pub is_updating: bool,
    /// What the registry in memory tells at once while a week is counted for the first time: registry
    /// revision, then cameras, integrated and blocked now.
    now_figures: Option<(u64, [u64; 3])>,
}

impl ReviewState {
    pub fn set(
        &mut self,
        report: WeeklyReport,
        series: Vec<WeekPoint>,
        computed_unix_s: i64,
        is_updating: bool,
    ) {
        self.report = Some(report);
        self.series = series;
        self.computed_unix_s = Some(computed_unix_s);
        self.is_updating = is_updating;
    }
}

/// "14:05" for a time today in India, else "2026-11-25 14:05".
fn computed_time(unix_s: i64, now_unix_s: i64) -> String {
    let day = |t: i64| (t + crate::model::IST_OFFSET_S).div_euclid(86_400);
    let full = crate::model::ist_datetime(unix_s);
    match full.split_once(' ') {
        Some((_, time)) if day(unix_s) == day(now_unix_s) => time.to_string(),
        _ => full,
    }
}

/// Cameras, integrated and blocked now, from the registry in memory (cheap; shown until the week is counted).
fn now_figures(app: &mut DeskApp) -> [u64; 3] {
    let Some(index) = app.index() else {
        return [0; 3];
    };
    let revision = index.revision();
    if let Some((at, figures)) = app.review.now_figures
        && at == revision
    {
        return figures;
    }
    let cameras = &index.snapshot.cameras;
    let figures = [
        cameras.len() as u64,
        cameras.iter().filter(|c| c.is_integrated()).count() as u64,
        cameras
            .iter()
            .filter(|c| c.stage == crate::model::IntegrationStage::Blocked)
            .count() as u64,
    ];
    app.review.now_figures = Some((revision, figures));
    figures
}

/// One figure in a framed tile: its name, then the number large.
fn tile_ui(ui: &mut Ui, name: &str, value: &str) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.vertical(|ui| {
            ui.label(RichText::new(name).weak());
            ui.label(RichText::new(value).size(22.0).strong());
        });
    });
}

/// While a week has never been counted: what the registry in memory tells now, and a clear word that the rest
/// is being counted.
fn counting_ui(app: &mut DeskApp, ui: &mut Ui, week: IsoWeek) {
    ui.separator();
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(app.i18n.tr("review-counting"));
    });
    if week != IsoWeek::containing(app.clock.now_unix_s()) {
        return;
    }
    let [cameras, integrated, blocked] = now_figures(app);
    let i18n = &app.i18n;
    ui.label(RichText::new(i18n.tr("review-so-far")).weak());
    ui.horizontal_wrapped(|ui| {
        for (key, value) in [
            ("review-cameras-now", cameras),
            ("review-integrated-now", integrated),
            ("review-blocked-now", blocked),
        ] {
            tile_ui(
                ui,
                &i18n.tr(key),
                &crate::i18n::indian_grouping(value as i64),
            );
        }
    });
}

/// The category's colour, the same as in the printed report.
fn category_colour(c: OwnerCategory) -> Color32 {
    let (r, g, b) = crate::services::review::weekly_report::category_rgb(c);
    Color32::from_rgb(r, g, b)
}

/// Keeps the coverage report fresh: asks the coverage thread again when the registry or the wards changed, or
/// every minute for health.
fn refresh_coverage(app: &mut DeskApp, ctx: &egui::Context) {
    super::map_areas::refresh(app, ctx);
    if app.review.coverage_worker.is_none() {
        let wake = ctx.clone();
        app.review.coverage_worker = CoverageWorker::spawn(move || wake.request_repaint()).ok();
    }
    let now = app.clock.now_unix_s();
    let Some(index) = app.index() else { return };
    let key = (
        index.revision(),
        app.review.wards.len(),
        now / COVERAGE_REFRESH_S,
    );
    if app.review.coverage_asked != Some(key) {
        let job = CoverageJob {
            registry: index.snapshot.clone(),
            health: Arc::new(index.health_briefs()),
            wards: app.review.wards.clone(),
            now_unix_s: now,
            window_s: COVERAGE_WINDOW_S,
        };
        app.review.coverage_asked = Some(key);
        if let Some(worker) = &mut app.review.coverage_worker {
            worker.request(job);
        }
    }
    if let Some(report) = app
        .review
        .coverage_worker
        .as_mut()
        .and_then(CoverageWorker::poll)
    {
        app.review.coverage = Some(report);
    }
    ctx.request_repaint_after(std::time::Duration::from_secs(COVERAGE_REFRESH_S as u64));
}

pub fn review_ui(app: &mut DeskApp, ui: &mut Ui) {
    refresh_coverage(app, &ui.ctx().clone());
    let Some(revision) = app.index().map(|i| i.revision()) else {
        return;
    };
    let week = *app
        .review
        .week
        .get_or_insert_with(|| IsoWeek::containing(app.clock.now_unix_s()));
    if app.review.asked != Some((week, revision)) {
        app.review.asked = Some((week, revision));
        // Until the worker answers, what is shown may be older than the registry.
        app.review.is_updating = true;
        app.send(DeskCommand::LoadWeekly {
            week,
            weeks: CHART_WEEKS,
        });
    }
    let mut moved: Option<IsoWeek> = None;
    ui.horizontal(|ui| {
        let i18n = &app.i18n;
        ui.heading(i18n.tr("review-title"));
        ui.separator();
        if ui.button(i18n.tr("review-previous-week")).clicked() {
            moved = Some(week.previous());
        }
        let (from, to) = week.dates();
        ui.label(
            RichText::new(i18n.tr_args(
                "review-week",
                &[("week", week.label()), ("from", from), ("to", to)],
            ))
            .strong(),
        );
        let now = IsoWeek::containing(app.clock.now_unix_s());
        if ui
            .add_enabled(week < now, egui::Button::new(i18n.tr("review-next-week")))
            .clicked()
        {
            moved = Some(IsoWeek::containing(week.end_unix_s()));
        }
        if week != now && ui.button(i18n.tr("review-this-week")).clicked() {
            moved = Some(now);
        }
        super::weekly_report::printable_button_ui(app, ui, week);
        ui.separator();
        super::exports::export_menu(
            app,
            ui,
            &[
                ExportList::Weekly(week),
                ExportList::Gaps,
                ExportList::Blocked,
            ],
        );
    });
    if let Some(w) = moved {
        app.review.week = Some(w);
        return;
    }
    let Some(report) = app.review.report.clone().filter(|r| r.week == week.label()) else {
        counting_ui(app, ui, week);
        return;
    };
    if let Some(at) = app.review.computed_unix_s {
        ui.horizontal(|ui| {
            let time = computed_time(at, app.clock.now_unix_s());
            if app.review.is_updating {
                ui.spinner();
                ui.label(
                    app.i18n
                        .tr_args("review-computed-updating", &[("time", time)]),
                );
            } else {
                ui.label(
                    RichText::new(app.i18n.tr_args("review-computed-at", &[("time", time)])).weak(),
                );
            }
        });
    }
    ui.separator();
    let i18n = &app.i18n;
    let mut ward_sort = app.review.ward_sort;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            for (key, value) in [
                ("review-integrated-total", report.integrated_total),
                ("review-integrated-this-week", report.integrated_this_week),
                ("review-integrated-last-week", report.integrated_last_week),
                ("review-new-surveys", report.new_surveys),
                ("review-blocked-this-week", report.blocked_this_week),
                ("review-resolved-this-week", report.resolved_this_week),
                ("review-blocked-now", report.blocked_now),
            ] {
                tile_ui(
                    ui,
                    &i18n.tr(key),
                    &crate::i18n::indian_grouping(value as i64),
                );
            }
            let uptime = report
                .uptime_pct_integrated
                .map_or_else(|| "—".to_string(), crate::i18n::percent);
            tile_ui(ui, &i18n.tr("review-uptime"), &uptime);
        });
        ui.add_space(8.0);
        ui.label(RichText::new(i18n.tr("review-by-category")).strong());
        egui::Grid::new("review_categories")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for key in [
                    "review-col-category",
                    "review-col-cameras",
                    "review-col-integrated",
                    "review-col-this-week",
                    "review-col-last-week",
                ] {
                    ui.label(RichText::new(i18n.tr(key)).strong());
                }
                ui.end_row();
                for c in OwnerCategory::ALL {
                    let Some(f) = report.by_category.get(c.code()) else {
                        continue;
                    };
                    ui.label(i18n.tr(&c.i18n_key()));
                    for v in [
                        f.cameras,
                        f.integrated_total,
                        f.integrated_this_week,
                        f.integrated_last_week,
                    ] {
                        ui.label(crate::i18n::indian_grouping(v as i64));
                    }
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
        charts_ui(app, ui);
        ui.add_space(8.0);
        gaps_ui(app, ui);
        ui.add_space(8.0);
        ward_sort = wards_ui(app, ui);
    });
    app.review.ward_sort = ward_sort;
}

/// Rows of the gap and ward tables.
const TABLE_ROW_HEIGHT: f32 = 22.0;
/// The gap and ward tables scroll within this height (a city can have thousands of gaps).
const TABLE_MAX_HEIGHT: f32 = 360.0;

/// How the ward table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WardSort {
    /// Most gaps first (where the meeting should look), then name.
    #[default]
    Gaps,
    Name,
    Cameras,
    Integrated,
    /// Fewest cameras per km² first: the thinnest coverage.
    Density,
}

/// Priority places no working integrated camera watches, each with why and the nearest camera to integrate.
fn gaps_ui(app: &DeskApp, ui: &mut Ui) {
    let i18n = &app.i18n;
    let Some(report) = &app.review.coverage else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr("review-coverage-working"));
        });
        return;
    };
    ui.label(
        RichText::new(i18n.tr_args(
            "review-coverage",
            &[
                ("gaps", report.gaps.len().to_string()),
                ("places", report.places.to_string()),
                ("covered", report.covered.to_string()),
            ],
        ))
        .strong(),
    );
    if report.gaps.is_empty() {
        return;
    }
    ui.push_id("review_gaps", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(TABLE_MAX_HEIGHT)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(
                Column::initial(300.0)
                    .at_least(140.0)
                    .clip(true)
                    .resizable(true),
            )
            .column(Column::initial(110.0).clip(true).resizable(true))
            .column(Column::initial(200.0).clip(true).resizable(true))
            .column(Column::remainder().at_least(200.0).clip(true))
            .header(TABLE_ROW_HEIGHT, |mut header| {
                for key in [
                    "review-gap-place",
                    "review-gap-kind",
                    "review-gap-why",
                    "review-gap-candidate",
                ] {
                    header.col(|ui| {
                        ui.label(RichText::new(i18n.tr(key)).strong());
                    });
                }
            })
            .body(|body| {
                body.rows(TABLE_ROW_HEIGHT, report.gaps.len(), |mut row| {
                    let gap = &report.gaps[row.index()];
                    row.col(|ui| {
                        let name = if gap.name_hi.is_empty() {
                            gap.name_en.clone()
                        } else {
                            format!("{} · {}", gap.name_en, gap.name_hi)
                        };
                        ui.label(name);
                    });
                    row.col(|ui| {
                        ui.label(i18n.tr(&gap.priority.i18n_key()));
                    });
                    row.col(|ui| {
                        ui.label(i18n.tr(&gap.reason.i18n_key()));
                    });
                    row.col(|ui| {
                        match gap.candidates.first() {
                            Some(c) => ui.label(i18n.tr_args(
                                "review-gap-integrate",
                                &[
                                    ("camera", c.camera_label.clone()),
                                    ("site", c.site_name_en.clone()),
                                    ("metres", crate::i18n::indian_decimal(c.distance_m, 0)),
                                    ("stage", i18n.tr(&c.stage.i18n_key())),
                                    ("phone", c.phone.clone()),
                                ],
                            )),
                            None => ui.label(RichText::new(i18n.tr("review-gap-install")).weak()),
                        };
                    });
                });
            });
    });
}

/// The wards in the chosen order.
pub fn sorted_wards(wards: &[WardCoverage], sort: WardSort) -> Vec<&WardCoverage> {
    let mut out: Vec<&WardCoverage> = wards.iter().collect();
    let by_name = |a: &&WardCoverage, b: &&WardCoverage| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.code.cmp(&b.code))
    };
    match sort {
        WardSort::Name => out.sort_by(by_name),
        WardSort::Gaps => out.sort_by(|a, b| b.gaps.cmp(&a.gaps).then_with(|| by_name(a, b))),
        WardSort::Cameras => {
            out.sort_by(|a, b| b.cameras.cmp(&a.cameras).then_with(|| by_name(a, b)));
        }
        WardSort::Integrated => {
            out.sort_by(|a, b| b.integrated.cmp(&a.integrated).then_with(|| by_name(a, b)));
        }
        WardSort::Density => out.sort_by(|a, b| {
            a.cameras_per_km2
                .total_cmp(&b.cameras_per_km2)
                .then_with(|| by_name(a, b))
        }),
    }
    out
}

/// Coverage per ward: cameras, integrated, online, priority places and gaps, cameras per km². Shown once a ward
/// layer is on the map (imported on the map screen, or the demo's). Returns the order the user picked.
fn wards_ui(app: &DeskApp, ui: &mut Ui) -> WardSort {
    let Some(report) = &app.review.coverage else {
        return app.review.ward_sort;
    };
    let i18n = &app.i18n;
    ui.label(RichText::new(i18n.tr("review-wards")).strong());
    if report.wards.is_empty() {
        ui.label(RichText::new(i18n.tr("review-wards-none")).weak());
        return app.review.ward_sort;
    }
    let mut sort = app.review.ward_sort;
    let wards = sorted_wards(&report.wards, sort);
    let heading = |ui: &mut Ui, sort: &mut WardSort, key: &str, by: Option<WardSort>| {
        let text = RichText::new(i18n.tr(key)).strong();
        match by {
            Some(by) => {
                let marked = if *sort == by { text.underline() } else { text };
                if ui
                    .add(egui::Button::new(marked).frame(false))
                    .on_hover_text(i18n.tr("review-wards-sort-hint"))
                    .clicked()
                {
                    *sort = by;
                }
            }
            None => {
                ui.label(text);
            }
        }
    };
    ui.push_id("review_wards", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .max_scroll_height(TABLE_MAX_HEIGHT)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(
                Column::initial(220.0)
                    .at_least(120.0)
                    .clip(true)
                    .resizable(true),
            )
            .columns(Column::initial(95.0).at_least(60.0).clip(true), 5)
            .column(Column::remainder().at_least(140.0).clip(true))
            .header(TABLE_ROW_HEIGHT, |mut header| {
                for (key, by) in [
                    ("review-ward-name", Some(WardSort::Name)),
                    ("review-ward-cameras", Some(WardSort::Cameras)),
                    ("review-ward-integrated", Some(WardSort::Integrated)),
                    ("review-ward-online", None),
                    ("review-ward-places", None),
                    ("review-ward-gaps", Some(WardSort::Gaps)),
                    ("review-ward-density", Some(WardSort::Density)),
                ] {
                    header.col(|ui| heading(ui, &mut sort, key, by));
                }
            })
            .body(|body| {
                body.rows(TABLE_ROW_HEIGHT, wards.len(), |mut row| {
                    let w = wards[row.index()];
                    row.col(|ui| {
                        ui.label(&w.name);
                    });
                    for n in [w.cameras, w.integrated, w.online, w.priority_places] {
                        row.col(|ui| {
                            ui.label(crate::i18n::indian_grouping(n as i64));
                        });
                    }
                    row.col(|ui| {
                        let text = crate::i18n::indian_grouping(w.gaps as i64);
                        if w.gaps > 0 {
                            ui.label(
                                RichText::new(text)
                                    .color(ui.visuals().warn_fg_color)
                                    .strong(),
                            );
                        } else {
                            ui.label(text);
                        }
                    });
                    row.col(|ui| {
                        ui.label(crate::i18n::indian_decimal(w.cameras_per_km2, 1));
                    });
                });
            });
    });
    sort
}

/// Cumulative integrated over the weeks; integrated per week, stacked by owner category.
fn charts_ui(app: &DeskApp, ui: &mut Ui) {
    let i18n = &app.i18n;
    let series = &app.review.series;
    if series.is_empty() {
        return;
    }
    let labels: Vec<String> = series
        .iter()
        .map(|p| format!("W{:02}", p.week.week))
        .collect();
    let x_label = {
        let labels = labels.clone();
        move |mark: egui_plot::GridMark, _range: &std::ops::RangeInclusive<f64>| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        }
    };
    ui.columns(2, |cols| {
        cols[0].label(RichText::new(i18n.tr("review-chart-cumulative")).strong());
        let points: PlotPoints = series
            .iter()
            .enumerate()
            .map(|(i, p)| [i as f64, p.integrated_total as f64])
            .collect();
        Plot::new("review_cumulative")
            .height(220.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .x_axis_formatter(x_label.clone())
            .show(&mut cols[0], |plot| {
                plot.line(Line::new(i18n.tr("review-integrated-total"), points).width(2.5));
            });
        cols[1].label(RichText::new(i18n.tr("review-chart-weekly")).strong());
        let mut charts: Vec<BarChart> = Vec::new();
        for c in OwnerCategory::ALL {
            let bars: Vec<Bar> = series
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    Bar::new(
                        i as f64,
                        p.integrated_by_category.get(c.code()).copied().unwrap_or(0) as f64,
                    )
                    .width(0.7)
                })
                .collect();
            let chart = BarChart::new(i18n.tr(&c.i18n_key()), bars).color(category_colour(c));
            let refs: Vec<&BarChart> = charts.iter().collect();
            let chart = chart.stack_on(&refs);
            charts.push(chart);
        }
        Plot::new("review_weekly")
            .height(220.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .legend(Legend::default().position(egui_plot::Corner::LeftTop))
            .x_axis_formatter(x_label)
            .show(&mut cols[1], |plot| {
                for chart in charts {
                    plot.bar_chart(chart);
                }
            });
    });
}
