//! The one validation pass: raw structs -> [`Scenario`], collecting every problem.

use super::raw::*;
use super::*;
use crate::dist::Dist;
use crate::model::alarm::{
    is_metric_resolution, AlarmSpec, Comparison, InvalidAlarmSpec, Statistic, TreatMissingData,
};
use crate::time::parse_duration;
use std::collections::BTreeSet;

type P = Vec<PathSeg>;

fn k(key: &'static str) -> PathSeg {
    PathSeg::Key(key)
}
fn at(base: &P, more: &[PathSeg]) -> P {
    let mut p = base.clone();
    p.extend_from_slice(more);
    p
}

struct V {
    problems: Vec<Problem>,
    regions: Vec<String>,
    health_checks: Vec<String>,
    alarms: Vec<String>,
    metrics: Vec<String>,
    resolvers: Vec<String>,
    duration_ms: u64,
}

impl V {
    fn err(&mut self, path: P, message: impl Into<String>) {
        self.problems.push(Problem {
            path,
            message: message.into(),
        });
    }

    fn dur(&mut self, path: P, text: &str) -> Option<u64> {
        match parse_duration(text) {
            Ok(d) => Some(d.ms()),
            Err(e) => {
                self.err(path, format!("{e}; allowed: a duration with a unit such as \"250ms\", \"30s\", \"5m\", \"1h 30m\""));
                None
            }
        }
    }

    fn dur_or(&mut self, path: P, text: Option<&String>, default_ms: u64) -> u64 {
        match text {
            Some(t) => self.dur(path, t).unwrap_or(default_ms),
            None => default_ms,
        }
    }

    fn positive_dur(&mut self, path: P, text: &str) -> Option<u64> {
        let d = self.dur(path.clone(), text)?;
        if d == 0 {
            self.err(path, "must be longer than 0s");
            return None;
        }
        Some(d)
    }

    fn dist(&mut self, path: P, d: &RawDist) -> Option<Dist> {
        match d {
            RawDist::Fixed(t) => self.dur(path, t).map(Dist::Fixed),
            RawDist::Table(t) => {
                match (&t.min, &t.max, &t.median, &t.p95) {
                    (Some(lo), Some(hi), None, None) => {
                        let lo_ms = self.dur(at(&path, &[k("min")]), lo);
                        let hi_ms = self.dur(at(&path, &[k("max")]), hi);
                        let (lo_ms, hi_ms) = (lo_ms?, hi_ms?);
                        if hi_ms < lo_ms {
                            self.err(
                                at(&path, &[k("max")]),
                                format!("max ({hi}) is below min ({lo}); allowed: max >= min"),
                            );
                            return None;
                        }
                        Some(Dist::Uniform {
                            min_ms: lo_ms,
                            max_ms: hi_ms,
                        })
                    }
                    (None, None, Some(med), Some(p95)) => {
                        let m = self.dur(at(&path, &[k("median")]), med);
                        let p = self.dur(at(&path, &[k("p95")]), p95);
                        let (m, p) = (m?, p?);
                        if m == 0 {
                            self.err(
                                at(&path, &[k("median")]),
                                "a log-normal median must be longer than 0s",
                            );
                            return None;
                        }
                        if p < m {
                            self.err(at(&path, &[k("p95")]), format!("p95 ({p95}) is below the median ({med}); allowed: p95 >= median"));
                            return None;
                        }
                        Some(Dist::LogNormal {
                            median_ms: m,
                            p95_ms: p,
                        })
                    }
                    _ => {
                        self.err(
                            path,
                            "give either { min, max } (uniform) or { median, p95 } (log-normal)",
                        );
                        None
                    }
                }
            }
        }
    }

    fn dist_or(&mut self, path: P, d: Option<&RawDist>, default: Dist) -> Dist {
        match d {
            Some(d) => self.dist(path, d).unwrap_or(default),
            None => default,
        }
    }

    fn share(&mut self, path: P, x: f64) -> f64 {
        if !(0.0..=1.0).contains(&x) || x.is_nan() {
            self.err(
                path,
                format!("{x} is not a share; allowed: a number from 0 to 1"),
            );
            return 0.0;
        }
        x
    }

    fn lookup(&mut self, path: P, name: &str, kind: &str, names: &[String]) -> Option<usize> {
        match names.iter().position(|n| n == name) {
            Some(i) => Some(i),
            None => {
                let known = if names.is_empty() {
                    "none are defined".to_string()
                } else {
                    format!("defined: {}", names.join(", "))
                };
                self.err(path, format!("unknown {kind} `{name}`; {known}"));
                None
            }
        }
    }

    fn region(&mut self, path: P, name: &str) -> Option<usize> {
        let names = self.regions.clone();
        self.lookup(path, name, "region", &names)
    }

