//! Placing things around a plot: the heading, rows of labels above the plot (each label
//! takes the lowest row where it overlaps no other), labels of vertical lines (timeline
//! markers, percentiles), the legend, the time axis and the message of an empty plot.

use plotters::prelude::{Color, DrawingBackend};
use plotters::style::RGBColor;

use super::kit::{
    fit_text, text_width, Align, Canvas, Drawn, TextLook, LABEL_SIZE, MARGIN, MESSAGE_SIZE,
    SUBTITLE_SIZE, TITLE_SIZE,
};
use super::palette::{
    FAULT_EDGE, FAULT_FILL, GRID, INK, MUTED, OFFLINE_COLOUR, OFFLINE_SWATCH_EDGE, WHITE,
};
use super::scale::{time_step, CountScale, TimeScale};
use crate::time::{format_clock, format_clock_minutes};

/// Height of one row of marker labels above a plot.
pub(super) const MARKER_ROW_HEIGHT: i32 = 30;

/// Horizontal gap kept between two labels in the same row.
pub(super) const LABEL_GAP: i32 = 14;

/// Rows of labels above a plot: each label takes the lowest row where it overlaps no
/// label already placed.
#[derive(Debug)]
pub(super) struct Rows {
    rows: Vec<Vec<(i32, i32)>>,
    max_rows: usize,
}

impl Rows {
    pub(super) fn new(max_rows: usize) -> Self {
        Rows {
            rows: Vec::new(),
            max_rows,
        }
    }

    /// The row `[x0, x1]` would take, without taking it.
    pub(super) fn free_row(&self, (x0, x1): (i32, i32)) -> Option<usize> {
        let free = |row: &Vec<(i32, i32)>| {
            row.iter()
                .all(|&(a, b)| x1 + LABEL_GAP <= a || b + LABEL_GAP <= x0)
        };
        match self.rows.iter().position(free) {
            Some(r) => Some(r),
            None if self.rows.len() < self.max_rows => Some(self.rows.len()),
            None => None,
        }
    }

    pub(super) fn place(&mut self, span: (i32, i32)) -> Option<usize> {
        let row = self.free_row(span)?;
        if row == self.rows.len() {
            self.rows.push(Vec::new());
        }
        self.rows[row].push(span);
        Some(row)
    }

    /// Puts `span` in `row` whether or not it is free (the caller made room).
    pub(super) fn force(&mut self, row: usize, span: (i32, i32)) {
        while self.rows.len() <= row {
            self.rows.push(Vec::new());
        }
        self.rows[row].push(span);
    }

    pub(super) fn used(&self) -> usize {
        self.rows.len()
    }
}

/// Gives each span `[x0, x1]` the lowest free row, in input order; `None` when all
/// `max_rows` rows are taken there.
#[cfg(test)]
pub(super) fn assign_rows(spans: &[(i32, i32)], max_rows: usize) -> Vec<Option<usize>> {
    let mut rows = Rows::new(max_rows);
    spans.iter().map(|&span| rows.place(span)).collect()
}

/// A label for a vertical line (timeline marker, percentile), shown in a row above the
/// plot beside the top of its line.
#[derive(Debug, Clone)]
pub(super) struct LineLabel {
    pub(super) x: i32,
    pub(super) text: String,
    pub(super) colour: RGBColor,
    pub(super) dash: (i32, i32),
    pub(super) text_x: i32,
    pub(super) align: Align,
    /// Row above the plot, 0 nearest to it; `None` when no row was free.
    pub(super) row: Option<usize>,
}

impl LineLabel {
    pub(super) fn new(x: i32, text: String, colour: RGBColor, dash: (i32, i32)) -> Self {
        LineLabel {
            x,
            text,
            colour,
            dash,
            text_x: x,
            align: Align::Left,
            row: None,
        }
    }
}

