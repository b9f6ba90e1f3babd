//! A partial outage the 18 % rule cannot see: Route 53 counts an endpoint healthy while more
//! than 18 % of its checkers report healthy, and a checker turns unhealthy only after
//! `failure_threshold` failures in a row, so when half the requests fail each checker still
//! reports healthy about half the time and the check stays healthy
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html>).

use super::{pct, push, Lint};
use crate::model::health::{checker_healthy_share, probe_outcome};
use crate::scenario::{EventAction, HealthCheckType, Plane, Scenario};

/// Above this long-run healthy share per checker the check stays healthy or flaps: the
/// 18 % of the rule.
const HEALTHY_SHARE_NEEDED: f64 = 0.18;

/// Each partial `region_outage` of an endpoint plane against each endpoint check probing it.
pub(super) fn partial_outage_lints(model: &Scenario, out: &mut Vec<Lint>) {
    for e in &model.events {
        let EventAction::RegionOutage {
            region,
            planes,
            severity,
            probe_failure,
        } = e.action
        else {
            continue;
        };
        if severity >= 1.0 || !planes.contains(Plane::Endpoint) {
            continue;
        }
        for hc in &model.health_checks {
            let HealthCheckType::Endpoint(check) = &hc.kind else {
                continue;
            };
            // A probe the failing endpoint passes anyway is another lint's business.
            if check.target != region || probe_outcome(check.protocol, probe_failure).passes {
                continue;
            }
            let share = checker_healthy_share(severity, check.failure_threshold);
            if share <= HEALTHY_SHARE_NEEDED {
                continue;
            }
            push(
                out,
                "endpoint-check-misses-partial-outage",
                format!("event.{}.severity", e.name),
                format!(
                    "during `{}`, {} of requests to {}'s endpoint fail; a checker turns unhealthy only after {} failures in a row, so each still reports healthy about {} of the time, and Route 53 counts the endpoint healthy while more than 18 % of checkers do: `{}` stays healthy (or flaps) and DNS does not fail over",
                    e.name,
                    pct(severity),
                    model.regions[region].name,
                    check.failure_threshold,
                    pct(share),
                    hc.name
                ),
                "fail over on the error rate instead: an alarm health check on a canary's success ratio (e.g. below 0.9), or a routing control the operator sets".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::lint::lint;
    use crate::scenario::load_str;

    fn codes(severity: f64, threshold: u32) -> Vec<&'static str> {
        let text = format!(
            r#"[scenario]
name = "t"
duration = "2h"
[[region]]
name = "a"
[[region]]
name = "b"
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
failure_threshold = {threshold}
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 10
home = "a"
failover_workspaces = 1.0
[[event]]
name = "half"
kind = "region_outage"
region = "a"
at = "1h"
severity = {severity}
"#
        );
        lint(&load_str(&text, "t.toml", &[]).expect("valid"))
            .iter()
            .map(|l| l.code)
            .filter(|c| *c != "secondary-without-health-check")
            .collect()
    }

    #[test]
    fn a_partial_outage_the_18_percent_rule_hides_is_flagged() {
        let flagged = ["endpoint-check-misses-partial-outage"];
        // Half the requests failing: each checker healthy half the time, whatever the
        // threshold.
        assert_eq!(codes(0.5, 3), flagged);
        assert_eq!(codes(0.5, 1), flagged);
        // 60 %, threshold 3: about 27 % healthy, still above 18 % (flapping).
        assert_eq!(codes(0.6, 3), flagged);
        // 80 %, threshold 3: about 3 %: the check sees it. A hard outage too.
        assert_eq!(codes(0.8, 3), Vec::<&str>::new());
        assert_eq!(codes(1.0, 3), Vec::<&str>::new());
    }
}