    fn checker_region(&mut self, path: P, name: &str) -> Option<usize> {
        match CHECKER_REGIONS.iter().position(|r| *r == name) {
            Some(i) => Some(i),
            None => {
                self.err(
                    path,
                    format!(
                        "`{name}` is not a Route 53 health-checker Region; allowed: {}",
                        CHECKER_REGIONS.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn unique_names<'a>(
        &mut self,
        table: &'static str,
        names: impl Iterator<Item = &'a String>,
    ) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, n) in names.enumerate() {
            if n.trim().is_empty() {
                self.err(
                    vec![k(table), PathSeg::Index(i), k("name")],
                    "must not be empty",
                );
            } else if n.contains('.') && table != "region" {
                self.err(vec![k(table), PathSeg::Index(i), k("name")], format!("`{n}` contains `.`; names are addressed by --set paths, so use letters, digits, `-` and `_`"));
            } else if !seen.insert(n.clone()) {
                self.err(
                    vec![k(table), PathSeg::Index(i), k("name")],
                    format!("duplicate name `{n}`; each [[{table}]] needs its own name"),
                );
            }
            out.push(n.clone());
        }
        out
    }

    /// `at` + `duration`/`until` -> (start, end).
    fn window(&mut self, base: &P, e: &RawEvent) -> (u64, Option<u64>) {
        let start = self.dur(at(base, &[k("at")]), &e.at).unwrap_or(0);
        if start >= self.duration_ms && self.duration_ms > 0 {
            self.err(
                at(base, &[k("at")]),
                format!(
                    "starts at {} but the scenario lasts {}; allowed: before scenario.duration",
                    e.at,
                    crate::time::format_ms(self.duration_ms)
                ),
            );
        }
        let end = match (&e.duration, &e.until) {
            (Some(_), Some(_)) => {
                self.err(
                    at(base, &[k("until")]),
                    "give `duration` or `until`, not both",
                );
                None
            }
            (Some(d), None) => self
                .positive_dur(at(base, &[k("duration")]), d)
                .map(|d| start + d),
            (None, Some(u)) => {
                let u_ms = self.dur(at(base, &[k("until")]), u);
                match u_ms {
                    Some(u_ms) if u_ms <= start => {
                        self.err(at(base, &[k("until")]), format!("`until` ({u}) is not after `at` ({}); allowed: a time after the start", e.at));
                        None
                    }
                    other => other,
                }
            }
            (None, None) => None,
        };
        (start, end)
    }

    fn forbid(&mut self, base: &P, present: bool, key: &'static str, kind: &str) {
        if present {
            self.err(
                at(base, &[k(key)]),
                format!("not used by `{kind}` events; remove it"),
            );
        }
    }
}

fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.trim().split('.').map(|p| p.parse::<u32>().ok());
    let major = it.next()??;
    let minor = it.next().unwrap_or(Some(0))?;
    let patch = it.next().unwrap_or(Some(0))?;
    Some((major, minor, patch))
}

fn check_sum(v: &mut V, path: P, shares: &[f64]) {
    let sum: f64 = shares.iter().sum();
    if (sum - 1.0).abs() > 1e-6 {
        v.err(
            path,
            format!("shares sum to {sum}; allowed: shares that sum to 1"),
        );
    }
}

pub(crate) fn validate(raw: &RawScenario) -> Result<Scenario, Vec<Problem>> {
    let mut v = V {
        problems: Vec::new(),
        regions: Vec::new(),
        health_checks: Vec::new(),
        alarms: Vec::new(),
        metrics: Vec::new(),
        resolvers: Vec::new(),
        duration_ms: 0,
    };

    // [scenario]
    let meta = vec![k("scenario")];
    let duration_ms = v
        .positive_dur(at(&meta, &[k("duration")]), &raw.scenario.duration)
        .unwrap_or(0);
    v.duration_ms = duration_ms;
    let series_step_ms = match &raw.scenario.series_step {
        Some(s) => v
            .positive_dur(at(&meta, &[k("series_step")]), s)
            .unwrap_or(10_000),
        None => 10_000,
    };
    if duration_ms > 0 && duration_ms / series_step_ms > 1_000_000 {
        v.err(at(&meta, &[k("series_step")]), "gives more than a million series rows; allowed: a step of at least duration / 1,000,000");
    }

    // Names first so references resolve whatever the table order.
    v.regions = v.unique_names("region", raw.region.iter().map(|r| &r.name));
    v.metrics = v.unique_names("metric", raw.metric.iter().map(|m| &m.name));
    v.alarms = v.unique_names("alarm", raw.alarm.iter().map(|a| &a.name));
    v.health_checks = v.unique_names("health_check", raw.health_check.iter().map(|h| &h.name));
    v.resolvers = v.unique_names("resolver", raw.resolver.iter().map(|r| &r.name));
    v.unique_names("users", raw.users.iter().map(|u| &u.name));
    v.unique_names("event", raw.event.iter().map(|e| &e.name));
    // Compact per-entity state stores these as small integers (DESIGN §6).
    for (count, table, max) in [
        (raw.region.len(), "region", 250usize),
        (raw.health_check.len(), "health_check", 65_535),
        (raw.users.len(), "users", 65_535),
        (raw.resolver.len(), "resolver", 65_535),
        (raw.event.len(), "event", 65_535),
        (raw.metric.len(), "metric", 65_535),
    ] {
        if count > max {
            v.err(
                vec![k(table)],
                format!("{count} [[{table}]] entries; allowed: at most {max}"),
            );
        }
    }
    if raw.region.is_empty() {
        v.err(vec![], "no [[region]] defined; allowed: at least one (usually a primary and a failover Region)");
    }

    // [[region]]
    let mut regions = Vec::new();
    for (i, r) in raw.region.iter().enumerate() {
        let base = vec![k("region"), PathSeg::Index(i)];
        regions.push(RegionSpec {
            name: r.name.clone(),
            launch_concurrency: r.launch_concurrency.unwrap_or(0),
            launch_time: v.dist_or(
                at(&base, &[k("launch_time")]),
                r.launch_time.as_ref(),
                Dist::LogNormal {
                    median_ms: 40_000,
                    p95_ms: 120_000,
                },
            ),
            standby: r.standby.unwrap_or(Standby::Running),
            resume_time: v.dist_or(
                at(&base, &[k("resume_time")]),
                r.resume_time.as_ref(),
                Dist::Uniform {
                    min_ms: 30_000,
                    max_ms: 90_000,
                },
            ),
        });
    }

    // [[metric]]
    let mut metrics = Vec::new();
    for (i, m) in raw.metric.iter().enumerate() {
        let base = vec![k("metric"), PathSeg::Index(i)];
        let region = v.region(at(&base, &[k("region")]), &m.region).unwrap_or(0);
        let target = match (&m.target, m.source) {
            (Some(t), MetricSource::Canary) => v.region(at(&base, &[k("target")]), t),
            (None, MetricSource::Canary) => {
                v.err(
                    base.clone(),
                    "a canary metric needs `target`, the Region its probes call",
                );
                None
            }
            (Some(_), MetricSource::Scripted) => {
                v.err(
                    at(&base, &[k("target")]),
                    "scripted metrics have no target; remove it",
                );
                None
            }
            // connected_users / login_failures count users of `target` (default: `region`).
            (Some(t), _) => v.region(at(&base, &[k("target")]), t),
            (None, _) => None,
        };
        let resolution_ms = match &m.resolution {
            Some(t) => v
                .positive_dur(at(&base, &[k("resolution")]), t)
                .unwrap_or(60_000),
            None => 60_000,
        };
        if !is_metric_resolution(resolution_ms) {
            v.err(
                at(&base, &[k("resolution")]),
                "allowed: 1s, 5s, 10s, 30s or a multiple of 60s (CloudWatch resolutions)",
            );
        }
        let delay_ms = v.dur_or(at(&base, &[k("delay")]), m.delay.as_ref(), 0);
        let mut datapoints = Vec::new();
        match (&m.datapoints, m.source) {
            (Some(dps), MetricSource::Scripted) => {
                for (j, dp) in dps.iter().enumerate() {
                    if !dp.value.is_finite() {
                        v.err(
                            at(&base, &[k("datapoints"), PathSeg::Index(j), k("value")]),
                            format!(
                                "{} is not a metric value; allowed: a finite number",
                                dp.value
                            ),
                        );
                        continue;
                    }
                    if let Some(t) = v.dur(
                        at(&base, &[k("datapoints"), PathSeg::Index(j), k("at")]),
                        &dp.at,
                    ) {
                        datapoints.push((t, dp.value));
                    }
                }
                datapoints.sort_by_key(|d| d.0);
            }
            (Some(_), _) => v.err(
                at(&base, &[k("datapoints")]),
                "only `scripted` metrics take datapoints",
            ),
            (None, MetricSource::Scripted) => v.err(
                base.clone(),
                "a scripted metric needs `datapoints = [{ at = \"5m\", value = 1.0 }, ...]`",
            ),
            (None, _) => {}
        }
        metrics.push(MetricSpec {
            name: m.name.clone(),
            source: m.source,
            region,
            target,
            resolution_ms,
            delay_ms,
            datapoints,
        });
    }

    // [[alarm]]
    let mut alarms = Vec::new();
    for (i, a) in raw.alarm.iter().enumerate() {
        let base = vec![k("alarm"), PathSeg::Index(i)];
        let names = v.metrics.clone();
        let metric = v
            .lookup(at(&base, &[k("metric")]), &a.metric, "metric", &names)
            .unwrap_or(0);
        let period_ms = v
            .positive_dur(at(&base, &[k("period")]), &a.period)
            .unwrap_or(60_000);
        let rule = AlarmSpec {
            period_ms,
            evaluation_periods: a.evaluation_periods,
            datapoints_to_alarm: a.datapoints_to_alarm.unwrap_or(a.evaluation_periods),
            statistic: a
                .statistic
                .map_or(MetricAlarm::DEFAULT_STATISTIC, Statistic::from),
            comparison: a.comparison.into(),
            threshold: a.threshold,
            treat_missing_data: a.treat_missing_data.map_or(
                MetricAlarm::DEFAULT_TREAT_MISSING_DATA,
                TreatMissingData::from,
            ),
        };
        for problem in rule.violations() {
            let (key, message) = match problem {
                InvalidAlarmSpec::Period { .. } => ("period", format!("{} is not a CloudWatch alarm period; allowed: 10s, 20s, 30s or a multiple of 60s", a.period)),
                InvalidAlarmSpec::EvaluationPeriods => ("evaluation_periods", "allowed: 1 or more".to_string()),
                InvalidAlarmSpec::EvaluationInterval { .. } => ("evaluation_periods", "period x evaluation_periods exceeds CloudWatch's limit (1 day for periods under 1 h, else 7 days)".to_string()),
                InvalidAlarmSpec::DatapointsToAlarm { datapoints_to_alarm, evaluation_periods } => ("datapoints_to_alarm", format!("{datapoints_to_alarm} is out of range; allowed: 1 to evaluation_periods ({evaluation_periods})")),
                InvalidAlarmSpec::Threshold => ("threshold", "allowed: a finite number".to_string()),
            };
            v.err(at(&base, &[k(key)]), message);
        }
        alarms.push(MetricAlarm {
            name: a.name.clone(),
            metric,
            rule,
        });
    }

    // [[health_check]]
    let mut health_checks = Vec::new();
    for (i, h) in raw.health_check.iter().enumerate() {
        let base = vec![k("health_check"), PathSeg::Index(i)];
        let misplaced = |v: &mut V, present: bool, key: &'static str, kinds: &str| {
            if present {
                v.err(
                    at(&base, &[k(key)]),
                    format!("only {kinds} health checks take `{key}`; remove it"),
                );
            }
        };
        let endpoint_only = [
            (h.target.is_some(), "target"),
            (h.protocol.is_some(), "protocol"),
            (h.interval.is_some(), "interval"),
            (h.failure_threshold.is_some(), "failure_threshold"),
            (h.regions.is_some(), "regions"),
            (h.checkers_per_region.is_some(), "checkers_per_region"),
        ];
        let kind = match h.kind {
            HealthCheckKind::Endpoint => {
                misplaced(&mut v, h.children.is_some(), "children", "calculated");
                misplaced(
                    &mut v,
                    h.healthy_threshold.is_some(),
                    "healthy_threshold",
                    "calculated",
                );
                misplaced(&mut v, h.alarm.is_some(), "alarm", "alarm");
                misplaced(
                    &mut v,
                    h.insufficient_data.is_some(),
                    "insufficient_data",
                    "alarm",
                );
                let target = match &h.target {
                    Some(t) => v.region(at(&base, &[k("target")]), t).unwrap_or(0),
                    None => {
                        v.err(base.clone(), "an endpoint health check needs `target`, the Region whose endpoint it probes");
                        0
                    }
                };
                let interval_ms = match &h.interval {
                    Some(t) => v.dur(at(&base, &[k("interval")]), t).unwrap_or(30_000),
                    None => 30_000,
                };
                if interval_ms != 10_000 && interval_ms != 30_000 {
                    v.err(at(&base, &[k("interval")]), format!("{} is not a Route 53 request interval; allowed: \"10s\" (fast) or \"30s\" (standard)", h.interval.as_deref().unwrap_or("")));
                }
                let failure_threshold = h.failure_threshold.unwrap_or(3);
                if !(1..=10).contains(&failure_threshold) {
                    v.err(
                        at(&base, &[k("failure_threshold")]),
                        format!(
                            "{failure_threshold} is out of range; allowed: an integer from 1 to 10"
                        ),
                    );
                }
                let checker_regions = match &h.regions {
                    Some(list) => {
                        let mut out = Vec::new();
                        for (j, name) in list.iter().enumerate() {
                            if let Some(c) = v
                                .checker_region(at(&base, &[k("regions"), PathSeg::Index(j)]), name)
                            {
                                if out.contains(&c) {
                                    v.err(
                                        at(&base, &[k("regions")]),
                                        format!("`{name}` is listed twice"),
                                    );
                                }
                                out.push(c);
                            }
                        }
                        // Fewer than 3 checker Regions is a lint (Route 53 itself requires 3).
                        out
                    }
                    None => (0..CHECKER_REGIONS.len()).collect(),
                };
                let checkers_per_region = h.checkers_per_region.unwrap_or(2);
                if !(1..=64).contains(&checkers_per_region) {
                    v.err(
                        at(&base, &[k("checkers_per_region")]),
                        format!("{checkers_per_region} is out of range; allowed: 1 to 64"),
                    );
                }
                HealthCheckType::Endpoint(EndpointCheck {
                    target,
                    protocol: h.protocol.unwrap_or(Protocol::Https),
                    interval_ms,
                    failure_threshold,
                    checker_regions,
                    checkers_per_region,
                })
            }
            HealthCheckKind::Calculated => {
                for (present, key) in endpoint_only {
                    misplaced(&mut v, present, key, "endpoint");
                }
                misplaced(&mut v, h.alarm.is_some(), "alarm", "alarm");
                misplaced(
                    &mut v,
                    h.insufficient_data.is_some(),
                    "insufficient_data",
                    "alarm",
                );
                let mut children = Vec::new();
                let names = v.health_checks.clone();
                for (j, c) in h.children.iter().flatten().enumerate() {
                    if let Some(idx) = v.lookup(
                        at(&base, &[k("children"), PathSeg::Index(j)]),
                        c,
                        "health check",
                        &names,
                    ) {
                        if idx == i {
                            v.err(
                                at(&base, &[k("children")]),
                                "a calculated check cannot be its own child",
                            );
                        } else if raw.health_check[idx].kind == HealthCheckKind::Calculated {
                            v.err(at(&base, &[k("children")]), format!("`{c}` is a calculated check; Route 53 does not allow calculated children"));
                        } else {
                            children.push(idx);
                        }
                    }
                }
                if h.children.is_none() {
                    v.err(
                        base.clone(),
                        "a calculated health check needs `children = [...]`",
                    );
                }
                if children.len() > 255 {
                    v.err(
                        at(&base, &[k("children")]),
                        "Route 53 allows at most 255 children",
                    );
                }
                let healthy_threshold = h.healthy_threshold.unwrap_or(children.len() as u32);
                if healthy_threshold > 256 {
                    v.err(at(&base, &[k("healthy_threshold")]), "allowed: 0 to 256");
                }
                HealthCheckType::Calculated {
                    children,
                    healthy_threshold,
                }
            }
            HealthCheckKind::Alarm => {
                for (present, key) in endpoint_only {
                    misplaced(&mut v, present, key, "endpoint");
                }
                misplaced(&mut v, h.children.is_some(), "children", "calculated");
                misplaced(
                    &mut v,
                    h.healthy_threshold.is_some(),
                    "healthy_threshold",
                    "calculated",
                );
                let names = v.alarms.clone();
                let alarm = match &h.alarm {
                    Some(a) => v.lookup(at(&base, &[k("alarm")]), a, "alarm", &names),
                    None => {
                        v.err(
                            base.clone(),
                            "an alarm health check needs `alarm`, the CloudWatch alarm it follows",
                        );
                        None
                    }
                };
                if let Some(ai) = alarm {
                    if let Some(a) = alarms.get(ai) {
                        if a.rule.period_ms < 60_000 {
                            v.err(at(&base, &[k("alarm")]), format!("alarm `{}` has a {} period; Route 53 only supports alarms on standard-resolution metrics (period of 60s or more)", a.name, crate::time::format_ms(a.rule.period_ms)));
                        }
                        if a.rule.datapoints_to_alarm < a.rule.evaluation_periods {
                            v.err(at(&base, &[k("alarm")]), format!("alarm `{}` is an M-out-of-N alarm ({} of {}); Route 53 health checks do not support M-out-of-N alarms: set datapoints_to_alarm = evaluation_periods", a.name, a.rule.datapoints_to_alarm, a.rule.evaluation_periods));
                        }
                    }
                }
                HealthCheckType::Alarm {
                    alarm: alarm.unwrap_or(0),
                    insufficient_data: h
                        .insufficient_data
                        .unwrap_or(InsufficientData::LastKnownStatus),
                }
            }
        };
        health_checks.push(HealthCheckSpec {
            name: h.name.clone(),
            kind,
            inverted: h.inverted.unwrap_or(false),
            disabled: h.disabled.unwrap_or(false),
        });
    }

