//! The scenario key reference: every key, its default and meaning, in one place. It feeds the
//! descriptions of `failsim schema` and the README's reference table; tests keep the three
//! (schema, this table, README) from drifting apart. Defaults with a value are rendered from
//! the constants in [`super::spec`] that validation applies, so the README's sync test catches
//! a changed default.

use super::spec::{
    ArcSpec, Behaviour, DirectorySpec, DnsSpec, EndpointCheck, EventSpec, GroupSpec, MetricSpec,
    RegionSpec, Replication, ResolverSpec, Scenario, TtlPolicySpec,
};
use crate::cost::CostSpec;
use crate::dist::Dist;

/// One documented key.
#[derive(Clone, Copy, Debug)]
pub struct KeyDoc {
    /// Dotted path, arrays of tables without an index (`users.behaviour.resume_window`).
    pub path: &'static str,
    /// Default, or `required`.
    pub default: DefaultValue,
    /// What it means and what is allowed.
    pub meaning: &'static str,
}

impl KeyDoc {
    /// The default column as the README and the schema show it.
    pub fn default_text(&self) -> String {
        self.default.render()
    }
}

/// A key's default: a value taken from the constant validation applies (so the reference
/// cannot drift from it), or words where there is no single value.
#[derive(Clone, Copy, Debug)]
pub enum DefaultValue {
    /// Written out: `required`, `none`, a rule such as `N`, an enum value.
    Text(&'static str),
    /// A whole number.
    Integer(u64),
    /// A share or fraction: `0`, else with a decimal point (`1.0`).
    Share(f64),
    /// `true` or `false`.
    Flag(bool),
    /// A duration in its largest whole unit: `30s`, `2m`, `8h`.
    Duration(u64),
    /// A duration in whole seconds, as AWS and DNS state these values: `60s`, `300s`.
    Seconds(u64),
    /// A distribution: `{ min = "30s", max = "90s" }` or `{ median = "40s", p95 = "2m" }`.
    Dist(Dist),
    /// An inline table.
    Table(&'static [(&'static str, DefaultValue)]),
    /// A value and a note on what it means: `0 (unlimited)`.
    Noted(&'static DefaultValue, &'static str),
}

impl DefaultValue {
    /// The README form: durations and tables in backticks, numbers bare.
    pub fn render(&self) -> String {
        match self {
            DefaultValue::Text(text) => text.to_string(),
            DefaultValue::Integer(_) | DefaultValue::Share(_) | DefaultValue::Flag(_) => {
                self.toml()
            }
            DefaultValue::Noted(value, note) => format!("{} ({note})", value.render()),
            DefaultValue::Duration(_) | DefaultValue::Seconds(_) => {
                format!("`{}`", self.toml().trim_matches('"'))
            }
            DefaultValue::Dist(_) | DefaultValue::Table(_) => format!("`{}`", self.toml()),
        }
    }

    /// The value as TOML would write it.
    fn toml(&self) -> String {
        match *self {
            DefaultValue::Text(text) => text.to_string(),
            DefaultValue::Integer(n) => n.to_string(),
            DefaultValue::Share(0.0) => "0".to_string(),
            DefaultValue::Share(x) => format!("{x:?}"),
            DefaultValue::Flag(b) => b.to_string(),
            DefaultValue::Duration(ms) => format!("\"{}\"", largest_unit(ms)),
            DefaultValue::Seconds(ms) => format!("\"{}s\"", ms / 1000),
            DefaultValue::Dist(Dist::Fixed(ms)) => DefaultValue::Duration(ms).toml(),
            DefaultValue::Dist(Dist::Uniform { min_ms, max_ms }) => inline_table(&[
                ("min", DefaultValue::Duration(min_ms)),
                ("max", DefaultValue::Duration(max_ms)),
            ]),
            DefaultValue::Dist(Dist::LogNormal { median_ms, p95_ms }) => inline_table(&[
                ("median", DefaultValue::Duration(median_ms)),
                ("p95", DefaultValue::Duration(p95_ms)),
            ]),
            DefaultValue::Table(entries) => inline_table(entries),
            DefaultValue::Noted(value, _) => value.toml(),
        }
    }
}

