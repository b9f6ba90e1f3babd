//! The tornado chart of a sensitivity analysis: one horizontal bar per parameter, largest
//! effect on top, spanning the metric's mean with the parameter at its low bound to its
//! mean at its high bound, across a vertical line at the base configuration's mean. The low
//! end's half of a bar is light, the high end's strong; each end is labelled with its value.

use plotters::prelude::{Color, DrawingBackend, RGBColor};

use super::kit::{
    fit_text, text_width, Align, Canvas, Drawn, TextLook, LABEL_SIZE, MARGIN, SMALL_SIZE, WIDTH,
};
use super::layout::{draw_heading, draw_legend, draw_message, LegendEntry, Swatch};
use super::palette::{
    GRID, INK, MUTED, TORNADO_BASE_LINE as BASE_LINE, TORNADO_HIGH as HIGH_COLOUR,
    TORNADO_LOW as LOW_COLOUR, WHITE,
};
use super::scale::{decimals, nice_step, ValueScale};
use super::Chart;

/// Height of one bar's row, and of the bar in it.
const ROW_HEIGHT: i32 = 64;
const BAR_HEIGHT: i32 = 34;

/// One parameter's bar.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    /// The parameter (`dns.ttl`).
    pub label: String,
    /// Its low and high values as written (`30s`, `300s`).
    pub values: (String, String),
    /// The metric's mean at the low and at the high value.
    pub means: (f64, f64),
}

/// Input of [`render_tornado`](super::render_tornado).
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoInput {
    /// Chart title.
    pub title: String,
    /// Subtitle (replications, seeds).
    pub subtitle: String,
    /// The metric's name, under the axis.
    pub axis_title: String,
    /// The base configuration's mean.
    pub base: f64,
    /// Bars, largest effect first.
    pub bars: Vec<TornadoBar>,
    /// Values shown in minutes (the metric is in milliseconds).
    pub minutes: bool,
}

impl TornadoInput {
    fn height(&self) -> i32 {
        300 + ROW_HEIGHT * self.bars.len().max(1) as i32
    }

    /// A value as on the axis: minutes for durations.
    fn shown(&self, v: f64) -> f64 {
        if self.minutes {
            v / 60_000.0
        } else {
            v
        }
    }
}

