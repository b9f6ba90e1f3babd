//! Parameter sweeps: a grid of scenario variants x replications, run in parallel, with the
//! mean and 95 % confidence interval of every summary metric per variant, and a chart.
//!
//! # Grid, runs and seeds
//! Each `--vary PATH=V1,V2,...` names a scenario value (dotted, exactly as `--set`) and the
//! values it takes; a value is applied exactly like `--set PATH=V`. The grid is the
//! Cartesian product of all of them, the first `--vary` outermost (it changes slowest), and
//! its *points* are numbered from 0 in that order. Every point is run `replications` times;
//! run `i` is point `i / R`, replication `i % R`, so the run list is point-major. Replication
//! `r` uses seed `seed + r` at *every* point (common random numbers): all points
//! see the same users, draws and coin flips, so differences between points come from the
//! parameter, not from noise. The base seed is `--seed`, else the scenario's `seed`.
//!
//! # Shards
//! `--shard K/N` (1-based K) runs the runs `i` with `i % N == K - 1`: a round-robin deal,
//! so every shard gets a similar mix of cheap and expensive points. A shard writes only
//! `sweep.csv` (its rows, with their global point and replication numbers) and
//! `sweep-manifest.toml`; [`merge`] checks that a set of shard directories are the N
//! complete shards of one sweep and writes exactly the files an unsharded run writes.
//!
//! # Files and partial results
//! The output directory receives `sweep.csv` (one row per run, in run order),
//! `sweep_summary.csv` (one row per point), `sweep.{svg,png}` and `sweep-manifest.toml` (what
//! identifies the sweep; [`merge`] reads it). Like `run`, the directory appears only when
//! complete: it is assembled in a visible sibling `<DIR>.partial/` and renamed into place at
//! the end (through [`crate::output::write_atomically`], so a previous result is replaced only
//! by a finished one). While the sweep runs, `<DIR>.partial/sweep.csv` grows row by row:
//! rows are written in run order whatever order the parallel runs finish in (a reorder
//! buffer holds runs that finished early; workers take runs in increasing order, so it stays
//! about one row per thread), and each row goes to the file in one write as soon as every
//! earlier run has finished. An interrupted sweep (Ctrl-C, a scheduler's time limit)
//! therefore leaves `<DIR>.partial/sweep.csv` holding every run up to the first unfinished
//! one, each row complete, plus a manifest saying `complete = false`. The next sweep into
//! the same `--out` replaces it.
//!
//! # Statistics
//! For each point and metric, over the replications in which the metric has a value (an
//! empty field means "did not happen"): `<metric>_n` counts them, `<metric>_mean` is their
//! mean, and `<metric>_ci95_low` / `_high` is the two-sided 95 % Student-t confidence
//! interval of the mean, `mean -/+ t(0.975, n - 1) * s / sqrt(n)` with `s` the sample
//! standard deviation. The interval is empty when `n < 2`, the mean when `n = 0`. Statistics
//! are computed from the values exactly as written to `sweep.csv`, so [`merge`] reproduces
//! them to the byte. `seed` is not repeated among the metric columns (it is the third
//! column).
//!
//! # Determinism and memory
//! Files depend only on the scenario, the options that define the sweep and the failsim
//! version: never on `--jobs`, the completion order of runs, the machine or the clock.
//! A run keeps only its summary (no timeline, series or traced users), rows are streamed to
//! `sweep.csv` and statistics are accumulated point by point, so memory grows with the
//! number of grid points (one validated scenario each), not with the number of runs.
//!
//! # Layout of this module
//! `plan.rs` turns the options into a [`Sweep`] (grid, run list, seeds, every point's
//! scenario loaded); `execute.rs` runs it and streams the rows; `merge.rs` joins shards;
//! `files.rs` holds what both write (column layout, summary and chart, the partial
//! directory); `stats.rs` the statistics; `manifest.rs` the manifest; `outcome.rs` the table
//! printed on stdout. Directory safety and atomic replacement come from [`crate::output`].

mod chart;
mod execute;
mod files;
mod html_page;
mod manifest;
mod merge;
mod outcome;
mod plan;
mod shard;
mod stats;
mod vary;

use crate::metric::{Metric, MetricRef};
use crate::output::OutputError;
use crate::scenario::LoadError;
use std::io;
use std::path::Path;

pub use chart::{seek_input, SeekPoint};
pub use execute::{simulate_outcome, simulate_summary, simulate_values, RunResult};
pub use files::{partial_dir, write_seek_charts};
pub use merge::merge;
pub use outcome::SweepOutcome;
pub use plan::{parse_metric, Point, RunId, Sweep, SweepOptions};
pub use shard::Shard;
pub use stats::{t_quantile_975, MetricStats, PointStats};
pub use vary::{grid, Vary};
// For the chart, which reads the manifest's `--vary` entries and formats statistics as the
// summary does.
pub(crate) use manifest::VaryEntry;
pub use stats::format3;

