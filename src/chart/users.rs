//! Swimlanes of traced users: one lane per user, coloured by client state and by the
//! Region of each connected session, with fault windows shaded behind the lanes.

use plotters::prelude::{Color, DrawingBackend};
use plotters::style::RGBColor;

use super::faults::{shade_faults, FaultRows, FaultWindow};
use super::kit::{
    fit_text, text_width, thousands, Align, Canvas, Drawn, TextLook, LABEL_SIZE, MARGIN,
    SMALL_SIZE, WIDTH,
};
use super::layout::{
    draw_heading, draw_legend, draw_message, draw_time_axis, legend_width, LegendEntry, Swatch,
    HEADING_PAD, SUBTITLE_STEP, TITLE_STEP, TITLE_Y,
};
use super::palette::{
    text_colour_on, RegionColours, DISCONNECTED_COLOUR, GRID, INK, LANE_BACKGROUND,
    LOGGING_IN_COLOUR, MISDIRECTED_COLOUR, OFFLINE_COLOUR, QUEUED_COLOUR, UNKNOWN_REGION_COLOUR,
    WAITING_COLOUR, WHITE,
};
use super::scale::{axis_end_ms, TimeScale};
use super::Chart;

/// Smallest height of the swimlane chart, in pixels.
const USERS_MIN_HEIGHT: u32 = 600;

/// Swimlane pitch (lane height including the gap), in pixels.
const LANE_PITCH: i32 = 36;

/// At most this many swimlanes are drawn; the subtitle says when lanes were left out.
pub const MAX_LANES: usize = 60;

/// What a traced user's client was doing during a [`LaneSegment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LaneState {
    /// Outside the working schedule, or before the first login.
    Offline,
    /// Resolving the FQDN and launching or resuming a session.
    LoggingIn,
    /// Streaming from a WorkSpace (the Region is in [`LaneSegment::region`]).
    Connected,
    /// The session dropped and the client has not noticed or given up yet.
    Disconnected,
    /// An error is shown, the client is backing off or is being restarted.
    Waiting,
    /// The session launch waits in the Region's launch queue.
    Queued,
    /// The last login went to a hijacked answer; until the next login.
    Misdirected,
}

impl LaneState {
    /// Legend order, top to bottom (connected Regions come first, separately).
    const LEGEND_ORDER: [LaneState; 6] = [
        LaneState::LoggingIn,
        LaneState::Queued,
        LaneState::Disconnected,
        LaneState::Waiting,
        LaneState::Misdirected,
        LaneState::Offline,
    ];

    /// States only some scenarios have (a launch queue, a lapsed domain): listed in the
    /// legend only when drawn. The others are always listed, so the key reads the same.
    fn listed_when_unused(self) -> bool {
        !matches!(self, LaneState::Queued | LaneState::Misdirected)
    }

    fn colour(self) -> RGBColor {
        match self {
            LaneState::Offline => OFFLINE_COLOUR,
            LaneState::LoggingIn => LOGGING_IN_COLOUR,
            LaneState::Connected => UNKNOWN_REGION_COLOUR,
            LaneState::Disconnected => DISCONNECTED_COLOUR,
            LaneState::Waiting => WAITING_COLOUR,
            LaneState::Queued => QUEUED_COLOUR,
            LaneState::Misdirected => MISDIRECTED_COLOUR,
        }
    }

    fn legend_label(self) -> &'static str {
        match self {
            LaneState::Offline => "offline",
            LaneState::LoggingIn => "logging in",
            LaneState::Connected => "connected (Region unknown)",
            LaneState::Disconnected => "disconnected",
            LaneState::Waiting => "error shown / back-off / restart",
            LaneState::Queued => "launch queued",
            LaneState::Misdirected => "misdirected (hijacked answer)",
        }
    }
}

/// A span of one traced user's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaneSegment {
    /// Start, in milliseconds since scenario start.
    pub start_ms: u64,
    /// End (exclusive), in milliseconds since scenario start. Empty spans are skipped.
    pub end_ms: u64,
    /// The client's state.
    pub state: LaneState,
    /// Region of a connected session (written inside the segment when it fits).
    pub region: Option<String>,
}

/// One traced user's swimlane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    /// Text left of the lane, e.g. `user 17 (staff)`.
    pub label: String,
    /// Segments in any order; gaps are left blank.
    pub segments: Vec<LaneSegment>,
}

