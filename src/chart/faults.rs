//! Fault windows on a time axis: hatched bars with their labels in rows above the plot, and
//! the hatching over (timeline) or behind (swimlanes) the plot itself.

use plotters::prelude::{Color, DrawingBackend};

use super::kit::{fit_text, text_width, Align, Canvas, Drawn, TextLook, LABEL_SIZE, MARGIN};
use super::layout::assign_rows;
use super::palette::{FAULT_EDGE, FAULT_FILL, WHITE};
use super::scale::TimeScale;
use crate::time::format_clock_compact;

/// Height of one row of fault-window bars above a plot.
pub(super) const FAULT_ROW_HEIGHT: i32 = 34;

/// At most this many rows of fault labels; further overlapping faults are still shaded.
pub(super) const MAX_FAULT_ROWS: usize = 3;

/// A period during which a fault was active, shaded (hatched) on the time axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultWindow {
    /// Start, in milliseconds since scenario start.
    pub start_ms: u64,
    /// End, in milliseconds since scenario start (clipped to the chart's duration).
    pub end_ms: u64,
    /// What failed, e.g. `us-west-2 outage (sessions, logins, endpoint)`. The chart
    /// appends the window's times.
    pub label: String,
}

/// Fault windows laid out in rows of bars above a plot.
pub(super) struct FaultRows {
    items: Vec<FaultItem>,
    /// Rows used, at most [`MAX_FAULT_ROWS`].
    rows: usize,
}

/// One fault window's bar and label.
pub(super) struct FaultItem {
    /// Bar extent in pixels.
    x0: i32,
    x1: i32,
    /// Label (with the window's times) and where it is anchored.
    text: String,
    text_x: i32,
    align: Align,
    /// The label sits inside the bar (on a white box) rather than beside it.
    inside: bool,
    /// Row, 0 nearest the plot.
    row: usize,
}

impl FaultRows {
    /// Places the fault bars and their labels; times read in local clock time when the
    /// scenario has a start instant (`clock`).
    pub(super) fn layout(
        faults: &[FaultWindow],
        ts: TimeScale,
        right_limit: i32,
        clock: Option<crate::time::Instant>,
    ) -> FaultRows {
        let mut sorted: Vec<&FaultWindow> = faults
            .iter()
            .filter(|f| f.end_ms > f.start_ms && ts.overlaps(f.start_ms, f.end_ms))
            .collect();
        sorted.sort_by_key(|f| (f.start_ms, f.end_ms));
        let mut placed = Vec::new();
        let mut spans = Vec::new();
        for f in sorted {
            let x0 = ts.x(f.start_ms);
            let x1 = ts.x(f.end_ms).max(x0 + 2);
            let at = |ms: u64| match clock {
                Some(start) => start.after(ms).format_hh_mm(),
                None => format_clock_compact(ms),
            };
            let times = format!("{}–{}", at(f.start_ms), at(f.end_ms));
            let text = if f.label.is_empty() {
                times
            } else {
                format!("{} {}", f.label, times)
            };
            let mut text = fit_text(&text, LABEL_SIZE, 700);
            let w = text_width(&text, LABEL_SIZE);
            // Inside the bar if it fits, else right of it, else left of it, else inside
            // and shortened.
            let (text_x, align, inside, span) = if x1 - x0 >= w + 24 {
                (x0 + 10, Align::Left, true, (x0, x1))
            } else if x1 + 8 + w <= right_limit {
                (x1 + 8, Align::Left, false, (x0, x1 + 8 + w))
            } else if x0 - 8 - w >= MARGIN {
                (x0 - 8, Align::Right, false, (x0 - 8 - w, x1))
            } else {
                text = fit_text(&text, LABEL_SIZE, x1 - x0 - 24);
                (x0 + 10, Align::Left, true, (x0, x1))
            };
            spans.push(span);
            placed.push(FaultItem {
                x0,
                x1,
                text,
                text_x,
                align,
                inside,
                row: 0,
            });
        }
        let rows = assign_rows(&spans, MAX_FAULT_ROWS);
        let mut items = Vec::new();
        let mut used = 0;
        for (mut item, row) in placed.into_iter().zip(rows) {
            // A window with no free row shares the last one: better overlapped than lost.
            item.row = row.unwrap_or(MAX_FAULT_ROWS - 1);
            used = used.max(item.row + 1);
            items.push(item);
        }
        FaultRows { items, rows: used }
    }

    pub(super) fn height(&self) -> i32 {
        self.rows as i32 * FAULT_ROW_HEIGHT
    }

    /// Draws the bars; `bottom` is the lower edge of the block of rows.
    pub(super) fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>, bottom: i32) -> Drawn {
        for item in &self.items {
            let y1 = bottom - item.row as i32 * FAULT_ROW_HEIGHT - 5;
            let y0 = y1 - (FAULT_ROW_HEIGHT - 8);
            canvas.fill_rect((item.x0, y0), (item.x1, y1), FAULT_FILL.to_rgba())?;
            canvas.hatch((item.x0, y0), (item.x1, y1), FAULT_EDGE.mix(0.55))?;
            canvas.outline_rect((item.x0, y0), (item.x1, y1), FAULT_EDGE.to_rgba(), 1)?;
            let look = TextLook::new(LABEL_SIZE, FAULT_EDGE)
                .align(item.align)
                .middle();
            let mid = (y0 + y1) / 2;
            if item.inside {
                canvas.boxed_text(&item.text, (item.text_x, mid), look, WHITE)?;
            } else {
                canvas.text(&item.text, (item.text_x, mid), look)?;
            }
        }
        Ok(())
    }
}

/// Shades fault windows over (timeline) or behind (swimlanes) a plot area.
pub(super) fn shade_faults<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    faults: &[FaultWindow],
    ts: TimeScale,
    (top, bottom): (i32, i32),
    fill: bool,
) -> Drawn {
    for f in faults {
        if f.end_ms <= f.start_ms || !ts.overlaps(f.start_ms, f.end_ms) {
            continue;
        }
        let (x0, x1) = (ts.x(f.start_ms), ts.x(f.end_ms));
        if fill {
            canvas.fill_rect((x0, top), (x1, bottom), FAULT_FILL.to_rgba())?;
        }
        canvas.hatch((x0, top), (x1, bottom), FAULT_EDGE.mix(0.4))?;
        canvas.line(vec![(x0, top), (x0, bottom)], FAULT_EDGE.mix(0.8), 1)?;
        canvas.line(vec![(x1, top), (x1, bottom)], FAULT_EDGE.mix(0.8), 1)?;
    }
    Ok(())
}
