//! The sweep chart's words: mean labels, labels at the line ends, and the legend.

use super::*;

impl SweepInput {
    /// The value of each mean right of its dot (one line on a categorical x, where there is
    /// room): `mean 48m 41s`.
    pub(super) fn draw_mean_labels<DB: DrawingBackend>(
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
    pub(super) fn value_text(&self, v: f64) -> String {
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
    pub(super) fn draw_end_labels<DB: DrawingBackend>(
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
    pub(super) fn draw_legend<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
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