/// `{ key = value, ... }`, quoting keys that are not bare TOML keys.
fn inline_table(entries: &[(&str, DefaultValue)]) -> String {
    let entries: Vec<String> = entries
        .iter()
        .map(|(key, value)| {
            let bare = key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            let key = if bare {
                key.to_string()
            } else {
                format!("\"{key}\"")
            };
            format!("{key} = {}", value.toml())
        })
        .collect();
    format!("{{ {} }}", entries.join(", "))
}

/// `0s`, or the duration in the largest unit that divides it: `90s`, `2m`, `8h`, `250ms`.
fn largest_unit(ms: u64) -> String {
    match ms {
        0 => "0s".to_string(),
        _ if ms % 3_600_000 == 0 => format!("{}h", ms / 3_600_000),
        _ if ms % 60_000 == 0 => format!("{}m", ms / 60_000),
        _ if ms % 1000 == 0 => format!("{}s", ms / 1000),
        _ => format!("{ms}ms"),
    }
}

const BEHAVIOUR: Behaviour = Behaviour::DEFAULT;

const fn key(path: &'static str, default: &'static str, meaning: &'static str) -> KeyDoc {
    value(path, DefaultValue::Text(default), meaning)
}

const fn value(path: &'static str, default: DefaultValue, meaning: &'static str) -> KeyDoc {
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
    value("scenario.seed", DefaultValue::Integer(Scenario::DEFAULT_SEED), "Master seed; `--seed` overrides it."),
    key("scenario.duration", "required", "Simulated time span."),
    key("scenario.start", "none", "Wall-clock instant of time 0, RFC 3339 with its offset, e.g. `\"2026-03-02T09:00:00-08:00\"`; outputs keep milliseconds since start, the story adds clock times."),
    value("scenario.series_step", DefaultValue::Duration(Scenario::DEFAULT_SERIES_STEP_MS), "Resolution of series.csv and the timeline chart."),
    key("region", "required", "AWS Regions (at least one)."),
    key("region.name", "required", "Region name, e.g. `us-west-2`."),
    value("region.launch_concurrency", DefaultValue::Noted(&DefaultValue::Integer(RegionSpec::DEFAULT_LAUNCH_CONCURRENCY as u64), "unlimited"), "Session launches in progress at once; a FIFO queue forms beyond it."),
    value("region.launch_time", DefaultValue::Dist(RegionSpec::DEFAULT_LAUNCH_TIME), "Time to launch a session (distribution)."),
    key("region.standby", "`running`", "`running`, `autostop` or `mrr`: AutoStop adds `resume_time` to a user's first launch in a non-home Region; `mrr` (Multi-Region Resilience standby WorkSpaces, kept stopped) adds `activation_time`."),
    value("region.resume_time", DefaultValue::Dist(RegionSpec::DEFAULT_RESUME_TIME), "AutoStop resume delay (distribution)."),
    value("region.activation_time", DefaultValue::Dist(RegionSpec::DEFAULT_ACTIVATION_TIME), "`standby = \"mrr\"`: time for a stopped standby WorkSpace to become usable at its first launch (AWS advises waiting 15-30 minutes after a failover)."),
    value("region.data_replication", DefaultValue::Flag(false), "`standby = \"mrr\"`: replicate the primary WorkSpaces' volumes to the standbys (snapshots), so redirected users arrive on their data, of a known age."),
    value("region.snapshot_every", DefaultValue::Duration(Replication::DEFAULT_EVERY_MS), "`data_replication`: snapshot cadence (AWS's internal schedule: 12 h)."),
    value("region.snapshot_copy", DefaultValue::Dist(Replication::DEFAULT_COPY), "`data_replication`: time until a snapshot is usable in the standby Region (12 h reproduces the documented 12-24 h data age)."),
    value("region.rpo", DefaultValue::Duration(RegionSpec::DEFAULT_RPO_MS), "Recovery point objective: users arriving on replicated data older than this count in `users_over_rpo`."),
    key("metric", "none", "CloudWatch metrics."),
    key("metric.name", "required", "Metric name."),
    key("metric.source", "required", "`canary`, `connected_users`, `login_failures` or `scripted`."),
    key("metric.region", "required", "Region whose CloudWatch stores it (its `metrics` plane)."),
    key("metric.target", "`region` (canary: required)", "Region the canary probes, or whose users are counted."),
    value("metric.resolution", DefaultValue::Seconds(MetricSpec::DEFAULT_RESOLUTION_MS), "Publishing resolution: 1s, 5s, 10s, 30s or a multiple of 60s."),
    value("metric.delay", DefaultValue::Duration(MetricSpec::DEFAULT_DELAY_MS), "Delay before a datapoint is visible to alarms."),
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
    key("health_check.type", "required", "`endpoint`, `calculated`, `alarm` or `routing_control` (an ARC routing control: healthy while On)."),
    key("health_check.target", "required (endpoint)", "Region whose `endpoint` plane is probed."),
    key("health_check.protocol", "`https`", "`http`, `https`, `http_str_match`, `https_str_match` or `tcp` (decides the probe timeout: 4 s, TCP 10 s)."),
    value("health_check.interval", DefaultValue::Duration(EndpointCheck::DEFAULT_INTERVAL_MS), "Request interval: `10s` or `30s`."),
    value("health_check.failure_threshold", DefaultValue::Integer(EndpointCheck::DEFAULT_FAILURE_THRESHOLD as u64), "Consecutive results (1-10) that flip a checker, both ways."),
    key("health_check.regions", "all 8", "Checker Regions: us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1 (Route 53 requires 3 or more)."),
    value("health_check.checkers_per_region", DefaultValue::Integer(EndpointCheck::DEFAULT_CHECKERS_PER_REGION as u64), "Checkers in each checker Region (AWS does not publish the count)."),
    key("health_check.children", "required (calculated)", "Child health checks (not calculated ones)."),
    key("health_check.healthy_threshold", "number of children", "Healthy children needed (0 = always healthy; more than the children = never)."),
    key("health_check.alarm", "required (alarm)", "The CloudWatch alarm followed (period >= 60 s, M = N)."),
    key("health_check.insufficient_data", "`last_known_status`", "Status while the alarm has insufficient data: `healthy`, `unhealthy` or `last_known_status`."),
    value("health_check.inverted", DefaultValue::Flag(false), "Flip the status."),
    value("health_check.disabled", DefaultValue::Flag(false), "Always healthy (then `inverted` flips it)."),
    key("health_check.state", "`on` (routing_control)", "A routing control's state at the start: `on` or `off`."),
    key("dns", "required", "The connection alias record."),
    key("dns.fqdn", "required", "The connection alias (FQDN)."),
    value("dns.ttl", DefaultValue::Seconds(DnsSpec::DEFAULT_TTL_MS), "Record TTL (console default 300 s; AWS advises 60 s or less with health checks)."),
    key("dns.zone", "`public`", "`public` or `private` (off-VPN users cannot resolve a private zone)."),
    value("dns.health_propagation", DefaultValue::Duration(DnsSpec::DEFAULT_HEALTH_PROPAGATION_MS), "Delay from a health status change to DNS answers (not published by AWS)."),
    value("dns.edit_propagation", DefaultValue::Seconds(DnsSpec::DEFAULT_EDIT_PROPAGATION_MS), "95th percentile of the log-normal delay (median a third of it) before a record edit reaches all name servers."),
    value("dns.control_retry", DefaultValue::Duration(DnsSpec::DEFAULT_CONTROL_RETRY_MS), "Time between attempts at a record or health-check change the Route 53 control plane (us-east-1 `control` plane) refused."),
    value("dns.control_give_up", DefaultValue::Duration(DnsSpec::DEFAULT_CONTROL_GIVE_UP_MS), "The operator abandons a refused change this long after the first attempt."),
    value("dns.accelerated_recovery", DefaultValue::Flag(false), "Route 53 accelerated recovery (public zones): changes go through us-west-2 once us-east-1's control plane has failed for 60 min."),
    key("dns.locations", "none (one global view)", "Route 53 DNS locations (names, at most 64) that resolvers (`resolver.dns_location`) can be pinned to. Each decides an endpoint check from the reports of the checkers it receives (more than 18 % of them healthy); a `dns_partition` cuts some off, so locations can answer differently."),
    key("dns.no_checker_reports", "`last_known_status`", "What a DNS location concludes about an endpoint check while it receives no report from any of its checkers: `last_known_status`, `healthy` or `unhealthy` (AWS does not say; a modelling choice)."),
    key("dns.routing", "required", "Routing policy: `{ policy = \"failover\" | \"weighted\" | \"simple\", ... }`."),
    key("dns.routing.policy", "required", "`failover`, `weighted` or `simple`."),
    key("dns.routing.primary", "required (failover)", "Primary record `{ region, health_check }`."),
    key("dns.routing.primary.region", "`identifier` or `region`", "Region whose connection identifier the record holds (shorthand; with an `[[alias]]` it must have an association); or give `identifier`."),
    key("dns.routing.primary.identifier", "`identifier` or `region`", "The TXT value: a connection identifier, mapped to a Region through the alias's associations (one matching none makes logins fail); or give `region`."),
    key("dns.routing.primary.health_check", "none", "Health check of the record."),
    key("dns.routing.secondary", "required (failover)", "Secondary record, or an array of them (chained failover)."),
    key("dns.routing.secondary.region", "`identifier` or `region`", "Region whose connection identifier the record holds (shorthand; with an `[[alias]]` it must have an association); or give `identifier`."),
    key("dns.routing.secondary.identifier", "`identifier` or `region`", "The TXT value: a connection identifier, mapped to a Region through the alias's associations (one matching none makes logins fail); or give `region`."),
    key("dns.routing.secondary.health_check", "none", "Health check of the record (without one, Route 53 always answers it when the primary is unhealthy)."),
    key("dns.routing.records", "required (weighted)", "Weighted records."),
    key("dns.routing.records.region", "`identifier` or `region`", "Region whose connection identifier the record holds (shorthand; with an `[[alias]]` it must have an association); or give `identifier`."),
    key("dns.routing.records.identifier", "`identifier` or `region`", "The TXT value: a connection identifier, mapped to a Region through the alias's associations (one matching none makes logins fail); or give `region`."),
    key("dns.routing.records.weight", "required", "Weight 0-255 (zero-weight records only when every non-zero one is unhealthy)."),
    key("dns.routing.records.health_check", "none", "Health check of the record."),
    key("dns.routing.region", "`identifier` or `region` (simple)", "The one Region of a simple record (shorthand for its connection identifier)."),
    key("dns.routing.identifier", "`identifier` or `region` (simple)", "The TXT value of a simple record: a connection identifier of the alias."),
    key("resolver", "one honouring resolver", "Recursive resolvers users go through."),
    key("resolver.name", "required", "Resolver name."),
    key("resolver.ttl_policy", "`honor`", "`honor`, `min_ttl`, `max_ttl` or `extend`."),
    key("resolver.min_ttl", "required (min_ttl)", "Floor on the cache lifetime."),
    key("resolver.max_ttl", "required (max_ttl)", "Cap on the cache lifetime."),
    value("resolver.extension", DefaultValue::Dist(TtlPolicySpec::DEFAULT_EXTENSION), "Extension added to the TTL by an `extend` resolver (distribution)."),
    value("resolver.serve_stale", DefaultValue::Noted(&DefaultValue::Duration(ResolverSpec::DEFAULT_SERVE_STALE_MS), "off"), "RFC 8767 window: stale answers only while the authoritative cannot be reached."),
    value("resolver.stale_first", DefaultValue::Flag(false), "Serve an expired answer once, refresh in the background (dnsmasq, Pi-hole)."),
    value("resolver.prefetch", DefaultValue::Flag(false), "Refresh an entry about to expire when it is used."),
    key("resolver.population", "none", "`internet`: the entry stands for many resolver instances with a documented behaviour mixture."),
    key("resolver.dns_location", "none (the global view)", "The `dns.locations` entry the resolver's queries reach (Route 53 answers from the location nearest the resolver)."),
    value("resolver.instances", DefaultValue::Integer(ResolverSpec::DEFAULT_INSTANCES as u64), "Instances of a population."),
    key("users", "required", "User groups."),
    key("users.name", "required", "Group name."),
    key("users.count", "required", "Users in the group (1 or more)."),
    key("users.home", "required", "Home Region."),
    value("users.registration", DefaultValue::Table(&[("fqdn", DefaultValue::Share(GroupSpec::DEFAULT_FQDN_SHARE))]), "Shares registered with the FQDN and with a Region code (sum to 1)."),
    value("users.registration.fqdn", DefaultValue::Share(GroupSpec::DEFAULT_FQDN_SHARE), "Share registered with the connection alias."),
    value("users.registration.region_code", DefaultValue::Share(0.0), "Share registered with a Region code (never redirected)."),
    value("users.client_versions", DefaultValue::Table(&[(GroupSpec::DEFAULT_CLIENT_VERSION, DefaultValue::Share(1.0))]), "Shares by client version (sum to 1); older than 3.0.9 never redirects."),
    key("users.resolvers", "the only resolver", "Shares by resolver name (sum to 1)."),
    value("users.on_vpn", DefaultValue::Share(GroupSpec::DEFAULT_ON_VPN), "Share on the VPN (private zones)."),
    value("users.failover_workspaces", DefaultValue::Share(GroupSpec::DEFAULT_FAILOVER_WORKSPACES), "Share with a WorkSpace in the failover Regions."),
    key("users.client_cache", "`none`", "`none`, `honor`, or a fixed lifetime such as `\"30s\"`."),
    value("users.created_in_console", DefaultValue::Flag(false), "Users created in the WorkSpaces console, which mails a Region-code invitation for every WorkSpace, failover ones included (a lint explains the risk)."),
    key("users.client_resolves", "`each_login`", "When the WorkSpaces client itself re-resolves the alias: `each_login` (every login attempt; AWS's documented re-login after an outage), `restart` (only when the client starts: every client holds its identifier until restarted) or a lifetime such as `\"15m\"` (its own cache, above `client_cache`)."),
    key("users.time_zone", "`scenario.start`'s offset", "The group's fixed UTC offset, e.g. `\"+00:00\"` (no daylight-saving rules: give the offset in force that day)."),
    key("users.working_hours", "none", "Local working hours such as `\"09:00-17:00\"`, placed from `scenario.start` in `time_zone` (replaces `schedule.start` and `schedule.session`)."),
    key("users.schedule", "see keys", "Working schedule."),
    value("users.schedule.start", DefaultValue::Duration(GroupSpec::DEFAULT_START_MS), "When the group starts logging in."),
    value("users.schedule.ramp", DefaultValue::Duration(GroupSpec::DEFAULT_RAMP_MS), "Logins spread uniformly over this span."),
    value("users.schedule.session", DefaultValue::Duration(GroupSpec::DEFAULT_SESSION_MS), "Working time after login."),
    key("users.behaviour", "see keys", "Client and user behaviour."),
    value("users.behaviour.detect_disconnect", DefaultValue::Dist(BEHAVIOUR.detect_disconnect), "Time for the client to notice a dropped session."),
    value("users.behaviour.resume_window", DefaultValue::Duration(BEHAVIOUR.resume_window_ms), "A dropped session can resume in the same Region within this window."),
    value("users.behaviour.relogin_delay", DefaultValue::Dist(BEHAVIOUR.relogin_delay), "Think time before logging in again after the error."),
    value("users.behaviour.retry_backoff", DefaultValue::Table(&[("initial", DefaultValue::Duration(BEHAVIOUR.backoff_initial_ms)), ("max", DefaultValue::Duration(BEHAVIOUR.backoff_max_ms))]), "Doubling back-off after failed logins."),
    value("users.behaviour.retry_backoff.initial", DefaultValue::Duration(BEHAVIOUR.backoff_initial_ms), "First back-off."),
    value("users.behaviour.retry_backoff.max", DefaultValue::Duration(BEHAVIOUR.backoff_max_ms), "Back-off cap."),
    value("users.behaviour.failed_login_time", DefaultValue::Dist(BEHAVIOUR.failed_login_time), "Time for a failed login to report failure."),
    value("users.behaviour.restart_probability", DefaultValue::Share(BEHAVIOUR.restart_probability), "Share of clients that keep their connection identifier until restarted."),
    value("users.behaviour.restart_after_failures", DefaultValue::Integer(BEHAVIOUR.restart_after_failures as u64), "Failed logins before such a user restarts the client."),
    value("users.behaviour.restart_time", DefaultValue::Dist(BEHAVIOUR.restart_time), "Client restart time."),
    value("users.behaviour.launch_queue_timeout", DefaultValue::Noted(&DefaultValue::Duration(BEHAVIOUR.launch_queue_timeout_ms), "0 = never"), "Time a login waits in a launch queue before the user gives up and logs in again (following DNS afresh); 0 = waits for ever."),
    value("users.behaviour.reauth_every", DefaultValue::Noted(&DefaultValue::Duration(BEHAVIOUR.reauth_every_ms), "never"), "Periodic re-authentication, e.g. SAML `60m`."),
    key("directory", "none", "The directory each Region's WorkSpaces authenticate against (at most one per Region); without one, identity never fails."),
    key("directory.name", "required", "Directory name (a `directory_outage` target)."),
    key("directory.region", "required", "Region whose WorkSpaces use it."),
    key("directory.type", "required", "`ad_connector` (forwards to an on-premises Active Directory over the Region's VPN or Direct Connect link) or `managed` (a directory in the Region)."),
    key("directory.on_premises", "`on-premises`", "`ad_connector`: the on-premises directory it forwards to; AD Connectors naming the same one share it (a `directory_outage` target)."),
    value("directory.saml", DefaultValue::Flag(false), "Logins go through a SAML 2.0 identity provider (an `idp_outage` fails them)."),
    value("directory.saml_session", DefaultValue::Duration(DirectorySpec::DEFAULT_SAML_SESSION_MS), "SAML `SessionDuration`: sessions in this Region re-authenticate (and follow DNS) this often, in place of `reauth_every`."),
    key("event", "none", "Faults and operator actions."),
    key("event.name", "required", "Event name."),
    key("event.kind", "required", "`region_outage`, `checker_partition`, `dns_outage`, `resolver_outage`, `set_record`, `disable_health_check`, `invert_health_check`, `disconnect_users`, `domain_lapse`, `directory_outage`, `idp_outage`, `network_outage`, `set_routing_control`, `arc_outage` or `dns_partition`."),
    key("event.at", "required", "Start."),
    key("event.duration", "lasts to the end", "Length of a fault or reverting action (or give `until`)."),
    key("event.until", "lasts to the end", "End of a fault or reverting action (or give `duration`)."),
    key("event.region", "required (region_outage, set_record, disconnect_users, network_outage)", "Region concerned (`network_outage`: its VPN / Direct Connect link to on-premises)."),
    key("event.planes", "all four", "`region_outage`: `sessions`, `logins`, `endpoint`, `metrics`; `control` (the Route 53 control plane, us-east-1 only) when listed."),
    value("event.severity", DefaultValue::Share(EventSpec::DEFAULT_SEVERITY), "`region_outage`: fraction of requests failing, in (0, 1]."),
    key("event.probe_failure", "`refused`", "`region_outage`: how the failing endpoint answers health-check probes: `timeout` (no connection: 4 s, TCP 10 s), `refused` (at once), `http_5xx` (at once; passes a TCP check), `hang` (connects, no response: fails after 2 s; passes a TCP check)."),
    key("event.checker_regions", "required (checker_partition, dns_partition)", "Checker Regions cut off (`checker_partition`: from `target`; `dns_partition`: from `dns_locations`)."),
    key("event.dns_locations", "required (dns_partition)", "`dns_partition`: DNS locations (of `dns.locations`) that stop receiving the reports of the checkers in `checker_regions`."),
    key("event.target", "required (checker_partition)", "Region they cannot reach."),
    key("event.resolver", "required (resolver_outage)", "Resolver that fails."),
    key("event.health_check", "required (disable/invert, set_routing_control)", "Health check concerned (`set_routing_control`: a `routing_control` check)."),
    key("event.directory", "required (directory_outage)", "A `[[directory]]` name (that Region's directory) or an `on_premises` name (every AD Connector forwarding to it: failover cannot help)."),
    value("event.hijacked", DefaultValue::Flag(EventSpec::DEFAULT_HIJACKED), "`domain_lapse`: a stranger controls the domain."),
    key("event.state", "required (set_routing_control)", "`on` or `off`: the routing control's new state, committed through the ARC cluster (retried every `dns.control_retry` while fewer than 3 of its 5 Regions are reachable; refused for good if `arc.min_on` would break). Independent of the Route 53 control plane."),
    key("event.cluster_regions", "required (arc_outage)", "`arc_outage`: ARC cluster Regions (of `arc.cluster_regions`) whose endpoints are unreachable."),
    key("expect", "none", "Bounds on summary metrics (exit 1 when one fails)."),
    key(
        "expect.metric",
        "required",
        "Any summary.csv metric, or one of a cohort of cohorts.csv: `downtime_p95_ms{redirect=redirectable}`.",
    ),
    key("expect.min", "none", "Lower bound (durations allowed for `*_ms` metrics)."),
    key("expect.max", "none", "Upper bound (durations allowed for `*_ms` metrics)."),
    key("cost", "none (default prices)", "Prices in US dollars of what the failover configuration uses (US East list prices, 2025: aws.amazon.com/workspaces/pricing, /route53/pricing, /cloudwatch/pricing); `cost_monthly_usd` and `cost_incident_usd` in summary.csv."),
    key("cost.workspaces", "from the Region's `standby`", "Billing of failover WorkSpaces: `always_on`, `auto_stop` or `standby` (Multi-Region Resilience); without it `running` is AlwaysOn and `autostop` AutoStop."),
    value("cost.always_on_monthly", DefaultValue::Share(CostSpec::DEFAULT_ALWAYS_ON_MONTHLY), "AlwaysOn WorkSpace per month (Standard bundle, Windows, 80 GB + 50 GB)."),
    value("cost.auto_stop_monthly", DefaultValue::Share(CostSpec::DEFAULT_AUTO_STOP_MONTHLY), "AutoStop WorkSpace per month (same bundle)."),
    value("cost.auto_stop_hourly", DefaultValue::Share(CostSpec::DEFAULT_AUTO_STOP_HOURLY), "AutoStop WorkSpace per running hour (charged while users work away from home)."),
    key("cost.standby_monthly", "required for `standby`", "Standby WorkSpace fixed fee per month (no published default)."),
    key("cost.standby_hourly", "required for `standby`", "Standby WorkSpace fee per hour in use (no published default)."),
    value("cost.health_check_monthly", DefaultValue::Share(CostSpec::DEFAULT_HEALTH_CHECK_MONTHLY), "Route 53 health check per month (basic, AWS endpoint; calculated and alarm checks too)."),
    value("cost.health_check_option_monthly", DefaultValue::Share(CostSpec::DEFAULT_HEALTH_CHECK_OPTION_MONTHLY), "Each optional feature of an endpoint check per month: HTTPS, string matching, fast (10 s) interval."),
    value("cost.alarm_monthly", DefaultValue::Share(CostSpec::DEFAULT_ALARM_MONTHLY), "CloudWatch alarm per month (standard resolution)."),
    value("cost.alarm_high_resolution_monthly", DefaultValue::Share(CostSpec::DEFAULT_ALARM_HIGH_RESOLUTION_MONTHLY), "CloudWatch alarm per month with a period under 60 s."),
    value("cost.downtime_hourly", DefaultValue::Share(CostSpec::DEFAULT_DOWNTIME_HOURLY), "What one hour of one user's downtime costs you; added to `cost_incident_usd`."),
    key("alias", "none", "The WorkSpaces connection alias of `dns.fqdn` (at most one); without it, records name Regions."),
    key("alias.connection_string", "required", "The alias's FQDN: 1-255 letters, digits, `.` and `-`; must equal `dns.fqdn`."),
    key("alias.owner_account", "required", "12-digit account that created the alias in every Region."),
    key("alias.shared_account", "none", "The one other 12-digit account the alias is shared with."),
    key("alias.association", "none", "Associations: at most one directory per Region, by the owner or the shared account (not both)."),
    key("alias.association.region", "required", "Region of the directory; must have WorkSpaces for the users; not `us-gov-west-1` or `cn-northwest-1` (no redirection there)."),
    key("alias.association.directory", "required", "Directory id: `d-` and 8-63 hex digits, or `wsd-` and 8-63 letters and digits."),
    key("alias.association.connection_identifier", "required", "1-20 letters and digits; the TXT value that sends clients to this Region."),
    key("alias.association.account", "`owner_account`", "Account that associated it: the owner or the shared account."),
    key("arc", "defaults", "The Route 53 Application Recovery Controller cluster behind `routing_control` checks."),
    key("arc.cluster_regions", "`us-east-1`, `us-west-2`, `eu-west-1`, `ap-northeast-1`, `ap-southeast-2`", "The five distinct Regions of the cluster's endpoints; a routing-control change needs a majority (3) of them reachable."),
    value("arc.min_on", DefaultValue::Integer(ArcSpec::DEFAULT_MIN_ON as u64), "Assertion safety rule: at least this many routing controls stay On (ARC `ATLEAST`); a change that would break it is refused; 0 = no rule."),
];

