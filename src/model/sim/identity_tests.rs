//! Tests of identity in whole runs: a shared on-premises directory that failover cannot fix,
//! a Region's own directory or network link, the SAML identity provider, and SAML sessions
//! driving re-authentication (and so fail-back).

use super::tests::run_text;
use crate::metric::Metric;
use crate::report::Report;

const AD_CONNECTORS: &str = r#"[[directory]]
name = "a-adc"
region = "a"
type = "ad_connector"
on_premises = "corp"
[[directory]]
name = "b-adc"
region = "b"
type = "ad_connector"
on_premises = "corp"
"#;

const MANAGED: &str = r#"[[directory]]
name = "a-ad"
region = "a"
type = "managed"
[[directory]]
name = "b-ad"
region = "b"
type = "managed"
"#;

/// 200 users in `a`, failover to `b`, `a` down from 1 h to 2 h; `extra` adds directories
/// and events.
fn identity_scenario(extra: &str) -> String {
    format!(
        r#"[scenario]
name = "t"
duration = "4h"
[[region]]
name = "a"
[[region]]
name = "b"
[[health_check]]
name = "p"
type = "endpoint"
target = "a"
[dns]
fqdn = "d.example.com"
ttl = "60s"
routing = {{ policy = "failover", primary = {{ region = "a", health_check = "p" }}, secondary = {{ region = "b" }} }}
[[users]]
name = "u"
count = 200
home = "a"
schedule = {{ start = "0s", ramp = "20m", session = "8h" }}
[[event]]
name = "outage"
kind = "region_outage"
region = "a"
at = "1h"
duration = "1h"
{extra}
"#
    )
}

fn event(name: &str, kind: &str, keys: &str) -> String {
    format!(
        "[[event]]\nname = \"{name}\"\nkind = \"{kind}\"\nat = \"1h\"\nduration = \"1h\"\n{keys}\n"
    )
}

/// Affected users connected again before the faults end at 2 h.
fn working_again_before_2h(r: &Report) -> usize {
    r.users
        .iter()
        .filter(|u| u.reconnect_ms.is_some_and(|t| t < 2 * 3_600_000))
        .count()
}

fn metric(r: &Report, m: Metric) -> f64 {
    r.summary
        .get(m)
        .unwrap_or_else(|| panic!("{m} has a value"))
}

#[test]
fn a_shared_on_premises_directory_outage_is_not_fixed_by_failover() {
    let plain = run_text(&identity_scenario(AD_CONNECTORS), 1);
    let shared = run_text(
        &identity_scenario(&format!(
            "{AD_CONNECTORS}{}",
            event("ad", "directory_outage", "directory = \"corp\"")
        )),
        1,
    );
    // Without the directory outage, users work in b within minutes.
    assert!(metric(&plain, Metric::Recovered50Ms) < 10.0 * 60_000.0);
    assert!(metric(&plain, Metric::UsersRedirected) > 150.0);
    // With the on-premises AD down behind both AD Connectors, logins fail in b too: nobody
    // works again until the directory (and a) return at 2 h (a few log in to b in the
    // minutes before DNS answers a again).
    assert_eq!(working_again_before_2h(&shared), 0);
    assert!(metric(&shared, Metric::UsersRedirected) < 30.0);
    assert!(metric(&shared, Metric::Recovered50Ms) >= 3_600_000.0);
    assert!(metric(&shared, Metric::LoginFailures) > metric(&plain, Metric::LoginFailures));
}

#[test]
fn a_regions_own_directory_or_link_fails_only_that_region() {
    // b's directory (or b's link to on-premises) fails during the outage of a: same effect
    // as the shared outage for these users, who need b.
    for extra in [
        format!(
            "{MANAGED}{}",
            event("bdir", "directory_outage", "directory = \"b-ad\"")
        ),
        format!(
            "{AD_CONNECTORS}{}",
            event("vpn", "network_outage", "region = \"b\"")
        ),
    ] {
        let r = run_text(&identity_scenario(&extra), 2);
        assert_eq!(working_again_before_2h(&r), 0, "{extra}");
    }
    // a's own directory failing (with a down anyway) does not stop failover to b.
    let a_only = run_text(
        &identity_scenario(&format!(
            "{MANAGED}{}",
            event("adir", "directory_outage", "directory = \"a-ad\"")
        )),
        2,
    );
    assert!(metric(&a_only, Metric::UsersRedirected) > 150.0);
}

#[test]
fn an_idp_outage_fails_only_saml_directories() {
    let saml = AD_CONNECTORS.replace(
        "on_premises = \"corp\"\n",
        "on_premises = \"corp\"\nsaml = true\n",
    );
    let idp = event("idp", "idp_outage", "");
    let with_saml = run_text(&identity_scenario(&format!("{saml}{idp}")), 3);
    let without = run_text(&identity_scenario(&format!("{AD_CONNECTORS}{idp}")), 3);
    assert_eq!(working_again_before_2h(&with_saml), 0);
    assert!(metric(&without, Metric::UsersRedirected) > 150.0);
}

#[test]
fn saml_sessions_reauthenticate_on_their_duration_and_bring_users_home() {
    let no_saml = run_text(&identity_scenario(MANAGED), 4);
    let saml = run_text(
        &identity_scenario(
            &MANAGED.replace("type = \"managed\"\n", "type = \"managed\"\nsaml = true\n"),
        ),
        4,
    );
    let back = |r: &Report| r.users.iter().filter(|u| u.failback_ms.is_some()).count();
    assert_eq!(back(&no_saml), 0, "no re-authentication, no fail-back");
    // The default 60-minute SAML session re-authenticates users in b after a is back (2 h).
    assert!(back(&saml) as f64 > 0.8 * metric(&saml, Metric::UsersRedirected));
    let last = saml
        .users
        .iter()
        .filter_map(|u| u.failback_ms)
        .max()
        .unwrap();
    assert!(last <= 2 * 3_600_000 + 62 * 60_000, "{last}");
    // An explicit session duration is followed too.
    let long = run_text(
        &identity_scenario(&MANAGED.replace(
            "type = \"managed\"\n",
            "type = \"managed\"\nsaml = true\nsaml_session = \"8h\"\n",
        )),
        4,
    );
    assert_eq!(back(&long), 0);
}
