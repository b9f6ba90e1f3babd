//! Command-line conventions (issue 11): what a user of ripgrep, hyperfine or cargo expects
//! of `failsim` — quiet broken pipes, shell-safe reproduce commands, destinations checked
//! before any work, `-q`, `--json`, standard input, completions, the man page, `--version`,
//! and a manifest in every run directory.

use crate::util::*;
use std::fs;
use std::path::Path;
use std::process::Stdio;

fn json_of(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{stdout}"))
}

/// `failsim run ... | head -1`: the reader goes away before failsim writes its story.
#[test]
fn a_closed_stdout_is_not_a_bug() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("failsim"))
        .arg("run")
        .arg(&s)
        .args(["--no-charts", "--out"])
        .arg(dir.path().join("o"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end at once: the child simulates first, then finds the pipe closed.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("internal error") && !err.contains("bug"),
        "{err}"
    );
}

/// Started with its standard output closed (`failsim run ... >&-`), failsim must not let a
/// file it opens take descriptor 1 and receive the story: every output file holds what it
/// would hold with stdout open.
#[cfg(unix)]
#[test]
fn a_closed_stdout_descriptor_leaks_nothing_into_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let (open, closed) = (dir.path().join("open"), dir.path().join("closed"));
    run_ok(&s, &open, &["--no-charts"]);
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"exec "$0" run "$1" --no-charts --out "$2" >&-"#)
        .arg(assert_cmd::cargo::cargo_bin("failsim"))
        .arg(&s)
        .arg(&closed)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let (a, b) = (files_of(&open), files_of(&closed));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b));
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        if name != "run-manifest.toml" && name != "report.html" {
            assert!(x == y, "{name} differs with stdout closed");
        }
    }
}

#[test]
fn reproduce_is_complete_and_shell_quoted_on_stderr_and_in_junit() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("my scenarios");
    fs::create_dir(&sub).unwrap();
    let s = write_scenario(&sub, "small [v2].toml", &sweep_fixture(FAILING));
    let junit = dir.path().join("j.xml");
    let out = dir.path().join("out dir");
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .args(["--seed", "11", "--trace-users", "3", "--format", "svg"])
            .args(["--set", "event.outage.duration=40m"])
            .arg("--out")
            .arg(&out)
            .arg("--junit")
            .arg(&junit),
    );
    assert_eq!(code, Some(1), "{err}");
    let line = err
        .lines()
        .find_map(|l| l.strip_prefix("reproduce: "))
        .unwrap_or_else(|| panic!("no reproduce line: {err}"));
    let words = shell_words::split(line).unwrap();
    let expected: Vec<String> = [
        "failsim",
        "run",
        &s.display().to_string(),
        "--seed",
        "11",
        "--out",
        &out.display().to_string(),
        "--set",
        "event.outage.duration=40m",
        "--trace-users",
        "3",
        "--format",
        "svg",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    assert_eq!(words, expected, "{line}");
    let xml = fs::read_to_string(&junit).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let suite = &report.test_suites[0];
    let system_out = suite.system_out.as_ref().unwrap().as_str();
    assert_eq!(system_out.trim_end(), format!("reproduce: {line}"));
    // The overrides are shown in JUnit.
    assert!(
        suite
            .properties
            .iter()
            .any(|p| p.name.as_str() == "set" && p.value.as_str() == "event.outage.duration=40m"),
        "{xml}"
    );
}

#[test]
fn an_unwritable_junit_file_is_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("o");
    let (code, stdout, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(&out)
            .arg("--junit")
            .arg(dir.path().join("absent").join("j.xml")),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("absent") && err.contains("does not exist"),
        "{err}"
    );
    assert!(
        !err.contains("simulated"),
        "simulated before checking: {err}"
    );
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!out.exists());
}

