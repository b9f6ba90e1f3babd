//! Tests of Route 53 DNS locations in the run: answers that split during a partition and
//! converge after it, what a location without checker reports concludes, and that declaring
//! one location that hears everything changes nothing.

use super::*;
use crate::model::simulate;
use crate::scenario::load_str;

/// Primary `sa` (endpoint check from all eight checker Regions, 16 checkers) fails over to
/// `us`. Locations `south` and `north`; group `br` resolves at `south` and works from 0:00,
/// group `na` at `north` and starts its day at 1:00. From 1:00 to 1:40 the checkers outside
/// sa-east-1 cannot reach `sa`, `south` hears only sa-east-1's checkers and `north` all but
/// them (`{events}` replaces the partition when given).
fn partitioned(dns_extra: &str, events: Option<&str>) -> Scenario {
    load_str(&partitioned_text(dns_extra, events), "t.toml", &[]).expect("valid")
}

fn partitioned_text(dns_extra: &str, events: Option<&str>) -> String {
    let others = r#"["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1"]"#;
    let default_events = format!(
        r#"[[event]]
name = "checkers-cut"
kind = "checker_partition"
checker_regions = {others}
target = "sa"
at = "1h"
duration = "40m"
[[event]]
name = "south-cut"
kind = "dns_partition"
dns_locations = ["south"]
checker_regions = {others}
at = "1h"
duration = "40m"
[[event]]
name = "north-cut"
kind = "dns_partition"
dns_locations = ["north"]
checker_regions = ["sa-east-1"]
at = "1h"
duration = "40m"
"#
    );
    format!(
        r#"[scenario]
name = "t"
duration = "4h"
[[region]]
name = "sa"
[[region]]
name = "us"
[[health_check]]
name = "primary"
type = "endpoint"
target = "sa"
interval = "30s"
failure_threshold = 3
[dns]
fqdn = "d.example.com"
ttl = "60s"
locations = ["south", "north"]
{dns_extra}
routing = {{ policy = "failover", primary = {{ region = "sa", health_check = "primary" }}, secondary = {{ region = "us" }} }}
[[resolver]]
name = "r-south"
dns_location = "south"
[[resolver]]
name = "r-north"
dns_location = "north"
[[users]]
name = "br"
count = 60
home = "sa"
resolvers = {{ r-south = 1.0 }}
failover_workspaces = 1.0
schedule = {{ start = "0s", ramp = "30m", session = "8h" }}
[[users]]
name = "na"
count = 60
home = "sa"
resolvers = {{ r-north = 1.0 }}
failover_workspaces = 1.0
schedule = {{ start = "1h", ramp = "30m", session = "8h" }}
{}"#,
        events.unwrap_or(&default_events)
    )
}

fn run(scenario: &Scenario) -> crate::report::Report {
    simulate(
        scenario,
        &RunOptions {
            seed: 3,
            trace_users: 0,
        },
    )
}

/// The answer location `location` gave at `t_ms` (`None`: the global view).
fn answer_at(report: &crate::report::Report, location: Option<u8>, t_ms: u64) -> DnsAnswer {
    report
        .timeline
        .iter()
        .filter(|e| e.time_ms <= t_ms)
        .filter_map(|e| match (&e.observation, location) {
            (Observation::AnswerChanged { answer }, None) => Some(answer.clone()),
            (
                Observation::LocationAnswerChanged {
                    location: l,
                    answer,
                },
                Some(want),
            ) if *l == want => Some(answer.clone()),
            _ => None,
        })
        .next_back()
        .expect("an initial answer")
}

#[test]
fn locations_answer_differently_during_a_partition_and_agree_after_it() {
    let report = run(&partitioned("", None));
    let (south, north) = (Some(0), Some(1));
    let minute = 60_000;
    // Before: everyone answers the primary.
    for view in [None, south, north] {
        assert_eq!(answer_at(&report, view, 59 * minute), DnsAnswer::Region(0));
    }
    // During: north hears 14 checkers that cannot reach `sa` (none healthy), south hears the
    // 2 in sa-east-1 that can (2 of 2 healthy). The global view hears all 16: 2 healthy is
    // 12.5 %, not more than 18 %.
    assert_eq!(answer_at(&report, north, 70 * minute), DnsAnswer::Region(1));
    assert_eq!(answer_at(&report, south, 70 * minute), DnsAnswer::Region(0));
    assert_eq!(answer_at(&report, None, 70 * minute), DnsAnswer::Region(1));
    // After: the checkers see the endpoint again and every view returns to the primary.
    for view in [None, south, north] {
        assert_eq!(answer_at(&report, view, 110 * minute), DnsAnswer::Region(0));
    }
    // The split: from north's failover (under 2 min in) to the partition's end (40 min),
    // when south hears the 14 failing checkers too and fails over until they recover.
    let split = report.control.dns_split_ms;
    assert!((37 * minute..40 * minute).contains(&split), "{split} ms");
    assert_eq!(report.control.dns_splits, 1);
    // Users who logged in through north during the split went to `us`; those behind south
    // never left `sa`.
    let away = |group: u16| {
        report
            .users
            .iter()
            .filter(|u| u.group == group && u.non_home_ms > 0)
            .count()
    };
    assert_eq!(away(0), 0, "south users stayed home");
    assert!(away(1) > 30, "north users sent to us: {}", away(1));
}

