//! `[[health_check]]`: Route 53 endpoint, calculated and alarm health checks
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-types.html>).
//! `[[health_check]]`: Route 53 endpoint, calculated, alarm and routing-control health checks.
//! Each type takes only its own keys; a key of another type is reported, not ignored.

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::scenario::raw::{HealthCheckKind, RawHealthCheck, RoutingControlState};
use crate::scenario::{
    EndpointCheck, HealthCheckSpec, HealthCheckType, MetricAlarm, MetricSpec, PathSeg,
    CHECKER_REGIONS,
};

/// Fewest checker Regions Route 53 accepts for an endpoint check: the API's `Regions` list
/// has "a minimum of three"
/// (<https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html>).
pub const MIN_CHECKER_REGIONS: usize = 3;

/// Finest metric resolution an alarm health check accepts: Route 53 supports alarms on
/// standard-resolution metrics only, not high-resolution ones
/// (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html>).
pub const ALARM_CHECK_MIN_RESOLUTION_MS: u64 = 60_000;

pub(super) fn health_checks(
    validator: &mut Validator,
    raw: &[RawHealthCheck],
    alarms: &[MetricAlarm],
    metrics: &[MetricSpec],
) -> Vec<HealthCheckSpec> {
    let mut health_checks = Vec::new();
    for (i, check) in raw.iter().enumerate() {
        let base = entry("health_check", i);
        let kind = match check.kind {
            HealthCheckKind::Endpoint => {
                misplaced_state(validator, &base, check);
                misplaced_calculated_keys(validator, &base, check);
                misplaced_alarm_keys(validator, &base, check);
                HealthCheckType::Endpoint(endpoint(validator, &base, check))
            }
            HealthCheckKind::Calculated => {
                misplaced_state(validator, &base, check);
                misplaced_endpoint_keys(validator, &base, check);
                misplaced_alarm_keys(validator, &base, check);
                calculated(validator, &base, i, raw)
            }
            HealthCheckKind::Alarm => {
                misplaced_state(validator, &base, check);
                misplaced_endpoint_keys(validator, &base, check);
                misplaced_calculated_keys(validator, &base, check);
                alarm(validator, &base, check, alarms, metrics)
            }
            // Route 53's RECOVERY_CONTROL type: healthy while the routing control is On
            // (<https://docs.aws.amazon.com/r53recovery/latest/dg/introduction-components-routing.html>).
            HealthCheckKind::RoutingControl => {
                misplaced_endpoint_keys(validator, &base, check);
                misplaced_calculated_keys(validator, &base, check);
                misplaced_alarm_keys(validator, &base, check);
                HealthCheckType::RoutingControl {
                    initially_on: check.state != Some(RoutingControlState::Off),
                }
            }
        };
        health_checks.push(HealthCheckSpec {
            name: check.name.clone(),
            kind,
            inverted: check.inverted.unwrap_or(false),
            disabled: check.disabled.unwrap_or(false),
        });
    }
    health_checks
}

fn misplaced(
    validator: &mut Validator,
    base: &FieldPath,
    present: bool,
    field: &'static str,
    kinds: &str,
) {
    if present {
        validator.report(
            at(base, &[key(field)]),
            format!("only {kinds} health checks take `{field}`; remove it"),
        );
    }
}

fn misplaced_state(validator: &mut Validator, base: &FieldPath, check: &RawHealthCheck) {
    let present = check.state.is_some();
    misplaced(validator, base, present, "state", "routing_control");
}

fn misplaced_endpoint_keys(validator: &mut Validator, base: &FieldPath, check: &RawHealthCheck) {
    for (present, field) in [
        (check.target.is_some(), "target"),
        (check.protocol.is_some(), "protocol"),
        (check.interval.is_some(), "interval"),
        (check.failure_threshold.is_some(), "failure_threshold"),
        (check.regions.is_some(), "regions"),
        (check.checkers_per_region.is_some(), "checkers_per_region"),
    ] {
        misplaced(validator, base, present, field, "endpoint");
    }
}

