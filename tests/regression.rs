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

/// With an outage starting at exactly 1:00, the fault was applied before the datapoint of the
/// period that ended at that millisecond was published: 0:59-1:00, a minute entirely before
/// the outage, went missing and the alarm fired a minute early (`detection_ms` 240 s; 241 s at
/// 3599 s, 299 s at 3601 s). The mirror: 1:44-1:45, spent inside the outage, was published.
/// Fixed by closing metric periods before anything else at their boundary and by losing
/// canary samples one by one as they are put.
#[test]
fn datapoint_at_a_fault_boundary_took_the_state_after_it() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(
        &repo("scenarios/alarm-failover.toml"),
        dir.path(),
        &["--no-charts"],
    );
    let rows = csv_rows(&dir.path().join("timeline.csv"));
    let published = |at: &str| {
        rows.iter()
            .find(|r| r[0] == at && r[1] == "datapoint")
            .unwrap_or_else(|| panic!("a datapoint at {at}"))[3]
            .clone()
    };
    assert_eq!(published("3600000"), "1", "0:59-1:00 is before the outage");
    assert_eq!(published("3660000"), "missing", "1:00-1:01 is inside it");
    assert_eq!(published("6300000"), "missing", "1:44-1:45 is inside it");
    assert_eq!(published("6360000"), "1", "1:45-1:46 is after it");
}

// Reliability II (a mutation and fuzz campaign against user input): every class of input
// that crashed, hung or lost a file, one test each.

