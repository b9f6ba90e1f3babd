//! The bundled scenarios tell the stories their comments promise (figures measured with
//! 200 users).

use crate::util::*;

#[test]
fn missing_data_trap_never_fails_over_and_the_documented_fix_works() {
    let trap = summary_of("scenarios/missing-data-trap.toml", &[]);
    assert_eq!(metric(&trap, "dns_failover_ms"), None);
    assert_eq!(metric(&trap, "users_redirected"), Some(0));
    let fixed = summary_of(
        "scenarios/missing-data-trap.toml",
        &["--set", "alarm.primary-down.treat_missing_data=breaching"],
    );
    assert!(metric(&fixed, "dns_failover_ms").is_some());
    assert!(metric(&fixed, "users_redirected").unwrap() > 100);
}

#[test]
fn alarm_failover_detects_once_the_last_good_minute_leaves_the_range() {
    // Outage at 1:00 takes the metric's Region with it. The datapoint for 0:59-1:00 (a minute
    // before the outage) is published at 1:00 and good; from 1:00-1:01 on they go missing.
    // Evaluations at 1:01..1:04 still see a good minute in the 5-period range; at 1:05 the
    // whole range is missing and `breaching` fills it: ALARM. DNS +10 s.
    let s = summary_of("scenarios/alarm-failover.toml", &[]);
    assert_eq!(metric(&s, "detection_ms"), Some(300_000));
    assert_eq!(metric(&s, "dns_failover_ms"), Some(310_000));
}

#[test]
fn manual_failover_moves_after_the_edit_propagates() {
    let s = summary_of("scenarios/manual-failover.toml", &[]);
    let moved = metric(&s, "dns_failover_ms").unwrap();
    assert!((20 * 60_000..=21 * 60_000).contains(&moved), "{moved}");
    assert_eq!(
        metric(&s, "failback_ms"),
        None,
        "a manual failover needs a manual fail-back"
    );
}

#[test]
fn maintenance_moves_users_to_the_zero_weight_standby() {
    let s = summary_of("scenarios/maintenance-weighted.toml", &[]);
    assert_eq!(metric(&s, "dns_failover_ms"), Some(10_000));
    assert!(metric(&s, "users_redirected").unwrap() > 100);
}

#[test]
fn internet_resolvers_recover_slower_with_a_300s_ttl() {
    let slow = summary_of("scenarios/internet-resolvers.toml", &[]);
    let fast = summary_of(
        "scenarios/internet-resolvers.toml",
        &["--set", "dns.ttl=60s"],
    );
    let p50 = |s: &[(String, String)]| metric(s, "recovered_50_ms").unwrap();
    assert!(
        p50(&slow) > p50(&fast) + 120_000,
        "TTL 300 s: {} ms, 60 s: {} ms",
        p50(&slow),
        p50(&fast)
    );
}

#[test]
fn us_east_1_2025_a_routing_control_fails_over_hours_before_a_record_edit() {
    // The operator decides at 0:48 (30 min into the event). The routing control commits at
    // once through the ARC cluster (4 of 5 Regions up); the record edit waits for the Route 53
    // control plane, down with DynamoDB until 3:10.
    let small = ["--set", "users.americas.count=200"];
    let rc = summary_of(
        "scenarios/us-east-1-2025-10-20.toml",
        &[
            small[0],
            small[1],
            "--set",
            "dns.routing.primary.health_check=rc-east",
        ],
    );
    let manual = summary_of("scenarios/us-east-1-2025-10-20-manual.toml", &small);
    // Time-to figures count from the first fault at 0:18.
    assert_eq!(metric(&rc, "dns_failover_ms"), Some(30 * 60_000 + 10_000));
    let edit = metric(&manual, "dns_failover_ms").unwrap();
    assert!(edit >= (3 * 60 + 10 - 18) * 60_000, "{edit}");
    let (rc_p95, manual_p95) = (
        metric(&rc, "downtime_p95_ms").unwrap(),
        metric(&manual, "downtime_p95_ms").unwrap(),
    );
    assert!(rc_p95 * 3 < manual_p95, "{rc_p95} vs {manual_p95}");
    // Health checks fail over within minutes, without the operator.
    for check in ["east-endpoint", "east-alarm"] {
        let s = summary_of(
            "scenarios/us-east-1-2025-10-20.toml",
            &[
                small[0],
                small[1],
                "--set",
                &format!("dns.routing.primary.health_check={check}"),
            ],
        );
        assert!(
            metric(&s, "dns_failover_ms").unwrap() < 5 * 60_000,
            "{check}"
        );
    }
}

#[test]
fn us_east_1_2025_the_manual_variant_differs_only_in_the_operator_and_the_primary() {
    let read = |p: &str| {
        let text = std::fs::read_to_string(repo(p)).unwrap();
        let body: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        let cut = body
            .iter()
            .position(|l| l.starts_with("kind = \"set_"))
            .unwrap();
        body[..cut].join("\n")
    };
    let main = read("scenarios/us-east-1-2025-10-20.toml")
        .replace(
            "routing = { policy = \"failover\", primary = { region = \"us-east-1\", health_check = \"east-endpoint\" }, secondary = { region = \"us-west-2\", health_check = \"rc-west\" } }",
            "routing = { policy = \"simple\", region = \"us-east-1\" }",
        )
        .replace(
            "a us-east-1 primary\"",
            "a us-east-1 primary by editing the record\"",
        );
    let manual = read("scenarios/us-east-1-2025-10-20-manual.toml");
    let strip_last_event_name = |s: &str| s.rsplit_once("[[event]]").unwrap().0.to_string();
    assert_eq!(strip_last_event_name(&main), strip_last_event_name(&manual));
}

#[test]
fn dns_partition_splits_the_answers_and_they_agree_again() {
    // Ashburn hears only checkers that cannot reach sa-east-1 and fails over; São Paulo hears
    // the two that can and stays, until the partition heals at 1:40 (the story's timeline).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let story = run_ok(&repo("scenarios/dns-partition.toml"), &out, &[]);
    assert!(
        story.contains("DNS answer at location `ashburn` now us-east-1"),
        "{story}"
    );
    assert!(
        story.contains(
            "DNS answers split: the locations (sao-paulo, ashburn) answered differently for 38m"
        ),
        "{story}"
    );
    let rows = csv_rows(&out.join("timeline.csv"));
    let answers = |subject: &str| -> Vec<(u64, String)> {
        rows.iter()
            .filter(|r| r[1] == "dns_answer" && r[2] == subject)
            .map(|r| (r[0].parse().unwrap(), r[3].clone()))
            .collect()
    };
    let last_before = |subject: &str, t: u64| {
        answers(subject)
            .into_iter()
            .rfind(|(at, _)| *at <= t)
            .unwrap()
            .1
    };
    let during = 80 * 60_000;
    assert_eq!(
        last_before("desktop.example.com@ashburn", during),
        "us-east-1"
    );
    assert_eq!(
        last_before("desktop.example.com@sao-paulo", during),
        "sa-east-1"
    );
    let after = 2 * 3_600_000;
    for subject in [
        "desktop.example.com@ashburn",
        "desktop.example.com@sao-paulo",
    ] {
        assert_eq!(last_before(subject, after), "sa-east-1", "{subject}");
    }
    // US staff who logged in during the split work in us-east-1; Brazilian staff never left.
    let users = csv_rows(&out.join("users.csv"));
    let away = |group: &str| {
        users
            .iter()
            .filter(|u| u[1] == group && u[15] != "0")
            .count()
    };
    assert_eq!(away("brazil"), 0);
    assert!(away("us") > 200, "{}", away("us"));
}
