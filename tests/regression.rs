//! One test per bug that reached main, named after the bug, so it cannot come back.

use crate::util::*;
use std::fs;

/// The timeline chart guessed whether a timeline entry was a fault or an operator action by
/// looking for the event's name in the fault labels; it only worked because the bundled
/// event is called `outage`. Renamed, the fault drew a spurious "operator action" marker and
/// legend entry. Fixed by typed observations (`FaultStarted` vs `ActionTaken`).
#[test]
fn renamed_fault_drew_an_operator_action_marker() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    for name in ["outage", "big-bang"] {
        let out = dir.path().join(name);
        run_ok(
            &s,
            &out,
            &[
                "--set",
                &format!("event.outage.name={name}"),
                "--format",
                "svg",
            ],
        );
        let svg = fs::read_to_string(out.join("timeline.svg")).unwrap();
        assert!(
            !svg.contains("operator action"),
            "fault `{name}` drawn as an operator action"
        );
        assert!(
            svg.contains("us-west-2 outage (all planes)"),
            "the fault window is still drawn and labelled"
        );
    }
    // A real operator action still draws its marker.
    let manual = dir.path().join("manual");
    run_ok(
        &repo("scenarios/manual-failover.toml"),
        &manual,
        &["--set", "users.staff.count=50", "--format", "svg"],
    );
    let svg = fs::read_to_string(manual.join("timeline.svg")).unwrap();
    assert!(
        svg.contains("operator action"),
        "set_record is an operator action"
    );
}

/// `run` printed every lint twice on stderr (once while loading, once before simulating).
#[test]
fn run_printed_each_lint_twice() {
    let dir = tempfile::tempdir().unwrap();
    let out = failsim()
        .arg("run")
        .arg(repo("scenarios/workspaces-failover.toml"))
        .args(["--set", "users.staff.count=20", "--no-charts", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("warning[users-on-region-codes]").count(),
        1,
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("warning["));
}

// Reliability II (a mutation and fuzz campaign against user input): every class of input
// that crashed, hung or lost a file, one test each.

/// Runs failsim with `args` (paths relative to the repository), asserts exit 2 without a
/// panic, and returns stderr.
fn refused(args: &[&str]) -> String {
    let out = failsim().args(args).current_dir(repo("")).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "expected exit 2; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Durations near humantime's maximum wrapped `now + duration` and tripped the event queue's
/// "earlier than now" assertion: exit 3 from user input.
#[test]
fn duration_overflow_exited_3() {
    for key in [
        "users.staff.schedule.session",
        "users.staff.behaviour.reauth_every",
        "users.staff.behaviour.detect_disconnect",
        "users.staff.behaviour.restart_time",
        "users.staff.behaviour.retry_backoff.initial",
    ] {
        let err = refused(&[
            "check",
            "scenarios/workspaces-failover.toml",
            "--set",
            &format!("{key}=584542046y 33d 2h 25m 51s 115ms"),
        ]);
        assert!(err.contains("too long (at most 100 years"), "{key}: {err}");
    }
}

/// `scenario.duration` had no limit and limits capped entry counts, not work: 100,000 years
/// with a 1000-year series step never ended; many checkers at 10 s grew to 12.7 GiB.
#[test]
fn unbounded_scenario_duration_and_work_ran_for_ever() {
    let err = refused(&[
        "check",
        "scenarios/workspaces-failover.toml",
        "--set",
        "scenario.duration=300d",
        "--set",
        "scenario.series_step=1d",
        "--set",
        "users.staff.count=1000000",
    ]);
    assert!(err.contains("`users.staff.count`"), "{err}");
    assert!(
        err.contains("estimated") && err.contains("allowed: at most 2,000,000,000 events"),
        "{err}"
    );
    let err = refused(&[
        "check",
        "scenarios/workspaces-failover.toml",
        "--set",
        "scenario.duration=2y",
    ]);
    assert!(
        err.contains("allowed: at most 366d") || err.contains("366 days"),
        "{err}"
    );
}