#[test]
fn a_location_hearing_no_checker_follows_no_checker_reports() {
    // `sa` fails for real at 1:00 and `south` is cut off from every checker Region at the
    // same moment. With last_known_status it keeps answering `sa`; with `unhealthy` it
    // fails over as soon as the reports stop; `north` (hearing all) fails over on the
    // checkers' verdicts either way.
    let events = r#"[[event]]
name = "outage"
kind = "region_outage"
region = "sa"
planes = ["endpoint"]
at = "1h"
duration = "40m"
[[event]]
name = "south-cut"
kind = "dns_partition"
dns_locations = ["south"]
checker_regions = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"]
at = "1h"
duration = "40m"
"#;
    let minute = 60_000;
    let kept = run(&partitioned("", Some(events)));
    assert_eq!(answer_at(&kept, Some(0), 90 * minute), DnsAnswer::Region(0));
    assert_eq!(answer_at(&kept, Some(1), 90 * minute), DnsAnswer::Region(1));
    let failed = run(&partitioned(
        "no_checker_reports = \"unhealthy\"",
        Some(events),
    ));
    // Unhealthy at once (1:00), seen by the location's name servers 10 s later.
    let moved = failed
        .timeline
        .iter()
        .find(|e| {
            e.observation
                == Observation::LocationAnswerChanged {
                    location: 0,
                    answer: DnsAnswer::Region(1),
                }
        })
        .map(|e| e.time_ms);
    assert_eq!(moved, Some(60 * minute + 10_000));
    let healthy = run(&partitioned(
        "no_checker_reports = \"healthy\"",
        Some(events),
    ));
    assert_eq!(
        answer_at(&healthy, Some(0), 90 * minute),
        DnsAnswer::Region(0)
    );
}

#[test]
fn locations_that_hear_everything_change_nothing() {
    // The same outage with no locations, and with locations every resolver is pinned to and
    // no partition: the users' outcomes and the global answers are identical, and the
    // location answers exactly what the global view answers.
    let events = r#"[[event]]
name = "outage"
kind = "region_outage"
region = "sa"
at = "1h"
duration = "40m"
"#;
    let located = partitioned("", Some(events));
    let mut plain = located.clone();
    plain.dns.locations.clear();
    for r in &mut plain.resolvers {
        r.dns_location = None;
    }
    let (mut a, mut b) = (run(&plain), run(&located));
    assert_eq!(a.users, b.users);
    // Every figure but the engine's event count (the locations' own propagation events).
    for r in [&mut a, &mut b] {
        r.summary.set(crate::metric::Metric::EventsProcessed, None);
    }
    assert_eq!(a.summary, b.summary);
    let global = |r: &crate::report::Report| -> Vec<(u64, DnsAnswer)> {
        r.timeline
            .iter()
            .filter_map(|e| match &e.observation {
                Observation::AnswerChanged { answer } => Some((e.time_ms, answer.clone())),
                _ => None,
            })
            .collect()
    };
    assert_eq!(global(&a), global(&b));
    assert!(
        global(&a).len() >= 3,
        "the outage moved the answer and back"
    );
    for location in 0..2u8 {
        let at_location: Vec<(u64, DnsAnswer)> = b
            .timeline
            .iter()
            .filter_map(|e| match &e.observation {
                Observation::LocationAnswerChanged {
                    location: l,
                    answer,
                } if *l == location => Some((e.time_ms, answer.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(at_location, global(&b), "location {location}");
    }
    assert_eq!(b.control.dns_splits, 0);
}

#[test]
fn a_calculated_check_follows_its_children_as_each_location_sees_them() {
    // The record's check is calculated over `primary` (healthy while it is): each location
    // decides it from its own view of `primary`, so the answers split as before.
    let text = partitioned_text("", None)
        .replace(
            "primary = { region = \"sa\", health_check = \"primary\" }",
            "primary = { region = \"sa\", health_check = \"any\" }",
        )
        .replace(
            "[dns]",
            "[[health_check]]\nname = \"any\"\ntype = \"calculated\"\nchildren = [\"primary\"]\nhealthy_threshold = 1\n[dns]",
        );
    let report = run(&load_str(&text, "t.toml", &[]).expect("valid"));
    let minute = 60_000;
    assert_eq!(
        answer_at(&report, Some(1), 70 * minute),
        DnsAnswer::Region(1)
    );
    assert_eq!(
        answer_at(&report, Some(0), 70 * minute),
        DnsAnswer::Region(0)
    );
    let any_at_north: Vec<bool> = report
        .timeline
        .iter()
        .filter_map(|e| match e.observation {
            Observation::LocationCheckChanged {
                location: 1,
                check: 1,
                healthy,
            } => Some(healthy),
            _ => None,
        })
        .collect();
    assert_eq!(
        any_at_north,
        [false, true],
        "down in the partition, up after"
    );
}
