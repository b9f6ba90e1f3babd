//! The partition decision and the equivalence of partitioned and one-thread runs.

use super::partition::{assign, scenario_coupling, Coupling, Threading};
use crate::model::{simulate_into_threads, MemoryRecorder, Outcome, RunOptions};
use crate::scenario::{load, Scenario};

fn bundled(name: &str, sets: &[&str]) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    load(&path, &sets).expect("bundled scenario loads")
}

fn run(
    scenario: &Scenario,
    trace_users: u32,
    threads: usize,
) -> (Outcome, MemoryRecorder, Threading) {
    let mut rec = MemoryRecorder::default();
    let options = RunOptions {
        seed: 11,
        trace_users,
    };
    let (outcome, threading) =
        simulate_into_threads(scenario, &options, threads, &mut rec).expect("threads start");
    (outcome, rec, threading)
}

#[test]
fn instances_are_balanced_largest_first() {
    // Weights 5, 4, 3, 3 on two bins: 5 -> 0, 4 -> 1, 3 -> 1 (4 < 5), 3 -> 0 (5 < 7).
    let (part, lead) = assign(&[3, 5, 4, 3], &[false; 4], 2).expect("splits");
    assert_eq!(part, vec![1, 0, 1, 0]);
    assert_eq!(lead, 0);
}

#[test]
fn traced_instances_stay_together_in_the_lead() {
    let traced = [true, false, false, true];
    let (part, lead) = assign(&[1, 10, 10, 1], &traced, 3).expect("splits");
    assert_eq!(
        part[0], part[3],
        "traced users' instances share a partition"
    );
    assert_eq!(usize::from(part[0]), lead);
    assert_ne!(part[1], part[2]);
}

#[test]
fn fewer_than_two_loaded_partitions_is_no_split() {
    assert_eq!(assign(&[7], &[false], 4), None, "one instance");
    assert_eq!(
        assign(&[0, 7, 0], &[false; 3], 4),
        None,
        "one instance with users"
    );
    assert_eq!(
        assign(&[3, 4], &[true, true], 4),
        None,
        "all traced together"
    );
    assert_eq!(assign(&[3, 4], &[false; 2], 1), None, "one thread");
}

#[test]
fn launch_capacity_and_user_metrics_couple_users() {
    let capped = bundled("capacity-planning.toml", &[]);
    assert!(matches!(
        scenario_coupling(&capped),
        Some(Coupling::LaunchCapacity { .. })
    ));
    assert_eq!(
        scenario_coupling(&bundled("internet-resolvers.toml", &[])),
        None
    );
    let (_, _, threading) = run(&capped, 0, 4);
    assert!(matches!(
        threading,
        Threading::Single {
            reason: Some(Coupling::LaunchCapacity { .. })
        }
    ));
}

#[test]
fn one_shared_resolver_runs_on_one_thread() {
    let s = bundled("workspaces-failover.toml", &["users.staff.count=300"]);
    let (_, _, threading) = run(&s, 0, 4);
    assert_eq!(
        threading,
        Threading::Single {
            reason: Some(Coupling::OneResolver)
        }
    );
}

#[test]
fn partitioned_runs_equal_the_one_thread_run() {
    let s = bundled("internet-resolvers.toml", &["users.staff.count=3000"]);
    for trace in [0, 12] {
        let (one, one_rec, t1) = run(&s, trace, 1);
        assert_eq!(t1, Threading::Single { reason: None });
        for threads in [2, 3, 8] {
            let (many, rec, t) = run(&s, trace, threads);
            assert!(
                matches!(t, Threading::Partitioned { partitions } if partitions >= 2),
                "{threads} threads, {trace} traced: {t}"
            );
            assert_eq!(many, one, "{threads} threads, {trace} traced: outcome");
            assert_eq!(
                rec.timeline, one_rec.timeline,
                "{threads} threads: timeline"
            );
            assert_eq!(rec.series, one_rec.series, "{threads} threads: series");
        }
    }
}
