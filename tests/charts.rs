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
