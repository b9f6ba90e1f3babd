//! Tests of the Route 53 control plane in the run: operator changes refused while
//! us-east-1's `control` plane fails, retried, abandoned, or moved to us-west-2 by
//! accelerated recovery; and the record-change propagation delay.

use super::test_support::{operator_actions, run_once};
use super::*;
use crate::metric::Metric;
use crate::model::simulate;
use crate::scenario::load_str;

/// us-east-1 (primary, simple record) loses its Route 53 control plane 1:00-3:00; the
/// operator sets the record to us-west-2 at 1:10.
fn control_outage(dns_extra: &str) -> Scenario {
    let text = format!(
        r#"[scenario]
name = "t"
duration = "6h"
[[region]]
name = "us-east-1"
[[region]]
name = "us-west-2"
[dns]
fqdn = "d.example.com"
ttl = "60s"
{dns_extra}
routing = {{ policy = "simple", region = "us-east-1" }}
[[users]]
name = "u"
count = 10
home = "us-east-1"
[[event]]
name = "control-down"
kind = "region_outage"
region = "us-east-1"
planes = ["control"]
at = "1h"
duration = "2h"
[[event]]
name = "move"
kind = "set_record"
region = "us-west-2"
at = "1h 10m"
"#
    );
    load_str(&text, "t.toml", &[]).expect("valid")
}

fn run(scenario: &Scenario, seed: u64) -> (crate::report::Report, Vec<(u64, Observation)>) {
    let report = run_once(scenario, seed);
    let actions = operator_actions(&report);
    (report, actions)
}

#[test]
fn a_record_change_waits_for_the_control_plane_and_is_retried() {
    let (report, actions) = run(&control_outage(""), 1);
    // Refused at 1:10 and every minute until 2:59; accepted at 3:00 when the plane is back.
    let refused = actions
        .iter()
        .filter(|(_, o)| matches!(o, Observation::ActionRefused { retrying: true, .. }))
        .count();
    assert_eq!(refused, 110, "1:10 .. 2:59, once a minute");
    assert!(matches!(
        actions.last(),
        Some((10_800_000, Observation::ActionAccepted { event: 1 }))
    ));
    // Time-to figures count from the control-plane fault at 1:00: the answer moves once the
    // change is accepted at 3:00 and has propagated.
    let moved = report.summary.get(Metric::DnsFailoverMs).expect("moved") as u64;
    assert!((7_200_000..7_200_000 + 300_000).contains(&moved), "{moved}");
}

#[test]
fn accelerated_recovery_moves_changes_to_us_west_2_after_an_hour() {
    let (report, actions) = run(&control_outage("accelerated_recovery = true"), 1);
    // The plane has failed since 1:00; from 2:00 changes go through us-west-2.
    assert!(matches!(
        actions.last(),
        Some((7_200_000, Observation::ActionAccepted { event: 1 }))
    ));
    let moved = report.summary.get(Metric::DnsFailoverMs).expect("moved") as u64;
    assert!((3_600_000..3_600_000 + 300_000).contains(&moved), "{moved}");
}

#[test]
fn an_operator_gives_up_after_control_give_up() {
    let (report, actions) = run(&control_outage("control_give_up = \"30m\""), 1);
    assert!(matches!(
        actions.last(),
        Some((
            6_000_000,
            Observation::ActionRefused {
                event: 1,
                retrying: false,
                by: Refusal::Route53ControlPlane
            }
        ))
    ));
    assert_eq!(report.summary.get(Metric::DnsFailoverMs), None);
}

#[test]
fn the_control_plane_lives_in_us_east_1_only() {
    let text = "[scenario]\nname = \"t\"\nduration = \"1h\"\n[[region]]\nname = \"us-west-2\"\n[dns]\nfqdn = \"d.example.com\"\nrouting = { policy = \"simple\", region = \"us-west-2\" }\n[[users]]\nname = \"u\"\ncount = 1\nhome = \"us-west-2\"\n[[event]]\nname = \"x\"\nkind = \"region_outage\"\nregion = \"us-west-2\"\nplanes = [\"control\"]\nat = \"1m\"\n";
    let err = load_str(text, "t.toml", &[]).unwrap_err().to_string();
    assert!(
        err.contains("the Route 53 control plane lives in us-east-1"),
        "{err}"
    );
}

