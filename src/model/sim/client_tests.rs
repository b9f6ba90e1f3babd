//! Tests of the WorkSpaces client in whole runs: resuming after blips, domain lapses,
//! private zones, launch capacity and AutoStop, re-authentication after fail-back.

use super::tests::{run_text, TWO_REGIONS};
use crate::metric::Metric;
use crate::model::UserRecord;
use crate::report::{Report, TimelineKind};

fn client_scenario(extra_users: &str, events: &str, dns_extra: &str) -> String {
    format!(
        r#"{TWO_REGIONS}
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
[dns]
fqdn = "d.example.com"
ttl = "60s"
{dns_extra}
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 300
home = "a"
schedule = {{ start = "0s", ramp = "20m", session = "8h" }}
{extra_users}
{events}
"#
    )
}

const OUTAGE_1H: &str = r#"[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "1h"
"#;

#[test]
fn a_one_minute_blip_resumes_sessions_at_home() {
    let blip = "[[event]]\nname = \"blip\"\nkind = \"region_outage\"\nregion = \"a\"\nat = \"1h\"\nduration = \"1m\"\nplanes = [\"sessions\"]\n";
    let r = run_text(&client_scenario("", blip, ""), 4);
    assert_eq!(r.summary.get(Metric::UsersAffected), Some(300.0));
    assert_eq!(r.summary.get(Metric::UsersRedirected), Some(0.0));
    assert_eq!(
        r.summary.get(Metric::DnsFailoverMs),
        None,
        "the endpoint plane never failed"
    );
    // Clients resume as soon as they notice the Region is back (5-30 s after 1:01), or
    // the user's re-login succeeds at home.
    let max = r.summary.get(Metric::DowntimeMaxMs).unwrap();
    assert!(max <= 5.0 * 60_000.0, "max downtime {max}");
    assert!(r.users.iter().all(|u| u.reconnect_region == Some(0)));
}

#[test]
fn domain_lapse_safe_versus_hijacked() {
    // Users log in over the first 20 minutes; the domain lapses at 10 minutes.
    let lapse = |hijacked: bool| {
        format!("[[event]]\nname = \"lapse\"\nkind = \"domain_lapse\"\nat = \"10m\"\nhijacked = {hijacked}\n")
    };
    let codes = "registration = { fqdn = 0.5, region_code = 0.5 }";
    let safe = run_text(&client_scenario(codes, &lapse(false), ""), 5);
    let hijacked = run_text(&client_scenario(codes, &lapse(true), ""), 5);
    assert_eq!(safe.summary.get(Metric::UsersMisdirected), Some(0.0));
    let misdirected = hijacked.summary.get(Metric::UsersMisdirected).unwrap();
    assert!(
        misdirected > 50.0,
        "FQDN logins after the lapse are misdirected: {misdirected}"
    );
    for (report, name) in [(&safe, "safe"), (&hijacked, "hijacked")] {
        for u in &report.users {
            if !u.fqdn {
                assert!(!u.affected(), "{name}: Region-code users are unaffected");
            }
            if u.misdirected {
                assert_eq!(
                    u.reconnect_ms, None,
                    "a misdirected user is never connected"
                );
            }
        }
    }
    assert_eq!(
        hijacked
            .timeline_rows()
            .filter(|e| e.kind == TimelineKind::DnsAnswer)
            .last()
            .unwrap()
            .value,
        "hijacked"
    );
}

#[test]
fn private_zone_users_off_vpn_cannot_resolve() {
    let r = run_text(
        &client_scenario("on_vpn = 0.8", "", "zone = \"private\""),
        6,
    );
    let never: Vec<&UserRecord> = r
        .users
        .iter()
        .filter(|u| u.reconnect_ms.is_none() && u.affected())
        .collect();
    let share = never.len() as f64 / 300.0;
    assert!(
        (share - 0.2).abs() < 0.08,
        "about 20 % off the VPN never connect: {share}"
    );
    assert!(never.iter().all(|u| u.login_failures > 0));
}

#[test]
fn launch_capacity_queues_and_autostop_adds_resume_time() {
    let text = client_scenario("failover_workspaces = 0.9", OUTAGE_1H, "")
        .replace("[[region]]\nname = \"b\"\n", "[[region]]\nname = \"b\"\nlaunch_concurrency = 5\nstandby = \"autostop\"\nresume_time = \"2m\"\n");
    let limited = run_text(&text, 7);
    let open = run_text(
        &client_scenario("failover_workspaces = 0.9", OUTAGE_1H, ""),
        7,
    );
    assert!(limited.summary.get(Metric::PeakLaunchQueue).unwrap() > 50.0);
    assert_eq!(open.summary.get(Metric::PeakLaunchQueue), Some(0.0));
    assert!(open.users.iter().all(|u| u.launch_wait_ms == 0));
    let waited = limited
        .users
        .iter()
        .filter(|u| u.launch_wait_ms > 0)
        .count();
    assert!(waited > 50, "{waited} users waited for a launch slot");
    let p50 = |r: &Report| r.summary.get(Metric::Recovered50Ms).unwrap();
    assert!(
        p50(&limited) > p50(&open) + 120_000.0,
        "queue + AutoStop resume slow recovery: {} vs {}",
        p50(&limited),
        p50(&open)
    );
    // Users without a failover WorkSpace wait for home.
    for u in &open.users {
        if u.reconnect_region == Some(0) && u.redirectable {
            assert!(u.reconnect_ms.unwrap() >= 2 * 3_600_000 - 60_000 || u.login_failures > 0);
        }
    }
}

#[test]
fn reauthentication_brings_users_home_after_failback() {
    let never = run_text(&client_scenario("", OUTAGE_1H, ""), 8);
    let saml = run_text(
        &client_scenario("[users.behaviour]\nreauth_every = \"60m\"", OUTAGE_1H, ""),
        8,
    );
    let back = |r: &Report| r.users.iter().filter(|u| u.failback_ms.is_some()).count();
    assert_eq!(
        back(&never),
        0,
        "without re-authentication users stay in the failover Region"
    );
    assert!(back(&saml) as f64 > 0.8 * saml.summary.get(Metric::UsersRedirected).unwrap());
    let away = |r: &Report| r.users.iter().map(|u| u.non_home_ms).sum::<u64>();
    // Scenario ends at 3h: without re-authentication users stay away ~2h, with hourly
    // re-authentication ~1h (until the first re-authentication after fail-back).
    assert!(
        away(&saml) * 10 < away(&never) * 7,
        "{} vs {}",
        away(&saml),
        away(&never)
    );
}
