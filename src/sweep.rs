//! Parameter sweeps: a grid of scenario variants x replications, run in parallel, with the
//! mean and 95 % confidence interval of every summary metric per variant, and a chart.
//!
//! # Grid, runs and seeds
//! Each `--vary PATH=V1,V2,...` names a scenario value (dotted, exactly as `--set`) and the
//! values it takes; a value is applied exactly like `--set PATH=V`. The grid is the
//! Cartesian product of all of them, the first `--vary` outermost (it changes slowest), and
//! its *points* are numbered from 0 in that order. Every point is run `replications` times;
//! run `i` is point `i / R`, replication `i % R`, so the run list is point-major. Replication
//! `r` uses seed `seed + r` at *every* point (common random numbers, DESIGN §3): all points
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

mod chart;
mod manifest;
mod stats;

use crate::metric::Metric;
use crate::model::{simulate_into, RunOptions};
use crate::model::{Observation, Recorder, Sample};
use crate::output::{self, OutputError, MARKER};
use crate::report::charts::ImageFormat;
use crate::report::summary::summarize;
use crate::report::Summary;
use crate::scenario::{self, overrides::split_assignment, LoadError, Scenario};
use crate::time::format_human;
use manifest::Manifest;
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

pub use stats::{t_quantile_975, MetricStats};

/// Replications per point when `--replications` is not given.
pub const DEFAULT_REPLICATIONS: u32 = 10;
/// Metric charted when `--metric` is not given.
pub const DEFAULT_METRIC: &str = "downtime_p95_ms";
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

/// One `--vary PATH=V1,V2,...`: a scenario value and the values it takes, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vary {
    /// Dotted path, as for `--set`.
    pub path: String,
    /// Values as written (each applied like `--set PATH=VALUE`).
    pub values: Vec<String>,
}

impl Vary {
    /// Parses `PATH=V1,V2,...`. Values are separated by commas outside brackets, braces and
    /// quotes, so TOML arrays and inline tables work as values:
    /// `event.outage.planes=["sessions"],["sessions","logins"]`.
    pub fn parse(spec: &str) -> Result<Vary, SweepError> {
        let usage = |m: String| SweepError::Usage(format!("--vary {spec}: {m}"));
        if !spec.contains('=') {
            return Err(usage(
                "expected PATH=V1,V2,..., e.g. dns.ttl=30s,60s,300s".to_string(),
            ));
        }
        let (path, values) = split_assignment(spec).map_err(usage)?;
        let values = split_values(values);
        if values.is_empty() || values.iter().any(String::is_empty) {
            return Err(usage(
                "every value must be non-empty, e.g. dns.ttl=30s,60s,300s".to_string(),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].contains(v) {
                return Err(usage(format!("the value `{v}` is given twice")));
            }
        }
        Ok(Vary {
            path: path.to_string(),
            values,
        })
    }

    /// `PATH=VALUE` for one of the values, as `--set` takes it.
    pub fn assignment(&self, value: &str) -> String {
        format!("{}={value}", self.path)
    }
}

impl fmt::Display for Vary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.path, self.values.join(","))
    }
}

/// Splits on commas at nesting depth 0 and outside quotes; trims each value.
fn split_values(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth <= 0 => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current.trim().to_string());
    out
}

/// `--shard K/N`: this process runs the `K`-th (1-based) of `N` round-robin shares of the
/// runs, the runs `i` with `i % N == K - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// K, 1-based.
    pub index: u32,
    /// N, at least 1.
    pub count: u32,
}

impl Shard {
    /// All runs (`1/1`).
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Whether run `run` belongs to this shard.
    pub fn takes(self, run: usize) -> bool {
        run % self.count as usize == (self.index - 1) as usize
    }

    /// Whether this is the whole sweep.
    pub fn is_whole(self) -> bool {
        self.count == 1
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with `1 <= K <= N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{s}` is not a shard; expected K/N with 1 <= K <= N, e.g. 3/8 (K is 1-based: \
                 a 0-based scheduler index needs +1)"
            )
        };
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Everything that defines a sweep, and how to run it. Defaults (from [`SweepOptions::new`]):
/// no `--set`, no `--vary` (one point), [`DEFAULT_REPLICATIONS`] replications, the
/// scenario's seed, all cores, the whole sweep, [`DEFAULT_METRIC`], SVG and PNG charts, no
/// progress bar.
#[derive(Clone, Debug)]
pub struct SweepOptions {
    /// The scenario file as named on the command line (messages, manifest, reproduce
    /// commands).
    pub scenario_path: PathBuf,
    /// The scenario file's text.
    pub scenario_text: String,
    /// `--set PATH=VALUE` overrides applied to every point, before the varied values.
    pub set: Vec<String>,
    /// `--vary`, in command-line order.
    pub vary: Vec<Vary>,
    /// Replications per point (at least 1).
    pub replications: u32,
    /// Base seed; `None` = the scenario's `seed`.
    pub seed: Option<u64>,
    /// Worker threads; 0 = one per core.
    pub jobs: usize,
    /// Which share of the runs to run.
    pub shard: Shard,
    /// Metric charted (any of [`metrics`]).
    pub metric: String,
    /// Chart formats; empty = no chart.
    pub formats: Vec<ImageFormat>,
    /// Draw a progress bar on stderr (the CLI sets it when stderr is a terminal).
    pub progress: bool,
}

