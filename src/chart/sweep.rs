//! The sweep chart (`sweep.svg`, `sweep.png`): the mean of one metric against the first
//! varied parameter, one line per value of the other varied parameters, each with a shaded
//! 95 % confidence band in its colour and a label at its end, every replication as a small
//! point, and the scenario's `[[expect]]` bounds on that metric as dashed lines. Categorical
//! values (and a sweep without `--vary`) get a dot and an error bar per line instead, side
//! by side: a line between categories would suggest values between them.
//!
//! The sweep fills a [`SweepInput`] in display units (x positions, means in minutes for
//! `*_ms` metrics, tick labels as the values were given); this file only lays it out and
//! draws it, through the same kit as the run charts, so it has their size, fonts and
//! palette: 1600 x 800, the bundled DejaVu Sans measured and rasterised with `ab_glyph`
//! (never a system font), Okabe-Ito colours. Pixel positions come from `+ - * /` and
//! rounding only, so the files are byte-identical on every machine.

use plotters::prelude::{Color, DrawingBackend};
use plotters::style::RGBColor;

use super::kit::{
    fit_text, text_width, Align, Canvas, Drawn, TextLook, HEIGHT, LABEL_SIZE, MARGIN, MESSAGE_SIZE,
    SMALL_SIZE, SUBTITLE_SIZE, TITLE_SIZE, WIDTH,
};
use super::palette::{
    CONFIDENCE_BAND_OPACITY, EXPECT_BOUND, GRID, INK, MUTED, SWEEP_LINE_COLOURS, WHITE,
};
use super::scale::{decimals, nice_step, ValueScale};
use super::Chart;

/// Dash pattern (on, off) of the `[[expect]]` bound lines, in pixels.
const BOUND_DASH: (i32, i32) = (12, 6);

/// One point of a line: x position, mean and 95 % confidence interval, in display units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepPoint {
    /// Position on the x axis (a value of the first varied parameter, its length in
    /// minutes, or its index for categorical values).
    pub x: f64,
    /// Mean of the metric over the point's runs.
    pub mean: f64,
    /// 95 % confidence interval `(low, high)`, when there were enough runs.
    pub ci: Option<(f64, f64)>,
}

/// One line: a combination of the values of the second and later varied parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepLine {
    /// Legend text, e.g. `0.9, 30s`.
    pub label: String,
    /// One entry per x value; `None` where the metric never had a value.
    pub points: Vec<Option<SweepPoint>>,
    /// Per x value, the metric in each replication that had a value (display units), drawn
    /// as small points behind the mean; may be empty.
    pub replications: Vec<Vec<f64>>,
}

/// Input of [`render_sweep`](super::render_sweep): everything the chart shows, in display
/// units.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepInput {
    /// Chart title, e.g. `downtime_p95_ms by dns.ttl`.
    pub title: String,
    /// Line under the title.
    pub subtitle: String,
    /// Title of the x axis (the first varied parameter's path).
    pub x_title: String,
    /// Title of the y axis (the metric and its display unit).
    pub y_title: String,
    /// Tick position and label of each x value.
    pub x_ticks: Vec<(f64, String)>,
    /// The x values are categories (or the one column of a sweep without `--vary`): each
    /// line's means are drawn as dots with error bars, side by side, never joined.
    pub categorical: bool,
    /// The values are durations in minutes: labels of values read `48m 41s`.
    pub minutes: bool,
    /// Legend heading (the paths the lines stand for); empty with one line.
    pub legend_title: String,
    /// The lines, drawn in order, coloured in the sweep palette's order, cycling.
    pub lines: Vec<SweepLine>,
    /// `(y, legend label)` of each `[[expect]]` bound.
    pub bounds: Vec<(f64, String)>,
    /// Shown instead of the plot when no point has a value.
    pub empty_message: Option<String>,
}

