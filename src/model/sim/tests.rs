//! Tests of the run as a whole: health checking, DNS answers, resolvers, set-up. The client
//! state machine's tests are in `client_tests`.

use super::trace::is_traced;
use super::*;
use crate::metric::Metric;
use crate::model::simulate;
use crate::model::MemoryRecorder;
use crate::report::{Report, TimelineKind};
use crate::scenario::load_str;

fn scenario(interval: &str, threshold: u32, protocol: &str) -> Scenario {
    failing_scenario(interval, threshold, protocol, "timeout")
}

/// Endpoint check on `a` (`protocol`, `interval` x `threshold`); `a` fails 1:00-1:30 with
/// probes failing in `failure` mode.
fn failing_scenario(interval: &str, threshold: u32, protocol: &str, failure: &str) -> Scenario {
    let text = format!(
        r#"[scenario]
name = "t"
duration = "2h"
[[region]]
name = "a"
[[region]]
name = "b"
[[health_check]]
name = "primary"
type = "endpoint"
target = "a"
protocol = "{protocol}"
interval = "{interval}"
failure_threshold = {threshold}
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "primary" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 50
home = "a"
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "30m"
probe_failure = "{failure}"
"#
    );
    load_str(&text, "t.toml", &[]).expect("valid test scenario")
}

/// Send times of checker 0's probes.
fn probe_times(scenario: &Scenario, seed: u64) -> Vec<u64> {
    let mut rec = MemoryRecorder::default();
    let mut sim = Sim::new(
        scenario,
        &RunOptions {
            seed,
            trace_users: 0,
        },
        &mut rec,
        None,
    );
    sim.run();
    // Every probe sent, those sent as events and those a quiet checker sent early alike.
    let times: Vec<u64> = (sim.probe_log.iter())
        .filter(|&&(checker, _)| checker == 0)
        .map(|&(_, at)| at)
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]));
    times
}

/// The probes and results made without events (`health::probe`) change nothing: with and
/// without the shortcuts, every observation, sample, per-user record and count is the same.
#[test]
fn probes_made_without_events_change_nothing() {
    let scenarios = [
        include_str!("../../../scenarios/workspaces-failover.toml"),
        include_str!("../../../scenarios/dns-partition.toml"),
        include_str!("../../../scenarios/us-east-1-2025-10-20.toml"),
    ];
    for text in scenarios {
        let scenario = load_str(text, "s.toml", &["users.staff.count=300".into()])
            .or_else(|_| load_str(text, "s.toml", &[]))
            .expect("bundled scenario");
        let run = |shortcuts: bool| {
            let mut rec = MemoryRecorder::default();
            let options = RunOptions {
                seed: 3,
                trace_users: 20,
            };
            let mut sim = Sim::new(&scenario, &options, &mut rec, None);
            sim.shortcuts = shortcuts;
            sim.run();
            let popped = sim.scheduler.processed();
            let outcome = sim.finish(3);
            (
                format!("{:?}{:?}", outcome.users, outcome.control),
                rec,
                popped,
            )
        };
        let (with, rec_with, popped_with) = run(true);
        let (without, rec_without, popped_without) = run(false);
        assert_eq!(with, without, "{}", scenario.name);
        assert_eq!(
            format!("{:?}", rec_with.timeline),
            format!("{:?}", rec_without.timeline)
        );
        assert_eq!(rec_with.series, rec_without.series);
        // And they do save events.
        assert!(
            popped_with * 3 < popped_without * 2,
            "{popped_with} vs {popped_without}"
        );
    }
}