/// Input of [`render_users`](super::render_users).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersInput {
    /// Chart title.
    pub title: String,
    /// One lane per traced user, drawn top to bottom (at most 60).
    pub lanes: Vec<Lane>,
    /// End of the time axis; 0 means "up to the last segment or fault".
    pub duration_ms: u64,
    /// Start of the time axis: 0, or the start of a zoomed window; segments and faults
    /// outside `[start_ms, duration_ms]` are clipped.
    pub start_ms: u64,
    /// Fault windows, shaded behind the lanes and labelled above them.
    pub faults: Vec<FaultWindow>,
    /// Added field: Regions in colour order. Pass the order of the timeline's
    /// `connected <region>` bands so a Region has the same colour in both charts. Regions
    /// not listed get the next colours in order of first appearance; may be empty.
    pub regions: Vec<String>,
    /// The scenario's start instant: the time axis then reads in local clock time.
    pub clock: Option<crate::time::Instant>,
}

/// Where everything goes on the swimlane chart; computed once for both the image size
/// and the drawing.
struct UsersLayout {
    shown: usize,
    regions: RegionColours,
    legend: Vec<LegendEntry>,
    label_w: i32,
    ts: TimeScale,
    faults: FaultRows,
    heading_bottom: i32,
    top: i32,
    height: i32,
}

impl UsersInput {
    /// Region colours and the legend: Regions in the given order, then in order of
    /// appearance, then every state (listed even when unused, so the key reads the same in
    /// every run), then the fault hatching.
    fn colours_and_legend(&self, lanes: &[Lane], end_ms: u64) -> (RegionColours, Vec<LegendEntry>) {
        let start_ms = self.start_ms;
        let drawn =
            |s: &LaneSegment| s.end_ms > s.start_ms && s.start_ms < end_ms && s.end_ms > start_ms;
        let mut regions = RegionColours {
            regions: self.regions.clone(),
        };
        let mut connected_without_region = false;
        let mut states_drawn: Vec<LaneState> = Vec::new();
        for s in lanes.iter().flat_map(|l| &l.segments) {
            if drawn(s) && !states_drawn.contains(&s.state) {
                states_drawn.push(s.state);
            }
            if s.state == LaneState::Connected && drawn(s) {
                match &s.region {
                    Some(r) => {
                        regions.colour(r);
                    }
                    None => connected_without_region = true,
                }
            }
        }
        let mut legend: Vec<LegendEntry> = Vec::new();
        for region in regions.regions.clone() {
            legend.push(LegendEntry {
                swatch: Swatch::Fill(regions.colour(&region)),
                label: format!("connected {region}"),
                gap_before: false,
            });
        }
        if connected_without_region {
            legend.push(LegendEntry {
                swatch: Swatch::Fill(LaneState::Connected.colour()),
                label: LaneState::Connected.legend_label().to_string(),
                gap_before: false,
            });
        }
        if !lanes.is_empty() {
            let listed = LaneState::LEGEND_ORDER
                .into_iter()
                .filter(|s| s.listed_when_unused() || states_drawn.contains(s));
            for state in listed {
                legend.push(LegendEntry {
                    swatch: Swatch::Fill(state.colour()),
                    label: state.legend_label().to_string(),
                    gap_before: false,
                });
            }
        }
        if !self.faults.is_empty() {
            legend.push(LegendEntry {
                swatch: Swatch::Hatch,
                label: "fault window".to_string(),
                gap_before: true,
            });
        }
        (regions, legend)
    }

    fn layout(&self) -> UsersLayout {
        let width = WIDTH as i32;
        let shown = self.lanes.len().min(MAX_LANES);
        let lanes = &self.lanes[..shown];
        let latest = lanes
            .iter()
            .flat_map(|l| l.segments.iter().map(|s| s.end_ms))
            .chain(self.faults.iter().map(|f| f.end_ms))
            .max()
            .unwrap_or(0);
        let end_ms = axis_end_ms(self.duration_ms, latest);
        let (regions, legend) = self.colours_and_legend(lanes, end_ms);

        let label_w = lanes
            .iter()
            .map(|l| text_width(&l.label, LABEL_SIZE))
            .max()
            .unwrap_or(0)
            // Room for `user 1834 · down 3m 05s · redirectable · staff · corp` and the
            // like; longer labels end in an ellipsis.
            .min(500);
        let left = MARGIN + label_w + 16;
        let right = width - MARGIN - legend_width(&legend) - 40;
        let ts = TimeScale {
            left,
            right,
            start_ms: self.start_ms.min(end_ms.saturating_sub(1)),
            end_ms,
        };
        let faults = FaultRows::layout(&self.faults, ts, width - MARGIN, self.clock);
        let heading_bottom = TITLE_Y + TITLE_STEP + SUBTITLE_STEP + HEADING_PAD;
        let top = heading_bottom + faults.height() + 12;
        let lanes_h = shown.max(1) as i32 * LANE_PITCH;
        let height = (top + lanes_h + 84).max(USERS_MIN_HEIGHT as i32);
        UsersLayout {
            shown,
            regions,
            legend,
            label_w,
            ts,
            faults,
            heading_bottom,
            top,
            height,
        }
    }

