//! Lints: valid scenarios that reproduce a pitfall the WorkSpaces and Route 53 documentation
//! warn about. Each lint says what is wrong and the fix; none makes a scenario invalid
//! (`failsim check` still exits 0, `failsim run` prints them once on stderr).

use super::{
    DnsSpec, EventAction, HealthCheckType, InsufficientData, Plane, ProbeFailure, Protocol,
    Routing, Scenario, Zone,
};
use crate::time::format_ms;
use std::fmt;

mod alias;
mod locations;
mod partial;

/// One warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lint {
    /// Stable identifier (`ttl-above-60s`, ...).
    pub code: &'static str,
    /// The field it is about, in `--set` form.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Lint {
    /// `note` for advice that may be fine as it is, `warning` otherwise.
    pub fn level(&self) -> &'static str {
        if matches!(
            self.code,
            "secondary-without-health-check"
                | "shared-on-premises-directory"
                | "dns-location-hears-few-checkers"
        ) {
            "note"
        } else {
            "warning"
        }
    }
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: `{}`: {}\n  fix: {}",
            self.level(),
            self.code,
            self.field,
            self.message,
            self.fix
        )
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// Every lint that applies to `model`, in a fixed order: the record, then health checks, then
/// user groups.
pub fn lint(model: &Scenario) -> Vec<Lint> {
    let mut out = Vec::new();
    record_lints(model, &mut out);
    health_check_lints(model, &mut out);
    group_lints(model, &mut out);
    alias::alias_lints(model, &mut out);
    event_lints(model, &mut out);
    capacity_lints(model, &mut out);
    directory_lints(model, &mut out);
    locations::location_lints(model, &mut out);
    partial::partial_outage_lints(model, &mut out);
    out
}

/// AD Connectors in two or more Regions forwarding to one on-premises directory: AWS's
/// recommended set-up for cross-Region redirection, and a single point of failure that
/// failover cannot route around.
fn directory_lints(model: &Scenario, out: &mut Vec<Lint>) {
    use super::DirectoryKind;
    for (i, name) in model.on_premises.iter().enumerate() {
        let regions: Vec<&str> = model
            .directories
            .iter()
            .filter(|d| d.kind == DirectoryKind::AdConnector { on_premises: i })
            .map(|d| model.regions[d.region].name.as_str())
            .collect();
        if regions.len() >= 2 {
            push(
                out,
                "shared-on-premises-directory",
                "directory.on_premises".into(),
                format!("the AD Connectors of {} all forward to the on-premises directory `{name}`: while it (or every Region's link to it) is down, no Region can log users in and failover cannot help", regions.join(", ")),
                "keep the on-premises directory highly available (domain controllers reachable from each Region over separate links), or give the failover Region a directory of its own".into(),
            );
        }
    }
}

/// A failover Region whose launch capacity needs longer to start every redirected user's
/// session than the longest outage of their home Region: for many users, failing over is
/// slower than staying (the users at the back of the launch queue would have been home
/// sooner). The estimate is the queue's drain time: users x median launch (plus the median
/// AutoStop resume) / `launch_concurrency`.
fn capacity_lints(model: &Scenario, out: &mut Vec<Lint>) {
    use super::{EventAction, Standby};
    for (r, region) in model.regions.iter().enumerate() {
        if region.launch_concurrency == 0 {
            continue;
        }
        let arriving: f64 = model
            .groups
            .iter()
            .filter(|g| g.home != r)
            .map(|g| f64::from(g.count) * g.fqdn_share * g.failover_workspaces)
            .sum();
        let homes: Vec<usize> = model
            .groups
            .iter()
            .filter(|g| g.home != r)
            .map(|g| g.home)
            .collect();
        let longest_outage = model
            .events
            .iter()
            .filter_map(|e| match (&e.action, e.end_ms) {
                (EventAction::RegionOutage { region, .. }, Some(end)) if homes.contains(region) => {
                    Some(end - e.at_ms)
                }
                _ => None,
            })
            .max();
        let Some(outage) = longest_outage else {
            continue;
        };
        let mut launch = region.launch_time.median_ms();
        if region.standby == Standby::Autostop {
            launch += region.resume_time.median_ms();
        }
        let drain = (arriving * launch as f64 / f64::from(region.launch_concurrency)) as u64;
        if drain > outage {
            push(
                out,
                "failover-capacity-slower-than-staying",
                format!("region.{}.launch_concurrency", region.name),
                format!("starting sessions for the {:.0} users who would fail over to {} takes about {} at {} launches at once (median {} each), longer than the {} outage: for the users at the back of the queue, staying would be quicker than failing over", arriving, region.name, format_ms(drain), region.launch_concurrency, format_ms(launch), format_ms(outage)),
                format!("raise region.{}.launch_concurrency, keep standby WorkSpaces running, or fail over only for outages expected to last longer than {}", region.name, format_ms(drain)),
            );
        }
    }
}

