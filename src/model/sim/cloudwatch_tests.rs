//! Tests of CloudWatch in the run: which period a datapoint belongs to when a fault starts
//! or ends exactly on a period boundary, and the detection time that follows from it.

use super::*;
use crate::metric::Metric;
use crate::model::{simulate, MemoryRecorder};
use crate::scenario::load_str;

const ALARM_FAILOVER: &str = include_str!("../../../scenarios/alarm-failover.toml");

fn alarm_failover(overrides: &[&str]) -> Scenario {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    load_str(ALARM_FAILOVER, "alarm-failover.toml", &overrides).expect("bundled scenario")
}

/// The canary's datapoints as `(published at, value)`.
fn datapoints(scenario: &Scenario) -> Vec<(u64, Option<f64>)> {
    let mut rec = MemoryRecorder::default();
    crate::model::simulate_into(
        scenario,
        &RunOptions {
            seed: scenario.seed,
            trace_users: 0,
        },
        &mut rec,
    );
    rec.timeline
        .iter()
        .filter_map(|e| match e.observation {
            Observation::DatapointPublished { value, .. } => Some((e.time_ms, value)),
            _ => None,
        })
        .collect()
}

fn value_published_at(points: &[(u64, Option<f64>)], at: u64) -> Option<f64> {
    points
        .iter()
        .find(|(t, _)| *t == at)
        .unwrap_or_else(|| panic!("a datapoint is published at {at} ms"))
        .1
}

#[test]
fn a_period_datapoint_reflects_the_state_during_that_period() {
    // Outage from exactly 1:00 to exactly 1:45; the metric lives in the failing Region.
    let points = datapoints(&alarm_failover(&[]));
    // 0:59-1:00 (published at 1:00) was spent entirely before the outage.
    assert_eq!(value_published_at(&points, 3_600_000), Some(1.0));
    // 1:00-1:01 and 1:44-1:45 were spent entirely inside it: missing, not 0.
    assert_eq!(value_published_at(&points, 3_660_000), None);
    assert_eq!(value_published_at(&points, 6_300_000), None);
    // 1:45-1:46 is after it.
    assert_eq!(value_published_at(&points, 6_360_000), Some(1.0));
}

#[test]
fn alarm_detection_across_the_period_boundary() {
    let detection = |at: &str| {
        let scenario = alarm_failover(&[&format!("event.outage.at={at}")]);
        let report = simulate(
            &scenario,
            &RunOptions {
                seed: scenario.seed,
                trace_users: 0,
            },
        );
        report.summary.get(Metric::DetectionMs).expect("detected") as u64
    };
    // The alarm (3 of 3 below 0.9, missing = breaching, 5-period range) fires at the first
    // evaluation whose range holds no good datapoint.
    // 3599 s: 0:59-1:00 has six good canary samples (0:59:00-0:59:50) -> good; from 1:00
    // nothing arrives; ALARM at 1:05:00, 301 s after the start.
    assert_eq!(detection("3599s"), 301_000);
    // 3600 s: the same periods, one second later: 300 s.
    assert_eq!(detection("3600s"), 300_000);
    // 3601 s: the canary sample sent at 1:00:00, one second before the
    // fault, succeeds and reaches CloudWatch, so 1:00-1:01 has a good datapoint and the
    // alarm waits one more minute: ALARM at 1:06:00, 359 s after the start. The step is the
    // sample, not bookkeeping: a period is good when any good sample of it arrived.
    assert_eq!(detection("3601s"), 359_000);
}

#[test]
fn failed_logins_are_counted_in_the_region_that_refused_them() {
    // The canary metric turned into a count of failed logins at us-west-2 (the Region that
    // fails from 1:00 to 1:45), stored in us-east-1 so that the outage does not lose it.
    let scenario = alarm_failover(&[
        "metric.canary-success.source=login_failures",
        "metric.canary-success.region=us-east-1",
    ]);
    let points = datapoints(&scenario);
    let sum = |from: u64, to: u64| -> f64 {
        points
            .iter()
            .filter(|(t, _)| (from..=to).contains(t))
            .map(|(_, v)| v.expect("a count is never missing"))
            .sum()
    };
    assert_eq!(sum(0, 3_600_000), 0.0, "no failed login before the outage");
    assert!(
        sum(3_660_000, 6_300_000) > 100.0,
        "users retrying against the failed Region are counted"
    );
    assert_eq!(sum(6_360_000, 7_200_000), 0.0, "none after it");
}
