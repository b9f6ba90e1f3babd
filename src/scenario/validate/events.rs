//! `[[event]]`: faults and operator actions. Which keys each kind takes, and whether it lasts
//! (`duration`/`until`), come from the event-kind table in [`crate::scenario::raw`].

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::scenario::raw::{EventKind, RawEvent, RoutingControlState, EVENT_KEYS};
use crate::scenario::{
    ArcSpec, DirectoryTarget, DnsSpec, EventAction, EventSpec, HealthCheckSpec, HealthCheckType,
    PathSeg, Plane, PlaneSet,
};

/// The events sorted by start time (ties: file order).
pub(super) fn events(
    validator: &mut Validator,
    raw: &[RawEvent],
    checks: &[HealthCheckSpec],
    arc: &ArcSpec,
) -> Vec<EventSpec> {
    let mut events = Vec::new();
    for (i, event) in raw.iter().enumerate() {
        let base = entry("event", i);
        let (at_ms, end_ms) = window(validator, &base, event);
        unused_keys(validator, &base, event);
        let action = match event.kind {
            EventKind::SetRoutingControl => set_routing_control(validator, &base, event, checks),
            EventKind::ArcOutage => arc_outage(validator, &base, event, arc),
            EventKind::DnsPartition => super::locations::dns_partition(validator, &base, event),
            _ => action(validator, &base, event),
        };
        if let Some(action) = action {
            events.push(EventSpec {
                name: event.name.clone(),
                at_ms,
                end_ms: end_ms.map(|t| t.min(validator.duration_ms.max(at_ms))),
                action,
            });
        }
    }
    events.sort_by_key(|e| e.at_ms);
    events
}

/// `at` + `duration`/`until` -> (start, end).
fn window(validator: &mut Validator, base: &FieldPath, event: &RawEvent) -> (u64, Option<u64>) {
    let start = validator
        .duration(at(base, &[key("at")]), &event.at)
        .unwrap_or(0);
    let duration_ms = validator.duration_ms;
    if start >= duration_ms && duration_ms > 0 {
        validator.report(
            at(base, &[key("at")]),
            format!(
                "starts at {} but the scenario lasts {}; allowed: before scenario.duration",
                event.at,
                crate::time::format_ms(duration_ms)
            ),
        );
    }
    let end = match (&event.duration, &event.until) {
        (Some(_), Some(_)) => {
            validator.report(
                at(base, &[key("until")]),
                "give `duration` or `until`, not both",
            );
            None
        }
        (Some(d), None) => validator
            .positive_duration(at(base, &[key("duration")]), d)
            .map(|d| start + d),
        (None, Some(until)) => {
            match validator.duration(at(base, &[key("until")]), until) {
                Some(until_ms) if until_ms <= start => {
                    validator.report(at(base, &[key("until")]), format!("`until` ({until}) is not after `at` ({}); allowed: a time after the start", event.at));
                    None
                }
                other => other,
            }
        }
        (None, None) => None,
    };
    (start, end)
}

/// Reports a duration on an instant and every key the kind does not take.
fn unused_keys(validator: &mut Validator, base: &FieldPath, event: &RawEvent) {
    // The kind as the Rust variant is named (`SetRecord`): messages have always said it so.
    let kind_name = format!("{:?}", event.kind);
    let row = event.kind.row();
    if !row.is_fault && !row.reverts && (event.duration.is_some() || event.until.is_some()) {
        validator.report(
            at(base, &[key("duration")]),
            format!("`{kind_name}` happens at one instant; remove `duration`/`until`"),
        );
    }
    for field in EVENT_KEYS {
        if event.has(field) && !row.keys.contains(&field) {
            validator.report(
                at(base, &[PathSeg::Key(field)]),
                format!("not used by `{kind_name}` events; remove it"),
            );
        }
    }
}

fn required_region(validator: &mut Validator, base: &FieldPath, event: &RawEvent) -> Option<usize> {
    match &event.region {
        Some(r) => validator.region(at(base, &[key("region")]), r),
        None => {
            validator.report(base.clone(), "this event needs `region`");
            None
        }
    }
}