#[test]
fn probes_are_spaced_interval_after_each_response_or_timeout() {
    // (protocol, failure mode, time a failing probe takes: exact, or a round trip plus).
    let cases = [
        ("https", "timeout", 4_000..=4_000),
        ("tcp", "timeout", 10_000..=10_000),
        ("https", "refused", 20..=200),
        ("tcp", "refused", 20..=200),
        ("https", "http_5xx", 20..=200),
        ("http_str_match", "hang", 2_020..=2_200),
    ];
    for (protocol, failure, took) in cases {
        let scenario = failing_scenario("30s", 3, protocol, failure);
        let times = probe_times(&scenario, 1);
        let (mut healthy_gaps, mut failing_gaps) = (0, 0);
        for w in times.windows(2) {
            let gap = w[1] - w[0];
            let during_outage = w[0] >= 3_600_000 && w[0] < 5_400_000;
            if during_outage {
                // A probe to a failing endpoint fails after `took`, then the interval runs.
                let expected = 30_000 + took.start()..=30_000 + took.end();
                assert!(
                    expected.contains(&gap),
                    "{protocol} {failure}: gap {gap} at {}",
                    w[0]
                );
                failing_gaps += 1;
            } else {
                // A healthy endpoint answers within 20-200 ms.
                assert!(
                    (30_020..=30_200).contains(&gap),
                    "{protocol} {failure}: gap {gap} at {}",
                    w[0]
                );
                healthy_gaps += 1;
            }
        }
        assert!(
            healthy_gaps > 100 && failing_gaps > 40,
            "{healthy_gaps} {failing_gaps}"
        );
        assert!(
            times[0] < 30_000,
            "first probe within one interval (random phase)"
        );
    }
}

/// Detection bounds derived from the rules: after the fault, a checker's first failing
/// probe is sent within one spacing (interval + at most 200 ms), its result arrives `t`
/// later (the failing probe's time: 4 s for a timeout, a 20-200 ms round trip when refused),
/// and each further failure takes interval + t. So the `threshold`-th failure is seen
/// between `t_min + (threshold-1)(interval+t_min)` and
/// `interval + 200 + t_max + (threshold-1)(interval+t_max)`. The check flips when the last
/// checker needed by the 18 % rule flips, inside the same window; DNS follows after
/// health_propagation.
#[test]
fn detection_time_stays_within_the_derived_bounds() {
    for (interval, interval_ms, threshold, failure, t_min, t_max) in [
        ("30s", 30_000u64, 3u64, "timeout", 4_000u64, 4_000u64),
        ("10s", 10_000, 3, "timeout", 4_000, 4_000),
        ("30s", 30_000, 1, "timeout", 4_000, 4_000),
        ("10s", 10_000, 5, "timeout", 4_000, 4_000),
        ("30s", 30_000, 3, "refused", 20, 200),
        ("10s", 10_000, 3, "refused", 20, 200),
        ("10s", 10_000, 3, "hang", 2_020, 2_200),
    ] {
        let scenario = failing_scenario(interval, threshold as u32, "https", failure);
        let low = t_min + (threshold - 1) * (interval_ms + t_min);
        let high = interval_ms + 200 + t_max + (threshold - 1) * (interval_ms + t_max);
        for seed in 1..=20 {
            let report = simulate(
                &scenario,
                &RunOptions {
                    seed,
                    trace_users: 0,
                },
            );
            let d = report.summary.get(Metric::DetectionMs).expect("detected") as u64;
            assert!(
                (low..=high).contains(&d),
                "{failure} interval {interval} threshold {threshold} seed {seed}: {d} not in [{low}, {high}]"
            );
            let f = report
                .summary
                .get(Metric::DnsFailoverMs)
                .expect("failed over") as u64;
            assert_eq!(f, d + 10_000, "DNS follows after health_propagation");
        }
    }
}

#[test]
fn nobody_is_connected_to_a_region_whose_sessions_are_down() {
    let scenario = scenario("30s", 3, "https");
    let report = simulate(
        &scenario,
        &RunOptions {
            seed: 5,
            trace_users: 0,
        },
    );
    for row in &report.series {
        if row.time_ms >= 3_600_000 && row.time_ms < 5_400_000 {
            assert_eq!(
                row.connected[0], 0,
                "connected in the failed Region at {}",
                row.time_ms
            );
        }
        let total: u32 = row.connected.iter().sum::<u32>()
            + row.disconnected
            + row.logging_in
            + row.queued
            + row.misdirected
            + row.offline;
        assert_eq!(total, 50, "counts add up at {}", row.time_ms);
    }
    for u in &report.users {
        assert!(u.downtime_ms <= 2 * 3_600_000);
    }
}

#[test]
fn tracing_picks_users_evenly() {
    let picked: Vec<u64> = (0..100).filter(|&i| is_traced(i, 100, 4)).collect();
    assert_eq!(picked, vec![0, 25, 50, 75]);
    assert_eq!((0..3).filter(|&i| is_traced(i, 3, 12)).count(), 3);
}