#[test]
fn a_refused_out_is_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let precious = dir.path().join("thesis");
    fs::create_dir(&precious).unwrap();
    fs::write(precious.join("chapter1.tex"), "years of work").unwrap();
    let (code, stdout, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(&precious)
            .arg("--junit")
            .arg(dir.path().join("j.xml")),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("refusing to write into"), "{err}");
    assert!(!err.contains("simulated") && stdout.is_empty(), "{err}");
    assert!(!dir.path().join("j.xml").exists());
    // A sweep checks too, before running anything.
    let (code, _, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args(["--vary", "dns.ttl=30s,60s", "--out"])
            .arg(&precious),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("refusing to write into"), "{err}");
    assert!(!err.contains("ran "), "{err}");
}

#[test]
fn an_invalid_scenario_still_writes_a_failing_junit_case() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(
        dir.path(),
        "bad.toml",
        &edit(SMALL, "ttl = \"60s\"", "tll = \"60s\""),
    );
    let junit = dir.path().join("j.xml");
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(dir.path().join("o"))
            .arg("--junit")
            .arg(&junit),
    );
    assert_eq!(code, Some(2), "{err}");
    let xml = fs::read_to_string(&junit).expect("a JUnit file for the invalid scenario");
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.tests, 1, "{xml}");
    assert_eq!(report.errors + report.failures, 1, "{xml}");
    assert!(xml.contains("tll"), "{xml}");
}

#[test]
fn quiet_means_nothing_but_errors() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled scenario has lints; -q hides them, the story and the timing.
    let (code, stdout, err) = output(
        failsim()
            .arg("run")
            .arg(repo("scenarios/workspaces-failover.toml"))
            .args([
                "--set",
                "users.staff.count=20",
                "--no-charts",
                "-q",
                "--out",
            ])
            .arg(dir.path().join("o")),
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!((stdout.as_str(), err.as_str()), ("", ""));
    let (code, stdout, err) = output(
        failsim()
            .arg("check")
            .arg(repo("scenarios/workspaces-failover.toml"))
            .arg("-q"),
    );
    assert_eq!((code, stdout.as_str(), err.as_str()), (Some(0), "", ""));
    let (code, stdout, err) = output(
        failsim()
            .args([
                "staleness",
                "--population",
                "internet",
                "--ttl",
                "60s",
                "-q",
                "--out",
            ])
            .arg(dir.path().join("s.csv")),
    );
    assert_eq!((code, stdout.as_str(), err.as_str()), (Some(0), "", ""));
}