impl SweepOptions {
    /// Options with the defaults listed on the type.
    pub fn new(scenario_path: impl Into<PathBuf>, scenario_text: impl Into<String>) -> Self {
        SweepOptions {
            scenario_path: scenario_path.into(),
            scenario_text: scenario_text.into(),
            set: Vec::new(),
            vary: Vec::new(),
            replications: DEFAULT_REPLICATIONS,
            seed: None,
            jobs: 0,
            shard: Shard::WHOLE,
            metric: DEFAULT_METRIC.to_string(),
            formats: vec![ImageFormat::Svg, ImageFormat::Png],
            progress: false,
        }
    }
}

/// The Cartesian product of the varied values, first `--vary` outermost; one entry per
/// point, holding one value per `--vary`. No `--vary` gives one point with no values.
pub fn grid(vary: &[Vary]) -> Vec<Vec<String>> {
    let mut points: Vec<Vec<String>> = vec![Vec::new()];
    for v in vary {
        points = points
            .into_iter()
            .flat_map(|p| {
                v.values.iter().map(move |value| {
                    let mut q = p.clone();
                    q.push(value.clone());
                    q
                })
            })
            .collect();
    }
    points
}

/// One simulation of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunId {
    /// Position in the run list (`point * replications + replication`).
    pub index: usize,
    /// Grid point.
    pub point: usize,
    /// Replication, 0-based.
    pub replication: u32,
    /// Seed: base seed + replication, the same at every point.
    pub seed: u64,
}

impl RunId {
    /// Run `index` of a sweep with `replications` per point and base seed `base_seed`.
    pub fn new(index: usize, replications: u32, base_seed: u64) -> RunId {
        let r = replications as usize;
        let replication = (index % r) as u32;
        RunId {
            index,
            point: index / r,
            replication,
            seed: base_seed.wrapping_add(u64::from(replication)),
        }
    }
}

/// A grid point, ready to simulate.
#[derive(Clone, Debug)]
pub struct Point {
    /// Point number.
    pub index: usize,
    /// One value per `--vary`.
    pub values: Vec<String>,
    /// The scenario with `--set` and the point's values applied.
    pub model: Scenario,
}

/// A validated sweep: every point's scenario loaded, ready to [`Sweep::execute`].
#[derive(Debug)]
pub struct Sweep {
    options: SweepOptions,
    base_seed: u64,
    scenario_name: String,
    points: Vec<Point>,
    expect_min: Vec<f64>,
    expect_max: Vec<f64>,
}

impl Sweep {
    /// Checks the options and loads the scenario at every point, so that a bad value fails
    /// before anything runs. Each `--vary` value is first tried on its own, so an error
    /// names the value that causes it.
    pub fn plan(options: SweepOptions) -> Result<Sweep, SweepError> {
        if options.replications == 0 {
            return Err(SweepError::Usage(
                "--replications must be at least 1".to_string(),
            ));
        }
        if !metrics().any(|m| m.name() == options.metric) {
            return Err(SweepError::Usage(format!(
                "--metric {}: not a summary metric; choose one of: {}",
                options.metric,
                metrics().map(Metric::name).collect::<Vec<_>>().join(", ")
            )));
        }
        for (i, v) in options.vary.iter().enumerate() {
            if options.vary[..i].iter().any(|w| w.path == v.path) {
                return Err(SweepError::Usage(format!(
                    "--vary {}: `{}` is varied twice; give all its values in one --vary",
                    v, v.path
                )));
            }
        }
        let file = options.scenario_path.display().to_string();
        let base = scenario::load_str(&options.scenario_text, &file, &options.set)
            .map_err(SweepError::Load)?;
        let base_seed = options.seed.unwrap_or(base.seed);
        if base_seed
            .checked_add(u64::from(options.replications - 1))
            .is_none()
        {
            return Err(SweepError::Usage(format!(
                "--seed {base_seed} with {} replications runs past the largest seed",
                options.replications
            )));
        }
        let load_with = |extra: &[String]| {
            let mut set = options.set.clone();
            set.extend_from_slice(extra);
            scenario::load_str(&options.scenario_text, &file, &set)
        };
        // Each value alone first: the error then names the culprit.
        let mut single: Vec<Vec<Scenario>> = Vec::with_capacity(options.vary.len());
        for v in &options.vary {
            let mut models = Vec::with_capacity(v.values.len());
            for value in &v.values {
                let assignment = v.assignment(value);
                let model = load_with(std::slice::from_ref(&assignment))
                    .map_err(|source| SweepError::Vary { assignment, source })?;
                models.push(model);
            }
            single.push(models);
        }
        let grid = grid(&options.vary);
        let count = grid.len();
        count
            .checked_mul(options.replications as usize)
            .ok_or_else(|| SweepError::Usage("the sweep has too many runs".to_string()))?;
        let mut points = Vec::with_capacity(count);
        for (index, values) in grid.into_iter().enumerate() {
            let model = match options.vary.len() {
                0 => base.clone(),
                1 => {
                    let k = options.vary[0]
                        .values
                        .iter()
                        .position(|v| *v == values[0])
                        .expect("grid values come from the --vary values");
                    single[0][k].clone()
                }
                _ => {
                    let assignments: Vec<String> = options
                        .vary
                        .iter()
                        .zip(&values)
                        .map(|(v, value)| v.assignment(value))
                        .collect();
                    load_with(&assignments).map_err(|source| SweepError::Point {
                        point: index,
                        assignments: assignments.clone(),
                        source,
                    })?
                }
            };
            points.push(Point {
                index,
                values,
                model,
            });
        }
        let on_metric = base
            .expectations
            .iter()
            .filter(|x| x.metric.name() == options.metric);
        let expect_min = on_metric.clone().filter_map(|x| x.min).collect();
        let expect_max = on_metric.filter_map(|x| x.max).collect();
        Ok(Sweep {
            scenario_name: base.name.clone(),
            base_seed,
            points,
            expect_min,
            expect_max,
            options,
        })
    }

