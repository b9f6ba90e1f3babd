//! Expectations (`[[expect]]`): bounds on summary metrics, checked after a run.
//!
//! [`evaluate`] compares each bound with the run's [`Summary`] and says, in one line, what
//! was measured and what was allowed: `downtime_p95_ms = 2921435 (48m 41.435s); expected at
//! most 900000 (15m)`. Bounds are inclusive. Values of `*_ms` metrics are also shown as a
//! human duration. A metric that has no value in the run (the thing never happened, such as
//! `dns_failover_ms` when the answer never moved) fails every bound: an expectation is a
//! claim about something that should happen.
//!
//! [`junit_xml`] renders the results as JUnit XML (with `quick-junit`) for CI systems: one
//! test suite named after the scenario, one test case per expectation, failures carrying
//! the same message plus the command that reproduces the run. The XML holds no timestamps
//! or durations, so the same run always writes the same bytes.

use crate::metric::MetricRef;
use crate::report::Summary;
use crate::scenario::Expectation;
use crate::time::format_ms;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

/// The outcome of one `[[expect]]` against one run.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectationResult {
    /// The summary metric checked (of every user or of a cohort).
    pub metric: MetricRef,
    /// The run's value; `None` when the metric did not happen.
    pub actual: Option<f64>,
    /// Inclusive lower bound, if any.
    pub min: Option<f64>,
    /// Inclusive upper bound, if any.
    pub max: Option<f64>,
    /// Whether the value is present and within the bounds.
    pub passed: bool,
    /// One line for people: the metric, its value and the bound, e.g.
    /// `downtime_p95_ms = 2921435 (48m 41.435s); expected at most 900000 (15m)`.
    pub message: String,
}

impl ExpectationResult {
    /// The bound alone, as in the message: `at most 900000 (15m)`.
    pub fn bound_text(&self) -> String {
        describe_bounds(&self.metric, self.min, self.max)
    }
}

/// Checks every expectation against a run's values (`value` gives a metric's value, of
/// every user or of a cohort: `Report::metric`), in the order given.
pub fn evaluate(
    expectations: &[Expectation],
    value: impl Fn(&MetricRef) -> Option<f64>,
) -> Vec<ExpectationResult> {
    expectations
        .iter()
        .map(|x| {
            let actual = value(&x.metric);
            let bound = describe_bounds(&x.metric, x.min, x.max);
            let (passed, message) = match actual {
                None => (
                    false,
                    format!(
                        "{}: no value (it did not happen); expected {bound}",
                        x.metric
                    ),
                ),
                Some(v) => {
                    let within = x.min.is_none_or(|m| v >= m) && x.max.is_none_or(|m| v <= m);
                    (
                        within,
                        format!(
                            "{} = {}; expected {bound}",
                            x.metric,
                            show_value(&x.metric, v)
                        ),
                    )
                }
            };
            ExpectationResult {
                metric: x.metric.clone(),
                actual,
                min: x.min,
                max: x.max,
                passed,
                message,
            }
        })
        .collect()
}

/// A value as in `summary.csv`, followed for `*_ms` metrics by a human duration:
/// `2921435 (48m 41.435s)`.
pub fn show_value(metric: &MetricRef, v: f64) -> String {
    let plain = Summary::format_value(Some(v));
    if metric.is_duration() {
        format!("{plain} ({})", format_ms(v.max(0.0).round() as u64))
    } else {
        plain
    }
}

/// `between A and B`, `at least A` or `at most B`, values shown as by [`show_value`].
pub fn describe_bounds(metric: &MetricRef, min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!(
            "between {} and {}",
            show_value(metric, a),
            show_value(metric, b)
        ),
        (Some(a), None) => format!("at least {}", show_value(metric, a)),
        (None, Some(b)) => format!("at most {}", show_value(metric, b)),
        // Validation requires a bound; say so rather than pretend.
        (None, None) => "a bound (none given)".to_string(),
    }
}

