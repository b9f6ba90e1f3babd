//! `failsim run` and `failsim staleness`: the files written, determinism, output safety.

use crate::util::*;
use std::fs;

#[test]
fn the_bundled_scenario_runs_and_writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let stdout = run_ok(
        &repo("scenarios/workspaces-failover.toml"),
        &out,
        &["--no-charts"],
    );
    assert!(stdout.starts_with("seed: 7\n"), "{stdout}");
    for f in ["summary.csv", "users.csv", "timeline.csv", "series.csv"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let users = fs::read_to_string(out.join("users.csv")).unwrap();
    assert_eq!(users.lines().count(), 2001, "header + one row per user");
    assert!(users.starts_with("user,group,home_region,registration,client_version,resolver,first_disconnect_ms,reconnect_ms,reconnect_region,downtime_ms,interruptions,login_failures,restarts,redirected,failback_ms,non_home_ms,misdirected,launch_wait_ms,data_age_ms\n"));
    // Users are redirected to the failover Region, and old clients are not.
    assert!(users
        .lines()
        .any(|l| l.contains(",us-east-1,") && l.contains(",5.22.0,") && l.contains(",true,")));
    assert!(users
        .lines()
        .filter(|l| l.contains(",3.0.8,"))
        .all(|l| !l.contains(",us-east-1,")));
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with("metric,value\nseed,7\nusers,2000\n"));
    let timeline = fs::read_to_string(out.join("timeline.csv")).unwrap();
    assert!(timeline.contains("0,health_check,primary,healthy"));
    assert!(timeline.contains(",dns_answer,desktop.example.com,us-east-1"));
    let series = fs::read_to_string(out.join("series.csv")).unwrap();
    assert!(series.starts_with("time_ms,connected_us-west-2,connected_us-east-1,disconnected,logging_in,offline,queued,misdirected,primary_check,answer\n"));
}

#[test]
fn same_seed_gives_byte_identical_files_and_another_seed_differs() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    run_ok(&s, &a, &[]);
    run_ok(&s, &b, &[]);
    run_ok(&s, &c, &["--seed", "4", "--no-charts"]);
    let mut names: Vec<String> = fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names.len(),
        14,
        "5 CSVs, 3 SVGs, 3 PNGs, report.html, the manifest and the marker: {names:?}"
    );
    // The manifest and the report's provenance name each run's own --out (the reproduce
    // command); everything else is the same, byte for byte.
    let with_out = |d: &std::path::Path, f: &str| {
        fs::read_to_string(d.join(f))
            .unwrap()
            .replace(&*d.display().to_string(), "OUT")
    };
    for f in ["run-manifest.toml", "report.html"] {
        assert_eq!(with_out(&a, f), with_out(&b, f), "{f}");
    }
    for f in names
        .iter()
        .filter(|f| !["run-manifest.toml", "report.html"].contains(&f.as_str()))
    {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f} differs between identical runs"
        );
    }
    assert_ne!(
        fs::read(a.join("users.csv")).unwrap(),
        fs::read(c.join("users.csv")).unwrap()
    );
}

#[test]
fn never_replaces_a_directory_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let precious = dir.path().join("thesis");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("chapter1.tex"), "years of work").unwrap();
    let out = failsim()
        .arg("run")
        .arg(&s)
        .arg("--out")
        .arg(&precious)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not written by failsim"));
    assert_eq!(
        fs::read_to_string(precious.join("chapter1.tex")).unwrap(),
        "years of work"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary directory left behind"
    );
}

#[test]
fn staleness_writes_the_curve() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("curve.csv");
    let o = failsim()
        .args([
            "staleness",
            "--population",
            "internet",
            "--ttl",
            "20s",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "since_change_ms,lookups,stale_lookups,stale_share");
    // One row per second for 5 minutes, then one per minute to 1 hour.
    assert_eq!(rows.len(), 1 + 300 + 55);
    assert!(
        rows[1].starts_with("1000,")
            && rows[300].starts_with("300000,")
            && rows[301].starts_with("360000,")
    );
    assert!(rows.last().unwrap().starts_with("3600000,"));
    let bad = failsim()
        .args(["staleness", "--population", "moon", "--ttl", "20s"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// With `scenario.start`, the charts' time axes read in local clock time; without it, in time
/// since the start.
#[test]
fn charts_read_in_clock_time_when_the_scenario_has_a_start() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let plain = dir.path().join("plain");
    run_ok(&s, &plain, &["--format", "svg"]);
    let svg = fs::read_to_string(plain.join("timeline.svg")).unwrap();
    assert!(
        svg.contains("time since scenario start"),
        "no relative axis"
    );
    let clock = dir.path().join("clock");
    run_ok(
        &s,
        &clock,
        &[
            "--format",
            "svg",
            "--set",
            "scenario.start=2026-03-02T09:00:00-08:00",
        ],
    );
    for chart in ["timeline", "users"] {
        let svg = fs::read_to_string(clock.join(format!("{chart}.svg"))).unwrap();
        assert!(
            svg.contains("local time (UTC-08:00)"),
            "{chart}: no clock axis"
        );
        assert!(!svg.contains("time since scenario start"), "{chart}");
    }
    // The outage starts at 30 min: 09:30 local time is on the zoomed axis.
    let svg = fs::read_to_string(clock.join("timeline.svg")).unwrap();
    assert!(svg.contains("09:30"), "09:30 tick");
    // The fault window's label reads in clock time too (the outage is 0:30-1:30).
    assert!(svg.contains("09:30–10:30"), "fault label in clock time");
}
