//! Route 53 health checks and the CloudWatch alarms they watch: `[[alarm]]`, `[[metric]]`
//! and `[[health_check]]` tables.

use super::records::{Ident, Leaf};
use super::{check_name, name_of, q};
use crate::import::route53::HealthCheck;
use crate::import::Deployment;
use crate::scenario::CHECKER_REGIONS;
use std::collections::BTreeMap;
use std::fmt::Write;

/// An imported alarm with the Region it lives in.
pub(super) struct Alarm {
    pub(super) region: String,
    pub(super) name: String,
    pub(super) aws: crate::import::cloudwatch::MetricAlarm,
}

pub(super) fn alarms_used(
    d: &Deployment,
    checks: &[&HealthCheck],
    warnings: &mut Vec<String>,
) -> Vec<Alarm> {
    let mut out = Vec::new();
    for ((region, name), a) in &d.alarms {
        let used = checks.iter().any(|h| {
            h.health_check_config
                .alarm_identifier
                .as_ref()
                .is_some_and(|i| &i.region == region && &i.name == name)
        });
        if !used {
            continue;
        }
        if a.metrics.is_some() {
            warnings.push(format!("alarm `{name}` ({region}) uses metric math, which failsim does not simulate: dropped"));
            continue;
        }
        out.push(Alarm {
            region: region.clone(),
            name: name_of(name),
            aws: a.clone(),
        });
    }
    out
}

pub(super) fn write_alarms(out: &mut String, alarms: &[Alarm], primary: &str) {
    for a in alarms {
        let aws = &a.aws;
        let metric = format!("{}-metric", a.name);
        let _ = writeln!(out, "\n# cloudwatch alarm {} watches {}/{} ({} {}); failsim cannot compute that metric,\n# so a canary success ratio stands in. DEFAULT: `target`, `comparison` and `threshold` below.", aws.alarm_arn.as_deref().unwrap_or(&aws.alarm_name), aws.namespace.as_deref().unwrap_or("?"), aws.metric_name.as_deref().unwrap_or("?"), aws.comparison_operator.as_deref().unwrap_or("?"), aws.threshold.map_or("?".into(), |t| t.to_string()));
        let period = aws.period.unwrap_or(60);
        let _ = writeln!(out, "[[metric]]\nname = {}\nsource = \"canary\"\nregion = {}\ntarget = {}\nresolution = \"{}s\"", q(&metric), q(&a.region), q(primary), period.min(60));
        let statistic = match aws.statistic.as_deref() {
            Some("Minimum") => "minimum",
            Some("Maximum") => "maximum",
            Some("Sum") => "sum",
            Some("SampleCount") => "sample_count",
            _ => "average",
        };
        let missing = match aws.treat_missing_data.as_deref() {
            Some("breaching") => "breaching",
            Some("notBreaching") => "not_breaching",
            Some("ignore") => "ignore",
            _ => "missing",
        };
        let n = aws.evaluation_periods.unwrap_or(1);
        let _ = writeln!(out, "\n# cloudwatch alarm {}\n[[alarm]]\nname = {}\nmetric = {}\nstatistic = {}\nperiod = \"{period}s\"\nevaluation_periods = {n}\ndatapoints_to_alarm = {}\ncomparison = \"less_than_threshold\"  # DEFAULT (stand-in canary)\nthreshold = 0.9  # DEFAULT (stand-in canary)\ntreat_missing_data = {}", aws.alarm_name, q(&a.name), q(&metric), q(statistic), aws.datapoints_to_alarm.unwrap_or(n), q(missing));
    }
}

