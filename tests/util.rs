//! What every integration test shares: the `failsim` command, the one small scenario
//! (`tests/fixtures/small.toml`) and its variants, and helpers that run the binary and read
//! what it wrote.

#![allow(dead_code)] // each test module uses a different subset

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

/// The `failsim` binary under test.
pub fn failsim() -> Command {
    Command::cargo_bin("failsim").unwrap()
}

/// A path inside the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The one small valid scenario and the checked fixture edit, shared with the unit tests
/// in `src/` (the same file, included by path).
#[path = "../src/fixture.rs"]
mod fixture;
pub use fixture::{edit, SMALL};

/// A tiny scenario (6 users, 1 h) whose charts are small enough to keep as golden files.
pub const TINY: &str = include_str!("fixtures/tiny.toml");

/// [`SMALL`] cut down for sweeps (80 users, 2 h, a 40-minute outage at 20 min, 20 launch
/// slots in the failover Region), followed by `expect` (`[[expect]]` tables or nothing).
pub fn sweep_fixture(expect: &str) -> String {
    let mut text = SMALL.to_string();
    for (from, to) in [
        ("duration = \"3h\"", "duration = \"2h\""),
        (
            "name = \"us-east-1\"\n",
            "name = \"us-east-1\"\nlaunch_concurrency = 20\n",
        ),
        ("count = 200", "count = 80"),
        ("at = \"30m\"", "at = \"20m\""),
        ("duration = \"1h\"\n", "duration = \"40m\"\n"),
    ] {
        text = edit(&text, from, to);
    }
    text + expect
}

/// Writes [`sweep_fixture`] as `small.toml` in `dir`.
pub fn write_sweep_fixture(dir: &Path, expect: &str) -> PathBuf {
    write_scenario(dir, "small.toml", &sweep_fixture(expect))
}

/// `[[expect]]` bounds that the sweep fixture meets.
pub const PASSING: &str = "
[[expect]]
metric = \"users\"
min = 80
max = 80

[[expect]]
metric = \"downtime_p95_ms\"
max = \"3h\"
";

/// `[[expect]]` bounds of which the sweep fixture fails exactly one (`downtime_p95_ms`).
pub const FAILING: &str = "
[[expect]]
metric = \"users\"
min = 1

[[expect]]
metric = \"downtime_p95_ms\"
max = \"1s\"

[[expect]]
metric = \"users_misdirected\"
max = 0
";

pub fn write_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

pub fn run_ok(scenario: &Path, out: &Path, extra: &[&str]) -> String {
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
pub fn check_text(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write_scenario(dir.path(), "bad.toml", text);
    let out = failsim().arg("check").arg(&p).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn assert_invalid(text: &str, line: usize, needles: &[&str]) {
    let (code, err) = check_text(text);
    assert_eq!(code, Some(2), "expected exit 2; stderr: {err}");
    let loc = format!("bad.toml:{line}:");
    assert!(err.contains(&loc), "expected location {loc} in: {err}");
    for n in needles {
        assert!(err.contains(n), "expected `{n}` in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// Runs a bundled scenario with 200 users and returns its summary as (metric, value) pairs.
pub fn summary_of(scenario: &str, extra: &[&str]) -> Vec<(String, String)> {
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

pub fn metric(summary: &[(String, String)], name: &str) -> Option<u64> {
    let v = &summary.iter().find(|(k, _)| k == name).unwrap().1;
    (!v.is_empty()).then(|| v.parse().unwrap())
}

/// Decodes a PNG; returns (width, height, number of distinct colours).
pub fn decode_png(path: &Path) -> (u32, u32, usize) {
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

pub fn output(cmd: &mut Command) -> (Option<i32>, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

pub fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
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

pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}
