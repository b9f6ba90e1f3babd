//! The sweep chart (`sweep.svg`, `sweep.png`): the mean of one metric against the first
//! varied parameter, one line per value of the other varied parameters, each with a shaded
//! 95 % confidence band, and the scenario's `[[expect]]` bounds on that metric as dashed
//! lines.
//!
//! The x axis is numeric when every value of the first `--vary` is a number, proportional
//! to the length when every value is a duration (`30s`, `5m`), and otherwise categorical
//! (values evenly spaced in `--vary` order); tick labels are the values as given. `*_ms`
//! metrics are shown in minutes. The chart draws through `report::chart_kit`, as the run
//! charts do, so it has their size, fonts and palette: 1600 x 800, the bundled DejaVu Sans
//! measured and rasterised with `ab_glyph` (never a system font), Okabe-Ito colours. Pixel
//! positions come from `+ - * /` and rounding only, so the files are byte-identical on
//! every machine.

use super::manifest::VaryEntry;
use super::{metrics, PointStats, SweepError};
use crate::chart::kit::{
    fit_text, register_font, text_width, write_png, write_svg, Align, Canvas, Chart, Drawn,
    TextLook, GRID, HEIGHT, INK, LABEL_SIZE, MARGIN, MESSAGE_SIZE, MUTED, SMALL_SIZE,
    SUBTITLE_SIZE, TITLE_SIZE, WHITE, WIDTH,
};
use crate::chart::ImageFormat;
use crate::output::OutputError;
use crate::time::{format_human, parse_duration};
use plotters::prelude::{Color, DrawingBackend};
use plotters::style::RGBColor;
use std::path::Path;

/// `[[expect]]` bound lines.
const BOUND: RGBColor = RGBColor(150, 40, 30);
/// Dash pattern (on, off) of the bound lines, in pixels.
const BOUND_DASH: (i32, i32) = (12, 6);
/// Opacity of the confidence bands.
const BAND_ALPHA: f64 = 0.18;
/// Okabe-Ito (without yellow, which vanishes on white): one colour per line, cycling.
const LINE_COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];

/// How the first varied parameter's values are placed on the x axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum XKind {
    /// Every value is a number: placed at its value.
    Numeric,
    /// Every value is a duration: placed at its value in minutes.
    Minutes,
    /// Anything else: evenly spaced in `--vary` order.
    Categorical,
}

/// One point of a line: x position, mean and confidence interval (display units).
#[derive(Clone, Copy, Debug, PartialEq)]
struct LinePoint {
    x: f64,
    mean: f64,
    ci: Option<(f64, f64)>,
}

/// One line: a combination of the values of the second and later varied parameters.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    label: String,
    /// One entry per x value; `None` where the metric never had a value.
    points: Vec<Option<LinePoint>>,
}

/// Everything the chart shows, in display units.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SweepChart {
    title: String,
    subtitle: String,
    x_title: String,
    y_title: String,
    /// Tick position and label of each x value.
    x_ticks: Vec<(f64, String)>,
    /// Legend heading (the paths the lines stand for); empty with one line.
    legend_title: String,
    lines: Vec<Line>,
    /// `(y, legend label)` of each `[[expect]]` bound.
    bounds: Vec<(f64, String)>,
    /// Shown instead of the plot when no point has a value.
    empty_message: Option<String>,
}

