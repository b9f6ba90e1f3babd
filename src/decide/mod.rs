//! Decisions, not just numbers: compare two configurations, find the value of one parameter
//! that meets every `[[expect]]` (goal-seek), and rank parameters by their effect on a
//! metric (sensitivity).
//!
//! All three run *replications*: replication `r` of any configuration uses seed `seed + r`
//! (common random numbers, as in [`crate::sweep`]): two configurations see the same users,
//! draws and coin flips, so the difference between them comes from the configuration, and
//! the paired difference of a metric is much less noisy than either side alone. Runs go on
//! a thread pool and come back in replication order, so every figure and file depends only
//! on the scenario, the options and the failsim version, never on the number of threads.
//!
//! Layout: this file runs replications; `compare.rs` compares two configurations;
//! `seek.rs` bisects one parameter against the expectations; `sensitivity.rs` varies each
//! parameter alone. The statistics are those of [`crate::sweep`] (Student t intervals).

pub mod charts;
pub mod compare;
pub mod seek;
pub mod sensitivity;

use crate::metric::{Metric, MetricRef};
use crate::model::{simulate_into, Observation, Recorder, RunOptions, Sample};
use crate::scenario::{Expectation, Scenario};
use crate::sweep::{simulate_outcome, MetricStats};
use rayon::prelude::*;

/// The replications of one configuration.
#[derive(Clone, Debug, Default)]
pub struct Replicated {
    /// The metrics kept, in the order of each replication's values.
    pub metrics: Vec<MetricRef>,
    /// Per replication (in replication order), the value of each of [`Self::metrics`]
    /// (`None`: it did not happen).
    pub values: Vec<Vec<Option<f64>>>,
    /// Downtime of every affected user of every replication (when asked for), in
    /// replication then user order.
    pub downtimes_ms: Vec<u64>,
    /// Users connected (all Regions) and users in their schedule but not connected, per
    /// series step, of replication 0 (when asked for).
    pub series: Vec<SeriesPoint>,
}

/// One step of the series kept for comparison charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeriesPoint {
    /// Sample time.
    pub time_ms: u64,
    /// Users connected in any Region.
    pub connected: u64,
    /// Users in their schedule without a session (dropped, failing, logging in).
    pub not_connected: u64,
}

/// What to keep besides the summaries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Keep {
    /// Per-user downtimes of affected users (for CDFs).
    pub downtimes: bool,
    /// The series of replication 0 (for timelines).
    pub series: bool,
}

/// Runs `replications` replications of `scenario` (seed `base_seed + r`) on `jobs` threads
/// (0 = one per core), keeping the values of `metrics` (cohort metrics included).
pub fn replicate(
    scenario: &Scenario,
    metrics: &[MetricRef],
    (base_seed, replications, jobs): (u64, u32, usize),
    keep: Keep,
) -> Result<Replicated, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| format!("cannot start {jobs} worker threads: {e}"))?;
    let runs: Vec<(Vec<Option<f64>>, Vec<u64>)> = pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|r| {
                let seed = base_seed.wrapping_add(u64::from(r));
                let run = simulate_outcome(scenario, seed, metrics);
                let downtimes = if keep.downtimes {
                    run.users
                        .iter()
                        .filter(|u| u.affected())
                        .map(|u| u.downtime_ms)
                        .collect()
                } else {
                    Vec::new()
                };
                (run.extra, downtimes)
            })
            .collect()
    });
    let series = if keep.series && replications > 0 {
        series_of(scenario, base_seed)
    } else {
        Vec::new()
    };
    let mut out = Replicated {
        metrics: metrics.to_vec(),
        series,
        ..Replicated::default()
    };
    for (values, downtimes) in runs {
        out.values.push(values);
        out.downtimes_ms.extend(downtimes);
    }
    Ok(out)
}