fn required_check(validator: &mut Validator, base: &FieldPath, event: &RawEvent) -> Option<usize> {
    match &event.health_check {
        Some(h) => validator.health_check(at(base, &[key("health_check")]), h),
        None => {
            validator.report(base.clone(), "this event needs `health_check`");
            None
        }
    }
}

/// `directory`: a `[[directory]]` name (that Region's directory) or an on-premises directory
/// named by an AD Connector's `on_premises` (every Region forwarding to it).
fn directory_target(
    validator: &mut Validator,
    base: &FieldPath,
    event: &RawEvent,
) -> Option<DirectoryTarget> {
    let Some(name) = &event.directory else {
        validator.report(base.clone(), "a directory_outage needs `directory`");
        return None;
    };
    if let Some(i) = validator.directories.iter().position(|d| d == name) {
        return Some(DirectoryTarget::Directory(i));
    }
    if let Some(i) = validator.on_premises.iter().position(|d| d == name) {
        return Some(DirectoryTarget::OnPremises(i));
    }
    let known: Vec<&str> = validator
        .directories
        .iter()
        .chain(&validator.on_premises)
        .map(String::as_str)
        .collect();
    validator.report(
        at(base, &[key("directory")]),
        if known.is_empty() {
            format!("unknown directory `{name}`; none are defined ([[directory]])")
        } else {
            format!("unknown directory `{name}`; allowed: {}", known.join(", "))
        },
    );
    None
}

/// The validated action, `None` when a reference does not resolve.
fn action(validator: &mut Validator, base: &FieldPath, event: &RawEvent) -> Option<EventAction> {
    match event.kind {
        EventKind::RegionOutage => region_outage(validator, base, event),
        EventKind::CheckerPartition => checker_partition(validator, base, event),
        EventKind::DnsOutage => Some(EventAction::DnsOutage),
        EventKind::ResolverOutage => match &event.resolver {
            Some(r) => validator
                .resolver(at(base, &[key("resolver")]), r)
                .map(|resolver| EventAction::ResolverOutage { resolver }),
            None => {
                validator.report(base.clone(), "a resolver_outage needs `resolver`");
                None
            }
        },
        EventKind::SetRecord => {
            required_region(validator, base, event).map(|region| EventAction::SetRecord { region })
        }
        EventKind::DisableHealthCheck => required_check(validator, base, event)
            .map(|health_check| EventAction::DisableHealthCheck { health_check }),
        EventKind::InvertHealthCheck => required_check(validator, base, event)
            .map(|health_check| EventAction::InvertHealthCheck { health_check }),
        EventKind::DisconnectUsers => required_region(validator, base, event)
            .map(|region| EventAction::DisconnectUsers { region }),
        EventKind::DomainLapse => Some(EventAction::DomainLapse {
            hijacked: event.hijacked.unwrap_or(EventSpec::DEFAULT_HIJACKED),
        }),
        EventKind::DirectoryOutage => directory_target(validator, base, event)
            .map(|target| EventAction::DirectoryOutage { target }),
        EventKind::IdpOutage => Some(EventAction::IdpOutage),
        EventKind::NetworkOutage => required_region(validator, base, event)
            .map(|region| EventAction::NetworkOutage { region }),
        EventKind::SetRoutingControl | EventKind::ArcOutage | EventKind::DnsPartition => {
            unreachable!("validated by their own functions")
        }
    }
}

/// `set_routing_control`: a `routing_control` check and the `state` it is set to.
fn set_routing_control(
    validator: &mut Validator,
    base: &FieldPath,
    event: &RawEvent,
    checks: &[HealthCheckSpec],
) -> Option<EventAction> {
    let health_check = required_check(validator, base, event);
    if let Some(check) = health_check.and_then(|c| checks.get(c)) {
        if !matches!(check.kind, HealthCheckType::RoutingControl { .. }) {
            validator.report(
                at(base, &[key("health_check")]),
                format!(
                    "`{}` is not a routing control; allowed: a health check of type \"routing_control\"",
                    check.name
                ),
            );
        }
    }
    let Some(state) = event.state else {
        validator.report(
            base.clone(),
            "a set_routing_control needs `state`: \"on\" or \"off\"",
        );
        return None;
    };
    health_check.map(|health_check| EventAction::SetRoutingControl {
        health_check,
        on: state == RoutingControlState::On,
    })
}

