//! Tests of whole sweeps through the library API, on one small scenario: seed assignment
//! and shards of a planned sweep, plan errors, the rows and statistics written, determinism
//! across thread counts, merge. (Option parsing, the grid and the ordered parallel output
//! are tested beside their code in `plan.rs` and `execute.rs`.)

use super::stats::format3;
use super::*;
use crate::chart::ImageFormat;
use crate::metric::Metric;
use crate::model::{simulate, RunOptions};
use crate::output::MARKER;
use crate::report::Summary;
use crate::scenario;
use std::fs;
use std::path::{Path, PathBuf};

/// The shared small scenario cut down for sweeps: 60 users, 2 h, a 40-minute outage at
/// 20 min, 20 launch slots in the failover Region, and one expectation.
fn small() -> String {
    crate::fixture::small_with(&[
        ("name = \"small\"", "name = \"small sweep\""),
        ("seed = 3", "seed = 5"),
        ("duration = \"3h\"", "duration = \"2h\""),
        (
            "name = \"us-east-1\"\n",
            "name = \"us-east-1\"\nlaunch_concurrency = 20\n",
        ),
        ("count = 200", "count = 60"),
        ("at = \"30m\"", "at = \"20m\""),
        ("duration = \"1h\"\n", "duration = \"40m\"\n"),
    ]) + "\n[[expect]]\nmetric = \"downtime_p95_ms\"\nmax = \"30m\"\n"
}

fn vary(spec: &str) -> Vary {
    Vary::parse(spec).unwrap()
}

