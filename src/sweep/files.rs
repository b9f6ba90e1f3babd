//! The files a sweep and a merge share: the column layout of `sweep.csv` and
//! `sweep_summary.csv`, the summary and chart, `sweep.csv` written row by row, and the
//! `<DIR>.partial/` directory a sweep is assembled in.

use super::manifest::Manifest;
use super::{chart, format3, grid, io_error, PointStats, SweepError, Vary, VaryEntry};
use super::{CHART_STEM, SUMMARY_CSV};
use crate::chart::ImageFormat;
use crate::metric::MetricRef;
use crate::output::{self, OutputError, MARKER};
use std::fs;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

/// Column layout and chart settings derived from a manifest, so that a sweep and a merge
/// write the same bytes.
pub(super) struct Layout {
    pub(super) vary: Vec<VaryEntry>,
    pub(super) replications: u32,
    pub(super) metric: MetricRef,
    /// The metric columns ([`super::columns`]).
    pub(super) columns: Vec<MetricRef>,
    pub(super) formats: Vec<ImageFormat>,
    pub(super) scenario_name: String,
    pub(super) expect_min: Vec<f64>,
    pub(super) expect_max: Vec<f64>,
    /// The manifest it came from (provenance for `report.html`).
    pub(super) manifest: Manifest,
}

impl Layout {
    /// The layout a manifest describes; `metric` is its `metric`, already parsed.
    pub(super) fn new(m: &Manifest, metric: MetricRef) -> Layout {
        Layout {
            columns: super::columns(&metric),
            vary: m.vary.clone(),
            replications: m.replications,
            metric,
            formats: m
                .charts
                .iter()
                .filter_map(|c| match c.as_str() {
                    "svg" => Some(ImageFormat::Svg),
                    "png" => Some(ImageFormat::Png),
                    _ => None,
                })
                .collect(),
            scenario_name: m.scenario_name.clone(),
            expect_min: m.expect_min.clone(),
            expect_max: m.expect_max.clone(),
            manifest: m.clone(),
        }
    }

    /// Columns of `sweep.csv`: point, replication, seed, one per `--vary`, every metric.
    pub(super) fn sweep_header(&self) -> Vec<String> {
        let mut header: Vec<String> = vec!["point".into(), "replication".into(), "seed".into()];
        header.extend(self.vary.iter().map(|v| v.path.clone()));
        header.extend(self.columns.iter().map(|m| m.to_string()));
        header
    }

    /// Columns of `sweep_summary.csv`: point, one per `--vary`, runs, then mean, interval
    /// and count of every metric.
    pub(super) fn summary_header(&self) -> Vec<String> {
        let mut header: Vec<String> = vec!["point".into()];
        header.extend(self.vary.iter().map(|v| v.path.clone()));
        header.push("runs".into());
        for metric in &self.columns {
            header.push(format!("{metric}_mean"));
            header.push(format!("{metric}_ci95_low"));
            header.push(format!("{metric}_ci95_high"));
            header.push(format!("{metric}_n"));
        }
        header
    }

    /// The column of the charted metric.
    pub(super) fn column(&self) -> usize {
        self.columns
            .iter()
            .position(|c| *c == self.metric)
            .expect("the charted metric is a column")
    }

    /// Number of grid points.
    pub(super) fn point_count(&self) -> usize {
        self.vary.iter().map(|v| v.values.len()).product()
    }

    /// The grid the manifest's `--vary` entries span (see [`grid`]).
    pub(super) fn grid(&self) -> Vec<Vec<String>> {
        let vary: Vec<Vary> = self
            .vary
            .iter()
            .map(|v| Vary {
                path: v.path.clone(),
                values: v.values.clone(),
            })
            .collect();
        grid(&vary)
    }
}

/// Writes `sweep_summary.csv` and the chart; returns the file names.
pub(super) fn write_summary_and_chart(
    dir: &Path,
    layout: &Layout,
    stats: &[PointStats],
) -> Result<Vec<String>, SweepError> {
    let mut files = Vec::new();
    let header = layout.summary_header();
    files.push(output::write_file(dir, SUMMARY_CSV, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(&header)?;
        for p in stats {
            let mut record: Vec<String> = vec![p.point.to_string()];
            record.extend(p.values.iter().cloned());
            record.push(p.runs.to_string());
            for s in &p.metrics {
                record.push(s.mean.map(format3).unwrap_or_default());
                let (lo, hi) = match s.ci95 {
                    Some((lo, hi)) => (format3(lo), format3(hi)),
                    None => (String::new(), String::new()),
                };
                record.push(lo);
                record.push(hi);
                record.push(s.n.to_string());
            }
            csv.write_record(&record)?;
        }
        csv.flush()
    })?);
    let input = chart::sweep_input(
        &layout.scenario_name,
        &layout.vary,
        layout.replications,
        (&layout.metric, layout.column()),
        stats,
        &layout.expect_min,
        &layout.expect_max,
    );
    let (names, svg) = write_chart(dir, CHART_STEM, &input, &layout.formats)?;
    files.extend(names);
    files.push(super::html_page::write(dir, layout, stats, svg.as_deref())?);
    Ok(files)
}

