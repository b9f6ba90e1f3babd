//! Atomic replacement, the one way failsim puts a directory or a file in place.
//!
//! Everything is written beside the target under a temporary name and renamed onto it only
//! when complete, so a failed or interrupted command never leaves a half-written directory
//! or file (README, Output files), and a previous result is replaced only by a finished one. A
//! failed write removes its temporary copy.

use super::dir::{beside, check_ours, mark, parent_of};
use super::{io_err, OutputError};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Fills a fresh directory; returns the relative names of the files written.
pub type Writer<'a> = dyn FnOnce(&Path) -> Result<Vec<String>, OutputError> + 'a;

/// Creates `target` atomically: `fill` writes into a temporary directory that then replaces
/// `target`, marked as failsim's. Refuses a `target` that is not ours (see
/// [`check_ours`](super::check_ours)). Returns the names `fill` reported.
pub fn write_atomically(target: &Path, fill: Box<Writer<'_>>) -> Result<Vec<String>, OutputError> {
    check_ours(target)?;
    let parent = parent_of(target);
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let pid = std::process::id();
    let tmp = beside(target, |name| format!(".{name}.tmp-{pid}"));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    let result = (|| {
        let names = fill(&tmp)?;
        mark(
            &tmp,
            "written by failsim; this directory is replaced on the next run\n",
        )?;
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
        let old = beside(target, |name| format!(".{name}.old-{pid}"));
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

/// Writes the file `path` atomically through a buffered writer: `write` fills a temporary
/// file beside it, which is then renamed onto `path`. Every error names `path`.
pub fn write_file_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> Result<(), OutputError> {
    let tmp = beside(path, |name| format!(".{name}.tmp-{}", std::process::id()));
    let written = fs::File::create(&tmp).and_then(|file| {
        let mut w = BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        w.flush()?;
        drop(w);
        fs::rename(&tmp, path)
    });
    written.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        OutputError::Io {
            path: path.to_path_buf(),
            source,
        }
    })
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

    #[test]
    fn a_file_is_replaced_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staleness.csv");
        write_file_atomically(&path, |w| w.write_all(b"one\n")).unwrap();
        write_file_atomically(&path, |w| w.write_all(b"two\n")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two\n");
        let e = write_file_atomically(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("cannot write {}: disk full", path.display())
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "two\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary");
        let e = write_file_atomically(&dir.path().join("absent/x.csv"), |_| Ok(())).unwrap_err();
        assert!(e.to_string().contains("absent/x.csv"), "{e}");
    }
}