fn misplaced_calculated_keys(validator: &mut Validator, base: &FieldPath, check: &RawHealthCheck) {
    misplaced(
        validator,
        base,
        check.children.is_some(),
        "children",
        "calculated",
    );
    let present = check.healthy_threshold.is_some();
    misplaced(validator, base, present, "healthy_threshold", "calculated");
}

fn misplaced_alarm_keys(validator: &mut Validator, base: &FieldPath, check: &RawHealthCheck) {
    misplaced(validator, base, check.alarm.is_some(), "alarm", "alarm");
    let present = check.insufficient_data.is_some();
    misplaced(validator, base, present, "insufficient_data", "alarm");
}

/// An endpoint check: the Route 53 limits on interval, failure threshold and checker Regions.
fn endpoint(validator: &mut Validator, base: &FieldPath, check: &RawHealthCheck) -> EndpointCheck {
    let target = match &check.target {
        Some(t) => validator.region(at(base, &[key("target")]), t).unwrap_or(0),
        None => {
            validator.report(
                base.clone(),
                "an endpoint health check needs `target`, the Region whose endpoint it probes",
            );
            0
        }
    };
    let interval_ms = validator.duration_or(
        at(base, &[key("interval")]),
        check.interval.as_ref(),
        EndpointCheck::DEFAULT_INTERVAL_MS,
    );
    if interval_ms != 10_000 && interval_ms != 30_000 {
        validator.report(at(base, &[key("interval")]), format!("{} is not a Route 53 request interval; allowed: \"10s\" (fast) or \"30s\" (standard)", check.interval.as_deref().unwrap_or("")));
    }
    let failure_threshold = check
        .failure_threshold
        .unwrap_or(EndpointCheck::DEFAULT_FAILURE_THRESHOLD);
    if !(1..=10).contains(&failure_threshold) {
        validator.report(
            at(base, &[key("failure_threshold")]),
            format!("{failure_threshold} is out of range; allowed: an integer from 1 to 10"),
        );
    }
    let checker_regions = match &check.regions {
        Some(names) => {
            let mut regions = Vec::new();
            for (j, name) in names.iter().enumerate() {
                let path = at(base, &[key("regions"), PathSeg::Index(j)]);
                if let Some(index) = validator.checker_region(path, name) {
                    if regions.contains(&index) {
                        validator.report(
                            at(base, &[key("regions")]),
                            format!("`{name}` is listed twice"),
                        );
                    }
                    regions.push(index);
                }
            }
            if names.len() < MIN_CHECKER_REGIONS {
                validator.report(
                    at(base, &[key("regions")]),
                    format!("{} checker Region(s); Route 53 requires at least {MIN_CHECKER_REGIONS} so that one network partition cannot fail (or hold up) the check; allowed: 3 to 8 of the checker Regions, or omit `regions` for all 8", names.len()),
                );
            }
            regions
        }
        None => (0..CHECKER_REGIONS.len()).collect(),
    };
    let checkers_per_region = check
        .checkers_per_region
        .unwrap_or(EndpointCheck::DEFAULT_CHECKERS_PER_REGION);
    if !(1..=64).contains(&checkers_per_region) {
        validator.report(
            at(base, &[key("checkers_per_region")]),
            format!("{checkers_per_region} is out of range; allowed: 1 to 64"),
        );
    }
    EndpointCheck {
        target,
        protocol: check.protocol.unwrap_or(EndpointCheck::DEFAULT_PROTOCOL),
        interval_ms,
        failure_threshold,
        checker_regions,
        checkers_per_region,
    }
}

