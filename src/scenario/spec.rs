//! The validated scenario: [`Scenario`] and the types it holds. Names are resolved to indices,
//! durations are milliseconds and every value is in range, so the simulator looks nothing up
//! and checks nothing again. Each default is defined once, here, as a constant or a `Default`
//! on the type that holds it; validation applies it and the key reference renders it.

use super::raw::{
    EventKind, InsufficientData, MetricSource, Plane, ProbeFailure, Protocol, Standby, Zone,
};
use crate::dist::Dist;
use crate::model::alarm::{AlarmSpec, Statistic, TreatMissingData};

mod alias;
mod arc;
mod events;
mod users;
pub use alias::{AliasSpec, AssociationSpec, NO_REDIRECTION_REGIONS};
pub use arc::ArcSpec;
pub use events::{EventAction, EventSpec, PlaneSet};
pub use users::{Behaviour, ClientCache, ClientResolves, ClientVersion, GroupSpec};

/// Route 53 health-checker Regions (the `HealthCheckRegion` enum of
/// <https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html>). Endpoint
/// checks use all eight
/// unless `regions` narrows them.
pub const CHECKER_REGIONS: [&str; 8] = [
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
];

/// The first WorkSpaces client version that follows FQDN redirection
/// (<https://docs.aws.amazon.com/workspaces/latest/adminguide/cross-region-redirection.html>).
pub const MIN_REDIRECT_CLIENT: (u32, u32, u32) = (3, 0, 9);

/// A validated scenario, ready to simulate.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// `scenario.name`.
    pub name: String,
    /// `scenario.seed` (default 1); `--seed` overrides it.
    pub seed: u64,
    /// `scenario.duration`.
    pub duration_ms: u64,
    /// `scenario.start`: the wall-clock instant of time 0 (RFC 3339 with offset), if given.
    /// Outputs keep milliseconds since start; stories add clock times from it.
    pub start: Option<crate::time::Instant>,
    /// `scenario.series_step` (default 10 s): resolution of `series.csv` and charts.
    pub series_step_ms: u64,
    /// Regions in file order.
    pub regions: Vec<RegionSpec>,
    /// Metrics in file order.
    pub metrics: Vec<MetricSpec>,
    /// Alarms in file order.
    pub alarms: Vec<MetricAlarm>,
    /// Health checks in file order.
    pub health_checks: Vec<HealthCheckSpec>,
    /// The record.
    pub dns: DnsSpec,
    /// Resolvers in file order (an implicit honouring resolver `default` when none is given).
    pub resolvers: Vec<ResolverSpec>,
    /// Directories in file order (at most one per Region; none = identity never fails).
    pub directories: Vec<DirectorySpec>,
    /// The on-premises directories AD Connectors forward to, by name, in first-use order.
    pub on_premises: Vec<String>,
    /// User groups in file order.
    pub groups: Vec<GroupSpec>,
    /// Faults and operator actions, sorted by start time (ties: file order).
    pub events: Vec<EventSpec>,
    /// `[[expect]]` bounds.
    pub expectations: Vec<Expectation>,
    /// The connection alias of `dns.fqdn` (`[[alias]]`), if the scenario describes it.
    pub alias: Option<AliasSpec>,
    /// The ARC cluster and safety rule behind routing controls (`[arc]`; defaults when absent).
    pub arc: ArcSpec,
    /// `[cost]`: prices of the failover configuration (defaults when absent).
    pub cost: crate::cost::CostSpec,
}

impl Scenario {
    /// `scenario.seed` when not given.
    pub const DEFAULT_SEED: u64 = 1;
    /// `scenario.series_step` when not given.
    pub const DEFAULT_SERIES_STEP_MS: u64 = 10_000;
    /// The longest `scenario.duration`: 366 days. A failover scenario follows an incident
    /// over hours or days; a year covers any weekly or seasonal schedule around it, and every
    /// longer run is bounded anyway by the work estimate (`model::budget`).
    pub const MAX_DURATION_MS: u64 = 366 * 86_400_000;

    /// Total number of users.
    pub fn user_count(&self) -> u64 {
        self.groups.iter().map(|g| u64::from(g.count)).sum()
    }

    /// Whether any event is a fault.
    pub fn has_faults(&self) -> bool {
        self.events.iter().any(|e| e.action.is_fault())
    }

    /// The directory WorkSpaces in `region` authenticate against, if any.
    pub fn directory_of(&self, region: usize) -> Option<usize> {
        self.directories.iter().position(|d| d.region == region)
    }

    /// Index of the Region named `name`.
    pub fn region_index(&self, name: &str) -> Option<usize> {
        self.regions.iter().position(|r| r.name == name)
    }
}