    /// The options the sweep was planned with.
    pub fn options(&self) -> &SweepOptions {
        &self.options
    }

    /// Grid points, in point order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// Seed of replication 0.
    pub fn base_seed(&self) -> u64 {
        self.base_seed
    }

    /// Runs in the whole sweep (points x replications).
    pub fn run_count(&self) -> usize {
        self.points.len() * self.options.replications as usize
    }

    /// This shard's runs, in run order.
    pub fn shard_runs(&self) -> Vec<RunId> {
        (0..self.shard_run_count())
            .map(|k| self.shard_run(k))
            .collect()
    }

    /// Number of runs in this shard.
    fn shard_run_count(&self) -> usize {
        let Shard { index, count } = self.options.shard;
        (self.run_count() + count as usize - index as usize) / count as usize
    }

    /// The `k`-th run of this shard: run `K - 1 + k * N`.
    fn shard_run(&self, k: usize) -> RunId {
        let Shard { index, count } = self.options.shard;
        let i = (index - 1) as usize + k * count as usize;
        RunId::new(i, self.options.replications, self.base_seed)
    }

    /// The `--set` assignments that make `failsim run` reproduce a point.
    pub fn point_assignments(&self, point: usize) -> Vec<String> {
        let mut set = self.options.set.clone();
        set.extend(
            self.options
                .vary
                .iter()
                .zip(&self.points[point].values)
                .map(|(v, value)| v.assignment(value)),
        );
        set
    }

    fn manifest(&self, complete: bool, shard_runs: usize) -> Manifest {
        Manifest {
            failsim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: self.options.scenario_path.display().to_string(),
            scenario_name: self.scenario_name.clone(),
            scenario_hash: manifest::fnv1a64_hex(self.options.scenario_text.as_bytes()),
            set: self.options.set.clone(),
            seed: self.base_seed.to_string(),
            replications: self.options.replications,
            metric: self.options.metric.clone(),
            charts: self
                .options
                .formats
                .iter()
                .map(|f| f.extension().to_string())
                .collect(),
            expect_min: self.expect_min.clone(),
            expect_max: self.expect_max.clone(),
            shard: self.options.shard.to_string(),
            runs: self.run_count() as u64,
            shard_runs: shard_runs as u64,
            complete,
            vary: self
                .options
                .vary
                .iter()
                .map(|v| manifest::VaryEntry {
                    path: v.path.clone(),
                    values: v.values.clone(),
                })
                .collect(),
        }
    }

    /// Runs this shard's runs on `jobs` threads and writes the sweep's files into `out`
    /// (see the module docs for the files and for what an interruption leaves behind).
    pub fn execute(&self, out: &Path) -> Result<SweepOutcome, SweepError> {
        check_not_foreign(out)?;
        let partial = partial_dir(out);
        prepare_partial(&partial)?;
        let run_count = self.shard_run_count();
        let mut manifest = self.manifest(false, run_count);
        manifest.write(&partial.join(MANIFEST))?;
        let layout = Layout::new(&manifest);
        let csv_path = partial.join(SWEEP_CSV);
        let mut sink = RowSink {
            csv: CsvOut::create(&csv_path, &layout.sweep_header())?,
            aggregate: self
                .options
                .shard
                .is_whole()
                .then(|| Aggregate::new(&layout)),
            progress: progress_bar(self.options.progress, run_count),
        };
        let points = &self.points;
        let vary_count = self.options.vary.len();
        let work = |k: usize| -> Vec<String> {
            let run = self.shard_run(k);
            let point = &points[run.point];
            let summary = simulate_summary(&point.model, run.seed);
            run_record(run, &point.values, &summary, vary_count)
        };
        ordered_parallel(run_count, self.options.jobs, work, &mut sink)?;
        let RowSink {
            csv,
            aggregate,
            progress,
        } = sink;
        progress.finish_and_clear();
        csv.finish()?;
        let stats = aggregate.map(Aggregate::finish);
        let mut files = vec![SWEEP_CSV.to_string()];
        if let Some(stats) = &stats {
            files.extend(write_summary_and_chart(&partial, &layout, stats)?);
        }
        manifest.complete = true;
        manifest.write(&partial.join(MANIFEST))?;
        files.push(MANIFEST.to_string());
        finish_partial(&partial, out)?;
        Ok(SweepOutcome {
            out: out.to_path_buf(),
            files,
            runs: run_count,
            total_runs: self.run_count(),
            shard: self.options.shard,
            metric: self.options.metric.clone(),
            vary: self.options.vary.iter().map(|v| v.path.clone()).collect(),
            expect_min: self.expect_min.clone(),
            expect_max: self.expect_max.clone(),
            points: stats.unwrap_or_default(),
        })
    }
}