/// A calculated check: children resolve, none is itself calculated (Route 53 forbids it).
fn calculated(
    validator: &mut Validator,
    base: &FieldPath,
    index: usize,
    raw: &[RawHealthCheck],
) -> HealthCheckType {
    let check = &raw[index];
    let mut children = Vec::new();
    for (j, name) in check.children.iter().flatten().enumerate() {
        let path = at(base, &[key("children"), PathSeg::Index(j)]);
        let Some(child) = validator.health_check(path, name) else {
            continue;
        };
        if child == index {
            validator.report(
                at(base, &[key("children")]),
                "a calculated check cannot be its own child",
            );
        } else if raw[child].kind == HealthCheckKind::Calculated {
            validator.report(
                at(base, &[key("children")]),
                format!(
                    "`{name}` is a calculated check; Route 53 does not allow calculated children"
                ),
            );
        } else {
            children.push(child);
        }
    }
    if check.children.is_none() {
        validator.report(
            base.clone(),
            "a calculated health check needs `children = [...]`",
        );
    }
    if children.len() > 255 {
        validator.report(
            at(base, &[key("children")]),
            "Route 53 allows at most 255 children",
        );
    }
    let healthy_threshold = check.healthy_threshold.unwrap_or(children.len() as u32);
    if healthy_threshold > 256 {
        validator.report(at(base, &[key("healthy_threshold")]), "allowed: 0 to 256");
    }
    HealthCheckType::Calculated {
        children,
        healthy_threshold,
    }
}

