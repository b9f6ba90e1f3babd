//! Every chart failsim draws, and the only module that uses plotters: the run charts (the
//! outage timeline, the downtime CDF, the age of replicated data on standby WorkSpaces and
//! swimlanes of traced users, built from a `Report`
//! by `report::views`) and the sweep chart (one metric against the first varied parameter,
//! built by the sweep). Each chart takes a plain input struct and is written by one
//! `render_*` function.
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
//! follows their label (see `palette`). No input makes rendering panic: empty series, no
//! affected users, no lanes and a zero duration all produce a chart that says what is
//! missing.
//!
//! Layout of the module: `kit` holds the font, the canvas and text measurement;
//! `scale` the axes' tick steps and the value-to-pixel scales; `layout` the heading, label
//! rows, legend and time axis; `faults` the fault windows; `palette` every colour; then
//! one file per chart (`timeline`, `downtime`, `data_age`, `users`, `sweep`, `compare`,
//! `tornado`). Time labels are formatted
//! by [`crate::time`].

mod compare;
mod data_age;
mod downtime;
mod encode;
mod faults;
pub(crate) mod kit;
mod layout;
mod palette;
mod scale;
mod sweep;
mod timeline;
mod tornado;
mod users;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use plotters::prelude::{BitMapBackend, DrawingBackend, IntoDrawingArea, SVGBackend};

use kit::{register_font, Canvas, Drawn};

pub use compare::{CompareDowntimeInput, CompareTimelineInput, CountsAt};
pub use data_age::{share_text, AgeCurve, DataAgeInput, RpoLine};
pub use downtime::{CohortCurve, DowntimeInput, DowntimeTarget};
pub use faults::FaultWindow;
pub use sweep::{SweepInput, SweepLine, SweepPoint};
pub use timeline::{Marker, MarkerKind, StackedSeries, TimelineInput};
pub use tornado::{TornadoBar, TornadoInput};
pub use users::{Lane, LaneSegment, LaneState, UsersInput, MAX_LANES};

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

/// A chart could not be written. The message names the file.
#[derive(Debug, thiserror::Error)]
#[error("cannot write chart {}: {reason}", path.display())]
pub struct ChartError {
    path: PathBuf,
    reason: String,
}

