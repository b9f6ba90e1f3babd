//! The age of the replicated data that redirected users found on their Multi-Region
//! Resilience standby WorkSpace: the empirical CDF over the users who arrived on replicated
//! data, the p50 and p95 (nearest rank) marked by labelled lines, a dashed line at each
//! recovery point objective with the share of users past it, and one thinner curve per
//! cohort (each over its own users) with a legend on the right when there are several.
//! The axis reads in hours: snapshots are taken every 12 h by default, so ages run to a day.

use plotters::prelude::{Color, DrawingBackend};

use super::downtime::{
    cdf_points, cohort_legend, draw_cohort_curves, draw_share_axes, percentile_lines,
};
use super::kit::{fit_text, text_width, thousands, Canvas, Drawn, HEIGHT, LABEL_SIZE, WIDTH};
use super::layout::{draw_legend, draw_line_labels, LegendEntry, LineLabel, ShareFrame};
use super::palette::{CDF_LINE, EXPECT_BOUND, OVER_RPO_FILL, PERCENTILE_COLOUR};
use super::scale::{time_step, CountScale, TimeScale};
use super::Chart;
use crate::time::{format_duration_whole_seconds, format_hours_minutes};

const HOUR_MS: u64 = 3_600_000;

/// Input of [`render_data_age`](super::render_data_age).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataAgeInput {
    /// Chart title.
    pub title: String,
    /// Age of the data each user arrived on, in any order. Empty: the chart says that no
    /// redirected user arrived on replicated data.
    pub ages_ms: Vec<u64>,
    /// Users whose data was older than the `rpo` of the Region they arrived in, as the
    /// simulation counted them (the chart cannot tell which Region's objective applied to
    /// whom when Regions differ).
    pub over_rpo: u64,
    /// Users redirected to a WorkSpace without their data: not on the chart, named in the
    /// subtitle when there are any.
    pub without_data: u64,
    /// One curve per cohort, drawn when at least two have users.
    pub cohorts: Vec<AgeCurve>,
    /// One dashed line per recovery point objective.
    pub rpos: Vec<RpoLine>,
}

/// The data ages of one cohort's users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeCurve {
    /// Legend label.
    pub label: String,
    /// Age of the data each of its users arrived on, in any order.
    pub ages_ms: Vec<u64>,
    /// Picks the curve's colour: the cohort's place in a fixed list (a Region's or group's
    /// index), so that a cohort has the same colour in every run.
    pub slot: usize,
}

/// A recovery point objective across the age axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpoLine {
    /// The objective, in milliseconds of data age.
    pub at_ms: u64,
    /// Label, e.g. `RPO 18h · 49 % over it`.
    pub label: String,
}

/// `part` of `whole` as a whole percentage, rounded half up; never `0 %` or `100 %` for a
/// part that is neither none nor all, so a single user over the objective is not hidden.
pub fn share_text(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0 %".to_string();
    }
    let (part_x, whole_x) = (u128::from(part), u128::from(whole));
    let pct = (200 * part_x + whole_x) / (2 * whole_x);
    match pct {
        0 if part > 0 => "< 1 %".to_string(),
        100 if part < whole => "> 99 %".to_string(),
        p => format!("{p} %"),
    }
}

/// `2,000 redirected users arrived on replicated data · max 23h 59m 54s · 973 (49 %) older
/// than the RPO · 12 redirected without their data`.
fn subtitle(sorted: &[u64], over_rpo: u64, without_data: u64) -> String {
    let n = sorted.len() as u64;
    let users = |k: u64| if k == 1 { "user" } else { "users" };
    let mut parts = vec![format!(
        "{} redirected {} arrived on replicated data",
        thousands(n),
        users(n)
    )];
    if let Some(&max) = sorted.last() {
        // To the second: rounded to the minute, data just under a 24 h objective would
        // read as 24h.
        parts.push(format!("max {}", format_duration_whole_seconds(max)));
        parts.push(if over_rpo == 0 {
            "none older than the RPO".to_string()
        } else {
            format!(
                "{} ({}) older than the RPO",
                thousands(over_rpo),
                share_text(over_rpo, n)
            )
        });
    }
    if without_data > 0 {
        parts.push(format!(
            "{} redirected without their data (not shown)",
            thousands(without_data)
        ));
    }
    parts.join(" · ")
}

