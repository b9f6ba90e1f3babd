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
    write_unbuffered(dir, name, |file| {
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        w.flush()
    })
}

/// Writes one file straight to the file, for a writer that gathers large pieces itself
/// (`users.csv` and `series.csv` are built 64 KiB at a time): a buffered writer in front
/// would only add a buffer.
pub fn write_unbuffered(
    dir: &Path,
    name: &str,
    write: impl FnOnce(fs::File) -> io::Result<()>,
) -> Result<String, OutputError> {
    let path = dir.join(name);
    let file = fs::File::create(&path).map_err(io_err(&path))?;
    write(file).map_err(io_err(&path))?;
    Ok(name.to_string())
}

/// The file format of a run's per-user table (`run --users-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UsersFormat {
    /// `users.csv`, like every other table.
    #[default]
    Csv,
    /// `users.parquet`: the same columns, typed, for data-frame tools.
    Parquet,
}

impl UsersFormat {
    /// The file the per-user table is written to.
    pub fn file_name(self) -> &'static str {
        match self {
            UsersFormat::Csv => "users.csv",
            UsersFormat::Parquet => "users.parquet",
        }
    }
}

/// Writes the tables of a run into `dir`: the CSV files, and the per-user table in
/// `users` format.
pub fn write_csvs(
    report: &Report,
    dir: &Path,
    users: UsersFormat,
) -> Result<Vec<String>, OutputError> {
    let users_name = users.file_name();
    Ok(vec![
        write_file(dir, "summary.csv", |w| csv_out::write_summary(report, w))?,
        match users {
            UsersFormat::Csv => {
                write_unbuffered(dir, users_name, |w| csv_out::write_users(report, w))?
            }
            UsersFormat::Parquet => write_file(dir, users_name, |w| {
                crate::report::users_parquet::write_users(report, w)
            })?,
        },
        write_file(dir, "timeline.csv", |w| csv_out::write_timeline(report, w))?,
        write_unbuffered(dir, "series.csv", |w| csv_out::write_series(report, w))?,
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

/// The run's charts in page order: file stem and caption.
const RUN_CHARTS: [(&str, &str); 4] = [
    (
        "timeline",
        "Users by state and Region over time, with the fault windows and the health-check, alarm and DNS-answer changes.",
    ),
    (
        "downtime",
        "Share of affected users back at work within a given downtime, per cohort.",
    ),
    (
        "data-age",
        "How old the replicated data was that redirected users found on their standby WorkSpace: the share of them within a given age, against the recovery point objective of the Regions they arrived in.",
    ),
    (
        "users",
        "Traced users, one lane each: what their client was doing.",
    ),
];

/// Renders the run's charts (`timeline`, `downtime`, `data-age` when a user arrived on
/// replicated data, `users`) and writes them in each format into `dir`; the SVG documents are kept for `report.html`. The timeline and the
/// swimlanes show `window`, by default the incident ([`views::incident_window`]).
///
/// Drawing, not writing, is what a small run spends its time on, so every document (each
/// chart's SVG, and its PNG when asked for) is rendered on its own rayon task; the results
/// are collected in a fixed order and written one after the other, so the files and the
/// names returned do not depend on the number of threads. Each chart is drawn once per
/// format: the SVG written to disk is the one inlined in the page.
pub fn write_charts(
    report: &Report,
    dir: &Path,
    formats: &[ImageFormat],
    window: Option<views::Window>,
    expectations: &[crate::scenario::Expectation],
) -> Result<(Vec<String>, RenderedCharts), OutputError> {
    use rayon::prelude::*;
    let window = window.unwrap_or_else(|| views::incident_window(report));
    let timeline = views::timeline(report, window);
    let downtime = views::downtime(report, expectations);
    let data_age = views::data_age(report);
    let users = views::users(report, window);
    // (index in RUN_CHARTS, chart) of the charts this run draws.
    let inputs: Vec<(usize, charts::AnyChart)> = [
        Some(charts::AnyChart::Timeline(&timeline)),
        Some(charts::AnyChart::Downtime(&downtime)),
        data_age.as_ref().map(charts::AnyChart::DataAge),
        Some(charts::AnyChart::Users(&users)),
    ]
    .into_iter()
    .enumerate()
    .filter_map(|(i, chart)| chart.map(|c| (i, c)))
    .collect();
    let png = formats.contains(&ImageFormat::Png);
    // (chart, format) jobs: the SVG always (the page inlines it), the PNG when asked for.
    let jobs: Vec<(usize, ImageFormat)> = (0..inputs.len())
        .flat_map(|i| {
            std::iter::once((i, ImageFormat::Svg)).chain(png.then_some((i, ImageFormat::Png)))
        })
        .collect();
    let documents: Vec<Result<Document, OutputError>> = jobs
        .par_iter()
        .map(|&(i, format)| {
            let document = match format {
                ImageFormat::Svg => charts::svg_document(&inputs[i].1).map(Document::Svg),
                ImageFormat::Png => charts::png_document(&inputs[i].1).map(Document::Png),
            };
            document.map_err(|reason| {
                let name = format!("{}.{}", RUN_CHARTS[inputs[i].0].0, format.extension());
                OutputError::Chart(charts::ChartError::new(&dir.join(name), reason))
            })
        })
        .collect();
    let mut svgs = Vec::new();
    let mut pngs = Vec::new();
    for (&(i, _), document) in jobs.iter().zip(documents) {
        match document? {
            Document::Svg(svg) => svgs.push((inputs[i].0, svg)),
            Document::Png(bytes) => pngs.push((inputs[i].0, bytes)),
        }
    }
    let mut names = Vec::new();
    for &format in formats {
        let documents: Vec<(usize, &[u8])> = match format {
            ImageFormat::Svg => svgs.iter().map(|(i, s)| (*i, s.as_bytes())).collect(),
            ImageFormat::Png => pngs.iter().map(|(i, b)| (*i, b.as_slice())).collect(),
        };
        for (i, bytes) in documents {
            let name = format!("{}.{}", RUN_CHARTS[i].0, format.extension());
            let path = dir.join(&name);
            fs::write(&path, bytes)
                .map_err(|e| OutputError::Chart(charts::ChartError::new(&path, e.to_string())))?;
            names.push(name);
        }
    }
    let rendered = RenderedCharts {
        charts: svgs
            .into_iter()
            .map(|(i, svg)| (RUN_CHARTS[i].0, svg, RUN_CHARTS[i].1.to_string()))
            .collect(),
    };
    Ok((names, rendered))
}

/// A rendered chart file.
enum Document {
    Svg(String),
    Png(Vec<u8>),
}