impl ChartError {
    /// A chart error about `path`.
    pub fn new(path: &Path, reason: impl Into<String>) -> Self {
        ChartError {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }

    /// The file that could not be written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Why, without the file name (plotters' or the file system's message).
    pub fn reason(&self) -> &str {
        &self.reason
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

/// Writes the CDF of the age of the replicated data redirected users arrived on, with the
/// p50, p95 and each recovery point objective marked.
pub fn render_data_age(
    input: &DataAgeInput,
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

/// Writes the sweep chart: one metric's mean against the first varied parameter, one line
/// per combination of the others, with confidence bands and `[[expect]]` bounds.
pub fn render_sweep(
    input: &SweepInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ChartError> {
    render(input, format, path)
}

/// Writes the tornado chart of a sensitivity analysis.
pub fn render_tornado(
    input: &TornadoInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ChartError> {
    render(input, format, path)
}

/// Writes the downtime CDFs of two compared configurations, overlaid.
pub fn render_compare_downtime(
    input: &CompareDowntimeInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ChartError> {
    render(input, format, path)
}

/// Writes users connected and not connected over time of two compared configurations.
pub fn render_compare_timeline(
    input: &CompareTimelineInput,
    format: ImageFormat,
    path: &Path,
) -> Result<(), ChartError> {
    render(input, format, path)
}

/// A chart as an SVG document in memory: the bytes of its `.svg` file, which has no XML
/// declaration, so it can also be inlined in HTML (the HTML report).
pub fn svg_document(chart: &AnyChart<'_>) -> Result<String, String> {
    register_font()?;
    match chart {
        AnyChart::Timeline(c) => svg_string(*c),
        AnyChart::Downtime(c) => svg_string(*c),
        AnyChart::DataAge(c) => svg_string(*c),
        AnyChart::Users(c) => svg_string(*c),
        AnyChart::Sweep(c) => svg_string(*c),
        AnyChart::CompareDowntime(c) => svg_string(*c),
        AnyChart::CompareTimeline(c) => svg_string(*c),
        AnyChart::Tornado(c) => svg_string(*c),
    }
}

/// A chart as a PNG file's bytes, drawn and encoded in memory (callers render several
/// charts in parallel and write them in a fixed order).
pub fn png_document(chart: &AnyChart<'_>) -> Result<Vec<u8>, String> {
    register_font()?;
    match chart {
        AnyChart::Timeline(c) => png_bytes(*c),
        AnyChart::Downtime(c) => png_bytes(*c),
        AnyChart::DataAge(c) => png_bytes(*c),
        AnyChart::Users(c) => png_bytes(*c),
        AnyChart::Sweep(c) => png_bytes(*c),
        AnyChart::CompareDowntime(c) => png_bytes(*c),
        AnyChart::CompareTimeline(c) => png_bytes(*c),
        AnyChart::Tornado(c) => png_bytes(*c),
    }
}

/// Any chart's input, for [`svg_document`] and [`png_document`].
#[derive(Clone, Copy, Debug)]
pub enum AnyChart<'a> {
    /// The outage timeline.
    Timeline(&'a TimelineInput),
    /// The downtime CDF.
    Downtime(&'a DowntimeInput),
    /// The age of replicated data on standby WorkSpaces.
    DataAge(&'a DataAgeInput),
    /// The swimlanes.
    Users(&'a UsersInput),
    /// The sweep chart.
    Sweep(&'a SweepInput),
    /// Two configurations' downtime CDFs.
    CompareDowntime(&'a CompareDowntimeInput),
    /// Two configurations' users over time.
    CompareTimeline(&'a CompareTimelineInput),
    /// A sensitivity analysis.
    Tornado(&'a TornadoInput),
}

/// Writes an SVG document made by [`svg_document`].
pub fn write_svg_document(svg: &str, path: &Path) -> Result<(), ChartError> {
    std::fs::write(path, svg).map_err(|e| ChartError::new(path, e.to_string()))
}

// ---------------------------------------------------------------------------------------
// Rendering plumbing (the drawing helpers are in `kit`)
// ---------------------------------------------------------------------------------------

/// A chart that can draw itself on any plotters backend.
trait Chart {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole chart.
    fn draw<DB: DrawingBackend>(&self, canvas: &Canvas<'_, DB>) -> Drawn;
}

/// Writes `chart` to `path` in `format`. A PNG is drawn in memory first, so a drawing
/// error never leaves a file behind.
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

/// Draws `chart` as an SVG document.
fn svg_string<C: Chart>(chart: &C) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, chart.size()).into_drawing_area();
        chart.draw(&Canvas::new(&root, false))?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Draws `chart` into an RGB buffer (3 bytes per pixel, row-major).
fn rgb_pixels<C: Chart>(chart: &C) -> Result<crate::platform::ZeroedPages, String> {
    let (w, h) = chart.size();
    // 3.8 MB for a 1600 x 800 chart, on huge pages (see `ZeroedPages`).
    let mut pixels = crate::platform::ZeroedPages::new(w as usize * h as usize * 3);
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        chart.draw(&Canvas::new(&root, true))?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(pixels)
}

/// Writes `chart` to `path` as SVG. The bundled font must be registered
/// ([`register_font`]).
fn write_svg<C: Chart>(chart: &C, path: &Path) -> Result<(), String> {
    let svg = svg_string(chart)?;
    std::fs::write(path, svg).map_err(|e| e.to_string())
}

/// Writes `chart` to `path` as PNG. The chart is drawn and encoded in memory first, so a
/// drawing error never leaves a file behind.
fn write_png<C: Chart>(chart: &C, path: &Path) -> Result<(), String> {
    let bytes = png_bytes(chart)?;
    std::fs::write(path, bytes).map_err(|e| e.to_string())
}

/// Draws `chart` and encodes it as a PNG file's bytes (see `encode` for the settings).
fn png_bytes<C: Chart>(chart: &C) -> Result<Vec<u8>, String> {
    encode::png_bytes(&rgb_pixels(chart)?, chart.size())
}
