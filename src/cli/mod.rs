//! The command implementations behind `src/main.rs`: each reads its validated arguments,
//! runs the library pipeline and renders results and errors. This is the one place that
//! prints, picks exit codes and knows about terminals.

pub mod args;
mod check;
mod compare;
mod import;
mod json;
mod progress;
mod run;
mod seek;
mod sensitivity;
mod staleness;
mod sweep;

pub use check::check;
pub use compare::compare;
pub use import::import;
pub use run::run;
pub use sensitivity::sensitivity;
pub use staleness::staleness;
pub use sweep::{merge, sweep};

use failsim::scenario::{self, LoadError, Scenario};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// A failure that decides the exit code.
pub enum Failure {
    /// Exit 2: bad usage, invalid scenario, I/O error; the message is printed on stderr.
    Usage(String),
    /// Exit 1: ran, and an expectation failed (or `check --deny-warnings` found a warning).
    Expectations,
}

impl Failure {
    /// An `error:`-prefixed usage failure.
    pub fn error(e: impl std::fmt::Display) -> Failure {
        let text = e.to_string();
        if text.starts_with("error") {
            Failure::Usage(text)
        } else {
            Failure::Usage(format!("error: {text}"))
        }
    }
}

/// A panic is a bug: say so, with how to reproduce it, and exit 3 (never a backtrace for bad
/// input — bad input never panics). A closed standard output (`failsim ... | head -1`) is
/// not a bug: `print!` panics on it, and failsim then exits 0 quietly, as ripgrep does.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if failsim::guard::is_catching() {
            return; // a dependency's panic on bad input, reported as invalid input
        }
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") {
            if is_broken_pipe_text(message) {
                std::process::exit(0);
            }
            eprintln!("error: cannot write to standard output: {message}");
            std::process::exit(2);
        }
        let args: Vec<String> = std::env::args().collect();
        eprintln!("failsim: internal error: {info}");
        eprintln!("this is a bug in failsim; please report it with the scenario file.");
        eprintln!("reproduce: {}", shell_join(&args));
        std::process::exit(3);
    }));
}

/// Whether the text of a failed write to stdout says the reader went away: `EPIPE` on Unix,
/// `ERROR_BROKEN_PIPE` (109) or `ERROR_NO_DATA` (232) on Windows.
fn is_broken_pipe_text(message: &str) -> bool {
    let std_text = std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string();
    message.contains(&std_text)
        || message.contains("Broken pipe")
        || message.contains("os error 32)")
        || message.contains("os error 109)")
        || message.contains("os error 232)")
}