    // [dns]
    let dbase = vec![k("dns")];
    let d = &raw.dns;
    if d.fqdn.is_empty()
        || d.fqdn.len() > 255
        || !d
            .fqdn
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        v.err(
            at(&dbase, &[k("fqdn")]),
            "allowed: 1-255 letters, digits, `.` and `-` (WorkSpaces connection string)",
        );
    }
    let ttl_ms = v.dur_or(at(&dbase, &[k("ttl")]), d.ttl.as_ref(), 300_000);
    if ttl_ms % 1000 != 0 {
        v.err(at(&dbase, &[k("ttl")]), "DNS TTLs are whole seconds");
    }
    let health_propagation_ms = v.dur_or(
        at(&dbase, &[k("health_propagation")]),
        d.health_propagation.as_ref(),
        10_000,
    );
    let edit_propagation_ms = v.dur_or(
        at(&dbase, &[k("edit_propagation")]),
        d.edit_propagation.as_ref(),
        60_000,
    );
    let rbase = at(&dbase, &[k("routing")]);
    let hc_names = v.health_checks.clone();
    let record = |v: &mut V, path: P, region: &str, hc: Option<&String>, weight: u32| RecordSpec {
        region: v.region(at(&path, &[k("region")]), region).unwrap_or(0),
        health_check: hc.and_then(|h| {
            v.lookup(
                at(&path, &[k("health_check")]),
                h,
                "health check",
                &hc_names,
            )
        }),
        weight,
    };
    let routing = match &d.routing {
        RawRouting::Failover { primary, secondary } => {
            let mut chain = vec![record(
                &mut v,
                at(&rbase, &[k("primary")]),
                &primary.region,
                primary.health_check.as_ref(),
                0,
            )];
            for (j, s) in secondary.as_slice().iter().enumerate() {
                let p = match secondary {
                    OneOrMany::One(_) => at(&rbase, &[k("secondary")]),
                    OneOrMany::Many(_) => at(&rbase, &[k("secondary"), PathSeg::Index(j)]),
                };
                chain.push(record(&mut v, p, &s.region, s.health_check.as_ref(), 0));
            }
            if secondary.as_slice().is_empty() {
                v.err(
                    at(&rbase, &[k("secondary")]),
                    "failover routing needs at least one secondary record",
                );
            }
            let mut seen = BTreeSet::new();
            for r in &chain {
                if !seen.insert(r.region) {
                    v.err(
                        rbase.clone(),
                        format!(
                            "Region `{}` appears twice in the failover chain",
                            v.regions[r.region]
                        ),
                    );
                }
            }
            Routing::Failover(chain)
        }
        RawRouting::Weighted { records } => {
            let mut out = Vec::new();
            for (j, r) in records.iter().enumerate() {
                let p = at(&rbase, &[k("records"), PathSeg::Index(j)]);
                if r.weight > 255 {
                    v.err(
                        at(&p, &[k("weight")]),
                        format!("{} is out of range; allowed: 0 to 255", r.weight),
                    );
                }
                out.push(record(
                    &mut v,
                    p,
                    &r.region,
                    r.health_check.as_ref(),
                    r.weight,
                ));
            }
            if out.is_empty() {
                v.err(
                    at(&rbase, &[k("records")]),
                    "weighted routing needs at least one record",
                );
            }
            Routing::Weighted(out)
        }
        RawRouting::Simple { region } => {
            Routing::Simple(v.region(at(&rbase, &[k("region")]), region).unwrap_or(0))
        }
    };
    let dns = DnsSpec {
        fqdn: d.fqdn.clone(),
        ttl_ms,
        zone: d.zone.unwrap_or(Zone::Public),
        health_propagation_ms,
        edit_propagation_ms,
        routing,
    };

    // [[resolver]]
    let mut resolvers = Vec::new();
    for (i, r) in raw.resolver.iter().enumerate() {
        let base = vec![k("resolver"), PathSeg::Index(i)];
        let policy = r.ttl_policy.unwrap_or(TtlPolicy::Honor);
        let need = |v: &mut V, present: bool, key: &'static str, pol: &str| {
            if present && format!("{policy:?}").to_lowercase() != pol.replace('_', "") {
                v.err(
                    at(&base, &[k(key)]),
                    format!("`{key}` is only used with ttl_policy = \"{pol}\""),
                );
            }
        };
        need(&mut v, r.min_ttl.is_some(), "min_ttl", "min_ttl");
        need(&mut v, r.max_ttl.is_some(), "max_ttl", "max_ttl");
        need(&mut v, r.extension.is_some(), "extension", "extend");
        let ttl_policy = match policy {
            TtlPolicy::Honor => TtlPolicySpec::Honor,
            TtlPolicy::MinTtl => match &r.min_ttl {
                Some(t) => TtlPolicySpec::MinTtl(v.dur(at(&base, &[k("min_ttl")]), t).unwrap_or(0)),
                None => {
                    v.err(
                        base.clone(),
                        "ttl_policy = \"min_ttl\" needs `min_ttl`, e.g. \"5m\"",
                    );
                    TtlPolicySpec::Honor
                }
            },
            TtlPolicy::MaxTtl => match &r.max_ttl {
                Some(t) => TtlPolicySpec::MaxTtl(v.dur(at(&base, &[k("max_ttl")]), t).unwrap_or(0)),
                None => {
                    v.err(
                        base.clone(),
                        "ttl_policy = \"max_ttl\" needs `max_ttl`, e.g. \"1m\"",
                    );
                    TtlPolicySpec::Honor
                }
            },
            TtlPolicy::Extend => TtlPolicySpec::Extend(v.dist_or(
                at(&base, &[k("extension")]),
                r.extension.as_ref(),
                Dist::LogNormal {
                    median_ms: 600_000,
                    p95_ms: 7_200_000,
                },
            )),
        };
        if r.population.is_some() {
            for (present, key) in [
                (r.ttl_policy.is_some(), "ttl_policy"),
                (r.min_ttl.is_some(), "min_ttl"),
                (r.max_ttl.is_some(), "max_ttl"),
                (r.extension.is_some(), "extension"),
                (r.serve_stale.is_some(), "serve_stale"),
                (r.stale_first.is_some(), "stale_first"),
                (r.prefetch.is_some(), "prefetch"),
            ] {
                if present {
                    v.err(at(&base, &[k(key)]), format!("a population draws each instance's `{key}` from its documented mixture; remove it (or drop `population` to describe one resolver)"));
                }
            }
        }
        if let Some(p) = &r.population {
            if p != "internet" {
                v.err(
                    at(&base, &[k("population")]),
                    format!("unknown population `{p}`; allowed: \"internet\""),
                );
            }
        } else if r.instances.is_some() {
            v.err(
                at(&base, &[k("instances")]),
                "`instances` is only used with `population`",
            );
        }
        let instances = r.instances.unwrap_or(100);
        if !(1..=1_000_000).contains(&instances) {
            v.err(at(&base, &[k("instances")]), "allowed: 1 to 1,000,000");
        }
        resolvers.push(ResolverSpec {
            name: r.name.clone(),
            ttl_policy,
            serve_stale_ms: v.dur_or(at(&base, &[k("serve_stale")]), r.serve_stale.as_ref(), 0),
            stale_first: r.stale_first.unwrap_or(false),
            prefetch: r.prefetch.unwrap_or(false),
            population: r.population.clone(),
            instances,
        });
    }
    if resolvers.is_empty() {
        resolvers.push(ResolverSpec {
            name: "default".into(),
            ttl_policy: TtlPolicySpec::Honor,
            serve_stale_ms: 0,
            stale_first: false,
            prefetch: false,
            population: None,
            instances: 1,
        });
        v.resolvers = vec!["default".into()];
    }

    // [[users]]
    let mut groups = Vec::new();
    let mut total_users: u64 = 0;
    for (i, u) in raw.users.iter().enumerate() {
        let base = vec![k("users"), PathSeg::Index(i)];
        if u.count < 1 || u.count > u32::MAX as i64 {
            v.err(
                at(&base, &[k("count")]),
                format!(
                    "{} users; allowed: 1 or more (at most 4,294,967,295)",
                    u.count
                ),
            );
        }
        let count = u.count.clamp(1, u32::MAX as i64) as u32;
        total_users += u64::from(count);
        let home = v.region(at(&base, &[k("home")]), &u.home).unwrap_or(0);
        let fqdn_share = match &u.registration {
            Some(r) => {
                let f = v.share(
                    at(&base, &[k("registration"), k("fqdn")]),
                    r.fqdn.unwrap_or(0.0),
                );
                let c = v.share(
                    at(&base, &[k("registration"), k("region_code")]),
                    r.region_code.unwrap_or(0.0),
                );
                check_sum(&mut v, at(&base, &[k("registration")]), &[f, c]);
                f
            }
            None => 1.0,
        };
        let mut client_versions = Vec::new();
        match &u.client_versions {
            Some(map) => {
                let mut shares = Vec::new();
                for (ver, share) in map {
                    let p = at(&base, &[k("client_versions"), PathSeg::Name(ver.clone())]);
                    let s = v.share(p.clone(), *share);
                    shares.push(s);
                    match parse_version(ver) {
                        Some(parsed) => client_versions.push(ClientVersion { version: ver.clone(), share: s, redirects: parsed >= MIN_REDIRECT_CLIENT }),
                        None => v.err(p, format!("`{ver}` is not a version; allowed: dotted numbers such as \"5.22.0\"")),
                    }
                }
                if map.is_empty() {
                    v.err(
                        at(&base, &[k("client_versions")]),
                        "give at least one version",
                    );
                } else {
                    check_sum(&mut v, at(&base, &[k("client_versions")]), &shares);
                }
            }
            None => client_versions.push(ClientVersion {
                version: "5.22.0".into(),
                share: 1.0,
                redirects: true,
            }),
        }
        let mut group_resolvers = Vec::new();
        match &u.resolvers {
            Some(map) => {
                let names = v.resolvers.clone();
                let mut shares = Vec::new();
                for (name, share) in map {
                    let p = at(&base, &[k("resolvers"), PathSeg::Name(name.clone())]);
                    let s = v.share(p.clone(), *share);
                    shares.push(s);
                    if let Some(r) = v.lookup(p, name, "resolver", &names) {
                        group_resolvers.push((r, s));
                    }
                }
                if map.is_empty() {
                    v.err(at(&base, &[k("resolvers")]), "give at least one resolver");
                } else {
                    check_sum(&mut v, at(&base, &[k("resolvers")]), &shares);
                }
            }
            None if resolvers.len() == 1 => group_resolvers.push((0, 1.0)),
            None => v.err(base.clone(), format!("several resolvers are defined; say which this group uses: resolvers = {{ {} = 1.0 }}", resolvers[0].name)),
        }
        let client_cache = match u.client_cache.as_deref() {
            None | Some("none") => ClientCache::None,
            Some("honor") => ClientCache::Honor,
            Some(t) => match parse_duration(t) {
                Ok(d) => ClientCache::Fixed(d.ms()),
                Err(_) => {
                    v.err(at(&base, &[k("client_cache")]), format!("`{t}` is not a client cache; allowed: \"none\", \"honor\" or a fixed lifetime such as \"30s\""));
                    ClientCache::None
                }
            },
        };
        let sched = u.schedule.as_ref();
        let sp = at(&base, &[k("schedule")]);
        let start_ms = v.dur_or(
            at(&sp, &[k("start")]),
            sched.and_then(|s| s.start.as_ref()),
            0,
        );
        let ramp_ms = v.dur_or(
            at(&sp, &[k("ramp")]),
            sched.and_then(|s| s.ramp.as_ref()),
            30 * 60_000,
        );
        let session_ms = match sched.and_then(|s| s.session.as_ref()) {
            Some(t) => v
                .positive_dur(at(&sp, &[k("session")]), t)
                .unwrap_or(8 * 3_600_000),
            None => 8 * 3_600_000,
        };
        if duration_ms > 0 && start_ms >= duration_ms {
            v.err(
                at(&sp, &[k("start")]),
                "the group starts work after the scenario ends; allowed: before scenario.duration",
            );
        }
        let bp = at(&base, &[k("behaviour")]);
        let mut behaviour = Behaviour::default();
        if let Some(b) = &u.behaviour {
            let def = Behaviour::default();
            behaviour.detect_disconnect = v.dist_or(
                at(&bp, &[k("detect_disconnect")]),
                b.detect_disconnect.as_ref(),
                def.detect_disconnect,
            );
            behaviour.resume_window_ms = v.dur_or(
                at(&bp, &[k("resume_window")]),
                b.resume_window.as_ref(),
                def.resume_window_ms,
            );
            behaviour.relogin_delay = v.dist_or(
                at(&bp, &[k("relogin_delay")]),
                b.relogin_delay.as_ref(),
                def.relogin_delay,
            );
            if let Some(bo) = &b.retry_backoff {
                let ini = v.positive_dur(at(&bp, &[k("retry_backoff"), k("initial")]), &bo.initial);
                let max = v.positive_dur(at(&bp, &[k("retry_backoff"), k("max")]), &bo.max);
                if let (Some(ini), Some(max)) = (ini, max) {
                    if max < ini {
                        v.err(
                            at(&bp, &[k("retry_backoff"), k("max")]),
                            "allowed: max >= initial",
                        );
                    }
                    behaviour.backoff_initial_ms = ini;
                    behaviour.backoff_max_ms = max.max(ini);
                }
            }
            if let Some(p) = b.restart_probability {
                behaviour.restart_probability = v.share(at(&bp, &[k("restart_probability")]), p);
            }
            if let Some(n) = b.restart_after_failures {
                if n < 1 {
                    v.err(
                        at(&bp, &[k("restart_after_failures")]),
                        "allowed: 1 or more",
                    );
                }
                behaviour.restart_after_failures = n.max(1);
            }
            behaviour.restart_time = v.dist_or(
                at(&bp, &[k("restart_time")]),
                b.restart_time.as_ref(),
                def.restart_time,
            );
            behaviour.reauth_every_ms =
                v.dur_or(at(&bp, &[k("reauth_every")]), b.reauth_every.as_ref(), 0);
            behaviour.failed_login_time = v.dist_or(
                at(&bp, &[k("failed_login_time")]),
                b.failed_login_time.as_ref(),
                def.failed_login_time,
            );
        }
        groups.push(GroupSpec {
            name: u.name.clone(),
            count,
            home,
            fqdn_share,
            client_versions,
            resolvers: group_resolvers,
            on_vpn: u
                .on_vpn
                .map_or(1.0, |x| v.share(at(&base, &[k("on_vpn")]), x)),
            failover_workspaces: u
                .failover_workspaces
                .map_or(1.0, |x| v.share(at(&base, &[k("failover_workspaces")]), x)),
            client_cache,
            start_ms,
            ramp_ms,
            session_ms,
            behaviour,
        });
    }
    if raw.users.is_empty() {
        v.err(vec![], "no [[users]] defined; allowed: at least one group");
    }
    if total_users > 100_000_000 {
        v.err(
            vec![k("users")],
            format!("{total_users} users in all; allowed: at most 100,000,000"),
        );
    }

    // [[event]]
    let mut events = Vec::new();
    for (i, e) in raw.event.iter().enumerate() {
        let base = vec![k("event"), PathSeg::Index(i)];
        let kind_name = format!("{:?}", e.kind);
        let (at_ms, end_ms) = v.window(&base, e);
        let is_fault = matches!(
            e.kind,
            EventKind::RegionOutage
                | EventKind::CheckerPartition
                | EventKind::DnsOutage
                | EventKind::ResolverOutage
        );
        let reverts = matches!(
            e.kind,
            EventKind::DisableHealthCheck | EventKind::InvertHealthCheck
        );
        if !is_fault && !reverts && (e.duration.is_some() || e.until.is_some()) {
            v.err(
                at(&base, &[k("duration")]),
                format!("`{kind_name}` happens at one instant; remove `duration`/`until`"),
            );
        }
        let uses_region = matches!(
            e.kind,
            EventKind::RegionOutage | EventKind::SetRecord | EventKind::DisconnectUsers
        );
        v.forbid(
            &base,
            !uses_region && e.region.is_some(),
            "region",
            &kind_name,
        );
        v.forbid(
            &base,
            e.kind != EventKind::RegionOutage && e.planes.is_some(),
            "planes",
            &kind_name,
        );
        v.forbid(
            &base,
            e.kind != EventKind::RegionOutage && e.severity.is_some(),
            "severity",
            &kind_name,
        );
        v.forbid(
            &base,
            e.kind != EventKind::CheckerPartition && e.checker_regions.is_some(),
            "checker_regions",
            &kind_name,
        );
        v.forbid(
            &base,
            e.kind != EventKind::CheckerPartition && e.target.is_some(),
            "target",
            &kind_name,
        );
        v.forbid(
            &base,
            e.kind != EventKind::ResolverOutage && e.resolver.is_some(),
            "resolver",
            &kind_name,
        );
        v.forbid(
            &base,
            !reverts && e.health_check.is_some(),
            "health_check",
            &kind_name,
        );
        v.forbid(
            &base,
            e.kind != EventKind::DomainLapse && e.hijacked.is_some(),
            "hijacked",
            &kind_name,
        );
        let need_region = |v: &mut V| match &e.region {
            Some(r) => v.region(at(&base, &[k("region")]), r),
            None => {
                v.err(base.clone(), "this event needs `region`");
                None
            }
        };
        let hc_names = v.health_checks.clone();
        let need_check = |v: &mut V| match &e.health_check {
            Some(h) => v.lookup(
                at(&base, &[k("health_check")]),
                h,
                "health check",
                &hc_names,
            ),
            None => {
                v.err(base.clone(), "this event needs `health_check`");
                None
            }
        };
        let action = match e.kind {
            EventKind::RegionOutage => {
                let region = need_region(&mut v);
                let planes = match &e.planes {
                    Some(ps) if ps.is_empty() => {
                        v.err(at(&base, &[k("planes")]), "allowed: one or more of \"sessions\", \"logins\", \"endpoint\", \"metrics\"");
                        PlaneSet::ALL
                    }
                    Some(ps) => PlaneSet(ps.iter().fold(0, |acc, p| acc | PlaneSet::bit(*p))),
                    None => PlaneSet::ALL,
                };
                let severity = e.severity.unwrap_or(1.0);
                if !(severity > 0.0 && severity <= 1.0) {
                    v.err(at(&base, &[k("severity")]), format!("{severity} is out of range; allowed: greater than 0, at most 1 (1 = hard outage)"));
                }
                region.map(|region| EventAction::RegionOutage {
                    region,
                    planes,
                    severity,
                })
            }
            EventKind::CheckerPartition => {
                let mut cr = Vec::new();
                match &e.checker_regions {
                    Some(list) if !list.is_empty() => {
                        for (j, n) in list.iter().enumerate() {
                            if let Some(c) = v.checker_region(at(&base, &[k("checker_regions"), PathSeg::Index(j)]), n) {
                                cr.push(c);
                            }
                        }
                    }
                    _ => v.err(base.clone(), "a checker_partition needs `checker_regions = [...]` (Route 53 checker Regions)"),
                }
                let target = match &e.target {
                    Some(t) => v.region(at(&base, &[k("target")]), t),
                    None => {
                        v.err(base.clone(), "a checker_partition needs `target`, the Region the checkers cannot reach");
                        None
                    }
                };
                target.map(|target| EventAction::CheckerPartition {
                    checker_regions: cr,
                    target,
                })
            }
            EventKind::DnsOutage => Some(EventAction::DnsOutage),
            EventKind::ResolverOutage => {
                let names = v.resolvers.clone();
                match &e.resolver {
                    Some(r) => v
                        .lookup(at(&base, &[k("resolver")]), r, "resolver", &names)
                        .map(|resolver| EventAction::ResolverOutage { resolver }),
                    None => {
                        v.err(base.clone(), "a resolver_outage needs `resolver`");
                        None
                    }
                }
            }
            EventKind::SetRecord => {
                need_region(&mut v).map(|region| EventAction::SetRecord { region })
            }
            EventKind::DisableHealthCheck => need_check(&mut v)
                .map(|health_check| EventAction::DisableHealthCheck { health_check }),
            EventKind::InvertHealthCheck => need_check(&mut v)
                .map(|health_check| EventAction::InvertHealthCheck { health_check }),
            EventKind::DisconnectUsers => {
                need_region(&mut v).map(|region| EventAction::DisconnectUsers { region })
            }
            EventKind::DomainLapse => Some(EventAction::DomainLapse {
                hijacked: e.hijacked.unwrap_or(false),
            }),
        };
        if let Some(action) = action {
            events.push(EventSpec {
                name: e.name.clone(),
                at_ms,
                end_ms: end_ms.map(|t| t.min(duration_ms.max(at_ms))),
                action,
            });
        }
    }
    events.sort_by_key(|e| e.at_ms);

    // [[expect]]
    let mut expectations = Vec::new();
    for (i, x) in raw.expect.iter().enumerate() {
        let base = vec![k("expect"), PathSeg::Index(i)];
        let metric = crate::metric::Metric::from_name(&x.metric);
        if metric.is_none() {
            v.err(
                at(&base, &[k("metric")]),
                format!(
                    "unknown summary metric `{}`; allowed: {}",
                    x.metric,
                    crate::metric::Metric::names()
                ),
            );
        }
        let is_ms = x.metric.ends_with("_ms");
        let bound = |v: &mut V, key: &'static str, b: &Option<NumberOrDuration>| -> Option<f64> {
            match b.as_ref()? {
                NumberOrDuration::Int(n) => Some(*n as f64),
                NumberOrDuration::Float(f) => Some(*f),
                NumberOrDuration::Text(t) if is_ms => {
                    v.dur(at(&base, &[k(key)]), t).map(|d| d as f64)
                }
                NumberOrDuration::Text(t) => {
                    v.err(
                        at(&base, &[k(key)]),
                        format!(
                            "`{t}`: durations are only allowed for *_ms metrics; give a number"
                        ),
                    );
                    None
                }
            }
        };
        let min = bound(&mut v, "min", &x.min);
        let max = bound(&mut v, "max", &x.max);
        if x.min.is_none() && x.max.is_none() {
            v.err(base.clone(), "an expectation needs `min`, `max` or both");
        }
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                v.err(at(&base, &[k("max")]), "max is below min");
            }
        }
        if let Some(metric) = metric {
            expectations.push(Expectation { metric, min, max });
        }
    }

    if !v.problems.is_empty() {
        return Err(v.problems);
    }
    Ok(Scenario {
        name: raw.scenario.name.clone(),
        seed: raw.scenario.seed.unwrap_or(1),
        duration_ms,
        series_step_ms,
        regions,
        metrics,
        alarms,
        health_checks,
        dns,
        resolvers,
        groups,
        events,
        expectations,
    })
}

