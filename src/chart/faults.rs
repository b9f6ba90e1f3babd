//! Fault windows on a time axis: hatched bars with their labels in rows above the plot, and
//! the hatching over (timeline) or behind (swimlanes) the plot itself.

use plotters::prelude::{Color, DrawingBackend};

use super::kit::{fit_text, text_width, Align, Canvas, Drawn, TextLook, LABEL_SIZE, MARGIN};
use super::layout::{Rows, LABEL_GAP};
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
    /// What failed and when, as given; `text` is them as drawn.
    label: String,
    times: String,
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
        let mut rows = Rows::new(MAX_FAULT_ROWS);
        let mut items = Vec::new();
        for f in sorted {
            let x0 = ts.x(f.start_ms);
            let x1 = ts.x(f.end_ms).max(x0 + 2);
            let at = |ms: u64| match clock {
                Some(start) => start.after(ms).format_hh_mm(),
                None => format_clock_compact(ms),
            };
            let times = format!("{}–{}", at(f.start_ms), at(f.end_ms));
            place_fault(
                &mut items,
                &mut rows,
                (x0, x1),
                (&f.label, &times),
                right_limit,
            );
        }
        let used = items.iter().map(|i| i.row + 1).max().unwrap_or(0);
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
            if item.text.is_empty() {
                continue;
            }
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

/// `label 1:00–1:45` in at most `max_w` pixels: a long label is cut with an ellipsis before
/// the times, which say when the window was and so are kept whole while they fit.
fn label_with_times(label: &str, times: &str, max_w: i32) -> String {
    if label.is_empty() {
        return fit_text(times, LABEL_SIZE, max_w);
    }
    let whole = format!("{label} {times}");
    let room = max_w - text_width(&format!(" {times}"), LABEL_SIZE);
    if text_width(&whole, LABEL_SIZE) <= max_w || room < text_width("ab…", LABEL_SIZE) {
        return fit_text(&whole, LABEL_SIZE, max_w);
    }
    format!("{} {times}", fit_text(label, LABEL_SIZE, room))
}

/// Places one fault window's bar and label in the first row where they overlap nothing,
/// trying the label inside the bar, then right of it, then left of it, then cut to fit
/// inside the bar. When no row has room, the bar goes to the lowest row where it overlaps
/// no other bar (else the last row), with its label cut to the bar's width, and the labels
/// beside other bars in that row are cut short of it: never a label over another.
fn place_fault(
    items: &mut Vec<FaultItem>,
    rows: &mut Rows,
    (x0, x1): (i32, i32),
    (label, times): (&str, &str),
    right_limit: i32,
) {
    let text = label_with_times(label, times, 700);
    let w = text_width(&text, LABEL_SIZE);
    let item = |text: String, text_x: i32, align: Align, inside: bool| FaultItem {
        x0,
        x1,
        label: label.to_string(),
        times: times.to_string(),
        text,
        text_x,
        align,
        inside,
        row: MAX_FAULT_ROWS - 1,
    };
    let inside_cut = label_with_times(label, times, x1 - x0 - 24);
    let mut candidates = Vec::new();
    if x1 - x0 >= w + 24 {
        candidates.push(((x0, x1), item(text.clone(), x0 + 10, Align::Left, true)));
    }
    if x1 + 8 + w <= right_limit {
        let span = (x0, x1 + 8 + w);
        candidates.push((span, item(text.clone(), x1 + 8, Align::Left, false)));
    }
    if x0 - 8 - w >= MARGIN {
        let span = (x0 - 8 - w, x1);
        candidates.push((span, item(text.clone(), x0 - 8, Align::Right, false)));
    }
    candidates.push((
        (x0, x1),
        item(inside_cut.clone(), x0 + 10, Align::Left, true),
    ));
    for (span, mut candidate) in candidates {
        if let Some(row) = rows.place(span) {
            candidate.row = row;
            items.push(candidate);
            return;
        }
    }
    let bars_clear = |row: usize| {
        items
            .iter()
            .filter(|i| i.row == row)
            .all(|i| i.x1 + 2 <= x0 || x1 + 2 <= i.x0)
    };
    let row = (0..MAX_FAULT_ROWS)
        .find(|&r| bars_clear(r))
        .unwrap_or(MAX_FAULT_ROWS - 1);
    rows.force(row, (x0, x1));
    for other in items.iter_mut().filter(|i| i.row == row && !i.inside) {
        let room = match other.align {
            Align::Left if other.text_x < x0 => x0 - LABEL_GAP - other.text_x,
            Align::Right if other.text_x > x1 => other.text_x - x1 - LABEL_GAP,
            _ => continue,
        };
        if text_width(&other.text, LABEL_SIZE) > room {
            other.text = label_with_times(&other.label, &other.times, room);
        }
    }
    let mut placed = item(inside_cut, x0 + 10, Align::Left, true);
    placed.row = row;
    items.push(placed);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pixels an item's bar and label cover.
    fn extent(item: &FaultItem) -> (i32, i32) {
        let w = text_width(&item.text, LABEL_SIZE);
        let (a, b) = match item.align {
            Align::Right => (item.text_x - w, item.text_x),
            _ => (item.text_x, item.text_x + w),
        };
        (item.x0.min(a), item.x1.max(b))
    }

    /// Regression: with more fault windows than rows (the us-east-1 scenario of October
    /// 2025), a window's bar and label were drawn over another window's label.
    #[test]
    fn fault_labels_never_print_over_each_other() {
        const H: u64 = 3_600_000;
        let fault = |start_ms: u64, end_ms: u64, label: &str| FaultWindow {
            start_ms,
            end_ms,
            label: label.to_string(),
        };
        let faults = [
            fault(
                1_080_000,
                11_400_000,
                "ARC cluster endpoint(s) unreachable in us-east-1",
            ),
            fault(1_080_000, 11_400_000, "us-east-1 outage (control)"),
            fault(1_080_000, 11_400_000, "us-east-1 outage (logins, endpoint)"),
            fault(
                6 * H,
                14 * H,
                "us-east-1 outage (control, 50 % of requests)",
            ),
            fault(
                6 * H,
                14 * H,
                "us-east-1 outage (logins, endpoint, 50 % of requests)",
            ),
        ];
        let ts = TimeScale {
            left: 140,
            right: 1280,
            start_ms: 0,
            end_ms: 16 * H,
        };
        let rows = FaultRows::layout(&faults, ts, 1580, None);
        assert_eq!(rows.items.len(), 5);
        for (i, a) in rows.items.iter().enumerate() {
            for b in &rows.items[i + 1..] {
                if a.row != b.row {
                    continue;
                }
                let (ea, eb) = (extent(a), extent(b));
                assert!(
                    ea.1 <= eb.0 || eb.1 <= ea.0,
                    "{:?} {ea:?} and {:?} {eb:?} overlap in row {}",
                    a.text,
                    b.text,
                    a.row
                );
            }
        }
        // Every label keeps some text, and a cut one ends in an ellipsis.
        for item in &rows.items {
            assert!(!item.text.is_empty());
            if !item.text.contains(&item.label) {
                assert!(item.text.contains('…'), "{}", item.text);
            }
        }
    }
}
