//! What the story says about the users: how many were affected, redirected, never
//! reconnected or misdirected; who could not be redirected and why; who never worked at all
//! (off the VPN); their downtime; and the time they worked away from their home Region.

use super::super::views::human;
use super::dns::dns_never_failed_over;
use super::format::user_hours;
use crate::chart::kit::thousands;
use crate::metric::Metric;
use crate::report::Report;
use std::fmt::Write;

/// Writes the users' outcome: the counts, the reasons some could not be redirected, the
/// users off the VPN and the downtime of the affected ones.
pub(super) fn write_outcome(report: &Report, s: &mut String) {
    let sum = &report.summary;
    let n = |k: Metric| thousands(sum.get(k).unwrap_or(0.0) as u64);
    let _ = writeln!(
        s,
        "users: {} affected, {} redirected, {} never reconnected, {} misdirected",
        n(Metric::UsersAffected),
        n(Metric::UsersRedirected),
        n(Metric::UsersNeverReconnected),
        n(Metric::UsersMisdirected)
    );
    write_not_redirected(report, s);
    let off_vpn = off_vpn_users(report);
    if off_vpn > 0 {
        let _ = writeln!(
            s,
            "never working, unrelated to the outage: {} users off the VPN (private zone: the name does not resolve); left out of the figures above and below",
            thousands(off_vpn as u64)
        );
    }
    if sum.get(Metric::UsersAffected).unwrap_or(0.0) > 0.0 {
        let _ = writeln!(
            s,
            "downtime of affected users: mean {}, p50 {}, p95 {}, p99 {}, max {}",
            human(report, Metric::DowntimeMeanMs),
            human(report, Metric::DowntimeP50Ms),
            human(report, Metric::DowntimeP95Ms),
            human(report, Metric::DowntimeP99Ms),
            human(report, Metric::DowntimeMaxMs)
        );
    }
}

/// Writes how many affected users could not be redirected, by reason; nothing when all could.
fn write_not_redirected(report: &Report, s: &mut String) {
    let reasons = not_redirected_reasons(report);
    if reasons.is_empty() {
        return;
    }
    let total: usize = reasons.iter().map(|r| r.1).sum();
    let parts: Vec<String> = reasons
        .iter()
        .map(|(why, k)| format!("{} {why}", thousands(*k as u64)))
        .collect();
    // Without a DNS failover nobody was redirected, whatever their client: say so, and
    // that these users would not have been redirected by one either.
    let prefix = if dns_never_failed_over(report) {
        "even had DNS failed over, these could not have been redirected"
    } else {
        "could not be redirected"
    };
    let _ = writeln!(
        s,
        "{prefix}: {} affected user{} — {}",
        thousands(total as u64),
        if total == 1 { "" } else { "s" },
        parts.join(", ")
    );
}

/// Writes the user-hours worked outside the home Region, if any.
pub(super) fn write_time_away(report: &Report, s: &mut String) {
    let away: u64 = report.users.iter().map(|u| u.non_home_ms).sum();
    if away > 0 {
        let _ = writeln!(
            s,
            "time worked outside the home Region (user data is not carried across Regions): {} user-hours",
            user_hours(away)
        );
    }
}

/// Counts of affected users who could not be redirected, by reason (a user counts once, for
/// the first reason that applies: see `metric::REDIRECT_VALUES`). Users off the VPN of a
/// private zone are not among them: they never worked at all ([`off_vpn_users`]).
pub fn not_redirected_reasons(report: &Report) -> Vec<(String, usize)> {
    let reasons = [
        ("region_code", "on Region codes"),
        ("old_client", "on clients older than 3.0.9"),
        (
            "no_failover_workspace",
            "without a WorkSpace in the failover Region",
        ),
    ];
    let mut counts = [0usize; 3];
    for u in report.users.iter().filter(|u| u.affected()) {
        let why = report.membership.redirect(u);
        if let Some(k) = reasons.iter().position(|(value, _)| *value == why) {
            counts[k] += 1;
        }
    }
    reasons
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|((_, why), n)| (why.to_string(), n))
        .collect()
}

/// Users off the VPN of a private hosted zone: they cannot resolve the connection alias and
/// never work, outage or not.
pub fn off_vpn_users(report: &Report) -> usize {
    report.summary.get(Metric::UsersOffVpn).unwrap_or(0.0) as usize
}

#[cfg(test)]
mod tests {
    use super::super::story;
    use super::super::testing::{lines_of, resummarized};
    use super::*;
    use crate::report::fixture;

    #[test]
    fn a_dns_failover_keeps_the_plain_reason_line() {
        let mut report = fixture::report("outage", "ignore-check");
        report.users[0].fqdn = false;
        report.users[0].first_disconnect_ms = Some(3_600_000);
        report.users[0].interruptions = 1;
        let lines = lines_of(&resummarized(report));
        assert!(
            lines.contains(
                &"could not be redirected: 1 affected user — 1 on Region codes".to_string()
            ),
            "{lines:#?}"
        );
        assert!(
            !lines.iter().any(|l| l.contains("DNS failover")),
            "{lines:#?}"
        );
    }

    #[test]
    fn time_away_is_in_user_hours_with_thousands_separators() {
        let mut report = fixture::report("outage", "ignore-check");
        report.users[1].non_home_ms = 4_000 * 3_600_000;
        report.users[2].non_home_ms = 4_404 * 3_600_000;
        assert!(story(&report, "out", &[]).contains(": 8,404.0 user-hours\n"));
    }

    #[test]
    fn reasons_not_to_be_redirected_come_from_the_redirect_cohort() {
        let mut report = fixture::report("outage", "ignore-check");
        assert!(not_redirected_reasons(&report).is_empty());
        report.users[1].fqdn = false;
        report.users[2].redirectable = false;
        assert_eq!(
            not_redirected_reasons(&report),
            vec![
                ("on Region codes".to_string(), 1),
                ("on clients older than 3.0.9".to_string(), 1)
            ]
        );
        // Off the VPN of a private zone: not a reason, a cohort of its own.
        report.membership.private_zone = true;
        report.users[2].on_vpn = false;
        assert_eq!(
            not_redirected_reasons(&report),
            vec![("on Region codes".to_string(), 1)]
        );
    }
}