/// `[[region]]`.
#[derive(Clone, Debug)]
pub struct RegionSpec {
    /// Region name, e.g. `us-west-2`.
    pub name: String,
    /// Session launches in progress at once; 0 (default) = unlimited.
    pub launch_concurrency: u32,
    /// Time to launch (or resume) a session (default log-normal, median 40 s, p95 2 min).
    pub launch_time: Dist,
    /// Standby WorkSpaces state (default `running`).
    pub standby: Standby,
    /// Extra time to start an AutoStop WorkSpace (default uniform 30 s - 90 s).
    pub resume_time: Dist,
    /// Extra time before a Multi-Region Resilience standby WorkSpace is usable at its first
    /// launch (default uniform 15-30 min: AWS advises waiting 15-30 minutes after a failover
    /// before connecting).
    pub activation_time: Dist,
    /// Data replication to the standby WorkSpaces (`standby = "mrr"` only), if on.
    pub replication: Option<Replication>,
    /// Recovery point objective: users arriving on data older than this are counted
    /// (`users_over_rpo`; default 24 h, the top of AWS's published 12-24 h).
    pub rpo_ms: u64,
}

/// Multi-Region Resilience data replication: EBS snapshots of the primary WorkSpace's volumes
/// on a fixed cadence, each usable in the standby Region once copied
/// (<https://docs.aws.amazon.com/workspaces/latest/adminguide/multi-region-resilience.html>).
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    /// Snapshot cadence (default 12 h; AWS's internal schedule).
    pub every_ms: u64,
    /// Time from a snapshot until it is usable in the standby Region (default 12 h: with a
    /// 12 h cadence this reproduces the documented 12-24 h data age).
    pub copy: Dist,
}

impl Replication {
    /// `snapshot_every` when not given: 12 h.
    pub const DEFAULT_EVERY_MS: u64 = 12 * 3_600_000;
    /// `snapshot_copy` when not given: 12 h.
    pub const DEFAULT_COPY: Dist = Dist::Fixed(12 * 3_600_000);
}

impl RegionSpec {
    /// `launch_concurrency` when not given: unlimited.
    pub const DEFAULT_LAUNCH_CONCURRENCY: u32 = 0;
    /// `launch_time` when not given: log-normal, median 40 s, p95 2 min.
    pub const DEFAULT_LAUNCH_TIME: Dist = Dist::LogNormal {
        median_ms: 40_000,
        p95_ms: 120_000,
    };
    /// `standby` when not given.
    pub const DEFAULT_STANDBY: Standby = Standby::Running;
    /// `resume_time` when not given: uniform 30 s - 90 s.
    pub const DEFAULT_RESUME_TIME: Dist = Dist::Uniform {
        min_ms: 30_000,
        max_ms: 90_000,
    };
    /// `activation_time` when not given: uniform 15-30 min.
    pub const DEFAULT_ACTIVATION_TIME: Dist = Dist::Uniform {
        min_ms: 15 * 60_000,
        max_ms: 30 * 60_000,
    };
    /// `rpo` when not given: 24 h.
    pub const DEFAULT_RPO_MS: u64 = 24 * 3_600_000;
}

/// `[[directory]]`: identity for the WorkSpaces of one Region (AWS: an alias is associated
/// with at most one directory per Region).
#[derive(Clone, Debug)]
pub struct DirectorySpec {
    /// Name.
    pub name: String,
    /// Region whose WorkSpaces use it.
    pub region: usize,
    /// AD Connector (to an on-premises AD) or a managed directory.
    pub kind: DirectoryKind,
    /// SAML 2.0 session duration when SAML is on: sessions re-authenticate (and follow DNS)
    /// this often; `None` = SAML off.
    pub saml_session_ms: Option<u64>,
}

impl DirectorySpec {
    /// `on_premises` when not given: one shared on-premises directory.
    pub const DEFAULT_ON_PREMISES: &'static str = "on-premises";
    /// `saml_session` when not given: AWS's 60 minutes when the IdP sends no
    /// `SessionDuration` (<https://docs.aws.amazon.com/workspaces/latest/adminguide/setting-up-saml.html>).
    pub const DEFAULT_SAML_SESSION_MS: u64 = 60 * 60_000;
}

/// What a directory is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectoryKind {
    /// AD Connector forwarding to `on_premises` (index into `Scenario::on_premises`) over the
    /// Region's VPN or Direct Connect link.
    AdConnector {
        /// On-premises directory.
        on_premises: usize,
    },
    /// A directory living in the Region.
    Managed,
}