/// Faults and actions that a health check or the record cannot follow.
fn event_lints(model: &Scenario, out: &mut Vec<Lint>) {
    routing_control_lints(model, out);
    let primary = &model.regions[model.dns.routing.primary_region()].name;
    if primary == DnsSpec::CONTROL_PLANE_REGION {
        if let Some(e) = model
            .events
            .iter()
            .find(|e| matches!(e.action, EventAction::SetRecord { .. }))
        {
            push(
                out,
                "set-record-needs-us-east-1",
                format!("event.{}.kind", e.name),
                format!("the runbook fails over by editing the record, which goes through the Route 53 control plane in {primary} — the primary Region; an event there can take the control plane with it and the edit is refused until it recovers"),
                "fail over with a health check (or a routing control) instead: those are data plane and keep working".into(),
            );
        }
    }
    for e in &model.events {
        if let EventAction::RegionOutage {
            region,
            planes,
            probe_failure: failure @ (ProbeFailure::Http5xx | ProbeFailure::Hang),
            ..
        } = e.action
        {
            if !planes.contains(Plane::Endpoint) {
                continue;
            }
            for hc in &model.health_checks {
                if let HealthCheckType::Endpoint(check) = &hc.kind {
                    if check.target == region && check.protocol == Protocol::Tcp {
                        push(
                            out,
                            "tcp-check-passes-failing-endpoint",
                            format!("health_check.{}.protocol", hc.name),
                            format!(
                                "during `{}` the endpoint in {} accepts connections and then {}; a TCP check asks only for the connection, so it stays healthy and never fails over",
                                e.name,
                                model.regions[region].name,
                                if failure == ProbeFailure::Http5xx { "answers 5xx" } else { "never answers" }
                            ),
                            "use protocol = \"https\" (or \"http\") with a path the service answers only when it works".into(),
                        );
                    }
                }
            }
        }
    }
}

fn push(out: &mut Vec<Lint>, code: &'static str, field: String, message: String, fix: String) {
    out.push(Lint {
        code,
        field,
        message,
        fix,
    });
}

/// The TTL and the health checks of the failover records.
fn record_lints(model: &Scenario, out: &mut Vec<Lint>) {
    let records: Vec<(usize, Option<usize>, &str)> = match &model.dns.routing {
        Routing::Failover(chain) => chain
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    r.region,
                    r.health_check,
                    if i == 0 { "primary" } else { "secondary" },
                )
            })
            .collect(),
        Routing::Weighted(recs) => recs
            .iter()
            .map(|r| (r.region, r.health_check, "weighted"))
            .collect(),
        Routing::Simple(r) => vec![(*r, None, "simple")],
    };
    if model.dns.ttl_ms > 60_000 && records.iter().any(|r| r.1.is_some()) {
        push(
 out,
            "ttl-above-60s",
            "dns.ttl".into(),
            format!("the record has health checks but a TTL of {}; resolvers keep sending users to a failed Region for up to that long after DNS fails over", format_ms(model.dns.ttl_ms)),
            "AWS advises a TTL of 60 s or less on records with health checks: dns.ttl = \"60s\"".into(),
        );
    }
    if let Routing::Failover(chain) = &model.dns.routing {
        if chain[0].health_check.is_none() {
            push(
 out,
                "primary-without-health-check",
                "dns.routing.primary".into(),
                "the primary failover record has no health check, so Route 53 always answers with it: failover never happens".into(),
                "associate a health check with the primary record (required for WorkSpaces redirection)".into(),
            );
        }
        for (i, r) in chain.iter().enumerate().skip(1) {
            if r.health_check.is_none() && r.matched() {
                push(
 out,
                    "secondary-without-health-check",
                    format!("dns.routing.secondary{}", if chain.len() > 2 { format!("[{}]", i - 1) } else { String::new() }),
                    format!("the secondary record ({}) has no health check, so Route 53 answers with it whenever the primary is unhealthy, even if {} is down too", model.regions[r.region].name, model.regions[r.region].name),
                    "add a health check to the secondary if it can fail; otherwise this is fine".into(),
                );
            }
        }
    }
}

