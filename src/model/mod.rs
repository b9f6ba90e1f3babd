//! The failover model: Regions and faults, Route 53 health checks, CloudWatch alarms, the
//! authoritative DNS, resolvers and the WorkSpaces client of every user, driven by the
//! engine's [`Scheduler`](crate::engine::Scheduler).
//!
//! [`simulate_into`] is a pure function of a validated [`Scenario`] and a seed. It does no I/O
//! and formats no text: what it observes goes into a [`Recorder`] as typed
//! [`Observation`]s, and the per-user results come back as an
//! [`Outcome`]. The report layer (`crate::report`) turns those into files and charts.
//!
//! The rules the simulation follows live in one module each, tested beside the code:
//! [`alarm`] (CloudWatch alarm evaluation), [`health`] (Route 53 health checks), [`dns`] (record
//! selection and the authoritative answer), [`resolver`] and [`population`] (caching
//! resolvers), [`client`] (per-user client state). The simulation proper, split by subsystem
//! and with the order of events within one millisecond written down, is in `sim/`.

pub mod alarm;
pub mod budget;
pub mod client;
pub mod dns;
pub mod health;
pub mod observe;
pub mod outcome;
pub mod population;
#[cfg(test)]
mod properties;
pub mod resolver;
mod sim;

pub use observe::{
    MemoryRecorder, Observation, Recorder, Refusal, Sample, SeriesRow, TimelineEntry,
};
pub use outcome::{ControlFacts, Outcome, UserRecord};
pub use sim::{Coupling, Threading};

use crate::report::Report;
use crate::scenario::Scenario;

/// Options of one run that are not part of the scenario.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Master seed.
    pub seed: u64,
    /// Users whose every state change is traced (spread evenly over all users).
    pub trace_users: u32,
}

/// Runs the scenario and returns the finished report (timeline and series included).
///
/// A convenience for tests and benchmarks: it is `simulate_into` with a [`MemoryRecorder`]
/// followed by [`Report::new`], the one place the model calls into the report layer.
pub fn simulate(scenario: &Scenario, options: &RunOptions) -> Report {
    let mut recorder = MemoryRecorder::default();
    let outcome = simulate_into(scenario, options, &mut recorder);
    Report::new(scenario, outcome, recorder)
}

/// Runs the scenario, pushing observations into `recorder`; returns the per-user records and
/// control-plane facts.
pub fn simulate_into<R: Recorder>(
    scenario: &Scenario,
    options: &RunOptions,
    recorder: &mut R,
) -> Outcome {
    sim::simulate_threads(scenario, options, 1, recorder).0
}

/// Whether a run of `scenario` could use more than one thread: to simulate its users in
/// partitions, or to build many of them side by side. When it could not, the number of cores
/// need not be asked (reading the cgroup's CPU quota took 23 µs on the reference machine).
pub fn could_use_threads(scenario: &Scenario) -> bool {
    sim::could_use_threads(scenario)
}

/// [`simulate_into`] on `threads` threads (a pool of its own): the outcome and what reaches
/// `recorder` are byte for byte the same for any `threads`. Users are split into partitions
/// by resolver instance when nothing else couples them; [`Threading`] says how the run went
/// and, when it stayed on one thread, why. Fails only when the threads cannot be started.
/// A run that would use one thread anyway runs on the calling one, without a pool.
pub fn simulate_into_threads<R: Recorder + Send>(
    scenario: &Scenario,
    options: &RunOptions,
    threads: usize,
    recorder: &mut R,
) -> Result<(Outcome, Threading), String> {
    if !sim::needs_threads(scenario, threads) {
        return Ok(sim::simulate_threads(scenario, options, threads, recorder));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start {threads} threads: {e}"))?;
    Ok(pool.install(|| sim::simulate_threads(scenario, options, threads, recorder)))
}
