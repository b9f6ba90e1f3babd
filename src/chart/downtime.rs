//! The empirical CDF of per-user downtime over affected users, with the p50, p95 and p99
//! (nearest rank) marked by labelled lines, and one thinner curve per cohort (each over its
//! own users) with a legend on the right, so the users who can be redirected and those who
//! cannot are told apart.

use plotters::prelude::{Color, DrawingBackend};

use super::kit::{
    fit_text, simplify, text_width, thousands, Align, Canvas, Drawn, TextLook, HEIGHT, LABEL_SIZE,
    MARGIN, WIDTH,
};
use super::layout::{draw_legend, draw_line_labels, LegendEntry, LineLabel, ShareFrame, Swatch};
use super::palette::{
    CDF_LINE, CENSORED_COLOUR, EXPECT_BOUND, GRID, INK, MUTED, PERCENTILE_COLOUR,
    SWEEP_LINE_COLOURS,
};
use super::scale::{proportional_px, time_step, CountScale, TimeScale};
use super::Chart;
use crate::time::{format_clock_minutes, format_duration_whole_seconds, format_minutes_seconds};

/// Points of the downtime CDF drawn exactly; above this the CDF is sampled on a grid of
/// [`CDF_GRID`] steps, finer than one pixel.
const CDF_EXACT_MAX: usize = 5_000;
const CDF_GRID: u64 = 4_000;

/// Input of [`render_downtime`](super::render_downtime).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeInput {
    /// Chart title.
    pub title: String,
    /// Downtime of each affected user, in any order. Empty: the chart says that no user
    /// was affected.
    pub downtimes_ms: Vec<u64>,
    /// Affected users still down at the end: their downtime is only a lower bound
    /// (censored), which the subtitle says.
    pub censored: u64,
    /// One curve per cohort, drawn when there are at least two.
    pub cohorts: Vec<CohortCurve>,
    /// Target lines across the downtime axis, e.g. an `[[expect]]` bound on a downtime
    /// percentile or a recovery-time objective.
    pub targets: Vec<DowntimeTarget>,
}

/// A vertical target line on the downtime CDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeTarget {
    /// Where, in milliseconds of downtime.
    pub at_ms: u64,
    /// Label, e.g. `expect downtime_p95_ms <= 10m`.
    pub label: String,
}

/// The downtimes of one cohort's affected users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortCurve {
    /// Legend label.
    pub label: String,
    /// Downtime of each of its affected users, in any order.
    pub downtimes_ms: Vec<u64>,
    /// Picks the curve's colour: the cohort's place in a fixed list, so that a cohort has
    /// the same colour in every run whichever other cohorts are there.
    pub slot: usize,
}

/// Nearest-rank percentile of sorted values: the smallest value with at least
/// `permille / 1000` of the values at or below it (the tests' reference; the charts use
/// [`percentile_lines`]).
#[cfg(test)]
pub(super) fn percentile_ms(sorted: &[u64], permille: u64) -> Option<u64> {
    percentile_point(sorted, permille).map(|(_, value)| value)
}

/// The nearest-rank `permille` percentile of sorted values with its rank (1-based): where
/// its line meets the CDF.
fn percentile_point(sorted: &[u64], permille: u64) -> Option<(u64, u64)> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (permille * n).div_ceil(1_000).clamp(1, n);
    Some((rank, sorted[(rank - 1) as usize]))
}

/// The `permilles` percentiles of sorted values as `(rank, value)`, for the dots where their
/// lines meet the CDF, and the lines' labels, each value written by `format`; equal
/// percentiles share one label: `p95 = p99 = 48m 13s`. The downtime and data-age charts
/// mark theirs with it.
pub(super) fn percentile_lines(
    sorted: &[u64],
    permilles: &[u64],
    ts: TimeScale,
    format: impl Fn(u64) -> String,
) -> (Vec<(u64, u64)>, Vec<LineLabel>) {
    let percentiles: Vec<(u64, u64, u64)> = permilles
        .iter()
        .filter_map(|&permille| {
            percentile_point(sorted, permille).map(|(rank, value)| (permille, rank, value))
        })
        .collect();
    let mut labels: Vec<LineLabel> = Vec::new();
    let mut k = 0;
    while k < percentiles.len() {
        let value = percentiles[k].2;
        let mut names = Vec::new();
        while k < percentiles.len() && percentiles[k].2 == value {
            names.push(format!("p{}", percentiles[k].0 / 10));
            k += 1;
        }
        let text = format!("{} = {}", names.join(" = "), format(value));
        labels.push(LineLabel::new(ts.x(value), text, PERCENTILE_COLOUR, (8, 5)));
    }
    let points = percentiles.iter().map(|&(_, rank, v)| (rank, v)).collect();
    (points, labels)
}

