//! Atomic replacement, the one way failsim puts a directory or a file in place.
//!
//! Everything is written beside the target under a temporary name and renamed onto it only
//! when complete, so a failed or interrupted command never leaves a half-written directory
//! or file (README, Output files), and a previous result is replaced only by a finished one. A
//! failed write removes its temporary copy.

use super::dir::{beside, check_ours, files_of_marker, mark, mark_with_files, parent_of};
use super::MARKER;
use super::{io_err, OutputError};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Fills a fresh directory; returns the relative names of the files written.
pub type Writer<'a> = dyn FnOnce(&Path) -> Result<Vec<String>, OutputError> + 'a;

/// What the marker of a finished output directory says.
const DONE_NOTE: &str = "written by failsim; the files listed below are replaced on the next run";
/// What the marker of a temporary directory says while it is being filled.
const FILLING_NOTE: &str =
    "written by failsim; an unfinished output (removed by the next run once its process has ended)";

/// Creates `target` atomically: `fill` writes into a temporary directory that then replaces
/// `target`, marked as failsim's with the list of files written. Refuses a `target` that is
/// not ours (see [`check_ours`](super::check_ours)). Returns the names `fill` reported.
///
/// Nothing is lost and nothing left behind:
/// - a file in `target` that failsim did not write (not listed in its marker: a `NOTES.md`,
///   the scenario file itself) is never deleted; the files are then replaced one by one,
///   each atomically, instead of the directory as a whole;
/// - a `target` that cannot be renamed (`--out .`, a mount point) is filled the same way;
/// - every failure removes the temporary directory, and temporaries of runs that were
///   killed are removed by the next run into the same place, once their process is gone.
pub fn write_atomically(target: &Path, fill: Box<Writer<'_>>) -> Result<Vec<String>, OutputError> {
    check_ours(target)?;
    let parent = parent_of(target);
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    remove_stale_temporaries(target);
    let pid = std::process::id();
    let tmp = beside(target, |name| format!(".{name}.tmp-{pid}"));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    let result = (|| {
        mark(&tmp, FILLING_NOTE)?;
        let names = fill(&tmp)?;
        mark_with_files(&tmp, DONE_NOTE, &names)?;
        Ok(names)
    })()
    .and_then(|names| put_in_place(target, &tmp, &names).map(|()| names));
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// Moves the finished `tmp` to `target`: a rename of the whole directory when `target`
/// holds only failsim's files and can be renamed, else file by file.
fn put_in_place(target: &Path, tmp: &Path, names: &[String]) -> Result<(), OutputError> {
    if !target.exists() {
        return fs::rename(tmp, target).map_err(io_err(target));
    }
    let present = entries(target)?;
    // A marker from before markers listed files (or an empty directory): failsim wrote
    // the directory, so the names it writes again are its own; anything else is kept.
    let listed = files_of_marker(target);
    let ours: Vec<String> = match &listed {
        Some(list) => list.clone(),
        None => names
            .iter()
            .filter(|n| present.contains(n))
            .cloned()
            .collect(),
    };
    if let Some(clash) = names
        .iter()
        .find(|n| present.contains(n) && !ours.contains(n))
    {
        return Err(OutputError::Foreign(target.join(clash)));
    }
    let foreign = present.iter().any(|e| e != MARKER && !ours.contains(e));
    if !foreign {
        let old = beside(target, |name| format!(".{name}.old-{}", std::process::id()));
        if fs::rename(target, &old).is_ok() {
            if let Err(source) = fs::rename(tmp, target) {
                let _ = fs::rename(&old, target);
                return Err(OutputError::Io {
                    path: target.to_path_buf(),
                    source,
                });
            }
            return fs::remove_dir_all(&old).map_err(io_err(&old));
        }
        // Busy (`--out .`, a mount point): replace the files instead.
    }
    replace_files(target, tmp, names, &ours)
}

/// Replaces failsim's files in `target` with those of `tmp`, one atomic rename each, and
/// removes the ones it wrote last time and not this time. The marker lists both sets while
/// files move, so an interruption leaves nothing the next run cannot recognise as its own.
fn replace_files(
    target: &Path,
    tmp: &Path,
    names: &[String],
    old: &[String],
) -> Result<(), OutputError> {
    let mut both: Vec<String> = old.to_vec();
    both.extend(names.iter().filter(|n| !old.contains(n)).cloned());
    mark_with_files(target, DONE_NOTE, &both)?;
    for name in names {
        let from = tmp.join(name);
        fs::rename(&from, target.join(name)).map_err(io_err(&from))?;
    }
    for name in old.iter().filter(|n| !names.contains(n)) {
        let path = target.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(io_err(&path)(e)),
            _ => {}
        }
    }
    mark_with_files(target, DONE_NOTE, names)?;
    fs::remove_dir_all(tmp).map_err(io_err(tmp))
}