/// Places labels of vertical lines (sorted by `x`) in at most `max_rows` rows within
/// `[min_x, max_x]`; returns the number of rows used.
///
/// Lines closer than a few pixels form a cluster whose labels go on the same side: the
/// side with room before the neighbouring cluster. Within a cluster the earliest label
/// is on top, so the rows read in time order, unless that would make a line cross
/// another line's label.
pub(super) fn place_line_labels(
    labels: &mut [LineLabel],
    (min_x, max_x): (i32, i32),
    max_rows: usize,
) -> usize {
    const CLUSTER_GAP: i32 = 24;
    const PAD: i32 = 6;
    let widths: Vec<i32> = labels
        .iter()
        .map(|l| text_width(&l.text, LABEL_SIZE))
        .collect();
    let mut clusters: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=labels.len() {
        if i == labels.len() || labels[i].x - labels[i - 1].x > CLUSTER_GAP {
            clusters.push((start, i));
            start = i;
        }
    }
    let mut rows = Rows::new(max_rows);
    for (c, &(first, end)) in clusters.iter().enumerate() {
        let need = widths[first..end].iter().copied().max().unwrap_or(0) + PAD;
        let (lo_x, hi_x) = (labels[first].x, labels[end - 1].x);
        let left_room = lo_x
            - if c > 0 {
                labels[clusters[c - 1].1 - 1].x
            } else {
                min_x
            };
        let right_room = if c + 1 < clusters.len() {
            labels[clusters[c + 1].0].x
        } else {
            max_x
        } - hi_x;
        let fits_right = hi_x + need <= max_x;
        let fits_left = lo_x - need >= min_x;
        let right = if need <= right_room && fits_right {
            true
        } else if need <= left_room && fits_left {
            false
        } else if fits_right != fits_left {
            fits_right
        } else {
            right_room >= left_room
        };
        // Labels placed first take the rows nearest the plot. Latest first reads top-down
        // in time order; a left-side cluster wider than the padding goes earliest first
        // instead, or the earlier lines would run through the later labels.
        let order: Vec<usize> = if right || hi_x - lo_x < PAD {
            (first..end).rev().collect()
        } else {
            (first..end).collect()
        };
        for i in order {
            let (x, w) = (labels[i].x, widths[i]);
            let right_span = (x, x + PAD + w);
            let left_span = (x - PAD - w, x);
            let in_bounds = |(a, b): (i32, i32)| a >= min_x && b <= max_x;
            let candidates = if right {
                [(right_span, true), (left_span, false)]
            } else {
                [(left_span, false), (right_span, true)]
            };
            let choice = candidates
                .iter()
                .filter(|(span, _)| in_bounds(*span))
                .find_map(|&(span, is_right)| rows.free_row(span).map(|_| (span, is_right)));
            if let Some((span, is_right)) = choice {
                let label = &mut labels[i];
                label.row = rows.place(span);
                (label.text_x, label.align) = if is_right {
                    (x + PAD, Align::Left)
                } else {
                    (x - PAD, Align::Right)
                };
            }
        }
    }
    rows.used()
}

/// Draws line labels above a plot: dashed lines from `line_bottom` up to the label's
/// row (or to `plot_top` for a label with no row), then the labels on white boxes.
/// `rows_bottom` is the lower edge of the block of label rows.
pub(super) fn draw_line_labels<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    labels: &[LineLabel],
    rows_bottom: i32,
    (plot_top, line_bottom): (i32, i32),
) -> Drawn {
    let row_mid = |r: usize| rows_bottom - r as i32 * MARKER_ROW_HEIGHT - MARKER_ROW_HEIGHT / 2;
    for label in labels {
        let top = label.row.map_or(plot_top, row_mid);
        canvas.dashed_vline(
            label.x,
            (top, line_bottom),
            label.colour.to_rgba(),
            2,
            label.dash,
        )?;
    }
    for label in labels {
        if let Some(r) = label.row {
            canvas.boxed_text(
                &label.text,
                (label.text_x, row_mid(r)),
                TextLook::new(LABEL_SIZE, label.colour)
                    .align(label.align)
                    .middle(),
                WHITE,
            )?;
        }
    }
    Ok(())
}

/// Title and subtitle; returns the y below them.
pub(super) fn draw_heading<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    title: &str,
    subtitle: &str,
    width: i32,
) -> Result<i32, String> {
    let max_w = width - 2 * MARGIN;
    let mut y = TITLE_Y;
    canvas.text(
        &fit_text(title, TITLE_SIZE, max_w),
        (MARGIN, y),
        TextLook::new(TITLE_SIZE, INK),
    )?;
    y += TITLE_STEP;
    if !subtitle.is_empty() {
        canvas.text(
            &fit_text(subtitle, SUBTITLE_SIZE, max_w),
            (MARGIN, y),
            TextLook::new(SUBTITLE_SIZE, MUTED),
        )?;
        y += SUBTITLE_STEP;
    }
    Ok(y + HEADING_PAD)
}

