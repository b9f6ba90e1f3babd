//! `failsim sweep` and `failsim merge`: grids with common random numbers, determinism
//! across jobs and shards, refusals, and interrupted sweeps.

use crate::util::*;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

fn sweep(scenario: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    output(
        failsim()
            .arg("sweep")
            .arg(scenario)
            .arg("--out")
            .arg(out)
            .args(extra),
    )
}

#[test]
fn sweep_runs_the_grid_with_shared_seeds_and_exits_0_even_when_expectations_fail() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), FAILING);
    let out = dir.path().join("sweep");
    let (code, stdout, err) = sweep(
        &s,
        &out,
        &[
            "--vary",
            "dns.ttl=30s,300s",
            "--vary",
            "region.us-east-1.launch_concurrency=5,50",
            "--replications",
            "3",
            "--seed",
            "40",
            "--format",
            "svg",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        stdout.contains("runs: 12 (4 points x 3 replications)"),
        "{stdout}"
    );
    assert!(stdout.contains("meets [[expect]]"), "{stdout}");
    let mut names: Vec<String> = files_of(&out).into_iter().map(|(n, _)| n).collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".failsim",
            "report.html",
            "sweep-manifest.toml",
            "sweep.csv",
            "sweep.svg",
            "sweep_summary.csv"
        ]
    );
    let rows = csv_rows(&out.join("sweep.csv"));
    assert_eq!(
        rows[0][..6],
        [
            "point",
            "replication",
            "seed",
            "dns.ttl",
            "region.us-east-1.launch_concurrency",
            "users"
        ]
    );
    let grid = [("30s", "5"), ("30s", "50"), ("300s", "5"), ("300s", "50")];
    assert_eq!(rows.len(), 13);
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[0], (i / 3).to_string());
        assert_eq!(row[1], (i % 3).to_string());
        assert_eq!(
            row[2],
            (40 + i % 3).to_string(),
            "seed = base + replication"
        );
        assert_eq!((row[3].as_str(), row[4].as_str()), grid[i / 3]);
    }
    // Common random numbers: a row is exactly `failsim run` with its seed and values.
    let run_out = dir.path().join("one");
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .args([
                "--seed",
                "41",
                "--set",
                "dns.ttl=300s",
                "--set",
                "region.us-east-1.launch_concurrency=50",
                "--no-charts",
                "--out",
            ])
            .arg(&run_out),
    );
    assert_eq!(code, Some(1), "the run itself fails its expectation: {err}");
    let summary = fs::read_to_string(run_out.join("summary.csv")).unwrap();
    let p95 = summary
        .lines()
        .find_map(|l| l.strip_prefix("downtime_p95_ms,"))
        .unwrap();
    let col = rows[0].iter().position(|c| c == "downtime_p95_ms").unwrap();
    assert_eq!(rows[1 + 3 * 3 + 1][col], p95);

    let summary = csv_rows(&out.join("sweep_summary.csv"));
    assert_eq!(summary.len(), 5);
    assert_eq!(
        summary[0][..8],
        [
            "point",
            "dns.ttl",
            "region.us-east-1.launch_concurrency",
            "runs",
            "users_mean",
            "users_ci95_low",
            "users_ci95_high",
            "users_n"
        ]
    );
    assert_eq!(
        summary[1][..8],
        ["0", "30s", "5", "3", "80", "80", "80", "3"]
    );
}

#[test]
fn jobs_1_and_jobs_2_write_byte_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), PASSING);
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = dir.path().join(format!("jobs-{jobs}"));
        let (code, _, err) = sweep(
            &s,
            &out,
            &[
                "--vary",
                "users.staff.count=40,80",
                "--replications",
                "3",
                "--jobs",
                jobs,
            ],
        );
        assert_eq!(code, Some(0), "{err}");
        outputs.push(files_of(&out));
    }
    assert_eq!(
        outputs[0].len(),
        7,
        "marker, manifest, 2 CSV, SVG, PNG, report.html"
    );
    assert!(outputs[0] == outputs[1], "--jobs changed the files");
}

#[test]
fn shards_then_merge_equal_the_unsharded_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), PASSING);
    let args = [
        "--vary",
        "dns.ttl=30s,60s,300s",
        "--replications",
        "2",
        "--format",
        "png",
    ];
    let whole = dir.path().join("whole");
    assert_eq!(sweep(&s, &whole, &args).0, Some(0));
    let mut shards = Vec::new();
    // As a scheduler would: 0-based task index, K = index + 1.
    for index in 0..4 {
        let k = format!("{}/4", index + 1);
        let out = dir.path().join(format!("shard-{index}"));
        let mut a = args.to_vec();
        a.extend(["--shard", k.as_str()]);
        let (code, stdout, err) = sweep(&s, &out, &a);
        assert_eq!(code, Some(0), "{err}");
        assert!(stdout.contains(&format!("shard {k}:")), "{stdout}");
        shards.push(out);
    }
    let merged = dir.path().join("merged");
    let (code, stdout, err) = output(
        failsim()
            .arg("merge")
            .args(shards.iter().rev())
            .arg("--out")
            .arg(&merged),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        stdout.contains("merged 4 shard directories (6 runs)"),
        "{stdout}"
    );
    assert!(
        files_of(&merged) == files_of(&whole),
        "merge differs from one machine"
    );
}