/// Runs one simulation and returns its summary only (no timeline, series or traces kept).
pub fn simulate_summary(model: &Scenario, seed: u64) -> Summary {
    let mut recorder = DiscardRecorder;
    let outcome = simulate_into(
        model,
        &RunOptions {
            seed,
            trace_users: 0,
        },
        &mut recorder,
    );
    summarize(seed, &outcome.users, &outcome.control)
}

/// A recorder that keeps nothing: a sweep needs only the summary.
struct DiscardRecorder;

impl Recorder for DiscardRecorder {
    fn observe(&mut self, _time_ms: u64, _observation: Observation) {}
    fn sample(&mut self, _sample: &Sample<'_>) {}
}

/// The `sweep.csv` record of one run.
fn run_record(run: RunId, values: &[String], summary: &Summary, vary_count: usize) -> Vec<String> {
    debug_assert_eq!(values.len(), vary_count);
    let mut record = Vec::with_capacity(3 + vary_count + Metric::ALL.len());
    record.push(run.point.to_string());
    record.push(run.replication.to_string());
    record.push(run.seed.to_string());
    record.extend(values.iter().cloned());
    record.extend(
        summary
            .values
            .iter()
            .filter(|(metric, _)| *metric != Metric::Seed)
            .map(|(_, v)| Summary::format_value(*v)),
    );
    record
}

/// What a finished sweep or merge wrote, for the command's report on stdout.
#[derive(Clone, Debug)]
pub struct SweepOutcome {
    /// Output directory.
    pub out: PathBuf,
    /// Files written, relative to `out`.
    pub files: Vec<String>,
    /// Runs in this directory.
    pub runs: usize,
    /// Runs in the whole sweep.
    pub total_runs: usize,
    /// The shard this directory holds (`1/1` for a whole sweep or a merge).
    pub shard: Shard,
    /// The charted metric.
    pub metric: String,
    /// Varied paths, in `--vary` order.
    pub vary: Vec<String>,
    /// Lower bounds that `[[expect]]` puts on the charted metric.
    pub expect_min: Vec<f64>,
    /// Upper bounds that `[[expect]]` puts on the charted metric.
    pub expect_max: Vec<f64>,
    /// Per-point statistics (empty for a shard).
    pub points: Vec<PointStats>,
}

impl SweepOutcome {
    /// A plain-text table of the charted metric per point (mean and 95 % confidence
    /// interval; `*_ms` metrics as durations), with a column saying whether the mean meets
    /// the scenario's `[[expect]]` bounds on that metric when it has any.
    pub fn table(&self) -> String {
        let m = metrics()
            .position(|x| x.name() == self.metric)
            .expect("the metric was validated");
        let is_ms = self.metric.ends_with("_ms");
        let show = |v: f64| {
            if is_ms {
                format_human(v.max(0.0).round() as u64)
            } else {
                Summary::format_value(Some((v * 1000.0).round() / 1000.0))
            }
        };
        let has_bounds = !(self.expect_min.is_empty() && self.expect_max.is_empty());
        let mut header: Vec<String> = vec!["point".into()];
        header.extend(self.vary.iter().cloned());
        header.push(format!("{} mean", self.metric));
        header.push("95% CI".into());
        header.push("n".into());
        if has_bounds {
            header.push("meets [[expect]]".into());
        }
        let mut rows = vec![header];
        for p in &self.points {
            let s = &p.metrics[m];
            let mut row = vec![p.point.to_string()];
            row.extend(p.values.iter().cloned());
            row.push(s.mean.map(show).unwrap_or_else(|| "-".into()));
            row.push(match s.ci95 {
                Some((lo, hi)) => format!("{} .. {}", show(lo), show(hi)),
                None => "-".into(),
            });
            row.push(s.n.to_string());
            if has_bounds {
                row.push(
                    match s.mean {
                        Some(v) => {
                            let ok = self.expect_min.iter().all(|&b| v >= b)
                                && self.expect_max.iter().all(|&b| v <= b);
                            if ok {
                                "yes"
                            } else {
                                "no"
                            }
                        }
                        None => "no (never happened)",
                    }
                    .into(),
                );
            }
            rows.push(row);
        }
        let columns = rows[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        let mut text = String::new();
        for row in rows {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            text.push_str(cells.join("  ").trim_end());
            text.push('\n');
        }
        text
    }
}

/// Statistics of every metric at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct PointStats {
    /// Point number.
    pub point: usize,
    /// One value per `--vary`.
    pub values: Vec<String>,
    /// Replications run.
    pub runs: u32,
    /// One entry per metric, in [`metrics`] order.
    pub metrics: Vec<MetricStats>,
}

// ---------------------------------------------------------------------------------------
// File layout shared by sweeps and merges
// ---------------------------------------------------------------------------------------

/// Column layout and chart settings derived from a manifest, so that a sweep and a merge
/// write the same bytes.
struct Layout {
    vary: Vec<manifest::VaryEntry>,
    replications: u32,
    metric: String,
    formats: Vec<ImageFormat>,
    scenario_name: String,
    expect_min: Vec<f64>,
    expect_max: Vec<f64>,
}

impl Layout {
    fn new(m: &Manifest) -> Layout {
        Layout {
            vary: m.vary.clone(),
            replications: m.replications,
            metric: m.metric.clone(),
            formats: m
                .charts
                .iter()
                .filter_map(|c| match c.as_str() {
                    "svg" => Some(ImageFormat::Svg),
                    "png" => Some(ImageFormat::Png),
                    _ => None,
                })
                .collect(),
            scenario_name: m.scenario_name.clone(),
            expect_min: m.expect_min.clone(),
            expect_max: m.expect_max.clone(),
        }
    }