fn options(vary_specs: &[&str], replications: u32) -> SweepOptions {
    let mut o = SweepOptions::new("small.toml", small());
    o.vary = vary_specs.iter().map(|s| vary(s)).collect();
    o.replications = replications;
    o.formats = vec![ImageFormat::Svg];
    o
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn records(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = vec![reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect()];
    for r in reader.records() {
        rows.push(r.unwrap().iter().map(str::to_string).collect());
    }
    rows
}

#[test]
fn every_point_uses_the_same_seeds() {
    let sweep = Sweep::plan(options(&["dns.ttl=30s,300s", "users.staff.count=40,60"], 3)).unwrap();
    assert_eq!(sweep.base_seed(), 5);
    assert_eq!(sweep.points().len(), 4);
    assert_eq!(sweep.run_count(), 12);
    let runs = sweep.shard_runs();
    assert_eq!(runs.len(), 12);
    for (i, r) in runs.iter().enumerate() {
        assert_eq!(r.index, i);
        assert_eq!(r.point, i / 3);
        assert_eq!(r.replication as usize, i % 3);
        assert_eq!(r.seed, 5 + (i % 3) as u64, "common random numbers");
    }
    // The points carry their values into the scenario.
    assert_eq!(sweep.points()[3].values, vec!["300s", "60"]);
    assert_eq!(sweep.points()[3].scenario.dns.ttl_ms, 300_000);
    assert_eq!(sweep.points()[2].scenario.user_count(), 40);
    assert_eq!(
        sweep.point_assignments(1),
        vec!["dns.ttl=30s", "users.staff.count=60"]
    );
    // Each shard's run list is exactly the runs it takes, for every size.
    for (points_spec, r) in [
        ("dns.ttl=30s,60s,300s", 3),
        ("dns.ttl=30s", 1),
        ("dns.ttl=30s,60s", 5),
    ] {
        for n in 1..=7 {
            for k in 1..=n {
                let mut o = options(&[points_spec], r);
                o.shard = Shard { index: k, count: n };
                let s = Sweep::plan(o).unwrap();
                let expected: Vec<usize> = (0..s.run_count())
                    .filter(|&i| s.options().shard.takes(i))
                    .collect();
                let got: Vec<usize> = s.shard_runs().iter().map(|r| r.index).collect();
                assert_eq!(got, expected, "{points_spec} x {r}, shard {k}/{n}");
            }
        }
    }
    let mut o = options(&["dns.ttl=30s,300s"], 2);
    o.seed = Some(100);
    o.shard = Shard { index: 2, count: 3 };
    let s = Sweep::plan(o).unwrap();
    let picked: Vec<(usize, u64)> = s.shard_runs().iter().map(|r| (r.index, r.seed)).collect();
    assert_eq!(picked, vec![(1, 101)]);
}

#[test]
fn plan_errors_name_the_culprit() {
    let err = |o: SweepOptions| Sweep::plan(o).unwrap_err().to_string();
    let e = err(options(&["users.nobody.count=1,2"], 1));
    assert!(
        e.starts_with("--vary users.nobody.count=1: no `users` entry named `nobody`")
            && e.contains("names are: staff"),
        "{e}"
    );
    let e = err(options(&["dns.ttl=30s,fast"], 1));
    // A problem the value causes is reported against the --vary, not the file.
    assert!(
        e.starts_with("error: --vary dns.ttl=fast: `dns.ttl`:") && !e.contains("small.toml:"),
        "{e}"
    );
    let e = err(options(&["dns.ttl=30s", "dns.ttl=60s"], 1));
    assert!(e.contains("`dns.ttl` is varied twice"), "{e}");
    let e = parse_metric("downtime").unwrap_err().to_string();
    assert!(
        e.contains("--metric downtime") && e.contains("downtime_p95_ms"),
        "{e}"
    );
    assert!(parse_metric("seed").is_err(), "seed is a column of its own");
    assert_eq!(
        parse_metric("detection_ms").unwrap(),
        Metric::DetectionMs.into()
    );
    let e = err(options(&[], 0));
    assert!(e.contains("--replications must be at least 1"), "{e}");
    let mut o = options(&[], 3);
    o.seed = Some(u64::MAX - 1);
    assert!(err(o).contains("past the largest seed"));
    let mut o = options(&[], 1);
    o.set = vec!["dns.nope=1".into()];
    let e = err(o);
    assert!(e.contains("nope"), "{e}");
}

#[test]
fn a_sweep_run_has_the_summary_of_a_full_run() {
    let model = scenario::load_str(&small(), "small.toml", &[]).unwrap();
    for seed in [1, 9] {
        let full = simulate(
            &model,
            &RunOptions {
                seed,
                trace_users: 12,
            },
        );
        assert_eq!(simulate_summary(&model, seed), full.summary, "seed {seed}");
    }
}

#[test]
fn sweep_writes_rows_in_run_order_and_statistics_from_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    let sweep = Sweep::plan(options(&["dns.ttl=30s,300s", "users.staff.count=40,60"], 3)).unwrap();
    let outcome = sweep.execute(&out).unwrap();
    assert_eq!(
        outcome.files,
        vec![SWEEP_CSV, SUMMARY_CSV, "sweep.svg", "report.html", MANIFEST]
    );
    assert!(!partial_dir(&out).exists(), "the partial directory is gone");
    assert!(out.join(MARKER).is_file());
    let rows = records(&out.join(SWEEP_CSV));
    assert_eq!(
        rows[0][..5],
        [
            "point",
            "replication",
            "seed",
            "dns.ttl",
            "users.staff.count"
        ]
    );
    assert_eq!(rows[0].len(), 5 + Metric::ALL.len() - 1);
    assert!(!rows[0][5..].contains(&"seed".to_string()));
    assert_eq!(rows.len(), 13);
    for (i, row) in rows[1..].iter().enumerate() {
        let expected_values = &sweep.points()[i / 3].values;
        assert_eq!(row[0], (i / 3).to_string());
        assert_eq!(row[1], (i % 3).to_string());
        assert_eq!(row[2], (5 + i % 3).to_string());
        assert_eq!(&row[3..5], &expected_values[..]);
        // The row is the run's summary.
        let summary = simulate_summary(&sweep.points()[i / 3].scenario, 5 + (i % 3) as u64);
        let expected: Vec<String> = summary
            .values
            .iter()
            .filter(|(n, _)| *n != Metric::Seed)
            .map(|(_, v)| Summary::format_value(*v))
            .collect();
        assert_eq!(&row[5..], &expected[..], "run {i}");
    }
    // Users differ between points 0 and 1 (40 vs 60), not between TTLs with the same count.
    assert_eq!(rows[1][5], "40");
    assert_eq!(rows[4][5], "60");

    let summary = records(&out.join(SUMMARY_CSV));
    assert_eq!(
        summary[0][..5],
        [
            "point",
            "dns.ttl",
            "users.staff.count",
            "runs",
            "users_mean"
        ]
    );
    assert_eq!(summary.len(), 5);
    let p95 = rows[0].iter().position(|c| c == "downtime_p95_ms").unwrap();
    let col = |name: &str| summary[0].iter().position(|c| c == name).unwrap();
    for point in 0..4 {
        let values: Vec<f64> = rows[1 + 3 * point..4 + 3 * point]
            .iter()
            .map(|r| r[p95].parse().unwrap())
            .collect();
        let s = MetricStats::of(&values);
        let line = &summary[1 + point];
        assert_eq!(line[3], "3");
        assert_eq!(line[col("downtime_p95_ms_mean")], format3(s.mean.unwrap()));
        let (lo, hi) = s.ci95.unwrap();
        assert_eq!(line[col("downtime_p95_ms_ci95_low")], format3(lo));
        assert_eq!(line[col("downtime_p95_ms_ci95_high")], format3(hi));
        assert_eq!(line[col("downtime_p95_ms_n")], "3");
    }
    assert_eq!(outcome.points.len(), 4);
    let table = outcome.table();
    assert!(table.contains("meets [[expect]]"), "{table}");
    assert_eq!(table.lines().count(), 5, "{table}");
}