/// The reference as markdown table rows (`| key | default | meaning |`), for the README.
/// The key reference as a whole markdown table, header row first (`failsim schema
/// --markdown`), exactly as the README shows it.
pub fn markdown_table() -> String {
    format!("{MARKDOWN_HEADER}{}", markdown_rows())
}

/// The header and separator rows of [`markdown_table`].
pub const MARKDOWN_HEADER: &str = "| key | default | meaning |\n|---|---|---|\n";

/// The rows of [`markdown_table`], without its header.
pub fn markdown_rows() -> String {
    KEYS.iter()
        .map(|k| format!("| `{}` | {} | {} |\n", k.path, k.default_text(), k.meaning))
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
        // The whole table, header row included, as `schema --markdown` prints it.
        assert!(
            readme.contains(&markdown_table()),
            "README.md's reference table differs from `failsim schema --markdown`"
        );
    }

    #[test]
    fn defaults_render_in_the_units_the_reference_uses() {
        assert_eq!(largest_unit(0), "0s");
        assert_eq!(largest_unit(90_000), "90s");
        assert_eq!(largest_unit(120_000), "2m");
        assert_eq!(largest_unit(8 * 3_600_000), "8h");
        assert_eq!(largest_unit(250), "250ms");
        assert_eq!(DefaultValue::Seconds(300_000).render(), "`300s`");
        assert_eq!(DefaultValue::Share(0.0).render(), "0");
        assert_eq!(DefaultValue::Share(1.0).render(), "1.0");
        assert_eq!(
            DefaultValue::Noted(&DefaultValue::Duration(0), "off").render(),
            "`0s` (off)"
        );
        assert_eq!(
            DefaultValue::Table(&[("5.22.0", DefaultValue::Share(1.0))]).render(),
            "`{ \"5.22.0\" = 1.0 }`"
        );
        assert_eq!(
            DefaultValue::Dist(Dist::Uniform {
                min_ms: 30_000,
                max_ms: 90_000
            })
            .render(),
            "`{ min = \"30s\", max = \"90s\" }`"
        );
    }

    #[test]
    fn the_default_column_comes_from_the_constants_validation_applies() {
        let default_of = |path: &str| KEYS.iter().find(|k| k.path == path).unwrap().default_text();
        assert_eq!(
            default_of("dns.ttl"),
            format!("`{}s`", DnsSpec::DEFAULT_TTL_MS / 1000)
        );
        assert_eq!(
            default_of("users.schedule.ramp"),
            format!("`{}m`", GroupSpec::DEFAULT_RAMP_MS / 60_000)
        );
        assert_eq!(
            default_of("resolver.instances"),
            ResolverSpec::DEFAULT_INSTANCES.to_string()
        );
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
