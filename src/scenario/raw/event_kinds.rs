//! The event-kind table: for each `[[event]]` kind, the keys it takes, whether it is a fault
//! and whether it reverts. Validation and the simulator read it; nothing else decides what a
//! kind is.

use super::*;

/// What an event kind takes and does: one row per kind in [`EVENT_KINDS`].
#[derive(Debug)]
pub struct EventKindRow {
    pub kind: EventKind,
    /// Its keys besides `name`, `kind`, `at`, `duration` and `until`.
    pub keys: &'static [&'static str],
    /// A fault (as opposed to an operator action); faults last for `duration` or `until`.
    pub is_fault: bool,
    /// An action undone after `duration` or at `until`, if given.
    pub reverts: bool,
}

/// The event-kind table. Validation rejects any key of [`EVENT_KEYS`] a kind does not list,
/// and `duration`/`until` on a kind that is neither a fault nor reverts.
pub const EVENT_KINDS: [EventKindRow; 15] = [
    event_kind(
        EventKind::RegionOutage,
        &["region", "planes", "severity", "probe_failure"],
        true,
        false,
    ),
    event_kind(
        EventKind::CheckerPartition,
        &["checker_regions", "target"],
        true,
        false,
    ),
    event_kind(EventKind::DnsOutage, &[], true, false),
    event_kind(EventKind::ResolverOutage, &["resolver"], true, false),
    event_kind(EventKind::SetRecord, &["region"], false, false),
    event_kind(
        EventKind::DisableHealthCheck,
        &["health_check"],
        false,
        true,
    ),
    event_kind(EventKind::InvertHealthCheck, &["health_check"], false, true),
    event_kind(EventKind::DisconnectUsers, &["region"], false, false),
    event_kind(EventKind::DomainLapse, &["hijacked"], false, false),
    event_kind(EventKind::DirectoryOutage, &["directory"], true, false),
    event_kind(EventKind::IdpOutage, &[], true, false),
    event_kind(EventKind::NetworkOutage, &["region"], true, false),
    event_kind(
        EventKind::SetRoutingControl,
        &["health_check", "state"],
        false,
        false,
    ),
    event_kind(EventKind::ArcOutage, &["cluster_regions"], true, false),
    event_kind(
        EventKind::DnsPartition,
        &["dns_locations", "checker_regions"],
        true,
        false,
    ),
];

/// The kind-specific keys of `[[event]]`, in the order validation checks them.
pub const EVENT_KEYS: [&str; 13] = [
    "region",
    "planes",
    "severity",
    "checker_regions",
    "target",
    "resolver",
    "health_check",
    "hijacked",
    "probe_failure",
    "directory",
    "state",
    "cluster_regions",
    "dns_locations",
];

const fn event_kind(
    kind: EventKind,
    keys: &'static [&'static str],
    is_fault: bool,
    reverts: bool,
) -> EventKindRow {
    EventKindRow {
        kind,
        keys,
        is_fault,
        reverts,
    }
}

impl EventKind {
    /// This kind's row of [`EVENT_KINDS`].
    pub fn row(self) -> &'static EventKindRow {
        EVENT_KINDS
            .iter()
            .find(|row| row.kind == self)
            .expect("every event kind has a row")
    }
}

impl RawEvent {
    /// Whether the kind-specific key `key` (one of [`EVENT_KEYS`]) is written.
    pub fn has(&self, key: &str) -> bool {
        match key {
            "region" => self.region.is_some(),
            "planes" => self.planes.is_some(),
            "severity" => self.severity.is_some(),
            "checker_regions" => self.checker_regions.is_some(),
            "target" => self.target.is_some(),
            "resolver" => self.resolver.is_some(),
            "health_check" => self.health_check.is_some(),
            "hijacked" => self.hijacked.is_some(),
            "probe_failure" => self.probe_failure.is_some(),
            "directory" => self.directory.is_some(),
            "state" => self.state.is_some(),
            "cluster_regions" => self.cluster_regions.is_some(),
            "dns_locations" => self.dns_locations.is_some(),
            _ => false,
        }
    }
}