/// Replications per point when `--replications` is not given.
pub const DEFAULT_REPLICATIONS: u32 = 10;
/// The most `--replications`: 10,000. The confidence interval narrows as 1/sqrt(R), so
/// 10,000 replications already give a hundredth of one run's spread; `4294967295` only ever
/// meant a run that cannot finish.
pub const MAX_REPLICATIONS: u32 = 10_000;
/// The most grid points (the product of the `--vary` value counts): 10,000. Every point
/// holds a validated scenario in memory, and a chart or `sweep_summary.csv` of more points
/// cannot be read; a 2^20-point grid only ever meant a typo.
pub const MAX_POINTS: u64 = 10_000;
/// The most `--jobs`: 1,024 worker threads. Runs are CPU-bound, so threads beyond the cores
/// add nothing, and 100,000 threads exhaust the operating system's limits before any run
/// starts.
pub const MAX_JOBS: usize = 1_024;
/// The most events one sweep (or shard) may be estimated to need: 100,000,000,000, ten
/// runs at the single-run bound (`model::budget::MAX_EVENTS`); as estimates are upper
/// bounds, at most about 20 hours of one core at 1.4 M events/s. Beyond it, split the
/// sweep with `--shard` or run fewer replications.
pub const MAX_SWEEP_EVENTS: u64 = 100_000_000_000;

/// Metric charted when `--metric` is not given.
pub const DEFAULT_METRIC: Metric = Metric::DowntimeP95Ms;
/// One row per run.
pub const SWEEP_CSV: &str = "sweep.csv";
/// One row per point: mean and 95 % confidence interval of every metric.
pub const SUMMARY_CSV: &str = "sweep_summary.csv";
/// What identifies the sweep (read by [`merge`]).
pub const MANIFEST: &str = "sweep-manifest.toml";
/// File stem of the chart (`sweep.svg`, `sweep.png`).
pub const CHART_STEM: &str = "sweep";

/// The metrics of `sweep.csv` and `sweep_summary.csv`: every summary metric but `seed`,
/// which is a column of its own.
pub fn metrics() -> impl Iterator<Item = Metric> {
    Metric::ALL.iter().copied().filter(|m| *m != Metric::Seed)
}

/// The metric columns of a sweep charting `charted`: every [`metrics`] of all users, then
/// `charted` when it is a cohort's (`downtime_p95_ms{redirect=redirectable}`).
pub fn columns(charted: &MetricRef) -> Vec<MetricRef> {
    let mut columns: Vec<MetricRef> = metrics().map(MetricRef::from).collect();
    if charted.cohort.is_some() {
        columns.push(charted.clone());
    }
    columns
}

/// Why a sweep or a merge could not be done. Every message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Bad options (`--vary`, `--shard`, `--metric`, `--replications`, ...).
    #[error("{0}")]
    Usage(String),
    /// The scenario (with the `--set` overrides) is invalid.
    #[error("{0}")]
    Load(LoadError),
    /// One `--vary` value makes the scenario invalid.
    #[error("{}", render_vary_error(.assignment, .source))]
    Vary {
        /// `PATH=VALUE` as applied.
        assignment: String,
        /// Why.
        source: LoadError,
    },
    /// A combination of `--vary` values makes the scenario invalid.
    #[error("{source}\n(in sweep point {point}: {})", .assignments.join(", "))]
    Point {
        /// Point number.
        point: usize,
        /// The point's `PATH=VALUE` assignments.
        assignments: Vec<String>,
        /// Why.
        source: LoadError,
    },
    /// Shard directories that cannot be merged.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// Output could not be written.
    #[error("{0}")]
    Output(#[from] OutputError),
}

fn render_vary_error(assignment: &str, source: &LoadError) -> String {
    match source {
        LoadError::Override { message, .. } => format!("--vary {assignment}: {message}"),
        // Problems the value caused are reported against the --vary, not a --set.
        LoadError::Invalid(diagnostics) => {
            let as_set = format!("--set {assignment}");
            let mut diagnostics = diagnostics.clone();
            let mut all_ours = true;
            for d in &mut diagnostics {
                if d.origin.as_deref() == Some(as_set.as_str()) {
                    d.origin = Some(format!("--vary {assignment}"));
                } else {
                    all_ours = false;
                }
            }
            let text = LoadError::Invalid(diagnostics).to_string();
            if all_ours {
                text
            } else {
                format!("{text}\n(with --vary {assignment})")
            }
        }
        other => format!("{other}\n(with --vary {assignment})"),
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SweepError + '_ {
    move |source| {
        SweepError::Output(OutputError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests;