/// A cohort curve's colour: its slot in a fixed list, the first colour being left to the
/// curve of all users.
fn cohort_colour(slot: usize) -> plotters::style::RGBColor {
    SWEEP_LINE_COLOURS[(slot + 1) % SWEEP_LINE_COLOURS.len()]
}

/// The legend of a share chart's cohort curves: the curve of all `total` users labelled
/// `all`, then each cohort `(label, users, slot)`; empty unless at least two cohorts have
/// users. The downtime and data-age charts build theirs with it.
pub(super) fn cohort_legend(
    all: &str,
    total: usize,
    cohorts: &[(&str, usize, usize)],
) -> Vec<LegendEntry> {
    if cohorts.iter().filter(|c| c.1 > 0).count() < 2 {
        return Vec::new();
    }
    let mut entries = vec![LegendEntry {
        swatch: Swatch::Fill(CDF_LINE),
        label: format!("{all} ({})", thousands(total as u64)),
        gap_before: false,
    }];
    for (i, &(label, users, slot)) in cohorts.iter().enumerate() {
        entries.push(LegendEntry {
            swatch: Swatch::Fill(cohort_colour(slot)),
            label: format!("{label} ({})", thousands(users as u64)),
            gap_before: i == 0,
        });
    }
    entries
}

/// The cohort curves `(values, slot)` between `top` and `bottom`, each scaled to its own
/// users.
pub(super) fn draw_cohort_curves<'a, DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    ts: TimeScale,
    (top, bottom): (i32, i32),
    curves: impl Iterator<Item = (&'a [u64], usize)>,
) -> Drawn {
    for (values, slot) in curves {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let cs = CountScale {
            top,
            bottom,
            max: sorted.len() as u64,
        };
        canvas.line(
            cdf_points(&sorted, ts, cs),
            cohort_colour(slot).to_rgba(),
            2,
        )?;
    }
    Ok(())
}

/// `n affected users · mean … · max …` over sorted downtimes.
fn subtitle(sorted: &[u64]) -> String {
    let n = sorted.len() as u64;
    match (sorted.first(), sorted.last()) {
        (Some(_), Some(&max)) => {
            let sum: u128 = sorted.iter().map(|&d| u128::from(d)).sum();
            let mean = (sum / u128::from(n)) as u64;
            format!(
                "{} affected {} · mean {} · max {}",
                thousands(n),
                if n == 1 { "user" } else { "users" },
                format_duration_whole_seconds(mean),
                format_duration_whole_seconds(max)
            )
        }
        _ => "0 affected users".to_string(),
    }
}

/// Past this axis length the downtime axis reads in hours (`h:mm`), not minutes.
const HOURS_AXIS_FROM_MS: u64 = 2 * 3_600_000;

/// A tick label and the axis title's unit for a downtime axis ending at `end_ms` with
/// ticks `step` apart: minutes, `m:ss` below a minute, or `h:mm` for long tails.
fn downtime_tick(t: u64, end_ms: u64, step: u64) -> (String, &'static str) {
    if end_ms > HOURS_AXIS_FROM_MS {
        (format_clock_minutes(t), "h:mm")
    } else if step % 60_000 == 0 {
        ((t / 60_000).to_string(), "minutes")
    } else {
        (format_minutes_seconds(t), "m:ss")
    }
}

/// The downtime axis from `left` to `right` for downtimes up to `max_ms`, and its tick
/// spacing.
pub(super) fn downtime_scale(max_ms: u64, (left, right): (i32, i32)) -> (TimeScale, u64) {
    // At least one minute wide, so tiny downtimes get readable ticks.
    let span_ms = max_ms.max(60_000);
    let tick_w = (text_width(&format_minutes_seconds(span_ms), LABEL_SIZE) + 24).max(90);
    let max_ticks = ((right - left) / tick_w).max(1) as u64;
    let step = time_step(span_ms, max_ticks);
    // Strictly past the longest downtime, so the last step is not hidden by the edge.
    let end_ms = (span_ms / step).saturating_add(1).saturating_mul(step);
    let ts = TimeScale {
        left,
        right,
        start_ms: 0,
        end_ms,
    };
    (ts, step)
}