#[test]
fn check_deny_warnings_fails_on_warnings_but_not_on_notes() {
    let (code, _, err) = output(
        failsim()
            .arg("check")
            .arg(repo("scenarios/workspaces-failover.toml"))
            .args(["--deny-warnings", "-q"]),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("warning[") && err.contains("--deny-warnings"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let (code, stdout, err) = output(failsim().arg("check").arg(&s).arg("--deny-warnings"));
    assert_eq!(code, Some(0), "{stdout}{err}");
    // Counts are pluralised, and notes are not warnings.
    let last = stdout.lines().last().unwrap();
    assert!(
        last.contains(" 1 event,") || last.contains(" events,"),
        "{last}"
    );
    assert!(
        !last.contains("1 events") && last.contains(" 0 warnings"),
        "{last}"
    );
}

#[test]
fn overridden_runs_keep_the_baseline_and_every_run_has_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    write_scenario(dir.path(), "small.toml", SMALL);
    let run = |extra: &[&str]| {
        let (code, _, err) = output(
            failsim()
                .current_dir(dir.path())
                .args(["run", "small.toml", "--no-charts"])
                .args(extra),
        );
        assert_eq!(code, Some(0), "{err}");
    };
    run(&[]);
    run(&["--set", "dns.ttl=300s"]);
    let base = dir.path().join("output").join("small");
    let over = dir.path().join("output").join("small--dns.ttl=300s");
    assert!(base.join("summary.csv").is_file() && over.join("summary.csv").is_file());
    let manifest = fs::read_to_string(over.join("run-manifest.toml")).unwrap();
    let parsed: toml::Table = toml::from_str(&manifest).unwrap();
    let sha = format!("sha256:{}", sha256_hex(SMALL.as_bytes()));
    assert_eq!(parsed["scenario"].as_str(), Some("small.toml"));
    assert_eq!(parsed["scenario_sha256"].as_str(), Some(sha.as_str()));
    assert_eq!(parsed["seed"].as_str(), Some("3"), "{manifest}");
    assert_eq!(parsed["set"].as_array().unwrap().len(), 1);
    assert_eq!(
        parsed["command"].as_str(),
        Some("failsim run small.toml --seed 3 --set dns.ttl=300s --no-charts")
    );
    assert!(parsed["failsim_version"]
        .as_str()
        .unwrap()
        .starts_with(env!("CARGO_PKG_VERSION")));
    let base_manifest = fs::read_to_string(base.join("run-manifest.toml")).unwrap();
    assert!(base_manifest.contains("set = []"), "{base_manifest}");
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn json_documents_on_run_check_and_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sweep_fixture(dir.path(), PASSING);
    let (code, stdout, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .args(["--no-charts", "--json", "--out"])
            .arg(dir.path().join("o")),
    );
    assert_eq!(code, Some(0), "{err}");
    let doc = json_of(&stdout);
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["seed"], "3");
    assert_eq!(doc["summary"]["users"], 80);
    assert!(doc["summary"]["downtime_p95_ms"].is_number(), "{doc}");
    assert_eq!(doc["expectations"].as_array().unwrap().len(), 2);
    assert_eq!(doc["passed"], true);
    assert!(doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "run-manifest.toml"));
    assert!(doc["reproduce"]
        .as_str()
        .unwrap()
        .starts_with("failsim run "));

    let (code, stdout, _) = output(
        failsim()
            .arg("check")
            .arg(repo("scenarios/workspaces-failover.toml"))
            .arg(dir.path().join("absent.toml"))
            .arg("--json"),
    );
    assert_eq!(code, Some(2));
    let doc = json_of(&stdout);
    let scenarios = doc["scenarios"].as_array().unwrap();
    assert_eq!(scenarios[0]["valid"], true);
    let lint = &scenarios[0]["lints"][0];
    for field in ["code", "level", "field", "message", "fix"] {
        assert!(lint[field].is_string(), "{field} in {lint}");
    }
    assert_eq!(scenarios[1]["valid"], false);
    assert!(!scenarios[1]["errors"].as_array().unwrap().is_empty());

    let (code, stdout, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args([
                "--vary",
                "dns.ttl=30s,300s",
                "-r",
                "2",
                "--no-charts",
                "--json",
                "--out",
            ])
            .arg(dir.path().join("sw")),
    );
    assert_eq!(code, Some(0), "{err}");
    let doc = json_of(&stdout);
    assert_eq!(doc["runs"], 4);
    let points = doc["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[1]["values"]["dns.ttl"], "300s");
    assert_eq!(points[0]["metrics"]["users"]["mean"], 80);
}

#[test]
fn a_scenario_can_come_from_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let (code, stdout, err) = output(
        failsim()
            .args(["run", "-", "--no-charts", "--out"])
            .arg(&out)
            .write_stdin(SMALL),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(stdout.starts_with("seed: 3\n"), "{stdout}");
    let file = dir.path().join("small.toml");
    fs::write(&file, SMALL).unwrap();
    let from_file = dir.path().join("f");
    run_ok(&file, &from_file, &["--no-charts"]);
    assert_eq!(
        fs::read(out.join("users.csv")).unwrap(),
        fs::read(from_file.join("users.csv")).unwrap()
    );
    let (code, stdout, err) = output(failsim().args(["check", "-"]).write_stdin(SMALL));
    assert_eq!(code, Some(0), "{err}");
    assert!(stdout.contains("<stdin>: ok"), "{stdout}");
    let (code, _, err) = output(failsim().args(["check", "-"]).write_stdin(edit(
        SMALL,
        "ttl = \"60s\"",
        "tll = \"60s\"",
    )));
    assert_eq!(code, Some(2));
    assert!(err.contains("<stdin>:"), "{err}");
}