    fn sweep_header(&self) -> Vec<String> {
        let mut h: Vec<String> = vec!["point".into(), "replication".into(), "seed".into()];
        h.extend(self.vary.iter().map(|v| v.path.clone()));
        h.extend(metrics().map(|m| m.name().to_string()));
        h
    }

    fn summary_header(&self) -> Vec<String> {
        let mut h: Vec<String> = vec!["point".into()];
        h.extend(self.vary.iter().map(|v| v.path.clone()));
        h.push("runs".into());
        for m in metrics() {
            h.push(format!("{m}_mean"));
            h.push(format!("{m}_ci95_low"));
            h.push(format!("{m}_ci95_high"));
            h.push(format!("{m}_n"));
        }
        h
    }

    /// Number of grid points.
    fn point_count(&self) -> usize {
        self.vary.iter().map(|v| v.values.len()).product()
    }

    fn grid(&self) -> Vec<Vec<String>> {
        let vary: Vec<Vary> = self
            .vary
            .iter()
            .map(|v| Vary {
                path: v.path.clone(),
                values: v.values.clone(),
            })
            .collect();
        grid(&vary)
    }
}

/// Per-point statistics, accumulated from `sweep.csv` records arriving in run order.
struct Aggregate {
    grid: Vec<Vec<String>>,
    replications: u32,
    vary_count: usize,
    /// Values of the current point: one vector per metric.
    current: Vec<Vec<f64>>,
    current_point: usize,
    current_runs: u32,
    done: Vec<PointStats>,
}

impl Aggregate {
    fn new(layout: &Layout) -> Aggregate {
        Aggregate {
            grid: layout.grid(),
            replications: layout.replications,
            vary_count: layout.vary.len(),
            current: vec![Vec::new(); metrics().count()],
            current_point: 0,
            current_runs: 0,
            done: Vec::new(),
        }
    }

    /// Adds one `sweep.csv` record (runs must arrive in run order); says which field is
    /// not a number when one is not.
    fn add(&mut self, record: &[String]) -> Result<(), String> {
        let point: usize = record[0]
            .parse()
            .map_err(|_| format!("`point` is `{}`, not a number", record[0]))?;
        while point > self.current_point {
            self.close_point();
        }
        for (k, (field, name)) in record[3 + self.vary_count..]
            .iter()
            .zip(metrics())
            .enumerate()
        {
            if !field.is_empty() {
                let value: f64 = field
                    .parse()
                    .map_err(|_| format!("`{name}` is `{field}`, not a number"))?;
                self.current[k].push(value);
            }
        }
        self.current_runs += 1;
        Ok(())
    }

    fn close_point(&mut self) {
        let metrics = self
            .current
            .iter_mut()
            .map(|values| {
                let s = MetricStats::of(values);
                values.clear();
                s
            })
            .collect();
        debug_assert_eq!(self.current_runs, self.replications);
        self.done.push(PointStats {
            point: self.current_point,
            values: self.grid[self.current_point].clone(),
            runs: self.current_runs,
            metrics,
        });
        self.current_point += 1;
        self.current_runs = 0;
    }

    fn finish(mut self) -> Vec<PointStats> {
        while self.current_point < self.grid.len() {
            self.close_point();
        }
        self.done
    }
}

/// Writes `sweep_summary.csv` and the chart; returns the file names.
fn write_summary_and_chart(
    dir: &Path,
    layout: &Layout,
    stats: &[PointStats],
) -> Result<Vec<String>, SweepError> {
    let mut files = Vec::new();
    let header = layout.summary_header();
    files.push(output::write_file(dir, SUMMARY_CSV, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record(&header)?;
        for p in stats {
            let mut record: Vec<String> = vec![p.point.to_string()];
            record.extend(p.values.iter().cloned());
            record.push(p.runs.to_string());
            for s in &p.metrics {
                record.push(s.mean.map(stats::format3).unwrap_or_default());
                let (lo, hi) = match s.ci95 {
                    Some((lo, hi)) => (stats::format3(lo), stats::format3(hi)),
                    None => (String::new(), String::new()),
                };
                record.push(lo);
                record.push(hi);
                record.push(s.n.to_string());
            }
            csv.write_record(&record)?;
        }
        csv.flush()
    })?);
    if !layout.formats.is_empty() {
        let input = chart::SweepChart::build(
            &layout.scenario_name,
            &layout.vary,
            layout.replications,
            &layout.metric,
            stats,
            &layout.expect_min,
            &layout.expect_max,
        );
        for &format in &layout.formats {
            let name = format!("{CHART_STEM}.{}", format.extension());
            chart::render(&input, format, &dir.join(&name))?;
            files.push(name);
        }
    }
    Ok(files)
}