/// The connected / not-connected series of one run.
fn series_of(scenario: &Scenario, seed: u64) -> Vec<SeriesPoint> {
    struct Keeper(Vec<SeriesPoint>);
    impl Recorder for Keeper {
        fn observe(&mut self, _time_ms: u64, _observation: Observation) {}
        fn sample(&mut self, s: &Sample<'_>) {
            self.0.push(SeriesPoint {
                time_ms: s.time_ms,
                connected: s.connected.iter().map(|&c| u64::from(c)).sum(),
                not_connected: u64::from(s.counts.not_connected()),
            });
        }
    }
    let mut keeper = Keeper(Vec::new());
    simulate_into(
        scenario,
        &RunOptions {
            seed,
            trace_users: 0,
        },
        &mut keeper,
    );
    keeper.0
}

impl Replicated {
    /// Replications run.
    pub fn replications(&self) -> usize {
        self.values.len()
    }

    /// The values of `metric` per replication (`None` where it did not happen, or when it
    /// was not kept).
    pub fn values_of(&self, metric: &MetricRef) -> Vec<Option<f64>> {
        match self.metrics.iter().position(|m| m == metric) {
            Some(k) => self.values.iter().map(|v| v[k]).collect(),
            None => vec![None; self.values.len()],
        }
    }

    /// Mean and 95 % interval of `metric` over the replications where it has a value.
    pub fn stats(&self, metric: &MetricRef) -> MetricStats {
        let values: Vec<f64> = self.values_of(metric).into_iter().flatten().collect();
        MetricStats::of(&values)
    }

    /// The mean of `metric` over the replications (what `[[expect]]` is checked against
    /// for a replicated configuration).
    pub fn mean(&self, metric: &MetricRef) -> Option<f64> {
        self.stats(metric).mean
    }

    /// Whether replication `r` meets every expectation on its own.
    pub fn replication_meets(&self, r: usize, expectations: &[Expectation]) -> bool {
        expectations.iter().all(|x| {
            let v = self
                .metrics
                .iter()
                .position(|m| *m == x.metric)
                .and_then(|k| self.values[r][k]);
            v.is_some_and(|v| x.min.is_none_or(|m| v >= m) && x.max.is_none_or(|m| v <= m))
        })
    }
}

/// `metrics` followed by the expectations' metrics not among them.
pub fn with_expectations(
    mut metrics: Vec<MetricRef>,
    expectations: &[Expectation],
) -> Vec<MetricRef> {
    for x in expectations {
        if !metrics.contains(&x.metric) {
            metrics.push(x.metric.clone());
        }
    }
    metrics
}

/// The metrics compared and ranked: every summary metric but `seed` and `events_processed`
/// (an engine figure, not an outcome).
pub fn outcome_metrics() -> impl Iterator<Item = Metric> {
    Metric::ALL
        .iter()
        .copied()
        .filter(|m| !matches!(m, Metric::Seed | Metric::EventsProcessed))
}

/// A metric's value for people: durations as `12m 5s` (signed when `signed`), dollars as
/// `$1,234.50`, counts with up to 3 decimals.
pub fn show(metric: Metric, x: f64, signed: bool) -> String {
    let sign = if signed && x > 0.0 {
        "+"
    } else if x < 0.0 {
        "-"
    } else {
        ""
    };
    let magnitude = x.abs();
    match metric.unit() {
        crate::metric::Unit::Milliseconds => format!(
            "{sign}{}",
            crate::time::format_duration_whole_seconds(magnitude.round() as u64)
        ),
        crate::metric::Unit::Usd => {
            format!("{sign}{}", crate::report::story::usd(magnitude))
        }
        _ => format!("{sign}{}", crate::sweep::format3(magnitude)),
    }
}

/// [`crate::fixture::SMALL`] validated with the `--set` overrides `set`.
#[cfg(test)]
pub(crate) fn small(set: &[String]) -> Scenario {
    crate::scenario::load_str(crate::fixture::SMALL, "small.toml", set).expect("valid fixture")
}