const LEGEND_SWATCH: i32 = 36;
const LEGEND_ROW: i32 = 32;
const LEGEND_MAX_WIDTH: i32 = 360;

/// At most this many replications of a point are drawn as points (the first ones); the
/// legend says so when more ran.
const MAX_REPLICATION_POINTS: usize = 100;
/// Radius of a replication's point and opacity of its colour.
const REPLICATION_RADIUS: i32 = 4;
const REPLICATION_OPACITY: f64 = 0.45;
/// Widest label at a line's end, in pixels; longer ones are cut with an ellipsis.
const END_LABEL_MAX_WIDTH: i32 = 220;
/// Smallest vertical distance between two line-end labels.
const END_LABEL_PITCH: i32 = 20;
/// Colour of the legend's band and replication swatches when they stand for several lines.
const NEUTRAL: RGBColor = RGBColor(120, 120, 120);

/// Where everything goes on the sweep chart.
struct SweepLayout {
    /// Legend entries: lines, the band, the bounds.
    legend: Vec<(LegendSwatch, String)>,
    legend_w: i32,
    /// Value and label of each y tick.
    y_ticks: Vec<(f64, String)>,
    /// Plot edges, in pixels.
    left: i32,
    right: i32,
    top: i32,
    bottom: i32,
    x: ValueScale,
    y: ValueScale,
    /// Horizontal distance between the lines' dots at one category (0 for a numeric x).
    dodge: i32,
    /// Whether each line is labelled at its end (several lines on a numeric x).
    end_labels: bool,
}

/// Top of the plot, below the title and subtitle.
const PLOT_TOP: i32 = 124;

/// Colour of the `index`-th line.
fn line_colour(index: usize) -> RGBColor {
    SWEEP_LINE_COLOURS[index % SWEEP_LINE_COLOURS.len()]
}

