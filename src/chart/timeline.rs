//! The outage timeline: users by state and Region over time as a stacked area, fault
//! windows hatched and labelled above the plot, and the health-check, alarm and DNS-answer
//! changes that drove the failover as dashed vertical lines with labels.

use plotters::prelude::{Color, DrawingBackend};
use plotters::style::RGBColor;

use super::faults::{shade_faults, FaultRows, FaultWindow};
use super::kit::{
    fit_text, simplify, text_width, thousands, Align, Canvas, Drawn, TextLook, HEIGHT, LABEL_SIZE,
    MARGIN, WIDTH,
};
use super::layout::{
    draw_heading, draw_legend, draw_line_labels, draw_message, draw_time_axis, legend_width,
    place_line_labels, LegendEntry, LineLabel, Swatch, MARKER_ROW_HEIGHT,
};
use super::palette::{
    RegionColours, ACTION_MARKER, ALARM_MARKER, DISCONNECTED_COLOUR, DNS_ANSWER_MARKER, GRID,
    HEALTH_CHECK_MARKER, INK, LOGGING_IN_COLOUR, MISDIRECTED_COLOUR, MUTED, OFFLINE_COLOUR,
    OTHER_COLOURS, QUEUED_COLOUR, UNKNOWN_REGION_COLOUR, WAITING_COLOUR, WHITE,
};
use super::scale::{axis_end_ms, count_step, CountScale, TimeScale};
use super::Chart;
use crate::time::format_clock;

/// At most this many rows of marker labels; further markers keep their line but lose
/// their label, and the legend says how many labels were left out.
const MAX_MARKER_ROWS: usize = 5;

/// What a vertical marker on the timeline stands for; it picks the line's colour and
/// dash pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkerKind {
    /// A Route 53 health check changed status.
    HealthCheck,
    /// A CloudWatch alarm changed state.
    Alarm,
    /// The authoritative DNS answer changed.
    DnsAnswer,
    /// An operator action (manual record edit, forced disconnect, ...).
    Action,
}

impl MarkerKind {
    pub(super) const ALL: [MarkerKind; 4] = [
        MarkerKind::HealthCheck,
        MarkerKind::Alarm,
        MarkerKind::DnsAnswer,
        MarkerKind::Action,
    ];

    fn colour(self) -> RGBColor {
        match self {
            MarkerKind::HealthCheck => HEALTH_CHECK_MARKER,
            MarkerKind::Alarm => ALARM_MARKER,
            MarkerKind::DnsAnswer => DNS_ANSWER_MARKER,
            MarkerKind::Action => ACTION_MARKER,
        }
    }

    /// Dash pattern (on, off) in pixels.
    fn dash(self) -> (i32, i32) {
        match self {
            MarkerKind::HealthCheck => (8, 5),
            MarkerKind::Alarm => (4, 4),
            MarkerKind::DnsAnswer => (14, 4),
            MarkerKind::Action => (2, 4),
        }
    }

    fn legend_label(self) -> &'static str {
        match self {
            MarkerKind::HealthCheck => "health check change",
            MarkerKind::Alarm => "alarm state change",
            MarkerKind::DnsAnswer => "DNS answer change",
            MarkerKind::Action => "operator action",
        }
    }
}

/// A control-plane event drawn as a dashed vertical line with a short label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// When it happened, in milliseconds since scenario start.
    pub at_ms: u64,
    /// What kind of event it was.
    pub kind: MarkerKind,
    /// Short text, e.g. `primary unhealthy` or `DNS -> us-east-1`; the chart prefixes
    /// the time (h:mm:ss).
    pub label: String,
}

/// One band of the stacked timeline: a count per entry of [`TimelineInput::times_ms`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackedSeries {
    /// Legend text. Its colour follows it: `connected <region>` (or `connected_<region>`)
    /// gets the next Region colour, `disconnected`, `misdirected`, `logging in` (or
    /// `logging_in`), `queued` and `offline` get their state colours, anything else a
    /// spare colour.
    pub label: String,
    /// Users in this band at each time of the series.
    pub values: Vec<u32>,
}