/// Alarm checks that cannot see their metric when the primary fails; too few checker Regions.
fn health_check_lints(model: &Scenario, out: &mut Vec<Lint>) {
    let primary = model.dns.routing.primary_region();
    for hc in &model.health_checks {
        if let HealthCheckType::Alarm {
            alarm,
            insufficient_data: InsufficientData::LastKnownStatus,
        } = hc.kind
        {
            let a = &model.alarms[alarm];
            let m = &model.metrics[a.metric];
            if m.region == primary {
                push(
 out,
                    "alarm-metric-in-primary",
                    format!("health_check.{}.insufficient_data", hc.name),
                    format!(
                        "alarm `{}` watches metric `{}`, stored in the primary Region {}; when that Region fails its datapoints go missing, the alarm goes INSUFFICIENT_DATA and `last_known_status` keeps the check healthy: no failover",
                        a.name, m.name, model.regions[primary].name
                    ),
                    format!("set treat_missing_data = \"breaching\" on alarm `{}`, or insufficient_data = \"unhealthy\", or store the metric in another Region", a.name),
                );
            }
        }
    }
}

/// Users who cannot be redirected, or cannot work or resolve the alias after failover.
fn group_lints(model: &Scenario, out: &mut Vec<Lint>) {
    let primary = model.dns.routing.primary_region();
    for g in &model.groups {
        if g.fqdn_share < 1.0 {
            push(
 out,
                "users-on-region-codes",
                format!("users.{}.registration", g.name),
                format!("{} of `{}` register with a Region code; they always connect to {} and are never redirected", pct(1.0 - g.fqdn_share), g.name, model.regions[g.home].name),
                match &model.alias {
                    Some(alias) => format!("re-register these users with the connection string `{}` of the alias (in the client: Change Registration Code) before relying on failover", alias.connection_string),
                    None => "re-register these users with the connection alias (FQDN) before relying on failover".into(),
                },
            );
        }
        let old: f64 = g
            .client_versions
            .iter()
            .filter(|v| !v.redirects)
            .map(|v| v.share)
            .sum();
        if old > 0.0 {
            push(
 out,
                "clients-older-than-3.0.9",
                format!("users.{}.client_versions", g.name),
                format!("{} of `{}` run WorkSpaces clients older than 3.0.9, which do not follow FQDN redirection", pct(old), g.name),
                "upgrade the clients to 3.0.9 or later (Windows, macOS, Linux)".into(),
            );
        }
        if g.failover_workspaces < 1.0 && g.home == primary {
            push(
 out,
                "failover-workspaces-short",
                format!("users.{}.failover_workspaces", g.name),
                format!("only {} of `{}` have a WorkSpace in the failover Region; the others cannot work there and wait for {} to return", pct(g.failover_workspaces), g.name, model.regions[primary].name),
                "provision standby WorkSpaces for every user who must fail over (failover_workspaces = 1.0)".into(),
            );
        }
        if model.dns.zone == Zone::Private && g.on_vpn < 1.0 {
            push(
 out,
                "private-zone-off-vpn",
                format!("users.{}.on_vpn", g.name),
                format!("the zone is private and {} of `{}` are off the VPN: their clients cannot resolve {} and cannot register or log in at all", pct(1.0 - g.on_vpn), g.name, model.dns.fqdn),
                "use a public hosted zone for the connection alias, or keep every user on the VPN".into(),
            );
        }
    }
}

