//! `run --threads N`: the files are the same bytes for any N, whether the run splits its users
//! (by resolver instance) or falls back to one thread, and the timing line says which.

use crate::util::*;

/// One run: the files it wrote (name, bytes) and its stderr.
type Run = (Vec<(String, Vec<u8>)>, String);

/// Runs `scenario` with `--threads N` for each N into the same directory; returns each run's
/// files and stderr. Every run must end alike: 0, or 1 when an `[[expect]]` fails.
fn runs(scenario: &str, extra: &[&str], threads: &[&str]) -> Vec<Run> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut codes = None;
    threads
        .iter()
        .map(|n| {
            let (code, _, stderr) = output(
                failsim()
                    .arg("run")
                    .arg(repo(scenario))
                    .arg("--out")
                    .arg(&out)
                    .args(["--threads", n])
                    .args(extra),
            );
            let first_code = *codes.get_or_insert(code);
            assert!(matches!(code, Some(0 | 1)), "--threads {n}: {stderr}");
            assert_eq!(code, first_code, "--threads {n}: {stderr}");
            (files_of(&out), stderr)
        })
        .collect()
}

fn assert_same_files(runs: &[Run]) {
    let first = &runs[0].0;
    assert!(first.len() >= 5, "{} files", first.len());
    for (files, _) in &runs[1..] {
        let names: Vec<&String> = files.iter().map(|(n, _)| n).collect();
        let first_names: Vec<&String> = first.iter().map(|(n, _)| n).collect();
        assert_eq!(names, first_names);
        for ((name, a), (_, b)) in first.iter().zip(files) {
            assert!(a == b, "{name} differs between thread counts");
        }
    }
}

#[test]
fn one_two_and_eight_threads_write_the_same_bytes_when_users_split() {
    let runs = runs(
        "scenarios/internet-resolvers.toml",
        &["--set", "users.staff.count=4000", "--format", "svg"],
        &["1", "2", "8"],
    );
    assert_same_files(&runs);
    assert!(runs[0].1.contains("on 1 thread;"), "{}", runs[0].1);
    assert!(
        runs[1].1.contains("on 2 threads (users split by resolver)"),
        "{}",
        runs[1].1
    );
    assert!(
        runs[2].1.contains("on 8 threads (users split by resolver)"),
        "{}",
        runs[2].1
    );
}

#[test]
fn a_coupled_scenario_falls_back_to_one_thread_and_says_why() {
    let runs = runs(
        "scenarios/capacity-planning.toml",
        &["--no-charts"],
        &["1", "2", "8"],
    );
    assert_same_files(&runs);
    for (_, stderr) in &runs[1..] {
        assert!(
            stderr.contains("on 1 thread: Region us-east-1 limits concurrent launches"),
            "{stderr}"
        );
    }
}

#[test]
fn zero_threads_is_a_usage_error() {
    let (code, _, stderr) = output(
        failsim()
            .arg("run")
            .arg(repo("scenarios/workspaces-failover.toml"))
            .args(["--threads", "0", "--no-charts"]),
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--threads"), "{stderr}");
}

#[test]
fn json_says_how_many_threads_the_run_used_and_why_not_more() {
    let json = |scenario: &str| {
        let dir = tempfile::tempdir().unwrap();
        let (code, stdout, stderr) = output(
            failsim()
                .arg("run")
                .arg(repo(scenario))
                .args(["--threads", "2", "--no-charts", "--json", "--out"])
                .arg(dir.path().join("o")),
        );
        assert!(matches!(code, Some(0 | 1)), "{stderr}");
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
    };
    let split = json("scenarios/internet-resolvers.toml");
    assert_eq!(split["threads"], 2);
    assert!(split["single_thread_reason"].is_null());
    let single = json("scenarios/workspaces-failover.toml");
    assert_eq!(single["threads"], 1);
    assert!(single["single_thread_reason"]
        .as_str()
        .unwrap()
        .contains("share one resolver"));
}
