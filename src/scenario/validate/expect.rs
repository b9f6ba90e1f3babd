//! `[[expect]]`: bounds on summary metrics, checked after a run (exit 1 when one fails).

use super::fields::{at, entry, key, FieldPath, Validator};
use crate::metric::{CohortNames, MetricRef};
use crate::scenario::raw::{NumberOrDuration, RawExpect};
use crate::scenario::spec::GroupSpec;
use crate::scenario::Expectation;

pub(super) fn expectations(
    validator: &mut Validator,
    raw: &[RawExpect],
    groups: &[GroupSpec],
) -> Vec<Expectation> {
    let names = cohort_names(validator, groups);
    let mut expectations = Vec::new();
    for (i, expect) in raw.iter().enumerate() {
        let base = entry("expect", i);
        let metric = MetricRef::parse(&expect.metric).and_then(|m| match &m.cohort {
            Some(c) => names.check(c).map(|()| m),
            None => Ok(m),
        });
        let metric = match metric {
            Ok(m) => Some(m),
            Err(message) => {
                validator.report(at(&base, &[key("metric")]), message);
                None
            }
        };
        let in_ms = metric.as_ref().is_some_and(MetricRef::is_duration)
            || (metric.is_none() && expect.metric.contains("_ms"));
        let min = bound(validator, &base, "min", expect.min.as_ref(), in_ms);
        let max = bound(validator, &base, "max", expect.max.as_ref(), in_ms);
        if expect.min.is_none() && expect.max.is_none() {
            validator.report(base.clone(), "an expectation needs `min`, `max` or both");
        }
        if let (Some(min), Some(max)) = (min, max) {
            if min > max {
                validator.report(at(&base, &[key("max")]), "max is below min");
            }
        }
        if let Some(metric) = metric {
            expectations.push(Expectation { metric, min, max });
        }
    }
    expectations
}

/// The cohort values of this scenario (the same as `report::Membership::names`).
fn cohort_names(validator: &Validator, groups: &[GroupSpec]) -> CohortNames {
    let mut clients: Vec<String> = Vec::new();
    for v in groups.iter().flat_map(|g| &g.client_versions) {
        if !clients.contains(&v.version) {
            clients.push(v.version.clone());
        }
    }
    CohortNames {
        groups: groups.iter().map(|g| g.name.clone()).collect(),
        clients,
        resolvers: validator.resolvers.clone(),
        regions: validator.regions.clone(),
    }
}

/// A bound as a number; a duration string only for a metric in milliseconds.
fn bound(
    validator: &mut Validator,
    base: &FieldPath,
    field: &'static str,
    raw: Option<&NumberOrDuration>,
    in_ms: bool,
) -> Option<f64> {
    match raw? {
        NumberOrDuration::Int(n) => Some(*n as f64),
        // `inf` would stretch a chart's axis without end and `nan` compares false with
        // everything (shards carrying it could never be merged): refuse both.
        NumberOrDuration::Float(f) if !f.is_finite() => {
            validator.report(
                at(base, &[key(field)]),
                format!("{f} is not a finite number; allowed: a finite number (omit `{field}` for no bound)"),
            );
            None
        }
        NumberOrDuration::Float(f) => Some(*f),
        NumberOrDuration::Text(t) if in_ms => validator
            .duration(at(base, &[key(field)]), t)
            .map(|ms| ms as f64),
        NumberOrDuration::Text(t) => {
            validator.report(
                at(base, &[key(field)]),
                format!("`{t}`: durations are only allowed for *_ms metrics; give a number"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};

    #[test]
    fn non_finite_expect_bounds_looped_for_ever() {
        for (bound, value) in [("max", "inf"), ("min", "-inf"), ("max", "nan")] {
            let problems = problems_of(&format!(
                "{BASE}\n[[expect]]\nmetric = \"users\"\n{bound} = {value}\n"
            ));
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].field, format!("expect[0].{bound}"));
            assert!(problems[0].message.contains("is not a finite number"));
        }
    }

    #[test]
    fn an_unknown_metric_lists_the_summary_metrics() {
        let problems = problems_of(&format!(
            "{BASE}\n[[expect]]\nmetric = \"downtime\"\nmax = 1\n"
        ));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "expect[0].metric");
        assert!(problems[0]
            .message
            .starts_with("unknown summary metric `downtime`; allowed: seed, users,"));
    }

    #[test]
    fn cohort_metrics_are_checked_against_the_scenario() {
        let text = format!(
            "{BASE}\n[[expect]]\nmetric = \"downtime_p95_ms{{redirect=redirectable}}\"\nmax = \"15m\"\n"
        );
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        assert_eq!(
            scenario.expectations[0].metric.to_string(),
            "downtime_p95_ms{redirect=redirectable}"
        );
        assert_eq!(scenario.expectations[0].max, Some(900_000.0));
        let problems = problems_of(&format!(
            "{BASE}\n[[expect]]\nmetric = \"users{{group=nobody}}\"\nmax = 1\n"
        ));
        assert_eq!(problems[0].field, "expect[0].metric");
        assert!(
            problems[0].message.starts_with(
                "no cohort `group=nobody` in this scenario; allowed values of `group`: "
            ),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn durations_bound_only_millisecond_metrics() {
        let text = format!("{BASE}\n[[expect]]\nmetric = \"downtime_p95_ms\"\nmax = \"15m\"\n");
        let scenario = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        assert_eq!(scenario.expectations[0].max, Some(900_000.0));
        let problems = problems_of(&format!(
            "{BASE}\n[[expect]]\nmetric = \"users\"\nmin = \"5m\"\n"
        ));
        assert_eq!(problems[0].field, "expect[0].min");
        assert_eq!(
            problems[0].message,
            "`5m`: durations are only allowed for *_ms metrics; give a number"
        );
    }

    #[test]
    fn an_expectation_needs_a_bound_in_order() {
        let problems = problems_of(&format!("{BASE}\n[[expect]]\nmetric = \"users\"\n[[expect]]\nmetric = \"users\"\nmin = 5\nmax = 1\n"));
        assert_eq!(problems[0].field, "expect[0]");
        assert_eq!(
            problems[0].message,
            "an expectation needs `min`, `max` or both"
        );
        assert_eq!(problems[1].field, "expect[1].max");
        assert_eq!(problems[1].message, "max is below min");
    }
}
