//! The headline story printed on stdout after a run: the seed first, then what happened in
//! order, with times from the first fault, who could not be redirected and why, and where the
//! files are. Written for the person at the terminal; the files hold the exact numbers.

use super::timeline::status_label;
use super::views::human;
use super::Report;
use crate::chart::kit::thousands;
use crate::metric::Metric;
use crate::model::{Observation, Refusal};
use crate::time::{format_clock, format_human, round_to};
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
            Observation::AnswerChanged { answer } => format!(
                "DNS answer{} now {}",
                report.global_view_tag(),
                report.answer_label(answer)
            ),
            Observation::LocationAnswerChanged { location, answer } => format!(
                "DNS answer at location `{}` now {}",
                report.dns_locations[*location as usize],
                report.answer_label(answer)
            ),
            Observation::ActionTaken { event } => {
                format!("operator action `{}`", report.events[*event as usize])
            }
            Observation::ActionAccepted { event } => format!(
                "operator action `{}` accepted after retries",
                report.events[*event as usize]
            ),
            Observation::ActionRefused {
                event,
                retrying: false,
                by,
            } => format!(
                "operator action `{}` abandoned: {}",
                report.events[*event as usize],
                match by {
                    Refusal::Route53ControlPlane => "the Route 53 control plane refused it",
                    Refusal::ArcQuorum => "the ARC cluster had no quorum",
                    Refusal::ArcSafetyRule => "an ARC safety rule refused it",
                }
            ),
            _ => continue,
        };
        events.push((e.time_ms, text));
    }
    events
}

/// A line when failover capacity made things worse than staying: some users waited in launch
/// queues and the p95 downtime is longer than DNS pointed away from the primary (a user who
/// stayed home would have been back soon after DNS returned).
pub fn capacity_worse_than_staying(report: &Report) -> Option<String> {
    let sum = &report.summary;
    let p95 = sum.get(Metric::DowntimeP95Ms)? as u64;
    let away = sum.get(Metric::FailbackMs)? as u64;
    let queued = report
        .users
        .iter()
        .filter(|u| u.affected() && u.launch_wait_ms > 0)
        .count();
    if queued == 0 || p95 <= away {
        return None;
    }
    Some(format!(
        "capacity: p95 downtime {} is longer than DNS pointed away from the primary ({}); {} users waited in launch queues (longest {}): for them failing over was slower than staying",
        format_human(p95),
        format_human(away),
        thousands(queued as u64),
        format_human(sum.get(Metric::LaunchWaitMaxMs).unwrap_or(0.0) as u64)
    ))
}

/// With DNS locations: how long the answers users got depended on their resolver's location
/// (the views they resolve through disagreed), or that they never did.
pub fn dns_split_line(report: &Report) -> Option<String> {
    if report.dns_locations.is_empty() {
        return None;
    }
    let names = report.dns_locations.join(", ");
    let c = &report.control;
    Some(if c.dns_splits == 0 {
        format!("DNS locations ({names}) always gave the same answer")
    } else {
        format!(
            "DNS answers split: the locations ({names}) answered differently for {} in {} period{}, so users were sent to different Regions by where their resolver is",
            format_human(c.dns_split_ms),
            c.dns_splits,
            if c.dns_splits == 1 { "" } else { "s" }
        )
    })
}

/// Whether a fault happened and the authoritative answer never left the primary Region.
fn dns_never_failed_over(report: &Report) -> bool {
    report.control.first_fault_ms.is_some() && report.control.answer_left_primary_ms.is_none()
}

/// What the reader waits for that never came, as `(never, text)` rows for the end of the
/// "what happened" list: the DNS failover after a fault, and the shares of affected users
/// working again (50 % and 95 %) that were not reached before the scenario ended.
fn never_happened(report: &Report) -> Vec<(String, String)> {
    let sum = &report.summary;
    let mut rows = Vec::new();
    if dns_never_failed_over(report) {
        let stayed = report
            .timeline
            .iter()
            .find_map(|e| match &e.observation {
                Observation::AnswerChanged { answer } => Some(report.answer_label(answer)),
                _ => None,
            })
            .map_or_else(String::new, |a| format!(" (the answer stayed on {a})"));
        let nobody = if sum.get(Metric::UsersRedirected).unwrap_or(0.0) == 0.0 {
            ": no affected user was redirected"
        } else {
            ""
        };
        rows.push(("never".to_string(), format!("DNS failover{stayed}{nobody}")));
    }
    let affected = sum.get(Metric::UsersAffected).unwrap_or(0.0) as u64;
    // Shares are measured from the first fault: without one there is nothing to miss.
    if affected > 0 && report.control.first_fault_ms.is_some() {
        let reconnected =
            affected.saturating_sub(sum.get(Metric::UsersNeverReconnected).unwrap_or(0.0) as u64);
        let missed = [(50, Metric::Recovered50Ms), (95, Metric::Recovered95Ms)]
            .into_iter()
            .find(|(_, m)| sum.get(*m).is_none());
        if let Some((share, _)) = missed {
            rows.push((
                "never".to_string(),
                format!(
                    "{share} % of affected users working again: {} of {} ({} %) reconnected before the scenario ended",
                    thousands(reconnected),
                    thousands(affected),
                    // Rounded down, so a share short of the target never reads as it.
                    reconnected * 100 / affected
                ),
            ));
        }
    }
    rows
}