/// Runs failsim with `args` (paths relative to the repository), asserts exit 2 without a
/// panic, and returns stderr.
fn refused(args: &[&str]) -> String {
    let out = failsim().args(args).current_dir(repo("")).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "expected exit 2; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// Durations near humantime's maximum wrapped `now + duration` and tripped the event queue's
/// "earlier than now" assertion: exit 3 from user input.
#[test]
fn duration_overflow_exited_3() {
    for key in [
        "users.staff.schedule.session",
        "users.staff.behaviour.reauth_every",
        "users.staff.behaviour.detect_disconnect",
        "users.staff.behaviour.restart_time",
        "users.staff.behaviour.retry_backoff.initial",
    ] {
        let err = refused(&[
            "check",
            "scenarios/workspaces-failover.toml",
            "--set",
            &format!("{key}=584542046y 33d 2h 25m 51s 115ms"),
        ]);
        assert!(err.contains("too long (at most 100 years"), "{key}: {err}");
    }
}

/// `scenario.duration` had no limit and limits capped entry counts, not work: 100,000 years
/// with a 1000-year series step never ended; many checkers at 10 s grew to 12.7 GiB.
#[test]
fn unbounded_scenario_duration_and_work_ran_for_ever() {
    let err = refused(&[
        "check",
        "scenarios/workspaces-failover.toml",
        "--set",
        "scenario.duration=300d",
        "--set",
        "scenario.series_step=1d",
        "--set",
        "users.staff.count=1000000",
    ]);
    assert!(err.contains("`users.staff.count`"), "{err}");
    assert!(
        err.contains("estimated") && err.contains("allowed: at most 10,000,000,000 events"),
        "{err}"
    );
    let err = refused(&[
        "check",
        "scenarios/workspaces-failover.toml",
        "--set",
        "scenario.duration=2y",
    ]);
    assert!(
        err.contains("allowed: at most 366d") || err.contains("366 days"),
        "{err}"
    );
}

/// A five-byte file made `toml_edit` panic ("all items have spans") inside the locator: exit
/// 3. The panic is caught and the serde parser's located error reported.
#[test]
fn five_byte_file_panicked_the_locator() {
    for text in ["==\n.=", "==\n.a=1"] {
        let (code, err) = check_text(text);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("bad.toml:1:"), "{err}");
        assert!(!err.contains("internal error"), "{err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let p = write_scenario(dir.path(), "x.toml", "==\n.=");
    let out = failsim()
        .arg("run")
        .arg(&p)
        .args(["--set", "dns.ttl=1s", "--out"])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Errors with no location: invalid UTF-8, a table header nested past the parser's
/// recursion limit, integers beyond TOML's range (accepted, after which no other error was
/// located), a bad failover secondary (the error inside it was replaced by "a record table
/// or an array of record tables"), and a file with no [[region]] (which panicked).
#[test]
fn unlocated_errors() {
    let (code, err) = check_text("[scenario]\nname = \"a\u{0}\"\n");
    assert_eq!(code, Some(2), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    fs::write(&p, b"[scenario]\nname = \"ab\xff\"\n").unwrap();
    let (code, _, err) = output(failsim().arg("check").arg(&p));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("bad.toml:2:11: byte 0xff is not UTF-8"),
        "{err}"
    );

    let deep = format!("{SMALL}\n[{}]\n", vec!["a"; 200].join("."));
    let line = SMALL.lines().count() + 2;
    assert_invalid(&deep, line, &["nested too deeply"]);

    let big = edit(SMALL, "seed = 3", "seed = 18446744073709551615");
    let (code, err) = check_text(&big);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("integer number overflowed; allowed: integers from"),
        "{err}"
    );
    assert!(err.contains("bad.toml:"), "{err}");

    let routing = "routing = { policy = \"failover\", primary = { region = \"us-west-2\" }, secondary = { region = \"us-east-1\", x = 1 } }";
    let text = regex_free_replace_line(SMALL, "routing = ", routing);
    let (code, err) = check_text(&text);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("unknown key `x`"), "{err}");

    let no_regions: String = SMALL
        .split("\n\n")
        .filter(|block| !block.trim_start().starts_with("[[region]]"))
        .collect::<Vec<_>>()
        .join("\n\n");
    let (code, err) = check_text(&no_regions);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no [[region]] defined"), "{err}");
}

/// Replaces the whole line starting with `prefix`.
fn regex_free_replace_line(text: &str, prefix: &str, line: &str) -> String {
    text.lines()
        .map(|l| if l.starts_with(prefix) { line } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `check /dev/zero` read until memory ran out.
#[test]
fn unbounded_scenario_file_size_exhausted_memory() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let err = refused(&["check", "/dev/zero"]);
    assert!(err.contains("is larger than 64 MiB"), "{err}");
}

/// `--set` could not address a key containing dots even when quoted, nor replace a
/// distribution table with a plain duration; a 9,000-segment path overflowed the stack.
#[test]
fn dotted_keys_and_deep_paths_in_set() {
    let summary = summary_of(
        "scenarios/workspaces-failover.toml",
        &[
            "--set",
            "users.staff.client_versions.\"3.0.8\"=0.5",
            "--set",
            "users.staff.client_versions.\"5.22.0\"=0.5",
            "--set",
            "users.staff.behaviour.detect_disconnect=10s",
        ],
    );
    assert_eq!(metric(&summary, "users"), Some(200));
    let deep = format!("{}=1", vec!["a"; 9_000].join("."));
    let err = refused(&[
        "check",
        "scenarios/workspaces-failover.toml",
        "--set",
        &deep,
    ]);
    assert!(
        err.contains("9000 segments; allowed: at most 16"),
        "{}",
        &err[err.len().saturating_sub(200)..]
    );
}

/// Errors were located in the text as edited by `--set`: a `--set` inserting a key shifted
/// every later location by a line, and errors in a `--set` value pointed at columns that do
/// not exist. Locations are now in the user's file, or name the `--set`.
#[test]
fn set_errors_were_located_in_the_edited_text() {
    let dir = tempfile::tempdir().unwrap();
    let text = edit(SMALL, "count = 200", "count = 0");
    let line = text.lines().position(|l| l == "count = 0").unwrap() + 1;
    let p = write_scenario(dir.path(), "bad.toml", &text);
    let check = |extra: &[&str]| {
        let mut args = vec!["check", p.to_str().unwrap()];
        args.extend_from_slice(extra);
        refused(&args)
    };
    let plain = check(&[]);
    assert!(plain.contains(&format!("bad.toml:{line}:9:")), "{plain}");
    let inserted = check(&["--set", "dns.edit_propagation=60s"]);
    assert!(
        inserted.contains(&format!("bad.toml:{line}:9:")),
        "{inserted}"
    );
    let err = refused(&[
        "check",
        "scenarios/workspaces-failover.toml",
        "--set",
        "dns.edit_propagation=60s",
        "--set",
        "users.staff.count=0",
    ]);
    assert!(
        err.contains("--set users.staff.count=0: `users.staff.count`"),
        "{err}"
    );
    let err = refused(&[
        "check",
        "scenarios/workspaces-failover.toml",
        "--set",
        "users.staff.count=abc",
    ]);
    assert!(
        err.contains("--set users.staff.count=abc: `users.staff.count`: \"abc\" is a string"),
        "{err}"
    );
}

/// `merge` of a shard made with `--shard 1/4294967295` listed every missing shard in memory
/// and aborted after ~45 s at 7.7 GiB.
#[test]
fn merge_of_a_huge_shard_count_ran_out_of_memory() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let shard = dir.path().join("shard");
    let (code, _, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args(["--vary", "dns.ttl=30s,60s", "--set", "users.staff.count=10"])
            .args(["--shard", "1/4294967295", "--out"])
            .arg(&shard),
    );
    assert_eq!(code, Some(0), "{err}");
    let started = std::time::Instant::now();
    let (code, _, err) = output(
        failsim()
            .arg("merge")
            .arg(&shard)
            .arg("--out")
            .arg(dir.path().join("m")),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("missing shards 2/4294967295 to 4294967295/4294967295"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 10);
}

/// `[[expect]] max = inf` passed `check` and then a sweep chart looped for ever; `nan` made
/// shards impossible to merge; a manifest's `expect_min = [inf]` looped `merge`.
#[test]
fn non_finite_expect_bounds_looped_for_ever() {
    for bound in ["max = inf", "min = -inf", "max = nan"] {
        let text = format!("{SMALL}\n[[expect]]\nmetric = \"users\"\n{bound}\n");
        let (code, err) = check_text(&text);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("is not a finite number"), "{err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let shard = dir.path().join("shard");
    let (code, _, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args(["--vary", "dns.ttl=30s,60s", "--set", "users.staff.count=10"])
            .args(["--shard", "1/1", "--out"])
            .arg(&shard),
    );
    assert_eq!(code, Some(0), "{err}");
    let manifest = shard.join("sweep-manifest.toml");
    let text = fs::read_to_string(&manifest).unwrap();
    let text = text.replace("expect_min = []", "expect_min = [inf]");
    assert!(text.contains("[inf]"), "{text}");
    fs::write(&manifest, text).unwrap();
    let (code, _, err) = output(
        failsim()
            .arg("merge")
            .arg(&shard)
            .arg("--out")
            .arg(dir.path().join("m")),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("allowed: finite numbers"), "{err}");
}

/// `staleness --rate 1e-20` never ended (the arrival time saturated, the end time wrapped).
#[test]
fn staleness_at_a_tiny_rate_never_ended() {
    let err = refused(&[
        "staleness",
        "--population",
        "internet",
        "--ttl",
        "20s",
        "--rate",
        "1e-20",
    ]);
    assert!(err.contains("allowed 0.01 to 10,000"), "{err}");
}

/// `sweep --jobs 100000` tried to start 100,000 threads and ran nothing; `-r 4294967295`
/// and a 2^20-point grid started silently and ran for ever.
#[test]
fn sweeps_that_could_not_finish_started_silently() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let s = s.to_str().unwrap();
    let out = dir.path().join("o");
    let out = out.to_str().unwrap();
    let base = ["sweep", s, "--out", out, "--vary", "dns.ttl=30s,60s"];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        refused(&args)
    };
    assert!(with(&["--jobs", "100000"]).contains("--jobs 100000: allowed 1 to 1024"));
    assert!(with(&["-r", "4294967295"]).contains("allowed 1 to 10,000"));
    let paths = [
        "dns.ttl",
        "dns.health_propagation",
        "dns.edit_propagation",
        "users.staff.behaviour.resume_window",
        "users.staff.schedule.ramp",
        "users.staff.schedule.start",
    ];
    // Ten values each for six paths: 10^6 points.
    let ten: Vec<String> = (1..=10).map(|i| format!("{i}s")).collect();
    let mut big: Vec<String> = vec!["sweep".into(), s.into(), "--out".into(), out.into()];
    for p in paths {
        big.push("--vary".into());
        big.push(format!("{p}={}", ten.join(",")));
    }
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    let err = refused(&big);
    assert!(
        err.contains("make 1,000,000 grid points; allowed: at most 10,000"),
        "{err}"
    );
    let err = refused(&[
        "sweep",
        s,
        "--out",
        out,
        "--vary",
        "users.staff.count=1000000,2000000",
        "-r",
        "10000",
        "--set",
        "scenario.series_step=1h",
    ]);
    assert!(
        err.contains("runs needing an estimated")
            && err.contains("allowed: at most 100,000,000,000 events"),
        "{err}"
    );
    assert!(!std::path::Path::new(out).exists());
}

/// A 10,000-character scenario name took 6.7 s to chart (30,000: 82 s): labels were
/// shortened one character at a time, re-measuring the whole string each time.
#[test]
fn long_scenario_name_took_minutes_to_chart() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let name = "n".repeat(30_000);
    let started = std::time::Instant::now();
    run_ok(
        &s,
        &dir.path().join("o"),
        &["--set", &format!("scenario.name={name}"), "--format", "svg"],
    );
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

/// `--out .` (like an `--out` that is a mount point) failed with "Device or resource busy"
/// and left a complete hidden `.NAME.tmp-PID` copy behind.
#[test]
fn out_dot_failed_busy_and_left_a_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let out_dir = dir.path().join("here");
    fs::create_dir(&out_dir).unwrap();
    for _ in 0..2 {
        let (code, _, err) = output(failsim().current_dir(&out_dir).arg("run").arg(&s).args([
            "--out",
            ".",
            "--no-charts",
        ]));
        assert_eq!(code, Some(0), "{err}");
    }
    let names: Vec<String> = files_of(&out_dir).into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"summary.csv".to_string()), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.contains(".tmp-") || n.contains(".old-")),
        "{names:?}"
    );
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "nothing beside it"
    );
}

