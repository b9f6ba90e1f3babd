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

/// With an outage starting at exactly 1:00, the fault was applied before the datapoint of the
/// period that ended at that millisecond was published: 0:59-1:00, a minute entirely before
/// the outage, went missing and the alarm fired a minute early (`detection_ms` 240 s; 241 s at
/// 3599 s, 299 s at 3601 s). The mirror: 1:44-1:45, spent inside the outage, was published.
/// Fixed by closing metric periods before anything else at their boundary and by losing
/// canary samples one by one as they are put.
#[test]
fn datapoint_at_a_fault_boundary_took_the_state_after_it() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        &repo("scenarios/alarm-failover.toml"),
        dir.path(),
        &["--no-charts"],
    );
    let rows = csv_rows(&dir.path().join("timeline.csv"));
    let published = |at: &str| {
        rows.iter()
            .find(|r| r[0] == at && r[1] == "datapoint")
            .unwrap_or_else(|| panic!("a datapoint at {at}"))[3]
            .clone()
    };
    assert_eq!(published("3600000"), "1", "0:59-1:00 is before the outage");
    assert_eq!(published("3660000"), "missing", "1:00-1:01 is inside it");
    assert_eq!(published("6300000"), "missing", "1:44-1:45 is inside it");
    assert_eq!(published("6360000"), "1", "1:45-1:46 is after it");
}
