//! "Is this our directory?": the one check, for `run`, `sweep` and `merge` alike.
//!
//! failsim marks every directory it writes with a [`MARKER`] file. It replaces or reuses a
//! directory only when that mark is there or the directory is empty, and refuses anything
//! else (a directory of someone's files, a regular file) before doing any work, so it never
//! clobbers what it did not write.

use super::{io_err, OutputError};
use std::fs;
use std::path::{Path, PathBuf};

/// Name of the marker file in every directory failsim writes.
pub const MARKER: &str = ".failsim";

/// Whether failsim may replace or reuse `dir`: it does not exist, or it is a directory that
/// is empty or holds the [`MARKER`]. Anything else is [`OutputError::Foreign`].
pub fn check_ours(dir: &Path) -> Result<(), OutputError> {
    if !dir.exists() {
        return Ok(());
    }
    let ours = dir.join(MARKER).is_file();
    let empty = dir.is_dir() && fs::read_dir(dir).map_err(io_err(dir))?.next().is_none();
    if !dir.is_dir() || !(ours || empty) {
        return Err(OutputError::Foreign(dir.to_path_buf()));
    }
    Ok(())
}

/// Whether a directory can be put at `dir` later: [`check_ours`], and the nearest existing
/// ancestor is a directory (so creating the missing ones can work). Commands call it before
/// any work, so that a refused `--out` costs no simulation.
pub fn check_dir_destination(dir: &Path) -> Result<(), OutputError> {
    check_ours(dir)?;
    check_ancestor(dir)
}

/// Whether the file `path` can be written later, before any work is done: it is not a
/// directory and the directory that holds it exists (failsim creates no parents for a single
/// file such as `--junit`).
pub fn check_file_destination(path: &Path) -> Result<(), OutputError> {
    let not_writable = |why: &str| OutputError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(why.to_string()),
    };
    if path.is_dir() {
        return Err(not_writable("it is a directory"));
    }
    let parent = parent_of(path);
    if !parent.is_dir() {
        return Err(not_writable(&format!(
            "the directory {} does not exist",
            parent.display()
        )));
    }
    Ok(())
}

/// The nearest existing ancestor of `path` must be a directory.
fn check_ancestor(path: &Path) -> Result<(), OutputError> {
    let mut p = parent_of(path);
    loop {
        if p.exists() {
            if p.is_dir() {
                return Ok(());
            }
            return Err(OutputError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(format!("{} is not a directory", p.display())),
            });
        }
        match p.parent() {
            Some(q) if !q.as_os_str().is_empty() => p = q.to_path_buf(),
            _ => return Ok(()),
        }
    }
}

/// Marks `dir` as written by failsim; `note` (one line) tells people what it holds.
pub fn mark(dir: &Path, note: &str) -> Result<(), OutputError> {
    let path = dir.join(MARKER);
    fs::write(&path, note).map_err(io_err(&path))
}

/// The directory that holds `path` (`.` for a bare name).
pub fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A path beside `path`, named from its file name (`output` when it has none), e.g.
/// `beside(out, |name| format!("{name}.partial"))`. Temporary and partial files live beside
/// their target so that the final rename stays within one file system.
pub fn beside(path: &Path, name_from: impl FnOnce(&str) -> String) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    parent_of(path).join(name_from(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ours_means_absent_empty_or_marked() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        assert!(check_ours(&path("absent")).is_ok());
        fs::create_dir(path("empty")).unwrap();
        assert!(check_ours(&path("empty")).is_ok());
        fs::create_dir(path("marked")).unwrap();
        mark(&path("marked"), "written by failsim\n").unwrap();
        fs::write(path("marked").join("summary.csv"), "x").unwrap();
        assert!(check_ours(&path("marked")).is_ok());
        fs::create_dir(path("thesis")).unwrap();
        fs::write(path("thesis").join("chapter1.tex"), "precious").unwrap();
        fs::write(path("notes.txt"), "precious").unwrap();
        for foreign in ["thesis", "notes.txt"] {
            assert!(
                matches!(check_ours(&path(foreign)), Err(OutputError::Foreign(_))),
                "{foreign}"
            );
        }
    }

    #[test]
    fn destinations_are_checked_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        fs::write(path("file"), "x").unwrap();
        assert!(check_file_destination(&path("j.xml")).is_ok());
        let e = check_file_destination(&path("absent/j.xml")).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        assert!(check_file_destination(dir.path()).is_err(), "a directory");
        assert!(check_dir_destination(&path("new/deeper/out")).is_ok());
        let e = check_dir_destination(&path("file/out")).unwrap_err();
        assert!(e.to_string().contains("is not a directory"), "{e}");
    }

    #[test]
    fn beside_stays_in_the_same_directory() {
        let partial = |name: &str| format!("{name}.partial");
        assert_eq!(
            beside(Path::new("output/s-sweep"), partial),
            Path::new("output/s-sweep.partial")
        );
        assert_eq!(
            beside(Path::new("s-sweep"), partial),
            Path::new("./s-sweep.partial")
        );
        assert_eq!(
            beside(Path::new("/"), partial),
            Path::new("./output.partial")
        );
    }
}
