//! Raw scenario structs: a mirror of the TOML file (README, Scenario format), nothing more.
//!
//! Every table denies unknown keys. Values stay as written (durations are strings, references
//! are names); validation turns them into a [`super::Scenario`] in one pass. Defaults are
//! constants on the validated types in [`super::spec`], so they live in one place. The one
//! rule table kept here is [`EVENT_KINDS`]: which keys each event kind takes, whether it is a
//! fault and whether it reverts.
//!
//! Field docs are omitted on purpose: each field is the file key of the same name, documented
//! in the README's scenario reference and in `failsim schema`.
#![allow(missing_docs)]

mod event_kinds;
pub use event_kinds::{EventKindRow, EVENT_KEYS, EVENT_KINDS};

use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub scenario: RawMeta,
    #[serde(default)]
    pub region: Vec<RawRegion>,
    #[serde(default)]
    pub metric: Vec<RawMetric>,
    #[serde(default)]
    pub alarm: Vec<RawAlarm>,
    #[serde(default)]
    pub health_check: Vec<RawHealthCheck>,
    pub dns: RawDns,
    #[serde(default)]
    pub resolver: Vec<RawResolver>,
    #[serde(default)]
    pub directory: Vec<RawDirectory>,
    #[serde(default)]
    pub users: Vec<RawUsers>,
    #[serde(default)]
    pub event: Vec<RawEvent>,
    #[serde(default)]
    pub expect: Vec<RawExpect>,
    #[serde(default)]
    pub alias: Vec<RawAlias>,
    pub arc: Option<RawArc>,
    pub cost: Option<RawCost>,
}

/// `[arc]`: the Route 53 Application Recovery Controller cluster behind `routing_control`
/// health checks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArc {
    pub cluster_regions: Option<Vec<String>>,
    pub min_on: Option<u32>,
}

/// A routing control's state.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RoutingControlState {
    On,
    Off,
}

/// `[scenario]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub name: String,
    pub seed: Option<u64>,
    pub duration: String,
    pub series_step: Option<String>,
    pub start: Option<String>,
}

/// A duration distribution: a fixed `"40s"`, `{ min, max }` (uniform) or `{ median, p95 }`
/// (log-normal).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "a duration such as \"40s\", a table { min = \"..\", max = \"..\" } (uniform) or { median = \"..\", p95 = \"..\" } (log-normal)"
)]
pub enum RawDist {
    Fixed(String),
    Table(RawDistTable),
}

/// Table form of [`RawDist`].
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDistTable {
    pub min: Option<String>,
    pub max: Option<String>,
    pub median: Option<String>,
    pub p95: Option<String>,
}

/// `[[region]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    pub name: String,
    pub launch_concurrency: Option<u32>,
    pub launch_time: Option<RawDist>,
    pub standby: Option<Standby>,
    pub resume_time: Option<RawDist>,
    pub activation_time: Option<RawDist>,
    pub data_replication: Option<bool>,
    pub snapshot_every: Option<String>,
    pub snapshot_copy: Option<RawDist>,
    pub rpo: Option<String>,
}

/// State of standby WorkSpaces in a failover Region.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Standby {
    Running,
    Autostop,
    /// Multi-Region Resilience standby WorkSpaces: kept stopped, activated at first use.
    Mrr,
}

/// `[[metric]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    pub name: String,
    pub source: MetricSource,
    pub region: String,
    pub target: Option<String>,
    pub resolution: Option<String>,
    pub delay: Option<String>,
    pub datapoints: Option<Vec<RawDatapoint>>,
}

/// Where a metric's values come from.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MetricSource {
    Canary,
    ConnectedUsers,
    LoginFailures,
    Scripted,
}

/// One scripted datapoint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDatapoint {
    pub at: String,
    pub value: f64,
}

/// `[[alarm]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAlarm {
    pub name: String,
    pub metric: String,
    pub statistic: Option<RawStatistic>,
    pub period: String,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: Option<u32>,
    pub comparison: RawComparison,
    pub threshold: f64,
    pub treat_missing_data: Option<RawTreatMissingData>,
}

/// CloudWatch statistic.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawStatistic {
    Average,
    Minimum,
    Maximum,
    Sum,
    SampleCount,
}

/// CloudWatch comparison operator.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawComparison {
    LessThanThreshold,
    LessThanOrEqualToThreshold,
    GreaterThanThreshold,
    GreaterThanOrEqualToThreshold,
}

/// CloudWatch `TreatMissingData`.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RawTreatMissingData {
    Missing,
    NotBreaching,
    Breaching,
    Ignore,
}

