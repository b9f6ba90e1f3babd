//! The scenario key reference: every key, its default and meaning, in one place. It feeds the
//! descriptions of `failsim schema` and the README's reference table; tests keep the three
//! (schema, this table, README) from drifting apart.

/// One documented key.
#[derive(Clone, Copy, Debug)]
pub struct KeyDoc {
    /// Dotted path, arrays of tables without an index (`users.behaviour.resume_window`).
    pub path: &'static str,
    /// Default, or `required`.
    pub default: &'static str,
    /// What it means and what is allowed.
    pub meaning: &'static str,
}

const fn key(path: &'static str, default: &'static str, meaning: &'static str) -> KeyDoc {
    KeyDoc {
        path,
        default,
        meaning,
    }
}

/// Every key of the scenario format, in file order.
pub const KEYS: &[KeyDoc] = &[
    key("scenario", "required", "Scenario metadata."),
    key("scenario.name", "required", "Title, used in charts and the story."),
    key("scenario.seed", "1", "Master seed; `--seed` overrides it."),
    key("scenario.duration", "required", "Simulated time span."),
    key("scenario.series_step", "`10s`", "Resolution of series.csv and the timeline chart."),
    key("region", "required", "AWS Regions (at least one)."),
    key("region.name", "required", "Region name, e.g. `us-west-2`."),
    key("region.launch_concurrency", "0 (unlimited)", "Session launches in progress at once; a FIFO queue forms beyond it."),
    key("region.launch_time", "`{ median = \"40s\", p95 = \"2m\" }`", "Time to launch a session (distribution)."),
    key("region.standby", "`running`", "`running` or `autostop`: AutoStop adds `resume_time` to a user's first launch in a non-home Region."),
    key("region.resume_time", "`{ min = \"30s\", max = \"90s\" }`", "AutoStop resume delay (distribution)."),
    key("metric", "none", "CloudWatch metrics."),
    key("metric.name", "required", "Metric name."),
    key("metric.source", "required", "`canary`, `connected_users`, `login_failures` or `scripted`."),
    key("metric.region", "required", "Region whose CloudWatch stores it (its `metrics` plane)."),
    key("metric.target", "`region` (canary: required)", "Region the canary probes, or whose users are counted."),
    key("metric.resolution", "`60s`", "Publishing resolution: 1s, 5s, 10s, 30s or a multiple of 60s."),
    key("metric.delay", "`0s`", "Delay before a datapoint is visible to alarms."),
    key("metric.datapoints", "required for `scripted`", "Scripted datapoints `[{ at = \"5m\", value = 1.0 }]`."),
    key("metric.datapoints.at", "required", "Datapoint timestamp."),
    key("metric.datapoints.value", "required", "Datapoint value."),
    key("alarm", "none", "CloudWatch metric alarms."),
    key("alarm.name", "required", "Alarm name."),
    key("alarm.metric", "required", "Metric name."),
    key("alarm.statistic", "`average`", "`average`, `minimum`, `maximum`, `sum` or `sample_count`."),
    key("alarm.period", "required", "10s, 20s, 30s or a multiple of 60s."),
    key("alarm.evaluation_periods", "required", "N: periods evaluated (1 or more)."),
    key("alarm.datapoints_to_alarm", "N", "M: breaching datapoints among the newest N that raise the alarm."),
    key("alarm.comparison", "required", "`less_than_threshold`, `less_than_or_equal_to_threshold`, `greater_than_threshold` or `greater_than_or_equal_to_threshold`."),
    key("alarm.threshold", "required", "Threshold."),
    key("alarm.treat_missing_data", "`missing`", "`missing`, `not_breaching`, `breaching` or `ignore`."),
    key("health_check", "none", "Route 53 health checks."),
    key("health_check.name", "required", "Health check name."),
    key("health_check.type", "required", "`endpoint`, `calculated` or `alarm`."),
    key("health_check.target", "required (endpoint)", "Region whose `endpoint` plane is probed."),
    key("health_check.protocol", "`https`", "`http`, `https`, `http_str_match`, `https_str_match` or `tcp` (decides the probe timeout: 4 s, TCP 10 s)."),
    key("health_check.interval", "`30s`", "Request interval: `10s` or `30s`."),
    key("health_check.failure_threshold", "3", "Consecutive results (1-10) that flip a checker, both ways."),
    key("health_check.regions", "all 8", "Checker Regions: us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1 (Route 53 requires 3 or more)."),
    key("health_check.checkers_per_region", "2", "Checkers in each checker Region (AWS does not publish the count)."),
    key("health_check.children", "required (calculated)", "Child health checks (not calculated ones)."),
    key("health_check.healthy_threshold", "number of children", "Healthy children needed (0 = always healthy; more than the children = never)."),
    key("health_check.alarm", "required (alarm)", "The CloudWatch alarm followed (period >= 60 s, M = N)."),
    key("health_check.insufficient_data", "`last_known_status`", "Status while the alarm has insufficient data: `healthy`, `unhealthy` or `last_known_status`."),
    key("health_check.inverted", "false", "Flip the status."),
    key("health_check.disabled", "false", "Always healthy (then `inverted` flips it)."),
    key("dns", "required", "The connection alias record."),
    key("dns.fqdn", "required", "The connection alias (FQDN)."),
    key("dns.ttl", "`300s`", "Record TTL (console default 300 s; AWS advises 60 s or less with health checks)."),
    key("dns.zone", "`public`", "`public` or `private` (off-VPN users cannot resolve a private zone)."),
    key("dns.health_propagation", "`10s`", "Delay from a health status change to DNS answers (not published by AWS)."),
    key("dns.edit_propagation", "`60s`", "Upper bound of the uniform delay before a record edit reaches all name servers."),
    key("dns.routing", "required", "Routing policy: `{ policy = \"failover\" | \"weighted\" | \"simple\", ... }`."),
    key("dns.routing.policy", "required", "`failover`, `weighted` or `simple`."),
    key("dns.routing.primary", "required (failover)", "Primary record `{ region, health_check }`."),
    key("dns.routing.primary.region", "required", "Region whose connection identifier the record holds."),
    key("dns.routing.primary.health_check", "none", "Health check of the record."),
    key("dns.routing.secondary", "required (failover)", "Secondary record, or an array of them (chained failover)."),
    key("dns.routing.secondary.region", "required", "Region whose connection identifier the record holds."),
    key("dns.routing.secondary.health_check", "none", "Health check of the record (without one, Route 53 always answers it when the primary is unhealthy)."),
    key("dns.routing.records", "required (weighted)", "Weighted records."),
    key("dns.routing.records.region", "required", "Region whose connection identifier the record holds."),
    key("dns.routing.records.weight", "required", "Weight 0-255 (zero-weight records only when every non-zero one is unhealthy)."),
    key("dns.routing.records.health_check", "none", "Health check of the record."),
    key("dns.routing.region", "required (simple)", "The one Region of a simple record."),
    key("resolver", "one honouring resolver", "Recursive resolvers users go through."),
    key("resolver.name", "required", "Resolver name."),
    key("resolver.ttl_policy", "`honor`", "`honor`, `min_ttl`, `max_ttl` or `extend`."),
    key("resolver.min_ttl", "required (min_ttl)", "Floor on the cache lifetime."),
    key("resolver.max_ttl", "required (max_ttl)", "Cap on the cache lifetime."),
    key("resolver.extension", "`{ median = \"10m\", p95 = \"2h\" }`", "Extension added to the TTL by an `extend` resolver (distribution)."),
    key("resolver.serve_stale", "`0s` (off)", "RFC 8767 window: stale answers only while the authoritative cannot be reached."),
    key("resolver.stale_first", "false", "Serve an expired answer once, refresh in the background (dnsmasq, Pi-hole)."),
    key("resolver.prefetch", "false", "Refresh an entry about to expire when it is used."),
    key("resolver.population", "none", "`internet`: the entry stands for many resolver instances with a documented behaviour mixture."),
    key("resolver.instances", "100", "Instances of a population."),
    key("users", "required", "User groups."),
    key("users.name", "required", "Group name."),
    key("users.count", "required", "Users in the group (1 or more)."),
    key("users.home", "required", "Home Region."),
    key("users.registration", "`{ fqdn = 1.0 }`", "Shares registered with the FQDN and with a Region code (sum to 1)."),
    key("users.registration.fqdn", "1.0", "Share registered with the connection alias."),
    key("users.registration.region_code", "0", "Share registered with a Region code (never redirected)."),
    key("users.client_versions", "`{ \"5.22.0\" = 1.0 }`", "Shares by client version (sum to 1); older than 3.0.9 never redirects."),
    key("users.resolvers", "the only resolver", "Shares by resolver name (sum to 1)."),
    key("users.on_vpn", "1.0", "Share on the VPN (private zones)."),
    key("users.failover_workspaces", "1.0", "Share with a WorkSpace in the failover Regions."),
    key("users.client_cache", "`none`", "`none`, `honor`, or a fixed lifetime such as `\"30s\"`."),
    key("users.schedule", "see keys", "Working schedule."),
    key("users.schedule.start", "`0s`", "When the group starts logging in."),
    key("users.schedule.ramp", "`30m`", "Logins spread uniformly over this span."),
    key("users.schedule.session", "`8h`", "Working time after login."),
    key("users.behaviour", "see keys", "Client and user behaviour."),
    key("users.behaviour.detect_disconnect", "`{ min = \"5s\", max = \"30s\" }`", "Time for the client to notice a dropped session."),
    key("users.behaviour.resume_window", "`20m`", "A dropped session can resume in the same Region within this window."),
    key("users.behaviour.relogin_delay", "`{ median = \"1m\", p95 = \"5m\" }`", "Think time before logging in again after the error."),
    key("users.behaviour.retry_backoff", "`{ initial = \"30s\", max = \"5m\" }`", "Doubling back-off after failed logins."),
    key("users.behaviour.retry_backoff.initial", "`30s`", "First back-off."),
    key("users.behaviour.retry_backoff.max", "`5m`", "Back-off cap."),
    key("users.behaviour.failed_login_time", "`{ min = \"10s\", max = \"30s\" }`", "Time for a failed login to report failure."),
    key("users.behaviour.restart_probability", "0", "Share of clients that keep their connection identifier until restarted."),
    key("users.behaviour.restart_after_failures", "2", "Failed logins before such a user restarts the client."),
    key("users.behaviour.restart_time", "`{ min = \"20s\", max = \"1m\" }`", "Client restart time."),
    key("users.behaviour.reauth_every", "`0s` (never)", "Periodic re-authentication, e.g. SAML `60m`."),
    key("event", "none", "Faults and operator actions."),
    key("event.name", "required", "Event name."),
    key("event.kind", "required", "`region_outage`, `checker_partition`, `dns_outage`, `resolver_outage`, `set_record`, `disable_health_check`, `invert_health_check`, `disconnect_users` or `domain_lapse`."),
    key("event.at", "required", "Start."),
    key("event.duration", "lasts to the end", "Length of a fault or reverting action (or give `until`)."),
    key("event.until", "lasts to the end", "End of a fault or reverting action (or give `duration`)."),
    key("event.region", "required (region_outage, set_record, disconnect_users)", "Region concerned."),
    key("event.planes", "all four", "`region_outage`: `sessions`, `logins`, `endpoint`, `metrics`."),
    key("event.severity", "1.0", "`region_outage`: fraction of requests failing, in (0, 1]."),
    key("event.checker_regions", "required (checker_partition)", "Checker Regions cut off."),
    key("event.target", "required (checker_partition)", "Region they cannot reach."),
    key("event.resolver", "required (resolver_outage)", "Resolver that fails."),
    key("event.health_check", "required (disable/invert)", "Health check concerned."),
    key("event.hijacked", "false", "`domain_lapse`: a stranger controls the domain."),
    key("expect", "none", "Bounds on summary metrics (exit 1 when one fails)."),
    key("expect.metric", "required", "Any summary.csv metric."),
    key("expect.min", "none", "Lower bound (durations allowed for `*_ms` metrics)."),
    key("expect.max", "none", "Upper bound (durations allowed for `*_ms` metrics)."),
];

