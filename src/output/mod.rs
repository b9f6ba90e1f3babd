//! Writes a run's files into an output directory, atomically, and holds what every command
//! that writes files shares.
//!
//! Everything is written into a temporary directory beside the target and renamed into place
//! only when complete, so a failed run never leaves a half-written directory:
//! [`write_atomically`] for a directory, [`write_file_atomically`] for a single file
//! (`staleness --out`). failsim marks the directories it writes with a `.failsim`
//! file and refuses to replace a non-empty directory without that mark, so it never clobbers
//! files it did not write: [`check_ours`] is that check, for `run`, `sweep` and `merge`. It
//! touches nothing outside the target directory and its temporary siblings.

mod atomic;
mod dir;
pub mod manifest;

pub use atomic::{write_atomically, write_file_atomically, Writer};
pub use dir::{
    beside, check_dir_destination, check_file_destination, check_ours, files_of_marker, mark,
    mark_with_files, parent_of, MARKER,
};
pub use manifest::{RunManifest, RUN_MANIFEST};

use crate::chart::{self as charts, ImageFormat};
use crate::report::{csv as csv_out, views, Report};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Why output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target holds files failsim did not write.
    #[error("refusing to write into {0}: it exists and was not written by failsim (no {MARKER} file); choose another --out or remove it")]
    Foreign(PathBuf),
    /// A chart could not be rendered.
    #[error("{0}")]
    Chart(#[from] charts::ChartError),
    /// An I/O error, with the path involved.
    #[error("cannot write {path}: {source}")]
    Io {
        /// Path.
        path: PathBuf,
        /// Cause.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The HTML report of a run or sweep.
pub const REPORT_HTML: &str = "report.html";

/// Writes one file through a buffered writer.
pub fn write_file(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> Result<String, OutputError> {
    let path = dir.join(name);
    let file = fs::File::create(&path).map_err(io_err(&path))?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    write(&mut w).map_err(io_err(&path))?;
    w.flush().map_err(io_err(&path))?;
    Ok(name.to_string())
}

/// Writes the CSV files of a run into `dir`.
pub fn write_csvs(report: &Report, dir: &Path) -> Result<Vec<String>, OutputError> {
    Ok(vec![
        write_file(dir, "summary.csv", |w| csv_out::write_summary(report, w))?,
        write_file(dir, "users.csv", |w| csv_out::write_users(report, w))?,
        write_file(dir, "timeline.csv", |w| csv_out::write_timeline(report, w))?,
        write_file(dir, "series.csv", |w| csv_out::write_series(report, w))?,
        write_file(dir, "cohorts.csv", |w| csv_out::write_cohorts(report, w))?,
    ])
}

/// The run's charts as SVG documents with their captions (for files and `report.html`).
pub struct RenderedCharts {
    /// `(file stem, SVG document, caption)` in page order.
    pub charts: Vec<(&'static str, String, String)>,
}

impl RenderedCharts {
    /// `(SVG, caption)` pairs for the HTML page.
    pub fn for_page(&self) -> Vec<(String, String)> {
        self.charts
            .iter()
            .map(|(_, svg, caption)| (svg.clone(), caption.clone()))
            .collect()
    }
}

/// Renders the run's charts (`timeline`, `downtime`, `users`) and writes them in each
/// format into `dir`; the SVG documents are kept for `report.html`. The timeline and the
/// swimlanes show `window`, by default the incident ([`views::incident_window`]).
pub fn write_charts(
    report: &Report,
    dir: &Path,
    formats: &[ImageFormat],
    window: Option<views::Window>,
    expectations: &[crate::scenario::Expectation],
) -> Result<(Vec<String>, RenderedCharts), OutputError> {
    let window = window.unwrap_or_else(|| views::incident_window(report));
    let timeline = views::timeline(report, window);
    let downtime = views::downtime(report, expectations);
    let users = views::users(report, window);
    let svg = |chart: charts::AnyChart<'_>, name: &str| {
        charts::svg_document(&chart)
            .map_err(|reason| OutputError::Chart(charts::ChartError::new(&dir.join(name), reason)))
    };
    let rendered = RenderedCharts {
        charts: vec![
            (
                "timeline",
                svg(charts::AnyChart::Timeline(&timeline), "timeline.svg")?,
                "Users by state and Region over time, with the fault windows and the health-check, alarm and DNS-answer changes.".to_string(),
            ),
            (
                "downtime",
                svg(charts::AnyChart::Downtime(&downtime), "downtime.svg")?,
                "Share of affected users back at work within a given downtime, per cohort.".to_string(),
            ),
            (
                "users",
                svg(charts::AnyChart::Users(&users), "users.svg")?,
                "Traced users, one lane each: what their client was doing.".to_string(),
            ),
        ],
    };
    let mut names = Vec::new();
    for &format in formats {
        for (stem, document, _) in &rendered.charts {
            let name = format!("{stem}.{}", format.extension());
            let path = dir.join(&name);
            match format {
                ImageFormat::Svg => charts::write_svg_document(document, &path)?,
                ImageFormat::Png => match *stem {
                    "timeline" => charts::render_timeline(&timeline, format, &path)?,
                    "downtime" => charts::render_downtime(&downtime, format, &path)?,
                    _ => charts::render_users(&users, format, &path)?,
                },
            }
            names.push(name);
        }
    }
    Ok((names, rendered))
}
