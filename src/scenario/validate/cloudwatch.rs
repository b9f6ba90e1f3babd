//! `[[metric]]` and `[[alarm]]`: CloudWatch metrics and the metric alarms on them. The
//! CloudWatch limits themselves (alarm periods, N, M, the evaluation interval, metric
//! resolutions) belong to [`crate::model::alarm`]; this table reports each broken limit
//! against the key that sets it. The raw enums become the alarm module's own enums here, once.

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::model::alarm::{
    is_metric_resolution, AlarmSpec, Comparison, InvalidAlarmSpec, Statistic, TreatMissingData,
};
use crate::scenario::raw::{
    MetricSource, RawAlarm, RawComparison, RawDatapoint, RawMetric, RawStatistic,
    RawTreatMissingData,
};
use crate::scenario::{MetricAlarm, MetricSpec, PathSeg};

pub(super) fn metrics(validator: &mut Validator, raw: &[RawMetric]) -> Vec<MetricSpec> {
    let mut metrics = Vec::new();
    for (i, metric) in raw.iter().enumerate() {
        let base = entry("metric", i);
        let region = validator
            .region(at(&base, &[key("region")]), &metric.region)
            .unwrap_or(0);
        let target = target(validator, &base, metric);
        let resolution_ms = validator.positive_duration_or(
            at(&base, &[key("resolution")]),
            metric.resolution.as_ref(),
            MetricSpec::DEFAULT_RESOLUTION_MS,
        );
        if !is_metric_resolution(resolution_ms) {
            validator.report(
                at(&base, &[key("resolution")]),
                "allowed: 1s, 5s, 10s, 30s or a multiple of 60s (CloudWatch resolutions)",
            );
        }
        let delay_ms = validator.duration_or(
            at(&base, &[key("delay")]),
            metric.delay.as_ref(),
            MetricSpec::DEFAULT_DELAY_MS,
        );
        let datapoints = match (&metric.datapoints, metric.source) {
            (Some(datapoints), MetricSource::Scripted) => scripted(validator, &base, datapoints),
            (Some(_), _) => {
                validator.report(
                    at(&base, &[key("datapoints")]),
                    "only `scripted` metrics take datapoints",
                );
                Vec::new()
            }
            (None, MetricSource::Scripted) => {
                validator.report(
                    base.clone(),
                    "a scripted metric needs `datapoints = [{ at = \"5m\", value = 1.0 }, ...]`",
                );
                Vec::new()
            }
            (None, _) => Vec::new(),
        };
        metrics.push(MetricSpec {
            name: metric.name.clone(),
            source: metric.source,
            region,
            target,
            resolution_ms,
            delay_ms,
            datapoints,
        });
    }
    metrics
}

/// The Region a metric observes: required for a canary, absent for a scripted metric.
fn target(validator: &mut Validator, base: &FieldPath, metric: &RawMetric) -> Option<usize> {
    match (&metric.target, metric.source) {
        (Some(t), MetricSource::Canary) => validator.region(at(base, &[key("target")]), t),
        (None, MetricSource::Canary) => {
            validator.report(
                base.clone(),
                "a canary metric needs `target`, the Region its probes call",
            );
            None
        }
        (Some(_), MetricSource::Scripted) => {
            validator.report(
                at(base, &[key("target")]),
                "scripted metrics have no target; remove it",
            );
            None
        }
        // connected_users / login_failures count users of `target` (default: `region`).
        (Some(t), _) => validator.region(at(base, &[key("target")]), t),
        (None, _) => None,
    }
}

/// Scripted datapoints `(at_ms, value)`, sorted by time.
fn scripted(validator: &mut Validator, base: &FieldPath, raw: &[RawDatapoint]) -> Vec<(u64, f64)> {
    let mut datapoints = Vec::new();
    for (j, datapoint) in raw.iter().enumerate() {
        let path = at(base, &[key("datapoints"), PathSeg::Index(j)]);
        if !datapoint.value.is_finite() {
            validator.report(
                at(&path, &[key("value")]),
                format!(
                    "{} is not a metric value; allowed: a finite number",
                    datapoint.value
                ),
            );
            continue;
        }
        if let Some(at_ms) = validator.duration(at(&path, &[key("at")]), &datapoint.at) {
            datapoints.push((at_ms, datapoint.value));
        }
    }
    datapoints.sort_by_key(|d| d.0);
    datapoints
}

pub(super) fn alarms(validator: &mut Validator, raw: &[RawAlarm]) -> Vec<MetricAlarm> {
    let mut alarms = Vec::new();
    for (i, alarm) in raw.iter().enumerate() {
        let base = entry("alarm", i);
        let names = std::mem::take(&mut validator.metrics);
        let metric = validator
            .lookup(at(&base, &[key("metric")]), &alarm.metric, "metric", &names)
            .unwrap_or(0);
        validator.metrics = names;
        // An invalid period was reported; 60 s stands in so the other limits can be checked.
        let period_ms = validator
            .positive_duration(at(&base, &[key("period")]), &alarm.period)
            .unwrap_or(60_000);
        let rule = AlarmSpec {
            period_ms,
            evaluation_periods: alarm.evaluation_periods,
            datapoints_to_alarm: alarm
                .datapoints_to_alarm
                .unwrap_or(alarm.evaluation_periods),
            statistic: alarm
                .statistic
                .map_or(MetricAlarm::DEFAULT_STATISTIC, Statistic::from),
            comparison: alarm.comparison.into(),
            threshold: alarm.threshold,
            treat_missing_data: alarm.treat_missing_data.map_or(
                MetricAlarm::DEFAULT_TREAT_MISSING_DATA,
                TreatMissingData::from,
            ),
        };
        for problem in rule.violations() {
            let (field, message) = limit_message(&problem, alarm);
            validator.report(at(&base, &[key(field)]), message);
        }
        alarms.push(MetricAlarm {
            name: alarm.name.clone(),
            metric,
            rule,
        });
    }
    alarms
}