#[test]
fn completions_man_page_and_version_come_from_the_clap_definition() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, stdout, err) = output(failsim().args(["completions", shell]));
        assert_eq!(code, Some(0), "{shell}: {err}");
        assert!(
            stdout.contains("trace-users") && stdout.contains("staleness"),
            "{shell}"
        );
    }
    let (code, stdout, _) = output(failsim().arg("man"));
    assert_eq!(code, Some(0));
    assert!(stdout.contains(".TH failsim 1") && stdout.contains("completions"));
    let (_, stdout, _) = output(failsim().arg("--version"));
    assert!(
        stdout.starts_with(&format!("failsim {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    // Built from a git checkout (as the tests are): the commit is named.
    if Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists() {
        assert!(stdout.contains("(commit "), "{stdout}");
    }
}

/// Issue 11, items 3-5: errors an override causes name the override, the key, what is
/// allowed and a did-you-mean; map-valued keys can be set and swept.
#[test]
fn override_errors_blame_the_override_and_suggest() {
    let s = repo("scenarios/workspaces-failover.toml");
    let check = |set: &str| output(failsim().arg("check").arg(&s).args(["--set", set]));
    let (code, _, err) = check("dns.tll=30s");
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with(
            "error: --set dns.tll=30s: `dns.tll`: unknown key `tll`; did you mean `ttl`?"
        ),
        "{err}"
    );
    assert!(!err.contains("workspaces-failover.toml:"), "{err}");
    let (_, _, err) = check("dns.ttl=30");
    assert!(
        err.starts_with(
            "error: --set dns.ttl=30: `dns.ttl`: 30 is a number; write a duration such as \"30s\""
        ),
        "{err}"
    );
    let (_, _, err) = check("event.outage.kind=region-outage");
    assert!(err.contains("did you mean `region_outage`?"), "{err}");
    let (_, _, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args(["--vary", "dns.ttl=30s,60"]),
    );
    assert!(
        err.starts_with("error: --vary dns.ttl=60: `dns.ttl`: 60 is a number"),
        "{err}"
    );
    let (_, _, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args(["--metric", "dowtime_p95_ms"]),
    );
    assert!(err.contains("did you mean `downtime_p95_ms`?"), "{err}");
}

#[test]
fn map_valued_keys_can_be_set_and_swept() {
    let dir = tempfile::tempdir().unwrap();
    let s = repo("scenarios/workspaces-failover.toml");
    let (code, stdout, err) = output(
        failsim()
            .arg("check")
            .arg(&s)
            .args(["--set", r#"users.staff.client_versions={"5.22.0"=1.0}"#]),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        !stdout.contains("clients-without-fqdn-redirection") || !stdout.contains("3.0.8"),
        "{stdout}"
    );
    let (code, stdout, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args([
                "--set",
                "users.staff.count=40",
                "--vary",
                r#"users.staff.client_versions={"5.22.0"=1.0},{"5.22.0"=0.5,"3.0.8"=0.5}"#,
                "-r",
                "1",
                "--no-charts",
                "--json",
                "--out",
            ])
            .arg(dir.path().join("sw")),
    );
    assert_eq!(code, Some(0), "{err}");
    let doc = json_of(&stdout);
    assert_eq!(doc["points"].as_array().unwrap().len(), 2, "{doc}");
}

#[test]
fn overrides_show_in_the_story_and_the_chart_subtitle() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("o");
    let stdout = run_ok(&s, &out, &["--set", "dns.ttl=30s", "--format", "svg"]);
    assert_eq!(
        stdout.lines().nth(1),
        Some("overrides: --set dns.ttl=30s"),
        "{stdout}"
    );
    let svg = fs::read_to_string(out.join("timeline.svg")).unwrap();
    assert!(
        svg.contains("--set dns.ttl=30s"),
        "subtitle names the override"
    );
    // Without overrides, the story is as before.
    let plain = run_ok(&s, &dir.path().join("p"), &["--no-charts"]);
    assert!(!plain.contains("overrides:"), "{plain}");
}