// ---------------------------------------------------------------------------------------
// Streaming rows in run order
// ---------------------------------------------------------------------------------------

/// `sweep.csv`, written record by record and flushed on demand.
struct CsvOut {
    path: PathBuf,
    writer: csv::Writer<BufWriter<fs::File>>,
}

impl CsvOut {
    fn create(path: &Path, header: &[String]) -> Result<CsvOut, SweepError> {
        let file = fs::File::create(path).map_err(io_error(path))?;
        let mut out = CsvOut {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file)),
        };
        out.push(header)?;
        out.flush()?;
        Ok(out)
    }

    fn push(&mut self, record: &[String]) -> Result<(), SweepError> {
        self.writer
            .write_record(record)
            .map_err(|e| csv_error(&self.path, e))
    }

    fn flush(&mut self) -> Result<(), SweepError> {
        self.writer.flush().map_err(io_error(&self.path))
    }

    fn finish(mut self) -> Result<(), SweepError> {
        self.flush()?;
        let inner = self
            .writer
            .into_inner()
            .map_err(|e| csv_error(&self.path, e.into_error().into()))?;
        inner
            .into_inner()
            .map_err(|e| io_error(&self.path)(e.into_error()))?
            .sync_all()
            .map_err(io_error(&self.path))
    }
}

fn csv_error(path: &Path, e: csv::Error) -> SweepError {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    };
    io_error(path)(source)
}

/// Receives results in order; told when to flush.
trait OrderedSink<T> {
    /// The result of item `index` (items arrive in index order).
    fn accept(&mut self, index: usize, item: T) -> Result<(), SweepError>;
    /// The contiguous prefix of finished items grew: make it durable.
    fn flush(&mut self) -> Result<(), SweepError>;
}

struct RowSink {
    csv: CsvOut,
    aggregate: Option<Aggregate>,
    progress: indicatif::ProgressBar,
}

impl OrderedSink<Vec<String>> for RowSink {
    fn accept(&mut self, _index: usize, record: Vec<String>) -> Result<(), SweepError> {
        self.csv.push(&record)?;
        // One write per row: an interruption can only cut the file between rows.
        self.csv.flush()?;
        if let Some(a) = &mut self.aggregate {
            a.add(&record)
                .expect("failsim writes numbers into metric columns");
        }
        self.progress.inc(1);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), SweepError> {
        self.csv.flush()
    }
}

fn progress_bar(show: bool, len: usize) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "sweep [{bar:40}] {pos}/{len} runs, {elapsed} elapsed, about {eta} left",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Computes `work(0..count)` on a pool of `jobs` threads (0 = one per core) and hands the
/// results to `sink` in index order. Workers take indices in increasing order from a shared
/// counter, so results finish nearly in order and the reorder buffer stays small (about one
/// entry per thread); the sink is flushed whenever the contiguous prefix grows. A sink error
/// stops the workers after their current item.
fn ordered_parallel<T: Send>(
    count: usize,
    jobs: usize,
    work: impl Fn(usize) -> T + Sync,
    sink: &mut dyn OrderedSink<T>,
) -> Result<(), SweepError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("failsim-sweep-{i}"))
        .build()
        .map_err(|e| SweepError::Usage(format!("cannot start {jobs} worker threads: {e}")))?;
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<(usize, T)>(4 * pool.current_num_threads().max(1));
    std::thread::scope(|scope| {
        let producer = scope.spawn(|| {
            let tx = tx;
            pool.broadcast(|_| {
                let tx = tx.clone();
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let item = work(i);
                    if tx.send((i, item)).is_err() {
                        break;
                    }
                }
            });
        });
        let mut pending: BTreeMap<usize, T> = BTreeMap::new();
        let mut next_out = 0usize;
        let mut result = Ok(());
        for (i, item) in rx.iter() {
            pending.insert(i, item);
            let before = next_out;
            while let Some(item) = pending.remove(&next_out) {
                if let Err(e) = sink.accept(next_out, item) {
                    result = Err(e);
                    break;
                }
                next_out += 1;
            }
            if result.is_ok() && next_out > before {
                result = sink.flush();
            }
            if result.is_err() {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
        // Dropping the receiver (end of the loop) fails pending sends, so workers stop.
        drop(rx);
        if let Err(panic) = producer.join() {
            std::panic::resume_unwind(panic);
        }
        if result.is_ok() {
            debug_assert_eq!(next_out, count, "every run was handed on");
            debug_assert!(pending.is_empty());
        }
        result
    })
}

// ---------------------------------------------------------------------------------------
// Directories
// ---------------------------------------------------------------------------------------

/// `<DIR>.partial`, where a sweep is assembled.
pub fn partial_dir(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    parent.join(format!("{name}.partial"))
}

/// Refuses, before any work, a non-empty directory failsim did not write.
fn check_not_foreign(dir: &Path) -> Result<(), SweepError> {
    if !dir.exists() {
        return Ok(());
    }
    let ours = dir.join(MARKER).is_file();
    let empty = dir.is_dir() && fs::read_dir(dir).map_err(io_error(dir))?.next().is_none();
    if !dir.is_dir() || !(ours || empty) {
        return Err(OutputError::Foreign(dir.to_path_buf()).into());
    }
    Ok(())
}