/// `--trace-users 1` still traces a user of every non-empty cohort of `cohorts.csv`, and
/// few more: the first of each cohort nobody traced is in yet.
#[test]
fn traced_users_cover_every_cohort() {
    let text = format!(
        r#"{}
[[resolver]]
name = "corp"
[[resolver]]
name = "home"
[[users]]
name = "office"
count = 300
home = "a"
registration = {{ fqdn = 0.9, region_code = 0.1 }}
client_versions = {{ "5.22.0" = 0.97, "3.0.8" = 0.03 }}
resolvers = {{ corp = 0.99, home = 0.01 }}
failover_workspaces = 0.95
[[users]]
name = "remote"
count = 200
home = "b"
client_versions = {{ "5.22.0" = 0.5, "4.0.0" = 0.5 }}
resolvers = {{ home = 1.0 }}
"#,
        failover_base("primary")
    );
    let scenario = load_str(&text, "t.toml", &[]).expect("valid test scenario");
    let report = simulate(
        &scenario,
        &RunOptions {
            seed: 3,
            trace_users: 1,
        },
    );
    let mut traced: Vec<u32> = report
        .timeline
        .iter()
        .filter_map(|e| match e.observation {
            Observation::ClientStateChanged { user, .. } => Some(user),
            _ => None,
        })
        .collect();
    traced.sort_unstable();
    traced.dedup();
    let membership = &report.membership;
    let mut non_empty = 0;
    for cohort in membership.cohorts() {
        let members = || {
            report
                .users
                .iter()
                .filter(|u| membership.contains(&cohort, u))
        };
        if members().next().is_none() {
            continue;
        }
        non_empty += 1;
        assert!(
            traced
                .iter()
                .any(|&t| membership.contains(&cohort, &report.users[t as usize])),
            "no traced user in {}={}; traced {traced:?}",
            cohort.dimension.name(),
            cohort.value
        );
    }
    assert!(non_empty >= 14, "the scenario has {non_empty} cohorts");
    assert!(
        traced.len() <= 1 + non_empty,
        "{} traced users for {non_empty} cohorts",
        traced.len()
    );
}

pub(super) fn run_text(text: &str, seed: u64) -> Report {
    let scenario = load_str(text, "t.toml", &[]).expect("valid test scenario");
    simulate(
        &scenario,
        &RunOptions {
            seed,
            trace_users: 0,
        },
    )
}

pub(super) const TWO_REGIONS: &str = r#"[scenario]
name = "t"
duration = "3h"
[[region]]
name = "a"
[[region]]
name = "b"
[[region]]
name = "c"
"#;

/// Regions a, b, c; an endpoint check named `check` on a; failover a -> b.
fn failover_base(check: &str) -> String {
    format!(
        r#"{TWO_REGIONS}
[[health_check]]
name = "{check}"
type = "endpoint"
target = "a"
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "{check}" }}, secondary = {{ region = "b" }} }}
"#
    )
}

