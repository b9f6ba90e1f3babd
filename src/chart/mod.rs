//! Charts of a finished run, drawn with plotters from plain input structs: the outage
//! timeline (users by state and Region as a stacked area, with fault windows and the
//! health-check, alarm and DNS-answer changes that drove the failover), the empirical CDF
//! of per-user downtime with its p50 / p95 / p99, and swimlanes of traced users.
//!
//! Every chart is written as SVG or PNG at slide size (1600 x 800; the swimlanes grow
//! taller with many lanes) and is byte-identical for the same input on every run and
//! machine: text is measured, and in PNGs rasterised, with the bundled DejaVu Sans font
//! through `ab_glyph` (pure Rust, the crate plotters' `ab_glyph` feature uses; no system
//! font library is consulted), pixel positions are computed with integer arithmetic, and
//! nothing iterates a hash map. SVG files keep text as text and name the font family as
//! `"DejaVu Sans, sans-serif"`: a viewer with DejaVu Sans draws them exactly like the PNG,
//! others fall back to their own sans-serif face.
//!
//! Input conventions (documented on each type): times are integer milliseconds since
//! scenario start; stacked bands are drawn bottom-up in the order given, and their colour
//! follows their label (`connected <region>` in blues and greens, `disconnected` in
//! vermillion, `logging in` in amber, `offline` in light grey). Colours come from the
//! Okabe-Ito palette, which stays distinguishable under the common forms of colour-vision
//! deficiency. No input makes rendering panic: empty series, no affected users, no lanes
//! and a zero duration all produce a chart that says what is missing.

pub(crate) mod kit;

use std::path::{Path, PathBuf};

use plotters::prelude::{Color, DrawingBackend};
use plotters::style::RGBColor;

use kit::{
    fit_text, register_font, text_width, thousands, write_png, write_svg, Align, Canvas, Chart,
    Drawn, TextLook, GRID, HEIGHT, INK, LABEL_SIZE, MARGIN, MESSAGE_SIZE, MUTED, SMALL_SIZE,
    SUBTITLE_SIZE, TITLE_SIZE, WHITE, WIDTH,
};

/// Smallest height of the swimlane chart, in pixels.
const USERS_MIN_HEIGHT: u32 = 600;

/// Height of one row of fault-window bars above a plot.
const FAULT_ROW_HEIGHT: i32 = 34;
/// Height of one row of marker labels above a plot.
const MARKER_ROW_HEIGHT: i32 = 30;
/// At most this many rows of fault labels; further overlapping faults are still shaded.
const MAX_FAULT_ROWS: usize = 3;
/// At most this many rows of marker labels; further markers keep their line but lose
/// their label, and the legend says how many labels were left out.
const MAX_MARKER_ROWS: usize = 5;
/// Horizontal gap kept between two labels in the same row.
const LABEL_GAP: i32 = 14;

/// Swimlane pitch (lane height including the gap), in pixels.
const LANE_PITCH: i32 = 36;
/// At most this many swimlanes are drawn; the subtitle says when lanes were left out.
const MAX_LANES: usize = 60;

/// Points of the downtime CDF drawn exactly; above this the CDF is sampled on a grid of
/// [`CDF_GRID`] steps, finer than one pixel.
const CDF_EXACT_MAX: usize = 5_000;
const CDF_GRID: u64 = 4_000;

const LANE_BACKGROUND: RGBColor = RGBColor(246, 246, 246);
const FAULT_FILL: RGBColor = RGBColor(252, 236, 234);
const FAULT_EDGE: RGBColor = RGBColor(150, 40, 30);
const CDF_LINE: RGBColor = RGBColor(0, 90, 160);
const PERCENTILE_COLOUR: RGBColor = RGBColor(60, 60, 60);

/// Colours of users connected in each Region, in the order Regions first appear:
/// Okabe-Ito blue, bluish green and sky blue, then Paul Tol's green, indigo and teal.
/// A seventh Region reuses the first colour.
const REGION_COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),  // blue
    RGBColor(0, 158, 115),  // bluish green
    RGBColor(86, 180, 233), // sky blue
    RGBColor(17, 119, 51),  // green
    RGBColor(51, 34, 136),  // indigo
    RGBColor(68, 170, 153), // teal
];
const DISCONNECTED_COLOUR: RGBColor = RGBColor(213, 94, 0); // vermillion
const LOGGING_IN_COLOUR: RGBColor = RGBColor(230, 159, 0); // amber
const OFFLINE_COLOUR: RGBColor = RGBColor(217, 217, 217); // light grey
const WAITING_COLOUR: RGBColor = RGBColor(204, 121, 167); // reddish purple
const UNKNOWN_REGION_COLOUR: RGBColor = RGBColor(0, 73, 115); // dark blue
/// Bands whose label follows no convention get these, in order.
const OTHER_COLOURS: [RGBColor; 4] = [
    RGBColor(136, 34, 85),
    RGBColor(153, 153, 51),
    RGBColor(170, 68, 153),
    RGBColor(221, 204, 119),
];

/// File format of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics; text stays text.
    Svg,
    /// RGB PNG; the path must end in `.png`.
    Png,
}

impl ImageFormat {
    /// The file extension for this format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        }
    }
}

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
    const ALL: [MarkerKind; 4] = [
        MarkerKind::HealthCheck,
        MarkerKind::Alarm,
        MarkerKind::DnsAnswer,
        MarkerKind::Action,
    ];

    fn colour(self) -> RGBColor {
        match self {
            MarkerKind::HealthCheck => RGBColor(106, 61, 154),
            MarkerKind::Alarm => RGBColor(140, 81, 10),
            MarkerKind::DnsAnswer => RGBColor(0, 0, 0),
            MarkerKind::Action => RGBColor(80, 80, 80),
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
    /// gets the next Region colour, `disconnected`, `logging in` (or `logging_in`) and
    /// `offline` get their state colours, anything else a spare colour.
    pub label: String,
    /// Users in this band at each time of the series.
    pub values: Vec<u32>,
}

/// Input of [`render_timeline`].
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
    /// Length of the time axis; 0 means "up to the last sample, marker or fault".
    pub duration_ms: u64,
}

/// Input of [`render_downtime`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DowntimeInput {
    /// Chart title.
    pub title: String,
    /// Downtime of each affected user, in any order. Empty: the chart says that no user
    /// was affected.
    pub downtimes_ms: Vec<u64>,
}

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
}

impl LaneState {
    /// Legend order, top to bottom (connected Regions come first, separately).
    const LEGEND_ORDER: [LaneState; 4] = [
        LaneState::LoggingIn,
        LaneState::Disconnected,
        LaneState::Waiting,
        LaneState::Offline,
    ];

    fn colour(self) -> RGBColor {
        match self {
            LaneState::Offline => OFFLINE_COLOUR,
            LaneState::LoggingIn => LOGGING_IN_COLOUR,
            LaneState::Connected => UNKNOWN_REGION_COLOUR,
            LaneState::Disconnected => DISCONNECTED_COLOUR,
            LaneState::Waiting => WAITING_COLOUR,
        }
    }