/// `[[health_check]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHealthCheck {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: HealthCheckKind,
    pub target: Option<String>,
    pub protocol: Option<Protocol>,
    pub interval: Option<String>,
    pub failure_threshold: Option<u32>,
    pub regions: Option<Vec<String>>,
    pub checkers_per_region: Option<u32>,
    pub children: Option<Vec<String>>,
    pub healthy_threshold: Option<u32>,
    pub alarm: Option<String>,
    pub insufficient_data: Option<InsufficientData>,
    pub inverted: Option<bool>,
    pub disabled: Option<bool>,
    pub state: Option<RoutingControlState>,
}

/// Route 53 health-check type.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HealthCheckKind {
    Endpoint,
    Calculated,
    Alarm,
    RoutingControl,
}

/// Endpoint health-check protocol (decides the probe timeout; Route 53 guide,
/// <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html>).
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    Http,
    Https,
    HttpStrMatch,
    HttpsStrMatch,
    Tcp,
}

/// How a failing endpoint answers a Route 53 health checker's probe (a fault's
/// `probe_failure`); the time each takes and what each protocol makes of it is the rule in
/// `model::health::probe_outcome`.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProbeFailure {
    /// Nothing answers: the TCP connection is not established within the connect timeout.
    Timeout,
    /// The connection is refused at once (a reset, or nothing listening).
    Refused,
    /// The connection succeeds and the endpoint answers 5xx at once (a load balancer
    /// without healthy targets answering 503).
    #[serde(rename = "http_5xx")]
    Http5xx,
    /// The connection succeeds and no response ever comes.
    Hang,
}

/// `InsufficientDataHealthStatus` of an alarm health check.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum InsufficientData {
    Healthy,
    Unhealthy,
    LastKnownStatus,
}

/// `[dns]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDns {
    pub fqdn: String,
    pub ttl: Option<String>,
    pub zone: Option<Zone>,
    pub health_propagation: Option<String>,
    pub edit_propagation: Option<String>,
    pub control_retry: Option<String>,
    pub control_give_up: Option<String>,
    pub accelerated_recovery: Option<bool>,
    pub routing: RawRouting,
    pub locations: Option<Vec<String>>,
    pub no_checker_reports: Option<InsufficientData>,
}

/// Hosted-zone visibility.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Zone {
    Public,
    Private,
}

/// `dns.routing`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(tag = "policy", rename_all = "snake_case", deny_unknown_fields)]
pub enum RawRouting {
    Failover {
        primary: RawRecord,
        secondary: OneOrMany<RawRecord>,
    },
    Weighted {
        records: Vec<RawWeightedRecord>,
    },
    Simple {
        region: Option<String>,
        identifier: Option<String>,
    },
}

/// A single table or an array of tables (failover secondaries chain).
///
/// Deserialised by hand rather than `#[serde(untagged)]`: an untagged enum replaces the
/// error inside the table (an unknown key, a wrong type) with its own "did not match", so
/// the user would not learn which field is wrong.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visit<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a record table or an array of record tables for `secondary`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(OneOrMany::Many)
            }
        }
        d.deserialize_any(Visit(std::marker::PhantomData))
    }
}

impl<T> OneOrMany<T> {
    /// The records in file order.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(t) => std::slice::from_ref(t),
            OneOrMany::Many(v) => v,
        }
    }
}

/// A failover record.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRecord {
    pub region: Option<String>,
    pub identifier: Option<String>,
    pub health_check: Option<String>,
}

/// A weighted record.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWeightedRecord {
    pub region: Option<String>,
    pub identifier: Option<String>,
    pub weight: u32,
    pub health_check: Option<String>,
}

/// `[[resolver]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawResolver {
    pub name: String,
    pub ttl_policy: Option<TtlPolicy>,
    pub min_ttl: Option<String>,
    pub max_ttl: Option<String>,
    pub extension: Option<RawDist>,
    pub serve_stale: Option<String>,
    pub stale_first: Option<bool>,
    pub prefetch: Option<bool>,
    pub population: Option<String>,
    pub instances: Option<u32>,
    pub dns_location: Option<String>,
}

/// How a resolver treats the record TTL.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TtlPolicy {
    Honor,
    MinTtl,
    Extend,
    MaxTtl,
}

/// `[[directory]]`: the directory WorkSpaces in one Region authenticate against.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDirectory {
    pub name: String,
    pub region: String,
    #[serde(rename = "type")]
    pub kind: DirectoryType,
    pub on_premises: Option<String>,
    pub saml: Option<bool>,
    pub saml_session: Option<String>,
}

/// How a Region's directory reaches its users' identities.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryType {
    /// AD Connector: forwards to an on-premises Active Directory over VPN or Direct Connect.
    AdConnector,
    /// A directory in the Region itself (AWS Managed Microsoft AD, Simple AD).
    Managed,
}

