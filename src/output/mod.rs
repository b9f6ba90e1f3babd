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
    beside, check_dir_destination, check_file_destination, check_ours, mark, parent_of, MARKER,
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
    ])
}

/// Renders the run's charts (`timeline`, `downtime`, `users`) in each format into `dir`.
pub fn write_charts(
    report: &Report,
    dir: &Path,
    formats: &[ImageFormat],
) -> Result<Vec<String>, OutputError> {
    let timeline = views::timeline(report);
    let downtime = views::downtime(report);
    let users = views::users(report);
    let mut names = Vec::new();
    for &format in formats {
        let ext = format.extension();
        let name = format!("timeline.{ext}");
        charts::render_timeline(&timeline, format, &dir.join(&name))?;
        names.push(name);
        let name = format!("downtime.{ext}");
        charts::render_downtime(&downtime, format, &dir.join(&name))?;
        names.push(name);
        let name = format!("users.{ext}");
        charts::render_users(&users, format, &dir.join(&name))?;
        names.push(name);
    }
    Ok(names)
}