/// `arc_outage`: some of `arc.cluster_regions` unreachable.
fn arc_outage(
    validator: &mut Validator,
    base: &FieldPath,
    event: &RawEvent,
    arc: &ArcSpec,
) -> Option<EventAction> {
    let names = match &event.cluster_regions {
        Some(names) if !names.is_empty() => names,
        _ => {
            validator.report(
                base.clone(),
                format!(
                    "an arc_outage needs `cluster_regions`, one or more of the ARC cluster's Regions ({})",
                    arc.cluster_regions.join(", ")
                ),
            );
            return None;
        }
    };
    let mut cluster_regions = Vec::new();
    for (j, name) in names.iter().enumerate() {
        match arc.cluster_regions.iter().position(|r| r == name) {
            Some(index) if !cluster_regions.contains(&index) => cluster_regions.push(index),
            Some(_) => validator.report(
                at(base, &[key("cluster_regions"), PathSeg::Index(j)]),
                format!("`{name}` is listed twice"),
            ),
            None => validator.report(
                at(base, &[key("cluster_regions"), PathSeg::Index(j)]),
                format!(
                    "`{name}` is not a Region of the ARC cluster; allowed: {} (`arc.cluster_regions`)",
                    arc.cluster_regions.join(", ")
                ),
            ),
        }
    }
    Some(EventAction::ArcOutage { cluster_regions })
}

fn region_outage(
    validator: &mut Validator,
    base: &FieldPath,
    event: &RawEvent,
) -> Option<EventAction> {
    let region = required_region(validator, base, event);
    let planes = match &event.planes {
        Some(planes) if planes.is_empty() => {
            validator.report(
                at(base, &[key("planes")]),
                "allowed: one or more of \"sessions\", \"logins\", \"endpoint\", \"metrics\", \"control\" (us-east-1 only)",
            );
            EventSpec::DEFAULT_PLANES
        }
        Some(planes) => PlaneSet(planes.iter().fold(0, |set, p| set | PlaneSet::bit(*p))),
        None => EventSpec::DEFAULT_PLANES,
    };
    if planes.contains(Plane::Control)
        && event.region.as_deref() != Some(DnsSpec::CONTROL_PLANE_REGION)
    {
        validator.report(
            at(base, &[key("planes")]),
            format!(
                "the Route 53 control plane lives in {0}; allowed: `control` only on a {0} outage",
                DnsSpec::CONTROL_PLANE_REGION
            ),
        );
    }
    let severity = event.severity.unwrap_or(EventSpec::DEFAULT_SEVERITY);
    if !(severity > 0.0 && severity <= 1.0) {
        validator.report(
            at(base, &[key("severity")]),
            format!(
                "{severity} is out of range; allowed: greater than 0, at most 1 (1 = hard outage)"
            ),
        );
    }
    region.map(|region| EventAction::RegionOutage {
        region,
        planes,
        severity,
        probe_failure: event
            .probe_failure
            .unwrap_or(EventSpec::DEFAULT_PROBE_FAILURE),
    })
}

