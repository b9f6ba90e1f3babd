//! Property tests: invariants of the model over random scenarios and seeds (proptest).

use super::*;
use crate::report::TimelineKind;
use crate::scenario::load_str;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Params {
    ttl_s: u64,
    interval_s: u64,
    threshold: u32,
    outage_start_min: u64,
    outage_min: u64,
    users: u32,
    ramp_min: u64,
    session_min: u64,
    seed: u64,
    client_cache: &'static str,
}

fn params() -> impl Strategy<Value = Params> {
    (
        prop_oneof![Just(0u64), Just(20), Just(60), Just(300)],
        prop_oneof![Just(10u64), Just(30)],
        1u32..=10,
        5u64..120,
        1u64..90,
        10u32..80,
        0u64..60,
        30u64..300,
        any::<u64>(),
        prop_oneof![Just("none"), Just("honor"), Just("30s")],
    )
        .prop_map(
            |(
                ttl_s,
                interval_s,
                threshold,
                outage_start_min,
                outage_min,
                users,
                ramp_min,
                session_min,
                seed,
                client_cache,
            )| Params {
                ttl_s,
                interval_s,
                threshold,
                outage_start_min,
                outage_min,
                users,
                ramp_min,
                session_min,
                seed,
                client_cache,
            },
        )
}

fn scenario_text(p: &Params, restart_probability: f64) -> String {
    format!(
        r#"[scenario]
name = "prop"
duration = "4h"
[[region]]
name = "a"
[[region]]
name = "b"
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
interval = "{}s"
failure_threshold = {}
[dns]
fqdn = "d.example.com"
ttl = "{}s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[resolver]]
name = "r1"
[[resolver]]
name = "r2"
[[users]]
name = "u"
count = {}
home = "a"
resolvers = {{ r1 = 0.5, r2 = 0.5 }}
client_cache = "{}"
schedule = {{ start = "0s", ramp = "{}m", session = "{}m" }}
[users.behaviour]
restart_probability = {restart_probability}
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "{}m"
duration = "{}m"
"#,
        p.interval_s,
        p.threshold,
        p.ttl_s,
        p.users,
        p.client_cache,
        p.ramp_min,
        p.session_min,
        p.outage_start_min,
        p.outage_min
    )
}

fn run(p: &Params, restart_probability: f64) -> (Scenario, Report) {
    let scenario =
        load_str(&scenario_text(p, restart_probability), "prop.toml", &[]).expect("valid");
    let report = simulate(
        &scenario,
        &RunOptions {
            seed: p.seed,
            trace_users: u32::MAX,
        },
    );
    (scenario, report)
}

/// Intervals `[from, to)` during which the authoritative answer was not `region`.
fn answer_away(report: &Report, region: &str) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut away_since = None;
    for e in report
        .timeline_rows()
        .filter(|e| e.kind == TimelineKind::DnsAnswer)
    {
        match (e.value == region, away_since) {
            (false, None) => away_since = Some(e.time_ms),
            (true, Some(from)) => {
                out.push((from, e.time_ms));
                away_since = None;
            }
            _ => {}
        }
    }
    if let Some(from) = away_since {
        out.push((from, u64::MAX));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold(p in params()) {
        let (scenario, report) = run(&p, 0.1);
        let (start, end) = (p.outage_start_min * 60_000, (p.outage_start_min + p.outage_min) * 60_000);
        // Nobody is connected to a Region whose sessions plane is down.
        for row in &report.series {
            if row.time_ms >= start && row.time_ms < end {
                prop_assert_eq!(row.connected[0], 0, "connected to a down Region at {}", row.time_ms);
            }
            let total: u32 = row.connected.iter().sum::<u32>() + row.disconnected + row.logging_in + row.queued + row.misdirected + row.offline;
            prop_assert_eq!(total, p.users);
        }
        // 0 <= downtime <= scheduled time.
        let scheduled = (p.session_min * 60_000).min(scenario.duration_ms);
        for u in &report.users {
            prop_assert!(u.downtime_ms <= scheduled, "downtime {} > scheduled {}", u.downtime_ms, scheduled);
            if !u.affected() {
                prop_assert_eq!(u.downtime_ms, 0);
            }
        }
        // Nobody is redirected before the authoritative answer changed.
        let first_away = answer_away(&report, "a").first().map(|w| w.0);
        for u in &report.users {
            if u.reconnect_region == Some(1) {
                let moved = first_away.expect("a redirect needs a DNS change");
                prop_assert!(u.reconnect_ms.unwrap() >= moved);
            }
        }
    }

    /// With honouring resolvers, no client cache and no sticky clients, no FQDN login reaches
    /// the primary later than TTL after the authoritative answer moved away from it (the
    /// answer's time already includes health propagation).
    #[test]
    fn no_login_reaches_the_primary_after_ttl_once_dns_moved(mut p in params()) {
        p.client_cache = "none";
        let (scenario, report) = run(&p, 0.0);
        let away = answer_away(&report, "a");
        for e in report.timeline_rows().filter(|e| e.kind == TimelineKind::User && e.value == "launching:a") {
            for &(from, to) in &away {
                let late = from + scenario.dns.ttl_ms;
                prop_assert!(!(e.time_ms >= late && e.time_ms < to), "{} launched into a at {} (answer away since {})", e.subject, e.time_ms, from);
            }
        }
    }
}
