//! Problems in a scenario: [`Problem`] (a field path and a message, as validation finds it),
//! [`Diagnostic`] (the same located in the file) and [`LoadError`], which the CLI renders.

use std::fmt;
use std::path::PathBuf;

/// One located problem in a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as named on the command line.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// Dotted field path (`users.staff.count`), empty for syntax errors.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// The command-line override that caused it (`--set dns.ttl=30`), when one did: the
    /// problem is then reported against the override, not against the file.
    pub origin: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(origin) = &self.origin {
            write!(f, "{origin}")?;
        } else {
            write!(f, "{}", self.file)?;
            if self.line > 0 {
                write!(f, ":{}:{}", self.line, self.column)?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": `{}`: {}", self.field, self.message)
        }
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A `--set` could not be applied.
    #[error("--set {assignment}: {message}")]
    Override {
        /// The `PATH=VALUE` as given.
        assignment: String,
        /// Why.
        message: String,
    },
    /// The scenario is invalid; every problem found.
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
}

fn render_diagnostics(d: &[Diagnostic]) -> String {
    let mut s = String::new();
    for (i, x) in d.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&format!("error: {x}"));
    }
    s.push_str(&format!(
        "\n{} problem{} found",
        d.len(),
        if d.len() == 1 { "" } else { "s" }
    ));
    s
}

/// A validation problem before it is located in the file.
#[derive(Clone, Debug)]
pub(crate) struct Problem {
    pub path: Vec<PathSeg>,
    pub message: String,
}

/// One step of a field path.
#[derive(Clone, Debug)]
pub(crate) enum PathSeg {
    Key(&'static str),
    Name(String),
    Index(usize),
}