impl From<RawStatistic> for Statistic {
    fn from(raw: RawStatistic) -> Self {
        match raw {
            RawStatistic::Average => Statistic::Average,
            RawStatistic::Minimum => Statistic::Minimum,
            RawStatistic::Maximum => Statistic::Maximum,
            RawStatistic::Sum => Statistic::Sum,
            RawStatistic::SampleCount => Statistic::SampleCount,
        }
    }
}

impl From<RawComparison> for Comparison {
    fn from(raw: RawComparison) -> Self {
        match raw {
            RawComparison::LessThanThreshold => Comparison::LessThanThreshold,
            RawComparison::LessThanOrEqualToThreshold => Comparison::LessThanOrEqualToThreshold,
            RawComparison::GreaterThanThreshold => Comparison::GreaterThanThreshold,
            RawComparison::GreaterThanOrEqualToThreshold => {
                Comparison::GreaterThanOrEqualToThreshold
            }
        }
    }
}

impl From<RawTreatMissingData> for TreatMissingData {
    fn from(raw: RawTreatMissingData) -> Self {
        match raw {
            RawTreatMissingData::Missing => TreatMissingData::Missing,
            RawTreatMissingData::NotBreaching => TreatMissingData::NotBreaching,
            RawTreatMissingData::Breaching => TreatMissingData::Breaching,
            RawTreatMissingData::Ignore => TreatMissingData::Ignore,
        }
    }
}
