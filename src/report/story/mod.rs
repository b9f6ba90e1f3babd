//! The headline story printed on stdout after a run: the seed first, then what happened in
//! order, with times from the first fault, who could not be redirected and why, and where the
//! files are. Written for the person at the terminal; the files hold the exact numbers.
//!
//! Each part of the story has a file of its own, in the order the story tells them:
//! `chronology` (what happened, in order), `users` (who was affected, who could not be
//! redirected and why, downtime, time away from home), `dns` (answers split by location),
//! `standby` (launch capacity and replicated data in the failover Region), `cohorts` (the
//! by-cohort table) and `cost` (the bill); [`format`] writes numbers the story's way.

mod chronology;
mod cohorts;
mod cost;
mod dns;
mod format;
mod standby;
mod users;

pub use dns::dns_split_line;
pub use format::usd;
pub use standby::capacity_worse_than_staying;
pub use users::{not_redirected_reasons, off_vpn_users};

use super::Report;
use crate::chart::kit::thousands;
use crate::metric::Metric;
use crate::time::format_human;
use std::fmt::Write;

/// The story, ending with a newline.
pub fn story(report: &Report, out_dir: &str, files: &[String]) -> String {
    let mut s = String::new();
    write_heading(report, &mut s);
    chronology::write(report, &mut s);
    users::write_outcome(report, &mut s);
    dns::write_split(report, &mut s);
    standby::write(report, &mut s);
    cohorts::write(report, &mut s);
    users::write_time_away(report, &mut s);
    let _ = writeln!(s, "{}", cost::cost_line(report));
    // The platform's separator: `output\\name\\` on Windows, `output/name/` elsewhere.
    let sep = std::path::MAIN_SEPARATOR;
    let _ = writeln!(s, "output: {out_dir}{sep} ({})", files.join(", "));
    s
}

/// The seed (first, so any run can be reproduced), the overrides and what was simulated.
fn write_heading(report: &Report, s: &mut String) {
    let _ = writeln!(s, "seed: {}", report.seed);
    if !report.overrides.is_empty() {
        let _ = writeln!(s, "overrides: --set {}", report.overrides.join(" --set "));
    }
    let _ = writeln!(
        s,
        "{} — {} users over {}",
        report.scenario,
        thousands(report.summary.get(Metric::Users).unwrap_or(0.0) as u64),
        format_human(report.duration_ms)
    );
}

/// Helpers for the tests of every part.
#[cfg(test)]
mod testing {
    use crate::report::Report;

    /// The report's summary recomputed after its users or control facts were edited.
    pub fn resummarized(mut report: Report) -> Report {
        let membership = report.membership.clone();
        report.summary =
            crate::report::summary::summarize(report.seed, &report.users, &report.control, &|u| {
                membership.unrelated(u)
            });
        report
    }

    /// The story's lines.
    pub fn lines_of(report: &Report) -> Vec<String> {
        super::story(report, "out", &[])
            .lines()
            .map(String::from)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{lines_of, resummarized};
    use super::*;
    use crate::model::Observation;
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
}