/// What a JUnit report says about the run besides its expectations: the reproduce command
/// (shell-quoted), the seed and the `--set` overrides, which become `<properties>` of the
/// suite so that a CI page shows what was overridden.
#[derive(Clone, Copy, Debug)]
pub struct JunitContext<'a> {
    /// The shell-quoted command that reproduces the run.
    pub reproduce: &'a str,
    /// The seed, when the run got as far as choosing one.
    pub seed: Option<u64>,
    /// `--set` overrides, in order.
    pub overrides: &'a [String],
}

/// JUnit XML for a run's expectations: one `<testsuite>` named after the scenario, one
/// `<testcase>` per expectation (name `<metric> <bound>`, class name `failsim.expect`).
/// A failed expectation carries a `<failure>` whose message is
/// [`ExpectationResult::message`] and whose text adds `reproduce: <command>`; the suite's
/// `<system-out>` holds the reproduce command as well.
pub fn junit_xml(
    scenario_name: &str,
    results: &[ExpectationResult],
    context: &JunitContext<'_>,
) -> String {
    let reproduce_command = context.reproduce;
    let mut suite = suite(scenario_name, context);
    for r in results {
        let name = format!("{} {}", r.metric, r.bound_text());
        let status = if r.passed {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(r.message.as_str())
                .set_type("expectation")
                .set_description(format!("{}\nreproduce: {reproduce_command}", r.message));
            s
        };
        let mut case = TestCase::new(name, status);
        case.set_classname("failsim.expect");
        case.set_system_out(r.message.as_str());
        suite.add_test_case(case);
    }
    render(suite)
}

/// JUnit XML for a scenario that could not be loaded: one failing test case `scenario is
/// valid` whose text is the error, so that CI shows a failure rather than "no tests".
pub fn junit_invalid(scenario: &str, error: &str, context: &JunitContext<'_>) -> String {
    let mut suite = suite(scenario, context);
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    let first = error.lines().next().unwrap_or("invalid scenario");
    status
        .set_message(first)
        .set_type("invalid scenario")
        .set_description(format!("{error}\nreproduce: {}", context.reproduce));
    let mut case = TestCase::new("scenario is valid", status);
    case.set_classname("failsim.check");
    suite.add_test_case(case);
    render(suite)
}

fn suite(name: &str, context: &JunitContext<'_>) -> TestSuite {
    let mut suite = TestSuite::new(name);
    if let Some(seed) = context.seed {
        suite.add_property(("seed", seed.to_string().as_str()));
    }
    for o in context.overrides {
        suite.add_property(("set", o.as_str()));
    }
    suite.set_system_out(format!("reproduce: {}\n", context.reproduce));
    suite
}