#[test]
fn record_changes_propagate_mostly_within_60_s_with_a_tail() {
    // No control-plane fault: the edit at 0:10 is accepted at once; the answer moves after
    // the propagation delay (log-normal, median 20 s, p95 60 s).
    let text = r#"[scenario]
name = "t"
duration = "1h"
[[region]]
name = "us-east-1"
[[region]]
name = "us-west-2"
[dns]
fqdn = "d.example.com"
routing = { policy = "simple", region = "us-east-1" }
[[users]]
name = "u"
count = 1
home = "us-east-1"
[[event]]
name = "move"
kind = "set_record"
region = "us-west-2"
at = "10m"
"#;
    let scenario = load_str(text, "t.toml", &[]).expect("valid");
    let mut delays: Vec<u64> = (1..=400)
        .map(|seed| {
            let report = simulate(
                &scenario,
                &RunOptions {
                    seed,
                    trace_users: 0,
                },
            );
            report.summary.get(Metric::DnsFailoverMs).expect("moved") as u64
        })
        .collect();
    delays.sort_unstable();
    let median = delays[200];
    let beyond_60s = delays.iter().filter(|&&d| d > 60_000).count();
    assert!((15_000..=25_000).contains(&median), "median {median}");
    assert!(
        (8..=36).contains(&beyond_60s),
        "{beyond_60s} of 400 beyond 60 s"
    );
}

#[test]
fn a_runbook_editing_a_us_east_1_record_is_linted() {
    let codes = |s: &Scenario| -> Vec<&'static str> {
        crate::scenario::lint::lint(s)
            .iter()
            .map(|l| l.code)
            .collect()
    };
    assert!(codes(&control_outage("")).contains(&"set-record-needs-us-east-1"));
}

#[test]
fn undoing_a_timed_invert_goes_through_the_control_plane_too() {
    // The operator inverts the primary's check at 0:30 for 30 minutes (a planned failover);
    // us-east-1's control plane fails 0:50-2:00, so the undoing at 1:00 is refused and
    // retried every minute: the check stays inverted (unhealthy) until 2:00.
    let text = r#"[scenario]
name = "t"
duration = "3h"
[[region]]
name = "us-east-1"
[[region]]
name = "us-west-2"
[[health_check]]
name = "primary"
type = "endpoint"
target = "us-east-1"
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = { policy = "failover", primary = { region = "us-east-1", health_check = "primary" }, secondary = { region = "us-west-2" } }
[[users]]
name = "u"
count = 10
home = "us-east-1"
[[event]]
name = "drain"
kind = "invert_health_check"
health_check = "primary"
at = "30m"
duration = "30m"
[[event]]
name = "control-down"
kind = "region_outage"
region = "us-east-1"
planes = ["control"]
at = "50m"
until = "2h"
"#;
    let scenario = load_str(text, "t.toml", &[]).expect("valid");
    let (report, actions) = run(&scenario, 1);
    let status: Vec<(u64, bool)> = report
        .timeline
        .iter()
        .filter_map(|e| match e.observation {
            Observation::HealthCheckChanged { healthy, .. } => Some((e.time_ms, healthy)),
            _ => None,
        })
        .collect();
    assert_eq!(
        status,
        [(0, true), (1_800_000, false), (7_200_000, true)],
        "inverted at 0:30, back only when the control plane returns"
    );
    let refused = actions
        .iter()
        .filter(|(t, o)| {
            (3_600_000..7_200_000).contains(t)
                && matches!(
                    o,
                    Observation::ActionRefused {
                        event: 0,
                        retrying: true,
                        ..
                    }
                )
        })
        .count();
    assert_eq!(refused, 60, "1:00 .. 1:59, once a minute");
    assert_eq!(
        actions.last(),
        Some(&(7_200_000, Observation::ActionAccepted { event: 0 }))
    );
}
