//! Comparison charts: two configurations overlaid. The downtime CDFs of affected users (one
//! step line per side) and the users connected / not connected over time (one line per side
//! and state). The base is drawn in muted colours, the candidate in strong ones.

use plotters::prelude::{Color, DrawingBackend, RGBColor};

use super::downtime::{cdf_points, downtime_scale, draw_axes};
use super::kit::{
    text_width, thousands, Align, Canvas, Drawn, TextLook, HEIGHT, LABEL_SIZE, MARGIN, WIDTH,
};
use super::layout::{
    draw_heading, draw_legend, draw_message, draw_time_axis, legend_width, LegendEntry, Swatch,
};
use super::palette::{GRID, INK, MUTED, WHITE};
use super::scale::{count_step, CountScale, TimeScale};
use super::Chart;

/// Base and candidate colours: connected (blue) and not connected (vermillion), light for
/// the base, strong for the candidate (colour-blind safe pairs).
const BASE_CONNECTED: RGBColor = RGBColor(140, 180, 215);
const CANDIDATE_CONNECTED: RGBColor = RGBColor(0, 90, 160);
const BASE_DOWN: RGBColor = RGBColor(240, 170, 120);
const CANDIDATE_DOWN: RGBColor = RGBColor(213, 94, 0);

/// Input of [`render_compare_downtime`](super::render_compare_downtime).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareDowntimeInput {
    /// Chart title.
    pub title: String,
    /// Subtitle (what was compared, how many replications).
    pub subtitle: String,
    /// `(label, downtime of each affected user)` of the base, then the candidate.
    pub sides: [(String, Vec<u64>); 2],
}

/// `(time_ms, connected, not connected)`.
pub type CountsAt = (u64, u64, u64);

/// Input of [`render_compare_timeline`](super::render_compare_timeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareTimelineInput {
    /// Chart title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Length of the time axis.
    pub duration_ms: u64,
    /// `(label, [(time_ms, connected, not connected)])` of the base, then the candidate.
    pub sides: [(String, Vec<CountsAt>); 2],
}

impl Chart for CompareDowntimeInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let (width, height) = (WIDTH as i32, HEIGHT as i32);
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let top = draw_heading(canvas, &self.title, &self.subtitle, width)? + 16;
        let entries: Vec<LegendEntry> = self
            .sides
            .iter()
            .zip([BASE_CONNECTED, CANDIDATE_CONNECTED])
            .map(|((label, d), colour)| LegendEntry {
                swatch: Swatch::Fill(colour),
                label: format!("{label} ({} affected)", thousands(d.len() as u64)),
                gap_before: false,
            })
            .collect();
        let bottom = height - 84;
        let left = MARGIN + 30 + text_width("100 %", LABEL_SIZE) + 14;
        let right = width - MARGIN - 40 - legend_width(&entries) - 20;
        let max = self.sides.iter().flat_map(|s| s.1.iter()).copied().max();
        let Some(max) = max else {
            canvas.outline_rect((left, top), (right, bottom), GRID.to_rgba(), 1)?;
            return draw_message(
                canvas,
                "no user was affected",
                ((left + right) / 2, (top + bottom) / 2),
            );
        };
        let (ts, step) = downtime_scale(max, (left, right));
        for ((_, downtimes), colour) in self.sides.iter().zip([BASE_CONNECTED, CANDIDATE_CONNECTED])
        {
            let mut sorted = downtimes.clone();
            sorted.sort_unstable();
            let ys = CountScale {
                top,
                bottom,
                max: sorted.len().max(1) as u64,
            };
            if colour == BASE_CONNECTED {
                draw_axes(canvas, ts, ys, step)?;
            }
            if !sorted.is_empty() {
                canvas.line(cdf_points(&sorted, ts, ys), colour.to_rgba(), 4)?;
            }
        }
        draw_legend(canvas, &entries, (right + 30, top))
    }
}

impl Chart for CompareTimelineInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let (width, height) = (WIDTH as i32, HEIGHT as i32);
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let top = draw_heading(canvas, &self.title, &self.subtitle, width)? + 16;
        let mut entries = Vec::new();
        for ((label, _), (connected, down)) in self.sides.iter().zip([
            (BASE_CONNECTED, BASE_DOWN),
            (CANDIDATE_CONNECTED, CANDIDATE_DOWN),
        ]) {
            entries.push(LegendEntry {
                swatch: Swatch::Fill(connected),
                label: format!("connected: {label}"),
                gap_before: !entries.is_empty(),
            });
            entries.push(LegendEntry {
                swatch: Swatch::Fill(down),
                label: format!("not connected: {label}"),
                gap_before: false,
            });
        }
        let bottom = height - 84;
        let max_total = self
            .sides
            .iter()
            .flat_map(|s| s.1.iter())
            .map(|&(_, c, d)| c.max(d))
            .max()
            .unwrap_or(0)
            .max(1);
        let step = count_step(max_total, 8);
        let y_max = max_total.div_ceil(step) * step;
        let left = MARGIN + 30 + text_width(&thousands(y_max), LABEL_SIZE) + 14;
        let right = width - MARGIN - 40 - legend_width(&entries) - 20;
        let ts = TimeScale {
            left,
            right,
            start_ms: 0,
            end_ms: self.duration_ms.max(60_000),
        };
        let ys = CountScale {
            top,
            bottom,
            max: y_max,
        };
        let mut v = 0;
        while v <= y_max {
            let y = ys.y(v);
            canvas.line(vec![(left, y), (right, y)], GRID.to_rgba(), 1)?;
            canvas.text(
                &thousands(v),
                (left - 10, y),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
            v += step;
        }
        canvas.line(vec![(left, top), (left, bottom)], INK.to_rgba(), 1)?;
        canvas.text(
            "users",
            (MARGIN + 10, (top + bottom) / 2),
            TextLook::new(LABEL_SIZE, MUTED)
                .align(Align::Center)
                .middle()
                .upright(),
        )?;
        draw_time_axis(canvas, ts, bottom, None)?;
        let styles = [
            (BASE_CONNECTED, BASE_DOWN, 3),
            (CANDIDATE_CONNECTED, CANDIDATE_DOWN, 3),
        ];
        for ((_, points), (connected, down, w)) in self.sides.iter().zip(styles) {
            let line = |pick: &dyn Fn(&(u64, u64, u64)) -> u64| -> Vec<(i32, i32)> {
                points.iter().map(|p| (ts.x(p.0), ys.y(pick(p)))).collect()
            };
            if points.len() > 1 {
                canvas.line(line(&|p| p.1), connected.to_rgba(), w)?;
                canvas.line(line(&|p| p.2), down.to_rgba(), w)?;
            }
        }
        draw_legend(canvas, &entries, (right + 30, top))
    }
}