/// Heading geometry: top of the title, its line height, the subtitle's line height and
/// the space below.
pub(super) const TITLE_Y: i32 = 16;
pub(super) const TITLE_STEP: i32 = 50;
pub(super) const SUBTITLE_STEP: i32 = 34;
pub(super) const HEADING_PAD: i32 = 6;

/// A legend swatch.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    Fill(RGBColor),
    Hatch,
    Dash(RGBColor, (i32, i32)),
    /// No swatch: a note in the legend.
    Note,
}

/// One legend line; `gap_before` separates groups.
#[derive(Debug, Clone)]
pub(super) struct LegendEntry {
    pub(super) swatch: Swatch,
    pub(super) label: String,
    pub(super) gap_before: bool,
}

pub(super) const LEGEND_SWATCH_WIDTH: i32 = 30;
pub(super) const LEGEND_ROW_HEIGHT: i32 = 32;
pub(super) const LEGEND_MAX_LABEL_WIDTH: i32 = 360;

pub(super) fn legend_width(entries: &[LegendEntry]) -> i32 {
    let widest = entries
        .iter()
        .map(|e| text_width(&e.label, LABEL_SIZE).min(LEGEND_MAX_LABEL_WIDTH))
        .max()
        .unwrap_or(0);
    if widest == 0 {
        0
    } else {
        LEGEND_SWATCH_WIDTH + 10 + widest
    }
}

pub(super) fn draw_legend<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    entries: &[LegendEntry],
    (x, mut y): (i32, i32),
) -> Drawn {
    for entry in entries {
        if entry.gap_before {
            y += 14;
        }
        let mid = y + LEGEND_ROW_HEIGHT / 2;
        let (s0, s1) = ((x, mid - 9), (x + LEGEND_SWATCH_WIDTH, mid + 9));
        match entry.swatch {
            Swatch::Fill(colour) => {
                canvas.fill_rect(s0, s1, colour.to_rgba())?;
                if colour == OFFLINE_COLOUR {
                    canvas.outline_rect(s0, s1, OFFLINE_SWATCH_EDGE.to_rgba(), 1)?;
                }
            }
            Swatch::Hatch => {
                canvas.fill_rect(s0, s1, FAULT_FILL.to_rgba())?;
                canvas.hatch(s0, s1, FAULT_EDGE.mix(0.55))?;
                canvas.outline_rect(s0, s1, FAULT_EDGE.to_rgba(), 1)?;
            }
            Swatch::Dash(colour, dash) => {
                canvas.dashed_hline(
                    (x, x + LEGEND_SWATCH_WIDTH),
                    mid,
                    colour.to_rgba(),
                    2,
                    dash,
                )?;
            }
            Swatch::Note => {}
        }
        let label_x = match entry.swatch {
            Swatch::Note => x,
            _ => x + LEGEND_SWATCH_WIDTH + 10,
        };
        canvas.text(
            &fit_text(&entry.label, LABEL_SIZE, LEGEND_MAX_LABEL_WIDTH),
            (label_x, mid),
            TextLook::new(LABEL_SIZE, INK).middle(),
        )?;
        y += LEGEND_ROW_HEIGHT;
    }
    Ok(())
}

