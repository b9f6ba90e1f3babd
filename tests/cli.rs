//! Integration tests: drive the `failsim` binary as a user or CI job would.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn failsim() -> Command {
    Command::cargo_bin("failsim").unwrap()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A small valid scenario (fast to simulate) with its pieces on known lines.
const SMALL: &str = r#"[scenario]
name = "small"
seed = 3
duration = "3h"

[[region]]
name = "us-west-2"

[[region]]
name = "us-east-1"

[[health_check]]
name = "primary"
type = "endpoint"
target = "us-west-2"

[dns]
fqdn = "desktop.example.com"
ttl = "60s"
routing = { policy = "failover", primary = { region = "us-west-2", health_check = "primary" }, secondary = { region = "us-east-1" } }

[[users]]
name = "staff"
count = 200
home = "us-west-2"
schedule = { start = "0s", ramp = "10m", session = "8h" }

[[event]]
name = "outage"
kind = "region_outage"
region = "us-west-2"
at = "30m"
duration = "1h"
"#;

fn write_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn run_ok(scenario: &Path, out: &Path, extra: &[&str]) -> String {
    let output = failsim()
        .arg("run")
        .arg(scenario)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `check` on `text` and returns (exit code, stderr).
fn check_text(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write_scenario(dir.path(), "bad.toml", text);
    let out = failsim().arg("check").arg(&p).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_invalid(text: &str, line: usize, needles: &[&str]) {
    let (code, err) = check_text(text);
    assert_eq!(code, Some(2), "expected exit 2; stderr: {err}");
    let loc = format!("bad.toml:{line}:");
    assert!(err.contains(&loc), "expected location {loc} in: {err}");
    for n in needles {
        assert!(err.contains(n), "expected `{n}` in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

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
    assert!(users.starts_with("user,group,home_region,registration,client_version,resolver,first_disconnect_ms,reconnect_ms,reconnect_region,downtime_ms,interruptions,login_failures,restarts,redirected,failback_ms,non_home_ms,misdirected,launch_wait_ms\n"));
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
    assert!(series.starts_with("time_ms,connected_us-west-2,connected_us-east-1,disconnected,logging_in,offline,primary_check,answer\n"));
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
        11,
        "4 CSVs, 3 SVGs, 3 PNGs and the marker: {names:?}"
    );
    for f in &names {
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
fn syntax_error_is_located() {
    let text = SMALL.replace("ttl = \"60s\"", "ttl = \"60s");
    assert_invalid(&text, 19, &[]);
}

#[test]
fn unknown_key_is_located_and_named() {
    let text = SMALL.replace("ttl = \"60s\"", "ttl = \"60s\"\nttl_seconds = 60");
    assert_invalid(&text, 20, &["ttl_seconds"]);
}

#[test]
fn wrong_type_is_located() {
    let text = SMALL.replace("count = 200", "count = \"many\"");
    assert_invalid(&text, 24, &["integer"]);
}

#[test]
fn bad_duration_names_the_field_and_what_is_allowed() {
    let text = SMALL.replace("ttl = \"60s\"", "ttl = \"60\"");
    assert_invalid(&text, 19, &["`dns.ttl`", "no unit"]);
    let text = SMALL.replace("at = \"30m\"", "at = \"half an hour\"");
    assert_invalid(&text, 32, &["`event.outage.at`", "duration"]);
}

#[test]
fn unknown_reference_lists_what_exists() {
    let text = SMALL.replace("home = \"us-west-2\"", "home = \"eu-west-9\"");
    assert_invalid(
        &text,
        25,
        &[
            "`users.staff.home`",
            "unknown region `eu-west-9`",
            "us-west-2, us-east-1",
        ],
    );
    let text = SMALL.replace(
        "health_check = \"primary\" }",
        "health_check = \"primry\" }",
    );
    assert_invalid(&text, 20, &["unknown health check `primry`"]);
}

#[test]
fn out_of_range_values_say_what_is_allowed() {
    let text = SMALL.replace(
        "target = \"us-west-2\"",
        "target = \"us-west-2\"\nfailure_threshold = 12",
    );
    assert_invalid(
        &text,
        16,
        &["`health_check.primary.failure_threshold`", "1 to 10"],
    );
    let text = SMALL.replace(
        "target = \"us-west-2\"",
        "target = \"us-west-2\"\ninterval = \"20s\"",
    );
    assert_invalid(
        &text,
        16,
        &["`health_check.primary.interval`", "\"10s\"", "\"30s\""],
    );
    let text = SMALL.replace("count = 200", "count = 0");
    assert_invalid(&text, 24, &["`users.staff.count`", "1 or more"]);
    let text = SMALL.replace(
        "count = 200",
        "count = 200\nregistration = { fqdn = 0.9, region_code = 0.2 }",
    );
    assert_invalid(&text, 25, &["`users.staff.registration`", "sum to 1"]);
}

#[test]
fn impossible_event_times_are_rejected() {
    let text = SMALL.replace("at = \"30m\"", "at = \"5h\"");
    assert_invalid(&text, 32, &["`event.outage.at`", "scenario lasts 3h"]);
    let text = SMALL.replace("duration = \"1h\"\n", "until = \"10m\"\n");
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
    // A bad value set on the command line is located at the field it replaced.
    let bad = failsim()
        .arg("check")
        .arg(&s)
        .args(["--set", "dns.ttl=fast"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("small.toml:19:") && err.contains("`dns.ttl`"),
        "{err}"
    );
    assert!(!dir.path().join("x").exists(), "no output for a failed run");
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

/// Runs a bundled scenario with 200 users and returns its summary as (metric, value) pairs.
fn summary_of(scenario: &str, extra: &[&str]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let mut args = vec!["--set", "users.staff.count=200"];
    args.extend_from_slice(extra);
    run_ok(&repo(scenario), &out, &args);
    fs::read_to_string(out.join("summary.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (k, v) = l.split_once(',').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn metric(summary: &[(String, String)], name: &str) -> Option<u64> {
    let v = &summary.iter().find(|(k, _)| k == name).unwrap().1;
    (!v.is_empty()).then(|| v.parse().unwrap())
}

#[test]
fn missing_data_trap_never_fails_over_and_the_documented_fix_works() {
    let trap = summary_of("scenarios/missing-data-trap.toml", &[]);
    assert_eq!(metric(&trap, "dns_failover_ms"), None);
    assert_eq!(metric(&trap, "users_redirected"), Some(0));
    let fixed = summary_of(
        "scenarios/missing-data-trap.toml",
        &["--set", "alarm.primary-down.treat_missing_data=breaching"],
    );
    assert!(metric(&fixed, "dns_failover_ms").is_some());
    assert!(metric(&fixed, "users_redirected").unwrap() > 100);
}

#[test]
fn alarm_failover_detects_once_the_last_good_minute_leaves_the_range() {
    // Outage at 1:00 takes the metric's Region with it. The datapoint for 0:59 is published at
    // 1:00 and lost; evaluations at 1:01..1:03 still see good minutes in the 5-period range;
    // at 1:04 the whole range is missing and `breaching` fills it: ALARM. DNS +10 s.
    let s = summary_of("scenarios/alarm-failover.toml", &[]);
    assert_eq!(metric(&s, "detection_ms"), Some(240_000));
    assert_eq!(metric(&s, "dns_failover_ms"), Some(250_000));
}

#[test]
fn manual_failover_moves_after_the_edit_propagates() {
    let s = summary_of("scenarios/manual-failover.toml", &[]);
    let moved = metric(&s, "dns_failover_ms").unwrap();
    assert!((20 * 60_000..=21 * 60_000).contains(&moved), "{moved}");
    assert_eq!(
        metric(&s, "failback_ms"),
        None,
        "a manual failover needs a manual fail-back"
    );
}

#[test]
fn maintenance_moves_users_to_the_zero_weight_standby() {
    let s = summary_of("scenarios/maintenance-weighted.toml", &[]);
    assert_eq!(metric(&s, "dns_failover_ms"), Some(10_000));
    assert!(metric(&s, "users_redirected").unwrap() > 100);
}

/// A tiny scenario whose charts are small enough to keep as golden files.
const TINY: &str = r#"[scenario]
name = "tiny"
seed = 1
duration = "1h"
series_step = "1m"

[[region]]
name = "us-west-2"

[[region]]
name = "us-east-1"

[[health_check]]
name = "primary"
type = "endpoint"
target = "us-west-2"
interval = "10s"

[dns]
fqdn = "desktop.example.com"
ttl = "60s"
routing = { policy = "failover", primary = { region = "us-west-2", health_check = "primary" }, secondary = { region = "us-east-1" } }

[[users]]
name = "staff"
count = 6
home = "us-west-2"
schedule = { start = "0s", ramp = "5m", session = "8h" }

[[event]]
name = "outage"
kind = "region_outage"
region = "us-west-2"
at = "15m"
duration = "20m"
"#;

/// Decodes a PNG; returns (width, height, number of distinct colours).
fn decode_png(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let px = info.color_type.samples();
    let mut colours: Vec<&[u8]> = bytes.chunks(px).collect();
    colours.sort_unstable();
    colours.dedup();
    (info.width, info.height, colours.len())
}

#[test]
fn charts_are_written_decodable_and_not_blank() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    run_ok(
        &repo("scenarios/workspaces-failover.toml"),
        &out,
        &["--set", "users.staff.count=300"],
    );
    for chart in ["timeline", "downtime", "users"] {
        let (w, h, colours) = decode_png(&out.join(format!("{chart}.png")));
        assert!(w >= 1200 && h >= 600, "{chart}.png is {w}x{h}");
        assert!(colours > 8, "{chart}.png looks blank ({colours} colours)");
        let svg = fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{chart}.svg"
        );
    }
    let svg_only = dir.path().join("svg");
    run_ok(
        &repo("scenarios/workspaces-failover.toml"),
        &svg_only,
        &["--set", "users.staff.count=50", "--format", "svg"],
    );
    assert!(svg_only.join("timeline.svg").exists() && !svg_only.join("timeline.png").exists());
    let none = dir.path().join("none");
    run_ok(
        &repo("scenarios/workspaces-failover.toml"),
        &none,
        &["--set", "users.staff.count=50", "--no-charts"],
    );
    assert!(!none.join("timeline.svg").exists() && none.join("users.csv").exists());
}

/// Golden charts: any change to the model or the chart layout shows up here. To accept an
/// intended change: `FAILSIM_UPDATE_GOLDEN=1 cargo test golden`.
#[test]
fn golden_svg_charts_for_a_tiny_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "tiny.toml", TINY);
    let out = dir.path().join("o");
    run_ok(&s, &out, &["--format", "svg", "--trace-users", "6"]);
    for chart in ["timeline", "downtime", "users"] {
        let got = fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap();
        let golden = repo(&format!("tests/golden/tiny-{chart}.svg"));
        if std::env::var_os("FAILSIM_UPDATE_GOLDEN").is_some() {
            fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = fs::read_to_string(&golden).unwrap_or_default();
        assert!(
            got == want,
            "{chart}.svg differs from {} (FAILSIM_UPDATE_GOLDEN=1 to accept)",
            golden.display()
        );
    }
}

#[test]
fn run_prints_each_lint_once_on_stderr() {
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

#[test]
fn internet_resolvers_recover_slower_with_a_300s_ttl() {
    let slow = summary_of("scenarios/internet-resolvers.toml", &[]);
    let fast = summary_of(
        "scenarios/internet-resolvers.toml",
        &["--set", "dns.ttl=60s"],
    );
    let p50 = |s: &[(String, String)]| metric(s, "recovered_50_ms").unwrap();
    assert!(
        p50(&slow) > p50(&fast) + 120_000,
        "TTL 300 s: {} ms, 60 s: {} ms",
        p50(&slow),
        p50(&fast)
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
