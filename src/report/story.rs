//! The headline story printed on stdout after a run: the seed first, then what happened in
//! order, with times from the first fault, who could not be redirected and why, and where the
//! files are. Written for the person at the terminal; the files hold the exact numbers.

use super::timeline::status_label;
use super::views::human;
use super::Report;
use crate::chart::kit::thousands;
use crate::metric::Metric;
use crate::model::Observation;
use crate::time::{format_clock, format_human};
use std::fmt::Write;

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

/// The cohort section: for each dimension that splits the users, one line per cohort with
/// its users, affected users and downtime p95 and max.
fn cohort_lines(report: &Report, s: &mut String) {
    use crate::metric::Dimension;
    let show = |row: &super::CohortRow, m: Metric| match row.get(m) {
        Some(v) => format_human(v as u64),
        None => "-".to_string(),
    };
    let mut lines: Vec<[String; 4]> = Vec::new();
    for dimension in Dimension::ALL {
        let rows: Vec<&super::CohortRow> = report
            .cohorts
            .iter()
            .filter(|r| r.cohort.dimension == dimension)
            .collect();
        // A dimension with one cohort says nothing the totals do not.
        if rows.len() < 2 {
            continue;
        }
        for row in rows {
            let count = |m: Metric| thousands(row.get(m).unwrap_or(0.0) as u64);
            lines.push([
                row.cohort.to_string(),
                format!("{} users", count(Metric::Users)),
                format!("{} affected", count(Metric::UsersAffected)),
                format!(
                    "downtime p95 {}, max {}",
                    show(row, Metric::DowntimeP95Ms),
                    show(row, Metric::DowntimeMaxMs)
                ),
            ]);
        }
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(s, "by cohort (cohorts.csv has every figure):");
    let width = |k: usize| {
        lines
            .iter()
            .map(|l| l[k].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for [cohort, users, affected, downtime] in &lines {
        let _ = writeln!(
            s,
            "  {cohort:<w0$}  {users:>w1$}  {affected:>w2$}  {downtime}"
        );
    }
}

/// Faults beginning and ending, health-check and DNS answer changes and operator actions
/// after time 0, in timeline order (faults first).
fn what_happened(report: &Report) -> Vec<(u64, String)> {
    let mut events: Vec<(u64, String)> = Vec::new();
    for f in &report.faults {
        events.push((f.start_ms, format!("{} begins", f.label)));
        if f.end_ms < report.duration_ms {
            events.push((f.end_ms, format!("{} ends", f.label)));
        }
    }
    for e in &report.timeline {
        if e.time_ms == 0 {
            continue;
        }
        let text = match &e.observation {
            Observation::HealthCheckChanged { check, healthy } => format!(
                "health check `{}` {}",
                report.health_checks[*check as usize],
                status_label(*healthy)
            ),
            Observation::AnswerChanged { answer } => {
                format!("DNS answer now {}", report.answer_label(answer))
            }
            Observation::ActionTaken { event } => {
                format!("operator action `{}`", report.events[*event as usize])
            }
            Observation::ActionAccepted { event } => format!(
                "operator action `{}` accepted by the Route 53 control plane after retries",
                report.events[*event as usize]
            ),
            Observation::ActionRefused {
                event,
                retrying: false,
            } => format!(
                "operator action `{}` abandoned: the Route 53 control plane refused it",
                report.events[*event as usize]
            ),
            _ => continue,
        };
        events.push((e.time_ms, text));
    }
    events
}

/// The story, ending with a newline.
pub fn story(report: &Report, out_dir: &str, files: &[String]) -> String {
    let mut s = String::new();
    let sum = &report.summary;
    let n = |k: Metric| thousands(sum.get(k).unwrap_or(0.0) as u64);
    let _ = writeln!(s, "seed: {}", report.seed);
    if !report.overrides.is_empty() {
        let _ = writeln!(s, "overrides: --set {}", report.overrides.join(" --set "));
    }
    let _ = writeln!(
        s,
        "{} — {} users over {}",
        report.scenario,
        n(Metric::Users),
        format_human(report.duration_ms)
    );
    let origin = report.control.first_fault_ms;
    let rel = |t: u64| match origin {
        Some(o) if t >= o => format!("+{}", format_human(t - o)),
        Some(o) => format!("-{}", format_human(o - t)),
        None => format_clock(t),
    };
    let mut events = what_happened(report);
    if let (Some(o), Some(t)) = (origin, sum.get(Metric::Recovered50Ms)) {
        events.push((o + t as u64, "50 % of affected users working again".into()));
    }
    if let (Some(o), Some(t)) = (origin, sum.get(Metric::Recovered95Ms)) {
        events.push((o + t as u64, "95 % of affected users working again".into()));
    }
    events.sort_by_key(|e| e.0);
    // Alarm flapping or partitions can produce many rows; the story shows the first 12.
    let shown = events.len().min(12);
    if let Some(o) = origin {
        let _ = writeln!(
            s,
            "what happened (times from the first fault at {}):",
            format_clock(o)
        );
    } else if !events.is_empty() {
        let _ = writeln!(s, "what happened:");
    }
    for (t, text) in &events[..shown] {
        let _ = writeln!(s, "  {:>9}  {text}", rel(*t));
    }
    if events.len() > shown {
        let _ = writeln!(s, "  ... {} more in timeline.csv", events.len() - shown);
    }
    if sum.get(Metric::Recovered95Ms).is_none()
        && sum.get(Metric::UsersAffected).unwrap_or(0.0) > 0.0
    {
        let _ = writeln!(
            s,
            "  95 % of affected users were never working again before the scenario ended"
        );
    }
    let _ = writeln!(
        s,
        "users: {} affected, {} redirected, {} never reconnected, {} misdirected",
        n(Metric::UsersAffected),
        n(Metric::UsersRedirected),
        n(Metric::UsersNeverReconnected),
        n(Metric::UsersMisdirected)
    );
    let reasons = not_redirected_reasons(report);
    if !reasons.is_empty() {
        let total: usize = reasons.iter().map(|r| r.1).sum();
        let parts: Vec<String> = reasons
            .iter()
            .map(|(why, k)| format!("{} {why}", thousands(*k as u64)))
            .collect();
        let _ = writeln!(
            s,
            "could not be redirected: {} affected users — {}",
            thousands(total as u64),
            parts.join(", ")
        );
    }
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
    cohort_lines(report, &mut s);
    let away: u64 = report.users.iter().map(|u| u.non_home_ms).sum();
    if away > 0 {
        let _ = writeln!(
            s,
            "time worked outside the home Region (user data is not carried across Regions): {:.1} user-hours",
            away as f64 / 3_600_000.0
        );
    }
    let _ = writeln!(s, "{}", cost_line(report));
    // The platform's separator: `output\\name\\` on Windows, `output/name/` elsewhere.
    let sep = std::path::MAIN_SEPARATOR;
    let _ = writeln!(s, "output: {out_dir}{sep} ({})", files.join(", "));
    s
}

/// Dollars with cents and thousands separators: `$17,727.50`.
pub fn usd(x: f64) -> String {
    let cents = (x * 100.0).round() as i64;
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}${}.{:02}", thousands(cents / 100), cents % 100)
}

/// `cost: $74.40 a month (...); this incident $12.30 (...)`, items as `what $x`.
fn cost_line(report: &Report) -> String {
    let items = |lines: &[crate::cost::CostLine]| -> String {
        lines
            .iter()
            .map(|l| {
                format!(
                    "{} {} {}",
                    thousands(l.quantity.round() as u64),
                    l.item,
                    usd(l.usd)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let c = &report.cost;
    let mut line = format!("cost: {} a month", usd(c.monthly_usd));
    if !c.monthly.is_empty() {
        line += &format!(" ({})", items(&c.monthly));
    }
    line += &format!("; this incident {}", usd(c.incident_usd));
    if !c.incident.is_empty() {
        line += &format!(" ({})", items(&c.incident));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn the_story_tells_what_happened_in_order() {
        let report = fixture::report("big-bang", "ignore-check");
        let text = story(&report, "out", &["summary.csv".to_string()]);
        let expected = "\
seed: 42
hand-built — 3 users over 4h
what happened (times from the first fault at 1:00:00):
        +0s  west outage (all planes) begins
    +1m 40s  health check `primary` unhealthy
    +1m 50s  DNS answer now east
        +5m  50 % of affected users working again
        +5m  95 % of affected users working again
       +30m  operator action `ignore-check`
        +1h  west outage (all planes) ends
users: 2 affected, 2 redirected, 0 never reconnected, 0 misdirected
downtime of affected users: mean 5m, p50 5m, p95 5m, p99 5m, max 5m
time worked outside the home Region (user data is not carried across Regions): 2.0 user-hours
cost: $0.00 a month; this incident $0.00
output: out/ (summary.csv)
";
        assert_eq!(text, expected);
    }

    #[test]
    fn the_story_itemises_the_bill() {
        let mut report = fixture::report("big-bang", "ignore-check");
        report.cost = crate::cost::CostFigures {
            monthly_usd: 17_727.5,
            incident_usd: 0.6,
            monthly: vec![crate::cost::CostLine {
                item: "failover WorkSpaces (AutoStop)".into(),
                quantity: 1818.0,
                usd: 17_727.5,
            }],
            incident: vec![crate::cost::CostLine {
                item: "hourly WorkSpaces fees away from home (user-hours)".into(),
                quantity: 2.0,
                usd: 0.6,
            }],
        };
        assert_eq!(
            cost_line(&report),
            "cost: $17,727.50 a month (1,818 failover WorkSpaces (AutoStop) $17,727.50); \
             this incident $0.60 (2 hourly WorkSpaces fees away from home (user-hours) $0.60)"
        );
        assert_eq!(usd(-1234.5), "-$1,234.50");
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