/// Input of [`render_timeline`](super::render_timeline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineInput {
    /// Chart title, usually the scenario name.
    pub title: String,
    /// Line under the title, e.g. the seed and headline numbers.
    pub subtitle: String,
    /// Sample times in milliseconds since scenario start, ascending. A time earlier than
    /// the one before it is skipped; bands shorter than this list truncate the series.
    pub times_ms: Vec<u64>,
    /// Bands stacked bottom-up in this order, e.g. `connected us-west-2`,
    /// `connected us-east-1`, `disconnected`, `logging in`, `offline`.
    pub bands: Vec<StackedSeries>,
    /// Fault windows, shaded and labelled above the plot.
    pub faults: Vec<FaultWindow>,
    /// Control-plane markers.
    pub markers: Vec<Marker>,
    /// End of the time axis; 0 means "up to the last sample, marker or fault".
    pub duration_ms: u64,
    /// Start of the time axis: 0, or the start of a zoomed window (e.g. the incident).
    /// Samples, faults and markers outside `[start_ms, duration_ms]` are clipped.
    pub start_ms: u64,
    /// The scenario's start instant: the time axis then reads in local clock time.
    pub clock: Option<crate::time::Instant>,
}

/// Which colour a band gets, from its label.
fn band_colour(label: &str, regions: &mut RegionColours, spare: &mut usize) -> RGBColor {
    let normalised = label.trim().to_ascii_lowercase().replace('_', " ");
    if let Some(region) = normalised.strip_prefix("connected ") {
        return regions.colour(region.trim());
    }
    match normalised.as_str() {
        "connected" => UNKNOWN_REGION_COLOUR,
        "disconnected" => DISCONNECTED_COLOUR,
        "logging in" | "launching" => LOGGING_IN_COLOUR,
        "offline" => OFFLINE_COLOUR,
        "waiting" => WAITING_COLOUR,
        "queued" | "launch queued" => QUEUED_COLOUR,
        "misdirected" => MISDIRECTED_COLOUR,
        _ => {
            let colour = OTHER_COLOURS[*spare % OTHER_COLOURS.len()];
            *spare += 1;
            colour
        }
    }
}

/// Legend note for marker labels that found no row.
fn hidden_note(hidden: usize) -> String {
    format!("+{hidden} marker labels not shown")
}

/// Where everything goes on the timeline.
struct TimelineLayout {
    /// Indices of the samples drawn: ascending times, as long as the shortest band.
    samples: Vec<usize>,
    /// Colour of each band, in input order.
    colours: Vec<RGBColor>,
    legend: Vec<LegendEntry>,
    /// Spacing of the user-count ticks and gridlines.
    count_step: u64,
    ts: TimeScale,
    ys: CountScale,
    faults: FaultRows,
    /// Lower edge of the fault-window rows.
    faults_bottom: i32,
    labels: Vec<LineLabel>,
    /// Lower edge of the marker-label rows.
    markers_bottom: i32,
}

impl TimelineInput {
    /// Indices of the usable samples: ascending times, as long as the shortest band.
    fn usable_samples(&self) -> Vec<usize> {
        let len = self
            .bands
            .iter()
            .map(|b| b.values.len())
            .min()
            .unwrap_or(0)
            .min(self.times_ms.len());
        let mut samples: Vec<usize> = Vec::with_capacity(len);
        for i in 0..len {
            if samples
                .last()
                .is_none_or(|&j| self.times_ms[j] <= self.times_ms[i])
            {
                samples.push(i);
            }
        }
        samples
    }

    /// The end of the time axis: the duration, or else the latest sample, marker or fault.
    fn end_ms(&self, samples: &[usize]) -> u64 {
        let latest = samples
            .last()
            .map(|&i| self.times_ms[i])
            .into_iter()
            .chain(self.markers.iter().map(|m| m.at_ms))
            .chain(self.faults.iter().map(|f| f.end_ms))
            .max()
            .unwrap_or(0);
        axis_end_ms(self.duration_ms, latest)
    }

