//! Where the sweep chart's parts go: the legend's entries and width, the y axis, the plot
//! area and each point's pixel position.

use super::*;

impl SweepInput {
    /// Legend entries (lines, the band, the bounds) and the legend's width.
    pub(super) fn legend(&self) -> (Vec<(LegendSwatch, String)>, i32) {
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
    pub(super) fn y_axis(&self) -> ((f64, f64), Vec<(f64, String)>) {
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

    pub(super) fn layout(&self) -> SweepLayout {
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
    pub(super) fn point_px(&self, layout: &SweepLayout, line: usize, x: f64) -> i32 {
        let n = self.lines.len() as i32;
        // Offsets in half-dodges keep an even number of lines centred on the tick.
        let offset = (2 * line as i32 - (n - 1)) * layout.dodge / 2;
        layout.x.px(x) + offset
    }
}
