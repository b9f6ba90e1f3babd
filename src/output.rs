//! Writes a run's files into an output directory, atomically.
//!
//! Everything is written into a temporary directory beside the target and renamed into place
//! only when complete, so a failed run never leaves a half-written directory (INTERFACE §1).
//! failsim marks the directories it writes with a `.failsim` file and refuses to replace a
//! non-empty directory without that mark, so it never clobbers files it did not write. It
//! touches nothing outside the target directory and its temporary siblings.

use crate::chart::{self as charts, ImageFormat};
use crate::report::{csv as csv_out, views, Report};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Name of the marker file in every directory failsim writes.
pub const MARKER: &str = ".failsim";

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

/// Fills a fresh directory; returns the relative names of the files written.
pub type Writer<'a> = dyn FnOnce(&Path) -> Result<Vec<String>, OutputError> + 'a;

/// Creates `target` atomically: `fill` writes into a temporary directory that then replaces
/// `target`. Returns the names `fill` reported.
pub fn write_atomically(target: &Path, fill: Box<Writer<'_>>) -> Result<Vec<String>, OutputError> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    if target.exists() {
        let ours = target.join(MARKER).is_file();
        let empty = fs::read_dir(target)
            .map_err(io_err(target))?
            .next()
            .is_none();
        if !target.is_dir() || (!ours && !empty) {
            return Err(OutputError::Foreign(target.to_path_buf()));
        }
    }
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.tmp-{pid}"));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    let result = (|| {
        let names = fill(&tmp)?;
        fs::write(
            tmp.join(MARKER),
            "written by failsim; this directory is replaced on the next run\n",
        )
        .map_err(io_err(&tmp.join(MARKER)))?;
        Ok(names)
    })();
    let names = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if target.exists() {
        let old = parent.join(format!(".{name}.old-{pid}"));
        fs::rename(target, &old).map_err(io_err(target))?;
        if let Err(source) = fs::rename(&tmp, target) {
            let _ = fs::rename(&old, target);
            let _ = fs::remove_dir_all(&tmp);
            return Err(OutputError::Io {
                path: target.to_path_buf(),
                source,
            });
        }
        fs::remove_dir_all(&old).map_err(io_err(&old))?;
    } else {
        fs::rename(&tmp, target).map_err(io_err(target))?;
    }
    Ok(names)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_fill_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let err = write_atomically(
            &target,
            Box::new(|d: &Path| {
                fs::write(d.join("half.csv"), "x").unwrap();
                Err(OutputError::Foreign(d.to_path_buf()))
            }),
        );
        assert!(err.is_err());
        assert!(!target.exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temporary directory removed"
        );
    }

    #[test]
    fn replaces_its_own_output_but_not_foreign_directories() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let fill = |content: &'static str| {
            Box::new(move |d: &Path| {
                fs::write(d.join("a.csv"), content).unwrap();
                Ok(vec!["a.csv".to_string()])
            })
        };
        write_atomically(&target, fill("one")).unwrap();
        write_atomically(&target, fill("two")).unwrap();
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "two");
        let foreign = dir.path().join("mine");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("thesis.tex"), "precious").unwrap();
        assert!(matches!(
            write_atomically(&foreign, fill("x")),
            Err(OutputError::Foreign(_))
        ));
        assert_eq!(
            fs::read_to_string(foreign.join("thesis.tex")).unwrap(),
            "precious"
        );
    }
}
