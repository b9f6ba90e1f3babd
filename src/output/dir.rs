//! "Is this our directory?": the one check, for `run`, `sweep` and `merge` alike.
//!
//! failsim marks every directory it writes with a [`MARKER`] file. It replaces or reuses a
//! directory only when that mark is there or the directory is empty, and refuses anything
//! else (a directory of someone's files, a regular file) before doing any work, so it never
//! clobbers what it did not write.

use super::{io_err, OutputError};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the marker file in every directory failsim writes.
pub const MARKER: &str = ".failsim";

/// Whether failsim may replace or reuse `dir`: it does not exist, or it is a directory that
/// is empty or holds the [`MARKER`]. Anything else is [`OutputError::Foreign`].
pub fn check_ours(dir: &Path) -> Result<(), OutputError> {
    if !dir.exists() {
        return Ok(());
    }
    // The marker must be a regular file: a symlink named `.failsim` (to any file at all)
    // would let a foreign directory pass for ours.
    let ours = is_marker(&dir.join(MARKER));
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

/// Whether `path` is a marker: a regular file, not a symlink to one.
fn is_marker(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// The line in a marker after which the files failsim wrote are listed, one per line.
const FILES_HEADER: &str =
    "files written by failsim (the next run replaces or removes exactly these):";

/// Marks `dir` as written by failsim and lists `files`, the names it wrote there: the next
/// run replaces or removes those and nothing else (a `NOTES.md` kept beside them stays).
pub fn mark_with_files(dir: &Path, note: &str, files: &[String]) -> Result<(), OutputError> {
    let mut text = format!("{}\n{FILES_HEADER}\n", note.trim_end());
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    mark(dir, &text)
}

/// The files the marker of `dir` lists as failsim's; `None` when `dir` has no marker (or
/// a symlink for one) or the marker predates the list.
pub fn files_of_marker(dir: &Path) -> Option<Vec<String>> {
    let path = dir.join(MARKER);
    if !is_marker(&path) {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    let (_, list) = text.split_once(&format!("{FILES_HEADER}\n"))?;
    Some(
        list.lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Marks `dir` as written by failsim; `note` (one line) tells people what it holds.
///
/// A marker that exists is overwritten in place, not truncated first: on ext4 a file
/// truncated to zero and written again is flushed to disk when it is closed (the
/// `auto_da_alloc` mount option), a synchronous write that a temporary directory's marker,
/// written twice, does not need.
pub fn mark(dir: &Path, note: &str) -> Result<(), OutputError> {
    let path = dir.join(MARKER);
    let overwrite = || -> std::io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        file.write_all(note.as_bytes())?;
        file.set_len(note.len() as u64)
    };
    overwrite().map_err(io_err(&path))
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
        // A symlinked marker does not make a directory ours.
        #[cfg(unix)]
        {
            fs::create_dir(path("linked")).unwrap();
            fs::write(path("linked").join("essay.md"), "precious").unwrap();
            std::os::unix::fs::symlink(path("notes.txt"), path("linked").join(MARKER)).unwrap();
            assert!(matches!(
                check_ours(&path("linked")),
                Err(OutputError::Foreign(_))
            ));
        }
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
    fn a_marker_lists_the_files_failsim_wrote() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(files_of_marker(dir.path()), None);
        mark(dir.path(), "old style\n").unwrap();
        assert_eq!(files_of_marker(dir.path()), None);
        let files = vec!["summary.csv".to_string(), "users.csv".to_string()];
        mark_with_files(dir.path(), "written by failsim\n", &files).unwrap();
        assert_eq!(files_of_marker(dir.path()), Some(files));
        // Overwritten in place: a shorter note leaves nothing of the longer one behind.
        mark(dir.path(), "short\n").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join(MARKER)).unwrap(),
            "short\n"
        );
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
