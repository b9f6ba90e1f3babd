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

/// The same user was `0` in `users.csv` and `user0` in `timeline.csv`, so the two files could
/// not be joined on the user. Every CSV now names a user by its number alone.
#[test]
fn timeline_named_users_user0_while_users_csv_said_0() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("o");
    run_ok(&s, &out, &["--trace-users", "3", "--no-charts"]);
    let users: Vec<String> = csv_rows(&out.join("users.csv"))
        .into_iter()
        .skip(1)
        .map(|row| row[0].clone())
        .collect();
    let traced: std::collections::BTreeSet<String> = csv_rows(&out.join("timeline.csv"))
        .into_iter()
        .filter(|row| row[1] == "user")
        .map(|row| row[2].clone())
        .collect();
    assert_eq!(traced.len(), 3, "{traced:?}");
    for user in &traced {
        assert!(
            users.contains(user),
            "traced user `{user}` is not a users.csv user"
        );
    }
}
