//! `[[expect]]`: exit codes, messages and JUnit XML.

use crate::util::*;
use std::fs;

#[test]
fn a_failing_expectation_exits_1_with_the_value_and_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{SMALL}\n[[expect]]\nmetric = \"downtime_p95_ms\"\nmax = \"1s\"\n\n[[expect]]\nmetric = \"users\"\nmin = 1\n");
    let s = write_scenario(dir.path(), "x.toml", &text);
    let out = failsim()
        .arg("run")
        .arg(&s)
        .arg("--out")
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("expectation failed: downtime_p95_ms = ")
            && err.contains("expected at most 1000 (1s)"),
        "{err}"
    );
    assert!(!err.contains("expectation failed: users"), "{err}");
    assert!(err.contains("reproduce: failsim run"), "{err}");
}

#[test]
fn expectations_that_hold_exit_0_and_junit_has_no_failures() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), PASSING);
    let junit = dir.path().join("junit.xml");
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(dir.path().join("out"))
            .arg("--no-charts")
            .arg("--junit")
            .arg(&junit),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("expectation failed"), "{err}");
    let xml = fs::read_to_string(&junit).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("well-formed JUnit");
    assert_eq!(report.tests, 2);
    assert_eq!(report.failures, 0);
    assert_eq!(report.test_suites.len(), 1);
    assert_eq!(report.test_suites[0].name.as_str(), "small");
}

#[test]
fn a_failing_expectation_exits_1_and_junit_carries_the_same_message() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), FAILING);
    let junit = dir.path().join("reports").join("junit.xml");
    fs::create_dir_all(junit.parent().unwrap()).unwrap();
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .args(["--seed", "11", "--no-charts", "--junit"])
            .arg(&junit)
            .arg("--out")
            .arg(dir.path().join("out")),
    );
    assert_eq!(code, Some(1), "{err}");
    let failed: Vec<&str> = err
        .lines()
        .filter_map(|l| l.strip_prefix("expectation failed: "))
        .collect();
    assert_eq!(failed.len(), 1, "{err}");
    assert!(
        failed[0].starts_with("downtime_p95_ms = ")
            && failed[0].ends_with("; expected at most 1000 (1s)"),
        "{err}"
    );
    assert!(
        err.contains("reproduce: failsim run ") && err.contains("--seed 11"),
        "{err}"
    );

    let xml = fs::read_to_string(&junit).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).expect("well-formed JUnit");
    assert_eq!((report.tests, report.failures), (3, 1));
    let cases = &report.test_suites[0].test_cases;
    assert_eq!(cases.len(), 3);
    let failures: Vec<_> = cases
        .iter()
        .filter(|c| !matches!(c.status, quick_junit::TestCaseStatus::Success { .. }))
        .collect();
    assert_eq!(failures.len(), 1);
    assert!(failures[0]
        .name
        .as_str()
        .starts_with("downtime_p95_ms at most 1000 (1s)"));
    match &failures[0].status {
        quick_junit::TestCaseStatus::NonSuccess {
            message,
            description,
            ..
        } => {
            assert_eq!(message.as_ref().map(|m| m.as_str()), Some(failed[0]));
            let text = description.as_ref().map(|d| d.as_str()).unwrap_or("");
            assert!(
                text.contains("reproduce: failsim run") && text.contains("--seed 11"),
                "{text}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_metric_that_never_happened_fails_its_expectation() {
    let dir = tempfile::tempdir().unwrap();
    // The outage lasts to the end: the answer never returns to the primary.
    let text = edit(
        &sweep_fixture("\n[[expect]]\nmetric = \"failback_ms\"\nmax = \"1h\"\n"),
        "duration = \"40m\"\n",
        "",
    );
    let s = dir.path().join("no-failback.toml");
    fs::write(&s, text).unwrap();
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .arg("--no-charts")
            .arg("--out")
            .arg(dir.path().join("out")),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "expectation failed: failback_ms: no value (it did not happen); expected at most 3600000 (1h)"
        ),
        "{err}"
    );
}
