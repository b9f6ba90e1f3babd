//! `failsim compare`, `failsim sweep --find` and `failsim sensitivity`: decisions over
//! replications with common random numbers.

use crate::util::*;
use std::fs;

#[test]
fn compare_writes_paired_differences_and_charts_and_checks_the_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), PASSING);
    let out = dir.path().join("cmp");
    let (code, stdout, err) = output(
        failsim()
            .arg("compare")
            .arg(&s)
            .args([
                "--set",
                "dns.ttl=300s",
                "-r",
                "4",
                "--format",
                "svg",
                "--out",
            ])
            .arg(&out),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(stdout.contains("difference (paired 95 % CI)"), "{stdout}");
    assert!(stdout.contains("candidate expectation holds"), "{stdout}");
    let csv = fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(csv.starts_with("metric,base_mean,candidate_mean,difference_mean,"));
    // The seeds are shared: the user count is paired and exactly unchanged.
    assert!(
        csv.contains("\nusers,80,80,0,0,0,0,0,4,false,count\n"),
        "{csv}"
    );
    // A longer TTL lengthens downtime in every replication.
    let mean = csv
        .lines()
        .find(|l| l.starts_with("downtime_mean_ms,"))
        .unwrap();
    let fields: Vec<&str> = mean.split(',').collect();
    assert!(fields[4].parse::<f64>().unwrap() > 0.0, "{mean}");
    assert_eq!(fields[9], "true", "{mean}");
    for f in ["compare-downtime.svg", "compare-timeline.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The HTML report has the comparison section with both charts inline.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Comparison</h2>"));
    assert!(
        html.contains("downtime_mean_ms</td>"),
        "a changed metric is listed"
    );
    assert_eq!(html.matches("<svg").count(), 2);

    // The same command writes the same bytes, whatever the number of threads.
    let again = dir.path().join("again");
    let (code, _, _) = output(
        failsim()
            .arg("compare")
            .arg(&s)
            .args([
                "--set",
                "dns.ttl=300s",
                "-r",
                "4",
                "-j",
                "1",
                "--no-charts",
                "--out",
            ])
            .arg(&again),
    );
    assert_eq!(code, Some(0));
    assert_eq!(fs::read_to_string(again.join("compare.csv")).unwrap(), csv);
}

#[test]
fn compare_exits_1_when_the_candidate_misses_an_expectation_and_2_with_nothing_to_compare() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), FAILING);
    let (code, stdout, _) = output(
        failsim()
            .arg("compare")
            .arg(&s)
            .args(["--set", "dns.ttl=30s", "-r", "2", "--no-charts", "--out"])
            .arg(dir.path().join("c")),
    );
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("candidate expectation FAILS: downtime_p95_ms"),
        "{stdout}"
    );
    let (code, _, err) = output(failsim().arg("compare").arg(&s));
    assert_eq!(code, Some(2));
    assert!(err.contains("nothing to compare"), "{err}");
    let (code, _, err) = output(
        failsim()
            .arg("compare")
            .arg(&s)
            .args(["--set", "dns.ttl=soon"]),
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("--set dns.ttl=soon"), "{err}");
}

#[test]
fn goal_seek_finds_a_boundary_with_its_evidence_and_exits_1_when_nothing_meets() {
    let dir = tempfile::tempdir().unwrap();
    // Downtime p95 falls as capacity grows; the bound sits inside 1..40.
    let s = write_sweep_fixture(
        dir.path(),
        "\n[[expect]]\nmetric = \"downtime_p95_ms\"\nmax = \"20m\"\n",
    );
    let out = dir.path().join("find");
    let (code, stdout, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args([
                "--find",
                "region.us-east-1.launch_concurrency=1..40",
                "--set",
                "region.us-east-1.launch_time=\"3m\"",
                "-r",
                "2",
                "--out",
            ])
            .arg(&out),
    );
    assert_eq!(code, Some(0), "{stdout}{err}");
    let found: u32 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("found: region.us-east-1.launch_concurrency = "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .parse()
        .unwrap();
    assert!(found > 1 && found < 40, "{stdout}");
    assert!(stdout.contains("monotone"), "{stdout}");
    let csv = fs::read_to_string(out.join("find.csv")).unwrap();
    assert!(csv.starts_with(
        "region.us-east-1.launch_concurrency,meets,replications_meeting,replications,verification,"
    ));
    // The boundary and the value one short of it were both evaluated, with opposite verdicts.
    assert!(csv.contains(&format!("\n{found},true,")), "{csv}");
    assert!(csv.contains(&format!("\n{},false,", found - 1)), "{csv}");
    // The chart of the bounded metric: every value evaluated, the bound, the answer.
    let svg = fs::read_to_string(out.join("find-downtime_p95_ms.svg")).unwrap();
    assert!(out.join("find-downtime_p95_ms.png").is_file());
    assert!(svg.contains("Goal-seek: p95 downtime"), "{svg}");
    assert!(svg.contains("[[expect]] at most 20m"), "{svg}");
    assert!(svg.contains(&format!("found: {found} ")), "{svg}");
    // The answer is marked on the x axis, and its tick label is never crowded out.
    assert!(svg.contains(&format!("\nfound: {found}\n</text>")), "{svg}");
    assert!(svg.contains(&format!("\n{found}\n</text>")), "{svg}");
    assert!(
        svg.contains("(region.us-east-1.launch_concurrency)"),
        "{svg}"
    );

    let (code, stdout, _) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args([
                "--find",
                "region.us-east-1.launch_concurrency=1..40",
                "--set",
                "event.outage.duration=\"90m\"",
                "--set",
                "users.staff.failover_workspaces=0.5",
                "-r",
                "1",
                "--out",
            ])
            .arg(dir.path().join("none")),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("not found"), "{stdout}");
    let svg = fs::read_to_string(dir.path().join("none/find-downtime_p95_ms.svg")).unwrap();
    assert!(svg.contains("no value of region.us-east-1.launch_concurrency meets"));
    let (code, _, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args(["--find", "dns.ttl=5m..1m"]),
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("--find"), "{err}");
}

#[test]
fn sensitivity_ranks_levers_and_draws_a_tornado() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), "");
    let out = dir.path().join("sens");
    let (code, stdout, err) = output(
        failsim()
            .arg("sensitivity")
            .arg(&s)
            .args([
                "--vary",
                "scenario.series_step=10s..60s",
                "--vary",
                "dns.ttl=10s..600s",
                "--metric",
                "downtime_mean_ms",
                "-r",
                "2",
                "--format",
                "png",
                "--out",
            ])
            .arg(&out),
    );
    assert_eq!(code, Some(0), "{err}");
    let csv = fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("rank,path,low,high,base_mean,low_mean,high_mean,swing,"));
    assert!(rows[1].starts_with("1,dns.ttl,10s,600s,"), "{csv}");
    assert!(rows[2].starts_with("2,scenario.series_step,"), "{csv}");
    assert!(stdout.contains("dns.ttl"), "{stdout}");
    let png = fs::read(out.join("tornado.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));

    // A bound that is not a valid value is refused before anything runs, naming the --vary.
    let (code, _, err) = output(
        failsim()
            .arg("sensitivity")
            .arg(&s)
            .args(["--vary", "dns.ttl=10s..forever", "--out"])
            .arg(dir.path().join("bad")),
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("--vary dns.ttl=forever"), "{err}");
}
