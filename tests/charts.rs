//! Charts: written, decodable, not blank, and golden for a tiny scenario.

use crate::util::*;
use std::fs;

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
    // No standby WorkSpaces with data replication: no data-age chart.
    assert!(!out.join("data-age.svg").exists());
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
fn a_run_writes_the_same_bytes_on_one_thread_or_several() {
    // Chart documents render as parallel tasks; the files must not depend on how many.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let scenario = repo("scenarios/workspaces-failover.toml");
    let mut written = Vec::new();
    for threads in ["1", "3"] {
        let output = failsim()
            .env("RAYON_NUM_THREADS", threads)
            .args(["run", "--set", "users.staff.count=300", "--out"])
            .arg(&out)
            .arg(&scenario)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        written.push(files_of(&out));
    }
    let names: Vec<&str> = written[0].iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"timeline.png") && names.contains(&"users.svg"),
        "{names:?}"
    );
    assert_eq!(written[0], written[1]);
}

/// The tiny scenario failing over to Multi-Region Resilience standby WorkSpaces with data
/// replication; a 23 h objective that one of its six users' data is older than.
const TINY_MRR: [&str; 6] = [
    "--set",
    "region.us-east-1.standby=mrr",
    "--set",
    "region.us-east-1.data_replication=true",
    "--set",
    "region.us-east-1.rpo=23h",
];

/// Golden data-age chart (`FAILSIM_UPDATE_GOLDEN=1 cargo test golden` to accept a change).
#[test]
fn golden_data_age_svg_for_a_tiny_scenario_with_replicated_data() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "tiny.toml", TINY);
    let out = dir.path().join("o");
    let mut args = TINY_MRR.to_vec();
    args.extend(["--format", "svg"]);
    run_ok(&s, &out, &args);
    let got = fs::read_to_string(out.join("data-age.svg")).unwrap();
    let golden = repo("tests/golden/tiny-data-age.svg");
    if std::env::var_os("FAILSIM_UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &got).unwrap();
        return;
    }
    let want = fs::read_to_string(&golden).unwrap_or_default();
    assert!(
        got == want,
        "data-age.svg differs from {} (FAILSIM_UPDATE_GOLDEN=1 to accept)",
        golden.display()
    );
}

/// The value of `name` in a run's `summary.csv`.
fn summary_value(out: &std::path::Path, name: &str) -> String {
    let text = fs::read_to_string(out.join("summary.csv")).unwrap();
    let line = text.lines().find(|l| l.starts_with(&format!("{name},")));
    line.unwrap().split_once(',').unwrap().1.to_string()
}

#[test]
fn multi_region_resilience_draws_the_data_age_chart_and_workspaces_failover_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let mrr = dir.path().join("mrr");
    let stdout = run_ok(
        &repo("scenarios/multi-region-resilience.toml"),
        &mrr,
        &["--set", "users.staff.count=200"],
    );
    assert!(stdout.contains("data-age.svg") && stdout.contains("data-age.png"));
    let (w, h, colours) = decode_png(&mrr.join("data-age.png"));
    assert!(
        w == 1600 && h == 800 && colours > 8,
        "{w}x{h}, {colours} colours"
    );
    // The chart states the run's own figures: users over the RPO, out of those with data.
    let svg = fs::read_to_string(mrr.join("data-age.svg")).unwrap();
    let over = summary_value(&mrr, "users_over_rpo");
    assert_ne!(over, "0", "the scenario's 18 h objective is missed by some");
    assert!(
        svg.contains(&format!("{over} (")),
        "users_over_rpo {over} not in the SVG"
    );
    assert!(svg.contains("older than the RPO") && svg.contains("RPO 18h"));
    // On the page, right after the downtime chart.
    let page = fs::read_to_string(mrr.join("report.html")).unwrap();
    let downtime = page.find("back at work within a given downtime").unwrap();
    let age = page.find("How old the replicated data was").unwrap();
    let users = page.find("Traced users, one lane each").unwrap();
    assert!(downtime < age && age < users);

    let plain = dir.path().join("plain");
    run_ok(
        &repo("scenarios/workspaces-failover.toml"),
        &plain,
        &["--set", "users.staff.count=200"],
    );
    assert!(plain.join("downtime.svg").exists());
    for file in ["data-age.svg", "data-age.png"] {
        assert!(
            !plain.join(file).exists(),
            "{file} written without data ages"
        );
    }
    let page = fs::read_to_string(plain.join("report.html")).unwrap();
    assert!(!page.contains("How old the replicated data was"));

    let none = dir.path().join("none");
    run_ok(
        &repo("scenarios/multi-region-resilience.toml"),
        &none,
        &["--set", "users.staff.count=50", "--no-charts"],
    );
    assert!(!none.join("data-age.svg").exists() && none.join("users.csv").exists());
}