/// The key a broken CloudWatch limit is reported on, and what the scenario may say instead.
fn limit_message(problem: &InvalidAlarmSpec, alarm: &RawAlarm) -> (&'static str, String) {
    match *problem {
        InvalidAlarmSpec::Period { .. } => (
            "period",
            format!(
                "{} is not a CloudWatch alarm period; allowed: 10s, 20s, 30s or a multiple of 60s",
                alarm.period
            ),
        ),
        InvalidAlarmSpec::EvaluationPeriods => ("evaluation_periods", "allowed: 1 or more".into()),
        InvalidAlarmSpec::EvaluationInterval { .. } => (
            "evaluation_periods",
            "period x evaluation_periods exceeds CloudWatch's limit (1 day for periods under 1 h, else 7 days)".into(),
        ),
        InvalidAlarmSpec::DatapointsToAlarm {
            datapoints_to_alarm,
            evaluation_periods,
        } => (
            "datapoints_to_alarm",
            format!("{datapoints_to_alarm} is out of range; allowed: 1 to evaluation_periods ({evaluation_periods})"),
        ),
        InvalidAlarmSpec::Threshold => ("threshold", "allowed: a finite number".into()),
    }
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

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};

    const CANARY: &str = "\n[[metric]]\nname = \"canary\"\nsource = \"canary\"\nregion = \"east\"\ntarget = \"west\"\n";

    fn alarm(lines: &str) -> String {
        format!("{BASE}{CANARY}\n[[alarm]]\nname = \"down\"\nmetric = \"canary\"\ncomparison = \"less_than_threshold\"\nthreshold = 0.9\n{lines}\n")
    }

    #[test]
    fn an_alarm_holds_the_alarm_rule_with_its_defaults() {
        use crate::model::alarm::{Comparison, Statistic, TreatMissingData};
        let text = alarm("period = \"60s\"\nevaluation_periods = 3");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        let rule = &scenario.alarms[0].rule;
        assert_eq!(rule.datapoints_to_alarm, 3, "M defaults to N");
        assert_eq!(rule.statistic, Statistic::Average);
        assert_eq!(rule.comparison, Comparison::LessThanThreshold);
        assert_eq!(rule.treat_missing_data, TreatMissingData::Missing);
    }

    #[test]
    fn a_period_cloudwatch_rejects_is_reported_with_the_allowed_ones() {
        let problems = problems_of(&alarm("period = \"45s\"\nevaluation_periods = 1"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "alarm.down.period");
        assert_eq!(
            problems[0].message,
            "45s is not a CloudWatch alarm period; allowed: 10s, 20s, 30s or a multiple of 60s"
        );
    }

    #[test]
    fn every_broken_limit_is_reported_on_its_own_key() {
        let text = alarm("period = \"60s\"\nevaluation_periods = 1441\ndatapoints_to_alarm = 1442")
            .replace("threshold = 0.9", "threshold = nan");
        let problems = problems_of(&text);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "alarm.down.evaluation_periods",
                "alarm.down.datapoints_to_alarm",
                "alarm.down.threshold"
            ]
        );
        assert!(problems[0].message.contains("exceeds CloudWatch's limit"));
        assert_eq!(
            problems[1].message,
            "1442 is out of range; allowed: 1 to evaluation_periods (1441)"
        );
    }

    #[test]
    fn an_alarm_on_an_unknown_metric_lists_the_defined_ones() {
        let text = alarm("period = \"60s\"\nevaluation_periods = 1")
            .replace("metric = \"canary\"", "metric = \"canery\"");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "alarm.down.metric");
        assert_eq!(
            problems[0].message,
            "unknown metric `canery`; defined: canary"
        );
    }

    #[test]
    fn a_metric_resolution_must_be_one_cloudwatch_stores() {
        let text = format!("{BASE}{CANARY}resolution = \"7s\"\n");
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "metric.canary.resolution");
        assert!(problems[0].message.starts_with("allowed: 1s, 5s, 10s, 30s"));
    }

    #[test]
    fn a_canary_needs_a_target_and_only_scripted_metrics_take_datapoints() {
        let text = format!(
            "{BASE}{}datapoints = []\n",
            CANARY.replace("target = \"west\"\n", "")
        );
        let problems = problems_of(&text);
        assert_eq!(problems[0].field, "metric.canary");
        assert!(problems[0]
            .message
            .starts_with("a canary metric needs `target`"));
        assert_eq!(problems[1].field, "metric.canary.datapoints");
        assert_eq!(
            problems[1].message,
            "only `scripted` metrics take datapoints"
        );
    }
}