/// The time axis under a plot: ticks, labels and the axis title. Labels are `h:mm` since the
/// scenario start, or local clock times (`09:40`) when the scenario gives a start instant
/// (`clock`).
pub(super) fn draw_time_axis<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    ts: TimeScale,
    bottom: i32,
    grid_top: Option<i32>,
    clock: Option<crate::time::Instant>,
) -> Drawn {
    // Room for the widest label (the last one) plus a gap, and at least 90 px per tick.
    let tick_w = (text_width(&format_clock(ts.end_ms), LABEL_SIZE) + 24).max(90);
    let max_ticks = ((ts.right - ts.left) / tick_w).max(1) as u64;
    let step = time_step(ts.end_ms - ts.start_ms.min(ts.end_ms), max_ticks);
    let mut t = ts.start_ms.div_ceil(step) * step;
    while t <= ts.end_ms {
        let x = ts.x(t);
        if let Some(top) = grid_top {
            canvas.line(vec![(x, top), (x, bottom)], GRID.to_rgba(), 1)?;
        }
        canvas.line(vec![(x, bottom), (x, bottom + 6)], INK.to_rgba(), 1)?;
        let label = match clock {
            Some(start) if step % 60_000 == 0 => start.after(t).format_hh_mm(),
            Some(start) => start.after(t).format_hh_mm_ss(),
            None if step % 60_000 == 0 => format_clock_minutes(t),
            None => format_clock(t),
        };
        canvas.text(
            &label,
            (x, bottom + 10),
            TextLook::new(LABEL_SIZE, INK).align(Align::Center),
        )?;
        let Some(next) = t.checked_add(step) else {
            break;
        };
        t = next;
    }
    canvas.line(
        vec![(ts.left, bottom), (ts.right, bottom)],
        INK.to_rgba(),
        1,
    )?;
    let title = match clock {
        Some(start) => format!("local time (UTC{})", start.format_offset()),
        None if step % 60_000 == 0 => "time since scenario start (h:mm)".to_string(),
        None => "time since scenario start (h:mm:ss)".to_string(),
    };
    canvas.text(
        &title,
        ((ts.left + ts.right) / 2, bottom + 40),
        TextLook::new(LABEL_SIZE, MUTED).align(Align::Center),
    )
}

/// Where a share-of-users chart (downtime, data age) draws: below its heading, with room on
/// the left for the share axis's labels and on the right for its legend when it has one.
pub(super) struct ShareFrame {
    /// Bottom of the title and subtitle.
    pub heading_bottom: i32,
    /// The plot's left, right and bottom edges (its top depends on the label rows above it).
    pub left: i32,
    pub right: i32,
    pub bottom: i32,
    /// Width of the legend, 0 without one.
    pub legend_width: i32,
}

impl ShareFrame {
    /// Clears the `(width, height)` canvas, draws the heading and lays the plot out.
    pub(super) fn draw<DB: DrawingBackend>(
        canvas: &Canvas<'_, DB>,
        (title, subtitle): (&str, &str),
        legend: &[LegendEntry],
        (width, height): (i32, i32),
    ) -> Result<ShareFrame, String> {
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let heading_bottom = draw_heading(canvas, title, subtitle, width)?;
        let legend_width = legend_width(legend);
        let room = if legend_width > 0 {
            legend_width + 24
        } else {
            0
        };
        Ok(ShareFrame {
            heading_bottom,
            left: MARGIN + 30 + text_width("100 %", LABEL_SIZE) + 14,
            right: width - MARGIN - 40 - room,
            bottom: height - 84,
            legend_width,
        })
    }

    /// Places the vertical lines' `labels` (sorted by `x`) in at most three rows above the
    /// plot, across the `width` of the chart; returns the bottom of the rows and the share
    /// scale of `users` on the plot below them.
    pub(super) fn place_labels(
        &self,
        labels: &mut [LineLabel],
        width: i32,
        users: u64,
    ) -> (i32, CountScale) {
        let rows = place_line_labels(labels, (MARGIN, width - MARGIN), 3);
        let rows_bottom = self.heading_bottom + rows as i32 * MARKER_ROW_HEIGHT;
        let ys = CountScale {
            top: rows_bottom + 16,
            bottom: self.bottom,
            max: users,
        };
        (rows_bottom, ys)
    }

    /// With nobody to show: the plot's outline, and `message` in its middle.
    pub(super) fn empty<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        message: &str,
    ) -> Drawn {
        let top = self.heading_bottom + 16;
        canvas.outline_rect(
            (self.left, top),
            (self.right, self.bottom),
            GRID.to_rgba(),
            1,
        )?;
        let middle = ((self.left + self.right) / 2, (top + self.bottom) / 2);
        draw_message(canvas, message, middle)
    }
}

/// A message in the middle of an empty plot.
pub(super) fn draw_message<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    message: &str,
    (x, y): (i32, i32),
) -> Drawn {
    canvas.text(
        message,
        (x, y),
        TextLook::new(MESSAGE_SIZE, MUTED)
            .align(Align::Center)
            .middle(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_take_the_lowest_free_row() {
        let rows = assign_rows(&[(0, 100), (50, 150), (90, 200), (400, 500)], 2);
        assert_eq!(rows, vec![Some(0), Some(1), None, Some(0)]);
        let rows = assign_rows(&[(0, 100), (200, 300)], 1);
        assert_eq!(rows, vec![Some(0), Some(0)]);
    }
}
