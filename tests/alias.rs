//! The connection-alias layer end to end: records holding connection identifiers, the
//! copy-paste mistake (the secondary holding the primary's identifier) and a value that
//! matches no association.

use crate::util::{failsim, metric, output, repo, write_scenario};
use std::fs;

/// `alarm-failover.toml` with the secondary record's identifier replaced.
fn with_secondary(identifier: &str) -> String {
    fs::read_to_string(repo("scenarios/alarm-failover.toml"))
        .unwrap()
        .replace(
            "secondary = { identifier = \"z9y8x7w6v5u4t3s2\" }",
            &format!("secondary = {{ identifier = \"{identifier}\" }}"),
        )
}

fn summary_of_text(text: &str) -> (Vec<(String, String)>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_scenario(dir.path(), "alias.toml", text);
    let out = dir.path().join("o");
    let (code, _, stderr) = output(
        failsim()
            .arg("run")
            .arg(&path)
            .arg("--out")
            .arg(&out)
            .args(["--set", "users.staff.count=200", "--no-charts"]),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let summary = fs::read_to_string(out.join("summary.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (k, v) = l.split_once(',').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    let timeline = fs::read_to_string(out.join("timeline.csv")).unwrap();
    (summary, timeline + &stderr)
}

#[test]
fn identifiers_redirect_exactly_as_region_names_did() {
    let by_identifier = with_secondary("z9y8x7w6v5u4t3s2");
    let by_region = by_identifier
        .replace(
            "identifier = \"a1b2c3d4e5f6g7h8\", health_check",
            "region = \"us-west-2\", health_check",
        )
        .replace(
            "secondary = { identifier = \"z9y8x7w6v5u4t3s2\" }",
            "secondary = { region = \"us-east-1\" }",
        );
    assert_ne!(by_identifier, by_region);
    let (a, _) = summary_of_text(&by_identifier);
    let (b, _) = summary_of_text(&by_region);
    assert_eq!(a, b);
    assert!(metric(&a, "users_redirected").unwrap() > 100);
}

#[test]
fn the_primary_identifier_in_the_secondary_redirects_nobody() {
    let (good, _) = summary_of_text(&with_secondary("z9y8x7w6v5u4t3s2"));
    let (mistake, text) = summary_of_text(&with_secondary("a1b2c3d4e5f6g7h8"));
    assert!(metric(&good, "users_redirected").unwrap() > 100);
    assert_eq!(metric(&mistake, "users_redirected"), Some(0));
    // DNS did fail over, to the same identifier: the answer never left the primary Region.
    assert_eq!(metric(&mistake, "dns_failover_ms"), None);
    assert!(
        text.contains("secondary-holds-primary-identifier"),
        "{text}"
    );
    assert!(
        metric(&mistake, "downtime_p50_ms").unwrap() > metric(&good, "downtime_p50_ms").unwrap()
    );
}

#[test]
fn a_value_matching_no_association_makes_fqdn_logins_fail() {
    let (summary, text) = summary_of_text(&with_secondary("q1w2e3r4t5y6u7i8"));
    assert_eq!(metric(&summary, "users_redirected"), Some(0));
    assert!(metric(&summary, "login_failures").unwrap() > 0);
    assert!(
        text.contains("dns_answer,desktop.example.com,unmatched"),
        "{text}"
    );
    assert!(text.contains("record-matches-no-association"), "{text}");
}