/// A fresh, marked partial directory (replacing a previous partial one).
fn prepare_partial(partial: &Path) -> Result<(), SweepError> {
    check_not_foreign(partial)?;
    if partial.exists() {
        fs::remove_dir_all(partial).map_err(io_error(partial))?;
    }
    fs::create_dir_all(partial).map_err(io_error(partial))?;
    fs::write(
        partial.join(MARKER),
        "written by failsim; a sweep in progress or interrupted (sweep.csv has the runs so \
         far); replaced by the next sweep into the same directory\n",
    )
    .map_err(io_error(&partial.join(MARKER)))
}

/// Moves the finished files from `partial` into `out`, atomically.
fn finish_partial(partial: &Path, out: &Path) -> Result<(), SweepError> {
    let source = partial.to_path_buf();
    output::write_atomically(
        out,
        Box::new(move |tmp: &Path| {
            let mut names = Vec::new();
            let entries = fs::read_dir(&source).map_err(|e| OutputError::Io {
                path: source.clone(),
                source: e,
            })?;
            let mut paths: Vec<PathBuf> = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| OutputError::Io {
                    path: source.clone(),
                    source: e,
                })?;
                paths.push(entry.path());
            }
            paths.sort();
            for path in paths {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name == MARKER {
                    continue;
                }
                fs::rename(&path, tmp.join(&name)).map_err(|e| OutputError::Io {
                    path: path.clone(),
                    source: e,
                })?;
                names.push(name);
            }
            Ok(names)
        }),
    )?;
    fs::remove_dir_all(partial).map_err(io_error(partial))
}

// ---------------------------------------------------------------------------------------
// Merge
// ---------------------------------------------------------------------------------------