    /// The colour of each band, and the legend: bands top-down (as stacked), then fault
    /// windows and marker kinds; only what the window `[start_ms, end_ms]` (drawn from
    /// `samples`) shows has an entry.
    fn colours_and_legend(
        &self,
        samples: &[usize],
        (start_ms, end_ms): (u64, u64),
    ) -> (Vec<RGBColor>, Vec<LegendEntry>) {
        let mut regions = RegionColours::default();
        let mut spare = 0;
        let colours: Vec<RGBColor> = self
            .bands
            .iter()
            .map(|b| band_colour(&b.label, &mut regions, &mut spare))
            .collect();
        // A band that holds no user in the window (a Region nobody reached, users offline
        // only before the incident) has no legend entry; it keeps its colour, so each
        // Region's colour is the same here, in other windows and in the swimlanes.
        let mut legend: Vec<LegendEntry> = self
            .bands
            .iter()
            .zip(&colours)
            .rev()
            .filter(|(b, _)| samples.iter().any(|&i| b.values[i] > 0))
            .map(|(b, &c)| LegendEntry {
                swatch: Swatch::Fill(c),
                label: b.label.clone(),
                gap_before: false,
            })
            .collect();
        let in_window = |from: u64, to: u64| from <= end_ms && to >= start_ms;
        if self.faults.iter().any(|f| in_window(f.start_ms, f.end_ms)) {
            legend.push(LegendEntry {
                swatch: Swatch::Hatch,
                label: "fault window".to_string(),
                gap_before: true,
            });
        }
        let mut first_kind = true;
        for kind in MarkerKind::ALL {
            if self
                .markers
                .iter()
                .any(|m| m.kind == kind && in_window(m.at_ms, m.at_ms))
            {
                legend.push(LegendEntry {
                    swatch: Swatch::Dash(kind.colour(), kind.dash()),
                    label: kind.legend_label().to_string(),
                    gap_before: first_kind,
                });
                first_kind = false;
            }
        }
        (colours, legend)
    }

    /// Labels of the markers on the time axis, in time order, placed in rows above the
    /// plot; and the number of rows used.
    fn marker_labels(&self, ts: TimeScale, width: i32) -> (Vec<LineLabel>, usize) {
        let mut markers: Vec<&Marker> = self
            .markers
            .iter()
            .filter(|m| m.at_ms >= ts.start_ms && m.at_ms <= ts.end_ms)
            .collect();
        markers.sort_by_key(|m| (m.at_ms, m.kind));
        let mut labels: Vec<LineLabel> = markers
            .iter()
            .map(|m| {
                let at = match self.clock {
                    Some(start) => start.after(m.at_ms).format_hh_mm_ss(),
                    None => format_clock(m.at_ms),
                };
                let text = format!("{at} {}", m.label);
                LineLabel::new(
                    ts.x(m.at_ms),
                    fit_text(&text, LABEL_SIZE, 500),
                    m.kind.colour(),
                    m.kind.dash(),
                )
            })
            .collect();
        let rows = place_line_labels(&mut labels, (MARGIN, width - MARGIN), MAX_MARKER_ROWS);
        (labels, rows)
    }

    /// The samples that reach into `[start_ms, end_ms]`: those inside, plus the last one
    /// before and the first one after, so the bands run to the window's edges.
    fn windowed(&self, samples: Vec<usize>, start_ms: u64, end_ms: u64) -> Vec<usize> {
        let first = samples
            .iter()
            .rposition(|&i| self.times_ms[i] <= start_ms)
            .unwrap_or(0);
        let last = samples
            .iter()
            .position(|&i| self.times_ms[i] >= end_ms)
            .unwrap_or(samples.len().saturating_sub(1));
        if samples.is_empty() || first > last {
            return samples;
        }
        samples[first..=last].to_vec()
    }

    /// Lays the chart out below a heading ending at `heading_bottom`.
    fn layout(&self, heading_bottom: i32) -> TimelineLayout {
        let (width, height) = (WIDTH as i32, HEIGHT as i32);
        let all_samples = self.usable_samples();
        let end_ms = self.end_ms(&all_samples);
        let samples = self.windowed(all_samples, self.start_ms, end_ms);
        let max_total = samples
            .iter()
            .map(|&i| self.bands.iter().map(|b| u64::from(b.values[i])).sum())
            .max()
            .unwrap_or(0)
            .max(1);
        let (colours, mut legend) = self.colours_and_legend(&samples, (self.start_ms, end_ms));

        // Horizontal layout: y-axis title and tick labels, plot, legend.
        let count_step = count_step(max_total, 8);
        let y_max = max_total.div_ceil(count_step) * count_step;
        let tick_w = text_width(&thousands(y_max), LABEL_SIZE);
        let left = MARGIN + 30 + tick_w + 14;
        // Only more markers than rows can leave labels out; keep room for the note.
        let mut legend_w = legend_width(&legend);
        if self.markers.len() > MAX_MARKER_ROWS {
            legend_w = legend_w.max(text_width(&hidden_note(self.markers.len()), LABEL_SIZE));
        }
        let right = width - MARGIN - legend_w - 40;
        let ts = TimeScale {
            left,
            right,
            start_ms: self.start_ms.min(end_ms.saturating_sub(1)),
            end_ms,
        };

        // Vertical layout: fault rows, marker rows, plot, time axis.
        let faults = FaultRows::layout(&self.faults, ts, width - MARGIN, self.clock);
        let (labels, marker_rows) = self.marker_labels(ts, width);
        let hidden = labels.iter().filter(|l| l.row.is_none()).count();
        if hidden > 0 {
            legend.push(LegendEntry {
                swatch: Swatch::Note,
                label: hidden_note(hidden),
                gap_before: true,
            });
        }
        let faults_bottom = heading_bottom + faults.height();
        let markers_bottom = faults_bottom + marker_rows as i32 * MARKER_ROW_HEIGHT;
        let ys = CountScale {
            top: markers_bottom + 12,
            bottom: height - 84,
            max: y_max,
        };
        TimelineLayout {
            samples,
            colours,
            legend,
            count_step,
            ts,
            ys,
            faults,
            faults_bottom,
            labels,
            markers_bottom,
        }
    }