/// A failsim-written directory was replaced wholesale: a `NOTES.md` and the very scenario
/// file being run, kept in that directory, were deleted.
#[test]
fn own_directory_replaced_wholesale_deleted_user_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    run_ok(&s, &out, &["--no-charts"]);
    fs::write(out.join("NOTES.md"), "precious").unwrap();
    let inside = write_scenario(&out, "small.toml", SMALL);
    run_ok(&inside, &out, &["--no-charts"]);
    run_ok(&inside, &out, &["--format", "svg"]);
    run_ok(&inside, &out, &["--no-charts"]);
    assert_eq!(
        fs::read_to_string(out.join("NOTES.md")).unwrap(),
        "precious"
    );
    assert_eq!(fs::read_to_string(&inside).unwrap(), SMALL);
    assert!(
        !out.join("timeline.svg").exists(),
        "failsim's own stale chart removed"
    );
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A `.failsim` marker that was a symlink was trusted, so a foreign directory could be
/// replaced.
#[cfg(unix)]
#[test]
fn symlinked_marker_made_a_foreign_directory_ours() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let victim = dir.path().join("thesis");
    fs::create_dir(&victim).unwrap();
    fs::write(victim.join("chapter1.tex"), "precious").unwrap();
    std::os::unix::fs::symlink(&s, victim.join(".failsim")).unwrap();
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .arg("--out")
            .arg(&victim)
            .arg("--no-charts"),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("was not written by failsim"), "{err}");
    assert_eq!(
        fs::read_to_string(victim.join("chapter1.tex")).unwrap(),
        "precious"
    );
}