/// Routing controls without the assertion rule: one mistaken change (or script) can turn
/// every Region's control Off, and a failover chain whose checks are all unhealthy answers
/// with the primary — the Region being failed away from.
fn routing_control_lints(model: &Scenario, out: &mut Vec<Lint>) {
    let controls = model
        .health_checks
        .iter()
        .filter(|hc| matches!(hc.kind, HealthCheckType::RoutingControl { .. }))
        .count();
    if controls >= 2 && model.arc.min_on == 0 {
        push(
            out,
            "routing-controls-without-safety-rule",
            "arc.min_on".into(),
            format!("{controls} routing controls and no safety rule: a change can turn them all Off, and then every record is unhealthy and Route 53 answers with the primary"),
            "set `arc.min_on = 1` (an ARC assertion rule: at least one routing control On)".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    const CLEAN: &str = r#"[scenario]
name = "clean"
duration = "2h"
[[region]]
name = "a"
[[region]]
name = "b"
[[metric]]
name = "canary"
source = "canary"
region = "b"
target = "a"
[[alarm]]
name = "down"
metric = "canary"
period = "60s"
evaluation_periods = 3
comparison = "less_than_threshold"
threshold = 0.9
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
[[health_check]]
name = "s"
type = "endpoint"
target = "b"
[[health_check]]
name = "al"
type = "alarm"
alarm = "down"
insufficient_data = "last_known_status"
[dns]
fqdn = "d.example.com"
ttl = "60s"
zone = "public"
routing = { policy = "failover", primary = { region = "a", health_check = "p" }, secondary = { region = "b", health_check = "s" } }
[[users]]
name = "u"
count = 10
home = "a"
on_vpn = 0.5
failover_workspaces = 1.0
"#;

    fn codes(text: &str) -> Vec<&'static str> {
        lint(&load_str(text, "t.toml", &[]).expect("valid"))
            .iter()
            .map(|l| l.code)
            .collect()
    }

    #[test]
    fn a_clean_scenario_has_no_lints() {
        assert_eq!(codes(CLEAN), Vec::<&str>::new());
    }

    #[test]
    fn each_lint_fires_on_its_pitfall() {
        let cases: [(&str, &str, &str); 8] = [
            ("ttl = \"60s\"", "ttl = \"300s\"", "ttl-above-60s"),
            (
                "primary = { region = \"a\", health_check = \"p\" }",
                "primary = { region = \"a\" }",
                "primary-without-health-check",
            ),
            (
                "secondary = { region = \"b\", health_check = \"s\" }",
                "secondary = { region = \"b\" }",
                "secondary-without-health-check",
            ),
            (
                "region = \"b\"\ntarget = \"a\"",
                "region = \"a\"\ntarget = \"a\"",
                "alarm-metric-in-primary",
            ),
            (
                "home = \"a\"",
                "home = \"a\"\nregistration = { fqdn = 0.9, region_code = 0.1 }",
                "users-on-region-codes",
            ),
            (
                "home = \"a\"",
                "home = \"a\"\nclient_versions = { \"5.22.0\" = 0.5, \"3.0.8\" = 0.5 }",
                "clients-older-than-3.0.9",
            ),
            (
                "failover_workspaces = 1.0",
                "failover_workspaces = 0.7",
                "failover-workspaces-short",
            ),
            (
                "zone = \"public\"",
                "zone = \"private\"",
                "private-zone-off-vpn",
            ),
        ];
        for (from, to, code) in cases {
            assert!(CLEAN.contains(from), "{from}");
            let found = codes(&CLEAN.replacen(from, to, 1));
            assert_eq!(found, vec![code], "replacing {from:?} with {to:?}");
        }
        let blind = CLEAN.replacen("type = \"endpoint\"\ntarget = \"a\"", "type = \"endpoint\"\ntarget = \"a\"\nprotocol = \"tcp\"", 1)
            + "[[event]]\nname = \"o\"\nkind = \"region_outage\"\nregion = \"a\"\nat = \"1h\"\nprobe_failure = \"http_5xx\"\n";
        assert_eq!(codes(&blind), vec!["tcp-check-passes-failing-endpoint"]);
        assert_eq!(
            codes(&blind.replace("http_5xx", "refused")),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn lints_say_the_fix() {
        let l = lint(
            &load_str(
                &CLEAN.replace("ttl = \"60s\"", "ttl = \"300s\""),
                "t.toml",
                &[],
            )
            .unwrap(),
        );
        let text = l[0].to_string();
        assert!(
            text.starts_with("warning[ttl-above-60s]: `dns.ttl`: "),
            "{text}"
        );
        assert!(
            text.contains("fix: AWS advises a TTL of 60 s or less"),
            "{text}"
        );
    }
}

#[cfg(test)]
mod data_plane_lint_tests {
    use crate::scenario::load_str;

    fn codes(text: &str) -> Vec<&'static str> {
        let scenario = load_str(text, "t.toml", &[]).expect("valid");
        super::lint(&scenario).into_iter().map(|l| l.code).collect()
    }

    const BASE: &str = r#"[scenario]
name = "t"
duration = "4h"
[[region]]
name = "a"
[[region]]
name = "b"
launch_concurrency = 10
launch_time = "1m"
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = { policy = "failover", primary = { region = "a", health_check = "p" }, secondary = { region = "b", health_check = "p" } }
[[users]]
name = "u"
count = 1000
home = "a"
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "45m"
"#;

    #[test]
    fn slow_failover_capacity_is_flagged_against_the_outage() {
        // 1,000 users x 1 min / 10 at once = 100 min > 45 min.
        assert!(codes(BASE).contains(&"failover-capacity-slower-than-staying"));
        // 1,000 x 1 min / 100 = 10 min < 45 min.
        let enough = BASE.replace("launch_concurrency = 10", "launch_concurrency = 100");
        assert!(!codes(&enough).contains(&"failover-capacity-slower-than-staying"));
    }

    #[test]
    fn a_shared_on_premises_directory_is_noted() {
        let adc = |r: &str, onprem: &str| {
            format!("[[directory]]\nname = \"{r}-adc\"\nregion = \"{r}\"\ntype = \"ad_connector\"\non_premises = \"{onprem}\"\n")
        };
        let shared = format!("{BASE}{}{}", adc("a", "corp"), adc("b", "corp"));
        assert!(codes(&shared).contains(&"shared-on-premises-directory"));
        let separate = format!("{BASE}{}{}", adc("a", "corp"), adc("b", "corp-east"));
        assert!(!codes(&separate).contains(&"shared-on-premises-directory"));
    }
}