    /// `12 traced users, one lane each`, or `first 60 of 200 …` when lanes were left out.
    fn subtitle(&self, shown: usize) -> String {
        if self.lanes.len() > shown {
            format!(
                "first {shown} of {} traced users, one lane each",
                thousands(self.lanes.len() as u64)
            )
        } else {
            format!(
                "{} traced {}, one lane each",
                thousands(self.lanes.len() as u64),
                if self.lanes.len() == 1 {
                    "user"
                } else {
                    "users"
                }
            )
        }
    }
}

/// One lane centred on `mid`: its label left of the plot, then its segments as bars
/// `bar_h` high, each connected segment named after its Region when the name fits.
fn draw_lane<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    lane: &Lane,
    (mid, bar_h): (i32, i32),
    layout: &mut UsersLayout,
) -> Drawn {
    let ts = layout.ts;
    canvas.text(
        &fit_text(&lane.label, LABEL_SIZE, layout.label_w),
        (ts.left - 12, mid),
        TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
    )?;
    let mut segments: Vec<&LaneSegment> = lane
        .segments
        .iter()
        .filter(|s| s.end_ms > s.start_ms && ts.overlaps(s.start_ms, s.end_ms))
        .collect();
    segments.sort_by_key(|s| (s.start_ms, s.end_ms));
    let (y0, y1) = (mid - bar_h / 2, mid + bar_h / 2);
    for s in segments {
        let x0 = ts.x(s.start_ms);
        let x1 = ts.x(s.end_ms).max(x0 + 1);
        let colour = match (s.state, &s.region) {
            (LaneState::Connected, Some(region)) => layout.regions.colour(region),
            (state, _) => state.colour(),
        };
        canvas.fill_rect((x0, y0), (x1, y1), colour.to_rgba())?;
        if let (LaneState::Connected, Some(region)) = (s.state, &s.region) {
            if text_width(region, SMALL_SIZE) + 12 <= x1 - x0 {
                canvas.text(
                    region,
                    ((x0 + x1) / 2, mid),
                    TextLook::new(SMALL_SIZE, text_colour_on(colour))
                        .align(Align::Center)
                        .middle(),
                )?;
            }
        }
    }
    Ok(())
}

impl Chart for UsersInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.layout().height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let mut layout = self.layout();
        let (ts, top, height) = (layout.ts, layout.top, layout.height);
        let width = WIDTH as i32;
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let subtitle = self.subtitle(layout.shown);
        let drawn_heading = draw_heading(canvas, &self.title, &subtitle, width)?;
        debug_assert_eq!(drawn_heading, layout.heading_bottom);
        let faults = &layout.faults;
        faults.draw(canvas, layout.heading_bottom + faults.height())?;
        let (left, right) = (ts.left, ts.right);
        let bottom = height - 84;
        let lanes = &self.lanes[..layout.shown];

        if lanes.is_empty() {
            canvas.outline_rect((left, top), (right, bottom), GRID.to_rgba(), 1)?;
            draw_message(
                canvas,
                "no traced users",
                ((left + right) / 2, (top + bottom) / 2),
            )?;
            draw_time_axis(canvas, ts, bottom, None, self.clock)?;
            return draw_legend(canvas, &layout.legend, (right + 40, top));
        }

        // Lanes fill the plot height; the pitch is LANE_PITCH unless the chart is at its
        // minimum height, then the lanes spread out (bars capped so they stay bars).
        let pitch = ((bottom - top) / lanes.len() as i32).clamp(LANE_PITCH, 100);
        let lanes_bottom = top + pitch * lanes.len() as i32;
        let bar_h = (pitch * 2 / 3).min(48);

        // Behind the lanes: alternating background, time grid, fault shading.
        for k in (0..lanes.len()).step_by(2) {
            let y0 = top + k as i32 * pitch;
            canvas.fill_rect((left, y0), (right, y0 + pitch), LANE_BACKGROUND.to_rgba())?;
        }
        shade_faults(canvas, &self.faults, ts, (top, lanes_bottom), true)?;
        draw_time_axis(canvas, ts, lanes_bottom, Some(top), self.clock)?;

        for (k, lane) in lanes.iter().enumerate() {
            let mid = top + k as i32 * pitch + pitch / 2;
            draw_lane(canvas, lane, (mid, bar_h), &mut layout)?;
        }
        canvas.line(vec![(left, top), (left, lanes_bottom)], INK.to_rgba(), 1)?;
        draw_legend(canvas, &layout.legend, (right + 40, top))
    }
}