/// What a `directory_outage` takes down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirectoryTarget {
    /// One Region's directory (its AD Connector or managed directory).
    Directory(usize),
    /// An on-premises directory, behind every AD Connector that forwards to it.
    OnPremises(usize),
}

/// `[[metric]]`.
#[derive(Clone, Debug)]
pub struct MetricSpec {
    /// Name.
    pub name: String,
    /// Source of values.
    pub source: MetricSource,
    /// Region whose CloudWatch stores it.
    pub region: usize,
    /// Region observed: the canary's target, or whose users are counted (default: `region`).
    pub target: Option<usize>,
    /// Publishing resolution (default 60 s).
    pub resolution_ms: u64,
    /// Delay before a datapoint is visible to alarms (default 0 s).
    pub delay_ms: u64,
    /// Scripted datapoints `(at_ms, value)`, sorted by time.
    pub datapoints: Vec<(u64, f64)>,
}

impl MetricSpec {
    /// `resolution` when not given: CloudWatch's standard resolution.
    pub const DEFAULT_RESOLUTION_MS: u64 = 60_000;
    /// `delay` when not given.
    pub const DEFAULT_DELAY_MS: u64 = 0;
}

/// `[[alarm]]`: a CloudWatch metric alarm on one of the scenario's metrics.
#[derive(Clone, Debug)]
pub struct MetricAlarm {
    /// Name.
    pub name: String,
    /// Metric index.
    pub metric: usize,
    /// Period, N, M, statistic, comparison, threshold and missing-data treatment, within
    /// CloudWatch's limits ([`AlarmSpec::violations`] is empty).
    pub rule: AlarmSpec,
}

impl MetricAlarm {
    /// `statistic` when not given.
    pub const DEFAULT_STATISTIC: Statistic = Statistic::Average;
    /// `treat_missing_data` when not given (CloudWatch's own default).
    pub const DEFAULT_TREAT_MISSING_DATA: TreatMissingData = TreatMissingData::Missing;
}

/// `[[health_check]]`.
#[derive(Clone, Debug)]
pub struct HealthCheckSpec {
    /// Name.
    pub name: String,
    /// What it watches.
    pub kind: HealthCheckType,
    /// `inverted` (default false): status flipped.
    pub inverted: bool,
    /// `disabled` (default false): always healthy.
    pub disabled: bool,
}

impl HealthCheckSpec {
    /// `insufficient_data` of an alarm check when not given (Route 53's default).
    pub const DEFAULT_INSUFFICIENT_DATA: InsufficientData = InsufficientData::LastKnownStatus;
}

/// Type-specific health-check settings.
#[derive(Clone, Debug)]
pub enum HealthCheckType {
    /// Probes a Region's endpoint plane from checker Regions.
    Endpoint(EndpointCheck),
    /// Healthy iff at least `healthy_threshold` children are healthy.
    Calculated {
        /// Child check indices.
        children: Vec<usize>,
        /// Required healthy children.
        healthy_threshold: u32,
    },
    /// Follows a CloudWatch alarm's data.
    Alarm {
        /// Alarm index.
        alarm: usize,
        /// Status while the alarm has insufficient data.
        insufficient_data: InsufficientData,
    },
    /// A Route 53 ARC routing control: healthy while On, unhealthy while Off; changed by
    /// `set_routing_control` through the ARC cluster.
    RoutingControl {
        /// State at the start (`state`, default On).
        initially_on: bool,
    },
}

/// Endpoint health-check settings
/// (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html>).
#[derive(Clone, Debug)]
pub struct EndpointCheck {
    /// Region whose `endpoint` plane is probed.
    pub target: usize,
    /// Protocol (default https).
    pub protocol: Protocol,
    /// Request interval, 10 s or 30 s (default 30 s).
    pub interval_ms: u64,
    /// Consecutive results to flip a checker, 1-10 (default 3).
    pub failure_threshold: u32,
    /// Indices into [`CHECKER_REGIONS`] (default all eight).
    pub checker_regions: Vec<usize>,
    /// Checkers in each checker Region (default 2, a modelling choice: AWS does not publish it).
    pub checkers_per_region: u32,
}

impl EndpointCheck {
    /// `protocol` when not given.
    pub const DEFAULT_PROTOCOL: Protocol = Protocol::Https;
    /// `interval` when not given: the standard 30 s.
    pub const DEFAULT_INTERVAL_MS: u64 = 30_000;
    /// `failure_threshold` when not given (Route 53's default).
    pub const DEFAULT_FAILURE_THRESHOLD: u32 = 3;
    /// `checkers_per_region` when not given (a modelling choice: AWS does not publish it).
    pub const DEFAULT_CHECKERS_PER_REGION: u32 = 2;
}

