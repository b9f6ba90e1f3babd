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
