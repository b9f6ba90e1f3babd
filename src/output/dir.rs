//! "Is this our directory?": the one check, for `run`, `sweep` and `merge` alike.
//!
//! failsim marks every directory it writes with a [`MARKER`] file. It replaces or reuses a
//! directory only when that mark is there or the directory is empty, and refuses anything
//! else (a directory of someone's files, a regular file) before doing any work, so it never
//! clobbers what it did not write (INTERFACE §1).

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