impl Protocol {
    /// Time after which a probe to an unreachable endpoint counts as failed (Route 53 guide,
    /// <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html>):
    /// HTTP/HTTPS 4 s connect; string matching fails on the same connect timeout; TCP 10 s.
    pub fn connect_timeout_ms(self) -> u64 {
        match self {
            Protocol::Tcp => 10_000,
            _ => 4_000,
        }
    }
}

/// `[dns]`.
#[derive(Clone, Debug)]
pub struct DnsSpec {
    /// The connection alias.
    pub fqdn: String,
    /// Record TTL (default 300 s, the Route 53 console default).
    pub ttl_ms: u64,
    /// Zone (default public).
    pub zone: Zone,
    /// Delay from a health-status change to DNS answers (default 10 s; not published by AWS).
    pub health_propagation_ms: u64,
    /// 95th percentile of the log-normal record-edit propagation delay (default 60 s; the
    /// median is a third of it).
    pub edit_propagation_ms: u64,
    /// Time between an operator's attempts at a change the control plane refused
    /// (default 1 min).
    pub control_retry_ms: u64,
    /// Time after its first attempt at which an operator gives up a refused change
    /// (default 4 h).
    pub control_give_up_ms: u64,
    /// Route 53 accelerated recovery for the (public) hosted zone (default off).
    pub accelerated_recovery: bool,
    /// Routing policy.
    pub routing: Routing,
    /// The TXT value written for each record (`identifier`), in routing order: primary then
    /// secondaries, weighted records in order, or the simple record. `None` where the record
    /// names a Region (the shorthand for that Region's connection identifier).
    pub record_values: Vec<Option<String>>,
    /// Route 53 DNS locations resolvers can be pinned to (`dns.locations`, default none: every
    /// resolver sees the one global view). Each applies the 18 % rule to the checker reports
    /// it receives, which a `dns_partition` can cut (README, Model: DNS locations).
    pub locations: Vec<String>,
    /// What a DNS location concludes about an endpoint check while it receives no report
    /// from any of its checkers (default [`DnsSpec::DEFAULT_NO_CHECKER_REPORTS`]).
    pub no_checker_reports: InsufficientData,
}

impl DnsSpec {
    /// `ttl` when not given: the Route 53 console default.
    pub const DEFAULT_TTL_MS: u64 = 300_000;
    /// `zone` when not given.
    pub const DEFAULT_ZONE: Zone = Zone::Public;
    /// `health_propagation` when not given (not published by AWS).
    pub const DEFAULT_HEALTH_PROPAGATION_MS: u64 = 10_000;
    /// `edit_propagation` when not given: the 95th percentile of the record-change
    /// propagation delay. Route 53 says changes reach all its name servers "generally within
    /// 60 seconds" (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-creating.html>);
    /// users report 10-30 s usually and 60-130 s at times (libdns/route53 issue 14,
    /// saltstack/salt pull 21637), hence a log-normal with median 20 s, 95 % within 60 s and
    /// a tail beyond it (0.4 % past 2 min).
    pub const DEFAULT_EDIT_PROPAGATION_MS: u64 = 60_000;
    /// `control_retry` when not given: an operator (or script) retries a refused change
    /// every minute (a modelling choice).
    pub const DEFAULT_CONTROL_RETRY_MS: u64 = 60_000;
    /// `control_give_up` when not given: 4 h of refused attempts (a modelling choice).
    pub const DEFAULT_CONTROL_GIVE_UP_MS: u64 = 4 * 3_600_000;
    /// Where the Route 53 control plane lives: record and health-check changes go through
    /// us-east-1, DNS answers and health checks do not
    /// (<https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html>).
    pub const CONTROL_PLANE_REGION: &'static str = "us-east-1";
    /// Accelerated recovery: after us-east-1 has been impaired this long, Route 53 moves the
    /// zone's control-plane operations to us-west-2 (target recovery time about 60 minutes,
    /// <https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/accelerated-recovery.html>).
    pub const ACCELERATED_RECOVERY_MS: u64 = 3_600_000;
    /// `no_checker_reports` when not given. AWS says a location decides from the share of
    /// *reachable* checkers that report healthy
    /// (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-problems.html>)
    /// but not what it does when none is reachable; failsim keeps the status the location
    /// last had (no news is not bad news: the partition-safety the page describes), a
    /// modelling choice.
    pub const DEFAULT_NO_CHECKER_REPORTS: InsufficientData = InsufficientData::LastKnownStatus;
    /// At most this many DNS locations (they are stored as small integers).
    pub const MAX_LOCATIONS: usize = 64;
}