/// Gridlines, ticks and labels of the share axis, every 20 %.
fn draw_share_ticks<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    ts: TimeScale,
    ys: CountScale,
) -> Drawn {
    let (left, right, top, bottom) = (ts.left, ts.right, ys.top, ys.bottom);
    for pct in (0..=100u64).step_by(20) {
        let y = bottom - proportional_px(pct, 100, bottom - top);
        if pct > 0 {
            canvas.line(vec![(left, y), (right, y)], GRID.to_rgba(), 1)?;
        }
        canvas.line(vec![(left - 6, y), (left, y)], INK.to_rgba(), 1)?;
        canvas.text(
            &format!("{pct} %"),
            (left - 10, y),
            TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
        )?;
    }
    Ok(())
}

/// The axes of a share-of-users chart over a duration: the share ticks and gridlines, a
/// tick every `step` from 0 labelled by `label`, the axis lines, and the two titles
/// `(x, y)`. The downtime and data-age charts draw theirs with it.
pub(super) fn draw_share_axes<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    (ts, ys): (TimeScale, CountScale),
    step: u64,
    label: impl Fn(u64) -> String,
    (x_title, y_title): (&str, &str),
) -> Drawn {
    let (left, right, top, bottom) = (ts.left, ts.right, ys.top, ys.bottom);
    draw_share_ticks(canvas, ts, ys)?;
    let mut t = 0;
    while t <= ts.end_ms {
        let x = ts.x(t);
        if t > 0 {
            canvas.line(vec![(x, top), (x, bottom)], GRID.to_rgba(), 1)?;
        }
        canvas.line(vec![(x, bottom), (x, bottom + 6)], INK.to_rgba(), 1)?;
        canvas.text(
            &label(t),
            (x, bottom + 10),
            TextLook::new(LABEL_SIZE, INK).align(Align::Center),
        )?;
        let Some(next) = t.checked_add(step) else {
            break;
        };
        t = next;
    }
    canvas.line(vec![(left, top), (left, bottom)], INK.to_rgba(), 1)?;
    canvas.line(vec![(left, bottom), (right, bottom)], INK.to_rgba(), 1)?;
    canvas.text(
        x_title,
        ((left + right) / 2, bottom + 40),
        TextLook::new(LABEL_SIZE, MUTED).align(Align::Center),
    )?;
    canvas.text(
        y_title,
        (MARGIN + 10, (top + bottom) / 2),
        TextLook::new(LABEL_SIZE, MUTED)
            .align(Align::Center)
            .middle()
            .upright(),
    )
}

/// Both axes with their grids, ticks and titles.
pub(super) fn draw_axes<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    ts: TimeScale,
    ys: CountScale,
    step: u64,
) -> Drawn {
    let (_, unit) = downtime_tick(0, ts.end_ms, step);
    draw_share_axes(
        canvas,
        (ts, ys),
        step,
        |t| downtime_tick(t, ts.end_ms, step).0,
        (
            &format!("downtime per affected user ({unit})"),
            "share of affected users",
        ),
    )
}

/// The empirical CDF of sorted downtimes as a step line: exact steps for small inputs,
/// otherwise the share at or below each of [`CDF_GRID`] evenly spaced downtimes.
pub(super) fn cdf_points(sorted: &[u64], ts: TimeScale, ys: CountScale) -> Vec<(i32, i32)> {
    let mut points = vec![(ts.x(0), ys.y(0))];
    if sorted.len() <= CDF_EXACT_MAX {
        let mut i = 0;
        while i < sorted.len() {
            let value = sorted[i];
            let mut j = i;
            while j < sorted.len() && sorted[j] == value {
                j += 1;
            }
            let x = ts.x(value);
            points.push((x, ys.y(i as u64)));
            points.push((x, ys.y(j as u64)));
            i = j;
        }
    } else {
        let mut previous = 0u64;
        for g in 0..=CDF_GRID {
            let at = ts.end_ms.saturating_mul(g) / CDF_GRID;
            let count = sorted.partition_point(|&d| d <= at) as u64;
            let x = ts.x(at);
            points.push((x, ys.y(previous)));
            points.push((x, ys.y(count)));
            previous = count;
        }
    }
    points.push((ts.x(ts.end_ms), ys.y(sorted.len() as u64)));
    simplify(&points)
}

