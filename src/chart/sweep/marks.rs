//! The sweep chart's heading, axes and data marks: `[[expect]]` bounds, confidence bands or
//! error bars, replications and lines.

use super::*;

impl SweepInput {
    /// Title and subtitle.
    pub(super) fn draw_heading<DB: DrawingBackend>(&self, c: &Canvas<'_, DB>) -> Drawn {
        let inner = WIDTH as i32 - 2 * MARGIN;
        c.text(
            &fit_text(&self.title, TITLE_SIZE, inner),
            (MARGIN, 16),
            TextLook::new(TITLE_SIZE, INK),
        )?;
        c.text(
            &fit_text(&self.subtitle, SUBTITLE_SIZE, inner),
            (MARGIN, 66),
            TextLook::new(SUBTITLE_SIZE, MUTED),
        )
    }

    /// Tick labels of the x values; a label that would overlap its left neighbour is left
    /// out (never the last).
    pub(super) fn draw_x_ticks<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        let (top, bottom) = (layout.top, layout.bottom);
        let extent = |v: f64, label: &str| {
            let (px, w) = (layout.x.px(v), text_width(label, LABEL_SIZE));
            (px - w / 2, px + w - w / 2)
        };
        // The marked value's label is drawn whatever its neighbours; they make room for it.
        let marked = self.x_marker.as_ref().and_then(|(mx, _)| {
            let tick = self.x_ticks.iter().find(|(v, _)| v == mx)?;
            Some((*mx, extent(tick.0, &tick.1)))
        });
        let mut last_label_right = i32::MIN;
        for (i, (v, label)) in self.x_ticks.iter().enumerate() {
            let px = layout.x.px(*v);
            c.line(vec![(px, top), (px, bottom)], GRID.to_rgba(), 1)?;
            c.line(vec![(px, bottom), (px, bottom + 6)], INK.to_rgba(), 1)?;
            let w = text_width(label, LABEL_SIZE);
            let is_last = i + 1 == self.x_ticks.len();
            let (lo, hi) = extent(*v, label);
            let is_marked = marked.is_some_and(|(mx, _)| mx == *v);
            let clear_of_mark = marked.is_none_or(|(_, (mlo, mhi))| hi + 12 < mlo || lo > mhi + 12);
            let fits = px - w / 2 > last_label_right + 12 && clear_of_mark;
            let last_fits = is_last && px - w / 2 > last_label_right + 4 && clear_of_mark;
            if is_marked || fits || last_fits {
                c.text(
                    label,
                    (px, bottom + 10),
                    TextLook::new(LABEL_SIZE, INK).align(Align::Center),
                )?;
                last_label_right = px + w - w / 2;
            }
        }
        Ok(())
    }

    /// Grid, ticks, axis lines and axis titles.
    pub(super) fn draw_axes<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        let SweepLayout {
            left,
            right,
            top,
            bottom,
            ..
        } = *layout;
        for (v, label) in &layout.y_ticks {
            let py = layout.y.px(*v);
            c.line(vec![(left, py), (right, py)], GRID.to_rgba(), 1)?;
            c.text(
                label,
                (left - 10, py),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
        }
        self.draw_x_ticks(c, layout)?;
        c.line(
            vec![(left, top), (left, bottom), (right, bottom)],
            INK.to_rgba(),
            1,
        )?;
        c.text(
            &fit_text(&self.x_title, LABEL_SIZE, right - left),
            ((left + right) / 2, bottom + 48),
            TextLook::new(LABEL_SIZE, INK).align(Align::Center),
        )?;
        c.text(
            &fit_text(&self.y_title, LABEL_SIZE, bottom - top),
            (MARGIN, (top + bottom) / 2),
            TextLook::new(LABEL_SIZE, INK)
                .align(Align::Center)
                .upright(),
        )
    }

    /// The `[[expect]]` bounds, then the confidence bands under every line.
    pub(super) fn draw_bounds_and_bands<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        let (x, y) = (layout.x, layout.y);
        for (b, _) in &self.bounds {
            c.dashed_hline(
                (layout.left, layout.right),
                y.px(*b),
                EXPECT_BOUND.to_rgba(),
                2,
                BOUND_DASH,
            )?;
        }
        if let Some((mx, label)) = &self.x_marker {
            let px = x.px(*mx);
            c.dashed_vline(
                px,
                (layout.top, layout.bottom),
                INK.to_rgba(),
                2,
                BOUND_DASH,
            )?;
            // Right of the line, or left of it when it would run past the plot.
            let w = text_width(label, LABEL_SIZE);
            let at = if px + 6 + w > layout.right {
                px - 6 - w
            } else {
                px + 6
            };
            c.text(label, (at, layout.top + 4), TextLook::new(LABEL_SIZE, INK))?;
        }
        for (i, line) in self.lines.iter().enumerate() {
            let colour = line_colour(i);
            if self.categorical {
                self.draw_error_bars(c, layout, i)?;
                continue;
            }
            for run in contiguous(&line.points, |p| p.ci.is_some()) {
                let mut band: Vec<(i32, i32)> = run
                    .iter()
                    .map(|p| (x.px(p.x), y.px(p.ci.expect("filtered").1)))
                    .collect();
                band.extend(
                    run.iter()
                        .rev()
                        .map(|p| (x.px(p.x), y.px(p.ci.expect("filtered").0))),
                );
                if run.len() == 1 {
                    // A lone interval: a short bar.
                    let (px, (lo, hi)) = (x.px(run[0].x), run[0].ci.expect("filtered"));
                    c.fill_rect(
                        (px - 8, y.px(hi)),
                        (px + 8, y.px(lo)),
                        colour.mix(CONFIDENCE_BAND_OPACITY),
                    )?;
                } else {
                    c.polygon(band, colour.mix(CONFIDENCE_BAND_OPACITY))?;
                }
            }
        }
        Ok(())
    }

    /// Line `i`'s confidence intervals as error bars (categorical x): a vertical bar with
    /// caps in the line's colour.
    pub(super) fn draw_error_bars<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
        i: usize,
    ) -> Drawn {
        let colour = line_colour(i).to_rgba();
        for p in self.lines[i].points.iter().flatten() {
            let Some((lo, hi)) = p.ci else { continue };
            let px = self.point_px(layout, i, p.x);
            let (top, bottom) = (layout.y.px(hi), layout.y.px(lo));
            c.line(vec![(px, top), (px, bottom)], colour, 2)?;
            c.line(vec![(px - 8, top), (px + 8, top)], colour, 2)?;
            c.line(vec![(px - 8, bottom), (px + 8, bottom)], colour, 2)?;
        }
        Ok(())
    }

    /// Every replication as a small, light point in its line's colour; beside the mean on a
    /// categorical x, spread a little sideways so that equal values stay visible.
    pub(super) fn draw_replications<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        // Equal values side by side rather than on top of each other.
        let spread = if self.categorical {
            (layout.dodge / 3).clamp(4, 14)
        } else {
            5
        };
        for (i, line) in self.lines.iter().enumerate() {
            let colour = line_colour(i).mix(REPLICATION_OPACITY);
            for (values, point) in line.replications.iter().zip(&line.points) {
                let Some(point) = point else { continue };
                let px = self.point_px(layout, i, point.x);
                for (r, v) in values.iter().take(MAX_REPLICATION_POINTS).enumerate() {
                    // A fixed sideways pattern by replication number: deterministic.
                    let jitter = ((r * 7) % 9) as i32 * spread / 4 - spread;
                    c.dot((px + jitter, layout.y.px(*v)), REPLICATION_RADIUS, colour)?;
                }
            }
        }
        Ok(())
    }

    /// The means: on a numeric x, lines through them with a dot at each; on a categorical
    /// x, dots only (joining categories would suggest values between them).
    pub(super) fn draw_lines<DB: DrawingBackend>(
        &self,
        c: &Canvas<'_, DB>,
        layout: &SweepLayout,
    ) -> Drawn {
        let y = layout.y;
        for (i, line) in self.lines.iter().enumerate() {
            let colour = line_colour(i);
            for run in contiguous(&line.points, |_| true) {
                let path: Vec<(i32, i32)> = run
                    .iter()
                    .map(|p| (self.point_px(layout, i, p.x), y.px(p.mean)))
                    .collect();
                if path.len() > 1 && !self.categorical {
                    c.line(path.clone(), colour.to_rgba(), 3)?;
                }
                let radius = if self.categorical { 7 } else { 5 };
                for p in path {
                    c.dot(p, radius, colour.to_rgba())?;
                }
            }
            if self.categorical && self.lines.len() == 1 {
                self.draw_mean_labels(c, layout, line)?;
            }
        }
        if layout.end_labels {
            self.draw_end_labels(c, layout)?;
        }
        Ok(())
    }
}