/// A record of a failover chain or weighted set.
#[derive(Clone, Debug)]
pub struct RecordSpec {
    /// Region whose connection identifier the record holds, or [`RecordSpec::UNMATCHED`].
    pub region: usize,
    /// Associated health check.
    pub health_check: Option<usize>,
    /// Weight (weighted routing only).
    pub weight: u32,
}

impl RecordSpec {
    /// `region` of a record whose TXT value matches no association of the alias: a client
    /// given this answer cannot map it to a Region and its login fails. Equal to the
    /// resolvers' compact answer `model::resolver::ANSWER_UNMATCHED`.
    pub const UNMATCHED: usize = 253;

    /// Whether the record's value maps to a Region.
    pub fn matched(&self) -> bool {
        self.region != Self::UNMATCHED
    }
}

/// `dns.routing`.
#[derive(Clone, Debug)]
pub enum Routing {
    /// Primary first, then the secondaries in order.
    Failover(Vec<RecordSpec>),
    /// Weighted records.
    Weighted(Vec<RecordSpec>),
    /// One Region, no health check.
    Simple(usize),
}

impl Routing {
    /// The primary Region: failover primary, simple Region, heaviest weighted record.
    pub fn primary_region(&self) -> usize {
        match self {
            Routing::Failover(chain) => chain[0].region,
            Routing::Simple(r) => *r,
            Routing::Weighted(recs) => {
                recs.iter()
                    .fold(
                        &recs[0],
                        |best, r| if r.weight > best.weight { r } else { best },
                    )
                    .region
            }
        }
    }

    /// The health check of the primary record, if any.
    pub fn primary_check(&self) -> Option<usize> {
        match self {
            Routing::Failover(chain) => chain[0].health_check,
            Routing::Simple(_) => None,
            Routing::Weighted(recs) => {
                let p = self.primary_region();
                recs.iter()
                    .find(|r| r.region == p)
                    .and_then(|r| r.health_check)
            }
        }
    }
}

/// `[[resolver]]`.
#[derive(Clone, Debug)]
pub struct ResolverSpec {
    /// Name.
    pub name: String,
    /// TTL policy (default honor).
    pub ttl_policy: TtlPolicySpec,
    /// RFC 8767 serve-stale window (default 0 = off).
    pub serve_stale_ms: u64,
    /// Serve an expired answer once and refresh in the background (default false).
    pub stale_first: bool,
    /// Refresh popular answers shortly before expiry (default false).
    pub prefetch: bool,
    /// `population` name, when this entry stands for many resolvers.
    pub population: Option<String>,
    /// Instances of a population (default 100).
    pub instances: u32,
    /// Index into `dns.locations` of the Route 53 DNS location the resolver's queries reach
    /// (default none: the global view).
    pub dns_location: Option<usize>,
}

impl ResolverSpec {
    /// `serve_stale` when not given: off.
    pub const DEFAULT_SERVE_STALE_MS: u64 = 0;
    /// `instances` of a population when not given.
    pub const DEFAULT_INSTANCES: u32 = 100;
    /// The name of the resolver assumed when the scenario defines none.
    pub const IMPLICIT_NAME: &'static str = "default";

    /// The one honouring resolver assumed when the scenario defines none.
    pub fn implicit() -> Self {
        ResolverSpec {
            name: Self::IMPLICIT_NAME.into(),
            ttl_policy: TtlPolicySpec::Honor,
            serve_stale_ms: Self::DEFAULT_SERVE_STALE_MS,
            stale_first: false,
            prefetch: false,
            population: None,
            instances: 1,
            dns_location: None,
        }
    }
}

/// Resolver TTL policy with its parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum TtlPolicySpec {
    /// Cache for exactly the TTL.
    Honor,
    /// Cache for max(TTL, floor).
    MinTtl(u64),
    /// Cache for TTL plus a drawn extension.
    Extend(Dist),
    /// Cache for min(TTL, cap).
    MaxTtl(u64),
}

impl TtlPolicySpec {
    /// `extension` of an `extend` resolver when not given: log-normal, median 10 min, p95 2 h.
    pub const DEFAULT_EXTENSION: Dist = Dist::LogNormal {
        median_ms: 600_000,
        p95_ms: 7_200_000,
    };
}

/// An `[[expect]]` bound on a summary metric.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// The summary metric bounded, of every user or of a cohort.
    pub metric: crate::metric::MetricRef,
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Inclusive upper bound.
    pub max: Option<f64>,
}
