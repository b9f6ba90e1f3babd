//! Cohorts: `cohorts.csv`, cohort-qualified metrics in `[[expect]]` and sweeps, and users
//! off the VPN of a private zone kept out of the outage's figures.

use crate::util::*;

/// The `cohorts.csv` row of `cohort` (`dimension=value`) as (column, value) pairs.
fn cohort_row(rows: &[Vec<String>], cohort: &str) -> Vec<(String, String)> {
    let (dimension, value) = cohort.split_once('=').unwrap();
    let row = rows
        .iter()
        .find(|r| r[0] == dimension && r[1] == value)
        .unwrap_or_else(|| panic!("no cohort {cohort} in {rows:?}"));
    rows[0].iter().cloned().zip(row.iter().cloned()).collect()
}

fn field(row: &[(String, String)], name: &str) -> u64 {
    row.iter()
        .find(|(k, _)| k == name)
        .unwrap()
        .1
        .parse()
        .unwrap()
}

#[test]
fn cohorts_split_the_bundled_scenario_by_redirectability() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let story = run_ok(
        &repo("scenarios/workspaces-failover.toml"),
        &out,
        &["--set", "users.staff.count=400", "--no-charts"],
    );
    let rows = csv_rows(&out.join("cohorts.csv"));
    let redirectable = cohort_row(&rows, "redirect=redirectable");
    let region_code = cohort_row(&rows, "redirect=region_code");
    let old = cohort_row(&rows, "redirect=old_client");
    // The three redirect cohorts partition the users.
    assert_eq!(
        field(&redirectable, "users") + field(&region_code, "users") + field(&old, "users"),
        400
    );
    // Users who cannot follow DNS wait for the Region to come back (45 min outage); users
    // who can are back within minutes.
    assert!(field(&region_code, "downtime_p50_ms") > 40 * 60_000);
    assert!(field(&redirectable, "downtime_p50_ms") < 10 * 60_000);
    assert_eq!(field(&region_code, "users_redirected"), 0);
    assert!(story.contains("by cohort"), "{story}");
    assert!(story.contains("redirect=old_client"), "{story}");
}

#[test]
fn off_vpn_users_of_a_private_zone_do_not_inflate_the_outage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let story = run_ok(
        &repo("scenarios/private-zone-vpn.toml"),
        &out,
        &["--set", "users.staff.count=400", "--no-charts"],
    );
    let summary: Vec<Vec<String>> = csv_rows(&out.join("summary.csv"));
    let get = |name: &str| -> u64 {
        summary.iter().find(|r| r[0] == name).unwrap()[1]
            .parse()
            .unwrap()
    };
    let off = get("users_off_vpn");
    assert!(off > 20, "about 15 % of 400 are off the VPN: {off}");
    assert_eq!(get("users_affected") + off, 400);
    assert_eq!(get("users_never_reconnected"), 0);
    // The outage is 45 min; off-VPN users (down all day) no longer set the p95.
    assert!(get("downtime_p95_ms") < 45 * 60_000);
    let rows = csv_rows(&out.join("cohorts.csv"));
    let cohort = cohort_row(&rows, "redirect=off_vpn");
    assert_eq!(field(&cohort, "users"), off);
    assert_eq!(field(&cohort, "users_never_reconnected"), off);
    assert!(story.contains("users off the VPN"), "{story}");
}

#[test]
fn cohort_metrics_bound_expectations_and_chart_sweeps() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{SMALL}\n[[expect]]\nmetric = \"downtime_p95_ms{{redirect=redirectable}}\"\nmax = \"1s\"\n"
    );
    let s = write_scenario(dir.path(), "x.toml", &text);
    let (code, _, err) = output(
        failsim()
            .arg("run")
            .arg(&s)
            .arg("--no-charts")
            .arg("--out")
            .arg(dir.path().join("o")),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("expectation failed: downtime_p95_ms{redirect=redirectable} = "),
        "{err}"
    );
    // A misspelt cohort is a located error.
    let bad = format!("{SMALL}\n[[expect]]\nmetric = \"users{{home=mars}}\"\nmax = 1\n");
    let line = bad.lines().count();
    assert_invalid(
        &bad,
        line - 1,
        &[
            "no cohort `home=mars`",
            "allowed values of `home`: us-west-2, us-east-1",
        ],
    );
    // A sweep charts the cohort metric as an extra column.
    let out = dir.path().join("sw");
    let (code, stdout, err) = output(
        failsim()
            .arg("sweep")
            .arg(&s)
            .args(["--vary", "dns.ttl=30s,300s", "-r", "2", "--no-charts"])
            .args(["--metric", "downtime_p95_ms{redirect=redirectable}"])
            .arg("--out")
            .arg(&out),
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        stdout.contains("downtime_p95_ms{redirect=redirectable} mean"),
        "{stdout}"
    );
    let rows = csv_rows(&out.join("sweep.csv"));
    assert_eq!(
        rows[0].last().unwrap(),
        "downtime_p95_ms{redirect=redirectable}"
    );
    assert!(rows[1].last().unwrap().parse::<u64>().is_ok(), "{rows:?}");
}