fn checker_partition(
    validator: &mut Validator,
    base: &FieldPath,
    event: &RawEvent,
) -> Option<EventAction> {
    let mut checker_regions = Vec::new();
    match &event.checker_regions {
        Some(names) if !names.is_empty() => {
            for (j, name) in names.iter().enumerate() {
                let path = at(base, &[key("checker_regions"), PathSeg::Index(j)]);
                if let Some(index) = validator.checker_region(path, name) {
                    checker_regions.push(index);
                }
            }
        }
        _ => validator.report(
            base.clone(),
            "a checker_partition needs `checker_regions = [...]` (Route 53 checker Regions)",
        ),
    }
    let target = match &event.target {
        Some(t) => validator.region(at(base, &[key("target")]), t),
        None => {
            validator.report(
                base.clone(),
                "a checker_partition needs `target`, the Region the checkers cannot reach",
            );
            None
        }
    };
    target.map(|target| EventAction::CheckerPartition {
        checker_regions,
        target,
    })
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};
    use crate::scenario::raw::{EventKind, EVENT_KEYS, EVENT_KINDS};

    fn event(lines: &str) -> String {
        format!("{BASE}\n[[event]]\nname = \"e\"\nat = \"10m\"\n{lines}\n")
    }

    #[test]
    fn the_event_kind_table_has_one_row_per_kind_and_only_known_keys() {
        for (i, row) in EVENT_KINDS.iter().enumerate() {
            assert_eq!(row.kind.row().kind, row.kind);
            assert!(EVENT_KINDS[..i]
                .iter()
                .all(|earlier| earlier.kind != row.kind));
            assert!(
                row.keys.iter().all(|k| EVENT_KEYS.contains(k)),
                "{:?}",
                row.kind
            );
            assert!(!(row.is_fault && row.reverts));
        }
        assert!(EventKind::RegionOutage.row().is_fault);
        assert!(EventKind::InvertHealthCheck.row().reverts);
    }

    #[test]
    fn a_key_the_kind_does_not_take_is_reported() {
        let problems = problems_of(&event(
            "kind = \"dns_outage\"\nregion = \"west\"\nhijacked = true",
        ));
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["event.e.region", "event.e.hijacked"]);
        assert_eq!(
            problems[0].message,
            "not used by `DnsOutage` events; remove it"
        );
    }

    #[test]
    fn an_instant_action_takes_no_duration() {
        let problems = problems_of(&event(
            "kind = \"set_record\"\nregion = \"east\"\nduration = \"5m\"",
        ));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "event.e.duration");
        assert_eq!(
            problems[0].message,
            "`SetRecord` happens at one instant; remove `duration`/`until`"
        );
    }

    #[test]
    fn until_must_follow_at_and_excludes_duration() {
        let problems = problems_of(&event("kind = \"dns_outage\"\nuntil = \"5m\""));
        assert_eq!(problems[0].field, "event.e.until");
        assert_eq!(
            problems[0].message,
            "`until` (5m) is not after `at` (10m); allowed: a time after the start"
        );
        let problems = problems_of(&event(
            "kind = \"dns_outage\"\nuntil = \"20m\"\nduration = \"5m\"",
        ));
        assert_eq!(problems[0].message, "give `duration` or `until`, not both");
    }

    #[test]
    fn an_event_after_the_end_is_reported() {
        let problems =
            problems_of(&event("kind = \"dns_outage\"").replace("at = \"10m\"", "at = \"2h\""));
        assert_eq!(problems[0].field, "event.e.at");
        assert_eq!(
            problems[0].message,
            "starts at 2h but the scenario lasts 1h; allowed: before scenario.duration"
        );
    }

    #[test]
    fn a_region_outage_takes_all_planes_at_full_severity_by_default() {
        use crate::scenario::{EventAction, PlaneSet};
        let text = event("kind = \"region_outage\"\nregion = \"west\"\nduration = \"2h\"");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        let e = &scenario.events[0];
        assert_eq!(e.end_ms, Some(3_600_000), "clipped to the scenario's end");
        let EventAction::RegionOutage {
            planes, severity, ..
        } = e.action
        else {
            panic!("not a region outage");
        };
        assert_eq!(planes, PlaneSet::ALL);
        assert_eq!(severity, 1.0);
    }

    #[test]
    fn a_checker_partition_needs_checker_regions_and_a_target() {
        let problems = problems_of(&event("kind = \"checker_partition\""));
        assert_eq!(problems.len(), 2);
        assert!(problems[0]
            .message
            .starts_with("a checker_partition needs `checker_regions"));
        assert!(problems[1]
            .message
            .starts_with("a checker_partition needs `target`"));
    }
}
