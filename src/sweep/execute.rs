//! Running a planned sweep: the runs on a thread pool, their rows handed to `sweep.csv` in
//! run order as soon as every earlier run has finished (see the module docs of
//! [`crate::sweep`] for what an interruption leaves behind).

use super::files::{finish_partial, prepare_partial, write_summary_and_chart, CsvOut, Layout};
use super::plan::RunId;
use super::stats::Aggregate;
use super::{partial_dir, Sweep, SweepError, SweepOutcome, MANIFEST, SWEEP_CSV};
use crate::metric::{Metric, MetricRef};
use crate::model::{simulate_into, RunOptions};
use crate::model::{Observation, Recorder, Sample};
use crate::output;
use crate::report::summary::summarize;
use crate::report::{Summary, UserRecord};
use crate::scenario::Scenario;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

impl Sweep {
    /// Runs this shard's runs on `jobs` threads and writes the sweep's files into `out`
    /// (see the module docs for the files and for what an interruption leaves behind).
    pub fn execute(&self, out: &Path) -> Result<SweepOutcome, SweepError> {
        output::check_ours(out)?;
        let partial = partial_dir(out);
        prepare_partial(&partial)?;
        let run_count = self.shard_run_count();
        let mut manifest = self.manifest(false, run_count);
        manifest.write(&partial.join(MANIFEST))?;
        let layout = Layout::new(&manifest, self.options.metric.clone());
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
        let cohort_columns = &layout.columns[super::metrics().count()..];
        let vary_count = self.options.vary.len();
        let work = |k: usize| -> Vec<String> {
            let run = self.shard_run(k);
            let point = &points[run.point];
            let values = simulate_values(&point.scenario, run.seed, cohort_columns);
            run_record(run, &point.values, &values, vary_count)
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
pub fn simulate_summary(scenario: &Scenario, seed: u64) -> Summary {
    simulate_outcome(scenario, seed, &[]).summary
}

/// Runs one simulation and returns the value of every summary metric (in [`Metric::ALL`]
/// order), then of each of the cohort metrics `extra`.
pub fn simulate_values(scenario: &Scenario, seed: u64, extra: &[MetricRef]) -> Vec<Option<f64>> {
    let run = simulate_outcome(scenario, seed, extra);
    let mut values: Vec<Option<f64>> = run.summary.values.iter().map(|(_, v)| *v).collect();
    values.extend(run.extra);
    values
}

/// What one run of a sweep or a decision keeps.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// Every summary metric, cost included.
    pub summary: Summary,
    /// The value of each cohort metric asked for.
    pub extra: Vec<Option<f64>>,
    /// Per-user records.
    pub users: Vec<UserRecord>,
}

/// Runs one simulation and returns its summary, the cohort metrics `extra` and the per-user
/// records (no timeline, series or traces kept).
pub fn simulate_outcome(scenario: &Scenario, seed: u64, extra: &[MetricRef]) -> RunResult {
    let mut recorder = DiscardRecorder;
    let outcome = simulate_into(
        scenario,
        &RunOptions {
            seed,
            trace_users: 0,
        },
        &mut recorder,
    );
    let membership = crate::report::Membership::of(scenario);
    let cost = crate::cost::figures(scenario, &outcome.users);
    let summary = summarize(seed, &outcome.users, &outcome.control, &|u| {
        membership.unrelated(u)
    })
    .with_cost(&cost);
    let extra = extra
        .iter()
        .map(|m| membership.value_of(m, &summary, &outcome.users, &outcome.control))
        .collect();
    RunResult {
        summary,
        extra,
        users: outcome.users,
    }
}

/// A recorder that keeps nothing: a sweep needs only the summary.
struct DiscardRecorder;

impl Recorder for DiscardRecorder {
    fn observe(&mut self, _time_ms: u64, _observation: Observation) {}
    fn sample(&mut self, _sample: &Sample<'_>) {}
}

/// The `sweep.csv` record of one run.
fn run_record(
    run: RunId,
    point_values: &[String],
    values: &[Option<f64>],
    vary_count: usize,
) -> Vec<String> {
    debug_assert_eq!(point_values.len(), vary_count);
    let mut record = Vec::with_capacity(3 + vary_count + Metric::ALL.len());
    record.push(run.point.to_string());
    record.push(run.replication.to_string());
    record.push(run.seed.to_string());
    record.extend(point_values.iter().cloned());
    // Metric::ALL starts with the seed, which has a column of its own.
    debug_assert_eq!(Metric::ALL[0], Metric::Seed);
    record.extend(values[1..].iter().map(|v| Summary::format_value(*v)));
    record
}

/// Receives results in order; told when to flush.
pub(super) trait OrderedSink<T> {
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
pub(super) fn ordered_parallel<T: Send>(
    count: usize,
    jobs: usize,
    work: impl Fn(usize) -> T + Sync,
    sink: &mut dyn OrderedSink<T>,
) -> Result<(), SweepError> {
    // No more threads than runs: the others would only wait.
    let jobs = if jobs == 0 { 0 } else { jobs.min(count.max(1)) };
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A sink that records the order of results and what was complete at each flush.
    #[derive(Default)]
    struct Recording {
        accepted: Vec<usize>,
        flushed_prefixes: Vec<usize>,
        fail_at: Option<usize>,
    }

    impl OrderedSink<usize> for Recording {
        fn accept(&mut self, index: usize, item: usize) -> Result<(), SweepError> {
            assert_eq!(index, item);
            if Some(index) == self.fail_at {
                return Err(SweepError::Usage("disk full".into()));
            }
            self.accepted.push(index);
            Ok(())
        }
        fn flush(&mut self) -> Result<(), SweepError> {
            self.flushed_prefixes.push(self.accepted.len());
            Ok(())
        }
    }

    #[test]
    fn results_arrive_in_order_whatever_the_completion_order() {
        // Early items are slow, so later ones finish first and wait in the reorder buffer.
        let work = |i: usize| {
            std::thread::sleep(std::time::Duration::from_millis(((7 * i) % 5) as u64));
            i
        };
        for jobs in [1, 3, 8] {
            let mut sink = Recording::default();
            ordered_parallel(40, jobs, work, &mut sink).unwrap();
            assert_eq!(sink.accepted, (0..40).collect::<Vec<_>>(), "jobs {jobs}");
            assert!(sink.flushed_prefixes.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(sink.flushed_prefixes.last(), Some(&40));
        }
    }

    #[test]
    fn a_sink_error_stops_the_workers() {
        let started = Mutex::new(0usize);
        let work = |i: usize| {
            *started.lock().unwrap() += 1;
            std::thread::sleep(std::time::Duration::from_millis(2));
            i
        };
        let mut sink = Recording {
            fail_at: Some(5),
            ..Recording::default()
        };
        let e = ordered_parallel(10_000, 2, work, &mut sink).unwrap_err();
        assert!(e.to_string().contains("disk full"));
        assert_eq!(sink.accepted, vec![0, 1, 2, 3, 4]);
        assert!(*started.lock().unwrap() < 100, "workers stopped early");
    }
}