/// Writes `input` as `STEM.svg` and/or `STEM.png` in `dir` (nothing when `formats` is
/// empty); returns the names written and the SVG document (for an HTML page).
fn write_chart(
    dir: &Path,
    stem: &str,
    input: &crate::chart::SweepInput,
    formats: &[ImageFormat],
) -> Result<(Vec<String>, Option<String>), OutputError> {
    if formats.is_empty() {
        return Ok((Vec::new(), None));
    }
    let document =
        crate::chart::svg_document(&crate::chart::AnyChart::Sweep(input)).map_err(|reason| {
            let path = dir.join(format!("{stem}.svg"));
            OutputError::Chart(crate::chart::ChartError::new(&path, reason))
        })?;
    let mut names = Vec::new();
    for &format in formats {
        let name = format!("{stem}.{}", format.extension());
        match format {
            ImageFormat::Svg => crate::chart::write_svg_document(&document, &dir.join(&name))
                .map_err(OutputError::Chart)?,
            ImageFormat::Png => chart::render(input, format, &dir.join(&name))?,
        }
        names.push(name);
    }
    Ok((names, Some(document)))
}

/// Writes the goal-seek charts (`sweep --find`), one per metric an `[[expect]]` bounds:
/// `find-METRIC.svg` / `.png`, a cohort's metric named `find-METRIC-DIMENSION-VALUE`.
/// Returns the names written.
pub fn write_seek_charts(
    dir: &Path,
    charts: &[(MetricRef, crate::chart::SweepInput)],
    formats: &[ImageFormat],
) -> Result<Vec<String>, OutputError> {
    let mut names = Vec::new();
    for (metric, input) in charts {
        let stem: String = format!("find-{metric}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let stem = stem.trim_end_matches('-');
        names.extend(write_chart(dir, stem, input, formats)?.0);
    }
    Ok(names)
}

/// `sweep.csv`, written record by record and flushed on demand.
pub(super) struct CsvOut {
    path: PathBuf,
    writer: csv::Writer<BufWriter<fs::File>>,
}

impl CsvOut {
    pub(super) fn create(path: &Path, header: &[String]) -> Result<CsvOut, SweepError> {
        let file = fs::File::create(path).map_err(io_error(path))?;
        let mut out = CsvOut {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file)),
        };
        out.push(header)?;
        out.flush()?;
        Ok(out)
    }

    pub(super) fn push(&mut self, record: &[String]) -> Result<(), SweepError> {
        self.writer
            .write_record(record)
            .map_err(|e| csv_error(&self.path, e))
    }

    pub(super) fn flush(&mut self) -> Result<(), SweepError> {
        self.writer.flush().map_err(io_error(&self.path))
    }

    pub(super) fn finish(mut self) -> Result<(), SweepError> {
        self.flush()?;
        let inner = self
            .writer
            .into_inner()
            .map_err(|e| csv_error(&self.path, e.into_error().into()))?;
        inner
            .into_inner()
            .map_err(|e| io_error(&self.path)(e.into_error()))?
            .sync_all()
            .map_err(io_error(&self.path))
    }
}

fn csv_error(path: &Path, e: csv::Error) -> SweepError {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    io_error(path)(source)
}

/// `<DIR>.partial`, where a sweep is assembled.
pub fn partial_dir(out: &Path) -> PathBuf {
    output::beside(out, |name| format!("{name}.partial"))
}

/// A fresh, marked partial directory (replacing a previous partial one; never a directory
/// failsim did not write).
pub(super) fn prepare_partial(partial: &Path) -> Result<(), SweepError> {
    output::check_ours(partial)?;
    if partial.exists() {
        fs::remove_dir_all(partial).map_err(io_error(partial))?;
    }
    fs::create_dir_all(partial).map_err(io_error(partial))?;
    let marked = output::mark(
        partial,
        "written by failsim; a sweep in progress or interrupted (sweep.csv has the runs so \
         far); replaced by the next sweep into the same directory\n",
    );
    if let Err(e) = marked {
        // A full disk: leave no empty, unmarked partial directory behind.
        let _ = fs::remove_dir_all(partial);
        return Err(e.into());
    }
    Ok(())
}

/// Moves the finished files from `partial` into `out`, atomically.
pub(super) fn finish_partial(partial: &Path, out: &Path) -> Result<(), SweepError> {
    let source = partial.to_path_buf();
    output::write_atomically(
        out,
        Box::new(move |tmp: &Path| {
            let mut names = Vec::new();
            let entries = fs::read_dir(&source).map_err(|e| OutputError::Io {
                path: source.clone(),
                source: e,
            })?;
            let mut paths: Vec<PathBuf> = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| OutputError::Io {
                    path: source.clone(),
                    source: e,
                })?;
                paths.push(entry.path());
            }
            paths.sort();
            for path in paths {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name == MARKER {
                    continue;
                }
                fs::rename(&path, tmp.join(&name)).map_err(|e| OutputError::Io {
                    path: path.clone(),
                    source: e,
                })?;
                names.push(name);
            }
            Ok(names)
        }),
    )?;
    fs::remove_dir_all(partial).map_err(io_error(partial))
}