    fn legend_label(self) -> &'static str {
        match self {
            LaneState::Offline => "offline",
            LaneState::LoggingIn => "logging in",
            LaneState::Connected => "connected (Region unknown)",
            LaneState::Disconnected => "disconnected",
            LaneState::Waiting => "error shown / back-off / restart",
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

/// Input of [`render_users`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersInput {
    /// Chart title.
    pub title: String,
    /// One lane per traced user, drawn top to bottom (at most 60).
    pub lanes: Vec<Lane>,
    /// Length of the time axis; 0 means "up to the last segment or fault".
    pub duration_ms: u64,
    /// Fault windows, shaded behind the lanes and labelled above them.
    pub faults: Vec<FaultWindow>,
    /// Added field: Regions in colour order. Pass the order of the timeline's
    /// `connected <region>` bands so a Region has the same colour in both charts. Regions
    /// not listed get the next colours in order of first appearance; may be empty.
    pub regions: Vec<String>,
}

/// A chart could not be written. The message names the file.
#[derive(Debug, thiserror::Error)]
#[error("cannot write chart {}: {reason}", path.display())]
pub struct ChartError {
    path: PathBuf,
    reason: String,
}

impl ChartError {
    fn new(path: &Path, reason: impl Into<String>) -> Self {
        ChartError {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    /// The file that could not be written.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Writes the outage timeline: users by state and Region over time as a stacked area,
/// fault windows hatched and labelled, control-plane markers as dashed lines.
pub fn render_timeline(
    input: &TimelineInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ChartError> {
    render(input, format, path)
}

/// Writes the empirical CDF of per-user downtime over affected users, with p50, p95 and
/// p99 marked (nearest-rank percentiles).
pub fn render_downtime(
    input: &DowntimeInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ChartError> {
    render(input, format, path)
}

/// Writes swimlanes of traced users, coloured by client state and Region.
pub fn render_users(
    input: &UsersInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ChartError> {
    render(input, format, path)
}

// ---------------------------------------------------------------------------------------
// Rendering plumbing (the drawing helpers are in `chart_kit`)
// ---------------------------------------------------------------------------------------

fn render<C: Chart>(chart: &C, format: ImageFormat, path: &Path) -> Result<(), ChartError> {
    register_font().map_err(|reason| ChartError::new(path, reason))?;
    match format {
        ImageFormat::Svg => write_svg(chart, path).map_err(|reason| ChartError::new(path, reason)),
        ImageFormat::Png => {
            let is_png = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("png"));
            if !is_png {
                return Err(ChartError::new(path, "a PNG chart needs a .png file name"));
            }
            write_png(chart, path).map_err(|reason| ChartError::new(path, reason))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Formatting and scales (integer arithmetic only, so output never depends on float
// formatting or rounding differences)
// ---------------------------------------------------------------------------------------

/// `h:mm` from scenario start (hours are not wrapped: `26:00`).
fn format_h_mm(ms: u64) -> String {
    let minutes = ms / 60_000;
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// `h:mm:ss` from scenario start.
fn format_h_mm_ss(ms: u64) -> String {
    let seconds = ms / 1_000;
    format!(
        "{}:{:02}:{:02}",
        seconds / 3_600,
        (seconds / 60) % 60,
        seconds % 60
    )
}

/// `h:mm`, or `h:mm:ss` when not on a whole minute.
fn format_clock(ms: u64) -> String {
    if ms % 60_000 == 0 {
        format_h_mm(ms)
    } else {
        format_h_mm_ss(ms)
    }
}

/// A duration for people, rounded to the second: `45s`, `12m 04s`, `1h 02m 03s`.
fn format_duration(ms: u64) -> String {
    let seconds = ms.saturating_add(500) / 1_000;
    let (h, m, s) = (seconds / 3_600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// `m:ss` (minutes not wrapped), for duration-axis ticks below one minute apart.
fn format_m_ss(ms: u64) -> String {
    let seconds = ms / 1_000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Tick spacings for time and duration axes, in milliseconds.
const TIME_STEPS_MS: [u64; 21] = [
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_200_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    14_400_000,
    21_600_000,
    43_200_000,
    86_400_000,
    604_800_000,
];

/// The smallest tick spacing that gives at most `max_ticks` intervals over `span_ms`.
fn time_step(span_ms: u64, max_ticks: u64) -> u64 {
    let max_ticks = max_ticks.max(1);
    for step in TIME_STEPS_MS {
        if span_ms.div_ceil(step) <= max_ticks {
            return step;
        }
    }
    let week = TIME_STEPS_MS[TIME_STEPS_MS.len() - 1];
    span_ms.div_ceil(max_ticks).div_ceil(week) * week
}

/// The smallest 1-2-5 step that gives at most `max_ticks` intervals up to `max`.
fn count_step(max: u64, max_ticks: u64) -> u64 {
    let max_ticks = max_ticks.max(1);
    let mut magnitude: u64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            if max.div_ceil(step) <= max_ticks {
                return step;
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// Scales a value `v` in `[0, max]` onto `[0, span]` pixels, rounding to nearest.
fn scale(v: u64, max: u64, span: i32) -> i32 {
    if max == 0 || span <= 0 {
        return 0;
    }
    let v = u128::from(v.min(max));
    let span_u = span as u128;
    ((v * span_u + u128::from(max) / 2) / u128::from(max)) as i32
}

/// Maps scenario time onto the horizontal pixel range `[left, right]`.
#[derive(Debug, Clone, Copy)]
struct TimeScale {
    left: i32,
    right: i32,
    end_ms: u64,
}

impl TimeScale {
    fn x(&self, t_ms: u64) -> i32 {
        self.left + scale(t_ms, self.end_ms, self.right - self.left)
    }
}

/// Maps a count onto the vertical pixel range `[top, bottom]` (0 at the bottom).
#[derive(Debug, Clone, Copy)]
struct CountScale {
    top: i32,
    bottom: i32,
    max: u64,
}

impl CountScale {
    fn y(&self, v: u64) -> i32 {
        self.bottom - scale(v, self.max, self.bottom - self.top)
    }
}

/// Reduces a pixel polyline to what can be seen: in each run of points on the same
/// pixel column only the first, lowest, highest and last stay, then repeated points
/// and the middle of straight horizontal or vertical runs go. Keeps SVG files small
/// for long series without changing the picture.
fn simplify(points: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut reduced: Vec<(i32, i32)> = Vec::with_capacity(points.len().min(8_192));
    let mut i = 0;
    while i < points.len() {
        let x = points[i].0;
        let mut j = i;
        while j < points.len() && points[j].0 == x {
            j += 1;
        }
        let run = &points[i..j];
        let (mut lo, mut hi) = (0, 0);
        for (k, p) in run.iter().enumerate() {
            if p.1 < run[lo].1 {
                lo = k;
            }
            if p.1 > run[hi].1 {
                hi = k;
            }
        }
        let mut keep = [0, lo, hi, run.len() - 1];
        keep.sort_unstable();
        for k in keep {
            if reduced.last() != Some(&run[k]) {
                reduced.push(run[k]);
            }
        }
        i = j;
    }
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(reduced.len());
    for p in reduced {
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let straight = (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1);
            // Only drop b when it lies between a and p (not a reversal).
            let between = (a.0.min(p.0) <= b.0 && b.0 <= a.0.max(p.0))
                && (a.1.min(p.1) <= b.1 && b.1 <= a.1.max(p.1));
            if straight && between {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Rows of labels above a plot: each label takes the lowest row where it overlaps no
/// label already placed.
#[derive(Debug)]
struct Rows {
    rows: Vec<Vec<(i32, i32)>>,
    max_rows: usize,
}

impl Rows {
    fn new(max_rows: usize) -> Self {
        Rows {
            rows: Vec::new(),
            max_rows,
        }
    }

    /// The row `[x0, x1]` would take, without taking it.
    fn free_row(&self, (x0, x1): (i32, i32)) -> Option<usize> {
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

    fn place(&mut self, span: (i32, i32)) -> Option<usize> {
        let row = self.free_row(span)?;
        if row == self.rows.len() {
            self.rows.push(Vec::new());
        }
        self.rows[row].push(span);
        Some(row)
    }

    fn used(&self) -> usize {
        self.rows.len()
    }
}

/// Gives each span `[x0, x1]` the lowest free row, in input order; `None` when all
/// `max_rows` rows are taken there.
fn assign_rows(spans: &[(i32, i32)], max_rows: usize) -> Vec<Option<usize>> {
    let mut rows = Rows::new(max_rows);
    spans.iter().map(|&span| rows.place(span)).collect()
}

/// A label for a vertical line (timeline marker, percentile), shown in a row above the
/// plot beside the top of its line.
#[derive(Debug, Clone)]
struct LineLabel {
    x: i32,
    text: String,
    colour: RGBColor,
    dash: (i32, i32),
    text_x: i32,
    align: Align,
    /// Row above the plot, 0 nearest to it; `None` when no row was free.
    row: Option<usize>,
}

impl LineLabel {
    fn new(x: i32, text: String, colour: RGBColor, dash: (i32, i32)) -> Self {
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
fn place_line_labels(
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
fn draw_line_labels<DB: DrawingBackend>(
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

/// The end of the time axis: the given duration, or else the latest time in the input,
/// or one minute when there is nothing at all.
fn axis_end_ms(duration_ms: u64, latest_ms: u64) -> u64 {
    if duration_ms > 0 {
        duration_ms
    } else if latest_ms > 0 {
        latest_ms
    } else {
        60_000
    }
}

// ---------------------------------------------------------------------------------------
// Pieces shared by the charts
// ---------------------------------------------------------------------------------------

/// Title and subtitle; returns the y below them.
fn draw_heading<DB: DrawingBackend>(
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
const TITLE_Y: i32 = 16;
const TITLE_STEP: i32 = 50;
const SUBTITLE_STEP: i32 = 34;
const HEADING_PAD: i32 = 6;

/// A legend swatch.
#[derive(Debug, Clone, Copy)]
enum Swatch {
    Fill(RGBColor),
    Hatch,
    Dash(RGBColor, (i32, i32)),
    /// No swatch: a note in the legend.
    Note,
}

/// One legend line; `gap_before` separates groups.
#[derive(Debug, Clone)]
struct LegendEntry {
    swatch: Swatch,
    label: String,
    gap_before: bool,
}

const LEGEND_SWATCH_WIDTH: i32 = 30;
const LEGEND_ROW_HEIGHT: i32 = 32;
const LEGEND_MAX_LABEL_WIDTH: i32 = 300;

fn legend_width(entries: &[LegendEntry]) -> i32 {
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

fn draw_legend<DB: DrawingBackend>(
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
                    canvas.outline_rect(s0, s1, RGBColor(170, 170, 170).to_rgba(), 1)?;
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

/// Fault windows laid out in rows of bars above a plot.
struct FaultRows {
    items: Vec<FaultItem>,
    /// Rows used, at most [`MAX_FAULT_ROWS`].
    rows: usize,
}

/// One fault window's bar and label.
struct FaultItem {
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
    fn layout(faults: &[FaultWindow], ts: TimeScale, right_limit: i32) -> FaultRows {
        let mut sorted: Vec<&FaultWindow> = faults
            .iter()
            .filter(|f| f.end_ms > f.start_ms && f.start_ms < ts.end_ms)
            .collect();
        sorted.sort_by_key(|f| (f.start_ms, f.end_ms));
        let mut placed = Vec::new();
        let mut spans = Vec::new();
        for f in sorted {
            let x0 = ts.x(f.start_ms);
            let x1 = ts.x(f.end_ms).max(x0 + 2);
            let times = format!("{}–{}", format_clock(f.start_ms), format_clock(f.end_ms));
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

    fn height(&self) -> i32 {
        self.rows as i32 * FAULT_ROW_HEIGHT
    }

    /// Draws the bars; `bottom` is the lower edge of the block of rows.
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>, bottom: i32) -> Drawn {
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
fn shade_faults<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    faults: &[FaultWindow],
    ts: TimeScale,
    (top, bottom): (i32, i32),
    fill: bool,
) -> Drawn {
    for f in faults {
        if f.end_ms <= f.start_ms || f.start_ms >= ts.end_ms {
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

/// The time axis under a plot: ticks, `h:mm` labels and the axis title.
fn draw_time_axis<DB: DrawingBackend>(
    canvas: &Canvas<'_, DB>,
    ts: TimeScale,
    bottom: i32,
    grid_top: Option<i32>,
) -> Drawn {
    // Room for the widest label (the last one) plus a gap, and at least 90 px per tick.
    let tick_w = (text_width(&format_h_mm_ss(ts.end_ms), LABEL_SIZE) + 24).max(90);
    let max_ticks = ((ts.right - ts.left) / tick_w).max(1) as u64;
    let step = time_step(ts.end_ms, max_ticks);
    let mut t = 0;
    while t <= ts.end_ms {
        let x = ts.x(t);
        if let Some(top) = grid_top {
            canvas.line(vec![(x, top), (x, bottom)], GRID.to_rgba(), 1)?;
        }
        canvas.line(vec![(x, bottom), (x, bottom + 6)], INK.to_rgba(), 1)?;
        let label = if step % 60_000 == 0 {
            format_h_mm(t)
        } else {
            format_h_mm_ss(t)
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
    let title = if step % 60_000 == 0 {
        "time since scenario start (h:mm)"
    } else {
        "time since scenario start (h:mm:ss)"
    };
    canvas.text(
        title,
        ((ts.left + ts.right) / 2, bottom + 40),
        TextLook::new(LABEL_SIZE, MUTED).align(Align::Center),
    )
}

/// A message in the middle of an empty plot.
fn draw_message<DB: DrawingBackend>(
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

/// Assigns colours to Regions: the given order first, then order of first use.
#[derive(Debug, Default)]
struct RegionColours {
    regions: Vec<String>,
}

impl RegionColours {
    fn colour(&mut self, region: &str) -> RGBColor {
        let index = match self.regions.iter().position(|r| r == region) {
            Some(i) => i,
            None => {
                self.regions.push(region.to_string());
                self.regions.len() - 1
            }
        };
        REGION_COLOURS[index % REGION_COLOURS.len()]
    }
}

/// White or near-black, whichever reads better on `background`.
fn text_colour_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    // Integer Rec. 601 luma.
    let luma = 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b);
    if luma > 140_000 {
        INK
    } else {
        WHITE
    }
}

// ---------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------

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

impl Chart for TimelineInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let (width, height) = (WIDTH as i32, HEIGHT as i32);
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let heading_bottom = draw_heading(canvas, &self.title, &self.subtitle, width)?;

        // The usable series: ascending times, as long as the shortest band.
        let len = self
            .bands
            .iter()
            .map(|b| b.values.len())
            .min()
            .unwrap_or(0)
            .min(self.times_ms.len());
        let mut indices: Vec<usize> = Vec::with_capacity(len);
        for i in 0..len {
            if indices
                .last()
                .is_none_or(|&j| self.times_ms[j] <= self.times_ms[i])
            {
                indices.push(i);
            }
        }
        let totals: Vec<u64> = indices
            .iter()
            .map(|&i| self.bands.iter().map(|b| u64::from(b.values[i])).sum())
            .collect();
        let max_total = totals.iter().copied().max().unwrap_or(0).max(1);

        let latest = indices
            .last()
            .map(|&i| self.times_ms[i])
            .into_iter()
            .chain(self.markers.iter().map(|m| m.at_ms))
            .chain(self.faults.iter().map(|f| f.end_ms))
            .max()
            .unwrap_or(0);
        let end_ms = axis_end_ms(self.duration_ms, latest);

        // Legend: bands top-down (as stacked), then fault windows and marker kinds.
        let mut regions = RegionColours::default();
        let mut spare = 0;
        let colours: Vec<RGBColor> = self
            .bands
            .iter()
            .map(|b| band_colour(&b.label, &mut regions, &mut spare))
            .collect();
        let mut legend: Vec<LegendEntry> = self
            .bands
            .iter()
            .zip(&colours)
            .rev()
            .map(|(b, &c)| LegendEntry {
                swatch: Swatch::Fill(c),
                label: b.label.clone(),
                gap_before: false,
            })
            .collect();
        if !self.faults.is_empty() {
            legend.push(LegendEntry {
                swatch: Swatch::Hatch,
                label: "fault window".to_string(),
                gap_before: true,
            });
        }
        let mut first_kind = true;
        for kind in MarkerKind::ALL {
            if self.markers.iter().any(|m| m.kind == kind) {
                legend.push(LegendEntry {
                    swatch: Swatch::Dash(kind.colour(), kind.dash()),
                    label: kind.legend_label().to_string(),
                    gap_before: first_kind,
                });
                first_kind = false;
            }
        }

        // Horizontal layout: y-axis title and tick labels, plot, legend.
        let y_step = count_step(max_total, 8);
        let y_max = max_total.div_ceil(y_step) * y_step;
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
            end_ms,
        };

        // Vertical layout: fault rows, marker rows, plot, time axis.
        let faults = FaultRows::layout(&self.faults, ts, width - MARGIN);
        let mut markers: Vec<&Marker> = self.markers.iter().filter(|m| m.at_ms <= end_ms).collect();
        markers.sort_by_key(|m| (m.at_ms, m.kind));
        let mut labels: Vec<LineLabel> = markers
            .iter()
            .map(|m| {
                let text = format!("{} {}", format_h_mm_ss(m.at_ms), m.label);
                LineLabel::new(
                    ts.x(m.at_ms),
                    fit_text(&text, LABEL_SIZE, 500),
                    m.kind.colour(),
                    m.kind.dash(),
                )
            })
            .collect();
        let marker_rows = place_line_labels(&mut labels, (MARGIN, width - MARGIN), MAX_MARKER_ROWS);
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
        let top = markers_bottom + 12;
        let bottom = height - 84;
        let ys = CountScale {
            top,
            bottom,
            max: y_max,
        };

        // Stacked bands: each drawn from zero up to its cumulative top, the highest
        // first, so neighbouring bands share edges without gaps.
        if indices.is_empty() || self.bands.is_empty() {
            canvas.outline_rect((left, top), (right, bottom), GRID.to_rgba(), 1)?;
            draw_message(
                canvas,
                "no series data",
                ((left + right) / 2, (top + bottom) / 2),
            )?;
        } else {
            let mut cumulative = vec![0u64; indices.len()];
            let mut tops: Vec<Vec<u64>> = Vec::with_capacity(self.bands.len());
            for band in &self.bands {
                for (c, &i) in cumulative.iter_mut().zip(&indices) {
                    *c += u64::from(band.values[i]);
                }
                tops.push(cumulative.clone());
            }
            for (band_top, colour) in tops.iter().zip(&colours).rev() {
                let edge: Vec<(i32, i32)> = indices
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
        }

        // Gridlines over the bands, faint so the bands stay readable.
        let mut v = y_step;
        while v <= y_max {
            let y = ys.y(v);
            canvas.line(vec![(left, y), (right, y)], WHITE.mix(0.55), 1)?;
            v += y_step;
        }
        shade_faults(canvas, &self.faults, ts, (top, bottom), false)?;
        faults.draw(canvas, faults_bottom)?;

        // Axes.
        canvas.line(vec![(left, top), (left, bottom)], INK.to_rgba(), 1)?;
        let mut v = 0;
        while v <= y_max {
            let y = ys.y(v);
            canvas.line(vec![(left - 6, y), (left, y)], INK.to_rgba(), 1)?;
            canvas.text(
                &thousands(v),
                (left - 10, y),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
            v += y_step;
        }
        canvas.text(
            "users",
            (MARGIN + 10, (top + bottom) / 2),
            TextLook::new(LABEL_SIZE, MUTED)
                .align(Align::Center)
                .middle()
                .upright(),
        )?;
        draw_time_axis(canvas, ts, bottom, None)?;

        // Markers: lines first, then labels on opaque boxes above them.
        draw_line_labels(canvas, &labels, markers_bottom, (top, bottom))?;

        draw_legend(canvas, &legend, (right + 40, top))
    }
}

// ---------------------------------------------------------------------------------------
// Downtime CDF
// ---------------------------------------------------------------------------------------

/// Nearest-rank percentile of sorted values: the smallest value with at least
/// `permille / 1000` of the values at or below it.
fn percentile_ms(sorted: &[u64], permille: u64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len() as u64;
    let rank = (permille * n).div_ceil(1_000).clamp(1, n);
    Some(sorted[(rank - 1) as usize])
}

impl Chart for DowntimeInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let (width, height) = (WIDTH as i32, HEIGHT as i32);
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let mut sorted = self.downtimes_ms.clone();
        sorted.sort_unstable();
        let n = sorted.len() as u64;
        let subtitle = match (sorted.first(), sorted.last()) {
            (Some(_), Some(&max)) => {
                let sum: u128 = sorted.iter().map(|&d| u128::from(d)).sum();
                let mean = (sum / u128::from(n)) as u64;
                format!(
                    "{} affected {} · mean {} · max {}",
                    thousands(n),
                    if n == 1 { "user" } else { "users" },
                    format_duration(mean),
                    format_duration(max)
                )
            }
            _ => "0 affected users".to_string(),
        };
        let heading_bottom = draw_heading(canvas, &self.title, &subtitle, width)?;
        let bottom = height - 84;
        let left = MARGIN + 30 + text_width("100 %", LABEL_SIZE) + 14;
        let right = width - MARGIN - 40;

        let Some(&max) = sorted.last() else {
            let top = heading_bottom + 16;
            canvas.outline_rect((left, top), (right, bottom), GRID.to_rgba(), 1)?;
            return draw_message(
                canvas,
                "no user was affected",
                ((left + right) / 2, (top + bottom) / 2),
            );
        };

        // At least one minute wide, so tiny downtimes get readable ticks.
        let span_ms = max.max(60_000);
        let tick_w = (text_width(&format_m_ss(span_ms), LABEL_SIZE) + 24).max(90);
        let max_ticks = ((right - left) / tick_w).max(1) as u64;
        let step = time_step(span_ms, max_ticks);
        // Strictly past the longest downtime, so the last step is not hidden by the edge.
        let end_ms = (span_ms / step).saturating_add(1).saturating_mul(step);
        let ts = TimeScale {
            left,
            right,
            end_ms,
        };

        // Percentiles: labelled in rows above the plot, like timeline markers.
        let percentiles: Vec<(u64, u64)> = [500u64, 950, 990]
            .iter()
            .filter_map(|&permille| percentile_ms(&sorted, permille).map(|v| (permille, v)))
            .collect();
        // Equal percentiles share one label: "p95 = p99 = 48m 13s".
        let mut labels: Vec<LineLabel> = Vec::new();
        let mut k = 0;
        while k < percentiles.len() {
            let value = percentiles[k].1;
            let mut names = Vec::new();
            while k < percentiles.len() && percentiles[k].1 == value {
                names.push(format!("p{}", percentiles[k].0 / 10));
                k += 1;
            }
            let text = format!("{} = {}", names.join(" = "), format_duration(value));
            labels.push(LineLabel::new(ts.x(value), text, PERCENTILE_COLOUR, (8, 5)));
        }
        let rows = place_line_labels(&mut labels, (MARGIN, width - MARGIN), 3);
        let rows_bottom = heading_bottom + rows as i32 * MARKER_ROW_HEIGHT;
        let top = rows_bottom + 16;
        let ys = CountScale {
            top,
            bottom,
            max: n,
        };

        // Grid and axes.
        for pct in (0..=100u64).step_by(20) {
            let y = bottom - scale(pct, 100, bottom - top);
            if pct > 0 {
                canvas.line(vec![(left, y), (right, y)], GRID.to_rgba(), 1)?;
            }
            canvas.line(vec![(left - 6, y), (left, y)], INK.to_rgba(), 1)?;
            canvas.text(
                &format!("{pct} %"),
                (left - 10, y),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
        }
        let mut t = 0;
        while t <= end_ms {
            let x = ts.x(t);
            if t > 0 {
                canvas.line(vec![(x, top), (x, bottom)], GRID.to_rgba(), 1)?;
            }
            canvas.line(vec![(x, bottom), (x, bottom + 6)], INK.to_rgba(), 1)?;
            let label = if step % 60_000 == 0 {
                (t / 60_000).to_string()
            } else {
                format_m_ss(t)
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
        canvas.line(vec![(left, top), (left, bottom)], INK.to_rgba(), 1)?;
        canvas.line(vec![(left, bottom), (right, bottom)], INK.to_rgba(), 1)?;
        let x_title = if step % 60_000 == 0 {
            "downtime per affected user (minutes)"
        } else {
            "downtime per affected user (m:ss)"
        };
        canvas.text(
            x_title,
            ((left + right) / 2, bottom + 40),
            TextLook::new(LABEL_SIZE, MUTED).align(Align::Center),
        )?;
        canvas.text(
            "share of affected users",
            (MARGIN + 10, (top + bottom) / 2),
            TextLook::new(LABEL_SIZE, MUTED)
                .align(Align::Center)
                .middle()
                .upright(),
        )?;

        // The empirical CDF as a step line: exact steps for small inputs, otherwise the
        // share at or below each of CDF_GRID evenly spaced downtimes.
        let mut points = vec![(ts.x(0), ys.y(0))];
        if sorted.len() <= CDF_EXACT_MAX {
            let mut i = 0;
            while i < sorted.len() {
                let value = sorted[i];
                let mut j = i;
                while j < sorted.len() && sorted[j] == value {
                    j += 1;
                }
                let x = ts.x(value);
                points.push((x, ys.y(i as u64)));
                points.push((x, ys.y(j as u64)));
                i = j;
            }
        } else {
            let mut previous = 0u64;
            for g in 0..=CDF_GRID {
                let at = end_ms.saturating_mul(g) / CDF_GRID;
                let count = sorted.partition_point(|&d| d <= at) as u64;
                let x = ts.x(at);
                points.push((x, ys.y(previous)));
                points.push((x, ys.y(count)));
                previous = count;
            }
        }
        points.push((ts.x(end_ms), ys.y(n)));
        canvas.line(simplify(&points), CDF_LINE.to_rgba(), 3)?;

        // Percentile lines over the curve, with a dot where each meets it.
        draw_line_labels(canvas, &labels, rows_bottom, (top, bottom))?;
        for &(permille, value) in &percentiles {
            let rank = (permille * n).div_ceil(1_000).clamp(1, n);
            canvas.dot((ts.x(value), ys.y(rank)), 6, PERCENTILE_COLOUR.to_rgba())?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Swimlanes
// ---------------------------------------------------------------------------------------

/// Where everything goes on the swimlane chart; computed once for both the image size
/// and the drawing.
struct UsersLayout {
    shown: usize,
    end_ms: u64,
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
    fn layout(&self) -> UsersLayout {
        let width = WIDTH as i32;
        let shown = self.lanes.len().min(MAX_LANES);
        let lanes = &self.lanes[..shown];
        let drawn = |s: &LaneSegment, end_ms: u64| s.end_ms > s.start_ms && s.start_ms < end_ms;
        let latest = lanes
            .iter()
            .flat_map(|l| l.segments.iter().map(|s| s.end_ms))
            .chain(self.faults.iter().map(|f| f.end_ms))
            .max()
            .unwrap_or(0);
        let end_ms = axis_end_ms(self.duration_ms, latest);

        // Colours and legend: Regions in the given order, then in order of appearance,
        // then every state (listed even when unused, so the key reads the same in every
        // run), then the fault hatching.
        let mut regions = RegionColours {
            regions: self.regions.clone(),
        };
        let mut connected_without_region = false;
        for s in lanes.iter().flat_map(|l| &l.segments) {
            if s.state == LaneState::Connected && drawn(s, end_ms) {
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
            for state in LaneState::LEGEND_ORDER {
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

        let label_w = lanes
            .iter()
            .map(|l| text_width(&l.label, LABEL_SIZE))
            .max()
            .unwrap_or(0)
            .min(320);
        let left = MARGIN + label_w + 16;
        let right = width - MARGIN - legend_width(&legend) - 40;
        let ts = TimeScale {
            left,
            right,
            end_ms,
        };
        let faults = FaultRows::layout(&self.faults, ts, width - MARGIN);
        let heading_bottom = TITLE_Y + TITLE_STEP + SUBTITLE_STEP + HEADING_PAD;
        let top = heading_bottom + faults.height() + 12;
        let lanes_h = shown.max(1) as i32 * LANE_PITCH;
        let height = (top + lanes_h + 84).max(USERS_MIN_HEIGHT as i32);
        UsersLayout {
            shown,
            end_ms,
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
}

impl Chart for UsersInput {
    fn size(&self) -> (u32, u32) {
        (WIDTH, self.layout().height as u32)
    }

    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn {
        let UsersLayout {
            shown,
            end_ms,
            mut regions,
            legend,
            label_w,
            ts,
            faults,
            heading_bottom,
            top,
            height,
        } = self.layout();
        let width = WIDTH as i32;
        canvas.fill_rect((0, 0), (width, height), WHITE.to_rgba())?;
        let subtitle = if self.lanes.len() > shown {
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
        };
        let drawn_heading = draw_heading(canvas, &self.title, &subtitle, width)?;
        debug_assert_eq!(drawn_heading, heading_bottom);
        faults.draw(canvas, heading_bottom + faults.height())?;
        let (left, right) = (ts.left, ts.right);
        let bottom = height - 84;
        let lanes = &self.lanes[..shown];

        if lanes.is_empty() {
            canvas.outline_rect((left, top), (right, bottom), GRID.to_rgba(), 1)?;
            draw_message(
                canvas,
                "no traced users",
                ((left + right) / 2, (top + bottom) / 2),
            )?;
            draw_time_axis(canvas, ts, bottom, None)?;
            return draw_legend(canvas, &legend, (right + 40, top));
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
        draw_time_axis(canvas, ts, lanes_bottom, Some(top))?;

        for (k, lane) in lanes.iter().enumerate() {
            let mid = top + k as i32 * pitch + pitch / 2;
            canvas.text(
                &fit_text(&lane.label, LABEL_SIZE, label_w),
                (left - 12, mid),
                TextLook::new(LABEL_SIZE, INK).align(Align::Right).middle(),
            )?;
            let mut segments: Vec<&LaneSegment> = lane
                .segments
                .iter()
                .filter(|s| s.end_ms > s.start_ms && s.start_ms < end_ms)
                .collect();
            segments.sort_by_key(|s| (s.start_ms, s.end_ms));
            let (y0, y1) = (mid - bar_h / 2, mid + bar_h / 2);
            for s in segments {
                let x0 = ts.x(s.start_ms);
                let x1 = ts.x(s.end_ms).max(x0 + 1);
                let colour = match (s.state, &s.region) {
                    (LaneState::Connected, Some(region)) => regions.colour(region),
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
        }
        canvas.line(vec![(left, top), (left, lanes_bottom)], INK.to_rgba(), 1)?;
        draw_legend(canvas, &legend, (right + 40, top))
    }
}

#[cfg(test)]
mod tests {
    use super::kit::rgb_pixels;
    use super::*;

    /// splitmix64: a fixed, dependency-free mixer for made-up test data.
    fn mix(seed: u64) -> u64 {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(seed: u64, lo: u64, hi: u64) -> u64 {
        lo + mix(seed) % (hi - lo + 1)
    }

    const MIN: u64 = 60_000;
    const OUTAGE_START: u64 = 60 * MIN;
    const OUTAGE_END: u64 = 105 * MIN;
    const DNS_FAILOVER: u64 = OUTAGE_START + 100_000;
    const DNS_FAILBACK: u64 = OUTAGE_END + 100_000;
    const DURATION: u64 = 360 * MIN;

    /// One made-up user: segments over the whole run and the downtime (if affected).
    fn sample_user(i: u64) -> (Vec<LaneSegment>, Option<u64>) {
        let seg = |start_ms, end_ms, state, region: Option<&str>| LaneSegment {
            start_ms,
            end_ms,
            state,
            region: region.map(str::to_string),
        };
        let start = uniform(i * 8 + 1, 0, 30 * MIN);
        let login = uniform(i * 8 + 2, 30_000, 120_000);
        let mut segments = vec![
            seg(0, start, LaneState::Offline, None),
            seg(start, start + login, LaneState::LoggingIn, None),
        ];
        let connected = start + login;
        if connected >= OUTAGE_START {
            segments.push(seg(
                connected,
                DURATION,
                LaneState::Connected,
                Some("us-west-2"),
            ));
            return (segments, None);
        }
        segments.push(seg(
            connected,
            OUTAGE_START,
            LaneState::Connected,
            Some("us-west-2"),
        ));
        let notice = OUTAGE_START + uniform(i * 8 + 3, 5_000, 30_000);
        segments.push(seg(OUTAGE_START, notice, LaneState::Disconnected, None));
        let category = mix(i * 8 + 4) % 100;
        let relogin_login = uniform(i * 8 + 5, 40_000, 120_000);
        let (waiting_until, region) = if category < 78 {
            // Re-logs in after the DNS change: a skewed think time of 20 s to 8 min.
            let think =
                uniform(i * 8 + 6, 20_000, 8 * MIN).min(uniform(i * 8 + 7, 20_000, 8 * MIN));
            (DNS_FAILOVER.max(notice) + think, "us-east-1")
        } else if category < 93 {
            // Behind a resolver that extends TTLs: failed logins until the answer expires.
            (
                OUTAGE_START + uniform(i * 8 + 6, 10 * MIN, 30 * MIN),
                "us-east-1",
            )
        } else {
            // Region-code registration or no WorkSpace in us-east-1: back after recovery.
            (
                OUTAGE_END + uniform(i * 8 + 6, 30_000, 5 * MIN),
                "us-west-2",
            )
        };
        segments.push(seg(notice, waiting_until, LaneState::Waiting, None));
        let back = waiting_until + relogin_login;
        segments.push(seg(waiting_until, back, LaneState::LoggingIn, None));
        segments.push(seg(back, DURATION, LaneState::Connected, Some(region)));
        (segments, Some(back - OUTAGE_START))
    }

    fn sample_faults() -> Vec<FaultWindow> {
        vec![FaultWindow {
            start_ms: OUTAGE_START,
            end_ms: OUTAGE_END,
            label: "us-west-2 outage (sessions, logins, endpoint)".to_string(),
        }]
    }

    fn sample_inputs() -> (TimelineInput, DowntimeInput, UsersInput) {
        const USERS: u64 = 2_000;
        const STEP: u64 = 10_000;
        let times_ms: Vec<u64> = (0..=DURATION / STEP).map(|k| k * STEP).collect();
        let mut counts = vec![[0u32; 5]; times_ms.len()];
        let mut downtimes_ms = Vec::new();
        let mut lanes = Vec::new();
        let traced = [
            3, 150, 420, 777, 901, 1_024, 1_234, 1_500, 1_666, 1_818, 1_950, 1_999,
        ];
        for i in 0..USERS {
            let (segments, downtime) = sample_user(i);
            downtimes_ms.extend(downtime);
            for s in &segments {
                let band = match (s.state, s.region.as_deref()) {
                    (LaneState::Connected, Some("us-west-2")) => 0,
                    (LaneState::Connected, _) => 1,
                    (LaneState::Disconnected | LaneState::Waiting, _) => 2,
                    (LaneState::LoggingIn, _) => 3,
                    (LaneState::Offline, _) => 4,
                };
                let first = s.start_ms.div_ceil(STEP) as usize;
                // A segment running to the end also covers the sample at the very end.
                let last = if s.end_ms >= DURATION {
                    times_ms.len()
                } else {
                    s.end_ms.div_ceil(STEP) as usize
                };
                for c in &mut counts[first..last] {
                    c[band] += 1;
                }
            }
            if traced.contains(&i) {
                let group = if i % 3 == 0 { "contractors" } else { "staff" };
                lanes.push(Lane {
                    label: format!("user {i} ({group})"),
                    segments,
                });
            }
        }
        let labels = [
            "connected us-west-2",
            "connected us-east-1",
            "disconnected",
            "logging in",
            "offline",
        ];
        let bands = labels
            .iter()
            .enumerate()
            .map(|(b, label)| StackedSeries {
                label: label.to_string(),
                values: counts.iter().map(|c| c[b]).collect(),
            })
            .collect();
        let mut sorted = downtimes_ms.clone();
        sorted.sort_unstable();
        let p95 = percentile_ms(&sorted, 950).unwrap_or(0);
        let marker = |at_ms, kind, label: &str| Marker {
            at_ms,
            kind,
            label: label.to_string(),
        };
        let timeline = TimelineInput {
            title: "WorkSpaces cross-Region redirection: us-west-2 -> us-east-1".to_string(),
            subtitle: format!(
                "seed 7 · {} users · {} affected · downtime p95 {} · DNS failover 1m 40s after the fault",
                thousands(USERS),
                thousands(sorted.len() as u64),
                format_duration(p95)
            ),
            times_ms,
            bands,
            faults: sample_faults(),
            markers: vec![
                marker(OUTAGE_START + 60_000, MarkerKind::Alarm, "primary-down ALARM"),
                marker(OUTAGE_START + 90_000, MarkerKind::HealthCheck, "primary unhealthy"),
                marker(DNS_FAILOVER, MarkerKind::DnsAnswer, "DNS -> us-east-1"),
                marker(OUTAGE_END + 60_000, MarkerKind::Alarm, "primary-down OK"),
                marker(OUTAGE_END + 90_000, MarkerKind::HealthCheck, "primary healthy"),
                marker(DNS_FAILBACK, MarkerKind::DnsAnswer, "DNS -> us-west-2"),
            ],
            duration_ms: DURATION,
        };
        let downtime = DowntimeInput {
            title: "Downtime of affected users: us-west-2 outage, seed 7".to_string(),
            downtimes_ms,
        };
        let users = UsersInput {
            title: "Traced users: us-west-2 outage, seed 7".to_string(),
            lanes,
            duration_ms: DURATION,
            faults: sample_faults(),
            regions: vec!["us-west-2".to_string(), "us-east-1".to_string()],
        };
        (timeline, downtime, users)
    }

    fn render_any(chart: &Chart3, format: ImageFormat, path: &Path) -> Result<(), ChartError> {
        match chart {
            Chart3::Timeline(c) => render_timeline(c, format, path),
            Chart3::Downtime(c) => render_downtime(c, format, path),
            Chart3::Users(c) => render_users(c, format, path),
        }
    }

    enum Chart3 {
        Timeline(TimelineInput),
        Downtime(DowntimeInput),
        Users(UsersInput),
    }

    fn sample_charts() -> Vec<(&'static str, Chart3)> {
        let (timeline, downtime, users) = sample_inputs();
        vec![
            ("timeline", Chart3::Timeline(timeline)),
            ("downtime", Chart3::Downtime(downtime)),
            ("users", Chart3::Users(users)),
        ]
    }

    fn png_size(bytes: &[u8]) -> (u32, u32) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
        assert_eq!(&bytes[12..16], b"IHDR", "IHDR is the first chunk");
        let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        (be(&bytes[16..20]), be(&bytes[20..24]))
    }

    /// Writes the sample charts for people to look at:
    /// `cargo test -- --ignored write_sample_charts` (directory from
    /// `FAILSIM_CHARTS_OUT`, default `/tmp/charts-out`).
    #[test]
    #[ignore = "writes sample charts outside the build tree"]
    fn write_sample_charts() {
        let dir = std::env::var_os("FAILSIM_CHARTS_OUT")
            .map_or_else(|| PathBuf::from("/tmp/charts-out"), PathBuf::from);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, chart) in sample_charts() {
            for format in [ImageFormat::Svg, ImageFormat::Png] {
                let path = dir.join(format!("{name}.{}", format.extension()));
                render_any(&chart, format, &path).unwrap();
            }
        }
    }

    #[test]
    fn every_chart_is_byte_identical_when_rendered_twice_and_slide_sized() {
        let dir = tempfile::tempdir().unwrap();
        for (name, chart) in sample_charts() {
            for format in [ImageFormat::Svg, ImageFormat::Png] {
                let ext = format.extension();
                let first = dir.path().join(format!("{name}-1.{ext}"));
                let second = dir.path().join(format!("{name}-2.{ext}"));
                render_any(&chart, format, &first).unwrap();
                render_any(&chart, format, &second).unwrap();
                let (a, b) = (
                    std::fs::read(&first).unwrap(),
                    std::fs::read(&second).unwrap(),
                );
                assert!(a.len() > 1_000, "{name}.{ext} is suspiciously small");
                assert!(a == b, "{name}.{ext} differs between two renders");
                if format == ImageFormat::Png {
                    let (w, h) = png_size(&a);
                    assert_eq!(w, 1600, "{name} width");
                    assert!(h >= 600, "{name} height {h}");
                } else {
                    let svg = String::from_utf8(a).unwrap();
                    assert!(svg.starts_with("<svg") && svg.contains(r#"width="1600""#));
                }
            }
        }
    }

    #[test]
    fn charts_show_the_data() {
        register_font().unwrap();
        let (timeline, downtime, users) = sample_inputs();
        let share_of = |pixels: &[u8], colour: RGBColor| {
            let hits = pixels
                .chunks_exact(3)
                .filter(|p| p[0] == colour.0 && p[1] == colour.1 && p[2] == colour.2)
                .count();
            hits as f64 / (pixels.len() / 3) as f64
        };
        let non_white = |pixels: &[u8]| {
            let hits = pixels
                .chunks_exact(3)
                .filter(|p| p != &[255, 255, 255])
                .count();
            hits as f64 / (pixels.len() / 3) as f64
        };
        let pixels = rgb_pixels(&timeline).unwrap();
        assert!(
            share_of(&pixels, REGION_COLOURS[0]) > 0.05,
            "us-west-2 band visible"
        );
        assert!(
            share_of(&pixels, REGION_COLOURS[1]) > 0.05,
            "us-east-1 band visible"
        );
        assert!(
            share_of(&pixels, DISCONNECTED_COLOUR) > 0.001,
            "disconnected visible"
        );
        assert!(share_of(&pixels, OFFLINE_COLOUR) > 0.01, "offline visible");
        assert!(non_white(&pixels) > 0.4);
        let pixels = rgb_pixels(&downtime).unwrap();
        assert!(share_of(&pixels, CDF_LINE) > 0.001, "CDF line visible");
        assert!(non_white(&pixels) > 0.02);
        let pixels = rgb_pixels(&users).unwrap();
        assert!(
            share_of(&pixels, WAITING_COLOUR) > 0.001,
            "waiting segments visible"
        );
        assert!(
            share_of(&pixels, REGION_COLOURS[1]) > 0.01,
            "us-east-1 segments visible"
        );
        // Text is drawn: the title row is not blank.
        let title_row = &pixels[1600 * 3 * 30..1600 * 3 * 31];
        assert!(non_white(title_row) > 0.0, "title drawn");
    }

    #[test]
    fn svg_names_the_font_and_carries_the_labels() {
        let dir = tempfile::tempdir().unwrap();
        let (timeline, downtime, _) = sample_inputs();
        let path = dir.path().join("timeline.svg");
        render_timeline(&timeline, ImageFormat::Svg, &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.contains(r#"font-family="DejaVu Sans, sans-serif""#));
        assert!(
            svg.contains("1:01:40 DNS -&gt; us-east-1"),
            "marker label with time"
        );
        assert!(svg.contains("us-west-2 outage (sessions, logins, endpoint) 1:00–1:45"));
        assert!(
            svg.contains(">\n3:00\n<") || svg.contains("3:00"),
            "h:mm ticks"
        );
        let path = dir.path().join("downtime.svg");
        render_downtime(&downtime, ImageFormat::Svg, &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        for p in ["p50 = ", "p95 = ", "p99 = "] {
            assert!(svg.contains(p), "{p} label");
        }
        let one = DowntimeInput {
            title: "one".to_string(),
            downtimes_ms: vec![90_000],
        };
        render_downtime(&one, ImageFormat::Svg, &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(
            svg.contains("p50 = p95 = p99 = 1m 30s"),
            "equal percentiles share a label"
        );
        let none = DowntimeInput {
            title: "none".to_string(),
            downtimes_ms: vec![],
        };
        render_downtime(&none, ImageFormat::Svg, &path).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.contains("no user was affected"));
    }

    /// SVG to a file; PNG drawn in memory (the same drawing code, without the PNG
    /// encoder, which is slow in debug builds), and to a file when keeping the output.
    fn render_both<C: Chart>(chart: &C, name: &str, dir: &Path, keep: bool) {
        let path = dir.join(format!("{name}.svg"));
        render(chart, ImageFormat::Svg, &path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 0);
        let pixels = rgb_pixels(chart).unwrap();
        assert!(pixels.iter().any(|&b| b != 255), "{name} is blank");
        if keep {
            render(chart, ImageFormat::Png, &dir.join(format!("{name}.png"))).unwrap();
        }
    }

    #[test]
    fn edge_cases_render_without_panicking() {
        // FAILSIM_CHARTS_EDGE_OUT keeps the files for a look.
        let temp = tempfile::tempdir().unwrap();
        let keep = std::env::var_os("FAILSIM_CHARTS_EDGE_OUT");
        let dir = keep
            .clone()
            .map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
        std::fs::create_dir_all(&dir).unwrap();
        let (dir, keep) = (dir.as_path(), keep.is_some());
        let empty_timeline = TimelineInput {
            title: String::new(),
            subtitle: String::new(),
            times_ms: vec![],
            bands: vec![],
            faults: vec![],
            markers: vec![],
            duration_ms: 0,
        };
        render_both(&empty_timeline, "timeline-empty", dir, keep);
        let odd_timeline = TimelineInput {
            title: "odd".to_string(),
            subtitle: "unsorted times, short band, markers and faults out of range".to_string(),
            times_ms: vec![0, 20_000, 10_000, 30_000, 40_000],
            bands: vec![
                StackedSeries {
                    label: "connected eu-west-1".to_string(),
                    values: vec![1, 2, 3, 4],
                },
                StackedSeries {
                    label: "something else".to_string(),
                    values: vec![0, 0, 0, 0, 0, 9],
                },
            ],
            faults: vec![
                FaultWindow {
                    start_ms: 50_000,
                    end_ms: 10_000,
                    label: "backwards".to_string(),
                },
                FaultWindow {
                    start_ms: 0,
                    end_ms: u64::MAX,
                    label: "forever".to_string(),
                },
            ],
            markers: (0..40)
                .map(|k| Marker {
                    at_ms: k * 500,
                    kind: MarkerKind::ALL[k as usize % 4],
                    label: format!("flap {k}"),
                })
                .chain([Marker {
                    at_ms: u64::MAX,
                    kind: MarkerKind::Action,
                    label: "never".to_string(),
                }])
                .collect(),
            duration_ms: 0,
        };
        render_both(&odd_timeline, "timeline-odd", dir, keep);
        let one_point = TimelineInput {
            times_ms: vec![0],
            bands: vec![StackedSeries {
                label: "offline".to_string(),
                values: vec![0],
            }],
            ..empty_timeline.clone()
        };
        render_both(&one_point, "timeline-one-point", dir, keep);

        for (name, downtimes_ms) in [
            ("downtime-empty", vec![]),
            ("downtime-one", vec![90_000]),
            ("downtime-zeros", vec![0, 0, 0]),
            ("downtime-huge", vec![u64::MAX / 2, 1]),
            (
                "downtime-many",
                (0..20_000u64).map(|k| k * 37 % 9_000_000).collect(),
            ),
        ] {
            let input = DowntimeInput {
                title: name.to_string(),
                downtimes_ms,
            };
            render_both(&input, name, dir, keep);
        }

        let no_lanes = UsersInput {
            title: "nobody traced".to_string(),
            lanes: vec![],
            duration_ms: 0,
            faults: vec![],
            regions: vec![],
        };
        render_both(&no_lanes, "users-empty", dir, keep);
        let one_lane = UsersInput {
            title: "one user, zero duration".to_string(),
            lanes: vec![Lane {
                label:
                    "user 0 (staff) with a label far too long to fit beside the lanes of this chart"
                        .to_string(),
                segments: vec![
                    LaneSegment {
                        start_ms: 5_000,
                        end_ms: 1_000,
                        state: LaneState::Connected,
                        region: Some("ap-south-1".to_string()),
                    },
                    LaneSegment {
                        start_ms: 0,
                        end_ms: 0,
                        state: LaneState::Waiting,
                        region: None,
                    },
                    LaneSegment {
                        start_ms: 0,
                        end_ms: 10_000,
                        state: LaneState::Connected,
                        region: None,
                    },
                ],
            }],
            duration_ms: 0,
            faults: sample_faults(),
            regions: vec![],
        };
        render_both(&one_lane, "users-one", dir, keep);
        let many_lanes = UsersInput {
            title: "many".to_string(),
            lanes: (0..200)
                .map(|k| Lane {
                    label: format!("user {k}"),
                    segments: vec![LaneSegment {
                        start_ms: k * 1_000,
                        end_ms: 400_000,
                        state: LaneState::Connected,
                        region: Some(format!("region-{}", k % 9)),
                    }],
                })
                .collect(),
            duration_ms: 400_000,
            faults: vec![],
            regions: vec![],
        };
        assert!(many_lanes.size().1 > 2 * HEIGHT);
        render_both(&many_lanes, "users-many", dir, keep);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (_, downtime, _) = sample_inputs();
        let wrong_extension = dir.path().join("downtime.jpeg");
        let error = render_downtime(&downtime, ImageFormat::Png, &wrong_extension).unwrap_err();
        assert_eq!(error.path(), wrong_extension.as_path());
        assert!(error.to_string().contains("downtime.jpeg"), "{error}");
        assert!(!wrong_extension.exists());
        for format in [ImageFormat::Svg, ImageFormat::Png] {
            let missing = dir
                .path()
                .join("no-such-dir")
                .join(format!("downtime.{}", format.extension()));
            let error = render_downtime(&downtime, format, &missing).unwrap_err();
            assert!(error.to_string().contains("no-such-dir"), "{error}");
        }
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile_ms(&sorted, 500), Some(50));
        assert_eq!(percentile_ms(&sorted, 950), Some(95));
        assert_eq!(percentile_ms(&sorted, 990), Some(99));
        assert_eq!(percentile_ms(&[7], 990), Some(7));
        assert_eq!(percentile_ms(&[1, 2, 3], 500), Some(2));
        assert_eq!(percentile_ms(&[], 500), None);
    }

    #[test]
    fn times_format_for_people() {
        assert_eq!(format_h_mm(0), "0:00");
        assert_eq!(format_h_mm(105 * MIN), "1:45");
        assert_eq!(format_h_mm(26 * 60 * MIN), "26:00");
        assert_eq!(format_h_mm_ss(3_700_000), "1:01:40");
        assert_eq!(format_clock(3_600_000), "1:00");
        assert_eq!(format_clock(3_690_000), "1:01:30");
        assert_eq!(format_duration(754_400), "12m 34s");
        assert_eq!(format_duration(499), "0s");
        assert_eq!(format_duration(3_723_000), "1h 02m 03s");
        assert_eq!(format_m_ss(75_000), "1:15");
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(time_step(360 * MIN, 13), 30 * MIN);
        assert_eq!(time_step(0, 10), 1_000);
        assert_eq!(time_step(u64::MAX, 10) % 604_800_000, 0);
        assert_eq!(count_step(2_000, 8), 500);
        assert_eq!(count_step(1, 8), 1);
        assert!(count_step(u64::MAX, 8) > 0);
        assert_eq!(scale(5, 10, 100), 50);
        assert_eq!(scale(u64::MAX, u64::MAX, 1_000), 1_000);
    }

    #[test]
    fn labels_take_the_lowest_free_row() {
        let rows = assign_rows(&[(0, 100), (50, 150), (90, 200), (400, 500)], 2);
        assert_eq!(rows, vec![Some(0), Some(1), None, Some(0)]);
        let rows = assign_rows(&[(0, 100), (200, 300)], 1);
        assert_eq!(rows, vec![Some(0), Some(0)]);
    }

    #[test]
    fn simplify_keeps_the_shape() {
        let points = vec![
            (0, 10),
            (0, 10),
            (1, 10),
            (2, 10),
            (2, 5),
            (2, 8),
            (2, 7),
            (3, 7),
        ];
        assert_eq!(
            simplify(&points),
            vec![(0, 10), (2, 10), (2, 5), (2, 7), (3, 7)]
        );
        assert_eq!(simplify(&[]), Vec::<(i32, i32)>::new());
    }

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
        assert_eq!(colour("misdirected"), OTHER_COLOURS[0]);
    }
}
