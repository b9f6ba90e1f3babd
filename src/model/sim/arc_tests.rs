//! Tests of Route 53 ARC routing controls in the run: a `set_routing_control` commits through
//! the cluster while a quorum of its Regions is reachable, is retried while it is not, never
//! depends on the Route 53 control plane, and is refused by the assertion safety rule.

use super::test_support::{operator_actions, run_once};
use super::*;
use crate::metric::Metric;
use crate::scenario::load_str;

/// Failover us-east-1 -> us-west-2, each record behind a routing control (both On); the
/// operator turns the primary's control Off at 1:00. `extra` adds tables and events.
fn routing_controls(extra: &str) -> Scenario {
    let text = format!(
        r#"[scenario]
name = "t"
duration = "4h"
[[region]]
name = "us-east-1"
[[region]]
name = "us-west-2"
[[health_check]]
name = "rc-east"
type = "routing_control"
[[health_check]]
name = "rc-west"
type = "routing_control"
state = "on"
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "us-east-1", health_check = "rc-east" }}, secondary = {{ region = "us-west-2", health_check = "rc-west" }} }}
[[users]]
name = "u"
count = 10
home = "us-east-1"
[[event]]
name = "east-off"
kind = "set_routing_control"
health_check = "rc-east"
state = "off"
at = "1h"
{extra}
"#
    );
    load_str(&text, "t.toml", &[]).expect("valid")
}

/// The run's operator-action observations, and the times the primary's control changed.
fn run(scenario: &Scenario) -> (crate::report::Report, Vec<(u64, Observation)>, Vec<u64>) {
    let report = run_once(scenario, 1);
    let actions = operator_actions(&report);
    let east_changes = report
        .timeline
        .iter()
        .filter(|e| {
            matches!(
                e.observation,
                Observation::HealthCheckChanged { check: 0, .. }
            ) && e.time_ms > 0
        })
        .map(|e| e.time_ms)
        .collect();
    (report, actions, east_changes)
}

#[test]
fn a_routing_control_change_fails_over_at_once() {
    let (report, actions, east) = run(&routing_controls(""));
    assert!(actions.is_empty(), "{actions:?}");
    assert_eq!(east, vec![3_600_000], "rc-east Off at 1:00");
    // The answer moves after dns.health_propagation (10 s).
    assert_eq!(report.summary.get(Metric::DnsFailoverMs), Some(10_000.0));
}

#[test]
fn without_a_quorum_the_change_is_retried_until_the_cluster_recovers() {
    let outage = r#"[[event]]
name = "arc-down"
kind = "arc_outage"
cluster_regions = ["us-east-1", "us-west-2", "eu-west-1"]
at = "50m"
until = "2h"
"#;
    let (_, actions, east) = run(&routing_controls(outage));
    let refused = actions
        .iter()
        .filter(|(_, o)| {
            matches!(
                o,
                Observation::ActionRefused {
                    retrying: true,
                    by: Refusal::ArcQuorum,
                    ..
                }
            )
        })
        .count();
    assert_eq!(refused, 60, "1:00 .. 1:59, once a minute");
    assert_eq!(
        east,
        vec![7_200_000],
        "committed when the cluster is back at 2:00"
    );
}

#[test]
fn two_regions_down_leave_a_quorum_of_three() {
    let outage = r#"[[event]]
name = "arc-down"
kind = "arc_outage"
cluster_regions = ["us-east-1", "eu-west-1"]
at = "50m"
"#;
    let (_, actions, east) = run(&routing_controls(outage));
    assert!(actions.is_empty(), "{actions:?}");
    assert_eq!(east, vec![3_600_000]);
}

#[test]
fn routing_controls_do_not_need_the_route_53_control_plane() {
    let outage = r#"[[event]]
name = "control-down"
kind = "region_outage"
region = "us-east-1"
planes = ["control"]
at = "30m"
"#;
    let (_, actions, east) = run(&routing_controls(outage));
    assert!(actions.is_empty(), "{actions:?}");
    assert_eq!(east, vec![3_600_000]);
}