    /// Stacked bands: each drawn from zero up to its cumulative top, the highest first, so
    /// neighbouring bands share edges without gaps. Without data, a message instead.
    fn draw_bands<DB: DrawingBackend>(
        &self,
        canvas: &Canvas<'_, DB>,
        layout: &TimelineLayout,
    ) -> Drawn {
        let TimelineLayout {
            samples, ts, ys, ..
        } = layout;
        let (left, right, top, bottom) = (ts.left, ts.right, ys.top, ys.bottom);
        if samples.is_empty() || self.bands.is_empty() {
            canvas.outline_rect((left, top), (right, bottom), GRID.to_rgba(), 1)?;
            return draw_message(
                canvas,
                "no series data",
                ((left + right) / 2, (top + bottom) / 2),
            );
        }
        let mut cumulative = vec![0u64; samples.len()];
        let mut tops: Vec<Vec<u64>> = Vec::with_capacity(self.bands.len());
        for band in &self.bands {
            for (c, &i) in cumulative.iter_mut().zip(samples) {
                *c += u64::from(band.values[i]);
            }
            tops.push(cumulative.clone());
        }
        for (band_top, colour) in tops.iter().zip(&layout.colours).rev() {
            let edge: Vec<(i32, i32)> = samples
                .iter()
                .zip(band_top)
                .map(|(&i, &v)| (ts.x(self.times_ms[i]), ys.y(v)))
                .collect();
            let mut points = simplify(&edge);
            let first_x = points.first().map_or(left, |p| p.0);
            let last_x = points.last().map_or(left, |p| p.0);
            points.push((last_x, bottom));
            points.push((first_x, bottom));
            canvas.polygon(points, colour.to_rgba())?;
        }
        Ok(())
    }
}

/// Gridlines over the bands, faint so the bands stay readable.
fn draw_count_gridlines<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    layout: &TimelineLayout,
) -> Drawn {
    let (ts, ys) = (layout.ts, layout.ys);
    let mut v = layout.count_step;
    while v <= ys.max {
        let y = ys.y(v);
        canvas.line(vec![(ts.left, y), (ts.right, y)], WHITE.mix(0.55), 1)?;
        v += layout.count_step;
    }
    Ok(())
}

/// The user-count axis left of the plot: line, ticks, labels and title.
fn draw_count_axis<DB: DrawingBackend>(canvas: &Canvas<'_, DB>, layout: &TimelineLayout) -> Drawn {
    let (left, ys) = (layout.ts.left, layout.ys);
    canvas.line(vec![(left, ys.top), (left, ys.bottom)], INK.to_rgba(), 1)?;
    let mut v = 0;
    while v <= ys.max {
        let y = ys.y(v);
        canvas.line(vec![(left - 6, y), (left, y)], INK.to_rgba(), 1)?;
        canvas.text(
            &thousands(v),
            (left - 10, y),
            TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
        )?;
        v += layout.count_step;
    }
    canvas.text(
        "users",
        (MARGIN + 10, (ys.top + ys.bottom) / 2),
        TextLook::new(LABEL_SIZE, MUTED)
            .align(Align::Center)
            .middle()
            .upright(),
    )
}