fn partition_scenario(cut: &[&str]) -> String {
    let regions = cut
        .iter()
        .map(|r| format!("\"{r}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let base = failover_base("primary");
    format!(
        r#"{base}[[users]]
name = "u"
count = 20
home = "a"
[[event]]
name = "cut"
kind = "checker_partition"
checker_regions = [{regions}]
target = "a"
at = "1h"
duration = "30m"
"#
    )
}

#[test]
fn eighteen_percent_rule_end_to_end_with_partitions() {
    // Seven of the eight checker Regions (the eighth, sa-east-1, is never cut).
    let all = &CHECKER_REGIONS[..7];
    // 6 of 8 checker Regions cut off: 4 of 16 checkers healthy = 25 % > 18 %: no failover.
    let six = run_text(&partition_scenario(&all[..6]), 1);
    assert_eq!(six.summary.get(Metric::DnsFailoverMs), None);
    assert!(!six
        .timeline_rows()
        .any(|e| e.kind == TimelineKind::HealthCheck && e.value == "unhealthy"));
    assert_eq!(
        six.timeline_rows()
            .filter(|e| e.kind == TimelineKind::Checker && e.value == "unhealthy")
            .count(),
        12
    );
    // 7 of 8 cut off: 2 of 16 = 12.5 %: the check fails and DNS fails over, though the
    // endpoint itself never failed.
    let seven = run_text(&partition_scenario(all), 1);
    assert!(seven.summary.get(Metric::DnsFailoverMs).is_some());
    assert_eq!(
        seven.summary.get(Metric::UsersAffected),
        Some(0.0),
        "nobody was disconnected"
    );
}

#[test]
fn weighted_answers_follow_the_weights() {
    // TTL 0: every login asks the authoritative servers, so each draws an answer.
    let text = format!(
        r#"{TWO_REGIONS}
[dns]
fqdn = "d.example.com"
ttl = "0s"
routing = {{ policy = "weighted", records = [{{ region = "a", weight = 1 }}, {{ region = "b", weight = 3 }}, {{ region = "c", weight = 0 }}] }}
[[users]]
name = "u"
count = 4000
home = "a"
"#
    );
    let scenario = load_str(&text, "t.toml", &[]).unwrap();
    let mut rec = MemoryRecorder::default();
    let opts = RunOptions {
        seed: 3,
        trace_users: 0,
    };
    let mut sim = Sim::new(&scenario, &opts, &mut rec, None);
    sim.start();
    while let Some((now, event)) = sim.scheduler.next_until(3_600_000) {
        sim.handle(now, event);
    }
    let at_b = sim.connected[1] as f64;
    let total: f64 = sim.connected.iter().map(|&c| c as f64).sum();
    assert_eq!(
        sim.connected[2], 0,
        "zero weight is not answered while others are healthy"
    );
    let share = at_b / total;
    // 4,000 draws: standard error 0.007; 0.03 is over 4 standard errors.
    assert!((share - 0.75).abs() < 0.03, "share in b: {share}");
}

#[test]
fn chained_secondaries_and_calculated_checks() {
    let text = format!(
        r#"{TWO_REGIONS}
[[health_check]]
name = "a-ep"
type = "endpoint"
target = "a"
[[health_check]]
name = "b-ep"
type = "endpoint"
target = "b"
[[health_check]]
name = "both"
type = "calculated"
children = ["a-ep", "b-ep"]
healthy_threshold = 2
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "a-ep" }}, secondary = [{{ region = "b", health_check = "b-ep" }}, {{ region = "c" }}] }}
[[users]]
name = "u"
count = 10
home = "a"
[[event]]
name = "a-down"
kind = "region_outage"
region = "a"
at = "1h"
duration = "1h"
[[event]]
name = "b-down"
kind = "region_outage"
region = "b"
at = "1h"
duration = "1h"
"#
    );
    let r = run_text(&text, 2);
    let answers: Vec<String> = r
        .timeline_rows()
        .filter(|e| e.kind == TimelineKind::DnsAnswer)
        .map(|e| e.value.into_owned())
        .collect();
    assert_eq!(answers[0], "a");
    assert!(
        answers.iter().any(|a| a == "c"),
        "both a and b unhealthy: the chain falls to c: {answers:?}"
    );
    let both: Vec<String> = r
        .timeline_rows()
        .filter(|e| e.kind == TimelineKind::HealthCheck && e.subject == "both")
        .map(|e| e.value.into_owned())
        .collect();
    assert_eq!(
        both,
        vec!["healthy", "unhealthy", "healthy"],
        "AND of two children"
    );
}

#[test]
fn invert_and_disable_actions() {
    let base = failover_base("p");
    let text = format!(
        r#"{base}[[users]]
name = "u"
count = 10
home = "a"
[[event]]
name = "force-out"
kind = "invert_health_check"
health_check = "p"
at = "30m"
duration = "10m"
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "1h"
[[event]]
name = "ignore-check"
kind = "disable_health_check"
health_check = "p"
at = "1h 30m"
"#
    );
    let r = run_text(&text, 2);
    let answers: Vec<(u64, String)> = r
        .timeline_rows()
        .filter(|e| e.kind == TimelineKind::DnsAnswer)
        .map(|e| (e.time_ms, e.value.into_owned()))
        .collect();
    // Inverted at 30m (+10 s propagation), reverted at 40m; the outage fails over; the
    // disabled check counts healthy, so DNS sends users back into the outage at 1h30.
    assert_eq!(answers[0], (0, "a".to_string()));
    assert_eq!(answers[1], (1_810_000, "b".to_string()));
    assert_eq!(answers[2], (2_410_000, "a".to_string()));
    assert_eq!(answers[3].1, "b");
    assert_eq!(answers[4], (5_410_000, "a".to_string()));
}

