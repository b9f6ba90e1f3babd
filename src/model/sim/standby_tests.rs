//! Tests of Multi-Region Resilience in whole runs: standby WorkSpaces' activation time, data
//! replication's data age and RPO, and the billing quantities, against AutoStop WorkSpaces.

use super::tests::run_text;
use crate::metric::Metric;
use crate::report::Report;

/// 200 users in `a`, a 3-hour outage at 1 h, failover to `b` whose WorkSpaces are set by
/// `b_keys`.
fn standby_scenario(b_keys: &str) -> String {
    format!(
        r#"[scenario]
name = "t"
duration = "6h"
[[region]]
name = "a"
[[region]]
name = "b"
{b_keys}
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 200
home = "a"
schedule = {{ start = "0s", ramp = "20m", session = "8h" }}
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "3h"
"#
    )
}

fn metric(r: &Report, m: Metric) -> f64 {
    r.summary
        .get(m)
        .unwrap_or_else(|| panic!("{m} has a value"))
}

#[test]
fn a_standby_workspace_takes_its_activation_time_at_first_launch() {
    let autostop = run_text(&standby_scenario("standby = \"autostop\""), 3);
    let mrr = run_text(&standby_scenario("standby = \"mrr\""), 3);
    let p50 = |r: &Report| metric(r, Metric::DowntimeP50Ms);
    // Default activation: uniform 15-30 min on top of the launch (AutoStop adds 30-90 s).
    assert!(
        p50(&mrr) >= p50(&autostop) + 13.0 * 60_000.0,
        "{} vs {}",
        p50(&mrr),
        p50(&autostop)
    );
    assert!(p50(&mrr) <= p50(&autostop) + 32.0 * 60_000.0);
    let fixed = run_text(
        &standby_scenario("standby = \"mrr\"\nactivation_time = \"5m\""),
        3,
    );
    assert!(p50(&fixed) < p50(&mrr) - 5.0 * 60_000.0);
}

#[test]
fn only_replication_brings_the_users_data_and_its_age_follows_the_schedule() {
    let none = run_text(&standby_scenario("standby = \"mrr\""), 4);
    let autostop = run_text(&standby_scenario("standby = \"autostop\""), 4);
    let replicated = run_text(
        &standby_scenario("standby = \"mrr\"\ndata_replication = true"),
        4,
    );
    let redirected = metric(&replicated, Metric::UsersRedirected);
    assert!(redirected > 150.0, "{redirected}");
    for r in [&none, &autostop] {
        assert_eq!(
            metric(r, Metric::UsersRedirectedWithoutData),
            metric(r, Metric::UsersRedirected)
        );
        assert!(r.users.iter().all(|u| u.data_age_ms.is_none()));
        assert_eq!(r.summary.get(Metric::DataAgeMaxMs), None);
    }
    assert_eq!(metric(&replicated, Metric::UsersRedirectedWithoutData), 0.0);
    // Default 12 h cadence and 12 h copy: 12-24 h of work lost, spread over the schedule.
    const H: u64 = 3_600_000;
    let ages: Vec<u64> = replicated
        .users
        .iter()
        .filter_map(|u| u.data_age_ms)
        .collect();
    assert_eq!(ages.len() as f64, redirected);
    assert!(
        ages.iter().all(|a| (12 * H..=24 * H + H).contains(a)),
        "{ages:?}"
    );
    let p50 = metric(&replicated, Metric::DataAgeP50Ms);
    assert!((15.0 * H as f64..=21.0 * H as f64).contains(&p50), "{p50}");
    // The documented 24 h RPO holds; a tighter one is missed by about half the users.
    assert_eq!(metric(&replicated, Metric::UsersOverRpo), 0.0);
    let tight = run_text(
        &standby_scenario("standby = \"mrr\"\ndata_replication = true\nrpo = \"18h\""),
        4,
    );
    let over = metric(&tight, Metric::UsersOverRpo);
    assert!(
        (0.3 * redirected..=0.7 * redirected).contains(&over),
        "{over}"
    );
    // Replication draws on the users' own streams after they connect: downtime is unchanged.
    assert_eq!(
        metric(&none, Metric::DowntimeTotalHours),
        metric(&replicated, Metric::DowntimeTotalHours)
    );
}

#[test]
fn standbys_are_counted_for_the_monthly_fee_and_their_use_for_the_hourly_rate() {
    let mrr = run_text(&standby_scenario("standby = \"mrr\""), 5);
    let autostop = run_text(&standby_scenario("standby = \"autostop\""), 5);
    assert_eq!(metric(&mrr, Metric::StandbyWorkspaces), 200.0);
    assert_eq!(metric(&autostop, Metric::StandbyWorkspaces), 0.0);
    assert_eq!(metric(&autostop, Metric::StandbyHours), 0.0);
    // Users work on the standby from their failover until the end (6 h run; no fail-back:
    // Multi-Region Resilience does not log users out of their standby).
    let away: u64 = mrr.users.iter().map(|u| u.non_home_ms).sum();
    let hours = metric(&mrr, Metric::StandbyHours);
    assert!(
        (hours - away as f64 / 3_600_000.0).abs() < 0.01,
        "{hours} vs {away}"
    );
    assert!(hours > 150.0 * 4.0, "{hours}");
}

#[test]
fn replication_keys_need_a_standby_region() {
    let text = standby_scenario(
        "standby = \"autostop\"\ndata_replication = true\nsnapshot_every = \"6h\"",
    );
    let err = crate::scenario::load_str(&text, "t.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("region.b.data_replication"), "{err}");
    assert!(err.contains("needs standby = \"mrr\""), "{err}");
    assert!(err.contains("region.b.snapshot_every"), "{err}");
}