/// The names in `dir`.
fn entries(dir: &Path) -> Result<Vec<String>, OutputError> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

/// Removes `.NAME.tmp-PID` and `.NAME.old-PID` beside `target` left by runs that were
/// killed (SIGKILL, power loss) or interrupted: only directories (not symlinks) that hold a
/// failsim marker and whose process is known to have ended. Best effort: what cannot be
/// proven ours and abandoned is left alone.
fn remove_stale_temporaries(target: &Path) {
    let parent = parent_of(target);
    let name = beside(target, |n| n.to_string());
    let Some(name) = name.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let Ok(listing) = fs::read_dir(&parent) else {
        return;
    };
    for entry in listing.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let pid = [".tmp-", ".old-"].iter().find_map(|kind| {
            entry_name
                .strip_prefix(&format!(".{name}{kind}"))
                .and_then(|pid| pid.parse::<u32>().ok())
        });
        let Some(pid) = pid else { continue };
        let path = entry.path();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        let marked = fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file());
        let gone = pid != std::process::id() && crate::platform::process_alive(pid) == Some(false);
        if is_dir && marked && gone {
            let _ = fs::remove_dir_all(&path);
        }
    }
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

    fn fill_with(names: &'static [&'static str]) -> Box<Writer<'static>> {
        Box::new(move |d: &Path| {
            for n in names {
                fs::write(d.join(n), "new").unwrap();
            }
            Ok(names.iter().map(|n| n.to_string()).collect())
        })
    }

    #[test]
    fn a_failsim_directory_was_replaced_wholesale() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        write_atomically(&target, fill_with(&["a.csv", "old.png"])).unwrap();
        fs::write(target.join("NOTES.md"), "precious").unwrap();
        fs::write(target.join("scenario.toml"), "precious too").unwrap();
        write_atomically(&target, fill_with(&["a.csv", "b.csv"])).unwrap();
        let mut names = entries(&target).unwrap();
        names.sort();
        assert_eq!(
            names,
            [".failsim", "NOTES.md", "a.csv", "b.csv", "scenario.toml"],
            "old.png (ours, not written again) removed; the user's files kept"
        );
        assert_eq!(
            fs::read_to_string(target.join("NOTES.md")).unwrap(),
            "precious"
        );
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "new");
        assert_eq!(
            files_of_marker(&target).unwrap(),
            ["a.csv".to_string(), "b.csv".to_string()]
        );
        // A user's file under a name failsim would write is refused, not overwritten.
        fs::write(target.join("c.csv"), "mine").unwrap();
        let e = write_atomically(&target, fill_with(&["a.csv", "c.csv"])).unwrap_err();
        assert!(matches!(e, OutputError::Foreign(_)), "{e}");
        assert_eq!(fs::read_to_string(target.join("c.csv")).unwrap(), "mine");
        let leftovers: Vec<String> = entries(dir.path())
            .unwrap()
            .into_iter()
            .filter(|n| n != "out")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn killed_runs_left_temporaries_that_no_run_removed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        // PIDs above the kernel's pid_max (at most 2^22) never run.
        let stale = dir.path().join(".out.tmp-99999999");
        fs::create_dir(&stale).unwrap();
        mark(&stale, FILLING_NOTE).unwrap();
        fs::write(stale.join("users.csv"), "half").unwrap();
        let old = dir.path().join(".out.old-99999998");
        fs::create_dir(&old).unwrap();
        mark(&old, DONE_NOTE).unwrap();
        let unproven = dir.path().join(".out.tmp-99999997");
        fs::create_dir(&unproven).unwrap();
        fs::write(unproven.join("thesis.tex"), "not ours").unwrap();
        write_atomically(&target, fill_with(&["a.csv"])).unwrap();
        if crate::platform::process_alive(1).is_some() {
            assert!(
                !stale.exists() && !old.exists(),
                "abandoned temporaries removed"
            );
        }
        assert!(
            unproven.join("thesis.tex").exists(),
            "unmarked: not provably ours"
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