/// An alarm check: Route 53 accepts only standard-resolution alarms with M = N
/// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-types.html).
fn alarm(
    validator: &mut Validator,
    base: &FieldPath,
    check: &RawHealthCheck,
    alarms: &[MetricAlarm],
    metrics: &[MetricSpec],
) -> HealthCheckType {
    let names = std::mem::take(&mut validator.alarms);
    let alarm = match &check.alarm {
        Some(a) => validator.lookup(at(base, &[key("alarm")]), a, "alarm", &names),
        None => {
            validator.report(
                base.clone(),
                "an alarm health check needs `alarm`, the CloudWatch alarm it follows",
            );
            None
        }
    };
    validator.alarms = names;
    if let Some(a) = alarm.and_then(|index| alarms.get(index)) {
        let rule = &a.rule;
        if rule.period_ms < 60_000 {
            validator.report(at(base, &[key("alarm")]), format!("alarm `{}` has a {} period; Route 53 only supports alarms on standard-resolution metrics (period of 60s or more)", a.name, crate::time::format_ms(rule.period_ms)));
        }
        if let Some(m) = metrics.get(a.metric) {
            if rule.period_ms >= 60_000 && m.resolution_ms < ALARM_CHECK_MIN_RESOLUTION_MS {
                validator.report(at(base, &[key("alarm")]), format!("alarm `{}` watches metric `{}`, published at high resolution ({}); Route 53 only supports alarms on standard-resolution metrics: set the metric's resolution to 60s", a.name, m.name, crate::time::format_ms(m.resolution_ms)));
            }
        }
        if rule.datapoints_to_alarm < rule.evaluation_periods {
            validator.report(at(base, &[key("alarm")]), format!("alarm `{}` is an M-out-of-N alarm ({} of {}); Route 53 health checks do not support M-out-of-N alarms: set datapoints_to_alarm = evaluation_periods", a.name, rule.datapoints_to_alarm, rule.evaluation_periods));
        }
    }
    HealthCheckType::Alarm {
        alarm: alarm.unwrap_or(0),
        insufficient_data: check
            .insufficient_data
            .unwrap_or(HealthCheckSpec::DEFAULT_INSUFFICIENT_DATA),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};

    fn check(lines: &str) -> String {
        format!("{BASE}\n[[health_check]]\nname = \"primary\"\n{lines}\n")
    }

    #[test]
    fn an_endpoint_check_takes_route_53_defaults() {
        use crate::scenario::{EndpointCheck, HealthCheckType, Protocol};
        let text = check("type = \"endpoint\"\ntarget = \"west\"");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        let HealthCheckType::Endpoint(endpoint) = &scenario.health_checks[0].kind else {
            panic!("not an endpoint check");
        };
        assert_eq!(endpoint.protocol, Protocol::Https);
        assert_eq!(endpoint.interval_ms, EndpointCheck::DEFAULT_INTERVAL_MS);
        assert_eq!(endpoint.failure_threshold, 3);
        assert_eq!(endpoint.checker_regions.len(), 8);
    }

    #[test]
    fn an_interval_route_53_does_not_offer_lists_the_two_it_does() {
        let problems = problems_of(&check(
            "type = \"endpoint\"\ntarget = \"west\"\ninterval = \"20s\"",
        ));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "health_check.primary.interval");
        assert_eq!(
            problems[0].message,
            "20s is not a Route 53 request interval; allowed: \"10s\" (fast) or \"30s\" (standard)"
        );
    }

    #[test]
    fn keys_of_another_type_are_reported() {
        let problems = problems_of(&check(
            "type = \"calculated\"\nchildren = []\ntarget = \"west\"\nalarm = \"x\"",
        ));
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["health_check.primary.target", "health_check.primary.alarm"]
        );
        assert_eq!(
            problems[0].message,
            "only endpoint health checks take `target`; remove it"
        );
    }

    #[test]
    fn checker_regions_must_be_route_53_checker_regions_listed_once() {
        let problems = problems_of(&check("type = \"endpoint\"\ntarget = \"west\"\nregions = [\"us-east-1\", \"us-east-1\", \"mars-1\"]"));
        assert_eq!(problems[0].message, "`us-east-1` is listed twice");
        assert_eq!(problems[1].field, "health_check.primary.regions[2]");
        assert!(problems[1]
            .message
            .starts_with("`mars-1` is not a Route 53 health-checker Region; allowed: us-east-1,"));
    }

    #[test]
    fn a_calculated_check_cannot_contain_itself() {
        let problems = problems_of(&check("type = \"calculated\"\nchildren = [\"primary\"]"));
        assert_eq!(problems[0].field, "health_check.primary.children");
        assert_eq!(
            problems[0].message,
            "a calculated check cannot be its own child"
        );
    }

    #[test]
    fn an_alarm_check_rejects_high_resolution_and_m_out_of_n_alarms() {
        let text = format!("{}\n[[metric]]\nname = \"canary\"\nsource = \"canary\"\nregion = \"east\"\ntarget = \"west\"\n[[alarm]]\nname = \"down\"\nmetric = \"canary\"\nperiod = \"30s\"\nevaluation_periods = 3\ndatapoints_to_alarm = 2\ncomparison = \"less_than_threshold\"\nthreshold = 0.9\n", check("type = \"alarm\"\nalarm = \"down\""));
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 2);
        assert!(problems
            .iter()
            .all(|p| p.field == "health_check.primary.alarm"));
        assert!(problems[0].message.contains("has a 30s period"));
        assert!(problems[1].message.contains("M-out-of-N alarm (2 of 3)"));
    }

    #[test]
    fn an_alarm_check_rejects_a_high_resolution_metric() {
        let text = format!("{}\n[[metric]]\nname = \"canary\"\nsource = \"canary\"\nregion = \"east\"\ntarget = \"west\"\nresolution = \"10s\"\n[[alarm]]\nname = \"down\"\nmetric = \"canary\"\nperiod = \"60s\"\nevaluation_periods = 3\ncomparison = \"less_than_threshold\"\nthreshold = 0.9\n", check("type = \"alarm\"\nalarm = \"down\""));
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "health_check.primary.alarm");
        assert!(problems[0]
            .message
            .contains("watches metric `canary`, published at high resolution (10s)"));
        assert!(
            problems_of(&text.replace("resolution = \"10s\"", "resolution = \"60s\"")).is_empty()
        );
    }

    #[test]
    fn an_endpoint_check_needs_three_checker_regions() {
        let two = check(
            "type = \"endpoint\"\ntarget = \"west\"\nregions = [\"us-east-1\", \"eu-west-1\"]",
        );
        let problems = problems_of(&two);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].field, "health_check.primary.regions");
        assert!(problems[0].message.contains("Route 53 requires at least 3"));
        let three = two.replace("\"eu-west-1\"]", "\"eu-west-1\", \"sa-east-1\"]");
        assert!(problems_of(&three).is_empty());
    }
}