#[test]
fn files_do_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for jobs in [1, 2, 8] {
        let mut o = options(&["dns.ttl=30s,60s,300s"], 4);
        o.jobs = jobs;
        o.formats = vec![ImageFormat::Svg, ImageFormat::Png];
        let out = dir.path().join(format!("jobs-{jobs}"));
        Sweep::plan(o).unwrap().execute(&out).unwrap();
        outputs.push(files_of(&out));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
    assert_eq!(
        outputs[0].len(),
        7,
        "csv x2, svg, png, report.html, manifest, marker"
    );
}

#[test]
fn shards_merge_into_exactly_the_unsharded_files() {
    let dir = tempfile::tempdir().unwrap();
    let specs = ["dns.ttl=30s,300s", "users.staff.count=40,50,60"];
    let whole = dir.path().join("whole");
    Sweep::plan(options(&specs, 3))
        .unwrap()
        .execute(&whole)
        .unwrap();
    let n = 4;
    let mut shard_dirs = Vec::new();
    // Shards run in any order, with any thread count.
    for k in [3, 1, 4, 2] {
        let mut o = options(&specs, 3);
        o.shard = Shard { index: k, count: n };
        o.jobs = k as usize;
        let d = dir.path().join(format!("shard-{k}"));
        let outcome = Sweep::plan(o).unwrap().execute(&d).unwrap();
        assert_eq!(outcome.files, vec![SWEEP_CSV, MANIFEST]);
        assert!(outcome.points.is_empty());
        let rows = records(&d.join(SWEEP_CSV));
        for r in &rows[1..] {
            let i: usize = r[0].parse::<usize>().unwrap() * 3 + r[1].parse::<usize>().unwrap();
            assert_eq!(i % n as usize, k as usize - 1);
        }
        shard_dirs.push(d);
    }
    let merged = dir.path().join("merged");
    let outcome = merge(&shard_dirs, &merged).unwrap();
    assert_eq!(outcome.runs, 18);
    assert_eq!(files_of(&merged), files_of(&whole));
    // A merged directory is itself a complete sweep: merging it alone changes nothing.
    let again = dir.path().join("again");
    merge(std::slice::from_ref(&merged), &again).unwrap();
    assert_eq!(files_of(&again), files_of(&whole));
}