/// User-hours with one decimal and thousands separators (`8,404.0`).
fn user_hours(ms: u64) -> String {
    let tenths = round_to(ms, 360_000) / 360_000;
    format!("{}.{}", thousands(tenths / 10), tenths % 10)
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
    // With `scenario.start`, each line also gets its wall-clock time.
    let clock = |t: u64| {
        report
            .start
            // Rounded to the second, as the offsets beside it are.
            .map(|s| format!("{}  ", s.after(round_to(t, 1000)).format_hh_mm_ss()))
            .unwrap_or_default()
    };
    let at_clock = |t: u64| match report.start {
        Some(s) => s.after(t).format(),
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
            at_clock(o)
        );
    } else if !events.is_empty() {
        let _ = writeln!(s, "what happened:");
    }
    let mut rows: Vec<(String, String)> = events[..shown]
        .iter()
        .map(|(t, text)| (rel(*t), format!("{}{text}", clock(*t))))
        .collect();
    let more = events.len() - shown;
    // Rows that never happened have no clock time: blank it so their text lines up.
    let no_clock = clock(0).replace(|c: char| c != ' ', " ");
    rows.extend(
        never_happened(report)
            .into_iter()
            .map(|(t, text)| (t, format!("{no_clock}{text}"))),
    );
    // One column of times, as wide as its widest entry (`+1h 23m 45s`).
    let width = rows
        .iter()
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(0);
    let width = width.max(9);
    for (t, text) in &rows[..shown] {
        let _ = writeln!(s, "  {t:>width$}  {text}");
    }
    if more > 0 {
        let _ = writeln!(s, "  ... {more} more in timeline.csv");
    }
    for (t, text) in &rows[shown..] {
        let _ = writeln!(s, "  {t:>width$}  {text}");
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
    if let Some(line) = dns_split_line(report) {
        let _ = writeln!(s, "{line}");
    }
    if let Some(line) = capacity_worse_than_staying(report) {
        let _ = writeln!(s, "{line}");
    }
    if sum.get(Metric::DataAgeMaxMs).is_some() {
        let _ = writeln!(
            s,
            "replicated data on standby WorkSpaces: p50 {} old, p95 {}, max {}; {} users over the RPO, {} redirected without their data",
            human(report, Metric::DataAgeP50Ms),
            human(report, Metric::DataAgeP95Ms),
            human(report, Metric::DataAgeMaxMs),
            n(Metric::UsersOverRpo),
            n(Metric::UsersRedirectedWithoutData)
        );
    }
    cohort_lines(report, &mut s);
    let away: u64 = report.users.iter().map(|u| u.non_home_ms).sum();
    if away > 0 {
        let _ = writeln!(
            s,
            "time worked outside the home Region (user data is not carried across Regions): {} user-hours",
            user_hours(away)
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
    } else if c.monthly_usd > 0.0 {
        // Say why, so that $0.00 does not read as "free": AlwaysOn failover WorkSpaces bill
        // monthly, and downtime is priced only when the scenario gives a price.
        line += " (no hourly charges; downtime is priced only with cost.downtime_hourly)";
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

    /// The report's summary recomputed after its users or control facts were edited.
    fn resummarized(mut report: Report) -> Report {
        let membership = report.membership.clone();
        report.summary =
            crate::report::summary::summarize(report.seed, &report.users, &report.control, &|u| {
                membership.unrelated(u)
            });
        report
    }

    fn lines_of(report: &Report) -> Vec<String> {
        story(report, "out", &[])
            .lines()
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_share_not_reached_says_how_many_reconnected_instead_of_never() {
        let mut report = fixture::report("outage", "ignore-check");
        report.users[2].reconnect_ms = None;
        let lines = lines_of(&resummarized(report));
        assert!(lines.contains(
            &"      never  95 % of affected users working again: 1 of 2 (50 %) reconnected before the scenario ended".to_string()
        ), "{lines:#?}");
        assert!(!lines
            .iter()
            .any(|l| l.contains("50 % of affected users working again:")));
        assert!(!lines.iter().any(|l| l.contains("were never working")));
    }

    #[test]
    fn fifty_percent_not_reached_is_said_too() {
        let mut report = fixture::report("outage", "ignore-check");
        report.users[1].reconnect_ms = None;
        report.users[2].reconnect_ms = None;
        let lines = lines_of(&resummarized(report));
        assert!(lines.contains(
            &"      never  50 % of affected users working again: 0 of 2 (0 %) reconnected before the scenario ended".to_string()
        ), "{lines:#?}");
        // One line: 95 % cannot be reached when 50 % was not.
        assert_eq!(
            lines.iter().filter(|l| l.contains("% of affected")).count(),
            1
        );
    }

    #[test]
    fn no_dns_failover_is_said_and_reasons_are_not_blamed_for_it() {
        let mut report = fixture::report("outage", "ignore-check");
        report.timeline.retain(|e| {
            !matches!(e.observation, Observation::AnswerChanged { .. }) || e.time_ms == 0
        });
        report.control.answer_left_primary_ms = None;
        for u in &mut report.users[1..] {
            u.redirected = false;
            u.reconnect_region = Some(0);
        }
        report.users[1].fqdn = false;
        report.users[1].redirectable = false;
        let lines = lines_of(&resummarized(report));
        assert!(lines.contains(
            &"      never  DNS failover (the answer stayed on west): no affected user was redirected"
                .to_string()
        ), "{lines:#?}");
        assert!(lines.contains(
            &"even had DNS failed over, these could not have been redirected: 1 affected user — 1 on Region codes".to_string()
        ), "{lines:#?}");
        assert!(!lines
            .iter()
            .any(|l| l.starts_with("could not be redirected")));
    }

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
    fn the_time_column_stays_aligned_past_one_hour() {
        let mut report = fixture::report("outage", "ignore-check");
        report.duration_ms = 6 * 3_600_000;
        report.faults[0].end_ms = 3_600_000 + 5_025_000; // +1h 23m 45s
        let text = story(&report, "out", &[]);
        let rows: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("what happened"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .collect();
        assert!(
            rows.contains(&"  +1h 23m 45s  west outage (all planes) ends"),
            "{rows:#?}"
        );
        // Every text starts in the same column: two spaces after an 11-wide time.
        for row in &rows {
            assert_eq!(&row[13..15], "  ", "{row:?}");
            assert_ne!(&row[15..16], " ", "{row:?}");
        }
    }

    #[test]
    fn user_hours_have_thousands_separators() {
        assert_eq!(user_hours(8_404 * 3_600_000), "8,404.0");
        assert_eq!(user_hours(30_254_400_000 + 180_000), "8,404.1");
        assert_eq!(user_hours(179_999), "0.0");
        let mut report = fixture::report("outage", "ignore-check");
        report.users[1].non_home_ms = 4_000 * 3_600_000;
        report.users[2].non_home_ms = 4_404 * 3_600_000;
        assert!(story(&report, "out", &[]).contains(": 8,404.0 user-hours\n"));
    }

    #[test]
    fn with_a_start_instant_the_story_adds_clock_times() {
        let mut report = fixture::report("big-bang", "ignore-check");
        report.start = Some(crate::time::parse_instant("2026-03-02T08:40:00-08:00").unwrap());
        let text = story(&report, "out", &["summary.csv".to_string()]);
        assert!(text.contains(
            "what happened (times from the first fault at 2026-03-02 09:40:00 -08:00):\n        +0s  09:40:00  west outage (all planes) begins\n    +1m 40s  09:41:40  health check `primary` unhealthy\n"
        ), "{text}");
    }

    #[test]
    fn with_clock_times_rows_that_never_happened_line_up_with_the_rest() {
        let mut report = fixture::report("outage", "ignore-check");
        report.start = Some(crate::time::parse_instant("2026-03-02T08:40:00-08:00").unwrap());
        // 1h 1m 39.6s: the offset and the clock time both round up to the same second.
        report.timeline[5].time_ms = 3_699_600;
        report.users[2].reconnect_ms = None;
        let lines = lines_of(&resummarized(report));
        assert!(
            lines.contains(&"    +1m 40s  09:41:40  health check `primary` unhealthy".to_string()),
            "{lines:#?}"
        );
        let never = lines.iter().find(|l| l.contains("never")).unwrap();
        assert!(
            never.starts_with("      never            95 % of affected users"),
            "{never:?}"
        );
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
