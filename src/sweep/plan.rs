//! Planning a sweep: its options, the run list with its seeds, and [`Sweep::plan`], which
//! loads the scenario at every point of the grid (`vary.rs`) before anything runs.

use super::manifest::{self, Manifest};
use super::{SweepError, DEFAULT_METRIC, DEFAULT_REPLICATIONS};
use crate::chart::ImageFormat;
use crate::metric::MetricRef;

use super::shard::Shard;
use super::vary::{grid, Vary};
use crate::model::budget::group_digits;
use crate::scenario::{self, Scenario};
use std::path::PathBuf;

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
    /// Metric charted (any of [`metrics`](super::metrics); [`parse_metric`] reads `--metric`).
    pub metric: MetricRef,
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
            metric: DEFAULT_METRIC.into(),
            formats: vec![ImageFormat::Svg, ImageFormat::Png],
            progress: false,
        }
    }
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
    pub scenario: Scenario,
}

/// A validated sweep: every point's scenario loaded, ready to [`Sweep::execute`].
#[derive(Debug)]
pub struct Sweep {
    pub(super) options: SweepOptions,
    pub(super) base_seed: u64,
    pub(super) scenario_name: String,
    pub(super) points: Vec<Point>,
    pub(super) expect_min: Vec<f64>,
    pub(super) expect_max: Vec<f64>,
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
        if options.replications > super::MAX_REPLICATIONS {
            return Err(SweepError::Usage(format!(
                "--replications {}: allowed 1 to {}",
                options.replications,
                group_digits(super::MAX_REPLICATIONS.into())
            )));
        }
        if options.jobs > super::MAX_JOBS {
            return Err(SweepError::Usage(format!(
                "--jobs {}: allowed 1 to {} (0 or absent: one per core)",
                options.jobs,
                super::MAX_JOBS
            )));
        }
        let points = options
            .vary
            .iter()
            .fold(1u64, |acc, v| acc.saturating_mul(v.values.len() as u64));
        if points > super::MAX_POINTS {
            return Err(SweepError::Usage(format!(
                "the --vary values make {} grid points; allowed: at most {} (vary fewer values at once)",
                group_digits(points),
                group_digits(super::MAX_POINTS)
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
        let points = load_points(&options, &base)?;
        check_work(&options, &points)?;
        let on_metric = base
            .expectations
            .iter()
            .filter(|x| x.metric == options.metric);
        if let Some(cohort) = &options.metric.cohort {
            crate::report::Membership::of(&base)
                .names()
                .check(cohort)
                .map_err(|e| SweepError::Usage(format!("--metric {}: {e}", options.metric)))?;
        }
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
    pub(super) fn shard_run_count(&self) -> usize {
        let Shard { index, count } = self.options.shard;
        (self.run_count() + count as usize - index as usize) / count as usize
    }

    /// The `k`-th run of this shard: run `K - 1 + k * N`.
    pub(super) fn shard_run(&self, k: usize) -> RunId {
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

    pub(super) fn manifest(&self, complete: bool, shard_runs: usize) -> Manifest {
        Manifest {
            failsim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: self.options.scenario_path.display().to_string(),
            scenario_name: self.scenario_name.clone(),
            scenario_hash: manifest::fnv1a64_hex(self.options.scenario_text.as_bytes()),
            set: self.options.set.clone(),
            seed: self.base_seed.to_string(),
            replications: self.options.replications,
            metric: self.options.metric.to_string(),
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
}

/// Refuses a sweep (or shard) whose runs are estimated to need more than
/// [`MAX_SWEEP_EVENTS`](super::MAX_SWEEP_EVENTS) events, with the run count and time.
fn check_work(options: &SweepOptions, points: &[Point]) -> Result<(), SweepError> {
    let per_replication = points.iter().fold(0u64, |acc, p| {
        acc.saturating_add(crate::model::budget::estimate(&p.scenario).events)
    });
    let shard_share = u64::from(options.shard.count);
    let events = per_replication
        .saturating_mul(options.replications.into())
        .div_ceil(shard_share);
    if events <= super::MAX_SWEEP_EVENTS {
        return Ok(());
    }
    let runs = (points.len() as u64 * u64::from(options.replications)).div_ceil(shard_share);
    Err(SweepError::Usage(format!(
        "{} runs needing an estimated {} events (about {} on one core); allowed: at most {} events per sweep or shard (use --shard K/N, fewer replications or fewer values)",
        group_digits(runs),
        group_digits(events),
        crate::time::format_human(
            (events / crate::model::budget::EVENTS_PER_SECOND).saturating_mul(1000)
        ),
        group_digits(super::MAX_SWEEP_EVENTS),
    )))
}

/// The scenario at every grid point: `base` (the scenario with `--set`) with the point's
/// `--vary` values applied. Each value is first loaded on its own, so that an error names
/// the value that causes it; a combination is loaded only when two or more paths vary.
fn load_points(options: &SweepOptions, base: &Scenario) -> Result<Vec<Point>, SweepError> {
    let file = options.scenario_path.display().to_string();
    let load_with = |extra: &[String]| {
        let mut set = options.set.clone();
        set.extend_from_slice(extra);
        scenario::load_str(&options.scenario_text, &file, &set)
    };
    // Each value alone first: the error then names the culprit.
    let mut single: Vec<Vec<Scenario>> = Vec::with_capacity(options.vary.len());
    for v in &options.vary {
        let mut scenarios = Vec::with_capacity(v.values.len());
        for value in &v.values {
            let assignment = v.assignment(value);
            let scenario = load_with(std::slice::from_ref(&assignment))
                .map_err(|source| SweepError::Vary { assignment, source })?;
            scenarios.push(scenario);
        }
        single.push(scenarios);
    }
    let grid = grid(&options.vary);
    let count = grid.len();
    count
        .checked_mul(options.replications as usize)
        .ok_or_else(|| SweepError::Usage("the sweep has too many runs".to_string()))?;
    let mut points = Vec::with_capacity(count);
    for (index, values) in grid.into_iter().enumerate() {
        let scenario = match options.vary.len() {
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
            scenario,
        });
    }
    Ok(points)
}

/// Parses `--metric NAME`: any summary metric but `seed` (see [`metrics`](super::metrics)).
pub fn parse_metric(name: &str) -> Result<MetricRef, SweepError> {
    let metric = MetricRef::parse(name).map_err(|e| {
        let bare = name.split('{').next().unwrap_or(name);
        let hint = crate::scenario::overrides::did_you_mean(
            bare,
            super::metrics().map(crate::metric::Metric::name),
        )
        .map(|m| format!("; did you mean `{m}`?"))
        .unwrap_or_default();
        SweepError::Usage(format!("--metric {name}: {e}{hint}"))
    })?;
    if metric.metric == crate::metric::Metric::Seed {
        return Err(SweepError::Usage(format!(
            "--metric {name}: the seed is a column of its own, not a metric to chart"
        )));
    }
    Ok(metric)
}
