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

mod labels;
mod layout;
mod marks;

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
    /// `(x, label)`: a vertical dashed line at this x value, labelled at the top of the plot
    /// (the value a goal-seek found); its tick label is always drawn.
    pub x_marker: Option<(f64, String)>,
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