impl DowntimeInput {
    /// The legend of the cohort curves; empty with fewer than two cohorts with users.
    fn legend(&self) -> Vec<LegendEntry> {
        let cohorts: Vec<(&str, usize, usize)> = self
            .cohorts
            .iter()
            .map(|c| (c.label.as_str(), c.downtimes_ms.len(), c.slot))
            .collect();
        cohort_legend("all affected", self.downtimes_ms.len(), &cohorts)
    }
}

/// Users still down at the end: their downtime is a lower bound, so the top of the CDF
/// from `n - censored` up is theirs. A dotted line marks where they start, labelled.
fn draw_censored<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    censored: u64,
    ts: TimeScale,
    ys: CountScale,
) -> Drawn {
    if censored == 0 {
        return Ok(());
    }
    let y = ys.y(ys.max - censored);
    canvas.dashed_hline((ts.left, ts.right), y, CENSORED_COLOUR.to_rgba(), 2, (3, 4))?;
    // When every user is still down the line lies on the axis, and "above" would read as
    // a claim about nothing: say that the whole curve is a lower bound.
    let label = if censored == ys.max {
        format!(
            "all {} still down at the end: the curve shows downtime so far",
            thousands(censored)
        )
    } else {
        format!(
            "above: {} still down at the end (downtime so far)",
            thousands(censored)
        )
    };
    canvas.text(
        &label,
        // Below the line, unless it lies on the axis (every user still down).
        (ts.left + 8, if y > ys.bottom - 30 { y - 26 } else { y + 6 }),
        TextLook::new(LABEL_SIZE, CENSORED_COLOUR),
    )
}

impl Chart for DowntimeInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let width = WIDTH as i32;
        let mut sorted = self.downtimes_ms.clone();
        sorted.sort_unstable();
        let n = sorted.len() as u64;
        let mut sub = subtitle(&sorted);
        if self.censored > 0 {
            sub.push_str(&format!(
                " · {} still down at the end (downtime so far)",
                thousands(self.censored)
            ));
        }
        let legend = self.legend();
        let frame = ShareFrame::draw(canvas, (&self.title, &sub), &legend, (width, HEIGHT as i32))?;
        let (left, right, bottom) = (frame.left, frame.right, frame.bottom);
        let legend_w = frame.legend_width;
        let Some(&max) = sorted.last() else {
            return frame.empty(canvas, "no user was affected");
        };
        let target_max = self.targets.iter().map(|t| t.at_ms).max().unwrap_or(0);
        let (ts, step) = downtime_scale(max.max(target_max), (left, right));

        // Percentiles and targets: labelled in rows above the plot, like timeline markers.
        let (percentiles, mut labels) =
            percentile_lines(&sorted, &[500, 950, 990], ts, format_duration_whole_seconds);
        labels.extend(self.targets.iter().map(|t| {
            LineLabel::new(
                ts.x(t.at_ms),
                fit_text(&t.label, LABEL_SIZE, 500),
                EXPECT_BOUND,
                (4, 3),
            )
        }));
        labels.sort_by_key(|l| l.x);
        let (rows_bottom, ys) = frame.place_labels(&mut labels, width, n);
        let top = ys.top;

        draw_axes(canvas, ts, ys, step)?;
        if legend_w > 0 {
            let curves = self.cohorts.iter().map(|c| (&c.downtimes_ms[..], c.slot));
            draw_cohort_curves(canvas, ts, (top, bottom), curves)?;
            draw_legend(canvas, &legend, (right + 24, top))?;
        }
        canvas.line(cdf_points(&sorted, ts, ys), CDF_LINE.to_rgba(), 3)?;
        draw_censored(canvas, self.censored.min(n), ts, ys)?;

        // Percentile lines over the curve, with a dot where each meets it.
        draw_line_labels(canvas, &labels, rows_bottom, (top, bottom))?;
        for &(rank, value) in &percentiles {
            canvas.dot((ts.x(value), ys.y(rank)), 6, PERCENTILE_COLOUR.to_rgba())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile_ms(&sorted, 500), Some(50));
        assert_eq!(percentile_ms(&sorted, 950), Some(95));
        assert_eq!(percentile_ms(&sorted, 990), Some(99));
        assert_eq!(percentile_ms(&[7], 990), Some(7));
        assert_eq!(percentile_ms(&[1, 2, 3], 500), Some(2));
        assert_eq!(percentile_ms(&[], 500), None);
    }
}
