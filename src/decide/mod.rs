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
mod seek;
mod sensitivity;

use crate::metric::Metric;
use crate::model::{simulate_into, Observation, Recorder, RunOptions, Sample};
use crate::report::Summary;
use crate::scenario::Scenario;
use crate::sweep::{simulate_outcome, MetricStats};
use rayon::prelude::*;

/// The replications of one configuration.
#[derive(Clone, Debug, Default)]
pub struct Replicated {
    /// One summary per replication, in replication order.
    pub summaries: Vec<Summary>,
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
/// (0 = one per core).
pub fn replicate(
    scenario: &Scenario,
    base_seed: u64,
    replications: u32,
    jobs: usize,
    keep: Keep,
) -> Result<Replicated, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| format!("cannot start {jobs} worker threads: {e}"))?;
    let runs: Vec<(Summary, Vec<u64>)> = pool.install(|| {
        (0..replications)
            .into_par_iter()
            .map(|r| {
                let seed = base_seed.wrapping_add(u64::from(r));
                let (summary, users) = simulate_outcome(scenario, seed);
                let downtimes = if keep.downtimes {
                    users
                        .iter()
                        .filter(|u| u.affected())
                        .map(|u| u.downtime_ms)
                        .collect()
                } else {
                    Vec::new()
                };
                (summary, downtimes)
            })
            .collect()
    });
    let series = if keep.series && replications > 0 {
        series_of(scenario, base_seed)
    } else {
        Vec::new()
    };
    let mut out = Replicated {
        series,
        ..Replicated::default()
    };
    for (summary, downtimes) in runs {
        out.summaries.push(summary);
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
                not_connected: u64::from(s.counts.disconnected) + u64::from(s.counts.logging_in),
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
    /// The values of `metric` per replication (`None` where it did not happen).
    pub fn values(&self, metric: Metric) -> Vec<Option<f64>> {
        self.summaries.iter().map(|s| s.get(metric)).collect()
    }

    /// Mean and 95 % interval of `metric` over the replications where it has a value.
    pub fn stats(&self, metric: Metric) -> MetricStats {
        let values: Vec<f64> = self.values(metric).into_iter().flatten().collect();
        MetricStats::of(&values)
    }

    /// A summary holding each metric's mean over the replications (what `[[expect]]` is
    /// checked against for a replicated configuration).
    pub fn mean_summary(&self) -> Summary {
        Summary {
            values: Metric::ALL
                .iter()
                .map(|&m| (m, self.stats(m).mean))
                .collect(),
        }
    }
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