/// `[[users]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawUsers {
    pub name: String,
    pub count: i64,
    pub home: String,
    pub registration: Option<RawRegistration>,
    pub client_versions: Option<BTreeMap<String, f64>>,
    pub resolvers: Option<BTreeMap<String, f64>>,
    pub on_vpn: Option<f64>,
    pub failover_workspaces: Option<f64>,
    pub client_cache: Option<String>,
    pub client_resolves: Option<String>,
    pub schedule: Option<RawSchedule>,
    pub time_zone: Option<String>,
    pub working_hours: Option<String>,
    pub behaviour: Option<RawBehaviour>,
    pub created_in_console: Option<bool>,
}

/// Shares of registration kinds.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegistration {
    pub fqdn: Option<f64>,
    pub region_code: Option<f64>,
}

/// Working schedule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSchedule {
    pub start: Option<String>,
    pub ramp: Option<String>,
    pub session: Option<String>,
}

/// `[users.behaviour]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBehaviour {
    pub detect_disconnect: Option<RawDist>,
    pub resume_window: Option<String>,
    pub relogin_delay: Option<RawDist>,
    pub retry_backoff: Option<RawBackoff>,
    pub restart_probability: Option<f64>,
    pub restart_after_failures: Option<u32>,
    pub restart_time: Option<RawDist>,
    pub reauth_every: Option<String>,
    pub failed_login_time: Option<RawDist>,
    pub launch_queue_timeout: Option<String>,
}

/// Retry back-off after failed logins.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBackoff {
    pub initial: String,
    pub max: String,
}

/// `[[event]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub name: String,
    pub kind: EventKind,
    pub at: String,
    pub duration: Option<String>,
    pub until: Option<String>,
    pub region: Option<String>,
    pub planes: Option<Vec<Plane>>,
    pub severity: Option<f64>,
    pub checker_regions: Option<Vec<String>>,
    pub target: Option<String>,
    pub resolver: Option<String>,
    pub health_check: Option<String>,
    pub hijacked: Option<bool>,
    pub probe_failure: Option<ProbeFailure>,
    pub directory: Option<String>,
    pub state: Option<RoutingControlState>,
    pub cluster_regions: Option<Vec<String>>,
    pub dns_locations: Option<Vec<String>>,
}

/// Event kinds (faults and operator actions).
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    RegionOutage,
    CheckerPartition,
    DnsOutage,
    ResolverOutage,
    SetRecord,
    DisableHealthCheck,
    InvertHealthCheck,
    DisconnectUsers,
    DomainLapse,
    DirectoryOutage,
    IdpOutage,
    NetworkOutage,
    SetRoutingControl,
    ArcOutage,
    DnsPartition,
}

/// Independent failure planes of a Region (README, Model: Regions and faults).
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Plane {
    Sessions,
    Logins,
    Endpoint,
    Metrics,
    /// The Route 53 control plane (record and health-check changes); us-east-1 only.
    Control,
}

/// `[[expect]]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub metric: String,
    pub min: Option<NumberOrDuration>,
    pub max: Option<NumberOrDuration>,
}

/// A bound: a number, or a duration string for `*_ms` metrics.
#[derive(Debug, Deserialize, JsonSchema, Clone)]
#[serde(untagged, expecting = "a number, or a duration string such as \"15m\"")]
pub enum NumberOrDuration {
    Int(i64),
    Float(f64),
    Text(String),
}

/// `[[alias]]`: a WorkSpaces connection alias and its associations, one per Region.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAlias {
    pub connection_string: String,
    pub owner_account: String,
    pub shared_account: Option<String>,
    #[serde(default)]
    pub association: Vec<RawAssociation>,
}

/// `[[alias.association]]`: the alias associated with one directory in one Region.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAssociation {
    pub region: String,
    pub directory: String,
    pub connection_identifier: String,
    pub account: Option<String>,
}

/// `[cost]`: prices (USD) of what the failover configuration uses.
#[derive(Debug, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RawCost {
    pub workspaces: Option<Billing>,
    pub always_on_monthly: Option<f64>,
    pub auto_stop_monthly: Option<f64>,
    pub auto_stop_hourly: Option<f64>,
    pub standby_monthly: Option<f64>,
    pub standby_hourly: Option<f64>,
    pub health_check_monthly: Option<f64>,
    pub health_check_option_monthly: Option<f64>,
    pub alarm_monthly: Option<f64>,
    pub alarm_high_resolution_monthly: Option<f64>,
    pub downtime_hourly: Option<f64>,
}

/// How the WorkSpaces users hold in failover Regions are billed.
#[derive(Debug, Deserialize, JsonSchema, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    AlwaysOn,
    AutoStop,
    Standby,
}