impl SweepInput {
    /// Legend entries (lines, the band, the bounds) and the legend's width.
    fn legend(&self) -> (Vec<(LegendSwatch, String)>, i32) {
        let mut legend: Vec<(LegendSwatch, String)> = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            legend.push((LegendSwatch::Line(line_colour(i)), line.label.clone()));
        }
        // With one line the band and points are in its colour; with several, neutral.
        let shared = if self.lines.len() == 1 {
            line_colour(0)
        } else {
            NEUTRAL
        };
        legend.push((
            LegendSwatch::Band(shared),
            "95 % confidence interval".to_string(),
        ));
        let most = self
            .lines
            .iter()
            .flat_map(|l| l.replications.iter().map(Vec::len))
            .max()
            .unwrap_or(0);
        if most > 0 {
            let label = if most > MAX_REPLICATION_POINTS {
                format!("one replication (first {MAX_REPLICATION_POINTS} per point)")
            } else {
                "one replication".to_string()
            };
            legend.push((LegendSwatch::Replication(shared), label));
        }
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
        (legend, legend_w)
    }

    /// The y range in display units, from zero unless values are negative, widened to
    /// whole ticks; and the ticks.
    fn y_axis(&self) -> ((f64, f64), Vec<(f64, String)>) {
        let mut y_lo = 0.0f64;
        let mut y_hi = 0.0f64;
        for line in &self.lines {
            for p in line.points.iter().flatten() {
                let (lo, hi) = p.ci.unwrap_or((p.mean, p.mean));
                y_lo = y_lo.min(lo.min(p.mean));
                y_hi = y_hi.max(hi.max(p.mean));
            }
            for v in line
                .replications
                .iter()
                .flat_map(|r| r.iter().take(MAX_REPLICATION_POINTS))
            {
                y_lo = y_lo.min(*v);
                y_hi = y_hi.max(*v);
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
        let count = ((y_hi - y_lo) / step).round() as i64;
        let ticks = (0..=count)
            .map(|k| {
                let v = y_lo + k as f64 * step;
                let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
                (v, format!("{v:.digits$}"))
            })
            .collect();
        ((y_lo, y_hi), ticks)
    }

    fn layout(&self) -> SweepLayout {
        let (width, height) = (WIDTH as i32, HEIGHT as i32);
        let (legend, legend_w) = self.legend();
        let ((y_lo, y_hi), y_ticks) = self.y_axis();
        let y_label_w = y_ticks
            .iter()
            .map(|(_, l)| text_width(l, LABEL_SIZE))
            .max()
            .unwrap_or(0);
        let left = MARGIN + 40 + y_label_w + 12;
        let right = width - MARGIN - legend_w - 32;
        let (top, bottom) = (PLOT_TOP, height - MARGIN - 84);
        let y = ValueScale {
            lo: y_lo,
            hi: y_hi,
            from_px: bottom,
            to_px: top,
        };
        let (x_lo, x_hi) = self
            .x_ticks
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (x, _)| {
                (lo.min(*x), hi.max(*x))
            });
        // Keep the outermost points and their labels off the plot's edges, and room right
        // of the last points for the lines' labels.
        let pad = if self.categorical {
            // Each category in the middle of an equal column.
            (right - left) / (2 * self.x_ticks.len().max(1) as i32)
        } else {
            ((right - left) / 16).max(40)
        };
        let end_labels = !self.categorical && self.lines.len() > 1;
        let end_room = if end_labels {
            self.lines
                .iter()
                .map(|l| text_width(&l.label, SMALL_SIZE).min(END_LABEL_MAX_WIDTH) + 24)
                .max()
                .unwrap_or(0)
                .max(pad)
        } else {
            pad
        };
        let x = ValueScale {
            lo: x_lo,
            hi: x_hi,
            from_px: left + pad,
            to_px: right - end_room,
        };
        let dodge = if self.categorical {
            let columns = self.x_ticks.len().max(1) as i32;
            let column_w = (x.to_px - x.from_px) / (columns - 1).max(1);
            (column_w / (self.lines.len() as i32 + 1)).clamp(0, 48)
        } else {
            0
        };
        SweepLayout {
            legend,
            legend_w,
            y_ticks,
            left,
            right,
            top,
            bottom,
            x,
            y,
            dodge,
            end_labels,
        }
    }

    /// The pixel column of line `line`'s point at `x`: categories put the lines side by side.
    fn point_px(&self, layout: &SweepLayout, line: usize, x: f64) -> i32 {
        let n = self.lines.len() as i32;
        // Offsets in half-dodges keep an even number of lines centred on the tick.
        let offset = (2 * line as i32 - (n - 1)) * layout.dodge / 2;
        layout.x.px(x) + offset
    }

    /// Title and subtitle.
    fn draw_heading<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Drawn {
        let inner = WIDTH as i32 - 2 * MARGIN;
        c.text(
            &fit_text(&self.title, TITLE_SIZE, inner),
            (MARGIN, 16),
            TextLook::new(TITLE_SIZE, INK),
        )?;
        c.text(
            &fit_text(&self.subtitle, SUBTITLE_SIZE, inner),
            (MARGIN, 66),
            TextLook::new(SUBTITLE_SIZE, MUTED),
        )
    }

    /// Tick labels of the x values; a label that would overlap its left neighbour is left
    /// out (never the last).
    fn draw_x_ticks<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>, layout: &SweepLayout) -> Drawn {
        let (top, bottom) = (layout.top, layout.bottom);
        let mut last_label_right = i32::MIN;
        for (i, (v, label)) in self.x_ticks.iter().enumerate() {
            let px = layout.x.px(*v);
            c.line(vec![(px, top), (px, bottom)], GRID.to_rgba(), 1)?;
            c.line(vec![(px, bottom), (px, bottom + 6)], INK.to_rgba(), 1)?;
            let w = text_width(label, LABEL_SIZE);
            let is_last = i + 1 == self.x_ticks.len();
            let fits = px - w / 2 > last_label_right + 12;
            if fits || (is_last && px - w / 2 > last_label_right + 4) {
                c.text(
                    label,
                    (px, bottom + 10),
                    TextLook::new(LABEL_SIZE, INK).align(Align::Center),
                )?;
                last_label_right = px + w - w / 2;
            }
        }
        Ok(())
    }

    /// Grid, ticks, axis lines and axis titles.
    fn draw_axes<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>, layout: &SweepLayout) -> Drawn {
        let SweepLayout {
            left,
            right,
            top,
            bottom,
            ..
        } = *layout;
        for (v, label) in &layout.y_ticks {
            let py = layout.y.px(*v);
            c.line(vec![(left, py), (right, py)], GRID.to_rgba(), 1)?;
            c.text(
                label,
                (left - 10, py),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
        }
        self.draw_x_ticks(c, layout)?;
        c.line(
            vec![(left, top), (left, bottom), (right, bottom)],
            INK.to_rgba(),
            1,
        )?;
        c.text(
            &fit_text(&self.x_title, LABEL_SIZE, right - left),
            ((left + right) / 2, bottom + 48),
            TextLook::new(LABEL_SIZE, INK).align(Align::Center),
        )?;
        c.text(
            &fit_text(&self.y_title, LABEL_SIZE, bottom - top),
            (MARGIN, (top + bottom) / 2),
            TextLook::new(LABEL_SIZE, INK)
                .align(Align::Center)
                .upright(),
        )
    }

    /// The `[[expect]]` bounds, then the confidence bands under every line.
    fn draw_bounds_and_bands<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        let (x, y) = (layout.x, layout.y);
        for (b, _) in &self.bounds {
            c.dashed_hline(
                (layout.left, layout.right),
                y.px(*b),
                EXPECT_BOUND.to_rgba(),
                2,
                BOUND_DASH,
            )?;
        }
        for (i, line) in self.lines.iter().enumerate() {
            let colour = line_colour(i);
            if self.categorical {
                self.draw_error_bars(c, layout, i)?;
                continue;
            }
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
                        colour.mix(CONFIDENCE_BAND_OPACITY),
                    )?;
                } else {
                    c.polygon(band, colour.mix(CONFIDENCE_BAND_OPACITY))?;
                }
            }
        }
        Ok(())
    }

    /// Line `i`'s confidence intervals as error bars (categorical x): a vertical bar with
    /// caps in the line's colour.
    fn draw_error_bars<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
        i: usize,
    ) -> Drawn {
        let colour = line_colour(i).to_rgba();
        for p in self.lines[i].points.iter().flatten() {
            let Some((lo, hi)) = p.ci else { continue };
            let px = self.point_px(layout, i, p.x);
            let (top, bottom) = (layout.y.px(hi), layout.y.px(lo));
            c.line(vec![(px, top), (px, bottom)], colour, 2)?;
            c.line(vec![(px - 8, top), (px + 8, top)], colour, 2)?;
            c.line(vec![(px - 8, bottom), (px + 8, bottom)], colour, 2)?;
        }
        Ok(())
    }

    /// Every replication as a small, light point in its line's colour; beside the mean on a
    /// categorical x, spread a little sideways so that equal values stay visible.
    fn draw_replications<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        // Equal values side by side rather than on top of each other.
        let spread = if self.categorical {
            (layout.dodge / 3).clamp(4, 14)
        } else {
            5
        };
        for (i, line) in self.lines.iter().enumerate() {
            let colour = line_colour(i).mix(REPLICATION_OPACITY);
            for (values, point) in line.replications.iter().zip(&line.points) {
                let Some(point) = point else { continue };
                let px = self.point_px(layout, i, point.x);
                for (r, v) in values.iter().take(MAX_REPLICATION_POINTS).enumerate() {
                    // A fixed sideways pattern by replication number: deterministic.
                    let jitter = ((r * 7) % 9) as i32 * spread / 4 - spread;
                    c.dot((px + jitter, layout.y.px(*v)), REPLICATION_RADIUS, colour)?;
                }
            }
        }
        Ok(())
    }

    /// The means: on a numeric x, lines through them with a dot at each; on a categorical
    /// x, dots only (joining categories would suggest values between them).
    fn draw_lines<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>, layout: &SweepLayout) -> Drawn {
        let y = layout.y;
        for (i, line) in self.lines.iter().enumerate() {
            let colour = line_colour(i);
            for run in contiguous(&line.points, |_| true) {
                let path: Vec<(i32, i32)> = run
                    .iter()
                    .map(|p| (self.point_px(layout, i, p.x), y.px(p.mean)))
                    .collect();
                if path.len() > 1 && !self.categorical {
                    c.line(path.clone(), colour.to_rgba(), 3)?;
                }
                let radius = if self.categorical { 7 } else { 5 };
                for p in path {
                    c.dot(p, radius, colour.to_rgba())?;
                }
            }
            if self.categorical && self.lines.len() == 1 {
                self.draw_mean_labels(c, layout, line)?;
            }
        }
        if layout.end_labels {
            self.draw_end_labels(c, layout)?;
        }
        Ok(())
    }

    /// The value of each mean right of its dot (one line on a categorical x, where there is
    /// room): `mean 48m 41s`.
    fn draw_mean_labels<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
        line: &SweepLine,
    ) -> Drawn {
        for p in line.points.iter().flatten() {
            let text = format!("mean {}", self.value_text(p.mean));
            let at = (self.point_px(layout, 0, p.x) + 24, layout.y.px(p.mean));
            c.text(&text, at, TextLook::new(SMALL_SIZE, INK).middle())?;
        }
        Ok(())
    }

    /// A value for a label: a duration for minutes, else three significant decimals at most.
    fn value_text(&self, v: f64) -> String {
        if self.minutes {
            crate::time::format_human((v.max(0.0) * 60_000.0).round() as u64)
        } else {
            let r = (v * 1000.0).round() / 1000.0;
            let text = format!("{r:.3}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }

    /// Each line's label right of its last point, in its colour, moved apart vertically
    /// so that no two overlap.
    fn draw_end_labels<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        let mut labels: Vec<(i32, i32, usize)> = self
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, line)| {
                let last = line.points.iter().flatten().last()?;
                Some((layout.y.px(last.mean), layout.x.px(last.x), i))
            })
            .collect();
        let ys = spread_apart(
            &labels.iter().map(|l| l.0).collect::<Vec<_>>(),
            END_LABEL_PITCH,
            (layout.top, layout.bottom),
        );
        for (label, y) in labels.iter_mut().zip(ys) {
            label.0 = y;
        }
        for (y, x, i) in labels {
            c.text(
                &fit_text(&self.lines[i].label, SMALL_SIZE, END_LABEL_MAX_WIDTH),
                (x + 12, y),
                TextLook::new(SMALL_SIZE, line_colour(i)).middle(),
            )?;
        }
        Ok(())
    }

    /// The legend, right of the plot, under its heading.
    fn draw_legend<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>, layout: &SweepLayout) -> Drawn {
        let legend_w = layout.legend_w;
        let lx = WIDTH as i32 - MARGIN - legend_w;
        let mut ly = layout.top;
        if !self.legend_title.is_empty() {
            c.text(
                &fit_text(&self.legend_title, SMALL_SIZE, legend_w),
                (lx, ly),
                TextLook::new(SMALL_SIZE, MUTED),
            )?;
            ly += LEGEND_ROW;
        }
        for (swatch, label) in &layout.legend {
            let mid = ly + LEGEND_ROW / 2 - 4;
            match swatch {
                LegendSwatch::Line(colour) => {
                    if self.categorical {
                        c.dot((lx + LEGEND_SWATCH / 2, mid), 7, colour.to_rgba())?;
                    } else {
                        c.fill_rect(
                            (lx, mid - 9),
                            (lx + LEGEND_SWATCH, mid + 9),
                            colour.mix(CONFIDENCE_BAND_OPACITY),
                        )?;
                        c.line(
                            vec![(lx, mid), (lx + LEGEND_SWATCH, mid)],
                            colour.to_rgba(),
                            3,
                        )?;
                        c.dot((lx + LEGEND_SWATCH / 2, mid), 5, colour.to_rgba())?;
                    }
                }
                LegendSwatch::Band(colour) if self.categorical => {
                    let (x, rgba) = (lx + LEGEND_SWATCH / 2, colour.to_rgba());
                    c.line(vec![(x, mid - 10), (x, mid + 10)], rgba, 2)?;
                    c.line(vec![(x - 8, mid - 10), (x + 8, mid - 10)], rgba, 2)?;
                    c.line(vec![(x - 8, mid + 10), (x + 8, mid + 10)], rgba, 2)?;
                }
                LegendSwatch::Band(colour) => {
                    c.fill_rect(
                        (lx, mid - 9),
                        (lx + LEGEND_SWATCH, mid + 9),
                        colour.mix(CONFIDENCE_BAND_OPACITY),
                    )?;
                }
                LegendSwatch::Replication(colour) => {
                    for dx in [6, 18, 30] {
                        c.dot(
                            (lx + dx, mid + (dx % 4) - 1),
                            REPLICATION_RADIUS,
                            colour.mix(REPLICATION_OPACITY),
                        )?;
                    }
                }
                LegendSwatch::Bound => {
                    c.dashed_hline(
                        (lx, lx + LEGEND_SWATCH),
                        mid,
                        EXPECT_BOUND.to_rgba(),
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

impl Chart for SweepInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Drawn {
        c.area.fill(&WHITE).map_err(|e| e.to_string())?;
        self.draw_heading(c)?;
        if let Some(message) = &self.empty_message {
            let (width, height) = (WIDTH as i32, HEIGHT as i32);
            return c.text(
                &fit_text(message, MESSAGE_SIZE, width - 2 * MARGIN),
                (width / 2, (PLOT_TOP + height) / 2),
                TextLook::new(MESSAGE_SIZE, MUTED)
                    .align(Align::Center)
                    .middle(),
            );
        }
        let layout = self.layout();
        self.draw_axes(c, &layout)?;
        self.draw_bounds_and_bands(c, &layout)?;
        self.draw_replications(c, &layout)?;
        self.draw_lines(c, &layout)?;
        self.draw_legend(c, &layout)
    }
}

#[derive(Clone, Copy, Debug)]
enum LegendSwatch {
    Line(RGBColor),
    /// The confidence interval: a band, or an error bar on a categorical x.
    Band(RGBColor),
    Replication(RGBColor),
    Bound,
}

/// Positions for labels wanted at `wanted` (pixels, any order), at least `pitch` apart and
/// inside `(top, bottom)`, each as near its wanted position as that allows; in input order.
pub(super) fn spread_apart(wanted: &[i32], pitch: i32, (top, bottom): (i32, i32)) -> Vec<i32> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| (wanted[i], i));
    let mut placed = vec![0; wanted.len()];
    // Downwards from the top, then back up from the bottom where the stack ran over it.
    let mut next = top;
    for &i in &order {
        placed[i] = wanted[i].max(next);
        next = placed[i] + pitch;
    }
    let mut limit = bottom;
    for &i in order.iter().rev() {
        placed[i] = placed[i].min(limit);
        limit = placed[i] - pitch;
    }
    placed
}

/// Maximal runs of consecutive present points satisfying `keep`.
fn contiguous(
    points: &[Option<SweepPoint>],
    keep: impl Fn(&SweepPoint) -> bool,
) -> Vec<Vec<SweepPoint>> {
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