/// Joins the `N` shard directories of one sweep (written with `--shard K/N`, in any order)
/// into `out`: the `sweep.csv`, `sweep_summary.csv`, chart and manifest an unsharded run of
/// the same sweep writes, byte for byte. Refuses shards of different sweeps (scenario
/// contents, `--set`, `--vary`, seed, replications, metric, chart formats or failsim
/// version differ), missing, repeated or unfinished shards, and rows that are not the
/// shard's runs.
pub fn merge(shard_dirs: &[PathBuf], out: &Path) -> Result<SweepOutcome, SweepError> {
    if shard_dirs.is_empty() {
        return Err(SweepError::Usage(
            "merge needs at least one shard directory".to_string(),
        ));
    }
    check_not_foreign(out)?;
    let mut shards: Vec<(Shard, PathBuf, Manifest)> = Vec::new();
    for dir in shard_dirs {
        let path = dir.join(MANIFEST);
        if !path.is_file() {
            let hint = if partial_dir_hint(dir) {
                " (an interrupted sweep's .partial directory? rerun that shard)"
            } else {
                " (not a sweep output directory?)"
            };
            return Err(SweepError::Merge(format!(
                "{} has no {MANIFEST}{hint}",
                dir.display()
            )));
        }
        let m = Manifest::read(&path)?;
        let shard: Shard = m
            .shard
            .parse()
            .map_err(|e| SweepError::Merge(format!("{}: `shard`: {e}", path.display())))?;
        if !m.complete {
            return Err(SweepError::Merge(format!(
                "{} is an unfinished shard {shard} (interrupted?); rerun it",
                dir.display()
            )));
        }
        shards.push((shard, dir.clone(), m));
    }
    shards.sort_by_key(|(s, _, _)| s.index);
    let (first_shard, first_dir, first) = &shards[0];
    let n = first_shard.count;
    for (shard, dir, m) in &shards[1..] {
        if let Some(field) = first.differs_from(m) {
            return Err(SweepError::Merge(format!(
                "{} and {} are shards of different sweeps (`{field}` differs in {MANIFEST})",
                first_dir.display(),
                dir.display()
            )));
        }
        if shard.count != n {
            return Err(SweepError::Merge(format!(
                "{} is shard {shard} but {} is shard {first_shard}: the shard counts differ",
                dir.display(),
                first_dir.display()
            )));
        }
    }
    for pair in shards.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(SweepError::Merge(format!(
                "shard {} is given twice: {} and {}",
                pair[0].0,
                pair[0].1.display(),
                pair[1].1.display()
            )));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| !shards.iter().any(|(s, _, _)| s.index == *k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(SweepError::Merge(format!(
            "missing shard{} {} of {n}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )));
    }
    if !metrics().any(|m| m.name() == first.metric) {
        return Err(SweepError::Merge(format!(
            "{}: `metric` {} is not a summary metric of this failsim version",
            first_dir.join(MANIFEST).display(),
            first.metric
        )));
    }
    if let Some(bad) = first.charts.iter().find(|c| *c != "svg" && *c != "png") {
        return Err(SweepError::Merge(format!(
            "{}: `charts` has `{bad}`; allowed: svg, png",
            first_dir.join(MANIFEST).display()
        )));
    }
    if let Some(shard_dir) = shard_dirs.iter().find(|d| same_dir(d, out)) {
        return Err(SweepError::Usage(format!(
            "--out {} is one of the shard directories; merge into a new directory",
            shard_dir.display()
        )));
    }
    let mut merged = first.clone();
    merged.shard = Shard::WHOLE.to_string();
    merged.shard_runs = merged.runs;
    merged.complete = true;
    let layout = Layout::new(&merged);
    let header = layout.sweep_header();
    let replications = merged.replications;
    let base_seed: u64 = merged.seed.parse().map_err(|_| {
        SweepError::Merge(format!(
            "{}: `seed` is not a number",
            first_dir.join(MANIFEST).display()
        ))
    })?;
    let total = merged.runs as usize;
    if total != layout.point_count() * replications as usize {
        return Err(SweepError::Merge(format!(
            "{}: `runs` does not match the grid and replications",
            first_dir.join(MANIFEST).display()
        )));
    }
    let mut readers = Vec::with_capacity(shards.len());
    for (_, dir, _) in &shards {
        readers.push(ShardReader::open(&dir.join(SWEEP_CSV), &header)?);
    }
    let partial = partial_dir(out);
    prepare_partial(&partial)?;
    let joined = join_shards(&partial, &layout, &merged, base_seed, &mut readers);
    let (files, stats) = match joined {
        Ok(x) => x,
        Err(e) => {
            // Nothing of a failed merge is worth keeping.
            let _ = fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    finish_partial(&partial, out)?;
    Ok(SweepOutcome {
        out: out.to_path_buf(),
        files,
        runs: total,
        total_runs: total,
        shard: Shard::WHOLE,
        metric: layout.metric.clone(),
        vary: layout.vary.iter().map(|v| v.path.clone()).collect(),
        expect_min: layout.expect_min.clone(),
        expect_max: layout.expect_max.clone(),
        points: stats,
    })
}

/// Streams the shards' rows in run order into `dir`, checking each row is the run expected
/// there, and writes the summary, chart and manifest.
fn join_shards(
    dir: &Path,
    layout: &Layout,
    merged: &Manifest,
    base_seed: u64,
    readers: &mut [ShardReader],
) -> Result<(Vec<String>, Vec<PointStats>), SweepError> {
    let replications = layout.replications;
    let total = merged.runs as usize;
    let grid = layout.grid();
    let mut csv = CsvOut::create(&dir.join(SWEEP_CSV), &layout.sweep_header())?;
    let mut aggregate = Aggregate::new(layout);
    let n = readers.len();
    for i in 0..total {
        let run = RunId::new(i, replications, base_seed);
        let reader = &mut readers[i % n];
        let record = reader.next_record()?.ok_or_else(|| {
            SweepError::Merge(format!(
                "{} ends before run {i} (point {}, replication {}); was the shard cut short?",
                reader.path.display(),
                run.point,
                run.replication
            ))
        })?;
        let mut expected = vec![
            run.point.to_string(),
            run.replication.to_string(),
            run.seed.to_string(),
        ];
        expected.extend(grid[run.point].iter().cloned());
        if record[..expected.len()] != expected[..] {
            return Err(SweepError::Merge(format!(
                "{} line {}: expected run {i} ({}), found {}",
                reader.path.display(),
                reader.line,
                expected.join(","),
                record[..expected.len()].join(",")
            )));
        }
        aggregate.add(&record).map_err(|e| {
            SweepError::Merge(format!(
                "{} line {}: {e}",
                reader.path.display(),
                reader.line
            ))
        })?;
        csv.push(&record)?;
    }
    for reader in readers.iter_mut() {
        if reader.next_record()?.is_some() {
            return Err(SweepError::Merge(format!(
                "{} line {}: more rows than the shard's runs",
                reader.path.display(),
                reader.line
            )));
        }
    }
    csv.finish()?;
    let stats = aggregate.finish();
    let mut files = vec![SWEEP_CSV.to_string()];
    files.extend(write_summary_and_chart(dir, layout, &stats)?);
    merged.write(&dir.join(MANIFEST))?;
    files.push(MANIFEST.to_string());
    Ok((files, stats))
}

/// Whether two paths name the same existing directory.
fn same_dir(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn partial_dir_hint(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(".partial"))
}

/// Reads one shard's `sweep.csv`, checking its header.
struct ShardReader {
    path: PathBuf,
    records: csv::StringRecordsIntoIter<fs::File>,
    line: u64,
}

impl ShardReader {
    fn open(path: &Path, header: &[String]) -> Result<ShardReader, SweepError> {
        let file = fs::File::open(path).map_err(io_error(path))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(file);
        let found = reader
            .headers()
            .map_err(|e| SweepError::Merge(format!("{}: {e}", path.display())))?
            .clone();
        if found.iter().ne(header.iter().map(String::as_str)) {
            return Err(SweepError::Merge(format!(
                "{}: the columns are not those of this sweep (written by another failsim \
                 version?)",
                path.display()
            )));
        }
        Ok(ShardReader {
            path: path.to_path_buf(),
            records: reader.into_records(),
            line: 1,
        })
    }

    fn next_record(&mut self) -> Result<Option<Vec<String>>, SweepError> {
        match self.records.next() {
            None => Ok(None),
            Some(Err(e)) => Err(SweepError::Merge(format!("{}: {e}", self.path.display()))),
            Some(Ok(r)) => {
                self.line += 1;
                Ok(Some(r.iter().map(str::to_string).collect()))
            }
        }
    }
}

#[cfg(test)]
mod tests;