impl SweepChart {
    /// Builds the chart of `metric` from per-point statistics (in point order).
    pub(crate) fn build(
        scenario_name: &str,
        vary: &[VaryEntry],
        replications: u32,
        metric: &str,
        stats: &[PointStats],
        expect_min: &[f64],
        expect_max: &[f64],
    ) -> SweepChart {
        let m = metrics()
            .position(|x| x.name() == metric)
            .expect("the metric was validated");
        let is_ms = metric.ends_with("_ms");
        let y_of = |v: f64| if is_ms { v / 60_000.0 } else { v };
        let (x_values, x_path): (Vec<String>, Option<&str>) = match vary.first() {
            Some(v) => (v.values.clone(), Some(v.path.as_str())),
            None => (vec!["all runs".to_string()], None),
        };
        let kind = x_kind(&x_values);
        let positions: Vec<f64> = x_values
            .iter()
            .enumerate()
            .map(|(i, v)| match kind {
                XKind::Numeric => parse_number(v).expect("checked by x_kind"),
                XKind::Minutes => {
                    parse_duration(v).expect("checked by x_kind").ms() as f64 / 60_000.0
                }
                XKind::Categorical => i as f64,
            })
            .collect();
        let rest: usize = vary.iter().skip(1).map(|v| v.values.len()).product();
        let rest_grid = super::grid(
            &vary
                .iter()
                .skip(1)
                .map(|v| super::Vary {
                    path: v.path.clone(),
                    values: v.values.clone(),
                })
                .collect::<Vec<_>>(),
        );
        let lines: Vec<Line> = (0..rest)
            .map(|r| Line {
                label: if vary.len() > 1 {
                    rest_grid[r].join(", ")
                } else {
                    format!("mean of {replications} run{}", plural(replications))
                },
                points: (0..x_values.len())
                    .map(|i| {
                        let s = &stats.get(i * rest + r)?.metrics[m];
                        Some(LinePoint {
                            x: positions[i],
                            mean: y_of(s.mean?),
                            ci: s.ci95.map(|(lo, hi)| (y_of(lo), y_of(hi))),
                        })
                    })
                    .collect(),
            })
            .collect();
        let show_bound = |v: f64| {
            if is_ms {
                format_human(v.max(0.0).round() as u64)
            } else {
                super::stats::format3(v)
            }
        };
        let mut bounds: Vec<(f64, String)> = expect_max
            .iter()
            .map(|&b| (y_of(b), format!("[[expect]] at most {}", show_bound(b))))
            .collect();
        bounds.extend(
            expect_min
                .iter()
                .map(|&b| (y_of(b), format!("[[expect]] at least {}", show_bound(b)))),
        );
        let any_value = lines.iter().any(|l| l.points.iter().any(Option::is_some));
        let unit = if is_ms { " in minutes" } else { "" };
        SweepChart {
            title: match x_path {
                Some(p) => format!("{metric} by {p}"),
                None => metric.to_string(),
            },
            subtitle: format!(
                "{scenario_name} · mean of {replications} replication{} per point, the same \
                 seeds at every point",
                plural(replications)
            ),
            // Tick labels are the values as given (`30s`, `5m`); durations are only
            // placed in proportion to their length.
            x_title: x_path.unwrap_or_default().to_string(),
            y_title: format!("{metric}{unit}"),
            x_ticks: positions.iter().copied().zip(x_values).collect(),
            legend_title: vary
                .iter()
                .skip(1)
                .map(|v| v.path.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            lines,
            bounds,
            empty_message: (!any_value)
                .then(|| format!("{metric} has no value in any run (it never happened)")),
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A TOML-style number (`25`, `0.9`, `1_000`, `-3`).
fn parse_number(s: &str) -> Option<f64> {
    let cleaned: String = s.chars().filter(|c| *c != '_').collect();
    cleaned.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn x_kind(values: &[String]) -> XKind {
    if values.iter().all(|v| parse_number(v).is_some()) {
        XKind::Numeric
    } else if values.iter().all(|v| parse_duration(v).is_ok()) {
        XKind::Minutes
    } else {
        XKind::Categorical
    }
}

/// Writes the chart to `path` in `format`. PNGs are drawn in memory first, so a drawing
/// error never leaves a file behind.
pub(crate) fn render(
    chart: &SweepChart,
    format: ImageFormat,
    path: &Path,
) -> Result<(), SweepError> {
    let fail = |reason: String| {
        SweepError::Output(OutputError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other(reason),
        })
    };
    register_font().map_err(fail)?;
    match format {
        ImageFormat::Svg => write_svg(chart, path),
        ImageFormat::Png => write_png(chart, path),
    }
    .map_err(fail)
}

// ---------------------------------------------------------------------------------------
// Layout and drawing
// ---------------------------------------------------------------------------------------

/// A 1-2-5 step giving at most `max_ticks` intervals over `span` (> 0). Built by exact
/// multiplications and divisions by 10, not logarithms, so it is the same everywhere.
fn nice_step(span: f64, max_ticks: f64) -> f64 {
    let raw = span / max_ticks;
    let mut magnitude = 1.0f64;
    while magnitude > raw {
        magnitude /= 10.0;
    }
    while magnitude * 10.0 <= raw {
        magnitude *= 10.0;
    }
    for m in [1.0, 2.0, 5.0] {
        if m * magnitude >= raw {
            return m * magnitude;
        }
    }
    10.0 * magnitude
}

/// Decimals needed to show multiples of `step`.
fn decimals(step: f64) -> usize {
    let mut d = 0;
    let mut scaled = step;
    while d < 6 && (scaled - scaled.round()).abs() > 1e-9 * scaled.abs().max(1.0) {
        scaled *= 10.0;
        d += 1;
    }
    d
}

/// Maps data values onto pixels.
#[derive(Clone, Copy, Debug)]
struct Scale {
    lo: f64,
    hi: f64,
    from_px: i32,
    to_px: i32,
}

impl Scale {
    fn px(&self, v: f64) -> i32 {
        if self.hi <= self.lo {
            return (self.from_px + self.to_px) / 2;
        }
        let t = (v - self.lo) / (self.hi - self.lo);
        self.from_px + (t * f64::from(self.to_px - self.from_px)).round() as i32
    }
}

const LEGEND_SWATCH: i32 = 36;
const LEGEND_ROW: i32 = 32;
const LEGEND_MAX_WIDTH: i32 = 360;

impl Chart for SweepChart {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Drawn {
        c.area.fill(&WHITE).map_err(|e| e.to_string())?;
        let width = WIDTH as i32;
        let height = HEIGHT as i32;
        let inner = width - 2 * MARGIN;
        c.text(
            &fit_text(&self.title, TITLE_SIZE, inner),
            (MARGIN, 16),
            TextLook::new(TITLE_SIZE, INK),
        )?;
        c.text(
            &fit_text(&self.subtitle, SUBTITLE_SIZE, inner),
            (MARGIN, 66),
            TextLook::new(SUBTITLE_SIZE, MUTED),
        )?;
        let top = 124;
        if let Some(message) = &self.empty_message {
            return c.text(
                &fit_text(message, MESSAGE_SIZE, inner),
                (width / 2, (top + height) / 2),
                TextLook::new(MESSAGE_SIZE, MUTED)
                    .align(Align::Center)
                    .middle(),
            );
        }

        // Legend entries: lines, the band, the bounds.
        let mut legend: Vec<(LegendSwatch, String)> = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            legend.push((
                LegendSwatch::Line(LINE_COLOURS[i % LINE_COLOURS.len()]),
                line.label.clone(),
            ));
        }
        legend.push((LegendSwatch::Band, "95 % confidence interval".to_string()));
        for (_, label) in &self.bounds {
            legend.push((LegendSwatch::Bound, label.clone()));
        }
        let label_w = legend
            .iter()
            .map(|(_, l)| text_width(l, SMALL_SIZE))
            .chain(std::iter::once(text_width(&self.legend_title, SMALL_SIZE)))
            .max()
            .unwrap_or(0);
        let legend_w = (LEGEND_SWATCH + 12 + label_w).min(LEGEND_MAX_WIDTH);

        // Y range in display units, from zero unless values are negative.
        let mut y_lo = 0.0f64;
        let mut y_hi = 0.0f64;
        for line in &self.lines {
            for p in line.points.iter().flatten() {
                let (lo, hi) = p.ci.unwrap_or((p.mean, p.mean));
                y_lo = y_lo.min(lo.min(p.mean));
                y_hi = y_hi.max(hi.max(p.mean));
            }
        }
        for (b, _) in &self.bounds {
            y_lo = y_lo.min(*b);
            y_hi = y_hi.max(*b);
        }
        if y_hi <= y_lo {
            y_hi = y_lo + 1.0;
        }
        let step = nice_step(y_hi - y_lo, 8.0);
        let y_lo = (y_lo / step).floor() * step;
        let y_hi = (y_hi / step).ceil() * step;
        let digits = decimals(step);
        let tick_labels: Vec<(f64, String)> = {
            let count = ((y_hi - y_lo) / step).round() as i64;
            (0..=count)
                .map(|k| {
                    let v = y_lo + k as f64 * step;
                    let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
                    (v, format!("{v:.digits$}"))
                })
                .collect()
        };
        let y_label_w = tick_labels
            .iter()
            .map(|(_, l)| text_width(l, LABEL_SIZE))
            .max()
            .unwrap_or(0);

        let plot_left = MARGIN + 40 + y_label_w + 12;
        let plot_right = width - MARGIN - legend_w - 32;
        let plot_top = top;
        let plot_bottom = height - MARGIN - 84;
        let y = Scale {
            lo: y_lo,
            hi: y_hi,
            from_px: plot_bottom,
            to_px: plot_top,
        };
        let (x_lo, x_hi) = self
            .x_ticks
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (x, _)| {
                (lo.min(*x), hi.max(*x))
            });
        // Keep the outermost points and their labels off the plot's edges.
        let pad = ((plot_right - plot_left) / 16).max(40);
        let x = Scale {
            lo: x_lo,
            hi: x_hi,
            from_px: plot_left + pad,
            to_px: plot_right - pad,
        };

        // Grid and axes.
        for (v, label) in &tick_labels {
            let py = y.px(*v);
            c.line(vec![(plot_left, py), (plot_right, py)], GRID.to_rgba(), 1)?;
            c.text(
                label,
                (plot_left - 10, py),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
        }
        let mut last_label_right = i32::MIN;
        for (i, (v, label)) in self.x_ticks.iter().enumerate() {
            let px = x.px(*v);
            c.line(vec![(px, plot_top), (px, plot_bottom)], GRID.to_rgba(), 1)?;
            c.line(
                vec![(px, plot_bottom), (px, plot_bottom + 6)],
                INK.to_rgba(),
                1,
            )?;
            // Labels that would overlap their left neighbour are left out (never the last).
            let w = text_width(label, LABEL_SIZE);
            let is_last = i + 1 == self.x_ticks.len();
            let fits = px - w / 2 > last_label_right + 12;
            if fits || (is_last && px - w / 2 > last_label_right + 4) {
                c.text(
                    label,
                    (px, plot_bottom + 10),
                    TextLook::new(LABEL_SIZE, INK).align(Align::Center),
                )?;
                last_label_right = px + w - w / 2;
            }
        }
        c.line(
            vec![
                (plot_left, plot_top),
                (plot_left, plot_bottom),
                (plot_right, plot_bottom),
            ],
            INK.to_rgba(),
            1,
        )?;
        c.text(
            &fit_text(&self.x_title, LABEL_SIZE, plot_right - plot_left),
            ((plot_left + plot_right) / 2, plot_bottom + 48),
            TextLook::new(LABEL_SIZE, INK).align(Align::Center),
        )?;
        c.text(
            &fit_text(&self.y_title, LABEL_SIZE, plot_bottom - plot_top),
            (MARGIN, (plot_top + plot_bottom) / 2),
            TextLook::new(LABEL_SIZE, INK)
                .align(Align::Center)
                .upright(),
        )?;

        // Bounds, then bands under every line, then lines and points.
        for (b, _) in &self.bounds {
            c.dashed_hline(
                (plot_left, plot_right),
                y.px(*b),
                BOUND.to_rgba(),
                2,
                BOUND_DASH,
            )?;
        }
        for (i, line) in self.lines.iter().enumerate() {
            let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
            for run in contiguous(&line.points, |p| p.ci.is_some()) {
                let mut band: Vec<(i32, i32)> = run
                    .iter()
                    .map(|p| (x.px(p.x), y.px(p.ci.expect("filtered").1)))
                    .collect();
                band.extend(
                    run.iter()
                        .rev()
                        .map(|p| (x.px(p.x), y.px(p.ci.expect("filtered").0))),
                );
                if run.len() == 1 {
                    // A lone interval: a short bar.
                    let (px, (lo, hi)) = (x.px(run[0].x), run[0].ci.expect("filtered"));
                    c.fill_rect(
                        (px - 8, y.px(hi)),
                        (px + 8, y.px(lo)),
                        colour.mix(BAND_ALPHA),
                    )?;
                } else {
                    c.polygon(band, colour.mix(BAND_ALPHA))?;
                }
            }
        }
        for (i, line) in self.lines.iter().enumerate() {
            let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
            for run in contiguous(&line.points, |_| true) {
                let path: Vec<(i32, i32)> = run.iter().map(|p| (x.px(p.x), y.px(p.mean))).collect();
                if path.len() > 1 {
                    c.line(path.clone(), colour.to_rgba(), 3)?;
                }
                for p in path {
                    c.dot(p, 5, colour.to_rgba())?;
                }
            }
        }

        // Legend, right of the plot.
        let lx = width - MARGIN - legend_w;
        let mut ly = plot_top;
        if !self.legend_title.is_empty() {
            c.text(
                &fit_text(&self.legend_title, SMALL_SIZE, legend_w),
                (lx, ly),
                TextLook::new(SMALL_SIZE, MUTED),
            )?;
            ly += LEGEND_ROW;
        }
        for (swatch, label) in &legend {
            let mid = ly + LEGEND_ROW / 2 - 4;
            match swatch {
                LegendSwatch::Line(colour) => {
                    c.line(
                        vec![(lx, mid), (lx + LEGEND_SWATCH, mid)],
                        colour.to_rgba(),
                        3,
                    )?;
                    c.dot((lx + LEGEND_SWATCH / 2, mid), 5, colour.to_rgba())?;
                }
                LegendSwatch::Band => {
                    c.fill_rect(
                        (lx, mid - 9),
                        (lx + LEGEND_SWATCH, mid + 9),
                        LINE_COLOURS[0].mix(BAND_ALPHA),
                    )?;
                }
                LegendSwatch::Bound => {
                    c.dashed_hline(
                        (lx, lx + LEGEND_SWATCH),
                        mid,
                        BOUND.to_rgba(),
                        2,
                        BOUND_DASH,
                    )?;
                }
            }
            c.text(
                &fit_text(label, SMALL_SIZE, legend_w - LEGEND_SWATCH - 12),
                (lx + LEGEND_SWATCH + 12, mid),
                TextLook::new(SMALL_SIZE, INK).middle(),
            )?;
            ly += LEGEND_ROW;
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
enum LegendSwatch {
    Line(RGBColor),
    Band,
    Bound,
}

/// Maximal runs of consecutive present points satisfying `keep`.
fn contiguous(
    points: &[Option<LinePoint>],
    keep: impl Fn(&LinePoint) -> bool,
) -> Vec<Vec<LinePoint>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for p in points {
        match p {
            Some(p) if keep(p) => current.push(*p),
            _ => {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::MetricStats;

    fn stats_with(metric_index: usize, means: &[Option<f64>]) -> Vec<PointStats> {
        means
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut metrics_stats = vec![MetricStats::of(&[]); metrics().count()];
                metrics_stats[metric_index] = match m {
                    Some(v) => MetricStats::of(&[v - 60_000.0, *v, v + 60_000.0]),
                    None => MetricStats::of(&[]),
                };
                PointStats {
                    point: i,
                    values: vec![],
                    runs: 3,
                    metrics: metrics_stats,
                }
            })
            .collect()
    }

    fn vary(path: &str, values: &[&str]) -> VaryEntry {
        VaryEntry {
            path: path.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn axis_kinds() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(x_kind(&s(&["25", "50", "1_000"])), XKind::Numeric);
        assert_eq!(x_kind(&s(&["30s", "5m"])), XKind::Minutes);
        assert_eq!(x_kind(&s(&["running", "autostop"])), XKind::Categorical);
        assert_eq!(x_kind(&s(&["0", "30s"])), XKind::Categorical);
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(48.0, 8.0), 10.0);
        assert_eq!(nice_step(16.0, 8.0), 2.0);
        assert_eq!(nice_step(0.9, 8.0), 0.2);
        assert_eq!(nice_step(7.0, 8.0), 1.0);
        assert_eq!(decimals(0.2), 1);
        assert_eq!(decimals(0.05), 2);
        assert_eq!(decimals(10.0), 0);
    }

    #[test]
    fn one_line_per_value_of_the_second_parameter_in_minutes() {
        let m = metrics()
            .position(|x| x == crate::metric::Metric::DowntimeP95Ms)
            .unwrap();
        let v = [
            vary("region.b.launch_concurrency", &["10", "20", "40"]),
            vary("users.staff.failover_workspaces", &["0.9", "1.0"]),
        ];
        // Point order: (10, 0.9), (10, 1.0), (20, 0.9), ...
        let stats = stats_with(
            m,
            &[
                Some(1_800_000.0),
                Some(1_200_000.0),
                None,
                Some(900_000.0),
                Some(600_000.0),
                Some(300_000.0),
            ],
        );
        let chart = SweepChart::build("s", &v, 3, "downtime_p95_ms", &stats, &[], &[900_000.0]);
        assert_eq!(chart.lines.len(), 2);
        assert_eq!(chart.lines[0].label, "0.9");
        assert_eq!(chart.lines[1].label, "1.0");
        let first = chart.lines[0].points[0].unwrap();
        assert_eq!((first.x, first.mean), (10.0, 30.0));
        assert!(chart.lines[0].points[1].is_none());
        assert_eq!(chart.lines[1].points[2].unwrap().mean, 5.0);
        assert_eq!(
            chart.bounds,
            vec![(15.0, "[[expect]] at most 15m".to_string())]
        );
        assert_eq!(chart.y_title, "downtime_p95_ms in minutes");
        assert_eq!(chart.legend_title, "users.staff.failover_workspaces");
        assert!(chart.empty_message.is_none());
    }

    #[test]
    fn renders_the_same_bytes_twice_and_handles_no_values() {
        let m = metrics()
            .position(|x| x == crate::metric::Metric::DetectionMs)
            .unwrap();
        let v = [vary("dns.ttl", &["30s", "60s", "5m"])];
        let dir = tempfile::tempdir().unwrap();
        let chart = SweepChart::build(
            "s",
            &v,
            3,
            "detection_ms",
            &stats_with(m, &[Some(100_000.0), Some(120_000.0), Some(90_000.0)]),
            &[],
            &[],
        );
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let a = dir.path().join(format!("a.{}", format.extension()));
            let b = dir.path().join(format!("b.{}", format.extension()));
            render(&chart, format, &a).unwrap();
            render(&chart, format, &b).unwrap();
            assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        }
        let empty = SweepChart::build(
            "s",
            &v,
            3,
            "detection_ms",
            &stats_with(m, &[None, None, None]),
            &[],
            &[],
        );
        assert!(empty.empty_message.is_some());
        render(&empty, ImageFormat::Svg, &dir.path().join("e.svg")).unwrap();
        let svg = std::fs::read_to_string(dir.path().join("e.svg")).unwrap();
        assert!(svg.contains("never happened"), "{svg}");
    }
}