impl Chart for TornadoInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.height().max(400) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let (width, height) = (WIDTH as i32, self.height().max(400));
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let top = draw_heading(canvas, &self.title, &self.subtitle, width)? + 20;
        let entries = vec![
            LegendEntry {
                swatch: Swatch::Fill(LOW_COLOUR),
                label: "parameter at its low value".into(),
                gap_before: false,
            },
            LegendEntry {
                swatch: Swatch::Fill(HIGH_COLOUR),
                label: "parameter at its high value".into(),
                gap_before: false,
            },
        ];
        let label_w = self
            .bars
            .iter()
            .map(|b| text_width(&b.label, LABEL_SIZE))
            .max()
            .unwrap_or(0)
            .clamp(120, 420);
        // Room on the right for the longest end label.
        let value_w = self
            .bars
            .iter()
            .flat_map(|b| [&b.values.0, &b.values.1])
            .map(|v| text_width(v, SMALL_SIZE))
            .max()
            .unwrap_or(0)
            .min(360);
        let left = MARGIN + label_w + 20;
        let right = width - MARGIN - value_w - 16;
        let bottom = top + ROW_HEIGHT * self.bars.len().max(1) as i32;
        if self.bars.is_empty() {
            return draw_message(
                canvas,
                "no parameter varied",
                ((left + right) / 2, (top + bottom) / 2),
            );
        }
        // The axis spans every mean and the base, with a little room for end labels.
        let all = self
            .bars
            .iter()
            .flat_map(|b| [b.means.0, b.means.1])
            .chain([self.base])
            .map(|v| self.shown(v));
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let span = (hi - lo).max(if self.minutes { 1.0 } else { 1e-9 });
        let step = nice_step(span, 8.0);
        let lo = ((lo - span * 0.08) / step).floor() * step;
        let hi = ((hi + span * 0.08) / step).ceil() * step;
        let xs = ValueScale {
            lo,
            hi,
            from_px: left,
            to_px: right,
        };
        // Gridlines and axis labels.
        let places = decimals(step);
        let mut k = 0;
        loop {
            let v = lo + step * f64::from(k);
            if v > hi + step * 1e-9 {
                break;
            }
            let x = xs.px(v);
            canvas.line(vec![(x, top), (x, bottom)], GRID.to_rgba(), 1)?;
            canvas.text(
                &format!("{v:.places$}"),
                (x, bottom + 10),
                TextLook::new(LABEL_SIZE, INK).align(Align::Center),
            )?;
            k += 1;
        }
        canvas.line(vec![(left, bottom), (right, bottom)], INK.to_rgba(), 1)?;
        canvas.text(
            &fit_text(&self.axis_title, LABEL_SIZE, right - left),
            ((left + right) / 2, bottom + 44),
            TextLook::new(LABEL_SIZE, MUTED).align(Align::Center),
        )?;
        let base_x = xs.px(self.shown(self.base));
        for (i, bar) in self.bars.iter().enumerate() {
            let mid = top + ROW_HEIGHT * i as i32 + ROW_HEIGHT / 2;
            let (y0, y1) = (mid - BAR_HEIGHT / 2, mid + BAR_HEIGHT / 2);
            canvas.text(
                &fit_text(&bar.label, LABEL_SIZE, label_w),
                (left - 14, mid),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
            let ends = [
                (
                    xs.px(self.shown(bar.means.0)),
                    LOW_COLOUR,
                    bar.values.0.clone(),
                ),
                (
                    xs.px(self.shown(bar.means.1)),
                    HIGH_COLOUR,
                    bar.values.1.clone(),
                ),
            ];
            for (x, colour, _) in &ends {
                let (a, b) = if *x < base_x {
                    (*x, base_x)
                } else {
                    (base_x, *x)
                };
                canvas.fill_rect((a, y0), (b.max(a + 2), y1), colour.to_rgba())?;
            }
            for (x, text) in end_labels(&ends, base_x) {
                let (tx, align) = if x < base_x {
                    (x - 8, Align::Right)
                } else {
                    (x + 8, Align::Left)
                };
                canvas.text(
                    &fit_text(&text, SMALL_SIZE, 360),
                    (tx, mid),
                    TextLook::new(SMALL_SIZE, INK).align(align).middle(),
                )?;
            }
        }
        canvas.line(
            vec![(base_x, top - 8), (base_x, bottom)],
            BASE_LINE.to_rgba(),
            2,
        )?;
        canvas.text(
            "base",
            (base_x, top - 36),
            TextLook::new(SMALL_SIZE, MUTED).align(Align::Center),
        )?;
        draw_legend(canvas, &entries, (left, bottom + 76))
    }
}

/// The value labels of a bar's two ends `(x, colour, value)`: one beside each end, or,
/// when both ends lie on the same side of the base within a label's width of each other
/// (a parameter that hardly moves the metric), one label `low / high` beside the outer
/// end, so the two never print over each other.
fn end_labels(ends: &[(i32, RGBColor, String); 2], base_x: i32) -> Vec<(i32, String)> {
    let [(x0, _, v0), (x1, _, v1)] = ends;
    let same_side = (*x0 < base_x) == (*x1 < base_x);
    let near = (x0 - x1).abs() < text_width(v0, SMALL_SIZE).max(text_width(v1, SMALL_SIZE)) + 16;
    if same_side && near {
        let outer = if *x0 < base_x {
            *x0.min(x1)
        } else {
            *x0.max(x1)
        };
        vec![(outer, format!("{v0} / {v1}"))]
    } else {
        vec![(*x0, v0.clone()), (*x1, v1.clone())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `30s` and `300s` of a parameter with no effect printed over each other.
    #[test]
    fn ends_close_together_share_one_label() {
        let end = |x: i32, v: &str| (x, LOW_COLOUR, v.to_string());
        let same = [end(500, "30s"), end(502, "300s")];
        assert_eq!(
            end_labels(&same, 500),
            vec![(502, "30s / 300s".to_string())]
        );
        let apart = [end(300, "0.9"), end(700, "1.0")];
        assert_eq!(
            end_labels(&apart, 500),
            vec![(300, "0.9".to_string()), (700, "1.0".to_string())]
        );
        let left = [end(200, "10s"), end(480, "30s")];
        assert_eq!(end_labels(&left, 500).len(), 2);
    }
}