/// Whether an I/O error on stdout means the reader went away (then exit quietly).
pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// Whether to draw progress on stderr: only on a terminal, never with `-q` or `--json`.
pub fn show_progress(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A scenario's text and how to name it: a file, or standard input for `-`.
pub struct Source {
    /// As given on the command line (`-` for standard input).
    pub arg: PathBuf,
    /// How diagnostics name it (`<stdin>` for standard input).
    pub label: String,
    /// The file's text, before overrides.
    pub text: String,
}

impl Source {
    /// Reads `path`, or standard input when it is `-`.
    pub fn read(path: &Path) -> Result<Source, Failure> {
        // Bounded and checked for UTF-8 by the library (`check /dev/zero` must not read
        // until memory runs out).
        let invalid = |e: LoadError| match e {
            LoadError::Invalid(_) => Failure::Usage(e.to_string()),
            other => Failure::error(other),
        };
        if is_stdin(path) {
            let text = scenario::read_text_from(std::io::stdin().lock(), "<stdin>").map_err(
                |e| match e {
                    LoadError::Io { source, .. } => {
                        Failure::error(format!("cannot read standard input: {source}"))
                    }
                    other => invalid(other),
                },
            )?;
            return Ok(Source {
                arg: path.to_path_buf(),
                label: "<stdin>".into(),
                text,
            });
        }
        let text = scenario::read_text(path).map_err(|e| match e {
            LoadError::Io { source, .. } => {
                Failure::error(format!("cannot read {}: {source}", path.display()))
            }
            other => invalid(other),
        })?;
        Ok(Source {
            arg: path.to_path_buf(),
            label: path.display().to_string(),
            text,
        })
    }

    /// Validates the text with `set` applied.
    pub fn load(&self, set: &[String]) -> Result<Scenario, Failure> {
        scenario::load_str(&self.text, &self.label, set).map_err(|e| match e {
            LoadError::Invalid(_) => Failure::Usage(e.to_string()),
            other => Failure::error(other),
        })
    }

    /// The file stem for default output directories (`stdin` for standard input).
    pub fn stem(&self) -> String {
        if is_stdin(&self.arg) {
            return "stdin".into();
        }
        self.arg
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    }
}

/// Whether a scenario argument means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The default output directory `output/<stem><suffix>`, plus `--<overrides>` when the run
/// is overridden, so that an overridden run never replaces the baseline directory the README
/// compares against. Characters that are not portable in a file name become `_`; a long
/// label is cut and ends in a hash of the whole, so distinct overrides get distinct names.
pub fn default_out(stem: &str, suffix: &str, overrides: &[String]) -> PathBuf {
    let base = format!("{stem}{suffix}");
    if overrides.is_empty() {
        return Path::new("output").join(base);
    }
    let joined = overrides.join(",");
    let safe: String = joined
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '=' | ',' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    const MAX: usize = 60;
    let label = if safe.len() <= MAX {
        safe
    } else {
        let hash = failsim::output::manifest::sha256(joined.as_bytes());
        format!("{}-{}", &safe[..MAX], &hash[7..15])
    };
    Path::new("output").join(format!("{base}--{label}"))
}

/// Shell-quoted `words`, for a reproduce command that can be pasted as it is into a POSIX
/// shell. Words made only of characters no shell treats specially stay bare
/// (`dns.ttl=30s`); `shell-words` quotes the rest.
pub fn shell_join<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> String {
    let bare = |w: &str| {
        !w.is_empty()
            && w.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, '_' | '-' | '.' | '/' | '=' | ',' | ':' | '+' | '@' | '%')
            })
            && !w.starts_with('=')
    };
    words
        .into_iter()
        .map(|w| {
            let w = w.as_ref();
            if bare(w) {
                w.to_string()
            } else {
                shell_words::quote(w).into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overridden_runs_get_their_own_directory() {
        assert_eq!(default_out("s", "", &[]), Path::new("output/s"));
        assert_eq!(
            default_out("s", "", &["dns.ttl=300s".into()]),
            Path::new("output/s--dns.ttl=300s")
        );
        assert_eq!(
            default_out(
                "s",
                "-sweep",
                &["a.b={\"5.22.0\"=1.0}".into(), "seed=3".into()]
            ),
            Path::new("output/s-sweep--a.b=__5.22.0_=1.0_,seed=3")
        );
        let long: Vec<String> = (0..20).map(|i| format!("users.staff.count={i}")).collect();
        let a = default_out("s", "", &long);
        let mut other = long.clone();
        other[19] = "users.staff.count=99".into();
        assert_ne!(a, default_out("s", "", &other));
        assert!(a.to_string_lossy().len() < 90, "{a:?}");
    }

    #[test]
    fn reproduce_commands_are_shell_safe() {
        assert_eq!(
            shell_join([
                "failsim",
                "run",
                "my file.toml",
                "--set",
                "users.a.client_versions={\"5.22.0\"=1.0}",
                "--set",
                "dns.ttl=30s",
                "--vary",
                "a=[1, 2]",
                "",
            ]),
            r#"failsim run 'my file.toml' --set 'users.a.client_versions={"5.22.0"=1.0}' --set dns.ttl=30s --vary 'a=[1, 2]' ''"#
        );
        // What the shell reads back is what was written.
        let words = ["it's", "$HOME", "a\"b", "~x", "*"];
        assert_eq!(shell_words::split(&shell_join(words)).unwrap(), words);
    }

    #[test]
    fn broken_pipe_texts_are_recognised() {
        assert!(is_broken_pipe_text(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_pipe_text(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
    }
}