#[test]
fn bad_sweep_arguments_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), "");
    let out = dir.path().join("out");
    let cases: [(&[&str], &str); 7] = [
        (
            &["--vary", "users.nobody.count=1,2"],
            "--vary users.nobody.count=1: no `users` entry named `nobody`",
        ),
        (
            &["--vary", "dns.ttl=30s,soon"],
            "error: --vary dns.ttl=soon: `dns.ttl`:",
        ),
        (&["--vary", "dns.ttl"], "expected PATH=V1,V2"),
        (&["--shard", "0/4"], "K/N"),
        (&["--shard", "5/4"], "1 <= K <= N"),
        (&["--metric", "p95"], "--metric p95: unknown summary metric"),
        (
            &["--metric", "downtime_p95_ms{home=mars}"],
            "no cohort `home=mars` in this scenario; allowed values of `home`:",
        ),
    ];
    for (args, needle) in cases {
        let (code, _, err) = sweep(&s, &out, args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.contains(needle),
            "{args:?}: expected `{needle}` in {err}"
        );
    }
    let (code, _, err) = sweep(&s, &out, &["--vary", "dns.ttl=30s,soon"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("--vary dns.ttl=soon: `dns.ttl`") && !err.contains("small.toml:"),
        "blamed on the --vary: {err}"
    );
    assert!(!out.exists());
}

#[test]
fn merge_refuses_incomplete_sets_of_shards() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), "");
    let a = dir.path().join("a");
    let c = dir.path().join("c");
    for (out, k) in [(&a, "1/3"), (&c, "3/3")] {
        let (code, _, err) = sweep(
            &s,
            out,
            &[
                "--vary",
                "dns.ttl=30s,60s",
                "-r",
                "2",
                "--no-charts",
                "--shard",
                k,
            ],
        );
        assert_eq!(code, Some(0), "{err}");
    }
    let out = dir.path().join("merged");
    let (code, _, err) = output(
        failsim()
            .arg("merge")
            .arg(&a)
            .arg(&c)
            .arg("--out")
            .arg(&out),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot merge: missing shard 2/3 of 3"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn an_interrupted_sweep_keeps_every_finished_run_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), "");
    let out = dir.path().join("big");
    let partial = dir.path().join("big.partial");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("failsim"))
        .arg("sweep")
        .arg(&s)
        .args([
            "--vary",
            "users.staff.count=80,81,82,83",
            "-r",
            "5000",
            "--jobs",
            "2",
            "-q",
        ])
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let csv = partial.join("sweep.csv");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows = fs::read_to_string(&csv)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if rows > 20 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !out.exists(),
        "the output directory appears only when complete"
    );
    let text = fs::read_to_string(&csv).unwrap();
    assert!(text.ends_with('\n'), "only complete rows are flushed");
    let rows = csv_rows(&csv);
    assert!(rows.len() > 20, "rows were flushed while running");
    let width = rows[0].len();
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row.len(), width, "row {i} is complete");
        assert_eq!(row[0], (i / 5000).to_string());
        assert_eq!(row[1], (i % 5000).to_string(), "rows in run order");
    }
    let manifest = fs::read_to_string(partial.join("sweep-manifest.toml")).unwrap();
    assert!(manifest.contains("complete = false"), "{manifest}");
    // Merge refuses it; a new sweep into the same directory replaces it.
    let (code, _, err) = output(
        failsim()
            .arg("merge")
            .arg(&partial)
            .arg("--out")
            .arg(dir.path().join("m")),
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("unfinished shard 1/1"), "{err}");
    let (code, _, err) = sweep(&s, &out, &["-r", "2", "--no-charts"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(!partial.exists());
    assert_eq!(csv_rows(&out.join("sweep.csv")).len(), 3);
}

#[test]
fn the_capacity_planning_sweep_has_an_answer() {
    // Two points of the walkthrough's grid: too little launch capacity misses the 15-minute
    // bound, enough meets it.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("capacity");
    let (code, stdout, err) = sweep(
        &repo("scenarios/capacity-planning.toml"),
        &out,
        &[
            "--vary",
            "region.us-east-1.launch_concurrency=100,400",
            "--replications",
            "2",
            "--no-charts",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let rows = csv_rows(&out.join("sweep_summary.csv"));
    let col = rows[0]
        .iter()
        .position(|c| c == "downtime_p95_ms_mean")
        .unwrap();
    let p95: Vec<f64> = rows[1..].iter().map(|r| r[col].parse().unwrap()).collect();
    assert!(
        p95[0] > 900_000.0,
        "100 launches at once miss 15 min: {p95:?}"
    );
    assert!(
        p95[1] < 900_000.0,
        "400 launches at once meet 15 min: {p95:?}"
    );
    let table: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with(['0', '1']))
        .collect();
    assert!(
        table[0].ends_with("no") && table[1].ends_with("yes"),
        "{stdout}"
    );
}