#[test]
fn alarm_checks_refuse_what_route53_refuses() {
    let text = |period: &str, m: u32| {
        format!(
            r#"{TWO_REGIONS}
[[metric]]
name = "m"
source = "connected_users"
region = "a"
resolution = "10s"
[[alarm]]
name = "al"
metric = "m"
period = "{period}"
evaluation_periods = 3
datapoints_to_alarm = {m}
comparison = "less_than_threshold"
threshold = 1
[[health_check]]
name = "p"
type = "alarm"
alarm = "al"
[dns]
fqdn = "d.example.com"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 10
home = "a"
"#
        )
    };
    let err = load_str(&text("30s", 3), "t.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Route 53 only supports alarms on standard-resolution metrics"),
        "{err}"
    );
    let err = load_str(&text("60s", 2), "t.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("do not support M-out-of-N alarms"), "{err}");
    // A standard-resolution alarm on a metric published at high resolution: refused too.
    let err = load_str(&text("60s", 3), "t.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("published at high resolution (10s); Route 53 only supports alarms on standard-resolution metrics"),
        "{err}"
    );
    let standard = text("60s", 3).replace("resolution = \"10s\"", "resolution = \"60s\"");
    assert!(load_str(&standard, "t.toml", &[]).is_ok());
}

fn dns_outage_scenario(resolver: &str) -> String {
    format!(
        r#"{TWO_REGIONS}
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "simple", region = "a" }}
[[resolver]]
name = "r"
{resolver}
[[users]]
name = "u"
count = 200
home = "a"
schedule = {{ start = "30m", ramp = "20m", session = "2h" }}
[[event]]
name = "auth-down"
kind = "dns_outage"
at = "20m"
duration = "1h"
"#
    )
}

#[test]
fn serve_stale_answers_only_while_the_authoritative_is_unreachable() {
    // The authoritative servers are unreachable from 0:20 to 1:20; the main group logs in
    // from 0:30. A small early group logs in before the outage, so the resolver holds an
    // answer that has expired by the time the main group asks.
    let early = "[[users]]\nname = \"early\"\ncount = 5\nhome = \"a\"\nschedule = { start = \"0s\", ramp = \"1m\", session = \"3h\" }\n";
    let plain = run_text(&(dns_outage_scenario("ttl_policy = \"honor\"") + early), 3);
    let stale = run_text(&(dns_outage_scenario("serve_stale = \"1d\"") + early), 3);
    let failures = |r: &Report| r.summary.get(Metric::LoginFailures).unwrap();
    assert!(
        failures(&plain) > 200.0,
        "without serve-stale, logins during the outage fail: {}",
        failures(&plain)
    );
    assert_eq!(
        failures(&stale),
        0.0,
        "RFC 8767: the expired answer is served while the authoritative is unreachable"
    );
}

#[test]
fn a_resolver_outage_fails_only_its_own_users_lookups() {
    let text = format!(
        r#"{TWO_REGIONS}
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "simple", region = "a" }}
[[resolver]]
name = "broken"
[[resolver]]
name = "fine"
[[users]]
name = "u"
count = 200
home = "a"
resolvers = {{ broken = 0.5, fine = 0.5 }}
schedule = {{ start = "10m", ramp = "20m", session = "2h" }}
[[event]]
name = "r-down"
kind = "resolver_outage"
resolver = "broken"
at = "0s"
duration = "1h"
"#
    );
    let r = run_text(&text, 4);
    for u in &r.users {
        if u.resolver == 0 {
            assert!(u.login_failures > 0 && u.reconnect_ms.unwrap() >= 3_600_000);
        } else {
            assert_eq!(u.login_failures, 0);
        }
    }
}

#[test]
fn a_tcp_check_passes_an_endpoint_that_answers_5xx_or_hangs() {
    // A TCP check asks only for the connection: an endpoint that accepts it and then answers
    // 503, or nothing, stays healthy; the same outage refusing connections is detected.
    for (failure, detected) in [("http_5xx", false), ("hang", false), ("refused", true)] {
        let scenario = failing_scenario("10s", 3, "tcp", failure);
        let report = simulate(
            &scenario,
            &RunOptions {
                seed: 1,
                trace_users: 0,
            },
        );
        assert_eq!(
            report.summary.get(Metric::DetectionMs).is_some(),
            detected,
            "{failure}"
        );
    }
}