/// The health checks the records use, with calculated children, in id order.
pub(super) fn health_checks<'a>(
    d: &'a Deployment,
    leaves: &[Leaf],
    warnings: &mut Vec<String>,
) -> Vec<&'a HealthCheck> {
    let mut wanted: Vec<String> = leaves
        .iter()
        .filter_map(|l| l.health_check.clone())
        .collect();
    let mut out: BTreeMap<String, &HealthCheck> = BTreeMap::new();
    while let Some(id) = wanted.pop() {
        if out.contains_key(&id) {
            continue;
        }
        let Some(h) = d.health_checks.get(&id) else {
            warnings.push(format!("health check {id} is used by a record but not in the inputs (route53 list-health-checks): the record is imported without it"));
            continue;
        };
        let kind = h.health_check_config.kind.as_str();
        if !matches!(
            kind,
            "HTTP"
                | "HTTPS"
                | "HTTP_STR_MATCH"
                | "HTTPS_STR_MATCH"
                | "TCP"
                | "CALCULATED"
                | "CLOUDWATCH_METRIC"
        ) {
            warnings.push(format!(
                "health check {id} has type {kind}, which failsim does not simulate: dropped"
            ));
            continue;
        }
        if kind == "CLOUDWATCH_METRIC" {
            let found = h
                .health_check_config
                .alarm_identifier
                .as_ref()
                .and_then(|i| d.alarms.get(&(i.region.clone(), i.name.clone())));
            if found.is_none_or(|a| a.metrics.is_some()) {
                warnings.push(format!("health check {id} follows an alarm that is not in the cloudwatch describe-alarms inputs (or uses metric math): dropped"));
                continue;
            }
        }
        wanted.extend(
            h.health_check_config
                .child_health_checks
                .iter()
                .flatten()
                .cloned(),
        );
        out.insert(id, h);
    }
    out.into_values().collect()
}

pub(super) fn write_checks(
    out: &mut String,
    d: &Deployment,
    checks: &[&HealthCheck],
    alarms: &[Alarm],
    leaves: &[Leaf],
    ids: &[Ident],
    primary: &str,
) {
    let _ = d;
    for h in checks {
        let c = &h.health_check_config;
        let _ = writeln!(
            out,
            "\n# route53 health check {}\n[[health_check]]\nname = {}",
            h.id,
            q(&check_name(&h.id))
        );
        match c.kind.as_str() {
            "CALCULATED" => {
                let children: Vec<String> = c
                    .child_health_checks
                    .iter()
                    .flatten()
                    .filter(|x| checks.iter().any(|h| &h.id == *x))
                    .map(|x| q(&check_name(x)))
                    .collect();
                let _ = writeln!(
                    out,
                    "type = \"calculated\"\nchildren = [{}]\nhealthy_threshold = {}",
                    children.join(", "),
                    c.health_threshold.unwrap_or(children.len() as u32)
                );
            }
            "CLOUDWATCH_METRIC" => {
                let i = c
                    .alarm_identifier
                    .as_ref()
                    .expect("kept only with an alarm");
                let name = alarms
                    .iter()
                    .find(|a| a.region == i.region && a.aws.alarm_name == i.name)
                    .map_or(name_of(&i.name), |a| a.name.clone());
                let insufficient = match c.insufficient_data_health_status.as_deref() {
                    Some("Healthy") => "healthy",
                    Some("Unhealthy") => "unhealthy",
                    _ => "last_known_status",
                };
                let _ = writeln!(
                    out,
                    "type = \"alarm\"\nalarm = {}\ninsufficient_data = {}",
                    q(&name),
                    q(insufficient)
                );
            }
            kind => {
                let target = leaves
                    .iter()
                    .find(|l| l.health_check.as_deref() == Some(&h.id))
                    .and_then(|l| ids.iter().find(|a| a.identifier == l.value))
                    .map_or(primary, |a| a.region.as_str());
                let endpoint = c
                    .fully_qualified_domain_name
                    .as_deref()
                    .or(c.ip_address.as_deref())
                    .unwrap_or("?");
                let regions: Vec<String> = c
                    .regions
                    .iter()
                    .flatten()
                    .filter(|r| CHECKER_REGIONS.contains(&r.as_str()))
                    .map(|r| q(r))
                    .collect();
                let _ = writeln!(out, "type = \"endpoint\"\ntarget = {}  # DEFAULT: the Region serving {endpoint} (the Region of the record it guards)\nprotocol = {}\ninterval = \"{}s\"\nfailure_threshold = {}", q(target), q(&kind.to_ascii_lowercase()), c.request_interval.unwrap_or(30), c.failure_threshold.unwrap_or(3));
                if !regions.is_empty() {
                    let _ = writeln!(out, "regions = [{}]", regions.join(", "));
                }
            }
        }
        let _ = writeln!(
            out,
            "inverted = {}\ndisabled = {}",
            c.inverted.unwrap_or(false),
            c.disabled.unwrap_or(false)
        );
    }
}