/// The age axis from `left` to `right` for ages up to `max_ms`, ticks whole hours apart.
fn age_scale(max_ms: u64, (left, right): (i32, i32)) -> (TimeScale, u64) {
    let span_ms = max_ms.max(HOUR_MS);
    let tick_w = text_width("000", LABEL_SIZE) + 40;
    let max_ticks = ((right - left) / tick_w).max(1) as u64;
    let step = time_step(span_ms, max_ticks).max(HOUR_MS);
    // At least half a step past the oldest data and the objectives, so that neither the
    // end of the curve nor a line at a whole step lies on the plot's edge.
    let end_ms = (span_ms.saturating_add(step / 2) / step)
        .saturating_add(1)
        .saturating_mul(step);
    let ts = TimeScale {
        left,
        right,
        start_ms: 0,
        end_ms,
    };
    (ts, step)
}

/// Gridlines, ticks and whole-hour labels of the age axis, and both axis titles.
fn draw_axes<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    ts: TimeScale,
    ys: CountScale,
    step: u64,
) -> Drawn {
    draw_share_axes(
        canvas,
        (ts, ys),
        step,
        |t| (t / HOUR_MS).to_string(),
        (
            "age of the replicated data when the user arrived (hours)",
            "share of users on replicated data",
        ),
    )
}

/// The p50 and p95 of sorted ages as `(rank, value)` and the labels of their lines and of
/// the RPO lines; equal percentiles share one label.
fn line_labels(
    sorted: &[u64],
    rpos: &[RpoLine],
    ts: TimeScale,
) -> (Vec<(u64, u64)>, Vec<LineLabel>) {
    let (marks, mut labels) = percentile_lines(sorted, &[500, 950], ts, format_hours_minutes);
    labels.extend(rpos.iter().map(|r| {
        LineLabel::new(
            ts.x(r.at_ms),
            fit_text(&r.label, LABEL_SIZE, 500),
            EXPECT_BOUND,
            (10, 6),
        )
    }));
    labels.sort_by_key(|l| l.x);
    (marks, labels)
}

impl DataAgeInput {
    /// The legend of the cohort curves; empty with fewer than two cohorts with users.
    fn legend(&self) -> Vec<LegendEntry> {
        let cohorts: Vec<(&str, usize, usize)> = self
            .cohorts
            .iter()
            .map(|c| (c.label.as_str(), c.ages_ms.len(), c.slot))
            .collect();
        cohort_legend("all", self.ages_ms.len(), &cohorts)
    }
}

impl Chart for DataAgeInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let width = WIDTH as i32;
        let mut sorted = self.ages_ms.clone();
        sorted.sort_unstable();
        let n = sorted.len() as u64;
        let sub = subtitle(&sorted, self.over_rpo, self.without_data);
        let legend = self.legend();
        let frame = ShareFrame::draw(canvas, (&self.title, &sub), &legend, (width, HEIGHT as i32))?;
        let (left, right, bottom) = (frame.left, frame.right, frame.bottom);
        let legend_w = frame.legend_width;
        let Some(&max) = sorted.last() else {
            return frame.empty(canvas, "no redirected user arrived on replicated data");
        };
        let rpo_max = self.rpos.iter().map(|r| r.at_ms).max().unwrap_or(0);
        let (ts, step) = age_scale(max.max(rpo_max), (left, right));
        let (marks, mut labels) = line_labels(&sorted, &self.rpos, ts);
        let (rows_bottom, ys) = frame.place_labels(&mut labels, width, n);
        let top = ys.top;

        // With one objective, the ages past it are shaded: those users lost more than it.
        if let [rpo] = self.rpos.as_slice() {
            let x = ts.x(rpo.at_ms);
            canvas.fill_rect((x, top), (right, bottom), OVER_RPO_FILL.to_rgba())?;
        }
        draw_axes(canvas, ts, ys, step)?;
        if legend_w > 0 {
            let curves = self.cohorts.iter().map(|c| (&c.ages_ms[..], c.slot));
            draw_cohort_curves(canvas, ts, (top, bottom), curves)?;
            draw_legend(canvas, &legend, (right + 24, top))?;
        }
        canvas.line(cdf_points(&sorted, ts, ys), CDF_LINE.to_rgba(), 3)?;
        draw_line_labels(canvas, &labels, rows_bottom, (top, bottom))?;
        for &(rank, value) in &marks {
            canvas.dot((ts.x(value), ys.y(rank)), 6, PERCENTILE_COLOUR.to_rgba())?;
        }
        // Where the curve crosses each objective: the share of users within it.
        for r in &self.rpos {
            let within = sorted.partition_point(|&a| a <= r.at_ms) as u64;
            canvas.dot((ts.x(r.at_ms), ys.y(within)), 6, EXPECT_BOUND.to_rgba())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