impl Chart for TimelineInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let (width, height) = (WIDTH as i32, HEIGHT as i32);
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let heading_bottom = draw_heading(canvas, &self.title, &self.subtitle, width)?;
        let layout = self.layout(heading_bottom);
        let (ts, ys) = (layout.ts, layout.ys);
        self.draw_bands(canvas, &layout)?;
        draw_count_gridlines(canvas, &layout)?;
        shade_faults(canvas, &self.faults, ts, (ys.top, ys.bottom), false)?;
        layout.faults.draw(canvas, layout.faults_bottom)?;
        draw_count_axis(canvas, &layout)?;
        draw_time_axis(canvas, ts, ys.bottom, None, self.clock)?;
        // Markers: lines first, then labels on opaque boxes above them.
        draw_line_labels(
            canvas,
            &layout.labels,
            layout.markers_bottom,
            (ys.top, ys.bottom),
        )?;
        draw_legend(canvas, &layout.legend, (ts.right + 40, ys.top))
    }
}

#[cfg(test)]
mod tests {
    use super::super::palette::REGION_COLOURS;
    use super::*;

    #[test]
    fn band_colours_follow_labels() {
        let mut regions = RegionColours::default();
        let mut spare = 0;
        let mut colour = |label: &str| band_colour(label, &mut regions, &mut spare);
        assert_eq!(colour("connected us-west-2"), REGION_COLOURS[0]);
        assert_eq!(colour("connected_us-east-1"), REGION_COLOURS[1]);
        assert_eq!(colour("Connected us-west-2"), REGION_COLOURS[0]);
        assert_eq!(colour("disconnected"), DISCONNECTED_COLOUR);
        assert_eq!(colour("logging_in"), LOGGING_IN_COLOUR);
        assert_eq!(colour("offline"), OFFLINE_COLOUR);
        assert_eq!(colour("queued"), QUEUED_COLOUR);
        assert_eq!(colour("misdirected"), MISDIRECTED_COLOUR);
        assert_eq!(colour("stalled"), OTHER_COLOURS[0]);
    }

    #[test]
    fn a_band_without_users_keeps_its_colour_but_not_a_legend_entry() {
        let band = |label: &str, values: Vec<u32>| StackedSeries {
            label: label.to_string(),
            values,
        };
        let input = TimelineInput {
            clock: None,
            title: String::new(),
            subtitle: String::new(),
            times_ms: vec![0, 1000],
            bands: vec![
                band("connected us-west-2", vec![5, 5]),
                band("connected us-east-1", vec![0, 0]),
                band("connected eu-west-1", vec![0, 3]),
            ],
            faults: vec![],
            markers: vec![],
            duration_ms: 1000,
            start_ms: 0,
        };
        let (colours, legend) = input.colours_and_legend(&[0, 1], (0, 1000));
        assert_eq!(colours, REGION_COLOURS[..3].to_vec());
        let labels: Vec<&str> = legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(labels, ["connected eu-west-1", "connected us-west-2"]);
    }

    #[test]
    fn the_legend_names_only_what_the_window_shows() {
        let band = |label: &str, values: Vec<u32>| StackedSeries {
            label: label.to_string(),
            values,
        };
        let marker = |at_ms: u64, kind: MarkerKind| Marker {
            at_ms,
            kind,
            label: "m".into(),
        };
        let input = TimelineInput {
            clock: None,
            title: String::new(),
            subtitle: String::new(),
            times_ms: vec![0, 1000, 2000, 3000, 4000],
            bands: vec![
                band("connected us-west-2", vec![5, 5, 5, 5, 5]),
                band("connected us-east-1", vec![0, 0, 0, 0, 4]),
                band("offline", vec![3, 0, 0, 0, 0]),
            ],
            faults: vec![FaultWindow {
                start_ms: 3500,
                end_ms: 3800,
                label: "late fault".into(),
            }],
            markers: vec![
                marker(500, MarkerKind::Action),
                marker(2000, MarkerKind::HealthCheck),
            ],
            duration_ms: 3000,
            start_ms: 1000,
        };
        let samples = input.windowed(input.usable_samples(), 1000, 3000);
        assert_eq!(samples, [1, 2, 3], "the window's samples, edges included");
        let (colours, legend) = input.colours_and_legend(&samples, (1000, 3000));
        assert_eq!(colours.len(), 3, "every band keeps its colour");
        let labels: Vec<&str> = legend.iter().map(|e| e.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "connected us-west-2",
                MarkerKind::HealthCheck.legend_label()
            ],
            "users offline, connected east, a fault and an action only outside the window"
        );
        let (_, whole) = input.colours_and_legend(&input.usable_samples(), (0, 4000));
        assert_eq!(whole.len(), 6, "the whole run shows everything: {whole:?}");
    }
}
