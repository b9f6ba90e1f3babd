//! Lints on Route 53 DNS locations (`dns.locations`, `dns_partition`): a partition that leaves
//! a location deciding from no checker or from a handful, locations nobody resolves through,
//! and resolvers a partition cannot reach. Route 53: "each Route 53 location considers an
//! endpoint healthy when only a portion of reachable health checkers consider it healthy"
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-problems.html>).

use super::{push, Lint};
use crate::scenario::{EventAction, HealthCheckType, InsufficientData, Scenario, CHECKER_REGIONS};

/// Most checkers a location can hear for one healthy checker among them to keep an endpoint
/// healthy there: 1 of n is more than 18 % for n up to 5.
const ONE_DECIDES_UP_TO: u32 = 5;

/// Every location lint, in a fixed order: partitions (by event, location, check), then unused
/// locations, then resolvers without a location.
pub(super) fn location_lints(model: &Scenario, out: &mut Vec<Lint>) {
    if model.dns.locations.is_empty() {
        return;
    }
    let mut partitioned = false;
    for e in &model.events {
        if let EventAction::DnsPartition {
            locations,
            checker_regions,
        } = &e.action
        {
            partitioned = true;
            for &l in locations {
                partition_lints(model, &e.name, l, checker_regions, out);
            }
        }
    }
    for (l, name) in model.dns.locations.iter().enumerate() {
        if !model.resolvers.iter().any(|r| r.dns_location == Some(l)) {
            push(
                out,
                "dns-location-unused",
                "dns.locations".into(),
                format!("no resolver names DNS location `{name}` (`dns_location`), so no user resolves through it: its answers change nothing"),
                format!("set dns_location = \"{name}\" on the resolvers whose queries reach it, or remove it"),
            );
        }
    }
    if !partitioned {
        return;
    }
    for r in model.resolvers.iter().filter(|r| r.dns_location.is_none()) {
        push(
            out,
            "resolver-without-dns-location",
            format!("resolver.{}.dns_location", r.name),
            format!("resolver `{}` has no DNS location, so its users get the global view (every checker), which no `dns_partition` cuts", r.name),
            format!("set dns_location to the location nearest resolver `{}` (one of {})", r.name, model.dns.locations.join(", ")),
        );
    }
}

/// For each endpoint check: the checkers location `l` still hears while `cut` is cut off.
fn partition_lints(model: &Scenario, event: &str, l: usize, cut: &[usize], out: &mut Vec<Lint>) {
    let location = &model.dns.locations[l];
    for hc in &model.health_checks {
        let HealthCheckType::Endpoint(check) = &hc.kind else {
            continue;
        };
        let heard: Vec<usize> = check
            .checker_regions
            .iter()
            .copied()
            .filter(|r| !cut.contains(r))
            .collect();
        let total = check.checker_regions.len() as u32 * check.checkers_per_region;
        let n = heard.len() as u32 * check.checkers_per_region;
        let names = heard
            .iter()
            .map(|&r| CHECKER_REGIONS[r])
            .collect::<Vec<_>>()
            .join(", ");
        if n == 0 {
            let concludes = match model.dns.no_checker_reports {
                InsufficientData::LastKnownStatus => {
                    "keeps the status it last had, whatever happens to the endpoint meanwhile"
                }
                InsufficientData::Healthy => {
                    "counts the endpoint healthy, whatever happens to it meanwhile"
                }
                InsufficientData::Unhealthy => {
                    "counts the endpoint unhealthy and fails over at once, even if it works"
                }
            };
            push(
                out,
                "dns-location-hears-no-checker",
                format!("event.{event}.checker_regions"),
                format!("during `{event}`, DNS location `{location}` receives no report from any of `{}`'s {total} checkers (every one of its checker Regions is cut off): it {concludes} (dns.no_checker_reports)", hc.name),
                format!("give `{}` checker Regions on the location's side of the partition (`regions`), or set dns.no_checker_reports to what the location should conclude", hc.name),
            );
        } else if n <= ONE_DECIDES_UP_TO && n < total {
            push(
                out,
                "dns-location-hears-few-checkers",
                format!("event.{event}.checker_regions"),
                format!("during `{event}`, DNS location `{location}` hears only {n} of `{}`'s {total} checkers ({names}): one healthy checker among them (1 of {n} is more than 18 %) keeps the endpoint healthy there, whatever the others see", hc.name),
                "intended when those checkers see what the location's users see (Route 53 is built that way); otherwise add checker Regions near the location".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::lint::lint;
    use crate::scenario::load_str;

    /// Primary `a` with an endpoint check from three checker Regions (6 checkers); two
    /// locations, each with a resolver; `{event}` appended.
    fn codes(event: &str, resolvers: &str) -> Vec<&'static str> {
        let names: Vec<&str> = resolvers
            .lines()
            .filter_map(|l| l.strip_prefix("name = \""))
            .map(|l| l.trim_end_matches('"'))
            .collect();
        let shares = names
            .iter()
            .map(|n| format!("{n} = 0.5"))
            .collect::<Vec<_>>()
            .join(", ");
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
regions = ["us-east-1", "eu-west-1", "sa-east-1"]
[[health_check]]
name = "s"
type = "endpoint"
target = "b"
[dns]
fqdn = "d.example.com"
ttl = "60s"
locations = ["south", "north"]
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b", health_check = "s" }} }}
{resolvers}
[[users]]
name = "u"
count = 10
home = "a"
resolvers = {{ {shares} }}
failover_workspaces = 1.0
{event}"#
        );
        lint(&load_str(&text, "t.toml", &[]).expect("valid"))
            .iter()
            .map(|l| l.code)
            .collect()
    }

    const BOTH: &str = "[[resolver]]\nname = \"rs\"\ndns_location = \"south\"\n[[resolver]]\nname = \"rn\"\ndns_location = \"north\"\n";

    fn partition(cut: &str) -> String {
        format!("[[event]]\nname = \"cut\"\nkind = \"dns_partition\"\nat = \"1h\"\ndns_locations = [\"south\"]\nchecker_regions = [{cut}]\n")
    }

    #[test]
    fn a_partition_that_leaves_a_location_no_or_few_checkers_is_flagged() {
        assert_eq!(codes("", BOTH), Vec::<&str>::new());
        // All of `p`'s Regions cut: `south` hears none of them (and 10 of `s`'s 16).
        assert_eq!(
            codes(
                &partition("\"us-east-1\", \"eu-west-1\", \"sa-east-1\""),
                BOTH
            ),
            ["dns-location-hears-no-checker"]
        );
        // Two cut: 2 of 6 left, one healthy checker decides.
        assert_eq!(
            codes(&partition("\"us-east-1\", \"eu-west-1\""), BOTH),
            ["dns-location-hears-few-checkers"]
        );
        // One cut: 4 of `p`'s 6 heard, still few enough for one to decide (14 of `s`'s 16 is not).
        assert_eq!(
            codes(&partition("\"us-east-1\""), BOTH),
            ["dns-location-hears-few-checkers"]
        );
    }

    #[test]
    fn unused_locations_and_resolvers_outside_a_partition_are_flagged() {
        let south_only = "[[resolver]]\nname = \"rs\"\ndns_location = \"south\"\n[[resolver]]\nname = \"corp\"\n";
        assert_eq!(codes("", south_only), ["dns-location-unused"]);
        assert_eq!(
            codes(&partition("\"ap-southeast-1\""), south_only),
            ["dns-location-unused", "resolver-without-dns-location"]
        );
    }
}