fn render(suite: TestSuite) -> String {
    let mut report = Report::new("failsim");
    report.add_test_suite(suite);
    // Serialising into memory fails only on a bug in quick-junit (writing to a Vec cannot
    // fail and every string is valid UTF-8); keep the contract total anyway.
    report.to_string().unwrap_or_else(|e| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- failsim could not render JUnit XML: {} -->\n<testsuites/>\n",
            e.to_string().replace("--", "- -")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metric::Metric;

    fn summary(values: &[(Metric, Option<f64>)]) -> impl Fn(&MetricRef) -> Option<f64> {
        let s = Summary {
            values: values.to_vec(),
        };
        move |m: &MetricRef| s.get(m.metric)
    }

    fn expect(metric: Metric, min: Option<f64>, max: Option<f64>) -> Expectation {
        Expectation {
            metric: metric.into(),
            min,
            max,
        }
    }

    #[test]
    fn failed_upper_bound_says_value_duration_and_bound() {
        let s = summary(&[(Metric::DowntimeP95Ms, Some(2_921_435.0))]);
        let r = evaluate(&[expect(Metric::DowntimeP95Ms, None, Some(900_000.0))], s);
        assert_eq!(r.len(), 1);
        assert!(!r[0].passed);
        assert_eq!(
            r[0].message,
            "downtime_p95_ms = 2921435 (48m 41.435s); expected at most 900000 (15m)"
        );
        assert_eq!(r[0].actual, Some(2_921_435.0));
    }

    #[test]
    fn bounds_are_inclusive_and_plain_metrics_have_no_duration() {
        let s = summary(&[
            (Metric::Users, Some(200.0)),
            (Metric::UsersMisdirected, Some(0.0)),
        ]);
        let r = evaluate(
            &[
                expect(Metric::Users, Some(200.0), Some(200.0)),
                expect(Metric::UsersMisdirected, None, Some(0.0)),
                expect(Metric::Users, Some(201.0), None),
            ],
            s,
        );
        assert!(r[0].passed && r[1].passed, "{r:?}");
        assert!(!r[2].passed);
        assert_eq!(r[2].message, "users = 200; expected at least 201");
        assert_eq!(r[0].message, "users = 200; expected between 200 and 200");
    }

    #[test]
    fn a_metric_that_did_not_happen_fails() {
        let s = summary(&[(Metric::DnsFailoverMs, None)]);
        let r = evaluate(&[expect(Metric::DnsFailoverMs, None, Some(300_000.0))], s);
        assert!(!r[0].passed);
        assert_eq!(r[0].actual, None);
        assert_eq!(
            r[0].message,
            "dns_failover_ms: no value (it did not happen); expected at most 300000 (5m)"
        );
    }

    #[test]
    fn junit_has_one_case_per_expectation_and_failures_carry_the_message() {
        let s = summary(&[
            (Metric::DowntimeP95Ms, Some(2_921_435.0)),
            (Metric::Users, Some(10.0)),
        ]);
        let r = evaluate(
            &[
                expect(Metric::DowntimeP95Ms, None, Some(900_000.0)),
                expect(Metric::Users, Some(1.0), None),
            ],
            s,
        );
        let context = JunitContext {
            reproduce: "failsim run x.toml --seed 7",
            seed: Some(7),
            overrides: &["dns.ttl=30s".to_string()],
        };
        let xml = junit_xml("a <b> & \"c\"", &r, &context);
        assert!(
            xml.contains(r#"<property name="set" value="dns.ttl=30s"/>"#)
                && xml.contains(r#"<property name="seed" value="7"/>"#),
            "{xml}"
        );
        assert!(xml.starts_with("<?xml"), "{xml}");
        assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
        assert_eq!(xml.matches("<failure").count(), 1, "{xml}");
        assert!(
            xml.contains(r#"tests="2""#) && xml.contains(r#"failures="1""#),
            "{xml}"
        );
        assert!(
            xml.contains("expected at most 900000 (15m)")
                && xml.contains("reproduce: failsim run x.toml --seed 7"),
            "{xml}"
        );
        // Names are escaped, not pasted.
        assert!(xml.contains("a &lt;b&gt; &amp;"), "{xml}");
        assert!(
            !xml.contains("timestamp=") && !xml.contains("time="),
            "{xml}"
        );
        // Same input, same bytes.
        assert_eq!(xml, junit_xml("a <b> & \"c\"", &r, &context));
    }

    #[test]
    fn junit_without_expectations_is_an_empty_suite() {
        let context = JunitContext {
            reproduce: "failsim run s.toml --seed 1",
            seed: Some(1),
            overrides: &[],
        };
        let xml = junit_xml("s", &[], &context);
        assert!(
            xml.contains(r#"tests="0""#) && xml.contains("<testsuite "),
            "{xml}"
        );
    }

    #[test]
    fn an_invalid_scenario_is_one_failing_case() {
        let context = JunitContext {
            reproduce: "failsim run 'my scenario.toml'",
            seed: None,
            overrides: &[],
        };
        let xml = junit_invalid("s.toml", "s.toml:3:1: error: unknown field `tll`", &context);
        assert!(
            xml.contains(r#"tests="1""#) && xml.contains("<error "),
            "{xml}"
        );
        assert!(xml.contains("unknown field `tll`"), "{xml}");
        assert!(
            xml.contains("reproduce: failsim run &apos;my scenario.toml&apos;")
                || xml.contains("reproduce: failsim run 'my scenario.toml'"),
            "{xml}"
        );
    }
}
