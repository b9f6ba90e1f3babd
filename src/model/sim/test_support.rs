//! Helpers the simulation's test modules share: one run of a scenario, and the operator
//! actions' fate read from its timeline.

use super::*;
use crate::model::simulate;
use crate::report::Report;

/// Runs `scenario` once with `seed` and no traced users.
pub(super) fn run_once(scenario: &Scenario, seed: u64) -> Report {
    simulate(
        scenario,
        &RunOptions {
            seed,
            trace_users: 0,
        },
    )
}

/// The operator actions' refusals and acceptances in the run's timeline, with their times.
pub(super) fn operator_actions(report: &Report) -> Vec<(u64, Observation)> {
    report
        .timeline
        .iter()
        .filter(|e| {
            matches!(
                e.observation,
                Observation::ActionRefused { .. } | Observation::ActionAccepted { .. }
            )
        })
        .map(|e| (e.time_ms, e.observation.clone()))
        .collect()
}
