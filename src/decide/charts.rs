//! The files of the decision commands' charts: inputs built from the results, rendered by
//! [`crate::chart`].

use super::compare::Comparison;
use crate::chart::{self, CompareDowntimeInput, CompareTimelineInput, ImageFormat};
use crate::output::OutputError;
use std::path::Path;

/// Writes `compare-downtime` and `compare-timeline` in each format into `dir`; returns the
/// file names and, when `inline`, both charts as SVG documents (for `report.html`).
pub fn write_compare_charts(
    comparison: &Comparison,
    (base, candidate): (&str, &str),
    title: &str,
    dir: &Path,
    (formats, inline): (&[ImageFormat], bool),
) -> Result<(Vec<String>, Vec<String>), OutputError> {
    let r = comparison.base.replications();
    let downtime = CompareDowntimeInput {
        title: format!("Downtime compared: {title}"),
        subtitle: format!(
            "affected users of {r} replication{} per side, same seeds on both sides",
            if r == 1 { "" } else { "s" }
        ),
        sides: [
            (base.to_string(), comparison.base.downtimes_ms.clone()),
            (
                candidate.to_string(),
                comparison.candidate.downtimes_ms.clone(),
            ),
        ],
    };
    let points = |side: &super::Replicated| -> Vec<(u64, u64, u64)> {
        side.series
            .iter()
            .map(|p| (p.time_ms, p.connected, p.not_connected))
            .collect()
    };
    let duration_ms = comparison
        .base
        .series
        .iter()
        .chain(&comparison.candidate.series)
        .map(|p| p.time_ms)
        .max()
        .unwrap_or(0);
    let timeline = CompareTimelineInput {
        title: format!("Users over time compared: {title}"),
        subtitle: "replication 0 of each side (the same seed)".to_string(),
        duration_ms,
        sides: [
            (base.to_string(), points(&comparison.base)),
            (candidate.to_string(), points(&comparison.candidate)),
        ],
    };
    let mut names = Vec::new();
    for &format in formats {
        let ext = format.extension();
        let name = format!("compare-downtime.{ext}");
        chart::render_compare_downtime(&downtime, format, &dir.join(&name))?;
        names.push(name);
        let name = format!("compare-timeline.{ext}");
        chart::render_compare_timeline(&timeline, format, &dir.join(&name))?;
        names.push(name);
    }
    let mut svgs = Vec::new();
    if inline {
        for c in [
            chart::AnyChart::CompareDowntime(&downtime),
            chart::AnyChart::CompareTimeline(&timeline),
        ] {
            let svg = chart::svg_document(&c).map_err(|reason| {
                OutputError::Chart(chart::ChartError::new(&dir.join("report.html"), reason))
            })?;
            svgs.push(svg);
        }
    }
    Ok((names, svgs))
}

/// Writes `tornado` in each format into `dir`; returns the file names.
pub fn write_tornado(
    result: &super::sensitivity::Sensitivity,
    title: &str,
    subtitle: &str,
    dir: &Path,
    formats: &[ImageFormat],
) -> Result<Vec<String>, OutputError> {
    let minutes = result.metric.metric.is_duration();
    let input = chart::TornadoInput {
        title: format!("What moves {}: {title}", result.metric),
        subtitle: subtitle.to_string(),
        axis_title: if minutes {
            format!("{} (minutes; mean over replications)", result.metric)
        } else {
            format!("{} (mean over replications)", result.metric)
        },
        base: result.base.mean.unwrap_or(0.0),
        bars: result
            .effects
            .iter()
            .map(|e| chart::TornadoBar {
                label: e.range.path.clone(),
                values: (e.range.low.clone(), e.range.high.clone()),
                means: (
                    e.low.mean.unwrap_or(f64::NAN),
                    e.high.mean.unwrap_or(f64::NAN),
                ),
            })
            .filter(|b| b.means.0.is_finite() && b.means.1.is_finite())
            .collect(),
        minutes,
    };
    let mut names = Vec::new();
    for &format in formats {
        let name = format!("tornado.{}", format.extension());
        chart::render_tornado(&input, format, &dir.join(&name))?;
        names.push(name);
    }
    Ok(names)
}