#[test]
fn merge_refuses_what_does_not_belong_together() {
    let dir = tempfile::tempdir().unwrap();
    let shard = |k: u32, n: u32, seed: u64| {
        let mut o = options(&["dns.ttl=30s,300s"], 2);
        o.shard = Shard { index: k, count: n };
        o.seed = Some(seed);
        let d = dir.path().join(format!("s{k}of{n}-seed{seed}"));
        Sweep::plan(o).unwrap().execute(&d).unwrap();
        d
    };
    let (a, b, c) = (shard(1, 3, 5), shard(2, 3, 5), shard(3, 3, 5));
    let out = dir.path().join("out");
    let err = |dirs: &[PathBuf]| merge(dirs, &out).unwrap_err().to_string();

    let e = err(&[a.clone(), c.clone()]);
    assert!(e.contains("missing shard 2/3 of 3"), "{e}");
    let e = err(&[a.clone(), b.clone(), b.clone(), c.clone()]);
    assert!(e.contains("shard 2/3 is given twice"), "{e}");
    let other_seed = shard(2, 3, 6);
    let e = err(&[a.clone(), other_seed, c.clone()]);
    assert!(
        e.contains("different sweeps") && e.contains("`seed`"),
        "{e}"
    );
    let two = shard(2, 2, 5);
    let e = err(&[a.clone(), two]);
    assert!(e.contains("shard counts differ"), "{e}");
    let e = err(&[dir.path().join("nothing")]);
    assert!(e.contains("has no sweep-manifest.toml"), "{e}");
    assert!(!out.exists(), "nothing written on failure");
    assert!(!partial_dir(&out).exists());

    // An unfinished shard (as an interrupted sweep leaves) is refused.
    let text = fs::read_to_string(b.join(MANIFEST)).unwrap();
    fs::write(
        b.join(MANIFEST),
        text.replace("complete = true", "complete = false"),
    )
    .unwrap();
    let e = err(&[a.clone(), b.clone(), c.clone()]);
    assert!(e.contains("unfinished shard 2/3"), "{e}");
    fs::write(b.join(MANIFEST), &text).unwrap();

    // Rows that are not the shard's runs are refused with their line.
    let csv_text = fs::read_to_string(b.join(SWEEP_CSV)).unwrap();
    let mut lines: Vec<&str> = csv_text.lines().collect();
    lines.pop();
    fs::write(b.join(SWEEP_CSV), lines.join("\n") + "\n").unwrap();
    let e = err(&[a.clone(), b.clone(), c.clone()]);
    assert!(e.contains("ends before run"), "{e}");
    let swapped = csv_text.replacen("\n0,1,6,", "\n0,1,7,", 1);
    fs::write(b.join(SWEEP_CSV), swapped).unwrap();
    let e = err(&[a.clone(), b.clone(), c.clone()]);
    assert!(e.contains("line 2: expected run 1 (0,1,6,30s)"), "{e}");
    let garbled = csv_text.replacen("\n0,1,6,30s,60,", "\n0,1,6,30s,sixty,", 1);
    assert_ne!(garbled, csv_text);
    fs::write(b.join(SWEEP_CSV), garbled).unwrap();
    let e = err(&[a.clone(), b.clone(), c.clone()]);
    assert!(
        e.contains("line 2: `users` is `sixty`, not a number"),
        "{e}"
    );
    fs::write(b.join(SWEEP_CSV), &csv_text).unwrap();
    let e = merge(&[a.clone(), b.clone(), c.clone()], &a)
        .unwrap_err()
        .to_string();
    assert!(e.contains("is one of the shard directories"), "{e}");
    merge(&[a, b, c], &out).unwrap();
}

#[test]
fn never_writes_into_a_directory_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("thesis");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("chapter1.tex"), "precious").unwrap();
    let e = Sweep::plan(options(&[], 1))
        .unwrap()
        .execute(&foreign)
        .unwrap_err()
        .to_string();
    assert!(e.contains("refusing to write into"), "{e}");
    assert!(!partial_dir(&foreign).exists());
    assert_eq!(fs::read_dir(&foreign).unwrap().count(), 1);
}

#[test]
fn without_vary_a_sweep_replicates_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reps");
    let outcome = Sweep::plan(options(&[], 5)).unwrap().execute(&out).unwrap();
    assert_eq!(outcome.points.len(), 1);
    assert_eq!(outcome.points[0].runs, 5);
    let rows = records(&out.join(SWEEP_CSV));
    assert_eq!(rows.len(), 6);
    assert_eq!(&rows[0][..4], &["point", "replication", "seed", "users"]);
}