/// The reference as markdown table rows (`| key | default | meaning |`), for the README.
pub fn markdown_rows() -> String {
    KEYS.iter()
        .map(|k| format!("| `{}` | {} | {} |\n", k.path, k.default, k.meaning))
        .collect()
}

/// The keys a JSON Schema of the format defines: `(dotted path, JSON pointer of the property)`,
/// walking properties, arrays, `$ref`s and tagged/untagged variants. Distribution tables
/// (`{ min, max }` / `{ median, p95 }`) are values, not documented keys.
pub fn schema_keys(root: &serde_json::Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    descend(root, root, String::new(), "", &mut out);
    out
}

fn resolve<'a>(
    root: &'a serde_json::Value,
    node: &'a serde_json::Value,
    ptr: String,
) -> (&'a serde_json::Value, String) {
    match node
        .get("$ref")
        .and_then(|r| r.as_str())
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(target) => match root.pointer(target) {
            Some(n) => resolve(root, n, target.to_string()),
            None => (node, ptr),
        },
        None => (node, ptr),
    }
}

fn descend(
    root: &serde_json::Value,
    node: &serde_json::Value,
    ptr: String,
    path: &str,
    out: &mut Vec<(String, String)>,
) {
    let (node, ptr) = resolve(root, node, ptr);
    if ptr.ends_with("/RawDistTable") {
        return;
    }
    if let Some(items) = node.get("items") {
        descend(root, items, format!("{ptr}/items"), path, out);
    }
    if let Some(props) = node.get("properties").and_then(|p| p.as_object()) {
        for (k, v) in props {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            let prop_ptr = format!("{ptr}/properties/{k}");
            if !out.iter().any(|(q, _)| *q == p) {
                out.push((p.clone(), prop_ptr.clone()));
            }
            descend(root, v, prop_ptr, &p, out);
        }
    }
    for alt in ["anyOf", "oneOf"] {
        if let Some(alts) = node.get(alt).and_then(|a| a.as_array()) {
            for (i, a) in alts.iter().enumerate() {
                descend(root, a, format!("{ptr}/{alt}/{i}"), path, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> serde_json::Value {
        serde_json::from_str(&crate::scenario::json_schema()).unwrap()
    }

    #[test]
    fn every_schema_key_is_documented_and_every_documented_key_exists() {
        let keys: Vec<String> = schema_keys(&schema()).into_iter().map(|k| k.0).collect();
        let documented: Vec<&str> = KEYS.iter().map(|k| k.path).collect();
        let undocumented: Vec<&String> = keys
            .iter()
            .filter(|k| !documented.contains(&k.as_str()))
            .collect();
        let stale: Vec<&&str> = documented
            .iter()
            .filter(|d| !keys.iter().any(|k| k == *d))
            .collect();
        assert!(
            undocumented.is_empty(),
            "keys missing from scenario/reference.rs: {undocumented:?}"
        );
        assert!(
            stale.is_empty(),
            "documented keys the format does not have: {stale:?}"
        );
    }

    #[test]
    fn the_readme_reference_matches() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        for row in markdown_rows().lines() {
            assert!(readme.contains(row), "README.md is missing or has a stale row:\n{row}\n(the table is `failsim schema --markdown`)");
        }
    }

    #[test]
    fn the_schema_carries_the_descriptions() {
        let s = schema();
        let ttl = s
            .pointer("/$defs/RawDns/properties/ttl/description")
            .and_then(|d| d.as_str())
            .unwrap();
        assert!(
            ttl.contains("Record TTL") && ttl.contains("Default: `300s`"),
            "{ttl}"
        );
    }
}
