//! `failsim check` and scenario loading: every problem located (file:line:col), named,
//! and explained; `--set` overrides; usage errors; lints.

use crate::util::*;
use std::fs;

#[test]
fn syntax_error_is_located() {
    let text = edit(SMALL, "ttl = \"60s\"", "ttl = \"60s");
    assert_invalid(&text, 19, &[]);
}

#[test]
fn unknown_key_is_located_and_named() {
    let text = edit(SMALL, "ttl = \"60s\"", "ttl = \"60s\"\nttl_seconds = 60");
    assert_invalid(&text, 20, &["ttl_seconds"]);
}

#[test]
fn wrong_type_is_located() {
    let text = edit(SMALL, "count = 200", "count = \"many\"");
    assert_invalid(&text, 24, &["integer"]);
}

#[test]
fn bad_duration_names_the_field_and_what_is_allowed() {
    let text = edit(SMALL, "ttl = \"60s\"", "ttl = \"60\"");
    assert_invalid(&text, 19, &["`dns.ttl`", "no unit"]);
    let text = edit(SMALL, "at = \"30m\"", "at = \"half an hour\"");
    assert_invalid(&text, 32, &["`event.outage.at`", "duration"]);
}

#[test]
fn unknown_reference_lists_what_exists() {
    let text = edit(SMALL, "home = \"us-west-2\"", "home = \"eu-west-9\"");
    assert_invalid(
        &text,
        25,
        &[
            "`users.staff.home`",
            "unknown region `eu-west-9`",
            "us-west-2, us-east-1",
        ],
    );
    let text = edit(
        SMALL,
        "health_check = \"primary\" }",
        "health_check = \"primry\" }",
    );
    assert_invalid(&text, 20, &["unknown health check `primry`"]);
}

#[test]
fn out_of_range_values_say_what_is_allowed() {
    let text = edit(
        SMALL,
        "target = \"us-west-2\"",
        "target = \"us-west-2\"\nfailure_threshold = 12",
    );
    assert_invalid(
        &text,
        16,
        &["`health_check.primary.failure_threshold`", "1 to 10"],
    );
    let text = edit(
        SMALL,
        "target = \"us-west-2\"",
        "target = \"us-west-2\"\ninterval = \"20s\"",
    );
    assert_invalid(
        &text,
        16,
        &["`health_check.primary.interval`", "\"10s\"", "\"30s\""],
    );
    let text = edit(SMALL, "count = 200", "count = 0");
    assert_invalid(&text, 24, &["`users.staff.count`", "1 or more"]);
    let text = edit(
        SMALL,
        "count = 200",
        "count = 200\nregistration = { fqdn = 0.9, region_code = 0.2 }",
    );
    assert_invalid(&text, 25, &["`users.staff.registration`", "sum to 1"]);
}

#[test]
fn impossible_event_times_are_rejected() {
    let text = edit(SMALL, "at = \"30m\"", "at = \"5h\"");
    assert_invalid(&text, 32, &["`event.outage.at`", "scenario lasts 3h"]);
    let text = edit(SMALL, "duration = \"1h\"\n", "until = \"10m\"\n");
    assert_invalid(&text, 33, &["`event.outage.until`", "not after"]);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = SMALL
        .replace("count = 200", "count = 0")
        .replace("ttl = \"60s\"", "ttl = \"soon\"")
        .replace("home = \"us-west-2\"", "home = \"mars-1\"");
    let (code, err) = check_text(&text);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("bad.toml:19:7:")
            && err.contains("bad.toml:24:9:")
            && err.contains("bad.toml:25:8:"),
        "{err}"
    );
    assert!(err.contains("3 problems found"), "{err}");
}

#[test]
fn set_overrides_values_and_reports_bad_paths() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("o");
    run_ok(&s, &out, &["--set", "users.staff.count=50"]);
    let users = fs::read_to_string(out.join("users.csv")).unwrap();
    assert_eq!(users.lines().count(), 51);
    let bad = failsim()
        .arg("run")
        .arg(&s)
        .args(["--set", "users.nobody.count=5", "--out"])
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no `users` entry named `nobody`") && err.contains("staff"),
        "{err}"
    );
    // A bad value set on the command line is blamed on the override, not the file
    // (issue 11: `--set` errors blamed the scenario file).
    let bad = failsim()
        .arg("check")
        .arg(&s)
        .args(["--set", "dns.ttl=fast"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("error: --set dns.ttl=fast: `dns.ttl`: `fast` is not a duration")
            && !err.contains("small.toml:19:"),
        "{err}"
    );
    assert!(!dir.path().join("x").exists(), "no output for a failed run");
}

#[test]
fn usage_errors_exit_2() {
    let out = failsim().args(["run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = failsim()
        .args(["run", "/nonexistent/scenario.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/scenario.toml"));
}

#[test]
fn every_bundled_scenario_is_valid() {
    let mut n = 0;
    for entry in fs::read_dir(repo("scenarios")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            failsim().arg("check").arg(&p).assert().success();
            n += 1;
        }
    }
    assert!(n >= 1);
}

#[test]
fn unknown_dns_locations_are_located_and_list_the_defined_ones() {
    let located = edit(
        SMALL,
        "ttl = \"60s\"",
        "ttl = \"60s\"\nlocations = [\"sao-paulo\"]",
    );
    let resolver = format!("{located}\n[[resolver]]\nname = \"corp\"\ndns_location = \"rio\"\n");
    assert_invalid(
        &resolver,
        38,
        &[
            "`resolver.corp.dns_location`",
            "unknown DNS location (dns.locations) `rio`; defined: sao-paulo",
        ],
    );
    let partition = format!("{located}\n[[event]]\nname = \"cut\"\nkind = \"dns_partition\"\nat = \"1h\"\ndns_locations = [\"lima\"]\nchecker_regions = [\"sa-east-1\"]\n");
    assert_invalid(
        &partition,
        40,
        &["`event.cut.dns_locations[0]`", "unknown DNS location"],
    );
    // A partition with no locations declared at all says so.
    let bare = format!("{SMALL}\n[[event]]\nname = \"cut\"\nkind = \"dns_partition\"\nat = \"1h\"\ndns_locations = [\"lima\"]\nchecker_regions = [\"sa-east-1\"]\n");
    assert_invalid(&bare, 39, &["none are defined"]);
}