/// SIGINT or SIGKILL while files were written left `.NAME.tmp-PID` (96 MiB at 1M users)
/// that no later run removed.
#[cfg(target_os = "linux")]
#[test]
fn killed_run_left_a_temporary_no_run_removed() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    // A PID above the kernel's pid_max (at most 2^22) belongs to no running process.
    let stale = dir.path().join(".o.tmp-99999999");
    fs::create_dir(&stale).unwrap();
    fs::write(
        stale.join(".failsim"),
        "written by failsim; an unfinished output\n",
    )
    .unwrap();
    fs::write(stale.join("users.csv"), "user,group\n1,").unwrap();
    run_ok(&s, &dir.path().join("o"), &["--no-charts"]);
    assert!(!stale.exists(), "the killed run's temporary is removed");
}

/// 100,000,000 users (the documented maximum) needed about 15 GiB and more, and aborted on
/// a 24 GiB machine. The run's memory is estimated first and a run that cannot fit is
/// refused with the estimate and the memory available, unless the user insists.
#[cfg(target_os = "linux")]
#[test]
fn runs_that_cannot_fit_in_memory_aborted() {
    let available_kib: u64 = fs::read_to_string("/proc/meminfo")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("MemAvailable:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap();
    if available_kib > 30 << 20 {
        return; // 100 M users (about 30 GiB estimated) would fit here: nothing to refuse
    }
    let dir = tempfile::tempdir().unwrap();
    let err = refused(&[
        "run",
        "scenarios/workspaces-failover.toml",
        "--set",
        "users.staff.count=100000000",
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert!(
        err.contains("GiB of memory") && err.contains("--ignore-memory-estimate"),
        "{err}"
    );
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