#[test]
fn the_safety_rule_refuses_turning_the_last_control_off() {
    let west_off = r#"[[event]]
name = "west-off"
kind = "set_routing_control"
health_check = "rc-west"
state = "off"
at = "30m"
"#;
    let (_, actions, east) = run(&routing_controls(west_off));
    assert_eq!(
        actions,
        vec![(
            3_600_000,
            Observation::ActionRefused {
                event: 1,
                retrying: false,
                by: Refusal::ArcSafetyRule
            }
        )],
        "refused once, not retried"
    );
    assert!(east.is_empty(), "rc-east stays On");
    // Without the rule (min_on = 0) both controls go Off.
    let (_, actions, east) = run(&routing_controls(&format!("{west_off}[arc]\nmin_on = 0\n")));
    assert!(actions.is_empty(), "{actions:?}");
    assert_eq!(east, vec![3_600_000]);
}

#[test]
fn a_routing_control_can_start_off_and_be_turned_on() {
    assert!(matches!(
        routing_controls("").health_checks[1].kind,
        HealthCheckType::RoutingControl { initially_on: true }
    ));
    let scenario = load_str(
        r#"[scenario]
name = "t"
duration = "1h"
[[region]]
name = "us-east-1"
[[health_check]]
name = "rc"
type = "routing_control"
state = "off"
[dns]
fqdn = "d.example.com"
routing = { policy = "simple", region = "us-east-1" }
[[users]]
name = "u"
count = 1
home = "us-east-1"
[[event]]
name = "on"
kind = "set_routing_control"
health_check = "rc"
state = "on"
at = "10m"
"#,
        "t.toml",
        &[],
    )
    .expect("valid");
    let changes: Vec<(u64, bool)> = run_once(&scenario, 1)
        .timeline
        .iter()
        .filter_map(|e| match e.observation {
            Observation::HealthCheckChanged { healthy, .. } => Some((e.time_ms, healthy)),
            _ => None,
        })
        .collect();
    assert_eq!(changes, vec![(0, false), (600_000, true)]);
}

#[test]
fn set_routing_control_needs_a_routing_control_and_a_state() {
    let bad = r#"[[event]]
name = "bad"
kind = "set_routing_control"
health_check = "rc-west"
at = "2h"
"#;
    let base = "[scenario]\nname = \"t\"\nduration = \"4h\"\n[[region]]\nname = \"us-east-1\"\n[[health_check]]\nname = \"rc-west\"\ntype = \"routing_control\"\n[[health_check]]\nname = \"ep\"\ntype = \"endpoint\"\ntarget = \"us-east-1\"\n[dns]\nfqdn = \"d.example.com\"\nrouting = { policy = \"simple\", region = \"us-east-1\" }\n[[users]]\nname = \"u\"\ncount = 1\nhome = \"us-east-1\"\n";
    let err = load_str(&format!("{base}{bad}"), "t.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs `state`"), "{err}");
    let err = load_str(
        &format!("{base}{}state = \"on\"\n", bad.replace("rc-west", "ep")),
        "t.toml",
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("`ep` is not a routing control"), "{err}");
    let err = load_str(
        &format!("{base}[[event]]\nname = \"x\"\nkind = \"arc_outage\"\ncluster_regions = [\"sa-east-1\"]\nat = \"1h\"\n"),
        "t.toml",
        &[],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("`sa-east-1` is not a Region of the ARC cluster"),
        "{err}"
    );
}

#[test]
fn routing_controls_without_a_safety_rule_are_linted() {
    let codes = |s: &Scenario| -> Vec<&'static str> {
        crate::scenario::lint::lint(s)
            .iter()
            .map(|l| l.code)
            .collect()
    };
    let rule = "routing-controls-without-safety-rule";
    assert!(!codes(&routing_controls("")).contains(&rule));
    assert!(codes(&routing_controls("[arc]\nmin_on = 0\n")).contains(&rule));
}
