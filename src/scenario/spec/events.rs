//! `[[event]]`: faults and operator actions as validated, and the set of Region planes a
//! fault takes down.

use super::*;

/// A set of Region planes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaneSet(pub u8);

impl PlaneSet {
    /// The four planes of a Region's WorkSpaces deployment, the default of a `region_outage`.
    /// The Route 53 `control` plane fails only when listed.
    pub const ALL: PlaneSet = PlaneSet(0b1111);

    /// Bit of one plane.
    pub fn bit(p: Plane) -> u8 {
        match p {
            Plane::Sessions => 1,
            Plane::Logins => 2,
            Plane::Endpoint => 4,
            Plane::Metrics => 8,
            Plane::Control => 16,
        }
    }

    /// Whether `p` is in the set.
    pub fn contains(self, p: Plane) -> bool {
        self.0 & Self::bit(p) != 0
    }

    /// `sessions+logins` style label in fixed plane order.
    pub fn label(self) -> String {
        let names = [
            (Plane::Sessions, "sessions"),
            (Plane::Logins, "logins"),
            (Plane::Endpoint, "endpoint"),
            (Plane::Metrics, "metrics"),
            (Plane::Control, "control"),
        ];
        names
            .iter()
            .filter(|(p, _)| self.contains(*p))
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// A fault or operator action.
#[derive(Clone, Debug)]
pub struct EventSpec {
    /// Name.
    pub name: String,
    /// Start.
    pub at_ms: u64,
    /// End (faults, reverting actions); `None` = lasts to the end.
    pub end_ms: Option<u64>,
    /// What happens.
    pub action: EventAction,
}

impl EventSpec {
    /// `planes` of a `region_outage` when not given.
    pub const DEFAULT_PLANES: PlaneSet = PlaneSet::ALL;
    /// `severity` of a `region_outage` when not given: a hard outage.
    pub const DEFAULT_SEVERITY: f64 = 1.0;
    /// `probe_failure` of a `region_outage` when not given: the connection is refused at once.
    /// Most real outages fail fast — a load balancer without healthy targets resets or
    /// answers 503, a stopped service resets — and only a dead network makes probes wait for
    /// the connect timeout. `refused` fails every protocol (a TCP check included) and gives
    /// the detection times published by third parties (about 30 s at 10 s x 3, about 90 s at
    /// 30 s x 3); `timeout` gives the slow worst case.
    pub const DEFAULT_PROBE_FAILURE: ProbeFailure = ProbeFailure::Refused;
    /// `hijacked` of a `domain_lapse` when not given.
    pub const DEFAULT_HIJACKED: bool = false;
}

/// Kinds of events with their validated parameters.
#[derive(Clone, Debug)]
pub enum EventAction {
    /// Region planes fail with `severity` (fraction of requests failing).
    RegionOutage {
        /// Region.
        region: usize,
        /// Planes affected.
        planes: PlaneSet,
        /// In (0, 1].
        severity: f64,
        /// How a failing endpoint answers health-check probes.
        probe_failure: ProbeFailure,
    },
    /// Checkers in these checker Regions cannot reach `target`.
    CheckerPartition {
        /// Indices into [`CHECKER_REGIONS`].
        checker_regions: Vec<usize>,
        /// Region whose endpoint they cannot reach.
        target: usize,
    },
    /// Authoritative DNS unreachable.
    DnsOutage,
    /// A resolver fails.
    ResolverOutage {
        /// Resolver index.
        resolver: usize,
    },
    /// Manual record edit.
    SetRecord {
        /// Region answered afterwards.
        region: usize,
    },
    /// Health check disabled (always healthy) for the event's duration.
    DisableHealthCheck {
        /// Check index.
        health_check: usize,
    },
    /// Health check inverted for the event's duration.
    InvertHealthCheck {
        /// Check index.
        health_check: usize,
    },
    /// Everyone connected in `region` is disconnected.
    DisconnectUsers {
        /// Region.
        region: usize,
    },
    /// The FQDN's domain lapses.
    DomainLapse {
        /// A stranger controls it.
        hijacked: bool,
    },
    /// A directory fails: logins and re-authentications through it fail.
    DirectoryOutage {
        /// One Region's directory or a shared on-premises one.
        target: DirectoryTarget,
    },
    /// The SAML identity provider fails: logins through SAML directories fail everywhere.
    IdpOutage,
    /// A Region's VPN or Direct Connect link to on-premises fails: its AD Connector cannot
    /// reach the on-premises directory.
    NetworkOutage {
        /// Region.
        region: usize,
    },
    /// A routing control is turned On or Off through the ARC cluster.
    SetRoutingControl {
        /// The `routing_control` health check.
        health_check: usize,
        /// On (true) or Off.
        on: bool,
    },
    /// ARC cluster endpoints in these Regions are unreachable.
    ArcOutage {
        /// Indices into the scenario's `arc.cluster_regions`.
        cluster_regions: Vec<usize>,
    },
    /// An Internet partition: these Route 53 DNS locations stop receiving the reports of the
    /// health checkers in these checker Regions.
    DnsPartition {
        /// Indices into `dns.locations`.
        locations: Vec<usize>,
        /// Indices into [`CHECKER_REGIONS`].
        checker_regions: Vec<usize>,
    },
}

impl EventAction {
    /// The file's kind of this event.
    pub fn kind(&self) -> EventKind {
        match self {
            EventAction::RegionOutage { .. } => EventKind::RegionOutage,
            EventAction::CheckerPartition { .. } => EventKind::CheckerPartition,
            EventAction::DnsOutage => EventKind::DnsOutage,
            EventAction::ResolverOutage { .. } => EventKind::ResolverOutage,
            EventAction::SetRecord { .. } => EventKind::SetRecord,
            EventAction::DisableHealthCheck { .. } => EventKind::DisableHealthCheck,
            EventAction::InvertHealthCheck { .. } => EventKind::InvertHealthCheck,
            EventAction::DisconnectUsers { .. } => EventKind::DisconnectUsers,
            EventAction::DomainLapse { .. } => EventKind::DomainLapse,
            EventAction::DirectoryOutage { .. } => EventKind::DirectoryOutage,
            EventAction::IdpOutage => EventKind::IdpOutage,
            EventAction::NetworkOutage { .. } => EventKind::NetworkOutage,
            EventAction::SetRoutingControl { .. } => EventKind::SetRoutingControl,
            EventAction::ArcOutage { .. } => EventKind::ArcOutage,
            EventAction::DnsPartition { .. } => EventKind::DnsPartition,
        }
    }

    /// Faults (as opposed to operator actions), as the event-kind table says.
    pub fn is_fault(&self) -> bool {
        self.kind().row().is_fault
    }
}
