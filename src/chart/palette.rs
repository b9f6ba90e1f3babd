//! Every colour the charts use, in one place. Run-chart colours follow the Okabe-Ito
//! palette, which stays distinguishable under the common forms of colour-vision deficiency:
//! users connected to a Region in blues and greens, disconnected in vermillion, logging in
//! in amber, queued launches in yellow, misdirected users in wine, offline in light grey. A Region keeps its colour across the timeline and the
//! swimlanes ([`RegionColours`]).

use plotters::style::RGBColor;

/// Background.
pub(super) const WHITE: RGBColor = RGBColor(255, 255, 255);
/// Text and axes.
pub(super) const INK: RGBColor = RGBColor(33, 33, 33);
/// Subtitles and secondary text.
pub(super) const MUTED: RGBColor = RGBColor(90, 90, 90);
/// Grid lines.
pub(super) const GRID: RGBColor = RGBColor(222, 222, 222);

/// Behind every other swimlane.
pub(super) const LANE_BACKGROUND: RGBColor = RGBColor(246, 246, 246);
/// Inside fault-window bars and their legend swatch.
pub(super) const FAULT_FILL: RGBColor = RGBColor(252, 236, 234);
/// Fault-window outlines, hatching and labels.
pub(super) const FAULT_EDGE: RGBColor = RGBColor(150, 40, 30);
/// The downtime CDF.
pub(super) const CDF_LINE: RGBColor = RGBColor(0, 90, 160);
/// Percentile lines, labels and dots on the downtime CDF.
pub(super) const PERCENTILE_COLOUR: RGBColor = RGBColor(60, 60, 60);

/// Outline of the light-grey `offline` legend swatch, which would vanish on white.
pub(super) const OFFLINE_SWATCH_EDGE: RGBColor = RGBColor(170, 170, 170);

/// Colours of users connected in each Region, in the order Regions first appear:
/// Okabe-Ito blue, bluish green and sky blue, then Paul Tol's green, indigo and teal.
/// A seventh Region reuses the first colour.
pub(super) const REGION_COLOURS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),  // blue
    RGBColor(0, 158, 115),  // bluish green
    RGBColor(86, 180, 233), // sky blue
    RGBColor(17, 119, 51),  // green
    RGBColor(51, 34, 136),  // indigo
    RGBColor(68, 170, 153), // teal
];
pub(super) const DISCONNECTED_COLOUR: RGBColor = RGBColor(213, 94, 0); // vermillion
pub(super) const LOGGING_IN_COLOUR: RGBColor = RGBColor(230, 159, 0); // amber
pub(super) const OFFLINE_COLOUR: RGBColor = RGBColor(217, 217, 217); // light grey
pub(super) const WAITING_COLOUR: RGBColor = RGBColor(204, 121, 167); // reddish purple
/// Launches waiting in a launch queue: Okabe-Ito yellow, beside logging in's amber.
pub(super) const QUEUED_COLOUR: RGBColor = RGBColor(240, 228, 66);
/// Users sent to a hijacked answer: Paul Tol's wine, dark and apart from every other state.
pub(super) const MISDIRECTED_COLOUR: RGBColor = RGBColor(136, 34, 85);
pub(super) const UNKNOWN_REGION_COLOUR: RGBColor = RGBColor(0, 73, 115); // dark blue
/// Bands whose label follows no convention get these, in order.
pub(super) const OTHER_COLOURS: [RGBColor; 4] = [
    RGBColor(102, 102, 51),
    RGBColor(153, 153, 51),
    RGBColor(170, 68, 153),
    RGBColor(221, 204, 119),
];

/// Timeline marker lines, by what changed (see `MarkerKind`).
pub(super) const HEALTH_CHECK_MARKER: RGBColor = RGBColor(106, 61, 154);
pub(super) const ALARM_MARKER: RGBColor = RGBColor(140, 81, 10);
pub(super) const DNS_ANSWER_MARKER: RGBColor = RGBColor(0, 0, 0);
pub(super) const ACTION_MARKER: RGBColor = RGBColor(80, 80, 80);

/// Tornado bars: the parameter at its low value (light blue) and its high value (dark
/// blue), and the base line.
pub(super) const TORNADO_LOW: RGBColor = RGBColor(140, 180, 215);
pub(super) const TORNADO_HIGH: RGBColor = RGBColor(0, 90, 160);
pub(super) const TORNADO_BASE_LINE: RGBColor = RGBColor(33, 33, 33);

/// The line and label marking users still down at the end on the downtime CDF.
pub(super) const CENSORED_COLOUR: RGBColor = RGBColor(90, 90, 90);

/// `[[expect]]` bound lines on the sweep chart and target lines on the downtime CDF.
pub(super) const EXPECT_BOUND: RGBColor = RGBColor(150, 40, 30);

/// Behind the ages past the recovery point objective on the data-age chart: the fault
/// fill's pale red, so the users who lost more than the objective read as a failure.
pub(super) const OVER_RPO_FILL: RGBColor = FAULT_FILL;

/// Opacity of the sweep chart's confidence bands.
pub(super) const CONFIDENCE_BAND_OPACITY: f64 = 0.18;

/// Okabe-Ito (without yellow, which vanishes on white): one colour per sweep-chart line, cycling.
pub(super) const SWEEP_LINE_COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
];

/// Assigns colours to Regions: the given order first, then order of first use.
#[derive(Debug, Default)]
pub(super) struct RegionColours {
    pub(super) regions: Vec<String>,
}

impl RegionColours {
    pub(super) fn colour(&mut self, region: &str) -> RGBColor {
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
pub(super) fn text_colour_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    // Integer Rec. 601 luma.
    let luma = 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b);
    if luma > 140_000 {
        INK
    } else {
        WHITE
    }
}
